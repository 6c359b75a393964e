/*
 * gzip inputs: the decompressing reader (gzread) on its own, then through
 * input.c as main() uses it: detection by the magic bytes, several
 * members, damage and truncation ending one descriptor with a warning
 * that names it, and no stall when compressed bytes already read hold
 * more lines than the buffer.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "gzread.h"
#include "input.h"
#include "util.h"

struct bytes {
	unsigned char	*b;
	size_t		 len;
	size_t		 cap;
};

/* Room for len more bytes, growing by doubling (ASan copies each time). */
static void
reserve(struct bytes *o, size_t len)
{
	if (o->len + len + 1 <= o->cap)
		return;
	while (o->len + len + 1 > o->cap)
		o->cap = o->cap ? 2 * o->cap : 4096;
	o->b = realloc(o->b, o->cap);
	cr_assert_not_null(o->b);
}

static void
append(struct bytes *o, const void *p, size_t len)
{
	reserve(o, len);
	memcpy(o->b + o->len, p, len);
	o->len += len;
}

/* One gzip member of text, appended to o, in one deflate() call. */
static void
gzip_member(struct bytes *o, const char *text, size_t len)
{
	z_stream	zs;
	size_t		bound;

	memset(&zs, 0, sizeof(zs));
	cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&zs, len) + 32;
	reserve(o, bound);
	zs.next_in = (Bytef *)(uintptr_t)text;
	zs.avail_in = (uInt)len;
	zs.next_out = o->b + o->len;
	zs.avail_out = (uInt)bound;
	cr_assert_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	o->len += bound - zs.avail_out;
	deflateEnd(&zs);
}

/* Lines "line N from 192.0.2.X\n", N from first, count of them. */
static char *
log_text(int first, int count, size_t *len)
{
	char	*t = NULL;
	size_t	 n = 0;
	int	 i;

	for (i = first; i < first + count; i++) {
		t = realloc(t, n + 64);
		cr_assert_not_null(t);
		n += (size_t)snprintf(t + n, 64, "line %d from 192.0.2.%d\n",
		    i, i % 250 + 1);
	}
	*len = n;
	return t;
}

/*
 * Push src through gz, out chunk bytes at a time and in feed bytes at a
 * time. Returns 0, or -1 at the first failure (inflate or end).
 */
static int
gunzip(struct gzread *gz, const struct bytes *src, size_t feed,
    size_t chunk, struct bytes *out)
{
	unsigned char	 buf[512], *space;
	size_t		 off = 0, room, n;
	ssize_t		 got;

	for (;;) {
		while ((got = gzread_inflate(gz, buf, chunk)) > 0)
			append(out, buf, (size_t)got);
		if (got == -1)
			return -1;
		cr_assert_eq(gzread_pending(gz), 0, "0 bytes, yet pending");
		if (off == src->len)
			return gzread_end(gz);
		space = gzread_space(gz, &room);
		n = src->len - off < feed ? src->len - off : feed;
		n = n < room ? n : room;
		memcpy(space, src->b + off, n);
		gzread_add(gz, n);
		off += n;
	}
}

/* A reader, one member of `lines` lines, and what came out. */
struct fixture {
	struct gzread	*f_gz;
	struct bytes	 f_z;		/* compressed */
	struct bytes	 f_out;
	char		*f_text;
	size_t		 f_len;
};

static void
start(struct fixture *f, int lines)
{
	memset(f, 0, sizeof(*f));
	f->f_gz = gzread_create();
	f->f_text = log_text(1, lines, &f->f_len);
	gzip_member(&f->f_z, f->f_text, f->f_len);
}

static void
finish(struct fixture *f)
{
	gzread_free(f->f_gz);
	free(f->f_text);
	free(f->f_z.b);
	free(f->f_out.b);
}

/* f's compressed bytes give back its text whole, in that many members. */
static void
expect_whole(struct fixture *f, size_t feed, size_t chunk, size_t members)
{
	cr_assert_eq(gunzip(f->f_gz, &f->f_z, feed, chunk, &f->f_out), 0);
	cr_assert_eq(f->f_out.len, f->f_len);
	cr_expect(memcmp(f->f_out.b, f->f_text, f->f_len) == 0);
	cr_expect_eq(gzread_members(f->f_gz), members);
}

Test(gzread, one_member_in_small_pieces)
{
	struct fixture	f;

	start(&f, 2000);
	expect_whole(&f, 3, 7, 1);
	finish(&f);
}

Test(gzread, members_follow_each_other)
{
	struct fixture	f;

	start(&f, 300);
	f.f_z.len = 0;
	gzip_member(&f.f_z, f.f_text, 100);
	gzip_member(&f.f_z, f.f_text + 100, 0);	/* an empty member */
	gzip_member(&f.f_z, f.f_text + 100, f.f_len - 100);
	expect_whole(&f, 4096, 512, 3);
	finish(&f);
}

