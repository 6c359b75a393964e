#!/usr/bin/env python3
"""--follow and --state (ptrtag.1, FOLLOWING), against a private NSD on
127.0.0.1, with the sandbox on (the default).

- The acceptance test of issue 12, twice: a writer appends numbered lines
  to a log while it is rotated twice (once rename and create, once
  copytruncate) and ptrtag --follow --state S -o OUT is killed with
  SIGKILL and started again three times; first with the rotations while
  ptrtag runs, then while it is down. OUT must hold every line, in order,
  each exactly once (the guarantee of ptrtag.1 with -o FILE).
- SIGTERM with an unfinished last line: every whole line is written, the
  unfinished one is not; the next run writes it whole, once.
- SIGHUP: the -o file renamed and reopened; no line lost or doubled across
  the two files, also across a SIGKILL after it; the state file names the
  new output.
- A file that does not exist yet is waited for (one warning); two files
  followed at once each keep their order.
- A damaged or hostile state file, and each usage error of --follow and
  --state: exit 2, one line on stderr naming it, the output untouched.

Runs in about 30 s.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate                            # noqa: E402

HOSTS = 20
ARGS = ['-t', '500', '--tries', '2', '-d', '2000']
# Generous bounds for what must happen; never reached by a working ptrtag
# on a loaded machine.
SETTLE = 30.0
EXIT = 10.0


def zones():
    reverse = ['%d PTR h%d.example.com.' % (i, i) for i in range(1, HOSTS + 1)]
    forward = ['h%d A 192.0.2.%d' % (i, i) for i in range(1, HOSTS + 1)]
    return {'2.0.192.in-addr.arpa': dnstest.make_zone('2.0.192.in-addr.arpa',
                                                      reverse),
            'example.com': dnstest.make_zone('example.com', forward)}


def line(i, tag=b'from'):
    return b'%06d %s 192.0.2.%d port 22\n' % (i, tag, 1 + i % HOSTS)


def expected(i, tag=b'from'):
    host = 1 + i % HOSTS
    return annotate(line(i, tag), kv('192.0.2.%d' % host, 'pass',
                                     'h%d.example.com' % host))


def out_lines(path):
    try:
        return dnstest.split_lines(dnstest.read_bytes(path))
    except OSError:
        return []


class Follower:
    """ptrtag --follow started and stopped again on the same files; its
    standard error is collected into one file across runs."""

    def __init__(self, ptrtag, nsd, tmp, files, extra=(), state=None):
        self.argv = [ptrtag, '-s', nsd.server] + ARGS + list(extra) + \
            ['--follow'] + list(files)
        if state is not None:
            self.argv[1:1] = ['--state', state]
        self.state = state
        self.errpath = os.path.join(tmp, 'stderr')
        self.proc = None
        self.starts = 0

    def start(self):
        """Start it; with a state file, wait for its first save (it has
        then opened its files: ptrtag.1 allows one rotation between a save
        and the next start)."""
        before = self._state_inode()
        with open(self.errpath, 'ab') as err:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=err)
        self.starts += 1
        if self.state is not None:
            dnstest.wait_until(lambda: self._state_inode() != before or
                               self.proc.poll() is not None, EXIT)

    def _state_inode(self):
        if self.state is None:
            return None
        try:
            return os.stat(self.state).st_ino
        except OSError:
            return None

    def kill(self):
        self.proc.kill()
        self.proc.wait(EXIT)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        """SIGTERM; the exit status, or None when it did not exit."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(EXIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def err(self):
        try:
            return dnstest.read_bytes(self.errpath)
        except OSError:
            return b''

    def status(self):
        """NoNewPrivs and Seccomp of /proc/PID/status."""
        fields = {}
        with open('/proc/%d/status' % self.proc.pid) as f:
            for text in f:
                key, _, value = text.partition(':')
                fields[key] = value.strip()
        return fields.get('NoNewPrivs'), fields.get('Seccomp')


