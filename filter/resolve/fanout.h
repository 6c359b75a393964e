/*
 * fanout: the lookups that fill the resolver's cache entries, each an
 * explicit state machine driven by c-ares callbacks: one PTR query for
 * the address, then one A or AAAA query per PTR name kept (at most
 * --max-names), every answer fed to the pure decision of fcrdns.h, the
 * verdict published in the entry once settled (ptrtag.1, VERDICTS). It
 * also owns what limits the queries: the -j in-flight slots (a FIFO of
 * waiting queries), the --max-qps bucket (ratelimit.h), server health
 * with its liveness probes (health.h), and what the answers teach: the
 * learned wait (rtt.h) and the lame reverse zones (lame.h).
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
 * - An entry's de_sent_ms and de_seq are the time and number (rack.h)
 *   of its lookup's latest query sent, de_sent_ms 0 while one of its
 *   queries waits in the FIFO: time spent waiting for a slot is never
 *   held against the resolver.
 */
#ifndef FANOUT_H
#define FANOUT_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dnsent.h"
#include "health.h"
#include "lame.h"
#include "rack.h"
#include "ratelimit.h"
#include "rtt.h"
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
	struct rtt		 fo_rtt;	/* the learned wait */
	struct lame		 fo_lame;	/* lame reverse zones */
	struct rack		 fo_rack;	/* which queries are passed */
	struct rack_sent	 fo_probe_rs;	/* the liveness probe's */
	struct rack_sent	 fo_tail_rs;	/* the tail probe's */
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
 * Before a new address is looked up: may it be (lame.h)? LAME_SKIP
 * means its reverse zone is lame: answer temperror, start nothing. After
 * LAME_PROBE the caller must start the lookup, or call
 * fanout_lame_void() when it cannot.
 */
enum lame_say fanout_lame(struct fanout *fo, const struct ipaddr *ia,
	    uint64_t now_ms);
void	fanout_lame_void(struct fanout *fo, const struct ipaddr *ia);

/*
 * Start the lookup that settles de (VERDICT_PENDING, in the cache); its
 * latency counts from now (stats_latency(), in microseconds).
 */
void	fanout_start(struct fanout *fo, struct dnsent *de);

/* After socket events: send a probe if one is due, fill free slots. */
void	fanout_run(struct fanout *fo, uint64_t now_ms);

/*
 * What dnsent_wait_until() needs at now: the learned wait (rtt.h, also
 * kept in the stats) and which queries are passed (rack.h).
 */
void	fanout_wait(struct fanout *fo, uint64_t now_ms, struct dnsent_wait *dw);

/* Milliseconds until fanout_run() is needed anyway, or -1: never. */
int64_t	fanout_timeout_ms(struct fanout *fo, uint64_t now_ms);

#endif /* FANOUT_H */
