/*
 * Unit tests for filter/dns/hostname.c: the host-name rule that PTR
 * names, the cache file and the formats share.
 */

#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "hostname.h"

Test(hostname, byte)
{
	int	 c, n = 0;

	for (c = 0; c < 256; c++)
		n += hostname_byte(c);
	cr_expect_eq(n, 26 + 26 + 10 + 2, "letters, digits, '-', '_'");
	cr_expect(hostname_byte('a') && hostname_byte('Z') &&
	    hostname_byte('0') && hostname_byte('-') && hostname_byte('_'));
	cr_expect(!hostname_byte('.') && !hostname_byte(' ') &&
	    !hostname_byte(0) && !hostname_byte(0xc3) && !hostname_byte('/'));
}

struct hostcase {
	char	hc_name[32];
	int	hc_valid;
};

ParameterizedTestParameters(hostname, valid)
{
	static struct hostcase	 cases[] = {
		{ "mail.example.com", 1 },
		{ "a-b_c.example", 1 },
		{ "x", 1 },
		{ "MAIL.Example.COM", 1 },
		{ "192-0-2-9.dyn.example.net", 1 },
		{ "1e100.net", 1 },
		{ "", 0 },
		{ "a..b", 0 },
		{ ".a", 0 },
		{ "a.", 0 },
		{ ".", 0 },
		{ "1.2.3.4", 0 },
		{ "192.0.2.1", 0 },
		{ "010.0.0.1", 0 },
		{ "10.1", 0 },
		{ "0x7f.1", 0 },
		{ "2001:db8::1", 0 },
		{ "::1", 0 },
		{ "a b", 0 },
		{ "a\"b", 0 },
		{ "a=b", 0 },
		{ "a\\b", 0 },
		{ "a/b", 0 },
		{ "a\tb", 0 },
		{ "caf\xc3\xa9.example", 0 },
	};

	return cr_make_param_array(struct hostcase, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct hostcase *hc, hostname, valid)
{
	cr_expect_eq(hostname_valid(hc->hc_name, strlen(hc->hc_name)),
	    hc->hc_valid, "\"%s\"", hc->hc_name);
}

Test(hostname, valid_lengths)
{
	char	 name[300];

	memset(name, 'a', sizeof(name));
	cr_expect_eq(hostname_valid(name, 63), 1);
	cr_expect_eq(hostname_valid(name, 64), 0, "label of 64");
	memcpy(name + 63, ".", 1);
	memcpy(name + 127, ".", 1);
	memcpy(name + 191, ".", 1);
	cr_expect_eq(hostname_valid(name, 253), 1, "253 bytes");
	cr_expect_eq(hostname_valid(name, 254), 0, "254 bytes");
	cr_expect_eq(hostname_valid("a\0b", 3), 0, "NUL inside");
	cr_expect_eq(hostname_valid("abc", 0), 0);
	cr_expect_eq(hostname_valid("example.com.junk", 11), 1,
	    "only len bytes are read");
}