class Writer:
    """Appends numbered lines to a log the way a logger does (O_APPEND),
    and rotates it the two ways logrotate does."""

    def __init__(self, path, tag=b'from'):
        self.path = path
        self.tag = tag
        self.next = 0
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                          0o644)

    def write(self, count, chunk=20, pause=0.005):
        while count > 0:
            n = min(chunk, count)
            os.write(self.fd, b''.join(line(self.next + k, self.tag)
                                       for k in range(n)))
            self.next += n
            count -= n
            time.sleep(pause)

    def shift(self):
        """logrotate's numbering: FILE.1 becomes FILE.2."""
        if os.path.exists(self.path + '.1'):
            os.rename(self.path + '.1', self.path + '.2')

    def rename_create(self, late):
        """Rename FILE to FILE.1, write `late` more lines to it (the
        logger has not reopened yet), then create FILE and go on there."""
        self.shift()
        os.rename(self.path, self.path + '.1')
        self.write(late, chunk=late, pause=0)
        os.close(self.fd)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                          0o644)

    def copytruncate(self):
        """Copy FILE to FILE.1, then truncate FILE; the logger goes on
        writing to its descriptor (O_APPEND: from the new end)."""
        self.shift()
        shutil.copyfile(self.path, self.path + '.1')
        os.truncate(self.path, 0)

    def close(self):
        os.close(self.fd)


def follow_log(tmp, ptrtag, nsd):
    """A log with its writer, and a ptrtag following it with a state file
    and -o FILE: (log, out, state, writer, follower)."""
    log, out = os.path.join(tmp, 'app.log'), os.path.join(tmp, 'out')
    state = os.path.join(tmp, 'state')
    w = Writer(log)
    return log, out, state, w, Follower(ptrtag, nsd, tmp, [log], ['-o', out],
                                        state=state)


def wait_lines(path, count, timeout=SETTLE):
    dnstest.wait_until(lambda: len(out_lines(path)) >= count, timeout,
                       step=0.05)
    return out_lines(path)


def check_exact(tap, got, count, name, tag=b'from'):
    """got is lines 0..count-1, each once, in order; diagnostics name the
    first difference and count duplicates and missing lines."""
    want = [expected(i, tag) for i in range(count)]
    seen = {}
    for g in got:
        seen[g] = seen.get(g, 0) + 1
    dups = sum(n - 1 for n in seen.values() if n > 1)
    missing = sum(1 for w in want if w not in seen)
    tap.diag('%s: %d lines out of %d written, %d duplicated, %d missing' % (
        name, len(got), count, dups, missing))
    tap.ok(got == want, '%s: every line, in order, exactly once' % name,
           lambda: dnstest.first_difference(got, want))


# ----- the acceptance test of issue 12

def acceptance(tap, ptrtag, nsd, down):
    """Three SIGKILLs, a rename-and-create and a copytruncate rotation;
    down: the rotations happen while ptrtag is not running."""
    name = 'rotations while %s' % ('down' if down else 'running')
    with tempfile.TemporaryDirectory(prefix='ptrtag-follow-') as tmp:
        _, out, _, w, p = follow_log(tmp, ptrtag, nsd)
        p.start()
        w.write(400)
        time.sleep(0.3)
        tap.equal(p.status(), ('1', '2'), '%s: sandboxed while following '
                  '(NoNewPrivs 1, Seccomp 2)' % name)
        p.kill()                                        # 1
        if down:
            w.write(200)
            w.rename_create(20)
            w.write(200)
            p.start()
            w.write(400)
            time.sleep(0.3)
            p.kill()                                    # 2
            w.write(200)
            w.copytruncate()
            w.write(200)
            p.start()
            w.write(400)
            p.kill()                                    # 3, at once
            p.start()
            w.write(400)
        else:
            p.start()
            w.write(400)
            w.rename_create(20)
            w.write(380)
            time.sleep(0.15)
            p.kill()                                    # 2
            p.start()
            w.write(400)
            w.copytruncate()
            w.write(400)
            time.sleep(0.1)
            p.kill()                                    # 3
            p.start()
            w.write(400)
        w.close()
        got = wait_lines(out, w.next)
        rc = p.stop()
        got = out_lines(out)
        check_exact(tap, got, w.next, name)
        tap.equal(rc, 0, '%s: SIGTERM ends the last run with 0' % name,
                  dnstest.short(p.err()))
        left = [n for n in os.listdir(tmp) if '.tmp.' in n]
        tap.equal(left, [], '%s: no temporary state file left' % name)
        tap.diag('%s: %d runs; stderr: %s' % (name, p.starts,
                                              dnstest.short(p.err())))


def case_rotations_running(tap, ptrtag, nsd):
    acceptance(tap, ptrtag, nsd, down=False)


def case_rotations_down(tap, ptrtag, nsd):
    acceptance(tap, ptrtag, nsd, down=True)


# ----- signals

