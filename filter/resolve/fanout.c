/*
 * fanout: see fanout.h.
 */
#include <arpa/nameser.h>
#include <ares.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "fanout.h"
#include "fcrdns.h"
#include "util.h"

/* One DNS query, waiting for an in-flight slot or sent. */
struct query {
	TAILQ_ENTRY(query)	 q_entry;
	struct lookup		*q_lookup;
	int			 q_type;	/* DNSMSG_T_PTR, _A or _AAAA */
	size_t			 q_index;	/* PTR name a forward query checks */
};

/* The state of one address being resolved. */
struct lookup {
	struct fanout		*lk_fo;
	struct dnsent		*lk_ent;
	uint64_t		 lk_start_us;	/* now_us() */
	unsigned int		 lk_outstanding;
	char			 lk_qname[DNSMSG_PTRNAME_MAX];
	fcrdns_name		*lk_names;	/* lk_fc.fc_nnames of them */
	struct fcrdns		 lk_fc;
};

/*
 * The liveness probe: a name every reachable DNS server answers at once,
 * whatever an attacker controls. Recursive resolvers serve it locally
 * (RFC 6303); an authoritative-only server answers REFUSED, which is a
 * reply too.
 */
#define FANOUT_PROBE_NAME	"1.0.0.127.in-addr.arpa"

/* What a finished query says about the server's reachability. */
enum outcome {
	OUTCOME_REPLY,		/* a reply came back, whatever its rcode */
	OUTCOME_LOST,		/* nothing came back: timeout, port refused */
	OUTCOME_LOCAL		/* failed here (memory, bad name): no news */
};

static void	query_done(void *, int, int, unsigned char *, int);

int
fanout_init(struct fanout *fo, const struct config *cfg, struct stats *st,
    uint64_t now, char *err, size_t errlen)
{
	int	 flags;

	memset(fo, 0, sizeof(*fo));
	fo->fo_cfg = cfg;
	fo->fo_stats = st;
	TAILQ_INIT(&fo->fo_waiting);
	ratelimit_init(&fo->fo_qps, cfg->cf_max_qps, now);
	health_init(&fo->fo_health, (uint64_t)cfg->cf_timeout_ms *
	    cfg->cf_tries);
	/*
	 * NOCHECKRESP: a SERVFAIL, REFUSED or NOTIMP answer is an answer.
	 * Without it c-ares 1.18.1 drops such a reply, moves the query on
	 * to the next server or try, and ends it as ARES_ECONNREFUSED, as
	 * if nothing had come back. With it the reply ends the query (it
	 * is not retried elsewhere) and ares_query maps its rcode to
	 * ARES_ESERVFAIL, ARES_EREFUSED or ARES_ENOTIMP.
	 */
	flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES |
	    ARES_FLAG_NOCHECKRESP;
	fo->fo_xport = xport_create(cfg, st, flags, err, errlen);
	return fo->fo_xport == NULL ? -1 : 0;
}

/* The one teardown of a lookup, settled or cancelled. */
static void
lookup_free(struct lookup *lk)
{
	lk->lk_fo->fo_pending--;
	free(lk->lk_names);
	free(lk);
}

/* One of lk's queries will never be answered (shutting down). */
static void
lookup_cancel_one(struct lookup *lk)
{
	if (--lk->lk_outstanding == 0)
		lookup_free(lk);
}

void
fanout_destroy(struct fanout *fo)
{
	struct query	*q;
	struct lookup	*lk;

	/* In-flight callbacks run now with ARES_EDESTRUCTION. */
	xport_destroy(fo->fo_xport);
	fo->fo_xport = NULL;
	while ((q = TAILQ_FIRST(&fo->fo_waiting)) != NULL) {
		TAILQ_REMOVE(&fo->fo_waiting, q, q_entry);
		lk = q->q_lookup;
		free(q);
		lookup_cancel_one(lk);
	}
}

/* Send name now (lookup query or probe); cb may run before this returns. */
static void
send_query(struct fanout *fo, const char *name, int type, xport_cb *cb,
    void *arg)
{
	fo->fo_inflight++;
	fo->fo_stats->st_queries++;
	ratelimit_spend(&fo->fo_qps);
	xport_query(fo->fo_xport, name, type, cb, arg);
}

