/*
 * jsonin_impl: the parser's own state, shared by jsonin.c (parsing and
 * the grammar checks) and jsonin_path.c (decoding and lookups); only
 * jsonin.h is public. Invariant after a JSONIN_OK parse: tokens
 * 0..j_ntok are the root object's tree in document order, every string
 * is valid (checked escapes, well-formed UTF-8, no lone surrogate), and
 * j_end[i] is the token after i's subtree (after its value, for a key).
 */
#ifndef JSONIN_IMPL_H
#define JSONIN_IMPL_H

#include <stddef.h>

/*
 * jsmn is header-only: jsonin.c alone defines JSONIN_JSMN_IMPL and so
 * compiles its functions, static and in strict mode; the others see the
 * token type only. Parent links must be on for both (struct layout).
 */
#define JSMN_PARENT_LINKS
#ifdef JSONIN_JSMN_IMPL
#define JSMN_STATIC
#define JSMN_STRICT
#else
#define JSMN_HEADER
#endif
#include <jsmn.h>

struct jsonin {
	const char	*j_buf;
	size_t		 j_len;
	jsmntok_t	*j_tok;		/* JSONIN_TOKENS_MAX */
	int		 j_ntok;
	int		*j_end;		/* JSONIN_TOKENS_MAX */
	unsigned char	*j_esc;		/* a string holds a '\\' */
	char		*j_dec;		/* decoded keys, grown to j_len */
	size_t		 j_deccap;
	char		*j_last;	/* the bytes parsed last, j_len of */
	int		 j_status;	/* them, and the answer, when */
	int		 j_memo;	/* j_memo is set */
	struct jsonin_key {
		unsigned int	 jk_hash;
		const char	*jk_s;		/* raw, or decoded in j_dec */
		size_t		 jk_len;
	}		*j_keys;	/* JSONIN_TOKENS_MAX */
};

/*
 * Decode the escape or byte at s[*i] of a checked string into out (up to
 * 4 bytes), advancing *i past it. Returns the number of bytes written.
 */
size_t	jsonin_unit(const char *s, size_t *i, unsigned char out[4]);

/* Value of the 4 hex digits at s. */
unsigned int jsonin_hex4(const char *s);

#endif /* JSONIN_IMPL_H */
