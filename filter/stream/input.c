/*
 * input: see input.h.
 *
 * Invariant: in_start <= in_end <= in_cap, and in_buf[in_start..in_end)
 * holds no '\n' once input_next() has returned 0, and then at most
 * in_max_line + 1 bytes unless in_overlong is set (those bytes are
 * handed out raw instead of buffered, all but a last '\r' that waits
 * for its '\n'), so a read always finds room.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "line.h"
#include "nbio.h"
#include "util.h"

#define INPUT_CHUNK	(256u * 1024)

void
input_init(struct input *in, int *fds, size_t nfds, size_t max_line)
{
	memset(in, 0, sizeof(*in));
	in->in_fds = fds;
	in->in_nfds = nfds;
	in->in_max_line = max_line;
	in->in_cap = max_line + 2 + INPUT_CHUNK;
	in->in_buf = xcalloc(in->in_cap, 1);
	in->in_eof = nfds == 0;
}

void
input_free(struct input *in)
{
	size_t	i;

	for (i = 0; i < in->in_nfds; i++)
		if (in->in_fds[i] > 0)
			close(in->in_fds[i]);
	free(in->in_fds);
	free(in->in_buf);
	memset(in, 0, sizeof(*in));
}

int
input_fd(const struct input *in)
{
	if (in->in_eof || in->in_file_eof)
		return -1;
	return in->in_fds[in->in_cur];
}

uint64_t
input_bytes(const struct input *in)
{
	return in->in_bytes;
}

size_t
input_max_line(const struct input *in)
{
	return in->in_max_line;
}

int
input_drained(const struct input *in)
{
	return in->in_eof && in->in_start == in->in_end;
}

int
input_read(struct input *in)
{
	ssize_t	n;

	if (in->in_eof || in->in_file_eof)
		return INPUT_EOF;
	if (in->in_start > 0) {
		memmove(in->in_buf, in->in_buf + in->in_start,
		    in->in_end - in->in_start);
		in->in_end -= in->in_start;
		in->in_start = 0;
	}
	if (in->in_end == in->in_cap)
		return INPUT_AGAIN;
	for (;;) {
		n = nbio_read(in->in_fds[in->in_cur], in->in_buf + in->in_end,
		    in->in_cap - in->in_end);
		if (n > 0) {
			in->in_end += (size_t)n;
			in->in_bytes += (uint64_t)n;
			return INPUT_DATA;
		}
		if (n == 0) {
			in->in_file_eof = 1;
			return INPUT_EOF;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return INPUT_AGAIN;
		return INPUT_ERROR;
	}
}

/* Hand out in_buf[in_start..in_start+len) and advance. */
static int
take(struct input *in, size_t len, int raw, const char **p, size_t *plen,
    int *praw)
{
	*p = in->in_buf + in->in_start;
	*plen = len;
	*praw = raw || line_text_len(*p, len) > in->in_max_line;
	in->in_start += len;
	return 1;
}

/*
 * How much of the avail buffered bytes of an overlong line to hand out
 * as a raw piece: all of them, except a last '\r' while its descriptor
 * may still bring the '\n' after it, so that a "\r\n" terminator is
 * never split between two pieces (the piece that ends the line carries
 * it whole, and kv's block goes before it, line.h). 0: wait for more.
 */
static size_t
raw_len(const struct input *in, size_t avail)
{
	if (in->in_buf[in->in_start + avail - 1] != '\r' || in->in_file_eof)
		return avail;
	return avail - 1;
}

/* The current descriptor is drained: move on to the next one. */
static void
next_file(struct input *in)
{
	in->in_overlong = 0;
	in->in_file_eof = 0;
	if (++in->in_cur >= in->in_nfds)
		in->in_eof = 1;
}

int
input_next(struct input *in, const char **p, size_t *len, int *raw)
{
	const char	*nl;
	size_t		 avail, n;
	int		 overlong;

	avail = in->in_end - in->in_start;
	if (avail > 0 &&
	    (nl = memchr(in->in_buf + in->in_start, '\n', avail)) != NULL) {
		n = (size_t)(nl - (in->in_buf + in->in_start)) + 1;
		overlong = in->in_overlong;
		in->in_overlong = 0;
		return take(in, n, overlong, p, len, raw);
	}
	if (in->in_overlong && avail > 0 && (n = raw_len(in, avail)) > 0)
		return take(in, n, 1, p, len, raw);
	if (avail > (size_t)in->in_max_line + 1) {
		/* No terminator can make this line short enough. */
		in->in_overlong = 1;
		return take(in, raw_len(in, avail), 1, p, len, raw);
	}
	if (in->in_file_eof && !in->in_eof) {
		overlong = in->in_overlong;
		next_file(in);
		if (avail > 0)
			return take(in, avail, overlong, p, len, raw);
	}
	return 0;
}

int
input_ready(const struct input *in)
{
	size_t	avail = in->in_end - in->in_start;

	if (in->in_eof)
		return 0;
	if (avail > 0 && ((in->in_overlong && raw_len(in, avail) > 0) ||
	    avail > (size_t)in->in_max_line + 1 ||
	    memchr(in->in_buf + in->in_start, '\n', avail) != NULL))
		return 1;
	return in->in_file_eof;
}

int
input_rest(struct input *in, const char **p, size_t *len)
{
	size_t	avail = in->in_end - in->in_start;

	if (avail == 0)
		return 0;
	*p = in->in_buf + in->in_start;
	*len = avail;
	in->in_start = in->in_end;
	in->in_overlong = 0;
	return 1;
}
