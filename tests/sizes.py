#!/usr/bin/env python3
"""The size rule of HACKING.md: no production C file over 500 lines, no
function over 60 lines of body.

Production files are the .c files of the layers that the top meson.build
lists (see layers.py). Functions are found by the house style (OpenBSD
KNF): a body opens with "{" alone in column 0 and closes with "}" alone
in column 0; the name is on the nearest line above with a "(".
The check proves it can fail on a file of its own first.

usage: sizes.py [SOURCE_ROOT]      prints TAP
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layers                                               # noqa: E402

FILE_MAX = 500
FUNC_MAX = 60
NAME = re.compile(r'^\**\s*(\w+)\s*\(')


def functions(lines):
    """[(name, first line number, body lines)] of one file."""
    out, i = [], 0
    while i < len(lines):
        if lines[i] == '{':
            j = i - 1
            while j > 0 and '(' not in lines[j]:
                j -= 1
            m = NAME.match(lines[j])
            k = i
            while k < len(lines) and lines[k] != '}':
                k += 1
            out.append((m.group(1) if m else lines[j].strip(), j + 1,
                        k - i - 1))
            i = k
        i += 1
    return out


def check_text(path, text):
    lines = text.split('\n')
    problems = []
    if len(lines) - 1 > FILE_MAX:
        problems.append('%s: %d lines (at most %d)' % (
            path, len(lines) - 1, FILE_MAX))
    for name, line, body in functions(lines):
        if body > FUNC_MAX:
            problems.append('%s:%d: %s() has %d lines (at most %d)' % (
                path, line, name, body, FUNC_MAX))
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))
    print('1..3')
    long_fn = 'static int\nf(void)\n{\n' + '\tx++;\n' * 61 + '}\n'
    ok_fn = 'static int\ng(int a)\n{\n' + '\tx++;\n' * 60 + '}\n'
    print('%s 1 - the check flags a 61-line function and a 501-line file' % (
        'ok' if len(check_text('t.c', long_fn + '\n' * 440)) == 2
        else 'not ok'))
    print('%s 2 - the check passes a 60-line function in 500 lines' % (
        'ok' if not check_text('t.c', ok_fn + '\n' * 436) else 'not ok'))
    problems = []
    for path in sorted(layers.sources(root, layers.layers(root))):
        if path.endswith('.c'):
            with open(os.path.join(root, path), errors='replace') as f:
                problems += check_text(path, f.read())
    print('%s 3 - production files within %d lines, functions within %d' % (
        'not ok' if problems else 'ok', FILE_MAX, FUNC_MAX))
    for p in problems:
        print('# ' + p)


if __name__ == '__main__':
    main()
