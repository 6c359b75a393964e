/*
 * stats: the counters of ptrtag.1, --stats, kept by every module and printed
 * on SIGUSR1 and at exit with --stats.
 */
#ifndef STATS_H
#define STATS_H

#include <stdint.h>

#include "verdict.h"

/* Lookup latency histogram: bucket i counts latencies < 2^i ms. */
#define STATS_LAT_BUCKETS	20

struct stats {
	uint64_t	st_lines_in;
	uint64_t	st_lines_out;
	uint64_t	st_addrs;		/* addresses annotated */
	uint64_t	st_cache_hits;
	uint64_t	st_cache_misses;
	uint64_t	st_cache_neg_hits;	/* hits on none/fail-like entries */
	uint64_t	st_queries;		/* DNS queries sent */
	uint64_t	st_rcode[6];		/* answers: NOERROR..REFUSED */
	uint64_t	st_rcode_other;
	uint64_t	st_timeouts;		/* queries that timed out */
	uint64_t	st_late_lines;		/* written at their deadline */
	uint64_t	st_scan_errors;		/* matcher resource errors */
	uint64_t	st_pattern_limit;	/* lines over a pattern limit */
	uint64_t	st_shed;		/* lookups not started */
	uint64_t	st_backoffs;		/* times the server was given up */
	uint64_t	st_probes;		/* liveness probes sent */
	uint64_t	st_answers_dropped;	/* UDP answers to no query sent */
	uint64_t	st_tcp_retries;		/* truncated, asked over TCP */
	uint64_t	st_verdicts[VERDICT_COUNT];
	uint64_t	st_latency[STATS_LAT_BUCKETS];
};

/* Count one lookup that took ms milliseconds. */
void	stats_latency(struct stats *st, uint64_t ms);

/*
 * Write the counters to fd as one key=value line or one JSON object,
 * with gauges supplied by the caller. Async-signal unsafe: call from
 * the loop, not from a handler.
 */
void	stats_print(const struct stats *st, int fd, int json,
	    uint64_t inflight, uint64_t evictions, uint64_t cached);

#endif /* STATS_H */
