"""Bulk data from the host's Linux stack into MenuOS's `sink`, with receive
coalescing (GRO, net/gro.c) switched on and off on the kernel command line
(gro=on / gro=off), on both NICs: the stream arrives intact either way (the
sink's FNV-1a matches), and the throughput of each is printed (a figure for
comparing the two, not a timed assertion).  Needs root and iproute2.
"""
import os
import re
import socket
import subprocess
import sys
import time

import pexpect
import pytest

from menuos import MenuOS, NetNS
from tcp_peer import PATTERN, fnv1a32

GUEST = '10.0.2.15'
BLOCK = PATTERN * 128          # 1 MiB
MIB = 16

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='network namespaces need root')

SENDER = r'''
import socket, sys
block = bytes((ord('a') + i % 26) for i in range(8192)) * 128
with socket.create_connection((sys.argv[1], 5002), timeout=120) as s:
    for _ in range(int(sys.argv[2])):
        s.sendall(block)
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
'''


def expected_fnv(mib):
    h = 0x811c9dc5
    for _ in range(mib):
        h = fnv1a32(h, BLOCK)
    return '%08x' % h


@pytest.fixture(scope='module')
def want():
    return expected_fnv(MIB)


@pytest.mark.parametrize('nic', ['virtio', 'e1000'])
@pytest.mark.parametrize('gro', ['on', 'off'])
def test_bulk_into_sink_intact(nic, gro, want):
    with NetNS() as ns:
        with MenuOS(mem=128, nic=nic, netdev=('tap', ns.tap), netns=ns.name,
                    append='gro=%s' % gro, timeout=120) as m:
            m.cmd('sink 5002')
            p = ns.popen([sys.executable, '-c', SENDER, GUEST, str(MIB)],
                         stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 300
            while p.poll() is None and time.time() < deadline:
                m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
            if p.poll() is None:
                p.kill()
            assert p.wait() == 0, p.stderr.read()
            m.expect(r'sink: (\d+) bytes from 10\.0\.2\.2:\d+ in (\d+) ms, fnv1a32 (\w+)',
                     timeout=60)
            nbytes, ms, fnv = m.child.match.groups()
            assert int(nbytes) == MIB << 20
            assert fnv == want
            print('\n%s gro=%s: %d MiB host->guest in %s ms = %.1f MB/s'
                  % (nic, gro, MIB, ms, int(nbytes) / 1e3 / max(1, int(ms))))
            # `skb` shows GRO's counters: frames merged only with gro=on, and
            # on e1000 (virtio's frames come coalesced already, 64 KiB from
            # QEMU's host-side offloads, and pass by)
            g = re.search(r'gro: (\d+) segments held, (\d+) merged into them, (\d+) delivered, '
                          r'(\d+) bypassed, (\d+) merges without a buffer, (\d+) merge buffers',
                          m.cmd('skb'))
            assert g, m.tail()
            held, merged, delivered = int(g.group(1)), int(g.group(2)), int(g.group(3))
            assert delivered == held, g.group(0)       # nothing left held after the stream
            if gro == 'off':
                assert held == merged == 0, g.group(0)
            elif nic == 'e1000':
                assert merged > held, g.group(0)       # more than two segments a merge
            print('%s gro=%s: %s' % (nic, gro, g.group(0)))
