/*
 * cachefile: the --cache-file, so that a restart answers from what the
 * previous run learned. A text file:
 *
 *	ptrtag-cache 1
 *	ADDR VERDICT EXPIRES HOST
 *	...
 *	end COUNT
 *
 * EXPIRES is in seconds of the wall clock (the only use of the wall
 * clock in ptrtag: monotonic time does not survive a reboot), HOST is
 * "-" when there is none. Lines run from least to most recently used.
 */
#ifndef CACHEFILE_H
#define CACHEFILE_H

#include "resolver.h"

/*
 * Load path into the cache, dropping expired entries. A missing file is
 * no error. A file that is corrupt, truncated or of another version is
 * ignored whole with one warning. Returns the number of entries loaded.
 */
size_t	cachefile_load(struct rsv *rsv, const char *path);

/*
 * Write every settled entry to path atomically (a temporary file in the
 * same directory, fsync, rename). Returns 0, or -1 after a warning.
 */
int	cachefile_save(struct rsv *rsv, const char *path);

#endif /* CACHEFILE_H */
