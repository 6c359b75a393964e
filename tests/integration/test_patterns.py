#!/usr/bin/env python3
"""Pattern sets through the whole program (-p): only captured addresses
are annotated, helo is compared with the PTR host, src/dst fill the ECS
source/destination objects in JSON, and pattern errors are usage errors.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest  # noqa: E402

PTR = {'192.0.2.5': ['mail.example.org.'], '203.0.113.45': ['gw.example.com.'],
       '198.51.100.9': ['web.example.com.']}
A = {'mail.example.org': ['192.0.2.5'], 'gw.example.com': ['203.0.113.45'],
     'web.example.com': ['198.51.100.9']}

POSTFIX = (b'Nov 26 10:00:01 mx postfix/smtpd[3101]: NOQUEUE: reject: RCPT '
           b'from unknown[192.0.2.5]: 450 4.7.25 Client host rejected: '
           b'cannot find your hostname, [192.0.2.5]; from=<a@example.org> '
           b'to=<b@example.com> proto=ESMTP helo=<MAIL.example.org.>\n')
POSTFIX_BAD_HELO = POSTFIX.replace(b'helo=<MAIL.example.org.>',
                                   b'helo=<friend.example.net>')
SSHD = (b'Nov 26 10:00:02 gw sshd[2211]: Failed password for root from '
        b'203.0.113.45 port 50022 ssh2 (last seen 198.51.100.9)\n')
FW = (b'Nov 26 10:00:03 fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.45 '
      b'DST=198.51.100.9 LEN=60 PROTO=TCP SPT=4242 DPT=22\n')


def kv_cases(tap, ptrtag, server):
    rc, out, err = dnstest.run(ptrtag, ['-s', server, '-t', '500', '-d',
                                        '3000', '-p', 'sshd', '-p',
                                        'postfix'],
                               POSTFIX + POSTFIX_BAD_HELO + SSHD)
    lines = out.splitlines(keepends=True)
    tap.equal(rc, 0, '-p sshd -p postfix exits 0', err)
    tap.equal(len(lines), 3, 'three lines out')
    if len(lines) != 3:
        return
    tap.equal(lines[0], POSTFIX[:-1] + b' rdns_n=1 rdns_ip=192.0.2.5 '
              b'rdns_host=mail.example.org rdns_fcrdns=pass '
              b'rdns_generic=false rdns_helo=match\n',
              'postfix: helo equal to the PTR host (case, trailing dot) '
              'is a match')
    tap.ok(lines[1].endswith(b'rdns_fcrdns=pass rdns_generic=false '
                             b'rdns_helo=mismatch\n'),
           'postfix: a different helo name is a mismatch', lines[1])
    tap.equal(lines[2], SSHD[:-1] + b' rdns_n=1 rdns_ip=203.0.113.45 '
              b'rdns_host=gw.example.com rdns_fcrdns=pass '
              b'rdns_generic=false\n',
              'sshd: only the client address is annotated, not the other '
              'address in the line')


def json_cases(tap, ptrtag, server):
    rc, out, err = dnstest.run(ptrtag, ['-s', server, '-t', '500', '-d',
                                        '3000', '-p', 'iptables', '-f',
                                        'json'], FW)
    tap.equal(rc, 0, '-p iptables -f json exits 0', err)
    try:
        obj = json.loads(out)
    except ValueError as e:
        tap.ok(False, 'output is one JSON object', '%s: %r' % (e, out))
        return
    tap.equal(obj.get('message'), FW[:-1].decode(), 'message is the line')
    tap.equal(obj.get('source'), {'ip': '203.0.113.45',
                                  'domain': 'gw.example.com'},
              'SRC= fills ECS source.ip and source.domain')
    tap.equal(obj.get('destination'), {'ip': '198.51.100.9',
                                       'domain': 'web.example.com'},
              'DST= fills ECS destination.ip and destination.domain')
    tap.equal(obj.get('related', {}).get('ip'),
              ['203.0.113.45', '198.51.100.9'], 'related.ip lists both')


def error_cases(tap, ptrtag, tmp):
    bad = os.path.join(tmp, 'bad.pat')
    with open(bad, 'w') as f:
        f.write('# comment\n\nfrom (?<ip>[0-9.]+\n')
    rc, out, err = dnstest.run(ptrtag, ['-s', '127.0.0.1:9', '-p', bad], b'')
    tap.ok(rc == 2 and err.count(b'\n') == 1 and
           (bad + ':3:').encode() in err,
           'a pattern that does not compile: exit 2, one line naming '
           'file:line', (rc, err))
    nogroup = os.path.join(tmp, 'nogroup.pat')
    with open(nogroup, 'w') as f:
        f.write('from ([0-9.]+)\n')
    rc, out, err = dnstest.run(ptrtag, ['-s', '127.0.0.1:9', '-p', nogroup],
                               b'')
    tap.ok(rc == 2 and b'no ip, src or dst group' in err,
           'a pattern without an address group: exit 2', (rc, err))
    rc, out, err = dnstest.run(ptrtag, ['-s', '127.0.0.1:9', '-p',
                                        'no-such-set'], b'')
    tap.ok(rc == 2 and b'no-such-set' in err and err.count(b'\n') == 1,
           'an unknown set name: exit 2, one line', (rc, err))


def main():
    tap = dnstest.TAP()
    ptrtag = os.environ['PTRTAG']
    handler = dnstest.table_handler(ptr=PTR, a=A)
    with dnstest.Responder(handler) as dns:
        tap.guard(kv_cases, tap, ptrtag, dns.server)
        tap.guard(json_cases, tap, ptrtag, dns.server)
    import tempfile
    with tempfile.TemporaryDirectory(prefix='ptrtag-pat-') as tmp:
        tap.guard(error_cases, tap, ptrtag, tmp)
    tap.finish()


if __name__ == '__main__':
    main()
