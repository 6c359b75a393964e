#!/usr/bin/env python3
"""Stopping (ptrtag(1), STOPPING): every byte ptrtag has read is written
exactly once after SIGTERM, and shared descriptors keep their flags.

Against a scripted Responder on 127.0.0.1 that never answers (or answers
at once). The bytes ptrtag consumed are counted by the kernel: the file
offset of a regular file given as stdin (the test holds the same open
file description), or, for a pipe, what the test put in minus what it
can still read back from its own copy of the read end.

1. Never-answering resolver, 5,000 distinct addresses, SIGTERM after 1 s,
   with -j 1 and the default -j, stdin a regular file and a pipe: the
   output is every consumed line, once, in order, each either marked
   timeout (its lookup was under way) or as read (taken after the
   signal, no lookup started); complete within 2 s of the signal.
2. Fast resolver, slow output reader: the same accounting; ptrtag keeps
   writing after the signal until all is written.
3. A pipe holding unread data at SIGTERM (ptrtag not reading it because
   of backpressure): all of it is in the output; the final unterminated
   line is written as read.
4. O_NONBLOCK: while ptrtag runs and after SIGKILL, and after a second
   SIGINT, the stdin and stdout pipe descriptions it shares with the
   test have no O_NONBLOCK; the same with /proc hidden (the fallback).

Run time: about 25 s.
"""

import fcntl
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate                            # noqa: E402
from test_resilience import Switch, host_for                # noqa: E402

COUNT = 5000
DONE_WITHIN = 2.0       # the one second, with margin
F_SETPIPE_SZ = 1031


def numbered_input(count=COUNT, tag=b'stop'):
    """count lines, each with a distinct address; returns (bytes, ips)."""
    lines, ips = [], []
    for i in range(count):
        ip = '10.%d.%d.%d' % (100 + i // 62500, (i // 250) % 250,
                              i % 250 + 1)
        lines.append(b'%s %05d sshd: from %s port 22\n' % (
            tag, i, ip.encode()))
        ips.append(ip)
    return lines, ips


def check_output(lines, ips, consumed, out, verdicts):
    """'' when out is the consumed prefix of lines, once, in order, each
    line as read or annotated with one of verdicts; else a description.
    Returns (problem, counts per verdict)."""
    want, size = [], 0
    for line in lines:
        if size + len(line) > consumed:
            break
        want.append(line)
        size += len(line)
    tail = b''
    if size < consumed:
        tail = lines[len(want)][:consumed - size]
    got = dnstest.split_lines(out)
    counts = {}
    if tail:
        if not got or got[-1] != tail:
            return 'the final partial line %s is not written as read ' \
                '(last output %s)' % (dnstest.short(tail), dnstest.short(
                    got[-1] if got else b'')), counts
        got = got[:-1]
    if len(got) != len(want):
        return 'consumed %d lines (+%d bytes), wrote %d lines' % (
            len(want), len(tail), len(got)), counts
    for i, (g, w) in enumerate(zip(got, want)):
        ip = ips[i]
        forms = {w: 'as read'}
        for v in verdicts:
            forms[annotate(w, kv(ip, v, host_for(ip) if v == 'pass'
                                 else None))] = v
        if g not in forms:
            return 'line %d: %s' % (i + 1, dnstest.short(g)), counts
        counts[forms[g]] = counts.get(forms[g], 0) + 1
    return '', counts


def lookups_first(out):
    """1 when every annotated line comes before every unannotated one."""
    seen_plain = False
    for line in dnstest.split_lines(out):
        if b'rdns_' in line:
            if seen_plain:
                return False
        else:
            seen_plain = True
    return True


class Reader(threading.Thread):
    """Reads fd to EOF, optionally slowly (chunk bytes every pause s)."""

    def __init__(self, fd, chunk=65536, pause=0.0):
        super().__init__(daemon=True)
        self.fd, self.chunk, self.pause = fd, chunk, pause
        self.data = bytearray()
        self.eof_at = None

    def run(self):
        while True:
            data = os.read(self.fd, self.chunk)
            if not data:
                self.eof_at = time.monotonic()
                return
            self.data += data
            if self.pause:
                time.sleep(self.pause)


def fdinfo_pos(pid, fd=0):
    try:
        with open('/proc/%d/fdinfo/%d' % (pid, fd)) as f:
            m = re.search(r'^pos:\s*(\d+)', f.read(), re.M)
        return int(m.group(1)) if m else None
    except OSError:
        return None


