/*
 * input: see input.h.
 *
 * Invariant: in_start <= in_end <= in_cap, and in_buf[in_start..in_end)
 * holds no '\n' once input_next() has returned 0, and then at most
 * in_max_line + 1 bytes unless in_overlong is set (those bytes are
 * handed out raw instead of buffered), so a read always finds room.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "ledger.h"
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

	for (i = 0; i < in->in_nfds && !in->in_follow; i++)
		if (in->in_fds[i] > 0)
			close(in->in_fds[i]);
	free(in->in_fds);
	free(in->in_buf);
	memset(in, 0, sizeof(*in));
}

void
input_init_follow(struct input *in, size_t max_line, struct ledger *lg)
{
	int	*fds;

	fds = xcalloc(1, sizeof(*fds));
	fds[0] = -1;
	input_init(in, fds, 1, max_line);
	in->in_follow = 1;
	in->in_ledger = lg;
}

void
input_attach(struct input *in, int fd, uint64_t off, int overlong)
{
	in->in_fds[0] = fd;
	in->in_off = off;
	in->in_overlong = overlong;
	in->in_idle = in->in_final = 0;
}

uint64_t
input_detach(struct input *in, int *overlong)
{
	uint64_t	off = in->in_off - (in->in_end - in->in_start);

	*overlong = in->in_overlong;
	in->in_start = in->in_end = 0;
	in->in_fds[0] = -1;
	in->in_overlong = in->in_idle = in->in_final = 0;
	return off;
}

int
input_attached(const struct input *in)
{
	return in->in_follow && in->in_fds[0] != -1;
}

int
input_idle(const struct input *in)
{
	return in->in_idle;
}

void
input_wake(struct input *in)
{
	if (!in->in_final)
		in->in_idle = 0;
}

uint64_t
input_offset(const struct input *in)
{
	return in->in_off;
}

int
input_overlong(const struct input *in)
{
	return in->in_overlong;
}

void
input_finish(struct input *in)
{
	in->in_final = in->in_idle = 1;
}

size_t
input_buffered(const struct input *in)
{
	return in->in_end - in->in_start;
}

int
input_fd(const struct input *in)
{
	if (in->in_eof || in->in_file_eof || in->in_idle)
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
	return in->in_eof && in->in_start == in->in_end && !in->in_follow;
}

int
input_read(struct input *in)
{
	ssize_t	n;

	if (in->in_eof || in->in_file_eof)
		return INPUT_EOF;
	if (in->in_idle || in->in_fds[in->in_cur] == -1)
		return INPUT_AGAIN;
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
			in->in_off += (uint64_t)n;
			return INPUT_DATA;
		}
		if (n == 0 && in->in_follow) {
			in->in_idle = 1;	/* the end, for now */
			return INPUT_AGAIN;
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
	/* A finished file's last unit ends its line too. */
	if (in->in_ledger != NULL)
		ledger_taken(in->in_ledger, in->in_off -
		    (in->in_end - in->in_start), !*praw ||
		    line_ended(*p, len) || (in->in_final &&
		    in->in_start == in->in_end), *p, len);
	return 1;
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
	if (in->in_overlong && avail > 0)
		return take(in, avail, 1, p, len, raw);
	if (avail > (size_t)in->in_max_line + 1) {
		/* No terminator can make this line short enough. */
		in->in_overlong = 1;
		return take(in, avail, 1, p, len, raw);
	}
	if (in->in_file_eof && !in->in_eof) {
		overlong = in->in_overlong;
		next_file(in);
		if (avail > 0)
			return take(in, avail, overlong, p, len, raw);
	}
	if (in->in_final && avail > 0) {
		overlong = in->in_overlong;
		in->in_overlong = 0;
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
	if (avail > 0 && (in->in_overlong || in->in_final ||
	    avail > (size_t)in->in_max_line + 1 ||
	    memchr(in->in_buf + in->in_start, '\n', avail) != NULL))
		return 1;
	return in->in_file_eof;
}

int
input_rest(struct input *in, const char **p, size_t *len)
{
	size_t	avail = in->in_end - in->in_start;

	if (avail == 0 || in->in_follow)
		return 0;
	*p = in->in_buf + in->in_start;
	*len = avail;
	in->in_start = in->in_end;
	in->in_overlong = 0;
	return 1;
}
