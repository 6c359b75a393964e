/*
 * prescan: see prescan.h.
 *
 * One producer (the thread) and one consumer (the loop) share two rings:
 * records, one a line, and the matches they point to. Indices only grow;
 * a slot is the index modulo the ring's size. The thread alone writes
 * ps_head and ps_mhead, the loop alone ps_tail (and, while the thread is
 * fenced out, every index). A record is published by its release store
 * of ps_head, and a slot is free again once the loop's ps_tail passes it.
 *
 * Two handshakes, each a pair of sequentially consistent atomics so that
 * at least one side sees the other (store mine, then load yours):
 *   - fence: the loop stores ps_fence = 1 and waits while ps_busy; the
 *     thread stores ps_busy = 1 and backs off if ps_fence. So after
 *     prescan_fence() the thread is outside the buffer until the next
 *     offer clears ps_fence.
 *   - sleep: the loop bumps ps_kicks and signals if ps_sleeping; the
 *     thread, which read ps_kicks before it looked for work, sleeps only
 *     while ps_kicks is unchanged. No wake-up is lost.
 */
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "ipscan.h"
#include "line.h"
#include "prescan.h"
#include "util.h"

#define PRESCAN_RECS	4096u		/* records: a power of two */
#define PRESCAN_MATCHES	16384u		/* matches: a power of two */
/* The most a batch scans before the thread looks at the fence again. */
#define BATCH_LINES	64
#define BATCH_BYTES	(16u * 1024)
/* Records are published this many at a time, and at a batch's end. */
#define PUBLISH_LINES	8
/* How far ahead prescan_take() fetches records (prescan.h: the telling). */
#define SOON_FETCH	(PRESCAN_SOON_AHEAD(0) + 4)
/* An offer wakes the thread when this many bytes wait to be handed out. */
#define WAKE_BYTES	(32u * 1024)
/* A fence spins this often, then sleeps while the thread ends its batch. */
#define FENCE_SPINS	4096

/* A hint to the processor inside a spin. */
static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

struct prescan_rec {
	uintptr_t	pr_p;		/* the line's place and length */
	size_t		pr_len;
	uint64_t	pr_first;	/* its first match in ps_m */
	int		pr_n;		/* ipscan_line_keep()'s count */
	int		pr_limited;
};

/*
 * The fields each side writes are kept on cache lines of their own, and
 * each side reads the other's index only when its own copy says it must
 * (the ring looks full, or empty): a line moving between the cores on
 * every record would cost more than the scan it saves.
 */
struct prescan {
	/* Set at start, then read-only. */
	pthread_t		 ps_thread;
	pthread_mutex_t		 ps_mtx;
	pthread_cond_t		 ps_cv;
	struct prescan_conf	 ps_conf;

	/* Written by the loop, read by the thread once a batch. */
	alignas(64) atomic_uintptr_t ps_start;	/* where gen's bytes start */
	atomic_uintptr_t	 ps_end;	/* one past the offered bytes */
	atomic_uintptr_t	 ps_from;	/* the loop's next line, a hint */
	atomic_uint		 ps_gen;	/* bumped: a fence, then an offer */
	atomic_int		 ps_fence;	/* 1: keep out of the buffer */
	atomic_uint		 ps_kicks;	/* bumped: there may be work */
	atomic_int		 ps_quit;

	/* Written by the loop, read by the thread when the ring looks full. */
	alignas(64) atomic_uint_fast64_t ps_tail; /* records consumed */
	uint64_t		 ps_head_seen;	/* the loop's copy of ps_head */
	int			 ps_fenced;	/* no offer since a fence */

	/* Written by the thread, read by the loop when the ring looks empty. */
	alignas(64) atomic_uint_fast64_t ps_head; /* records published */
	atomic_int		 ps_busy;	/* reading the buffer */
	atomic_uintptr_t	 ps_pos;	/* where it goes on; fenced, */
						/* the loop's (prescan_moved) */

	/* Written by the thread when it sleeps; the loop reads them often. */
	alignas(64) atomic_int	 ps_sleeping;	/* 1 idle, 2 the rings full */
	atomic_uint_fast64_t	 ps_wake_at;	/* 2: wake once ps_tail is here */

	/* The thread's own. */
	alignas(64) uint64_t	 ps_mhead;	/* matches written */
	uint64_t		 ps_tail_seen;	/* its copy of ps_tail */

	alignas(64) struct prescan_rec ps_recs[PRESCAN_RECS];
	struct ipmatch		 ps_m[PRESCAN_MATCHES];
};

