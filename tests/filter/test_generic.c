/*
 * generic: the heuristic of generic.c over a table of provider-style
 * names, generic and not, for IPv4 and IPv6. Addresses are from the
 * documentation ranges and domains from example.*; the name styles are
 * the ones providers use.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>

#include "generic.h"

struct row {
	const char	*r_addr;
	const char	*r_host;
	int		 r_want;
};

#define A4	"203.0.113.45"		/* hex cb00712d */
#define B4	"198.51.100.7"		/* hex c6336407 */
#define C4	"192.0.2.77"		/* hex c000024d */
#define D6	"2001:db8::45"
#define E6	"2001:db8::1"
#define F6	"2001:db8:1:2:a1b2:c3ff:fed4:e5f6"

static const struct row rows[] = {
	/* The whole IPv4 address, decimal, any separator, either order. */
	{ A4, "c-203-0-113-45.hsd1.ca.example.net", 1 },
	{ A4, "45.113.0.203.dsl.dyn.example.net", 1 },
	{ A4, "203-0-113-45.static.example.org", 1 },
	{ A4, "ppp-203-0-113-45.example.com", 1 },
	{ A4, "cpe-203-0-113-45.res.example.com", 1 },
	{ A4, "ip-203-0-113-45.ec2.internal", 1 },
	{ A4, "45-113-0-203.example.com", 1 },
	{ A4, "203_0_113_45.rev.example.net", 1 },
	{ A4, "d203-0-113-45.try.example.com", 1 },
	{ A4, "pool-203-0-113-45.bltmmd.fios.example.net", 1 },
	{ A4, "adsl-203-0-113-45.dsl.example.net", 1 },
	{ A4, "45-113-0-203.ftth.example.org", 1 },
	{ A4, "203-0-113-45.example.net.", 1 },
	{ B4, "7-100-51-198.dynamic.example.com", 1 },
	{ B4, "198-51-100-7.customer.example.net", 1 },
	{ B4, "198.51.100.7.example.org", 1 },
	{ C4, "192-0-2-77.dyn.example.net", 1 },
	{ C4, "77.2.0.192.client.example.net", 1 },
	/* Zero-padded, with and without separators. */
	{ A4, "203000113045.example.com", 1 },
	{ A4, "host-203-000-113-045.example.net", 1 },
	{ B4, "ip-198-051-100-007.wireless.example.net", 1 },
	{ C4, "192000002077.example.com", 1 },
	/* Hex, in one run or in two-digit groups. */
	{ A4, "cb00712d.example.net", 1 },
	{ A4, "pcb00712d.dip0.example.de", 1 },
	{ A4, "cb-00-71-2d.example.org", 1 },
	{ B4, "c6336407.example.net", 1 },
	{ C4, "c000024d.example.net", 1 },
	{ C4, "c0-00-02-4d.example.org", 1 },
	/*
	 * A name without a digit still holds an address in hex (these two
	 * are outside the documentation ranges: every address of those
	 * has a digit in hex).
	 */
	{ "202.254.186.190", "cafebabe.example.net", 1 },
	{ "170.187.204.221", "aa-bb-cc-dd.example.org", 1 },
	{ "170.187.204.221", "mail.example.org", 0 },
	/* The last two octets and a weak token. */
	{ A4, "user-113-45.example.com", 1 },
	{ A4, "home-113-45.example.org", 1 },
	{ A4, "113-45.nat.example.net", 1 },
	{ A4, "host45-113.example.net", 1 },
	{ A4, "45-113.mobile.example.com", 1 },
	{ A4, "3g-113-45.example.net", 1 },
	{ A4, "45.113.5g.example.net", 1 },
	{ A4, "cust-113-045.example.org", 1 },
	/* A strong token is enough. */
	{ A4, "dyn-113-45.example.net", 1 },
	{ A4, "dhcp-113-45.campus.example.edu", 1 },
	{ A4, "static-ip-45.example.net", 1 },
	{ A4, "staticip-113-45.example.net", 1 },
	{ A4, "dialup-45.example.net", 1 },
	{ A4, "customer-45.example.org", 1 },
	{ A4, "abc123.pool.example.net", 1 },
	{ A4, "cable-45-113.example.com", 1 },
	{ A4, "gpon-45.example.net", 1 },
	{ A4, "residential-113-45.example.com", 1 },
	{ A4, "vdsl45.example.de", 1 },
	{ A4, "pppoe-gw45.bras1.example.com", 1 },
	{ A4, "broadband-user.example.com", 1 },
	{ A4, "dsl.dyn.example.net", 1 },
	{ A4, "cpc1234-lutn5-2-0-cust45.9-3.cable.example.com", 1 },
	/* IPv6: the whole address, or the interface identifier and a token. */
	{ D6, "2001-db8-0-0-0-0-0-45.example.net", 1 },
	{ D6, "2001-0db8-0000-0000-0000-0000-0000-0045.example.net", 1 },
	{ D6, "20010db8000000000000000000000045.ip6.example.net", 1 },
	{ D6, "2001-db8--45.example.net", 1 },
	{ E6, "dynamic-2001-db8--1.example.net", 1 },
	{ F6, "ip6-2001-db8-1-2-a1b2-c3ff-fed4-e5f6.example.net", 1 },
	{ F6, "user-a1b2-c3ff-fed4-e5f6.example.net", 1 },
	{ F6, "a1b2c3fffed4e5f6.home.example.com", 1 },

	/* Service names: no address, no token; a digit is not an address. */
	{ A4, "mail.example.com", 0 },
	{ A4, "mx1.provider.net", 0 },
	{ A4, "smtp-out.mailer.example", 0 },
	{ A4, "www.example.org", 0 },
	{ A4, "ns1.example.net", 0 },
	{ A4, "mail2.example.com", 0 },
	{ A4, "static.example.com", 0 },
	/* Tokens are whole parts, never substrings. */
	{ A4, "bigpond-mail.example.net", 0 },
	{ A4, "ipad-sync.example.com", 0 },
	{ A4, "cablemodem-support.example.com", 0 },
	/* A token in the provider's own domain says nothing. */
	{ A4, "vpn.customer-portal.example", 0 },
	{ A4, "mx.dynamic-hosting.example", 0 },
	/* A leftmost label that is one bare token names a service. */
	{ A4, "dhcp.example.com", 0 },
	{ A4, "pool.ntp.example.org", 0 },
	/* A weak token needs address octets; one octet is not enough. */
	{ A4, "host45.example.net", 0 },
	{ A4, "host-45.example.net", 0 },
	{ A4, "web-user.example.com", 0 },
	/* Part of the address without a token; the /24 is not the host. */
	{ A4, "srv-113-45.example.com", 0 },
	{ A4, "net-203-0-113.example.com", 0 },
	{ B4, "7-100.example.net", 0 },
	/* Digits must stand alone. */
	{ A4, "1203-0-113-451.example.net", 0 },
	/* Generic-looking, but for another address. */
	{ A4, "p5b2c3d4e.dip0.example.de", 0 },
	{ A4, "198-51-100-7.example.net", 0 },
	{ B4, "mail.example.net", 0 },
	/* IPv6: another address, an identifier alone, no evidence. */
	{ D6, "2001-db8-1--45.example.net", 0 },
	{ D6, "home-0-0-0-46.example.net", 0 },
	{ D6, "mx-v6.example.net", 0 },
	{ D6, "mobile.example.com", 0 },
	{ F6, "a1b2-c3ff-fed4-e5f6.example.net", 0 },
};

