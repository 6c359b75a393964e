/*
 * emit: see emit.h.
 *
 * In the kv format the pairs of an address depend on its answer alone
 * (the helo pair aside), and a settled cache entry never changes: an
 * entry answering its second line keeps them (de_note, written by
 * fmt_kv_pairs), and later lines copy them. An entry used once, as most
 * are in a stream of new addresses, keeps nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "emit.h"
#include "format.h"
#include "jsonscan.h"
#include "line.h"
#include "resolver.h"
#include "util.h"

/* The longest kv pairs an entry keeps; longer ones are written anew. */
#define EMIT_NOTE_MAX	512

/* The kv pairs de keeps, made on its second use; fa->fa_kv set to them. */
static void
slot_note(const struct config *cfg, struct dnsent *de, struct fmt_addr *fa)
{
	char	buf[EMIT_NOTE_MAX];
	size_t	n;

	if (de->de_note == NULL && de->de_uses++ > 0 &&
	    (n = fmt_kv_pairs(buf, sizeof(buf), cfg->cf_prefix, fa)) > 0) {
		de->de_note = xreallocarray(NULL, n, 1);
		memcpy(de->de_note, buf, n);
		de->de_notelen = (uint16_t)n;
	}
	if (de->de_note != NULL) {
		fa->fa_kv = de->de_note;
		fa->fa_kv_len = de->de_notelen;
	}
}

/* What the output says about one slot, read from its pinned entry. */
static void
slot_view(const struct config *cfg, const struct lslot *ls,
    struct fmt_addr *fa)
{
	struct dnsent	*de = ls->ls_ent;

	fa->fa_addr = &ls->ls_addr;
	fa->fa_role = (enum ipscan_role)ls->ls_role;
	fa->fa_host = NULL;
	fa->fa_host_plain = 0;
	fa->fa_kv = NULL;
	fa->fa_generic = 0;
	fa->fa_so = ls->ls_so;
	fa->fa_eo = ls->ls_eo;
	fa->fa_helo_so = ls->ls_helo_so;
	fa->fa_helo_eo = ls->ls_helo_eo;
	if (de == NULL)
		fa->fa_verdict = (enum verdict)ls->ls_verdict;
	else if (de->de_verdict == VERDICT_PENDING)
		fa->fa_verdict = VERDICT_TIMEOUT;
	else {
		fa->fa_verdict = (enum verdict)de->de_verdict;
		fa->fa_host = de->de_host;
		/* The cache holds valid host names only (dnsent.h). */
		fa->fa_host_plain = de->de_hostlen != 0;
		fa->fa_host_len = de->de_hostlen;
		fa->fa_generic = de->de_generic;
		if (cfg->cf_format == CFG_FORMAT_KV)
			slot_note(cfg, de, fa);
	}
}

void
emit_line(struct outbuf *ob, const struct config *cfg, const char *buf,
    size_t len, const struct lslot *slots, size_t n, int raw,
    uint64_t read_ms, struct jsonscan *json, struct stats *st)
{
	struct fmt_addr		fa[LINE_ADDRS_MAX];
	struct fmt_line		fl;
	struct fmt_result	fr;
	size_t			i;

	if (n > LINE_ADDRS_MAX)
		n = LINE_ADDRS_MAX;
	for (i = 0; i < n; i++)
		slot_view(cfg, &slots[i], &fa[i]);
	fl.fl_buf = buf;
	fl.fl_len = len;
	fl.fl_raw = raw;
	fl.fl_read_ms = read_ms;
	fl.fl_addrs = fa;
	fl.fl_n = n;
	fl.fl_json = json != NULL ? jsonscan_parser(json) : NULL;
	fmt_line(ob, cfg, &fl, &fr);
	/* --input json: an overlong line passes through, counted once. */
	if (raw && cfg->cf_input == CFG_INPUT_JSON && line_ended(buf, len))
		st->st_json_passed++;
	st->st_lines_out++;
	st->st_addrs += fr.fr_addrs;
	for (i = 0; i < VERDICT_COUNT; i++)
		st->st_verdicts[i] += fr.fr_verdicts[i];
}
