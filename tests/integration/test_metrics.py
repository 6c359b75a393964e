#!/usr/bin/env python3
"""--metrics-file as Prometheus reads it (ptrtag.1, --metrics-file).

Against a private NSD serving daemons.zones():

- node_exporter: ptrtag runs with --stats and --metrics-file; Debian's
  prometheus-node-exporter, started on a loopback port with only its
  textfile collector, pointed at the file's directory, serves over HTTP
  every ptrtag_* series with the value --stats printed for its key; the
  histogram's count and sum are --stats' lookups and lookup_time_us, its
  buckets cumulative; the collector reports no parse error.
- promtool (Debian's prometheus package): `promtool check metrics` reads
  the file and has nothing to say, exit 0.
- atomic: a reader opening and reading the file in a tight loop while
  ptrtag replaces it hundreds of times (SIGUSR1 writes it) always reads
  a whole file; it sees several versions (inodes); an administrator's
  chmod lasts; no temporary file is left.
- exit: with an interval of an hour, the file written at start still
  says lines_in 0 while lines flow, SIGHUP writes it, and after SIGTERM
  (or SIGINT) it holds the final counters, equal to --stats; ptrtag ran
  confined (Seccomp 2), so the sandbox lets the writes through.
- mmexternal: the file is the stats channel there; it is written every
  interval while ptrtag runs and at exit, and stderr stays empty.
- a directory removed under a running ptrtag: one warning, lines go on.
- measured: against a responder that answers after 200 ms, the histogram
  and --stats hold what was measured (no lookup under 128 ms, a mean of
  at least 200 ms, latency_p50_ms_le at least 200 and, when every lookup
  was under 256 ms, under 256: not the bucket's end).
- usage errors: exit 2, one line naming the file or value.
- ptrtag.1 lists every series.
"""

import ctypes
import json
import math
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemons                                              # noqa: E402
import dnstest                                              # noqa: E402

NODE_EXPORTER = '/usr/bin/prometheus-node-exporter'
PROMTOOL = '/usr/bin/promtool'
HIST = 'ptrtag_lookup_duration_seconds'

# The --stats key of every series, as ptrtag.1 lists them.
KEY_SERIES = {
    'lines_in': 'ptrtag_lines_in_total',
    'lines_out': 'ptrtag_lines_out_total',
    'addresses': 'ptrtag_addresses_total',
    'cache_hits': 'ptrtag_cache_hits_total',
    'cache_misses': 'ptrtag_cache_misses_total',
    'cache_neg_hits': 'ptrtag_cache_negative_hits_total',
    'cache_evictions': 'ptrtag_cache_evictions_total',
    'cache_entries': 'ptrtag_cache_entries',
    'queries': 'ptrtag_dns_queries_total',
    'query_timeouts': 'ptrtag_dns_query_timeouts_total',
    'inflight': 'ptrtag_dns_queries_inflight',
    'lookups_shed': 'ptrtag_lookups_shed_total',
    'backoffs': 'ptrtag_dns_backoffs_total',
    'probes': 'ptrtag_dns_probes_total',
    'answers_dropped': 'ptrtag_dns_answers_dropped_total',
    'tcp_retries': 'ptrtag_dns_tcp_retries_total',
    'sockbuf_capped': 'ptrtag_dns_sockbuf_capped_total',
    'lines_late': 'ptrtag_lines_late_total',
    'lines_overdue': 'ptrtag_lines_overdue_total',
    'wait_ms': 'ptrtag_dns_wait_seconds',
    'srtt_ms': 'ptrtag_dns_srtt_seconds',
    'rttvar_ms': 'ptrtag_dns_rttvar_seconds',
    'rtt_max_ms': 'ptrtag_dns_rtt_max_seconds',
    'rtt_retried': 'ptrtag_dns_retried_answers_total',
    'tail_probes': 'ptrtag_dns_tail_probes_total',
    'zones_lame': 'ptrtag_dns_zones_lame_total',
    'zone_skipped': 'ptrtag_dns_zone_skipped_total',
    'zone_probes': 'ptrtag_dns_zone_probes_total',
    'pattern_limit': 'ptrtag_pattern_limit_lines_total',
    'json_passed_through': 'ptrtag_json_passed_through_lines_total',
    'lines_scanned_ahead': 'ptrtag_lines_scanned_ahead_total',
    'lookups': HIST + '_count',
}
for _rc in ('noerror', 'formerr', 'servfail', 'nxdomain', 'notimp',
            'refused', 'other'):
    KEY_SERIES['rcode_' + _rc] = 'ptrtag_dns_responses_total{rcode="%s"}' % _rc
