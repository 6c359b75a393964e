/*
 * dnsent: one entry of the resolver's cache, the answer for one address
 * (ptrtag.1, VERDICTS). An entry is created once, VERDICT_PENDING, by
 * dnsent_insert(), and settled once by dnsent_settle(), whether from a
 * lookup (fanout.c) or from the cache file (rsv_preload); the cache
 * frees it with dnsent_drop(). Readers (the stream layer) only read it.
 */
#ifndef DNSENT_H
#define DNSENT_H

#include <stdint.h>

#include "ipaddr.h"
#include "lru.h"
#include "rack.h"
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
	uint32_t		 de_seq;	/* pending: see fanout.h */
	char			*de_host;	/* NULL, or a valid host name */
	/*
	 * Text the stream layer keeps with a settled entry (emit.c: the
	 * entry's kv pairs), de_notelen bytes; freed with the entry. NULL
	 * until then. Nothing here reads it.
	 */
	char			*de_note;
	uint64_t		 de_sent_ms;	/* pending: see fanout.h */
};

/* What a line needs to know to stop waiting (ptrtag.1, LINE DELAY). */
struct dnsent_wait {
	uint32_t		 dw_wait_ms;	/* the learned wait (rtt.h) */
	const struct rack	*dw_rack;	/* which queries are passed */
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

/*
 * Until when a line waits for de: 0 once settled; while its lookup's
 * latest query is in flight and passed (rack.h), the time it went out
 * plus the learned wait; else UINT64_MAX (a query waiting for a slot,
 * or not passed yet: only the line's -d deadline bounds that).
 */
uint64_t	 dnsent_wait_until(const struct dnsent *de,
		    const struct dnsent_wait *dw);

/* The cache's drop callback (lru_create): frees the entry. */
void		 dnsent_drop(struct lru_entry *le, void *arg);

#endif /* DNSENT_H */
