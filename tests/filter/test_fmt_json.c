/*
 * fmt_json: the json format of ptrtag.1, OUTPUT from views: one object
 * per line, "rdns", "related" with distinct hosts, ECS "source" and
 * "destination", and the lossy and overlong flags.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fmttest.h"

TestSuite(fmt_json, .init = ft_setup, .fini = ft_teardown);

Test(fmt_json, object_per_line)
{
	const char	 line[] = "a \"q\" \\ \xff 203.0.113.45\tz\r\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "203.0.113.45", 10, VERDICT_PASS, "mail.example.com");
	fa.fa_role = IPSCAN_ROLE_SRC;
	ft_run(CFG_FORMAT_JSON, line, sizeof(line) - 1, &fa, 1, 0);
	ft_expect("{\"message\":\"a \\\"q\\\" \\\\ \xef\xbf\xbd "
	    "203.0.113.45\\u0009z\",\"rdns\":[{\"ip\":\"203.0.113.45\","
	    "\"host\":\"mail.example.com\",\"fcrdns\":\"pass\"}],"
	    "\"related\":{\"ip\":[\"203.0.113.45\"],\"hosts\":"
	    "[\"mail.example.com\"]},\"source\":{\"ip\":\"203.0.113.45\","
	    "\"domain\":\"mail.example.com\"},\"rdns_lossy\":true}\n");
	cr_expect_eq(ft_res.fr_lossy, 1);
	cr_expect_eq(ft_res.fr_addrs, 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], 1);
}

Test(fmt_json, line_without_address_and_overlong_piece)
{
	const char	*line = "plain";

	ft_run(CFG_FORMAT_JSON, line, strlen(line), NULL, 0, 1);
	ft_expect("{\"message\":\"plain\",\"rdns_overlong\":true}\n");
	cr_expect_eq(ft_res.fr_lossy, 0);
	cr_expect_eq(ft_res.fr_addrs, 0);
}

Test(fmt_json, related_hosts_once_and_destination_first_of_role)
{
	const char	*line = "1.2.3.4 5.6.7.8 9.9.9.9\n";
	struct fmt_addr	 fa[3];

	ft_addr(&fa[0], "1.2.3.4", 0, VERDICT_PASS, "h.example");
	ft_addr(&fa[1], "5.6.7.8", 8, VERDICT_FAIL, "h.example");
	ft_addr(&fa[2], "9.9.9.9", 16, VERDICT_NONE, NULL);
	fa[1].fa_role = fa[2].fa_role = IPSCAN_ROLE_DST;
	fa[1].fa_generic = 1;
	fa[1].fa_helo_so = 0;
	fa[1].fa_helo_eo = 7;
	ft_run(CFG_FORMAT_JSON, line, strlen(line), fa, 3, 0);
	ft_expect("{\"message\":\"1.2.3.4 5.6.7.8 9.9.9.9\",\"rdns\":["
	    "{\"ip\":\"1.2.3.4\",\"host\":\"h.example\",\"fcrdns\":\"pass\"},"
	    "{\"ip\":\"5.6.7.8\",\"host\":\"h.example\",\"fcrdns\":\"fail\","
	    "\"generic\":true,\"helo\":\"mismatch\"},"
	    "{\"ip\":\"9.9.9.9\",\"fcrdns\":\"none\"}],"
	    "\"related\":{\"ip\":[\"1.2.3.4\",\"5.6.7.8\",\"9.9.9.9\"],"
	    "\"hosts\":[\"h.example\"]},"
	    "\"destination\":{\"ip\":\"5.6.7.8\",\"domain\":\"h.example\"}}\n");
	cr_expect_eq(ft_res.fr_addrs, 3);
}

Test(fmt_json, host_text_is_a_json_string)
{
	const char	*line = "::1";
	struct fmt_addr	 fa;

	ft_addr(&fa, "::1", 0, VERDICT_PERMERROR, "a\"b\x01");
	ft_run(CFG_FORMAT_JSON, line, strlen(line), &fa, 1, 0);
	ft_expect("{\"message\":\"::1\",\"rdns\":[{\"ip\":\"::1\","
	    "\"host\":\"a\\\"b\\u0001\",\"fcrdns\":\"permerror\"}],"
	    "\"related\":{\"ip\":[\"::1\"],\"hosts\":[\"a\\\"b\\u0001\"]}}\n");
}