for _v in ('pass', 'fail', 'none', 'temperror', 'permerror', 'timeout',
           'skipped'):
    KEY_SERIES['verdict_' + _v] = 'ptrtag_verdicts_total{verdict="%s"}' % _v
# --stats keys with no series of their own: Prometheus computes quantiles
# from the buckets, and the sum is in seconds.
NOT_SERIES = {'lookup_time_us', 'latency_p50_ms_le', 'latency_p99_ms_le'}

# One line per address of daemons.VERDICTS, some twice (cache hits).
IPS = ['203.0.113.45', '198.51.100.7', '198.51.100.23', '192.0.2.66',
       '2001:db8::25', '203.0.113.46', '10.0.0.5', '203.0.113.45',
       '198.51.100.7']


# inotify(7) events: a file created or renamed into the watched directory.
IN_CREATE = 0x100
IN_MOVED_TO = 0x80


def input_lines(tag='m'):
    lines = [b'%s %d sshd[1]: Failed password from %s port 22\n' % (
        tag.encode(), i, ip.encode()) for i, ip in enumerate(IPS)]
    return lines + [b'%s plain line without an address\n' % tag.encode()]


def want_verdicts():
    """verdict_WORD -> count for the lines of input_lines()."""
    out = {}
    for ip in IPS:
        key = 'verdict_' + daemons.VERDICTS[ip][0]
        out[key] = out.get(key, 0) + 1
    return out


def parse_stats(err):
    """The last --stats line of stderr (bytes) as {key: int}."""
    lines = [ln for ln in err.decode(errors='replace').splitlines()
             if ln.startswith('lines_in=')]
    if not lines:
        return {}
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', lines[-1])}


