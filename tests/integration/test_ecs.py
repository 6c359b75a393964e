#!/usr/bin/env python3
"""-f json is ECS (ptrtag.1, OUTPUT, json), and the index template of
samples/ fits what it writes.

ptrtag -f json runs on real log lines against a private NSD serving the
zones of daemons.py (pass, fail, none, permerror, a generic name; a
zone it does not serve gives temperror), once with pattern sets that
give addresses the roles src and dst (-p sshd -p postfix -p iptables)
and once without, over lines with one or two addresses, none, invalid
UTF-8 and one over --max-line. On every object:

- "@timestamp" (RFC 3339, UTC, milliseconds, within the run) and
  "ecs.version" 9.4.0 are there;
- every field outside "rdns" is in tests/integration/ecs-fields.tsv, the
  ECS 9.4.0 field list as far as ptrtag uses it, with a value of its
  type (ip, keyword, date, match_only_text), an array exactly where ECS
  has one;
- nothing is empty (no "", [] or {});
- a host reaches an ECS field (related.hosts, source.domain,
  destination.domain) only when its rdns verdict is pass, and every
  confirmed host does; related.ip lists every rdns address;
- the answers are those the zones give.

The subset file is checked against the whole ECS list when
PTRTAG_ECS_FIELDS names a copy (the TSV with a name, type and array
column, or ECS's fields.csv). Then samples/elasticsearch-ptrtag-template.json:
valid JSON, an index template for ptrtag-* whose mapping types every
field seen here with its ECS type and maps "rdns" as nested with every
member ptrtag writes (ip as ip, generic as boolean, the rest keyword).
"""

import csv
import ipaddress
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnstest                                              # noqa: E402
import daemons                                              # noqa: E402

SAMPLES = os.path.join(HERE, '..', '..', 'samples')
FIELDS = os.path.join(HERE, 'ecs-fields.tsv')
TEMPLATE = os.path.join(SAMPLES, 'elasticsearch-ptrtag-template.json')
ARGS = ['-t', '500', '--tries', '2', '-d', '3000', '--max-line', '300']
ROLES = ['-p', 'sshd', '-p', 'postfix', '-p', 'iptables']

# Every member an "rdns" object can have (ptrtag.1, OUTPUT, Keys).
RDNS_MEMBERS = {'ip': 'ip', 'host': 'keyword', 'fcrdns': 'keyword',
                'generic': 'boolean', 'helo': 'keyword'}

# An address in a zone NSD does not serve: REFUSED, so temperror.
UNSERVED = '100.64.0.1'

LINES = [
    b'Nov 26 10:00:01 gw sshd[1]: Failed password for root from '
    b'203.0.113.45 port 22 ssh2\n',
    b'Nov 26 10:00:02 gw sshd[2]: Invalid user admin from 198.51.100.7 '
    b'port 60110\n',
    b'Nov 26 10:00:03 gw sshd[3]: Failed password for root from '
    b'198.51.100.23 port 41922 ssh2\n',
    b'Nov 26 10:00:04 gw sshd[4]: Accepted publickey for bob from '
    b'2001:db8::25 port 22 ssh2\n',
    b'Nov 26 10:00:05 gw sshd[5]: Connection from 198.51.100.7 port 1 on '
    b'203.0.113.45 port 22 rdomain ""\n',
    b'Nov 26 10:00:06 gw sshd[6]: Failed password for root from '
    b'192.0.2.66 port 7 ssh2\n',
    b'Nov 26 10:00:07 gw sshd[7]: Failed password for x from %s port 8 '
    b'ssh2\n' % UNSERVED.encode(),
    b'Nov 26 10:00:08 mx postfix/smtpd[8]: connect from '
    b'203-0-113-46.dyn.example.net[203.0.113.46]\n',
    b'Nov 26 10:00:09 mx postfix/smtpd[9]: NOQUEUE: reject: RCPT from '
    b'unknown[203.0.113.45]: 450 4.7.25 Client host rejected: cannot find '
    b'your hostname, [203.0.113.45]; from=<a@example.org> '
    b'to=<b@example.com> proto=ESMTP helo=<MAIL.example.com>\n',
    b'Nov 26 10:00:10 fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.45 '
    b'DST=198.51.100.23 LEN=60 PROTO=TCP SPT=4242 DPT=22\n',
    b'Nov 26 10:00:11 fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.23 '
    b'DST=10.0.0.5 LEN=60 PROTO=TCP SPT=4242 DPT=22\n',
    b'Nov 26 10:00:12 gw sshd[12]: Server listening on :: port 22.\n',
    b'Nov 26 10:00:13 gw sshd[13]: bad \xff\xfe bytes from 10.0.0.5 port 1'
    b' ssh2\r\n',
    b'Nov 26 10:00:14 gw sshd[14]: long from 203.0.113.45 ' + b'x' * 400 +
    b'\n',
]


