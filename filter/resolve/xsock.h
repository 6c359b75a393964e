/*
 * xsock: the socket functions the transport gives c-ares
 * (ares_set_socket_functions, with the channel as argument), the place
 * below c-ares where answers are checked (ptrtag(1), DNS TRANSPORT):
 * - sockets open non-blocking and close-on-exec (TCP with TCP_NODELAY)
 *   and are entered in the socket table (xpoll.h) until they close;
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

extern const struct ares_socket_functions xsock_funcs;

#endif /* XSOCK_H */
