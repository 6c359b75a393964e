/*
 * input: see input.h.
 *
 * Invariant: in_start <= in_end <= in_cap, and in_buf[in_start..in_end)
 * holds no '\n' once input_next() has returned 0, and then at most
 * in_max_line + 1 bytes unless in_overlong is set (those bytes are
 * handed out raw instead of buffered, all but a last '\r' that waits
 * for its '\n'), so a read always finds room.
 *
 * Follow mode (input.h) is input_follow.c's: it attaches one file at a
 * time and never ends the input at a file's end.
 *
 * Readers: read_plain() hands the descriptor's bytes over as they are;
 * sniff() reads the first two bytes into in_magic and hands them on
 * through whichever reader they select; read_gzip() decompresses. Each
 * returns what read(2) would, with 0 also for a descriptor that failed
 * (fail_source() has warned and counted it).
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gzread.h"
#include "input.h"
#include "ledger.h"
#include "line.h"
#include "nbio.h"
#include "util.h"

#define INPUT_CHUNK	(256u * 1024)	/* the most one read takes */
#define INPUT_AHEAD	4		/* chunks a watched buffer holds */
#define INPUT_BULK	(32u * 1024)	/* a read this large: more is there */

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
input_files(struct input *in, char *const *names, int gunzip)
{
	in->in_names = names;
	in->in_detect = gunzip;
	in->in_reader = gunzip ? INPUT_SNIFF : INPUT_PLAIN;
}

