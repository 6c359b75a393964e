#!/usr/bin/env python3
"""The sandbox of ptrtag.1 (SANDBOX) on a running ptrtag, against a
scripted Responder on 127.0.0.1.

- /proc/PID/status of a running ptrtag shows no_new_privs and a seccomp
  filter in force (NoNewPrivs: 1, Seccomp: 2); --no-sandbox shows 0, 0.
- Landlock in force: after a rename, -o FILE is replaced by a symbolic
  link into another directory; SIGHUP's reopen is refused (one warning,
  EACCES), nothing is created there, and lines keep flowing to the file
  already open.
- With the sandbox on, SIGHUP after a logrotate-style rename reopens -o
  in its directory, the cache file is saved atomically in its own
  directory on SIGHUP and at exit, and every line is written once.
- --user nobody (as root): the running ptrtag has nobody's uids, gids and
  groups, writes -o in a directory only nobody can write, and creates the
  new file there on SIGHUP. An unknown user: exit 2, one line naming it.
"""

import os
import pwd
import re
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate, read_bytes                # noqa: E402

IP, HOST = '192.0.2.10', 'mail.example.com'
HANDLER = dnstest.table_handler(ptr={IP: [HOST]}, a={HOST: [IP]})
LINE = ('connect from %s\n' % IP).encode()
WANT = annotate(LINE, kv(IP, 'pass', HOST))


def status(pid):
    """/proc/PID/status as a dict of field -> value text."""
    fields = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            key, _, value = line.partition(':')
            fields[key] = ' '.join(value.split())
    return fields


def base_args(r):
    return ['-s', r.server, '-t', '500', '--tries', '1']


def check_status(tap, ptrtag, r):
    for extra, nnp, seccomp in (([], '1', '2'),
                                (['--no-sandbox'], '0', '0')):
        name = 'sandbox' if not extra else '--no-sandbox'
        with dnstest.Stream([ptrtag] + base_args(r) + extra) as s:
            s.write(b'no address here\n')
            # A line back means the loop runs: the sandbox is entered.
            line = s.read_line(10)
            st = status(s.proc.pid)
            tap.equal(line, b'no address here\n', '%s: the loop runs' %
                      name)
            tap.equal((st.get('NoNewPrivs'), st.get('Seccomp')),
                      (nnp, seccomp), '%s: NoNewPrivs %s, Seccomp %s in '
                      '/proc/PID/status' % (name, nnp, seccomp))
            s.close_stdin()
            tap.equal(s.wait(10), 0, '%s: exit 0' % name,
                      dnstest.short(s.err))


def check_landlock(tap, ptrtag, r):
    """A reopen that would leave the -o directory is refused."""
    with tempfile.TemporaryDirectory() as kept, \
            tempfile.TemporaryDirectory() as other:
        out = os.path.join(kept, 'out.log')
        target = os.path.join(other, 'elsewhere.log')
        with dnstest.Stream([ptrtag] + base_args(r) + ['-o', out]) as s:
            s.write(b'first\n')
            r.wait_for(lambda: read_bytes(out) == b'first\n', 10)
            os.rename(out, out + '.1')
            os.symlink(target, out)
            s.proc.send_signal(signal.SIGHUP)
            r.wait_for(lambda: b'reopen' in s.err or s._pump(0.05), 5)
            s.write(b'second\n')
            rotated = r.wait_for(
                lambda: read_bytes(out + '.1') == b'first\nsecond\n', 10)
            s.close_stdin()
            rc = s.wait(10)
        tap.ok(not os.path.exists(target), 'Landlock: the reopen through '
               'a link into another directory creates nothing there')
        tap.ok(re.search(rb'reopen .*Permission denied', s.err),
               'Landlock: the refused reopen is one warning (EACCES)',
               s.err)
        tap.ok(rotated, 'Landlock: lines keep going to the open file',
               read_bytes(out + '.1'))
        tap.equal(rc, 0, 'Landlock: exit 0', dnstest.short(s.err))


