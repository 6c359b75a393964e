/*
 * output: see output.h. Every write goes through outbuf_flush(), so a
 * slow reader never blocks the loop: bytes wait in the buffers and the
 * loop polls for POLLOUT.
 */
#include <err.h>
#include <fcntl.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "line.h"
#include "nbio.h"
#include "output.h"
#include "util.h"

int
output_open(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

/*
 * Write ob to fd. Returns OUTBUF_DONE or OUTBUF_AGAIN, or -1 when the
 * loop must end: the reader went away (quietly) or the write failed
 * (after a warning naming what).
 */
static int
flush_to(struct output *op, struct outbuf *ob, int fd, const char *what)
{
	size_t	before = outbuf_pending(ob);
	int	rc;

	rc = outbuf_flush(ob, fd);
	if (outbuf_pending(ob) < before)
		op->op_last_write = now_ms();
	if (ob == op->op_data) {
		op->op_written += before - outbuf_pending(ob);
		if (op->op_ledger != NULL)
			ledger_written(op->op_ledger, op->op_written);
	}
	switch (rc) {
	case OUTBUF_DONE:
	case OUTBUF_AGAIN:
		return rc;
	case OUTBUF_EPIPE:
		op->op_state = OUTPUT_CLOSED;
		return -1;
	default:
		warn("%s", what);
		op->op_state = OUTPUT_FAILED;
		return -1;
	}
}

/*
 * --omprog: once lines have reached the -o file, confirm each with "OK"
 * on stdout, as rsyslog's omprog confirmMessages expects.
 */
static int
confirm_lines(struct output *op)
{
	if (!op->op_omprog)
		return 0;
	for (; op->op_lines_confirmed < op->op_lines_done;
	    op->op_lines_confirmed++)
		outbuf_append(&op->op_confirm, "OK\n", 3);
	return flush_to(op, &op->op_confirm, STDOUT_FILENO, "stdout") == -1 ?
	    -1 : 0;
}

void
output_init(struct output *op, struct outbuf *data, int fd,
    const char *path, int omprog, uint64_t now)
{
	op->op_data = data;
	outbuf_init(&op->op_confirm, CFG_OUT_HIGH);
	op->op_fd = fd;
	op->op_path = path;
	op->op_omprog = omprog;
	op->op_state = OUTPUT_OPEN;
	op->op_last_write = now;
	op->op_lines_done = op->op_lines_confirmed = 0;
	op->op_slot_data = op->op_slot_confirm = -1;
	op->op_written = 0;
	op->op_ledger = NULL;
	if (omprog) {
		/* The first "OK" says we are ready for messages. */
		outbuf_append(&op->op_confirm, "OK\n", 3);
		(void)confirm_lines(op);
	}
}

void
output_set_ledger(struct output *op, struct ledger *lg)
{
	op->op_ledger = lg;
	if (lg != NULL)
		ledger_output(lg, op->op_path != NULL ? op->op_fd : -1,
		    op->op_written);
}

void
output_free(struct output *op)
{
	outbuf_free(&op->op_confirm);
}

void
output_line_done(struct output *op, const char *buf, size_t len, int raw)
{
	if (!raw || line_ended(buf, len))
		op->op_lines_done++;
	if (op->op_ledger != NULL)
		ledger_emitted(op->op_ledger, op->op_written +
		    outbuf_pending(op->op_data));
}

int
output_flush(struct output *op)
{
	switch (flush_to(op, op->op_data, op->op_fd, "output")) {
	case OUTBUF_DONE:
		return confirm_lines(op);
	case OUTBUF_AGAIN:
		return 0;
	default:
		return -1;
	}
}

int
output_idle(const struct output *op)
{
	return outbuf_pending(op->op_data) == 0 &&
	    outbuf_pending(&op->op_confirm) == 0;
}

int
output_pollfds(struct output *op, struct pollfd *pfd)
{
	int	n = 0;

	op->op_slot_data = op->op_slot_confirm = -1;
	if (outbuf_pending(op->op_data) > 0) {
		op->op_slot_data = n;
		pfd[n].fd = op->op_fd;
		pfd[n++].events = POLLOUT;
	}
	if (outbuf_pending(&op->op_confirm) > 0) {
		op->op_slot_confirm = n;
		pfd[n].fd = STDOUT_FILENO;
		pfd[n++].events = POLLOUT;
	}
	return n;
}

int
output_polled(struct output *op, const struct pollfd *pfd)
{
	if (op->op_slot_data != -1 && pfd[op->op_slot_data].revents != 0 &&
	    output_flush(op) == -1)
		return -1;
	if (op->op_slot_confirm != -1 &&
	    pfd[op->op_slot_confirm].revents != 0 && confirm_lines(op) == -1)
		return -1;
	return 0;
}

void
output_reopen(struct output *op)
{
	int	fd;

	if (op->op_path == NULL)
		return;
	(void)output_flush(op);
	if ((fd = output_open(op->op_path)) == -1) {
		warn("reopen %s", op->op_path);
		return;
	}
	close(op->op_fd);
	op->op_fd = fd;
	(void)nbio_setup(fd, 1);
	if (op->op_ledger != NULL)
		ledger_output(op->op_ledger, fd, op->op_written);
}

void
output_stall_start(struct output *op, uint64_t now)
{
	op->op_last_write = now;
}

int64_t
output_stall_wait(const struct output *op, uint64_t now)
{
	if (op->op_last_write + OUTPUT_STALL_MS > now)
		return (int64_t)(op->op_last_write + OUTPUT_STALL_MS - now);
	return 0;
}

void
output_give_up(struct output *op)
{
	warnx("output: the reader took nothing for %d s after the stop "
	    "signal; %zu bytes not written", OUTPUT_STALL_MS / 1000,
	    outbuf_pending(op->op_data));
	op->op_state = OUTPUT_FAILED;
}

int
output_status(const struct output *op)
{
	return op->op_state == OUTPUT_FAILED ? 1 : 0;
}
