/*
 * fmt_kv: the kv format of ptrtag.1, OUTPUT. The line's content, then
 * ptrtag's block, then the line's own terminator (line.h). The block is
 *
 *	" PFXn=N" [" PFXforged=true"], then N groups
 *	" PFXip=A PFXhost=H PFXfcrdns=V PFXgeneric=true|false" [" PFXhelo=W"]
 *
 * with the same keys in the same order in every group of a line (host
 * "-" when there is none; helo in every group, "-" where none was
 * claimed, or in none), so that multivalue extraction pairs them and a
 * parser anchored at the end of the line takes this block, never text
 * the line held. forged says the line's own text holds the prefix. A
 * line without addresses gets a block only then (" PFXn=0
 * PFXforged=true"), and the piece that ends an overlong line always
 * (" PFXn=0 PFXoverlong=true"): the end of every line whose text could
 * pass for a block is ptrtag's.
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

/* Where the pairs go: the buffer and the key prefix. */
struct kv_out {
	struct outbuf	*ko_ob;
	const char	*ko_pfx;
	size_t		 ko_plen;
};

/* Append " PREFIXkey=" (key given with its '='). */
static void
kv_key(const struct kv_out *k, const char *key)
{
	outbuf_putc(k->ko_ob, ' ');
	outbuf_append(k->ko_ob, k->ko_pfx, k->ko_plen);
	outbuf_puts(k->ko_ob, key);
}

/* A pair whose value is our own text (address, verdict word, flag). */
static void
kv_own(const struct kv_out *k, const char *key, const char *val)
{
	kv_key(k, key);
	outbuf_puts(k->ko_ob, val);
}

