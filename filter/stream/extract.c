/*
 * extract: the --extract mode: input_next() hands out the lines, each is
 * scanned where it lies in the input buffer, and the answers gather in
 * an outbuf written out after every read.
 *
 * An overlong line reaches us as raw pieces (input.h); the first piece
 * opens it (xt_open) and it is answered with one empty line when its
 * '\n' comes, or when its descriptor ends.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>

#include "extract.h"
#include "input.h"
#include "ipaddr.h"
#include "ipscan.h"
#include "line.h"
#include "outbuf.h"

/* Flush before the output buffer grows past this within one read. */
#define EXTRACT_OUT_HIGH	65536

struct extract {
	struct ipscan	*xt_sc;
	struct input	*xt_in;
	struct ipmatch	*xt_match;	/* xt_nmatch slots */
	size_t		 xt_nmatch;
	int		 xt_open;	/* raw pieces of a line went past */
	int		 xt_outfd;
	struct outbuf	 xt_out;
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
	for (;;) {
		switch (outbuf_flush(&xt->xt_out, xt->xt_outfd)) {
		case OUTBUF_DONE:
			return 0;
		case OUTBUF_AGAIN:
			if (extract_wait(xt->xt_outfd, POLLOUT) == -1)
				return -1;
			break;
		case OUTBUF_EPIPE:
			errno = EPIPE;
			return -1;
		default:
			return -1;
		}
	}
}

/*
 * Answer one line: the addresses of p[0..len) (terminator excluded), or
 * none when p is NULL. A matcher error on the line is not an I/O error:
 * the line just gets no addresses.
 */
static void
extract_answer(struct extract *xt, const char *p, size_t len)
{
	char	text[IPADDR_STRMAX];
	size_t	tlen;
	int	i, n = 0;

	if (p != NULL)
		n = ipscan_line(xt->xt_sc, p, line_text_len(p, len),
		    xt->xt_match, xt->xt_nmatch);
	for (i = 0; i < n; i++) {
		if (i > 0)
			outbuf_putc(&xt->xt_out, '\t');
		tlen = ipaddr_ntop(&xt->xt_match[i].im_addr, text,
		    sizeof(text));
		outbuf_append(&xt->xt_out, text, tlen);
	}
	outbuf_putc(&xt->xt_out, '\n');
}

/* One unit from input_next(). */
static void
extract_unit(struct extract *xt, const char *p, size_t len, int raw)
{
	if (line_ended(p, len)) {
		extract_answer(xt, raw || xt->xt_open ? NULL : p, len);
		xt->xt_open = 0;
	} else if (!raw)
		extract_answer(xt, p, len);	/* a descriptor's last line */
	else
		xt->xt_open = 1;
}

/* Answer every unit buffered. Returns 0, or -1 with errno set. */
static int
extract_units(struct extract *xt)
{
	const char	*p;
	size_t		 len;
	int		 raw;

	while (input_next(xt->xt_in, &p, &len, &raw)) {
		extract_unit(xt, p, len, raw);
		if (outbuf_pending(&xt->xt_out) >= EXTRACT_OUT_HIGH &&
		    extract_flush(xt) == -1)
			return -1;
	}
	return 0;
}

/* Read, scan and write until end of input. */
static int
extract_loop(struct extract *xt)
{
	for (;;) {
		if (extract_units(xt) == -1 || extract_flush(xt) == -1)
			return -1;
		switch (input_read(xt->xt_in)) {
		case INPUT_DATA:
			break;
		case INPUT_AGAIN:
			if (extract_wait(input_fd(xt->xt_in), POLLIN) == -1)
				return -1;
			break;
		case INPUT_EOF:
			/* A descriptor ended, and with it any open line. */
			if (extract_units(xt) == -1)
				return -1;
			if (xt->xt_open)
				extract_answer(xt, NULL, 0);
			xt->xt_open = 0;
			if (input_drained(xt->xt_in))
				return extract_flush(xt);
			break;
		default:
			return -1;
		}
	}
}

int
extract_run(struct ipscan *sc, struct input *in, int outfd, size_t max_ips)
{
	struct extract	xt;
	size_t		max_line = input_max_line(in);
	int		rc = -1, saved;

	xt.xt_sc = sc;
	xt.xt_in = in;
	xt.xt_outfd = outfd;
	xt.xt_open = 0;
	outbuf_init(&xt.xt_out, EXTRACT_OUT_HIGH);
	/* A line of L bytes holds at most L / 2 + 1 distinct addresses. */
	xt.xt_nmatch = max_ips < max_line / 2 + 1 ? max_ips : max_line / 2 + 1;
	xt.xt_match = reallocarray(NULL, xt.xt_nmatch > 0 ? xt.xt_nmatch : 1,
	    sizeof(*xt.xt_match));
	if (xt.xt_match == NULL)
		errno = ENOMEM;
	else
		rc = extract_loop(&xt);
	saved = errno;
	outbuf_free(&xt.xt_out);
	free(xt.xt_match);
	errno = saved;
	return rc;
}
