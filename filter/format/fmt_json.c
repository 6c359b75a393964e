/*
 * fmt_json: the json format of ptrtag.1, OUTPUT: one object per line
 * with "message", "rdns", "related" and the ECS-style "source" and
 * "destination"; and the "rdns"/"related" members that the mmexternal
 * reply (fmt_mmexternal.c) shares. Strings go through json.h, so the
 * output is valid UTF-8 whatever the input.
 */
#include <string.h>

#include "fmtint.h"
#include "format.h"
#include "json.h"
#include "line.h"

/* "key":"value" with the value as a JSON string, after a ',' unless first. */
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

/* ECS source.* or destination.*: the first address with that role. */
static void
json_endpoint(struct outbuf *ob, const char *name, const struct fmt_line *fl,
    const struct fmt_ips *ips, enum ipscan_role role)
{
	size_t	i;

	for (i = 0; i < fl->fl_n; i++)
		if (fl->fl_addrs[i].fa_role == role)
			break;
	if (i == fl->fl_n)
		return;
	outbuf_puts(ob, ",\"");
	outbuf_puts(ob, name);
	outbuf_puts(ob, "\":{");
	json_member(ob, "ip", ips->fi_ip[i], 1);
	if (fl->fl_addrs[i].fa_host != NULL)
		json_member(ob, "domain", fl->fl_addrs[i].fa_host, 0);
	outbuf_putc(ob, '}');
}

/* 1 when the host of addrs[i] is also the host of an earlier address. */
static int
json_host_seen(const struct fmt_addr *addrs, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++)
		if (addrs[j].fa_host != NULL &&
		    strcmp(addrs[j].fa_host, addrs[i].fa_host) == 0)
			return 1;
	return 0;
}

/* "related": every address, and every distinct host, once. */
static void
json_related(struct outbuf *ob, const struct fmt_line *fl,
    const struct fmt_ips *ips)
{
	const struct fmt_addr	*a = fl->fl_addrs;
	size_t			 i;
	int			 first = 1;

	outbuf_puts(ob, ",\"related\":{\"ip\":[");
	for (i = 0; i < fl->fl_n; i++) {
		if (i > 0)
			outbuf_putc(ob, ',');
		json_string(ob, ips->fi_ip[i], strlen(ips->fi_ip[i]));
	}
	outbuf_puts(ob, "],\"hosts\":[");
	for (i = 0; i < fl->fl_n; i++) {
		if (a[i].fa_host == NULL || json_host_seen(a, i))
			continue;
		if (!first)
			outbuf_putc(ob, ',');
		first = 0;
		json_string(ob, a[i].fa_host, strlen(a[i].fa_host));
	}
	outbuf_puts(ob, "]}");
}

/* One element of "rdns". */
static void
json_rdns_one(struct outbuf *ob, const char *line, const struct fmt_addr *fa,
    const char *ip)
{
	const char	*helo = fmt_helo(line, fa);

	outbuf_putc(ob, '{');
	json_member(ob, "ip", ip, 1);
	if (fa->fa_host != NULL)
		json_member(ob, "host", fa->fa_host, 0);
	json_member(ob, "fcrdns", verdict_name(fa->fa_verdict), 0);
	if (fa->fa_generic)
		outbuf_puts(ob, ",\"generic\":true");
	if (helo != NULL)
		json_member(ob, "helo", helo, 0);
	outbuf_putc(ob, '}');
}

void
fmt_json_rdns(struct outbuf *ob, const struct fmt_line *fl,
    struct fmt_ips *ips, struct fmt_result *fr)
{
	size_t	i;

	outbuf_puts(ob, "\"rdns\":[");
	for (i = 0; i < fl->fl_n; i++) {
		fmt_count(fr, &fl->fl_addrs[i]);
		ipaddr_ntop(fl->fl_addrs[i].fa_addr, ips->fi_ip[i],
		    sizeof(ips->fi_ip[i]));
		if (i > 0)
			outbuf_putc(ob, ',');
		json_rdns_one(ob, fl->fl_buf, &fl->fl_addrs[i], ips->fi_ip[i]);
	}
	outbuf_putc(ob, ']');
	json_related(ob, fl, ips);
}

void
fmt_json(struct outbuf *ob, const struct fmt_line *fl, struct fmt_result *fr)
{
	struct fmt_ips	ips;
	size_t		t = line_text_len(fl->fl_buf, fl->fl_len);

	outbuf_puts(ob, "{\"message\":");
	fr->fr_lossy = json_string(ob, fl->fl_buf, t);
	if (fl->fl_n > 0) {
		outbuf_putc(ob, ',');
		fmt_json_rdns(ob, fl, &ips, fr);
		json_endpoint(ob, "source", fl, &ips, IPSCAN_ROLE_SRC);
		json_endpoint(ob, "destination", fl, &ips, IPSCAN_ROLE_DST);
	}
	if (fr->fr_lossy)
		outbuf_puts(ob, ",\"rdns_lossy\":true");
	if (fl->fl_raw)
		outbuf_puts(ob, ",\"rdns_overlong\":true");
	outbuf_puts(ob, "}\n");
}
