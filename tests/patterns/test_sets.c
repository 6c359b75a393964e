/*
 * Unit tests of the pattern sets (ptrtag.1, DESCRIPTION, "-p"): every message
 * each shipped set under patterns/sets claims in its comments, on lines
 * written for these tests in the daemons' formats (documentation address
 * ranges only), with the roles and helo names expected; lines a set must
 * leave alone; merging with "any"; and the load errors of user files.
 *
 * Every line is copied into a buffer of exactly its length before it is
 * scanned, so a read past the end shows up under AddressSanitizer.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipscan.h"
#include "testutil.h"

#ifndef TEST_PATTERN_DIR
#error "TEST_PATTERN_DIR must name the source tree's patterns/sets"
#endif

#define MAXOUT		64

static const char *const dirs[] = { TEST_PATTERN_DIR, "/nonexistent/ptrtag" };

/* Build a scanner from specs, failing the test on error. */
static struct ipscan *
build(const char *const *specs, size_t n)
{
	struct ipscan	*sc;
	char		 err[512];

	sc = ipscan_create_patterns(specs, n, dirs, NELEM(dirs), err,
	    sizeof(err));
	cr_assert_not_null(sc, "ipscan_create_patterns: %s", err);
	return sc;
}

/* Build a scanner from specs that must fail; its message goes to err. */
static void
build_fails(const char *const *specs, size_t n, char *err, size_t errlen)
{
	struct ipscan	*sc;

	err[0] = '\0';
	sc = ipscan_create_patterns(specs, n, dirs, NELEM(dirs), err, errlen);
	cr_assert_null(sc, "built a scanner; expected an error");
	ipscan_free(sc);
	cr_assert_neq(err[0], '\0', "no error text");
}

static const char *
role_name(enum ipscan_role r)
{
	switch (r) {
	case IPSCAN_ROLE_IP:
		return "ip";
	case IPSCAN_ROLE_SRC:
		return "src";
	case IPSCAN_ROLE_DST:
		return "dst";
	}
	return "?";
}

/*
 * Scan line[0..len) from a fitted copy with ipscan_line and write the
 * result as "role:address[/helo]" items, comma-separated, into got.
 * Checks on the way that every span is the address's own text. Returns
 * what ipscan_line returned.
 */
static int
scan_text(struct ipscan *sc, const char *line, size_t len, char *got,
    size_t gotsz)
{
	struct ipmatch	 m[MAXOUT];
	struct ipaddr	 ia;
	char		*copy, text[IPADDR_STRMAX], item[512];
	int		 n, i;

	copy = fitted_copy(line, len);
	n = ipscan_line(sc, copy, len, m, MAXOUT);
	got[0] = '\0';
	for (i = 0; i < n; i++) {
		cr_assert_lt(m[i].im_so, m[i].im_eo);
		cr_assert_leq(m[i].im_eo, len);
		cr_expect_neq(copy[m[i].im_so], '[', "span keeps a bracket");
		cr_assert_eq(ipaddr_parse(copy + m[i].im_so,
		    m[i].im_eo - m[i].im_so, &ia), 0, "span is no address");
		cr_expect_eq(ipaddr_cmp(&ia, &m[i].im_addr), 0);
		ipaddr_ntop(&m[i].im_addr, text, sizeof(text));
		snprintf(item, sizeof(item), "%s%s:%s", i > 0 ? "," : "",
		    role_name(m[i].im_role), text);
		strlcat(got, item, gotsz);
		if (m[i].im_helo_so == m[i].im_helo_eo)
			continue;
		cr_assert_lt(m[i].im_helo_so, m[i].im_helo_eo);
		cr_assert_leq(m[i].im_helo_eo, len);
		snprintf(item, sizeof(item), "/%.*s",
		    (int)(m[i].im_helo_eo - m[i].im_helo_so),
		    copy + m[i].im_helo_so);
		strlcat(got, item, gotsz);
	}
	free(copy);
	return n;
}

/* A set, a line in its daemon's format, and what the set must take. */
struct set_row {
	const char	*sr_set;
	const char	*sr_line;
	const char	*sr_want;
};

#define SSHD	"Mar  3 08:15:01 bastion sshd[4211]: "
#define PFX	"Mar  3 09:00:01 mx postfix/smtpd[771]: "
#define PSCR	"Mar  3 09:00:01 mx postfix/postscreen[650]: "
#define KERN	"Mar  3 09:20:00 fw kernel: "
#define HAP	"Mar  3 09:30:00 lb haproxy[900]: "
#define DATE	"[03/Mar/2025:09:10:11 +0000]"

