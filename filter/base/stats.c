/*
 * stats: see stats.h.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"

/* The --stats key suffixes, indexed by rcode (stats.h). */
static const char *const rcode_names[STATS_RCODE_COUNT] = {
	[STATS_RCODE_NOERROR] = "noerror",
	[STATS_RCODE_FORMERR] = "formerr",
	[STATS_RCODE_SERVFAIL] = "servfail",
	[STATS_RCODE_NXDOMAIN] = "nxdomain",
	[STATS_RCODE_NOTIMP] = "notimp",
	[STATS_RCODE_REFUSED] = "refused",
};

void
stats_rcode(struct stats *st, unsigned int rcode)
{
	if (rcode < STATS_RCODE_COUNT)
		st->st_rcode[rcode]++;
	else
		st->st_rcode_other++;
}

void
stats_latency(struct stats *st, uint64_t ms)
{
	int	i;

	for (i = 0; i < STATS_LAT_BUCKETS - 1; i++)
		if (ms < ((uint64_t)1 << i))
			break;
	st->st_latency[i]++;
}

/* Upper bound (ms) of the bucket holding quantile q of the latencies. */
static uint64_t
latency_quantile(const struct stats *st, double q)
{
	uint64_t	total = 0, seen = 0;
	int		i;

	for (i = 0; i < STATS_LAT_BUCKETS; i++)
		total += st->st_latency[i];
	if (total == 0)
		return 0;
	for (i = 0; i < STATS_LAT_BUCKETS; i++) {
		seen += st->st_latency[i];
		if ((double)seen >= q * (double)total)
			break;
	}
	return (uint64_t)1 << (i < STATS_LAT_BUCKETS ? i : STATS_LAT_BUCKETS - 1);
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
stats_print(const struct stats *st, int fd, int json, uint64_t inflight,
    uint64_t evictions, uint64_t cached)
{
	char	buf[2048], key[32];
	size_t	len;
	int	i;

	buf[0] = '\0';
	if (json)
		strlcpy(buf, "{", sizeof(buf));
	put(buf, sizeof(buf), json, "lines_in", st->st_lines_in);
	put(buf, sizeof(buf), json, "lines_out", st->st_lines_out);
	put(buf, sizeof(buf), json, "addresses", st->st_addrs);
	put(buf, sizeof(buf), json, "cache_hits", st->st_cache_hits);
	put(buf, sizeof(buf), json, "cache_misses", st->st_cache_misses);
	put(buf, sizeof(buf), json, "cache_neg_hits", st->st_cache_neg_hits);
	put(buf, sizeof(buf), json, "cache_evictions", evictions);
	put(buf, sizeof(buf), json, "cache_entries", cached);
	put(buf, sizeof(buf), json, "queries", st->st_queries);
	for (i = 0; i < STATS_RCODE_COUNT; i++) {
		snprintf(key, sizeof(key), "rcode_%s", rcode_names[i]);
		put(buf, sizeof(buf), json, key, st->st_rcode[i]);
	}
	put(buf, sizeof(buf), json, "rcode_other", st->st_rcode_other);
	put(buf, sizeof(buf), json, "query_timeouts", st->st_timeouts);
	put(buf, sizeof(buf), json, "inflight", inflight);
	put(buf, sizeof(buf), json, "lookups_shed", st->st_shed);
	put(buf, sizeof(buf), json, "backoffs", st->st_backoffs);
	put(buf, sizeof(buf), json, "probes", st->st_probes);
	put(buf, sizeof(buf), json, "answers_dropped", st->st_answers_dropped);
	put(buf, sizeof(buf), json, "tcp_retries", st->st_tcp_retries);
	put(buf, sizeof(buf), json, "sockbuf_capped", st->st_sockbuf_capped);
	put(buf, sizeof(buf), json, "lines_late", st->st_late_lines);
	put(buf, sizeof(buf), json, "lines_overdue", st->st_overdue_lines);
	put(buf, sizeof(buf), json, "wait_ms", st->st_wait_ms);
	put(buf, sizeof(buf), json, "srtt_ms", st->st_srtt_ms);
	put(buf, sizeof(buf), json, "rttvar_ms", st->st_rttvar_ms);
	put(buf, sizeof(buf), json, "rtt_max_ms", st->st_rtt_max_ms);
	put(buf, sizeof(buf), json, "rtt_retried", st->st_rtt_retried);
	put(buf, sizeof(buf), json, "tail_probes", st->st_tail_probes);
	put(buf, sizeof(buf), json, "zones_lame", st->st_zones_lame);
	put(buf, sizeof(buf), json, "zone_skipped", st->st_zone_skipped);
	put(buf, sizeof(buf), json, "zone_probes", st->st_zone_probes);
	put(buf, sizeof(buf), json, "pattern_limit", st->st_pattern_limit);
	for (i = VERDICT_FIRST; i < VERDICT_COUNT; i++) {
		snprintf(key, sizeof(key), "verdict_%s",
		    verdict_name((enum verdict)i));
		put(buf, sizeof(buf), json, key, st->st_verdicts[i]);
	}
	put(buf, sizeof(buf), json, "latency_p50_ms",
	    latency_quantile(st, 0.50));
	put(buf, sizeof(buf), json, "latency_p99_ms",
	    latency_quantile(st, 0.99));
	strlcat(buf, json ? "}\n" : "\n", sizeof(buf));
	len = strlen(buf);
	(void)write(fd, buf, len);
}
