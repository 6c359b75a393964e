/*
 * lame: the lame-zone memory of lame.c, replayed over histories of PTR
 * outcomes with chosen times (no DNS server, no clock). HOLD is the
 * default --err-ttl.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "lame.h"

#define HOLD	30000
#define T0	100000		/* some monotonic time */

static struct lame	lm;

static void
setup(void)
{
	lame_init(&lm, HOLD);
}

TestSuite(lame, .init = setup);

static struct ipaddr
ip(const char *s)
{
	struct ipaddr	ia;

	memset(&ia, 0, sizeof(ia));
	if (strchr(s, ':') != NULL) {
		ia.ia_family = AF_INET6;
		cr_assert_eq(inet_pton(AF_INET6, s, ia.ia_bytes), 1);
	} else {
		ia.ia_family = AF_INET;
		cr_assert_eq(inet_pton(AF_INET, s, ia.ia_bytes), 1);
	}
	return ia;
}

/* Lose the lookups of n distinct addresses 198.51.100.1.., started at t. */
static int
lose_v4(int n, uint64_t started, uint64_t now)
{
	struct ipaddr	ia;
	char		buf[32];
	int		i, declared = 0;

	for (i = 1; i <= n; i++) {
		snprintf(buf, sizeof(buf), "198.51.100.%d", i);
		ia = ip(buf);
		declared += lame_lost(&lm, &ia, started, now);
	}
	return declared;
}

Test(lame, unknown_zone_is_asked)
{
	struct ipaddr	a = ip("198.51.100.7");

	cr_assert_eq(lame_check(&lm, &a, T0), LAME_ASK);
	cr_assert_eq(lame_count(&lm), 0);
}

Test(lame, three_distinct_losses_declare_the_slash24)
{
	struct ipaddr	same = ip("198.51.100.200"), other = ip("198.51.101.1");

	/* The first loss makes it suspect; two more lookups since. */
	cr_assert_eq(lose_v4(2, T0, T0 + 2000), 0);
	cr_assert_eq(lame_check(&lm, &same, T0 + 2000), LAME_ASK);
	cr_assert_eq(lose_v4(3, T0 + 2000, T0 + 4000), 1);
	cr_assert_eq(lame_count(&lm), 1);
	cr_assert_eq(lame_check(&lm, &same, T0 + 4001), LAME_SKIP);
	/* The next /24 is another zone. */
	cr_assert_eq(lame_check(&lm, &other, T0 + 4001), LAME_ASK);
}

Test(lame, same_address_lost_again_counts_once)
{
	struct ipaddr	a = ip("198.51.100.9");
	int		i;

	for (i = 0; i < 10; i++)
		cr_assert_eq(lame_lost(&lm, &a, T0 + 2000 * (uint64_t)i,
		    T0 + 2000 * (uint64_t)(i + 1)), 0);
	cr_assert_eq(lame_check(&lm, &a, T0 + 30000), LAME_ASK);
}

Test(lame, lookups_started_before_suspicion_do_not_count)
{
	struct ipaddr	a = ip("198.51.100.50");

	/*
	 * A batch: every address of the zone looked up at T0, most answered
	 * then (not remembered), three lost two seconds later.
	 */
	cr_assert_eq(lose_v4(3, T0, T0 + 2000), 0);
	cr_assert_eq(lame_check(&lm, &a, T0 + 2001), LAME_ASK);
}

Test(lame, a_reply_forgets_a_suspect_zone)
{
	struct ipaddr	ok = ip("198.51.100.77"), a = ip("198.51.100.78");

	cr_assert_eq(lose_v4(1, T0, T0 + 2000), 0);
	lame_answered(&lm, &ok);
	/* Suspicion starts over: these two are not enough. */
	cr_assert_eq(lose_v4(2, T0 + 3000, T0 + 5000), 0);
	cr_assert_eq(lame_check(&lm, &a, T0 + 5001), LAME_ASK);
}

Test(lame, hold_then_one_probe_then_forget_on_reply)
{
	struct ipaddr	p = ip("198.51.100.90"), q = ip("198.51.100.91");
	uint64_t	t;

	lose_v4(1, T0, T0 + 2000);
	cr_assert_eq(lose_v4(3, T0 + 2000, T0 + 4000), 1);
	t = T0 + 4000 + HOLD;
	cr_assert_eq(lame_check(&lm, &p, t - 1), LAME_SKIP);
	cr_assert_eq(lame_check(&lm, &p, t), LAME_PROBE);
	/* One probe at a time: the others still skip. */
	cr_assert_eq(lame_check(&lm, &q, t + 1), LAME_SKIP);
	lame_answered(&lm, &p);
	cr_assert_eq(lame_check(&lm, &q, t + 2), LAME_ASK);
	cr_assert_eq(lame_count(&lm), 0);
}

