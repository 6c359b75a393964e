/*
 * config: every option of the command line with its default. usage(),
 * the option parser and the modules all read these names, so the help
 * text and the behaviour cannot drift apart.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

#define CFG_TIMEOUT_MS		1000
#define CFG_TRIES		2
#define CFG_MAX_DELAY_MS	2000
#define CFG_MAX_INFLIGHT	256
#define CFG_MAX_QPS		0
#define CFG_MAX_NAMES		4
#define CFG_CACHE_SIZE		100000
#define CFG_MIN_TTL		60
#define CFG_MAX_TTL		86400
#define CFG_NEG_TTL		900
#define CFG_ERR_TTL		30
#define CFG_MAX_IPS		8
#define CFG_MAX_LINE		65536
#define CFG_PREFIX		"rdns_"

/*
 * The window of lines waiting for lookups: at most this many lines and
 * bytes. When either is reached ptrtag stops reading input.
 */
#define CFG_WINDOW_LINES	32768
#define CFG_WINDOW_BYTES	(16u << 20)
/* Stop reading input while this much output waits for the reader. */
#define CFG_OUT_HIGH		(1u << 20)

enum cfg_format {
	CFG_FORMAT_KV,
	CFG_FORMAT_JSON,
	CFG_FORMAT_INLINE,
	CFG_FORMAT_MMEXTERNAL,	/* rsyslog mmexternal replies */
};

/* Default --max-delay under --mmexternal: rsyslog waits on every reply. */
#define CFG_MMEXTERNAL_DELAY_MS	200
/* -p may be given this many times. */
#define CFG_PATTERNS_MAX	16
/* Redraws of the --progress line per second, at most. */
#define CFG_PROGRESS_HZ		4

struct config {
	const char		*cf_servers;	/* NULL: resolv.conf */
	uint32_t		 cf_timeout_ms;
	uint32_t		 cf_tries;
	uint32_t		 cf_max_delay_ms;
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
	struct ipaddr_set	 cf_exclude;
	struct ipaddr_set	 cf_only;
	enum cfg_format		 cf_format;
	const char		*cf_prefix;
	const char		*cf_output;	/* NULL: stdout */
	const char		*cf_cache_file;
	int			 cf_unordered;
	int			 cf_extract;
	int			 cf_stats;	/* 0 off, 1 kv, 2 json */
	int			 cf_omprog;	/* confirm each line with OK */
	int			 cf_progress;	/* -1 never, 0 auto */
	const char		*cf_user;	/* --user: NULL keeps it */
	int			 cf_no_sandbox;	/* --no-sandbox */
	char			**cf_files;	/* NULL-terminated; none: stdin */
	const char		*cf_patterns[CFG_PATTERNS_MAX];	/* -p, in order */
	size_t			 cf_npatterns;
};

#endif /* CONFIG_H */
