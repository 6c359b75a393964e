/*
 * siphash (cache/siphash.h): the hash of the LRU map. SipHash-2-4 gives
 * the paper's published vector; SipHash-1-3, the one the table uses,
 * is checked by its properties and against a second implementation
 * below, written for this test from the algorithm's description alone:
 * state words from the key and four constants, the message in 8-byte
 * little-endian words with the length's low byte in the last word's
 * top byte, c rounds per word, 0xff into v2, d rounds, xor of all four.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "siphash.h"

#define MAXLEN	64
#define FIXED_13	0xd320d86d2a519956ULL

static uint64_t
rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

/* One SipRound on v[0..3]. */
static void
ref_round(uint64_t v[4])
{
	v[0] += v[1];
	v[2] += v[3];
	v[1] = rotl64(v[1], 13) ^ v[0];
	v[3] = rotl64(v[3], 16) ^ v[2];
	v[0] = rotl64(v[0], 32);
	v[2] += v[1];
	v[0] += v[3];
	v[1] = rotl64(v[1], 17) ^ v[2];
	v[3] = rotl64(v[3], 21) ^ v[0];
	v[2] = rotl64(v[2], 32);
}

static uint64_t
le64(const uint8_t b[8])
{
	uint64_t	w = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		w = w << 8 | b[i];
	return w;
}

/* SipHash-c-d of msg[0..len), len <= MAXLEN, from a padded copy. */
static uint64_t
ref_siphash(int c, int d, const uint8_t key[16], const uint8_t *msg,
    size_t len)
{
	static const uint64_t	 iv[4] = {
		0x736f6d6570736575ULL,	/* "somepseu" */
		0x646f72616e646f6dULL,	/* "dorandom" */
		0x6c7967656e657261ULL,	/* "lygenera" */
		0x7465646279746573ULL,	/* "tedbytes" */
	};
	uint8_t			 padded[MAXLEN + 8];
	uint64_t		 v[4], k[2], m;
	size_t			 blocks = len / 8 + 1, b;
	int			 r;

	cr_assert_leq(len, MAXLEN);
	memset(padded, 0, sizeof(padded));
	memcpy(padded, msg, len);
	padded[blocks * 8 - 1] = (uint8_t)len;
	k[0] = le64(key);
	k[1] = le64(key + 8);
	for (r = 0; r < 4; r++)
		v[r] = iv[r] ^ k[r & 1];
	for (b = 0; b < blocks; b++) {
		m = le64(padded + 8 * b);
		v[3] ^= m;
		for (r = 0; r < c; r++)
			ref_round(v);
		v[0] ^= m;
	}
	v[2] ^= 0xff;
	for (r = 0; r < d; r++)
		ref_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* The paper's key 00..0f and message 00..len-1. */
static void
counting(uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)i;
}

Test(siphash, paper_vector_2_4)
{
	uint8_t	key[SIPHASH_KEYLEN], msg[15];

	counting(key, sizeof(key));
	counting(msg, sizeof(msg));
	cr_expect_eq(siphash24(key, msg, sizeof(msg)), 0xa129ca6149be45e5ULL,
	    "SipHash-2-4 of the paper's 15-byte message");
	cr_expect_eq(ref_siphash(2, 4, key, msg, sizeof(msg)),
	    0xa129ca6149be45e5ULL, "the test's own implementation");
}

/*
 * One fixed SipHash-1-3 value, as the test's implementation computed
 * it, so a change of the module shows even if both were to drift.
 */
Test(siphash, fixed_value_1_3)
{
	uint8_t	key[SIPHASH_KEYLEN], msg[15];

	counting(key, sizeof(key));
	counting(msg, sizeof(msg));
	cr_expect_eq(siphash13(key, msg, sizeof(msg)), FIXED_13,
	    "got %#llx", (unsigned long long)siphash13(key, msg,
	    sizeof(msg)));
	cr_expect_eq(ref_siphash(1, 3, key, msg, sizeof(msg)), FIXED_13);
}

