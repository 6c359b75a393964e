/*
 * dnsmsg: pure helpers over DNS wire messages (RFC 1035), no I/O.
 *
 * Inside this file names stay in uncompressed wire form (length-prefixed
 * labels ending with the root label), never dotted text: a label may hold
 * any byte, '.' and '/' included, and only the wire form compares such
 * names exactly. Dotted text is produced for PTR targets alone, after
 * every raw label byte has been checked.
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
#include "hostname.h"
#include "ipaddr.h"

#define DNSMSG_HDRLEN		12
#define DNSMSG_RRFIXED		10	/* type, class, TTL, rdlength */
#define DNSMSG_SOAFIXED		20	/* serial .. minimum */
#define DNSMSG_WIRE_MAX		255	/* whole name, root label included */
#define DNSMSG_LABEL_MAX	63
#define DNSMSG_HOPS_MAX		127	/* compression pointers in one name */
#define DNSMSG_CHAIN_MAX	8	/* CNAME links followed from qname */
#define DNSMSG_C_IN		1

/* A name in uncompressed wire form; dn_len counts the root label. */
struct dnsmsg_name {
	size_t	dn_len;
	uint8_t	dn_wire[DNSMSG_WIRE_MAX];
};

/* One resource record; rr_rdoff + rr_rdlen never exceeds the message. */
struct dnsmsg_rr {
	struct dnsmsg_name	rr_owner;
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
 * Expand the possibly compressed name at buf[off] into dn. Each pointer
 * must target an offset strictly before the start of the run of labels
 * it ends, so the runs start ever earlier and no loop can exist; the hop
 * limit also bounds the work. On success *next is the offset just past
 * the name where it started. Returns 0, or -1 when the name is malformed.
 */
static int
dnsmsg_expand(const uint8_t *buf, size_t len, size_t off, size_t *next,
    struct dnsmsg_name *dn)
{
	size_t		 pos = off, run = off, ptr;
	unsigned int	 hops = 0;
	uint8_t		 c;

	dn->dn_len = 0;
	for (;;) {
		if (pos >= len)
			return -1;
		c = buf[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++hops > DNSMSG_HOPS_MAX)
				return -1;
			ptr = (size_t)(c & 0x3f) << 8 | buf[pos + 1];
			if (ptr >= run)
				return -1;
			if (hops == 1)
				*next = pos + 2;
			pos = run = ptr;
			continue;
		}
		if ((c & 0xc0) != 0)
			return -1;	/* 01 and 10: obsolete or unknown */
		/* A label other than the root must leave room for it. */
		if (pos + 1 + c > len ||
		    dn->dn_len + 1 + c + (c != 0) > DNSMSG_WIRE_MAX)
			return -1;
		memcpy(dn->dn_wire + dn->dn_len, buf + pos, 1 + (size_t)c);
		dn->dn_len += 1 + (size_t)c;
		pos += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	if (hops == 0)
		*next = pos;
	return 0;
}

/*
 * Expand an rdata name that must fill [off, end) exactly. Returns 0, or
 * -1 when it is malformed or its length disagrees with rdlength.
 */
static int
dnsmsg_expand_rdata(const struct dnsmsg_msg *m, size_t off, size_t end,
    struct dnsmsg_name *dn)
{
	size_t	 next;

