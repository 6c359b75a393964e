/*
 * patset: the pattern sets behind "-p NAME|FILE" (ptrtag.1, -p). Private
 * to patterns/: ipscan.c is its only user, and only ipscan.h is public.
 * It loads set files, compiles each pattern once and collects, for one
 * line, every address the patterns capture.
 */
#ifndef PATSET_H
#define PATSET_H

#include <stddef.h>
#include <stdint.h>

#include "ipmatch.h"

/* At most this many patterns in one scanner, over all its sets. */
#define PATSET_MAX	64
/* The hit source number of the built-in scanner: after every pattern. */
#define PATSET_SRC_ANY	UINT32_MAX

/*
 * One captured address. ph_src is the index of the pattern that caught
 * it (PATSET_SRC_ANY for the built-in scanner) and ph_seq its place in
 * the order of discovery; both only break ties in the sort.
 */
struct patset_hit {
	struct ipmatch	ph_m;
	uint32_t	ph_src;
	size_t		ph_seq;
};

/* The hits of one line; the array is kept and reused from line to line. */
struct patset_hits {
	struct patset_hit	*ph_v;
	size_t			 ph_n;
	size_t			 ph_cap;
};

struct patset;

/* Creation and loading */

/* An empty set list, or NULL with a message in errbuf. Never exits. */
struct patset	*patset_create(char *errbuf, size_t errlen);

/*
 * Load one spec: a set NAME looked up as NAME.pat in dirs[0..ndirs), or
 * a path when spec contains '/'. Every pattern is compiled (and JIT
 * compiled when possible) here. Returns 0, or -1 with "FILE:LINE:
 * reason" or "NAME: reason" in errbuf; ps then holds what was loaded
 * before the failing file, fully usable, and the caller usually frees it.
 */
int		 patset_load(struct patset *ps, const char *spec,
		    const char *const *dirs, size_t ndirs, char *errbuf,
		    size_t errlen);

/* Number of patterns loaded so far. */
size_t		 patset_count(const struct patset *ps);

/* 1 when every pattern loaded runs through the JIT, else 0. */
int		 patset_jit(const struct patset *ps);

/* Frees ps and every compiled pattern; NULL is allowed. */
void		 patset_free(struct patset *ps);

/* Matching */

/* patset_scan's answer when a match reached a limit. */
#define PATSET_LIMIT	1

/*
 * Run every pattern over buf[0..len) and append to h each captured text
 * that ipaddr_parse accepts, spans with brackets trimmed. Every match
 * runs under the limits of ptrtag.1 (-p): a match limit in proportion
 * to len, a depth and a heap limit, and the JIT's stack. Returns 0;
 * PATSET_LIMIT when a match reached one of them (the scan stops there);
 * or -1 on another matcher error or out of memory. After PATSET_LIMIT
 * or -1, err holds the reason and h may hold part of the line's hits.
 */
int		 patset_scan(struct patset *ps, const char *buf, size_t len,
		    struct patset_hits *h, char *err, size_t errlen);

/* Append one hit; returns 0, or -1 when out of memory. */
int		 patset_hits_add(struct patset_hits *h, const struct ipmatch *m,
		    uint32_t src);

/* Sort hits by start of span, then by source, then discovery. O(n log n). */
void		 patset_hits_sort(struct patset_hits *h);

/* Free the hit array; the struct itself belongs to the caller. */
void		 patset_hits_free(struct patset_hits *h);

#endif /* PATSET_H */
