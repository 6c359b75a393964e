/*
 * loop: the single-threaded event loop, the only place that blocks
 * (ppoll over input, output and the c-ares sockets). It takes lines from
 * input.c, scans them, starts their lookups, holds them in the window
 * (lineq.c) and hands them to the output side (output.c); the signals it
 * acts on are loopsig.c's (ptrtag(1), SIGNALS).
 */
#ifndef LOOP_H
#define LOOP_H

#include "config.h"
#include "follow.h"
#include "input.h"
#include "jsonscan.h"
#include "ipscan.h"
#include "loopsig.h"	/* loop_signals() */
#include "metricsfile.h"
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
};

/*
 * Run until input ends and every line is written, or a stop signal's
 * grace period ends. Returns the exit status: 0, or 1 when the output
 * failed (after a warning on stderr).
 */
int	loop_run(struct loop_ctx *lc);

#endif /* LOOP_H */
