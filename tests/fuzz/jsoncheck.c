/*
 * jsoncheck: see jsoncheck.h. Recursive descent over the RFC 8259
 * grammar; the tree is only as deep as the nesting limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsoncheck.h"

#define JV_DEPTH_MAX	32

/* Well-formed byte sequences, Unicode 15 Table 3-7. */
static const struct utf8_row {
	uint8_t	ur_lo;		/* range of the first byte */
	uint8_t	ur_hi;
	uint8_t	ur_n;		/* sequence length */
	uint8_t	ur_lo2;		/* range of the second byte */
	uint8_t	ur_hi2;
} utf8_rows[] = {
	{ 0x00, 0x7f, 1, 0x00, 0x00 },
	{ 0xc2, 0xdf, 2, 0x80, 0xbf },
	{ 0xe0, 0xe0, 3, 0xa0, 0xbf },
	{ 0xe1, 0xec, 3, 0x80, 0xbf },
	{ 0xed, 0xed, 3, 0x80, 0x9f },
	{ 0xee, 0xef, 3, 0x80, 0xbf },
	{ 0xf0, 0xf0, 4, 0x90, 0xbf },
	{ 0xf1, 0xf3, 4, 0x80, 0xbf },
	{ 0xf4, 0xf4, 4, 0x80, 0x8f },
};

