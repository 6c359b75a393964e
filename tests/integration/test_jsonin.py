#!/usr/bin/env python3
"""--input json against a real authoritative server (NSD) on 127.0.0.1
(ptrtag.1, STRUCTURED INPUT).

Records shaped as journald (`journalctl -o json`), Docker's json-file
driver, rsyslog's jsonmesg template, and ECS documents nested and flat
dotted, modelled on what those programs write. For each:
- the members ptrtag adds are exactly the expected ones (rdns; X.domain
  only for a confirmed name; related.ip and related.hosts, merged into
  what is there);
- every original byte is kept: removing the inserted members and
  elements gives the input back byte for byte (jsonin_check.py);
- every output line parses as JSON with no duplicate member name;
- every member added outside rdns is a field of the ECS 9.4.0 list with
  a value of its type.
A -p set chooses within the scanned text.
Lines that are not JSON objects (text, invalid JSON, arrays, too deep,
over --max-line, an object that already has rdns) come out untouched and
are counted as json_passed_through. Then 10,000 mixed lines in one run:
0 invalid outputs.
"""

import ipaddress
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from jsonin_check import (added, loads_strict, read_time,  # noqa: E402
                          strip_inserted)

ARGS = ['-t', '500', '--tries', '2', '-d', '3000', '--input', 'json']

REVERSE = {
    '2.0.192.in-addr.arpa': ['10 PTR noaddr.example.com.'],
    '100.51.198.in-addr.arpa': ['23 PTR web.example.net.',
                                '50 PTR second.example.com.'],
    '113.0.203.in-addr.arpa': ['45 PTR mail.example.com.'],
    '8.b.d.0.1.0.0.2.ip6.arpa': [
        '%s. PTR mx6.example.net.' % dnstest.reverse_name('2001:db8::25')],
}
FORWARD = {
    'example.com': ['mail A 203.0.113.45', 'noaddr TXT "none"',
                    'second A 198.51.100.50'],
    'example.net': ['web A 198.51.100.99', 'mx6 AAAA 2001:db8::25'],
}

# Each address's answer: (host or None, verdict).
ANSWER = {
    '203.0.113.45': ('mail.example.com', 'pass'),
    '198.51.100.50': ('second.example.com', 'pass'),
    '2001:db8::25': ('mx6.example.net', 'pass'),
    '198.51.100.23': ('web.example.net', 'fail'),
    '192.0.2.10': ('noaddr.example.com', 'fail'),
    '198.51.100.7': (None, 'none'),
}


def zones():
    out = {}
    for origin, records in list(REVERSE.items()) + list(FORWARD.items()):
        out[origin] = dnstest.make_zone(origin, records)
    return out


def rdns(*ips):
    """The rdns list -f json writes for these addresses."""
    out = []
    for ip in ips:
        host, verdict = ANSWER[ip]
        item = {'ip': ip}
        if host is not None:
            item['host'] = host
        item['fcrdns'] = verdict
        item['generic'] = False
        out.append(item)
    return out


def hosts(*ips):
    """related.hosts: the confirmed names, once each."""
    seen = []
    for ip in ips:
        host, verdict = ANSWER[ip]
        if verdict == 'pass' and host not in seen:
            seen.append(host)
    return seen


def enriched(*ips, related='related.', extra=None):
    """What ptrtag adds for these addresses, as added() reports it."""
    want = {'rdns': rdns(*ips), related + 'ip': list(ips),
            'ecs.version': '9.4.0'}
    if hosts(*ips):
        want[related + 'hosts'] = hosts(*ips)
    want.update(extra or {})
    return want


