#!/usr/bin/python3
"""bench.py: the benchmark proper. bench/run starts it inside a private
network namespace (only its own loopback exists there); run it by hand
only in such a namespace, since it binds 127.0.0.1:53.

Servers, all on the namespace's loopback:
    NSD      127.0.0.1:5300   authoritative for the generated zones
    dnsdist  127.0.0.1:53     in front of NSD: +20 ms +- 5 ms per answer,
                              and in the "drop" variant no answer at all
                              for the reverse names in drop.names; in the
                              "tail" variant 10 % of answers 300-800 ms
                              late instead; in the "lame" variant no
                              answer for the reverse zones in lame.zones.
                              Its console (127.0.0.1:5199) counts the
                              queries each tool sends.
The peers find dnsdist through /etc/resolv.conf, which `ip netns exec`
has replaced by the namespace's own (nameserver 127.0.0.1).

Every child runs in its own session with a hard time cap; everything is
killed on the way out.
"""

import argparse
import ipaddress
import json
import math
import os
import platform
import re
import resource
import select
import shlex
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NSD_PORT = 5300
LOOP = '127.0.0.1'
DNSDIST = LOOP                    # port 53
CHILDREN = []                     # long-running servers to kill at exit
RSS_DIR = None                    # GNU time's reports (the work directory)
# Memory test: baseline cache size, and input pace (lines/s).
MEM_BASE = 2000
MEM_PACE = 15000

# --------------------------------------------------------------- helpers


def log(msg):
    sys.stderr.write('[%s] %s\n' % (time.strftime('%H:%M:%S'), msg))
    sys.stderr.flush()


def kill_tree(proc, sig=signal.SIGKILL):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_children():
    for p in CHILDREN:
        if p.poll() is None:
            kill_tree(p, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for p in CHILDREN:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            kill_tree(p)
            p.wait()
    CHILDREN.clear()


def encode_name(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def dns_query(name, qtype, port, host=LOOP, timeout=1.0):
    """One UDP query; returns (rcode, ancount) or None on timeout."""
    qid = os.getpid() & 0xffff ^ int(time.monotonic() * 1000) & 0xffff
    msg = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + \
        encode_name(name) + struct.pack('!HH', qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(msg, (host, port))
        while True:
            data = s.recv(4096)
            rid, flags, _, an = struct.unpack('!HHHH', data[:8])
            if rid == qid:
                return flags & 0xf, an
    except socket.timeout:
        return None
    finally:
        s.close()


def wait_dns(name, port, what, timeout=60.0, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError('%s exited (status %s)' % (what,
                                                          proc.returncode))
        r = dns_query(name, 6, port, timeout=0.5)
        if r is not None and r[0] == 0 and r[1] > 0:
            return
        time.sleep(0.2)
    raise RuntimeError('%s not answering on port %d' % (what, port))


def timed(argv):
    """argv under GNU time, which reports the peak RSS. (The ru_maxrss
    that os.wait4 gives for a child of this Python process starts at
    Python's own RSS: Linux carries the pre-exec high-water mark of the
    forked copy into the child. GNU time's floor is its own ~1 MB.)"""
    fd, path = tempfile.mkstemp(prefix='rss.', dir=RSS_DIR)
    os.close(fd)
    return ['/usr/bin/time', '-q', '-o', path, '-f', '%M'] + list(argv), path


def read_rss(path):
    try:
        with open(path) as f:
            lines = [l for l in f.read().split() if l.isdigit()]
        return int(lines[-1]) if lines else None
    except OSError:
        return None
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def pct(values, p):
    if not values:
        return float('nan')
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


# --------------------------------------------------------------- servers


def start_nsd(work):
    d = os.path.join(work, 'nsd')
    os.makedirs(d, exist_ok=True)
    zones = open(os.path.join(work, 'zones.list')).read().split()
    conf = ['server:',
            '    ip-address: %s@%d' % (LOOP, NSD_PORT),
            '    port: %d' % NSD_PORT,
            '    do-ip4: yes', '    do-ip6: no',
            '    username: ""', '    chroot: ""',
            '    server-count: 1', '    reuseport: no',
            '    round-robin: no', '    hide-version: yes',
            # bursts of 1000+ queries must not overflow the socket
            '    receive-buffer-size: 4194304',
            '    send-buffer-size: 4194304',
            '    verbosity: 1',
            '    database: ""',
            '    zonesdir: "%s"' % os.path.join(work, 'zones'),
            '    pidfile: "%s/nsd.pid"' % d,
            '    zonelistfile: "%s/zone.list"' % d,
            '    xfrdfile: "%s/xfrd.state"' % d,
            '    xfrdir: "%s"' % d,
            '    logfile: "%s/nsd.log"' % d,
            'remote-control:', '    control-enable: no']
    for z in zones:
        conf += ['zone:', '    name: "%s."' % z,
                 '    zonefile: "%s.zone"' % z]
    path = os.path.join(d, 'nsd.conf')
    with open(path, 'w') as f:
        f.write('\n'.join(conf) + '\n')
    t0 = time.monotonic()
    p = subprocess.Popen(['nsd', '-d', '-c', path], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(d, 'stderr'), 'wb'),
                         start_new_session=True)
    CHILDREN.append(p)
    for z in zones:
        wait_dns(z, NSD_PORT, 'nsd', timeout=120, proc=p)
    log('nsd ready in %.1f s (%d zones)' % (time.monotonic() - t0, len(zones)))
    return p


DNSDIST_CONSOLE = '127.0.0.1:5199'
DNSDIST_CONF = {}                 # the running dnsdist's configuration


def start_dnsdist(work, variant, seed):
    """variant: 'delay' (+20 +- 5 ms), 'drop' (the same, and silence for
    the names in drop.names), 'tail' (10 % of answers 300-800 ms late,
    the rest +20 +- 5 ms) or 'lame' (+20 +- 5 ms, and silence for the
    zones in lame.zones)."""
    d = os.path.join(work, 'dnsdist')
    os.makedirs(d, exist_ok=True)
    lines = [
        'setSecurityPollSuffix("")',
        'setLocal("%s:53")' % DNSDIST,
        'controlSocket("%s")' % DNSDIST_CONSOLE,
        'setKey("%s")' % __import__('base64').b64encode(
            os.urandom(32)).decode(),
        'setUDPSocketBufferSizes(4194304, 4194304)',
        # many sockets towards NSD: their receive buffers are the kernel's
        # default (208 KiB; setUDPSocketBufferSizes sizes only the front,
        # and net.core.rmem_default is not per namespace), about 200
        # answers each, and NSD answers a burst of -j 1024 at once: with 8
        # sockets that is 128 answers apiece, with 32 it is 32
        'newServer({address="%s:%d", name="nsd", sockets=32})' % (
            LOOP, NSD_PORT),
        'getServer(0):setUp()',
        'math.randomseed(%d)' % seed,
    ]
    if variant == 'drop':
        lines.append('local never = newDNSNameSet()')
        for name in open(os.path.join(work, 'drop.names')).read().split():
            lines.append('never:add(newDNSName("%s"))' % name)
        lines.append('addAction(QNameSetRule(never), DropAction())')
    if variant == 'lame':
        # one rule per family, named, so that showRules() counts the
        # queries each tool sends to the lame zones
        zones = open(os.path.join(work, 'lame.zones')).read().split()
        for fam, suffix in (('4', 'in-addr.arpa.'), ('6', 'ip6.arpa.')):
            lines.append('local lame%s = newSuffixMatchNode()' % fam)
            for z in zones:
                if z.endswith(suffix):
                    lines.append('lame%s:add(newDNSName("%s"))' % (fam, z))
            lines.append('addAction(SuffixMatchNodeRule(lame%s), DropAction(),'
                         ' {name="lame%s"})' % (fam, fam))
    if variant == 'tail':
        # a heavy tail, as cold recursive lookups have: 10 % of answers
        # 300-800 ms late, uniform, the others 20 ms +- 5 ms (one rule:
        # a later delay rule would override this one)
        lines.append('addAction(AllRule(), LuaAction(function(dq) '
                     'if math.random() < 0.1 then return DNSAction.Delay, '
                     'tostring(math.random(300, 800)) end return '
                     'DNSAction.Delay, tostring(math.random(15, 25)) end))')
    else:
        # every answer: 20 ms +- 5 ms, uniform, in whole milliseconds
        lines.append('addAction(AllRule(), LuaAction(function(dq) return '
                     'DNSAction.Delay, tostring(math.random(15, 25)) end))')
    path = os.path.join(d, 'dnsdist-%s.conf' % variant)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    p = subprocess.Popen(['dnsdist', '--supervised', '--disable-syslog',
                          '-C', path], stdin=subprocess.DEVNULL,
                         stdout=open(os.path.join(d, variant + '.log'), 'wb'),
                         stderr=subprocess.STDOUT, start_new_session=True)
    CHILDREN.append(p)
    wait_dns('corp.example', 53, 'dnsdist', timeout=30, proc=p)
    DNSDIST_CONF['path'] = path
    return p


def dnsdist_rule_matches():
    """Matches of each named dnsdist rule so far (showRules()): {name: n}."""
    out = {}
    try:
        r = subprocess.run(['dnsdist', '-C', DNSDIST_CONF['path'], '-c',
                            '-e', 'showRules()'],
                           capture_output=True, text=True, timeout=10)
        for line in r.stdout.splitlines()[1:]:
            f = line.split()
            if len(f) > 2 and f[0].isdigit() and f[2].isdigit():
                out[f[1]] = int(f[2])
    except (KeyError, OSError, subprocess.TimeoutExpired):
        pass
    return out


def dnsdist_queries():
    """Queries dnsdist has received so far (its console), or None."""
    try:
        r = subprocess.run(['dnsdist', '-C', DNSDIST_CONF['path'], '-c',
                            '-e', 'getStatisticsCounters()["queries"]'],
                           capture_output=True, text=True, timeout=10)
        return int(r.stdout.split()[-1])
    except (KeyError, OSError, ValueError, IndexError,
            subprocess.TimeoutExpired):
        return None


def stop(p):
    if p.poll() is None:
        kill_tree(p, signal.SIGTERM)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            kill_tree(p)
            p.wait()
    if p in CHILDREN:
        CHILDREN.remove(p)


def probe_rtt(truth, n):
    """n sequential PTR queries through dnsdist: the round trip a client
    sees (ms)."""
    addrs = sorted(truth)[:n]
    import ipaddress
    rtts = []
    for a in addrs:
        t0 = time.perf_counter()
        r = dns_query(ipaddress.ip_address(a).reverse_pointer, 12, 53,
                      timeout=1.0)
        if r is not None:
            rtts.append((time.perf_counter() - t0) * 1000)
    return {'n': len(rtts), 'mean': statistics.mean(rtts),
            'p50': pct(rtts, 50), 'p99': pct(rtts, 99), 'min': min(rtts),
            'max': max(rtts)}


# --------------------------------------------------------------- running


def run_batch(argv, infile, outfile, cap, env=None, errfile=None,
              pace=None):
    """Run to completion (or cap seconds): wall, CPU, peak RSS. stderr
    goes to errfile, else to outfile.stderr, else nowhere. With pace
    (lines per second), infile is fed through a pipe at that rate, in
    chunks every 10 ms, like a busy log stream."""
    fin = subprocess.DEVNULL
    if infile and not pace:
        fin = open(infile, 'rb')
    elif pace:
        fin = subprocess.PIPE
    fout = open(outfile, 'wb') if outfile else subprocess.DEVNULL
    if errfile is None and outfile:
        errfile = outfile + '.stderr'
    ferr = open(errfile, 'wb') if errfile else subprocess.DEVNULL
    argv, rssfile = timed(argv)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=fin, stdout=fout, stderr=ferr,
                         start_new_session=True, env=env)
    feeder = None
    if pace:
        def feed():
            per = max(1, int(pace / 100))
            try:
                with open(infile, 'rb') as f:
                    chunk = []
                    k = 0
                    for line in f:
                        chunk.append(line)
                        if len(chunk) == per:
                            k += 1
                            at = t0 + k * per / pace
                            now = time.perf_counter()
                            if at > now:
                                time.sleep(at - now)
                            p.stdin.write(b''.join(chunk))
                            chunk = []
                    if chunk:
                        p.stdin.write(b''.join(chunk))
                p.stdin.close()
            except (BrokenPipeError, ValueError, OSError):
                pass
        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
    finished = True
    deadline = t0 + cap
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            kill_tree(p)
            finished = False
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    kill_tree(p)              # stragglers of a shell pipeline
    if feeder:
        feeder.join(5)
    for f in (fin, fout, ferr):
        if hasattr(f, 'close'):
            f.close()
    rss = read_rss(rssfile)
    return {'wall': wall, 'user': ru.ru_utime, 'sys': ru.ru_stime,
            'cpu': ru.ru_utime + ru.ru_stime,
            'maxrss_kb': rss if rss is not None else float('nan'),
            'finished': finished, 'rc': p.returncode, 'cap': cap}


SEQ = re.compile(rb'\?seq=(\d+) ')


def run_trickle(argv, lines, rate, cap_extra, tail, errfile=None):
    """Feed lines at rate per second through a pipe; timestamp every
    output line as it arrives. A line's delay runs from the moment the
    log source produced it (its slot in the schedule) to the moment it
    came out, so a tool that stops reading its input is charged for the
    time the line waited in front of it. After the last line, the input
    stays open for tail seconds (like `tail -f` on a quiet log), then is
    closed; lines that only come out after that are counted."""
    argv, rssfile = timed(argv)
    ferr = open(errfile, 'wb') if errfile else subprocess.DEVNULL
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=ferr, start_new_session=True,
                         bufsize=0)
    n = len(lines)
    got = [None] * n
    chunks = []
    state = {'closed_at': None, 'written': 0}

    def reader():
        fd = p.stdout.fileno()
        buf = b''
        while True:
            data = os.read(fd, 65536)
            t = time.perf_counter()
            if not data:
                break
            chunks.append(len(data))
            buf += data
            *done, buf = buf.split(b'\n')
            for line in done:
                m = SEQ.search(line)
                if m:
                    i = int(m.group(1))
                    if 0 <= i < n and got[i] is None:
                        got[i] = (t, line)

    t0 = time.perf_counter() + 0.05

    def writer():
        fd = p.stdin.fileno()
        try:
            for i, line in enumerate(lines):
                at = t0 + i / rate
                now = time.perf_counter()
                if at > now:
                    time.sleep(at - now)
                os.write(fd, line)      # blocks while the tool is not reading
                state['written'] = i + 1
            time.sleep(tail)
        except OSError:
            pass
        state['closed_at'] = time.perf_counter()
        try:
            p.stdin.close()
        except OSError:
            pass

    rt = threading.Thread(target=reader, daemon=True)
    wt = threading.Thread(target=writer, daemon=True)
    rt.start()
    wt.start()
    deadline = t0 + n / rate + tail + cap_extra
    finished = True
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            kill_tree(p)
            finished = False
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.01)
    wt.join(5)
    rt.join(5)
    if errfile:
        ferr.close()
    closed_at = state['closed_at'] or float('inf')
    delays = []
    at_eof = 0
    missing = 0
    end = time.perf_counter()
    censored = []
    for i in range(n):
        if got[i] is None:
            # never came out: its delay is at least this long
            missing += 1
            censored.append(end - (t0 + i / rate))
            continue
        delays.append(got[i][0] - (t0 + i / rate))
        if got[i][0] >= closed_at:
            at_eof += 1
    outputs = [g[1] if g else None for g in got]
    every = delays + censored
    low = min(censored) if censored else float('inf')

    def stat(v):
        return {'ms': v * 1000, 'at_least': v >= low}
    return {'delays': delays, 'n': n, 'missing': missing,
            'censored': censored, 'p50x': stat(pct(every, 50)),
            'p99x': stat(pct(every, 99)),
            'maxx': stat(max(every) if every else float('nan')),
            'accepted': state['written'],
            'after_eof': at_eof, 'finished': finished,
            'p50': pct(delays, 50) * 1000, 'p99': pct(delays, 99) * 1000,
            'max': (max(delays) * 1000) if delays else float('nan'),
            'maxrss_kb': read_rss(rssfile), 'cpu': ru.ru_utime + ru.ru_stime,
            'writes': len(chunks)}, outputs


