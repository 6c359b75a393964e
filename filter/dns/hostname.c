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
 */
int
hostname_valid(const char *s, size_t len)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	char		 buf[HOSTNAME_MAX + 1];
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
	if (label == 0 || all_digits(s + len - label, label))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1 ||
	    inet_pton(AF_INET6, buf, &a6) == 1 || inet_aton(buf, &a4) != 0)
		return 0;
	return 1;
}
