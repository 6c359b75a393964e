/*
 * ledger: which input lines of followed files have reached the output,
 * for the --state file (ptrtag(1), FILES). Lines keep their order from
 * input to output (--state refuses --unordered), so the n-th unit input
 * hands out is the n-th one the output takes:
 *
 *   input.c	ledger_taken():   a unit (line, or piece of an overlong
 *		line) left file SRC, ending at offset OFF;
 *   output.c	ledger_emitted(): the next unit is in the output buffer,
 *		which then holds MARK bytes since start;
 *		ledger_written(): WRITTEN bytes have reached the output;
 *		every unit with MARK <= WRITTEN is committed.
 *
 * For each source the ledger keeps the committed position (state_pos:
 * the file, the offset just past its last committed complete line, and
 * that line's fingerprint) and the output's cut: how many bytes written
 * since are past the last committed line. A unit that ends inside an
 * overlong line is never a place to resume from; the follower never
 * switches sources inside one, so its pieces are consecutive.
 *
 * Memory: one entry per unit in flight, up to LEDGER_SOFT_MAX entries;
 * beyond, a unit joins the last entry of its file (which then commits
 * as a whole), so the ledger stays bounded whatever the window holds.
 */
#ifndef LEDGER_H
#define LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "statefmt.h"

#define LEDGER_SOFT_MAX	4096

struct ledger;

/*
 * A ledger for nsrc sources, fingerprints keyed with key (STATE_KEYLEN
 * bytes); every source starts committed at "no file". Exits through
 * err(1) on ENOMEM.
 */
struct ledger	*ledger_create(size_t nsrc, const uint8_t *key);
void		 ledger_free(struct ledger *lg);

/*
 * The keyed hash of p[0..len) (0 for no bytes), and the fingerprint of
 * a unit p[0..len) ending at pos->sp_off: its last bytes' hash, into
 * pos->sp_fplen and pos->sp_fp.
 */
uint64_t	 ledger_hash(const struct ledger *lg, const char *p,
		    size_t len);
void		 ledger_fp(const struct ledger *lg, const char *p,
		    size_t len, struct state_pos *pos);

/* Where src stands at start: committed and taken at pos. */
void		 ledger_init(struct ledger *lg, size_t src,
		    const struct state_pos *pos);

/*
 * The follower: units come from src, file (dev, ino), from now on.
 * ledger_mark(): reading of src goes on at pos (a new file, or the same
 * one from its start), which is committed once every unit taken before
 * it is written; the source units come from does not change.
 */
void		 ledger_source(struct ledger *lg, size_t src, uint64_t dev,
		    uint64_t ino);
void		 ledger_mark(struct ledger *lg, size_t src,
		    const struct state_pos *pos);

/*
 * input.c: the current source handed out p[0..len), ending at file
 * offset end; complete: a line ends there (a place to resume from).
 */
void		 ledger_taken(struct ledger *lg, uint64_t end, int complete,
		    const char *p, size_t len);

/* output.c: see the top of this file. */
void		 ledger_emitted(struct ledger *lg, uint64_t mark);
void		 ledger_written(struct ledger *lg, uint64_t written);
/* output.c: the output is now fd, its first byte the written-th. */
void		 ledger_output(struct ledger *lg, int fd, uint64_t written);

/*
 * src's committed position, and its last complete unit taken, each with
 * the head fingerprint of its file when known (the first bytes of the
 * file, hashed when the unit at offset 0 was taken, or from the state
 * file).
 */
void		 ledger_committed(const struct ledger *lg, size_t src,
		    struct state_pos *pos);
void		 ledger_last_taken(const struct ledger *lg, size_t src,
		    struct state_pos *pos);

/*
 * The output descriptor, and in *behind the bytes written to it after
 * the last committed line; -1 when the cut is not in the current output
 * (it was reopened after that line) or no output was named.
 */
int		 ledger_cut(const struct ledger *lg, uint64_t *behind);

/*
 * 1 when a commit happened since ledger_clean(); 2 when something worth
 * saving at once did: a source's committed place moved to another file
 * (a rotation: a state file saved later might name a file rotated away
 * twice), the head of a file became known, or the output was (re)opened.
 */
int		 ledger_dirty(const struct ledger *lg);
void		 ledger_clean(struct ledger *lg);

#endif /* LEDGER_H */
