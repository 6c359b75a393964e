/*
 * config: every option of the command line with its default. usage(),
 * the option parser and the modules all read these names, so the help
 * text and the behaviour cannot drift apart.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "ipset.h"

/*
 * Each option's default, and for a number its accepted range _LO.._HI
 * (ptrtag.1, OPTIONS): options.c parses and its --help prints these.
 */
#define CFG_TIMEOUT_MS		1000
#define CFG_TIMEOUT_MS_LO	1
#define CFG_TIMEOUT_MS_HI	600000
#define CFG_TRIES		2
#define CFG_TRIES_LO		1
#define CFG_TRIES_HI		10
#define CFG_MAX_DELAY_MS	2000
#define CFG_MAX_DELAY_MS_LO	0
#define CFG_MAX_DELAY_MS_HI	3600000
/* --min-wait: the floor of the learned wait (ptrtag.1, LINE DELAY). */
#define CFG_MIN_WAIT_MS		250
#define CFG_MIN_WAIT_MS_LO	0
#define CFG_MIN_WAIT_MS_HI	CFG_MAX_DELAY_MS_HI
#define CFG_MAX_INFLIGHT	256
#define CFG_MAX_INFLIGHT_LO	1
#define CFG_MAX_INFLIGHT_HI	65536
#define CFG_MAX_QPS		0		/* off */
#define CFG_MAX_QPS_LO		0
#define CFG_MAX_QPS_HI		1000000
#define CFG_MAX_NAMES		4
#define CFG_MAX_NAMES_LO	1
#define CFG_MAX_NAMES_HI	16		/* DNSMSG_NAMES_MAX */
#define CFG_CACHE_SIZE		100000
#define CFG_CACHE_SIZE_LO	1
#define CFG_CACHE_SIZE_HI	100000000
/* --min-ttl, --max-ttl, --neg-ttl, --err-ttl: seconds, one range. */
#define CFG_MIN_TTL		60
#define CFG_MAX_TTL		86400
#define CFG_NEG_TTL		900
#define CFG_ERR_TTL		30
#define CFG_TTL_LO		0
#define CFG_TTL_HI		INT32_MAX
#define CFG_MAX_IPS		8
#define CFG_MAX_IPS_LO		1
#define CFG_MAX_IPS_HI		LINE_ADDRS_MAX
#define CFG_MAX_LINE		65536
#define CFG_MAX_LINE_LO		1
#define CFG_MAX_LINE_HI		(64 << 20)
/* --metrics-interval: seconds between writes of the --metrics-file. */
#define CFG_METRICS_INTERVAL	15
#define CFG_METRICS_INTERVAL_LO	1
#define CFG_METRICS_INTERVAL_HI	3600
#define CFG_PREFIX		"rdns_"
#define CFG_PREFIX_MAX		32		/* bytes */
/* -p may be given this many times. */
#define CFG_PATTERNS_MAX	16

/*
 * The window of lines waiting for lookups: at most this many lines and
 * bytes. When either is reached ptrtag stops reading input.
 */
#define CFG_WINDOW_LINES	32768
#define CFG_WINDOW_BYTES	(16u << 20)
/* Stop reading input while this much output waits for the reader. */
#define CFG_OUT_HIGH		(1u << 20)
/*
 * An output pipe is grown to this capacity at start (ptrtag.1, OUTPUT,
 * Output pipe): a reader then wakes once per quarter of it rather than
 * once per 64 KiB, and the writes are that large.
 */
#define CFG_OUT_PIPE		(1 << 20)

/*
 * --input (ptrtag.1, STRUCTURED INPUT): text lines, or one JSON object
 * per line enriched in place. --field and --scan take at most
 * CFG_PATHS_MAX paths each, of at most CFG_PATH_MAX bytes; given, they
 * replace these defaults (comma-separated).
 */
