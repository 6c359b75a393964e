/*
 * fmt_line: the dispatcher of format.h, fmt_line(): one output format
 * per --format value (config.h, enum cfg_format), or the objects of
 * --input json enriched in place.
 */
#include <string.h>

#include "fmtint.h"
#include "format.h"

void
fmt_line(struct outbuf *ob, const struct config *cfg,
    const struct fmt_line *fl, struct fmt_result *fr)
{
	struct fmt_line	l = *fl;

	memset(fr, 0, sizeof(*fr));
	if (l.fl_n > LINE_ADDRS_MAX)
		l.fl_n = LINE_ADDRS_MAX;
	if (cfg->cf_input == CFG_INPUT_JSON) {
		fmt_jsonin(ob, cfg, &l, fr);
		return;
	}
	switch (cfg->cf_format) {
	case CFG_FORMAT_KV:
		fmt_kv(ob, cfg->cf_prefix, &l, fr);
		break;
	case CFG_FORMAT_INLINE:
		fmt_inline(ob, &l, fr);
		break;
	case CFG_FORMAT_JSON:
		fmt_json(ob, &l, fr);
		break;
	case CFG_FORMAT_MMEXTERNAL:
		fmt_mmexternal(ob, &l, fr);
		break;
	}
}