def parse_exposition(text):
    """{series with labels as written: value string} of the samples."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        name, _, value = line.rpartition(' ')
        out[name] = value
    return out


def read_metrics(path):
    return parse_exposition(dnstest.read_bytes(path).decode(
        errors='replace'))


def proc_status(pid):
    out = {}
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                key, _, value = line.partition(':')
                out[key] = value.strip()
    except OSError:
        pass
    return out


class NodeExporter(daemons.Daemon):
    """prometheus-node-exporter with only its textfile collector, on
    127.0.0.1:PORT, reading the *.prom files of textfile_dir."""

    name = 'node_exporter'

    def __init__(self, directory, textfile_dir):
        super().__init__(directory, '')
        self.textfile_dir = textfile_dir
        self.port = dnstest.free_port()
        self.url = 'http://%s:%d/metrics' % (dnstest.LOOPBACK, self.port)

    def argv(self):
        return [NODE_EXPORTER,
                '--web.listen-address=%s:%d' % (dnstest.LOOPBACK,
                                                self.port),
                '--collector.disable-defaults', '--collector.textfile',
                '--collector.textfile.directory=' + self.textfile_dir]

    def ready(self):
        try:
            self.scrape()
            return True
        except OSError:
            return False

    def scrape(self):
        with urllib.request.urlopen(self.url, timeout=5) as r:
            return r.read().decode()


def version(argv):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return '?'
    m = re.search(r'version (\S+)', p.stdout.decode(errors='replace'))
    return m.group(1) if m else '?'


def run_with_file(ptrtag, nsd, directory, extra=()):
    """ptrtag over input_lines() with --stats and the metrics file:
    (rc, stdout, stderr, path)."""
    path = os.path.join(directory, 'ptrtag.prom')
    rc, out, err = dnstest.run(ptrtag, ['-s', nsd.server, '-t', '500',
                                        '--stats', '--metrics-file', path] +
                               list(extra), b''.join(input_lines()))
    return rc, out, err, path


def check_against_stats(tap, what, stats, series):
    """Every key of stats as its series (floats compared), and no key
    without one."""
    missing = sorted(set(stats) - set(KEY_SERIES) - NOT_SERIES)
    tap.ok(not missing, '%s: every --stats key has its series' % what,
           'keys with no series: %s' % missing)
    wrong = []
    for key, name in sorted(KEY_SERIES.items()):
        got = series.get(name)
        # milliseconds in --stats, seconds (the base unit) in the metric
        scale = 1000 if key.endswith('_ms') else 1
        if key not in stats or got is None or \
                round(float(got) * scale) != stats[key]:
            wrong.append('%s=%s but %s is %s' % (key, stats.get(key), name,
                                                 got))
    tap.ok(not wrong, '%s: every ptrtag_* series equals its --stats value '
           '(%d series)' % (what, len(KEY_SERIES)), '\n'.join(wrong))
    got_sum = float(series.get(HIST + '_sum', 'nan'))
    tap.ok(math.isclose(got_sum, stats.get('lookup_time_us', -1) / 1e6,
                        rel_tol=1e-9, abs_tol=1e-9),
           '%s: %s_sum is lookup_time_us in seconds' % (what, HIST),
           'sum %s, lookup_time_us %s' % (got_sum,
                                          stats.get('lookup_time_us')))


def buckets(series):
    """[(le, count)] of the histogram, by le."""
    out = []
    for name, value in series.items():
        m = re.fullmatch(re.escape(HIST) + r'_bucket\{le="([^"]+)"\}', name)
        if m:
            out.append((float(m.group(1)), float(value)))
    return sorted(out)


def case_node_exporter(tap, ptrtag, nsd):
    """node_exporter's textfile collector serves the file; every value
    is --stats'."""
    if not os.access(NODE_EXPORTER, os.X_OK):
        tap.ok(False, 'node_exporter: %s is installed (tests/deps)' %
               NODE_EXPORTER)
        return
    with daemons.TempDir('ptrtag-metrics-') as d:
        textdir = os.path.join(d, 'textfile')
        os.mkdir(textdir)
        rc, out, err, path = run_with_file(ptrtag, nsd, textdir)
        tap.equal(rc, 0, 'node_exporter: ptrtag exits 0', dnstest.short(err))
        stats = parse_stats(err)
        tap.ok(stats.get('lines_in') == len(input_lines()),
               'node_exporter: --stats counted every line',
               dnstest.short(err))
        verdicts = {k: v for k, v in stats.items()
                    if k.startswith('verdict_') and v}
        tap.equal(verdicts, want_verdicts(), 'node_exporter: the verdicts '
                  'of the zones (so the values compared are not zeros)')
        tap.ok(stats.get('lookups', 0) >= 7 and stats.get('cache_hits', 0)
               >= 2 and stats.get('rcode_nxdomain', 0) >= 1,
               'node_exporter: lookups, cache hits and NXDOMAIN counted',
               dnstest.short(err))
        with NodeExporter(d, textdir) as ne:
            text = ne.scrape()
        scraped = parse_exposition(text)
        tap.equal(scraped.get('node_textfile_scrape_error'), '0',
                  'node_exporter: the textfile collector parsed the file '
                  '(node_textfile_scrape_error 0)')
        tap.ok(any(k.startswith('node_textfile_mtime_seconds{') and
                   'ptrtag.prom' in k for k in scraped),
               'node_exporter: it read ptrtag.prom')
        ours = {k: v for k, v in scraped.items() if k.startswith('ptrtag_')}
        tap.diag('node_exporter: %d ptrtag_* series scraped over HTTP' %
                 len(ours))
        check_against_stats(tap, 'node_exporter', stats, ours)
        b = buckets(ours)
        counts = [c for _, c in b]
        tap.ok(len(b) == 20 and b[-1][0] == math.inf and
               counts == sorted(counts) and counts[-1] ==
               float(ours.get(HIST + '_count', -1)),
               'node_exporter: 20 cumulative buckets, +Inf = _count',
               repr(b))
        tap.ok(b and b[0] == (0.001, b[0][1]) and b[-2][0] == 262.144,
               'node_exporter: bounds 1 ms .. 262.144 s', repr(b))
        # The same numbers as the file ptrtag wrote, sample for sample.
        filed = read_metrics(path)
        tap.ok(set(filed) == set(ours) and all(
            float(filed[k]) == float(ours[k]) for k in filed),
            'node_exporter: serves the file\'s samples unchanged',
            lambda: repr(sorted(set(filed) ^ set(ours))))


