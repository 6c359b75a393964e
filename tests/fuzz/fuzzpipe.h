/*
 * fuzzpipe: what the fuzz targets of input.c share. A stream is written
 * into a non-blocking pipe in chunks of seeded sizes while a struct input
 * reads the other end, writes and reads alternating so that the pipe
 * never has to hold it all; every unit input_next() hands out goes to the
 * caller's function at once, and after each read the bound on what input
 * holds back is checked.
 */
#ifndef FUZZPIPE_H
#define FUZZPIPE_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

#include "fuzzcheck.h"

/* Chunk sizes: xorshift64, or everything at once when *state is 0. */
static inline size_t
fz_next_chunk(uint64_t *state, size_t left)
{
	uint64_t	x = *state;
	size_t		c;

	if (x == 0)
		return left;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	/* Mostly small, sometimes up to 8 KiB. */
	c = (size_t)(x >> 32) % ((size_t)1 << (1 + (x >> 8) % 13)) + 1;
	return c < left ? c : left;
}

/*
 * Memory stays bounded: once input_next has nothing to hand out, what
 * input holds back is part of one line, at most max_line + 1 bytes (a
 * longer line would already be streaming out raw), and nothing more is
 * ready (the loop would otherwise spin on input_ready()).
 */
static inline void
fz_check_held(const struct input *in, size_t max_line)
{
	size_t	held;

	FZ_CHECK(in->in_start <= in->in_end && in->in_end <= in->in_cap);
	held = in->in_end - in->in_start;
	FZ_CHECK(held <= max_line + 1);
	FZ_CHECK(held == 0 ||
	    memchr(in->in_buf + in->in_start, '\n', held) == NULL);
	FZ_CHECK(!input_ready(in) || input_fd(in) == -1);
}

/*
 * Write stream[0..len) into a new pipe whose read end becomes the one
 * descriptor of in (gzip detection on when gunzip is 1: input_files()),
 * and pass every unit to unit(arg, ...) until the end. The caller frees
 * in.
 */
static inline void
fz_pipe_feed(struct input *in, const void *stream, size_t len,
    size_t max_line, int gunzip, uint64_t seed,
    void (*unit)(void *, const char *, size_t, int), void *arg)
{
	const char	*p;
	size_t		 woff = 0, plen, spins = 0;
	ssize_t		 w;
	int		 pfd[2], rc, raw, progress, *fds;

	if (pipe2(pfd, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    (fds = malloc(sizeof(*fds))) == NULL)
		abort();
	fds[0] = pfd[0];
	input_init(in, fds, 1, max_line);
	input_files(in, NULL, gunzip);
	for (;;) {
		progress = 0;
		if (woff < len) {
			w = write(pfd[1], (const char *)stream + woff,
			    fz_next_chunk(&seed, len - woff));
			FZ_CHECK(w > 0 || errno == EAGAIN);
			if (w > 0) {
				woff += (size_t)w;
				progress = 1;
			}
		}
		if (woff == len && pfd[1] != -1) {
			close(pfd[1]);
			pfd[1] = -1;
		}
		rc = input_read(in);
		FZ_CHECK(rc == INPUT_DATA || rc == INPUT_EOF ||
		    rc == INPUT_AGAIN);
		while (input_next(in, &p, &plen, &raw)) {
			FZ_CHECK(plen > 0);
			unit(arg, p, plen, raw);
			progress = 1;
		}
		fz_check_held(in, max_line);
		if (rc == INPUT_EOF && input_fd(in) == -1)
			break;
		/* A full pipe and a reader that takes nothing: stuck. */
		spins = progress || rc == INPUT_DATA ? 0 : spins + 1;
		FZ_CHECK(spins < 1000);
	}
	/* At the end everything stays at the end. */
	FZ_CHECK(input_next(in, &p, &plen, &raw) == 0);
	FZ_CHECK(input_read(in) == INPUT_EOF);
	FZ_CHECK(input_fd(in) == -1 && input_drained(in));
}

#endif /* FUZZPIPE_H */
