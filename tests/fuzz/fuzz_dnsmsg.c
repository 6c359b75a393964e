/*
 * fuzz_dnsmsg: the DNS answer parsers on a hostile message.
 *
 * The input is one DNS message. It is parsed as the answer to a PTR
 * query and to A and AAAA queries, for a few fixed query names. On
 * success: the result is fully initialised, the header fields match the
 * message, every PTR name passes hostname_valid, is lower-case, has no
 * trailing dot, is NUL-terminated in its slot and appears once, and no
 * more names or addresses are reported than the answer section holds.
 * The raw input is also checked as a host name, from an exact-size heap
 * copy so that ASan sees any read past its length, against a model of
 * the rule written from the header's contract.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "ipaddr.h"

#include "fuzzcheck.h"

#define FZ_LABEL_MAX	63

static const char fz_q4[] = "45.113.0.203.in-addr.arpa";
static const char fz_q6[] = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
    ".0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
static const char fz_qh[] = "mail.example.com";
static const char *const fz_qnames[] = { fz_q4, fz_q6, fz_qh };

static struct ipaddr	fz_want4, fz_want6;
static int		fz_ready;

static void
setup(void)
{
	char	name[DNSMSG_PTRNAME_MAX];

	if (fz_ready)
		return;
	FZ_CHECK(ipaddr_parse("203.0.113.45", 12, &fz_want4) == 0);
	FZ_CHECK(ipaddr_parse("2001:db8::1", 11, &fz_want6) == 0);
	FZ_CHECK(dnsmsg_ptrname(&fz_want4, name, sizeof(name)) ==
	    strlen(fz_q4) && strcmp(name, fz_q4) == 0);
	FZ_CHECK(dnsmsg_ptrname(&fz_want6, name, sizeof(name)) ==
	    strlen(fz_q6) && strcmp(name, fz_q6) == 0);
	fz_ready = 1;
}

/* The host-name rule of dnsmsg.h, restated independently. */
static int
model_valid_host(const char *s, size_t len)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	char		 buf[DNSMSG_HOST_MAX + 1];
	size_t		 i, label = 0;
	int		 digits = 1;

	if (len == 0 || len > DNSMSG_HOST_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			digits = 1;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (c < '0' || c > '9')
			digits = 0;
		if (++label > FZ_LABEL_MAX)
			return 0;
	}
	/* A trailing dot is an empty last label; an all-digit TLD is out. */
	if (label == 0 || digits)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a4) != 1 &&
	    inet_pton(AF_INET6, buf, &a6) != 1 && inet_aton(buf, &a4) == 0;
}

/* hostname_valid on an exact-size heap copy of s[0..len). */
static int
valid_host_exact(const char *s, size_t len)
{
	char	*copy;
	int	 v;

	copy = fz_copy((const uint8_t *)s, len);
	v = hostname_valid(copy, len);
	FZ_CHECK(v == 0 || v == 1);
	FZ_CHECK(v == model_valid_host(copy, len));
	free(copy);
	return v;
}

static void
check_result(size_t len, const struct dnsmsg_result *r)
{
	FZ_CHECK(len >= 12);
	FZ_CHECK(r->dr_has_ttl == 0 || r->dr_has_ttl == 1);
	FZ_CHECK(r->dr_has_neg_ttl == 0 || r->dr_has_neg_ttl == 1);
	FZ_CHECK(r->dr_match == 0 || r->dr_match == 1);
	FZ_CHECK(r->dr_nnames <= DNSMSG_NAMES_MAX);
}

static void
check_names(const uint8_t *msg, const struct dnsmsg_result *r)
{
	size_t	ancount = (size_t)msg[6] << 8 | msg[7];
	size_t	i, j, nl;

	FZ_CHECK(r->dr_nnames + r->dr_nbad <= ancount);
	for (i = 0; i < r->dr_nnames; i++) {
		const char *name = r->dr_names[i];

		nl = strnlen(name, sizeof(r->dr_names[i]));
		FZ_CHECK(nl > 0 && nl <= DNSMSG_HOST_MAX);
		FZ_CHECK(name[nl - 1] != '.');
		for (j = 0; j < nl; j++)
			FZ_CHECK(name[j] < 'A' || name[j] > 'Z');
		FZ_CHECK(valid_host_exact(name, nl) == 1);
		for (j = 0; j < i; j++)
			FZ_CHECK(strcmp(r->dr_names[j], name) != 0);
	}
}

/* The forward answer for want, parsed from a poisoned result. */
static void
parse_addr(const uint8_t *msg, size_t len, const char *qname,
    const struct ipaddr *want)
{
	struct dnsmsg_result	r;

	memset(&r, 0xa5, sizeof(r));
	if (dnsmsg_parse_addr(msg, len, qname, want, &r) == 0) {
		check_result(len, &r);
		FZ_CHECK(r.dr_nnames == 0);
	}
}

static void
parse_all(const uint8_t *msg, size_t len, const char *qname)
{
	struct dnsmsg_result	r;

	/* Poisoned first: a field the parser forgets to set shows up. */
	memset(&r, 0xa5, sizeof(r));
	if (dnsmsg_parse_ptr(msg, len, qname, &r) == 0) {
		check_result(len, &r);
		check_names(msg, &r);
		FZ_CHECK(r.dr_match == 0);
	}

	parse_addr(msg, len, qname, &fz_want4);
	parse_addr(msg, len, qname, &fz_want6);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*msg;
	size_t	 i;

	setup();
	msg = fz_copy(data, size);
	for (i = 0; i < sizeof(fz_qnames) / sizeof(fz_qnames[0]); i++)
		parse_all(msg, size, fz_qnames[i]);
	free(msg);

	(void)valid_host_exact((const char *)data, size);
	return 0;
}
