/*
 * dnsmsg: pure helpers over DNS wire messages (RFC 1035), no I/O. Names
 * are handled in wire form by dnsname.c (see dnsname.h).
 *
 * Every read is bounds-checked against the message length before it
 * happens. dnsmsg_open() walks the header, questions, answers and
 * authority records once, so the later passes over the answer section
 * only meet RRs whose owner names and rdata bounds are known good.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "dnsmsg.h"
#include "dnsname.h"
#include "ipaddr.h"

#define DNSMSG_HDRLEN		12
#define DNSMSG_RRFIXED		10	/* type, class, TTL, rdlength */
#define DNSMSG_SOAFIXED		20	/* serial .. minimum */
#define DNSMSG_CHAIN_MAX	8	/* CNAME links followed from qname */
#define DNSMSG_C_IN		1

/* One resource record; rr_rdoff + rr_rdlen never exceeds the message. */
struct dnsmsg_rr {
	struct dnsname	rr_owner;
	uint16_t		rr_type;
	uint16_t		rr_class;
	uint32_t		rr_ttl;		/* top bit set: already 0 */
	size_t			rr_rdoff;
	size_t			rr_rdlen;
};

/* A message whose sections dnsmsg_open() has checked. */
struct dnsmsg_msg {
	const uint8_t	*dm_buf;
	size_t		 dm_len;
	size_t		 dm_anoff;	/* offset of the first answer RR */
	unsigned int	 dm_ancount;
};

static uint16_t
dnsmsg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
dnsmsg_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * Expand an rdata name that must fill [off, end) exactly. Returns 0, or
 * -1 when it is malformed or its length disagrees with rdlength.
 */
static int
dnsmsg_expand_rdata(const struct dnsmsg_msg *m, size_t off, size_t end,
    struct dnsname *dn)
{
	size_t	 next;

	if (dnsname_expand(m->dm_buf, m->dm_len, off, &next, dn) == -1)
		return -1;
	return next == end ? 0 : -1;
}

/*
 * Read the RR at *off and advance *off past it. The TTL is normalised
 * per RFC 2181 section 8. Returns 0, or -1 when the RR is malformed.
 */
static int
dnsmsg_read_rr(const uint8_t *buf, size_t len, size_t *off,
    struct dnsmsg_rr *rr)
{
	const uint8_t	*p;
	size_t		 pos;

	if (dnsname_expand(buf, len, *off, &pos, &rr->rr_owner) == -1)
		return -1;
	if (len - pos < DNSMSG_RRFIXED)
		return -1;
	p = buf + pos;
	rr->rr_type = dnsmsg_get16(p);
	rr->rr_class = dnsmsg_get16(p + 2);
	rr->rr_ttl = dnsmsg_get32(p + 4);
	if (rr->rr_ttl & 0x80000000U)
		rr->rr_ttl = 0;
	rr->rr_rdlen = dnsmsg_get16(p + 8);
	rr->rr_rdoff = pos + DNSMSG_RRFIXED;
	if (len - rr->rr_rdoff < rr->rr_rdlen)
		return -1;
	*off = rr->rr_rdoff + rr->rr_rdlen;
	return 0;
}

/* Fold ttl into the minimum of the used answer RRs. */
static void
dnsmsg_use_ttl(struct dnsmsg_result *res, uint32_t ttl)
{
	if (!res->dr_has_ttl || ttl < res->dr_ttl)
		res->dr_ttl = ttl;
	res->dr_has_ttl = 1;
}

/*
 * RFC 2308 section 5: a negative answer lives min(SOA TTL, SOA MINIMUM).
 * The SOA rdata is two names and five 32-bit fields. Returns 0 or -1.
 */
static int
dnsmsg_soa(const uint8_t *buf, size_t len, const struct dnsmsg_rr *rr,
    struct dnsmsg_result *res)
{
	struct dnsname	 dn;
	size_t			 pos, end = rr->rr_rdoff + rr->rr_rdlen;
	uint32_t		 min;

	if (dnsname_expand(buf, len, rr->rr_rdoff, &pos, &dn) == -1 ||
	    pos > end ||
	    dnsname_expand(buf, len, pos, &pos, &dn) == -1 ||
	    pos > end || end - pos != DNSMSG_SOAFIXED)
		return -1;
	min = dnsmsg_get32(buf + pos + 16);
	if (min & 0x80000000U)
		min = 0;
	if (rr->rr_ttl < min)
		min = rr->rr_ttl;
	if (!res->dr_has_neg_ttl || min < res->dr_neg_ttl)
		res->dr_neg_ttl = min;
	res->dr_has_neg_ttl = 1;
	return 0;
}

