/*
 * fmt_kv: the kv format of ptrtag.1, OUTPUT from views: the block before
 * the terminator, the same keys in every group, the prefix, quoting of
 * values, generic and helo, the forged and overlong marks, and what the
 * formatter reports.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fmttest.h"

TestSuite(fmt_kv, .init = ft_setup, .fini = ft_teardown);

Test(fmt_kv, pass_goes_before_newline)
{
	const char	*line = "from 203.0.113.45 port 22\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "203.0.113.45", 5, VERDICT_PASS, "mail.example.com");
	ft_run(CFG_FORMAT_KV, line, strlen(line), &fa, 1, 0);
	ft_expect("from 203.0.113.45 port 22 rdns_n=1 rdns_ip=203.0.113.45 "
	    "rdns_host=mail.example.com rdns_fcrdns=pass "
	    "rdns_generic=false\n");
	cr_expect_eq(ft_res.fr_addrs, 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], 1);
}

Test(fmt_kv, crlf_kept_and_no_host_is_a_dash)
{
	const char	*line = "x 198.51.100.7\r\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "198.51.100.7", 2, VERDICT_NONE, NULL);
	ft_run(CFG_FORMAT_KV, line, strlen(line), &fa, 1, 0);
	ft_expect("x 198.51.100.7 rdns_n=1 rdns_ip=198.51.100.7 rdns_host=- "
	    "rdns_fcrdns=none rdns_generic=false\r\n");
}

Test(fmt_kv, timeout_and_skipped_without_terminator)
{
	const char	*line = "a 192.0.2.1 b 2001:db8::1";
	struct fmt_addr	 fa[2];

	ft_addr(&fa[0], "192.0.2.1", 2, VERDICT_TIMEOUT, NULL);
	ft_addr(&fa[1], "2001:db8::1", 14, VERDICT_SKIPPED, NULL);
	ft_run(CFG_FORMAT_KV, line, strlen(line), fa, 2, 0);
	ft_expect("a 192.0.2.1 b 2001:db8::1 rdns_n=2 rdns_ip=192.0.2.1 "
	    "rdns_host=- rdns_fcrdns=timeout rdns_generic=false "
	    "rdns_ip=2001:db8::1 rdns_host=- rdns_fcrdns=skipped "
	    "rdns_generic=false");
	cr_expect_eq(ft_res.fr_addrs, 2);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_TIMEOUT], 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_SKIPPED], 1);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], 0);
}

/* The prefix names every key and is what the forged check looks for. */
Test(fmt_kv, prefix_changes_every_key)
{
	const char	*line = "rdns_ ptr_ 192.0.2.9\n";
	struct fmt_addr	 fa;

	ft_cfg.cf_prefix = "ptr.";
	ft_addr(&fa, "192.0.2.9", 11, VERDICT_FAIL, "h.example");
	ft_run(CFG_FORMAT_KV, line, strlen(line), &fa, 1, 0);
	ft_expect("rdns_ ptr_ 192.0.2.9 ptr.n=1 ptr.ip=192.0.2.9 "
	    "ptr.host=h.example ptr.fcrdns=fail ptr.generic=false\n");
}

/*
 * Every length of prefix, address text and host, around the sizes at
 * which the writer copies its pieces differently (0 to 3, 4 to 7, 8 to
 * 16, longer), gives the pairs spelled out here.
 */
