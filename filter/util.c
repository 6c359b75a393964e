/*
 * util: small helpers shared by the filter modules.
 */
#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* Original flags of fds 0..2, or -1 while untouched. */
static int	saved_flags[3] = { -1, -1, -1 };
static int	restore_registered;

uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
restore_flags(void)
{
	int	fd;

	for (fd = 0; fd < 3; fd++)
		if (saved_flags[fd] != -1)
			(void)fcntl(fd, F_SETFL, saved_flags[fd]);
}

int
fd_set_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	if (flags & O_NONBLOCK)
		return 0;
	if (fd >= 0 && fd < 3 && saved_flags[fd] == -1) {
		saved_flags[fd] = flags;
		if (!restore_registered) {
			restore_registered = 1;
			atexit(restore_flags);
		}
	}
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
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
