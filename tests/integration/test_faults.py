#!/usr/bin/env python3
"""ptrtag when DNS misbehaves, against a scripted Responder on 127.0.0.1.

Each case uses its own address (so the cache of one case never answers
another) and, unless it tests the cache itself, its own ptrtag process.
The Responder records every query, so the cases can also assert how many
queries ptrtag sent: one per address however many lines carry it
(coalescing), none when the answer is cached, exactly --tries when nobody
answers. The last case points ptrtag at a server that never answers and
checks that the stream keeps flowing (ptrtag.1: back-off, --max-delay).
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate, reverse_name              # noqa: E402

ARGS = ['-t', '500', '--tries', '2', '-d', '3000']

# ----- the DNS world of this file

PTR = {
    '192.0.2.6': ['late.example.com'],
    '192.0.2.12': ['sf.example.com'],
    '192.0.2.20': ['co.example.com'],
    '192.0.2.30': ['slow.example.com'],
    '192.0.2.40': ['MiXeD.Example.COM.'],
    '192.0.2.80': ['n1.example.com', 'n2.example.com', 'n3.example.com',
                   'n4.example.com', 'n5.example.com', 'n6.example.com'],
}
A = {
    'late.example.com': ['192.0.2.6'],
    'co.example.com': ['192.0.2.20'],
    'slow.example.com': ['192.0.2.30'],
    'mixed.example.com': ['192.0.2.40'],
    'tcp.example.com': ['192.0.2.50'],
    'classless.example.com': ['192.0.2.70'],
    'n1.example.com': ['192.0.2.81'],
    'n2.example.com': ['192.0.2.82'],
    'n3.example.com': [],
    'n4.example.com': ['192.0.2.84'],
    'n5.example.com': ['192.0.2.80'],
    'n6.example.com': ['192.0.2.80'],
}


def ptr_key(ip):
    return (reverse_name(ip), 'PTR')


def drop(msg):
    return None


def delayed_ptr(seconds, *names):
    def action(msg):
        reply = dnstest.answer(msg, [('PTR', None, n) for n in names])
        return ('delay', seconds, reply)
    return action


def truncated_then_tcp(msg):
    """UDP: TC and nothing else. TCP: 40 PTRs, the first one confirms."""
    names = ['tcp.example.com'] + ['filler%02d.example.com' % i
                                   for i in range(39)]
    return ('tc', dnstest.answer(msg, [('PTR', None, n) for n in names]))


def hostile_ptr(msg):
    """A PTR whose first label holds a space, '=' and a control byte: not
    a host name, so permerror, and its text must never be printed."""
    q = dnstest.parse_question(msg)
    target = dnstest.encode_labels([b'evil host=x\x07', b'example', b'com'])
    return dnstest.reply(msg, [dnstest.rr(q.wire[:-4], 'PTR', target)])


def classless_cname(msg):
    """RFC 2317 delegation as a recursive server returns it: a CNAME into
    the customer's zone, then the PTR there."""
    alias = '70.64/26.2.0.192.in-addr.arpa'
    return dnstest.answer(msg, [('CNAME', None, alias),
                                ('PTR', alias, 'classless.example.com')])


SPECIAL = {
    ptr_key('192.0.2.5'): drop,
    ptr_key('192.0.2.6'): delayed_ptr(1.5, 'late.example.com'),
    ptr_key('192.0.2.3'): dnstest.servfail,
    ptr_key('192.0.2.4'): dnstest.refused,
    ptr_key('192.0.2.8'): drop,
    ('sf.example.com', 'A'): dnstest.servfail,
    ptr_key('192.0.2.20'): delayed_ptr(0.3, 'co.example.com'),
    ptr_key('192.0.2.30'): delayed_ptr(0.5, 'slow.example.com'),
    ptr_key('192.0.2.98'): lambda msg: dnstest.nodata(msg, 'in-addr.arpa'),
    ptr_key('192.0.2.50'): truncated_then_tcp,
    ptr_key('192.0.2.60'): hostile_ptr,
    ptr_key('192.0.2.65'): dnstest.malformed,
    ptr_key('192.0.2.70'): classless_cname,
}


