/*
 * loop: see loop.h. One iteration:
 *   1. write out the head lines that are ready (every lookup settled or
 *      overdue, or the deadline passed, or stopping);
 *   2. flush the output buffer (output.c);
 *   3. build the poll set: input only while the window and the output
 *      buffer have room (backpressure), output only when bytes wait,
 *      then every DNS socket (the set grows to fit them);
 *   4. ppoll with signals unblocked (loopsig.c), until the earliest of
 *      the c-ares timer and the head line's deadline;
 *   5. let c-ares run its callbacks, then read and scan new input.
 *
 * A stop signal (SIGTERM, SIGINT) ends reading: every byte already read,
 * and what the input holds at that moment, is framed into lines and
 * written (take_rest), then the loop only writes until the output is
 * empty or the reader stalls (ptrtag(1), Stopping).
 */
#include <errno.h>
#include <err.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "cachefile.h"
#include "emit.h"
#include "lineq.h"
#include "linescan.h"
#include "loop.h"
#include "loopsig.h"
#include "nbio.h"
#include "outbuf.h"
#include "output.h"
#include "util.h"

#define LOOP_PFD_FIXED		3	/* input, output, confirmations */
#define LOOP_STOP_READ_MS	500	/* a stop reads this long at most, */
#define LOOP_STOP_READ_MAX	CFG_WINDOW_BYTES	/* and this much */
/* Write output as it reaches this much: a quarter of CFG_OUT_PIPE. */
#define LOOP_FLUSH_BYTES	(CFG_OUT_PIPE / 4)

/* Everything the loop owns besides the caller's context. */
struct loop_state {
	struct loop_ctx	*ls_ctx;
	struct lineq	 ls_q;
	struct outbuf	 ls_out;	/* annotated lines, drained by ls_o */
	struct output	 ls_o;
	int		 ls_stopping;
	uint64_t	 ls_read_ms;	/* wall clock of the last input read */
	uint64_t	 ls_ahead_ms;	/* that of a read ahead (read_ahead) */
	uint64_t	 ls_ahead_at;	/* input_bytes() before it; 0: none */
	struct pollfd	*ls_pfd;	/* the poll set, grown on demand */
	size_t		 ls_npfd;
};

/* Count a unit handed to the output if it completes a line. */
static void
count_done(struct loop_state *s, const char *buf, size_t len, int raw)
{
	output_line_done(&s->ls_o, buf, len, raw);
}

/* Annotate ln into the output buffer and drop it from the window. */
static void
emit(struct loop_state *s, struct line *ln, uint64_t now)
{
	struct loop_ctx	*lc = s->ls_ctx;

	if (ln->ln_nslots > 0 && !lineq_settled(ln)) {
		if (now >= ln->ln_deadline_ms)
			lc->lc_stats->st_late_lines++;
		else if (!s->ls_stopping)
			lc->lc_stats->st_overdue_lines++;
	}
	emit_line(&s->ls_out, lc->lc_cfg, ln->ln_buf, ln->ln_len,
	    ln->ln_slots, ln->ln_nslots, ln->ln_raw, ln->ln_read_ms,
	    lc->lc_json, lc->lc_stats);
	count_done(s, ln->ln_buf, ln->ln_len, ln->ln_raw);
	linescan_release(lc->lc_rsv, ln->ln_slots, ln->ln_nslots);
	lineq_remove(&s->ls_q, ln);
}

/* Step 1: write every line that may leave now, in order. */
static void
drain(struct loop_state *s, uint64_t now)
{
	struct line		*ln, *next;
	struct dnsent_wait	 dw;

	rsv_wait(s->ls_ctx->lc_rsv, now, &dw);
	while ((ln = lineq_head(&s->ls_q)) != NULL) {
		if (!s->ls_stopping && now < lineq_release_ms(ln, &dw))
			break;
		emit(s, ln, now);
	}
	if (!s->ls_ctx->lc_cfg->cf_unordered)
		return;
	for (ln = lineq_head(&s->ls_q); ln != NULL; ln = next) {
		next = lineq_next(ln);
		if (now >= lineq_release_ms(ln, &dw))
			emit(s, ln, now);
	}
}