/*
 * The lines a few records after tail: bring the records' memory over
 * from the thread's core (SOON_FETCH ahead), and tell the caller the
 * addresses it will look up, in steps (prescan.h), so that what each
 * step needs has arrived before it is needed.
 */
static void
look_ahead(struct prescan *ps, uint64_t tail)
{
	const struct prescan_rec	*r;
	uint64_t			 i, ahead;
	int				 step;

	if (tail + SOON_FETCH < ps->ps_head_seen) {
		r = &ps->ps_recs[(tail + SOON_FETCH) & (PRESCAN_RECS - 1)];
		__builtin_prefetch(r);
		__builtin_prefetch(&ps->ps_m[r->pr_first &
		    (PRESCAN_MATCHES - 1)]);
	}
	if (ps->ps_conf.pc_soon == NULL)
		return;
	for (step = 0; step < PRESCAN_SOON_STEPS; step++) {
		ahead = PRESCAN_SOON_AHEAD(step);
		if (tail + ahead >= ps->ps_head_seen)
			continue;
		r = &ps->ps_recs[(tail + ahead) & (PRESCAN_RECS - 1)];
		for (i = 0; r->pr_n > 0 && i < (uint64_t)r->pr_n; i++)
			ps->ps_conf.pc_soon(ps->ps_conf.pc_soon_arg,
			    &ps->ps_m[(r->pr_first + i) &
			    (PRESCAN_MATCHES - 1)].im_addr, step);
	}
}

/* The loop: there may be work; wake the thread if it sleeps. */
static void
kick(struct prescan *ps)
{
	atomic_fetch_add(&ps->ps_kicks, 1);
	if (atomic_load(&ps->ps_sleeping)) {
		pthread_mutex_lock(&ps->ps_mtx);
		pthread_cond_signal(&ps->ps_cv);
		pthread_mutex_unlock(&ps->ps_mtx);
	}
}

/* The thread: sleep until a kick after seen, or the end. */
static void
park(struct prescan *ps, unsigned seen, int why)
{
	pthread_mutex_lock(&ps->ps_mtx);
	atomic_store(&ps->ps_sleeping, why);
	while (atomic_load(&ps->ps_kicks) == seen &&
	    !atomic_load(&ps->ps_quit))
		pthread_cond_wait(&ps->ps_cv, &ps->ps_mtx);
	atomic_store(&ps->ps_sleeping, 0);
	pthread_mutex_unlock(&ps->ps_mtx);
}

/*
 * Room for one more record and pc_max_ips matches, by the thread's copy of
 * ps_tail, read again only when that copy says no.
 */
static int
room(struct prescan *ps, uint64_t head)
{
	const struct prescan_rec	*r;
	uint64_t			 tail, mtail;
	int				 again;

	for (again = 0; again < 2; again++) {
		if (again)
			ps->ps_tail_seen = atomic_load_explicit(&ps->ps_tail,
			    memory_order_acquire);
		tail = ps->ps_tail_seen;
		if (head - tail >= PRESCAN_RECS)
			continue;
		/* The oldest match in use is that of the oldest record. */
		r = &ps->ps_recs[tail & (PRESCAN_RECS - 1)];
		mtail = tail == head ? ps->ps_mhead : r->pr_first;
		if (PRESCAN_MATCHES - (ps->ps_mhead - mtail) >=
		    ps->ps_conf.pc_max_ips)
			return 1;
	}
	return 0;
}

/* Publish a record for p[0..len), where n matches m[0..n) were found. */
static void
publish(struct prescan *ps, uint64_t *head, uintptr_t p, size_t len,
    const struct ipmatch *m, int n)
{
	struct prescan_rec	*r = &ps->ps_recs[*head & (PRESCAN_RECS - 1)];
	int			 i;

	r->pr_p = p;
	r->pr_len = len;
	r->pr_first = ps->ps_mhead;
	r->pr_n = n;
	r->pr_limited = ipscan_limited(ps->ps_conf.pc_scan);
	for (i = 0; i < n; i++)
		ps->ps_m[(ps->ps_mhead + (uint64_t)i) &
		    (PRESCAN_MATCHES - 1)] = m[i];
	if (n > 0)
		ps->ps_mhead += (uint64_t)n;
	if (++*head % PUBLISH_LINES == 0)
		atomic_store_explicit(&ps->ps_head, *head,
		    memory_order_release);
}

