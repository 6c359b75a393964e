/*
 * hostname: see hostname.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "hostname.h"

int
hostname_byte(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* 1 when the label [p, p + n) is made of decimal digits only. */
static int
all_digits(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/*
 * Beyond the byte and label rules, a host must not read as an address to
 * anything: not to inet_pton, nor to inet_aton's shorthand ("10.1",
 * "0x7f.1"), and its last label must not be all digits (RFC 1123 section
 * 2.1: top-level names are alphabetic), which also catches "010.0.0.1".
 *
 * Once the bytes are those of hostname_byte() and the last label is not
 * all digits, only inet_aton is left to ask: inet_pton's IPv4 form ends
 * in digits and its IPv6 form needs a ':', and every part inet_aton
 * takes is a number, so its last part, not all digits, must be hex
 * ("0x1f"). The call, which costs most of this function, is made for
 * such names alone.
 */
int
hostname_valid(const char *s, size_t len)
{
	struct in_addr	 a4;
	char		 buf[HOSTNAME_MAX + 1];
	const char	*last;
	size_t		 i, label = 0;

	if (s == NULL || len == 0 || len > HOSTNAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!hostname_byte((unsigned char)s[i]) ||
		    ++label > HOSTNAME_LABEL_MAX)
			return 0;
	}
	last = s + len - label;
	if (label == 0 || all_digits(last, label))
		return 0;
	if (label < 2 || last[0] != '0' || (last[1] != 'x' && last[1] != 'X'))
		return 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_aton(buf, &a4) == 0;
}