/*
 * Take one input line: scan it, start its lookups, queue or write it.
 * Its read time is that of the last input read, the one that brought
 * its end in.
 */
static void
take_line(struct loop_state *s, const char *p, size_t len, int raw,
    uint64_t now)
{
	struct loop_ctx	*lc = s->ls_ctx;
	struct lslot	 slots[LINE_ADDRS_MAX];
	struct line	*ln;
	size_t		 n;
	int		 settled = 1;

	/* The first line to end in bytes read ahead has their read time. */
	if (s->ls_ahead_at != 0 && input_bytes(lc->lc_in) -
	    input_buffered(lc->lc_in) > s->ls_ahead_at) {
		s->ls_read_ms = s->ls_ahead_ms;
		s->ls_ahead_at = 0;
	}
	lc->lc_stats->st_lines_in++;
	n = raw ? 0 : linescan_take(lc, p, len, s->ls_stopping, now, slots,
	    &settled);
	if (settled && lineq_empty(&s->ls_q)) {
		/* Fast path: nothing to wait for, nothing queued before. */
		emit_line(&s->ls_out, lc->lc_cfg, p, len, slots, n, raw,
		    s->ls_read_ms, lc->lc_json, lc->lc_stats);
		count_done(s, p, len, raw);
		linescan_release(lc->lc_rsv, slots, n);
		return;
	}
	ln = lineq_push(&s->ls_q, p, len, slots, n, raw,
	    now + lc->lc_cfg->cf_max_delay_ms);
	ln->ln_read_ms = s->ls_read_ms;
}

/*
 * Backpressure: take more input only while the window, the output buffer
 * and the resolver's pending lookups all have room.
 */
static int
may_take(const struct loop_state *s)
{
	return !s->ls_stopping && !lineq_full(&s->ls_q) &&
	    !outbuf_above_high(&s->ls_out) &&
	    !rsv_saturated(s->ls_ctx->lc_rsv);
}

/*
 * With the scan-ahead thread, read the next chunk before the buffer runs
 * dry (input_read_ahead), so that the thread has lines to scan while
 * this one writes. The lines already buffered keep their read time.
 */
static void
read_ahead(struct loop_state *s)
{
	struct input	*in = s->ls_ctx->lc_in;
	uint64_t	 at = input_bytes(in);
	int		 rc;

	if (s->ls_ahead_at != 0)
		return;
	if ((rc = input_read_ahead(in)) == INPUT_ERROR)
		err(1, "input");
	if (rc == INPUT_DATA) {
		s->ls_ahead_ms = wall_ms();
		s->ls_ahead_at = at;
	}
}

/*
 * Step 5b: consume buffered input while the window has room. Output is
 * written every LOOP_FLUSH_BYTES as it grows, while the bytes are still
 * in the processor's cache, rather than all at the end of the turn; a
 * write that fails stops the taking, and step 2 then ends the loop.
 */
static void
take_input(struct loop_state *s, uint64_t now)
{
	const char	*p;
	size_t		 len;
	int		 raw;

	while (may_take(s) && input_next(s->ls_ctx->lc_in, &p, &len, &raw)) {
		take_line(s, p, len, raw, now);
		if (s->ls_ctx->lc_prescan != NULL)
			read_ahead(s);
		if (outbuf_pending(&s->ls_out) >= LOOP_FLUSH_BYTES &&
		    output_flush(&s->ls_o) == -1)
			break;
	}
}

/*
 * The stop signal came: take every line already read, then read what the
 * input holds right now without waiting for more, for at most
 * LOOP_STOP_READ_MS and LOOP_STOP_READ_MAX bytes (a writer that keeps the
 * pipe full cannot hold us), and never further into a regular file. The
 * unterminated rest is written as read. No input is read after this.
 */
