"""The DHCP client against QEMU's user-mode network, whose DHCP server
leases 10.0.2.15 with router 10.0.2.2 and DNS 10.0.2.3.

The network is `-netdev user` without restrict=on: in restricted mode
QEMU's DHCP server leaves the router and DNS options out.  The guest sends
nothing but DHCP to QEMU's own server here, so nothing leaves the host.
One boot serves every test of this module (they run in file order).
"""
import re

import pytest

from menuos import MenuOS


@pytest.fixture(scope='module')
def guest():
    with MenuOS(append='ip=dhcp', extra=['-netdev', 'user,id=dhcp0',
                                         '-device', 'virtio-net-pci,netdev=dhcp0']) as m:
        if 'dhcp: eth0: leased' not in m.transcript:
            m.expect('dhcp: eth0: leased')
            m.wait_prompt()
        yield m


@pytest.fixture
def shell(request, guest):
    request.node.__dict__.setdefault('_menuos_machines', []).append(guest)
    return guest


def udp_counter(m, name):
    return int(re.search(r'Udp: %s +(\d+)' % name, m.cmd('netstat -s')).group(1))


def test_boot_with_ip_dhcp_leases_address_route_and_dns(shell):
    assert 'dhcp: eth0: leased 10.0.2.15/24 from 10.0.2.2, router 10.0.2.2' in shell.transcript
    out = shell.cmd('dhcp')
    assert 'eth0: BOUND  10.0.2.15/24  server 10.0.2.2' in out
    assert 'router 10.0.2.2  dns 10.0.2.3' in out
    assert re.search(r'lease 86400 s, \d+ s left; renew \(T1\) in \d+ s', out), out
    route = shell.cmd('route')
    assert re.search(r'^0\.0\.0\.0 +10\.0\.2\.2 +0\.0\.0\.0 +UG +0 +eth0$', route, re.M), route
    assert re.search(r'^10\.0\.2\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U +0 +eth0$', route, re.M)
    assert 'inet 10.0.2.15  netmask 255.255.255.0' in shell.cmd('ifconfig eth0')


def test_dhcp_iface_renews_the_lease(shell):
    sent, got = udp_counter(shell, 'out_datagrams'), udp_counter(shell, 'in_datagrams')
    out = shell.cmd('dhcp eth0')
    assert 'eth0: BOUND  10.0.2.15/24  server 10.0.2.2' in out
    # one DHCPREQUEST out, one DHCPACK in
    assert udp_counter(shell, 'out_datagrams') == sent + 1
    assert udp_counter(shell, 'in_datagrams') == got + 1


def test_unknown_and_non_ethernet_interfaces(shell):
    assert shell.cmd('dhcp eth9') == 'dhcp: eth9: no such interface'
    assert shell.cmd('dhcp lo') == 'dhcp: lo: not an Ethernet interface'
    assert shell.cmd('dhcp eth9 release') == 'dhcp: eth9: no such interface'
    assert shell.cmd('dhcp eth0 renew').startswith('usage: dhcp')


def test_release_then_lease_again_then_ifconfig_down(shell):
    assert 'dhcp: eth0: released 10.0.2.15' in shell.cmd('dhcp eth0 release')
    assert 'UG' not in shell.cmd('route')
    assert 'inet ' not in shell.cmd('ifconfig eth0')
    assert shell.cmd('dhcp') == 'dhcp: no client running (dhcp IFACE starts one)'
    assert shell.cmd('dhcp eth0 release') == 'dhcp: eth0: no DHCP client runs there'
    out = shell.cmd('dhcp eth0')
    assert 'dhcp: eth0: leased 10.0.2.15/24 from 10.0.2.2, router 10.0.2.2' in out
    assert 'eth0: BOUND  10.0.2.15/24' in out
    assert 'dhcp: eth0: released 10.0.2.15' in shell.cmd('ifconfig eth0 down')
    assert 'inet ' not in shell.cmd('ifconfig eth0')
