/*
 * annot: writes a line with its annotations into the output buffer in
 * the chosen format (ptrtag.1, OUTPUT). The original bytes are never
 * changed; annotations go before the "\n" or "\r\n" terminator (kv) or
 * right after each address (inline). Text from DNS reaches the output
 * only after validation, and is quoted wherever a format needs it.
 */
#ifndef ANNOT_H
#define ANNOT_H

#include <stddef.h>

#include "config.h"
#include "lineq.h"
#include "outbuf.h"
#include "stats.h"

/*
 * Append buf[0..len) annotated with slots[0..n) to ob. raw marks bytes
 * that pass through unannotated (a line over --max-line, or a piece of
 * one). Slots whose lookup has not settled are reported as "timeout".
 * Counts lines and verdicts in st.
 */
void	annot_line(struct outbuf *ob, const struct config *cfg,
	    const char *buf, size_t len, const struct lslot *slots, size_t n,
	    int raw, struct stats *st);

/*
 * Append s[0..len) as a kv value: bare when it holds no space, '"', '=',
 * '\\' or control byte, else double-quoted with \" \\ and \xHH escapes.
 */
void	annot_kv_value(struct outbuf *ob, const char *s, size_t len);

#endif /* ANNOT_H */
