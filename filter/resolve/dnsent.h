/*
 * dnsent: one entry of the resolver's cache, the answer for one address
 * (ptrtag.1, VERDICTS). An entry is created once, VERDICT_PENDING, by
 * dnsent_insert(), and settled once by dnsent_settle(), whether from a
 * lookup (lookup.c) or from the cache file (rsv_preload); the cache
 * frees it with dnsent_drop(). Readers (the stream layer) only read it.
 */
#ifndef DNSENT_H
#define DNSENT_H

#include <stdint.h>

#include "ipaddr.h"
#include "lru.h"
#include "verdict.h"

/* One cached address. The lru entry must stay the first member. */
struct dnsent {
	struct lru_entry	 de_lru;
	struct ipaddr		 de_addr;
	uint8_t			 de_verdict;	/* enum verdict */
	uint8_t			 de_generic;	/* host looks provider-made */
	uint8_t			 de_hostlen;	/* strlen(de_host), or 0: unknown */
	uint8_t			 de_uses;	/* the stream's, for de_note */
	uint16_t		 de_notelen;
	char			*de_host;	/* NULL, or a valid host name */
	/*
	 * Text the stream layer keeps with a settled entry (emit.c: the
	 * entry's kv pairs), de_notelen bytes; freed with the entry. NULL
	 * until then. Nothing here reads it.
	 */
	char			*de_note;
};

/*
 * Insert a new VERDICT_PENDING entry for ia, keyed by key (ipaddr_key),
 * into cache, with no pins and no expiry. Returns it, or NULL when every
 * entry of the cache is pinned.
 */
struct dnsent	*dnsent_insert(struct lru *cache, const struct ipaddr *ia,
		    const uint8_t *key);

/* Publish the answer: verdict, host (copied; may be NULL), expiry. */
void		 dnsent_settle(struct dnsent *de, enum verdict v,
		    const char *host, int generic, uint64_t expires_ms);

/* The cache's drop callback (lru_create): frees the entry. */
void		 dnsent_drop(struct lru_entry *le, void *arg);

#endif /* DNSENT_H */
