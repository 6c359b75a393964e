"""dnstest: the harness behind ptrtag's integration tests.

Everything here talks only to 127.0.0.1 on ports it picked itself:

- free_port()            a port free for both UDP and TCP on 127.0.0.1
- Service                the with-block frame of a started server (NSD,
                         and the daemons of daemons.py)
- NSD                    a real authoritative server, started fresh per use
- Responder              a scripted DNS server whose answers a Python handler
                         chooses (reply bytes, silence, or a delayed reply)
- reply builders         answer(), nxdomain(), nodata(), servfail(), ...
- query()                a tiny DNS client (used to wait for NSD, and to
                         check the harness itself)
- read_bytes(),          a file's contents; polling a condition, bounded
  wait_until()
- run(), Stream, Feeder  run ptrtag with bounded time, at once or streaming;
                         feed its input from a thread
- TAP                    a minimal TAP producer for meson's 'tap' protocol
- run_tests()            a test file's main(): the binary checked, cases
                         run guarded against their server, the plan

Python standard library only.
"""

import collections
import datetime
import heapq
import ipaddress
import os
import random
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

LOOPBACK = '127.0.0.1'

# --------------------------------------------------------------------------
# DNS wire format: just what the tests need.

TYPE_CODES = {
    'A': 1, 'NS': 2, 'CNAME': 5, 'SOA': 6, 'PTR': 12, 'MX': 15, 'TXT': 16,
    'AAAA': 28, 'OPT': 41, 'ANY': 255,
}
TYPE_NAMES = {code: name for name, code in TYPE_CODES.items()}

RCODE_CODES = {'NOERROR': 0, 'FORMERR': 1, 'SERVFAIL': 2, 'NXDOMAIN': 3,
               'NOTIMP': 4, 'REFUSED': 5}
RCODE_NAMES = {code: name for name, code in RCODE_CODES.items()}

FLAG_QR = 0x8000
FLAG_AA = 0x0400
FLAG_TC = 0x0200
FLAG_RD = 0x0100
FLAG_RA = 0x0080

CLASS_IN = 1


def type_code(rtype):
    """'PTR' -> 12; integers pass through."""
    return rtype if isinstance(rtype, int) else TYPE_CODES[rtype.upper()]


def type_name(code):
    """12 -> 'PTR'; unknown codes become 'TYPEnn' (RFC 3597 style)."""
    return TYPE_NAMES.get(code, 'TYPE%d' % code)


def encode_labels(labels):
    """Wire form of a name given as a list of raw labels (bytes or str).

    No validation beyond the wire limits, so a test can build names no
    zone file could hold (spaces, '=' or control bytes inside a label)."""
    out = bytearray()
    for label in labels:
        raw = label.encode('latin-1') if isinstance(label, str) else label
        if not 0 < len(raw) < 64:
            raise ValueError('label length %d' % len(raw))
        out.append(len(raw))
        out += raw
    out.append(0)
    return bytes(out)


def encode_name(name):
    """Wire form of a dotted name; '.' or '' is the root."""
    if isinstance(name, bytes):
        name = name.decode('latin-1')
    name = name.rstrip('.')
    return encode_labels(name.split('.') if name else [])


def read_name(msg, offset):
    """Decode a possibly compressed name at offset.

    Returns (name as lower-case dotted text without trailing dot, offset
    just past the name in the original position)."""
    labels = []
    end = None
    hops = 0
    while True:
        if offset >= len(msg):
            raise ValueError('name runs past the message')
        length = msg[offset]
        if length & 0xC0 == 0xC0:
            if offset + 1 >= len(msg) or hops > 64:
                raise ValueError('bad compression pointer')
            if end is None:
                end = offset + 2
            offset = ((length & 0x3F) << 8) | msg[offset + 1]
            hops += 1
            continue
        if length & 0xC0:
            raise ValueError('bad label type')
        offset += 1
        if length == 0:
            break
        labels.append(msg[offset:offset + length].decode('latin-1'))
        offset += length
    name = '.'.join(labels).lower()
    return name, (end if end is not None else offset)


def reverse_name(ip):
    """'192.0.2.1' -> '1.2.0.192.in-addr.arpa' (no trailing dot)."""
    return ipaddress.ip_address(ip).reverse_pointer


Question = collections.namedtuple(
    'Question', 'msgid flags qname qtype qclass wire end')


def parse_question(msg):
    """Parse the header and first question of a query (or a reply).

    qname is lower-case text; wire is the question section exactly as
    sent (so replies echo the client's spelling, 0x20 case included)."""
    if len(msg) < 12:
        raise ValueError('short message')
    msgid, flags, qdcount = struct.unpack('!HHH', msg[:6])
    if qdcount < 1:
        raise ValueError('no question')
    qname, offset = read_name(msg, 12)
    if offset + 4 > len(msg):
        raise ValueError('truncated question')
    qtype, qclass = struct.unpack('!HH', msg[offset:offset + 4])
    return Question(msgid, flags, qname, qtype, qclass,
                    msg[12:offset + 4], offset + 4)


# ----- records

def rr(owner, rtype, rdata, ttl=300):
    """One resource record in wire form; owner is a name or raw wire."""
    owner_wire = owner if isinstance(owner, (bytes, bytearray)) \
        and owner.endswith(b'\0') else encode_name(owner)
    return owner_wire + struct.pack('!HHIH', type_code(rtype), CLASS_IN,
                                    ttl, len(rdata)) + rdata


