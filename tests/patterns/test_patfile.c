/*
 * patfile (patterns/patfile.h): where "-p NAME|FILE" finds its set file
 * and how its lines are read (ptrtag.1, PATTERN SETS): NAME.pat in the
 * first directory that has it, a spec with '/' as a path, comments and
 * blank lines skipped, and the error texts. Files live in a fresh
 * temporary directory per test.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patfile.h"

#define MAXPAT	16
#define ERRSZ	(PATH_MAX + 128)	/* a path and a reason */

/* What the callback was handed, one row per pattern line. */
struct seen {
	size_t		n;
	char		path[MAXPAT][PATH_MAX];
	unsigned long	line[MAXPAT];
	char		text[MAXPAT][PATFILE_LINEMAX + 1];
	size_t		len[MAXPAT];
	size_t		fail_at;	/* fail on this call (1-based), or 0 */
};

static char	tmp[] = "/tmp/test_patfile.XXXXXX";

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(tmp));
}

static void
teardown(void)
{
	char	cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	(void)system(cmd);
}

TestSuite(patfile, .init = setup, .fini = teardown);

static int
collect(void *arg, const char *path, unsigned long line, const char *text,
    size_t len, char *errbuf, size_t errlen)
{
	struct seen	*s = arg;

	cr_assert_lt(s->n, MAXPAT);
	if (s->fail_at == s->n + 1) {
		snprintf(errbuf, errlen, "%s:%lu: bad pattern", path, line);
		return -1;
	}
	strlcpy(s->path[s->n], path, sizeof(s->path[0]));
	s->line[s->n] = line;
	memcpy(s->text[s->n], text, len);
	s->len[s->n] = len;
	s->n++;
	return 0;
}

