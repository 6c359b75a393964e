/*
 * Unit tests of filter/base/ipaddr, the address value type: parsing
 * with inet_pton, the RFC 5952 formatter, ordering, keys and the CIDR
 * sets behind --exclude/--only. The module moved to the base layer;
 * its tests stay here beside those of the scanner that returns it, and
 * link only the base library (meson.build).
 *
 * Table rows are run as one parameterized test each (testutil.h), so
 * every failing row names its input.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "ipset.h"
#include "testutil.h"

/* Parse text (exactly len bytes, no terminator) from a fitted copy. */
static int
parse_exact(const char *text, size_t len, struct ipaddr *ia)
{
	char	*copy;
	int	 rc;

	copy = fitted_copy(text, len);
	rc = ipaddr_parse(copy, len, ia);
	free(copy);
	return rc;
}

/*
 * Text in, canonical text out (NULL: not an address). The rows follow
 * RFC 4291 section 2.2 and RFC 5952 sections 4 and 5, and ptrtag.1, DESCRIPTION
 * (IPv4-mapped becomes IPv4; zone and brackets are dropped).
 */
struct canon_row {
	const char	*cr_in;
	const char	*cr_out;
};

static const struct canon_row canon_rows[] = {
	/* IPv4: dotted quad, inet_pton rules. */
	{ "192.0.2.1", "192.0.2.1" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "198.51.100.0", "198.51.100.0" },
	{ "256.1.1.1", NULL },
	{ "192.0.2.256", NULL },
	{ "010.0.0.1", NULL },
	{ "192.0.2.01", NULL },
	{ "1.2.3", NULL },
	{ "1.2.3.4.5", NULL },
	{ "1..2.3", NULL },
	{ "0x7f.0.0.1", NULL },
	{ "192.0.2.1 ", NULL },
	{ " 192.0.2.1", NULL },
	{ "", NULL },
	/* RFC 4291 2.2 examples, written canonically. */
	{ "2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:200c:417a" },
	{ "FF01:0:0:0:0:0:0:101", "ff01::101" },
	{ "0:0:0:0:0:0:0:1", "::1" },
	{ "0:0:0:0:0:0:0:0", "::" },
	{ "2001:DB8::8:800:200C:417A", "2001:db8::8:800:200c:417a" },
	{ "0:0:0:0:0:0:13.1.68.3", "::d01:4403" },
	{ "0:0:0:0:0:FFFF:129.144.52.38", "129.144.52.38" },
	{ "::FFFF:129.144.52.38", "129.144.52.38" },
	/* RFC 5952 4.1: no leading zeros. */
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
	{ "2001:db8:0:0:0:0:0:001", "2001:db8::1" },
	/* 4.2.1: as much as possible is compressed. */
	{ "2001:db8:0:0:0:0:2:1", "2001:db8::2:1" },
	/* 4.2.2: a single zero group is not compressed. */
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	{ "2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	/* 4.2.3: the longest run wins, the first one on a tie. */
	{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
	{ "2001:db8::aaaa:0:0:1", "2001:db8::aaaa:0:0:1" },
	{ "2001:db8:0:0:aaaa::1", "2001:db8::aaaa:0:0:1" },
	/* 4.3: lower case. */
	{ "2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF",
	    "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff" },
	/* Runs at either end. */
	{ "1:0:0:0:0:0:0:0", "1::" },
	{ "0:0:0:0:0:0:0:2", "::2" },
	{ "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
	{ "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8" },
	/* ::/96 is written in hex, never glibc's "::0.2.0.3". */
	{ "::2:3", "::2:3" },
	{ "::0.2.0.3", "::2:3" },
	{ "::198.51.100.7", "::c633:6407" },
	{ "64:ff9b::192.0.2.33", "64:ff9b::c000:221" },
	{ "::ffff:0:192.0.2.1", "::ffff:0:c000:201" },
	/* IPv4-mapped becomes IPv4, in both spellings. */
	{ "::ffff:192.0.2.44", "192.0.2.44" },
	{ "::ffff:c000:22d", "192.0.2.45" },
	{ "::ffff:0.0.0.0", "0.0.0.0" },
	/* Decorations: brackets and zones. */
	{ "[2001:db8::7]", "2001:db8::7" },
	{ "[192.0.2.7]", "192.0.2.7" },
	{ "fe80::1%eth0", "fe80::1" },
	{ "fe80::1%25en0", "fe80::1" },
	{ "[fe80::a:b%2]", "fe80::a:b" },
	{ "fe80::1%", NULL },
	{ "192.0.2.1%eth0", NULL },
	{ "[2001:db8::7", NULL },
	{ "2001:db8::7]", NULL },
	{ "[]", NULL },
	/* Not IPv6. */
	{ "2001:db8::1g", NULL },
	{ "12:34:56", NULL },
	{ "00:1a:2b:3c:4d:5e", NULL },
	{ "1:2:3:4:5:6:7:8:9", NULL },
	{ "1:2:3:4::5:6:7:8", NULL },
	{ "1::2::3", NULL },
	{ "02001:db8::1", NULL },
	{ "2001:db8::10000", NULL },
	{ ":1:2:3:4:5:6:7", NULL },
	{ "1:2:3:4:5:6:7:", NULL },
	{ ":::", NULL },
	{ "::ffff:192.0.2.010", NULL },
	{ "::1.2.3", NULL },
	/* Longer than any address text. */
	{ "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000", NULL },
};

ROW_PARAMS(ipaddr, canonical_text, canon_rows)

ParameterizedTest(size_t *i, ipaddr, canonical_text)
{
	const struct canon_row	*r = &canon_rows[*i];
	struct ipaddr		 ia, again;
	char			 buf[IPADDR_STRMAX];
	size_t			 n;
	int			 rc;

	rc = parse_exact(r->cr_in, strlen(r->cr_in), &ia);
	if (r->cr_out == NULL) {
		cr_expect_eq(rc, -1, "\"%s\" should not parse", r->cr_in);
		return;
	}
	cr_assert_eq(rc, 0, "\"%s\" should parse", r->cr_in);
	n = ipaddr_ntop(&ia, buf, sizeof(buf));
	cr_expect_str_eq(buf, r->cr_out, "\"%s\" printed as \"%s\"",
	    r->cr_in, buf);
	cr_expect_eq(n, strlen(r->cr_out), "length of \"%s\"", r->cr_out);
	/* Canonical text parses back to the same value. */
	cr_expect_eq(parse_exact(buf, n, &again), 0);
	cr_expect_eq(ipaddr_cmp(&ia, &again), 0, "round trip of %s", buf);
}

Test(ipaddr, explicit_length_ignores_following_bytes)
{
	struct ipaddr	ia;
	char		buf[IPADDR_STRMAX];

	cr_assert_eq(ipaddr_parse("192.0.2.9xyz", 9, &ia), 0);
	ipaddr_ntop(&ia, buf, sizeof(buf));
	cr_expect_str_eq(buf, "192.0.2.9");
}

Test(ipaddr, nul_byte_inside_is_rejected)
{
	struct ipaddr	ia;

	/* inet_pton would stop at the NUL and accept the prefix. */
	cr_expect_eq(parse_exact("192.0.2.1\0", 10, &ia), -1);
	cr_expect_eq(parse_exact("2001:db8::1\0:1", 14, &ia), -1);
	cr_expect_eq(parse_exact("192.0.2.1\0", 9, &ia), 0);
}

Test(ipaddr, families_and_bytes)
{
	struct ipaddr	ia;
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x42 };
	static const uint8_t v4[16] = { 192, 0, 2, 42 };

	cr_assert_eq(parse_exact("2001:db8::42", 12, &ia), 0);
	cr_expect_eq(ia.ia_family, AF_INET6);
	cr_expect_arr_eq(ia.ia_bytes, v6, 16);
	/* IPv4 and unmapped IPv4 keep the bytes past the fourth zero. */
	cr_assert_eq(parse_exact("::ffff:192.0.2.42", 17, &ia), 0);
	cr_expect_eq(ia.ia_family, AF_INET);
	cr_expect_arr_eq(ia.ia_bytes, v4, 16);
	cr_assert_eq(parse_exact("192.0.2.42", 10, &ia), 0);
	cr_expect_eq(ia.ia_family, AF_INET);
	cr_expect_arr_eq(ia.ia_bytes, v4, 16);
}

Test(ipaddr, ntop_refuses_small_buffer)
{
	struct ipaddr	ia;
	char		buf[IPADDR_STRMAX];

	cr_assert_eq(parse_exact("192.0.2.1", 9, &ia), 0);
	cr_expect_eq(ipaddr_ntop(&ia, buf, IPADDR_STRMAX - 1), 0);
	cr_expect_eq(ipaddr_ntop(&ia, buf, IPADDR_STRMAX), 9);
}

Test(ipaddr, longest_text_fits)
{
	struct ipaddr	ia;
	char		buf[IPADDR_STRMAX];
	const char	*t = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe";

	cr_assert_eq(parse_exact(t, strlen(t), &ia), 0);
	cr_expect_eq(ipaddr_ntop(&ia, buf, sizeof(buf)), strlen(t));
	cr_expect_str_eq(buf, t);
}

Test(ipaddr, order_puts_ipv4_first)
{
	struct ipaddr	a, b, c, d;

	cr_assert_eq(parse_exact("203.0.113.9", 11, &a), 0);
	cr_assert_eq(parse_exact("::1", 3, &b), 0);
	cr_assert_eq(parse_exact("203.0.113.10", 12, &c), 0);
	cr_assert_eq(parse_exact("2001:db8::", 10, &d), 0);
	cr_expect_lt(ipaddr_cmp(&a, &b), 0);
	cr_expect_gt(ipaddr_cmp(&b, &a), 0);
	cr_expect_lt(ipaddr_cmp(&a, &c), 0);
	cr_expect_gt(ipaddr_cmp(&c, &a), 0);
	cr_expect_lt(ipaddr_cmp(&b, &d), 0);
	cr_expect_eq(ipaddr_cmp(&a, &a), 0);
}

Test(ipaddr, same_value_written_two_ways_compares_equal)
{
	struct ipaddr	a, b;

	cr_assert_eq(parse_exact("2001:DB8:0:0:0:0:0:0A", 21, &a), 0);
	cr_assert_eq(parse_exact("2001:db8::a", 11, &b), 0);
	cr_expect_eq(ipaddr_cmp(&a, &b), 0);
	cr_assert_eq(parse_exact("::FFFF:198.51.100.3", 19, &a), 0);
	cr_assert_eq(parse_exact("198.51.100.3", 12, &b), 0);
	cr_expect_eq(ipaddr_cmp(&a, &b), 0);
}

Test(ipaddr, unmap_in_place)
{
	struct ipaddr	ia;
	char		buf[IPADDR_STRMAX];

	memset(&ia, 0, sizeof(ia));
	ia.ia_family = AF_INET6;
	ia.ia_bytes[10] = ia.ia_bytes[11] = 0xff;
	ia.ia_bytes[12] = 198;
	ia.ia_bytes[13] = 51;
	ia.ia_bytes[14] = 100;
	ia.ia_bytes[15] = 200;
	ipaddr_unmap(&ia);
	cr_expect_eq(ia.ia_family, AF_INET);
	ipaddr_ntop(&ia, buf, sizeof(buf));
	cr_expect_str_eq(buf, "198.51.100.200");

	/* ::ffff:0:0/96's neighbour, IPv4-translated, stays IPv6. */
	memset(&ia, 0, sizeof(ia));
	ia.ia_family = AF_INET6;
	ia.ia_bytes[8] = ia.ia_bytes[9] = 0xff;
	ia.ia_bytes[15] = 1;
	ipaddr_unmap(&ia);
	cr_expect_eq(ia.ia_family, AF_INET6);

	/* IPv4 is left alone. */
	cr_assert_eq(parse_exact("192.0.2.3", 9, &ia), 0);
	ipaddr_unmap(&ia);
	cr_expect_eq(ia.ia_family, AF_INET);
	ipaddr_ntop(&ia, buf, sizeof(buf));
	cr_expect_str_eq(buf, "192.0.2.3");
}

Test(ipaddr, key_is_family_then_bytes)
{
	struct ipaddr	ia;
	uint8_t		key[IPADDR_KEYLEN];
	static const uint8_t k4[IPADDR_KEYLEN] = { AF_INET, 192, 0, 2, 5 };
	static const uint8_t k6[IPADDR_KEYLEN] = { AF_INET6, 0x20, 0x01,
	    0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };

	cr_assert_eq(parse_exact("192.0.2.5", 9, &ia), 0);
	memset(key, 0xaa, sizeof(key));
	ipaddr_key(&ia, key);
	cr_expect_arr_eq(key, k4, IPADDR_KEYLEN);
	/* Whatever an IPv4 address's unused bytes hold stays out of its key. */
	memset(ia.ia_bytes + 4, 0x5c, sizeof(ia.ia_bytes) - 4);
	memset(key, 0xaa, sizeof(key));
	ipaddr_key(&ia, key);
	cr_expect_arr_eq(key, k4, IPADDR_KEYLEN);
	cr_assert_eq(parse_exact("2001:db8::5", 11, &ia), 0);
	ipaddr_key(&ia, key);
	cr_expect_arr_eq(key, k6, IPADDR_KEYLEN);
}

/* CIDR sets. */

struct match_row {
	const char	*mr_addr;
	int		 mr_in;
};

/* Check every row of rows against set. */
static void
expect_matches(const struct ipaddr_set *set, const struct match_row *rows,
    size_t n)
{
	struct ipaddr	ia;
	size_t		i;

	for (i = 0; i < n; i++) {
		cr_assert_eq(parse_exact(rows[i].mr_addr,
		    strlen(rows[i].mr_addr), &ia), 0, "%s", rows[i].mr_addr);
		cr_expect_eq(ipaddr_set_match(set, &ia), rows[i].mr_in,
		    "%s should%s match", rows[i].mr_addr,
		    rows[i].mr_in ? "" : " not");
	}
}

Test(ipaddr_set, defaults_are_spec_section_4)
{
	struct ipaddr_set	set;
	static const struct match_row rows[] = {
		{ "127.0.0.1", 1 }, { "127.255.255.254", 1 },
		{ "128.0.0.1", 0 }, { "126.255.255.255", 0 },
		{ "::1", 1 }, { "::2", 0 },
		{ "0.0.0.0", 1 }, { "0.0.0.1", 0 },
		{ "::", 1 }, { "::ffff:127.0.0.1", 1 },
		{ "169.254.10.20", 1 }, { "169.255.0.1", 0 },
		{ "169.253.255.255", 0 },
		{ "fe80::1", 1 }, { "febf:ffff::1", 1 }, { "fec0::1", 0 },
		{ "224.0.0.1", 1 }, { "239.255.255.255", 1 },
		{ "240.0.0.1", 0 }, { "223.255.255.255", 0 },
		{ "ff02::1", 1 }, { "ff0e::101", 1 }, { "fe00::1", 0 },
		{ "255.255.255.255", 1 }, { "255.255.255.254", 0 },
		/* Private ranges are looked up (ptrtag.1, --exclude). */
		{ "10.1.2.3", 0 }, { "172.16.0.1", 0 }, { "192.168.1.1", 0 },
		{ "100.64.0.1", 0 }, { "fc00::1", 0 }, { "fd12:3456::1", 0 },
		{ "192.0.2.1", 0 }, { "2001:db8::1", 0 },
	};

	memset(&set, 0, sizeof(set));
	ipaddr_set_add_defaults(&set);
	cr_expect_eq(set.is_count, 9);
	expect_matches(&set, rows, NELEM(rows));
}

Test(ipaddr_set, empty_set_matches_nothing)
{
	struct ipaddr_set	set;
	static const struct match_row rows[] = {
		{ "127.0.0.1", 0 }, { "::1", 0 },
	};

	memset(&set, 0, sizeof(set));
	expect_matches(&set, rows, NELEM(rows));
}

Test(ipaddr_set, parses_list_and_matches)
{
	struct ipaddr_set	 set;
	char			 err[128] = "";
	static const struct match_row rows[] = {
		{ "10.0.0.1", 1 }, { "10.255.255.255", 1 }, { "11.0.0.0", 0 },
		{ "192.0.2.77", 1 }, { "192.0.2.78", 0 },
		{ "198.51.100.1", 1 }, { "198.51.100.254", 1 },
		{ "198.51.101.1", 0 },
		{ "2001:db8:1::1", 1 }, { "2001:db8:1:ffff::1", 1 },
		{ "2001:db8:2::1", 0 },
		{ "2001:db8::9", 1 }, { "2001:db8::a", 0 },
		/* An IPv4 prefix never matches IPv6, nor the reverse. */
		{ "::a00:1", 0 },
	};

	memset(&set, 0, sizeof(set));
	cr_assert_eq(ipaddr_set_parse(&set,
	    "10.0.0.0/8,192.0.2.77, 198.51.100.0/24 ,2001:db8:1::/48,"
	    "[2001:db8::9]/128", err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(set.is_count, 5);
	expect_matches(&set, rows, NELEM(rows));
}

Test(ipaddr_set, zero_length_prefixes)
{
	struct ipaddr_set	 set;
	char			 err[128];
	static const struct match_row v4all[] = {
		{ "1.2.3.4", 1 }, { "255.255.255.255", 1 }, { "2001:db8::", 0 },
	};
	static const struct match_row v6all[] = {
		{ "1.2.3.4", 0 }, { "2001:db8::", 1 }, { "::", 1 },
	};

	memset(&set, 0, sizeof(set));
	cr_assert_eq(ipaddr_set_parse(&set, "0.0.0.0/0", err, sizeof(err)), 0);
	expect_matches(&set, v4all, NELEM(v4all));
	memset(&set, 0, sizeof(set));
	cr_assert_eq(ipaddr_set_parse(&set, "::/0", err, sizeof(err)), 0);
	expect_matches(&set, v6all, NELEM(v6all));
}

Test(ipaddr_set, mapped_prefix_covers_ipv4)
{
	struct ipaddr_set	 set;
	char			 err[128];
	static const struct match_row rows[] = {
		{ "203.0.113.5", 1 }, { "::ffff:203.0.113.200", 1 },
		{ "203.0.114.5", 0 },
	};

	memset(&set, 0, sizeof(set));
	cr_assert_eq(ipaddr_set_parse(&set, "::ffff:203.0.113.0/120", err, sizeof(err)),
	    0);
	cr_expect_eq(set.is_prefix[0].ip_addr.ia_family, AF_INET);
	cr_expect_eq(set.is_prefix[0].ip_len, 24);
	expect_matches(&set, rows, NELEM(rows));
}

Test(ipaddr_set, appends_to_defaults)
{
	struct ipaddr_set	 set;
	char			 err[128];
	static const struct match_row rows[] = {
		{ "127.0.0.1", 1 }, { "10.9.8.7", 1 }, { "192.0.2.1", 0 },
	};

	memset(&set, 0, sizeof(set));
	ipaddr_set_add_defaults(&set);
	cr_assert_eq(ipaddr_set_parse(&set, "10.0.0.0/8", err, sizeof(err)), 0);
	cr_expect_eq(set.is_count, 10);
	expect_matches(&set, rows, NELEM(rows));
}

static const char *const bad_sets[] = {
	"",
	",",
	"10.0.0.0/8,",
	",10.0.0.0/8",
	"10.0.0.0/8,,192.0.2.0/24",
	"none",
	"10.0.0.0/33",
	"10.0.0.0/",
	"10.0.0.0/8x",
	"10.0.0.0/-8",
	"10.0.0.0/+8",
	"10.0.0.0/0008",
	"10.0.0.0/ 8",
	"10.0.0.0//8",
	"10.0.0.0/8/8",
	"::/129",
	"300.0.0.0/8",
	"010.0.0.0/8",
	"10.0.0/24",
	"2001:db8::1::/64",
	"fe80::1%eth0/64",
	"[10.0.0.0/8",
	"example.com",
	"10.0.0.0 /8 x",
};

ROW_PARAMS(ipaddr_set, rejects_bad_text, bad_sets)

ParameterizedTest(size_t *i, ipaddr_set, rejects_bad_text)
{
	struct ipaddr_set	 set;
	char			 err[128] = "";

	memset(&set, 0, sizeof(set));
	ipaddr_set_add_defaults(&set);
	cr_expect_eq(ipaddr_set_parse(&set, bad_sets[*i], err, sizeof(err)), -1,
	    "\"%s\" should be refused", bad_sets[*i]);
	cr_expect(err[0] != '\0', "\"%s\" gives a reason", bad_sets[*i]);
	/* A refused list leaves the set as it was. */
	cr_expect_eq(set.is_count, 9, "\"%s\" left the set changed",
	    bad_sets[*i]);
}

Test(ipaddr_set, capacity_is_bounded)
{
	struct ipaddr_set	 set;
	char			 err[128] = "";
	char			 item[32];
	int			 i;

	memset(&set, 0, sizeof(set));
	for (i = 0; i < IPADDR_SETMAX; i++) {
		snprintf(item, sizeof(item), "10.%d.0.0/16", i);
		cr_assert_eq(ipaddr_set_parse(&set, item, err, sizeof(err)), 0,
		    "item %d: %s", i, err);
	}
	cr_expect_eq(set.is_count, IPADDR_SETMAX);
	cr_expect_eq(ipaddr_set_parse(&set, "192.0.2.0/24", err, sizeof(err)), -1);
	cr_expect_str_eq(err, "too many prefixes");
	cr_expect_eq(set.is_count, IPADDR_SETMAX);
}

/* Reference for ipaddr_set_match: every prefix walked, no summary. */
static int
in_any_prefix(const struct ipaddr_set *set, const struct ipaddr *ia)
{
	struct ipaddr_prefix	host = { *ia, ia->ia_family == AF_INET ?
				    32 : 128 };
	size_t			i;

	for (i = 0; i < set->is_count; i++)
		if (ipaddr_prefix_within(&host, &set->is_prefix[i]))
			return 1;
	return 0;
}

/*
 * The first-byte summary never refuses an address a prefix holds, and
 * the match agrees with a walk over every prefix, for every first byte
 * of either family, in sets built by parsing and by appending.
 */
Test(ipaddr_set, summary_agrees_with_every_prefix)
{
	static const char	*lists[] = {
		"10.0.0.0/8,192.0.2.0/24,224.0.0.0/3,64.0.0.0/2,0.0.0.0/32",
		"2001:db8::/32,fe80::/10,::/128,4000::/3,ff00::/8",
		"0.0.0.0/0", "::/0", "::ffff:198.51.0.0/112",
	};
	struct ipaddr_set	 set, appended;
	struct ipaddr		 ia;
	char			 err[128];
	size_t			 l, i, agree = 0;
	unsigned int		 b, rest;

	for (l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		memset(&set, 0, sizeof(set));
		ipaddr_set_add_defaults(&set);
		cr_assert_eq(ipaddr_set_parse(&set, lists[l], err,
		    sizeof(err)), 0, "%s: %s", lists[l], err);
		memset(&appended, 0, sizeof(appended));
		for (i = 0; i < set.is_count; i++)
			cr_assert_eq(ipaddr_set_append(&appended,
			    &set.is_prefix[i]), 0);
		for (b = 0; b < 256; b++)
			for (rest = 0; rest < 4; rest++) {
				memset(&ia, 0, sizeof(ia));
				ia.ia_family = rest % 2 ? AF_INET6 : AF_INET;
				ia.ia_bytes[0] = (uint8_t)b;
				/* The second byte of 10/8, 192.0.2/24... */
				ia.ia_bytes[1] = rest < 2 ? 0 : 0x0d;
				ia.ia_bytes[2] = rest < 2 ? 2 : 0xb8;
				ia.ia_bytes[3] = 5;
				cr_expect_eq(ipaddr_set_match(&set, &ia),
				    in_any_prefix(&set, &ia), "%s: byte %u",
				    lists[l], b);
				cr_expect_eq(ipaddr_set_match(&appended, &ia),
				    in_any_prefix(&set, &ia));
				agree += (size_t)in_any_prefix(&set, &ia);
			}
	}
	cr_expect_gt(agree, 1000, "the cases hit prefixes (%zu)", agree);
}

Test(ipaddr_set, append_refuses_past_the_bound)
{
	struct ipaddr_set	 set;
	struct ipaddr_prefix	 pfx;
	char			 err[128];
	int			 i;

	memset(&set, 0, sizeof(set));
	cr_assert_eq(ipaddr_prefix_parse("192.0.2.0/24", 12, &pfx, err,
	    sizeof(err)), 0);
	for (i = 0; i < IPADDR_SETMAX; i++)
		cr_assert_eq(ipaddr_set_append(&set, &pfx), 0);
	cr_expect_eq(ipaddr_set_append(&set, &pfx), -1);
	cr_expect_eq(set.is_count, IPADDR_SETMAX);
}

/* Host bits are refused with the network meant (ptrtag.1, --exclude). */
static const struct host_bits_row {
	const char	*text;
	const char	*why;
} host_bits_rows[] = {
	{ "10.0.0.1/8", "host bits set; the network is 10.0.0.0/8" },
	{ "192.0.2.77/24", "host bits set; the network is 192.0.2.0/24" },
	{ "192.0.2.0/24,198.51.100.7/31",
	    "host bits set; the network is 198.51.100.6/31" },
	{ "2001:db8::1:2/64", "host bits set; the network is 2001:db8::/64" },
	{ "::ffff:203.0.113.5/120",
	    "host bits set; the network is 203.0.113.0/24" },
	{ "0.0.0.1/0", "host bits set; the network is 0.0.0.0/0" },
};

ROW_PARAMS(ipaddr_set, refuses_host_bits, host_bits_rows)

ParameterizedTest(size_t *i, ipaddr_set, refuses_host_bits)
{
	const struct host_bits_row	*r = &host_bits_rows[*i];
	struct ipaddr_set		 set;
	char				 err[128] = "";

	memset(&set, 0, sizeof(set));
	cr_expect_eq(ipaddr_set_parse(&set, r->text, err, sizeof(err)), -1,
	    "%s is refused", r->text);
	cr_expect_str_eq(err, r->why);
	cr_expect_eq(set.is_count, 0);
}

Test(ipaddr_set, network_and_host_prefixes_are_kept)
{
	struct ipaddr_set	set;
	char			err[128] = "";
	char			text[IPADDR_STRMAX + 8];

	memset(&set, 0, sizeof(set));
	cr_assert_eq(ipaddr_set_parse(&set, "10.0.0.0/8,192.0.2.77/32,"
	    "192.0.2.77,2001:db8::/32", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(set.is_count, 4);
	cr_expect_gt(ipaddr_prefix_ntop(&set.is_prefix[1], text, sizeof(text)),
	    0);
	cr_expect_str_eq(text, "192.0.2.77/32");
	cr_expect_gt(ipaddr_prefix_ntop(&set.is_prefix[3], text, sizeof(text)),
	    0);
	cr_expect_str_eq(text, "2001:db8::/32");
	cr_expect_eq(ipaddr_prefix_ntop(&set.is_prefix[3], text, 8), 0);
}

Test(ipaddr_set, prefix_within)
{
	/* Indexes into the set below: inner, outer, expected. */
	static const struct {
		size_t	in, out;
		int	want;
	} rows[] = {
		{ 1, 0, 1 },	/* 10.1/16 in 10/8 */
		{ 0, 0, 1 },	/* 10/8 in itself */
		{ 0, 1, 0 },	/* 10/8 not in 10.1/16 */
		{ 0, 2, 1 },	/* 10/8 in 10/7 */
		{ 3, 0, 0 },	/* 11/8 not in 10/8 */
		{ 0, 4, 0 },	/* IPv4 never in an IPv6 prefix */
		{ 5, 2, 0 },	/* 127.0.0.1 not in 10/7 */
	};
	struct ipaddr_set	set;
	char			err[128] = "";
	size_t			i;

	memset(&set, 0, sizeof(set));
	cr_assert_eq(ipaddr_set_parse(&set, "10.0.0.0/8,10.1.0.0/16,"
	    "10.0.0.0/7,11.0.0.0/8,::/0,127.0.0.1", err, sizeof(err)), 0,
	    "%s", err);
	for (i = 0; i < NELEM(rows); i++)
		cr_expect_eq(ipaddr_prefix_within(&set.is_prefix[rows[i].in],
		    &set.is_prefix[rows[i].out]), rows[i].want, "row %zu", i);
}

/*
 * What inet_pton(3) makes of text, as ipaddr_parse() would give it
 * (IPv4-mapped as IPv4): 0, or -1 when it takes neither family.
 */
static int
oracle_parse(const char *text, struct ipaddr *ia)
{
	memset(ia, 0, sizeof(*ia));
	if (inet_pton(AF_INET6, text, ia->ia_bytes) == 1)
		ia->ia_family = AF_INET6;
	else if (inet_pton(AF_INET, text, ia->ia_bytes) == 1)
		ia->ia_family = AF_INET;
	else
		return -1;
	ipaddr_unmap(ia);
	return 0;
}

/*
 * 1 when ipaddr_parse() and inet_pton agree on text; logs the first
 * disagreements, counts the addresses both take in *taken.
 */
static int
agrees(const char *text, size_t *logged, size_t *taken)
{
	struct ipaddr	got, want;
	int		rg, rw;

	rg = parse_exact(text, strlen(text), &got);
	rw = oracle_parse(text, &want);
	if (rg == rw && (rg == -1 || memcmp(&got, &want, sizeof(got)) == 0)) {
		*taken += rg == 0;
		return 1;
	}
	if ((*logged)++ < 5)
		cr_log_error("\"%s\": ipaddr_parse %d, inet_pton %d", text, rg,
		    rw);
	return 0;
}

/*
 * IPv6-shaped text from the bits of r: 0 to 9 groups of 1 to 5 hex
 * digits, "::" in place of one colon or none, and a dotted tail (its
 * octets now and then 256 or with a leading zero) in place of the last
 * group or none: about half of them are addresses.
 */
static void
shaped_text(char *s, size_t size, uint32_t r)
{
	static const char	 hex[] = "0123456789abcdefABCDEF";
	unsigned int		 ngroups = r % 10, gap = (r >> 4) % 10, g, d;
	uint32_t		 x = r * 2654435761u;
	char			 part[24];

	s[0] = '\0';
	for (g = 0; g < ngroups; g++) {
		if (g > 0 || gap == 0)
			strlcat(s, g == gap || (g == 0 && gap == 0) ? "::" : ":",
			    size);
		for (d = 0; d <= (x & 3) + ((x >> 2 & 15) == 0); d++) {
			part[0] = hex[(x >> 6) % (sizeof(hex) - 1)];
			part[1] = '\0';
			strlcat(s, part, size);
			x = x * 1103515245u + 12345u;
		}
		x ^= x >> 11;
	}
	if ((r >> 8) % 3 == 0) {
		/* a leading zero now and then, which inet_pton refuses */
		snprintf(part, sizeof(part), "%s%s%u.%u.%u.%u",
		    ngroups > 0 ? ":" : "", (x & 7) == 0 ? "0" : "",
		    (x >> 3) % 257, (x >> 11) % 256, (x >> 19) % 256,
		    (x >> 27) % 2 ? 7 : 0);
		strlcat(s, part, size);
	} else if (gap == ngroups)
		strlcat(s, "::", size);
}

/*
 * The hand parsers take what inet_pton takes, and give the same bytes:
 * on every string of up to 7 bytes from "0f:.1" and "aF9:", and on
 * 300,000 strings of 1 to 12 tokens drawn from the pieces IPv6 text is
 * made of (groups of 1 to 5 digits, colons, dotted tails right and
 * wrong), with every byte in six places, and on 200,000 strings shaped
 * like IPv6 text (shaped_text). Fails if a group of 5 digits, a second "::", a lone leading
 * or trailing colon, a "::" for no group, or a dotted tail with leading
 * zeros or in the wrong place were taken, a byte beside a hex digit
 * taken for one, or a good form refused.
 */
Test(ipaddr, hand_parsers_agree_with_inet_pton)
{
	static const char *const alpha[] = { "0f:.1", "aF9:" };
	static const char *const tok[] = {
		"0", "1", "f", "ff", "FfF", "ffff", "12345", "0000", "10",
		":", "::", ":::", ".", "1.2.3.4", "255.255.255.255",
		"256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "g",
		"0.0.0.0", "1.02.3.4",
	};
	static const struct {
		const char	*pre, *post;
	} shapes[] = {
		{ "::", "" }, { "", "::" }, { "1:", "::" },
		{ "::1.2.3.", "" }, { "::", "1:2" }, { "f", "::1" },
	};
	const size_t	 ntok = sizeof(tok) / sizeof(tok[0]);
	char		 s[128];
	size_t		 a, len, i, n, k, total = 0, bad = 0, logged = 0;
	size_t		 taken = 0;
	uint32_t	 r = 2463534242u;	/* xorshift32, fixed seed */

	for (a = 0; a < 2; a++) {
		k = strlen(alpha[a]);
		for (len = 1; len <= 7; len++) {
			for (i = 0, n = 1; i < len; i++)
				n *= k;
			for (i = 0; i < n; i++, total++) {
				size_t	j, v = i;

				for (j = 0; j < len; j++, v /= k)
					s[j] = alpha[a][v % k];
				s[len] = '\0';
				bad += !agrees(s, &logged, &taken);
			}
		}
	}
	for (i = 0; i < 300000; i++, total++) {
		s[0] = '\0';
		r ^= r << 13, r ^= r >> 17, r ^= r << 5;
		for (n = 1 + r % 12; n > 0; n--) {
			r ^= r << 13, r ^= r >> 17, r ^= r << 5;
			strlcat(s, tok[r % ntok], sizeof(s));
		}
		bad += !agrees(s, &logged, &taken);
	}
	/*
	 * every byte in each place but NUL (nul_byte_inside_is_rejected)
	 * and the decorations '%', '[', ']' (ipaddr_undecorate)
	 */
	for (i = 1; i < 256; i++) {
		if (strchr("%[]", (int)i) != NULL)
			continue;
		for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
			snprintf(s, sizeof(s), "%s%c%s", shapes[k].pre,
			    (char)i, shapes[k].post);
			bad += !agrees(s, &logged, &taken);
			total++;
		}
	}
	for (i = 0; i < 200000; i++, total++) {
		r ^= r << 13, r ^= r >> 17, r ^= r << 5;
		shaped_text(s, sizeof(s), r);
		bad += !agrees(s, &logged, &taken);
	}
	cr_expect_eq(bad, 0, "%zu of %zu strings disagree", bad, total);
	cr_log_info("%zu of %zu strings are addresses", taken, total);
	cr_expect_gt(taken, total / 100, "too few addresses among them");
}
