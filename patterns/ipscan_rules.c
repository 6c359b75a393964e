/*
 * ipscan_rules: the boundary rules of the built-in scanner (ipscan.c
 * explains the split: the pattern finds candidate runs, these rules
 * trim them, ipaddr_parse decides). Each rule walks a run a bounded
 * number of times, so a line costs time linear in its length.
 */
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(IPSCAN_PORTABLE)
#include <emmintrin.h>
#endif

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

	/* A port has 5 digits at most: look no further back for its ':'. */
	for (lc = t->t_eo; lc > t->t_so && t->t_eo - lc <= 5 &&
	    buf[lc - 1] != ':'; lc--)
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

/*
 * Bytes that can stand in address text (the pattern's [0-9A-Fa-f:.]):
 * IPSCAN_HEX for a hex digit, IPSCAN_SEP for '.' and ':'.
 */
#define IPSCAN_HEX	1
#define IPSCAN_SEP	2
#define IPSCAN_H10(c)	[c] = IPSCAN_HEX, [c + 1] = IPSCAN_HEX,		\
	[c + 2] = IPSCAN_HEX, [c + 3] = IPSCAN_HEX, [c + 4] = IPSCAN_HEX
static const unsigned char ipscan_class[256] = {
	IPSCAN_H10('0'), IPSCAN_H10('5'),
	['a'] = IPSCAN_HEX, ['b'] = IPSCAN_HEX, ['c'] = IPSCAN_HEX,
	['d'] = IPSCAN_HEX, ['e'] = IPSCAN_HEX, ['f'] = IPSCAN_HEX,
	['A'] = IPSCAN_HEX, ['B'] = IPSCAN_HEX, ['C'] = IPSCAN_HEX,
	['D'] = IPSCAN_HEX, ['E'] = IPSCAN_HEX, ['F'] = IPSCAN_HEX,
	['.'] = IPSCAN_SEP, [':'] = IPSCAN_SEP,
};

/*
 * The prefilter's windows: 64 bytes classified, of which the first
 * IPSCAN_OWN are searched and the rest only looked ahead into, which is
 * enough to see a whole chain of separators (ipscan_window) that starts
 * in the first part.
 */
#define IPSCAN_WIN	64
#define IPSCAN_OWN	48

/* 16 bytes at once, with the vector extensions of GCC and Clang. */
typedef unsigned char	ipscan_v16 __attribute__((vector_size(16)));
typedef signed char	ipscan_m16 __attribute__((vector_size(16)));

/* Bit i set when lane i of m (0 or -1) is set. */
static uint64_t
ipscan_movemask(ipscan_m16 m)
{
#if defined(__SSE2__) && !defined(IPSCAN_PORTABLE)
	return (uint64_t)(uint32_t)_mm_movemask_epi8((__m128i)m);
#else
	uint64_t	r = 0;
	int		i;

	for (i = 0; i < 16; i++)
		r |= (uint64_t)(m[i] & 1) << i;
	return r;
#endif
}

/* Bit i set when y has a bit among i + 1 .. i + 4. */
static uint64_t
ipscan_within4(uint64_t y)
{
	uint64_t	t = y >> 1;

	t |= t >> 1;
	return t | t >> 2;
}

/*
 * The last n (< 16) bytes of a line into v, zeros after them: fixed-size
 * copies that may overlap, where a call to memcpy would cost more.
 */
static void
ipscan_load_part(ipscan_v16 *v, const unsigned char *s, size_t n)
{
	unsigned char	*d = (unsigned char *)v;

	memset(v, 0, sizeof(*v));
	if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		if (n >= 2)
			memcpy(d + n - 2, s + n - 2, 2);
		if (n >= 1)
			d[0] = s[0];
	}
}

/*
 * The window at cu->cu_w (a multiple of IPSCAN_OWN) into the cursor's
 * mask: bit i set when byte cu_w + i starts a chain of separators that
 * every address holds. A dotted quad has three dots, each followed by
 * the next within 4 bytes (1 to 3 digits between); IPv6 text has "::"
 * or six colons and more, each followed by the next within 5 bytes (1 to
 * 4 hex digits between: inet_pton's limits); a chain of four such
 * colons suffices here. Such a chain spans at most 16 bytes, so the
 * window's first IPSCAN_OWN bits see the whole of theirs. Bytes at or
 * past len count as neither separator, and are never read.
 */
