/*
 * fanout: the lookups that fill the resolver's cache entries, each an
 * explicit state machine driven by c-ares callbacks: one PTR query for
 * the address, then one A or AAAA query per PTR name kept (at most
 * --max-names), every answer fed to the pure decision of fcrdns.h, the
 * verdict published in the entry once settled (ptrtag.1, VERDICTS). It
 * also owns what limits the queries: the -j in-flight slots (a FIFO of
 * waiting queries), the --max-qps bucket (ratelimit.h) and server health
 * with its liveness probes (health.h).
 *
 * Lifetime rules (c-ares callbacks can run inside xport_query() itself,
 * inside xport_process() and inside xport_destroy()):
 * - A lookup pins its cache entry from its start until it settles, so
 *   the entry can never be evicted under a callback.
 * - lk_outstanding counts queries queued or in flight; it is raised
 *   before a query is queued and lowered first thing in its callback.
 * - A callback frees its own struct query and never touches another.
 * - Queries are only taken off the waiting FIFO by fanout_run() and
 *   fanout_start(), outside callbacks, so completion never recurses
 *   without bound.
 */
#ifndef FANOUT_H
#define FANOUT_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dnsent.h"
#include "health.h"
#include "ratelimit.h"
#include "stats.h"
#include "transport.h"

struct query;
TAILQ_HEAD(query_fifo, query);

/* Embedded in the resolver; members are read-only outside fanout.c. */
struct fanout {
	struct xport		*fo_xport;
	const struct config	*fo_cfg;
	struct stats		*fo_stats;
	struct query_fifo	 fo_waiting;
	size_t			 fo_inflight;	/* sent, not yet called back */
	size_t			 fo_pending;	/* lookups not yet settled */
	struct health		 fo_health;
	struct ratelimit	 fo_qps;
};

/*
 * Create the transport (transport.h) for cfg and set the limits up.
 * Returns 0, or -1 with a message in err on a configuration error.
 */
int	fanout_init(struct fanout *fo, const struct config *cfg,
	    struct stats *st, uint64_t now_ms, char *err, size_t errlen);

/* Cancel every query; lookups are freed, their entries left pending. */
void	fanout_destroy(struct fanout *fo);

/*
 * May a new lookup start now? Not while backing off from the server
 * (only probes test it then), nor while the --max-qps budget is spent.
 */
int	fanout_admit(struct fanout *fo, uint64_t now_ms);

/*
 * Start the lookup that settles de (VERDICT_PENDING, in the cache); its
 * latency counts from now (stats_latency(), in microseconds).
 */
void	fanout_start(struct fanout *fo, struct dnsent *de);

/* After socket events: send a probe if one is due, fill free slots. */
void	fanout_run(struct fanout *fo, uint64_t now_ms);

/* Milliseconds until fanout_run() is needed anyway, or -1: never. */
int64_t	fanout_timeout_ms(struct fanout *fo, uint64_t now_ms);

#endif /* FANOUT_H */
