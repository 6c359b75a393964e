# postfix: the SMTP client of smtpd and postscreen, and the client of
# their warnings, as "src"; the local address of postscreen's CONNECT as
# "dst"; the HELO/EHLO name of reject lines as "helo" (compared with the
# PTR name, ptrtag.1, VERDICTS and OUTPUT).
#
# Postfix writes a client as NAME[ADDRESS], NAME being "unknown" or the
# verified name; it never holds '[' or a blank. postscreen writes
# [ADDRESS]:PORT. Addresses inside mail addresses (to=<u@[192.0.2.1]>)
# and the relay of the delivery agents (smtp, lmtp) are not clients and
# are not taken.

# connect from mail.example.net[198.51.100.88]
# disconnect from unknown[2001:db8::1] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4
(?<![\w-])(?:dis)?connect from [^\s\[]*\[(?<src>[^\]\s]+)\]

# lost connection after AUTH from unknown[192.0.2.1]
# lost connection after DATA (0 bytes) from unknown[192.0.2.1]
# timeout after RCPT from unknown[192.0.2.1]
# too many errors after RCPT from unknown[192.0.2.1]
# improper command pipelining after DATA from unknown[192.0.2.1]: QUIT
(?:lost connection|timeout|too many errors|improper command pipelining) after [\w-]+(?: \(\d+ bytes\))? from [^\s\[]*\[(?<src>[^\]\s]+)\]

# 4F1A2B3C: client=mail.example.net[198.51.100.88]
# 4F1A2B3C: client=unknown[192.0.2.1], sasl_method=LOGIN, sasl_username=bob
(?<![\w-])client=[^\s\[]*\[(?<src>[^\]\s]+)\]

# NOQUEUE: reject: RCPT from bad.example[203.0.113.99]: 554 5.7.1 <u@example.org>: Relay access denied; from=<x@bad.example> to=<u@example.org> proto=ESMTP helo=<bad.example>
# 4F1A2B3C: reject: DATA from unknown[192.0.2.1]: 550 ...; from=<> to=<u@example.org> proto=ESMTP helo=<[192.0.2.1]>
# NOQUEUE: milter-reject: END-OF-MESSAGE from ..., also reject_warning, discard, hold, warn
# NOQUEUE: reject: RCPT from [192.0.2.1]:50000: 550 ...; client [192.0.2.1] blocked ...; from=<x>, to=<y>, proto=ESMTP, helo=<x>   (postscreen)
# The helo group is taken from the last " helo=<" of the line, up to the
# first '>' after it: postfix writes it last. When that last one has no
# '>', the line has no helo: the atomic group never goes back to an
# earlier " helo=<", each of which would cost a scan to the end of the
# line (time quadratic in its length). The match runs on to the end of
# the line, so that a line costs one scan for the helo: postfix writes
# one such message a line, and any further "reject: ... from" in it is
# text the client chose.
(?<![0-9A-Za-z])(?:NOQUEUE|[0-9A-Za-z]+): (?:milter-)?(?:reject|reject_warning|discard|hold|warn|filter|redirect): [A-Z-]+ from [^\s\[]*\[(?<src>[^\]\s]+)\](?::\d+)?:(?:(?>.* helo=<)(?<helo>[^>]*+)>)?.*

# warning: hostname x.example does not resolve to address 198.51.100.90: Name or service not known
# warning: hostname x.example does not resolve to address 2001:db8::5
warning: hostname \S+ does not resolve to address (?<src>\S+?)(?=:? |:?$)

# warning: 192.0.2.1: address not listed for hostname x.example
# warning: 192.0.2.1: hostname x.example verification failed: Name or service not known
warning: (?<src>\S+?): (?:address not listed for hostname|hostname \S+ verification failed)

# warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: UGFzc3dvcmQ6
# warning: unknown[192.0.2.1]:50000: SASL PLAIN authentication failed:
warning: [^\s\[]*\[(?<src>[^\]\s]+)\](?::\d+)?: SASL \S+ authentication failed

# warning: Connection rate limit exceeded: 31 from x.example[192.0.2.1] for service smtp
# warning: Message delivery request rate limit exceeded: 334 from unknown[192.0.2.1] for service submission
# (anvil's limits: connection count and rate, message, recipient, new TLS session, AUTH)
limit exceeded: \d+ from [^\s\[]*\[(?<src>[^\]\s]+)\] for service

# postscreen[123]: CONNECT from [192.0.2.1]:50000 to [192.0.2.2]:25
CONNECT from \[(?<src>[^\]\s]+)\]:\d+ to \[(?<dst>[^\]\s]+)\]:\d+

# postscreen[123]: PASS NEW [192.0.2.1]:50000
# postscreen[123]: PASS OLD, DISCONNECT, WHITELISTED, ALLOWLISTED, BLACKLISTED, DENYLISTED [ADDR]:PORT
(?<![\w-])(?:PASS (?:NEW|OLD)|DISCONNECT|(?:WHITE|ALLOW|BLACK|DENY)LISTED) \[(?<src>[^\]\s]+)\]:\d+

# postscreen[123]: DNSBL rank 3 for [192.0.2.1]:50000
# postscreen[123]: PREGREET 11 after 0.08 from [192.0.2.1]:50000: EHLO x\r\n
# postscreen[123]: HANGUP after 0.5 from [192.0.2.1]:50000 in tests before SMTP handshake
# postscreen[123]: COMMAND PIPELINING from [192.0.2.1]:50000 after EHLO: ...
# postscreen[123]: BARE NEWLINE, NON-SMTP COMMAND, COMMAND TIME/COUNT/LENGTH LIMIT from [ADDR]:PORT ...
(?:DNSBL rank \d+ for|PREGREET \d+ after [\d.]+ from|HANGUP after [\d.]+ from|COMMAND (?:PIPELINING|TIME LIMIT|COUNT LIMIT|LENGTH LIMIT) from|BARE NEWLINE from|NON-SMTP COMMAND from) \[(?<src>[^\]\s]+)\]:\d+