# --------------------------------------------------------------- checking

# One group of ptrtag's kv block (ptrtag.1, OUTPUT): host "-" for none.
KV = re.compile(rb' rdns_ip=(\S+) rdns_host=(\S+) rdns_fcrdns=(\w+)'
                rb' rdns_generic=(true|false)')


def check(kind, outfile_or_lines, inlines, truth, variant='delay'):
    """Compare each output line with the zone truth.

    ptrtag: its verdict, host and generic flag must be the zone's.
    peers (they replace the address by a name, or leave it): an address
    whose PTR confirms must show one of its confirming names; any other
    address must be left as it is."""
    if isinstance(outfile_or_lines, str):
        with open(outfile_or_lines, 'rb') as f:
            outlines = f.read().split(b'\n')
    else:
        outlines = [l for l in outfile_or_lines if l is not None]
    addr_of = []
    for line in inlines:
        addr_of.append(line.split(b' ', 1)[0].decode())
    # every address of the input counts, also when its lines never came out
    per_addr = {ip: [True, 0] for ip in addr_of}
    outputs_seen = set()
    lines_ok = 0
    lines_seen = 0
    verdicts = {}
    wrong_names = 0
    for line in outlines:
        m = SEQ.search(line)
        if not m:
            continue
        i = int(m.group(1))
        if i >= len(addr_of):
            continue
        lines_seen += 1
        ip = addr_of[i]
        t = truth[ip]
        dropped = (variant == 'drop' and t.get('dropped')) or \
            t.get('lame', False)
        if kind.startswith('ptrtag'):
            k = KV.search(line)
            if not k:
                ok = False
                verdict = 'missing'
            else:
                verdict = k.group(3).decode()
                host = k.group(2).decode() if k.group(2) != b'-' else None
                gen = k.group(4) == b'true'
                if dropped:
                    ok = verdict in ('timeout', 'temperror')
                elif t['verdict'] == 'none':
                    ok = verdict == 'none' and host is None
                else:
                    ok = (verdict == t['verdict'] and host in t['hosts']
                          and gen == t['generic'])
                if host and host not in t['hosts'] and \
                        host not in t.get('ptr', ()):
                    wrong_names += 1
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
        else:
            first = line.split(b' ', 1)[0].decode()
            if first == ip:
                shown = None
            else:
                shown = first.rstrip('.').lower()
            if dropped or t['verdict'] != 'pass':
                ok = shown is None
                if shown is not None:
                    wrong_names += 1
            else:
                ok = shown in t['hosts']
                if shown is not None and not ok:
                    wrong_names += 1
            verdicts['named' if shown else 'left'] = \
                verdicts.get('named' if shown else 'left', 0) + 1
        lines_ok += ok
        outputs_seen.add(i)
        a = per_addr[ip]
        a[0] = a[0] and ok
        a[1] += 1
    for i, ip in enumerate(addr_of):
        if i not in outputs_seen:
            per_addr[ip][0] = False
    # addresses whose every line was right
    def count(pred):
        keys = [ip for ip in per_addr if pred(truth[ip])]
        return sum(per_addr[ip][0] for ip in keys), len(keys)

    resolvable = lambda t: t['verdict'] == 'pass' and not (
        variant == 'drop' and t.get('dropped')) and not t.get('lame')
    r_ok, r_n = count(resolvable)
    v4_ok, v4_n = count(lambda t: resolvable(t) and t['v'] == 4)
    v6_ok, v6_n = count(lambda t: resolvable(t) and t['v'] == 6)
    a_ok, a_n = count(lambda t: True)
    return {'lines': lines_seen, 'lines_in': len(inlines),
            'lines_ok': lines_ok, 'addr_ok': a_ok, 'addr_n': a_n,
            'resolvable_ok': r_ok, 'resolvable_n': r_n,
            'v4_ok': v4_ok, 'v4_n': v4_n, 'v6_ok': v6_ok, 'v6_n': v6_n,
            'wrong_names': wrong_names, 'verdicts': verdicts}