Test(generic, table)
{
	struct ipaddr	ia;
	size_t		i;
	int		got;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row	*r = &rows[i];

		if (ipaddr_parse(r->r_addr, strlen(r->r_addr), &ia) != 0) {
			cr_expect_fail("row %zu: bad address %s", i, r->r_addr);
			continue;
		}
		got = generic_host(&ia, r->r_host);
		cr_expect_eq(got, r->r_want, "row %zu: %s %s: got %d, want %d",
		    i, r->r_addr, r->r_host, got, r->r_want);
	}
}

Test(generic, edges)
{
	struct ipaddr	ia;
	char		host[254];
	size_t		i;

	cr_assert_eq(ipaddr_parse(A4, strlen(A4), &ia), 0);
	cr_expect_eq(generic_host(&ia, ""), 0);
	cr_expect_eq(generic_host(&ia, "."), 0);
	cr_expect_eq(generic_host(&ia, "dsl"), 0);
	/* A 253-byte name of near misses: no match, and quickly. */
	memset(host, 0, sizeof(host));
	for (i = 0; i + 1 < sizeof(host); i++)
		host[i] = "203-0-113-4."[i % 12];
	cr_expect_eq(generic_host(&ia, host), 0);
	ia.ia_family = AF_UNIX;
	cr_expect_eq(generic_host(&ia, "dyn-203-0-113-45.example.net"), 0);
}