static void
take_rest(struct loop_state *s, uint64_t now)
{
	struct input	*in = s->ls_ctx->lc_in;
	const char	*p;
	size_t		 len;
	uint64_t	 start = input_bytes(in);
	int		 raw, rc = INPUT_DATA;

	for (;;) {
		while (input_next(in, &p, &len, &raw))
			take_line(s, p, len, raw, now);
		if (rc == INPUT_AGAIN || rc == INPUT_ERROR ||
		    input_fd(in) == -1 || !nbio_streams(input_fd(in)) ||
		    input_bytes(in) - start >= LOOP_STOP_READ_MAX ||
		    now_ms() - now >= LOOP_STOP_READ_MS)
			break;
		rc = input_read(in);
		s->ls_read_ms = wall_ms();
		s->ls_ahead_at = 0;
	}
	if (input_rest(in, &p, &len))
		take_line(s, p, len, 1, now);
}

/*
 * The counters, to the --metrics-file if there is one and, when
 * to_stderr, to stderr; never to stderr with --mmexternal, where it
 * carries replies only (ptrtag(1), --metrics-file).
 */
static void
report(const struct loop_ctx *lc, int to_stderr)
{
	struct stats_gauges	g;

	rsv_gauges(lc->lc_rsv, &g);
	if (lc->lc_metrics != NULL)
		(void)metricsfile_write(lc->lc_metrics, lc->lc_stats, &g,
		    now_ms());
	if (to_stderr && lc->lc_cfg->cf_format != CFG_FORMAT_MMEXTERNAL)
		stats_print(lc->lc_stats, &g, STDERR_FILENO,
		    lc->lc_cfg->cf_stats == CFG_STATS_JSON);
}

/* The signals that came since the last wait (ptrtag(1), SIGNALS). */
static void
handle_signals(struct loop_state *s, uint64_t now)
{
	struct loop_ctx	*lc = s->ls_ctx;

	if (loopsig_take(LOOPSIG_USR1))
		report(lc, 1);
	if (loopsig_take(LOOPSIG_HUP)) {
		report(lc, 0);
		output_reopen(&s->ls_o);
		lc->lc_outfd = s->ls_o.op_fd;
		if (lc->lc_cfg->cf_cache_file != NULL)
			(void)cachefile_save(lc->lc_rsv,
			    lc->lc_cfg->cf_cache_file);
	}
	if (loopsig_take(LOOPSIG_STOP) && !s->ls_stopping) {
		s->ls_stopping = 1;
		output_stall_start(&s->ls_o, now);
		take_rest(s, now);
	}
}

/* t lowered to d when d comes first; t < 0: no timeout yet, d < 0: none. */
static int64_t
earliest(int64_t t, int64_t d)
{
	return d >= 0 && (t < 0 || d < t) ? d : t;
}

/* Step 4's timeout: earliest of c-ares' timer and the next release. */
static int
poll_timeout(struct loop_state *s, uint64_t now)
{
	struct dnsent_wait	 dw;
	int64_t			 t, r;

	t = rsv_timeout_ms(s->ls_ctx->lc_rsv);
	rsv_wait(s->ls_ctx->lc_rsv, now, &dw);
	if ((r = lineq_wait_ms(&s->ls_q, &dw, s->ls_ctx->lc_cfg->cf_unordered,
	    now)) >= 0)
		t = earliest(t, r);
	if (s->ls_ctx->lc_progress != NULL)
		t = earliest(t, progress_wait_ms(s->ls_ctx->lc_progress, now));
	if (s->ls_ctx->lc_metrics != NULL)
		t = earliest(t, metricsfile_wait_ms(s->ls_ctx->lc_metrics,
		    now));
	if (s->ls_stopping)
		t = earliest(t, output_stall_wait(&s->ls_o, now));
	t = earliest(t, follow_wait_ms(s->ls_ctx->lc_follow, now));
	return t > INT_MAX ? INT_MAX : (int)t;
}