# --------------------------------------------------------------- phases


def tool_argv(tool, ptrtag, extra=()):
    if tool == 'ptrtag':
        return [ptrtag, '-s', DNSDIST] + list(extra)
    if tool == 'ptrtag-unordered':
        return [ptrtag, '-s', DNSDIST, '--unordered'] + list(extra)
    if tool == 'ptrtag-fixed':
        # the fixed deadline: no learned wait shorter than -d
        return [ptrtag, '-s', DNSDIST, '-d', '2000', '--min-wait',
                '2000'] + list(extra)
    if tool == 'adnsresfilter':
        return ['adnsresfilter'] + list(extra)
    if tool == 'logresolve':
        return ['logresolve', '-c'] + list(extra)
    raise ValueError(tool)


def read_stats(path):
    """ptrtag --stats=json writes one JSON object to stderr."""
    try:
        text = open(path).read()
        i = text.rfind('{')
        while i >= 0:
            try:
                return json.loads(text[i:])
            except ValueError:
                i = text.rfind('{', 0, i)
    except OSError:
        pass
    return None


# ptrtag's UDP channels, each a socket of its own: min(-j, 256) (ptrtag(1),
# DNS TRANSPORT)
CHANNELS_MAX = 256


# The hot path's workloads: the benchmark's own Apache lines, and sshd's.
HOT_LOGS = (('hot', 'hot.log', 'hot.ndjson', 'Apache combined log lines'),
            ('auth', 'auth.log', None, 'sshd lines of auth.log'))
HOT_TARGET = 1.5                  # ptrtag's throughput over grep -oP's
GREP_RE = r'\b(?:\d{1,3}\.){3}\d{1,3}\b'


def hot_cmd(a, cf, kind, path):
    """The shell command of one hot-path run: input from path, output
    through a pipe into cat (never straight to /dev/null, where grep
    would stop at its first match)."""
    q = shlex.quote
    first = {
        'ptrtag': '%s -s %s:%d --cache-file %s --stats=json' % (
            q(a.ptrtag), LOOP, NSD_PORT, q(cf)),
        'extract': '%s --extract' % q(a.ptrtag),
        'single': '%s -s %s:%d --cache-file %s --no-scan-thread' % (
            q(a.ptrtag), LOOP, NSD_PORT, q(cf)),
        'grep': 'grep -oP %s' % q(GREP_RE),
        'jsonin': '%s -s %s:%d --cache-file %s --input json' % (
            q(a.ptrtag), LOOP, NSD_PORT, q(cf)),
        'cat': 'cat',
    }[kind]
    return ['sh', '-c', '%s < %s | cat > /dev/null' % (first, q(path))]


def phase_hot(a, work, res):
    log('hot path: warming a cache file on the pool (NSD direct)')
    cf = os.path.join(work, 'hot.cache')
    if os.path.exists(cf):
        os.unlink(cf)
    # paced, so that no address is shed as 'skipped' (and left uncached)
    warm = run_batch([a.ptrtag, '-s', '%s:%d' % (LOOP, NSD_PORT),
                      '--cache-file', cf, '--stats=json'],
                     os.path.join(work, 'pool.log'),
                     os.path.join(work, 'out-warm.log'), 120, pace=MEM_PACE)
    warm['stats'] = read_stats(os.path.join(work, 'out-warm.log.stderr'))
    env = dict(os.environ, LC_ALL='C')
    res['hot'] = {'reps': a.hot_reps, 'grep_regex': GREP_RE,
                  'target': HOT_TARGET, 'warm': warm,
                  'load_start': os.getloadavg(), 'logs': {}}
    for name, fname, jname, what in HOT_LOGS:
        path = os.path.join(work, fname)
        h = hot_workload(a, work, cf, env, path,
                         os.path.join(work, jname) if jname else None)
        h['what'] = what
        res['hot']['logs'][name] = h
        log('hot (%s): ptrtag %.3f s, grep %.3f s, --extract %.3f s, cat '
            '%.3f s: %.2f x grep, %.2f of cat' % (
                name, h['best']['ptrtag']['wall'], h['best']['grep']['wall'],
                h['best']['extract']['wall'], h['best']['cat']['wall'],
                h['ratio_wall'], h['of_cat']))
        if h['ratio_wall'] < HOT_TARGET or a.profile:
            h['profile'] = profile_hot(a, work, cf, path, name)
    res['hot']['load_end'] = os.getloadavg()


def hot_workload(a, work, cf, env, path, jpath=None):
    """Best of a.hot_reps runs of ptrtag, --extract, grep and cat on one
    file, in turn, so that a burst of load hits all of them alike; with
    jpath, ptrtag --input json on jpath too (the same lines as ECS
    objects)."""
    runs = {'ptrtag': [], 'single': [], 'extract': [], 'grep': [],
            'cat': [], 'catout': []}
    if jpath:
        runs['jsonin'] = []
    stats = None
    err = os.path.join(work, 'out-hot.stderr')
    # ptrtag's output once, kept: cat moving those bytes through the same
    # pipe is the floor of any tool that writes them ('catout')
    outp = os.path.join(work, 'out-hot-annotated.log')
    run_batch([a.ptrtag, '-s', '%s:%d' % (LOOP, NSD_PORT), '--cache-file',
               cf], path, outp, 300)
    src = {'jsonin': jpath, 'catout': outp}
    for r in range(a.hot_reps):
        for kind in runs:
            x = run_batch(hot_cmd(a, cf, 'cat' if kind == 'catout' else kind,
                                  src.get(kind, path)), None, None, 300,
                          env=env, errfile=err if kind == 'ptrtag' else None)
            if kind == 'ptrtag':
                stats = read_stats(err) or stats
            runs[kind].append(x)
    # count grep's matches once (and prove it really reads everything)
    cnt = subprocess.run(['sh', '-c', 'grep -oP %s < %s | wc -l' % (
        shlex.quote(GREP_RE), shlex.quote(path))], capture_output=True,
        env=env, timeout=300)
    if stats and stats.get('cache_misses'):
        log('hot: WARNING: %d cache misses in the hot run' %
            stats['cache_misses'])
    best = {k: min(v, key=lambda x: x['wall']) for k, v in runs.items()}
    return {
        'bytes': os.path.getsize(path),
        'lines': sum(1 for _ in open(path, 'rb')),
        'json_bytes': os.path.getsize(jpath) if jpath else None,
        'out_bytes': os.path.getsize(outp),
        'grep_matches': int(cnt.stdout.split()[0]), 'runs': runs,
        'best': best, 'ptrtag_stats': stats,
        'ratio_wall': best['grep']['wall'] / best['ptrtag']['wall'],
        'ratio_cpu': best['grep']['cpu'] / best['ptrtag']['cpu'],
        'extract_ratio': best['grep']['wall'] / best['extract']['wall'],
        'single_ratio': best['grep']['wall'] / best['single']['wall'],
        'of_cat': best['cat']['wall'] / best['ptrtag']['wall'],
        'of_catout': best['catout']['wall'] / best['ptrtag']['wall'],
        'floor_ratio': best['grep']['wall'] / best['catout']['wall'],
    }


def profile_hot(a, work, cf, hot, name):
    """Where the all-cached run spends its time: perf's flat profile
    (self time by symbol), saved to results/hot-profile[-NAME].txt."""
    perf = shutil.which('perf')
    if not perf:
        log('hot: perf not installed (apt-get install linux-perf); '
            'no profile')
        return None
    data = os.path.join(work, 'perf.data')
    if os.path.exists(data):      # sh reports cat's status, not perf's
        os.unlink(data)
    # output through a pipe, as in the timed runs: into a file, the page
    # cache's copy would dominate the profile
    q = shlex.quote
    rec = subprocess.run(['sh', '-c', '%s record -q -F 4999 -o %s -- %s -s '
                          '%s:%d --cache-file %s < %s | cat > /dev/null' % (
                              q(perf), q(data), q(a.ptrtag), LOOP, NSD_PORT,
                              q(cf), q(hot))],
                         stderr=subprocess.PIPE, timeout=300)
    if rec.returncode != 0 or not os.path.exists(data):
        log('hot: perf record failed: %s' % rec.stderr.decode()[-300:])
        return None
    flat = subprocess.run([perf, 'report', '-i', data, '--stdio',
                           '--no-children', '--sort', 'dso,symbol',
                           '-g', 'none'],
                          capture_output=True, text=True, timeout=300)
    dsos = subprocess.run([perf, 'report', '-i', data, '--stdio',
                           '--no-children', '--sort', 'dso', '-g', 'none'],
                          capture_output=True, text=True, timeout=300)
    # the main thread and the scan-ahead thread (ptrtag(1), THREADS)
    threads = subprocess.run([perf, 'report', '-i', data, '--stdio',
                              '--no-children', '--sort', 'pid', '-g',
                              'none'],
                             capture_output=True, text=True, timeout=300)
    # PCRE2's JIT code has no symbols: one line for all of it
    rows = {}
    pat = re.compile(r'^\s*([\d.]+)%\s+(\[JIT\] tid \d+|\S+)\s+\[.\]\s+(\S+)')
    for line in flat.stdout.splitlines():
        m = pat.match(line)
        if not m:
            continue
        dso, sym = m.group(2), m.group(3)
        if dso.startswith('[JIT]'):
            dso, sym = 'pcre2-jit', '(JIT-compiled pattern code)'
        rows[(dso, sym)] = rows.get((dso, sym), 0.0) + float(m.group(1))
    ranked = sorted(rows.items(), key=lambda kv: -kv[1])
    top = ['%5.1f %%  %-22s %s' % (v, k[0], k[1]) for k, v in ranked[:10]]
    text = ('# ptrtag all-cached hot path: perf record -F 4999, %s, '
            'output | cat >/dev/null\n'
            '# (release build, no frame pointers: self time only)\n\n'
            '# top symbols, JIT code summed\n%s\n\n# by thread (the '
            'first is the main one)\n%s\n# by object\n%s\n'
            '# by symbol\n%s' % (os.path.basename(hot),
                                 '\n'.join('%5.1f %%  %-22s %s' % (v, k[0],
                                                                   k[1])
                                           for k, v in ranked[:40]),
                                 threads.stdout, dsos.stdout, flat.stdout))
    path = os.path.join(a.results, 'hot-profile%s.txt' % (
        '' if name == 'hot' else '-' + name))
    with open(path, 'w') as f:
        f.write(text)
    log('hot: profile in %s; top: %s' % (path, '; '.join(
        ' '.join(l.split()) for l in top[:5])))
    return top