/*
 * Check the whole message up to the end of the authority section and
 * fill the negative TTL of res. The additional
 * section is never read. Returns 0, or -1 when the message is malformed.
 */
static int
dnsmsg_open(const uint8_t *buf, size_t len, struct dnsmsg_msg *m,
    struct dnsmsg_result *res)
{
	struct dnsname	 dn;
	struct dnsmsg_rr	 rr;
	unsigned int		 qd, an, ns, i;
	size_t			 off = DNSMSG_HDRLEN;

	memset(res, 0, sizeof(*res));
	if (buf == NULL || len < DNSMSG_HDRLEN)
		return -1;
	qd = dnsmsg_get16(buf + 4);
	an = dnsmsg_get16(buf + 6);
	ns = dnsmsg_get16(buf + 8);
	for (i = 0; i < qd; i++) {
		if (dnsname_expand(buf, len, off, &off, &dn) == -1 ||
		    len - off < 4)
			return -1;
		off += 4;
	}
	m->dm_buf = buf;
	m->dm_len = len;
	m->dm_anoff = off;
	m->dm_ancount = an;
	for (i = 0; i < an; i++)
		if (dnsmsg_read_rr(buf, len, &off, &rr) == -1)
			return -1;
	for (i = 0; i < ns; i++) {
		if (dnsmsg_read_rr(buf, len, &off, &rr) == -1)
			return -1;
		if (rr.rr_type == DNSMSG_T_SOA && rr.rr_class == DNSMSG_C_IN &&
		    dnsmsg_soa(buf, len, &rr, res) == -1)
			return -1;
	}
	return 0;
}

/*
 * Find the first IN CNAME in the answer section owned by dn and replace
 * dn with its target. Returns 1 when found, 0 when not, -1 on a bad
 * target.
 */
static int
dnsmsg_cname_step(const struct dnsmsg_msg *m, struct dnsname *dn,
    struct dnsmsg_result *res)
{
	struct dnsmsg_rr	 rr;
	size_t			 off = m->dm_anoff;
	unsigned int		 i;

	for (i = 0; i < m->dm_ancount; i++) {
		if (dnsmsg_read_rr(m->dm_buf, m->dm_len, &off, &rr) == -1)
			return -1;
		if (rr.rr_type != DNSMSG_T_CNAME ||
		    rr.rr_class != DNSMSG_C_IN ||
		    !dnsname_eq(&rr.rr_owner, dn))
			continue;
		if (dnsmsg_expand_rdata(m, rr.rr_rdoff,
		    rr.rr_rdoff + rr.rr_rdlen, dn) == -1)
			return -1;
		dnsmsg_use_ttl(res, rr.rr_ttl);
		return 1;
	}
	return 0;
}

/*
 * Turn qname into the name that owns the data: follow at most
 * DNSMSG_CHAIN_MAX CNAME links, in any order in the answer section. The
 * CNAME RRs followed count in the TTL. Returns 0, or -1 on a bad qname
 * or a malformed CNAME target.
 */
static int
dnsmsg_chain(const struct dnsmsg_msg *m, const char *qname,
    struct dnsname *dn, struct dnsmsg_result *res)
{
	int	 links, rc;

	if (qname == NULL || dnsname_from_text(qname, dn) == -1)
		return -1;
	for (links = 0; links < DNSMSG_CHAIN_MAX; links++) {
		if ((rc = dnsmsg_cname_step(m, dn, res)) == -1)
			return -1;
		if (rc == 0)
			break;
	}
	return 0;
}

/* Keep one PTR target: valid, new and within DNSMSG_NAMES_MAX. */
static void
dnsmsg_add_host(const struct dnsname *dn, struct dnsmsg_result *res)
{
	char	 host[DNSMSG_HOST_MAX + 1];
	size_t	 i;
	int	 n;

	if ((n = dnsname_to_host(dn, host)) == -1 ||
	    !hostname_valid(host, (size_t)n)) {
		res->dr_nbad++;
		return;
	}
	for (i = 0; i < res->dr_nnames; i++)
		if (strcmp(res->dr_names[i], host) == 0)
			return;
	if (res->dr_nnames < DNSMSG_NAMES_MAX)
		memcpy(res->dr_names[res->dr_nnames++], host, (size_t)n + 1);
}

int
dnsmsg_parse_ptr(const uint8_t *msg, size_t len, const char *qname,
    struct dnsmsg_result *res)
{
	struct dnsmsg_msg	 m;
	struct dnsname	 owner, target;
	struct dnsmsg_rr	 rr;
	size_t			 off;
	unsigned int		 i;