/*
 * Queue a query for lk; lk_outstanding must already count it. Forward
 * queries go ahead of waiting PTR queries: finishing lookups already
 * started frees their lines (and the pending bound) sooner.
 */
static void
query_submit(struct fanout *fo, struct lookup *lk, int type, size_t index)
{
	struct query	*q;

	q = xcalloc(1, sizeof(*q));
	q->q_lookup = lk;
	q->q_type = type;
	q->q_index = index;
	if (type == DNSMSG_T_PTR)
		TAILQ_INSERT_TAIL(&fo->fo_waiting, q, q_entry);
	else
		TAILQ_INSERT_HEAD(&fo->fo_waiting, q, q_entry);
}

/* Move waiting queries into flight while slots are free. */
static void
pump(struct fanout *fo)
{
	struct query	*q;
	struct lookup	*lk;

	while (fo->fo_inflight < fo->fo_cfg->cf_max_inflight &&
	    (q = TAILQ_FIRST(&fo->fo_waiting)) != NULL) {
		TAILQ_REMOVE(&fo->fo_waiting, q, q_entry);
		lk = q->q_lookup;
		send_query(fo, q->q_type == DNSMSG_T_PTR ? lk->lk_qname :
		    lk->lk_names[q->q_index], q->q_type, query_done, q);
	}
}

/* lk_fc has settled: publish it in the entry, drop the pin, free lk. */
static void
lookup_settle(struct lookup *lk)
{
	const struct fcrdns	*fc = &lk->lk_fc;
	struct dnsent		*de = lk->lk_ent;
	uint64_t		 now = now_ms();

	dnsent_settle(de, fc->fc_verdict, fc->fc_host, fc->fc_generic,
	    now + (uint64_t)fc->fc_ttl * 1000);
	stats_latency(lk->lk_fo->fo_stats, now_us() - lk->lk_start_us);
	lru_unpin(&de->de_lru);
	lookup_free(lk);
}

/* The PTR answer arrived: settle, or queue the forward queries. */
static void
ptr_answer(struct lookup *lk, enum fcrdns_status st,
    const unsigned char *abuf, int alen)
{
	struct dnsmsg_result	 res;
	const struct dnsmsg_result *rp = NULL;
	size_t			 i, n;
	int			 type;

	if (abuf != NULL && dnsmsg_parse_ptr(abuf, (size_t)alen,
	    lk->lk_qname, &res) == 0)
		rp = &res;
	fcrdns_ptr(&lk->lk_fc, lk->lk_fo->fo_cfg, st, rp);
	if (lk->lk_fc.fc_verdict != VERDICT_PENDING) {
		lookup_settle(lk);
		return;
	}
	n = lk->lk_fc.fc_nnames;
	lk->lk_names = xreallocarray(NULL, n, sizeof(*lk->lk_names));
	memcpy(lk->lk_names, res.dr_names, n * sizeof(*lk->lk_names));
	type = lk->lk_ent->de_addr.ia_family == AF_INET ? DNSMSG_T_A :
	    DNSMSG_T_AAAA;
	lk->lk_outstanding += (unsigned int)n;
	/* In reverse: each goes to the head, so name 0 ends up first. */
	for (i = n; i > 0; i--)
		query_submit(lk->lk_fo, lk, type, i - 1);
}

/* A forward answer arrived; settle once the last one is in. */
static void
fwd_answer(struct lookup *lk, size_t index, enum fcrdns_status st,
    const unsigned char *abuf, int alen)
{
	struct dnsmsg_result	 res;
	const struct dnsmsg_result *rp = NULL;

	if (abuf != NULL && dnsmsg_parse_addr(abuf, (size_t)alen,
	    lk->lk_names[index], &lk->lk_ent->de_addr, &res) == 0)
		rp = &res;
	fcrdns_fwd(&lk->lk_fc, lk->lk_fo->fo_cfg, &lk->lk_ent->de_addr,
	    lk->lk_names, index, st, rp);
	if (lk->lk_fc.fc_verdict != VERDICT_PENDING)
		lookup_settle(lk);
}

