/*
 * lineterm: the line terminator rule of ptrtag.1, OUTPUT. A line ends
 * with "\n", or with "\r\n" whose "\r" then belongs to the terminator; a
 * last line may have no terminator at all. Every module that separates
 * a line's content from its terminator (the formats, input framing,
 * --extract) asks here, so the CR rule is written once.
 */
#ifndef LINETERM_H
#define LINETERM_H

#include <stddef.h>

/*
 * Offset in p[0..len) where the terminator starts: len - 2 after
 * "\r\n", len - 1 after a lone "\n", len when the bytes end in no "\n".
 */
size_t	lineterm_start(const char *p, size_t len);

#endif /* LINETERM_H */
