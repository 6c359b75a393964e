/*
 * Unit tests for the query transport (filter/resolve/transport.c with
 * xpool, xsock and xpoll; ptrtag.1, DNS TRANSPORT) against a scripted
 * DNS server on 127.0.0.1 (responder.h), UDP and TCP on one port. The
 * test sends queries with xport_query and drives xport_pollfds, poll(2)
 * and xport_process as the stream loop does, until the callback runs.
 */

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <ares.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "config.h"
#include "dnsmsg.h"
#include "dnspkt.h"
#include "responder.h"
#include "stats.h"
#include "transport.h"
#include "util.h"

#define TIMEOUT_MS	200
#define BIG_RECORDS	40	/* A records: 40 x 16 bytes, over 512 */

/* What the server does for a name, by its first label. */
struct script {
	const char	*sc_name;
	const char	*sc_udp;	/* "ok", "flip", "badid", "tc", "big" */
	const char	*sc_tcp;	/* or NULL: silent */
	unsigned int	 sc_seen[2];	/* queries over UDP, TCP */
};

static struct script	scripts[] = {
	{ "answer.example", "ok", NULL, { 0, 0 } },
	{ "flip.example", "flip", NULL, { 0, 0 } },
	{ "badid.example", "badid", NULL, { 0, 0 } },
	{ "trunc.example", "tc", "ok", { 0, 0 } },
	{ "tcflip.example", "tc", "flip", { 0, 0 } },
	{ "big.example", "big", "big", { 0, 0 } },
	{ "silent.example", NULL, NULL, { 0, 0 } },
};
#define NSCRIPTS	(sizeof(scripts) / sizeof(scripts[0]))

/* What the callback saw. */
struct result {
	int		 r_calls;
	int		 r_status;
	int		 r_alen;
	uint8_t		 r_abuf[PKT_MAX];
};

static pthread_mutex_t	 mtx = PTHREAD_MUTEX_INITIALIZER;
static uint16_t		 ids[64];	/* of UDP queries, as received */
static unsigned int	 nids;
static struct responder	 rs;
static struct config	 cfg;
static struct stats	 st;
static struct xport	*xp;

/* Swap the case of every letter of the question name at q[12..end). */
static void
flip_case(uint8_t *m, size_t end)
{
	size_t	i;

	for (i = 12; i < end; i++)
		if ((m[i] | 0x20) >= 'a' && (m[i] | 0x20) <= 'z')
			m[i] ^= 0x20;
}

static void
answer(struct pkt *pk, const uint8_t *q, size_t end, const char *how)
{
	int	i;

	responder_echo(pk, q, end, 0);
	if (strcmp(how, "tc") == 0) {
		pk->p_buf[2] |= 0x02;
		return;
	}
	for (i = 0; i < (strcmp(how, "big") == 0 ? BIG_RECORDS : 1); i++)
		add_addr(pk, 12, DNSMSG_T_A, "192.0.2.1", 4, 300);
	if (strcmp(how, "flip") == 0)
		flip_case(pk->p_buf, end);
	else if (strcmp(how, "badid") == 0)
		pk->p_buf[0] ^= 0x55;
}

static int
reply(void *arg, const uint8_t *q, size_t n, int tcp, struct pkt *pk)
{
	char		 name[256];
	unsigned int	 type, i;
	size_t		 end;
	const char	*how = NULL;

	(void)arg;
	if (responder_question(q, n, name, sizeof(name), &type, &end) == -1)
		return -1;
	for (i = 0; i < NSCRIPTS; i++)
		if (strcasecmp(scripts[i].sc_name, name) == 0) {
			pthread_mutex_lock(&mtx);
			scripts[i].sc_seen[tcp]++;
			if (!tcp && nids < sizeof(ids) / sizeof(ids[0]))
				ids[nids++] = (uint16_t)(q[0] << 8 | q[1]);
			pthread_mutex_unlock(&mtx);
			how = tcp ? scripts[i].sc_tcp : scripts[i].sc_udp;
		}
	if (how == NULL)
		return -1;
	answer(pk, q, end, how);
	return 0;
}

static unsigned int
seen(const char *name, int tcp)
{
	unsigned int	i, n = 0;

	pthread_mutex_lock(&mtx);
	for (i = 0; i < NSCRIPTS; i++)
		if (strcmp(scripts[i].sc_name, name) == 0)
			n = scripts[i].sc_seen[tcp];
	pthread_mutex_unlock(&mtx);
	return n;
}

