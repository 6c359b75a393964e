/*
 * Line shapes for the linearity test of the shipped pattern sets
 * (test_linear.c): each is a message of one set, written by these tests
 * in the daemon's format (documentation address ranges only), whose
 * middle is a unit repeated until the line has the length wanted. The
 * units are chosen to make each set's optional and repeated parts work:
 * user names holding " from ADDR port N", helo=<...> texts, lists of
 * X-Forwarded-For addresses, quoted fields, runs of address bytes.
 */
#ifndef LINEAR_SHAPES_H
#define LINEAR_SHAPES_H

struct linear_shape {
	const char	*ls_set;	/* the shipped set, as for -p */
	const char	*ls_head;	/* text before the repeated unit */
	const char	*ls_unit;	/* repeated to fill the line */
	const char	*ls_tail;	/* text after it */
};

#define LS_SSHD	"Mar  3 09:00:00 gw sshd[2211]: "
#define LS_PFX	"Mar  3 09:00:00 mx postfix/smtpd[3101]: "
#define LS_PSCR	"Mar  3 09:00:00 mx postfix/postscreen[3102]: "
#define LS_REJ	LS_PFX "NOQUEUE: reject: RCPT from bad.example" \
	"[203.0.113.99]: 554 5.7.1 <u@example.org>: Relay access denied; " \
	"from=<x@bad.example> "
#define LS_DATE	"[03/Mar/2025:09:10:11 +0000]"
#define LS_NGX	"203.0.113.150 - - " LS_DATE " \"GET / HTTP/1.1\" 200 612 "
#define LS_KERN	"Mar  3 09:00:00 fw kernel: [88123.456789] [UFW BLOCK] " \
	"IN=eth0 OUT= "
#define LS_HAP	"Mar  3 09:30:00 lb haproxy[900]: "

static const struct linear_shape linear_shapes[] = {
	/* sshd: user names that hold the text sshd writes after them. */
	{ "sshd", LS_SSHD "Failed password for invalid user ",
	    "x from 192.0.2.1 port 22 ", "from 203.0.113.45 port 50022 ssh2" },
	{ "sshd", LS_SSHD "Failed password for ", " from x", "" },
	{ "sshd", LS_SSHD "Accepted publickey for ", "a ",
	    "from 2001:db8::7 port 40022 ssh2: ED25519 SHA256:x" },
	{ "sshd", LS_SSHD "Invalid user ", "a from b ", "from 192.0.2.23" },
	{ "sshd", LS_SSHD "Connection closed by invalid user ", "a 1 ",
	    "192.0.2.1 port 22 [preauth]" },
	{ "sshd", LS_SSHD "Connection closed by 192.0.2.1", " ", "x" },
	{ "sshd", LS_SSHD "Disconnected from authenticating user ", "a port ",
	    "192.0.2.1 port 22 [preauth]" },
	{ "sshd", LS_SSHD "Disconnecting invalid user ", "a 1 port 2 ",
	    "192.0.2.1 port 22: Too many authentication failures" },
	{ "sshd", LS_SSHD "Received disconnect from ", "1", ": 11: Bye" },
	{ "sshd", LS_SSHD "maximum authentication attempts exceeded for ",
	    " from 1 port", " from 192.0.2.1 port 22 ssh2 [preauth]" },
	/* postfix: helo=<...> in every way a client can place it. */
	{ "postfix", LS_REJ, "to=<u@example.org> ",
	    "proto=ESMTP helo=<bad.example>" },
	{ "postfix", LS_REJ, " helo=<a", "" },
	{ "postfix", LS_REJ, " helo=<a>", " x" },
	{ "postfix", LS_REJ, "x", "" },
	{ "postfix", LS_PFX "connect from ", "x", "[192.0.2.1]" },
	{ "postfix", LS_PFX "warning: ", "a",
	    ": address not listed for hostname x.example" },
	{ "postfix", LS_PFX "warning: hostname ", "a",
	    " does not resolve to address 192.0.2.1" },
	{ "postfix", LS_PSCR, "PREGREET 1 after 1 from [1", "" },
	/* nginx: long request, XFF lists, quoted fields, error log. */
	{ "nginx", "203.0.113.150 - - " LS_DATE " \"GET /", "a",
	    " HTTP/1.1\" 200 612 \"-\" \"curl/8.1.2\" "
	    "\"198.51.100.151, 2001:db8:80::2\"" },
	{ "nginx", LS_NGX "\"-\" \"curl/8.1.2\" \"", "198.51.100.1, ",
	    "198.51.100.2\"" },
	{ "nginx", LS_NGX "\"-\" \"curl/8.1.2\" \"", "198.51.100.1, ",
	    "198.51.100.2" },
	{ "nginx", LS_NGX, "\"a, b\" ", "\"-\"" },
	{ "nginx", "203.0.113.150 - ", "a ", LS_DATE " \"GET / HTTP/1.1\" 200 1" },
	{ "nginx", "", "a:a ", "203.0.113.150 - - " LS_DATE " \"GET /\" 200 1" },
	{ "nginx", "2025/03/03 09:10:15 [error] 1234#1234: *5 ",
	    "x, client: y ", ", client: 192.0.2.1, server: www.example.org" },
	/* apache: the same shapes, and vhost_combined. */
	{ "apache", LS_NGX "\"-\" \"curl/8.1.2\" \"", "198.51.100.1, ",
	    "198.51.100.2" },
	{ "apache", LS_NGX, "\"a, b\" ", "\"-\"" },
	{ "apache", "www.example.com:443 203.0.113.150 - ", "a ",
	    LS_DATE " \"GET / HTTP/1.1\" 200 1" },
	{ "apache", "", "[1] ", "1.1.1.1 - - " LS_DATE " \"GET /\" 200 1" },
	/* iptables: long MAC, runs of address bytes, fields glued on. */
	{ "iptables", LS_KERN "MAC=", "52:54:00:12:34:56:",
	    " SRC=203.0.113.201 DST=192.0.2.5 LEN=60 PROTO=TCP" },
	{ "iptables", LS_KERN "SRC=", "1.", " DST=192.0.2.5 LEN=60" },
	{ "iptables", LS_KERN, "SRC=1.1.1.1x DST=", "1" },
	/* haproxy: long request, address runs before the port. */
	{ "haproxy", LS_HAP "198.51.100.177:40411 [03/Mar/2025:09:30:00.123] "
	    "www~ app/web1 0/0/1/2/3 200 512 - - ---- 2/2/0/0/0 0/0 \"GET /",
	    "a", " HTTP/1.1\"" },
	{ "haproxy", LS_HAP, "1:", " [03/Mar/2025:09:30:00.123] www" },
	{ "haproxy", LS_HAP "Connect from ", "1:1", " to 192.0.2.2:80 (www)" },
	{ "haproxy", "", "haproxy[1]: 1:", "" },
};

#endif /* LINEAR_SHAPES_H */
