/*
 * outbuf: see outbuf.h. The buffer compacts when it drains completely,
 * so steady streaming reuses the same memory without per-line work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nbio.h"
#include "outbuf.h"
#include "util.h"

void
outbuf_init(struct outbuf *ob, size_t high)
{
	memset(ob, 0, sizeof(*ob));
	ob->ob_high = high;
}

void
outbuf_free(struct outbuf *ob)
{
	free(ob->ob_buf);
	memset(ob, 0, sizeof(*ob));
}

void
outbuf_grow(struct outbuf *ob, size_t len)
{
	size_t	ncap;

	if (ob->ob_off > 0 && ob->ob_len + len > ob->ob_cap) {
		/* Slide the unwritten bytes down before growing. */
		memmove(ob->ob_buf, ob->ob_buf + ob->ob_off,
		    ob->ob_len - ob->ob_off);
		ob->ob_len -= ob->ob_off;
		ob->ob_off = 0;
	}
	if (ob->ob_len + len > ob->ob_cap) {
		ncap = ob->ob_cap ? ob->ob_cap : 65536;
		while (ncap < ob->ob_len + len)
			ncap *= 2;
		ob->ob_buf = xreallocarray(ob->ob_buf, ncap, 1);
		ob->ob_cap = ncap;
	}
}

void
outbuf_append_slow(struct outbuf *ob, const void *p, size_t len)
{
	if (len == 0)
		return;
	outbuf_grow(ob, len);
	memcpy(ob->ob_buf + ob->ob_len, p, len);
	ob->ob_len += len;
}

void
outbuf_putc(struct outbuf *ob, char c)
{
	if (ob->ob_len < ob->ob_cap)
		ob->ob_buf[ob->ob_len++] = c;
	else
		outbuf_append(ob, &c, 1);
}

void
outbuf_puts(struct outbuf *ob, const char *s)
{
	outbuf_append(ob, s, strlen(s));
}

size_t
outbuf_pending(const struct outbuf *ob)
{
	return ob->ob_len - ob->ob_off;
}

int
outbuf_above_high(const struct outbuf *ob)
{
	return outbuf_pending(ob) >= ob->ob_high;
}

int
outbuf_flush(struct outbuf *ob, int fd)
{
	ssize_t	n;

	while (ob->ob_off < ob->ob_len) {
		n = nbio_write(fd, ob->ob_buf + ob->ob_off,
		    ob->ob_len - ob->ob_off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return OUTBUF_AGAIN;
			if (errno == EPIPE)
				return OUTBUF_EPIPE;
			return OUTBUF_ERROR;
		}
		ob->ob_off += (size_t)n;
	}
	ob->ob_off = ob->ob_len = 0;
	return OUTBUF_DONE;
}
