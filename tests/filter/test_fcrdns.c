/*
 * Unit tests for filter/dns/fcrdns.c: the FCrDNS decision fed with DNS
 * messages built here byte by byte (dnspkt.h), parsed with dnsmsg as the
 * resolver parses them. No sockets: every verdict of ptrtag.1, VERDICTS,
 * that DNS can produce, and the TTL rules, from wire-format fixtures.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"
#include "dnsmsg.h"
#include "dnspkt.h"
#include "fcrdns.h"
#include "ipaddr.h"

#define ADDR4		"203.0.113.45"
#define QNAME4		"45.113.0.203.in-addr.arpa"
#define ADDR6		"2001:db8::1"

static struct config	cfg;
static struct fcrdns	fc;
static struct ipaddr	want;
static fcrdns_name	names[DNSMSG_NAMES_MAX];
static struct pkt	pk;

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.cf_max_names = CFG_MAX_NAMES;
	cfg.cf_min_ttl = CFG_MIN_TTL;
	cfg.cf_max_ttl = CFG_MAX_TTL;
	cfg.cf_neg_ttl = CFG_NEG_TTL;
	cfg.cf_err_ttl = CFG_ERR_TTL;
	memset(&fc, 0x5a, sizeof(fc));		/* fcrdns_ptr must reset it */
	want = pkt_ipaddr(ADDR4);
}

TestSuite(fcrdns, .init = setup);

static void
want6(void)
{
	want = pkt_ipaddr(ADDR6);
}

/*
 * Build a PTR answer for QNAME4 in pk: rcode, then the targets in hosts
 * (NULL-terminated) with ttl each. Returns the question's offset.
 */
static size_t
ptr_msg(unsigned int rcode, const char **hosts, uint32_t ttl)
{
	size_t	 q;

	pkt_init(&pk, rcode, 0);
	q = pkt_question(&pk, QNAME4, DNSMSG_T_PTR);
	for (; hosts != NULL && *hosts != NULL; hosts++)
		add_ptr(&pk, q, *hosts, ttl);
	return q;
}

/* Parse pk as the PTR answer and feed it with status st. */
static void
feed_ptr(enum fcrdns_status st)
{
	struct dnsmsg_result	 res;
	int			 ok;
	size_t			 i;

	ok = dnsmsg_parse_ptr(pk.p_buf, pkt_len(&pk), QNAME4, &res) == 0;
	fcrdns_ptr(&fc, &cfg, st, ok ? &res : NULL);
	for (i = 0; ok && i < fc.fc_nnames; i++)
		memcpy(names[i], res.dr_names[i], sizeof(names[i]));
}

/* Feed the PTR answer listing hosts (TTL ttl), all valid and usable. */
static void
ptr_names(const char **hosts, uint32_t ttl)
{
	ptr_msg(0, hosts, ttl);
	feed_ptr(FCRDNS_ANSWER);
	cr_assert_eq(fc.fc_verdict, VERDICT_PENDING);
}

/*
 * Build a forward answer for names[index] in pk holding the address
 * text addr (A or AAAA by its form; NULL: no record) with ttl.
 */
static void
fwd_msg(unsigned int rcode, size_t index, const char *addr, uint32_t ttl)
{
	size_t	 q;
	int	 v6 = addr != NULL && strchr(addr, ':') != NULL;

	pkt_init(&pk, rcode, 0);
	q = pkt_question(&pk, names[index], want.ia_family == AF_INET ?
	    DNSMSG_T_A : DNSMSG_T_AAAA);
	if (addr != NULL)
		add_addr(&pk, q, v6 ? DNSMSG_T_AAAA : DNSMSG_T_A, addr,
		    v6 ? 16 : 4, ttl);
}

/* Parse pk as the forward answer for names[index] and feed it. */
static void
feed_fwd(size_t index, enum fcrdns_status st)
{
	struct dnsmsg_result	 res;
	int			 ok;

	ok = dnsmsg_parse_addr(pk.p_buf, pkt_len(&pk), names[index], &want,
	    &res) == 0;
	fcrdns_fwd(&fc, &cfg, &want, names, index, st, ok ? &res : NULL);
}

/* A NOERROR forward answer for names[index] with one address. */
static void
fwd(size_t index, const char *addr, uint32_t ttl)
{
	fwd_msg(0, index, addr, ttl);
	feed_fwd(index, FCRDNS_ANSWER);
}

