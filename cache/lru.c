/*
 * lru: a bounded map from a short binary key to a caller-owned entry.
 *
 * Every live entry is in exactly two structures at once: the red-black
 * tree lr_tree, ordered by (keylen, key bytes), and the recency list
 * lr_recency, most recently used at the head. lr_count is the length of
 * both and never exceeds lr_capacity. The cache never allocates per
 * entry: the links live in the struct lru_entry the caller embeds.
 */

#include <sys/queue.h>
#include <sys/tree.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lru.h"

struct lru {
	RB_HEAD(lru_tree, lru_entry)	 lr_tree;
	TAILQ_HEAD(lru_list, lru_entry)	 lr_recency;
	size_t				 lr_count;
	size_t				 lr_capacity;
	uint64_t			 lr_evictions;
	lru_drop_fn			 lr_drop;
	void				*lr_arg;
};

static int	lru_entry_cmp(const struct lru_entry *,
		    const struct lru_entry *);

/*
 * libbsd 0.11.7 cannot expand the _STATIC variants (DESIGN.md pitfall 21),
 * so the generated tree functions are extern, under the lru_tree prefix.
 */
RB_PROTOTYPE(lru_tree, lru_entry, le_tree, lru_entry_cmp)
RB_GENERATE(lru_tree, lru_entry, le_tree, lru_entry_cmp)

/* Shorter keys sort first; keys of equal length compare bytewise. */
static int
lru_entry_cmp(const struct lru_entry *a, const struct lru_entry *b)
{
	size_t	i;

	if (a->le_keylen != b->le_keylen)
		return a->le_keylen < b->le_keylen ? -1 : 1;
	/* Keys are short and differ early: a loop beats a memcmp call. */
	for (i = 0; i < a->le_keylen; i++)
		if (a->le_key[i] != b->le_key[i])
			return a->le_key[i] < b->le_key[i] ? -1 : 1;
	return 0;
}

/* Take le out of both structures. The caller decides whether to drop. */
static void
lru_unlink(struct lru *lru, struct lru_entry *le)
{
	RB_REMOVE(lru_tree, &lru->lr_tree, le);
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

	if (capacity == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((lru = calloc(1, sizeof(*lru))) == NULL)
		return NULL;
	RB_INIT(&lru->lr_tree);
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
	free(lru);
}

struct lru_entry *
lru_lookup(struct lru *lru, const void *key, size_t keylen, uint64_t now_ms)
{
	struct lru_entry	 find, *le;

	if (keylen > LRU_KEYMAX)
		return NULL;
	find.le_keylen = (uint8_t)keylen;
	memcpy(find.le_key, key, keylen);
	if ((le = RB_FIND(lru_tree, &lru->lr_tree, &find)) == NULL)
		return NULL;
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
	if (RB_FIND(lru_tree, &lru->lr_tree, le) != NULL) {
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
	RB_INSERT(lru_tree, &lru->lr_tree, le);
	TAILQ_INSERT_HEAD(&lru->lr_recency, le, le_recency);
	lru->lr_count++;
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
