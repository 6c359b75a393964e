/*
 * xpool: which channel takes a query (see xport_impl.h for the pool's
 * invariants; ptrtag(1), DNS TRANSPORT):
 * - waiting queries go, first come first served, to an idle UDP channel
 *   (new socket, new source port), else to one whose sockets have taken
 *   fewer than xp_batch queries, else they keep waiting;
 * - an answer with TC set is asked again over an idle TCP channel, which
 *   carries that one query alone; a TCP answer whose question is not the
 *   query's, byte for byte, fails the query (ARES_ECONNREFUSED).
 */
#ifndef XPOOL_H
#define XPOOL_H

#include "xport_impl.h"

/*
 * Move waiting queries (xp_wait_tcp first, then xp_wait_udp) into free
 * channels. Callbacks of queries that end at once may run before this
 * returns.
 */
void	xpool_pump(struct xport *xp);

/* Hand q's outcome to its caller's callback and free q. */
void	xpool_finish(struct xquery *q, int status, int timeouts,
	    unsigned char *abuf, int alen);

#endif /* XPOOL_H */
