"""The host's side of the TCP tests over tap (run inside the test's network
namespace with `ip netns exec`).  The host's Linux TCP stack is the peer.

  tcp_peer.py hello IP PORT N        N sequential hello/hi exchanges; prints
                                     "ok N/N", connections per second and the
                                     latency p50/p99 in ms
  tcp_peer.py parallel IP PORT N     N concurrent exchanges; prints "ok K/N"
  tcp_peer.py replyhi PORT N         answers N connections: "hello" -> "hi"
  tcp_peer.py sink PORT              one connection: prints "bytes B fnv1a32 H"
  tcp_peer.py send IP PORT BYTES     sends the pattern of MenuOS's `send`,
                                     prints "bytes B fnv1a32 H ms T"
"""
import socket
import sys
import threading
import time

CHUNK = 8192
PATTERN = bytes((ord('a') + i % 26) for i in range(CHUNK))


def fnv1a32(h, data):
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h


def exchange(ip, port, timeout=10):
    with socket.create_connection((ip, port), timeout=timeout) as s:
        s.sendall(b'hello')
        reply = b''
        while True:
            d = s.recv(64)
            if not d:
                break
            reply += d
        return reply == b'hi'


def cmd_hello(ip, port, n):
    lat, ok = [], 0
    t0 = time.monotonic()
    for _ in range(n):
        t = time.monotonic()
        ok += exchange(ip, port)
        lat.append((time.monotonic() - t) * 1000)
    total = time.monotonic() - t0
    lat.sort()
    print('ok %d/%d' % (ok, n))
    print('conn/s %.1f p50 %.2f ms p99 %.2f ms' % (n / total, lat[len(lat) // 2],
                                                   lat[min(len(lat) - 1, int(len(lat) * 0.99))]))


def cmd_parallel(ip, port, n):
    results = []

    def one():
        try:
            results.append(exchange(ip, port, timeout=60))
        except OSError:
            results.append(False)
    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print('ok %d/%d' % (sum(results), n))


def cmd_replyhi(port, n):
    with socket.socket() as ls:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(('0.0.0.0', port))
        ls.listen(16)
        print('listening', flush=True)
        for _ in range(n):
            c, addr = ls.accept()
            with c:
                msg = c.recv(64)
                c.sendall(b'hi')
                print('recv %r from %s:%d' % (msg, addr[0], addr[1]), flush=True)


def cmd_sink(port):
    with socket.socket() as ls:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(('0.0.0.0', port))
        ls.listen(1)
        print('listening', flush=True)
        c, _ = ls.accept()
        h, total = 0x811c9dc5, 0
        with c:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                total += len(d)
                h = fnv1a32(h, d)
        print('bytes %d fnv1a32 %08x' % (total, h), flush=True)


def cmd_send(ip, port, nbytes, shift=0):
    """nbytes of PATTERN, rotated by shift bytes (two senders, two streams)."""
    h, sent = 0x811c9dc5, 0
    pattern = PATTERN[shift:] + PATTERN[:shift]
    t0 = time.monotonic()
    with socket.create_connection((ip, port), timeout=120) as s:
        while sent < nbytes:
            d = pattern[:min(CHUNK, nbytes - sent)]
            s.sendall(d)
            h = fnv1a32(h, d)
            sent += len(d)
        s.shutdown(socket.SHUT_WR)
        while s.recv(4096):
            pass
    print('bytes %d fnv1a32 %08x ms %d' % (sent, h, (time.monotonic() - t0) * 1000))


def main(argv):
    cmd = argv[1]
    if cmd == 'hello':
        cmd_hello(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == 'parallel':
        cmd_parallel(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == 'replyhi':
        cmd_replyhi(int(argv[2]), int(argv[3]))
    elif cmd == 'sink':
        cmd_sink(int(argv[2]))
    elif cmd == 'send':
        cmd_send(argv[2], int(argv[3]), int(argv[4]), int(argv[5]) if len(argv) > 5 else 0)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