static const struct set_row set_rows[] = {
	/* sshd: Failed ... for (invalid user )X from IP port N */
	{ "sshd", SSHD "Failed password for root from 203.0.113.45 port "
	    "50022 ssh2", "src:203.0.113.45" },
	{ "sshd", SSHD "Failed password for invalid user admin from "
	    "198.51.100.7 port 4242 ssh2", "src:198.51.100.7" },
	{ "sshd", SSHD "Failed publickey for git from 2001:db8::9 port 22 "
	    "ssh2: RSA SHA256:Zk3yQ0hE8wq1", "src:2001:db8::9" },
	{ "sshd", SSHD "Failed keyboard-interactive/pam for invalid user "
	    "test from ::ffff:192.0.2.31 port 61000 ssh2", "src:192.0.2.31" },
	{ "sshd", SSHD "Failed keyboard-interactive for bob from "
	    "2001:DB8:0:0:0:0:0:33 port 61001 ssh2", "src:2001:db8::33" },
	{ "sshd", SSHD "Failed none for invalid user  from 192.0.2.32 port 1 "
	    "ssh2", "src:192.0.2.32" },
	/* A user name holding an address: the real one comes last. */
	{ "sshd", SSHD "Failed password for invalid user x from 192.0.2.66 "
	    "port 1 ssh2 from 203.0.113.5 port 22 ssh2", "src:203.0.113.5" },
	/* Accepted password/publickey for X from IP port N */
	{ "sshd", SSHD "Accepted password for deploy from 192.0.2.7 port "
	    "40022 ssh2", "src:192.0.2.7" },
	{ "sshd", SSHD "Accepted publickey for deploy from 2001:db8:42::7 "
	    "port 40022 ssh2: ED25519 SHA256:q3Vb0Nfz9K",
	    "src:2001:db8:42::7" },
	/* Invalid user X from IP (port N) */
	{ "sshd", SSHD "Invalid user oracle from 198.51.100.23 port 41902",
	    "src:198.51.100.23" },
	{ "sshd", SSHD "Invalid user oracle from 198.51.100.24",
	    "src:198.51.100.24" },
	{ "sshd", SSHD "Invalid user  from 2001:db8::24 port 5",
	    "src:2001:db8::24" },
	{ "sshd", SSHD "Invalid user a from 192.0.2.9 port 7 from "
	    "198.51.100.25 port 41903", "src:198.51.100.25" },
	/* Connection closed by (authenticating|invalid user X)? IP port N */
	{ "sshd", SSHD "Connection closed by 192.0.2.40 port 22 [preauth]",
	    "src:192.0.2.40" },
	{ "sshd", SSHD "Connection closed by authenticating user root "
	    "192.0.2.41 port 51000 [preauth]", "src:192.0.2.41" },
	{ "sshd", SSHD "Connection closed by invalid user oracle "
	    "2001:db8::42 port 51001 [preauth]", "src:2001:db8::42" },
	{ "sshd", SSHD "Connection closed by 192.0.2.43 [preauth]",
	    "src:192.0.2.43" },
	{ "sshd", SSHD "Connection closed by invalid user 192.0.2.99 port 1 "
	    "192.0.2.44 port 22 [preauth]", "src:192.0.2.44" },
	{ "sshd", SSHD "Connection reset by 192.0.2.103 port 50003 [preauth]",
	    "src:192.0.2.103" },
	{ "sshd", SSHD "Connection reset by invalid user pi 192.0.2.105 "
	    "port 50005 [preauth]", "src:192.0.2.105" },
	/* Disconnected from (authenticating|invalid)? user X IP port N */
	{ "sshd", SSHD "Disconnected from 192.0.2.50 port 22 [preauth]",
	    "src:192.0.2.50" },
	{ "sshd", SSHD "Disconnected from user root 192.0.2.51 port 51002",
	    "src:192.0.2.51" },
	{ "sshd", SSHD "Disconnected from authenticating user root "
	    "192.0.2.52 port 51003 [preauth]", "src:192.0.2.52" },
	{ "sshd", SSHD "Disconnected from invalid user admin "
	    "::ffff:198.51.100.53 port 51004 [preauth]", "src:198.51.100.53" },
	{ "sshd", SSHD "Disconnecting invalid user admin 192.0.2.104 port "
	    "50004: Too many authentication failures [preauth]",
	    "src:192.0.2.104" },
	/* Received disconnect from IP port N */
	{ "sshd", SSHD "Received disconnect from 192.0.2.60 port 51005:11: "
	    "Bye Bye [preauth]", "src:192.0.2.60" },
	{ "sshd", SSHD "Received disconnect from 2001:db8::61: 11: Bye Bye "
	    "[preauth]", "src:2001:db8::61" },
	/* error: maximum authentication attempts exceeded */
	{ "sshd", SSHD "error: maximum authentication attempts exceeded for "
	    "root from 192.0.2.70 port 51006 ssh2 [preauth]",
	    "src:192.0.2.70" },
	{ "sshd", SSHD "error: maximum authentication attempts exceeded for "
	    "invalid user x from 2001:db8::71 port 51007 ssh2 [preauth]",
	    "src:2001:db8::71" },
	/* reverse mapping / Address maps to: POSSIBLE BREAK-IN ATTEMPT */
	{ "sshd", SSHD "reverse mapping checking getaddrinfo for "
	    "host.example.com [192.0.2.80] failed - POSSIBLE BREAK-IN "
	    "ATTEMPT!", "src:192.0.2.80" },
	{ "sshd", SSHD "reverse mapping checking getaddrinfo for "
	    "h6.example.net [2001:db8::81] failed - POSSIBLE BREAK-IN "
	    "ATTEMPT!", "src:2001:db8::81" },
	{ "sshd", SSHD "Address 192.0.2.82 maps to host.example.com, but "
	    "this does not map back to the address - POSSIBLE BREAK-IN "
	    "ATTEMPT!", "src:192.0.2.82" },
	/* MaxStartups: the client is src, the local address dst. */
	{ "sshd", SSHD "drop connection #3 from [192.0.2.90]:50000 on "
	    "[192.0.2.1]:22 past MaxStartups", "src:192.0.2.90,dst:192.0.2.1" },
	{ "sshd", SSHD "drop connection #0 from [2001:db8::91]:50001 on "
	    "[2001:db8::1]:22 past MaxStartups",
	    "src:2001:db8::91,dst:2001:db8::1" },
	/* Further messages the set claims. */
	{ "sshd", SSHD "Connection from 192.0.2.202 port 50512 on 192.0.2.1 "
	    "port 22 rdomain \"\"", "src:192.0.2.202,dst:192.0.2.1" },
	{ "sshd", SSHD "Did not receive identification string from "
	    "192.0.2.100 port 50000", "src:192.0.2.100" },
	{ "sshd", SSHD "Unable to negotiate with 192.0.2.101 port 50001: no "
	    "matching key exchange method found. Their offer: "
	    "diffie-hellman-group1-sha1 [preauth]", "src:192.0.2.101" },
	{ "sshd", SSHD "banner exchange: Connection from 192.0.2.102 port "
	    "50002: invalid format", "src:192.0.2.102" },
	{ "sshd", SSHD "Timeout before authentication for 2001:DB8:0:0:0:0:"
	    "0:106 port 50006", "src:2001:db8::106" },
	/* sshd: not clients, or not claimed. */
	{ "sshd", SSHD "Server listening on 0.0.0.0 port 22.", "" },
	{ "sshd", SSHD "Server listening on :: port 22.", "" },
	{ "sshd", SSHD "Accepted password for x from host.example.com port "
	    "22 ssh2", "" },
	{ "sshd", "Mar  3 08:15:02 bastion sshd[4212]: pam_unix(sshd:auth): "
	    "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=192.0.2.5  user=root", "" },
	{ "sshd", SSHD "Failed password for root from 192.0.2.1x port 22 "
	    "ssh2", "" },

	/* postfix smtpd: connect from / disconnect from host[ip] */
	{ "postfix", PFX "connect from mail.example.net[198.51.100.88]",
	    "src:198.51.100.88" },
	{ "postfix", PFX "connect from unknown[2001:db8:25::1]",
	    "src:2001:db8:25::1" },
	{ "postfix", PFX "disconnect from unknown[192.0.2.120] ehlo=1 mail=1 "
	    "rcpt=0/1 quit=1 commands=3/4", "src:192.0.2.120" },
	/* lost connection / timeout / too many errors after X from */
	{ "postfix", PFX "lost connection after AUTH from "
	    "unknown[192.0.2.121]", "src:192.0.2.121" },
	{ "postfix", PFX "lost connection after DATA (0 bytes) from "
	    "unknown[192.0.2.122]", "src:192.0.2.122" },
	{ "postfix", PFX "timeout after RCPT from unknown[2001:db8::123]",
	    "src:2001:db8::123" },
	{ "postfix", PFX "too many errors after RCPT from "
	    "unknown[192.0.2.124]", "src:192.0.2.124" },
	{ "postfix", PFX "improper command pipelining after DATA from "
	    "unknown[192.0.2.142]: QUIT", "src:192.0.2.142" },
	/* client=host[ip] */
	{ "postfix", PFX "4F1A2B3C5D: client=mail.example.net"
	    "[198.51.100.125]", "src:198.51.100.125" },
	{ "postfix", PFX "4F1A2B3C5D: client=unknown[192.0.2.126], "
	    "sasl_method=LOGIN, sasl_username=bob", "src:192.0.2.126" },
	/* reject lines: the client, and helo=<...> as the helo name. */
	{ "postfix", PFX "NOQUEUE: reject: RCPT from bad.example"
	    "[203.0.113.99]: 554 5.7.1 <u@example.org>: Relay access denied; "
	    "from=<x@[192.0.2.1]> to=<u@example.org> proto=ESMTP "
	    "helo=<bad.example>", "src:203.0.113.99/bad.example" },
	{ "postfix", PFX "4F1A2B3C5D: reject: DATA from unknown[192.0.2.127]: "
	    "550 5.7.1 Message rejected; from=<> to=<u@example.org> "
	    "proto=ESMTP helo=<[192.0.2.127]>",
	    "src:192.0.2.127/[192.0.2.127]" },
	{ "postfix", PFX "NOQUEUE: reject: RCPT from unknown"
	    "[2001:db8:25::66]: 450 4.7.1 Client host rejected: cannot find "
	    "your hostname, [2001:db8:25::66]; from=<a@example.org> "
	    "to=<b@example.org> proto=ESMTP helo=<[IPv6:2001:db8:25::66]>",
	    "src:2001:db8:25::66/[IPv6:2001:db8:25::66]" },
	{ "postfix", PFX "NOQUEUE: milter-reject: CONNECT from "
	    "unknown[192.0.2.128]: 451 4.7.1 Service unavailable - try again "
	    "later; proto=SMTP", "src:192.0.2.128" },
	{ "postfix", PFX "NOQUEUE: reject: RCPT from unknown[192.0.2.141]: "
	    "504 5.5.2 <x>: Helo command rejected; from=<a@example.org> "
	    "to=<b@example.org> proto=SMTP helo=<>", "src:192.0.2.141" },
	{ "postfix", PSCR "NOQUEUE: reject: RCPT from [192.0.2.129]:50000: "
	    "550 5.7.1 Service unavailable; client [192.0.2.129] blocked "
	    "using zen.example.org; from=<a@example.org>, "
	    "to=<b@example.org>, proto=ESMTP, helo=<spam.example>",
	    "src:192.0.2.129/spam.example" },
	/* warnings about the client */
	{ "postfix", PFX "warning: hostname x.example does not resolve to "
	    "address 198.51.100.90: Name or service not known",
	    "src:198.51.100.90" },
	{ "postfix", PFX "warning: hostname y.example does not resolve to "
	    "address 2001:db8::5", "src:2001:db8::5" },
	{ "postfix", PFX "warning: hostname z.example does not resolve to "
	    "address 2001:db8::6: Temporary failure in name resolution",
	    "src:2001:db8::6" },
	{ "postfix", PFX "warning: 192.0.2.130: address not listed for "
	    "hostname a.example", "src:192.0.2.130" },
	{ "postfix", PFX "warning: 2001:db8::131: hostname b.example "
	    "verification failed: Name or service not known",
	    "src:2001:db8::131" },
	{ "postfix", PFX "warning: unknown[192.0.2.132]: SASL LOGIN "
	    "authentication failed: UGFzc3dvcmQ6", "src:192.0.2.132" },
	{ "postfix", PFX "warning: unknown[2001:db8::143]:50008: SASL PLAIN "
	    "authentication failed: ", "src:2001:db8::143" },
	{ "postfix", PFX "warning: Connection rate limit exceeded: 31 from "
	    "x.example[192.0.2.144] for service smtp", "src:192.0.2.144" },
	{ "postfix", PFX "warning: Message delivery request rate limit "
	    "exceeded: 334 from unknown[192.0.2.145] for service submission",
	    "src:192.0.2.145" },
	/* postscreen */
	{ "postfix", PSCR "CONNECT from [192.0.2.133]:50000 to [192.0.2.1]:25",
	    "src:192.0.2.133,dst:192.0.2.1" },
	{ "postfix", PSCR "CONNECT from [2001:db8::134]:50001 to "
	    "[2001:db8::1]:25", "src:2001:db8::134,dst:2001:db8::1" },
	{ "postfix", PSCR "PASS NEW [192.0.2.135]:50002", "src:192.0.2.135" },
	{ "postfix", PSCR "DNSBL rank 3 for [192.0.2.136]:50003",
	    "src:192.0.2.136" },
	{ "postfix", PSCR "PREGREET 11 after 0.08 from [192.0.2.137]:50004: "
	    "EHLO x\\r\\n", "src:192.0.2.137" },
	{ "postfix", PSCR "HANGUP after 0.5 from [192.0.2.138]:50005 in "
	    "tests before SMTP handshake", "src:192.0.2.138" },
	{ "postfix", PSCR "DISCONNECT [192.0.2.139]:50006", "src:192.0.2.139" },
	{ "postfix", PSCR "COMMAND PIPELINING from [192.0.2.140]:50007 after "
	    "EHLO: QUIT\\r\\n", "src:192.0.2.140" },
	/* postfix: mail addresses and relays are not clients. */
	{ "postfix", "Mar  3 09:00:09 mx postfix/smtp[881]: 4F1A2B3C5D: "
	    "to=<bob@[192.0.2.1]>, relay=none, delay=30, delays=0/0/30/0, "
	    "dsn=4.4.1, status=deferred (connect to 192.0.2.1[192.0.2.1]:25: "
	    "Connection refused)", "" },
	{ "postfix", "Mar  3 09:00:09 mx postfix/qmgr[700]: 4F1A2B3C5D: "
	    "from=<alice@[192.0.2.2]>, size=512, nrcpt=1 (queue active)", "" },
	{ "postfix", "Mar  3 09:00:09 mx postfix/smtp[881]: 4F1A2B3C5D: "
	    "to=<bob@example.org>, relay=mx.example.org[198.51.100.2]:25, "
	    "delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok)", "" },

	/* nginx: combined and common, client at line start */
	{ "nginx", "203.0.113.150 - - " DATE " \"GET /index.html HTTP/1.1\" "
	    "200 612 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"",
	    "src:203.0.113.150" },
	{ "nginx", "198.51.100.152 - - " DATE " \"GET /x HTTP/1.0\" 404 153",
	    "src:198.51.100.152" },
	{ "nginx", "::ffff:198.51.100.153 - - " DATE " \"GET / HTTP/1.1\" 200 "
	    "1 \"-\" \"-\"", "src:198.51.100.153" },
	{ "nginx", "203.0.113.154 - john doe " DATE " \"GET / HTTP/1.1\" 401 "
	    "0 \"-\" \"-\"", "src:203.0.113.154" },
	{ "nginx", "Mar  3 09:10:14 web nginx: 203.0.113.153 - - " DATE
	    " \"GET / HTTP/1.1\" 200 612 \"-\" \"-\"", "src:203.0.113.153" },
	/* X-Forwarded-For as the last field: each address is "ip". */
	{ "nginx", "2001:db8:80::1 - alice " DATE " \"POST /api HTTP/2.0\" "
	    "201 17 \"https://example.org/\" \"curl/8.1.2\" "
	    "\"198.51.100.151, 2001:db8:80::2\"",
	    "src:2001:db8:80::1,ip:198.51.100.151,ip:2001:db8:80::2" },
	{ "nginx", "192.0.2.150 - - " DATE " \"GET / HTTP/1.1\" 200 5 \"-\" "
	    "\"curl/8.1.2\" \"203.0.113.155\"",
	    "src:192.0.2.150,ip:203.0.113.155" },
	{ "nginx", "192.0.2.151 - - " DATE " \"GET / HTTP/1.1\" 200 5 \"-\" "
	    "\"curl/8.1.2\" \"unknown, 198.51.100.156,192.0.2.151\"",
	    "src:192.0.2.151,ip:198.51.100.156" },
	{ "nginx", "192.0.2.152 - - " DATE " \"GET / HTTP/1.1\" 200 5 \"-\" "
	    "\"curl/8.1.2\" \"-\"", "src:192.0.2.152" },
	/* nginx: the request, the agent, a field not last, the error log. */
	{ "nginx", "192.0.2.153 - - " DATE " \"GET /?ip=198.51.100.9 "
	    "HTTP/1.1\" 200 5 \"-\" \"bot (+203.0.113.9)\"",
	    "src:192.0.2.153" },
	{ "nginx", "192.0.2.154 - - " DATE " \"GET / HTTP/1.1\" 200 5 \"-\" "
	    "\"198.51.100.170\" \"curl/8.1.2\"", "src:192.0.2.154" },
	/* nginx error log: "client: ADDR, server:" */
	{ "nginx", "2025/03/03 09:10:15 [error] 1234#1234: *5 open() "
	    "\"/usr/share/nginx/html/x\" failed (2: No such file or "
	    "directory), client: 192.0.2.160, server: _, request: "
	    "\"GET /x HTTP/1.1\", host: \"192.0.2.1\"", "src:192.0.2.160" },
	{ "nginx", "2025/03/03 09:10:16 [error] 1234#1234: *6 user \"bob\" "
	    "was not found in \"/etc/nginx/.htpasswd\", client: 192.0.2.161, "
	    "server: www.example.org, request: \"GET / HTTP/1.1\", host: "
	    "\"www.example.org\"", "src:192.0.2.161" },
	{ "nginx", "2025/03/03 09:10:17 [warn] 1234#1234: *7 delaying "
	    "request, excess: 0.841, by zone \"one\", client: 2001:db8::162, "
	    "server: , request: \"GET / HTTP/1.1\", host: \"192.0.2.1\"",
	    "src:2001:db8::162" },
	{ "nginx", "2025/03/03 09:10:18 [notice] 1234#1234: signal process "
	    "started, client: 192.0.2.163, server: x", "" },
	{ "nginx", "Mar  3 09:10:16 web kernel: 192.0.2.1 up", "" },

	/* apache: the same shapes, and vhost_combined */
	{ "apache", "203.0.113.160 - - " DATE " \"GET / HTTP/1.1\" 200 612 "
	    "\"-\" \"Mozilla/5.0\"", "src:203.0.113.160" },
	{ "apache", "2001:db8::161 - - " DATE " \"GET / HTTP/1.1\" 304 -",
	    "src:2001:db8::161" },
	{ "apache", "www.example.com:443 203.0.113.162 - - " DATE " \"GET / "
	    "HTTP/1.1\" 200 612 \"-\" \"curl/8.1.2\"", "src:203.0.113.162" },
	{ "apache", "192.0.2.163 - - " DATE " \"GET /a\\\"b HTTP/1.1\" 200 "
	    "612 \"-\" \"curl/8.1.2\" \"198.51.100.163\"",
	    "src:192.0.2.163,ip:198.51.100.163" },
	{ "apache", "host.example.com - - " DATE " \"GET / HTTP/1.1\" 200 1",
	    "" },

	/* iptables / ufw / nftables: SRC= is src, DST= is dst */
	{ "iptables", KERN "[88123.456789] [UFW BLOCK] IN=eth0 OUT= "
	    "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.201 "
	    "DST=192.0.2.5 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=4242 DF "
	    "PROTO=TCP SPT=51515 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0",
	    "src:203.0.113.201,dst:192.0.2.5" },
	{ "iptables", KERN "DROP IN=eth0 OUT= SRC=2001:0db8:0bad:0000:0000:"
	    "0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0005 LEN=80 "
	    "TC=0 HOPLIMIT=57 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=443",
	    "src:2001:db8:bad::1,dst:2001:db8::5" },
	{ "iptables", KERN "nft drop in: IN=eth0 OUT= MAC=52:54:00:aa:bb:cc "
	    "SRC=192.0.2.200 DST=192.0.2.1 LEN=40 TTL=240 PROTO=TCP",
	    "src:192.0.2.200,dst:192.0.2.1" },
	{ "iptables", KERN "REJ IN= OUT=eth0 SRC=198.51.100.9 DST=192.0.2.5 "
	    "LEN=88 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.5 DST=203.0.113.7 "
	    "LEN=60 PROTO=UDP SPT=53 DPT=4000 LEN=40 ]",
	    "src:198.51.100.9,dst:192.0.2.5,dst:203.0.113.7" },
	{ "iptables", KERN "IN=eth0 XSRC=192.0.2.1 SRC=192.0.2.2x DST=0.0.0.0 "
	    "MAC=00:1a:2b:3c:4d:5e", "dst:0.0.0.0" },

	/* haproxy: ip:port [date] after the tag; Connect from */
	{ "haproxy", HAP "198.51.100.177:40411 [03/Mar/2025:09:30:00.123] "
	    "www~ app/web1 0/0/1/2/3 200 512 - - ---- 2/2/0/0/0 0/0 "
	    "\"GET / HTTP/1.1\"", "src:198.51.100.177" },
	{ "haproxy", HAP "2001:db8:99::5:40412 [03/Mar/2025:09:30:01.456] "
	    "www~ app/web2 0/0/1/2/3 503 212 - - sC-- 2/2/0/0/0 0/0 "
	    "\"GET /x HTTP/1.1\"", "src:2001:db8:99::5" },
	{ "haproxy", HAP "::ffff:198.51.100.179:40414 "
	    "[03/Mar/2025:09:30:01.457] www~ app/web2 0/0/1/2/3 200 2 - - "
	    "---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"", "src:198.51.100.179" },
	{ "haproxy", HAP "198.51.100.178:40413 [03/Mar/2025:09:30:02.789] db "
	    "db/pg1 1/0/5 212 -- 1/1/1/1/0 0/0", "src:198.51.100.178" },
	{ "haproxy", HAP "Connect from 192.0.2.170:50000 to 192.0.2.2:80 "
	    "(www/HTTP)", "src:192.0.2.170,dst:192.0.2.2" },
	{ "haproxy", HAP "Server app/web1 is DOWN, reason: Layer4 timeout, "
	    "check duration: 2001ms. 1 active and 0 backup servers left.", "" },
	{ "haproxy", "Mar  3 09:30:04 lb other[1]: 198.51.100.1:4000 "
	    "[03/Mar/2025:09:30:04.000] x", "" },
};

ROW_PARAMS(sets, takes_table, set_rows)

ParameterizedTest(size_t *i, sets, takes_table)
{
	const struct set_row	*r = &set_rows[*i];
	const char		*specs[] = { r->sr_set };
	struct ipscan		*sc;
	char			 got[1024];

	sc = build(specs, 1);
	scan_text(sc, r->sr_line, strlen(r->sr_line), got, sizeof(got));
	cr_expect_str_eq(got, r->sr_want, "-p %s\n  line: %s\n  want [%s] "
	    "got [%s]", r->sr_set, r->sr_line, r->sr_want, got);
	ipscan_free(sc);
}

/* The table's lines also pass through every set at once unchanged. */
Test(sets, all_sets_together)
{
	const char	*specs[] = { "sshd", "postfix", "nginx", "apache",
	    "iptables", "haproxy" };
	struct ipscan	*sc;
	char		 got[1024];
	size_t		 i;

	sc = build(specs, NELEM(specs));
	for (i = 0; i < NELEM(set_rows); i++) {
		if (set_rows[i].sr_want[0] == '\0')
			continue;
		scan_text(sc, set_rows[i].sr_line, strlen(set_rows[i].sr_line),
		    got, sizeof(got));
		cr_expect_str_eq(got, set_rows[i].sr_want, "line: %s",
		    set_rows[i].sr_line);
	}
	ipscan_free(sc);
}

Test(sets, merge_with_any)
{
	const char	*line = "Mar  3 08:15:01 192.0.2.10 sshd[4211]: Failed "
	    "password for root from 203.0.113.45 port 50022 ssh2 "
	    "(seen 203.0.113.45 before, 2001:db8::1 next)";
	const char	*one[] = { "sshd" };
	const char	*two[] = { "sshd", "any" };
	const char	*rev[] = { "any", "sshd", "any" };
	struct ipscan	*sc;
	char		 got[1024];

	sc = build(one, NELEM(one));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "src:203.0.113.45");
	ipscan_free(sc);

	/* The pattern's role wins where it and "any" catch one address. */
	sc = build(two, NELEM(two));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.10,src:203.0.113.45,ip:2001:db8::1");
	ipscan_free(sc);

	sc = build(rev, NELEM(rev));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.10,src:203.0.113.45,ip:2001:db8::1");
	ipscan_free(sc);
}

