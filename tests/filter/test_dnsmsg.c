/*
 * Unit tests for filter/dnsmsg.c on messages built here, byte by byte,
 * with a small packet builder: nothing is read from the network.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "dnsmsg.h"
#include "dnspkt.h"
#include "ipaddr.h"

#define QNAME		"45.113.0.203.in-addr.arpa"
#define HOSTQ		"mail.example.com"

static struct pkt		pk;
static struct dnsmsg_result	res;

static int
parse_ptr(void)
{
	return dnsmsg_parse_ptr(pk.p_buf, pkt_len(&pk), QNAME, &res);
}

static void
setup(void)
{
	memset(&pk, 0, sizeof(pk));
	memset(&res, 0x5a, sizeof(res));	/* the parser must reset it */
}

TestSuite(dnsmsg, .init = setup);

/* ------------------------------------------------------------ PTR */

Test(dnsmsg, ptr_one_name)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "mail.example.com", 3600);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "mail.example.com");
	cr_expect_eq(res.dr_nbad, 0);
	cr_expect_eq(res.dr_has_ttl, 1);
	cr_expect_eq(res.dr_ttl, 3600);
	cr_expect_eq(res.dr_has_neg_ttl, 0);
}

Test(dnsmsg, ptr_several_names_in_order_without_duplicates)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "b.example.com", 60);
	add_ptr(&pk, q, "a.example.com", 60);
	add_ptr(&pk, q, "B.Example.COM", 60);
	add_ptr(&pk, q, "c.example.com", 60);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 3);
	cr_expect_str_eq(res.dr_names[0], "b.example.com");
	cr_expect_str_eq(res.dr_names[1], "a.example.com");
	cr_expect_str_eq(res.dr_names[2], "c.example.com");
	cr_expect_eq(res.dr_nbad, 0);
}

Test(dnsmsg, ptr_uppercase_lowered_and_owner_case_ignored)
{
	size_t	 at;

	pkt_init(&pk, 0, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name(&pk, "45.113.0.203.IN-ADDR.Arpa");
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name(&pk, "MAIL.Example.COM");
	pkt_rr_end(&pk, at);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "mail.example.com");
}

Test(dnsmsg, ptr_qname_trailing_dot_and_no_dot_in_result)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "mail.example.com", 100);
	cr_assert_eq(dnsmsg_parse_ptr(pk.p_buf, pkt_len(&pk), QNAME ".",
	    &res), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "mail.example.com");
}

Test(dnsmsg, ptr_root_target_is_bad)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "", 100);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 0);
	cr_expect_eq(res.dr_nbad, 1);
}

Test(dnsmsg, ptr_compressed_names)
{
	size_t	 q, at, first;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	/* Target "host.in-addr.arpa": a label, then into the question. */
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name_ptr(&pk, "host", q + 13);
	pkt_rr_end(&pk, at);
	/* Then "mail.example.com", and "www" + pointer to its suffix. */
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	first = pkt_name(&pk, "mail.example.com");
	pkt_rr_end(&pk, at);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name_ptr(&pk, "www", first + 5);
	pkt_rr_end(&pk, at);
	cr_assert_eq(pk.p_buf[q + 13], 7, "q + 13 is the in-addr label");
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 3);
	cr_expect_str_eq(res.dr_names[0], "host.in-addr.arpa");
	cr_expect_str_eq(res.dr_names[1], "mail.example.com");
	cr_expect_str_eq(res.dr_names[2], "www.example.com");
}

Test(dnsmsg, compression_pointer_to_earlier_pointer)
{
	size_t	 q, at, p1;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	p1 = pkt_name_ptr(&pk, "", q);		/* owner: -> question */
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name_ptr(&pk, "mail", p1);	/* -> p1 -> question */
	pkt_rr_end(&pk, at);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "mail." QNAME);
}

/* RFC 2317: the PTR lives under a name whose label holds a '/'. */
Test(dnsmsg, ptr_rfc2317_cname)
{
	size_t	 q, t;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	t = add_cname(&pk, q, "45.0/26.113.0.203.in-addr.arpa", 300);
	add_ptr(&pk, t, "host.example.net", 600);
	add_ptr(&pk, q, "ignored.example.net", 10);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "host.example.net");
	cr_expect_eq(res.dr_ttl, 300, "the CNAME TTL counts");
	cr_expect_eq(res.dr_nbad, 0);
}

