#!/usr/bin/python3
"""gen.py: the benchmark's workload, its DNS zones and their truth.

Everything is generated from a seed, so two runs with the same seed and
sizes see the same bytes. Addresses come from ranges reserved for
documentation and benchmarking (198.18.0.0/15, 2001:db8::/32, 192.0.2.0/24,
10.0.0.0/8 for the memory test); names live under .example.

Mix of the workload's addresses (IPv4 and IPv6 alike):

    confirm    60 %  PTR -> name, name A/AAAA -> the address      pass
    elsewhere  10 %  PTR -> name, name -> another address          fail
    noaddr      5 %  PTR -> name that has no address (NXDOMAIN
                     or NODATA)                                    fail
    noptr      15 %  no PTR (NXDOMAIN)                             none
    generic     5 %  PTR -> 198-18-3-4.dyn.isp.example, confirms   pass generic
    multi       3 %  two or three PTR names, the first one points
                     elsewhere, a later one confirms               pass
    rfc2317     2 %  IPv4: reverse name is a CNAME into an RFC 2317
                     classless zone, whose PTR confirms            pass
                     (IPv6 addresses of this share are 'confirm')

Files written to OUT (see main()):
    zones/*.zone, zones.list   for NSD
    truth.json                 per address: class, verdict, host(s), generic
    main.log                   MAIN_LINES lines over POOL addresses
    trickle.log                TRICKLE_LINES lines (uniform over the pool)
    hot.log                    HOT_LINES lines (all addresses of the pool)
    hot.ndjson                 the same lines as ECS objects (--input json)
    auth.log                   AUTH_LINES sshd lines of auth.log (the pool)
    drop.names                 reverse names dnsdist never answers (variant)
    lame.zones                 reverse zones dnsdist never answers (variant)
    lame.log                   TRICKLE_LINES lines, LAME_SHARE of them from
                               lame zones (recurring), the rest as trickle
    mem-N.log                  N distinct all-confirming IPv4 addresses
    cold.log                   COLD distinct all-confirming addresses
"""

import argparse
import ipaddress
import json
import os
import random

WORDS = ('alder aspen birch cedar cobalt coral delta ember falcon fjord '
         'garnet granite harbor heron indigo iris jasper juniper kestrel '
         'lagoon larch lumen maple marble meadow nimbus onyx orchid osprey '
         'pebble pine quartz quill raven ridge sable sierra spruce tundra '
         'umber vale violet walnut willow xenon yarrow zephyr zinnia').split()

MIX = [('confirm', 0.60), ('elsewhere', 0.10), ('noaddr', 0.05),
       ('noptr', 0.15), ('generic', 0.05), ('multi', 0.03),
       ('rfc2317', 0.02)]

FWD_ZONES = ('corp.example', 'shop.example', 'mail.example')
ISP_ZONE = 'isp.example'
OTHER_ZONE = 'other.example'
MEM_ZONE = 'mem.example'
V4_ZONES = ('18.198.in-addr.arpa', '19.198.in-addr.arpa')
V6_ZONE = '8.b.d.0.1.0.0.2.ip6.arpa'
MEM_REV_ZONE = '10.in-addr.arpa'
# Lame zones (the "lame" variant): whole reverse zones that never answer,
# four IPv4 /24s in 100.64.0.0/10 and two IPv6 /48s outside the pool's
# 2001:db8:1..f::/48s; LAME_PER addresses in each, whose lines make up
# LAME_SHARE of lame.log and recur (Zipf).
LAME_NETS = ('100.64.1.0/24', '100.64.2.0/24', '100.65.3.0/24',
             '100.66.4.0/24', '2001:db8:f1::/48', '2001:db8:f2::/48')
LAME_PER = 64
LAME_SHARE = 0.2
# RFC 2317: 198.19.255.0/26 delegated "classlessly" as 0-63.255.19.198...
CLASSLESS_NET = ipaddress.ip_network('198.19.255.0/26')
CLASSLESS_LABEL = '0-63'

TTL = 86400
SOA_MIN = 3600


def soa(zone):
    return ('$TTL %d\n@ IN SOA ns1.%s. hostmaster.%s. 1 3600 600 86400 %d\n'
            '@ IN NS ns1.%s.\n' % (TTL, zone, zone, SOA_MIN, zone))


