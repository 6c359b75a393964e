/*
 * extract: the --extract mode, a plain read/scan/write loop.
 *
 * Lines that fit in one read are scanned where they lie in the input
 * chunk; only a line that straddles reads is copied into the carry
 * buffer, which never grows past max_line + 1 bytes (the text plus a
 * possible '\r'). Once a line outgrows that, the rest of its bytes are
 * dropped until its '\n' and it is answered with an empty line.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "ipaddr.h"
#include "ipscan.h"

/* Bytes asked of one read(2), and the size of the output buffer. */
#define EXTRACT_CHUNK	65536
#define EXTRACT_OUTCAP	65536
/* Room one address and its separator take in the output buffer. */
#define EXTRACT_ADDRMAX	(IPADDR_STRMAX + 1)

struct extract {
	struct ipscan	*xt_sc;
	struct ipmatch	*xt_match;	/* xt_nmatch slots */
	size_t		 xt_nmatch;
	size_t		 xt_max_line;
	size_t		 xt_limit;	/* carry limit: max_line + 1 */
	char		*xt_carry;	/* a line cut by a read */
	size_t		 xt_len;
	size_t		 xt_cap;
	int		 xt_skip;	/* this line is over max_line */
	int		 xt_outfd;
	char		*xt_out;	/* EXTRACT_OUTCAP bytes */
	size_t		 xt_outlen;
};

/* Wait until fd is ready for events; EINTR is not an error here. */
static int
extract_wait(int fd, short events)
{
	struct pollfd	pfd;

	pfd.fd = fd;
	pfd.events = events;
	if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
		return -1;
	return 0;
}

/* Write the whole output buffer. Returns 0, or -1 with errno set. */
static int
extract_flush(struct extract *xt)
{
	size_t	off = 0;
	ssize_t	n;

	while (off < xt->xt_outlen) {
		n = write(xt->xt_outfd, xt->xt_out + off, xt->xt_outlen - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (extract_wait(xt->xt_outfd, POLLOUT) == -1)
					return -1;
				continue;
			}
			return -1;
		}
		off += (size_t)n;
	}
	xt->xt_outlen = 0;
	return 0;
}

/* Append up to EXTRACT_ADDRMAX bytes, flushing first when full. */
static int
extract_put(struct extract *xt, const char *p, size_t len)
{
	if (EXTRACT_OUTCAP - xt->xt_outlen < len && extract_flush(xt) == -1)
		return -1;
	memcpy(xt->xt_out + xt->xt_outlen, p, len);
	xt->xt_outlen += len;
	return 0;
}

/*
 * Answer one input line of len bytes ('\n' excluded). A matcher error
 * on the line is not an I/O error: the line just gets no addresses.
 */
static int
extract_line(struct extract *xt, const char *line, size_t len, int overlong)
{
	char	text[EXTRACT_ADDRMAX];
	size_t	tlen;
	int	i, n = 0;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (!overlong && len <= xt->xt_max_line)
		n = ipscan_line(xt->xt_sc, line, len, xt->xt_match,
		    xt->xt_nmatch);
	for (i = 0; i < n; i++) {
		tlen = ipaddr_ntop(&xt->xt_match[i].im_addr, text + 1,
		    sizeof(text) - 1);
		text[0] = '\t';
		if (extract_put(xt, i == 0 ? text + 1 : text,
		    i == 0 ? tlen : tlen + 1) == -1)
			return -1;
	}
	return extract_put(xt, "\n", 1);
}

/*
 * Add len bytes to the carried partial line. Past the limit the line
 * is marked overlong and its bytes are dropped from then on.
 */
static int
extract_carry(struct extract *xt, const char *p, size_t len)
{
	size_t	 cap;
	char	*nbuf;

	if (xt->xt_skip || len == 0)
		return 0;
	if (len > xt->xt_limit - xt->xt_len) {
		xt->xt_skip = 1;
		xt->xt_len = 0;
		return 0;
	}
	if (xt->xt_len + len > xt->xt_cap) {
		cap = xt->xt_cap > 0 ? xt->xt_cap : 4096;
		while (cap < xt->xt_len + len)
			cap = cap > xt->xt_limit / 2 ? xt->xt_limit : cap * 2;
		if ((nbuf = realloc(xt->xt_carry, cap)) == NULL)
			return -1;
		xt->xt_carry = nbuf;
		xt->xt_cap = cap;
	}
	memcpy(xt->xt_carry + xt->xt_len, p, len);
	xt->xt_len += len;
	return 0;
}

/* Answer the carried line and start a new one. */
static int
extract_carry_done(struct extract *xt)
{
	int	rc;

	rc = extract_line(xt, xt->xt_carry, xt->xt_len, xt->xt_skip);
	xt->xt_len = 0;
	xt->xt_skip = 0;
	return rc;
}

/* Split one chunk of input into lines and answer the complete ones. */
static int
extract_chunk(struct extract *xt, const char *p, size_t len)
{
	const char	*end = p + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return extract_carry(xt, p, (size_t)(end - p));
		if (xt->xt_len == 0 && !xt->xt_skip) {
			if (extract_line(xt, p, (size_t)(nl - p),
			    (size_t)(nl - p) > xt->xt_limit) == -1)
				return -1;
		} else if (extract_carry(xt, p, (size_t)(nl - p)) == -1 ||
		    extract_carry_done(xt) == -1)
			return -1;
		p = nl + 1;
	}
	return 0;
}

/* Read, scan and write until end of input. */
static int
extract_loop(struct extract *xt, int infd, char *chunk)
{
	ssize_t	n;

	for (;;) {
		n = read(infd, chunk, EXTRACT_CHUNK);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (extract_wait(infd, POLLIN) == -1)
					return -1;
				continue;
			}
			return -1;
		}
		if (n == 0)
			break;
		if (extract_chunk(xt, chunk, (size_t)n) == -1 ||
		    extract_flush(xt) == -1)
			return -1;
	}
	/* A final line without '\n' still gets its output line. */
	if ((xt->xt_len > 0 || xt->xt_skip) && extract_carry_done(xt) == -1)
		return -1;
	return extract_flush(xt);
}

int
extract_run(struct ipscan *sc, int infd, int outfd, size_t max_ips,
    size_t max_line)
{
	struct extract	 xt;
	char		*chunk;
	int		 rc = -1, saved;

	memset(&xt, 0, sizeof(xt));
	xt.xt_sc = sc;
	xt.xt_outfd = outfd;
	xt.xt_max_line = max_line;
	xt.xt_limit = max_line < SIZE_MAX ? max_line + 1 : SIZE_MAX;
	/* A line of L bytes holds at most L / 2 + 1 distinct addresses. */
	xt.xt_nmatch = max_ips < max_line / 2 + 1 ? max_ips : max_line / 2 + 1;
	xt.xt_match = reallocarray(NULL, xt.xt_nmatch > 0 ? xt.xt_nmatch : 1,
	    sizeof(*xt.xt_match));
	xt.xt_out = malloc(EXTRACT_OUTCAP);
	chunk = malloc(EXTRACT_CHUNK);
	if (xt.xt_match == NULL || xt.xt_out == NULL || chunk == NULL)
		errno = ENOMEM;
	else
		rc = extract_loop(&xt, infd, chunk);
	saved = errno;
	free(chunk);
	free(xt.xt_out);
	free(xt.xt_carry);
	free(xt.xt_match);
	errno = saved;
	return rc;
}
