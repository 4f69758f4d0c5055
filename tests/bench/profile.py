#!/usr/bin/python3
"""Where QEMU's time goes while a guest receives a bulk transfer.

Boots one guest (MenuOS, or the Linux peer of `make bench`) with the same
QEMU options and tap as tests/bench.py, starts `sink`, and records the
QEMU process with `perf record -g` while the host client pushes MBYTES
into it; then prints perf report's top entries (by symbol and by shared
object: TCG translated code shows as [JIT] or unknown addresses, the
helpers, device models and tap I/O under their own symbols).  For MenuOS
it then pushes MBYTES again with the guest's per-stage receive counters
on (`pktstat on`: they cost two TSC reads per stage, so not while perf
records) and prints them.

  tests/bench/profile.py [--guest menuos|linux] [--nic virtio|e1000]
                         [--mbytes N] [--top N]

Needs root (network namespace, tap) and perf.  The perf data is kept in
BUILD/bench/profile-GUEST-NIC.data for a closer look with perf report.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import guests  # noqa: E402
import linux_guest  # noqa: E402
import measure  # noqa: E402


def report(data, sort, top):
    r = subprocess.run(['perf', 'report', '-i', data, '--stdio', '--no-children',
                        '--sort', sort, '-g', 'none', '--percent-limit', '0.5'],
                       capture_output=True, text=True)
    lines = [ln for ln in r.stdout.split('\n') if ln.strip() and not ln.startswith('#')]
    return lines[:top]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--guest', default='menuos', choices=('menuos', 'linux'))
    ap.add_argument('--nic', default='virtio', choices=tuple(guests.NIC_DEVICES))
    ap.add_argument('--mbytes', type=int, default=16)
    ap.add_argument('--top', type=int, default=25)
    ap.add_argument('--build', default='build')
    a = ap.parse_args()
    os.chdir(ROOT)
    out = os.path.join(a.build, 'bench')
    os.makedirs(out, exist_ok=True)
    client = os.path.join(out, 'netclient')
    subprocess.run(['gcc', '-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread',
                    os.path.join('tests', 'bench', 'netclient.c'), '-o', client], check=True)
    if a.guest == 'menuos':
        g = guests.menuos(os.path.join(a.build, 'menuos.elf'),
                          os.path.join(a.build, 'menuos.iso'))
    else:
        lg = linux_guest.ensure(a.build, log=lambda s: print(s, flush=True))
        lg['prompt'] = linux_guest.PROMPT
        g = guests.linux(lg)
    data = os.path.join(out, 'profile-%s-%s.data' % (a.guest, a.nic))
    print('load average %s' % ' '.join(open('/proc/loadavg').read().split()[:3]))
    with measure.Netns(guests.TAP) as ns:
        con = guests.boot(g, 180, nic=a.nic, netns=ns.name)
        try:
            measure.wait_link(ns)
            con.cmd('sink %d' % measure.SINK_PORT)
            # `ip netns exec` execs QEMU: the console's process is QEMU itself
            perf = subprocess.Popen(['perf', 'record', '-q', '-g', '-o', data,
                                     '-p', str(con.proc.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            t0 = time.monotonic()
            res = measure.push(ns, client, con, a.mbytes * 1048576)
            secs = time.monotonic() - t0
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=60)
            print('%s [%s]: %d MiB into sink, %.1f MB/s (%.1f s recorded)'
                  % (g.name, a.nic, a.mbytes, res['bulk_in_MBps'], secs))
            if a.guest == 'menuos':
                con.cmd('pktstat on')
                con.cmd('pktstat reset')
                res = measure.push(ns, client, con, a.mbytes * 1048576)
                print('again with pktstat on: %.1f MB/s' % res['bulk_in_MBps'])
                print(con.cmd('pktstat').strip())
        finally:
            con.close()
    print('\n-- perf report, by shared object')
    print('\n'.join(report(data, 'dso', a.top)))
    print('\n-- perf report, by symbol')
    print('\n'.join(report(data, 'dso,sym', a.top)))
    print('\n(perf data: %s)' % data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
