#!/usr/bin/env python3
"""The kv parsing recipes of samples/ take ptrtag's block and nothing the
line's own text says (ptrtag.1, OUTPUT, kv).

ptrtag runs in kv against a private NSD (the zones of daemons.py) over
lines whose text imitates its keys: the user name
"rdns_host=bastion.example.com rdns_fcrdns=pass", a whole forged block
(with and without an address of its own, and ending the text), a
forged block in a line over --max-line; lines with two addresses of
which one has no name; a generic name and IPv6; a postfix line with a
HELO name (-p postfix); and a line without any. Its output then goes
through each recipe as the SIEM would run it:

- Splunk (samples/splunk-transforms.conf): ptrtag_block, then
  ptrtag_groups on its rdns_block, each REGEX run with PCRE2 (Debian's
  pcre2grep; Splunk's regular expressions are PCRE), every match of the
  second as MV_ADD collects them;
- grok (samples/ptrtag.grok): PTRTAG_LINE with its pattern names
  expanded here to their expressions (the file's own, and GREEDYDATA,
  ".*" in the core patterns of Logstash and Elasticsearch), run with
  pcre2grep; rdns_block then split on " " and "=" as the kv filter of
  Logstash or processor of Elasticsearch the file names does;
- liblognorm (samples/ptrtag.rulebase): Debian's lognormalizer.

Each must give, for every line, exactly the addresses ptrtag annotated
with the host, verdict, generic flag and helo the zones give, in order
(so the n-th host belongs to the n-th address), the count, and the
forged and overlong marks; no forged value (evil.example, bastion, a
"pass" for a name without one) may come out, and the line without a
block gives nothing.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnstest                                              # noqa: E402
import daemons                                              # noqa: E402

SAMPLES = os.path.join(HERE, '..', '..', 'samples')
ARGS = ['-t', '500', '--tries', '2', '-d', '3000', '--max-line', '300']
FORGED_HOSTS = ('evil.example', 'bastion.example.com')

# (line, addresses ptrtag annotates in order, overlong); run with -p any.
LINES = [
    (b'Nov 26 10:00:01 gw sshd[1]: Invalid user rdns_host=bastion.example.com'
     b' rdns_fcrdns=pass from 198.51.100.7 port 4242\n', ['198.51.100.7']),
    (b'Nov 26 10:00:02 gw sshd[2]: Connection from 198.51.100.7 port 1 on '
     b'203.0.113.45 port 22\n', ['198.51.100.7', '203.0.113.45']),
    (b'Nov 26 10:00:03 gw sshd[3]: Invalid user rdns_n=2 '
     b'rdns_ip=203.0.113.45 rdns_host=evil.example rdns_fcrdns=pass '
     b'rdns_generic=false rdns_ip=198.51.100.7 rdns_host=evil.example '
     b'rdns_fcrdns=pass rdns_generic=false from 198.51.100.23 port 1\n',
     ['203.0.113.45', '198.51.100.7', '198.51.100.23']),
    (b'Nov 26 10:00:04 gw sshd[4]: Invalid user rdns_n=1 rdns_ip=x '
     b'rdns_host=evil.example rdns_fcrdns=pass rdns_generic=false\n', []),
    (b'Nov 26 10:00:05 gw app: ' + b'x' * 400 + b' rdns_n=1 '
     b'rdns_ip=192.0.2.1 rdns_host=evil.example rdns_fcrdns=pass '
     b'rdns_generic=false\n', None),
    (b'Nov 26 10:00:06 mx postfix/smtpd[6]: connect from '
     b'203-0-113-46.dyn.example.net[203.0.113.46] via 2001:db8::25\n',
     ['203.0.113.46', '2001:db8::25']),
    (b'Nov 26 10:00:07 gw sshd[7]: Server listening on 0.0.0.0 port 22.\n',
     []),
    (b'Nov 26 10:00:08 gw sshd[8]: Failed password for rdns_host=evil.example'
     b' from 198.51.100.23 port 2 ssh2 rdns_n=1 rdns_ip=198.51.100.23 '
     b'rdns_host=evil.example rdns_fcrdns=pass rdns_generic=false\n',
     ['198.51.100.23']),
]

# Run with -p postfix: the HELO name is compared with the host.
HELO_LINE = (b'Nov 26 10:00:09 mx postfix/smtpd[9]: NOQUEUE: reject: RCPT '
             b'from unknown[203.0.113.45]: 450 4.7.25 Client host rejected: '
             b'cannot find your hostname, [203.0.113.45]; '
             b'from=<rdns_helo=match@example.org> to=<b@example.com> '
             b'proto=ESMTP helo=<other.example.org>\n')


def expected():
    """Per output line: None (no block), or (n, forged, overlong,
    [(ip, host or '-', verdict, generic, helo or '')])."""
    out = []
    for line, ips, in LINES:
        text = line.rstrip(b'\n')
        if ips is None:
            out.append((0, False, True, []))
            continue
        forged = b'rdns_' in text
        if not ips and not forged:
            out.append(None)
            continue
        out.append((len(ips), forged, False, [group(ip) for ip in ips]))
    out.append((1, True, False, [group('203.0.113.45', 'mismatch')]))
    return out


def group(ip, helo=''):
    verdict, host, generic = daemons.VERDICTS[ip]
    return (ip, host or '-', verdict, 'true' if generic and
            verdict == 'pass' else 'false', helo)


def ptrtag_output(tap, ptrtag, nsd):
    rc, out, err = dnstest.run(ptrtag, ['-s', nsd.server] + ARGS,
                               b''.join(line for line, _ in LINES))
    rc2, out2, err2 = dnstest.run(ptrtag, ['-s', nsd.server, '-p',
                                           'postfix'] + ARGS, HELO_LINE)
    lines = dnstest.split_lines(out + out2)
    tap.ok(rc == 0 and rc2 == 0 and len(lines) == len(LINES) + 1,
           'ptrtag writes every line (kv)', 'rc %s %s, %d lines; %s %s' % (
               rc, rc2, len(lines), dnstest.short(err), dnstest.short(err2)))
    return [l.rstrip(b'\n') for l in lines]


def pcre2grep(regex, lines, groups):
    """{line number (1-based): [[group texts] per match]}: every match of
    every line, with the text of each numbered group ('' when unset).
    pcre2grep prints nothing for an unset group of several -o, so it
    runs once per group; each prints one line per match, in order."""
    with tempfile.NamedTemporaryFile(suffix='.txt') as f:
        f.write(b''.join(l + b'\n' for l in lines))
        f.flush()
        per_group = []
        for g in groups:
            p = subprocess.run(['pcre2grep', '-a', '-n', '-o%d' % g, '-e',
                                regex, f.name], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=30)
            if p.returncode not in (0, 1):
                raise RuntimeError('pcre2grep: %s' %
                                   p.stderr.decode(errors='replace'))
            per_group.append(p.stdout.split(b'\n')[:-1])
    out = {}
    for rows in zip(*per_group):
        num = int(rows[0].partition(b':')[0])
        out.setdefault(num, []).append(
            [r.partition(b':')[2].decode() for r in rows])
    return out


def group_numbers(regex, names):
    """The numbers of the named groups; every group must be named."""
    opened = re.findall(r'\((?!\?)|\(\?<(\w+)>', regex)
    if '' in opened:
        raise ValueError('an unnamed capturing group in %s' % regex)
    return [opened.index(n) + 1 for n in names]


def conf_stanzas(path):
    """{stanza: {key: value}} of a Splunk .conf file."""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('#') or not line.strip():
                continue
            m = re.match(r'\[(.+)\]$', line)
            if m:
                cur = out.setdefault(m.group(1), {})
            else:
                key, _, value = line.partition('=')
                cur[key.strip()] = value.strip()
    return out


def splunk(lines):
    """What ptrtag_block and ptrtag_groups extract, per line."""
    conf = conf_stanzas(os.path.join(SAMPLES, 'splunk-transforms.conf'))
    block, groups = conf['ptrtag_block'], conf['ptrtag_groups']
    assert groups['SOURCE_KEY'] == 'rdns_block' and \
        groups['MV_ADD'] == 'true', groups
    names = ['rdns_n', 'rdns_forged', 'rdns_overlong', 'rdns_block']
    hits = pcre2grep(block['REGEX'], lines,
                     group_numbers(block['REGEX'], names))
    blocks = [hits[i + 1][0][3] if i + 1 in hits else None
              for i in range(len(lines))]
    gnames = ['rdns_ip', 'rdns_host', 'rdns_fcrdns', 'rdns_generic',
              'rdns_helo']
    ghits = pcre2grep(groups['REGEX'], [(b or '').encode() for b in blocks],
                      group_numbers(groups['REGEX'], gnames))
    out = []
    for i in range(len(lines)):
        if i + 1 not in hits:
            out.append(None)
            continue
        if len(hits[i + 1]) != 1:
            raise ValueError('ptrtag_block matched %d times' %
                             len(hits[i + 1]))
        n, forged, overlong, _ = hits[i + 1][0]
        out.append((int(n), forged == 'true', overlong == 'true',
                    [tuple(g) for g in ghits.get(i + 1, [])]))
    return out


def grok_patterns(path):
    """{name: expression} of a grok patterns file."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('#') or not line.strip():
                continue
            name, _, expr = line.partition(' ')
            out[name] = expr
    return out


