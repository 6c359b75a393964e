/*
 * health: the server-health state machine of health.c, replayed over
 * histories of replies, losses and probes with chosen times (no DNS
 * server, no clock). L is the query lifetime every case uses.
 */
#include <criterion/criterion.h>

#include "health.h"

#define L	2000		/* -t 1000 x --tries 2 */
#define T0	100000		/* some monotonic time */

static struct health	h;

static void
setup(void)
{
	health_init(&h, L);
}

TestSuite(health, .init = setup);

Test(health, starts_up_admitting_without_probe)
{
	cr_assert_eq(health_state(&h), HEALTH_UP);
	cr_assert_not(health_down(&h));
	cr_assert_not(health_probe_due(&h, T0));
	cr_assert_eq(health_wait_ms(&h, T0), -1);
}

Test(health, replies_of_any_kind_keep_it_up)
{
	int	i;

	/* A reply a second (SERVFAIL or not is the caller's business). */
	for (i = 0; i < 100; i++)
		health_reply(&h, T0 + (uint64_t)i * 1000);
	cr_assert_eq(health_state(&h), HEALTH_UP);
	cr_assert_not(health_probe_due(&h, T0 + 100000));
}

Test(health, losses_with_recent_reply_never_probe)
{
	uint64_t	t;

	/* The attacker mix: 10 losses a second, a reply every second. */
	for (t = T0; t < T0 + 30000; t += 100) {
		if (t % 1000 == 0)
			health_reply(&h, t);
		health_lost(&h, t);
		cr_assert_eq(health_state(&h), HEALTH_UP);
		cr_assert_not(health_probe_due(&h, t));
	}
}

Test(health, loss_after_silence_makes_probe_due_not_backoff)
{
	health_reply(&h, T0);
	health_lost(&h, T0 + L - 1);
	cr_assert_eq(health_state(&h), HEALTH_UP);
	health_lost(&h, T0 + L);
	cr_assert_eq(health_state(&h), HEALTH_SUSPECT);
	cr_assert_not(health_down(&h), "losses alone never shed");
	cr_assert(health_probe_due(&h, T0 + L));
	cr_assert_eq(health_wait_ms(&h, T0 + L), 0);
}

Test(health, loss_before_any_reply_makes_probe_due)
{
	health_lost(&h, T0);
	cr_assert_eq(health_state(&h), HEALTH_SUSPECT);
	cr_assert(health_probe_due(&h, T0));
}

Test(health, answered_probe_ends_doubt)
{
	health_lost(&h, T0);
	health_probe_sent(&h, T0);
	cr_assert_not(health_probe_due(&h, T0), "one probe at a time");
	cr_assert_eq(health_wait_ms(&h, T0), -1);
	/* Many more losses while the probe is out change nothing. */
	health_lost(&h, T0 + 10);
	health_lost(&h, T0 + 20);
	cr_assert_not(health_probe_due(&h, T0 + 20));
	health_reply(&h, T0 + 5);
	cr_assert_eq(health_state(&h), HEALTH_UP);
	/* A lost probe after a reply proves nothing. */
	cr_assert_eq(health_probe_lost(&h, T0 + L), 0);
	cr_assert_eq(health_state(&h), HEALTH_UP);
	cr_assert_not(health_down(&h));
}

Test(health, attacker_only_costs_one_probe_per_lifetime)
{
	uint64_t	t;
	int		probes = 0;

	/* Only never-answered names, 10 a second, for 30 s; each probe is
	 * answered at once. */
	for (t = T0; t < T0 + 30000; t += 100) {
		health_lost(&h, t);
		if (health_probe_due(&h, t)) {
			health_probe_sent(&h, t);
			health_probe_answered(&h, t + 1);
			probes++;
		}
		cr_assert_not(health_down(&h));
	}
	cr_assert_leq(probes, 30000 / L + 1);
	cr_assert_geq(probes, 30000 / L - 1);
}

Test(health, lost_probe_starts_backoff_once)
{
	health_lost(&h, T0);
	health_probe_sent(&h, T0);
	cr_assert_eq(health_probe_lost(&h, T0 + L), 1);
	cr_assert_eq(health_state(&h), HEALTH_DOWN);
	cr_assert(health_down(&h));
	/* Next probe after the minimum interval. */
	cr_assert_not(health_probe_due(&h, T0 + L + HEALTH_BACKOFF_MIN_MS - 1));
	cr_assert_eq(health_wait_ms(&h, T0 + L), HEALTH_BACKOFF_MIN_MS);
	cr_assert(health_probe_due(&h, T0 + L + HEALTH_BACKOFF_MIN_MS));
	/* Losses of user lookups during back-off change nothing. */
	health_lost(&h, T0 + L + 10);
	cr_assert_eq(health_wait_ms(&h, T0 + L), HEALTH_BACKOFF_MIN_MS);
}

Test(health, backoff_interval_doubles_to_the_cap)
{
	uint64_t	t = T0, want = HEALTH_BACKOFF_MIN_MS;
	int		i;

	health_lost(&h, t);
	health_probe_sent(&h, t);
	t += L;
	cr_assert_eq(health_probe_lost(&h, t), 1);
	for (i = 0; i < 10; i++) {
		cr_assert_eq((uint64_t)health_wait_ms(&h, t), want);
		t += want;
		cr_assert(health_probe_due(&h, t));
		health_probe_sent(&h, t);
		t += L;
		cr_assert_eq(health_probe_lost(&h, t), 0, "counted once");
		want *= 2;
		if (want > HEALTH_BACKOFF_MAX_MS)
			want = HEALTH_BACKOFF_MAX_MS;
	}
	cr_assert_eq(health_wait_ms(&h, t), HEALTH_BACKOFF_MAX_MS);
	cr_assert(health_down(&h));
}

Test(health, any_reply_ends_backoff)
{
	health_lost(&h, T0);
	health_probe_sent(&h, T0);
	health_probe_lost(&h, T0 + L);
	cr_assert(health_down(&h));
	/* A late reply to a lookup sent before the back-off. */
	health_reply(&h, T0 + L + 1);
	cr_assert_not(health_down(&h));
	cr_assert_eq(health_wait_ms(&h, T0 + L + 1), -1);
	/* A later dead spell starts from the minimum interval again. */
	health_lost(&h, T0 + 3 * L);
	health_probe_sent(&h, T0 + 3 * L);
	cr_assert_eq(health_probe_lost(&h, T0 + 4 * L), 1);
	cr_assert_eq(health_wait_ms(&h, T0 + 4 * L), HEALTH_BACKOFF_MIN_MS);
}

Test(health, answered_probe_ends_backoff)
{
	health_lost(&h, T0);
	health_probe_sent(&h, T0);
	health_probe_lost(&h, T0 + L);
	health_probe_sent(&h, T0 + L + HEALTH_BACKOFF_MIN_MS);
	health_probe_answered(&h, T0 + L + HEALTH_BACKOFF_MIN_MS + 3);
	cr_assert_eq(health_state(&h), HEALTH_UP);
	/* The slot is free for the next dead spell. */
	health_lost(&h, T0 + 10 * L);
	cr_assert(health_probe_due(&h, T0 + 10 * L));
}

Test(health, cancelled_probe_frees_the_slot)
{
	health_lost(&h, T0);
	health_probe_sent(&h, T0);
	health_probe_cancelled(&h);
	cr_assert_eq(health_state(&h), HEALTH_SUSPECT);
	cr_assert(health_probe_due(&h, T0 + 1));
}
