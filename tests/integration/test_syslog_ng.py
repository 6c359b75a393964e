#!/usr/bin/env python3
"""ptrtag under a real syslog-ng (program() destination and source).

syslog-ng runs from Debian's syslog-ng-core in the foreground with its own
configuration, control socket, persist file and pid file in a temporary
directory; messages come in with util-linux `logger` over a unix socket or
UDP on 127.0.0.1; ptrtag asks a private NSD. Output lines are checked
against the exact text ptrtag.1 prescribes.

- program("exec ptrtag -o FILE") destination: every message, in order,
  annotated; ptrtag exits when syslog-ng stops.
- Config reload with keep-alive(yes) (syslog-ng-ctl reload, and SIGHUP):
  the same ptrtag keeps running and no message is lost or duplicated,
  also while messages flow.
- Reload with the default keep-alive(no): syslog-ng stops ptrtag with
  SIGTERM and starts a new one. Quiescent: nothing lost. While messages
  flow: never a duplicate or a reordering. Three reloads under a stream
  with ptrtag behind (-j 1, a 50 ms resolver): every message exactly once
  (syslog-ng sends SIGTERM before it closes the pipe; ptrtag takes what
  waits in the pipe, ptrtag(1) STOPPING).
- program("tail -F LOG | ptrtag") source feeding a file() destination:
  lines appended to LOG arrive annotated.
"""

import itertools
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
import daemons                                              # noqa: E402
from daemons import (ARGS, SyslogNG, check_file, expect,    # noqa: E402
                     numbered, want_line)
from test_resilience import Switch                          # noqa: E402


def variants(text, ips):
    """want_line(text, ips), and the same with any of the addresses
    reported as timeout."""
    line = ('sshd: %s\n' % text).encode()
    out = []
    for verdicts in itertools.product(*[(None, 'timeout')] * len(ips)):
        out.append(dnstest.annotate(line, *(
            daemons.group(ip) if v is None else dnstest.kv(ip, v)
            for ip, v in zip(ips, verdicts))))
    return out


def head(d):
    return '''@version: 3.38
options {
  stats-freq(0);
  time-reopen(1);
  log-fifo-size(20000);
};
source s_internal { internal(); };
destination d_internal { file("%s/syslog-ng-internal.log"); };
log { source(s_internal); destination(d_internal); };
''' % d


def program_conf(d, sock, port, cmd, keep_alive):
    return head(d) + '''
source s_test {
  unix-dgram("%s");
  udp(ip("127.0.0.1") port(%d));
};
destination d_ptrtag {
  program("exec %s"
          template("${PROGRAM}: ${MSG}\\n")
          keep-alive(%s));
};
log { source(s_test); destination(d_ptrtag); };
''' % (sock, port, cmd, 'yes' if keep_alive else 'no')


def check_stop(tap, sng, label):
    daemons.check_stop(tap, sng, '%s: syslog-ng stops cleanly' % label,
                       '%s: ptrtag exits with syslog-ng, nothing left '
                       'running' % label)
    stderr = daemons.read_bytes(os.path.join(sng.dir, 'ptrtag.stderr'))
    tap.equal(stderr, b'', '%s: nothing on ptrtag\'s stderr' % label)


def flowing_reload(tap, sng, sock, out, prefix, reload, label,
                   expect_loss=False):
    """Send 150 messages paced over about 1.5 s, reload in the middle;
    return (got, wanted) of the new lines."""
    skip = len(dnstest.split_lines(daemons.read_bytes(out)))
    msgs = numbered(prefix, 150)
    wanted = [want_line(t, ips) for t, ips in msgs]
    sender = daemons.PacedLogger([t for t, _ in msgs], sock, 0.01)
    sender.start()
    daemons.wait_lines(out, skip + 40, 20)
    reload()
    sender.join(30)
    tap.ok(sender.error is None, '%s: logger sent everything' % label,
           sender.error)
    if expect_loss:
        daemons.wait_until(lambda: wanted[-1] in dnstest.split_lines(
            daemons.read_bytes(out)), 30)
    else:
        daemons.wait_lines(out, skip + len(msgs), 30)
    daemons.wait_stable(out, 0.5)
    return dnstest.split_lines(daemons.read_bytes(out))[skip:], wanted