/* ipscan_next reports each occurrence once, with the pattern's role. */
Test(sets, next_walks_merged_hits)
{
	const char	*line = "[2001:db8::1]:22 Failed password for x from "
	    "[2001:db8::1] port 22 ssh2 192.0.2.1";
	const char	*specs[] = { "any", "sshd" };
	const char	*want[] = { "2001:db8::1", "2001:db8::1", "192.0.2.1" };
	enum ipscan_role roles[] = { IPSCAN_ROLE_IP, IPSCAN_ROLE_SRC,
	    IPSCAN_ROLE_IP };
	struct ipscan	*sc;
	struct ipmatch	 m;
	char		 text[IPADDR_STRMAX];
	size_t		 off = 0, n = 0, last = 0;
	int		 rc;

	sc = build(specs, NELEM(specs));
	while ((rc = ipscan_next(sc, line, strlen(line), &off, &m)) == 1) {
		cr_assert_lt(n, NELEM(want));
		ipaddr_ntop(&m.im_addr, text, sizeof(text));
		cr_expect_str_eq(text, want[n]);
		cr_expect_eq(m.im_role, roles[n], "hit %zu", n);
		cr_expect_geq(m.im_so, last);
		cr_expect_geq(off, m.im_eo);
		last = m.im_eo;
		n++;
	}
	cr_expect_eq(rc, 0);
	cr_expect_eq(n, NELEM(want));
	cr_expect_eq(off, strlen(line));
	/* A fresh walk from the middle gives the same tail. */
	off = 20;
	cr_assert_eq(ipscan_next(sc, line, strlen(line), &off, &m), 1);
	cr_expect_eq(m.im_role, IPSCAN_ROLE_SRC);
	cr_expect_eq(memcmp(line + m.im_so, "2001:db8::1]", 12), 0);
	ipscan_free(sc);
}

