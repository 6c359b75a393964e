/*
 * loopctx: what the event loop (loop.h) is handed by main and shares
 * with the modules that work a line for it (linescan.h): the options,
 * the counters, the input, the scanner, the resolver and the output.
 */
#ifndef LOOPCTX_H
#define LOOPCTX_H

#include "config.h"
#include "follow.h"
#include "input.h"
#include "jsonscan.h"
#include "ipscan.h"
#include "metricsfile.h"
#include "prescan.h"
#include "progress.h"
#include "resolver.h"
#include "stats.h"

struct loop_ctx {
	const struct config	*lc_cfg;
	struct stats		*lc_stats;
	struct input		*lc_in;
	struct ipscan		*lc_scan;
	struct rsv		*lc_rsv;
	int			 lc_outfd;
	struct progress		*lc_progress;	/* NULL: none */
	struct metricsfile	*lc_metrics;	/* NULL: no --metrics-file */
	struct jsonscan		*lc_json;	/* loop_run()'s (jsonscan.h) */
	struct follow		*lc_follow;	/* --follow, or NULL */
	struct ipscan		*lc_scan_ahead;	/* the thread's, or NULL */
	struct prescan		*lc_prescan;	/* loop_run()'s (prescan.h) */
};

#endif /* LOOPCTX_H */
