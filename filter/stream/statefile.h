/*
 * statefile: the --state file on disk (ptrtag(1), FILES): checked and
 * read at start, written atomically at run time. Its text is statefmt's;
 * the rules on the file and the atomic save are afile's (afile.h).
 */
#ifndef STATEFILE_H
#define STATEFILE_H

#include <stddef.h>

#include "afile.h"
#include "statefmt.h"

/*
 * At start: check path by the rules of ptrtag(1), FILES, open its
 * directory into af for the saves to come, and read the file into st
 * (a missing file gives an empty st with a fresh random key). Returns 0,
 * or -1 with one line in err naming the file (a file that breaks the
 * rules, cannot be read or does not parse): the caller exits 2.
 */
int	statefile_open(struct afile *af, const char *path, struct state *st,
	    char *err, size_t errlen);

/*
 * Replace the file with st: a temporary file beside it, synced, renamed
 * over it, the directory synced. Returns 0, or -1 after one warning on
 * stderr (the file is then as it was).
 */
int	statefile_save(const struct afile *af, const struct state *st);

#endif /* STATEFILE_H */
