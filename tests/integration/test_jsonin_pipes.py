#!/usr/bin/env python3
"""The --input json samples work as shipped (ptrtag.1, STRUCTURED INPUT).

- samples/rsyslog-ptrtag-jsonmesg.conf under a real rsyslogd (as
  test_samples.py runs rsyslog-ptrtag.conf): omprog hands each auth and
  mail message as rsyslog's jsonmesg object to `ptrtag --input json`;
  each comes out in @ENRICHED_NDJSON@ as one strict JSON object (no
  duplicate name) with rsyslog's properties intact and rdns/related for
  its addresses, messages of other facilities not at all; a HUP from
  rsyslogd makes ptrtag reopen the file; ptrtag's error log stays empty.
- samples/journald-ptrtag.service: `systemd-analyze verify` takes it
  without a word, and its ExecStart pipeline, run as systemd would run
  it with @JOURNALCTL@ a stand-in that prints journald-shaped records
  (`journalctl -o json` output), writes each record enriched in place:
  original bytes kept, strict JSON, the right rdns/related.
"""

import json
import os
import re
import shlex
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
import daemons                                              # noqa: E402
from daemons import Rsyslog                                 # noqa: E402
import test_samples                                         # noqa: E402
from jsonin_check import (added, loads_strict, read_time,  # noqa: E402
                          strip_inserted)

# The messages of test_samples.py: (logger tag, priority, message,
# addresses; None: not sent to ptrtag).
TRAFFIC = test_samples.TRAFFIC

# rsyslog's jsonmesg members every object must keep.
JSONMESG_KEYS = {'msg', 'rawmsg', 'timereported', 'hostname', 'syslogtag',
                 'inputname', 'fromhost', 'fromhost-ip', 'pri',
                 'syslogfacility', 'syslogseverity', 'timegenerated',
                 'programname', 'app-name', 'procid', 'msgid'}


def want_added(ips):
    """What --input json adds for these addresses ({} for none)."""
    if not ips:
        return {}
    out = {'rdns': daemons.rdns_json(*ips), 'related.ip': list(ips),
           'ecs.version': '9.4.0'}
    hosts = []
    for ip in ips:
        verdict, host, _ = daemons.VERDICTS[ip]
        if verdict == 'pass' and host not in hosts:
            hosts.append(host)
    if hosts:
        out['related.hosts'] = hosts
    return out


def ours(obj):
    """obj without what ptrtag adds at its root."""
    return {k: v for k, v in obj.items()
            if k not in ('rdns', 'related', '@timestamp', 'ecs')}


def check_objects(tap, lines, wanted, name):
    """Each line one strict object: the message in msg, rsyslog's
    properties there, exactly rdns/related of its addresses added."""
    if not tap.equal(len(lines), len(wanted), name + ': one object per '
                     'message of auth and mail, none of the others'):
        return
    problems = []
    for line, (tag, text, ips) in zip(lines, wanted):
        try:
            obj = loads_strict(line.decode())
        except ValueError as e:
            problems.append('%s: %s' % (e, dnstest.short(line)))
            continue
        if obj.get('msg', '').strip() != text or \
                obj.get('programname') != tag.split('/')[0] and \
                obj.get('programname') != tag:
            problems.append('msg/programname: %s' % dnstest.short(line))
        if not JSONMESG_KEYS <= set(obj):
            problems.append('lost %s' % (JSONMESG_KEYS - set(obj)))
        # The object without rdns/related, enriched again by hand.
        base = dict(ours(obj))
        try:
            got = added(json.dumps(base), line.decode())
            if ips and read_time(got) is not True:
                problems.append('no @timestamp: %s' % dnstest.short(line))
        except ValueError as e:
            got = str(e)
        if got != want_added(ips):
            problems.append('added %r, want %r' % (got, want_added(ips)))
    tap.equal(problems, [], name + ': strict JSON, rsyslog\'s properties '
              'kept, rdns and related of the right addresses')


