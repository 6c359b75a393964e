/*
 * stats: see stats.h. One table, defs[], says what each value of --stats
 * is; the --stats line and the metrics (metrics.c) both read it, so a
 * counter cannot be in one and missing from the other.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"

/* Where an item's value is: a field of struct stats, or a gauge. */
enum stats_src {
	SRC_FIELD,
	SRC_INFLIGHT,
	SRC_EVICTIONS,
	SRC_CACHED,
};

struct stats_def {
	const char	*sd_key;
	const char	*sd_family;
	const char	*sd_label;
	const char	*sd_lvalue;
	enum stats_kind	 sd_kind;
	enum stats_src	 sd_src;
	size_t		 sd_off;	/* SRC_FIELD: offsetof(struct stats) */
	const char	*sd_help;
	int		 sd_milli;	/* value in ms, metric in seconds */
};

#define OFF(f)		offsetof(struct stats, f)
/* A counter of its own family: the key is the family's name. */
#define COUNTER(key, family, f, help)					\
	{ key, family, NULL, NULL, STATS_COUNTER, SRC_FIELD, OFF(f), help, 0 }
#define FROM(key, family, kind, src, help)				\
	{ key, family, NULL, NULL, kind, src, 0, help, 0 }
/*
 * A gauge of milliseconds kept in a field, of its own family: --stats
 * prints the milliseconds, the metric the seconds (its base unit).
 */
#define MS_GAUGE(key, family, f, help)					\
	{ key, family, NULL, NULL, STATS_GAUGE, SRC_FIELD, OFF(f), help, 1 }
#define RCODE_HELP							\
	"DNS queries answered, by response code (other: any other code "  \
	"or a network error)."
