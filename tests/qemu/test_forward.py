"""MenuOS as a router between two networks this test creates: namespace A
(10.1.0.0/24, the guest's virtio-net eth0 is 10.1.0.1) and namespace B
(10.2.0.0/24, the guest's e1000 eth1 is 10.2.0.1), each host with its
default route through the guest, forwarding switched on at boot
(sysctl.net.ipv4.ip_forward=1).  From A: ping B through the guest, a TCP
transfer to B compared by SHA-256, ping -t 1 (time exceeded), a network
without a route and a host that does not answer ARP (unreachables), a DF
transfer over a 1000-byte link (fragmentation needed, then PMTU discovery),
4000-byte pings to the guest (reassembly, fragmented reply) and through it.
From the guest's shell: traceroute, sysctl, ifconfig.  One boot for the
module.  Needs root and iproute2."""
import hashlib
import os
import re
import subprocess
import sys
import time

import pytest

from menuos import MenuOS, NetNS

GUEST_A, GUEST_B = '10.1.0.1', '10.2.0.1'
HOST_A, HOST_B = '10.1.0.2', '10.2.0.2'
TRANSFER = 4 * 1024 * 1024  # the full 20 MB runs in tests/bench/forward_bench.py
PORT = 5301

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='network namespaces need root')

# B's side: receives one connection, prints the byte count and SHA-256.
SINK = r'''
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1)
print("ready", flush=True)
c, _ = s.accept(); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(65536)
    if not b:
        break
    h.update(b); n += len(b)
print(n, h.hexdigest(), flush=True)
'''
# A's side: sends N pseudo-random bytes, prints the count and SHA-256.
SOURCE = r'''
import hashlib, random, socket, sys
n = int(sys.argv[3]); r = random.Random(7); h = hashlib.sha256()
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
left = n
while left:
    b = r.randbytes(min(left, 65536)); s.sendall(b); h.update(b); left -= len(b)
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
print(n, h.hexdigest(), flush=True)
'''


class Net:
    def __init__(self, router, a, b, m):
        self.router, self.a, self.b, self.m = router, a, b, m


def _ip(*args):
    subprocess.run(['ip'] + list(args), check=True, capture_output=True, text=True)


@pytest.fixture(scope='module')
def net():
    tag = '%d' % os.getpid()
    with NetNS(name='fwdR' + tag, tap='fwdtapA' + tag, host_addr=None,
               taps=['fwdtapB' + tag]) as router, \
            NetNS(name='fwdA' + tag, tap=None) as a, NetNS(name='fwdB' + tag, tap=None) as b:
        ta, tb = router.taps
        extra = ['-netdev', 'tap,id=net0,ifname=%s,script=no,downscript=no' % ta,
                 '-device', 'virtio-net-pci,netdev=net0',
                 '-netdev', 'tap,id=net1,ifname=%s,script=no,downscript=no' % tb,
                 '-device', 'e1000,netdev=net1']
        append = ('ip=%s:::255.255.255.0::eth0:off ip=%s:::255.255.255.0::eth1:off '
                  'sysctl.net.ipv4.ip_forward=1' % (GUEST_A, GUEST_B))
        with MenuOS(mem=128, extra=extra, netns=router.name, append=append,
                    timeout=60) as m:
            # QEMU holds the taps open; each moves to the network it plays
            for tap, ns, host, gw in ((ta, a, HOST_A, GUEST_A), (tb, b, HOST_B, GUEST_B)):
                router.move_link(tap, ns.name)
                _ip('-n', ns.name, 'addr', 'add', host + '/24', 'dev', tap)
                _ip('-n', ns.name, 'link', 'set', tap, 'up')
                _ip('-n', ns.name, 'route', 'add', 'default', 'via', gw)
            # B advertises a full-size MSS although its link takes 1000 bytes
            # later: A's segments then meet the small MTU at the guest
            _ip('-n', b.name, 'route', 'replace', '10.1.0.0/24', 'via', GUEST_B, 'advmss', '1460')
            yield Net(router, a, b, m)


def ping(ns, *args, timeout=30):
    r = ns.run(['ping', '-n'] + list(args), timeout=timeout)
    return r.stdout + r.stderr


