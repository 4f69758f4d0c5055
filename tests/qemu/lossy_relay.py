"""A stand-in for `tc netem loss`: relays Ethernet frames between a tap device
and QEMU's UDP socket netdev, dropping a fraction of the IPv4 TCP frames at
random in each direction (ARP and the rest pass, so the test measures TCP's
recovery, not ARP's).  Run inside the test's network namespace:

  lossy_relay.py TAP RELAY_PORT QEMU_PORT LOSS SEED

QEMU: -netdev socket,id=net0,udp=127.0.0.1:RELAY_PORT,localaddr=127.0.0.1:QEMU_PORT
Prints "ready", then on SIGTERM the counts "passed P dropped D".
"""
import fcntl
import os
import random
import select
import signal
import socket
import struct
import sys

TUNSETIFF = 0x400454ca          # linux/if_tun.h
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
ETH_P_IP = 0x0800
IPPROTO_TCP = 6


def is_tcp(frame):
    return len(frame) >= 34 and struct.unpack('!H', frame[12:14])[0] == ETH_P_IP \
        and frame[23] == IPPROTO_TCP


def main(tap, relay_port, qemu_port, loss, seed):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', tap.encode(), IFF_TAP | IFF_NO_PI))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', relay_port))
    rnd = random.Random(seed)
    counts = {'passed': 0, 'dropped': 0}

    def done(*_):
        print('passed %(passed)d dropped %(dropped)d' % counts, flush=True)
        sys.exit(0)
    signal.signal(signal.SIGTERM, done)
    print('ready', flush=True)
    while True:
        ready, _, _ = select.select([fd, s], [], [])
        for src in ready:
            frame = os.read(fd, 65536) if src == fd else s.recvfrom(65536)[0]
            if is_tcp(frame) and rnd.random() < loss:
                counts['dropped'] += 1
                continue
            counts['passed'] += 1
            if src == fd:
                s.sendto(frame, ('127.0.0.1', qemu_port))
            else:
                os.write(fd, frame)


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
