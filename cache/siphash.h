/*
 * siphash: SipHash-1-3, a keyed hash for hash tables whose keys an
 * attacker may choose (Aumasson and Bernstein, "SipHash: a fast short-
 * input PRF"). With a secret random key, colliding keys cannot be found
 * offline, so chains stay short whatever addresses the logs carry.
 */
#ifndef SIPHASH_H
#define SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEYLEN	16

/* The 64-bit SipHash-1-3 of data[0..len) under key. Pure. */
uint64_t	siphash13(const uint8_t key[SIPHASH_KEYLEN], const void *data,
		    size_t len);

/* SipHash-2-4, the original; for the test vector of the paper. */
uint64_t	siphash24(const uint8_t key[SIPHASH_KEYLEN], const void *data,
		    size_t len);

#endif /* SIPHASH_H */