def case_term_unfinished_line(tap, ptrtag, nsd):
    """SIGTERM: every whole line written, the unfinished last one not; the
    next run writes it whole and once."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-follow-') as tmp:
        log, out = os.path.join(tmp, 'app.log'), os.path.join(tmp, 'out')
        state = os.path.join(tmp, 'state')
        with open(log, 'wb') as f:
            f.write(b''.join(line(i) for i in range(50)))
            f.write(line(50)[:10])
        p = Follower(ptrtag, nsd, tmp, [log], ['-o', out], state=state)
        p.start()
        wait_lines(out, 50)
        time.sleep(0.3)
        start = time.monotonic()
        rc = p.stop()
        took = time.monotonic() - start
        got = out_lines(out)
        tap.ok(rc == 0 and took < 2.0, 'SIGTERM while following: exit 0 '
               'at once', 'rc %s after %.2f s' % (rc, took))
        tap.ok(got == [expected(i) for i in range(50)], 'SIGTERM: the 50 '
               'whole lines, not the unfinished one',
               lambda: dnstest.first_difference(
                   got, [expected(i) for i in range(50)]))
        with open(log, 'ab') as f:
            f.write(line(50)[10:])
            f.write(b''.join(line(i) for i in range(51, 60)))
        p.start()
        got = wait_lines(out, 60)
        time.sleep(0.3)
        p.stop()
        check_exact(tap, out_lines(out), 60, 'SIGTERM, then a new run')


def state_output(state):
    """(dev, ino) of the output the state file records, or None."""
    text = dnstest.read_bytes(state).decode()
    m = re.search(r'^output (\d+) (\d+) \d+$', text, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


def case_hup_output(tap, ptrtag, nsd):
    """SIGHUP after the -o file is renamed: later lines in the new file,
    none lost or doubled across the two, nor across a SIGKILL after it."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-follow-') as tmp:
        _, out, state, w, p = follow_log(tmp, ptrtag, nsd)
        p.start()
        w.write(100)
        wait_lines(out, 100)
        os.rename(out, out + '.1')
        p.signal(signal.SIGHUP)
        w.write(100)
        dnstest.wait_until(lambda: len(out_lines(out)) >= 100, SETTLE)
        st = os.stat(out)
        saved = dnstest.wait_until(
            lambda: state_output(state) == (st.st_dev, st.st_ino), 5)
        tap.ok(saved, 'SIGHUP: the state file names the reopened -o file')
        p.kill()
        w.write(50)
        p.start()
        dnstest.wait_until(lambda: len(out_lines(out + '.1')) +
                           len(out_lines(out)) >= 250, SETTLE)
        p.stop()
        w.close()
        check_exact(tap, out_lines(out + '.1') + out_lines(out), 250,
                    'SIGHUP and a SIGKILL')


# ----- files that come later, several files

def case_missing_then_created(tap, ptrtag, nsd):
    with tempfile.TemporaryDirectory(prefix='ptrtag-follow-') as tmp:
        log, out = os.path.join(tmp, 'later.log'), os.path.join(tmp, 'out')
        p = Follower(ptrtag, nsd, tmp, [log], ['-o', out])
        p.start()
        time.sleep(0.5)
        w = Writer(log)
        w.write(30)
        w.close()
        got = wait_lines(out, 30)
        rc = p.stop()
        err = p.err()
        tap.ok(rc == 0 and err.count(b'\n') == 1 and b'later.log' in err,
               'a missing FILE: one warning naming it, then waited for',
               'rc %s, stderr %s' % (rc, dnstest.short(err)))
        check_exact(tap, got, 30, 'a FILE created after the start')


