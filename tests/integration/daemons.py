"""daemons: real log daemons for ptrtag's daemon tests.

Each class runs a private copy of a daemon from Debian's packages in a
temporary directory the test owns: its own configuration, sockets, pid
file, state and logs. Nothing system-wide is read or changed, no system
service is started or stopped, and every network socket is on 127.0.0.1.

- Rsyslog        rsyslogd -n, unpacked by get-rsyslog (not installed)
- SyslogNG       syslog-ng -F with its own control socket and persist file
- Unbound        unbound -d, a caching resolver forwarding to the test's
                 DNS server
- logger()       util-linux logger to a unix socket or UDP on 127.0.0.1
- zones()        the DNS data every daemon test serves with NSD, and
  expect()       the kv groups ptrtag appends for its addresses
- MESSAGES       the messages the tests log, with numbered(),
                 log_messages(), want_line(), check_file() and
                 check_stop() to send them and check what comes out
- mail_or_nxdomain()  a Responder handler's answers for 203.0.113.45
- wait_lines()   poll a file until it holds N lines, bounded
- run_tests()    dnstest.run_tests() for a daemon test
- helpers to find, signal and reap the daemons' children (ptrtag
  processes), by pid only

Every wait is bounded. On exit from a with-block the daemon and every
process it started are gone (SIGTERM, then SIGKILL by pid), and zombies
are reaped. Python standard library only.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import dnstest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get('PTRTAG_SOURCE_DIR') or \
    os.path.normpath(os.path.join(HERE, '..', '..'))
SAMPLES = os.path.join(SOURCE_ROOT, 'samples')
LOOPBACK = dnstest.LOOPBACK


# --------------------------------------------------------------------------
# DNS data shared by the daemon tests (served by a private NSD)

REVERSE = {
    '113.0.203.in-addr.arpa': [
        '45 PTR mail.example.com.',
        '46 PTR 203-0-113-46.dyn.example.net.',
    ],
    '100.51.198.in-addr.arpa': [
        # 198.51.100.7 has no PTR: none
        '23 PTR web.example.net.',          # web -> another address: fail
    ],
    '2.0.192.in-addr.arpa': [
        '66 PTR 192.0.2.66.',               # an IP literal: permerror
    ],
    '8.b.d.0.1.0.0.2.ip6.arpa': [
        '%s. PTR mx6.example.net.' % dnstest.reverse_name('2001:db8::25'),
    ],
    '10.in-addr.arpa': [
        '5.0.0 PTR intranet.corp.example.com.',
    ],
}
FORWARD = {
    'example.com': [
        'mail A 203.0.113.45',
        'intranet.corp A 10.0.0.5',
    ],
    'example.net': [
        'web A 198.51.100.99',
        '203-0-113-46.dyn A 203.0.113.46',
        'mx6 AAAA 2001:db8::25',
    ],
}

# ip -> (verdict, host, generic) as ptrtag reports them against zones()
VERDICTS = {
    '203.0.113.45': ('pass', 'mail.example.com', False),
    '203.0.113.46': ('pass', '203-0-113-46.dyn.example.net', True),
    '198.51.100.7': ('none', None, False),
    '198.51.100.23': ('fail', 'web.example.net', False),
    '192.0.2.66': ('permerror', None, False),
    '2001:db8::25': ('pass', 'mx6.example.net', False),
    '10.0.0.5': ('pass', 'intranet.corp.example.com', False),
}


def zones():
    """{zone: zone file text} for dnstest.NSD."""
    out = {}
    for origin, records in list(REVERSE.items()) + list(FORWARD.items()):
        out[origin] = dnstest.make_zone(origin, records)
    return out


def group(ip, verdict=None):
    """The kv group (leading space included) for ip, as bytes."""
    v, host, generic = VERDICTS[ip]
    if verdict is not None:
        v = verdict
    return dnstest.kv(ip, v, host, generic=generic and v == 'pass')


def expect(line, *ips):
    """line (bytes, newline-terminated) as ptrtag writes it in kv."""
    return dnstest.annotate(line, *(group(ip) for ip in ips))


def rdns_json(*ips):
    """The "rdns" array ptrtag's JSON formats carry for these addresses."""
    out = []
    for ip in ips:
        v, host, generic = VERDICTS[ip]
        item = {'ip': ip}
        if host:
            item['host'] = host
        item['fcrdns'] = v
        item['generic'] = bool(generic)
        out.append(item)
    return out


