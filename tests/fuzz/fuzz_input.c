/*
 * fuzz_input: line framing over a pipe, whatever the read sizes.
 *
 * Input: two bytes, then the stream. The first 12 bits give max_line
 * (1..4096), the last 4 a seed for the chunk sizes the stream is written
 * in. The stream goes through a non-blocking pipe into a struct input,
 * writes and reads alternating so the pipe never has to hold it all, and
 * every unit input_next hands out is copied at once.
 *
 * Invariants, per run: the units concatenate to the stream; each ends
 * in '\n' unless it is the last one or raw; a unit that is not raw holds
 * at most max_line bytes besides its "\n" or "\r\n"; whenever input has
 * nothing to hand out it holds at most max_line + 1 bytes of one line.
 * Grouping units into logical lines (up to a '\n' or the end), a line
 * made of several units is raw in every piece, and a line is raw exactly
 * when its content exceeds max_line. Across runs: the chunked run and a
 * run written in one go give the same logical lines with the same raw
 * flags (the split of an overlong line into raw pieces follows the
 * reads, nothing else).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

#include "fuzzcheck.h"
#include "fuzzpipe.h"

#define FZ_MAX_LINE	4096

struct unit {
	size_t	u_off;		/* into the collected bytes */
	size_t	u_len;
	int	u_raw;
};

struct run {
	struct unit	*r_units;
	size_t		 r_n;
	size_t		 r_cap;
	char		*r_bytes;	/* every unit, concatenated */
	size_t		 r_nbytes;
};

static void
collect(struct run *r, const char *p, size_t len, int raw, size_t total)
{
	FZ_CHECK(r->r_nbytes + len <= total);
	if (r->r_n == r->r_cap) {
		r->r_cap = r->r_cap ? 2 * r->r_cap : 64;
		r->r_units = reallocarray(r->r_units, r->r_cap,
		    sizeof(*r->r_units));
		if (r->r_units == NULL)
			abort();
	}
	FZ_CHECK(raw == 0 || raw == 1);
	r->r_units[r->r_n].u_off = r->r_nbytes;
	r->r_units[r->r_n].u_len = len;
	r->r_units[r->r_n].u_raw = raw;
	r->r_n++;
	memcpy(r->r_bytes + r->r_nbytes, p, len);
	r->r_nbytes += len;
}

struct feeding {
	struct run	*f_run;
	size_t		 f_len;
};

static void
feed_unit(void *arg, const char *p, size_t len, int raw)
{
	struct feeding	*f = arg;

	collect(f->f_run, p, len, raw, f->f_len);
}

/* Feed stream[0..len) through a pipe in chunks; collect the units. */
static void
feed(struct run *r, const char *stream, size_t len, size_t max_line,
    uint64_t seed)
{
	struct input	in;
	struct feeding	f = { r, len };

	memset(r, 0, sizeof(*r));
	if ((r->r_bytes = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	fz_pipe_feed(&in, stream, len, max_line, 0, seed, feed_unit, &f);
	input_free(&in);
}

static size_t
content_len(const char *p, size_t len)
{
	if (len > 0 && p[len - 1] == '\n') {
		len--;
		if (len > 0 && p[len - 1] == '\r')
			len--;
	}
	return len;
}

/* Per-run invariants; returns the number of logical lines. */
static size_t
check_run(const struct run *r, const char *stream, size_t len,
    size_t max_line)
{
	const struct unit	*u;
	size_t			 i, j, first = 0, lines = 0, start, llen;
	int			 anyraw = 0, end;

	FZ_CHECK(r->r_nbytes == len && memcmp(r->r_bytes, stream, len) == 0);
	for (i = 0; i < r->r_n; i++) {
		u = &r->r_units[i];
		end = r->r_bytes[u->u_off + u->u_len - 1] == '\n';
		FZ_CHECK(end || u->u_raw || i == r->r_n - 1);
		if (!u->u_raw)
			FZ_CHECK(content_len(r->r_bytes + u->u_off,
			    u->u_len) <= max_line);
		anyraw |= u->u_raw;
		if (!end && i != r->r_n - 1)
			continue;
		/* Units first..i form one logical line. */
		start = r->r_units[first].u_off;
		llen = u->u_off + u->u_len - start;
		for (j = first; i > first && j <= i; j++)
			FZ_CHECK(r->r_units[j].u_raw);
		FZ_CHECK(anyraw ==
		    (content_len(r->r_bytes + start, llen) > max_line));
		first = i + 1;
		anyraw = 0;
		lines++;
	}
	return lines;
}

/* Logical line k of r: offset, length and raw flag. */
static void
logical(const struct run *r, size_t *ui, size_t *off, size_t *len, int *raw)
{
	const struct unit	*u = &r->r_units[*ui];

	*off = u->u_off;
	*raw = u->u_raw;
	while (u->u_raw && r->r_bytes[u->u_off + u->u_len - 1] != '\n' &&
	    *ui + 1 < r->r_n)
		u = &r->r_units[++*ui];
	*len = u->u_off + u->u_len - *off;
	++*ui;
}

static void
compare_runs(const struct run *a, const struct run *b)
{
	size_t	ia = 0, ib = 0, oa, ob, la, lb;
	int	ra, rb;

	while (ia < a->r_n && ib < b->r_n) {
		logical(a, &ia, &oa, &la, &ra);
		logical(b, &ib, &ob, &lb, &rb);
		FZ_CHECK(oa == ob && la == lb && ra == rb);
	}
	FZ_CHECK(ia == a->r_n && ib == b->r_n);
}

static void
free_run(struct run *r)
{
	free(r->r_units);
	free(r->r_bytes);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run	 chunked, whole;
	const char	*stream;
	size_t		 max_line, len;
	uint64_t	 seed;
	size_t		 na, nb;

	if (size < 2)
		return 0;
	max_line = ((size_t)data[0] | (size_t)(data[1] & 0x0f) << 8) %
	    FZ_MAX_LINE + 1;
	seed = 0x9e3779b97f4a7c15ULL * ((uint64_t)(data[1] >> 4) + 1) ^
	    (uint64_t)size;
	if (seed == 0)
		seed = 1;
	stream = (const char *)data + 2;
	len = size - 2;

	feed(&chunked, stream, len, max_line, seed);
	feed(&whole, stream, len, max_line, 0);
	na = check_run(&chunked, stream, len, max_line);
	nb = check_run(&whole, stream, len, max_line);
	FZ_CHECK(na == nb);
	compare_runs(&chunked, &whole);
	free_run(&chunked);
	free_run(&whole);
	return 0;
}