/* Step 3: fill the poll set; returns its size, *ares_first the DNS part. */
static int
build_pollset(struct loop_state *s, int *in_slot, int *ares_first)
{
	struct loop_ctx	*lc = s->ls_ctx;
	size_t		 need;
	int		 nfd = 0, i;

	/* Room for every DNS socket, however many (ptrtag(1), DNS TRANSPORT). */
	need = LOOP_PFD_FIXED + (size_t)rsv_npollfds(lc->lc_rsv);
	if (need > s->ls_npfd) {
		s->ls_pfd = xreallocarray(s->ls_pfd, need, sizeof(*s->ls_pfd));
		s->ls_npfd = need;
	}
	*in_slot = -1;
	if (input_fd(lc->lc_in) != -1 && may_take(s)) {
		*in_slot = nfd;
		s->ls_pfd[nfd].fd = input_fd(lc->lc_in);
		s->ls_pfd[nfd++].events = POLLIN;
	}
	nfd += output_pollfds(&s->ls_o, s->ls_pfd + nfd);
	*ares_first = nfd;
	for (i = 0; i < nfd; i++)
		s->ls_pfd[i].revents = 0;
	return nfd + rsv_pollfds(lc->lc_rsv, s->ls_pfd + nfd,
	    (int)s->ls_npfd - nfd);
}

/* One wait and the work it enables. Returns -1 to end the loop. */
static int
iterate(struct loop_state *s)
{
	struct loop_ctx	*lc = s->ls_ctx;
	struct timespec	 ts, *tsp = NULL;
	uint64_t	 now;
	int		 nfd, in_slot, ares_first, t, rc;

	nfd = build_pollset(s, &in_slot, &ares_first);
	if ((t = poll_timeout(s, now_ms())) >= 0) {
		ts.tv_sec = t / 1000;
		ts.tv_nsec = (long)(t % 1000) * 1000000;
		tsp = &ts;
	}
	rc = ppoll(s->ls_pfd, (nfds_t)nfd, tsp, loopsig_wait_mask());
	if (rc == -1 && errno != EINTR)
		err(1, "ppoll");
	if (rc == -1)
		return 0;
	now = now_ms();
	rsv_process(lc->lc_rsv, s->ls_pfd + ares_first, nfd - ares_first,
	    now);
	/* The output's descriptors follow the input's slot, if any. */
	if (output_polled(&s->ls_o, s->ls_pfd + (in_slot + 1)) == -1)
		return -1;
	if (in_slot != -1 && s->ls_pfd[in_slot].revents != 0) {
		if (input_read(lc->lc_in) == INPUT_ERROR)
			err(1, "input");
		s->ls_read_ms = wall_ms();
		s->ls_ahead_at = 0;
		take_input(s, now);
	}
	return 0;
}

/*
 * One turn before the wait. Returns 1 to turn again at once, -1 to end
 * the loop, 0 to wait in iterate().
 */
static int
turn(struct loop_state *s)
{
	struct loop_ctx	*lc = s->ls_ctx;
	uint64_t	 now = now_ms();

	handle_signals(s, now);
	progress_tick(lc->lc_progress, now, input_raw_bytes(lc->lc_in),
	    lc->lc_stats, rsv_inflight(lc->lc_rsv));
	if (metricsfile_due(lc->lc_metrics, now))
		report(lc, 0);
	if (!s->ls_stopping)
		take_input(s, now);
	follow_turn(lc->lc_follow, now, s->ls_stopping);
	drain(s, now);
	if (outbuf_pending(&s->ls_out) > 0 && output_flush(&s->ls_o) == -1)
		return -1;
	/*
	 * Input already buffered that the window and the output buffer now
	 * have room for: take it before waiting, since nothing in the poll
	 * set would wake us for it.
	 */
	if (may_take(s) && input_ready(lc->lc_in))
		return 1;
	if (lineq_empty(&s->ls_q) && output_idle(&s->ls_o) &&
	    (s->ls_stopping || input_drained(lc->lc_in)))
		return -1;
	if (s->ls_stopping && output_stall_wait(&s->ls_o, now) == 0) {
		output_give_up(&s->ls_o);
		return -1;
	}
	return 0;
}

