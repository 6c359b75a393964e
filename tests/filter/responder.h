/*
 * responder: a scripted DNS server for the unit tests (test_resolver,
 * test_transport), on 127.0.0.1 at a port the kernel picks. One thread
 * serves UDP on that port and TCP on the same port (RFC 1035 framing: a
 * two-byte length before each message, several queries per connection),
 * as c-ares expects of a server. Each query goes to the test's reply
 * function, which says whether and what to answer; the thread never
 * touches criterion, so the test asserts on what the function recorded.
 */
#ifndef RESPONDER_H
#define RESPONDER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "dnspkt.h"

/* Conversations over TCP at once; more are refused (closed at once). */
#define RESPONDER_CONNS		8

/*
 * Build the reply to query q[0..n), received over TCP when tcp is 1, in
 * pk. Returns 0 to send pk, -1 to stay silent. Runs on the responder
 * thread.
 */
typedef int	responder_fn(void *arg, const uint8_t *q, size_t n, int tcp,
		    struct pkt *pk);

struct responder {
	responder_fn		*rs_fn;
	void			*rs_arg;
	int			 rs_udp;
	int			 rs_listen;
	int			 rs_conn[RESPONDER_CONNS];	/* or -1 */
	volatile int		 rs_stopping;
	pthread_t		 rs_thread;
	struct pkt		 rs_pkt;
	char			 rs_servers[64];	/* "127.0.0.1:PORT" */
};

/* Bind both sockets and start the thread. Returns 0, or -1 with errno. */
int	responder_start(struct responder *rs, responder_fn *fn, void *arg);

/* Stop the thread and close every socket. */
void	responder_stop(struct responder *rs);

/*
 * The question of query q[0..n): its name as dotted text (letter case as
 * sent) in name, its type, and the offset just past its class in *end.
 * Returns 0, or -1 when there is none or it does not fit namesz.
 */
int	responder_question(const uint8_t *q, size_t n, char *name,
	    size_t namesz, unsigned int *type, size_t *end);

/*
 * Start the reply to q in pk: q's header and question byte for byte
 * (qlen bytes, from responder_question()'s end), QR set, RD echoed, the
 * given RCODE, no records yet.
 */
void	responder_echo(struct pkt *pk, const uint8_t *q, size_t qlen,
	    unsigned int rcode);

#endif /* RESPONDER_H */
