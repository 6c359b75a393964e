/*
 * Annotation: the kv and inline formats of ptrtag.1, OUTPUT, terminator
 * handling, and escaping of anything a hostile value could carry.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "annot.h"
#include "resolver.h"

static struct config	cfg;
static struct stats	st;
static struct outbuf	ob;

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	cfg.cf_prefix = "rdns_";
	cfg.cf_format = CFG_FORMAT_KV;
	outbuf_init(&ob, 1 << 20);
}

static void
teardown(void)
{
	outbuf_free(&ob);
}

TestSuite(annot, .init = setup, .fini = teardown);

static void
slot(struct lslot *ls, const char *ip, struct dnsent *de, size_t so)
{
	memset(ls, 0, sizeof(*ls));
	cr_assert_eq(ipaddr_parse(ip, strlen(ip), &ls->ls_addr), 0);
	ls->ls_ent = de;
	ls->ls_so = so;
	ls->ls_eo = so + strlen(ip);
}

static void
entry(struct dnsent *de, enum verdict v, char *host)
{
	memset(de, 0, sizeof(*de));
	de->de_verdict = (uint8_t)v;
	de->de_host = host;
}

static void
expect_output(const char *want)
{
	size_t	len = strlen(want);

	cr_expect_eq(outbuf_pending(&ob), len, "got %zu bytes: %.*s",
	    outbuf_pending(&ob), (int)outbuf_pending(&ob),
	    ob.ob_buf + ob.ob_off);
	if (outbuf_pending(&ob) == len)
		cr_expect(memcmp(ob.ob_buf + ob.ob_off, want, len) == 0,
		    "got: %.*s", (int)len, ob.ob_buf + ob.ob_off);
}

Test(annot, kv_pass_goes_before_newline)
{
	const char	*line = "from 203.0.113.45 port 22\n";
	struct dnsent	 de;
	struct lslot	 ls;
	char		 host[] = "mail.example.com";

	entry(&de, VERDICT_PASS, host);
	slot(&ls, "203.0.113.45", &de, 5);
	annot_line(&ob, &cfg, line, strlen(line), &ls, 1, 0, &st);
	expect_output("from 203.0.113.45 port 22 rdns_ip=203.0.113.45 "
	    "rdns_host=mail.example.com rdns_fcrdns=pass\n");
	cr_expect_eq(st.st_verdicts[VERDICT_PASS], 1);
}

Test(annot, kv_crlf_kept_and_no_host_omitted)
{
	const char	*line = "x 198.51.100.7\r\n";
	struct dnsent	 de;
	struct lslot	 ls;

	entry(&de, VERDICT_NONE, NULL);
	slot(&ls, "198.51.100.7", &de, 2);
	annot_line(&ob, &cfg, line, strlen(line), &ls, 1, 0, &st);
	expect_output("x 198.51.100.7 rdns_ip=198.51.100.7 "
	    "rdns_fcrdns=none\r\n");
}

Test(annot, pending_is_timeout_and_shed_is_skipped)
{
	const char	*line = "a 192.0.2.1 b 2001:db8::1";
	struct dnsent	 de;
	struct lslot	 ls[2];

	entry(&de, VERDICT_PENDING, NULL);
	slot(&ls[0], "192.0.2.1", &de, 2);
	slot(&ls[1], "2001:db8::1", NULL, 14);
	ls[1].ls_verdict = VERDICT_SKIPPED;
	annot_line(&ob, &cfg, line, strlen(line), ls, 2, 0, &st);
	expect_output("a 192.0.2.1 b 2001:db8::1 rdns_ip=192.0.2.1 "
	    "rdns_fcrdns=timeout rdns_ip=2001:db8::1 rdns_fcrdns=skipped");
}

Test(annot, prefix_changes_every_key)
{
	const char	*line = "192.0.2.9\n";
	struct dnsent	 de;
	struct lslot	 ls;
	char		 host[] = "h.example";

	cfg.cf_prefix = "ptr.";
	entry(&de, VERDICT_FAIL, host);
	slot(&ls, "192.0.2.9", &de, 0);
	annot_line(&ob, &cfg, line, strlen(line), &ls, 1, 0, &st);
	expect_output("192.0.2.9 ptr.ip=192.0.2.9 ptr.host=h.example "
	    "ptr.fcrdns=fail\n");
}

Test(annot, line_without_addresses_is_untouched)
{
	const char	line[] = "bin\0ary \xff\xfe\r\n";

	annot_line(&ob, &cfg, line, sizeof(line) - 1, NULL, 0, 0, &st);
	cr_expect_eq(outbuf_pending(&ob), sizeof(line) - 1);
	cr_expect(memcmp(ob.ob_buf, line, sizeof(line) - 1) == 0);
}

Test(annot, inline_after_each_address)
{
	const char	*line = "from 203.0.113.45 port 1 to 192.0.2.1\n";
	struct dnsent	 a, b;
	struct lslot	 ls[2];
	char		 host[] = "mail.example.com";

	cfg.cf_format = CFG_FORMAT_INLINE;
	entry(&a, VERDICT_PASS, host);
	entry(&b, VERDICT_NONE, NULL);
	slot(&ls[0], "203.0.113.45", &a, 5);
	slot(&ls[1], "192.0.2.1", &b, 28);
	annot_line(&ob, &cfg, line, strlen(line), ls, 2, 0, &st);
	expect_output("from 203.0.113.45[mail.example.com pass] port 1 to "
	    "192.0.2.1[none]\n");
}

struct quote_case {
	const char	*in;
	const char	*out;
};

Test(annot, kv_values_are_quoted_when_needed)
{
	static const struct quote_case cases[] = {
		{ "plain.example", "plain.example" },
		{ "a b", "\"a b\"" },
		{ "a=b", "\"a=b\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "nl\nesc\x1b", "\"nl\\x0aesc\\x1b\"" },
		{ "del\x7f", "\"del\\x7f\"" },
		{ "", "\"\"" },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		outbuf_free(&ob);
		outbuf_init(&ob, 1 << 20);
		annot_kv_value(&ob, cases[i].in, strlen(cases[i].in));
		cr_expect_eq(outbuf_pending(&ob), strlen(cases[i].out),
		    "case %zu", i);
		cr_expect(memcmp(ob.ob_buf, cases[i].out,
		    strlen(cases[i].out)) == 0, "case %zu: %.*s", i,
		    (int)outbuf_pending(&ob), ob.ob_buf);
	}
}

Test(annot, kv_generic_and_helo_follow_fcrdns)
{
	const char	*line = "reject: RCPT from x[192.0.2.77]: helo=<192-0-2-77.DYN.example.net.>\n";
	const char	*helo = "192-0-2-77.DYN.example.net.";
	struct dnsent	 de;
	struct lslot	 ls;
	char		 host[] = "192-0-2-77.dyn.example.net";

	entry(&de, VERDICT_PASS, host);
	de.de_generic = 1;
	slot(&ls, "192.0.2.77", &de, 20);
	ls.ls_helo_so = (size_t)(strstr(line, helo) - line);
	ls.ls_helo_eo = ls.ls_helo_so + strlen(helo);
	annot_line(&ob, &cfg, line, strlen(line), &ls, 1, 0, &st);
	expect_output("reject: RCPT from x[192.0.2.77]: "
	    "helo=<192-0-2-77.DYN.example.net.> rdns_ip=192.0.2.77 "
	    "rdns_host=192-0-2-77.dyn.example.net rdns_fcrdns=pass "
	    "rdns_generic=yes rdns_helo=match\n");
}

Test(annot, helo_mismatch_and_without_host)
{
	const char	*line = "helo=<mail.example.org> 192.0.2.5 192.0.2.6\n";
	struct dnsent	 a, b;
	struct lslot	 ls[2];
	char		 host[] = "mail.example.com";

	entry(&a, VERDICT_FAIL, host);
	entry(&b, VERDICT_NONE, NULL);
	slot(&ls[0], "192.0.2.5", &a, 23);
	slot(&ls[1], "192.0.2.6", &b, 33);
	ls[0].ls_helo_so = ls[1].ls_helo_so = 6;
	ls[0].ls_helo_eo = ls[1].ls_helo_eo = 22;
	annot_line(&ob, &cfg, line, strlen(line), ls, 2, 0, &st);
	expect_output("helo=<mail.example.org> 192.0.2.5 192.0.2.6 "
	    "rdns_ip=192.0.2.5 rdns_host=mail.example.com rdns_fcrdns=fail "
	    "rdns_helo=mismatch rdns_ip=192.0.2.6 rdns_fcrdns=none "
	    "rdns_helo=mismatch\n");
}

Test(annot, json_object_per_line)
{
	const char	 line[] = "a \"q\" \\ \xff 203.0.113.45\tz\r\n";
	struct dnsent	 de;
	struct lslot	 ls;
	char		 host[] = "mail.example.com";

	cfg.cf_format = CFG_FORMAT_JSON;
	entry(&de, VERDICT_PASS, host);
	slot(&ls, "203.0.113.45", &de, 10);
	ls.ls_role = IPSCAN_ROLE_SRC;
	annot_line(&ob, &cfg, line, sizeof(line) - 1, &ls, 1, 0, &st);
	expect_output("{\"message\":\"a \\\"q\\\" \\\\ \xef\xbf\xbd "
	    "203.0.113.45\\u0009z\",\"rdns\":[{\"ip\":\"203.0.113.45\","
	    "\"host\":\"mail.example.com\",\"fcrdns\":\"pass\"}],"
	    "\"related\":{\"ip\":[\"203.0.113.45\"],\"hosts\":"
	    "[\"mail.example.com\"]},\"source\":{\"ip\":\"203.0.113.45\","
	    "\"domain\":\"mail.example.com\"},\"rdns_lossy\":true}\n");
}

Test(annot, json_line_without_address_and_overlong_piece)
{
	const char	*line = "plain";

	cfg.cf_format = CFG_FORMAT_JSON;
	annot_line(&ob, &cfg, line, strlen(line), NULL, 0, 1, &st);
	expect_output("{\"message\":\"plain\",\"rdns_overlong\":true}\n");
}

Test(annot, inline_escapes_hostile_host_text)
{
	const char	*line = "x 192.0.2.1\n";
	struct dnsent	 de;
	struct lslot	 ls;
	char		 host[] = "a]b \x1b[31m";

	cfg.cf_format = CFG_FORMAT_INLINE;
	entry(&de, VERDICT_PERMERROR, host);
	slot(&ls, "192.0.2.1", &de, 2);
	annot_line(&ob, &cfg, line, strlen(line), &ls, 1, 0, &st);
	expect_output("x 192.0.2.1[a\\x5db\\x20\\x1b\\x5b31m permerror]\n");
}
