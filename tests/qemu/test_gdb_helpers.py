"""The gdb helpers (tests/menuos_gdb.py) at a breakpoint in tcp_v4_rcv: what
they decode is checked against the segments as a capture on the host's side
of the tap saw them arrive."""
import os
import re
import socket
import subprocess
import time

from menuos import MenuOS, NetNS, ROOT, build_path


def blocks(text, name):
    return re.findall(r'<<%s\n(.*?)>>' % name, text, re.S)


def captured_segments(pcap):
    """(sport, dport, flags, seq, ack, win, payload length) of each TCP segment to the guest."""
    out = subprocess.run(['tshark', '-r', pcap, '-Y', 'tcp && ip.dst == 10.0.2.15', '-T',
                          'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e',
                          'tcp.flags', '-e', 'tcp.seq_raw', '-e', 'tcp.ack_raw', '-e',
                          'tcp.window_size_value', '-e', 'tcp.len'],
                         capture_output=True, text=True, check=True).stdout
    segs = []
    for line in out.splitlines():
        sport, dport, flags, seq, ack, win, plen = line.split('\t')
        segs.append((int(sport), int(dport), int(flags, 16) & 0xff, int(seq), int(ack or 0),
                     int(win), int(plen)))
    return segs


FLAG_BITS = {'SYN': 0x02, 'ACK': 0x10, 'PSH': 0x08, 'FIN': 0x01, 'RST': 0x04, 'URG': 0x20,
             'ECE': 0x40, 'CWR': 0x80}


def decoded_segment(skb_text):
    m = re.search(r'TCP: (\d+) > (\d+), flags \[([A-Z,]*)\], seq (\d+), ack (\d+), win (\d+)',
                  skb_text)
    flags = sum(FLAG_BITS[f] for f in m.group(3).split(',') if f)
    plen = int(re.search(r'payload (\d+) bytes', skb_text).group(1))
    return (int(m.group(1)), int(m.group(2)), flags, int(m.group(4)), int(m.group(5)),
            int(m.group(6)), plen)


def test_helpers_decode_what_arrived(tmp_path):
    pcap = str(tmp_path / 'tap.pcap')
    with NetNS() as ns:
        mac = re.search(r'link/ether ([0-9a-f:]+)',
                        ns.run(['ip', 'link', 'show', ns.tap]).stdout).group(1)
        dump = ns.popen(['tcpdump', '-i', ns.tap, '-U', '-w', pcap, 'tcp'],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        m = MenuOS(gdb=True, nic='virtio', netdev=('tap', ns.tap), netns=ns.name, timeout=120)
        m.start()
        env = dict(os.environ, MENUOS_GDB_PORT=str(m.gdb_port),
                   MENUOS_ELF=build_path('menuos.elf'))
        # QEMU's gdb stub listens on the namespace's loopback: gdb runs there too
        g = ns.popen(['gdb', '-q', '-batch', '-nx', '-x', 'tests/menuos.gdb', '-x',
                      'tests/qemu/gdb_helpers_probe.py', '-ex', 'continue'],
                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     text=True)
        try:
            m.wait_prompt(timeout=240)
            assert 'Please input hello...' in m.cmd('replyhi', timeout=120)
            # the host says hello, as the lab's client does
            client = ns.run(['/usr/bin/python3', '-c',
                             'import socket; s = socket.create_connection(("10.0.2.15", 5001),'
                             ' timeout=60); s.sendall(b"hello"); print(s.recv(10)); s.close()'],
                            timeout=120)
            assert "b'hi'" in client.stdout, client.stderr
            time.sleep(2)
        finally:
            m.close()
            text, _ = g.communicate(timeout=60)
            time.sleep(0.5)
            dump.terminate()
            dump.wait(timeout=10)
    # QEMU's gdb stub can report one stop twice (an interrupt as gdb steps
    # over the breakpoint): a segment seen twice in a row, on both sides, once
    def once(segs):
        return [s for i, s in enumerate(segs) if i == 0 or s != segs[i - 1]]
    arrived = once(captured_segments(pcap))
    decoded = once([decoded_segment(b) for b in blocks(text, 'SKB')])
    assert len(arrived) >= 4, arrived          # SYN, ACK, "hello", FIN (and ACKs)
    assert decoded == arrived, (decoded, arrived, text[-3000:])
    syn = blocks(text, 'SKB')[0]
    assert re.search(r'IPv4: 10\.0\.2\.2 > 10\.0\.2\.15, TCP, ttl 64', syn), syn
    # Linux's SYN options, decoded
    assert re.search(r'options \[mss 1460,sackOK,TS val \d+ ecr 0,nop,wscale \d+\]', syn), syn
    assert 'Ethernet: %s > 52:54:00:12:34:56, type 0x0800' % mac in syn, syn
    hello = [b for b in blocks(text, 'SKB') if 'payload 5' in b][0]
    assert "payload 5 bytes: b'hello'" in hello, hello
    h = decoded_segment(hello)
    # the socket table, and that connection's state just before "hello" is taken in
    socks = blocks(text, 'SOCKETS')[0]
    assert re.search(r'^3\s+tcp\s+LISTEN\s+0\.0\.0\.0:5001', socks, re.M), socks
    assert re.search(r'ESTABLISHED\s+10\.0\.2\.15:5001\s+10\.0\.2\.2:%d\s' % h[0], socks), socks
    tcp = blocks(text, 'TCP')[0]
    assert 'state ESTABLISHED  10.0.2.15:5001 -> 10.0.2.2:%d' % h[0] in tcp, tcp
    assert 'rcv_nxt %d ' % h[3] in tcp, (tcp, h)      # the next byte expected is hello's first
    assert 'snd_nxt %d ' % h[4] in tcp, (tcp, h)      # the host acknowledged all we sent
    assert 'relative 1' in tcp
    route = blocks(text, 'ROUTE')[0]
    assert re.search(r'^10\.0\.2\.0/24\s+\*\s+eth0', route, re.M), route
    assert re.search(r'^0\.0\.0\.0/0\s+10\.0\.2\.2\s+eth0', route, re.M), route
    arp = blocks(text, 'ARP')[0]
    assert re.search(r'^10\.0\.2\.2\s+%s\s+eth0\s+reachable' % mac, arp, re.M), arp


def test_help_menuos_lists_the_helpers():
    r = subprocess.run(['gdb', '-q', '-batch', '-nx', '-ex', 'source tests/menuos_gdb.py',
                        '-ex', 'help menuos'], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    for cmd in ('menuos-sockets', 'menuos-tcp SK', 'menuos-skb SKB', 'menuos-route',
                'menuos-arp'):
        assert cmd in r.stdout, r.stdout
