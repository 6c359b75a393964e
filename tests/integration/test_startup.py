#!/usr/bin/env python3
"""Start-up errors (ptrtag.1, EXIT STATUS): everything a user can get
wrong is found before any input is read, and ends ptrtag with exit
status 2 and exactly one line on stderr that names the culprit (the
file, the value, or both options), with nothing on stdout and no output
file touched.

- an input that is a directory (a FILE, or stdin redirected from one),
  or that cannot be opened (missing, or without read permission: run as
  nobody when the test runs as root);
- an output that is one of the inputs, by device and inode: -o naming
  the input itself, another spelling of its path, a symbolic link or a
  hard link to it, stdin as the input; stdout appended to the input;
  --cache-file naming the -o file or an input;
- options that another one leaves without effect (-f json --prefix,
  --extract -f json, --extract -s, --mmexternal --stats,
  --mmexternal --unordered, --mmexternal -f json, --extract --only);
- CIDRs with host bits set (the message names the network meant), and
  an --only range that a default --exclude range covers.

The server given (-s) is a port nobody listens on: a start-up error
must not need DNS.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnstest                                              # noqa: E402

DEAD = ['-s', '127.0.0.1:9', '-t', '100', '--tries', '1']
LOG = b'Nov 26 10:00:01 gw sshd[1]: from 203.0.113.45 port 22\n'


def one_line(err):
    return err.endswith(b'\n') and err.count(b'\n') == 1


def small_files():
    """A ptrtag that missed a loop (reading its own output) stops at
    1 MiB written to a file (SIGXFSZ) instead of filling the disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, cwd=None):
    """(rc, stdout, stderr), rc None after 10 s."""
    try:
        p = subprocess.run(argv, stdin=stdin, stdout=stdout,
                           stderr=subprocess.PIPE, cwd=cwd, timeout=10,
                           preexec_fn=small_files)
        return p.returncode, p.stdout or b'', p.stderr
    except subprocess.TimeoutExpired:
        return None, b'', b'[timed out]'


def expect_refused(tap, name, argv, culprits, stdin=None, cwd=None,
                   untouched=()):
    """Run ptrtag with argv; exit 2, one stderr line holding every string
    of culprits, no stdout, and each path of untouched unchanged."""
    before = {p: dnstest.read_bytes(p) for p in untouched}
    rc, out, err = run(argv, subprocess.DEVNULL if stdin is None else stdin,
                       cwd=cwd)
    missing = [c for c in culprits if c.encode() not in err]
    changed = [p for p in untouched if dnstest.read_bytes(p) != before[p]]
    tap.ok(rc == 2 and out == b'' and one_line(err) and not missing and
           not changed, '%s: exit 2, one line naming %s' % (
               name, ', '.join(culprits)),
           'rc %s, stdout %s\n  stderr %s\n  not named: %s\n  changed: %s'
           % (rc, dnstest.short(out), dnstest.short(err), missing, changed))


def check_inputs(tap, ptrtag):
    with tempfile.TemporaryDirectory(prefix='ptrtag-startup-') as d:
        sub = os.path.join(d, 'logs')
        os.mkdir(sub)
        expect_refused(tap, 'a directory as FILE', [ptrtag] + DEAD + [sub],
                       [sub + ': Is a directory'])
        good = os.path.join(d, 'good.log')
        with open(good, 'wb') as f:
            f.write(LOG)
        expect_refused(tap, 'a directory after a good FILE',
                       [ptrtag] + DEAD + [good, sub],
                       [sub + ': Is a directory'])
        dirin = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
        try:
            expect_refused(tap, 'stdin redirected from a directory',
                           [ptrtag] + DEAD, ['stdin: Is a directory'],
                           stdin=dirin)
        finally:
            os.close(dirin)
        missing = os.path.join(d, 'missing.log')
        expect_refused(tap, 'a missing FILE', [ptrtag] + DEAD + [missing],
                       [missing + ': No such file or directory'])
        check_unreadable(tap, ptrtag, d)


def check_unreadable(tap, ptrtag, d):
    """A FILE without read permission. Root reads anything, so as root
    ptrtag runs as nobody (setpriv, util-linux) on a file of mode 000."""
    secret = os.path.join(d, 'secret.log')
    with open(secret, 'wb') as f:
        f.write(LOG)
    os.chmod(secret, 0)
    os.chmod(d, 0o755)
    argv = [ptrtag] + DEAD + [secret]
    if os.geteuid() == 0:
        setpriv = shutil.which('setpriv')
        if setpriv is None:
            tap.skip('an unreadable FILE', 'root, and no setpriv to drop it')
            return
        argv = [setpriv, '--reuid=65534', '--regid=65534',
                '--clear-groups'] + argv
    expect_refused(tap, 'an unreadable FILE', argv,
                   [secret + ': Permission denied'])


