/*
 * fuzz_jsonin: --input json end to end without DNS: the line goes
 * through jsonscan_line (filter/jsonin's parser and the scanner), its
 * addresses get answers as ctrl says, and fmt_line writes the object.
 *
 * Input: [ctrl][flags][hl][host: hl bytes][line: the rest]. ctrl picks
 * the verdict (bits 0-2), no host (3), verdicts rotating per address
 * (5); flags bit 0 swaps the default --field/--scan paths for others
 * (flat and nested alike). The host may hold any byte (escaped on
 * output); as a C string it ends at its first NUL.
 *
 * The output is judged by code that shares nothing with jsonin or the
 * format layer:
 * - a line jsonscan refused, or one with no address, comes out exactly
 *   as it went in;
 * - else the output is one strict JSON object (tests/fuzz/jsoncheck.c:
 *   UTF-8, no duplicate member name anywhere; whenever jsoncheck takes
 *   the input, whose names it wants without NUL), and walking input and
 *   output side by side, every difference is a run of whole members or
 *   elements inserted just before a '}' or ']' of the input: removing
 *   them gives the input back byte for byte. Inserted member names are
 *   only ptrtag's own (rdns, related, ip, hosts, domain, X.domain,
 *   related.ip, related.hosts, @timestamp, ecs, version, ecs.version),
 *   and rdns lists exactly the addresses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "format.h"
#include "ipscan.h"
#include "jsonscan.h"
#include "line.h"
#include "outbuf.h"
#include "stats.h"

#include "fuzzcheck.h"
#include "jsoncheck.h"
#include "jsonin.h"

static const char *const fz_fields[] = {
	"source.ip", "destination.ip", "client.ip", "server.ip", "host.ip",
};
static const char *const fz_scans[] = { "message", "MESSAGE", "log" };
static const char *const fz_fields2[] = { "source.ip", "a.b.ip", "x" };
static const char *const fz_scans2[] = { "m.sg", "log" };

/* Member names ptrtag may insert. */
static const char *const fz_names[] = {
	"rdns", "related", "ip", "hosts", "domain", "source.domain",
	"destination.domain", "client.domain", "server.domain",
	"related.ip", "related.hosts", "@timestamp", "ecs", "version",
	"ecs.version",
};

static struct ipscan	*fz_scan;
static struct jsonscan	*fz_js;

static void
setup(void)
{
	char	errbuf[256];

	if (fz_scan == NULL &&
	    (fz_scan = ipscan_create(errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "ipscan_create: %s\n", errbuf);
		abort();
	}
	if (fz_js == NULL)
		fz_js = jsonscan_create();
}

static void
config(struct config *cfg, uint8_t flags)
{
	size_t	i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->cf_input = CFG_INPUT_JSON;
	cfg->cf_max_ips = LINE_ADDRS_MAX;
	if (flags & 0x01) {
		for (i = 0; i < 3; i++)
			cfg->cf_fields[cfg->cf_nfields++] = fz_fields2[i];
		for (i = 0; i < 2; i++)
			cfg->cf_scans[cfg->cf_nscans++] = fz_scans2[i];
		return;
	}
	for (i = 0; i < 5; i++)
		cfg->cf_fields[cfg->cf_nfields++] = fz_fields[i];
	for (i = 0; i < 3; i++)
		cfg->cf_scans[cfg->cf_nscans++] = fz_scans[i];
}

/* Past the JSON string at s[i] ('"'), within n; aborts if unclosed. */
static size_t
skip_string(const char *s, size_t n, size_t i)
{
	FZ_CHECK(i < n && s[i] == '"');
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	FZ_CHECK(i < n);
	return i + 1;
}

/* Past the JSON value at s[i]: a string, a container, or a literal. */
static size_t
skip_value(const char *s, size_t n, size_t i)
{
	int	depth = 0;

	FZ_CHECK(i < n);
	if (s[i] == '"')
		return skip_string(s, n, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < n && strchr(",}]", s[i]) == NULL)
			i++;
		return i;
	}
	for (;;) {
		FZ_CHECK(i < n);
		if (s[i] == '"') {
			i = skip_string(s, n, i);
			continue;
		}
		if (s[i] == '{' || s[i] == '[')
			depth++;
		else if (s[i] == '}' || s[i] == ']')
			depth--;
		i++;
		if (depth == 0)
			return i;
	}
}

/* 1 when the member name s[so..eo) (quotes excluded) is one of ours. */
static int
ours(const char *s, size_t so, size_t eo)
{
	size_t	i;

	for (i = 0; i < sizeof(fz_names) / sizeof(fz_names[0]); i++)
		if (strlen(fz_names[i]) == eo - so &&
		    memcmp(fz_names[i], s + so, eo - so) == 0)
			return 1;
	return 0;
}

/*
 * The run inserted at out[o..) before the input's closer c: members
 * (c '}') or string elements (c ']'), comma-separated, perhaps after a
 * leading comma. Returns the offset of c in out.
 */
static size_t
inserted(const char *out, size_t olen, size_t o, char c)
{
	size_t	k;

	if (out[o] == ',')
		o++;
	for (;;) {
		if (c == '}') {
			k = skip_string(out, olen, o);
			FZ_CHECK(ours(out, o + 1, k - 1));
			FZ_CHECK(k < olen && out[k] == ':');
			o = skip_value(out, olen, k + 1);
		} else {
			FZ_CHECK(out[o] == '"');
			o = skip_string(out, olen, o);
		}
		FZ_CHECK(o < olen);
		if (out[o] == c)
			return o;
		FZ_CHECK(out[o] == ',');
		o++;
	}
}

