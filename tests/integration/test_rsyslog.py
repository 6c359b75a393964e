#!/usr/bin/env python3
"""ptrtag under a real rsyslogd (omprog and mmexternal).

rsyslogd runs from Debian's package, unpacked by get-rsyslog, with its own
configuration, sockets and pid file in a temporary directory; messages come
in with util-linux `logger` over a unix socket or UDP on 127.0.0.1, and
ptrtag asks a private NSD (or a scripted responder where a test needs
slow answers). Each output line is checked against the exact text ptrtag.1
prescribes.

1. omprog without confirmations: ptrtag -o FILE gets every message, in
   order, annotated; unix socket and UDP inputs; ptrtag exits cleanly
   when rsyslogd stops (nothing on its stderr).
2. omprog confirmMessages="on" with --omprog: the "OK" protocol holds
   (rsyslog never times out or restarts ptrtag).
3. omprog hup.signal="HUP": HUP to rsyslogd reaches ptrtag, which reopens
   -o FILE after a logrotate-style rename; new lines go to the new file,
   none is lost, none duplicated, order kept, also while messages flow.
4. SIGKILL of the ptrtag child mid-stream: rsyslog restarts it.
   confirmMessages="on": nothing is lost; the unconfirmed message is
   retried (at least once: at most one duplicate, order kept).
   Without confirmations, what holds: lines already written stay; a
   message ptrtag had read but not written when it died is lost; the
   message whose write found ptrtag dead is retried with the new one, so
   everything sent after the death arrives; the output is the stream
   with one gap, never a duplicate or a reordering.
5. mmexternal with --mmexternal: every message gets exactly its reply,
   in order, always (no address, an empty message, a burst of 200), and
   the $!rdns properties reach an omfile template; the reply comes
   within the 200 ms default delay when DNS is slow.
"""

import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
import daemons                                              # noqa: E402
from daemons import (ARGS, Rsyslog, check_file, expect,     # noqa: E402
                     rdns_props, want_line)

# daemons.MESSAGES and one from the loopback address (not annotated).
MESSAGES = daemons.MESSAGES + [
    ('Accepted password for backup from 127.0.0.1 port 51514 ssh2', []),
]

LINE_TEMPLATE = ('template(name="ptrtag_line" type="string" string="'
                 '%programname%:%msg:::sp-if-no-1st-sp%%msg%\\n")\n')


def numbered(prefix, count, start=0):
    """daemons.numbered() over MESSAGES."""
    return daemons.numbered(prefix, count, start, MESSAGES)


def inputs(d, sock, udp_port=None):
    """imuxsock (and imudp) inputs bound to ruleset ptrtag."""
    text = ('module(load="imuxsock" SysSock.Use="off")\n'
            'input(type="imuxsock" Socket="%s" RateLimit.Interval="0" '
            'ruleset="ptrtag")\n' % sock)
    if udp_port is not None:
        text += ('module(load="imudp")\n'
                 'input(type="imudp" address="127.0.0.1" port="%d" '
                 'ruleset="ptrtag")\n' % udp_port)
    return text


def omprog_conf(d, sock, cmd, params='', udp_port=None):
    return (Rsyslog.preamble(d) + inputs(d, sock, udp_port) +
            'module(load="omprog")\n' + LINE_TEMPLATE +
            'ruleset(name="ptrtag") {\n'
            '  action(type="omprog" name="ptrtag" binary="%s"\n'
            '         template="ptrtag_line" forceSingleInstance="on"\n'
            '         output="%s/ptrtag.stderr" %s\n'
            '         action.resumeRetryCount="-1" '
            'action.resumeInterval="1")\n'
            '}\n' % (cmd, d, params))


def check_clean_stop(tap, rs, label):
    """rsyslogd stops; the ptrtag child exits by itself at EOF, leaving
    nothing on stderr and no process behind."""
    stderr_path = os.path.join(rs.dir, 'ptrtag.stderr')
    daemons.check_stop(tap, rs, '%s: rsyslogd stops cleanly' % label,
                       '%s: the ptrtag child exits with rsyslogd, nothing '
                       'left running' % label)
    internal = daemons.read_bytes(rs.internal_log)
    tap.ok(b'did not terminate' not in internal,
           '%s: ptrtag ends within omprog closeTimeout at EOF' % label,
           daemons.read_text(rs.internal_log))
    tap.equal(daemons.read_bytes(stderr_path), b'',
              '%s: nothing on ptrtag\'s stderr' % label)


