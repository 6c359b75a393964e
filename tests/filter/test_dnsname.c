/*
 * dnsname (filter/dns): names in wire form. dnsname_expand() follows
 * compression pointers backwards only (so no loop), at most
 * DNSNAME_HOPS_MAX of them, into at most DNSNAME_WIRE_MAX bytes, and
 * refuses anything truncated; the text conversions keep the same
 * limits. Messages are built with dnspkt.h.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "dnsname.h"
#include "dnspkt.h"
#include "hostname.h"

/* Expand the name at off of p and expect it to read as wire[0..len). */
static void
expect_name(struct pkt *p, size_t off, const char *wire, size_t len,
    size_t next)
{
	struct dnsname	dn;
	size_t		got = 9999;

	cr_assert_eq(dnsname_expand(p->p_buf, p->p_len, off, &got, &dn), 0,
	    "name at %zu", off);
	cr_expect_eq(dn.dn_len, len);
	cr_expect_eq(memcmp(dn.dn_wire, wire, len), 0);
	cr_expect_eq(got, next, "next after the name at %zu", off);
}

static void
expect_refused(const struct pkt *p, size_t off, const char *why)
{
	struct dnsname	dn;
	size_t		next = 4242;

	cr_expect_eq(dnsname_expand(p->p_buf, p->p_len, off, &next, &dn),
	    -1, "%s", why);
}

Test(dnsname, plain_name)
{
	struct pkt	p;
	size_t		at;

	pkt_init(&p, 0, 0);
	at = pkt_name(&p, "www.Example.com");
	pkt_u16(&p, 12);
	expect_name(&p, at, "\3www\7Example\3com", 17, at + 17);
	/* The root name alone. */
	at = pkt_name(&p, "");
	expect_name(&p, at, "", 1, at + 1);
}

Test(dnsname, compression_pointers)
{
	struct pkt	p;
	size_t		base, mid, top, end;

	pkt_init(&p, 0, 0);
	base = pkt_name(&p, "example.com");
	mid = pkt_name_ptr(&p, "mail", base);
	top = pkt_name_ptr(&p, "a.b", mid);
	end = p.p_len;
	pkt_u16(&p, 0xbeef);	/* whatever follows the name */
	expect_name(&p, mid, "\4mail\7example\3com", 18, mid + 7);
	/* Two hops; next is just past the first pointer. */
	expect_name(&p, top, "\1a\1b\4mail\7example\3com", 22, end);
	/* A pointer alone, into the middle of a name. */
	top = pkt_name_ptr(&p, "", base + 8);
	expect_name(&p, top, "\3com", 5, top + 2);
}

Test(dnsname, pointers_only_backwards_so_no_loop)
{
	struct pkt	p;
	size_t		a, b;

	pkt_init(&p, 0, 0);
	/* a: "x" then a pointer to b; b: a pointer back to a. */
	a = pkt_name_ptr(&p, "x", 12 + 4);
	b = pkt_name_ptr(&p, "", a);
	cr_assert_eq(b, 16);
	expect_refused(&p, a, "forward pointer");
	expect_refused(&p, b, "b -> a -> b loops");
	/* A pointer to itself. */
	pkt_init(&p, 0, 0);
	a = pkt_name_ptr(&p, "", 12);
	expect_refused(&p, a, "self pointer");
	/* A pointer to the labels of its own run. */
	pkt_init(&p, 0, 0);
	a = pkt_name_ptr(&p, "abc", 12);
	expect_refused(&p, a, "pointer into its own run");
}

/* A chain of n pointers, each to the one before, ending at the root. */
static size_t
chain(struct pkt *p, int n)
{
	size_t	at;
	int	i;

	pkt_init(p, 0, 0);
	at = pkt_name(p, "");
	for (i = 0; i < n; i++)
		at = pkt_name_ptr(p, "", at);
	return at;
}

Test(dnsname, hop_limit)
{
	struct pkt	p;
	size_t		at;

	at = chain(&p, DNSNAME_HOPS_MAX);
	expect_name(&p, at, "", 1, at + 2);
	at = chain(&p, DNSNAME_HOPS_MAX + 1);
	expect_refused(&p, at, "one hop too many");
}

/* Labels of sizes lens[] (filled with 'a'), then the root label. */
static size_t
long_name(struct pkt *p, const int *lens, size_t n, char *wire)
{
	char	label[64];
	size_t	at = p->p_len, w = 0, i;

	memset(label, 'a', sizeof(label));
	for (i = 0; i < n; i++) {
		pkt_u8(p, (unsigned int)lens[i]);
		pkt_put(p, label, (size_t)lens[i]);
		wire[w++] = (char)lens[i];
		memcpy(wire + w, label, (size_t)lens[i]);
		w += (size_t)lens[i];
	}
	pkt_u8(p, 0);
	wire[w] = '\0';
	return at;
}

Test(dnsname, overlong_refused)
{
	static const int	fits[] = { 63, 63, 63, 61 };
	static const int	over[] = { 63, 63, 63, 62 };
	static const int	tail[] = { 63, 63, 63, 59 };
	struct pkt		p;
	char			wire[300], full[300];
	size_t			at, ptr;

	pkt_init(&p, 0, 0);
	at = long_name(&p, fits, 4, wire);
	expect_name(&p, at, wire, 255, at + 255);
	at = long_name(&p, over, 4, wire);
	expect_refused(&p, at, "256 bytes");
	/* Over the limit only once a pointer is followed. */
	at = long_name(&p, tail, 4, wire);		/* 253 bytes */
	cr_assert_eq(at + 253, p.p_len);
	expect_refused(&p, pkt_name_ptr(&p, "bc", at), "3 + 253 bytes");
	ptr = pkt_name_ptr(&p, "b", at);
	full[0] = 1;
	full[1] = 'b';
	memcpy(full + 2, wire, 253);
	expect_name(&p, ptr, full, 255, ptr + 4);
	/* A label of 64 bytes or more has type bits 01: refused. */
	pkt_init(&p, 0, 0);
	pkt_u8(&p, 64);
	for (at = 0; at < 64; at++)
		pkt_u8(&p, 'a');
	pkt_u8(&p, 0);
	expect_refused(&p, 12, "64-byte label");
}

