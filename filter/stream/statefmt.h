/*
 * statefmt: the text of the --state file (ptrtag(1), FILES), parsed and
 * written; pure, no I/O. The file:
 *
 *	ptrtag-state 1
 *	key HEX32
 *	output DEV INO SIZE		or	output -
 *	input DEV INO OFFSET FPLEN FP HEADLEN HEAD PATH
 *	...
 *	end COUNT
 *
 * One input line per followed file: the file (device and inode numbers;
 * 0 0 when there was none) and the offset up to which every line of it
 * has been written to the output; FPLEN bytes before OFFSET (at most
 * STATE_FP_MAX, 0 at offset 0) have the SipHash FP (16 hex digits) under
 * the file's KEY, and so do its first HEADLEN bytes (0: not yet known),
 * so that a file truncated and written again is told from the one the
 * offset was taken in, and a copy of it found. PATH is the file as named on the
 * command line, with every byte outside '!'..'~', and '%', written as
 * %XX. output is the -o file and its size when those offsets were
 * recorded ("-" when unknown).
 *
 * The file is as untrusted as DNS: statefmt_parse() checks every field
 * and accepts nothing statefmt_format() could not have written (but for
 * the case of hex digits).
 */
#ifndef STATEFMT_H
#define STATEFMT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define STATE_MAGIC	"ptrtag-state 1"
#define STATE_KEYLEN	16
/* Bytes before an offset that its fingerprint covers, at most. */
#define STATE_FP_MAX	4096
/* Followed files a state file may name, and its size, at most. */
#define STATE_INPUTS_MAX CFG_FOLLOW_MAX
#define STATE_FILE_MAX	(1u << 20)

/* A place in a followed file. */
struct state_pos {
	uint64_t	sp_dev;		/* 0 and 0: no file */
	uint64_t	sp_ino;
	uint64_t	sp_off;
	uint32_t	sp_fplen;	/* <= min(sp_off, STATE_FP_MAX) */
	uint64_t	sp_fp;
	uint32_t	sp_hlen;	/* <= STATE_FP_MAX; 0: unknown */
	uint64_t	sp_hfp;		/* of its first sp_hlen bytes */
};

struct state_input {
	char		*si_path;	/* owned */
	struct state_pos si_pos;
};

struct state {
	uint8_t			 st_key[STATE_KEYLEN];
	int			 st_has_output;
	uint64_t		 st_out_dev;
	uint64_t		 st_out_ino;
	uint64_t		 st_out_size;
	struct state_input	*st_inputs;	/* owned */
	size_t			 st_ninputs;
};

/*
 * Parse buf[0..len) into st (filled from zero). Returns 0, or -1 with
 * "line N: why" in err and st holding nothing.
 */
int	statefmt_parse(const char *buf, size_t len, struct state *st,
	    char *err, size_t errlen);

/*
 * The text of st, NUL-terminated, in a buffer the caller frees, and its
 * length in *lenp (the NUL excluded). Exits through err(1) on ENOMEM.
 */
char	*statefmt_format(const struct state *st, size_t *lenp);

/* Append an input (path copied); exits through err(1) on ENOMEM. */
void	statefmt_add(struct state *st, const char *path,
	    const struct state_pos *pos);

/* The input named path, or NULL. */
const struct state_input *statefmt_find(const struct state *st,
	    const char *path);

/* Free what st owns and zero it. */
void	statefmt_free(struct state *st);

#endif /* STATEFMT_H */
