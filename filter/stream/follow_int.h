/*
 * follow_int: what follow.c (the run) and follow_start.c (the start)
 * share; private to those two files.
 *
 * Invariants: at most one source is attached to the input (f_cur), and
 * its fs_pos is stale while it is (input_offset() is its read
 * position); a source with fs_fd == -1 is waited for; fs_dev and fs_ino
 * are those of fs_fd.
 */
#ifndef FOLLOW_INT_H
#define FOLLOW_INT_H

#include <sys/stat.h>

#include "afile.h"
#include "config.h"
#include "input.h"
#include "ledger.h"

struct fsrc {
	const char	*fs_path;	/* as given on the command line */
	int		 fs_fd;		/* the file read, or -1 */
	uint64_t	 fs_dev;
	uint64_t	 fs_ino;
	uint64_t	 fs_pos;	/* where reading goes on */
	int		 fs_overlong;	/* fs_pos is inside an overlong line */
	int		 fs_finite;	/* a rotated file: done at its end */
	int		 fs_rotated;	/* checks that saw the path elsewhere */
	int		 fs_data;	/* the last check saw bytes to read */
	int		 fs_finishing;	/* its rest is being handed out */
	int		 fs_warned;	/* the errno last warned about */
};

struct follow {
	const struct config	*f_cfg;
	struct fsrc		*f_src;
	size_t			 f_nsrc;
	struct input		*f_in;
	struct ledger		*f_lg;
	long			 f_cur;		/* attached source, or -1 */
	uint64_t		 f_slice;	/* its offset at attach */
	uint64_t		 f_next_check;	/* ms */
	uint64_t		 f_next_save;
	uint64_t		 f_backoff;	/* ms, after failed saves */
	int			 f_stopping;	/* nothing more is read */
	int			 f_has_state;	/* --state given */
	struct afile		 f_state;
	uint8_t			 f_key[STATE_KEYLEN];
};

/*
 * Open path for following: a regular file, read-only, without blocking,
 * set up for nbio. Returns the descriptor with *st filled, or -1 with
 * errno set (ENOENT: not there yet; EINVAL: not a regular file).
 */
int	follow_open_file(const char *path, struct stat *st);

/*
 * 1 when fd holds pos: at least pos->sp_off bytes, the last sp_fplen of
 * them with the fingerprint sp_fp. fd is left at sp_off.
 */
int	follow_holds(const struct follow *f, int fd,
	    const struct state_pos *pos);

/*
 * PATH.1 when it continues pos (follow_holds()): by identity when
 * same_file (a renamed file), else by content and not the file ino (a
 * copy). Returns its descriptor at pos->sp_off with *st filled, or -1.
 */
int	follow_rotated(const struct follow *f, const char *path,
	    const struct state_pos *pos, int same_file, uint64_t ino,
	    struct stat *st);

/*
 * Source i reads fd (st) from off on; finite: a rotated file, done at
 * its end. The caller tells the ledger.
 */
void	follow_use(struct follow *f, size_t i, int fd, const struct stat *st,
	    uint64_t off, int finite);

#endif /* FOLLOW_INT_H */