Test(fmt_kv, every_piece_length_is_copied_whole)
{
	static const char *const ips[] = { "1.2.3.4", "10.20.30.40",
	    "192.168.100.200", "2001:db8::1", "2001:db8:aaaa:bbbb::cccc:dddd" };
	static const char	 name[] = "abcdefghijklmnopqrstuvwxyz.example";
	const char		*line = "x\n";
	char			 prefix[24], host[sizeof(name)], want[512];
	struct fmt_addr		 fa;
	size_t			 pl, hl, i;

	for (pl = 0; pl < sizeof(prefix); pl++)
		for (hl = 1; hl < sizeof(name); hl++)
			for (i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
				memset(prefix, 'p', pl);
				prefix[pl] = '\0';
				memcpy(host, name + sizeof(name) - 1 - hl, hl);
				host[hl] = '\0';
				ft_teardown();
				ft_setup();
				ft_cfg.cf_prefix = prefix;
				ft_addr(&fa, ips[i], 0, VERDICT_PASS, host);
				ft_run(CFG_FORMAT_KV, line, strlen(line), &fa,
				    1, 0);
				/* An empty prefix is in every line: forged. */
				snprintf(want, sizeof(want), "x %sn=1%s %sip=%s "
				    "%shost=%s %sfcrdns=pass %sgeneric=false\n",
				    prefix, pl == 0 ? " forged=true" : "", prefix,
				    ips[i], prefix, host, prefix, prefix);
				ft_expect(want);
			}
}

Test(fmt_kv, line_without_addresses_is_untouched)
{
	const char	line[] = "bin\0ary \xff\xfe\r\n";

	ft_run(CFG_FORMAT_KV, line, sizeof(line) - 1, NULL, 0, 0);
	ft_expect_bytes(line, sizeof(line) - 1);
	cr_expect_eq(ft_res.fr_addrs, 0);
}

Test(fmt_kv, raw_piece_passes_through)
{
	const char	*line = "a piece of an overlong line, rdns_ too";

	ft_run(CFG_FORMAT_KV, line, strlen(line), NULL, 0, 1);
	ft_expect(line);
}

struct quote_case {
	const char	*in;
	const char	*out;
};

Test(fmt_kv, values_are_quoted_when_needed)
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
		ft_teardown();
		ft_setup();
		fmt_kv_value(&ft_ob, cases[i].in, strlen(cases[i].in));
		ft_expect(cases[i].out);
	}
}

/*
 * Each byte that forces quotes, at every place of a value longer than
 * the eight bytes the check reads at a time, is found; no other byte
 * (0x80 and above included) forces them.
 */
Test(fmt_kv, every_special_byte_at_every_place_is_quoted)
{
	char	v[20];
	size_t	pos;
	int	c, special;

	for (c = 0; c < 256; c++) {
		special = c < 0x21 || c == '"' || c == '=' || c == '\\' ||
		    c == 0x7f;
		for (pos = 0; pos < sizeof(v); pos++) {
			memset(v, 'a', sizeof(v));
			v[pos] = (char)c;
			ft_teardown();
			ft_setup();
			fmt_kv_value(&ft_ob, v, sizeof(v));
			cr_assert_eq(ft_ob.ob_buf[0] == '"', special,
			    "byte 0x%02x at %zu", c, pos);
		}
	}
}

Test(fmt_kv, hostile_host_is_quoted)
{
	const char	*line = "192.0.2.3\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "192.0.2.3", 0, VERDICT_PASS, "a b\n rdns_fcrdns=pass");
	ft_run(CFG_FORMAT_KV, line, strlen(line), &fa, 1, 0);
	ft_expect("192.0.2.3 rdns_n=1 rdns_ip=192.0.2.3 "
	    "rdns_host=\"a b\\x0a rdns_fcrdns=pass\" rdns_fcrdns=pass "
	    "rdns_generic=false\n");
}

Test(fmt_kv, generic_and_helo_follow_fcrdns)
{
	const char	*line = "reject: RCPT from x[192.0.2.77]: "
	    "helo=<192-0-2-77.DYN.example.net.>\n";
	const char	*helo = "192-0-2-77.DYN.example.net.";
	struct fmt_addr	 fa;

	ft_addr(&fa, "192.0.2.77", 20, VERDICT_PASS,
	    "192-0-2-77.dyn.example.net");
	fa.fa_generic = 1;
	fa.fa_helo_so = (size_t)(strstr(line, helo) - line);
	fa.fa_helo_eo = fa.fa_helo_so + strlen(helo);
	ft_run(CFG_FORMAT_KV, line, strlen(line), &fa, 1, 0);
	ft_expect("reject: RCPT from x[192.0.2.77]: "
	    "helo=<192-0-2-77.DYN.example.net.> rdns_n=1 rdns_ip=192.0.2.77 "
	    "rdns_host=192-0-2-77.dyn.example.net rdns_fcrdns=pass "
	    "rdns_generic=true rdns_helo=match\n");
}

