/*
 * stats: the counters of filter/base/stats.h and their --stats line
 * (ptrtag.1, --stats): every key in order with its own value, as
 * key=value and as one JSON object; rcodes counted by name or as
 * rcode_other; the latency histogram (buckets, count, sum) and the
 * p50/p99 bounds it prints; the item table the metrics read.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"
#include "statstest.h"

Test(stats, kv_line_exact)
{
	struct stats	st;
	char		out[4096];

	stt_numbered(&st);
	stt_printed(&st, 0, out, sizeof(out));
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
	    "pattern_limit=36 json_passed_through=37 lines_scanned_ahead=38 "
	    "verdict_pass=39 verdict_fail=40 verdict_none=41 "
	    "verdict_temperror=42 verdict_permerror=43 verdict_timeout=44 "
	    "verdict_skipped=45 "
	    "lookups=100 "
	    "lookup_time_us=1694000 latency_p50_ms_le=4 "
	    "latency_p99_ms_le=700\n");
}

Test(stats, json_object_exact)
{
	struct stats	st;
	char		out[4096];

	stt_numbered(&st);
	stt_printed(&st, 1, out, sizeof(out));
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
	    "\"json_passed_through\":37,\"lines_scanned_ahead\":38,"
	    "\"verdict_pass\":39,\"verdict_fail\":40,\"verdict_none\":41,"
	    "\"verdict_temperror\":42,\"verdict_permerror\":43,"
	    "\"verdict_timeout\":44,\"verdict_skipped\":45,"
	    "\"lookups\":100,\"lookup_time_us\":1694000,"
	    "\"latency_p50_ms_le\":4,\"latency_p99_ms_le\":700}\n");
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
	stt_printed(&st, 0, kv, sizeof(kv));
	stt_printed(&st, 1, js, sizeof(js));
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
	/* The items, then lookups, their time and two quantile bounds. */
	cr_expect_eq(pairs, (size_t)STATS_ITEMS + 4);
	cr_expect_eq(pairs, 49);
	cr_expect(strstr(kv, " lookups=0 lookup_time_us=0 "
	    "latency_p50_ms_le=0 latency_p99_ms_le=0\n") != NULL,
	    "no latencies: both quantile bounds 0");
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
	stt_printed(&st, 0, out, sizeof(out));
	cr_expect(strstr(out, " rcode_noerror=0 rcode_formerr=1 "
	    "rcode_servfail=0 rcode_nxdomain=0 rcode_notimp=2 "
	    "rcode_refused=0 rcode_other=1 ") != NULL, "%s", out);
}

/*
 * Bucket i counts latencies above 2^(i-1) ms up to 2^i ms; the last
 * takes the rest. Count, sum and maximum follow every lookup.
 */
Test(stats, latency_buckets)
{
	static const struct {
		uint64_t	us;
		int		bucket;
	} rows[] = {
		{ 0, 0 }, { 1, 0 }, { 1000, 0 }, { 1001, 1 }, { 2000, 1 },
		{ 2001, 2 }, { 4000, 2 }, { 4001, 3 }, { 8000, 3 },
		{ 1024000, 10 }, { 1024001, 11 }, { 262144000, 18 },
		{ 262144001, 19 }, { UINT64_MAX, 19 },
	};
	struct stats	st;
	size_t		i;
	int		b;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&st, 0, sizeof(st));
		stats_latency(&st, rows[i].us);
		for (b = 0; b < STATS_LAT_BUCKETS; b++)
			cr_expect_eq(st.st_latency[b], b == rows[i].bucket,
			    "%llu us, bucket %d",
			    (unsigned long long)rows[i].us, b);
		cr_expect_eq(st.st_lookups, 1);
		cr_expect_eq(st.st_lookup_us, rows[i].us);
		cr_expect_eq(st.st_lookup_max_us, rows[i].us);
	}
	cr_expect_eq(stats_latency_bound_us(0), 1000);
	cr_expect_eq(stats_latency_bound_us(18), 262144000);
	cr_expect_eq(stats_latency_bound_us(STATS_LAT_BUCKETS - 1),
	    UINT64_MAX);

	memset(&st, 0, sizeof(st));
	stats_latency(&st, 1500);
	stats_latency(&st, 250);
	stats_latency(&st, 200000);
	cr_expect_eq(st.st_lookups, 3);
	cr_expect_eq(st.st_lookup_us, 201750);
	cr_expect_eq(st.st_lookup_max_us, 200000);
}

/*
 * The printed p50 and p99 are upper bounds, never estimates: the bound
 * of the bucket that holds the quantile, or the longest lookup rounded
 * up to a millisecond when that is lower. 200 ms lookups read 200, not
 * the 256 of their bucket (issue 12).
 */
