/*
 * linescan: the addresses of one input line, for the loop (loop.c). The
 * scanner finds them (ipscan.h; jsonscan.h with --input json), --only
 * and --exclude keep the wanted ones (ptrtag(1)), and each gets its
 * cache entry, pinned: acquired, which starts a lookup when it is new
 * (resolver.h), or after a stop signal only peeked at (ptrtag(1),
 * Stopping).
 */
#ifndef LINESCAN_H
#define LINESCAN_H

#include <stddef.h>
#include <stdint.h>

#include "lineq.h"
#include "loopctx.h"

/*
 * Fill slots (room for LINE_ADDRS_MAX) with the line p[0..len)'s
 * addresses and their pinned entries; stopping: start no lookup, keep
 * only the addresses the cache holds. Sets *settled to 0 when an entry
 * is still pending. Returns the number of slots filled.
 */
size_t	linescan_take(struct loop_ctx *lc, const char *p, size_t len,
	    int stopping, uint64_t now_ms, struct lslot *slots, int *settled);

/*
 * 1 when ia is wanted: not --exclude'd, and inside --only when it is
 * given (ptrtag(1)). arg is the struct config; reads nothing else, so
 * the scan-ahead thread calls it too (prescan.h).
 */
int	linescan_keep(const struct ipaddr *ia, const void *arg);

/* ia will be looked up soon in rsv: rsv_prefetch() step step. */
void	linescan_soon(void *rsv, const struct ipaddr *ia, int step);

/* Unpin the entries of slots[0..n). */
void	linescan_release(struct rsv *rsv, struct lslot *slots, size_t n);

#endif /* LINESCAN_H */
