/*
 * progress: the --progress line on a terminal: percent of input bytes
 * read, lines per second, cache hit rate and queries in flight.
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stats.h"

struct progress;

/*
 * A progress display for the inputs fds[0..nfds), or NULL when there is
 * none to show: mode is CFG_PROGRESS_NEVER, or stderr is not a
 * terminal, or an input is not a regular file.
 */
struct progress	*progress_create(enum cfg_progress mode, const int *fds,
		    size_t nfds, uint64_t now_ms);

/*
 * Redraw the line when at least 1/CFG_PROGRESS_HZ s passed since the
 * last redraw. bytes is the input consumed so far.
 */
void		 progress_tick(struct progress *pg, uint64_t now_ms,
		    uint64_t bytes, const struct stats *st, size_t inflight);

/* Milliseconds until the next redraw is due. */
int		 progress_wait_ms(const struct progress *pg, uint64_t now_ms);

/* Erase the line and free pg; NULL is allowed. */
void		 progress_end(struct progress *pg);

#endif /* PROGRESS_H */
