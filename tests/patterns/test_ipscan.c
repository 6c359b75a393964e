/*
 * Unit tests of patterns/ipscan: ptrtag.1, DESCRIPTION and the extraction rules
 * 1-7 of the shared corpus README, on lines written for these tests in
 * the formats of real daemons (documentation address ranges only), plus
 * spans, the cap, NUL bytes and hostile input.
 *
 * Every line is copied into a buffer of exactly its length before it is
 * scanned, so a read past the end shows up under AddressSanitizer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipscan.h"
#include "scanfix.h"
#include "testutil.h"

#define MAXOUT		64

TestSuite(ipscan, .init = scanner_init, .fini = scanner_fini);

/*
 * Scan line[0..len) from a fitted copy with cap max and write the
 * result as comma-separated canonical text into got. Returns the
 * count ipscan_line gave.
 */
static int
scan_to_text(const char *line, size_t len, size_t max, char *got,
    size_t gotsz)
{
	struct ipmatch	 m[MAXOUT];
	char		*copy, text[IPADDR_STRMAX];
	int		 n, i;

	copy = fitted_copy(line, len);
	n = ipscan_line(sc, copy, len, m, max);
	free(copy);
	got[0] = '\0';
	for (i = 0; i < n; i++) {
		ipaddr_ntop(&m[i].im_addr, text, sizeof(text));
		if (i > 0)
			strlcat(got, ",", gotsz);
		strlcat(got, text, gotsz);
	}
	return n;
}

/* A log line and the addresses expected from it, comma-separated. */
struct scan_row {
	const char	*sr_line;
	const char	*sr_want;
};

