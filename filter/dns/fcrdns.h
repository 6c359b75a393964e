/*
 * fcrdns: the forward-confirmed reverse DNS decision (ptrtag.1,
 * VERDICTS), as pure functions of parsed answers: no sockets, no c-ares,
 * no clock, no allocation. The resolver sends the queries and feeds each
 * answer here, summarised as an fcrdns_status and, when the reply parsed,
 * its dnsmsg_result:
 *
 *   fcrdns_ptr()  once, with the PTR answer: settles (none, permerror,
 *                 temperror), or names the PTR names to ask forward;
 *   fcrdns_fwd()  once per forward answer (A for IPv4, AAAA for IPv6),
 *                 in any order: settles when the last one is in.
 *
 * Settled, fc_verdict is no longer VERDICT_PENDING and fc_ttl, fc_host
 * and fc_generic say what to cache and for how long. The TTL rules:
 * a positive answer lives min TTL of the records used, clamped to
 * [--min-ttl, --max-ttl]; no PTR lives the SOA's negative TTL (RFC
 * 2308) clamped to [1, --neg-ttl], or --neg-ttl without one; a DNS
 * failure lives --err-ttl.
 */
#ifndef FCRDNS_H
#define FCRDNS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dnsmsg.h"
#include "ipaddr.h"
#include "verdict.h"

/* What one query got back, as far as the decision cares. */
enum fcrdns_status {
	FCRDNS_ANSWER,		/* NOERROR with data */
	FCRDNS_NONAME,		/* NXDOMAIN, or NOERROR without data */
	FCRDNS_MALFORMED,	/* a reply the transport could not parse */
	FCRDNS_TEMPFAIL		/* timeout, SERVFAIL, REFUSED, NOTIMP, FORMERR,
				   network error: nothing definite */
};

/* The PTR names kept from the PTR answer, asked forward by index. */
typedef char	fcrdns_name[DNSMSG_HOST_MAX + 1];

/* One address's decision; zero it, then feed it the answers. */
struct fcrdns {
	enum verdict	 fc_verdict;	/* VERDICT_PENDING until settled */
	uint32_t	 fc_ttl;	/* seconds to cache the verdict */
	const char	*fc_host;	/* NULL, or one of the names passed */
	int		 fc_generic;	/* fc_host looks provider-made */

	size_t		 fc_nnames;	/* forward queries to send */
	size_t		 fc_nanswered;	/* forward answers fed so far */
	long		 fc_confirmed;	/* lowest confirming index, -1 */
	int		 fc_temperr;	/* a forward answer was not definite */
	uint32_t	 fc_minttl;	/* min positive TTL seen */
};

/*
 * Feed the PTR answer. res is the parsed reply (dnsmsg_parse_ptr
 * returned 0), or NULL when no reply came or it did not parse. Either
 * settles fc, or sets fc_nnames (at most cfg->cf_max_names): the caller
 * keeps res->dr_names[0..fc_nnames) and asks each name forward.
 */
void	fcrdns_ptr(struct fcrdns *fc, const struct config *cfg,
	    enum fcrdns_status st, const struct dnsmsg_result *res);

/*
 * Feed the forward answer for names[index], parsed with
 * dnsmsg_parse_addr for the wanted address ia (res NULL as above).
 * names (only read) are the fc_nnames names kept after fcrdns_ptr();
 * fc_host points into them once settled. The host reported is the first
 * name that confirmed, else the first name.
 */
void	fcrdns_fwd(struct fcrdns *fc, const struct config *cfg,
	    const struct ipaddr *ia, fcrdns_name *names, size_t index,
	    enum fcrdns_status st, const struct dnsmsg_result *res);

#endif /* FCRDNS_H */
