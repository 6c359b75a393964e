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

#include "annot.h"
#include "dnsmsg.h"
#include "generic.h"
#include "resolver.h"
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
	int			 lk_probe;	/* sent to test a dead server */
};

struct rsv {
	ares_channel		 rs_channel;
	const struct config	*rs_cfg;
	struct stats		*rs_stats;
	struct lru		*rs_cache;
	struct query_fifo	 rs_waiting;
	size_t			 rs_inflight;
	size_t			 rs_pending;	/* unsettled lookups */
	size_t			 rs_max_pending;

	/*
	 * Back-off: after RSV_DEAD_TIMEOUTS consecutive timeouts, and no
	 * answer at all for a whole query lifetime (timeout x tries), new
	 * addresses are shed as "skipped" and only one probe lookup at a
	 * time is let through, at rs_probe_at_ms; its timeout doubles the
	 * interval (up to RSV_BACKOFF_MAX_MS), any answer ends the back-off.
	 * The silence rule keeps a burst of names that are never answered
	 * (their timeouts fire together) from condemning a live server.
	 */
	unsigned int		 rs_consec_timeouts;
	uint64_t		 rs_last_answer_ms;
	int			 rs_backoff;
	int			 rs_probing;
	uint64_t		 rs_backoff_ms;
	uint64_t		 rs_probe_at_ms;

	/* --max-qps token bucket, in thousandths of a query. */
	int64_t			 rs_tokens;
	uint64_t		 rs_tokens_ms;
};

#define RSV_DEAD_TIMEOUTS	5
#define RSV_BACKOFF_MIN_MS	1000
#define RSV_BACKOFF_MAX_MS	30000

static void	query_done(void *, int, int, unsigned char *, int);
static void	health(struct rsv *, struct lookup *, int);

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
	return rsv->rs_pending >= rsv->rs_max_pending && !rsv->rs_backoff;
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
	struct ares_options	 opts;
	struct rsv		*rsv;
	int			 rc, mask;

	rsv = xcalloc(1, sizeof(*rsv));
	rsv->rs_cfg = cfg;
	rsv->rs_stats = st;
	TAILQ_INIT(&rsv->rs_waiting);
	rsv->rs_tokens = (int64_t)cfg->cf_max_qps * 1000;
	rsv->rs_tokens_ms = now_ms();
	rsv->rs_max_pending = 4 * (size_t)cfg->cf_max_inflight;
	if (rsv->rs_max_pending < 64)
		rsv->rs_max_pending = 64;
	if ((rsv->rs_cache = lru_create(cfg->cf_cache_size, dnsent_drop,
	    NULL)) == NULL)
		err(1, NULL);

	memset(&opts, 0, sizeof(opts));
	/* Never let c-ares' defaults (5 s x 4 tries) decide timing. */
	opts.timeout = (int)cfg->cf_timeout_ms;
	opts.tries = (int)cfg->cf_tries;
	opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
	if ((rc = ares_init_options(&rsv->rs_channel, &opts, mask)) !=
	    ARES_SUCCESS) {
		snprintf(errbuf, errlen, "c-ares: %s", ares_strerror(rc));
		lru_destroy(rsv->rs_cache);
		free(rsv);
		return NULL;
	}
	if (cfg->cf_servers != NULL && (rc = ares_set_servers_ports_csv(
	    rsv->rs_channel, cfg->cf_servers)) != ARES_SUCCESS) {
		snprintf(errbuf, errlen, "DNS servers '%s': %s",
		    cfg->cf_servers, ares_strerror(rc));
		ares_destroy(rsv->rs_channel);
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
	ares_destroy(rsv->rs_channel);
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
	ares_query(rsv->rs_channel, name, ns_c_in, q->q_type, query_done, q);
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
	health(rsv, lk, status);
	if (abuf == NULL)
		alen = 0;
	if (type == DNSMSG_T_PTR)
		ptr_answer(lk, status, abuf, alen);
	else
		fwd_answer(lk, index, status, abuf, alen);
}

