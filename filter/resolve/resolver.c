/*
 * resolver: see resolver.h.
 *
 * Lifetime rules (c-ares callbacks can run inside ares_query() itself,
 * inside ares_process_fd() and inside ares_destroy()):
 * - A lookup pins its cache entry from creation until it settles, so the
 *   entry can never be evicted under a callback.
 * - lk_outstanding counts queries queued or in flight; it is raised
 *   before a query is submitted and lowered first thing in its callback.
 * - A callback frees its own struct query and never touches another.
 * - New queries are only taken off the waiting FIFO by pump(), which runs
 *   outside callbacks, so completion never recurses without bound.
 */
#include <arpa/nameser.h>
#include <ares.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "bounds.h"
#include "dnsmsg.h"
#include "generic.h"
#include "health.h"
#include "resolver.h"
#include "transport.h"
#include "util.h"

/* One DNS query, waiting for an in-flight slot or sent. */
struct query {
	TAILQ_ENTRY(query)	 q_entry;
	struct lookup		*q_lookup;
	int			 q_type;	/* DNSMSG_T_PTR, _A or _AAAA */
	size_t			 q_index;	/* PTR name a forward query checks */
};
TAILQ_HEAD(query_fifo, query);

/* The state of one address being resolved. */
struct lookup {
	struct rsv		*lk_rsv;
	struct dnsent		*lk_ent;
	uint64_t		 lk_start_ms;
	unsigned int		 lk_outstanding;
	char			 lk_qname[DNSMSG_PTRNAME_MAX];
	size_t			 lk_nnames;
	char			(*lk_names)[DNSMSG_HOST_MAX + 1];
	long			 lk_confirmed;	/* lowest confirming index, -1 */
	int			 lk_fwd_temperr;
	uint32_t		 lk_ttl;	/* min positive TTL seen */
};

struct rsv {
	struct xport		*rs_xport;
	const struct config	*rs_cfg;
	struct stats		*rs_stats;
	struct lru		*rs_cache;
	struct query_fifo	 rs_waiting;
	size_t			 rs_inflight;
	size_t			 rs_pending;	/* unsettled lookups */
	size_t			 rs_max_pending;

	/*
	 * Is the server reachable (health.h)? Fed by every query's outcome
	 * (query_done) and by the liveness probes (probe_done); while it
	 * says down, new addresses are shed as "skipped".
	 */
	struct health		 rs_health;

	/* --max-qps token bucket, in thousandths of a query. */
	int64_t			 rs_tokens;
	uint64_t		 rs_tokens_ms;
};

/*
 * The liveness probe: a name every reachable DNS server answers at once,
 * whatever an attacker controls. Recursive resolvers serve it locally
 * (RFC 6303); an authoritative-only server answers REFUSED, which is a
 * reply too.
 */
#define RSV_PROBE_NAME		"1.0.0.127.in-addr.arpa"

static void	query_done(void *, int, int, unsigned char *, int);

static void
dnsent_drop(struct lru_entry *le, void *arg)
{
	struct dnsent	*de = (struct dnsent *)le;

	(void)arg;
	free(de->de_host);
	free(de);
}

size_t
rsv_inflight(const struct rsv *rsv)
{
	return rsv->rs_inflight;
}

int
rsv_saturated(const struct rsv *rsv)
{
	return rsv->rs_pending >= rsv->rs_max_pending &&
	    !health_down(&rsv->rs_health);
}

size_t
rsv_pending(const struct rsv *rsv)
{
	return rsv->rs_pending;
}

size_t
rsv_cached(const struct rsv *rsv)
{
	return lru_count(rsv->rs_cache);
}

uint64_t
rsv_evictions(const struct rsv *rsv)
{
	return lru_evictions(rsv->rs_cache);
}

struct rsv *
rsv_create(const struct config *cfg, struct stats *st, char *errbuf,
    size_t errlen)
{
	struct rsv		*rsv;
	int			 flags;

	rsv = xcalloc(1, sizeof(*rsv));
	rsv->rs_cfg = cfg;
	rsv->rs_stats = st;
	TAILQ_INIT(&rsv->rs_waiting);
	rsv->rs_tokens = (int64_t)cfg->cf_max_qps * 1000;
	rsv->rs_tokens_ms = now_ms();
	health_init(&rsv->rs_health, (uint64_t)cfg->cf_timeout_ms *
	    cfg->cf_tries);
	rsv->rs_max_pending = pending_bound(cfg->cf_max_inflight);
	if ((rsv->rs_cache = lru_create(cfg->cf_cache_size, dnsent_drop,
	    NULL)) == NULL)
		err(1, NULL);

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
	if ((rsv->rs_xport = xport_create(cfg, st, flags, errbuf, errlen)) ==
	    NULL) {
		lru_destroy(rsv->rs_cache);
		free(rsv);
		return NULL;
	}
	return rsv;
}

