/*
 * metrics: the --metrics-file text (ptrtag.1, --metrics-file) read back
 * line by line as a scraper would: every line a HELP, a TYPE or a sample;
 * every --stats value under the series name the man page gives it, with
 * the same number; HELP and TYPE once per family, before its samples;
 * "_total" on counters only; the latency histogram cumulative, its
 * "+Inf" bucket equal to its count, its sum the lookups' time in seconds.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "outbuf.h"
#include "statstest.h"

/* The --stats key of each series, as ptrtag.1 lists them. */
static const struct {
	const char	*ks_key;
	const char	*ks_series;
} key_series[] = {
	{ "lines_in", "ptrtag_lines_in_total" },
	{ "lines_out", "ptrtag_lines_out_total" },
	{ "addresses", "ptrtag_addresses_total" },
	{ "cache_hits", "ptrtag_cache_hits_total" },
	{ "cache_misses", "ptrtag_cache_misses_total" },
	{ "cache_neg_hits", "ptrtag_cache_negative_hits_total" },
	{ "cache_evictions", "ptrtag_cache_evictions_total" },
	{ "cache_entries", "ptrtag_cache_entries" },
	{ "queries", "ptrtag_dns_queries_total" },
	{ "rcode_noerror", "ptrtag_dns_responses_total{rcode=\"noerror\"}" },
	{ "rcode_formerr", "ptrtag_dns_responses_total{rcode=\"formerr\"}" },
	{ "rcode_servfail", "ptrtag_dns_responses_total{rcode=\"servfail\"}" },
	{ "rcode_nxdomain", "ptrtag_dns_responses_total{rcode=\"nxdomain\"}" },
	{ "rcode_notimp", "ptrtag_dns_responses_total{rcode=\"notimp\"}" },
	{ "rcode_refused", "ptrtag_dns_responses_total{rcode=\"refused\"}" },
	{ "rcode_other", "ptrtag_dns_responses_total{rcode=\"other\"}" },
	{ "query_timeouts", "ptrtag_dns_query_timeouts_total" },
	{ "inflight", "ptrtag_dns_queries_inflight" },
	{ "lookups_shed", "ptrtag_lookups_shed_total" },
	{ "backoffs", "ptrtag_dns_backoffs_total" },
	{ "probes", "ptrtag_dns_probes_total" },
	{ "answers_dropped", "ptrtag_dns_answers_dropped_total" },
	{ "tcp_retries", "ptrtag_dns_tcp_retries_total" },
	{ "sockbuf_capped", "ptrtag_dns_sockbuf_capped_total" },
	{ "lines_late", "ptrtag_lines_late_total" },
	{ "lines_overdue", "ptrtag_lines_overdue_total" },
	{ "wait_ms", "ptrtag_dns_wait_seconds" },
	{ "srtt_ms", "ptrtag_dns_srtt_seconds" },
	{ "rttvar_ms", "ptrtag_dns_rttvar_seconds" },
	{ "rtt_max_ms", "ptrtag_dns_rtt_max_seconds" },
	{ "rtt_retried", "ptrtag_dns_retried_answers_total" },
	{ "tail_probes", "ptrtag_dns_tail_probes_total" },
	{ "zones_lame", "ptrtag_dns_zones_lame_total" },
	{ "zone_skipped", "ptrtag_dns_zone_skipped_total" },
	{ "zone_probes", "ptrtag_dns_zone_probes_total" },
	{ "pattern_limit", "ptrtag_pattern_limit_lines_total" },
	{ "json_passed_through", "ptrtag_json_passed_through_lines_total" },
	{ "lines_scanned_ahead", "ptrtag_lines_scanned_ahead_total" },
	{ "verdict_pass", "ptrtag_verdicts_total{verdict=\"pass\"}" },
	{ "verdict_fail", "ptrtag_verdicts_total{verdict=\"fail\"}" },
	{ "verdict_none", "ptrtag_verdicts_total{verdict=\"none\"}" },
	{ "verdict_temperror", "ptrtag_verdicts_total{verdict=\"temperror\"}" },
	{ "verdict_permerror", "ptrtag_verdicts_total{verdict=\"permerror\"}" },
	{ "verdict_timeout", "ptrtag_verdicts_total{verdict=\"timeout\"}" },
	{ "verdict_skipped", "ptrtag_verdicts_total{verdict=\"skipped\"}" },
	{ "lookups", "ptrtag_lookup_duration_seconds_count" },
};
#define NKEYS	(sizeof(key_series) / sizeof(key_series[0]))

#define HIST	"ptrtag_lookup_duration_seconds"

static char	text[16384];