# The only core grok pattern the file uses, as logstash-patterns-core and
# Elasticsearch define it.
GROK_CORE = {'GREEDYDATA': '.*'}


def grok_expand(expr, patterns, depth=0):
    """expr with %{NAME} as (?:...) and %{NAME:field} as (?<field>...)."""
    if depth > 20:
        raise ValueError('grok patterns nest too deep')

    def one(m):
        body = grok_expand(patterns[m.group(1)], patterns, depth + 1)
        if m.group(2):
            return '(?<%s>%s)' % (m.group(2), body)
        return '(?:%s)' % body
    return re.sub(r'%\{(\w+)(?::(\w+))?\}', one, expr)


def kv_split(block):
    """The kv filter on rdns_block: each key's values, in order."""
    keys = {}
    for pair in block.split(' '):
        key, _, value = pair.partition('=')
        keys.setdefault(key, []).append(value)
    return keys


def grok(lines, texts):
    """What PTRTAG_LINE and the kv split extract, per line; checks that
    ptrtag_text is the line's text."""
    patterns = dict(GROK_CORE)
    patterns.update(grok_patterns(os.path.join(SAMPLES, 'ptrtag.grok')))
    regex = grok_expand(patterns['PTRTAG_LINE'], patterns)
    names = ['ptrtag_text', 'rdns_n', 'rdns_forged', 'rdns_overlong',
             'rdns_block']
    hits = pcre2grep(regex, lines, group_numbers(regex, names))
    out = []
    for i in range(len(lines)):
        if i + 1 not in hits:
            out.append(None)
            continue
        text, n, forged, overlong, block = hits[i + 1][0]
        if text.encode() != texts[i]:
            raise ValueError('ptrtag_text %r' % text)
        keys = kv_split(block) if block else {}
        ips = keys.get('rdns_ip', [])
        helo = keys.get('rdns_helo', [''] * len(ips))
        out.append((int(n), forged == 'true', overlong == 'true',
                    list(zip(ips, keys.get('rdns_host', []),
                             keys.get('rdns_fcrdns', []),
                             keys.get('rdns_generic', []), helo))))
    return out


