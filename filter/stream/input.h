/*
 * input: reassembles lines from a sequence of descriptors read in turn.
 * Line bytes are always (pointer, length); nothing here treats log data
 * as a C string. Memory is bounded: a line longer than the cap is handed
 * out in raw pieces as it streams past and never buffered whole. Where a
 * line ends and what its text is follow filter/base/line.h.
 *
 * Each descriptor is read through its reader: plainly, or, once
 * input_files() has turned detection on and its first two bytes are the
 * gzip magic, through gzread.h (ptrtag.1, COMPRESSED INPUT). A descriptor
 * that fails (a read error, damaged compressed data) ends there with one
 * warning line naming it; what was read of it is handed out as usual and
 * the next descriptor follows.
 *
 * The fields of struct input are private to input.c and input_follow.c
 * (the struct is public only so callers can hold one): other modules use
 * the functions.
 *
 * Follow mode (--follow, follow.c; input_follow.c) reads one regular
 * file at a time, plainly, attached and detached by the follower, which
 * owns the descriptors: the end of the file is no end (the input goes
 * idle until woken), a line still unfinished at a detach is dropped and
 * read again at the next attach, and each unit handed out is told to the
 * ledger (ledger.h).
 */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>
#include <stdint.h>

struct gzread;

/* How the current descriptor is read. */
enum input_reader {
	INPUT_PLAIN,		/* as it is */
	INPUT_SNIFF,		/* its first bytes decide */
	INPUT_GZIP,		/* through in_gz */
};

struct ledger;

/*
 * One who reads the buffer beside the caller (prescan.h): offer(arg, p,
 * len) is told the bytes not yet handed out, p[0..len), after a read or
 * a decompression added to them; fence(arg) is called before any byte
 * so told moves or is overwritten, and must return only once arg reads
 * none of them. When the fence was for moving the bytes not yet handed
 * out, whole, down by n bytes to the buffer's front p, moved(arg, p, n)
 * follows the move (then an offer, as ever): arg may keep what it made
 * of them, moved with them.
 */
struct input_watch {
	void	(*iw_offer)(void *, const char *, size_t);
	void	(*iw_fence)(void *);
	void	(*iw_moved)(void *, const char *, size_t);
	void	 *iw_arg;
};

struct input {
	int	*in_fds;	/* owned; read in order */
	size_t	 in_nfds;
	size_t	 in_cur;	/* index of the descriptor being read */
	char	*in_buf;
	size_t	 in_cap;
	size_t	 in_start;	/* first byte not yet handed out */
	size_t	 in_end;	/* one past the last byte read */
	size_t	 in_max_line;	/* longest annotatable line, terminator excluded */
	int	 in_overlong;	/* inside a line already found too long */
	int	 in_file_eof;	/* current descriptor hit end of file */
	int	 in_eof;	/* every descriptor is exhausted */
	uint64_t in_bytes;	/* bytes framed so far, all descriptors */
	uint64_t in_raw_bytes;	/* bytes read from the descriptors */
	char	*const *in_names; /* borrowed; NULL: "stdin" */
	int	 in_detect;	/* sniff each descriptor for gzip */
	int	 in_failed;	/* descriptors that ended in an error */
	enum input_reader in_reader;
	unsigned char in_magic[2]; /* first bytes, while sniffing */
	size_t	 in_nmagic;
	struct gzread *in_gz;	/* INPUT_GZIP only */
	/* Follow mode only: */
	int	 in_follow;
	int	 in_idle;	/* the last read found the end */
	int	 in_final;	/* file finished: hand out its rest */
	uint64_t in_off;	/* file offset of in_buf[in_end] */
	const char *in_fname;	/* the attached file, for messages */
	struct ledger *in_ledger;
	struct input_watch in_watch;	/* iw_arg NULL: none */
	size_t	 in_last;	/* bytes the last read brought, 0: none */
};

/* Outcome of input_read(). */
#define INPUT_DATA	1
#define INPUT_EOF	0
#define INPUT_AGAIN	-1
#define INPUT_ERROR	-2

/*
 * Take ownership of fds[0..nfds) (closed by input_free, except fd 0).
 * max_line is the --max-line of ptrtag.1.
 */
void	input_init(struct input *in, int *fds, size_t nfds, size_t max_line);
void	input_free(struct input *in);

/*
 * Name the descriptors for messages (names[i] for fds[i], "-" or NULL
 * names meaning the standard input; the array must outlive in), and
 * when gunzip is 1, decompress each one that starts with the gzip magic.
 * Call before the first input_read().
 */
void	input_files(struct input *in, char *const *names, int gunzip);