	if (dnsmsg_open(msg, len, &m, res) == -1 ||
	    dnsmsg_chain(&m, qname, &owner, res) == -1)
		return -1;
	off = m.dm_anoff;
	for (i = 0; i < m.dm_ancount; i++) {
		if (dnsmsg_read_rr(msg, len, &off, &rr) == -1)
			return -1;
		if (rr.rr_type != DNSMSG_T_PTR || rr.rr_class != DNSMSG_C_IN ||
		    !dnsname_eq(&rr.rr_owner, &owner))
			continue;
		if (dnsmsg_expand_rdata(&m, rr.rr_rdoff,
		    rr.rr_rdoff + rr.rr_rdlen, &target) == -1)
			return -1;
		dnsmsg_use_ttl(res, rr.rr_ttl);
		dnsmsg_add_host(&target, res);
	}
	return 0;
}

/*
 * Compare an address from rdata with the wanted one. ipaddr_cmp gives
 * the project's single notion of address equality.
 */
static int
dnsmsg_addr_eq(int family, const uint8_t *rdata, size_t rdlen,
    const struct ipaddr *want)
{
	struct ipaddr	 ia;

	memset(&ia, 0, sizeof(ia));
	ia.ia_family = (uint8_t)family;
	memcpy(ia.ia_bytes, rdata, rdlen);
	return ipaddr_cmp(&ia, want) == 0;
}

int
dnsmsg_parse_addr(const uint8_t *msg, size_t len, const char *qname,
    const struct ipaddr *want, struct dnsmsg_result *res)
{
	struct dnsmsg_msg	 m;
	struct dnsname	 owner;
	struct dnsmsg_rr	 rr;
	size_t			 off, alen;
	unsigned int		 i;
	uint16_t		 type;

	if (dnsmsg_open(msg, len, &m, res) == -1 || want == NULL)
		return -1;
	if (want->ia_family == AF_INET) {
		type = DNSMSG_T_A;
		alen = 4;
	} else if (want->ia_family == AF_INET6) {
		type = DNSMSG_T_AAAA;
		alen = 16;
	} else
		return -1;
	if (dnsmsg_chain(&m, qname, &owner, res) == -1)
		return -1;
	off = m.dm_anoff;
	for (i = 0; i < m.dm_ancount; i++) {
		if (dnsmsg_read_rr(msg, len, &off, &rr) == -1)
			return -1;
		if ((rr.rr_type != DNSMSG_T_A && rr.rr_type != DNSMSG_T_AAAA) ||
		    rr.rr_class != DNSMSG_C_IN ||
		    !dnsname_eq(&rr.rr_owner, &owner))
			continue;
		if (rr.rr_rdlen != (rr.rr_type == DNSMSG_T_A ? 4U : 16U))
			return -1;
		if (rr.rr_type != type)
			continue;
		dnsmsg_use_ttl(res, rr.rr_ttl);
		if (dnsmsg_addr_eq(want->ia_family, msg + rr.rr_rdoff, alen,
		    want))
			res->dr_match = 1;
	}
	return 0;
}

static const char	dnsmsg_hex[] = "0123456789abcdef";

size_t
dnsmsg_ptrname(const struct ipaddr *ia, char *buf, size_t bufsz)
{
	size_t	 o = 0;
	int	 i;
	uint8_t	 b;

	if (ia == NULL || buf == NULL || bufsz < DNSMSG_PTRNAME_MAX)
		return 0;
	if (ia->ia_family == AF_INET) {
		for (i = 3; i >= 0; i--) {
			b = ia->ia_bytes[i];
			if (b >= 100)
				buf[o++] = (char)('0' + b / 100);
			if (b >= 10)
				buf[o++] = (char)('0' + b / 10 % 10);
			buf[o++] = (char)('0' + b % 10);
			buf[o++] = '.';
		}
		memcpy(buf + o, "in-addr.arpa", sizeof("in-addr.arpa"));
		return o + sizeof("in-addr.arpa") - 1;
	}
	if (ia->ia_family != AF_INET6)
		return 0;
	for (i = 15; i >= 0; i--) {
		b = ia->ia_bytes[i];
		buf[o++] = dnsmsg_hex[b & 0x0f];
		buf[o++] = '.';
		buf[o++] = dnsmsg_hex[b >> 4];
		buf[o++] = '.';
	}
	memcpy(buf + o, "ip6.arpa", sizeof("ip6.arpa"));
	return o + sizeof("ip6.arpa") - 1;
}
