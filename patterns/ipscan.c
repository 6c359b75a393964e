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

/* The highest port number; a 5-digit IPv6 tail above it is no port. */
#define IPSCAN_PORTMAX	65535

/*
 * Every scanner has sc_code; one of pattern sets has sc_ps as well. The
 * hit cursor (sc_hbuf, sc_hlen, sc_hoff) names the walk the collected
 * hits belong to: the line and the offset last handed back to the caller.
 */
struct ipscan {
	pcre2_code		*sc_code;
	pcre2_match_data	*sc_md;
	int			 sc_jit;	/* JIT compile succeeded */
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

/* A candidate span inside the line: [t_so, t_eo). */
struct ipscan_tok {
	size_t	t_so;
	size_t	t_eo;
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

/* A letter or '_' glued to a run makes it part of a word (rule 3). */
static int
ipscan_is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
ipscan_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * A line holds an address only if it has a ':' (every IPv6 text,
 * including "::") or a digit (every IPv4 text). This lets lines of
 * plain words skip PCRE2 altogether.
 */
static int
ipscan_maybe(const char *buf, size_t len)
{
	size_t	i;

	if (memchr(buf, ':', len) != NULL)
		return 1;
	for (i = 0; i < len; i++)
		if (ipscan_is_digit((unsigned char)buf[i]))
			return 1;
	return 0;
}

/*
 * Trim the right end of a run (rules 3 and 4): one trailing ':' that is
 * not part of "::" goes; trailing dots go when no letter follows them;
 * otherwise a letter or '_' right after the run rejects it. Returns 0,
 * or -1 when the run is glued to a word.
 */
static int
ipscan_trim_right(const char *buf, size_t len, struct ipscan_tok *t)
{
	size_t	so = t->t_so, eo = t->t_eo;
	int	next = eo < len ? (unsigned char)buf[eo] : ' ';

	if (eo - so >= 2 && buf[eo - 1] == ':' && buf[eo - 2] != ':')
		eo--;
	else if (buf[eo - 1] == '.' && !ipscan_is_word(next)) {
		while (eo > so && buf[eo - 1] == '.')
			eo--;
	} else if (ipscan_is_word(next))
		return -1;
	t->t_eo = eo;
	return 0;
}

/*
 * Trim the left end (rules 3 to 5). A run glued to a word on its left
 * loses everything up to its first ':' (a label such as "IPv6:",
 * "en0:" or "outside:"); without a ':' it is part of the word and is
 * rejected. A run not glued to a word loses one leading ':' that is
 * not part of "::". Returns 0, or -1 on rejection.
 */
static int
ipscan_trim_left(const char *buf, struct ipscan_tok *t)
{
	const char	*colon;
	size_t		 so = t->t_so, eo = t->t_eo;

	if (so > 0 && ipscan_is_word((unsigned char)buf[so - 1])) {
		colon = memchr(buf + so, ':', eo - so);
		if (colon == NULL)
			return -1;
		so = (size_t)(colon - buf) + 1;
	} else if (eo - so >= 2 && buf[so] == ':' && buf[so + 1] != ':')
		so++;
	t->t_so = so;
	return 0;
}

/*
 * Strip a port (rule 6): ":port" after a dotted quad (a.b.c.d:port and
 * ::ffff:a.b.c.d:port), or a 5-digit ":port" after unbracketed IPv6,
 * which cannot be a hex group. A 1-4 digit tail after IPv6 stays: it
 * is a group of the address (RFC 5952 section 6).
 */
static void
ipscan_strip_port(const char *buf, struct ipscan_tok *t)
{
	size_t	i, lc, pc, port = 0;

	for (lc = t->t_eo; lc > t->t_so && buf[lc - 1] != ':'; lc--)
		;
	if (lc == t->t_so || t->t_eo - lc == 0 || t->t_eo - lc > 5)
		return;
	lc--;
	for (i = lc + 1; i < t->t_eo; i++) {
		if (!ipscan_is_digit((unsigned char)buf[i]))
			return;
		port = port * 10 + (size_t)(buf[i] - '0');
	}
	if (port > IPSCAN_PORTMAX)
		return;
	for (pc = lc; pc > t->t_so && buf[pc - 1] != ':'; pc--)
		;
	if (memchr(buf + pc, '.', lc - pc) != NULL || t->t_eo - lc - 1 == 5)
		t->t_eo = lc;
}

/*
 * Judge one candidate: run [so, eo) with an optional zone ending at ze
 * (ze == eo when there is none). Returns 1 and fills *m when it holds
 * an address. *resume is where scanning goes on: past the zone when
 * the zone was taken, else at the end of the run.
 */
static int
ipscan_judge(const char *buf, size_t len, size_t so, size_t eo, size_t ze,
    struct ipmatch *m, size_t *resume)
{
	struct ipscan_tok	t = { so, eo };
	size_t			end;

