#!/usr/bin/env python3
"""ptrtag.1, Guarantees: memory stays bounded whatever the input, the
cache by -c and the lines waiting for lookups by a window.

ptrtag reads a stream with as many distinct addresses as lines/2, half
IPv4 (10.x.y.z) and half IPv6 (2001:db8::/32), from a private NSD whose
wildcard reverse zones answer every PTR query (one name for all, whose
A/AAAA is elsewhere: verdict fail, a host kept in every cache entry).
Each address appears twice, 5000 lines apart, so both cache sizes get
hits as well as evictions. The input is generated and the output counted
as they stream: nothing the size of the stream is held here.

For each cache size (the default -c 100000, and -c 10000) it runs a
short stream and a long one and checks, from ptrtag's peak resident set
(VmHWM in /proc/PID/status, sampled every 0.1 s until it exits), that
  - peak RSS <= FIXED + PER_ENTRY x cache size (the bound below), and
  - the long run's peak is within 15% of the short run's (flat: memory
    does not grow with input once the cache is full),
and that every line comes out. The numbers are printed as diagnostics.

Sizes: PTRTAG_MEMTEST_LINES (default 2,000,000) and
PTRTAG_MEMTEST_SHORT (default 400,000). Against an AddressSanitizer build
the RSS checks are skipped (ASan's shadow memory and quarantine are no
measure of the program's) and the sizes default to a fifth.
"""

import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402

HOST = 'host-pool-customer.dyn.example.com'
V6_ZONE = '8.b.d.0.1.0.0.2.ip6.arpa'

# The bound. Per cache entry: the entry (LRU links, hash chain, key,
# expiry, verdict) plus its host name (a 35-byte allocation) and the
# allocator's overhead: measured about 190 bytes; 300 allowed. Fixed: the
# window (at most 8 MiB of lines; these short lines fill only its 4096
# lines), 1 MiB of unwritten output, the input buffer (1.1 MiB with the
# scan-ahead thread, which reads ahead), PCRE2 with its JIT code (twice:
# the scan-ahead thread has its own) and the C library: 16 MiB. Per
# c-ares channel of the transport pool, a channel per -j slot up to 256
# and 4 for TCP (ptrtag(1), DNS TRANSPORT): its tables (74 KB) and what
# a channel in use allocates besides, measured about 104 KB in all;
# 128 KB allowed (with -c 10000 the whole peak was 7 MB with 68
# channels, 27 MB with the 260 of the default -j 256).
#
# Not ru_maxrss from os.wait4: Python starts the child with vfork, and
# Linux keeps the high-water mark of the memory the child had before its
# exec (the whole test process) in the child's ru_maxrss.
PER_ENTRY = 300
FIXED = 16 << 20
PER_CHANNEL = 128 << 10
CHANNELS = 256 + 4                  # at the default -j 256
# Flat: the long run's peak within 15% of the short run's, or within
# 1 MiB (with -c 10000 the whole peak is about 27 MB, and the allocator's
# granularity alone moves it by a few hundred KB).
FLAT = 0.15
FLAT_ABS = 1 << 20


def bound(cache_size):
    return FIXED + PER_CHANNEL * CHANNELS + PER_ENTRY * cache_size


def zones():
    return {
        '10.in-addr.arpa': dnstest.make_zone(
            '10.in-addr.arpa', ['* PTR %s.' % HOST]),
        V6_ZONE: dnstest.make_zone(V6_ZONE, ['* PTR %s.' % HOST]),
        'example.com': dnstest.make_zone('example.com', [
            '%s. A 192.0.2.1' % HOST, '%s. AAAA 2001:db8:ffff::1' % HOST]),
    }


def address(idx):
    """Distinct for distinct idx: even -> IPv4 10/8, odd -> 2001:db8::/32."""
    if idx % 2 == 0:
        j = idx // 2
        return b'10.%d.%d.%d' % ((j >> 16) & 255, (j >> 8) & 255, j & 255)
    j = idx // 2
    return b'2001:db8:%x::%x:%x' % (j >> 32 & 0xffff, j >> 16 & 0xffff,
                                    j & 0xffff)


