/*
 * ipset: see ipset.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipset.h"

static int
refuse(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* Mark in set->is_first the first bytes pfx's addresses can start with. */
static void
summarise(struct ipaddr_set *set, const struct ipaddr_prefix *pfx)
{
	uint64_t	*bits = set->is_first[pfx->ip_addr.ia_family != AF_INET];
	unsigned int	 lo = pfx->ip_addr.ia_bytes[0], hi = lo, b;

	if (pfx->ip_len < 8)	/* host bits are clear: lo is the first */
		hi = lo | (0xffu >> pfx->ip_len);
	for (b = lo; b <= hi; b++)
		bits[b / 64] |= (uint64_t)1 << (b % 64);
}

int
ipaddr_set_parse(struct ipaddr_set *set, const char *csv, char *err,
    size_t errlen)
{
	const char	*p = csv, *end, *s, *e;
	size_t		 count = set->is_count, i;

	/* Parsed past is_count; the set takes them only once all parse. */
	for (;;) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		for (s = p; s < end && (*s == ' ' || *s == '\t'); s++)
			;
		for (e = end; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if (s == e)
			return refuse(err, errlen, "empty prefix");
		if (count == IPADDR_SETMAX)
			return refuse(err, errlen, "too many prefixes");
		if (ipaddr_prefix_parse(s, (size_t)(e - s),
		    &set->is_prefix[count], err, errlen) == -1)
			return -1;
		count++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	for (i = set->is_count; i < count; i++)
		summarise(set, &set->is_prefix[i]);
	set->is_count = count;
	return 0;
}

int
ipaddr_set_append(struct ipaddr_set *set, const struct ipaddr_prefix *pfx)
{
	if (set->is_count == IPADDR_SETMAX)
		return -1;
	set->is_prefix[set->is_count++] = *pfx;
	summarise(set, pfx);
	return 0;
}

void
ipaddr_set_add_defaults(struct ipaddr_set *set)
{
	static const char	*defaults = "127.0.0.0/8,::1/128,0.0.0.0/32,"
	    "::/128,169.254.0.0/16,fe80::/10,224.0.0.0/4,ff00::/8,"
	    "255.255.255.255/32";
	char			 err[8];

	/* The list is constant and valid; only a full set can refuse it. */
	(void)ipaddr_set_parse(set, defaults, err, sizeof(err));
}

/* Does pfx (host bits already clear) hold ia? Same family assumed. */
static int
prefix_contains(const struct ipaddr_prefix *pfx, const struct ipaddr *ia)
{
	unsigned int	full = pfx->ip_len / 8, rest = pfx->ip_len % 8, i;
	uint8_t		mask;

	for (i = 0; i < full; i++)
		if (ia->ia_bytes[i] != pfx->ip_addr.ia_bytes[i])
			return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (ia->ia_bytes[full] & mask) == pfx->ip_addr.ia_bytes[full];
}

/*
 * Most addresses of a log start with a byte no prefix covers: is_first
 * refuses them with one load, before the walk over every prefix.
 */
int
ipaddr_set_match(const struct ipaddr_set *set, const struct ipaddr *ia)
{
	const struct ipaddr_prefix	*pfx;
	unsigned int			 b = ia->ia_bytes[0];
	size_t				 i;

	if ((set->is_first[ia->ia_family != AF_INET][b / 64] >>
	    (b % 64) & 1) == 0)
		return 0;
	for (i = 0; i < set->is_count; i++) {
		pfx = &set->is_prefix[i];
		if (pfx->ip_addr.ia_family == ia->ia_family &&
		    prefix_contains(pfx, ia))
			return 1;
	}
	return 0;
}

int
ipaddr_prefix_within(const struct ipaddr_prefix *inner,
    const struct ipaddr_prefix *outer)
{
	return inner->ip_addr.ia_family == outer->ip_addr.ia_family &&
	    inner->ip_len >= outer->ip_len &&
	    prefix_contains(outer, &inner->ip_addr);
}
