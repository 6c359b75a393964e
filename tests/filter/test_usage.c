/*
 * Unit tests for the --help and --version texts (filter/usage.c;
 * ptrtag.1, OPTIONS and VERDICTS): every verdict of verdict.h's table
 * with its help line, the defaults and ranges of config.h, 80 columns
 * at most. (That --help and ptrtag.1 list the same long options is
 * tests/integration/test_tool.py's check: longopts is private to
 * options.c.)
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "config.h"
#include "usage.h"
#include "verdict.h"

static char	text[16384];

/* What fn writes on standard output. */
static void
capture(void (*fn)(void))
{
	FILE	*tmp;
	size_t	 n;
	int	 saved;

	cr_assert_not_null(tmp = tmpfile());
	fflush(stdout);
	cr_assert_geq(saved = dup(STDOUT_FILENO), 0);
	cr_assert_eq(dup2(fileno(tmp), STDOUT_FILENO), STDOUT_FILENO);
	fn();
	fflush(stdout);
	cr_assert_eq(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(text, 1, sizeof(text) - 1, tmp);
	cr_assert_lt(n, sizeof(text) - 1, "longer than the buffer");
	text[n] = '\0';
	fclose(tmp);
}

Test(usage, lines_within_80_columns)
{
	const char	*p, *nl;
	int		 line = 1;

	capture(usage);
	cr_assert_geq(strlen(text), 1000, "help of %zu bytes", strlen(text));
	for (p = text; *p != '\0'; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl, "line %d unterminated", line);
		cr_expect_leq(nl - p, 80, "line %d: %.*s", line, (int)(nl - p),
		    p);
		cr_expect_null(memchr(p, '\t', (size_t)(nl - p)),
		    "line %d has a tab", line);
	}
	cr_expect_eq(strncmp(text, "usage: ptrtag [options] [FILE ...]\n",
	    35), 0);
}

Test(usage, every_verdict_listed)
{
	char	line[160];
	int	v;

	capture(usage);
	cr_expect_neq(strstr(text, "\nVerdicts (ptrtag(1), VERDICTS):\n"),
	    NULL);
	for (v = VERDICT_FIRST; v < VERDICT_COUNT; v++) {
		snprintf(line, sizeof(line), "\n  %-10s %s\n",
		    verdict_table[v].vi_word, verdict_table[v].vi_help);
		cr_expect_neq(strstr(text, line), NULL, "no line for %s",
		    verdict_table[v].vi_word);
	}
	/* Not a verdict of the man page. */
	cr_expect_null(strstr(text, "pending"));
}

/* The defaults and ranges printed are config.h's. */
Test(usage, defaults_from_config)
{
	char	want[128];

	capture(usage);
	snprintf(want, sizeof(want), "one DNS try (%u; %u..%u)\n",
	    CFG_TIMEOUT_MS, CFG_TIMEOUT_MS_LO, CFG_TIMEOUT_MS_HI);
	cr_expect_neq(strstr(text, want), NULL, "%s", want);
	snprintf(want, sizeof(want), "DNS queries in flight (%u; %u..%u)\n",
	    CFG_MAX_INFLIGHT, CFG_MAX_INFLIGHT_LO, CFG_MAX_INFLIGHT_HI);
	cr_expect_neq(strstr(text, want), NULL, "%s", want);
	snprintf(want, sizeof(want), "entries (%u; %u..%u)\n",
	    CFG_CACHE_SIZE, CFG_CACHE_SIZE_LO, CFG_CACHE_SIZE_HI);
	cr_expect_neq(strstr(text, want), NULL, "%s", want);
	snprintf(want, sizeof(want), "kv key prefix (%s)\n", CFG_PREFIX);
	cr_expect_neq(strstr(text, want), NULL, "%s", want);
}

/* The long options of ptrtag.1, OPTIONS, each on a --help line. */
Test(usage, long_options_listed)
{
	static const char *const opts[] = {
		"--server", "--timeout", "--tries", "--max-delay",
		"--max-inflight", "--max-qps", "--max-names", "--exclude",
		"--only", "--cache-size", "--min-ttl", "--max-ttl",
		"--neg-ttl", "--err-ttl", "--cache-file", "--pattern",
		"--max-ips", "--max-line", "--extract", "--format", "--prefix",
		"--output", "--unordered", "--stats", "--metrics-file",
		"--metrics-interval", "--omprog",
		"--mmexternal", "--progress", "--user", "--no-sandbox",
		"--help", "--version",
	};
	char	word[32];
	size_t	i;

	capture(usage);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		snprintf(word, sizeof(word), " %s", opts[i]);
		cr_expect_neq(strstr(text, word), NULL, "%s missing", opts[i]);
	}
}

Test(usage, version_line)
{
	capture(version);
	cr_expect_eq(strncmp(text, "ptrtag " PTRTAG_VERSION " (c-ares ",
	    strlen("ptrtag " PTRTAG_VERSION " (c-ares ")), 0, "%s", text);
	cr_expect_neq(strstr(text, "Landlock"), NULL, "%s", text);
	cr_expect_eq(strchr(text, '\n'), text + strlen(text) - 1,
	    "one line: %s", text);
}
