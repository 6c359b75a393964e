/*
 * hostname: the host-name rule, written once. A PTR name becomes a host
 * that ptrtag reports (ptrtag.1, VERDICTS: permerror for one that is
 * "not a valid host name, or an IP address itself") only when it passes
 * hostname_valid(); formats and the cache file hold to the same
 * alphabet. Pure: no allocation, no global state.
 */
#ifndef HOSTNAME_H
#define HOSTNAME_H

#include <stddef.h>

/* Longest host name accepted, without the trailing dot (RFC 1035). */
#define HOSTNAME_MAX		253
/* Longest label. */
#define HOSTNAME_LABEL_MAX	63

/*
 * 1 when c may appear inside a label of a host name: an ASCII letter, a
 * digit, '-' or '_'. The label separator '.' is not such a byte.
 */
int	hostname_byte(int c);

/*
 * Returns 1 when s[0..len) is a usable host name: only hostname_byte()
 * bytes and '.', 1..HOSTNAME_MAX bytes, no empty label, no label over
 * HOSTNAME_LABEL_MAX bytes, a last label that is not all digits, and
 * nothing that reads as an IPv4 or IPv6 address. Else 0. s need not be
 * NUL-terminated.
 */
int	hostname_valid(const char *s, size_t len);

#endif /* HOSTNAME_H */
