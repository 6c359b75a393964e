/*
 * lineterm: see lineterm.h.
 */
#include "lineterm.h"

size_t
lineterm_start(const char *p, size_t len)
{
	if (len == 0 || p[len - 1] != '\n')
		return len;
	if (len > 1 && p[len - 2] == '\r')
		return len - 2;
	return len - 1;
}
