#!/usr/bin/env python3
"""Run ptrtag over samples/auth.log against the bundled zones.

    samples/demo.py [PTRTAG] [ptrtag options...]   (samples/demo builds first)

Starts a private NSD on a free 127.0.0.1 port serving samples/zones/*.zone
(documentation addresses and example.com/.net names only; example.org is
deliberately not served, so the forward lookup for relay.example.org is
REFUSED and shows temperror), runs ptrtag against it, prints the enriched
lines on stdout and stops NSD. No DNS leaves this machine.

PTRTAG defaults to $PTRTAG, then ./build/filter/ptrtag in the source tree,
then ptrtag on PATH. Extra options go to ptrtag, e.g. `-f inline`.
The expected kv output is samples/auth.expected.
"""

import glob
import os
import shutil
import subprocess
import sys

SAMPLES = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(SAMPLES)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
sys.dont_write_bytecode = True
import dnstest                                              # noqa: E402

PTRTAG_ARGS = ['-t', '500', '--tries', '2', '-d', '3000']


def find_ptrtag(argv):
    """(binary, remaining args): an explicit path first, then the usual
    places."""
    if argv and not argv[0].startswith('-'):
        return argv[0], argv[1:]
    for candidate in (os.environ.get('PTRTAG'),
                      os.path.join(ROOT, 'build', 'filter', 'ptrtag'),
                      shutil.which('ptrtag')):
        if candidate and os.access(candidate, os.X_OK):
            return candidate, argv
    sys.exit('demo: no ptrtag binary found; build it (meson setup build && '
             'ninja -C build) or give its path as the first argument')


def load_zones():
    """{zone name: text} from samples/zones/<zone>.zone."""
    zones = {}
    for path in sorted(glob.glob(os.path.join(SAMPLES, 'zones', '*.zone'))):
        with open(path) as f:
            zones[os.path.basename(path)[:-len('.zone')]] = f.read()
    return zones


def main():
    ptrtag, extra = find_ptrtag(sys.argv[1:])
    log = os.path.join(SAMPLES, 'auth.log')
    with dnstest.NSD(load_zones()) as nsd:
        print('demo: NSD serving samples/zones on %s' % nsd.server,
              file=sys.stderr)
        argv = [ptrtag, '-s', nsd.server] + PTRTAG_ARGS + extra + [log]
        try:
            rc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                                timeout=60).returncode
        except subprocess.TimeoutExpired:
            print('demo: ptrtag did not finish in 60 s', file=sys.stderr)
            rc = 1
    return rc


if __name__ == '__main__':
    sys.exit(main())
