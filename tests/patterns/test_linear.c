/*
 * Every shipped pattern set costs time linear in the length of a line
 * (ptrtag.1, -p): for each shape of linear_shapes.h the CPU time per
 * byte of scanning lines of 64 KiB must stay within LINEAR_FACTOR of
 * that of lines of 16 KiB. A quadratic pattern doubles its cost per
 * byte with each doubling of the line, a factor of 4 from 16 to 64 KiB;
 * linear ones stay near 1.
 *
 * This compares two costs measured alike, not a speed: each measure
 * scans the same number of bytes (LINEAR_BYTES, as lines of one size),
 * in process CPU time, and the best of LINEAR_RUNS is kept, so that a
 * loaded machine slows both sides and cannot fail the test. Set
 * LINEAR_VERBOSE in the environment to see the numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipscan.h"
#include "linear_shapes.h"
#include "testutil.h"

#ifndef TEST_PATTERN_DIR
#error "TEST_PATTERN_DIR must name the source tree's patterns/sets"
#endif

#define LINEAR_NSIZES	3
#define LINEAR_BYTES	(1024 * 1024)	/* scanned per measure */
#define LINEAR_RUNS	5
#define LINEAR_FACTOR	3.0

static const char *const dirs[] = { TEST_PATTERN_DIR };
static const size_t linear_sizes[LINEAR_NSIZES] = {
	16 * 1024, 32 * 1024, 64 * 1024,
};

static double
cpu_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The shape's line, as close to size bytes as whole units allow. */
static char *
make_line(const struct linear_shape *s, size_t size, size_t *lenp)
{
	size_t	hl = strlen(s->ls_head), ul = strlen(s->ls_unit);
	size_t	tl = strlen(s->ls_tail), n;
	char	*buf;

	cr_assert_lt(hl + ul + tl, size);
	buf = malloc(size);
	cr_assert_not_null(buf);
	memcpy(buf, s->ls_head, hl);
	for (n = hl; n + ul + tl <= size; n += ul)
		memcpy(buf + n, s->ls_unit, ul);
	memcpy(buf + n, s->ls_tail, tl);
	*lenp = n + tl;
	return buf;
}

/* CPU time, in ns per byte, of scanning reps copies of one line. */
static double
ns_per_byte(struct ipscan *sc, const char *buf, size_t len, size_t reps)
{
	struct ipmatch	m[8];
	double		t0;
	size_t		i;

	t0 = cpu_s();
	for (i = 0; i < reps; i++)
		(void)ipscan_line(sc, buf, len, m, NELEM(m));
	return (cpu_s() - t0) * 1e9 / (double)(reps * len);
}

/*
 * The best of LINEAR_RUNS measures of each size into best[]. The sizes
 * take turns, run after run, so that a change in the machine's load
 * weighs on all of them alike.
 */
static void
measure(struct ipscan *sc, const struct linear_shape *s,
    double best[LINEAR_NSIZES])
{
	struct ipmatch	 m[8];
	char		*buf[LINEAR_NSIZES];
	size_t		 len[LINEAR_NSIZES];
	double		 t;
	int		 run, k;

	for (k = 0; k < LINEAR_NSIZES; k++) {
		buf[k] = make_line(s, linear_sizes[k], &len[k]);
		cr_assert_geq(ipscan_line(sc, buf[k], len[k], m, NELEM(m)), 0,
		    "%s: %s", s->ls_set, ipscan_error(sc));
		/* The shipped sets stay within the match limits. */
		cr_assert_eq(ipscan_limited(sc), 0, "%s: %s", s->ls_set,
		    ipscan_error(sc));
		best[k] = -1;
	}
	for (run = 0; run < LINEAR_RUNS; run++)
		for (k = 0; k < LINEAR_NSIZES; k++) {
			t = ns_per_byte(sc, buf[k], len[k],
			    LINEAR_BYTES / linear_sizes[k]);
			if (best[k] < 0 || t < best[k])
				best[k] = t;
		}
	for (k = 0; k < LINEAR_NSIZES; k++)
		free(buf[k]);
}

ROW_PARAMS(linear, shipped_sets, linear_shapes)

ParameterizedTest(size_t *i, linear, shipped_sets, .timeout = 120)
{
	const struct linear_shape	*s = &linear_shapes[*i];
	struct ipscan			*sc;
	double				 c[LINEAR_NSIZES];
	char				 err[512];

	sc = ipscan_create_patterns(&s->ls_set, 1, dirs, NELEM(dirs), err,
	    sizeof(err));
	cr_assert_not_null(sc, "%s", err);
	measure(sc, s, c);
	if (getenv("LINEAR_VERBOSE") != NULL)
		fprintf(stderr, "%-8s shape %2zu: ms/line 16K %.3f 32K %.3f "
		    "64K %.3f (ns/byte %.2f %.2f %.2f)\n", s->ls_set, *i,
		    c[0] * 16384 / 1e6, c[1] * 32768 / 1e6, c[2] * 65536 / 1e6,
		    c[0], c[1], c[2]);
	cr_expect_lt(c[2], c[0] * LINEAR_FACTOR, "%s, unit \"%s\": %.2f "
	    "ns/byte at 16 KiB, %.2f at 32 KiB, %.2f at 64 KiB", s->ls_set,
	    s->ls_unit, c[0], c[1], c[2]);
	ipscan_free(sc);
}
