/*
 * generic: the "generic" flag of ptrtag.1, VERDICTS.
 *
 * A PTR name is generic when a provider made it for a whole range of
 * addresses instead of someone choosing it for one host. The name is
 * generic when
 *
 *   - it embeds the whole address, or
 *   - it carries a strong token, or
 *   - it embeds part of the address and carries a weak token.
 *
 * Embedded address. A number must stand alone: the character before and
 * the character after a match are not digits of its base (decimal, or
 * hex for the hex forms), so "1203-0-113-45" does not hold 203.0.113.45
 * but "d203-0-113-45" does. A separator is exactly one '-', '.' or '_'.
 *   IPv4, whole: the four octets in forward or reversed order, in decimal
 *   with separators (203-0-113-45, 45.113.0.203), all plain or all
 *   zero-padded to three digits (203_000_113_045); or zero-padded with no
 *   separator (203000113045); or in hex, forward, as eight digits
 *   (cb00712d) or as two-digit groups with separators (cb-00-71-2d).
 *   IPv4, part: the last two octets in decimal with a separator, forward
 *   or reversed (113-45, 45.113), plain or zero-padded. One octet alone
 *   (host45) is not evidence: servers are numbered that way too, and
 *   one octet matches one address in 256 by chance.
 *   IPv6, whole: the RFC 5952 text with a separator for each ':'
 *   (2001-db8--45); or all eight groups with separators, plain or
 *   zero-padded to four digits (2001-db8-0-0-0-0-0-45); or all 32 hex
 *   digits in one run.
 *   IPv6, part: the interface identifier (the last 64 bits) as four
 *   groups with separators, plain or padded, or as 16 hex digits in one
 *   run. Like two IPv4 octets, it needs a token.
 *
 * Tokens. The name is cut into parts at '-', '.', '_' and wherever
 * letters meet digits ("dip0" gives "dip" and "0"). A token is a whole
 * part, never a substring: "bigpond" holds no "gpon", "dynamicsoft" no
 * "dynamic". Tokens count only in front of the last two labels, which
 * are taken to be the provider's own domain: a brand such as
 * customer-portal.example says nothing about the host. A leftmost label
 * that is nothing but one token (dhcp.example.com, pool.ntp.example.org)
 * names a service host and is not read either.
 *   Strong: dyn dynamic dhcp pool dsl adsl vdsl xdsl cable cpe ppp pppoe
 *   broadband dial dialup client clients customer ftth gpon residential,
 *   and static next to ip (static-ip, ip.static, staticip).
 *   Weak: host ip user home res nat bb cust mobile wireless fiber fibre
 *   lte dip, and 3g 4g 5g (one digit glued to a "g").
 *
 * Cost: a fixed set of patterns of at most 39 bytes, each tried at every
 * position, and one pass over the parts: linear in the length of the
 * name. No allocation, no regex, no state.
 */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "generic.h"

/* Room for the longest pattern, and for ipaddr_ntop() of any IPv6. */
#define GEN_PATMAX	48

_Static_assert(GEN_PATMAX >= IPADDR_STRMAX, "pattern buffer too small");

/* Strength of a piece of evidence, for addresses and tokens alike. */
#define GEN_NONE	0
#define GEN_WEAK	1	/* part of the address; a weak token */
#define GEN_STRONG	2	/* the whole address; a strong token */

/* What the previous part was, to see "static" next to "ip". */
#define GEN_PART_OTHER	0
#define GEN_PART_STATIC	1
#define GEN_PART_IP	2

/* A pattern to find in a name: ':' stands for any one separator. */
struct gen_pat {
	char	gp_text[GEN_PATMAX];
	size_t	gp_len;
	int	gp_hex;		/* no hex digit may adjoin, else no digit */
};

struct gen_token {
	const char	*gt_word;
	int		 gt_strength;
};

static const struct gen_token gen_tokens[] = {
	{ "adsl",		GEN_STRONG },
	{ "bb",			GEN_WEAK },
	{ "broadband",		GEN_STRONG },
	{ "cable",		GEN_STRONG },
	{ "client",		GEN_STRONG },
	{ "clients",		GEN_STRONG },
	{ "cpe",		GEN_STRONG },
	{ "cust",		GEN_WEAK },
	{ "customer",		GEN_STRONG },
	{ "dhcp",		GEN_STRONG },
	{ "dial",		GEN_STRONG },
	{ "dialup",		GEN_STRONG },
	{ "dip",		GEN_WEAK },
	{ "dsl",		GEN_STRONG },
	{ "dyn",		GEN_STRONG },
	{ "dynamic",		GEN_STRONG },
	{ "fiber",		GEN_WEAK },
	{ "fibre",		GEN_WEAK },
	{ "ftth",		GEN_STRONG },
	{ "gpon",		GEN_STRONG },
	{ "home",		GEN_WEAK },
	{ "host",		GEN_WEAK },
	{ "ip",			GEN_WEAK },
	{ "lte",		GEN_WEAK },
	{ "mobile",		GEN_WEAK },
	{ "nat",		GEN_WEAK },
	{ "pool",		GEN_STRONG },
	{ "ppp",		GEN_STRONG },
	{ "pppoe",		GEN_STRONG },
	{ "res",		GEN_WEAK },
	{ "residential",	GEN_STRONG },
	{ "staticip",		GEN_STRONG },
	{ "user",		GEN_WEAK },
	{ "vdsl",		GEN_STRONG },
	{ "wireless",		GEN_WEAK },
	{ "xdsl",		GEN_STRONG },
};

