#!/usr/bin/env python3
"""How ptrtag's queries leave and answers come back (ptrtag(1), SECURITY),
against scripted responders on 127.0.0.1 that record source ports and the
exact spelling of every query name.

  tcp isolation  a truncated answer whose TCP retry is reset, closed or
                 never accepted fails that lookup alone; three unrelated
                 lookups in flight at the same time keep their verdicts
  ports, 0x20    3,000 queries leave from many source ports, every query
                 name with randomised letter case
  poisoning      an off-path flood of forged answers (all 65,536 IDs, the
                 server's address and port, the name in lower case) lands
                 on none of 20 lookups
  20 servers     with 20 servers listed (only the last answers) its
                 socket is polled
  -j 1024        a burst at -j 1024 under a 1024-descriptor limit
  silent names   a batch where one name in ten never answers: every other
                 name is still answered in time (no channel of the pool
                 is held up by the silent ones)
Run time about 25 s, most of it the flood (1.3 million datagrams).
"""

import os
import re
import resource
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate, reverse_name              # noqa: E402

HOST = 'host.example.com'


def pool_rule(j):
    """(channels, queries per socket) for -j j, as ptrtag(1) states it."""
    n = min(256, max(2, j))
    return n, max(4, -(-2 * j // n))


def raw_qname(msg):
    """The query name exactly as sent (case kept), no trailing dot."""
    labels, off = [], 12
    while off < len(msg) and msg[off] != 0:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode('ascii', 'replace'))
        off += 1 + n
    return '.'.join(labels)


class Wire(dnstest.Responder):
    """A Responder that also records (source port, name as spelled) of
    every UDP query, and can make its TCP side fail:
      'reset'     accept, read the query, reset the connection
      'close'     accept, read the query, close it without answering
      'noaccept'  a listener whose backlog is full and never accepted."""

    def __init__(self, handler, tcp_mode=None):
        super().__init__(handler)
        self.udp_seen = []
        self.tcp_mode = tcp_mode
        self._extra = []

    def __enter__(self):
        super().__enter__()
        if self.tcp_mode == 'noaccept':
            self._tcp.listen(0)
            for _ in range(2):      # fill the backlog (0 holds one)
                c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                c.setblocking(False)
                c.connect_ex((dnstest.LOOPBACK, self.port))
                self._extra.append(c)
            # The serving thread polls this instead: never readable.
            self._extra.append(self._tcp)
            self._tcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        return self

    def __exit__(self, *exc):
        super().__exit__(*exc)
        for s in self._extra:
            s.close()
        return False

    def udp_received(self, data, peer):
        with self._lock:
            self.udp_seen.append((peer[1], raw_qname(data)))

    def _on_tcp(self, conn):
        if self.tcp_mode not in ('reset', 'close'):
            return super()._on_tcp(conn)
        try:
            msg = conn.recv(65535)[2:]
            q = dnstest.parse_question(msg)
            with self._lock:
                self.log.append(dnstest.Query(q.qname, dnstest.type_name(
                    q.qtype), time.monotonic(), 'tcp'))
        except (OSError, ValueError):
            pass
        if self.tcp_mode == 'reset':
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack('ii', 1, 0))
        self._conns.pop(conn, None)
        conn.close()

    def seen(self):
        with self._lock:
            return list(self.udp_seen)


def verdicts(out):
    """{ip: (verdict, host)} from kv output."""
    got = {}
    for line in dnstest.split_lines(out):
        for g in dnstest.parse_kv(line)[1]:
            got[g.ip] = (g.verdict, g.host)
    return got


# ----- (1) a failed TCP exchange fails that lookup alone

