/*
 * rack: which queries in flight have been passed, as TCP's RACK-TLP
 * tells lost segments (RFC 8985): a query is passed when a query sent
 * after it has been answered. Only a passed query may be given up at the
 * learned wait (rtt.h; ptrtag.1, LINE DELAY): a server working through a
 * burst in order answers every query later than the last, and none of
 * them is passed, however long they take. And a tail probe: when the
 * oldest query not passed has been in flight for the learned wait with
 * nothing sent after it answered, one query sent now tells, once it is
 * answered, whether the server is merely slow or the query is lost. As
 * RACK, it keeps the round trip of the last query answered (by send
 * order): a query passed is not given up before that round trip plus a
 * reordering window, so answers that come in a burst after a stall, a
 * little out of order, are not taken for lost. No I/O, no clock: every
 * call takes the time, so tests replay any history.
 *
 * Sequence numbers are 32 bits and compared as serial numbers: fine for
 * any two queries less than 2^31 apart, far more than are ever in flight.
 */
#ifndef RACK_H
#define RACK_H

#include <sys/queue.h>

#include <stdint.h>

/* One query's record, embedded in the caller's query. */
struct rack_sent {
	TAILQ_ENTRY(rack_sent)	 rs_entry;	/* on rk_unpassed */
	uint64_t		 rs_sent_ms;
	uint32_t		 rs_seq;
	int			 rs_listed;
};

/* Embedded in its owner; the members are private to rack.c. */
struct rack {
	TAILQ_HEAD(, rack_sent)	 rk_unpassed;	/* in flight, in send order */
	uint32_t		 rk_seq;	/* the last one sent */
	uint32_t		 rk_answered;	/* the last sent that answered */
	uint64_t		 rk_rtt_ms;	/* its round trip */
	uint32_t		 rk_probe_seq;	/* the last tail probe */
	int			 rk_probing;	/* a tail probe in flight */
	int			 rk_probed;	/* rk_probe_seq is set */
};

void	rack_init(struct rack *rk);

/*
 * rs goes out at now_ms: it gets the next sequence number (returned)
 * and, with watch, waits on the list of queries not passed until
 * rack_done(). Probes are not watched: no line waits for them, but their
 * replies pass the queries sent before them.
 */
uint32_t rack_sent(struct rack *rk, struct rack_sent *rs, uint64_t now_ms,
	    int watch);

/*
 * rs ended (any way: reply, loss, cancelled); replied_ms is when a reply
 * of any rcode came, which passes every query sent before it, or 0 when
 * none came.
 */
void	rack_done(struct rack *rk, struct rack_sent *rs, uint64_t replied_ms);

/* 1 when a query sent after the one numbered seq has been answered. */
int	rack_passed(const struct rack *rk, uint32_t seq);

/*
 * The last query answered, as rack_passed() needs it; for callers that
 * hand it on (dnsent_wait_until).
 */
uint32_t rack_answered(const struct rack *rk);

/* The round trip of the last query answered (by send order); 0: none. */
uint64_t rack_rtt_ms(const struct rack *rk);

/*
 * Milliseconds until a tail probe is due (0: now), or -1 when none will
 * be: the oldest query not passed has been in flight for wait_ms, no
 * tail probe is in flight, and none was sent after that query.
 */
int64_t	rack_probe_wait(const struct rack *rk, uint64_t now_ms,
	    uint32_t wait_ms);

/*
 * A tail probe goes out as rs (rack_sent() it first, unwatched); its end
 * comes back through rack_probe_done(), not rack_done().
 */
void	rack_probe_sent(struct rack *rk, const struct rack_sent *rs);
void	rack_probe_done(struct rack *rk, struct rack_sent *rs,
	    uint64_t replied_ms);

#endif /* RACK_H */
