/*
 * Unit tests for the command line (filter/options.c; ptrtag.1, OPTIONS):
 * options_parse() on argv arrays. Defaults and ranges are config.h's;
 * a usage error prints one line and exits 2, so those cases are
 * criterion tests that expect exit status 2.
 */

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "bounds.h"
#include "config.h"
#include "ipaddr.h"
#include "options.h"

#define ARGV_MAX	16

static struct config	cfg;
static char		*args[ARGV_MAX + 2];

/* options_parse() on "ptrtag" and the given words, NULL-terminated. */
static void
parse_argv(const char *const *words)
{
	int	n = 0;

	args[n++] = (char *)"ptrtag";
	while (*words != NULL && n <= ARGV_MAX)
		args[n++] = (char *)*words++;
	args[n] = NULL;
	optind = 0;	/* glibc: start over */
	options_parse(n, args, &cfg);
}

#define PARSE(...)	parse_argv((const char *const[]){ __VA_ARGS__, NULL })

Test(options, defaults)
{
	PARSE("file.log");
	cr_expect_null(cfg.cf_servers);
	cr_expect_eq(cfg.cf_timeout_ms, CFG_TIMEOUT_MS);
	cr_expect_eq(cfg.cf_tries, CFG_TRIES);
	cr_expect_eq(cfg.cf_max_delay_ms, CFG_MAX_DELAY_MS);
	cr_expect_eq(cfg.cf_max_inflight, CFG_MAX_INFLIGHT);
	cr_expect_eq(cfg.cf_max_qps, CFG_MAX_QPS);
	cr_expect_eq(cfg.cf_max_names, CFG_MAX_NAMES);
	cr_expect_eq(cfg.cf_cache_size, CFG_CACHE_SIZE);
	cr_expect_eq(cfg.cf_min_ttl, CFG_MIN_TTL);
	cr_expect_eq(cfg.cf_max_ttl, CFG_MAX_TTL);
	cr_expect_eq(cfg.cf_neg_ttl, CFG_NEG_TTL);
	cr_expect_eq(cfg.cf_err_ttl, CFG_ERR_TTL);
	cr_expect_eq(cfg.cf_max_ips, CFG_MAX_IPS);
	cr_expect_eq(cfg.cf_max_line, CFG_MAX_LINE);
	cr_expect_eq(cfg.cf_window_lines, CFG_WINDOW_LINES);
	cr_expect_eq(cfg.cf_window_bytes, CFG_WINDOW_BYTES);
	cr_expect_eq(cfg.cf_format, CFG_FORMAT_KV);
	cr_expect_str_eq(cfg.cf_prefix, CFG_PREFIX);
	cr_expect_eq(cfg.cf_stats, CFG_STATS_OFF);
	cr_expect_eq(cfg.cf_progress, CFG_PROGRESS_AUTO);
	cr_expect_null(cfg.cf_output);
	cr_expect_null(cfg.cf_cache_file);
	cr_expect_null(cfg.cf_metrics_file);
	cr_expect_eq(cfg.cf_metrics_interval, CFG_METRICS_INTERVAL);
	cr_expect_null(cfg.cf_user);
	cr_expect_eq(cfg.cf_unordered + cfg.cf_extract + cfg.cf_omprog +
	    cfg.cf_no_sandbox, 0);
	cr_expect_eq(cfg.cf_npatterns, 0);
	cr_expect_eq(cfg.cf_only.is_count, 0);
	/* The default never-look-up ranges of ptrtag.1, --exclude. */
	cr_expect_eq(cfg.cf_exclude.is_count, 9);
	cr_assert_not_null(cfg.cf_files[0]);
	cr_expect_str_eq(cfg.cf_files[0], "file.log");
	cr_expect_null(cfg.cf_files[1]);
}

/* One number option: its range ends, and what else it needs. */
struct range {
	const char	*r_opt;
	size_t		 r_off;		/* offsetof(struct config, ...) */
	long long	 r_lo, r_hi;
	const char	*r_with[2];	/* another option and value, or NULL */
};

#define RANGE(opt, field, lo, hi)					\
	{ opt, offsetof(struct config, field), lo, hi, { NULL, NULL } }

