/*
 * options: see options.h. Every default and range comes from config.h,
 * which the help text (usage.c) prints too, so the two cannot drift.
 * Most options are rows of the tables below; other_option() holds the
 * rest. What the options mean together is optcheck.c's.
 */
#include <arpa/inet.h>
#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "inputopt.h"
#include "optcheck.h"
#include "options.h"
#include "usage.h"

enum {
	OPT_TRIES = 256, OPT_MAX_QPS, OPT_MAX_NAMES, OPT_EXCLUDE, OPT_ONLY,
	OPT_MIN_TTL, OPT_MAX_TTL, OPT_NEG_TTL, OPT_ERR_TTL, OPT_CACHE_FILE,
	OPT_MAX_IPS, OPT_MAX_LINE, OPT_EXTRACT, OPT_PREFIX, OPT_UNORDERED,
	OPT_OMPROG, OPT_MMEXTERNAL, OPT_STATS, OPT_PROGRESS, OPT_USER,
	OPT_NO_SANDBOX, OPT_METRICS_FILE, OPT_METRICS_INTERVAL, OPT_MIN_WAIT,
	OPT_INPUT, OPT_FIELD, OPT_SCAN, OPT_FOLLOW, OPT_STATE,
	OPT_NO_SCAN_THREAD,
};

static const struct option longopts[] = {
	{ "server",	required_argument, NULL, 's' },
	{ "timeout",	required_argument, NULL, 't' },
	{ "tries",	required_argument, NULL, OPT_TRIES },
	{ "max-delay",	required_argument, NULL, 'd' },
	{ "min-wait",	required_argument, NULL, OPT_MIN_WAIT },
	{ "max-inflight", required_argument, NULL, 'j' },
	{ "max-qps",	required_argument, NULL, OPT_MAX_QPS },
	{ "max-names",	required_argument, NULL, OPT_MAX_NAMES },
	{ "exclude",	required_argument, NULL, OPT_EXCLUDE },
	{ "only",	required_argument, NULL, OPT_ONLY },
	{ "cache-size",	required_argument, NULL, 'c' },
	{ "min-ttl",	required_argument, NULL, OPT_MIN_TTL },
	{ "max-ttl",	required_argument, NULL, OPT_MAX_TTL },
	{ "neg-ttl",	required_argument, NULL, OPT_NEG_TTL },
	{ "err-ttl",	required_argument, NULL, OPT_ERR_TTL },
	{ "cache-file",	required_argument, NULL, OPT_CACHE_FILE },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL },
	{ "pattern",	required_argument, NULL, 'p' },
	{ "max-ips",	required_argument, NULL, OPT_MAX_IPS },
	{ "max-line",	required_argument, NULL, OPT_MAX_LINE },
	{ "extract",	no_argument,	   NULL, OPT_EXTRACT },
	{ "input",	required_argument, NULL, OPT_INPUT },
	{ "field",	required_argument, NULL, OPT_FIELD },
	{ "scan",	required_argument, NULL, OPT_SCAN },
	{ "format",	required_argument, NULL, 'f' },
	{ "prefix",	required_argument, NULL, OPT_PREFIX },
	{ "output",	required_argument, NULL, 'o' },
	{ "unordered",	no_argument,	   NULL, OPT_UNORDERED },
	{ "omprog",	no_argument,	   NULL, OPT_OMPROG },
	{ "mmexternal",	no_argument,	   NULL, OPT_MMEXTERNAL },
	{ "stats",	optional_argument, NULL, OPT_STATS },
	{ "progress",	optional_argument, NULL, OPT_PROGRESS },
	{ "user",	required_argument, NULL, OPT_USER },
	{ "no-sandbox",	no_argument,	   NULL, OPT_NO_SANDBOX },
	{ "no-scan-thread", no_argument,   NULL, OPT_NO_SCAN_THREAD },
	{ "follow",	no_argument,	   NULL, OPT_FOLLOW },
	{ "state",	required_argument, NULL, OPT_STATE },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL,		0,		   NULL, 0 }
};

