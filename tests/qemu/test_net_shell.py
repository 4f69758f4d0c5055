"""The network shell commands over QEMU's user-mode network (no root needed):
ifconfig, arp, route, ping (lines and summary like Linux ping, Ctrl-C),
skb, and the ip=/netmask=/gw= boot options.  The gateway 10.0.2.2 is QEMU's
own; it answers ICMP echo and ARP.
"""
import re
import time

import pytest

from menuos import MenuOS

GUEST = '10.0.2.15'
GW = '10.0.2.2'
REPLY = re.compile(r'^(\d+) bytes from ([\d.]+): icmp_seq=(\d+) ttl=(\d+) time=(\d+\.\d{3}) ms$',
                   re.M)
SUMMARY = re.compile(r'^(\d+) packets transmitted, (\d+) received, (?:\+\d+ errors, )?'
                     r'(\d+)% packet loss, time (\d+)ms$', re.M)
RTT = re.compile(r'^rtt min/avg/max/mdev = (\d+\.\d{3})/(\d+\.\d{3})/(\d+\.\d{3})/'
                 r'(\d+\.\d{3}) ms$', re.M)


@pytest.fixture(scope='module')
def m():
    with MenuOS(mem=64, nic='virtio', netdev='user') as vm:
        yield vm


def skb_in_use(m):
    hit = re.search(r'(\d+) allocated, (\d+) freed, (\d+) in use', m.cmd('skb'))
    assert hit
    assert int(hit.group(1)) - int(hit.group(2)) == int(hit.group(3))
    return int(hit.group(3))


def summary(out):
    hit = SUMMARY.search(out)
    assert hit, out
    return tuple(int(x) for x in hit.groups())


def test_ifconfig_lists_lo_and_eth0(m):
    out = m.cmd('ifconfig')
    assert re.search(r'^lo: flags=\d+<UP,LOOPBACK,RUNNING>  mtu 65536$', out, re.M), out
    assert 'inet 127.0.0.1  netmask 255.0.0.0' in out
    assert re.search(r'^eth0: flags=\d+<UP,BROADCAST,RUNNING>  mtu 1500$', out, re.M), out
    assert 'inet %s  netmask 255.255.255.0  broadcast 10.0.2.255' % GUEST in out
    assert 'ether 52:54:00:12:34:56  (driver virtio-net)' in out
    for field in ('RX packets', 'TX packets', 'RX errors', 'TX errors', 'dropped',
                  'interrupts'):
        assert field in out
    assert m.cmd('ifconfig eth0').startswith('eth0:')
    assert 'no such interface' in m.cmd('ifconfig eth7')


def test_ping_gateway_like_linux(m):
    before = skb_in_use(m)
    out = m.cmd('ping %s -c 3 -i 200' % GW, timeout=30)
    assert out.splitlines()[0] == 'PING %s (%s) 56(84) bytes of data.' % (GW, GW)
    replies = REPLY.findall(out)
    assert [r[2] for r in replies] == ['1', '2', '3'], out
    assert all(r[0] == '64' and r[1] == GW for r in replies)
    assert '--- %s ping statistics ---' % GW in out
    sent, got, loss, _ = summary(out)
    assert (sent, got, loss) == (3, 3, 0)
    lo, avg, hi, _ = (float(x) for x in RTT.search(out).groups())
    assert lo <= avg <= hi
    assert skb_in_use(m) == before


def test_ping_loopback_and_sizes(m):
    out = m.cmd('ping localhost -c 2 -s 1000 -i 0', timeout=30)
    assert summary(out)[:2] == (2, 2), out
    assert REPLY.findall(out)[0][0] == '1008'
    out = m.cmd('ping %s -c 1 -s 1472' % GW, timeout=30)    # a full 1500-byte datagram
    assert summary(out)[:2] == (1, 1), out
    out = m.cmd('ping %s -c 1 -s 1473' % GW, timeout=30)    # we do not fragment
    assert 'Message too long' in out


def test_ping_bad_arguments(m):
    assert 'usage: ping' in m.cmd('ping')
    assert 'not an IPv4 address' in m.cmd('ping example.com')
    assert '-c needs a number' in m.cmd('ping %s -c 0' % GW)
    assert '-s needs a number' in m.cmd('ping %s -s lots' % GW)
    assert "unexpected '-q'" in m.cmd('ping %s -q' % GW)


