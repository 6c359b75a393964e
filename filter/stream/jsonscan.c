/*
 * jsonscan: see jsonscan.h. Every address found is merged into a list
 * kept sorted by its place in the line, distinct, cut at max: an
 * address met again keeps its first place, so the list is the first
 * max distinct addresses of the line whatever order the fields and
 * scans are visited in.
 */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "jsonin.h"
#include "jsonscan.h"
#include "line.h"
#include "util.h"

#define JSONSCAN_HITS_MAX	8	/* members one PATH may name */

struct jsonscan {
	struct jsonin	*js_json;
	char		*js_dec;	/* a decoded string */
	size_t		 js_cap;
};

/* What one line's walk carries. */
struct jswalk {
	struct jsonscan	*jw_js;
	struct ipmatch	*jw_out;
	size_t		 jw_n;
	size_t		 jw_max;
	int		(*jw_keep)(const struct ipaddr *, const void *);
	const void	*jw_arg;
};

struct jsonscan *
jsonscan_create(void)
{
	struct jsonscan	*js = xcalloc(1, sizeof(*js));

	js->js_json = jsonin_create();
	return js;
}

void
jsonscan_free(struct jsonscan *js)
{
	if (js == NULL)
		return;
	jsonin_free(js->js_json);
	free(js->js_dec);
	free(js);
}

struct jsonin *
jsonscan_parser(struct jsonscan *js)
{
	return js->js_json;
}

/* Merge m into the sorted, distinct list (see top). */
static void
merge(struct jswalk *jw, const struct ipmatch *m)
{
	struct ipmatch	*o = jw->jw_out;
	size_t		 i, at;

	for (i = 0; i < jw->jw_n; i++)
		if (ipaddr_cmp(&o[i].im_addr, &m->im_addr) == 0)
			break;
	if (i < jw->jw_n) {
		if (o[i].im_so <= m->im_so)
			return;
		memmove(o + i, o + i + 1, (jw->jw_n - i - 1) * sizeof(*o));
		jw->jw_n--;
	}
	for (at = jw->jw_n; at > 0 && o[at - 1].im_so > m->im_so; at--)
		;
	if (at == jw->jw_max)
		return;
	if (jw->jw_n == jw->jw_max)
		jw->jw_n--;
	memmove(o + at + 1, o + at, (jw->jw_n - at) * sizeof(*o));
	o[at] = *m;
	jw->jw_n++;
}

/* Room for the decoded string tok; returns the buffer. */
static char *
decode(struct jswalk *jw, int tok, size_t *n)
{
	struct jsonscan	*js = jw->jw_js;
	size_t		 need = jsonin_end(js->js_json, tok) -
	    jsonin_start(js->js_json, tok);

	if (need > js->js_cap) {
		js->js_dec = xreallocarray(js->js_dec, need, 1);
		js->js_cap = need;
	}
	*n = jsonin_string(js->js_json, tok, js->js_dec);
	return js->js_dec;
}

/* A --field value: a string that is an address. */
static void
field_value(struct jswalk *jw, int tok)
{
	struct ipmatch	 m;
	const char	*s;
	size_t		 n;

	if (jsonin_type(jw->jw_js->js_json, tok) != JSONIN_STRING)
		return;
	s = decode(jw, tok, &n);
	memset(&m, 0, sizeof(m));
	if (ipaddr_parse(s, n, &m.im_addr) == -1)
		return;
	ipaddr_unmap(&m.im_addr);
	if (jw->jw_keep != NULL && !jw->jw_keep(&m.im_addr, jw->jw_arg))
		return;
	m.im_role = IPSCAN_ROLE_IP;
	m.im_so = jsonin_start(jw->jw_js->js_json, tok) + 1;
	m.im_eo = jsonin_end(jw->jw_js->js_json, tok) - 1;
	merge(jw, &m);
}

/* The --field paths: strings, or arrays of strings (host.ip). */
static void
fields(struct jswalk *jw, const struct config *cfg)
{
	struct jsonin		*j = jw->jw_js->js_json;
	struct jsonin_hit	 h[JSONSCAN_HITS_MAX];
	size_t			 i, k, n;
	int			 e;

	for (i = 0; i < cfg->cf_nfields; i++) {
		n = jsonin_find(j, cfg->cf_fields[i],
		    strlen(cfg->cf_fields[i]), h, JSONSCAN_HITS_MAX);
		for (k = 0; k < n; k++) {
			if (jsonin_type(j, h[k].jh_val) != JSONIN_ARRAY) {
				field_value(jw, h[k].jh_val);
				continue;
			}
			for (e = jsonin_child(j, h[k].jh_val); e != -1;
			    e = jsonin_next(j, e))
				field_value(jw, e);
		}
	}
}

/* One --scan string: the scanner over its decoded text. */
static void
scan_value(struct jswalk *jw, struct ipscan *sc, int tok, struct stats *st)
{
	struct jsonin	*j = jw->jw_js->js_json;
	struct ipmatch	 m[LINE_ADDRS_MAX];
	const char	*s;
	size_t		 n, i;
	int		 rc;

	if (jsonin_type(j, tok) != JSONIN_STRING)
		return;
	s = decode(jw, tok, &n);
	rc = ipscan_line_keep(sc, s, n, m, jw->jw_max, jw->jw_keep,
	    jw->jw_arg);
	if (ipscan_limited(sc))
		st->st_pattern_limit++;
	if (rc == -1) {
		st->st_scan_errors++;
		return;
	}
	for (i = 0; i < (size_t)rc; i++) {
		/* Spans back into the line's escaped text. */
		m[i].im_so = jsonin_raw_offset(j, tok, m[i].im_so);
		m[i].im_eo = jsonin_raw_offset(j, tok, m[i].im_eo);
		if (m[i].im_helo_eo > m[i].im_helo_so) {
			m[i].im_helo_so = jsonin_raw_offset(j, tok,
			    m[i].im_helo_so);
			m[i].im_helo_eo = jsonin_raw_offset(j, tok,
			    m[i].im_helo_eo);
		} else
			m[i].im_helo_so = m[i].im_helo_eo = 0;
		merge(jw, &m[i]);
	}
}

size_t
jsonscan_line(struct jsonscan **jsp, struct ipscan *sc,
    const struct config *cfg, const char *buf, size_t len,
    struct ipmatch *out, size_t max,
    int (*keep)(const struct ipaddr *, const void *), const void *arg,
    struct stats *st)
{
	struct jsonin_hit	 h[JSONSCAN_HITS_MAX];
	struct jsonscan		*js;
	struct jswalk		 jw;
	size_t			 i, k, n;

	if (*jsp == NULL)
		*jsp = jsonscan_create();
	js = *jsp;

	if (jsonin_parse(js->js_json, buf, line_text_len(buf, len)) !=
	    JSONIN_OK || !fmt_jsonin_accepts(js->js_json)) {
		st->st_json_passed++;
		return 0;
	}
	memset(&jw, 0, sizeof(jw));
	jw.jw_js = js;
	jw.jw_out = out;
	jw.jw_max = max;
	jw.jw_keep = keep;
	jw.jw_arg = arg;
	fields(&jw, cfg);
	for (i = 0; i < cfg->cf_nscans; i++) {
		n = jsonin_find(js->js_json, cfg->cf_scans[i],
		    strlen(cfg->cf_scans[i]), h, JSONSCAN_HITS_MAX);
		for (k = 0; k < n; k++)
			scan_value(&jw, sc, h[k].jh_val, st);
	}
	return jw.jw_n;
}
