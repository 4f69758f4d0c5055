"""Checksum and segmentation offloads, end to end over a tap device in a
network namespace this test creates (guest 10.0.2.15, host 10.0.2.2).

For each configuration the guest reports what it negotiated ("ethN:
offloads: ..."), then 16 MiB go each way and must arrive intact: host ->
guest into the guest's `sink` (its FNV-1a of the stream is compared with
ours, over seeded random bytes), guest -> host from the guest's `send` (the
host's SHA-256 of the stream is compared with that of the pattern `send`
writes).  The guest's frame counters show whether large frames really went
out (transmit segmentation) and came in (receive coalescing).

virtio-net: QEMU's device properties switch each offered feature off
(csum, guest_csum, host_tso4, guest_tso4, mrg_rxbuf, event_idx); the driver
must fall back.  e1000: QEMU's 82540EM always has the offloads, so the
driver's kernel command-line words (e1000.tx_csum=0, e1000.tso=0,
e1000.rx_csum=0) switch them off instead.

Throughput of every run is printed (run with -s); it is measured, not
asserted.  This file is also the host-side peer (run inside the namespace):
  test_offload.py send IP PORT NBYTES   seeded random bytes; "bytes N ms T"
  test_offload.py sink PORT             one connection; "bytes N sha256 H ms T"
Needs root and iproute2.
"""
import functools
import hashlib
import os
import random
import re
import socket
import subprocess
import sys
import time

import pexpect
import pytest

from menuos import MenuOS, NetNS

GUEST = '10.0.2.15'
HOST = '10.0.2.2'
NBYTES = 16 * 1024 * 1024
SEED = 20261201
ETH_FRAME = 1514
PEER = [sys.executable, os.path.abspath(__file__)]

# user/cmd_tcp.c: `send` writes this 8 KiB pattern over and over
SEND_CHUNK = 8192
SEND_PATTERN = bytes((ord('a') + i % 26) for i in range(SEND_CHUNK))

ALL_VIRTIO = ['csum', 'guest_csum', 'host_tso4', 'guest_tso4', 'mrg_rxbuf', 'event_idx']

# (id, QEMU virtio-net-pci properties, features the driver must end up with)
VIRTIO_CASES = [
    ('all', '', ALL_VIRTIO),
    # HOST_TSO4 needs CSUM (5.1.3.1): the driver drops it even if offered
    ('csum-off', 'csum=off', ['guest_csum', 'guest_tso4', 'mrg_rxbuf', 'event_idx']),
    ('guest_csum-off', 'guest_csum=off', ['csum', 'host_tso4', 'mrg_rxbuf', 'event_idx']),
    ('host_tso4-off', 'host_tso4=off',
     ['csum', 'guest_csum', 'guest_tso4', 'mrg_rxbuf', 'event_idx']),
    ('guest_tso4-off', 'guest_tso4=off',
     ['csum', 'guest_csum', 'host_tso4', 'mrg_rxbuf', 'event_idx']),
    # our GUEST_TSO4 receives into page-sized buffers, so it needs MRG_RXBUF
    ('mrg_rxbuf-off', 'mrg_rxbuf=off', ['csum', 'guest_csum', 'host_tso4', 'event_idx']),
    ('event_idx-off', 'event_idx=off',
     ['csum', 'guest_csum', 'host_tso4', 'guest_tso4', 'mrg_rxbuf']),
    ('none', ','.join('%s=off' % f for f in ALL_VIRTIO), []),
    ('legacy', 'disable-legacy=off,disable-modern=on', ALL_VIRTIO),
]

ALL_E1000 = ['tx_csum', 'tso', 'rx_csum']
# (id, kernel command line, features the driver must end up with)
E1000_CASES = [
    ('all', '', ALL_E1000),
    ('tso-off', 'e1000.tso=0', ['tx_csum', 'rx_csum']),
    # segmentation fills in checksums, so it goes with transmit checksumming
    ('tx_csum-off', 'e1000.tx_csum=0', ['rx_csum']),
    ('none', 'e1000.tx_csum=0 e1000.tso=0 e1000.rx_csum=0', []),
]


# ---------------------------------------------------------------- host peer

def host_stream():
    return random.Random(SEED).randbytes(NBYTES)


def peer_send(ip, port, nbytes):
    data = host_stream()[:nbytes]
    t0 = time.monotonic()
    with socket.create_connection((ip, port), timeout=120) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    print('bytes %d ms %d' % (len(data), (time.monotonic() - t0) * 1000), flush=True)


def peer_sink(port):
    with socket.socket() as ls:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(('0.0.0.0', port))
        ls.listen(1)
        print('listening', flush=True)
        c, _ = ls.accept()
        h, total, t0 = hashlib.sha256(), 0, time.monotonic()
        with c:
            while True:
                d = c.recv(1 << 20)
                if not d:
                    break
                total += len(d)
                h.update(d)
        print('bytes %d sha256 %s ms %d' % (total, h.hexdigest(),
                                            (time.monotonic() - t0) * 1000), flush=True)


# ---------------------------------------------------------------- expectations

@functools.lru_cache(maxsize=None)
def stream_fnv1a32():
    """FNV-1a of host_stream(), as the guest's sink computes it (slow in
    Python: computed once)."""
    h = 0x811c9dc5
    for b in host_stream():
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return '%08x' % h


