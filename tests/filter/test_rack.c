/*
 * rack: which queries are passed, and when a tail probe is due (rack.c),
 * replayed over histories of sends and replies with chosen times (no
 * DNS server, no clock). W is a learned wait.
 */
#include <criterion/criterion.h>

#include "rack.h"

#define W	250
#define T0	100000		/* some monotonic time */

static struct rack	rk;

static void
setup(void)
{
	rack_init(&rk);
}

TestSuite(rack, .init = setup);

Test(rack, nothing_sent_nothing_due)
{
	cr_assert_eq(rack_probe_wait(&rk, T0, W), -1);
}

Test(rack, later_reply_passes_earlier_queries_only)
{
	struct rack_sent	a, b, c;
	uint32_t		sa, sb, sc;

	sa = rack_sent(&rk, &a, T0, 1);
	sb = rack_sent(&rk, &b, T0 + 1, 1);
	sc = rack_sent(&rk, &c, T0 + 2, 1);
	cr_assert(!rack_passed(&rk, sa));
	rack_done(&rk, &b, T0 + 50);
	cr_assert(rack_passed(&rk, sa), "a was sent before b");
	cr_assert_not(rack_passed(&rk, sb));
	cr_assert_not(rack_passed(&rk, sc), "c was sent after b");
	cr_assert_eq(rack_answered(&rk), sb);
}

Test(rack, loss_passes_nothing)
{
	struct rack_sent	a, b;
	uint32_t		sa;

	sa = rack_sent(&rk, &a, T0, 1);
	(void)rack_sent(&rk, &b, T0 + 1, 1);
	rack_done(&rk, &b, 0);
	cr_assert_not(rack_passed(&rk, sa));
}

Test(rack, in_order_server_never_passes_the_oldest)
{
	struct rack_sent	q[100];
	uint32_t		seq[100];
	int			i;

	/* A server working through a burst in order, slowly. */
	for (i = 0; i < 100; i++)
		seq[i] = rack_sent(&rk, &q[i], T0, 1);
	for (i = 0; i < 100; i++) {
		cr_assert_not(rack_passed(&rk, seq[i]), "query %d", i);
		rack_done(&rk, &q[i], T0 + 50);
	}
}

Test(rack, tail_probe_due_after_wait_then_not_again)
{
	struct rack_sent	lost, probe;
	uint32_t		sl;

	sl = rack_sent(&rk, &lost, T0, 1);
	cr_assert_eq(rack_probe_wait(&rk, T0 + 10, W), W - 10);
	cr_assert_eq(rack_probe_wait(&rk, T0 + W, W), 0);
	(void)rack_sent(&rk, &probe, T0 + W, 0);
	rack_probe_sent(&rk, &probe);
	cr_assert_eq(rack_probe_wait(&rk, T0 + W + 1, W), -1, "in flight");
	/* The probe's reply passes the lost query. */
	rack_probe_done(&rk, &probe, T0 + W + 20);
	cr_assert(rack_passed(&rk, sl));
	cr_assert_eq(rack_probe_wait(&rk, T0 + 5000, W), -1);
}

Test(rack, lost_tail_probe_is_not_repeated_for_the_same_query)
{
	struct rack_sent	q, probe, later;

	(void)rack_sent(&rk, &q, T0, 1);
	(void)rack_sent(&rk, &probe, T0 + W, 0);
	rack_probe_sent(&rk, &probe);
	rack_probe_done(&rk, &probe, 0);
	cr_assert_eq(rack_probe_wait(&rk, T0 + 10 * W, W), -1);
	/* Once q is done, a newer query may be probed for. */
	rack_done(&rk, &q, 0);
	(void)rack_sent(&rk, &later, T0 + 20 * W, 1);
	cr_assert_eq(rack_probe_wait(&rk, T0 + 21 * W, W), 0);
}

Test(rack, probes_are_not_watched)
{
	struct rack_sent	probe;

	(void)rack_sent(&rk, &probe, T0, 0);
	cr_assert_eq(rack_probe_wait(&rk, T0 + 10 * W, W), -1);
	rack_done(&rk, &probe, 0);
}

Test(rack, done_twice_safe_and_passed_ones_leave_the_list)
{
	struct rack_sent	a, b, c;

	(void)rack_sent(&rk, &a, T0, 1);
	(void)rack_sent(&rk, &b, T0 + 1, 1);
	(void)rack_sent(&rk, &c, T0 + 2, 1);
	rack_done(&rk, &c, T0 + 50);		/* passes a and b */
	cr_assert_eq(rack_probe_wait(&rk, T0 + 10 * W, W), -1,
	    "nothing left that is not passed");
	rack_done(&rk, &a, 0);
	rack_done(&rk, &b, T0 + 50);		/* an older reply moves nothing */
	cr_assert_eq(rack_answered(&rk), c.rs_seq);
}

Test(rack, serial_numbers_wrap)
{
	struct rack_sent	a, b;
	uint32_t		sa;

	rk.rk_seq = UINT32_MAX - 1;
	rk.rk_answered = UINT32_MAX - 1;
	sa = rack_sent(&rk, &a, T0, 1);		/* UINT32_MAX */
	(void)rack_sent(&rk, &b, T0 + 1, 1);	/* 0 */
	rack_done(&rk, &b, T0 + 50);
	cr_assert(rack_passed(&rk, sa));
	cr_assert_eq(rack_answered(&rk), 0);
}

Test(rack, keeps_the_round_trip_of_the_last_answered_by_send_order)
{
	struct rack_sent	a, b;

	cr_assert_eq(rack_rtt_ms(&rk), 0);
	(void)rack_sent(&rk, &a, T0, 1);
	(void)rack_sent(&rk, &b, T0 + 10, 1);
	/* After a stall both come at T0 + 300, b first. */
	rack_done(&rk, &b, T0 + 300);
	cr_assert_eq(rack_rtt_ms(&rk), 290);
	/* a, sent earlier, answered later: not the last by send order. */
	rack_done(&rk, &a, T0 + 301);
	cr_assert_eq(rack_rtt_ms(&rk), 290);
}