def case_promtool(tap, ptrtag, nsd):
    """promtool check metrics has no complaint about the file."""
    if not os.access(PROMTOOL, os.X_OK):
        tap.ok(False, 'promtool: %s is installed (tests/deps)' % PROMTOOL)
        return
    with daemons.TempDir('ptrtag-metrics-') as d:
        rc, out, err, path = run_with_file(ptrtag, nsd, d)
        with open(path, 'rb') as f:
            p = subprocess.run([PROMTOOL, 'check', 'metrics'], stdin=f,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=30)
        tap.equal((p.returncode, p.stdout.decode(errors='replace')), (0, ''),
                  'promtool check metrics: exit 0, nothing said')
        # And a file promtool must fail, so its silence means something.
        bad = b'# TYPE ptrtag_x counter\nptrtag_x 1\n'
        q = subprocess.run([PROMTOOL, 'check', 'metrics'], input=bad,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=30)
        tap.ok(q.returncode != 0 and b'_total' in q.stdout,
               'promtool check metrics: complains about a counter without '
               '_total', dnstest.short(q.stdout))


# Lines of a whole file: HELP and TYPE of 34 families, 45 series, the
# histogram's 20 buckets, sum and count.
WHOLE_LINES = 34 * 2 + 45 + 20 + 2


