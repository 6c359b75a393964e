/*
 * ipscan: finds IPv4/IPv6 addresses in a log line.
 *
 * The work is split in three. The regular expression finds candidate
 * runs: maximal runs of [0-9A-Fa-f:.] holding at least one '.' or ':',
 * with an optional %zone. C code then applies the boundary rules that a
 * regular expression would express only with heavy backtracking: word
 * glue, trailing ':' and '.', label prefixes such as "IPv6:" or "en0:",
 * and ports. Finally inet_pton (through ipaddr_parse) decides whether
 * what is left is exactly one address; nothing is ever cut out of the
 * middle of a run, so "1.2.3.4.5" yields nothing rather than "1.2.3.4".
 * This file holds the PCRE2 half and the walks; the boundary rules and
 * the skip to the next candidate are in ipscan_rules.c.
 *
 * Cost: the pattern uses a lookbehind and possessive repeats only, so a
 * match attempt inside a run fails at once and a run is consumed once;
 * the C rules walk each run a bounded number of times. A whole line is
 * scanned in time linear in its length.
 *
 * A scanner built from pattern sets (ipscan_create_patterns) owns a
 * patset as well as the built-in pattern, whose addresses it adds when
 * "any" is among its specs. For such a scanner ipscan_next collects the
 * whole line's hits on the first call (*off == 0), sorted by position,
 * and hands them out one by one; later calls that continue the same walk
 * reuse them. A line on which a pattern reaches a match limit gets the
 * built-in scanner's addresses instead (ptrtag.1, -p).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ipscan.h"
#include "ipscan_rules.h"
#include "patset.h"

/*
 * Group 1 is the candidate run; group 2 an optional %zone (RFC 4007
 * 11.2), also allowing the URL-encoded "%25" form. The lookbehind makes
 * every candidate start where a run starts, so a run is never split.
 */
static const char ipscan_pattern[] =
    "(?<![0-9A-Fa-f:.])"
    "([0-9A-Fa-f]*+[.:][0-9A-Fa-f:.]*+)"
    "(%[0-9A-Za-z_.~-]++)?";

/*
 * Every scanner has sc_code; one of pattern sets has sc_ps as well. The
 * hit cursor (sc_hbuf, sc_hlen, sc_hoff) names the walk the collected
 * hits belong to: the line and the offset last handed back to the caller.
 */
struct ipscan {
	pcre2_code		*sc_code;
	pcre2_match_data	*sc_md;
	int			 sc_jit;	/* JIT compile succeeded */
	int			 sc_plain;	/* no ipscan_skip (tests) */
	struct ipscan_cursor	 sc_cu;		/* ipscan_skip's window */
	size_t			 sc_cuoff;	/* *off it last handed back */
	char			 sc_err[128];	/* last error text */
	struct patset		*sc_ps;		/* NULL: built-in only */
	int			 sc_any;	/* sets merged with built-in */
	int			 sc_limited;	/* the line reached a limit */
	struct patset_hits	 sc_hits;	/* the current line's hits */
	size_t			 sc_hpos;	/* next hit to look at */
	uintptr_t		 sc_hbuf;	/* line the hits are of */
	size_t			 sc_hlen;
	size_t			 sc_hoff;	/* *off last handed back */
};

struct ipscan *
ipscan_create(char *errbuf, size_t errlen)
{
	struct ipscan	*sc;
	PCRE2_SIZE	 erroff;
	PCRE2_UCHAR	 msg[120];
	int		 rc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	sc->sc_code = pcre2_compile((PCRE2_SPTR)ipscan_pattern,
	    sizeof(ipscan_pattern) - 1, 0, &rc, &erroff, NULL);
	if (sc->sc_code == NULL) {
		pcre2_get_error_message(rc, msg, sizeof(msg));
		snprintf(errbuf, errlen, "address pattern at offset %zu: %s",
		    (size_t)erroff, (char *)msg);
		free(sc);
		return NULL;
	}
	/* A JIT failure (no executable memory, say) is not fatal. */
	sc->sc_jit = pcre2_jit_compile(sc->sc_code, PCRE2_JIT_COMPLETE) == 0;
	sc->sc_md = pcre2_match_data_create_from_pattern(sc->sc_code, NULL);
	if (sc->sc_md == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		ipscan_free(sc);
		return NULL;
	}
	return sc;
}

void
ipscan_free(struct ipscan *sc)
{
	if (sc == NULL)
		return;
	pcre2_match_data_free(sc->sc_md);
	pcre2_code_free(sc->sc_code);
	patset_free(sc->sc_ps);
	patset_hits_free(&sc->sc_hits);
	free(sc);
}

