#!/usr/bin/python3
"""make soak: a long run against MenuOS on each NIC, over a tap in a network
namespace this script creates (all traffic stays in it).

Per NIC: SOAK_CONNS (100000) sequential hello/hi exchanges with replyhi,
then SOAK_BULK (1000) transfers of 1 MiB into `sink`; then it waits for
TIME-WAIT to drain and checks that kmalloc bytes, pages, sk_buffs and
sockets are back at their baseline and that the TCP counters add up (one
passive open per connection, no resets, no failures).  Prints the figures;
exits 1 on any failure.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'qemu'))
from menuos import MenuOS, NetNS  # noqa: E402

CONNS = int(os.environ.get('SOAK_CONNS', '100000'))
BULK = int(os.environ.get('SOAK_BULK', '1000'))
MSL_MS = 1000
GUEST = '10.0.2.15'

CLIENT = r'''
import socket, sys, time
mode, n = sys.argv[1], int(sys.argv[2])
fails, t0 = 0, time.time()
for i in range(n):
    try:
        if mode == "hi":
            s = socket.create_connection(("10.0.2.15", 5001), timeout=10)
            s.sendall(b"hello")
            # to the end of the stream: replyhi closes after "hi", and a
            # client that closed first would hold each port in TIME-WAIT for
            # 60 s, more than the 28,000 ephemeral ports at 500 connections/s
            buf = b""
            while True:
                d = s.recv(64)
                if not d:
                    break
                buf += d
            fails += buf != b"hi"
        else:
            s = socket.create_connection(("10.0.2.15", 6000), timeout=30)
            s.sendall(b"\0" * (1 << 20))
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
        s.close()
    except OSError as e:
        fails += 1
        print("error at %d: %s" % (i, e), file=sys.stderr)
    if (i + 1) % 10000 == 0:
        print("  %d done, %.0f/s" % (i + 1, (i + 1) / (time.time() - t0)), file=sys.stderr)
print(fails, time.time() - t0)
'''


def snapshot(m):
    mem = m.cmd('mem')
    st = m.cmd('netstat -s')
    tcp = {}
    for line in st.splitlines():
        if line.startswith('Tcp:'):
            w = line.split()[1:]
            tcp.update({k: int(v) for k, v in zip(w[0::2], w[1::2])})
    return {
        'kmalloc': int(re.search(r'kmalloc: (\d+) bytes in use', mem).group(1)),
        # an empty slab page kmalloc keeps for reuse (one per size class at
        # most) is free memory, though the page allocator counts it used
        'pages': int(re.search(r'(\d+) used', mem).group(1)) -
        int(re.search(r'(\d+) empty slab pages kept', mem).group(1)),
        'skb': int(re.search(r'(\d+) in use', m.cmd('skb')).group(1)),
        'sockets': int(re.search(r'sockets in use: (\d+)', m.cmd('netstat')).group(1)),
        'tcp': tcp,
    }


def soak(nic):
    problems = []
    with NetNS() as ns, MenuOS(nic=nic, netdev=('tap', ns.tap), netns=ns.name, mem=128,
                                append='tcp_msl_ms=%d' % MSL_MS, timeout=120) as m:
        m.cmd('replyhi')
        m.cmd('sink 6000')
        # a warm-up of each kind first: buffers kept for reuse (GRO's pool,
        # ARP) are in the baseline, so any growth after it is a leak
        for mode in ('hi', 'push'):
            ns.run(['/usr/bin/python3', '-c', CLIENT, mode, '20'], timeout=600)
        time.sleep(2 * MSL_MS / 1000 + 2)
        base = snapshot(m)
        for mode, n in (('hi', CONNS), ('push', BULK)):
            if not n:
                continue
            r = ns.run(['/usr/bin/python3', '-c', CLIENT, mode, str(n)], timeout=7 * 24 * 3600)
            sys.stderr.write(r.stderr)
            fails, secs = r.stdout.split()
            fails, secs = int(fails), float(secs)
            rate = ('%.0f connections/s' % (n / secs) if mode == 'hi'
                    else '%.1f MB/s' % (n * 1.048576 / secs))
            print('%s: %d %s in %.1f s (%s), %d failed' % (
                nic, n, 'hello/hi exchanges' if mode == 'hi' else '1 MiB transfers', secs, rate,
                fails))
            if fails:
                problems.append('%s: %d %s failed' % (nic, fails, mode))
        deadline = time.time() + 4 * MSL_MS / 1000 + 30
        while True:
            now = snapshot(m)
            if all(now[k] == base[k] for k in ('kmalloc', 'pages', 'skb', 'sockets')) or \
                    time.time() > deadline:
                break
            time.sleep(2)
        for k in ('kmalloc', 'pages', 'skb', 'sockets'):
            print('%s: %s %d at the start, %d at the end' % (nic, k, base[k], now[k]))
            if now[k] != base[k]:
                problems.append('%s: %s grew from %d to %d' % (nic, k, base[k], now[k]))
        opens = now['tcp']['passive_opens'] - base['tcp']['passive_opens']
        resets = now['tcp']['estab_resets'] - base['tcp']['estab_resets']
        print('%s: %d passive opens (expected %d), %d resets, %d retransmitted segments' % (
            nic, opens, CONNS + BULK, resets,
            now['tcp']['retrans_segs'] - base['tcp']['retrans_segs']))
        if opens != CONNS + BULK or resets:
            problems.append('%s: the TCP counters do not add up' % nic)
    return problems


def main():
    problems = []
    for nic in ('virtio', 'e1000'):
        problems += soak(nic)
    for p in problems:
        print('SOAK FAILED: ' + p)
    print('soak: %s' % ('failed' if problems else 'passed'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