static const struct range ranges[] = {
	RANGE("-t", cf_timeout_ms, CFG_TIMEOUT_MS_LO, CFG_TIMEOUT_MS_HI),
	RANGE("--timeout", cf_timeout_ms, CFG_TIMEOUT_MS_LO,
	    CFG_TIMEOUT_MS_HI),
	RANGE("--tries", cf_tries, CFG_TRIES_LO, CFG_TRIES_HI),
	RANGE("-d", cf_max_delay_ms, CFG_MAX_DELAY_MS_LO, CFG_MAX_DELAY_MS_HI),
	RANGE("-j", cf_max_inflight, CFG_MAX_INFLIGHT_LO, CFG_MAX_INFLIGHT_HI),
	RANGE("--max-qps", cf_max_qps, CFG_MAX_QPS_LO, CFG_MAX_QPS_HI),
	RANGE("--max-names", cf_max_names, CFG_MAX_NAMES_LO, CFG_MAX_NAMES_HI),
	RANGE("-c", cf_cache_size, CFG_CACHE_SIZE_LO, CFG_CACHE_SIZE_HI),
	/* --min-ttl may not pass --max-ttl, nor --max-ttl fall under it. */
	{ "--min-ttl", offsetof(struct config, cf_min_ttl), CFG_TTL_LO,
	    CFG_TTL_HI, { "--max-ttl", "2147483647" } },
	{ "--max-ttl", offsetof(struct config, cf_max_ttl), CFG_TTL_LO,
	    CFG_TTL_HI, { "--min-ttl", "0" } },
	RANGE("--neg-ttl", cf_neg_ttl, CFG_TTL_LO, CFG_TTL_HI),
	RANGE("--err-ttl", cf_err_ttl, CFG_TTL_LO, CFG_TTL_HI),
	RANGE("--max-ips", cf_max_ips, CFG_MAX_IPS_LO, CFG_MAX_IPS_HI),
	RANGE("--max-line", cf_max_line, CFG_MAX_LINE_LO, CFG_MAX_LINE_HI),
	/* --metrics-interval alone is a usage error of its own. */
	{ "--metrics-interval", offsetof(struct config, cf_metrics_interval),
	    CFG_METRICS_INTERVAL_LO, CFG_METRICS_INTERVAL_HI,
	    { "--metrics-file", "m.prom" } },
};
#define NRANGES		(sizeof(ranges) / sizeof(ranges[0]))

/* Parse r's option with value v (and r_with); the field it set. */
static uint32_t
parse_number(const struct range *r, long long v)
{
	char	num[32];

	snprintf(num, sizeof(num), "%lld", v);
	if (r->r_with[0] != NULL)
		PARSE(r->r_opt, num, r->r_with[0], r->r_with[1]);
	else
		PARSE(r->r_opt, num);
	return *(uint32_t *)((char *)&cfg + r->r_off);
}

Test(options, number_range_ends_accepted)
{
	size_t	i;

	for (i = 0; i < NRANGES; i++) {
		cr_expect_eq(parse_number(&ranges[i], ranges[i].r_lo),
		    (uint32_t)ranges[i].r_lo, "%s lo", ranges[i].r_opt);
		cr_expect_eq(parse_number(&ranges[i], ranges[i].r_hi),
		    (uint32_t)ranges[i].r_hi, "%s hi", ranges[i].r_opt);
	}
}

/*
 * Every range twice: one below lo, one above hi. Criterion may run a
 * parameter in a new process image, so a case holds no pointer.
 */
struct outside {
	size_t	o_range;	/* index in ranges[] */
	int	o_above;	/* hi + 1, else lo - 1 */
};

ParameterizedTestParameters(options, number_out_of_range)
{
	static struct outside	cases[2 * NRANGES];
	size_t			i;

	for (i = 0; i < 2 * NRANGES; i++) {
		cases[i].o_range = i / 2;
		cases[i].o_above = i % 2;
	}
	return cr_make_param_array(struct outside, cases, 2 * NRANGES);
}

ParameterizedTest(struct outside *o, options, number_out_of_range,
    .exit_code = 2)
{
	const struct range	*r = &ranges[o->o_range];
	long long		 v = o->o_above ? r->r_hi + 1 : r->r_lo - 1;

	parse_number(r, v);
	cr_assert_fail("%s %lld accepted", r->r_opt, v);
}

