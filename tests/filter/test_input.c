/*
 * Line framing: partial reads, terminators, overlong lines, several
 * descriptors, and the final unterminated line.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "util.h"

struct unit {
	char	buf[4096];
	size_t	len;
	int	raw;
};

static int *
one_fd(int fd)
{
	int	*fds = xcalloc(1, sizeof(*fds));

	fds[0] = fd;
	return fds;
}

static void
put(int fd, const char *s)
{
	cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Read everything available now; collect the units handed out. */
static size_t
pump(struct input *in, struct unit *u, size_t max)
{
	const char	*p;
	size_t		 n = 0, len;
	int		 raw, rc;

	for (;;) {
		while (n < max && input_next(in, &p, &len, &raw)) {
			cr_assert_lt(len, sizeof(u[n].buf));
			memcpy(u[n].buf, p, len);
			u[n].len = len;
			u[n].raw = raw;
			n++;
		}
		rc = input_read(in);
		if (rc == INPUT_AGAIN || (rc == INPUT_EOF &&
		    input_fd(in) == -1 && !input_ready(in)))
			break;
		cr_assert_neq(rc, INPUT_ERROR);
	}
	while (n < max && input_next(in, &p, &len, &raw)) {
		memcpy(u[n].buf, p, len);
		u[n].len = len;
		u[n].raw = raw;
		n++;
	}
	return n;
}

Test(input, partial_line_waits_for_its_newline)
{
	struct input	in;
	struct unit	u[4];
	int		p[2];

	cr_assert_eq(pipe(p), 0);
	fd_set_nonblock(p[0]);
	input_init(&in, one_fd(p[0]), 1, 100);
	put(p[1], "from 192.0.2");
	cr_expect_eq(pump(&in, u, 4), 0);
	put(p[1], ".1 port 22\nnext");
	cr_assert_eq(pump(&in, u, 4), 1);
	cr_expect_eq(u[0].len, 23);
	cr_expect(memcmp(u[0].buf, "from 192.0.2.1 port 22\n", 23) == 0);
	cr_expect_eq(u[0].raw, 0);
	close(p[1]);
	cr_assert_eq(pump(&in, u, 4), 1);
	cr_expect_eq(u[0].len, 4, "final line without newline kept whole");
	cr_expect(memcmp(u[0].buf, "next", 4) == 0);
	cr_expect(input_drained(&in));
	input_free(&in);
}

Test(input, crlf_and_exact_limit_are_annotatable)
{
	struct input	in;
	struct unit	u[4];
	int		p[2];

	cr_assert_eq(pipe(p), 0);
	input_init(&in, one_fd(p[0]), 1, 10);
	/* 10 content bytes + CRLF: at the limit, not over it. */
	put(p[1], "0123456789\r\n01234567890\n");
	close(p[1]);
	cr_assert_eq(pump(&in, u, 4), 2);
	cr_expect_eq(u[0].len, 12);
	cr_expect_eq(u[0].raw, 0);
	cr_expect_eq(u[1].len, 12);
	cr_expect_eq(u[1].raw, 1, "11 content bytes exceed --max-line 10");
	input_free(&in);
}

