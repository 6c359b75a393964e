/*
 * ipscan_rules: the built-in scanner's C half (ipscan.c holds the PCRE2
 * half). The pattern of ipscan.c finds candidate runs; these functions
 * say where a run can start, apply the boundary rules to a run (word
 * glue, trailing ':' and '.', label prefixes, ports) and decide with
 * ipaddr_parse whether what is left is one address (ptrtag.1,
 * DESCRIPTION). Private to patterns/. Pure functions of the line: no
 * state, no allocation, no output.
 */
#ifndef IPSCAN_RULES_H
#define IPSCAN_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "ipmatch.h"

/* ipscan_skip's classified window, one bit a byte (cu_w + i for bit i). */
struct ipscan_cursor {
	const char	*cu_buf;	/* NULL: nothing classified */
	size_t		 cu_len;
	size_t		 cu_w;		/* a multiple of 48 */
	uint64_t	 cu_chain;	/* where address-like chains start */
};

/*
 * 1 when buf[0..len) may hold an address: it has a ':' or a digit.
 * Lines of plain words then skip PCRE2 altogether.
 */
int	ipscan_maybe(const char *buf, size_t len);

/*
 * Where the pattern should start looking, at or after off: the start of
 * the next run of address bytes that starts there or later and may hold
 * an address: it holds a chain of separators as close together as in
 * any address (three dots, "::", four colons). Runs
 * passed over are those the pattern would match and the rules reject.
 * Returns len when no such run is left. cu keeps the bytes classified
 * for the next call of the same walk: clear it (cu_buf NULL) before a
 * walk of another line, or of the same bytes changed.
 */
size_t	ipscan_skip(const char *buf, size_t len, size_t off,
	    struct ipscan_cursor *cu);

/*
 * Judge one candidate: run [so, eo) with an optional zone ending at ze
 * (ze == eo when there is none). Returns 1 and fills *m when it holds
 * an address. *resume is where scanning goes on: past the zone when
 * the zone was taken, else at the end of the run.
 */
int	ipscan_judge(const char *buf, size_t len, size_t so, size_t eo,
	    size_t ze, struct ipmatch *m, size_t *resume);

#endif /* IPSCAN_RULES_H */
