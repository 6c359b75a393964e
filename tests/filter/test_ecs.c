/*
 * ecs: the JSON members about a line's addresses (filter/format/ecs.h)
 * on their own, as a format that adds them to an object calls them:
 * the item writers, the confirmed-host rule, the member flags.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ecs.h"
#include "fmttest.h"

TestSuite(ecs, .init = ft_setup, .fini = ft_teardown);

static struct fmt_addr	fa[3];
static struct fmt_line	fl;
static struct ecs_ips	ips;

/* A line of three addresses: pass (src), fail (dst), pass, same host. */
static void
three(void)
{
	static const char	line[] = "192.0.2.1 192.0.2.2 2001:db8::1\n";

	ft_addr(&fa[0], "192.0.2.1", 0, VERDICT_PASS, "a.example");
	ft_addr(&fa[1], "192.0.2.2", 10, VERDICT_FAIL, "b.example");
	ft_addr(&fa[2], "2001:db8::1", 20, VERDICT_PASS, "a.example");
	fa[0].fa_role = IPSCAN_ROLE_SRC;
	fa[1].fa_role = IPSCAN_ROLE_DST;
	memset(&fl, 0, sizeof(fl));
	fl.fl_buf = line;
	fl.fl_len = sizeof(line) - 1;
	fl.fl_addrs = fa;
	fl.fl_n = 3;
	ecs_ips_fill(&fl, &ips);
}

Test(ecs, confirmed_only_for_pass)
{
	enum verdict	v;

	three();
	for (v = 0; v < VERDICT_COUNT; v++) {
		fa[1].fa_verdict = v;
		if (v == VERDICT_PASS)
			cr_expect_str_eq(ecs_confirmed(&fa[1]), "b.example");
		else
			cr_expect_null(ecs_confirmed(&fa[1]), "%s",
			    verdict_name(v));
	}
}

Test(ecs, hosts_distinct_confirmed_in_order)
{
	const char	*hosts[LINE_ADDRS_MAX];

	three();
	cr_assert_eq(ecs_hosts(&fl, hosts), 1);
	cr_expect_str_eq(hosts[0], "a.example");
	fa[1].fa_verdict = VERDICT_PASS;
	cr_assert_eq(ecs_hosts(&fl, hosts), 2);
	cr_expect_str_eq(hosts[1], "b.example");
}

Test(ecs, roles_and_item_writers)
{
	three();
	cr_expect_eq(ecs_first_role(&fl, IPSCAN_ROLE_SRC), 0);
	cr_expect_eq(ecs_first_role(&fl, IPSCAN_ROLE_DST), 1);
	fa[1].fa_role = IPSCAN_ROLE_IP;
	cr_expect_eq(ecs_first_role(&fl, IPSCAN_ROLE_DST), 3);
	ecs_ip_items(&ft_ob, &fl, &ips);
	outbuf_putc(&ft_ob, '|');
	fl.fl_n = 1;
	ecs_rdns_items(&ft_ob, &fl, &ips);
	ft_expect("\"192.0.2.1\",\"192.0.2.2\",\"2001:db8::1\"|"
	    "{\"ip\":\"192.0.2.1\",\"host\":\"a.example\",\"fcrdns\":\"pass\","
	    "\"generic\":false}");
}

Test(ecs, members_first_without_endpoints)
{
	three();
	ecs_members(&ft_ob, &fl, &ips, ECS_FIRST);
	ft_expect("\"rdns\":[{\"ip\":\"192.0.2.1\",\"host\":\"a.example\","
	    "\"fcrdns\":\"pass\",\"generic\":false},{\"ip\":\"192.0.2.2\","
	    "\"host\":\"b.example\",\"fcrdns\":\"fail\",\"generic\":false},"
	    "{\"ip\":\"2001:db8::1\",\"host\":\"a.example\",\"fcrdns\":"
	    "\"pass\",\"generic\":false}],\"related\":{\"ip\":[\"192.0.2.1\","
	    "\"192.0.2.2\",\"2001:db8::1\"],\"hosts\":[\"a.example\"]}");
}

Test(ecs, members_with_endpoints_after_a_comma)
{
	three();
	fl.fl_n = 2;
	ecs_members(&ft_ob, &fl, &ips, ECS_ENDPOINTS);
	ft_expect(",\"rdns\":[{\"ip\":\"192.0.2.1\",\"host\":\"a.example\","
	    "\"fcrdns\":\"pass\",\"generic\":false},{\"ip\":\"192.0.2.2\","
	    "\"host\":\"b.example\",\"fcrdns\":\"fail\",\"generic\":false}],"
	    "\"related\":{\"ip\":[\"192.0.2.1\",\"192.0.2.2\"],\"hosts\":"
	    "[\"a.example\"]},\"source\":{\"ip\":\"192.0.2.1\",\"domain\":"
	    "\"a.example\"},\"destination\":{\"ip\":\"192.0.2.2\"}");
}

Test(ecs, no_address_writes_nothing)
{
	three();
	fl.fl_n = 0;
	ecs_members(&ft_ob, &fl, &ips, ECS_FIRST | ECS_ENDPOINTS);
	ft_expect("");
}
