/*
 * Unit tests for cache/lru.c: recency order, pinning, expiry, the drop
 * callback contract, and a randomized run against a reference model.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "lru.h"

#define NREC		256
#define REC(le)		\
	((struct rec *)((char *)(le) - offsetof(struct rec, r_le)))

/* A caller record; the drop callback counts how often each one is dropped. */
struct rec {
	struct lru_entry	r_le;
	int			r_id;
	int			r_in_cache;
	int			r_drops;
};

static struct rec	recs[NREC];
static int		total_drops;

static void
drop_cb(struct lru_entry *le, void *arg)
{
	struct rec	*r = REC(le);

	cr_assert_eq(arg, (void *)&recs, "drop got the wrong argument");
	cr_assert(r->r_in_cache, "rec %d dropped while not cached", r->r_id);
	r->r_in_cache = 0;
	r->r_drops++;
	total_drops++;
}

static void
setup(void)
{
	int	 i;

	memset(recs, 0, sizeof(recs));
	for (i = 0; i < NREC; i++)
		recs[i].r_id = i;
	total_drops = 0;
}

TestSuite(lru, .init = setup);

/* Insert recs[id] under the 4-byte key id; asserts success. */
static void
put(struct lru *lru, int id)
{
	uint32_t	 key = (uint32_t)id;

	cr_assert_eq(lru_insert(lru, &recs[id].r_le, &key, sizeof(key)), 0,
	    "insert %d failed", id);
	recs[id].r_in_cache = 1;
}

static struct rec *
get(struct lru *lru, int id, uint64_t now_ms)
{
	uint32_t		 key = (uint32_t)id;
	struct lru_entry	*le;

	le = lru_lookup(lru, &key, sizeof(key), now_ms);
	return le == NULL ? NULL : REC(le);
}

struct order {
	int	o_ids[NREC];
	int	o_n;
};

static void
collect(struct lru_entry *le, void *arg)
{
	struct order	*o = arg;

	o->o_ids[o->o_n++] = REC(le)->r_id;
}

static void
expect_order(struct lru *lru, const int *ids, int n)
{
	struct order	 o;
	int		 i;

	o.o_n = 0;
	lru_foreach(lru, collect, &o);
	cr_assert_eq(o.o_n, n, "foreach visited %d, want %d", o.o_n, n);
	for (i = 0; i < n; i++)
		cr_expect_eq(o.o_ids[i], ids[i], "position %d: %d, want %d",
		    i, o.o_ids[i], ids[i]);
}

Test(lru, create_rejects_zero_capacity)
{
	cr_assert_null(lru_create(0, drop_cb, recs));
}

Test(lru, evicts_least_recently_used)
{
	struct lru	*lru = lru_create(3, drop_cb, recs);

	put(lru, 1);
	put(lru, 2);
	put(lru, 3);
	put(lru, 4);
	cr_expect_eq(recs[1].r_drops, 1);
	cr_expect_null(get(lru, 1, 0));
	put(lru, 5);
	cr_expect_eq(recs[2].r_drops, 1);
	cr_expect_eq(lru_count(lru), 3);
	cr_expect_eq(lru_capacity(lru), 3);
	cr_expect_eq(lru_evictions(lru), 2);
	lru_destroy(lru);
}

Test(lru, lookup_refreshes_recency)
{
	struct lru	*lru = lru_create(3, drop_cb, recs);

	put(lru, 1);
	put(lru, 2);
	put(lru, 3);
	cr_assert_eq(get(lru, 1, 0), &recs[1]);
	put(lru, 4);
	cr_expect_eq(recs[2].r_drops, 1, "2 was least recently used");
	cr_expect_eq(recs[1].r_drops, 0, "1 was refreshed by the lookup");
	cr_expect_eq(get(lru, 1, 0), &recs[1]);
	lru_destroy(lru);
}