# --------------------------------------------------------------------------
# 1. omprog, no confirmations

def check_omprog_plain(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        port = dnstest.free_port()
        cmd = '%s -s %s -o %s %s' % (ptrtag, nsd.server, out, ARGS)
        with Rsyslog(d, omprog_conf(d, sock, cmd, udp_port=port),
                     sockets=[sock], udp_ports=[port]) as rs:
            local = numbered('u', len(MESSAGES))
            wanted = daemons.log_messages(local, sock=sock)
            check_file(tap, out, wanted, 'omprog: messages over the unix '
                       'socket come out annotated, in order', context=rs.log)
            remote = numbered('n', 3)
            wanted += daemons.log_messages(remote, port=port)
            check_file(tap, out, wanted, 'omprog: messages over UDP on '
                       '127.0.0.1 too', context=rs.log)
            tap.equal(len(rs.children()), 1, 'omprog forceSingleInstance: '
                      'one ptrtag process')
            check_clean_stop(tap, rs, 'omprog')


# --------------------------------------------------------------------------
# 2. omprog, confirmMessages="on"

# A message over ptrtag's --max-line 2000 in the tests that use it: it
# passes unannotated (kv marks its end), and is one message (one OK, one
# reply).
LONG = 'L000 from 203.0.113.45 ' + 'x' * 5000


def check_omprog_confirm(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        cmd = '%s --omprog -s %s -o %s --max-line 2000 %s' % (
            ptrtag, nsd.server, out, ARGS)
        conf = omprog_conf(d, sock, cmd, 'confirmMessages="on" '
                           'confirmTimeout="8000" reportFailures="on"')
        with Rsyslog(d, conf, sockets=[sock]) as rs:
            msgs = numbered('c', 3 * len(MESSAGES))
            daemons.logger([t for t, _ in msgs[:2]], sock=sock)
            daemons.wait_lines(out, 2, 20)
            first = rs.children()
            daemons.logger([t for t, _ in msgs[2:]], sock=sock)
            check_file(tap, out, [want_line(t, ips) for t, ips in msgs],
                       'omprog confirmMessages: every message written, in '
                       'order', context=rs.log)
            daemons.logger(LONG, sock=sock, size=10000)
            tail = numbered('d', 3)
            daemons.logger([t for t, _ in tail], sock=sock)
            check_file(tap, out, [want_line(t, ips) for t, ips in msgs] +
                       [dnstest.overlong(('sshd: %s\n' % LONG).encode())] +
                       [want_line(t, ips) for t, ips in tail],
                       'omprog confirmMessages: a message over --max-line '
                       'passes unannotated, and is confirmed once',
                       context=rs.log)
            tap.ok(len(first) == 1 and rs.children() == first,
                   'omprog confirmMessages: the same ptrtag throughout '
                   '(every OK accepted, none missing)',
                   'before %s, after %s' % (first, rs.children()))
            internal = daemons.read_bytes(rs.internal_log)
            tap.ok(b'omprog' not in internal, 'omprog confirmMessages: '
                   'rsyslog reports no timeout, failure or restart',
                   daemons.read_text(rs.internal_log))
            check_clean_stop(tap, rs, 'omprog confirmMessages')


# --------------------------------------------------------------------------
# 3. omprog hup.signal="HUP"

def check_omprog_hup(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        rotated = out + '.1'
        cmd = '%s --omprog -s %s -o %s %s' % (ptrtag, nsd.server, out, ARGS)
        conf = omprog_conf(d, sock, cmd, 'confirmMessages="on" '
                           'hup.signal="HUP"')
        with Rsyslog(d, conf, sockets=[sock]) as rs:
            before = numbered('a', 5)
            want_before = daemons.log_messages(before, sock=sock)
            check_file(tap, out, want_before, 'HUP: lines before the '
                       'rotation', context=rs.log)
            child = rs.children()

            os.rename(out, rotated)
            between = numbered('b', 3)
            want_between = daemons.log_messages(between, sock=sock)
            check_file(tap, rotated, want_before + want_between,
                       'HUP: after the rename and before HUP, lines still '
                       'go to the renamed file (its descriptor)')
            tap.ok(not os.path.exists(out), 'HUP: no new file before HUP')

            rs.signal(signal.SIGHUP)
            tap.ok(daemons.wait_until(lambda: os.path.exists(out), 10),
                   'HUP to rsyslogd reaches ptrtag: it reopens -o FILE '
                   '(created anew)', rs.log)
            after = numbered('c', 4)
            check_file(tap, out, daemons.log_messages(after, sock=sock),
                       'HUP: new lines go to the new file')
            tap.equal(daemons.read_bytes(rotated),
                      b''.join(want_before + want_between),
                      'HUP: the renamed file keeps exactly what it had')
            tap.equal(rs.children(), child, 'HUP: the same ptrtag process '
                      '(reopened, not restarted)')

            # Rotation while messages flow: nothing lost, nothing twice.
            os.unlink(rotated)          # the first rotation is checked
            stream = numbered('s', 120)
            half = len(stream) // 2
            daemons.logger([t for t, _ in stream[:half]], sock=sock)
            os.rename(out, rotated)
            rs.signal(signal.SIGHUP)
            daemons.logger([t for t, _ in stream[half:]], sock=sock)
            wanted = [want_line(t, ips) for t, ips in after + stream]

            def both():
                return (dnstest.split_lines(daemons.read_bytes(rotated)) +
                        dnstest.split_lines(daemons.read_bytes(out)))
            daemons.wait_until(lambda: len(both()) >= len(wanted), 30)
            daemons.wait_stable(out, 0.3)
            got = both()
            tap.ok(got == wanted, 'HUP while messages flow: old file then '
                   'new file hold every line once, in order',
                   lambda: dnstest.first_difference(got, wanted))
            check_clean_stop(tap, rs, 'HUP')


# --------------------------------------------------------------------------
# 4. SIGKILL of the ptrtag child

SLOW_NET = '192.0.2.'


def slow_handler():
    """PTR for 192.0.2.100-199 answered with hN.slow.example.com, whose
    A record confirms: after 1.5 s for .100-.119 ("held" lines), after
    50 ms for .120-.199; 203.0.113.45 passes at once; everything else is
    NXDOMAIN."""
    def handler(qname, qtype, msg):
        if qtype == 'PTR' and qname.endswith('.2.0.192.in-addr.arpa'):
            last = int(qname.split('.')[0])
            if 100 <= last < 200:
                delay = 1.5 if last < 120 else 0.05
                return ('delay', delay, dnstest.answer(
                    msg, [('PTR', None, 'h%d.slow.example.com' % last)]))
        if qtype == 'A' and qname.endswith('.slow.example.com'):
            last = int(qname.split('.')[0][1:])
            return dnstest.answer(msg, [('A', None, SLOW_NET + str(last))])
        return daemons.mail_or_nxdomain(qname, qtype, msg)
    return handler


def slow_message(i):
    ip = SLOW_NET + str(100 + i)
    return ('k%03d Failed password for root from %s port 22' % (i, ip),
            [ip])


def slow_line(text, ip):
    return dnstest.annotate(('sshd: %s\n' % text).encode(), dnstest.kv(
        ip, 'pass', 'h%s.slow.example.com' % ip.split('.')[-1]))


def seq_of(line):
    """The message number ('k007' -> 7) at the start of an output line."""
    word = line.split(b' ')[1]
    return int(word[1:])


def all_threads_gone(pid):
    """pid is dead and so is every thread of it: its leader can be a
    zombie while the scan-ahead thread (ptrtag(1), THREADS) is still
    exiting, and holds the pipe from rsyslog open until it is gone."""
    try:
        tasks = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return True
    return not daemons.alive(pid) and tasks == [str(pid)]


def kill_child(tap, rs, label):
    """SIGKILL the ptrtag child; wait until it is gone, every thread of
    it. Returns its pid."""
    pids = rs.children()
    if not tap.ok(len(pids) == 1, '%s: one ptrtag child to kill' % label,
                  'children: %s' % pids):
        return None
    os.kill(pids[0], signal.SIGKILL)
    daemons.wait_until(lambda: all_threads_gone(pids[0]), 5)
    return pids[0]


def check_kill_confirm(tap, ptrtag, r):
    """confirmMessages="on": no message lost."""
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        cmd = '%s --omprog -s %s -o %s -t 3000 --tries 1 -d 6000' % (
            ptrtag, r.server, out)
        conf = omprog_conf(d, sock, cmd, 'confirmMessages="on" '
                           'confirmTimeout="10000"')
        with Rsyslog(d, conf, sockets=[sock]) as rs:
            # A held message: its PTR answer takes 1.5 s; kill ptrtag
            # while it waits, before the line is written or confirmed.
            text, ips = slow_message(0)
            daemons.logger(text, sock=sock)
            rname = dnstest.reverse_name(ips[0])
            r.wait_for(lambda: r.count(rname, 'PTR'), 10)
            old = kill_child(tap, rs, 'kill, confirm')
            new = daemons.wait_until(lambda: [p for p in rs.children()
                                              if p != old], 15)
            tap.ok(new, 'kill, confirm: rsyslog restarts ptrtag', rs.log)
            check_file(tap, out, [slow_line(text, ips[0])],
                       'kill, confirm: the unconfirmed message is retried '
                       'and written once', context=rs.log)

            # Mid-stream: kill while a stream of messages goes through.
            skip = 1                    # the line checked above
            msgs = [slow_message(i) for i in range(20, 80)]
            daemons.logger([t for t, _ in msgs], sock=sock)
            daemons.wait_lines(out, skip + 20, 60)
            kill_child(tap, rs, 'kill mid-stream, confirm')
            daemons.wait_lines(out, skip + len(msgs), 90)
            daemons.wait_stable(out, 0.5)
            got = dnstest.split_lines(daemons.read_bytes(out))[skip:]
            seqs = [seq_of(l) for l in got]
            wanted = {slow_line(t, ips[0]) for t, ips in msgs}
            tap.ok(all(l in wanted for l in got), 'kill mid-stream, '
                   'confirm: every line complete and correctly annotated',
                   lambda: '\n'.join(dnstest.short(l) for l in got
                                     if l not in wanted))
            tap.equal(sorted(set(seqs)), list(range(20, 80)),
                      'kill mid-stream, confirm: no message lost')
            tap.ok(seqs == sorted(seqs) and len(seqs) - len(set(seqs)) <= 1,
                   'kill mid-stream, confirm: order kept; at most the '
                   'one unconfirmed message written twice',
                   'sequence: %s' % seqs)
            rs.stop()
            tap.equal(rs.leftovers(), [], 'kill, confirm: nothing left '
                      'running')


def check_kill_plain(tap, ptrtag, r):
    """No confirmations: the documented guarantee."""
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        cmd = '%s -s %s -o %s -t 3000 --tries 1 -d 6000' % (
            ptrtag, r.server, out)
        with Rsyslog(d, omprog_conf(d, sock, cmd), sockets=[sock]) as rs:
            # Written lines stay; a quiescent kill loses nothing.
            first = [('k%03d Accepted from 203.0.113.45' % i,
                      ['203.0.113.45']) for i in range(1, 4)]
            daemons.logger([t for t, _ in first], sock=sock)
            want = [expect(('sshd: %s\n' % t).encode(), *ips)
                    for t, ips in first]
            check_file(tap, out, want, 'kill, no confirm: lines before')
            kill_child(tap, rs, 'kill, no confirm')
            after = [('k%03d Accepted from 203.0.113.45' % i,
                      ['203.0.113.45']) for i in range(4, 6)]
            daemons.logger([t for t, _ in after], sock=sock)
            want += [expect(('sshd: %s\n' % t).encode(), *ips)
                     for t, ips in after]
            check_file(tap, out, want, 'kill, no confirm: the message whose '
                       'write found ptrtag dead is retried with a new '
                       'ptrtag; nothing lost when ptrtag held nothing',
                       context=rs.log)
            tap.ok(b'will be restarted' in
                   daemons.read_bytes(rs.internal_log),
                   'kill, no confirm: rsyslog noticed and restarted ptrtag',
                   rs.log)

            # A held message is lost: ptrtag read it, then died.
            text, ips = slow_message(10)
            daemons.logger(text, sock=sock)
            r.wait_for(lambda: r.count(dnstest.reverse_name(ips[0]),
                                       'PTR'), 10)
            kill_child(tap, rs, 'kill holding a line, no confirm')
            trigger = 'k011 Accepted from 203.0.113.45'
            daemons.logger(trigger, sock=sock)
            want_after = want + [expect(('sshd: %s\n' % trigger).encode(),
                                        '203.0.113.45')]
            _, got = check_file(tap, out, want_after, 'kill, no confirm: a '
                                'message ptrtag held when killed is lost; '
                                'the next one arrives', context=rs.log)

            # Mid-stream: the output is the stream with one gap.
            skip = len(got)             # the lines checked above
            msgs = [slow_message(i) for i in range(20, 60)]
            sender = daemons.PacedLogger([t for t, _ in msgs], sock, 0.04)
            sender.start()
            daemons.wait_lines(out, skip + 10, 30)
            kill_child(tap, rs, 'kill mid-stream, no confirm')
            sender.join(30)
            tap.ok(sender.error is None, 'kill mid-stream, no confirm: '
                   'logger sent everything', sender.error)
            tail = [('k%03d Accepted from 203.0.113.45' % i,
                     ['203.0.113.45']) for i in range(60, 65)]
            daemons.logger([t for t, _ in tail], sock=sock)
            daemons.wait_until(lambda: any(
                seq_of(l) == 64 for l in
                dnstest.split_lines(daemons.read_bytes(out))), 30)
            daemons.wait_stable(out, 0.5)
            got = dnstest.split_lines(daemons.read_bytes(out))[skip:]
            seqs = [seq_of(l) for l in got]
            wanted = {slow_line(t, ips[0]) for t, ips in msgs} | {
                expect(('sshd: %s\n' % t).encode(), *ips) for t, ips in tail}
            gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1]
            tap.ok(all(l in wanted for l in got), 'kill mid-stream, no '
                   'confirm: every line complete and correctly annotated',
                   lambda: '\n'.join(dnstest.short(l) for l in got
                                     if l not in wanted))
            tap.ok(seqs and seqs[0] == 20 and seqs[-1] == 64 and
                   len(gaps) <= 1,
                   'kill mid-stream, no confirm: the output is the stream '
                   'with at most one gap (no duplicate, no reordering), and '
                   'everything sent after the kill arrives',
                   'sequence: %s' % seqs)
            lost = sum(b - a - 1 for a, b in gaps)
            tap.diag('kill mid-stream without confirmations lost %d of %d '
                     'messages (those ptrtag had read but not written)' %
                     (lost, len(msgs)))
            rs.stop()
            tap.equal(rs.leftovers(), [], 'kill, no confirm: nothing left '
                      'running')


# --------------------------------------------------------------------------
# 5. mmexternal

MM_TEMPLATE = ('template(name="ptrtag_mm" type="string" string="'
               '%programname%:%msg:::sp-if-no-1st-sp%%msg%\\t%$!%\\n")\n')


def mmexternal_conf(d, sock, cmd, out):
    return (Rsyslog.preamble(d) + inputs(d, sock) +
            'module(load="mmexternal")\n' + MM_TEMPLATE +
            'ruleset(name="ptrtag") {\n'
            '  action(type="mmexternal" binary="%s" '
            'forceSingleInstance="on")\n'
            '  action(type="omfile" file="%s" template="ptrtag_mm")\n'
            '}\n' % (cmd, out))


def parse_mm(line):
    """(message text, $! as a dict) from an output line."""
    text, _, props = line.rstrip(b'\n').partition(b'\t')
    props = props.strip()
    return text, (json.loads(props) if props else {})


def check_mmexternal(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        # The wrapper keeps ptrtag's stderr (which mmexternal would mix
        # into the replies) in a file the test checks is empty.
        wrapped = daemons.wrapper(d, ptrtag, os.path.join(d, 'ptrtag.stderr'))
        cmd = '%s --mmexternal -s %s -t 500 --tries 2 -d 2000 ' \
            '--max-line 2000' % (wrapped, nsd.server)
        with Rsyslog(d, mmexternal_conf(d, sock, cmd, out),
                     sockets=[sock]) as rs:
            msgs = numbered('m', len(MESSAGES))
            many = ('m100 from 203.0.113.45 203.0.113.46 198.51.100.7 '
                    '198.51.100.23 192.0.2.66 2001:db8::25 '
                    'IPv6:2001:db8::25 [203.0.113.45]:22')
            msgs.append((many, ['203.0.113.45', '203.0.113.46',
                                '198.51.100.7', '198.51.100.23',
                                '192.0.2.66', '2001:db8::25']))
            daemons.logger([t for t, _ in msgs], sock=sock)
            # An empty message: mmexternal sends an empty line.
            daemons.send_datagram(sock, b'<38>Nov 26 10:00:00 sshd:')
            daemons.logger('m101 after the empty one, from 203.0.113.45',
                           sock=sock)
            daemons.logger(LONG, sock=sock, size=10000)
            daemons.logger('m102 after the long one, from 198.51.100.7',
                           sock=sock)
            msgs += [('', []), ('m101 after the empty one, from '
                                '203.0.113.45', ['203.0.113.45']),
                     (LONG, []),
                     ('m102 after the long one, from 198.51.100.7',
                      ['198.51.100.7'])]
            got = daemons.wait_lines(out, len(msgs), 30)
            tap.equal(len(got), len(msgs), 'mmexternal: one output line '
                      'per message (every message got its reply)',
                      rs.log())
            for (text, ips), line in zip(msgs, got):
                gtext, props = parse_mm(line)
                tap.equal((gtext.strip(), props),
                          (('sshd: %s' % text).strip().encode(),
                           rdns_props(ips)),
                          'mmexternal: $! of %s' % (
                              'the message over --max-line (none)'
                              if text == LONG else
                              dnstest.short(text[:40]) if text
                              else 'the empty message'))

            # A burst of 200, addresses and none interleaved.
            skip = len(got)
            burst = numbered('b', 200)
            daemons.logger([t for t, _ in burst], sock=sock)
            got = daemons.wait_lines(out, skip + len(burst), 60)[skip:]
            parsed = [parse_mm(l) for l in got]
            wanted = [(('sshd: %s' % t).encode(), rdns_props(ips))
                      for t, ips in burst]
            tap.equal(len(parsed), len(wanted), 'mmexternal burst: 200 '
                      'messages, 200 replies')
            bad = [i for i, (g, w) in enumerate(zip(parsed, wanted))
                   if g != w]
            tap.ok(not bad and len(parsed) == len(wanted), 'mmexternal '
                   'burst: each message carries its own reply, in order',
                   lambda: 'first bad: %s\n  expected %s' % (
                       parsed[bad[0]], wanted[bad[0]]) if bad else '')
            tap.equal(rs.children(), rs.children()[:1],
                      'mmexternal: one ptrtag process')
            internal = daemons.read_bytes(rs.internal_log)
            tap.ok(b'mmexternal' not in internal, 'mmexternal: rsyslog '
                   'reports no invalid reply and no restart',
                   daemons.read_text(rs.internal_log))
            daemons.check_stop(tap, rs, 'mmexternal: rsyslogd stops '
                               'cleanly', 'mmexternal: ptrtag exits with '
                               'rsyslogd')
            tap.equal(daemons.read_bytes(os.path.join(d, 'ptrtag.stderr')),
                      b'', 'mmexternal: nothing on ptrtag\'s stderr')


def check_mmexternal_sigusr1(tap, ptrtag, nsd):
    """mmexternal reads ptrtag's stderr as replies too (no wrapper here):
    SIGUSR1 must not put anything there (ptrtag(1), STOPPING), or every
    later reply lands on the wrong message. (--stats, which would print
    nothing here, is refused with --mmexternal: test_options.c.)"""
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        cmd = '%s --mmexternal -s %s -t 500 --tries 2' % (
            ptrtag, nsd.server)
        with Rsyslog(d, mmexternal_conf(d, sock, cmd, out),
                     sockets=[sock]) as rs:
            before = numbered('u', len(MESSAGES))
            daemons.logger([t for t, _ in before], sock=sock)
            daemons.wait_lines(out, len(before), 30)
            children = rs.children()
            for pid in children:
                os.kill(pid, signal.SIGUSR1)
            time.sleep(0.5)
            after = numbered('v', len(MESSAGES))
            daemons.logger([t for t, _ in after], sock=sock)
            msgs = before + after
            got = daemons.wait_lines(out, len(msgs), 30)
            parsed = [parse_mm(l) for l in got]
            wanted = [(('sshd: %s' % t).encode(), rdns_props(ips))
                      for t, ips in msgs]
            tap.ok(children and parsed == wanted, 'mmexternal: after '
                   'SIGUSR1 each message still carries its own reply',
                   lambda: dnstest.first_difference(
                       [repr(p).encode() for p in parsed],
                       [repr(w).encode() for w in wanted]))
            tap.equal(rs.children(), children, 'mmexternal: SIGUSR1: the '
                      'same ptrtag goes on')
            internal = daemons.read_bytes(rs.internal_log)
            tap.ok(b'mmexternal' not in internal, 'mmexternal: SIGUSR1: '
                   'rsyslog reports no invalid reply',
                   daemons.read_text(rs.internal_log))
            rs.stop()


def check_mmexternal_delay(tap, ptrtag, r):
    """--mmexternal's default --max-delay is 200 ms: a slow answer does
    not hold rsyslog's message; the lookup fills the cache."""
    with daemons.TempDir('ptrtag-rsyslog-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        cmd = '%s --mmexternal -s %s -t 3000 --tries 1' % (ptrtag, r.server)
        with Rsyslog(d, mmexternal_conf(d, sock, cmd, out),
                     sockets=[sock]) as rs:
            text, ips = slow_message(7)
            start = time.monotonic()
            daemons.logger(text, sock=sock)
            got = daemons.wait_lines(out, 1, 10)
            elapsed = time.monotonic() - start
            props = parse_mm(got[0])[1] if got else None
            tap.equal(props and props['rdns'],
                      [{'ip': ips[0], 'fcrdns': 'timeout',
                        'generic': False}],
                      'mmexternal: a slow lookup is reported as timeout')
            tap.ok(elapsed < 1.0, 'mmexternal: the reply comes within '
                   'about 200 ms, not after the 1.5 s answer',
                   'took %.2f s' % elapsed)
            r.wait_for(lambda: r.replies(dnstest.reverse_name(ips[0])), 5)
            time.sleep(0.3)
            daemons.logger(text.replace('k107', 'k108'), sock=sock)
            got = daemons.wait_lines(out, 2, 10)
            props = parse_mm(got[1])[1] if len(got) > 1 else None
            tap.equal(props and props['rdns'],
                      [{'ip': ips[0], 'host': 'h107.slow.example.com',
                        'fcrdns': 'pass', 'generic': False}],
                      'mmexternal: the answer that came late fills the '
                      'cache for the next message')
            rs.stop()


def main():
    daemons.run_tests(
        (dnstest.NSD(daemons.zones()),
         [check_omprog_plain, check_omprog_confirm, check_omprog_hup,
          check_mmexternal, check_mmexternal_sigusr1]),
        (dnstest.Responder(slow_handler()),
         [check_kill_confirm, check_kill_plain, check_mmexternal_delay]))


if __name__ == '__main__':
    main()
