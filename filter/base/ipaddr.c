/*
 * ipaddr: a plain IPv4/IPv6 address value and pure helpers around it.
 *
 * What text is an address is what inet_pton(3) takes; this file parses
 * it by hand to the same rules (the test suite compares the two), strips
 * the decorations logs put around one (brackets, a %zone) and writes the
 * canonical text back out. The IPv6 formatter is our own so that the
 * output is RFC 5952 everywhere: glibc's inet_ntop prints a dotted tail
 * for ::/96, which RFC 5952 does not.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipaddr.h"

/* The ::ffff:0:0/96 prefix of IPv4-mapped IPv6 addresses (RFC 4291 2.5.5.2). */
static const uint8_t ipaddr_mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/*
 * Dotted-quad IPv4 exactly as glibc's inet_pton(AF_INET) accepts it:
 * four decimal octets of 1-3 digits, each at most 255, no leading zero,
 * nothing else. Done by hand because it runs for every candidate.
 */
static int
ipaddr_pton4(const char *s, size_t len, uint8_t out[4])
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;
	unsigned int		 v, d;
	int			 part;

	for (part = 0;; part++) {
		if (p == end || (v = (unsigned int)*p++ - '0') > 9)
			return -1;
		if (p < end && (d = (unsigned int)*p - '0') <= 9) {
			if (v == 0)
				return -1;	/* a leading zero */
			v = v * 10 + d;
			if (++p < end && (d = (unsigned int)*p - '0') <= 9) {
				v = v * 10 + d;
				p++;
			}
		}
		if (v > 255)
			return -1;
		out[part] = (uint8_t)v;
		if (part == 3)
			return p == end ? 0 : -1;
		if (p == end || *p++ != '.')
			return -1;
	}
}

/* The value of hex digit c, or 16 for any other byte. */
static inline unsigned int
hex_value(unsigned int c)
{
	if (c - '0' <= 9)
		return c - '0';
	c |= 0x20;		/* only 'A'-'F' land on 'a'-'f' */
	return c - 'a' <= 5 ? c - 'a' + 10 : 16;
}

/*
 * IPv6 text of len bytes as inet_pton(3) takes it (RFC 4291 section
 * 2.2), parsed in place, since glibc's costs about 600 instructions an
 * address: groups of 1 to 4 hex digits between single colons, one "::"
 * at most standing for one or more zero groups, and optionally a dotted
 * quad (ipaddr_pton4) as the last 4 bytes; 16 bytes in all. The test
 * suite holds it to inet_pton on every string it generates.
 */
static int
ipaddr_pton6(const char *s, size_t len, uint8_t out[16])
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;
	const unsigned char	*tok;
	uint8_t			 b[16];
	unsigned int		 v, d;
	size_t			 n = 0, gap = SIZE_MAX;	/* where "::" is */

	if (p == end || (*p == ':' && (++p == end || *p != ':')))
		return -1;	/* a leading ':' only as "::" */
	for (;;) {
		if (*p == ':') {	/* the second colon of "::" */
			if (gap != SIZE_MAX)
				return -1;
			gap = n;
			if (++p == end)
				break;
			continue;
		}
		for (tok = p, v = 0; p < end && (d = hex_value(*p)) < 16; p++) {
			if (p - tok == 4)
				return -1;
			v = v << 4 | d;
		}
		if (p == tok)
			return -1;
		if (p < end && *p == '.') {
			if (n > 12 || ipaddr_pton4((const char *)tok,
			    (size_t)(end - tok), b + n) == -1)
				return -1;
			n += 4;
			break;
		}
		if (n == 16)
			return -1;
		b[n++] = (uint8_t)(v >> 8);
		b[n++] = (uint8_t)v;
		if (p == end)
			break;
		if (*p != ':' || ++p == end)
			return -1;	/* a trailing ':' only as "::" */
	}
	if (gap != SIZE_MAX) {
		if (n == 16)
			return -1;	/* "::" must stand for a group at least */
		memmove(b + 16 - (n - gap), b + gap, n - gap);
		memset(b + gap, 0, 16 - n);
	} else if (n != 16)
		return -1;
	memcpy(out, b, 16);
	return 0;
}

/*
 * Parse bare address text (no brackets, no zone) of len bytes, in
 * place: a NUL byte anywhere is no digit, colon or dot, and rejects it.
 */
static int
ipaddr_pton(const char *text, size_t len, struct ipaddr *ia)
{
	if (len == 0 || len >= INET6_ADDRSTRLEN)
		return -1;
	memset(ia, 0, sizeof(*ia));
	/* Without a ':' only a dotted quad is left. */
	if (memchr(text, ':', len) == NULL) {
		if (ipaddr_pton4(text, len, ia->ia_bytes) == -1)
			return -1;
		ia->ia_family = AF_INET;
		return 0;
	}
	if (ipaddr_pton6(text, len, ia->ia_bytes) == -1)
		return -1;
	ia->ia_family = AF_INET6;
	return 0;
}