class Reader(threading.Thread):
    """Opens and reads path in a loop until stopped; records each read
    that is not a whole file, and the different texts seen."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.reads = 0
        self.bad = []
        self.texts = set()

    def run(self):
        while not self.stop.is_set():
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                self.bad.append('missing')
                continue
            try:
                chunks = []
                while True:
                    data = os.read(fd, 65536)
                    if not data:
                        break
                    chunks.append(data)
            finally:
                os.close(fd)
            text = b''.join(chunks)
            self.reads += 1
            self.texts.add(text)
            lines = text.split(b'\n')
            if not (text.startswith(b'# HELP ptrtag_lines_in_total ') and
                    text.endswith(b'\n') and
                    lines[-2].startswith(HIST.encode() + b'_count ') and
                    len(lines) - 1 == WHOLE_LINES):
                self.bad.append(text[:80] + b'...' + text[-80:])


def case_atomic(tap, ptrtag, nsd):
    """Every read sees a whole file while ptrtag replaces it."""
    with daemons.TempDir('ptrtag-metrics-') as d:
        path = os.path.join(d, 'ptrtag.prom')
        argv = [ptrtag, '-s', nsd.server, '--stats', '--metrics-file', path,
                '--metrics-interval', '1']
        with dnstest.Stream(argv) as s:
            tap.ok(dnstest.wait_until(lambda: os.path.exists(path), 5),
                   'atomic: the file exists once ptrtag started')
            os.chmod(path, 0o640)
            reader = Reader(path)
            reader.start()
            sent = 0
            lines = input_lines('a')
            deadline = time.monotonic() + 60
            while sent < 400 and time.monotonic() < deadline:
                s.proc.send_signal(signal.SIGUSR1)
                sent += 1
                if sent % 20 == 0:
                    s.write(lines[(sent // 20) % len(lines)])
                s._pump(0.003)
                s.out = b''
            s.close_stdin()
            rc = s.wait(10)
            reader.stop.set()
            reader.join(10)
        writes = s.err.count(b'lines_in=')
        tap.diag('atomic: %d SIGUSR1 sent, %d handled (writes), %d reads, '
                 '%d different texts read' % (sent, writes, reader.reads,
                                              len(reader.texts)))
        tap.ok(reader.reads >= 100 and not reader.bad,
               'atomic: every read of the file was a whole file (%d reads)'
               % reader.reads, lambda: '%d bad, first %r' % (
                   len(reader.bad), reader.bad[:1]))
        tap.ok(writes >= 100, 'atomic: ptrtag replaced the file %d times'
               % writes)
        tap.ok(len(reader.texts) >= 10, 'atomic: the reader saw the file '
               'change (%d versions)' % len(reader.texts))
        tap.equal(rc, 0, 'atomic: exit 0', dnstest.short(s.err))
        mode = stat.S_IMODE(os.stat(path).st_mode)
        tap.equal(oct(mode), oct(0o640), 'atomic: the mode an administrator '
                  'set is kept by every replacement')
        tap.equal(sorted(os.listdir(d)), ['ptrtag.prom'],
                  'atomic: no temporary file left in the directory')


def case_exit(tap, ptrtag, nsd, sig):
    """Final counters written under a stop signal, equal to --stats."""
    name = signal.Signals(sig).name
    with daemons.TempDir('ptrtag-metrics-') as d:
        path = os.path.join(d, 'ptrtag.prom')
        os.chmod(d, 0o755)
        lines = input_lines('e')
        argv = [ptrtag, '-s', nsd.server, '--stats', '--metrics-file', path,
                '--metrics-interval', '3600']
        with dnstest.Stream(argv) as s:
            s.write(b''.join(lines))
            got = s.read_lines(len(lines), 15)
            at_start = read_metrics(path)
            st = proc_status(s.proc.pid)
            s.proc.send_signal(signal.SIGHUP)
            after_hup = dnstest.wait_until(
                lambda: read_metrics(path).get('ptrtag_lines_out_total') ==
                str(len(lines)), 10)
            s.proc.send_signal(sig)
            rc = s.wait(15)
        tap.equal(len(got), len(lines), '%s: every line written' % name)
        tap.equal(at_start.get('ptrtag_lines_in_total'), '0',
                  '%s: before the interval only the file of the start '
                  'exists (lines_in 0)' % name)
        tap.equal((st.get('NoNewPrivs'), st.get('Seccomp')), ('1', '2'),
                  '%s: ptrtag runs confined (NoNewPrivs 1, Seccomp 2)' %
                  name)
        tap.ok(after_hup, '%s: SIGHUP writes the file' % name)
        tap.equal(rc, 0, '%s: exit 0' % name, dnstest.short(s.err))
        stats = parse_stats(s.err)
        final = read_metrics(path)
        tap.equal(final.get('ptrtag_lines_in_total'), str(len(lines)),
                  '%s: the file written at exit counts every line' % name)
        check_against_stats(tap, name, stats, final)


def case_mmexternal(tap, ptrtag, nsd):
    """--mmexternal: the file is the stats channel; stderr stays empty."""
    with daemons.TempDir('ptrtag-metrics-') as d:
        path = os.path.join(d, 'ptrtag.prom')
        lines = input_lines('x')
        argv = [ptrtag, '-s', nsd.server, '--mmexternal', '--metrics-file',
                path, '--metrics-interval', '1']
        with dnstest.Stream(argv) as s:
            replies = []
            for line in lines:
                s.write(line)
                replies.append(s.read_line(10))
            running = dnstest.wait_until(
                lambda: read_metrics(path).get('ptrtag_lines_out_total') ==
                str(len(lines)), 10)
            alive = s.proc.poll() is None
            s.proc.send_signal(signal.SIGUSR1)
            s.close_stdin()
            rc = s.wait(15)
        tap.ok(all(r is not None and r.startswith(b'{') for r in replies),
               'mmexternal: one JSON reply per line',
               lambda: repr(replies[:3]))
        tap.ok(running and alive, 'mmexternal: the interval writes the '
               'file while ptrtag runs')
        tap.equal(rc, 0, 'mmexternal: exit 0')
        tap.equal(s.err, b'', 'mmexternal: nothing on stderr (rsyslog '
                  'reads it)')
        final = read_metrics(path)
        got = {k: int(final.get(KEY_SERIES[k], -1))
               for k in want_verdicts()}
        tap.equal(got, want_verdicts(), 'mmexternal: the verdicts in the '
                  'file')
        tap.equal(final.get('ptrtag_lines_in_total'), str(len(lines)),
                  'mmexternal: lines_in in the file at exit')
        for r in replies:
            if r is not None and r != b'{}\n':
                json.loads(r)


def case_directory_gone(tap, ptrtag, nsd):
    """A write that fails warns once and the lines go on."""
    with daemons.TempDir('ptrtag-metrics-') as d:
        sub = os.path.join(d, 'textfile')
        os.mkdir(sub)
        path = os.path.join(sub, 'ptrtag.prom')
        argv = [ptrtag, '-s', nsd.server, '--metrics-file', path,
                '--metrics-interval', '1']
        with dnstest.Stream(argv) as s:
            dnstest.wait_until(lambda: os.path.exists(path), 5)
            os.unlink(path)
            os.rmdir(sub)
            warned = dnstest.wait_until(
                lambda: s._pump(0.05) or b'metrics file' in s.err, 10)
            # Several more intervals: no second warning.
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                s._pump(0.1)
            line = input_lines('g')[0]
            s.write(line)
            out = s.read_line(10)
            s.close_stdin()
            rc = s.wait(10)
        warnings = [ln for ln in s.err.splitlines() if b'metrics file' in ln]
        tap.ok(warned and len(warnings) == 1 and path.encode() in
               warnings[0], 'gone: one warning naming the file',
               dnstest.short(s.err))
        tap.ok(out is not None and out.startswith(line.rstrip(b'\n')),
               'gone: lines are still annotated', repr(out))
        tap.equal(rc, 0, 'gone: exit 0')


def case_signal_on_first_file(tap, ptrtag, nsd):
    """A monitor that signals ptrtag as soon as the metrics file appears
    (SIGUSR1 or SIGHUP on seeing it) finds the handlers in place: signals
    are held from before the first write, never the default action, which
    ends the process. The file's arrival is watched with inotify so the
    signal follows it within microseconds; 50 tries of each signal."""
    libc = ctypes.CDLL(None, use_errno=True)
    died = {}
    for sig in (signal.SIGUSR1, signal.SIGHUP):
        died[sig.name] = 0
        for _ in range(50):
            with daemons.TempDir('ptrtag-metrics-') as d:
                ino = libc.inotify_init1(os.O_CLOEXEC)
                if ino < 0 or libc.inotify_add_watch(
                        ino, d.encode(), IN_MOVED_TO | IN_CREATE) < 0:
                    tap.ok(False, 'inotify: errno %d' % ctypes.get_errno())
                    return
                p = subprocess.Popen(
                    [ptrtag, '-s', nsd.server, '--metrics-file',
                     os.path.join(d, 'ptrtag.prom')],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
                os.read(ino, 4096)
                p.send_signal(sig)
                p.stdin.close()
                if p.wait(10) != 0:
                    died[sig.name] += 1
                os.close(ino)
    tap.equal(died, {'SIGUSR1': 0, 'SIGHUP': 0}, 'a signal sent the moment '
              'the metrics file first appears: ptrtag lives on, exit 0')


def slow_nxdomain(qname, qtype, msg):
    """Every query answered NXDOMAIN after 200 ms."""
    return ('delay', 0.2, dnstest.nxdomain(msg, 'in-addr.arpa'))


def case_latency_measured(tap, ptrtag, responder):
    """200 ms lookups: the histogram holds them above 128 ms, its mean is
    at least 200 ms, and latency_p50_ms_le is at least 200 but never
    the bucket's 256 presented for lookups that took less (issue 12)."""
    with daemons.TempDir('ptrtag-metrics-') as d:
        path = os.path.join(d, 'ptrtag.prom')
        ips = ['192.0.2.%d' % i for i in range(1, 9)]
        data = b''.join(b'slow %s\n' % ip.encode() for ip in ips)
        rc, out, err = dnstest.run(ptrtag, [
            '-s', responder.server, '-d', '5000', '--stats',
            '--metrics-file', path], data)
        stats = parse_stats(err)
        series = read_metrics(path)
    b = dict(buckets(series))
    n = stats.get('lookups', 0)
    mean_ms = stats.get('lookup_time_us', 0) / 1000 / max(n, 1)
    p50 = stats.get('latency_p50_ms_le', 0)
    tap.diag('slow: %d lookups, mean %.1f ms, latency_p50_ms_le %d, '
             'latency_p99_ms_le %d' % (n, mean_ms, p50,
                                       stats.get('latency_p99_ms_le', 0)))
    tap.ok(rc == 0 and n == len(ips) and stats.get('verdict_none') ==
           len(ips), 'slow: every address looked up once, none',
           dnstest.short(err))
    tap.ok(b.get(0.128) == 0 and b.get(math.inf) == n,
           'slow: no lookup in the buckets up to 128 ms', repr(b))
    tap.ok(mean_ms >= 200, 'slow: lookup_time_us / lookups >= 200 ms',
           '%.1f ms' % mean_ms)
    # Their longest lookup rounded up, when under the bucket's 256.
    longest_under = b.get(0.256) == n
    tap.ok(200 <= p50 and (p50 < 256 if longest_under else True),
           'slow: latency_p50_ms_le is a bound of what was measured, '
           'not the bucket end', 'p50 %d, buckets %r' % (p50, b))


