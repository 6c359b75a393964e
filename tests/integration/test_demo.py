#!/usr/bin/env python3
"""The bundled demo (samples/demo) works and shows every verdict.

It runs the demo exactly as a user would (the README's first command),
then checks: exit 0; every input line of samples/auth.log comes out once,
in order, with annotations only added; the five DNS verdicts pass, fail,
none, permerror and temperror all appear; and each line equals
samples/auth.expected, the output ptrtag.1 prescribes for these zones.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnstest                                              # noqa: E402

SAMPLES = os.path.join(HERE, '..', '..', 'samples')
VERDICTS = ['pass', 'fail', 'none', 'permerror', 'temperror']


def read(name):
    with open(os.path.join(SAMPLES, name), 'rb') as f:
        return f.read()


def run_demo(ptrtag):
    demo = os.path.join(SAMPLES, 'demo')
    try:
        p = subprocess.run([demo, ptrtag],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=90)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b'', (e.stderr or b'') + b'[timed out]'


def check_demo(tap, ptrtag):
    rc, out, err = run_demo(ptrtag)
    tap.equal(rc, 0, 'samples/demo exits 0', 'stderr: %s' %
              dnstest.short(err, 2000))
    for verdict in VERDICTS:
        tap.ok(b' rdns_fcrdns=%s' % verdict.encode() in out,
               'demo shows verdict %s' % verdict)
    tap.ok(b' rdns_generic=true' in out, 'demo shows rdns_generic=true')
    tap.ok(b' rdns_forged=true' in out, 'demo shows rdns_forged=true')

    log_lines = dnstest.split_lines(read('auth.log'))
    got = dnstest.split_lines(out)
    tap.ok(len(got) == len(log_lines) and all(
        g.startswith(l[:-1]) for g, l in zip(got, log_lines)),
        'each auth.log line comes out once, in order, only added to',
        lambda: dnstest.first_difference(got, log_lines))

    want = dnstest.split_lines(read('auth.expected'))
    for i, expected in enumerate(want):
        tap.equal(got[i] if i < len(got) else None, expected,
                  'auth.expected line %d' % (i + 1))


def main():
    dnstest.run_tests(check_demo)


if __name__ == '__main__':
    main()
