/*
 * metrics: the counters of stats.h as Prometheus text exposition format
 * 0.0.4, the text of the --metrics-file (ptrtag.1, --metrics-file). Pure:
 * counters in, text out; writing the file is filter/stream/metricsfile.c's
 * job.
 *
 * Every item of stats_items() becomes one series "ptrtag_FAMILY" (with
 * "_total" for a counter) or, in a labelled family,
 * "ptrtag_FAMILY_total{LABEL="VALUE"}"; each family is preceded by its
 * HELP and TYPE lines. The lookup latency histogram follows as
 * ptrtag_lookup_duration_seconds, in seconds: cumulative "_bucket"
 * series with "le" bounds of 0.001 to 262.144 and "+Inf", "_sum" and
 * "_count".
 */
#ifndef METRICS_H
#define METRICS_H

#include "outbuf.h"
#include "stats.h"

/* The name every series starts with. */
#define METRICS_PREFIX	"ptrtag_"

/* Append the exposition of st and g to ob (lines ending in "\n"). */
void	metrics_format(const struct stats *st, const struct stats_gauges *g,
	    struct outbuf *ob);

#endif /* METRICS_H */
