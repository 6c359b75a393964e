/*
 * xpoll: the transport's socket table and poll set (see xport_impl.h).
 * Every socket c-ares opens is entered here with its channel; the events
 * to poll it for follow c-ares' socket-state callback, so the poll set
 * holds exactly the sockets with events, with no fixed cap (ptrtag(1),
 * DNS TRANSPORT). The set is an epoll instance, which the loop's poll
 * set holds as one descriptor.
 */
#ifndef XPOLL_H
#define XPOLL_H

#include <poll.h>
#include <stdint.h>

#include <ares.h>

#include "xport_impl.h"

/* Make the empty epoll set; 0, or -1 with errno. Before the sandbox. */
int		 xpoll_open(struct xport *xp);

/* Close it (after every socket is closed). */
void		 xpoll_close(struct xport *xp);

/* The entry of fd while it is a c-ares socket of xp, else NULL. */
struct xsock	*xpoll_get(struct xport *xp, int fd);

/* Enter the new socket fd of channel ch (UDP or not), polled for nothing. */
void		 xpoll_add(struct xport *xp, int fd, struct xchan *ch,
		    int udp);

/*
 * Take fd out of the table before it is closed; the close takes it out
 * of the poll set.
 */
void		 xpoll_remove(struct xport *xp, int fd);

/* c-ares' socket-state callback (arg is the xport): what to poll for. */
void		 xpoll_state(void *arg, ares_socket_t fd, int readable,
		    int writable);

/*
 * Fill pfd[0] with the epoll set when a socket has events (max >= 1);
 * returns 1, or 0 when none has.
 */
int		 xpoll_fill(struct xport *xp, struct pollfd *pfd, int max);

/*
 * When poll marked pfd[0] (n is what xpoll_fill() returned), hand c-ares
 * the sockets the epoll set reports ready, skipping descriptors reopened
 * since; then advance the timers of every other busy channel whose timer
 * is due. Query callbacks run here.
 */
void		 xpoll_run(struct xport *xp, const struct pollfd *pfd, int n);

/* Milliseconds until a busy channel's timer is due, or -1: none busy. */
int64_t		 xpoll_timeout_ms(struct xport *xp);

#endif /* XPOLL_H */