Test(input, overlong_line_streams_out_raw_and_complete)
{
	struct input	in;
	struct unit	u[64];
	char		big[3000], got[4000];
	size_t		n, i, glen = 0;
	int		p[2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(pipe(p), 0);
	input_init(&in, one_fd(p[0]), 1, 100);
	put(p[1], big);
	put(p[1], "\nshort 192.0.2.1\n");
	close(p[1]);
	n = pump(&in, u, 64);
	cr_assert_geq(n, 2);
	for (i = 0; i + 1 < n; i++) {
		cr_expect_eq(u[i].raw, 1, "piece %zu of the long line", i);
		memcpy(got + glen, u[i].buf, u[i].len);
		glen += u[i].len;
	}
	cr_expect_eq(glen, sizeof(big));
	cr_expect(memcmp(got, big, sizeof(big) - 1) == 0);
	cr_expect_eq(got[glen - 1], '\n');
	cr_expect_eq(u[n - 1].raw, 0, "the next line is annotatable again");
	cr_expect_eq(u[n - 1].len, 16);
	input_free(&in);
}

Test(input, overlong_piece_never_splits_crlf)
{
	struct input	in;
	struct unit	u[16];
	char		big[301];
	size_t		n, i;
	int		p[2];

	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\r';
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(pipe(p), 0);
	fd_set_nonblock(p[0]);
	input_init(&in, one_fd(p[0]), 1, 100);
	/* The '\r' arrives alone at the end of what can be read. */
	put(p[1], big);
	n = pump(&in, u, 16);
	cr_assert_geq(n, 1);
	for (i = 0; i < n; i++) {
		cr_expect_eq(u[i].raw, 1);
		cr_expect_neq(u[i].buf[u[i].len - 1], '\r',
		    "piece %zu ends with a '\\r' whose '\\n' may follow", i);
	}
	cr_expect_not(input_ready(&in), "a held '\\r' is not ready alone");
	put(p[1], "\nnext 192.0.2.1\n");
	close(p[1]);
	n = pump(&in, u, 16);
	cr_assert_eq(n, 2);
	cr_expect_eq(u[0].len, 2, "the terminator comes whole");
	cr_expect(memcmp(u[0].buf, "\r\n", 2) == 0);
	cr_expect_eq(u[0].raw, 1);
	cr_expect_eq(u[1].raw, 0);
	input_free(&in);
}

Test(input, overlong_cr_at_end_of_file_is_handed_out)
{
	struct input	in;
	struct unit	u[16];
	char		big[301];
	size_t		n, i, total = 0;
	int		p[2];

	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\r';
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(pipe(p), 0);
	input_init(&in, one_fd(p[0]), 1, 100);
	put(p[1], big);
	close(p[1]);
	n = pump(&in, u, 16);
	for (i = 0; i < n; i++)
		total += u[i].len;
	cr_expect_eq(total, sizeof(big) - 1, "no byte kept back at the end");
	cr_expect_eq(u[n - 1].buf[u[n - 1].len - 1], '\r');
	cr_expect(input_drained(&in));
	input_free(&in);
}

Test(input, descriptors_are_read_in_order)
{
	struct input	in;
	struct unit	u[8];
	int		a[2], b[2], *fds;

	cr_assert_eq(pipe(a), 0);
	cr_assert_eq(pipe(b), 0);
	put(a[1], "one\ntwo");
	put(b[1], "three\n");
	close(a[1]);
	close(b[1]);
	fds = xcalloc(2, sizeof(*fds));
	fds[0] = a[0];
	fds[1] = b[0];
	input_init(&in, fds, 2, 100);
	cr_assert_eq(pump(&in, u, 8), 3);
	cr_expect_eq(u[0].len, 4);
	cr_expect_eq(u[1].len, 3, "a file's last line ends with its file");
	cr_expect(memcmp(u[1].buf, "two", 3) == 0);
	cr_expect_eq(u[2].len, 6);
	input_free(&in);
}

Test(input, nul_bytes_are_ordinary_line_bytes)
{
	struct input	in;
	struct unit	u[4];
	int		p[2];

	cr_assert_eq(pipe(p), 0);
	input_init(&in, one_fd(p[0]), 1, 100);
	cr_assert_eq(write(p[1], "a\0b\n\0\n", 6), 6);
	close(p[1]);
	cr_assert_eq(pump(&in, u, 4), 2);
	cr_expect_eq(u[0].len, 4);
	cr_expect(memcmp(u[0].buf, "a\0b\n", 4) == 0);
	cr_expect_eq(u[1].len, 2);
	input_free(&in);
}

/*
 * An unlinked temporary file holding s: a descriptor at offset 0 to
 * read, and in *wfd one that appends, as a logger's.
 */
static int
tmpfile_with(const char *s, int *wfd)
{
	char	path[] = "/tmp/test_input.XXXXXX";
	int	fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_neq(*wfd = open(path, O_WRONLY | O_APPEND), -1);
	unlink(path);
	put(*wfd, s);
	return fd;
}

Test(input, follow_mode_waits_at_the_end_and_detaches_at_a_line_start)
{
	struct input	in;
	struct unit	u[4];
	int		fd, wfd, overlong;

	fd = tmpfile_with("one\ntw", &wfd);
	input_init_follow(&in, 100, NULL);
	cr_expect_eq(input_fd(&in), -1, "nothing attached");
	cr_expect(!input_drained(&in));
	input_attach(&in, fd, "test.log", 0, 0);
	cr_expect(input_attached(&in));
	cr_expect_eq(pump(&in, u, 4), 1);
	cr_expect(input_idle(&in), "the end of the file is no end");
	cr_expect_eq(input_fd(&in), -1, "an idle file is not polled");
	cr_expect(!input_drained(&in));
	cr_expect_eq(input_offset(&in), 6);
	put(wfd, "o\nthree");
	input_wake(&in);
	cr_expect_eq(pump(&in, u + 1, 3), 1);
	cr_expect_eq(u[1].len, 4);
	cr_expect(memcmp(u[1].buf, "two\n", 4) == 0);
	/* Detached: the unfinished "three" is dropped, read again later. */
	cr_expect_eq(input_detach(&in, &overlong), 8);
	cr_expect_eq(overlong, 0);
	cr_expect(!input_attached(&in));
	{
		const char *p;
		size_t len;

		cr_expect_eq(input_rest(&in, &p, &len), 0);
	}
	cr_assert_eq(lseek(fd, 8, SEEK_SET), 8);
	input_attach(&in, fd, "test.log", 8, 0);
	cr_expect_eq(pump(&in, u + 2, 2), 0, "a line still unfinished");
	/* The file is finished: its last line is handed out as it is. */
	input_finish(&in);
	cr_expect(input_ready(&in));
	cr_expect_eq(pump(&in, u + 2, 2), 1);
	cr_expect_eq(u[2].len, 5);
	cr_expect_eq(u[2].raw, 0);
	cr_expect_eq(input_buffered(&in), 0);
	(void)input_detach(&in, &overlong);
	input_free(&in);
	cr_expect_neq(fcntl(fd, F_GETFD), -1, "the follower's descriptor");
	close(fd);
	close(wfd);
}