def read_fields(path):
    """{name: (type, is_array)} from a field list: a TSV with name, type
    and array columns, or ECS's fields.csv (Field, Type, Normalization).
    Lines starting with '#' are comments."""
    with open(path, newline='') as f:
        rows = [line for line in f if not line.startswith('#')]
    delim = '\t' if '\t' in rows[0] else ','
    out = {}
    for row in csv.DictReader(rows, delimiter=delim):
        if 'name' in row:
            out[row['name']] = (row['type'], row.get('array') == 'yes')
        else:
            out[row['Field']] = (row['Type'],
                                 'array' in (row.get('Normalization') or ''))
    return out


def typed(value, ftype):
    """1 when value (one element, for an array) is of ECS type ftype."""
    if not isinstance(value, str) or value == '':
        return False
    if ftype == 'ip':
        try:
            ipaddress.ip_address(value)
            return True
        except ValueError:
            return False
    if ftype == 'date':
        return dnstest.rfc3339_ms(value) is not None
    return ftype in ('keyword', 'match_only_text', 'text')


def flatten(obj, prefix=''):
    """[(dotted name, value)] for every leaf of obj; objects are walked,
    arrays and scalars are leaves. The top-level "rdns" is left out."""
    out = []
    for key, value in obj.items():
        name = prefix + key
        if name == 'rdns':
            continue
        if isinstance(value, dict):
            if not value:
                out.append((name, value))
            out.extend(flatten(value, name + '.'))
        else:
            out.append((name, value))
    return out


