"""Forwarding throughput: a host in namespace A (10.1.0.0/24) sends to a
host in namespace B (10.2.0.0/24) through a guest routing between them
(virtio-net eth0 in A, e1000 eth1 in B), once with MenuOS and once with
the Linux guest of tests/bench/linux_guest.py (ip_forward=1), in the same
setup: same QEMU options, same NICs, same taps.

Figures per guest:
  tcp     20 MB (FORWARD_BYTES) A -> B over one TCP connection, checked
          byte for byte (SHA-256 on both ends): MB/s
  udp     iperf3 UDP, 64-byte payloads at FORWARD_UDP_RATE for
          FORWARD_UDP_SECONDS: packets/s that reached B, and the loss

Run as root:  /usr/bin/python3 tests/bench/forward_bench.py [--out FILE.json]
(FORWARD_GUESTS=MenuOS,Linux picks the guests.)  Prints a table and writes
build/bench/forward.json.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'qemu'))
import guests  # noqa: E402
import linux_guest  # noqa: E402
from menuos import NetNS  # noqa: E402

BUILD = os.environ.get('MENUOS_BUILD', os.path.join(ROOT, 'build'))
NBYTES = int(os.environ.get('FORWARD_BYTES', 20 * 1000 * 1000))
UDP_RATE = os.environ.get('FORWARD_UDP_RATE', '20M')
UDP_SECONDS = int(os.environ.get('FORWARD_UDP_SECONDS', 5))
GUEST_A, GUEST_B = '10.1.0.1', '10.2.0.1'
HOST_A, HOST_B = '10.1.0.2', '10.2.0.2'
PORT = 5311

MENUOS_APPEND = ('ip=%s:::255.255.255.0::eth0:off ip=%s:::255.255.255.0::eth1:off '
                 'sysctl.net.ipv4.ip_forward=1' % (GUEST_A, GUEST_B))
LINUX_APPEND = ('console=ttyS0 quiet ip=%s netmask=255.255.255.0 gw=%s ip1=%s '
                'netmask1=255.255.255.0 ip_forward=1' % (GUEST_A, HOST_A, GUEST_B))

SINK = r'''
import hashlib, socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1)
print("ready", flush=True)
c, _ = s.accept(); h = hashlib.sha256(); n = 0; t0 = time.monotonic()
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b); n += len(b)
print(n, h.hexdigest(), time.monotonic() - t0, flush=True)
'''
SOURCE = r'''
import hashlib, random, socket, sys
n = int(sys.argv[3]); r = random.Random(7); h = hashlib.sha256()
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=120)
left = n
while left:
    b = r.randbytes(min(left, 1 << 16)); s.sendall(b); h.update(b); left -= len(b)
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
print(n, h.hexdigest(), flush=True)
'''


def _ip(*args):
    subprocess.run(['ip'] + list(args), check=True, capture_output=True, text=True)


def router_argv(guest, append, ta, tb, netns):
    direct = list(guest.direct)
    if '-append' in direct:
        direct[direct.index('-append') + 1] = append
    else:
        direct += ['-append', append]
    return (['ip', 'netns', 'exec', netns, guests.QEMU, '-m', str(guests.MEM_MB)] +
            guests.COMMON + direct +
            ['-netdev', 'tap,id=n0,ifname=%s,script=no,downscript=no' % ta,
             '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56',
             '-netdev', 'tap,id=n1,ifname=%s,script=no,downscript=no' % tb,
             '-device', 'e1000,netdev=n1,mac=52:54:00:12:34:57'])


def tcp_figure(a, b):
    sink = b.popen([sys.executable, '-c', SINK, str(PORT)], stdout=subprocess.PIPE, text=True)
    try:
        if sink.stdout.readline().strip() != 'ready':
            raise RuntimeError('the sink in B did not start')
        t0 = time.monotonic()
        src = a.run([sys.executable, '-c', SOURCE, HOST_B, str(PORT), str(NBYTES)], timeout=900)
        wall = time.monotonic() - t0
        if src.returncode:
            raise RuntimeError('the transfer failed: ' + src.stderr[-300:])
        got = sink.stdout.readline().split()
    finally:
        sink.kill()
        sink.wait()
    intact = got[:2] == src.stdout.split()[:2]
    return {'bytes': NBYTES, 'seconds': round(wall, 3), 'MB_per_s': round(NBYTES / 1e6 / wall, 3),
            'intact': intact}


def udp_figure(a, b):
    srv = b.popen(['iperf3', '-s', '-1', '-p', str(PORT + 1)], stdout=subprocess.DEVNULL,
                  stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        r = a.run(['iperf3', '-c', HOST_B, '-p', str(PORT + 1), '-u', '-b', UDP_RATE, '-l', '64',
                   '-t', str(UDP_SECONDS), '-J'], timeout=UDP_SECONDS + 60)
    finally:
        srv.kill()
        srv.wait()
    end = json.loads(r.stdout)['end']['sum']
    got = end['packets'] - end['lost_packets']
    return {'sent_packets': end['packets'], 'received_packets': got,
            'packets_per_s': round(got / end['seconds'], 1),
            'lost_percent': round(end['lost_percent'], 2)}


def measure(guest, append, log):
    tag = '%d' % os.getpid()
    with NetNS(name='fbR' + tag, tap='fbtapA' + tag, host_addr=None,
               taps=['fbtapB' + tag]) as router, \
            NetNS(name='fbA' + tag, tap=None) as a, NetNS(name='fbB' + tag, tap=None) as b:
        ta, tb = router.taps
        con = guests.Console(guest, router_argv(guest, append, ta, tb, router.name))
        with con:
            con.start(180)
            for tap, ns, host, gw in ((ta, a, HOST_A, GUEST_A), (tb, b, HOST_B, GUEST_B)):
                router.move_link(tap, ns.name)
                _ip('-n', ns.name, 'addr', 'add', host + '/24', 'dev', tap)
                _ip('-n', ns.name, 'link', 'set', tap, 'up')
                _ip('-n', ns.name, 'route', 'add', 'default', 'via', gw)
            ping = a.run(['ping', '-c', '3', '-W', '5', HOST_B])
            if ping.returncode:
                raise RuntimeError('%s does not forward: %s' % (guest.name, ping.stdout))
            res = {'boot_seconds': round(con.boot_seconds, 2)}
            res['tcp'] = tcp_figure(a, b)
            log('%s: tcp %s' % (guest.name, res['tcp']))
            res['udp'] = udp_figure(a, b)
            log('%s: udp %s' % (guest.name, res['udp']))
            return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(BUILD, 'bench', 'forward.json'))
    args = ap.parse_args()
    log = lambda s: print(s, flush=True)  # noqa: E731
    which = os.environ.get('FORWARD_GUESTS', 'MenuOS,Linux').split(',')
    results = {}
    if 'MenuOS' in which:
        g = guests.menuos(os.path.join(BUILD, 'menuos.elf'), os.path.join(BUILD, 'menuos.iso'))
        results['MenuOS'] = measure(g, MENUOS_APPEND, log)
    if 'Linux' in which:
        g = guests.linux(linux_guest.ensure(BUILD, log=log))
        results['Linux'] = measure(g, LINUX_APPEND, log)
    print('\nforwarding A -> B through the guest (TCG, virtio-net in, e1000 out)')
    print('%-8s %14s %8s %16s %8s' % ('guest', 'TCP MB/s', 'intact', 'UDP packets/s', 'loss %'))
    for name, r in results.items():
        print('%-8s %14.2f %8s %16.0f %8.2f' % (name, r['tcp']['MB_per_s'], r['tcp']['intact'],
                                                r['udp']['packets_per_s'],
                                                r['udp']['lost_percent']))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(results, f, indent=2)
    print('written', args.out)
    if not all(r['tcp']['intact'] for r in results.values()):
        sys.exit('a transfer arrived damaged')


if __name__ == '__main__':
    main()
