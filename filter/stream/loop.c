/*
 * loop: see loop.h. One iteration:
 *   1. write out the head lines that are ready (all lookups settled, or
 *      deadline passed, or stopping);
 *   2. flush the output buffer;
 *   3. build the poll set: input only while the window and the output
 *      buffer have room (backpressure), output only when bytes wait,
 *      then every DNS socket (the set grows to fit them);
 *   4. ppoll with signals unblocked, until the earliest of the c-ares
 *      timer and the head line's deadline;
 *   5. let c-ares run its callbacks, then read and scan new input.
 *
 * A stop signal (SIGTERM, SIGINT) ends reading: every byte already read,
 * and what the input holds at that moment, is framed into lines and
 * written (take_rest), then the loop only writes until the output is
 * empty or the reader stalls (ptrtag(1), STOPPING).
 */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "cachefile.h"
#include "emit.h"
#include "lineq.h"
#include "loop.h"
#include "nbio.h"
#include "outbuf.h"
#include "util.h"

#define LOOP_PFD_FIXED		3	/* input, output, confirmations */
/* At a stop, read for at most this long and this many bytes. */
#define LOOP_STOP_READ_MS	500
#define LOOP_STOP_READ_MAX	CFG_WINDOW_BYTES
/* At a stop, give up when the reader takes no byte for this long. */
#define LOOP_STALL_MS		5000

static volatile sig_atomic_t	sig_stop, sig_hup, sig_usr1;
static sigset_t			wait_mask;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGINT:
	case SIGTERM:
		if (sig_stop)
			_exit(1);	/* second signal: at once */
		sig_stop = 1;
		break;
	case SIGHUP:
		sig_hup = 1;
		break;
	case SIGUSR1:
		sig_usr1 = 1;
		break;
	}
}

void
loop_signals(void)
{
	struct sigaction	sa;
	sigset_t		block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGHUP);
	sigdelset(&wait_mask, SIGUSR1);
}

/* Everything the loop owns besides the caller's context. */
struct loop_state {
	struct loop_ctx	*ls_ctx;
	struct lineq	 ls_q;
	struct outbuf	 ls_out;
	int		 ls_stopping;
	uint64_t	 ls_last_write;	/* while stopping: output moved */
	int		 ls_output_gone;
	struct outbuf	 ls_confirm;	/* --omprog: "OK" lines for stdout */
	struct pollfd	*ls_pfd;	/* the poll set, grown on demand */
	size_t		 ls_npfd;
	uint64_t	 ls_lines_done;	/* whole lines appended to ls_out */
	uint64_t	 ls_lines_confirmed;
};

/* Count a unit handed to the output if it completes a line. */
static void
count_done(struct loop_state *s, const char *buf, size_t len, int raw)
{
	if (!raw || (len > 0 && buf[len - 1] == '\n'))
		s->ls_lines_done++;
}

static int
line_settled(const struct line *ln)
{
	size_t	i;

	for (i = 0; i < ln->ln_nslots; i++)
		if (ln->ln_slots[i].ls_ent != NULL &&
		    ln->ln_slots[i].ls_ent->de_verdict == VERDICT_PENDING)
			return 0;
	return 1;
}

static void
release_slots(struct rsv *rsv, struct lslot *slots, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (slots[i].ls_ent != NULL)
			rsv_release(rsv, slots[i].ls_ent);
}

/* Annotate ln into the output buffer and drop it from the window. */
static void
emit(struct loop_state *s, struct line *ln, uint64_t now)
{
	struct loop_ctx	*lc = s->ls_ctx;

	if (ln->ln_nslots > 0 && now >= ln->ln_deadline_ms &&
	    !line_settled(ln))
		lc->lc_stats->st_late_lines++;
	emit_line(&s->ls_out, lc->lc_cfg, ln->ln_buf, ln->ln_len,
	    ln->ln_slots, ln->ln_nslots, ln->ln_raw, lc->lc_stats);
	count_done(s, ln->ln_buf, ln->ln_len, ln->ln_raw);
	release_slots(lc->lc_rsv, ln->ln_slots, ln->ln_nslots);
	lineq_remove(&s->ls_q, ln);
}