def journald(message, pid='2211', ident='sshd'):
    """One record as `journalctl -o json` writes it (systemd 252)."""
    rec = {
        '__CURSOR': 's=5b0ad2d7c1c64f0f8a6e3c8f1b2a9d10;i=1f3a;b=9e1c0'
                    'b6e6f1d4c0c8d7b2a3f4e5d6c7b;m=2b8f0e1;t=62884a1e6'
                    'c9f0;x=3f2e1d0c9b8a7f6e',
        '__REALTIME_TIMESTAMP': '1733450400123456',
        '__MONOTONIC_TIMESTAMP': '45674721',
        '_BOOT_ID': '9e1c0b6e6f1d4c0c8d7b2a3f4e5d6c7b',
        '_MACHINE_ID': '0c1d2e3f405162738495a6b7c8d9eaf0',
        '_HOSTNAME': 'gw',
        '_TRANSPORT': 'syslog',
        'PRIORITY': '6',
        'SYSLOG_FACILITY': '4',
        'SYSLOG_IDENTIFIER': ident,
        'SYSLOG_PID': pid,
        'SYSLOG_TIMESTAMP': 'Dec  6 02:00:00 ',
        'MESSAGE': message,
        '_PID': pid,
        '_UID': '0',
        '_GID': '0',
        '_COMM': ident,
        '_EXE': '/usr/sbin/' + ident,
        '_CMDLINE': 'sshd: root [priv]',
        '_CAP_EFFECTIVE': '1ffffffffff',
        '_SYSTEMD_CGROUP': '/system.slice/ssh.service',
        '_SYSTEMD_UNIT': 'ssh.service',
        '_SYSTEMD_SLICE': 'system.slice',
        '_SYSTEMD_INVOCATION_ID': 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        '_SOURCE_REALTIME_TIMESTAMP': '1733450400122000',
    }
    return json.dumps(rec, separators=(',', ':'))


def docker(log, stream='stdout'):
    """One line of Docker's json-file log driver."""
    return json.dumps({'log': log, 'stream': stream,
                       'time': '2026-12-06T02:00:00.123456789Z'},
                      separators=(',', ':'))


def jsonmesg(msg):
    """One message through rsyslog's built-in jsonmesg template."""
    return json.dumps({
        'msg': msg, 'rawmsg': '<38>Dec  6 02:00:00 gw sshd[2211]:' + msg,
        'timereported': '2026-12-06T02:00:00.123456+00:00',
        'hostname': 'gw', 'syslogtag': 'sshd[2211]:',
        'inputname': 'imuxsock', 'fromhost': 'gw',
        'fromhost-ip': '127.0.0.1', 'pri': '38', 'syslogfacility': '4',
        'syslogseverity': '6',
        'timegenerated': '2026-12-06T02:00:00.124001+00:00',
        'programname': 'sshd', 'protocol-version': '0',
        'structured-data': '-', 'app-name': 'sshd', 'procid': '2211',
        'msgid': '-', 'uuid': None, '$!': None}, separators=(',', ':'))


ECS_NESTED = (
    '{"@timestamp":"2026-12-06T02:00:00.123Z","ecs":{"version":"8.11.0"},'
    '"event":{"category":["authentication"],"outcome":"failure"},'
    '"source":{"ip":"203.0.113.45","port":50022},'
    '"destination":{"ip":"2001:db8::25","port":22},'
    '"client":{"ip":"198.51.100.23"},'
    '"host":{"name":"gw","ip":["192.0.2.10","198.51.100.50"]},'
    '"related":{"user":["root"]},'
    '"message":"Failed password for root from 203.0.113.45 port 50022"}')

ECS_FLAT = (
    '{"@timestamp":"2026-12-06T02:00:00.123Z","event.dataset":"nginx.access",'
    '"source.ip":"198.51.100.50","destination.ip":"198.51.100.7",'
    '"message":"198.51.100.50 - - \\"GET / HTTP/1.1\\" 200 612"}')

