/*
 * loop: the single-threaded event loop, the only place that blocks
 * (ppoll over input, output and the c-ares sockets). It takes lines from
 * input.c, scans them, starts their lookups, holds them in the window
 * (lineq.c) and hands them to the output side (output.c); the signals it
 * acts on are loopsig.c's (ptrtag(1), SIGNALS).
 */
#ifndef LOOP_H
#define LOOP_H

#include "loopctx.h"
#include "loopsig.h"	/* loop_signals() */

/*
 * Run until input ends and every line is written, or a stop signal's
 * grace period ends. Returns the exit status: 0, or 1 when the output
 * failed (after a warning on stderr).
 */
int	loop_run(struct loop_ctx *lc);

#endif /* LOOP_H */
