/*
 * afile: see afile.h; the rules are those of ptrtag(1), FILES.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "util.h"

/* Random temporary names tried before giving up (each is 64 bits). */
#define AFILE_TMP_TRIES	16

/* Format "WHAT PATH: " and fmt into err; returns -1. */
static int __attribute__((format(printf, 4, 5)))
fail(const struct afile *af, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, errlen, "%s %s: ", af->af_what, af->af_path);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Create a file under a fresh random name in the directory: exclusively,
 * never through a symbolic link, mode 0600. Returns its descriptor and
 * its name in tmp, or -1 with errno set.
 */
static int
tmp_create(const struct afile *af, char *tmp)
{
	int	i, fd;

	for (i = 0; i < AFILE_TMP_TRIES; i++) {
		if ((size_t)snprintf(tmp, AFILE_TMPMAX, "%s.tmp.%08" PRIx32
		    "%08" PRIx32, af->af_name, arc4random(), arc4random()) >=
		    AFILE_TMPMAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(af->af_dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/*
 * The file exists: check it against the rules of ptrtag(1), FILES, and
 * open it without blocking (it may have been replaced by a FIFO).
 */
static int
open_existing(const struct afile *af, const struct stat *st, int *fdp,
    char *err, size_t errlen)
{
	struct stat	fst;
	int		fd;

	if (S_ISLNK(st->st_mode))
		return fail(af, err, errlen, "a symbolic link (not followed; "
		    "name the file itself)");
	if (!S_ISREG(st->st_mode))
		return fail(af, err, errlen, "not a regular file");
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return fail(af, err, errlen, "owned by uid %ju, neither the "
		    "user running ptrtag (uid %ju) nor root",
		    (uintmax_t)st->st_uid, (uintmax_t)geteuid());
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return fail(af, err, errlen, "writable by group or others "
		    "(mode %04o)", (unsigned int)(st->st_mode & 07777));
	fd = openat(af->af_dirfd, af->af_name, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return fail(af, err, errlen, "%s", strerror(errno));
	if (fstat(fd, &fst) == -1 || fst.st_dev != st->st_dev ||
	    fst.st_ino != st->st_ino) {
		close(fd);
		return fail(af, err, errlen, "replaced while being opened");
	}
	*fdp = fd;
	return 0;
}

/*
 * Split the path into af_name and its directory, and open that: read-only
 * so that a save can sync it, else (a directory without read permission)
 * as a path only.
 */
static int
open_dir(struct afile *af, char *err, size_t errlen)
{
	const char	*slash, *path = af->af_path;
	char		*dir;
	int		 saved;

	if ((slash = strrchr(path, '/')) == NULL) {
		dir = xstrdup(".");
		af->af_name = xstrdup(path);
	} else {
		dir = xstrdup(slash == path ? "/" : path);
		if (slash != path)
			dir[slash - path] = '\0';
		af->af_name = xstrdup(slash + 1);
	}
	if (af->af_name[0] == '\0' || strcmp(af->af_name, ".") == 0 ||
	    strcmp(af->af_name, "..") == 0) {
		free(dir);
		return fail(af, err, errlen, "not a file name");
	}
	af->af_dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (af->af_dirfd == -1 && errno == EACCES)
		af->af_dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	free(dir);
	if (af->af_dirfd == -1)
		return fail(af, err, errlen, "its directory: %s",
		    strerror(saved));
	return 0;
}

/*
 * Remove the temporary files a save left behind when the process was
 * killed before its rename: NAME.tmp. and 16 hex digits, regular files
 * of this user. A directory opened as a path only cannot be listed.
 */
static void
remove_stale(const struct afile *af)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 n = strlen(af->af_name), i;
	int		 fd;

	if ((fd = openat(af->af_dirfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, af->af_name, n) != 0 ||
		    strncmp(de->d_name + n, ".tmp.", 5) != 0 ||
		    strlen(de->d_name + n + 5) != 16)
			continue;
		for (i = n + 5; isxdigit((unsigned char)de->d_name[i]); i++)
			;
		if (de->d_name[i] == '\0' && fstatat(af->af_dirfd,
		    de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_uid == geteuid())
			(void)unlinkat(af->af_dirfd, de->d_name, 0);
	}
	closedir(d);
}

int
afile_open(struct afile *af, const char *what, const char *path, int *fdp,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		 tmp[AFILE_TMPMAX];
	int		 fd;

	memset(af, 0, sizeof(*af));
	af->af_dirfd = -1;
	af->af_what = what;
	af->af_path = path;
	*fdp = -1;
	if (open_dir(af, err, errlen) == -1)
		return -1;
	if (fstatat(af->af_dirfd, af->af_name, &st, AT_SYMLINK_NOFOLLOW) ==
	    -1) {
		if (errno != ENOENT)
			return fail(af, err, errlen, "%s", strerror(errno));
	} else if (open_existing(af, &st, fdp, err, errlen) == -1)
		return -1;
	/* A save must be able to create its temporary file here. */
	if ((fd = tmp_create(af, tmp)) == -1) {
		if (*fdp != -1)
			close(*fdp);
		*fdp = -1;
		return fail(af, err, errlen, "cannot create a file in its "
		    "directory: %s", strerror(errno));
	}
	close(fd);
	(void)unlinkat(af->af_dirfd, tmp, 0);
	remove_stale(af);
	return 0;
}

int
afile_begin(const struct afile *af, char *tmp, char *err, size_t errlen)
{
	struct stat	st;
	mode_t		mode = S_IRUSR | S_IWUSR;
	int		fd, saved;

	if (af->af_dirfd == -1)
		return fail(af, err, errlen, "not opened at start; not saved");
	if (fstatat(af->af_dirfd, af->af_name, &st, AT_SYMLINK_NOFOLLOW) ==
	    0) {
		if (!S_ISREG(st.st_mode))
			return fail(af, err, errlen, "no longer a regular "
			    "file; not saved");
		/* Group or others write is refused at start. */
		mode = st.st_mode & 0755;
	} else if (errno != ENOENT)
		return fail(af, err, errlen, "%s", strerror(errno));
	if ((fd = tmp_create(af, tmp)) == -1)
		return fail(af, err, errlen, "temporary file: %s",
		    strerror(errno));
	if (fchmod(fd, mode) == -1) {
		saved = errno;
		close(fd);
		afile_discard(af, tmp);
		return fail(af, err, errlen, "temporary file %s: %s", tmp,
		    strerror(saved));
	}
	return fd;
}

int
afile_write(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;
	int		 saved;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	return close(fd);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
afile_commit(const struct afile *af, const char *tmp, char *err,
    size_t errlen)
{
	if (renameat(af->af_dirfd, tmp, af->af_dirfd, af->af_name) == -1) {
		int saved = errno;

		afile_discard(af, tmp);
		return fail(af, err, errlen, "%s", strerror(saved));
	}
	/*
	 * The rename lasts across a crash of the machine only once the
	 * directory is synced; a directory opened as a path only cannot be
	 * (EBADF), and the rename then lasts as the file system decides.
	 */
	if (fsync(af->af_dirfd) == -1 && errno != EBADF && errno != EINVAL)
		return fail(af, err, errlen, "its directory: %s",
		    strerror(errno));
	return 0;
}

void
afile_discard(const struct afile *af, const char *tmp)
{
	(void)unlinkat(af->af_dirfd, tmp, 0);
}

void
afile_close(struct afile *af)
{
	if (af->af_dirfd != -1)
		close(af->af_dirfd);
	free(af->af_name);
	af->af_dirfd = -1;
	af->af_name = NULL;
}