/* tmp/rel, made of len bytes of data; its path goes to out. */
static void
put_file(const char *rel, const char *data, size_t len, char *out)
{
	char	 path[PATH_MAX];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	cr_assert_not_null(fp = fopen(path, "w"), "%s", path);
	cr_assert_eq(fwrite(data, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
	if (out != NULL)
		strlcpy(out, path, PATH_MAX);
}

static void
put_dir(const char *rel, char *out)
{
	snprintf(out, PATH_MAX, "%s/%s", tmp, rel);
	cr_assert_eq(mkdir(out, 0700), 0, "%s", out);
}

static void
expect_pat(const struct seen *s, size_t i, unsigned long line,
    const char *text)
{
	cr_assert_gt(s->n, i);
	cr_expect_eq(s->line[i], line, "pattern %zu", i);
	cr_expect_eq(s->len[i], strlen(text), "pattern %zu", i);
	cr_expect_eq(memcmp(s->text[i], text, strlen(text)), 0,
	    "pattern %zu: %.*s", i, (int)s->len[i], s->text[i]);
}

Test(patfile, name_found_in_first_dir_that_has_it)
{
	static struct seen	 s;
	char			 d1[PATH_MAX], d2[PATH_MAX], d3[PATH_MAX];
	char			 want[PATH_MAX], err[ERRSZ] = "";
	const char		*dirs[3];

	put_dir("a", d1);
	put_dir("b", d2);
	put_dir("c", d3);
	put_file("b/web.pat", "from b\n", 7, want);
	put_file("c/web.pat", "from c\n", 7, NULL);
	put_file("a/other.pat", "from a\n", 7, NULL);
	dirs[0] = d1;
	dirs[1] = d2;
	dirs[2] = d3;
	cr_assert_eq(patfile_load("web", dirs, 3, collect, &s, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_eq(s.n, 1);
	expect_pat(&s, 0, 1, "from b");
	cr_expect_str_eq(s.path[0], want);
}

/* A directory entry that is a file, or a path through one, is skipped. */
Test(patfile, not_a_directory_skipped)
{
	static struct seen	 s;
	char			 f[PATH_MAX], d[PATH_MAX], err[ERRSZ] = "";
	const char		*dirs[2];

	put_file("plain", "x\n", 2, f);
	put_dir("sets", d);
	put_file("sets/web.pat", "ok\n", 3, NULL);
	dirs[0] = f;
	dirs[1] = d;
	cr_assert_eq(patfile_load("web", dirs, 2, collect, &s, err,
	    sizeof(err)), 0, "%s", err);
	expect_pat(&s, 0, 1, "ok");
}

Test(patfile, missing_set_lists_the_dirs)
{
	static struct seen	 s;
	char			 d1[PATH_MAX], err[ERRSZ], want[ERRSZ];
	const char		*dirs[2];

	put_dir("a", d1);
	dirs[0] = d1;
	dirs[1] = "/nonexistent/ptrtag";
	cr_expect_eq(patfile_load("nosuch", dirs, 2, collect, &s, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "nosuch: no such pattern set (looked "
	    "in %s, /nonexistent/ptrtag)", d1);
	cr_expect_str_eq(err, want);
	cr_expect_eq(s.n, 0);
	cr_expect_eq(patfile_load("nosuch", dirs, 0, collect, &s, err,
	    sizeof(err)), -1);
	cr_expect_str_eq(err, "nosuch: no such pattern set (looked in )");
}

/* A spec with '/' is a path: the directories are not searched. */
Test(patfile, path_spec)
{
	static struct seen	 s;
	char			 d[PATH_MAX], f[PATH_MAX];
	char			 err[ERRSZ], want[ERRSZ];
	const char		*dirs[1];

	put_dir("sets", d);
	put_file("sets/web.pat", "in dir\n", 7, NULL);
	put_file("mine", "mine\n", 5, f);
	dirs[0] = d;
	cr_assert_eq(patfile_load(f, dirs, 1, collect, &s, err, sizeof(err)),
	    0, "%s", err);
	expect_pat(&s, 0, 1, "mine");
	cr_expect_str_eq(s.path[0], f);

	cr_assert_eq(chdir(tmp), 0);
	s.n = 0;
	cr_assert_eq(patfile_load("./mine", dirs, 1, collect, &s, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(s.path[0], "./mine");
	cr_expect_eq(patfile_load("./web.pat", dirs, 1, collect, &s, err,
	    sizeof(err)), -1, "a path never searches the dirs");
	cr_expect_str_eq(err, "./web.pat: No such file or directory");
	cr_expect_eq(patfile_load("sets/", dirs, 1, collect, &s, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "sets/: %s", strerror(EISDIR));
	cr_expect_str_eq(err, want);
}

Test(patfile, comments_and_blank_lines_skipped)
{
	static const char	 text[] =
	    "# a comment\n"
	    "\n"
	    "first (?<ip>x)\n"
	    "   \t \n"
	    "  # indented comment\n"
	    "\t#tab comment\n"
	    "second # not a comment\n"
	    "\r\n"
	    "crlf\r\n"
	    "  lead\n"
	    "nul\0byte\n"
	    "last without newline";
	static struct seen	 s;
	char			 f[PATH_MAX], err[ERRSZ] = "";

	put_file("set.pat", text, sizeof(text) - 1, f);
	cr_assert_eq(patfile_load(f, NULL, 0, collect, &s, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(s.n, 6);
	expect_pat(&s, 0, 3, "first (?<ip>x)");
	expect_pat(&s, 1, 7, "second # not a comment");
	expect_pat(&s, 2, 9, "crlf");
	expect_pat(&s, 3, 10, "  lead");
	cr_expect_eq(s.line[4], 11);
	cr_expect_eq(s.len[4], 8, "the NUL byte is kept");
	cr_expect_eq(memcmp(s.text[4], "nul\0byte", 8), 0);
	expect_pat(&s, 5, 12, "last without newline");
}

/* PATFILE_LINEMAX bytes are read; one more is "FILE:LINE: ...". */
Test(patfile, overlong_line)
{
	static char		 text[2 * PATFILE_LINEMAX + 64];
	static struct seen	 s;
	char			 f[PATH_MAX], err[ERRSZ], want[ERRSZ];
	size_t			 len = 0;

	len += (size_t)snprintf(text, sizeof(text), "# c\nshort\n");
	memset(text + len, 'a', PATFILE_LINEMAX);
	len += PATFILE_LINEMAX;
	text[len++] = '\n';
	memset(text + len, 'b', PATFILE_LINEMAX + 1);
	len += PATFILE_LINEMAX + 1;
	text[len++] = '\n';
	len += (size_t)snprintf(text + len, sizeof(text) - len, "after\n");
	put_file("long.pat", text, len, f);
	cr_expect_eq(patfile_load(f, NULL, 0, collect, &s, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "%s:4: line longer than 4096 bytes", f);
	cr_expect_str_eq(err, want);
	cr_assert_eq(s.n, 2, "the lines before it were handed over");
	cr_expect_eq(s.len[1], PATFILE_LINEMAX);
	cr_expect_eq(s.line[1], 3);
}

/* The '\r' of a CRLF ending does not count against PATFILE_LINEMAX. */
Test(patfile, crlf_not_counted_in_the_limit)
{
	static char		 text[PATFILE_LINEMAX + 64];
	static struct seen	 s;
	char			 f[PATH_MAX], err[ERRSZ] = "";
	size_t			 len = 0;

	memset(text, 'a', PATFILE_LINEMAX);
	len += PATFILE_LINEMAX;
	len += (size_t)snprintf(text + len, sizeof(text) - len,
	    "\r\nin\rside\r\n");
	put_file("crlf.pat", text, len, f);
	cr_assert_eq(patfile_load(f, NULL, 0, collect, &s, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.len[0], PATFILE_LINEMAX);
	expect_pat(&s, 1, 2, "in\rside");
}

Test(patfile, no_patterns_is_an_error)
{
	static struct seen	 s;
	char			 f[PATH_MAX], err[ERRSZ], want[ERRSZ];

	put_file("empty.pat", "# only\n\n  \n", 11, f);
	cr_expect_eq(patfile_load(f, NULL, 0, collect, &s, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "%s: no patterns", f);
	cr_expect_str_eq(err, want);
	put_file("zero.pat", "", 0, f);
	cr_expect_eq(patfile_load(f, NULL, 0, collect, &s, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "%s: no patterns", f);
	cr_expect_str_eq(err, want);
	cr_expect_eq(s.n, 0);
}

/* The callback's failure ends the load with its own message. */
Test(patfile, callback_failure_stops)
{
	static struct seen	 s;
	char			 f[PATH_MAX], err[ERRSZ], want[ERRSZ];

	put_file("set.pat", "one\n#\ntwo\nthree\n", 16, f);
	s.fail_at = 2;
	cr_expect_eq(patfile_load(f, NULL, 0, collect, &s, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "%s:3: bad pattern", f);
	cr_expect_str_eq(err, want);
	cr_expect_eq(s.n, 1, "nothing after the failing line");
}