Test(stats, latency_p50_p99_bounds)
{
	struct stats	st;
	char		out[4096];
	int		i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 10; i++)
		stats_latency(&st, 200000);
	stt_printed(&st, 0, out, sizeof(out));
	cr_expect(strstr(out, " latency_p50_ms_le=200 latency_p99_ms_le=200\n")
	    != NULL, "%s", out);

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 50; i++)
		stats_latency(&st, 5000);	/* bucket 3, bound 8 ms */
	for (i = 0; i < 48; i++)
		stats_latency(&st, 40000);	/* bucket 6, bound 64 ms */
	stats_latency(&st, 300000);		/* bucket 9, bound 512 ms */
	stats_latency(&st, 5000000);		/* bucket 13, bound 8192 ms */
	stt_printed(&st, 0, out, sizeof(out));
	cr_expect(strstr(out, " latency_p50_ms_le=8 latency_p99_ms_le=512\n") !=
	    NULL, "%s", out);
	/* At least half and 99 % of them were at most that long. */
	cr_expect_eq(stats_latency_le_ms(&st, 0.5), 8);
	cr_expect_eq(stats_latency_le_ms(&st, 1.0), 5000);

	/* Two more slow lookups: p99 moves to their bucket, p50 up. */
	stats_latency(&st, 6000000);
	stats_latency(&st, 7000000);
	stt_printed(&st, 1, out, sizeof(out));
	cr_expect(strstr(out, ",\"latency_p50_ms_le\":64,"
	    "\"latency_p99_ms_le\":7000}\n") != NULL, "%s", out);

	/* Beyond the last bound: the longest lookup, rounded up. */
	memset(&st, 0, sizeof(st));
	stats_latency(&st, 300000001);
	stt_printed(&st, 0, out, sizeof(out));
	cr_expect(strstr(out, " latency_p50_ms_le=300001 "
	    "latency_p99_ms_le=300001\n") != NULL, "%s", out);

	/* Sub-millisecond lookups round up to 1, never down to 0. */
	memset(&st, 0, sizeof(st));
	stats_latency(&st, 120);
	cr_expect_eq(stats_latency_le_ms(&st, 0.5), 1);
}

/*
 * The item table: the keys in --stats order, each with its own value,
 * the families the metrics use, labels only on the rcode and verdict
 * families, each family's items adjacent and of one kind.
 */
Test(stats, items_table)
{
	struct stats_item	it[STATS_ITEMS];
	struct stats		st;
	size_t			i, j, labelled = 0;

	stt_numbered(&st);
	stats_items(&st, &stt_gauges, it);
	for (i = 0; i < STATS_ITEMS; i++)
		cr_expect_eq(it[i].sti_value, i + 1, "%s", it[i].sti_key);
	cr_expect_str_eq(it[0].sti_key, "lines_in");
	cr_expect_str_eq(it[7].sti_family, "cache_entries");
	cr_expect_eq(it[7].sti_kind, STATS_GAUGE);
	cr_expect_str_eq(it[17].sti_family, "dns_queries_inflight");
	cr_expect_eq(it[17].sti_kind, STATS_GAUGE);
	cr_expect_str_eq(it[26].sti_key, "wait_ms");
	cr_expect_str_eq(it[29].sti_key, "rtt_max_ms");
	cr_expect_str_eq(it[12].sti_key, "rcode_nxdomain");
	cr_expect_str_eq(it[12].sti_family, "dns_responses");
	cr_expect_str_eq(it[12].sti_lvalue, "nxdomain");
	cr_expect_str_eq(it[15].sti_lvalue, "other");
	cr_expect_str_eq(it[STATS_ITEMS - 1].sti_key, "verdict_skipped");
	cr_expect_str_eq(it[STATS_ITEMS - 1].sti_label, "verdict");
	for (i = 0; i < STATS_ITEMS; i++) {
		cr_expect_not_null(it[i].sti_help);
		cr_expect_eq(it[i].sti_help[strlen(it[i].sti_help) - 1], '.');
		/* cache_entries, inflight, and wait_ms to rtt_max_ms */
		cr_expect_eq(it[i].sti_kind == STATS_GAUGE,
		    i == 7 || i == 17 || (i >= 26 && i <= 29), "%s",
		    it[i].sti_key);
		if (it[i].sti_label != NULL) {
			labelled++;
			cr_expect_eq(strncmp(it[i].sti_key, it[i].sti_label,
			    strlen(it[i].sti_label)), 0, "%s", it[i].sti_key);
			cr_expect_str_eq(it[i].sti_key +
			    strlen(it[i].sti_label) + 1, it[i].sti_lvalue);
		}
		for (j = i + 2; j < STATS_ITEMS; j++)
			if (strcmp(it[i].sti_family, it[j].sti_family) == 0)
				cr_expect_str_eq(it[j - 1].sti_family,
				    it[i].sti_family, "%s apart",
				    it[i].sti_family);
	}
	cr_expect_eq(labelled, STATS_RCODE_COUNT + 1 + VERDICT_COUNT -
	    VERDICT_FIRST);
}