size_t
fz_utf8_seq(const unsigned char *s, size_t len)
{
	const struct utf8_row	*r;
	size_t			 i, k;

	for (i = 0; i < sizeof(utf8_rows) / sizeof(utf8_rows[0]); i++) {
		r = &utf8_rows[i];
		if (s[0] < r->ur_lo || s[0] > r->ur_hi)
			continue;
		if (r->ur_n == 1)
			return 1;
		if (len < r->ur_n || s[1] < r->ur_lo2 || s[1] > r->ur_hi2)
			return 0;
		for (k = 2; k < r->ur_n; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		return r->ur_n;
	}
	return 0;
}

int
fz_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = fz_utf8_seq(u + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
fz_utf8_lossy(const char *s, size_t len, char **out, size_t *outlen)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, o = 0, n;
	char			*b;
	int			 lossy = 0;

	if ((b = malloc(3 * len + 1)) == NULL)
		abort();
	while (i < len) {
		if ((n = fz_utf8_seq(u + i, len - i)) > 0) {
			memcpy(b + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(b + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			lossy = 1;
		}
	}
	*out = b;
	*outlen = o;
	return lossy;
}

/* Parser state: the unread text. */
struct jp {
	const unsigned char	*jp_p;
	const unsigned char	*jp_end;
	int			 jp_depth;
};

static struct jv	*jp_value(struct jp *);

static struct jv *
jv_new(enum jv_type t)
{
	struct jv	*v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		abort();
	v->jv_type = t;
	return v;
}

void
jv_free(struct jv *v)
{
	struct jv	*next;

	for (; v != NULL; v = next) {
		next = v->jv_next;
		jv_free(v->jv_child);
		free(v->jv_key);
		free(v->jv_str);
		free(v);
	}
}

static void
jp_ws(struct jp *jp)
{
	while (jp->jp_p < jp->jp_end && (*jp->jp_p == ' ' ||
	    *jp->jp_p == '\t' || *jp->jp_p == '\n' || *jp->jp_p == '\r'))
		jp->jp_p++;
}

static int
jp_lit(struct jp *jp, const char *word)
{
	size_t	n = strlen(word);

	if ((size_t)(jp->jp_end - jp->jp_p) < n ||
	    memcmp(jp->jp_p, word, n) != 0)
		return -1;
	jp->jp_p += n;
	return 0;
}

static int
jp_hex4(struct jp *jp, uint32_t *cp)
{
	int	i, c;

	if (jp->jp_end - jp->jp_p < 4)
		return -1;
	for (*cp = 0, i = 0; i < 4; i++) {
		c = *jp->jp_p++;
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -1;
		*cp = *cp << 4 | (uint32_t)c;
	}
	return 0;
}

static size_t
put_utf8(char *b, uint32_t cp)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One escape after the backslash; the decoded bytes go to b. */
static int
jp_escape(struct jp *jp, char *b, size_t *o)
{
	static const char	from[] = "\"\\/bfnrt";
	static const char	to[] = "\"\\/\b\f\n\r\t";
	const char		*e;
	uint32_t		 cp, lo;

	if (jp->jp_p == jp->jp_end)
		return -1;
	if (*jp->jp_p != 'u') {
		if (*jp->jp_p == '\0' ||
		    (e = strchr(from, *jp->jp_p)) == NULL)
			return -1;
		b[(*o)++] = to[e - from];
		jp->jp_p++;
		return 0;
	}
	jp->jp_p++;
	if (jp_hex4(jp, &cp) == -1 || (cp >= 0xdc00 && cp <= 0xdfff))
		return -1;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (jp_lit(jp, "\\u") == -1 || jp_hex4(jp, &lo) == -1 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*o += put_utf8(b + *o, cp);
	return 0;
}

/* A string at the opening quote; decoded into a malloc'd *out. */
static int
jp_string(struct jp *jp, char **out, size_t *outlen)
{
	size_t	o = 0, n;
	char	*b;

	if (jp->jp_p == jp->jp_end || *jp->jp_p != '"')
		return -1;
	jp->jp_p++;
	/* Decoding never makes text longer. */
	if ((b = malloc((size_t)(jp->jp_end - jp->jp_p) + 1)) == NULL)
		abort();
	for (;;) {
		if (jp->jp_p == jp->jp_end || *jp->jp_p < 0x20)
			goto bad;
		if (*jp->jp_p == '"')
			break;
		if (*jp->jp_p == '\\') {
			jp->jp_p++;
			if (jp_escape(jp, b, &o) == -1)
				goto bad;
			continue;
		}
		n = fz_utf8_seq(jp->jp_p, (size_t)(jp->jp_end - jp->jp_p));
		if (n == 0)
			goto bad;
		memcpy(b + o, jp->jp_p, n);
		o += n;
		jp->jp_p += n;
	}
	jp->jp_p++;
	b[o] = '\0';
	*out = b;
	*outlen = o;
	return 0;
bad:
	free(b);
	return -1;
}

static int
jp_digits(struct jp *jp)
{
	const unsigned char	*start = jp->jp_p;

	while (jp->jp_p < jp->jp_end && *jp->jp_p >= '0' && *jp->jp_p <= '9')
		jp->jp_p++;
	return jp->jp_p > start ? 0 : -1;
}

static int
jp_number(struct jp *jp)
{
	if (jp->jp_p < jp->jp_end && *jp->jp_p == '-')
		jp->jp_p++;
	if (jp->jp_p < jp->jp_end && *jp->jp_p == '0')
		jp->jp_p++;
	else if (jp_digits(jp) == -1)
		return -1;
	if (jp->jp_p < jp->jp_end && *jp->jp_p == '.') {
		jp->jp_p++;
		if (jp_digits(jp) == -1)
			return -1;
	}
	if (jp->jp_p < jp->jp_end && (*jp->jp_p == 'e' || *jp->jp_p == 'E')) {
		jp->jp_p++;
		if (jp->jp_p < jp->jp_end &&
		    (*jp->jp_p == '+' || *jp->jp_p == '-'))
			jp->jp_p++;
		if (jp_digits(jp) == -1)
			return -1;
	}
	return 0;
}

static int
jp_peek(struct jp *jp, int c)
{
	jp_ws(jp);
	if (jp->jp_p < jp->jp_end && *jp->jp_p == c) {
		jp->jp_p++;
		return 1;
	}
	return 0;
}

/* Elements of an array or members of an object, after the bracket. */
static int
jp_children(struct jp *jp, struct jv *v, int close)
{
	struct jv	*kid, **tail = &v->jv_child;
	char		*key = NULL;
	size_t		 keylen = 0;

	if (jp_peek(jp, close))
		return 0;
	for (;;) {
		if (v->jv_type == JV_OBJECT) {
			jp_ws(jp);
			if (jp_string(jp, &key, &keylen) == -1)
				return -1;
			if (strlen(key) != keylen ||
			    jv_member(v, key) != NULL || !jp_peek(jp, ':')) {
				free(key);
				return -1;
			}
		}
		if ((kid = jp_value(jp)) == NULL) {
			free(key);
			return -1;
		}
		kid->jv_key = key;
		kid->jv_keylen = keylen;
		key = NULL;
		*tail = kid;
		tail = &kid->jv_next;
		v->jv_count++;
		if (jp_peek(jp, close))
			return 0;
		if (!jp_peek(jp, ','))
			return -1;
	}
}

static struct jv *
jp_value(struct jp *jp)
{
	struct jv	*v = NULL;
	int		 rc = -1;

	jp_ws(jp);
	if (jp->jp_p == jp->jp_end || ++jp->jp_depth > JV_DEPTH_MAX)
		return NULL;
	switch (*jp->jp_p) {
	case '{':
	case '[':
		v = jv_new(*jp->jp_p == '{' ? JV_OBJECT : JV_ARRAY);
		jp->jp_p++;
		rc = jp_children(jp, v, v->jv_type == JV_OBJECT ? '}' : ']');
		break;
	case '"':
		v = jv_new(JV_STRING);
		rc = jp_string(jp, &v->jv_str, &v->jv_len);
		break;
	case 't':
		v = jv_new(JV_TRUE);
		rc = jp_lit(jp, "true");
		break;
	case 'f':
		v = jv_new(JV_FALSE);
		rc = jp_lit(jp, "false");
		break;
	case 'n':
		v = jv_new(JV_NULL);
		rc = jp_lit(jp, "null");
		break;
	default:
		v = jv_new(JV_NUMBER);
		rc = jp_number(jp);
		break;
	}
	jp->jp_depth--;
	if (rc == -1) {
		jv_free(v);
		return NULL;
	}
	return v;
}

struct jv *
jv_parse(const char *buf, size_t len)
{
	struct jp	 jp;
	struct jv	*v;

	jp.jp_p = (const unsigned char *)buf;
	jp.jp_end = jp.jp_p + len;
	jp.jp_depth = 0;
	if ((v = jp_value(&jp)) == NULL)
		return NULL;
	jp_ws(&jp);
	if (jp.jp_p != jp.jp_end) {
		jv_free(v);
		return NULL;
	}
	return v;
}

const struct jv *
jv_member(const struct jv *obj, const char *key)
{
	const struct jv	*kid;
	size_t		 n = strlen(key);

	if (obj == NULL || obj->jv_type != JV_OBJECT)
		return NULL;
	for (kid = obj->jv_child; kid != NULL; kid = kid->jv_next)
		if (kid->jv_keylen == n && memcmp(kid->jv_key, key, n) == 0)
			return kid;
	return NULL;
}

int
jv_str_eq(const struct jv *v, const char *s, size_t len)
{
	return v != NULL && v->jv_type == JV_STRING && v->jv_len == len &&
	    memcmp(v->jv_str, s, len) == 0;
}
