/*
 * fuzz_extract: the address scanners on one hostile line: the built-in
 * one, one made of every shipped pattern set, and the sets with "any".
 *
 * Invariants: ipscan_line reports at most max addresses, all distinct, in
 * spans that lie inside the line and do not overlap, HELO spans inside
 * the line too; the built-in scanner's stand on their own
 * (ptrtag.1: no letter, digit or '_' glued on either side) with role
 * "ip" and no HELO; the
 * text of each span parses to the reported address, which is already
 * unmapped; its canonical text is RFC 5952's (against a model written
 * here), parses back to the same address and is a fixed point; a
 * smaller max gives a prefix of the same list; the list equals what
 * ipscan_next yields with duplicates dropped; and the built-in scanner's
 * walk is the same, match for match and offset for offset, with its
 * prefilter off (ipscan_set_plain), the pattern alone deciding.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "ipscan.h"

#include "fuzzcheck.h"

#define FZ_MAX		64	/* LINE_ADDRS_MAX, most per line */
#define FZ_MAX_SHORT	3

/* The built-in scanner, every shipped set, and the sets with "any". */
#define FZ_NSCAN	3

static struct ipscan	*fz_scan[FZ_NSCAN];
static struct ipscan	*fz_plain;	/* built-in, prefilter off */

