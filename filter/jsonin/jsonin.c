/*
 * jsonin: see jsonin.h. jsmn 1.1.0 in strict mode finds the tokens and
 * their spans, but it skips ',' and ':' without checking where they
 * stand, accepts a trailing comma, a member without its value, raw
 * control bytes and any byte above 0x7f in strings, any printable run
 * starting with a digit, '-', 't', 'f' or 'n' as a primitive, and stops
 * at a NUL byte. So check() walks the tree and requires, between the
 * tokens, exactly the white space and punctuation RFC 8259 puts there,
 * and checks every literal, number and string itself.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "utf8.h"
#include "util.h"

#define JSONIN_JSMN_IMPL
#include "jsonin.h"
#include "jsonin_impl.h"

struct jsonin *
jsonin_create(void)
{
	struct jsonin	*j = xcalloc(1, sizeof(*j));

	j->j_tok = xreallocarray(NULL, JSONIN_TOKENS_MAX, sizeof(*j->j_tok));
	j->j_end = xreallocarray(NULL, JSONIN_TOKENS_MAX, sizeof(*j->j_end));
	j->j_keys = xreallocarray(NULL, JSONIN_TOKENS_MAX,
	    sizeof(*j->j_keys));
	j->j_esc = xcalloc(JSONIN_TOKENS_MAX, 1);
	return j;
}

void
jsonin_free(struct jsonin *j)
{
	if (j == NULL)
		return;
	free(j->j_tok);
	free(j->j_end);
	free(j->j_keys);
	free(j->j_esc);
	free(j->j_dec);
	free(j->j_last);
	free(j);
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t
skip_ws(const struct jsonin *j, size_t pos)
{
	while (pos < j->j_len && is_ws(j->j_buf[pos]))
		pos++;
	return pos;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
check_number(const char *s, size_t n)
{
	size_t	i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && is_digit(s[i]))
			i++;
	else
		return -1;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && is_digit(s[i]); i++)
			;
		if (i == d)
			return -1;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && is_digit(s[i]); i++)
			;
		if (i == d)
			return -1;
	}
	return i == n ? 0 : -1;
}

static int
check_literal(const char *s, size_t n)
{
	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0))
		return 0;
	return check_number(s, n);
}

/* A \u escape at s[i] ("\uXXXX"); high surrogates need their low half. */
static int
check_u(const char *s, size_t n, size_t *i)
{
	unsigned int	cp;
	size_t		k;

	for (k = 2; k < 6; k++)
		if (*i + k >= n || !is_hex(s[*i + k]))
			return -1;
	cp = jsonin_hex4(s + *i + 2);
	*i += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return -1;
	if (cp < 0xd800 || cp > 0xdbff)
		return 0;
	if (*i + 1 >= n || s[*i] != '\\' || s[*i + 1] != 'u')
		return -1;
	for (k = 2; k < 6; k++)
		if (*i + k >= n || !is_hex(s[*i + k]))
			return -1;
	cp = jsonin_hex4(s + *i + 2);
	*i += 6;
	return cp >= 0xdc00 && cp <= 0xdfff ? 0 : -1;
}

/*
 * Are all 8 bytes at u plain: 0x20 to 0x7f, neither '"' nor '\\'? Such
 * bytes stand for themselves and need no look one by one. Each test is
 * exact for the whole word: (w - n x ONES) & ~w & HIGHS is not 0 exactly
 * when a byte of w is below n (n <= 0x80), since below the lowest such
 * byte no borrow is taken, and that byte wraps to 0x80 or more.
 */
#define JSONIN_ONES	UINT64_C(0x0101010101010101)
#define JSONIN_HIGHS	UINT64_C(0x8080808080808080)

static int
plain8(const unsigned char *u)
{
	uint64_t	w, q, b;

	memcpy(&w, u, sizeof(w));
	q = w ^ (JSONIN_ONES * '"');
	b = w ^ (JSONIN_ONES * '\\');
	return ((w | ((w - JSONIN_ONES * 0x20) & ~w) |
	    ((q - JSONIN_ONES) & ~q) | ((b - JSONIN_ONES) & ~b)) &
	    JSONIN_HIGHS) == 0;
}

