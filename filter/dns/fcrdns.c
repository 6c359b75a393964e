/*
 * fcrdns: see fcrdns.h.
 */
#include <string.h>

#include "fcrdns.h"
#include "generic.h"

static uint32_t
clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void
settle(struct fcrdns *fc, const struct ipaddr *ia, enum verdict v,
    const char *host, uint32_t ttl)
{
	fc->fc_verdict = v;
	fc->fc_ttl = ttl;
	fc->fc_host = host;
	fc->fc_generic = host != NULL && generic_host(ia, host);
}

void
fcrdns_ptr(struct fcrdns *fc, const struct config *cfg,
    enum fcrdns_status st, const struct dnsmsg_result *res)
{
	uint32_t	 neg = cfg->cf_neg_ttl;

	memset(fc, 0, sizeof(*fc));
	fc->fc_confirmed = -1;
	if (st == FCRDNS_NONAME) {
		if (res != NULL && res->dr_has_neg_ttl)
			neg = clamp_u32(res->dr_neg_ttl, 1, cfg->cf_neg_ttl);
		settle(fc, NULL, VERDICT_NONE, NULL, neg);
	} else if (st == FCRDNS_TEMPFAIL)
		settle(fc, NULL, VERDICT_TEMPERROR, NULL, cfg->cf_err_ttl);
	else if (st == FCRDNS_MALFORMED || res == NULL)
		settle(fc, NULL, VERDICT_PERMERROR, NULL, cfg->cf_err_ttl);
	else if (res->dr_nnames == 0 && res->dr_nbad > 0)
		/* Only unusable names. */
		settle(fc, NULL, VERDICT_PERMERROR, NULL, clamp_u32(res->dr_ttl,
		    cfg->cf_min_ttl, cfg->cf_max_ttl));
	else if (res->dr_nnames == 0)
		settle(fc, NULL, VERDICT_NONE, NULL, neg);
	else {
		fc->fc_nnames = res->dr_nnames < cfg->cf_max_names ?
		    res->dr_nnames : cfg->cf_max_names;
		fc->fc_minttl = res->dr_has_ttl ? res->dr_ttl : cfg->cf_min_ttl;
	}
}

void
fcrdns_fwd(struct fcrdns *fc, const struct config *cfg,
    const struct ipaddr *ia, fcrdns_name *names, size_t index,
    enum fcrdns_status st, const struct dnsmsg_result *res)
{
	uint32_t	 ttl;

	if (st == FCRDNS_ANSWER && res != NULL) {
		if (res->dr_match && (fc->fc_confirmed < 0 ||
		    (long)index < fc->fc_confirmed))
			fc->fc_confirmed = (long)index;
		if (res->dr_has_ttl && res->dr_ttl < fc->fc_minttl)
			fc->fc_minttl = res->dr_ttl;
	} else if (st != FCRDNS_NONAME)
		fc->fc_temperr = 1;
	if (++fc->fc_nanswered < fc->fc_nnames)
		return;
	ttl = clamp_u32(fc->fc_minttl, cfg->cf_min_ttl, cfg->cf_max_ttl);
	if (fc->fc_confirmed >= 0)
		settle(fc, ia, VERDICT_PASS, names[fc->fc_confirmed], ttl);
	else if (fc->fc_temperr)
		settle(fc, ia, VERDICT_TEMPERROR, names[0], cfg->cf_err_ttl);
	else
		settle(fc, ia, VERDICT_FAIL, names[0], ttl);
}
