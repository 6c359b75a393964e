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
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ipscan.h"

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

struct ipscan {
	pcre2_code		*sc_code;
	pcre2_match_data	*sc_md;
	int			 sc_jit;	/* JIT compile succeeded */
	char			 sc_err[128];	/* last error text */
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
	free(sc);
}

int
ipscan_jit(const struct ipscan *sc)
{
	return sc->sc_jit;
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

int
ipscan_next(struct ipscan *sc, const char *buf, size_t len, size_t *off,
    struct ipmatch *m)
{
	size_t	so, eo, ze, resume;
	int	rc;

	if (*off == 0 && !ipscan_maybe(buf, len))
		*off = len;
	while (*off < len) {
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

int
ipscan_line(struct ipscan *sc, const char *buf, size_t len,
    struct ipmatch *out, size_t max)
{
	size_t	off = 0, n = 0, i;
	int	rc;

	if (max > INT_MAX)
		max = INT_MAX;
	while (n < max) {
		rc = ipscan_next(sc, buf, len, &off, &out[n]);
		if (rc <= 0)
			return rc == 0 ? (int)n : -1;
		for (i = 0; i < n; i++)
			if (ipaddr_cmp(&out[i].im_addr, &out[n].im_addr) == 0)
				break;
		if (i == n)
			n++;
	}
	return (int)n;
}