class Names:
    """Distinct, non-generic host names made of words (no digits)."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.used = set()

    def new(self, zone):
        while True:
            w = self.rnd.sample(WORDS, 3)
            name = '%s-%s-%s.%s' % (w[0], w[1], w[2], zone)
            if name not in self.used:
                self.used.add(name)
                return name


def generic_name(ip):
    if ip.version == 4:
        label = str(ip).replace('.', '-')
    else:
        label = ip.compressed.replace(':', '-').strip('-')
    return '%s.dyn.%s' % (label, ISP_ZONE)


def make_pool(rnd, n, v6_share):
    """n distinct addresses with their class."""
    n6 = int(round(n * v6_share))
    n4 = n - n6
    pool = []
    seen = set()
    classless = list(CLASSLESS_NET.hosts())
    rnd.shuffle(classless)

    def classes(count):
        out = []
        for name, share in MIX:
            out += [name] * int(round(count * share))
        while len(out) < count:
            out.append('confirm')
        out = out[:count]
        rnd.shuffle(out)
        return out

    for cls in classes(n4):
        if cls == 'rfc2317' and classless:
            ip = classless.pop()
        else:
            if cls == 'rfc2317':
                cls = 'confirm'
            while True:
                v = rnd.randrange(int(ipaddress.ip_address('198.18.0.1')),
                                  int(ipaddress.ip_address('198.19.254.255')))
                ip = ipaddress.ip_address(v)
                if v & 0xff not in (0, 255) and ip not in seen:
                    break
        seen.add(ip)
        pool.append((ip, cls))
    for cls in classes(n6):
        if cls == 'rfc2317':
            cls = 'confirm'
        while True:
            # a handful of /48s, mostly small interface ids, some SLAAC-like
            net = 0x20010db8 << 96 | rnd.randrange(1, 16) << 80
            if rnd.random() < 0.5:
                iid = rnd.randrange(1, 4096)
            else:
                iid = rnd.getrandbits(64) or 1
            ip = ipaddress.IPv6Address(net | rnd.randrange(0, 16) << 64 | iid)
            if ip not in seen:
                break
        seen.add(ip)
        pool.append((ip, cls))
    rnd.shuffle(pool)
    return pool


def build_dns(rnd, pool):
    """Zone texts and the truth for every pooled address."""
    names = Names(rnd)
    rev = {z: [] for z in V4_ZONES + (V6_ZONE,)}
    fwd = {z: [] for z in FWD_ZONES + (ISP_ZONE, OTHER_ZONE)}
    truth = {}
    other4 = iter(range(1, 1 << 20))

    def rev_zone(ip):
        if ip.version == 6:
            return V6_ZONE
        return '%d.198.in-addr.arpa' % ip.packed[1]

    def rel(owner, zone):
        assert owner.endswith('.' + zone), (owner, zone)
        return owner[:-len(zone) - 1]

    def add_ptr(ip, target, owner=None):
        owner = owner or ip.reverse_pointer
        z = rev_zone(ip)
        rev[z].append('%s IN PTR %s.' % (rel(owner, z), target))

    def zone_of(name):
        for z in fwd:
            if name.endswith('.' + z):
                return z
        raise ValueError(name)

    def add_addr(name, ip):
        z = zone_of(name)
        t = 'A' if ip.version == 4 else 'AAAA'
        fwd[z].append('%s IN %s %s' % (rel(name, z), t, ip))

    def elsewhere_addr(ip):
        k = next(other4)
        if ip.version == 4:
            nets = ('192.0.2.0', '198.51.100.0', '203.0.113.0')
            return ipaddress.IPv4Address(nets[k % 3]) + (k // 3 % 250 + 1)
        return ipaddress.IPv6Address('2001:db8:ffff::%x' % k)

    for ip, cls in pool:
        key = str(ip)
        zone = rnd.choice(FWD_ZONES)
        t = {'class': cls, 'v': ip.version}
        if cls == 'confirm':
            n = names.new(zone)
            add_ptr(ip, n)
            add_addr(n, ip)
            t.update(verdict='pass', hosts=[n], generic=False)
        elif cls == 'elsewhere':
            n = names.new(zone)
            add_ptr(ip, n)
            add_addr(n, elsewhere_addr(ip))
            t.update(verdict='fail', hosts=[n], generic=False)
        elif cls == 'noaddr':
            n = names.new(zone)
            add_ptr(ip, n)
            if rnd.random() < 0.5:      # NODATA: the name exists
                z = zone_of(n)
                fwd[z].append('%s IN TXT "no address here"' % rel(n, z))
            t.update(verdict='fail', hosts=[n], generic=False)
        elif cls == 'noptr':
            t.update(verdict='none', hosts=[], generic=False)
        elif cls == 'generic':
            n = generic_name(ip)
            add_ptr(ip, n)
            add_addr(n, ip)
            t.update(verdict='pass', hosts=[n], generic=True)
        elif cls == 'multi':
            k = rnd.choice((2, 2, 3))
            ns = [names.new(rnd.choice(FWD_ZONES)) for _ in range(k)]
            add_addr(ns[0], elsewhere_addr(ip))     # first: points away
            for n in ns[1:]:
                add_addr(n, ip)                     # the rest confirm
            for n in ns:
                add_ptr(ip, n)
            t.update(verdict='pass', hosts=ns[1:], generic=False,
                     ptr=ns)
        elif cls == 'rfc2317':
            n = names.new(zone)
            last = ip.packed[3]
            z = rev_zone(ip)
            target = '%d.%s.%d.%s' % (last, CLASSLESS_LABEL, ip.packed[2], z)
            rev[z].append('%s IN CNAME %s.' % (rel(ip.reverse_pointer, z),
                                               target))
            add_ptr(ip, n, owner=target)
            add_addr(n, ip)
            t.update(verdict='pass', hosts=[n], generic=False)
        truth[key] = t
    texts = {}
    for z, recs in list(rev.items()) + list(fwd.items()):
        texts[z] = soa(z) + '\n'.join(recs) + '\n'
    return texts, truth


def mem_pool(n):
    """n distinct IPv4 addresses in 10.0.0.0/8, each with a name that
    confirms (letters only, never generic)."""
    out = []
    base = int(ipaddress.IPv4Address('10.0.0.0'))
    for i in range(n):
        # skip .0 and .255 in the last octet
        ip = ipaddress.IPv4Address(base + (i // 254) * 256 + i % 254 + 1)
        label, k = 'z', i
        for _ in range(6):
            label += chr(ord('a') + k % 26)
            k //= 26
        out.append((ip, label))
    return out


def mem_zones(pool):
    rev = [soa(MEM_REV_ZONE)]
    fwd = [soa(MEM_ZONE)]
    for ip, label in pool:
        p = ip.packed
        rev.append('%d.%d.%d IN PTR %s.%s.\n' % (p[3], p[2], p[1], label,
                                                 MEM_ZONE))
        fwd.append('%s IN A %s\n' % (label, ip))
    return {MEM_REV_ZONE: ''.join(rev), MEM_ZONE: ''.join(fwd)}


UAS = ('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
       'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 '
       '(KHTML, like Gecko) Chrome/126.0 Safari/537.36',
       'curl/7.88.1', 'Wget/1.21.3', 'Go-http-client/1.1',
       'Mozilla/5.0 (compatible; Googlebot/2.1)')
PATHS = ('/', '/index.html', '/login', '/api/v1/items', '/static/app.js',
         '/static/style.css', '/favicon.ico', '/wp-login.php', '/search',
         '/images/logo.png', '/robots.txt', '/cart/checkout')
MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split()


def log_line(rnd, ip, seq):
    """An Apache combined log line; the address is the first field (the
    only place logresolve looks) and the sequence number is in the path."""
    sec = seq // 40
    ts = '%02d/%s/2025:%02d:%02d:%02d +0000' % (
        1 + sec // 86400 % 28, MONTHS[10], sec // 3600 % 24, sec // 60 % 60,
        sec % 60)
    status = rnd.choice((200, 200, 200, 200, 301, 304, 404, 403, 500))
    return '%s - - [%s] "GET %s?seq=%d HTTP/1.1" %d %d "-" "%s"\n' % (
        ip, ts, rnd.choice(PATHS), seq, status, rnd.randrange(200, 60000),
        rnd.choice(UAS))


def lame_zone_name(net):
    """The reverse zone of a lame /24 or /48."""
    net = ipaddress.ip_network(net)
    if net.version == 4:
        return '.'.join(reversed(str(net.network_address).split('.')[:3])) \
            + '.in-addr.arpa'
    nibbles = net.network_address.exploded.replace(':', '')[:12]
    return '.'.join(reversed(nibbles)) + '.ip6.arpa'


def lame_pool(rnd):
    """LAME_PER distinct addresses in each lame zone."""
    out = []
    for net in LAME_NETS:
        net = ipaddress.ip_network(net)
        seen = set()
        while len(seen) < LAME_PER:
            if net.version == 4:
                ip = net.network_address + rnd.randrange(1, 255)
            else:
                ip = net.network_address + rnd.randrange(1, 1 << 16)
            seen.add(ip)
        out += sorted(seen)
    return out


def lame_lines(rnd, pool_addrs, lame_addrs, nlines):
    """nlines addresses: LAME_SHARE from the lame zones, skewed so that
    they recur (Zipf s=1), the rest uniform over the pool."""
    weights = [1.0 / (k + 1) for k in range(len(lame_addrs))]
    order = list(lame_addrs)
    rnd.shuffle(order)
    out = []
    for _ in range(nlines):
        if rnd.random() < LAME_SHARE:
            out.append(rnd.choices(order, weights)[0])
        else:
            out.append(rnd.choice(pool_addrs))
    return out


def ecs_line(rnd, ip, seq):
    """An ECS document as Filebeat's nginx/apache modules write it, one
    line: the address as source.ip and, again, inside message."""
    text = log_line(rnd, ip, seq).rstrip('\n')
    return json.dumps({
        '@timestamp': '2025-11-%02dT%02d:%02d:%02d.000Z' % (
            1 + seq // 3456000 % 28, seq // 144000 % 24, seq // 2400 % 60,
            seq // 40 % 60),
        'ecs': {'version': '8.11.0'},
        'event': {'dataset': 'apache.access', 'kind': 'event'},
        'source': {'ip': str(ip), 'port': rnd.randrange(1024, 65536)},
        'url': {'path': rnd.choice(PATHS)},
        'message': text}, separators=(',', ':')) + '\n'


USERS = ('root', 'admin', 'ubuntu', 'oracle', 'test', 'git', 'postgres',
         'deploy', 'alice', 'bob', 'ftpuser', 'pi', 'user', 'support')
HOSTS = ('bastion', 'web1', 'db2', 'mx')


def auth_line(rnd, ip, seq):
    """An sshd line of a Debian auth.log (syslog timestamp, host,
    sshd[pid]), one of the usual outcomes of a login attempt; the address
    is wherever sshd puts it."""
    sec = seq // 60
    ts = '%s %2d %02d:%02d:%02d' % (MONTHS[10], 1 + sec // 86400 % 28,
                                     sec // 3600 % 24, sec // 60 % 60,
                                     sec % 60)
    user = rnd.choice(USERS)
    port = rnd.randrange(1024, 65536)
    k = rnd.random()
    if k < 0.30:
        msg = 'Failed password for %s from %s port %d ssh2' % (
            user if rnd.random() < 0.5 else 'invalid user ' + user, ip, port)
    elif k < 0.45:
        msg = 'Invalid user %s from %s port %d' % (user, ip, port)
    elif k < 0.60:
        msg = 'Disconnected from %s %s port %d%s' % (
            rnd.choice(('invalid user ' + user, 'authenticating user ' + user,
                        'user ' + user)), ip, port,
            rnd.choice((' [preauth]', '')))
    elif k < 0.75:
        msg = 'Connection closed by %s%s port %d [preauth]' % (
            rnd.choice(('', 'invalid user %s ' % user,
                        'authenticating user %s ' % user)), ip, port)
    elif k < 0.85:
        msg = 'Received disconnect from %s port %d:11: Bye Bye [preauth]' % (
            ip, port)
    elif k < 0.95:
        msg = 'Accepted %s for %s from %s port %d ssh2%s' % (
            rnd.choice(('password', 'publickey')), user, ip, port,
            rnd.choice(('', ': ED25519 SHA256:' + ''.join(rnd.choice(
                'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
                '0123456789+/') for _ in range(43)))))
    else:
        msg = 'Connection reset by %s port %d [preauth]' % (ip, port)
    return '%s %s sshd[%d]: %s\n' % (ts, rnd.choice(HOSTS),
                                      rnd.randrange(1000, 4000000), msg)


def zipf_lines(rnd, addrs, nlines):
    """nlines addresses: every address once, the rest skewed (Zipf s=1),
    shuffled so first appearances spread over the stream."""
    n = len(addrs)
    weights = [1.0 / (k + 1) for k in range(n)]
    order = list(addrs)
    rnd.shuffle(order)
    picks = list(order) + rnd.choices(order, weights, k=max(0, nlines - n))
    rnd.shuffle(picks)
    return picks[:nlines]


def write_lines(rnd, path, addrs, line=log_line):
    with open(path, 'w') as f:
        for seq, ip in enumerate(addrs):
            f.write(line(rnd, ip, seq))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--seed', type=int, default=2317)
    ap.add_argument('--pool', type=int, default=5000)
    ap.add_argument('--v6-share', type=float, default=0.2)
    ap.add_argument('--main-lines', type=int, default=100000)
    ap.add_argument('--trickle-lines', type=int, default=1500)
    ap.add_argument('--hot-lines', type=int, default=1000000)
    ap.add_argument('--auth-lines', type=int, default=1000000)
    ap.add_argument('--mem', type=int, nargs='*', default=[100000, 200000,
                                                            400000])
    ap.add_argument('--cold', type=int, default=20000)
    ap.add_argument('--drop-share', type=float, default=0.05)
    a = ap.parse_args()

    rnd = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, 'zones'), exist_ok=True)
    pool = make_pool(rnd, a.pool, a.v6_share)
    texts, truth = build_dns(rnd, pool)
    mp = mem_pool(max(a.mem + [a.cold]))
    texts.update(mem_zones(mp))
    for z, text in texts.items():
        with open(os.path.join(a.out, 'zones', z + '.zone'), 'w') as f:
            f.write(text)
    with open(os.path.join(a.out, 'zones.list'), 'w') as f:
        f.write('\n'.join(sorted(texts)) + '\n')

    # never answered: a random 5 % of the pool (their reverse names)
    dropped = rnd.sample([ip for ip, _ in pool],
                         int(round(len(pool) * a.drop_share)))
    for ip in dropped:
        truth[str(ip)]['dropped'] = True
    with open(os.path.join(a.out, 'drop.names'), 'w') as f:
        for ip in dropped:
            f.write(ip.reverse_pointer + '.\n')
    # lame zones, on a generator of their own so that the other files stay
    # the bytes they were
    lrnd = random.Random(a.seed + 1)
    lame = lame_pool(lrnd)
    for ip in lame:
        truth[str(ip)] = {'class': 'lame', 'v': ip.version,
                          'verdict': 'none', 'hosts': [], 'generic': False,
                          'lame': True}
    with open(os.path.join(a.out, 'lame.zones'), 'w') as f:
        for net in LAME_NETS:
            f.write(lame_zone_name(net) + '.\n')
    with open(os.path.join(a.out, 'truth.json'), 'w') as f:
        json.dump(truth, f, indent=0, sort_keys=True)

    addrs = [ip for ip, _ in pool]
    write_lines(rnd, os.path.join(a.out, 'main.log'),
                zipf_lines(rnd, addrs, a.main_lines))
    write_lines(rnd, os.path.join(a.out, 'trickle.log'),
                rnd.choices(addrs, k=a.trickle_lines))
    write_lines(lrnd, os.path.join(a.out, 'lame.log'),
                lame_lines(lrnd, addrs, lame, a.trickle_lines))
    # hot path: same kind of bytes; every address is in the pool, so a
    # cache warmed on the pool answers every line
    hot = zipf_lines(rnd, addrs, a.hot_lines)
    write_lines(rnd, os.path.join(a.out, 'hot.log'), hot)
    # the same addresses as ECS objects, from a generator of their own so
    # that every other file keeps its bytes
    erd = random.Random(a.seed + 1)
    with open(os.path.join(a.out, 'hot.ndjson'), 'w') as f:
        for seq, ip in enumerate(hot):
            f.write(ecs_line(erd, ip, seq))
    with open(os.path.join(a.out, 'pool.log'), 'w') as f:
        for seq, ip in enumerate(addrs):
            f.write(log_line(rnd, ip, seq))
    for n in a.mem:
        write_lines(rnd, os.path.join(a.out, 'mem-%d.log' % n),
                    [ip for ip, _ in mp[:n]])
    # cold-work rate: addresses the memory test does not touch first
    cold = [ip for ip, _ in mp[-a.cold:]]
    rnd.shuffle(cold)
    write_lines(rnd, os.path.join(a.out, 'cold.log'), cold)
    # the hot path again with sshd's lines (every address of the pool,
    # skewed), from a generator of its own so the files above stay as
    # they were
    arnd = random.Random(a.seed + 1)
    write_lines(arnd, os.path.join(a.out, 'auth.log'),
                zipf_lines(arnd, addrs, a.auth_lines), auth_line)
    counts = {}
    for ip, cls in pool:
        counts[cls] = counts.get(cls, 0) + 1
    print('gen: %d addresses %s, %d zones' % (
        len(pool), ' '.join('%s=%d' % kv for kv in sorted(counts.items())),
        len(texts)))


if __name__ == '__main__':
    main()