def mail_or_nxdomain(qname, qtype, msg):
    """A Responder handler (or the end of one) serving one address of
    zones(): 203.0.113.45's PTR names mail.example.com, whose A record
    confirms it (pass); every other question gets NXDOMAIN."""
    if qtype == 'PTR' and qname == dnstest.reverse_name('203.0.113.45'):
        return dnstest.answer(msg, [('PTR', None, 'mail.example.com')])
    if qtype == 'A' and qname == 'mail.example.com':
        return dnstest.answer(msg, [('A', None, '203.0.113.45')])
    return dnstest.nxdomain(msg, 'example.com')


def rdns_props(ips):
    """The message properties ($!) rsyslog's mmexternal takes from
    ptrtag's reply for a message with these addresses: "rdns" and
    "related" (whose "hosts" are the confirmed names, and absent when
    there is none); none ({}) for a message without any."""
    if not ips:
        return {}
    hosts = []
    for ip in ips:
        v, host = VERDICTS[ip][:2]
        if v == 'pass' and host not in hosts:
            hosts.append(host)
    related = {'ip': list(ips)}
    if hosts:
        related['hosts'] = hosts
    return {'rdns': rdns_json(*ips), 'related': related}


# --------------------------------------------------------------------------
# Messages the daemon tests log, and what comes out

# ptrtag's timing options where the daemon tests run it against NSD.
ARGS = '-t 500 --tries 2 -d 3000'

# (message text, addresses ptrtag annotates, in order)
MESSAGES = [
    ('Failed password for root from 203.0.113.45 port 22 ssh2',
     ['203.0.113.45']),
    ('Accepted publickey for bob from 2001:db8::25 port 22 ssh2',
     ['2001:db8::25']),
    ('Invalid user admin from 198.51.100.7 port 4242', ['198.51.100.7']),
    ('Connection closed by 198.51.100.23 port 1 [preauth]',
     ['198.51.100.23']),
    ('pam_unix(sshd:session): session opened for user bob', []),
    ('Failed password for x from 192.0.2.66 port 3 ssh2 via 203.0.113.46',
     ['192.0.2.66', '203.0.113.46']),
]


def numbered(prefix, count, start=0, messages=MESSAGES):
    """[(text, ips)] cycling through messages, each text unique (prefix
    and number in front)."""
    out = []
    for i in range(start, start + count):
        text, ips = messages[i % len(messages)]
        out.append(('%s%03d %s' % (prefix, i, text), ips))
    return out


def want_line(text, ips, tag='sshd'):
    """The line ptrtag writes for a message logged with tag, when the
    daemon hands it over as "TAG: MESSAGE"."""
    return expect(('%s: %s\n' % (tag, text)).encode(), *ips)


def log_messages(msgs, sock=None, port=None):
    """Log the texts of msgs ([(text, ips)], as numbered() makes them)
    with logger(); returns the lines ptrtag writes for them
    (want_line())."""
    logger([t for t, _ in msgs], sock=sock, port=port)
    return [want_line(t, ips) for t, ips in msgs]


def check_file(tap, path, wanted, name, timeout=30, context=None):
    """One case: wait for len(wanted) lines in path, then compare line by
    line; context(), if given, adds to the diagnostics. Returns (passed,
    the lines read)."""
    got = wait_lines(path, len(wanted), timeout)
    ok = tap.ok(got == wanted, name, lambda: '%s%s' % (
        dnstest.first_difference(got, wanted),
        '\n' + context() if context else ''))
    return ok, got


