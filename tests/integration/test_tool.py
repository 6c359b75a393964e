#!/usr/bin/env python3
"""ptrtag as a tool: progress line, --help, --version, the man page and
`meson install`.

- --progress (auto) under a pseudo-terminal, reading regular files: a
  progress line with '%' on stderr, redrawn at most 4 times a second, and
  erased at exit (the last bytes are "\\r\\033[K"); the output itself is
  unchanged. No progress when stderr is not a terminal (even with
  --progress), with --progress=never, or when an input is a pipe.
- --help fits one screen (at most 60 lines of at most 80 columns) and
  lists the same long options as ptrtag.1, both ways.
- --version prints the project version and the c-ares version.
- `mandoc -T lint ptrtag.1`: no error and no warning (only the style note
  about manuals it cannot find, like rsyslogd(8), is allowed).
- `meson install --destdir`: bin/ptrtag (which runs), the man page, and
  share/ptrtag/patterns/*.pat for every pattern set in patterns/sets/
  (that part is skipped while patterns/sets/ holds no .pat file).
"""

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402
import daemons                                              # noqa: E402

SOURCE = daemons.SOURCE_ROOT
MAN = os.path.join(SOURCE, 'ptrtag.1')
ERASE = b'\r\x1b[K'


def run_pty(argv, stdin, timeout=30):
    """Run argv with stderr on a new pseudo-terminal and stdout on a
    pipe. Returns (rc, stdout, everything written to the terminal)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                                stderr=slave, close_fds=True)
    finally:
        os.close(slave)
    out, tty = b'', b''
    deadline = time.monotonic() + timeout
    open_fds = [master, proc.stdout.fileno()]
    try:
        while open_fds and time.monotonic() < deadline:
            ready, _, _ = select.select(open_fds, [], [], 0.1)
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:         # EIO: the terminal's other end
                    data = b''          # is closed
                if not data:
                    open_fds.remove(fd)
                elif fd == master:
                    tty += data
                else:
                    out += data
        try:
            rc = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = None
    finally:
        os.close(master)
        proc.stdout.close()
    return rc, out, tty


def progress_input(directory, count):
    """A log file of count lines, a quarter of them with an address the
    responder answers slowly, so that the run lasts over a second."""
    lines = []
    for i in range(count):
        if i % 4 == 0:
            lines.append(b'sshd[%d]: from 192.0.2.%d port 22\n' %
                         (i, 100 + (i // 4) % 50))
        else:
            lines.append(b'sshd[%d]: from 203.0.113.45 port 22\n' % i)
    path = os.path.join(directory, 'big.log')
    with open(path, 'wb') as f:
        f.write(b''.join(lines))
    return path, lines


def progress_handler():
    def handler(qname, qtype, msg):
        if qtype == 'PTR' and qname.endswith('.2.0.192.in-addr.arpa'):
            return ('delay', 0.01 * (int(qname.split('.')[0]) - 99),
                    dnstest.nxdomain(msg, 'in-addr.arpa'))
        return daemons.mail_or_nxdomain(qname, qtype, msg)
    return handler


def check_progress(tap, ptrtag):
    with dnstest.Responder(progress_handler()) as r, \
            daemons.TempDir('ptrtag-tool-') as d:
        path, lines = progress_input(d, 400)
        want = b''.join(
            dnstest.annotate(l, dnstest.kv('203.0.113.45', 'pass',
                                           'mail.example.com'))
            if b'203.0.113.45' in l else
            dnstest.annotate(l, dnstest.kv(l.split(b' ')[2].decode(),
                                           'none'))
            for l in lines)
        args = [ptrtag, '-s', r.server, '-t', '3000', '-d', '4000',
                '-j', '8']

        start = time.monotonic()
        rc, out, tty = run_pty(args + [path], subprocess.DEVNULL)
        elapsed = time.monotonic() - start
        tap.equal(rc, 0, 'progress on a terminal: exit 0')
        tap.ok(out == want, 'progress on a terminal: the output is '
               'unchanged', lambda: dnstest.first_difference(
                   dnstest.split_lines(out), dnstest.split_lines(want)))
        tap.ok(b'%' in tty and b'ptrtag:' in tty, 'progress on a terminal: '
               'a progress line with a percentage', dnstest.short(tty))
        tap.ok(tty.endswith(ERASE), 'progress on a terminal: erased at '
               'exit (last bytes \\r ESC [K)', dnstest.short(tty[-80:]))
        draws = tty.count(b'\rptrtag:')
        tap.ok(2 <= draws <= 4 * elapsed + 2, 'progress on a terminal: '
               'redrawn, at most 4 times a second',
               '%d draws in %.2f s' % (draws, elapsed))
        tap.ok(b'100.0%' in tty, 'progress on a terminal: reaches 100%',
               dnstest.short(tty[-200:]))

        rc, out, tty = run_pty(args + [path, path], subprocess.DEVNULL)
        tap.ok(rc == 0 and b'%' in tty and tty.endswith(ERASE),
               'progress with several regular FILEs', dnstest.short(tty))

        rc, out, tty = run_pty(args + ['--progress=never', path],
                               subprocess.DEVNULL)
        tap.equal((rc, tty), (0, b''), '--progress=never: nothing on the '
                  'terminal')

        reader = subprocess.Popen(['cat', path], stdout=subprocess.PIPE)
        try:
            rc, out, tty = run_pty(args + ['--progress'], reader.stdout)
        finally:
            reader.stdout.close()
            reader.wait(timeout=10)
        tap.equal((rc, tty, out == want), (0, b'', True),
                  'input from a pipe: no progress line')
        with open(path, 'rb') as f:
            rc, out, tty = run_pty(args + ['--progress'], f)
        tap.ok(rc == 0 and tty.endswith(ERASE), 'standard input '
               'redirected from a regular file: progress shown')

        for extra in ([], ['--progress']):
            rc, out, err = dnstest.run(ptrtag, args[1:] + extra + [path],
                                       timeout=60)
            tap.equal((rc, err, out == want), (0, b'', True),
                      'stderr not a terminal%s: no progress output' % (
                          ' (--progress given)' if extra else ''))
        rc, out, err = dnstest.run(ptrtag, args[1:] + ['--progress=always',
                                                       path], timeout=10)
        tap.ok(rc == 2 and err.count(b'\n') == 1, '--progress=always: a '
               'usage error (exit 2, one line)', 'rc %s, %s' % (
                   rc, dnstest.short(err)))


# --------------------------------------------------------------------------
# --help and the man page

def long_options_help(text):
    return set(re.findall(r'(?<![\w-])--([a-z][a-z0-9-]*)', text))


def long_options_man(text):
    return set(re.findall(r'\bFl \\-([a-z][a-z0-9-]*)', text))


def check_help(tap, ptrtag):
    rc, out, err = dnstest.run(ptrtag, ['--help'], timeout=10)
    tap.equal((rc, err), (0, b''), '--help: exit 0, nothing on stderr')
    text = out.decode('utf-8', 'replace')
    lines = text.rstrip('\n').split('\n')
    tap.ok(len(lines) <= 60, '--help fits one screen: at most 60 lines',
           '%d lines' % len(lines))
    wide = [l for l in lines if len(l.expandtabs()) > 80]
    tap.ok(not wide, '--help: no line over 80 columns', '\n'.join(wide))
    rc2, out2, _ = dnstest.run(ptrtag, ['-h'], timeout=10)
    tap.equal((rc2, out2), (0, out), '-h prints the same as --help')

    with open(MAN) as f:
        man = f.read()
    in_help, in_man = long_options_help(text), long_options_man(man)
    tap.ok(len(in_help) >= 20 and len(in_man) >= 20, 'long options found '
           'in both (the parsers work)', 'help %d, man %d' % (
               len(in_help), len(in_man)))
    missing = sorted(in_help - in_man)
    tap.ok(not missing, 'every long option of --help is in ptrtag.1',
           'not in ptrtag.1: ' + ', '.join('--' + o for o in missing))
    extra = sorted(in_man - in_help)
    tap.ok(not extra, 'every long option of ptrtag.1 is in --help',
           'not in --help: ' + ', '.join('--' + o for o in extra))


def check_version(tap, ptrtag):
    rc, out, err = dnstest.run(ptrtag, ['--version'], timeout=10)
    m = re.fullmatch(rb'ptrtag (\S+) \(c-ares (\d+\.\d+\.\d+)'
                     rb'(, [^()]*)?\)\n', out)
    tap.ok(rc == 0 and m, '--version: "ptrtag VERSION (c-ares VERSION...)"',
           dnstest.short(out + err))
    with open(os.path.join(SOURCE, 'meson.build')) as f:
        project = re.search(r"version:\s*'([^']+)'", f.read())
    tap.equal(m and m.group(1).decode(), project and project.group(1),
              '--version: the version of meson.build')
    try:
        p = subprocess.run(['pkg-config', '--modversion', 'libcares'],
                           stdout=subprocess.PIPE, timeout=10)
        cares = p.stdout.decode().strip()
    except OSError:
        cares = None
    if cares:
        tap.equal(m and m.group(2).decode(), cares, '--version: the c-ares '
                  'version of the library in use')
    else:
        tap.skip('--version: the c-ares version', 'no pkg-config')
    rc2, out2, _ = dnstest.run(ptrtag, ['-V'], timeout=10)
    tap.equal((rc2, out2), (0, out), '-V prints the same as --version')


def check_mandoc(tap, _ptrtag):
    """ptrtag.1 passes mandoc -T lint and renders (the binary is not
    run)."""
    mandoc = shutil.which('mandoc')
    if not tap.ok(mandoc, 'mandoc is installed (tests/deps)'):
        return
    p = subprocess.run([mandoc, '-T', 'lint', MAN], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    text = p.stdout.decode(errors='replace')
    mine = [l for l in text.splitlines() if 'ptrtag.1:' in l]
    bad = [l for l in mine
           if not re.search(r': STYLE: referenced manual not found', l)]
    tap.ok(not bad, 'mandoc -T lint ptrtag.1: no error or warning',
           '\n'.join(bad))
    p = subprocess.run([mandoc, '-T', 'ascii', MAN], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    plain = re.sub(rb'.\x08', b'', p.stdout)    # no overstrike (bold)
    tap.ok(p.returncode == 0 and b'SYNOPSIS' in plain, 'mandoc renders '
           'the man page')


# --------------------------------------------------------------------------
# meson install

def build_dir(ptrtag):
    env = os.environ.get('PTRTAG_BUILD_DIR')
    if env:
        return env
    return os.path.dirname(os.path.dirname(os.path.abspath(ptrtag)))


def check_install(tap, ptrtag):
    build = build_dir(ptrtag)
    if not tap.ok(os.path.isfile(os.path.join(build, 'build.ninja')),
                  'the build directory is known', build):
        return
    with tempfile.TemporaryDirectory(prefix='ptrtag-install-') as dest:
        p = subprocess.run(['meson', 'install', '-C', build, '--no-rebuild',
                            '--quiet', '--destdir', dest],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=120)
        if not tap.equal(p.returncode, 0, 'meson install --destdir',
                         p.stdout.decode(errors='replace')):
            return
        found = {}
        for root, _, files in os.walk(dest):
            for name in files:
                path = os.path.join(root, name)
                found[os.path.relpath(path, dest)] = path
        bins = [p for r, p in found.items() if r.endswith('bin/ptrtag')]
        tap.ok(len(bins) == 1 and os.access(bins[0], os.X_OK),
               'installs bin/ptrtag, executable', sorted(found))
        if bins:
            rc, out, _ = dnstest.run(bins[0], ['--version'], timeout=10)
            tap.ok(rc == 0 and out.startswith(b'ptrtag '), 'the installed '
                   'ptrtag runs')
        mans = [p for r, p in found.items()
                if r.endswith('man/man1/ptrtag.1')]
        with open(MAN, 'rb') as f:
            man = f.read()
        tap.ok(len(mans) == 1 and daemons.read_bytes(mans[0]) == man,
               'installs man/man1/ptrtag.1', sorted(found))
        sets_dir = os.path.join(SOURCE, 'patterns', 'sets')
        sets = sorted(n for n in (os.listdir(sets_dir)
                                  if os.path.isdir(sets_dir) else [])
                      if n.endswith('.pat'))
        if not sets:
            tap.skip('installs share/ptrtag/patterns/*.pat',
                     'patterns/sets/ holds no .pat file yet')
            return
        installed = sorted(os.path.basename(r) for r in found
                           if re.search(r'share/ptrtag/patterns/[^/]+\.pat$',
                                        r))
        tap.equal(installed, sets, 'installs share/ptrtag/patterns/*.pat: '
                  'every set of patterns/sets/')
        for name in ('sshd.pat', 'postfix.pat', 'nginx.pat', 'iptables.pat',
                     'haproxy.pat'):
            tap.ok(name in installed, 'pattern set %s installed (ptrtag.1)' %
                   name)


def main():
    daemons.run_tests(
        (None, [check_progress, check_help, check_version, check_mandoc,
                check_install]),
        show_versions=False)


if __name__ == '__main__':
    main()
