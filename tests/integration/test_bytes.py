#!/usr/bin/env python3
"""Byte preservation and usage errors (ptrtag.1).

"Every input byte is written exactly once, in input order, annotations
only added. A final line without a newline is written without one. Lines
over --max-line, NUL bytes and invalid UTF-8 pass through unannotated"
(kv ends an overlong line with its mark, and marks a line whose own text
holds the key prefix as forged: OUTPUT, kv).

The Responder answers NXDOMAIN to everything, so the annotation of every
address is known in advance (` rdns_ip=X rdns_host=- rdns_fcrdns=none
rdns_generic=false`) and the whole expected output can be built and
compared byte for byte.
"""

import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate                            # noqa: E402

ARGS = ['-t', '500', '--tries', '2', '-d', '3000']
SEED = 20261126


def none(ip):
    return kv(ip, 'none')


def nxdomain_everything(qname, qtype, msg):
    return dnstest.nxdomain(msg, 'in-addr.arpa')


# (category, input line, groups expected on it; OVERLONG: the line is
# over --max-line and passes unannotated, with kv's mark at its end)
OVERLONG = None
FIXED = [
    ('NUL bytes', b'from 192.0.2.1 then nul\x00bytes\x00\n',
     [none('192.0.2.1')]),
    ('NUL bytes', b'\x00\x00\x00\n', []),
    ('NUL bytes', b'\x00\n', []),
    ('invalid UTF-8', b'\xff\xfe from 192.0.2.2 \xc3\x28 \xed\xa0\x80\n',
     [none('192.0.2.2')]),
    ('invalid UTF-8', b'\xc0\xaf\xf8\x88\x80\x80\x80 no address\n', []),
    ('bare CR inside a line', b'a\rb from 192.0.2.3 c\rd\n',
     [none('192.0.2.3')]),
    ('CRLF line', b'crlf 192.0.2.4\r\n', [none('192.0.2.4')]),
    ('empty lines', b'\n', []),
    ('empty lines', b'\n', []),
    ('empty lines', b'\r\n', []),
    ('control bytes', b'\x1b[31mred\x1b[0m from 192.0.2.8 \x07\t\x7f\n',
     [none('192.0.2.8')]),
    ('200 KB line over --max-line: unannotated, its end marked',
     b'192.0.2.5 ' + b'A' * 100000 + b' 192.0.2.6 ' + b'B' * 100000 + b'\n',
     OVERLONG),
    ('200 KB line over --max-line: unannotated, its end marked',
     b'rdns_n=1 rdns_ip=192.0.2.5 ' + b'C' * 200000 +
     b' rdns_host=x.example rdns_fcrdns=pass\r\n', OVERLONG),
    ('60 KB line under --max-line: annotated',
     b'x' * 30000 + b' 192.0.2.7 ' + b'y' * 30000 + b'\n',
     [none('192.0.2.7')]),
    ('line after the long ones', b'after 192.0.2.5 and 192.0.2.6\n',
     [none('192.0.2.5'), none('192.0.2.6')]),
    ('text holding the prefix: marked forged',
     b'Invalid user rdns_host=bastion.example.com rdns_fcrdns=pass '
     b'from 192.0.2.10\n', [none('192.0.2.10')]),
    ('text holding the prefix: marked forged',
     b'no address rdns_n=1 rdns_ip=x rdns_host=x.example '
     b'rdns_fcrdns=pass rdns_generic=false\r\n', []),
    ('final line without newline', b'end 192.0.2.9', [none('192.0.2.9')]),
]


def expected(line, groups):
    """What kv writes for line: its block, or its overlong mark."""
    if groups is OVERLONG:
        return dnstest.overlong(line)
    return annotate(line, *groups)


def check_fixed(tap, ptrtag, r):
    """Hand-made hostile lines, one run; one TAP case per category."""
    data = b''.join(line for _, line, _ in FIXED)
    want_lines = [expected(line, groups) for _, line, groups in FIXED]
    rc, out, err = dnstest.run(ptrtag, ['-s', r.server] + ARGS, data,
                               timeout=30)
    tap.equal(rc, 0, 'hostile lines: exit 0', 'stderr: %s' %
              dnstest.short(err))
    got_lines = dnstest.split_lines(out)
    tap.ok(out == b''.join(want_lines), 'hostile lines: output is the input '
           'plus annotations, byte for byte',
           lambda: dnstest.first_difference(got_lines, want_lines))
    aligned = len(got_lines) == len(want_lines)
    categories = []
    for category, _, _ in FIXED:
        if category not in categories:
            categories.append(category)
    for category in categories:
        idx = [i for i, c in enumerate(FIXED) if c[0] == category]
        good = aligned and all(got_lines[i] == want_lines[i] for i in idx)
        tap.ok(good, category, lambda idx=idx: '\n'.join(
            'line %d: expected %s\n        got      %s' % (
                i + 1, dnstest.short(want_lines[i], 160),
                dnstest.short(got_lines[i] if i < len(got_lines) else None,
                              160)) for i in idx))