def make_handler():
    return dnstest.table_handler(ptr=PTR, a=A, special=SPECIAL)


# ----- helpers

def ptrtag_argv(ptrtag, responder, args):
    return [ptrtag, '-s', responder.server] + args


def run_one(ptrtag, responder, line, args=ARGS, timeout=20):
    """Run ptrtag over one line; returns (rc, out, err)."""
    return dnstest.run(ptrtag, ['-s', responder.server] + args, line,
                       timeout=timeout)


def check_line(tap, ptrtag, responder, name, line, groups, args=ARGS):
    """One fresh ptrtag over one line; exact expected output, exit 0."""
    rc, out, err = run_one(ptrtag, responder, line, args)
    want = annotate(line, *groups)
    tap.equal((rc, out), (0, want), name,
              'stderr: %s' % dnstest.short(err))


# ----- the cases

def case_no_answer_max_delay(tap, ptrtag, r):
    """(a) Nobody answers: the line is written when --max-delay runs out
    (about 0.8 s, not the 3 s DNS timeout), with verdict timeout."""
    line = b'sshd[1]: Failed password for root from 192.0.2.5 port 1 ssh2\n'
    argv = ptrtag_argv(ptrtag, r, ['-d', '800', '-t', '3000', '--tries', '1'])
    with dnstest.Stream(argv) as s:
        start = time.monotonic()
        s.write(line)
        got = s.read_line(5)
        elapsed = time.monotonic() - start
        tap.equal(got, annotate(line, kv('192.0.2.5', 'timeout')),
                  'no answer: line written with rdns_fcrdns=timeout')
        tap.ok(0.6 <= elapsed <= 2.5,
               'no answer: line held about --max-delay (0.6..2.5 s)',
               'held %.2f s' % elapsed)
        s.close_stdin()
        rc = s.wait(10)
        tap.equal(rc, 0, 'no answer: exit 0 at end of input',
                  'stderr: %s' % dnstest.short(s.err))


def case_late_answer_cached(tap, ptrtag, r):
    """(a) The PTR answer comes 1.5 s late (after --max-delay 0.8 s, before
    the 3 s timeout): the first line goes out as timeout, the lookup goes
    on in the background, and a later line with the same address gets the
    real verdict from the cache without a new PTR query."""
    ip = '192.0.2.6'
    first = b'sshd[2]: Connection from 192.0.2.6 port 1\n'
    later = b'sshd[3]: Accepted publickey for dave from 192.0.2.6 port 2\n'
    argv = ptrtag_argv(ptrtag, r, ['-d', '800', '-t', '3000', '--tries', '1'])
    with dnstest.Stream(argv) as s:
        s.write(first)
        tap.equal(s.read_line(5), annotate(first, kv(ip, 'timeout')),
                  'late answer: first line written as timeout')
        answered = r.wait_for(lambda: r.replies('late.example.com', 'A'), 6)
        tap.ok(answered, 'late answer: forward query sent after the PTR '
               'answer arrived', 'queries seen: %s' % r.queries())
        time.sleep(0.3)
        s.write(later)
        tap.equal(s.read_line(3),
                  annotate(later, kv(ip, 'pass', 'late.example.com')),
                  'late answer: later line gets the cached verdict')
        s.close_stdin()
        s.wait(10)
    tap.equal(r.count(reverse_name(ip), 'PTR'), 1,
              'late answer: exactly one PTR query for the address')


def case_tries_exhausted(tap, ptrtag, r):
    """Nobody answers and every try times out before --max-delay: the
    verdict is temperror (not timeout), after exactly --tries queries."""
    ip = '192.0.2.8'
    line = b'sshd[4]: Invalid user x from 192.0.2.8 port 3\n'
    check_line(tap, ptrtag, r, 'tries exhausted before max-delay: temperror',
               line, [kv(ip, 'temperror')],
               ['-t', '300', '--tries', '2', '-d', '3000'])
    tap.equal(r.count(reverse_name(ip), 'PTR'), 2,
              'tries exhausted: exactly --tries (2) PTR queries sent')


