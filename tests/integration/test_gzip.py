#!/usr/bin/env python3
"""gzip inputs (ptrtag.1, COMPRESSED INPUT), against a real NSD serving
the demo zones (samples/zones) and a log built from samples/auth.log
(every verdict, IPv6, a final line without newline), about 600 KB so
that several of ptrtag's reads and decompressions are needed.

- A .gz FILE gives byte for byte the output of its plain file, in kv and
  in json; so does the same data as stdin from a pipe, a file of three
  gzip members (as `cat a.gz b.gz c.gz` makes), and --extract.
- Detection is by the magic bytes, not by the name: gzip data named
  .log is decompressed, a plain file named .gz is read as it is.
- A damaged file (a deflate block of a type that does not exist, half-way)
  and a truncated one: the output is the enrichment of exactly the bytes
  zlib gives before the damage, then the next FILE's lines; exit status
  1; one line on stderr naming the file and the damage.
"""

import gzip
import os
import re
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnstest                                              # noqa: E402

SAMPLES = os.path.join(HERE, '..', '..', 'samples')
ARGS = ['-t', '500', '--tries', '2', '-d', '5000']


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data)
    return path


def build_log():
    """auth.log's lines 400 times, numbered so that no two are alike,
    then a final line without a newline."""
    base = dnstest.split_lines(read(os.path.join(SAMPLES, 'auth.log')))
    lines = []
    for i in range(400):
        for line in base:
            lines.append(b'%05d ' % i + line)
    return b''.join(lines) + b'final 203.0.113.45 without newline'


def zlib_gives(data):
    """What zlib gives of data, and how it ends: 'whole', 'damaged'
    (Python then drops the output of the failing call) or 'short'."""
    d = zlib.decompressobj(15 + 16)
    try:
        out = d.decompress(data)
    except zlib.error:
        return b'', 'damaged'
    return out, 'whole' if d.eof else 'short'


def ptrtag_run(ptrtag, nsd, args, stdin=b''):
    return dnstest.run(ptrtag, ['-s', nsd.server] + ARGS + args, stdin,
                       timeout=90)


def untimed(out):
    """Output with each -f json @timestamp (the time a line was read,
    different on every run) blanked, so two runs compare byte for byte."""
    return re.sub(rb'"@timestamp":"[^"]*"', b'"@timestamp":""', out)


