#!/usr/bin/env python3
"""Every verdict of the table is documented.

The verdicts are listed once, in the VERDICTS() table of
filter/base/verdict.h (HACKING.md, "Adding a verdict"). This test reads
the words from that table and checks that each one is

- an item of the VERDICTS section of ptrtag.1 (".It Cm WORD"),
- a row of the README's verdict table ("| `WORD` |"),
- a line of the --help text of the built ptrtag ($PTRTAG),

and that neither document lists a verdict the table lacks. It proves on
doctored copies that it can fail. Prints TAP; Python standard library.
"""

import os
import re
import subprocess
import sys

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

ROW = re.compile(r'^\s*X\(\s*([A-Z]+)\s*,\s*"([a-z]+)"', re.M)


def table_words(verdict_h):
    """The words of VERDICTS(X) in verdict.h, in order."""
    start = verdict_h.find('#define VERDICTS(X)')
    if start == -1:
        return []
    body = verdict_h[start:verdict_h.find('\n\n', start)]
    return [w for _, w in ROW.findall(body)]


def man_words(man):
    """The .It Cm items of the VERDICTS section of ptrtag.1."""
    m = re.search(r'^\.Sh VERDICTS\n(.*?)^\.Sh ', man, re.M | re.S)
    return re.findall(r'^\.It Cm (\S+)', m.group(1), re.M) if m else []


def readme_words(readme):
    """The first column of the README table headed '| verdict |'."""
    m = re.search(r'^\| verdict \|.*\n\|[-|]+\|\n((?:\|.*\n)*)', readme,
                  re.M)
    return re.findall(r'^\| `([a-z]+)` \|', m.group(1), re.M) if m else []


def help_words(text):
    """The verdict lines of --help: two spaces, the word, its meaning."""
    m = re.search(r'^Verdicts[^\n]*:\n((?:  \S.*\n)*)', text, re.M)
    return re.findall(r'^  ([a-z]+) ', m.group(1), re.M) if m else []


def compare(words, listed, where):
    """Problems, one line each, between the table and one document."""
    out = ['%s: no verdict %s' % (where, w) for w in words
           if w not in listed]
    out += ['%s: %s is not a verdict of verdict.h' % (where, w)
            for w in listed if w not in words]
    return out


def read(*path):
    with open(os.path.join(SOURCE, *path)) as f:
        return f.read()


def main():
    verdict_h = read('filter', 'base', 'verdict.h')
    man, readme = read('ptrtag.1'), read('README.md')
    words = table_words(verdict_h)
    checks = [('ptrtag.1 VERDICTS', man_words(man)),
              ('README verdict table', readme_words(readme))]
    ptrtag = os.environ.get('PTRTAG')
    if ptrtag:
        p = subprocess.run([ptrtag, '--help'], stdout=subprocess.PIPE,
                           timeout=10)
        checks.append(('--help', help_words(p.stdout.decode())))

    n = 0
    results = []

    def ok(cond, name, diag=''):
        nonlocal n
        n += 1
        results.append('%s %d - %s' % ('ok' if cond else 'not ok', n,
                                         name))
        if not cond and diag:
            results.extend('# ' + l for l in diag.splitlines())

    ok(len(words) >= 7 and words[0] == 'pass', 'the table of verdict.h '
       'is read (%d verdicts)' % len(words), ' '.join(words))
    for where, listed in checks:
        problems = compare(words, listed, where)
        ok(not problems, '%s lists every verdict of the table, and only '
           'those' % where, '\n'.join(problems))
    if not ptrtag:
        ok(True, '# SKIP --help: $PTRTAG not set')

    # It can fail: a verdict added to the table alone, one dropped from
    # the man page, one listed only in the README.
    grown = verdict_h.replace('#define VERDICTS(X)\t',
                              '#define VERDICTS(X)\t\\\n\tX(NEW, "new", '
                              'VH_NEVER, VT_MAX, "x")\t', 1)
    ok('new' in table_words(grown) and compare(
        table_words(grown), man_words(man), 'man'),
       'a verdict only in the table is found missing from ptrtag.1')
    shrunk = man.replace('.It Cm skipped\n', '.It Cm skipped-not\n')
    ok(compare(words, man_words(shrunk), 'man'),
       'a verdict dropped from ptrtag.1 is found')
    extra = readme.replace('| `pass` |', '| `maybe` | x |\n| `pass` |', 1)
    ok(compare(words, readme_words(extra), 'README'),
       'a README row the table lacks is found')

    print('1..%d' % n)
    print('\n'.join(results))
    sys.exit(0 if all(r.startswith('ok') for r in results
                      if not r.startswith('#')) else 1)


if __name__ == '__main__':
    main()
