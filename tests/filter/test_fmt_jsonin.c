/*
 * fmt_jsonin: --input json's writer (ptrtag.1, STRUCTURED INPUT) from
 * views: the object byte for byte with members inserted before the
 * right closing brackets; X.domain and related.hosts only for pass;
 * merging into related; flat keys beside flat keys; nothing when the
 * line is refused or has no address.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fmttest.h"
#include "jsonin.h"

static struct jsonin	*jin;

static void
setup(void)
{
	ft_setup();
	ft_cfg.cf_input = CFG_INPUT_JSON;
	ft_cfg.cf_fields[0] = "source.ip";
	ft_cfg.cf_fields[1] = "destination.ip";
	ft_cfg.cf_fields[2] = "host.ip";
	ft_cfg.cf_nfields = 3;
	jin = jsonin_create();
}

static void
teardown(void)
{
	jsonin_free(jin);
	ft_teardown();
}

TestSuite(fmt_jsonin, .init = setup, .fini = teardown);

/* Write line with fa[0..n) and expect want. */
static void
run(const char *line, const struct fmt_addr *fa, size_t n, const char *want)
{
	struct fmt_line	fl;

	memset(&fl, 0, sizeof(fl));
	fl.fl_buf = line;
	fl.fl_len = strlen(line);
	fl.fl_addrs = fa;
	fl.fl_n = n;
	fl.fl_read_ms = 1796523331123ULL;	/* 2026-12-06T02:15:31.123Z */
	fl.fl_json = jin;
	fmt_line(&ft_ob, &ft_cfg, &fl, &ft_res);
	ft_expect(want);
}

#define PASS_RDNS	"\"rdns\":[{\"ip\":\"203.0.113.45\",\"host\":" \
			"\"mail.example.com\",\"fcrdns\":\"pass\"," \
			"\"generic\":false}]"
#define TIME		"\"@timestamp\":\"2026-12-06T02:15:31.123Z\""
#define META		TIME ",\"ecs\":{\"version\":\"9.4.0\"}"

Test(fmt_jsonin, nested_domain_rdns_related)
{
	struct fmt_addr	fa;

	ft_addr(&fa, "203.0.113.45", 18, VERDICT_PASS, "mail.example.com");
	run("{\"source\":{\"ip\":\"203.0.113.45\"} }\r\n", &fa, 1,
	    "{\"source\":{\"ip\":\"203.0.113.45\",\"domain\":"
	    "\"mail.example.com\"} ," META "," PASS_RDNS ",\"related\":{\"ip\":"
	    "[\"203.0.113.45\"],\"hosts\":[\"mail.example.com\"]}}\r\n");
	cr_expect_eq(ft_res.fr_addrs, 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], 1);
}

Test(fmt_jsonin, flat_keys_stay_flat)
{
	struct fmt_addr	fa;

	ft_addr(&fa, "203.0.113.45", 14, VERDICT_PASS, "mail.example.com");
	run("{\"source.ip\":\"203.0.113.45\"}", &fa, 1,
	    "{\"source.ip\":\"203.0.113.45\"," TIME ",\"ecs.version\":"
	    "\"9.4.0\",\"source.domain\":\"mail.example.com\"," PASS_RDNS
	    ",\"related.ip\":"
	    "[\"203.0.113.45\"],\"related.hosts\":[\"mail.example.com\"]}");
}

Test(fmt_jsonin, fail_gets_no_ecs_name)
{
	struct fmt_addr	fa;

	ft_addr(&fa, "203.0.113.45", 18, VERDICT_FAIL, "mail.example.com");
	run("{\"source\":{\"ip\":\"203.0.113.45\"}}\n", &fa, 1,
	    "{\"source\":{\"ip\":\"203.0.113.45\"}," META ",\"rdns\":[{"
	    "\"ip\":\"203.0.113.45\",\"host\":\"mail.example.com\","
	    "\"fcrdns\":\"fail\",\"generic\":false}],\"related\":{\"ip\":"
	    "[\"203.0.113.45\"]}}\n");
}

