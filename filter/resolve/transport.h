/*
 * transport: how queries leave and answers come back. Sends one DNS
 * query (name, type) and calls back with the answer, owning every c-ares
 * channel, socket, poll entry and timer (ptrtag(1), DNS TRANSPORT):
 * - a pool of UDP channels, each taking at most a small batch of queries
 *   per socket lifetime, so the source port changes often;
 * - randomised 0x20 letter case on every query name, and only answers
 *   whose ID and question match a query byte for byte are let through;
 * - a truncated UDP answer is asked again over a TCP channel that
 *   carries that one query alone, so a failed TCP exchange fails only it;
 * - the poll set follows c-ares' socket-state callback (no 16-socket cap);
 * - the soft RLIMIT_NOFILE is raised, best effort, towards room for one
 *   socket per server per channel;
 * - each UDP socket's buffers are sized for a whole batch of answers.
 * Nothing here prints or exits; a configuration error comes back as a
 * message in the caller's buffer. The parts and their shared invariants
 * are listed in xport_impl.h.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stats.h"

/* Same shape as c-ares' ares_callback; status is an ARES_* code. */
typedef void	xport_cb(void *arg, int status, int timeouts,
		    unsigned char *abuf, int alen);

struct xport;

/*
 * Create every channel now (c-ares reads resolv.conf only here), with
 * cfg's servers, timeout and tries and the c-ares flags given (the
 * transport adds its own). Returns NULL with a message in err on a
 * configuration error.
 */
struct xport	*xport_create(const struct config *cfg, struct stats *st,
		    int ares_flags, char *err, size_t errlen);

/* Every query still open is called back with ARES_EDESTRUCTION. */
void		 xport_destroy(struct xport *xp);

/*
 * Send a query for name (class IN) and type. cb runs exactly once, from
 * xport_process() or xport_destroy(), or before this returns when the
 * query cannot be built or no server is configured.
 */
void		 xport_query(struct xport *xp, const char *name, int type,
		    xport_cb *cb, void *arg);

/* How many poll entries xport_pollfds() may fill at most right now. */
int		 xport_npollfds(const struct xport *xp);

/*
 * Fill at most max entries of pfd with what to poll: one, the epoll set
 * of the sockets with events, or none. Returns n.
 */
int		 xport_pollfds(struct xport *xp, struct pollfd *pfd, int max);

/* Milliseconds until a timer is due, or -1 when nothing is in flight. */
int64_t		 xport_timeout_ms(struct xport *xp);

/*
 * Handle the entries of pfd[0..n) that poll marked (filled by the last
 * xport_pollfds), run due timers, start queries that waited. Callbacks
 * run here.
 */
void		 xport_process(struct xport *xp, const struct pollfd *pfd,
		    int n);

/*
 * The receive buffer every UDP socket of the pool asks for (*want, as
 * the kernel counts it) and what a socket sized at start was granted
 * (*got, -1 when unknown). Returns 1 when the kernel held it below
 * *want (net.core.rmem_max, without CAP_NET_ADMIN), else 0.
 */
int		 xport_sockbuf(const struct xport *xp, int *want, int *got);

/* The pool's rule (ptrtag(1)): channels and queries per socket. */
unsigned int	 xport_batch(const struct xport *xp);
unsigned int	 xport_channels(const struct xport *xp);

#endif /* TRANSPORT_H */
