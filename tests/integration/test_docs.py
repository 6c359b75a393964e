#!/usr/bin/env python3
"""The docs match the program: ptrtag.1, --help, README.md and what a
real run writes list the same things (issue 12, "Docs that match").

- Long options: --help, ptrtag.1 (.Fl \\-NAME) and the options table of
  README.md name the same set; the -f formats are the same three ways,
  and each one is accepted.
- kv keys: every key a real run writes is in ptrtag.1's kv list and in
  README's key table, and every key listed there is written by the run.
- JSON members (as paths: rdns[].ip, related.hosts, ...): the same
  between a real -f json run, ptrtag.1's json list and README's member
  table; the members of --mmexternal replies are json's rdns and related.
- --stats counters: the keys of a real run, in kv and in json, in order,
  equal ptrtag.1's STATISTICS list and README's counter table, in order.

The run goes through a private NSD serving samples/zones, over
samples/auth.log plus lines that make the rarer members appear (an
iptables line for source/destination, invalid UTF-8, a line over
--max-line).
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnstest                                              # noqa: E402

ROOT = os.path.join(HERE, '..', '..')
SAMPLES = os.path.join(ROOT, 'samples')
ARGS = ['-t', '500', '--tries', '2', '-d', '3000', '-p', 'postfix', '-p',
        'iptables', '-p', 'any', '--max-line', '300']
EXTRA = (b'Nov 26 09:21:00 fw kernel: IN=eth0 OUT= SRC=203.0.113.45 '
         b'DST=192.0.2.77 LEN=60 PROTO=TCP SPT=50022 DPT=22\n'
         b'Nov 26 09:21:01 gw sshd[9]: \xff\xfe bytes from 198.51.100.23\n'
         b'Nov 26 09:21:02 gw app: ' + b'x' * 400 + b' 203.0.113.45\n')


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def text(path):
    return read(path).decode('utf-8')


# -------------------------------------------------------------- ptrtag.1

def man_section(man, name):
    m = re.search(r'^\.Sh %s\n(.*?)(?=^\.Sh )' % re.escape(name), man,
                  re.M | re.S)
    return m.group(1) if m else ''


def it_names(part, macro):
    """The names of the .It lines of part, in order: ".It Cm a , b" or
    ".It Li a , b" give a and b."""
    names = []
    for line in re.findall(r'^\.It %s (.*)$' % macro, part, re.M):
        names += [n.strip() for n in line.split(' , ')]
    return names


def man_key_table(man):
    """The kv keys and JSON member paths of the table in ptrtag.1,
    OUTPUT, Keys: rows ".It Li KEY Ta Li PATH Ta", either column \\(em
    when the format has none; a JSON cell with more words than a path
    (".Li rdns No length") names no member."""
    m = re.search(r'^\.Ss Keys\n(.*?)(?=^\.S[sh] )', man, re.M | re.S)
    kv, members = set(), set()
    for a, b in re.findall(r'^\.It (.*?) Ta (.*?) Ta', m.group(1) if m
                           else '', re.M):
        if a.startswith('Li '):
            kv.add(a[3:])
        if re.fullmatch(r'Li [^ ]+', b):
            members.add(b[3:])
    return kv, members


def man_long_options(man):
    return set(re.findall(r'\bFl \\-([a-z][a-z0-9-]*)', man))


def man_formats(man):
    m = re.search(r'^\.It Fl f , Fl \\-format Ar (.*)$', man, re.M)
    return set(w.strip() for w in m.group(1).split('|')) if m else set()


# ------------------------------------------------------------- README.md

def readme_section(readme, title):
    m = re.search(r'^#+ %s\n(.*?)(?=^#+ )' % re.escape(title), readme,
                  re.M | re.S)
    return m.group(1) if m else ''


def table_first_cells(part, header):
    """First cells of the markdown table whose header row starts with
    header, in order."""
    out, inside = [], False
    for line in part.splitlines():
        if line.startswith('| %s |' % header):
            inside = True
            continue
        if inside and line.startswith('|---'):
            continue
        if inside and line.startswith('| '):
            out.append(re.split(r'(?<!\\)\|', line)[1].strip())
        elif inside:
            break
    return out


def backticked(cells):
    names = []
    for cell in cells:
        names += re.findall(r'`([^`]+)`', cell)
    return names


def readme_long_options(readme):
    cells = table_first_cells(readme_section(readme, 'Options'), 'option')
    found = set()
    for cell in cells:
        found |= set(re.findall(r'--([a-z][a-z0-9-]*)', cell))
    return found


def readme_formats(readme):
    cells = table_first_cells(readme_section(readme, 'Options'), 'option')
    for cell in cells:
        m = re.search(r'--format ([a-z|\\]+)`', cell)
        if m:
            return set(m.group(1).replace('\\', '').split('|'))
    return set()


# --------------------------------------------------------------- a run

def help_long_options(help_text):
    return set(re.findall(r'(?<![\w-])--([a-z][a-z0-9-]*)', help_text))


def help_formats(help_text):
    m = re.search(r'--format (\S+)', help_text)
    return set(m.group(1).split('|')) if m else set()


def kv_keys(out):
    return set(re.findall(rb' (rdns_[a-z_]+)=', out))


def json_paths(value, prefix=''):
    """Leaf member paths of a JSON value: rdns[].ip, related.hosts."""
    paths = set()
    if isinstance(value, dict):
        for k, v in value.items():
            paths |= json_paths(v, prefix + ('.' if prefix else '') + k)
    elif isinstance(value, list) and value and \
            all(isinstance(v, dict) for v in value):
        for v in value:
            paths |= json_paths(v, prefix + '[]')
    else:
        paths.add(prefix)
    return paths


def stats_keys(err, as_json):
    last = err.strip().split(b'\n')[-1]
    if as_json:
        return list(json.loads(last))
    return [kv.split(b'=')[0].decode() for kv in last.split(b' ')]


def run(ptrtag, nsd, args, data):
    return dnstest.run(ptrtag, ['-s', nsd.server] + ARGS + args, data,
                       timeout=60)


def equal_sets(tap, name, sets):
    """sets: [(label, set)], all compared with the first."""
    base_label, base = sets[0]
    for label, other in sets[1:]:
        tap.ok(base == other, '%s: %s and %s agree' % (name, base_label,
                                                       label),
               'only in %s: %s\nonly in %s: %s' % (
                   base_label, sorted(base - other), label,
                   sorted(other - base)))


# ---------------------------------------------------------------- cases

def check_options(tap, ptrtag):
    man = text(os.path.join(ROOT, 'ptrtag.1'))
    readme = text(os.path.join(ROOT, 'README.md'))
    rc, out, _ = dnstest.run(ptrtag, ['--help'], timeout=10)
    help_text = out.decode()
    opts = help_long_options(help_text)
    tap.ok(rc == 0 and len(opts) >= 25, '--help lists the long options',
           '%d found' % len(opts))
    equal_sets(tap, 'long options', [
        ('--help', opts), ('ptrtag.1', man_long_options(man)),
        ('the README options table', readme_long_options(readme))])
    formats = help_formats(help_text)
    equal_sets(tap, '-f formats', [
        ('--help', formats), ('ptrtag.1', man_formats(man)),
        ('the README options table', readme_formats(readme))])
    for word in sorted(formats):
        rc, _, err = dnstest.run(ptrtag, ['-s', '127.0.0.1:9', '-f', word],
                                 b'', timeout=10)
        tap.equal((rc, err), (0, b''), '-f %s is accepted' % word)


def check_output(tap, ptrtag, nsd):
    man = text(os.path.join(ROOT, 'ptrtag.1'))
    readme = text(os.path.join(ROOT, 'README.md'))
    readme_out = readme_section(readme, 'Output')
    data = read(os.path.join(SAMPLES, 'auth.log')) + EXTRA

    rc, out, err = run(ptrtag, nsd, [], data)
    tap.equal((rc, err), (0, b''), 'the kv run: exit 0')
    keys = set(k.decode() for k in kv_keys(out))
    equal_sets(tap, 'kv keys', [
        ('a real run', keys),
        ('ptrtag.1', man_key_table(man)[0]),
        ('README', set(backticked(table_first_cells(readme_out, 'key'))))])

    rc, out, err = run(ptrtag, nsd, ['-f', 'json'], data)
    tap.equal((rc, err), (0, b''), 'the json run: exit 0')
    members = set()
    for line in out.splitlines():
        members |= json_paths(json.loads(line))
    documented = man_key_table(man)[1]
    equal_sets(tap, 'JSON members', [
        ('a real run', members), ('ptrtag.1', documented),
        ('README', set(backticked(table_first_cells(readme_out,
                                                    'member'))))])

    rc, out, err = run(ptrtag, nsd, ['--mmexternal'], data)
    replies = [json.loads(line) for line in out.splitlines()]
    odd = [r for r in replies if r and list(r) != ['$!']]
    mm = set()
    for reply in replies:
        mm |= json_paths(reply.get('$!', {}))
    want = set(p for p in documented if re.match(r'(rdns\[\]|related)\.',
                                                 p))
    tap.ok(rc == 0 and len(replies) == data.count(b'\n') and not odd and
           mm == want, '--mmexternal replies: {"$!":{...}} with json\'s '
           'rdns and related members, or {}',
           'rc %s, %d replies, odd %s; only in the replies %s, missing %s'
           % (rc, len(replies), odd[:1], sorted(mm - want),
              sorted(want - mm)))


def check_stats(tap, ptrtag, nsd):
    man = text(os.path.join(ROOT, 'ptrtag.1'))
    readme = text(os.path.join(ROOT, 'README.md'))
    data = read(os.path.join(SAMPLES, 'auth.log'))
    rc, _, err = run(ptrtag, nsd, ['--stats'], data)
    kv = stats_keys(err, False)
    rc2, _, err2 = run(ptrtag, nsd, ['--stats=json'], data)
    js = stats_keys(err2, True)
    tap.ok(rc == 0 and rc2 == 0 and len(kv) >= 30 and kv == js,
           '--stats and --stats=json: the same keys in the same order',
           'kv %s\njson %s' % (kv, js))
    man_keys = it_names(man_section(man, 'STATISTICS'), 'Cm')
    tap.equal(man_keys, kv, '--stats keys: ptrtag.1 STATISTICS lists each, '
              'in order')
    readme_keys = backticked(table_first_cells(
        readme_section(readme, 'Counters (`--stats`)'), 'counter'))
    tap.equal(readme_keys, kv, '--stats keys: the README counter table '
              'lists each, in order')


def main():
    dnstest.run_tests(check_options,
                      (dnstest.NSD(dnstest.demo_zones()), [check_output,
                                                   check_stats]))


if __name__ == '__main__':
    main()