static void
expect(enum verdict v, const char *host, uint32_t ttl)
{
	cr_expect_eq(fc.fc_verdict, v, "verdict %d, want %d", fc.fc_verdict,
	    v);
	if (host == NULL)
		cr_expect_null(fc.fc_host, "host %s", fc.fc_host);
	else {
		cr_assert_not_null(fc.fc_host);
		cr_expect_str_eq(fc.fc_host, host);
	}
	cr_expect_eq(fc.fc_ttl, ttl, "ttl %u, want %u", fc.fc_ttl, ttl);
}

/* ------------------------------------------------------------ verdicts */

Test(fcrdns, pass)
{
	const char	*h[] = { "mail.example.com", NULL };

	ptr_names(h, 3600);
	cr_expect_eq(fc.fc_nnames, 1);
	fwd(0, ADDR4, 300);
	expect(VERDICT_PASS, "mail.example.com", 300);
	cr_expect_eq(fc.fc_generic, 0);
}

Test(fcrdns, pass_ipv6)
{
	const char	*h[] = { "v6.example.com", NULL };

	want6();
	ptr_names(h, 3600);
	fwd(0, ADDR6, 7200);
	expect(VERDICT_PASS, "v6.example.com", 3600);
}

Test(fcrdns, fail_other_address)
{
	const char	*h[] = { "mail.example.com", NULL };

	ptr_names(h, 3600);
	fwd(0, "198.51.100.7", 600);
	expect(VERDICT_FAIL, "mail.example.com", 600);
}

Test(fcrdns, fail_forward_nxdomain)
{
	const char	*h[] = { "gone.example.com", NULL };

	ptr_names(h, 3600);
	fwd_msg(3, 0, NULL, 0);
	add_soa(&pk, 600, 60);
	feed_fwd(0, FCRDNS_NONAME);
	expect(VERDICT_FAIL, "gone.example.com", 3600);
}

Test(fcrdns, none_nxdomain_soa)
{
	ptr_msg(3, NULL, 0);
	add_soa(&pk, 3600, 300);
	feed_ptr(FCRDNS_NONAME);
	expect(VERDICT_NONE, NULL, 300);
	cr_expect_eq(fc.fc_nnames, 0);
}

Test(fcrdns, none_nxdomain_without_soa)
{
	ptr_msg(3, NULL, 0);
	feed_ptr(FCRDNS_NONAME);
	expect(VERDICT_NONE, NULL, CFG_NEG_TTL);
}

Test(fcrdns, none_nodata)
{
	ptr_msg(0, NULL, 0);
	add_soa(&pk, 120, 900);
	feed_ptr(FCRDNS_NONAME);
	expect(VERDICT_NONE, NULL, 120);
}

Test(fcrdns, none_noerror_without_ptr)
{
	/* NOERROR whose answer holds no PTR at all: --neg-ttl, not SOA. */
	ptr_msg(0, NULL, 0);
	add_soa(&pk, 120, 120);
	feed_ptr(FCRDNS_ANSWER);
	expect(VERDICT_NONE, NULL, CFG_NEG_TTL);
}

Test(fcrdns, temperror_ptr_timeout)
{
	fcrdns_ptr(&fc, &cfg, FCRDNS_TEMPFAIL, NULL);
	expect(VERDICT_TEMPERROR, NULL, CFG_ERR_TTL);
}

Test(fcrdns, temperror_ptr_servfail)
{
	ptr_msg(2, NULL, 0);
	feed_ptr(FCRDNS_TEMPFAIL);
	expect(VERDICT_TEMPERROR, NULL, CFG_ERR_TTL);
}

Test(fcrdns, temperror_forward_timeout)
{
	const char	*h[] = { "a.example.com", "b.example.com", NULL };

	ptr_names(h, 3600);
	fwd(0, "198.51.100.7", 600);
	fcrdns_fwd(&fc, &cfg, &want, names, 1, FCRDNS_TEMPFAIL, NULL);
	expect(VERDICT_TEMPERROR, "a.example.com", CFG_ERR_TTL);
}

Test(fcrdns, temperror_forward_malformed)
{
	const char	*h[] = { "a.example.com", NULL };

	ptr_names(h, 3600);
	fwd_msg(0, 0, NULL, 0);
	pk.p_len = 11;				/* shorter than a header */
	feed_fwd(0, FCRDNS_ANSWER);
	expect(VERDICT_TEMPERROR, "a.example.com", CFG_ERR_TTL);
}

