/*
 * stats: the counters of filter/base/stats.h and their --stats line
 * (ptrtag.1, --stats): every key in order with its own value, as
 * key=value and as one JSON object; rcodes counted by name or as
 * rcode_other; the latency histogram and the p50/p99 it prints.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"

/* What stats_print() writes for st and the three gauges. */
static void
printed(const struct stats *st, int json, char *out, size_t outsz)
{
	size_t	len = 0;
	ssize_t	n;
	int	p[2];

	cr_assert_eq(pipe(p), 0);
	stats_print(st, p[1], json, 18, 7, 8);
	close(p[1]);
	while ((n = read(p[0], out + len, outsz - 1 - len)) > 0)
		len += (size_t)n;
	cr_assert_geq(n, 0);
	out[len] = '\0';
	close(p[0]);
}

/* Every counter distinct, so a key printing the wrong field shows. */
static void
numbered(struct stats *st)
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
	for (i = VERDICT_FIRST; i < VERDICT_COUNT; i++)
		st->st_verdicts[i] = v++;
	/* Not printed: pending verdicts and matcher errors. */
	st->st_verdicts[VERDICT_PENDING] = 777;
	st->st_scan_errors = 999;
	st->st_latency[2] = 98;		/* 2..3 ms */
	st->st_latency[10] = 2;		/* 512..1023 ms */
}

Test(stats, kv_line_exact)
{
	struct stats	st;
	char		out[4096];

	numbered(&st);
	printed(&st, 0, out, sizeof(out));
	cr_expect_str_eq(out,
	    "lines_in=1 lines_out=2 addresses=3 cache_hits=4 cache_misses=5 "
	    "cache_neg_hits=6 cache_evictions=7 cache_entries=8 queries=9 "
	    "rcode_noerror=10 rcode_formerr=11 rcode_servfail=12 "
	    "rcode_nxdomain=13 rcode_notimp=14 rcode_refused=15 "
	    "rcode_other=16 query_timeouts=17 inflight=18 lookups_shed=19 "
	    "backoffs=20 probes=21 answers_dropped=22 tcp_retries=23 "
	    "sockbuf_capped=24 lines_late=25 lines_overdue=26 wait_ms=27 "
	    "srtt_ms=28 rttvar_ms=29 rtt_max_ms=30 rtt_retried=31 "
	    "tail_probes=32 zones_lame=33 zone_skipped=34 zone_probes=35 "
	    "pattern_limit=36 verdict_pass=37 verdict_fail=38 "
	    "verdict_none=39 verdict_temperror=40 verdict_permerror=41 "
	    "verdict_timeout=42 verdict_skipped=43 latency_p50_ms=4 "
	    "latency_p99_ms=1024\n");
}

Test(stats, json_object_exact)
{
	struct stats	st;
	char		out[4096];

	numbered(&st);
	printed(&st, 1, out, sizeof(out));
	cr_expect_str_eq(out,
	    "{\"lines_in\":1,\"lines_out\":2,\"addresses\":3,"
	    "\"cache_hits\":4,\"cache_misses\":5,\"cache_neg_hits\":6,"
	    "\"cache_evictions\":7,\"cache_entries\":8,\"queries\":9,"
	    "\"rcode_noerror\":10,\"rcode_formerr\":11,"
	    "\"rcode_servfail\":12,\"rcode_nxdomain\":13,"
	    "\"rcode_notimp\":14,\"rcode_refused\":15,\"rcode_other\":16,"
	    "\"query_timeouts\":17,\"inflight\":18,\"lookups_shed\":19,"
	    "\"backoffs\":20,\"probes\":21,\"answers_dropped\":22,"
	    "\"tcp_retries\":23,\"sockbuf_capped\":24,\"lines_late\":25,"
	    "\"lines_overdue\":26,\"wait_ms\":27,\"srtt_ms\":28,"
	    "\"rttvar_ms\":29,\"rtt_max_ms\":30,\"rtt_retried\":31,"
	    "\"tail_probes\":32,\"zones_lame\":33,\"zone_skipped\":34,"
	    "\"zone_probes\":35,\"pattern_limit\":36,"
	    "\"verdict_pass\":37,\"verdict_fail\":38,\"verdict_none\":39,"
	    "\"verdict_temperror\":40,\"verdict_permerror\":41,"
	    "\"verdict_timeout\":42,\"verdict_skipped\":43,"
	    "\"latency_p50_ms\":4,\"latency_p99_ms\":1024}\n");
}

/*
 * The two forms carry the same pairs: read each by hand, key by key.
 * Zeroed counters and the largest value both print in full.
 */