def phase_main(a, work, res, variant, tools, caps):
    log('batch (%s): %s' % (variant, ', '.join(tools)))
    src = os.path.join(work, 'main.log')
    inlines = open(src, 'rb').read().split(b'\n')[:-1]
    truth = res['_truth']
    out = {}
    for tool in tools:
        of = os.path.join(work, 'out-main-%s-%s.log' % (variant, tool))
        argv = tool_argv(tool, a.ptrtag, ['--stats=json']
                         if tool.startswith('ptrtag') else [])
        r = run_batch(argv, src, of, caps[tool])
        if tool.startswith('ptrtag'):
            r['stats'] = read_stats(of + '.stderr')
        r['lines_per_s'] = len(inlines) / r['wall']
        r['check'] = check(tool, of, inlines, truth, variant)
        out[tool] = r
        c = r['check']
        log('  %-13s %s %.1f s cpu %.1f s rss %.1f MB: lines %d/%d ok %d, '
            'resolvable %d/%d (v4 %d/%d v6 %d/%d), wrong names %d %s' % (
                tool, 'done' if r['finished'] else 'CAPPED', r['wall'],
                r['cpu'], r['maxrss_kb'] / 1024, c['lines'], c['lines_in'],
                c['lines_ok'], c['resolvable_ok'], c['resolvable_n'],
                c['v4_ok'], c['v4_n'], c['v6_ok'], c['v6_n'],
                c['wrong_names'], c['verdicts']))
    res['batch_' + variant] = out


def phase_trickle(a, work, res, variant, tools, src='trickle.log'):
    """Each tool on the live stream src; the queries it sends are counted
    at dnsdist, ptrtag's counters read from its --stats."""
    log('trickle (%s) at %d lines/s: %s' % (variant, a.rate, ', '.join(tools)))
    src = os.path.join(work, src)
    inlines = open(src, 'rb').read().split(b'\n')[:-1]
    lines = [l + b'\n' for l in inlines]
    truth = res['_truth']
    out = {}
    for tool in tools:
        ptr = tool.startswith('ptrtag')
        errfile = os.path.join(work, 'trickle-%s-%s.stderr' % (variant, tool))
        q0, m0 = dnsdist_queries(), dnsdist_rule_matches()
        r, outputs = run_trickle(tool_argv(tool, a.ptrtag, ['--stats=json']
                                           if ptr else []),
                                 lines, a.rate, a.trickle_cap, a.trickle_tail,
                                 errfile=errfile if ptr else None)
        q1, m1 = dnsdist_queries(), dnsdist_rule_matches()
        r['queries_sent'] = q1 - q0 if None not in (q0, q1) else None
        r['rule_matches'] = {k: m1[k] - m0.get(k, 0) for k in m1}
        if ptr:
            r['stats'] = read_stats(errfile)
        r['check'] = check(tool, outputs, inlines, truth, variant)
        out[tool] = r
        log('  %-16s p50 %.1f ms p99 %.1f ms max %.1f ms; %d lines only at '
            'EOF, %d never (%d of %d taken in); %d output writes; '
            'resolvable %d/%d; %s queries%s' % (
                tool, r['p50'], r['p99'], r['max'], r['after_eof'],
                r['missing'], r['accepted'], r['n'], r['writes'],
                r['check']['resolvable_ok'],
                r['check']['resolvable_n'], r['queries_sent'],
                '; ' + ' '.join('%s=%s' % (k, r['stats'].get(k)) for k in (
                    'wait_ms', 'srtt_ms', 'rtt_max_ms', 'lines_overdue',
                    'lines_late', 'tail_probes', 'zones_lame',
                    'zone_skipped')) if ptr and r.get('stats') else ''))
    res['trickle_' + variant] = out


def udp_counters():
    """The namespace's UDP drop counters: InErrors and RcvbufErrors of
    /proc/net/snmp, and the drops of the servers' own sockets (dnsdist's
    front on port 53, its sockets towards NSD, NSD's on 5300) from
    /proc/net/udp. What the namespace dropped beyond the servers' sockets
    was dropped at ptrtag's (which come and go)."""
    out = {'in_errors': 0, 'rcvbuf_errors': 0, 'dnsdist_front': 0,
           'dnsdist_back': 0, 'nsd': 0}
    try:
        rows = [l.split() for l in open('/proc/net/snmp')
                if l.startswith('Udp:')]
        snmp = dict(zip(rows[0][1:], (int(x) for x in rows[1][1:])))
        out['in_errors'] = snmp.get('InErrors', 0)
        out['rcvbuf_errors'] = snmp.get('RcvbufErrors', 0)
        for line in list(open('/proc/net/udp'))[1:]:
            f = line.split()
            lport = int(f[1].split(':')[1], 16)
            rport = int(f[2].split(':')[1], 16)
            drops = int(f[-1])
            if lport == 53:
                out['dnsdist_front'] += drops
            elif lport == NSD_PORT:
                out['nsd'] += drops
            elif rport == NSD_PORT:
                out['dnsdist_back'] += drops
    except (OSError, ValueError, IndexError):
        pass
    return out


def server_ticks():
    """CPU clock ticks (user + system) of every thread of the servers
    (dnsdist, nsd), keyed by (name, tid): what the servers spent while a
    run went, and whether one of their threads was the limit."""
    out = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            name = open('/proc/%s/comm' % pid).read().strip()
            if name not in ('dnsdist', 'nsd'):
                continue
            for tid in os.listdir('/proc/%s/task' % pid):
                f = open('/proc/%s/task/%s/stat' % (pid, tid)).read()
                f = f[f.rindex(')') + 2:].split()
                out[(name, tid)] = int(f[11]) + int(f[12])
        except (OSError, ValueError, IndexError):
            continue
    return out


def server_cpu(t0, t1, wall):
    """From two server_ticks(): per server, its CPU over the wall time
    (1.0 = one core) and its busiest thread's share of a core."""
    hz = os.sysconf('SC_CLK_TCK')
    out = {}
    for (name, tid), v in t1.items():
        d = (v - t0.get((name, tid), 0)) / hz / wall
        o = out.setdefault(name, {'cpu': 0.0, 'busiest_thread': 0.0})
        o['cpu'] += d
        o['busiest_thread'] = max(o['busiest_thread'], d)
    return out


def socket_buffers():
    """Receive buffers (bytes, as the kernel counts them) of the servers'
    sockets, from ss: dnsdist's front (port 53), its sockets towards NSD
    (the smallest), NSD's (5300)."""
    out = {}
    try:
        r = subprocess.run(['ss', '-uanm'], capture_output=True, text=True,
                           timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return out
    local = peer = None
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0] in ('UNCONN', 'ESTAB'):
            local, peer = f[3], f[4]
            continue
        m = re.search(r'rb(\d+)', line)
        if not m or local is None:
            continue
        rb = int(m.group(1))
        if local.endswith(':53'):
            out['dnsdist_front'] = rb
        elif local.endswith(':%d' % NSD_PORT):
            out['nsd'] = rb
        elif peer.endswith(':%d' % NSD_PORT):
            out['dnsdist_back'] = min(rb, out.get('dnsdist_back', rb))
    return out


def dnsperf_queries(outfile, qfile):
    """The queries ptrtag made in a cold run, from its output: per
    address its PTR, then the forward query for the name it found."""
    n = 0
    with open(qfile, 'w') as f:
        for line in open(outfile, 'rb'):
            k = KV.search(line)
            if not k or k.group(2) == b'-':
                continue
            ip = ipaddress.ip_address(k.group(1).decode())
            f.write('%s PTR\n%s %s\n' % (
                ip.reverse_pointer, k.group(2).decode(),
                'A' if ip.version == 4 else 'AAAA'))
            n += 1
    return n


def phase_dnsperf(j, qfile, naddr, rtt, port=53, clients=1):
    """The peer of the cold phase: dnsperf keeping j queries outstanding
    through the same dnsdist (or, with port NSD_PORT, straight to NSD),
    over the same queries. What it reaches is what this machine's servers
    give any client at that concurrency; an address costs it two queries,
    as it costs ptrtag. With clients > 1 it sends from that many sockets
    (source ports), as ptrtag does from one socket per channel."""
    c0 = server_ticks()
    p = subprocess.run(['dnsperf', '-s', DNSDIST, '-p', str(port), '-d',
                        qfile, '-q', str(j), '-c', str(clients), '-n', '1',
                        '-t', '5'],
                       capture_output=True, text=True, timeout=300)
    out = {'j': j, 'clients': clients}
    for key, pat in (('completed', r'Queries completed:\s+(\d+)'),
                     ('lost', r'Queries lost:\s+(\d+)'),
                     ('run_s', r'Run time \(s\):\s+([\d.]+)'),
                     ('qps', r'Queries per second:\s+([\d.]+)'),
                     ('latency_ms', r'Average Latency \(s\):\s+([\d.]+)')):
        m = re.search(pat, p.stdout)
        out[key] = float(m.group(1)) if m else None
    if out['latency_ms'] is not None:
        out['latency_ms'] *= 1000
    if out['qps'] and out['run_s']:
        out['servers_cpu'] = server_cpu(c0, server_ticks(), out['run_s'])
        out['addr_rate'] = out['qps'] / 2
        out['frac'] = out['addr_rate'] / (j / (2 * rtt))
    log('cold -j %d, dnsperf -q %d -c %d: %s queries in %s s = %s/s (%s '
        'addresses/s, %.0f %% of -j/(2×RTT)), mean latency %s ms, %s lost' % (
            j, j, clients, out['completed'], out['run_s'], out['qps'],
            out.get('addr_rate'), 100 * out.get('frac', 0),
            out['latency_ms'], out['lost']))
    return out