static void
setup(void)
{
	char	err[256];

	cr_assert_eq(responder_start(&rs, reply, NULL), 0,
	    "responder: %s", strerror(errno));
	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	cfg.cf_servers = rs.rs_servers;
	cfg.cf_timeout_ms = TIMEOUT_MS;
	cfg.cf_tries = 1;
	cfg.cf_max_inflight = 4;
	/* The flags the resolver gives (fanout.c). */
	xp = xport_create(&cfg, &st, ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES |
	    ARES_FLAG_NOCHECKRESP, err, sizeof(err));
	cr_assert_not_null(xp, "xport_create: %s", err);
}

static void
teardown(void)
{
	xport_destroy(xp);
	xp = NULL;
	responder_stop(&rs);
}

TestSuite(transport, .init = setup, .fini = teardown);

static void
done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct result	*r = arg;

	(void)timeouts;
	r->r_calls++;
	r->r_status = status;
	r->r_alen = alen;
	if (abuf != NULL && alen > 0 && (size_t)alen <= sizeof(r->r_abuf))
		memcpy(r->r_abuf, abuf, (size_t)alen);
}

/* Poll and process, as the stream loop does, until r is called or 3 s. */
static void
drive(struct result *r)
{
	struct pollfd	 pfd[64];
	uint64_t	 deadline = now_ms() + 3000;
	int64_t		 t;
	int		 n;

	while (r->r_calls == 0 && now_ms() < deadline) {
		cr_assert_leq(xport_npollfds(xp), 64);
		n = xport_pollfds(xp, pfd, 64);
		t = xport_timeout_ms(xp);
		if (t < 0 || t > 50)
			t = 50;
		(void)poll(pfd, (nfds_t)n, (int)t);
		xport_process(xp, pfd, n);
	}
	cr_assert_eq(r->r_calls, 1, "called back %d times", r->r_calls);
}

/* The answer in r: a reply to name (any case) with ancount A records. */
static void
expect_answer(const struct result *r, const char *name, unsigned int ancount)
{
	char		 qname[256];
	unsigned int	 type;
	size_t		 end;

	cr_assert_eq(r->r_status, ARES_SUCCESS, "status %d", r->r_status);
	cr_assert_geq(r->r_alen, 12);
	cr_assert_eq(responder_question(r->r_abuf, (size_t)r->r_alen, qname,
	    sizeof(qname), &type, &end), 0);
	cr_expect_eq(strcasecmp(qname, name), 0, "question %s", qname);
	cr_expect_eq(type, DNSMSG_T_A);
	cr_expect_eq((unsigned int)r->r_abuf[6] << 8 | r->r_abuf[7], ancount);
	cr_expect_eq((size_t)r->r_alen, end + 16 * (size_t)ancount);
}

Test(transport, answer_arrives)
{
	static struct result	r;

	xport_query(xp, "answer.example", DNSMSG_T_A, done, &r);
	cr_expect_eq(r.r_calls, 0, "called back before any answer");
	drive(&r);
	expect_answer(&r, "answer.example", 1);
	cr_expect_eq(seen("answer.example", 0), 1);
	cr_expect_eq(seen("answer.example", 1), 0);
	cr_expect_eq(st.st_answers_dropped, 0);
	cr_expect_eq(st.st_tcp_retries, 0);
}

/* The server echoed the name in another letter case: a forgery. */
Test(transport, case_mismatch_dropped_then_timeout)
{
	static struct result	r;
	uint64_t		t0 = now_ms();

	xport_query(xp, "flip.example", DNSMSG_T_A, done, &r);
	drive(&r);
	cr_expect_eq(r.r_status, ARES_ETIMEOUT, "status %d", r.r_status);
	cr_expect_eq(r.r_alen, 0);
	cr_expect_geq(now_ms() - t0, TIMEOUT_MS - 20, "ended before timeout");
	cr_expect_eq(seen("flip.example", 0), 1);
	cr_expect_eq(st.st_answers_dropped, 1);
	cr_expect_eq(st.st_tcp_retries, 0);
}

Test(transport, other_id_dropped_then_timeout)
{
	static struct result	r;

	xport_query(xp, "badid.example", DNSMSG_T_A, done, &r);
	drive(&r);
	cr_expect_eq(r.r_status, ARES_ETIMEOUT, "status %d", r.r_status);
	cr_expect_eq(st.st_answers_dropped, 1);
}