def run_stopped(ptrtag, argv, data, stdin_kind, wait=1.0, chunk=65536,
                pause=0.0):
    """Start ptrtag with data on stdin (a regular file or a pipe that
    holds all of it), SIGTERM after `wait` s; returns a dict with
    consumed, out, rc, took (signal to end of output), err."""
    res = {}
    with tempfile.TemporaryDirectory(prefix='ptrtag-stop-') as tmp:
        keep = None
        if stdin_kind == 'file':
            path = os.path.join(tmp, 'in')
            with open(path, 'wb') as f:
                f.write(data)
            stdin = os.open(path, os.O_RDONLY)
        else:
            stdin, w = os.pipe()
            fcntl.fcntl(w, F_SETPIPE_SZ, 1 << 20)
            os.write(w, data)
            os.close(w)     # ptrtag sees EOF after the data: no waiting
            keep = os.dup(stdin)
        out_r, out_w = os.pipe()
        proc = subprocess.Popen([ptrtag] + argv, stdin=stdin, stdout=out_w,
                                stderr=subprocess.PIPE)
        os.close(out_w)
        reader = Reader(out_r, chunk, pause)
        reader.start()
        time.sleep(wait)
        res['pos_running'] = fdinfo_pos(proc.pid)
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        reader.join(60)
        try:
            res['rc'] = proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            res['rc'] = proc.wait()
        res['took'] = (reader.eof_at or time.monotonic()) - start
        res['err'] = proc.stderr.read()
        proc.stderr.close()
        if stdin_kind == 'file':
            res['consumed'] = os.lseek(stdin, 0, os.SEEK_CUR)
        else:
            os.set_blocking(keep, False)
            left = b''
            try:
                while True:
                    piece = os.read(keep, 1 << 20)
                    if not piece:
                        break
                    left += piece
            except BlockingIOError:
                pass
            os.close(keep)
            res['consumed'] = len(data) - len(left)
        os.close(stdin)
        os.close(out_r)
        res['out'] = bytes(reader.data)
    return res


def case_never_answers(tap, ptrtag, r, jobs, stdin_kind):
    lines, ips = numbered_input()
    data = b''.join(lines)
    argv = ['-s', r.server, '-t', '5000', '--tries', '1', '-d', '30000']
    label = '-j %s' % jobs if jobs else 'default -j'
    if jobs:
        argv += ['-j', str(jobs)]
    res = run_stopped(ptrtag, argv, data, stdin_kind)
    name = 'never answered, %s, stdin a %s' % (label, stdin_kind)
    problem, counts = check_output(lines, ips, res['consumed'], res['out'],
                                   ['timeout'])
    tap.diag('%s: %d bytes in, %d consumed (fdinfo pos %s before the '
             'signal), %d lines written (%s), output done %.0f ms after '
             'SIGTERM, exit %s' % (
                 name, len(data), res['consumed'], res['pos_running'],
                 res['out'].count(b'\n'), counts, res['took'] * 1000,
                 res['rc']))
    tap.ok(res['consumed'] > 0 and not problem, '%s: every consumed byte '
           'written exactly once, in order, timeout or as read' % name,
           problem)
    if stdin_kind == 'pipe':
        tap.equal(res['consumed'], len(data), '%s: all that waited in the '
                  'pipe at SIGTERM was taken' % name)
    tap.ok(lookups_first(res['out']) and counts.get('timeout', 0) > 0,
           '%s: the lines whose lookups were under way come first, as '
           'timeout' % name, str(counts))
    tap.ok(res['rc'] == 0 and res['took'] <= DONE_WITHIN, '%s: output '
           'complete and exit 0 within %g s of SIGTERM' % (name, DONE_WITHIN),
           'rc %s after %.2f s, stderr %s' % (res['rc'], res['took'],
                                              dnstest.short(res['err'])))


def case_slow_reader(tap, ptrtag, r):
    """Fast resolver; the reader takes 8 KiB every 10 ms; 60,000 lines
    over 5,000 addresses, so ptrtag holds a full output buffer and input
    behind it at SIGTERM."""
    base, base_ips = numbered_input()
    lines, ips = [], []
    for i in range(60000):
        ip = base_ips[i % COUNT]
        lines.append(b'slow %05d sshd: from %s port 22\n' % (i, ip.encode()))
        ips.append(ip)
    data = b''.join(lines)
    argv = ['-s', r.server, '-t', '5000', '--tries', '1']
    res = run_stopped(ptrtag, argv, data, 'file', wait=1.0, chunk=8192,
                      pause=0.01)
    problem, counts = check_output(lines, ips, res['consumed'], res['out'],
                                   ['pass', 'timeout'])
    tap.diag('slow reader: %d bytes in, %d consumed, %d lines written (%s), '
             'output done %.0f ms after SIGTERM, exit %s' % (
                 len(data), res['consumed'], res['out'].count(b'\n'),
                 counts, res['took'] * 1000, res['rc']))
    tap.ok(res['consumed'] > 0 and not problem, 'slow reader: every '
           'consumed byte written exactly once, in order', problem)
    tap.equal(res['rc'], 0, 'slow reader: exit 0 once all is written',
              dnstest.short(res['err']))


