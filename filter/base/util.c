/*
 * util: small helpers shared by the filter modules.
 */
#include <sys/stat.h>

#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
fd_set_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	if (flags & O_NONBLOCK)
		return 0;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void
fd_grow_pipe(int fd, int size)
{
	struct stat	sb;
	int		cap;

	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode) &&
	    (cap = fcntl(fd, F_GETPIPE_SZ)) != -1 && cap < size)
		(void)fcntl(fd, F_SETPIPE_SZ, size);
}

int
fd_to_devnull(int fd)
{
	int	nfd;

	if ((nfd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	if (nfd != fd && dup2(nfd, fd) == -1) {
		close(nfd);
		return -1;
	}
	if (nfd != fd)
		close(nfd);
	return 0;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		err(1, NULL);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void	*np;

	if ((np = reallocarray(p, n, size)) == NULL)
		err(1, NULL);
	return np;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		err(1, NULL);
	return p;
}
