/*
 * utf8: the one UTF-8 validity rule (RFC 3629): no overlong forms, no
 * surrogates, nothing above U+10FFFF. The JSON string writer
 * (filter/format/json.c) and the JSON input reader (filter/jsonin/)
 * both judge bytes by it.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/*
 * Length (1 to 4) of the valid UTF-8 sequence at s[0..len), or 0 when
 * none starts there. len must be at least 1.
 */
size_t	utf8_seq_len(const unsigned char *s, size_t len);

#endif /* UTF8_H */