Test(transport, truncated_retried_over_tcp)
{
	static struct result	r;

	xport_query(xp, "trunc.example", DNSMSG_T_A, done, &r);
	drive(&r);
	expect_answer(&r, "trunc.example", 1);
	cr_expect_eq(r.r_abuf[2] & 0x02, 0, "the TCP answer, not the TC one");
	cr_expect_eq(seen("trunc.example", 0), 1);
	cr_expect_eq(seen("trunc.example", 1), 1);
	cr_expect_eq(st.st_tcp_retries, 1);
	cr_expect_eq(st.st_answers_dropped, 0);
}

/* Over TCP c-ares matches by ID only; the transport checks the question. */
Test(transport, tcp_case_mismatch_fails_query)
{
	static struct result	r;

	xport_query(xp, "tcflip.example", DNSMSG_T_A, done, &r);
	drive(&r);
	cr_expect_eq(r.r_status, ARES_ECONNREFUSED, "status %d", r.r_status);
	cr_expect_eq(r.r_alen, 0);
	cr_expect_eq(seen("tcflip.example", 1), 1);
	cr_expect_eq(st.st_tcp_retries, 1);
	cr_expect_eq(st.st_answers_dropped, 1);
}

/* Without EDNS a UDP answer over 512 bytes is taken as truncated. */
Test(transport, oversized_udp_retried_over_tcp)
{
	static struct result	r;

	xport_query(xp, "big.example", DNSMSG_T_A, done, &r);
	drive(&r);
	expect_answer(&r, "big.example", BIG_RECORDS);
	cr_expect_eq(seen("big.example", 0), 1);
	cr_expect_eq(seen("big.example", 1), 1);
	cr_expect_eq(st.st_tcp_retries, 1);
}

Test(transport, name_too_long_fails_at_once)
{
	static struct result	r;
	char			name[300];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	xport_query(xp, name, DNSMSG_T_A, done, &r);
	cr_expect_eq(r.r_calls, 1, "not called back before returning");
	cr_expect_eq(r.r_status, ARES_EBADNAME, "status %d", r.r_status);
	cr_expect_eq(xport_timeout_ms(xp), -1, "nothing in flight");
}

Test(transport, destroy_calls_back_open_queries)
{
	static struct result	r;

	xport_query(xp, "silent.example", DNSMSG_T_A, done, &r);
	cr_expect_geq(xport_timeout_ms(xp), 0, "a timer for the query");
	xport_destroy(xp);
	xp = NULL;
	cr_expect_eq(r.r_calls, 1);
	cr_expect_eq(r.r_status, ARES_EDESTRUCTION, "status %d", r.r_status);
}

/* The pool's rule (ptrtag(1), DNS TRANSPORT): j channels in 2..256. */
Test(transport, pool_size)
{
	static const struct {
		uint32_t	j;
		unsigned int	channels, batch;
	} cases[] = {
		{ 1, 2, 4 }, { 4, 4, 4 }, { 5, 5, 4 }, { 64, 64, 4 },
		{ 256, 256, 4 }, { 257, 256, 4 }, { 1024, 256, 8 },
		{ 65536, 256, 512 },
	};
	struct xport	*x;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg.cf_max_inflight = cases[i].j;
		x = xport_create(&cfg, &st, 0, err, sizeof(err));
		cr_assert_not_null(x, "-j %u: %s", cases[i].j, err);
		cr_expect_eq(xport_channels(x), cases[i].channels, "-j %u",
		    cases[i].j);
		cr_expect_eq(xport_batch(x), cases[i].batch, "-j %u",
		    cases[i].j);
		xport_destroy(x);
	}
}

Test(transport, bad_server_refused)
{
	struct xport	*x;
	char		 err[256] = "";

	cfg.cf_servers = "not an address";
	x = xport_create(&cfg, &st, 0, err, sizeof(err));
	cr_expect_null(x);
	cr_expect_neq(strstr(err, "not an address"), NULL, "err: %s", err);
}

/*
 * The sockets c-ares opened for queries: the connected UDP ones (the
 * responder's own socket is not connected). Fills fds; returns how many.
 */
static int
query_sockets(int *fds, int max)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	int			fd, type, n = 0;

	for (fd = 3; fd < 1024 && n < max; fd++) {
		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
		    type != SOCK_DGRAM)
			continue;
		len = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
			fds[n++] = fd;
	}
	return n;
}

