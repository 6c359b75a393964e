/*
 * jsonin_path: the accessors of jsonin.h over a parsed line: spans,
 * children, decoded strings and the PATH lookup of ptrtag.1, STRUCTURED
 * INPUT. Every string here was checked by jsonin.c, so decoding needs
 * no error path.
 */
#include <string.h>

#include "jsonin.h"
#include "jsonin_impl.h"

unsigned int
jsonin_hex4(const char *s)
{
	unsigned int	v = 0;
	int		k;
	char		c;

	for (k = 0; k < 4; k++) {
		c = s[k];
		v = v << 4 | (unsigned int)(c <= '9' ? c - '0' :
		    (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* cp (at most U+10FFFF, or a lone half never reached) as UTF-8. */
static size_t
put_utf8(unsigned int cp, unsigned char out[4])
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
jsonin_unit(const char *s, size_t *i, unsigned char out[4])
{
	static const char	from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned int		cp, lo;
	const char		*c;

	if (s[*i] != '\\') {
		out[0] = (unsigned char)s[(*i)++];
		return 1;
	}
	if (s[*i + 1] != 'u') {
		c = strchr(from, s[*i + 1]);
		out[0] = (unsigned char)to[c - from];
		*i += 2;
		return 1;
	}
	cp = jsonin_hex4(s + *i + 2);
	*i += 6;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		lo = jsonin_hex4(s + *i + 2);
		*i += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return put_utf8(cp, out);
}

enum jsonin_type
jsonin_type(const struct jsonin *j, int tok)
{
	switch (j->j_tok[tok].type) {
	case JSMN_OBJECT:
		return JSONIN_OBJECT;
	case JSMN_ARRAY:
		return JSONIN_ARRAY;
	case JSMN_STRING:
		return JSONIN_STRING;
	case JSMN_UNDEFINED:
	case JSMN_PRIMITIVE:
		break;
	}
	return JSONIN_LITERAL;
}

size_t
jsonin_start(const struct jsonin *j, int tok)
{
	return (size_t)j->j_tok[tok].start -
	    (j->j_tok[tok].type == JSMN_STRING);
}

size_t
jsonin_end(const struct jsonin *j, int tok)
{
	return (size_t)j->j_tok[tok].end + (j->j_tok[tok].type == JSMN_STRING);
}

size_t
jsonin_size(const struct jsonin *j, int tok)
{
	const jsmntok_t	*t = &j->j_tok[tok];

	return t->type == JSMN_OBJECT || t->type == JSMN_ARRAY ?
	    (size_t)t->size : 0;
}

int
jsonin_child(const struct jsonin *j, int tok)
{
	return jsonin_size(j, tok) > 0 ? tok + 1 : -1;
}

int
jsonin_next(const struct jsonin *j, int tok)
{
	int	parent = j->j_tok[tok].parent;

	if (parent == -1 || j->j_end[tok] >= j->j_end[parent])
		return -1;
	return j->j_end[tok];
}

size_t
jsonin_string(const struct jsonin *j, int tok, char *out)
{
	const jsmntok_t	*t = &j->j_tok[tok];
	size_t		 i = (size_t)t->start, n = 0;

	if (!j->j_esc[tok]) {
		memcpy(out, j->j_buf + i, (size_t)t->end - i);
		return (size_t)t->end - i;
	}
	while (i < (size_t)t->end)
		n += jsonin_unit(j->j_buf, &i, (unsigned char *)out + n);
	return n;
}

size_t
jsonin_raw_offset(const struct jsonin *j, int tok, size_t off)
{
	const jsmntok_t	*t = &j->j_tok[tok];
	unsigned char	 u[4];
	size_t		 i = (size_t)t->start, n = 0, prev;

	if (!j->j_esc[tok])
		return i + off;
	while (i < (size_t)t->end) {
		prev = i;
		n += jsonin_unit(j->j_buf, &i, u);
		if (n > off)
			return prev;
	}
	return i;
}

int
jsonin_str_eq(const struct jsonin *j, int tok, const char *s, size_t len)
{
	const jsmntok_t	*t = &j->j_tok[tok];
	const char	*raw = j->j_buf + t->start;
	unsigned char	 u[4];
	size_t		 rawlen = (size_t)(t->end - t->start), i, n, k = 0;

	if (t->type != JSMN_STRING)
		return 0;
	/* Most keys hold no escape: compare the bytes as they stand. */
	if (!j->j_esc[tok])
		return rawlen == len && memcmp(raw, s, len) == 0;
	for (i = (size_t)t->start; i < (size_t)t->end; k += n) {
		n = jsonin_unit(j->j_buf, &i, u);
		if (k + n > len || memcmp(s + k, u, n) != 0)
			return 0;
	}
	return k == len;
}

size_t
jsonin_str_copy(const struct jsonin *j, int tok, char *out, size_t outsz)
{
	const jsmntok_t	*t = &j->j_tok[tok];
	unsigned char	 u[4];
	size_t		 i = (size_t)t->start, n, k, total = 0;

	if (!j->j_esc[tok]) {
		total = (size_t)t->end - i;
		memcpy(out, j->j_buf + i, total < outsz ? total : outsz);
		return total;
	}
	while (i < (size_t)t->end) {
		n = jsonin_unit(j->j_buf, &i, u);
		for (k = 0; k < n; k++, total++)
			if (total < outsz)
				out[total] = (char)u[k];
	}
	return total;
}

int
jsonin_member(const struct jsonin *j, int obj, const char *key,
    size_t keylen)
{
	int	k;

	if (j->j_tok[obj].type != JSMN_OBJECT)
		return -1;
	for (k = jsonin_child(j, obj); k != -1; k = jsonin_next(j, k))
		if (jsonin_str_eq(j, k, key, keylen))
			return k + 1;
	return -1;
}

/*
 * The hits of path[off..len) below object obj: a key equal to the rest
 * of the path, or to a part of it ending at a dot, whose value is an
 * object to search on. Depth is bounded by the path's dots.
 */
static void
find_in(const struct jsonin *j, int obj, const char *path, size_t len,
    size_t off, struct jsonin_hit *hits, size_t max, size_t *n)
{
	const char	*rest = path + off;
	size_t		 rlen = len - off, d;
	int		 k;

	if (rlen == 0)
		return;
	for (k = jsonin_child(j, obj); k != -1 && *n < max;
	    k = jsonin_next(j, k)) {
		/* Most keys differ from the path in their first byte. */
		if (!j->j_esc[k] && (j->j_tok[k].end == j->j_tok[k].start ||
		    j->j_buf[j->j_tok[k].start] != rest[0]))
			continue;
		if (jsonin_str_eq(j, k, rest, rlen)) {
			hits[*n].jh_val = k + 1;
			hits[*n].jh_obj = obj;
			hits[(*n)++].jh_keyoff = off;
			continue;
		}
		if (j->j_tok[k + 1].type != JSMN_OBJECT)
			continue;
		for (d = 0; d < rlen; d++)
			if (rest[d] == '.' && jsonin_str_eq(j, k, rest, d))
				find_in(j, k + 1, path, len, off + d + 1, hits,
				    max, n);
	}
}

size_t
jsonin_find(const struct jsonin *j, const char *path, size_t pathlen,
    struct jsonin_hit *hits, size_t max)
{
	size_t	n = 0;

	if (j->j_ntok > 0)
		find_in(j, 0, path, pathlen, 0, hits, max, &n);
	return n;
}
