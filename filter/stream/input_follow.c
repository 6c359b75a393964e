/*
 * input_follow: the follow mode of input.h (--follow, follow.c): one
 * regular file at a time, attached and detached by the follower, which
 * owns the descriptors; the end of a file makes the input idle, not
 * finished. Shares struct input with input.c, whose invariant holds here
 * too; a file is attached only to an input that holds no byte of another.
 */
#include <stdlib.h>

#include "input.h"
#include "util.h"

void
input_init_follow(struct input *in, size_t max_line, struct ledger *lg)
{
	int	*fds;

	fds = xcalloc(1, sizeof(*fds));
	fds[0] = -1;
	input_init(in, fds, 1, max_line);
	in->in_follow = 1;
	in->in_ledger = lg;
}

void
input_attach(struct input *in, int fd, const char *name, uint64_t off,
    int overlong)
{
	in->in_fds[0] = fd;
	in->in_fname = name;
	in->in_off = off;
	in->in_overlong = overlong;
	in->in_idle = in->in_final = 0;
}

uint64_t
input_detach(struct input *in, int *overlong)
{
	uint64_t	off = in->in_off - (in->in_end - in->in_start);

	*overlong = in->in_overlong;
	input_fence(in);	/* the next attach reads over these bytes */
	in->in_start = in->in_end = 0;
	in->in_fds[0] = -1;
	in->in_overlong = in->in_idle = in->in_final = 0;
	return off;
}

int
input_attached(const struct input *in)
{
	return in->in_follow && in->in_fds[0] != -1;
}

int
input_idle(const struct input *in)
{
	return in->in_idle;
}

void
input_wake(struct input *in)
{
	if (!in->in_final)
		in->in_idle = 0;
}

uint64_t
input_offset(const struct input *in)
{
	return in->in_off;
}

int
input_overlong(const struct input *in)
{
	return in->in_overlong;
}

void
input_finish(struct input *in)
{
	in->in_final = in->in_idle = 1;
}

size_t
input_buffered(const struct input *in)
{
	return in->in_end - in->in_start;
}
