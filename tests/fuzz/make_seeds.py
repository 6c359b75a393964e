#!/usr/bin/env python3
"""Write the seed corpus of every fuzz target into tests/fuzz/corpus/.

Run from anywhere; the output is deterministic and committed with this
script. Addresses and names are documentation ones (RFC 5737, RFC 3849,
RFC 2606).
"""

import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

Q4 = "45.113.0.203.in-addr.arpa"
Q6 = ("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
      ".ip6.arpa")
QH = "mail.example.com"

T_A, T_NS, T_CNAME, T_SOA, T_PTR, T_AAAA = 1, 2, 5, 6, 12, 28

# ------------------------------------------------------------- log lines

LINES = {
    "sshd_fail": b"Mar  3 10:15:02 gw sshd[1234]: Failed password for root"
                 b" from 203.0.113.45 port 50022 ssh2\n",
    "sshd_v6": b"Mar  3 10:15:09 gw sshd[1240]: Accepted publickey for alice"
               b" from 2001:db8::1 port 22 ssh2: ED25519 SHA256:abc\n",
    "postfix_connect": b"Mar  3 10:16:00 mx postfix/smtpd[999]: connect from"
                       b" mail.example.com[203.0.113.45]\n",
    "postfix_reject": b"Mar  3 10:16:01 mx postfix/smtpd[999]: NOQUEUE:"
                      b" reject: RCPT from unknown[192.0.2.9]:25: 554 5.7.1;"
                      b" from=<a@example.org> to=<b@example.net>"
                      b" proto=ESMTP helo=<mail.example.com>\n",
    "nginx": b'203.0.113.45 - - [03/Mar/2024:10:15:02 +0000] "GET /?q=1 '
             b'HTTP/1.1" 200 612 "-" "curl/8.0" 198.51.100.7\n',
    "nginx_v6": b'[2001:db8::5]:443 2001:DB8:0:0:0:0:0:5 - "POST /api" 201'
                b' rt=0.003\n',
    "iptables": b"Mar  3 10:17:00 fw kernel: [12345.678] IN=eth0 OUT="
                b" MAC=00:1a:2b:3c:4d:5e:00:1a:2b:3c:4d:5f:08:00"
                b" SRC=198.51.100.7 DST=192.0.2.1 LEN=60 TOS=0x00 TTL=52"
                b" PROTO=TCP SPT=50022 DPT=22\n",
    "not_taken": b"1.2.3.4.5 a1.2.3.4 256.1.1.1 010.0.0.1 12:34:56"
                 b" OpenSSH_8.9p1 2001:db8::1g 00:1a:2b:3c:4d:5e\n",
    "taken": b"fe80::1%eth0 ::ffff:192.0.2.1 IPv6:2001:db8::2 en0:10.0.0.2"
             b" host[203.0.113.9] 192.0.2.10:25 [2001:db8::9]:22"
             b" 2001:db8::1/64 (192.0.2.11), '192.0.2.12'.\n",
    "crlf": b"Mar  3 10:18:00 gw sshd[77]: Invalid user x from 192.0.2.33"
            b" port 22\r\n",
    "nul": b"from 192.0.2.1\x00 and 2001:db8::\x00ff\x00\n",
    "json_hostile": b'{"a":"\\u0000"} \xff\xfe 203.0.113.1 "quoted" \\ back'
                    b' \x1b[31mred\x1b[0m \x7f\n',
    "bad_utf8": b"\xc3\x28 \xe2\x82 \xf0\x9f\x98\x80 \xed\xa0\x80"
                b" \xf4\x90\x80\x80 198.51.100.200\n",
    "many": b" ".join(b"192.0.2.%d" % i for i in range(1, 71)) + b"\n",
    "no_newline": b"final line from 198.51.100.9 without terminator",
    "haproxy": b"Mar  3 09:30:00 lb haproxy[900]: 198.51.100.177:40411"
               b" [03/Mar/2025:09:30:00.123] www~ app/web1 0/0/1/2/3 200 512"
               b' - - ---- 2/2/0/0/0 0/0 "GET / HTTP/1.1"\n'
               b"Mar  3 09:30:01 lb haproxy[900]: 2001:db8:99::5:40412"
               b" [03/Mar/2025:09:30:01.456] www~ app/web2 0/0/1/2/3 200 9\n",
    "apache_vhost": b"www.example.com:443 203.0.113.150 - - [03/Mar/2025:"
                    b'09:10:11 +0000] "GET / HTTP/1.1" 200 612 "-" "curl"\n',
    "sshd_connection": b"Mar  3 10:20:00 gw sshd[5]: Connection from"
                       b" ::ffff:192.0.2.5 port 50100 on 198.51.100.1 port"
                       b" 22 rdomain \"\"\n",
    "sshd_hostile_user": b"Mar  3 10:21:00 gw sshd[6]: Invalid user x from"
                         b" 192.0.2.66 port 22 from 203.0.113.7 port 4242\n",
}

