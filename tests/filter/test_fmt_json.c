/*
 * fmt_json: the json format of ptrtag.1, OUTPUT from views: one ECS
 * document per line with "@timestamp", "ecs.version" and "message";
 * "rdns" for every address; ECS fields naming only confirmed hosts;
 * nothing empty; the lossy and overlong tags.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fmttest.h"

TestSuite(fmt_json, .init = ft_setup, .fini = ft_teardown);

/* What every object starts with at ft_read_ms 0. */
#define HEAD	"{\"@timestamp\":\"1970-01-01T00:00:00.000Z\"," \
		"\"ecs\":{\"version\":\"9.4.0\"},"

Test(fmt_json, object_per_line)
{
	const char	 line[] = "a \"q\" \\ \xff 203.0.113.45\tz\r\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "203.0.113.45", 10, VERDICT_PASS, "mail.example.com");
	fa.fa_role = IPSCAN_ROLE_SRC;
	ft_run(CFG_FORMAT_JSON, line, sizeof(line) - 1, &fa, 1, 0);
	ft_expect(HEAD "\"message\":\"a \\\"q\\\" \\\\ \xef\xbf\xbd "
	    "203.0.113.45\\u0009z\",\"rdns\":[{\"ip\":\"203.0.113.45\","
	    "\"host\":\"mail.example.com\",\"fcrdns\":\"pass\","
	    "\"generic\":false}],"
	    "\"related\":{\"ip\":[\"203.0.113.45\"],\"hosts\":"
	    "[\"mail.example.com\"]},\"source\":{\"ip\":\"203.0.113.45\","
	    "\"domain\":\"mail.example.com\"},\"tags\":[\"rdns_lossy\"]}\n");
	cr_expect_eq(ft_res.fr_lossy, 1);
	cr_expect_eq(ft_res.fr_addrs, 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], 1);
}

Test(fmt_json, line_without_address_and_overlong_piece)
{
	const char	*line = "plain";

	ft_run(CFG_FORMAT_JSON, line, strlen(line), NULL, 0, 1);
	ft_expect(HEAD "\"message\":\"plain\","
	    "\"tags\":[\"rdns_overlong\"]}\n");
	cr_expect_eq(ft_res.fr_lossy, 0);
	cr_expect_eq(ft_res.fr_addrs, 0);
}

Test(fmt_json, lossy_overlong_piece_has_both_tags)
{
	const char	*line = "\xc3(";

	ft_run(CFG_FORMAT_JSON, line, strlen(line), NULL, 0, 1);
	ft_expect(HEAD "\"message\":\"\xef\xbf\xbd(\","
	    "\"tags\":[\"rdns_lossy\",\"rdns_overlong\"]}\n");
}

Test(fmt_json, ecs_fields_only_from_confirmed_names)
{
	const char	*line = "1.2.3.4 5.6.7.8 9.9.9.9\n";
	struct fmt_addr	 fa[3];

	ft_addr(&fa[0], "1.2.3.4", 0, VERDICT_PASS, "h.example");
	ft_addr(&fa[1], "5.6.7.8", 8, VERDICT_FAIL, "evil.example");
	ft_addr(&fa[2], "9.9.9.9", 16, VERDICT_NONE, NULL);
	fa[1].fa_role = fa[2].fa_role = IPSCAN_ROLE_DST;
	fa[1].fa_generic = 1;
	fa[1].fa_helo_so = 0;
	fa[1].fa_helo_eo = 7;
	ft_run(CFG_FORMAT_JSON, line, strlen(line), fa, 3, 0);
	ft_expect(HEAD "\"message\":\"1.2.3.4 5.6.7.8 9.9.9.9\",\"rdns\":["
	    "{\"ip\":\"1.2.3.4\",\"host\":\"h.example\",\"fcrdns\":\"pass\","
	    "\"generic\":false},"
	    "{\"ip\":\"5.6.7.8\",\"host\":\"evil.example\",\"fcrdns\":\"fail\","
	    "\"generic\":true,\"helo\":\"mismatch\"},"
	    "{\"ip\":\"9.9.9.9\",\"fcrdns\":\"none\",\"generic\":false}],"
	    "\"related\":{\"ip\":[\"1.2.3.4\",\"5.6.7.8\",\"9.9.9.9\"],"
	    "\"hosts\":[\"h.example\"]},"
	    "\"destination\":{\"ip\":\"5.6.7.8\"}}\n");
	cr_expect_eq(ft_res.fr_addrs, 3);
}