def rsyslog_conf(d, sock, ptrtag, dns):
    front = (Rsyslog.preamble(d) +
             'module(load="imuxsock" SysSock.Use="off")\n'
             'input(type="imuxsock" Socket="%s" RateLimit.Interval="0")\n'
             '# ---- samples/rsyslog-ptrtag-jsonmesg.conf\n' % sock)
    return front + daemons.substitute(
        daemons.sample('rsyslog-ptrtag-jsonmesg.conf'), {
            'PTRTAG': ptrtag, 'DNS': dns,
            'ENRICHED_NDJSON': os.path.join(d, 'enriched.ndjson'),
            'ERROR_LOG': os.path.join(d, 'ptrtag.err')})


def check_rsyslog(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-jsonmesg-') as d:
        sock = os.path.join(d, 'log.sock')
        out = os.path.join(d, 'enriched.ndjson')
        with Rsyslog(d, rsyslog_conf(d, sock, ptrtag, nsd.server),
                     sockets=[sock]) as rs:
            wanted = test_samples.send(TRAFFIC, sock, 'j')
            got = daemons.wait_lines(out, len(wanted), 30)
            check_objects(tap, got, wanted, 'rsyslog jsonmesg sample')
            child = rs.children()
            os.rename(out, out + '.1')
            rs.signal(1)
            # The HUP reaches ptrtag through rsyslogd: until ptrtag has
            # reopened (created) the file, lines still go to the renamed
            # one, as ptrtag.1 SIGNALS says; send only after that.
            tap.ok(daemons.wait_until(lambda: os.path.exists(out), 10),
                   'rsyslog jsonmesg sample: the HUP reaches ptrtag, which '
                   'creates the file anew', rs.log)
            second = test_samples.send(TRAFFIC, sock, 'k')
            got = daemons.wait_lines(out, len(second), 30)
            check_objects(tap, got, second, 'rsyslog jsonmesg sample, '
                          'after a HUP: the new file')
            tap.equal(len(daemons.read_bytes(out + '.1').splitlines()),
                      len(wanted), 'rsyslog jsonmesg sample: nothing more '
                      'in the renamed file')
            tap.equal(rs.children(), child, 'rsyslog jsonmesg sample: one '
                      'ptrtag throughout')
            daemons.check_stop(tap, rs, 'rsyslog jsonmesg sample: rsyslogd '
                               'stops', 'rsyslog jsonmesg sample: ptrtag '
                               'exits with rsyslogd')
            tap.equal(daemons.read_bytes(os.path.join(d, 'ptrtag.err')),
                      b'', 'rsyslog jsonmesg sample: ptrtag\'s error log '
                      'is empty')


# --------------------------------------------------------------------------
# journald sample

def journal_record(i, message):
    """One entry as `journalctl -o json` writes it (systemd 252)."""
    return json.dumps({
        '__CURSOR': 's=5b0ad2d7c1c64f0f8a6e3c8f1b2a9d10;i=%x;b=9e1c0b6e6f1d'
                    '4c0c8d7b2a3f4e5d6c7b;m=2b8f%03x;t=62884a1e6c%03x;x=3f2e'
                    '1d0c9b8a7f6e' % (0x1f00 + i, i, i),
        '__REALTIME_TIMESTAMP': str(1733450400123456 + i),
        '__MONOTONIC_TIMESTAMP': str(45674721 + i),
        '_BOOT_ID': '9e1c0b6e6f1d4c0c8d7b2a3f4e5d6c7b',
        '_MACHINE_ID': '0c1d2e3f405162738495a6b7c8d9eaf0',
        '_HOSTNAME': 'gw', '_TRANSPORT': 'syslog', 'PRIORITY': '6',
        'SYSLOG_FACILITY': '4', 'SYSLOG_IDENTIFIER': 'sshd',
        'SYSLOG_PID': str(2211 + i), 'MESSAGE': message,
        '_PID': str(2211 + i), '_UID': '0', '_GID': '0', '_COMM': 'sshd',
        '_EXE': '/usr/sbin/sshd', '_CMDLINE': 'sshd: root [priv]',
        '_SYSTEMD_CGROUP': '/system.slice/ssh.service',
        '_SYSTEMD_UNIT': 'ssh.service', '_SYSTEMD_SLICE': 'system.slice',
        '_SOURCE_REALTIME_TIMESTAMP': str(1733450400122000 + i),
    }, separators=(',', ':'))


def journal_fixtures():
    """[(record, addresses)]: journald-shaped entries, the last with a
    MESSAGE that is not UTF-8 (journalctl writes it as a byte array)."""
    out = []
    for i, (tag, _, text, ips) in enumerate(TRAFFIC):
        if tag == 'sshd':
            out.append((journal_record(i, text), ips))
    raw = json.loads(journal_record(99, 'x'))
    raw['MESSAGE'] = list(b'from 203.0.113.45 \xff')
    out.append((json.dumps(raw, separators=(',', ':')), []))
    return out


FAKE_JOURNALCTL = '''#!/bin/sh
# Stand-in for journalctl: checks the sample's arguments, prints the
# fixture records as `journalctl -o json` would, then ends.
case " $* " in
*" -o json -f "*) cat "{fixtures}" ;;
*) echo "journalctl stand-in: unexpected arguments: $*" >&2; exit 1 ;;
esac
'''


def exec_start(unit):
    """The command line of ExecStart= in the unit text."""
    m = re.search(r'^ExecStart=(.*)$', unit, re.M)
    return shlex.split(m.group(1))


def check_journald(tap, ptrtag, nsd):
    with daemons.TempDir('ptrtag-journald-') as d:
        fixtures = journal_fixtures()
        fx = os.path.join(d, 'journal.json')
        with open(fx, 'w') as f:
            f.write(''.join(r + '\n' for r, _ in fixtures))
        fake = os.path.join(d, 'journalctl')
        with open(fake, 'w') as f:
            f.write(FAKE_JOURNALCTL.format(fixtures=fx))
        os.chmod(fake, stat.S_IRWXU)
        out = os.path.join(d, 'journal.ndjson')
        unit = daemons.substitute(daemons.sample('journald-ptrtag.service'), {
            'PTRTAG': ptrtag, 'JOURNALCTL': fake, 'DNS': nsd.server,
            'ENRICHED_NDJSON': out})
        path = os.path.join(d, 'journald-ptrtag.service')
        with open(path, 'w') as f:
            f.write(unit)
        p = subprocess.run(['systemd-analyze', 'verify', path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        tap.ok(p.returncode == 0 and p.stdout == b'',
               'journald sample: systemd-analyze verify takes it silently',
               p.stdout.decode(errors='replace'))
        p = subprocess.run(exec_start(unit), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        tap.ok(p.returncode == 0 and p.stderr == b'',
               'journald sample: its ExecStart pipeline exits 0, silent',
               p.stderr.decode(errors='replace'))
        got = daemons.read_bytes(out).decode().split('\n')
        problems = []
        if len(got) != len(fixtures) + 1 or got[-1] != '':
            problems.append('%d lines for %d records' % (len(got) - 1,
                                                         len(fixtures)))
        for (rec, ips), line in zip(fixtures, got):
            try:
                adds = added(rec, line)
                if ips and read_time(adds) is not True:
                    problems.append('no @timestamp: %s' % line[:200])
                if strip_inserted(rec, line) != rec:
                    problems.append('bytes lost: %s' % line[:200])
                elif adds != want_added(ips):
                    problems.append('added %r' % adds)
            except ValueError as e:
                problems.append('%s: %s' % (e, line[:200]))
        tap.equal(problems, [], 'journald sample: each record enriched in '
                  'place, original bytes kept, strict JSON, right members')


def main():
    daemons.run_tests(
        (dnstest.NSD(daemons.zones()), [check_rsyslog, check_journald]))


if __name__ == '__main__':
    main()
