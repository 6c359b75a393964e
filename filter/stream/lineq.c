/*
 * lineq: see lineq.h. A line and its slots live in one allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "dnsent.h"
#include "lineq.h"
#include "util.h"

void
lineq_init(struct lineq *q, size_t max_lines, size_t max_bytes)
{
	memset(q, 0, sizeof(*q));
	TAILQ_INIT(&q->lq_lines);
	q->lq_max_lines = max_lines;
	q->lq_max_bytes = max_bytes;
}

struct line *
lineq_push(struct lineq *q, const char *buf, size_t len,
    const struct lslot *slots, size_t nslots, int raw, uint64_t deadline_ms)
{
	struct line	*ln;
	size_t		 size;

	size = sizeof(*ln) + nslots * sizeof(*slots) + len;
	ln = xcalloc(1, size);
	ln->ln_slots = (struct lslot *)(ln + 1);
	ln->ln_buf = (char *)(ln->ln_slots + nslots);
	if (nslots > 0)
		memcpy(ln->ln_slots, slots, nslots * sizeof(*slots));
	memcpy(ln->ln_buf, buf, len);
	ln->ln_len = len;
	ln->ln_nslots = nslots;
	ln->ln_raw = raw;
	ln->ln_deadline_ms = deadline_ms;
	TAILQ_INSERT_TAIL(&q->lq_lines, ln, ln_entry);
	q->lq_count++;
	q->lq_bytes += len;
	return ln;
}

struct line *
lineq_head(const struct lineq *q)
{
	return TAILQ_FIRST(&q->lq_lines);
}

struct line *
lineq_next(const struct line *ln)
{
	return TAILQ_NEXT(ln, ln_entry);
}

void
lineq_remove(struct lineq *q, struct line *ln)
{
	TAILQ_REMOVE(&q->lq_lines, ln, ln_entry);
	q->lq_count--;
	q->lq_bytes -= ln->ln_len;
	free(ln);
}

int
lineq_settled(const struct line *ln)
{
	size_t	i;

	for (i = 0; i < ln->ln_nslots; i++)
		if (ln->ln_slots[i].ls_ent != NULL &&
		    ln->ln_slots[i].ls_ent->de_verdict == VERDICT_PENDING)
			return 0;
	return 1;
}

uint64_t
lineq_release_ms(const struct line *ln, const struct dnsent_wait *dw)
{
	uint64_t	t = 0, u;
	size_t		i;

	for (i = 0; i < ln->ln_nslots; i++)
		if (ln->ln_slots[i].ls_ent != NULL &&
		    (u = dnsent_wait_until(ln->ln_slots[i].ls_ent, dw)) > t)
			t = u;
	return t < ln->ln_deadline_ms ? t : ln->ln_deadline_ms;
}

int64_t
lineq_wait_ms(const struct lineq *q, const struct dnsent_wait *dw,
    int unordered, uint64_t now)
{
	const struct line	*ln;
	uint64_t		 t = UINT64_MAX, u;

	TAILQ_FOREACH(ln, &q->lq_lines, ln_entry) {
		if ((u = lineq_release_ms(ln, dw)) < t)
			t = u;
		if (!unordered)
			break;
	}
	if (t == UINT64_MAX)
		return -1;
	return t > now ? (int64_t)(t - now) : 0;
}

int
lineq_full(const struct lineq *q)
{
	return q->lq_count >= q->lq_max_lines ||
	    q->lq_bytes >= q->lq_max_bytes;
}

int
lineq_empty(const struct lineq *q)
{
	return q->lq_count == 0;
}
