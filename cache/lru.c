/*
 * lru: a bounded map from a short binary key to a caller-owned entry.
 *
 * Every live entry is in exactly two structures at once: a chain of the
 * hash table lr_buckets (bucket = SipHash of the key under lr_key, a
 * random secret) and the recency list lr_recency, most recently used at
 * the head. lr_count is the length of
 * both and never exceeds lr_capacity. The cache never allocates per
 * entry: the links live in the struct lru_entry the caller embeds.
 *
 * In front of the table sits a memo, lr_memo: sets of two entries
 * recently found, the set chosen by a cheap keyed hash. A log line's
 * address is usually one seen lately, and a memo hit costs a few
 * multiplications and one or two key comparisons instead of SipHash and
 * a chain. Two ways per set keep two hot keys that share a set from
 * evicting each other on every line. A way holds a live entry or NULL,
 * and the two ways of a set never hold the same entry: an entry leaving
 * the table leaves the memo too (lru_unlink). Keys that collide in the
 * memo only fall back to the table, so an attacker gains nothing by
 * choosing them.
 */

#include <sys/queue.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lru.h"
#include "siphash.h"

LIST_HEAD(lru_bucket, lru_entry);

/* A memo set: way 0 holds the entry found more recently of the two. */
#define LRU_MEMO_WAYS	2
struct lru_memo_set {
	struct lru_entry	*ms_way[LRU_MEMO_WAYS];
};

struct lru {
	struct lru_bucket		*lr_buckets;
	size_t				 lr_nbuckets;	/* a power of two */
	uint8_t				 lr_key[SIPHASH_KEYLEN];
	TAILQ_HEAD(lru_list, lru_entry)	 lr_recency;
	size_t				 lr_count;
	size_t				 lr_capacity;
	uint64_t			 lr_evictions;
	lru_drop_fn			 lr_drop;
	void				*lr_arg;
	struct lru_memo_set		*lr_memo;	/* lr_memo_mask + 1 */
	size_t				 lr_memo_mask;
	uint64_t			 lr_memo_mul[3];	/* odd, random */
};

/*
 * The memo has a way per entry of a small cache (one set at least),
 * LRU_MEMO_MAX ways at most.
 */
#define LRU_MEMO_MAX	16384	/* 8,192 sets, 13 bits of hash: 128 KiB */

/* The table starts small and doubles while count exceeds its size. */
#define LRU_MIN_BUCKETS	64

static struct lru_bucket *
lru_bucket_of(const struct lru *lru, const uint8_t *key, size_t keylen)
{
	return &lru->lr_buckets[siphash13(lru->lr_key, key, keylen) &
	    (lru->lr_nbuckets - 1)];
}

/*
 * The memo set of key: its three words times the random multipliers,
 * summed; the top bits of a product depend on every bit of its word.
 */
static struct lru_memo_set *
lru_memo_set_of(const struct lru *lru, const uint8_t *key, size_t keylen)
{
	uint64_t	w[3] = { 0, 0, 0 }, h;

	if (keylen == 17) {		/* IPADDR_KEYLEN: inlined */
		/*
		 * The last byte read alone: a word read back over a byte
		 * just stored would wait for the store to retire.
		 */
		memcpy(w, key, 16);
		w[2] = key[16];
	} else
		memcpy(w, key, keylen);	/* keylen <= LRU_KEYMAX < 24 */
	h = w[0] * lru->lr_memo_mul[0] + w[1] * lru->lr_memo_mul[1] +
	    (w[2] ^ keylen) * lru->lr_memo_mul[2];
	return &lru->lr_memo[(h >> 50) & lru->lr_memo_mask];
}

/* A full-length key is compared as two words and a byte, not by memcmp. */
_Static_assert(LRU_KEYMAX == 2 * sizeof(uint64_t) + 1, "LRU_KEYMAX");

static int
lru_same_key(const struct lru_entry *le, const uint8_t *key, size_t keylen)
{
	uint64_t	a[2], b[2];

	if (le->le_keylen != keylen)
		return 0;
	if (keylen != LRU_KEYMAX)
		return memcmp(le->le_key, key, keylen) == 0;
	memcpy(a, le->le_key, sizeof(a));
	memcpy(b, key, sizeof(b));
	return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0 &&
	    le->le_key[LRU_KEYMAX - 1] == key[LRU_KEYMAX - 1];
}

static struct lru_entry *
lru_find(const struct lru *lru, const uint8_t *key, size_t keylen)
{
	struct lru_entry	*le;

	LIST_FOREACH(le, lru_bucket_of(lru, key, keylen), le_hash)
		if (lru_same_key(le, key, keylen))
			return le;
	return NULL;
}

