/*
 * dnsmsg: pure helpers over DNS wire messages (RFC 1035), no I/O. Every
 * input is treated as hostile: all offsets are bounds-checked, name
 * compression may only point backwards, and names are limited to 255
 * wire bytes.
 */
#ifndef DNSMSG_H
#define DNSMSG_H

#include <stddef.h>
#include <stdint.h>

#include "hostname.h"
#include "ipaddr.h"

/* Longest reverse name: 32 nibbles + "ip6.arpa", NUL included. */
#define DNSMSG_PTRNAME_MAX	74
/* Longest host name kept (hostname.h). */
#define DNSMSG_HOST_MAX		HOSTNAME_MAX
/* At most this many PTR names are kept from one answer. */
#define DNSMSG_NAMES_MAX	16

#define DNSMSG_T_A	1
#define DNSMSG_T_CNAME	5
#define DNSMSG_T_SOA	6
#define DNSMSG_T_PTR	12
#define DNSMSG_T_AAAA	28

/*
 * Build the reverse name of ia, without trailing dot: "d.c.b.a.in-addr.arpa"
 * or the 32-nibble "...ip6.arpa" form. Returns its length, or 0 when
 * bufsz < DNSMSG_PTRNAME_MAX.
 */
size_t	dnsmsg_ptrname(const struct ipaddr *ia, char *buf, size_t bufsz);

/* Summary of one answer message, filled by the parsers below. */
struct dnsmsg_result {
	uint32_t	dr_ttl;		/* min TTL over the used answer RRs */
	int		dr_has_ttl;	/* any used answer RR seen */
	uint32_t	dr_neg_ttl;	/* min(SOA TTL, SOA MINIMUM) from the */
	int		dr_has_neg_ttl;	/* authority section, RFC 2308 */

	/* PTR: valid names, lower-cased, no trailing dot, in answer order. */
	size_t		dr_nnames;
	char		dr_names[DNSMSG_NAMES_MAX][DNSMSG_HOST_MAX + 1];
	size_t		dr_nbad;	/* PTR records whose name was unusable */

	/* A/AAAA: 1 when an address of the answer equals the wanted one. */
	int		dr_match;
};

/*
 * Parse an answer to a PTR query for qname (no trailing dot). Answer RRs
 * are used when their owner is qname or the target of a CNAME chain
 * starting at qname (RFC 2317 classless delegation), at most 8 links.
 * Names that fail hostname_valid (or do not expand) count in dr_nbad.
 * Returns 0, or -1 when the message is malformed (short header, bad
 * offsets, compression loop, name over 255 bytes in a used RR).
 */
int	dnsmsg_parse_ptr(const uint8_t *msg, size_t len, const char *qname,
	    struct dnsmsg_result *res);

/*
 * Parse an answer to an A (IPv4 want) or AAAA (IPv6 want) query for
 * qname, following CNAMEs as above, setting dr_match when an address
 * equals *want. Returns 0 or -1 as dnsmsg_parse_ptr.
 */
int	dnsmsg_parse_addr(const uint8_t *msg, size_t len, const char *qname,
	    const struct ipaddr *want, struct dnsmsg_result *res);

#endif /* DNSMSG_H */