static int
gen_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static int
gen_isxdigit(char c)
{
	return gen_isdigit(c) || (c >= 'a' && c <= 'f');
}

static int
gen_issep(char c)
{
	return c == '-' || c == '.' || c == '_';
}

/* Append v in base 10 or 16, zero-padded to at least width digits. */
static void
pat_num(struct gen_pat *gp, unsigned int v, unsigned int base,
    size_t width)
{
	static const char	 digits[] = "0123456789abcdef";
	char			 tmp[8];
	size_t			 n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0 && n < sizeof(tmp));
	while (n < width && n < sizeof(tmp))
		tmp[n++] = '0';
	while (n > 0 && gp->gp_len < sizeof(gp->gp_text))
		gp->gp_text[gp->gp_len++] = tmp[--n];
}

/*
 * Make gp the n values of v in base, each padded to width, with a
 * separator between them when sep is set.
 */
static void
pat_seq(struct gen_pat *gp, const unsigned int *v, size_t n,
    unsigned int base, size_t width, int sep)
{
	size_t	i;

	gp->gp_len = 0;
	gp->gp_hex = base == 16;
	for (i = 0; i < n; i++) {
		if (i > 0 && sep && gp->gp_len < sizeof(gp->gp_text))
			gp->gp_text[gp->gp_len++] = ':';
		pat_num(gp, v[i], base, width);
	}
}

/* Returns 1 when gp matches host[at..at + gp_len), else 0. */
static int
pat_match_at(const struct gen_pat *gp, const char *host, size_t at)
{
	size_t	i;

	for (i = 0; i < gp->gp_len; i++) {
		if (gp->gp_text[i] == ':') {
			if (!gen_issep(host[at + i]))
				return 0;
		} else if (host[at + i] != gp->gp_text[i])
			return 0;
	}
	return 1;
}

/*
 * Returns 1 when gp occurs in host[0..len) with no digit of its base
 * right before or right after it, else 0. O(len * gp_len).
 */
static int
pat_find(const struct gen_pat *gp, const char *host, size_t len)
{
	int	(*adjoins)(char) = gp->gp_hex ? gen_isxdigit : gen_isdigit;
	size_t	at, end;

	if (gp->gp_len == 0 || gp->gp_len > len)
		return 0;
	for (at = 0; at + gp->gp_len <= len; at++) {
		/* The first byte, unless a separator, rules out most places. */
		if (gp->gp_text[0] != ':' && host[at] != gp->gp_text[0])
			continue;
		end = at + gp->gp_len;
		if (at > 0 && adjoins(host[at - 1]))
			continue;
		if (end < len && adjoins(host[end]))
			continue;
		if (pat_match_at(gp, host, at))
			return 1;
	}
	return 0;
}

/* Returns 1 when host holds the values of v in the form pat_seq() makes. */
static int
find_seq(const char *host, size_t len, const unsigned int *v, size_t n,
    unsigned int base, size_t width, int sep)
{
	struct gen_pat	gp;

	pat_seq(&gp, v, n, base, width, sep);
	return pat_find(&gp, host, len);
}

/*
 * How much of the IPv4 address b[0..4) host embeds: GEN_*. Every decimal
 * form holds a digit, so a name without one (most names that are not
 * generic) is tried in the two hex forms only: the same answer, in a
 * fifth of the searches.
 */
static int
v4_evidence(const uint8_t *b, const char *host, size_t len)
{
	unsigned int	fwd[4], rev[4];
	size_t		i, pad;
	int		digit = 0;

	for (i = 0; i < 4; i++) {
		fwd[i] = b[i];
		rev[i] = b[3 - i];
	}
	for (i = 0; i < len && !digit; i++)
		digit = gen_isdigit(host[i]);
	if ((digit && (find_seq(host, len, fwd, 4, 10, 3, 0) ||
	    find_seq(host, len, rev, 4, 10, 3, 0))) ||
	    find_seq(host, len, fwd, 4, 16, 2, 0) ||
	    find_seq(host, len, fwd, 4, 16, 2, 1))
		return GEN_STRONG;
	if (!digit)
		return GEN_NONE;
	for (pad = 0; pad <= 3; pad += 3) {
		if (find_seq(host, len, fwd, 4, 10, pad, 1) ||
		    find_seq(host, len, rev, 4, 10, pad, 1))
			return GEN_STRONG;
	}
	/* The last two octets: fwd[2], fwd[3] or rev[0], rev[1]. */
	for (pad = 0; pad <= 3; pad += 3) {
		if (find_seq(host, len, fwd + 2, 2, 10, pad, 1) ||
		    find_seq(host, len, rev, 2, 10, pad, 1))
			return GEN_WEAK;
	}
	return GEN_NONE;
}