def cold_direct(a, work, src, n, j, rtt):
    """The machine's own ceiling at -j: ptrtag and dnsperf straight to
    NSD, with no delay added, on the same addresses. Whatever a client
    reaches here bounds what it can reach through any delay on these
    cores; below 90 % of -j/(2×RTT) here, that target cannot be met on
    this machine at this -j, whatever the proxy in front."""
    of = os.path.join(work, 'out-cold-direct-%d.log' % j)
    r = run_batch([a.ptrtag, '-s', '%s:%d' % (LOOP, NSD_PORT), '-j', str(j),
                   '--stats=json'], src, of, 300)
    st = read_stats(of + '.stderr') or {}
    done = 0
    for line in open(of, 'rb'):
        k = KV.search(line)
        done += bool(k) and k.group(3) != b'skipped'
    bound = j / (2 * rtt)
    out = {'wall': r['wall'], 'cpu': r['cpu'], 'looked_up': done,
           'rate': done / r['wall'], 'frac': done / r['wall'] / bound,
           'srtt': st.get('srtt_ms'), 'addresses': n}
    qf = os.path.join(work, 'cold-direct-%d.queries' % j)
    if shutil.which('dnsperf') and dnsperf_queries(of, qf) > 0:
        out['dnsperf'] = phase_dnsperf(j, qf, n, rtt, port=NSD_PORT)
    log('cold -j %d straight to NSD (no delay): %d looked up in %.2f s = '
        '%.0f/s, %.0f %% of -j/(2×RTT); CPU %.2f s; SRTT %s ms' % (
            j, done, r['wall'], out['rate'], 100 * out['frac'], r['cpu'],
            out['srtt']))
    return out


def phase_cold(a, work, res):
    """New addresses only, one per line, all confirming: how fast does
    cold work go through the in-flight slots? The bound is
    -j / (2 x RTT): every address needs a PTR and then an A round trip.
    Rate = addresses actually looked up (not shed as 'skipped') / wall.
    Beside it: the round trip ptrtag itself saw (its SRTT), the bound that
    gives, and where datagrams were dropped, if anywhere."""
    src = os.path.join(work, 'cold.log')
    n = sum(1 for _ in open(src, 'rb'))
    rtt = res['rtt']['mean'] / 1000.0
    out = []
    try:
        rmem_max = int(open('/proc/sys/net/core/rmem_max').read())
    except (OSError, ValueError):
        rmem_max = None
    for j in a.cold_j:
        of = os.path.join(work, 'out-cold-%d.log' % j)
        u0, c0 = udp_counters(), server_ticks()
        r = run_batch([a.ptrtag, '-s', DNSDIST, '-j', str(j),
                       '--stats=json'], src, of, 300)
        u1, c1 = udp_counters(), server_ticks()
        r['servers_cpu'] = server_cpu(c0, c1, r['wall'])
        drops = {k: u1[k] - u0[k] for k in u0}
        drops['ptrtag'] = drops['rcvbuf_errors'] - drops['dnsdist_front'] - \
            drops['dnsdist_back'] - drops['nsd']
        r['udp_drops'] = drops
        r['rmem_max'] = rmem_max
        r['server_rcvbuf'] = socket_buffers()
        r['stats'] = read_stats(of + '.stderr')
        verd = {}
        for line in open(of, 'rb'):
            k = KV.search(line)
            v = k.group(3).decode() if k else 'missing'
            verd[v] = verd.get(v, 0) + 1
        done = n - verd.get('skipped', 0) - verd.get('missing', 0)
        bound = j / (2 * rtt)
        st = r['stats'] or {}
        srtt = st.get('srtt_ms')
        r.update(j=j, addresses=n, looked_up=done, rate=done / r['wall'],
                 bound=bound, frac=done / r['wall'] / bound, verdicts=verd,
                 cpu_util=r['cpu'] / r['wall'],
                 queries=st.get('queries'), timeouts=st.get('query_timeouts'),
                 retried=st.get('rtt_retried'), srtt=srtt,
                 sockbuf_capped=st.get('sockbuf_capped'),
                 bound_srtt=j / (2 * srtt / 1000.0) if srtt else None)
        if shutil.which('dnsperf'):
            qf = os.path.join(work, 'cold-%d.queries' % j)
            if dnsperf_queries(of, qf) > 0:
                r['dnsperf'] = phase_dnsperf(j, qf, n, rtt)
                # as many source ports as ptrtag's UDP channels
                r['dnsperf_ports'] = phase_dnsperf(
                    j, qf, n, rtt, clients=min(j, CHANNELS_MAX))
        if j == max(a.cold_j):
            r['direct'] = cold_direct(a, work, src, n, j, rtt)
        out.append(r)
        log('cold -j %d: %d addresses, %d looked up in %.2f s = %.0f/s, '
            'bound %.0f/s (%.0f %%) %s; SRTT %s ms, answers after a retry '
            '%s, UDP drops %s; CPU ptrtag %.0f %%, servers %s' % (
                j, n, done, r['wall'], r['rate'], bound, 100 * r['frac'],
                verd, srtt, r['retried'], drops, 100 * r['cpu_util'],
                ', '.join('%s %.0f %% (busiest thread %.0f %%)' % (
                    k, 100 * v['cpu'], 100 * v['busiest_thread'])
                    for k, v in sorted(r['servers_cpu'].items()))))
    res['cold'] = out


def phase_mem(a, work, res):
    """Peak RSS with -c 100000 over 1x, 2x, 4x 100,000 distinct addresses
    (NSD direct, all confirming), against a tiny cache on the same input.
    The input is paced (MEM_PACE lines/s): read from a file at full speed,
    ptrtag sheds new addresses as 'skipped' once 4 x --max-inflight are
    pending, and those would never reach the cache."""
    out = []
    for n in a.mem:
        src = os.path.join(work, 'mem-%d.log' % n)
        of = os.path.join(work, 'out-mem-%d.log' % n)
        r = run_batch([a.ptrtag, '-s', '%s:%d' % (LOOP, NSD_PORT),
                       '-c', '100000', '--stats=json'], src, of, 300,
                      pace=MEM_PACE)
        r['stats'] = read_stats(of + '.stderr')
        r['addresses'] = n
        out.append(r)
        st = r['stats'] or {}
        log('mem: -c 100000, %d addresses: peak RSS %.1f MB, %.1f s; '
            'entries %s, evictions %s, shed %s, timeouts %s' % (
                n, r['maxrss_kb'] / 1024, r['wall'], st.get('cache_entries'),
                st.get('cache_evictions'), st.get('lookups_shed'),
                st.get('query_timeouts')))
    # Baseline: the same cache size and input kind with only MEM_BASE
    # addresses. (A tiny -c on the full input would be the other way, but
    # ptrtag e5085b7 can stop reading for good with -c 2000 or less on
    # 100,000 new addresses.)
    src = os.path.join(work, 'mem-%d.log' % a.mem[0])
    base_src = os.path.join(work, 'mem-base.log')
    with open(src, 'rb') as f, open(base_src, 'wb') as g:
        for k, line in enumerate(f):
            if k == MEM_BASE:
                break
            g.write(line)
    of = os.path.join(work, 'out-mem-base.log')
    b = run_batch([a.ptrtag, '-s', '%s:%d' % (LOOP, NSD_PORT),
                   '-c', '100000', '--stats=json'], base_src, of, 60,
                  pace=MEM_PACE)
    b['stats'] = read_stats(of + '.stderr')
    first = out[0]
    entries = (first['stats'] or {}).get('cache_entries') or 100000
    base_entries = (b['stats'] or {}).get('cache_entries') or MEM_BASE
    per_entry = (first['maxrss_kb'] - b['maxrss_kb']) * 1024 / \
        max(1, entries - base_entries)
    res['mem'] = {'runs': out, 'baseline': b, 'per_entry': per_entry,
                  'entries': entries, 'base_entries': base_entries,
                  'pace': MEM_PACE}
    log('mem: baseline (%d addresses) %.1f MB; %.0f bytes per entry' % (
        MEM_BASE, b['maxrss_kb'] / 1024, per_entry))


# --------------------------------------------------------------- report


def machine():
    cpu = ''
    for line in open('/proc/cpuinfo'):
        if line.startswith('model name'):
            cpu = line.split(':', 1)[1].strip()
            break
    mem = 0
    for line in open('/proc/meminfo'):
        if line.startswith('MemTotal'):
            mem = int(line.split()[1]) // 1024
    osr = ''
    try:
        for line in open('/etc/os-release'):
            if line.startswith('PRETTY_NAME'):
                osr = line.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass

    def ver(pkg):
        try:
            return subprocess.run(['dpkg-query', '-W', '-f=${Version}', pkg],
                                  capture_output=True, text=True,
                                  timeout=10).stdout
        except Exception:
            return '?'
    return {'cpu': cpu, 'cores': os.cpu_count(), 'mem_mb': mem,
            'kernel': platform.release(), 'os': osr,
            'nsd': ver('nsd'), 'dnsdist': ver('dnsdist'),
            'adns': ver('adns-tools'), 'apache2_utils': ver('apache2-utils'),
            'grep': ver('grep')}


def fmt_s(x):
    return '%.2f' % x if x < 10 else '%.1f' % x


def fmt_mb(kb):
    if kb is None or kb != kb:
        return '–'
    return '%.1f' % (kb / 1024.0)


def fmt_ms(x):
    if x != x:
        return '–'
    return '%.0f' % x if x >= 100 else '%.1f' % x


