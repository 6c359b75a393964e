/*
 * outbuf: an append-only byte buffer drained into a descriptor set up
 * with nbio_setup() (never blocks). Appends never fail (the buffer grows; callers bound it by
 * checking outbuf_above_high() before reading more input).
 */
#ifndef OUTBUF_H
#define OUTBUF_H

#include <stddef.h>
#include <string.h>

struct outbuf {
	char	*ob_buf;
	size_t	 ob_off;	/* first byte not yet written */
	size_t	 ob_len;	/* bytes held, written or not */
	size_t	 ob_cap;
	size_t	 ob_high;	/* high-water mark for backpressure */
};

/* Outcome of outbuf_flush(). */
#define OUTBUF_DONE	0	/* everything written */
#define OUTBUF_AGAIN	1	/* the descriptor is full; wait for POLLOUT */
#define OUTBUF_EPIPE	2	/* the reader went away */
#define OUTBUF_ERROR	3	/* any other write error, errno set */

void	outbuf_init(struct outbuf *ob, size_t high);
void	outbuf_free(struct outbuf *ob);

/* Append len bytes, growing the buffer. Exits through err(1) on ENOMEM. */
void	outbuf_append_slow(struct outbuf *ob, const void *p, size_t len);

/*
 * Append len bytes. Inline because the annotators call it for every key
 * and value: the common case is one bounds check and a memcpy.
 */
static inline void
outbuf_append(struct outbuf *ob, const void *p, size_t len)
{
	if (len == 0)
		return;		/* ob_buf may still be NULL */
	if (ob->ob_len + len <= ob->ob_cap) {
		memcpy(ob->ob_buf + ob->ob_len, p, len);
		ob->ob_len += len;
	} else
		outbuf_append_slow(ob, p, len);
}
void	outbuf_putc(struct outbuf *ob, char c);

/* Make room for n more bytes, growing the buffer (err(1) on ENOMEM). */
void	outbuf_grow(struct outbuf *ob, size_t n);

/*
 * Write in place: outbuf_reserve() returns where the next byte goes,
 * with room for n bytes; outbuf_commit() then keeps the bytes written up
 * to end. For a writer of many small pieces, which then costs no bounds
 * check or call per piece.
 */
static inline char *
outbuf_reserve(struct outbuf *ob, size_t n)
{
	if (ob->ob_cap - ob->ob_len < n)
		outbuf_grow(ob, n);
	return ob->ob_buf + ob->ob_len;
}

static inline void
outbuf_commit(struct outbuf *ob, const char *end)
{
	ob->ob_len = (size_t)(end - ob->ob_buf);
}
void	outbuf_puts(struct outbuf *ob, const char *s);

/* Bytes not yet written, and whether they exceed the high-water mark. */
size_t	outbuf_pending(const struct outbuf *ob);
int	outbuf_above_high(const struct outbuf *ob);

/*
 * Write as much as fd takes, retrying EINTR. Returns one of the OUTBUF_
 * codes above; written bytes are dropped from the buffer.
 */
int	outbuf_flush(struct outbuf *ob, int fd);

#endif /* OUTBUF_H */
