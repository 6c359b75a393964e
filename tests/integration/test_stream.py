#!/usr/bin/env python3
"""ptrtag as a streaming filter (tail -F | ptrtag).

ptrtag.1, Guarantees: when input pauses, every line that is ready has
been written (nothing waits for a buffer to fill), and a final line
without a newline is written without one. These cases keep ptrtag's
stdin open and read its output with deadlines, so a program that buffers
its output until EOF or until a buffer fills fails them.

Also the file arguments of ptrtag.1 (FILEs read in order, '-' for stdin,
-o FILE appending), the output pipe's size, and the signals of ptrtag.1
(SIGTERM flushes the queue within a second; a closed output ends ptrtag
quietly).
"""

import fcntl
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate                            # noqa: E402

ARGS = ['-t', '500', '--tries', '2', '-d', '3000']

PASS_IP = '203.0.113.45'
PASS = kv(PASS_IP, 'pass', 'mail.example.com')
NONE_IP = '198.51.100.7'
NONE = kv(NONE_IP, 'none')


def make_handler():
    drop = {(dnstest.reverse_name('192.0.2.5'), 'PTR'): lambda msg: None}
    return dnstest.table_handler(ptr={PASS_IP: ['mail.example.com']},
                                 a={'mail.example.com': [PASS_IP]},
                                 special=drop)


def check_interactive(tap, ptrtag, r):
    """Line by line on an open pipe, then a partial line, then EOF."""
    argv = [ptrtag, '-s', r.server] + ARGS
    with dnstest.Stream(argv) as s:
        first = b'sshd[1]: Accepted publickey from 203.0.113.45 port 1\n'
        s.write(first)
        tap.equal(s.read_line(3), annotate(first, PASS),
                  'first line comes back while stdin stays open')

        second = b'sshd[1]: pam_unix(sshd:session): session opened\n'
        s.write(second)
        tap.equal(s.read_line(3), second,
                  'second line (no address) comes back while stdin is open')

        third = b'sshd[2]: Connection from 203.0.113.45 port 2\n'
        s.write(third)
        tap.equal(s.read_line(3), annotate(third, PASS),
                  'a cached address comes back while stdin is open')

        s.write(b'sshd[3]: Invalid user x from 198.51.100.7')
        early = s.peek(0.7)
        tap.equal(early, b'', 'a partial line is not written before its '
                  'newline arrives')
        s.write(b' port 3\n')
        tap.equal(s.read_line(3),
                  annotate(b'sshd[3]: Invalid user x from 198.51.100.7 '
                           b'port 3\n', NONE),
                  'the partial line is written once its newline arrives')

        last = b'sshd[4]: Disconnected from 203.0.113.45 port 4'
        s.write(last)
        tap.equal(s.peek(0.5), b'', 'an unterminated last line waits for '
                  'more input')
        s.close_stdin()
        tap.equal(s.read_to_eof(3), annotate(last, PASS),
                  'at EOF the unterminated last line is written, annotated, '
                  'without a newline')
        rc = s.wait(5)
        tap.equal(rc, 0, 'exit 0 after EOF', 'stderr: %s' %
                  dnstest.short(s.err))
        tap.equal(s.err, b'', 'nothing on stderr')
    tap.equal(r.count(dnstest.reverse_name(PASS_IP), 'PTR'), 1,
              'one PTR query for an address seen on three lines')


