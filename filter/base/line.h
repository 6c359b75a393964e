/*
 * line: the framing rule every layer shares (ptrtag(1), OUTPUT and
 * --max-line): a line ends at its '\n'; its text is what comes before
 * "\n" or "\r\n", and a final line without '\n' is all text. The input
 * framing (filter/stream/input.c), --extract and the output formats
 * read a line's terminator only through these functions.
 */
#ifndef LINE_H
#define LINE_H

#include <stddef.h>

/* Length of buf[0..len) without its "\n" or "\r\n" terminator. */
static inline size_t
line_text_len(const char *buf, size_t len)
{
	if (len > 0 && buf[len - 1] == '\n') {
		len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
	}
	return len;
}

/* 1 when buf[0..len) ends with its '\n' (a complete line). */
static inline int
line_ended(const char *buf, size_t len)
{
	return len > 0 && buf[len - 1] == '\n';
}

#endif /* LINE_H */
