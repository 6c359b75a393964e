/*
 * ipscan: finds IPv4/IPv6 addresses in a log line with PCRE2. It owns all
 * PCRE2 state; nothing else in the project includes pcre2.h.
 */
#ifndef IPSCAN_H
#define IPSCAN_H

#include <stddef.h>

#include "ipmatch.h"

struct ipscan;

/*
 * Build the built-in scanner ("-p any"): one compiled, JIT-compiled
 * pattern finding every address as ptrtag.1 describes it. Returns NULL on
 * failure with a message in errbuf. Never exits.
 */
struct ipscan	*ipscan_create(char *errbuf, size_t errlen);

/*
 * Build a scanner from pattern sets (ptrtag.1, DESCRIPTION, "-p"). Each spec is
 * a set NAME (a file NAME.pat found in the first of dirs[0..ndirs) that
 * has it) or a path to a user's file (any spec containing '/'). A set
 * file holds PCRE2 expressions, one per line, blank lines and lines
 * starting with '#' ignored; each must have a named group ip, src or dst
 * (the address) and may have a group helo (a claimed host name). The
 * scanner then reports only captured addresses, in order of position,
 * each validated by ipaddr_parse. The spec "any" means the built-in
 * scanner and may be combined with sets. Returns NULL with
 * "FILE:LINE: reason" (or "NAME: reason") in errbuf on an unknown set,
 * an unreadable file, a pattern that does not compile (PCRE2's message
 * and offset) or one without an address group. Never exits.
 */
struct ipscan	*ipscan_create_patterns(const char *const *specs,
		    size_t nspecs, const char *const *dirs, size_t ndirs,
		    char *errbuf, size_t errlen);

/* "PCRE2 10.42 with JIT" style text for --version. */
const char	*ipscan_library_version(void);

/* Frees the scanner; NULL is allowed. */
void		 ipscan_free(struct ipscan *sc);

/* Returns 1 when the pattern runs through the JIT, 0 when interpreted. */
int		 ipscan_jit(const struct ipscan *sc);

/*
 * Find the next address in buf[0..len) at or after *off. Returns 1 and
 * fills *m (advancing *off past it), 0 when the line holds no more, or
 * -1 on a matcher resource error (text from ipscan_error()); the caller
 * then passes the line through unannotated.
 */
int		 ipscan_next(struct ipscan *sc, const char *buf, size_t len,
		    size_t *off, struct ipmatch *m);

/*
 * Scan a whole line: the distinct addresses in order of first
 * appearance, at most max of them, into out[]. Returns the count (0..max)
 * or -1 as ipscan_next does.
 */
int		 ipscan_line(struct ipscan *sc, const char *buf, size_t len,
		    struct ipmatch *out, size_t max);

/*
 * ipscan_line, skipping every address for which keep(addr, arg) returns
 * 0 before it is counted or compared (the filter's --exclude and --only
 * of ptrtag.1). keep NULL keeps every address.
 */
int		 ipscan_line_keep(struct ipscan *sc, const char *buf,
		    size_t len, struct ipmatch *out, size_t max,
		    int (*keep)(const struct ipaddr *, const void *),
		    const void *arg);

/*
 * 1 when, on the line of the last walk ipscan_next started (*off == 0),
 * a pattern reached a match limit (ptrtag.1, -p): the walk then yields
 * the addresses of the built-in scanner, as "-p any" finds them, and
 * ipscan_error() names the pattern and the limit. 0 otherwise, and
 * always for the built-in scanner alone.
 */
int		 ipscan_limited(const struct ipscan *sc);

/*
 * With plain 1, the built-in pattern runs from every place a walk
 * reaches, without the prefilter of ipscan_skip (ipscan_rules.h) that
 * passes over runs that cannot hold an address: slower, and for tests,
 * which check that both walks find the same. 0 (the default) restores
 * the prefilter.
 */
void		 ipscan_set_plain(struct ipscan *sc, int plain);

/* Text of the last error, for diagnostics. */
const char	*ipscan_error(const struct ipscan *sc);

#endif /* IPSCAN_H */
