#!/usr/bin/python3
"""Benchmarks of the services (`make bench`, services part): HTTP requests per
second and iperf3 throughput both ways, MenuOS beside a Linux guest booted the
same way (QEMU -accel tcg, -m 128, virtio-net on a tap in a network namespace
created here; host 10.0.2.2, guest 10.0.2.15).

  MenuOS   `httpd` and `iperf3 -s` typed at its shell
  Linux    Debian's kernel (tests/bench/linux_guest.py) with an initramfs that
           adds tests/bench/linux_httpd.c (an epoll server of the same design,
           with MenuOS's HTTP parser, built -static here) and Debian's
           /usr/bin/iperf3 with the libraries ldd names

  http     ab -k -c 32 -n N on /bytes/100 (and wrk -c 32 if installed)
  iperf3   iperf3 -c GUEST -t SECS -J, host->guest and guest->host (-R)

Nothing is asserted: the table goes to stdout and BUILD/bench-services.txt,
each line with the command that produced it.  Needs root.

    tests/bench/services.py [--build DIR] [--secs 10] [--requests 20000]
                            [--guests menuos,linux]
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Debian's busybox-static (tests/install-deps.sh --bench): the Linux guest's
# /init is a busybox sh script (INIT below).
BUSYBOX = '/bin/busybox'
READY_MARKER = 'services-guest-ready'  # /init prints it once both servers run
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'qemu'))
import linux_guest  # noqa: E402
from menuos import MenuOS, NetNS  # noqa: E402

GUEST = '10.0.2.15'
URL = 'http://%s/bytes/100' % GUEST
MEM = 128

INIT = r'''#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in {modules}; do
	insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done
ip link set lo up
ip addr add {ip}/24 dev eth0
ip link set eth0 up
/bin/linux_httpd 80 &
/usr/bin/iperf3 -s >/dev/null 2>&1 &
echo {marker}
exec sh
'''


def q(argv):
    return ' '.join(shlex.quote(str(a)) for a in argv)


def libraries(binary):
    """(path in the guest, path on the host) of every library ldd lists."""
    out = subprocess.run(['ldd', binary], capture_output=True, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.search(r'(?:=>\s*)?(/\S+)\s+\(0x', line)
        if m:
            libs.append((m.group(1).lstrip('/'), os.path.realpath(m.group(1))))
    return libs


def linux_initramfs(build):
    """The benchmark guest's kernel and an initramfs with linux_httpd and iperf3."""
    g = linux_guest.ensure(build, log=lambda s: print(s, flush=True))
    d = os.path.join(build, 'linux-guest')
    httpd = os.path.join(d, 'linux_httpd')
    subprocess.run(['gcc', '-std=gnu11', '-O2', '-static', '-I', ROOT,
                    os.path.join(HERE, 'linux_httpd.c'), os.path.join(ROOT, 'user', 'http.c'),
                    '-o', httpd], check=True)
    moddir = os.path.join(d, 'kernel', 'lib', 'modules', g['kernel_version'])
    mods = linux_guest.module_order(moddir)
    c = linux_guest._Cpio()
    dirs = {'bin', 'dev', 'proc', 'sys', 'tmp', 'lib', 'lib/modules', 'usr', 'usr/bin'}
    libs = libraries('/usr/bin/iperf3')
    for guest_path, _ in libs:
        parts = guest_path.split('/')[:-1]
        dirs.update('/'.join(parts[:i + 1]) for i in range(len(parts)))
    for x in sorted(dirs, key=lambda p: p.count('/')):
        c.dir(x)
    c.chardev('dev/console', 5, 1)
    c.chardev('dev/null', 1, 3)
    c.file('bin/busybox', open(BUSYBOX, 'rb').read(), 0o755)
    c.file('bin/linux_httpd', open(httpd, 'rb').read(), 0o755)
    c.file('usr/bin/iperf3', open('/usr/bin/iperf3', 'rb').read(), 0o755)
    for guest_path, host_path in libs:
        c.file(guest_path, open(host_path, 'rb').read(), 0o755)
    for name, path in mods:
        c.file('lib/modules/%s.ko' % name, linux_guest._module_bytes(path))
    c.file('init', INIT.format(modules=' '.join(n for n, _ in mods), ip=GUEST,
                               marker=READY_MARKER).encode(), 0o755)
    out = os.path.join(d, 'initramfs-services.gz')
    import gzip
    with gzip.open(out, 'wb', compresslevel=6) as f:
        f.write(c.finish())
    return g['vmlinuz'], out


