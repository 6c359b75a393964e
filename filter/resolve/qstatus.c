/*
 * qstatus: see qstatus.h.
 */
#include <ares.h>
#include <stddef.h>

#include "qstatus.h"

/* What an ARES_* status of ares_query means to the decision. */
enum fcrdns_status
qstatus_decision(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return FCRDNS_ANSWER;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		return FCRDNS_NONAME;
	case ARES_EBADRESP:
		return FCRDNS_MALFORMED;
	default:
		return FCRDNS_TEMPFAIL;
	}
}

/* Count the answer status of one query. */
void
qstatus_count(struct stats *st, int status)
{
	switch (status) {
	case ARES_SUCCESS:
	case ARES_ENODATA:
		stats_rcode(st, STATS_RCODE_NOERROR);
		break;
	case ARES_EFORMERR:
		stats_rcode(st, STATS_RCODE_FORMERR);
		break;
	case ARES_ESERVFAIL:
		stats_rcode(st, STATS_RCODE_SERVFAIL);
		break;
	case ARES_ENOTFOUND:
		stats_rcode(st, STATS_RCODE_NXDOMAIN);
		break;
	case ARES_ENOTIMP:
		stats_rcode(st, STATS_RCODE_NOTIMP);
		break;
	case ARES_EREFUSED:
		stats_rcode(st, STATS_RCODE_REFUSED);
		break;
	case ARES_ETIMEOUT:
		st->st_timeouts++;
		break;
	default:
		st->st_rcode_other++;
		break;
	}
}

/*
 * With ARES_FLAG_NOCHECKRESP, c-ares hands over every reply it matched
 * to a query (abuf set); ARES_ECONNREFUSED is left only for socket
 * errors such as an ICMP port unreachable, which is "nothing came back".
 */
enum qstatus_outcome
qstatus_outcome(int status, const unsigned char *abuf)
{
	if (abuf != NULL)
		return QSTATUS_REPLY;
	switch (status) {
	case ARES_SUCCESS:
	case ARES_ENODATA:
	case ARES_EFORMERR:
	case ARES_ESERVFAIL:
	case ARES_ENOTFOUND:
	case ARES_ENOTIMP:
	case ARES_EREFUSED:
		return QSTATUS_REPLY;
	case ARES_ETIMEOUT:
	case ARES_ECONNREFUSED:
		return QSTATUS_LOST;
	default:
		return QSTATUS_LOCAL;
	}
}