def trickle_cell(tr):
    """p50 / p99 / max of one trickle run, with what never came out."""
    def f(st):
        return ('≥ ' if st['at_least'] else '') + fmt_ms(st['ms'])
    trs = '%s / %s / %s' % (f(tr['p50x']), f(tr['p99x']), f(tr['maxx']))
    if tr['missing']:
        trs += ' (%d lines never out)' % tr['missing']
    if tr['after_eof']:
        trs += ' (%d only at EOF)' % tr['after_eof']
    return trs


def stats_note(t, text, keys):
    """text filled with ptrtag's --stats values on a trickle, or none."""
    st = (t.get('ptrtag') or {}).get('stats')
    return [text % tuple(st.get(k) for k in keys)] if st else []


VARIANTS = (('delay', '+20 ms ± 5 ms'),
            ('drop', '+20 ms ± 5 ms, 5 % of reverse names never answered'),
            ('tail', 'heavy tail: 10 % of answers 300–800 ms late, the rest '
             '+20 ms ± 5 ms'))


def report_variant(a, res, variant, title, L):
    """One scenario's table: batch and trickle, per tool."""
    w = res['work']
    b = res.get('batch_' + variant) or {}
    t = res.get('trickle_' + variant) or {}
    if not b and not t:
        return
    L.append('### %s: %d lines, %d addresses (%d %% IPv6); trickle: %d '
             'lines at %d lines/s' % (title, w['main_lines'], w['pool'],
                                      round(100 * w['v6_share']),
                                      w['trickle_lines'], a.rate))
    L.append('')
    L.append('| tool | wall s | CPU s | peak RSS MB | lines/s | '
             'resolvable named (IPv4, IPv6) | lines right | '
             'wrong names | trickle p50 / p99 / max ms |')
    L.append('|---|---:|---:|---:|---:|---|---:|---:|---|')
    for tool, r in b.items():
        c = r['check']
        wall = fmt_s(r['wall'])
        if not r['finished']:
            wall = '> %d (capped; %d of %d lines out)' % (
                r['cap'], c['lines'], c['lines_in'])
        tr = t.get(tool)
        L.append('| %s | %s | %.2f | %s | %s | %d / %d (%d / %d, %d / '
                 '%d) | %.1f %% | %d | %s |' % (
                     tool, wall, r['cpu'], fmt_mb(r['maxrss_kb']),
                     '%.0f' % r['lines_per_s'] if r['finished'] else '–',
                     c['resolvable_ok'], c['resolvable_n'], c['v4_ok'],
                     c['v4_n'], c['v6_ok'], c['v6_n'],
                     100.0 * c['lines_ok'] / max(1, c['lines_in']),
                     c['wrong_names'], trickle_cell(tr) if tr else '–'))
    L.append('')
    for tool, tr in t.items():
        if tool in b:
            continue
        L.append('- %s (trickle only): p50 / p99 / max %s ms; resolvable '
                 'named %d / %d' % (tool, trickle_cell(tr),
                                    tr['check']['resolvable_ok'],
                                    tr['check']['resolvable_n']))
    L += stats_note(t, '- ptrtag on the trickle: learned wait %s ms (SRTT '
                    '%s, RTTVAR %s, recent maximum %s); %s lines written at '
                    'the learned wait, %s at -d; %s tail probes',
                    ('wait_ms', 'srtt_ms', 'rttvar_ms', 'rtt_max_ms',
                     'lines_overdue', 'lines_late', 'tail_probes'))
    for tool, r in b.items():
        v = r['check']['verdicts']
        L.append('- %s, lines by outcome: %s' % (tool, ', '.join(
            '%s %d' % kv for kv in sorted(v.items(), key=lambda kv:
                                          -kv[1])) or 'no line out'))
    L.append('')


def report_lame(a, res, L):
    t = res.get('trickle_lame')
    if not t:
        return
    L.append('### Lame zones: %d lines at %d lines/s, a fifth of them from '
             'four /24 and two /48 reverse zones that never answer '
             '(64 addresses each, recurring), the rest as the trickle' % (
                 res['work']['trickle_lines'], a.rate))
    L.append('')
    L.append('| tool | p50 / p99 / max ms | queries sent: all, to the lame '
             'IPv4 zones, to the lame IPv6 zones | resolvable named '
             '| lines right |')
    L.append('|---|---|---:|---|---:|')
    for tool, tr in t.items():
        c = tr['check']
        q = tr.get('queries_sent')
        m = tr.get('rule_matches') or {}
        L.append('| %s | %s | %s, %s, %s | %d / %d | %.1f %% |' % (
            tool, trickle_cell(tr), '–' if q is None else q,
            m.get('lame4', '–'), m.get('lame6', '–'),
            c['resolvable_ok'], c['resolvable_n'],
            100.0 * c['lines_ok'] / max(1, c['lines_in'])))
    L.append('')
    L.append('adnsresfilter looks up no IPv6 address at all, so it sends no '
             'query to the lame IPv6 zones, nor forward queries for them.')
    L.append('')
    L += stats_note(t, '- ptrtag: %s zones found lame, %s addresses '
                    'answered temperror from that memory without a query, '
                    '%s probes; learned wait %s ms\n',
                    ('zones_lame', 'zone_skipped', 'zone_probes', 'wait_ms'))


def report_cold(res, L):
    for c in res.get('cold', ()):
        d = c.get('udp_drops') or {}
        L.append('- cold lookups, -j %d: %d new addresses, %d looked up in '
                 '%.2f s = %.0f/s; bound -j/(2×RTT) = %.0f/s: %.0f %% of it; '
                 'verdicts %s; %s query timeouts; ptrtag CPU %.0f %%' % (
                     c['j'], c['addresses'], c['looked_up'], c['wall'],
                     c['rate'], c['bound'], 100 * c['frac'],
                     ' '.join('%s=%d' % kv for kv in
                              sorted(c['verdicts'].items())),
                     c['timeouts'], 100 * c['cpu_util']))
        if c.get('srtt'):
            L.append('  - round trip ptrtag saw (SRTT) %s ms: -j/(2×SRTT) = '
                     '%.0f/s, %.0f %% of it; %s answers only after a retry; '
                     'UDP datagrams dropped: %d at ptrtag, %d at dnsdist '
                     '(front), %d at dnsdist (towards NSD), %d at NSD; '
                     'ptrtag sockets held below their buffer size: %s '
                     '(net.core.rmem_max %s; receive buffers: dnsdist front '
                     '%s, towards NSD %s, NSD %s)' % (
                         c['srtt'], c['bound_srtt'],
                         100 * c['rate'] / c['bound_srtt'], c['retried'],
                         d.get('ptrtag', 0), d.get('dnsdist_front', 0),
                         d.get('dnsdist_back', 0), d.get('nsd', 0),
                         c['sockbuf_capped'], c['rmem_max'],
                         *(c.get('server_rcvbuf', {}).get(k, '?') for k in
                           ('dnsdist_front', 'dnsdist_back', 'nsd'))))
        sc = c.get('servers_cpu') or {}
        if sc:
            L.append('  - the servers meanwhile: %s (of 1 core each; '
                     'dnsdist\'s delay thread polls without sleeping while '
                     'answers wait)' % ', '.join(
                         '%s %.0f %% CPU, busiest thread %.0f %%' % (
                             k, 100 * v['cpu'], 100 * v['busiest_thread'])
                         for k, v in sorted(sc.items())))
        dr = c.get('direct')
        if dr:
            dd = dr.get('dnsperf') or {}
            L.append('  - this machine\'s ceiling at -j %d: straight to NSD, '
                     'no delay added: ptrtag %d looked up in %.2f s = %.0f/s '
                     '(%.0f %% of -j/(2×RTT) above), CPU %.2f s, SRTT %s ms; '
                     'dnsperf -q %d %s addresses/s (%s)' % (
                         c['j'], dr['looked_up'], dr['wall'], dr['rate'],
                         100 * dr['frac'], dr['cpu'], dr['srtt'], c['j'],
                         '%.0f' % dd['addr_rate'] if dd.get('addr_rate')
                         else '?', '%.0f %%' % (100 * dd['frac'])
                         if dd.get('frac') else '?'))
        dp = c.get('dnsperf')
        if dp and dp.get('frac'):
            L.append('  - peer, the same queries through the same dnsdist: '
                     'dnsperf -q %d (%d queries outstanding, no wait between '
                     'an address\'s two) %.0f queries/s = %.0f addresses/s, '
                     '%.0f %% of -j/(2×RTT), mean latency %.1f ms, %d lost; '
                     'ptrtag at %.0f %% of dnsperf' % (
                         dp['j'], dp['j'], dp['qps'], dp['addr_rate'],
                         100 * dp['frac'], dp['latency_ms'], dp['lost'],
                         100 * c['rate'] / dp['addr_rate']))
        dc = c.get('dnsperf_ports')
        if dc and dc.get('frac'):
            L.append('  - the same peer from as many sockets (source ports) '
                     'as ptrtag has channels: dnsperf -q %d -c %d %.0f '
                     'addresses/s, %.0f %% of -j/(2×RTT), mean latency %.1f '
                     'ms, %d lost; ptrtag at %.0f %% of it' % (
                         dc['j'], dc['clients'], dc['addr_rate'],
                         100 * dc['frac'], dc['latency_ms'], dc['lost'],
                         100 * c['rate'] / dc['addr_rate']))


def report_mem(res, L):
    mm = res.get('mem')
    if not mm:
        return
    L.append('- memory per cache entry at 100,000 entries: %.0f bytes '
             '((peak RSS %.1f MB with %d entries − %.1f MB with %d) / %d;'
             ' input paced at %d lines/s so that no address is shed)' % (
                 mm['per_entry'], mm['runs'][0]['maxrss_kb'] / 1024,
                 mm['entries'], mm['baseline']['maxrss_kb'] / 1024, MEM_BASE,
                 mm['entries'] - mm['base_entries'], mm['pace']))
    L.append('- peak RSS with -c 100000 as input grows: ' + ', '.join(
        '%d addresses %.1f MB' % (r['addresses'], r['maxrss_kb'] / 1024)
        for r in mm['runs']))