/*
 * Scan the lines from *pos up to end, a batch at most, publishing the
 * records every PUBLISH_LINES and at the end; returns 1 when *pos moved,
 * 0 when there was nothing to do, and in *full whether the rings
 * stopped it.
 */
static int
scan_batch(struct prescan *ps, uintptr_t *pos, uintptr_t end, int *full)
{
	const struct prescan_conf	*pc = &ps->ps_conf;
	struct ipmatch			 m[LINE_ADDRS_MAX];
	const char			*p, *nl;
	uintptr_t			 first = *pos;
	uint64_t			 head;
	size_t				 lines = 0, len;
	int				 n;

	*full = 0;
	head = atomic_load_explicit(&ps->ps_head, memory_order_relaxed);
	while (lines < BATCH_LINES && *pos - first < BATCH_BYTES &&
	    *pos < end) {
		if (!room(ps, head)) {
			*full = 1;
			break;
		}
		p = (const char *)*pos;
		if ((nl = memchr(p, '\n', end - *pos)) == NULL)
			break;
		len = (size_t)(nl - p) + 1;
		/* A longer line is handed out raw (input.h): not scanned. */
		if (line_text_len(p, len) <= pc->pc_max_line) {
			n = ipscan_line_keep(pc->pc_scan, p, len, m,
			    pc->pc_max_ips, pc->pc_keep, pc->pc_keep_arg);
			publish(ps, &head, *pos, len, m, n);
			lines++;
		}
		*pos += len;
	}
	atomic_store_explicit(&ps->ps_head, head, memory_order_release);
	return *pos != first;
}

static void *
run(void *arg)
{
	struct prescan	*ps = arg;
	uintptr_t	 pos = 0, from, end;
	unsigned	 gen = 0, g, seen;
	int		 did, full;

	for (;;) {
		seen = atomic_load(&ps->ps_kicks);
		atomic_store(&ps->ps_busy, 1);
		if (atomic_load(&ps->ps_quit)) {
			atomic_store(&ps->ps_busy, 0);
			return NULL;
		}
		did = full = 0;
		if (!atomic_load(&ps->ps_fence)) {
			if ((g = atomic_load(&ps->ps_gen)) != gen) {
				gen = g;
				pos = atomic_load(&ps->ps_start);
			}
			from = atomic_load_explicit(&ps->ps_from,
			    memory_order_relaxed);
			end = atomic_load(&ps->ps_end);
			if (from > pos && from <= end)
				pos = from;
			did = scan_batch(ps, &pos, end, &full);
			atomic_store_explicit(&ps->ps_pos, pos,
			    memory_order_relaxed);
		}
		atomic_store(&ps->ps_busy, 0);
		if (!did && full)
			/* Woken when half of what waits is taken (ps_wake_at). */
			atomic_store_explicit(&ps->ps_wake_at, ps->ps_tail_seen +
			    (atomic_load_explicit(&ps->ps_head,
			    memory_order_relaxed) - ps->ps_tail_seen) / 2,
			    memory_order_relaxed);
		if (!did)
			park(ps, seen, full ? 2 : 1);
	}
}