def rr_ptr(owner, target, ttl=300):
    return rr(owner, 'PTR', encode_name(target), ttl)


def rr_cname(owner, target, ttl=300):
    return rr(owner, 'CNAME', encode_name(target), ttl)


def rr_a(owner, ip, ttl=300):
    return rr(owner, 'A', ipaddress.IPv4Address(ip).packed, ttl)


def rr_aaaa(owner, ip, ttl=300):
    return rr(owner, 'AAAA', ipaddress.IPv6Address(ip).packed, ttl)


def rr_soa(zone, minimum=300, ttl=300):
    rdata = (encode_name('ns1.' + zone.rstrip('.')) +
             encode_name('hostmaster.' + zone.rstrip('.')) +
             struct.pack('!IIIII', 1, 3600, 600, 86400, minimum))
    return rr(zone, 'SOA', rdata, ttl)


# ----- replies built from a query

def reply(query, answers=(), authority=(), rcode=0, aa=True, tc=False):
    """A reply to query: same id and question, QR set, RD copied.

    answers/authority are lists of rr() bytes."""
    q = parse_question(query)
    flags = FLAG_QR | (q.flags & 0x7800) | (q.flags & FLAG_RD) | FLAG_RA
    if aa:
        flags |= FLAG_AA
    if tc:
        flags |= FLAG_TC
    if isinstance(rcode, str):
        rcode = RCODE_CODES[rcode]
    flags |= rcode & 0xF
    header = struct.pack('!HHHHHH', q.msgid, flags, 1, len(answers),
                         len(authority), 0)
    return header + q.wire + b''.join(answers) + b''.join(authority)


def answer(query, records, ttl=300):
    """NOERROR with records given as (kind, owner, value) tuples, kind one
    of 'PTR', 'A', 'AAAA', 'CNAME'; owner None means the query name as the
    client spelled it."""
    q = parse_question(query)
    builders = {'PTR': rr_ptr, 'A': rr_a, 'AAAA': rr_aaaa, 'CNAME': rr_cname}
    rrs = []
    for kind, owner, value in records:
        owner_wire = q.wire[:-4] if owner is None else encode_name(owner)
        rrs.append(builders[kind](owner_wire, value, ttl))
    return reply(query, rrs)


def nxdomain(query, zone, minimum=300):
    """NXDOMAIN with the zone's SOA in the authority section (RFC 2308)."""
    return reply(query, authority=[rr_soa(zone, minimum)], rcode='NXDOMAIN')


def nodata(query, zone, minimum=300):
    """NOERROR, no answer, the zone's SOA in authority (RFC 2308 NODATA)."""
    return reply(query, authority=[rr_soa(zone, minimum)])


def servfail(query):
    return reply(query, rcode='SERVFAIL', aa=False)


def refused(query):
    return reply(query, rcode='REFUSED', aa=False)


def truncated(query):
    """An empty reply with TC set: 'ask me again over TCP'."""
    return reply(query, tc=True)


def malformed(query):
    """Same id, QR set, claims one answer that is not there."""
    q = parse_question(query)
    header = struct.pack('!HHHHHH', q.msgid, FLAG_QR | FLAG_AA, 1, 1, 0, 0)
    return header + q.wire + b'\xc0'


# --------------------------------------------------------------------------
# A tiny DNS client, for readiness checks and harness self-tests.

Response = collections.namedtuple('Response', 'rcode flags answers raw')


def parse_response(msg):
    """Parse a reply: rcode, flags and answers as (name, type, value)
    with value decoded for A/AAAA/PTR/CNAME and raw bytes otherwise."""
    q = parse_question(msg)
    ancount = struct.unpack('!H', msg[6:8])[0]
    offset = q.end
    answers = []
    for _ in range(ancount):
        name, offset = read_name(msg, offset)
        rtype, _, _, rdlen = struct.unpack('!HHIH', msg[offset:offset + 10])
        offset += 10
        rdata = msg[offset:offset + rdlen]
        if rtype in (TYPE_CODES['PTR'], TYPE_CODES['CNAME']):
            value = read_name(msg, offset)[0]
        elif rtype in (TYPE_CODES['A'], TYPE_CODES['AAAA']):
            value = str(ipaddress.ip_address(rdata))
        else:
            value = rdata
        answers.append((name, type_name(rtype), value))
        offset += rdlen
    return Response(q.flags & 0xF, q.flags, answers, msg)


def build_query(qname, qtype, msgid=None, rd=False):
    msgid = random.randrange(65536) if msgid is None else msgid
    header = struct.pack('!HHHHHH', msgid, FLAG_RD if rd else 0, 1, 0, 0, 0)
    return header + encode_name(qname) + struct.pack('!HH', type_code(qtype),
                                                     CLASS_IN)


def query(port, qname, qtype, tcp=False, timeout=1.0, host=LOOPBACK):
    """Ask host:port one question; returns a Response or raises OSError
    (socket.timeout included) when no reply came within timeout."""
    msg = build_query(qname, qtype)
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    if tcp:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(struct.pack('!H', len(msg)) + msg)
            length = struct.unpack('!H', _recv_exact(s, 2))[0]
            return parse_response(_recv_exact(s, length))
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(msg, (host, port))
        while True:
            data, _ = s.recvfrom(65535)
            if data[:2] == msg[:2]:
                return parse_response(data)


