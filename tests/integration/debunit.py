"""debunit: the installed ptrtag@.service run by a real systemd, for
test_deb.py.

This machine runs no systemd, so the test boots one in a container: in a
private mount namespace (unshare -m), an overlay whose lower layer is
this machine's / (with the package installed) and whose upper layer is a
tmpfs, started with systemd-nspawn -b. Nothing the container writes
reaches this machine's file system, and the mounts vanish with the
namespace. The container shares the network, so ptrtag asks an NSD the
test runs on 127.0.0.1 (the DNS data of the examples).

systemd-nspawn's own system-call filter refuses Landlock's calls unless
told otherwise (--system-call-filter), which would hide what the unit
does.

In it, a oneshot unit (PROBE) runs as the boot target and then stops the
container (SuccessAction=exit); it writes its findings to a directory
bound from the test's temporary directory. What is checked:

- ptrtag@auth.service, with the packaged unit file and /etc/default/ptrtag
  naming the NSD, reads /var/log/auth.log (the examples' auth.log, owned
  root:adm, mode 0640, as Debian's rsyslog makes it) and writes exactly
  examples/auth.expected to /var/log/ptrtag/auth.log; it ends with
  Result=success and status 0, never restarted; its cache file is in
  /var/lib/ptrtag; with --follow and --state, its state file is there
  too, it goes on with the new /var/log/auth.log after a rotation
  (rename and create: the sandboxes let it open the new file), and a
  stop and start repeats no line; with --metrics-file, its metrics are
  in /run/ptrtag;
- ptrtag@live.service, its input a FIFO named by
  /etc/default/ptrtag-live: while it runs, it is not root, is in group
  adm (4), has NoNewPrivs 1 and Seccomp 2 (ptrtag's own filter loaded
  under systemd's); `systemctl reload` keeps it running; the packaged
  /etc/logrotate.d/ptrtag rotates its file and reloads it: the line
  written before is in live.log.1, the line after in live.log, the
  main process the same; it stops with status 0;
- ptrtag --version run under the unit (ptrtag@version, a drop-in) prints
  what it prints unconfined, Landlock ABI included: ptrtag takes a
  Landlock call refused by systemd's filter for a kernel without
  Landlock and would leave that step out without a word;
- ptrtag@auth and ptrtag@live wrote nothing to the journal (no warning).

Until the installed ptrtag knows the ExecStart options that other
branches of issue 12 add (test_deb.PENDING), a drop-in runs ptrtag@auth
without those it lacks; ptrtag@live always runs without --follow and
--state (its input is a FIFO, not a followed file).
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import textwrap

import dnstest

EXAMPLES = '/usr/share/doc/ptrtag/examples'
PROBE = 'ptrtag-test-probe'
OUT = '/ptrtag-test-out'        # in the container

PROBE_UNIT = """\
[Unit]
Description=ptrtag package test: run ptrtag@.service instances
SuccessAction=exit
FailureAction=exit

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/%s
TimeoutStartSec=150
""" % PROBE

PROBE_SCRIPT = r"""#!/bin/sh
# Run by ptrtag-test-probe.service in the container (tests/integration/
# debunit.py): findings go to $out, one file each.
out=%(out)s
follow=%(follow)s
exec >$out/probe.log 2>&1
set -x

