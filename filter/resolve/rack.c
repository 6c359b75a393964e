/*
 * rack: see rack.h.
 *
 * Invariants:
 * - rk_unpassed holds, in send order (rising rs_seq), exactly the
 *   watched queries sent and not yet done whose number is after
 *   rk_answered: rack_done() pops the passed ones from its head.
 * - rs_listed is 1 exactly while rs is on rk_unpassed.
 */
#include <string.h>

#include "rack.h"

/* a was sent after b (serial number arithmetic). */
static int
after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

void
rack_init(struct rack *rk)
{
	memset(rk, 0, sizeof(*rk));
	TAILQ_INIT(&rk->rk_unpassed);
}

uint32_t
rack_sent(struct rack *rk, struct rack_sent *rs, uint64_t now, int watch)
{
	rs->rs_seq = ++rk->rk_seq;
	rs->rs_sent_ms = now;
	rs->rs_listed = watch;
	if (watch)
		TAILQ_INSERT_TAIL(&rk->rk_unpassed, rs, rs_entry);
	return rs->rs_seq;
}

void
rack_done(struct rack *rk, struct rack_sent *rs, uint64_t replied)
{
	struct rack_sent	*old;

	if (rs->rs_listed) {
		TAILQ_REMOVE(&rk->rk_unpassed, rs, rs_entry);
		rs->rs_listed = 0;
	}
	if (replied == 0 || !after(rs->rs_seq, rk->rk_answered))
		return;
	rk->rk_answered = rs->rs_seq;
	rk->rk_rtt_ms = replied > rs->rs_sent_ms ? replied - rs->rs_sent_ms : 0;
	while ((old = TAILQ_FIRST(&rk->rk_unpassed)) != NULL &&
	    !after(old->rs_seq, rk->rk_answered)) {
		TAILQ_REMOVE(&rk->rk_unpassed, old, rs_entry);
		old->rs_listed = 0;
	}
}

int
rack_passed(const struct rack *rk, uint32_t seq)
{
	return after(rk->rk_answered, seq);
}

uint32_t
rack_answered(const struct rack *rk)
{
	return rk->rk_answered;
}

uint64_t
rack_rtt_ms(const struct rack *rk)
{
	return rk->rk_rtt_ms;
}

int64_t
rack_probe_wait(const struct rack *rk, uint64_t now, uint32_t wait)
{
	const struct rack_sent	*old;
	uint64_t		 due;

	if (rk->rk_probing || (old = TAILQ_FIRST(&rk->rk_unpassed)) == NULL)
		return -1;
	/* A probe sent after it already told: it was lost. */
	if (rk->rk_probed && after(rk->rk_probe_seq, old->rs_seq))
		return -1;
	due = old->rs_sent_ms + wait;
	return due > now ? (int64_t)(due - now) : 0;
}

void
rack_probe_sent(struct rack *rk, const struct rack_sent *rs)
{
	rk->rk_probing = 1;
	rk->rk_probed = 1;
	rk->rk_probe_seq = rs->rs_seq;
}

void
rack_probe_done(struct rack *rk, struct rack_sent *rs, uint64_t replied)
{
	rk->rk_probing = 0;
	rack_done(rk, rs, replied);
}
