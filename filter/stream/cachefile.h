/*
 * cachefile: the --cache-file, so that a restart answers from what the
 * previous run learned. A text file:
 *
 *	ptrtag-cache 1
 *	ADDR VERDICT EXPIRES HOST
 *	...
 *	end COUNT
 *
 * EXPIRES is in seconds of the wall clock (monotonic time does not
 * survive a reboot; the only other use of the wall clock is the read
 * time of -f json, util.h wall_ms), HOST is
 * "-" when there is none. Lines run from least to most recently used.
 *
 * The rules on which file is accepted, how it is loaded and how it is
 * saved are those of ptrtag(1), section FILES. A process has at most
 * one cache file: cachefile_open() names it once, at start.
 */
#ifndef CACHEFILE_H
#define CACHEFILE_H

#include "config.h"
#include "resolver.h"

/*
 * At start, before any input is read: check cfg->cf_cache_file against
 * the rules of ptrtag(1) FILES (a regular file or none, not a symbolic
 * link, owned by the user running ptrtag or root, not writable by group
 * or others, its directory writable: a temporary file is created and
 * removed there), open its directory (kept open for the life of the
 * process, so that saving needs nothing but that directory) and the file
 * itself without blocking. Returns 0, or -1 with one line in err naming
 * the file: the caller exits 2.
 */
int	cachefile_open(const struct config *cfg, char *err, size_t errlen);

/*
 * Load the file cachefile_open() opened into the cache, then close it: at
 * most cfg->cf_cache_size entries, the most recently used ones, reading
 * at most what that many entries take; expired entries are skipped,
 * expiry is clamped to the TTL limits of cfg, and entries that are
 * inconsistent or carry a verdict that is never cached are dropped (one
 * warning line with their number). A file that is corrupt, truncated or
 * of another version is ignored whole with one warning. Returns the
 * number of entries loaded (0 when cachefile_open() found no file).
 */
size_t	cachefile_load(struct rsv *rsv);

/*
 * Write every settled entry atomically: a new temporary file in the
 * directory opened at start (created exclusively, never through a
 * symbolic link, mode 0600 then the mode of the file it replaces),
 * fsync, rename over the file. path must be the cf_cache_file given to
 * cachefile_open() (it names the file in warnings). Returns 0, or -1
 * after one warning line (the file is then left as it was).
 */
int	cachefile_save(struct rsv *rsv, const char *path);

/*
 * The directory of the cache file (an O_PATH descriptor, kept open), or
 * -1 without a cache file: the only directory saving writes to.
 */
int	cachefile_dirfd(void);

#endif /* CACHEFILE_H */
