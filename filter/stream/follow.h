/*
 * follow: --follow and --state (ptrtag(1), FOLLOWING). The FILE
 * arguments are read like tail -F: the end of a file is no end; every
 * CFG_FOLLOW_POLL_MS each file is checked for new bytes, for rotation
 * (its path names another file: the old one is read to its end first)
 * and for truncation (copytruncate: read again from its start, after
 * what FILE.1 holds past the last line read); a missing file is waited
 * for. One file at a time is attached to the input (input.h, follow
 * mode); another with bytes waiting gets its turn at the end of the
 * current one or after CFG_FOLLOW_SLICE bytes.
 *
 * With --state the follower records, through the ledger (ledger.h),
 * where every line of each file has been written to the output, saves
 * it at most every CFG_STATE_SAVE_MS and at exit, and at start resumes
 * from it: each file from its recorded offset, the -o file cut back to
 * the size recorded with them.
 */
#ifndef FOLLOW_H
#define FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "input.h"
#include "ledger.h"

struct follow;

/*
 * At start, before any input is read and before the sandbox: check and
 * read the --state file (cfg->cf_state; NULL: none), open every FILE of
 * cfg (a missing one is waited for, with one warning), decide where each
 * is read from, and cut the -o file (outfd; -1: none) back to the size
 * the state file recorded. Returns the follower, or NULL with one line
 * in err naming the file or value: the caller exits 2.
 */
struct follow	*follow_open(const struct config *cfg, int outfd, char *err,
		    size_t errlen);

/*
 * The ledger the input and the output report to. follow_ledger(),
 * follow_turn() and follow_wait_ms() take NULL (no --follow): NULL,
 * nothing, -1.
 */
struct ledger	*follow_ledger(struct follow *f);

/* The input (input_init_follow() with follow_ledger()) to attach to. */
void		 follow_start(struct follow *f, struct input *in);

/*
 * Each turn of the loop: check the files when CFG_FOLLOW_POLL_MS have
 * passed, move between files, save the state file when due. Once
 * stopping, only the save: nothing more is read.
 */
void		 follow_turn(struct follow *f, uint64_t now_ms, int stopping);

/* Milliseconds until follow_turn() has work, 0 for at once, -1: none. */
int64_t		 follow_wait_ms(const struct follow *f, uint64_t now_ms);

/*
 * At exit, after the loop wrote everything it could: save the state
 * file, close the files and free f (NULL is allowed).
 */
void		 follow_close(struct follow *f);

#endif /* FOLLOW_H */