def check_same(tap, ptrtag, nsd):
    log = build_log()
    with tempfile.TemporaryDirectory(prefix='ptrtag-gzip-') as d:
        plain = write(os.path.join(d, 'auth.log'), log)
        gz = write(os.path.join(d, 'auth.log.2.gz'),
                   gzip.compress(log, mtime=0))
        thirds = [log[:len(log) // 3], log[len(log) // 3:2 * len(log) // 3],
                  log[2 * len(log) // 3:]]
        multi = write(os.path.join(d, 'multi.gz'),
                      b''.join(gzip.compress(t, mtime=0) for t in thirds))
        unnamed = write(os.path.join(d, 'looks-plain.log'),
                        gzip.compress(log, compresslevel=1, mtime=0))
        for fmt in ([], ['-f', 'json']):
            label = ' (-f json)' if fmt else ''
            rc, want, err = ptrtag_run(ptrtag, nsd, fmt + [plain])
            want = untimed(want)
            if not tap.ok(rc == 0 and err == b'' and
                          want.count(b'rdns_') + want.count(b'"rdns"') > 0,
                          'the plain file%s: exit 0, annotated' % label,
                          'rc %s, %s' % (rc, dnstest.short(err))):
                continue
            for name, args, stdin in (
                    ('a .gz FILE', [gz], b''),
                    ('gzip data on stdin', [], read(gz)),
                    ('three gzip members', [multi], b''),
                    ('gzip data named .log', [unnamed], b'')):
                rc, out, err = ptrtag_run(ptrtag, nsd, fmt + args, stdin)
                out = untimed(out)
                tap.ok(rc == 0 and err == b'' and out == want,
                       '%s%s: byte for byte the plain file\'s output' % (
                           name, label),
                       lambda out=out, err=err, rc=rc: 'rc %s, %s\n%s' % (
                           rc, dnstest.short(err), dnstest.first_difference(
                               dnstest.split_lines(out),
                               dnstest.split_lines(want))))
        rc, want, _ = dnstest.run(ptrtag, ['--extract', plain], timeout=30)
        rc2, out, err = dnstest.run(ptrtag, ['--extract', gz, multi],
                                    timeout=30)
        tap.ok(rc == 0 and rc2 == 0 and out == want + want,
               '--extract: the same addresses from the .gz files',
               dnstest.short(err))
        fake = write(os.path.join(d, 'plain.gz'), log[:5000])
        rc, out, err = ptrtag_run(ptrtag, nsd, [fake])
        rc2, want, _ = ptrtag_run(ptrtag, nsd, [], log[:5000])
        tap.ok(rc == 0 and out == want, 'a plain file named .gz is read '
               'as it is', dnstest.short(err))


def check_damaged(tap, ptrtag, nsd):
    log = build_log()
    whole = gzip.compress(log, mtime=0)
    # A full flush half-way ends a deflate block on a byte boundary; the
    # next block's first byte is made to say block type 3, which does not
    # exist (RFC 1951): zlib gives the first half, then refuses.
    half = len(log) // 2
    c = zlib.compressobj(6, zlib.DEFLATED, 15 + 16)
    first = c.compress(log[:half]) + c.flush(zlib.Z_FULL_FLUSH)
    rest = c.compress(log[half:]) + c.flush()
    damaged = first + bytes([0x06]) + rest[1:]
    truncated = whole[:len(whole) * 2 // 3]
    short, how = zlib_gives(truncated)
    tap.ok(how == 'short' and 0 < len(short) < len(log) and
           log.startswith(short), 'truncated: zlib gives part of the log',
           '%s, %d of %d bytes' % (how, len(short), len(log)))
    tap.equal(zlib_gives(damaged)[1], 'damaged', 'damaged: zlib refuses it')
    after = b'next file 203.0.113.45 port 22\n'
    with tempfile.TemporaryDirectory(prefix='ptrtag-gzip-') as d:
        nxt = write(os.path.join(d, 'next.log'), after)
        for name, data, prefix, why in (
                ('damaged', damaged, log[:half],
                 b'damaged gzip data: invalid block type'),
                ('truncated', truncated, short,
                 b'unexpected end of gzip data')):
            path = write(os.path.join(d, name + '.gz'), data)
            ref = write(os.path.join(d, name + '.ref'), prefix)
            rc, want, err = ptrtag_run(ptrtag, nsd, [ref, nxt])
            tap.equal((rc, err), (0, b''), '%s: the reference runs' % name)
            rc, out, err = ptrtag_run(ptrtag, nsd, [path, nxt])
            tap.ok(out == want, '%s: the lines before the damage, then the '
                   'next FILE, byte for byte' % name,
                   lambda out=out: dnstest.first_difference(
                       dnstest.split_lines(out), dnstest.split_lines(want)))
            tap.ok(rc == 1 and err.count(b'\n') == 1 and
                   err.startswith(b'ptrtag: %s: %s' % (path.encode(), why)),
                   '%s: exit 1, one line on stderr naming the file' % name,
                   'rc %s, %s' % (rc, dnstest.short(err)))
        rc, out, err = ptrtag_run(ptrtag, nsd, [], truncated)
        tap.ok(rc == 1 and err.startswith(b'ptrtag: stdin: unexpected end '
                                          b'of gzip data'),
               'truncated on stdin: exit 1, the line names stdin',
               'rc %s, %s' % (rc, dnstest.short(err)))


def main():
    dnstest.run_tests((dnstest.NSD(dnstest.demo_zones()),
                       [check_same, check_damaged]))


if __name__ == '__main__':
    main()