/*
 * Each UDP socket's receive buffer is raised to hold a whole batch of
 * answers (transport.c: 4 KiB each as the kernel counts them), or to what
 * the kernel grants, and xport_sockbuf() says which (ptrtag.1, DNS
 * TRANSPORT). -j 16384: 256 channels of 128 queries per socket, 512 KiB,
 * past the kernel's usual 208 KiB default.
 */
Test(transport, socket_buffers_sized_from_j)
{
	static struct result	 r;
	struct pollfd		 pfd[64];
	struct xport		*x;
	char			 err[256];
	socklen_t		 len = sizeof(int);
	int			 n, want, got, capped, rcv = 0, fds[4];

	cfg.cf_max_inflight = 16384;
	x = xport_create(&cfg, &st, ARES_FLAG_NOCHECKRESP, err, sizeof(err));
	cr_assert_not_null(x, "xport_create: %s", err);
	capped = xport_sockbuf(x, &want, &got);
	cr_expect_eq(want, 128 * 4096);
	cr_expect(capped ? got < want : got >= want, "want %d got %d capped %d",
	    want, got, capped);
	xport_query(x, "silent.example", DNSMSG_T_A, done, &r);
	cr_assert_eq(xport_pollfds(x, pfd, 64), 1, "the epoll set to poll");
	n = query_sockets(fds, 4);
	cr_assert_eq(n, 1, "one UDP socket for the query");
	cr_assert_eq(getsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &rcv, &len), 0);
	cr_expect_geq(rcv, capped ? got : want, "SO_RCVBUF %d", rcv);
	cr_expect_eq(st.st_sockbuf_capped, capped ? 1u : 0u);
	xport_destroy(x);
}

/* At the default -j a batch is 4 answers: the kernel's default holds it. */
Test(transport, socket_buffers_default_j_unchanged)
{
	int	want, got;

	cr_expect_eq(xport_sockbuf(xp, &want, &got), 0);
	cr_expect_eq(want, 4 * 4096, "-j 4: batches of 4");
	cr_expect_geq(got, want);
}

/*
 * A query's socket is non-blocking and close-on-exec from socket(2)
 * itself, and leaves the epoll set by its close(2) alone (xpoll.c,
 * set_events): once the answer is in, nothing is left to poll, and the
 * next query, whose socket may reuse the descriptor number, is entered
 * anew and answered. Fails if a reused number were taken as still in
 * the set (EPOLL_CTL_MOD on a descriptor epoll no longer holds).
 */
Test(transport, socket_per_query_leaves_set_by_close)
{
	static struct result	 r1, r2;
	struct pollfd		 pfd[64];
	int			 fds[4], first;

	xport_query(xp, "answer.example", DNSMSG_T_A, done, &r1);
	cr_assert_eq(query_sockets(fds, 4), 1, "one UDP socket for the query");
	first = fds[0];
	cr_expect(fcntl(first, F_GETFL) & O_NONBLOCK, "non-blocking");
	cr_expect(fcntl(first, F_GETFD) & FD_CLOEXEC, "close-on-exec");
	drive(&r1);
	expect_answer(&r1, "answer.example", 1);
	cr_expect_eq(xport_pollfds(xp, pfd, 64), 0, "nothing left to poll");
	cr_expect_eq(query_sockets(fds, 4), 0, "the socket is closed");

	xport_query(xp, "answer.example", DNSMSG_T_A, done, &r2);
	cr_assert_eq(query_sockets(fds, 4), 1);
	cr_expect_eq(fds[0], first, "the descriptor number is reused");
	drive(&r2);
	expect_answer(&r2, "answer.example", 1);
	cr_expect_eq(seen("answer.example", 0), 2);
}