def case_two_files(tap, ptrtag, nsd):
    """Two files followed at once: both read, each in its own order."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-follow-') as tmp:
        a, b = os.path.join(tmp, 'a.log'), os.path.join(tmp, 'b.log')
        out = os.path.join(tmp, 'out')
        wa, wb = Writer(a), Writer(b, b'beta')
        p = Follower(ptrtag, nsd, tmp, [a, b], ['-o', out])
        p.start()
        for _ in range(10):
            wa.write(20, pause=0)
            wb.write(20, pause=0)
            time.sleep(0.05)
        wa.close()
        wb.close()
        wait_lines(out, 400)
        rc = p.stop()
        got = out_lines(out)
        check_exact(tap, [g for g in got if b' from ' in g], 200,
                    'two files, the first')
        check_exact(tap, [g for g in got if b' beta ' in g], 200,
                    'two files, the second', b'beta')
        tap.ok(rc == 0 and len(got) == 400, 'two files: 400 lines, exit 0',
               'rc %s, %d lines' % (rc, len(got)))


# ----- start-up errors

def run_start(ptrtag, nsd, args, timeout=EXIT):
    return dnstest.run(ptrtag, ['-s', nsd.server] + ARGS + args,
                       timeout=timeout)


def one_line(rc, err):
    return rc == 2 and err.endswith(b'\n') and err.count(b'\n') == 1


def case_hostile_state(tap, ptrtag, nsd):
    """A state file ptrtag did not write, or one another user could have
    written, or a symbolic link: exit 2 naming it; -o untouched."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-follow-') as tmp:
        log, out = os.path.join(tmp, 'app.log'), os.path.join(tmp, 'out')
        state = os.path.join(tmp, 'state')
        with open(log, 'wb') as f:
            f.write(line(0))
        with open(out, 'wb') as f:
            f.write(b'earlier output\n')
        bad = [
            ('damaged', b'ptrtag-state 1\nkey 00\noutput -\nend 0\n', 0o600),
            ('truncated', b'ptrtag-state 1\nkey ' + b'0' * 32 +
             b'\noutput 1 2 0\n', 0o600),
            ('an offset past 2^64', b'ptrtag-state 1\nkey ' + b'0' * 32 +
             b'\noutput -\ninput 1 2 99999999999999999999 0 0000000000000000'
             b' 0 0000000000000000 a\nend 1\n', 0o600),
            ('writable by others', b'ptrtag-state 1\nkey ' + b'0' * 32 +
             b'\noutput -\nend 0\n', 0o666),
        ]
        for what, text, mode in bad:
            with open(state, 'wb') as f:
                f.write(text)
            os.chmod(state, mode)
            rc, _, err = run_start(ptrtag, nsd, ['--follow', '--state', state,
                                                 '-o', out, log])
            tap.ok(one_line(rc, err) and state.encode() in err,
                   'state file %s: exit 2, one line naming it' % what,
                   'rc %s, stderr %s' % (rc, dnstest.short(err)))
        os.unlink(state)
        os.symlink(log, state)
        rc, _, err = run_start(ptrtag, nsd, ['--follow', '--state', state,
                                             '-o', out, log])
        tap.ok(one_line(rc, err) and b'symbolic link' in err,
               'state file a symbolic link: exit 2, not followed',
               'rc %s, stderr %s' % (rc, dnstest.short(err)))
        tap.equal(dnstest.read_bytes(out), b'earlier output\n',
                  'hostile state files: -o untouched')
        tap.equal(dnstest.read_bytes(log), line(0),
                  'hostile state files: the link target untouched')


def case_usage(tap, ptrtag, nsd):
    with tempfile.TemporaryDirectory(prefix='ptrtag-follow-') as tmp:
        log = os.path.join(tmp, 'app.log')
        with open(log, 'wb') as f:
            f.write(line(0))
        st = os.path.join(tmp, 'st')
        errors = [
            ('--follow without FILE', ['--follow']),
            ('--follow -', ['--follow', '-']),
            ('--follow a directory', ['--follow', tmp]),
            ('--state without --follow', ['--state', st, log]),
            ('--state with --unordered', ['--follow', '--state', st,
                                          '--unordered', log]),
            ('--follow --extract', ['--follow', '--extract', log]),
            ('--follow --mmexternal', ['--follow', '--mmexternal', log]),
            ('-o names the followed file', ['--follow', '-o', log, log]),
            ('--state is the -o file', ['--follow', '--state', log, '-o',
                                        log, log]),
        ]
        for what, args in errors:
            rc, out, err = run_start(ptrtag, nsd, args)
            tap.ok(one_line(rc, err) and out == b'',
                   'usage error, %s: exit 2, one stderr line' % what,
                   'rc %s, stderr %s' % (rc, dnstest.short(err)))
        tap.equal(dnstest.read_bytes(log), line(0),
                  'usage errors: the followed file untouched')


def main():
    dnstest.run_tests((dnstest.NSD(zones()), [
        case_rotations_running, case_rotations_down,
        case_term_unfinished_line, case_hup_output,
        case_missing_then_created, case_two_files,
        case_hostile_state, case_usage]))


if __name__ == '__main__':
    main()