enum cfg_input {
	CFG_INPUT_TEXT,
	CFG_INPUT_JSON,
};
#define CFG_FIELDS		"source.ip,destination.ip,client.ip,server.ip,host.ip"
#define CFG_SCANS		"message,MESSAGE,log"
#define CFG_PATHS_MAX		16
#define CFG_PATH_MAX		256

enum cfg_format {
	CFG_FORMAT_KV,
	CFG_FORMAT_JSON,
	CFG_FORMAT_INLINE,
	CFG_FORMAT_MMEXTERNAL,	/* rsyslog mmexternal replies */
};

/* --stats: off, or which form (ptrtag.1, --stats). */
enum cfg_stats {
	CFG_STATS_OFF = 0,
	CFG_STATS_KV = 1,
	CFG_STATS_JSON = 2,
};

/*
 * --progress: auto (shown when stderr is a terminal and every input a
 * regular file) or never. progress_create() reads a negative mode as
 * never.
 */
enum cfg_progress {
	CFG_PROGRESS_NEVER = -1,
	CFG_PROGRESS_AUTO = 0,
};

/* Default --max-delay under --mmexternal: rsyslog waits on every reply. */
#define CFG_MMEXTERNAL_DELAY_MS	200
/* Redraws of the --progress line per second, at most. */
#define CFG_PROGRESS_HZ		4

/*
 * --follow (ptrtag.1, FOLLOWING): how often each file is checked for new
 * bytes, rotation and truncation; the bytes read from one file before
 * another with bytes waiting gets its turn; files followed at most.
 * --state: saved at most this often (and at exit).
 */
#define CFG_FOLLOW_POLL_MS	250
#define CFG_FOLLOW_SLICE	(1u << 20)
#define CFG_FOLLOW_MAX		256
#define CFG_STATE_SAVE_MS	1000

struct config {
	const char		*cf_servers;	/* NULL: resolv.conf */
	uint32_t		 cf_timeout_ms;
	uint32_t		 cf_tries;
	uint32_t		 cf_max_delay_ms;
	uint32_t		 cf_min_wait_ms;
	uint32_t		 cf_max_inflight;
	uint32_t		 cf_max_qps;
	uint32_t		 cf_max_names;
	uint32_t		 cf_cache_size;
	uint32_t		 cf_min_ttl;	/* seconds */
	uint32_t		 cf_max_ttl;
	uint32_t		 cf_neg_ttl;
	uint32_t		 cf_err_ttl;
	uint32_t		 cf_max_ips;
	uint32_t		 cf_max_line;
	uint32_t		 cf_window_lines;
	uint32_t		 cf_window_bytes;
	uint32_t		 cf_metrics_interval;	/* seconds */
	struct ipaddr_set	 cf_exclude;
	struct ipaddr_set	 cf_only;
	enum cfg_format		 cf_format;
	enum cfg_input		 cf_input;
	const char		*cf_fields[CFG_PATHS_MAX];	/* --field */
	size_t			 cf_nfields;
	const char		*cf_scans[CFG_PATHS_MAX];	/* --scan */
	size_t			 cf_nscans;
	const char		*cf_prefix;
	const char		*cf_output;	/* NULL: stdout */
	const char		*cf_cache_file;
	const char		*cf_metrics_file;	/* NULL: none */
	int			 cf_unordered;
	int			 cf_extract;
	enum cfg_stats		 cf_stats;
	int			 cf_omprog;	/* confirm each line with OK */
	enum cfg_progress	 cf_progress;
	const char		*cf_user;	/* --user: NULL keeps it */
	int			 cf_no_sandbox;	/* --no-sandbox */
	int			 cf_no_scan_thread; /* --no-scan-thread */
	int			 cf_follow;	/* --follow */
	const char		*cf_state;	/* --state, or NULL */
	char			**cf_files;	/* NULL-terminated; none: stdin */
	const char		*cf_patterns[CFG_PATTERNS_MAX];	/* -p, in order */
	size_t			 cf_npatterns;
};

#endif /* CONFIG_H */