void
rsv_destroy(struct rsv *rsv)
{
	struct query	*q;
	struct lookup	*lk;

	if (rsv == NULL)
		return;
	/* In-flight callbacks run now with ARES_EDESTRUCTION. */
	xport_destroy(rsv->rs_xport);
	while ((q = TAILQ_FIRST(&rsv->rs_waiting)) != NULL) {
		TAILQ_REMOVE(&rsv->rs_waiting, q, q_entry);
		lk = q->q_lookup;
		free(q);
		if (--lk->lk_outstanding == 0) {
			lk->lk_ent->de_lookup = NULL;
			free(lk->lk_names);
			free(lk);
		}
	}
	lru_destroy(rsv->rs_cache);
	free(rsv);
}

/* Send q now; its callback may run before this returns. */
static void
query_send(struct rsv *rsv, struct query *q)
{
	struct lookup	*lk = q->q_lookup;
	const char	*name;

	name = q->q_type == DNSMSG_T_PTR ? lk->lk_qname :
	    lk->lk_names[q->q_index];
	rsv->rs_inflight++;
	rsv->rs_stats->st_queries++;
	rsv->rs_tokens -= 1000;
	xport_query(rsv->rs_xport, name, q->q_type, query_done, q);
}

/*
 * Queue a query for lk; lk_outstanding must already count it. Forward
 * queries go ahead of waiting PTR queries: finishing lookups already
 * started frees their lines (and the pending bound) sooner.
 */
static void
query_submit(struct rsv *rsv, struct lookup *lk, int type, size_t index)
{
	struct query	*q;

	q = xcalloc(1, sizeof(*q));
	q->q_lookup = lk;
	q->q_type = type;
	q->q_index = index;
	if (type == DNSMSG_T_PTR)
		TAILQ_INSERT_TAIL(&rsv->rs_waiting, q, q_entry);
	else
		TAILQ_INSERT_HEAD(&rsv->rs_waiting, q, q_entry);
}

/* Move waiting queries into flight while slots are free. */
static void
pump(struct rsv *rsv)
{
	struct query	*q;

	while (rsv->rs_inflight < rsv->rs_cfg->cf_max_inflight &&
	    (q = TAILQ_FIRST(&rsv->rs_waiting)) != NULL) {
		TAILQ_REMOVE(&rsv->rs_waiting, q, q_entry);
		query_send(rsv, q);
	}
}

static uint32_t
clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Settle lk: publish the verdict in its entry, cache it, free lk. */
static void
lookup_finish(struct lookup *lk, enum verdict v, const char *host,
    uint32_t ttl_s)
{
	struct rsv	*rsv = lk->lk_rsv;
	struct dnsent	*de = lk->lk_ent;
	uint64_t	 now = now_ms();

	de->de_verdict = (uint8_t)v;
	if (host != NULL) {
		de->de_host = xstrdup(host);
		de->de_generic = (uint8_t)generic_host(&de->de_addr, host);
	}
	lru_set_expiry(&de->de_lru, now + (uint64_t)ttl_s * 1000);
	stats_latency(rsv->rs_stats, now - lk->lk_start_ms);
	de->de_lookup = NULL;
	free(lk->lk_names);
	free(lk);
	rsv->rs_pending--;
	lru_unpin(&de->de_lru);
}

/* Count the answer status of one query. */
static void
count_status(struct stats *st, int status)
{
	switch (status) {
	case ARES_SUCCESS:
	case ARES_ENODATA:
		st->st_rcode[0]++;
		break;
	case ARES_EFORMERR:
		st->st_rcode[1]++;
		break;
	case ARES_ESERVFAIL:
		st->st_rcode[2]++;
		break;
	case ARES_ENOTFOUND:
		st->st_rcode[3]++;
		break;
	case ARES_ENOTIMP:
		st->st_rcode[4]++;
		break;
	case ARES_EREFUSED:
		st->st_rcode[5]++;
		break;
	case ARES_ETIMEOUT:
		st->st_timeouts++;
		break;
	default:
		st->st_rcode_other++;
		break;
	}
}

