#!/usr/bin/env python3
"""Server health and back-off (ptrtag.1, VERDICTS, skipped): back-off
means the resolver is unreachable, never that some names fail.

Cases:
- rcodes: a server answering every query at once with SERVFAIL, REFUSED,
  NOTIMP or FORMERR: 500 distinct addresses come out temperror, none
  skipped, each answer counted under its own rcode, no back-off.
- attacker mix: for 30 s, 10 lines/s whose reverse zone never answers and
  every 3 s a line with a distinct legitimate address served by NSD:
  every legitimate address passes, none is skipped, no back-off.
- dead resolver, silent and closed port: back-off starts (addresses
  skipped, the backoffs counter rises) and ends when the server comes
  back (addresses pass again).

Run time: about 55 s (the 30 s mix is most of it).
"""

import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402

VERDICT_RE = re.compile(rb' rdns_ip=(\S+)(?: rdns_host=\S+)? '
                        rb'rdns_fcrdns=([a-z]+)')
STATS_RE = re.compile(rb'([a-z_0-9]+)=([0-9]+)')

LEGIT_ZONE = 'legit.example'


def verdicts(out):
    """[(ip, verdict)] over all output lines, in order."""
    return [(ip.decode(), v.decode()) for ip, v in VERDICT_RE.findall(out)]


def stats_of(err):
    """The last --stats line on stderr as a dict of ints."""
    lines = [l for l in err.split(b'\n') if b'lines_in=' in l]
    if not lines:
        return {}
    return {k.decode(): int(v) for k, v in STATS_RE.findall(lines[-1])}


def lines_for(ips, tag):
    return b''.join(b'%s seq=%04d sshd[9]: Failed password from %s port '
                    b'22\n' % (tag, i, ip.encode())
                    for i, ip in enumerate(ips))


# ----- SERVFAIL, REFUSED, NOTIMP, FORMERR answered at once