def check_output_is_input(tap, ptrtag):
    with tempfile.TemporaryDirectory(prefix='ptrtag-startup-') as d:
        log = os.path.join(d, 'self.log')
        with open(log, 'wb') as f:
            f.write(LOG * 3)
        os.symlink('self.log', os.path.join(d, 'sym.log'))
        os.link(log, os.path.join(d, 'hard.log'))
        for name, out in (('the same name', 'self.log'),
                          ('another spelling', './logs/../self.log'),
                          ('a symbolic link to it', 'sym.log'),
                          ('a hard link to it', 'hard.log')):
            os.makedirs(os.path.join(d, 'logs'), exist_ok=True)
            expect_refused(tap, '-o is the input, by %s' % name,
                           [ptrtag] + DEAD + ['-o', out, 'self.log'],
                           ['-o %s' % out, 'the same file as the input '
                            'self.log'], cwd=d, untouched=[log])
        with open(log, 'rb') as stdin:
            expect_refused(tap, '-o is the file on stdin',
                           [ptrtag] + DEAD + ['-o', 'hard.log'],
                           ['-o hard.log', 'the input stdin'], stdin=stdin,
                           cwd=d, untouched=[log])
        for name, argv in (('', [ptrtag] + DEAD + [log]),
                           ('--extract ', [ptrtag, '--extract', log])):
            with open(log, 'ab') as out:
                rc, _, err = run(argv, stdout=out)
            tap.ok(rc == 2 and one_line(err) and
                   b'self.log: the same file as the standard output' in
                   err and dnstest.read_bytes(log) == LOG * 3,
                   '%sstdout appended to the input: exit 2, one line, '
                   'file untouched' % name, 'rc %s, %s' % (
                       rc, dnstest.short(err)))
            with open(log, 'wb') as f:
                f.write(LOG * 3)
        cache = os.path.join(d, 'out.log')
        expect_refused(tap, '--cache-file is the -o file',
                       [ptrtag] + DEAD + ['-o', cache, '--cache-file',
                                          cache, log],
                       ['--cache-file %s' % cache, 'the -o file'])
        expect_refused(tap, '--cache-file is an input',
                       [ptrtag] + DEAD + ['--cache-file',
                                          os.path.join(d, 'hard.log'),
                                          log],
                       ['--cache-file', 'the same file as the input'],
                       untouched=[log])


# (name, arguments, strings the one line must hold)
CONTRADICTIONS = [
    ('-f json --prefix x', ['-f', 'json', '--prefix', 'x'],
     ['--prefix', '-f']),
    ('--prefix x -f inline', ['--prefix', 'x', '-f', 'inline'],
     ['--prefix', '-f']),
    ('--extract -f json', ['--extract', '-f', 'json'],
     ['--format', '--extract']),
    ('--extract -s', ['--extract', '-s', '127.0.0.1'],
     ['--server', '--extract']),
    ('--extract --only', ['--extract', '--only', '192.0.2.0/24'],
     ['--only', '--extract']),
    ('--extract --stats', ['--extract', '--stats'], ['--stats', '--extract']),
    ('--extract --cache-file', ['--extract', '--cache-file', 'c'],
     ['--cache-file', '--extract']),
    ('--mmexternal --stats', ['--mmexternal', '--stats'],
     ['--stats', '--mmexternal']),
    ('--mmexternal --unordered', ['--mmexternal', '--unordered'],
     ['--unordered', '--mmexternal']),
    ('--mmexternal -f json', ['-f', 'json', '--mmexternal'],
     ['--format', '--mmexternal']),
    ('--mmexternal --progress', ['--mmexternal', '--progress'],
     ['--progress', '--mmexternal']),
    ('--omprog without -o', ['--omprog'], ['--omprog', '-o']),
]

# (name, arguments, strings the one line must hold)
BAD_CIDRS = [
    ('--only 10.0.0.1/8', ['--only', '10.0.0.1/8'],
     ['--only 10.0.0.1/8', 'host bits', '10.0.0.0/8']),
    ('--exclude 192.0.2.7/24 in a list',
     ['--exclude', '198.51.100.0/24,192.0.2.7/24'],
     ['--exclude', 'host bits', '192.0.2.0/24']),
    ('--exclude 2001:db8::1/64', ['--exclude', '2001:db8::1/64'],
     ['host bits', '2001:db8::/64']),
    ('--only inside a default --exclude range', ['--only', '127.0.0.1'],
     ['--only 127.0.0.1/32', '127.0.0.0/8', '--exclude none']),
    ('--only inside an --exclude range given',
     ['--exclude', '10.0.0.0/8', '--only', '10.9.0.0/16'],
     ['--only 10.9.0.0/16', '10.0.0.0/8']),
]


def check_options(tap, ptrtag):
    for name, args, culprits in CONTRADICTIONS + BAD_CIDRS:
        dns = [] if '--extract' in args else DEAD
        expect_refused(tap, name, [ptrtag] + dns + args, culprits,
                       stdin=subprocess.PIPE)
    # The same options alone, or in combinations that mean something,
    # are accepted: the refusals above come from the combination.
    for args in (['-f', 'kv', '--prefix', 'x_'], ['--extract', '-p', 'sshd',
                 '--progress=never'], ['--only', '10.0.0.0/8'],
                 ['--exclude', 'none', '--only', '127.0.0.1']):
        extract = '--extract' in args
        rc, out, err = dnstest.run(ptrtag, ([] if extract else DEAD) + args,
                                   b'from 192.0.2.1\n', timeout=20)
        tap.equal((rc, err), (0, b''), 'accepted: %s' % ' '.join(args),
                  dnstest.short(out))


def main():
    dnstest.run_tests(check_inputs, check_output_is_input, check_options,
                      absolute=True)


if __name__ == '__main__':
    main()