def line(n):
    """Blocks of 10000 lines: 5000 new addresses, then the same again."""
    blk, off = divmod(n, 10000)
    idx = blk * 5000 + off % 5000
    return (b'Nov 26 13:02:11 gw sshd[%d]: Failed password for root from %s '
            b'port %d ssh2\n' % (n % 100000, address(idx), 1024 + n % 60000))


# Every run is killed when it has not finished by then: the whole file
# stays within meson's 480 s even if ptrtag hangs. (The four runs take
# 230-270 s on a 2-vCPU AMD EPYC VM, 200 s on a 2-core Xeon.)
BUDGET_END = time.monotonic() + 450
RUN_MAX = 220


def run_once(ptrtag, server, nlines, cache_size):
    """One streaming run. Returns a dict of numbers."""
    argv = [ptrtag, '-s', server, '--stats=json']
    if cache_size is not None:
        argv += ['-c', str(cache_size)]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    limit = max(5.0, min(RUN_MAX, BUDGET_END - time.monotonic()))
    killed = []

    def watchdog():
        killed.append(limit)
        proc.kill()
    timer = threading.Timer(limit, watchdog)
    timer.start()
    try:
        res = drive(proc, nlines)
        res['killed'] = killed
        return res
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def drive(proc, nlines):
    """Feed nlines to proc, count its output, sample its peak RSS."""
    feeder = dnstest.Feeder(proc.stdin, (line(n) for n in range(nlines)),
                            2000)
    err = []
    done = threading.Event()
    peak = [0]

    def err_reader():
        err.append(proc.stderr.read())

    def sampler():
        path = '/proc/%d/status' % proc.pid
        while not done.is_set():
            try:
                with open(path) as f:
                    for text in f:
                        if text.startswith('VmHWM:'):
                            peak[0] = max(peak[0], int(text.split()[1]))
            except OSError:
                pass
            done.wait(0.1)

    start = time.monotonic()
    threads = [feeder,
               threading.Thread(target=err_reader, daemon=True),
               threading.Thread(target=sampler, daemon=True)]
    for t in threads:
        t.start()
    out_lines = out_bytes = 0
    last = b''
    while True:
        data = proc.stdout.read1(1 << 20)
        if not data:
            break
        out_lines += data.count(b'\n')
        out_bytes += len(data)
        # A read may hold only the end of the last line: keep a tail
        # longer than any output line, not the last read alone.
        last = (last + data)[-8192:]
    # stdout closed: ptrtag is exiting. The sampler goes on until it is
    # gone (its /proc entry then has no VmHWM any more).
    threads[0].join(30)
    threads[1].join(30)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    done.set()
    threads[2].join(5)
    proc.stdout.close()
    proc.stderr.close()
    secs = time.monotonic() - start
    stats = {}
    text = (err[0] if err else b'').decode('utf-8', 'replace')
    for raw in text.splitlines():
        try:
            stats = json.loads(raw)
        except ValueError:
            pass
    return {
        'rc': proc.returncode, 'lines': out_lines, 'bytes': out_bytes,
        'in_bytes': feeder.sent, 'writer': feeder.failure, 'secs': secs,
        'rss': peak[0] * 1024, 'stats': stats, 'stderr': text,
        'last': last.rsplit(b'\n', 2)[-2] if b'\n' in last else last,
    }


