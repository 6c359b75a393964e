/*
 * Unit tests for the resolver's cache entries (filter/resolve/dnsent.c):
 * dnsent_insert() makes a VERDICT_PENDING entry with no host and no
 * expiry, dnsent_settle() publishes verdict, a copy of the host, the
 * generic flag (only with a host) and the expiry exactly as given (the
 * clamping to the TTL options happens before, in fanout.c and
 * cachefile_load.c), and dnsent_drop() frees what the entry owns.
 */

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "dnsent.h"
#include "ipaddr.h"
#include "lru.h"
#include "verdict.h"

static struct lru	*cache;

static void
setup(void)
{
	cache = lru_create(4, dnsent_drop, NULL);
	cr_assert_not_null(cache);
}

static void
teardown(void)
{
	lru_destroy(cache);
}

TestSuite(dnsent, .init = setup, .fini = teardown);

static struct ipaddr
addr(const char *text)
{
	struct ipaddr	ia;

	cr_assert_eq(ipaddr_parse(text, strlen(text), &ia), 0, "%s", text);
	return ia;
}

/* Insert the entry of text; its key goes to key. */
static struct dnsent *
insert(const char *text, uint8_t key[IPADDR_KEYLEN])
{
	struct ipaddr	 ia = addr(text);
	struct dnsent	*de;

	ipaddr_key(&ia, key);
	de = dnsent_insert(cache, &ia, key);
	cr_assert_not_null(de, "%s not inserted", text);
	return de;
}

Test(dnsent, insert_is_pending)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct ipaddr	 ia = addr("2001:db8::7");
	struct dnsent	*de = insert("2001:db8::7", key);

	cr_expect_eq(de->de_verdict, VERDICT_PENDING);
	cr_expect_null(de->de_host);
	cr_expect_eq(de->de_generic, 0);
	cr_expect_eq(memcmp(&de->de_addr, &ia, sizeof(ia)), 0);
	cr_expect_eq(lru_expiry(&de->de_lru), UINT64_MAX, "no expiry");
	cr_expect_eq(lru_count(cache), 1);
	cr_expect_eq(lru_lookup(cache, key, IPADDR_KEYLEN, 0), &de->de_lru);
}

Test(dnsent, insert_refused_when_all_pinned)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct ipaddr	 ia;
	const char	*texts[] = { "192.0.2.1", "192.0.2.2", "192.0.2.3",
			    "192.0.2.4" };
	size_t		 i;

	for (i = 0; i < 4; i++)
		lru_pin(&insert(texts[i], key)->de_lru);
	ia = addr("192.0.2.5");
	ipaddr_key(&ia, key);
	cr_expect_null(dnsent_insert(cache, &ia, key));
	cr_expect_eq(lru_count(cache), 4);
	cr_expect_null(lru_lookup(cache, key, IPADDR_KEYLEN, 0));
}

Test(dnsent, settle_copies_host)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct dnsent	*de = insert("198.51.100.9", key);
	char		 host[] = "mail.example.com";

	dnsent_settle(de, VERDICT_PASS, host, 1, 123456);
	host[0] = 'X';
	cr_expect_eq(de->de_verdict, VERDICT_PASS);
	cr_assert_not_null(de->de_host);
	cr_expect_neq(de->de_host, host, "the caller's buffer kept");
	cr_expect_str_eq(de->de_host, "mail.example.com");
	cr_expect_eq(de->de_hostlen, strlen("mail.example.com"));
	cr_expect_eq(de->de_generic, 1);
	cr_expect_eq(lru_expiry(&de->de_lru), 123456);
}

Test(dnsent, generic_only_with_a_host)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct dnsent	*de = insert("198.51.100.10", key);

	dnsent_settle(de, VERDICT_TEMPERROR, NULL, 1, 5000);
	cr_expect_eq(de->de_verdict, VERDICT_TEMPERROR);
	cr_expect_null(de->de_host);
	cr_expect_eq(de->de_hostlen, 0);
	cr_expect_eq(de->de_generic, 0);
	cr_expect_eq(lru_expiry(&de->de_lru), 5000);
}

Test(dnsent, settle_each_verdict)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct ipaddr	 ia = addr("203.0.113.1");
	struct dnsent	*de;
	int		 v;

	ipaddr_key(&ia, key);
	for (v = VERDICT_FIRST; v < VERDICT_COUNT; v++) {
		de = dnsent_insert(cache, &ia, key);
		cr_assert_not_null(de);
		dnsent_settle(de, (enum verdict)v, "h.example", 0, (uint64_t)v);
		cr_expect_eq(de->de_verdict, v);
		cr_expect_eq(de->de_generic, 0);
		cr_expect_eq(lru_expiry(&de->de_lru), (uint64_t)v);
		/* Unlinked without drop: the test owns and frees it. */
		lru_remove(cache, &de->de_lru);
		dnsent_drop(&de->de_lru, NULL);
	}
	cr_expect_eq(lru_count(cache), 0);
}

/* The expiry is taken as given, the extremes included: no clamping here. */
Test(dnsent, expiry_as_given)
{
	uint8_t		 key[IPADDR_KEYLEN];
	struct dnsent	*de = insert("203.0.113.2", key);

	dnsent_settle(de, VERDICT_NONE, NULL, 0, UINT64_MAX);
	cr_expect_eq(lru_expiry(&de->de_lru), UINT64_MAX);
	cr_expect_eq(lru_lookup(cache, key, IPADDR_KEYLEN, UINT64_MAX - 1),
	    &de->de_lru);
	de = insert("203.0.113.3", key);
	dnsent_settle(de, VERDICT_FAIL, "x.example", 0, 1000);
	cr_expect_eq(lru_lookup(cache, key, IPADDR_KEYLEN, 999), &de->de_lru);
	/* Expired and unpinned: dropped through dnsent_drop (host freed). */
	cr_expect_null(lru_lookup(cache, key, IPADDR_KEYLEN, 1000));
	cr_expect_eq(lru_count(cache), 1);
}