Test(dnsname, truncated_and_unknown_refused)
{
	struct pkt	p;
	size_t		at;

	pkt_init(&p, 0, 0);
	at = pkt_name(&p, "host.example");
	p.p_len--;
	expect_refused(&p, at, "no root label");
	p.p_len -= 3;
	expect_refused(&p, at, "label past the end");
	expect_refused(&p, p.p_len, "offset at the end");
	expect_refused(&p, p.p_len + 5, "offset past the end");

	pkt_init(&p, 0, 0);
	at = pkt_name(&p, "a");
	pkt_u8(&p, 0xc0);
	expect_refused(&p, at + 3, "pointer missing its second byte");

	pkt_init(&p, 0, 0);
	pkt_u8(&p, 0x80);
	pkt_u8(&p, 0);
	pkt_u8(&p, 0x41);
	pkt_u8(&p, 0);
	expect_refused(&p, 12, "label type 10");
	expect_refused(&p, 14, "label type 01 (extended)");
}

Test(dnsname, from_text_limits)
{
	struct dnsname	dn;
	char		text[300];

	cr_assert_eq(dnsname_from_text("Mail.Example.COM.", &dn), 0);
	cr_expect_eq(dn.dn_len, 18);
	cr_expect_eq(memcmp(dn.dn_wire, "\4Mail\7Example\3COM", 18), 0);
	cr_assert_eq(dnsname_from_text("", &dn), 0);
	cr_expect_eq(dn.dn_len, 1);
	cr_assert_eq(dnsname_from_text(".", &dn), 0);
	cr_expect_eq(dn.dn_len, 1);
	cr_expect_eq(dnsname_from_text("a..b", &dn), -1);
	cr_expect_eq(dnsname_from_text(".a", &dn), -1);
	cr_expect_eq(dnsname_from_text("a.b..", &dn), -1, "two trailing dots");
	cr_expect_eq(dnsname_from_text("..", &dn), -1);
	memset(text, 'x', 64);
	text[64] = '\0';
	cr_expect_eq(dnsname_from_text(text, &dn), -1, "64-byte label");
	text[63] = '\0';
	cr_expect_eq(dnsname_from_text(text, &dn), 0, "63-byte label");
	/* 63.63.63.61: 255 wire bytes; one more byte is refused. */
	memset(text, 'x', 253);
	text[63] = text[127] = text[191] = '.';
	text[253] = '\0';
	cr_expect_eq(dnsname_from_text(text, &dn), 0);
	cr_expect_eq(dn.dn_len, 255);
	text[253] = 'x';
	text[254] = '\0';
	cr_expect_eq(dnsname_from_text(text, &dn), -1);
}

Test(dnsname, eq_folds_ascii_case_only)
{
	struct dnsname	a, b;

	cr_assert_eq(dnsname_from_text("WWW.Example.com", &a), 0);
	cr_assert_eq(dnsname_from_text("www.example.COM.", &b), 0);
	cr_expect_eq(dnsname_eq(&a, &b), 1);
	cr_assert_eq(dnsname_from_text("www.example.co", &b), 0);
	cr_expect_eq(dnsname_eq(&a, &b), 0);
	cr_assert_eq(dnsname_from_text("www.example.con", &b), 0);
	cr_expect_eq(dnsname_eq(&a, &b), 0);
	/* "a.b" and a single label "a.b" differ in wire form. */
	b.dn_len = 5;
	memcpy(b.dn_wire, "\3a.b", 5);
	cr_assert_eq(dnsname_from_text("a.b", &a), 0);
	cr_expect_eq(dnsname_eq(&a, &b), 0);
	/* 0xC9 and 0xE9 are not folded (ASCII only). */
	a.dn_len = b.dn_len = 3;
	memcpy(a.dn_wire, "\1\xc9", 3);
	memcpy(b.dn_wire, "\1\xe9", 3);
	cr_expect_eq(dnsname_eq(&a, &b), 0);
}

Test(dnsname, to_host_lower_and_checked)
{
	struct dnsname	dn;
	char		out[HOSTNAME_MAX + 1];

	cr_assert_eq(dnsname_from_text("Mail-1.Ex_ample.COM", &dn), 0);
	cr_expect_eq(dnsname_to_host(&dn, out), 19);
	cr_expect_str_eq(out, "mail-1.ex_ample.com");
	cr_assert_eq(dnsname_from_text("", &dn), 0);
	cr_expect_eq(dnsname_to_host(&dn, out), 0);
	cr_expect_str_eq(out, "");
	/* A '.' inside a label never passes as a boundary. */
	dn.dn_len = 5;
	memcpy(dn.dn_wire, "\3a.b", 5);
	cr_expect_eq(dnsname_to_host(&dn, out), -1);
	memcpy(dn.dn_wire, "\3a b", 5);
	cr_expect_eq(dnsname_to_host(&dn, out), -1);
}