Test(dnsmsg, ptr_cname_after_its_target)
{
	size_t	 q, t, at;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	t = pkt_name(&pk, "45.0/26.113.0.203.in-addr.arpa");
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 600);
	pkt_name(&pk, "host.example.net");
	pkt_rr_end(&pk, at);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_CNAME, 900);
	pkt_name_ptr(&pk, "", t);
	pkt_rr_end(&pk, at);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "host.example.net");
	cr_expect_eq(res.dr_ttl, 600);
}

/* Build qname -> c1 -> ... -> cN with a PTR at cN. */
static void
build_chain(int links)
{
	char	 name[64];
	size_t	 owner;
	int	 i;

	pkt_init(&pk, 0, 0);
	owner = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	for (i = 1; i <= links; i++) {
		snprintf(name, sizeof(name), "c%d.example.net", i);
		owner = add_cname(&pk, owner, name, 1000 - (uint32_t)i);
	}
	add_ptr(&pk, owner, "end.example.net", 5000);
}

Test(dnsmsg, ptr_cname_chain_of_eight_followed)
{
	build_chain(8);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "end.example.net");
	cr_expect_eq(res.dr_ttl, 992);
}

Test(dnsmsg, ptr_cname_chain_longer_than_eight_stops)
{
	build_chain(9);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 0);
	cr_expect_eq(res.dr_nbad, 0);
}

Test(dnsmsg, ptr_cname_loop_stops)
{
	size_t	 q, a;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	a = add_cname(&pk, q, "a.example.net", 100);
	add_cname(&pk, a, QNAME, 100);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 0);
}

Test(dnsmsg, nxdomain_with_soa)
{
	pkt_init(&pk, 3, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_soa(&pk, 3600, 300);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 0);
	cr_expect_eq(res.dr_has_ttl, 0);
	cr_expect_eq(res.dr_has_neg_ttl, 1);
	cr_expect_eq(res.dr_neg_ttl, 300, "min(TTL, MINIMUM)");
}

Test(dnsmsg, nodata_with_soa_ttl_below_minimum)
{
	pkt_init(&pk, 0, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_soa(&pk, 60, 900);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 0);
	cr_expect_eq(res.dr_nbad, 0);
	cr_expect_eq(res.dr_has_ttl, 0);
	cr_expect_eq(res.dr_has_neg_ttl, 1);
	cr_expect_eq(res.dr_neg_ttl, 60);
}

Test(dnsmsg, nodata_without_soa)
{
	pkt_init(&pk, 0, 0x0200);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_has_ttl, 0);
	cr_expect_eq(res.dr_has_neg_ttl, 0);
}

Test(dnsmsg, soa_minimum_with_top_bit_is_zero)
{
	pkt_init(&pk, 3, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_soa(&pk, 3600, 0x80000010U);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_neg_ttl, 0);
}

Test(dnsmsg, soa_rdata_length_mismatch_is_malformed)
{
	size_t	 at;

	pkt_init(&pk, 3, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name(&pk, "example.com");
	at = pkt_rr(&pk, SEC_NS, DNSMSG_T_SOA, 60);
	pkt_name(&pk, "ns.example.com");
	pkt_name(&pk, "hostmaster.example.com");
	pkt_u32(&pk, 1);
	pkt_u32(&pk, 2);
	pkt_rr_end(&pk, at);
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, min_ttl_across_records_and_top_bit)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "a.example.com", 500);
	add_ptr(&pk, q, "b.example.com", 200);
	add_ptr(&pk, q, "c.example.com", 900);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_ttl, 200);

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "a.example.com", 500);
	add_ptr(&pk, q, "b.example.com", 0x80000001U);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_ttl, 0, "RFC 2181 section 8");
	cr_expect_eq(res.dr_has_ttl, 1);
}

Test(dnsmsg, ptr_ip_literal_is_bad)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "192.0.2.1", 100);
	add_ptr(&pk, q, "good.example.com", 100);
	add_ptr(&pk, q, "10.1", 100);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_str_eq(res.dr_names[0], "good.example.com");
	cr_expect_eq(res.dr_nbad, 2);
	cr_expect_eq(res.dr_ttl, 100);
}

struct badbyte {
	uint8_t	bb_byte;
};