static const struct scan_row scan_rows[] = {
	/* ptrtag.1, taken: bare, bracketed with port, CIDR, zone. */
	{ "peer 203.0.113.45 ok", "203.0.113.45" },
	{ "listen on [2001:db8::1]:22 now", "2001:db8::1" },
	{ "route 2001:db8::1/64 via eth1", "2001:db8::1" },
	{ "neighbour fe80::1%eth0 reachable", "fe80::1" },
	{ "ping fe80::2:3%wlp2s0.100 lost", "fe80::2:3" },
	{ "url http://[fe80::9%25en0]:80/ down", "fe80::9" },
	/* SMTP address literal, interface label, host[ip]. */
	{ "EHLO [IPv6:2001:db8:c::d]", "2001:db8:c::d" },
	{ "MAIL FROM helo=<[IPv6:2001:db8::e]>", "2001:db8::e" },
	{ "dhcp en0:10.0.0.2 bound", "10.0.0.2" },
	{ "connect from host[203.0.113.45]", "203.0.113.45" },
	{ "from=<bob@example.org>[192.0.2.1]:25 ok", "192.0.2.1" },
	/* Start and end of line, and each closing punctuation. */
	{ "192.0.2.10 first", "192.0.2.10" },
	{ "last 192.0.2.11", "192.0.2.11" },
	{ "2001:db8::12", "2001:db8::12" },
	{ "a 192.0.2.13, b", "192.0.2.13" },
	{ "a 192.0.2.14; b", "192.0.2.14" },
	{ "a 192.0.2.15: b", "192.0.2.15" },
	{ "a (192.0.2.16) b", "192.0.2.16" },
	{ "a [192.0.2.17] b", "192.0.2.17" },
	{ "a <192.0.2.18> b", "192.0.2.18" },
	{ "a \"192.0.2.19\" b", "192.0.2.19" },
	{ "a '192.0.2.20' b", "192.0.2.20" },
	{ "a 2001:db8::21, b", "2001:db8::21" },
	{ "a (2001:db8::22) b", "2001:db8::22" },
	{ "a \"2001:db8::23\" b", "2001:db8::23" },
	{ "a '2001:db8::24' b", "2001:db8::24" },
	/* ptrtag.1, not taken. */
	{ "release 1.2.3.4.5 out", "" },
	{ "peer a1.2.3.4 seen", "" },
	{ "bad 256.1.1.1 octet", "" },
	{ "bad 010.0.0.1 octet", "" },
	{ "bad 2001:db8::1g glue", "" },
	{ "at 12:34:56 today", "" },
	{ "nic 00:1a:2b:3c:4d:5e up", "" },
	{ "banner OpenSSH_8.9p1 Debian", "" },
	/* IPv4-mapped is reported as IPv4 (ptrtag.1). */
	{ "rip=::ffff:198.51.100.5, lip=::FFFF:198.51.100.6",
	    "198.51.100.5,198.51.100.6" },
	/* Rule 1: order of first appearance, each address once. */
	{ "192.0.2.3 then 192.0.2.1 then 192.0.2.2",
	    "192.0.2.3,192.0.2.1,192.0.2.2" },
	{ "src 2001:DB8:0:0:0:0:0:7 dst 2001:db8::7", "2001:db8::7" },
	{ "x ::ffff:192.0.2.8 y 192.0.2.8", "192.0.2.8" },
	{ "x 192.0.2.9 y [192.0.2.9] z '192.0.2.9'", "192.0.2.9" },
	/* Rule 2: an invalid run gives nothing; no piece is cut out. */
	{ "oid 1.3.6.1.4.1 here", "" },
	{ "v 192.0.2.1.1 here", "" },
	{ "t 2001:db8:0:0:0:0:0:1:2 here", "" },
	{ "t 2001:db8::12345:1 here", "" },
	{ "n 1.2.3 and 1.2 and 12", "" },
	{ "sum deadbeef:1 x", "" },
	/* Rule 3: glue to a word. */
	{ "host 203.0.113.6.example.net", "" },
	{ "ptr 9.100.51.198.in-addr.arpa", "" },
	{ "tmp 203.0.113.7_old", "" },
	{ "ver v2.0.0.1 and id203.0.113.8", "" },
	/* Rule 4: trailing ':' and '.', leading ':'. */
	{ "Connection reset by 198.51.100.30: error", "198.51.100.30" },
	{ "reset by 2001:db8:1::31: error", "2001:db8:1::31" },
	{ "prefix 2001:db8:1:: assigned", "2001:db8:1::" },
	{ "Blocked 198.51.100.32.", "198.51.100.32" },
	{ "Blocked 2001:db8::33. Next.", "2001:db8::33" },
	{ "Blocked 198.51.100.34..., retrying", "198.51.100.34" },
	{ "tunnel(eth1!:2001:db8:1::35)", "2001:db8:1::35" },
	{ "wildcard :: bound", "::" },
	/* Rule 5: label prefixes. */
	{ "Built outbound TCP for inside:198.51.100.40/5060",
	    "198.51.100.40" },
	{ "call (TLS:198.51.100.41:5061) rejected", "198.51.100.41" },
	{ "dns v6(lan1:2001:db8::42)", "2001:db8::42" },
	{ "addr6:2001:db8::43 scope global", "2001:db8::43" },
	/* Rule 6: ports. */
	{ "client 198.51.100.50:49152 closed", "198.51.100.50" },
	{ "client ::ffff:198.51.100.51:49153 closed", "198.51.100.51" },
	{ "client 2001:db8::52:49154 closed", "2001:db8::52" },
	{ "client 2001:db8::53:443 closed", "2001:db8::53:443" },
	{ "client [2001:db8::54]:443 closed", "2001:db8::54" },
	{ "client 2001:db8::55#53 query", "2001:db8::55" },
	{ "client 2001:db8::56 port 2222", "2001:db8::56" },
	{ "client 2001:db8::57:99999 bogus", "" },
	{ "client 198.51.100.58:5060:", "198.51.100.58" },
	{ "dante 198.51.100.59.1080 dotted port", "" },
	/* Rule 7: separators. */
	{ "{198.51.100.60}|198.51.100.61|", "198.51.100.60,198.51.100.61" },
	{ "range 198.51.100.62-198.51.100.63 dropped",
	    "198.51.100.62,198.51.100.63" },
	{ "ip=198.51.100.64,port=1", "198.51.100.64" },
	{ "GET http://[2001:db8::65]:8443/x and https://198.51.100.66/y",
	    "2001:db8::65,198.51.100.66" },
	{ "user@198.51.100.67 !198.51.100.68 +198.51.100.69~",
	    "198.51.100.67,198.51.100.68,198.51.100.69" },
	{ "for=\"[2001:db8::6a]:4711\";by=198.51.100.70",
	    "2001:db8::6a,198.51.100.70" },
	/* Non-ASCII around an address separates it. */
	{ "\xe5\x90\x8d 198.51.100.71 \xc3\xbc", "198.51.100.71" },
	/* No digit and no ':' at all. */
	{ "Started Session of user root.", "" },
	{ "", "" },

	/* sshd */
	{ "Mar  3 08:15:01 bastion sshd[4211]: Failed password for root from "
	    "203.0.113.77 port 58812 ssh2", "203.0.113.77" },
	{ "Mar  3 08:15:09 bastion sshd[4213]: Accepted publickey for deploy "
	    "from 2001:db8:42::7 port 40022 ssh2: ED25519 SHA256:q3Vb0Nfz9K",
	    "2001:db8:42::7" },
	{ "Mar  3 08:16:44 bastion sshd[4220]: Invalid user oracle from "
	    "198.51.100.23 port 41902", "198.51.100.23" },
	{ "Mar  3 08:17:02 bastion sshd[4220]: Connection closed by invalid "
	    "user oracle 198.51.100.23 port 41902 [preauth]", "198.51.100.23" },
	{ "Mar  3 08:18:30 bastion sshd[4301]: Failed password for admin from "
	    "::ffff:192.0.2.201 port 60001 ssh2", "192.0.2.201" },
	{ "Mar  3 08:19:00 bastion sshd[4302]: Connection from 192.0.2.202 "
	    "port 50512 on 192.0.2.1 port 22 rdomain \"\"",
	    "192.0.2.202,192.0.2.1" },
	{ "Mar  3 08:19:05 bastion sshd[4302]: Received disconnect from "
	    "192.0.2.202 port 50512:11: Bye Bye [preauth]", "192.0.2.202" },
	{ "Mar  3 08:20:00 bastion sshd[4310]: Server listening on :: "
	    "port 22.", "::" },
	/* postfix */
	{ "Mar  3 09:00:01 mx postfix/smtpd[771]: connect from "
	    "mail.example.net[198.51.100.88]", "198.51.100.88" },
	{ "Mar  3 09:00:02 mx postfix/smtpd[771]: connect from "
	    "unknown[2001:db8:25::1]", "2001:db8:25::1" },
	{ "Mar  3 09:00:03 mx postfix/smtpd[772]: NOQUEUE: reject: RCPT from "
	    "bad.example[203.0.113.99]: 554 5.7.1 <u@example.org>: Relay "
	    "access denied; from=<x@bad.example> to=<u@example.org> "
	    "proto=ESMTP helo=<[203.0.113.99]>", "203.0.113.99" },
	{ "Mar  3 09:00:04 mx postfix/smtpd[773]: NOQUEUE: reject: RCPT from "
	    "unknown[2001:db8:25::66]: 450 4.7.1 Client host rejected; "
	    "helo=<[IPv6:2001:db8:25::66]>", "2001:db8:25::66" },
	{ "Mar  3 09:00:05 mx postfix/smtpd[774]: warning: hostname "
	    "x.example does not resolve to address 198.51.100.90: Name or "
	    "service not known", "198.51.100.90" },
	/* nginx combined */
	{ "203.0.113.150 - - [03/Mar/2025:09:10:11 +0000] \"GET /index.html "
	    "HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
	    "203.0.113.150" },
	{ "2001:db8:80::1 - alice [03/Mar/2025:09:10:12 +0000] \"POST /api "
	    "HTTP/2.0\" 201 17 \"https://example.org/\" \"curl/8.1.2\" "
	    "\"198.51.100.151, 2001:db8:80::2\"",
	    "2001:db8:80::1,198.51.100.151,2001:db8:80::2" },
	/* iptables */
	{ "Mar  3 09:20:00 fw kernel: [88123.456789] DROP IN=eth0 OUT= "
	    "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.201 "
	    "DST=192.0.2.5 LEN=60 TOS=0x00 TTL=51 ID=4242 DF PROTO=TCP "
	    "SPT=51515 DPT=22 WINDOW=64240 SYN URGP=0",
	    "203.0.113.201,192.0.2.5" },
	{ "Mar  3 09:20:01 fw kernel: DROP IN=eth0 OUT= SRC=2001:0db8:0bad:"
	    "0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:"
	    "0005 LEN=80 PROTO=TCP", "2001:db8:bad::1,2001:db8::5" },
	/* haproxy */
	{ "Mar  3 09:30:00 lb haproxy[900]: 198.51.100.177:40411 "
	    "[03/Mar/2025:09:30:00.123] www~ app/web1 0/0/1/2/3 200 512 - - "
	    "---- 2/2/0/0/0 0/0 \"GET / HTTP/1.1\"", "198.51.100.177" },
	{ "Mar  3 09:30:01 lb haproxy[900]: 2001:db8:99::5:40412 "
	    "[03/Mar/2025:09:30:01.456] www~ app/web2 0/0/1/2/3 503 212 - - "
	    "sC-- 2/2/0/0/0 0/0 \"GET /x HTTP/1.1\"", "2001:db8:99::5" },
};