USAGE_ERRORS = [
    (['--metrics-file', '/nonexistent-ptrtag-dir/m.prom'],
     '/nonexistent-ptrtag-dir/m.prom'),
    (['--metrics-file', '{dir}'], '{dir}'),
    (['--metrics-file', '{dir}/link.prom'], 'symbolic link'),
    (['--metrics-file', '{dir}/ro/m.prom'], '{dir}/ro/m.prom'),
    (['--metrics-interval', '0', '--metrics-file', 'm.prom'],
     '--metrics-interval 0'),
    (['--metrics-interval', '3601', '--metrics-file', 'm.prom'],
     '--metrics-interval 3601'),
    (['--metrics-interval', '15'], '--metrics-file'),
    (['--extract', '--metrics-file', '{dir}/m.prom'], '--metrics-file'),
]


def case_usage_errors(tap, ptrtag):
    with daemons.TempDir('ptrtag-metrics-') as d:
        os.symlink('elsewhere.prom', os.path.join(d, 'link.prom'))
        ro = os.path.join(d, 'ro')
        os.mkdir(ro)
        os.chmod(ro, 0o555)
        os.chmod(d, 0o755)
        for args, culprit in USAGE_ERRORS:
            args = [a.format(dir=d) for a in args]
            culprit = culprit.format(dir=d)
            cmd = ptrtag
            if '/ro/' in culprit and os.geteuid() == 0:
                # root writes anywhere: run it as nobody.
                cmd = 'setpriv'
                args = ['--reuid=nobody', '--regid=nogroup',
                        '--clear-groups', ptrtag] + args
            rc, out, err = dnstest.run(cmd, args)
            lines = err.decode(errors='replace').splitlines()
            tap.ok(rc == 2 and len(lines) == 1 and culprit in lines[0],
                   'usage: %s: exit 2, one line naming %s' % (
                       ' '.join(args), culprit),
                   'rc %s, stderr %r' % (rc, err))
        tap.equal(sorted(os.listdir(ro)), [], 'usage: nothing written in a '
                  'directory refused')