/* The PTR answer arrived: settle, or start the forward queries. */
static void
ptr_answer(struct lookup *lk, int status, const unsigned char *abuf,
    int alen)
{
	const struct config	*cfg = lk->lk_rsv->rs_cfg;
	struct dnsmsg_result	 res;
	uint32_t		 neg;
	size_t			 i;
	int			 type;

	memset(&res, 0, sizeof(res));
	if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		neg = cfg->cf_neg_ttl;
		if (abuf != NULL && dnsmsg_parse_ptr(abuf, (size_t)alen,
		    lk->lk_qname, &res) == 0 && res.dr_has_neg_ttl)
			neg = clamp_u32(res.dr_neg_ttl, 1, cfg->cf_neg_ttl);
		lookup_finish(lk, VERDICT_NONE, NULL, neg);
		return;
	}
	if (status != ARES_SUCCESS) {
		lookup_finish(lk, status == ARES_EBADRESP ? VERDICT_PERMERROR :
		    VERDICT_TEMPERROR, NULL, cfg->cf_err_ttl);
		return;
	}
	if (dnsmsg_parse_ptr(abuf, (size_t)alen, lk->lk_qname, &res) == -1) {
		lookup_finish(lk, VERDICT_PERMERROR, NULL, cfg->cf_err_ttl);
		return;
	}
	if (res.dr_nnames == 0) {
		/* Only unusable names (permerror), or no PTR at all. */
		lookup_finish(lk, res.dr_nbad > 0 ? VERDICT_PERMERROR :
		    VERDICT_NONE, NULL, res.dr_nbad > 0 ? clamp_u32(res.dr_ttl,
		    cfg->cf_min_ttl, cfg->cf_max_ttl) : cfg->cf_neg_ttl);
		return;
	}
	lk->lk_nnames = res.dr_nnames < cfg->cf_max_names ? res.dr_nnames :
	    cfg->cf_max_names;
	lk->lk_names = xreallocarray(NULL, lk->lk_nnames,
	    sizeof(*lk->lk_names));
	memcpy(lk->lk_names, res.dr_names, lk->lk_nnames *
	    sizeof(*lk->lk_names));
	lk->lk_ttl = res.dr_has_ttl ? res.dr_ttl : cfg->cf_min_ttl;
	lk->lk_confirmed = -1;
	type = lk->lk_ent->de_addr.ia_family == AF_INET ? DNSMSG_T_A :
	    DNSMSG_T_AAAA;
	lk->lk_outstanding += (unsigned int)lk->lk_nnames;
	/* In reverse: each goes to the head, so name 0 ends up first. */
	for (i = lk->lk_nnames; i > 0; i--)
		query_submit(lk->lk_rsv, lk, type, i - 1);
}

/* A forward answer arrived; settle once the last one is in. */
static void
fwd_answer(struct lookup *lk, size_t index, int status,
    const unsigned char *abuf, int alen)
{
	const struct config	*cfg = lk->lk_rsv->rs_cfg;
	struct dnsmsg_result	 res;
	uint32_t		 ttl;

	memset(&res, 0, sizeof(res));
	if (status == ARES_SUCCESS) {
		if (dnsmsg_parse_addr(abuf, (size_t)alen, lk->lk_names[index],
		    &lk->lk_ent->de_addr, &res) == -1)
			lk->lk_fwd_temperr = 1;
		else {
			if (res.dr_match && (lk->lk_confirmed < 0 ||
			    (long)index < lk->lk_confirmed))
				lk->lk_confirmed = (long)index;
			if (res.dr_has_ttl && res.dr_ttl < lk->lk_ttl)
				lk->lk_ttl = res.dr_ttl;
		}
	} else if (status != ARES_ENOTFOUND && status != ARES_ENODATA)
		lk->lk_fwd_temperr = 1;
	if (lk->lk_outstanding > 0)
		return;
	ttl = clamp_u32(lk->lk_ttl, cfg->cf_min_ttl, cfg->cf_max_ttl);
	if (lk->lk_confirmed >= 0)
		lookup_finish(lk, VERDICT_PASS, lk->lk_names[lk->lk_confirmed],
		    ttl);
	else if (lk->lk_fwd_temperr)
		lookup_finish(lk, VERDICT_TEMPERROR, lk->lk_names[0],
		    cfg->cf_err_ttl);
	else
		lookup_finish(lk, VERDICT_FAIL, lk->lk_names[0], ttl);
}