def _recv_exact(sock, count):
    data = b''
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError('closed after %d bytes' % len(data))
        data += chunk
    return data


# --------------------------------------------------------------------------
# Ports

def free_port():
    """A port on 127.0.0.1 that is free for UDP and for TCP right now."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((LOOPBACK, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((LOOPBACK, port))
                except OSError:
                    continue
                return port
    raise RuntimeError('no free port on %s' % LOOPBACK)


# The responder's UDP buffers: a burst of -j queries (1 KiB each, as the
# kernel counts them) must not overflow while the Python thread is busy,
# or queries are lost by accident, not by the test's design. As root the
# FORCE options pass net.core.rmem_max and wmem_max; otherwise the kernel
# holds the size at them.
RESPONDER_SOCKBUF = 4 << 20
SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33     # Linux <asm/socket.h>


def _big_buffers(sock):
    for force, plain in ((SO_RCVBUFFORCE, socket.SO_RCVBUF),
                         (SO_SNDBUFFORCE, socket.SO_SNDBUF)):
        try:
            sock.setsockopt(socket.SOL_SOCKET, force, RESPONDER_SOCKBUF)
        except OSError:
            sock.setsockopt(socket.SOL_SOCKET, plain, RESPONDER_SOCKBUF)


def _bind_pair(port):
    """Bind UDP and listening TCP sockets on 127.0.0.1:port."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        _big_buffers(udp)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        udp.bind((LOOPBACK, port))
        tcp.bind((LOOPBACK, port))
        tcp.listen(16)
    except OSError:
        udp.close()
        tcp.close()
        raise
    return udp, tcp


# --------------------------------------------------------------------------
# NSD

def make_zone(origin, records, minimum=300, ttl=300):
    """Zone file text for origin with an SOA, an NS and the given record
    lines (strings in zone-file syntax, relative or absolute names)."""
    origin = origin.rstrip('.') + '.'
    lines = [
        '$ORIGIN %s' % origin,
        '$TTL %d' % ttl,
        '@ IN SOA ns1.example.com. hostmaster.example.com. '
        '( 1 3600 600 86400 %d )' % minimum,
        '@ IN NS ns1.example.com.',
    ]
    lines.extend(records)
    return '\n'.join(lines) + '\n'


class Service:
    """A server or daemon a test starts in a with-block.

    On entry this process becomes a subreaper (see _become_subreaper())
    and setup() starts the service; if setup() fails, teardown() undoes
    what it did before the error goes on. On exit teardown() stops it.
    Subclasses fill setup() and teardown(); teardown() must cope with a
    setup() that stopped half-way."""

    def setup(self):
        raise NotImplementedError

    def teardown(self):
        raise NotImplementedError

    def __enter__(self):
        _become_subreaper()
        try:
            self.setup()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.teardown()
        return False