/* Words that are no number at all. */
Test(options, number_not_a_number, .exit_code = 2)
{
	PARSE("-j", "12x");
}

Test(options, format_words)
{
	PARSE("-f", "kv");
	cr_expect_eq(cfg.cf_format, CFG_FORMAT_KV);
	PARSE("-f", "json");
	cr_expect_eq(cfg.cf_format, CFG_FORMAT_JSON);
	PARSE("--format", "inline");
	cr_expect_eq(cfg.cf_format, CFG_FORMAT_INLINE);
	PARSE("--format=json");
	cr_expect_eq(cfg.cf_format, CFG_FORMAT_JSON);
}

Test(options, format_unknown, .exit_code = 2)
{
	PARSE("-f", "mmexternal");
}

Test(options, mmexternal)
{
	PARSE("--mmexternal");
	cr_expect_eq(cfg.cf_format, CFG_FORMAT_MMEXTERNAL);
	cr_expect_eq(cfg.cf_max_delay_ms, CFG_MMEXTERNAL_DELAY_MS);
	PARSE("-d", "5000", "--mmexternal");
	cr_expect_eq(cfg.cf_max_delay_ms, 5000, "-d given: kept");
}

Test(options, mmexternal_with_output, .exit_code = 2)
{
	PARSE("--mmexternal", "-o", "out.log");
}

Test(options, omprog_needs_output, .exit_code = 2)
{
	PARSE("--omprog");
}

Test(options, metrics_file)
{
	PARSE("--metrics-file", "/run/m.prom");
	cr_expect_str_eq(cfg.cf_metrics_file, "/run/m.prom");
	cr_expect_eq(cfg.cf_metrics_interval, CFG_METRICS_INTERVAL);
	PARSE("--metrics-interval", "60", "--metrics-file", "m.prom");
	cr_expect_eq(cfg.cf_metrics_interval, 60);
	PARSE("--mmexternal", "--metrics-file", "m.prom");
	cr_expect_str_eq(cfg.cf_metrics_file, "m.prom", "its stats channel");
}

/* An interval with no file to write would be ignored silently. */
Test(options, metrics_interval_needs_file, .exit_code = 2)
{
	PARSE("--metrics-interval", "60");
}

Test(options, extract_takes_no_metrics_file, .exit_code = 2)
{
	PARSE("--extract", "--metrics-file", "m.prom");
}

Test(options, stats_words)
{
	PARSE("--stats");
	cr_expect_eq(cfg.cf_stats, CFG_STATS_KV);
	PARSE("--stats=json");
	cr_expect_eq(cfg.cf_stats, CFG_STATS_JSON);
	/* An optional value is never the next word: that is a file. */
	PARSE("--stats", "json");
	cr_expect_eq(cfg.cf_stats, CFG_STATS_KV);
	cr_expect_str_eq(cfg.cf_files[0], "json");
}

Test(options, stats_unknown, .exit_code = 2)
{
	PARSE("--stats=kv");
}

Test(options, progress_words)
{
	PARSE("--progress");
	cr_expect_eq(cfg.cf_progress, CFG_PROGRESS_AUTO);
	PARSE("--progress=auto");
	cr_expect_eq(cfg.cf_progress, CFG_PROGRESS_AUTO);
	PARSE("--progress=never");
	cr_expect_eq(cfg.cf_progress, CFG_PROGRESS_NEVER);
}

Test(options, progress_unknown, .exit_code = 2)
{
	PARSE("--progress=always");
}

/* The prefix p, its length and the text of its address. */
static void
expect_prefix(const struct ipaddr_prefix *p, const char *addr,
    unsigned int len)
{
	char	text[IPADDR_STRMAX];

	ipaddr_ntop(&p->ip_addr, text, sizeof(text));
	cr_expect_str_eq(text, addr);
	cr_expect_eq(p->ip_len, len, "%s/%u", text, p->ip_len);
}

/* Host bits are refused (ipaddr_set_parse); networks are kept. */
Test(options, only_host_bits_refused, .exit_code = 2)
{
	PARSE("--only", "192.0.2.77/24");
}

