#!/usr/bin/env python3
"""The layer rule of HACKING.md, checked on the source tree.

The layers and their ranks are read from the top meson.build, where each
layer's directory is entered bottom up on a line of the form

    subdir('filter/base')       # 1

A file of a layer may include (with #include "...") headers of its own
directory and of layers of a lower rank, nothing else: not a layer
above, not a peer of the same rank. No module (a .c/.h pair) may reach
itself again through its includes: no two modules include each other,
nor do longer cycles exist.

The Meson build already fails on an upward include (a layer's library
sees only the include directories of the layers below it); this test
states the rule where a reader finds it, catches peers and cycles inside
one directory, and proves, on a small tree of its own, that it can fail.

usage: layers.py [SOURCE_ROOT]      prints TAP
"""

import os
import re
import sys
import tempfile

SUBDIR = re.compile(r"^\s*subdir\('([^']+)'\)\s*#\s*(\d+)", re.M)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layers(root):
    """[(directory, rank)] from meson.build, in build order."""
    with open(os.path.join(root, 'meson.build')) as f:
        return [(d, int(r)) for d, r in SUBDIR.findall(f.read())]


def sources(root, table):
    """{relative path: (directory, rank)} of every .c/.h of a layer."""
    out = {}
    for d, rank in table:
        full = os.path.join(root, d)
        for name in sorted(os.listdir(full)):
            if name.endswith(('.c', '.h')):
                out[os.path.join(d, name)] = (d, rank)
    return out


def check(root):
    """List of problems, each one line; empty when the tree keeps the rule."""
    table = layers(root)
    if not table:
        return ['meson.build names no layer (subdir(...) # RANK lines)']
    files = sources(root, table)
    headers = {}
    for path, (d, rank) in files.items():
        if path.endswith('.h'):
            headers.setdefault(os.path.basename(path), []).append(
                (path, d, rank))
    problems = []
    graph = {}
    for path, (d, rank) in sorted(files.items()):
        with open(os.path.join(root, path), errors='replace') as f:
            text = f.read()
        module = os.path.splitext(path)[0]
        graph.setdefault(module, set())
        for inc in INCLUDE.findall(text):
            own = os.path.join(d, inc)
            if own in files:
                target = own
            else:
                found = headers.get(inc, [])
                if len(found) != 1:
                    problems.append('%s: "%s" is %s' % (
                        path, inc, 'in no layer' if not found else
                        'ambiguous: ' + ', '.join(p for p, _, _ in found)))
                    continue
                target, tdir, trank = found[0]
                if trank >= rank:
                    problems.append(
                        '%s (layer %d, %s) includes %s of layer %d (%s)'
                        % (path, rank, d, target, trank,
                           'a peer' if trank == rank else 'above'))
            tmod = os.path.splitext(target)[0]
            if tmod != module:
                graph[module].add(tmod)
    problems += cycles(graph)
    return problems


def cycles(graph):
    """One line per module cycle found by depth-first search."""
    found, state, stack = [], {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                loop = stack[stack.index(n):] + [n]
                found.append('include cycle: ' + ' -> '.join(loop))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2
    for m in sorted(graph):
        if m not in state:
            visit(m)
    return found


def selftest():
    """(name, problems) for trees that break the rule in each way."""
    base = {
        'meson.build': "subdir('low')  # 1\nsubdir('mid')  # 2\n"
                       "subdir('peer')  # 2\nsubdir('top')  # 3\n",
        'low/a.h': '', 'low/a.c': '#include "a.h"\n',
        'mid/b.h': '#include "a.h"\n', 'mid/b.c': '#include "b.h"\n',
        'peer/p.h': '', 'top/t.c': '#include "b.h"\n#include "p.h"\n',
    }
    cases = [
        ('a clean tree', {}, 0),
        ('an upward include', {'low/a.c': '#include "b.h"\n'}, 1),
        ('a peer include', {'mid/b.c': '#include "p.h"\n'}, 1),
        ('two modules including each other',
         {'mid/c.h': '#include "b.h"\n', 'mid/b.c': '#include "c.h"\n'}, 1),
        ('a header in no layer', {'top/t.c': '#include "nowhere.h"\n'}, 1),
    ]
    out = []
    for name, change, want in cases:
        tree = dict(base)
        tree.update(change)
        with tempfile.TemporaryDirectory() as tmp:
            for rel, text in tree.items():
                os.makedirs(os.path.join(tmp, os.path.dirname(rel)),
                            exist_ok=True)
                with open(os.path.join(tmp, rel), 'w') as f:
                    f.write(text)
            out.append((name, want, check(tmp)))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))
    results = selftest()
    print('1..%d' % (len(results) + 1))
    n = 0
    for name, want, problems in results:
        n += 1
        ok = bool(problems) == bool(want)
        print('%s %d - the check %s %s' % (
            'ok' if ok else 'not ok', n,
            'flags' if want else 'passes', name))
        if not ok:
            for p in problems or ['(nothing flagged)']:
                print('# ' + p)
    problems = check(root)
    n += 1
    print('%s %d - the source tree keeps the layer rule (%d layers)' % (
        'not ok' if problems else 'ok', n, len(layers(root))))
    for p in problems:
        print('# ' + p)


if __name__ == '__main__':
    main()
