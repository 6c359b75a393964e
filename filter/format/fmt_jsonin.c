/*
 * fmt_jsonin: --input json (ptrtag.1, STRUCTURED INPUT). The object of
 * the line is written byte for byte, with members inserted before the
 * closing '}' (or elements before the closing ']') of the right
 * containers:
 *   - "@timestamp" (when the line was read) and "ecs.version", as -f json
 *     writes them, each only when the object has none;
 *   - "rdns":[...] at the end of the root object, the same list -f json
 *     writes (ecs.h);
 *   - X.domain beside an X.ip address field, for the ECS endpoints of
 *     jin_endpoints only, when that address's verdict is pass and no
 *     X.domain exists in any form; a flat "X.ip" key gets a flat
 *     "X.domain" beside it, a nested {"ip":..} gets "domain";
 *   - related.ip (every address) and related.hosts (names whose verdict
 *     is pass): appended to existing arrays (without repeating what they
 *     hold), or added into an existing "related" object, or as flat
 *     "related.ip"/"related.hosts" keys when the root already uses flat
 *     dotted keys, else as a new "related" object.
 * Nothing is re-serialised and no existing member is touched, so no key
 * can be duplicated: a member is only added where jsonin found none of
 * that name. Insertions go in order of their offset; at one offset the
 * second and later always take a leading comma.
 */
#include <string.h>
#include <strings.h>

#include "ecs.h"
#include "fmtint.h"
#include "format.h"
#include "json.h"
#include "jsonin.h"
#include "line.h"

/* The ECS objects whose "domain" is the DNS name of their "ip". */
static const struct jin_endpoint {
	const char	*je_name;
	const char	*je_ip;		/* its address field's path */
	const char	*je_domain;	/* and the name's */
} jin_endpoints[] = {
	{ "source", "source.ip", "source.domain" },
	{ "destination", "destination.ip", "destination.domain" },
	{ "client", "client.ip", "client.domain" },
	{ "server", "server.ip", "server.domain" },
};

#define JIN_INS_MAX	16	/* 2 meta, 4 domains, rdns, 2 related */
#define JIN_HITS_MAX	8
#define JIN_RELATED_IP		0x1
#define JIN_RELATED_HOSTS	0x2

enum jin_kind {
	JIN_DOMAIN,		/* "KEY":"host" */
	JIN_RDNS,		/* "rdns":[...] */
	JIN_APPEND,		/* elements into an existing related array */
	JIN_MEMBERS,		/* "ip":[..],"hosts":[..] into "related" */
	JIN_FLAT,		/* "related.ip":[..],"related.hosts":[..] */
	JIN_OBJECT,		/* "related":{...} */
	JIN_TIMESTAMP,		/* "@timestamp":"..." */
	JIN_ECS,		/* ecs.version, in the form ji_what says */
};

struct jin_ins {
	size_t		 ji_off;	/* inserted before this byte */
	int		 ji_comma;	/* the container is not empty */
	enum jin_kind	 ji_kind;
	int		 ji_what;	/* JIN_RELATED_* bits */
	int		 ji_tok;	/* JIN_APPEND: the existing array */
	const char	*ji_key;	/* JIN_DOMAIN: "X" of a flat "X.ip", */
	size_t		 ji_keylen;	/* or length 0 for a nested "ip" */
	const char	*ji_host;	/* JIN_DOMAIN */
};

struct jin {
	struct outbuf		*jn_ob;
	const struct fmt_line	*jn_fl;
	struct fmt_result	*jn_fr;
	struct jsonin		*jn_j;
	struct ecs_ips		 jn_ips;
	struct jin_ins		 jn_ins[JIN_INS_MAX];
	size_t			 jn_n;
};

static void
jin_add(struct jin *jn, const struct jin_ins *ji)
{
	size_t	i = jn->jn_n;

	if (i == JIN_INS_MAX)
		return;
	/* Keep the list sorted by offset, stable for equal offsets. */
	while (i > 0 && jn->jn_ins[i - 1].ji_off > ji->ji_off) {
		jn->jn_ins[i] = jn->jn_ins[i - 1];
		i--;
	}
	jn->jn_ins[i] = *ji;
	jn->jn_n++;
}

/* Offset of the closing bracket of container tok. */
static size_t
jin_close(const struct jsonin *j, int tok)
{
	return jsonin_end(j, tok) - 1;
}

int
fmt_jsonin_accepts(const struct jsonin *j)
{
	char	key[5];
	size_t	n;
	int	k;

	/* No root key "rdns", nor one starting "rdns.". */
	for (k = jsonin_child(j, 0); k != -1; k = jsonin_next(j, k))
		if ((n = jsonin_str_copy(j, k, key, sizeof(key))) >= 4 &&
		    memcmp(key, "rdns", 4) == 0 && (n == 4 || key[4] == '.'))
			return 0;
	return 1;
}