/* The bytes between a string's quotes: -1, or 1 when it has escapes. */
static int
check_string(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, k;
	int			 esc = 0;

	while (i < n) {
		if (n - i >= 8 && plain8(u + i)) {
			i += 8;
			continue;
		}
		if (u[i] < 0x20 || u[i] == '"')
			return -1;
		if (u[i] == '\\') {
			esc = 1;
			if (i + 1 >= n)
				return -1;
			if (s[i + 1] == 'u') {
				if (check_u(s, n, &i) == -1)
					return -1;
				continue;
			}
			if (strchr("\"\\/bfnrt", s[i + 1]) == NULL ||
			    s[i + 1] == '\0')
				return -1;
			i += 2;
		} else if (u[i] >= 0x80) {
			if ((k = utf8_seq_len(u + i, n - i)) == 0)
				return -1;
			i += k;
		} else
			i++;
	}
	return esc;
}

/* Check the string token i; remembers whether it holds escapes. */
static int
check_str_tok(struct jsonin *j, int i)
{
	const jsmntok_t	*t = &j->j_tok[i];
	int		 rc;

	rc = check_string(j->j_buf + t->start, (size_t)(t->end - t->start));
	j->j_esc[i] = rc == 1;
	return rc;
}

/* Outer span of a token: a string's quotes included. */
static size_t
outer_start(const jsmntok_t *t)
{
	return (size_t)t->start - (t->type == JSMN_STRING);
}

static size_t
outer_end(const jsmntok_t *t)
{
	return (size_t)t->end + (t->type == JSMN_STRING);
}

/* Skip white space from pos and require c there; returns past it. */
static int
expect(const struct jsonin *j, size_t *pos, char c)
{
	*pos = skip_ws(j, *pos);
	if (*pos >= j->j_len || j->j_buf[*pos] != c)
		return -1;
	(*pos)++;
	return 0;
}

/* White space only from pos up to token i. */
static int
reach(const struct jsonin *j, size_t pos, int i)
{
	if (i >= j->j_ntok)
		return -1;
	return skip_ws(j, pos) == outer_start(&j->j_tok[i]) ? 0 : -1;
}

static int	check_dups(struct jsonin *j, int obj);

static enum jsonin_status check(struct jsonin *j, int i, int depth);

/* One member (key at k) or element (k) of container c; *pos past it. */
static enum jsonin_status
check_item(struct jsonin *j, int c, int *k, size_t *pos, int depth)
{
	const jsmntok_t		*t = j->j_tok;
	enum jsonin_status	 st;
	int			 key = *k;

	if (reach(j, *pos, key) == -1)
		return JSONIN_INVALID;
	if (t[c].type == JSMN_OBJECT) {
		if (t[key].type != JSMN_STRING || t[key].size != 1 ||
		    t[key].parent != c || check_str_tok(j, key) == -1)
			return JSONIN_INVALID;
		*pos = outer_end(&t[key]);
		if (expect(j, pos, ':') == -1 || reach(j, *pos, key + 1) == -1)
			return JSONIN_INVALID;
		(*k)++;
	}
	if (t[*k].parent != (t[c].type == JSMN_OBJECT ? key : c))
		return JSONIN_INVALID;
	if ((st = check(j, *k, depth + 1)) != JSONIN_OK)
		return st;
	*pos = outer_end(&t[*k]);
	j->j_end[key] = j->j_end[*k];
	*k = j->j_end[*k];
	return JSONIN_OK;
}

/* Token i and its subtree; fills j_end. */
static enum jsonin_status
check(struct jsonin *j, int i, int depth)
{
	const jsmntok_t		*t = &j->j_tok[i];
	enum jsonin_status	 st;
	size_t			 pos;
	int			 m, k;

	if (t->type == JSMN_STRING || t->type == JSMN_PRIMITIVE) {
		if (t->size != 0 || (t->type == JSMN_STRING ?
		    check_str_tok(j, i) : check_literal(j->j_buf + t->start,
		    (size_t)(t->end - t->start))) == -1)
			return JSONIN_INVALID;
		j->j_end[i] = i + 1;
		return JSONIN_OK;
	}
	if (depth > JSONIN_DEPTH_MAX)
		return JSONIN_TOO_DEEP;
	pos = (size_t)t->start + 1;
	for (m = 0, k = i + 1; m < t->size; m++) {
		if (m > 0 && expect(j, &pos, ',') == -1)
			return JSONIN_INVALID;
		if ((st = check_item(j, i, &k, &pos, depth)) != JSONIN_OK)
			return st;
	}
	if (skip_ws(j, pos) + 1 != (size_t)t->end)
		return JSONIN_INVALID;
	j->j_end[i] = k;
	if (t->type == JSMN_OBJECT && check_dups(j, i) == -1)
		return JSONIN_DUPLICATE;
	return JSONIN_OK;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct jsonin_key	*x = a, *y = b;

	if (x->jk_hash != y->jk_hash)
		return x->jk_hash < y->jk_hash ? -1 : 1;
	return 0;
}

