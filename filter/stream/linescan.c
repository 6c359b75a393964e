/*
 * linescan: see linescan.h.
 */
#include <string.h>

#include "bounds.h"
#include "linescan.h"
#include "prescan.h"

int
linescan_keep(const struct ipaddr *ia, const void *arg)
{
	const struct config	*cfg = arg;

	if (ipaddr_set_match(&cfg->cf_exclude, ia))
		return 0;
	return cfg->cf_only.is_count == 0 ||
	    ipaddr_set_match(&cfg->cf_only, ia);
}

/* prescan tells each line in the steps the resolver hints in. */
_Static_assert(PRESCAN_SOON_STEPS == RSV_PREFETCH_STEPS, "prefetch steps");

void
linescan_soon(void *rsv, const struct ipaddr *ia, int step)
{
	rsv_prefetch(rsv, ia, step);
}

/*
 * Kept (linescan_keep): a wanted address is looked up once the line is
 * scanned, so its cache entry starts loading now, while the scan goes on.
 */
static int
wanted(const struct ipaddr *ia, const void *arg)
{
	const struct loop_ctx	*lc = arg;

	if (!linescan_keep(ia, lc->lc_cfg))
		return 0;
	rsv_prefetch(lc->lc_rsv, ia, 1);
	return 1;
}

/* Find the line's addresses: distinct, wanted, at most max_ips. */
static size_t
scan_line(struct loop_ctx *lc, const char *p, size_t len, struct lslot *slots)
{
	struct ipmatch	m[LINE_ADDRS_MAX];
	size_t		max = lc->lc_cfg->cf_max_ips, i;
	int		n, limited;

	if (max > LINE_ADDRS_MAX)
		max = LINE_ADDRS_MAX;
	if (lc->lc_cfg->cf_input == CFG_INPUT_JSON)	/* jsonscan.h */
		n = (int)jsonscan_line(&lc->lc_json, lc->lc_scan, lc->lc_cfg,
		    p, len, m, max, wanted, lc, lc->lc_stats);
	else {
		if (prescan_take(lc->lc_prescan, p, len, m, &n, &limited))
			lc->lc_stats->st_scanned_ahead++;
		else {
			n = ipscan_line_keep(lc->lc_scan, p, len, m, max,
			    wanted, lc);
			limited = ipscan_limited(lc->lc_scan);
		}
		if (limited)	/* ptrtag.1, -p */
			lc->lc_stats->st_pattern_limit++;
	}
	if (n == -1) {
		lc->lc_stats->st_scan_errors++;
		return 0;
	}
	for (i = 0; i < (size_t)n; i++) {
		memset(&slots[i], 0, sizeof(slots[i]));
		slots[i].ls_addr = m[i].im_addr;
		slots[i].ls_role = (uint8_t)m[i].im_role;
		slots[i].ls_so = m[i].im_so;
		slots[i].ls_eo = m[i].im_eo;
		slots[i].ls_helo_so = m[i].im_helo_so;
		slots[i].ls_helo_eo = m[i].im_helo_eo;
	}
	return (size_t)n;
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

size_t
linescan_take(struct loop_ctx *lc, const char *p, size_t len, int stopping,
    uint64_t now, struct lslot *slots, int *settled)
{
	enum verdict	shed;
	size_t		n, i;

	n = scan_line(lc, p, len, slots);
	if (stopping)
		n = peek_slots(lc, slots, n, now);
	for (i = 0; i < n; i++) {
		if (!stopping) {
			shed = VERDICT_SKIPPED;
			slots[i].ls_ent = rsv_acquire(lc->lc_rsv,
			    &slots[i].ls_addr, now, &shed);
			slots[i].ls_verdict = (uint8_t)shed;
		}
		if (slots[i].ls_ent != NULL &&
		    slots[i].ls_ent->de_verdict == VERDICT_PENDING)
			*settled = 0;
	}
	return n;
}

void
linescan_release(struct rsv *rsv, struct lslot *slots, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (slots[i].ls_ent != NULL)
			rsv_release(rsv, slots[i].ls_ent);
}
