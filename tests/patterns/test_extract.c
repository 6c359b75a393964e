/*
 * Tests of filter/stream/extract (--extract): the scanner driven over
 * whole streams framed by input.c and written through outbuf.c, with
 * line framing, the --max-line and --max-ips limits, partial reads,
 * several inputs in turn and I/O errors.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "input.h"
#include "ipscan.h"
#include "scanfix.h"

TestSuite(extract, .init = scanner_init, .fini = scanner_fini,
    .timeout = 30);

/* An unlinked temporary file holding len bytes, positioned at 0. */
static int
temp_with(const char *data, size_t len)
{
	char	path[] = "/tmp/test_extract.XXXXXX";
	int	fd;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	unlink(path);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Read all of fd from offset 0 into a NUL-terminated buffer. */
static char *
slurp(int fd, size_t *lenp)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;

	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	for (;;) {
		if (cap - len < 4096) {
			cap = cap * 2 + 4096;
			buf = realloc(buf, cap + 1);
			cr_assert_not_null(buf);
		}
		n = read(fd, buf + len, cap - len);
		cr_assert_geq(n, 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/*
 * extract_run over the descriptors in[0..n) (duplicated: the input owns
 * and closes its copies); errno as extract_run left it.
 */
static int
extract_fds(const int *in, size_t n, int outfd, size_t max_ips,
    size_t max_line)
{
	struct input	 inp;
	int		*fds, rc, saved;
	size_t		 i;

	fds = calloc(n, sizeof(*fds));
	cr_assert_not_null(fds);
	for (i = 0; i < n; i++)
		cr_assert_gt(fds[i] = dup(in[i]), 0);
	input_init(&inp, fds, n, max_line);
	rc = extract_run(sc, &inp, outfd, max_ips);
	saved = errno;
	input_free(&inp);
	errno = saved;
	return rc;
}

static int
extract_fd(int infd, int outfd, size_t max_ips, size_t max_line)
{
	return extract_fds(&infd, 1, outfd, max_ips, max_line);
}

/* Run extract_run over in[0..len) from a file; return the output. */
static char *
run_on(const char *in, size_t len, size_t max_ips, size_t max_line)
{
	int	 infd, outfd;
	char	*out;
	size_t	 outlen;

	infd = temp_with(in, len);
	outfd = temp_with("", 0);
	cr_assert_eq(extract_fd(infd, outfd, max_ips, max_line), 0,
	    "extract_run: %s", strerror(errno));
	out = slurp(outfd, &outlen);
	close(infd);
	close(outfd);
	cr_assert_eq(strlen(out), outlen, "output holds a NUL byte");
	return out;
}

static void
expect_output(const char *in, size_t max_ips, size_t max_line,
    const char *want)
{
	char	*got;

	got = run_on(in, strlen(in), max_ips, max_line);
	cr_expect_str_eq(got, want, "input [%s]:\n want [%s]\n got  [%s]", in,
	    want, got);
	free(got);
}

Test(extract, one_output_line_per_input_line)
{
	expect_output("a 192.0.2.1 b 2001:DB8::2\nnothing here\n\n"
	    "c ::ffff:192.0.2.3:8080 d\n",
	    8, 65536, "192.0.2.1\t2001:db8::2\n\n\n192.0.2.3\n");
}

Test(extract, final_line_without_newline)
{
	expect_output("x 192.0.2.1\ny 192.0.2.2", 8, 65536,
	    "192.0.2.1\n192.0.2.2\n");
	expect_output("no address", 8, 65536, "\n");
}

Test(extract, empty_input_and_empty_lines)
{
	expect_output("", 8, 65536, "");
	expect_output("\n", 8, 65536, "\n");
	expect_output("\n\n\n", 8, 65536, "\n\n\n");
}

Test(extract, crlf_terminators)
{
	expect_output("a 192.0.2.1\r\nb\r\n2001:db8::9\r\n", 8, 65536,
	    "192.0.2.1\n\n2001:db8::9\n");
}

Test(extract, dedupes_and_caps)
{
	const char	*in =
	    "192.0.2.1 192.0.2.2 ::ffff:192.0.2.1 192.0.2.3\n";

	expect_output(in, 8, 65536, "192.0.2.1\t192.0.2.2\t192.0.2.3\n");
	expect_output(in, 2, 65536, "192.0.2.1\t192.0.2.2\n");
	expect_output(in, 0, 65536, "\n");
}

Test(extract, max_line_boundary)
{
	/* "x 192.0.2.10" is 12 bytes. */
	expect_output("x 192.0.2.10\n", 8, 12, "192.0.2.10\n");
	expect_output("x 192.0.2.10\r\n", 8, 12, "192.0.2.10\n");
	expect_output("xx 192.0.2.10\n", 8, 12, "\n");
	expect_output("xx 192.0.2.10\r\n", 8, 12, "\n");
	expect_output("xx 192.0.2.10", 8, 12, "\n");
	expect_output("x 192.0.2.10", 8, 12, "192.0.2.10\n");
	expect_output("xx 192.0.2.10\nx 192.0.2.11\n", 8, 12,
	    "\n192.0.2.11\n");
	expect_output("192.0.2.1\n", 8, 0, "\n");
	expect_output("\n", 8, 0, "\n");
}

/* A line of len bytes made of "192.0.2.9 " repeated. */
static char *
long_line(size_t len)
{
	char	*buf;
	size_t	 i;

	buf = malloc(len + 64);
	cr_assert_not_null(buf);
	for (i = 0; i < len; i++)
		buf[i] = "192.0.2.9 "[i % 10];
	buf[len] = '\0';
	return buf;
}

Test(extract, overlong_lines_stream_past)
{
	char	*line, *in, *got;
	size_t	 len = 300000;

	/* Longer than one read: the line is dropped piece by piece. */
	line = long_line(len);
	in = malloc(2 * len + 64);
	cr_assert_not_null(in);
	snprintf(in, 2 * len + 64, "a 192.0.2.1\n%s\nb 192.0.2.2\n%s", line,
	    line);
	got = run_on(in, strlen(in), 8, 65536);
	cr_expect_str_eq(got, "192.0.2.1\n\n192.0.2.2\n\n");
	free(got);
	/* The same line fits under a larger limit. */
	snprintf(in, 2 * len + 64, "%s\n", line);
	got = run_on(in, strlen(in), 8, len);
	cr_expect_str_eq(got, "192.0.2.9\n");
	free(got);
	free(in);
	free(line);
}

Test(extract, nul_bytes_in_lines)
{
	static const char in[] = "a\0" "192.0.2.5\0b\n\0\n2001:db8::5\0";
	char	*got;

	got = run_on(in, sizeof(in) - 1, 8, 65536);
	cr_expect_str_eq(got, "192.0.2.5\n\n2001:db8::5\n");
	free(got);
}

Test(extract, many_lines_keep_count_and_order)
{
	const char	*want = "\n10.0.0.1\n10.0.0.2\n\n10.0.0.4\n";
	char		*in, *got, *p;
	size_t		 i, n = 5000, lines = 0;

	in = malloc(n * 32);
	cr_assert_not_null(in);
	p = in;
	for (i = 0; i < n; i++) {
		if (i % 3 == 0)
			p += sprintf(p, "idle\n");
		else
			p += sprintf(p, "host 10.0.%zu.%zu up\n", i / 256,
			    i % 256);
	}
	got = run_on(in, (size_t)(p - in), 8, 65536);
	for (p = got; *p != '\0'; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, n);
	cr_expect_eq(strncmp(got, want, strlen(want)), 0, "%.40s", got);
	free(got);
	free(in);
}

/*
 * Feed data through a pipe in pieces of step bytes, so extract_run sees
 * short reads that cut lines anywhere.
 */
static char *
run_through_pipe(const char *data, size_t len, size_t step, size_t max_line)
{
	pid_t	 pid;
	size_t	 off, n;
	char	*out;
	int	 p[2], outfd, status;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		close(p[0]);
		for (off = 0; off < len; off += n) {
			n = len - off < step ? len - off : step;
			if (write(p[1], data + off, n) != (ssize_t)n)
				_exit(1);
			usleep(200);
		}
		_exit(0);
	}
	close(p[1]);
	outfd = temp_with("", 0);
	cr_assert_eq(extract_fd(p[0], outfd, 8, max_line), 0);
	close(p[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	out = slurp(outfd, &off);
	close(outfd);
	return out;
}

Test(extract, partial_reads)
{
	const char	*in = "from 203.0.113.45 port 22\n"
	    "[2001:db8::1]:443 x\r\n"
	    "xx 192.0.2.10\nlast 198.51.100.1";
	char		*got;

	got = run_through_pipe(in, strlen(in), 1, 65536);
	cr_expect_str_eq(got,
	    "203.0.113.45\n2001:db8::1\n192.0.2.10\n198.51.100.1\n");
	free(got);
	got = run_through_pipe(in, strlen(in), 7, 17);
	cr_expect_str_eq(got, "\n\n192.0.2.10\n198.51.100.1\n");
	free(got);
}

/*
 * A read error ends that input alone, with one warning naming it
 * (input.h); extract goes on with the next input.
 */
Test(extract, read_error_ends_that_input)
{
	static char	*names[] = { "/", "next.log", NULL };
	struct input	 inp;
	char		*out, *msg;
	size_t		 len;
	int		*fds, outfd, errfd, saved;

	fds = calloc(2, sizeof(*fds));
	cr_assert_not_null(fds);
	cr_assert_neq(fds[0] = open("/", O_RDONLY | O_DIRECTORY), -1);
	fds[1] = temp_with("from 192.0.2.1\n", 15);
	outfd = temp_with("", 0);
	errfd = temp_with("", 0);
	saved = dup(STDERR_FILENO);
	dup2(errfd, STDERR_FILENO);
	input_init(&inp, fds, 2, 65536);
	input_files(&inp, names, 0);
	cr_expect_eq(extract_run(sc, &inp, outfd, 8), 0);
	dup2(saved, STDERR_FILENO);
	close(saved);
	cr_expect_eq(input_failed(&inp), 1);
	input_free(&inp);
	out = slurp(outfd, &len);
	cr_expect_str_eq(out, "192.0.2.1\n");
	msg = slurp(errfd, &len);
	cr_expect(strstr(msg, ": /: Is a directory\n") != NULL &&
	    strchr(msg, '\n')[1] == '\0', "one warning naming it: %s", msg);
	free(out);
	free(msg);
	close(outfd);
	close(errfd);
}

Test(extract, write_error_is_reported)
{
	int	infd, outfd;

	infd = temp_with("192.0.2.1\n", 10);
	outfd = open("/dev/null", O_RDONLY);
	cr_assert_neq(outfd, -1);
	errno = 0;
	cr_expect_eq(extract_fd(infd, outfd, 8, 65536), -1);
	cr_expect_eq(errno, EBADF);
	close(infd);
	close(outfd);
}

Test(extract, closed_reader_gives_epipe)
{
	int	infd, p[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	infd = temp_with("192.0.2.1\n", 10);
	errno = 0;
	cr_expect_eq(extract_fd(infd, p[1], 8, 65536), -1);
	cr_expect_eq(errno, EPIPE);
	close(infd);
	close(p[1]);
}

Test(extract, inputs_in_turn_end_their_lines)
{
	int	 fds[3], outfd;
	char	*got, *line;
	size_t	 len;

	/* An unterminated line, an overlong one, then a plain file. */
	line = long_line(300000);
	fds[0] = temp_with("a 192.0.2.1\nb 192.0.2.2", 23);
	fds[1] = temp_with(line, strlen(line));
	fds[2] = temp_with("c 192.0.2.3\n", 12);
	outfd = temp_with("", 0);
	cr_assert_eq(extract_fds(fds, 3, outfd, 8, 65536), 0);
	got = slurp(outfd, &len);
	cr_expect_str_eq(got, "192.0.2.1\n192.0.2.2\n\n192.0.2.3\n");
	free(got);
	free(line);
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	close(outfd);
}
