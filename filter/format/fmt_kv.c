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

/* The group of one address; helo: the line's groups carry helo. */
static void
kv_addr(const struct kv_out *k, const char *line, const struct fmt_addr *fa,
    int helo)
{
	char		 ip[IPADDR_STRMAX];
	const char	*claim;

	(void)ipaddr_ntop(fa->fa_addr, ip, sizeof(ip));
	kv_own(k, "ip=", ip);
	kv_key(k, "host=");
	if (fa->fa_host == NULL)
		outbuf_putc(k->ko_ob, '-');
	else if (strcmp(fa->fa_host, "-") == 0)
		/* Never a valid host name; quoted so as not to read as none. */
		outbuf_puts(k->ko_ob, "\"-\"");
	else
		/* Validated already; quoted anyway if it ever must. */
		fmt_kv_value(k->ko_ob, fa->fa_host, strlen(fa->fa_host));
	kv_own(k, "fcrdns=", verdict_name(fa->fa_verdict));
	kv_own(k, "generic=", fa->fa_generic ? "true" : "false");
	if (helo) {
		claim = fmt_helo(line, fa);
		kv_own(k, "helo=", claim != NULL ? claim : "-");
	}
}

_Static_assert(LINE_ADDRS_MAX < 100, "kv_block writes n with two digits");

/* The block for the addresses of fl, forged when the text holds PFX. */
static void
kv_block(const struct kv_out *k, const struct fmt_line *fl, int forged,
    struct fmt_result *fr)
{
	char	n[3];
	size_t	i;
	int	helo = kv_any_helo(fl);

	/* At most LINE_ADDRS_MAX (64): two digits, without snprintf. */
	n[0] = (char)('0' + fl->fl_n / 10);
	n[1] = (char)('0' + fl->fl_n % 10);
	n[2] = '\0';
	kv_own(k, "n=", fl->fl_n < 10 ? n + 1 : n);
	if (forged)
		kv_own(k, "forged=", "true");
	for (i = 0; i < fl->fl_n; i++) {
		fmt_count(fr, &fl->fl_addrs[i]);
		kv_addr(k, fl->fl_buf, &fl->fl_addrs[i], helo);
	}
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
		forged = memmem(fl->fl_buf, t, prefix, k.ko_plen) != NULL;
	if (fl->fl_raw ? !line_ended(fl->fl_buf, fl->fl_len) :
	    fl->fl_n == 0 && !forged) {
		/* Most lines: one copy, nothing to insert. */
		outbuf_append(ob, fl->fl_buf, fl->fl_len);
		return;
	}
	outbuf_append(ob, fl->fl_buf, t);
	if (fl->fl_raw) {
		kv_own(&k, "n=", "0");
		kv_own(&k, "overlong=", "true");
	} else
		kv_block(&k, fl, forged, fr);
	outbuf_append(ob, fl->fl_buf + t, fl->fl_len - t);
}