def check_destination(tap, ptrtag, nsd):
    """keep-alive(yes): reloads keep ptrtag and lose nothing."""
    with daemons.TempDir('ptrtag-syslog-ng-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        port = dnstest.free_port()
        wrapped = daemons.wrapper(d, ptrtag, os.path.join(d, 'ptrtag.stderr'))
        cmd = '%s -s %s -o %s %s' % (wrapped, nsd.server, out, ARGS)
        with SyslogNG(d, program_conf(d, sock, port, cmd, True),
                      sockets=[sock], udp_ports=[port]) as sng:
            local = numbered('u', 12)
            wanted = daemons.log_messages(local, sock=sock)
            check_file(tap, out, wanted, 'program() destination: messages '
                       'over the unix socket come out annotated, in order',
                       context=sng.log)
            remote = numbered('n', 3)
            wanted += daemons.log_messages(remote, port=port)
            check_file(tap, out, wanted, 'program() destination: messages '
                       'over UDP on 127.0.0.1 too', context=sng.log)
            first = sng.children()
            tap.equal(len(first), 1, 'program() destination: one ptrtag')

            rc, text = sng.ctl('reload')
            tap.equal(rc, 0, 'syslog-ng-ctl reload succeeds', text)
            more = numbered('r', 6)
            wanted += daemons.log_messages(more, sock=sock)
            check_file(tap, out, wanted, 'after syslog-ng-ctl reload: '
                       'messages still come out, none lost',
                       context=sng.log)
            tap.equal(sng.children(), first, 'keep-alive(yes): the same '
                      'ptrtag after a reload')

            got, want = flowing_reload(
                tap, sng, sock, out, 'f',
                lambda: tap.equal(sng.ctl('reload')[0], 0,
                                  'reload while messages flow succeeds'),
                'reload while messages flow')
            tap.ok(got == want, 'syslog-ng-ctl reload while messages flow: '
                   'every message once, in order',
                   lambda: dnstest.first_difference(got, want))
            got, want = flowing_reload(
                tap, sng, sock, out, 'h',
                lambda: sng.signal(signal.SIGHUP), 'SIGHUP while flowing')
            tap.ok(got == want, 'SIGHUP (reload) while messages flow: '
                   'every message once, in order',
                   lambda: dnstest.first_difference(got, want))
            tap.equal(sng.children(), first, 'keep-alive(yes): the same '
                      'ptrtag after both reloads')
            check_stop(tap, sng, 'program() destination')


def check_destination_restart(tap, ptrtag, nsd):
    """keep-alive(no), the default: a reload restarts ptrtag."""
    with daemons.TempDir('ptrtag-syslog-ng-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        port = dnstest.free_port()
        wrapped = daemons.wrapper(d, ptrtag, os.path.join(d, 'ptrtag.stderr'))
        cmd = '%s -s %s -o %s %s' % (wrapped, nsd.server, out, ARGS)
        with SyslogNG(d, program_conf(d, sock, port, cmd, False),
                      sockets=[sock], udp_ports=[port]) as sng:
            msgs = numbered('a', 6)
            wanted = daemons.log_messages(msgs, sock=sock)
            check_file(tap, out, wanted, 'keep-alive(no): messages before '
                       'the reload', context=sng.log)
            first = sng.children()
            rc, text = sng.ctl('reload')
            tap.equal(rc, 0, 'keep-alive(no): syslog-ng-ctl reload', text)
            tap.ok(daemons.wait_until(lambda: sng.children() and
                                      sng.children() != first, 10),
                   'keep-alive(no): a reload starts a new ptrtag',
                   'before %s, after %s' % (first, sng.children()))
            # The old one writes what it read, then exits: under the
            # sanitizers its exit (the leak check) can trail the new start.
            tap.ok(daemons.wait_until(
                lambda: not any(daemons.alive(p) for p in first), 3),
                   'keep-alive(no): the old ptrtag has exited (SIGTERM) '
                   'within 3 s')
            msgs = numbered('b', 6)
            wanted += daemons.log_messages(msgs, sock=sock)
            check_file(tap, out, wanted, 'keep-alive(no): after a quiescent '
                       'reload nothing is lost; the new ptrtag appends',
                       context=sng.log)

            got, want = flowing_reload(
                tap, sng, sock, out, 'f',
                lambda: sng.ctl('reload'), 'keep-alive(no) flowing',
                expect_loss=True)
            # Lines ptrtag still held at SIGTERM come out at once with
            # the lookups unfinished (ptrtag.1): verdict timeout.
            index = {}
            for i, (text, ips) in enumerate(numbered('f', 150)):
                for line in variants(text, ips):
                    index[line] = i
            positions = [index.get(line) for line in got]
            tap.ok(None not in positions and
                   positions == sorted(set(positions)),
                   'keep-alive(no), reload while messages flow: every line '
                   'complete and annotated; no duplicate, no reordering',
                   lambda: dnstest.first_difference(got, want))
            tap.diag('keep-alive(no): a reload while messages flowed lost '
                     '%d of %d messages' % (len(want) - len(got), len(want)))
            check_stop(tap, sng, 'keep-alive(no)')


ANNOTATION = re.compile(rb'( rdns_\S+)+$')


def check_reloads_lose_nothing(tap, ptrtag, r):
    """keep-alive(no), reloaded three times under a steady stream (400
    messages, each with its own address, over about 2 s) while ptrtag is
    behind (-j 1 against a resolver that answers after 50 ms, so messages
    wait in the pipe and in ptrtag): syslog-ng sends SIGTERM before it
    closes the pipe, and ptrtag writes every message it read or that
    waited in the pipe (ptrtag(1), STOPPING). Every message is in the
    output file exactly once, in order (annotated, or as read where no
    lookup was started)."""
    with daemons.TempDir('ptrtag-syslog-ng-') as d:
        sock, out = os.path.join(d, 'log.sock'), os.path.join(d, 'out.log')
        port = dnstest.free_port()
        wrapped = daemons.wrapper(d, ptrtag, os.path.join(d, 'ptrtag.stderr'))
        cmd = '%s -s %s -o %s -j 1 -t 2000 --tries 1' % (wrapped, r.server,
                                                         out)
        with SyslogNG(d, program_conf(d, sock, port, cmd, False),
                      sockets=[sock], udp_ports=[port]) as sng:
            msgs = ['k%03d from 10.77.%d.%d port 22' % (i, i // 200,
                                                        i % 200 + 1)
                    for i in range(400)]
            index = {('sshd: %s' % m).encode(): i for i, m in enumerate(msgs)}
            sender = daemons.PacedLogger(msgs, sock, 0.005)
            sender.start()
            pids = set(sng.children())
            for n in range(3):
                time.sleep(0.6)
                tap.equal(sng.ctl('reload')[0], 0, 'keep-alive(no) under '
                          'a stream: reload %d succeeds' % (n + 1))
                daemons.wait_until(lambda: set(sng.children()) - pids, 10)
                pids |= set(sng.children())
            sender.join(60)
            tap.ok(sender.error is None, 'keep-alive(no) under a stream: '
                   'logger sent everything', sender.error)

            def positions():
                return [index.get(ANNOTATION.sub(b'', line.rstrip(b'\n')))
                        for line in dnstest.split_lines(
                            daemons.read_bytes(out))]
            daemons.wait_until(lambda: len(msgs) - 1 in positions(), 60)
            daemons.wait_stable(out, 1.0)
            got = positions()
            missing = sorted(set(range(len(msgs))) - set(got))
            tap.diag('keep-alive(no), 3 reloads under a stream: %d ptrtag '
                     'processes, %d lines for %d messages, %d missing' % (
                         len(pids), len(got), len(msgs), len(missing)))
            tap.ok(len(pids) >= 4, 'keep-alive(no): each reload started a '
                   'new ptrtag', str(sorted(pids)))
            tap.ok(got == list(range(len(msgs))), 'keep-alive(no), three '
                   'reloads under a stream: every message in the output '
                   'exactly once, in order', 'missing %s; got %s' % (
                       missing[:20], got[:5] if got == sorted(got)
                       else 'out of order or duplicated'))
            check_stop(tap, sng, 'keep-alive(no) under a stream')


def check_source(tap, ptrtag, nsd):
    """program("tail -F LOG | ptrtag") as a source."""
    with daemons.TempDir('ptrtag-syslog-ng-') as d:
        log, out = os.path.join(d, 'app.log'), os.path.join(d, 'out.log')
        open(log, 'wb').close()
        conf = head(d) + '''
source s_ptrtag {
  program("tail -n 0 -F %s | %s -s %s %s 2>>%s/ptrtag.stderr"
          flags(no-parse));
};
destination d_file { file("%s" template("${MSG}\\n")); };
log { source(s_ptrtag); destination(d_file); };
''' % (log, ptrtag, nsd.server, ARGS, d, out)
        with SyslogNG(d, conf) as sng:
            def tail_ready():
                return daemons.has_open(sng.children('tail'), log)
            tap.ok(daemons.wait_until(tail_ready, 10), 'program() source: '
                   'tail follows the log', sng.log)
            tap.equal(len(sng.children()), 1, 'program() source: one ptrtag')
            lines = [('gw sshd[%d]: %s\n' % (i, t)).encode()
                     for i, (t, _) in enumerate(numbered('s', 12))]
            wanted = [expect(l, *ips) for l, (_, ips) in
                      zip(lines, numbered('s', 12))]
            with open(log, 'ab') as f:
                for line in lines[:6]:
                    f.write(line)
            check_file(tap, out, wanted[:6], 'program() source: lines '
                       'appended to the log arrive annotated',
                       context=sng.log)
            with open(log, 'ab') as f:
                for line in lines[6:]:
                    f.write(line)
                    f.flush()
            check_file(tap, out, wanted, 'program() source: and go on '
                       'arriving, in order', context=sng.log)
            check_stop(tap, sng, 'program() source')


def main():
    daemons.run_tests(
        (dnstest.NSD(daemons.zones()),
         [check_destination, check_destination_restart, check_source]),
        (dnstest.Responder(Switch(alive=True, delay=0.05)),
         [check_reloads_lose_nothing]),
        handler_check=False)


if __name__ == '__main__':
    main()