def case_tcp_isolation(tap, ptrtag):
    tc_ip = '192.0.2.50'
    others = ['192.0.2.51', '192.0.2.52', '192.0.2.53']

    def handler(qname, qtype, msg):
        if qtype == 'PTR' and qname == reverse_name(tc_ip):
            return ('tc', dnstest.answer(msg, [('PTR', None, HOST)]))
        for i, ip in enumerate(others):
            if qtype == 'PTR' and qname == reverse_name(ip):
                # Answered while the TCP exchange fails, so in flight then.
                return ('delay', 0.5, dnstest.answer(
                    msg, [('PTR', None, 'o%d.example.com' % i)]))
            if qtype == 'A' and qname == 'o%d.example.com' % i:
                return dnstest.answer(msg, [('A', None, ip)])
        return dnstest.nxdomain(msg, 'example.com')

    lines = b''.join(b'sshd[1]: from %s port 22\n' % ip.encode()
                     for ip in [tc_ip] + others)
    want = {ip: ('pass', 'o%d.example.com' % i)
            for i, ip in enumerate(others)}
    want[tc_ip] = ('temperror', None)
    for mode in ('reset', 'close', 'noaccept'):
        with Wire(handler, mode) as r:
            rc, out, err = dnstest.run(
                ptrtag, ['-s', r.server, '-t', '800', '--tries', '2',
                         '-d', '8000'], lines, timeout=30)
            got = verdicts(out)
            tap.equal((rc, got), (0, want), 'TCP %s after TC: only the '
                      'truncated lookup is temperror, 3 unrelated pass' %
                      mode, 'stderr: %s' % dnstest.short(err))
            tap.ok(r.count(reverse_name(tc_ip), 'PTR', 'udp') >= 1 and
                   (mode == 'noaccept' or
                    r.count(reverse_name(tc_ip), 'PTR', 'tcp') >= 1),
                   'TCP %s: the truncated query was retried over TCP' % mode)


# ----- (2) source ports and 0x20 over 3,000 queries

def nx_handler(qname, qtype, msg):
    return dnstest.nxdomain(msg, 'in-addr.arpa')


