# Apache httpd access log, "combined" and "common" formats (the same
# shape as nginx's), read from the file itself or through syslog (then
# after a "tag: " prefix that holds no '"'). The client address (%h) is
# "src"; with HostnameLookups On it is a name, and nothing is taken.
#
# 203.0.113.150 - - [03/Mar/2025:09:10:11 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.1.2"
# 2001:db8::1 - alice [03/Mar/2025:09:10:12 +0000] "POST /api HTTP/1.1" 201 17
^(?>(?:[^"]*?: )?)(?<src>\S++) \S++ .*?\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "

# "vhost_combined": the virtual host and port come first.
# www.example.com:443 203.0.113.150 - - [03/Mar/2025:09:10:11 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.1.2"
^(?>(?:[^"]*?: )?)[\w.-]+:\d+ (?<src>\S++) \S++ .*?\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "

# X-Forwarded-For, when the last quoted field of a combined line is an
# address list (a format ending with \"%{X-Forwarded-For}i\"). Every
# address of the list is "ip"; see nginx.pat for how the pattern works.
# ... "GET / HTTP/1.1" 200 612 "-" "curl/8.1.2" "198.51.100.151, 2001:db8:80::2"
(?:^(?>(?:[^"]*?: )?)\S++ \S++ (?>.*?\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] ")(?:[^"\\]++|\\.)*+" \d{3} \S++ .* "(?=[^",\s]++(?:\s*+,\s*+[^",\s]++)*+"\s*$)|\G(?<=[^",\s])\s*+,\s*+)(?<ip>[^",\s]++)
