#!/usr/bin/env python3
"""How long a line waits (ptrtag.1, LINE DELAY), against a scripted
Responder on 127.0.0.1 where some reverse zones never answer.

Cases, each with its own ptrtag:
- learned: once ptrtag has learned how fast the resolver answers, a line
  behind a never-answered name is written long before -d (timeout for
  that name), and the healthy names around it are named;
- fixed: --min-wait equal to -d turns that off: the line waits its -d;
- tail: an answer far slower than the others is cut once, then waited
  for: the learned wait grows past it and later slow names are named;
- lame: three lookups in a /24 that never answers make it lame: new
  addresses in it are temperror without a query, another /24 is still
  asked, and once the hold is over a probe that gets a reply forgets it.

Nothing here asserts a time of ptrtag's own that a loaded machine could
miss: the cases wait for what --stats says (SIGUSR1) before each step,
read lines with deadlines far longer than what they test, and bound
times only from below (a line that waits its -d) or against -d itself.
"""

import itertools
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import reverse_name                            # noqa: E402

VERDICT_RE = re.compile(rb' rdns_ip=(\S+)(?: rdns_host=\S+)? '
                        rb'rdns_fcrdns=([a-z]+)')
STATS_RE = re.compile(rb'([a-z_0-9]+)=([0-9]+)')

LEGIT = '10.77.0.'      # answered at once, pass
DEAD = '10.66.'         # never answered (10.66.1.0/24 can be revived)
SLOW = '10.88.0.'       # the PTR answered after SLOW_S
SLOW_S = 2.0
READ_S = 15.0           # how long a read may take, far above what it tests
HEALTHY = itertools.count(200)      # fresh healthy addresses: 10.77.0.200..


class World:
    """The scripted resolver: pass for LEGIT (and for revived DEAD
    addresses), silence for DEAD, SLOW_S late for SLOW."""

    def __init__(self):
        self.revived = False

    def __call__(self, qname, qtype, msg):
        if qtype == 'PTR':
            ip = ptr_ip(qname)
            if ip is None:
                return dnstest.nxdomain(msg, 'in-addr.arpa')
            host = 'h%s.wait.example' % ip.replace('.', '-')
            reply = dnstest.answer(msg, [('PTR', None, host)])
            if ip.startswith(DEAD):
                return reply if self.revived and \
                    ip.startswith(DEAD + '1.') else None
            if ip.startswith(SLOW):
                return ('delay', SLOW_S, reply)
            return reply
        if qtype == 'A' and qname.endswith('.wait.example'):
            ip = qname.split('.')[0][1:].replace('-', '.')
            return dnstest.answer(msg, [('A', None, ip)])
        return dnstest.nxdomain(msg, 'wait.example')


def ptr_ip(qname):
    """The IPv4 address of an in-addr.arpa name, or None."""
    if not qname.endswith('.in-addr.arpa'):
        return None
    parts = qname[:-len('.in-addr.arpa')].split('.')
    return '.'.join(reversed(parts)) if len(parts) == 4 else None


def line(ip, tag):
    return b'%s sshd[9]: Failed password from %s port 22\n' % (
        tag.encode(), ip.encode())


def verdicts(lines):
    out = []
    for l in lines:
        m = VERDICT_RE.search(l)
        out.append((m.group(1).decode(), m.group(2).decode()) if m else
                   (None, None))
    return out


def stats_now(s, timeout=10.0):
    """The counters as --stats prints them on SIGUSR1 (a dict of ints)."""
    before = s.err.count(b'lines_in=')
    s.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + timeout
    while s.err.count(b'lines_in=') <= before and \
            time.monotonic() < deadline:
        s.peek(0.05)
    last = [l for l in s.err.split(b'\n') if b'lines_in=' in l][-1:]
    return {k.decode(): int(v) for k, v in STATS_RE.findall(last[0])} \
        if last else {}


def stats_until(s, pred, timeout=15.0):
    """Poll the counters until pred(stats) holds; the last ones seen."""
    deadline = time.monotonic() + timeout
    while True:
        st = stats_now(s)
        if pred(st) or time.monotonic() >= deadline:
            return st
        time.sleep(0.1)