# ----------------------------------------------------------- DNS messages


def name(text, ptr=None):
    """Wire name: labels, then a compression pointer or the root."""
    out = b""
    for label in text.split(".") if text else []:
        raw = label.encode("latin-1")
        out += bytes([len(raw)]) + raw
    if ptr is not None:
        return out + struct.pack(">H", 0xC000 | ptr)
    return out + b"\0"


def header(flags=0x8180, qd=1, an=0, ns=0, ar=0, ident=0x1234):
    return struct.pack(">HHHHHH", ident, flags, qd, an, ns, ar)


def question(qname, qtype):
    return name(qname) + struct.pack(">HH", qtype, 1)


def rr(owner, rtype, rdata, ttl=3600, rclass=1):
    """owner is wire bytes already (use name() or a pointer)."""
    return owner + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


PTR_Q = 12  # offset of the question name, right after the header


def ptr_answer(qname, hosts, flags=0x8180):
    msg = header(flags=flags, an=len(hosts)) + question(qname, T_PTR)
    for h in hosts:
        msg += rr(struct.pack(">H", 0xC000 | PTR_Q), T_PTR, name(h))
    return msg


def addr_answer(qname, qtype, addrs):
    msg = header(an=len(addrs)) + question(qname, qtype)
    for a in addrs:
        msg += rr(struct.pack(">H", 0xC000 | PTR_Q), qtype, a)
    return msg


def soa(mname, rname, minimum):
    return name(mname) + name(rname) + struct.pack(">IIIII", 2024030301,
                                                   7200, 900, 1209600,
                                                   minimum)


