/*
 * ratelimit: see ratelimit.h.
 */
#include "ratelimit.h"

#define RATELIMIT_UNIT	1000	/* one query, in thousandths */

void
ratelimit_init(struct ratelimit *rl, uint32_t qps, uint64_t now_ms)
{
	rl->rl_qps = qps;
	rl->rl_tokens = (int64_t)qps * RATELIMIT_UNIT;
	rl->rl_last_ms = now_ms;
}

int
ratelimit_allow(struct ratelimit *rl, uint64_t now_ms)
{
	int64_t	 full = (int64_t)rl->rl_qps * RATELIMIT_UNIT;

	if (rl->rl_qps == 0)
		return 1;
	/* qps tokens a second is qps thousandths a millisecond. */
	rl->rl_tokens += (int64_t)((now_ms - rl->rl_last_ms) * rl->rl_qps);
	rl->rl_last_ms = now_ms;
	if (rl->rl_tokens > full)
		rl->rl_tokens = full;
	return rl->rl_tokens >= RATELIMIT_UNIT;
}

void
ratelimit_spend(struct ratelimit *rl)
{
	rl->rl_tokens -= RATELIMIT_UNIT;
}
