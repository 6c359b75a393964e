/*
 * annot: see annot.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "annot.h"
#include "bounds.h"
#include "json.h"
#include "resolver.h"

/* What the output says about one slot. */
struct slot_view {
	enum verdict	 sv_verdict;
	const char	*sv_host;	/* NULL when none */
	int		 sv_generic;
	const char	*sv_helo;	/* NULL, "match" or "mismatch" */
	size_t		 sv_iplen;
	char		 sv_ip[IPADDR_STRMAX];
};

/*
 * Compare a claimed HELO name line[so..eo) with the PTR host: equal
 * ignoring case and one trailing dot on either side.
 */
static const char *
helo_result(const char *line, size_t so, size_t eo, const char *host)
{
	size_t	hlen, clen = eo - so;

	if (clen > 0 && line[eo - 1] == '.')
		clen--;
	if (host == NULL)
		return "mismatch";
	hlen = strlen(host);
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	return hlen == clen && strncasecmp(line + so, host, hlen) == 0 ?
	    "match" : "mismatch";
}

static void
slot_view(const char *line, const struct lslot *ls, struct slot_view *sv)
{
	const struct dnsent	*de = ls->ls_ent;

	sv->sv_iplen = ipaddr_ntop(&ls->ls_addr, sv->sv_ip, sizeof(sv->sv_ip));
	sv->sv_host = NULL;
	sv->sv_generic = 0;
	if (de == NULL)
		sv->sv_verdict = (enum verdict)ls->ls_verdict;
	else if (de->de_verdict == VERDICT_PENDING)
		sv->sv_verdict = VERDICT_TIMEOUT;
	else {
		sv->sv_verdict = (enum verdict)de->de_verdict;
		sv->sv_host = de->de_host;
		sv->sv_generic = de->de_generic;
	}
	sv->sv_helo = ls->ls_helo_eo > ls->ls_helo_so ?
	    helo_result(line, ls->ls_helo_so, ls->ls_helo_eo, sv->sv_host) :
	    NULL;
}

static size_t
terminator_len(const char *buf, size_t len)
{
	if (len > 0 && buf[len - 1] == '\n')
		return len > 1 && buf[len - 2] == '\r' ? 2 : 1;
	return 0;
}

