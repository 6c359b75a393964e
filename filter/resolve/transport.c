/*
 * transport: see transport.h. The modules it is made of, and the
 * invariants they share, are listed in xport_impl.h; this file creates
 * and destroys the pool, takes queries in and answers the poll loop.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/nameser.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"
#include "xpool.h"
#include "xpoll.h"
#include "xport_impl.h"
#include "xquestion.h"
#include "xsock.h"

#define XPORT_CHANNELS_MAX	256	/* UDP channels, about 74 KB each */
#define XPORT_BATCH_MIN		4	/* queries per socket, at least */
#define XPORT_TCP_CHANNELS	4
/*
 * What the kernel charges a UDP socket's buffers for one datagram (its
 * skb truesize), bounded from above: an answer of at most 1280 bytes,
 * a query of at most XQUESTION_MAX.
 */
#define XPORT_ANSWER_COST	4096
#define XPORT_QUERY_COST	1024

unsigned int
xport_batch(const struct xport *xp)
{
	return xp->xp_batch;
}

unsigned int
xport_channels(const struct xport *xp)
{
	return xp->xp_nudp;
}

static int
chan_init(struct xport *xp, struct xchan *ch, const struct config *cfg,
    int flags, char *err, size_t errlen)
{
	struct ares_options	 opts;
	int			 rc, mask;

	memset(&opts, 0, sizeof(opts));
	/* Never let c-ares' defaults (5 s x 4 tries) decide timing. */
	opts.timeout = (int)cfg->cf_timeout_ms;
	opts.tries = (int)cfg->cf_tries;
	opts.flags = flags;
	opts.sock_state_cb = xpoll_state;
	opts.sock_state_cb_data = xp;
	mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
	    ARES_OPT_SOCK_STATE_CB;
	if ((rc = ares_init_options(&ch->ch_ares, &opts, mask)) !=
	    ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
		ch->ch_ares = NULL;
		return -1;
	}
	ares_set_socket_functions(ch->ch_ares, &xsock_funcs, ch);
	if (cfg->cf_servers != NULL && (rc = ares_set_servers_ports_csv(
	    ch->ch_ares, cfg->cf_servers)) != ARES_SUCCESS) {
		snprintf(err, errlen, "DNS servers '%s': %s",
		    cfg->cf_servers, ares_strerror(rc));
		return -1;
	}
	return 0;
}

/*
 * Channel ch, not made yet, as a copy of its kind's model: the same
 * options, flags and servers, with its own query ID key. c-ares reads
 * the resolver's configuration (resolv.conf, nsswitch.conf) for the
 * models alone, so every channel of the pool has the same servers even
 * when resolv.conf is rewritten while ptrtag runs. The copy reads
 * /dev/urandom for its key, which the sandbox leaves readable for that
 * (ptrtag(1), SANDBOX).
 */
int
xport_chan_open(struct xport *xp, struct xchan *ch)
{
	const struct xchan	*model;
	int			 fd;

	if (ch->ch_ares != NULL)
		return 0;
	/*
	 * When c-ares cannot open /dev/urandom (no descriptor left, under
	 * load with a low limit) it keys the channel from rand(3), the same
	 * in every run, and says nothing. So the file must open here first;
	 * only this thread opens descriptors, so the one closed is c-ares'.
	 */
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	close(fd);
	model = &xp->xp_chans[ch->ch_tcp ? xp->xp_nudp : 0];
	if (ares_dup(&ch->ch_ares, model->ch_ares) != ARES_SUCCESS) {
		ch->ch_ares = NULL;
		return -1;
	}
	ares_set_socket_functions(ch->ch_ares, &xsock_funcs, ch);
	return 0;
}

/*
 * Room for every socket the pool may open (one per server per channel):
 * raise the soft descriptor limit towards the hard one if need be. Best
 * effort: a limit left low shows later as a failed query, not here.
 */
