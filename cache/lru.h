/*
 * lru: a bounded map from a short binary key to an entry the caller owns,
 * evicting the least recently used unpinned entry when full. It knows
 * nothing about DNS, sockets or clocks: callers pass the time in.
 *
 * The map is a hash table keyed with SipHash under a secret random key
 * (O(1) expected whatever keys an attacker picks) plus a recency list;
 * both are intrusive, threaded through a struct lru_entry that the caller
 * embeds in its own record.
 */
#ifndef LRU_H
#define LRU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#define LRU_KEYMAX	17

/* Embedded in the caller's record. Every field is private to lru.c. */
struct lru_entry {
	LIST_ENTRY(lru_entry)	le_hash;
	TAILQ_ENTRY(lru_entry)	le_recency;
	uint64_t		le_expires_ms;	/* UINT64_MAX: never */
	uint32_t		le_pins;
	uint8_t			le_keylen;
	uint8_t			le_key[LRU_KEYMAX];
};

/* Called for each entry the cache drops (eviction, expiry, destroy). */
typedef void	(*lru_drop_fn)(struct lru_entry *le, void *arg);

struct lru;

/*
 * Create a cache holding at most capacity (>= 1) entries. drop is called
 * with arg for every entry removed by the cache itself. NULL on ENOMEM.
 */
struct lru	*lru_create(size_t capacity, lru_drop_fn drop, void *arg);

/* Drop every entry (pinned or not) through drop, then free the cache. */
void		 lru_destroy(struct lru *lru);

/*
 * Find key. A hit moves to the front and is returned. An expired entry
 * (now_ms >= expiry) that is not pinned is dropped and reported as a
 * miss; an expired pinned one is still returned. NULL on a miss.
 * O(1) expected.
 */
struct lru_entry *lru_lookup(struct lru *lru, const void *key, size_t keylen,
		    uint64_t now_ms);

/*
 * Insert le (not yet in any cache) under key (keylen <= LRU_KEYMAX, not
 * present) at the front, with no expiry and no pins. To make room it
 * drops unpinned entries from the tail. Returns 0, or -1 when every entry
 * is pinned (le is then not inserted).
 */
int		 lru_insert(struct lru *lru, struct lru_entry *le,
		    const void *key, size_t keylen);

/*
 * Hints that key is about to be looked up, given in this order a few
 * lookups apart, so that each finds in the processor's cache what the
 * one before started loading. None changes anything.
 *   lru_prefetch_set(): the memo set that points to key's entry.
 *   lru_prefetch(): the first span (> 0) bytes of the entries the set points
 *   to (the struct the entry is the first member of).
 *   lru_prefetch_peek(): key's entry when the memo holds it, else NULL;
 *   its neighbours in recency order, which the lookup relinks, start
 *   loading.
 */
void		 lru_prefetch_set(const struct lru *lru, const void *key,
		    size_t keylen);
void		 lru_prefetch(const struct lru *lru, const void *key,
		    size_t keylen, size_t span);
const struct lru_entry *lru_prefetch_peek(const struct lru *lru,
		    const void *key, size_t keylen);

/* Unlink le without calling drop; the caller owns it again. */
void		 lru_remove(struct lru *lru, struct lru_entry *le);

/* Pinned entries are never dropped by eviction or expiry. Counted. */
void		 lru_pin(struct lru_entry *le);
void		 lru_unpin(struct lru_entry *le);

void		 lru_set_expiry(struct lru_entry *le, uint64_t expires_ms);
uint64_t	 lru_expiry(const struct lru_entry *le);
size_t		 lru_count(const struct lru *lru);
size_t		 lru_capacity(const struct lru *lru);
/* Number of entries dropped by eviction since creation. */
uint64_t	 lru_evictions(const struct lru *lru);

/*
 * Visit every entry from most to least recently used. fn must not
 * insert or remove entries.
 */
void		 lru_foreach(struct lru *lru,
		    void (*fn)(struct lru_entry *le, void *arg), void *arg);

#endif /* LRU_H */