Test(options, exclude_host_bits_refused, .exit_code = 2)
{
	PARSE("--exclude", "2001:db8::1:2/64");
}

Test(options, only_networks)
{
	struct ipaddr	ia;

	PARSE("--only", "192.0.2.0/24,2001:db8::/64");
	cr_assert_eq(cfg.cf_only.is_count, 2);
	expect_prefix(&cfg.cf_only.is_prefix[0], "192.0.2.0", 24);
	expect_prefix(&cfg.cf_only.is_prefix[1], "2001:db8::", 64);
	cr_assert_eq(ipaddr_parse("192.0.2.200", 11, &ia), 0);
	cr_expect_eq(ipaddr_set_match(&cfg.cf_only, &ia), 1);
	cr_assert_eq(ipaddr_parse("192.0.3.1", 9, &ia), 0);
	cr_expect_eq(ipaddr_set_match(&cfg.cf_only, &ia), 0);
}

Test(options, exclude_adds_to_defaults)
{
	PARSE("--exclude", "10.0.0.0/8", "--exclude", "198.51.100.7");
	cr_assert_eq(cfg.cf_exclude.is_count, 11);
	expect_prefix(&cfg.cf_exclude.is_prefix[9], "10.0.0.0", 8);
	expect_prefix(&cfg.cf_exclude.is_prefix[10], "198.51.100.7", 32);
}

/* none drops the defaults, never a range given, whatever the order. */
Test(options, exclude_none_drops_the_defaults)
{
	PARSE("--exclude", "10.0.0.0/8", "--exclude", "none");
	cr_assert_eq(cfg.cf_exclude.is_count, 1, "one, then none");
	expect_prefix(&cfg.cf_exclude.is_prefix[0], "10.0.0.0", 8);
	PARSE("--exclude", "none", "--exclude", "10.0.0.0/8");
	cr_assert_eq(cfg.cf_exclude.is_count, 1, "none, then one");
	expect_prefix(&cfg.cf_exclude.is_prefix[0], "10.0.0.0", 8);
	PARSE("--exclude", "none");
	cr_expect_eq(cfg.cf_exclude.is_count, 0);
}

/* 55 ranges fit beside the 9 defaults; one more is refused. */
Test(options, exclude_full_with_defaults, .exit_code = 2)
{
	static char	list[IPADDR_SETMAX * 16];
	size_t		i, len = 0;

	for (i = 0; i < IPADDR_SETMAX - 9; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "%s10.%zu.0.0/16", i > 0 ? "," : "", i);
	PARSE("--exclude", list);
	cr_expect_eq(cfg.cf_exclude.is_count, IPADDR_SETMAX);
	PARSE("--exclude", "none", "--exclude", list, "--exclude",
	    "192.0.2.0/24");
	cr_expect_eq(cfg.cf_exclude.is_count, IPADDR_SETMAX - 8);
	PARSE("--exclude", list, "--exclude", "192.0.2.0/24");
}

/* An --only range inside an --exclude one: nothing would be looked up. */
Test(options, only_inside_a_default_exclude, .exit_code = 2)
{
	PARSE("--only", "127.0.0.1");
}

Test(options, only_inside_an_exclude_given, .exit_code = 2)
{
	PARSE("--only", "10.1.0.0/16", "--exclude", "10.0.0.0/8");
}

Test(options, only_overlapping_an_exclude)
{
	PARSE("--only", "10.0.0.0/8,126.0.0.0/7", "--exclude", "10.1.0.0/16");
	cr_expect_eq(cfg.cf_only.is_count, 2);
	PARSE("--only", "127.0.0.1", "--exclude", "none");
	cr_expect_eq(cfg.cf_only.is_count, 1);
}

/*
 * Options that another one leaves without effect are refused
 * (optcheck.c): each of these command lines exits 2 with one line.
 */