class NSD(Service):
    """A private NSD serving the given zones on 127.0.0.1:PORT (UDP+TCP).

    zones: {zone name: zone file text}. Everything NSD writes lives in a
    temporary directory removed on exit; NSD runs in the foreground (-d)
    in its own process group, which is killed on exit."""

    BINARY = '/usr/sbin/nsd'

    def __init__(self, zones, startup_timeout=10.0, verbose=False,
                 server_options=()):
        self.zones = {name.rstrip('.').lower(): text
                      for name, text in zones.items()}
        self.startup_timeout = startup_timeout
        self.verbose = verbose
        # Extra 'key: value' lines for the server: clause, e.g.
        # 'rrl-ratelimit: 0' for a test that sends thousands of queries
        # a second (NSD's response rate limiting would drop most).
        self.server_options = list(server_options)
        self.port = None
        self.server = None
        self.dir = None
        self.proc = None

    def setup(self):
        self.dir = tempfile.mkdtemp(prefix='ptrtag-nsd-')
        self._write_zones()
        self._start_with_retries()

    def teardown(self):
        self._stop()

    def log(self):
        """NSD's log so far (for diagnostics)."""
        try:
            path = os.path.join(self.dir, 'nsd.log')
            with open(path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def _zone_file(self, zone):
        return os.path.join(self.dir, 'zones', (zone or 'root') + '.zone')

    def _write_zones(self):
        os.mkdir(os.path.join(self.dir, 'zones'))
        os.mkdir(os.path.join(self.dir, 'xfr'))
        for zone, text in self.zones.items():
            with open(self._zone_file(zone), 'w') as f:
                f.write(text)

    def _write_conf(self):
        d = self.dir
        server = [
            'server:',
            '    ip-address: %s@%d' % (LOOPBACK, self.port),
            '    port: %d' % self.port,
            '    do-ip4: yes',
            '    do-ip6: no',
            '    username: ""',
            '    chroot: ""',
            '    server-count: 1',
            '    reuseport: no',
            '    round-robin: no',
            '    ipv4-edns-size: 1232',
            '    verbosity: %d' % (2 if self.verbose else 1),
            '    hide-version: yes',
            '    zonesdir: "%s"' % d,
            '    database: ""',
            '    pidfile: "%s/nsd.pid"' % d,
            '    zonelistfile: "%s/zone.list"' % d,
            '    xfrdfile: "%s/xfrd.state"' % d,
            '    xfrdir: "%s/xfr"' % d,
            '    logfile: "%s/nsd.log"' % d,
        ] + ['    %s' % option for option in self.server_options] + [
            'remote-control:',
            '    control-enable: no',
        ]
        for zone in self.zones:
            server += ['zone:',
                       '    name: "%s."' % zone,
                       '    zonefile: "%s"' % self._zone_file(zone)]
        conf = os.path.join(d, 'nsd.conf')
        with open(conf, 'w') as f:
            f.write('\n'.join(server) + '\n')
        return conf

    def _start_with_retries(self):
        # free_port() cannot reserve the port; if someone takes it before
        # NSD binds, NSD exits and we try another one.
        last_error = None
        for _ in range(3):
            self.port = free_port()
            self.server = '%s:%d' % (LOOPBACK, self.port)
            conf = self._write_conf()
            self.proc = subprocess.Popen(
                [self.BINARY, '-d', '-c', conf],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(os.path.join(self.dir, 'nsd.stderr'), 'wb'),
                start_new_session=True)
            try:
                self._wait_ready()
                return
            except RuntimeError as e:
                last_error = e
                self._kill()
        raise last_error

    def _wait_ready(self):
        """Until every zone's SOA is answered authoritatively, bounded."""
        deadline = time.monotonic() + self.startup_timeout
        pending = set(self.zones)
        while pending:
            if self.proc.poll() is not None:
                raise RuntimeError('nsd exited with %s:\n%s%s' % (
                    self.proc.returncode, self.log(), self._stderr()))
            if time.monotonic() > deadline:
                raise RuntimeError('nsd not ready after %.0fs (waiting for %s)'
                                   ':\n%s' % (self.startup_timeout,
                                              sorted(pending), self.log()))
            pending = {zone for zone in pending
                       if not self._serves(zone)}
            if pending:
                time.sleep(0.05)

    def _serves(self, zone):
        """True when NSD answers zone's SOA with AA set."""
        try:
            r = query(self.port, zone or '.', 'SOA', timeout=0.2)
        except OSError:
            return False
        return r.rcode == 0 and bool(r.flags & FLAG_AA) and bool(r.answers)

    def _stderr(self):
        try:
            with open(os.path.join(self.dir, 'nsd.stderr'),
                      errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def _kill(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            # SIGTERM to the main process only: it stops and reaps its
            # children (xfrd, the server) itself.
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc, signal.SIGKILL)
                self.proc.wait(timeout=5)
        # The children share NSD's process group; make sure none outlives
        # the test, and reap the ones NSD leaves behind as zombies.
        _signal_group(self.proc, signal.SIGKILL)
        _reap_group(self.proc.pid, timeout=5)
        self.proc = None

    def _stop(self):
        self._kill()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def _become_subreaper():
    """Make orphaned descendants (NSD's server child, whose parent exits
    before reaping it) our children, so _reap_group() can reap them
    instead of leaving zombies behind. Linux only; harmless elsewhere."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)          # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _group_members(pgid):
    """[(pid, ppid, state)] of live or zombie processes in group pgid."""
    members = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(')') + 2:].split()
        if int(fields[2]) == pgid:
            members.append((int(entry), int(fields[1]), fields[0]))
    return members


def _reap_group(pgid, timeout):
    """Wait (bounded) until group pgid is gone, reaping our own zombies."""
    if not os.path.isdir('/proc'):
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        members = _group_members(pgid)
        if not members:
            return
        for pid, ppid, _ in members:
            if ppid == os.getpid():
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
        time.sleep(0.02)


def _signal_group(proc, sig):
    """Signal the process group we created for proc (its pid is the pgid)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


# --------------------------------------------------------------------------
# Responder

Query = collections.namedtuple('Query', 'qname qtype time transport')
Sent = collections.namedtuple('Sent', 'qname qtype time transport')


class Responder:
    """A scripted DNS server on 127.0.0.1:PORT, UDP and TCP.

    handler(qname, qtype, query_bytes) -> action, where qname is lower
    case without trailing dot, qtype a name like 'PTR', and action is:
      bytes                       the reply, sent at once
      None                        never answer
      ('delay', seconds, bytes)   the reply, sent after that long
      ('tc', bytes)               over UDP an empty TC reply, over TCP bytes
      ('seq', [action, ...])      each action in turn (several replies to
                                  one query, e.g. a spoof then the answer)
    Every query received is recorded in .log (Query tuples) and every reply
    sent in .sent, both with monotonic times. A handler exception is
    recorded in .errors and the query is dropped."""

    def __init__(self, handler):
        self.handler = handler
        self.port = None
        self.server = None
        self.log = []
        self.sent = []
        self.errors = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timers = []        # heap of (due, seq, sender, data)
        self._seq = 0
        self._thread = None
        self._udp = self._tcp = None
        self._conns = {}         # socket -> receive buffer

    # ----- lifecycle

    def __enter__(self):
        for _ in range(20):
            port = free_port()
            try:
                self._udp, self._tcp = _bind_pair(port)
                break
            except OSError:
                continue
        else:
            raise RuntimeError('responder: could not bind a port')
        self.port = port
        self.server = '%s:%d' % (LOOPBACK, port)
        self._udp.setblocking(False)
        self._tcp.setblocking(False)
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name='responder')
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        for s in list(self._conns) + [self._udp, self._tcp]:
            s.close()
        self._conns.clear()
        return False

    # ----- what the tests look at

    def queries(self, qname=None, qtype=None, transport=None):
        """Recorded queries, filtered by any of the given fields."""
        with self._lock:
            return [q for q in self.log
                    if (qname is None or q.qname == qname.rstrip('.').lower())
                    and (qtype is None or q.qtype == qtype)
                    and (transport is None or q.transport == transport)]

    def count(self, qname=None, qtype=None, transport=None):
        return len(self.queries(qname, qtype, transport))

    def replies(self, qname=None, qtype=None):
        with self._lock:
            return [s for s in self.sent
                    if (qname is None or s.qname == qname.rstrip('.').lower())
                    and (qtype is None or s.qtype == qtype)]

    def wait_for(self, predicate, timeout):
        """Poll predicate() until true or timeout; returns its last value."""
        return wait_until(predicate, timeout)

    def check_handler(self, tap):
        """One case: the handler raised no exception (.errors is empty)."""
        tap.ok(not self.errors, 'responder handler raised no exception',
               '\n'.join(self.errors))

    def reset(self):
        with self._lock:
            self.log.clear()
            self.sent.clear()

    # ----- the server thread

    def _serve(self):
        while not self._stop.is_set():
            timeout = self._next_timer_wait()
            readable = [self._udp, self._tcp] + list(self._conns)
            try:
                ready, _, _ = select.select(readable, [], [], timeout)
            except (OSError, ValueError):
                ready = []
            for sock in ready:
                if sock is self._udp:
                    self._on_udp()
                elif sock is self._tcp:
                    self._on_accept()
                else:
                    self._on_tcp(sock)
            self._run_due_timers()

    def _next_timer_wait(self):
        with self._lock:
            if not self._timers:
                return 0.05
            return max(0.0, min(0.05, self._timers[0][0] - time.monotonic()))

    def _run_due_timers(self):
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._timers or self._timers[0][0] > now:
                    return
                _, _, send, meta = heapq.heappop(self._timers)
            send(meta)

    def udp_received(self, data, peer):
        """Called with every UDP datagram (and its sender's address)
        before it is dispatched, in the serving thread; a subclass that
        records more than .log does overrides it."""

    def _on_udp(self):
        try:
            data, peer = self._udp.recvfrom(65535)
        except OSError:
            return
        self.udp_received(data, peer)

        def send(payload):
            try:
                self._udp.sendto(payload, peer)
            except OSError:
                pass
        self._dispatch(data, 'udp', send)

    def _on_accept(self):
        try:
            conn, _ = self._tcp.accept()
        except OSError:
            return
        conn.setblocking(False)
        self._conns[conn] = b''

    def _on_tcp(self, conn):
        try:
            chunk = conn.recv(65535)
        except BlockingIOError:
            return
        except OSError:
            chunk = b''
        if not chunk:
            self._conns.pop(conn, None)
            conn.close()
            return
        buf = self._conns[conn] + chunk
        while len(buf) >= 2:
            length = struct.unpack('!H', buf[:2])[0]
            if len(buf) < 2 + length:
                break
            msg, buf = buf[2:2 + length], buf[2 + length:]

            def send(payload, conn=conn):
                try:
                    conn.setblocking(True)
                    conn.settimeout(2)
                    conn.sendall(struct.pack('!H', len(payload)) + payload)
                    conn.setblocking(False)
                except OSError:
                    pass
            self._dispatch(msg, 'tcp', send)
        self._conns[conn] = buf

    def _dispatch(self, msg, transport, send):
        """Record the query, ask the handler, act on its answer."""
        try:
            q = parse_question(msg)
        except ValueError:
            return
        qtype = type_name(q.qtype)
        with self._lock:
            self.log.append(Query(q.qname, qtype, time.monotonic(), transport))
        try:
            action = self.handler(q.qname, qtype, msg)
        except Exception:
            with self._lock:
                self.errors.append(traceback.format_exc())
            return

        def send_and_record(data):
            send(data)
            with self._lock:
                self.sent.append(Sent(q.qname, qtype, time.monotonic(),
                                      transport))
        actions = action[1] if isinstance(action, tuple) and \
            action and action[0] == 'seq' else [action]
        for one in actions:
            delay, payload = self._decode_action(one, msg, transport)
            if payload is None:
                continue
            with self._lock:
                self._seq += 1
                heapq.heappush(self._timers, (time.monotonic() + delay,
                                              self._seq, send_and_record,
                                              payload))

    @staticmethod
    def _decode_action(action, msg, transport):
        """-> (delay seconds, reply bytes or None)."""
        if action is None:
            return 0.0, None
        if isinstance(action, (bytes, bytearray)):
            return 0.0, bytes(action)
        if action[0] == 'delay':
            return float(action[1]), action[2]
        if action[0] == 'tc':
            return 0.0, truncated(msg) if transport == 'udp' else action[1]
        raise ValueError('unknown responder action %r' % (action,))


def table_handler(ptr=None, a=None, aaaa=None, special=None,
                  zone='example.com'):
    """A handler answering from tables, NXDOMAIN for everything else.

    ptr:  {ip text: [PTR target names]}
    a:    {name: [IPv4 texts]}   aaaa: {name: [IPv6 texts]}
      (a name present with an empty list gets NODATA)
    special: {(qname, qtype): callable(query_bytes) -> action}, checked
      first, for faults (drop, delay, SERVFAIL, ...)."""
    ptr = {reverse_name(ip): names for ip, names in (ptr or {}).items()}
    forward = {'A': _lower_keys(a), 'AAAA': _lower_keys(aaaa)}
    special = {(name.rstrip('.').lower(), t): f
               for (name, t), f in (special or {}).items()}

    def handler(qname, qtype, msg):
        if (qname, qtype) in special:
            return special[(qname, qtype)](msg)
        if qtype == 'PTR' and qname in ptr:
            return answer(msg, [('PTR', None, n) for n in ptr[qname]])
        table = forward.get(qtype)
        if table is not None and qname in table:
            if not table[qname]:
                return nodata(msg, zone)
            return answer(msg, [(qtype, None, ip) for ip in table[qname]])
        if qname in ptr or any(qname in t for t in forward.values()):
            return nodata(msg, zone)
        return nxdomain(msg, _soa_zone_for(qname, zone))
    return handler


def _soa_zone_for(qname, zone):
    """The zone whose SOA goes with a negative answer for qname."""
    for suffix in ('in-addr.arpa', 'ip6.arpa'):
        if qname.endswith('.' + suffix):
            return suffix
    return zone


def _lower_keys(table):
    return {k.rstrip('.').lower(): v for k, v in (table or {}).items()}


# --------------------------------------------------------------------------
# Files and waiting

def read_bytes(path):
    """The contents of path, or b'' when it cannot be read (yet)."""
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return b''


def demo_zones():
    """The demo's zones (samples/zones/*.zone) for NSD: {zone: text}."""
    directory = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             '..', '..', 'samples', 'zones')
    zones = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith('.zone'):
            with open(os.path.join(directory, name), 'rb') as f:
                zones[name[:-len('.zone')]] = f.read().decode('utf-8')
    return zones


