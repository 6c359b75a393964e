/*
 * ipscan_rules: the boundary rules of the built-in scanner (ipscan.c
 * explains the split: the pattern finds candidate runs, these rules
 * trim them, ipaddr_parse decides). Each rule walks a run a bounded
 * number of times, so a line costs time linear in its length.
 */
#include <string.h>

#include "ipscan_rules.h"

/* The highest port number; a 5-digit IPv6 tail above it is no port. */
#define IPSCAN_PORTMAX	65535

/* A candidate span inside the line: [t_so, t_eo). */
struct ipscan_tok {
	size_t	t_so;
	size_t	t_eo;
};

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
int
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
int
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
size_t
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
