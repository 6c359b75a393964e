/*
 * json: JSON string output for arbitrary bytes. Output is always valid
 * UTF-8: bytes that do not form valid UTF-8 become U+FFFD.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

#include "outbuf.h"

/*
 * Append s[0..len) as a quoted JSON string. Returns 1 when some bytes
 * were not valid UTF-8 (and were replaced by U+FFFD), else 0.
 */
int	json_string(struct outbuf *ob, const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s[0..len), or 0 when invalid. */
size_t	json_utf8_len(const unsigned char *s, size_t len);

#endif /* JSON_H */
