/*
 * usage: the --help and --version texts of ptrtag (ptrtag.1, OPTIONS).
 * The defaults and ranges come from config.h and the verdicts from the
 * table of verdict.h, so the help cannot drift from the behaviour.
 */
#include <stdio.h>

#include <ares.h>

#include "config.h"
#include "ipscan.h"
#include "sandbox.h"
#include "usage.h"
#include "verdict.h"

/* The verdicts of ptrtag.1, VERDICTS, from the table of verdict.h. */
static void
usage_verdicts(void)
{
	int	i;

	printf("Verdicts (ptrtag(1), VERDICTS):\n");
	for (i = VERDICT_FIRST; i < VERDICT_COUNT; i++)
		printf("  %-10s %s\n", verdict_table[i].vi_word,
		    verdict_table[i].vi_help);
}

/* The options of ptrtag.1, STRUCTURED INPUT and FOLLOWING. */
static void
usage_input(void)
{
	printf(
"Input (see STRUCTURED INPUT and FOLLOWING in ptrtag(1)):\n"
"      --input text|json   lines, or JSON objects enriched in place (text)\n"
"      --field PATH        a field holding addresses; repeatable; default\n"
"                          %s\n"
"      --scan PATH         a text field scanned like a line; repeatable;\n"
"                          default %s\n"
"      --follow            read the FILEs like tail -F (rotation, truncation)\n"
"      --state FILE        resume where the last run left each FILE\n",
	    CFG_FIELDS, CFG_SCANS);
}

void
usage(void)
{
	printf(
"usage: ptrtag [options] [FILE ...]\n"
"Append reverse DNS and forward-confirmed reverse DNS (FCrDNS) verdicts\n"
"for every IPv4/IPv6 address in each log line of each FILE (or stdin;\n"
"gzip data is decompressed). Defaults in parentheses; details in ptrtag(1).\n"
"\n"
"Resolution:\n"
"  -s, --server ADDR[:PORT],...  DNS servers (default: resolv.conf)\n"
"  -t, --timeout MS        one DNS try (%u; %u..%u)\n"
"      --tries N           tries per query (%u; %u..%u)\n"
"  -d, --max-delay MS      longest a line is held back (%u; %u..%u)\n"
"      --min-wait MS       least wait for a query in flight (%u; ..%u)\n"
"  -j, --max-inflight N    DNS queries in flight (%u; %u..%u)\n"
"      --max-qps N         cap on queries per second (0: off; ..%u)\n"
"      --max-names N       PTR names followed per address (%u; %u..%u)\n"
"      --exclude CIDR,...  never look up (adds to defaults; 'none' drops them)\n"
"      --only CIDR,...     look up only these\n",
	    CFG_TIMEOUT_MS, CFG_TIMEOUT_MS_LO, CFG_TIMEOUT_MS_HI,
	    CFG_TRIES, CFG_TRIES_LO, CFG_TRIES_HI,
	    CFG_MAX_DELAY_MS, CFG_MAX_DELAY_MS_LO, CFG_MAX_DELAY_MS_HI,
	    CFG_MIN_WAIT_MS, CFG_MIN_WAIT_MS_HI,
	    CFG_MAX_INFLIGHT, CFG_MAX_INFLIGHT_LO, CFG_MAX_INFLIGHT_HI,
	    CFG_MAX_QPS_HI, CFG_MAX_NAMES, CFG_MAX_NAMES_LO, CFG_MAX_NAMES_HI);
	printf(
"Cache:\n"
"  -c, --cache-size N      entries (%u; %u..%u)\n"
"      --min-ttl S / --max-ttl S   clamp positive TTLs (%u / %u)\n"
"      --neg-ttl S         cap for NXDOMAIN/NODATA caching (%u)\n"
"      --err-ttl S         caching of transient failures (%u)\n"
"      --cache-file PATH   load at start, save at exit and on SIGHUP\n"
"Extraction:\n"
"  -p, --pattern NAME|FILE which addresses to take (any; sshd, postfix,\n"
"                          nginx, apache, iptables, haproxy); repeatable\n"
"      --max-ips N         addresses annotated per line (%u; %u..%u)\n"
"      --max-line BYTES    longer lines pass untouched (%u)\n"
"      --extract           print extracted addresses only; no DNS\n"
"      --no-scan-thread    scan every line on one thread (see THREADS)\n",
	    CFG_CACHE_SIZE, CFG_CACHE_SIZE_LO, CFG_CACHE_SIZE_HI,
	    CFG_MIN_TTL, CFG_MAX_TTL, CFG_NEG_TTL, CFG_ERR_TTL,
	    CFG_MAX_IPS, CFG_MAX_IPS_LO, CFG_MAX_IPS_HI, CFG_MAX_LINE);
	usage_input();
	printf(
"Output:\n"
"  -f, --format kv|json|inline  output format (kv)\n"
"      --prefix STR        kv key prefix (%s)\n"
"  -o, --output FILE       append to FILE; reopened on SIGHUP\n"
"      --unordered         write each line as soon as it is ready\n"
"      --stats[=json]      counters to stderr at exit and on SIGUSR1\n"
"      --metrics-file PATH counters for Prometheus, replaced atomically\n"
"      --metrics-interval S  seconds between writes (%u; %u..%u)\n"
"      --omprog            rsyslog omprog confirmations (OK) on stdout\n"
"      --mmexternal        rsyslog mmexternal: one JSON reply per line\n"
"      --progress[=never]  progress line when reading files on a tty\n"
"Confinement (after start-up; see SANDBOX in ptrtag(1)):\n"
"      --user NAME         run as NAME once everything is open\n"
"      --no-sandbox        no seccomp filter, Landlock or no_new_privs\n"
"  -h, --help / -V, --version\n", CFG_PREFIX, CFG_METRICS_INTERVAL,
	    CFG_METRICS_INTERVAL_LO, CFG_METRICS_INTERVAL_HI);
	usage_verdicts();
}

void
version(void)
{
	char	landlock[32] = "no Landlock";
	int	abi;

	/* The sandbox degrades without Landlock; say which one this is. */
	if ((abi = sandbox_landlock_abi()) > 0)
		snprintf(landlock, sizeof(landlock), "Landlock ABI %d", abi);
	printf("ptrtag %s (c-ares %s, %s, %s)\n", PTRTAG_VERSION,
	    ares_version(NULL), ipscan_library_version(), landlock);
}