int
input_failed(const struct input *in)
{
	return in->in_failed;
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
	gzread_free(in->in_gz);
	memset(in, 0, sizeof(*in));
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

uint64_t
input_raw_bytes(const struct input *in)
{
	return in->in_raw_bytes;
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

/* The name of the current descriptor, for messages. */
static const char *
source_name(const struct input *in)
{
	const char	*name;

	if (in->in_follow)
		return in->in_fname;
	if (in->in_names == NULL || (name = in->in_names[in->in_cur]) ==
	    NULL || strcmp(name, "-") == 0)
		return "stdin";
	return name;
}

/* The current descriptor ends here: say why, once, and count it. */
static void
fail_source(struct input *in, const char *why)
{
	warnx("%s: %s", source_name(in), why);
	in->in_failed++;
}

static ssize_t
read_plain(struct input *in, void *buf, size_t len)
{
	ssize_t	n;

	n = nbio_read(in->in_fds[in->in_cur], buf, len);
	if (n > 0)
		in->in_raw_bytes += (uint64_t)n;
	return n;
}

/*
 * Decompress into buf; read the descriptor only when io is 1 and the
 * bytes already read give nothing more.
 */
static ssize_t
read_gzip(struct input *in, void *buf, size_t len, int io)
{
	unsigned char	*space;
	size_t		 room;
	ssize_t		 n;

	for (;;) {
		if ((n = gzread_inflate(in->in_gz, buf, len)) != 0 ||
		    !io) {
			if (n == -1)
				fail_source(in, gzread_error(in->in_gz));
			return n == -1 ? 0 : n;
		}
		space = gzread_space(in->in_gz, &room);
		if (room == 0) {	/* cannot happen: inflate took none */
			fail_source(in, "gzip data not consumed");
			return 0;
		}
		if ((n = read_plain(in, space, room)) < 0)
			return n;
		if (n == 0) {
			if (gzread_end(in->in_gz) == -1)
				fail_source(in, gzread_error(in->in_gz));
			return 0;
		}
		gzread_add(in->in_gz, (size_t)n);
	}
}

/*
 * The first bytes of a descriptor: the gzip magic selects read_gzip(),
 * anything else (or an end before two bytes) read_plain(), and the bytes
 * read here go first to the reader chosen, so none is lost.
 */
static ssize_t
sniff(struct input *in, void *buf, size_t len)
{
	unsigned char	*space;
	size_t		 room;
	ssize_t		 n;

	while (in->in_nmagic < 2 && (in->in_nmagic == 0 ||
	    in->in_magic[0] == GZREAD_MAGIC0)) {
		n = read_plain(in, in->in_magic + in->in_nmagic,
		    2 - in->in_nmagic);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		in->in_nmagic += (size_t)n;
	}
	if (in->in_nmagic == 2 && in->in_magic[0] == GZREAD_MAGIC0 &&
	    in->in_magic[1] == GZREAD_MAGIC1) {
		in->in_gz = gzread_create();
		space = gzread_space(in->in_gz, &room);
		memcpy(space, in->in_magic, 2);
		gzread_add(in->in_gz, 2);
		in->in_reader = INPUT_GZIP;
		return read_gzip(in, buf, len, 1);
	}
	/*
	 * len > 2: a descriptor starts with an empty buffer (input_next()
	 * hands out the last one's bytes before moving on).
	 */
	memcpy(buf, in->in_magic, in->in_nmagic);
	in->in_reader = INPUT_PLAIN;
	return (ssize_t)in->in_nmagic;
}

void
input_set_watch(struct input *in, const struct input_watch *w)
{
	in->in_watch = *w;
	/* Room to read ahead: INPUT_AHEAD chunks before a compaction. */
	if (w->iw_arg != NULL && in->in_end == 0 &&
	    in->in_cap < in->in_max_line + 2 + INPUT_AHEAD * INPUT_CHUNK) {
		in->in_cap = in->in_max_line + 2 + INPUT_AHEAD * INPUT_CHUNK;
		in->in_buf = xreallocarray(in->in_buf, in->in_cap, 1);
	}
}

/* Bytes before in_end are about to move or be overwritten. */
void
input_fence(struct input *in)
{
	if (in->in_watch.iw_arg != NULL)
		in->in_watch.iw_fence(in->in_watch.iw_arg);
}

/* in_end grew: tell the watcher. */
static void
offer(struct input *in)
{
	if (in->in_watch.iw_arg != NULL)
		in->in_watch.iw_offer(in->in_watch.iw_arg,
		    in->in_buf + in->in_start, in->in_end - in->in_start);
}

/* Move the bytes not yet handed out to the front (input.h: iw_moved). */
static void
compact(struct input *in)
{
	size_t	by = in->in_start;

	if (by == 0)
		return;
	input_fence(in);
	memmove(in->in_buf, in->in_buf + by, in->in_end - by);
	in->in_end -= by;
	in->in_start = 0;
	if (in->in_watch.iw_arg != NULL)
		in->in_watch.iw_moved(in->in_watch.iw_arg, in->in_buf, by);
}

/* One read of the current descriptor through its reader. */
static ssize_t
read_source(struct input *in, void *buf, size_t len)
{
	switch (in->in_reader) {
	case INPUT_SNIFF:
		return sniff(in, buf, len);
	case INPUT_GZIP:
		return read_gzip(in, buf, len, 1);
	case INPUT_PLAIN:
		break;
	}
	return read_plain(in, buf, len);
}

/*
 * One read(2) (or decompression) into the free space after in_end, at
 * most INPUT_CHUNK bytes: input_read() after its compaction, or
 * input_read_ahead() without one.
 */
static int
read_tail(struct input *in)
{
	ssize_t	n;
	size_t	room;

	if (in->in_eof || in->in_file_eof)
		return INPUT_EOF;
	if (in->in_idle || in->in_fds[in->in_cur] == -1 ||
	    in->in_end == in->in_cap)
		return INPUT_AGAIN;
	room = in->in_cap - in->in_end;
	if (room > INPUT_CHUNK)
		room = INPUT_CHUNK;
	for (;;) {
		n = read_source(in, in->in_buf + in->in_end, room);
		in->in_last = n > 0 ? (size_t)n : 0;
		if (n > 0) {
			in->in_end += (size_t)n;
			in->in_bytes += (uint64_t)n;
			in->in_off += (uint64_t)n;
			offer(in);
			return INPUT_DATA;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return INPUT_AGAIN;
		if (n == -1)
			fail_source(in, strerror(errno));
		if (in->in_follow) {
			/* The end, for now; after an error, the next check. */
			in->in_idle = 1;
			return INPUT_AGAIN;
		}
		in->in_file_eof = 1;
		return INPUT_EOF;
	}
}

int
input_read(struct input *in)
{
	if (in->in_eof || in->in_file_eof)
		return INPUT_EOF;
	if (in->in_idle || in->in_fds[in->in_cur] == -1)
		return INPUT_AGAIN;
	compact(in);
	return read_tail(in);
}

int
input_read_ahead(struct input *in)
{
	if (in->in_watch.iw_arg == NULL || in->in_last < INPUT_BULK ||
	    in->in_end - in->in_start >= INPUT_CHUNK / 2)
		return INPUT_AGAIN;
	if (in->in_cap - in->in_end < INPUT_CHUNK)
		compact(in);	/* input.h: the few bytes left move first */
	return read_tail(in);
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
	gzread_free(in->in_gz);
	in->in_gz = NULL;
	in->in_nmagic = 0;
	in->in_reader = in->in_detect ? INPUT_SNIFF : INPUT_PLAIN;
	if (++in->in_cur >= in->in_nfds)
		in->in_eof = 1;
}

/* Compressed bytes already read that could still be decompressed. */
static int
gzip_pending(const struct input *in)
{
	return in->in_reader == INPUT_GZIP && !in->in_eof &&
	    !in->in_file_eof && gzread_pending(in->in_gz);
}

/*
 * Decompress bytes already read into the buffer, without a read(2).
 * Returns 1 when that changed what input_next() can hand out.
 */
static int
refill(struct input *in)
{
	ssize_t	n;
	int	failed = in->in_failed;

	if (!gzip_pending(in))
		return 0;
	compact(in);
	n = read_gzip(in, in->in_buf + in->in_end, in->in_cap - in->in_end,
	    0);
	if (n > 0) {
		in->in_end += (size_t)n;
		in->in_bytes += (uint64_t)n;
		offer(in);
		return 1;
	}
	if (in->in_failed != failed) {
		in->in_file_eof = 1;	/* damaged: this descriptor ends */
		return 1;
	}
	return 0;
}

/* One unit from the bytes buffered now (input_next()). */
static int
next_unit(struct input *in, const char **p, size_t *len, int *raw)
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
	if (in->in_final && avail > 0) {
		overlong = in->in_overlong;
		in->in_overlong = 0;
		return take(in, avail, overlong, p, len, raw);
	}
	return 0;
}

int
input_next(struct input *in, const char **p, size_t *len, int *raw)
{
	for (;;) {
		if (next_unit(in, p, len, raw))
			return 1;
		if (!refill(in))
			return 0;
	}
}

int
input_ready(const struct input *in)
{
	size_t	avail = in->in_end - in->in_start;

	if (in->in_eof)
		return 0;
	if (avail > 0 && ((in->in_overlong && raw_len(in, avail) > 0) ||
	    in->in_final ||
	    avail > (size_t)in->in_max_line + 1 ||
	    memchr(in->in_buf + in->in_start, '\n', avail) != NULL))
		return 1;
	return in->in_file_eof || gzip_pending(in);
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
