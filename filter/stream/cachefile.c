/*
 * cachefile: see cachefile.h; the rules are those of ptrtag(1), FILES.
 *
 * The file is as untrusted as DNS: every field is validated and every
 * expiry clamped before it reaches the cache. It is trusted only as far
 * as its owner is, which is why cachefile_open() refuses a file another
 * user could have written.
 *
 * This file opens the cache file and saves it; cachefile_load.c parses
 * and loads it. Invariants (cachefile_state.h): after cachefile_open(),
 * the cache file's directory is open for the life of the process and
 * every later access is relative to it (openat, fstatat, renameat,
 * unlinkat), so that only that directory needs to stay writable;
 * nothing is ever opened through a symbolic link in the last path
 * component, and nothing but a new file created exclusively is ever
 * written.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cachefile.h"
#include "cachefile_state.h"
#include "util.h"

/* Random temporary names tried before giving up (each is 64 bits). */
#define CACHEFILE_TMP_TRIES	16

struct cachefile_state cachefile = { -1, -1, NULL, NULL, NULL };

struct save_ctx {
	uint64_t	 sc_now_ms;
	time_t		 sc_wall;
	size_t		 sc_count;
	char		**sc_lines;	/* MRU first, written reversed */
	size_t		 sc_cap;
};

/* Format "cache file PATH: " and fmt into err; returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, errlen, "cache file %s: ", cachefile.cfs_path);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Create a file under a fresh random name in the file's directory:
 * exclusively, never through a symbolic link, mode 0600. Returns its
 * descriptor and its name in tmp, or -1 with errno set.
 */
