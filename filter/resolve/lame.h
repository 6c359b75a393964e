/*
 * lame: the memory of reverse zones that never answer (ptrtag.1, LINE
 * DELAY, Lame zones), as resolvers keep an infrastructure cache. A pure
 * table, fed with the outcome of PTR queries and the time: no I/O, no
 * clock, so tests replay any history.
 *
 * The rule. A zone here is the /24 of an IPv4 address or the /48 of an
 * IPv6 address, the usual unit of reverse delegation. A PTR lookup in it
 * that gets nothing back, while the server answers other queries, makes
 * it suspect. It is declared lame when lookups of LAME_LOSSES distinct
 * addresses in it got nothing back, all but the first started after the
 * zone became suspect, and no PTR query in it got a reply meanwhile (a
 * reply forgets the zone). Lookups started before the suspicion do not
 * count: replies that came before it are not remembered. For the hold time
 * (--err-ttl, the time a temperror answer is cached) new addresses in it
 * are not looked up: they are answered temperror at once. When the hold
 * is over, the next address in it is looked up as a probe, the others
 * still answered temperror: a reply forgets the zone, a loss declares
 * it lame again for twice the hold (up to 2^LAME_SHIFT_MAX times).
 *
 * Bounds: at most LAME_MAX zones are remembered; a new one replaces the
 * one touched least recently, so a flood of lame zones only makes ptrtag
 * learn them again. Every call scans the table: O(LAME_MAX).
 */
#ifndef LAME_H
#define LAME_H

#include <stdint.h>

#include "ipaddr.h"

#define LAME_MAX		64
#define LAME_LOSSES		3
#define LAME_SHIFT_MAX		3
#define LAME_KEYLEN		7	/* family, then 3 or 6 bytes */

/* What to do with a new address (lame_check). */
enum lame_say {
	LAME_ASK,		/* look it up */
	LAME_PROBE,		/* look it up: it tests a lame zone */
	LAME_SKIP		/* lame zone: answer temperror, no query */
};

/* One zone; the members are private to lame.c. */
struct lame_zone {
	uint8_t		lz_key[LAME_KEYLEN];
	uint8_t		lz_used;
	uint8_t		lz_dead;
	uint8_t		lz_probing;
	uint8_t		lz_shift;	/* hold = lm_hold_ms << lz_shift */
	uint8_t		lz_nlost;	/* distinct losses so far */
	uint32_t	lz_lost[LAME_LOSSES];	/* their address hashes */
	uint64_t	lz_since_ms;	/* suspect since */
	uint64_t	lz_until_ms;	/* lame until (lz_dead) */
	uint64_t	lz_touched_ms;
};

/* Embedded in its owner; the members are private to lame.c. */
struct lame {
	uint64_t		lm_hold_ms;
	unsigned int		lm_used;	/* zones in use */
	struct lame_zone	lm_zones[LAME_MAX];
};

/* An empty table; hold_ms 0 turns the memory off (every address ASK). */
void		lame_init(struct lame *lm, uint64_t hold_ms);

/*
 * Before a new lookup of ia at now_ms. LAME_PROBE marks the zone's probe
 * as under way: its PTR outcome must come back through lame_answered(),
 * lame_lost() or lame_void().
 */
enum lame_say	lame_check(struct lame *lm, const struct ipaddr *ia,
		    uint64_t now_ms);

/* A PTR query for ia got a reply of any rcode: its zone is not lame. */
void		lame_answered(struct lame *lm, const struct ipaddr *ia);

/*
 * A PTR query for ia, whose lookup started at started_ms, got nothing
 * back after all tries, while the server answered other queries. Returns
 * 1 when this declares its zone lame (the caller counts it), else 0.
 */
int		lame_lost(struct lame *lm, const struct ipaddr *ia,
		    uint64_t started_ms, uint64_t now_ms);

/* A PTR query for ia ended with no news about its zone (server silent). */
void		lame_void(struct lame *lm, const struct ipaddr *ia);

/* Zones remembered as lame (their hold over or not), for --stats. */
unsigned int	lame_count(const struct lame *lm);

#endif /* LAME_H */