Test(fmt_kv, helo_mismatch_and_without_host)
{
	const char	*line = "helo=<mail.example.org> 192.0.2.5 192.0.2.6\n";
	struct fmt_addr	 fa[2];

	ft_addr(&fa[0], "192.0.2.5", 23, VERDICT_FAIL, "mail.example.com");
	ft_addr(&fa[1], "192.0.2.6", 33, VERDICT_NONE, NULL);
	fa[0].fa_helo_so = fa[1].fa_helo_so = 6;
	fa[0].fa_helo_eo = fa[1].fa_helo_eo = 22;
	ft_run(CFG_FORMAT_KV, line, strlen(line), fa, 2, 0);
	ft_expect("helo=<mail.example.org> 192.0.2.5 192.0.2.6 rdns_n=2 "
	    "rdns_ip=192.0.2.5 rdns_host=mail.example.com rdns_fcrdns=fail "
	    "rdns_generic=false rdns_helo=mismatch rdns_ip=192.0.2.6 "
	    "rdns_host=- rdns_fcrdns=none rdns_generic=false "
	    "rdns_helo=mismatch\n");
}

Test(fmt_kv, helo_match_ignores_one_trailing_dot_of_host)
{
	const char	*line = "HELO Mx.Example.ORG 192.0.2.8\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "192.0.2.8", 20, VERDICT_PASS, "mx.example.org.");
	fa.fa_helo_so = 5;
	fa.fa_helo_eo = 19;
	ft_run(CFG_FORMAT_KV, line, strlen(line), &fa, 1, 0);
	ft_expect("HELO Mx.Example.ORG 192.0.2.8 rdns_n=1 rdns_ip=192.0.2.8 "
	    "rdns_host=mx.example.org. rdns_fcrdns=pass rdns_generic=false "
	    "rdns_helo=match\n");
}

Test(fmt_kv, helo_in_every_group_when_one_has_it)
{
	const char	*line = "192.0.2.5 helo=<a.example> 192.0.2.6\n";
	struct fmt_addr	 fa[2];

	ft_addr(&fa[0], "192.0.2.5", 0, VERDICT_NONE, NULL);
	ft_addr(&fa[1], "192.0.2.6", 27, VERDICT_PASS, "a.example");
	fa[1].fa_helo_so = 16;
	fa[1].fa_helo_eo = 25;
	ft_run(CFG_FORMAT_KV, line, strlen(line), fa, 2, 0);
	ft_expect("192.0.2.5 helo=<a.example> 192.0.2.6 rdns_n=2 "
	    "rdns_ip=192.0.2.5 rdns_host=- rdns_fcrdns=none "
	    "rdns_generic=false rdns_helo=- rdns_ip=192.0.2.6 "
	    "rdns_host=a.example rdns_fcrdns=pass rdns_generic=false "
	    "rdns_helo=match\n");
}

Test(fmt_kv, text_holding_the_prefix_is_marked_forged)
{
	const char	*line = "Invalid user rdns_host=bastion.example.com "
	    "rdns_fcrdns=pass from 198.51.100.7\n";
	struct fmt_addr	 fa;

	ft_addr(&fa, "198.51.100.7", 67, VERDICT_NONE, NULL);
	ft_run(CFG_FORMAT_KV, line, strlen(line), &fa, 1, 0);
	ft_expect("Invalid user rdns_host=bastion.example.com "
	    "rdns_fcrdns=pass from 198.51.100.7 rdns_n=1 rdns_forged=true "
	    "rdns_ip=198.51.100.7 rdns_host=- rdns_fcrdns=none "
	    "rdns_generic=false\n");
}