/*
 * Strip optional brackets and an optional %zone from text, leaving the
 * bare address span in *lenp. A zone is only allowed on IPv6 text and
 * must not be empty. Returns 0, or -1 on unbalanced brackets.
 */
static int
ipaddr_undecorate(const char *text, size_t *lenp, size_t *startp)
{
	const char	*pct;
	size_t		 len = *lenp, start = 0;

	if (len > 0 && text[0] == '[') {
		if (len < 2 || text[len - 1] != ']')
			return -1;
		start = 1;
		len -= 2;
	} else if (len > 0 && text[len - 1] == ']')
		return -1;
	pct = memchr(text + start, '%', len);
	if (pct != NULL) {
		if (pct == text + start + len - 1 ||
		    memchr(text + start, ':', pct - (text + start)) == NULL)
			return -1;
		len = pct - (text + start);
	}
	*startp = start;
	*lenp = len;
	return 0;
}

int
ipaddr_parse(const char *text, size_t len, struct ipaddr *ia)
{
	size_t	start;

	if (ipaddr_undecorate(text, &len, &start) == -1)
		return -1;
	if (ipaddr_pton(text + start, len, ia) == -1)
		return -1;
	ipaddr_unmap(ia);
	return 0;
}

/*
 * Find the longest run of two or more zero groups, leftmost on a tie
 * (RFC 5952 4.2.2 and 4.2.3). Returns its start and sets *runlen, or
 * returns -1 when no run qualifies.
 */
static int
ipaddr_zero_run(const uint16_t grp[8], int *runlen)
{
	int	best = -1, bestlen = 1, i, j;

	for (i = 0; i < 8; i = j + 1) {
		for (j = i; j < 8 && grp[j] == 0; j++)
			;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
	}
	*runlen = bestlen;
	return best;
}

/* Write v in decimal, without leading zeros; returns the digit count. */
static size_t
put_dec(char *p, unsigned int v)
{
	size_t	n = 0;

	if (v >= 100)
		p[n++] = (char)('0' + v / 100);
	if (v >= 10)
		p[n++] = (char)('0' + v / 10 % 10);
	p[n++] = (char)('0' + v % 10);
	return n;
}

/*
 * Decimal text of every octet: up to 3 digits, padded with NULs, and the
 * digit count in the fourth byte. Built once, on first use.
 */
static const char *
ipaddr_octet_text(unsigned int v)
{
	static char	table[256][4];
	static int	ready;
	unsigned int	i;

	if (!ready) {
		for (i = 0; i < 256; i++)
			table[i][3] = (char)put_dec(table[i], i);
		ready = 1;
	}
	return table[v];
}

/* Write v in lower-case hex, without leading zeros; returns the count. */
static size_t
put_hex(char *p, unsigned int v)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			n = 0;
	int			shift;

	for (shift = 12; shift > 0 && (v >> shift) == 0; shift -= 4)
		;
	for (; shift >= 0; shift -= 4)
		p[n++] = digits[(v >> shift) & 0xf];
	return n;
}

static size_t
ipaddr_ntop6(const struct ipaddr *ia, char *buf, size_t bufsz)
{
	uint16_t	 grp[8];
	size_t		 n = 0;
	int		 i, run, runlen;

	for (i = 0; i < 8; i++)
		grp[i] = (uint16_t)(ia->ia_bytes[2 * i] << 8 |
		    ia->ia_bytes[2 * i + 1]);
	run = ipaddr_zero_run(grp, &runlen);
	for (i = 0; i < 8; i++) {
		if (i == run) {
			buf[n++] = ':';
			buf[n++] = ':';
			i += runlen - 1;
			continue;
		}
		if (n > 0 && buf[n - 1] != ':')
			buf[n++] = ':';
		n += put_hex(buf + n, grp[i]);
	}
	(void)bufsz;
	buf[n] = '\0';
	return n;
}

size_t
ipaddr_ntop(const struct ipaddr *ia, char *buf, size_t bufsz)
{
	const uint8_t	*b = ia->ia_bytes;
	size_t		 n = 0;
	int		 i;

	if (bufsz < IPADDR_STRMAX)
		return 0;
	if (ia->ia_family == AF_INET6)
		return ipaddr_ntop6(ia, buf, bufsz);
	for (i = 0; i < 4; i++) {
		const char *d = ipaddr_octet_text(b[i]);

		if (i > 0)
			buf[n++] = '.';
		/* Copy 4 bytes at once; only the digits are kept. */
		memcpy(buf + n, d, 4);
		n += (size_t)d[3];
	}
	buf[n] = '\0';
	return n;
}

int
ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->ia_family != b->ia_family)
		return a->ia_family == AF_INET ? -1 : 1;
	return memcmp(a->ia_bytes, b->ia_bytes,
	    a->ia_family == AF_INET ? 4 : 16);
}

void
ipaddr_unmap(struct ipaddr *ia)
{
	if (ia->ia_family != AF_INET6 ||
	    memcmp(ia->ia_bytes, ipaddr_mapped_prefix,
	    sizeof(ipaddr_mapped_prefix)) != 0)
		return;
	memmove(ia->ia_bytes, ia->ia_bytes + 12, 4);
	memset(ia->ia_bytes + 4, 0, 12);
	ia->ia_family = AF_INET;
}