static void
scanners(void)
{
	static const char *const sets[] = { "sshd", "postfix", "nginx",
	    "apache", "iptables", "haproxy", "any" };
	static const char *const dirs[] = { FUZZ_PATTERN_DIR };
	const size_t	nsets = sizeof(sets) / sizeof(sets[0]);
	char		errbuf[256];

	if (fz_scan[0] != NULL)
		return;
	if ((fz_scan[0] = ipscan_create(errbuf, sizeof(errbuf))) == NULL ||
	    (fz_scan[1] = ipscan_create_patterns(sets, nsets - 1, dirs, 1,
	    errbuf, sizeof(errbuf))) == NULL ||
	    (fz_scan[2] = ipscan_create_patterns(sets, nsets, dirs, 1,
	    errbuf, sizeof(errbuf))) == NULL ||
	    (fz_plain = ipscan_create(errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "scanner: %s\n", errbuf);
		abort();
	}
	ipscan_set_plain(fz_plain, 1);
}

static int
glue_left(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}

static int
glue_right(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_';
}

/* RFC 5952 text of an IPv6 address, or the dotted quad, written here. */
static void
model_text(const struct ipaddr *ia, char *buf, size_t bufsz)
{
	const uint8_t	*b = ia->ia_bytes;
	unsigned int	 g[8];
	size_t		 o = 0;
	int		 i, run, best = -1, bestlen = 1;

	if (ia->ia_family == AF_INET) {
		snprintf(buf, bufsz, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return;
	}
	for (i = 0; i < 8; i++)
		g[i] = (unsigned int)b[2 * i] << 8 | b[2 * i + 1];
	/* The longest run of two or more zero groups, leftmost on a tie. */
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		for (run = 0; i + run < 8 && g[i + run] == 0; run++)
			;
		if (run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	buf[0] = '\0';
	for (i = 0; i < 8; i++) {
		if (i == best) {
			o += (size_t)snprintf(buf + o, bufsz - o, "::");
			i += bestlen - 1;
			continue;
		}
		o += (size_t)snprintf(buf + o, bufsz - o, "%s%x",
		    i > 0 && i != best + bestlen ? ":" : "", g[i]);
	}
}

/* Canonical text: parses back to ia, and is its own canonical form. */
static void
check_text(const struct ipaddr *ia)
{
	struct ipaddr	back;
	char		text[IPADDR_STRMAX], again[IPADDR_STRMAX];
	char		small[IPADDR_STRMAX - 1];
	size_t		tl, i;

	tl = ipaddr_ntop(ia, text, sizeof(text));
	FZ_CHECK(tl > 0 && tl < IPADDR_STRMAX && strlen(text) == tl);
	model_text(ia, again, sizeof(again));
	if (strcmp(text, again) != 0) {
		fprintf(stderr, "invariant failed: ipaddr_ntop \"%s\", "
		    "RFC 5952 \"%s\"\n", text, again);
		abort();
	}
	for (i = 0; i < tl; i++)
		FZ_CHECK((text[i] >= '0' && text[i] <= '9') ||
		    (text[i] >= 'a' && text[i] <= 'f') || text[i] == '.' ||
		    text[i] == ':');
	FZ_CHECK((ia->ia_family == AF_INET) == (memchr(text, ':', tl) == NULL));
	FZ_CHECK(ipaddr_parse(text, tl, &back) == 0);
	FZ_CHECK(ipaddr_cmp(&back, ia) == 0);
	FZ_CHECK(ipaddr_ntop(&back, again, sizeof(again)) == tl);
	FZ_CHECK(memcmp(text, again, tl + 1) == 0);
	FZ_CHECK(ipaddr_ntop(ia, small, sizeof(small)) == 0);
}

static void
check_match(const char *buf, size_t len, const struct ipmatch *m,
    size_t prev_eo, int builtin)
{
	struct ipaddr	ia;

	FZ_CHECK(m->im_so < m->im_eo && m->im_eo <= len);
	FZ_CHECK(m->im_so >= prev_eo);
	FZ_CHECK(m->im_addr.ia_family == AF_INET ||
	    m->im_addr.ia_family == AF_INET6);
	FZ_CHECK(m->im_helo_so <= m->im_helo_eo && m->im_helo_eo <= len);
	if (builtin) {
		FZ_CHECK(m->im_role == IPSCAN_ROLE_IP);
		FZ_CHECK(m->im_helo_so == m->im_helo_eo);
		if (m->im_so > 0)
			FZ_CHECK(!glue_left((unsigned char)buf[m->im_so - 1]));
		if (m->im_eo < len)
			FZ_CHECK(!glue_right((unsigned char)buf[m->im_eo]));
	} else
		FZ_CHECK(m->im_role == IPSCAN_ROLE_IP ||
		    m->im_role == IPSCAN_ROLE_SRC ||
		    m->im_role == IPSCAN_ROLE_DST);

	FZ_CHECK(ipaddr_parse(buf + m->im_so, m->im_eo - m->im_so, &ia) == 0);
	FZ_CHECK(ipaddr_cmp(&ia, &m->im_addr) == 0);
	ia = m->im_addr;
	ipaddr_unmap(&ia);
	FZ_CHECK(ipaddr_cmp(&ia, &m->im_addr) == 0);
	check_text(&m->im_addr);
}

static int
match_eq(const struct ipmatch *a, const struct ipmatch *b)
{
	return a->im_so == b->im_so && a->im_eo == b->im_eo &&
	    ipaddr_cmp(&a->im_addr, &b->im_addr) == 0 &&
	    a->im_role == b->im_role && a->im_helo_so == b->im_helo_so &&
	    a->im_helo_eo == b->im_helo_eo;
}

/* ipscan_next, deduplicated here: must equal ipscan_line's answer. */
static void
check_next(struct ipscan *sc, int builtin, const char *buf, size_t len,
    const struct ipmatch *out, int n)
{
	struct ipmatch	m;
	size_t		off = 0, prev_eo = 0;
	int		i, k = 0, rc, dup;

	while ((rc = ipscan_next(sc, buf, len, &off, &m)) == 1) {
		FZ_CHECK(off <= len && off >= m.im_eo);
		check_match(buf, len, &m, prev_eo, builtin);
		prev_eo = m.im_eo;
		for (dup = 0, i = 0; i < k; i++)
			if (ipaddr_cmp(&out[i].im_addr, &m.im_addr) == 0)
				dup = 1;
		if (dup)
			continue;
		if (k == n) {
			/* ipscan_line stopped at FZ_MAX distinct ones. */
			FZ_CHECK(n == FZ_MAX);
			return;
		}
		FZ_CHECK(match_eq(&out[k], &m));
		k++;
	}
	if (rc == -1)
		return;
	FZ_CHECK(rc == 0 && off == len && k == n);
}

static void
check_scanner(struct ipscan *sc, int builtin, const char *buf, size_t len)
{
	struct ipmatch	out[FZ_MAX], shrt[FZ_MAX_SHORT];
	int		n, ns, i, j;

	memset(out, 0, sizeof(out));
	if ((n = ipscan_line(sc, buf, len, out, FZ_MAX)) == -1)
		return;
	FZ_CHECK(n >= 0 && n <= FZ_MAX);
	for (i = 0; i < n; i++) {
		check_match(buf, len, &out[i], i > 0 ? out[i - 1].im_eo : 0,
		    builtin);
		for (j = 0; j < i; j++)
			FZ_CHECK(ipaddr_cmp(&out[i].im_addr,
			    &out[j].im_addr) != 0);
	}

	memset(shrt, 0, sizeof(shrt));
	ns = ipscan_line(sc, buf, len, shrt, FZ_MAX_SHORT);
	FZ_CHECK(ns == (n < FZ_MAX_SHORT ? n : FZ_MAX_SHORT));
	for (i = 0; i < ns; i++)
		FZ_CHECK(match_eq(&shrt[i], &out[i]));
	FZ_CHECK(ipscan_line(sc, buf, len, shrt, 0) == 0);

	check_next(sc, builtin, buf, len, out, n);
}

/* The built-in walk with and without the prefilter: the same steps. */
static void
check_plain(const char *buf, size_t len)
{
	struct ipmatch	a, b;
	size_t		oa = 0, ob = 0;
	int		ra, rb;

	do {
		ra = ipscan_next(fz_scan[0], buf, len, &oa, &a);
		rb = ipscan_next(fz_plain, buf, len, &ob, &b);
		FZ_CHECK(ra == rb && oa == ob);
		if (ra == 1)
			FZ_CHECK(match_eq(&a, &b));
	} while (ra == 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*copy;
	int	 i;

	scanners();
	copy = fz_copy(data, size);
	for (i = 0; i < FZ_NSCAN; i++)
		check_scanner(fz_scan[i], i == 0, copy, size);
	check_plain(copy, size);
	free(copy);
	return 0;
}
