/*
 * lame: see lame.h.
 *
 * Invariants:
 * - An unused slot is all zero. A used slot holds a zone with at least
 *   one loss since its last reply (a reply frees the slot); lm_used
 *   counts them, so that an empty table costs no scan.
 * - lz_nlost < LAME_LOSSES while !lz_dead; lz_lost[0..lz_nlost) are
 *   distinct.
 * - lz_probing only while lz_dead: at most one probe per zone.
 */
#include <sys/socket.h>

#include <string.h>

#include "lame.h"

/* The zone's key: the family, then the /24 or the /48. */
static void
zone_key(const struct ipaddr *ia, uint8_t key[LAME_KEYLEN])
{
	memset(key, 0, LAME_KEYLEN);
	key[0] = ia->ia_family;
	memcpy(key + 1, ia->ia_bytes, ia->ia_family == AF_INET ? 3 : 6);
}

/* FNV-1a over the address: tells distinct losses apart. */
static uint32_t
addr_hash(const struct ipaddr *ia)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	h = (h ^ ia->ia_family) * 16777619u;
	for (i = 0; i < sizeof(ia->ia_bytes); i++)
		h = (h ^ ia->ia_bytes[i]) * 16777619u;
	return h;
}

static struct lame_zone *
zone_find(struct lame *lm, const struct ipaddr *ia)
{
	uint8_t		key[LAME_KEYLEN];
	unsigned int	i;

	if (lm->lm_used == 0)
		return NULL;
	zone_key(ia, key);
	for (i = 0; i < LAME_MAX; i++)
		if (lm->lm_zones[i].lz_used &&
		    memcmp(lm->lm_zones[i].lz_key, key, LAME_KEYLEN) == 0)
			return &lm->lm_zones[i];
	return NULL;
}

/* A new zone for ia, in a free slot or the one touched least recently. */
static struct lame_zone *
zone_make(struct lame *lm, const struct ipaddr *ia)
{
	struct lame_zone	*z, *old = &lm->lm_zones[0];
	unsigned int		 i;

	for (i = 0; i < LAME_MAX; i++) {
		z = &lm->lm_zones[i];
		if (!z->lz_used) {
			old = z;
			break;
		}
		if (z->lz_touched_ms < old->lz_touched_ms)
			old = z;
	}
	if (!old->lz_used)
		lm->lm_used++;
	memset(old, 0, sizeof(*old));
	old->lz_used = 1;
	zone_key(ia, old->lz_key);
	return old;
}

void
lame_init(struct lame *lm, uint64_t hold_ms)
{
	memset(lm, 0, sizeof(*lm));
	lm->lm_hold_ms = hold_ms;
}

enum lame_say
lame_check(struct lame *lm, const struct ipaddr *ia, uint64_t now)
{
	struct lame_zone	*z;

	if (lm->lm_hold_ms == 0 || (z = zone_find(lm, ia)) == NULL ||
	    !z->lz_dead)
		return LAME_ASK;
	z->lz_touched_ms = now;
	if (now < z->lz_until_ms || z->lz_probing)
		return LAME_SKIP;
	z->lz_probing = 1;
	return LAME_PROBE;
}

void
lame_answered(struct lame *lm, const struct ipaddr *ia)
{
	struct lame_zone	*z;

	if ((z = zone_find(lm, ia)) != NULL) {
		memset(z, 0, sizeof(*z));
		lm->lm_used--;
	}
}

int
lame_lost(struct lame *lm, const struct ipaddr *ia, uint64_t started,
    uint64_t now)
{
	struct lame_zone	*z;
	uint32_t		 h;
	unsigned int		 i;

	if (lm->lm_hold_ms == 0)
		return 0;
	if ((z = zone_find(lm, ia)) == NULL) {
		z = zone_make(lm, ia);
		z->lz_since_ms = now;
	} else if (!z->lz_dead && started < z->lz_since_ms)
		return 0;
	z->lz_touched_ms = now;
	if (z->lz_dead) {
		/* The probe was lost: lame again, for longer. */
		if (z->lz_probing) {
			z->lz_probing = 0;
			if (z->lz_shift < LAME_SHIFT_MAX)
				z->lz_shift++;
			z->lz_until_ms = now + (lm->lm_hold_ms << z->lz_shift);
		}
		return 0;
	}
	h = addr_hash(ia);
	for (i = 0; i < z->lz_nlost; i++)
		if (z->lz_lost[i] == h)
			return 0;
	z->lz_lost[z->lz_nlost++] = h;
	if (z->lz_nlost < LAME_LOSSES)
		return 0;
	z->lz_dead = 1;
	z->lz_until_ms = now + lm->lm_hold_ms;
	return 1;
}

void
lame_void(struct lame *lm, const struct ipaddr *ia)
{
	struct lame_zone	*z;

	if ((z = zone_find(lm, ia)) != NULL)
		z->lz_probing = 0;
}

unsigned int
lame_count(const struct lame *lm)
{
	unsigned int	i, n = 0;

	for (i = 0; i < LAME_MAX; i++)
		if (lm->lm_zones[i].lz_dead)
			n++;
	return n;
}
