/*
 * fmt_mmexternal: replies to rsyslog's mmexternal (ptrtag.1,
 * DESCRIPTION, --mmexternal): one line per message naming only what
 * changes, the enrichment as message variables under "$!" ("rdns" and
 * "related", as ecs.h writes them), or "{}" when the message has none.
 */
#include "ecs.h"
#include "fmtint.h"
#include "format.h"
#include "line.h"

void
fmt_mmexternal(struct outbuf *ob, const struct fmt_line *fl,
    struct fmt_result *fr)
{
	struct ecs_ips	ips;

	/* A piece of an overlong line is one message only once. */
	if (fl->fl_raw && line_text_len(fl->fl_buf, fl->fl_len) ==
	    fl->fl_len)
		return;
	if (fl->fl_n == 0) {
		outbuf_puts(ob, "{}\n");
		return;
	}
	fmt_count_line(fr, fl);
	ecs_ips_fill(fl, &ips);
	outbuf_puts(ob, "{\"$!\":{");
	ecs_members(ob, fl, &ips, ECS_FIRST);
	outbuf_puts(ob, "}}\n");
}
