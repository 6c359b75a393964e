/*
 * statstest: see statstest.h.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "statstest.h"

const struct stats_gauges	stt_gauges = { 18, 7, 8 };

void
stt_printed(const struct stats *st, int json, char *out, size_t outsz)
{
	size_t	len = 0;
	ssize_t	n;
	int	p[2];

	cr_assert_eq(pipe(p), 0);
	stats_print(st, &stt_gauges, p[1], json);
	close(p[1]);
	while ((n = read(p[0], out + len, outsz - 1 - len)) > 0)
		len += (size_t)n;
	cr_assert_geq(n, 0);
	out[len] = '\0';
	close(p[0]);
}

void
stt_numbered(struct stats *st)
{
	uint64_t	v = 1;
	int		i;

	memset(st, 0, sizeof(*st));
	st->st_lines_in = v++;
	st->st_lines_out = v++;
	st->st_addrs = v++;
	st->st_cache_hits = v++;
	st->st_cache_misses = v++;
	st->st_cache_neg_hits = v++;
	v += 2;			/* evictions and entries are gauges: 7, 8 */
	st->st_queries = v++;
	for (i = 0; i < STATS_RCODE_COUNT; i++)
		st->st_rcode[i] = v++;
	st->st_rcode_other = v++;
	st->st_timeouts = v++;
	v++;			/* inflight: 18 */
	st->st_shed = v++;
	st->st_backoffs = v++;
	st->st_probes = v++;
	st->st_answers_dropped = v++;
	st->st_tcp_retries = v++;
	st->st_sockbuf_capped = v++;
	st->st_late_lines = v++;
	st->st_overdue_lines = v++;
	st->st_wait_ms = v++;
	st->st_srtt_ms = v++;
	st->st_rttvar_ms = v++;
	st->st_rtt_max_ms = v++;
	st->st_rtt_retried = v++;
	st->st_tail_probes = v++;
	st->st_zones_lame = v++;
	st->st_zone_skipped = v++;
	st->st_zone_probes = v++;
	st->st_pattern_limit = v++;
	st->st_json_passed = v++;
	st->st_scanned_ahead = v++;
	for (i = VERDICT_FIRST; i < VERDICT_COUNT; i++)
		st->st_verdicts[i] = v++;
	/* Not printed: pending verdicts and matcher errors. */
	st->st_verdicts[VERDICT_PENDING] = 777;
	st->st_scan_errors = 999;
	for (i = 0; i < 98; i++)
		stats_latency(st, 3000);	/* 3 ms: bucket 2, <= 4 ms */
	stats_latency(st, 700000);		/* 700 ms: bucket 10 */
	stats_latency(st, 700000);
}
