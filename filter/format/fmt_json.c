/*
 * fmt_json: the json format of ptrtag.1, OUTPUT: one ECS document per
 * line, "@timestamp" (when the line was read), "ecs.version" and
 * "message", then what ecs.h writes about the line's addresses, and the
 * "tags" that flag a lossy or overlong line. Every field outside "rdns"
 * is in the ECS field list (tests/integration/ecs-fields.tsv).
 */
#include "ecs.h"
#include "fmtint.h"
#include "format.h"
#include "json.h"
#include "line.h"

/* ,"tags":[...] naming what happened to the message, when anything did. */
static void
json_tags(struct outbuf *ob, int lossy, int overlong)
{
	if (!lossy && !overlong)
		return;
	outbuf_puts(ob, ",\"tags\":[");
	if (lossy)
		outbuf_puts(ob, "\"rdns_lossy\"");
	if (overlong)
		outbuf_puts(ob, lossy ? ",\"rdns_overlong\"" :
		    "\"rdns_overlong\"");
	outbuf_putc(ob, ']');
}

void
fmt_json(struct outbuf *ob, const struct fmt_line *fl, struct fmt_result *fr)
{
	struct ecs_ips	ips;
	size_t		t = line_text_len(fl->fl_buf, fl->fl_len);

	outbuf_puts(ob, "{\"@timestamp\":");
	ecs_timestamp(ob, fl->fl_read_ms);
	outbuf_puts(ob, ",\"ecs\":{\"version\":\"" ECS_VERSION "\"},"
	    "\"message\":");
	fr->fr_lossy = json_string(ob, fl->fl_buf, t);
	if (fl->fl_n > 0) {
		fmt_count_line(fr, fl);
		ecs_ips_fill(fl, &ips);
		ecs_members(ob, fl, &ips, ECS_ENDPOINTS);
	}
	json_tags(ob, fr->fr_lossy, fl->fl_raw);
	outbuf_puts(ob, "}\n");
}
