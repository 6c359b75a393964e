/*
 * xpoll: see xpoll.h. xp_active lists the descriptors whose xs_events are
 * not 0, each xs_active being its index there; xs_gen and xp_pollgen tell
 * a descriptor reopened after the last poll set from the one poll saw.
 */
#include <sys/types.h>

#include <string.h>

#include "util.h"
#include "xpoll.h"

struct xsock *
xpoll_get(struct xport *xp, int fd)
{
	if (fd < 0 || (size_t)fd >= xp->xp_nsocks)
		return NULL;
	return xp->xp_socks[fd].xs_ch != NULL ? &xp->xp_socks[fd] : NULL;
}

static void
set_events(struct xport *xp, int fd, short events)
{
	struct xsock	*xs = &xp->xp_socks[fd];
	int		 last;

	xs->xs_events = events;
	if (events != 0 && xs->xs_active == -1) {
		xs->xs_active = (int)xp->xp_nactive;
		xp->xp_active[xp->xp_nactive++] = fd;
	} else if (events == 0 && xs->xs_active != -1) {
		last = xp->xp_active[--xp->xp_nactive];
		xp->xp_active[xs->xs_active] = last;
		xp->xp_socks[last].xs_active = xs->xs_active;
		xs->xs_active = -1;
	}
}

void
xpoll_add(struct xport *xp, int fd, struct xchan *ch, int udp)
{
	struct xsock	*xs;
	size_t		 n;

	if ((size_t)fd >= xp->xp_nsocks) {
		n = (size_t)fd * 2 + 16;
		xp->xp_socks = xreallocarray(xp->xp_socks, n,
		    sizeof(*xp->xp_socks));
		memset(xp->xp_socks + xp->xp_nsocks, 0,
		    (n - xp->xp_nsocks) * sizeof(*xp->xp_socks));
		xp->xp_active = xreallocarray(xp->xp_active, n,
		    sizeof(*xp->xp_active));
		xp->xp_nsocks = n;
	}
	xs = &xp->xp_socks[fd];
	xs->xs_ch = ch;
	xs->xs_gen = ++xp->xp_gen;
	xs->xs_active = -1;
	xs->xs_events = 0;
	xs->xs_udp = udp;
	ch->ch_nsock++;
}

void
xpoll_remove(struct xport *xp, int fd)
{
	struct xsock	*xs;

	if ((xs = xpoll_get(xp, fd)) == NULL)
		return;
	set_events(xp, fd, 0);
	xs->xs_ch->ch_nsock--;
	xs->xs_ch = NULL;
}

void
xpoll_state(void *arg, ares_socket_t fd, int readable, int writable)
{
	struct xport	*xp = arg;

	if (xpoll_get(xp, fd) == NULL)
		return;
	set_events(xp, fd, (short)((readable ? POLLIN : 0) |
	    (writable ? POLLOUT : 0)));
}

int
xpoll_fill(struct xport *xp, struct pollfd *pfd, int max)
{
	int	n = 0;
	size_t	i;

	for (i = 0; i < xp->xp_nactive && n < max; i++, n++) {
		pfd[n].fd = xp->xp_active[i];
		pfd[n].events = xp->xp_socks[pfd[n].fd].xs_events;
		pfd[n].revents = 0;
	}
	xp->xp_pollgen = xp->xp_gen;
	return n;
}

void
xpoll_run(struct xport *xp, const struct pollfd *pfd, int n)
{
	struct xsock	*xs;
	struct xchan	*ch;
	ares_socket_t	 rfd, wfd;
	unsigned int	 i;
	int		 k;

	xp->xp_round++;
	for (k = 0; k < n; k++) {
		if (pfd[k].revents == 0)
			continue;
		/* A descriptor reopened since poll is not what poll saw. */
		if ((xs = xpoll_get(xp, pfd[k].fd)) == NULL ||
		    xs->xs_gen > xp->xp_pollgen)
			continue;
		ch = xs->xs_ch;
		ch->ch_round = xp->xp_round;
		rfd = pfd[k].revents & (POLLIN | POLLERR | POLLHUP) ?
		    pfd[k].fd : ARES_SOCKET_BAD;
		wfd = pfd[k].revents & POLLOUT ? pfd[k].fd : ARES_SOCKET_BAD;
		ares_process_fd(ch->ch_ares, rfd, wfd);
	}
	/* Timers only advance through a call; once per busy channel. */
	for (i = 0; i < xp->xp_nchans; i++) {
		ch = &xp->xp_chans[i];
		if (ch->ch_busy > 0 && ch->ch_round != xp->xp_round)
			ares_process_fd(ch->ch_ares, ARES_SOCKET_BAD,
			    ARES_SOCKET_BAD);
	}
}

int64_t
xpoll_timeout_ms(struct xport *xp)
{
	struct timeval	 tv, *tvp;
	int64_t		 t, best = -1;
	unsigned int	 i;

	for (i = 0; i < xp->xp_nchans; i++) {
		if (xp->xp_chans[i].ch_busy == 0 ||
		    (tvp = ares_timeout(xp->xp_chans[i].ch_ares, NULL, &tv)) ==
		    NULL)
			continue;
		/* Round up: 0.4 ms left must not become a busy poll(0). */
		t = (int64_t)tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}