/* Resident memory of this process, in bytes (proc(5), statm). */
static long
resident_bytes(void)
{
	FILE	*f;
	long	 size, rss = -1;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

/*
 * At the default -j the pool has 256 channels of about 74 KB each
 * (ptrtag.1, DNS TRANSPORT), 19 MB in all, but a channel is made only
 * when a query first needs it: a run whose addresses are all cached
 * makes two. Fails if the pool is made whole at start. The queries sent
 * next each get a channel, and a socket, of their own, and are answered.
 */
Test(transport, channels_made_when_first_needed)
{
	static struct result	 r[8];
	char			 err[256];
	long			 before, after;
	int			 fds[16];
	size_t			 i;

	xport_destroy(xp);
	cfg.cf_max_inflight = 256;
	before = resident_bytes();
	xp = xport_create(&cfg, &st, ARES_FLAG_NOCHECKRESP, err, sizeof(err));
	after = resident_bytes();
	cr_assert_not_null(xp, "xport_create: %s", err);
	cr_assert_geq(before, 0);
	cr_expect_lt(after - before, 4L << 20, "the pool took %ld KB at start",
	    (after - before) >> 10);
	for (i = 0; i < 8; i++)
		xport_query(xp, "answer.example", DNSMSG_T_A, done, &r[i]);
	cr_expect_eq(query_sockets(fds, 16), 8, "a socket per query");
	for (i = 0; i < 8; i++) {
		drive(&r[i]);
		expect_answer(&r[i], "answer.example", 1);
	}
	cr_expect_eq(seen("answer.example", 0), 8);
}

/* Child: poll xp until r is called; 0, or -1 after 3 s. */
static int
child_drive(struct result *r)
{
	struct pollfd	 pfd[64];
	uint64_t	 deadline = now_ms() + 3000;
	int		 n;

	while (r->r_calls == 0 && now_ms() < deadline) {
		n = xport_pollfds(xp, pfd, 64);
		(void)poll(pfd, (nfds_t)n, 50);
		xport_process(xp, pfd, n);
	}
	return r->r_calls == 1 ? 0 : -1;
}

/*
 * Child of channel_made_only_with_a_key_of_its_own: one query answered,
 * one sent while no descriptor is left (it fails), then 6 answered once
 * descriptors are free again. Exits 0 when all went so.
 */
static void
key_child(void)
{
	static struct result	 r[8];
	struct rlimit		 rl;
	char			 err[256];
	int			 i, fd, held[64], nheld = 0, top = 0;

	/* room for 32 descriptors above those open, whatever opened them */
	for (fd = 0; fd < 4096; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			top = fd;
	rl.rlim_cur = rl.rlim_max = (rlim_t)top + 33;
	cfg.cf_max_inflight = 4;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    (xp = xport_create(&cfg, &st, ARES_FLAG_NOCHECKRESP, err,
	    sizeof(err))) == NULL)
		_exit(10);
	xport_query(xp, "answer.example", DNSMSG_T_A, done, &r[0]);
	if (child_drive(&r[0]) == -1 || r[0].r_status != ARES_SUCCESS)
		_exit(11);
	while (nheld < 64 && (fd = dup(0)) != -1)
		held[nheld++] = fd;
	if (nheld == 64)
		_exit(14);
	xport_query(xp, "answer.example", DNSMSG_T_A, done, &r[1]);
	if (child_drive(&r[1]) == -1 || r[1].r_status == ARES_SUCCESS)
		_exit(12);
	while (nheld > 0)
		(void)close(held[--nheld]);
	for (i = 2; i < 8; i++) {
		xport_query(xp, "answer.example", DNSMSG_T_A, done, &r[i]);
		if (child_drive(&r[i]) == -1 || r[i].r_status != ARES_SUCCESS)
			_exit(13);
	}
	_exit(0);
}

/*
 * A channel made while no descriptor is left cannot read /dev/urandom,
 * and c-ares would key it from rand(3): the same key, so the same query
 * IDs, in every process. xport_chan_open() does not make it then, and
 * the channels made once descriptors are back have keys of their own.
 * Two processes run the same queries: the IDs of their last 6 queries
 * (one on each channel made after the shortage) differ at every place.
 * Fails without the check of /dev/urandom (one place holds the same
 * ID, that of the channel keyed from rand()). Two good keys agree at
 * one of 6 places by chance once in about 11,000 runs.
 */
Test(transport, channel_made_only_with_a_key_of_its_own)
{
	uint16_t	seen[2][6];
	unsigned int	k, i, from;
	pid_t		pid;
	int		status;

	xport_destroy(xp);
	xp = NULL;
	for (k = 0; k < 2; k++) {
		pthread_mutex_lock(&mtx);
		from = nids;
		pthread_mutex_unlock(&mtx);
		cr_assert_neq(pid = fork(), -1);
		if (pid == 0)
			key_child();
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child %u: status %#x", k, status);
		pthread_mutex_lock(&mtx);
		cr_assert_eq(nids - from, 7u, "queries that reached the server");
		memcpy(seen[k], ids + from + 1, sizeof(seen[k]));
		pthread_mutex_unlock(&mtx);
	}
	for (i = 0; i < 6; i++)
		cr_expect_neq(seen[0][i], seen[1][i], "query %u: ID %#x in both",
		    i + 3, seen[0][i]);
}