def transfer(net, nbytes, port):
    sink = net.b.popen([sys.executable, '-c', SINK, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().strip() == 'ready'
        src = net.a.run([sys.executable, '-c', SOURCE, HOST_B, str(port), str(nbytes)],
                        timeout=240)
        assert src.returncode == 0, src.stderr
        got = sink.stdout.readline().split()
        sent = src.stdout.split()
        assert got == sent and int(got[0]) == nbytes, (got, sent)
    finally:
        sink.kill()
        sink.wait()


def test_both_interfaces_configured(net):
    out = net.m.cmd('ifconfig')
    assert re.search(r'eth0: .*\n\s+inet %s  netmask 255.255.255.0' % GUEST_A, out), out
    assert re.search(r'eth1: .*\n\s+inet %s  netmask 255.255.255.0' % GUEST_B, out), out
    assert 'driver virtio' in out and 'driver e1000' in out, out
    routes = net.m.cmd('route')
    assert re.search(r'10\.1\.0\.0\s.*eth0', routes) and re.search(r'10\.2\.0\.0\s.*eth1', routes), routes
    assert net.m.cmd('sysctl net.ipv4.ip_forward') == 'net.ipv4.ip_forward = 1'


def test_ping_a_to_b_through_the_guest(net):
    out = ping(net.a, '-c', '3', '-W', '5', HOST_B)
    assert ' 0% packet loss' in out, out
    assert re.search(r'from %s: icmp_seq=\d+ ttl=63' % re.escape(HOST_B), out), out
    counters = net.m.cmd('ifconfig eth0')
    assert int(re.search(r'forwarded in (\d+)', counters).group(1)) >= 3, counters


def test_forwarding_off_drops(net):
    assert net.m.cmd('sysctl -w net.ipv4.ip_forward=0') == 'net.ipv4.ip_forward = 0'
    try:
        assert ' 100% packet loss' in ping(net.a, '-c', '1', '-W', '2', HOST_B)
    finally:
        net.m.cmd('sysctl net.ipv4.ip_forward=1')
    assert 'Invalid argument' in net.m.cmd('sysctl net.ipv4.ip_forward=2')
    assert ' 0% packet loss' in ping(net.a, '-c', '1', '-W', '5', HOST_B)


def test_tcp_transfer_a_to_b_intact(net):
    transfer(net, TRANSFER, PORT)


def test_ttl_1_gets_time_exceeded(net):
    out = ping(net.a, '-c', '1', '-W', '5', '-t', '1', HOST_B)
    assert re.search(r'From %s icmp_seq=1 Time to live exceeded' % re.escape(GUEST_A), out), out


def test_no_route_gets_net_unreachable(net):
    out = ping(net.a, '-c', '1', '-W', '5', '10.9.9.9')
    assert re.search(r'From %s icmp_seq=1 Destination Net Unreachable' % re.escape(GUEST_A),
                     out), out


def test_arp_failure_gets_host_unreachable(net):
    out = ping(net.a, '-c', '1', '-W', '10', '10.2.0.99')
    assert re.search(r'From %s icmp_seq=1 Destination Host Unreachable' % re.escape(GUEST_A),
                     out), out


def test_martian_source_not_forwarded(net):
    before = net.m.cmd('netstat -s')
    n0 = int(re.search(r'in_martians\s+(\d+)', before).group(1))
    # 169.254/16 (RFC 3927 7) never leaves its link
    net.a.run(['ip', 'addr', 'add', '169.254.7.7/16', 'dev', net.router.taps[0]])
    try:
        ping(net.a, '-c', '2', '-W', '1', '-I', '169.254.7.7', HOST_B)
    finally:
        net.a.run(['ip', 'addr', 'del', '169.254.7.7/16', 'dev', net.router.taps[0]])
    after = net.m.cmd('netstat -s')
    assert int(re.search(r'in_martians\s+(\d+)', after).group(1)) >= n0 + 2, after


def test_4000_byte_ping_to_the_guest(net):
    out = ping(net.a, '-c', '2', '-W', '5', '-s', '4000', GUEST_A)
    assert re.search(r'4008 bytes from %s: icmp_seq=1' % re.escape(GUEST_A), out), out
    assert ' 0% packet loss' in out, out
    stats = net.m.cmd('netstat -s')
    assert int(re.search(r'reasm_oks\s+(\d+)', stats).group(1)) >= 2, stats
    assert int(re.search(r'frag_creates\s+(\d+)', stats).group(1)) >= 6, stats


def test_small_mtu_fragments_and_pmtu(net):
    """eth1 and B's link at 1000 bytes: a fragmented ping crosses (the guest
    cuts its fragments again), a DF ping gets fragmentation needed with
    mtu 1000, and a DF transfer completes once A has learnt the path MTU."""
    tb = net.router.taps[1]
    net.m.cmd('ifconfig eth1 mtu 1000')
    _ip('-n', net.b.name, 'link', 'set', tb, 'mtu', '1000')
    try:
        out = ping(net.a, '-c', '2', '-W', '5', '-s', '3000', HOST_B)
        assert ' 0% packet loss' in out, out
        out = ping(net.a, '-c', '1', '-W', '5', '-M', 'do', '-s', '1400', HOST_B)
        assert re.search(r'From %s icmp_seq=1 Frag needed and DF set \(mtu = 1000\)'
                         % re.escape(GUEST_A), out), out
        net.a.run(['ip', 'route', 'flush', 'cache'])
        transfer(net, 1024 * 1024, PORT + 1)
        r = net.a.run(['ip', 'route', 'get', HOST_B])
        assert 'mtu 1000' in r.stdout, r.stdout
    finally:
        net.m.cmd('ifconfig eth1 mtu 1500')
        _ip('-n', net.b.name, 'link', 'set', tb, 'mtu', '1500')


def test_traceroute_from_the_guest(net):
    out = net.m.cmd('traceroute %s -w 3000' % HOST_B, timeout=60)
    lines = out.splitlines()
    assert lines[0] == 'traceroute to %s (%s), 30 hops max, 60 byte packets' % (HOST_B, HOST_B)
    assert re.match(r' 1  %s  \d+\.\d{3} ms' % re.escape(HOST_B), lines[1]), out
    assert len(lines) == 2, out
    assert 'Network is unreachable' in net.m.cmd('traceroute 192.0.2.1')
    assert 'not an IPv4 address' in net.m.cmd('traceroute nowhere')


def guest_send_to_c(net, c, port):
    """The guest's `send` of 1 MiB to C:port, compared by SHA-256."""
    sink = c.popen([sys.executable, '-c', SINK, str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().strip() == 'ready'
        out = net.m.cmd('send 10.3.0.2 %d 1' % port, timeout=120)
        assert re.match(r'send: 1048576 bytes to 10\.3\.0\.2:%d in' % port, out), out
        chunk = bytes(ord('a') + i % 26 for i in range(8192))
        want = hashlib.sha256(chunk * 128).hexdigest()
        assert sink.stdout.readline().split() == ['1048576', want]
    finally:
        sink.kill()
        sink.wait()


def dest_unreachs(net):
    return int(re.search(r'in_dest_unreachs\s+(\d+)', net.m.cmd('netstat -s')).group(1))


def test_guest_tcp_learns_the_path_mtu(net):
    """The guest's own TCP (RFC 1191): B routes on to a namespace C over a
    1000-byte link and answers the guest's 1500-byte DF segments with
    fragmentation needed; the guest's send to C then completes, intact.
    The route remembers the path MTU (`route -C`), so a second send right
    after starts at it and draws no fragmentation needed."""
    tag = '%d' % os.getpid()
    c = NetNS(name='fwdC' + tag, tap=None)
    vb, vc = 'fwdvB' + tag, 'fwdvC' + tag
    with c:
        _ip('-n', net.b.name, 'link', 'add', vb, 'type', 'veth', 'peer', 'name', vc,
            'netns', c.name)
        _ip('-n', net.b.name, 'link', 'set', vb, 'mtu', '1000', 'up')
        _ip('-n', net.b.name, 'addr', 'add', '10.3.0.1/24', 'dev', vb)
        _ip('-n', c.name, 'link', 'set', vc, 'mtu', '1000', 'up')
        _ip('-n', c.name, 'addr', 'add', '10.3.0.2/24', 'dev', vc)
        # C offers a 1460-byte MSS, so the guest's first segments are too big for B's link
        _ip('-n', c.name, 'route', 'add', 'default', 'via', '10.3.0.1', 'advmss', '1460')
        net.b.run(['sysctl', '-qw', 'net.ipv4.ip_forward=1'], check=True)
        assert net.m.cmd('route add 10.3.0.0/24 gw %s' % HOST_B) == ''
        unreach0 = dest_unreachs(net)
        try:
            guest_send_to_c(net, c, PORT + 2)
            unreach1 = dest_unreachs(net)
            assert unreach1 > unreach0
            cache = net.m.cmd('route -C')
            entry = re.search(r'^10\.3\.0\.2\s+%s\s+1000\s+(\d+)s\s+eth1$' % re.escape(HOST_B),
                              cache, re.M)
            assert entry and 0 < int(entry.group(1)) <= 600, cache
            guest_send_to_c(net, c, PORT + 3)
            assert dest_unreachs(net) == unreach1
            assert "route: -C takes only 'flush', not '10.3.0.2'" in net.m.cmd('route -C 10.3.0.2')
            assert net.m.cmd('route -C flush') == ''
            assert '10.3.0.2' not in net.m.cmd('route -C')
        finally:
            net.m.cmd('route del 10.3.0.0/24')