/*
 * The prefetch hints change nothing, and the peek finds only the entry
 * of its own key: one the memo holds after a lookup, never another.
 */
Test(lru, prefetch_hints_change_nothing)
{
	struct lru	*lru = lru_create(256, drop_cb, recs);
	struct order	 before, after;
	uint32_t	 key;
	int		 id, found = 0;
	const struct lru_entry *le;

	for (id = 0; id < 200; id++)
		put(lru, id);
	for (id = 0; id < 200; id += 2)
		cr_assert_eq(get(lru, id, 0), &recs[id]);
	before.o_n = 0;
	lru_foreach(lru, collect, &before);
	for (id = 0; id < 220; id++) {
		key = (uint32_t)id;
		lru_prefetch_set(lru, &key, sizeof(key));
		lru_prefetch(lru, &key, sizeof(key), sizeof(struct rec));
		le = lru_prefetch_peek(lru, &key, sizeof(key));
		cr_assert(le == NULL || le == &recs[id].r_le,
		    "peek of %d found another entry", id);
		if (id >= 200)
			cr_assert_null(le, "peek of %d, never inserted", id);
		found += le != NULL;
	}
	cr_expect_geq(found, 50, "the memo held %d of 100 looked up", found);
	after.o_n = 0;
	lru_foreach(lru, collect, &after);
	cr_assert_eq(after.o_n, before.o_n);
	cr_expect_eq(memcmp(after.o_ids, before.o_ids,
	    sizeof(int) * (size_t)before.o_n), 0, "recency order changed");
	cr_expect_eq(lru_evictions(lru), 0);
	lru_destroy(lru);
}

Test(lru, foreach_most_recent_first)
{
	struct lru	*lru = lru_create(4, drop_cb, recs);
	const int	 want[] = { 2, 4, 3, 1 };

	put(lru, 1);
	put(lru, 2);
	put(lru, 3);
	put(lru, 4);
	cr_assert_not_null(get(lru, 2, 0));
	expect_order(lru, want, 4);
	lru_destroy(lru);
}

Test(lru, pinned_entries_survive_eviction)
{
	struct lru	*lru = lru_create(3, drop_cb, recs);
	const int	 want[] = { 5, 2, 1 };

	put(lru, 1);
	put(lru, 2);
	put(lru, 3);
	lru_pin(&recs[1].r_le);
	lru_pin(&recs[2].r_le);
	put(lru, 4);
	cr_expect_eq(recs[3].r_drops, 1, "only 3 was unpinned");
	cr_expect_eq(recs[1].r_drops + recs[2].r_drops, 0);
	put(lru, 5);
	cr_expect_eq(recs[4].r_drops, 1);
	expect_order(lru, want, 3);
	lru_unpin(&recs[1].r_le);
	put(lru, 6);
	cr_expect_eq(recs[1].r_drops, 1, "1 is evictable once unpinned");
	cr_expect_eq(lru_evictions(lru), 3);
	lru_destroy(lru);
}

Test(lru, pins_are_counted)
{
	struct lru	*lru = lru_create(1, drop_cb, recs);
	uint32_t	 key = 9;

	put(lru, 1);
	lru_pin(&recs[1].r_le);
	lru_pin(&recs[1].r_le);
	lru_unpin(&recs[1].r_le);
	cr_expect_eq(lru_insert(lru, &recs[9].r_le, &key, sizeof(key)), -1);
	lru_unpin(&recs[1].r_le);
	put(lru, 9);
	cr_expect_eq(recs[1].r_drops, 1);
	lru_destroy(lru);
}