def dns_seeds():
    v4 = bytes([203, 0, 113, 45])
    v6 = bytes.fromhex("20010db8000000000000000000000001")
    seeds = {}
    seeds["ptr_one"] = ptr_answer(Q4, ["mail.example.com"])
    seeds["ptr_mixed"] = ptr_answer(Q4, ["MAIL.Example.COM", "bad name",
                                         "1.2.3.4", "10.1", "ok-host_1.x",
                                         "mail.example.com"])
    seeds["ptr_v6"] = ptr_answer(Q6, ["host6.example.net"])
    # RFC 2317: the owner is a CNAME into a classless zone.
    cls = "45.0/25.113.0.203.in-addr.arpa"
    msg = header(an=2) + question(Q4, T_PTR)
    msg += rr(struct.pack(">H", 0xC000 | PTR_Q), T_CNAME, name(cls))
    msg += rr(name(cls), T_PTR, name("host.example.net"), ttl=120)
    seeds["ptr_rfc2317"] = msg
    seeds["a_match"] = addr_answer(QH, T_A, [bytes([192, 0, 2, 1]), v4])
    seeds["aaaa_match"] = addr_answer(QH, T_AAAA, [v6])
    msg = header(an=2) + question(QH, T_A)
    msg += rr(struct.pack(">H", 0xC000 | PTR_Q), T_CNAME,
              name("edge", ptr=PTR_Q + 5))
    msg += rr(name("edge.example.com"), T_A, v4, ttl=30)
    seeds["a_cname"] = msg
    msg = header(flags=0x8183, ns=1) + question(Q4, T_PTR)
    msg += rr(name("113.0.203.in-addr.arpa"), T_SOA,
              soa("ns.example.net", "hostmaster.example.net", 300), ttl=900)
    seeds["nxdomain_soa"] = msg
    seeds["truncated"] = header(flags=0x8380) + question(Q4, T_PTR)
    seeds["servfail"] = header(flags=0x8182) + question(Q6, T_PTR)
    # A name that points at itself, and one that points forward.
    loop = header(an=1) + question(Q4, T_PTR)
    here = len(loop)
    loop += struct.pack(">H", 0xC000 | here) + struct.pack(">HHIH", T_PTR,
                                                          1, 60, 2)
    loop += struct.pack(">H", 0xC000 | here)
    seeds["loop"] = loop
    fwd = header(an=1) + question(Q4, T_PTR)
    fwd += rr(struct.pack(">H", 0xC000 | PTR_Q), T_PTR,
              struct.pack(">H", 0xC000 | (len(fwd) + 14)))
    fwd += name("late.example.com")
    seeds["forward_ptr"] = fwd
    long_host = ".".join(["a" * 63] * 3 + ["b" * 61])
    seeds["ptr_longest"] = ptr_answer(Q4, [long_host])
    seeds["ptr_toolong"] = ptr_answer(Q4, [long_host + "x"])
    seeds["ptr_many"] = ptr_answer(Q4, ["h%d.example.com" % i
                                        for i in range(20)])
    seeds["short"] = header()[:7]
    for i, h in enumerate([b"mail.example.com", b"1.2.3.4", b"10.1",
                           b"0x7f.1", b"a-b_c.d", b"x." + b"a" * 64,
                           b"trailing.dot.", b"2001:db8::1"]):
        seeds["host_%d" % i] = h
    return seeds

# --------------------------------------------------------- format cases


def fmt_case(ctrl, flags, host, line):
    return bytes([ctrl, flags, len(host)]) + host + line


def format_seeds():
    L = LINES
    s = {}
    s["pass"] = fmt_case(1, 0, b"mail.example.com", L["sshd_fail"])
    s["nohost_none"] = fmt_case(0x08 | 3, 0, b"", L["sshd_v6"])
    s["helo_match"] = fmt_case(1, 0x02, b"MAIL.example.com.",
                               L["postfix_connect"])
    s["helo_reject"] = fmt_case(2, 0x03, b"mail.example.com",
                                L["postfix_reject"])
    s["roles"] = fmt_case(0x80 | 1, 0, b"fw.example.net", L["iptables"])
    s["rotate_shed"] = fmt_case(0x20 | 0x40 | 1, 0x04, b"a.example.org",
                                L["many"])
    s["raw"] = fmt_case(0x10 | 1, 0, b"mail.example.com", L["nginx"])
    s["crlf"] = fmt_case(5, 0, b"x.example.com", L["crlf"])
    s["hostile_host"] = fmt_case(1, 0, b'evil"\n rdns_host=x\\y]\x1b[2J\x7f'
                                 b'\xff ok', L["nginx_v6"])
    s["host_nul"] = fmt_case(4, 0, b"before\x00after", L["taken"])
    s["json_line"] = fmt_case(1, 0x01, b"dyn-192-0-2-1.example.net",
                              L["json_hostile"])
    s["bad_utf8"] = fmt_case(6, 0, b"\xc3\x28\xe2\x82.example",
                             L["bad_utf8"])
    s["nul_line"] = fmt_case(7, 0, b"h.example.com", L["nul"])
    s["no_newline"] = fmt_case(1, 0x02, b"", L["no_newline"])
    return s