def test_ctrl_c_stops_ping_while_waiting_for_a_reply(m):
    # Nobody has 10.0.2.77: each probe waits out its timeout in net_wait.
    m.sendline('ping 10.0.2.77 -c 100 -W 5000')
    m.expect_exact('bytes of data.')
    time.sleep(1.5)
    t0 = time.time()
    m.send('\x03')
    out = m.wait_prompt(timeout=10)
    assert time.time() - t0 < 3
    sent, got, loss, _ = summary(out)
    assert sent == 1 and got == 0 and loss == 100, out


def test_unresolvable_neighbour_is_host_unreachable(m):
    # ARP gives up after its retries; the waiting echo request's sender (us) is told.
    out = m.cmd('ping 10.0.2.78 -c 1 -W 8000', timeout=30)
    assert 'From %s icmp_seq=1 Destination Host Unreachable' % GUEST in out, out
    assert '1 packets transmitted, 0 received, +1 errors, 100% packet loss' in out


def test_ctrl_c_stops_ping_between_probes(m):
    m.sendline('ping %s -c 100 -i 400' % GW)
    m.expect(r'icmp_seq=2 ')
    m.send('\x03')
    out = m.wait_prompt(timeout=10)
    sent, got, _, _ = summary(out)
    assert 2 <= sent < 100 and got == sent, out


def test_arp_show_and_delete(m):
    m.cmd('ping %s -c 1' % GW, timeout=30)
    out = m.cmd('arp')
    assert re.search(r'^%s\s+ether\s+52:55:0a:00:02:02\s+eth0\s+reachable' % re.escape(GW),
                     out, re.M), out
    assert m.cmd('arp -d %s' % GW) == ''
    assert GW not in m.cmd('arp')
    assert 'no entry for %s' % GW in m.cmd('arp -d %s' % GW)
    assert 'usage: arp' in m.cmd('arp -x')
    # The next packet resolves it again.
    assert summary(m.cmd('ping %s -c 1' % GW, timeout=30))[:2] == (1, 1)


def test_route_show_add_del(m):
    out = m.cmd('route')
    assert re.search(r'^0\.0\.0\.0\s+10\.0\.2\.2\s+0\.0\.0\.0\s+UG\s+0\s+eth0$', out, re.M), out
    assert re.search(r'^10\.0\.2\.0\s+0\.0\.0\.0\s+255\.255\.255\.0\s+U\s+0\s+eth0$', out, re.M)
    assert re.search(r'^127\.0\.0\.0\s+0\.0\.0\.0\s+255\.0\.0\.0\s+U\s+0\s+lo$', out, re.M)
    assert m.cmd('route add 192.168.50.0/24 gw 10.0.2.3') == ''
    assert re.search(r'^192\.168\.50\.0\s+10\.0\.2\.3\s+255\.255\.255\.0\s+UG',
                     m.cmd('route'), re.M)
    assert 'exists already' in m.cmd('route add 192.168.50.0 netmask 255.255.255.0 dev eth0')
    assert 'not on a directly connected network' in m.cmd('route add 10.9.0.0/16 gw 9.9.9.9')
    assert 'outside the netmask' in m.cmd('route add 10.9.0.1/16 dev eth0')
    assert 'no such interface' in m.cmd('route add 10.9.0.0/16 dev eth5')
    assert m.cmd('route del 192.168.50.0/24') == ''
    assert 'no such route' in m.cmd('route del 192.168.50.0/24')
    assert 'usage: route' in m.cmd('route flush')


