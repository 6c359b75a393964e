/*
 * loopsig: the signals the loop acts on (ptrtag(1), SIGNALS). The
 * handlers only set flags, which the loop reads between two waits; the
 * signals are blocked everywhere else, so a flag is never missed between
 * the check and the wait. The one exception: a second stop signal ends
 * the process at once, from the handler.
 */
#ifndef LOOPSIG_H
#define LOOPSIG_H

#include <signal.h>

enum loopsig {
	LOOPSIG_STOP,		/* SIGTERM or SIGINT: stop reading, drain */
	LOOPSIG_HUP,		/* SIGHUP: reopen -o, save the cache file */
	LOOPSIG_USR1,		/* SIGUSR1: print the counters */
};

/*
 * Block SIGINT, SIGTERM, SIGHUP and SIGUSR1 outside the wait and install
 * flag-setting handlers; ignore SIGPIPE. Call once before loop_run(),
 * and before anything a monitor can see (the --metrics-file): a SIGUSR1
 * or SIGHUP sent on seeing it is then held for the loop, never the
 * default action, which would end the process.
 */
void		 loop_signals(void);

/*
 * 1 when sig was delivered since the last call, else 0. LOOPSIG_STOP is
 * never cleared: once stopping, always stopping.
 */
int		 loopsig_take(enum loopsig sig);

/* The mask to wait with: the installed signals unblocked. */
const sigset_t	*loopsig_wait_mask(void);

#endif /* LOOPSIG_H */