/* Removing the inserted runs from out gives in back (see top). */
static void
check_insertions(const char *in, size_t ilen, const char *out, size_t olen)
{
	size_t	i = 0, o = 0;

	while (i < ilen) {
		FZ_CHECK(o < olen);
		if (in[i] == out[o]) {
			i++;
			o++;
			continue;
		}
		FZ_CHECK(in[i] == '}' || in[i] == ']');
		o = inserted(out, olen, o, in[i]);
	}
	FZ_CHECK(o == olen);
}

static void
check_output(const char *line, size_t len, size_t n, const char *out,
    size_t olen)
{
	struct jv		*root;
	const struct jv		*rdns;
	size_t			 t = line_text_len(line, len);

	FZ_CHECK(olen >= len);
	/* The terminator stays where it was: at the end. */
	FZ_CHECK(memcmp(out + olen - (len - t), line + t, len - t) == 0);
	check_insertions(line, t, out, olen - (len - t));
	/*
	 * jsoncheck refuses member names holding "\u0000" (its names are C
	 * strings) and nesting past 32: judge the output strictly whenever
	 * it judges the input so.
	 */
	if ((root = jv_parse(line, t)) == NULL)
		return;
	jv_free(root);
	FZ_CHECK((root = jv_parse(out, olen - (len - t))) != NULL);
	FZ_CHECK(root->jv_type == JV_OBJECT);
	rdns = jv_member(root, "rdns");
	FZ_CHECK(rdns != NULL && rdns->jv_type == JV_ARRAY);
	FZ_CHECK(rdns->jv_count == n);
	jv_free(root);
}

/*
 * jsonin against jsoncheck, an independent strict parser: they agree on
 * which texts are one JSON object, but for jsonin's own limits (depth
 * 16, tokens) and jsoncheck's names, which cannot hold U+0000.
 */
static void
check_agree(const char *line, size_t len)
{
	struct jv		*root;
	enum jsonin_status	 st;
	size_t			 t = line_text_len(line, len);
	int			 obj;

	st = jsonin_parse(jsonscan_parser(fz_js), line, t);
	root = jv_parse(line, t);
	obj = root != NULL && root->jv_type == JV_OBJECT;
	jv_free(root);
	if (st == JSONIN_OK && !obj)
		FZ_CHECK(memmem(line, t, "\\u0000", 6) != NULL);
	if (obj && st != JSONIN_OK)
		FZ_CHECK(st == JSONIN_TOO_DEEP || st == JSONIN_TOO_MANY);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipmatch		 m[LINE_ADDRS_MAX];
	struct fmt_addr		 fa[LINE_ADDRS_MAX];
	struct ipaddr		 ia[LINE_ADDRS_MAX];
	struct config		 cfg;
	struct stats		 st;
	struct fmt_line		 fl;
	struct fmt_result	 fr;
	struct outbuf		 ob;
	char			*host, *line;
	uint8_t			 ctrl = 0, flags = 0;
	size_t			 hl = 0, off = 0, len, n, i;

	setup();
	if (size >= 3) {
		ctrl = data[0];
		flags = data[1];
		hl = data[2];
		off = 3;
	}
	if (hl > size - off)
		hl = size - off;
	if ((host = malloc(hl + 1)) == NULL)
		abort();
	memcpy(host, data + off, hl);
	host[hl] = '\0';
	len = size - off - hl;
	line = fz_copy(data + off + hl, len);
	config(&cfg, flags);
	check_agree(line, len);
	memset(&st, 0, sizeof(st));
	n = jsonscan_line(&fz_js, fz_scan, &cfg, line, len, m, LINE_ADDRS_MAX,
	    NULL, NULL, &st);
	FZ_CHECK(n <= LINE_ADDRS_MAX);
	memset(fa, 0, sizeof(fa));
	for (i = 0; i < n; i++) {
		ia[i] = m[i].im_addr;
		fa[i].fa_addr = &ia[i];
		fa[i].fa_so = m[i].im_so;
		fa[i].fa_eo = m[i].im_eo;
		FZ_CHECK(i == 0 || m[i - 1].im_so < m[i].im_so);
		FZ_CHECK(m[i].im_eo <= len);
		fa[i].fa_verdict = (enum verdict)(((ctrl & 0x07) +
		    (ctrl & 0x20 ? i : 0)) % VERDICT_COUNT);
		if (!(ctrl & 0x08))
			fa[i].fa_host = host;
	}
	memset(&fl, 0, sizeof(fl));
	fl.fl_buf = line;
	fl.fl_len = len;
	fl.fl_addrs = fa;
	fl.fl_n = n;
	fl.fl_json = jsonscan_parser(fz_js);
	outbuf_init(&ob, CFG_OUT_HIGH);
	fmt_line(&ob, &cfg, &fl, &fr);
	FZ_CHECK(fr.fr_addrs == n);
	if (n == 0)
		FZ_CHECK(ob.ob_len == len &&
		    (len == 0 || memcmp(ob.ob_buf, line, len) == 0));
	else
		check_output(line, len, n, ob.ob_buf, ob.ob_len);
	outbuf_free(&ob);
	free(host);
	free(line);
	return 0;
}