def burst_lines(count, third):
    return b''.join(b'conn from 198.%d.%d.%d\n' % (third, i // 256, i % 256)
                    for i in range(count))


def case_ports_and_case(tap, ptrtag):
    count, j = 3000, 256
    _, batch = pool_rule(j)
    with Wire(nx_handler) as r:
        rc, out, err = dnstest.run(ptrtag, ['-s', r.server, '-j', str(j),
                                            '-t', '2000', '-d', '20000'],
                                   burst_lines(count, 18), timeout=60)
        seen = r.seen()
    ptr = [(p, n) for p, n in seen if n.lower().endswith('in-addr.arpa')]
    ports = len(set(p for p, _ in ptr))
    letters = [c for _, n in ptr for c in n if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    share = upper / max(1, len(letters))
    lower_only = sum(1 for _, n in ptr if n == n.lower())
    tap.ok(rc == 0 and len(ptr) >= count, '%d PTR queries sent, exit 0' %
           count, 'rc %s, %d queries; stderr: %s' % (rc, len(ptr),
                                                      dnstest.short(err)))
    tap.diag('%d queries: %d distinct source ports (one per %d queries at '
             'most: -j %d); %.3f of %d letters upper case; %d names '
             'all lower case' % (len(ptr), ports, batch, j, share,
                                 len(letters), lower_only))
    # Each socket takes at most `batch` queries, so there are at least
    # count/batch sockets; their ports are random among 28,232, and
    # birthday collisions among ~400 draws are a handful, not half.
    tap.ok(ports >= count // batch // 2, 'source ports: at least %d '
           'distinct over %d queries' % (count // batch // 2, count),
           'only %d' % ports)
    # Each letter is upper case with probability 1/2: over >= 30,000
    # letters the share lies within 0.5 +- 0.05 (17 sigma) but for
    # probability far below 1e-6.
    tap.ok(0.45 <= share <= 0.55, '0x20: letters upper case about half '
           'the time', 'share %.3f' % share)
    # A name of "in-addr.arpa" has 10 letters: all lower case with
    # probability 2^-10, so the count is Binomial(3000, 2^-10), mean 2.9;
    # P(count >= 20) < 1e-10.
    tap.ok(lower_only < 20, '0x20: all-lower-case names only by chance '
           '(< 20 of %d)' % len(ptr), '%d all lower case' % lower_only)


def case_burst_j1024(tap, ptrtag):
    """-j 1024 under a 1024-descriptor limit: every line comes out, and no
    query failed for want of a socket (that would count in rcode_other;
    the responder, one Python thread, drops some of the burst, which
    come out as timeouts, temperror)."""
    count, j = 3000, 1024

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    with Wire(nx_handler) as r:
        argv = [ptrtag, '-s', r.server, '-j', str(j), '-t', '1000',
                '-d', '20000', '--stats']
        p = subprocess.run(argv, input=burst_lines(count, 19),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60, preexec_fn=limit)
    got = re.findall(rb'rdns_fcrdns=(\w+)', p.stdout)
    other = re.search(rb'rcode_other=(\d+)', p.stderr)
    tap.ok(p.returncode == 0 and len(got) == count and
           set(got) <= {b'none', b'temperror'} and other is not None and
           other.group(1) == b'0', '-j 1024 burst, 1024 descriptors: %d '
           'lines out, no query failed for want of a socket' % count,
           'rc %s, %d lines; stderr: %s' % (p.returncode, len(got),
                                            dnstest.short(p.stderr)))


# ----- (3) off-path spoofing

class Flooder:
    """The attacker: for each job, sends a forged answer with every one of
    the 65,536 IDs from the responder's own socket (the server's address
    and port) to one port, then the genuine answer to the real client."""

    def __init__(self, responder, jobs):
        self.r = responder
        self.left = jobs
        self.jobs = []
        self.sent = 0
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.thread.join(5)
        return False

    def add(self, port, forged, genuine, peer_port):
        with self.cond:
            self.jobs.append((port, bytearray(forged), genuine, peer_port))
            self.cond.notify()

    def _send(self, data, port):
        while True:
            try:
                self.r._udp.sendto(data, (dnstest.LOOPBACK, port))
                return
            except BlockingIOError:
                time.sleep(0.0005)
            except OSError:
                return

    def _run(self):
        while self.left > 0:
            with self.cond:
                while not self.jobs:
                    self.cond.wait(1)
                port, forged, genuine, peer_port = self.jobs.pop(0)
            for msgid in range(65536):
                struct.pack_into('!H', forged, 0, msgid)
                self._send(forged, port)
            self.sent += 65536
            # Let the client drain its socket buffer (full of the flood)
            # so the genuine answer is not dropped on arrival.
            time.sleep(0.05)
            self._send(genuine, peer_port)
            self.left -= 1


def case_poisoning(tap, ptrtag):
    """20 lookups in flight; for each PTR query an attacker floods the
    source port of the query before it (a port it could have learnt),
    from the server's address and port, with all 65,536 IDs, the name in
    lower case and a PTR to evil.example.com, whose A record (the
    attacker's own zone) names every victim, so a forged PTR that lands
    is reported pass. The genuine answer follows the flood.

    False failure: a forged answer can land only on the victim's own
    socket, and only with the victim's exact spelling. The 21 PTR queries
    start together and ptrtag gives each an idle channel of its own (64 at
    the default -j), so every one of them had its own socket open at the
    same time: the port flooded (the query before's) is never the
    victim's, whether or not that socket has closed since (a port in use
    is not handed out again). Even were the ports equal, the 10 letters
    of "in-addr.arpa" would all have to come out lower case (2^-10) -- and
    a reused port is at most 1 in 28,232 (uniform ephemeral choice): 20 x
    2^-10 / 28,232 = 6.9e-7 < 1e-6 if we drop the first argument."""
    victims = ['192.0.2.%d' % (100 + i) for i in range(20)]
    keeper = '192.0.2.99'

    def handler(qname, qtype, msg):
        if qtype == 'PTR' and qname == reverse_name(keeper):
            return ('delay', 1.0, dnstest.answer(msg, [('PTR', None,
                                                        'keeper.example.com')]))
        for i, ip in enumerate(victims):
            if qtype == 'PTR' and qname == reverse_name(ip):
                seen = r.seen()
                prev = seen[-2][0] if len(seen) >= 2 else seen[-1][0]
                genuine = dnstest.answer(msg, [('PTR', None,
                                                'h%d.example.com' % i)])
                peer_port = seen[-1][0]
                q = dnstest.build_query(qname, 'PTR', msgid=0, rd=True)
                fl.add(prev, dnstest.answer(q, [('PTR', None,
                                                 'evil.example.com')]),
                       genuine, peer_port)
                return None
            if qtype == 'A' and qname == 'h%d.example.com' % i:
                return dnstest.answer(msg, [('A', None, ip)])
        if qtype == 'A' and qname == 'evil.example.com':
            return dnstest.answer(msg, [('A', None, ip) for ip in victims])
        return dnstest.nxdomain(msg, 'example.com')

    lines = [b'sshd[1]: from %s port 22\n' % keeper.encode()]
    lines += [b'sshd[2]: from %s port 22\n' % ip.encode() for ip in victims]
    with Wire(handler) as r, Flooder(r, len(victims)) as fl:
        # --min-wait at -d: the genuine answers come late, behind the
        # flood and in any order, and every line must wait for its own
        # (ptrtag.1, LINE DELAY)
        argv = [ptrtag, '-s', r.server, '-t', '30000', '--tries', '1',
                '-d', '40000', '--min-wait', '40000', '--stats']
        with dnstest.Stream(argv) as s:
            s.write(lines[0])
            time.sleep(0.2)
            s.write(b''.join(lines[1:]))
            s.close_stdin()
            rc = s.wait(60)
            out, err = s.out, s.err
    got = verdicts(out)
    poisoned = [ip for ip in victims
                if got.get(ip, ('', None))[1] == 'evil.example.com']
    genuine = [ip for i, ip in enumerate(victims)
               if got.get(ip) == ('pass', 'h%d.example.com' % i)]
    dropped = re.search(rb'answers_dropped=(\d+)', err)
    tap.diag('poisoning: %d forged answers sent, %d of %d lookups '
             'poisoned, %s dropped by ptrtag' % (
                 fl.sent, len(poisoned), len(victims),
                 dropped.group(1).decode() if dropped else '?'))
    tap.equal(poisoned, [], 'flood of forged answers: 0 of 20 lookups '
              'poisoned', 'stderr: %s' % dnstest.short(err))
    tap.ok(rc == 0 and len(genuine) == len(victims), 'flood: every lookup '
           'got its genuine answer (pass)', 'rc %s, %d genuine' % (
               rc, len(genuine)))


def case_port_known(tap, ptrtag):
    """The attacker knows the very port of the query (the worst case for
    us): then only the ID and the exact 0x20 spelling stand in its way.
    The forward query of a 46-letter name is flooded (all IDs, the name
    in lower case, an A record naming the victim): a forged answer lands
    only if all 46 letters came out lower case, 5 x 2^-46 < 1e-13, so
    0 of 5 fail -> pass; without the check every ID hit lands."""
    long_name = 'victimhostwithaverylongnamefortestingcase%s.example.com'
    victims = ['192.0.2.%d' % (140 + i) for i in range(5)]
    names = [long_name % chr(ord('a') + i) for i in range(5)]

    def handler(qname, qtype, msg):
        for ip, name in zip(victims, names):
            if qtype == 'PTR' and qname == reverse_name(ip):
                return dnstest.answer(msg, [('PTR', None, name)])
            if qtype == 'A' and qname == name:
                q = dnstest.build_query(name, 'A', msgid=0, rd=True)
                fl.add(r.seen()[-1][0], dnstest.answer(q, [('A', None, ip)]),
                       dnstest.answer(msg, [('A', None, '192.0.2.250')]),
                       r.seen()[-1][0])
                return None
        return dnstest.nxdomain(msg, 'example.com')

    lines = b''.join(b'sshd[3]: from %s port 22\n' % ip.encode()
                     for ip in victims)
    with Wire(handler) as r, Flooder(r, len(victims)) as fl:
        # --min-wait at -d, as in case_poisoning
        rc, out, err = dnstest.run(ptrtag, ['-s', r.server, '-t', '20000',
                                            '--tries', '1', '-d', '30000',
                                            '--min-wait', '30000', '--stats'],
                                   lines, timeout=60)
    got = verdicts(out)
    want = {ip: ('fail', name) for ip, name in zip(victims, names)}
    dropped = re.search(rb'answers_dropped=(\d+)', err)
    tap.diag('port known: %d forged answers sent to the query\'s own port, '
             '%s dropped' % (fl.sent, dropped.group(1).decode()
                             if dropped else '?'))
    tap.equal((rc, got), (0, want), 'flood on the query\'s own port: 0 of 5 '
              'forward answers forged (fail stays fail)',
              'stderr: %s' % dnstest.short(err))


# ----- (4) more than 16 sockets

def case_twenty_servers(tap, ptrtag):
    """19 silent servers, then the responder: each query waits 19 x 100
    ms, with 20 sockets open; the last one's answer must be read."""
    ip = '192.0.2.77'
    handler = dnstest.table_handler(ptr={ip: ['tw.example.com']},
                                    a={'tw.example.com': [ip]})
    silent = []
    try:
        for _ in range(19):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((dnstest.LOOPBACK, 0))
            silent.append(s)
        with Wire(handler) as r:
            servers = ','.join(['%s:%d' % s.getsockname() for s in silent] +
                               [r.server])
            line = b'sshd[1]: from %s port 22\n' % ip.encode()
            rc, out, err = dnstest.run(ptrtag, ['-s', servers, '-t', '100',
                                                '--tries', '1', '-d',
                                                '15000'], line, timeout=30)
            tap.equal((rc, out), (0, annotate(line, kv(ip, 'pass',
                                                          'tw.example.com'))),
                      '20 servers, only the last answers: pass',
                      'stderr: %s' % dnstest.short(err))
    finally:
        for s in silent:
            s.close()


def case_silent_names(tap, ptrtag):
    """2,000 addresses in one batch at the default -j 256, one in ten
    never answered: a silent query keeps its channel's socket open for
    its 3 s of tries, and the channel takes nothing else meanwhile. Every
    answered address must still come out with its answer within -d 1500,
    not as timeout behind channels held by silent names (with a channel
    per -j slot the silent ones hold only their own)."""
    count = 2000

    def handler(qname, qtype, msg):
        if qtype == 'PTR' and int(qname.split('.')[0]) % 10 == 0:
            return None
        return dnstest.nxdomain(msg, 'in-addr.arpa')

    lines = b''.join(b'conn from 198.19.%d.%d\n' % (i // 250, i % 250)
                     for i in range(count))
    t0 = time.monotonic()
    with dnstest.Responder(handler) as r:
        rc, out, err = dnstest.run(ptrtag, ['-s', r.server, '-d', '1500'],
                                   lines, timeout=60)
    secs = time.monotonic() - t0
    got = verdicts(out)
    every = ['198.19.%d.%d' % (i // 250, i % 250) for i in range(count)]
    silent = [ip for ip in every if int(ip.split('.')[3]) % 10 == 0]
    answered = [ip for ip in every if int(ip.split('.')[3]) % 10 != 0]
    late = [ip for ip in answered if got.get(ip, ('missing',))[0] != 'none']
    tap.diag('%d addresses (%d silent) in %.1f s' % (count, len(silent),
                                                     secs))
    tap.ok(rc == 0 and len(dnstest.split_lines(out)) == count,
           'silent names: every line out, exit 0',
           'rc %s; stderr: %s' % (rc, dnstest.short(err)))
    tap.ok(not late, 'silent names: all %d answered addresses written '
           'with their answer (none), none as timeout' % len(answered),
           '%d not: %s' % (len(late), ', '.join('%s %s' % (
               ip, got.get(ip, ('missing',))[0]) for ip in late[:5])))
    tap.ok(all(got.get(ip, ('',))[0] == 'timeout' for ip in silent),
           'silent names: the silent ones written as timeout',
           str([got.get(ip) for ip in silent
                if got.get(ip, ('',))[0] != 'timeout'][:5]))


def main():
    dnstest.run_tests(
        (None, [case_tcp_isolation, case_ports_and_case, case_burst_j1024,
                case_poisoning, case_port_known, case_twenty_servers,
                case_silent_names]))


if __name__ == '__main__':
    main()