static const char *const conflicts[][4] = {
	{ "--extract", "-f", "json" }, { "--extract", "-f", "kv" },
	{ "--extract", "--prefix", "x_" }, { "--extract", "-o", "out" },
	{ "--extract", "--unordered" }, { "--extract", "--stats" },
	{ "--extract", "--omprog" }, { "--extract", "--mmexternal" },
	{ "--extract", "--progress" }, { "--extract", "--progress=auto" },
	{ "--extract", "-s", "192.0.2.1" }, { "--extract", "-t", "10" },
	{ "--extract", "--tries", "1" }, { "--extract", "-d", "10" },
	{ "--extract", "-j", "1" }, { "--extract", "--max-qps", "1" },
	{ "--extract", "--max-names", "1" }, { "--extract", "-c", "10" },
	{ "--extract", "--min-ttl", "1" }, { "--extract", "--max-ttl", "1" },
	{ "--extract", "--neg-ttl", "1" }, { "--extract", "--err-ttl", "1" },
	{ "--extract", "--cache-file", "c" },
	{ "--extract", "--exclude", "none" },
	{ "--extract", "--only", "10.0.0.0/8" },
	{ "--extract", "--no-scan-thread" },
	{ "-f", "json", "--extract" },
	{ "--mmexternal", "-f", "json" }, { "-f", "kv", "--mmexternal" },
	{ "--mmexternal", "--prefix", "x_" },
	{ "--mmexternal", "--omprog", "-o", "f" },
	{ "--mmexternal", "--unordered" }, { "--mmexternal", "--stats" },
	{ "--mmexternal", "--stats=json" }, { "--mmexternal", "--progress" },
	{ "-f", "json", "--prefix", "x_" }, { "--prefix", "x_", "-f", "inline" },
};

ParameterizedTestParameters(options, conflict_refused)
{
	static size_t	rows[sizeof(conflicts) / sizeof(conflicts[0])];
	size_t		i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rows[i] = i;
	return cr_make_param_array(size_t, rows,
	    sizeof(rows) / sizeof(rows[0]));
}

ParameterizedTest(size_t *row, options, conflict_refused, .exit_code = 2)
{
	const char	*words[5] = { NULL };

	memcpy(words, conflicts[*row], sizeof(conflicts[*row]));
	parse_argv(words);
}

/* What --extract and --mmexternal do use is accepted with them. */
Test(options, no_conflict)
{
	PARSE("--extract", "-p", "sshd", "--max-ips", "3", "--max-line",
	    "100", "--no-sandbox", "--progress=never");
	cr_expect_eq(cfg.cf_extract, 1);
	PARSE("--mmexternal", "-d", "50", "-p", "sshd", "--progress=never",
	    "--cache-file", "c", "-s", "192.0.2.1");
	cr_expect_eq(cfg.cf_format, CFG_FORMAT_MMEXTERNAL);
	PARSE("-f", "kv", "--prefix", "x_");
	cr_expect_str_eq(cfg.cf_prefix, "x_");
	PARSE("--omprog", "-o", "f", "--unordered", "--stats");
	cr_expect_eq(cfg.cf_omprog, 1);
	PARSE("--no-scan-thread", "--follow", "f");
	cr_expect_eq(cfg.cf_no_scan_thread, 1);
}

Test(options, only_bad_prefix_length, .exit_code = 2)
{
	PARSE("--only", "192.0.2.0/33");
}

Test(options, exclude_not_an_address, .exit_code = 2)
{
	PARSE("--exclude", "example.com");
}

Test(options, min_ttl_above_max_ttl, .exit_code = 2)
{
	PARSE("--min-ttl", "100", "--max-ttl", "99");
}

Test(options, servers_normalised)
{
	PARSE("-s", "192.0.2.1,[2001:db8::1]:5353,2001:db8::2,192.0.2.3:54");
	cr_assert_not_null(cfg.cf_servers);
	cr_expect_str_eq(cfg.cf_servers, "192.0.2.1:53,[2001:db8::1]:5353,"
	    "[2001:db8::2]:53,192.0.2.3:54");
}

Test(options, server_bad_port, .exit_code = 2)
{
	PARSE("-s", "192.0.2.1:0");
}

Test(options, prefix_too_long, .exit_code = 2)
{
	PARSE("--prefix", "abcdefghijklmnopqrstuvwxyz0123456");	/* 33 */
}

Test(options, prefix_bad_character, .exit_code = 2)
{
	PARSE("--prefix", "rdns:");
}