Test(fmt_jsonin, existing_domain_and_related_merged)
{
	struct fmt_addr	fa[2];

	ft_addr(&fa[0], "203.0.113.45", 0, VERDICT_PASS, "mail.example.com");
	ft_addr(&fa[1], "198.51.100.7", 1, VERDICT_NONE, NULL);
	run("{\"source\":{\"domain\":\"x\",\"ip\":\"203.0.113.45\"},"
	    "\"related\":{\"ip\":[\"198.51.100.7\"],\"hosts\":[]}}", fa, 2,
	    "{\"source\":{\"domain\":\"x\",\"ip\":\"203.0.113.45\"},"
	    "\"related\":{\"ip\":[\"198.51.100.7\",\"203.0.113.45\"],"
	    "\"hosts\":[\"mail.example.com\"]}," META ",\"rdns\":[{\"ip\":"
	    "\"203.0.113.45\",\"host\":\"mail.example.com\",\"fcrdns\":"
	    "\"pass\",\"generic\":false},{\"ip\":\"198.51.100.7\","
	    "\"fcrdns\":\"none\",\"generic\":false}]}");
}

Test(fmt_jsonin, empty_related_object_and_array_host_ip)
{
	struct fmt_addr	fa;

	ft_addr(&fa, "203.0.113.45", 0, VERDICT_PASS, "mail.example.com");
	run("{\"host\":{\"ip\":[\"203.0.113.45\"]},\"related\":{}}", &fa, 1,
	    "{\"host\":{\"ip\":[\"203.0.113.45\"]},\"related\":{\"ip\":"
	    "[\"203.0.113.45\"],\"hosts\":[\"mail.example.com\"]},"
	    META "," PASS_RDNS "}");
}

Test(fmt_jsonin, refused_or_empty_lines_unchanged)
{
	static const char	*same[] = {
		"{\"source\":{\"ip\":\"203.0.113.45\"},}\n",
		"{\"rdns\":[],\"source\":{\"ip\":\"203.0.113.45\"}}\n",
		"{\"rdns.ip\":1,\"source\":{\"ip\":\"203.0.113.45\"}}\n",
		"text 203.0.113.45\n",
	};
	struct fmt_addr	 fa;
	size_t		 i;

	ft_addr(&fa, "203.0.113.45", 0, VERDICT_PASS, "mail.example.com");
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		ft_teardown();
		ft_setup();
		ft_cfg.cf_input = CFG_INPUT_JSON;
		run(same[i], &fa, 1, same[i]);
		cr_expect_eq(ft_res.fr_addrs, 0, "%s", same[i]);
	}
	ft_teardown();
	ft_setup();
	ft_cfg.cf_input = CFG_INPUT_JSON;
	run("{\"a\":1}\n", NULL, 0, "{\"a\":1}\n");
}

/* @timestamp and ecs.version only where the object has none. */
Test(fmt_jsonin, meta_only_when_absent)
{
	struct fmt_addr	fa;

	ft_addr(&fa, "203.0.113.45", 0, VERDICT_NONE, NULL);
	run("{\"@timestamp\":\"x\",\"ecs\":{},\"message\":\"m\"}", &fa,
	    1, "{\"@timestamp\":\"x\",\"ecs\":{\"version\":\"9.4.0\"},"
	    "\"message\":\"m\",\"rdns\":[{\"ip\":\"203.0.113.45\","
	    "\"fcrdns\":\"none\",\"generic\":false}],\"related\":{\"ip\":"
	    "[\"203.0.113.45\"]}}");
	ft_teardown();
	ft_setup();
	ft_cfg.cf_input = CFG_INPUT_JSON;
	ft_addr(&fa, "203.0.113.45", 0, VERDICT_NONE, NULL);
	run("{\"ecs.version\":\"1\",\"ecs\":\"x\",\"m\":1}", &fa, 1,
	    "{\"ecs.version\":\"1\",\"ecs\":\"x\",\"m\":1," TIME
	    ",\"rdns\":[{\"ip\":\"203.0.113.45\",\"fcrdns\":\"none\","
	    "\"generic\":false}],\"related.ip\":[\"203.0.113.45\"]}");
}