/* The hits of one line are never served for another in the same buffer. */
Test(sets, new_line_in_same_buffer)
{
	const char	*specs[] = { "iptables" };
	struct ipscan	*sc;
	struct ipmatch	 m;
	char		 buf[64], text[IPADDR_STRMAX];
	size_t		 off = 0;

	sc = build(specs, NELEM(specs));
	memcpy(buf, "SRC=192.0.2.1 DST=192.0.2.2", 27);
	cr_assert_eq(ipscan_next(sc, buf, 27, &off, &m), 1);
	memcpy(buf, "DST=192.0.2.3 SRC=192.0.2.4", 27);
	off = 0;
	cr_assert_eq(ipscan_next(sc, buf, 27, &off, &m), 1);
	ipaddr_ntop(&m.im_addr, text, sizeof(text));
	cr_expect_str_eq(text, "192.0.2.3");
	cr_expect_eq(m.im_role, IPSCAN_ROLE_DST);
	cr_assert_eq(ipscan_next(sc, buf, 27, &off, &m), 1);
	ipaddr_ntop(&m.im_addr, text, sizeof(text));
	cr_expect_str_eq(text, "192.0.2.4");
	cr_expect_eq(ipscan_next(sc, buf, 27, &off, &m), 0);
	ipscan_free(sc);
}

