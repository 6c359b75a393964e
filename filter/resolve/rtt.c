/*
 * rtt: see rtt.h. SRTT and RTTVAR are kept scaled (x 8 and x 4) in
 * integers, as TCP implementations keep them, so the gains are shifts.
 *
 * Invariants:
 * - rt_samples == 0 until the first rtt_sample(); rt_first_ms,
 *   rt_period_ms, rt_srtt8, rt_rttvar4 and rt_max[] mean nothing before.
 * - rt_max[rt_cur] holds the slowest sample since rt_period_ms; the other
 *   entries hold earlier periods that had samples, or 0.
 */
#include <string.h>

#include "rtt.h"

/* Samples above this are clamped: no wait is ever longer than -d anyway. */
#define RTT_SAMPLE_MAX		(1u << 24)

void
rtt_init(struct rtt *rt, uint32_t floor_ms, uint32_t ceil_ms)
{
	memset(rt, 0, sizeof(*rt));
	rt->rt_floor_ms = floor_ms;
	rt->rt_ceil_ms = ceil_ms;
}

/* Open a new period when the current one has run out. */
static void
period_advance(struct rtt *rt, uint64_t now)
{
	if (now - rt->rt_period_ms < RTT_PERIOD_MS)
		return;
	rt->rt_cur = (rt->rt_cur + 1) % RTT_PERIODS;
	rt->rt_max[rt->rt_cur] = 0;
	rt->rt_period_ms = now;
}

void
rtt_sample(struct rtt *rt, uint64_t now, uint64_t took)
{
	uint32_t	r, err;

	r = took > RTT_SAMPLE_MAX ? RTT_SAMPLE_MAX : (uint32_t)took;
	rt->rt_backoff = 0;
	if (rt->rt_samples++ == 0) {
		rt->rt_first_ms = now;
		rt->rt_period_ms = now;
		rt->rt_srtt8 = r << 3;
		rt->rt_rttvar4 = r << 1;	/* R/2, x 4 */
		rt->rt_max[rt->rt_cur] = r;
		return;
	}
	/* RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|; SRTT = 7/8 SRTT + 1/8 R. */
	err = (rt->rt_srtt8 >> 3) > r ? (rt->rt_srtt8 >> 3) - r :
	    r - (rt->rt_srtt8 >> 3);
	rt->rt_rttvar4 = rt->rt_rttvar4 - (rt->rt_rttvar4 >> 2) + err;
	rt->rt_srtt8 = rt->rt_srtt8 - (rt->rt_srtt8 >> 3) + r;
	period_advance(rt, now);
	if (r > rt->rt_max[rt->rt_cur])
		rt->rt_max[rt->rt_cur] = r;
}

void
rtt_retried(struct rtt *rt)
{
	if (rt->rt_backoff < RTT_BACKOFF_MAX)
		rt->rt_backoff++;
}

uint32_t
rtt_max_ms(const struct rtt *rt)
{
	uint32_t	m = 0;
	unsigned int	i;

	if (rt->rt_samples == 0)
		return 0;
	for (i = 0; i < RTT_PERIODS; i++)
		if (rt->rt_max[i] > m)
			m = rt->rt_max[i];
	return m;
}

uint32_t
rtt_srtt_ms(const struct rtt *rt)
{
	return rt->rt_samples == 0 ? 0 : rt->rt_srtt8 >> 3;
}

uint32_t
rtt_rttvar_ms(const struct rtt *rt)
{
	return rt->rt_samples == 0 ? 0 : rt->rt_rttvar4 >> 2;
}

uint32_t
rtt_wait_ms(const struct rtt *rt, uint64_t now)
{
	uint64_t	w, tail;

	if (rt->rt_samples == 0 || now - rt->rt_first_ms < RTT_LEARN_MS)
		return rt->rt_ceil_ms;
	/* SRTT + 4 RTTVAR: the scaled values make this (srtt8 >> 3) + rttvar4. */
	w = (uint64_t)(rt->rt_srtt8 >> 3) + rt->rt_rttvar4;
	tail = (uint64_t)rtt_max_ms(rt) * 3 / 2;
	if (tail > w)
		w = tail;
	if (w < rt->rt_floor_ms)
		w = rt->rt_floor_ms;
	w <<= rt->rt_backoff;
	return w > rt->rt_ceil_ms ? rt->rt_ceil_ms : (uint32_t)w;
}