/* One line on stderr and exit 2: the usage-error contract. */
static void __attribute__((noreturn, format(printf, 1, 2)))
bad(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	verrx(2, fmt, ap);
}

static uint32_t
number(const char *opt, const char *arg, long long lo, long long hi)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(arg, lo, hi, &errstr);
	if (errstr != NULL)
		bad("%s %s: value is %s (expected %lld..%lld)", opt, arg,
		    errstr, lo, hi);
	return (uint32_t)v;
}

/* Parse one server item into "a.b.c.d:port" or "[v6]:port". */
static int
server_item(const char *item, size_t len, char *out, size_t outsz,
    const char **errstr)
{
	char		 host[64], buf[INET6_ADDRSTRLEN + 16];
	const char	*port = NULL, *end;
	unsigned char	 bin[16];
	long long	 pv = 53;
	int		 v6;

	if (len == 0 || len >= sizeof(buf))
		return *errstr = "empty or too long", -1;
	memcpy(buf, item, len);
	buf[len] = '\0';
	if (buf[0] == '[') {
		if ((end = strchr(buf, ']')) == NULL)
			return *errstr = "missing ']'", -1;
		snprintf(host, sizeof(host), "%.*s", (int)(end - buf - 1),
		    buf + 1);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return *errstr = "junk after ']'", -1;
	} else {
		end = strchr(buf, ':');
		if (end != NULL && strchr(end + 1, ':') == NULL) {
			snprintf(host, sizeof(host), "%.*s",
			    (int)(end - buf), buf);
			port = end + 1;
		} else
			strlcpy(host, buf, sizeof(host));
	}
	v6 = strchr(host, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, bin) != 1)
		return *errstr = "not an IP address", -1;
	if (port != NULL) {
		pv = strtonum(port, 1, 65535, errstr);
		if (*errstr != NULL)
			return *errstr = "bad port", -1;
	}
	snprintf(out, outsz, v6 ? "[%s]:%lld" : "%s:%lld", host, pv);
	return 0;
}

int
options_servers(const char *list, char *out, size_t outsz,
    const char **errstr)
{
	const char	*p = list, *comma;
	char		 item[INET6_ADDRSTRLEN + 16];
	size_t		 len;

	out[0] = '\0';
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (server_item(p, len, item, sizeof(item), errstr) == -1)
			return -1;
		if (out[0] != '\0')
			strlcat(out, ",", outsz);
		if (strlcat(out, item, outsz) >= outsz)
			return *errstr = "too many servers", -1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static void
cidr_option(struct ipaddr_set *set, const char *opt, const char *arg)
{
	char	err[128];

	if (ipaddr_set_parse(set, arg, err, sizeof(err)) == -1)
		bad("%s %s: %s", opt, arg, err);
}

static void
defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cf_timeout_ms = CFG_TIMEOUT_MS;
	cfg->cf_tries = CFG_TRIES;
	cfg->cf_max_delay_ms = CFG_MAX_DELAY_MS;
	cfg->cf_min_wait_ms = CFG_MIN_WAIT_MS;
	cfg->cf_max_inflight = CFG_MAX_INFLIGHT;
	cfg->cf_max_qps = CFG_MAX_QPS;
	cfg->cf_max_names = CFG_MAX_NAMES;
	cfg->cf_cache_size = CFG_CACHE_SIZE;
	cfg->cf_min_ttl = CFG_MIN_TTL;
	cfg->cf_max_ttl = CFG_MAX_TTL;
	cfg->cf_neg_ttl = CFG_NEG_TTL;
	cfg->cf_err_ttl = CFG_ERR_TTL;
	cfg->cf_max_ips = CFG_MAX_IPS;
	cfg->cf_max_line = CFG_MAX_LINE;
	cfg->cf_prefix = CFG_PREFIX;
	cfg->cf_format = CFG_FORMAT_KV;
	cfg->cf_window_lines = CFG_WINDOW_LINES;
	cfg->cf_window_bytes = CFG_WINDOW_BYTES;
	cfg->cf_metrics_interval = CFG_METRICS_INTERVAL;
	inputopt_defaults(cfg);
}