def random_line(rng, pool):
    """Random bytes without '\\n', '.' or ':' (so no address can form by
    chance), sometimes with a pool address set in spaces, and never
    ending in '\\r' (that would make a CRLF terminator)."""
    alphabet = bytes(b for b in range(256) if b not in b'\n.:')
    body = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
    ips = []
    if rng.random() < 0.2:
        ip = rng.choice(pool)
        cut = rng.randint(0, len(body))
        body = body[:cut] + b' ' + ip.encode() + b' ' + body[cut:]
        ips.append(ip)
    if body.endswith(b'\r'):
        body = body[:-1] + b'r'
    return body + b'\n', [none(ip) for ip in ips]


def check_random(tap, ptrtag, r):
    """10,000 seeded random-byte lines come out byte-identical plus the
    annotations of the addresses planted in them."""
    rng = random.Random(SEED)
    pool = ['198.51.100.%d' % i for i in range(1, 21)]
    lines = [random_line(rng, pool) for _ in range(10000)]
    want_lines = [annotate(line, *groups) for line, groups in lines]
    rc, out, err = dnstest.run(ptrtag, ['-s', r.server] + ARGS,
                               b''.join(line for line, _ in lines),
                               timeout=60)
    got_lines = dnstest.split_lines(out)
    tap.ok(rc == 0 and out == b''.join(want_lines),
           '10000 random-byte lines (seed %d) preserved, addresses '
           'annotated' % SEED,
           lambda: 'rc %s, stderr %s\n%s' % (
               rc, dnstest.short(err),
               dnstest.first_difference(got_lines, want_lines)))


USAGE_ERRORS = [
    ('unknown option', ['--no-such-option']),
    ('bad value: -t abc', ['-t', 'abc']),
    ('bad value: --max-ips -1', ['--max-ips', '-1']),
    ('bad value: -f yaml', ['-f', 'yaml']),
    ('bad value: --exclude 10.0.0.0/33', ['--exclude', '10.0.0.0/33']),
    ('bad value: --prefix empty', ['--prefix', '']),
    ('unreadable FILE', ['/nonexistent/ptrtag-test/missing.log']),
]


def check_usage_errors(tap, ptrtag, r):
    """Bad usage: exit 2, exactly one line on stderr, nothing on stdout."""
    for name, args in USAGE_ERRORS:
        rc, out, err = dnstest.run(ptrtag, ['-s', r.server] + args,
                                   b'from 192.0.2.1\n', timeout=10)
        one_line = err.endswith(b'\n') and err.count(b'\n') == 1 and \
            len(err.strip()) > 0
        tap.ok(rc == 2 and one_line and out == b'',
               'usage error, %s: exit 2, one stderr line' % name,
               'rc %s\n  stdout %s\n  stderr %s' % (rc, dnstest.short(out),
                                                    dnstest.short(err)))


def check_unreadable_not_first(tap, ptrtag, r):
    """An unreadable FILE among readable ones is still exit 2 with one
    line on stderr (ptrtag opens everything before it runs)."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-bytes-') as tmp:
        good = os.path.join(tmp, 'good.log')
        with open(good, 'wb') as f:
            f.write(b'good line\n')
        missing = os.path.join(tmp, 'missing.log')
        rc, out, err = dnstest.run(ptrtag, ['-s', r.server, good, missing],
                                   timeout=10)
        tap.ok(rc == 2 and err.count(b'\n') == 1,
               'usage error, unreadable second FILE: exit 2, one stderr line',
               'rc %s, stderr %s' % (rc, dnstest.short(err)))


def main():
    dnstest.run_tests(
        (dnstest.Responder(nxdomain_everything),
         [check_fixed, check_random, check_usage_errors,
          check_unreadable_not_first]),
        handler_check=False)


if __name__ == '__main__':
    main()