def empties(value, path='$'):
    """Paths of every empty string, array or object within value."""
    out = []
    if value in ('', [], {}):
        out.append(path)
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(empties(v, '%s.%s' % (path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(empties(v, '%s[%d]' % (path, i)))
    return out


def field_problems(obj, fields):
    """What is wrong with the fields of obj outside "rdns"."""
    bad = []
    for name, value in flatten(obj):
        if name not in fields:
            bad.append('%s: not an ECS 9.4.0 field' % name)
            continue
        ftype, is_array = fields[name]
        values = value if isinstance(value, list) else [value]
        if is_array != isinstance(value, list):
            bad.append('%s: %s where ECS has %s' % (
                name, 'an array' if isinstance(value, list) else 'a scalar',
                'an array' if is_array else 'a scalar'))
        bad.extend('%s: %r is not of type %s' % (name, v, ftype)
                   for v in values if not typed(v, ftype))
    for name in ('@timestamp', 'ecs'):
        if name not in obj:
            bad.append('%s missing' % name)
    if obj.get('ecs') != {'version': '9.4.0'}:
        bad.append('ecs is %r' % obj.get('ecs'))
    bad.extend('%s is empty' % p for p in empties(obj))
    return bad


def confirmed_problems(obj):
    """ECS fields against rdns: only and every pass host."""
    rdns = obj.get('rdns', [])
    passed = []
    for r in rdns:
        if r.get('fcrdns') == 'pass' and r['host'] not in passed:
            passed.append(r['host'])
    bad = []
    related = obj.get('related', {})
    if rdns and related.get('ip') != [r['ip'] for r in rdns]:
        bad.append('related.ip %r' % related.get('ip'))
    if related.get('hosts', []) != passed:
        bad.append('related.hosts %r, pass hosts %r' % (
            related.get('hosts'), passed))
    for role in ('source', 'destination'):
        end = obj.get(role)
        if end is None:
            continue
        r = next((r for r in rdns if r['ip'] == end.get('ip')), None)
        want = r and r.get('host') if r and r['fcrdns'] == 'pass' else None
        if r is None or end.get('domain') != want:
            bad.append('%s %r against rdns %r' % (role, end, r))
    return bad


def run_json(ptrtag, server, extra):
    """Run ptrtag -f json over LINES: (rc, [objects or None], stderr,
    start ms, end ms)."""
    before = int(time.time() * 1000)
    rc, out, err = dnstest.run(ptrtag, ['-s', server, '-f', 'json'] +
                               ARGS + extra, b''.join(LINES), timeout=30)
    after = int(time.time() * 1000)
    objs = []
    for text in out.splitlines():
        try:
            objs.append(json.loads(text))
        except ValueError:
            objs.append(None)
    return rc, objs, err, before, after


def answers_problems(objs):
    """Every rdns answer is the one the zones give."""
    bad = []
    for obj in objs:
        for r in obj.get('rdns', []):
            want = daemons.VERDICTS.get(r['ip'], ('temperror', None, False))
            got = (r['fcrdns'], r.get('host'), r['generic'])
            if got != want:
                bad.append('%s: %r, want %r' % (r['ip'], got, want))
    return bad


def check_runs(tap, ptrtag, nsd):
    fields = read_fields(FIELDS)
    seen = {}
    for name, extra in (('with -p sshd -p postfix -p iptables', ROLES),
                        ('without -p', [])):
        rc, objs, err, before, after = run_json(ptrtag, nsd.server, extra)
        tap.equal(rc, 0, '-f json %s: exit 0' % name, dnstest.short(err))
        tap.ok(len(objs) >= len(LINES) and None not in objs,
               '-f json %s: one JSON object per line (and per piece of '
               'the overlong one)' % name, '%d objects' % len(objs))
        objs = [o for o in objs if o is not None]
        bad = []
        for i, obj in enumerate(objs):
            bad.extend('object %d: %s' % (i + 1, p)
                       for p in field_problems(obj, fields))
        tap.ok(not bad, '-f json %s: every field outside rdns is an ECS '
               '9.4.0 field with a value of its type; @timestamp and '
               'ecs.version on every object; nothing empty' % name,
               '\n'.join(bad[:20]))
        stamps = [dnstest.rfc3339_ms(o.get('@timestamp')) for o in objs]
        tap.ok(all(s is not None and before <= s <= after for s in stamps),
               '-f json %s: @timestamp is the read time' % name,
               'run %d..%d, got %r' % (before, after, stamps[:3]))
        bad = []
        for i, obj in enumerate(objs):
            bad.extend('object %d: %s' % (i + 1, p)
                       for p in confirmed_problems(obj))
        tap.ok(not bad, '-f json %s: ECS fields name only confirmed hosts, '
               'related.ip every address' % name, '\n'.join(bad[:20]))
        tap.ok(not answers_problems(objs), '-f json %s: the answers of the '
               'zones' % name, '\n'.join(answers_problems(objs)[:20]))
        for obj in objs:
            for fname, value in flatten(obj):
                seen.setdefault(fname, set()).add(type(value).__name__)
            for r in obj.get('rdns', []):
                for key in r:
                    seen.setdefault('rdns.' + key, set())
        roles = [o for o in objs if 'source' in o or 'destination' in o]
        if extra:
            tap.ok(any('domain' in o.get('source', {}) for o in roles) and
                   any('destination' in o and 'domain' not in
                       o['destination'] for o in roles),
                   '-f json %s: source.domain for a pass, destination '
                   'without domain for a fail' % name)
        else:
            tap.equal(roles, [], '-f json %s: no role, so no source or '
                      'destination (ptrtag.1, OUTPUT, json)' % name)
    return seen


def check_template(tap, seen, fields):
    try:
        with open(TEMPLATE) as f:
            tpl = json.load(f)
    except (OSError, ValueError) as e:
        tap.ok(False, 'the index template is valid JSON', str(e))
        return
    tap.ok(True, 'the index template is valid JSON')
    props = tpl.get('template', {}).get('mappings', {}).get('properties')
    tap.ok(tpl.get('index_patterns') == ['ptrtag-*'] and
           isinstance(props, dict),
           'the index template applies to ptrtag-* and has mappings',
           json.dumps(tpl)[:300])
    if not isinstance(props, dict):
        return

    def mapped(name):
        node = {'properties': props}
        for part in name.split('.'):
            node = node.get('properties', {}).get(part)
            if node is None:
                return None
        return node.get('type', 'object')

    ecs_type = {'ip': {'ip'}, 'keyword': {'keyword'}, 'date': {'date'},
                'match_only_text': {'match_only_text', 'text'}}
    bad = ['%s: mapped as %s, ECS type %s' % (n, mapped(n), fields[n][0])
           for n in sorted(seen) if not n.startswith('rdns.')
           and mapped(n) not in ecs_type[fields[n][0]]]
    tap.ok(not bad, 'the template types every ECS field ptrtag wrote with '
           'its ECS type (text for match_only_text, which OpenSearch '
           'lacks)', '\n'.join(bad))
    rdns = props.get('rdns', {})
    tap.equal(rdns.get('type'), 'nested', 'the template maps rdns as nested')
    members = {k: v.get('type') for k, v in
               rdns.get('properties', {}).items()}
    written = {n[5:] for n in seen if n.startswith('rdns.')}
    tap.ok(written <= set(members) and members == RDNS_MEMBERS,
           'the template maps every rdns member: ip as ip, generic as '
           'boolean, host, fcrdns and helo as keyword',
           'written %s, mapped %s' % (sorted(written), members))
    tap.ok(written == set(RDNS_MEMBERS), 'the runs wrote every rdns member',
           sorted(written))


def check_subset(tap):
    """The committed subset is the whole ECS list's, row for row."""
    full_path = os.environ.get('PTRTAG_ECS_FIELDS')
    if not full_path:
        tap.skip('ecs-fields.tsv against the whole ECS 9.4.0 list',
                 'PTRTAG_ECS_FIELDS not set')
        return
    full = read_fields(full_path)
    sub = read_fields(FIELDS)
    bad = ['%s: %r here, %r in ECS' % (n, v, full.get(n))
           for n, v in sorted(sub.items()) if full.get(n) != v]
    tap.ok(not bad, 'ecs-fields.tsv agrees with %s' % full_path,
           '\n'.join(bad))


def main():
    state = {}

    def runs(tap, ptrtag, nsd):
        state['seen'] = check_runs(tap, ptrtag, nsd)

    def template(tap, ptrtag):
        check_template(tap, state.get('seen', {}), read_fields(FIELDS))
        check_subset(tap)

    dnstest.run_tests((dnstest.NSD(daemons.zones()), [runs]), template)


if __name__ == '__main__':
    main()
