/*
 * fmtcheck: parse fmt_line's output back and compare it with what the
 * case expects (see fuzz_format.c). Written from ptrtag.1, OUTPUT, and
 * format.h, without looking at how filter/format builds the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "fuzzcheck.h"
#include "fuzzformat.h"
#include "jsoncheck.h"

/* Length of the "\n" or "\r\n" that ends buf, or 0. */
static size_t
term_len(const char *buf, size_t len)
{
	if (len >= 2 && buf[len - 2] == '\r' && buf[len - 1] == '\n')
		return 2;
	return len >= 1 && buf[len - 1] == '\n' ? 1 : 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A byte that forces a kv value into quotes (ptrtag.1, VERDICTS and OUTPUT). */
static int
kv_special(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '"' || c == '=' || c == '\\';
}

/* One quoted kv value after its '"'; decoded into val. */
static size_t
kv_quoted(const char *s, size_t len, size_t *pos, char *val)
{
	size_t	p = *pos, o = 0;
	int	c, hi, lo;

	for (;;) {
		FZ_CHECK(p < len);
		c = (unsigned char)s[p];
		if (c == '"')
			break;
		if (c != '\\') {
			FZ_CHECK(c >= 0x20 && c != 0x7f);
			val[o++] = (char)c;
			p++;
			continue;
		}
		FZ_CHECK(p + 1 < len);
		if (s[p + 1] == '"' || s[p + 1] == '\\') {
			val[o++] = s[p + 1];
			p += 2;
			continue;
		}
		FZ_CHECK(s[p + 1] == 'x' && p + 3 < len);
		hi = hexval((unsigned char)s[p + 2]);
		lo = hexval((unsigned char)s[p + 3]);
		FZ_CHECK(hi >= 0 && lo >= 0);
		c = hi << 4 | lo;
		/* Only control bytes travel as \xHH. */
		FZ_CHECK(c < 0x20 || c == 0x7f);
		val[o++] = (char)c;
		p += 4;
	}
	*pos = p + 1;
	return o;
}

/*
 * A kv value at s[*pos], bare or quoted, decoded into val. A bare "-"
 * means no value, so a value "-" must be quoted.
 */
static size_t
kv_value(const char *s, size_t len, size_t *pos, char *val)
{
	size_t	p = *pos, o = 0, i;
	int	quoted = 0, needs;

	if (p < len && s[p] == '"') {
		quoted = 1;
		p++;
		o = kv_quoted(s, len, &p, val);
	} else
		while (p < len && s[p] != ' ') {
			FZ_CHECK(!kv_special((unsigned char)s[p]));
			val[o++] = s[p++];
		}
	FZ_CHECK(p == len || s[p] == ' ');
	/* Quoted exactly when the value needs it. */
	for (needs = o == 0, i = 0; i < o; i++)
		if (kv_special((unsigned char)val[i]))
			needs = 1;
	if (o == 1 && val[0] == '-')
		needs = 1;
	FZ_CHECK(quoted == needs);
	*pos = p;
	return o;
}

/*
 * " PREFIXkey=value" at ann[*pos], the value decoding to want; want
 * NULL: the bare "-" of no value.
 */
static void
kv_pair(const char *ann, size_t alen, size_t *pos, const char *key,
    const char *want, char *val)
{
	size_t	plen = strlen(CFG_PREFIX), klen = strlen(key);
	size_t	p = *pos, vlen;

	FZ_CHECK(p < alen && ann[p] == ' ');
	p++;
	FZ_CHECK(alen - p > plen + klen);
	FZ_CHECK(memcmp(ann + p, CFG_PREFIX, plen) == 0);
	FZ_CHECK(memcmp(ann + p + plen, key, klen) == 0);
	FZ_CHECK(ann[p + plen + klen] == '=');
	p += plen + klen + 1;
	if (want == NULL) {
		FZ_CHECK(alen - p >= 1 && ann[p] == '-');
		FZ_CHECK(alen - p == 1 || ann[p + 1] == ' ');
		*pos = p + 1;
		return;
	}
	vlen = kv_value(ann, alen, &p, val);
	FZ_CHECK(vlen == strlen(want) && memcmp(val, want, vlen) == 0);
	*pos = p;
}

/* The annotations one line's block must hold, from ann[0..alen). */
static void
kv_block(const struct fz_case *fc, const char *ann, size_t alen,
    int forged)
{
	const struct fz_expect	*ex;
	char			*val, num[24];
	size_t			 pos = 0, i;
	int			 helo = 0;

	if ((val = malloc(alen + 1)) == NULL)
		abort();
	snprintf(num, sizeof(num), "%zu", fc->fc_n);
	kv_pair(ann, alen, &pos, "n", num, val);
	if (forged)
		kv_pair(ann, alen, &pos, "forged", "true", val);
	for (i = 0; i < fc->fc_n; i++)
		if (fc->fc_expect[i].ex_helo != NULL)
			helo = 1;
	/* Every group has the same keys in the same order. */
	for (i = 0; i < fc->fc_n; i++) {
		ex = &fc->fc_expect[i];
		kv_pair(ann, alen, &pos, "ip", ex->ex_ip, val);
		kv_pair(ann, alen, &pos, "host", ex->ex_host, val);
		kv_pair(ann, alen, &pos, "fcrdns", ex->ex_word, val);
		kv_pair(ann, alen, &pos, "generic",
		    ex->ex_generic ? "true" : "false", val);
		if (helo)
			kv_pair(ann, alen, &pos, "helo", ex->ex_helo, val);
	}
	FZ_CHECK(pos == alen);
	free(val);
}

/* The mark that ends an overlong line. */
static void
kv_overlong(const char *ann, size_t alen)
{
	char	*val;
	size_t	 pos = 0;

	if ((val = malloc(alen + 1)) == NULL)
		abort();
	kv_pair(ann, alen, &pos, "n", "0", val);
	kv_pair(ann, alen, &pos, "overlong", "true", val);
	FZ_CHECK(pos == alen);
	free(val);
}

void
fz_check_kv(const struct fz_case *fc, const char *out, size_t olen)
{
	const char	*ann;
	size_t		 tlen, clen, alen, plen = strlen(CFG_PREFIX), i;
	int		 forged = 0;

	if (out == NULL)
		out = "";
	tlen = term_len(fc->fc_line, fc->fc_len);
	clen = fc->fc_len - tlen;
	for (i = 0; !fc->fc_raw && i + plen <= clen; i++)
		if (memcmp(fc->fc_line + i, CFG_PREFIX, plen) == 0)
			forged = 1;
	/* Untouched: a piece inside an overlong line, or nothing to say. */
	if (fc->fc_raw ? tlen == 0 : fc->fc_n == 0 && !forged) {
		FZ_CHECK(olen == fc->fc_len);
		FZ_CHECK(memcmp(out, fc->fc_line, olen) == 0);
		return;
	}
	/* Line content, the block, then the line's own terminator. */
	FZ_CHECK(olen > fc->fc_len);
	FZ_CHECK(memcmp(out, fc->fc_line, clen) == 0);
	FZ_CHECK(memcmp(out + olen - tlen, fc->fc_line + clen, tlen) == 0);
	ann = out + clen;
	alen = olen - fc->fc_len;
	for (i = 0; i < alen; i++)
		FZ_CHECK((unsigned char)ann[i] >= 0x20 &&
		    (unsigned char)ann[i] != 0x7f);
	if (fc->fc_raw)
		kv_overlong(ann, alen);
	else
		kv_block(fc, ann, alen, forged);
}

static int
host_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/* Inline host text a[0..len): alphabet bytes or \xHH, decoding to host. */
static void
inline_host(const char *a, size_t len, const char *host)
{
	size_t	j = 0;
	int	c, hi, lo;

	while (j < len) {
		if (a[j] == '\\') {
			FZ_CHECK(len - j >= 4 && a[j + 1] == 'x');
			hi = hexval((unsigned char)a[j + 2]);
			lo = hexval((unsigned char)a[j + 3]);
			FZ_CHECK(hi >= 0 && lo >= 0);
			c = hi << 4 | lo;
			FZ_CHECK(!host_alpha(c));
			j += 4;
		} else {
			c = (unsigned char)a[j++];
			FZ_CHECK(host_alpha(c));
		}
		FZ_CHECK(*host != '\0' && (unsigned char)*host == c);
		host++;
	}
	FZ_CHECK(*host == '\0');
}

/* One "[...]" at out[*pos], for slot ex. */
static void
inline_annot(const struct fz_expect *ex, const char *out, size_t olen,
    size_t *pos)
{
	const char	*a, *close;
	size_t		 alen, wl = strlen(ex->ex_word), i;

	FZ_CHECK(*pos < olen && out[*pos] == '[');
	a = out + *pos + 1;
	close = memchr(a, ']', olen - *pos - 1);
	FZ_CHECK(close != NULL);
	alen = (size_t)(close - a);
	for (i = 0; i < alen; i++)
		FZ_CHECK(a[i] >= 0x20 && a[i] < 0x7f && a[i] != '"' &&
		    a[i] != '[');
	if (ex->ex_host != NULL) {
		FZ_CHECK(alen > wl && a[alen - wl - 1] == ' ');
		FZ_CHECK(memcmp(a + alen - wl, ex->ex_word, wl) == 0);
		inline_host(a, alen - wl - 1, ex->ex_host);
	} else
		FZ_CHECK(alen == wl && memcmp(a, ex->ex_word, wl) == 0);
	*pos = (size_t)(close - out) + 1;
}

void
fz_check_inline(const struct fz_case *fc, const char *out, size_t olen)
{
	size_t	pos = 0, off = 0, eo, seg, i;

	if (out == NULL)
		out = "";
	/* Deleting each inserted "[...]" must give back the line. */
	for (i = 0; i < fc->fc_n; i++) {
		eo = fc->fc_addrs[i].fa_eo;
		FZ_CHECK(eo >= off && eo <= fc->fc_len);
		seg = eo - off;
		FZ_CHECK(olen - pos >= seg);
		FZ_CHECK(memcmp(out + pos, fc->fc_line + off, seg) == 0);
		pos += seg;
		off = eo;
		inline_annot(&fc->fc_expect[i], out, olen, &pos);
	}
	FZ_CHECK(olen - pos == fc->fc_len - off);
	FZ_CHECK(memcmp(out + pos, fc->fc_line + off, olen - pos) == 0);
}

/* A JSON string member equal to s with invalid UTF-8 made U+FFFD. */
static void
json_lossy_eq(const struct jv *v, const char *s, size_t len)
{
	char	*exp;
	size_t	 elen;

	FZ_CHECK(v != NULL);
	(void)fz_utf8_lossy(s, len, &exp, &elen);
	FZ_CHECK(jv_str_eq(v, exp, elen));
	free(exp);
}

static void
json_rdns_one(const struct jv *o, const struct fz_expect *ex)
{
	const struct jv	*v;

	FZ_CHECK(o->jv_type == JV_OBJECT);
	FZ_CHECK(o->jv_count == 3 + (ex->ex_host != NULL) +
	    (ex->ex_helo != NULL));
	FZ_CHECK(jv_str_eq(jv_member(o, "ip"), ex->ex_ip, strlen(ex->ex_ip)));
	FZ_CHECK(jv_str_eq(jv_member(o, "fcrdns"), ex->ex_word,
	    strlen(ex->ex_word)));
	if (ex->ex_host != NULL)
		json_lossy_eq(jv_member(o, "host"), ex->ex_host,
		    strlen(ex->ex_host));
	v = jv_member(o, "generic");
	FZ_CHECK(v != NULL && v->jv_type ==
	    (ex->ex_generic ? JV_TRUE : JV_FALSE));
	if (ex->ex_helo != NULL)
		FZ_CHECK(jv_str_eq(jv_member(o, "helo"), ex->ex_helo,
		    strlen(ex->ex_helo)));
}

/* The host an ECS field may carry: a pass verdict's, else none. */
static const char *
confirmed(const struct fz_expect *ex)
{
	return ex->ex_verdict == VERDICT_PASS ? ex->ex_host : NULL;
}

static void
json_related(const struct fz_case *fc, const struct jv *rel)
{
	const struct jv	*ips, *hosts, *v;
	const char	*h;
	size_t		 i, j, n = 0;

	FZ_CHECK(rel != NULL && rel->jv_type == JV_OBJECT);
	ips = jv_member(rel, "ip");
	FZ_CHECK(ips != NULL && ips->jv_type == JV_ARRAY &&
	    ips->jv_count == fc->fc_n);
	for (v = ips->jv_child, i = 0; i < fc->fc_n; v = v->jv_next, i++)
		FZ_CHECK(jv_str_eq(v, fc->fc_expect[i].ex_ip,
		    strlen(fc->fc_expect[i].ex_ip)));
	hosts = jv_member(rel, "hosts");
	/* Each distinct confirmed host once, in order of first appearance. */
	v = hosts != NULL ? hosts->jv_child : NULL;
	for (i = 0; i < fc->fc_n; i++) {
		if ((h = confirmed(&fc->fc_expect[i])) == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (confirmed(&fc->fc_expect[j]) != NULL &&
			    strcmp(fc->fc_expect[j].ex_host, h) == 0)
				break;
		if (j < i)
			continue;
		FZ_CHECK(v != NULL);
		json_lossy_eq(v, h, strlen(h));
		v = v->jv_next;
		n++;
	}
	FZ_CHECK(v == NULL);
	/* Nothing empty: no "hosts" without a confirmed host. */
	FZ_CHECK(n == 0 ? hosts == NULL : hosts->jv_type == JV_ARRAY);
	FZ_CHECK(rel->jv_count == 1 + (n > 0));
}

/* source or destination: the first slot with that role. Returns 1 if any. */
static int
json_endpoint(const struct fz_case *fc, const struct jv *root,
    const char *name, int role)
{
	const struct fz_expect	*ex;
	const struct jv		*o;
	const char		*h;
	size_t			 i;

	o = jv_member(root, name);
	for (i = 0; i < fc->fc_n; i++)
		if ((int)fc->fc_addrs[i].fa_role == role)
			break;
	if (i == fc->fc_n) {
		FZ_CHECK(o == NULL);
		return 0;
	}
	ex = &fc->fc_expect[i];
	h = confirmed(ex);
	FZ_CHECK(o != NULL && o->jv_type == JV_OBJECT);
	FZ_CHECK(o->jv_count == 1 + (h != NULL));
	FZ_CHECK(jv_str_eq(jv_member(o, "ip"), ex->ex_ip, strlen(ex->ex_ip)));
	if (h != NULL)
		json_lossy_eq(jv_member(o, "domain"), h, strlen(h));
	return 1;
}

/* "tags": exactly the flags that apply, in order; 1 when present. */
static size_t
json_tags(const struct jv *root, int lossy, int overlong)
{
	const struct jv	*t = jv_member(root, "tags"), *v;

	if (!lossy && !overlong) {
		FZ_CHECK(t == NULL);
		return 0;
	}
	FZ_CHECK(t != NULL && t->jv_type == JV_ARRAY &&
	    t->jv_count == (size_t)(lossy + overlong));
	v = t->jv_child;
	if (lossy) {
		FZ_CHECK(jv_str_eq(v, "rdns_lossy", 10));
		v = v->jv_next;
	}
	if (overlong)
		FZ_CHECK(jv_str_eq(v, "rdns_overlong", 13));
	return 1;
}

/* Members "rdns" and "related" of obj, for a case with addresses. */
static void
json_rdns(const struct fz_case *fc, const struct jv *obj)
{
	const struct jv	*rdns, *v;
	size_t		 i;

	rdns = jv_member(obj, "rdns");
	FZ_CHECK(rdns != NULL && rdns->jv_type == JV_ARRAY &&
	    rdns->jv_count == fc->fc_n);
	for (v = rdns->jv_child, i = 0; i < fc->fc_n; v = v->jv_next, i++)
		json_rdns_one(v, &fc->fc_expect[i]);
	json_related(fc, jv_member(obj, "related"));
}

/* Exactly one line of well-formed UTF-8 holding one JSON object. */
static struct jv *
json_line(const char *out, size_t olen)
{
	struct jv	*root;

	FZ_CHECK(out != NULL && olen >= 2 && out[olen - 1] == '\n');
	FZ_CHECK(memchr(out, '\n', olen - 1) == NULL);
	FZ_CHECK(fz_utf8_valid(out, olen));
	root = jv_parse(out, olen - 1);
	FZ_CHECK(root != NULL && root->jv_type == JV_OBJECT);
	return root;
}

/* The number of s[0..n), all decimal digits. */
static unsigned
digits(const char *s, size_t n)
{
	unsigned	v = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		FZ_CHECK(s[i] >= '0' && s[i] <= '9');
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

static int
leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * "@timestamp" reads back as ms: "YYYY-MM-DDTHH:MM:SS.mmmZ" (RFC 3339,
 * UTC), counted forward day by day from 1970-01-01.
 */
static void
json_timestamp(const struct jv *v, uint64_t ms)
{
	static const unsigned	mdays[12] = { 31, 28, 31, 30, 31, 30, 31,
	    31, 30, 31, 30, 31 };
	const char		*s;
	unsigned		 y, mo, d, i;
	uint64_t		 days = 0;

	FZ_CHECK(v != NULL && v->jv_type == JV_STRING && v->jv_len == 24);
	s = v->jv_str;
	FZ_CHECK(s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
	    s[16] == ':' && s[19] == '.' && s[23] == 'Z');
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	FZ_CHECK(y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 &&
	    d <= mdays[mo - 1] + (mo == 2 && leap(y)));
	for (i = 1970; i < y; i++)
		days += 365 + (unsigned)leap(i);
	for (i = 1; i < mo; i++)
		days += mdays[i - 1] + (i == 2 && leap(y));
	days += d - 1;
	FZ_CHECK(digits(s + 11, 2) < 24 && digits(s + 14, 2) < 60 &&
	    digits(s + 17, 2) < 60);
	FZ_CHECK(((days * 24 + digits(s + 11, 2)) * 60 + digits(s + 14, 2)) *
	    60000 + digits(s + 17, 2) * 1000 + digits(s + 20, 3) == ms);
}

void
fz_check_json(const struct fz_case *fc, const char *out, size_t olen)
{
	const struct jv	*v, *ecs;
	struct jv	*root;
	char		*exp;
	size_t		 clen, elen, nmem = 3;
	int		 lossy;

	root = json_line(out, olen);

	/* "@timestamp", "ecs" and "message" come first, in this order. */
	v = root->jv_child;
	FZ_CHECK(v != NULL && v->jv_keylen == 10 &&
	    memcmp(v->jv_key, "@timestamp", 10) == 0);
	json_timestamp(v, fc->fc_read_ms);
	ecs = v->jv_next;
	FZ_CHECK(ecs != NULL && ecs->jv_keylen == 3 &&
	    memcmp(ecs->jv_key, "ecs", 3) == 0 &&
	    ecs->jv_type == JV_OBJECT && ecs->jv_count == 1);
	FZ_CHECK(jv_str_eq(jv_member(ecs, "version"), "9.4.0", 5));
	clen = fc->fc_len - term_len(fc->fc_line, fc->fc_len);
	lossy = fz_utf8_lossy(fc->fc_line, clen, &exp, &elen);
	v = ecs->jv_next;
	FZ_CHECK(v != NULL && v->jv_keylen == 7 &&
	    memcmp(v->jv_key, "message", 7) == 0);
	FZ_CHECK(jv_str_eq(v, exp, elen));
	free(exp);
	nmem += json_tags(root, lossy, fc->fc_raw);

	if (fc->fc_n == 0) {
		FZ_CHECK(jv_member(root, "rdns") == NULL &&
		    jv_member(root, "related") == NULL);
		FZ_CHECK(jv_member(root, "source") == NULL &&
		    jv_member(root, "destination") == NULL);
	} else {
		json_rdns(fc, root);
		nmem += 2;
		nmem += (size_t)json_endpoint(fc, root, "source",
		    IPSCAN_ROLE_SRC);
		nmem += (size_t)json_endpoint(fc, root, "destination",
		    IPSCAN_ROLE_DST);
	}
	FZ_CHECK(root->jv_count == nmem);
	jv_free(root);
}

void
fz_check_mmexternal(const struct fz_case *fc, const char *out, size_t olen)
{
	const struct jv	*vars;
	struct jv	*root;

	/* A raw piece without its terminator gets no reply of its own. */
	if (fc->fc_raw && term_len(fc->fc_line, fc->fc_len) == 0) {
		FZ_CHECK(olen == 0);
		return;
	}
	root = json_line(out, olen);
	if (fc->fc_n == 0)
		FZ_CHECK(root->jv_count == 0);
	else {
		FZ_CHECK(root->jv_count == 1);
		vars = jv_member(root, "$!");
		FZ_CHECK(vars != NULL && vars->jv_type == JV_OBJECT &&
		    vars->jv_count == 2);
		json_rdns(fc, vars);
	}
	jv_free(root);
}