def warm_up(tap, s, name, n=20, start=1):
    """n lines of distinct healthy addresses, all read back and passing;
    then wait for ptrtag to have learned a wait below its -d."""
    ips = ['%s%d' % (LEGIT, start + i) for i in range(n)]
    s.write(b''.join(line(ip, 'warm') for ip in ips))
    got = verdicts(s.read_lines(n, READ_S))
    tap.equal(got, [(ip, 'pass') for ip in ips], '%s: healthy names '
              'pass while ptrtag learns' % name)


def run_case(argv, body):
    with dnstest.Responder(World()) as r:
        with dnstest.Stream(argv + ['-s', r.server, '--stats']) as s:
            body(r, s)


# ----- cases

def case_learned(tap, ptrtag):
    """-d 20 s, a query lifetime of 10 s: a line behind a never-answered
    name still comes out within READ_S (15 s, under -d), named timeout,
    and the healthy line after it passes."""
    def body(r, s):
        warm_up(tap, s, 'learned')
        st = stats_until(s, lambda st: st.get('wait_ms', 20000) < 20000)
        tap.ok(st.get('wait_ms', 20000) < 20000, 'learned: the wait is '
               'learned from the answers (below -d)', str(st))
        t0 = time.monotonic()
        s.write(line(DEAD + '0.1', 'dead') + line(LEGIT + '100', 'after'))
        got = verdicts(s.read_lines(2, READ_S))
        took = time.monotonic() - t0
        tap.diag('learned: wait %s ms, the line behind the dead name out '
                 'after %.2f s (-d 20 s)' % (st.get('wait_ms'), took))
        tap.equal(got, [(DEAD + '0.1', 'timeout'), (LEGIT + '100', 'pass')],
                  'learned: the dead name is written timeout before -d, '
                  'in order, and the name after it passes')
        # Alone: no later query passes it, a tail probe does.
        s.write(line(DEAD + '0.3', 'alone'))
        got = verdicts(s.read_lines(1, READ_S))
        tap.equal(got, [(DEAD + '0.3', 'timeout')], 'learned: a dead name '
                  'with nothing after it is written timeout before -d too')
        tap.ok(r.count(qname='1.0.0.127.in-addr.arpa') >= 1, 'learned: a '
               'tail probe was sent for it')
        s.close_stdin()
        s.read_to_eof(READ_S)
        tap.equal(s.wait(10), 0, 'learned: exit 0', dnstest.short(s.err))
        st = {k.decode(): int(v) for k, v in STATS_RE.findall(
            [l for l in s.err.split(b'\n') if b'lines_in=' in l][-1])}
        tap.ok(st.get('lines_overdue', 0) >= 2 and
               st.get('lines_late') == 0 and st.get('tail_probes', 0) >= 1, 'learned: counted as written at '
               'the learned wait (lines_overdue), none at -d (lines_late); '
               'tail_probes counts the probe',
               str(st))
    run_case([ptrtag, '-d', '20000', '-t', '10000', '--tries', '1',
              '--min-wait', '100'], body)


def case_fixed(tap, ptrtag):
    """--min-wait 3000 with -d 3000: the line waits its whole -d."""
    def body(r, s):
        warm_up(tap, s, 'fixed')
        t0 = time.monotonic()
        s.write(line(DEAD + '0.2', 'dead') + line(LEGIT + '101', 'after'))
        got = verdicts(s.read_lines(2, READ_S))
        took = time.monotonic() - t0
        tap.equal(got, [(DEAD + '0.2', 'timeout'), (LEGIT + '101', 'pass')],
                  'fixed: the dead name is written timeout, in order')
        tap.ok(took >= 2.9, 'fixed: --min-wait equal to -d holds the line '
               'its whole -d (3 s)', 'out after %.2f s' % took)
        st = stats_now(s)
        tap.ok(st.get('lines_overdue') == 0 and st.get('lines_late') == 1,
               'fixed: no line at a learned wait, one at -d', str(st))
    run_case([ptrtag, '-d', '3000', '-t', '10000', '--tries', '1',
              '--min-wait', '3000'], body)


