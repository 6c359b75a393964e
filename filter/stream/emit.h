/*
 * emit: writes one line of the stream, with the answers its slots hold,
 * in the chosen output format (ptrtag.1, OUTPUT), and counts it. The
 * bridge between the window (lineq.h: slots pinning cache entries) and
 * the formats (format.h: read-only views): it reads each pinned entry
 * into a view, lets the format render the line, and adds what the
 * format reports to the counters. A slot whose lookup has not settled
 * is written as "timeout"; one whose lookup was never started carries
 * its own verdict (ls_verdict).
 */
#ifndef EMIT_H
#define EMIT_H

#include <stddef.h>

#include "config.h"
#include "lineq.h"
#include "outbuf.h"
#include "stats.h"

/*
 * Append buf[0..len) annotated with slots[0..n) to ob. raw marks bytes
 * that pass through unannotated (a line over --max-line, or a piece of
 * one); read_ms is when the line was read, on the wall clock (util.h
 * wall_ms), for the formats that write it. Counts the line, its
 * addresses and their verdicts in st.
 */
void	emit_line(struct outbuf *ob, const struct config *cfg,
	    const char *buf, size_t len, const struct lslot *slots, size_t n,
	    int raw, uint64_t read_ms, struct stats *st);

#endif /* EMIT_H */
