/*
 * jsoncheck: a small strict JSON reader (RFC 8259) and a UTF-8 model
 * (Unicode Table 3-7), written for the fuzz targets so that ptrtag's
 * JSON output is judged by code that shares nothing with json.c.
 */
#ifndef JSONCHECK_H
#define JSONCHECK_H

#include <stddef.h>

enum jv_type {
	JV_NULL,
	JV_FALSE,
	JV_TRUE,
	JV_NUMBER,
	JV_STRING,
	JV_ARRAY,
	JV_OBJECT,
};

/* One value; elements and members are a list of children. */
struct jv {
	enum jv_type	 jv_type;
	char		*jv_key;	/* member name, in an object */
	size_t		 jv_keylen;
	char		*jv_str;	/* decoded string value */
	size_t		 jv_len;
	size_t		 jv_count;	/* children */
	struct jv	*jv_child;	/* first element or member */
	struct jv	*jv_next;	/* next sibling */
};

/*
 * Parse buf[0..len) as exactly one JSON value with optional surrounding
 * whitespace. Strict: UTF-8 must be well-formed, no raw control bytes in
 * strings, no lone surrogate escapes, no duplicate member names, nesting
 * at most 32 deep. Returns the tree (free with jv_free) or NULL.
 */
struct jv	*jv_parse(const char *buf, size_t len);
void		 jv_free(struct jv *v);

/* The member named key of an object, or NULL. */
const struct jv	*jv_member(const struct jv *obj, const char *key);

/* 1 when the member is a string equal to s[0..len). */
int		 jv_str_eq(const struct jv *v, const char *s, size_t len);

/*
 * Length of the well-formed UTF-8 sequence at s[0..len) (Table 3-7), or
 * 0 when none starts there. len must be at least 1.
 */
size_t		 fz_utf8_seq(const unsigned char *s, size_t len);

/* 1 when s[0..len) is entirely well-formed UTF-8. */
int		 fz_utf8_valid(const char *s, size_t len);

/*
 * s[0..len) with each byte that starts no well-formed sequence replaced
 * by U+FFFD: a malloc'd copy in *out (length *outlen). Returns 1 when
 * anything was replaced, else 0.
 */
int		 fz_utf8_lossy(const char *s, size_t len, char **out,
		    size_t *outlen);

#endif /* JSONCHECK_H */
