/*
 * Unit tests for the loop's signal flags (filter/stream/loopsig.c;
 * ptrtag.1, SIGNALS). After loop_signals() the four signals stay pending
 * outside the wait; once the wait mask lets them in, each sets its flag,
 * loopsig_take() reports SIGHUP and SIGUSR1 once, a stop for good, and a
 * second stop signal ends the process at once with status 1.
 */

#include <signal.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "loopsig.h"

/* Let the pending signals in, as the loop's ppoll does, then block again. */
static void
deliver(void)
{
	sigset_t	old;

	cr_assert_eq(sigprocmask(SIG_SETMASK, loopsig_wait_mask(), &old), 0);
	cr_assert_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

/* What loopsig_take() reports now for each flag (taking HUP and USR1). */
static void
expect_taken(int stop, int hup, int usr1, const char *when)
{
	cr_expect_eq(loopsig_take(LOOPSIG_STOP), stop, "stop %s", when);
	cr_expect_eq(loopsig_take(LOOPSIG_HUP), hup, "hup %s", when);
	cr_expect_eq(loopsig_take(LOOPSIG_USR1), usr1, "usr1 %s", when);
}

Test(loopsig, nothing_before_a_signal)
{
	loop_signals();
	expect_taken(0, 0, 0, "before any signal");
}

Test(loopsig, blocked_outside_the_wait)
{
	sigset_t	pending;

	loop_signals();
	raise(SIGHUP);
	raise(SIGUSR1);
	raise(SIGTERM);
	expect_taken(0, 0, 0, "delivered while blocked");
	cr_assert_eq(sigpending(&pending), 0);
	cr_expect_eq(sigismember(&pending, SIGHUP), 1);
	cr_expect_eq(sigismember(&pending, SIGUSR1), 1);
	cr_expect_eq(sigismember(&pending, SIGTERM), 1);
	deliver();
	cr_assert_eq(sigpending(&pending), 0);
	cr_expect_eq(sigismember(&pending, SIGHUP), 0);
	expect_taken(1, 1, 1, "after the wait");
}

Test(loopsig, hup_once)
{
	loop_signals();
	raise(SIGHUP);
	deliver();
	expect_taken(0, 1, 0, "after SIGHUP");
	expect_taken(0, 0, 0, "taken again");
	raise(SIGHUP);
	deliver();
	cr_expect_eq(loopsig_take(LOOPSIG_HUP), 1, "a second SIGHUP lost");
}

Test(loopsig, usr1_once)
{
	loop_signals();
	raise(SIGUSR1);
	deliver();
	expect_taken(0, 0, 1, "after SIGUSR1");
	expect_taken(0, 0, 0, "taken again");
}

/* A stop is never cleared: once stopping, always stopping. */
Test(loopsig, term_stays)
{
	loop_signals();
	raise(SIGTERM);
	deliver();
	expect_taken(1, 0, 0, "after SIGTERM");
	expect_taken(1, 0, 0, "taken again");
}

Test(loopsig, int_stops)
{
	loop_signals();
	raise(SIGINT);
	deliver();
	cr_expect_eq(loopsig_take(LOOPSIG_STOP), 1);
}

Test(loopsig, second_stop_exits, .exit_code = 1)
{
	loop_signals();
	raise(SIGTERM);
	deliver();
	cr_assert_eq(loopsig_take(LOOPSIG_STOP), 1);
	raise(SIGINT);
	deliver();
	cr_assert_fail("still running after a second stop signal");
}

Test(loopsig, sigpipe_ignored)
{
	loop_signals();
	raise(SIGPIPE);
	cr_expect_eq(loopsig_take(LOOPSIG_STOP), 0);
}

Test(loopsig, wait_mask_lets_the_four_in)
{
	const sigset_t	*m;
	sigset_t	 now;

	loop_signals();
	m = loopsig_wait_mask();
	cr_expect_eq(sigismember(m, SIGHUP), 0);
	cr_expect_eq(sigismember(m, SIGUSR1), 0);
	cr_expect_eq(sigismember(m, SIGTERM), 0);
	cr_expect_eq(sigismember(m, SIGINT), 0);
	cr_assert_eq(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	cr_expect_eq(sigismember(&now, SIGHUP), 1, "not blocked");
	cr_expect_eq(sigismember(&now, SIGUSR1), 1);
	cr_expect_eq(sigismember(&now, SIGTERM), 1);
	cr_expect_eq(sigismember(&now, SIGINT), 1);
}
