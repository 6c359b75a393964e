/*
 * statefile: see statefile.h.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statefile.h"
#include "util.h"

/* Read fd (a regular file) whole, at most max bytes; -1 beyond. */
static char *
slurp(int fd, size_t max, size_t *lenp)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 n;

	buf = xcalloc(max + 1, 1);
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || (n > 0 && (len += (size_t)n) > max)) {
			if (n > 0)
				errno = EFBIG;
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
	}
	*lenp = len;
	return buf;
}

int
statefile_open(struct afile *af, const char *path, struct state *st,
    char *err, size_t errlen)
{
	char	*buf, why[256];
	size_t	 len;
	int	 fd, saved, rc;

	memset(st, 0, sizeof(*st));
	if (afile_open(af, "state file", path, &fd, err, errlen) == -1)
		return -1;
	if (fd == -1) {
		arc4random_buf(st->st_key, sizeof(st->st_key));
		return 0;
	}
	buf = slurp(fd, STATE_FILE_MAX, &len);
	saved = errno;
	close(fd);
	if (buf == NULL) {
		snprintf(err, errlen, "state file %s: %s", path,
		    saved == EFBIG ? "larger than 1 MiB" : strerror(saved));
		return -1;
	}
	rc = statefmt_parse(buf, len, st, why, sizeof(why));
	free(buf);
	if (rc == -1)
		snprintf(err, errlen, "state file %s: %s (not a state file "
		    "ptrtag wrote; remove it to read every file from its "
		    "start)", path, why);
	return rc;
}

int
statefile_save(const struct afile *af, const struct state *st)
{
	char	 tmp[AFILE_TMPMAX], errbuf[512], *text;
	size_t	 len;
	int	 fd, rc = -1;

	text = statefmt_format(st, &len);
	if ((fd = afile_begin(af, tmp, errbuf, sizeof(errbuf))) == -1)
		warnx("%s", errbuf);
	else if (afile_write(fd, text, len) == -1) {
		warn("state file %s: temporary file %s", af->af_path, tmp);
		afile_discard(af, tmp);
	} else if (afile_commit(af, tmp, errbuf, sizeof(errbuf)) == -1)
		warnx("%s", errbuf);
	else
		rc = 0;
	free(text);
	return rc;
}
