/*
 * ecs: see ecs.h.
 */
#include <string.h>

#include "ecs.h"
#include "fmtint.h"
#include "json.h"

void
ecs_ips_fill(const struct fmt_line *fl, struct ecs_ips *ips)
{
	size_t	i;

	for (i = 0; i < fl->fl_n; i++)
		(void)ipaddr_ntop(fl->fl_addrs[i].fa_addr, ips->ei_ip[i],
		    sizeof(ips->ei_ip[i]));
}

const char *
ecs_confirmed(const struct fmt_addr *fa)
{
	return fa->fa_verdict == VERDICT_PASS ? fa->fa_host : NULL;
}

size_t
ecs_first_role(const struct fmt_line *fl, enum ipscan_role r)
{
	size_t	i;

	for (i = 0; i < fl->fl_n; i++)
		if (fl->fl_addrs[i].fa_role == r)
			break;
	return i;
}

size_t
ecs_hosts(const struct fmt_line *fl, const char **hosts)
{
	const char	*h;
	size_t		 i, j, n = 0;

	for (i = 0; i < fl->fl_n; i++) {
		if ((h = ecs_confirmed(&fl->fl_addrs[i])) == NULL)
			continue;
		for (j = 0; j < n && strcmp(hosts[j], h) != 0; j++)
			;
		if (j == n)
			hosts[n++] = h;
	}
	return n;
}

/* ,"key":"value" (no ',' when first), the value as a JSON string. */
static void
member(struct outbuf *ob, const char *key, const char *val, int first)
{
	if (!first)
		outbuf_putc(ob, ',');
	outbuf_putc(ob, '"');
	outbuf_puts(ob, key);
	outbuf_puts(ob, "\":");
	json_string(ob, val, strlen(val));
}

void
ecs_rdns_items(struct outbuf *ob, const struct fmt_line *fl,
    const struct ecs_ips *ips)
{
	const struct fmt_addr	*fa;
	const char		*helo;
	size_t			 i;

	for (i = 0; i < fl->fl_n; i++) {
		fa = &fl->fl_addrs[i];
		helo = fmt_helo(fl->fl_buf, fa);
		outbuf_puts(ob, i > 0 ? ",{" : "{");
		member(ob, "ip", ips->ei_ip[i], 1);
		if (fa->fa_host != NULL)
			member(ob, "host", fa->fa_host, 0);
		member(ob, "fcrdns", verdict_name(fa->fa_verdict), 0);
		outbuf_puts(ob, fa->fa_generic ? ",\"generic\":true" :
		    ",\"generic\":false");
		if (helo != NULL)
			member(ob, "helo", helo, 0);
		outbuf_putc(ob, '}');
	}
}

void
ecs_ip_items(struct outbuf *ob, const struct fmt_line *fl,
    const struct ecs_ips *ips)
{
	size_t	i;

	for (i = 0; i < fl->fl_n; i++) {
		if (i > 0)
			outbuf_putc(ob, ',');
		json_string(ob, ips->ei_ip[i], strlen(ips->ei_ip[i]));
	}
}

/* "related": every address; the confirmed hosts when there are any. */
static void
related(struct outbuf *ob, const struct fmt_line *fl,
    const struct ecs_ips *ips)
{
	const char	*hosts[LINE_ADDRS_MAX];
	size_t		 i, n = ecs_hosts(fl, hosts);

	outbuf_puts(ob, "\"related\":{\"ip\":[");
	ecs_ip_items(ob, fl, ips);
	outbuf_putc(ob, ']');
	if (n > 0) {
		outbuf_puts(ob, ",\"hosts\":[");
		for (i = 0; i < n; i++) {
			if (i > 0)
				outbuf_putc(ob, ',');
			json_string(ob, hosts[i], strlen(hosts[i]));
		}
		outbuf_putc(ob, ']');
	}
	outbuf_putc(ob, '}');
}

/* ,"source" or "destination": the first address with that role. */
static void
endpoint(struct outbuf *ob, const char *name, const struct fmt_line *fl,
    const struct ecs_ips *ips, enum ipscan_role r)
{
	const char	*domain;
	size_t		 i = ecs_first_role(fl, r);

	if (i == fl->fl_n)
		return;
	outbuf_puts(ob, ",\"");
	outbuf_puts(ob, name);
	outbuf_puts(ob, "\":{");
	member(ob, "ip", ips->ei_ip[i], 1);
	if ((domain = ecs_confirmed(&fl->fl_addrs[i])) != NULL)
		member(ob, "domain", domain, 0);
	outbuf_putc(ob, '}');
}

void
ecs_members(struct outbuf *ob, const struct fmt_line *fl,
    const struct ecs_ips *ips, int flags)
{
	if (fl->fl_n == 0)
		return;
	outbuf_puts(ob, flags & ECS_FIRST ? "\"rdns\":[" : ",\"rdns\":[");
	ecs_rdns_items(ob, fl, ips);
	outbuf_puts(ob, "],");
	related(ob, fl, ips);
	if (flags & ECS_ENDPOINTS) {
		endpoint(ob, "source", fl, ips, IPSCAN_ROLE_SRC);
		endpoint(ob, "destination", fl, ips, IPSCAN_ROLE_DST);
	}
}

/*
 * The proleptic Gregorian date of day number days (0 is 1970-01-01):
 * the count is shifted to start on 0000-03-01, so that the leap day is
 * the last of its year, and split into 400-year eras of 146097 days.
 */
static void
civil(uint64_t days, unsigned *y, unsigned *m, unsigned *d)
{
	uint64_t	z = days + 719468, era, doe, yoe, doy, mp;

	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned)(yoe + era * 400 + (*m <= 2));
}

/* Write v as exactly n decimal digits, zero-padded, at p; return past. */
static char *
digits(char *p, unsigned v, int n)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void
ecs_timestamp(struct outbuf *ob, uint64_t ms)
{
	char		buf[26], *p = buf;
	uint64_t	secs, sod;
	unsigned	y, m, d;

	/* Digits by hand: snprintf cost a fifth of -f json's time. */
	if (ms > ECS_TIME_MAX)
		ms = ECS_TIME_MAX;
	secs = ms / 1000;
	sod = secs % 86400;
	civil(secs / 86400, &y, &m, &d);
	*p++ = '"';
	p = digits(p, y, 4);
	*p++ = '-';
	p = digits(p, m, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	*p++ = 'T';
	p = digits(p, (unsigned)(sod / 3600), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(sod / 60 % 60), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(sod % 60), 2);
	*p++ = '.';
	p = digits(p, (unsigned)(ms % 1000), 3);
	*p++ = 'Z';
	*p++ = '"';
	outbuf_append(ob, buf, (size_t)(p - buf));
}
