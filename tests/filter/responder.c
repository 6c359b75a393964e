/*
 * responder: see responder.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "responder.h"

#define RESPONDER_MSG_MAX	4096	/* longest query read */

int
responder_question(const uint8_t *q, size_t n, char *name, size_t namesz,
    unsigned int *type, size_t *end)
{
	size_t	 off = 12, o = 0;
	uint8_t	 c;

	if (n < 12 || namesz == 0)
		return -1;
	while (off < n && (c = q[off]) != 0) {
		if (c > 63 || off + 1 + c >= n || o + c + 2 > namesz)
			return -1;
		if (o > 0)
			name[o++] = '.';
		memcpy(name + o, q + off + 1, c);
		o += c;
		off += 1 + (size_t)c;
	}
	name[o] = '\0';
	if (off + 5 > n)
		return -1;
	*type = (unsigned int)q[off + 1] << 8 | q[off + 2];
	*end = off + 5;
	return 0;
}

void
responder_echo(struct pkt *pk, const uint8_t *q, size_t qlen,
    unsigned int rcode)
{
	memset(pk, 0, sizeof(*pk));
	pkt_put(pk, q, qlen);
	pk->p_count[SEC_QD] = 1;
	pk->p_buf[2] = 0x80 | (q[2] & 0x01);	/* QR, RD echoed */
	pk->p_buf[3] = 0x80 | (rcode & 0x0f);	/* RA */
}

static void
serve_udp(struct responder *rs)
{
	struct sockaddr_storage	 from;
	socklen_t		 flen = sizeof(from);
	uint8_t			 q[RESPONDER_MSG_MAX];
	ssize_t			 n;

	n = recvfrom(rs->rs_udp, q, sizeof(q), 0, (struct sockaddr *)&from,
	    &flen);
	if (n <= 0 || rs->rs_fn(rs->rs_arg, q, (size_t)n, 0, &rs->rs_pkt) == -1)
		return;
	(void)sendto(rs->rs_udp, rs->rs_pkt.p_buf, pkt_len(&rs->rs_pkt), 0,
	    (struct sockaddr *)&from, flen);
}

static void
accept_conn(struct responder *rs)
{
	struct timeval	 tv = { 1, 0 };
	int		 fd, i;

	if ((fd = accept(rs->rs_listen, NULL, NULL)) == -1)
		return;
	/* A peer that stalls mid-message ends its connection, not us. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < RESPONDER_CONNS; i++)
		if (rs->rs_conn[i] == -1) {
			rs->rs_conn[i] = fd;
			return;
		}
	close(fd);
}

/* Read or write exactly len bytes on a blocking socket: 0, or -1. */
static int
whole(int fd, void *buf, size_t len, int out)
{
	ssize_t	n;
	size_t	done = 0;

	while (done < len) {
		n = out ? send(fd, (uint8_t *)buf + done, len - done,
		    MSG_NOSIGNAL) : recv(fd, (uint8_t *)buf + done,
		    len - done, 0);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* One query on connection slot i; the connection ends on EOF or error. */
static void
serve_tcp(struct responder *rs, int i)
{
	uint8_t	 q[RESPONDER_MSG_MAX], len[2];
	size_t	 n, rlen;
	int	 fd = rs->rs_conn[i];

	if (whole(fd, len, 2, 0) == -1)
		goto close;
	n = (size_t)len[0] << 8 | len[1];
	if (n > sizeof(q) || whole(fd, q, n, 0) == -1)
		goto close;
	if (rs->rs_fn(rs->rs_arg, q, n, 1, &rs->rs_pkt) == -1)
		return;
	rlen = pkt_len(&rs->rs_pkt);
	len[0] = (uint8_t)(rlen >> 8);
	len[1] = (uint8_t)rlen;
	if (whole(fd, len, 2, 1) == 0 &&
	    whole(fd, rs->rs_pkt.p_buf, rlen, 1) == 0)
		return;
close:
	close(fd);
	rs->rs_conn[i] = -1;
}

static void *
run(void *arg)
{
	struct responder	*rs = arg;
	struct pollfd		 pfd[2 + RESPONDER_CONNS];
	int			 slot[2 + RESPONDER_CONNS];
	int			 i, n;

	while (!rs->rs_stopping) {
		pfd[0].fd = rs->rs_udp;
		pfd[1].fd = rs->rs_listen;
		for (n = 2, i = 0; i < RESPONDER_CONNS; i++)
			if (rs->rs_conn[i] != -1) {
				slot[n] = i;
				pfd[n++].fd = rs->rs_conn[i];
			}
		for (i = 0; i < n; i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, (nfds_t)n, 20) <= 0)
			continue;
		if (pfd[0].revents != 0)
			serve_udp(rs);
		if (pfd[1].revents != 0)
			accept_conn(rs);
		for (i = 2; i < n; i++)
			if (pfd[i].revents != 0)
				serve_tcp(rs, slot[i]);
	}
	return NULL;
}

/* Bind fd to 127.0.0.1:port (0: any); the port bound goes to *port. */
static int
bind_local(int fd, in_port_t *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = *port;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	*port = sin.sin_port;
	return 0;
}

int
responder_start(struct responder *rs, responder_fn *fn, void *arg)
{
	in_port_t	port = 0;
	int		i, rc;

	memset(rs, 0, sizeof(*rs));
	rs->rs_fn = fn;
	rs->rs_arg = arg;
	rs->rs_listen = -1;
	for (i = 0; i < RESPONDER_CONNS; i++)
		rs->rs_conn[i] = -1;
	/* The TCP port first: the UDP one of the same number is then free. */
	if ((rs->rs_udp = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    (rs->rs_listen = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind_local(rs->rs_listen, &port) == -1 ||
	    listen(rs->rs_listen, RESPONDER_CONNS) == -1 ||
	    bind_local(rs->rs_udp, &port) == -1)
		goto fail;
	snprintf(rs->rs_servers, sizeof(rs->rs_servers), "127.0.0.1:%u",
	    ntohs(port));
	if ((rc = pthread_create(&rs->rs_thread, NULL, run, rs)) != 0) {
		errno = rc;
		goto fail;
	}
	return 0;
fail:
	rc = errno;
	if (rs->rs_udp != -1)
		close(rs->rs_udp);
	if (rs->rs_listen != -1)
		close(rs->rs_listen);
	rs->rs_udp = rs->rs_listen = -1;
	errno = rc;
	return -1;
}

void
responder_stop(struct responder *rs)
{
	int	i;

	if (rs->rs_udp == -1)
		return;
	rs->rs_stopping = 1;
	pthread_join(rs->rs_thread, NULL);
	close(rs->rs_udp);
	close(rs->rs_listen);
	for (i = 0; i < RESPONDER_CONNS; i++)
		if (rs->rs_conn[i] != -1)
			close(rs->rs_conn[i]);
	rs->rs_udp = rs->rs_listen = -1;
}