/* The address of the string tok, when it is one. */
static int
jin_addr(const struct jsonin *j, int tok, struct ipaddr *ia)
{
	char	text[IPADDR_STRMAX + 8];
	size_t	n;

	if (jsonin_type(j, tok) != JSONIN_STRING)
		return -1;
	n = jsonin_str_copy(j, tok, text, sizeof(text));
	if (n >= sizeof(text) || ipaddr_parse(text, n, ia) == -1)
		return -1;
	ipaddr_unmap(ia);
	return 0;
}

/* The view of address ia among the line's, or NULL. */
static const struct fmt_addr *
jin_view(const struct fmt_line *fl, const struct ipaddr *ia)
{
	size_t	i;

	for (i = 0; i < fl->fl_n; i++)
		if (ipaddr_cmp(fl->fl_addrs[i].fa_addr, ia) == 0)
			return &fl->fl_addrs[i];
	return NULL;
}

/* 1 when path is one of the --field paths. */
static int
jin_is_field(const struct config *cfg, const char *path)
{
	size_t	i;

	for (i = 0; i < cfg->cf_nfields; i++)
		if (strcmp(cfg->cf_fields[i], path) == 0)
			return 1;
	return 0;
}

/* X.domain beside the first X.ip whose address passed (see top). */
static void
jin_domain(struct jin *jn, const struct config *cfg,
    const struct jin_endpoint *je)
{
	struct jsonin_hit	 h[JIN_HITS_MAX];
	const struct fmt_addr	*fa;
	struct jin_ins		 ji;
	struct ipaddr		 ia;
	size_t			 n, i;

	if (!jin_is_field(cfg, je->je_ip) || jsonin_find(jn->jn_j,
	    je->je_domain, strlen(je->je_domain), h, 1) > 0)
		return;
	n = jsonin_find(jn->jn_j, je->je_ip, strlen(je->je_ip), h,
	    JIN_HITS_MAX);
	for (i = 0; i < n; i++) {
		if (jin_addr(jn->jn_j, h[i].jh_val, &ia) == -1 ||
		    (fa = jin_view(jn->jn_fl, &ia)) == NULL ||
		    ecs_confirmed(fa) == NULL)
			continue;
		memset(&ji, 0, sizeof(ji));
		ji.ji_kind = JIN_DOMAIN;
		ji.ji_off = jin_close(jn->jn_j, h[i].jh_obj);
		ji.ji_comma = 1;
		/* Flat "X.ip" gets "X.domain", nested "ip" gets "domain". */
		ji.ji_key = je->je_name;
		ji.ji_keylen = h[i].jh_keyoff == 0 ? strlen(je->je_name) : 0;
		ji.ji_host = fa->fa_host;
		jin_add(jn, &ji);
		return;
	}
}

