/*
 * fmtint: see fmtint.h.
 */
#include <string.h>
#include <strings.h>

#include "fmtint.h"

void
fmt_count(struct fmt_result *fr, const struct fmt_addr *fa)
{
	fr->fr_addrs++;
	fr->fr_verdicts[fa->fa_verdict]++;
}

void
fmt_count_line(struct fmt_result *fr, const struct fmt_line *fl)
{
	size_t	i;

	for (i = 0; i < fl->fl_n; i++)
		fmt_count(fr, &fl->fl_addrs[i]);
}

const char *
fmt_helo(const char *line, const struct fmt_addr *fa)
{
	size_t	hlen, clen;

	if (fa->fa_helo_eo <= fa->fa_helo_so)
		return NULL;
	clen = fa->fa_helo_eo - fa->fa_helo_so;
	if (line[fa->fa_helo_eo - 1] == '.')
		clen--;
	if (fa->fa_host == NULL)
		return "mismatch";
	hlen = strlen(fa->fa_host);
	if (hlen > 0 && fa->fa_host[hlen - 1] == '.')
		hlen--;
	return hlen == clen &&
	    strncasecmp(line + fa->fa_helo_so, fa->fa_host, hlen) == 0 ?
	    "match" : "mismatch";
}
