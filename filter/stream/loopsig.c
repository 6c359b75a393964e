/*
 * loopsig: see loopsig.h.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "loopsig.h"

static volatile sig_atomic_t	sig_stop, sig_hup, sig_usr1;
static sigset_t			wait_mask;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		if (sig_stop)
			_exit(1);	/* second signal: at once */
		sig_stop = 1;
		break;
	case SIGHUP:
		sig_hup = 1;
		break;
	case SIGUSR1:
		sig_usr1 = 1;
		break;
	}
}

void
loop_signals(void)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct sigaction	 sa;
	sigset_t		 block;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(&wait_mask, sigs[i]);
}

int
loopsig_take(enum loopsig sig)
{
	int	got = 0;

	switch (sig) {
	case LOOPSIG_STOP:
		got = sig_stop != 0;
		break;
	case LOOPSIG_HUP:
		got = sig_hup != 0;
		sig_hup = 0;
		break;
	case LOOPSIG_USR1:
		got = sig_usr1 != 0;
		sig_usr1 = 0;
		break;
	}
	return got;
}

const sigset_t *
loopsig_wait_mask(void)
{
	return &wait_mask;
}
