/*
 * extract: the --extract mode (ptrtag(1), --extract). No DNS at all: for
 * every input line, the addresses the scanner takes, in canonical text,
 * tab-separated, one output line per input line. Lines are framed by
 * input.c, as the filter frames them, and written through outbuf.c.
 */
#ifndef EXTRACT_H
#define EXTRACT_H

#include <stddef.h>

struct input;
struct ipscan;

/*
 * Read in to its end (every descriptor in turn) and write to outfd, for
 * every input line, its distinct addresses (at most max_ips) in
 * canonical form, separated by tabs and ended by '\n'. A line with none,
 * a line whose text (filter/base/line.h) is longer than the input's
 * --max-line, and a line the matcher fails on all give an empty line. A
 * descriptor's final line without '\n' still gives one output line.
 * Memory stays bounded by --max-line: the bytes of an overlong line are
 * dropped as they stream past. Output is flushed after every read, so a
 * paused input (tail -f) has all its ready lines written. EINTR, short
 * writes and EAGAIN (by waiting for the descriptor) are handled. Returns
 * 0 at end of input, or -1 with errno set on a read or write error
 * (EPIPE when the reader went away) or ENOMEM. Never calls back, and
 * exits only where the output buffer cannot grow (err(1), as the x*alloc
 * wrappers do); in stays the caller's to free.
 */
int	extract_run(struct ipscan *sc, struct input *in, int outfd,
	    size_t max_ips);

#endif /* EXTRACT_H */