	*resume = eo;
	if (ze > eo && memchr(buf + so, ':', eo - so) == NULL)
		ze = eo;		/* only IPv6 text carries a zone */
	if (ze == eo && ipscan_trim_right(buf, len, &t) == -1)
		return 0;
	if (ipscan_trim_left(buf, &t) == -1 || t.t_so >= t.t_eo)
		return 0;
	if (ze == eo)
		ipscan_strip_port(buf, &t);
	end = ze > eo ? ze : t.t_eo;
	if (t.t_so >= t.t_eo ||
	    ipaddr_parse(buf + t.t_so, end - t.t_so, &m->im_addr) == -1)
		return 0;
	*resume = ze;
	m->im_so = t.t_so;
	m->im_eo = end;
	m->im_role = IPSCAN_ROLE_IP;
	m->im_helo_so = m->im_helo_eo = 0;
	return 1;
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

/* 1 for the separators '.' and ':', which every address holds. */
static const unsigned char ipscan_sep[256] = {
	['.'] = 1, [':'] = 1,
};

/* Bytes that can stand in address text: hex digits, '.' and ':'. */
static int
ipscan_is_addr_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'f') || c == '.' || c == ':';
}

/*
 * Where the pattern should start looking, at or after off. Every address
 * holds a '.' or ':' with an address byte beside it, so jump to the next
 * such separator and back up over the hex digits before it: the start of
 * the token (the pattern's lookbehind still sees the byte before it).
 * Matches this skips are lone separators, which are never addresses.
 * Without this, PCRE2 would try a match at nearly every byte of a line
 * (the pattern's leading hex run may be empty). Returns len when no
 * separator is left.
 */
static size_t
ipscan_skip(const char *buf, size_t len, size_t off)
{
	const unsigned char	*u = (const unsigned char *)buf;
	size_t			 p, start;

	for (p = off; p < len; p++) {
		/* The common byte costs one table load and one branch. */
		while (p < len && !ipscan_sep[u[p]])
			p++;
		if (p == len)
			break;
		if ((p > 0 && ipscan_is_addr_byte(u[p - 1])) ||
		    (p + 1 < len && ipscan_is_addr_byte(u[p + 1])))
			break;
	}
	if (p >= len)
		return len;
	for (start = p; start > off && ipscan_is_addr_byte(u[start - 1]) &&
	    u[start - 1] != '.' && u[start - 1] != ':'; start--)
		;
	return start;
}

/* ipscan_next for the built-in scanner alone. */
static int
ipscan_any_next(struct ipscan *sc, const char *buf, size_t len, size_t *off,
    struct ipmatch *m)
{
	size_t	so, eo, ze, resume;
	int	rc;

	if (*off == 0 && !ipscan_maybe(buf, len))
		*off = len;
	while ((*off = ipscan_skip(buf, len, *off)) < len) {
		rc = ipscan_match(sc, buf, len, *off, &so, &eo, &ze);
		if (rc <= 0) {
			if (rc == 0)
				*off = len;
			return rc;
		}
		rc = ipscan_judge(buf, len, so, eo, ze, m, &resume);
		/* Every candidate is non-empty, so this always advances. */
		*off = resume > *off ? resume : *off + 1;
		if (rc == 1)
			return 1;
	}
	return 0;
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