Test(fcrdns, timeout_does_not_hide_a_confirmation)
{
	const char	*h[] = { "a.example.com", "b.example.com", NULL };

	ptr_names(h, 3600);
	fcrdns_fwd(&fc, &cfg, &want, names, 0, FCRDNS_TEMPFAIL, NULL);
	cr_expect_eq(fc.fc_verdict, VERDICT_PENDING);
	fwd(1, ADDR4, 500);
	expect(VERDICT_PASS, "b.example.com", 500);
}

Test(fcrdns, permerror_malformed_ptr)
{
	ptr_msg(0, NULL, 0);
	pk.p_len = 5;
	feed_ptr(FCRDNS_ANSWER);
	expect(VERDICT_PERMERROR, NULL, CFG_ERR_TTL);
}

Test(fcrdns, permerror_transport_badresp)
{
	fcrdns_ptr(&fc, &cfg, FCRDNS_MALFORMED, NULL);
	expect(VERDICT_PERMERROR, NULL, CFG_ERR_TTL);
}

Test(fcrdns, permerror_ip_literal)
{
	const char	*h[] = { "192.0.2.1", NULL };

	ptr_msg(0, h, 7200);
	feed_ptr(FCRDNS_ANSWER);
	expect(VERDICT_PERMERROR, NULL, 7200);
}

Test(fcrdns, permerror_hostile_names_ttl_clamped)
{
	const char	*h[] = { "a b.example.com", "x\"y.example", "10.1",
	    "a=b", NULL };

	ptr_msg(0, h, 5);
	feed_ptr(FCRDNS_ANSWER);
	expect(VERDICT_PERMERROR, NULL, CFG_MIN_TTL);
}

/* ------------------------------------------------------------ names */

Test(fcrdns, several_names_one_confirms)
{
	const char	*h[] = { "a.example.com", "b.example.com",
	    "c.example.com", NULL };

	ptr_names(h, 3600);
	cr_assert_eq(fc.fc_nnames, 3);
	/* Answers arrive in any order. */
	fwd(2, "198.51.100.3", 900);
	fwd(1, ADDR4, 800);
	cr_expect_eq(fc.fc_verdict, VERDICT_PENDING);
	fwd(0, "198.51.100.1", 700);
	expect(VERDICT_PASS, "b.example.com", 700);
}

Test(fcrdns, lowest_confirming_name_is_reported)
{
	const char	*h[] = { "a.example.com", "b.example.com",
	    "c.example.com", NULL };

	ptr_names(h, 3600);
	fwd(2, ADDR4, 900);
	fwd(0, ADDR4, 900);
	fwd(1, "198.51.100.2", 900);
	expect(VERDICT_PASS, "a.example.com", 900);
}

Test(fcrdns, max_names_caps_the_forward_queries)
{
	const char	*h[] = { "n1.example.com", "n2.example.com",
	    "n3.example.com", "n4.example.com", "n5.example.com", NULL };
	size_t		 i;

	cfg.cf_max_names = 2;
	ptr_names(h, 3600);
	cr_assert_eq(fc.fc_nnames, 2);
	for (i = 0; i < 2; i++)
		fwd(i, "198.51.100.9", 900);
	expect(VERDICT_FAIL, "n1.example.com", 900);
}

Test(fcrdns, hostile_names_skipped_good_one_kept)
{
	const char	*h[] = { "bad name.example.com", "10.0.0.1",
	    "good.example.com", NULL };

	ptr_names(h, 3600);
	cr_assert_eq(fc.fc_nnames, 1);
	cr_expect_str_eq(names[0], "good.example.com");
	fwd(0, ADDR4, 900);
	expect(VERDICT_PASS, "good.example.com", 900);
}

Test(fcrdns, dot_inside_a_label_is_not_a_boundary)
{
	size_t	 q, at;

	/* One label "evil.example" (with its dot) then "com". */
	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME4, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 600);
	pkt_u8(&pk, 12);
	pkt_put(&pk, "evil.example", 12);
	pkt_name(&pk, "com");
	pkt_rr_end(&pk, at);
	feed_ptr(FCRDNS_ANSWER);
	expect(VERDICT_PERMERROR, NULL, 600);
}

