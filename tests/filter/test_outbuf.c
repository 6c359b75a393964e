/*
 * Output buffer: partial writes on a full pipe, then EPIPE.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "outbuf.h"
#include "util.h"

Test(outbuf, full_pipe_keeps_bytes_until_writable)
{
	struct outbuf	ob;
	static char	chunk[1 << 20], sink[1 << 16];
	size_t		total = 0;
	ssize_t		n;
	int		p[2], rc;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(fd_set_nonblock(p[1]), 0);
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char)(i * 7);
	outbuf_init(&ob, 4096);
	outbuf_append(&ob, chunk, sizeof(chunk));
	cr_expect(outbuf_above_high(&ob));
	rc = outbuf_flush(&ob, p[1]);
	cr_expect_eq(rc, OUTBUF_AGAIN, "a 1 MiB write cannot fit a pipe");
	cr_expect_lt(outbuf_pending(&ob), sizeof(chunk));
	/* Drain the reader and keep flushing: every byte arrives in order. */
	while (total < sizeof(chunk)) {
		n = read(p[0], sink, sizeof(sink));
		cr_assert_gt(n, 0);
		cr_assert(memcmp(sink, chunk + total, (size_t)n) == 0);
		total += (size_t)n;
		rc = outbuf_flush(&ob, p[1]);
		cr_assert(rc == OUTBUF_AGAIN || rc == OUTBUF_DONE);
	}
	cr_expect_eq(rc, OUTBUF_DONE);
	cr_expect_eq(outbuf_pending(&ob), 0);
	outbuf_free(&ob);
}

Test(outbuf, closed_reader_is_epipe)
{
	struct outbuf	ob;
	int		p[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	outbuf_init(&ob, 4096);
	outbuf_puts(&ob, "line\n");
	cr_expect_eq(outbuf_flush(&ob, p[1]), OUTBUF_EPIPE);
	outbuf_free(&ob);
}

Test(outbuf, appends_after_partial_flush_keep_order)
{
	struct outbuf	ob;
	char		got[64];
	int		p[2];
	ssize_t		n;

	cr_assert_eq(pipe(p), 0);
	outbuf_init(&ob, 4096);
	outbuf_puts(&ob, "first ");
	cr_assert_eq(outbuf_flush(&ob, p[1]), OUTBUF_DONE);
	outbuf_puts(&ob, "second ");
	outbuf_putc(&ob, 'x');
	cr_assert_eq(outbuf_flush(&ob, p[1]), OUTBUF_DONE);
	n = read(p[0], got, sizeof(got));
	cr_assert_eq(n, 14);
	cr_expect(memcmp(got, "first second x", 14) == 0);
	outbuf_free(&ob);
}