def check(tap, ptrtag, server, cache_size, sizes, asan):
    label = '-c %d' % cache_size if cache_size else 'default cache'
    c = cache_size or 100000
    results = []
    for n in sizes:
        res = run_once(ptrtag, server, n, cache_size)
        st = res['stats']
        tap.diag('%s, %d lines (%d addresses): %.1f s, peak RSS %.1f MB; '
                 'cache %s entries, %s evictions; %s queries, %s skipped, '
                 '%s fail' % (label, n, n // 2, res['secs'],
                              res['rss'] / 1048576, st.get('cache_entries'),
                              st.get('cache_evictions'), st.get('queries'),
                              st.get('verdict_skipped'),
                              st.get('verdict_fail')))
        tap.ok(res['rc'] == 0 and res['lines'] == n and not res['writer'] and
               st.get('lines_in') == n and st.get('lines_out') == n and
               res['stderr'].count('\n') == 1,
               '%s, %d lines: every line comes out, exit 0, nothing on '
               'stderr but the counters' % (label, n),
               'rc %s, %d lines out, writer %s, stderr %s%s' % (
                   res['rc'], res['lines'], res['writer'],
                   dnstest.short(res['stderr']),
                   '; KILLED: not finished after %.0f s' % res['killed'][0]
                   if res['killed'] else ''))
        want_last = line(n - 1).rstrip(b'\n')
        tap.ok(res['last'].startswith(want_last), '%s, %d lines: the last '
               'line is the last input line, annotated' % (label, n),
               dnstest.short(res['last']))
        tap.ok(st.get('cache_entries', c + 1) <= c, '%s, %d lines: at most '
               '%d cache entries (--stats)' % (label, n, c),
               'cache_entries %s' % st.get('cache_entries'))
        if n // 2 >= 2 * c:
            tap.ok(st.get('cache_entries', 0) >= 0.9 * c, '%s, %d lines: '
                   'the cache fills up' % (label, n), 'cache_entries %s' %
                   st.get('cache_entries'))
        else:
            tap.skip('%s, %d lines: the cache fills up' % (label, n),
                     'fewer than 2 x %d addresses' % c)
        if asan:
            tap.skip('%s, %d lines: peak RSS bounded' % (label, n),
                     'AddressSanitizer build')
        else:
            tap.ok(0 < res['rss'] <= bound(c), '%s, %d lines: peak RSS %.1f '
                   'MB <= %.1f MB (16 MiB + 128 KB x 260 channels + 300 B x %d)' % (
                       label, n, res['rss'] / 1048576, bound(c) / 1048576,
                       c), 'peak %d bytes' % res['rss'])
        results.append(res)
    if len(results) == 2:
        small, big = results[0]['rss'], results[1]['rss']
        growth = (big - small) / small
        tap.diag('%s: peak RSS %d lines %.1f MB, %d lines %.1f MB '
                 '(%+.1f%%)' % (label, sizes[0], small / 1048576, sizes[1],
                                big / 1048576, growth * 100))
        if asan:
            tap.skip('%s: peak RSS flat with input' % label,
                     'AddressSanitizer build')
        else:
            tap.ok(abs(big - small) <= max(FLAT * small, FLAT_ABS),
                   '%s: peak RSS flat with input (%d vs %d lines within '
                   '%d%% or 1 MiB)' % (label, sizes[0], sizes[1],
                                       FLAT * 100),
                   '%+.1f%%' % (growth * 100))


def all_cases(tap, ptrtag):
    asan = dnstest.sanitized(ptrtag)
    scale = 5 if asan else 1
    big = int(os.environ.get('PTRTAG_MEMTEST_LINES', 2000000 // scale))
    small = int(os.environ.get('PTRTAG_MEMTEST_SHORT', 400000 // scale))
    if asan:
        tap.diag('AddressSanitizer build: RSS bounds not checked')
    # NSD's response rate limiting would drop most of these queries.
    with dnstest.NSD(zones(), server_options=[
            'rrl-ratelimit: 0', 'rrl-whitelist-ratelimit: 0']) as nsd:
        tap.diag('NSD on %s; %d and %d lines per cache size' % (
            nsd.server, small, big))
        tap.guard(check, tap, ptrtag, nsd.server, None, [small, big], asan)
        tap.guard(check, tap, ptrtag, nsd.server, 10000, [small, big], asan)


def main():
    dnstest.run_tests(all_cases)


if __name__ == '__main__':
    main()