#define RCODE(name, word)						\
	{ "rcode_" word, "dns_responses", "rcode", word, STATS_COUNTER,	\
	    SRC_FIELD, OFF(st_rcode[STATS_RCODE_##name]), RCODE_HELP, 0 }
#define VERDICT_DEF(name, word, host, ttl, help)			\
	{ "verdict_" word, "verdicts", "verdict", word, STATS_COUNTER,	\
	    SRC_FIELD, OFF(st_verdicts[VERDICT_##name]),		\
	    "Addresses annotated, by FCrDNS verdict.", 0 },

/* The --stats order (ptrtag.1, --stats); a family's items adjacent. */
static const struct stats_def defs[] = {
	COUNTER("lines_in", "lines_in", st_lines_in, "Lines read."),
	COUNTER("lines_out", "lines_out", st_lines_out, "Lines written."),
	COUNTER("addresses", "addresses", st_addrs,
	    "Addresses annotated in the lines written."),
	COUNTER("cache_hits", "cache_hits", st_cache_hits,
	    "Addresses found in the cache, settled or pending."),
	COUNTER("cache_misses", "cache_misses", st_cache_misses,
	    "Addresses not in the cache."),
	COUNTER("cache_neg_hits", "cache_negative_hits", st_cache_neg_hits,
	    "Cache hits on a none or fail entry."),
	FROM("cache_evictions", "cache_evictions", STATS_COUNTER,
	    SRC_EVICTIONS, "Cache entries evicted to make room."),
	FROM("cache_entries", "cache_entries", STATS_GAUGE, SRC_CACHED,
	    "Entries in the cache."),
	COUNTER("queries", "dns_queries", st_queries, "DNS queries sent."),
	RCODE(NOERROR, "noerror"),
	RCODE(FORMERR, "formerr"),
	RCODE(SERVFAIL, "servfail"),
	RCODE(NXDOMAIN, "nxdomain"),
	RCODE(NOTIMP, "notimp"),
	RCODE(REFUSED, "refused"),
	{ "rcode_other", "dns_responses", "rcode", "other", STATS_COUNTER,
	    SRC_FIELD, OFF(st_rcode_other), RCODE_HELP, 0 },
	COUNTER("query_timeouts", "dns_query_timeouts", st_timeouts,
	    "DNS queries that got no answer after all tries."),
	FROM("inflight", "dns_queries_inflight", STATS_GAUGE, SRC_INFLIGHT,
	    "DNS queries in flight."),
	COUNTER("lookups_shed", "lookups_shed", st_shed,
	    "Lookups not started (--max-qps or back-off): skipped."),
	COUNTER("backoffs", "dns_backoffs", st_backoffs,
	    "Times the DNS server was given up as unreachable."),
	COUNTER("probes", "dns_probes", st_probes,
	    "Liveness probes sent to the DNS server."),
	COUNTER("answers_dropped", "dns_answers_dropped", st_answers_dropped,
	    "DNS answers dropped: no query of theirs outstanding."),
	COUNTER("tcp_retries", "dns_tcp_retries", st_tcp_retries,
	    "Truncated DNS answers asked again over TCP."),
	COUNTER("sockbuf_capped", "dns_sockbuf_capped", st_sockbuf_capped,
	    "UDP sockets whose buffers the kernel held below what -j needs."),
	COUNTER("lines_late", "lines_late", st_late_lines,
	    "Lines written at their --max-delay deadline."),
	COUNTER("lines_overdue", "lines_overdue", st_overdue_lines,
	    "Lines written before --max-delay, a passed query given up."),
	MS_GAUGE("wait_ms", "dns_wait_seconds", st_wait_ms,
	    "The learned wait for a DNS query in flight."),
	MS_GAUGE("srtt_ms", "dns_srtt_seconds", st_srtt_ms,
	    "Smoothed round trip of the DNS answers."),
	MS_GAUGE("rttvar_ms", "dns_rttvar_seconds", st_rttvar_ms,
	    "Round-trip variation of the DNS answers."),
	MS_GAUGE("rtt_max_ms", "dns_rtt_max_seconds", st_rtt_max_ms,
	    "Slowest recent DNS answer."),
	COUNTER("rtt_retried", "dns_retried_answers", st_rtt_retried,
	    "DNS answers that came only after a retry."),
	COUNTER("tail_probes", "dns_tail_probes", st_tail_probes,
	    "Tail probes sent to tell a slow DNS server from a lost query."),
	COUNTER("zones_lame", "dns_zones_lame", st_zones_lame,
	    "Reverse zones found lame."),
	COUNTER("zone_skipped", "dns_zone_skipped", st_zone_skipped,
	    "Addresses answered temperror from the lame-zone memory."),
	COUNTER("zone_probes", "dns_zone_probes", st_zone_probes,
	    "Lookups sent to probe a lame zone."),
	COUNTER("pattern_limit", "pattern_limit_lines", st_pattern_limit,
	    "Lines on which a pattern reached a PCRE2 limit."),
	COUNTER("json_passed_through", "json_passed_through_lines",
	    st_json_passed, "--input json lines written unchanged: not an "
	    "object to enrich."),
	COUNTER("lines_scanned_ahead", "lines_scanned_ahead", st_scanned_ahead,
	    "Lines whose addresses the scan-ahead thread found."),
	VERDICTS(VERDICT_DEF)
};

_Static_assert(sizeof(defs) / sizeof(defs[0]) == STATS_ITEMS,
    "STATS_ITEMS counts defs[]");

void
stats_rcode(struct stats *st, unsigned int rcode)
{
	if (rcode < STATS_RCODE_COUNT)
		st->st_rcode[rcode]++;
	else
		st->st_rcode_other++;
}

uint64_t
stats_latency_bound_us(int i)
{
	if (i >= STATS_LAT_BUCKETS - 1)
		return UINT64_MAX;
	return (uint64_t)1000 << i;
}

void
stats_latency(struct stats *st, uint64_t us)
{
	int	i;

	for (i = 0; i < STATS_LAT_BUCKETS - 1; i++)
		if (us <= stats_latency_bound_us(i))
			break;
	st->st_latency[i]++;
	st->st_lookups++;
	st->st_lookup_us += us;
	if (us > st->st_lookup_max_us)
		st->st_lookup_max_us = us;
}

uint64_t
stats_latency_le_ms(const struct stats *st, double q)
{
	uint64_t	seen = 0, bound;
	int		i;

	if (st->st_lookups == 0)
		return 0;
	for (i = 0; i < STATS_LAT_BUCKETS - 1; i++) {
		seen += st->st_latency[i];
		if ((double)seen >= q * (double)st->st_lookups)
			break;
	}
	bound = stats_latency_bound_us(i);
	if (st->st_lookup_max_us < bound)
		bound = st->st_lookup_max_us;
	return bound / 1000 + (bound % 1000 != 0);
}

void
stats_items(const struct stats *st, const struct stats_gauges *g,
    struct stats_item items[STATS_ITEMS])
{
	const struct stats_def	*d;
	struct stats_item	*it;
	size_t			 i;

	for (i = 0; i < STATS_ITEMS; i++) {
		d = &defs[i];
		it = &items[i];
		it->sti_key = d->sd_key;
		it->sti_family = d->sd_family;
		it->sti_label = d->sd_label;
		it->sti_lvalue = d->sd_lvalue;
		it->sti_kind = d->sd_kind;
		it->sti_help = d->sd_help;
		it->sti_milli = d->sd_milli;
		switch (d->sd_src) {
		case SRC_FIELD:
			memcpy(&it->sti_value, (const char *)st + d->sd_off,
			    sizeof(it->sti_value));
			break;
		case SRC_INFLIGHT:
			it->sti_value = g->sg_inflight;
			break;
		case SRC_EVICTIONS:
			it->sti_value = g->sg_evictions;
			break;
		case SRC_CACHED:
			it->sti_value = g->sg_cached;
			break;
		}
	}
}

/* Append "key=value" or "\"key\":value" with a separator to buf. */
static void
put(char *buf, size_t bufsz, int json, const char *key, uint64_t val)
{
	size_t	len = strlen(buf);

	if (len >= bufsz)
		return;
	snprintf(buf + len, bufsz - len, json ? "%s\"%s\":%llu" : "%s%s=%llu",
	    len > (json ? 1u : 0u) ? (json ? "," : " ") : "", key,
	    (unsigned long long)val);
}

void
stats_print(const struct stats *st, const struct stats_gauges *g, int fd,
    int json)
{
	struct stats_item	items[STATS_ITEMS];
	char			buf[2048];
	size_t			i;

	stats_items(st, g, items);
	buf[0] = '\0';
	if (json)
		strlcpy(buf, "{", sizeof(buf));
	for (i = 0; i < STATS_ITEMS; i++)
		put(buf, sizeof(buf), json, items[i].sti_key,
		    items[i].sti_value);
	put(buf, sizeof(buf), json, "lookups", st->st_lookups);
	put(buf, sizeof(buf), json, "lookup_time_us", st->st_lookup_us);
	put(buf, sizeof(buf), json, "latency_p50_ms_le",
	    stats_latency_le_ms(st, 0.50));
	put(buf, sizeof(buf), json, "latency_p99_ms_le",
	    stats_latency_le_ms(st, 0.99));
	strlcat(buf, json ? "}\n" : "\n", sizeof(buf));
	/*
	 * Best effort: a closed or full stderr loses the counters, nothing
	 * else. A test, not a (void) cast: glibc's _FORTIFY_SOURCE (the
	 * Debian package's build flags) marks write() warn_unused_result.
	 */
	if (write(fd, buf, strlen(buf)) == -1)
		return;
}