/* Step 1: write every line that may leave now, in order. */
static void
drain(struct loop_state *s, uint64_t now)
{
	struct line	*ln, *next;

	while ((ln = lineq_head(&s->ls_q)) != NULL) {
		if (!s->ls_stopping && now < ln->ln_deadline_ms &&
		    !line_settled(ln))
			break;
		emit(s, ln, now);
	}
	if (!s->ls_ctx->lc_cfg->cf_unordered)
		return;
	for (ln = lineq_head(&s->ls_q); ln != NULL; ln = next) {
		next = TAILQ_NEXT(ln, ln_entry);
		if (line_settled(ln))
			emit(s, ln, now);
	}
}

static int
excluded(const struct config *cfg, const struct ipaddr *ia)
{
	if (ipaddr_set_match(&cfg->cf_exclude, ia))
		return 1;
	return cfg->cf_only.is_count > 0 &&
	    !ipaddr_set_match(&cfg->cf_only, ia);
}

/* Find the line's addresses: distinct, not excluded, at most max_ips. */
static size_t
scan_line(struct loop_ctx *lc, const char *p, size_t len, struct lslot *slots)
{
	const struct config	*cfg = lc->lc_cfg;
	struct ipmatch		 m;
	size_t			 off = 0, n = 0, i;
	int			 rc;

	while (n < cfg->cf_max_ips &&
	    (rc = ipscan_next(lc->lc_scan, p, len, &off, &m)) == 1) {
		if (excluded(cfg, &m.im_addr))
			continue;
		for (i = 0; i < n; i++)
			if (ipaddr_cmp(&slots[i].ls_addr, &m.im_addr) == 0)
				break;
		if (i < n)
			continue;
		memset(&slots[n], 0, sizeof(slots[n]));
		slots[n].ls_addr = m.im_addr;
		slots[n].ls_role = (uint8_t)m.im_role;
		slots[n].ls_so = m.im_so;
		slots[n].ls_eo = m.im_eo;
		slots[n].ls_helo_so = m.im_helo_so;
		slots[n].ls_helo_eo = m.im_helo_eo;
		n++;
	}
	/* Scanned by the built-in scanner instead (ptrtag.1, -p). */
	if (ipscan_limited(lc->lc_scan))
		lc->lc_stats->st_pattern_limit++;
	if (n < cfg->cf_max_ips && rc == -1) {
		lc->lc_stats->st_scan_errors++;
		return 0;
	}
	return n;
}

/*
 * Lines taken after a stop signal start no lookup: each address gets its
 * cache entry if there is one (a pending one is written as timeout) and
 * no annotation otherwise. Keeps the found slots first; returns their
 * number.
 */
static size_t
peek_slots(struct loop_ctx *lc, struct lslot *slots, size_t n, uint64_t now)
{
	size_t	i, kept = 0;

	for (i = 0; i < n; i++) {
		slots[i].ls_ent = rsv_peek(lc->lc_rsv, &slots[i].ls_addr, now);
		if (slots[i].ls_ent != NULL)
			slots[kept++] = slots[i];
	}
	return kept;
}

