/*
 * fmt_kv: the kv format of ptrtag.1, OUTPUT. The line's content, then
 * " PREFIXkey=value" pairs per address, then the line's own terminator.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmtint.h"
#include "format.h"
#include "line.h"

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

/* Every byte of a word equal to b. */
#define KV_BYTES(b)	(UINT64_C(0x0101010101010101) * (b))

/* Nonzero when a byte of w is zero; when one is below b (b <= 0x80). */
#define KV_ZERO(w)	(((w) - KV_BYTES(1)) & ~(w) & KV_BYTES(0x80))
#define KV_BELOW(w, b)	(((w) - KV_BYTES(b)) & ~(w) & KV_BYTES(0x80))

/* The bytes of kv_special, eight at a time: a host name has none. */
static int
kv_needs_quotes(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint64_t		 w;
	size_t			 i = 0;

	if (len == 0)
		return 1;
	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, u + i, sizeof(w));
		if (KV_BELOW(w, 0x21) | KV_ZERO(w ^ KV_BYTES('"')) |
		    KV_ZERO(w ^ KV_BYTES('=')) | KV_ZERO(w ^ KV_BYTES('\\')) |
		    KV_ZERO(w ^ KV_BYTES(0x7f)))
			return 1;
	}
	for (; i < len; i++)
		if (kv_special[u[i]])
			return 1;
	return 0;
}

void
fmt_kv_value(struct outbuf *ob, const char *s, size_t len)
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

/*
 * Copy s[0..n) to p, returning the end: pieces of up to 16 bytes with
 * two fixed-size copies that may overlap (inlined, where a call to
 * memcpy would cost more than the copy), longer ones with memcpy.
 */
static char *
kv_copy(char *p, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		memcpy(p, s, 8);
		memcpy(p + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(p, s, 4);
		memcpy(p + n - 4, s + n - 4, 4);
	} else if (n > 16)
		memcpy(p, s, n);
	else {
		if (n >= 2)
			memcpy(p + n - 2, s + n - 2, 2);
		if (n >= 1)
			*p = *s;
	}
	return p + n;
}

/* Write " PREFIXkey=" and then val[0..vlen) at p; returns the end. */
static char *
kv_put(char *p, const char *prefix, size_t plen, const char *key,
    size_t klen, const char *val, size_t vlen)
{
	*p++ = ' ';
	p = kv_copy(p, prefix, plen);
	p = kv_copy(p, key, klen);
	return kv_copy(p, val, vlen);
}

/* The longest pair kv_put writes, beside its value. */
#define KV_PAIR(plen)	(1 + (plen) + sizeof("fcrdns="))

/* Room the pairs of kv_pairs() take at most, beside their values. */
#define KV_ROOM(plen)	(4 * KV_PAIR(plen) + 3)

/*
 * Write the pairs of fa but helo at p, with room reserved for them:
 * ip, host (hlen bytes, known not to need quotes), fcrdns, generic.
 */
static char *
kv_pairs(char *p, const char *pfx, size_t plen, const struct fmt_addr *fa,
    size_t hlen)
{
	char		 ip[IPADDR_STRMAX];
	const char	*v = verdict_name(fa->fa_verdict);
	size_t		 iplen = ipaddr_ntop(fa->fa_addr, ip, sizeof(ip));

	p = kv_put(p, pfx, plen, "ip=", 3, ip, iplen);
	if (fa->fa_host != NULL)
		p = kv_put(p, pfx, plen, "host=", 5, fa->fa_host, hlen);
	p = kv_put(p, pfx, plen, "fcrdns=", 7, v, strlen(v));
	if (fa->fa_generic)
		p = kv_put(p, pfx, plen, "generic=", 8, "yes", 3);
	return p;
}

/* The host's length, or SIZE_MAX when it must be quoted. */
static size_t
kv_host_len(const struct fmt_addr *fa)
{
	size_t	hlen;

	if (fa->fa_host == NULL)
		return 0;
	if (fa->fa_host_plain)
		return fa->fa_host_len;
	hlen = strlen(fa->fa_host);
	return kv_needs_quotes(fa->fa_host, hlen) ? SIZE_MAX : hlen;
}

size_t
fmt_kv_pairs(char *buf, size_t size, const char *prefix,
    const struct fmt_addr *fa)
{
	size_t	plen = strlen(prefix), hlen = kv_host_len(fa);

	if (hlen == SIZE_MAX || size < KV_ROOM(plen) + IPADDR_STRMAX + hlen +
	    strlen(verdict_name(fa->fa_verdict)))
		return 0;
	return (size_t)(kv_pairs(buf, prefix, plen, fa, hlen) - buf);
}

/*
 * The pairs of one address: those the caller kept (fa_kv), or written in
 * place in one stretch, unless the host must be quoted (never, for a
 * valid host name: fa_host_plain says the cache vouches for it, else it
 * is checked); then helo.
 */
static void
kv_addr(struct outbuf *ob, const char *pfx, size_t plen, const char *line,
    const struct fmt_addr *fa)
{
	char		 ip[IPADDR_STRMAX], *p;
	const char	*helo = fmt_helo(line, fa);
	const char	*v = verdict_name(fa->fa_verdict);
	size_t		 hlen;

	if (fa->fa_kv != NULL)
		outbuf_append(ob, fa->fa_kv, fa->fa_kv_len);
	else if ((hlen = kv_host_len(fa)) != SIZE_MAX) {
		p = outbuf_reserve(ob, KV_ROOM(plen) + IPADDR_STRMAX + hlen +
		    strlen(v));
		outbuf_commit(ob, kv_pairs(p, pfx, plen, fa, hlen));
	} else {
		kv_key(ob, pfx, plen, "ip=", 3);
		outbuf_append(ob, ip, ipaddr_ntop(fa->fa_addr, ip,
		    sizeof(ip)));
		kv_key(ob, pfx, plen, "host=", 5);
		fmt_kv_value(ob, fa->fa_host, strlen(fa->fa_host));
		p = outbuf_reserve(ob, 2 * KV_PAIR(plen) + strlen(v) + 3);
		p = kv_put(p, pfx, plen, "fcrdns=", 7, v, strlen(v));
		if (fa->fa_generic)
			p = kv_put(p, pfx, plen, "generic=", 8, "yes", 3);
		outbuf_commit(ob, p);
	}
	if (helo != NULL) {
		kv_key(ob, pfx, plen, "helo=", 5);
		outbuf_puts(ob, helo);
	}
}

void
fmt_kv(struct outbuf *ob, const char *prefix, const struct fmt_line *fl,
    struct fmt_result *fr)
{
	size_t	i, t, plen;

	if (fl->fl_n == 0) {
		/* Most lines: one copy, nothing to insert. */
		outbuf_append(ob, fl->fl_buf, fl->fl_len);
		return;
	}
	plen = strlen(prefix);
	t = line_text_len(fl->fl_buf, fl->fl_len);
	outbuf_append(ob, fl->fl_buf, t);
	for (i = 0; i < fl->fl_n; i++) {
		fmt_count(fr, &fl->fl_addrs[i]);
		kv_addr(ob, prefix, plen, fl->fl_buf, &fl->fl_addrs[i]);
	}
	outbuf_append(ob, fl->fl_buf + t, fl->fl_len - t);
}
