/*
 * ledger: see ledger.h. The entries form a ring: from the head, those
 * whose units have all been emitted (lg_emit of them), then the rest.
 * An entry holds consecutive units of one file: lent_units taken,
 * lent_emitted of them in the output buffer; lent_cidx is the number of
 * the last complete one (0: none), whose end and fingerprint are lent_pos
 * and whose mark lent_cmark. A marker (ledger_mark) is an entry of no
 * units.
 *
 * Invariant: the committed output mark lg_cmark is the mark of a
 * complete unit (or a marker), and every unit of every source at or
 * before it is at or before that source's committed position; so
 * truncating the output to lg_cmark and reading each source again from
 * its committed position writes every later line exactly once.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "siphash.h"
#include "util.h"

struct lent {
	struct state_pos	lent_pos;
	uint64_t		lent_mark;	/* of the last unit emitted */
	uint64_t		lent_cmark;	/* of unit lent_cidx */
	uint32_t		lent_src;
	uint32_t		lent_units;
	uint32_t		lent_emitted;
	uint32_t		lent_cidx;
};

struct lsrc {
	struct state_pos	ls_committed;
	struct state_pos	ls_taken;
	struct state_pos	ls_head;	/* file and head fingerprint */
};

struct ledger {
	struct lent	*lg_ring;
	size_t		 lg_cap;	/* a power of 2 */
	size_t		 lg_head;
	size_t		 lg_len;
	size_t		 lg_emit;	/* head entries all emitted */
	struct lsrc	*lg_src;
	size_t		 lg_nsrc;
	size_t		 lg_cur;	/* the source units come from */
	uint64_t	 lg_dev;	/* and its file */
	uint64_t	 lg_ino;
	uint64_t	 lg_appended;	/* the last mark */
	uint64_t	 lg_written;
	uint64_t	 lg_cmark;	/* committed output mark */
	uint64_t	 lg_open_at;	/* lg_written at its opening */
	int		 lg_outfd;
	int		 lg_dirty;
	int		 lg_urgent;	/* save at once: ledger.h */
	uint8_t		 lg_key[STATE_KEYLEN];
};

struct ledger *
ledger_create(size_t nsrc, const uint8_t *key)
{
	struct ledger	*lg;

	lg = xcalloc(1, sizeof(*lg));
	lg->lg_src = xcalloc(nsrc > 0 ? nsrc : 1, sizeof(*lg->lg_src));
	lg->lg_nsrc = nsrc;
	lg->lg_cap = 64;
	lg->lg_ring = xcalloc(lg->lg_cap, sizeof(*lg->lg_ring));
	lg->lg_outfd = -1;
	memcpy(lg->lg_key, key, STATE_KEYLEN);
	return lg;
}

void
ledger_free(struct ledger *lg)
{
	if (lg == NULL)
		return;
	free(lg->lg_ring);
	free(lg->lg_src);
	free(lg);
}

uint64_t
ledger_hash(const struct ledger *lg, const char *p, size_t len)
{
	return len == 0 ? 0 : siphash13(lg->lg_key, p, len);
}

void
ledger_fp(const struct ledger *lg, const char *p, size_t len,
    struct state_pos *pos)
{
	if (len > STATE_FP_MAX) {
		p += len - STATE_FP_MAX;
		len = STATE_FP_MAX;
	}
	pos->sp_fplen = (uint32_t)len;
	pos->sp_fp = ledger_hash(lg, p, len);
}

/* Source src's file is pos's; its head is pos's (maybe unknown). */
static void
set_head(struct ledger *lg, size_t src, const struct state_pos *pos)
{
	struct state_pos	*h = &lg->lg_src[src].ls_head;

	memset(h, 0, sizeof(*h));
	h->sp_dev = pos->sp_dev;
	h->sp_ino = pos->sp_ino;
	h->sp_hlen = pos->sp_hlen;
	h->sp_hfp = pos->sp_hfp;
}

void
ledger_init(struct ledger *lg, size_t src, const struct state_pos *pos)
{
	lg->lg_src[src].ls_committed = *pos;
	lg->lg_src[src].ls_taken = *pos;
	set_head(lg, src, pos);
}

void
ledger_source(struct ledger *lg, size_t src, uint64_t dev, uint64_t ino)
{
	lg->lg_cur = src;
	lg->lg_dev = dev;
	lg->lg_ino = ino;
}

static struct lent *
at(const struct ledger *lg, size_t i)
{
	return &lg->lg_ring[(lg->lg_head + i) & (lg->lg_cap - 1)];
}

/* A new entry at the tail, zeroed; the ring doubles when full. */
static struct lent *
push(struct ledger *lg)
{
	struct lent	*ring, *e;
	size_t		 i;

	if (lg->lg_len == lg->lg_cap) {
		ring = xcalloc(2 * lg->lg_cap, sizeof(*ring));
		for (i = 0; i < lg->lg_len; i++)
			ring[i] = *at(lg, i);
		free(lg->lg_ring);
		lg->lg_ring = ring;
		lg->lg_head = 0;
		lg->lg_cap *= 2;
	}
	e = at(lg, lg->lg_len++);
	memset(e, 0, sizeof(*e));
	return e;
}

/* Markers reached by the emitted units take the last mark at once. */
static void
pass_markers(struct ledger *lg)
{
	struct lent	*e;

	while (lg->lg_emit < lg->lg_len &&
	    (e = at(lg, lg->lg_emit))->lent_units == 0) {
		e->lent_mark = e->lent_cmark = lg->lg_appended;
		lg->lg_emit++;
	}
}