def report(a, res):
    m = res['machine']
    L = []
    L.append('Machine: %s, %d cores, %d GiB RAM, %s, kernel %s; load '
             'average %.2f at start, %.2f at end.' % (
                 m['cpu'], m['cores'], round(m['mem_mb'] / 1024), m['os'],
                 m['kernel'], res['load_start'][0], res['load_end'][0]))
    L.append('%s; NSD %s, dnsdist %s, adns-tools %s, apache2-utils '
             '%s, grep %s. %s run, %s.' % (
                 res['ptrtag_version'], m['nsd'], m['dnsdist'], m['adns'],
                 m['apache2_utils'], m['grep'],
                 'Quick' if a.quick else 'Full',
                 time.strftime('%Y-%m-%d', time.gmtime(res['started']))))
    L.append('')
    rtt = res['rtt']
    L.append('DNS round trip through dnsdist (+20 ms ± 5 ms): mean %.1f ms, '
             'p50 %.1f, p99 %.1f (%d probes).' % (rtt['mean'], rtt['p50'],
                                                  rtt['p99'], rtt['n']))
    L.append('')
    for variant, title in VARIANTS:
        report_variant(a, res, variant, title, L)
    report_lame(a, res, L)
    if res.get('hot'):
        L += report_hot(res['hot'])
    L.append('### Cold work and memory')
    L.append('')
    report_cold(res, L)
    report_mem(res, L)
    L.append('')
    L.append('### Targets')
    L.append('')
    L += target_lines(res['targets'])
    L.append('')
    return '\n'.join(L)


def targets_issue13(res):
    """Issue 13's targets 1 and 2, each beside the peer's figure from the
    same run: ptrtag against adnsresfilter on the live stream with dead
    names and on lame zones, and against its own fixed -d 2000 on the
    heavy tail."""
    out = []
    t = res.get('trickle_drop', {})
    if 'ptrtag' in t and 'adnsresfilter' in t:
        p, ad = t['ptrtag'], t['adnsresfilter']
        out.append(('live stream with dead names (issue 13, 1): p50 and p99 '
                    '≤ ½ of adnsresfilter\'s',
                    2 * p['p50x']['ms'] <= ad['p50x']['ms'] and
                    2 * p['p99x']['ms'] <= ad['p99x']['ms'],
                    'p50 %s ms vs adnsresfilter %s ms, p99 %s ms vs %s ms' % (
                        fmt_ms(p['p50x']['ms']), fmt_ms(ad['p50x']['ms']),
                        fmt_ms(p['p99x']['ms']), fmt_ms(ad['p99x']['ms']))))
    for kind, what in (('trickle_tail', 'live stream'),
                       ('batch_tail', 'batch')):
        t = res.get(kind, {})
        if 'ptrtag' in t and 'ptrtag-fixed' in t:
            p = t['ptrtag']['check']['resolvable_ok']
            f = t['ptrtag-fixed']['check']['resolvable_ok']
            out.append(('heavy tail, %s (issue 13, 1): names ≥ 99 %% of '
                        'what a fixed -d 2000 names' % what, p >= 0.99 * f,
                        'ptrtag %d vs fixed -d 2000 %d (%.1f %%) of %d '
                        'resolvable' % (p, f, 100.0 * p / max(1, f),
                                        t['ptrtag']['check']['resolvable_n'])))
    t = res.get('trickle_lame', {})
    if 'ptrtag' in t and 'adnsresfilter' in t:
        # queries to the lame IPv4 zones: adnsresfilter asks no IPv6
        p, ad = t['ptrtag'], t['adnsresfilter']
        pq = (p.get('rule_matches') or {}).get('lame4')
        aq = (ad.get('rule_matches') or {}).get('lame4')
        ok = p['p50x']['ms'] <= ad['p50x']['ms'] and \
            p['p99x']['ms'] <= ad['p99x']['ms'] and \
            pq is not None and aq is not None and pq <= aq
        out.append(('lame zones (issue 13, 2): p50, p99 and queries to the '
                    'lame IPv4 zones at most adnsresfilter\'s', ok,
                    'p50 %s vs %s ms, p99 %s vs %s ms, queries %s vs %s '
                    '(all queries %s vs %s)' % (
                        fmt_ms(p['p50x']['ms']), fmt_ms(ad['p50x']['ms']),
                        fmt_ms(p['p99x']['ms']), fmt_ms(ad['p99x']['ms']),
                        pq, aq, p.get('queries_sent'),
                        ad.get('queries_sent'))))
    return out


def report_hot(hh):
    """The hot path's section: each workload's table, ratios and, when
    taken, its profile."""
    L = ['### Hot path (all cached), best of %d; load average %.2f at '
         'start, %.2f at end' % (hh['reps'], hh['load_start'][0],
                                 hh['load_end'][0]), '']
    for name, h in hh['logs'].items():
        L.append('#### %s: %s, %.0f MB, %d lines' % (
            name, h['what'], h['bytes'] / 1e6, h['lines']))
        L.append('')
        L.append('| command (input from the file, output \\| cat '
                 '>/dev/null) | wall s | CPU s | MB/s | lines/s |')
        L.append('|---|---:|---:|---:|---:|')
        for k, label in (
                ('ptrtag', 'ptrtag --cache-file (every address cached)'),
                ('single', 'the same, --no-scan-thread (one thread)'),
                ('extract', 'ptrtag --extract (no DNS, no cache)'),
                ('grep', "LC_ALL=C grep -oP '%s'" %
                 hh['grep_regex'].replace('|', '\\|')),
                ('cat', 'cat (the ceiling)'),
                ('catout', "cat of ptrtag's output (%.0f MB: the floor of "
                 "writing it)" % (h['out_bytes'] / 1e6))):
            r = h['best'][k]
            L.append('| %s | %.3f | %.3f | %.0f | %.0f |' % (
                label, r['wall'], r['cpu'], h['bytes'] / 1e6 / r['wall'],
                h['lines'] / r['wall']))
        if 'jsonin' in h['best']:
            r = h['best']['jsonin']
            L.append('| ptrtag --input json, the same lines as ECS objects '
                     '(%.0f MB; every address cached) | %.3f | %.3f | %.0f '
                     '| %.0f |' % (h['json_bytes'] / 1e6, r['wall'], r['cpu'],
                                   h['json_bytes'] / 1e6 / r['wall'],
                                   h['lines'] / r['wall']))
        L.append('')
        L.append('Throughput ptrtag / grep -oP: %.2f (wall), %.2f (CPU, '
                 'with the cat behind each); with --no-scan-thread %.2f; '
                 '--extract / grep -oP %.2f; '
                 'ptrtag / cat %.2f; ptrtag / cat of its own output %.2f. '
                 'Only moving ptrtag\'s output through the pipe already '
                 'takes %.3f s: no tool that writes those bytes runs faster '
                 'than %.2f × grep here.' % (
                     h['ratio_wall'], h['ratio_cpu'], h['single_ratio'],
                     h['extract_ratio'],
                     h['of_cat'], h['of_catout'], h['best']['catout']['wall'],
                     h['floor_ratio']))
        L.append('')
        if h.get('profile'):
            L.append('Where the all-cached run spends its time (perf, self '
                     'time; full report in hot-profile%s.txt):' % (
                         '' if name == 'hot' else '-' + name))
            L.append('')
            L.append('```')
            L += [' '.join(l.split()) for l in h['profile']]
            L.append('```')
            L.append('')
    return L


def hot_targets(hh):
    """Target 3 of issue 13, once per workload, with the figures."""
    out = []
    for name, h in hh['logs'].items():
        bt = h['best']
        out.append(('hot path (%s) ≥ %.1f × grep -oP' % (name, hh['target']),
                    h['ratio_wall'] >= hh['target'],
                    '%.2f × (ptrtag %.3f s, grep %.3f s, --extract %.3f s, '
                    'cat %.3f s: ptrtag at %.2f of cat; cat of ptrtag\'s '
                    'output %.3f s, at most %.2f × grep; load %.2f)' % (
                        h['ratio_wall'], bt['ptrtag']['wall'],
                        bt['grep']['wall'], bt['extract']['wall'],
                        bt['cat']['wall'], h['of_cat'], bt['catout']['wall'],
                        h['floor_ratio'], hh['load_start'][0])))
    return out


def target_lines(targets):
    return ['- %s %s: %s' % ('**met**' if ok else '**missed**', name, detail)
            for name, ok, detail in targets]


def targets(a, res):
    out = []
    rtt = res['rtt']['mean']
    if res.get('hot'):
        out += hot_targets(res['hot'])
    b = res.get('batch_delay')
    if b:
        p, ad = b['ptrtag'], b['adnsresfilter']
        ad_wall = ad['wall']
        ok = p['wall'] * 5 <= ad_wall and \
            p['check']['resolvable_ok'] == p['check']['resolvable_n']
        out.append(('ptrtag wall ≤ 1/5 of adnsresfilter, every resolvable '
                    'address named', ok,
                    'ptrtag %.2f s vs adnsresfilter %s%.2f s (%.1f ×); named '
                    '%d / %d' % (p['wall'], '' if ad['finished'] else '> ',
                                 ad_wall, ad_wall / p['wall'],
                                 p['check']['resolvable_ok'],
                                 p['check']['resolvable_n'])))
    for c in res.get('cold', ()):
        dp = c.get('dnsperf') or {}
        out.append(('cold work ≥ 90 %% of -j/(2×RTT) at -j %d' % c['j'],
                    c['frac'] >= 0.9, '%.0f %%%s' % (
                        100 * c['frac'],
                        '; dnsperf -q %d through the same servers: %.0f %%'
                        ', ptrtag at %.0f %% of it' % (
                            c['j'], 100 * dp['frac'],
                            100 * c['rate'] / dp['addr_rate'])
                        if dp.get('frac') else '') + (
                        '; dnsperf -c %d (a socket per channel): %.0f %%' % (
                            c['dnsperf_ports']['clients'],
                            100 * c['dnsperf_ports']['frac'])
                        if (c.get('dnsperf_ports') or {}).get('frac')
                        else '') + (
                        '; straight to NSD with no delay: ptrtag %.0f %%'
                        % (100 * c['direct']['frac'])
                        if c.get('direct') else '')))
    if 'trickle_delay' in res:
        t = res['trickle_delay']['ptrtag']
        lim = 2 * rtt + 10
        out.append(('trickle p99 ≤ 2 RTT + 10 ms (%.1f ms)' % lim,
                    t['p99x']['ms'] <= lim, 'p99 %.1f ms' % t['p99x']['ms']))
    if 'trickle_drop' in res:
        t = res['trickle_drop']['ptrtag']
        out.append(('never-answered names: max delay ≤ --max-delay + 20 ms '
                    '(2020 ms)', t['maxx']['ms'] <= 2020,
                    'max %.0f ms' % t['maxx']['ms']))
    out += targets_issue13(res)
    mm = res.get('mem')
    if mm:
        out.append(('≤ 300 bytes per cache entry', mm['per_entry'] <= 300,
                    '%.0f bytes' % mm['per_entry']))
        rss = [r['maxrss_kb'] for r in mm['runs']]
        flat = max(rss) <= 1.1 * rss[0]
        out.append(('peak RSS flat as input grows (within 10 %)', flat,
                    ' → '.join('%.1f MB' % (x / 1024) for x in rss)))
    return out