/* Both variants agree with the test's implementation, lengths 0..64. */
Test(siphash, matches_reference_every_length)
{
	uint8_t	key[SIPHASH_KEYLEN], msg[MAXLEN];
	size_t	len, i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0xa5 ^ (i * 29));
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 151 + 7);
	for (len = 0; len <= MAXLEN; len++) {
		cr_expect_eq(siphash13(key, msg, len),
		    ref_siphash(1, 3, key, msg, len), "1-3, length %zu", len);
		cr_expect_eq(siphash24(key, msg, len),
		    ref_siphash(2, 4, key, msg, len), "2-4, length %zu", len);
	}
}

Test(siphash, deterministic_and_pure)
{
	uint8_t		key[SIPHASH_KEYLEN], msg[MAXLEN], copy[MAXLEN];
	uint64_t	h;

	counting(key, sizeof(key));
	counting(msg, sizeof(msg));
	memcpy(copy, msg, sizeof(msg));
	h = siphash13(key, msg, sizeof(msg));
	cr_expect_eq(siphash13(key, msg, sizeof(msg)), h);
	cr_expect_eq(siphash13(key, copy, sizeof(copy)), h,
	    "the bytes count, not their address");
	cr_expect_eq(memcmp(msg, copy, sizeof(msg)), 0, "input unchanged");
	cr_expect_neq(siphash13(key, msg, sizeof(msg)),
	    siphash24(key, msg, sizeof(msg)), "1-3 is not 2-4");
}

Test(siphash, every_key_bit_matters)
{
	uint8_t		key[SIPHASH_KEYLEN], msg[12];
	uint64_t	h;
	size_t		i;
	int		bit;

	counting(key, sizeof(key));
	memcpy(msg, "192.0.2.1:53", sizeof(msg));
	h = siphash13(key, msg, sizeof(msg));
	for (i = 0; i < sizeof(key); i++)
		for (bit = 0; bit < 8; bit++) {
			key[i] ^= (uint8_t)(1 << bit);
			cr_expect_neq(siphash13(key, msg, sizeof(msg)), h,
			    "key byte %zu bit %d", i, bit);
			key[i] ^= (uint8_t)(1 << bit);
		}
	memset(key, 0, sizeof(key));
	cr_expect_neq(siphash13(key, msg, sizeof(msg)), h, "zero key");
}

/* A trailing zero byte, or one byte fewer, is another input. */
Test(siphash, length_matters)
{
	uint8_t		key[SIPHASH_KEYLEN], zeros[MAXLEN + 1];
	uint64_t	seen[MAXLEN + 1];
	size_t		len, j;

	counting(key, sizeof(key));
	memset(zeros, 0, sizeof(zeros));
	for (len = 0; len <= MAXLEN; len++) {
		seen[len] = siphash13(key, zeros, len);
		for (j = 0; j < len; j++)
			cr_expect_neq(seen[len], seen[j],
			    "%zu and %zu zero bytes", len, j);
	}
}

/* For lengths 1..64, flipping any bit of any byte changes the hash. */
Test(siphash, every_input_byte_matters)
{
	uint8_t		key[SIPHASH_KEYLEN], msg[MAXLEN];
	uint64_t	h;
	size_t		len, i;
	int		bit;

	counting(key, sizeof(key));
	memset(msg, 0, sizeof(msg));
	for (len = 0; len <= MAXLEN; len++) {
		for (i = 0; i < len; i++)
			msg[i] = (uint8_t)(len + i * 3);
		h = siphash13(key, msg, len);
		for (i = 0; i < len; i++)
			for (bit = 0; bit < 8; bit++) {
				msg[i] ^= (uint8_t)(1 << bit);
				cr_expect_neq(siphash13(key, msg, len), h,
				    "length %zu byte %zu bit %d", len, i,
				    bit);
				msg[i] ^= (uint8_t)(1 << bit);
			}
	}
}
