/*
 * transport: see transport.h. Invariants:
 * - Every c-ares socket is opened and closed through sock_open() and
 *   sock_close() (ares_set_socket_functions), so xp_socks maps each open
 *   descriptor to its channel and ch_nsock counts a channel's sockets.
 * - A channel with no query and no socket is idle. c-ares 1.18.1 closes
 *   all of a channel's sockets when its last query ends (no
 *   ARES_FLAG_STAYOPEN), so the next query on it gets a new socket and a
 *   new random source port. A UDP channel takes at most xp_batch queries
 *   between two idle times (ch_epoch); an idle channel is preferred.
 * - A TCP channel (ARES_FLAG_USEVC) carries one query at a time, so a
 *   reset, closed or never accepted connection, which c-ares handles by
 *   failing over every query on that channel, fails that query alone.
 * - A query is on exactly one list: xp_wait_udp, xp_wait_tcp, or its
 *   channel's ch_queries while c-ares holds it.
 * - New queries go into c-ares only from xport_query(), pump() and the
 *   truncation path of query_done(); never into a channel whose last
 *   query is ending (it is not idle until c-ares closed its sockets).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/nameser.h>

#include <ares.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"

#define XPORT_CHANNELS_MAX	64	/* UDP channels, about 74 KB each */
#define XPORT_BATCH_MIN		4	/* queries per socket, at least */
#define XPORT_TCP_CHANNELS	4
#define XPORT_DROP_BURST	64	/* datagrams dropped per read call */
#define XPORT_QUESTION_MAX	(255 + QFIXEDSZ)
#define XPORT_NAME_MAX		256

struct xchan;

struct xquery {
	TAILQ_ENTRY(xquery)	 xq_entry;
	struct xport		*xq_xp;
	struct xchan		*xq_ch;		/* NULL while waiting */
	xport_cb		*xq_cb;
	void			*xq_arg;
	int			 xq_type;
	int			 xq_idset;	/* xq_id seen on a datagram */
	uint16_t		 xq_id;
	size_t			 xq_qlen;
	uint8_t			 xq_q[XPORT_QUESTION_MAX]; /* as sent */
	char			 xq_name[XPORT_NAME_MAX];  /* 0x20 case */
};
TAILQ_HEAD(xquery_list, xquery);

struct xchan {
	ares_channel		 ch_ares;
	struct xport		*ch_xp;
	int			 ch_tcp;
	unsigned int		 ch_nsock;	/* sockets open */
	unsigned int		 ch_epoch;	/* queries since last idle */
	unsigned int		 ch_busy;	/* queries held by c-ares */
	unsigned int		 ch_round;	/* last xport_process round */
	struct xquery_list	 ch_queries;
};

struct xsock {
	struct xchan	*xs_ch;		/* NULL: not a c-ares socket */
	uint64_t	 xs_gen;	/* xp_gen when opened */
	int		 xs_active;	/* index in xp_active, or -1 */
	short		 xs_events;
	int		 xs_udp;
};

struct xport {
	struct stats		*xp_stats;
	struct xchan		*xp_chans;	/* UDP, then TCP */
	unsigned int		 xp_nudp;
	unsigned int		 xp_nchans;
	unsigned int		 xp_batch;
	unsigned int		 xp_next;	/* where the UDP scan starts */
	unsigned int		 xp_round;
	size_t			 xp_udpmax;	/* larger: treated as truncated */
	struct xquery_list	 xp_wait_udp;
	struct xquery_list	 xp_wait_tcp;
	struct xsock		*xp_socks;	/* indexed by descriptor */
	size_t			 xp_nsocks;
	int			*xp_active;	/* descriptors with events */
	size_t			 xp_nactive;
	uint64_t		 xp_gen;
	uint64_t		 xp_pollgen;	/* xp_gen at the last poll set */
};

static void	query_done(void *, int, int, unsigned char *, int);

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

/* ----- the socket table */