def check_stop(tap, daemon, stops, exits):
    """Two cases: the daemon stops with status 0 (named stops), and the
    ptrtag processes it ran are gone with it, nothing left running (named
    exits)."""
    children = daemon.children()
    tap.equal(daemon.stop(), 0, stops)
    tap.ok(children and not daemon.leftovers(), exits,
           'children %s, left %s' % (children, daemon.leftovers()))


# --------------------------------------------------------------------------
# Files and waiting

read_bytes = dnstest.read_bytes


def read_text(path, limit=4000):
    """A file's tail as text, for diagnostics."""
    data = read_bytes(path)
    text = data[-limit:].decode('utf-8', 'replace')
    return ('...' if len(data) > limit else '') + text


def wait_until(predicate, timeout, step=0.05):
    """dnstest.wait_until, polling the daemons' files every 50 ms."""
    return dnstest.wait_until(predicate, timeout, step)


def wait_lines(path, count, timeout):
    """Wait until path holds at least count complete lines; returns the
    lines (terminators kept) seen at the end of the wait."""
    def lines():
        return dnstest.split_lines(read_bytes(path))
    wait_until(lambda: sum(1 for l in lines() if l.endswith(b'\n'))
               >= count, timeout)
    return lines()


def wait_stable(path, quiet=0.5, timeout=10):
    """Wait until path has not grown for `quiet` seconds (bounded)."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        size = len(read_bytes(path))
        if size != last:
            last, since = size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.05)
    return read_bytes(path)


def substitute(text, values):
    """Replace @NAME@ placeholders; every placeholder must be given."""
    for name, value in values.items():
        text = text.replace('@%s@' % name, str(value))
    left = sorted(set(re.findall(r'@[A-Z_]+@', text)))
    if left:
        raise ValueError('placeholders left unsubstituted: %s' % left)
    return text


def sample(name):
    with open(os.path.join(SAMPLES, name)) as f:
        return f.read()


def wrapper(directory, ptrtag, stderr_path, name='ptrtag'):
    """A script that runs ptrtag with its stderr appended to stderr_path.

    Daemons send a child's stderr to /dev/null; the tests want to see it
    (a sanitizer report, a warning). exec keeps the pid, and the process
    name becomes ptrtag's own. Absolute paths only: rsyslog's mmexternal
    runs programs with an empty environment."""
    path = os.path.join(directory, name)
    with open(path, 'w') as f:
        f.write('#!/bin/sh\nexec %s "$@" 2>>%s\n' % (
            shell_quote(ptrtag), shell_quote(stderr_path)))
    os.chmod(path, 0o755)
    return path


def shell_quote(text):
    if re.fullmatch(r'[A-Za-z0-9_./:@%+=,-]+', text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


# --------------------------------------------------------------------------
# logger (util-linux)

def logger(messages, sock=None, port=None, tag='sshd', priority='auth.info',
           timeout=30, size=None):
    """Send messages (str or list of str) with logger, one message per
    line of its standard input: to the unix socket sock, or over UDP to
    127.0.0.1:port in RFC 3164 format; size raises logger's message size
    limit (1 KiB). Raises on failure."""
    if isinstance(messages, str):
        messages = [messages]
    argv = ['logger', '-t', tag, '-p', priority]
    if size is not None:
        argv += ['--size', str(size)]
    if sock is not None:
        argv += ['-u', sock]
    elif port is not None:
        argv += ['-n', LOOPBACK, '-P', str(port), '-d', '--rfc3164']
    else:
        raise ValueError('logger: no socket and no port')
    data = ''.join(m + '\n' for m in messages).encode()
    p = subprocess.run(argv, input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError('logger failed (%d): %s' % (
            p.returncode, p.stderr.decode(errors='replace')))


class PacedLogger(threading.Thread):
    """logger fed one message every `interval` seconds, in a thread, so
    a test can act while messages flow. join() it; .error holds a
    failure."""

    def __init__(self, messages, sock, interval, tag='sshd',
                 priority='auth.info'):
        super().__init__(daemon=True)
        self.messages = list(messages)
        self.interval = interval
        self.argv = ['logger', '-t', tag, '-p', priority, '-u', sock]
        self.error = None

    def run(self):
        try:
            p = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
            for m in self.messages:
                p.stdin.write(m.encode() + b'\n')
                p.stdin.flush()
                time.sleep(self.interval)
            p.stdin.close()
            err = p.stderr.read()
            if p.wait(timeout=30) != 0:
                self.error = 'logger failed: %r' % err
        except Exception as e:              # reported by the test
            self.error = repr(e)


def send_datagram(sock, payload):
    """One raw datagram to a unix socket (for messages logger won't
    send, such as an empty one)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(payload, sock)