ROW_PARAMS(ipscan, extracts_table, scan_rows)

/* The suite's .init/.fini already run around every test in it. */
ParameterizedTest(size_t *i, ipscan, extracts_table)
{
	const struct scan_row	*r = &scan_rows[*i];
	char			 got[1024];

	scan_to_text(r->sr_line, strlen(r->sr_line), MAXOUT, got,
	    sizeof(got));
	cr_expect_str_eq(got, r->sr_want, "line: %s\n  want [%s] got [%s]",
	    r->sr_line, r->sr_want, got);
}

Test(ipscan, caps_at_max_distinct)
{
	const char	*line = "192.0.2.1 192.0.2.1 192.0.2.2 "
	    "::ffff:192.0.2.1 "
	    "192.0.2.3 192.0.2.4 192.0.2.5";
	char		 got[512];

	cr_expect_eq(scan_to_text(line, strlen(line), 3, got, sizeof(got)), 3);
	cr_expect_str_eq(got, "192.0.2.1,192.0.2.2,192.0.2.3");
	cr_expect_eq(scan_to_text(line, strlen(line), 1, got, sizeof(got)), 1);
	cr_expect_str_eq(got, "192.0.2.1");
	cr_expect_eq(scan_to_text(line, strlen(line), 0, got, sizeof(got)), 0);
	cr_expect_eq(scan_to_text(line, strlen(line), 8, got, sizeof(got)), 5);
}