def wait_until(predicate, timeout, step=0.01):
    """Poll predicate() every step seconds until it is true or timeout
    has passed; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


# --------------------------------------------------------------------------
# Running ptrtag

def ptrtag_path():
    """The binary under test: $PTRTAG, else <repo>/build/filter/ptrtag."""
    env = os.environ.get('PTRTAG')
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, '..', '..', 'build', 'filter', 'ptrtag')


def run(ptrtag, args, input_bytes=b'', timeout=30.0):
    """Run ptrtag to completion: returns (rc, stdout, stderr).

    rc is None when it did not finish within timeout (it is then killed
    and a note is appended to stderr)."""
    try:
        p = subprocess.run([ptrtag] + list(args), input=input_bytes,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        note = b'\n[harness] killed after %.1fs\n' % timeout
        return None, e.stdout or b'', (e.stderr or b'') + note


class Stream:
    """ptrtag running with pipes we write and read a piece at a time.

    Reads never block past their deadline; output and stderr are drained
    while writing, so a large write cannot deadlock. The process is killed
    on exit from the with-block if still alive."""

    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            os.set_blocking(f.fileno(), False)
        self.out = b''          # stdout not yet consumed by a read_*()
        self.err = b''          # all of stderr so far
        self.eof = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass

    def _pump(self, timeout, want_write=False):
        """Wait up to timeout for I/O; collect what can be read.

        Returns True if stdin is writable (when want_write)."""
        rlist = [self.proc.stderr]
        if not self.eof:
            rlist.append(self.proc.stdout)
        wlist = [self.proc.stdin] if want_write else []
        if not any(not f.closed for f in rlist + wlist):
            time.sleep(timeout)
            return False
        rlist = [f for f in rlist if not f.closed]
        try:
            r, w, _ = select.select(rlist, wlist, [], max(0.0, timeout))
        except ValueError:
            return False
        for f in r:
            try:
                data = os.read(f.fileno(), 65536)
            except BlockingIOError:
                continue
            if f is self.proc.stdout:
                if data:
                    self.out += data
                else:
                    self.eof = True
            elif data:
                self.err += data
            else:
                f.close()
        return bool(w)

    def write(self, data, timeout=10.0):
        """Write all of data to stdin within timeout (else TimeoutError)."""
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('stdin not accepting data')
            if self._pump(left, want_write=True):
                try:
                    n = os.write(self.proc.stdin.fileno(), view)
                except BlockingIOError:
                    continue
                view = view[n:]

    def close_stdin(self):
        self.proc.stdin.close()

    def close_stdout(self):
        """Stop reading: the reader of ptrtag's output goes away."""
        self.proc.stdout.close()
        self.eof = True

    def read_line(self, timeout):
        """One output line (terminator included) or None by the deadline."""
        deadline = time.monotonic() + timeout
        while b'\n' not in self.out and not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._pump(left)
        if b'\n' not in self.out:
            return None
        line, _, self.out = self.out.partition(b'\n')
        return line + b'\n'

    def read_lines(self, count, timeout):
        """Up to count lines before the deadline (a list, maybe short)."""
        deadline = time.monotonic() + timeout
        lines = []
        while len(lines) < count:
            line = self.read_line(max(0.0, deadline - time.monotonic()))
            if line is None:
                break
            lines.append(line)
        return lines

    def peek(self, wait):
        """Collect output for `wait` seconds; return (without consuming)
        whatever has arrived."""
        deadline = time.monotonic() + wait
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._pump(left)
        return self.out

    def read_to_eof(self, timeout):
        """Everything left on stdout until EOF; None if no EOF in time."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._pump(left)
        data, self.out = self.out, b''
        return data

    def wait(self, timeout):
        """Exit status, or None (and the process killed) after timeout."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._pump(min(0.05, max(0.0, deadline - time.monotonic())))
        if self.proc.poll() is None:
            self.kill()
            return None
        self._drain(0.5)
        return self.proc.returncode

    def _drain(self, timeout):
        """After exit: collect what is left in the pipes, bounded."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and \
                not (self.eof and self.proc.stderr.closed):
            self._pump(0.05)


class Feeder(threading.Thread):
    """Writes lines (an iterable of bytes, consumed in this thread) to
    pipe, a child's standard input, `chunk` lines at a write, then closes
    it. flush: flush the pipe after each full chunk. .sent counts the
    bytes written so far (other threads may read it while it runs);
    .failure holds the OSError that ended it early (the reader went
    away), if any."""

    def __init__(self, pipe, lines, chunk, flush=False):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.lines = lines
        self.chunk = chunk
        self.flush = flush
        self.sent = 0
        self.failure = []

    def run(self):
        try:
            chunk = []
            for line in self.lines:
                chunk.append(line)
                if len(chunk) == self.chunk:
                    self._write(chunk, self.flush)
                    chunk = []
            self._write(chunk, False)
            self.pipe.close()
        except OSError as e:
            self.failure.append(e)

    def _write(self, chunk, flush):
        data = b''.join(chunk)
        self.pipe.write(data)
        if flush:
            self.pipe.flush()
        self.sent += len(data)


# --------------------------------------------------------------------------
# Expected annotations

def kv(ip, verdict, host=None, prefix='rdns_', generic=False, helo=None):
    """The kv group ptrtag appends for one address, leading space included
    (ptrtag.1, OUTPUT, kv): the same keys for every address, host '-'
    when there is none; helo only when given ('-' for an address without
    a claimed name in a line where another address has one)."""
    parts = ['%sip=%s' % (prefix, ip),
             '%shost=%s' % (prefix, host or '-'),
             '%sfcrdns=%s' % (prefix, verdict),
             '%sgeneric=%s' % (prefix, 'true' if generic else 'false')]
    if helo is not None:
        parts.append('%shelo=%s' % (prefix, helo))
    return (' ' + ' '.join(parts)).encode()


def annotate(line, *groups, prefix='rdns_'):
    """line (with its terminator, if any) with ptrtag's kv block inserted
    before the terminator, the way ptrtag.1 says kv output looks: the
    count of groups, the forged mark when the line's text holds the
    prefix, then the groups. A line with neither comes back as it is."""
    if line.endswith(b'\r\n'):
        body, term = line[:-2], b'\r\n'
    elif line.endswith(b'\n'):
        body, term = line[:-1], b'\n'
    else:
        body, term = line, b''
    pfx = prefix.encode()
    forged = pfx in body
    if not groups and not forged:
        return line
    head = b' %sn=%d' % (pfx, len(groups))
    if forged:
        head += b' %sforged=true' % pfx
    return body + head + b''.join(groups) + term


KvGroup = collections.namedtuple('KvGroup', 'ip host verdict generic helo')


def parse_kv(line, prefix='rdns_'):
    """Split a kv output line (ptrtag.1, OUTPUT, kv) into the line as read
    and ptrtag's block, taken from the end of the line as the recipes
    do: (line without the block, terminator kept; [KvGroup] with host
    and helo None for '-'; {'forged': bool, 'overlong': bool}), or
    (line, [], {}) when the line carries no block."""
    p = re.escape(prefix.encode())
    group = (rb' %sip=([^\s"]+) %shost=([^\s"]+|"-") %sfcrdns=([a-z]+) '
             rb'%sgeneric=(true|false)(?: %shelo=([a-z-]+))?' %
             (p, p, p, p, p))
    block = re.compile(rb' %sn=([0-9]+)( %sforged=true)?( %soverlong=true)?'
                       rb'((?:%s)*)$' % (p, p, p, group))
    body = line.rstrip(b'\n')
    if body.endswith(b'\r'):
        body = body[:-1]
    term = line[len(body):]
    m = None
    for start in (i for i in range(len(body) - 1, -1, -1)
                  if body.startswith(b' %sn=' % prefix.encode(), i)):
        m = block.match(body, start)
        if m:
            break
    if not m:
        return line, [], {}
    groups = [KvGroup(g[0].decode(),
                      None if g[1] == b'-' else g[1].strip(b'"').decode(),
                      g[2].decode(), g[3] == b'true',
                      None if g[4] in (b'', b'-') else g[4].decode())
              for g in re.findall(group, m.group(4))]
    if len(groups) != int(m.group(1)):
        return line, [], {}
    return body[:m.start()] + term, groups, {
        'forged': bool(m.group(2)), 'overlong': bool(m.group(3))}


def overlong(line, prefix='rdns_'):
    """line over --max-line as kv writes it: unannotated, with the mark
    that ends an overlong line before its terminator (ptrtag.1, OUTPUT)."""
    body = line.rstrip(b'\n')
    if body.endswith(b'\r'):
        body = body[:-1]
    term = line[len(body):]
    return body + b' %sn=0 %soverlong=true' % (prefix.encode(),
                                              prefix.encode()) + term


def rfc3339_ms(text):
    """Milliseconds since the epoch of an '@timestamp' as ptrtag writes it
    ('2026-12-06T02:15:31.123Z': RFC 3339, UTC, milliseconds), or None
    when text is not exactly that."""
    if not isinstance(text, str) or len(text) != 24 or \
            not text.endswith('Z') or text[19] != '.':
        return None
    try:
        when = datetime.datetime.strptime(text[:19], '%Y-%m-%dT%H:%M:%S')
        frac = int(text[20:23])
    except ValueError:
        return None
    when = when.replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp()) * 1000 + frac


def split_lines(data):
    """Split keeping terminators; a final unterminated piece is kept."""
    lines = data.split(b'\n')
    out = [l + b'\n' for l in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def first_difference(got_lines, want_lines):
    """Text describing the first line where the two lists differ, or ''."""
    for i, (g, w) in enumerate(zip(got_lines, want_lines)):
        if g != w:
            return 'line %d:\n  expected %s\n  got      %s' % (
                i + 1, short(w), short(g))
    if len(got_lines) != len(want_lines):
        return 'expected %d lines, got %d' % (len(want_lines), len(got_lines))
    return ''


def short(data, limit=300):
    text = repr(data)
    return text if len(text) <= limit else text[:limit] + '...(%d bytes)' % \
        len(data)


# --------------------------------------------------------------------------
# TAP

class TAP:
    """Minimal TAP 13 producer: ok/not ok lines, diagnostics, plan at end."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.count = 0
        self.failed = 0
        self._emit('TAP version 13')

    def _emit(self, text):
        self.out.write(text + '\n')
        self.out.flush()

    def diag(self, text):
        for line in str(text).splitlines() or ['']:
            self._emit('# ' + line)

    def ok(self, cond, name, diag=None):
        """Record one case; diag (str or callable) is shown on failure."""
        self.count += 1
        name = name.replace('#', '\\#')
        if cond:
            self._emit('ok %d - %s' % (self.count, name))
        else:
            self.failed += 1
            self._emit('not ok %d - %s' % (self.count, name))
            if diag is not None:
                self.diag(diag() if callable(diag) else diag)
        return bool(cond)

    def equal(self, got, want, name, context=None):
        """ok() comparing got == want, showing both on failure."""
        def explain():
            text = '  expected %s\n  got      %s' % (short(want), short(got))
            return text + ('\n' + context if context else '')
        return self.ok(got == want, name, explain)

    def skip(self, name, reason):
        self.count += 1
        self._emit('ok %d - %s # SKIP %s' % (self.count, name, reason))

    def guard(self, fn, *args):
        """Call fn(*args); an exception becomes a failed case carrying the
        traceback, so one broken check does not hide the others."""
        try:
            fn(*args)
        except Exception:
            self.ok(False, '%s raised an exception' % fn.__name__,
                    traceback.format_exc())

    def finish(self):
        """Print the plan and exit: 0 if every case passed, else 1."""
        self._emit('1..%d' % self.count)
        sys.exit(1 if self.failed or self.count == 0 else 0)