/* Take one input line: scan it, start its lookups, queue or write it. */
static void
take_line(struct loop_state *s, const char *p, size_t len, int raw,
    uint64_t now)
{
	struct loop_ctx	*lc = s->ls_ctx;
	struct lslot	 slots[LINE_ADDRS_MAX];
	enum verdict	 shed;
	size_t		 n = 0, i;
	int		 settled = 1;

	lc->lc_stats->st_lines_in++;
	if (!raw)
		n = scan_line(lc, p, len, slots);
	if (s->ls_stopping)
		n = peek_slots(lc, slots, n, now);
	for (i = 0; i < n; i++) {
		if (!s->ls_stopping) {
			shed = VERDICT_SKIPPED;
			slots[i].ls_ent = rsv_acquire(lc->lc_rsv,
			    &slots[i].ls_addr, now, &shed);
			slots[i].ls_verdict = (uint8_t)shed;
		}
		if (slots[i].ls_ent != NULL &&
		    slots[i].ls_ent->de_verdict == VERDICT_PENDING)
			settled = 0;
	}
	if (settled && lineq_empty(&s->ls_q)) {
		/* Fast path: nothing to wait for, nothing queued before. */
		emit_line(&s->ls_out, lc->lc_cfg, p, len, slots, n, raw,
		    lc->lc_stats);
		count_done(s, p, len, raw);
		release_slots(lc->lc_rsv, slots, n);
		return;
	}
	lineq_push(&s->ls_q, p, len, slots, n, raw,
	    now + lc->lc_cfg->cf_max_delay_ms);
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

/* Step 5b: consume buffered input while the window has room. */
static void
take_input(struct loop_state *s, uint64_t now)
{
	const char	*p;
	size_t		 len;
	int		 raw;

	while (may_take(s) && input_next(s->ls_ctx->lc_in, &p, &len, &raw))
		take_line(s, p, len, raw, now);
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
	uint64_t	 start = in->in_bytes;
	int		 raw, rc = INPUT_DATA;

	for (;;) {
		while (input_next(in, &p, &len, &raw))
			take_line(s, p, len, raw, now);
		if (rc == INPUT_AGAIN || rc == INPUT_ERROR ||
		    input_fd(in) == -1 || !nbio_streams(input_fd(in)) ||
		    in->in_bytes - start >= LOOP_STOP_READ_MAX ||
		    now_ms() - now >= LOOP_STOP_READ_MS)
			break;
		rc = input_read(in);
	}
	if (input_rest(in, &p, &len))
		take_line(s, p, len, 1, now);
}

/*
 * Write ob to fd. Returns OUTBUF_DONE or OUTBUF_AGAIN, or -1 when the
 * loop must end: the reader went away (quietly) or the write failed
 * (after a warning naming what).
 */
static int
flush_to(struct loop_state *s, struct outbuf *ob, int fd, const char *what)
{
	size_t	before = outbuf_pending(ob);
	int	rc;

	rc = outbuf_flush(ob, fd);
	if (outbuf_pending(ob) < before)
		s->ls_last_write = now_ms();
	switch (rc) {
	case OUTBUF_DONE:
	case OUTBUF_AGAIN:
		return rc;
	case OUTBUF_EPIPE:
		s->ls_output_gone = 1;
		return -1;
	default:
		warn("%s", what);
		s->ls_output_gone = 2;
		return -1;
	}
}

/*
 * --omprog: once lines have reached the -o file, confirm each with "OK"
 * on stdout, as rsyslog's omprog confirmMessages expects.
 */
static int
confirm_lines(struct loop_state *s)
{
	if (!s->ls_ctx->lc_cfg->cf_omprog)
		return 0;
	for (; s->ls_lines_confirmed < s->ls_lines_done;
	    s->ls_lines_confirmed++)
		outbuf_append(&s->ls_confirm, "OK\n", 3);
	return flush_to(s, &s->ls_confirm, STDOUT_FILENO, "stdout") == -1 ?
	    -1 : 0;
}

/* Step 2. Returns 0, or -1 when the loop must end (output gone). */
static int
flush_output(struct loop_state *s)
{
	switch (flush_to(s, &s->ls_out, s->ls_ctx->lc_outfd, "output")) {
	case OUTBUF_DONE:
		return confirm_lines(s);
	case OUTBUF_AGAIN:
		return 0;
	default:
		return -1;
	}
}

static void
reopen_output(struct loop_state *s)
{
	const struct config	*cfg = s->ls_ctx->lc_cfg;
	int			 fd;

	if (cfg->cf_output == NULL)
		return;
	(void)flush_output(s);
	fd = open(cfg->cf_output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644);
	if (fd == -1) {
		warn("reopen %s", cfg->cf_output);
		return;
	}
	close(s->ls_ctx->lc_outfd);
	s->ls_ctx->lc_outfd = fd;
	(void)nbio_setup(fd, 1);
}

/* --mmexternal: stdout and stderr carry replies only (ptrtag(1)). */
static int
stats_quiet(const struct config *cfg)
{
	return cfg->cf_format == CFG_FORMAT_MMEXTERNAL;
}

static void
handle_signals(struct loop_state *s, uint64_t now)
{
	struct loop_ctx	*lc = s->ls_ctx;

	if (sig_usr1) {
		sig_usr1 = 0;
		if (!stats_quiet(lc->lc_cfg))
			stats_print(lc->lc_stats, STDERR_FILENO,
			    lc->lc_cfg->cf_stats == 2,
			    rsv_inflight(lc->lc_rsv),
			    rsv_evictions(lc->lc_rsv), rsv_cached(lc->lc_rsv));
	}
	if (sig_hup) {
		sig_hup = 0;
		reopen_output(s);
		if (lc->lc_cfg->cf_cache_file != NULL)
			(void)cachefile_save(lc->lc_rsv,
			    lc->lc_cfg->cf_cache_file);
	}
	if (sig_stop && !s->ls_stopping) {
		s->ls_stopping = 1;
		s->ls_last_write = now;
		take_rest(s, now);
	}
}

/* Step 4's timeout: earliest of c-ares' timer and the head deadline. */
static int
poll_timeout(struct loop_state *s, uint64_t now)
{
	struct line	*ln;
	int64_t		 t, d;

	t = rsv_timeout_ms(s->ls_ctx->lc_rsv);
	if ((ln = lineq_head(&s->ls_q)) != NULL) {
		d = ln->ln_deadline_ms > now ?
		    (int64_t)(ln->ln_deadline_ms - now) : 0;
		if (t < 0 || d < t)
			t = d;
	}
	if (s->ls_ctx->lc_progress != NULL) {
		d = progress_wait_ms(s->ls_ctx->lc_progress, now);
		if (t < 0 || d < t)
			t = d;
	}
	if (s->ls_stopping) {
		d = s->ls_last_write + LOOP_STALL_MS > now ?
		    (int64_t)(s->ls_last_write + LOOP_STALL_MS - now) : 0;
		if (t < 0 || d < t)
			t = d;
	}
	return t > INT_MAX ? INT_MAX : (int)t;
}

/* One wait and the work it enables. Returns -1 to end the loop. */
static int
iterate(struct loop_state *s)
{
	struct loop_ctx	*lc = s->ls_ctx;
	struct pollfd	*pfd;
	struct timespec	 ts, *tsp = NULL;
	uint64_t	 now;
	int		 nfd = 0, in_slot = -1, out_slot = -1, t, rc;
	int		 conf_slot = -1;
	int		 ares_first;
	size_t		 need;

	/* Room for every DNS socket, however many (ptrtag(1), DNS TRANSPORT). */
	need = LOOP_PFD_FIXED + (size_t)rsv_npollfds(lc->lc_rsv);
	if (need > s->ls_npfd) {
		s->ls_pfd = xreallocarray(s->ls_pfd, need, sizeof(*s->ls_pfd));
		s->ls_npfd = need;
	}
	pfd = s->ls_pfd;
	if (input_fd(lc->lc_in) != -1 && may_take(s)) {
		in_slot = nfd;
		pfd[nfd].fd = input_fd(lc->lc_in);
		pfd[nfd++].events = POLLIN;
	}
	if (outbuf_pending(&s->ls_out) > 0) {
		out_slot = nfd;
		pfd[nfd].fd = lc->lc_outfd;
		pfd[nfd++].events = POLLOUT;
	}
	if (outbuf_pending(&s->ls_confirm) > 0) {
		conf_slot = nfd;
		pfd[nfd].fd = STDOUT_FILENO;
		pfd[nfd++].events = POLLOUT;
	}
	ares_first = nfd;
	nfd += rsv_pollfds(lc->lc_rsv, pfd + nfd, (int)s->ls_npfd - nfd);
	for (t = 0; t < ares_first; t++)
		pfd[t].revents = 0;
	if ((t = poll_timeout(s, now_ms())) >= 0) {
		ts.tv_sec = t / 1000;
		ts.tv_nsec = (long)(t % 1000) * 1000000;
		tsp = &ts;
	}
	rc = ppoll(pfd, (nfds_t)nfd, tsp, &wait_mask);
	if (rc == -1 && errno != EINTR)
		err(1, "ppoll");
	if (rc == -1)
		return 0;
	now = now_ms();
	rsv_process(lc->lc_rsv, pfd + ares_first, nfd - ares_first, now);
	if (out_slot != -1 && pfd[out_slot].revents != 0 &&
	    flush_output(s) == -1)
		return -1;
	if (conf_slot != -1 && pfd[conf_slot].revents != 0 &&
	    confirm_lines(s) == -1)
		return -1;
	if (in_slot != -1 && pfd[in_slot].revents != 0) {
		rc = input_read(lc->lc_in);
		if (rc == INPUT_ERROR)
			err(1, "input");
		take_input(s, now);
	}
	return 0;
}

int
loop_run(struct loop_ctx *lc)
{
	struct loop_state	 s;
	uint64_t		 now;

	memset(&s, 0, sizeof(s));
	s.ls_ctx = lc;
	lineq_init(&s.ls_q, lc->lc_cfg->cf_window_lines,
	    lc->lc_cfg->cf_window_bytes);
	outbuf_init(&s.ls_out, CFG_OUT_HIGH);
	outbuf_init(&s.ls_confirm, CFG_OUT_HIGH);
	if (lc->lc_cfg->cf_omprog) {
		/* The first "OK" says we are ready for messages. */
		outbuf_append(&s.ls_confirm, "OK\n", 3);
		(void)confirm_lines(&s);
	}
	for (;;) {
		now = now_ms();
		handle_signals(&s, now);
		progress_tick(lc->lc_progress, now, lc->lc_in->in_bytes,
		    lc->lc_stats, rsv_inflight(lc->lc_rsv));
		if (!s.ls_stopping)
			take_input(&s, now);
		drain(&s, now);
		if (outbuf_pending(&s.ls_out) > 0 && flush_output(&s) == -1)
			break;
		/*
		 * Input already buffered that the window and the output
		 * buffer now have room for: take it before waiting, since
		 * nothing in the poll set would wake us for it.
		 */
		if (may_take(&s) && input_ready(lc->lc_in))
			continue;
		if (lineq_empty(&s.ls_q) && outbuf_pending(&s.ls_out) == 0 &&
		    outbuf_pending(&s.ls_confirm) == 0 &&
		    (s.ls_stopping || (lc->lc_in->in_eof &&
		    lc->lc_in->in_start == lc->lc_in->in_end)))
			break;
		if (s.ls_stopping && now >= s.ls_last_write + LOOP_STALL_MS) {
			warnx("output: the reader took nothing for %d s after "
			    "the stop signal; %zu bytes not written",
			    LOOP_STALL_MS / 1000, outbuf_pending(&s.ls_out));
			s.ls_output_gone = 2;
			break;
		}
		if (iterate(&s) == -1)
			break;
	}
	if (!s.ls_output_gone) {
		/* The output ended early: write what is left once. */
		while (lineq_head(&s.ls_q) != NULL)
			emit(&s, lineq_head(&s.ls_q), now_ms());
		(void)flush_output(&s);
	}
	while (lineq_head(&s.ls_q) != NULL) {
		release_slots(lc->lc_rsv, lineq_head(&s.ls_q)->ln_slots,
		    lineq_head(&s.ls_q)->ln_nslots);
		lineq_remove(&s.ls_q, lineq_head(&s.ls_q));
	}
	outbuf_free(&s.ls_out);
	outbuf_free(&s.ls_confirm);
	free(s.ls_pfd);
	if (lc->lc_cfg->cf_stats && !stats_quiet(lc->lc_cfg))
		stats_print(lc->lc_stats, STDERR_FILENO, lc->lc_cfg->cf_stats ==
		    2, rsv_inflight(lc->lc_rsv), rsv_evictions(lc->lc_rsv),
		    rsv_cached(lc->lc_rsv));
	return s.ls_output_gone == 2 ? 1 : 0;
}
