/*
 * bounds: the bounds that more than one module enforces, defined once.
 * Each is documented for users in ptrtag.1 (OPTIONS and GUARANTEES).
 */
#ifndef BOUNDS_H
#define BOUNDS_H

#include <stddef.h>
#include <stdint.h>

/* Most addresses one line can carry: the upper end of --max-ips. */
#define LINE_ADDRS_MAX		64

/*
 * Unsettled lookups allowed at once: four per -j query in flight, and
 * never fewer than PENDING_FLOOR. The reader stops (backpressure) at this
 * bound, and the window is sized against it (options.c).
 */
#define PENDING_PER_INFLIGHT	4
#define PENDING_FLOOR		64

static inline size_t
pending_bound(uint32_t max_inflight)
{
	size_t	n = PENDING_PER_INFLIGHT * (size_t)max_inflight;

	return n < PENDING_FLOOR ? PENDING_FLOOR : n;
}

/*
 * --input json (ptrtag.1, STRUCTURED INPUT): a line whose object nests
 * deeper than JSONIN_DEPTH_MAX objects and arrays (the root is depth 1),
 * or holds more than JSONIN_TOKENS_MAX values (each key, value and
 * element counts one), passes through unchanged.
 */
#define JSONIN_DEPTH_MAX	16
#define JSONIN_TOKENS_MAX	4096

#endif /* BOUNDS_H */