/* What a finished query says about the server's reachability. */
enum outcome {
	OUTCOME_REPLY,		/* a reply came back, whatever its rcode */
	OUTCOME_LOST,		/* nothing came back: timeout, port refused */
	OUTCOME_LOCAL		/* failed here (memory, bad name): no news */
};

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

/* c-ares callback of a liveness probe; arg is the resolver. */
static void
probe_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct rsv	*rsv = arg;

	(void)timeouts;
	(void)alen;
	rsv->rs_inflight--;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		health_probe_cancelled(&rsv->rs_health);
		return;
	}
	count_status(rsv->rs_stats, status);
	/* A probe that could not even be sent counts as lost. */
	if (outcome(status, abuf) == OUTCOME_REPLY)
		health_probe_answered(&rsv->rs_health, now_ms());
	else if (health_probe_lost(&rsv->rs_health, now_ms()))
		rsv->rs_stats->st_backoffs++;
}

/*
 * Send a liveness probe if one is due. Runs outside callbacks; the
 * probe's own callback may run before xport_query() returns, so its state
 * is recorded first.
 */
static void
probe_maybe(struct rsv *rsv, uint64_t now)
{
	if (!health_probe_due(&rsv->rs_health, now))
		return;
	health_probe_sent(&rsv->rs_health, now);
	rsv->rs_inflight++;
	rsv->rs_stats->st_queries++;
	rsv->rs_stats->st_probes++;
	rsv->rs_tokens -= 1000;
	xport_query(rsv->rs_xport, RSV_PROBE_NAME, DNSMSG_T_PTR, probe_done,
	    rsv);
}

/* c-ares callback for every query we send. */
static void
query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct query	*q = arg;
	struct lookup	*lk = q->q_lookup;
	struct rsv	*rsv = lk->lk_rsv;
	size_t		 index = q->q_index;
	int		 type = q->q_type;

	(void)timeouts;
	free(q);
	rsv->rs_inflight--;
	lk->lk_outstanding--;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		/* Shutting down: release memory only. */
		if (lk->lk_outstanding == 0) {
			lk->lk_ent->de_lookup = NULL;
			free(lk->lk_names);
			free(lk);
			rsv->rs_pending--;
		}
		return;
	}
	count_status(rsv->rs_stats, status);
	switch (outcome(status, abuf)) {
	case OUTCOME_REPLY:
		health_reply(&rsv->rs_health, now_ms());
		break;
	case OUTCOME_LOST:
		health_lost(&rsv->rs_health, now_ms());
		break;
	case OUTCOME_LOCAL:
		break;
	}
	if (abuf == NULL)
		alen = 0;
	if (type == DNSMSG_T_PTR)
		ptr_answer(lk, status, abuf, alen);
	else
		fwd_answer(lk, index, status, abuf, alen);
}

/*
 * May a new lookup start now? No while backing off (only probes test
 * the server then), nor while the --max-qps budget is spent.
 */
static int
admit(struct rsv *rsv, uint64_t now)
{
	uint32_t	qps = rsv->rs_cfg->cf_max_qps;

	if (health_down(&rsv->rs_health))
		return 0;
	if (qps == 0)
		return 1;
	/* Refill at qps per second, holding at most one second's worth. */
	rsv->rs_tokens += (int64_t)((now - rsv->rs_tokens_ms) * qps);
	rsv->rs_tokens_ms = now;
	if (rsv->rs_tokens > (int64_t)qps * 1000)
		rsv->rs_tokens = (int64_t)qps * 1000;
	return rsv->rs_tokens >= 1000;
}

struct dnsent *
rsv_acquire(struct rsv *rsv, const struct ipaddr *ia, uint64_t now,
    enum verdict *shed)
{
	uint8_t			 key[IPADDR_KEYLEN];
	struct lru_entry	*le;
	struct dnsent		*de;
	struct lookup		*lk;

