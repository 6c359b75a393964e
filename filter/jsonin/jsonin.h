/*
 * jsonin: finds the structure of one JSON object per line for --input
 * json (ptrtag.1, STRUCTURED INPUT), without copying or re-serialising
 * it: every value is a span of the caller's bytes. The tokens come from
 * jsmn (strict mode, parent links); jsmn is lax, so jsonin_parse()
 * checks the whole grammar itself (separators, literals, numbers,
 * escapes, UTF-8) and refuses duplicate member names, nesting deeper
 * than JSONIN_DEPTH_MAX and more than JSONIN_TOKENS_MAX values
 * (filter/base/bounds.h). Pure: no output, no counters; the x*alloc
 * wrappers are its only way to exit.
 *
 * Values are named by token numbers: 0 is the root object; in an
 * object, each member is its key (a string token) and the key's value is
 * the next token.
 */
#ifndef JSONIN_H
#define JSONIN_H

#include <stddef.h>

enum jsonin_type {
	JSONIN_OBJECT,
	JSONIN_ARRAY,
	JSONIN_STRING,
	JSONIN_LITERAL,		/* a number, true, false or null */
};

/* Why jsonin_parse() refused a line; JSONIN_OK when it did not. */
enum jsonin_status {
	JSONIN_OK = 0,
	JSONIN_NOT_OBJECT,	/* empty, or another value than an object */
	JSONIN_INVALID,		/* not JSON by RFC 8259, or not UTF-8 */
	JSONIN_TOO_DEEP,	/* nested deeper than JSONIN_DEPTH_MAX */
	JSONIN_TOO_MANY,	/* more than JSONIN_TOKENS_MAX values */
	JSONIN_DUPLICATE,	/* an object names one member twice */
};

/* One member found by jsonin_find(). */
struct jsonin_hit {
	int	jh_val;		/* its value */
	int	jh_obj;		/* the object holding it */
	size_t	jh_keyoff;	/* where its key starts in the path */
};

struct jsonin;

/* A parser with room for JSONIN_TOKENS_MAX tokens; err(1) on ENOMEM. */
struct jsonin	*jsonin_create(void);
void		 jsonin_free(struct jsonin *j);

/*
 * Parse buf[0..len): exactly one JSON object, with optional white space
 * around it. Returns JSONIN_OK, after which the accessors below read
 * buf (which must stay unchanged) until the next call; or the reason the
 * line is refused. O(len + tokens log tokens).
 */
enum jsonin_status jsonin_parse(struct jsonin *j, const char *buf,
		    size_t len);

/* Accessors of a parsed line; tok must be a token of it. */
enum jsonin_type jsonin_type(const struct jsonin *j, int tok);
/* The value's bytes: from its '{', '[', '"' or first byte, to past its end. */
size_t		 jsonin_start(const struct jsonin *j, int tok);
size_t		 jsonin_end(const struct jsonin *j, int tok);
/* Members of an object, elements of an array; 0 for the others. */
size_t		 jsonin_size(const struct jsonin *j, int tok);
/* First member (key) or element of tok, or -1. */
int		 jsonin_child(const struct jsonin *j, int tok);
/* The member or element after tok in its parent, or -1. */
int		 jsonin_next(const struct jsonin *j, int tok);

/* 1 when the key (or string) tok decodes to s[0..len), else 0. */
int		 jsonin_str_eq(const struct jsonin *j, int tok, const char *s,
		    size_t len);

/*
 * Decode at most outsz bytes of the string tok into out; returns its
 * whole decoded length (more than outsz when cut).
 */
size_t		 jsonin_str_copy(const struct jsonin *j, int tok, char *out,
		    size_t outsz);

/*
 * The value of the member of object obj named key[0..keylen), or -1.
 */
int		 jsonin_member(const struct jsonin *j, int obj, const char *key,
		    size_t keylen);

/*
 * Decode the string tok into out, which has room for at least its raw
 * length (jsonin_end - jsonin_start - 2). Returns the decoded length:
 * escapes become their bytes (\u as UTF-8).
 */
size_t		 jsonin_string(const struct jsonin *j, int tok, char *out);

/*
 * The offset in buf of the raw byte that decoded byte off of the string
 * tok comes from (its escape's '\' when escaped); off may be the decoded
 * length, giving the closing quote.
 */
size_t		 jsonin_raw_offset(const struct jsonin *j, int tok, size_t off);

/*
 * Find the members that path[0..pathlen) names (ptrtag.1, STRUCTURED
 * INPUT): its dot-separated parts walk nested objects, and a key may
 * hold several parts with their dots (flat dotted keys), so "source.ip"
 * finds {"source":{"ip":..}} and {"source.ip":..} alike. Writes at most
 * max hits in document order; returns their number.
 */
size_t		 jsonin_find(const struct jsonin *j, const char *path,
		    size_t pathlen, struct jsonin_hit *hits, size_t max);

#endif /* JSONIN_H */