def case_pipe_backlog(tap, ptrtag, r):
    """The pipe holds more than ptrtag's input buffer (it stopped reading:
    -j 1 against a resolver that never answers), the last line has no
    newline: after SIGTERM all of it is in the output."""
    lines, ips = numbered_input(20000, b'backlog')
    lines[-1] = lines[-1].rstrip(b'\n')
    data = b''.join(lines)
    argv = ['-s', r.server, '-t', '5000', '--tries', '1', '-j', '1']
    res = run_stopped(ptrtag, argv, data, 'pipe', wait=0.5)
    problem, counts = check_output(lines, ips, res['consumed'], res['out'],
                                   ['timeout'])
    tap.diag('pipe backlog: %d bytes in the pipe, %d taken, %d lines '
             'written (%s), done %.0f ms after SIGTERM' % (
                 len(data), res['consumed'], res['out'].count(b'\n'),
                 counts, res['took'] * 1000))
    tap.ok(res['consumed'] == len(data) and not problem, 'pipe backlog: '
           'everything waiting in the pipe is written once, in order, the '
           'unterminated last line as read', problem or 'consumed %d of %d'
           % (res['consumed'], len(data)))


# ----- O_NONBLOCK on shared descriptions

def nonblocking(fd):
    return bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK)


def shared_ptrtag(argv, prefix=()):
    """ptrtag with stdin and stdout pipes whose ptrtag-side descriptions
    the test also holds; returns (proc, in_w, in_r, out_r, out_w)."""
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    proc = subprocess.Popen(list(prefix) + argv, stdin=in_r, stdout=out_w,
                            stderr=subprocess.DEVNULL)
    return proc, in_w, in_r, out_r, out_w


def echo_through(in_w, out_r, count, tag):
    """Send count plain lines, read them back (10 s at most)."""
    lines = b''.join(b'%s %d no address\n' % (tag, i) for i in range(count))
    os.write(in_w, lines)
    got, deadline = b'', time.monotonic() + 10
    while len(got) < len(lines) and time.monotonic() < deadline:
        ready, _, _ = select.select([out_r], [], [], 0.2)
        if ready:
            got += os.read(out_r, 65536)
    return got == lines


def close_all(*fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def case_nonblock(tap, ptrtag, r, how, prefix=(), label=''):
    proc, in_w, in_r, out_r, out_w = shared_ptrtag(
        [ptrtag, '-s', r.server], prefix)
    name = '%s%s' % (how, label)
    flowed = echo_through(in_w, out_r, 2000, b'nb')
    running = (nonblocking(in_r), nonblocking(out_w))
    tap.ok(flowed, '%s: lines flow through the shared pipes' % name)
    tap.equal(running, (False, False), '%s: while ptrtag runs, the stdin and '
              'stdout descriptions it shares have no O_NONBLOCK' % name)
    if how == 'SIGKILL':
        proc.kill()
    else:
        # A reader that stopped reading: the first SIGINT cannot finish,
        # the second ends ptrtag at once.
        junk = b''.join(b'stall %06d\n' % i for i in range(20000))
        os.set_blocking(in_w, False)
        try:
            for _ in range(200):
                os.write(in_w, junk)
        except BlockingIOError:
            pass
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    after = (nonblocking(in_r), nonblocking(out_w))
    tap.equal(after, (False, False), '%s: after ptrtag is gone, the shared '
              'descriptions have no O_NONBLOCK (rc %s)' % (name, rc))
    close_all(in_w, in_r, out_r, out_w)


def proc_hidden_prefix():
    """A command prefix that runs ptrtag with an empty /proc (private
    mount namespace), or None where that cannot be done."""
    unshare = shutil.which('unshare')
    if not unshare or os.geteuid() != 0:
        return None
    prefix = [unshare, '-m', '--propagation', 'private', 'sh', '-c',
              'mount -t tmpfs none /proc && exec "$@"', 'sh']
    try:
        p = subprocess.run(prefix + ['test', '!', '-e', '/proc/self'],
                           timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if p.returncode == 0 else None


def all_cases(tap, ptrtag):
    with dnstest.Responder(Switch(alive=False)) as dead:
        for jobs in (1, None):
            for kind in ('file', 'pipe'):
                tap.guard(case_never_answers, tap, ptrtag, dead, jobs, kind)
        tap.guard(case_pipe_backlog, tap, ptrtag, dead)
    with dnstest.Responder(Switch(alive=True)) as live:
        tap.guard(case_slow_reader, tap, ptrtag, live)
        tap.guard(case_nonblock, tap, ptrtag, live, 'SIGKILL')
        tap.guard(case_nonblock, tap, ptrtag, live, 'second SIGINT')
        prefix = proc_hidden_prefix()
        if prefix is None:
            tap.skip('/proc hidden: the fallback',
                     'no private mount namespace here')
        else:
            tap.guard(case_nonblock, tap, ptrtag, live, 'SIGKILL', prefix,
                      ' (/proc hidden)')
        live.check_handler(tap)


def main():
    dnstest.run_tests(all_cases)


if __name__ == '__main__':
    main()
