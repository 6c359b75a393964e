/*
 * resolver: see resolver.h. The cache and its entries are here; the
 * lookups that settle them are fanout.c's, the decision fcrdns.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "fanout.h"
#include "generic.h"
#include "resolver.h"
#include "util.h"

struct rsv {
	struct fanout		 rs_fan;
	struct stats		*rs_stats;
	struct lru		*rs_cache;
	size_t			 rs_max_pending;
};

size_t
rsv_inflight(const struct rsv *rsv)
{
	return rsv->rs_fan.fo_inflight;
}

void
rsv_gauges(const struct rsv *rsv, struct stats_gauges *g)
{
	g->sg_inflight = rsv_inflight(rsv);
	g->sg_evictions = rsv_evictions(rsv);
	g->sg_cached = rsv_cached(rsv);
}

int
rsv_saturated(const struct rsv *rsv)
{
	return rsv->rs_fan.fo_pending >= rsv->rs_max_pending &&
	    !health_down(&rsv->rs_fan.fo_health);
}

int
rsv_sockbuf_capped(const struct rsv *rsv, int *want, int *got)
{
	return xport_sockbuf(rsv->rs_fan.fo_xport, want, got);
}

size_t
rsv_cached(const struct rsv *rsv)
{
	return lru_count(rsv->rs_cache);
}

uint64_t
rsv_evictions(const struct rsv *rsv)
{
	return lru_evictions(rsv->rs_cache);
}

struct rsv *
rsv_create(const struct config *cfg, struct stats *st, char *err,
    size_t errlen)
{
	struct rsv	*rsv;

	rsv = xcalloc(1, sizeof(*rsv));
	rsv->rs_stats = st;
	rsv->rs_max_pending = pending_bound(cfg->cf_max_inflight);
	if ((rsv->rs_cache = lru_create(cfg->cf_cache_size, dnsent_drop,
	    NULL)) == NULL) {
		snprintf(err, errlen, "cache of %u entries: %s",
		    cfg->cf_cache_size, strerror(errno));
		free(rsv);
		return NULL;
	}
	if (fanout_init(&rsv->rs_fan, cfg, st, now_ms(), err, errlen) == -1) {
		lru_destroy(rsv->rs_cache);
		free(rsv);
		return NULL;
	}
	return rsv;
}

void
rsv_destroy(struct rsv *rsv)
{
	if (rsv == NULL)
		return;
	fanout_destroy(&rsv->rs_fan);
	lru_destroy(rsv->rs_cache);
	free(rsv);
}

/* The cache entry for ia, settled or not, or NULL; key is filled. */
static struct dnsent *
entry_find(struct rsv *rsv, const struct ipaddr *ia, uint64_t now,
    uint8_t key[IPADDR_KEYLEN])
{
	ipaddr_key(ia, key);
	return (struct dnsent *)lru_lookup(rsv->rs_cache, key, IPADDR_KEYLEN,
	    now);
}

struct dnsent *
rsv_acquire(struct rsv *rsv, const struct ipaddr *ia, uint64_t now,
    enum verdict *shed)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct dnsent	*de;
	enum lame_say	 say;

	if ((de = entry_find(rsv, ia, now, key)) != NULL) {
		rsv->rs_stats->st_cache_hits++;
		if (de->de_verdict == VERDICT_NONE ||
		    de->de_verdict == VERDICT_FAIL)
			rsv->rs_stats->st_cache_neg_hits++;
		lru_pin(&de->de_lru);
		return de;
	}
	rsv->rs_stats->st_cache_misses++;
	/*
	 * Readers stop at rs_max_pending (rsv_saturated), but one line may
	 * bring up to --max-ips new addresses past it; shed only beyond
	 * that margin, which backpressure keeps us from reaching.
	 */
	if (!fanout_admit(&rsv->rs_fan, now) || rsv->rs_fan.fo_pending >=
	    rsv->rs_max_pending + LINE_ADDRS_MAX) {
		rsv->rs_stats->st_shed++;
		*shed = VERDICT_SKIPPED;
		return NULL;
	}
	/* Not cached: the next address of the zone is looked up anew. */
	if ((say = fanout_lame(&rsv->rs_fan, ia, now)) == LAME_SKIP) {
		*shed = VERDICT_TEMPERROR;
		return NULL;
	}
	if ((de = dnsent_insert(rsv->rs_cache, ia, key)) == NULL) {
		if (say == LAME_PROBE)
			fanout_lame_void(&rsv->rs_fan, ia);
		*shed = VERDICT_SKIPPED;
		return NULL;
	}
	lru_pin(&de->de_lru);		/* the caller's pin */
	fanout_start(&rsv->rs_fan, de);
	return de;
}