/*
 * The forged check finds the prefix wherever it is, and only the whole
 * prefix: at the start, at the end, after a partial copy of itself, with
 * its last byte alone before it, for prefixes of one to seven bytes.
 */
Test(fmt_kv, forged_check_finds_the_prefix_anywhere)
{
	/* Each text: head, then the prefix when with, then tail. */
	static const struct { const char *head; int with; const char *tail; }
	    texts[] = { { "", 1, "" }, { "x", 1, "" }, { "", 1, "x" },
	    { "rdns", 1, "" }, { "_", 1, "_" }, { "ab_cd_", 1, "_" },
	    { "__", 0, "" }, { "", 0, "" }, { "r", 0, "" },
	    { "rdn_s_", 0, "" }, { "rdns", 0, "" }, { "x_y_z", 0, "a_a_a" },
	    { "a_a_a_", 0, "_a" } };
	static const char *const prefixes[] = { "rdns_", "_", "r", "ab",
	    "ptr.", "a_a_a_a" };
	char		 text[64], line[80];
	size_t		 i, j, t;
	int		 holds;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		for (j = 0; j < sizeof(texts) / sizeof(texts[0]); j++) {
			snprintf(text, sizeof(text), "%s%s%s", texts[j].head,
			    texts[j].with ? prefixes[i] : "", texts[j].tail);
			t = strlen(text);
			holds = memmem(text, t, prefixes[i],
			    strlen(prefixes[i])) != NULL;
			snprintf(line, sizeof(line), "%s\n", text);
			ft_teardown();
			ft_setup();
			ft_cfg.cf_prefix = prefixes[i];
			ft_run(CFG_FORMAT_KV, line, strlen(line), NULL, 0, 0);
			cr_expect_eq(ft_ob.ob_len > strlen(line), holds,
			    "prefix '%s' in '%s': %d", prefixes[i], text,
			    holds);
		}
}

Test(fmt_kv, forged_line_without_address_gets_a_block)
{
	const char	*line = "user x rdns_n=1 rdns_ip=192.0.2.1 "
	    "rdns_host=evil.example rdns_fcrdns=pass rdns_generic=false\r\n";

	ft_run(CFG_FORMAT_KV, line, strlen(line), NULL, 0, 0);
	ft_expect("user x rdns_n=1 rdns_ip=192.0.2.1 "
	    "rdns_host=evil.example rdns_fcrdns=pass rdns_generic=false "
	    "rdns_n=0 rdns_forged=true\r\n");
	cr_expect_eq(ft_res.fr_addrs, 0);
}

Test(fmt_kv, overlong_line_ends_with_its_mark)
{
	const char	*head = "rdns_n=1 rdns_ip=192.0.2.1 and more";
	const char	*tail = "rdns_host=evil.example rdns_fcrdns=pass\r\n";

	ft_run(CFG_FORMAT_KV, head, strlen(head), NULL, 0, 1);
	ft_expect(head);
	ft_teardown();
	ft_setup();
	ft_run(CFG_FORMAT_KV, tail, strlen(tail), NULL, 0, 1);
	ft_expect("rdns_host=evil.example rdns_fcrdns=pass rdns_n=0 "
	    "rdns_overlong=true\r\n");
	cr_expect_eq(ft_res.fr_addrs, 0);
}

/* What else kept_case's line holds. */
enum kept_mark {
	KEPT_PLAIN,
	KEPT_FORGED,		/* the prefix, in the text */
	KEPT_HELO,		/* a HELO name claimed for the first address */
};

/*
 * One case of kept_pairs_write_what_fresh_pairs_do: count addresses in a
 * line ending with end, every group but unkept (count: none) kept.
 */