def write_file(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def check_files(tap, ptrtag, r):
    """FILE arguments are read in order, '-' is stdin; -o appends."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-stream-') as tmp:
        one = write_file(tmp, 'one.log', b'one from 203.0.113.45\n')
        two = write_file(tmp, 'two.log', b'two\nthree from 198.51.100.7\n')
        rc, out, err = dnstest.run(
            ptrtag, ['-s', r.server] + ARGS + [one, '-', two],
            b'stdin line\n', timeout=20)
        want = (annotate(b'one from 203.0.113.45\n', PASS) +
                b'stdin line\n' + b'two\n' +
                annotate(b'three from 198.51.100.7\n', NONE))
        tap.equal((rc, out), (0, want), 'FILE - FILE: read in order, - is '
                  'stdin', 'stderr: %s' % dnstest.short(err))

        target = write_file(tmp, 'out.log', b'already there\n')
        rc, out, err = dnstest.run(
            ptrtag, ['-s', r.server, '-o', target] + ARGS,
            b'new from 203.0.113.45\n', timeout=20)
        with open(target, 'rb') as f:
            written = f.read()
        tap.equal((rc, out), (0, b''), '-o FILE: nothing on stdout',
                  'stderr: %s' % dnstest.short(err))
        tap.equal(written, b'already there\n' +
                  annotate(b'new from 203.0.113.45\n', PASS),
                  '-o FILE appends to what the file held')


def check_sigterm(tap, ptrtag, r):
    """ptrtag.1: SIGTERM stops reading and writes every queued line within
    one second, unfinished lookups as timeout, then exit 0."""
    argv = [ptrtag, '-s', r.server, '-t', '3000', '--tries', '2',
            '-d', '10000']
    stuck = b'sshd[5]: Connection from 192.0.2.5 port 5\n'
    behind = b'sshd[5]: no address here\n'
    with dnstest.Stream(argv) as s:
        s.write(stuck + behind)
        r.wait_for(lambda: r.count(dnstest.reverse_name('192.0.2.5')), 3)
        tap.equal(s.peek(0.3), b'', 'SIGTERM: lines wait for the lookup '
                  'before the signal')
        start = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        got = s.read_lines(2, 3)
        elapsed = time.monotonic() - start
        rc = s.wait(3)
    tap.equal(got, [annotate(stuck, kv('192.0.2.5', 'timeout')), behind],
              'SIGTERM: queued lines written, the unfinished lookup as '
              'timeout')
    tap.ok(elapsed <= 1.5, 'SIGTERM: queued lines written within about '
           'one second', 'took %.2f s' % elapsed)
    tap.equal(rc, 0, 'SIGTERM: exit 0')


def check_closed_output(tap, ptrtag, r):
    """ptrtag.1: SIGPIPE is ignored and a closed output ends ptrtag quietly
    (as with `ptrtag | head -1`): it exits on its own, not killed by a
    signal, with nothing on stderr."""
    argv = [ptrtag, '-s', r.server] + ARGS
    line = b'sshd[6]: Connection from 203.0.113.45 port 6\n'
    with dnstest.Stream(argv) as s:
        s.write(line)
        first = s.read_line(3)
        s.close_stdout()
        try:
            for _ in range(200):
                s.write(line * 50, timeout=0.5)
        except (TimeoutError, OSError):
            pass                # ptrtag stopped reading or has exited
        rc = s.wait(5)
        err = s.err
    tap.equal(first, annotate(line, PASS), 'closed output: first line '
              'written normally')
    tap.ok(rc is not None and rc >= 0, 'closed output: ptrtag exits by '
           'itself, not by SIGPIPE', 'exit status %s' % rc)
    tap.equal(err, b'', 'closed output: nothing on stderr')


OUT_PIPE = 1 << 20      # ptrtag.1, OUTPUT, Output pipe


def new_pipe_size():
    r, w = os.pipe()
    try:
        return fcntl.fcntl(r, fcntl.F_GETPIPE_SZ)
    finally:
        os.close(r)
        os.close(w)


def pipe_size_wanted():
    """1 MiB where this user may grow a pipe that far, else the size a
    new pipe has (the refusal leaves it as it was)."""
    with open('/proc/sys/fs/pipe-max-size') as f:
        most = int(f.read())
    return OUT_PIPE if os.geteuid() == 0 or most >= OUT_PIPE else \
        new_pipe_size()


def check_output_pipe(tap, ptrtag, r):
    """ptrtag.1, OUTPUT, Output pipe: a pipe on stdout is grown to 1 MiB
    at start (--extract too), and left as it is with --state."""
    line = b'sshd[7]: Connection from 203.0.113.45 port 7\n'
    want = pipe_size_wanted()
    with dnstest.Stream([ptrtag, '-s', r.server] + ARGS) as s:
        s.write(line)
        got = s.read_line(3)
        size = fcntl.fcntl(s.proc.stdout.fileno(), fcntl.F_GETPIPE_SZ)
    tap.equal(got, annotate(line, PASS), 'output pipe: the line written')
    tap.equal(size, want, 'output pipe: grown at start')
    with dnstest.Stream([ptrtag, '--extract']) as s:
        s.write(line)
        got = s.read_line(3)
        size = fcntl.fcntl(s.proc.stdout.fileno(), fcntl.F_GETPIPE_SZ)
    tap.equal((got, size), (PASS_IP.encode() + b'\n', want),
              'output pipe: grown with --extract too')
    with tempfile.TemporaryDirectory(prefix='ptrtag-stream-') as tmp:
        log = write_file(tmp, 'auth.log', line)
        state = os.path.join(tmp, 'state')
        before = new_pipe_size()
        with dnstest.Stream([ptrtag, '-s', r.server] + ARGS +
                            ['--state', state, '--follow', log]) as s:
            got = s.read_line(3)
            size = fcntl.fcntl(s.proc.stdout.fileno(), fcntl.F_GETPIPE_SZ)
    tap.equal(got, annotate(line, PASS), 'output pipe, --state: the line '
              'written')
    tap.equal(size, before, 'output pipe, --state: left as it was (what '
              'it holds counts as written)')


def main():
    dnstest.run_tests(
        (dnstest.Responder(make_handler()),
         [check_interactive, check_files, check_sigterm,
          check_closed_output, check_output_pipe]))


if __name__ == '__main__':
    main()