Test(ipscan, nul_bytes_separate)
{
	static const char line[] = "from\0" "192.0.2.40\0\0" "x 2001:db8::41"
	    "\0" "192.0.2.42";
	char		 got[512];

	scan_to_text(line, sizeof(line) - 1, 8, got, sizeof(got));
	cr_expect_str_eq(got, "192.0.2.40,2001:db8::41,192.0.2.42");
	/* Bytes past the given length are never looked at. */
	scan_to_text(line, 8, 8, got, sizeof(got));
	cr_expect_str_eq(got, "");
	scan_to_text(line, 15, 8, got, sizeof(got));
	cr_expect_str_eq(got, "192.0.2.40");
}

Test(ipscan, length_cuts_the_line)
{
	const char	*line = "peer 192.0.2.77x";
	char		 got[512];

	/* Without the 'x' the address ends the line and is taken. */
	scan_to_text(line, strlen(line) - 1, 8, got, sizeof(got));
	cr_expect_str_eq(got, "192.0.2.77");
	scan_to_text(line, strlen(line), 8, got, sizeof(got));
	cr_expect_str_eq(got, "");
}

/* A span and what it must cover. */
struct span_row {
	const char	*sp_line;
	const char	*sp_text;	/* the bytes im_so..im_eo */
};

static const struct span_row span_rows[] = {
	{ "from 192.0.2.1 port 22", "192.0.2.1" },
	{ "from [2001:db8::1]:22 x", "2001:db8::1" },
	{ "to 198.51.100.2:443 x", "198.51.100.2" },
	{ "lit [IPv6:2001:db8::3]", "2001:db8::3" },
	{ "if en0:10.0.0.2 up", "10.0.0.2" },
	{ "ll fe80::1%eth0 x", "fe80::1%eth0" },
	{ "end 192.0.2.4.", "192.0.2.4" },
	{ "hap 2001:db8::5:50000 x", "2001:db8::5" },
	{ "m ::ffff:192.0.2.6 x", "::ffff:192.0.2.6" },
};