def test_route_via_metric_errors_and_ip_style(m):
    out = m.cmd('route -i')
    assert re.search(r'^default via 10\.0\.2\.2 dev eth0$', out, re.M), out
    assert re.search(r'^10\.0\.2\.0/24 dev eth0 proto kernel scope link src 10\.0\.2\.15$',
                     out, re.M), out
    # two routes to one network, told apart by their metric; the lower wins
    assert m.cmd('route add 192.168.60.0/24 via 10.0.2.3 metric 20') == ''
    assert m.cmd('route add 192.168.60.0/24 via 10.0.2.4 dev eth0 metric 10') == ''
    out = m.cmd('route')
    assert re.search(r'^192\.168\.60\.0\s+10\.0\.2\.4\s+255\.255\.255\.0\s+UG\s+10\s+eth0$',
                     out, re.M), out
    assert re.search(r'^192\.168\.60\.0\s+10\.0\.2\.3\s+255\.255\.255\.0\s+UG\s+20\s+eth0$',
                     out, re.M), out
    assert re.search(r'^192\.168\.60\.0/24 via 10\.0\.2\.4 dev eth0 metric 10$',
                     m.cmd('route -i'), re.M)
    assert 'exists already' in m.cmd('route add 192.168.60.0/24 via 10.0.2.9 metric 10')
    assert 'exists already' in m.cmd('route add default via 10.0.2.3')
    assert 'no such interface' in m.cmd('route add 192.168.61.0/24 via 10.0.2.3 dev eth7')
    assert 'not on a directly connected network' in m.cmd('route add 192.168.61.0/24 via 8.8.8.8')
    for bad in ('192.168.61.0/33', '300.1.2.0/24', '192.168.61/24', '192.168.61.0/x'):
        assert "bad destination '%s'" % bad in m.cmd('route add %s via 10.0.2.3' % bad)
    assert "bad metric 'x'" in m.cmd('route add 192.168.61.0/24 via 10.0.2.3 metric x')
    assert m.cmd('route del 192.168.60.0/24 metric 10') == ''
    assert 'no such route' in m.cmd('route del 192.168.60.0/24 metric 10')
    assert 'no such route' in m.cmd('route del 192.168.60.0/24 via 10.0.2.9')
    assert m.cmd('route del 192.168.60.0/24 via 10.0.2.3') == ''
    assert '192.168.60.0' not in m.cmd('route')
    # a second default with a higher metric, and its removal by gateway
    assert m.cmd('route add default via 10.0.2.3 metric 5') == ''
    assert m.cmd('route del default via 10.0.2.3') == ''
    assert re.search(r'^default via 10\.0\.2\.2 dev eth0$', m.cmd('route -i'), re.M)
    assert 'via 10.0.2.3' not in m.cmd('route -i')


def test_route_lists_more_than_a_page(m):
    nets = ['198.51.%d.0/24' % i for i in range(40)]
    for n in nets:
        assert m.cmd('route add %s via 10.0.2.3' % n) == ''
    out = m.cmd('route -i')
    for n in nets:
        assert '%s via 10.0.2.3 dev eth0' % n in out, out
    assert len(out.splitlines()) == 40 + 3, out  # each once: default, lo's, eth0's
    for n in nets:
        assert m.cmd('route del %s' % n) == ''
    assert '198.51.' not in m.cmd('route')


def test_ifconfig_address_and_up_down(m):
    assert m.cmd('ifconfig eth0 10.0.2.20 netmask 255.255.255.0') == ''
    assert 'inet 10.0.2.20  netmask 255.255.255.0' in m.cmd('ifconfig eth0')
    assert summary(m.cmd('ping %s -c 1' % GW, timeout=30))[:2] == (1, 1)
    assert m.cmd('ifconfig eth0 down') == ''
    assert 'flags=2<BROADCAST>' in m.cmd('ifconfig eth0')
    assert 'Network is unreachable' in m.cmd('ping %s -c 1' % GW, timeout=30)
    m.cmd('ifconfig eth0 up')
    assert m.cmd('ifconfig eth0 %s' % GUEST) == ''
    assert summary(m.cmd('ping %s -c 1' % GW, timeout=30))[:2] == (1, 1)
    assert 'bad netmask' in m.cmd('ifconfig eth0 netmask 255.0.255.0')


def test_boot_options_set_the_address():
    with MenuOS(mem=64, nic='virtio', netdev='user',
                append='ip=10.0.2.33 netmask=255.255.0.0 gw=10.0.2.2') as vm:
        assert 'inet 10.0.2.33  netmask 255.255.0.0' in vm.cmd('ifconfig eth0')
        assert summary(vm.cmd('ping %s -c 1' % GW, timeout=30))[:2] == (1, 1)