def case_rcode_failures(tap, ptrtag, r):
    """(b), (c) SERVFAIL and REFUSED on the PTR query are temperror, with no
    host; SERVFAIL on the only forward query is temperror with the PTR
    name as host; (e) NXDOMAIN with SOA and NODATA on the PTR are none."""
    check_line(tap, ptrtag, r, 'SERVFAIL on PTR: temperror',
               b'from 192.0.2.3 x\n', [kv('192.0.2.3', 'temperror')])
    check_line(tap, ptrtag, r, 'REFUSED on PTR: temperror',
               b'from 192.0.2.4 x\n', [kv('192.0.2.4', 'temperror')])
    check_line(tap, ptrtag, r, 'SERVFAIL on the forward query: temperror '
               'with the PTR name as host',
               b'from 192.0.2.12 x\n',
               [kv('192.0.2.12', 'temperror', 'sf.example.com')])
    check_line(tap, ptrtag, r, 'NXDOMAIN with SOA on PTR: none',
               b'from 192.0.2.99 x\n', [kv('192.0.2.99', 'none')])
    check_line(tap, ptrtag, r, 'NODATA on PTR: none',
               b'from 192.0.2.98 x\n', [kv('192.0.2.98', 'none')])


def case_coalescing(tap, ptrtag, r):
    """(d) A thousand lines with one new address (its PTR answer takes
    0.3 s, so most lines arrive while it is in flight) cause one PTR query
    and one A query, and all thousand lines get the verdict."""
    ip = '192.0.2.20'
    lines = [b'postfix/smtpd[%d]: connect from unknown[192.0.2.20]\n' % i
             for i in range(1000)]
    rc, out, err = run_one(ptrtag, r, b''.join(lines), timeout=30)
    group = kv(ip, 'pass', 'co.example.com')
    want = [annotate(line, group) for line in lines]
    got = dnstest.split_lines(out)
    tap.ok(rc == 0 and got == want, 'coalescing: 1000 lines annotated pass',
           lambda: 'rc %s; %s' % (rc, dnstest.first_difference(got, want)))
    tap.equal(r.count(reverse_name(ip), 'PTR'), 1,
              'coalescing: exactly one PTR query for 1000 lines')
    tap.equal(r.count('co.example.com', 'A'), 1,
              'coalescing: exactly one A query for 1000 lines')


def case_order(tap, ptrtag, r):
    """(f) Output keeps input order: a line waiting 0.5 s for its PTR
    answer holds back the line after it, which needs no DNS at all."""
    slow = b'sshd[5]: Connection from 192.0.2.30 port 5\n'
    plain = b'sshd[6]: Received SIGHUP; restarting.\n'
    with dnstest.Stream(ptrtag_argv(ptrtag, r, ARGS)) as s:
        s.write(slow + plain)
        got = s.read_lines(2, 3)
        s.close_stdin()
        s.wait(10)
    want = [annotate(slow, kv('192.0.2.30', 'pass', 'slow.example.com')),
            plain]
    tap.equal(got, want, 'order: the slow line comes out first, then the '
              'line behind it')