Test(ipscan, spans_cover_the_address_text)
{
	struct ipmatch	 m;
	size_t		 i, off;

	for (i = 0; i < NELEM(span_rows); i++) {
		const char	*line = span_rows[i].sp_line;
		const char	*want = span_rows[i].sp_text;

		off = 0;
		cr_assert_eq(ipscan_next(sc, line, strlen(line), &off, &m), 1,
		    "%s", line);
		cr_expect_eq(m.im_eo - m.im_so, strlen(want), "%s", line);
		cr_expect_eq(memcmp(line + m.im_so, want, strlen(want)), 0,
		    "%s: span %zu..%zu", line, m.im_so, m.im_eo);
		cr_expect_geq(off, m.im_eo, "%s: offset not advanced", line);
		cr_expect_eq(m.im_role, IPSCAN_ROLE_IP);
		cr_expect_eq(m.im_helo_so, m.im_helo_eo);
		cr_expect_eq(ipscan_next(sc, line, strlen(line), &off, &m), 0,
		    "%s: second address", line);
		cr_expect_eq(off, strlen(line));
	}
}

Test(ipscan, next_walks_every_occurrence)
{
	const char	*line = "a 192.0.2.1 b 192.0.2.1 c 2001:db8::2";
	struct ipmatch	 m;
	size_t		 off = 0, seen = 0;
	int		 rc;

	while ((rc = ipscan_next(sc, line, strlen(line), &off, &m)) == 1)
		seen++;
	cr_expect_eq(rc, 0);
	/* ipscan_next does not dedupe; ipscan_line does. */
	cr_expect_eq(seen, 3);
	/* Starting past an address skips it. */
	off = 5;
	cr_assert_eq(ipscan_next(sc, line, strlen(line), &off, &m), 1);
	cr_expect_eq(m.im_so, 14);
}

Test(ipscan, reports_jit_and_no_error)
{
	int	jit = ipscan_jit(sc);

	cr_expect(jit == 0 || jit == 1);
	cr_expect_str_eq(ipscan_error(sc), "");
	ipscan_free(NULL);
}

/* Hostile input: 64 KiB lines must be scanned quickly and correctly. */

#define HOSTILE_LEN	65536

