#include <criterion/criterion.h>
Test(x, y) { cr_expect(1); }
