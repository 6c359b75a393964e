/*
 * health: see health.h.
 *
 * Invariants:
 * - he_state is HEALTH_UP whenever a reply arrived after the last probe
 *   loss; only health_probe_lost() ever enters HEALTH_DOWN.
 * - he_probe_at_ms is meaningful only outside HEALTH_UP; in HEALTH_DOWN
 *   it is the last probe loss plus he_interval_ms.
 * - he_interval_ms is 0 outside HEALTH_DOWN, and within
 *   [HEALTH_BACKOFF_MIN_MS, HEALTH_BACKOFF_MAX_MS] inside it.
 */
#include <string.h>

#include "health.h"

void
health_init(struct health *h, uint64_t lifetime_ms)
{
	memset(h, 0, sizeof(*h));
	h->he_state = HEALTH_UP;
	h->he_lifetime_ms = lifetime_ms;
}

void
health_reply(struct health *h, uint64_t now_ms)
{
	h->he_reply_ms = now_ms;
	h->he_state = HEALTH_UP;
	h->he_interval_ms = 0;
}

void
health_lost(struct health *h, uint64_t now_ms)
{
	if (h->he_state != HEALTH_UP)
		return;
	/* Some reply within the last lifetime: the server is there. */
	if (h->he_reply_ms != 0 && now_ms - h->he_reply_ms < h->he_lifetime_ms)
		return;
	h->he_state = HEALTH_SUSPECT;
	h->he_probe_at_ms = now_ms;
}

int
health_probe_due(const struct health *h, uint64_t now_ms)
{
	return h->he_state != HEALTH_UP && !h->he_probing &&
	    now_ms >= h->he_probe_at_ms;
}

void
health_probe_sent(struct health *h, uint64_t now_ms)
{
	h->he_probing = 1;
	h->he_probe_sent_ms = now_ms;
}

void
health_probe_answered(struct health *h, uint64_t now_ms)
{
	h->he_probing = 0;
	health_reply(h, now_ms);
}

int
health_probe_lost(struct health *h, uint64_t now_ms)
{
	int	started = 0;

	h->he_probing = 0;
	/* A reply since the probe went out: reachable after all. */
	if (h->he_reply_ms != 0 && h->he_reply_ms >= h->he_probe_sent_ms)
		return 0;
	switch (h->he_state) {
	case HEALTH_UP:
		return 0;
	case HEALTH_SUSPECT:
		h->he_state = HEALTH_DOWN;
		h->he_interval_ms = HEALTH_BACKOFF_MIN_MS;
		started = 1;
		break;
	case HEALTH_DOWN:
		h->he_interval_ms *= 2;
		if (h->he_interval_ms > HEALTH_BACKOFF_MAX_MS)
			h->he_interval_ms = HEALTH_BACKOFF_MAX_MS;
		break;
	}
	h->he_probe_at_ms = now_ms + h->he_interval_ms;
	return started;
}

void
health_probe_cancelled(struct health *h)
{
	h->he_probing = 0;
}

int
health_down(const struct health *h)
{
	return h->he_state == HEALTH_DOWN;
}

int64_t
health_wait_ms(const struct health *h, uint64_t now_ms)
{
	if (h->he_state == HEALTH_UP || h->he_probing)
		return -1;
	return h->he_probe_at_ms > now_ms ?
	    (int64_t)(h->he_probe_at_ms - now_ms) : 0;
}

uint64_t
health_reply_ms(const struct health *h)
{
	return h->he_reply_ms;
}

enum health_state
health_state(const struct health *h)
{
	return h->he_state;
}
