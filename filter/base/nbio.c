/*
 * nbio: see nbio.h.
 *
 * Why: O_NONBLOCK is a flag of the open file description, not of the
 * descriptor. Setting it on an inherited stdout sets it for every other
 * process writing to the same pipe; after a SIGKILL nothing can undo it
 * and the next writer fails with EAGAIN. So a shared description is
 * never changed: ptrtag opens a private one of the same object, or uses
 * per-call MSG_DONTWAIT, or polls before each transfer.
 *
 * Invariant: nb_mode[fd] describes the object fd refers to while fd stays
 * open; nbio_setup() is called again for every descriptor that reuses a
 * number (the -o file reopened on SIGHUP).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "nbio.h"
#include "util.h"

#define NBIO_FDMAX	1024	/* higher descriptors: plain transfers */

enum nbio_mode {
	NBIO_PLAIN = 0,		/* own O_NONBLOCK description, or unknown */
	NBIO_FILE,		/* regular file: never blocks */
	NBIO_SOCKET,		/* recv/send with MSG_DONTWAIT */
	NBIO_POLL,		/* shared and blocking: poll, then transfer */
};

static unsigned char	nb_mode[NBIO_FDMAX];

static enum nbio_mode
mode_of(int fd)
{
	return fd >= 0 && fd < NBIO_FDMAX ? (enum nbio_mode)nb_mode[fd] :
	    NBIO_PLAIN;
}

/*
 * Open a private description of the pipe, FIFO or terminal behind fd
 * and put it in fd's place. Returns 0, or -1 leaving fd as it was.
 */
static int
reopen_private(int fd, int flags, const struct stat *sb)
{
	struct stat	 nsb;
	char		 path[32];
	int		 nfd;

	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, (flags & (O_ACCMODE | O_APPEND)) | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC);
	if (nfd == -1)
		return -1;
	if (fstat(nfd, &nsb) == -1 || nsb.st_dev != sb->st_dev ||
	    nsb.st_ino != sb->st_ino || dup2(nfd, fd) == -1) {
		close(nfd);
		return -1;
	}
	close(nfd);
	return 0;
}

int
nbio_setup(int fd, int owned)
{
	struct stat	sb;
	int		flags;
	enum nbio_mode	mode = NBIO_PLAIN;

	if ((flags = fcntl(fd, F_GETFL)) == -1 || fstat(fd, &sb) == -1)
		return -1;
	if (S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode) || S_ISDIR(sb.st_mode))
		mode = NBIO_FILE;
	else if (S_ISSOCK(sb.st_mode))
		mode = NBIO_SOCKET;
	else if (owned) {
		if (fd_set_nonblock(fd) == -1)
			mode = NBIO_POLL;
	} else if (!(flags & O_NONBLOCK) &&
	    reopen_private(fd, flags, &sb) == -1)
		mode = NBIO_POLL;
	if (fd < NBIO_FDMAX)
		nb_mode[fd] = (unsigned char)mode;
	return 0;
}

/* Zero-timeout poll: 1 when events (or an error or hang-up) are set. */
static int
ready(int fd, short events)
{
	struct pollfd	pfd;
	int		rc;

	pfd.fd = fd;
	pfd.events = events;
	pfd.revents = 0;
	if ((rc = poll(&pfd, 1, 0)) == -1)
		return -1;
	if (rc == 0) {
		errno = EAGAIN;
		return -1;
	}
	return 1;
}

ssize_t
nbio_read(int fd, void *buf, size_t len)
{
	switch (mode_of(fd)) {
	case NBIO_SOCKET:
		return recv(fd, buf, len, MSG_DONTWAIT);
	case NBIO_POLL:
		if (ready(fd, POLLIN) == -1)
			return -1;
		break;
	case NBIO_PLAIN:
	case NBIO_FILE:
		break;
	}
	return read(fd, buf, len);
}

ssize_t
nbio_write(int fd, const void *buf, size_t len)
{
	switch (mode_of(fd)) {
	case NBIO_SOCKET:
		return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	case NBIO_POLL:
		/*
		 * POLLOUT on a pipe means room for PIPE_BUF bytes, and a
		 * write of at most that much is atomic: it cannot block.
		 */
		if (ready(fd, POLLOUT) == -1)
			return -1;
		if (len > PIPE_BUF)
			len = PIPE_BUF;
		break;
	case NBIO_PLAIN:
	case NBIO_FILE:
		break;
	}
	return write(fd, buf, len);
}

int
nbio_streams(int fd)
{
	return mode_of(fd) != NBIO_FILE;
}