Test(fmt_json, no_confirmed_host_writes_no_hosts_and_no_domain)
{
	const char	*line = "from 192.0.2.1 to 192.0.2.2\n";
	struct fmt_addr	 fa[2];

	ft_addr(&fa[0], "192.0.2.1", 5, VERDICT_TEMPERROR, "h.example");
	ft_addr(&fa[1], "192.0.2.2", 18, VERDICT_TIMEOUT, NULL);
	fa[0].fa_role = IPSCAN_ROLE_SRC;
	fa[1].fa_role = IPSCAN_ROLE_DST;
	ft_run(CFG_FORMAT_JSON, line, strlen(line), fa, 2, 0);
	ft_expect(HEAD "\"message\":\"from 192.0.2.1 to 192.0.2.2\","
	    "\"rdns\":[{\"ip\":\"192.0.2.1\",\"host\":\"h.example\","
	    "\"fcrdns\":\"temperror\",\"generic\":false},"
	    "{\"ip\":\"192.0.2.2\",\"fcrdns\":\"timeout\",\"generic\":false}],"
	    "\"related\":{\"ip\":[\"192.0.2.1\",\"192.0.2.2\"]},"
	    "\"source\":{\"ip\":\"192.0.2.1\"},"
	    "\"destination\":{\"ip\":\"192.0.2.2\"}}\n");
}

Test(fmt_json, related_hosts_once_in_order)
{
	const char	*line = "192.0.2.1 192.0.2.2 192.0.2.3\n";
	const char	*want = "\"hosts\":[\"b.example\",\"a.example\"]}";
	struct fmt_addr	 fa[3];

	ft_addr(&fa[0], "192.0.2.1", 0, VERDICT_PASS, "b.example");
	ft_addr(&fa[1], "192.0.2.2", 10, VERDICT_PASS, "a.example");
	ft_addr(&fa[2], "192.0.2.3", 20, VERDICT_PASS, "b.example");
	ft_run(CFG_FORMAT_JSON, line, strlen(line), fa, 3, 0);
	cr_expect(memmem(ft_ob.ob_buf + ft_ob.ob_off, outbuf_pending(&ft_ob),
	    want, strlen(want)) != NULL, "got %.*s", (int)ft_ob.ob_len,
	    ft_ob.ob_buf);
}

Test(fmt_json, host_text_is_a_json_string)
{
	const char	*line = "::1";
	struct fmt_addr	 fa;

	ft_addr(&fa, "::1", 0, VERDICT_PASS, "a\"b\x01");
	ft_run(CFG_FORMAT_JSON, line, strlen(line), &fa, 1, 0);
	ft_expect(HEAD "\"message\":\"::1\",\"rdns\":[{\"ip\":\"::1\","
	    "\"host\":\"a\\\"b\\u0001\",\"fcrdns\":\"pass\","
	    "\"generic\":false}],"
	    "\"related\":{\"ip\":[\"::1\"],\"hosts\":[\"a\\\"b\\u0001\"]}}\n");
}

struct stamp_case {
	uint64_t	 ms;
	const char	*text;
};

Test(fmt_json, timestamp_is_rfc3339_utc_with_milliseconds)
{
	static const struct stamp_case cases[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ 1796523331123ULL, "2026-12-06T02:15:31.123Z" },
		{ 951782400000ULL, "2000-02-29T00:00:00.000Z" },
		{ 951868799999ULL, "2000-02-29T23:59:59.999Z" },
		{ 4107542399001ULL, "2100-02-28T23:59:59.001Z" },
		{ 4107542400000ULL, "2100-03-01T00:00:00.000Z" },
		{ 1704067199999ULL, "2023-12-31T23:59:59.999Z" },
		{ 253402300799999ULL, "9999-12-31T23:59:59.999Z" },
		{ UINT64_MAX, "9999-12-31T23:59:59.999Z" },	/* clamped */
	};
	char	want[128];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ft_teardown();
		ft_setup();
		ft_read_ms = cases[i].ms;
		ft_run(CFG_FORMAT_JSON, "x", 1, NULL, 0, 0);
		snprintf(want, sizeof(want), "{\"@timestamp\":\"%s\","
		    "\"ecs\":{\"version\":\"9.4.0\"},\"message\":\"x\"}\n",
		    cases[i].text);
		ft_expect(want);
	}
}