/*
 * Tell w about the buffer from now on (input_watch above; w->iw_arg
 * NULL: no one). Called before the first read, it also makes the buffer
 * room for input_read_ahead() (INPUT_AHEAD reads of INPUT_CHUNK).
 */
void	input_set_watch(struct input *in, const struct input_watch *w);

/* For input.c and input_follow.c: the buffer's bytes are about to change. */
void	input_fence(struct input *in);

/* Descriptors that ended in an error (a warning was printed for each). */
int	input_failed(const struct input *in);

/*
 * Follow mode: no descriptor until input_attach(); units handed out are
 * told to lg. The descriptors stay the caller's.
 */
void	input_init_follow(struct input *in, size_t max_line,
	    struct ledger *lg);

/*
 * Follow mode: read fd, a regular file positioned at off, which messages
 * call name (the string must outlive the attachment), from now on;
 * overlong: off is inside a line already found too long. The input must
 * be detached (input_detach()). A read error gets a warning and makes
 * the input idle, as its end does.
 */
void	input_attach(struct input *in, int fd, const char *name,
	    uint64_t off, int overlong);

/*
 * Follow mode: stop reading the attached file. Only when input_ready()
 * is 0 (no whole line waits), or to give up what is buffered. The bytes
 * of its unfinished last line are dropped; returns the offset to read
 * from next time, and in *overlong whether that is inside an overlong
 * line.
 */
uint64_t input_detach(struct input *in, int *overlong);

/*
 * Follow mode: 1 when a file is attached; 1 when its last read found
 * its end (it is not polled until input_wake()); the offset of the next
 * byte to read; 1 inside a line already found too long.
 */
int	input_attached(const struct input *in);
int	input_idle(const struct input *in);
void	input_wake(struct input *in);
uint64_t input_offset(const struct input *in);
int	input_overlong(const struct input *in);

/*
 * Follow mode: the attached file is finished (rotated away, and read to
 * its end): its unfinished last line is handed out as it is, as at the
 * end of a file that is not followed. input_buffered() is then 0 once
 * everything is handed out.
 */
void	input_finish(struct input *in);
size_t	input_buffered(const struct input *in);

/* Descriptor to poll for reading, or -1 at end of all input. */
int	input_fd(const struct input *in);

/* Bytes framed so far (after decompression), all descriptors together. */
uint64_t input_bytes(const struct input *in);

/* Bytes read from the descriptors so far (ptrtag(1), --progress). */
uint64_t input_raw_bytes(const struct input *in);

/* The --max-line given to input_init(). */
size_t	input_max_line(const struct input *in);

/* 1 when every descriptor is exhausted and every byte handed out. */
int	input_drained(const struct input *in);

/*
 * One read(2) from the current descriptor into free buffer space.
 * Returns INPUT_DATA, INPUT_EOF (a descriptor ended; more may follow),
 * INPUT_AGAIN (nothing now, or no room until input_next drains), or
 * INPUT_ERROR with errno set (never for a descriptor's own failure, which
 * ends it: INPUT_EOF). From a gzip descriptor, it may decompress what is
 * already held without a read(2).
 */
int	input_read(struct input *in);

/*
 * With a watcher (input_set_watch), read before the buffer runs out,
 * while input arrives in bulk (the last read brought 32 KiB or more):
 * when fewer than half a read's worth of bytes wait to be handed out,
 * one input_read() into the space after them. When that space is short
 * of a whole read, those few bytes move to the buffer's front first,
 * and the watcher is told (iw_moved), so that it keeps what it made of
 * them. Returns as input_read(), or INPUT_AGAIN without reading.
 */
int	input_read_ahead(struct input *in);

/*
 * Hand out the next unit: a complete line with its terminator, the final
 * unterminated line of a descriptor at its end, or a raw piece of an
 * overlong line. *raw is 1 for bytes that must pass through unannotated.
 * The bytes stay valid until the next input_read() or input_next(). It
 * never reads a descriptor, but decompresses bytes already read from a
 * gzip one. Returns 1 or 0 when nothing is ready.
 */
int	input_next(struct input *in, const char **p, size_t *len, int *raw);

/*
 * 1 when input_next() would make progress without another input_read():
 * a whole line (or a piece of an overlong one) is buffered, compressed
 * bytes already read wait to be decompressed, or the current
 * descriptor's end of file is still to be handled.
 */
int	input_ready(const struct input *in);

/*
 * At a stop: hand out the bytes buffered after the last complete line
 * (an unterminated line that will never be finished), as read. Returns
 * 1, or 0 when none are left. Valid until the next input_read(). In
 * follow mode 0: a followed file's unfinished line stays in the file.
 */
int	input_rest(struct input *in, const char **p, size_t *len);

#endif /* INPUT_H */
