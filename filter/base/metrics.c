/*
 * metrics: see metrics.h. The names, kinds and help texts are stats.c's
 * table; this file only spells them in the exposition format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"

/* Long enough for any line written here (help texts are short). */
#define METRICS_LINE_MAX	256

static void __attribute__((format(printf, 2, 3)))
put(struct outbuf *ob, const char *fmt, ...)
{
	char	line[METRICS_LINE_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		outbuf_append(ob, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1);
}

/* "FAMILY" or "FAMILY_total": the series name after the prefix. */
static void
series_name(const struct stats_item *it, char *name, size_t len)
{
	snprintf(name, len, "%s%s%s", METRICS_PREFIX, it->sti_family,
	    it->sti_kind == STATS_COUNTER ? "_total" : "");
}

static void
put_item(struct outbuf *ob, const struct stats_item *it, int first)
{
	char	name[128];

	series_name(it, name, sizeof(name));
	if (first) {
		put(ob, "# HELP %s %s\n", name, it->sti_help);
		put(ob, "# TYPE %s %s\n", name,
		    it->sti_kind == STATS_COUNTER ? "counter" : "gauge");
	}
	if (it->sti_label != NULL)
		put(ob, "%s{%s=\"%s\"} %llu\n", name, it->sti_label,
		    it->sti_lvalue, (unsigned long long)it->sti_value);
	else
		put(ob, "%s %llu\n", name, (unsigned long long)it->sti_value);
}

/* The latency histogram: cumulative buckets, then sum and count. */
static void
put_histogram(struct outbuf *ob, const struct stats *st)
{
	const char	*name = METRICS_PREFIX "lookup_duration_seconds";
	uint64_t	 cum = 0, bound;
	int		 i;

	put(ob, "# HELP %s Time from the start of a lookup to its verdict.\n",
	    name);
	put(ob, "# TYPE %s histogram\n", name);
	for (i = 0; i < STATS_LAT_BUCKETS; i++) {
		cum += st->st_latency[i];
		bound = stats_latency_bound_us(i);
		if (bound == UINT64_MAX)
			put(ob, "%s_bucket{le=\"+Inf\"} %llu\n", name,
			    (unsigned long long)cum);
		else
			put(ob, "%s_bucket{le=\"%llu.%03llu\"} %llu\n", name,
			    (unsigned long long)(bound / 1000000),
			    (unsigned long long)(bound / 1000 % 1000),
			    (unsigned long long)cum);
	}
	put(ob, "%s_sum %llu.%06llu\n", name,
	    (unsigned long long)(st->st_lookup_us / 1000000),
	    (unsigned long long)(st->st_lookup_us % 1000000));
	put(ob, "%s_count %llu\n", name, (unsigned long long)st->st_lookups);
}

void
metrics_format(const struct stats *st, const struct stats_gauges *g,
    struct outbuf *ob)
{
	struct stats_item	items[STATS_ITEMS];
	size_t			i;

	stats_items(st, g, items);
	for (i = 0; i < STATS_ITEMS; i++)
		put_item(ob, &items[i], i == 0 ||
		    strcmp(items[i].sti_family, items[i - 1].sti_family) != 0);
	put_histogram(ob, st);
}
