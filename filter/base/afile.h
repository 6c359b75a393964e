/*
 * afile: a file that ptrtag replaces atomically and trusts only as far
 * as its owner (the --cache-file and the --state file; ptrtag(1),
 * FILES). At start, afile_open() checks the file against the rules of
 * ptrtag(1), FILES, and opens its directory for the life of the process;
 * a save then writes a new file beside it under a random name and
 * renames it over the file, touching nothing but that directory.
 *
 * Never prints: a failure comes back as one line in the caller's
 * buffer, "WHAT PATH: why" (WHAT as given to afile_open()).
 *
 * Invariants: after afile_open() succeeds, af_dirfd is the file's
 * directory and every later access is relative to it (openat, fstatat,
 * renameat, unlinkat); nothing is opened through a symbolic link in the
 * last path component, and nothing but a new file created exclusively
 * is ever written.
 */
#ifndef AFILE_H
#define AFILE_H

#include <sys/types.h>
#include <stddef.h>

/* Room for a temporary name: the file's name and ".tmp." and 16 digits. */
#define AFILE_TMPMAX	(255 + 1)

struct afile {
	int		 af_dirfd;	/* the directory, or -1 */
	char		*af_name;	/* last path component; owned */
	const char	*af_path;	/* as given, for messages */
	const char	*af_what;	/* "cache file", "state file" */
};

/*
 * Check path against the rules of ptrtag(1), FILES: a regular file or
 * none; not a symbolic link; owned by the user running ptrtag or root;
 * not writable by group or others; in a directory where a file can be
 * created (a temporary one is created and removed; those a killed save
 * left behind are removed too). Open the directory
 * (read-only where its mode allows, so that it can be synced) and, when
 * the file exists, the file itself, read-only and without blocking, into
 * *fdp (-1 when there is none). Returns 0, or -1 with one line in err.
 */
int	afile_open(struct afile *af, const char *what, const char *path,
	    int *fdp, char *err, size_t errlen);

/*
 * Start a save: create the temporary file (exclusively, never through a
 * symbolic link) with the mode of the file it will replace without group
 * and others write, or 0600 for a new file. Returns its descriptor and
 * its name in tmp[AFILE_TMPMAX], or -1 with one line in err (also when
 * the name is now taken by something else than a regular file).
 */
int	afile_begin(const struct afile *af, char *tmp, char *err,
	    size_t errlen);

/*
 * Write buf[0..len) to fd, sync it and close it. Returns 0, or -1 with
 * errno set (fd is closed either way).
 */
int	afile_write(int fd, const void *buf, size_t len);

/*
 * End a save whose temporary file tmp is written, synced and closed:
 * rename it over the file and sync the directory (where it could be
 * opened for that). Returns 0, or -1 with one line in err after removing
 * tmp; the file is then as it was.
 */
int	afile_commit(const struct afile *af, const char *tmp, char *err,
	    size_t errlen);

/* Give up a save: remove tmp. */
void	afile_discard(const struct afile *af, const char *tmp);

/* Close the directory and free the name. */
void	afile_close(struct afile *af);

#endif /* AFILE_H */
