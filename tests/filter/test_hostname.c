/*
 * Unit tests for filter/dns/hostname.c: the host-name rule that PTR
 * names, the cache file and the formats share.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

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
		{ "10.0x1f", 0 },
		{ "0x7f000001", 0 },
		{ "1.2.3.0XfF", 0 },
		{ "a.0x1f", 1 },
		{ "0xg", 1 },
		{ "10.0x1g", 1 },
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

/*
 * The rule as it reads: the bytes and labels of hostname_valid(), a last
 * label not all digits, and no address parser taking the name.
 */
static int
oracle(const char *s, size_t len)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	size_t		 i, label = 0;
	int		 digits = 1;

	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			digits = 1;
			continue;
		}
		if (!hostname_byte((unsigned char)s[i]))
			return 0;
		label++;
		digits &= s[i] >= '0' && s[i] <= '9';
	}
	return label > 0 && !digits && inet_pton(AF_INET, s, &a4) != 1 &&
	    inet_pton(AF_INET6, s, &a6) != 1 && inet_aton(s, &a4) == 0;
}

/*
 * Every string of up to 6 bytes from an alphabet of the characters that
 * make numbers to inet_aton (digits, octal and hex, 'x', '.') and a few
 * that do not: hostname_valid() agrees with the oracle on all 1,111,110.
 * Fails if a name inet_aton takes (hex last label, "0x7f.0X1") is let
 * through, or a name is refused for looking like one when it is not.
 */
Test(hostname, agrees_with_the_address_parsers)
{
	static const char	 abc[] = "0189xXfg.:";
	const size_t		 k = sizeof(abc) - 1;
	char			 s[8];
	size_t			 len, i, n, total, bad = 0;

	for (len = 1, total = 0; len <= 6; len++) {
		for (i = 0, n = 1; i < len; i++)
			n *= k;
		for (i = 0; i < n; i++, total++) {
			size_t	j, v = i;

			for (j = 0; j < len; j++, v /= k)
				s[j] = abc[v % k];
			s[len] = '\0';
			if (hostname_valid(s, len) != oracle(s, len) &&
			    bad++ < 5)
				cr_log_error("\"%s\": %d", s,
				    hostname_valid(s, len));
		}
	}
	cr_expect_eq(bad, 0, "%zu of %zu strings disagree", bad, total);
}