Test(gzread, truncated_gives_what_it_holds_then_fails)
{
	struct fixture	f;
	size_t		whole;

	start(&f, 2000);
	whole = f.f_z.len;
	f.f_z.len = whole / 2;
	cr_assert_eq(gunzip(f.f_gz, &f.f_z, 100, 512, &f.f_out), -1);
	cr_expect_gt(f.f_out.len, 0);
	cr_expect_lt(f.f_out.len, f.f_len);
	cr_expect(memcmp(f.f_out.b, f.f_text, f.f_out.len) == 0);
	cr_expect_str_eq(gzread_error(f.f_gz),
	    "unexpected end of gzip data (truncated)");
	/* Without the trailer's length alone, it is truncated too. */
	gzread_free(f.f_gz);
	f.f_gz = gzread_create();
	f.f_z.len = whole - 4;
	f.f_out.len = 0;
	cr_assert_eq(gunzip(f.f_gz, &f.f_z, 4096, 512, &f.f_out), -1);
	cr_expect_eq(f.f_out.len, f.f_len);
	finish(&f);
}

Test(gzread, damage_is_refused_after_the_good_bytes)
{
	struct fixture	f;

	start(&f, 2000);
	/* The CRC-32 of the trailer: every byte comes out, then -1. */
	f.f_z.b[f.f_z.len - 8] ^= 0x55;
	cr_assert_eq(gunzip(f.f_gz, &f.f_z, 4096, 512, &f.f_out), -1);
	cr_expect_eq(f.f_out.len, f.f_len);
	cr_expect_str_eq(gzread_error(f.f_gz),
	    "damaged gzip data: incorrect data check");
	cr_expect_eq(gzread_inflate(f.f_gz, f.f_out.b, 1), -1,
	    "failed for good");
	cr_expect_eq(gzread_pending(f.f_gz), 0);
	finish(&f);
}

Test(gzread, something_else_after_a_member_is_refused)
{
	struct fixture	f;

	start(&f, 50);
	append(&f.f_z, "trailing text\n", 14);
	cr_assert_eq(gunzip(f.f_gz, &f.f_z, 4096, 512, &f.f_out), -1);
	cr_expect_eq(f.f_out.len, f.f_len);
	cr_expect_str_eq(gzread_error(f.f_gz),
	    "damaged gzip data: not a gzip member after the last one");
	finish(&f);
}

/* ------------------------------------------------------------ input */

/* Every unit input hands out until all descriptors end. */
static void
drain(struct input *in, struct bytes *out)
{
	const char	*p;
	size_t		 len;
	int		 raw, rc;

	for (;;) {
		while (input_next(in, &p, &len, &raw))
			append(out, p, len);
		cr_assert_eq(input_ready(in), 0, "ready, yet nothing out");
		if (input_drained(in))
			break;
		rc = input_read(in);
		cr_assert(rc == INPUT_DATA || rc == INPUT_EOF);
	}
}

