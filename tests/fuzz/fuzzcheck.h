/*
 * fuzzcheck: what every fuzz target shares. FZ_CHECK states an invariant;
 * a violation prints the condition and aborts, so libFuzzer records the
 * input as a crash whatever NDEBUG says. fz_copy gives a target its
 * input in a buffer of exactly its size.
 */
#ifndef FUZZCHECK_H
#define FUZZCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
			    __FILE__, __LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

/*
 * A heap copy of data[0..size) in a buffer of exactly size bytes (one
 * when size is 0), so that ASan catches any read past the input; the
 * caller frees it. Aborts when out of memory.
 */
static inline void *
fz_copy(const uint8_t *data, size_t size)
{
	void	*copy;

	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	return copy;
}

/* The libFuzzer entry point each target defines. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZCHECK_H */
