#!/usr/bin/env python3
"""The signals and the --cache-file of ptrtag.1, against a scripted
Responder on 127.0.0.1.

- SIGTERM / SIGINT with many lines queued behind lookups nobody answers:
  every queued line is written within one second (unfinished lookups as
  timeout), the cache file is saved, exit 0.
- A second SIGTERM while ptrtag cannot finish (its reader has stopped
  reading) exits at once with status 1; a single one gives up with
  status 1 once the reader has taken nothing for 5 s.
- SIGHUP after a logrotate-style rename of -o FILE: later lines land in
  the new file, none is lost or duplicated across the two; the cache file
  is saved on SIGHUP too.
- SIGUSR1 prints exactly one counters line on stderr and ptrtag goes on;
  --stats=json prints valid JSON (on SIGUSR1 and at exit).
- --cache-file: saved atomically at exit (no temporary file left), used
  by a later run whose DNS server is down, expired entries not used; a
  corrupt, truncated or other-version file gives exactly one warning line
  and an otherwise normal run.
"""

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate, reverse_name              # noqa: E402
from test_resilience import Switch, host_for, Timed         # noqa: E402

NOISE = 0.3

# Addresses whose PTR the responder drops (lookups that never finish).
DROPPED_PREFIX = '10.66.'
# A fail and a none address for the cache file cases.
FAIL_IP, FAIL_HOST = '192.0.2.77', 'other.example.com'
NONE_IP = '198.51.100.99'


class World(Switch):
    """Confirming answers (test_resilience.Switch), except: PTR queries
    for 10.66.x.y are dropped, FAIL_IP's name points elsewhere, NONE_IP
    has no PTR."""

    def __init__(self):
        super().__init__(alive=True)

    def __call__(self, qname, qtype, msg):
        if qtype == 'PTR' and qname.endswith('.66.10.in-addr.arpa'):
            return None
        if qname == reverse_name(FAIL_IP):
            return dnstest.answer(msg, [('PTR', None, FAIL_HOST)])
        if qname == FAIL_HOST and qtype == 'A':
            return dnstest.answer(msg, [('A', None, '192.0.2.78')])
        if qname == reverse_name(NONE_IP):
            return dnstest.nxdomain(msg, 'in-addr.arpa')
        return super().__call__(qname, qtype, msg)


def expect(line, ip, pending=False):
    """The annotated line for one address in World (pending: as written
    before its lookup finished)."""
    if ip is None:
        return line
    if pending or ip.startswith(DROPPED_PREFIX):
        return annotate(line, kv(ip, 'timeout'))
    if ip == FAIL_IP:
        return annotate(line, kv(ip, 'fail', FAIL_HOST))
    if ip == NONE_IP:
        return annotate(line, kv(ip, 'none'))
    return annotate(line, kv(ip, 'pass', host_for(ip)))


def dead_port():
    """A port on 127.0.0.1 with nothing listening (checked with TCP; UDP
    queries to it are refused at once)."""
    return dnstest.free_port()


# ----- SIGTERM, SIGINT