# ----------------------------------------------------------- input cases


def input_case(max_line, seed, stream):
    v = max_line - 1
    return bytes([v & 0xFF, (v >> 8) | (seed << 4)]) + stream


def input_seeds():
    logs = b"".join(LINES[k] for k in sorted(LINES))
    s = {}
    s["logs_4096"] = input_case(4096, 0, logs)
    s["logs_64"] = input_case(64, 3, logs)
    s["edges_16"] = input_case(16, 1, b"a" * 16 + b"\n" + b"b" * 17 + b"\n" +
                               b"c" * 16 + b"\r\n" + b"d" * 15 + b"\r\r\n" +
                               b"e" * 18 + b"\n")
    s["tiny_1"] = input_case(1, 2, b"a\nbb\n\r\n\n\n\r\r\nx")
    s["final_overlong"] = input_case(10, 4, b"short\n" + b"z" * 40)
    s["final_exact"] = input_case(10, 5, b"short\n" + b"z" * 11)
    s["long_line"] = input_case(100, 6, b"x" * 5000 + b"\nafter\n")
    s["newlines"] = input_case(8, 7, b"\n" * 300)
    s["nul"] = input_case(32, 8, b"\x00" * 40 + b"\n\x00\n" + b"\x00" * 5)
    s["crlf_split"] = input_case(20, 9, (b"y" * 20 + b"\r\n") * 30)
    s["empty"] = input_case(4096, 10, b"")
    s["big"] = input_case(300, 15, (logs * 8)[:12000])
    return s


def gzread_case(mode, members, max_line, level, seed, where, payload):
    """Control bytes of fuzz_gzread.c, then the payload."""
    ctl0 = mode | (members - 1) << 2 | max_line << 4 | level << 6
    return bytes([ctl0, seed, where >> 8, where & 0xff]) + payload


def gzread_seeds():
    logs = b"".join(LINES[k] for k in sorted(LINES))
    gz = bytes([0x1f, 0x8b])
    s = {}
    s["one_member"] = gzread_case(1, 1, 2, 2, 1, 0, logs)
    s["three_members"] = gzread_case(1, 3, 0, 3, 2, 0, logs * 2)
    s["stored"] = gzread_case(1, 2, 1, 0, 3, 0, logs)
    s["changed"] = gzread_case(2, 1, 2, 2, 4, 700, logs)
    s["changed_trailer"] = gzread_case(2, 2, 3, 1, 5, 0xfffe, logs)
    s["cut"] = gzread_case(3, 1, 2, 2, 6, 300, logs)
    s["cut_between"] = gzread_case(3, 2, 2, 3, 7, 0xffff, logs)
    s["empty_member"] = gzread_case(1, 1, 0, 2, 8, 0, b"")
    s["plain"] = gzread_case(0, 1, 1, 0, 9, 0, logs)
    s["magic_only"] = gzread_case(0, 1, 0, 0, 10, 0, gz)
    s["half_magic"] = gzread_case(0, 1, 0, 0, 11, 0, b"\x1f")
    s["magic_then_text"] = gzread_case(0, 1, 0, 0, 12, 0,
                                       gz + b"not deflate\n")
    s["repetitive"] = gzread_case(1, 1, 0, 3, 13, 0,
                                  b"from 192.0.2.1 port 22\n" * 400)
    return s


def write_dir(target, seeds):
    d = os.path.join(CORPUS, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for key in sorted(seeds):
        with open(os.path.join(d, key), "wb") as f:
            f.write(seeds[key])


def main():
    write_dir("fuzz_extract", LINES)
    write_dir("fuzz_dnsmsg", dns_seeds())
    for fmt in ("kv", "json", "inline", "mmexternal"):
        write_dir("fuzz_format_" + fmt, format_seeds())
    write_dir("fuzz_input", input_seeds())
    write_dir("fuzz_gzread", gzread_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