/*
 * Key tok as bytes in *jk, with their FNV-1a hash: its raw bytes when it
 * holds no escape, else decoded into j_dec at *off.
 */
static void
key_bytes(struct jsonin *j, int tok, struct jsonin_key *jk, size_t *off)
{
	const jsmntok_t	*t = &j->j_tok[tok];
	unsigned char	 u[4];
	unsigned int	 h = 2166136261u;
	size_t		 i = (size_t)t->start, n, k;

	if (!j->j_esc[tok]) {
		jk->jk_s = j->j_buf + t->start;
		jk->jk_len = (size_t)(t->end - t->start);
	} else {
		jk->jk_s = j->j_dec + *off;
		while (i < (size_t)t->end) {
			n = jsonin_unit(j->j_buf, &i, u);
			for (k = 0; k < n; k++)
				j->j_dec[(*off)++] = (char)u[k];
		}
		jk->jk_len = (size_t)(j->j_dec + *off - jk->jk_s);
	}
	for (k = 0; k < jk->jk_len; k++)
		h = (h ^ (unsigned char)jk->jk_s[k]) * 16777619u;
	jk->jk_hash = h;
}

static int
key_same(const struct jsonin_key *a, const struct jsonin_key *b)
{
	return a->jk_hash == b->jk_hash && a->jk_len == b->jk_len &&
	    memcmp(a->jk_s, b->jk_s, a->jk_len) == 0;
}

/*
 * -1 when object obj names a member twice (keys compared decoded).
 * Escaped keys are decoded side by side into j_dec, which has room for
 * them all: a decoded string is never longer than its raw bytes. A few
 * keys are compared pairwise, more are sorted by hash first.
 */
static int
check_dups(struct jsonin *j, int obj)
{
	struct jsonin_key	*jk = j->j_keys;
	size_t			 n = 0, off = 0, a, b;
	int			 key;

	for (key = obj + 1; key < j->j_end[obj]; key = j->j_end[key])
		key_bytes(j, key, &jk[n++], &off);
	if (n > 16)
		qsort(jk, n, sizeof(*jk), key_cmp);
	for (a = 0; a < n; a++)
		for (b = a + 1; b < n && (n <= 16 ||
		    jk[b].jk_hash == jk[a].jk_hash); b++)
			if (key_same(&jk[a], &jk[b]))
				return -1;
	return 0;
}

static enum jsonin_status
parse(struct jsonin *j, const char *buf, size_t len)
{
	jsmn_parser		p;
	enum jsonin_status	st;
	int			r;

	jsmn_init(&p);
	r = jsmn_parse(&p, buf, len, j->j_tok, JSONIN_TOKENS_MAX);
	if (r == JSMN_ERROR_NOMEM)
		return JSONIN_TOO_MANY;
	if (r < 0)
		return JSONIN_INVALID;
	if (r == 0 || j->j_tok[0].type != JSMN_OBJECT)
		return JSONIN_NOT_OBJECT;
	j->j_ntok = r;
	if ((size_t)j->j_tok[0].start != skip_ws(j, 0) ||
	    skip_ws(j, (size_t)j->j_tok[0].end) != len)
		return JSONIN_INVALID;
	if ((st = check(j, 0, 1)) != JSONIN_OK)
		return st;
	return j->j_end[0] == r ? JSONIN_OK : JSONIN_INVALID;
}

/*
 * The same bytes as last time (the formatter re-reading the line the
 * scan just read) are not parsed again: the tokens are offsets, so they
 * hold for the new copy as well.
 */
enum jsonin_status
jsonin_parse(struct jsonin *j, const char *buf, size_t len)
{
	j->j_buf = buf;
	if (j->j_memo && len == j->j_len && (len == 0 ||
	    memcmp(buf, j->j_last, len) == 0))
		return (enum jsonin_status)j->j_status;
	j->j_memo = 0;
	j->j_len = len;
	j->j_ntok = 0;
	if (len >= INT_MAX)
		return JSONIN_TOO_MANY;
	if (len > j->j_deccap) {
		j->j_dec = xreallocarray(j->j_dec, len, 1);
		j->j_last = xreallocarray(j->j_last, len, 1);
		j->j_deccap = len;
	}
	j->j_status = (int)parse(j, buf, len);
	if (len > 0)
		memcpy(j->j_last, buf, len);
	j->j_memo = 1;
	return (enum jsonin_status)j->j_status;
}
