/*
 * fuzz_format: annot_line in one output format (FZ_FORMAT, set by
 * meson.build) with a hostile line and a hostile PTR host name.
 *
 * Input: [ctrl][flags][hl][host: hl bytes][line: the rest]. ctrl picks
 * the verdict (bits 0-2), no host (3), a raw line (4), verdicts rotating
 * per slot (5), every odd slot shed (6) and rotating src/dst roles (7);
 * flags picks the generic flag (bit 0), a claimed HELO name before each
 * address (1) and a different host on odd slots (2). The host may hold
 * any byte; as a C string it ends at its first NUL. Slots are the
 * addresses ipscan finds in the line, as the loop builds them.
 *
 * The output is parsed back by code written here, never by annot.c:
 * kv and inline must give back the original line exactly once the
 * annotations are removed, and every annotation must decode to exactly
 * the expected values with no raw control byte, quote or newline; json
 * must be one line of well-formed UTF-8 and strict JSON whose members
 * decode to the expected values, "message" being the line with invalid
 * UTF-8 bytes replaced by U+FFFD; mmexternal the same for its reply
 * ("{}" or the "$!" variables, nothing for a raw piece).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "config.h"
#include "ipscan.h"
#include "lineq.h"
#include "outbuf.h"
#include "resolver.h"
#include "stats.h"

#include "fuzzcheck.h"
#include "fuzzformat.h"

#ifndef FZ_FORMAT
#error "FZ_FORMAT must name a cfg_format"
#endif

static struct ipscan	*fz_scan;

static struct ipscan *
scanner(void)
{
	char	errbuf[256];

	if (fz_scan == NULL &&
	    (fz_scan = ipscan_create(errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "ipscan_create: %s\n", errbuf);
		abort();
	}
	return fz_scan;
}

static int
helo_delim(int c)
{
	return c == ' ' || c == '=' || c == '<' || c == '>' || c == '[' ||
	    c == ']';
}

/* The claimed name: the token just before the address, past one delimiter. */
static void
helo_span(const char *line, size_t so, size_t *hso, size_t *heo)
{
	size_t	e = so, s;

	if (e > 0 && helo_delim((unsigned char)line[e - 1]))
		e--;
	for (s = e; s > 0 && !helo_delim((unsigned char)line[s - 1]); s--)
		;
	*hso = s;
	*heo = e;
}

/* Build the slots and their cache entries as the loop would. */
static size_t
build_slots(struct fz_case *fc)
{
	struct ipmatch	 m[LINE_ADDRS_MAX];
	struct lslot	*ls;
	struct dnsent	*de;
	size_t		 i, n;
	int		 rc;

	if (fc->fc_raw)
		return 0;
	rc = ipscan_line(scanner(), fc->fc_line, fc->fc_len, m,
	    LINE_ADDRS_MAX);
	n = rc > 0 ? (size_t)rc : 0;
	memset(fc->fc_slots, 0, sizeof(fc->fc_slots));
	memset(fc->fc_ents, 0, sizeof(fc->fc_ents));
	for (i = 0; i < n; i++) {
		ls = &fc->fc_slots[i];
		de = &fc->fc_ents[i];
		ls->ls_addr = m[i].im_addr;
		ls->ls_role = (uint8_t)(fc->fc_ctrl & 0x80 ? i % 3 :
		    (size_t)m[i].im_role);
		ls->ls_so = m[i].im_so;
		ls->ls_eo = m[i].im_eo;
		if (fc->fc_flags & 0x02)
			helo_span(fc->fc_line, ls->ls_so, &ls->ls_helo_so,
			    &ls->ls_helo_eo);
		ls->ls_verdict = (uint8_t)((fc->fc_ctrl + i) % VERDICT_COUNT);
		if ((fc->fc_ctrl & 0x40) && i % 2 == 1)
			continue;	/* shed: ls_ent stays NULL */
		de->de_addr = m[i].im_addr;
		de->de_verdict = (uint8_t)((fc->fc_ctrl & 0x07) +
		    (fc->fc_ctrl & 0x20 ? i : 0)) % VERDICT_COUNT;
		de->de_generic = (uint8_t)(fc->fc_flags & 0x01);
		if (!(fc->fc_ctrl & 0x08))
			de->de_host = (fc->fc_flags & 0x04) && i % 2 == 1 &&
			    fc->fc_host[0] != '\0' ? fc->fc_host + 1 :
			    fc->fc_host;
		ls->ls_ent = de;
	}
	return n;
}

static const char *const fz_words[VERDICT_COUNT] = {
	"timeout", "pass", "fail", "none", "temperror", "permerror",
	"timeout", "skipped",
};