/* What an ARES_* status of ares_query means to the decision. */
static enum fcrdns_status
answer_status(int status)
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
static void
count_status(struct stats *st, int status)
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
static enum outcome
outcome(int status, const unsigned char *abuf)
{
	if (abuf != NULL)
		return OUTCOME_REPLY;
	switch (status) {
	case ARES_SUCCESS:
	case ARES_ENODATA:
	case ARES_EFORMERR:
	case ARES_ESERVFAIL:
	case ARES_ENOTFOUND:
	case ARES_ENOTIMP:
	case ARES_EREFUSED:
		return OUTCOME_REPLY;
	case ARES_ETIMEOUT:
	case ARES_ECONNREFUSED:
		return OUTCOME_LOST;
	default:
		return OUTCOME_LOCAL;
	}
}

/* c-ares callback of a liveness probe; arg is the fan-out. */
static void
probe_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct fanout	*fo = arg;

	(void)timeouts;
	(void)alen;
	fo->fo_inflight--;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		health_probe_cancelled(&fo->fo_health);
		return;
	}
	count_status(fo->fo_stats, status);
	/* A probe that could not even be sent counts as lost. */
	if (outcome(status, abuf) == OUTCOME_REPLY)
		health_probe_answered(&fo->fo_health, now_ms());
	else if (health_probe_lost(&fo->fo_health, now_ms()))
		fo->fo_stats->st_backoffs++;
}

/*
 * Send a liveness probe if one is due. Runs outside callbacks; the
 * probe's own callback may run before xport_query() returns, so its state
 * is recorded first.
 */
static void
probe_maybe(struct fanout *fo, uint64_t now)
{
	if (!health_probe_due(&fo->fo_health, now))
		return;
	health_probe_sent(&fo->fo_health, now);
	fo->fo_stats->st_probes++;
	send_query(fo, FANOUT_PROBE_NAME, DNSMSG_T_PTR, probe_done, fo);
}

/* c-ares callback for every query of a lookup. */
static void
query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct query	*q = arg;
	struct lookup	*lk = q->q_lookup;
	struct fanout	*fo = lk->lk_fo;
	size_t		 index = q->q_index;
	int		 type = q->q_type;

	(void)timeouts;
	free(q);
	fo->fo_inflight--;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		lookup_cancel_one(lk);
		return;
	}
	lk->lk_outstanding--;
	count_status(fo->fo_stats, status);
	switch (outcome(status, abuf)) {
	case OUTCOME_REPLY:
		health_reply(&fo->fo_health, now_ms());
		break;
	case OUTCOME_LOST:
		health_lost(&fo->fo_health, now_ms());
		break;
	case OUTCOME_LOCAL:
		break;
	}
	if (abuf == NULL)
		alen = 0;
	if (type == DNSMSG_T_PTR)
		ptr_answer(lk, answer_status(status), abuf, alen);
	else
		fwd_answer(lk, index, answer_status(status), abuf, alen);
}

int
fanout_admit(struct fanout *fo, uint64_t now)
{
	if (health_down(&fo->fo_health))
		return 0;
	return ratelimit_allow(&fo->fo_qps, now);
}

void
fanout_start(struct fanout *fo, struct dnsent *de)
{
	struct lookup	*lk;

	lru_pin(&de->de_lru);		/* the lookup's pin */
	lk = xcalloc(1, sizeof(*lk));
	lk->lk_fo = fo;
	lk->lk_ent = de;
	lk->lk_start_us = now_us();
	lk->lk_outstanding = 1;
	dnsmsg_ptrname(&de->de_addr, lk->lk_qname, sizeof(lk->lk_qname));
	fo->fo_pending++;
	query_submit(fo, lk, DNSMSG_T_PTR, 0);
	pump(fo);
}

void
fanout_run(struct fanout *fo, uint64_t now)
{
	probe_maybe(fo, now);
	pump(fo);
}

int64_t
fanout_timeout_ms(struct fanout *fo, uint64_t now)
{
	int64_t		t, probe;

	/* A probe due later needs a wake-up even with nothing in flight. */
	probe = health_wait_ms(&fo->fo_health, now);
	if ((t = xport_timeout_ms(fo->fo_xport)) < 0)
		return probe;
	return probe >= 0 && probe < t ? probe : t;
}