/* User files: written into a fresh directory per test. */

static char	tmpdir[64];

static void
tmp_init(void)
{
	strlcpy(tmpdir, "/tmp/ptrtag-sets-XXXXXX", sizeof(tmpdir));
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
tmp_fini(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmpdir);
}

TestSuite(user, .init = tmp_init, .fini = tmp_fini);

/* Write len bytes of text to tmpdir/name; the path goes to path. */
static void
write_file(const char *name, const char *text, size_t len, char *path,
    size_t pathsz)
{
	FILE	*fp;

	snprintf(path, pathsz, "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "%s", path);
	cr_assert_eq(fwrite(text, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

/* write_file for a NUL-terminated text. */
static void
write_str(const char *name, const char *text, char *path, size_t pathsz)
{
	write_file(name, text, strlen(text), path, pathsz);
}

/* Build a scanner from one user file holding text. */
static struct ipscan *
build_user(const char *text, char *path, size_t pathsz)
{
	const char	*specs[1];

	write_str("user.pat", text, path, pathsz);
	specs[0] = path;
	return build(specs, 1);
}

Test(user, bad_regex_names_file_line_and_pcre2_message)
{
	const char	*specs[1];
	char		 path[256], err[512], want[300];

	write_str("bad.pat", "# a comment\n\nfrom (?<ip>\\S+\n", path,
	    sizeof(path));
	specs[0] = path;
	build_fails(specs, 1, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:3: ", path);
	cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
	cr_expect_not_null(strstr(err, "missing closing parenthesis"), "%s",
	    err);
	cr_expect_not_null(strstr(err, " at offset 14"), "%s", err);
}

Test(user, pattern_without_address_group)
{
	const char	*specs[1];
	char		 path[256], err[512], want[300];

	write_str("nogroup.pat", "from (?<ip>\\S+) x\nfrom (?<host>\\S+)\n",
	    path, sizeof(path));
	specs[0] = path;
	build_fails(specs, 1, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:2: pattern has no ip, src or dst "
	    "group", path);
	cr_expect_str_eq(err, want);
}

Test(user, unknown_set_lists_the_directories)
{
	const char	*specs[] = { "sshd", "nosuch" };
	char		 err[512], want[512];

	build_fails(specs, NELEM(specs), err, sizeof(err));
	snprintf(want, sizeof(want), "nosuch: no such pattern set (looked in "
	    "%s, /nonexistent/ptrtag)", TEST_PATTERN_DIR);
	cr_expect_str_eq(err, want);
}

Test(user, unreadable_file)
{
	const char	*specs[] = { "/nonexistent/ptrtag/my.pat" };
	const char	*dir[1];
	char		 err[512];

	build_fails(specs, 1, err, sizeof(err));
	cr_expect_str_eq(err, "/nonexistent/ptrtag/my.pat: No such file or "
	    "directory");
	dir[0] = tmpdir;
	build_fails(dir, 1, err, sizeof(err));
	cr_expect_not_null(strstr(err, ": Is a directory"), "%s", err);
	cr_expect_eq(strncmp(err, tmpdir, strlen(tmpdir)), 0, "%s", err);
}

Test(user, empty_file_and_only_comments)
{
	const char	*specs[1];
	char		 path[256], err[512], want[300];

	write_str("empty.pat", "", path, sizeof(path));
	specs[0] = path;
	build_fails(specs, 1, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: no patterns", path);
	cr_expect_str_eq(err, want);

	write_str("comments.pat", "# one\n\n  \t\n   # two\r\n", path,
	    sizeof(path));
	build_fails(specs, 1, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: no patterns", path);
	cr_expect_str_eq(err, want);
}

Test(user, no_specs)
{
	char	err[512];

	build_fails(NULL, 0, err, sizeof(err));
	cr_expect_str_eq(err, "no pattern given");
}

Test(user, comments_blank_lines_and_crlf_skipped)
{
	struct ipscan	*sc;
	char		 path[256], got[512];
	const char	*line = "peer=192.0.2.1 # x 198.51.100.1";

	sc = build_user("# peers\r\n\r\n   \n\t# indented comment\n"
	    "peer=(?<ip>\\S+)\r\n# last", path, sizeof(path));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1");
	ipscan_free(sc);
}

/* Line numbers count comments and blank lines. */
Test(user, error_line_counts_every_line)
{
	const char	*specs[1];
	char		 path[256], err[512], want[300];

	write_str("n.pat", "#\n\n#\na=(?<ip>\\S+)\n\n[\n", path,
	    sizeof(path));
	specs[0] = path;
	build_fails(specs, 1, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:6: ", path);
	cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
}

Test(user, at_most_64_patterns)
{
	const char	*specs[1];
	char		 text[64 * 20 + 32], path[256], err[512], want[300];
	size_t		 i;

	text[0] = '\0';
	for (i = 0; i < 64; i++)
		strlcat(text, "a=(?<ip>\\S+)\n", sizeof(text));
	write_str("64.pat", text, path, sizeof(path));
	specs[0] = path;
	ipscan_free(build(specs, 1));
	strlcat(text, "b=(?<ip>\\S+)\n", sizeof(text));
	write_str("65.pat", text, path, sizeof(path));
	build_fails(specs, 1, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:65: more than 64 patterns", path);
	cr_expect_str_eq(err, want);
}

Test(user, the_limit_spans_files)
{
	const char	*specs[2];
	char		 text[40 * 20], p1[256], p2[256], err[512];
	size_t		 i;

	text[0] = '\0';
	for (i = 0; i < 40; i++)
		strlcat(text, "a=(?<ip>\\S+)\n", sizeof(text));
	write_str("a.pat", text, p1, sizeof(p1));
	write_str("b.pat", text, p2, sizeof(p2));
	specs[0] = p1;
	specs[1] = p2;
	build_fails(specs, 2, err, sizeof(err));
	cr_expect_not_null(strstr(err, "b.pat:25: more than 64 patterns"),
	    "%s", err);
}

Test(user, lines_up_to_4096_bytes)
{
	const char	*specs[1];
	char		*text, path[256], err[512], want[300];
	size_t		 n = 4096;

	/* "(?<ip>\S+)" padded with "x?" up to exactly n bytes. */
	text = malloc(n + 2);
	cr_assert_not_null(text);
	memset(text, 'x', n);
	memcpy(text, "(?<ip>\\S+)", 10);
	text[n] = '\n';
	write_file("long.pat", text, n + 1, path, sizeof(path));
	specs[0] = path;
	ipscan_free(build(specs, 1));
	text[n] = 'x';
	text[n + 1] = '\n';
	write_file("long.pat", text, n + 2, path, sizeof(path));
	build_fails(specs, 1, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:1: line longer than 4096 bytes",
	    path);
	cr_expect_str_eq(err, want);
	free(text);
}

Test(user, unset_and_duplicate_groups)
{
	struct ipscan	*sc;
	char		 path[256], got[512];
	const char	*l1 = "to 192.0.2.1 x", *l2 = "b=192.0.2.2 a=192.0.2.3";

	sc = build_user("(?:from (?<src>\\S+)|to (?<dst>\\S+))\n"
	    "(?:a=(?<ip>\\S+)|b=(?<ip>\\S+))\n", path, sizeof(path));
	scan_text(sc, l1, strlen(l1), got, sizeof(got));
	cr_expect_str_eq(got, "dst:192.0.2.1");
	scan_text(sc, l2, strlen(l2), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.2,ip:192.0.2.3");
	ipscan_free(sc);
}

Test(user, captures_that_are_no_address_are_skipped)
{
	struct ipscan	*sc;
	char		 path[256], got[512];
	const char	*line = "host=example.com host=192.0.2.1 "
	    "host=1.2.3.4.5 "
	    "host=[2001:db8::1] host=::FFFF:192.0.2.9 host=fe80::1%eth0 "
	    "host=[192.0.2.1 host=010.0.0.1";

	sc = build_user("host=(?<ip>\\S+)\n", path, sizeof(path));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1,ip:2001:db8::1,ip:192.0.2.9,"
	    "ip:fe80::1");
	ipscan_free(sc);
}

/* Order is by position in the line, whatever pattern or group. */
Test(user, order_is_by_position)
{
	struct ipscan	*sc;
	char		 path[256], got[512];
	const char	*line = "src=192.0.2.1 dst=192.0.2.2 to 192.0.2.3 from "
	    "192.0.2.4 src=192.0.2.4";

	sc = build_user("dst=(?<dst>\\S+)\nsrc=(?<src>\\S+)\n"
	    "to (?<dst>\\S+) from (?<src>\\S+)\n", path, sizeof(path));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "src:192.0.2.1,dst:192.0.2.2,dst:192.0.2.3,"
	    "src:192.0.2.4");
	ipscan_free(sc);
}

Test(user, empty_matches_advance)
{
	struct ipscan	*sc;
	char		 path[256], got[512];
	const char	*line = "x 192.0.2.1 y 192.0.2.2z 2001:db8::3";

	sc = build_user("(?<ip>[0-9a-f.:]*)\n", path, sizeof(path));
	cr_expect_eq(scan_text(sc, line, strlen(line), got, sizeof(got)), 3);
	cr_expect_str_eq(got, "ip:192.0.2.1,ip:192.0.2.2,ip:2001:db8::3");
	ipscan_free(sc);
	sc = build_user("(?=(?<ip>\\d+\\.\\d+\\.\\d+\\.\\d+))\n", path,
	    sizeof(path));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	/*
	 * The lookahead matches empty at every start, and captures
	 * 192.0.2.1, 92.0.2.1, 2.0.2.1: overlapping hits go to the first.
	 */
	cr_expect_str_eq(got, "ip:192.0.2.1,ip:192.0.2.2");
	ipscan_free(sc);
}

Test(user, helo_only_from_the_same_match)
{
	struct ipscan	*sc;
	char		 path[256], got[512];
	const char	*line = "c=192.0.2.1 h=mx.example c=192.0.2.2 "
	    "h=other.example c=192.0.2.3";

	sc = build_user("c=(?<ip>\\S+) h=(?<helo>\\S+)\n"
	    "c=(?<ip>\\S+)$\n", path, sizeof(path));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1/mx.example,"
	    "ip:192.0.2.2/other.example,ip:192.0.2.3");
	ipscan_free(sc);
}

Test(user, nul_bytes_and_length)
{
	static const char line[] = "a=192.0.2.1\0a=192.0.2.2\0a=192.0.2.3";
	struct ipscan	*sc;
	char		 path[256], got[512];

	sc = build_user("a=(?<ip>[0-9.]+)\n", path, sizeof(path));
	scan_text(sc, line, sizeof(line) - 1, got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1,ip:192.0.2.2,ip:192.0.2.3");
	scan_text(sc, line, 20, got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1");
	scan_text(sc, line, 0, got, sizeof(got));
	cr_expect_str_eq(got, "");
	ipscan_free(sc);
}

/* (*UTF) is refused: log lines are bytes, not UTF-8. */
Test(user, utf_mode_refused)
{
	const char	*specs[1];
	char		 path[256], err[512];

	write_str("utf.pat", "(*UTF)a=(?<ip>\\S+)\n", path,
	    sizeof(path));
	specs[0] = path;
	build_fails(specs, 1, err, sizeof(err));
	cr_expect_not_null(strstr(err, ":1: "), "%s", err);
}

Test(user, invalid_utf8_lines_match)
{
	struct ipscan	*sc;
	char		 path[256], got[512];
	const char	*line = "\xff\xfe a=192.0.2.1 \xc3";

	sc = build_user("a=(?<ip>\\S+)\n", path, sizeof(path));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1");
	ipscan_free(sc);
}

/*
 * A pattern that reaches a match limit gives the line the built-in
 * scanner's addresses instead of the patterns' (ptrtag.1, -p), and
 * ipscan_limited() says so, with the pattern's place in the error text.
 */
Test(user, limit_falls_back_to_the_builtin_scanner)
{
	struct ipscan	*sc;
	struct ipmatch	 m[4];
	char		 path[256], line[80], got[512];
	size_t		 off = 0;

	/* An address, then x's without a 'y' right after them to end on. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "[2001:db8::9] ", 14);
	line[sizeof(line) - 2] = '!';
	line[sizeof(line) - 1] = 'y';
	sc = build_user("# backtracks without end\n(?<ip>(x+x+)+)y\n"
	    "(?<src>\\d+\\.\\d+\\.\\d+\\.\\d+)\n", path, sizeof(path));
	scan_text(sc, line, sizeof(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:2001:db8::9");
	cr_expect_eq(ipscan_limited(sc), 1);
	cr_expect_not_null(strstr(ipscan_error(sc), "user.pat:2: "), "%s",
	    ipscan_error(sc));
	cr_expect_not_null(strstr(ipscan_error(sc), "limit"), "%s",
	    ipscan_error(sc));
	cr_expect_eq(ipscan_next(sc, line, sizeof(line), &off, m), 1);
	cr_expect_eq(m[0].im_role, IPSCAN_ROLE_IP);
	cr_expect_eq(ipscan_next(sc, line, sizeof(line), &off, m), 0);
	/* The next line is scanned by the patterns again. */
	cr_expect_eq(ipscan_line(sc, "192.0.2.1 [2001:db8::9]", 23, m, 4), 1);
	cr_expect_eq(m[0].im_role, IPSCAN_ROLE_SRC);
	cr_expect_eq(ipscan_limited(sc), 0);
	ipscan_free(sc);
}

Test(user, dedupe_and_cap)
{
	struct ipscan	*sc;
	struct ipmatch	 m[2];
	char		 path[256], got[512];
	const char	*line = "a=192.0.2.1 a=::ffff:192.0.2.1 a=192.0.2.2 "
	    "a=192.0.2.3";

	sc = build_user("a=(?<ip>\\S+)\n", path, sizeof(path));
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1,ip:192.0.2.2,ip:192.0.2.3");
	cr_expect_eq(ipscan_line(sc, line, strlen(line), m, 2), 2);
	ipscan_free(sc);
}

Test(sets, any_alone_is_the_builtin_scanner)
{
	const char	*specs[] = { "any" };
	const char	*line = "x 192.0.2.1 y [2001:db8::2]:22";
	struct ipscan	*sc;
	char		 got[512];

	sc = build(specs, 1);
	scan_text(sc, line, strlen(line), got, sizeof(got));
	cr_expect_str_eq(got, "ip:192.0.2.1,ip:2001:db8::2");
	ipscan_free(sc);
}

Test(sets, library_version_and_jit)
{
	const char	*specs[] = { "sshd", "any" };
	const char	*v = ipscan_library_version();
	struct ipscan	*sc;
	int		 jit;

	cr_expect_eq(strncmp(v, "PCRE2 10.", 9), 0, "%s", v);
	cr_expect(strstr(v, " with JIT") != NULL ||
	    strstr(v, " without JIT") != NULL, "%s", v);
	sc = build(specs, NELEM(specs));
	jit = ipscan_jit(sc);
	cr_expect(jit == 0 || jit == 1);
	cr_expect_str_eq(ipscan_error(sc), "");
	ipscan_free(sc);
}

/*
 * Hostile input must cost time linear in the line. The lines are 256 KiB
 * so that the two cases lie far apart: linear work takes milliseconds,
 * while a pattern that retries a greedy ".*" from every start (what the
 * (*COMMIT)s of sshd.pat prevent) takes several seconds.
 */

#define HOSTILE_LEN	(256 * 1024)

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const hostile_units[] = {
	"1", "a1", "1a:", "a: 1", "\" 1", " \"", "1:1", ", 1", "[1.2.3.4] ",
	"1.1.1.1 ", "1.1.1.1, ", "SRC=1.1.1.1 ", "DST=1",
	"Failed password for x from 1 ", "Accepted publickey for x from 1 ",
	"Invalid user 1 from ", " from 1.1.1.1 port ",
	"Connection closed by invalid user 1 ",
	"Connection reset by authenticating user 1 ",
	"Disconnected from user 1 ", "Disconnecting invalid user 1 ",
	"maximum authentication attempts exceeded for 1 from ",
	"Received disconnect from 1", "Address 1 maps to x",
	"reverse mapping checking getaddrinfo for 1 [",
	"haproxy[1]: 1:", "haproxy[1]: Connect from 1:1 to 1",
	"connect from x[", "client=x[1", "helo=<1",
	"NOQUEUE: reject: RCPT from x[1]:", "warning: 1",
	"warning: hostname x does not resolve to address 1",
	"CONNECT from [1]:1 to [", "PREGREET 1 after 1 from [1",
	"1.1.1.1 - - [03/Mar/2025:09:10:11 +0000] \"GET / HTTP/1.1\" 200 1 ",
	"\"a,a,", " \"1,1", "[error] 1#1: *1 , client: 1",
	"limit exceeded: 1 from x[1",
};

ROW_PARAMS(sets, hostile_lines_are_linear, hostile_units)

ParameterizedTest(size_t *i, sets, hostile_lines_are_linear, .timeout = 30)
{
	const char	*specs[] = { "sshd", "postfix", "nginx", "apache",
	    "iptables", "haproxy", "any" };
	const char	*unit = hostile_units[*i];
	struct ipscan	*sc;
	struct ipmatch	 m[8];
	char		*buf;
	size_t		 k, ulen = strlen(unit);
	double		 t0, dt;
	int		 n;

	sc = build(specs, NELEM(specs));
	buf = malloc(HOSTILE_LEN);
	cr_assert_not_null(buf);
	for (k = 0; k < HOSTILE_LEN; k++)
		buf[k] = unit[k % ulen];
	t0 = now_s();
	n = ipscan_line(sc, buf, HOSTILE_LEN, m, NELEM(m));
	dt = now_s() - t0;
	free(buf);
	cr_expect_geq(n, 0);
	cr_expect_eq(ipscan_limited(sc), 0, "%s", ipscan_error(sc));
	cr_expect_lt(dt, 1.0, "unit \"%s\" took %.3f s", unit, dt);
	ipscan_free(sc);
}
