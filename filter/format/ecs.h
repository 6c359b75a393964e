/*
 * ecs: the JSON that ptrtag adds about a line's addresses, in the one
 * vocabulary of ptrtag.1 (OUTPUT, Keys): the "rdns" detail of every
 * address whatever its verdict, and the Elastic Common Schema (ECS)
 * fields, which name a host only when its verdict is pass. Writers over
 * the read-only view of format.h that append JSON text to an outbuf and
 * never write an empty array or object; -f json and --mmexternal use
 * them, and so can any format that adds these members to an object.
 * Strings go through json.h, so the text is valid UTF-8.
 */
#ifndef ECS_H
#define ECS_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "format.h"
#include "ipaddr.h"
#include "outbuf.h"

/* The ECS release whose field list ptrtag follows ("ecs.version"). */
#define ECS_VERSION	"9.4.0"

/* The canonical text of each address of a line (RFC 5952 for IPv6). */
struct ecs_ips {
	char	ei_ip[LINE_ADDRS_MAX][IPADDR_STRMAX];
};

/* Fill ips with the text of fl's addresses. */
void	ecs_ips_fill(const struct fmt_line *fl, struct ecs_ips *ips);

/*
 * fa's host when an ECS field may carry it (verdict pass: the name is
 * confirmed), else NULL. Other verdicts keep their host in "rdns" only.
 */
const char *ecs_confirmed(const struct fmt_addr *fa);

/*
 * Index of the first address of fl with role r (a pattern's src or
 * dst group), or fl->fl_n when none has it.
 */
size_t	ecs_first_role(const struct fmt_line *fl, enum ipscan_role r);

/*
 * Fill hosts with each distinct confirmed host of fl once, in order of
 * first appearance (the elements of "related.hosts"); returns how many.
 * The pointers are fl's.
 */
size_t	ecs_hosts(const struct fmt_line *fl, const char **hosts);

/*
 * Append the elements of "rdns", comma-separated, without brackets: one
 * object per address of fl, in order, with "ip", "host" (when there is
 * a PTR name, whatever the verdict), "fcrdns" (the verdict), "generic"
 * (true or false) and "helo" (when a claimed name was captured).
 */
void	ecs_rdns_items(struct outbuf *ob, const struct fmt_line *fl,
	    const struct ecs_ips *ips);

/* Append the elements of "related.ip": every address of fl, in order. */
void	ecs_ip_items(struct outbuf *ob, const struct fmt_line *fl,
	    const struct ecs_ips *ips);

/* Flags of ecs_members(). */
#define ECS_FIRST	0x01	/* no ',' before the first member */
#define ECS_ENDPOINTS	0x02	/* "source" and "destination" too */

/*
 * Append, for a line with at least one address, the members
 *	"rdns":[...],"related":{"ip":[...],"hosts":[...]}
 * ("hosts" only when some host is confirmed) and, with ECS_ENDPOINTS,
 * "source":{"ip":...,"domain":...} and the same for "destination", from
 * the first address with the src or dst role ("domain" only when
 * confirmed; no member for a role no address has). Each member is
 * preceded by ',' unless ECS_FIRST is set for the first.
 */
void	ecs_members(struct outbuf *ob, const struct fmt_line *fl,
	    const struct ecs_ips *ips, int flags);

/* The last millisecond of year 9999, the last RFC 3339 can write. */
#define ECS_TIME_MAX	253402300799999ULL

/*
 * Append ms (milliseconds since the Unix epoch, at most ECS_TIME_MAX) as
 * a quoted RFC 3339 date in UTC with milliseconds:
 * "2026-12-06T02:15:31.123Z". Pure: no clock, no time zone file.
 */
void	ecs_timestamp(struct outbuf *ob, uint64_t ms);

#endif /* ECS_H */
