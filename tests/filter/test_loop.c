/*
 * The event loop (filter/stream/loop.c), driven through pipes and files with a resolver whose one server
 * (127.0.0.1:9, the discard port) never answers: lines without
 * addresses, or with --exclude'd ones, must come out byte for byte and
 * in order; a line with an address waits for its lookup's deadline and
 * still keeps its place; a reader that goes away ends the loop quietly,
 * a failed write with status 1; a stop signal writes what was read.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ares.h>
#include <criterion/criterion.h>

#include "loop.h"
#include "nbio.h"
#include "options.h"
#include "util.h"

/* Everything one loop_run needs, set up as main() does. */
struct rig {
	struct config	cfg;
	struct stats	st;
	struct input	in;
	struct loop_ctx	lc;
};

static void
rig_init(struct rig *r, int infd, int outfd, char **argv)
{
	char	 err[256];
	int	*fds, argc = 0;

	while (argv[argc] != NULL)
		argc++;
	optind = 1;
	options_parse(argc, argv, &r->cfg);
	memset(&r->st, 0, sizeof(r->st));
	cr_assert_eq(ares_library_init(ARES_LIB_INIT_ALL), ARES_SUCCESS);
	fds = xcalloc(1, sizeof(*fds));
	fds[0] = infd;
	(void)nbio_setup(infd, 1);
	input_init(&r->in, fds, 1, r->cfg.cf_max_line);
	memset(&r->lc, 0, sizeof(r->lc));
	r->lc.lc_cfg = &r->cfg;
	r->lc.lc_stats = &r->st;
	r->lc.lc_in = &r->in;
	r->lc.lc_outfd = outfd;
	r->lc.lc_scan = ipscan_create(err, sizeof(err));
	cr_assert_not_null(r->lc.lc_scan, "%s", err);
	r->lc.lc_rsv = rsv_create(&r->cfg, &r->st, err, sizeof(err));
	cr_assert_not_null(r->lc.lc_rsv, "%s", err);
}

static void
rig_free(struct rig *r)
{
	rsv_destroy(r->lc.lc_rsv);
	ipscan_free(r->lc.lc_scan);
	input_free(&r->in);
	ares_library_cleanup();
}

static char *argv_plain[] = { "ptrtag", "-s", "127.0.0.1:9",
    "--exclude", "198.51.100.0/24", "--max-line", "64", NULL };

