#!/usr/bin/env python3
"""The configuration samples in samples/ work as shipped.

Each sample is used as it is, with only its @PLACEHOLDERS@ replaced by
paths and ports of a temporary directory (and, for rsyslog and syslog-ng,
a few test lines in front: inputs on a private socket, the daemon's own
messages to a file). No hand-written stand-in config.

- rsyslog-ptrtag.conf, omprog way (as shipped): auth and postfix messages
  come out in @ENRICHED_LOG@ annotated, others not at all; ptrtag's error
  log stays empty.
- logrotate-ptrtag, run with `logrotate -f -s STATE` against that
  running rsyslog: the file is rotated, the postrotate HUP reaches
  ptrtag, new lines go to the new file, none lost; a second rotation
  compresses the first (delaycompress).
- rsyslog-ptrtag.conf, mmexternal way (the other `call` line): JSON lines
  with $!rdns, $!related and the fields the sample sets.
- syslog-ng-ptrtag.conf: the program() destination (and a reload that
  keeps ptrtag) and the program() source example.
- unbound-ptrtag.conf: ptrtag through a real unbound forwarding to the
  test's DNS server: right verdicts; a second ptrtag run is answered from
  unbound's cache (the upstream sees no new query); private addresses get
  none until the sample's RFC 1918 lines are uncommented, then pass.
"""

import gzip
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
import daemons                                              # noqa: E402
from daemons import Rsyslog, SyslogNG, Unbound, expect      # noqa: E402

RFC3339 = re.compile(rb'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?'
                     rb'([+-]\d\d:\d\d|Z)$')

# (logger tag, priority, message, addresses; None: not enriched at all)
TRAFFIC = [
    ('sshd', 'auth.info',
     'Failed password for root from 203.0.113.45 port 22 ssh2',
     ['203.0.113.45']),
    ('sshd', 'authpriv.notice',
     'Accepted publickey for bob from 2001:db8::25 port 22 ssh2',
     ['2001:db8::25']),
    ('cron', 'cron.info', 'job from 203.0.113.45 is not ours', None),
    ('postfix/smtpd', 'mail.info',
     'connect from unknown[198.51.100.7]', ['198.51.100.7']),
    ('sshd', 'auth.info',
     'pam_unix(sshd:session): session opened for user bob', []),
    ('sshd', 'auth.info', 'Connection closed by 198.51.100.23 port 1',
     ['198.51.100.23']),
]


def send(traffic, sock, prefix):
    """Send each message (numbered) with its own tag and priority; return
    the [(tag, text, ips)] that should come out, in order."""
    out = []
    for i, (tag, prio, text, ips) in enumerate(traffic):
        text = '%s%02d %s' % (prefix, i, text)
        daemons.logger(text, sock=sock, tag=tag, priority=prio)
        if ips is not None:
            out.append((tag, text, ips))
    return out


def strip_stamp(line):
    """'TIME HOST rest' -> (TIME, HOST, rest)."""
    parts = line.split(b' ', 2)
    return tuple(parts) if len(parts) == 3 else (b'', b'', line)


def check_stamped(tap, path, wanted, name, timeout=30, context=None):
    """Lines 'TIME HOST tag: message ANNOTATIONS': the time RFC 3339, the
    host not empty, the rest exact."""
    want = [expect(('%s: %s\n' % (tag, text)).encode(), *ips)
            for tag, text, ips in wanted]
    got = daemons.wait_lines(path, len(want), timeout)
    split = [strip_stamp(l) for l in got]
    rest = [s[2] for s in split]
    ok = tap.ok(rest == want, name, lambda: '%s%s' % (
        dnstest.first_difference(rest, want),
        '\n' + context() if context else ''))
    tap.ok(all(RFC3339.match(s[0]) and s[1] for s in split),
           name + ': each line starts with an RFC 3339 time and the host',
           lambda: '\n'.join(dnstest.short(l) for l in got[:3]))
    return ok


# --------------------------------------------------------------------------
# rsyslog sample, omprog way, and logrotate