static void
kept_case(const char *end, const char *prefix, size_t count, size_t unkept,
    enum kept_mark mark)
{
	struct fmt_addr	 fa[12];
	char		 line[512], ip[32], kept[12][256], *first;
	size_t		 i, len, flen, fresh_pass;

	cr_assert_leq(count, 12);
	ft_teardown();
	ft_setup();
	ft_cfg.cf_prefix = prefix;
	len = (size_t)snprintf(line, sizeof(line), "sshd[7]:");
	for (i = 0; i < count; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%u", (unsigned int)i + 1);
		line[len++] = ' ';
		ft_addr(&fa[i], ip, len, i % 3 == 2 ? VERDICT_FAIL :
		    VERDICT_PASS, i % 3 == 1 ? NULL : "h.example");
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s",
		    ip);
	}
	if (mark == KEPT_FORGED)
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    " %shost=spoofed", prefix);
	if (mark == KEPT_HELO) {
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    " helo=<h.example>");
		fa[0].fa_helo_so = len - 10;
		fa[0].fa_helo_eo = len - 1;
	}
	len += (size_t)snprintf(line + len, sizeof(line) - len, " port 22%s",
	    end);
	ft_run(CFG_FORMAT_KV, line, len, fa, count, 0);
	flen = outbuf_pending(&ft_ob);
	fresh_pass = ft_res.fr_verdicts[VERDICT_PASS];
	for (i = 0; i < count; i++) {
		if (i == unkept)
			continue;
		fa[i].fa_kv = kept[i];
		fa[i].fa_kv_len = fmt_kv_pairs(kept[i], sizeof(kept[i]),
		    prefix, &fa[i]);
		cr_assert_gt(fa[i].fa_kv_len, 0);
	}
	ft_run(CFG_FORMAT_KV, line, len, fa, count, 0);
	first = ft_ob.ob_buf + ft_ob.ob_off;
	cr_assert_eq(outbuf_pending(&ft_ob), 2 * flen, "%zu addresses, "
	    "prefix %s, %zu not kept", count, prefix, unkept);
	cr_expect_eq(memcmp(first, first + flen, flen), 0,
	    "fresh %.*s, kept %.*s", (int)flen, first, (int)flen, first + flen);
	cr_expect_eq(ft_res.fr_addrs, count);
	cr_expect_eq(ft_res.fr_verdicts[VERDICT_PASS], fresh_pass);
}

/*
 * A line whose every group its cache entry keeps (fa_kv, written by
 * fmt_kv_pairs) is written in one stretch: the same bytes as the groups
 * written anew, and the same counts, whatever the terminator, the
 * prefix, the number of addresses (one or two digits), and with one
 * group not kept. The second copy lands after the first, in new room.
 */
Test(fmt_kv, kept_pairs_write_what_fresh_pairs_do)
{
	static const char *const ends[] = { "\n", "\r\n", "" };
	static const char *const prefixes[] = { "rdns_", "p." };
	static const size_t	 counts[] = { 1, 2, 12 };
	size_t			 e, p, c, unkept;

	for (e = 0; e < 3; e++)
		for (p = 0; p < 2; p++)
			for (c = 0; c < 3; c++)
				for (unkept = 0; unkept <= counts[c]; unkept++)
					kept_case(ends[e], prefixes[p],
					    counts[c], unkept, KEPT_PLAIN);
}

/*
 * Kept groups on a forged line, or beside a claimed HELO name, still get
 * the forged mark and the helo pairs: the bytes of fresh groups.
 */
Test(fmt_kv, kept_pairs_keep_forged_and_helo)
{
	static const size_t	counts[] = { 1, 2, 12 };
	size_t			c;

	for (c = 0; c < 3; c++) {
		kept_case("\n", "rdns_", counts[c], counts[c], KEPT_FORGED);
		kept_case("\n", "rdns_", counts[c], counts[c], KEPT_HELO);
	}
}
