#!/usr/bin/env python3
"""The --cache-file rules of ptrtag(1), FILES, against a scripted
Responder on 127.0.0.1 that answers every query SERVFAIL (so an address
that was not answered from the file shows as temperror, and its PTR
query is in the responder's log).

- Saving never writes through a symbolic link planted at a temporary
  name (the old PATH.tmp.PID): the link's target is untouched.
- A character device, a FIFO, a socket or a directory as the cache file:
  exit 2 at start with one line naming it, at once, the node untouched.
- A symbolic link as the cache file: exit 2, its target untouched.
- A file another user could have written (group or world writable,
  owned by another user): exit 2, its planted entries never reported.
- A new file is created 0600; an existing file keeps its mode.
- A large file with -c N: at most N entries, the most recent ones, in
  bounded memory (peak RSS) and without reading the whole file.
- Expiry is clamped to --max-ttl; inconsistent entries are dropped with
  one warning line, the consistent ones in the same file used.
- A directory where the cache file cannot be created: exit 2 at start.

Runs in about 5 s.
"""

import os
import re
import resource
import socket
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
from dnstest import kv, annotate                            # noqa: E402

MAGIC = 'ptrtag-cache 1'
# A deadline for what must happen at start: generous, never reached by a
# ptrtag that does not block.
START_DEADLINE = 10.0
# Peak RSS allowed when loading a 300 000-entry file with -c 1000 (a
# ptrtag holding 1000 entries stays near 14 MB; loading the whole file
# took about 90 MB).
BIG_ENTRIES = 300000
BIG_RSS_KB = 32 * 1024


def servfail(qname, qtype, msg):
    return dnstest.servfail(msg)


def cache_text(entries, count=None):
    """A cache file: (addr, verdict, expires, host or None) tuples."""
    lines = [MAGIC]
    for addr, verdict, expires, host in entries:
        lines.append('%s %s %d %s' % (addr, verdict, expires, host or '-'))
    lines.append('end %d' % (len(entries) if count is None else count))
    return ('\n'.join(lines) + '\n').encode()


def write_file(path, data, mode=0o600):
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, mode)


def ptrtag_argv(ptrtag, r, cache, extra=()):
    return [ptrtag, '-s', r.server, '-t', '300', '--tries', '1',
            '--cache-file', cache] + list(extra)