def queued_input(second):
    """200 lines: answered addresses, dropped ones, lines without any."""
    lines, ips = [], []
    for i in range(200):
        if i % 4 == 0:
            ip = None
            line = b'queued %03d: no address here\n' % i
        elif i % 4 == 1:
            ip = '10.%d.1.%d' % (second, i // 4 + 1)
            line = b'queued %03d: answered %s\n' % (i, ip.encode())
        else:
            ip = '10.66.%d.%d' % (second, i)
            line = b'queued %03d: dropped %s port 22\n' % (i, ip.encode())
        lines.append(line)
        ips.append(ip)
    # The first line waits for a lookup nobody answers, so all the lines
    # behind it stay queued (output is in input order).
    lines[0] = b'queued 000: head 10.66.%d.250\n' % second
    ips[0] = '10.66.%d.250' % second
    return lines, ips


def case_stop_signal(tap, ptrtag, r, sig, second):
    """200 lines queued behind lookups the server never answers (-d 10 s,
    -t 5 s): after the signal they are all written within one second,
    unfinished lookups as timeout, answered ones with their verdict, the
    cache file is saved with the answered addresses, exit 0."""
    name = signal.Signals(sig).name
    lines, ips = queued_input(second)
    with tempfile.TemporaryDirectory(prefix='ptrtag-sig-') as tmp:
        cache = os.path.join(tmp, 'cache')
        argv = [ptrtag, '-s', r.server, '-d', '10000', '-t', '5000',
                '--tries', '2', '--cache-file', cache]
        with dnstest.Stream(argv) as s:
            s.write(b''.join(lines))
            answered = [ip for ip in ips if ip and ip.startswith('10.%d.1.'
                                                                 % second)]
            r.wait_for(lambda: all(r.replies(host_for(ip), 'A')
                                   for ip in answered), 5)
            held = s.peek(0.3)
            tap.equal(held, b'', '%s: lines held behind the unanswered '
                      'lookup before the signal' % name)
            start = time.monotonic()
            s.proc.send_signal(sig)
            got = s.read_lines(len(lines), 3)
            elapsed = time.monotonic() - start
            rc = s.wait(3)
            exited = time.monotonic() - start
        want = [expect(line, ip) for line, ip in zip(lines, ips)]
        tap.ok(got == want, '%s: all 200 queued lines written, unfinished '
               'lookups as timeout' % name,
               lambda: dnstest.first_difference(got, want))
        tap.ok(elapsed <= 1.0 + NOISE, '%s: queued lines written within one '
               'second' % name, 'took %.2f s' % elapsed)
        tap.ok(rc == 0 and exited <= 1.0 + NOISE, '%s: exit 0 within one '
               'second' % name, 'rc %s after %.2f s; stderr %s' % (
                   rc, exited, dnstest.short(s.err)))
        tap.diag('%s: lines out after %.0f ms, exit after %.0f ms' % (
            name, elapsed * 1000, exited * 1000))
        tap.equal(s.err, b'', '%s: nothing on stderr' % name)
        # The cache file was saved: a run with no DNS server answers the
        # answered addresses from it.
        test_lines = [b'again %s\n' % ip.encode() for ip in answered[:5]]
        rc, out, err = dnstest.run(
            ptrtag, ['-s', '127.0.0.1:%d' % dead_port(), '-t', '300',
                     '--tries', '1', '--cache-file', cache],
            b''.join(test_lines), timeout=20)
        want = b''.join(expect(line, ip) for line, ip in
                        zip(test_lines, answered))
        tap.equal((rc, out), (0, want), '%s: cache file saved on the way '
                  'out (a later run answers from it)' % name,
                  'stderr %s' % dnstest.short(err))


def fill_until_blocked(proc, chunk, limit=64 << 20, idle=0.5):
    """Write chunk to proc's stdin (non-blocking) until ptrtag has stopped
    reading for `idle` seconds; returns the bytes written."""
    fd = proc.stdin.fileno()
    os.set_blocking(fd, False)
    total, last = 0, time.monotonic()
    while total < limit and time.monotonic() - last < idle:
        try:
            n = os.write(fd, chunk)
            total += n
            last = time.monotonic()
        except BlockingIOError:
            time.sleep(0.01)
    return total


def stalled_ptrtag(ptrtag, r):
    """A ptrtag whose stdout nobody reads, fed until it stops reading."""
    proc = subprocess.Popen([ptrtag, '-s', r.server],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    chunk = b''.join(b'no address on this line, just text %06d\n' % i
                     for i in range(2000))
    written = fill_until_blocked(proc, chunk)
    return proc, written


def finish(proc, timeout):
    """Wait for proc; returns (rc or None, seconds)."""
    start = time.monotonic()
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = None
    for f in (proc.stdin, proc.stdout, proc.stderr):
        try:
            f.close()
        except OSError:
            pass
    return rc, time.monotonic() - start


STALL = 5.0    # ptrtag(1), STOPPING: a reader that takes nothing this long


def case_second_signal(tap, ptrtag, r):
    """With the reader stalled ptrtag cannot write what it has read, so
    after one SIGTERM it keeps trying until the reader has taken nothing
    for STALL seconds, then says so in one line and exits 1; a second
    SIGTERM 0.1 s after the first makes it exit at once with status 1."""
    proc, written = stalled_ptrtag(ptrtag, r)
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=STALL + 3)
    except subprocess.TimeoutExpired:
        rc = None
    took = time.monotonic() - start
    err = b''
    if rc is not None:
        err = proc.stderr.read()
    finish(proc, 1)
    tap.diag('one SIGTERM, reader stalled (%d bytes in): exit %s after '
             '%.0f ms' % (written, rc, took * 1000))
    tap.ok(rc == 1 and STALL - 0.1 <= took <= STALL + 1.0 + NOISE,
           'one SIGTERM with the reader stalled: exit 1 once the reader '
           'has taken nothing for %g s' % STALL, 'rc %s after %.2f s' % (
               rc, took))
    tap.ok(err.count(b'\n') == 1 and b'not written' in err, 'one SIGTERM '
           'with the reader stalled: one line on stderr says so',
           dnstest.short(err))

    proc, written = stalled_ptrtag(ptrtag, r)
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.1)
    second = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    rc, _ = finish(proc, 5)
    took = time.monotonic() - second
    tap.diag('two SIGTERMs 0.1 s apart: exit %s %.0f ms after the second' %
             (rc, took * 1000))
    tap.ok(rc == 1 and took <= 0.25, 'second SIGTERM: exit at once with '
           'status 1', 'rc %s, %.2f s after the second signal' % (rc, took))