static struct xsock *
sock_get(struct xport *xp, int fd)
{
	if (fd < 0 || (size_t)fd >= xp->xp_nsocks)
		return NULL;
	return xp->xp_socks[fd].xs_ch != NULL ? &xp->xp_socks[fd] : NULL;
}

static void
sock_set_events(struct xport *xp, int fd, short events)
{
	struct xsock	*xs = &xp->xp_socks[fd];
	int		 last;

	xs->xs_events = events;
	if (events != 0 && xs->xs_active == -1) {
		xs->xs_active = (int)xp->xp_nactive;
		xp->xp_active[xp->xp_nactive++] = fd;
	} else if (events == 0 && xs->xs_active != -1) {
		last = xp->xp_active[--xp->xp_nactive];
		xp->xp_active[xs->xs_active] = last;
		xp->xp_socks[last].xs_active = xs->xs_active;
		xs->xs_active = -1;
	}
}

/* c-ares' socket-state callback: what to poll a socket for. */
static void
sock_state(void *arg, ares_socket_t fd, int readable, int writable)
{
	struct xport	*xp = arg;

	if (sock_get(xp, fd) == NULL)
		return;
	sock_set_events(xp, fd, (short)((readable ? POLLIN : 0) |
	    (writable ? POLLOUT : 0)));
}

/* Open a socket as c-ares would (non-blocking, close-on-exec). */
static ares_socket_t
sock_open(int af, int type, int proto, void *arg)
{
	struct xchan	*ch = arg;
	struct xport	*xp = ch->ch_xp;
	struct xsock	*xs;
	size_t		 n;
	int		 fd, fl, one = 1;

	if ((fd = socket(af, type, proto)) == -1)
		return ARES_SOCKET_BAD;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    (type == SOCK_STREAM && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
	    &one, sizeof(one)) == -1)) {
		close(fd);
		return ARES_SOCKET_BAD;
	}
	if ((size_t)fd >= xp->xp_nsocks) {
		n = (size_t)fd * 2 + 16;
		xp->xp_socks = xreallocarray(xp->xp_socks, n,
		    sizeof(*xp->xp_socks));
		memset(xp->xp_socks + xp->xp_nsocks, 0,
		    (n - xp->xp_nsocks) * sizeof(*xp->xp_socks));
		xp->xp_active = xreallocarray(xp->xp_active, n,
		    sizeof(*xp->xp_active));
		xp->xp_nsocks = n;
	}
	xs = &xp->xp_socks[fd];
	xs->xs_ch = ch;
	xs->xs_gen = ++xp->xp_gen;
	xs->xs_active = -1;
	xs->xs_events = 0;
	xs->xs_udp = type == SOCK_DGRAM;
	ch->ch_nsock++;
	return fd;
}

static int
sock_close(ares_socket_t fd, void *arg)
{
	struct xchan	*ch = arg;
	struct xport	*xp = ch->ch_xp;

	if (sock_get(xp, fd) != NULL) {
		sock_set_events(xp, fd, 0);
		xp->xp_socks[fd].xs_ch = NULL;
		ch->ch_nsock--;
	}
	return close(fd);
}

static int
sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len,
    void *arg)
{
	(void)arg;
	return connect(fd, sa, len);
}

/* Bytes of the question at offset HFIXEDSZ of m, or 0: none/compressed. */
static size_t
question_len(const uint8_t *m, size_t len)
{
	size_t	off = HFIXEDSZ;

	while (off < len && m[off] != 0) {
		if (m[off] & 0xc0)
			return 0;
		off += 1 + (size_t)m[off];
	}
	off += 1 + QFIXEDSZ;
	return off <= len ? off - HFIXEDSZ : 0;
}

/* Does q's question (exact bytes, 0x20 case included) head m? */
static int
same_question(const struct xquery *q, const uint8_t *m, size_t len)
{
	return len >= HFIXEDSZ + q->xq_qlen && m[4] == 0 && m[5] == 1 &&
	    memcmp(m + HFIXEDSZ, q->xq_q, q->xq_qlen) == 0;
}