# (name, extra args, input line without terminator, expected additions)
CASES = [
    ('journald: MESSAGE scanned', [],
     journald('Failed password for root from 203.0.113.45 port 50022 ssh2'),
     enriched('203.0.113.45')),
    ('journald: two addresses in MESSAGE, in order', [],
     journald('Connection from 198.51.100.7 to 2001:db8::25'),
     enriched('198.51.100.7', '2001:db8::25')),
    ('Docker json-file: log scanned (escaped newline kept)', [],
     docker('connect() failed, client: 198.51.100.23, server: _\n', 'stderr'),
     enriched('198.51.100.23')),
    ('rsyslog jsonmesg with --scan msg', ['--scan', 'msg'],
     jsonmesg(' Accepted publickey for bob from 198.51.100.50 port 22'),
     enriched('198.51.100.50')),
    ('ECS nested: X.domain only for pass, host.ip array, related merged', [],
     ECS_NESTED,
     {'source.domain': 'mail.example.com',
      'destination.domain': 'mx6.example.net',
      'rdns': rdns('203.0.113.45', '2001:db8::25', '198.51.100.23',
                   '192.0.2.10', '198.51.100.50'),
      'related.ip': ['203.0.113.45', '2001:db8::25', '198.51.100.23',
                     '192.0.2.10', '198.51.100.50'],
      'related.hosts': ['mail.example.com', 'mx6.example.net',
                        'second.example.com']}),
    ('ECS flat dotted: flat source.domain, flat related.*', [],
     ECS_FLAT, enriched('198.51.100.50', '198.51.100.7', extra={
         'source.domain': 'second.example.com'})),
    ('existing source.domain is left, ours only in rdns', [],
     '{"source":{"domain":"attacker.example","ip":"203.0.113.45"}}',
     enriched('203.0.113.45')),
    ('existing related.ip array: only what it lacks appended', [],
     '{"message":"from 203.0.113.45 and 198.51.100.7","related":'
     '{"ip":["198.51.100.7","10.0.0.1"],"hosts":[]}}',
     {'rdns': rdns('203.0.113.45', '198.51.100.7'),
      'related.ip': ['203.0.113.45'],
      'related.hosts': ['mail.example.com'], 'ecs.version': '9.4.0'}),
    ('related that is not an object: left alone', [],
     '{"message":"from 203.0.113.45","related":"n/a"}',
     {'rdns': rdns('203.0.113.45'), 'ecs.version': '9.4.0'}),
    ('--field replaces the defaults; a custom field gets no X.domain',
     ['--field', 'remote.addr', '--scan', 'nothing'],
     '{"remote":{"addr":"203.0.113.45"},"source":{"ip":"198.51.100.7"},'
     '"message":"198.51.100.23"}',
     enriched('203.0.113.45')),
    ('escapes decoded before scanning, spans kept', [],
     '{"message":"user\\tx\\u0020from\\u0020203.0.113.45\\n"}',
     enriched('203.0.113.45')),
    ('-p sshd chooses within MESSAGE', ['-p', 'sshd'],
     journald('Failed password for root from 203.0.113.45 port 22 ssh2 via '
              '198.51.100.7'),
     enriched('203.0.113.45')),
    ('IPv4-mapped field address: looked up as IPv4', [],
     '{"client":{"ip":"::ffff:203.0.113.45"}}',
     enriched('203.0.113.45', extra={'client.domain': 'mail.example.com'})),
]

PASSED = [
    ('plain text line', b'Dec  6 02:00:00 gw sshd[1]: from 203.0.113.45\n'),
    ('trailing comma', b'{"message":"203.0.113.45",}\n'),
    ('duplicate member', b'{"message":"203.0.113.45","message":"x"}\n'),
    ('array', b'[{"message":"203.0.113.45"}]\n'),
    ('too deep (17)', b'{"message":"203.0.113.45","a":' + b'[' * 16 +
     b']' * 16 + b'}\n'),
    ('invalid UTF-8', b'{"message":"203.0.113.45 \xff"}\n'),
    ('lone surrogate', b'{"message":"203.0.113.45 \\ud800"}\n'),
    ('rdns already there', b'{"message":"203.0.113.45","rdns":[]}\n'),
    ('flat rdns.ip already there',
     b'{"message":"203.0.113.45","rdns.ip":"1"}\n'),
    ('bad literal', b'{"message":"203.0.113.45","x":tru}\n'),
    ('NUL after the object', b'{"message":"203.0.113.45"}\x00\n'),
]


def ecs_fields():
    """{name: (type, array)} of tests/integration/ecs-fields.tsv: the
    fields ptrtag writes outside rdns, as ECS 9.4.0 has them."""
    out = {}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'ecs-fields.tsv')
    with open(path) as f:
        for line in f:
            fields = line.rstrip('\n').split('\t')
            if line.startswith('#') or fields[0] == 'name' or \
                    len(fields) != 3:
                continue
            out[fields[0]] = (fields[1], fields[2] == 'yes')
    return out


ECS_FIELDS = ecs_fields()


def ecs_problems(adds):
    """Why the added members (added()'s dict) are not ECS-true, or []."""
    out = []
    for path, value in adds.items():
        if path == 'rdns':
            continue
        if path not in ECS_FIELDS:
            out.append('%s is not an ECS field' % path)
            continue
        kind, array = ECS_FIELDS[path]
        values = value if array and isinstance(value, list) else [value]
        if array != isinstance(value, list) or not values:
            out.append('%s: %r' % (path, value))
        for v in values:
            if not isinstance(v, str):
                out.append('%s: %r is not a %s' % (path, v, kind))
            elif kind == 'ip':
                try:
                    ipaddress.ip_address(v)
                except ValueError:
                    out.append('%s: %r is not an ip' % (path, v))
    return out


