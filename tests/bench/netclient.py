#!/usr/bin/python3
"""Host side of the network benchmarks; tests/bench.py runs it inside the
benchmark's network namespace (`ip netns exec menuos-bench ...`), so all of
its traffic stays there.  Each mode prints one JSON object on stdout.

  netclient.py hi HOST PORT N [TIMEOUT]
      N sequential exchanges: connect, send "hello", read until "hi" (or
      EOF), close.  Reports per-connection latency (ms) and connections/s.
  netclient.py push HOST PORT BYTES [TIMEOUT]
      connect, send BYTES of zeros, shut down the sending side, wait until
      the peer closes.  Reports bytes and seconds (connect to peer close).
  netclient.py discard ADDR PORT [TIMEOUT [LIMIT]]
      accept one connection, read to EOF, or with LIMIT > 0 until LIMIT
      bytes have come and then close (for a sender that streams until the
      peer closes).  Prints {"listening": PORT} first (one line, flushed),
      then bytes and seconds (accept to EOF or to the LIMIT-th byte).
"""
import json
import socket
import sys
import time

CHUNK = 65536


def out(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def hi(host, port, n, timeout=5.0):
    lat, errors = [], []
    t_start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        try:
            s = socket.create_connection((host, port), timeout=timeout)
            try:
                s.sendall(b'hello')
                buf = b''
                while b'hi' not in buf:
                    d = s.recv(256)
                    if not d:
                        break
                    buf += d
            finally:
                s.close()
            if b'hi' not in buf:
                errors.append('%d: got %r, no "hi"' % (i, buf[:40]))
                continue
            lat.append((time.perf_counter() - t0) * 1000.0)
        except OSError as e:
            errors.append('%d: %s' % (i, e))
            if len(errors) >= 5 and not lat:
                break
    total = time.perf_counter() - t_start
    out({'n': n, 'ok': len(lat), 'latency_ms': lat, 'seconds': total,
         'errors': errors[:10], 'nerrors': len(errors)})


def push(host, port, nbytes, timeout=120.0):
    buf = bytes(CHUNK)
    t0 = time.perf_counter()
    s = socket.create_connection((host, port), timeout=timeout)
    sent = 0
    try:
        while sent < nbytes:
            k = min(CHUNK, nbytes - sent)
            s.sendall(buf[:k])
            sent += k
        t_sent = time.perf_counter()
        s.shutdown(socket.SHUT_WR)
        closed = True
        try:
            while s.recv(CHUNK):
                pass
        except socket.timeout:
            closed = False
        t_end = time.perf_counter()
    finally:
        s.close()
    out({'bytes': sent, 'seconds': t_end - t0, 'seconds_to_last_send': t_sent - t0,
         'peer_closed': closed})


def discard(addr, port, timeout=120.0, limit=0):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    ls.settimeout(timeout)
    out({'listening': port})
    c, peer = ls.accept()
    t0 = time.perf_counter()
    c.settimeout(timeout)
    n = 0
    try:
        while True:
            d = c.recv(CHUNK)
            if not d:
                break
            n += len(d)
            if limit and n >= limit:
                break
    finally:
        t1 = time.perf_counter()
        c.close()
        ls.close()
    out({'bytes': n, 'seconds': t1 - t0, 'peer': '%s:%d' % peer})


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    mode, host, port = argv[1], argv[2], int(argv[3])
    rest = argv[4:]
    try:
        if mode == 'hi':
            hi(host, port, int(rest[0]), *map(float, rest[1:2]))
        elif mode == 'push':
            push(host, port, int(rest[0]), *map(float, rest[1:2]))
        elif mode == 'discard':
            discard(host, port, *map(float, rest[0:1]), *map(int, rest[1:2]))
        else:
            sys.exit('unknown mode %r\n%s' % (mode, __doc__))
    except OSError as e:
        out({'error': '%s: %s' % (type(e).__name__, e)})
        sys.exit(1)


if __name__ == '__main__':
    main(sys.argv)