/* Write data[0..len) into a pipe from a child, in pieces; return the end. */
static int
feeder(const char *data, size_t len, size_t step)
{
	size_t	off, n;
	int	p[2];

	cr_assert_eq(pipe(p), 0);
	switch (fork()) {
	case -1:
		cr_assert_fail("fork");
		break;
	case 0:
		close(p[0]);
		for (off = 0; off < len; off += n) {
			n = len - off < step ? len - off : step;
			if (write(p[1], data + off, n) != (ssize_t)n)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

/* An unlinked temporary file, empty. */
static int
temp_file(void)
{
	char	path[] = "/tmp/test_loop.XXXXXX";
	int	fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	unlink(path);
	return fd;
}

static char *
slurp(int fd, size_t *lenp)
{
	struct stat	 sb;
	char		*buf;

	cr_assert_eq(fstat(fd, &sb), 0);
	buf = xcalloc(1, (size_t)sb.st_size + 1);
	cr_assert_eq(pread(fd, buf, (size_t)sb.st_size, 0), sb.st_size);
	*lenp = (size_t)sb.st_size;
	return buf;
}

/* Lines that get no lookup: no address, loopback, or --exclude'd. */
static char *
quiet_lines(size_t n, size_t *lenp)
{
	char	*buf, *p;
	size_t	 i, k;

	buf = xcalloc(n, 128);
	p = buf;
	for (i = 0; i < n; i++) {
		k = i % 250;
		switch (i % 6) {
		case 0:
			p += sprintf(p, "plain line %zu\n", k);
			break;
		case 1:
			p += sprintf(p, "from 127.0.0.%zu port 22\r\n", k);
			break;
		case 2:
			p += sprintf(p, "x 198.51.100.%zu\n", k);
			break;
		case 3:
			p += sprintf(p, "%zu\n", k);
			break;
		case 4:
			p += sprintf(p, "\n");
			break;
		default:	/* over --max-line 64: passed raw */
			p += sprintf(p, "overlong %zu %0100zu\n", k, i);
			break;
		}
	}
	p += sprintf(p, "unterminated 198.51.100.9");
	*lenp = (size_t)(p - buf);
	return buf;
}

/*
 * What kv writes for quiet_lines: the same bytes, but each line over
 * --max-line 64 ends with its mark (ptrtag.1, OUTPUT).
 */
static char *
with_marks(const char *in, size_t len, size_t *wantlen)
{
	static const char	 mark[] = " rdns_n=0 rdns_overlong=true";
	const char		*nl;
	char			*want, *w;
	size_t			 line;

	want = w = xcalloc(1, len * 2);
	while (len > 0) {
		nl = memchr(in, '\n', len);
		line = nl != NULL ? (size_t)(nl - in) : len;
		memcpy(w, in, line);
		w += line;
		if (nl != NULL && line > 64) {
			memcpy(w, mark, sizeof(mark) - 1);
			w += sizeof(mark) - 1;
		}
		if (nl != NULL) {
			*w++ = '\n';
			line++;
		}
		in += line;
		len -= line;
	}
	*wantlen = (size_t)(w - want);
	return want;
}

Test(loop, bytes_in_are_bytes_out_in_order, .timeout = 30)
{
	struct rig	 r;
	char		*in, *out, *want;
	size_t		 inlen, outlen, wantlen;
	int		 outfd;

	in = quiet_lines(20000, &inlen);
	want = with_marks(in, inlen, &wantlen);
	outfd = temp_file();
	rig_init(&r, feeder(in, inlen, 4093), outfd, argv_plain);
	cr_expect_eq(loop_run(&r.lc), 0);
	out = slurp(outfd, &outlen);
	cr_expect_eq(outlen, wantlen);
	cr_expect(memcmp(want, out, wantlen < outlen ? wantlen : outlen) == 0,
	    "output differs from the input with its overlong marks");
	cr_expect_geq(r.st.st_lines_in, 20001);
	rig_free(&r);
	free(in);
	free(want);
	free(out);
	close(outfd);
}

Test(loop, a_waiting_line_keeps_its_place, .timeout = 30)
{
	static const char in[] = "first\nfrom 203.0.113.7 x\nthird\n";
	static char *argv[] = { "ptrtag", "-s", "127.0.0.1:9", "-d", "300",
	    "-t", "100", NULL };
	struct rig	 r;
	char		*out, *l2, *l3;
	size_t		 outlen;
	uint64_t	 t0;
	int		 outfd;

	outfd = temp_file();
	rig_init(&r, feeder(in, sizeof(in) - 1, 64), outfd, argv);
	t0 = now_ms();
	cr_expect_eq(loop_run(&r.lc), 0);
	cr_expect_lt(now_ms() - t0, 5000);
	out = slurp(outfd, &outlen);
	cr_assert_eq(strncmp(out, "first\nfrom 203.0.113.7 x ", 25), 0, "%s",
	    out);
	l2 = strstr(out, "rdns_ip=203.0.113.7");
	l3 = strstr(out, "\nthird\n");
	cr_expect_not_null(l2, "%s", out);
	cr_expect_not_null(l3, "%s", out);
	cr_expect_lt(l2, l3);
	cr_expect_null(strstr(out, "rdns_fcrdns=pass"));
	rig_free(&r);
	free(out);
	close(outfd);
}

Test(loop, a_reader_gone_ends_quietly, .timeout = 30)
{
	struct rig	r;
	int		in[2], out[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe(out), 0);
	close(out[0]);
	/* The writer stays: only the output's end can stop the loop. */
	cr_assert_eq(write(in[1], "one\ntwo\n", 8), 8);
	rig_init(&r, in[0], out[1], argv_plain);
	cr_expect_eq(loop_run(&r.lc), 0);
	rig_free(&r);
	close(in[1]);
	close(out[1]);
}

Test(loop, a_failed_write_is_status_1, .timeout = 30)
{
	struct rig	r;
	int		in[2], outfd;

	cr_assert_eq(pipe(in), 0);
	cr_assert_neq(outfd = open("/dev/null", O_RDONLY), -1);
	cr_assert_eq(write(in[1], "one\n", 4), 4);
	rig_init(&r, in[0], outfd, argv_plain);
	cr_expect_eq(loop_run(&r.lc), 1);
	rig_free(&r);
	close(in[1]);
	close(outfd);
}

Test(loop, a_stop_signal_writes_what_was_read, .timeout = 30)
{
	struct rig	 r;
	char		*out;
	size_t		 outlen;
	int		 in[2], outfd;

	cr_assert_eq(pipe(in), 0);
	outfd = temp_file();
	/* The writer never ends its input; the tail has no newline. */
	cr_assert_eq(write(in[1], "a\nb 198.51.100.1\nc", 18), 18);
	rig_init(&r, in[0], outfd, argv_plain);
	loop_signals();
	cr_assert_eq(raise(SIGTERM), 0);	/* pending until the wait */
	cr_expect_eq(loop_run(&r.lc), 0);
	out = slurp(outfd, &outlen);
	cr_expect_eq(outlen, 18);
	cr_expect(memcmp(out, "a\nb 198.51.100.1\nc", 18) == 0, "%s", out);
	rig_free(&r);
	free(out);
	close(in[1]);
	close(outfd);
}