	ipaddr_key(ia, key);
	if ((le = lru_lookup(rsv->rs_cache, key, sizeof(key), now)) != NULL) {
		de = (struct dnsent *)le;
		rsv->rs_stats->st_cache_hits++;
		if (de->de_verdict == VERDICT_NONE ||
		    de->de_verdict == VERDICT_FAIL)
			rsv->rs_stats->st_cache_neg_hits++;
		lru_pin(le);
		return de;
	}
	rsv->rs_stats->st_cache_misses++;
	if (!admit(rsv, now)) {
		rsv->rs_stats->st_shed++;
		*shed = VERDICT_SKIPPED;
		return NULL;
	}
	/*
	 * Readers stop at rs_max_pending (rsv_saturated), but one line may
	 * bring up to --max-ips new addresses past it; shed only beyond
	 * that margin, which backpressure keeps us from reaching.
	 */
	if (rsv->rs_pending >= rsv->rs_max_pending + LINE_ADDRS_MAX) {
		rsv->rs_stats->st_shed++;
		*shed = VERDICT_SKIPPED;
		return NULL;
	}
	de = xcalloc(1, sizeof(*de));
	de->de_addr = *ia;
	de->de_verdict = VERDICT_PENDING;
	if (lru_insert(rsv->rs_cache, &de->de_lru, key, sizeof(key)) == -1) {
		free(de);
		*shed = VERDICT_SKIPPED;
		return NULL;
	}
	lru_pin(&de->de_lru);		/* the caller's pin */
	lru_pin(&de->de_lru);		/* the lookup's pin */
	lk = xcalloc(1, sizeof(*lk));
	lk->lk_rsv = rsv;
	lk->lk_ent = de;
	lk->lk_start_ms = now;
	lk->lk_outstanding = 1;
	dnsmsg_ptrname(ia, lk->lk_qname, sizeof(lk->lk_qname));
	de->de_lookup = lk;
	rsv->rs_pending++;
	query_submit(rsv, lk, DNSMSG_T_PTR, 0);
	pump(rsv);
	return de;
}

void
rsv_release(struct rsv *rsv, struct dnsent *de)
{
	(void)rsv;
	lru_unpin(&de->de_lru);
}

int
rsv_npollfds(const struct rsv *rsv)
{
	return xport_npollfds(rsv->rs_xport);
}

int
rsv_pollfds(struct rsv *rsv, struct pollfd *pfd, int max)
{
	return xport_pollfds(rsv->rs_xport, pfd, max);
}

int64_t
rsv_timeout_ms(struct rsv *rsv)
{
	int64_t		t, probe;

	/* A probe due later needs a wake-up even with nothing in flight. */
	probe = health_wait_ms(&rsv->rs_health, now_ms());
	if ((t = xport_timeout_ms(rsv->rs_xport)) < 0)
		return probe;
	return probe >= 0 && probe < t ? probe : t;
}

void
rsv_process(struct rsv *rsv, const struct pollfd *pfd, int n, uint64_t now)
{
	xport_process(rsv->rs_xport, pfd, n);
	probe_maybe(rsv, now);
	pump(rsv);
}

struct foreach_arg {
	void	(*fa_fn)(const struct dnsent *, uint64_t, void *);
	void	 *fa_arg;
};

static void
foreach_settled(struct lru_entry *le, void *arg)
{
	struct foreach_arg	*fa = arg;
	struct dnsent		*de = (struct dnsent *)le;

	if (de->de_verdict != VERDICT_PENDING)
		fa->fa_fn(de, lru_expiry(le), fa->fa_arg);
}

void
rsv_foreach(struct rsv *rsv, void (*fn)(const struct dnsent *, uint64_t,
    void *), void *arg)
{
	struct foreach_arg	fa = { fn, arg };

	lru_foreach(rsv->rs_cache, foreach_settled, &fa);
}

int
rsv_preload(struct rsv *rsv, const struct ipaddr *ia, enum verdict v,
    const char *host, uint64_t expires_ms)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct dnsent	*de;

	ipaddr_key(ia, key);
	if (lru_lookup(rsv->rs_cache, key, sizeof(key), now_ms()) != NULL)
		return 0;
	de = xcalloc(1, sizeof(*de));
	de->de_addr = *ia;
	de->de_verdict = (uint8_t)v;
	if (host != NULL) {
		de->de_host = xstrdup(host);
		de->de_generic = (uint8_t)generic_host(ia, host);
	}
	if (lru_insert(rsv->rs_cache, &de->de_lru, key, sizeof(key)) == -1) {
		free(de->de_host);
		free(de);
		return -1;
	}
	lru_set_expiry(&de->de_lru, expires_ms);
	return 0;
}

struct dnsent *
rsv_peek(struct rsv *rsv, const struct ipaddr *ia, uint64_t now)
{
	uint8_t			 key[IPADDR_KEYLEN];
	struct lru_entry	*le;

	ipaddr_key(ia, key);
	if ((le = lru_lookup(rsv->rs_cache, key, sizeof(key), now)) == NULL)
		return NULL;
	rsv->rs_stats->st_cache_hits++;
	lru_pin(le);
	return (struct dnsent *)le;
}