/* A regular file holding b, opened for reading (unlinked already). */
static int
file_of(const struct bytes *b)
{
	char	path[] = "/tmp/test_gzread.XXXXXX";
	int	fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	unlink(path);
	cr_assert_eq(write(fd, b->b, b->len), (ssize_t)b->len);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

Test(gzread, input_reads_gzip_and_plain_files_in_turn)
{
	struct bytes	 z = { 0 }, plain = { 0 }, out = { 0 };
	struct input	 in;
	static char	*names[] = { "a.gz", "b.log", "c.gz", NULL };
	size_t		 len;
	char		*text = log_text(1, 3000, &len);
	int		*fds = xcalloc(3, sizeof(*fds));

	gzip_member(&z, text, len - 5);		/* ends inside a line */
	append(&plain, "plain 192.0.2.9\n", 16);
	fds[0] = file_of(&z);
	fds[1] = file_of(&plain);
	fds[2] = file_of(&z);
	input_init(&in, fds, 3, 100);
	input_files(&in, names, 1);
	drain(&in, &out);
	cr_assert_eq(out.len, 2 * (len - 5) + 16);
	cr_expect(memcmp(out.b, text, len - 5) == 0);
	cr_expect(memcmp(out.b + len - 5, plain.b, 16) == 0);
	cr_expect(memcmp(out.b + len - 5 + 16, text, len - 5) == 0);
	cr_expect_eq(input_failed(&in), 0);
	cr_expect_eq(input_bytes(&in), out.len);
	cr_expect_eq(input_raw_bytes(&in), 2 * z.len + 16);
	input_free(&in);
	free(text);
	free(z.b);
	free(plain.b);
	free(out.b);
}

Test(gzread, input_without_detection_passes_gzip_bytes)
{
	struct bytes	 z = { 0 }, out = { 0 };
	struct input	 in;
	size_t		 len;
	char		*text = log_text(1, 10, &len);
	int		*fds = xcalloc(1, sizeof(*fds));

	gzip_member(&z, text, len);
	fds[0] = file_of(&z);
	input_init(&in, fds, 1, 1 << 16);
	input_files(&in, NULL, 0);
	drain(&in, &out);
	cr_assert_eq(out.len, z.len);
	cr_expect(memcmp(out.b, z.b, z.len) == 0);
	input_free(&in);
	free(text);
	free(z.b);
	free(out.b);
}

Test(gzread, input_keeps_a_plain_start_that_looks_like_magic)
{
	static const char	 one[] = "\x1f", two[] = "\x1f\x8c rest\n";
	struct bytes		 a = { 0 }, b = { 0 }, out = { 0 };
	struct input		 in;
	int			*fds = xcalloc(2, sizeof(*fds));

	append(&a, one, 1);
	append(&b, two, sizeof(two) - 1);
	fds[0] = file_of(&a);
	fds[1] = file_of(&b);
	input_init(&in, fds, 2, 100);
	input_files(&in, NULL, 1);
	drain(&in, &out);
	cr_assert_eq(out.len, 1 + sizeof(two) - 1);
	cr_expect(memcmp(out.b, "\x1f\x1f\x8c rest\n", out.len) == 0);
	cr_expect_eq(input_failed(&in), 0);
	input_free(&in);
	free(a.b);
	free(b.b);
	free(out.b);
}

Test(gzread, damaged_file_ends_with_one_warning_then_the_next,
    .init = cr_redirect_stderr)
{
	struct bytes	 z = { 0 }, plain = { 0 }, out = { 0 };
	struct input	 in;
	static char	*names[] = { "auth.log.2.gz", "-", NULL };
	char		 msg[256];
	size_t		 len;
	char		*text = log_text(1, 3000, &len);
	int		*fds = xcalloc(2, sizeof(*fds));
	int		 p[2];

	gzip_member(&z, text, len);
	z.len /= 2;
	append(&plain, "next 192.0.2.7\n", 15);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], plain.b, plain.len), (ssize_t)plain.len);
	close(p[1]);
	fds[0] = file_of(&z);
	fds[1] = p[0];
	input_init(&in, fds, 2, 100);
	input_files(&in, names, 1);
	drain(&in, &out);
	cr_expect_eq(input_failed(&in), 1);
	cr_assert_gt(out.len, plain.len);
	/* What was decompressed comes out, the next input after it. */
	cr_expect(memcmp(out.b, text, out.len - plain.len) == 0);
	cr_expect(memcmp(out.b + out.len - plain.len, plain.b,
	    plain.len) == 0);
	input_free(&in);
	fflush(stderr);
	len = fread(msg, 1, sizeof(msg) - 1, cr_get_redirected_stderr());
	msg[len] = '\0';
	cr_expect(strstr(msg, ": auth.log.2.gz: unexpected end of gzip data "
	    "(truncated)\n") != NULL && strchr(msg, '\n')[1] == '\0',
	    "one warning naming the file: %s", msg);
	free(text);
	free(z.b);
	free(plain.b);
	free(out.b);
}

/*
 * 4 MB of lines compress to a few KiB, far more than the buffer holds once
 * decompressed: with the writer still there and silent, every line must
 * come out of what was read, without waiting for the descriptor.
 */
Test(gzread, compressed_bytes_already_read_never_wait)
{
	struct bytes	 z = { 0 }, out = { 0 };
	struct input	 in;
	const char	*p;
	static const char line[] = "sshd[811]: from 192.0.2.1 port 22\n";
	size_t		 len, ulen = 120000 * (sizeof(line) - 1), i;
	char		*text = malloc(ulen);
	int		 pfd[2], raw, *fds = xcalloc(1, sizeof(*fds));

	for (i = 0; i < ulen; i += sizeof(line) - 1)
		memcpy(text + i, line, sizeof(line) - 1);
	gzip_member(&z, text, ulen);
	cr_assert_lt(z.len, 65536, "fits the pipe");
	cr_assert_eq(pipe(pfd), 0);
	fd_set_nonblock(pfd[0]);
	cr_assert_eq(write(pfd[1], z.b, z.len), (ssize_t)z.len);
	fds[0] = pfd[0];
	input_init(&in, fds, 1, 1000);
	input_files(&in, NULL, 1);
	while (out.len < ulen) {
		while (input_next(&in, &p, &len, &raw))
			append(&out, p, len);
		if (out.len == ulen)
			break;
		if (!input_ready(&in))
			cr_assert_eq(input_read(&in), INPUT_DATA,
			    "a read that waits, at %zu of %zu bytes",
			    out.len, ulen);
	}
	cr_expect(memcmp(out.b, text, ulen) == 0);
	cr_expect_eq(input_read(&in), INPUT_AGAIN, "the writer is still there");
	close(pfd[1]);
	input_free(&in);
	free(text);
	free(z.b);
	free(out.b);
}