/*
 * May this datagram reach c-ares? Only an answer (QR) whose ID and exact
 * question belong to a query this channel sent and still waits for.
 */
static int
answer_expected(const struct xchan *ch, const uint8_t *m, size_t len)
{
	const struct xquery	*q;
	uint16_t		 id;

	if (len < HFIXEDSZ || !(m[2] & 0x80))
		return 0;
	id = (uint16_t)(m[0] << 8 | m[1]);
	TAILQ_FOREACH(q, &ch->ch_queries, xq_entry)
		if (q->xq_idset && q->xq_id == id && same_question(q, m, len))
			return 1;
	return 0;
}

/*
 * Reads for c-ares. UDP datagrams that answer nothing outstanding are
 * dropped and counted (forged, or late); after XPORT_DROP_BURST of them
 * EAGAIN ends c-ares' read loop, and poll brings us back.
 */
static ares_ssize_t
sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
    struct sockaddr *from, ares_socklen_t *fromlen, void *arg)
{
	struct xchan	*ch = arg;
	struct xport	*xp = ch->ch_xp;
	struct xsock	*xs = sock_get(xp, fd);
	socklen_t	 flen0 = fromlen != NULL ? *fromlen : 0;
	ssize_t		 n;
	int		 drops;

	for (drops = 0; drops < XPORT_DROP_BURST; drops++) {
		if (fromlen != NULL)
			*fromlen = flen0;
		n = recvfrom(fd, buf, len, flags, from, fromlen);
		if (n == -1 || xs == NULL || !xs->xs_udp)
			return n;
		if (answer_expected(ch, buf, (size_t)n)) {
			/* c-ares would cut it and keep it; ask over TCP. */
			if ((size_t)n > xp->xp_udpmax)
				((uint8_t *)buf)[2] |= 0x02;
			return n;
		}
		xp->xp_stats->st_answers_dropped++;
	}
	errno = EAGAIN;
	return -1;
}

/* Note the ID c-ares gave a query as its datagram leaves. */
static void
note_sent(struct xchan *ch, const uint8_t *m, size_t len)
{
	struct xquery	*q;

	if (len < HFIXEDSZ)
		return;
	TAILQ_FOREACH(q, &ch->ch_queries, xq_entry)
		if (!q->xq_idset && same_question(q, m, len)) {
			q->xq_idset = 1;
			q->xq_id = (uint16_t)(m[0] << 8 | m[1]);
			return;
		}
}