Test(lru, insert_fails_when_all_pinned)
{
	struct lru	*lru = lru_create(2, drop_cb, recs);
	uint32_t	 key = 3;

	put(lru, 1);
	put(lru, 2);
	lru_pin(&recs[1].r_le);
	lru_pin(&recs[2].r_le);
	cr_expect_eq(lru_insert(lru, &recs[3].r_le, &key, sizeof(key)), -1);
	cr_expect_eq(lru_count(lru), 2);
	cr_expect_eq(total_drops, 0);
	cr_expect_null(get(lru, 3, 0), "failed insert must not be visible");
	cr_expect_eq(lru_evictions(lru), 0);
	lru_destroy(lru);
	cr_expect_eq(total_drops, 2, "destroy drops pinned entries too");
}

Test(lru, expiry_boundary)
{
	struct lru	*lru = lru_create(4, drop_cb, recs);

	put(lru, 1);
	cr_expect_eq(lru_expiry(&recs[1].r_le), UINT64_MAX);
	lru_set_expiry(&recs[1].r_le, 1000);
	cr_expect_eq(lru_expiry(&recs[1].r_le), 1000);
	cr_expect_eq(get(lru, 1, 999), &recs[1]);
	cr_expect_eq(recs[1].r_drops, 0);
	cr_expect_null(get(lru, 1, 1000), "now == expires is expired");
	cr_expect_eq(recs[1].r_drops, 1);
	cr_expect_eq(lru_count(lru), 0);
	cr_expect_null(get(lru, 1, 1000));
	cr_expect_eq(recs[1].r_drops, 1, "dropped exactly once");
	cr_expect_eq(lru_evictions(lru), 0, "expiry is not eviction");
	lru_destroy(lru);
	cr_expect_eq(total_drops, 1);
}

Test(lru, pinned_entry_survives_expiry)
{
	struct lru	*lru = lru_create(4, drop_cb, recs);

	put(lru, 1);
	lru_set_expiry(&recs[1].r_le, 10);
	lru_pin(&recs[1].r_le);
	cr_expect_eq(get(lru, 1, 50), &recs[1], "expired but pinned");
	lru_unpin(&recs[1].r_le);
	cr_expect_null(get(lru, 1, 50));
	cr_expect_eq(recs[1].r_drops, 1);
	lru_destroy(lru);
}

Test(lru, remove_does_not_drop)
{
	struct lru	*lru = lru_create(4, drop_cb, recs);
	const int	 want[] = { 3, 1 };

	put(lru, 1);
	put(lru, 2);
	put(lru, 3);
	lru_remove(lru, &recs[2].r_le);
	recs[2].r_in_cache = 0;
	cr_expect_eq(lru_count(lru), 2);
	cr_expect_null(get(lru, 2, 0));
	expect_order(lru, want, 2);
	put(lru, 2);
	cr_expect_eq(get(lru, 2, 0), &recs[2], "a removed entry can return");
	lru_destroy(lru);
	cr_expect_eq(recs[2].r_drops, 1);
	cr_expect_eq(total_drops, 3);
}

/*
 * An entry found recently (so held by the memo in front of the table)
 * and then removed or evicted is not found again; the one that took
 * its place is.
 */
Test(lru, found_then_gone_is_not_found)
{
	struct lru	*lru = lru_create(3, drop_cb, recs);
	int		 i;

	for (i = 1; i <= 3; i++)
		put(lru, i);
	for (i = 1; i <= 3; i++)
		cr_expect_eq(get(lru, i, 0), &recs[i]);
	lru_remove(lru, &recs[2].r_le);
	recs[2].r_in_cache = 0;
	cr_expect_null(get(lru, 2, 0));
	put(lru, 4);
	put(lru, 5);			/* evicts 1 */
	cr_expect_eq(recs[1].r_drops, 1);
	cr_expect_null(get(lru, 1, 0));
	cr_expect_eq(get(lru, 3, 0), &recs[3]);
	cr_expect_eq(get(lru, 5, 0), &recs[5]);
	lru_destroy(lru);
}

/*
 * A cache of two has one memo set: both entries sit in it once found,
 * one in each way. Removing either (the one found last, then the
 * other) forgets it alone.
 */
