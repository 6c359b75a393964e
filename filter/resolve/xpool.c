/*
 * xpool: see xpool.h. TC is bit 0x02 of header byte 2 (arpa/nameser.h).
 */
#include <sys/types.h>
#include <arpa/nameser.h>

#include <stdlib.h>

#include "xpool.h"
#include "xquestion.h"

void
xpool_finish(struct xquery *q, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	ares_callback	 cb = q->xq_cb;
	void		*arg = q->xq_arg;

	free(q);
	cb(arg, status, timeouts, abuf, alen);
}

static int
chan_idle(const struct xchan *ch)
{
	return ch->ch_busy == 0 && ch->ch_nsock == 0;
}

/*
 * The UDP channel for the next query: an idle one (new socket, new
 * port), else one whose sockets have taken fewer than xp_batch queries.
 * A channel not made yet is idle, and made here; one that cannot be
 * made (no memory, no descriptor) is passed over, the model always
 * exists.
 */
static struct xchan *
pick_udp(struct xport *xp)
{
	struct xchan	*ch, *some = NULL;
	unsigned int	 i, k;

	for (i = 0; i < xp->xp_nudp; i++) {
		k = (xp->xp_next + i) % xp->xp_nudp;
		ch = &xp->xp_chans[k];
		if (chan_idle(ch) && xport_chan_open(xp, ch) == 0) {
			ch->ch_epoch = 0;
			xp->xp_next = (k + 1) % xp->xp_nudp;
			return ch;
		}
		if (some == NULL && ch->ch_epoch < xp->xp_batch)
			some = ch;
	}
	return some;
}

static struct xchan *
pick_tcp(struct xport *xp)
{
	unsigned int	i;

	for (i = xp->xp_nudp; i < xp->xp_nchans; i++)
		if (chan_idle(&xp->xp_chans[i]) &&
		    xport_chan_open(xp, &xp->xp_chans[i]) == 0)
			return &xp->xp_chans[i];
	return NULL;
}

/* c-ares callback for every query; see the invariants of xport_impl.h. */
static void
query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct xquery	*q = arg;
	struct xchan	*ch = q->xq_ch;
	struct xport	*xp = q->xq_xp;

	TAILQ_REMOVE(&ch->ch_queries, q, xq_entry);
	ch->ch_busy--;
	ch->ch_due_ms = 0;
	q->xq_ch = NULL;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED ||
	    abuf == NULL || alen < HFIXEDSZ) {
		xpool_finish(q, status, timeouts, NULL, 0);
		return;
	}
	if (!ch->ch_tcp && (abuf[2] & 0x02)) {
		/* Truncated: ask again over a TCP channel of its own. */
		xp->xp_stats->st_tcp_retries++;
		TAILQ_INSERT_TAIL(&xp->xp_wait_tcp, q, xq_entry);
		xpool_pump(xp);
		return;
	}
	/* UDP answers were checked before c-ares saw them; TCP ones now. */
	if (ch->ch_tcp &&
	    !xquestion_same(q->xq_q, q->xq_qlen, abuf, (size_t)alen)) {
		xp->xp_stats->st_answers_dropped++;
		xpool_finish(q, ARES_ECONNREFUSED, timeouts, NULL, 0);
		return;
	}
	xpool_finish(q, status, timeouts, abuf, alen);
}

/* Give q to c-ares on ch; its callback may run before this returns. */
static void
chan_send(struct xchan *ch, struct xquery *q)
{
	q->xq_ch = ch;
	q->xq_idset = 0;
	ch->ch_busy++;
	ch->ch_epoch++;
	ch->ch_due_ms = 0;	/* the new query's timer may come first */
	TAILQ_INSERT_TAIL(&ch->ch_queries, q, xq_entry);
	ares_query(ch->ch_ares, q->xq_name, C_IN, q->xq_type, query_done, q);
}

void
xpool_pump(struct xport *xp)
{
	struct xquery	*q;
	struct xchan	*ch;

	while ((q = TAILQ_FIRST(&xp->xp_wait_tcp)) != NULL &&
	    (ch = pick_tcp(xp)) != NULL) {
		TAILQ_REMOVE(&xp->xp_wait_tcp, q, xq_entry);
		chan_send(ch, q);
	}
	while ((q = TAILQ_FIRST(&xp->xp_wait_udp)) != NULL &&
	    (ch = pick_udp(xp)) != NULL) {
		TAILQ_REMOVE(&xp->xp_wait_udp, q, xq_entry);
		chan_send(ch, q);
	}
}
