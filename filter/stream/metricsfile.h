/*
 * metricsfile: the --metrics-file (ptrtag.1, --metrics-file): the
 * counters in the Prometheus text format (metrics.h), replaced atomically
 * every --metrics-interval seconds, on SIGUSR1 and SIGHUP, and at exit,
 * for node_exporter's textfile collector. The loop asks when the next
 * write is due, as it does for the progress line.
 *
 * A write never changes the file in place: the text goes to NAME.tmp in
 * the same directory (removed first, then created exclusively, never
 * through a symbolic link), which is renamed over NAME, so a reader sees
 * the old file or the new one, whole. The directory is opened once at
 * start and every later access is relative to it.
 */
#ifndef METRICSFILE_H
#define METRICSFILE_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct metricsfile;

/*
 * At start, before any input is read: open the directory of path, refuse
 * a path whose name is taken by a symbolic link or by something else
 * than a regular file, and write the file once with st and g, so that a
 * directory ptrtag cannot write to is found now. The next write is due
 * interval_s seconds after now_ms. Returns the handle, or NULL with one
 * line in err naming path (the caller exits 2).
 */
struct metricsfile *metricsfile_open(const char *path, uint32_t interval_s,
		    const struct stats *st, const struct stats_gauges *g,
		    uint64_t now_ms, char *err, size_t errlen);

/*
 * Replace the file with st and g now; the next write is due interval_s
 * after now_ms. Returns 0, or -1 when the file was left as it was: the
 * first failure of a run of failures warns on stderr (one line naming
 * the file), and the next success says so.
 */
int		 metricsfile_write(struct metricsfile *mf,
		    const struct stats *st, const struct stats_gauges *g,
		    uint64_t now_ms);

/* 1 when the periodic write is due; 0 otherwise or when mf is NULL. */
int		 metricsfile_due(const struct metricsfile *mf, uint64_t now_ms);

/* Milliseconds until the periodic write is due; -1 when mf is NULL. */
int64_t		 metricsfile_wait_ms(const struct metricsfile *mf,
		    uint64_t now_ms);

/* Close the directory and free mf; NULL is allowed. The file stays. */
void		 metricsfile_close(struct metricsfile *mf);

#endif /* METRICSFILE_H */
