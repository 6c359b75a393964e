/*
 * nbio and util (filter/base): transfers that never block on inherited
 * pipes and sockets while the shared open file description keeps its
 * flags (nbio.h; ptrtag.1, STOPPING), EAGAIN on a full pipe, and the
 * util helpers fd_to_devnull() and now_ms().
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nbio.h"
#include "util.h"

static int
flags_of(int fd)
{
	int	fl = fcntl(fd, F_GETFL);

	cr_assert_neq(fl, -1, "F_GETFL on %d: %s", fd, strerror(errno));
	return fl;
}

/* 1 when fd has bytes to read now. */
static int
readable(int fd)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };

	cr_assert_neq(poll(&pfd, 1, 0), -1);
	return (pfd.revents & POLLIN) != 0;
}

/*
 * An inherited pipe's read end: the shared description (still reachable
 * through a dup) never gains O_NONBLOCK, yet a read of an empty pipe
 * returns EAGAIN at once.
 */
Test(nbio, read_inherited_pipe_leaves_description_alone, .timeout = 10)
{
	char	buf[16];
	int	p[2], shared;

	cr_assert_eq(pipe(p), 0);
	shared = dup(p[0]);
	cr_assert_eq(flags_of(shared) & O_NONBLOCK, 0);
	cr_assert_eq(nbio_setup(p[0], 0), 0);
	cr_expect_eq(flags_of(shared) & O_NONBLOCK, 0,
	    "the shared description was changed");
	cr_expect_eq(flags_of(p[0]) & O_ACCMODE, O_RDONLY);
	cr_expect_eq(nbio_streams(p[0]), 1);

	errno = 0;
	cr_expect_eq(nbio_read(p[0], buf, sizeof(buf)), -1);
	cr_expect_eq(errno, EAGAIN);
	cr_assert_eq(write(p[1], "hello", 5), 5);
	cr_expect_eq(nbio_read(p[0], buf, sizeof(buf)), 5);
	cr_expect_eq(memcmp(buf, "hello", 5), 0);
	errno = 0;
	cr_expect_eq(nbio_read(p[0], buf, sizeof(buf)), -1);
	cr_expect_eq(errno, EAGAIN);
	/* The writer gone, the private description reads end of file. */
	close(p[1]);
	cr_expect_eq(nbio_read(p[0], buf, sizeof(buf)), 0);
	cr_expect_eq(flags_of(shared) & O_NONBLOCK, 0);
}

/*
 * An inherited pipe's write end: writes fill the pipe and then fail
 * with EAGAIN instead of blocking; draining makes room again. The
 * shared description stays blocking throughout.
 */
Test(nbio, write_full_pipe_eagain, .timeout = 10)
{
	static char	chunk[8192], sink[65536];
	size_t		total = 0;
	ssize_t		n;
	int		p[2], shared, cap;

	cr_assert_eq(pipe(p), 0);
	cap = fcntl(p[1], F_GETPIPE_SZ);
	cr_assert_gt(cap, 0);
	shared = dup(p[1]);
	cr_assert_eq(nbio_setup(p[1], 0), 0);
	cr_expect_eq(flags_of(shared) & O_NONBLOCK, 0);
	memset(chunk, 'x', sizeof(chunk));
	while ((n = nbio_write(p[1], chunk, sizeof(chunk))) > 0)
		total += (size_t)n;
	cr_expect_eq(n, -1);
	cr_expect_eq(errno, EAGAIN);
	cr_expect_eq(total, (size_t)cap, "the pipe takes its capacity");
	errno = 0;
	cr_expect_eq(nbio_write(p[1], "y", 1), -1, "still full");
	cr_expect_eq(errno, EAGAIN);

	cr_assert_gt(read(p[0], sink, sizeof(sink)), 0);
	cr_expect_gt(nbio_write(p[1], "y", 1), 0, "room again");
	cr_expect_eq(flags_of(shared) & O_NONBLOCK, 0,
	    "the shared description was changed");
}

/* A description this process owns is simply put in O_NONBLOCK. */
Test(nbio, owned_pipe_set_nonblocking, .timeout = 10)
{
	char	buf[4];
	int	p[2], same;

	cr_assert_eq(pipe(p), 0);
	same = dup(p[0]);
	cr_assert_eq(nbio_setup(p[0], 1), 0);
	cr_expect_neq(flags_of(p[0]) & O_NONBLOCK, 0);
	cr_expect_neq(flags_of(same) & O_NONBLOCK, 0,
	    "owned: the description itself, not a private copy");
	errno = 0;
	cr_expect_eq(nbio_read(p[0], buf, sizeof(buf)), -1);
	cr_expect_eq(errno, EAGAIN);
}

