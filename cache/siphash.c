/*
 * siphash: see siphash.h. Written from the algorithm's description: four
 * 64-bit state words initialised from the key and the constants below,
 * c SipRounds per 8-byte message word, the final word carrying the
 * length in its top byte, then 0xff folded in and d SipRounds before the
 * four words are xored together. The table uses c = 1, d = 3; the 2-4
 * variant exists so that a test can check the paper's vector.
 */
#include <endian.h>
#include <string.h>

#include "siphash.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

struct sipstate {
	uint64_t	v0, v1, v2, v3;
};

static void
sipround(struct sipstate *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

/* Little-endian load of n (<= 8) bytes; a whole word in one load. */
static uint64_t
load_le(const uint8_t *p, size_t n)
{
	uint64_t	w = 0;
	size_t		i;

	if (n == 8) {
		memcpy(&w, p, sizeof(w));
		return le64toh(w);
	}
	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static void
absorb(struct sipstate *s, uint64_t m, int c)
{
	s->v3 ^= m;
	while (c-- > 0)
		sipround(s);
	s->v0 ^= m;
}

/* SipHash-c-d: c rounds per message word, d rounds to finish. */
static uint64_t
siphash(const uint8_t key[SIPHASH_KEYLEN], const void *data, size_t len,
    int c, int d)
{
	const uint8_t	*p = data;
	struct sipstate	 s;
	uint64_t	 k0 = load_le(key, 8), k1 = load_le(key + 8, 8);
	size_t		 i, full = len - len % 8;

	s.v0 = k0 ^ 0x736f6d6570736575ULL;
	s.v1 = k1 ^ 0x646f72616e646f6dULL;
	s.v2 = k0 ^ 0x6c7967656e657261ULL;
	s.v3 = k1 ^ 0x7465646279746573ULL;
	for (i = 0; i < full; i += 8)
		absorb(&s, load_le(p + i, 8), c);
	absorb(&s, load_le(p + full, len - full) | (uint64_t)(len & 0xff) << 56,
	    c);
	s.v2 ^= 0xff;
	while (d-- > 0)
		sipround(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t
siphash13(const uint8_t key[SIPHASH_KEYLEN], const void *data, size_t len)
{
	return siphash(key, data, len, 1, 3);
}

uint64_t
siphash24(const uint8_t key[SIPHASH_KEYLEN], const void *data, size_t len)
{
	return siphash(key, data, len, 2, 4);
}
