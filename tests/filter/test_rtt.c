/*
 * rtt: the learned wait of rtt.c, replayed over histories of samples
 * with chosen times (no DNS server, no clock). FLOOR and CEIL are the
 * defaults of --min-wait and -d.
 */
#include <criterion/criterion.h>

#include "rtt.h"

#define FLOOR	250
#define CEIL	2000
#define T0	100000		/* some monotonic time */

static struct rtt	rt;

static void
setup(void)
{
	rtt_init(&rt, FLOOR, CEIL);
}

TestSuite(rtt, .init = setup);

/* n samples of took ms, one every step ms from *t on; *t moves on. */
static void
feed(uint64_t *t, int n, uint64_t step, uint64_t took)
{
	int	i;

	for (i = 0; i < n; i++) {
		rtt_sample(&rt, *t, took);
		*t += step;
	}
}

Test(rtt, knows_nothing_waits_the_ceiling)
{
	cr_assert_eq(rtt_wait_ms(&rt, T0), CEIL);
	cr_assert_eq(rtt_srtt_ms(&rt), 0);
	cr_assert_eq(rtt_max_ms(&rt), 0);
}

Test(rtt, first_sample_sets_srtt_and_half_rttvar)
{
	rtt_sample(&rt, T0, 40);
	cr_assert_eq(rtt_srtt_ms(&rt), 40);
	cr_assert_eq(rtt_rttvar_ms(&rt), 20);
	cr_assert_eq(rtt_max_ms(&rt), 40);
}

Test(rtt, ceiling_until_answers_seen_for_learn_period)
{
	uint64_t	t = T0;

	/* Fast answers at once, but the tail is not known for a while. */
	feed(&t, 50, 10, 20);
	cr_assert_eq(rtt_wait_ms(&rt, T0 + RTT_LEARN_MS - 1), CEIL);
	cr_assert_eq(rtt_wait_ms(&rt, T0 + RTT_LEARN_MS), FLOOR);
}

Test(rtt, steady_fast_answers_wait_the_floor)
{
	uint64_t	t = T0;

	feed(&t, 500, 10, 20);
	cr_assert_eq(rtt_srtt_ms(&rt), 20);
	cr_assert_eq(rtt_wait_ms(&rt, t), FLOOR);
}

Test(rtt, tcp_estimator_follows_rfc6298)
{
	uint64_t	t = T0;

	/* 100 then 60: RTTVAR = 3/4 50 + 1/4 40 = 47, SRTT = 95. */
	rtt_sample(&rt, t, 100);
	rtt_sample(&rt, t + 1, 60);
	cr_assert_eq(rtt_srtt_ms(&rt), 95);
	cr_assert_eq(rtt_rttvar_ms(&rt), 47);
	/*
	 * Past learning, with no floor: SRTT + 4 RTTVAR, RTTVAR unrounded
	 * (47.5), is 285, above 3/2 of the maximum (150).
	 */
	rtt_init(&rt, 0, CEIL);
	rtt_sample(&rt, t, 100);
	rtt_sample(&rt, t + 1, 60);
	cr_assert_eq(rtt_wait_ms(&rt, t + RTT_LEARN_MS), 285);
}

Test(rtt, heavy_tail_is_waited_for)
{
	uint64_t	t = T0;
	int		i;

	/* Nine answers in 20 ms, the tenth in 800 ms, for a minute. */
	for (i = 0; i < 6000; i++) {
		rtt_sample(&rt, t, i % 10 == 9 ? 800 : 20);
		t += 10;
	}
	cr_assert_eq(rtt_max_ms(&rt), 800);
	cr_assert_geq(rtt_wait_ms(&rt, t), 1200);
}

Test(rtt, slow_answer_ages_out_after_active_periods)
{
	uint64_t	t = T0;

	feed(&t, 1, 10, 900);
	feed(&t, 200, 10, 20);			/* 2 s: still remembered */
	cr_assert_eq(rtt_max_ms(&rt), 900);
	feed(&t, RTT_PERIODS * RTT_PERIOD_MS / 10, 10, 20);
	cr_assert_eq(rtt_max_ms(&rt), 20);
	cr_assert_eq(rtt_wait_ms(&rt, t), FLOOR);
}

Test(rtt, quiet_time_does_not_age_the_maximum)
{
	uint64_t	t = T0;

	feed(&t, 1, 10, 900);
	/* An hour without answers, then fast ones, all in one period. */
	t += 3600 * 1000;
	feed(&t, 300, 1, 20);
	cr_assert_eq(rtt_max_ms(&rt), 900);
	cr_assert_eq(rtt_wait_ms(&rt, t), 1350);
}

Test(rtt, retried_answers_back_off_until_first_try_answer)
{
	uint64_t	t = T0;

	feed(&t, 500, 10, 20);
	rtt_retried(&rt);
	cr_assert_eq(rtt_wait_ms(&rt, t), 2 * FLOOR);
	rtt_retried(&rt);
	cr_assert_eq(rtt_wait_ms(&rt, t), 4 * FLOOR);
	rtt_retried(&rt);
	rtt_retried(&rt);
	cr_assert_eq(rtt_wait_ms(&rt, t), CEIL);
	rtt_sample(&rt, t, 20);
	cr_assert_eq(rtt_wait_ms(&rt, t), FLOOR);
}

Test(rtt, backoff_saturates_without_overflow)
{
	uint64_t	t = T0;
	int		i;

	rtt_init(&rt, FLOOR, UINT32_MAX);
	feed(&t, 500, 10, 1000000);
	for (i = 0; i < 100; i++)
		rtt_retried(&rt);
	cr_assert_geq(rtt_wait_ms(&rt, t), 1000000);
	cr_assert_leq(rtt_wait_ms(&rt, t), UINT32_MAX);
}

Test(rtt, ceiling_wins_over_floor)
{
	uint64_t	t = T0;

	rtt_init(&rt, 500, 200);		/* --min-wait over -d */
	feed(&t, 500, 10, 20);
	cr_assert_eq(rtt_wait_ms(&rt, t), 200);
	rtt_init(&rt, FLOOR, 0);		/* -d 0: never wait */
	feed(&t, 500, 10, 20);
	cr_assert_eq(rtt_wait_ms(&rt, t), 0);
}

Test(rtt, huge_samples_are_clamped)
{
	uint64_t	t = T0;

	feed(&t, 200, 10, UINT64_MAX / 2);
	cr_assert_eq(rtt_wait_ms(&rt, t), CEIL);
	cr_assert_leq(rtt_srtt_ms(&rt), 1u << 24);
}
