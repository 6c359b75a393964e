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
#include "qstatus.h"
#include "util.h"

/* One DNS query, waiting for an in-flight slot or sent. */
struct query {
	TAILQ_ENTRY(query)	 q_entry;
	struct lookup		*q_lookup;
	int			 q_type;	/* DNSMSG_T_PTR, _A or _AAAA */
	size_t			 q_index;	/* PTR name a forward query checks */
	struct rack_sent	 q_rs;		/* once sent */
};

/* The state of one address being resolved. */
struct lookup {
	struct fanout		*lk_fo;
	struct dnsent		*lk_ent;
	uint64_t		 lk_start_us;	/* now_us() */
	unsigned int		 lk_outstanding;
	unsigned int		 lk_queued;	/* of them in the FIFO */
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
	rtt_init(&fo->fo_rtt, cfg->cf_min_wait_ms, cfg->cf_max_delay_ms);
	lame_init(&fo->fo_lame, (uint64_t)cfg->cf_err_ttl * 1000);
	rack_init(&fo->fo_rack);
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
	lk->lk_queued++;
	lk->lk_ent->de_sent_ms = 0;
	if (type == DNSMSG_T_PTR)
		TAILQ_INSERT_TAIL(&fo->fo_waiting, q, q_entry);
	else
		TAILQ_INSERT_HEAD(&fo->fo_waiting, q, q_entry);
}

/* Move waiting queries into flight while slots are free, stamped now. */
static void
pump(struct fanout *fo)
{
	struct query	*q;
	struct lookup	*lk;
	uint64_t	 now = now_ms();
	uint32_t	 seq;

	while (fo->fo_inflight < fo->fo_cfg->cf_max_inflight &&
	    (q = TAILQ_FIRST(&fo->fo_waiting)) != NULL) {
		TAILQ_REMOVE(&fo->fo_waiting, q, q_entry);
		lk = q->q_lookup;
		seq = rack_sent(&fo->fo_rack, &q->q_rs, now, 1);
		if (--lk->lk_queued == 0) {
			lk->lk_ent->de_sent_ms = now;
			lk->lk_ent->de_seq = seq;
		}
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

/*
 * What both probes' callbacks do first: 0 when cancelled (nothing to
 * learn), else 1, the status counted, *replied 1 for a reply of any rcode.
 */
static int
probe_end(struct fanout *fo, int status, const unsigned char *abuf,
    int *replied)
{
	fo->fo_inflight--;
	*replied = 0;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
		return 0;
	qstatus_count(fo->fo_stats, status);
	*replied = qstatus_outcome(status, abuf) == QSTATUS_REPLY;
	return 1;
}

/* c-ares callback of a liveness probe; arg is the fan-out. */
static void
probe_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct fanout	*fo = arg;
	int		 replied;

	(void)timeouts;
	(void)alen;
	if (!probe_end(fo, status, abuf, &replied)) {
		rack_done(&fo->fo_rack, &fo->fo_probe_rs, 0);
		health_probe_cancelled(&fo->fo_health);
		return;
	}
	rack_done(&fo->fo_rack, &fo->fo_probe_rs, replied ? now_ms() : 0);
	/* A probe that could not even be sent counts as lost. */
	if (replied)
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
	(void)rack_sent(&fo->fo_rack, &fo->fo_probe_rs, now, 0);
	send_query(fo, FANOUT_PROBE_NAME, DNSMSG_T_PTR, probe_done, fo);
}

/* c-ares callback of a tail probe (rack.h); arg is the fan-out. */
static void
tail_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct fanout	*fo = arg;
	int		 replied;

	(void)timeouts;
	(void)alen;
	if (probe_end(fo, status, abuf, &replied) && replied)
		health_reply(&fo->fo_health, now_ms());
	rack_probe_done(&fo->fo_rack, &fo->fo_tail_rs, replied ? now_ms() : 0);
}

/*
 * How long a passed query is waited for at now (ptrtag.1, LINE DELAY):
 * the learned wait (rtt.h), and at least the round trip of the last
 * query answered plus a reordering window of a quarter of SRTT (rack.h),
 * never more than -d.
 */
static uint32_t
passed_wait(struct fanout *fo, uint64_t now)
{
	uint64_t	w = rtt_wait_ms(&fo->fo_rtt, now), r;

	r = rack_rtt_ms(&fo->fo_rack) + rtt_srtt_ms(&fo->fo_rtt) / 4;
	if (r > w)
		w = r;
	return w > fo->fo_cfg->cf_max_delay_ms ? fo->fo_cfg->cf_max_delay_ms :
	    (uint32_t)w;
}

/*
 * Milliseconds until a tail probe is due (rack.h), or -1: none is. Only
 * while the wait is shorter than -d: else no line would leave any sooner
 * for what the probe tells.
 */
static int64_t
tail_wait(struct fanout *fo, uint64_t now)
{
	uint32_t	w = passed_wait(fo, now);

	if (w >= fo->fo_cfg->cf_max_delay_ms)
		return -1;
	return rack_probe_wait(&fo->fo_rack, now, w);
}

/*
 * Send a tail probe if one is due: the oldest query not passed has been
 * in flight for the learned wait. The same name as the liveness probe,
 * and the same rules: outside callbacks, state recorded first.
 */