static void
raise_fd_limit(const struct xport *xp)
{
	struct ares_addr_port_node	*servers, *s;
	struct rlimit			 rl;
	rlim_t				 need, nservers = 0;

	if (ares_get_servers_ports(xp->xp_chans[0].ch_ares, &servers) !=
	    ARES_SUCCESS)
		return;
	for (s = servers; s != NULL; s = s->next)
		nservers++;
	ares_free_data(servers);
	need = nservers * xp->xp_nchans + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need ?
	    rl.rlim_max : need;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

/*
 * A channel per -j slot (ptrtag(1), DNS TRANSPORT): j channels, at least
 * 2, at most XPORT_CHANNELS_MAX, each taking ceil(2j / channels) queries
 * per socket, at least XPORT_BATCH_MIN. A query that never answers keeps
 * its channel's socket open through all its tries, and the channel takes
 * nothing more meanwhile; with as many channels as queries in flight,
 * every such query pins only its own channel and the others keep room
 * for the rest of -j. Fewer channels, each with a larger batch, let a
 * few names that never answer hold most of the pool.
 */
static void
pool_size(struct xport *xp, unsigned int j)
{
	unsigned int	n;

	n = j < 2 ? 2 : j > XPORT_CHANNELS_MAX ? XPORT_CHANNELS_MAX : j;
	xp->xp_nudp = n;
	xp->xp_batch = (2 * j + n - 1) / n;
	if (xp->xp_batch < XPORT_BATCH_MIN)
		xp->xp_batch = XPORT_BATCH_MIN;
	xp->xp_nchans = n + XPORT_TCP_CHANNELS;
	xp->xp_rcvbuf = (int)(xp->xp_batch * XPORT_ANSWER_COST);
	xp->xp_sndbuf = (int)(xp->xp_batch * XPORT_QUERY_COST);
}

/*
 * Size one UDP socket as the pool's will be, to learn at start whether
 * the kernel grants the buffers (xport_sockbuf).
 */
static void
sockbuf_test(struct xport *xp)
{
	int	fd;

	xp->xp_rcvbuf_got = -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 &&
	    (fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	xp->xp_bufs_plain = xsock_plain(xp, fd);
	(void)xsock_size(xp, fd, &xp->xp_rcvbuf_got);
	close(fd);
}

int
xport_sockbuf(const struct xport *xp, int *want, int *got)
{
	*want = xp->xp_rcvbuf;
	*got = xp->xp_rcvbuf_got;
	return xp->xp_rcvbuf_got != -1 && xp->xp_rcvbuf_got < xp->xp_rcvbuf;
}

struct xport *
xport_create(const struct config *cfg, struct stats *st, int ares_flags,
    char *err, size_t errlen)
{
	struct xport	*xp;
	struct xchan	*ch;
	unsigned int	 i;

	xp = xcalloc(1, sizeof(*xp));
	xp->xp_stats = st;
	TAILQ_INIT(&xp->xp_wait_udp);
	TAILQ_INIT(&xp->xp_wait_tcp);
	pool_size(xp, cfg->cf_max_inflight);
	if (xpoll_open(xp) == -1) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		free(xp);
		return NULL;
	}
	xp->xp_udpmax = ares_flags & ARES_FLAG_EDNS ? 1280 : PACKETSZ;
	xp->xp_chans = xcalloc(xp->xp_nchans, sizeof(*xp->xp_chans));
	for (i = 0; i < xp->xp_nchans; i++) {
		ch = &xp->xp_chans[i];
		ch->ch_xp = xp;
		ch->ch_tcp = i >= xp->xp_nudp;
		TAILQ_INIT(&ch->ch_queries);
	}
	/*
	 * The first channel of each kind is made now, as the model of the
	 * others, which are copied from it when first picked (xpool.c): a
	 * run that finds every address in its cache never pays for them.
	 */
	if (chan_init(xp, &xp->xp_chans[0], cfg, ares_flags | ARES_FLAG_IGNTC,
	    err, errlen) == -1 || chan_init(xp, &xp->xp_chans[xp->xp_nudp],
	    cfg, ares_flags | ARES_FLAG_USEVC, err, errlen) == -1) {
		xport_destroy(xp);
		return NULL;
	}
	raise_fd_limit(xp);
	sockbuf_test(xp);
	return xp;
}

void
xport_destroy(struct xport *xp)
{
	struct xquery	*q;
	unsigned int	 i;

	if (xp == NULL)
		return;
	/* Queries still held by c-ares come back with ARES_EDESTRUCTION. */
	for (i = 0; i < xp->xp_nchans; i++)
		if (xp->xp_chans[i].ch_ares != NULL)
			ares_destroy(xp->xp_chans[i].ch_ares);
	while ((q = TAILQ_FIRST(&xp->xp_wait_tcp)) != NULL) {
		TAILQ_REMOVE(&xp->xp_wait_tcp, q, xq_entry);
		xpool_finish(q, ARES_EDESTRUCTION, 0, NULL, 0);
	}
	while ((q = TAILQ_FIRST(&xp->xp_wait_udp)) != NULL) {
		TAILQ_REMOVE(&xp->xp_wait_udp, q, xq_entry);
		xpool_finish(q, ARES_EDESTRUCTION, 0, NULL, 0);
	}
	free(xp->xp_chans);
	xpoll_close(xp);
	free(xp->xp_socks);
	free(xp);
}

void
xport_query(struct xport *xp, const char *name, int type, xport_cb *cb,
    void *arg)
{
	struct xquery	*q;
	int		 rc;

	q = xcalloc(1, sizeof(*q));
	q->xq_xp = xp;
	q->xq_cb = cb;
	q->xq_arg = arg;
	q->xq_type = type;
	if (strlcpy(q->xq_name, name, sizeof(q->xq_name)) >=
	    sizeof(q->xq_name)) {
		xpool_finish(q, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	xquestion_case_0x20(q->xq_name);
	if ((rc = xquestion_build(q->xq_name, type, q->xq_q, sizeof(q->xq_q),
	    &q->xq_qlen)) != ARES_SUCCESS) {
		xpool_finish(q, rc, 0, NULL, 0);
		return;
	}
	TAILQ_INSERT_TAIL(&xp->xp_wait_udp, q, xq_entry);
	xpool_pump(xp);
}

int
xport_npollfds(const struct xport *xp)
{
	return xp->xp_nactive > 0 ? 1 : 0;
}

int
xport_pollfds(struct xport *xp, struct pollfd *pfd, int max)
{
	return xpoll_fill(xp, pfd, max);
}

int64_t
xport_timeout_ms(struct xport *xp)
{
	return xpoll_timeout_ms(xp);
}

void
xport_process(struct xport *xp, const struct pollfd *pfd, int n)
{
	xpoll_run(xp, pfd, n);
	xpool_pump(xp);
}
