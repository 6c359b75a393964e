/*
 * patfile: finding and reading the set files of "-p NAME|FILE"
 * (ptrtag.1, DESCRIPTION, PATTERN SETS). A spec containing '/' is a
 * path; any other spec is a set NAME, read from NAME.pat in the first
 * directory that has it. A set file holds one pattern a line; blank
 * lines and lines whose first non-blank byte is '#' are skipped. This
 * module knows nothing of PCRE2: it hands each pattern line to the
 * caller (patset.c compiles it). Private to patterns/. Never prints,
 * never exits.
 */
#ifndef PATFILE_H
#define PATFILE_H

#include <stddef.h>

/* Longest line of a set file, terminator excluded. */
#define PATFILE_LINEMAX	4096

/*
 * Called with each pattern line, text[0..len) without its line end (it
 * may hold NUL bytes), and where it comes from: the file's path and the
 * line number (from 1). Returns 0, or -1 with "FILE:LINE: reason" in
 * errbuf, which ends the load.
 */
typedef int	(*patfile_fn)(void *arg, const char *path, unsigned long line,
		    const char *text, size_t len, char *errbuf, size_t errlen);

/*
 * Read the set file of spec (dirs[0..ndirs) searched for a NAME) and
 * call fn(arg, ...) on each of its patterns, in file order. Returns 0,
 * or -1 with the reason in errbuf: an unknown set ("NAME: no such
 * pattern set (looked in DIRS)"), a file that cannot be opened or read
 * ("FILE: strerror"), a line over PATFILE_LINEMAX ("FILE:LINE: ..."),
 * a file without a single pattern ("FILE: no patterns"), or fn's own
 * failure.
 */
int	patfile_load(const char *spec, const char *const *dirs, size_t ndirs,
	    patfile_fn fn, void *arg, char *errbuf, size_t errlen);

#endif /* PATFILE_H */
