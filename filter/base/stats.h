/*
 * stats: the counters of ptrtag.1, --stats, kept by every module, printed
 * on SIGUSR1 and at exit with --stats, and described one by one for the
 * --metrics-file (metrics.h formats them).
 */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

/*
 * Lookup latency histogram (ptrtag.1, --metrics-file): bucket i below
 * STATS_LAT_BUCKETS - 1 counts the lookups that took more than the
 * bound of bucket i - 1 and at most stats_latency_bound_us(i) = 2^i ms;
 * the last bucket counts the longer ones. Buckets are not cumulative.
 */
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
	uint64_t	st_json_passed;		/* --input json: not enriched */
	uint64_t	st_scanned_ahead;	/* by the scan-ahead thread */
	uint64_t	st_verdicts[VERDICT_COUNT];
	/* The lookup latency histogram: counts, their number and sum. */
	uint64_t	st_latency[STATS_LAT_BUCKETS];
	uint64_t	st_lookups;		/* lookups settled and timed */
	uint64_t	st_lookup_us;		/* their total time */
	uint64_t	st_lookup_max_us;	/* the longest of them */
};

/*
 * The values stats_print() and the metrics take from the resolver
 * rather than from struct stats.
 */
struct stats_gauges {
	uint64_t	sg_inflight;		/* DNS queries in flight */
	uint64_t	sg_evictions;		/* cache evictions so far */
	uint64_t	sg_cached;		/* cache entries now */
};

/* Count one answer with DNS response code rcode (any number). */
void	stats_rcode(struct stats *st, unsigned int rcode);

/* Count one settled lookup that took us microseconds. */
void	stats_latency(struct stats *st, uint64_t us);

/*
 * The upper bound, in microseconds, of latency bucket i: 1000 << i, or
 * UINT64_MAX for the last bucket (no bound).
 */
uint64_t stats_latency_bound_us(int i);

/*
 * An upper bound, in whole milliseconds, on quantile q (0 < q <= 1) of
 * the lookup latencies: the bound of the bucket in which the q-th
 * lookup falls, or the longest lookup rounded up when that is lower
 * (always, for the last bucket). 0 when no lookup was timed. Not an
 * estimate: at least q of the lookups took at most this long.
 */
uint64_t stats_latency_le_ms(const struct stats *st, double q);

/*
 * What one value of --stats is: its key, and as a metric (ptrtag.1,
 * --metrics-file) the family it belongs to, without the "ptrtag_"
 * prefix and the "_total" suffix of counters, and its label when the
 * family has several values. Items of one family are adjacent.
 */
enum stats_kind {
	STATS_COUNTER,
	STATS_GAUGE,
};

struct stats_item {
	const char	*sti_key;	/* "rcode_nxdomain" */
	const char	*sti_family;	/* "dns_responses" */
	const char	*sti_label;	/* "rcode", or NULL */
	const char	*sti_lvalue;	/* "nxdomain", or NULL */
	enum stats_kind	 sti_kind;
	const char	*sti_help;	/* the family's HELP line */
	uint64_t	 sti_value;
	int		 sti_milli;	/* value in thousandths of the unit */
};

/* The number of items stats_items() returns. */
#define STATS_ITEMS	(32 + STATS_RCODE_COUNT + VERDICT_COUNT - VERDICT_FIRST)

/*
 * Fill items[0 .. STATS_ITEMS) with the counters and gauges, in the
 * order of --stats; the strings are static. The latency histogram and
 * the quantile bounds are not among them (see st_latency).
 */
void	stats_items(const struct stats *st, const struct stats_gauges *g,
	    struct stats_item items[STATS_ITEMS]);

/*
 * Write the counters to fd as one key=value line (json 0) or one JSON
 * object (json 1): the items of stats_items(), then "lookups",
 * "lookup_time_us", "latency_p50_ms_le" and "latency_p99_ms_le"; the keys
 * are those of ptrtag.1, --stats. Async-signal unsafe: call from the
 * loop, not from a handler.
 */
void	stats_print(const struct stats *st, const struct stats_gauges *g,
	    int fd, int json);

#endif /* STATS_H */
