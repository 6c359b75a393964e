/*
 * options: the command line of ptrtag.1, DESCRIPTION into a struct config.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include "config.h"

/*
 * Fill cfg from argv. On a usage error, prints one line naming the
 * problem to stderr and exits 2; -h and -V print and exit 0. Never
 * returns a half-valid config.
 */
void	options_parse(int argc, char **argv, struct config *cfg);

/*
 * Check a --server list "ADDR[:PORT][,...]" (IPv6 as [ADDR]:PORT or
 * bare ADDR) and write it as c-ares' "ADDR:PORT,[V6]:PORT" form into
 * out. Returns 0, or -1 with a reason in *errstr.
 */
int	options_servers(const char *list, char *out, size_t outsz,
	    const char **errstr);

#endif /* OPTIONS_H */