Test(lru, memo_set_forgets_either_way)
{
	struct lru	*lru = lru_create(2, drop_cb, recs);
	int		 gone;

	for (gone = 1; gone <= 2; gone++) {
		put(lru, 1);
		put(lru, 2);
		cr_expect_eq(get(lru, 1, 0), &recs[1]);
		cr_expect_eq(get(lru, 2, 0), &recs[2]);
		lru_remove(lru, &recs[gone].r_le);
		recs[gone].r_in_cache = 0;
		cr_expect_null(get(lru, gone, 0), "removed %d is found", gone);
		cr_expect_eq(get(lru, 3 - gone, 0), &recs[3 - gone]);
		lru_remove(lru, &recs[3 - gone].r_le);
		recs[3 - gone].r_in_cache = 0;
		cr_expect_null(get(lru, 3 - gone, 0));
	}
	lru_destroy(lru);
	cr_expect_eq(total_drops, 0);
}

/*
 * Full-length keys that differ in one byte, whichever, are two keys, even
 * side by side in the one memo set of a cache of two.
 */
Test(lru, full_keys_differ_in_any_byte)
{
	struct lru	*lru = lru_create(2, drop_cb, recs);
	uint8_t		 k[LRU_KEYMAX], other[LRU_KEYMAX];
	size_t		 i;

	memset(k, 0xa5, sizeof(k));
	cr_assert_eq(lru_insert(lru, &recs[0].r_le, k, sizeof(k)), 0);
	recs[0].r_in_cache = 1;
	for (i = 0; i < LRU_KEYMAX; i++) {
		memcpy(other, k, sizeof(k));
		other[i] ^= 0x10;
		cr_expect_eq(lru_lookup(lru, k, sizeof(k), 0), &recs[0].r_le);
		cr_expect_null(lru_lookup(lru, other, sizeof(other), 0),
		    "byte %zu ignored", i);
		cr_assert_eq(lru_insert(lru, &recs[1].r_le, other,
		    sizeof(other)), 0);
		recs[1].r_in_cache = 1;
		cr_expect_eq(lru_lookup(lru, other, sizeof(other), 0),
		    &recs[1].r_le, "byte %zu", i);
		cr_expect_eq(lru_lookup(lru, k, sizeof(k), 0), &recs[0].r_le,
		    "byte %zu", i);
		lru_remove(lru, &recs[1].r_le);
		recs[1].r_in_cache = 0;
	}
	lru_destroy(lru);
}

Test(lru, destroy_drops_each_entry_once)
{
	struct lru	*lru = lru_create(8, drop_cb, recs);
	int		 i;

	for (i = 0; i < 8; i++)
		put(lru, i);
	lru_pin(&recs[3].r_le);
	lru_destroy(lru);
	for (i = 0; i < 8; i++)
		cr_expect_eq(recs[i].r_drops, 1, "rec %d dropped %d times",
		    i, recs[i].r_drops);
	cr_expect_eq(total_drops, 8);
}

Test(lru, capacity_one)
{
	struct lru	*lru = lru_create(1, drop_cb, recs);

	put(lru, 1);
	cr_expect_eq(get(lru, 1, 0), &recs[1]);
	put(lru, 2);
	cr_expect_eq(recs[1].r_drops, 1);
	cr_expect_null(get(lru, 1, 0));
	cr_expect_eq(get(lru, 2, 0), &recs[2]);
	cr_expect_eq(lru_count(lru), 1);
	lru_destroy(lru);
	cr_expect_eq(total_drops, 2);
}

