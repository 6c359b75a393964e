/*
 * fuzz_gzread: gzip inputs through input.c and gzread.c, as main() reads
 * them (input_files() with detection on), over a pipe in chunks of
 * random sizes.
 *
 * Input: four control bytes, then a payload. Byte 0: bits 0-1 the mode
 * (0: the payload is the stream as it is, hostile bytes; 1: the payload
 * gzip-compressed into 1 to 3 members; 2: the same with one byte changed;
 * 3: the same, cut short), bits 2-3 the members less one, bits 4-5
 * max_line (64 << n), bits 6-7 the deflate level (0 stored, 1, 6, 9).
 * Byte 1 seeds the chunk sizes; bytes 2-3 place the change or the cut.
 *
 * Invariants: what input_next() hands out, concatenated, is exactly what
 * a one-shot decoder made of zlib calls alone gives for the stream (the
 * stream itself when it does not start with the gzip magic; up to the
 * damage when it is damaged); input_failed() is 1 exactly when that
 * decoder finds the stream damaged or truncated; whenever input has
 * nothing to hand out it holds at most max_line + 1 bytes of one line.
 * Streams that decompress to more than FZ_OUT_MAX bytes are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"

#include "fuzzcheck.h"
#include "fuzzpipe.h"

#define FZ_OUT_MAX	(1u << 20)
#define FZ_STREAM_MAX	(64u * 1024)

struct fzbuf {
	unsigned char	*b_p;
	size_t		 b_len;
	size_t		 b_cap;
};

static void
fz_put(struct fzbuf *b, const void *p, size_t len)
{
	if (len == 0)
		return;
	if (b->b_len + len > b->b_cap) {
		while (b->b_len + len > b->b_cap)
			b->b_cap = b->b_cap ? 2 * b->b_cap : 4096;
		if ((b->b_p = realloc(b->b_p, b->b_cap)) == NULL)
			abort();
	}
	memcpy(b->b_p + b->b_len, p, len);
	b->b_len += len;
}

/* One gzip member of p[0..len) at level onto out. */
static void
compress_member(struct fzbuf *out, const uint8_t *p, size_t len, int level)
{
	unsigned char	buf[4096];
	z_stream	zs;
	int		rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = buf;
		zs.avail_out = sizeof(buf);
		rc = deflate(&zs, Z_FINISH);
		FZ_CHECK(rc == Z_OK || rc == Z_STREAM_END);
		fz_put(out, buf, sizeof(buf) - zs.avail_out);
	} while (rc != Z_STREAM_END);
	(void)deflateEnd(&zs);
}

/* The stream the control bytes ask for. */
static void
make_stream(struct fzbuf *s, const uint8_t *ctl, const uint8_t *p,
    size_t len)
{
	static const int	levels[] = { 0, 1, 6, 9 };
	size_t			members = 1 + (ctl[0] >> 2 & 3) % 3, i, cut;
	size_t			where = (size_t)ctl[2] << 8 | ctl[3];

	if ((ctl[0] & 3) == 0) {
		fz_put(s, p, len);
		return;
	}
	for (i = 0; i < members; i++)
		compress_member(s, p + len * i / members,
		    len * (i + 1) / members - len * i / members,
		    levels[ctl[0] >> 6]);
	if (s->b_len == 0)
		return;
	cut = where % s->b_len;
	if ((ctl[0] & 3) == 2)
		s->b_p[cut] ^= (unsigned char)(1 + (ctl[1] % 255));
	else if ((ctl[0] & 3) == 3)
		s->b_len = cut;
}

/*
 * The reference: zlib alone, the whole stream at once. Returns 1 when
 * damaged or truncated, 0 when whole, -1 when the output is too large.
 */
static int
reference(const unsigned char *s, size_t len, struct fzbuf *out)
{
	z_stream	zs;
	int		rc, failed = 1;

	if (len < 2 || s[0] != 0x1f || s[1] != 0x8b) {
		fz_put(out, s, len);
		return 0;
	}
	out->b_cap = FZ_OUT_MAX;
	if ((out->b_p = malloc(out->b_cap)) == NULL)
		abort();
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		abort();
	zs.next_in = (Bytef *)(uintptr_t)s;
	zs.avail_in = (uInt)len;
	zs.next_out = out->b_p;
	zs.avail_out = (uInt)out->b_cap;
	for (;;) {
		rc = inflate(&zs, Z_NO_FLUSH);
		if (zs.avail_out == 0) {
			failed = -1;
			break;
		}
		if (rc == Z_STREAM_END && zs.avail_in == 0) {
			failed = 0;
			break;
		}
		if (rc == Z_STREAM_END)
			(void)inflateReset(&zs);
		else if (rc != Z_OK || zs.avail_in == 0)
			break;
	}
	out->b_len = out->b_cap - zs.avail_out;
	(void)inflateEnd(&zs);
	return failed;
}

struct feeding {
	size_t		f_max_line;
	struct fzbuf	f_got;		/* what input handed out */
};

static void
feed_unit(void *arg, const char *p, size_t len, int raw)
{
	struct feeding	*f = arg;

	(void)raw;
	FZ_CHECK(f->f_got.b_len + len <= FZ_OUT_MAX);
	fz_put(&f->f_got, p, len);
}

/* Feed s through a pipe into f->f_got; returns input_failed(). */
static int
feed(const struct fzbuf *s, struct feeding *f, uint64_t seed)
{
	struct input	in;
	int		failed;

	fz_pipe_feed(&in, s->b_p, s->b_len, f->f_max_line, 1, seed,
	    feed_unit, f);
	failed = input_failed(&in);
	input_free(&in);
	return failed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fzbuf	 s = { 0 }, want = { 0 };
	struct feeding	 f = { 0 };
	uint64_t	 seed;
	int		 ref, failed, quiet, saved;

	if (size < 4 || size - 4 > FZ_STREAM_MAX)
		return 0;
	make_stream(&s, data, data + 4, size - 4);
	if ((ref = reference(s.b_p, s.b_len, &want)) != -1) {
		f.f_max_line = (size_t)64 << (data[0] >> 4 & 3);
		seed = 0x9e3779b97f4a7c15ULL * ((uint64_t)data[1] + 1) ^ size;
		/* One warning per damaged stream: keep it off the log. */
		saved = dup(STDERR_FILENO);
		quiet = open("/dev/null", O_WRONLY | O_CLOEXEC);
		FZ_CHECK(saved != -1 && quiet != -1);
		(void)dup2(quiet, STDERR_FILENO);
		failed = feed(&s, &f, seed);
		(void)dup2(saved, STDERR_FILENO);
		close(saved);
		close(quiet);
		FZ_CHECK(failed == ref);
		FZ_CHECK(f.f_got.b_len == want.b_len);
		FZ_CHECK(f.f_got.b_len == 0 ||
		    memcmp(f.f_got.b_p, want.b_p, f.f_got.b_len) == 0);
		free(f.f_got.b_p);
	}
	free(s.b_p);
	free(want.b_p);
	return 0;
}
