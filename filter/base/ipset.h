/*
 * ipset: sets of CIDR prefixes for --exclude and --only (ptrtag(1)).
 * IPv4 prefixes match IPv4 addresses only; an address is unmapped
 * (ipaddr_unmap) before it is matched.
 */
#ifndef IPSET_H
#define IPSET_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

#define IPADDR_SETMAX	64

/*
 * is_prefix[0..is_count) are the prefixes. is_first summarises them for
 * a quick refusal: bit b of is_first[f] is set when some prefix of
 * family f (0 IPv4, 1 IPv6) holds addresses whose first byte is b. Only
 * ipaddr_set_parse and ipaddr_set_append add prefixes, and they keep it;
 * a set cleared with memset to zero is empty and consistent.
 */
struct ipaddr_set {
	size_t			is_count;
	uint64_t		is_first[2][4];
	struct ipaddr_prefix	is_prefix[IPADDR_SETMAX];
};

/*
 * Parse "CIDR[,CIDR...]" (ipaddr_prefix_parse each, blanks around them
 * ignored) and append to set. Returns 0, or -1 with the reason in err
 * and the set as it was.
 */
int	ipaddr_set_parse(struct ipaddr_set *set, const char *csv, char *err,
	    size_t errlen);

/* Append pfx to set. Returns 0, or -1 when set holds IPADDR_SETMAX. */
int	ipaddr_set_append(struct ipaddr_set *set,
	    const struct ipaddr_prefix *pfx);

/* Append --exclude's default (ptrtag.1) never-look-up ranges to set. */
void	ipaddr_set_add_defaults(struct ipaddr_set *set);

/* Returns 1 when ia falls inside any prefix of set, else 0. */
int	ipaddr_set_match(const struct ipaddr_set *set, const struct ipaddr *ia);

/* 1 when every address of inner lies in outer, else 0. */
int	ipaddr_prefix_within(const struct ipaddr_prefix *inner,
	    const struct ipaddr_prefix *outer);

#endif /* IPSET_H */
