# nginx access log, in the "combined" and "common" formats, read from the
# file itself or through syslog (then after a "tag: " prefix that holds no
# '"'). The client address ($remote_addr) is "src":
#
# 203.0.113.150 - - [03/Mar/2025:09:10:11 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.1.2"
# 2001:db8::1 - alice [03/Mar/2025:09:10:12 +0000] "POST /api HTTP/2.0" 201 17
# Mar  3 09:10:11 web nginx: 203.0.113.150 - - [03/Mar/2025:09:10:11 +0000] "GET / HTTP/1.1" 200 612 "-" "-"
#
# The prefix is atomic, and the pattern anchored, so a line costs one
# linear attempt whatever it holds. The remote user may hold blanks.
^(?>(?:[^"]*?: )?)(?<src>\S++) \S++ .*?\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "

# X-Forwarded-For, when the last quoted field of a combined line is an
# address list (nginx.conf's usual "main" format ends with
# "$http_x_forwarded_for"). Every address of the list is "ip":
#
# ... "GET / HTTP/1.1" 200 612 "-" "curl/8.1.2" "198.51.100.151, 2001:db8:80::2"
#
# The first branch takes the first element, after checking once that the
# rest of the field is a list running to the end of the line; the \G
# branch then takes each next element where the previous match ended.
# The first [date] of the line is the timestamp (the atomic group never
# tries a later one), which keeps a hostile line to one linear attempt.
(?:^(?>(?:[^"]*?: )?)\S++ \S++ (?>.*?\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] ")(?:[^"\\]++|\\.)*+" \d{3} \S++ .* "(?=[^",\s]++(?:\s*+,\s*+[^",\s]++)*+"\s*$)|\G(?<=[^",\s])\s*+,\s*+)(?<ip>[^",\s]++)

# The error log names the client of a request as "client: ADDR, server:";
# that is "src". The first such text after the connection number "*N" is
# taken; (*COMMIT) stops the search when it fails there, as a later
# start could only find what the lazy ".*?" already passed.
# 2025/03/03 09:10:15 [error] 1234#1234: *5 user "bob" was not found in "/etc/nginx/.htpasswd", client: 192.0.2.1, server: www.example.org, request: "GET / HTTP/1.1", host: "www.example.org"
# 2025/03/03 09:10:16 [error] 1234#1234: *6 limiting requests, excess: 1.852 by zone "one", client: 2001:db8::1, server: example.org, request: "POST / HTTP/1.1", host: "example.org"
\[(?:emerg|alert|crit|error|warn|notice|info|debug)\] \d+#\d+: \*\d+ (*COMMIT).*?, client: (?<src>[^\s,]+), server:
