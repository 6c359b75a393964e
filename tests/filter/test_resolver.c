/*
 * Unit tests for the resolver (filter/resolve/resolver.c and the lookups
 * of fanout.c) against a scripted DNS responder this test starts on
 * 127.0.0.1 (responder.h) answering from a table of fixtures, built with
 * dnspkt.h. The test drives rsv_acquire and rsv_process with poll(2) as
 * the stream loop does, and reads the verdicts of ptrtag.1, VERDICTS.
 */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>

#include "config.h"
#include "dnsmsg.h"
#include "dnspkt.h"
#include "resolver.h"
#include "responder.h"
#include "stats.h"
#include "util.h"

/* What the responder does for one (name, type). */
enum act { ACT_NXDOMAIN, ACT_PTR, ACT_ADDR, ACT_DROP };

struct fixture {
	const char	*fx_name;	/* compared without case */
	unsigned int	 fx_type;
	enum act	 fx_act;
	const char	*fx_data;	/* PTR target or address text */
	unsigned int	 fx_seen;	/* queries received (responder) */
};

static struct fixture	fixtures[] = {
	{ "45.113.0.203.in-addr.arpa", DNSMSG_T_PTR, ACT_PTR,
	    "mail.example.com", 0 },
	{ "mail.example.com", DNSMSG_T_A, ACT_ADDR, "203.0.113.45", 0 },
	{ "46.113.0.203.in-addr.arpa", DNSMSG_T_PTR, ACT_NXDOMAIN, NULL, 0 },
	{ "47.113.0.203.in-addr.arpa", DNSMSG_T_PTR, ACT_DROP, NULL, 0 },
	{ "48.113.0.203.in-addr.arpa", DNSMSG_T_PTR, ACT_PTR,
	    "other.example.com", 0 },
	{ "other.example.com", DNSMSG_T_A, ACT_ADDR, "198.51.100.1", 0 },
};
#define NFIXTURES	(sizeof(fixtures) / sizeof(fixtures[0]))

static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;
static struct responder	 rs;
static struct config	 cfg;
static struct stats	 st;
static struct rsv	*rsv;

/* The responder's reply to query q: the fixture's, or NXDOMAIN. */
static int
reply(void *arg, const uint8_t *q, size_t n, int tcp, struct pkt *pk)
{
	char		 name[256];
	unsigned int	 type, i;
	size_t		 end;
	struct fixture	*fx = NULL;

	(void)arg;
	(void)tcp;
	if (responder_question(q, n, name, sizeof(name), &type, &end) == -1)
		return -1;
	for (i = 0; i < NFIXTURES; i++)
		if (fixtures[i].fx_type == type &&
		    strcasecmp(fixtures[i].fx_name, name) == 0)
			fx = &fixtures[i];
	if (fx != NULL) {
		pthread_mutex_lock(&mtx);
		fx->fx_seen++;
		pthread_mutex_unlock(&mtx);
	}
	if (fx != NULL && fx->fx_act == ACT_DROP)
		return -1;
	responder_echo(pk, q, end, fx == NULL || fx->fx_act == ACT_NXDOMAIN ?
	    3 : 0);
	if (fx != NULL && fx->fx_act == ACT_PTR)
		add_ptr(pk, 12, fx->fx_data, 3600);
	else if (fx != NULL && fx->fx_act == ACT_ADDR)
		add_addr(pk, 12, DNSMSG_T_A, fx->fx_data, 4, 3600);
	return 0;
}

static void
setup(void)
{
	char	err[256];
	size_t	i;

	for (i = 0; i < NFIXTURES; i++)
		fixtures[i].fx_seen = 0;
	cr_assert_eq(responder_start(&rs, reply, NULL), 0,
	    "responder: %s", strerror(errno));

	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	cfg.cf_servers = rs.rs_servers;
	cfg.cf_timeout_ms = 200;
	cfg.cf_tries = 1;
	cfg.cf_max_inflight = 16;
	cfg.cf_max_names = CFG_MAX_NAMES;
	cfg.cf_cache_size = 64;
	cfg.cf_min_ttl = CFG_MIN_TTL;
	cfg.cf_max_ttl = CFG_MAX_TTL;
	cfg.cf_neg_ttl = CFG_NEG_TTL;
	cfg.cf_err_ttl = CFG_ERR_TTL;
	rsv = rsv_create(&cfg, &st, err, sizeof(err));
	cr_assert_not_null(rsv, "rsv_create: %s", err);
}

static void
teardown(void)
{
	rsv_destroy(rsv);
	rsv = NULL;
	responder_stop(&rs);
}

