/*
 * testutil: helpers the Criterion unit tests of tests/patterns share.
 * Header-only (static inline), so a test pays only for what it calls.
 *
 * Table-driven tests run each row as one parameterized test whose
 * parameter is the row index: no pointer has to cross Criterion's
 * process boundary, and a failing row names its input. Inputs are
 * scanned from fitted copies, buffers of exactly their length, so a
 * read past the end shows up under AddressSanitizer.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A Criterion parameter array of the row indexes 0..n-1. */
static inline size_t *
row_indexes(size_t n)
{
	size_t	*idx, i;

	idx = cr_malloc(n * sizeof(*idx));
	cr_assert_not_null(idx);
	for (i = 0; i < n; i++)
		idx[i] = i;
	return idx;
}

/* The parameters of test NAME of SUITE: one per row of the array ROWS. */
#define ROW_PARAMS(suite, name, rows)					\
	ParameterizedTestParameters(suite, name)			\
	{								\
		return cr_make_param_array(size_t,			\
		    row_indexes(NELEM(rows)), NELEM(rows));		\
	}

/*
 * A heap copy of text[0..len) in a buffer of exactly len bytes (one
 * when len is 0); the caller frees it.
 */
static inline char *
fitted_copy(const char *text, size_t len)
{
	char	*copy;

	copy = malloc(len > 0 ? len : 1);
	cr_assert_not_null(copy);
	memcpy(copy, text, len);
	return copy;
}

#endif /* TESTUTIL_H */
