/*
 * dnspkt: a builder of DNS messages, byte by byte, for the unit tests
 * (test_dnsmsg, test_fcrdns, test_resolver's scripted responder). It
 * writes exactly what it is told, malformed messages included; it calls
 * abort() when a message outgrows PKT_MAX. No criterion inside, so a
 * responder thread may use it.
 */
#ifndef DNSPKT_H
#define DNSPKT_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

#define PKT_MAX		16384

enum { SEC_QD, SEC_AN, SEC_NS, SEC_AR };

/* A message under construction; p_count is patched in by pkt_len(). */
struct pkt {
	uint8_t		p_buf[PKT_MAX];
	size_t		p_len;
	uint16_t	p_count[4];
};

void	pkt_put(struct pkt *p, const void *data, size_t n);
void	pkt_u8(struct pkt *p, unsigned int v);
void	pkt_u16(struct pkt *p, unsigned int v);
void	pkt_u32(struct pkt *p, uint32_t v);
/* Start a response with the given RCODE and extra flag bits. */
void	pkt_init(struct pkt *p, unsigned int rcode, unsigned int flags);
/* Write labels of dotted text, without the terminating root label. */
void	pkt_labels(struct pkt *p, const char *text);
/* Write an uncompressed name; returns its offset. */
size_t	pkt_name(struct pkt *p, const char *text);
/* Write labels of prefix (may be "") then a pointer to target. */
size_t	pkt_name_ptr(struct pkt *p, const char *prefix, size_t target);
size_t	pkt_question(struct pkt *p, const char *qname, unsigned int type);
/*
 * After the owner name: type, class, TTL and a placeholder rdlength.
 * Returns the rdlength offset for pkt_rr_end().
 */
size_t	pkt_rr_class(struct pkt *p, int sec, unsigned int type,
	    unsigned int class, uint32_t ttl);
size_t	pkt_rr(struct pkt *p, int sec, unsigned int type, uint32_t ttl);
void	pkt_rr_end(struct pkt *p, size_t at);
/* Patch the section counts into the header; returns the length. */
size_t	pkt_len(struct pkt *p);
/* A PTR RR owned by the name at offset owner, target as plain text. */
void	add_ptr(struct pkt *p, size_t owner, const char *target, uint32_t ttl);
/* A CNAME RR; returns the offset of the target name it wrote. */
size_t	add_cname(struct pkt *p, size_t owner, const char *target,
	    uint32_t ttl);
void	add_soa(struct pkt *p, uint32_t ttl, uint32_t minimum);
/* An A or AAAA RR of rdlen bytes of the address text (4 or 16: exact). */
void	add_addr(struct pkt *p, size_t owner, unsigned int type,
	    const char *text, size_t rdlen, uint32_t ttl);
/* The address written as text (aborts on a typo in a test). */
struct ipaddr	pkt_ipaddr(const char *text);

#endif /* DNSPKT_H */