struct dnsent *
rsv_peek(struct rsv *rsv, const struct ipaddr *ia, uint64_t now)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct dnsent	*de;

	if ((de = entry_find(rsv, ia, now, key)) == NULL)
		return NULL;
	rsv->rs_stats->st_cache_hits++;
	lru_pin(&de->de_lru);
	return de;
}

void
rsv_prefetch(const struct rsv *rsv, const struct ipaddr *ia, int step)
{
	const struct dnsent	*de;
	uint8_t			 key[IPADDR_KEYLEN];

	ipaddr_key(ia, key);
	switch (step) {
	case 0:
		lru_prefetch_set(rsv->rs_cache, key, IPADDR_KEYLEN);
		break;
	case 1:
		lru_prefetch(rsv->rs_cache, key, IPADDR_KEYLEN,
		    sizeof(struct dnsent));
		break;
	default:
		de = (const struct dnsent *)lru_prefetch_peek(rsv->rs_cache,
		    key, IPADDR_KEYLEN);
		if (de == NULL)
			break;
		if (de->de_note != NULL) {
			__builtin_prefetch(de->de_note);
			__builtin_prefetch(de->de_note + de->de_notelen - 1);
		} else if (de->de_host != NULL)
			__builtin_prefetch(de->de_host);
	}
}

void
rsv_release(struct rsv *rsv, struct dnsent *de)
{
	(void)rsv;
	lru_unpin(&de->de_lru);
}

int
rsv_preload(struct rsv *rsv, const struct ipaddr *ia, enum verdict v,
    const char *host, uint64_t expires_ms)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct dnsent	*de;

	if (entry_find(rsv, ia, now_ms(), key) != NULL)
		return 0;
	if ((de = dnsent_insert(rsv->rs_cache, ia, key)) == NULL)
		return -1;
	dnsent_settle(de, v, host, host != NULL && generic_host(ia, host),
	    expires_ms);
	return 0;
}

struct foreach_arg {
	void	(*fa_fn)(const struct dnsent *, uint64_t, void *);
	void	 *fa_arg;
};

static void
foreach_settled(struct lru_entry *le, void *arg)
{
	struct foreach_arg	*fa = arg;
	struct dnsent		*de = (struct dnsent *)le;

	if (de->de_verdict != VERDICT_PENDING)
		fa->fa_fn(de, lru_expiry(le), fa->fa_arg);
}

void
rsv_foreach(struct rsv *rsv, void (*fn)(const struct dnsent *, uint64_t,
    void *), void *arg)
{
	struct foreach_arg	fa = { fn, arg };

	lru_foreach(rsv->rs_cache, foreach_settled, &fa);
}

int
rsv_npollfds(const struct rsv *rsv)
{
	return xport_npollfds(rsv->rs_fan.fo_xport);
}

int
rsv_pollfds(struct rsv *rsv, struct pollfd *pfd, int max)
{
	return xport_pollfds(rsv->rs_fan.fo_xport, pfd, max);
}

void
rsv_wait(struct rsv *rsv, uint64_t now, struct dnsent_wait *dw)
{
	fanout_wait(&rsv->rs_fan, now, dw);
}

int64_t
rsv_timeout_ms(struct rsv *rsv)
{
	return fanout_timeout_ms(&rsv->rs_fan, now_ms());
}

void
rsv_process(struct rsv *rsv, const struct pollfd *pfd, int n, uint64_t now)
{
	xport_process(rsv->rs_fan.fo_xport, pfd, n);
	fanout_run(&rsv->rs_fan, now);
}
