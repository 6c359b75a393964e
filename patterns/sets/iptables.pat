# Netfilter's packet log in the kernel log: iptables and ip6tables -j LOG,
# nftables "log", ufw. SRC= is "src" and DST= is "dst", IPv4 or IPv6:
#
# kernel: [88123.456789] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.201 DST=192.0.2.5 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=4242 DF PROTO=TCP SPT=51515 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0
# kernel: IN=eth0 OUT= SRC=2001:0db8:0bad:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0005 LEN=80 ... PROTO=TCP
#
# An ICMP error also carries the packet it quotes, logged in brackets,
# "[SRC=... DST=... ...]"; those addresses are taken the same way. The
# address must end the field: "SRC=192.0.2.1x" yields nothing.
(?<![\w-])SRC=(?<src>[0-9A-Fa-f:.]++)(?=[\s\]]|$)
(?<![\w-])DST=(?<dst>[0-9A-Fa-f:.]++)(?=[\s\]]|$)
