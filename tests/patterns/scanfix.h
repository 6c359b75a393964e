/*
 * scanfix: the fixture of a test suite that runs the built-in scanner
 * (patterns/ipscan.h, "-p any"): sc is made before each test and freed
 * after it. Include it once, in the test file that defines the suite:
 *
 *	TestSuite(NAME, .init = scanner_init, .fini = scanner_fini);
 */
#ifndef SCANFIX_H
#define SCANFIX_H

#include <stddef.h>

#include <criterion/criterion.h>

#include "ipscan.h"

static struct ipscan	*sc;

static inline void
scanner_init(void)
{
	char	err[256];

	sc = ipscan_create(err, sizeof(err));
	cr_assert_not_null(sc, "ipscan_create: %s", err);
}

static inline void
scanner_fini(void)
{
	ipscan_free(sc);
	sc = NULL;
}

#endif /* SCANFIX_H */
