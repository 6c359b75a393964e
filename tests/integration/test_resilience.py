#!/usr/bin/env python3
"""ptrtag when the resolver is dead, slow, rate-capped or hostile, and when
the reader of its output stalls (ptrtag.1, Guarantees: no line
waits longer than -d, a dead resolver never stalls the stream, memory
stays bounded through backpressure, text from DNS is untrusted).

Every case runs its own ptrtag against a scripted Responder on 127.0.0.1.
The timed cases write lines at a steady rate, each carrying its sequence
number and a fresh address, and stamp every output line as it arrives, so
the delay of each line (arrival minus write) is measured, not guessed.
The worst delays are printed as TAP diagnostics ('# ... worst line
delay ...').

Cases: a dead resolver (back-off, probes, recovery; -d 2000 and -d 200),
a slow one (answers after 600 ms), --max-qps (paced and all at once), a
reader that stalls (backpressure, RSS), input left buffered when taking
input stops at the output high-water mark or at a full window (it must
not wait for more input), and hostile answers (spoofs, malformed
packets, overlong or non-host names, 300-record RRsets, CNAME chains).

Timing slack: NOISE (0.3 s) on top of --max-delay covers the scheduler
and this Python harness, which writes, reads and answers DNS in one
process (the Responder runs in a thread).
"""

import fcntl
import ipaddress
import os
import re
import select
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate, reverse_name              # noqa: E402

NOISE = 0.3

# ----- a DNS world where every address confirms

HOST_SUFFIX = 'fwd.example.net'


# The address spelled in letters that are neither digits nor hex digits
# (so the name does not look generic, ptrtag.1) and form none of the
# generic tokens: 0-9 -> g-o and q, '.' -> x, ':' -> y.
_SPELL = str.maketrans('0123456789.:', 'ghijklmnoqxy')
_UNSPELL = str.maketrans('ghijklmnoqxy', '0123456789.:')


def host_for(ip):
    """The name every address's PTR points to (rhgxkxgxh.fwd.example.net
    for 10.4.0.1), whose A/AAAA is the address again."""
    return 'r%s.%s' % (ip.translate(_SPELL), HOST_SUFFIX)


def ip_for(host):
    """Inverse of host_for, or None."""
    if not host.endswith('.' + HOST_SUFFIX) or not host.startswith('r'):
        return None
    try:
        return str(ipaddress.ip_address(
            host[1:-len(HOST_SUFFIX) - 1].translate(_UNSPELL)))
    except ValueError:
        return None


def ptr_of(qname):
    """The address whose reverse name qname is, or None."""
    labels = qname.split('.')
    try:
        if qname.endswith('.in-addr.arpa') and len(labels) == 6:
            return str(ipaddress.IPv4Address('.'.join(reversed(labels[:4]))))
        if qname.endswith('.ip6.arpa') and len(labels) == 34:
            nibbles = ''.join(reversed(labels[:32]))
            return str(ipaddress.IPv6Address(int(nibbles, 16)))
    except ValueError:
        return None
    return None


def confirming_answer(qname, qtype, msg):
    """PTR -> host_for(ip); A/AAAA of that host -> ip; else NXDOMAIN."""
    if qtype == 'PTR':
        ip = ptr_of(qname)
        if ip is not None:
            return dnstest.answer(msg, [('PTR', None, host_for(ip))])
    elif qtype in ('A', 'AAAA'):
        ip = ip_for(qname)
        if ip is not None:
            want = 'A' if ':' not in ip else 'AAAA'
            if want == qtype:
                return dnstest.answer(msg, [(qtype, None, ip)])
            return dnstest.nodata(msg, HOST_SUFFIX)
    return dnstest.nxdomain(msg, dnstest._soa_zone_for(qname,
                                                        HOST_SUFFIX))


class Switch:
    """A handler that drops everything while dead and answers with
    confirming_answer() once alive (the server "comes back")."""

    def __init__(self, alive=False, delay=0.0):
        self.alive = alive
        self.delay = delay
        self.revived_at = None

    def revive(self):
        self.revived_at = time.monotonic()
        self.alive = True

    def __call__(self, qname, qtype, msg):
        if not self.alive:
            return None
        reply = confirming_answer(qname, qtype, msg)
        if self.delay:
            return ('delay', self.delay, reply)
        return reply


# ----- timed streaming

VERDICT_RE = re.compile(rb' rdns_fcrdns=([a-z]+)')


def verdict_of(line):
    m = VERDICT_RE.findall(line)
    return m[-1].decode() if m else None


def strip_groups(line):
    """line without the kv block appended before its terminator, and the
    groups as [(ip, host or None, verdict)]."""
    body, groups, _ = dnstest.parse_kv(line)
    return body, [(g.ip, g.host, g.verdict) for g in groups]


class Timed:
    """A dnstest.Stream whose output lines are stamped on arrival."""

    def __init__(self, stream):
        self.s = stream
        self.got = []           # [(line, monotonic time of arrival)]
        self.sent = []          # [monotonic time of write] per input line

    def collect(self, timeout):
        self.s._pump(max(0.0, timeout))
        now = time.monotonic()
        while b'\n' in self.s.out:
            line, _, self.s.out = self.s.out.partition(b'\n')
            self.got.append((line + b'\n', now))

    def write(self, line):
        self.s.write(line)
        self.sent.append(time.monotonic())
        self.collect(0)

    def pace(self, lines, rate, stop=None):
        """Write lines at rate per second; stop(i) may end it early.
        Returns how many were written."""
        start = time.monotonic()
        for i, line in enumerate(lines):
            if stop is not None and stop(i):
                return i
            due = start + i / rate
            while True:
                left = due - time.monotonic()
                if left <= 0:
                    break
                self.collect(left)
            self.write(line)
        return len(lines)

    def wait_all(self, timeout):
        deadline = time.monotonic() + timeout
        while len(self.got) < len(self.sent) and not self.s.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.collect(min(left, 0.05))
        return len(self.got) == len(self.sent)

    def delays(self):
        return [t - self.sent[i] for i, (_, t) in enumerate(self.got)
                if i < len(self.sent)]


