/*
 * fmt_mmexternal: rsyslog mmexternal replies (ptrtag.1, DESCRIPTION,
 * --mmexternal) from views: "{}", the "$!" variables, and one reply
 * per overlong line however many pieces it comes in.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fmttest.h"

TestSuite(fmt_mmexternal, .init = ft_setup, .fini = ft_teardown);

Test(fmt_mmexternal, no_address_is_empty_object)
{
	const char	*line = "nothing here\n";

	ft_run(CFG_FORMAT_MMEXTERNAL, line, strlen(line), NULL, 0, 0);
	ft_expect("{}\n");
}

Test(fmt_mmexternal, variables_under_dollar_bang)
{
	const char	*line = "conn from 192.0.2.1\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "192.0.2.1", 10, VERDICT_PASS, "h.example");
	fa.fa_role = IPSCAN_ROLE_SRC;
	ft_run(CFG_FORMAT_MMEXTERNAL, line, strlen(line), &fa, 1, 0);
	ft_expect("{\"$!\":{\"rdns\":[{\"ip\":\"192.0.2.1\","
	    "\"host\":\"h.example\",\"fcrdns\":\"pass\",\"generic\":false}],"
	    "\"related\":{\"ip\":[\"192.0.2.1\"],\"hosts\":[\"h.example\"]}}}"
	    "\n");
	cr_expect_eq(ft_res.fr_addrs, 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], 1);

	/* An unconfirmed host stays in rdns only. */
	ft_teardown();
	ft_setup();
	fa.fa_verdict = VERDICT_FAIL;
	ft_run(CFG_FORMAT_MMEXTERNAL, line, strlen(line), &fa, 1, 0);
	ft_expect("{\"$!\":{\"rdns\":[{\"ip\":\"192.0.2.1\","
	    "\"host\":\"h.example\",\"fcrdns\":\"fail\",\"generic\":false}],"
	    "\"related\":{\"ip\":[\"192.0.2.1\"]}}}\n");
}

Test(fmt_mmexternal, overlong_line_answered_at_its_last_piece)
{
	const char	*head = "first piece, no newline";
	const char	*tail = "last piece\r\n";

	ft_run(CFG_FORMAT_MMEXTERNAL, head, strlen(head), NULL, 0, 1);
	ft_expect("");
	ft_run(CFG_FORMAT_MMEXTERNAL, tail, strlen(tail), NULL, 0, 1);
	ft_expect("{}\n");
}
