/*
 * xpoll: see xpoll.h. The sockets with events are in the epoll set
 * xp_epfd, which the loop polls as one descriptor: a turn of the loop
 * then costs the kernel the sockets that are ready, not all those open
 * (one per channel: 256 at the default -j). xs_gen and xp_pollgen tell a
 * descriptor reopened since epoll_wait() from the one it reported.
 */
#include <sys/types.h>
#include <sys/epoll.h>

#include <string.h>
#include <unistd.h>

#include "util.h"
#include "xpoll.h"

/* Events taken from the epoll set per turn; the rest wait for the next. */
#define XPOLL_EVENTS	256

int
xpoll_open(struct xport *xp)
{
	xp->xp_nactive = 0;
	return (xp->xp_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ? -1 : 0;
}

void
xpoll_close(struct xport *xp)
{
	if (xp->xp_epfd != -1)
		close(xp->xp_epfd);
	xp->xp_epfd = -1;
}

struct xsock *
xpoll_get(struct xport *xp, int fd)
{
	if (fd < 0 || (size_t)fd >= xp->xp_nsocks)
		return NULL;
	return xp->xp_socks[fd].xs_ch != NULL ? &xp->xp_socks[fd] : NULL;
}

/*
 * Watch fd for events (0: not at all). A socket epoll refuses (ENOMEM,
 * fs.epoll.max_user_watches) stays unwatched: its queries end as their
 * timers say, as when the server never answers.
 *
 * No events does not take fd out of the epoll set: c-ares 1.18.1 asks
 * for none only as it closes the socket, and close(2) takes it out (no
 * other descriptor shares the socket), which saves a system call per
 * query (a socket per query: xport_impl.h). So xs_inset may outlive
 * xs_events; a socket in the set that wants no events and is still open
 * when epoll reports it is taken out then (xpoll_run).
 */
static void
set_events(struct xport *xp, int fd, short events)
{
	struct xsock		*xs = &xp->xp_socks[fd];
	struct epoll_event	 ev;

	if (events == xs->xs_events)
		return;
	if (events == 0) {
		xp->xp_nactive--;
		xs->xs_events = 0;
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = (events & POLLIN ? EPOLLIN : 0) |
	    (events & POLLOUT ? EPOLLOUT : 0);
	ev.data.fd = fd;
	if (epoll_ctl(xp->xp_epfd, xs->xs_inset ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
	    fd, &ev) == -1)
		return;
	if (xs->xs_events == 0)
		xp->xp_nactive++;
	xs->xs_events = events;
	xs->xs_inset = 1;
}

/* Take fd out of the epoll set at once (it stays open). */
static void
leave_set(struct xport *xp, int fd)
{
	struct xsock	*xs = &xp->xp_socks[fd];

	(void)epoll_ctl(xp->xp_epfd, EPOLL_CTL_DEL, fd, NULL);
	xs->xs_inset = 0;
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
		xp->xp_nsocks = n;
	}
	xs = &xp->xp_socks[fd];
	xs->xs_ch = ch;
	xs->xs_gen = ++xp->xp_gen;
	xs->xs_events = 0;
	xs->xs_inset = 0;
	xs->xs_udp = udp;
	ch->ch_nsock++;
}

void
xpoll_remove(struct xport *xp, int fd)
{
	struct xsock	*xs;

	if ((xs = xpoll_get(xp, fd)) == NULL)
		return;
	set_events(xp, fd, 0);		/* close(2) empties xs_inset */
	xs->xs_inset = 0;
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
	if (xp->xp_nactive == 0 || max < 1)
		return 0;
	pfd[0].fd = xp->xp_epfd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return 1;
}

void
xpoll_run(struct xport *xp, const struct pollfd *pfd, int n)
{
	struct epoll_event	 ev[XPOLL_EVENTS];
	struct xsock		*xs;
	struct xchan		*ch;
	ares_socket_t		 rfd, wfd;
	uint64_t		 now;
	unsigned int		 i;
	int			 k, nev = 0, fd;

	xp->xp_round++;
	if (n > 0 && pfd[0].revents != 0) {
		xp->xp_pollgen = xp->xp_gen;
		nev = epoll_wait(xp->xp_epfd, ev, XPOLL_EVENTS, 0);
	}
	for (k = 0; k < nev; k++) {
		fd = ev[k].data.fd;
		/* A descriptor reopened since epoll_wait() is another. */
		if ((xs = xpoll_get(xp, fd)) == NULL ||
		    xs->xs_gen > xp->xp_pollgen)
			continue;
		if (xs->xs_events == 0) {	/* see set_events() */
			leave_set(xp, fd);
			continue;
		}
		ch = xs->xs_ch;
		ch->ch_round = xp->xp_round;
		rfd = ev[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP) ? fd :
		    ARES_SOCKET_BAD;
		wfd = ev[k].events & EPOLLOUT ? fd : ARES_SOCKET_BAD;
		ares_process_fd(ch->ch_ares, rfd, wfd);
		ch->ch_due_ms = 0;
	}
	/*
	 * Timers only advance through a call: once per busy channel whose
	 * timer is due, or not known (see xport_impl.h, ch_due_ms).
	 */
	now = now_ms();
	for (i = 0; i < xp->xp_nchans; i++) {
		ch = &xp->xp_chans[i];
		if (ch->ch_busy == 0 || ch->ch_round == xp->xp_round ||
		    (ch->ch_due_ms != 0 && now < ch->ch_due_ms))
			continue;
		ares_process_fd(ch->ch_ares, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		ch->ch_due_ms = 0;
	}
}

/* Milliseconds until ch's timer is due, or -1 when it has none. */
static int64_t
chan_wait_ms(struct xchan *ch, uint64_t now)
{
	struct timeval	 tv, *tvp;

	if (ch->ch_due_ms == 0) {
		if ((tvp = ares_timeout(ch->ch_ares, NULL, &tv)) == NULL)
			return -1;
		/* Round up: 0.4 ms left must not become a busy poll(0). */
		ch->ch_due_ms = now + (uint64_t)tvp->tv_sec * 1000 +
		    ((uint64_t)tvp->tv_usec + 999) / 1000;
	}
	return ch->ch_due_ms > now ? (int64_t)(ch->ch_due_ms - now) : 0;
}

int64_t
xpoll_timeout_ms(struct xport *xp)
{
	int64_t		 t, best = -1;
	uint64_t	 now = now_ms();
	unsigned int	 i;

	for (i = 0; i < xp->xp_nchans; i++) {
		if (xp->xp_chans[i].ch_busy == 0 ||
		    (t = chan_wait_ms(&xp->xp_chans[i], now)) < 0)
			continue;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}
