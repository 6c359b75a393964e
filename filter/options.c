/*
 * options: see options.h. Every default comes from config.h, so the help
 * text below and the behaviour read the same constants.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "dnsmsg.h"
#include "ipscan.h"
#include "options.h"
#include "sandbox.h"

enum {
	OPT_TRIES = 256, OPT_MAX_QPS, OPT_MAX_NAMES, OPT_EXCLUDE, OPT_ONLY,
	OPT_MIN_TTL, OPT_MAX_TTL, OPT_NEG_TTL, OPT_ERR_TTL, OPT_CACHE_FILE,
	OPT_MAX_IPS, OPT_MAX_LINE, OPT_EXTRACT, OPT_PREFIX, OPT_UNORDERED,
	OPT_OMPROG, OPT_MMEXTERNAL, OPT_STATS, OPT_PROGRESS, OPT_USER,
	OPT_NO_SANDBOX,
};

static const struct option longopts[] = {
	{ "server",	required_argument, NULL, 's' },
	{ "timeout",	required_argument, NULL, 't' },
	{ "tries",	required_argument, NULL, OPT_TRIES },
	{ "max-delay",	required_argument, NULL, 'd' },
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
	{ "pattern",	required_argument, NULL, 'p' },
	{ "max-ips",	required_argument, NULL, OPT_MAX_IPS },
	{ "max-line",	required_argument, NULL, OPT_MAX_LINE },
	{ "extract",	no_argument,	   NULL, OPT_EXTRACT },
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
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL,		0,		   NULL, 0 }
};

static void
usage(void)
{
	printf(
"usage: ptrtag [options] [FILE ...]\n"
"Append reverse DNS and forward-confirmed reverse DNS (FCrDNS) verdicts\n"
"for every IPv4/IPv6 address in each log line.\n"
"\n"
"Resolution:\n"
"  -s, --server ADDR[:PORT],...  DNS servers (default: resolv.conf)\n"
"  -t, --timeout MS        one DNS try (%u)\n"
"      --tries N           tries per query (%u)\n"
"  -d, --max-delay MS      longest a line is held back (%u)\n"
"  -j, --max-inflight N    DNS queries in flight (%u)\n"
"      --max-qps N         cap on queries per second (0: off)\n"
"      --max-names N       PTR names followed per address (%u)\n"
"      --exclude CIDR,...  never look up (adds to defaults; 'none' clears)\n"
"      --only CIDR,...     look up only these\n"
"Cache:\n"
"  -c, --cache-size N      entries (%u)\n"
"      --min-ttl S / --max-ttl S   clamp positive TTLs (%u / %u)\n"
"      --neg-ttl S         cap for NXDOMAIN/NODATA caching (%u)\n"
"      --err-ttl S         caching of transient failures (%u)\n"
"      --cache-file PATH   load at start, save at exit and on SIGHUP\n"
"Extraction:\n"
"  -p, --pattern NAME|FILE which addresses to take (any; sshd, postfix,\n"
"                          nginx, apache, iptables, haproxy); repeatable\n"
"      --max-ips N         addresses annotated per line (%u)\n"
"      --max-line BYTES    longer lines pass untouched (%u)\n"
"      --extract           print extracted addresses only; no DNS\n"
"Output:\n"
"  -f, --format kv|json|inline  output format (kv)\n"
"      --prefix STR        kv key prefix (%s)\n"
"  -o, --output FILE       append to FILE; reopened on SIGHUP\n"
"      --unordered         write each line as soon as it is ready\n"
"      --stats[=json]      counters to stderr at exit and on SIGUSR1\n"
"      --omprog            rsyslog omprog confirmations (OK) on stdout\n"
"      --mmexternal        rsyslog mmexternal: one JSON reply per line\n"
"      --progress[=never]  progress line when reading files on a tty\n"
"Confinement (after start-up; see SANDBOX in ptrtag(1)):\n"
"      --user NAME         run as NAME once everything is open\n"
"      --no-sandbox        no seccomp filter, Landlock or no_new_privs\n"
"  -h, --help / -V, --version\n"
"\n"
"Verdicts: pass fail none temperror permerror timeout skipped.\n"
"See ptrtag(1) for details.\n",
	    CFG_TIMEOUT_MS, CFG_TRIES, CFG_MAX_DELAY_MS, CFG_MAX_INFLIGHT,
	    CFG_MAX_NAMES, CFG_CACHE_SIZE, CFG_MIN_TTL, CFG_MAX_TTL,
	    CFG_NEG_TTL, CFG_ERR_TTL, CFG_MAX_IPS, CFG_MAX_LINE, CFG_PREFIX);
	exit(0);
}

static void
version(void)
{
	char	landlock[32] = "no Landlock";
	int	abi;

	/* The sandbox degrades without Landlock; say which one this is. */
	if ((abi = sandbox_landlock_abi()) > 0)
		snprintf(landlock, sizeof(landlock), "Landlock ABI %d", abi);
	printf("ptrtag %s (c-ares %s, %s, %s)\n", PTRTAG_VERSION,
	    ares_version(NULL), ipscan_library_version(), landlock);
	exit(0);
}

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
	const char	*errstr;

	if (ipaddr_set_parse(set, arg, &errstr) == -1)
		bad("%s %s: %s", opt, arg, errstr);
}

