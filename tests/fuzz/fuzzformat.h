/*
 * fuzzformat: one case of the fuzz_format_* targets and the checkers
 * that parse fmt_line's output back (fmtcheck.c).
 */
#ifndef FUZZFORMAT_H
#define FUZZFORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "format.h"
#include "ipaddr.h"

/* What the output must say about one address. */
struct fz_expect {
	char		 ex_ip[IPADDR_STRMAX];
	const char	*ex_host;	/* NULL: no host member */
	const char	*ex_word;	/* verdict word */
	const char	*ex_helo;	/* NULL, "match" or "mismatch" */
	int		 ex_verdict;
	int		 ex_generic;
};

struct fz_case {
	uint8_t			 fc_ctrl;
	uint8_t			 fc_flags;
	int			 fc_raw;
	uint64_t		 fc_read_ms;	/* the line's read time */
	char			*fc_host;	/* NUL-terminated */
	char			*fc_line;	/* exactly fc_len bytes */
	size_t			 fc_len;
	size_t			 fc_n;
	struct fmt_addr		 fc_addrs[LINE_ADDRS_MAX];
	struct ipaddr		 fc_ips[LINE_ADDRS_MAX];	/* fa_addr */
	struct fz_expect	 fc_expect[LINE_ADDRS_MAX];
};

static inline int
fz_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Each aborts on the first violation; out may be NULL when olen is 0. */
void	fz_check_kv(const struct fz_case *fc, const char *out, size_t olen);
void	fz_check_inline(const struct fz_case *fc, const char *out,
	    size_t olen);
void	fz_check_json(const struct fz_case *fc, const char *out,
	    size_t olen);
void	fz_check_mmexternal(const struct fz_case *fc, const char *out,
	    size_t olen);

#endif /* FUZZFORMAT_H */
