/*
 * patfile: set files for "-p NAME|FILE" (patfile.h has the contract).
 * A missing file in one directory means "try the next"; any other
 * failure to open one is reported at once.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "patfile.h"

/*
 * Read one line of at most PATFILE_LINEMAX bytes into buf, without its
 * '\n' and without a '\r' before it. Returns 1 with the length in
 * *lenp, 0 at the end of the file, -1 for a longer line, or -2 on a
 * read error (errno set). NUL bytes are kept: lengths are explicit.
 */
static int
patfile_getline(FILE *fp, char buf[PATFILE_LINEMAX], size_t *lenp)
{
	size_t	len = 0;
	int	c, cr = 0;

	/* A '\r' is held back until the next byte shows it is not the last. */
	while ((c = getc(fp)) != EOF && c != '\n') {
		if (cr) {
			if (len == PATFILE_LINEMAX)
				return -1;
			buf[len++] = '\r';
			cr = 0;
		}
		if (c == '\r') {
			cr = 1;
			continue;
		}
		if (len == PATFILE_LINEMAX)
			return -1;
		buf[len++] = (char)c;
	}
	if (c == EOF && ferror(fp))
		return -2;
	if (c == EOF && len == 0 && !cr)
		return 0;
	*lenp = len;
	return 1;
}

/* A line of only blanks, or whose first non-blank byte is '#'. */
static int
patfile_skip(const char *line, size_t len)
{
	size_t	i;

	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	return i == len || line[i] == '#';
}

/*
 * Hand every pattern line of the open file fp (read as path) to fn.
 * Returns 0, or -1 with the reason in errbuf. A file without a single
 * pattern is an error: it is almost surely the wrong file.
 */
static int
patfile_read(FILE *fp, const char *path, patfile_fn fn, void *arg,
    char *errbuf, size_t errlen)
{
	char		line[PATFILE_LINEMAX];
	size_t		len, npat = 0;
	unsigned long	lineno = 0;
	int		rc;

	while ((rc = patfile_getline(fp, line, &len)) != 0) {
		lineno++;
		if (rc == -2) {
			snprintf(errbuf, errlen, "%s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (rc == -1) {
			snprintf(errbuf, errlen, "%s:%lu: line longer than "
			    "%d bytes", path, lineno, PATFILE_LINEMAX);
			return -1;
		}
		if (patfile_skip(line, len))
			continue;
		if (fn(arg, path, lineno, line, len, errbuf, errlen) == -1)
			return -1;
		npat++;
	}
	if (npat == 0) {
		snprintf(errbuf, errlen, "%s: no patterns", path);
		return -1;
	}
	return 0;
}

/*
 * Open set NAME as DIR/NAME.pat from the first of dirs that has it,
 * leaving its path in path[0..pathsz). A missing file means "try the
 * next directory"; any other failure is reported. Returns the stream,
 * or NULL with the reason in errbuf.
 */
static FILE *
patfile_find(const char *name, const char *const *dirs, size_t ndirs,
    char *path, size_t pathsz, char *errbuf, size_t errlen)
{
	FILE	*fp;
	size_t	 i;
	int	 n;

	for (i = 0; i < ndirs; i++) {
		n = snprintf(path, pathsz, "%s/%s.pat", dirs[i], name);
		if (n < 0 || (size_t)n >= pathsz)
			continue;
		if ((fp = fopen(path, "r")) != NULL)
			return fp;
		if (errno != ENOENT && errno != ENOTDIR) {
			snprintf(errbuf, errlen, "%s: %s", path,
			    strerror(errno));
			return NULL;
		}
	}
	snprintf(errbuf, errlen, "%s: no such pattern set (looked in ", name);
	for (i = 0; i < ndirs; i++) {
		if (i > 0)
			strlcat(errbuf, ", ", errlen);
		strlcat(errbuf, dirs[i], errlen);
	}
	strlcat(errbuf, ")", errlen);
	return NULL;
}

int
patfile_load(const char *spec, const char *const *dirs, size_t ndirs,
    patfile_fn fn, void *arg, char *errbuf, size_t errlen)
{
	FILE		*fp;
	const char	*path;
	char		 found[PATH_MAX];
	int		 rc;

	if (strchr(spec, '/') != NULL) {
		path = spec;
		if ((fp = fopen(spec, "r")) == NULL) {
			snprintf(errbuf, errlen, "%s: %s", spec,
			    strerror(errno));
			return -1;
		}
	} else {
		path = found;
		fp = patfile_find(spec, dirs, ndirs, found, sizeof(found),
		    errbuf, errlen);
		if (fp == NULL)
			return -1;
	}
	rc = patfile_read(fp, path, fn, arg, errbuf, errlen);
	fclose(fp);
	return rc;
}