/* The loop ended: write what is left if the output is still there. */
static void
finish(struct loop_state *s)
{
	struct loop_ctx	*lc = s->ls_ctx;
	struct line	*ln;

	if (s->ls_o.op_state == OUTPUT_OPEN) {
		/* The output ended early: write what is left once. */
		while ((ln = lineq_head(&s->ls_q)) != NULL)
			emit(s, ln, now_ms());
		(void)output_flush(&s->ls_o);
	}
	while ((ln = lineq_head(&s->ls_q)) != NULL) {
		linescan_release(lc->lc_rsv, ln->ln_slots, ln->ln_nslots);
		lineq_remove(&s->ls_q, ln);
	}
}

/*
 * The scan-ahead thread, when main made it a scanner (ptrtag(1),
 * THREADS); it reads the input's buffer as input.h's watcher.
 */
static void
start_prescan(struct loop_ctx *lc)
{
	struct prescan_conf	pc;
	struct input_watch	w;

	lc->lc_prescan = NULL;
	if (lc->lc_scan_ahead == NULL)
		return;
	pc.pc_scan = lc->lc_scan_ahead;
	pc.pc_max_ips = lc->lc_cfg->cf_max_ips;
	pc.pc_max_line = input_max_line(lc->lc_in);
	pc.pc_keep = linescan_keep;
	pc.pc_keep_arg = lc->lc_cfg;
	pc.pc_soon = linescan_soon;
	pc.pc_soon_arg = lc->lc_rsv;
	lc->lc_prescan = prescan_start(&pc);
	lc->lc_scan_ahead = NULL;	/* the thread's now */
	if (lc->lc_prescan == NULL)
		return;
	w.iw_offer = prescan_offer;
	w.iw_fence = prescan_fence;
	w.iw_moved = prescan_moved;
	w.iw_arg = lc->lc_prescan;
	input_set_watch(lc->lc_in, &w);
}

static void
stop_prescan(struct loop_ctx *lc)
{
	struct input_watch	w;

	if (lc->lc_prescan == NULL)
		return;
	memset(&w, 0, sizeof(w));
	input_set_watch(lc->lc_in, &w);
	prescan_stop(lc->lc_prescan);
	lc->lc_prescan = NULL;
}

int
loop_run(struct loop_ctx *lc)
{
	struct loop_state	 s;
	int			 rc;

	memset(&s, 0, sizeof(s));
	s.ls_ctx = lc;
	s.ls_read_ms = wall_ms();
	lc->lc_json = NULL;	/* made by the first --input json line */
	start_prescan(lc);
	lineq_init(&s.ls_q, lc->lc_cfg->cf_window_lines,
	    lc->lc_cfg->cf_window_bytes);
	outbuf_init(&s.ls_out, CFG_OUT_HIGH);
	output_init(&s.ls_o, &s.ls_out, lc->lc_outfd, lc->lc_cfg->cf_output,
	    lc->lc_cfg->cf_omprog, now_ms());
	output_set_ledger(&s.ls_o, follow_ledger(lc->lc_follow));
	while ((rc = turn(&s)) != -1)
		if (rc == 0 && iterate(&s) == -1)
			break;
	finish(&s);
	rc = output_status(&s.ls_o);
	output_free(&s.ls_o);
	outbuf_free(&s.ls_out);
	free(s.ls_pfd);
	jsonscan_free(lc->lc_json);
	stop_prescan(lc);
	report(lc, lc->lc_cfg->cf_stats != CFG_STATS_OFF);
	return rc;
}
