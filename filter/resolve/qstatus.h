/*
 * qstatus: what the ARES_* status of one finished query means, in the
 * three places that read it: the FCrDNS decision (fcrdns.h), the rcode
 * counters of --stats (stats.h), and the server's reachability (health.h,
 * rtt.h, lame.h). Pure mappings, no state.
 */
#ifndef QSTATUS_H
#define QSTATUS_H

#include "fcrdns.h"
#include "stats.h"

/* What a finished query says about the server's reachability. */
enum qstatus_outcome {
	QSTATUS_REPLY,		/* a reply came back, whatever its rcode */
	QSTATUS_LOST,		/* nothing came back: timeout, port refused */
	QSTATUS_LOCAL		/* failed here (memory, bad name): no news */
};

/* The status as the FCrDNS decision takes it. */
enum fcrdns_status	qstatus_decision(int status);

/* Count the status: an rcode, a timeout, or another failure. */
void			qstatus_count(struct stats *st, int status);

/* The outcome of a query that ended with status and reply abuf (or NULL). */
enum qstatus_outcome	qstatus_outcome(int status, const unsigned char *abuf);

#endif /* QSTATUS_H */