def run(ptrtag, r, cache, lines=(), extra=(), timeout=30, **popen):
    """Run to completion: (rc, stdout, stderr, seconds); rc None if it
    was killed at timeout."""
    start = time.monotonic()
    p = subprocess.Popen(ptrtag_argv(ptrtag, r, cache, extra),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, **popen)
    try:
        out, err = p.communicate(b''.join(lines), timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        err += b'[harness] killed after %.1fs\n' % timeout
        rc = None
    return rc, out, err, time.monotonic() - start


def run_rusage(argv, data, timeout):
    """(rc, stdout, stderr, peak RSS KB) of argv fed data; rc None when
    killed at timeout."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdin.write(data)
    p.stdin.close()
    deadline = time.monotonic() + timeout
    out, err = b'', b''
    for f in (p.stdout, p.stderr):
        os.set_blocking(f.fileno(), False)
    status = ru = None
    while True:
        for f in (p.stdout, p.stderr):
            try:
                chunk = f.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                if f is p.stdout:
                    out += chunk
                else:
                    err += chunk
        pid, st, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            status, ru = st, usage
            break
        if time.monotonic() > deadline:
            p.kill()
            os.wait4(p.pid, 0)
            break
        time.sleep(0.01)
    for f in (p.stdout, p.stderr):
        os.set_blocking(f.fileno(), True)
    out += p.stdout.read()
    err += p.stderr.read()
    p.stdout.close()
    p.stderr.close()
    p.returncode = 0        # reaped above: keep Popen from waiting again
    if status is None:
        return None, out, err, None
    return os.waitstatus_to_exitcode(status), out, err, ru.ru_maxrss


def one_line_naming(err, path):
    text = err.decode('utf-8', 'replace')
    return text.count('\n') == 1 and text.endswith('\n') and path in text


def usage_error(tap, name, rc, err, path, took):
    tap.ok(rc == 2 and one_line_naming(err, path) and took < START_DEADLINE,
           '%s: exit 2 at start, one line naming the file' % name,
           'rc %s after %.2f s, stderr %r' % (rc, took, err[:400]))


# ----- the temporary file of a save

def case_planted_tmp_symlink(tap, ptrtag, r):
    """Symbolic links planted at the temporary names an attacker can
    predict (PATH.tmp.PID, PATH.tmp) while ptrtag runs: the save goes
    through none of them."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        cache = os.path.join(tmp, 'c')
        victim = os.path.join(tmp, 'victim')
        write_file(victim, b'precious\n', 0o644)
        with dnstest.Stream(ptrtag_argv(ptrtag, r, cache)) as s:
            links = [cache + '.tmp.%d' % s.proc.pid, cache + '.tmp',
                     cache + '.tmp.%d' % (s.proc.pid + 1)]
            for link in links:
                os.symlink(victim, link)
            s.write(b'planted 10.70.0.1\n')
            s.close_stdin()
            rc = s.wait(START_DEADLINE)
        with open(victim, 'rb') as f:
            got = f.read()
        tap.ok(rc == 0 and got == b'precious\n' and
               stat.S_ISREG(os.lstat(cache).st_mode) and
               all(os.path.islink(link) for link in links),
               'save: symbolic links planted at PATH.tmp.PID and other '
               'predictable temporary names are not followed (target '
               'untouched), the file is saved',
               'rc %s, victim now %r, stderr %r' % (rc, got[:100], s.err))


# ----- what the cache file may be

def case_not_regular(tap, ptrtag, r):
    """Device, FIFO, socket, directory: exit 2 at once, node untouched."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        nodes = []
        for name, major, minor in (('null device', 1, 3),
                                   ('zero device', 1, 5)):
            path = os.path.join(tmp, name.split()[0])
            try:
                os.mknod(path, 0o600 | stat.S_IFCHR,
                         os.makedev(major, minor))
                nodes.append((name, path))
            except PermissionError:
                tap.skip('%s as the cache file' % name, 'mknod not '
                         'permitted (not root)')
        fifo = os.path.join(tmp, 'fifo')
        os.mkfifo(fifo, 0o600)
        nodes.append(('FIFO', fifo))
        sock_path = os.path.join(tmp, 'sock')
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(sock_path)
        nodes.append(('socket', sock_path))
        directory = os.path.join(tmp, 'dir')
        os.mkdir(directory, 0o700)
        nodes.append(('directory', directory))
        try:
            for name, path in nodes:
                before = os.lstat(path)
                # The zero device, read by a ptrtag that does not check,
                # grows one line without end: bound it.
                limit = None if dnstest.sanitized(ptrtag) else \
                    (lambda: resource.setrlimit(resource.RLIMIT_AS,
                                                (1 << 30, 1 << 30)))
                rc, out, err, took = run(ptrtag, r, path,
                                            [b'x 10.70.1.1\n'],
                                            timeout=START_DEADLINE,
                                            preexec_fn=limit)
                usage_error(tap, '%s as the cache file' % name, rc, err,
                            path, took)
                after = os.lstat(path)
                tap.ok(stat.S_IFMT(after.st_mode) ==
                       stat.S_IFMT(before.st_mode) and
                       after.st_ino == before.st_ino,
                       '%s as the cache file: left as it was' % name,
                       'mode %o -> %o' % (before.st_mode, after.st_mode))
        finally:
            sock.close()


def case_symlink(tap, ptrtag, r):
    """A symbolic link as the cache file is refused; its target (a good
    cache file) and the link stay as they were."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        target = os.path.join(tmp, 'real')
        link = os.path.join(tmp, 'link')
        data = cache_text([('10.70.2.1', 'pass', time.time() + 3600,
                            'h.example.org')])
        write_file(target, data)
        os.symlink(target, link)
        rc, out, err, took = run(ptrtag, r, link, [b'x 10.70.2.1\n'],
                                    timeout=START_DEADLINE)
        usage_error(tap, 'symbolic link as the cache file', rc, err, link,
                    took)
        with open(target, 'rb') as f:
            same = f.read() == data
        tap.ok(os.path.islink(link) and same, 'symbolic link as the cache '
               'file: the link and its target are left as they were')


def case_trust(tap, ptrtag, r):
    """A planted pass in a file another user could have written."""
    line = b'trust 10.70.3.1\n'
    planted = cache_text([('10.70.3.1', 'pass', time.time() + 3600,
                           'trusted.example.org')])
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        cache = os.path.join(tmp, 'c')
        for name, mode in (('group-writable', 0o620),
                           ('world-writable', 0o606)):
            write_file(cache, planted, mode)
            rc, out, err, took = run(ptrtag, r, cache, [line],
                                        timeout=START_DEADLINE)
            usage_error(tap, 'a %s cache file' % name, rc, err, cache, took)
            tap.ok(b'trusted.example.org' not in out, 'a %s cache file: '
                   'its planted pass is not reported' % name, repr(out))
        if os.geteuid() == 0:
            write_file(cache, planted, 0o600)
            os.chown(cache, 65534, 65534)
            rc, out, err, took = run(ptrtag, r, cache, [line],
                                        timeout=START_DEADLINE)
            usage_error(tap, 'a cache file owned by another user (nobody)',
                        rc, err, cache, took)
        else:
            tap.skip('a cache file owned by another user', 'needs root '
                     'to give a file away')
        # The same file, the user's own and mode 0600, is trusted.
        os.unlink(cache)
        write_file(cache, planted, 0o600)
        rc, out, err, _ = run(ptrtag, r, cache, [line])
        tap.equal((rc, out, err), (0, annotate(line, kv(
            '10.70.3.1', 'pass', 'trusted.example.org')), b''),
            'the same file owned by the user, mode 0600: used')


# ----- modes

def case_modes(tap, ptrtag, r):
    old = os.umask(0o022)
    try:
        with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
            cache = os.path.join(tmp, 'new')
            rc, _, err, _ = run(ptrtag, r, cache, [b'm 10.70.4.1\n'])
            mode = stat.S_IMODE(os.stat(cache).st_mode) \
                if os.path.exists(cache) else None
            tap.equal((rc, mode), (0, 0o600), 'a new cache file is created '
                      'with mode 0600 (umask 022)', repr(err))
            for want in (0o600, 0o640, 0o400):
                os.chmod(cache, want)
                ino = os.stat(cache).st_ino
                rc, _, err, _ = run(ptrtag, r, cache,
                                       [b'm 10.70.4.2\n'])
                st = os.stat(cache)
                tap.equal((rc, st.st_ino != ino, stat.S_IMODE(st.st_mode)),
                          (0, True, want), 'an existing cache file of mode '
                          '%04o keeps it when saved' % want, repr(err))
    finally:
        os.umask(old)


# ----- loading

def big_file(path, count, expires):
    with open(path, 'w') as f:
        f.write(MAGIC + '\n')
        for i in range(count):
            f.write('10.%d.%d.%d pass %d host-%d.example.net\n' % (
                100 + (i >> 16), (i >> 8) & 255, i & 255, expires, i))
        f.write('end %d\n' % count)
    os.chmod(path, 0o600)


def addr(i):
    return '10.%d.%d.%d' % (100 + (i >> 16), (i >> 8) & 255, i & 255)


def case_big_file(tap, ptrtag, r):
    """A 300 000-entry file with -c 1000: the last 1000 entries (the most
    recently used) are loaded, in bounded memory; and a file within the
    size bound with more entries than -c: the same rule."""
    expires = int(time.time()) + 3600
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        cache = os.path.join(tmp, 'big')
        for count, size in ((BIG_ENTRIES, 1000), (500, 100)):
            big_file(cache, count, expires)
            nbytes = os.path.getsize(cache)
            first_kept, last_dropped = addr(count - size), \
                addr(count - size - 1)
            lines = [b'big %s\n' % first_kept.encode(),
                     b'big %s\n' % addr(count - 1).encode(),
                     b'big %s\n' % last_dropped.encode()]
            argv = ptrtag_argv(ptrtag, r, cache,
                               ['-c', str(size), '--stats=json'])
            rc, out, err, rss = run_rusage(argv, b''.join(lines), 30)
            stats = re.findall(rb'"cache_entries":(\d+)', err)
            want = b''.join(
                annotate(lines[i], kv(ip, 'pass', 'host-%d.example.net' % n))
                for i, (ip, n) in enumerate(((first_kept, count - size),
                                             (addr(count - 1), count - 1)))
            ) + annotate(lines[2], kv(last_dropped, 'temperror'))
            tap.equal((rc, out), (0, want), '%d entries, -c %d: the last %d '
                      'answer from the file, the one before them is looked '
                      'up' % (count, size, size), repr(err[:300]))
            tap.ok(stats and int(stats[-1]) <= size, '%d entries, -c %d: at '
                   'most %d cached' % (count, size, size), repr(stats))
            if count != BIG_ENTRIES:
                continue
            if dnstest.sanitized(ptrtag):
                tap.skip('%d entries, -c %d: peak RSS bounded' % (count,
                                                                  size),
                         'sanitized build: RSS is no measure')
            else:
                tap.ok(rss is not None and rss < BIG_RSS_KB, '%d entries, -c '
                       '%d: peak RSS under %d MB' % (count, size,
                                                      BIG_RSS_KB // 1024),
                       'peak RSS %s KB' % rss)
            tap.diag('%d entries (%d bytes), -c %d: peak RSS %s KB' % (
                count, nbytes, size, rss))


def case_clamp(tap, ptrtag, r):
    """An entry expiring in ten years with --max-ttl 2: used at once (a
    second of margin: it is loaded just before), looked up again 3.2 s
    later; saved with an expiry within --max-ttl."""
    ip = '10.70.5.1'
    line = b'clamp %s\n' % ip.encode()
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        cache = os.path.join(tmp, 'c')
        write_file(cache, cache_text([(ip, 'pass', time.time() + 10 * 365 *
                                       86400, 'long.example.org')]))
        before = r.count(dnstest.reverse_name(ip), 'PTR')
        with dnstest.Stream(ptrtag_argv(ptrtag, r, cache,
                                        ['--min-ttl', '1', '--max-ttl', '2',
                                         '--err-ttl', '1'])) as s:
            s.write(line)
            first = s.read_line(START_DEADLINE)
            time.sleep(3.2)
            s.write(line)
            second = s.read_line(START_DEADLINE)
            saved_at = time.time()
            s.close_stdin()
            rc = s.wait(START_DEADLINE)
        tap.equal((first, second, rc),
                  (annotate(line, kv(ip, 'pass', 'long.example.org')),
                   annotate(line, kv(ip, 'temperror')), 0),
                  'expiry ten years ahead, --max-ttl 2: used, then looked '
                  'up again after 3.2 s', repr(s.err))
        tap.equal(r.count(dnstest.reverse_name(ip), 'PTR') - before, 1,
                  'expiry clamped: exactly one PTR query')
        # Save it again from a fresh ten-year entry: what is written is
        # the clamped expiry.
        write_file(cache, cache_text([(ip, 'pass', time.time() + 10 * 365 *
                                       86400, 'long.example.org')]))
        rc, _, err, _ = run(ptrtag, r, cache, [],
                          ['--min-ttl', '1', '--max-ttl', '2'])
        with open(cache) as f:
            m = re.search(r'^%s pass (\d+) ' % re.escape(ip), f.read(), re.M)
        tap.ok(rc == 0 and m and int(m.group(1)) <= time.time() + 2 + 1,
               'expiry clamped: saved with at most --max-ttl left',
               'rc %s, entry %s, now %d' % (rc, m and m.group(0), saved_at))


def case_inconsistent(tap, ptrtag, r):
    """Entries no lookup could have produced are dropped (one warning
    line), the others in the same file are used."""
    far = time.time() + 3600
    bad = [('10.70.6.1', 'none', 'h1.example.org'),
           ('10.70.6.2', 'pass', None),
           ('10.70.6.3', 'fail', None),
           ('10.70.6.4', 'permerror', 'h4.example.org'),
           ('10.70.6.5', 'timeout', None),
           ('10.70.6.6', 'skipped', None),
           ('10.70.6.7', 'pass', 'bad!host.example.org'),
           ('10.70.6.8', 'pass', '192.0.2.1'),
           ('10.70.6.9', 'pass', 'a' * 64 + '.example.org')]
    good = [('10.70.7.1', 'pass', 'good.example.org'),
            ('10.70.7.2', 'temperror', 'fwd.example.org'),
            ('10.70.7.3', 'none', None)]
    entries = [(a, v, far, h) for a, v, h in bad + good]
    lines = [b'inc %s\n' % a.encode() for a, _, _ in bad + good]
    want = b''.join(annotate(lines[i], kv(a, 'temperror'))
                    for i, (a, _, _) in enumerate(bad))
    want += b''.join(annotate(lines[len(bad) + i], kv(a, v, h))
                     for i, (a, v, h) in enumerate(good))
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        cache = os.path.join(tmp, 'c')
        write_file(cache, cache_text(entries))
        rc, out, err, _ = run(ptrtag, r, cache, lines)
        text = err.decode('utf-8', 'replace')
        tap.equal((rc, out), (0, want), 'inconsistent entries (none or '
                  'permerror with a host, pass or fail without, timeout, '
                  'skipped, a bad host) are not reported; consistent ones '
                  'are', text)
        tap.ok(text.count('\n') == 1 and cache in text and
               str(len(bad)) in text, 'inconsistent entries: one warning '
               'line naming the file and their number', text)


# ----- the directory

def case_unwritable_dir(tap, ptrtag, r):
    """A cache file in a directory where no file can be created: exit 2
    at start. Root ignores mode bits, so as root ptrtag runs as nobody
    against a directory owned by root, mode 0755; as another user the
    directory is made 0555."""
    with tempfile.TemporaryDirectory(prefix='ptrtag-cf-') as tmp:
        # A path whose directory is a regular file.
        plain = os.path.join(tmp, 'plain')
        write_file(plain, b'', 0o600)
        path = os.path.join(plain, 'c')
        rc, out, err, took = run(ptrtag, r, path, [b'd 10.70.8.1\n'],
                                    timeout=START_DEADLINE)
        usage_error(tap, 'cache file under a regular file', rc, err, path,
                    took)

        ro = os.path.join(tmp, 'ro')
        os.mkdir(ro)
        path = os.path.join(ro, 'c')
        popen = {}
        if os.geteuid() == 0:
            os.chmod(tmp, 0o755)
            os.chmod(ro, 0o755)
            popen = {'user': 65534, 'group': 65534, 'extra_groups': []}
        else:
            os.chmod(ro, 0o555)
        try:
            rc, out, err, took = run(ptrtag, r, path, [b'd 10.70.8.1\n'],
                                        timeout=START_DEADLINE, **popen)
        except PermissionError as e:
            tap.skip('cache file in an unwritable directory', 'the binary '
                     'cannot be run as nobody: %s' % e)
            return
        if rc == 126 or (b'ermission denied' in err and b'ptrtag' not in err):
            tap.skip('cache file in an unwritable directory', 'the binary '
                     'cannot be run as nobody')
            return
        usage_error(tap, 'cache file in an unwritable directory', rc, err,
                    path, took)
        tap.equal(os.listdir(ro), [], 'unwritable directory: nothing '
                  'written there')
        os.chmod(ro, 0o755)


def main():
    dnstest.run_tests(
        (dnstest.Responder(servfail),
         [case_planted_tmp_symlink, case_not_regular, case_symlink,
          case_trust, case_modes, case_big_file, case_clamp,
          case_inconsistent, case_unwritable_dir]))


if __name__ == '__main__':
    main()