void
ledger_mark(struct ledger *lg, size_t src, const struct state_pos *pos)
{
	struct lent	*e;

	e = push(lg);
	e->lent_src = (uint32_t)src;
	e->lent_pos = *pos;
	lg->lg_src[src].ls_taken = *pos;
	set_head(lg, src, pos);
	pass_markers(lg);
}

/* The entry a unit of the current file joins: the last one when full. */
static struct lent *
entry_for_unit(struct ledger *lg)
{
	struct lent	*e;

	if (lg->lg_len >= LEDGER_SOFT_MAX) {
		e = at(lg, lg->lg_len - 1);
		if (e->lent_units > 0 && e->lent_src == lg->lg_cur &&
		    e->lent_pos.sp_dev == lg->lg_dev &&
		    e->lent_pos.sp_ino == lg->lg_ino) {
			if (lg->lg_emit == lg->lg_len)
				lg->lg_emit--;	/* a unit to emit again */
			return e;
		}
	}
	e = push(lg);
	e->lent_src = (uint32_t)lg->lg_cur;
	e->lent_pos.sp_dev = lg->lg_dev;
	e->lent_pos.sp_ino = lg->lg_ino;
	return e;
}

void
ledger_taken(struct ledger *lg, uint64_t end, int complete, const char *p,
    size_t len)
{
	struct state_pos	*h = &lg->lg_src[lg->lg_cur].ls_head;
	struct lent		*e;

	if (end == len && len > 0 && h->sp_dev == lg->lg_dev &&
	    h->sp_ino == lg->lg_ino) {
		/* The file's first bytes: worth a save at once. */
		h->sp_hlen = len > STATE_FP_MAX ? STATE_FP_MAX : (uint32_t)len;
		h->sp_hfp = ledger_hash(lg, p, h->sp_hlen);
		lg->lg_urgent = 1;
	}
	e = entry_for_unit(lg);
	e->lent_units++;
	if (!complete)
		return;
	e->lent_cidx = e->lent_units;
	e->lent_pos.sp_off = end;
	ledger_fp(lg, p, len, &e->lent_pos);
	lg->lg_src[lg->lg_cur].ls_taken = e->lent_pos;
}

void
ledger_emitted(struct ledger *lg, uint64_t mark)
{
	struct lent	*e;

	lg->lg_appended = mark;
	if (lg->lg_emit == lg->lg_len)
		return;		/* no unit of ours (not with --state) */
	e = at(lg, lg->lg_emit);
	e->lent_emitted++;
	e->lent_mark = mark;
	if (e->lent_emitted == e->lent_cidx)
		e->lent_cmark = mark;
	if (e->lent_emitted == e->lent_units) {
		lg->lg_emit++;
		pass_markers(lg);
	}
}

void
ledger_written(struct ledger *lg, uint64_t written)
{
	struct state_pos	*c;
	struct lent		*e;

	lg->lg_written = written;
	while (lg->lg_emit > 0 && (e = at(lg, 0))->lent_mark <= written) {
		if (e->lent_cidx > 0 || e->lent_units == 0) {
			c = &lg->lg_src[e->lent_src].ls_committed;
			if (c->sp_dev != e->lent_pos.sp_dev ||
			    c->sp_ino != e->lent_pos.sp_ino)
				lg->lg_urgent = 1;
			*c = e->lent_pos;
			lg->lg_cmark = e->lent_cmark;
			lg->lg_dirty = 1;
		}
		lg->lg_head = (lg->lg_head + 1) & (lg->lg_cap - 1);
		lg->lg_len--;
		lg->lg_emit--;
	}
}

void
ledger_output(struct ledger *lg, int fd, uint64_t written)
{
	lg->lg_outfd = fd;
	lg->lg_open_at = written;
	lg->lg_dirty = lg->lg_urgent = 1;
}

/* p with src's head when that is of p's file. */
static void
with_head(const struct ledger *lg, size_t src, const struct state_pos *p,
    struct state_pos *out)
{
	const struct state_pos	*h = &lg->lg_src[src].ls_head;

	*out = *p;
	out->sp_hlen = 0;
	out->sp_hfp = 0;
	if (h->sp_dev == p->sp_dev && h->sp_ino == p->sp_ino &&
	    (p->sp_dev != 0 || p->sp_ino != 0)) {
		out->sp_hlen = h->sp_hlen;
		out->sp_hfp = h->sp_hfp;
	}
}

void
ledger_committed(const struct ledger *lg, size_t src, struct state_pos *pos)
{
	with_head(lg, src, &lg->lg_src[src].ls_committed, pos);
}

void
ledger_last_taken(const struct ledger *lg, size_t src, struct state_pos *pos)
{
	with_head(lg, src, &lg->lg_src[src].ls_taken, pos);
}

int
ledger_cut(const struct ledger *lg, uint64_t *behind)
{
	if (lg->lg_outfd == -1 || lg->lg_cmark < lg->lg_open_at)
		return -1;
	*behind = lg->lg_written - lg->lg_cmark;
	return lg->lg_outfd;
}

int
ledger_dirty(const struct ledger *lg)
{
	return lg->lg_urgent ? 2 : lg->lg_dirty;
}

void
ledger_clean(struct ledger *lg)
{
	lg->lg_dirty = lg->lg_urgent = 0;
}