ParameterizedTestParameters(dnsmsg, ptr_bad_label_byte)
{
	static struct badbyte	 bytes[] = {
		{ ' ' }, { '"' }, { 0x1b }, { 0x00 }, { 0xff }, { '\\' },
		{ '=' }, { '.' }, { '/' }, { '\n' }, { 0x80 }, { '<' },
	};

	return cr_make_param_array(struct badbyte, bytes,
	    sizeof(bytes) / sizeof(bytes[0]));
}

/* The byte sits raw inside one label: "ab?cd.example.com". */
ParameterizedTest(struct badbyte *bb, dnsmsg, ptr_bad_label_byte)
{
	uint8_t	 label[6] = { 5, 'a', 'b', 0, 'c', 'd' };
	size_t	 q, at;

	setup();
	label[3] = bb->bb_byte;
	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_put(&pk, label, sizeof(label));
	pkt_name(&pk, "example.com");
	pkt_rr_end(&pk, at);
	cr_assert_eq(parse_ptr(), 0, "byte 0x%02x", bb->bb_byte);
	cr_expect_eq(res.dr_nnames, 0, "byte 0x%02x", bb->bb_byte);
	cr_expect_eq(res.dr_nbad, 1, "byte 0x%02x", bb->bb_byte);
}

/* Write a PTR whose target is wirelen bytes of 63-byte labels and a tail. */
static void
build_long_target(size_t wirelen)
{
	char	 label[64];
	size_t	 q, at, left = wirelen - 1;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	memset(label, 'x', sizeof(label));
	while (left > 0) {
		size_t	 n = left - 1 > 63 ? 63 : left - 1;

		if (left - (n + 1) == 1)
			n--;		/* never leave a lone byte */
		pkt_u8(&pk, (unsigned int)n);
		pkt_put(&pk, label, n);
		left -= n + 1;
	}
	pkt_u8(&pk, 0);
	pkt_rr_end(&pk, at);
}

Test(dnsmsg, name_of_255_wire_bytes_accepted)
{
	build_long_target(255);
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, 1);
	cr_expect_eq(strlen(res.dr_names[0]), 253);
}

Test(dnsmsg, name_over_255_wire_bytes_malformed)
{
	build_long_target(256);
	cr_expect_eq(parse_ptr(), -1);
	build_long_target(300);
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, compression_pointer_to_itself)
{
	size_t	 q, at;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name_ptr(&pk, "", pk.p_len);
	pkt_rr_end(&pk, at);
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, compression_label_then_pointer_back_to_it)
{
	size_t	 q, at;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name_ptr(&pk, "abc", pk.p_len);
	pkt_rr_end(&pk, at);
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, compression_two_pointers_at_each_other)
{
	size_t	 q, at, a;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	a = pk.p_len;
	pkt_name_ptr(&pk, "", a + 2);	/* a -> b */
	pkt_name_ptr(&pk, "", a);	/* b -> a */
	pkt_rr_end(&pk, at);
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, compression_loop_in_owner)
{
	size_t	 at;

	pkt_init(&pk, 0, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", pk.p_len);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name(&pk, "mail.example.com");
	pkt_rr_end(&pk, at);
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, forward_pointer_malformed)
{
	size_t	 q, at, ptr_at;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	ptr_at = pk.p_len;
	pkt_name_ptr(&pk, "", 0);
	pkt_rr_end(&pk, at);
	/* A well-formed name after the RR, in the additional section. */
	pk.p_buf[ptr_at] = (uint8_t)(0xc0 | pk.p_len >> 8);
	pk.p_buf[ptr_at + 1] = (uint8_t)pk.p_len;
	pkt_name(&pk, "mail.example.com");
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, reserved_label_types_malformed)
{
	size_t	 q, at, lab;
	int	 i;
	const uint8_t	 types[] = { 0x40, 0x80 };

	for (i = 0; i < 2; i++) {
		pkt_init(&pk, 0, 0);
		q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
		pkt_name_ptr(&pk, "", q);
		at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
		lab = pk.p_len;
		pkt_name(&pk, "ab.example.com");
		pk.p_buf[lab] |= types[i];
		pkt_rr_end(&pk, at);
		cr_expect_eq(parse_ptr(), -1, "label type 0x%02x", types[i]);
	}
}

Test(dnsmsg, truncated_anywhere_malformed)
{
	size_t	 q, len, cut;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	add_ptr(&pk, q, "mail.example.com", 100);
	add_ptr(&pk, q, "www.example.com", 100);
	add_soa(&pk, 60, 60);
	len = pkt_len(&pk);
	cr_assert_eq(dnsmsg_parse_ptr(pk.p_buf, len, QNAME, &res), 0);
	for (cut = 0; cut < len; cut++)
		cr_expect_eq(dnsmsg_parse_ptr(pk.p_buf, cut, QNAME, &res), -1,
		    "cut at %zu of %zu", cut, len);
	cr_expect_eq(dnsmsg_parse_ptr(NULL, 0, QNAME, &res), -1);
}

Test(dnsmsg, rdlength_past_end_malformed)
{
	size_t	 q, at;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name(&pk, "mail.example.com");
	pkt_rr_end(&pk, at);
	pk.p_buf[at + 1] += 1;
	cr_expect_eq(parse_ptr(), -1);
}

Test(dnsmsg, owner_not_matching_ignored)
{
	size_t	 at;

	pkt_init(&pk, 0, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name(&pk, "46.113.0.203.in-addr.arpa");
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name(&pk, "other.example.com");
	pkt_rr_end(&pk, at);
	pkt_name(&pk, "45.113.0.203.in-addr.arpa.evil");
	at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 100);
	pkt_name(&pk, "evil.example.com");
	pkt_rr_end(&pk, at);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 0);
	cr_expect_eq(res.dr_nbad, 0);
	cr_expect_eq(res.dr_has_ttl, 0);
}