struct prescan *
prescan_start(const struct prescan_conf *conf)
{
	struct prescan	*ps;
	sigset_t	 all, old;
	int		 rc;

	ps = xcalloc(1, sizeof(*ps));
	ps->ps_conf = *conf;
	if (ps->ps_conf.pc_max_ips > LINE_ADDRS_MAX)
		ps->ps_conf.pc_max_ips = LINE_ADDRS_MAX;
	ps->ps_fenced = 1;
	pthread_mutex_init(&ps->ps_mtx, NULL);
	pthread_cond_init(&ps->ps_cv, NULL);
	/* The thread takes no signal: it starts with every one blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ps->ps_thread, NULL, run, ps);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&ps->ps_cv);
		pthread_mutex_destroy(&ps->ps_mtx);
		ipscan_free(conf->pc_scan);
		free(ps);
		return NULL;
	}
	return ps;
}

void
prescan_stop(struct prescan *ps)
{
	if (ps == NULL)
		return;
	atomic_store(&ps->ps_quit, 1);
	kick(ps);
	pthread_join(ps->ps_thread, NULL);
	pthread_cond_destroy(&ps->ps_cv);
	pthread_mutex_destroy(&ps->ps_mtx);
	ipscan_free(ps->ps_conf.pc_scan);
	free(ps);
}

/*
 * Fenced: the thread's next walk starts at start, the loop's next line
 * at from; the thread's old walk is over (ps_gen).
 */
static void
restart(struct prescan *ps, uintptr_t start, uintptr_t from)
{
	atomic_store(&ps->ps_start, start);
	atomic_store(&ps->ps_pos, start);
	atomic_store(&ps->ps_from, from);
	atomic_fetch_add(&ps->ps_gen, 1);
	ps->ps_fenced = 0;
}

void
prescan_offer(void *arg, const char *buf, size_t len)
{
	struct prescan	*ps = arg;
	uint64_t	 head;

	if (ps == NULL)
		return;
	if (ps->ps_fenced) {	/* not moved (prescan_moved): start over */
		head = atomic_load(&ps->ps_head);
		atomic_store(&ps->ps_tail, head);
		ps->ps_head_seen = head;
		restart(ps, (uintptr_t)buf, (uintptr_t)buf);
	}
	atomic_store(&ps->ps_end, (uintptr_t)buf + len);
	atomic_store(&ps->ps_fence, 0);
	/* A few lines of a live stream are the loop's to scan. */
	if (len >= WAKE_BYTES)
		kick(ps);
}

void
prescan_fence(void *arg)
{
	struct prescan		*ps = arg;
	const struct timespec	 pause = { 0, 20000 };
	unsigned		 spins;

	if (ps == NULL || ps->ps_fenced)
		return;
	atomic_store(&ps->ps_fence, 1);
	for (spins = 0; atomic_load(&ps->ps_busy); spins++)
		if (spins < FENCE_SPINS)
			cpu_relax();
		else	/* the thread is off its processor: let it run */
			nanosleep(&pause, NULL);
	/* The thread is out; its results wait for prescan_moved(). */
	ps->ps_fenced = 1;
}

void
prescan_moved(void *arg, const char *to, size_t by)
{
	struct prescan	*ps = arg;
	uintptr_t	 at = (uintptr_t)to, pos, from;
	uint64_t	 t, head;

	if (ps == NULL || !ps->ps_fenced)
		return;
	head = atomic_load(&ps->ps_head);
	for (t = atomic_load(&ps->ps_tail); t < head; t++)
		ps->ps_recs[t & (PRESCAN_RECS - 1)].pr_p -= by;
	ps->ps_head_seen = head;
	/* What lay before the bytes moved is gone: never go back past to. */
	pos = atomic_load(&ps->ps_pos);
	from = atomic_load(&ps->ps_from);
	restart(ps, pos >= at + by ? pos - by : at,
	    from >= at + by ? from - by : at);
}

int
prescan_take(struct prescan *ps, const char *p, size_t len,
    struct ipmatch *out, int *n, int *limited)
{
	const struct prescan_rec *r;
	uint64_t		 tail, head, i;
	uintptr_t		 at = (uintptr_t)p;
	int			 found = 0;

	if (ps == NULL || ps->ps_fenced)
		return 0;
	atomic_store_explicit(&ps->ps_from, at + len, memory_order_relaxed);
	tail = atomic_load_explicit(&ps->ps_tail, memory_order_relaxed);
	if ((head = ps->ps_head_seen) == tail)
		head = ps->ps_head_seen = atomic_load_explicit(&ps->ps_head,
		    memory_order_acquire);
	for (; tail < head; tail++) {
		r = &ps->ps_recs[tail & (PRESCAN_RECS - 1)];
		if (r->pr_p > at)
			break;
		if (r->pr_p < at)
			continue;
		if (r->pr_len == len) {
			*n = r->pr_n;
			*limited = r->pr_limited;
			for (i = 0; r->pr_n > 0 && i < (uint64_t)r->pr_n; i++)
				out[i] = ps->ps_m[(r->pr_first + i) &
				    (PRESCAN_MATCHES - 1)];
			found = 1;
			look_ahead(ps, tail);
		}
		tail++;
		break;
	}
	atomic_store_explicit(&ps->ps_tail, tail, memory_order_release);
	/*
	 * A thread asleep on full rings is woken once half of what waited
	 * is taken, not for every slot freed: one wake-up per half a ring
	 * while the loop waits for DNS, rather than two context switches a
	 * line.
	 */
	if (atomic_load_explicit(&ps->ps_sleeping, memory_order_relaxed) ==
	    2 && tail >= atomic_load_explicit(&ps->ps_wake_at,
	    memory_order_relaxed))
		kick(ps);
	return found;
}

size_t
prescan_waiting(struct prescan *ps)
{
	if (ps == NULL || ps->ps_fenced)
		return 0;
	return (size_t)(atomic_load(&ps->ps_head) - atomic_load(&ps->ps_tail));
}