# --------------------------------------------------------------------------
# Processes

def _stat(pid):
    """(ppid, starttime, state, comm) of pid, or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            stat = f.read()
    except OSError:
        return None
    comm = stat[stat.index('(') + 1:stat.rindex(')')]
    fields = stat[stat.rindex(')') + 2:].split()
    return int(fields[1]), int(fields[19]), fields[0], comm


def _all_pids():
    return [int(e) for e in os.listdir('/proc') if e.isdigit()]


def descendants(pid):
    """[(pid, starttime, comm)] of every live process below pid."""
    children = {}
    for p in _all_pids():
        st = _stat(p)
        if st is not None:
            children.setdefault(st[0], []).append((p, st[1], st[2], st[3]))
    out, todo = [], [pid]
    while todo:
        for child, start, state, comm in children.get(todo.pop(), []):
            if state != 'Z':
                out.append((child, start, comm))
            todo.append(child)
    return out


def children_named(pid, name='ptrtag'):
    """Pids of live processes below pid whose name is name."""
    return [p for p, _, comm in descendants(pid) if comm == name]


def direct_children(pid, name):
    """Pids of live processes whose parent is pid and name is name."""
    out = []
    for p in _all_pids():
        st = _stat(p)
        if st is not None and st[0] == pid and st[2] != 'Z' and \
                st[3] == name:
            out.append(p)
    return out


def alive(pid, start=None):
    st = _stat(pid)
    return st is not None and st[2] != 'Z' and \
        (start is None or st[1] == start)


def kill_pid(pid, start, sig):
    """Signal pid only if it is still the process seen (same start)."""
    if alive(pid, start):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def reap(pids, timeout=5):
    """Reap those of pids that are our children (we are a subreaper, so
    orphans of the daemons become ours); bounded."""
    deadline = time.monotonic() + timeout
    pending = set(pids)
    while pending and time.monotonic() < deadline:
        for pid in list(pending):
            st = _stat(pid)
            if st is None:
                pending.discard(pid)
            elif st[0] == os.getpid():
                try:
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        pending.discard(pid)
                except ChildProcessError:
                    pending.discard(pid)
            elif st[2] == 'Z':
                pending.discard(pid)        # its own parent reaps it
        if pending:
            time.sleep(0.02)


def has_open(pids, path):
    """True when one of pids has path open (e.g. tail -F following it)."""
    for pid in pids:
        try:
            for fd in os.listdir('/proc/%d/fd' % pid):
                if os.readlink('/proc/%d/fd/%s' % (pid, fd)) == path:
                    return True
        except OSError:
            pass
    return False


def udp_port_bound(port):
    """True when something is bound to 127.0.0.1:port/udp."""
    needle = ':%04X' % port
    try:
        with open('/proc/net/udp') as f:
            next(f)
            for line in f:
                local = line.split()[1]
                if local.endswith(needle):
                    return True
    except OSError:
        pass
    return False


def _die_with_parent(argv):
    """argv run so that the daemon gets SIGTERM when the test process
    dies (util-linux setpriv --pdeathsig, kept across its exec): a test
    killed by its timeout leaves no daemon behind."""
    setpriv = shutil.which('setpriv')
    if setpriv is None:
        return argv
    return [setpriv, '--pdeathsig', 'TERM', '--'] + argv


def cleanup_on_signals():
    """Turn SIGTERM and SIGINT (meson's timeout, ^C) into SystemExit, so
    the with-blocks stop their daemons and remove their directories."""
    def stop(signum, frame):
        raise SystemExit('killed by signal %d' % signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


class Daemon(dnstest.Service):
    """A daemon in the foreground, in its own session, with stdout and
    stderr in files of its directory. Subclasses fill argv() and
    ready(). In a with-block: prepare() and start() on entry, stop() on
    exit (dnstest.Service)."""

    name = 'daemon'
    stop_timeout = 15.0

    def __init__(self, directory, conf, startup_timeout=15.0):
        self.dir = directory
        self.startup_timeout = startup_timeout
        self.proc = None
        self.known = []         # (pid, start) of every process seen below
        self.stdout_path = os.path.join(directory, self.name + '.stdout')
        self.conf_text = conf   # the configuration, written to self.conf
        self.conf = os.path.join(directory, self.name + '.conf')

    def argv(self):
        raise NotImplementedError

    def ready(self):
        return True

    def prepare(self):
        """Write configuration, check it; may raise."""

    def write_conf(self, text=None):
        """Write self.conf_text (replaced by text, when given) to
        self.conf."""
        if text is not None:
            self.conf_text = text
        with open(self.conf, 'w') as f:
            f.write(self.conf_text)

    def check_conf(self, argv, what):
        """Run argv, the daemon's own check of self.conf (named what);
        raise with its output and the configuration when it fails."""
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=30)
        if p.returncode != 0:
            raise RuntimeError('%s rejects the configuration:\n%s\n--- '
                               '%s\n%s' % (what,
                                           p.stdout.decode(errors='replace'),
                                           self.conf, self.conf_text))

    def log(self):
        """Diagnostics: what the daemon said so far."""
        return read_text(self.stdout_path)

    def setup(self):
        self.prepare()
        self.start()

    def teardown(self):
        self.stop()

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self):
        out = open(self.stdout_path, 'ab')
        try:
            self.proc = subprocess.Popen(
                _die_with_parent(self.argv()), stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=self.dir)
        finally:
            out.close()
        deadline = time.monotonic() + self.startup_timeout
        while not self.ready():
            if self.proc.poll() is not None:
                raise RuntimeError('%s exited with %s:\n%s' % (
                    self.name, self.proc.returncode, self.log()))
            if time.monotonic() > deadline:
                raise RuntimeError('%s not ready after %.0fs:\n%s' % (
                    self.name, self.startup_timeout, self.log()))
            time.sleep(0.05)

    def remember_children(self):
        """Note every process below the daemon now (for cleanup)."""
        if self.proc is None:
            return []
        seen = descendants(self.proc.pid)
        for pid, start, _ in seen:
            if (pid, start) not in self.known:
                self.known.append((pid, start))
        return seen

    def children(self, name='ptrtag'):
        self.remember_children()
        return children_named(self.proc.pid, name) if self.proc else []

    def signal(self, sig):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self):
        """SIGTERM, wait, SIGKILL; then make sure nothing it started is
        left (by pid), and reap. Returns the exit status or None."""
        if self.proc is None:
            return None
        self.remember_children()
        rc = self.proc.poll()
        if rc is None:
            self.proc.terminate()
            try:
                rc = self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.remember_children()
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.proc.kill()
                self.proc.wait(timeout=5)
                rc = None
        # Children in their own process groups (syslog-ng's program()s)
        # or left behind: give them a moment to finish, then kill.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and \
                any(alive(p, s) for p, s in self.known):
            time.sleep(0.05)
        for pid, start in self.known:
            kill_pid(pid, start, signal.SIGKILL)
        reap([p for p, _ in self.known])
        self.proc = None
        return rc

    def leftovers(self):
        """Processes it started that are still alive (should be none)."""
        return [p for p, s in self.known if alive(p, s)]


# --------------------------------------------------------------------------
# rsyslog

def find_rsyslogd():
    """(rsyslogd path, module dir) from get-rsyslog, or raise with its
    message. get-rsyslog fetches the package only when its cache is
    empty; tests/deps fills the cache before the suite runs."""
    p = subprocess.run([os.path.join(HERE, 'get-rsyslog')],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    lines = p.stdout.decode().split('\n')
    if p.returncode != 0 or len(lines) < 2 or not lines[0]:
        raise RuntimeError('no rsyslogd: %s' % p.stderr.decode(
            errors='replace'))
    return lines[0], lines[1]


class SyslogDaemon(Daemon):
    """What rsyslogd and syslog-ng have in common here: the unix sockets
    (sockets) and UDP ports (udp_ports) the configuration listens on,
    which ready() waits for, and the daemon's own messages in
    self.internal_log, which the configuration routes there."""

    def __init__(self, directory, conf, sockets=(), udp_ports=()):
        super().__init__(directory, conf)
        self.sockets = list(sockets)
        self.udp_ports = list(udp_ports)
        self.internal_log = os.path.join(directory,
                                         self.name + '-internal.log')

    def listening(self):
        """Every socket and port of the configuration is there."""
        return (all(os.path.exists(s) for s in self.sockets) and
                all(udp_port_bound(p) for p in self.udp_ports))

    def log(self):
        return '%s\n--- internal log:\n%s' % (
            read_text(self.stdout_path), read_text(self.internal_log))


class Rsyslog(SyslogDaemon):
    """rsyslogd -n with the given configuration text.

    The test's configuration should route rsyslog's own messages to
    self.internal_log (see PREAMBLE). ready() waits for the pid file and
    for every unix socket in sockets / UDP port in udp_ports."""

    name = 'rsyslog'

    PREAMBLE = '''\
# processInternalMessages: rsyslog handles its own messages itself (the
# default sends them to the system log socket or journal).
global(workDirectory="{dir}" maxMessageSize="64k"
       processInternalMessages="on")
main_queue(queue.workerThreads="1")
# rsyslog's own messages (omprog restarts, mmexternal errors) go here,
# never to the test's outputs.
if $inputname == "rsyslogd" then {{
  action(type="omfile" file="{internal}")
  stop
}}
'''

    def __init__(self, directory, conf, sockets=(), udp_ports=(),
                 binary=None):
        super().__init__(directory, conf, sockets, udp_ports)
        self.pidfile = os.path.join(directory, 'rsyslogd.pid')
        self.binary, self.moddir = binary or find_rsyslogd()

    @classmethod
    def preamble(cls, directory):
        return cls.PREAMBLE.format(
            dir=directory,
            internal=os.path.join(directory, cls.name + '-internal.log'))

    def prepare(self):
        self.write_conf()
        self.check_conf([self.binary, '-N1', '-f', self.conf,
                         '-M', self.moddir], 'rsyslogd -N1')

    def argv(self):
        return [self.binary, '-n', '-f', self.conf, '-i', self.pidfile,
                '-M', self.moddir]

    def ready(self):
        return os.path.exists(self.pidfile) and self.listening()


# --------------------------------------------------------------------------
# syslog-ng

class SyslogNG(SyslogDaemon):
    """syslog-ng -F with its own control socket, persist file and pid
    file. ready() waits for the control socket and every unix socket in
    sockets."""

    name = 'syslog-ng'
    BINARY = '/usr/sbin/syslog-ng'
    CTL = '/usr/sbin/syslog-ng-ctl'

    def __init__(self, directory, conf, sockets=(), udp_ports=()):
        super().__init__(directory, conf, sockets, udp_ports)
        self.pidfile = os.path.join(directory, 'syslog-ng.pid')
        self.control = os.path.join(directory, 'syslog-ng.ctl')
        self.persist = os.path.join(directory, 'syslog-ng.persist')

    def prepare(self):
        self.write_conf()
        self.check_conf([self.BINARY, '--syntax-only', '-f', self.conf],
                        'syslog-ng --syntax-only')

    def argv(self):
        return [self.BINARY, '-F', '--no-caps', '-f', self.conf,
                '-R', self.persist, '-p', self.pidfile, '-c', self.control]

    def ready(self):
        return (os.path.exists(self.control) and
                os.path.exists(self.pidfile) and self.listening())

    def ctl(self, *args, timeout=30):
        """syslog-ng-ctl ARGS -c CONTROL: (rc, output)."""
        p = subprocess.run([self.CTL] + list(args) + ['-c', self.control],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return p.returncode, p.stdout.decode(errors='replace')

    @staticmethod
    def version():
        p = subprocess.run([SyslogNG.BINARY, '--version'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=10)
        m = re.search(r'syslog-ng \S+ \(([^)]+)\)', p.stdout.decode())
        return m.group(1) if m else '?'


# --------------------------------------------------------------------------
# unbound

class Unbound(Daemon):
    """unbound -d -c CONF, listening on 127.0.0.1:port. ready() waits
    until it answers a query it resolves locally (localhost), so the
    readiness check sends nothing upstream."""

    name = 'unbound'
    BINARY = '/usr/sbin/unbound'

    def __init__(self, directory, conf, port):
        super().__init__(directory, conf)
        self.port = port
        self.server = '%s:%d' % (LOOPBACK, port)

    def prepare(self):
        self.write_conf()
        self.check_conf(['/usr/sbin/unbound-checkconf', self.conf],
                        'unbound-checkconf')

    def argv(self):
        return [self.BINARY, '-d', '-c', self.conf]

    def ready(self):
        try:
            r = dnstest.query(self.port, 'localhost', 'A', timeout=0.2)
        except OSError:
            return False
        return r.rcode == 0

    def log(self):
        return '%s\n--- unbound.log:\n%s' % (
            read_text(self.stdout_path),
            read_text(os.path.join(self.dir, 'unbound.log')))


# --------------------------------------------------------------------------
# Versions, for the TAP header

def versions():
    """'rsyslogd 8.x, syslog-ng 3.x, ...' for a diagnostic line."""
    def first_line(argv, pattern):
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return '?'
        m = re.search(pattern, p.stdout.decode(errors='replace'))
        return m.group(1) if m else '?'
    out = []
    try:
        out.append('rsyslogd ' + first_line([find_rsyslogd()[0], '-v'],
                                            r'rsyslogd\s+(\S+)'))
    except Exception:
        out.append('rsyslogd ?')
    out.append('syslog-ng ' + SyslogNG.version())
    out.append('unbound ' + first_line([Unbound.BINARY, '-V'],
                                       r'Version (\S+)'))
    out.append('logrotate ' + first_line(['logrotate', '--version'],
                                         r'logrotate (\S+)'))
    out.append('logger ' + first_line(['logger', '-V'], r'util-linux (\S+)'))
    out.append('nsd ' + first_line([dnstest.NSD.BINARY, '-v'],
                                   r'NSD version (\S+)'))
    return ', '.join(out)


def run_tests(*groups, show_versions=True, handler_check=True):
    """dnstest.run_tests() for a daemon test: SIGTERM and SIGINT stop the
    daemons (cleanup_on_signals()), ptrtag by its absolute path (the
    daemons run it from their own directories), and with show_versions
    the daemons' versions as a diagnostic."""
    cleanup_on_signals()
    dnstest.run_tests(*groups, absolute=True,
                      diag=(lambda: 'daemons: ' + versions())
                      if show_versions else None,
                      handler_check=handler_check)


class TempDir:
    """A temporary directory removed on exit (even when daemons left
    sockets in it)."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.path = None

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix=self.prefix)
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)
        return False
