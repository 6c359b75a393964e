/*
 * format: writes one line with its annotations into an output buffer in
 * the format --format chose (ptrtag.1, OUTPUT). The original bytes are
 * never changed; annotations go before the "\n" or "\r\n" terminator
 * (kv, line.h), right after each address (inline), or into a JSON
 * object per line (json, mmexternal). Text from DNS is escaped or
 * quoted wherever a format needs it.
 *
 * Formatters see a read-only view of each address and its answer (the
 * stream layer builds it from its cache entries) and report what they
 * wrote in a fmt_result; they keep no state and touch no counters.
 */
#ifndef FORMAT_H
#define FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "config.h"
#include "ipaddr.h"
#include "ipmatch.h"
#include "outbuf.h"
#include "verdict.h"

struct jsonin;

/* One address of a line and the answer written for it. */
struct fmt_addr {
	const struct ipaddr	*fa_addr;
	enum ipscan_role	 fa_role;	/* json source/destination */
	enum verdict		 fa_verdict;	/* the word written */
	const char		*fa_host;	/* PTR host, or NULL for none */
	/*
	 * 1 when fa_host is known to be a valid host name (hostname.h:
	 * the cache holds no other), so it needs no quoting or escaping
	 * and fa_host_len is its length; 0 makes formats check it.
	 */
	int			 fa_host_plain;
	size_t			 fa_host_len;
	/*
	 * kv: the address's pairs as fmt_kv_pairs() wrote them, kept by
	 * the caller for this very answer; NULL to have them written.
	 */
	const char		*fa_kv;
	size_t			 fa_kv_len;
	int			 fa_generic;	/* host looks generic */
	size_t			 fa_so;		/* address span in the line */
	size_t			 fa_eo;
	size_t			 fa_helo_so;	/* claimed HELO name span; */
	size_t			 fa_helo_eo;	/* so == eo when none */
};

/*
 * A line as read, terminator included. addrs are in order of first
 * appearance, so their spans only grow. raw marks bytes that pass
 * through unannotated (a line over --max-line, or a piece of one).
 * read_ms is when the line was read: milliseconds since the Unix epoch
 * on the wall clock, taken by the stream layer (formats read no clock).
 */
struct fmt_line {
	const char		*fl_buf;
	size_t			 fl_len;
	int			 fl_raw;
	uint64_t		 fl_read_ms;
	const struct fmt_addr	*fl_addrs;
	size_t			 fl_n;		/* at most LINE_ADDRS_MAX used */
	struct jsonin		*fl_json;	/* --input json: a parser */
};

/* What one call wrote. */
struct fmt_result {
	size_t	fr_addrs;			/* addresses annotated */
	size_t	fr_verdicts[VERDICT_COUNT];	/* of those, per verdict */
	int	fr_lossy;	/* json: bytes not UTF-8 became U+FFFD */
};

/*
 * Append fl to ob in cfg->cf_format (kv keys start with cfg->cf_prefix)
 * and fill fr. Under mmexternal a raw piece without a terminator writes
 * nothing: a piece of an overlong line is answered once, at its end.
 */
void	fmt_line(struct outbuf *ob, const struct config *cfg,
	    const struct fmt_line *fl, struct fmt_result *fr);

/*
 * --input json: 1 when the object jsonin_parse() accepted last may be
 * enriched (ptrtag.1, STRUCTURED INPUT): it has no "rdns" member, flat
 * or nested, of its own. Else it passes through unchanged.
 */
int	fmt_jsonin_accepts(const struct jsonin *j);

/*
 * Append s[0..len) as a kv value: bare when it holds no space, '"', '=',
 * '\\' or control byte, else double-quoted with \" \\ and \xHH escapes.
 */
void	fmt_kv_value(struct outbuf *ob, const char *s, size_t len);

/*
 * The kv pairs of fa that depend on its answer alone (ip, host, fcrdns,
 * generic: all but helo) with keys starting with prefix, into buf.
 * Returns their length, or 0 when they do not fit in size. A caller may
 * keep them and hand them back in fa_kv for the same answer.
 */
size_t	fmt_kv_pairs(char *buf, size_t size, const char *prefix,
	    const struct fmt_addr *fa);

#endif /* FORMAT_H */