static void
ipscan_window(const unsigned char *u, size_t len, struct ipscan_cursor *cu)
{
	ipscan_v16	v;
	uint64_t	dot = 0, colon = 0, d, c;
	size_t		b;
	int		k;

	for (k = 0; k < IPSCAN_WIN / 16; k++) {
		b = cu->cu_w + 16 * (size_t)k;
		if (b >= len)
			break;
		if (len - b >= sizeof(v))
			memcpy(&v, u + b, sizeof(v));
		else
			ipscan_load_part(&v, u + b, len - b);
		dot |= ipscan_movemask(v == '.') << (16 * k);
		colon |= ipscan_movemask(v == ':') << (16 * k);
	}
	d = dot & ipscan_within4(dot & ipscan_within4(dot));
	c = colon & (ipscan_within4(colon) | colon >> 5);
	c = colon & (ipscan_within4(c) | c >> 5);
	c = colon & (ipscan_within4(c) | c >> 5);
	cu->cu_chain = (d | (colon & colon >> 1) | c) &
	    ((UINT64_C(1) << IPSCAN_OWN) - 1);
}

/*
 * Look for the start of a run worth matching among the chains at or
 * after pos in the cursor's window: the start of a chain's run of
 * address bytes, when it is at or after off. Returns it; otherwise len,
 * with *next where the search goes on (past a run that started before
 * off, or the next window).
 */
static size_t
ipscan_skip_window(const unsigned char *u, size_t len, size_t off,
    size_t pos, const struct ipscan_cursor *cu, size_t *next)
{
	uint64_t	chain;
	size_t		w = cu->cu_w, so, eo;

	chain = cu->cu_chain & ~((UINT64_C(1) << (pos - w)) - 1);
	while (chain != 0) {
		so = w + (size_t)__builtin_ctzll(chain);
		while (so > 0 && ipscan_class[u[so - 1]] != 0)
			so--;
		if (so >= off)
			return so;
		/* A run the walk started inside: pass it whole. */
		for (eo = w + (size_t)__builtin_ctzll(chain); eo < len &&
		    ipscan_class[u[eo]] != 0; eo++)
			;
		if (eo >= w + IPSCAN_OWN) {
			*next = eo;
			return len;
		}
		chain &= ~((UINT64_C(1) << (eo - w)) - 1);
	}
	*next = w + IPSCAN_OWN;
	return len;
}

/*
 * Where the pattern should start looking, at or after off: the start of
 * the next maximal run of address bytes that starts at or after off and
 * holds a chain of separators that every address holds (ipscan_window).
 * The pattern matches exactly such a run there: its lookbehind holds at
 * the run's start and nowhere inside it, so a run that starts before
 * off is never matched. The text ipaddr_parse is finally given lies
 * inside a run (its zone aside, which holds no ':' and is dropped), so a
 * run without such a chain never yields an address: the pattern would
 * match it and the rules reject it, leaving the walk at its end, where
 * this goes on too. The walk thus finds what the pattern alone would,
 * calling PCRE2 about once per address instead of once per separator.
 *
 * The bytes are classified 64 at a time into bit masks (SIMD), kept in
 * cu for the rest of the walk, and only from a chain is a run walked
 * byte by byte. Linear: every byte is looked at a bounded number of
 * times. Returns len when no run is left.
 */
size_t
ipscan_skip(const char *buf, size_t len, size_t off,
    struct ipscan_cursor *cu)
{
	const unsigned char	*u = (const unsigned char *)buf;
	size_t			 so, pos = off;

	if (cu->cu_buf != buf || cu->cu_len != len || off < cu->cu_w ||
	    off - cu->cu_w >= IPSCAN_OWN) {
		cu->cu_buf = buf;
		cu->cu_len = len;
		cu->cu_w = off - off % IPSCAN_OWN;
		ipscan_window(u, len, cu);
	}
	while (pos < len) {
		so = ipscan_skip_window(u, len, off, pos, cu, &pos);
		if (so < len)
			return so;
		if (pos >= len)
			break;
		cu->cu_w = pos - pos % IPSCAN_OWN;
		ipscan_window(u, len, cu);
	}
	return len;
}