Test(lru, keys_differ_by_length_and_bytes)
{
	struct lru	*lru = lru_create(8, drop_cb, recs);
	uint8_t		 k[LRU_KEYMAX + 1];

	memset(k, 0, sizeof(k));
	cr_assert_eq(lru_insert(lru, &recs[0].r_le, k, 4), 0);
	cr_assert_eq(lru_insert(lru, &recs[1].r_le, k, LRU_KEYMAX), 0);
	cr_assert_eq(lru_insert(lru, &recs[2].r_le, k, 0), 0);
	recs[0].r_in_cache = recs[1].r_in_cache = recs[2].r_in_cache = 1;
	cr_expect_eq(lru_insert(lru, &recs[3].r_le, k, 4), -1, "duplicate");
	cr_expect_eq(lru_insert(lru, &recs[3].r_le, k, LRU_KEYMAX + 1), -1);
	cr_expect_eq(REC(lru_lookup(lru, k, 4, 0)), &recs[0]);
	cr_expect_eq(REC(lru_lookup(lru, k, LRU_KEYMAX, 0)), &recs[1]);
	cr_expect_eq(REC(lru_lookup(lru, k, 0, 0)), &recs[2]);
	cr_expect_null(lru_lookup(lru, k, 5, 0));
	cr_expect_null(lru_lookup(lru, k, LRU_KEYMAX + 1, 0));
	cr_expect_eq(lru_count(lru), 3);
	lru_destroy(lru);
}

/*
 * Reference model: an unordered array of live keys with a use stamp.
 * Lookups and eviction are linear scans, obviously correct.
 */
#define MODEL_CAP	37
#define MODEL_KEYS	NREC
#define MODEL_OPS	100000

struct slot {
	int		s_key;
	uint64_t	s_stamp;
	uint64_t	s_expires;
	unsigned	s_pins;
};

struct model {
	struct slot	m_slot[MODEL_CAP];
	int		m_n;
	uint64_t	m_tick;
	uint64_t	m_evictions;
	uint64_t	m_expired;
	uint64_t	m_full;		/* inserts refused: all pinned */
};

static int
model_find(struct model *m, int key)
{
	int	 i;

	for (i = 0; i < m->m_n; i++)
		if (m->m_slot[i].s_key == key)
			return i;
	return -1;
}

static void
model_del(struct model *m, int i)
{
	m->m_slot[i] = m->m_slot[--m->m_n];
}

/* Returns the slot index of a hit, or -1 on a miss. */
static int
model_lookup(struct model *m, int key, uint64_t now)
{
	int	 i;

	if ((i = model_find(m, key)) == -1)
		return -1;
	if (now >= m->m_slot[i].s_expires && m->m_slot[i].s_pins == 0) {
		model_del(m, i);
		m->m_expired++;
		return -1;
	}
	m->m_slot[i].s_stamp = ++m->m_tick;
	return i;
}

static int
model_insert(struct model *m, int key)
{
	int	 i, victim = -1;

	if (m->m_n == MODEL_CAP) {
		for (i = 0; i < m->m_n; i++)
			if (m->m_slot[i].s_pins == 0 && (victim == -1 ||
			    m->m_slot[i].s_stamp < m->m_slot[victim].s_stamp))
				victim = i;
		if (victim == -1) {
			m->m_full++;
			return -1;
		}
		model_del(m, victim);
		m->m_evictions++;
	}
	m->m_slot[m->m_n].s_key = key;
	m->m_slot[m->m_n].s_stamp = ++m->m_tick;
	m->m_slot[m->m_n].s_expires = UINT64_MAX;
	m->m_slot[m->m_n].s_pins = 0;
	return m->m_n++;
}

/* xorshift64: deterministic, so a failure reproduces. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Apply one random pin, unpin or expiry change to hit slot i of key. */
static void
mutate(struct model *m, int i, int key, uint64_t now, uint64_t *seed)
{
	switch (rnd(seed) % 8) {
	case 0:
		if (m->m_slot[i].s_pins < 2) {
			m->m_slot[i].s_pins++;
			lru_pin(&recs[key].r_le);
		}
		break;
	case 1:
		if (m->m_slot[i].s_pins > 0) {
			m->m_slot[i].s_pins--;
			lru_unpin(&recs[key].r_le);
		}
		break;
	case 2:
		m->m_slot[i].s_expires = now + rnd(seed) % 40;
		lru_set_expiry(&recs[key].r_le, m->m_slot[i].s_expires);
		break;
	default:
		break;
	}
}

