/*
 * inputopt: the options of structured input (ptrtag.1, STRUCTURED
 * INPUT): --input, and the --field and --scan paths with their defaults
 * from config.h (optcheck.c says which options --input json takes).
 * Usage errors are one line on stderr and exit 2, as in options.c.
 */
#ifndef INPUTOPT_H
#define INPUTOPT_H

#include <stddef.h>

#include "config.h"

/* What the option parser keeps of these options between them. */
struct inputopt_state {
	int	is_fields;	/* --field given: the defaults are gone */
	int	is_scans;
};

/* The default --field and --scan paths of config.h into cfg. */
void	inputopt_defaults(struct config *cfg);

/*
 * One of --input WORD, --field PATH and --scan PATH (opt says which)
 * into cfg. A PATH is 1 to CFG_PATH_MAX - 1 printable ASCII bytes,
 * dot-separated parts none of them empty, at most CFG_PATHS_MAX of each
 * kind; the first one given replaces the defaults.
 */
void	inputopt_take(struct config *cfg, struct inputopt_state *is,
	    const char *opt, const char *arg);

#endif /* INPUTOPT_H */