static ares_ssize_t
sock_sendv(ares_socket_t fd, const struct iovec *iov, int iovcnt, void *arg)
{
	struct xchan	*ch = arg;
	struct xsock	*xs = sock_get(ch->ch_xp, fd);

	if (iovcnt != 1)
		return writev(fd, iov, iovcnt);
	if (xs != NULL && xs->xs_udp)
		note_sent(ch, iov[0].iov_base, iov[0].iov_len);
	return send(fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
}

static const struct ares_socket_functions sock_funcs = {
	sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv
};

/* ----- channels */

static int
chan_init(struct xport *xp, struct xchan *ch, const struct config *cfg,
    int flags, char *errbuf, size_t errlen)
{
	struct ares_options	 opts;
	int			 rc, mask;

	memset(&opts, 0, sizeof(opts));
	/* Never let c-ares' defaults (5 s x 4 tries) decide timing. */
	opts.timeout = (int)cfg->cf_timeout_ms;
	opts.tries = (int)cfg->cf_tries;
	opts.flags = flags;
	opts.sock_state_cb = sock_state;
	opts.sock_state_cb_data = xp;
	mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
	    ARES_OPT_SOCK_STATE_CB;
	ch->ch_xp = xp;
	TAILQ_INIT(&ch->ch_queries);
	if ((rc = ares_init_options(&ch->ch_ares, &opts, mask)) !=
	    ARES_SUCCESS) {
		snprintf(errbuf, errlen, "c-ares: %s", ares_strerror(rc));
		ch->ch_ares = NULL;
		return -1;
	}
	ares_set_socket_functions(ch->ch_ares, &sock_funcs, ch);
	if (cfg->cf_servers != NULL && (rc = ares_set_servers_ports_csv(
	    ch->ch_ares, cfg->cf_servers)) != ARES_SUCCESS) {
		snprintf(errbuf, errlen, "DNS servers '%s': %s",
		    cfg->cf_servers, ares_strerror(rc));
		return -1;
	}
	return 0;
}

/*
 * Room for every socket the pool may open (one per server per channel):
 * raise the soft descriptor limit towards the hard one if need be.
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

struct xport *
xport_create(const struct config *cfg, struct stats *st, int flags,
    char *errbuf, size_t errlen)
{
	struct xport	*xp;
	unsigned int	 i, j = cfg->cf_max_inflight, n;

	xp = xcalloc(1, sizeof(*xp));
	xp->xp_stats = st;
	TAILQ_INIT(&xp->xp_wait_udp);
	TAILQ_INIT(&xp->xp_wait_tcp);
	/*
	 * The pool holds twice -j in queries (a channel waits for its
	 * slowest query before it takes more): ceil(2j / 4) channels, at
	 * most XPORT_CHANNELS_MAX, each taking ceil(2j / channels) queries
	 * per socket, at least XPORT_BATCH_MIN.
	 */
	n = (2 * j + XPORT_BATCH_MIN - 1) / XPORT_BATCH_MIN;
	n = n < 2 ? 2 : n > XPORT_CHANNELS_MAX ? XPORT_CHANNELS_MAX : n;
	xp->xp_nudp = n;
	xp->xp_batch = (2 * j + n - 1) / n;
	if (xp->xp_batch < XPORT_BATCH_MIN)
		xp->xp_batch = XPORT_BATCH_MIN;
	xp->xp_udpmax = flags & ARES_FLAG_EDNS ? 1280 : PACKETSZ;
	xp->xp_nchans = n + XPORT_TCP_CHANNELS;
	xp->xp_chans = xreallocarray(NULL, xp->xp_nchans,
	    sizeof(*xp->xp_chans));
	memset(xp->xp_chans, 0, xp->xp_nchans * sizeof(*xp->xp_chans));
	for (i = 0; i < xp->xp_nchans; i++) {
		xp->xp_chans[i].ch_tcp = i >= n;
		if (chan_init(xp, &xp->xp_chans[i], cfg, flags | (i >= n ?
		    ARES_FLAG_USEVC : ARES_FLAG_IGNTC), errbuf, errlen) == -1) {
			xp->xp_nchans = xp->xp_chans[i].ch_ares != NULL ?
			    i + 1 : i;
			xport_destroy(xp);
			return NULL;
		}
	}
	raise_fd_limit(xp);
	return xp;
}

/* Hand q's outcome to its owner and free it. */
static void
query_finish(struct xquery *q, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	xport_cb	*cb = q->xq_cb;
	void		*arg = q->xq_arg;

	free(q);
	cb(arg, status, timeouts, abuf, alen);
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
		query_finish(q, ARES_EDESTRUCTION, 0, NULL, 0);
	}
	while ((q = TAILQ_FIRST(&xp->xp_wait_udp)) != NULL) {
		TAILQ_REMOVE(&xp->xp_wait_udp, q, xq_entry);
		query_finish(q, ARES_EDESTRUCTION, 0, NULL, 0);
	}
	free(xp->xp_chans);
	free(xp->xp_socks);
	free(xp->xp_active);
	free(xp);
}

static int
chan_idle(const struct xchan *ch)
{
	return ch->ch_busy == 0 && ch->ch_nsock == 0;
}