int
ipscan_jit(const struct ipscan *sc)
{
	if (sc->sc_ps != NULL && !patset_jit(sc->sc_ps))
		return 0;
	return sc->sc_jit;
}

const char *
ipscan_library_version(void)
{
	static char	text[80];
	char		ver[40];
	uint32_t	jit = 0;
	int		need;

	need = pcre2_config(PCRE2_CONFIG_VERSION, NULL);
	if (need <= 0 || (size_t)need > sizeof(ver) ||
	    pcre2_config(PCRE2_CONFIG_VERSION, ver) <= 0)
		strlcpy(ver, "(unknown version)", sizeof(ver));
	/* Drop the release date: "10.42 2022-12-11" becomes "10.42". */
	ver[strcspn(ver, " ")] = '\0';
	if (pcre2_config(PCRE2_CONFIG_JIT, &jit) < 0)
		jit = 0;
	snprintf(text, sizeof(text), "PCRE2 %s %s JIT", ver,
	    jit ? "with" : "without");
	return text;
}

/* Is spec among specs[0..n)? Loading a set twice only costs time. */
static int
ipscan_seen(const char *const *specs, size_t n, const char *spec)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(specs[i], spec) == 0)
			return 1;
	return 0;
}

struct ipscan *
ipscan_create_patterns(const char *const *specs, size_t nspecs,
    const char *const *dirs, size_t ndirs, char *errbuf, size_t errlen)
{
	struct ipscan	*sc;
	struct patset	*ps;
	size_t		 i;
	int		 any = 0;

	if (nspecs == 0) {
		snprintf(errbuf, errlen, "no pattern given");
		return NULL;
	}
	if ((ps = patset_create(errbuf, errlen)) == NULL)
		return NULL;
	for (i = 0; i < nspecs; i++) {
		if (strcmp(specs[i], "any") == 0)
			any = 1;
		else if (!ipscan_seen(specs, i, specs[i]) &&
		    patset_load(ps, specs[i], dirs, ndirs, errbuf,
		    errlen) == -1) {
			patset_free(ps);
			return NULL;
		}
	}
	/* "any" alone is the built-in scanner, with its fast path. */
	if (patset_count(ps) == 0) {
		patset_free(ps);
		return ipscan_create(errbuf, errlen);
	}
	/* The built-in pattern also scans lines that reach a limit. */
	if ((sc = ipscan_create(errbuf, errlen)) == NULL) {
		patset_free(ps);
		return NULL;
	}
	sc->sc_ps = ps;
	sc->sc_any = any;
	return sc;
}

void
ipscan_set_plain(struct ipscan *sc, int plain)
{
	sc->sc_plain = plain;
}

int
ipscan_limited(const struct ipscan *sc)
{
	return sc->sc_limited;
}

const char *
ipscan_error(const struct ipscan *sc)
{
	return sc->sc_err;
}

/*
 * Run the pattern once from off. Returns 1 with the run in [*so, *eo)
 * and the zone end in *ze, 0 on no match, -1 on a matcher error.
 */
static int
ipscan_match(struct ipscan *sc, const char *buf, size_t len, size_t off,
    size_t *so, size_t *eo, size_t *ze)
{
	PCRE2_SIZE	*ov;
	PCRE2_UCHAR	 msg[100];
	int		 rc;

	if (sc->sc_jit)
		rc = pcre2_jit_match(sc->sc_code, (PCRE2_SPTR)buf, len, off,
		    0, sc->sc_md, NULL);
	else
		rc = pcre2_match(sc->sc_code, (PCRE2_SPTR)buf, len, off, 0,
		    sc->sc_md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		pcre2_get_error_message(rc, msg, sizeof(msg));
		snprintf(sc->sc_err, sizeof(sc->sc_err), "address scan: %s",
		    (char *)msg);
		return -1;
	}
	ov = pcre2_get_ovector_pointer(sc->sc_md);
	*so = ov[2];
	*eo = ov[3];
	*ze = rc > 2 && ov[4] != PCRE2_UNSET ? ov[5] : *eo;
	return 1;
}

/* ipscan_next for the built-in scanner alone. */
static int
ipscan_any_next(struct ipscan *sc, const char *buf, size_t len, size_t *off,
    struct ipmatch *m)
{
	size_t	so, eo, ze, resume;
	int	rc;