def rsyslog_front(d, sock):
    return (Rsyslog.preamble(d) +
            'module(load="imuxsock" SysSock.Use="off")\n'
            'input(type="imuxsock" Socket="%s" RateLimit.Interval="0")\n'
            '# ---- samples/rsyslog-ptrtag.conf\n' % sock)


def rsyslog_sample(d, ptrtag, dns, variant='omprog'):
    text = daemons.sample('rsyslog-ptrtag.conf')
    if variant == 'mmexternal':
        switched = text.replace('\tcall ptrtag_omprog\n',
                                '\t# call ptrtag_omprog\n') \
                       .replace('\t# call ptrtag_mmexternal\n',
                                '\tcall ptrtag_mmexternal\n')
        if switched.count('\tcall ') != 1 or \
                '\tcall ptrtag_mmexternal\n' not in switched:
            raise ValueError('rsyslog-ptrtag.conf: cannot switch to the '
                             'mmexternal way (the call lines changed?)')
        text = switched
    return daemons.substitute(text, {
        'PTRTAG': ptrtag,
        'DNS': dns,
        'ENRICHED_LOG': os.path.join(d, 'enriched.log'),
        'ENRICHED_JSON': os.path.join(d, 'enriched.json'),
        'ERROR_LOG': os.path.join(d, 'ptrtag.err'),
    })