def sanitized(path):
    """True when the binary at path is built with AddressSanitizer (its
    memory use is then no measure of the program's): the ASan runtime is
    linked in (libasan.so needed, or __asan_init present statically)."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError:
        return False
    return b'libasan.so' in data or b'__asan_init' in data


def require_binary(tap, path):
    """One case proving the binary exists; False if the file cannot go on."""
    ok = os.path.isfile(path) and os.access(path, os.X_OK)
    tap.ok(ok, 'ptrtag binary is present and executable',
           'not found or not executable: %s' % path)
    return ok


# --------------------------------------------------------------------------
# A test file's main()

def run_tests(*groups, absolute=False, diag=None, handler_check=True):
    """The main() of a test file: a TAP stream, the binary under test
    (its absolute path with absolute, for daemons that run it from their
    own directories), one case that it is there; then, if it is, each
    group in turn; then the plan and the exit status (TAP.finish()).

    A group is a function body(tap, ptrtag), called as is, or a pair
    (server, cases) for serve_cases(). diag: a function whose text is
    printed as a diagnostic before the binary is checked."""
    tap = TAP()
    ptrtag = ptrtag_path()
    if absolute:
        ptrtag = os.path.abspath(ptrtag)
    if diag is not None:
        tap.diag(diag())
    if require_binary(tap, ptrtag):
        for group in groups:
            if callable(group):
                group(tap, ptrtag)
            else:
                serve_cases(tap, ptrtag, *group,
                            handler_check=handler_check)
    tap.finish()


def serve_cases(tap, ptrtag, server, cases, handler_check=True):
    """Each case guarded (TAP.guard()) as case(tap, ptrtag, server), with
    server (a Responder or an NSD, not yet started) running and its
    address printed as a diagnostic; server None: case(tap, ptrtag). A
    case given as a tuple (function, arguments...) gets those arguments
    after these. A Responder's group ends with one case that its handler
    raised no exception (Responder.check_handler()), unless handler_check
    is false."""
    if server is None:
        guard_cases(tap, cases, ptrtag)
        return
    with server:
        tap.diag('%s on %s' % (type(server).__name__, server.server))
        guard_cases(tap, cases, ptrtag, server)
        if handler_check and isinstance(server, Responder):
            server.check_handler(tap)


def guard_cases(tap, cases, *args):
    """tap.guard(case, tap, *args) for each case; a tuple (function,
    more...) is guarded as function(tap, *args, *more)."""
    for case in cases:
        fn, more = (case[0], case[1:]) if isinstance(case, tuple) else \
            (case, ())
        tap.guard(fn, tap, *args, *more)
