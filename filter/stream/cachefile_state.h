/*
 * cachefile_state: what cachefile.c (open, save) and cachefile_load.c
 * (parse, load) share about the one --cache-file of the process; private
 * to those two files. The format and the rules are in cachefile.h and
 * ptrtag(1), FILES.
 *
 * Invariant: after cachefile_open() succeeds, cfs_af holds the file's
 * directory for the life of the process (afile.h), and cfs_fd the file
 * itself (or -1 when there was none) until cachefile_load() closes it.
 */
#ifndef CACHEFILE_STATE_H
#define CACHEFILE_STATE_H

#include "afile.h"
#include "config.h"

#define CACHEFILE_MAGIC	"ptrtag-cache 1"

/*
 * Bound on one line: the longest ptrtag writes is an IPv6 address (45),
 * a verdict (9), an expiry (19 digits), a host (253), three spaces and
 * the newline, 330 bytes. A longer line is damage. The file is read no
 * further back than --cache-size + 2 lines of this length from its end.
 */
#define CACHEFILE_LINE_MAX	384

struct cachefile_state {
	struct afile		 cfs_af;	/* directory and name */
	int			 cfs_fd;	/* the file until loaded, or -1 */
	const char		*cfs_path;	/* as given, for messages */
	const struct config	*cfs_cfg;
};

extern struct cachefile_state cachefile;	/* cachefile.c */

#endif /* CACHEFILE_STATE_H */
