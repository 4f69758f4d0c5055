"""SYN floods against MenuOS: what a real client gets, and where the flood's
packets go.

MenuOS (virtio-net, on a tap in a namespace of its own) runs replyhi on
port 5001.  Three phases of SECS seconds each:

  quiet   no flood
  paced   hping3 -S --rand-source -i u50 (20000 SYNs/s offered)
  flood   hping3 -S --rand-source --flood (as fast as hping3 can send)
  closed  the same flood to a closed port (answered with RSTs): what the
          receive path costs without the listener's work

In each, a sequential client connects and closes as often as it can (a
connect that takes longer than its timeout counts as failed; p50ms,
p90ms, p99ms are the connect times' percentiles, rtx how many took over
0.9 s, a SYN or SYN-ACK lost and the SYN sent again), and the phase's
packets are followed hop by hop:

  sent        hping3's own count of what it sent
  tap-tx      frames the tap handed to QEMU (`ip -s link`: TX packets)
  tap-drop    frames the tap dropped, its queue full because QEMU did not
              read it (TX dropped)
  nic-rx      frames MenuOS's driver took from the virtqueue (netstat -i)
  nic-drop    frames the driver or the backlog dropped (RX-DRP)
  nic-txdrop  frames MenuOS could not queue for sending (TX-DRP)
  tap-rx      frames the tap got from QEMU (what the guest sent)
  tcp-in      segments TCP took (Tcp.in_segs)
  cookies     SYN-ACKs with a cookie (Tcp.syncookies_sent); cookie-ok
              the ACKs that came back valid (the client's)

--guest linux runs the same phases against Debian's kernel with the
menuos-peer initramfs (tests/bench/linux_guest.py; the same QEMU options
as `make bench`, replyhi printing its two lines per connection as
MenuOS's does); only the client's and the tap's columns exist there.

Usage: tests/bench/flood.py [--guest menuos|linux] [--secs N] [--timeout S]
[--out FILE] (root; `make` first).
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'qemu'))
import guests  # noqa: E402
import linux_guest  # noqa: E402
from menuos import MenuOS, NetNS  # noqa: E402

GUEST = '10.0.2.15'

# Each connect's time, and how many took a SYN retransmission: a connect
# that waited past 0.9 s lost its SYN or our SYN-ACK (the client's initial
# RTO is 1 s, RFC 6298 2.1) -- under a flood that alone caps the rate.
CONNECT_LOOP = '''
import socket, sys, time
lat = []
failed = 0
end = time.time() + float(sys.argv[1])
while time.time() < end:
    t = time.time()
    try:
        socket.create_connection(("10.0.2.15", 5001), timeout=float(sys.argv[2])).close()
        lat.append(time.time() - t)
    except OSError:
        failed += 1
lat.sort()
pct = [lat[min(len(lat) - 1, int(len(lat) * p))] * 1000 if lat else -1 for p in (0.5, 0.9, 0.99)]
print(len(lat), failed, *('%.2f' % v for v in pct), sum(1 for v in lat if v > 0.9))
'''

FLOODS = {
    'quiet': None,
    'paced': ['-p', '5001', '-i', 'u50'],
    'flood': ['-p', '5001', '--flood'],
    'closed': ['-p', '5999', '--flood'],
}


def tap_counters(ns):
    out = ns.run(['ip', '-s', 'link', 'show', ns.tap]).stdout
    # TX: bytes packets errors dropped carrier collsns, then its numbers
    m = re.search(r'TX:[^\n]*\n\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)', out)
    r = re.search(r'RX:[^\n]*\n\s*(\d+)\s+(\d+)', out)
    return {'tap-tx': int(m.group(2)), 'tap-drop': int(m.group(4)), 'tap-rx': int(r.group(2))}


GUEST_KEYS = ('nic-rx', 'nic-drop', 'nic-txdrop', 'tcp-in', 'cookies', 'cookie-ok', 'syn-drops')


def guest_counters(m):
    c = {}
    if m is None:  # the Linux guest has no shell to ask
        return dict.fromkeys(GUEST_KEYS, -1)
    out = m.cmd('netstat -i')
    f = re.search(r'^eth0\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)', out, re.M)
    c['nic-rx'], c['nic-drop'], c['nic-txdrop'] = int(f.group(1)), int(f.group(3)), int(f.group(6))
    out = m.cmd('netstat -s')
    for name, key in (('in_segs', 'tcp-in'), ('syncookies_sent', 'cookies'),
                      ('syncookies_recv', 'cookie-ok'), ('syn_drops', 'syn-drops')):
        c[key] = int(re.search(r'\b%s (\d+)' % name, out).group(1))
    return c


def snapshot(ns, m):
    c = tap_counters(ns)
    c.update(guest_counters(m))
    return c


def phase(ns, m, name, secs, timeout):
    before = snapshot(ns, m)
    hping = None
    if FLOODS[name]:
        hping = ns.popen(['hping3', '-q', '-S', '--rand-source'] + FLOODS[name] +
                         [GUEST], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1)  # the SYN queue fills
    try:
        r = ns.run(['/usr/bin/python3', '-c', CONNECT_LOOP, str(secs), str(timeout)],
                   timeout=secs + 60)
        f = r.stdout.split()
        ok, failed, slow = int(f[0]), int(f[1]), int(f[5])
        p50, p90, p99 = map(float, f[2:5])
    finally:
        sent = 0
        if hping:
            hping.send_signal(signal.SIGINT)  # hping3 prints its statistics
            out = hping.communicate(timeout=20)[0]
            s = re.search(r'(\d+) packets transmitted', out)
            sent = int(s.group(1)) if s else -1
    time.sleep(1)  # what is queued drains before the counters are read
    after = snapshot(ns, m)
    d = {k: after[k] - before[k] if after[k] >= 0 else -1 for k in after}
    d['sent'] = sent
    d['ok'], d['failed'], d['slow'] = ok, failed, slow
    d['p50'], d['p90'], d['p99'] = p50, p90, p99
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--guest', choices=('menuos', 'linux'), default='menuos')
    ap.add_argument('--secs', type=float, default=5)
    ap.add_argument('--timeout', type=float, default=3,
                    help='the client connect timeout, seconds (SYN retries at 1 s, 3 s)')
    ap.add_argument('--nic', default='virtio')
    ap.add_argument('--append', default='', help='more kernel parameters (tcp_syncookies=0)')
    ap.add_argument('--phases', default=','.join(FLOODS))
    ap.add_argument('--out')
    args = ap.parse_args()
    lines = []
    with NetNS() as ns:
        if args.guest == 'linux':
            lg = linux_guest.ensure(os.path.join(ROOT, 'build'))
            con = guests.boot(guests.linux(lg), 300, nic=args.nic, netns=ns.name)
            m = None
        else:
            con = m = MenuOS(nic=args.nic, netdev=('tap', ns.tap), netns=ns.name,
                             append='tcp_msl_ms=500 tcp_synack_retries=2 ' + args.append,
                             timeout=120)
            m.boot()
        try:
            assert 'Please input hello...' in con.cmd('replyhi')
            ns.run(['ping', '-c', '1', '-W', '5', GUEST])
            hdr = ('%-6s %8s %6s %8s %8s %8s %5s %8s %8s %8s %7s %7s %7s %7s %7s %7s %5s %8s'
                   % ('phase', 'conn/s', 'failed', 'p50ms', 'p90ms', 'p99ms', 'rtx', 'sent',
                      'tap-tx', 'tap-drop', 'nic-rx', 'nic-drop', 'tcp-in', 'cookies', 'ck-ok',
                      'syn-drop', 'txdrp', 'tap-rx'))
            lines.append('%s %s %s, client connect timeout %.0f s, %.0f s per phase, '
                         'load average %s'
                         % (args.guest, args.nic, args.append, args.timeout, args.secs,
                            ' '.join(open('/proc/loadavg').read().split()[:3])))
            lines.append(hdr)
            print(lines[0] + '\n' + hdr, flush=True)
            for name in args.phases.split(','):
                d = phase(ns, m, name, args.secs, args.timeout)
                line = ('%-6s %8.1f %6d %8.2f %8.2f %8.2f %5d %8d %8d %8d %7d %7d %7d %7d %7d '
                        '%7d %5d %8d'
                        % (name, d['ok'] / args.secs, d['failed'], d['p50'], d['p90'],
                           d['p99'], d['slow'], d['sent'], d['tap-tx'],
                           d['tap-drop'], d['nic-rx'], d['nic-drop'], d['tcp-in'],
                           d['cookies'], d['cookie-ok'], d['syn-drops'], d['nic-txdrop'],
                           d['tap-rx']))
                lines.append(line)
                print(line, flush=True)
                time.sleep(8)  # the flood's request socks expire (SYN-ACK retries)
        finally:
            con.close()
    if args.out:
        os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
        with open(args.out, 'w') as f:
            f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