/*
 * May a new lookup start now? No while backing off (except the one probe
 * when it is due), nor while the --max-qps budget is spent.
 */
static int
admit(struct rsv *rsv, uint64_t now)
{
	uint32_t	qps = rsv->rs_cfg->cf_max_qps;

	if (rsv->rs_backoff &&
	    (rsv->rs_probing || now < rsv->rs_probe_at_ms))
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

/* Track server health from one query's outcome (see struct rsv). */
static void
health(struct rsv *rsv, struct lookup *lk, int status)
{
	uint64_t	now;

	if (status != ARES_ETIMEOUT && status != ARES_ECONNREFUSED) {
		rsv->rs_last_answer_ms = now_ms();
		rsv->rs_consec_timeouts = 0;
		rsv->rs_backoff = 0;
		rsv->rs_probing = 0;
		return;
	}
	now = now_ms();
	rsv->rs_consec_timeouts++;
	if (lk->lk_probe && rsv->rs_backoff) {
		rsv->rs_probing = 0;
		rsv->rs_backoff_ms *= 2;
		if (rsv->rs_backoff_ms > RSV_BACKOFF_MAX_MS)
			rsv->rs_backoff_ms = RSV_BACKOFF_MAX_MS;
		rsv->rs_probe_at_ms = now + rsv->rs_backoff_ms;
	} else if (!rsv->rs_backoff &&
	    rsv->rs_consec_timeouts >= RSV_DEAD_TIMEOUTS &&
	    now - rsv->rs_last_answer_ms >= (uint64_t)rsv->rs_cfg->cf_timeout_ms *
	    rsv->rs_cfg->cf_tries) {
		rsv->rs_backoff = 1;
		rsv->rs_backoff_ms = RSV_BACKOFF_MIN_MS;
		rsv->rs_probe_at_ms = now + rsv->rs_backoff_ms;
		rsv->rs_stats->st_backoffs++;
	}
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
	if (rsv->rs_pending >= rsv->rs_max_pending + ANNOT_SLOTS_MAX) {
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
	lk->lk_probe = rsv->rs_backoff;
	if (lk->lk_probe)
		rsv->rs_probing = 1;
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
rsv_pollfds(struct rsv *rsv, struct pollfd *pfd, int max)
{
	ares_socket_t	socks[ARES_GETSOCK_MAXNUM];
	unsigned int	bits, rd, wr;
	int		i, n = 0;

	/*
	 * Test the bits unsigned: c-ares' ARES_GETSOCK_WRITABLE shifts a
	 * signed 1 by up to 31 places, which is undefined behaviour.
	 */
	bits = (unsigned int)ares_getsock(rsv->rs_channel, socks,
	    ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM && n < max; i++) {
		rd = bits & (1u << i);
		wr = bits & (1u << (i + ARES_GETSOCK_MAXNUM));
		if (!rd && !wr)
			continue;
		pfd[n].fd = socks[i];
		pfd[n].events = 0;
		if (rd)
			pfd[n].events |= POLLIN;
		if (wr)
			pfd[n].events |= POLLOUT;
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

int64_t
rsv_timeout_ms(struct rsv *rsv)
{
	struct timeval	tv, *tvp;

	if (rsv->rs_inflight == 0)
		return -1;
	if ((tvp = ares_timeout(rsv->rs_channel, NULL, &tv)) == NULL)
		return -1;
	/* Round up: 0.4 ms left must not become a busy poll(0). */
	return (int64_t)tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;
}

void
rsv_process(struct rsv *rsv, const struct pollfd *pfd, int n, uint64_t now)
{
	ares_socket_t	rfd, wfd;
	int		i, fired = 0;

	(void)now;
	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		fired = 1;
		rfd = pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ?
		    pfd[i].fd : ARES_SOCKET_BAD;
		wfd = pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD;
		ares_process_fd(rsv->rs_channel, rfd, wfd);
	}
	/* Timeouts only advance through a call with no descriptor. */
	if (!fired)
		ares_process_fd(rsv->rs_channel, ARES_SOCKET_BAD,
		    ARES_SOCKET_BAD);
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
