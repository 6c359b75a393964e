/*
 * fmt_inline: the inline format of ptrtag.1, OUTPUT from views: the
 * annotation right after each address, hostile host text escaped.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fmttest.h"

TestSuite(fmt_inline, .init = ft_setup, .fini = ft_teardown);

Test(fmt_inline, after_each_address)
{
	const char	*line = "from 203.0.113.45 port 1 to 192.0.2.1\n";
	struct fmt_addr	 fa[2];

	ft_addr(&fa[0], "203.0.113.45", 5, VERDICT_PASS, "mail.example.com");
	ft_addr(&fa[1], "192.0.2.1", 28, VERDICT_NONE, NULL);
	ft_run(CFG_FORMAT_INLINE, line, strlen(line), fa, 2, 0);
	ft_expect("from 203.0.113.45[mail.example.com pass] port 1 to "
	    "192.0.2.1[none]\n");
	cr_expect_eq(ft_res.fr_addrs, 2);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_NONE], 1);
}

Test(fmt_inline, escapes_hostile_host_text)
{
	const char	*line = "x 192.0.2.1\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "192.0.2.1", 2, VERDICT_PERMERROR, "a]b \x1b[31m");
	ft_run(CFG_FORMAT_INLINE, line, strlen(line), &fa, 1, 0);
	ft_expect("x 192.0.2.1[a\\x5db\\x20\\x1b\\x5b31m permerror]\n");
}

Test(fmt_inline, host_alphabet_passes_unescaped)
{
	const char	*line = "192.0.2.2";
	struct fmt_addr	 fa;

	ft_addr(&fa, "192.0.2.2", 0, VERDICT_FAIL, "A-z_0.9");
	ft_run(CFG_FORMAT_INLINE, line, strlen(line), &fa, 1, 0);
	ft_expect("192.0.2.2[A-z_0.9 fail]");
}

Test(fmt_inline, line_without_addresses_is_untouched)
{
	const char	line[] = "no \0address\r\n";

	ft_run(CFG_FORMAT_INLINE, line, sizeof(line) - 1, NULL, 0, 0);
	ft_expect_bytes(line, sizeof(line) - 1);
	cr_expect_eq(ft_res.fr_addrs, 0);
}