static void
defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cf_timeout_ms = CFG_TIMEOUT_MS;
	cfg->cf_tries = CFG_TRIES;
	cfg->cf_max_delay_ms = CFG_MAX_DELAY_MS;
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
}

static void
prefix_option(struct config *cfg, const char *arg)
{
	size_t	i, len = strlen(arg);

	if (len > 32)
		bad("--prefix %s: longer than 32 bytes", arg);
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", arg[i]))
			bad("--prefix %s: only letters, digits, '_', '.' "
			    "and '-' are allowed", arg);
	cfg->cf_prefix = arg;
}

static void
format_option(struct config *cfg, const char *arg)
{
	if (strcmp(arg, "kv") == 0)
		cfg->cf_format = CFG_FORMAT_KV;
	else if (strcmp(arg, "json") == 0)
		cfg->cf_format = CFG_FORMAT_JSON;
	else if (strcmp(arg, "inline") == 0)
		cfg->cf_format = CFG_FORMAT_INLINE;
	else
		bad("-f %s: unknown format (kv, json or inline)", arg);
}

/* Cross-checks between options, after all of them are read. */
static void
finish(struct config *cfg, int exclude_none)
{
	static char	servers[1024];
	const char	*errstr;
	uint32_t	 pending, room;

	if (!exclude_none) {
		struct ipaddr_set	user = cfg->cf_exclude;

		memset(&cfg->cf_exclude, 0, sizeof(cfg->cf_exclude));
		ipaddr_set_add_defaults(&cfg->cf_exclude);
		for (size_t i = 0; i < user.is_count &&
		    cfg->cf_exclude.is_count < IPADDR_SETMAX; i++)
			cfg->cf_exclude.is_prefix[cfg->cf_exclude.is_count++] =
			    user.is_prefix[i];
	}
	if (cfg->cf_min_ttl > cfg->cf_max_ttl)
		bad("--min-ttl %u is above --max-ttl %u", cfg->cf_min_ttl,
		    cfg->cf_max_ttl);
	if (cfg->cf_servers != NULL) {
		if (options_servers(cfg->cf_servers, servers, sizeof(servers),
		    &errstr) == -1)
			bad("--server %s: %s", cfg->cf_servers, errstr);
		cfg->cf_servers = servers;
	}
	/*
	 * Queued lines pin the cache entries they refer to, and so do
	 * pending lookups (at most pending_bound(), bounds.h): shrink the
	 * window so that, at two distinct addresses per line, pins leave
	 * room in the cache. (A window of lines that each carry more only
	 * means that new addresses are skipped while the cache is full of
	 * pinned entries.)
	 */
	pending = pending_bound(cfg->cf_max_inflight);
	room = cfg->cf_cache_size > pending ? cfg->cf_cache_size - pending : 0;
	if (room / 2 < cfg->cf_window_lines)
		cfg->cf_window_lines = room / 2;
	if (cfg->cf_window_lines < 1)
		cfg->cf_window_lines = 1;
}