/*
 * The UDP channel for the next query: an idle one (new socket, new
 * port), else one whose sockets have taken fewer than xp_batch queries.
 */
static struct xchan *
pick_udp(struct xport *xp)
{
	struct xchan	*ch, *some = NULL;
	unsigned int	 i, k;

	for (i = 0; i < xp->xp_nudp; i++) {
		k = (xp->xp_next + i) % xp->xp_nudp;
		ch = &xp->xp_chans[k];
		if (chan_idle(ch)) {
			ch->ch_epoch = 0;
			xp->xp_next = (k + 1) % xp->xp_nudp;
			return ch;
		}
		if (some == NULL && ch->ch_epoch < xp->xp_batch)
			some = ch;
	}
	return some;
}

static struct xchan *
pick_tcp(struct xport *xp)
{
	unsigned int	i;

	for (i = xp->xp_nudp; i < xp->xp_nchans; i++)
		if (chan_idle(&xp->xp_chans[i]))
			return &xp->xp_chans[i];
	return NULL;
}

/* Give q to c-ares on ch; its callback may run before this returns. */
static void
chan_send(struct xchan *ch, struct xquery *q)
{
	q->xq_ch = ch;
	q->xq_idset = 0;
	ch->ch_busy++;
	ch->ch_epoch++;
	TAILQ_INSERT_TAIL(&ch->ch_queries, q, xq_entry);
	ares_query(ch->ch_ares, q->xq_name, C_IN, q->xq_type, query_done, q);
}

/* Move waiting queries into free channels, first come first served. */
static void
pump(struct xport *xp)
{
	struct xquery	*q;
	struct xchan	*ch;

	while ((q = TAILQ_FIRST(&xp->xp_wait_tcp)) != NULL &&
	    (ch = pick_tcp(xp)) != NULL) {
		TAILQ_REMOVE(&xp->xp_wait_tcp, q, xq_entry);
		chan_send(ch, q);
	}
	while ((q = TAILQ_FIRST(&xp->xp_wait_udp)) != NULL &&
	    (ch = pick_udp(xp)) != NULL) {
		TAILQ_REMOVE(&xp->xp_wait_udp, q, xq_entry);
		chan_send(ch, q);
	}
}

/* c-ares callback for every query; see the invariants above. */
static void
query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct xquery	*q = arg;
	struct xchan	*ch = q->xq_ch;
	struct xport	*xp = q->xq_xp;

	TAILQ_REMOVE(&ch->ch_queries, q, xq_entry);
	ch->ch_busy--;
	q->xq_ch = NULL;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED ||
	    abuf == NULL || alen < HFIXEDSZ) {
		query_finish(q, status, timeouts, NULL, 0);
		return;
	}
	if (!ch->ch_tcp && (abuf[2] & 0x02)) {
		/* Truncated: ask again over a TCP channel of its own. */
		xp->xp_stats->st_tcp_retries++;
		TAILQ_INSERT_TAIL(&xp->xp_wait_tcp, q, xq_entry);
		pump(xp);
		return;
	}
	/* UDP answers were checked before c-ares saw them; TCP ones now. */
	if (ch->ch_tcp && !same_question(q, abuf, (size_t)alen)) {
		xp->xp_stats->st_answers_dropped++;
		query_finish(q, ARES_ECONNREFUSED, timeouts, NULL, 0);
		return;
	}
	query_finish(q, status, timeouts, abuf, alen);
}

/* Randomise the case of every ASCII letter of name (0x20 bits). */
static void
case_0x20(char *name)
{
	uint32_t	bits = 0;
	int		left = 0;

	for (; *name != '\0'; name++) {
		if (!((*name >= 'a' && *name <= 'z') ||
		    (*name >= 'A' && *name <= 'Z')))
			continue;
		if (left == 0) {
			bits = arc4random();
			left = 32;
		}
		*name = (char)((*name & ~0x20) | (bits & 1 ? 0 : 0x20));
		bits >>= 1;
		left--;
	}
}