/* The claimed name against the host: case-blind, one trailing dot off. */
static const char *
model_helo(const char *line, size_t so, size_t eo, const char *host)
{
	size_t	clen = eo - so, hlen, i;

	if (clen > 0 && line[eo - 1] == '.')
		clen--;
	if (host == NULL)
		return "mismatch";
	hlen = strlen(host);
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if (hlen != clen)
		return "mismatch";
	for (i = 0; i < hlen; i++)
		if (fz_lower(line[so + i]) != fz_lower(host[i]))
			return "mismatch";
	return "match";
}

/* What the output must say about each slot. */
static void
expect(struct fz_case *fc)
{
	const struct lslot	*ls;
	struct fz_expect	*ex;
	size_t			 i;

	for (i = 0; i < fc->fc_n; i++) {
		ls = &fc->fc_slots[i];
		ex = &fc->fc_expect[i];
		memset(ex, 0, sizeof(*ex));
		FZ_CHECK(ipaddr_ntop(&ls->ls_addr, ex->ex_ip,
		    sizeof(ex->ex_ip)) > 0);
		if (ls->ls_ent == NULL)
			ex->ex_verdict = ls->ls_verdict;
		else if (ls->ls_ent->de_verdict == VERDICT_PENDING)
			ex->ex_verdict = VERDICT_TIMEOUT;
		else {
			ex->ex_verdict = ls->ls_ent->de_verdict;
			ex->ex_host = ls->ls_ent->de_host;
			ex->ex_generic = ls->ls_ent->de_generic != 0;
		}
		ex->ex_word = fz_words[ex->ex_verdict];
		if (ls->ls_helo_eo > ls->ls_helo_so)
			ex->ex_helo = model_helo(fc->fc_line, ls->ls_helo_so,
			    ls->ls_helo_eo, ex->ex_host);
	}
}

static void
check_stats(const struct fz_case *fc, const struct stats *st)
{
	uint64_t	want[VERDICT_COUNT];
	size_t		i;

	memset(want, 0, sizeof(want));
	for (i = 0; i < fc->fc_n; i++)
		want[fc->fc_expect[i].ex_verdict]++;
	FZ_CHECK(st->st_lines_out == 1 && st->st_addrs == fc->fc_n);
	FZ_CHECK(memcmp(want, st->st_verdicts, sizeof(want)) == 0);
}

/* Split the input; host and line become exact-size heap copies. */
static void
split(struct fz_case *fc, const uint8_t *data, size_t size)
{
	size_t	hl = 0, off = 0;

	memset(fc, 0, sizeof(*fc));
	if (size >= 3) {
		fc->fc_ctrl = data[0];
		fc->fc_flags = data[1];
		hl = data[2];
		off = 3;
	}
	if (hl > size - off)
		hl = size - off;
	if ((fc->fc_host = malloc(hl + 1)) == NULL)
		abort();
	memcpy(fc->fc_host, data + off, hl);
	fc->fc_host[hl] = '\0';
	off += hl;
	fc->fc_len = size - off;
	if ((fc->fc_line = malloc(fc->fc_len > 0 ? fc->fc_len : 1)) == NULL)
		abort();
	memcpy(fc->fc_line, data + off, fc->fc_len);
	fc->fc_raw = (fc->fc_ctrl & 0x10) != 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_case	 fc;
	struct config		 cfg;
	struct outbuf		 ob;
	struct stats		 st;

	split(&fc, data, size);
	fc.fc_n = build_slots(&fc);
	expect(&fc);

	memset(&cfg, 0, sizeof(cfg));
	cfg.cf_format = FZ_FORMAT;
	cfg.cf_prefix = CFG_PREFIX;
	cfg.cf_max_ips = LINE_ADDRS_MAX;
	cfg.cf_max_line = CFG_MAX_LINE;
	memset(&st, 0, sizeof(st));
	outbuf_init(&ob, CFG_OUT_HIGH);
	annot_line(&ob, &cfg, fc.fc_line, fc.fc_len, fc.fc_slots, fc.fc_n,
	    fc.fc_raw, &st);
	FZ_CHECK(ob.ob_off == 0 && ob.ob_len <= ob.ob_cap);
	check_stats(&fc, &st);

	if (cfg.cf_format == CFG_FORMAT_KV)
		fz_check_kv(&fc, ob.ob_buf, ob.ob_len);
	else if (cfg.cf_format == CFG_FORMAT_JSON)
		fz_check_json(&fc, ob.ob_buf, ob.ob_len);
	else if (cfg.cf_format == CFG_FORMAT_INLINE)
		fz_check_inline(&fc, ob.ob_buf, ob.ob_len);
	else if (cfg.cf_format == CFG_FORMAT_MMEXTERNAL)
		fz_check_mmexternal(&fc, ob.ob_buf, ob.ob_len);
	else
		abort();
	outbuf_free(&ob);
	free(fc.fc_host);
	free(fc.fc_line);
	return 0;
}