/* A socket is never changed: each call says MSG_DONTWAIT. */
Test(nbio, socket_dontwait, .timeout = 10)
{
	char	buf[8];
	int	sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(nbio_setup(sv[0], 0), 0);
	cr_expect_eq(flags_of(sv[0]) & O_NONBLOCK, 0);
	errno = 0;
	cr_expect_eq(nbio_read(sv[0], buf, sizeof(buf)), -1);
	cr_expect_eq(errno, EAGAIN);
	cr_expect_eq(nbio_write(sv[0], "abc", 3), 3);
	cr_expect_eq(read(sv[1], buf, sizeof(buf)), 3);
	cr_expect_eq(nbio_streams(sv[0]), 1);
	cr_expect_eq(flags_of(sv[0]) & O_NONBLOCK, 0);
}

/* A regular file never blocks and is not a stream. */
Test(nbio, regular_file_plain, .timeout = 10)
{
	char	path[] = "/tmp/test_nbio.XXXXXX", buf[8];
	int	fd;

	cr_assert_neq(fd = mkstemp(path), -1);
	unlink(path);
	cr_assert_eq(write(fd, "data", 4), 4);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	cr_assert_eq(nbio_setup(fd, 0), 0);
	cr_expect_eq(flags_of(fd) & O_NONBLOCK, 0);
	cr_expect_eq(nbio_streams(fd), 0);
	cr_expect_eq(nbio_read(fd, buf, sizeof(buf)), 4);
	cr_expect_eq(nbio_read(fd, buf, sizeof(buf)), 0, "end of file");
}

Test(nbio, closed_descriptor_refused)
{
	char	c;
	int	p[2], q[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(pipe(q), 0);
	close(q[0]);
	errno = 0;
	cr_expect_eq(nbio_setup(q[0], 0), -1);
	cr_expect_eq(errno, EBADF);
	/* Never set up: a stream, read and written plainly. */
	cr_expect_eq(nbio_streams(p[1]), 1);
	cr_expect_eq(nbio_write(p[1], "z", 1), 1);
	cr_expect_eq(nbio_read(p[0], &c, 1), 1);
	cr_expect_eq(c, 'z');
}

/*
 * fd_to_devnull: this descriptor writes into /dev/null; another
 * descriptor of the same pipe still reaches the reader.
 */
Test(util, fd_to_devnull_only_this_descriptor, .timeout = 10)
{
	struct stat	 null, sb;
	char		 buf[8];
	int		 p[2], other;

	cr_assert_eq(stat("/dev/null", &null), 0);
	cr_assert_eq(pipe(p), 0);
	other = dup(p[1]);
	cr_assert_eq(fd_to_devnull(p[1]), 0);
	cr_assert_eq(fstat(p[1], &sb), 0);
	cr_expect(S_ISCHR(sb.st_mode));
	cr_expect_eq(sb.st_rdev, null.st_rdev);
	cr_expect_eq(flags_of(p[1]) & O_ACCMODE, O_WRONLY);
	cr_expect_eq(write(p[1], "lost", 4), 4);
	cr_expect_eq(readable(p[0]), 0, "bytes reached the pipe");
	cr_expect_eq(write(other, "kept", 4), 4);
	cr_expect_eq(read(p[0], buf, sizeof(buf)), 4);
	cr_expect_eq(memcmp(buf, "kept", 4), 0);
}

/* A free descriptor number is opened on /dev/null too. */
Test(util, fd_to_devnull_free_number)
{
	struct stat	 null, sb;
	int		 p[2];

	cr_assert_eq(stat("/dev/null", &null), 0);
	cr_assert_eq(pipe(p), 0);
	close(p[1]);		/* the lowest free number: open() gets it */
	cr_assert_eq(fd_to_devnull(p[1]), 0);
	cr_assert_eq(fstat(p[1], &sb), 0);
	cr_expect_eq(sb.st_rdev, null.st_rdev);
	cr_expect_eq(write(p[1], "x", 1), 1);
	cr_expect_eq(fd_to_devnull(-1), -1);
}

/* now_ms: the monotonic clock in milliseconds, never going back. */
Test(util, now_ms_monotonic)
{
	struct timespec	 ts;
	uint64_t	 prev, t, mono;
	int		 i;

	cr_assert_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	mono = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	prev = now_ms();
	cr_expect_geq(prev, mono);
	cr_expect_leq(prev - mono, 1000, "not CLOCK_MONOTONIC in ms");
	for (i = 0; i < 100000; i++) {
		t = now_ms();
		cr_assert_geq(t, prev, "went back at call %d", i);
		prev = t;
	}
	ts.tv_sec = 0;
	ts.tv_nsec = 30 * 1000000;
	cr_assert_eq(nanosleep(&ts, NULL), 0);
	t = now_ms();
	cr_expect_geq(t - prev, 30, "a 30 ms sleep counted as %llu",
	    (unsigned long long)(t - prev));
	cr_expect_lt(t - prev, 5000);
}
