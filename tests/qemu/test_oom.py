"""Out of memory: MenuOS booted with 4 MiB (-m 4; the routing table of a
few routes has no direct table, and the receive ring takes at most a
quarter of memory) on a tap in a namespace this test creates: 1 MiB
transfers, then more connections and data from the host than it has memory
for.  Below the page allocator's low
watermark TCP refuses connections and drops new data (mem_refusals and
rcvq_drops in `netstat -s`), so the memory left keeps the receive ring
filled and the host's RSTs get in; nothing panics, the shell answers, and
every page, kmalloc byte, sk_buff and socket comes back once the load has
gone, TIME-WAIT has drained and virtio-net's multi-buffer receive pool has
given its idle blocks back.  (Allocation failures themselves are
counted in `mem` and `skb`; tests/unit/test_oom.c makes each one fail.)"""
import itertools
import re
import time

from menuos import MenuOS, NetNS

GUEST = '10.0.2.15'
CONNS = 400          # each costs a sock and its receive data: far more than 4 MiB holds
HELLO = ('import socket, sys\n'
         's = socket.create_connection(("10.0.2.15", 5001), timeout=5)\n'
         's.sendall(b"hello"); sys.stdout.write(s.recv(10).decode()); s.close()\n')
# CONNS connections opened at once, 64 KiB sent on each, then reset
# (SO_LINGER 0), so that what the guest holds must come back by itself.
LOAD = r'''
import socket, sys, time
n = int(sys.argv[1])
socks = []
for i in range(n):
    s = socket.socket(); s.setblocking(False)
    s.connect_ex(("10.0.2.15", 5001)); socks.append(s)
time.sleep(3)
up = 0
for s in socks:
    try:
        s.getpeername(); up += 1
        s.send(b"x" * 65536)
    except OSError:
        pass
time.sleep(3)
for s in socks:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    s.close()
print(up)
'''


# Three 1 MiB transfers into sink, one after the other.
BULK = r'''
import socket
done = []
def push():
    s = socket.create_connection(("10.0.2.15", 6000), timeout=60)
    s.sendall(b"\0" * (1 << 20)); s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close(); done.append(1)
for _ in range(3):
    push()
print(len(done))
'''


_tags = itertools.count()


def run(m, cmd):
    """What the console printed for cmd, up to an echo typed after it.  (The
    shell redraws its prompt after each of replyhi's and sink's lines, so
    waiting for the prompt could end early.)"""
    start = len(m.transcript)
    tag = 'oom-mark-%d' % next(_tags)
    m.cmd(cmd, timeout=30)
    m.sendline('echo ' + tag)
    m.expect(r'\n%s\r*\n' % tag, timeout=30)
    return m.transcript[start:]


def read(m, cmd, *patterns):
    """The numbers the patterns find in cmd's output; again if replyhi's lines
    (it reports every client) broke into one of them."""
    for _ in range(10):
        out = run(m, cmd)
        hits = [re.search(p, out) for p in patterns]
        if all(hits):
            return [int(h.group(1)) for h in hits]
    raise AssertionError('cannot read %r from:\n%s' % (cmd, out))


def numbers(m):
    used, empty, kmalloc, kmalloc_failed, pages_failed = read(
        m, 'mem', r'(\d+) used', r'(\d+) empty slab pages kept', r'kmalloc: (\d+) bytes in use',
        r'frees, (\d+) failed', r'(\d+) page requests failed')
    skb, skb_failed = read(m, 'skb', r'(\d+) in use', r'(\d+) allocations failed')
    rx_dropped, = read(m, 'ifconfig eth0', r'RX errors \d+  dropped (\d+)')
    sockets, = read(m, 'netstat', r'sockets in use: (\d+)')
    mem_refusals, rcvq_drops = read(m, 'netstat -s', r'mem_refusals (\d+)', r'rcvq_drops (\d+)')
    return {
        'pages': used - empty,  # an empty slab kept for reuse is free memory
        'kmalloc': kmalloc, 'kmalloc_failed': kmalloc_failed, 'pages_failed': pages_failed,
        'skb': skb, 'skb_failed': skb_failed, 'rx_dropped': rx_dropped, 'sockets': sockets,
        'mem_refusals': mem_refusals, 'rcvq_drops': rcvq_drops,
    }


def test_out_of_memory_drops_and_refuses_counted_then_recovers():
    with NetNS() as ns, MenuOS(mem=4, nic='virtio', netdev=('tap', ns.tap), netns=ns.name,
                                append='tcp_msl_ms=500', timeout=60) as m:
        assert 'Please input hello...' in m.cmd('replyhi')
        assert 'discarding' in m.cmd('sink 6000')
        assert ns.run(['/usr/bin/python3', '-c', HELLO], timeout=30).stdout == 'hi'
        time.sleep(2)  # TIME-WAIT (2 MSL) drains
        base = numbers(m)

        r = ns.run(['/usr/bin/python3', '-c', BULK], timeout=120)
        assert r.stdout.strip() == '3', r.stderr
        r = ns.run(['/usr/bin/python3', '-c', LOAD, str(CONNS)], timeout=120)
        assert r.returncode == 0, r.stderr
        under = numbers(m)
        print('before', base)
        print('under load', under)
        # memory got short: connections were refused and data dropped, counted
        assert under['mem_refusals'] > base['mem_refusals'], under
        assert under['rcvq_drops'] > base['rcvq_drops'], under
        assert under['sockets'] < CONNS, under

        deadline = time.time() + 20
        while True:
            now = numbers(m)
            back = all(now[k] == base[k] for k in ('pages', 'kmalloc', 'skb', 'sockets'))
            if back or time.time() > deadline:
                break
            time.sleep(1)
        print('after', now)
        for k in ('pages', 'kmalloc', 'skb', 'sockets'):
            assert now[k] == base[k], '%s: %d after the load, %d before\n%s' % (
                k, now[k], base[k], m.tail())
        # still serving, from the host and from its own shell
        assert ns.run(['ping', '-c', '1', '-W', '2', GUEST]).returncode == 0
        assert ns.run(['/usr/bin/python3', '-c', HELLO], timeout=30).stdout == 'hi'
        out = run(m, 'hello 127.0.0.1')
        assert 'recv "hi" from 127.0.0.1' in out, out
        assert 'PANIC' not in m.transcript