void
options_parse(int argc, char **argv, struct config *cfg)
{
	int	ch, exclude_none = 0, mmexternal = 0, delay_set = 0;

	defaults(cfg);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":s:t:d:j:c:p:f:o:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 's':
			cfg->cf_servers = optarg;
			break;
		case 't':
			cfg->cf_timeout_ms = number("-t", optarg, 1, 600000);
			break;
		case OPT_TRIES:
			cfg->cf_tries = number("--tries", optarg, 1, 10);
			break;
		case 'd':
			cfg->cf_max_delay_ms = number("-d", optarg, 0, 3600000);
			delay_set = 1;
			break;
		case 'j':
			cfg->cf_max_inflight = number("-j", optarg, 1, 65536);
			break;
		case OPT_MAX_NAMES:
			cfg->cf_max_names = number("--max-names", optarg, 1,
			    DNSMSG_NAMES_MAX);
			break;
		case OPT_EXCLUDE:
			if (strcmp(optarg, "none") == 0) {
				exclude_none = 1;
				memset(&cfg->cf_exclude, 0,
				    sizeof(cfg->cf_exclude));
			} else
				cidr_option(&cfg->cf_exclude, "--exclude",
				    optarg);
			break;
		case OPT_ONLY:
			cidr_option(&cfg->cf_only, "--only", optarg);
			break;
		case 'c':
			cfg->cf_cache_size = number("-c", optarg, 1,
			    100000000);
			break;
		case OPT_MIN_TTL:
			cfg->cf_min_ttl = number("--min-ttl", optarg, 0,
			    INT32_MAX);
			break;
		case OPT_MAX_TTL:
			cfg->cf_max_ttl = number("--max-ttl", optarg, 0,
			    INT32_MAX);
			break;
		case OPT_NEG_TTL:
			cfg->cf_neg_ttl = number("--neg-ttl", optarg, 0,
			    INT32_MAX);
			break;
		case OPT_ERR_TTL:
			cfg->cf_err_ttl = number("--err-ttl", optarg, 0,
			    INT32_MAX);
			break;
		case OPT_MAX_IPS:
			cfg->cf_max_ips = number("--max-ips", optarg, 1,
			    LINE_ADDRS_MAX);
			break;
		case OPT_MAX_LINE:
			cfg->cf_max_line = number("--max-line", optarg, 1,
			    64 << 20);
			break;
		case OPT_EXTRACT:
			cfg->cf_extract = 1;
			break;
		case 'f':
			format_option(cfg, optarg);
			break;
		case OPT_PREFIX:
			prefix_option(cfg, optarg);
			break;
		case 'o':
			cfg->cf_output = optarg;
			break;
		case OPT_UNORDERED:
			cfg->cf_unordered = 1;
			break;
		case OPT_STATS:
			if (optarg == NULL)
				cfg->cf_stats = 1;
			else if (strcmp(optarg, "json") == 0)
				cfg->cf_stats = 2;
			else
				bad("--stats=%s: expected --stats or "
				    "--stats=json", optarg);
			break;
		case 'h':
			usage();
			break;
		case 'V':
			version();
			break;
		case OPT_MAX_QPS:
			cfg->cf_max_qps = number("--max-qps", optarg, 0,
			    1000000);
			break;
		case OPT_CACHE_FILE:
			cfg->cf_cache_file = optarg;
			break;
		case 'p':
			if (cfg->cf_npatterns == CFG_PATTERNS_MAX)
				bad("-p: at most %d pattern sets",
				    CFG_PATTERNS_MAX);
			cfg->cf_patterns[cfg->cf_npatterns++] = optarg;
			break;
		case OPT_OMPROG:
			cfg->cf_omprog = 1;
			break;
		case OPT_MMEXTERNAL:
			mmexternal = 1;
			break;
		case OPT_PROGRESS:
			if (optarg == NULL || strcmp(optarg, "auto") == 0)
				cfg->cf_progress = 0;
			else if (strcmp(optarg, "never") == 0)
				cfg->cf_progress = -1;
			else
				bad("--progress=%s: expected auto or never",
				    optarg);
			break;
		case OPT_USER:
			cfg->cf_user = optarg;
			break;
		case OPT_NO_SANDBOX:
			cfg->cf_no_sandbox = 1;
			break;
		case ':':
			bad("option %s needs a value (see ptrtag --help)",
			    argv[optind - 1]);
		default:
			bad("unknown option %s (see ptrtag --help)",
			    argv[optind - 1]);
		}
	}
	cfg->cf_files = argv + optind;
	if (mmexternal) {
		if (cfg->cf_omprog || cfg->cf_output != NULL)
			bad("--mmexternal replies on standard output; it takes "
			    "neither --omprog nor -o");
		cfg->cf_format = CFG_FORMAT_MMEXTERNAL;
		if (!delay_set)
			cfg->cf_max_delay_ms = CFG_MMEXTERNAL_DELAY_MS;
	}
	if (cfg->cf_omprog && cfg->cf_output == NULL)
		bad("--omprog needs -o FILE: standard output carries the "
		    "confirmations");
	finish(cfg, exclude_none);
}
