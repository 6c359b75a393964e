/*
 * jsonscan: the addresses of one line under --input json (ptrtag.1,
 * STRUCTURED INPUT). The line's object is parsed (filter/jsonin); the
 * --field values that are addresses (strings, or arrays of strings)
 * and the addresses the scanner finds in the decoded text of each
 * --scan string are taken, in order of their place in the line,
 * distinct, at most max. A line that is not an object ptrtag may enrich
 * gives none and is counted as json_passed_through. The parser is also
 * the one the formatter re-reads the line with (fmt_line's fl_json).
 */
#ifndef JSONSCAN_H
#define JSONSCAN_H

#include <stddef.h>

#include "config.h"
#include "ipmatch.h"
#include "ipscan.h"
#include "stats.h"

struct jsonin;
struct jsonscan;

/* A scanner with its parser and buffers; err(1) on ENOMEM. */
struct jsonscan	*jsonscan_create(void);
void		 jsonscan_free(struct jsonscan *js);

/* The parser, for the formatter of the same lines. */
struct jsonin	*jsonscan_parser(struct jsonscan *js);

/*
 * The addresses of buf[0..len) (a line, terminator included) into
 * out[0..max), with their spans in buf (a scanned field's spans point
 * into its escaped text) and the role the pattern gave them (fields:
 * IPSCAN_ROLE_IP). keep as for ipscan_line_keep(). Counts refused
 * lines, pattern limits and matcher errors in st. Returns the count.
 * *jsp is the scanner, made on first use when NULL (jsonscan_free()
 * it).
 */
size_t		 jsonscan_line(struct jsonscan **jsp, struct ipscan *sc,
		    const struct config *cfg, const char *buf, size_t len,
		    struct ipmatch *out, size_t max,
		    int (*keep)(const struct ipaddr *, const void *),
		    const void *arg, struct stats *st);

#endif /* JSONSCAN_H */
