/*
 * dnspkt: see dnspkt.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "dnspkt.h"

void
pkt_put(struct pkt *p, const void *data, size_t n)
{
	if (p->p_len + n > sizeof(p->p_buf))
		abort();	/* a test built too much */
	memcpy(p->p_buf + p->p_len, data, n);
	p->p_len += n;
}

void
pkt_u8(struct pkt *p, unsigned int v)
{
	uint8_t	 b = (uint8_t)v;

	pkt_put(p, &b, 1);
}

void
pkt_u16(struct pkt *p, unsigned int v)
{
	pkt_u8(p, v >> 8);
	pkt_u8(p, v);
}

void
pkt_u32(struct pkt *p, uint32_t v)
{
	pkt_u16(p, v >> 16);
	pkt_u16(p, v & 0xffff);
}

/* Start a response with the given RCODE and extra flag bits. */
void
pkt_init(struct pkt *p, unsigned int rcode, unsigned int flags)
{
	memset(p, 0, sizeof(*p));
	pkt_u16(p, 0x1234);
	pkt_u16(p, 0x8180 | flags | rcode);
	pkt_u32(p, 0);
	pkt_u32(p, 0);
}

/* Write labels of dotted text, without the terminating root label. */
void
pkt_labels(struct pkt *p, const char *text)
{
	const char	*dot;
	size_t		 n;

	while (*text != '\0') {
		dot = strchr(text, '.');
		n = dot == NULL ? strlen(text) : (size_t)(dot - text);
		pkt_u8(p, (unsigned int)n);
		pkt_put(p, text, n);
		text += n;
		if (*text == '.')
			text++;
	}
}

/* Write an uncompressed name; returns its offset. */
size_t
pkt_name(struct pkt *p, const char *text)
{
	size_t	 at = p->p_len;

	pkt_labels(p, text);
	pkt_u8(p, 0);
	return at;
}

/* Write labels of prefix (may be "") then a pointer to target. */
size_t
pkt_name_ptr(struct pkt *p, const char *prefix, size_t target)
{
	size_t	 at = p->p_len;

	pkt_labels(p, prefix);
	pkt_u16(p, 0xc000 | (unsigned int)target);
	return at;
}

size_t
pkt_question(struct pkt *p, const char *qname, unsigned int type)
{
	size_t	 at = pkt_name(p, qname);

	pkt_u16(p, type);
	pkt_u16(p, 1);
	p->p_count[SEC_QD]++;
	return at;
}

/*
 * After the owner name: type, class, TTL and a placeholder rdlength.
 * Returns the rdlength offset for pkt_rr_end().
 */
size_t
pkt_rr_class(struct pkt *p, int sec, unsigned int type, unsigned int class,
    uint32_t ttl)
{
	size_t	 at;

	pkt_u16(p, type);
	pkt_u16(p, class);
	pkt_u32(p, ttl);
	at = p->p_len;
	pkt_u16(p, 0);
	p->p_count[sec]++;
	return at;
}

size_t
pkt_rr(struct pkt *p, int sec, unsigned int type, uint32_t ttl)
{
	return pkt_rr_class(p, sec, type, 1, ttl);
}

void
pkt_rr_end(struct pkt *p, size_t at)
{
	size_t	 n = p->p_len - at - 2;

	p->p_buf[at] = (uint8_t)(n >> 8);
	p->p_buf[at + 1] = (uint8_t)n;
}

/* Patch the section counts into the header; returns the length. */
size_t
pkt_len(struct pkt *p)
{
	int	 i;

	for (i = 0; i < 4; i++) {
		p->p_buf[4 + 2 * i] = (uint8_t)(p->p_count[i] >> 8);
		p->p_buf[5 + 2 * i] = (uint8_t)p->p_count[i];
	}
	return p->p_len;
}

/* A PTR RR owned by the name at offset owner, target as plain text. */
void
add_ptr(struct pkt *p, size_t owner, const char *target, uint32_t ttl)
{
	size_t	 at;

	pkt_name_ptr(p, "", owner);
	at = pkt_rr(p, SEC_AN, DNSMSG_T_PTR, ttl);
	pkt_name(p, target);
	pkt_rr_end(p, at);
}

/* A CNAME RR; returns the offset of the target name it wrote. */
size_t
add_cname(struct pkt *p, size_t owner, const char *target, uint32_t ttl)
{
	size_t	 at, name;

	pkt_name_ptr(p, "", owner);
	at = pkt_rr(p, SEC_AN, DNSMSG_T_CNAME, ttl);
	name = pkt_name(p, target);
	pkt_rr_end(p, at);
	return name;
}

void
add_soa(struct pkt *p, uint32_t ttl, uint32_t minimum)
{
	size_t	 at;

	pkt_name(p, "example.com");
	at = pkt_rr(p, SEC_NS, DNSMSG_T_SOA, ttl);
	pkt_name(p, "ns.example.com");
	pkt_name(p, "hostmaster.example.com");
	pkt_u32(p, 2024010101);
	pkt_u32(p, 3600);
	pkt_u32(p, 600);
	pkt_u32(p, 86400);
	pkt_u32(p, minimum);
	pkt_rr_end(p, at);
}

void
add_addr(struct pkt *p, size_t owner, unsigned int type, const char *text,
    size_t rdlen, uint32_t ttl)
{
	uint8_t	 bytes[16];
	size_t	 at;

	memset(bytes, 0, sizeof(bytes));
	if (inet_pton(strchr(text, ':') ? AF_INET6 : AF_INET, text,
	    bytes) != 1)
		abort();
	pkt_name_ptr(p, "", owner);
	at = pkt_rr(p, SEC_AN, type, ttl);
	pkt_put(p, bytes, rdlen);
	pkt_rr_end(p, at);
}


struct ipaddr
pkt_ipaddr(const char *text)
{
	struct ipaddr	 ia;

	if (ipaddr_parse(text, strlen(text), &ia) == -1)
		abort();
	return ia;
}