Test(dnsmsg, class_other_than_in_ignored)
{
	size_t	 q, at;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	pkt_name_ptr(&pk, "", q);
	at = pkt_rr_class(&pk, SEC_AN, DNSMSG_T_PTR, 3, 100);
	pkt_name(&pk, "chaos.example.com");
	pkt_rr_end(&pk, at);
	cr_assert_eq(parse_ptr(), 0);
	cr_expect_eq(res.dr_nnames, 0);
}

Test(dnsmsg, ptr_300_records_keeps_16)
{
	char	 name[32];
	size_t	 q, at, suffix = 0;
	int	 i;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	for (i = 0; i < 300; i++) {
		pkt_name_ptr(&pk, "", q);
		at = pkt_rr(&pk, SEC_AN, DNSMSG_T_PTR, 1000 + (uint32_t)i);
		snprintf(name, sizeof(name), "h%d", i);
		if (i == 0)
			suffix = pkt_name(&pk, "h0.example.com") + 3;
		else
			pkt_name_ptr(&pk, name, suffix);
		pkt_rr_end(&pk, at);
	}
	cr_assert_eq(parse_ptr(), 0);
	cr_assert_eq(res.dr_nnames, DNSMSG_NAMES_MAX);
	for (i = 0; i < DNSMSG_NAMES_MAX; i++) {
		snprintf(name, sizeof(name), "h%d.example.com", i);
		cr_expect_str_eq(res.dr_names[i], name);
	}
	cr_expect_eq(res.dr_nbad, 0);
	cr_expect_eq(res.dr_ttl, 1000);
}

Test(dnsmsg, ptr_bad_qname_rejected)
{
	pkt_init(&pk, 0, 0);
	pkt_question(&pk, QNAME, DNSMSG_T_PTR);
	cr_expect_eq(dnsmsg_parse_ptr(pk.p_buf, pkt_len(&pk), "a..b", &res),
	    -1);
	cr_expect_eq(dnsmsg_parse_ptr(pk.p_buf, pkt_len(&pk), NULL, &res),
	    -1);
}

/* ------------------------------------------------------------ A/AAAA */

static int
parse_addr(const char *want)
{
	struct ipaddr	 ia = pkt_ipaddr(want);

	return dnsmsg_parse_addr(pk.p_buf, pkt_len(&pk), HOSTQ, &ia, &res);
}

Test(dnsmsg, a_match)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, HOSTQ, DNSMSG_T_A);
	add_addr(&pk, q, DNSMSG_T_A, "198.51.100.7", 4, 300);
	add_addr(&pk, q, DNSMSG_T_A, "203.0.113.45", 4, 200);
	cr_assert_eq(parse_addr("203.0.113.45"), 0);
	cr_expect_eq(res.dr_match, 1);
	cr_expect_eq(res.dr_ttl, 200);
	cr_expect_eq(res.dr_nnames, 0);
}

Test(dnsmsg, a_no_match)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, HOSTQ, DNSMSG_T_A);
	add_addr(&pk, q, DNSMSG_T_A, "198.51.100.7", 4, 300);
	cr_assert_eq(parse_addr("203.0.113.45"), 0);
	cr_expect_eq(res.dr_match, 0);
	cr_expect_eq(res.dr_has_ttl, 1);
}

