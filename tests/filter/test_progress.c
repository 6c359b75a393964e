/*
 * The --progress line (filter/stream/progress.c): shown only on a
 * terminal and for regular files, redrawn at most CFG_PROGRESS_HZ times
 * a second, with the percent of bytes read. stderr is moved onto a
 * pseudo-terminal whose other side the test reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "config.h"
#include "progress.h"

#define PERIOD	(1000 / CFG_PROGRESS_HZ)

/* Put a pseudo-terminal on fd 2; returns the side to read it from. */
static int
pty_on_stderr(void)
{
	int	m, s;

	cr_assert_neq(m = posix_openpt(O_RDWR | O_NOCTTY), -1);
	cr_assert_eq(grantpt(m), 0);
	cr_assert_eq(unlockpt(m), 0);
	cr_assert_neq(s = open(ptsname(m), O_RDWR | O_NOCTTY), -1);
	cr_assert_eq(dup2(s, STDERR_FILENO), STDERR_FILENO);
	close(s);
	return m;
}

/* What the terminal shows within 200 ms, NUL-terminated ("" if none). */
static void
drawn(int m, char *buf, size_t size)
{
	struct pollfd	pfd = { .fd = m, .events = POLLIN };
	ssize_t		n = 0;

	buf[0] = '\0';
	if (poll(&pfd, 1, 200) == 1 && (n = read(m, buf, size - 1)) > 0)
		buf[n] = '\0';
}

/* A regular file of len bytes. */
static int
file_of(size_t len)
{
	char	path[] = "/tmp/test_progress.XXXXXX";
	int	fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	unlink(path);
	cr_assert_eq(ftruncate(fd, (off_t)len), 0);
	return fd;
}

Test(progress, none_without_terminal_or_file)
{
	int	fds[1], p[2], m;

	fds[0] = file_of(1000);
	m = pty_on_stderr();
	cr_expect_null(progress_create(CFG_PROGRESS_NEVER, fds, 1, 0), "--progress=never");
	cr_assert_eq(pipe(p), 0);
	cr_expect_null(progress_create(CFG_PROGRESS_AUTO, p, 1, 0), "a pipe has no size");
	cr_assert_neq(dup2(fds[0], STDERR_FILENO), -1);
	cr_expect_null(progress_create(CFG_PROGRESS_AUTO, fds, 1, 0), "stderr not a tty");
	close(m);
}

Test(progress, percent_and_rate_limit)
{
	struct progress	*pg;
	struct stats	 st;
	char		 buf[512];
	int		 fds[2], m;

	fds[0] = file_of(1000);
	fds[1] = file_of(3000);
	m = pty_on_stderr();
	memset(&st, 0, sizeof(st));
	pg = progress_create(CFG_PROGRESS_AUTO, fds, 2, 10000);
	cr_assert_not_null(pg);
	cr_expect_eq(progress_wait_ms(pg, 10000), 0, "first draw is due");
	st.st_lines_in = 500;
	st.st_cache_hits = 3;
	st.st_cache_misses = 1;
	progress_tick(pg, 11000, 2000, &st, 7);
	drawn(m, buf, sizeof(buf));
	cr_expect_not_null(strstr(buf, " 50.0%"), "[%s]", buf);
	cr_expect_not_null(strstr(buf, "500 lines"), "[%s]", buf);
	cr_expect_not_null(strstr(buf, "500 lines/s"), "[%s]", buf);
	cr_expect_not_null(strstr(buf, "cache 75.0% hits"), "[%s]", buf);
	cr_expect_not_null(strstr(buf, "7 in flight"), "[%s]", buf);
	cr_expect_eq(progress_wait_ms(pg, 11000), PERIOD);
	cr_expect_eq(progress_wait_ms(pg, 11000 + PERIOD - 1), 1);
	/* Within the period: no redraw. */
	progress_tick(pg, 11000 + PERIOD - 1, 4000, &st, 0);
	drawn(m, buf, sizeof(buf));
	cr_expect_str_eq(buf, "");
	progress_tick(pg, 11000 + PERIOD, 4000, &st, 0);
	drawn(m, buf, sizeof(buf));
	cr_expect_not_null(strstr(buf, "100.0%"), "[%s]", buf);
	progress_end(pg);
	drawn(m, buf, sizeof(buf));
	cr_expect_str_eq(buf, "\r\x1b[K", "the line is erased");
	close(m);
}