class LinuxGuest:
    def __init__(self, ns, vmlinuz, initrd):
        self.argv = ['ip', 'netns', 'exec', ns.name, 'qemu-system-x86_64', '-accel', 'tcg',
                     '-m', str(MEM), '-kernel', vmlinuz, '-initrd', initrd,
                     '-append', 'console=ttyS0 quiet', '-serial', 'stdio', '-display', 'none',
                     '-netdev', 'tap,id=n0,ifname=%s,script=no,downscript=no' % ns.tap,
                     '-device', 'virtio-net-pci,netdev=n0']
        self.child = None

    def __enter__(self):
        self.child = pexpect.spawn(self.argv[0], self.argv[1:], encoding='utf-8',
                                   codec_errors='replace', timeout=300)
        self.child.expect_exact(READY_MARKER)
        return self

    def pump(self, seconds):
        try:
            self.child.expect(pexpect.TIMEOUT, timeout=seconds)
        except pexpect.EOF:
            pass

    def __exit__(self, *exc):
        self.child.terminate(force=True)
        self.child.close()
        return False


class MenuOSGuest:
    def __init__(self, ns):
        self.m = MenuOS(mem=MEM, nic='virtio', netdev=('tap', ns.tap), netns=ns.name,
                        timeout=120)

    def __enter__(self):
        self.m.boot()
        self.m.cmd('httpd')
        self.m.cmd('iperf3 -s')
        return self

    def pump(self, seconds):
        self.m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=seconds)

    def __exit__(self, *exc):
        self.m.close()
        return False


def run(ns, guest, argv, timeout):
    """argv in the namespace, reading the guest's console meanwhile."""
    p = ns.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + timeout
    while p.poll() is None and time.time() < deadline:
        guest.pump(0.2)
    if p.poll() is None:
        p.kill()
    return p.communicate()[0]


def wait_ready(ns, guest):
    for _ in range(60):
        if run(ns, guest, ['curl', '-s', '-m', '2', '-o', '/dev/null', '-w', '%{http_code}',
                           URL], 10) == '200':
            return
        guest.pump(1)
    raise RuntimeError('the guest never answered %s' % URL)


def measure(ns, guest, args):
    res = {}
    argv = ['ab', '-q', '-k', '-c', '32', '-n', str(args.requests), URL]
    out = run(ns, guest, argv, 600)
    m = re.search(r'Requests per second:\s+([\d.]+)', out)
    failed = re.search(r'Failed requests:\s+(\d+)', out)
    res['http.ab'] = (float(m.group(1)) if m else None, 'req/s', q(argv),
                      'failed %s' % (failed.group(1) if failed else '?'))
    if shutil.which('wrk'):
        argv = ['wrk', '-t', '2', '-c', '32', '-d', '%ds' % args.secs, URL]
        out = run(ns, guest, argv, args.secs + 60)
        m = re.search(r'Requests/sec:\s+([\d.]+)', out)
        res['http.wrk'] = (float(m.group(1)) if m else None, 'req/s', q(argv), '')
    for name, extra in (('iperf3.host_to_guest', []), ('iperf3.guest_to_host', ['-R'])):
        argv = ['iperf3', '-c', GUEST, '-t', str(args.secs), '-J'] + extra
        out = run(ns, guest, argv, args.secs + 60)
        try:
            doc = json.loads(out)
            bps = doc['end']['sum_received']['bits_per_second'] / 1e6
            note = 'retransmits %s' % doc['end']['sum_sent'].get('retransmits', '?')
        except (ValueError, KeyError):
            bps, note = None, 'failed: ' + out[-200:].replace('\n', ' ')
        res[name] = (bps, 'Mbit/s', q(argv), note)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', default=os.environ.get('MENUOS_BUILD', 'build'))
    ap.add_argument('--secs', type=int, default=10)
    ap.add_argument('--requests', type=int, default=20000)
    ap.add_argument('--guests', default='menuos,linux')
    args = ap.parse_args()
    os.chdir(ROOT)
    results = {}
    for name in args.guests.split(','):
        with NetNS(name='svc-bench-%d' % os.getpid()) as ns:
            if name == 'menuos':
                guest = MenuOSGuest(ns)
            else:
                guest = LinuxGuest(ns, *linux_initramfs(args.build))
            with guest as g:
                wait_ready(ns, g)
                results[name] = measure(ns, g, args)
    lines = ['%-22s %-7s %12s %12s %8s   command' % ('figure', 'unit', 'MenuOS', 'Linux',
                                                     'ratio')]
    figures = sorted({f for r in results.values() for f in r})
    for f in figures:
        mv = results.get('menuos', {}).get(f, (None,))[0]
        lv = results.get('linux', {}).get(f, (None,))[0]
        any_r = results.get('menuos', {}).get(f) or results.get('linux', {}).get(f)
        ratio = '%.2f' % (mv / lv) if mv and lv else '-'
        lines.append('%-22s %-7s %12s %12s %8s   ip netns exec NS %s' % (
            f, any_r[1], '%.1f' % mv if mv else '-', '%.1f' % lv if lv else '-', ratio,
            any_r[2]))
        for g, r in results.items():
            if r.get(f) and r[f][3]:
                lines.append('%-22s   %s: %s' % ('', g, r[f][3]))
    text = '\n'.join(lines) + '\n'
    print(text, end='')
    with open(os.path.join(args.build, 'bench-services.txt'), 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
