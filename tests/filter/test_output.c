/*
 * The loop's output side (filter/stream/output.c): the -o open, the
 * states that say how the output ended, and the stall clock of a stop.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "output.h"
#include "util.h"

Test(output, open_appends_and_creates, .timeout = 10)
{
	char		path[] = "/tmp/test_output.XXXXXX";
	struct stat	sb;
	int		fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_eq(write(fd, "old\n", 4), 4);
	close(fd);
	cr_assert_neq(fd = output_open(path), -1);
	cr_assert_eq(write(fd, "new\n", 4), 4);
	close(fd);
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_eq(sb.st_size, 8, "appended, not truncated");
	unlink(path);
	cr_assert_neq(fd = output_open(path), -1);
	cr_assert_eq(fstat(fd, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0644 & ~umask(022));
	close(fd);
	unlink(path);
	errno = 0;
	cr_expect_eq(output_open("/nonexistent/dir/file"), -1);
	cr_expect_eq(errno, ENOENT);
}

Test(output, states_name_how_the_output_ended, .timeout = 10)
{
	struct outbuf	data;
	struct output	op;
	int		p[2], ro;

	signal(SIGPIPE, SIG_IGN);
	outbuf_init(&data, 1024);
	cr_assert_eq(pipe(p), 0);
	output_init(&op, &data, p[1], NULL, 0, now_ms());
	cr_expect_eq(op.op_state, OUTPUT_OPEN);
	outbuf_append(&data, "x\n", 2);
	output_line_done(&op, "x\n", 2, 0);
	cr_expect_eq(output_flush(&op), 0);
	cr_expect(output_idle(&op));
	close(p[0]);
	outbuf_append(&data, "y\n", 2);
	cr_expect_eq(output_flush(&op), -1);
	cr_expect_eq(op.op_state, OUTPUT_CLOSED);
	cr_expect_eq(output_status(&op), 0);
	output_free(&op);
	cr_assert_neq(ro = open("/dev/null", O_RDONLY), -1);
	output_init(&op, &data, ro, NULL, 0, now_ms());
	cr_expect_eq(output_flush(&op), -1);
	cr_expect_eq(op.op_state, OUTPUT_FAILED);
	cr_expect_eq(output_status(&op), 1);
	output_free(&op);
	outbuf_free(&data);
	close(p[1]);
	close(ro);
}

Test(output, stall_clock, .timeout = 10)
{
	struct outbuf	data;
	struct output	op;

	outbuf_init(&data, 1024);
	output_init(&op, &data, STDOUT_FILENO, NULL, 0, 1000);
	output_stall_start(&op, 2000);
	cr_expect_eq(output_stall_wait(&op, 2000), OUTPUT_STALL_MS);
	cr_expect_eq(output_stall_wait(&op, 2000 + OUTPUT_STALL_MS - 1), 1);
	cr_expect_eq(output_stall_wait(&op, 2000 + OUTPUT_STALL_MS), 0);
	output_free(&op);
	outbuf_free(&data);
}