def case_tail(tap, ptrtag):
    """A zone answering SLOW_S late: its first name may be cut, but once
    its answer has come the wait grows past it and new slow names pass."""
    def body(r, s):
        warm_up(tap, s, 'tail')
        stats_until(s, lambda st: st.get('wait_ms', 30000) < 30000)
        s.write(line(SLOW + '1', 'slow') + line(LEGIT + '102', 'after'))
        got = verdicts(s.read_lines(2, READ_S))
        tap.ok(len(got) == 2 and got[0][1] in ('timeout', 'pass') and
               got[1] == (LEGIT + '102', 'pass'), 'tail: the first slow '
               'name is written (cut or not), the healthy one passes',
               str(got))
        st = stats_until(s, lambda st: st.get('rtt_max_ms', 0) >=
                         SLOW_S * 1000)
        tap.ok(st.get('wait_ms', 0) >= SLOW_S * 1000, 'tail: the slow '
               'answer teaches a wait longer than itself', str(st))
        ips = [SLOW + '2', SLOW + '3']
        s.write(b''.join(line(ip, 'slow') for ip in ips) +
                line(LEGIT + '103', 'after'))
        got = verdicts(s.read_lines(3, READ_S))
        tap.equal(got, [(ip, 'pass') for ip in ips] +
                  [(LEGIT + '103', 'pass')], 'tail: later slow names are '
                  'waited for and pass')
    run_case([ptrtag, '-d', '30000', '-t', '20000', '--tries', '1',
              '--min-wait', '100'], body)


def write_read(s, ips, tag):
    """ips' lines and one with a fresh healthy address after them (its
    answer proves the resolver up while theirs never come); the verdicts
    of all of them."""
    s.write(b''.join(line(ip, tag) for ip in ips) +
            line(LEGIT + str(next(HEALTHY)), 'after'))
    return verdicts(s.read_lines(len(ips) + 1, READ_S))


def case_lame(tap, ptrtag):
    """-t 300 --tries 1: a lookup in 10.66.1.0/24 gets nothing back in
    0.3 s; --err-ttl 2: a lame zone is remembered for 2 s."""
    def body(r, s):
        warm_up(tap, s, 'lame', n=5)
        write_read(s, [DEAD + '1.1'], 'dead')
        st = stats_until(s, lambda st: st.get('query_timeouts', 0) >= 1)
        write_read(s, [DEAD + '1.2', DEAD + '1.3'], 'dead')
        st = stats_until(s, lambda st: st.get('zones_lame', 0) >= 1)
        tap.equal(st.get('zones_lame'), 1, 'lame: three lookups that got '
                  'nothing back make the /24 lame', str(st))
        fresh = [DEAD + '1.4', DEAD + '1.5', DEAD + '1.6']
        got = write_read(s, fresh, 'dead')
        tap.equal(got[:3], [(ip, 'temperror') for ip in fresh],
                  'lame: new addresses in it are temperror at once')
        tap.equal(got[3][1], 'pass', 'lame: a healthy name still passes')
        tap.equal(sum(r.count(qname=reverse_name(ip)) for ip in fresh), 0,
                  'lame: and no query is sent for them')
        other = DEAD + '2.1'
        write_read(s, [other], 'other')
        tap.equal(r.count(qname=reverse_name(other)), 1, 'lame: another '
                  '/24 of the same /16 is still asked')
        st = stats_now(s)
        tap.ok(st.get('zone_skipped', 0) >= 3, 'lame: zone_skipped counts '
               'them', str(st))
        # The zone answers again; after the hold (2 s from when it was
        # declared, before the counters said so) a probe finds it.
        r.handler.revived = True
        time.sleep(2.5)
        probe, then = DEAD + '1.7', DEAD + '1.8'
        got = write_read(s, [probe], 'probe')
        tap.equal(got[0], (probe, 'pass'), 'lame: after the hold the next '
                  'address is looked up as a probe, and passes')
        got = write_read(s, [then], 'after')
        tap.equal(got[0], (then, 'pass'), 'lame: the probe\'s reply forgets '
                  'the zone: addresses in it are looked up again')
        st = stats_now(s)
        tap.ok(st.get('zone_probes', 0) >= 1, 'lame: zone_probes counts '
               'the probe', str(st))
    run_case([ptrtag, '-d', '5000', '-t', '300', '--tries', '1',
              '--min-wait', '100', '--err-ttl', '2'], body)


def selected_cases(tap, ptrtag):
    only = sys.argv[1:]
    for name, fn in (('learned', case_learned), ('fixed', case_fixed),
                     ('tail', case_tail), ('lame', case_lame)):
        if not only or name in only:
            tap.guard(fn, tap, ptrtag)


def main():
    dnstest.run_tests(selected_cases)


if __name__ == '__main__':
    main()