/*
 * Unpin one random cached entry, as a finished lookup would. Without
 * this, pinned entries (only rarely looked up again) fill the cache.
 */
static void
release(struct model *m, uint64_t *seed)
{
	int	 i;

	if (m->m_n == 0)
		return;
	i = (int)(rnd(seed) % (uint64_t)m->m_n);
	if (m->m_slot[i].s_pins > 0) {
		m->m_slot[i].s_pins--;
		lru_unpin(&recs[m->m_slot[i].s_key].r_le);
	}
}

/* One lookup-or-insert step on both the cache and the model. */
static void
step(struct lru *lru, struct model *m, int op, uint64_t now, uint64_t *seed)
{
	struct rec	*got;
	uint32_t	 key32;
	int		 key, i, rc;

	key = (int)(rnd(seed) % MODEL_KEYS);
	key32 = (uint32_t)key;
	got = get(lru, key, now);
	i = model_lookup(m, key, now);
	cr_assert_eq(got != NULL, i != -1, "op %d key %d: cache %s, model %s",
	    op, key, got ? "hit" : "miss", i != -1 ? "hit" : "miss");
	if (i == -1) {
		i = model_insert(m, key);
		rc = lru_insert(lru, &recs[key].r_le, &key32, sizeof(key32));
		cr_assert_eq(rc == 0, i != -1, "op %d key %d: insert %d",
		    op, key, rc);
		if (rc == 0)
			recs[key].r_in_cache = 1;
		if (i != -1)
			m->m_slot[i].s_expires = UINT64_MAX;
	} else
		cr_assert_eq(got, &recs[key]);
	if (i != -1)
		mutate(m, i, key, now, seed);
	cr_assert_eq(lru_count(lru), (size_t)m->m_n, "op %d: count", op);
	cr_assert_leq(lru_count(lru), (size_t)MODEL_CAP);
	cr_assert_eq(lru_evictions(lru), m->m_evictions, "op %d", op);
}

Test(lru, randomized_against_model, .timeout = 60)
{
	struct lru	*lru = lru_create(MODEL_CAP, drop_cb, recs);
	struct model	 m;
	struct order	 o;
	uint64_t	 seed = 0x9e3779b97f4a7c15ULL, now = 0;
	int		 op, i, live, drops;

	memset(&m, 0, sizeof(m));
	cr_assert_not_null(lru);
	for (op = 0; op < MODEL_OPS; op++) {
		now += rnd(&seed) % 3;
		step(lru, &m, op, now, &seed);
		if (rnd(&seed) % 6 == 0)
			release(&m, &seed);
	}

	/* The final recency order must match the model's use stamps. */
	o.o_n = 0;
	lru_foreach(lru, collect, &o);
	cr_assert_eq(o.o_n, m.m_n);
	for (i = 1; i < o.o_n; i++)
		cr_assert_gt(m.m_slot[model_find(&m, o.o_ids[i - 1])].s_stamp,
		    m.m_slot[model_find(&m, o.o_ids[i])].s_stamp);

	/* Every record was dropped exactly as often as it left the cache. */
	drops = total_drops;
	live = (int)lru_count(lru);
	lru_destroy(lru);
	cr_expect_eq(total_drops, drops + live);
	for (i = 0; i < NREC; i++)
		cr_expect_eq(recs[i].r_in_cache, 0);
	cr_expect_eq((uint64_t)total_drops, m.m_evictions + m.m_expired + live);
	cr_expect_gt(m.m_evictions, 0, "the run should exercise eviction");
	cr_expect_gt(m.m_expired, 0, "the run should exercise expiry");
	cr_expect_gt(m.m_full, 0, "the run should fill the cache with pins");
}