def plot(res, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    variants = [v for v in ('delay', 'drop', 'tail', 'lame')
                if 'trickle_' + v in res]
    fig, axes = plt.subplots(1, len(variants), figsize=(6 * len(variants), 4.2),
                             squeeze=False)
    colors = {'ptrtag': 'tab:blue', 'adnsresfilter': 'tab:orange',
              'logresolve': 'tab:green', 'ptrtag-unordered': 'tab:cyan',
              'ptrtag-fixed': 'tab:purple'}
    for ax, v in zip(axes[0], variants):
        for tool, r in res['trickle_' + v].items():
            d = sorted(x * 1000 for x in r['delays'])
            n = r['n']
            if not d:
                ax.plot([], [], color=colors.get(tool),
                        label='%s: no line out (of %d)' % (tool, n))
                continue
            ys = [(i + 1) / n for i in range(len(d))]
            label = '%s (p99 %s%s ms)' % (
                tool, '≥ ' if r['p99x']['at_least'] else '',
                fmt_ms(r['p99x']['ms']))
            if r['missing']:
                label += ', %d of %d lines never out' % (r['missing'], n)
            ax.step(d, ys, where='post', label=label, color=colors.get(tool))
        ax.set_xscale('log')
        ax.set_xlabel('delay from line in to line out (ms, log scale)')
        ax.set_ylabel('fraction of lines')
        ax.set_ylim(0, 1.01)
        ax.grid(True, which='both', alpha=0.3)
        ax.set_title('50 lines/s, DNS +20 ms ± 5 ms' + {
            'drop': ', 5 % never answered',
            'tail': ', 10 % 300-800 ms late',
            'lame': ', lame zones'}.get(v, ''))
        ax.legend(loc='lower right', fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


# --------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ptrtag')
    ap.add_argument('--work')
    ap.add_argument('--results', required=True)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--version-string', default='')
    ap.add_argument('--skip', default='', help='comma list of phases: hot, '
                    'mem, main, cold, trickle, drop, tail, lame')
    ap.add_argument('--cold-j', dest='cold_j_arg', default='',
                    help='comma list of -j values for the cold phase')
    ap.add_argument('--profile', action='store_true',
                    help='profile the hot path even when it meets its target')
    ap.add_argument('--rerender', metavar='JSON',
                    help='only redo latest.md and trickle.png from a '
                    'latest.json')
    a = ap.parse_args()
    a.rate = 50
    if a.rerender:
        res = json.load(open(a.rerender))
        a.quick = res.get('quick')
        for k in [k for k in res if k.startswith('trickle_')]:
            for r in res[k].values():
                r['delays'] = [x / 1000.0 for x in r['delays_ms']]
        res['targets'] = targets(a, res)
        md = report(a, res)
        plot(res, os.path.join(a.results, 'trickle.png'))
        with open(os.path.join(a.results, 'latest.md'), 'w') as f:
            f.write(md + '\n')
        sys.stdout.write(md + '\n')
        return
    a.trickle_tail = 4.0
    if a.quick:
        sizes = dict(pool=500, main_lines=10000, trickle_lines=300,
                     hot_lines=200000, auth_lines=200000,
                     mem=[100000, 200000], cold=5000)
        a.hot_reps = 2
        caps = {'ptrtag': 60, 'adnsresfilter': 60, 'logresolve': 45,
                'ptrtag-fixed': 60}
        drop_caps = {'ptrtag': 60, 'adnsresfilter': 60, 'logresolve': 10}
        a.trickle_cap = 10
        a.cold_j = [256]
    else:
        sizes = dict(pool=5000, main_lines=100000, trickle_lines=1500,
                     hot_lines=1000000, auth_lines=1000000,
                     mem=[100000, 200000, 400000],
                     cold=20000)
        a.hot_reps = 3
        caps = {'ptrtag': 120, 'adnsresfilter': 300, 'logresolve': 300,
                'ptrtag-fixed': 120}
        drop_caps = {'ptrtag': 120, 'adnsresfilter': 300, 'logresolve': 30}
        a.trickle_cap = 30
        a.cold_j = [64, 256, 1024]
    if a.cold_j_arg:
        a.cold_j = [int(j) for j in a.cold_j_arg.split(',')]
    a.mem = sizes['mem']
    skip = set(a.skip.split(',')) - {''}
    res = {'started': time.time(), 'load_start': os.getloadavg(),
           'quick': a.quick, 'ptrtag_version': a.version_string,
           'machine': machine()}
    work = a.work
    global RSS_DIR
    RSS_DIR = work
    os.makedirs(a.results, exist_ok=True)
    log('generating workload and zones in %s' % work)
    t0 = time.monotonic()
    subprocess.run([sys.executable, os.path.join(HERE, 'gen.py'), work,
                    '--pool', str(sizes['pool']),
                    '--main-lines', str(sizes['main_lines']),
                    '--trickle-lines', str(sizes['trickle_lines']),
                    '--hot-lines', str(sizes['hot_lines']),
                    '--auth-lines', str(sizes['auth_lines']),
                    '--cold', str(sizes['cold']),
                    '--mem'] + [str(n) for n in sizes['mem']],
                   check=True, timeout=600)
    log('generated in %.1f s' % (time.monotonic() - t0))
    res['work'] = dict(sizes, v6_share=0.2)
    truth = json.load(open(os.path.join(work, 'truth.json')))
    res['_truth'] = truth
    try:
        start_nsd(work)
        if 'hot' not in skip:
            phase_hot(a, work, res)
        if 'mem' not in skip:
            phase_mem(a, work, res)
        dd = start_dnsdist(work, 'delay', 1)
        res['rtt'] = probe_rtt(truth, 200 if not a.quick else 50)
        log('RTT through dnsdist: mean %.1f ms p99 %.1f ms' % (
            res['rtt']['mean'], res['rtt']['p99']))
        tools = ['ptrtag', 'adnsresfilter', 'logresolve']
        if 'main' not in skip:
            phase_main(a, work, res, 'delay', tools, caps)
        if 'cold' not in skip:
            phase_cold(a, work, res)
        if 'trickle' not in skip:
            phase_trickle(a, work, res, 'delay', tools)
        stop(dd)
        if 'drop' not in skip:
            dd = start_dnsdist(work, 'drop', 2)
            phase_main(a, work, res, 'drop', tools, drop_caps)
            if 'trickle' not in skip:
                phase_trickle(a, work, res, 'drop',
                              tools + ['ptrtag-unordered'])
            stop(dd)
        # issue 13: a heavy tail (what a fixed -d 2000 names, ptrtag must
        # name too) and lame zones (delay and queries, against adns)
        fixed = ['ptrtag', 'ptrtag-fixed']
        if 'tail' not in skip:
            dd = start_dnsdist(work, 'tail', 3)
            if 'main' not in skip:
                phase_main(a, work, res, 'tail', fixed, caps)
            if 'trickle' not in skip:
                phase_trickle(a, work, res, 'tail', fixed)
            stop(dd)
        if 'lame' not in skip:
            dd = start_dnsdist(work, 'lame', 4)
            phase_trickle(a, work, res, 'lame', ['ptrtag', 'adnsresfilter',
                                                 'ptrtag-fixed'],
                          src='lame.log')
            stop(dd)
    finally:
        stop_children()
    res['load_end'] = os.getloadavg()
    res['finished'] = time.time()
    del res['_truth']
    try:
        res['targets'] = targets(a, res)
        md = report(a, res)
    except KeyError as e:
        md = 'incomplete run (skipped %s)\n' % e
        res['targets'] = []
        if 'hot' in res:
            # the hot path stands on its own (bench/run --skip ...)
            res['targets'] = hot_targets(res['hot'])
            md += '\n'.join([''] + report_hot(res['hot']) +
                             ['### Targets', ''] +
                             target_lines(res['targets'])) + '\n'
    try:
        plot(res, os.path.join(a.results, 'trickle.png'))
    except Exception as e:   # the numbers matter more than the picture
        log('plot failed: %s' % e)
    for k in [k for k in res if k.startswith('trickle_')]:
        for r in res[k].values():
            r['delays_ms'] = [round(x * 1000, 2) for x in r.pop('delays')]
            r['censored_ms'] = [round(x * 1000, 2)
                                for x in r.pop('censored')]
    with open(os.path.join(a.results, 'latest.json'), 'w') as f:
        json.dump(res, f, indent=1, default=str)
    with open(os.path.join(a.results, 'latest.md'), 'w') as f:
        f.write(md + '\n')
    sys.stdout.write(md + '\n')
    log('total %.0f s' % (res['finished'] - res['started']))


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    finally:
        stop_children()