/* 1 for the bytes that force a kv value into quotes. */
static const unsigned char kv_special[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1,
	[0x05] = 1, [0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1,
	[0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1,
	[0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1,
	[0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1,
	[0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, [' '] = 1, ['"'] = 1, ['='] = 1,
	['\\'] = 1, [0x7f] = 1,
};

static int
kv_needs_quotes(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	if (len == 0)
		return 1;
	for (i = 0; i < len; i++)
		if (kv_special[u[i]])
			return 1;
	return 0;
}

void
annot_kv_value(struct outbuf *ob, const char *s, size_t len)
{
	char	hex[5];
	size_t	i;

	if (!kv_needs_quotes(s, len)) {
		outbuf_append(ob, s, len);
		return;
	}
	outbuf_putc(ob, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			outbuf_putc(ob, '\\');
			outbuf_putc(ob, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			outbuf_append(ob, hex, 4);
		} else
			outbuf_putc(ob, (char)c);
	}
	outbuf_putc(ob, '"');
}

/* Append " PREFIXkey=" (key given with its '='). */
static void
kv_key(struct outbuf *ob, const char *prefix, size_t plen, const char *key,
    size_t klen)
{
	outbuf_putc(ob, ' ');
	outbuf_append(ob, prefix, plen);
	outbuf_append(ob, key, klen);
}

/* A pair whose value is our own text (address, verdict word, flag). */
#define KV_OWN(ob, pfx, plen, key, val)					\
	do {								\
		kv_key(ob, pfx, plen, key "=", sizeof(key));		\
		outbuf_puts(ob, val);					\
	} while (0)

static void
annot_kv(struct outbuf *ob, const struct config *cfg, const char *buf,
    size_t len, const struct lslot *slots, size_t n, struct stats *st)
{
	struct slot_view	 sv;
	const char		*pfx = cfg->cf_prefix;
	size_t			 i, tlen = terminator_len(buf, len);
	size_t			 plen = strlen(pfx);

	outbuf_append(ob, buf, len - tlen);
	for (i = 0; i < n; i++) {
		slot_view(buf, &slots[i], &sv);
		st->st_verdicts[sv.sv_verdict]++;
		kv_key(ob, pfx, plen, "ip=", 3);
		outbuf_append(ob, sv.sv_ip, sv.sv_iplen);
		if (sv.sv_host != NULL) {
			/* Validated already; quoted anyway if it ever must. */
			kv_key(ob, pfx, plen, "host=", 5);
			annot_kv_value(ob, sv.sv_host, strlen(sv.sv_host));
		}
		KV_OWN(ob, pfx, plen, "fcrdns", verdict_name(sv.sv_verdict));
		if (sv.sv_generic)
			KV_OWN(ob, pfx, plen, "generic", "yes");
		if (sv.sv_helo != NULL)
			KV_OWN(ob, pfx, plen, "helo", sv.sv_helo);
	}
	outbuf_append(ob, buf + len - tlen, tlen);
}

/*
 * Host text for the inline format: hosts are validated before they are
 * cached, but any byte outside the host-name alphabet is still written
 * as \xHH so that no format can carry raw DNS text.
 */
static void
inline_host(struct outbuf *ob, const char *host)
{
	char	hex[5];

	for (; *host != '\0'; host++) {
		unsigned char c = (unsigned char)*host;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')
			outbuf_putc(ob, (char)c);
		else {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			outbuf_append(ob, hex, 4);
		}
	}
}

static void
annot_inline(struct outbuf *ob, const char *buf, size_t len,
    const struct lslot *slots, size_t n, struct stats *st)
{
	struct slot_view	sv;
	size_t			i, off = 0;

	/* Slots are in order of first appearance, so spans only grow. */
	for (i = 0; i < n; i++) {
		slot_view(buf, &slots[i], &sv);
		st->st_verdicts[sv.sv_verdict]++;
		outbuf_append(ob, buf + off, slots[i].ls_eo - off);
		off = slots[i].ls_eo;
		outbuf_putc(ob, '[');
		if (sv.sv_host != NULL) {
			inline_host(ob, sv.sv_host);
			outbuf_putc(ob, ' ');
		}
		outbuf_puts(ob, verdict_name(sv.sv_verdict));
		outbuf_putc(ob, ']');
	}
	outbuf_append(ob, buf + off, len - off);
}

/* ",\"key\":\"value\"" with the value as a JSON string. */
static void
json_member(struct outbuf *ob, const char *key, const char *val, int first)
{
	if (!first)
		outbuf_putc(ob, ',');
	outbuf_putc(ob, '"');
	outbuf_puts(ob, key);
	outbuf_puts(ob, "\":");
	json_string(ob, val, strlen(val));
}

/* ECS source.* or destination.*: the first slot with that role. */
static void
json_endpoint(struct outbuf *ob, const char *name, const struct lslot *slots,
    const struct slot_view *sv, size_t n, enum ipscan_role role)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (slots[i].ls_role == role)
			break;
	if (i == n)
		return;
	outbuf_puts(ob, ",\"");
	outbuf_puts(ob, name);
	outbuf_puts(ob, "\":{");
	json_member(ob, "ip", sv[i].sv_ip, 1);
	if (sv[i].sv_host != NULL)
		json_member(ob, "domain", sv[i].sv_host, 0);
	outbuf_putc(ob, '}');
}

/* "related": every address, and every distinct host, once. */
static void
json_related(struct outbuf *ob, const struct slot_view *sv, size_t n)
{
	size_t	i, j;
	int	first = 1;

	outbuf_puts(ob, ",\"related\":{\"ip\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			outbuf_putc(ob, ',');
		json_string(ob, sv[i].sv_ip, strlen(sv[i].sv_ip));
	}
	outbuf_puts(ob, "],\"hosts\":[");
	for (i = 0; i < n; i++) {
		if (sv[i].sv_host == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (sv[j].sv_host != NULL &&
			    strcmp(sv[j].sv_host, sv[i].sv_host) == 0)
				break;
		if (j < i)
			continue;
		if (!first)
			outbuf_putc(ob, ',');
		first = 0;
		json_string(ob, sv[i].sv_host, strlen(sv[i].sv_host));
	}
	outbuf_puts(ob, "]}");
}

/* "rdns":[...] then "related":{...}, filling sv[0..n) on the way. */
static void
json_rdns(struct outbuf *ob, const char *buf, const struct lslot *slots,
    struct slot_view *sv, size_t n, struct stats *st)
{
	size_t	i;

	outbuf_puts(ob, "\"rdns\":[");
	for (i = 0; i < n; i++) {
		slot_view(buf, &slots[i], &sv[i]);
		st->st_verdicts[sv[i].sv_verdict]++;
		outbuf_puts(ob, i > 0 ? ",{" : "{");
		json_member(ob, "ip", sv[i].sv_ip, 1);
		if (sv[i].sv_host != NULL)
			json_member(ob, "host", sv[i].sv_host, 0);
		json_member(ob, "fcrdns", verdict_name(sv[i].sv_verdict), 0);
		if (sv[i].sv_generic)
			outbuf_puts(ob, ",\"generic\":true");
		if (sv[i].sv_helo != NULL)
			json_member(ob, "helo", sv[i].sv_helo, 0);
		outbuf_putc(ob, '}');
	}
	outbuf_putc(ob, ']');
	json_related(ob, sv, n);
}

/*
 * rsyslog mmexternal: one reply line per message, naming only what
 * changes: the enrichment as message variables under "$!", or "{}".
 */
static void
annot_mmexternal(struct outbuf *ob, const char *buf,
    const struct lslot *slots, size_t n, struct stats *st)
{
	struct slot_view	sv[LINE_ADDRS_MAX];

	if (n == 0) {
		outbuf_puts(ob, "{}\n");
		return;
	}
	outbuf_puts(ob, "{\"$!\":{");
	json_rdns(ob, buf, slots, sv, n, st);
	outbuf_puts(ob, "}}\n");
}

static void
annot_json(struct outbuf *ob, const char *buf, size_t len,
    const struct lslot *slots, size_t n, int raw, struct stats *st)
{
	struct slot_view	sv[LINE_ADDRS_MAX];
	size_t			tlen = terminator_len(buf, len);
	int			lossy;

	outbuf_puts(ob, "{\"message\":");
	lossy = json_string(ob, buf, len - tlen);
	if (n > 0) {
		outbuf_putc(ob, ',');
		json_rdns(ob, buf, slots, sv, n, st);
		json_endpoint(ob, "source", slots, sv, n, IPSCAN_ROLE_SRC);
		json_endpoint(ob, "destination", slots, sv, n,
		    IPSCAN_ROLE_DST);
	}
	if (lossy)
		outbuf_puts(ob, ",\"rdns_lossy\":true");
	if (raw)
		outbuf_puts(ob, ",\"rdns_overlong\":true");
	outbuf_puts(ob, "}\n");
}

void
annot_line(struct outbuf *ob, const struct config *cfg, const char *buf,
    size_t len, const struct lslot *slots, size_t n, int raw,
    struct stats *st)
{
	st->st_lines_out++;
	st->st_addrs += n;
	if (n > LINE_ADDRS_MAX)
		n = LINE_ADDRS_MAX;
	if (cfg->cf_format == CFG_FORMAT_JSON) {
		annot_json(ob, buf, len, slots, n, raw, st);
		return;
	}
	if (cfg->cf_format == CFG_FORMAT_MMEXTERNAL) {
		/* A piece of an overlong line is one message only once. */
		if (!raw || terminator_len(buf, len) > 0)
			annot_mmexternal(ob, buf, slots, n, st);
		return;
	}
	if (n == 0) {
		outbuf_append(ob, buf, len);
		return;
	}
	switch (cfg->cf_format) {
	case CFG_FORMAT_JSON:
	case CFG_FORMAT_MMEXTERNAL:
	case CFG_FORMAT_KV:
		annot_kv(ob, cfg, buf, len, slots, n, st);
		break;
	case CFG_FORMAT_INLINE:
		annot_inline(ob, buf, len, slots, n, st);
		break;
	}
}