static void
prefix_option(struct config *cfg, const char *arg)
{
	size_t	i, len = strlen(arg);

	if (len == 0)
		bad("--prefix: must not be empty");
	if (len > CFG_PREFIX_MAX)
		bad("--prefix %s: longer than %d bytes", arg, CFG_PREFIX_MAX);
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", arg[i]))
			bad("--prefix %s: only letters, digits, '_', '.' "
			    "and '-' are allowed", arg);
	cfg->cf_prefix = arg;
}


/* The --server list in c-ares' form; optcheck.c checks the rest. */
static void
finish(struct config *cfg)
{
	static char	servers[1024];
	const char	*errstr;

	if (cfg->cf_servers != NULL) {
		if (options_servers(cfg->cf_servers, servers, sizeof(servers),
		    &errstr) == -1)
			bad("--server %s: %s", cfg->cf_servers, errstr);
		cfg->cf_servers = servers;
	}
}

/* The options that set one uint32_t of struct config in a range. */
struct number_opt {
	int		 no_ch;		/* getopt_long's value */
	const char	*no_flag;	/* as messages name it */
	size_t		 no_off;	/* offsetof(struct config, ...) */
	long long	 no_lo, no_hi;
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define NUMBER(ch, flag, field, lo, hi)					\
	{ ch, flag, offsetof(struct config, field), lo, hi }

static const struct number_opt number_opts[] = {
	NUMBER('t', "-t", cf_timeout_ms, CFG_TIMEOUT_MS_LO, CFG_TIMEOUT_MS_HI),
	NUMBER(OPT_TRIES, "--tries", cf_tries, CFG_TRIES_LO, CFG_TRIES_HI),
	NUMBER('d', "-d", cf_max_delay_ms, CFG_MAX_DELAY_MS_LO,
	    CFG_MAX_DELAY_MS_HI),
	NUMBER(OPT_MIN_WAIT, "--min-wait", cf_min_wait_ms, CFG_MIN_WAIT_MS_LO,
	    CFG_MIN_WAIT_MS_HI),
	NUMBER('j', "-j", cf_max_inflight, CFG_MAX_INFLIGHT_LO,
	    CFG_MAX_INFLIGHT_HI),
	NUMBER(OPT_MAX_QPS, "--max-qps", cf_max_qps, CFG_MAX_QPS_LO,
	    CFG_MAX_QPS_HI),
	NUMBER(OPT_MAX_NAMES, "--max-names", cf_max_names, CFG_MAX_NAMES_LO,
	    CFG_MAX_NAMES_HI),
	NUMBER('c', "-c", cf_cache_size, CFG_CACHE_SIZE_LO, CFG_CACHE_SIZE_HI),
	NUMBER(OPT_MIN_TTL, "--min-ttl", cf_min_ttl, CFG_TTL_LO, CFG_TTL_HI),
	NUMBER(OPT_MAX_TTL, "--max-ttl", cf_max_ttl, CFG_TTL_LO, CFG_TTL_HI),
	NUMBER(OPT_NEG_TTL, "--neg-ttl", cf_neg_ttl, CFG_TTL_LO, CFG_TTL_HI),
	NUMBER(OPT_ERR_TTL, "--err-ttl", cf_err_ttl, CFG_TTL_LO, CFG_TTL_HI),
	NUMBER(OPT_MAX_IPS, "--max-ips", cf_max_ips, CFG_MAX_IPS_LO,
	    CFG_MAX_IPS_HI),
	NUMBER(OPT_MAX_LINE, "--max-line", cf_max_line, CFG_MAX_LINE_LO,
	    CFG_MAX_LINE_HI),
	NUMBER(OPT_METRICS_INTERVAL, "--metrics-interval", cf_metrics_interval,
	    CFG_METRICS_INTERVAL_LO, CFG_METRICS_INTERVAL_HI),
};

/* The resolver keeps at most DNSMSG_NAMES_MAX names per PTR answer. */
_Static_assert(CFG_MAX_NAMES_HI == DNSMSG_NAMES_MAX, "--max-names range");

/* The options that only switch an int of struct config on. */
static const struct {
	int	 fo_ch;
	size_t	 fo_off;
} flag_opts[] = {
	{ OPT_EXTRACT,	  offsetof(struct config, cf_extract) },
	{ OPT_UNORDERED,  offsetof(struct config, cf_unordered) },
	{ OPT_OMPROG,	  offsetof(struct config, cf_omprog) },
	{ OPT_NO_SANDBOX, offsetof(struct config, cf_no_sandbox) },
	{ OPT_FOLLOW,	  offsetof(struct config, cf_follow) },
	{ OPT_NO_SCAN_THREAD, offsetof(struct config, cf_no_scan_thread) },
};

/* The options that keep their argument as it is. */
static const struct {
	int	 so_ch;
	size_t	 so_off;
} string_opts[] = {
	{ 's',		  offsetof(struct config, cf_servers) },
	{ 'o',		  offsetof(struct config, cf_output) },
	{ OPT_CACHE_FILE, offsetof(struct config, cf_cache_file) },
	{ OPT_METRICS_FILE, offsetof(struct config, cf_metrics_file) },
	{ OPT_USER,	  offsetof(struct config, cf_user) },
	{ OPT_STATE,	  offsetof(struct config, cf_state) },
};

#define NLONGOPTS	(NITEMS(longopts) - 1)

/* What options_parse() remembers between options. */
struct parse_state {
	int		 ps_exclude_none;
	int		 ps_mmexternal;
	int		 ps_delay_set;
	/* The long names of the options given, once each, for optcheck. */
	const char	*ps_given[NLONGOPTS + 1];
	size_t		 ps_ngiven;
	struct inputopt_state ps_input;
};

/* Remember that the option of getopt value ch was given. */
static void
note_given(struct parse_state *ps, int ch)
{
	size_t	i, j;

	for (i = 0; i < NLONGOPTS; i++) {
		if (longopts[i].val != ch)
			continue;
		for (j = 0; j < ps->ps_ngiven; j++)
			if (ps->ps_given[j] == longopts[i].name)
				return;
		ps->ps_given[ps->ps_ngiven++] = longopts[i].name;
		return;
	}
}

/* Apply ch when a table above has it: 1, else 0. */
static int
table_option(struct config *cfg, int ch, const char *arg)
{
	char	*base = (char *)cfg;
	size_t	 i;

	for (i = 0; i < NITEMS(number_opts); i++)
		if (number_opts[i].no_ch == ch) {
			*(uint32_t *)(base + number_opts[i].no_off) = number(
			    number_opts[i].no_flag, arg, number_opts[i].no_lo,
			    number_opts[i].no_hi);
			return 1;
		}
	for (i = 0; i < NITEMS(flag_opts); i++)
		if (flag_opts[i].fo_ch == ch) {
			*(int *)(base + flag_opts[i].fo_off) = 1;
			return 1;
		}
	for (i = 0; i < NITEMS(string_opts); i++)
		if (string_opts[i].so_ch == ch) {
			*(const char **)(base + string_opts[i].so_off) = arg;
			return 1;
		}
	return 0;
}

/* One word an option accepts, and the value it stands for. */
struct word {
	const char	*w_word;	/* NULL: the option without "=word" */
	int		 w_value;
};

static const struct word format_words[] = {
	{ "kv", CFG_FORMAT_KV },
	{ "json", CFG_FORMAT_JSON },
	{ "inline", CFG_FORMAT_INLINE },
};
static const struct word stats_words[] = {
	{ NULL, CFG_STATS_KV },
	{ "json", CFG_STATS_JSON },
};
static const struct word progress_words[] = {
	{ NULL, CFG_PROGRESS_AUTO },
	{ "auto", CFG_PROGRESS_AUTO },
	{ "never", CFG_PROGRESS_NEVER },
};

/*
 * The value of arg among w[0..n), or a usage error "OPT SEP ARG: why".
 * arg is NULL when the option came without a word.
 */
static int
word_option(const char *opt, const char *sep, const char *arg,
    const struct word *w, size_t n, const char *why)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (arg == NULL ? w[i].w_word == NULL :
		    w[i].w_word != NULL && strcmp(arg, w[i].w_word) == 0)
			return w[i].w_value;
	bad("%s%s%s: %s", opt, sep, arg, why);
}

