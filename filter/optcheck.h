/*
 * optcheck: what the options mean together, once all are read (ptrtag.1,
 * OPTIONS): an option that another one leaves without effect is refused
 * rather than ignored, --only must leave addresses that --exclude does
 * not remove, --min-ttl must not exceed --max-ttl; then what follows
 * from them is set in the config: the default --exclude ranges and the
 * window of lines.
 */
#ifndef OPTCHECK_H
#define OPTCHECK_H

#include "config.h"

/*
 * given lists the long names (without "--") of the options the command
 * line held, NULL-terminated; exclude_none is 1 when --exclude none was
 * among them. On a contradiction, prints one line naming both options,
 * or the value, and exits 2.
 */
void	optcheck(struct config *cfg, const char *const *given,
	    int exclude_none);

#endif /* OPTCHECK_H */
