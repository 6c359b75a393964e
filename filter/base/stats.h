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

/*
 * The DNS response codes counted by name, by their RFC 1035 numbers:
 * st_rcode[] is indexed by the code itself. Their --stats keys are
 * "rcode_NAME" (stats.c holds the names); any other code counts in
 * st_rcode_other.
 */
enum stats_rcode {
	STATS_RCODE_NOERROR = 0,
	STATS_RCODE_FORMERR = 1,
	STATS_RCODE_SERVFAIL = 2,
	STATS_RCODE_NXDOMAIN = 3,
	STATS_RCODE_NOTIMP = 4,
	STATS_RCODE_REFUSED = 5,
	STATS_RCODE_COUNT
};

struct stats {
	uint64_t	st_lines_in;
	uint64_t	st_lines_out;
	uint64_t	st_addrs;		/* addresses annotated */
	uint64_t	st_cache_hits;
	uint64_t	st_cache_misses;
	uint64_t	st_cache_neg_hits;	/* hits on none/fail-like entries */
	uint64_t	st_queries;		/* DNS queries sent */
	uint64_t	st_rcode[STATS_RCODE_COUNT]; /* answers, by rcode */
	uint64_t	st_rcode_other;
	uint64_t	st_timeouts;		/* queries that timed out */
	uint64_t	st_late_lines;		/* written at their deadline */
	uint64_t	st_overdue_lines;	/* written at the learned wait */
	uint64_t	st_rtt_retried;		/* answers after a retry */
	uint64_t	st_tail_probes;		/* sent to tell slow from lost */
	uint64_t	st_wait_ms;		/* gauges of the learned wait */
	uint64_t	st_srtt_ms;
	uint64_t	st_rttvar_ms;
	uint64_t	st_rtt_max_ms;
	uint64_t	st_zones_lame;		/* reverse zones found lame */
	uint64_t	st_zone_skipped;	/* addresses answered from it */
	uint64_t	st_zone_probes;		/* lookups probing a lame zone */
	uint64_t	st_scan_errors;		/* matcher resource errors */
	uint64_t	st_pattern_limit;	/* lines over a pattern limit */
	uint64_t	st_shed;		/* lookups not started */
	uint64_t	st_backoffs;		/* times the server was given up */
	uint64_t	st_probes;		/* liveness probes sent */
	uint64_t	st_answers_dropped;	/* UDP answers to no query sent */
	uint64_t	st_tcp_retries;		/* truncated, asked over TCP */
	uint64_t	st_sockbuf_capped;	/* UDP buffers held below want */
	uint64_t	st_verdicts[VERDICT_COUNT];
	uint64_t	st_latency[STATS_LAT_BUCKETS];
};

/* Count one answer with DNS response code rcode (any number). */
void	stats_rcode(struct stats *st, unsigned int rcode);

/* Count one lookup that took ms milliseconds. */
void	stats_latency(struct stats *st, uint64_t ms);

/*
 * Write the counters to fd as one key=value line (json 0) or one JSON
 * object (json 1), with gauges supplied by the caller. The keys are
 * those of ptrtag.1, --stats; one per verdict, "verdict_WORD", in the
 * order of verdict.h. Async-signal unsafe: call from
 * the loop, not from a handler.
 */
void	stats_print(const struct stats *st, int fd, int json,
	    uint64_t inflight, uint64_t evictions, uint64_t cached);

#endif /* STATS_H */
