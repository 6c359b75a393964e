/*
 * Unit tests for filter/resolve/ratelimit.c, the --max-qps bucket: time
 * is passed in, so every history is replayed exactly.
 */

#include <criterion/criterion.h>

#include "ratelimit.h"

#define T0	1000000

Test(ratelimit, unlimited)
{
	struct ratelimit	 rl;
	int			 i;

	ratelimit_init(&rl, 0, T0);
	for (i = 0; i < 10000; i++) {
		cr_assert_eq(ratelimit_allow(&rl, T0), 1);
		ratelimit_spend(&rl);
	}
}

Test(ratelimit, one_second_of_burst_then_refill)
{
	struct ratelimit	 rl;
	int			 i;

	ratelimit_init(&rl, 10, T0);
	for (i = 0; i < 10; i++) {
		cr_assert_eq(ratelimit_allow(&rl, T0), 1, "query %d", i);
		ratelimit_spend(&rl);
	}
	cr_expect_eq(ratelimit_allow(&rl, T0), 0, "budget spent");
	cr_expect_eq(ratelimit_allow(&rl, T0 + 99), 0, "0.99 token");
	cr_expect_eq(ratelimit_allow(&rl, T0 + 100), 1, "one token back");
}

Test(ratelimit, holds_at_most_one_second)
{
	struct ratelimit	 rl;
	int			 i, n = 0;

	ratelimit_init(&rl, 5, T0);
	for (i = 0; i < 100; i++) {
		if (!ratelimit_allow(&rl, T0 + 60000))
			break;
		ratelimit_spend(&rl);
		n++;
	}
	cr_expect_eq(n, 5, "an idle minute refills one second's worth");
}

Test(ratelimit, probes_may_overdraw)
{
	struct ratelimit	 rl;

	ratelimit_init(&rl, 1, T0);
	ratelimit_spend(&rl);
	ratelimit_spend(&rl);		/* a probe: sent regardless */
	cr_expect_eq(ratelimit_allow(&rl, T0 + 1000), 0, "still in debt");
	cr_expect_eq(ratelimit_allow(&rl, T0 + 2000), 1);
}