def run(ptrtag, nsd, args, data):
    return dnstest.run(ptrtag, ARGS + ['-s', nsd.server, '--stats'] + args,
                       data, timeout=60)


def stat(err, key):
    m = re.search(rb'\b' + key.encode() + rb'=(\d+)', err)
    return int(m.group(1)) if m else None


def check_line(inp, out):
    """None when out is inp with whole insertions and parses strictly,
    else why not."""
    try:
        if strip_inserted(inp, out) != inp:
            return 'removing the insertions does not give the input'
        loads_strict(out)
    except ValueError as e:
        return str(e)
    return None


def check_cases(tap, ptrtag, nsd):
    for name, args, line, want in CASES:
        for term in ('\n', '\r\n'):
            rc, out, err = run(ptrtag, nsd, args, (line + term).encode())
            text = out.decode('utf-8', 'replace')
            label = '%s%s' % (name, ' (CRLF)' if term == '\r\n' else '')
            if not tap.ok(rc == 0 and text.endswith(term) and
                          text.count('\n') == 1, label + ': one line out',
                          'rc %s out %s err %s' % (rc, dnstest.short(out),
                                                   dnstest.short(err))):
                continue
            body = text[:-len(term)]
            tap.equal(check_line(line, body), None,
                      label + ': original bytes kept, strict JSON',
                      dnstest.short(out))
            try:
                got = added(line, body)
                stamp = read_time(got)
            except ValueError as e:
                got, stamp = str(e), None
            tap.equal(stamp, None if '"@timestamp"' in line else True,
                      label + ': @timestamp, the read time, unless there')
            tap.equal(got, want, label + ': the right members added')
            if isinstance(got, dict) and stamp is not None:
                got['@timestamp'] = '2026-12-06T02:15:31.123Z'
            if isinstance(got, dict):
                tap.equal(ecs_problems(got), [], label + ': every member '
                          'added outside rdns is an ECS field of its type')


def check_unchanged(tap, ptrtag, nsd):
    """Valid objects with nothing to add come out as they went in."""
    lines = [
        journald('pam_unix(sshd:session): session opened for user bob'),
        # journalctl writes a MESSAGE that is not UTF-8 as a byte array.
        '{"MESSAGE":[70,114,111,109,32,50,48,51,46,48,46,49,49,51,46,52,53,'
        '255],"_HOSTNAME":"gw"}',
        '{"source":{"ip":"127.0.0.1"},"message":"loopback is excluded"}',
        '{}', '  { "a" : { } }  ',
    ]
    data = ''.join(l + '\n' for l in lines).encode()
    rc, out, err = run(ptrtag, nsd, [], data)
    tap.equal(out, data, 'objects without addresses: unchanged',
              dnstest.short(err))
    tap.equal(stat(err, 'json_passed_through'), 0,
              'objects without addresses: not counted as passed through')


def check_passed_through(tap, ptrtag, nsd):
    data = b''.join(l for _, l in PASSED)
    good = (journald('from 203.0.113.45') + '\n').encode()
    rc, out, err = run(ptrtag, nsd, [], data + good + data)
    tap.ok(rc == 0 and out.startswith(data) and out.endswith(data),
           'non-objects and refused objects pass through untouched (%s)' %
           ', '.join(n for n, _ in PASSED),
           dnstest.first_difference(out.split(b'\n'),
                                    (data + good + data).split(b'\n')))
    mid = out[len(data):len(out) - len(data)].decode()
    tap.equal(check_line(good.decode()[:-1], mid[:-1]), None,
              'the stream goes on: the object between them is enriched')
    tap.equal(stat(err, 'json_passed_through'), 2 * len(PASSED),
              '--stats counts each as json_passed_through')
    long_line = b'{"message":"203.0.113.45","pad":"' + b'x' * 200 + b'"}\n'
    rc, out, err = run(ptrtag, nsd, ['--max-line', '100'],
                       long_line + b'{"message":"x"}')
    tap.equal(out, long_line + b'{"message":"x"}',
              'over --max-line: untouched; a final line without newline '
              'too')
    tap.equal(stat(err, 'json_passed_through'), 1,
              'over --max-line: counted once')


