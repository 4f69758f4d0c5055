#!/usr/bin/python3
"""MenuOS/x64 benchmarks (`make bench`), with a Linux guest in the same QEMU
setup for comparison.  Nothing here asserts a timing: the figures are
printed as a table and written to BUILD/bench.txt, each line with the
command or setup that produced it.

  boot     time from QEMU start to the shell prompt, median of --runs
           (MenuOS direct -kernel boot, MenuOS through GRUB from the ISO,
           Linux -kernel + initramfs), software emulation (-accel tcg)
  size     menuos.elf (file, text/data/bss), menuos.iso, stripped kernel;
           the Linux guest's vmlinuz and initramfs
  mem      smallest -m (MB) that still reaches the prompt (bisection)
  net      over a tap in the network namespace menuos-bench (created and
           removed here; host side 10.0.2.2/24, guest 10.0.2.15), for each
           NIC model: ping RTT, sequential TCP hello/hi exchanges to port
           5001, bulk TCP host->guest (guest discard server on 5002) and
           guest->host (guest sends to a discard server on 10.0.2.2:5003)

    tests/bench.py [--build DIR] [--out FILE] [--only boot,size,mem,net]
                   [--guests menuos,linux] [--nics virtio,e1000] ...

The Linux guest (Debian's kernel and busybox-static, downloaded with
apt-get download, never installed) is built and cached under
BUILD/linux-guest/ by tests/bench/linux_guest.py.  The network part needs
root (network namespaces, tap devices).
"""
import argparse
import json
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, 'bench'))
import linux_guest  # noqa: E402

QEMU = 'qemu-system-x86_64'
PY = '/usr/bin/python3'
NETCLIENT = os.path.join('tests', 'bench', 'netclient.py')
PROMPT = 'MenuOS>>'
NETNS = 'menuos-bench'
TAP = 'tap0'
HOST_IP = '10.0.2.2'
GUEST_IP = '10.0.2.15'
NIC_DEVICES = {'virtio': 'virtio-net-pci', 'e1000': 'e1000'}


def q(argv):
    return ' '.join(shlex.quote(str(a)) for a in argv)


# ---------------------------------------------------------------- report

class Report:
    """Figure lines: figure, guest, value, and the command/setup behind it.
    Each line is printed as soon as it is known; the file is rewritten
    after every line, so an interrupted run keeps what it measured."""

    def __init__(self, path):
        self.path = path
        self.head = []
        self.rows = []

    def note(self, text):
        self.head.append(text)
        print(text, flush=True)
        self._write()

    def add(self, figure, guest, value, setup):
        row = (figure, guest, value, setup)
        self.rows.append(row)
        print(self._fmt(row), flush=True)
        self._write()

    def skip(self, figure, guest, reason, setup=''):
        self.add(figure, guest, 'skipped: ' + reason, setup)

    @staticmethod
    def _fmt(row):
        figure, guest, value, setup = row
        return '%-40s %-7s %-52s | %s' % (figure, guest, value, setup)

    def _write(self):
        os.makedirs(os.path.dirname(self.path) or '.', exist_ok=True)
        tmp = self.path + '.tmp'
        with open(tmp, 'w') as f:
            for h in self.head:
                f.write('# ' + h + '\n')
            f.write(self._fmt(('figure', 'guest', 'value', 'command / setup')) + '\n')
            for r in self.rows:
                f.write(self._fmt(r) + '\n')
        os.replace(tmp, self.path)