/* 1 when the array arr holds the address text ip or the name host. */
static int
jin_holds(const struct jsonin *j, int arr, const char *ip, const char *host)
{
	struct ipaddr	ia, ib;
	char		text[256];
	size_t		n;
	int		e;

	if (ip != NULL && ipaddr_parse(ip, strlen(ip), &ib) == -1)
		return 0;
	for (e = jsonin_child(j, arr); e != -1; e = jsonin_next(j, e)) {
		if (jsonin_type(j, e) != JSONIN_STRING)
			continue;
		if (ip != NULL && jin_addr(j, e, &ia) == 0 &&
		    ipaddr_cmp(&ia, &ib) == 0)
			return 1;
		if (host != NULL && (n = jsonin_str_copy(j, e, text,
		    sizeof(text))) == strlen(host) &&
		    strncasecmp(text, host, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * related.ip or related.hosts already there: append what the array
 * lacks; a value that is not an array is left alone.
 */
static void
jin_append(struct jin *jn, int val, int what)
{
	struct jin_ins	ji;

	if (jsonin_type(jn->jn_j, val) != JSONIN_ARRAY)
		return;
	memset(&ji, 0, sizeof(ji));
	ji.ji_kind = JIN_APPEND;
	ji.ji_off = jin_close(jn->jn_j, val);
	ji.ji_comma = jsonin_size(jn->jn_j, val) > 0;
	ji.ji_what = what;
	ji.ji_tok = val;
	jin_add(jn, &ji);
}

/* 1 when a key of the root object holds a '.' (flat dotted keys). */
static int
jin_flat_root(const struct jsonin *j)
{
	char	key[CFG_PATH_MAX];
	size_t	n;
	int	k;

	for (k = jsonin_child(j, 0); k != -1; k = jsonin_next(j, k)) {
		n = jsonin_str_copy(j, k, key, sizeof(key));
		if (memchr(key, '.', n < sizeof(key) ? n : sizeof(key)))
			return 1;
	}
	return 0;
}

/*
 * Where new members of the root's object name go: into that object when
 * the root has it, flat when the root uses dotted keys, else in a new
 * one. Sets ji's offset and comma; returns the form (JIN_MEMBERS,
 * JIN_FLAT or JIN_OBJECT), or -1 when name is there but no object.
 */
static int
jin_place(struct jin *jn, const char *name, size_t len, struct jin_ins *ji)
{
	int	obj;

	ji->ji_off = jin_close(jn->jn_j, 0);
	ji->ji_comma = 1;
	if ((obj = jsonin_member(jn->jn_j, 0, name, len)) == -1)
		return jin_flat_root(jn->jn_j) ? JIN_FLAT : JIN_OBJECT;
	if (jsonin_type(jn->jn_j, obj) != JSONIN_OBJECT)
		return -1;
	ji->ji_off = jin_close(jn->jn_j, obj);
	ji->ji_comma = jsonin_size(jn->jn_j, obj) > 0;
	return JIN_MEMBERS;
}

/*
 * @timestamp (when the line was read, as -f json writes it) and
 * ecs.version, each when the object has none in any form; ecs.version
 * goes into an "ecs" object there is (nowhere when "ecs" is not an
 * object), or flat, or as a new "ecs" object, as related does.
 */
static void
jin_meta(struct jin *jn)
{
	struct jsonin_hit	h;
	struct jin_ins		ji;

	memset(&ji, 0, sizeof(ji));
	ji.ji_off = jin_close(jn->jn_j, 0);
	ji.ji_comma = 1;
	if (jsonin_find(jn->jn_j, "@timestamp", 10, &h, 1) == 0) {
		ji.ji_kind = JIN_TIMESTAMP;
		jin_add(jn, &ji);
	}
	if (jsonin_find(jn->jn_j, "ecs.version", 11, &h, 1) > 0 ||
	    (ji.ji_what = jin_place(jn, "ecs", 3, &ji)) == -1)
		return;
	ji.ji_kind = JIN_ECS;
	jin_add(jn, &ji);
}

/* related.ip and related.hosts: where each goes (see top). */
static void
jin_related(struct jin *jn)
{
	const char		*hosts[LINE_ADDRS_MAX];
	struct jsonin_hit	 h;
	struct jin_ins		 ji;
	int			 missing = 0, rel;

	if (jsonin_find(jn->jn_j, "related.ip", 10, &h, 1) > 0)
		jin_append(jn, h.jh_val, JIN_RELATED_IP);
	else
		missing |= JIN_RELATED_IP;
	if (jsonin_find(jn->jn_j, "related.hosts", 13, &h, 1) > 0)
		jin_append(jn, h.jh_val, JIN_RELATED_HOSTS);
	else if (ecs_hosts(jn->jn_fl, hosts) > 0)
		missing |= JIN_RELATED_HOSTS;
	if (missing == 0)
		return;
	memset(&ji, 0, sizeof(ji));
	ji.ji_what = missing;
	/* A "related" that is not an object stays as it is. */
	if ((rel = jin_place(jn, "related", 7, &ji)) == -1)
		return;
	ji.ji_kind = (enum jin_kind)rel;
	jin_add(jn, &ji);
}

/*
 * The elements of related.ip (what JIN_RELATED_IP: every address) or
 * related.hosts (the confirmed hosts, once each: ecs.h), each after a
 * ',' unless first is set; leaves out those the array arr (-1: none)
 * holds. Returns the updated first.
 */
static int
jin_elements(struct jin *jn, int what, int arr, int first)
{
	const char	*v[LINE_ADDRS_MAX];
	size_t		 i, n = 0;

	if (what == JIN_RELATED_IP)
		for (n = 0; n < jn->jn_fl->fl_n; n++)
			v[n] = jn->jn_ips.ei_ip[n];
	else
		n = ecs_hosts(jn->jn_fl, v);
	for (i = 0; i < n; i++) {
		if (arr != -1 && jin_holds(jn->jn_j, arr, what ==
		    JIN_RELATED_IP ? v[i] : NULL, what == JIN_RELATED_IP ?
		    NULL : v[i]))
			continue;
		if (!first)
			outbuf_putc(jn->jn_ob, ',');
		first = 0;
		json_string(jn->jn_ob, v[i], strlen(v[i]));
	}
	return first;
}

/* related's members, their keys after prefix ("" or "related."). */
static void
jin_members(struct jin *jn, int what, const char *prefix)
{
	struct outbuf	*ob = jn->jn_ob;

	if (what & JIN_RELATED_IP) {
		outbuf_putc(ob, '"');
		outbuf_puts(ob, prefix);
		outbuf_puts(ob, "ip\":[");
		(void)jin_elements(jn, JIN_RELATED_IP, -1, 1);
		outbuf_putc(ob, ']');
	}
	if (what & JIN_RELATED_HOSTS) {
		outbuf_puts(ob, what & JIN_RELATED_IP ? ",\"" : "\"");
		outbuf_puts(ob, prefix);
		outbuf_puts(ob, "hosts\":[");
		(void)jin_elements(jn, JIN_RELATED_HOSTS, -1, 1);
		outbuf_putc(ob, ']');
	}
}

/* One insertion; comma when the container already holds something. */
static void
jin_write(struct jin *jn, const struct jin_ins *ji, int comma)
{
	struct outbuf	*ob = jn->jn_ob;

	if (ji->ji_kind == JIN_APPEND) {
		(void)jin_elements(jn, ji->ji_what, ji->ji_tok, !comma);
		return;
	}
	if (comma)
		outbuf_putc(ob, ',');
	switch (ji->ji_kind) {
	case JIN_DOMAIN:
		outbuf_putc(ob, '"');
		if (ji->ji_keylen > 0) {
			outbuf_append(ob, ji->ji_key, ji->ji_keylen);
			outbuf_putc(ob, '.');
		}
		outbuf_puts(ob, "domain\":");
		json_string(ob, ji->ji_host, strlen(ji->ji_host));
		break;
	case JIN_RDNS:
		outbuf_puts(ob, "\"rdns\":[");
		ecs_rdns_items(ob, jn->jn_fl, &jn->jn_ips);
		outbuf_putc(ob, ']');
		fmt_count_line(jn->jn_fr, jn->jn_fl);
		break;
	case JIN_MEMBERS:
		jin_members(jn, ji->ji_what, "");
		break;
	case JIN_FLAT:
		jin_members(jn, ji->ji_what, "related.");
		break;
	case JIN_OBJECT:
		outbuf_puts(ob, "\"related\":{");
		jin_members(jn, ji->ji_what, "");
		outbuf_putc(ob, '}');
		break;
	case JIN_TIMESTAMP:
		outbuf_puts(ob, "\"@timestamp\":");
		ecs_timestamp(ob, jn->jn_fl->fl_read_ms);
		break;
	case JIN_ECS:
		outbuf_puts(ob, ji->ji_what == JIN_MEMBERS ? "\"version\":" :
		    ji->ji_what == JIN_FLAT ? "\"ecs.version\":" :
		    "\"ecs\":{\"version\":");
		outbuf_puts(ob, "\"" ECS_VERSION "\"");
		if (ji->ji_what == JIN_OBJECT)
			outbuf_putc(ob, '}');
		break;
	case JIN_APPEND:
		break;
	}
}

/* Where every insertion goes, in order of offset. */
static void
jin_plan(struct jin *jn, const struct config *cfg)
{
	const struct fmt_line	*fl = jn->jn_fl;
	struct jin_ins		 ji;
	size_t			 i;

	ecs_ips_fill(fl, &jn->jn_ips);
	jin_meta(jn);
	for (i = 0; i < sizeof(jin_endpoints) / sizeof(jin_endpoints[0]);
	    i++)
		jin_domain(jn, cfg, &jin_endpoints[i]);
	memset(&ji, 0, sizeof(ji));
	ji.ji_kind = JIN_RDNS;
	ji.ji_off = jin_close(jn->jn_j, 0);
	ji.ji_comma = jsonin_size(jn->jn_j, 0) > 0;
	jin_add(jn, &ji);
	jin_related(jn);
}

void
fmt_jsonin(struct outbuf *ob, const struct config *cfg,
    const struct fmt_line *fl, struct fmt_result *fr)
{
	struct jin		 jn;
	const struct jin_ins	*ji;
	size_t			 i, pos = 0;

	/* Not an object we may enrich, or nothing to add: as it came. */
	if (fl->fl_raw || fl->fl_n == 0 || fl->fl_json == NULL ||
	    jsonin_parse(fl->fl_json, fl->fl_buf, line_text_len(fl->fl_buf,
	    fl->fl_len)) != JSONIN_OK || !fmt_jsonin_accepts(fl->fl_json)) {
		outbuf_append(ob, fl->fl_buf, fl->fl_len);
		return;
	}
	memset(&jn, 0, sizeof(jn));
	jn.jn_ob = ob;
	jn.jn_fl = fl;
	jn.jn_fr = fr;
	jn.jn_j = fl->fl_json;
	jin_plan(&jn, cfg);
	for (i = 0; i < jn.jn_n; i++) {
		ji = &jn.jn_ins[i];
		outbuf_append(ob, fl->fl_buf + pos, ji->ji_off - pos);
		pos = ji->ji_off;
		jin_write(&jn, ji, ji->ji_comma ||
		    (i > 0 && jn.jn_ins[i - 1].ji_off == ji->ji_off));
	}
	outbuf_append(ob, fl->fl_buf + pos, fl->fl_len - pos);
}