static void
tail_maybe(struct fanout *fo, uint64_t now)
{
	if (tail_wait(fo, now) != 0)
		return;
	(void)rack_sent(&fo->fo_rack, &fo->fo_tail_rs, now, 0);
	rack_probe_sent(&fo->fo_rack, &fo->fo_tail_rs);
	fo->fo_stats->st_tail_probes++;
	send_query(fo, FANOUT_PROBE_NAME, DNSMSG_T_PTR, tail_done, fo);
}

/* A reply took ms after timeouts tries: teach the learned wait (rtt.h). */
static void
learn(struct fanout *fo, uint64_t now, uint64_t took, int timeouts)
{
	struct stats	*st = fo->fo_stats;

	if (timeouts > 0) {
		rtt_retried(&fo->fo_rtt);
		st->st_rtt_retried++;
		return;
	}
	rtt_sample(&fo->fo_rtt, now, took);
	st->st_srtt_ms = rtt_srtt_ms(&fo->fo_rtt);
	st->st_rttvar_ms = rtt_rttvar_ms(&fo->fo_rtt);
	st->st_rtt_max_ms = rtt_max_ms(&fo->fo_rtt);
}

/*
 * What a PTR query's outcome says about the address's reverse zone
 * (lame.h). Silence counts against the zone only when it timed out while
 * the server answered something else since the query was sent: a
 * refused port or a silent server is the server's fault.
 */
static void
zone_news(struct fanout *fo, const struct lookup *lk,
    enum qstatus_outcome oc, int status, uint64_t sent, uint64_t now)
{
	const struct ipaddr	*ia = &lk->lk_ent->de_addr;

	if (oc == QSTATUS_REPLY)
		lame_answered(&fo->fo_lame, ia);
	else if (oc == QSTATUS_LOST && status == ARES_ETIMEOUT &&
	    health_reply_ms(&fo->fo_health) >= sent) {
		if (lame_lost(&fo->fo_lame, ia, lk->lk_start_us / 1000, now))
			fo->fo_stats->st_zones_lame++;
	} else
		lame_void(&fo->fo_lame, ia);
}

/* c-ares callback for every query of a lookup. */
static void
query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct query		*q = arg;
	struct lookup		*lk = q->q_lookup;
	struct fanout		*fo = lk->lk_fo;
	size_t			 index = q->q_index;
	uint64_t		 sent = q->q_rs.rs_sent_ms, now = now_ms();
	int			 type = q->q_type;
	enum qstatus_outcome	 oc = qstatus_outcome(status, abuf);

	fo->fo_inflight--;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		rack_done(&fo->fo_rack, &q->q_rs, 0);
		free(q);
		lookup_cancel_one(lk);
		return;
	}
	rack_done(&fo->fo_rack, &q->q_rs, oc == QSTATUS_REPLY ? now : 0);
	free(q);
	lk->lk_outstanding--;
	qstatus_count(fo->fo_stats, status);
	if (oc == QSTATUS_REPLY) {
		health_reply(&fo->fo_health, now);
		learn(fo, now, now - sent, timeouts);
	} else if (oc == QSTATUS_LOST)
		health_lost(&fo->fo_health, now);
	if (abuf == NULL)
		alen = 0;
	if (type == DNSMSG_T_PTR) {
		zone_news(fo, lk, oc, status, sent, now);
		ptr_answer(lk, qstatus_decision(status), abuf, alen);
	} else
		fwd_answer(lk, index, qstatus_decision(status), abuf, alen);
}

int
fanout_admit(struct fanout *fo, uint64_t now)
{
	if (health_down(&fo->fo_health))
		return 0;
	return ratelimit_allow(&fo->fo_qps, now);
}

enum lame_say
fanout_lame(struct fanout *fo, const struct ipaddr *ia, uint64_t now)
{
	enum lame_say	say = lame_check(&fo->fo_lame, ia, now);

	if (say == LAME_SKIP)
		fo->fo_stats->st_zone_skipped++;
	else if (say == LAME_PROBE)
		fo->fo_stats->st_zone_probes++;
	return say;
}

void
fanout_lame_void(struct fanout *fo, const struct ipaddr *ia)
{
	lame_void(&fo->fo_lame, ia);
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
	tail_maybe(fo, now);
	pump(fo);
}

void
fanout_wait(struct fanout *fo, uint64_t now, struct dnsent_wait *dw)
{
	dw->dw_wait_ms = passed_wait(fo, now);
	dw->dw_rack = &fo->fo_rack;
	fo->fo_stats->st_wait_ms = dw->dw_wait_ms;
}

/* t lowered to u when u comes first; -1 means none. */
static int64_t
sooner(int64_t t, int64_t u)
{
	return t < 0 || (u >= 0 && u < t) ? u : t;
}

int64_t
fanout_timeout_ms(struct fanout *fo, uint64_t now)
{
	int64_t		t;

	t = xport_timeout_ms(fo->fo_xport);
	/* Probes due later need a wake-up even with nothing in flight. */
	t = sooner(t, health_wait_ms(&fo->fo_health, now));
	return sooner(t, tail_wait(fo, now));
}
