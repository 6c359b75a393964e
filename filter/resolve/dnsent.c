/*
 * dnsent: see dnsent.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dnsent.h"
#include "util.h"

struct dnsent *
dnsent_insert(struct lru *cache, const struct ipaddr *ia, const uint8_t *key)
{
	struct dnsent	*de;

	de = xcalloc(1, sizeof(*de));
	de->de_addr = *ia;
	de->de_verdict = VERDICT_PENDING;
	if (lru_insert(cache, &de->de_lru, key, IPADDR_KEYLEN) == -1) {
		free(de);
		return NULL;
	}
	return de;
}

void
dnsent_settle(struct dnsent *de, enum verdict v, const char *host,
    int generic, uint64_t expires_ms)
{
	size_t	len;

	de->de_verdict = (uint8_t)v;
	if (host != NULL) {
		de->de_host = xstrdup(host);
		/* A valid host name is at most 254 bytes; else 0: unknown. */
		len = strlen(host);
		de->de_hostlen = len <= UINT8_MAX ? (uint8_t)len : 0;
		de->de_generic = (uint8_t)generic;
	}
	lru_set_expiry(&de->de_lru, expires_ms);
}

uint64_t
dnsent_wait_until(const struct dnsent *de, const struct dnsent_wait *dw)
{
	if (de->de_verdict != VERDICT_PENDING)
		return 0;
	if (de->de_sent_ms == 0 || !rack_passed(dw->dw_rack, de->de_seq))
		return UINT64_MAX;
	return de->de_sent_ms + dw->dw_wait_ms;
}

void
dnsent_drop(struct lru_entry *le, void *arg)
{
	struct dnsent	*de = (struct dnsent *)le;

	(void)arg;
	free(de->de_host);
	free(de->de_note);
	free(de);
}
