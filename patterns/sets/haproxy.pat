# haproxy: the client of HTTP and TCP log lines (option httplog, tcplog),
# right after the "haproxy[PID]: " tag, as "src". IPv6 clients are written
# without brackets, the port after the last ':':
#
# Mar  3 09:30:00 lb haproxy[900]: 198.51.100.177:40411 [03/Mar/2025:09:30:00.123] www~ app/web1 0/0/1/2/3 200 512 - - ---- 2/2/0/0/0 0/0 "GET / HTTP/1.1"
# Mar  3 09:30:01 lb haproxy[900]: 2001:db8:99::5:40412 [03/Mar/2025:09:30:01.456] www~ app/web2 ...
# Mar  3 09:30:02 lb haproxy[900]: 198.51.100.178:40413 [03/Mar/2025:09:30:02.789] db db/pg1 1/0/5 212 -- 1/1/1/1/0 0/0   (tcplog)
haproxy\[\d+\]: \[?(?<src>[0-9A-Fa-f:.]+)\]?:\d+ \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d{3})?\]

# The default log line of a proxy without httplog/tcplog: client "src",
# and the address it connected to "dst":
# Mar  3 09:30:03 lb haproxy[900]: Connect from 192.0.2.1:50000 to 192.0.2.2:80 (www/HTTP)
haproxy\[\d+\]: Connect from \[?(?<src>[0-9A-Fa-f:.]+)\]?:\d+ to \[?(?<dst>[0-9A-Fa-f:.]+)\]?:\d+ \(