def addr_lines(ips, tag):
    return [b'%s seq=%06d sshd[7]: Connection from %s port 22\n' %
            (tag, i, ip.encode()) for i, ip in enumerate(ips)]


def v4_block(second, count, third_base=0):
    """count distinct addresses 10.<second>.x.y."""
    return ['10.%d.%d.%d' % (second, third_base + i // 250, i % 250 + 1)
            for i in range(count)]


def lines_in_order(tap, timed, name, want):
    """Output line i is input line i, annotations stripped."""
    got = [strip_groups(line)[0] for line, _ in timed.got]
    tap.ok(got == want, name, lambda: dnstest.first_difference(got, want))


# ----- cases: dead resolver

def case_dead_resolver(tap, ptrtag):
    """-d 2000 -t 500 --tries 1, 100 lines/s with fresh addresses for 8 s
    against a server that drops everything, then the server comes back.

    Every line comes out within --max-delay + NOISE; once back-off has
    started (the first lookups lost after 0.5 s, then a liveness probe
    lost too, about 1 s in) new addresses are
    skipped and the server sees one probe at a time, at growing
    intervals (1, 2, 4, 8 s), so far fewer queries than addresses; after
    it comes back, the next probe's answer ends the back-off and new
    addresses get real verdicts again."""
    dead_secs, rate = 8.0, 100
    sw = Switch(alive=False)
    with dnstest.Responder(sw) as r:
        argv = [ptrtag, '-s', r.server, '-d', '2000', '-t', '500',
                '--tries', '1']
        with dnstest.Stream(argv) as s:
            timed = Timed(s)
            start = time.monotonic()
            dead_ips = v4_block(1, int(dead_secs * rate))
            dead_lines = addr_lines(dead_ips, b'dead')
            timed.pace(dead_lines, rate)
            n_dead = len(timed.sent)
            sw.revive()
            # Keep streaming fresh addresses until one gets pass, then
            # two more seconds (bounded: 12 s).
            alive_ips = v4_block(2, 12 * rate)
            alive_lines = addr_lines(alive_ips, b'live')
            seen = {'pass_at': None, 'scanned': n_dead}

            def stop(i):
                while seen['pass_at'] is None and \
                        seen['scanned'] < len(timed.got):
                    line, t = timed.got[seen['scanned']]
                    seen['scanned'] += 1
                    if verdict_of(line) == 'pass':
                        seen['pass_at'] = t
                return seen['pass_at'] is not None and \
                    time.monotonic() - seen['pass_at'] > 2.0
            timed.pace(alive_lines, rate, stop)
            complete = timed.wait_all(5)
            s.close_stdin()
            rc = s.wait(10)

        delays = timed.delays()
        worst = max(delays) if delays else 99.0
        tap.diag('dead resolver, -d 2000 -t 500 --tries 1: worst line delay '
                 '%.0f ms over %d lines' % (worst * 1000, len(delays)))
        tap.ok(complete and len(timed.got) == len(timed.sent),
               'dead resolver -d 2000: every line comes out',
               'wrote %d, got %d' % (len(timed.sent), len(timed.got)))
        tap.ok(worst <= 2.0 + NOISE, 'dead resolver -d 2000: no line held '
               'longer than --max-delay + %.1f s' % NOISE,
               'worst delay %.3f s (line %d)' % (worst, delays.index(worst)
                                                 if delays else -1))
        tap.equal(rc, 0, 'dead resolver -d 2000: exit 0', 'stderr: %s' %
                  dnstest.short(s.err))
        tags = [strip_groups(line)[0] for line in
                dead_lines + alive_lines][:len(timed.sent)]
        lines_in_order(tap, timed, 'dead resolver: lines out in order, '
                       'unchanged apart from annotations', tags)

        # The dead phase: verdicts and queries. (A line written in the last
        # 0.1 s before the revival may have its query answered.)
        dead_got = [got for got, sent in zip(timed.got[:n_dead], timed.sent)
                    if sent < sw.revived_at - 0.1]
        verdicts = [verdict_of(line) for line, _ in dead_got]
        tap.ok(set(verdicts) <= {'timeout', 'temperror', 'skipped'},
               'dead phase: every verdict is timeout, temperror or skipped',
               'verdicts: %s' % sorted(set(map(str, verdicts))))
        ptr = [q for q in r.queries(qtype='PTR') if q.time < sw.revived_at]
        tap.diag('dead phase: %d addresses, %d PTR queries, %d skipped' % (
            n_dead, len(ptr), verdicts.count('skipped')))
        # About 1 s of lookups (100) before back-off, plus the probes.
        tap.ok(len(ptr) <= 0.25 * n_dead, 'dead phase: the server sees far '
               'fewer queries than addresses (<= 25%)',
               '%d queries for %d addresses' % (len(ptr), n_dead))
        # Back-off starts about 1 s in (lookups lost at 0.5 s, then the
        # probe sent then lost at 1 s); from 1.5 s on only probes go out,
        # one at a time, >= 1 s apart.
        late = sorted(q.time for q in ptr if q.time > start + 1.5)
        gaps = [b - a for a, b in zip(late, late[1:])]
        tap.ok(late and min(gaps or [9]) >= 0.9 and len(late) <= 6,
               'dead phase: after back-off only single probes, at least '
               '1 s apart', 'probe times after start: %s' % [
                   round(t - start, 2) for t in late])
        after = [v for (line, t), v, sent in
                 zip(dead_got, verdicts, timed.sent)
                 if sent > start + 1.5]
        not_skipped = [v for v in after if v != 'skipped']
        tap.ok(after and len(not_skipped) <= len(late),
               'dead phase: once backing off, new addresses are skipped '
               '(only probe lines are not)',
               '%d of %d lines not skipped, %d probes' % (
                   len(not_skipped), len(after), len(late)))

        # Recovery.
        alive_got = timed.got[n_dead:]
        passes = [(t, i) for i, (line, t) in enumerate(alive_got)
                  if verdict_of(line) == 'pass']
        if not passes:
            tap.ok(False, 'recovery: new addresses get pass once the server '
                   'is back', 'no pass in %d lines after revival' %
                   len(alive_got))
            return
        recovered = passes[0][0] - sw.revived_at
        tap.diag('recovery: first pass %.2f s after the server came back' %
                 recovered)
        # The probe interval reaches 8 s by the end of the dead phase, so
        # the next probe is due within 8 s of the revival at the latest.
        tap.ok(recovered <= 10.0, 'recovery: a new address gets pass within '
               '10 s of the server coming back (probe interval <= 8 s)',
               'first pass after %.2f s' % recovered)
        first_sent = timed.sent[n_dead + passes[0][1]]
        later = [(line, v) for (line, t), sent in
                 zip(alive_got, timed.sent[n_dead:])
                 for v in [verdict_of(line)] if sent > first_sent + 0.2]
        bad = [line for line, v in later if v != 'pass']
        tap.ok(later and not bad, 'recovery: after the first pass every new '
               'address gets pass (back-off over)',
               lambda: '%d of %d not pass, first: %s' % (
                   len(bad), len(later), dnstest.short(bad[0]) if bad
                   else ''))


def case_dead_short_delay(tap, ptrtag):
    """The same dead server with -d 200: every line leaves within 200 ms
    + NOISE, as timeout (lookup unfinished) or skipped (back-off)."""
    rate = 100
    with dnstest.Responder(lambda qname, qtype, msg: None) as r:
        argv = [ptrtag, '-s', r.server, '-d', '200', '-t', '500',
                '--tries', '1']
        with dnstest.Stream(argv) as s:
            timed = Timed(s)
            timed.pace(addr_lines(v4_block(3, 5 * rate), b'dd'), rate)
            complete = timed.wait_all(5)
            s.close_stdin()
            rc = s.wait(10)
        delays = timed.delays()
        worst = max(delays) if delays else 99.0
        tap.diag('dead resolver, -d 200 -t 500 --tries 1: worst line delay '
                 '%.0f ms over %d lines' % (worst * 1000, len(delays)))
        tap.ok(complete, 'dead resolver -d 200: every line comes out',
               'wrote %d, got %d' % (len(timed.sent), len(timed.got)))
        tap.ok(worst <= 0.2 + NOISE, 'dead resolver -d 200: no line held '
               'longer than 200 ms + %.1f s' % NOISE,
               'worst delay %.3f s' % worst)
        verdicts = set(verdict_of(line) for line, _ in timed.got)
        tap.ok(verdicts <= {'timeout', 'skipped'}, 'dead resolver -d 200: '
               'verdicts are timeout or skipped', 'verdicts %s' %
               sorted(map(str, verdicts)))
        tap.equal(rc, 0, 'dead resolver -d 200: exit 0')
        # Back-off needs a lost probe after the first lost lookups: about
        # 1 s (100 lookups) of the 5 s go out, and the probes.
        tap.ok(r.count(qtype='PTR') <= 0.25 * len(timed.sent),
               'dead resolver -d 200: far fewer queries than addresses',
               '%d queries' % r.count(qtype='PTR'))


# ----- cases: slow resolver

def case_slow_resolver(tap, ptrtag):
    """Every answer (PTR and A) comes after 600 ms. With -d 200 -t 2000
    each line leaves on time as timeout, the lookups go on, and the same
    addresses later get pass from the cache with no new PTR query. With
    -d 2000 the whole lookup (600 + 600 ms) fits and lines pass."""
    count, rate = 20, 10
    ips = v4_block(4, count)
    with dnstest.Responder(Switch(alive=True, delay=0.6)) as r:
        argv = [ptrtag, '-s', r.server, '-d', '200', '-t', '2000']
        first = addr_lines(ips, b'slow1')
        again = addr_lines(ips, b'slow2')
        with dnstest.Stream(argv) as s:
            timed = Timed(s)
            timed.pace(first, rate)
            timed.wait_all(3)
            n_first = len(timed.got)
            answered = r.wait_for(lambda: len(r.replies(qtype='A')) >= count,
                                  5)
            time.sleep(0.1)
            timed.pace(again, rate)
            complete = timed.wait_all(3)
            s.close_stdin()
            rc = s.wait(10)
        delays = timed.delays()[:n_first]
        worst = max(delays) if delays else 99.0
        tap.diag('slow resolver (600 ms), -d 200 -t 2000: worst line delay '
                 '%.0f ms' % (worst * 1000))
        tap.ok(n_first == count and worst <= 0.2 + NOISE,
               'slow resolver -d 200: lines leave within 200 ms + %.1f s' %
               NOISE, 'got %d of %d; worst delay %.3f s' % (
                   n_first, count, worst))
        want = [annotate(line, kv(ip, 'timeout'))
                for line, ip in zip(first, ips)]
        tap.equal([line for line, _ in timed.got[:n_first]], want,
                  'slow resolver -d 200: each written with timeout')
        tap.ok(answered, 'slow resolver: the lookups went on (A answers '
               'sent after the lines left)')
        want = [annotate(line, kv(ip, 'pass', host_for(ip)))
                for line, ip in zip(again, ips)]
        got = [line for line, _ in timed.got[n_first:]]
        tap.ok(complete and got == want, 'slow resolver: the same addresses '
               'later get pass from the cache',
               lambda: dnstest.first_difference(got, want))
        later = timed.delays()[n_first:]
        tap.ok(later and max(later) <= NOISE, 'slow resolver: cached lines '
               'leave at once', 'worst %.3f s' % max(later or [99]))
        per_addr = [r.count(reverse_name(ip), 'PTR') for ip in ips]
        tap.equal(per_addr, [1] * count, 'slow resolver: one PTR query per '
                  'address, none for the later lines')
        tap.equal(rc, 0, 'slow resolver -d 200: exit 0')

    ips = v4_block(5, count)
    with dnstest.Responder(Switch(alive=True, delay=0.6)) as r:
        argv = [ptrtag, '-s', r.server, '-d', '2000', '-t', '2000']
        lines = addr_lines(ips, b'slow3')
        with dnstest.Stream(argv) as s:
            timed = Timed(s)
            timed.pace(lines, rate)
            complete = timed.wait_all(5)
            s.close_stdin()
            rc = s.wait(10)
        delays = timed.delays()
        worst = max(delays) if delays else 99.0
        tap.diag('slow resolver (600 ms), -d 2000 -t 2000: worst line delay '
                 '%.0f ms' % (worst * 1000))
        want = [annotate(line, kv(ip, 'pass', host_for(ip)))
                for line, ip in zip(lines, ips)]
        got = [line for line, _ in timed.got]
        tap.ok(complete and got == want, 'slow resolver -d 2000: every line '
               'passes (PTR + A in about 1.2 s)',
               lambda: dnstest.first_difference(got, want))
        tap.ok(worst <= 2.0 + NOISE, 'slow resolver -d 2000: no line held '
               'longer than --max-delay + %.1f s' % NOISE,
               'worst %.3f s' % worst)
        tap.equal(rc, 0, 'slow resolver -d 2000: exit 0')


# ----- case: --max-qps

def case_max_qps(tap, ptrtag):
    """--max-qps 50, 2000 lines with fresh addresses at 500 lines/s (4 s):
    the server sees at most 50 queries per second (plus the one second's
    worth the bucket starts with), in any one-second window at most two
    seconds' worth; the other addresses are skipped; every line comes
    out. Each admitted lookup is one PTR and one A query, both counted."""
    qps, count, rate = 50, 2000, 500
    ips = v4_block(6, count)
    lines = addr_lines(ips, b'qps')
    with dnstest.Responder(Switch(alive=True)) as r:
        argv = [ptrtag, '-s', r.server, '--max-qps', str(qps), '-d', '2000',
                '-t', '1000']
        with dnstest.Stream(argv) as s:
            started = time.monotonic()
            timed = Timed(s)
            timed.pace(lines, rate)
            complete = timed.wait_all(5)
            s.close_stdin()
            rc = s.wait(10)
            ended = time.monotonic()
        queries = sorted(q.time for q in r.queries())
        span = ended - started
        window = max((sum(1 for u in queries if t <= u < t + 1.0)
                      for t in queries), default=0)
        verdicts = [verdict_of(line) for line, _ in timed.got]
        npass, nskip = verdicts.count('pass'), verdicts.count('skipped')
        tap.diag('--max-qps %d: %d queries (%d PTR) in %.1f s, at most %d in '
                 'one second; %d pass, %d skipped' % (
                     qps, len(queries), r.count(qtype='PTR'), span, window,
                     npass, nskip))
        tap.ok(complete and len(timed.got) == count, '--max-qps: every line '
               'comes out', 'got %d of %d' % (len(timed.got), count))
        tap.ok(len(queries) <= qps * span + qps + 4, '--max-qps: total '
               'queries <= %d/s x run time + one second of burst' % qps,
               '%d queries in %.1f s' % (len(queries), span))
        tap.ok(window <= 2 * qps + 4, '--max-qps: at most %d queries in any '
               'one second' % (2 * qps + 4), 'max %d' % window)
        tap.ok(len(queries) >= 0.5 * qps * (span - 1.5), '--max-qps: the cap '
               'is used, not everything shed', '%d queries' % len(queries))
        tap.ok(set(verdicts) <= {'pass', 'skipped'} and
               npass == r.count(qtype='PTR'), '--max-qps: each admitted '
               'address passes, the rest are skipped',
               'verdicts %s, %d pass, %d PTR queries' % (
                   sorted(set(map(str, verdicts))), npass,
                   r.count(qtype='PTR')))
        tap.ok(nskip >= count - qps * (span + 1), '--max-qps: most addresses '
               'skipped', '%d skipped' % nskip)
        tap.equal(rc, 0, '--max-qps: exit 0')


def case_max_qps_flood(tap, ptrtag):
    """--max-qps 50, 2000 lines with fresh addresses written at once: the
    bucket's one second's worth (50 lookups) goes out, the other 1950
    addresses are skipped at once, and every line comes out within a
    second (nothing waits for tokens)."""
    qps, count = 50, 2000
    ips = v4_block(8, count)
    lines = addr_lines(ips, b'flood')
    with dnstest.Responder(Switch(alive=True)) as r:
        argv = [ptrtag, '-s', r.server, '--max-qps', str(qps)]
        with dnstest.Stream(argv) as s:
            start = time.monotonic()
            s.write(b''.join(lines))
            got = s.read_lines(count, 5)
            took = time.monotonic() - start
            s.close_stdin()
            rc = s.wait(10)
    verdicts = [verdict_of(line) for line in got]
    ptr = r.count(qtype='PTR')
    tap.diag('--max-qps %d, %d lines at once: %d PTR queries, %d pass, %d '
             'skipped, all out in %.2f s' % (qps, count, ptr,
                                             verdicts.count('pass'),
                                             verdicts.count('skipped'),
                                             took))
    tap.ok(len(got) == count and took <= 1.0 + NOISE, '--max-qps flood: '
           'every line out within a second', '%d lines in %.2f s' % (
               len(got), took))
    tap.ok(qps - 2 <= ptr <= qps + 2, '--max-qps flood: one second\'s '
           'worth of lookups (%d) sent' % qps, '%d PTR queries' % ptr)
    tap.ok(verdicts.count('pass') == ptr and
           verdicts.count('skipped') == count - ptr, '--max-qps flood: the '
           'admitted addresses pass, all others skipped',
           sorted(set(map(str, verdicts))))
    tap.equal(rc, 0, '--max-qps flood: exit 0')


# ----- case: backpressure

BP_LINES = 300000
BP_DISTINCT = 1000
BP_STALL = 3.0
# Resident memory bound while the reader stalls. What ptrtag may hold:
# the window (at most 4096 lines or 8 MiB; here 4096 x ~100 bytes), 1 MiB
# of unwritten output, its 320 KiB input buffer, the cache (1000 entries),
# the c-ares channels (-j 16 here: 16 UDP and 4 TCP channels, about 100 KB
# each; the default -j 256 would add 19 MB of them, see ptrtag(1), DNS
# TRANSPORT, and hide what this bounds), PCRE2 with its JIT code and the
# C library; measured about 6 MiB. Even a full 8 MiB window would stay under 16 MiB; 24 MiB
# leaves room for allocator slack, and is below the 30 MB of input that
# ptrtag would hold if it did not stop reading.
BP_RSS_MAX_KB = 24 * 1024
# Input ptrtag may take while its output is stalled: window (8 MiB at
# most) + output buffer (1 MiB) + input buffer + the pipes' 64 KiB each.
BP_TAKEN_MAX = 10 * 1024 * 1024


def bp_line(i):
    ip = '10.7.%d.%d' % (i % BP_DISTINCT // 250, i % 250 + 1)
    return ip, (b'%06d Nov 26 13:02:11 gw sshd[811]: Failed password for '
                b'root from %s port %05d ssh2 pad=%s\n' % (
                    i, ip.encode(), i % 65536, b'x' * (i % 13)))


def vm_rss_kb(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def case_backpressure(tap, ptrtag, asan):
    """300k lines (~30 MB) written by a thread; the reader stops reading
    for 3 s after the first 2 MB: ptrtag stops reading input (the writer
    blocks), its resident memory stays under BP_RSS_MAX_KB, and once the
    reader resumes every line comes out exactly once, in order,
    byte-identical apart from the annotation."""
    with dnstest.Responder(Switch(alive=True)) as r:
        proc = subprocess.Popen([ptrtag, '-s', r.server, '-j', '16'],
                                stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        try:
            result = backpressure_run(proc)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    check_backpressure(tap, asan, *result)


def backpressure_run(proc):
    """Feed 300k lines from a thread; read 2 MB, stall BP_STALL seconds
    (sampling VmRSS and the writer's progress), read the rest."""
    feeder = dnstest.Feeder(proc.stdin, (bp_line(i)[1]
                                         for i in range(BP_LINES)),
                            500, flush=True)
    feeder.start()
    out = bytearray()
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + 60

    def read(size):
        """Up to size bytes; b'' at EOF or at the deadline."""
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b''
        return os.read(fd, size)
    while len(out) < 2 * 1024 * 1024:
        data = read(65536)
        if not data:
            break
        out += data
    # Stall.
    stall_start = time.monotonic()
    at_stall_in = feeder.sent
    peak, taken_at = 0, {}
    while time.monotonic() - stall_start < BP_STALL:
        peak = max(peak, vm_rss_kb(proc.pid))
        if time.monotonic() - stall_start > 1.0 and 1.0 not in taken_at:
            taken_at[1.0] = feeder.sent
        time.sleep(0.05)
    taken_at[BP_STALL] = feeder.sent
    at_stall = len(out)
    # Resume.
    while True:
        data = read(1 << 20)
        if not data:
            break
        out += data
    feeder.join(10)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    return (out, feeder.sent, feeder.failure, rc, peak, taken_at, at_stall,
            at_stall_in)


def check_backpressure(tap, asan, out, written, failure, rc, peak, taken_at,
                       at_stall, at_stall_in):
    tap.diag('backpressure: reader stalled after %d output bytes, when %d '
             'input bytes were written; %d written by the end of the stall '
             '(%d in its last 2 s); peak VmRSS %.1f MB' % (
                 at_stall, at_stall_in, taken_at[BP_STALL],
                 taken_at[BP_STALL] - taken_at.get(1.0, 0), peak / 1024))
    tap.ok(taken_at[BP_STALL] == taken_at.get(1.0) and
           taken_at[BP_STALL] < written, 'backpressure: ptrtag stops '
           'reading input while its output is not read (writer blocked for '
           'the last 2 s of the stall)',
           'written at 1 s %s, at 3 s %d, in all %d' % (
               taken_at.get(1.0), taken_at[BP_STALL], written))
    tap.ok(taken_at[BP_STALL] - at_stall <= BP_TAKEN_MAX + 2 * 1024 * 1024,
           'backpressure: input taken ahead of the reader is bounded by the '
           'window and buffers (about 10 MiB)',
           'input written %d, output read %d' % (taken_at[BP_STALL],
                                                 at_stall))
    if asan:
        tap.skip('backpressure: VmRSS under %d MB while stalled' %
                 (BP_RSS_MAX_KB // 1024), 'AddressSanitizer build')
    else:
        tap.ok(0 < peak <= BP_RSS_MAX_KB, 'backpressure: VmRSS under %d MB '
               'while stalled' % (BP_RSS_MAX_KB // 1024),
               'peak %d kB' % peak)
    tap.ok(not failure and rc == 0, 'backpressure: writer finished, exit 0',
           'writer: %s, rc %s' % (failure, rc))
    # Every line exactly once, in order, identical apart from annotation.
    lines = bytes(out).split(b'\n')
    tail = lines.pop()
    bad = []
    if tail or len(lines) != BP_LINES:
        bad.append('got %d lines (+%d bytes unterminated), want %d' % (
            len(lines), len(tail), BP_LINES))
    for i, line in enumerate(lines[:BP_LINES]):
        ip, want = bp_line(i)
        body, groups = strip_groups(line + b'\n')
        if body != want or [g[0] for g in groups] != [ip] or \
                groups[0][2] != 'pass':
            bad.append('line %d: %s' % (i + 1, dnstest.short(line)))
            if len(bad) > 3:
                break
    tap.ok(not bad, 'backpressure: all %d lines out exactly once, in order, '
           'unchanged apart from the annotation (pass)' % BP_LINES,
           '\n'.join(bad))


# ----- case: output high-water mark with -o FILE

# A valid 189-byte name: each 14-byte input line grows by about 230 bytes,
# so an input buffer's worth of lines (256 KiB) makes far more than the
# 1 MiB of output ptrtag holds before it stops taking input.
BIG_HOST = '.'.join(['a' * 60, 'b' * 60, 'c' * 60, 'example', 'com'])
HW_IP = '192.0.2.201'
F_SETPIPE_SZ = 1031     # Linux fcntl


def big_host_handler(qname, qtype, msg):
    if qtype == 'PTR' and qname == reverse_name(HW_IP):
        return dnstest.answer(msg, [('PTR', None, BIG_HOST)])
    if qtype == 'A' and qname == BIG_HOST:
        return dnstest.answer(msg, [('A', None, HW_IP)])
    return dnstest.nxdomain(msg, 'example.com')


def count_lines(path):
    try:
        with open(path, 'rb') as f:
            return f.read().count(b'\n')
    except OSError:
        return 0


def case_output_high_water(tap, ptrtag):
    """Lines whose annotation is 20 times their length, written to -o
    FILE (a file takes all of the output buffer at once). Taking input
    stops at the 1 MiB output mark while complete lines are still
    buffered; once that output is written, those lines must be taken
    without waiting for more input:
    (a) a burst of 40000 such lines, then input pauses: within
        --max-delay every one is in the file (ptrtag.1, Guarantees: when input stops,
        every line that is ready has been written);
    (b) a FILE argument of 100000 such lines: ptrtag writes them all and
        exits 0 at end of input."""
    line = b'hw %s\n' % HW_IP.encode()
    want = annotate(line, kv(HW_IP, 'pass', BIG_HOST))
    with dnstest.Responder(big_host_handler) as r, \
            tempfile.TemporaryDirectory(prefix='ptrtag-hw-') as tmp:
        out = os.path.join(tmp, 'out.log')
        argv = [ptrtag, '-s', r.server, '-d', '1000', '-o', out]
        with dnstest.Stream(argv) as s:
            # A 1 MiB pipe, so the burst sits in it whole and ptrtag reads
            # a full input buffer (256 KiB) at a time.
            try:
                fcntl.fcntl(s.proc.stdin.fileno(), F_SETPIPE_SZ, 1 << 20)
            except OSError:
                pass
            s.write(line)
            warm = dnstest.wait_until(lambda: count_lines(out) == 1, 3)
            s.write(line * 40000)
            done = time.monotonic()
            dnstest.wait_until(lambda: count_lines(out) == 40001,
                               1.0 + NOISE)
            got = count_lines(out)
            took = time.monotonic() - done
            s.close_stdin()
            rc = s.wait(5)
        tap.ok(warm and got == 40001, '-o FILE, burst of 40000 lines with '
               'long annotations, then a pause: every line in the file '
               'within --max-delay', '%d of 40001 lines in the file %.1f s '
               'after the burst' % (got, took))
        tap.equal(rc, 0, '-o FILE, burst then EOF: exit 0')

        src = os.path.join(tmp, 'in.log')
        with open(src, 'wb') as f:
            f.write(line * 100000)
        os.unlink(out)
        rc, _, err = dnstest.run(ptrtag, ['-s', r.server, '-o', out, src],
                                 timeout=15)
        with open(out, 'rb') as f:
            data = f.read()
        tap.ok(rc == 0 and data == want * 100000, '-o FILE with a FILE of '
               '100000 lines with long annotations: all written, exit 0 at '
               'end of input', 'rc %s (None: killed after 15 s), %d of '
               '100000 lines written; stderr %s' % (
                   rc, data.count(b'\n'), dnstest.short(err)))


def case_window_full_resume(tap, ptrtag):
    """A line whose lookup takes 1 s, then 5000 lines without addresses,
    all in one write (a 1 MiB pipe, so ptrtag reads them at once): the
    window (4096 lines) fills behind the slow line with about 900 lines
    left in ptrtag's input buffer, and input then stays idle. When the
    answer comes, all 5001 lines must come out: the buffered ones may not
    wait for more input (ptrtag.1, Guarantees: when input stops, every line that is
    ready has been written). The lines are short (8 bytes), so the 4096
    lines written when the answer comes fit in the output pipe at once."""
    slow_ip = '192.0.2.202'

    def handler(qname, qtype, msg):
        reply = dnstest.nxdomain(msg, 'in-addr.arpa')
        return ('delay', 1.0, reply) if qname == reverse_name(slow_ip) \
            else reply
    lines = [b'slow from %s\n' % slow_ip.encode()] + \
        [b'p %05d\n' % i for i in range(5000)]
    want = [annotate(lines[0], kv(slow_ip, 'none'))] + lines[1:]
    with dnstest.Responder(handler) as r:
        with dnstest.Stream([ptrtag, '-s', r.server, '-d', '3000']) as s:
            try:
                fcntl.fcntl(s.proc.stdin.fileno(), F_SETPIPE_SZ, 1 << 20)
            except OSError:
                pass
            start = time.monotonic()
            s.write(b''.join(lines))
            got = s.read_lines(len(lines), 1.0 + 1.0 + NOISE)
            took = time.monotonic() - start
            s.close_stdin()
            rc = s.wait(5)
    tap.ok(got == want, 'window full behind a slow lookup, input idle: '
           'all 5001 lines out once the answer comes (%.1f s)' % took,
           lambda: '%d of %d lines; %s' % (len(got), len(want),
                                           dnstest.first_difference(
                                               got, want)))
    tap.equal(rc, 0, 'window full behind a slow lookup: exit 0')


# ----- cases: hostile answers

HARGS = ['-t', '300', '--tries', '1', '-d', '3000']


def _rr_raw(owner_wire, rtype, rdata, ttl=300):
    return dnstest.rr(owner_wire, rtype, rdata, ttl)


def _qowner(msg):
    return dnstest.parse_question(msg).wire[:-4]


def hostile_table():
    """(name, ip, handler action for its PTR query, forward table,
    expected groups, ptrtag arguments, extra check on the queries) for
    each hostile-answer case."""
    cases = []

    def add(name, ip, action, groups, forward=None, args=None, check=None):
        cases.append((name, ip, action, groups, forward or {}, args or HARGS,
                      check))

    # Wrong query ID: ignored, so the try times out: temperror.
    def wrong_id(msg):
        reply = dnstest.answer(msg, [('PTR', None, 'evil-id.example.org')])
        return bytes([reply[0] ^ 0x5a, reply[1] ^ 0xa5]) + reply[2:]
    add('wrong query ID only: ignored, temperror', '192.0.2.101', wrong_id,
        [kv('192.0.2.101', 'temperror')])

    # A spoof with the wrong ID first, the real answer 50 ms later.
    def spoof_then_real(msg):
        return ('seq', [wrong_id(msg), ('delay', 0.05, dnstest.answer(
            msg, [('PTR', None, 'real.example.com')]))])
    add('wrong-ID spoof then the real answer: spoof ignored, pass',
        '192.0.2.102', spoof_then_real,
        [kv('192.0.2.102', 'pass', 'real.example.com')],
        {'real.example.com': ['192.0.2.102']})

    # Same ID, but the question is another name: not our answer.
    def wrong_question(msg):
        q = dnstest.parse_question(msg)
        other = dnstest.build_query(reverse_name('198.51.100.1'), 'PTR',
                                    msgid=q.msgid)
        return dnstest.answer(other, [('PTR', None, 'evil-q.example.org')])
    add('wrong question name: ignored, temperror', '192.0.2.103',
        wrong_question, [kv('192.0.2.103', 'temperror')])

    def wrong_question_then_real(msg):
        return ('seq', [wrong_question(msg), ('delay', 0.05, dnstest.answer(
            msg, [('PTR', None, 'real-q.example.com')]))])
    add('wrong-question spoof then the real answer: pass', '192.0.2.104',
        wrong_question_then_real,
        [kv('192.0.2.104', 'pass', 'real-q.example.com')],
        {'real-q.example.com': ['192.0.2.104']})

    # Truncated in the middle of the second PTR record (TC not set).
    def cut(msg):
        full = dnstest.answer(msg, [('PTR', None, 'cut-one.example.com'),
                                    ('PTR', None, 'cut-two.example.com')])
        return full[:len(full) - 8]
    add('packet cut in the middle of an answer record: permerror',
        '192.0.2.105', cut, [kv('192.0.2.105', 'permerror')],
        {'cut-one.example.com': ['192.0.2.105']})

    # Compression loops: a PTR target pointing at itself, and an owner
    # name pointing at itself.
    def target_loop(msg):
        # Header and question, then one PTR RR (owner: a pointer to the
        # question name at offset 12) whose rdata is a pointer to itself.
        body = bytearray(dnstest.reply(msg, []))
        body[6:8] = struct.pack('!H', 1)
        body += b'\xc0\x0c' + struct.pack('!HHIH', 12, 1, 300, 2)
        body += struct.pack('!H', 0xC000 | len(body))
        return bytes(body)
    add('compression loop in the PTR target: permerror', '192.0.2.106',
        target_loop, [kv('192.0.2.106', 'permerror')])

    def owner_loop(msg):
        # One RR whose owner name is a pointer to itself.
        body = bytearray(dnstest.reply(msg, []))
        body[6:8] = struct.pack('!H', 1)
        body += struct.pack('!H', 0xC000 | len(body))
        body += struct.pack('!HHIH', 12, 1, 300, 0)
        return bytes(body)
    add('compression loop in an answer owner name: permerror',
        '192.0.2.107', owner_loop, [kv('192.0.2.107', 'permerror')])

    # Names over 255 bytes on the wire: plain, and built by compression.
    long_labels = [b'a' * 60] * 4 + [b'example', b'com']   # 257 bytes

    def too_long(msg):
        target = dnstest.encode_labels(long_labels)
        return dnstest.reply(msg, [_rr_raw(_qowner(msg), 'PTR', target)])
    add('PTR name over 255 bytes: permerror', '192.0.2.108', too_long,
        [kv('192.0.2.108', 'permerror')])

    def too_long_compressed(msg):
        # First record: a valid name of 246 wire bytes; second: one
        # more 60-byte label, then a pointer to the first (307 bytes).
        first = dnstest.encode_labels([b'b' * 60] * 3 + [b'c' * 59, b'x'])
        base = len(dnstest.reply(msg, []))
        rr1 = _rr_raw(_qowner(msg), 'PTR', first)
        ptr_off = base + len(rr1) - len(first)
        second = bytes([60]) + b'd' * 60 + struct.pack('!H', 0xC000 |
                                                         ptr_off)
        rr2 = _rr_raw(_qowner(msg), 'PTR', second)
        return dnstest.reply(msg, [rr1, rr2])
    # A name longer than 255 bytes makes the message malformed (RFC 1035
    # 3.1), not just one unusable name: the whole answer is permerror,
    # even though its first record is a valid name that would confirm.
    long_ok = '.'.join(['b' * 60] * 3 + ['c' * 59, 'x'])
    add('name over 255 bytes via compression pointers: malformed answer, '
        'permerror', '192.0.2.109', too_long_compressed,
        [kv('192.0.2.109', 'permerror')], {long_ok: ['192.0.2.109']})

    # 253 text bytes is the longest valid name: it confirms.
    name253 = '.'.join(['e' * 63] * 3 + ['f' * 61])
    assert len(name253) == 253
    add('PTR name of exactly 253 bytes: valid, pass', '192.0.2.110',
        lambda msg: dnstest.answer(msg, [('PTR', None, name253)]),
        [kv('192.0.2.110', 'pass', name253)], {name253: ['192.0.2.110']})

    # Label bytes outside host names.
    def labels(*raw):
        def action(msg):
            target = dnstest.encode_labels(list(raw))
            return dnstest.reply(msg, [_rr_raw(_qowner(msg), 'PTR', target)])
        return action
    add("a '.' inside a label (looks like evil.example.com as text): "
        'permerror', '192.0.2.111', labels(b'evil.example', b'com'),
        [kv('192.0.2.111', 'permerror')], {'evil.example.com':
                                            ['192.0.2.111']})
    add('UTF-8 bytes in a label: permerror', '192.0.2.112',
        labels('mü'.encode(), b'example', b'com'),
        [kv('192.0.2.112', 'permerror')])
    add("RFC 2317 style '/' in a label: permerror", '192.0.2.113',
        labels(b'0/26', b'example', b'com'),
        [kv('192.0.2.113', 'permerror')])
    add('NUL byte in a label: permerror', '192.0.2.114',
        labels(b'a\x00b', b'example', b'com'),
        [kv('192.0.2.114', 'permerror')])

    def bad_and_good(msg):
        bad = dnstest.encode_labels([b'bad host', b'example', b'com'])
        return dnstest.reply(msg, [
            _rr_raw(_qowner(msg), 'PTR', bad),
            dnstest.rr_ptr(_qowner(msg), 'good.example.com')])
    add('one bad and one valid PTR name: the valid one is used, pass',
        '192.0.2.115', bad_and_good,
        [kv('192.0.2.115', 'pass', 'good.example.com')],
        {'good.example.com': ['192.0.2.115']})

    # 300 PTR records (over TCP after TC): only the first --max-names (4)
    # are followed.
    def many_ptr(prefix):
        names = ['%s%03d.example.com' % (prefix, i) for i in range(300)]
        def action(msg):
            return ('tc', dnstest.answer(msg, [('PTR', None, n)
                                               for n in names]))
        return action, names
    act, names = many_ptr('m')
    fwd = {n: ['192.0.2.250'] for n in names}
    fwd[names[2]] = ['192.0.2.116']
    add('300 PTR records, the 3rd confirms (within --max-names 4): pass',
        '192.0.2.116', act, [kv('192.0.2.116', 'pass', names[2])], fwd,
        HARGS + ['--max-names', '4'],
        check=lambda r: r.count(qtype='A') == 4)
    act, names = many_ptr('k')
    fwd = {n: ['192.0.2.250'] for n in names}
    fwd[names[150]] = ['192.0.2.117']
    add('300 PTR records, only the 151st confirms (beyond --max-names 4): '
        'fail', '192.0.2.117', act, [kv('192.0.2.117', 'fail', names[0])],
        fwd, HARGS + ['--max-names', '4'],
        check=lambda r: r.count(qtype='A') == 4)

    # A forward answer of 300 addresses, one of them ours (over TCP).
    add('forward answer with 300 A records, one matching: pass',
        '192.0.2.118',
        lambda msg: dnstest.answer(msg, [('PTR', None, 'big-a.example.com')]),
        [kv('192.0.2.118', 'pass', 'big-a.example.com')],
        {'big-a.example.com': ['198.18.%d.%d' % (i // 200, i % 200 + 1)
                               for i in range(299)] + ['192.0.2.118']})
    add('forward answer with 300 AAAA records, one matching: pass',
        '2001:db8::118',
        lambda msg: dnstest.answer(msg, [('PTR', None, 'big-6.example.com')]),
        [kv('2001:db8::118', 'pass', 'big-6.example.com')],
        {'big-6.example.com': ['2001:db8:ffff::%x' % i for i in range(299)]
         + ['2001:db8::118']})

    # CNAME chains for PTR (RFC 2317 delegations, here three links, listed
    # out of order), and a CNAME loop.
    def chain(msg):
        a1 = '119.0-127.2.0.192.in-addr.arpa'
        a2 = '119.sub.customer.example'
        a3 = 'r119.ptr.customer.example'
        return dnstest.answer(msg, [('PTR', a3, 'chained.example.com'),
                                    ('CNAME', a2, a3),
                                    ('CNAME', None, a1),
                                    ('CNAME', a1, a2)])
    add('PTR behind a chain of three CNAMEs (out of order): pass',
        '192.0.2.119', chain,
        [kv('192.0.2.119', 'pass', 'chained.example.com')],
        {'chained.example.com': ['192.0.2.119']})

    def loop(msg):
        a1 = 'loop-a.customer.example'
        a2 = 'loop-b.customer.example'
        return dnstest.answer(msg, [('CNAME', None, a1), ('CNAME', a1, a2),
                                    ('CNAME', a2, a1)])
    add('CNAME loop: no hang, no name', '192.0.2.120', loop, None)
    return cases


def forward_handler(cases):
    ptr = {reverse_name(ip): action for _, ip, action, _, _, _, _ in cases}
    forward = {}
    for case in cases:
        for name, ips in case[4].items():
            forward[name.lower()] = ips

    def handler(qname, qtype, msg):
        if qtype == 'PTR' and qname in ptr:
            return ptr[qname](msg)
        if qtype in ('A', 'AAAA') and qname in forward:
            ips = [ip for ip in forward[qname]
                   if (':' in ip) == (qtype == 'AAAA')]
            if not ips:
                return dnstest.nodata(msg, 'example.com')
            reply = dnstest.answer(msg, [(qtype, None, ip) for ip in ips])
            return ('tc', reply) if len(reply) > 512 else reply
        return dnstest.nxdomain(msg, dnstest._soa_zone_for(qname,
                                                            'example.com'))
    return handler


def case_hostile(tap, ptrtag):
    """Each hostile answer, on its own address with its own ptrtag: the
    exact annotation, exit 0, nothing on stderr, and no text of a
    rejected name in the output."""
    cases = hostile_table()
    with dnstest.Responder(forward_handler(cases)) as r:
        for name, ip, _, groups, _, args, check in cases:
            r.reset()
            line = b'hostile: from %s port 25\n' % ip.encode()
            started = time.monotonic()
            rc, out, err = dnstest.run(ptrtag, ['-s', r.server] + args, line,
                                       timeout=20)
            took = time.monotonic() - started
            if groups is None:
                body, found = strip_groups(out)
                verdict = found[0][2] if found else None
                tap.diag('%s: verdict %s, %.2f s' % (name, verdict, took))
                ok = (rc == 0 and body == line and len(found) == 1 and
                      found[0][1] is None and
                      verdict in ('permerror', 'temperror', 'none') and
                      took < 3.0 and err == b'')
                tap.ok(ok, name + ' (permerror, temperror or none, within '
                       '3 s)', 'rc %s, out %s, err %s' % (
                           rc, dnstest.short(out), dnstest.short(err)))
            else:
                tap.equal((rc, out, err), (0, annotate(line, *groups), b''),
                          name)
            for evil in (b'evil', b'cut-two', b'\xc3\xbc', b'0/26'):
                if evil in out:
                    tap.ok(False, name + ': rejected text never printed',
                           dnstest.short(out))
            if check is not None:
                tap.ok(check(r), name + ': queries as expected',
                       'queries: %s' % [(q.qname, q.qtype)
                                        for q in r.queries()][:12])
        tap.ok(not r.errors, 'hostile: responder handler raised no '
               'exception', '\n'.join(r.errors))


def all_cases(tap, ptrtag):
    asan = dnstest.sanitized(ptrtag)
    if asan:
        tap.diag('AddressSanitizer build: memory bounds not checked')
    dnstest.guard_cases(tap, [
        case_dead_resolver, case_dead_short_delay, case_slow_resolver,
        case_max_qps, case_max_qps_flood, (case_backpressure, asan),
        case_output_high_water, case_window_full_resume, case_hostile],
        ptrtag)


def main():
    dnstest.run_tests(all_cases)


if __name__ == '__main__':
    main()