def case_manual(tap, ptrtag):
    """ptrtag.1, METRICS, names every series with its --stats key; a
    labelled family once, as FAMILY{LABEL="NAME"} with its key
    LABEL_NAME, and each label value."""
    path = os.path.join(daemons.SOURCE_ROOT, 'ptrtag.1')
    with open(path, errors='replace') as f:
        full = f.read().replace('\\&', '').replace('\\-', '-')
    man = full[full.index('.Sh METRICS'):full.index('.Sh SIGNALS')]
    words = set()
    for key, name in KEY_SERIES.items():
        m = re.fullmatch(r'(\w+)\{(\w+)="(\w+)"\}', name)
        if m and m.group(2) == 'verdict':
            # "each WORD of VERDICTS": the list of that section.
            words.add('%s{%s="' % m.group(1, 2))
            tap.ok('\n.It Cm %s\n' % m.group(3) in full, 'ptrtag.1, '
                   'VERDICTS, lists %s' % m.group(3))
        elif m:
            family, label, value = m.groups()
            words |= {'%s{%s="' % (family, label), value,
                      key[:len(label) + 1]}
        elif name.startswith(HIST):
            words |= {HIST, name[len(HIST):]}
        else:
            words |= {name, '(' + key + ')'}
    man = re.sub(r'\n\.(Pq|Cm|Li|It) ', ' ', man).replace('\n', ' ')
    man = re.sub(r'Pq Cm (\w+)', r'(\1)', man)
    missing = sorted(w for w in words if w not in man)
    tap.ok(not missing, 'ptrtag.1, METRICS, names every series, key and '
           'label value (%d words)' % len(words), 'missing: %s' % missing)


def main():
    daemons.cleanup_on_signals()
    dnstest.run_tests(
        (dnstest.NSD(daemons.zones()),
         [case_node_exporter, case_promtool, case_atomic,
          (case_exit, signal.SIGTERM), (case_exit, signal.SIGINT),
          case_mmexternal, case_directory_gone,
          case_signal_on_first_file]),
        (dnstest.Responder(slow_nxdomain), [case_latency_measured]),
        case_usage_errors, case_manual, absolute=True,
        diag=lambda: 'prometheus-node-exporter %s, promtool %s' % (
            version([NODE_EXPORTER, '--version']),
            version([PROMTOOL, '--version'])))


if __name__ == '__main__':
    main()
