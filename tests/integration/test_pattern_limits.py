#!/usr/bin/env python3
"""A user's pattern that backtracks without end does not stall the stream
(ptrtag.1, -p): a match that reaches the PCRE2 limits gives up at once,
the line gets the addresses the built-in scanner finds (as with -p any),
the lines after it go on, and --stats counts it as pattern_limit.

The pattern below tries every split of each run of 22 x's before it
fails on the '!': some 6 million steps per run, under PCRE2's default
match limit of 10 million, so that without limits of its own ptrtag
spends about 2 s of CPU time on each hostile line of 4 KB (5 of them
here). With its limits the first run ends the line's pattern scan.
Run time: about 1 s.
"""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemons  # noqa: E402
import dnstest  # noqa: E402

PATTERN = (b'# an address, then runs of x tried every way\n'
           b'(?<src>\\d+\\.\\d+\\.\\d+\\.\\d+) (?:x+x+)+y\n')
HOSTILE = (b'Mar  3 09:00:00 gw app: ' +
           (b'203.0.113.45 ' + b'x' * 22 + b'! y ') * 110 +
           b'[2001:db8::25]\n')
NORMAL = b'Mar  3 09:00:01 gw app: 203.0.113.45 xxy from 198.51.100.7\n'
NHOSTILE = 5
# Far above what the limited scan takes (milliseconds), far below the
# 10 s of CPU time the hostile lines cost without the limits.
DEADLINE = 5.0


def stats_of(err):
    """The key=value counters of the last stats line on stderr."""
    lines = [ln for ln in err.decode(errors='replace').splitlines()
             if 'lines_in=' in ln]
    return dict(re.findall(r'(\w+)=(\d+)', lines[-1])) if lines else {}


def case_stream(tap, ptrtag, server, pat):
    t0 = time.monotonic()
    rc, out, err = dnstest.run(ptrtag, ['-s', server, '-t', '500', '-p',
                                        pat, '--stats'],
                               HOSTILE * NHOSTILE + NORMAL,
                               timeout=DEADLINE)
    took = time.monotonic() - t0
    tap.ok(rc == 0, 'the stream ends within %.0f s, exit 0' % DEADLINE,
           'rc %s after %.1f s: %s' % (rc, took, dnstest.short(err)))
    lines = out.splitlines(keepends=True)
    tap.equal(len(lines), NHOSTILE + 1, 'every line is written, the one '
              'after the hostile lines too')
    want = daemons.expect(HOSTILE, '203.0.113.45', '2001:db8::25')
    tap.ok(lines[:NHOSTILE] == [want] * NHOSTILE, 'a line over the limits '
           'gets the addresses the built-in scanner finds',
           dnstest.short(lines[0] if lines else b''))
    tap.equal(lines[NHOSTILE:], [daemons.expect(NORMAL, '203.0.113.45')],
              'the next line is scanned by the pattern again: only its '
              'capture is annotated')
    stats = stats_of(err)
    tap.equal(stats.get('pattern_limit'), str(NHOSTILE),
              '--stats counts the lines as pattern_limit',
              dnstest.short(err))
    tap.equal(stats.get('lines_in'), str(NHOSTILE + 1), 'lines_in')


def case_extract(tap, ptrtag, pat):
    rc, out, err = dnstest.run(ptrtag, ['--extract', '-p', pat],
                               HOSTILE * NHOSTILE + NORMAL,
                               timeout=DEADLINE)
    tap.equal((rc, out), (0, b'203.0.113.45\t2001:db8::25\n' * NHOSTILE +
                          b'203.0.113.45\n'),
              '--extract: the same addresses, within %.0f s' % DEADLINE,
              dnstest.short(err))


def main():
    tap = dnstest.TAP()
    ptrtag = dnstest.ptrtag_path()
    with tempfile.TemporaryDirectory(prefix='ptrtag-patlim-') as tmp:
        pat = os.path.join(tmp, 'hostile.pat')
        with open(pat, 'wb') as f:
            f.write(PATTERN)
        tap.guard(case_extract, tap, ptrtag, pat)
        with dnstest.NSD(daemons.zones()) as nsd:
            tap.guard(case_stream, tap, ptrtag, nsd.server, pat)
    tap.finish()


if __name__ == '__main__':
    main()