static int
tmp_create(char *tmp, size_t len)
{
	int	i, fd;

	for (i = 0; i < CACHEFILE_TMP_TRIES; i++) {
		if ((size_t)snprintf(tmp, len, "%s.tmp.%08" PRIx32 "%08" PRIx32,
		    cachefile.cfs_name, arc4random(), arc4random()) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(cachefile.cfs_dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
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
open_existing(const struct stat *st, char *err, size_t errlen)
{
	struct stat	fst;
	int		fd;

	if (S_ISLNK(st->st_mode))
		return fail(err, errlen, "a symbolic link (not followed; "
		    "name the file itself)");
	if (!S_ISREG(st->st_mode))
		return fail(err, errlen, "not a regular file");
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return fail(err, errlen, "owned by uid %ju, neither the "
		    "user running ptrtag (uid %ju) nor root",
		    (uintmax_t)st->st_uid, (uintmax_t)geteuid());
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return fail(err, errlen, "writable by group or others "
		    "(mode %04o)", (unsigned int)(st->st_mode & 07777));
	fd = openat(cachefile.cfs_dirfd, cachefile.cfs_name, O_RDONLY |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return fail(err, errlen, "%s", strerror(errno));
	if (fstat(fd, &fst) == -1 || fst.st_dev != st->st_dev ||
	    fst.st_ino != st->st_ino) {
		close(fd);
		return fail(err, errlen, "replaced while being opened");
	}
	cachefile.cfs_fd = fd;
	return 0;
}

/* Split the path into cfs_name and its directory, and open that. */
static int
open_dir(const char *path, char *err, size_t errlen)
{
	const char	*slash;
	char		*dir;
	int		 saved;

	if ((slash = strrchr(path, '/')) == NULL) {
		dir = xstrdup(".");
		cachefile.cfs_name = xstrdup(path);
	} else {
		dir = xstrdup(slash == path ? "/" : path);
		if (slash != path)
			dir[slash - path] = '\0';
		cachefile.cfs_name = xstrdup(slash + 1);
	}
	if (cachefile.cfs_name[0] == '\0' ||
	    strcmp(cachefile.cfs_name, ".") == 0 ||
	    strcmp(cachefile.cfs_name, "..") == 0) {
		free(dir);
		return fail(err, errlen, "not a file name");
	}
	cachefile.cfs_dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	free(dir);
	if (cachefile.cfs_dirfd == -1)
		return fail(err, errlen, "its directory: %s", strerror(saved));
	return 0;
}

int
cachefile_open(const struct config *cfg, char *err, size_t errlen)
{
	struct stat	 st;
	char		 tmp[NAME_MAX + 1];
	int		 fd;

	cachefile.cfs_cfg = cfg;
	cachefile.cfs_path = cfg->cf_cache_file;
	if (open_dir(cachefile.cfs_path, err, errlen) == -1)
		return -1;
	if (fstatat(cachefile.cfs_dirfd, cachefile.cfs_name, &st,
	    AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT)
			return fail(err, errlen, "%s", strerror(errno));
	} else if (open_existing(&st, err, errlen) == -1)
		return -1;
	/* A save must be able to create its temporary file here. */
	if ((fd = tmp_create(tmp, sizeof(tmp))) == -1)
		return fail(err, errlen, "cannot create a file in its "
		    "directory: %s", strerror(errno));
	close(fd);
	(void)unlinkat(cachefile.cfs_dirfd, tmp, 0);
	return 0;
}

int
cachefile_dirfd(void)
{
	return cachefile.cfs_dirfd;
}

static void
save_one(const struct dnsent *de, uint64_t expires_ms, void *arg)
{
	struct save_ctx	*sc = arg;
	char		 ip[IPADDR_STRMAX], *line;
	long long	 wall;

	if (expires_ms <= sc->sc_now_ms || de->de_verdict >= VERDICT_COUNT ||
	    verdict_table[de->de_verdict].vi_host == VH_NEVER)
		return;
	ipaddr_ntop(&de->de_addr, ip, sizeof(ip));
	wall = (long long)sc->sc_wall +
	    (long long)((expires_ms - sc->sc_now_ms) / 1000);
	if (asprintf(&line, "%s %s %lld %s\n", ip,
	    verdict_name((enum verdict)de->de_verdict), wall,
	    de->de_host ? de->de_host : "-") == -1)
		err(1, NULL);
	if (sc->sc_count == sc->sc_cap) {
		sc->sc_cap = sc->sc_cap ? 2 * sc->sc_cap : 1024;
		sc->sc_lines = xreallocarray(sc->sc_lines, sc->sc_cap,
		    sizeof(*sc->sc_lines));
	}
	sc->sc_lines[sc->sc_count++] = line;
}

/*
 * The mode for the new file: that of the file it replaces without group
 * or others write (a file with those is refused at start), else 0600.
 * -1 when the name is taken by something else than a regular file.
 */
static int
save_mode(mode_t *mode)
{
	struct stat	st;

	*mode = S_IRUSR | S_IWUSR;
	if (fstatat(cachefile.cfs_dirfd, cachefile.cfs_name, &st,
	    AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		warn("cache file %s", cachefile.cfs_path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("cache file %s: no longer a regular file; not saved",
		    cachefile.cfs_path);
		return -1;
	}
	*mode = st.st_mode & 0755;
	return 0;
}

/* Write the lines of sc to fd (closed); 0, or -1 with errno. */
static int
save_write(int fd, mode_t mode, const struct save_ctx *sc)
{
	FILE	*fp;
	size_t	 i;
	int	 bad, saved;

	if (fchmod(fd, mode) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	fprintf(fp, "%s\n", CACHEFILE_MAGIC);
	for (i = sc->sc_count; i > 0; i--)
		fputs(sc->sc_lines[i - 1], fp);
	fprintf(fp, "end %zu\n", sc->sc_count);
	bad = fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0;
	saved = errno;
	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	errno = saved;
	return bad ? -1 : 0;
}

int
cachefile_save(struct rsv *rsv, const char *path)
{
	struct save_ctx	 sc;
	char		 tmp[NAME_MAX + 1];
	mode_t		 mode;
	size_t		 i;
	int		 fd, bad = 1;

	if (cachefile.cfs_dirfd == -1) {
		warnx("cache file %s: not opened at start; not saved", path);
		return -1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.sc_now_ms = now_ms();
	sc.sc_wall = time(NULL);
	rsv_foreach(rsv, save_one, &sc);
	if (save_mode(&mode) == -1)
		goto done;
	if ((fd = tmp_create(tmp, sizeof(tmp))) == -1) {
		warn("cache file %s: temporary file", path);
		goto done;
	}
	if (save_write(fd, mode, &sc) == -1)
		warn("cache file %s: temporary file %s", path, tmp);
	else if (renameat(cachefile.cfs_dirfd, tmp, cachefile.cfs_dirfd,
	    cachefile.cfs_name) == -1)
		warn("cache file %s", path);
	else
		bad = 0;
	if (bad)
		(void)unlinkat(cachefile.cfs_dirfd, tmp, 0);
done:
	for (i = 0; i < sc.sc_count; i++)
		free(sc.sc_lines[i]);
	free(sc.sc_lines);
	return bad ? -1 : 0;
}