# wait_lines FILE N: until FILE has N lines, 30 s at most
wait_lines() {
	i=0
	while [ $i -lt 150 ]; do
		[ "$(cat "$1" 2>/dev/null | wc -l)" -ge "$2" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

chown root:adm /var/log/auth.log
chmod 0640 /var/log/auth.log
n=$(wc -l < /var/log/auth.log)
systemctl start ptrtag@auth.service
wait_lines /var/log/ptrtag/auth.log $n
if [ "$follow" = 1 ]; then
	# rotated as rsyslog's logrotate does (rename, create), then its
	# first line again in the new file; then a stop and a start
	mv /var/log/auth.log /var/log/auth.log.1
	install -m 0640 -g adm /dev/null /var/log/auth.log
	head -n 1 /var/log/auth.log.1 >> /var/log/auth.log
	wait_lines /var/log/ptrtag/auth.log $((n + 1))
	systemctl stop ptrtag@auth.service
	systemctl start ptrtag@auth.service
	sleep 3
fi
systemctl stop ptrtag@auth.service
systemctl show -p Result,ExecMainStatus,NRestarts ptrtag@auth.service \
    > $out/auth.show
cp /var/log/ptrtag/auth.log $out/auth.out
for f in /var/lib/ptrtag/auth.cache /var/lib/ptrtag/auth.state \
    /run/ptrtag/auth.prom; do
	[ -s $f ] && echo $f
done > $out/auth.files

mkfifo -m 0640 /var/log/live.fifo
chgrp adm /var/log/live.fifo
sleep 600 > /var/log/live.fifo &
writer=$!
systemctl start ptrtag@live.service
pid=$(systemctl show -p MainPID --value ptrtag@live.service)
echo "$pid" > $out/live.pid1
printf 'one from 203.0.113.45 port 22\n' > /var/log/live.fifo
wait_lines /var/log/ptrtag/live.log 1
grep -E '^(Uid|Groups|NoNewPrivs|Seccomp):' /proc/$pid/status \
    > $out/live.status
systemctl reload ptrtag@live.service
systemctl is-active ptrtag@live.service > $out/live.active
logrotate -f /etc/logrotate.d/ptrtag
printf 'two from 198.51.100.7 port 22\n' > /var/log/live.fifo
wait_lines /var/log/ptrtag/live.log 1
systemctl show -p MainPID --value ptrtag@live.service > $out/live.pid2
systemctl stop ptrtag@live.service
kill $writer
systemctl show -p Result,ExecMainStatus,NRestarts ptrtag@live.service \
    > $out/live.show
cp /var/log/ptrtag/live.log.1 $out/live.1
cp /var/log/ptrtag/live.log $out/live.0
/usr/bin/ptrtag --version > $out/version.probe
systemctl start ptrtag@version.service
sleep 1
journalctl --no-pager -o cat _SYSTEMD_UNIT=ptrtag@version.service \
    _COMM=ptrtag > $out/version
journalctl --no-pager -o cat -u 'ptrtag@*' > $out/journal
journalctl --no-pager -o short _SYSTEMD_UNIT=ptrtag@auth.service \
    _COMM=ptrtag + _SYSTEMD_UNIT=ptrtag@live.service _COMM=ptrtag \
    > $out/journal.ptrtag
echo done > $out/done
"""

# The container's part of the run: the overlay root, the staged files,
# then systemd-nspawn booting the probe.
BOOT = r"""
set -e
mount -t tmpfs -o size=1G ptrtag-test "$1/ovl"
mkdir "$1/ovl/upper" "$1/ovl/work"
mount -t overlay overlay \
    -o "lowerdir=/,upperdir=$1/ovl/upper,workdir=$1/ovl/work" "$1/root"
cp -a "$1/stage/." "$1/root/"
exec systemd-nspawn -q -D "$1/root" --machine="ptrtag-test-$$" \
    --link-journal=no --register=no --keep-unit --console=pipe \
    --system-call-filter='landlock_create_ruleset landlock_add_rule' \
    --system-call-filter=landlock_restrict_self \
    --bind="$1/out:%s" -b -- systemd.unit=%s.service
""" % (OUT, PROBE)


def exec_start(unit_text):
    """The ExecStart= command line of a unit file, continuations joined."""
    text = unit_text.replace('\\\n', ' ')
    m = re.search(r'^ExecStart=(.*)$', text, re.M)
    return m.group(1) if m else ''


def without(cmd, names):
    """cmd without the long options names, and their values (all but
    --follow take one)."""
    for name in sorted(names):
        value = '' if name == 'follow' else r'\s+\S+'
        cmd = re.sub(r'--%s%s\s*' % (re.escape(name), value), '', cmd)
    return cmd


def stage(tmp, nsd, pending):
    """The files copied over the container's root before it boots."""
    root = os.path.join(tmp, 'stage')

    def put(path, text, mode=0o644):
        full = root + path
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'w') as f:
            f.write(text)
        os.chmod(full, mode)

    put('/etc/default/ptrtag', 'PTRTAG_OPTIONS="-s %s -t 500 -d 3000"\n' %
        nsd.server)
    put('/etc/default/ptrtag-live', 'PTRTAG_INPUT=/var/log/live.fifo\n')
    with open('/lib/systemd/system/ptrtag@.service') as f:
        cmd = exec_start(f.read())
    # auth: the unit's command less the options ptrtag lacks yet; live
    # reads a FIFO, no file to follow.
    auth = without(cmd, pending)
    live = without(cmd, pending | {'follow', 'state'})
    dropin = '[Service]\nExecStart=\nExecStart=%s\n'
    put('/etc/systemd/system/ptrtag@live.service.d/test.conf', dropin % live)
    if pending:
        put('/etc/systemd/system/ptrtag@auth.service.d/test.conf',
            dropin % auth)
    put('/etc/systemd/system/ptrtag@version.service.d/test.conf',
        '[Service]\nExecStart=\nExecStart=/usr/bin/ptrtag --version\n')
    put('/etc/systemd/system/%s.service' % PROBE, PROBE_UNIT)
    put('/usr/local/sbin/' + PROBE, PROBE_SCRIPT % {
        'out': OUT, 'follow': 0 if pending & {'follow', 'state'} else 1},
        0o755)
    with open(EXAMPLES + '/auth.log') as f:
        put('/var/log/auth.log', f.read(), 0o640)
    return auth


def boot(tmp):
    """Run BOOT in a private mount namespace; (rc, output)."""
    for d in ('ovl', 'root', 'out'):
        os.makedirs(os.path.join(tmp, d))
    p = subprocess.Popen(['unshare', '-m', '--propagation', 'private',
                          'sh', '-c', BOOT, 'boot', tmp],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=200)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, out.decode(errors='replace')
    return p.returncode, out.decode(errors='replace')


def read(tmp, name):
    try:
        with open(os.path.join(tmp, 'out', name), errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def props(text):
    return dict(l.split('=', 1) for l in text.splitlines() if '=' in l)


def check_auth(tap, tmp, pending):
    with open(EXAMPLES + '/auth.expected') as f:
        expected = f.read()
    name = 'examples/auth.expected'
    if not pending & {'follow', 'state'}:
        expected += expected.splitlines(True)[0]
        name += ', then its first line again from the rotated log, once,'
    got = read(tmp, 'auth.out')
    tap.ok(got == expected, 'container: ptrtag@auth.service wrote '
           '%s to /var/log/ptrtag/auth.log' % name,
           lambda: dnstest.first_difference(got.splitlines(),
                                            expected.splitlines()))
    show = props(read(tmp, 'auth.show'))
    tap.equal((show.get('Result'), show.get('ExecMainStatus'),
               show.get('NRestarts')), ('success', '0', '0'),
              'container: ptrtag@auth.service ends with success, status 0, '
              'no restart')
    files = read(tmp, 'auth.files').split()
    want = ['/var/lib/ptrtag/auth.cache']
    if 'state' not in pending:
        want.append('/var/lib/ptrtag/auth.state')
    if 'metrics-file' not in pending:
        want.append('/run/ptrtag/auth.prom')
    tap.equal(sorted(files), sorted(want), 'container: ptrtag@auth.service '
              'keeps its files in /var/lib/ptrtag and /run/ptrtag')


def check_live(tap, tmp):
    status = dict(re.split(r':\s*', l, 1) for l in
                  read(tmp, 'live.status').splitlines() if ':' in l)
    uid = (status.get('Uid') or '0').split()[0]
    tap.ok(uid != '0' and '4' in (status.get('Groups') or '').split() and
           status.get('NoNewPrivs') == '1' and status.get('Seccomp') == '2',
           'container: ptrtag@live runs as a user in group adm (4), '
           'NoNewPrivs 1, Seccomp 2', str(status))
    tap.equal(read(tmp, 'live.active').strip(), 'active', 'container: '
              'systemctl reload keeps ptrtag@live running')
    one = read(tmp, 'live.1')
    two = read(tmp, 'live.0')
    tap.ok(one.startswith('one from 203.0.113.45 port 22 rdns_ip=') and
           one.count('\n') == 1 and
           two.startswith('two from 198.51.100.7 port 22 rdns_ip=') and
           two.count('\n') == 1, 'container: /etc/logrotate.d/ptrtag '
           'rotates live.log and reloads: the line before in live.log.1, '
           'the line after in live.log', 'live.log.1: %r\nlive.log: %r' %
           (one, two))
    pids = (read(tmp, 'live.pid1').strip(), read(tmp, 'live.pid2').strip())
    tap.ok(pids[0] and pids[0] == pids[1], 'container: the same ptrtag '
           'before and after the rotation', str(pids))
    show = props(read(tmp, 'live.show'))
    tap.equal((show.get('Result'), show.get('ExecMainStatus'),
               show.get('NRestarts')), ('success', '0', '0'),
              'container: ptrtag@live stops with success, status 0')


def check_in_container(tap, st):
    tool = shutil.which('systemd-nspawn')
    if not tap.ok(tool and shutil.which('unshare') and
                  shutil.which('logrotate'), 'systemd-nspawn, unshare and '
                  'logrotate installed (tests/deps)'):
        return
    tmp = os.path.join(st['tmp'], 'container')
    pending = st.get('pending', set())
    zones = {os.path.basename(p)[:-len('.zone')]: open(p).read()
             for p in glob.glob(EXAMPLES + '/zones/*.zone')}
    with dnstest.NSD(zones) as nsd:
        auth = stage(tmp, nsd, pending)
        tap.diag('container: ptrtag@auth runs %s' % ' '.join(auth.split()))
        rc, out = boot(tmp)
    if not tap.ok(read(tmp, 'done'), 'container: systemd booted and ran '
                  'the probe to its end (%s)' % PROBE, lambda: textwrap.
                  shorten('rc %s: %s' % (rc, out), 3000) + '\n' +
                  read(tmp, 'probe.log')[-3000:]):
        return
    check_auth(tap, tmp, pending)
    check_live(tap, tmp)
    p = subprocess.run(['/usr/bin/ptrtag', '--version'],
                       stdout=subprocess.PIPE, timeout=30)
    host = p.stdout.decode(errors='replace').strip()
    tap.equal(read(tmp, 'version').strip(), host, 'container: ptrtag '
              '--version under the unit says what it says unconfined (the '
              'unit lets Landlock through)', 'in the container, outside '
              'the unit: ' + read(tmp, 'version.probe').strip())
    own = read(tmp, 'journal.ptrtag').strip()
    tap.ok(not own or own.startswith('-- No entries --'), 'container: '
           'ptrtag wrote nothing to the journal', own)
    tap.diag('container journal:\n' + read(tmp, 'journal').strip())
