/*
 * xsock: see xsock.h. Header bytes (arpa/nameser.h): QR is bit 0x80 of
 * byte 2, TC bit 0x02 of byte 2.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/nameser.h>

#include <errno.h>
#include <unistd.h>

#include "xpoll.h"
#include "xport_impl.h"
#include "xquestion.h"
#include "xsock.h"

#define XSOCK_DROP_BURST	64	/* datagrams dropped per read call */
#define XSOCK_RECHECK		64	/* see bufs_known() */

/* SO_RCVBUF or SO_SNDBUF of fd as the kernel counts it, or -1. */
static int
buf_get(int fd, int opt)
{
	socklen_t	len = sizeof(int);
	int		got;

	return getsockopt(fd, SOL_SOCKET, opt, &got, &len) == -1 ? -1 : got;
}

/*
 * Raise fd's buffer opt (SO_RCVBUF, SO_SNDBUF) to want bytes as the
 * kernel counts them (getsockopt; Linux doubles what setsockopt asks, to
 * allow for its own overhead), never lowering it; past the sysctl cap
 * with force (SO_RCVBUFFORCE, SO_SNDBUFFORCE: CAP_NET_ADMIN). Returns
 * what the kernel granted, or -1.
 */
static int
buf_raise(int fd, int opt, int force, int want)
{
	int	got, ask = want / 2;

	if ((got = buf_get(fd, opt)) == -1 || got >= want)
		return got;
	if (setsockopt(fd, SOL_SOCKET, opt, &ask, sizeof(ask)) == -1 ||
	    (got = buf_get(fd, opt)) == -1)
		return -1;
	if (got < want)
		(void)setsockopt(fd, SOL_SOCKET, force, &ask, sizeof(ask));
	return buf_get(fd, opt);
}

int
xsock_plain(const struct xport *xp, int fd)
{
	return buf_get(fd, SO_RCVBUF) >= xp->xp_rcvbuf &&
	    buf_get(fd, SO_SNDBUF) >= xp->xp_sndbuf;
}

/*
 * A new UDP socket's buffers hold what the pool wants as the kernel made
 * them: a test socket's did at start (xp_bufs_plain), and every
 * XSOCK_RECHECK-th socket looks again, in case net.core.rmem_default or
 * wmem_default was lowered since; from then on every socket is sized.
 * Saves two system calls per query (a socket per query: xport_impl.h).
 */
static int
bufs_known(struct xport *xp, int fd)
{
	if (!xp->xp_bufs_plain)
		return 0;
	if (++xp->xp_opened % XSOCK_RECHECK == 0)
		xp->xp_bufs_plain = xsock_plain(xp, fd);
	return xp->xp_bufs_plain;
}

int
xsock_size(const struct xport *xp, int fd, int *rcvgot)
{
	*rcvgot = buf_raise(fd, SO_RCVBUF, SO_RCVBUFFORCE, xp->xp_rcvbuf);
	if (*rcvgot < xp->xp_rcvbuf || buf_raise(fd, SO_SNDBUF,
	    SO_SNDBUFFORCE, xp->xp_sndbuf) < xp->xp_sndbuf)
		return -1;
	return 0;
}

/* Open a socket as c-ares would (non-blocking, close-on-exec). */
static ares_socket_t
sock_open(int af, int type, int proto, void *arg)
{
	struct xchan	*ch = arg;
	int		 fd, one = 1, rcv;

	if ((fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    proto)) == -1)
		return ARES_SOCKET_BAD;
	if (type == SOCK_STREAM && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
	    &one, sizeof(one)) == -1) {
		close(fd);
		return ARES_SOCKET_BAD;
	}
	if (type == SOCK_DGRAM && !bufs_known(ch->ch_xp, fd) &&
	    xsock_size(ch->ch_xp, fd, &rcv) == -1)
		ch->ch_xp->xp_stats->st_sockbuf_capped++;
	xpoll_add(ch->ch_xp, fd, ch, type == SOCK_DGRAM);
	return fd;
}

static int
sock_close(ares_socket_t fd, void *arg)
{
	struct xchan	*ch = arg;

	xpoll_remove(ch->ch_xp, fd);
	return close(fd);
}

static int
sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len,
    void *arg)
{
	(void)arg;	/* the shape c-ares calls */
	return connect(fd, sa, len);
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
	id = xquestion_id(m);
	TAILQ_FOREACH(q, &ch->ch_queries, xq_entry)
		if (q->xq_idset && q->xq_id == id &&
		    xquestion_same(q->xq_q, q->xq_qlen, m, len))
			return 1;
	return 0;
}

/*
 * Reads for c-ares. UDP datagrams that answer nothing outstanding are
 * dropped and counted (forged, or late); after XSOCK_DROP_BURST of them
 * EAGAIN ends c-ares' read loop, and poll brings us back.
 */
static ares_ssize_t
sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
    struct sockaddr *from, ares_socklen_t *fromlen, void *arg)
{
	struct xchan	*ch = arg;
	struct xport	*xp = ch->ch_xp;
	struct xsock	*xs = xpoll_get(xp, fd);
	socklen_t	 flen0 = fromlen != NULL ? *fromlen : 0;
	ssize_t		 n;
	int		 drops;

	for (drops = 0; drops < XSOCK_DROP_BURST; drops++) {
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
		if (!q->xq_idset &&
		    xquestion_same(q->xq_q, q->xq_qlen, m, len)) {
			q->xq_idset = 1;
			q->xq_id = xquestion_id(m);
			return;
		}
}

static ares_ssize_t
sock_sendv(ares_socket_t fd, const struct iovec *iov, int iovcnt, void *arg)
{
	struct xchan	*ch = arg;
	struct xsock	*xs = xpoll_get(ch->ch_xp, fd);

	if (iovcnt != 1)
		return writev(fd, iov, iovcnt);
	if (xs != NULL && xs->xs_udp)
		note_sent(ch, iov[0].iov_base, iov[0].iov_len);
	return send(fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
}

const struct ares_socket_functions xsock_funcs = {
	sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv
};
