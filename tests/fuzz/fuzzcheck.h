/*
 * fuzzcheck: what every fuzz target shares. FZ_CHECK states an invariant;
 * a violation prints the condition and aborts, so libFuzzer records the
 * input as a crash whatever NDEBUG says.
 */
#ifndef FUZZCHECK_H
#define FUZZCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FZ_CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s\n", \
			    __FILE__, __LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

/* The libFuzzer entry point each target defines. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZCHECK_H */