#define WORDS(t)	(t), sizeof(t) / sizeof((t)[0])

/* The options no table holds. */
static void
other_option(struct config *cfg, struct parse_state *ps, int ch,
    const char *arg, const char *given)
{
	switch (ch) {
	case OPT_EXCLUDE:
		/* none drops the defaults, not the ranges given. */
		if (strcmp(arg, "none") == 0)
			ps->ps_exclude_none = 1;
		else
			cidr_option(&cfg->cf_exclude, "--exclude", arg);
		break;
	case OPT_ONLY:
		cidr_option(&cfg->cf_only, "--only", arg);
		break;
	case OPT_INPUT:
	case OPT_FIELD:
	case OPT_SCAN:
		inputopt_take(cfg, &ps->ps_input, ch == OPT_INPUT ? "--input" :
		    ch == OPT_FIELD ? "--field" : "--scan", arg);
		break;
	case 'f':
		cfg->cf_format = word_option("-f", " ", arg,
		    WORDS(format_words), "unknown format (kv, json or inline)");
		break;
	case OPT_PREFIX:
		prefix_option(cfg, arg);
		break;
	case OPT_STATS:
		cfg->cf_stats = word_option("--stats", "=", arg,
		    WORDS(stats_words), "expected --stats or --stats=json");
		break;
	case OPT_PROGRESS:
		cfg->cf_progress = word_option("--progress", "=", arg,
		    WORDS(progress_words), "expected auto or never");
		break;
	case 'p':
		if (cfg->cf_npatterns == CFG_PATTERNS_MAX)
			bad("-p: at most %d pattern sets", CFG_PATTERNS_MAX);
		cfg->cf_patterns[cfg->cf_npatterns++] = arg;
		break;
	case OPT_MMEXTERNAL:
		ps->ps_mmexternal = 1;
		break;
	case 'h':
		usage();
		exit(0);
	case 'V':
		version();
		exit(0);
	case ':':
		bad("option %s needs a value (see ptrtag --help)", given);
	default:
		bad("unknown option %s (see ptrtag --help)", given);
	}
}

void
options_parse(int argc, char **argv, struct config *cfg)
{
	struct parse_state	ps;
	int			ch;

	defaults(cfg);
	memset(&ps, 0, sizeof(ps));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":s:t:d:j:c:p:f:o:hV", longopts,
	    NULL)) != -1) {
		if (ch == 'd')
			ps.ps_delay_set = 1;
		note_given(&ps, ch);
		if (!table_option(cfg, ch, optarg))
			other_option(cfg, &ps, ch, optarg, argv[optind - 1]);
	}
	cfg->cf_files = argv + optind;
	if (ps.ps_mmexternal) {
		cfg->cf_format = CFG_FORMAT_MMEXTERNAL;
		if (!ps.ps_delay_set)
			cfg->cf_max_delay_ms = CFG_MMEXTERNAL_DELAY_MS;
	}
	finish(cfg);
	optcheck(cfg, ps.ps_given, ps.ps_exclude_none);
}