# ----- SIGHUP

def case_sighup_logrotate(tap, ptrtag, r):
    """-o FILE renamed away as logrotate does, then SIGHUP, while lines
    keep coming (40 lines/s for 4 s): the lines written after ptrtag has
    reopened the file are in the new file, the old file holds a prefix of
    the output, and the two together are the whole output exactly once,
    in order. SIGHUP also saves the cache file."""
    rate, count = 40, 160
    lines, ips = [], []
    for i in range(count):
        ip = '10.70.%d.%d' % (i // 200, i % 200 + 1) if i % 2 else None
        lines.append(b'hup %03d: %s\n' % (i, (ip or 'plain text').encode()))
        ips.append(ip)
    with tempfile.TemporaryDirectory(prefix='ptrtag-hup-') as tmp:
        out = os.path.join(tmp, 'out.log')
        rotated = out + '.1'
        cache = os.path.join(tmp, 'cache')
        argv = [ptrtag, '-s', r.server, '-o', out, '--cache-file', cache]
        with dnstest.Stream(argv) as s:
            timed = Timed(s)
            timed.pace(lines[:count // 2], rate)
            time.sleep(0.3)
            cache_before = os.path.exists(cache)
            os.rename(out, rotated)
            s.proc.send_signal(signal.SIGHUP)
            reopened = dnstest.wait_until(lambda: os.path.exists(out), 2)
            cache_after = dnstest.wait_until(
                lambda: os.path.exists(cache), 2)
            after_index = len(timed.sent)
            timed.pace(lines[count // 2:], rate)
            s.close_stdin()
            rc = s.wait(10)
        with open(rotated, 'rb') as f:
            old = f.read()
        new = b''
        if os.path.exists(out):
            with open(out, 'rb') as f:
                new = f.read()
        cached = open(cache, 'rb').read() if os.path.exists(cache) else b''
    want = [expect(line, ip) for line, ip in zip(lines, ips)]
    got = dnstest.split_lines(old) + dnstest.split_lines(new)
    tap.ok(reopened, 'SIGHUP: the renamed -o FILE is created anew')
    tap.ok(got == want, 'SIGHUP: old + new file hold every line exactly '
           'once, in order', lambda: dnstest.first_difference(got, want))
    n_old = len(dnstest.split_lines(old))
    tap.diag('SIGHUP: %d lines in the rotated file, %d in the new one' % (
        n_old, len(dnstest.split_lines(new))))
    tap.ok(0 < n_old <= after_index, 'SIGHUP: lines written after the '
           'reopen are in the new file',
           '%d lines in the old file, reopen seen after line %d' % (
               n_old, after_index))
    tap.equal(rc, 0, 'SIGHUP: exit 0', 'stderr %s' % dnstest.short(s.err))
    tap.ok(not cache_before and cache_after, 'SIGHUP: the cache file is '
           'saved on SIGHUP', 'before %s, after %s' % (cache_before,
                                                      cache_after))
    tap.ok(host_for(ips[1]).encode() in cached, 'SIGHUP: the saved cache '
           'holds the looked-up names', dnstest.short(cached))


# ----- SIGUSR1, --stats

STAT_KEYS = ('lines_in', 'lines_out', 'queries', 'verdict_pass',
             'verdict_timeout', 'verdict_skipped', 'cache_hits',
             'latency_p50_ms_le')


def parse_kv_stats(line):
    return dict(re.findall(r'(\w+)=(\d+)', line))


def case_sigusr1(tap, ptrtag, r):
    """SIGUSR1 while running: exactly one 'key=value ...' line on stderr
    with the counters so far; ptrtag goes on working."""
    lines = [b'usr1 %d from 10.80.0.%d\n' % (i, i + 1) for i in range(5)] + \
        [b'usr1 plain %d\n' % i for i in range(5)]
    with dnstest.Stream([ptrtag, '-s', r.server]) as s:
        s.write(b''.join(lines))
        got = s.read_lines(len(lines), 5)
        s.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 3
        while b'\n' not in s.err and time.monotonic() < deadline:
            s._pump(0.05)
        s.peek(0.2)
        err = s.err
        more = b'usr1 after from 10.80.0.99\n'
        s.write(more)
        after = s.read_line(5)
        s.close_stdin()
        rc = s.wait(5)
        final_err = s.err
    text = err.decode('utf-8', 'replace')
    stats = parse_kv_stats(text)
    tap.equal(len(got), len(lines), 'SIGUSR1: lines written before the '
              'signal')
    tap.ok(text.count('\n') == 1 and text.endswith('\n'), 'SIGUSR1: exactly '
           'one line on stderr', dnstest.short(err))
    missing = [k for k in STAT_KEYS if k not in stats]
    tap.ok(not missing, 'SIGUSR1: the line holds key=value counters (%s)' %
           ', '.join(STAT_KEYS), 'missing %s in %s' % (missing, text))
    tap.ok(stats.get('lines_in') == '10' and stats.get('verdict_pass') ==
           '5' and stats.get('queries') == '10', 'SIGUSR1: counters so far: '
           'lines_in=10 verdict_pass=5 queries=10', text)
    tap.equal(after, expect(more, '10.80.0.99'), 'SIGUSR1: ptrtag goes on '
              'after the signal')
    tap.ok(rc == 0 and final_err == err, 'SIGUSR1: exit 0, nothing more on '
           'stderr without --stats', 'rc %s, stderr %s' % (
               rc, dnstest.short(final_err)))


def case_stats_json(tap, ptrtag, r):
    """--stats=json: SIGUSR1 prints one JSON object, and the exit prints
    another with the final counts."""
    lines = [b'json %d from 10.81.0.%d\n' % (i, i + 1) for i in range(8)] + \
        [b'json %d from %s\n' % (i, NONE_IP.encode()) for i in range(4)] + \
        [b'json plain\n']
    with dnstest.Stream([ptrtag, '-s', r.server, '--stats=json']) as s:
        s.write(b''.join(lines))
        s.read_lines(len(lines), 5)
        s.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 3
        while b'\n' not in s.err and time.monotonic() < deadline:
            s._pump(0.05)
        mid = s.err
        s.close_stdin()
        rc = s.wait(5)
        err = s.err
    objs = []
    for raw in err.decode('utf-8', 'replace').splitlines():
        try:
            objs.append(json.loads(raw))
        except ValueError:
            objs.append(None)
    tap.ok(mid.count(b'\n') == 1 and len(objs) >= 1 and
           isinstance(objs[0], dict), '--stats=json: SIGUSR1 prints one '
           'JSON object', dnstest.short(mid))
    tap.ok(rc == 0 and len(objs) == 2 and isinstance(objs[1], dict),
           '--stats=json: one more JSON object at exit, exit 0',
           'rc %s, stderr %s' % (rc, dnstest.short(err)))
    final = objs[-1] if objs and isinstance(objs[-1], dict) else {}
    want = {'lines_in': 13, 'lines_out': 13, 'verdict_pass': 8,
            'verdict_none': 4, 'queries': 17}
    tap.equal({k: final.get(k) for k in want}, want, '--stats=json: final '
              'counts (13 lines, 8 pass, 4 none: 9 PTR + 8 A queries)')
    tap.ok(all(isinstance(v, int) for v in final.values()) and
           set(STAT_KEYS) <= set(final), '--stats=json: integer counters, '
           'same keys as key=value', str(final))


# ----- --cache-file

def run_ptrtag(ptrtag, server, args, lines):
    return dnstest.run(ptrtag, ['-s', server, '-t', '300', '--tries', '1']
                       + args, b''.join(lines), timeout=30)


def case_cache_file(tap, ptrtag, r):
    """Fill, reuse with the server down, expiry, damaged files."""
    down = '127.0.0.1:%d' % dead_port()
    ips = ['10.90.0.%d' % i for i in range(1, 41)] + [FAIL_IP, NONE_IP]
    lines = [b'cache from %s\n' % ip.encode() for ip in ips]
    want = b''.join(expect(line, ip) for line, ip in zip(lines, ips))
    with tempfile.TemporaryDirectory(prefix='ptrtag-cache-') as tmp:
        cache = os.path.join(tmp, 'ptrtag.cache')
        rc, out, err = run_ptrtag(ptrtag, r.server, ['--cache-file', cache],
                                  lines)
        tap.equal((rc, out, err), (0, want, b''), 'cache file: first run '
                  'against the server: verdicts, exit 0, quiet')
        tap.equal(sorted(os.listdir(tmp)), ['ptrtag.cache'], 'cache file: '
                  'written, no temporary file left behind')
        with open(cache, 'rb') as f:
            good = f.read()
        inode = os.stat(cache).st_ino

        queries = len(r.queries())
        rc, out, err = run_ptrtag(ptrtag, down, ['--cache-file', cache],
                                  lines)
        tap.equal((rc, out, err), (0, want, b''), 'cache file: server down, '
                  'every verdict (pass, fail, none) from the file')
        tap.equal(len(r.queries()), queries, 'cache file: no query sent')
        tap.ok(os.stat(cache).st_ino != inode and
               sorted(os.listdir(tmp)) == ['ptrtag.cache'],
               'cache file: saved again by replacing the file (rename), not '
               'rewritten in place', 'inode %d -> %d, files %s' % (
                   inode, os.stat(cache).st_ino, os.listdir(tmp)))
        fresh = b'cache new from 10.90.1.1\n'
        rc, out, err = run_ptrtag(ptrtag, down, ['--cache-file', cache],
                                  [fresh])
        tap.equal((rc, out), (0, annotate(fresh, kv('10.90.1.1',
                                                     'temperror'))),
                  'cache file: the server really is down (an address not '
                  'in the file: temperror)')

        # Expiry: E cached with a TTL of one second, F with 300 s.
        exp_cache = os.path.join(tmp, 'expiry.cache')
        e_ip, f_ip = '10.91.0.1', '10.91.0.2'
        e_line = b'exp from %s\n' % e_ip.encode()
        f_line = b'exp from %s\n' % f_ip.encode()
        run_ptrtag(ptrtag, r.server, ['--cache-file', exp_cache,
                                      '--min-ttl', '1', '--max-ttl', '1'],
                   [e_line])
        run_ptrtag(ptrtag, r.server, ['--cache-file', exp_cache], [f_line])
        time.sleep(2.2)
        rc, out, err = run_ptrtag(ptrtag, down, ['--cache-file', exp_cache],
                                  [e_line, f_line])
        tap.equal((rc, out), (0, annotate(e_line, kv(e_ip, 'temperror')) +
                              expect(f_line, f_ip)),
                  'cache file: an expired entry is not used (looked up: '
                  'server down), a live one is', 'stderr %s' %
                  dnstest.short(err))

        # Damaged files: one warning line each, then a normal run, and
        # the file is replaced by a good one.
        first_line = good.split(b'\n', 1)[0]
        other = re.sub(rb'\d+\s*$', b'999', first_line)
        rnd = random.Random(6)
        damaged = [
            ('corrupt (random bytes)', bytes(rnd.randrange(256)
                                             for _ in range(3000))),
            ('corrupt (a bad entry line)',
             good.replace(b'10.90.0.7 ', b'10.90.0.7x ', 1)),
            ('truncated in the middle', good[:len(good) // 2]),
            ('truncated at a line end',
             good[:good.index(b'\n', len(good) // 2) + 1]),
            ('of another version', other + good[len(first_line):]),
            ('empty', b''),
        ]
        tap.ok(other != first_line, 'cache file: its first line carries a '
               'version number', dnstest.short(first_line))
        for name, data in damaged:
            path = os.path.join(tmp, 'damaged.cache')
            with open(path, 'wb') as f:
                f.write(data)
            rc, out, err = run_ptrtag(ptrtag, r.server,
                                      ['--cache-file', path], lines)
            text = err.decode('utf-8', 'replace')
            nlines = text.count('\n')
            tap.ok(rc == 0 and out == want and nlines == 1 and
                   text.endswith('\n'), 'cache file %s: one warning line, '
                   'a normal run' % name, 'rc %s, stderr %r, output ok: %s'
                   % (rc, text[:300], out == want))
            rc, out, err = run_ptrtag(ptrtag, down, ['--cache-file', path],
                                      lines)
            tap.equal((rc, out, err), (0, want, b''), 'cache file %s: '
                      'replaced by a good file at exit' % name)
            os.unlink(path)


def main():
    dnstest.run_tests(
        (dnstest.Responder(World()),
         [(case_stop_signal, signal.SIGTERM, 1),
          (case_stop_signal, signal.SIGINT, 2),
          case_second_signal, case_sighup_logrotate, case_sigusr1,
          case_stats_json, case_cache_file]))


if __name__ == '__main__':
    main()
