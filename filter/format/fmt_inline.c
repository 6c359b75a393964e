/*
 * fmt_inline: the inline format of ptrtag.1, OUTPUT: "[host verdict]"
 * (or "[verdict]") right after each address, every other byte as read.
 */
#include <stdio.h>

#include "fmtint.h"
#include "format.h"
#include "hostname.h"

/*
 * Host text: hosts are validated before they are cached, but any byte
 * outside the host-name alphabet (hostname.h) is still written as \xHH
 * so that no format can carry raw DNS text.
 */
static void
inline_host(struct outbuf *ob, const char *host)
{
	char	hex[5];

	for (; *host != '\0'; host++) {
		unsigned char c = (unsigned char)*host;

		if (hostname_byte(c) || c == '.')
			outbuf_putc(ob, (char)c);
		else {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			outbuf_append(ob, hex, 4);
		}
	}
}

void
fmt_inline(struct outbuf *ob, const struct fmt_line *fl,
    struct fmt_result *fr)
{
	const struct fmt_addr	*fa;
	size_t			 i, off = 0;

	/* Spans only grow (format.h), so each is copied up to once. */
	for (i = 0; i < fl->fl_n; i++) {
		fa = &fl->fl_addrs[i];
		fmt_count(fr, fa);
		outbuf_append(ob, fl->fl_buf + off, fa->fa_eo - off);
		off = fa->fa_eo;
		outbuf_putc(ob, '[');
		if (fa->fa_host != NULL) {
			inline_host(ob, fa->fa_host);
			outbuf_putc(ob, ' ');
		}
		outbuf_puts(ob, verdict_name(fa->fa_verdict));
		outbuf_putc(ob, ']');
	}
	outbuf_append(ob, fl->fl_buf + off, fl->fl_len - off);
}