def case_names(tap, ptrtag, r):
    """What ptrtag makes of the names it gets back."""
    check_line(tap, ptrtag, r, 'mixed-case PTR reported lower-case, no dot',
               b'from 192.0.2.40 x\n',
               [kv('192.0.2.40', 'pass', 'mixed.example.com')])
    check_line(tap, ptrtag, r, 'TC over UDP: retried over TCP, pass',
               b'from 192.0.2.50 x\n',
               [kv('192.0.2.50', 'pass', 'tcp.example.com')])
    tap.ok(r.count(reverse_name('192.0.2.50'), 'PTR', 'tcp') >= 1,
           'TC over UDP: a PTR query came over TCP',
           'queries: %s' % r.queries(reverse_name('192.0.2.50')))
    check_line(tap, ptrtag, r, 'PTR with space, = and control byte: '
               'permerror, text never printed',
               b'from 192.0.2.60 x\n', [kv('192.0.2.60', 'permerror')])
    check_line(tap, ptrtag, r, 'malformed PTR answer: permerror',
               b'from 192.0.2.65 x\n', [kv('192.0.2.65', 'permerror')])
    check_line(tap, ptrtag, r, 'RFC 2317 CNAME to the PTR: followed, pass',
               b'from 192.0.2.70 x\n',
               [kv('192.0.2.70', 'pass', 'classless.example.com')])


def case_max_names(tap, ptrtag, r):
    """--max-names bounds the work per address: of six PTR names only the
    first four are looked up; the confirming fifth and sixth are not, so
    the verdict is fail with the first name as host."""
    check_line(tap, ptrtag, r, '--max-names 4: six PTRs, only 5th/6th '
               'confirm: fail',
               b'from 192.0.2.80 x\n',
               [kv('192.0.2.80', 'fail', 'n1.example.com')])
    later = sum(r.count('n%d.example.com' % i, 'A') for i in (5, 6))
    tap.equal(later, 0, '--max-names 4: no A query for the 5th and 6th name')


def verdict_of(line):
    """The rdns_fcrdns value of a kv-annotated line, or None."""
    marker = b' rdns_fcrdns='
    if marker not in line:
        return None
    return line.rsplit(marker, 1)[1].split()[0].decode('latin-1')


def case_dead_resolver(tap, ptrtag, _):
    """ptrtag.1: a dead resolver never stalls the stream. Nothing answers;
    200 lines with 200 different addresses all come out promptly, each
    with a failure verdict (timeout, temperror or skipped: back-off), and
    then 20 lines written one by one each come out within about
    --max-delay (0.3 s) of being written."""
    allowed = {'timeout', 'temperror', 'skipped'}
    with dnstest.Responder(lambda qname, qtype, msg: None) as dead:
        argv = ptrtag_argv(ptrtag, dead, ['-d', '300', '-t', '200',
                                          '--tries', '1'])
        with dnstest.Stream(argv) as s:
            burst = [b'sshd[7]: Connection from 10.0.%d.%d port 7\n' %
                     (i // 100, i % 100 + 1) for i in range(200)]
            start = time.monotonic()
            s.write(b''.join(burst))
            got = s.read_lines(len(burst), 10)
            elapsed = time.monotonic() - start
            verdicts = [verdict_of(line) for line in got]
            tap.ok(len(got) == 200 and set(verdicts) <= allowed,
                   'dead resolver: 200 lines out, each timeout, temperror '
                   'or skipped', 'got %d lines, verdicts %s' % (
                       len(got), sorted(set(map(str, verdicts)))))
            tap.ok(elapsed < 3, 'dead resolver: the burst is out within 3 s',
                   'took %.2f s' % elapsed)
            holds = []
            for i in range(20):
                line = b'sshd[8]: Connection from 10.9.0.%d port 8\n' % (i + 1)
                sent = time.monotonic()
                s.write(line)
                if s.read_line(3) is None:
                    holds.append(99.0)
                    break
                holds.append(time.monotonic() - sent)
            tap.ok(max(holds) < 1.0, 'dead resolver: no line held much past '
                   '--max-delay 0.3 s', 'longest hold %.2f s' % max(holds))
            s.close_stdin()
            tap.equal(s.wait(10), 0, 'dead resolver: exit 0 at end of input')


def main():
    dnstest.run_tests(
        (dnstest.Responder(make_handler()),
         [case_no_answer_max_delay, case_late_answer_cached,
          case_tries_exhausted, case_rcode_failures, case_coalescing,
          case_order, case_names, case_max_names, case_dead_resolver]))


if __name__ == '__main__':
    main()
