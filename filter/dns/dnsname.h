/*
 * dnsname: domain names in uncompressed wire form (length-prefixed
 * labels ending with the root label), never dotted text, for dnsmsg.c. A
 * label may hold any byte, '.' and '/' included, and only the wire form
 * compares such names exactly. Dotted text comes out for PTR targets
 * alone (dnsname_to_host), after every raw label byte has been checked.
 * Every read of a message is bounds-checked before it happens.
 */
#ifndef DNSNAME_H
#define DNSNAME_H

#include <stddef.h>
#include <stdint.h>

#define DNSNAME_WIRE_MAX	255	/* whole name, root label included */
#define DNSNAME_HOPS_MAX	127	/* compression pointers in one name */

/* A name in uncompressed wire form; dn_len counts the root label. */
struct dnsname {
	size_t	dn_len;
	uint8_t	dn_wire[DNSNAME_WIRE_MAX];
};

/*
 * Expand the possibly compressed name at buf[off] (buf is len bytes)
 * into dn; *next is set just past the name where it started. Pointers
 * may only point backwards. Returns 0, or -1 when the name is malformed.
 */
int	dnsname_expand(const uint8_t *buf, size_t len, size_t off,
	    size_t *next, struct dnsname *dn);

/*
 * Dotted text (one trailing dot tolerated) to wire form. Returns 0, or
 * -1 on an empty label, a label over 63 bytes or a name over 255.
 */
int	dnsname_from_text(const char *text, struct dnsname *dn);

/* 1 when a and b are equal, ASCII case folded (RFC 4343), else 0. */
int	dnsname_eq(const struct dnsname *a, const struct dnsname *b);

/*
 * Write dn as lower-case dotted text without the trailing dot into out,
 * HOSTNAME_MAX + 1 bytes. Returns the length, or -1 when a label byte
 * fails hostname_byte() (hostname.h).
 */
int	dnsname_to_host(const struct dnsname *dn, char *out);

#endif /* DNSNAME_H */