def check_hup_and_cache(tap, ptrtag, r):
    """Reopen on SIGHUP and the atomic cache save, sandbox on."""
    with tempfile.TemporaryDirectory() as logs, \
            tempfile.TemporaryDirectory() as state:
        out = os.path.join(logs, 'out.log')
        cache = os.path.join(state, 'cache')
        argv = [ptrtag] + base_args(r) + ['-o', out, '--cache-file', cache]
        with dnstest.Stream(argv) as s:
            s.write(LINE)
            before = r.wait_for(lambda: read_bytes(out) == WANT, 10)
            os.rename(out, out + '.1')
            s.proc.send_signal(signal.SIGHUP)
            saved = r.wait_for(lambda: read_bytes(cache).count(
                IP.encode()) == 1, 10)
            s.write(LINE)
            after = r.wait_for(lambda: read_bytes(out) == WANT, 10)
            s.close_stdin()
            rc = s.wait(10)
        tap.ok(before, 'sandbox: the first line in -o', read_bytes(out))
        tap.ok(saved, 'sandbox: SIGHUP saves the cache file in its own '
               'directory', read_bytes(cache))
        tap.ok(after and read_bytes(out + '.1') == WANT, 'sandbox: SIGHUP '
               'reopens -o (a new file after the rename), each line once',
               (read_bytes(out + '.1'), read_bytes(out)))
        tap.equal((rc, sorted(os.listdir(state))), (0, ['cache']),
                  'sandbox: exit 0, the cache saved with no temporary '
                  'file left', dnstest.short(s.err))


def check_user(tap, ptrtag, r):
    if os.geteuid() != 0:
        tap.skip('--user nobody', 'not root')
        return
    pw = pwd.getpwnam('nobody')
    top = tempfile.mkdtemp()
    try:
        # Only nobody can write here; root opens -o before it drops.
        logs = os.path.join(top, 'logs')
        os.mkdir(logs, 0o700)
        os.chown(logs, pw.pw_uid, pw.pw_gid)
        os.chmod(top, 0o755)
        out = os.path.join(logs, 'out.log')
        argv = [ptrtag] + base_args(r) + ['-o', out, '--user', 'nobody']
        with dnstest.Stream(argv) as s:
            s.write(LINE)
            first = r.wait_for(lambda: read_bytes(out) == WANT, 10)
            st = status(s.proc.pid)
            os.rename(out, out + '.1')
            s.proc.send_signal(signal.SIGHUP)
            r.wait_for(lambda: os.path.exists(out), 10)
            s.write(LINE)
            second = r.wait_for(lambda: read_bytes(out) == WANT, 10)
            owner = os.stat(out).st_uid if second else None
            s.close_stdin()
            rc = s.wait(10)
        ids = lambda n: ' '.join([str(n)] * 4)              # noqa: E731
        tap.equal((st.get('Uid'), st.get('Gid')),
                  (ids(pw.pw_uid), ids(pw.pw_gid)),
                  '--user nobody: real, effective, saved and fs ids')
        groups = set(st.get('Groups', '').split()) - {str(pw.pw_gid)}
        tap.equal(groups, set(), '--user nobody: no group of root kept',
                  st.get('Groups'))
        tap.ok(first, '--user nobody: lines in -o', read_bytes(out + '.1'))
        tap.ok(second and owner == pw.pw_uid, '--user nobody: SIGHUP '
               'creates the new -o file as nobody', (owner, s.err))
        tap.equal(rc, 0, '--user nobody: exit 0', dnstest.short(s.err))
    finally:
        shutil.rmtree(top, ignore_errors=True)


def check_unknown_user(tap, ptrtag):
    rc, out, err = dnstest.run(ptrtag, ['--user', 'no-such-user-ptrtag'],
                               b'x\n', timeout=10)
    tap.equal((rc, out), (2, b''), '--user unknown: exit 2, no output',
              dnstest.short(err))
    tap.ok(err.count(b'\n') == 1 and b'no-such-user-ptrtag' in err,
           '--user unknown: one line naming the user', err)


def main():
    dnstest.run_tests(
        (dnstest.Responder(HANDLER),
         [check_status, check_landlock, check_hup_and_cache, check_user]),
        (None, [check_unknown_user]),
        handler_check=False)


if __name__ == '__main__':
    main()