/*
 * Double the table (rehashing every entry) while entries outnumber
 * buckets, so chains stay about one long. Growth is amortised O(1); on
 * ENOMEM the table keeps its size and simply gets longer chains.
 */
static void
lru_grow(struct lru *lru)
{
	struct lru_bucket	*nb;
	struct lru_entry	*le;
	size_t			 n = lru->lr_nbuckets * 2, i;

	if (lru->lr_count <= lru->lr_nbuckets ||
	    (nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < n; i++)
		LIST_INIT(&nb[i]);
	free(lru->lr_buckets);
	lru->lr_buckets = nb;
	lru->lr_nbuckets = n;
	TAILQ_FOREACH(le, &lru->lr_recency, le_recency)
		LIST_INSERT_HEAD(lru_bucket_of(lru, le->le_key, le->le_keylen),
		    le, le_hash);
}

/* Take le out of both structures. The caller decides whether to drop. */
static void
lru_unlink(struct lru *lru, struct lru_entry *le)
{
	struct lru_memo_set	*set;
	size_t			 w;

	set = lru_memo_set_of(lru, le->le_key, le->le_keylen);
	for (w = 0; w < LRU_MEMO_WAYS; w++)
		if (set->ms_way[w] == le)
			set->ms_way[w] = NULL;
	LIST_REMOVE(le, le_hash);
	TAILQ_REMOVE(&lru->lr_recency, le, le_recency);
	lru->lr_count--;
}

/* Unlink le and hand it to the drop callback, which may free it. */
static void
lru_drop(struct lru *lru, struct lru_entry *le)
{
	lru_unlink(lru, le);
	if (lru->lr_drop != NULL)
		lru->lr_drop(le, lru->lr_arg);
}

/*
 * Drop the least recently used unpinned entry. Returns 0, or -1 when
 * every entry is pinned. O(number of pinned entries at the tail).
 */
static int
lru_evict_one(struct lru *lru)
{
	struct lru_entry	*le;

	TAILQ_FOREACH_REVERSE(le, &lru->lr_recency, lru_list, le_recency) {
		if (le->le_pins == 0) {
			lru->lr_evictions++;
			lru_drop(lru, le);
			return 0;
		}
	}
	return -1;
}

struct lru *
lru_create(size_t capacity, lru_drop_fn drop, void *arg)
{
	struct lru	*lru;
	size_t		 ways;

	if (capacity == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((lru = calloc(1, sizeof(*lru))) == NULL)
		return NULL;
	lru->lr_nbuckets = LRU_MIN_BUCKETS;
	if ((lru->lr_buckets = calloc(lru->lr_nbuckets,
	    sizeof(*lru->lr_buckets))) == NULL) {
		free(lru);
		return NULL;
	}
	for (size_t i = 0; i < lru->lr_nbuckets; i++)
		LIST_INIT(&lru->lr_buckets[i]);
	for (ways = LRU_MEMO_WAYS; ways < capacity && ways < LRU_MEMO_MAX;
	    ways *= 2)
		;
	lru->lr_memo_mask = ways / LRU_MEMO_WAYS;
	if ((lru->lr_memo = calloc(lru->lr_memo_mask,
	    sizeof(*lru->lr_memo))) == NULL) {
		free(lru->lr_buckets);
		free(lru);
		return NULL;
	}
	lru->lr_memo_mask--;
	arc4random_buf(lru->lr_memo_mul, sizeof(lru->lr_memo_mul));
	for (size_t i = 0; i < 3; i++)
		lru->lr_memo_mul[i] |= 1;
	arc4random_buf(lru->lr_key, sizeof(lru->lr_key));
	TAILQ_INIT(&lru->lr_recency);
	lru->lr_capacity = capacity;
	lru->lr_drop = drop;
	lru->lr_arg = arg;
	return lru;
}

void
lru_destroy(struct lru *lru)
{
	struct lru_entry	*le;

	if (lru == NULL)
		return;
	while ((le = TAILQ_FIRST(&lru->lr_recency)) != NULL)
		lru_drop(lru, le);
	free(lru->lr_memo);
	free(lru->lr_buckets);
	free(lru);
}

struct lru_entry *
lru_lookup(struct lru *lru, const void *key, size_t keylen, uint64_t now_ms)
{
	struct lru_entry	*le;
	struct lru_memo_set	*set;

	if (keylen > LRU_KEYMAX)
		return NULL;
	set = lru_memo_set_of(lru, key, keylen);
	_Static_assert(LRU_MEMO_WAYS == 2, "the memo's ways are spelt out");
	if ((le = set->ms_way[0]) == NULL || !lru_same_key(le, key, keylen)) {
		if ((le = set->ms_way[1]) == NULL ||
		    !lru_same_key(le, key, keylen)) {
			if ((le = lru_find(lru, key, keylen)) == NULL)
				return NULL;
		}
		/* le is in neither way, or in way 1: it moves to way 0. */
		set->ms_way[1] = set->ms_way[0];
		set->ms_way[0] = le;
	}
	if (now_ms >= le->le_expires_ms && le->le_pins == 0) {
		lru_drop(lru, le);
		return NULL;
	}
	if (le != TAILQ_FIRST(&lru->lr_recency)) {
		TAILQ_REMOVE(&lru->lr_recency, le, le_recency);
		TAILQ_INSERT_HEAD(&lru->lr_recency, le, le_recency);
	}
	return le;
}

void
lru_prefetch_set(const struct lru *lru, const void *key, size_t keylen)
{
	if (keylen <= LRU_KEYMAX)
		__builtin_prefetch(lru_memo_set_of(lru, key, keylen));
}

/*
 * The cache lines of le's first span bytes, as far as 256. Always
 * inlined: GCC takes a function whose only effects are prefetches for
 * one without effects, and drops the calls to it.
 */
static inline void __attribute__((always_inline))
lru_prefetch_entry(const struct lru_entry *le, size_t span)
{
	const char	*p = (const char *)le;

	if (le == NULL)
		return;
	__builtin_prefetch(p);
	if (span > 64)
		__builtin_prefetch(p + 64);
	if (span > 128)
		__builtin_prefetch(p + 128);
	if (span > 192)
		__builtin_prefetch(p + 192);
	__builtin_prefetch(p + span - 1);
}

void
lru_prefetch(const struct lru *lru, const void *key, size_t keylen,
    size_t span)
{
	const struct lru_memo_set	*set;

	if (keylen > LRU_KEYMAX)
		return;
	set = lru_memo_set_of(lru, key, keylen);
	lru_prefetch_entry(set->ms_way[0], span);
	lru_prefetch_entry(set->ms_way[1], span);
}

const struct lru_entry *
lru_prefetch_peek(const struct lru *lru, const void *key, size_t keylen)
{
	const struct lru_memo_set	*set;
	const struct lru_entry		*le;

	if (keylen > LRU_KEYMAX)
		return NULL;
	set = lru_memo_set_of(lru, key, keylen);
	if ((le = set->ms_way[0]) == NULL || !lru_same_key(le, key, keylen))
		if ((le = set->ms_way[1]) == NULL ||
		    !lru_same_key(le, key, keylen))
			return NULL;
	__builtin_prefetch(TAILQ_NEXT(le, le_recency));
	__builtin_prefetch(le->le_recency.tqe_prev);
	return le;
}

int
lru_insert(struct lru *lru, struct lru_entry *le, const void *key,
    size_t keylen)
{
	if (keylen > LRU_KEYMAX) {
		errno = EINVAL;
		return -1;
	}
	le->le_keylen = (uint8_t)keylen;
	memcpy(le->le_key, key, keylen);
	/* Refuse a duplicate before evicting anything on its behalf. */
	if (lru_find(lru, le->le_key, keylen) != NULL) {
		errno = EEXIST;
		return -1;
	}
	while (lru->lr_count >= lru->lr_capacity) {
		if (lru_evict_one(lru) == -1) {
			errno = ENOSPC;
			return -1;
		}
	}
	le->le_expires_ms = UINT64_MAX;
	le->le_pins = 0;
	LIST_INSERT_HEAD(lru_bucket_of(lru, le->le_key, keylen), le, le_hash);
	TAILQ_INSERT_HEAD(&lru->lr_recency, le, le_recency);
	lru->lr_count++;
	lru_grow(lru);
	return 0;
}

void
lru_remove(struct lru *lru, struct lru_entry *le)
{
	lru_unlink(lru, le);
}

void
lru_pin(struct lru_entry *le)
{
	le->le_pins++;
}

void
lru_unpin(struct lru_entry *le)
{
	if (le->le_pins > 0)
		le->le_pins--;
}

void
lru_set_expiry(struct lru_entry *le, uint64_t expires_ms)
{
	le->le_expires_ms = expires_ms;
}

uint64_t
lru_expiry(const struct lru_entry *le)
{
	return le->le_expires_ms;
}

size_t
lru_count(const struct lru *lru)
{
	return lru->lr_count;
}

size_t
lru_capacity(const struct lru *lru)
{
	return lru->lr_capacity;
}

uint64_t
lru_evictions(const struct lru *lru)
{
	return lru->lr_evictions;
}

void
lru_foreach(struct lru *lru, void (*fn)(struct lru_entry *le, void *arg),
    void *arg)
{
	struct lru_entry	*le;

	TAILQ_FOREACH(le, &lru->lr_recency, le_recency)
		fn(le, arg);
}