def mixed_lines(count, seed):
    """count lines of every shape, addresses drawn from the zones."""
    rnd = random.Random(seed)
    ips = list(ANSWER)
    shapes = [
        lambda a, b: journald('Failed password from %s port %d' %
                              (a, rnd.randrange(65536))),
        lambda a, b: docker('client %s -> %s\n' % (a, b)),
        lambda a, b: ECS_NESTED.replace('203.0.113.45', a),
        lambda a, b: ECS_FLAT.replace('198.51.100.50', a)
                             .replace('198.51.100.7', b),
        lambda a, b: '{"source":{"ip":"%s","domain":"x.example"},'
                     '"related":{"ip":["%s"]},"message":"\\u00e9 %s"}'
                     % (a, b, b),
        lambda a, b: 'plain text from %s' % a,
        lambda a, b: '{"message":"%s",}' % a,
        lambda a, b: '{"message":"%s","rdns":1}' % a,
    ]
    return [shapes[rnd.randrange(len(shapes))](rnd.choice(ips),
                                               rnd.choice(ips))
            for _ in range(count)]


def check_ten_thousand(tap, ptrtag, nsd):
    lines = mixed_lines(10000, 11)
    data = ''.join(l + '\n' for l in lines).encode()
    rc, out, err = run(ptrtag, nsd, [], data)
    got = out.decode('utf-8', 'replace').split('\n')
    if not tap.ok(rc == 0 and len(got) == len(lines) + 1 and got[-1] == '',
                  '10,000 mixed lines: as many lines out',
                  'rc %s, %d lines, err %s' % (rc, len(got),
                                               dnstest.short(err))):
        return
    bad, enriched_n, refused = [], 0, 0
    for i, (inp, o) in enumerate(zip(lines, got)):
        is_obj = inp.startswith('{') and not inp.endswith(',}') and \
            '"rdns":1' not in inp
        if not is_obj:
            refused += 1
            if o != inp:
                bad.append((i, 'changed', inp, o))
            continue
        why = check_line(inp, o)
        if why is not None:
            bad.append((i, why, inp, o))
        elif o != inp:
            enriched_n += 1
    tap.equal(len(bad), 0, '10,000 mixed lines: 0 invalid outputs (%d '
              'enriched, %d passed through)' % (enriched_n, refused),
              '\n'.join('%d: %s\n  in  %s\n  out %s' % b for b in bad[:3]))
    tap.equal(stat(err, 'json_passed_through'), refused,
              '10,000 mixed lines: json_passed_through counts the refused')


def silent_responder():
    """203.0.113.45 passes; 198.51.100.9's PTR query is never answered."""
    return dnstest.Responder(dnstest.table_handler(
        ptr={'203.0.113.45': ['mail.example.com']},
        a={'mail.example.com': ['203.0.113.45']},
        special={(dnstest.reverse_name('198.51.100.9'), 'PTR'):
                 lambda msg: None}))


def check_delay_order(tap, ptrtag, r):
    """Text mode's guarantees: no line waits past -d (its address is then
    timeout in rdns), and lines keep their order."""
    lines = [journald('from 198.51.100.9 port 1'),
             journald('from 203.0.113.45 port 2'),
             'text 203.0.113.45', '{"source":{"ip":"203.0.113.45"}}']
    data = ''.join(l + '\n' for l in lines).encode()
    rc, out, err = dnstest.run(ptrtag, ['-s', r.server, '-t', '2000',
                                        '--tries', '1', '-d', '300',
                                        '--input', 'json'], data,
                               timeout=30)
    got = out.decode().split('\n')
    tap.ok(rc == 0 and len(got) == 5 and got[4] == '' and
           got[2] == lines[2] and
           all(check_line(lines[i], got[i]) is None for i in (0, 1, 3)),
           '-d 300 with a resolver that never answers one name: four '
           'lines in order, the text line untouched',
           dnstest.short(out))
    try:
        first = loads_strict(got[0])['rdns']
        second = loads_strict(got[1])['rdns']
    except (ValueError, KeyError, IndexError) as e:
        first = second = str(e)
    tap.equal((first, second),
              ([{'ip': '198.51.100.9', 'fcrdns': 'timeout',
                 'generic': False}],
               rdns('203.0.113.45')),
              '-d 300: the silent address is timeout, the next line pass')


def main():
    dnstest.run_tests(
        (dnstest.NSD(zones()),
         [check_cases, check_unchanged, check_passed_through,
          check_ten_thousand]),
        (silent_responder(), [check_delay_order]))


if __name__ == '__main__':
    main()
