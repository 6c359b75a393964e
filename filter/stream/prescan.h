/*
 * prescan: a second thread that scans the input's lines ahead of the
 * loop (ptrtag(1), THREADS). The loop offers the bytes it has read; the
 * thread frames them into lines (line.h) and runs its own scanner over
 * each, keeping the addresses it finds in a ring. When the loop takes a
 * line, prescan_take() hands it the thread's result for exactly those
 * bytes (the same place and length), or says that there is none and the
 * loop scans the line itself. So the output is the same with or without
 * the thread; only where the scanning runs changes.
 *
 * The thread reads only bytes offered since the last prescan_fence(),
 * and no byte after prescan_fence() returns: call it before any offered
 * byte moves or is overwritten (input.h, input_set_fence). It does no
 * I/O, touches no counter, no cache and no other module's state, and
 * takes no signal. Results are a pure function of a line's bytes and
 * the scanner, so one computed by the thread is the loop's own.
 */
#ifndef PRESCAN_H
#define PRESCAN_H

#include <stddef.h>

#include "ipmatch.h"

struct ipscan;
struct prescan;

/* Address filter, as ipscan_line_keep() takes it; called by the thread. */
typedef int	(*prescan_keep_fn)(const struct ipaddr *, const void *);

/*
 * An address the loop will look up soon; called by the loop's thread.
 * A line's addresses are told in steps 0 to PRESCAN_SOON_STEPS - 1, step
 * s while the line PRESCAN_SOON_AHEAD(s) before it is taken.
 */
typedef void	(*prescan_soon_fn)(void *, const struct ipaddr *, int step);
#define PRESCAN_SOON_STEPS	3
#define PRESCAN_SOON_AHEAD(s)	(3 * (PRESCAN_SOON_STEPS - (s)))

/* What the thread is given. */
struct prescan_conf {
	struct ipscan	*pc_scan;	/* its own; the thread frees it */
	size_t		 pc_max_ips;	/* a line's; <= LINE_ADDRS_MAX */
	size_t		 pc_max_line;	/* longer lines are not scanned */
	prescan_keep_fn	 pc_keep;	/* called by the thread */
	const void	*pc_keep_arg;
	prescan_soon_fn	 pc_soon;	/* called by the loop; NULL: none */
	void		*pc_soon_arg;
};

/*
 * Start the thread. It scans each line whose text (line.h) is at most
 * pc_max_line bytes (the input hands longer ones out raw) with pc_scan,
 * keeping at most pc_max_ips addresses that pc_keep(pc_keep_arg)
 * accepts, as ipscan_line_keep() does; pc_keep must be safe to call from
 * the thread. Within prescan_take(), pc_soon(pc_soon_arg) is told the
 * addresses of lines a few ahead, to start loading what they will need.
 * Returns NULL when no thread can be made (the loop then scans alone,
 * and pc_scan is freed).
 */
struct prescan	*prescan_start(const struct prescan_conf *conf);

/* Stop the thread and free everything; NULL is allowed. */
void		 prescan_stop(struct prescan *ps);

/*
 * The bytes not yet handed out are buf[0..len), and buf starts a line
 * unless nothing was fenced since the last offer, which this one then
 * extends. The thread is woken only when len is at least 32 KiB: input
 * arriving in bulk; the few lines of a live stream are the loop's to
 * scan. No-op on NULL.
 */
void		 prescan_offer(void *ps, const char *buf, size_t len);

/*
 * Make the thread stop reading the offered bytes; returns once it reads
 * none. Its results are forgotten at the next offer, unless
 * prescan_moved() came first. No-op on NULL.
 */
void		 prescan_fence(void *ps);

/*
 * After a fence, the bytes not yet handed out moved, whole, down by by
 * bytes to to: the results for their lines are kept, moved with them,
 * and the thread goes on where it was in them (input.h, iw_moved). An
 * offer follows. No-op on NULL or without a fence.
 */
void		 prescan_moved(void *ps, const char *to, size_t by);

/*
 * The loop takes the line p[0..len): 1 with the thread's result for it,
 * the count ipscan_line_keep() would return (-1: a scanner error) in
 * *n, its matches in out[0..*n) and in *limited what ipscan_limited()
 * would say; 0 when there is none (the loop scans it itself). Results for
 * lines before p are dropped. On NULL, 0.
 */
int		 prescan_take(struct prescan *ps, const char *p, size_t len,
		    struct ipmatch *out, int *n, int *limited);

/*
 * Results the thread has published that prescan_take() has not yet
 * reached: how far ahead it is (0 on NULL, or after a fence).
 */
size_t		 prescan_waiting(struct prescan *ps);

#endif /* PRESCAN_H */
