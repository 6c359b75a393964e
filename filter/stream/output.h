/*
 * output: the writing side of the filter loop (ptrtag(1), -o, --omprog,
 * SIGNALS and Stopping): the buffer of annotated lines drained into the
 * output descriptor without blocking, the "OK" confirmations on stdout,
 * the reopen of -o on SIGHUP, and whether the output is still there.
 * output_open() is the one place the -o file is opened.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"

struct ledger;

/* At a stop, give up when the reader takes no byte for this long. */
#define OUTPUT_STALL_MS		5000

enum output_state {
	OUTPUT_OPEN,		/* writing */
	OUTPUT_CLOSED,		/* the reader went away (EPIPE): end quietly */
	OUTPUT_FAILED,		/* a write failed or stalled: exit status 1 */
};

struct output {
	struct outbuf		*op_data;	/* the annotated lines */
	struct outbuf		 op_confirm;	/* --omprog: "OK" lines */
	int			 op_fd;
	const char		*op_path;	/* -o, or NULL for stdout */
	int			 op_omprog;
	enum output_state	 op_state;
	uint64_t		 op_last_write;	/* ms: output last moved */
	uint64_t		 op_lines_done;	/* whole lines in op_data */
	uint64_t		 op_lines_confirmed;
	int			 op_slot_data;	/* in the last poll set, or -1 */
	int			 op_slot_confirm;
	uint64_t		 op_written;	/* op_data bytes written */
	struct ledger		*op_ledger;	/* --follow, or NULL */
};

/*
 * Open the -o file for appending, created 0644 when missing. Returns the
 * descriptor, or -1 with errno set.
 */
int	output_open(const char *path);

/*
 * Write data (the caller's buffer) to fd, which path names (NULL: not
 * reopened on SIGHUP). With omprog, the first "OK" (ready for messages)
 * is written to stdout at once. now is the start for output_stalled().
 */
void	output_init(struct output *op, struct outbuf *data, int fd,
	    const char *path, int omprog, uint64_t now_ms);
/*
 * --follow: tell lg (ledger.h) of every unit appended, of the bytes
 * written, and of the -o file (at once, and at each reopen). NULL: none.
 */
void	output_set_ledger(struct output *op, struct ledger *lg);

/* Free the confirmation buffer; the descriptor stays open. */
void	output_free(struct output *op);

/* Count a unit appended to the data buffer if it completes a line. */
void	output_line_done(struct output *op, const char *buf, size_t len,
	    int raw);

/*
 * Write what the buffers hold without blocking; confirm the lines that
 * reached the descriptor. Returns 0, or -1 when the loop must end (the
 * reader went away, or a write failed after a warning on stderr).
 */
int	output_flush(struct output *op);

/* 1 when no byte waits in either buffer. */
int	output_idle(const struct output *op);

/*
 * Add to pfd[] the descriptors with bytes waiting (at most 2); returns
 * how many. After the wait, output_polled(), given the same pfd, writes
 * to those that are ready and returns 0, or -1 as output_flush() does.
 */
int	output_pollfds(struct output *op, struct pollfd *pfd);
int	output_polled(struct output *op, const struct pollfd *pfd);

/* SIGHUP: flush, then reopen the -o file (a warning when it fails). */
void	output_reopen(struct output *op);

/* At the stop signal: the reader's OUTPUT_STALL_MS start now. */
void	output_stall_start(struct output *op, uint64_t now_ms);

/*
 * While stopping: milliseconds until OUTPUT_STALL_MS pass without the
 * reader taking a byte since now_ms, 0 when they have. output_give_up()
 * then warns, naming the bytes left, and marks the output failed.
 */
int64_t	output_stall_wait(const struct output *op, uint64_t now_ms);
void	output_give_up(struct output *op);

/* The exit status the output's state asks for: 0, or 1 when failed. */
int	output_status(const struct output *op);

#endif /* OUTPUT_H */