Test(fcrdns, cname_on_both_sides)
{
	const char	*h[] = { NULL };
	size_t		 q, c, at;

	/* RFC 2317: the PTR sits behind a CNAME, the A behind another. */
	q = ptr_msg(0, h, 0);
	c = add_cname(&pk, q, "45.0-63.113.0.203.in-addr.arpa", 500);
	add_ptr(&pk, c, "mail.example.com", 3600);
	feed_ptr(FCRDNS_ANSWER);
	cr_assert_eq(fc.fc_verdict, VERDICT_PENDING);
	cr_assert_str_eq(names[0], "mail.example.com");
	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, names[0], DNSMSG_T_A);
	c = add_cname(&pk, q, "mx1.example.net", 400);
	pkt_name_ptr(&pk, "", c);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_A, 3000);
	pkt_put(&pk, want.ia_bytes, 4);
	pkt_rr_end(&pk, at);
	feed_fwd(0, FCRDNS_ANSWER);
	expect(VERDICT_PASS, "mail.example.com", 400);
}

Test(fcrdns, address_family_mismatch)
{
	const char	*h[] = { "mail.example.com", NULL };
	size_t		 q;

	/* The AAAA query's answer carries the address as an A record. */
	want6();
	ptr_names(h, 3600);
	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, names[0], DNSMSG_T_AAAA);
	add_addr(&pk, q, DNSMSG_T_A, ADDR4, 4, 900);
	feed_fwd(0, FCRDNS_ANSWER);
	expect(VERDICT_FAIL, "mail.example.com", 3600);
}

Test(fcrdns, mapped_address_does_not_confirm_ipv4)
{
	const char	*h[] = { "mail.example.com", NULL };

	ptr_names(h, 3600);
	fwd(0, "::ffff:" ADDR4, 900);
	expect(VERDICT_FAIL, "mail.example.com", 3600);
}

Test(fcrdns, generic_flag)
{
	const char	*h[] = { "203-0-113-45.dyn.example.net", NULL };

	ptr_names(h, 3600);
	fwd(0, ADDR4, 900);
	expect(VERDICT_PASS, "203-0-113-45.dyn.example.net", 900);
	cr_expect_eq(fc.fc_generic, 1);
}

/* ------------------------------------------------------------ TTL */

Test(fcrdns, ttl_clamped_to_max)
{
	const char	*h[] = { "mail.example.com", NULL };

	ptr_names(h, 5000000);
	fwd(0, ADDR4, 4000000);
	expect(VERDICT_PASS, "mail.example.com", CFG_MAX_TTL);
}

Test(fcrdns, ttl_clamped_to_min)
{
	const char	*h[] = { "mail.example.com", NULL };

	ptr_names(h, 3600);
	fwd(0, ADDR4, 5);
	expect(VERDICT_PASS, "mail.example.com", CFG_MIN_TTL);
}

Test(fcrdns, ttl_is_min_over_ptr_and_forward)
{
	const char	*h[] = { "mail.example.com", NULL };

	cfg.cf_min_ttl = 10;
	ptr_names(h, 120);
	fwd(0, ADDR4, 3600);
	expect(VERDICT_PASS, "mail.example.com", 120);
}

Test(fcrdns, ttl_top_bit_reads_as_zero)
{
	const char	*h[] = { "mail.example.com", NULL };

	cfg.cf_min_ttl = 1;
	ptr_names(h, 3600);
	fwd(0, ADDR4, 0x80000100U);
	expect(VERDICT_PASS, "mail.example.com", 1);
}

Test(fcrdns, neg_ttl_bounds)
{
	cfg.cf_neg_ttl = 200;
	ptr_msg(3, NULL, 0);
	add_soa(&pk, 3600, 3600);
	feed_ptr(FCRDNS_NONAME);
	expect(VERDICT_NONE, NULL, 200);
	ptr_msg(3, NULL, 0);
	add_soa(&pk, 0, 0);
	feed_ptr(FCRDNS_NONAME);
	expect(VERDICT_NONE, NULL, 1);
}

Test(fcrdns, err_ttl_applies_to_errors_only)
{
	cfg.cf_err_ttl = 7;
	fcrdns_ptr(&fc, &cfg, FCRDNS_TEMPFAIL, NULL);
	expect(VERDICT_TEMPERROR, NULL, 7);
	fcrdns_ptr(&fc, &cfg, FCRDNS_MALFORMED, NULL);
	expect(VERDICT_PERMERROR, NULL, 7);
	fcrdns_ptr(&fc, &cfg, FCRDNS_NONAME, NULL);
	expect(VERDICT_NONE, NULL, CFG_NEG_TTL);
}