TestSuite(resolver, .init = setup, .fini = teardown);

/* Poll and process, as the stream loop does, until de settles or 3 s. */
static void
settle(struct dnsent *de)
{
	struct pollfd	 pfd[64];
	uint64_t	 deadline = now_ms() + 3000;
	int64_t		 t;
	int		 n;

	while (de->de_verdict == VERDICT_PENDING && now_ms() < deadline) {
		n = rsv_pollfds(rsv, pfd, 64);
		t = rsv_timeout_ms(rsv);
		if (t < 0 || t > 50)
			t = 50;
		(void)poll(pfd, (nfds_t)n, (int)t);
		rsv_process(rsv, pfd, n, now_ms());
	}
	cr_assert_neq(de->de_verdict, VERDICT_PENDING, "never settled");
}

static unsigned int
seen(const char *name)
{
	unsigned int	 i, n = 0;

	pthread_mutex_lock(&mtx);
	for (i = 0; i < NFIXTURES; i++)
		if (strcmp(fixtures[i].fx_name, name) == 0)
			n += fixtures[i].fx_seen;
	pthread_mutex_unlock(&mtx);
	return n;
}

static struct dnsent *
acquire(const char *text)
{
	struct ipaddr	 ia = pkt_ipaddr(text);
	enum verdict	 shed = VERDICT_PENDING;
	struct dnsent	*de;

	de = rsv_acquire(rsv, &ia, now_ms(), &shed);
	cr_assert_not_null(de, "%s shed as %d", text, shed);
	return de;
}

Test(resolver, pass)
{
	struct dnsent	*de = acquire("203.0.113.45");

	settle(de);
	cr_expect_eq(de->de_verdict, VERDICT_PASS);
	cr_assert_not_null(de->de_host);
	cr_expect_str_eq(de->de_host, "mail.example.com");
	cr_expect_eq(seen("45.113.0.203.in-addr.arpa"), 1);
	cr_expect_eq(seen("mail.example.com"), 1);
	cr_expect_eq(st.st_queries, 2);
	cr_expect_eq(rsv_inflight(rsv), 0);
	rsv_release(rsv, de);
}

Test(resolver, fail)
{
	struct dnsent	*de = acquire("203.0.113.48");

	settle(de);
	cr_expect_eq(de->de_verdict, VERDICT_FAIL);
	cr_assert_not_null(de->de_host);
	cr_expect_str_eq(de->de_host, "other.example.com");
	rsv_release(rsv, de);
}

Test(resolver, none)
{
	struct dnsent	*de = acquire("203.0.113.46");

	settle(de);
	cr_expect_eq(de->de_verdict, VERDICT_NONE);
	cr_expect_null(de->de_host);
	cr_expect_eq(seen("46.113.0.203.in-addr.arpa"), 1);
	rsv_release(rsv, de);
}

Test(resolver, timeout)
{
	struct dnsent	*de = acquire("203.0.113.47");
	uint64_t	 t0 = now_ms();

	settle(de);
	cr_expect_eq(de->de_verdict, VERDICT_TEMPERROR);
	cr_expect_geq(now_ms() - t0, 150, "settled before the timeout");
	cr_expect_geq(st.st_timeouts, 1);
	cr_expect_null(de->de_host);
	rsv_release(rsv, de);
}

Test(resolver, coalescing)
{
	struct dnsent	*a = acquire("203.0.113.45");
	struct dnsent	*b = acquire("203.0.113.45");
	struct dnsent	*c;

	cr_expect_eq(a, b, "one entry for one address");
	settle(a);
	cr_expect_eq(b->de_verdict, VERDICT_PASS);
	cr_expect_eq(seen("45.113.0.203.in-addr.arpa"), 1, "one PTR query");
	cr_expect_eq(st.st_cache_misses, 1);
	cr_expect_eq(st.st_cache_hits, 1);
	c = acquire("203.0.113.45");
	cr_expect_eq(c, a, "settled: a cache hit");
	cr_expect_eq(st.st_cache_hits, 2);
	cr_expect_eq(seen("45.113.0.203.in-addr.arpa"), 1);
	rsv_release(rsv, a);
	rsv_release(rsv, b);
	rsv_release(rsv, c);
	cr_expect_eq(rsv_cached(rsv), 1);
}

Test(resolver, bad_server_list)
{
	struct rsv	*r;
	char		 err[256] = "";

	cfg.cf_servers = "not an address";
	r = rsv_create(&cfg, &st, err, sizeof(err));
	cr_expect_null(r);
	cr_expect_neq(err[0], '\0', "a message in err");
	rsv_destroy(r);
}
