#!/usr/bin/env python3
"""ptrtag against a real authoritative server (NSD) on 127.0.0.1.

The fault tests (test_faults.py) prove what ptrtag does when DNS misbehaves;
this file proves it gets the verdicts right when DNS behaves as real servers
do: real NXDOMAIN/NODATA answers, real name compression, a PTR RRset too big
for UDP that NSD truncates (so ptrtag must retry over TCP), several PTR
records per address, IPv6 reverse zones.

Every line goes through one ptrtag run; each line is its own TAP case with
the exact expected output (ptrtag.1: kv groups before the line terminator).
Then the options that select addresses or shape the output (--exclude,
--only, --max-ips, --prefix, --max-line, -f inline, -f json), and
--extract, which must send no DNS at all.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate                            # noqa: E402

ARGS = ['-t', '500', '--tries', '2', '-d', '3000']

# 40 PTR records of ~55 bytes each: about 2.5 KB, over both 512 (no EDNS)
# and 1232 (NSD's EDNS size), so the UDP answer comes back with TC set.
BULK = ['bulk-%02d-%s.example.net' % (i, 'x' * 40) for i in range(40)]
BULK_CONFIRMING = BULK[1]       # second in the RRset, within --max-names 4

REVERSE_RECORDS = {
    '2.0.192.in-addr.arpa': [
        '10 PTR noaddr.example.com.',       # name exists, no A: NODATA
        '11 PTR ghost.example.com.',        # name does not exist: NXDOMAIN
        '66 PTR 192.0.2.66.',               # "nasty PTR": an IP literal
    ],
    '100.51.198.in-addr.arpa': [
        # 198.51.100.7: nothing, so NXDOMAIN
        '23 PTR web.example.net.',          # web -> another address
        '50 PTR first.example.com.',        # first -> .51, not .50
        '50 PTR second.example.com.',       # second -> .50: confirms
    ],
    '113.0.203.in-addr.arpa': [
        '45 PTR mail.example.com.',
    ] + ['60 PTR %s.' % name for name in BULK],
    '8.b.d.0.1.0.0.2.ip6.arpa': [
        '%s. PTR mx6.example.net.' % dnstest.reverse_name('2001:db8::25'),
        '%s. PTR v4only.example.net.' % dnstest.reverse_name('2001:db8::26'),
    ],
}

FORWARD_RECORDS = {
    'example.com': [
        'mail A 203.0.113.45',
        'noaddr TXT "no address here"',
        'first A 198.51.100.51',
        'second A 198.51.100.50',
    ],
    'example.net': [
        'web A 198.51.100.99',
        'mx6 AAAA 2001:db8::25',
        'v4only A 203.0.113.45',            # an A but no AAAA
        '%s A 203.0.113.61' % BULK[0].split('.')[0],
        '%s A 203.0.113.60' % BULK_CONFIRMING.split('.')[0],
    ],
}

SSHD = b'Nov 26 10:00:01 gw sshd[2211]: '
SMTPD = b'Nov 26 10:00:02 mx postfix/smtpd[3101]: '

# (case name, input line, expected output line)
CASES = [
    ('pass: PTR name resolves back',
     SSHD + b'Accepted publickey for alice from 203.0.113.45 port 5 ssh2\n',
     [kv('203.0.113.45', 'pass', 'mail.example.com')]),
    ('fail: PTR name resolves to another address',
     SSHD + b'Failed password for root from 198.51.100.23 port 41000 ssh2\n',
     [kv('198.51.100.23', 'fail', 'web.example.net')]),
    ('fail: PTR name exists without an A record (NODATA)',
     SMTPD + b'connect from unknown[192.0.2.10]\n',
     [kv('192.0.2.10', 'fail', 'noaddr.example.com')]),
    ('fail: PTR name does not exist (NXDOMAIN)',
     SMTPD + b'connect from unknown[192.0.2.11]\n',
     [kv('192.0.2.11', 'fail', 'ghost.example.com')]),
    ('none: no PTR record (NXDOMAIN)',
     SSHD + b'Invalid user admin from 198.51.100.7 port 60110\n',
     [kv('198.51.100.7', 'none')]),
    ('permerror: PTR target is an IP literal, host omitted',
     SSHD + b'Failed password for invalid user oracle from 192.0.2.66 '
     b'port 33210 ssh2\n',
     [kv('192.0.2.66', 'permerror')]),
    ('IPv6 pass: AAAA confirms',
     SMTPD + b'connect from mx6.example.net[2001:db8::25]\n',
     [kv('2001:db8::25', 'pass', 'mx6.example.net')]),
    ('IPv6 fail: the name has an A but no AAAA',
     SMTPD + b'client=unknown[2001:db8::26]\n',
     [kv('2001:db8::26', 'fail', 'v4only.example.net')]),
    ('IPv6 written non-canonically is reported in RFC 5952 form',
     SSHD + b'Accepted publickey for bob from 2001:DB8:0:0:0:0:0:25 '
     b'port 22 ssh2\n',
     [kv('2001:db8::25', 'pass', 'mx6.example.net')]),
    ('several PTRs: the host is the one that confirms (the second)',
     SMTPD + b'connect from second.example.com[198.51.100.50]\n',
     [kv('198.51.100.50', 'pass', 'second.example.com')]),
    ('PTR RRset over 512/1232 bytes: truncated over UDP, retried over TCP',
     SSHD + b'Connection from 203.0.113.60 port 1022\n',
     [kv('203.0.113.60', 'pass', BULK_CONFIRMING)]),
    ('two addresses: two groups in order of appearance',
     SMTPD + b'relay 198.51.100.7 via 203.0.113.45\n',
     [kv('198.51.100.7', 'none'),
      kv('203.0.113.45', 'pass', 'mail.example.com')]),
    ('same address twice: one group',
     SSHD + b'from 203.0.113.45 (203.0.113.45) again\n',
     [kv('203.0.113.45', 'pass', 'mail.example.com')]),
    ('excluded address (loopback): no annotation',
     SSHD + b'Accepted password for backup from 127.0.0.1 port 51514 ssh2\n',
     []),
    ('excluded and looked-up address: only the latter annotated',
     SSHD + b'from 127.0.0.1 proxied for 203.0.113.45\n',
     [kv('203.0.113.45', 'pass', 'mail.example.com')]),
    ('line without an address: unchanged',
     SSHD + b'Received SIGHUP; restarting.\n',
     []),
    ('CRLF terminator: annotation goes before \\r\\n',
     SSHD + b'Accepted publickey for carol from 203.0.113.45 port 4 ssh2\r\n',
     [kv('203.0.113.45', 'pass', 'mail.example.com')]),
]

# --extract: canonical addresses, tab-separated, one output line per input
# line (ptrtag.1). None of these addresses is in the default exclude list.
EXTRACT_CASES = [
    (b'from 203.0.113.45 port 22 to [2001:DB8::25]:22 and 203.0.113.45\n',
     b'203.0.113.45\t2001:db8::25\n'),
    (b'no address on this line\n', b'\n'),
    (b'postfix client=unknown[198.51.100.7]\n', b'198.51.100.7\n'),
]


def build_zones():
    zones = {}
    for origin, records in list(REVERSE_RECORDS.items()) + \
            list(FORWARD_RECORDS.items()):
        zones[origin] = dnstest.make_zone(origin, records)
    return zones


def check_annotations(tap, ptrtag, nsd):
    """One ptrtag run over all CASES; one TAP case per line."""
    lines = [line for _, line, _ in CASES]
    rc, out, err = dnstest.run(ptrtag, ['-s', nsd.server] + ARGS,
                               b''.join(lines), timeout=30)
    tap.equal(rc, 0, 'exit status 0 at end of input',
              'stderr: %s' % dnstest.short(err))
    tap.equal(err, b'', 'nothing on stderr (DNS failures are data)')
    got = dnstest.split_lines(out)
    tap.equal(len(got), len(lines), 'one output line per input line')
    for i, (name, line, groups) in enumerate(CASES):
        want = annotate(line, *groups)
        tap.equal(got[i] if i < len(got) else None, want, name,
                  'input    %s' % dnstest.short(line))


def check_extract(tap, ptrtag):
    """--extract needs no DNS: it takes no -s at all (a usage error, since
    the server would go unused), and with it the Responder given sees no
    query."""
    def refuse_everything(qname, qtype, msg):
        return dnstest.refused(msg)
    with dnstest.Responder(refuse_everything) as spy:
        data = b''.join(line for line, _ in EXTRACT_CASES)
        rc, out, err = dnstest.run(ptrtag, ['--extract'], data, timeout=10)
        tap.equal(rc, 0, '--extract exits 0', 'stderr: %s' %
                  dnstest.short(err))
        tap.equal(out, b''.join(want for _, want in EXTRACT_CASES),
                  '--extract prints canonical addresses, tab-separated')
        rc, out, err = dnstest.run(ptrtag, ['--extract', '-s', spy.server],
                                   data, timeout=10)
        tap.ok(rc == 2 and out == b'' and err.count(b'\n') == 1 and
               b'--server with --extract' in err,
               '--extract -s: a usage error naming both options',
               'rc %s, stderr %s' % (rc, dnstest.short(err)))
        tap.equal(spy.count(), 0, '--extract sends no DNS query')


# Options that change which addresses are annotated and how (ptrtag.1):
# (case name, extra args, input line, expected output line)
LINE_TWO = b'sshd[9]: relay 198.51.100.7 via 203.0.113.45 port 7\n'
OPTION_CASES = [
    ('--exclude CIDR adds to the excluded ranges', ['--exclude',
                                                    '203.0.113.0/24'],
     LINE_TWO, annotate(LINE_TWO, kv('198.51.100.7', 'none'))),
    ('--only CIDR: only those ranges are looked up', ['--only',
                                                      '203.0.113.0/24'],
     LINE_TWO, annotate(LINE_TWO, kv('203.0.113.45', 'pass',
                                     'mail.example.com'))),
    ('--exclude none: loopback is looked up (REFUSED here: temperror)',
     ['--exclude', 'none'], b'from 127.0.0.1 port 7\n',
     annotate(b'from 127.0.0.1 port 7\n', kv('127.0.0.1', 'temperror'))),
    ('--max-ips 1: the second address is left alone', ['--max-ips', '1'],
     LINE_TWO, annotate(LINE_TWO, kv('198.51.100.7', 'none'))),
    ('--prefix changes every key', ['--prefix', 'x_'],
     b'from 203.0.113.45 port 7\n',
     b'from 203.0.113.45 port 7 x_n=1 x_ip=203.0.113.45 '
     b'x_host=mail.example.com x_fcrdns=pass x_generic=false\n'),
    ('-f inline: [host verdict] right after the address', ['-f', 'inline'],
     b'from 203.0.113.45 port 7\n',
     b'from 203.0.113.45[mail.example.com pass] port 7\n'),
    ('--max-line: a longer line passes unannotated, its end marked',
     ['--max-line', '100'],
     b'from 203.0.113.45 ' + b'z' * 120 + b'\n',
     b'from 203.0.113.45 ' + b'z' * 120 +
     b' rdns_n=0 rdns_overlong=true\n'),
]


def check_options(tap, ptrtag, nsd):
    """One ptrtag run per option case, exact output."""
    for name, extra, line, want in OPTION_CASES:
        rc, out, err = dnstest.run(ptrtag, ['-s', nsd.server] + ARGS + extra,
                                   line, timeout=20)
        tap.equal((rc, out), (0, want), name,
                  'stderr: %s' % dnstest.short(err))


def check_json(tap, ptrtag, nsd):
    """-f json: one object per line, message carried exactly, read time
    as @timestamp (ptrtag.1)."""
    line = b'sshd[9]: Accepted publickey from 203.0.113.45 port 7\r\n'
    before = int(time.time() * 1000)
    rc, out, err = dnstest.run(ptrtag, ['-s', nsd.server, '-f', 'json'] +
                               ARGS, line, timeout=20)
    after = int(time.time() * 1000)
    want = {
        'ecs': {'version': '9.4.0'},
        'message': line[:-2].decode(),
        'rdns': [{'ip': '203.0.113.45', 'host': 'mail.example.com',
                  'fcrdns': 'pass', 'generic': False}],
        'related': {'ip': ['203.0.113.45'], 'hosts': ['mail.example.com']},
    }
    try:
        got = [json.loads(text) for text in out.splitlines()]
    except ValueError as e:
        got = 'not JSON (%s): %s' % (e, dnstest.short(out))
    stamp = got[0].pop('@timestamp', None) if got and \
        isinstance(got[0], dict) else None
    tap.equal((rc, got), (0, [want]), '-f json: the documented object',
              'stderr: %s' % dnstest.short(err))
    ms = dnstest.rfc3339_ms(stamp)
    tap.ok(ms is not None and before <= ms <= after,
           '-f json: @timestamp is the read time, RFC 3339 UTC with ms',
           'got %r, run from %d to %d' % (stamp, before, after))


def main():
    dnstest.run_tests(
        (dnstest.NSD(build_zones()),
         [check_annotations, check_options, check_json]),
        (None, [check_extract]))


if __name__ == '__main__':
    main()