/* metrics_format() of st with stt_gauges, as a string. */
static void
format(const struct stats *st)
{
	struct outbuf	ob;

	outbuf_init(&ob, 0);
	metrics_format(st, &stt_gauges, &ob);
	cr_assert_lt(ob.ob_len, sizeof(text));
	memcpy(text, ob.ob_buf, ob.ob_len);
	text[ob.ob_len] = '\0';
	outbuf_free(&ob);
}

/* The value of the sample line "series VALUE"; -1 when there is none. */
static int
sample(const char *series, char *val, size_t valsz)
{
	const char	*p = text;
	size_t		 n = strlen(series), found = 0, len;

	while ((p = strstr(p, series)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ') {
			len = strcspn(p + n + 1, "\n");
			cr_assert_lt(len, valsz);
			memcpy(val, p + n + 1, len);
			val[len] = '\0';
			found++;
		}
		p += n;
	}
	cr_expect_leq(found, 1, "%s appears %zu times", series, found);
	return found == 1 ? 0 : -1;
}

/* Each --stats value is its series' value, byte for byte. */
Test(metrics, every_stats_value_as_its_series)
{
	struct stats		st;
	char			line[4096], want[64], got[64], *p;
	size_t			i, n;
	unsigned long long	ms;

	stt_numbered(&st);
	format(&st);
	line[0] = ' ';
	stt_printed(&st, 0, line + 1, sizeof(line) - 1);
	for (i = 0; i < NKEYS; i++) {
		snprintf(want, sizeof(want), " %s=", key_series[i].ks_key);
		p = strstr(line, want);
		cr_assert_not_null(p, "--stats has no %s", want);
		p += strlen(want);
		n = strcspn(p, " \n");
		memcpy(want, p, n);
		want[n] = '\0';
		/* Milliseconds in --stats (key _ms), seconds as a metric. */
		n = strlen(key_series[i].ks_key);
		if (n > 3 && strcmp(key_series[i].ks_key + n - 3, "_ms") == 0) {
			ms = strtoull(want, NULL, 10);
			snprintf(want, sizeof(want), "%llu.%03llu", ms / 1000,
			    ms % 1000);
		}
		cr_assert_eq(sample(key_series[i].ks_series, got, sizeof(got)),
		    0, "no sample %s", key_series[i].ks_series);
		cr_expect_str_eq(got, want, "%s", key_series[i].ks_series);
	}
	/* The gauges and one counter of each kind, by value. */
	cr_expect(strstr(text, "\nptrtag_cache_entries 8\n") != NULL);
	cr_expect(strstr(text, "\nptrtag_dns_queries_inflight 18\n") != NULL);
	cr_expect(strstr(text, "\nptrtag_cache_evictions_total 7\n") != NULL);
	cr_expect(strncmp(text, "# HELP ptrtag_lines_in_total ", 29) == 0);
}

/*
 * Every line is a HELP, a TYPE or a sample of a family whose HELP and
 * TYPE came just before its first sample; no family twice; counters
 * and only counters end in _total.
 */
Test(metrics, lines_well_formed)
{
	struct stats	 st;
	char		 family[128], seen[64][128], type[16];
	const char	*p, *nl;
	size_t		 nseen = 0, i, samples = 0, n;
	int		 state = 0;	/* 0 HELP next, 1 TYPE, 2 samples */

	stt_numbered(&st);
	format(&st);
	cr_assert_eq(text[strlen(text) - 1], '\n');
	family[0] = '\0';
	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl);
		cr_assert_lt((size_t)(nl - p), 200, "line too long");
		if (strncmp(p, "# HELP ", 7) == 0) {
			cr_assert(state != 1, "HELP twice: %.60s", p);
			n = strcspn(p + 7, " ");
			cr_assert_lt(n, sizeof(family));
			memcpy(family, p + 7, n);
			family[n] = '\0';
			for (i = 0; i < nseen; i++)
				cr_expect_str_neq(seen[i], family);
			cr_assert_lt(nseen, 64);
			strlcpy(seen[nseen++], family, sizeof(seen[0]));
			cr_expect(nl - p > (ptrdiff_t)(8 + n), "empty HELP");
			cr_expect(memchr(p, '\\', (size_t)(nl - p)) == NULL);
			state = 1;
		} else if (strncmp(p, "# TYPE ", 7) == 0) {
			cr_assert_eq(state, 1, "TYPE without HELP: %.60s", p);
			cr_assert_eq(strncmp(p + 7, family, strlen(family)), 0);
			n = strcspn(p + 8 + strlen(family), "\n");
			cr_assert_lt(n, sizeof(type));
			memcpy(type, p + 8 + strlen(family), n);
			type[n] = '\0';
			n = strlen(family);
			if (strcmp(type, "counter") == 0)
				cr_expect(n > 6 && strcmp(family + n - 6,
				    "_total") == 0, "%s", family);
			else
				cr_expect(n < 6 || strcmp(family + n - 6,
				    "_total") != 0, "%s", family);
			cr_expect(strcmp(type, "counter") == 0 ||
			    strcmp(type, "gauge") == 0 ||
			    strcmp(type, "histogram") == 0, "%s", type);
			state = 2;
		} else {
			cr_assert_eq(state, 2, "sample first: %.60s", p);
			cr_assert_eq(strncmp(p, family, strlen(family)), 0,
			    "%.60s not of %s", p, family);
			n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
			cr_expect(p[n] == ' ' || p[n] == '{', "%.60s", p);
			samples++;
		}
	}
	cr_expect_eq(state, 2);
	/* Items, then the histogram's buckets, sum and count. */
	cr_expect_eq(samples, STATS_ITEMS + STATS_LAT_BUCKETS + 2);
	/* 31 of one series, rcodes, verdicts, the histogram. */
	cr_expect_eq(nseen, 31 + 1 + 1 + 1);
}