void
xport_query(struct xport *xp, const char *name, int type, xport_cb *cb,
    void *arg)
{
	struct xquery	*q;
	unsigned char	*buf;
	int		 len, rc;

	q = xcalloc(1, sizeof(*q));
	q->xq_xp = xp;
	q->xq_cb = cb;
	q->xq_arg = arg;
	q->xq_type = type;
	if (strlcpy(q->xq_name, name, sizeof(q->xq_name)) >=
	    sizeof(q->xq_name)) {
		query_finish(q, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	case_0x20(q->xq_name);
	/* The question as c-ares will write it (ares_query builds the same). */
	if ((rc = ares_create_query(q->xq_name, C_IN, type, 0, 1, &buf, &len,
	    0)) != ARES_SUCCESS) {
		query_finish(q, rc, 0, NULL, 0);
		return;
	}
	q->xq_qlen = question_len(buf, (size_t)len);
	if (q->xq_qlen == 0 || q->xq_qlen > sizeof(q->xq_q)) {
		ares_free_string(buf);
		query_finish(q, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	memcpy(q->xq_q, buf + HFIXEDSZ, q->xq_qlen);
	ares_free_string(buf);
	TAILQ_INSERT_TAIL(&xp->xp_wait_udp, q, xq_entry);
	pump(xp);
}

int
xport_npollfds(const struct xport *xp)
{
	return (int)xp->xp_nactive;
}

int
xport_pollfds(struct xport *xp, struct pollfd *pfd, int max)
{
	int	n = 0;
	size_t	i;

	for (i = 0; i < xp->xp_nactive && n < max; i++, n++) {
		pfd[n].fd = xp->xp_active[i];
		pfd[n].events = xp->xp_socks[pfd[n].fd].xs_events;
		pfd[n].revents = 0;
	}
	xp->xp_pollgen = xp->xp_gen;
	return n;
}

int64_t
xport_timeout_ms(struct xport *xp)
{
	struct timeval	 tv, *tvp;
	int64_t		 t, best = -1;
	unsigned int	 i;

	for (i = 0; i < xp->xp_nchans; i++) {
		if (xp->xp_chans[i].ch_busy == 0 ||
		    (tvp = ares_timeout(xp->xp_chans[i].ch_ares, NULL, &tv)) ==
		    NULL)
			continue;
		/* Round up: 0.4 ms left must not become a busy poll(0). */
		t = (int64_t)tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

void
xport_process(struct xport *xp, const struct pollfd *pfd, int n)
{
	struct xsock	*xs;
	struct xchan	*ch;
	ares_socket_t	 rfd, wfd;
	unsigned int	 i;
	int		 k;

	xp->xp_round++;
	for (k = 0; k < n; k++) {
		if (pfd[k].revents == 0)
			continue;
		/* A descriptor reopened since poll is not what poll saw. */
		if ((xs = sock_get(xp, pfd[k].fd)) == NULL ||
		    xs->xs_gen > xp->xp_pollgen)
			continue;
		ch = xs->xs_ch;
		ch->ch_round = xp->xp_round;
		rfd = pfd[k].revents & (POLLIN | POLLERR | POLLHUP) ?
		    pfd[k].fd : ARES_SOCKET_BAD;
		wfd = pfd[k].revents & POLLOUT ? pfd[k].fd : ARES_SOCKET_BAD;
		ares_process_fd(ch->ch_ares, rfd, wfd);
	}
	/* Timers only advance through a call; once per busy channel. */
	for (i = 0; i < xp->xp_nchans; i++) {
		ch = &xp->xp_chans[i];
		if (ch->ch_busy > 0 && ch->ch_round != xp->xp_round)
			ares_process_fd(ch->ch_ares, ARES_SOCKET_BAD,
			    ARES_SOCKET_BAD);
	}
	pump(xp);
}