def lognorm(lines):
    """What the liblognorm rulebase extracts, per line."""
    p = subprocess.run(['lognormalizer', '-r',
                        os.path.join(SAMPLES, 'ptrtag.rulebase'), '-e',
                        'json', '-T'],
                       input=b''.join(l + b'\n' for l in lines),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if p.returncode != 0 or p.stderr:
        raise RuntimeError('lognormalizer: rc %d, %s' % (
            p.returncode, p.stderr.decode(errors='replace')))
    out = []
    for row in p.stdout.decode().splitlines():
        obj = json.loads(row)
        if 'unparsed-data' in obj:
            out.append(None)
            continue
        if obj.get('event.tags') != ['ptrtag']:
            raise ValueError('tags %r' % obj.get('event.tags'))
        out.append((int(obj['rdns_n']), obj.get('rdns_forged') == 'true',
                    obj.get('rdns_overlong') == 'true',
                    [(g['ip'], g['host'], g['fcrdns'], g['generic'],
                      g.get('helo', '')) for g in obj.get('rdns', [])]))
    return out


def texts_of(lines):
    """Each line's text as it was before ptrtag (parse_kv)."""
    return [dnstest.parse_kv(l)[0] for l in lines]


def check_recipe(tap, name, got, want):
    tap.equal(len(got), len(want), '%s: one result per line' % name)
    for i, (g, w) in enumerate(zip(got, want)):
        tap.equal(g, w, '%s: line %d, %s' % (
            name, i + 1, 'nothing (no block)' if w is None else
            'the real values, paired, never the forged ones'))
    leaked = [g for g in got if g for grp in g[3] for h in FORGED_HOSTS
              if h in grp]
    tap.ok(not leaked, '%s: no forged host extracted' % name, leaked)


def check_recipes(tap, ptrtag, nsd):
    lines = ptrtag_output(tap, ptrtag, nsd)
    want = expected()
    tap.ok(all(shutil.which(t) for t in ('pcre2grep', 'lognormalizer')),
           'pcre2grep (pcre2-utils) and lognormalizer (liblognorm-utils) '
           'are installed (tests/deps)')
    texts = texts_of(lines)
    tap.guard(lambda: check_recipe(tap, 'Splunk transforms (PCRE2)',
                                   splunk(lines), want))
    tap.guard(lambda: check_recipe(tap, 'grok PTRTAG_LINE (PCRE2) and kv',
                                   grok(lines, texts), want))
    tap.guard(lambda: check_recipe(tap, 'liblognorm rulebase',
                                   lognorm(lines), want))


def main():
    dnstest.run_tests((dnstest.NSD(daemons.zones()), [check_recipes]))


if __name__ == '__main__':
    main()