/*
 * The key is the struct itself with an IPv4 address's unused bytes
 * cleared. It is written as one 16-byte store and a byte, so the cache's
 * word-sized reads of it (lru.c) are forwarded from that store instead
 * of waiting for a dozen narrow ones to retire.
 */
typedef uint8_t	ipaddr_v16 __attribute__((vector_size(16)));
_Static_assert(offsetof(struct ipaddr, ia_family) == 0 &&
    offsetof(struct ipaddr, ia_bytes) == 1 &&
    sizeof(struct ipaddr) == IPADDR_KEYLEN, "struct ipaddr is its key");

void
ipaddr_key(const struct ipaddr *ia, uint8_t key[IPADDR_KEYLEN])
{
	static const ipaddr_v16	v4_used = { 0xff, 0xff, 0xff, 0xff, 0xff };
	ipaddr_v16		v;
	int			v4 = ia->ia_family == AF_INET;

	memcpy(&v, ia, sizeof(v));
	if (v4)
		v &= v4_used;
	memcpy(key, &v, sizeof(v));
	key[IPADDR_KEYLEN - 1] = v4 ? 0 : ia->ia_bytes[15];
}

/* Clear every bit of ia past the first plen bits. */
static void
ipaddr_mask(struct ipaddr *ia, unsigned int plen)
{
	unsigned int	i, nbytes = ia->ia_family == AF_INET ? 4 : 16;

	for (i = 0; i < nbytes; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			ia->ia_bytes[i] = 0;
		else
			ia->ia_bytes[i] &=
			    (uint8_t)(0xff << (8 - (plen - 8 * i)));
	}
}

/* Parse a decimal prefix length of 1 to 3 digits, at most max. */
static int
ipaddr_plen(const char *s, size_t len, unsigned int max, unsigned int *plen)
{
	unsigned int	v = 0;
	size_t		i;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*plen = v;
	return 0;
}

/* The text of err, at most errlen bytes with its NUL. */
static int
set_error(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

size_t
ipaddr_prefix_ntop(const struct ipaddr_prefix *pfx, char *buf, size_t bufsz)
{
	char	addr[IPADDR_STRMAX];
	int	n;

	if (ipaddr_ntop(&pfx->ip_addr, addr, sizeof(addr)) == 0)
		return 0;
	n = snprintf(buf, bufsz, "%s/%u", addr, (unsigned int)pfx->ip_len);
	return n < 0 || (size_t)n >= bufsz ? 0 : (size_t)n;
}

/*
 * A prefix with host bits set (10.0.0.1/8) is refused with the network
 * it would have meant, so that a typo is never read as a wider or other
 * range than the one intended (ptrtag.1, --exclude).
 */
static int
host_bits(const struct ipaddr_prefix *given, char *err, size_t errlen)
{
	struct ipaddr_prefix	net = *given;
	char			text[IPADDR_STRMAX + 8];

	ipaddr_mask(&net.ip_addr, net.ip_len);
	if (memcmp(net.ip_addr.ia_bytes, given->ip_addr.ia_bytes,
	    sizeof(net.ip_addr.ia_bytes)) == 0)
		return 0;
	if (ipaddr_prefix_ntop(&net, text, sizeof(text)) == 0)
		return set_error(err, errlen, "host bits set");
	snprintf(err, errlen, "host bits set; the network is %s", text);
	return -1;
}

/* ipaddr.h: an IPv4-mapped prefix becomes IPv4; host bits are refused. */
int
ipaddr_prefix_parse(const char *s, size_t len, struct ipaddr_prefix *pfx,
    char *err, size_t errlen)
{
	const char	*slash;
	size_t		 alen, start, tail;
	unsigned int	 plen, max;

	slash = memchr(s, '/', len);
	alen = slash != NULL ? (size_t)(slash - s) : len;
	tail = len - alen;
	if (memchr(s, '%', alen) != NULL ||
	    ipaddr_undecorate(s, &alen, &start) == -1 ||
	    ipaddr_pton(s + start, alen, &pfx->ip_addr) == -1)
		return set_error(err, errlen, "invalid address");
	max = pfx->ip_addr.ia_family == AF_INET ? 32 : 128;
	plen = max;
	if (slash != NULL &&
	    ipaddr_plen(slash + 1, tail - 1, max, &plen) == -1)
		return set_error(err, errlen, "invalid prefix length");
	pfx->ip_len = (uint8_t)plen;
	if (pfx->ip_addr.ia_family == AF_INET6 && plen >= 96 &&
	    memcmp(pfx->ip_addr.ia_bytes, ipaddr_mapped_prefix,
	    sizeof(ipaddr_mapped_prefix)) == 0) {
		ipaddr_unmap(&pfx->ip_addr);
		pfx->ip_len = (uint8_t)(plen - 96);
	}
	return host_bits(pfx, err, errlen);
}
