#!/usr/bin/env python3
"""The scan-ahead thread (ptrtag(1), THREADS), against a real NSD
serving the demo zones (samples/zones).

1. Bulk input: about 6 MB built from samples/auth.log and lines at the
   edges of a scan (IPv6, an address twice, more addresses than
   --max-ips, lines over --max-line, CRLF, NUL bytes, text holding the
   key prefix, a final line without newline), as a FILE and as stdin
   through a pipe, with options that change what a scan keeps (--max-ips,
   --exclude, --only, --max-line, -p sshd) and -f json: the output is
   byte for byte that of --no-scan-thread (json's @timestamp, the time a
   line was read, blanked); --stats counts lines_scanned_ahead: some
   with the thread, none with --no-scan-thread.
2. A live stream, one line every 20 ms through a pipe: no line is
   scanned ahead (small reads do not wake the thread), and each line is
   written before the next is sent.

SIGTERM while the thread scans is test_stop.py's: its inputs are read in
bulk, so the thread is at work there, and every byte read is written.
"""

import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnstest                                              # noqa: E402

SAMPLES = os.path.join(HERE, '..', '..', 'samples')
ARGS = ['-t', '500', '--tries', '2', '-d', '5000', '--stats=json']

EDGES = [
    b'v6 2001:db8::25 and [2001:db8::26]:443 mapped ::ffff:203.0.113.45\n',
    b'twice 198.51.100.23 then 198.51.100.23 again\n',
    b'many 203.0.113.45 198.51.100.23 198.51.100.50 192.0.2.10 '
    b'192.0.2.11 203.0.113.60\n',
    b'crlf from 203.0.113.45 port 22\r\n',
    b'nul\x00bytes 198.51.100.50\x00 here\n',
    b'Invalid user rdns_host=x.example rdns_fcrdns=pass from '
    b'198.51.100.23\n',
    b'over the max-line 203.0.113.45 ' + b'x' * 300 + b' 192.0.2.10\n',
    b'no address in this one at all\n',
]

OPTION_SETS = [
    ('defaults', []),
    ('--max-ips 2 --exclude', ['--max-ips', '2', '--exclude',
                               '198.51.100.0/24']),
    ('--only', ['--only', '203.0.113.0/24,2001:db8::/32']),
    ('--max-line 200', ['--max-line', '200']),
    ('-p sshd', ['-p', 'sshd']),
    ('-f json', ['-f', 'json']),
]


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def build_log():
    """auth.log's lines and the edge lines, numbered so that no two are
    alike, about 6 MB; then a final line without newline."""
    base = dnstest.split_lines(read(os.path.join(SAMPLES, 'auth.log')))
    lines = []
    i = 0
    while sum(len(x) for x in lines) < 6 * 1024 * 1024:
        for line in base + EDGES:
            lines.append(b'%06d ' % i + line)
        i += 1
    return b''.join(lines) + b'final 203.0.113.45 without newline'


def untimed(out):
    return re.sub(rb'"@timestamp":"[^"]*"', b'"@timestamp":""', out)


def stats_of(err):
    """The --stats=json object ptrtag printed last, as a dict."""
    m = re.findall(rb'\{"lines_in".*\}', err)
    if not m:
        return {}
    return {k.decode(): int(v) for k, v in
            re.findall(rb'"([a-z0-9_]+)":(\d+)', m[-1])}


def run_pipe(ptrtag, args, data):
    """ptrtag reading data from a pipe that a writer keeps full."""
    p = subprocess.Popen([ptrtag] + args, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(data, timeout=120)
    return p.returncode, out, err


def check_bulk(tap, ptrtag, nsd):
    log = build_log()
    nlines = log.count(b'\n') + 1
    with tempfile.TemporaryDirectory(prefix='ptrtag-scanthread-') as d:
        path = os.path.join(d, 'auth.log')
        with open(path, 'wb') as f:
            f.write(log)
        for name, opts in OPTION_SETS:
            args = ['-s', nsd.server] + ARGS + opts
            rc1, ref, err1 = dnstest.run(ptrtag, args + ['--no-scan-thread',
                                                        path], timeout=120)
            rc2, out, err2 = dnstest.run(ptrtag, args + [path], timeout=120)
            rc3, piped, err3 = run_pipe(ptrtag, args, log)
            s1, s2, s3 = stats_of(err1), stats_of(err2), stats_of(err3)
            tap.ok(rc1 == 0 and rc2 == 0 and rc3 == 0 and
                   s1.get('lines_out') == nlines,
                   '%s: the three runs end well, every line written' % name,
                   'rc %s %s %s, lines_out %s of %d; %s' % (
                       rc1, rc2, rc3, s1.get('lines_out'), nlines,
                       dnstest.short(err2)))
            tap.ok(untimed(out) == untimed(ref),
                   '%s, FILE: the output of --no-scan-thread, byte for '
                   'byte' % name, '%d vs %d bytes' % (len(out), len(ref)))
            tap.ok(untimed(piped) == untimed(ref),
                   '%s, stdin a pipe: the output of --no-scan-thread, byte '
                   'for byte' % name, '%d vs %d bytes' % (len(piped),
                                                          len(ref)))
            # How many is a matter of speed (the bench's); that the
            # thread took part at all, and not with the option, is not.
            tap.ok(s1.get('lines_scanned_ahead') == 0 and
                   s2.get('lines_scanned_ahead', 0) > 0 and
                   s3.get('lines_scanned_ahead', 0) > 0,
                   '%s: lines scanned ahead: none with --no-scan-thread, '
                   'some from a FILE and from a pipe' % name,
                   '%s / %s / %s of %d' % (
                       s1.get('lines_scanned_ahead'),
                       s2.get('lines_scanned_ahead'),
                       s3.get('lines_scanned_ahead'), nlines))


def check_live(tap, ptrtag, nsd):
    base = dnstest.split_lines(read(os.path.join(SAMPLES, 'auth.log')))
    p = subprocess.Popen([ptrtag, '-s', nsd.server] + ARGS,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    got = 0
    try:
        for i in range(40):
            p.stdin.write(b'%02d ' % i + base[i % len(base)])
            p.stdin.flush()
            line = p.stdout.readline()
            got += line.startswith(b'%02d ' % i)
            time.sleep(0.02)
        p.stdin.close()
        rest = p.stdout.read()
        err = p.stderr.read()
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    s = stats_of(err)
    tap.ok(p.returncode == 0 and got == 40 and rest == b'',
           'live stream: each line written before the next is sent',
           'rc %s, %d of 40, rest %s' % (p.returncode, got,
                                         dnstest.short(rest)))
    tap.equal(s.get('lines_scanned_ahead'), 0,
              'live stream: no line scanned ahead (the thread sleeps)')


def main():
    dnstest.run_tests((dnstest.NSD(dnstest.demo_zones()),
                       [check_bulk, check_live]))


if __name__ == '__main__':
    main()