	if (dnsmsg_expand(m->dm_buf, m->dm_len, off, &next, dn) == -1)
		return -1;
	return next == end ? 0 : -1;
}

/*
 * Convert dotted text (one trailing dot tolerated) to wire form. Returns
 * 0, or -1 on an empty label, a label over 63 bytes or a name over 255.
 */
static int
dnsmsg_name_from_text(const char *text, struct dnsmsg_name *dn)
{
	size_t	 len = strlen(text), start, i;

	if (len > 0 && text[len - 1] == '.')
		len--;
	dn->dn_len = 0;
	for (start = 0; start < len; start = i + 1) {
		for (i = start; i < len && text[i] != '.'; i++)
			continue;
		if (i == start || i - start > DNSMSG_LABEL_MAX ||
		    dn->dn_len + 1 + (i - start) >= DNSMSG_WIRE_MAX)
			return -1;
		dn->dn_wire[dn->dn_len++] = (uint8_t)(i - start);
		memcpy(dn->dn_wire + dn->dn_len, text + start, i - start);
		dn->dn_len += i - start;
	}
	dn->dn_wire[dn->dn_len++] = 0;
	return 0;
}

static uint8_t
dnsmsg_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/*
 * Case-insensitive (ASCII only, RFC 4343) comparison of two wire names.
 * Length octets are at most 63, below 'A', so folding them is harmless.
 */
static int
dnsmsg_name_eq(const struct dnsmsg_name *a, const struct dnsmsg_name *b)
{
	size_t	 i;

	if (a->dn_len != b->dn_len)
		return 0;
	for (i = 0; i < a->dn_len; i++)
		if (dnsmsg_lower(a->dn_wire[i]) != dnsmsg_lower(b->dn_wire[i]))
			return 0;
	return 1;
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

	if (dnsmsg_expand(buf, len, *off, &pos, &rr->rr_owner) == -1)
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
	struct dnsmsg_name	 dn;
	size_t			 pos, end = rr->rr_rdoff + rr->rr_rdlen;
	uint32_t		 min;

	if (dnsmsg_expand(buf, len, rr->rr_rdoff, &pos, &dn) == -1 ||
	    pos > end ||
	    dnsmsg_expand(buf, len, pos, &pos, &dn) == -1 ||
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
 * fill the header fields and the negative TTL of res. The additional
 * section is never read. Returns 0, or -1 when the message is malformed.
 */
static int
dnsmsg_open(const uint8_t *buf, size_t len, struct dnsmsg_msg *m,
    struct dnsmsg_result *res)
{
	struct dnsmsg_name	 dn;
	struct dnsmsg_rr	 rr;
	unsigned int		 qd, an, ns, i;
	size_t			 off = DNSMSG_HDRLEN;

	memset(res, 0, sizeof(*res));
	if (buf == NULL || len < DNSMSG_HDRLEN)
		return -1;
	res->dr_rcode = buf[3] & 0x0f;
	res->dr_truncated = (buf[2] & 0x02) != 0;
	qd = dnsmsg_get16(buf + 4);
	an = dnsmsg_get16(buf + 6);
	ns = dnsmsg_get16(buf + 8);
	for (i = 0; i < qd; i++) {
		if (dnsmsg_expand(buf, len, off, &off, &dn) == -1 ||
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
dnsmsg_cname_step(const struct dnsmsg_msg *m, struct dnsmsg_name *dn,
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
		    !dnsmsg_name_eq(&rr.rr_owner, dn))
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
    struct dnsmsg_name *dn, struct dnsmsg_result *res)
{
	int	 links, rc;

	if (qname == NULL || dnsmsg_name_from_text(qname, dn) == -1)
		return -1;
	for (links = 0; links < DNSMSG_CHAIN_MAX; links++) {
		if ((rc = dnsmsg_cname_step(m, dn, res)) == -1)
			return -1;
		if (rc == 0)
			break;
	}
	return 0;
}

/*
 * Write dn as lower-case dotted text without the trailing dot into out
 * (DNSMSG_HOST_MAX + 1 bytes: a 255-byte wire name is at most 253 text
 * bytes). Every raw label byte must pass hostname_byte(), so a '.' inside a label can never pass as a label boundary. Returns the
 * text length, or -1 on any other byte.
 */
static int
dnsmsg_name_to_host(const struct dnsmsg_name *dn, char *out)
{
	size_t	 pos = 0, o = 0, i;
	uint8_t	 c, n;

	while ((n = dn->dn_wire[pos++]) != 0) {
		if (o > 0)
			out[o++] = '.';
		for (i = 0; i < n; i++) {
			c = dnsmsg_lower(dn->dn_wire[pos++]);
			if (!hostname_byte(c))
				return -1;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return (int)o;
}

/* Keep one PTR target: valid, new and within DNSMSG_NAMES_MAX. */
static void
dnsmsg_add_host(const struct dnsmsg_name *dn, struct dnsmsg_result *res)
{
	char	 host[DNSMSG_HOST_MAX + 1];
	size_t	 i;
	int	 n;

	if ((n = dnsmsg_name_to_host(dn, host)) == -1 ||
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
	struct dnsmsg_name	 owner, target;
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
		    !dnsmsg_name_eq(&rr.rr_owner, &owner))
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
	struct dnsmsg_name	 owner;
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
		    !dnsmsg_name_eq(&rr.rr_owner, &owner))
			continue;
		if (rr.rr_rdlen != (rr.rr_type == DNSMSG_T_A ? 4U : 16U))
			return -1;
		if (rr.rr_type != type)
			continue;
		dnsmsg_use_ttl(res, rr.rr_ttl);
		res->dr_naddrs++;
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
