/*
 * fmt_mmexternal: replies to rsyslog's mmexternal (ptrtag.1,
 * DESCRIPTION, --mmexternal): one line per message naming only what
 * changes, the enrichment as message variables under "$!", or "{}" when
 * the message has none.
 */
#include "fmtint.h"
#include "format.h"
#include "line.h"

void
fmt_mmexternal(struct outbuf *ob, const struct fmt_line *fl,
    struct fmt_result *fr)
{
	struct fmt_ips	ips;

	/* A piece of an overlong line is one message only once. */
	if (fl->fl_raw && line_text_len(fl->fl_buf, fl->fl_len) ==
	    fl->fl_len)
		return;
	if (fl->fl_n == 0) {
		outbuf_puts(ob, "{}\n");
		return;
	}
	outbuf_puts(ob, "{\"$!\":{");
	fmt_json_rdns(ob, fl, &ips, fr);
	outbuf_puts(ob, "}}\n");
}
