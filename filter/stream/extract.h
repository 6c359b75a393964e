/*
 * extract: the --extract mode. No DNS at all: for every input line, the
 * addresses the scanner takes, in canonical text, tab-separated, one
 * output line per input line.
 */
#ifndef EXTRACT_H
#define EXTRACT_H

#include <stddef.h>

struct ipscan;

/*
 * Read infd to its end and write, for every input line, its distinct
 * addresses (at most max_ips) in canonical form, separated by tabs and
 * ended by '\n'; a line with none, a line whose text (terminator "\n" or
 * "\r\n" excluded) is longer than max_line bytes, and a line the matcher
 * fails on all give an empty line. A final line without '\n' still
 * gives one output line. Memory stays bounded by max_line: the bytes of
 * an overlong line are dropped as they stream past. Output is flushed
 * after every read, so a paused input (tail -f) has all its ready lines
 * written. EINTR, short writes and EAGAIN (by waiting for the descriptor)
 * are handled. Returns 0 at end of input, or -1 with errno set on a read
 * or write error (EPIPE when the reader went away) or ENOMEM. Never exits
 * and never calls back.
 */
int	extract_run(struct ipscan *sc, int infd, int outfd, size_t max_ips,
	    size_t max_line);

#endif /* EXTRACT_H */