/* 1 when some address of fl has a claimed HELO name. */
static int
kv_any_helo(const struct fmt_line *fl)
{
	size_t	i;

	for (i = 0; i < fl->fl_n; i++)
		if (fl->fl_addrs[i].fa_helo_eo > fl->fl_addrs[i].fa_helo_so)
			return 1;
	return 0;
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

/* The longest " PREFIXkey=" kv_put writes ("generic="). */
#define KV_PAIR(plen)	(1 + (plen) + sizeof("generic=") - 1)

/* Room kv_pairs() takes at most, beside the address, host and verdict. */
#define KV_ROOM(plen)	(4 * KV_PAIR(plen) + sizeof("false") + 1)

/*
 * Write the pairs of fa but helo at p, with room reserved for them: ip,
 * host (hlen bytes, known not to need quotes; "-" when none), fcrdns,
 * generic.
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
	else
		p = kv_put(p, pfx, plen, "host=", 5, "-", 1);
	p = kv_put(p, pfx, plen, "fcrdns=", 7, v, strlen(v));
	if (fa->fa_generic)
		return kv_put(p, pfx, plen, "generic=", 8, "true", 4);
	return kv_put(p, pfx, plen, "generic=", 8, "false", 5);
}

/*
 * The host's length, or SIZE_MAX when kv_pairs() may not write it as it
 * is: it must be quoted, or it is "-", which would read as none.
 */
static size_t
kv_host_len(const struct fmt_addr *fa)
{
	size_t	hlen;

	if (fa->fa_host == NULL)
		return 0;
	hlen = fa->fa_host_plain ? fa->fa_host_len : strlen(fa->fa_host);
	/* "-" is a valid host name (hostname.h) that kv writes quoted. */
	if (hlen == 1 && fa->fa_host[0] == '-')
		return SIZE_MAX;
	if (!fa->fa_host_plain && kv_needs_quotes(fa->fa_host, hlen))
		return SIZE_MAX;
	return hlen;
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
 * The group of one address: the pairs the caller kept (fa_kv), or
 * written in place in one stretch unless the host must be quoted (never,
 * for a valid host name: fa_host_plain says the cache vouches for it,
 * else it is checked); then helo when the line's groups carry it.
 */
static void
kv_addr(const struct kv_out *k, const char *line, const struct fmt_addr *fa,
    int helo)
{
	char		 ip[IPADDR_STRMAX], *p;
	const char	*claim, *v = verdict_name(fa->fa_verdict);
	size_t		 hlen;

	if (fa->fa_kv != NULL)
		outbuf_append(k->ko_ob, fa->fa_kv, fa->fa_kv_len);
	else if ((hlen = kv_host_len(fa)) != SIZE_MAX) {
		p = outbuf_reserve(k->ko_ob, KV_ROOM(k->ko_plen) +
		    IPADDR_STRMAX + hlen + strlen(v));
		outbuf_commit(k->ko_ob, kv_pairs(p, k->ko_pfx, k->ko_plen, fa,
		    hlen));
	} else {
		(void)ipaddr_ntop(fa->fa_addr, ip, sizeof(ip));
		kv_own(k, "ip=", ip);
		kv_key(k, "host=");
		if (strcmp(fa->fa_host, "-") == 0)
			/* Never a valid host name; quoted not to read as none. */
			outbuf_puts(k->ko_ob, "\"-\"");
		else
			fmt_kv_value(k->ko_ob, fa->fa_host, strlen(fa->fa_host));
		kv_own(k, "fcrdns=", v);
		kv_own(k, "generic=", fa->fa_generic ? "true" : "false");
	}
	if (helo) {
		claim = fmt_helo(line, fa);
		kv_own(k, "helo=", claim != NULL ? claim : "-");
	}
}

_Static_assert(LINE_ADDRS_MAX < 100, "kv_put_n writes n with two digits");

/* Write the pair " PFXn=N" at p (n at most LINE_ADDRS_MAX); the end. */
static char *
kv_put_n(char *p, const struct kv_out *k, size_t n)
{
	char	d[2];

	/* Two digits at most, without snprintf. */
	d[0] = (char)('0' + n / 10);
	d[1] = (char)('0' + n % 10);
	return kv_put(p, k->ko_pfx, k->ko_plen, "n=", 2, n < 10 ? d + 1 : d,
	    n < 10 ? 1 : 2);
}

/* The block for the addresses of fl, forged when the text holds PFX. */
static void
kv_block(const struct kv_out *k, const struct fmt_line *fl, int forged,
    struct fmt_result *fr)
{
	char	*p;
	size_t	 i;
	int	 helo = kv_any_helo(fl);

	p = outbuf_reserve(k->ko_ob, 2 * KV_PAIR(k->ko_plen) + sizeof("true"));
	p = kv_put_n(p, k, fl->fl_n);
	if (forged)
		p = kv_put(p, k->ko_pfx, k->ko_plen, "forged=", 7, "true", 4);
	outbuf_commit(k->ko_ob, p);
	for (i = 0; i < fl->fl_n; i++) {
		fmt_count(fr, &fl->fl_addrs[i]);
		kv_addr(k, fl->fl_buf, &fl->fl_addrs[i], helo);
	}
}

/*
 * The usual line of a stream whose addresses recur: not forged, and
 * every group kept by its cache entry (fa_kv) with no helo pair. The
 * text t bytes long, the block, the terminator are written in one
 * reserved stretch: the same bytes kv_block writes, without a bounds
 * check per piece. Returns 0, having written nothing, for other lines.
 */
static int
kv_kept_line(const struct kv_out *k, const struct fmt_line *fl, size_t t,
    struct fmt_result *fr)
{
	const struct fmt_addr	*fa;
	char			*p;
	size_t			 i, room;

	room = fl->fl_len + KV_PAIR(k->ko_plen) + 2;
	for (i = 0; i < fl->fl_n; i++) {
		fa = &fl->fl_addrs[i];
		if (fa->fa_kv == NULL || fa->fa_helo_eo > fa->fa_helo_so)
			return 0;
		room += fa->fa_kv_len;
	}
	p = outbuf_reserve(k->ko_ob, room);
	p = kv_copy(p, fl->fl_buf, t);
	p = kv_put_n(p, k, fl->fl_n);
	for (i = 0; i < fl->fl_n; i++) {
		fa = &fl->fl_addrs[i];
		fmt_count(fr, fa);
		p = kv_copy(p, fa->fa_kv, fa->fa_kv_len);
	}
	for (i = t; i < fl->fl_len; i++)	/* "\n", "\r\n" or nothing */
		*p++ = fl->fl_buf[i];
	outbuf_commit(k->ko_ob, p);
	return 1;
}

/*
 * 1 when text[0..len) holds pfx[0..plen), as memmem() would say, an empty
 * pfx included. Every line is searched, so the search runs memchr() for
 * pfx's last byte, which the usual prefixes make rare in log text ("_"
 * of "rdns_"), and compares the rest only where that byte is.
 */
static int
kv_text_holds(const char *text, size_t len, const char *pfx, size_t plen)
{
	const char	*p, *end = text + len;

	if (plen == 0)
		return 1;
	if (len < plen)
		return 0;
	for (p = text + plen - 1; p < end; p++) {
		if ((p = memchr(p, pfx[plen - 1], (size_t)(end - p))) == NULL)
			return 0;
		if (memcmp(p - (plen - 1), pfx, plen - 1) == 0)
			return 1;
	}
	return 0;
}

void
fmt_kv(struct outbuf *ob, const char *prefix, const struct fmt_line *fl,
    struct fmt_result *fr)
{
	struct kv_out	k;
	size_t		t = line_text_len(fl->fl_buf, fl->fl_len);
	int		forged = 0;

	k.ko_ob = ob;
	k.ko_pfx = prefix;
	k.ko_plen = strlen(prefix);
	if (!fl->fl_raw)
		forged = kv_text_holds(fl->fl_buf, t, prefix, k.ko_plen);
	if (fl->fl_raw ? !line_ended(fl->fl_buf, fl->fl_len) :
	    fl->fl_n == 0 && !forged) {
		/* Most lines: one copy, nothing to insert. */
		outbuf_append(ob, fl->fl_buf, fl->fl_len);
		return;
	}
	if (!fl->fl_raw && !forged && kv_kept_line(&k, fl, t, fr))
		return;
	outbuf_append(ob, fl->fl_buf, t);
	if (fl->fl_raw) {
		kv_own(&k, "n=", "0");
		kv_own(&k, "overlong=", "true");
	} else
		kv_block(&k, fl, forged, fr);
	outbuf_append(ob, fl->fl_buf + t, fl->fl_len - t);
}