Test(dnsmsg, a_wrong_rdlength_malformed)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, HOSTQ, DNSMSG_T_A);
	add_addr(&pk, q, DNSMSG_T_A, "2001:db8::1", 16, 300);
	cr_expect_eq(parse_addr("203.0.113.45"), -1);

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, HOSTQ, DNSMSG_T_AAAA);
	add_addr(&pk, q, DNSMSG_T_AAAA, "203.0.113.45", 4, 300);
	cr_expect_eq(parse_addr("2001:db8::1"), -1);
}

Test(dnsmsg, aaaa_match_and_other_family_ignored)
{
	size_t	 q;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, HOSTQ, DNSMSG_T_AAAA);
	add_addr(&pk, q, DNSMSG_T_A, "203.0.113.45", 4, 10);
	add_addr(&pk, q, DNSMSG_T_AAAA, "2001:db8:a::13", 16, 400);
	cr_assert_eq(parse_addr("2001:db8:a::13"), 0);
	cr_expect_eq(res.dr_match, 1);
	cr_expect_eq(res.dr_ttl, 400, "the A record is not used");

	cr_assert_eq(parse_addr("2001:db8:a::14"), 0);
	cr_expect_eq(res.dr_match, 0);
}

Test(dnsmsg, a_through_cname)
{
	size_t	 q, t;

	pkt_init(&pk, 0, 0);
	q = pkt_question(&pk, HOSTQ, DNSMSG_T_A);
	t = add_cname(&pk, q, "edge.cdn.example.net", 60);
	add_addr(&pk, t, DNSMSG_T_A, "203.0.113.45", 4, 300);
	add_addr(&pk, q, DNSMSG_T_A, "192.0.2.99", 4, 300);
	cr_assert_eq(parse_addr("192.0.2.99"), 0);
	cr_expect_eq(res.dr_match, 0);
	cr_assert_eq(parse_addr("203.0.113.45"), 0);
	cr_expect_eq(res.dr_match, 1);
	cr_expect_eq(res.dr_ttl, 60);
}

Test(dnsmsg, addr_nxdomain)
{
	pkt_init(&pk, 3, 0);
	pkt_question(&pk, HOSTQ, DNSMSG_T_A);
	add_soa(&pk, 600, 120);
	cr_assert_eq(parse_addr("203.0.113.45"), 0);
	cr_expect_eq(res.dr_neg_ttl, 120);
}

/* ------------------------------------------------------------ ptrname */

/*
 * Criterion runs each parameter in a fresh process image, so parameter
 * structs carry their strings inline: a pointer would not survive.
 */
struct ptrcase {
	char	pc_addr[IPADDR_STRMAX];
	char	pc_name[DNSMSG_PTRNAME_MAX];
};

ParameterizedTestParameters(dnsmsg, ptrname)
{
	static struct ptrcase	 cases[] = {
		{ "192.0.2.10", "10.2.0.192.in-addr.arpa" },
		{ "0.0.0.0", "0.0.0.0.in-addr.arpa" },
		{ "255.255.255.255", "255.255.255.255.in-addr.arpa" },
		{ "2001:db8:a::13", "3.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
		    ".0.0.0.0.a.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa" },
		/* RFC 3596 section 2.5. */
		{ "4321:0:1:2:3:4:567:89ab", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0"
		    ".2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa" },
	};

	return cr_make_param_array(struct ptrcase, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ptrcase *pc, dnsmsg, ptrname)
{
	struct ipaddr	 ia = pkt_ipaddr(pc->pc_addr);
	char		 buf[DNSMSG_PTRNAME_MAX];
	size_t		 n;

	n = dnsmsg_ptrname(&ia, buf, sizeof(buf));
	cr_expect_eq(n, strlen(pc->pc_name), "%s", pc->pc_addr);
	cr_expect_str_eq(buf, pc->pc_name);
}

Test(dnsmsg, ptrname_small_buffer)
{
	struct ipaddr	 ia = pkt_ipaddr("192.0.2.10");
	char		 buf[DNSMSG_PTRNAME_MAX];

	cr_expect_eq(dnsmsg_ptrname(&ia, buf, sizeof(buf) - 1), 0);
	ia.ia_family = 0;
	cr_expect_eq(dnsmsg_ptrname(&ia, buf, sizeof(buf)), 0);
}