def case_rcodes(tap, ptrtag):
    """Each rcode in turn from a server that answers everything with it,
    500 distinct addresses streamed at 250 lines/s."""
    ips = ['10.9.%d.%d' % (i // 250, i % 250 + 1) for i in range(500)]
    for rcode in ('SERVFAIL', 'REFUSED', 'NOTIMP', 'FORMERR'):
        def handler(qname, qtype, msg, rcode=rcode):
            return dnstest.reply(msg, rcode=rcode, aa=False)
        with dnstest.Responder(handler) as r, \
                dnstest.Stream([ptrtag, '-s', r.server, '--stats']) as s:
            stream_phase(s, ips, b'rc', 250)
            s.close_stdin()
            out = s.read_to_eof(20) or b''
            rc = s.wait(10)
            err = s.err
        got = verdicts(out)
        kinds = sorted(set(v for _, v in got))
        st = stats_of(err)
        skipped = sum(1 for _, v in got if v == 'skipped')
        tap.diag('%s: %d lines, %d skipped, verdicts %s, rcode_%s=%s, '
                 'rcode_other=%s, backoffs=%s' % (
                     rcode, len(got), skipped, kinds, rcode.lower(),
                     st.get('rcode_' + rcode.lower()), st.get('rcode_other'),
                     st.get('backoffs')))
        tap.equal(rc, 0, '%s: exit 0' % rcode, dnstest.short(err))
        tap.ok(len(got) == len(ips) and kinds == ['temperror'],
               '%s: all %d addresses temperror, none skipped' % (
                   rcode, len(ips)),
               '%d lines, %d skipped, verdicts %s' % (len(got), skipped,
                                                      kinds))
        tap.equal(st.get('rcode_' + rcode.lower()), len(ips),
                  '%s: every answer counted as rcode_%s' % (
                      rcode, rcode.lower()), dnstest.short(err))
        tap.equal(st.get('backoffs'), 0, '%s: an answer never starts '
                  'back-off' % rcode)


# ----- the attacker mix

def nsd_zones(legit_ips):
    """A reverse zone and a forward zone in which every legitimate
    address has a PTR whose A is the address again (pass)."""
    ptr, fwd = [], []
    for i, ip in enumerate(legit_ips):
        host = 'mail%s' % chr(ord('a') + i % 26) + 'x' * (i // 26)
        ptr.append('%s. IN PTR %s.%s.' % (dnstest.reverse_name(ip), host,
                                          LEGIT_ZONE))
        fwd.append('%s IN A %s' % (host, ip))
    return {'77.10.in-addr.arpa': dnstest.make_zone('77.10.in-addr.arpa',
                                                     ptr),
            LEGIT_ZONE: dnstest.make_zone(LEGIT_ZONE, fwd)}


class BlackHoleFront:
    """The server ptrtag asks: silent for the attacker's reverse zone,
    everything else relayed to NSD byte for byte.

    Why a scripted front rather than NSD (or unbound) alone: ptrtag asks
    one server for everything, and no real server can be told to stay
    silent for one zone only. An attacker's zone whose name servers never
    answer makes a recursive resolver work on the name for longer than
    ptrtag waits (it answers SERVFAIL only after its own, longer
    timeouts), so to ptrtag the name never answers; the front plays that
    part. The legitimate names, and ptrtag's liveness probe (NSD answers
    REFUSED for a zone it does not serve), get NSD's real answers."""

    def __init__(self, nsd_port, silent_suffix):
        self.nsd_port = nsd_port
        self.silent_suffix = silent_suffix
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(1.0)

    def __call__(self, qname, qtype, msg):
        if qname.endswith(self.silent_suffix):
            return None
        with self.lock:
            self.sock.sendto(msg, (dnstest.LOOPBACK, self.nsd_port))
            while True:
                data, _ = self.sock.recvfrom(65535)
                if data[:2] == msg[:2]:
                    return data


def case_attacker_mix(tap, ptrtag):
    """30 s of 10 attacker lines a second (never answered) and, every 3 s,
    a line with a fresh legitimate address (answered at once, passes).
    With default options a query lives 2 s (-t 1000, --tries 2), so
    between two legitimate lines the server is silent for longer than a
    query lifetime: only the liveness probe tells it is there."""
    secs, legit_every = 30, 3
    legit_ips = ['10.77.0.%d' % (i + 1) for i in range(secs // legit_every)]
    attack_ips = ['10.66.%d.%d' % (i // 250, i % 250 + 1)
                  for i in range(secs * 10)]
    events = sorted([(i / 10.0, 'evil', ip)
                     for i, ip in enumerate(attack_ips)] +
                    [(legit_every * (j + 0.5), 'legit', ip)
                     for j, ip in enumerate(legit_ips)])
    with dnstest.NSD(nsd_zones(legit_ips)) as nsd, \
            dnstest.Responder(BlackHoleFront(
                nsd.port, '.66.10.in-addr.arpa')) as r:
        argv = [ptrtag, '-s', r.server, '--stats']
        with dnstest.Stream(argv) as s:
            start = time.monotonic()
            for at, tag, ip in events:
                due = start + at
                while time.monotonic() < due:
                    s.peek(min(0.05, max(0.0, due - time.monotonic())))
                s.write(lines_for([ip], tag.encode()))
            s.close_stdin()
            out = s.read_to_eof(30)
            rc = s.wait(10)
            err = s.err
    got = verdicts(out or b'')
    legit = [v for ip, v in got if ip.startswith('10.77.')]
    evil = [v for ip, v in got if ip.startswith('10.66.')]
    st = stats_of(err)
    tap.diag('attacker mix: legitimate %d lines: %d pass, %d skipped; '
             'attacker %d lines: %s; probes=%s backoffs=%s' % (
                 len(legit), legit.count('pass'), legit.count('skipped'),
                 len(evil), {v: evil.count(v) for v in set(evil)},
                 st.get('probes'), st.get('backoffs')))
    tap.equal(rc, 0, 'attacker mix: exit 0', dnstest.short(err))
    tap.equal(len(legit) + len(evil), len(events), 'attacker mix: every '
              'line comes out')
    tap.equal(legit.count('skipped'), 0, 'attacker mix: no legitimate '
              'address skipped')
    tap.equal(legit, ['pass'] * len(legit_ips), 'attacker mix: every legitimate '
              'address passes')
    tap.equal(st.get('backoffs'), 0, 'attacker mix: no back-off (the '
              'server answers the liveness probe)')
    tap.ok(r.count(qname='1.0.0.127.in-addr.arpa') >= 1, 'attacker mix: '
           'liveness probes were sent and NSD answered them',
           'probe queries: %d' % r.count(qname='1.0.0.127.in-addr.arpa'))


# ----- a dead resolver still triggers back-off, and recovers

class Switch:
    """Silent while dead; once alive, NXDOMAIN for everything (an
    answer: that is all back-off is about)."""

    def __init__(self):
        self.alive = False

    def __call__(self, qname, qtype, msg):
        if not self.alive:
            return None
        return dnstest.nxdomain(msg, dnstest._soa_zone_for(qname,
                                                            'example.com'))


class PortResponder(dnstest.Responder):
    """A Responder on a port chosen beforehand (the port ptrtag was
    already sending to while nothing listened there)."""

    def __init__(self, handler, port):
        super().__init__(handler)
        self.fixed_port = port

    def __enter__(self):
        self._udp, self._tcp = dnstest._bind_pair(self.fixed_port)
        self.port = self.fixed_port
        self.server = '%s:%d' % (dnstest.LOOPBACK, self.port)
        self._udp.setblocking(False)
        self._tcp.setblocking(False)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self


def stream_phase(s, ips, tag, rate):
    """Write one line per address at rate per second."""
    start = time.monotonic()
    for i, line in enumerate(dnstest.split_lines(lines_for(ips, tag))):
        due = start + i / rate
        while time.monotonic() < due:
            s.peek(min(0.05, max(0.0, due - time.monotonic())))
        s.write(line)


def case_dead(tap, ptrtag, kind):
    """kind 'silent': a socket that never answers; 'closed': nothing
    listens (ICMP port unreachable). 3 s dead at 50 lines/s, then the
    server answers; 4 s more."""
    rate = 50
    dead_ips = ['10.5.%d.%d' % (i // 250, i % 250 + 1) for i in range(150)]
    live_ips = ['10.6.%d.%d' % (i // 250, i % 250 + 1) for i in range(200)]
    sw = Switch()
    port = dnstest.free_port()
    front = dnstest.Responder(sw) if kind == 'silent' else None
    if front is not None:
        front.__enter__()
        port = front.port
    try:
        argv = [ptrtag, '-s', '%s:%d' % (dnstest.LOOPBACK, port), '-t', '300',
                '--tries', '1', '-d', '1000', '--stats']
        with dnstest.Stream(argv) as s:
            stream_phase(s, dead_ips, b'dead', rate)
            sw.alive = True
            if front is None:
                front = PortResponder(sw, port)
                front.__enter__()
            stream_phase(s, live_ips, b'live', rate)
            s.close_stdin()
            out = s.read_to_eof(20)
            rc = s.wait(10)
            err = s.err
    finally:
        if front is not None:
            front.__exit__(None, None, None)
    got = verdicts(out or b'')
    dead = [v for ip, v in got if ip.startswith('10.5.')]
    live = [v for ip, v in got if ip.startswith('10.6.')]
    st = stats_of(err)
    tap.diag('dead (%s): dead phase %s; after revival %s; backoffs=%s '
             'probes=%s' % (kind, {v: dead.count(v) for v in set(dead)},
                            {v: live.count(v) for v in set(live)},
                            st.get('backoffs'), st.get('probes')))
    tap.equal(rc, 0, 'dead (%s): exit 0' % kind, dnstest.short(err))
    tap.ok(st.get('backoffs', 0) >= 1, 'dead (%s): back-off starts' % kind,
           dnstest.short(err))
    # Back-off starts within 2 s (two 0.3 s query lifetimes and more),
    # so the last second of the dead phase is all skipped.
    tap.ok(dead[-rate:] == ['skipped'] * rate, 'dead (%s): once backing '
           'off, new addresses are skipped' % kind, str(dead[-rate:]))
    # The probe interval is at most 4 s by the revival, so within 5 s at
    # most the back-off ends; the last second is all answered.
    tap.ok(live[-rate:] == ['none'] * rate, 'dead (%s): after the server '
           'comes back, addresses are looked up again' % kind,
           str(live[-rate:]))


def selected_cases(tap, ptrtag):
    """The cases named on the command line, or all of them."""
    only = sys.argv[1:]
    cases = [('rcodes', case_rcodes), ('mix', case_attacker_mix),
             ('silent', lambda t, p: case_dead(t, p, 'silent')),
             ('closed', lambda t, p: case_dead(t, p, 'closed'))]
    for name, fn in cases:
        if not only or name in only:
            tap.guard(fn, tap, ptrtag)


def main():
    dnstest.run_tests(selected_cases)


if __name__ == '__main__':
    main()