Test(lame, lost_probe_doubles_the_hold_up_to_the_cap)
{
	struct ipaddr	p = ip("198.51.100.90");
	uint64_t	t, hold = HOLD;
	int		i;

	lose_v4(1, T0, T0 + 2000);
	lose_v4(3, T0 + 2000, T0 + 4000);
	t = T0 + 4000 + HOLD;
	for (i = 1; i <= LAME_SHIFT_MAX + 2; i++) {
		cr_assert_eq(lame_check(&lm, &p, t), LAME_PROBE, "round %d", i);
		t += 2000;
		cr_assert_eq(lame_lost(&lm, &p, t - 2000, t), 0);
		if (i <= LAME_SHIFT_MAX)
			hold *= 2;
		cr_assert_eq(lame_check(&lm, &p, t + hold - 1), LAME_SKIP);
		t += hold;
	}
	cr_assert_eq(hold, (uint64_t)HOLD << LAME_SHIFT_MAX);
}

Test(lame, void_probe_lets_the_next_address_probe)
{
	struct ipaddr	p = ip("198.51.100.90"), q = ip("198.51.100.91");
	uint64_t	t;

	lose_v4(1, T0, T0 + 2000);
	lose_v4(3, T0 + 2000, T0 + 4000);
	t = T0 + 4000 + HOLD;
	cr_assert_eq(lame_check(&lm, &p, t), LAME_PROBE);
	lame_void(&lm, &p);
	cr_assert_eq(lame_check(&lm, &q, t + 1), LAME_PROBE);
}

Test(lame, ipv6_zone_is_the_slash48)
{
	struct ipaddr	a, in = ip("2001:db8:7:ffff::1"), out = ip("2001:db8:8::1");
	char		buf[64];
	int		i, declared = 0;

	for (i = 1; i <= LAME_LOSSES; i++) {
		snprintf(buf, sizeof(buf), "2001:db8:7:%x::%x", i, i);
		a = ip(buf);
		declared += lame_lost(&lm, &a, T0 + (i > 1 ? 2000 : 0),
		    T0 + 2000 * (uint64_t)i);
	}
	cr_assert_eq(declared, 1);
	cr_assert_eq(lame_check(&lm, &in, T0 + 7000), LAME_SKIP);
	cr_assert_eq(lame_check(&lm, &out, T0 + 7000), LAME_ASK);
}

Test(lame, ipv4_and_ipv6_keys_never_collide)
{
	struct ipaddr	v6 = ip("c633:6400::1");	/* 198.51.100 bytes */

	lose_v4(1, T0, T0 + 2000);
	lose_v4(3, T0 + 2000, T0 + 4000);
	cr_assert_eq(lame_check(&lm, &v6, T0 + 4001), LAME_ASK);
}

Test(lame, table_is_bounded_and_evicts_least_recent)
{
	struct ipaddr	a;
	char		buf[32];
	int		z, i;

	/* LAME_MAX + 1 lame zones, the first touched least recently. */
	for (z = 0; z <= LAME_MAX; z++)
		for (i = 1; i <= LAME_LOSSES; i++) {
			snprintf(buf, sizeof(buf), "10.%d.%d.%d", z / 256,
			    z % 256, i);
			a = ip(buf);
			lame_lost(&lm, &a, T0 + (uint64_t)z * 10 + (i > 1),
			    T0 + (uint64_t)z * 10 + (uint64_t)i);
		}
	cr_assert_eq(lame_count(&lm), LAME_MAX);
	a = ip("10.0.0.9");
	cr_assert_eq(lame_check(&lm, &a, T0 + 5000), LAME_ASK);
	a = ip("10.0.64.9");
	cr_assert_eq(lame_check(&lm, &a, T0 + 5000), LAME_SKIP);
}

Test(lame, hold_zero_turns_it_off)
{
	struct ipaddr	a = ip("198.51.100.4");

	lame_init(&lm, 0);
	lose_v4(1, T0, T0 + 2000);
	cr_assert_eq(lose_v4(LAME_LOSSES, T0 + 2000, T0 + 4000), 0);
	cr_assert_eq(lame_check(&lm, &a, T0 + 4001), LAME_ASK);
}