def pct(vals, p):
    """Nearest-rank percentile (p in 0..100)."""
    s = sorted(vals)
    if not s:
        return float('nan')
    k = max(0, min(len(s) - 1, -(-p * len(s) // 100) - 1))
    return s[int(k)]


# ---------------------------------------------------------------- guests

class GuestFailed(Exception):
    """The guest printed one of its failure markers (a panic) while booting."""


# What each guest prints when it gives up during boot.
MENUOS_FAIL = ('*** KERNEL PANIC', 'System halted.')
LINUX_FAIL = ('end Kernel panic',)


class Guest:
    """One QEMU run with the serial console on a pexpect pty."""

    def __init__(self, argv, ready, timeout, fail=()):
        self.argv = argv
        self.ready = ready
        self.timeout = timeout
        self.fail = list(fail)
        self.child = None
        self.boot_seconds = None

    def start(self):
        t0 = time.monotonic()
        self.child = pexpect.spawn(self.argv[0], self.argv[1:], cwd=ROOT, encoding='utf-8',
                                   codec_errors='replace', timeout=self.timeout,
                                   dimensions=(50, 200), echo=False)
        self.child.logfile_read = _Tail()
        i = self.child.expect_exact([self.ready] + self.fail, timeout=self.timeout)
        if i:
            try:
                self.child.expect(pexpect.TIMEOUT, timeout=0.5)
            except pexpect.EOF:
                pass
            t = self.tail(3000).replace('\r', '')
            m = re.search(r'(Kernel panic[^\n]*|KERNEL PANIC[^\n]*)', t)
            raise GuestFailed(m.group(1) if m else self.fail[i - 1])
        self.boot_seconds = time.monotonic() - t0
        return self

    def tail(self, n=600):
        return self.child.logfile_read.text[-n:] if self.child else ''

    def close(self):
        if self.child is not None:
            if self.child.isalive():
                self.child.terminate(force=True)
            self.child.close()
            self.child = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False


class _Tail:
    def __init__(self):
        self.text = ''

    def write(self, s):
        self.text = (self.text + s)[-20000:]

    def flush(self):
        pass


class MenuOSConsole(Guest):
    def cmd(self, line, timeout=None):
        self.child.send(line + '\r')
        self.child.expect_exact(PROMPT, timeout=timeout or self.timeout)
        return self.child.before.replace('\r', '')

    def start_cmd(self, line):
        self.child.send(line + '\r')


class LinuxConsole(Guest):
    """busybox sh on the serial console."""
    _n = 0

    def cmd(self, line, timeout=None):
        LinuxConsole._n += 1
        # The marker is split in the typed line, so the echo cannot match it.
        tag = 'DONE%d' % LinuxConsole._n
        self.child.send('%s; echo %s""%s\r' % (line, tag[:2], tag[2:]))
        self.child.expect(tag + '\r*\n', timeout=timeout or self.timeout)
        return self.child.before.replace('\r', '')


def qemu_base(mem):
    return [QEMU, '-accel', 'tcg', '-m', str(mem)]


def menuos_argv(elf, mem=128, net=None, iso=None):
    a = qemu_base(mem)
    a += ['-cdrom', iso] if iso else ['-kernel', elf]
    a += ['-serial', 'stdio', '-display', 'none']
    return a + (net or ['-nic', 'none'])


def linux_argv(g, mem=128, net=None):
    a = qemu_base(mem) + ['-kernel', g['vmlinuz'], '-initrd', g['initrd'],
                          '-append', 'console=ttyS0 quiet', '-serial', 'stdio', '-display', 'none']
    return a + (net or ['-nic', 'none'])


# ---------------------------------------------------------------- boot, size, memory

def boot_times(argv, ready, fail, runs, timeout):
    """Seconds from spawning QEMU until `ready` appears on the serial console."""
    times = []
    for _ in range(runs):
        g = Guest(argv, ready, timeout, fail)
        try:
            g.start()
            times.append(g.boot_seconds)
        except GuestFailed as e:
            raise RuntimeError('guest failed: %s' % e) from None
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise RuntimeError('%s before %r; console ends: %s'
                               % (type(e).__name__, ready, _lastlines(g.tail()))) from None
        finally:
            g.close()
    return times


def bench_boot(rep, args, lg):
    cases = []
    if 'menuos' in args.guests:
        cases.append(('boot.direct', 'MenuOS', menuos_argv(args.elf), PROMPT, MENUOS_FAIL, args.elf))
        cases.append(('boot.grub-iso', 'MenuOS', menuos_argv(args.elf, iso=args.iso), PROMPT, MENUOS_FAIL,
                      args.iso))
    if 'linux' in args.guests:
        if lg:
            cases.append(('boot.direct', 'Linux', linux_argv(lg), linux_guest.READY_MARKER, LINUX_FAIL,
                          lg['vmlinuz']))
        else:
            rep.skip('boot.direct', 'Linux', 'Linux guest not available (see above)')
    for fig, guest, argv, ready, fail, need in cases:
        setup = '%s  (until %r on serial; median of %d)' % (q(argv), ready, args.runs)
        if guest == 'Linux':
            setup += '; the marker comes after init has loaded the NIC modules'
        if not os.path.exists(need):
            rep.skip(fig, guest, '%s not built' % need, setup)
            continue
        try:
            t = boot_times(argv, ready, fail, args.runs, args.boot_timeout)
        except RuntimeError as e:
            rep.add(fig, guest, 'FAILED: %s' % e, setup)
            continue
        rep.add(fig, guest, '%.3f s (runs: %s)' % (statistics.median(t),
                                                    ' '.join('%.3f' % x for x in t)), setup)


def bench_size(rep, args, lg):
    if 'menuos' in args.guests:
        elf, iso = args.elf, args.iso
        if os.path.exists(elf):
            rep.add('size.elf', 'MenuOS', '%d bytes' % os.path.getsize(elf), 'stat -c %%s %s' % elf)
            out = subprocess.run(['size', elf], capture_output=True, text=True).stdout.split('\n')
            if len(out) > 1 and out[1].split():
                text, data, bss = out[1].split()[:3]
                rep.add('size.text/data/bss', 'MenuOS', '%s / %s / %s bytes' % (text, data, bss),
                        'size %s' % elf)
            with tempfile.TemporaryDirectory() as td:
                st = os.path.join(td, 'menuos.stripped.elf')
                subprocess.run(['strip', '-o', st, elf], check=True)
                rep.add('size.stripped-elf', 'MenuOS', '%d bytes' % os.path.getsize(st),
                        'strip -o menuos.stripped.elf %s; stat -c %%s menuos.stripped.elf' % elf)
        else:
            rep.skip('size.elf', 'MenuOS', '%s not built' % elf)
        if os.path.exists(iso):
            rep.add('size.iso', 'MenuOS', '%d bytes' % os.path.getsize(iso), 'stat -c %%s %s' % iso)
        else:
            rep.skip('size.iso', 'MenuOS', '%s not built' % iso)
    if 'linux' in args.guests and not lg:
        rep.skip('size.vmlinuz', 'Linux', 'Linux guest not available (see above)')
    if 'linux' in args.guests and lg:
        rep.add('size.vmlinuz', 'Linux', '%d bytes' % os.path.getsize(lg['vmlinuz']),
                'stat -c %%s %s  (%s from %s)' % (lg['vmlinuz'], lg['kernel_version'],
                                                 lg['kernel_deb']))
        rep.add('size.initramfs', 'Linux', '%d bytes' % os.path.getsize(lg['initrd']),
                'stat -c %%s %s  (busybox-static + modules %s, cpio newc, gzip -9)'
                % (lg['initrd'], lg['modules']))


def reaches_prompt(argv, ready, fail, timeout):
    """(True, seconds) or (False, why)."""
    g = Guest(argv, ready, timeout, fail)
    try:
        g.start()
        return True, '%.3f s' % g.boot_seconds
    except GuestFailed as e:
        return False, str(e)
    except pexpect.EOF:
        return False, 'QEMU exited: %s' % _lastlines(g.tail(800))
    except pexpect.TIMEOUT:
        return False, 'no %r within %d s; console ends: %s' % (ready, timeout, _lastlines(g.tail(800)))
    finally:
        g.close()


def _lastlines(text, n=2):
    lines = [ln.strip() for ln in text.replace('\r', '').split('\n') if ln.strip()]
    return ' / '.join(lines[-n:]) if lines else '(no output)'


def min_mem(mkargv, ready, fail, lo, hi, timeout):
    """Bisection for the smallest -m in [lo, hi] that reaches `ready`;
    returns (smallest ok or None, {mem: (ok, detail)})."""
    tried = {}

    def t(m):
        if m not in tried:
            tried[m] = reaches_prompt(mkargv(m), ready, fail, timeout)
        return tried[m][0]

    if not t(hi):
        return None, tried
    if t(lo):
        return lo, tried
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if t(mid):
            hi = mid
        else:
            lo = mid
    return hi, tried


def bench_mem(rep, args, lg):
    cases = []
    if 'menuos' in args.guests:
        if os.path.exists(args.elf):
            cases.append(('MenuOS', lambda m: menuos_argv(args.elf, mem=m), PROMPT, MENUOS_FAIL, 2, 64,
                          menuos_argv(args.elf, mem='M')))
        else:
            rep.skip('mem.min', 'MenuOS', '%s not built' % args.elf)
    if 'linux' in args.guests and not lg:
        rep.skip('mem.min', 'Linux', 'Linux guest not available (see above)')
    if 'linux' in args.guests and lg:
        cases.append(('Linux', lambda m: linux_argv(lg, mem=m), linux_guest.READY_MARKER, LINUX_FAIL, 2, 128,
                      linux_argv(lg, mem='M')))
    for guest, mk, ready, fail, lo, hi, shown in cases:
        best, tried = min_mem(mk, ready, fail, lo, hi, args.mem_timeout)
        setup = 'bisection of M in [%d, %d]: %s  (until %r)' % (lo, hi, q(shown), ready)
        if best is None:
            rep.add('mem.min', guest, 'none in [%d, %d]: -m %d: %s' % (lo, hi, hi, tried[hi][1]), setup)
            continue
        rep.add('mem.min', guest, '%d MB%s' % (best, ' (the lower end of the range)' if best == lo else ''),
                setup)
        below = [m for m in tried if m < best]
        if below:
            m = max(below)
            rep.add('mem.below-min', guest, '-m %d: %s' % (m, tried[m][1][:200]), setup)
        tried_s = ', '.join('%d:%s' % (m, 'ok' if tried[m][0] else 'no') for m in sorted(tried))
        rep.add('mem.tried', guest, tried_s, setup)
        if lo in tried and not tried[lo][0] and lo != max(below or [0]):
            rep.add('mem.at-%dMB' % lo, guest, tried[lo][1][:200], q(mk(lo)))
    # What QEMU itself says about -m 1 (below the bisection range).
    if 'menuos' in args.guests and os.path.exists(args.elf):
        argv = menuos_argv(args.elf, mem=1)
        ok, why = reaches_prompt(argv, PROMPT, MENUOS_FAIL, args.mem_timeout)
        rep.add('mem.at-1MB', 'MenuOS', ('reaches prompt (%s)' % why if ok else
                                         'QEMU accepts -m 1; ' + why)[:200], q(argv))


# ---------------------------------------------------------------- network

def ip(*a, check=True):
    return subprocess.run(['ip'] + list(a), capture_output=True, text=True, check=check)


def nsrun(argv, **kw):
    kw.setdefault('capture_output', True)
    kw.setdefault('text', True)
    return subprocess.run(['ip', 'netns', 'exec', NETNS] + list(argv), **kw)


class BenchNetns:
    """The namespace menuos-bench with tap0 (host side 10.0.2.2/24);
    removed on exit, also after an error or a signal."""
    SETUP = ('ip netns add %s; ip -n %s link set lo up; ip -n %s tuntap add dev %s mode tap; '
             'ip -n %s addr add %s/24 dev %s; ip -n %s link set %s up'
             % (NETNS, NETNS, NETNS, TAP, NETNS, HOST_IP, TAP, NETNS, TAP))

    def __enter__(self):
        if NETNS in ip('netns', 'list').stdout.split():
            print('note: removing stale namespace %s from an earlier run' % NETNS, flush=True)
            ip('netns', 'del', NETNS, check=False)
        ip('netns', 'add', NETNS)
        try:
            ip('-n', NETNS, 'link', 'set', 'lo', 'up')
            ip('-n', NETNS, 'tuntap', 'add', 'dev', TAP, 'mode', 'tap')
            ip('-n', NETNS, 'addr', 'add', HOST_IP + '/24', 'dev', TAP)
            ip('-n', NETNS, 'link', 'set', TAP, 'up')
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        ip('netns', 'del', NETNS, check=False)
        return False


def nic_args(model):
    return ['-netdev', 'tap,id=n0,ifname=%s,script=no,downscript=no' % TAP,
            '-device', '%s,netdev=n0' % NIC_DEVICES[model]]


def wait_link(limit=30):
    """Seconds until the guest answers one ping (ARP resolved, link up;
    Linux's e1000 takes a while to report link), or None."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if nsrun(['ping', '-c', '1', '-W', '1', GUEST_IP], timeout=10).returncode == 0:
            return time.monotonic() - t0
    return None


def net_ping(rep, tag, guest, setup):
    argv = ['ping', '-c', str(200), '-i', '0.01', GUEST_IP]
    cmd = 'ip netns exec %s %s (after one answered warm-up ping); %s' % (NETNS, q(argv), setup)
    if wait_link() is None:
        rep.add('net.ping-rtt' + tag, guest, 'FAILED: no answer to ping within 30 s', cmd)
        return False
    r = nsrun(argv, timeout=120)
    times = [float(x) for x in re.findall(r'time=([0-9.]+)', r.stdout)]
    if not times:
        rep.add('net.ping-rtt' + tag, guest, 'FAILED: no replies (%s)' % _lastlines(r.stdout + r.stderr),
                cmd)
        return False
    rep.add('net.ping-rtt' + tag, guest, 'p50 %.3f ms, p99 %.3f ms (%d/200 replies)'
            % (pct(times, 50), pct(times, 99), len(times)), cmd)
    return True


def net_hi(rep, tag, guest, setup, n):
    argv = [PY, NETCLIENT, 'hi', GUEST_IP, '5001', str(n)]
    cmd = 'ip netns exec %s %s; %s' % (NETNS, q(argv), setup)
    r = nsrun(argv, timeout=60 + 5 * n, cwd=ROOT)
    try:
        res = json.loads(r.stdout.strip().split('\n')[-1])
    except (ValueError, IndexError):
        rep.add('net.tcp-hi' + tag, guest, 'FAILED: client: %s' % _lastlines(r.stdout + r.stderr), cmd)
        return
    if 'error' in res or not res['latency_ms']:
        rep.add('net.tcp-hi' + tag, guest, 'FAILED: %s' % (res.get('error') or res['errors'][:2]), cmd)
        return
    lat = res['latency_ms']
    rep.add('net.tcp-hi-conn/s' + tag, guest, '%.1f conn/s (%d/%d ok, %.2f s)'
            % (res['ok'] / res['seconds'], res['ok'], n, res['seconds']), cmd)
    rep.add('net.tcp-hi-latency' + tag, guest, 'p50 %.2f ms, p99 %.2f ms' % (pct(lat, 50), pct(lat, 99)),
            cmd)
    if res['nerrors']:
        rep.add('net.tcp-hi-errors' + tag, guest, '%d errors, first: %s'
                % (res['nerrors'], '; '.join(res['errors'][:2])), cmd)


class BenchError(Exception):
    """One measurement run failed; the message says how."""


def push_once(mbytes):
    """host -> guest discard server on 5002: (bytes, seconds, note)."""
    r = nsrun(push_argv(mbytes), timeout=120 + 30 * mbytes, cwd=ROOT)
    try:
        res = json.loads(r.stdout.strip().split('\n')[-1])
    except (ValueError, IndexError):
        raise BenchError('client: %s' % _lastlines(r.stdout + r.stderr)) from None
    if 'error' in res:
        raise BenchError(res['error'])
    if res['peer_closed']:
        return res['bytes'], res['seconds'], ''
    return res['bytes'], res['seconds_to_last_send'], 'guest did not close; timed to last send'


def push_argv(mbytes):
    return [PY, NETCLIENT, 'push', GUEST_IP, '5002', str(mbytes * 1048576), '60']


def pull_argv(mbytes, limit):
    return [PY, NETCLIENT, 'discard', HOST_IP, '5003', '120'] + ([str(mbytes * 1048576)] if limit else [])


def pull_once(mbytes, start_send, wait_send, limit=False):
    """guest -> host discard server on 10.0.2.2:5003: (bytes, seconds, note).
    start_send() types the guest's send command, wait_send() waits until it
    is done.  With limit the server closes after mbytes MiB (the guest
    streams until the peer closes)."""
    srv = subprocess.Popen(['ip', 'netns', 'exec', NETNS] + pull_argv(mbytes, limit), cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = srv.stdout.readline()
        if 'listening' not in first:
            raise BenchError('discard server did not start: %s %s' % (first, srv.stderr.read()))
        start_send()
        try:
            wait_send()
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise BenchError('guest command: %s' % type(e).__name__) from None
        try:
            outs, errs = srv.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            raise BenchError('host server saw no EOF') from None
        try:
            res = json.loads(outs.strip().split('\n')[-1])
        except (ValueError, IndexError):
            raise BenchError(_lastlines(outs + errs)) from None
        if 'error' in res or not res.get('bytes'):
            raise BenchError(res.get('error', 'no data'))
        return res['bytes'], res['seconds'], ''
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()


def bulk(rep, fig, guest, cmd, once, reps, check=None, check_fig='', check_setup=''):
    """Runs once() reps times; reports the median rate and every run's rate.
    check() (after each run) returns a string for the check_fig line."""
    results, checks = [], []
    for i in range(reps):
        try:
            results.append(once())
        except BenchError as e:
            rep.add(fig, guest, 'FAILED (run %d of %d): %s' % (i + 1, reps, e), cmd)
            return
        if check:
            checks.append(check())
    rates = sorted(b / s for b, s, _ in results)
    med = statistics.median(rates)
    notes = sorted(set(n for _, _, n in results if n))
    rep.add(fig, guest, 'median %.2f MiB/s = %.1f Mbit/s (runs: %s MiB/s; %s bytes each)%s'
            % (med / 1048576, med * 8 / 1e6, ' '.join('%.1f' % (r / 1048576) for r in rates),
               '/'.join(sorted(set(str(b) for b, _, _ in results))),
               ' [%s]' % '; '.join(notes) if notes else ''), cmd)
    if checks:
        rep.add(check_fig, guest, '; '.join(checks), check_setup)


def menuos_commands(con):
    out = con.cmd('help', timeout=20)
    return set(re.findall(r'^(\S+) - ', out, re.M))


def bench_net_menuos(rep, args, model):
    tag = '[%s]' % model
    argv = ['ip', 'netns', 'exec', NETNS] + menuos_argv(args.elf, net=nic_args(model))
    setup = 'netns %s: %s; %s' % (NETNS, BenchNetns.SETUP, q(argv))
    con = MenuOSConsole(argv, PROMPT, args.net_timeout, MENUOS_FAIL)
    try:
        con.start()
    except (pexpect.TIMEOUT, pexpect.EOF, GuestFailed) as e:
        rep.skip('net' + tag, 'MenuOS', 'no prompt (%s): %s' % (type(e).__name__, _lastlines(con.tail())),
                 setup)
        con.close()
        return
    try:
        cmds = menuos_commands(con)
        if not net_ping(rep, tag, 'MenuOS', setup):
            rep.skip('net.tcp' + tag, 'MenuOS', 'the guest does not answer ping', setup)
            return
        if 'replyhi' in cmds:
            con.cmd('replyhi', timeout=20)
            net_hi(rep, tag, 'MenuOS', 'guest: replyhi; ' + setup, args.hi_n)
        else:
            rep.skip('net.tcp-hi' + tag, 'MenuOS', 'no replyhi command in this build', setup)
        if 'sink' in cmds:
            # sink may run in the background (prompt comes back) or in the
            # foreground (then Ctrl-C ends it after the transfer).
            con.start_cmd('sink 5002')
            fg = con.child.expect_exact([PROMPT, pexpect.TIMEOUT], timeout=3) == 1

            def sink_check():
                # sink prints what it got when the connection ends
                try:
                    con.child.expect(r'sink: (\d+) bytes from \S+ in (\d+) ms', timeout=30)
                    return '%s bytes in %s ms' % con.child.match.groups()
                except pexpect.TIMEOUT:
                    return 'no sink summary'
            bulk(rep, 'net.bulk-host->guest' + tag, 'MenuOS',
                 'ip netns exec %s %s; guest: sink 5002; %s' % (NETNS, q(push_argv(args.mbytes)), setup),
                 lambda: push_once(args.mbytes), args.reps, sink_check,
                 'net.bulk-host->guest-check' + tag,
                 'guest: the line `sink: N bytes from ... in T ms` on the console, per run')
            if fg:
                con.child.send('\x03')
                con.child.expect_exact(PROMPT, timeout=20)
        else:
            rep.skip('net.bulk-host->guest' + tag, 'MenuOS', 'no sink command in this build', setup)
        if 'send' in cmds:
            line = 'send %s 5003 %d' % (HOST_IP, args.mbytes)

            def send_check():
                m = re.search(r'send: (\d+) bytes to \S+ in (\d+) ms, ([0-9.]+) Mbit/s', con.child.before)
                return ('%s bytes in %s ms, %s Mbit/s' % m.groups() if m else
                        'no rate line: %s' % _lastlines(con.child.before.replace('\r', '')))
            bulk(rep, 'net.bulk-guest->host' + tag, 'MenuOS',
                 'guest: %s; host: ip netns exec %s %s; %s'
                 % (line, NETNS, q(pull_argv(args.mbytes, False)), setup),
                 lambda: pull_once(args.mbytes, lambda: con.start_cmd(line),
                                   lambda: con.child.expect_exact(PROMPT, timeout=120 + 30 * args.mbytes)),
                 args.reps, send_check, 'net.bulk-guest->host-guest-view' + tag,
                 'guest: %s (its own report, per run: connect to the peer\'s close)' % line)
        else:
            rep.skip('net.bulk-guest->host' + tag, 'MenuOS', 'no send command in this build', setup)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        rep.add('net' + tag, 'MenuOS', 'FAILED: console %s: %s' % (type(e).__name__, _lastlines(con.tail())),
                setup)
    finally:
        con.close()


def bench_net_linux(rep, args, lg, model):
    tag = '[%s]' % model
    argv = ['ip', 'netns', 'exec', NETNS] + linux_argv(lg, net=nic_args(model))
    setup = ('netns %s: %s; %s; guest init: nc -ll -p 5001 -e /hi.sh, nc -ll -p 5002 -e /sink.sh (wc -c)'
             % (NETNS, BenchNetns.SETUP, q(argv)))
    con = LinuxConsole(argv, linux_guest.READY_MARKER, args.net_timeout, LINUX_FAIL)
    try:
        con.start()
    except (pexpect.TIMEOUT, pexpect.EOF, GuestFailed) as e:
        rep.skip('net' + tag, 'Linux', 'no ready marker (%s): %s' % (type(e).__name__,
                                                                   _lastlines(con.tail())), setup)
        con.close()
        return
    try:
        time.sleep(0.5)  # let the shell print its prompt
        out = con.cmd('ip -o addr show dev eth0', timeout=20)
        if GUEST_IP not in out:
            rep.skip('net' + tag, 'Linux', 'eth0 has no %s: %s' % (GUEST_IP, _lastlines(out)), setup)
            return
        if not net_ping(rep, tag, 'Linux', setup):
            return
        net_hi(rep, tag, 'Linux', 'guest: busybox nc -ll -p 5001 -e /hi.sh (a fork and exec of sh '
               'and head per connection); ' + setup, args.hi_n)

        def sink_check():
            out = con.cmd('cat /tmp/sink.bytes; rm -f /tmp/sink.bytes', timeout=20)
            m = re.search(r'^\s*(\d+)\s*$', out, re.M)
            return '%s bytes' % m.group(1) if m else 'no count: %s' % _lastlines(out)
        bulk(rep, 'net.bulk-host->guest' + tag, 'Linux',
             'ip netns exec %s %s; %s' % (NETNS, q(push_argv(args.mbytes)), setup),
             lambda: push_once(args.mbytes), args.reps, sink_check, 'net.bulk-host->guest-check' + tag,
             'guest: cat /tmp/sink.bytes (written by wc -c in /sink.sh), per run')
        # nc reads /dev/zero itself: through a pipe (dd | nc) busybox nc's
        # small reads made the pipe, not the network, the bottleneck
        # (3.5 MiB/s against 22 MiB/s measured).  The host server closes
        # after MBYTES MiB, which ends nc.
        line = 'nc %s 5003 </dev/zero' % HOST_IP
        bulk(rep, 'net.bulk-guest->host' + tag, 'Linux',
             'guest: %s; host: ip netns exec %s %s; %s'
             % (line, NETNS, q(pull_argv(args.mbytes, True)), setup),
             lambda: pull_once(args.mbytes, lambda: _type_with_marker(con, line),
                               lambda: con.child.expect('SENDDONE\r*\n', timeout=120 + 30 * args.mbytes),
                               limit=True),
             args.reps)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        rep.add('net' + tag, 'Linux', 'FAILED: console %s: %s' % (type(e).__name__, _lastlines(con.tail())),
                setup)
    finally:
        con.close()


def _type_with_marker(con, line):
    """Types line on the Linux console; SENDDONE is printed when it ends."""
    con.child.send('%s; echo SEND""DONE\r' % line)


def bench_net(rep, args, lg):
    if os.geteuid() != 0:
        rep.skip('net', '-', 'needs root (network namespace and tap device)')
        return
    for model in args.nics:
        for guest in args.guests:
            if guest == 'menuos' and not os.path.exists(args.elf):
                rep.skip('net[%s]' % model, 'MenuOS', '%s not built' % args.elf)
                continue
            if guest == 'linux' and not lg:
                rep.skip('net[%s]' % model, 'Linux', 'Linux guest not available')
                continue
            with BenchNetns():
                if guest == 'menuos':
                    bench_net_menuos(rep, args, model)
                else:
                    bench_net_linux(rep, args, lg, model)


# ---------------------------------------------------------------- main

def _on_signal(signum, frame):
    raise SystemExit('bench: stopped by signal %d' % signum)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--build', default='build', help='build directory (default: build)')
    ap.add_argument('--elf', help='kernel ELF (default: BUILD/menuos.elf)')
    ap.add_argument('--iso', help='GRUB image (default: BUILD/menuos.iso)')
    ap.add_argument('--out', help='report file (default: BUILD/bench.txt)')
    ap.add_argument('--only', default='boot,size,mem,net', help='sections (default: all)')
    ap.add_argument('--guests', default='menuos,linux')
    ap.add_argument('--nics', default='virtio,e1000')
    ap.add_argument('--runs', type=int, default=5, help='boots per boot-time figure')
    ap.add_argument('--hi-n', type=int, default=300, help='hello/hi exchanges')
    ap.add_argument('--mbytes', type=int, default=64, help='MiB per bulk transfer')
    ap.add_argument('--reps', type=int, default=3, help='runs per bulk transfer figure (median)')
    ap.add_argument('--boot-timeout', type=int, default=120)
    ap.add_argument('--mem-timeout', type=int, default=20)
    ap.add_argument('--net-timeout', type=int, default=120)
    args = ap.parse_args()
    os.chdir(ROOT)
    args.elf = args.elf or os.path.join(args.build, 'menuos.elf')
    args.iso = args.iso or os.path.join(args.build, 'menuos.iso')
    args.out = args.out or os.path.join(args.build, 'bench.txt')
    args.guests = [g for g in args.guests.split(',') if g]
    args.nics = [n for n in args.nics.split(',') if n]
    sections = args.only.split(',')
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    rep = Report(args.out)
    qv = subprocess.run([QEMU, '--version'], capture_output=True, text=True).stdout.split('\n')[0]
    rev = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True,
                         text=True).stdout.strip()
    rep.note('MenuOS/x64 benchmarks, %s UTC, git %s (work tree may be modified)'
             % (time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime()), rev or '?'))
    rep.note('host: %s, %d CPUs, load average %s; %s; all guests: -accel tcg -m 128 unless stated'
             % (os.uname().release, os.cpu_count(), ' '.join(open('/proc/loadavg').read().split()[:3]), qv))

    rep.note('boot: wall time from spawning QEMU (serial on a pexpect pty) until the marker appears; '
             'percentiles: nearest rank; MiB = 2^20 bytes, Mbit = 10^6 bits')
    rep.note('net: host side in netns %s (tap %s, %s/24), guest %s; throughput timed on the host: '
             'host->guest from connect until the guest closes after our EOF, guest->host from accept '
             'until EOF (Linux: until the %d MiB-th byte, then the host closes)'
             % (NETNS, TAP, HOST_IP, GUEST_IP, args.mbytes))

    lg = None
    if 'linux' in args.guests:
        try:
            lg = linux_guest.ensure(args.build, log=lambda s: print(s, flush=True))
            rep.note('Linux guest: %s (%s), busybox %s, initramfs modules: %s; built by '
                     'tests/bench/linux_guest.py into %s/linux-guest/'
                     % (lg['kernel_version'], lg['kernel_deb'], lg['busybox_deb'], lg['modules'],
                        args.build))
        except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
            rep.note('Linux guest not available: %s' % e)

    steps = [('size', bench_size), ('boot', bench_boot), ('mem', bench_mem), ('net', bench_net)]
    for name, fn in steps:
        if name in sections:
            fn(rep, args, lg)
    print('\nwritten to %s' % args.out)


if __name__ == '__main__':
    main()
