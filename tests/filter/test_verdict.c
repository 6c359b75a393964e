/*
 * verdict: the table of filter/base/verdict.h. Every word of ptrtag.1,
 * VERDICTS, parses back to its verdict; other words are refused; the
 * unsettled VERDICT_PENDING is named "timeout" and never parsed to.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verdict.h"

/* The man page's words, in verdict.h order (the --stats key order). */
static const char *const words[] = {
	"pass", "fail", "none", "temperror", "permerror", "timeout", "skipped",
};

Test(verdict, table_has_one_row_per_verdict)
{
	cr_expect_eq(VERDICT_PENDING, 0, "a zeroed entry is unsettled");
	cr_expect_eq(VERDICT_FIRST, 1);
	cr_expect_eq(sizeof(verdict_table) / sizeof(verdict_table[0]),
	    (size_t)VERDICT_COUNT);
	cr_expect_eq(VERDICT_COUNT - VERDICT_FIRST,
	    (int)(sizeof(words) / sizeof(words[0])),
	    "one verdict per word of ptrtag.1, VERDICTS");
}

Test(verdict, names_in_man_page_order)
{
	int	i;

	for (i = VERDICT_FIRST; i < VERDICT_COUNT; i++) {
		cr_expect_str_eq(verdict_name((enum verdict)i),
		    words[i - VERDICT_FIRST], "verdict %d", i);
		cr_expect_str_eq(verdict_table[i].vi_word,
		    words[i - VERDICT_FIRST]);
		cr_expect_not_null(verdict_table[i].vi_help,
		    "every verdict has a --help line");
	}
	cr_expect_eq(VERDICT_TIMEOUT, 6);
	cr_expect_eq(VERDICT_SKIPPED, VERDICT_COUNT - 1);
}

Test(verdict, every_name_parses_back)
{
	enum verdict	v;
	int		i;

	for (i = VERDICT_FIRST; i < VERDICT_COUNT; i++) {
		v = VERDICT_PENDING;
		cr_expect_eq(verdict_parse(verdict_name((enum verdict)i), &v),
		    0, "%s", verdict_name((enum verdict)i));
		cr_expect_eq(v, (enum verdict)i);
	}
}

Test(verdict, pending_is_named_timeout_and_parses_to_timeout)
{
	enum verdict	v = VERDICT_PASS;

	cr_expect_str_eq(verdict_name(VERDICT_PENDING), "timeout");
	cr_expect_str_eq(verdict_table[VERDICT_PENDING].vi_word, "timeout");
	cr_expect_eq(verdict_table[VERDICT_PENDING].vi_host, VH_NEVER);
	cr_expect_null(verdict_table[VERDICT_PENDING].vi_help);
	/* The word reads back as the man page's verdict, never as pending. */
	cr_expect_eq(verdict_parse("timeout", &v), 0);
	cr_expect_eq(v, VERDICT_TIMEOUT);
	/* Out of range reads as "timeout" too. */
	cr_expect_str_eq(verdict_name(VERDICT_COUNT), "timeout");
	cr_expect_str_eq(verdict_name((enum verdict)-1), "timeout");
}

Test(verdict, unknown_words_refused)
{
	static const char *const bad[] = {
		"", "PASS", "Pass", "pass ", " pass", "pas", "passs",
		"pending", "error", "verdict_pass", "temp error", "tempError",
	};
	enum verdict	v;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = VERDICT_NONE;
		cr_expect_eq(verdict_parse(bad[i], &v), -1, "\"%s\"", bad[i]);
		cr_expect_eq(v, VERDICT_NONE, "*v untouched for \"%s\"",
		    bad[i]);
	}
}

Test(verdict, cache_rules_of_the_table)
{
	cr_expect_eq(verdict_table[VERDICT_PASS].vi_host, VH_HOST);
	cr_expect_eq(verdict_table[VERDICT_FAIL].vi_host, VH_HOST);
	cr_expect_eq(verdict_table[VERDICT_NONE].vi_host, VH_NOHOST);
	cr_expect_eq(verdict_table[VERDICT_NONE].vi_ttl, VT_NEG);
	cr_expect_eq(verdict_table[VERDICT_TEMPERROR].vi_host, VH_ANY);
	cr_expect_eq(verdict_table[VERDICT_TEMPERROR].vi_ttl, VT_ERR);
	cr_expect_eq(verdict_table[VERDICT_PERMERROR].vi_ttl, VT_ERR_OR_MAX);
	cr_expect_eq(verdict_table[VERDICT_TIMEOUT].vi_host, VH_NEVER);
	cr_expect_eq(verdict_table[VERDICT_SKIPPED].vi_host, VH_NEVER);
}