/* An empty prefix would make every line's text hold it (ptrtag.1, kv). */
Test(options, prefix_empty, .exit_code = 2)
{
	PARSE("--prefix", "");
}

Test(options, prefix_longest)
{
	PARSE("--prefix", "abcdefghijklmnopqrstuvwxyz012345");	/* 32 */
	cr_expect_str_eq(cfg.cf_prefix, "abcdefghijklmnopqrstuvwxyz012345");
}

Test(options, patterns_in_order)
{
	PARSE("-p", "sshd", "--pattern", "postfix", "-p", "/x.pat");
	cr_assert_eq(cfg.cf_npatterns, 3);
	cr_expect_str_eq(cfg.cf_patterns[0], "sshd");
	cr_expect_str_eq(cfg.cf_patterns[1], "postfix");
	cr_expect_str_eq(cfg.cf_patterns[2], "/x.pat");
}

Test(options, unknown_option, .exit_code = 2)
{
	PARSE("--no-such-option");
}

Test(options, missing_value, .exit_code = 2)
{
	PARSE("-t");
}

/*
 * The window shrinks so that two addresses per queued line and the
 * pending lookups (bounds.h) fit the cache; never under one line.
 */
Test(options, window_against_pending_bound)
{
	static const struct {
		const char	*c, *j;
		uint32_t	 lines;
	} cases[] = {
		{ "100000", "256", CFG_WINDOW_LINES },	/* room enough */
		{ "1000", "100", (1000 - 4 * 100) / 2 },
		{ "1100", "1", (1100 - PENDING_FLOOR) / 2 },
		{ "65601", "1", (65601 - PENDING_FLOOR) / 2 },	/* 32768 */
		{ "65604", "1", CFG_WINDOW_LINES },
		{ "64", "1", 1 },		/* no room: one line */
		{ "10", "1000", 1 },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		PARSE("-c", cases[i].c, "-j", cases[i].j);
		cr_expect_eq(cfg.cf_window_lines, cases[i].lines,
		    "-c %s -j %s: %u lines", cases[i].c, cases[i].j,
		    cfg.cf_window_lines);
	}
}

/* --input, --field, --scan (ptrtag.1, STRUCTURED INPUT). */
Test(options, input_defaults)
{
	PARSE("file.log");
	cr_expect_eq(cfg.cf_input, CFG_INPUT_TEXT);
	cr_assert_eq(cfg.cf_nfields, 5);
	cr_expect_str_eq(cfg.cf_fields[0], "source.ip");
	cr_expect_str_eq(cfg.cf_fields[4], "host.ip");
	cr_assert_eq(cfg.cf_nscans, 3);
	cr_expect_str_eq(cfg.cf_scans[0], "message");
	cr_expect_str_eq(cfg.cf_scans[1], "MESSAGE");
	cr_expect_str_eq(cfg.cf_scans[2], "log");
	/* Parsed again, the defaults are whole again. */
	PARSE("--input", "json", "--field", "x");
	PARSE("--input", "json");
	cr_expect_eq(cfg.cf_input, CFG_INPUT_JSON);
	cr_expect_eq(cfg.cf_nfields, 5);
	cr_expect_str_eq(cfg.cf_fields[1], "destination.ip");
}

Test(options, field_and_scan_replace_defaults)
{
	PARSE("--input", "json", "--field", "a.b", "--field", "c",
	    "--scan", "msg");
	cr_assert_eq(cfg.cf_nfields, 2);
	cr_expect_str_eq(cfg.cf_fields[0], "a.b");
	cr_expect_str_eq(cfg.cf_fields[1], "c");
	cr_assert_eq(cfg.cf_nscans, 1);
	cr_expect_str_eq(cfg.cf_scans[0], "msg");
}

Test(options, input_unknown, .exit_code = 2)
{
	PARSE("--input", "yaml");
}

Test(options, field_needs_input_json, .exit_code = 2)
{
	PARSE("--field", "source.ip");
}

Test(options, input_json_takes_no_format, .exit_code = 2)
{
	PARSE("--input", "json", "-f", "json");
}

Test(options, field_empty_part, .exit_code = 2)
{
	PARSE("--input", "json", "--scan", ".message");
}