	/* The window classified is reused only by the same walk. */
	if (*off == 0 || *off != sc->sc_cuoff)
		sc->sc_cu.cu_buf = NULL;
	for (;;) {
		if (!sc->sc_plain)
			*off = ipscan_skip(buf, len, *off, &sc->sc_cu);
		if (*off >= len) {
			rc = 0;
			break;
		}
		rc = ipscan_match(sc, buf, len, *off, &so, &eo, &ze);
		if (rc <= 0) {
			if (rc == 0)
				*off = len;
			break;
		}
		rc = ipscan_judge(buf, len, so, eo, ze, m, &resume);
		/* Every candidate is non-empty, so this always advances. */
		*off = resume > *off ? resume : *off + 1;
		if (rc == 1)
			break;
	}
	sc->sc_cuoff = *off;
	return rc;
}

/*
 * Collect every hit of the line into sc_hits, sorted by position: the
 * captures of every pattern, then the built-in scanner's addresses when
 * "any" was asked for. When a pattern reaches a limit, the line's hits
 * are the built-in scanner's alone, and sc_limited says so. Returns 0,
 * or -1 with the reason in sc_err.
 */
static int
ipscan_collect(struct ipscan *sc, const char *buf, size_t len)
{
	struct ipmatch	m;
	size_t		off = 0;
	int		rc, any = sc->sc_any;

	sc->sc_hits.ph_n = 0;
	sc->sc_limited = 0;
	if (!ipscan_maybe(buf, len))
		return 0;
	rc = patset_scan(sc->sc_ps, buf, len, &sc->sc_hits, sc->sc_err,
	    sizeof(sc->sc_err));
	if (rc == -1)
		return -1;
	if (rc == PATSET_LIMIT) {
		sc->sc_hits.ph_n = 0;
		sc->sc_limited = any = 1;
	}
	while (any && (rc = ipscan_any_next(sc, buf, len, &off, &m)) != 0) {
		if (rc == -1)
			return -1;
		if (patset_hits_add(&sc->sc_hits, &m, PATSET_SRC_ANY) == -1) {
			snprintf(sc->sc_err, sizeof(sc->sc_err),
			    "out of memory");
			return -1;
		}
	}
	patset_hits_sort(&sc->sc_hits);
	return 0;
}

/*
 * ipscan_next for pattern sets. The answer is the first hit, in the
 * sorted order, that starts at or after *off; *off then moves to its
 * end. A hit overlapping the one before it (the same address caught by
 * a pattern and by "any", say) is so passed over, and the pattern's hit,
 * sorted first, is the one reported. The collected hits are reused only
 * when the caller continues the walk they were made for.
 */
static int
ipscan_sets_next(struct ipscan *sc, const char *buf, size_t len, size_t *off,
    struct ipmatch *m)
{
	const struct patset_hit	*ph;

	if (*off == 0 || (uintptr_t)buf != sc->sc_hbuf ||
	    len != sc->sc_hlen || *off != sc->sc_hoff) {
		sc->sc_hbuf = 0;
		if (ipscan_collect(sc, buf, len) == -1)
			return -1;
		sc->sc_hbuf = (uintptr_t)buf;
		sc->sc_hlen = len;
		sc->sc_hpos = 0;
	}
	while (sc->sc_hpos < sc->sc_hits.ph_n) {
		ph = &sc->sc_hits.ph_v[sc->sc_hpos++];
		if (ph->ph_m.im_so < *off)
			continue;
		*m = ph->ph_m;
		*off = sc->sc_hoff = ph->ph_m.im_eo;
		return 1;
	}
	if (*off < len)
		*off = len;
	sc->sc_hoff = *off;
	return 0;
}

int
ipscan_next(struct ipscan *sc, const char *buf, size_t len, size_t *off,
    struct ipmatch *m)
{
	if (sc->sc_ps == NULL)
		return ipscan_any_next(sc, buf, len, off, m);
	return ipscan_sets_next(sc, buf, len, off, m);
}

int
ipscan_line(struct ipscan *sc, const char *buf, size_t len,
    struct ipmatch *out, size_t max)
{
	return ipscan_line_keep(sc, buf, len, out, max, NULL, NULL);
}

int
ipscan_line_keep(struct ipscan *sc, const char *buf, size_t len,
    struct ipmatch *out, size_t max,
    int (*keep)(const struct ipaddr *, const void *), const void *arg)
{
	size_t	off = 0, n = 0, i;
	int	rc;

	if (max > INT_MAX)
		max = INT_MAX;
	while (n < max) {
		rc = ipscan_next(sc, buf, len, &off, &out[n]);
		if (rc <= 0)
			return rc == 0 ? (int)n : -1;
		if (keep != NULL && !keep(&out[n].im_addr, arg))
			continue;
		for (i = 0; i < n; i++)
			if (ipaddr_cmp(&out[i].im_addr, &out[n].im_addr) == 0)
				break;
		if (i == n)
			n++;
	}
	return (int)n;
}