/* Fill a fitted buffer of HOSTILE_LEN bytes by repeating unit. */
static char *
hostile_fill(const char *unit)
{
	char	*buf;
	size_t	 i, ulen = strlen(unit);

	buf = malloc(HOSTILE_LEN);
	cr_assert_not_null(buf);
	for (i = 0; i < HOSTILE_LEN; i++)
		buf[i] = unit[i % ulen];
	return buf;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct hostile_row {
	const char	*hr_unit;	/* repeated to fill the line */
	int		 hr_want;	/* addresses to be found */
};

static const struct hostile_row hostile_rows[] = {
	{ "1", 0 },
	{ "1.", 0 },
	{ "1:", 0 },
	{ ":", 0 },
	{ ".", 0 },
	{ "::1", 0 },
	{ "a", 0 },
	{ "1.2.3.4:", 0 },
	{ "1.2.3.4.", 0 },
	{ "ffff:", 0 },
	{ "f:f.1", 0 },
	{ "1.1.1.1 ", 1 },
	{ "1.1.1.1:1 ", 1 },
	{ "[::1]", 1 },
	{ "x1.2.3.4:", 0 },
	{ "%a:1%", 0 },
	{ "::%", 1 },
	{ "fe80::1%eth0.", 1 },
	{ "IPv6:", 0 },
	{ "9 ", 0 },
};

ROW_PARAMS(ipscan, hostile_lines_are_linear, hostile_rows)

ParameterizedTest(size_t *i, ipscan, hostile_lines_are_linear,
    .timeout = 20)
{
	const struct hostile_row	*r = &hostile_rows[*i];
	struct ipmatch			 m[8];
	char				*buf;
	double				 t0, dt;
	int				 n;

	buf = hostile_fill(r->hr_unit);
	t0 = now_s();
	n = ipscan_line(sc, buf, HOSTILE_LEN, m, NELEM(m));
	dt = now_s() - t0;
	free(buf);
	cr_expect_eq(n, r->hr_want, "unit \"%s\": %d addresses", r->hr_unit,
	    n);
	/* Linear work is milliseconds; quadratic would be many seconds. */
	cr_expect_lt(dt, 1.0, "unit \"%s\" took %.3f s", r->hr_unit, dt);
}

Test(ipscan, many_distinct_addresses_stop_at_the_cap, .timeout = 20)
{
	struct ipmatch	 m[8];
	char		*buf;
	size_t		 off = 0;
	int		 k = 0, n;

	buf = malloc(HOSTILE_LEN);
	cr_assert_not_null(buf);
	while (off + 16 < HOSTILE_LEN) {
		off += (size_t)snprintf(buf + off, 16, "10.%d.%d.%d ",
		    (k >> 16) & 255, (k >> 8) & 255, k & 255);
		k++;
	}
	memset(buf + off, ' ', HOSTILE_LEN - off);
	n = ipscan_line(sc, buf, HOSTILE_LEN, m, NELEM(m));
	cr_expect_eq(n, 8);
	cr_expect_eq(m[7].im_addr.ia_bytes[3], 7);
	free(buf);
}

/*
 * The prefilter of ipscan_skip passes over runs that cannot hold an
 * address; with it off (ipscan_set_plain) the pattern runs from every
 * place the walk reaches. Both walks must yield the same matches and
 * leave *off at the same places, on lines made of address bytes, their
 * neighbours and decorations, at every length around the 64-byte windows
 * the prefilter classifies.
 */
#define WALK_LINES	20000
#define WALK_MAXLEN	300

/* One walk of line[0..len) into out; returns the count and the offs. */
static size_t
walk(struct ipscan *s, const char *line, size_t len, struct ipmatch *out,
    size_t *offs, size_t max)
{
	size_t	off = 0, n = 0;

	while (n < max && ipscan_next(s, line, len, &off, &out[n]) == 1)
		offs[n++] = off;
	cr_assert_eq(off <= len, 1);
	return n;
}

/* Pieces a line is made of: addresses and what makes them fail. */
static const char *const walk_pieces[] = {
	"192.0.2.1", "10.1.2.3", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4",
	"2001:db8::1", "::", "::1", "fe80::1%eth0", "%25en0", "::ffff:1.2.3.4",
	"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "12:34:56", "00:00:00.123",
	"IPv6:", "en0:", "a", "x", "_", " ", "[", "]", ".", ":", "..", "::",
	"%", "-", "9", "f", "F", ":80", ":65536", ":12345", "\t", "port", "0",
};

Test(ipscan, prefilter_walks_as_the_pattern_alone, .timeout = 60)
{
	struct ipscan	*plain;
	struct ipmatch	 a[MAXOUT], b[MAXOUT];
	size_t		 oa[MAXOUT], ob[MAXOUT], len, na, nb, i, k;
	char		 line[WALK_MAXLEN + 32], err[256], *copy;
	unsigned int	 seed = 1;
	const char	*piece;

	plain = ipscan_create(err, sizeof(err));
	cr_assert_not_null(plain, "%s", err);
	ipscan_set_plain(plain, 1);
	for (k = 0; k < WALK_LINES; k++) {
		len = 0;
		while (len < (size_t)rand_r(&seed) % WALK_MAXLEN) {
			piece = walk_pieces[(size_t)rand_r(&seed) %
			    NELEM(walk_pieces)];
			memcpy(line + len, piece, strlen(piece));
			len += strlen(piece);
		}
		copy = fitted_copy(line, len);
		na = walk(sc, copy, len, a, oa, MAXOUT);
		nb = walk(plain, copy, len, b, ob, MAXOUT);
		cr_assert_eq(na, nb, "line \"%.*s\": %zu and %zu addresses",
		    (int)len, line, na, nb);
		for (i = 0; i < na; i++) {
			cr_assert(a[i].im_so == b[i].im_so &&
			    a[i].im_eo == b[i].im_eo && oa[i] == ob[i] &&
			    ipaddr_cmp(&a[i].im_addr, &b[i].im_addr) == 0,
			    "line \"%.*s\": match %zu differs", (int)len,
			    line, i);
		}
		free(copy);
	}
	ipscan_free(plain);
}