def logrotate(tap, d, conf_text, label):
    conf = os.path.join(d, 'logrotate.conf')
    with open(conf, 'w') as f:
        f.write(conf_text)
    os.chmod(conf, 0o644)
    p = subprocess.run(['logrotate', '-f', '-s',
                        os.path.join(d, 'logrotate.state'), conf],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    tap.equal(p.returncode, 0, '%s: logrotate -f exits 0' % label,
              p.stdout.decode(errors='replace'))


def check_rsyslog_omprog(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-sample-') as d:
        sock = os.path.join(d, 'log.sock')
        log = os.path.join(d, 'enriched.log')
        conf = rsyslog_front(d, sock) + rsyslog_sample(d, ptrtag,
                                                       nsd.server)
        with Rsyslog(d, conf, sockets=[sock]) as rs:
            first = send(TRAFFIC, sock, 'a')
            check_stamped(tap, log, first, 'rsyslog sample (omprog): auth '
                          'and mail messages enriched, others left out',
                          context=rs.log)
            child = rs.children()

            # logrotate sample against this rsyslog.
            rot = daemons.substitute(daemons.sample('logrotate-ptrtag'), {
                'ENRICHED_LOG': log, 'RSYSLOG_PIDFILE': rs.pidfile})
            before = daemons.read_bytes(log)
            logrotate(tap, d, rot, 'logrotate sample')
            tap.equal(daemons.read_bytes(log + '.1'), before,
                      'logrotate sample: the file is rotated to .1, whole')
            second = send(TRAFFIC, sock, 'b')
            check_stamped(tap, log, second, 'logrotate sample: after the '
                          'postrotate HUP, new lines go to the new file, '
                          'none lost', context=rs.log)
            tap.equal(daemons.read_bytes(log + '.1'), before,
                      'logrotate sample: nothing more goes to .1')
            tap.equal(oct(os.stat(log).st_mode & 0o777), '0o640',
                      'logrotate sample: the new file is created 0640')
            after_first = daemons.read_bytes(log)
            logrotate(tap, d, rot, 'logrotate sample, second rotation')
            try:
                with gzip.open(log + '.2.gz') as f:
                    old = f.read()
            except OSError as e:
                old = repr(e).encode()
            tap.equal(old, before, 'logrotate sample: the second rotation '
                      'compresses the first (delaycompress)')
            tap.equal(daemons.read_bytes(log + '.1'), after_first,
                      'logrotate sample: and moves the current file to .1')
            third = send(TRAFFIC[:2], sock, 'c')
            check_stamped(tap, log, third, 'logrotate sample: lines after '
                          'the second rotation', context=rs.log)
            tap.equal(rs.children(), child, 'rsyslog sample: one ptrtag '
                      'throughout, reopening its file, never restarted')
            daemons.check_stop(tap, rs, 'rsyslog sample: rsyslogd stops',
                               'rsyslog sample: ptrtag exits with rsyslogd')
            tap.equal(daemons.read_bytes(os.path.join(d, 'ptrtag.err')),
                      b'', 'rsyslog sample: ptrtag\'s error log is empty')


# --------------------------------------------------------------------------
# rsyslog sample, mmexternal way

def check_rsyslog_mmexternal(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-sample-') as d:
        sock = os.path.join(d, 'log.sock')
        out = os.path.join(d, 'enriched.json')
        conf = rsyslog_front(d, sock) + rsyslog_sample(
            d, ptrtag, nsd.server, 'mmexternal')
        with Rsyslog(d, conf, sockets=[sock]) as rs:
            wanted = send(TRAFFIC, sock, 'm')
            got = daemons.wait_lines(out, len(wanted), 30)
            tap.equal(len(got), len(wanted), 'rsyslog sample (mmexternal): '
                      'one JSON line per auth and mail message', rs.log())
            for (tag, text, ips), line in zip(wanted, got):
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = {'unparsable': line.decode(errors='replace')}
                fields = {k: obj.get(k) for k in ('message', 'program')}
                props = {k: obj[k] for k in ('rdns', 'related') if k in obj}
                tap.equal((fields, props),
                          ({'message': text,
                            # rsyslog's programname stops at a '/'
                            'program': tag.split('/')[0]},
                           daemons.rdns_props(ips)),
                          'rsyslog sample (mmexternal): %s' % text[:40])
                tap.ok(RFC3339.match(str(obj.get('timestamp')).encode())
                       and obj.get('host'), 'rsyslog sample (mmexternal): '
                       'timestamp and host set', dnstest.short(line))
            internal = daemons.read_bytes(rs.internal_log)
            tap.ok(b'mmexternal' not in internal, 'rsyslog sample '
                   '(mmexternal): no invalid reply', rs.log())
            daemons.check_stop(tap, rs, 'rsyslog sample (mmexternal): '
                               'rsyslogd stops', 'rsyslog sample '
                               '(mmexternal): ptrtag exits with rsyslogd')


# --------------------------------------------------------------------------
# syslog-ng sample

def check_syslog_ng(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-sample-') as d:
        sock = os.path.join(d, 'log.sock')
        log = os.path.join(d, 'enriched.log')
        app = os.path.join(d, 'access.log')
        app_out = os.path.join(d, 'access-enriched.log')
        open(app, 'wb').close()
        wrapped = daemons.wrapper(d, ptrtag, os.path.join(d, 'ptrtag.err'))
        front = '''@version: 3.38
options { stats-freq(0); time-reopen(1); };
source s_internal { internal(); };
destination d_internal { file("%s/syslog-ng-internal.log"); };
log { source(s_internal); destination(d_internal); };
# Debian's syslog-ng.conf defines s_src (system() and internal()).
source s_src { unix-dgram("%s"); };
# ---- samples/syslog-ng-ptrtag.conf
''' % (d, sock)
        conf = front + daemons.substitute(
            daemons.sample('syslog-ng-ptrtag.conf'), {
                'PTRTAG': wrapped, 'DNS': nsd.server, 'ENRICHED_LOG': log,
                'APP_LOG': app, 'APP_ENRICHED_LOG': app_out})
        with SyslogNG(d, conf, sockets=[sock]) as sng:
            first = send(TRAFFIC, sock, 'g')
            check_stamped(tap, log, first, 'syslog-ng sample (program() '
                          'destination): auth and mail messages enriched, '
                          'others left out', context=sng.log)
            # The destination's ptrtag is syslog-ng's own child (sh ran
            # exec); the source's runs under sh, after tail.
            dest = daemons.direct_children(sng.pid, 'ptrtag')
            rc, text = sng.ctl('reload')
            tap.equal(rc, 0, 'syslog-ng sample: syslog-ng-ctl reload', text)
            second = send(TRAFFIC, sock, 'h')
            check_stamped(tap, log, first + second, 'syslog-ng sample: '
                          'after a reload, nothing lost', context=sng.log)
            tap.ok(dest and all(p in sng.children() for p in dest),
                   'syslog-ng sample: keep-alive(yes) keeps ptrtag '
                   'across the reload')

            tap.ok(daemons.wait_until(lambda: daemons.has_open(
                sng.children('tail'), app), 10),
                'syslog-ng sample (program() source): tail follows the '
                'file', sng.log)
            lines = [b'198.51.100.7 - - [26/Nov/2026:10:00:00 +0000] '
                     b'"GET / HTTP/1.1" 200 612\n',
                     b'2001:db8::25 - - [26/Nov/2026:10:00:01 +0000] '
                     b'"GET /x HTTP/1.1" 404 0\n',
                     b'203.0.113.46 - - [26/Nov/2026:10:00:02 +0000] '
                     b'"POST /login HTTP/1.1" 403 0\n']
            with open(app, 'ab') as f:
                f.write(b''.join(lines))
            want = [expect(lines[0], '198.51.100.7'),
                    expect(lines[1], '2001:db8::25'),
                    expect(lines[2], '203.0.113.46')]
            got = daemons.wait_lines(app_out, len(want), 30)
            tap.ok(got == want, 'syslog-ng sample (program() source): '
                   'appended lines arrive enriched, in order',
                   lambda: dnstest.first_difference(got, want))
            daemons.check_stop(tap, sng, 'syslog-ng sample: syslog-ng '
                               'stops', 'syslog-ng sample: ptrtag (and tail) '
                               'exit with syslog-ng')
            tap.equal(daemons.read_bytes(os.path.join(d, 'ptrtag.err')),
                      b'', 'syslog-ng sample: nothing on ptrtag\'s stderr')


# --------------------------------------------------------------------------
# unbound sample

UNBOUND_LINES = [
    b'sshd[1]: Failed password for root from 203.0.113.45 port 22\n',
    b'sshd[1]: Connection closed by 198.51.100.23 port 1\n',
    b'sshd[1]: Invalid user admin from 198.51.100.7 port 4242\n',
    b'sshd[1]: Failed password for x from 192.0.2.66 port 3\n',
    b'sshd[1]: Accepted publickey for bob from 2001:db8::25 port 22\n',
    b'sshd[1]: Connection from 203.0.113.46 port 4\n',
]
UNBOUND_WANT = [
    expect(UNBOUND_LINES[0], '203.0.113.45'),
    expect(UNBOUND_LINES[1], '198.51.100.23'),
    expect(UNBOUND_LINES[2], '198.51.100.7'),
    expect(UNBOUND_LINES[3], '192.0.2.66'),
    expect(UNBOUND_LINES[4], '2001:db8::25'),
    expect(UNBOUND_LINES[5], '203.0.113.46'),
]
PRIVATE = b'sshd[2]: Accepted password for ops from 10.0.0.5 port 22\n'


def upstream_handler():
    """The data of daemons.zones(), as a scripted upstream resolver."""
    return dnstest.table_handler(
        ptr={'203.0.113.45': ['mail.example.com'],
             '203.0.113.46': ['203-0-113-46.dyn.example.net'],
             '198.51.100.23': ['web.example.net'],
             '192.0.2.66': ['192.0.2.66'],
             '2001:db8::25': ['mx6.example.net'],
             '10.0.0.5': ['intranet.corp.example.com']},
        a={'mail.example.com': ['203.0.113.45'],
           '203-0-113-46.dyn.example.net': ['203.0.113.46'],
           'web.example.net': ['198.51.100.99'],
           'intranet.corp.example.com': ['10.0.0.5']},
        aaaa={'mx6.example.net': ['2001:db8::25']})


def unbound_conf(d, port, upstream, rfc1918=False):
    text = daemons.sample('unbound-ptrtag.conf')
    if rfc1918:
        new = re.sub(r'(?m)^(\t?)#(local-zone: "10\.in-addr\.arpa\." '
                     r'nodefault)$', r'\1\2', text)
        new = re.sub(r'(?m)^#(forward-zone:)\n#(\tname: "10\.in-addr\.arpa'
                     r'\.")\n#(\tforward-addr: @INTERNAL_DNS@)$',
                     r'\1\n\2\n\3', new)
        if '\tlocal-zone: "10.in-addr.arpa." nodefault\n' not in new or \
                '\nforward-zone:\n\tname: "10.in-addr.arpa."\n' \
                '\tforward-addr: @INTERNAL_DNS@\n' not in new:
            raise ValueError('unbound-ptrtag.conf: cannot uncomment the '
                             '10.in-addr.arpa lines (changed?)')
        text = new
    text = daemons.substitute(text, {
        'LISTEN': '127.0.0.1', 'PORT': port,
        'UPSTREAM': '127.0.0.1@%d' % upstream,
        'INTERNAL_DNS': '127.0.0.1@%d' % upstream})
    # The test's own server settings: files in its directory, no user
    # change, and the documentation networks of its data served (unbound
    # answers them itself by default, like RFC 1918).
    return text + '''
# ---- the test's settings
server:
	directory: "{d}"
	pidfile: "{d}/unbound.pid"
	username: ""
	chroot: ""
	use-syslog: no
	logfile: "{d}/unbound.log"
	verbosity: 1
	num-threads: 1
	local-zone: "113.0.203.in-addr.arpa." nodefault
	local-zone: "100.51.198.in-addr.arpa." nodefault
	local-zone: "2.0.192.in-addr.arpa." nodefault
	local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." nodefault
'''.format(d=d)


def check_unbound(tap, ptrtag):
    args = ['-t', '1000', '--tries', '2', '-d', '5000']
    with dnstest.Responder(upstream_handler()) as up, \
            daemons.TempDir('ptrtag-sample-') as d:
        port = dnstest.free_port()
        with Unbound(d, unbound_conf(d, port, up.port), port) as ub:
            data = b''.join(UNBOUND_LINES) + PRIVATE
            rc, out, err = dnstest.run(ptrtag, ['-s', ub.server] + args,
                                       data, timeout=30)
            got = dnstest.split_lines(out)
            want = UNBOUND_WANT + [dnstest.annotate(
                PRIVATE, dnstest.kv('10.0.0.5', 'none'))]
            tap.equal((rc, err), (0, b''), 'unbound sample: ptrtag exits 0, '
                      'quietly', ub.log)
            tap.ok(got == want, 'unbound sample: verdicts through unbound '
                   'forwarding to the upstream',
                   lambda: dnstest.first_difference(got, want) + '\n' +
                   ub.log())
            tap.equal(up.count(dnstest.reverse_name('10.0.0.5')), 0,
                      'unbound sample: RFC 1918 reverse lookups stay local '
                      '(none) while its lines are commented out')
            seen = up.count()
            tap.ok(seen > 0, 'unbound sample: unbound asked the upstream',
                   'queries: %d' % seen)
            rc, out2, err = dnstest.run(ptrtag, ['-s', ub.server] + args,
                                        data, timeout=30)
            tap.equal(out2, out, 'unbound sample: a second ptrtag run gives '
                      'the same output')
            tap.equal(up.count(), seen, 'unbound sample: the second run is '
                      'answered from unbound\'s cache (no new upstream '
                      'query)', 'new queries: %s' % up.queries()[seen:])
            tap.equal(ub.stop(), 0, 'unbound sample: unbound stops cleanly')

    with dnstest.Responder(upstream_handler()) as up, \
            daemons.TempDir('ptrtag-sample-') as d:
        port = dnstest.free_port()
        with Unbound(d, unbound_conf(d, port, up.port, rfc1918=True),
                     port) as ub:
            rc, out, err = dnstest.run(ptrtag, ['-s', ub.server] + args,
                                       PRIVATE, timeout=30)
            tap.equal((rc, out), (0, expect(PRIVATE, '10.0.0.5')),
                      'unbound sample, RFC 1918 lines uncommented: the '
                      'private address is looked up and passes', ub.log)
            tap.ok(up.count(dnstest.reverse_name('10.0.0.5'), 'PTR') > 0,
                   'unbound sample, RFC 1918: the PTR query went to the '
                   'internal DNS')


def main():
    daemons.run_tests(
        (dnstest.NSD(daemons.zones()),
         [check_rsyslog_omprog, check_rsyslog_mmexternal, check_syslog_ng]),
        (None, [check_unbound]))


if __name__ == '__main__':
    main()
