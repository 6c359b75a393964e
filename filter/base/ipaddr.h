/*
 * ipaddr: a plain IPv4/IPv6 address value and pure helpers around it.
 * inet_pton(3) is the authority on what text is an address.
 */
#ifndef IPADDR_H
#define IPADDR_H

#include <stddef.h>
#include <stdint.h>

/* Longest canonical text, NUL included (RFC 5952 form of any IPv6). */
#define IPADDR_STRMAX	46
/* Length of the binary key ipaddr_key() writes: family byte + 16 bytes. */
#define IPADDR_KEYLEN	17

struct ipaddr {
	uint8_t	ia_family;	/* AF_INET or AF_INET6 */
	uint8_t	ia_bytes[16];	/* network order; IPv4 uses the first 4 */
};

/*
 * Parse one candidate: text of len bytes (not NUL-terminated), optionally
 * in brackets, optionally with a %zone suffix (dropped). IPv4-mapped IPv6
 * (::ffff:a.b.c.d) is returned as the IPv4 address. Returns 0 and fills
 * *ia on success, -1 when the text is not exactly one address.
 */
int	ipaddr_parse(const char *text, size_t len, struct ipaddr *ia);

/*
 * Write the canonical text (dotted quad, or RFC 5952 for IPv6: lower
 * case, longest run of two or more zero groups compressed, leftmost on a
 * tie) into buf, NUL-terminated. Returns the text length, or 0 when
 * bufsz is below IPADDR_STRMAX.
 */
size_t	ipaddr_ntop(const struct ipaddr *ia, char *buf, size_t bufsz);

/* Total order: IPv4 before IPv6, then bytewise. Returns <0, 0 or >0. */
int	ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);

/* Turn IPv4-mapped IPv6 into IPv4 in place; other addresses unchanged. */
void	ipaddr_unmap(struct ipaddr *ia);

/* Write the IPADDR_KEYLEN-byte cache key of ia into key. */
void	ipaddr_key(const struct ipaddr *ia, uint8_t key[IPADDR_KEYLEN]);

/* A CIDR prefix, host bits clear. ipset.h makes sets of them. */
struct ipaddr_prefix {
	struct ipaddr	ip_addr;
	uint8_t		ip_len;		/* prefix length in bits */
};

/*
 * Parse one "addr[/len]" (not NUL-terminated; no /len: a host prefix)
 * into *pfx. An IPv4-mapped prefix of at least 96 bits becomes the IPv4
 * prefix it covers, because addresses are unmapped before they are
 * matched. A prefix with host bits set (10.0.0.1/8) is refused. Returns
 * 0, or -1 with the reason in err (naming the network meant, for host
 * bits).
 */
int	ipaddr_prefix_parse(const char *s, size_t len,
	    struct ipaddr_prefix *pfx, char *err, size_t errlen);

/*
 * Write "ADDR/LEN" into buf, NUL-terminated. Returns its length, or 0
 * when bufsz is too small (IPADDR_STRMAX + 4 always suffices).
 */
size_t	ipaddr_prefix_ntop(const struct ipaddr_prefix *pfx, char *buf,
	    size_t bufsz);

#endif /* IPADDR_H */
