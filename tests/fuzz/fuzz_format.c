/*
 * fuzz_format: fmt_line (filter/format/format.h) in one output format
 * (FZ_FORMAT, set by meson.build) with a hostile line and a hostile PTR
 * host name.
 *
 * Input: [ctrl][flags][hl][host: hl bytes][line: the rest]. ctrl picks
 * the verdict (bits 0-2), no host (3), a raw line (4), verdicts rotating
 * per slot (5), every odd slot shed (6) and rotating src/dst roles (7);
 * flags picks the generic flag (bit 0), a claimed HELO name before each
 * address (1) and a different host on odd slots (2). The host may hold
 * any byte; as a C string it ends at its first NUL. The views are the
 * addresses ipscan finds in the line, as the stream layer builds them;
 * the result must count exactly the addresses given.
 *
 * The output is parsed back by code written here, never by the format
 * layer's:
 * kv and inline must give back the original line exactly once the
 * annotations are removed, and every annotation must decode to exactly
 * the expected values with no raw control byte, quote or newline; json
 * must be one line of well-formed UTF-8 and strict JSON whose members
 * decode to the expected values, "@timestamp" to the read time given,
 * "message" being the line with invalid UTF-8 bytes replaced by U+FFFD,
 * ECS fields naming only pass hosts and nothing empty; mmexternal the
 * same for its reply ("{}" or the "$!" variables, nothing for a raw
 * piece). kv must also mark a line whose text holds the prefix and the
 * end of an overlong line, with the same keys in every group.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "format.h"
#include "ipscan.h"
#include "outbuf.h"

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

/*
 * Build the views as the stream layer would: one per address ipscan
 * finds, in order, answered as ctrl and flags say.
 */
static size_t
build_addrs(struct fz_case *fc)
{
	struct ipmatch	 m[LINE_ADDRS_MAX];
	struct fmt_addr	*fa;
	size_t		 i, n;
	int		 rc;

	if (fc->fc_raw)
		return 0;
	rc = ipscan_line(scanner(), fc->fc_line, fc->fc_len, m,
	    LINE_ADDRS_MAX);
	n = rc > 0 ? (size_t)rc : 0;
	memset(fc->fc_addrs, 0, sizeof(fc->fc_addrs));
	for (i = 0; i < n; i++) {
		fa = &fc->fc_addrs[i];
		fc->fc_ips[i] = m[i].im_addr;
		fa->fa_addr = &fc->fc_ips[i];
		fa->fa_role = fc->fc_ctrl & 0x80 ? (enum ipscan_role)(i % 3) :
		    m[i].im_role;
		fa->fa_so = m[i].im_so;
		fa->fa_eo = m[i].im_eo;
		if (fc->fc_flags & 0x02)
			helo_span(fc->fc_line, fa->fa_so, &fa->fa_helo_so,
			    &fa->fa_helo_eo);
		if ((fc->fc_ctrl & 0x40) && i % 2 == 1) {
			/* shed: its own verdict, no answer */
			fa->fa_verdict = (enum verdict)((fc->fc_ctrl + i) %
			    VERDICT_COUNT);
			continue;
		}
		fa->fa_verdict = (enum verdict)(((fc->fc_ctrl & 0x07) +
		    (fc->fc_ctrl & 0x20 ? i : 0)) % VERDICT_COUNT);
		fa->fa_generic = fc->fc_flags & 0x01;
		if (!(fc->fc_ctrl & 0x08))
			fa->fa_host = (fc->fc_flags & 0x04) && i % 2 == 1 &&
			    fc->fc_host[0] != '\0' ? fc->fc_host + 1 :
			    fc->fc_host;
	}
	return n;
}

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

/* What the output must say about each address. */
static void
expect(struct fz_case *fc)
{
	const struct fmt_addr	*fa;
	struct fz_expect	*ex;
	size_t			 i;

	for (i = 0; i < fc->fc_n; i++) {
		fa = &fc->fc_addrs[i];
		ex = &fc->fc_expect[i];
		memset(ex, 0, sizeof(*ex));
		FZ_CHECK(ipaddr_ntop(fa->fa_addr, ex->ex_ip,
		    sizeof(ex->ex_ip)) > 0);
		ex->ex_verdict = (int)fa->fa_verdict;
		ex->ex_host = fa->fa_host;
		ex->ex_generic = fa->fa_generic != 0;
		ex->ex_word = verdict_name(ex->ex_verdict);
		if (fa->fa_helo_eo > fa->fa_helo_so)
			ex->ex_helo = model_helo(fc->fc_line, fa->fa_helo_so,
			    fa->fa_helo_eo, ex->ex_host);
	}
}

/* The result counts every address given, each under its verdict. */
static void
check_result(const struct fz_case *fc, const struct fmt_result *fr)
{
	size_t	want[VERDICT_COUNT];
	size_t	i;

	memset(want, 0, sizeof(want));
	for (i = 0; i < fc->fc_n; i++)
		want[fc->fc_expect[i].ex_verdict]++;
	FZ_CHECK(fr->fr_addrs == fc->fc_n);
	FZ_CHECK(memcmp(want, fr->fr_verdicts, sizeof(want)) == 0);
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
	/* A read time anywhere from 1970 to 9999, from the input. */
	fc->fc_read_ms = ((uint64_t)fc->fc_len * 0x9e3779b97f4a7c15ULL +
	    hl * 0x2545f4914f6cdd1dULL + fc->fc_ctrl) % 253402300800000ULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_case	 fc;
	struct config		 cfg;
	struct fmt_line		 fl;
	struct fmt_result	 fr;
	struct outbuf		 ob;

	split(&fc, data, size);
	fc.fc_n = build_addrs(&fc);
	expect(&fc);

	memset(&cfg, 0, sizeof(cfg));
	cfg.cf_format = FZ_FORMAT;
	cfg.cf_prefix = CFG_PREFIX;
	cfg.cf_max_ips = LINE_ADDRS_MAX;
	cfg.cf_max_line = CFG_MAX_LINE;
	fl.fl_buf = fc.fc_line;
	fl.fl_len = fc.fc_len;
	fl.fl_raw = fc.fc_raw;
	fl.fl_read_ms = fc.fc_read_ms;
	fl.fl_addrs = fc.fc_addrs;
	fl.fl_n = fc.fc_n;
	outbuf_init(&ob, CFG_OUT_HIGH);
	fmt_line(&ob, &cfg, &fl, &fr);
	FZ_CHECK(ob.ob_off == 0 && ob.ob_len <= ob.ob_cap);
	check_result(&fc, &fr);

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
