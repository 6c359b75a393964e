/*
 * xport_impl: the transport's own types, shared by the modules that make
 * it up (transport.h is the only interface outside): transport.c (create,
 * destroy, queries), xpool.c (which channel takes a query, TCP retry),
 * xsock.c (the socket functions c-ares calls), xpoll.c (the socket table
 * and the poll set). Invariants every one of them keeps:
 * - Every c-ares socket is opened and closed through xsock.c
 *   (ares_set_socket_functions), so xp_socks maps each open descriptor
 *   to its channel and ch_nsock counts a channel's sockets.
 * - Only the first UDP and the first TCP channel are made at start, as
 *   models; the others (ch_ares NULL) are copied from them when first
 *   picked (xport_chan_open), so unmade channels have no query and no
 *   socket and every loop over the pool passes them by (ch_busy 0).
 * - A channel with no query and no socket is idle. c-ares 1.18.1 closes
 *   all of a channel's sockets when its last query ends (no
 *   ARES_FLAG_STAYOPEN), so the next query on it gets a new socket and a
 *   new random source port. A UDP channel takes at most xp_batch queries
 *   between two idle times (ch_epoch); an idle channel is preferred.
 * - A TCP channel (ARES_FLAG_USEVC) carries one query at a time, so a
 *   reset, closed or never accepted connection, which c-ares handles by
 *   failing over every query on that channel, fails that query alone.
 * - A socket costs as few system calls as it can, since under light load
 *   there is one per query: socket(2) makes it non-blocking and
 *   close-on-exec, its buffers are sized only when the kernel's defaults
 *   fall short (xsock.c, bufs_known), and its close(2) takes it out of
 *   the epoll set (xpoll.c, set_events).
 * - A query is on exactly one list: xp_wait_udp, xp_wait_tcp, or its
 *   channel's ch_queries while c-ares holds it.
 * - New queries go into c-ares only from xpool_pump() and the truncation
 *   path of its query callback; never into a channel whose last query is
 *   ending (it is not idle until c-ares closed its sockets).
 * - ch_due_ms, when not 0, is when the earliest timer of the channel's
 *   queries falls due (now_ms(), rounded up), as ares_timeout() said
 *   after the last call into the channel: every call that can change it
 *   (a query sent, ares_process_fd, a query's end) sets it back to 0. A
 *   channel is called for its timers only once that time has come, so a
 *   turn of the loop costs a call per channel that has work, not one per
 *   busy channel (256 of them at the default -j).
 */
#ifndef XPORT_IMPL_H
#define XPORT_IMPL_H

#include <sys/queue.h>

#include <ares.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "xquestion.h"

#define XPORT_NAME_MAX		256

struct xchan;

struct xquery {
	TAILQ_ENTRY(xquery)	 xq_entry;
	struct xport		*xq_xp;
	struct xchan		*xq_ch;		/* NULL while waiting */
	ares_callback		 xq_cb;		/* the caller's xport_cb */
	void			*xq_arg;
	int			 xq_type;
	int			 xq_idset;	/* xq_id seen on a datagram */
	uint16_t		 xq_id;
	size_t			 xq_qlen;
	uint8_t			 xq_q[XQUESTION_MAX];	/* as sent */
	char			 xq_name[XPORT_NAME_MAX]; /* 0x20 case */
};
TAILQ_HEAD(xquery_list, xquery);

struct xchan {
	ares_channel		 ch_ares;
	struct xport		*ch_xp;
	int			 ch_tcp;
	unsigned int		 ch_nsock;	/* sockets open */
	unsigned int		 ch_epoch;	/* queries since last idle */
	unsigned int		 ch_busy;	/* queries held by c-ares */
	unsigned int		 ch_round;	/* last xpoll_run() round */
	uint64_t		 ch_due_ms;	/* timer due (now_ms); 0: ask */
	struct xquery_list	 ch_queries;
};

struct xsock {
	struct xchan	*xs_ch;		/* NULL: not a c-ares socket */
	uint64_t	 xs_gen;	/* xp_gen when opened */
	short		 xs_events;	/* what c-ares polls it for; 0: none */
	int		 xs_inset;	/* in xp_epfd (see xpoll.c) */
	int		 xs_udp;
};

struct xport {
	struct stats		*xp_stats;
	struct xchan		*xp_chans;	/* UDP, then TCP */
	unsigned int		 xp_nudp;
	unsigned int		 xp_nchans;
	unsigned int		 xp_batch;
	unsigned int		 xp_next;	/* where the UDP scan starts */
	unsigned int		 xp_round;
	size_t			 xp_udpmax;	/* longer: taken as truncated */
	int			 xp_rcvbuf;	/* SO_RCVBUF wanted, kernel */
	int			 xp_sndbuf;	/* SO_SNDBUF wanted, kernel */
	int			 xp_rcvbuf_got;	/* what a test socket got */
	int			 xp_bufs_plain;	/* see xsock.c, bufs_known() */
	unsigned int		 xp_opened;	/* UDP sockets opened */
	struct xquery_list	 xp_wait_udp;
	struct xquery_list	 xp_wait_tcp;
	struct xsock		*xp_socks;	/* indexed by descriptor */
	size_t			 xp_nsocks;
	int			 xp_epfd;	/* epoll: sockets with events */
	size_t			 xp_nactive;	/* sockets in xp_epfd */
	uint64_t		 xp_gen;
	uint64_t		 xp_pollgen;	/* xp_gen at the last poll */
};

/*
 * Make channel ch, if it is not made yet, as a copy of its kind's model
 * (transport.c). Returns 0, or -1 when it cannot be made with a key of
 * its own (no memory, or no descriptor to read /dev/urandom): the caller
 * passes it over and tries again on a later pick.
 */
int	xport_chan_open(struct xport *xp, struct xchan *ch);

#endif /* XPORT_IMPL_H */
