/*
 * generic: does a PTR host name look like a provider's generic name for
 * the address it was found for (ptrtag.1, VERDICTS, "generic")? The
 * heuristic is described at the top of generic.c.
 */
#ifndef GENERIC_H
#define GENERIC_H

#include "ipaddr.h"

/*
 * Returns 1 when host (a validated, lower-case host name, NUL-terminated)
 * looks like a provider's generic name for the address ia, else 0. Pure:
 * no allocation, no global state; runs in time linear in strlen(host).
 */
int	generic_host(const struct ipaddr *ia, const char *host);

#endif /* GENERIC_H */