Test(stats, kv_and_json_same_pairs)
{
	struct stats	 st;
	char		 kv[4096], js[4096], key[64], val[32];
	const char	*k, *j;
	size_t		 n, pairs = 0;

	memset(&st, 0, sizeof(st));
	st.st_lines_in = UINT64_MAX;
	printed(&st, 0, kv, sizeof(kv));
	printed(&st, 1, js, sizeof(js));
	cr_assert_eq(strncmp(kv, "lines_in=18446744073709551615 ", 30), 0);
	k = kv;
	j = js;
	cr_assert_eq(*j++, '{');
	for (;;) {
		n = strcspn(k, "=");
		cr_assert_lt(n, sizeof(key));
		memcpy(key, k, n);
		key[n] = '\0';
		k += n + 1;
		n = strcspn(k, " \n");
		memcpy(val, k, n);
		val[n] = '\0';
		k += n;
		cr_assert_eq(*j++, '"', "before key %s", key);
		cr_assert_eq(strncmp(j, key, strlen(key)), 0, "key %s", key);
		j += strlen(key);
		cr_assert_eq(strncmp(j, "\":", 2), 0);
		j += 2;
		cr_assert_eq(strncmp(j, val, strlen(val)), 0, "%s", key);
		j += strlen(val);
		pairs++;
		if (*k == '\n')
			break;
		cr_assert_eq(*k++, ' ');
		cr_assert_eq(*j++, ',');
	}
	cr_expect_str_eq(k, "\n");
	cr_expect_str_eq(j, "}\n");
	/* 9 + rcodes + other + 20 + verdicts + 2 latencies. */
	cr_expect_eq(pairs, (size_t)(9 + STATS_RCODE_COUNT + 1 + 20 +
	    VERDICT_COUNT - VERDICT_FIRST + 2));
	cr_expect_eq(pairs, 45);
	cr_expect(strstr(kv, "latency_p50_ms=0 latency_p99_ms=0\n") != NULL,
	    "no latencies: both quantiles 0");
}

Test(stats, rcode_known_and_other)
{
	struct stats	st;
	unsigned int	other[] = { 6, 9, 15, 16, 23, 4095, 65535, ~0u };
	size_t		i;

	memset(&st, 0, sizeof(st));
	stats_rcode(&st, 0);
	stats_rcode(&st, 3);
	stats_rcode(&st, 3);
	stats_rcode(&st, 2);
	stats_rcode(&st, 5);
	stats_rcode(&st, 5);
	stats_rcode(&st, 5);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		stats_rcode(&st, other[i]);
	cr_expect_eq(st.st_rcode[STATS_RCODE_NOERROR], 1);
	cr_expect_eq(st.st_rcode[STATS_RCODE_FORMERR], 0);
	cr_expect_eq(st.st_rcode[STATS_RCODE_SERVFAIL], 1);
	cr_expect_eq(st.st_rcode[STATS_RCODE_NXDOMAIN], 2);
	cr_expect_eq(st.st_rcode[STATS_RCODE_NOTIMP], 0);
	cr_expect_eq(st.st_rcode[STATS_RCODE_REFUSED], 3);
	cr_expect_eq(st.st_rcode_other, 8);
	cr_expect_eq(STATS_RCODE_COUNT, 6);
}

Test(stats, rcode_names_printed)
{
	struct stats	st;
	char		out[4096];

	memset(&st, 0, sizeof(st));
	stats_rcode(&st, 1);
	stats_rcode(&st, 4);
	stats_rcode(&st, 4);
	stats_rcode(&st, 6);
	printed(&st, 0, out, sizeof(out));
	cr_expect(strstr(out, " rcode_noerror=0 rcode_formerr=1 "
	    "rcode_servfail=0 rcode_nxdomain=0 rcode_notimp=2 "
	    "rcode_refused=0 rcode_other=1 ") != NULL, "%s", out);
}

/* Bucket i counts latencies below 2^i ms; the last takes the rest. */
Test(stats, latency_buckets)
{
	static const struct {
		uint64_t	ms;
		int		bucket;
	} rows[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 2 }, { 4, 3 }, { 7, 3 },
		{ 8, 4 }, { 1023, 10 }, { 1024, 11 }, { 262143, 18 },
		{ 262144, 19 }, { 524288, 19 }, { UINT64_MAX, 19 },
	};
	struct stats	st;
	size_t		i;
	int		b;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&st, 0, sizeof(st));
		stats_latency(&st, rows[i].ms);
		for (b = 0; b < STATS_LAT_BUCKETS; b++)
			cr_expect_eq(st.st_latency[b], b == rows[i].bucket,
			    "%llu ms, bucket %d",
			    (unsigned long long)rows[i].ms, b);
	}
}

/* The printed quantile is the upper bound of the bucket that holds it. */
Test(stats, latency_p50_p99_printed)
{
	struct stats	st;
	char		out[4096];
	int		i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 50; i++)
		stats_latency(&st, 5);		/* bucket 3, bound 8 */
	for (i = 0; i < 48; i++)
		stats_latency(&st, 40);		/* bucket 6, bound 64 */
	stats_latency(&st, 300);		/* bucket 9, bound 512 */
	stats_latency(&st, 5000);		/* bucket 13, bound 8192 */
	printed(&st, 0, out, sizeof(out));
	cr_expect(strstr(out, " latency_p50_ms=8 latency_p99_ms=512\n") !=
	    NULL, "%s", out);

	/* One more slow lookup moves p99 to its bucket; p50 moves up. */
	stats_latency(&st, 6000);
	stats_latency(&st, 7000);
	printed(&st, 1, out, sizeof(out));
	cr_expect(strstr(out, ",\"latency_p50_ms\":64,"
	    "\"latency_p99_ms\":8192}\n") != NULL, "%s", out);

	/* Beyond the last bound: reported as the last bucket's 2^19. */
	memset(&st, 0, sizeof(st));
	stats_latency(&st, 10000000);
	printed(&st, 0, out, sizeof(out));
	cr_expect(strstr(out, " latency_p50_ms=524288 "
	    "latency_p99_ms=524288\n") != NULL, "%s", out);
}
