/*
 * resolver: the DNS cache and the lookups that fill it, the layer's face
 * to the stream. For each new address a lookup (fanout.h) sends a PTR
 * query, then one A or AAAA query per PTR name (up to --max-names), and
 * settles a verdict (ptrtag.1, VERDICTS). Callers acquire pinned cache
 * entries (dnsent.h) and read their verdict once it is no longer
 * VERDICT_PENDING. Errors: rsv_create returns NULL with a message in
 * err; nothing here prints or exits (allocation failures aside).
 */
#ifndef RESOLVER_H
#define RESOLVER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dnsent.h"
#include "ipaddr.h"
#include "stats.h"
#include "verdict.h"

struct rsv;

/*
 * Create the resolver: the transport (transport.h) with cfg's servers, timeout and
 * tries, and a cache of cfg->cf_cache_size entries. Returns NULL with a
 * message in err on a configuration error (bad server list, c-ares
 * initialisation failure) or when the cache cannot be allocated.
 */
struct rsv	*rsv_create(const struct config *cfg, struct stats *st,
		    char *err, size_t errlen);

/* Cancel every lookup (callbacks only free memory) and free it all. */
void		 rsv_destroy(struct rsv *rsv);

/*
 * The cache entry for ia, pinned for the caller: a cached answer, a
 * lookup already under way (coalesced), or a lookup started now. Returns
 * NULL when the address is shed (the pending-lookup bound or a cache full
 * of pinned entries); *shed then holds the verdict to report. Never calls
 * back into the caller.
 */
struct dnsent	*rsv_acquire(struct rsv *rsv, const struct ipaddr *ia,
		    uint64_t now_ms, enum verdict *shed);

/*
 * The cache entry for ia, pinned for the caller, if there is one (settled
 * or still being looked up); NULL otherwise. Never starts a lookup (used
 * after a stop signal). Release it with rsv_release().
 */
struct dnsent	*rsv_peek(struct rsv *rsv, const struct ipaddr *ia,
		    uint64_t now_ms);

/*
 * Hints that ia is about to be acquired, given as steps 0, 1 and 2 a few
 * lines apart: each starts loading into the processor's cache what the
 * next one reads (lru.h), and step 2 what the line's output reads: the
 * entry's note, or its host name when it has no note. Step 1 alone does
 * some good too. Changes nothing.
 */
#define RSV_PREFETCH_STEPS	3
void		 rsv_prefetch(const struct rsv *rsv, const struct ipaddr *ia,
		    int step);

/* Drop the caller's pin on de (from rsv_acquire or rsv_peek). */
void		 rsv_release(struct rsv *rsv, struct dnsent *de);

/* Entries the next rsv_pollfds() may fill, at most. */
int		 rsv_npollfds(const struct rsv *rsv);

/*
 * Poll set of the DNS sockets: fills at most max entries of pfd and
 * returns how many. Rebuild it on every loop iteration.
 */
int		 rsv_pollfds(struct rsv *rsv, struct pollfd *pfd, int max);

/*
 * What a line needs at now_ms to stop waiting for an entry before its
 * deadline (ptrtag.1, LINE DELAY); see dnsent_wait_until(). Valid until
 * the next rsv_process().
 */
void		 rsv_wait(struct rsv *rsv, uint64_t now_ms,
		    struct dnsent_wait *dw);

/* Milliseconds until c-ares needs rsv_process() anyway, or -1: none. */
int64_t		 rsv_timeout_ms(struct rsv *rsv);

/*
 * Let c-ares handle the sockets in pfd[0..n) that poll marked, and its
 * timers. Callbacks run here and only update cache entries and counters.
 */
void		 rsv_process(struct rsv *rsv, const struct pollfd *pfd, int n,
		    uint64_t now_ms);

/*
 * Visit every settled cache entry from most to least recently used,
 * with its expiry in monotonic ms. fn must not change the cache.
 */
void		 rsv_foreach(struct rsv *rsv,
		    void (*fn)(const struct dnsent *de, uint64_t expires_ms,
		    void *arg), void *arg);

/*
 * Insert a settled answer (from a cache file) unless the address is
 * cached already. host may be NULL. Returns 0, or -1 when the cache has
 * no room.
 */
int		 rsv_preload(struct rsv *rsv, const struct ipaddr *ia,
		    enum verdict v, const char *host, uint64_t expires_ms);

/*
 * 1 while the bound on unsettled lookups (4 x --max-inflight) is reached
 * and the server is not being backed off from: the caller then stops
 * reading input (backpressure) until lookups settle, instead of shedding
 * addresses that a healthy server would answer.
 */
int		 rsv_saturated(const struct rsv *rsv);

/*
 * 1 when the kernel holds the UDP receive buffers below what -j needs
 * (ptrtag.1, DNS TRANSPORT), with *want and *got in bytes as the kernel
 * counts them; else 0.
 */
int		 rsv_sockbuf_capped(const struct rsv *rsv, int *want, int *got);

/* Queries in flight, entries cached, entries evicted so far. */
size_t		 rsv_inflight(const struct rsv *rsv);
size_t		 rsv_cached(const struct rsv *rsv);
uint64_t	 rsv_evictions(const struct rsv *rsv);

/* The three above, as --stats and the metrics take them (stats.h). */
void		 rsv_gauges(const struct rsv *rsv, struct stats_gauges *g);

#endif /* RESOLVER_H */