def pattern_sha256(nbytes):
    h = hashlib.sha256()
    for _ in range(nbytes // SEND_CHUNK):
        h.update(SEND_PATTERN)
    return h.hexdigest()


# ---------------------------------------------------------------- guest side

def read_console(m, seconds):
    """Keeps reading the guest's console (its serial output must not back up)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)


def wait_console(m, pattern, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        hit = re.search(pattern, m.transcript)
        if hit:
            return hit
        m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
    raise AssertionError('%r not on the console\n%s' % (pattern, m.tail()))


def offloads(m):
    hit = re.search(r'eth0: offloads:((?: \w+)+)', m.transcript)
    assert hit, m.tail()
    names = hit.group(1).split()
    return [] if names == ['none'] else names


def frame_counters(m):
    """(rx packets, rx bytes, tx packets, tx bytes) of eth0."""
    out = m.cmd('ifconfig eth0')
    rx = re.search(r'RX packets (\d+)\s+bytes (\d+)', out)
    tx = re.search(r'TX packets (\d+)\s+bytes (\d+)', out)
    assert rx and tx, out
    return tuple(map(int, rx.groups() + tx.groups()))


def bulk_both_ways(m, ns, label):
    """16 MiB each way, checked; returns (host->guest MB/s, guest->host MB/s)
    and the frame counters' growth over each transfer."""
    mib = NBYTES / 1e6
    m.cmd('sink 5002')
    c0 = frame_counters(m)
    p = ns.popen(PEER + ['send', GUEST, '5002', str(NBYTES)], stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while p.poll() is None and time.time() < deadline:
        read_console(m, 0.5)
    if p.poll() is None:
        p.kill()
    out, err = p.communicate()
    sent = re.search(r'bytes (\d+) ms (\d+)', out)
    assert sent, out + err
    wait_console(m, r'sink: %d bytes from 10\.0\.2\.2:\d+ in \d+ ms, fnv1a32 %s' %
                 (NBYTES, stream_fnv1a32()), 60)
    c1 = frame_counters(m)
    h2g = mib / (int(sent.group(2)) / 1000)

    srv = ns.popen(PEER + ['sink', '6002'], stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == 'listening'
        line = m.cmd('send %s 6002 %d' % (HOST, NBYTES >> 20), timeout=300)
        got = srv.stdout.readline().split()
    finally:
        srv.wait(timeout=60)
    assert re.search(r'send: %d bytes to 10\.0\.2\.2:6002' % NBYTES, line), line
    assert got[:4] == ['bytes', str(NBYTES), 'sha256', pattern_sha256(NBYTES)], got
    c2 = frame_counters(m)
    g2h = mib / (int(got[5]) / 1000)
    print('\n%s: host->guest %.1f MB/s, guest->host %.1f MB/s' % (label, h2g, g2h))
    rx = (c1[0] - c0[0], c1[1] - c0[1])
    tx = (c2[2] - c1[2], c2[3] - c1[3])
    return rx, tx


def avg(pkts_bytes):
    return pkts_bytes[1] / max(pkts_bytes[0], 1)


pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='network namespaces need root')


@pytest.mark.parametrize('case', VIRTIO_CASES, ids=[c[0] for c in VIRTIO_CASES])
def test_virtio_net_offloads(case):
    name, props, want = case
    dev = 'virtio-net-pci,netdev=net0' + (',' + props if props else '')
    with NetNS() as ns:
        extra = ['-netdev', 'tap,id=net0,ifname=%s,script=no,downscript=no' % ns.tap,
                 '-device', dev]
        with MenuOS(mem=128, netns=ns.name, extra=extra, timeout=120) as m:
            assert offloads(m) == want, m.transcript
            rx, tx = bulk_both_ways(m, ns, 'virtio-net %s' % name)
    # HOST_TSO4: the guest hands the device whole 64 KiB segments
    if 'host_tso4' in want:
        assert avg(tx) > 4 * ETH_FRAME, tx
    else:
        assert avg(tx) <= ETH_FRAME, tx
    # GUEST_TSO4: the host's coalesced segments arrive whole
    if 'guest_tso4' in want:
        assert avg(rx) > 2 * ETH_FRAME, rx
    else:
        assert avg(rx) <= ETH_FRAME, rx


@pytest.mark.parametrize('case', E1000_CASES, ids=[c[0] for c in E1000_CASES])
def test_e1000_offloads(case):
    name, append, want = case
    with NetNS() as ns:
        with MenuOS(mem=128, nic='e1000', netdev=('tap', ns.tap), netns=ns.name,
                    append=append, timeout=120) as m:
            assert offloads(m) == want, m.transcript
            rx, tx = bulk_both_ways(m, ns, 'e1000 %s' % name)
    if 'tso' in want:
        assert avg(tx) > 4 * ETH_FRAME, tx
    else:
        assert avg(tx) <= ETH_FRAME, tx
    assert avg(rx) <= ETH_FRAME, rx   # the 82540EM receives frames, never more


if __name__ == '__main__':
    if sys.argv[1] == 'send':
        peer_send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == 'sink':
        peer_sink(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
