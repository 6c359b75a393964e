/*
 * fmtint: what the files of filter/format share and nothing outside it
 * uses: one entry point per output format (fmt_line.c picks one) and
 * the helpers they have in common. Each entry point appends its
 * rendering of fl to ob and adds what it annotated to fr, which the
 * caller has zeroed; fl->fl_n is at most LINE_ADDRS_MAX.
 */
#ifndef FMTINT_H
#define FMTINT_H

#include <stddef.h>

#include "format.h"
#include "outbuf.h"

void	fmt_kv(struct outbuf *ob, const char *prefix,
	    const struct fmt_line *fl, struct fmt_result *fr);
void	fmt_inline(struct outbuf *ob, const struct fmt_line *fl,
	    struct fmt_result *fr);
void	fmt_json(struct outbuf *ob, const struct fmt_line *fl,
	    struct fmt_result *fr);
void	fmt_mmexternal(struct outbuf *ob, const struct fmt_line *fl,
	    struct fmt_result *fr);

/* Count fa as annotated; count every address of fl. */
void	fmt_count(struct fmt_result *fr, const struct fmt_addr *fa);
void	fmt_count_line(struct fmt_result *fr, const struct fmt_line *fl);

/*
 * "match" when the claimed HELO name equals fa's host ignoring case and
 * one trailing dot on either side, "mismatch" when it does not or there
 * is no host, NULL when fa has no claimed name.
 */
const char *fmt_helo(const char *line, const struct fmt_addr *fa);

#endif /* FMTINT_H */
