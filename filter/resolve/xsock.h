/*
 * xsock: the socket functions the transport gives c-ares
 * (ares_set_socket_functions, with the channel as argument), the place
 * below c-ares where answers are checked (ptrtag(1), DNS TRANSPORT):
 * - sockets open non-blocking and close-on-exec (TCP with TCP_NODELAY)
 *   and are entered in the socket table (xpoll.h) until they close;
 * - a UDP socket's receive and send buffers are raised to hold the
 *   answers and queries of a whole batch (xp_rcvbuf, xp_sndbuf), past
 *   net.core.rmem_max and wmem_max with SO_RCVBUFFORCE where allowed;
 *   a socket left below that is counted (st_sockbuf_capped);
 * - each UDP query datagram leaving notes the ID c-ares gave the query;
 * - a UDP datagram reaches c-ares only if it is an answer whose ID and
 *   exact question (xquestion.h) belong to a query of that channel still
 *   waiting; others are dropped and counted (st_answers_dropped);
 * - a UDP answer longer than c-ares keeps is marked truncated (TC), so
 *   the query is asked again over TCP rather than cut.
 */
#ifndef XSOCK_H
#define XSOCK_H

#include <ares.h>

struct xport;

extern const struct ares_socket_functions xsock_funcs;

/*
 * Size fd's buffers for xp's batch as every UDP socket is sized. Returns
 * 0 when both got what xp wants, else -1; *rcvgot is the receive buffer
 * the kernel granted (SO_RCVBUF as getsockopt reads it; -1 unknown).
 */
int	xsock_size(const struct xport *xp, int fd, int *rcvgot);

/* 1 when fd's buffers, as they are, already hold what xp wants. */
int	xsock_plain(const struct xport *xp, int fd);

#endif /* XSOCK_H */