/* How much of the IPv6 address ia host embeds: GEN_*. */
static int
v6_evidence(const struct ipaddr *ia, const char *host, size_t len)
{
	struct gen_pat	gp;
	unsigned int	grp[8];
	size_t		i;

	for (i = 0; i < 8; i++)
		grp[i] = (unsigned int)ia->ia_bytes[2 * i] << 8 |
		    ia->ia_bytes[2 * i + 1];
	gp.gp_hex = 1;
	gp.gp_len = ipaddr_ntop(ia, gp.gp_text, sizeof(gp.gp_text));
	if (pat_find(&gp, host, len) ||
	    find_seq(host, len, grp, 8, 16, 0, 1) ||
	    find_seq(host, len, grp, 8, 16, 4, 1) ||
	    find_seq(host, len, grp, 8, 16, 4, 0))
		return GEN_STRONG;
	if (find_seq(host, len, grp + 4, 4, 16, 0, 1) ||
	    find_seq(host, len, grp + 4, 4, 16, 4, 1) ||
	    find_seq(host, len, grp + 4, 4, 16, 4, 0))
		return GEN_WEAK;
	return GEN_NONE;
}

/* Strength of the letters word[0..n) as a token: GEN_*. */
static int
token_lookup(const char *word, size_t n)
{
	size_t	i;

	if (n == 0)
		return GEN_NONE;
	for (i = 0; i < sizeof(gen_tokens) / sizeof(gen_tokens[0]); i++) {
		if (gen_tokens[i].gt_word[0] == word[0] &&
		    strncmp(gen_tokens[i].gt_word, word, n) == 0 &&
		    gen_tokens[i].gt_word[n] == '\0')
			return gen_tokens[i].gt_strength;
	}
	return GEN_NONE;
}

/*
 * Strength of the part host[i..j) as a token: GEN_*. *prev says what the
 * part before it was and is updated, so that "static" next to "ip" is
 * seen in either order.
 */
static int
part_strength(const char *host, size_t i, size_t j, int *prev)
{
	size_t	n = j - i;
	int	kind = GEN_PART_OTHER, s;

	if (gen_isdigit(host[i])) {
		*prev = GEN_PART_OTHER;
		return GEN_NONE;
	}
	s = token_lookup(host + i, n);
	/* 3g, 4g, 5g: one digit, not part of a longer number, then "g". */
	if (n == 1 && host[i] == 'g' && i > 0 && host[i - 1] >= '3' &&
	    host[i - 1] <= '5' && (i == 1 || !gen_isdigit(host[i - 2])))
		s = GEN_WEAK;
	if (n == 6 && memcmp(host + i, "static", 6) == 0)
		kind = GEN_PART_STATIC;
	else if (n == 2 && memcmp(host + i, "ip", 2) == 0)
		kind = GEN_PART_IP;
	if ((kind == GEN_PART_STATIC && *prev == GEN_PART_IP) ||
	    (kind == GEN_PART_IP && *prev == GEN_PART_STATIC))
		s = GEN_STRONG;
	*prev = kind;
	return s;
}

/*
 * Find where tokens are read: host[*start..*end), in front of the last
 * two labels and past a leftmost label that is one bare token. Returns 0
 * when that span is empty.
 */
static int
token_zone(const char *host, size_t len, size_t *start, size_t *end)
{
	size_t	i, dots = 0, first;

	*start = *end = 0;
	for (i = len; i > 0; i--) {
		if (host[i - 1] == '.' && ++dots == 2) {
			*end = i - 1;
			break;
		}
	}
	if (*end == 0)
		return 0;
	for (first = 0; first < *end && host[first] != '.'; first++)
		continue;
	if (token_lookup(host, first) != GEN_NONE)
		*start = first + 1;
	return *start < *end;
}

/* The strongest token in host: GEN_*. One pass over the parts. */
static int
token_evidence(const char *host, size_t len)
{
	size_t	start, end, i, j;
	int	best = GEN_NONE, prev = GEN_PART_OTHER, s;

	if (!token_zone(host, len, &start, &end))
		return GEN_NONE;
	for (i = start; i < end; i = j) {
		j = i + 1;
		if (gen_issep(host[i]))
			continue;
		while (j < end && !gen_issep(host[j]) &&
		    gen_isdigit(host[j]) == gen_isdigit(host[i]))
			j++;
		s = part_strength(host, i, j, &prev);
		if (s > best)
			best = s;
	}
	return best;
}

int
generic_host(const struct ipaddr *ia, const char *host)
{
	size_t	len = strlen(host);
	int	addr, tok;

	if (len > 0 && host[len - 1] == '.')
		len--;
	if (ia->ia_family == AF_INET)
		addr = v4_evidence(ia->ia_bytes, host, len);
	else if (ia->ia_family == AF_INET6)
		addr = v6_evidence(ia, host, len);
	else
		return 0;
	if (addr == GEN_STRONG)
		return 1;
	tok = token_evidence(host, len);
	return tok == GEN_STRONG || (tok == GEN_WEAK && addr == GEN_WEAK);
}
