/*
 * progress: see progress.h. Writes straight to fd 2 with one write(2)
 * per redraw; the line is erased with "\r" and "ESC [ K".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "progress.h"
#include "util.h"

struct progress {
	uint64_t	pg_total;	/* bytes of all inputs */
	uint64_t	pg_start_ms;
	uint64_t	pg_last_ms;
	int		pg_drawn;
};

#define PROGRESS_PERIOD_MS	(1000 / CFG_PROGRESS_HZ)

struct progress *
progress_create(enum cfg_progress mode, const int *fds, size_t nfds, uint64_t now)
{
	struct progress	*pg;
	struct stat	 sb;
	uint64_t	 total = 0;
	size_t		 i;

	if (mode == CFG_PROGRESS_NEVER || !isatty(STDERR_FILENO))
		return NULL;
	for (i = 0; i < nfds; i++) {
		if (fstat(fds[i], &sb) == -1 || !S_ISREG(sb.st_mode))
			return NULL;
		total += (uint64_t)sb.st_size;
	}
	pg = xcalloc(1, sizeof(*pg));
	pg->pg_total = total;
	pg->pg_start_ms = now;
	return pg;
}

int
progress_wait_ms(const struct progress *pg, uint64_t now)
{
	if (now >= pg->pg_last_ms + PROGRESS_PERIOD_MS)
		return 0;
	return (int)(pg->pg_last_ms + PROGRESS_PERIOD_MS - now);
}

void
progress_tick(struct progress *pg, uint64_t now, uint64_t bytes,
    const struct stats *st, size_t inflight)
{
	char		line[160];
	double		pct, rate, hits;
	uint64_t	lookups, elapsed;
	int		n;

	if (pg == NULL || now < pg->pg_last_ms + PROGRESS_PERIOD_MS)
		return;
	pg->pg_last_ms = now;
	elapsed = now - pg->pg_start_ms;
	pct = pg->pg_total ? 100.0 * (double)bytes / (double)pg->pg_total :
	    100.0;
	rate = elapsed ? 1000.0 * (double)st->st_lines_in / (double)elapsed :
	    0.0;
	lookups = st->st_cache_hits + st->st_cache_misses;
	hits = lookups ? 100.0 * (double)st->st_cache_hits /
	    (double)lookups : 0.0;
	n = snprintf(line, sizeof(line), "\rptrtag: %5.1f%%  %llu lines  "
	    "%.0f lines/s  cache %.1f%% hits  %zu in flight\x1b[K",
	    pct > 100.0 ? 100.0 : pct, (unsigned long long)st->st_lines_in,
	    rate, hits, inflight);
	if (n > 0 && write(STDERR_FILENO, line,
	    (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) > 0)
		pg->pg_drawn = 1;
}

void
progress_end(struct progress *pg)
{
	if (pg == NULL)
		return;
	if (pg->pg_drawn && write(STDERR_FILENO, "\r\x1b[K", 4) < 0)
		pg->pg_drawn = 0;
	free(pg);
}
