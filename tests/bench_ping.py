#!/usr/bin/python3
"""Ping round-trip time from the host to MenuOS, per NIC model.

For each model a network namespace with a tap is created (host side
10.0.2.2/24), MenuOS boots in QEMU (TCG) inside it, and the host sends
COUNT echo requests at a short interval; the per-packet times give p50,
p99, min and max.  Needs root.

    tests/bench_ping.py [-c COUNT] [-i INTERVAL] [-s SIZE] [MODEL ...]

MODEL is virtio, virtio-modern, virtio-legacy or e1000 (default: all).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'qemu'))
from menuos import MenuOS, NetNS  # noqa: E402

MODELS = ['virtio', 'virtio-modern', 'virtio-legacy', 'e1000']
GUEST = '10.0.2.15'


def percentile(sorted_vals, p):
    """Nearest-rank percentile (p in 0..100) of an ascending list."""
    if not sorted_vals:
        return float('nan')
    k = max(0, min(len(sorted_vals) - 1, -(-p * len(sorted_vals) // 100) - 1))
    return sorted_vals[int(k)]


def measure(model, count, interval, size):
    with NetNS() as ns:
        with MenuOS(mem=128, nic=model, netdev=('tap', ns.tap), netns=ns.name):
            # Warm up: ARP on both sides, first-touch costs in the emulator.
            ns.run(['ping', '-c', '5', '-i', '0.05', '-W', '2', GUEST], timeout=60)
            argv = ['ping', '-c', str(count), '-i', str(interval), '-s', str(size), '-W', '2', GUEST]
            r = ns.run(argv, timeout=60 + count * (interval + 2))
            times = sorted(float(t) for t in re.findall(r'time=([\d.]+) ms', r.stdout))
            return ' '.join(argv), count, times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('-c', '--count', type=int, default=200)
    ap.add_argument('-i', '--interval', type=float, default=0.01)
    ap.add_argument('-s', '--size', type=int, default=56)
    ap.add_argument('models', nargs='*', default=MODELS)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit('bench_ping: needs root (network namespaces, taps)')
    print('%-14s %6s %6s %9s %9s %9s %9s' % ('model', 'sent', 'recv', 'min ms', 'p50 ms', 'p99 ms', 'max ms'))
    cmdline = None
    for model in a.models:
        cmdline, sent, t = measure(model, a.count, a.interval, a.size)
        print('%-14s %6d %6d %9.3f %9.3f %9.3f %9.3f' % (model, sent, len(t), t[0] if t else float('nan'),
                                                          percentile(t, 50), percentile(t, 99),
                                                          t[-1] if t else float('nan')))
        sys.stdout.flush()
    print('(host: ip netns exec NS %s; QEMU -accel tcg, tap in the namespace)' % cmdline)


if __name__ == '__main__':
    main()
