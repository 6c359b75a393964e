/*
 * metricsfile: see metricsfile.h and ptrtag.1, --metrics-file.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "metricsfile.h"
#include "outbuf.h"
#include "util.h"

/* The mode of a new file: node_exporter runs as another user. */
#define METRICSFILE_MODE	0644

struct metricsfile {
	char		*mf_path;	/* as given, for messages */
	char		*mf_name;	/* the last component */
	char		 mf_tmp[NAME_MAX + 1];	/* NAME.tmp */
	int		 mf_dirfd;	/* O_PATH, kept open */
	uint64_t	 mf_interval_ms;
	uint64_t	 mf_due_ms;
	int		 mf_failing;	/* the last write failed */
	const char	*mf_taken;	/* why the name is not ours, or NULL */
};

/* Split path into its directory, opened, and its name; 0 or -1 (errno). */
static int
open_dir(struct metricsfile *mf, const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*dir;
	int		 saved;

	mf->mf_name = xstrdup(slash == NULL ? path : slash + 1);
	if (slash == NULL)
		dir = xstrdup(".");
	else {
		dir = xstrdup(slash == path ? "/" : path);
		if (slash != path)
			dir[slash - path] = '\0';
	}
	mf->mf_dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	free(dir);
	errno = saved;
	return mf->mf_dirfd == -1 ? -1 : 0;
}

/*
 * The mode for the new file: that of the file it replaces (so that an
 * administrator's chmod lasts), else METRICSFILE_MODE. -1 with
 * mf_taken set when the name is taken by a symbolic link or something
 * else than a regular file, which is never replaced.
 */
static int
new_mode(struct metricsfile *mf, mode_t *mode)
{
	struct stat	st;

	*mode = METRICSFILE_MODE;
	mf->mf_taken = NULL;
	if (fstatat(mf->mf_dirfd, mf->mf_name, &st, AT_SYMLINK_NOFOLLOW) ==
	    -1)
		return errno == ENOENT ? 0 : -1;
	if (S_ISLNK(st.st_mode))
		mf->mf_taken = "a symbolic link (not followed; name the file "
		    "itself)";
	else if (S_ISDIR(st.st_mode))
		mf->mf_taken = "a directory";
	else if (!S_ISREG(st.st_mode))
		mf->mf_taken = "not a regular file";
	if (mf->mf_taken != NULL)
		return -1;
	*mode = st.st_mode & 0777;
	return 0;
}

/* Write all of buf to fd; 0, or -1 with errno. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write text to the temporary file and rename it; 0 or -1 (errno). */
static int
replace(struct metricsfile *mf, const struct outbuf *text)
{
	mode_t	mode;
	int	fd, rc, saved;

	if (new_mode(mf, &mode) == -1)
		return -1;
	/* A temporary file a killed run left behind goes first. */
	if (unlinkat(mf->mf_dirfd, mf->mf_tmp, 0) == -1 && errno != ENOENT)
		return -1;
	fd = openat(mf->mf_dirfd, mf->mf_tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd == -1)
		return -1;
	rc = fchmod(fd, mode) == -1 ||
	    write_all(fd, text->ob_buf, text->ob_len) == -1 ? -1 : 0;
	saved = errno;
	if (close(fd) == -1 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && renameat(mf->mf_dirfd, mf->mf_tmp, mf->mf_dirfd,
	    mf->mf_name) == -1) {
		rc = -1;
		saved = errno;
	}
	if (rc == -1)
		(void)unlinkat(mf->mf_dirfd, mf->mf_tmp, 0);
	errno = saved;
	return rc;
}

/* Format the counters and replace the file; 0 or -1 (errno). */
static int
write_now(struct metricsfile *mf, const struct stats *st,
    const struct stats_gauges *g, uint64_t now_ms)
{
	struct outbuf	text;
	int		rc, saved;

	outbuf_init(&text, 0);
	metrics_format(st, g, &text);
	mf->mf_due_ms = now_ms + mf->mf_interval_ms;
	rc = replace(mf, &text);
	saved = errno;
	outbuf_free(&text);
	errno = saved;
	return rc;
}

struct metricsfile *
metricsfile_open(const char *path, uint32_t interval_s,
    const struct stats *st, const struct stats_gauges *g, uint64_t now_ms,
    char *err, size_t errlen)
{
	struct metricsfile	*mf;
	const char		*name;

	mf = xcalloc(1, sizeof(*mf));
	mf->mf_path = xstrdup(path);
	mf->mf_dirfd = -1;
	mf->mf_interval_ms = (uint64_t)interval_s * 1000;
	if (open_dir(mf, path) == -1) {
		snprintf(err, errlen, "metrics file %s: its directory: %s",
		    path, strerror(errno));
		goto fail;
	}
	name = mf->mf_name;
	if (name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		snprintf(err, errlen, "metrics file %s: not a file name", path);
		goto fail;
	}
	if ((size_t)snprintf(mf->mf_tmp, sizeof(mf->mf_tmp), "%s.tmp", name) >=
	    sizeof(mf->mf_tmp)) {
		snprintf(err, errlen, "metrics file %s: %s", path,
		    strerror(ENAMETOOLONG));
		goto fail;
	}
	if (write_now(mf, st, g, now_ms) == 0)
		return mf;
	if (mf->mf_taken != NULL)
		snprintf(err, errlen, "metrics file %s: %s", path,
		    mf->mf_taken);
	else
		snprintf(err, errlen, "metrics file %s: %s", path,
		    strerror(errno));
fail:
	metricsfile_close(mf);
	return NULL;
}

int
metricsfile_write(struct metricsfile *mf, const struct stats *st,
    const struct stats_gauges *g, uint64_t now_ms)
{
	if (write_now(mf, st, g, now_ms) == -1) {
		if (mf->mf_failing)
			return -1;
		if (mf->mf_taken != NULL)
			warnx("metrics file %s: %s; not written", mf->mf_path,
			    mf->mf_taken);
		else
			warn("metrics file %s", mf->mf_path);
		mf->mf_failing = 1;
		return -1;
	}
	if (mf->mf_failing)
		warnx("metrics file %s: written again", mf->mf_path);
	mf->mf_failing = 0;
	return 0;
}

int
metricsfile_due(const struct metricsfile *mf, uint64_t now_ms)
{
	return mf != NULL && now_ms >= mf->mf_due_ms;
}

int64_t
metricsfile_wait_ms(const struct metricsfile *mf, uint64_t now_ms)
{
	if (mf == NULL)
		return -1;
	return now_ms >= mf->mf_due_ms ? 0 : (int64_t)(mf->mf_due_ms - now_ms);
}

void
metricsfile_close(struct metricsfile *mf)
{
	if (mf == NULL)
		return;
	if (mf->mf_dirfd != -1)
		close(mf->mf_dirfd);
	free(mf->mf_name);
	free(mf->mf_path);
	free(mf);
}