/* The histogram block, exactly. */
Test(metrics, histogram_exact)
{
	struct stats	 st;
	const char	*h;

	stt_numbered(&st);
	format(&st);
	h = strstr(text, "# HELP " HIST " ");
	cr_assert_not_null(h);
	cr_expect_str_eq(h,
	    "# HELP " HIST " Time from the start of a lookup to its verdict.\n"
	    "# TYPE " HIST " histogram\n"
	    HIST "_bucket{le=\"0.001\"} 0\n"
	    HIST "_bucket{le=\"0.002\"} 0\n"
	    HIST "_bucket{le=\"0.004\"} 98\n"
	    HIST "_bucket{le=\"0.008\"} 98\n"
	    HIST "_bucket{le=\"0.016\"} 98\n"
	    HIST "_bucket{le=\"0.032\"} 98\n"
	    HIST "_bucket{le=\"0.064\"} 98\n"
	    HIST "_bucket{le=\"0.128\"} 98\n"
	    HIST "_bucket{le=\"0.256\"} 98\n"
	    HIST "_bucket{le=\"0.512\"} 98\n"
	    HIST "_bucket{le=\"1.024\"} 100\n"
	    HIST "_bucket{le=\"2.048\"} 100\n"
	    HIST "_bucket{le=\"4.096\"} 100\n"
	    HIST "_bucket{le=\"8.192\"} 100\n"
	    HIST "_bucket{le=\"16.384\"} 100\n"
	    HIST "_bucket{le=\"32.768\"} 100\n"
	    HIST "_bucket{le=\"65.536\"} 100\n"
	    HIST "_bucket{le=\"131.072\"} 100\n"
	    HIST "_bucket{le=\"262.144\"} 100\n"
	    HIST "_bucket{le=\"+Inf\"} 100\n"
	    HIST "_sum 1.694000\n"
	    HIST "_count 100\n");
}

/* A lookup past the last bound counts in +Inf only; the sum in full. */
Test(metrics, histogram_overflow_and_zero)
{
	struct stats	st;

	memset(&st, 0, sizeof(st));
	format(&st);
	cr_expect(strstr(text, HIST "_bucket{le=\"+Inf\"} 0\n" HIST
	    "_sum 0.000000\n" HIST "_count 0\n") != NULL, "%s", text);
	cr_expect(strstr(text, "\nptrtag_lines_in_total 0\n") != NULL);

	stats_latency(&st, 3600000001ULL);	/* an hour and a bit */
	format(&st);
	cr_expect(strstr(text, HIST "_bucket{le=\"262.144\"} 0\n" HIST
	    "_bucket{le=\"+Inf\"} 1\n" HIST "_sum 3600.000001\n" HIST
	    "_count 1\n") != NULL, "%s", text);
}

/* The largest counter prints in full. */
Test(metrics, largest_value)
{
	struct stats	st;

	memset(&st, 0, sizeof(st));
	st.st_lines_in = UINT64_MAX;
	st.st_verdicts[VERDICT_PASS] = UINT64_MAX;
	format(&st);
	cr_expect(strstr(text, "\nptrtag_lines_in_total 18446744073709551615\n")
	    != NULL);
	cr_expect(strstr(text, "\nptrtag_verdicts_total{verdict=\"pass\"} "
	    "18446744073709551615\n") != NULL);
}
