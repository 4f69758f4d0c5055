"""Packet captures a student opens in Wireshark: ./run-qemu.sh --pcap FILE
records the guest NIC's frames (QEMU's filter-dump on the netdev)."""
import os
import subprocess

import pexpect

from menuos import ROOT, PROMPT
from test_run_script import spawn, forwarded_port, hello_through


def tshark(pcap, *args):
    r = subprocess.run(['tshark', '-r', pcap] + list(args), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def tcp_fields(pcap):
    """One tuple per TCP segment: (src, dst, flags, relative seq, relative ack, payload)."""
    out = tshark(pcap, '-Y', 'tcp', '-T', 'fields', '-E', 'separator=|',
                 '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.flags.str', '-e', 'tcp.seq',
                 '-e', 'tcp.ack', '-e', 'tcp.payload')
    rows = []
    for line in out.splitlines():
        src, dst, flags, seq, ack, payload = line.split('|')
        rows.append((src, dst, flags.replace('\u00b7', '.'), int(seq), int(ack or 0),
                     bytes.fromhex(payload.replace(':', ''))))
    return rows


def check_hello_capture(pcap, client, server):
    rows = tcp_fields(pcap)
    syn = [r for r in rows if r[0] == client and 'S' in r[2] and 'A' not in r[2]]
    synack = [r for r in rows if r[0] == server and 'S' in r[2] and 'A' in r[2]]
    assert syn and synack, rows
    # relative numbers: the SYN-ACK acknowledges seq + 1, and so does the third segment
    assert synack[0][4] == syn[0][3] + 1
    third = rows[rows.index(synack[0]) + 1]
    assert third[0] == client and third[2].strip('.') == 'A' or 'A' in third[2]
    assert third[4] == synack[0][3] + 1
    payloads = [(r[0], r[5]) for r in rows if r[5]]
    assert (client, b'hello') in payloads and (server, b'hi') in payloads, payloads
    fins = [r for r in rows if 'F' in r[2]]
    assert {r[0] for r in fins} == {client, server}, rows
    # no bad checksums, no malformed frames, no expert warnings (Dup ACK, ...)
    assert tshark(pcap, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
                  '-Y', 'tcp.checksum.status == 2 || ip.checksum.status == 2 || _ws.malformed') == ''
    expert = tshark(pcap, '-q', '-z', 'expert,note')
    assert 'Warns (' not in expert and 'Errors (' not in expert, expert
    for complaint in ('Duplicate ACK', 'Retransmission', 'Out-Of-Order', 'not captured',
                      'Zero window', 'Window full'):
        assert complaint not in expert, expert
    follow = tshark(pcap, '-q', '-z', 'follow,tcp,ascii,0')
    assert 'hello' in follow and 'hi' in follow, follow


def test_pcap_of_a_host_hello(tmp_path):
    pcap = str(tmp_path / 'hello.pcap')
    p = spawn(['--direct', '--accel', 'tcg', '--pcap', pcap])
    try:
        port = forwarded_port(p)
        p.send('replyhi\r')
        p.expect_exact('Please input hello...')
        assert hello_through(port) == b'hi'
        p.expect(r'send "hi" to 10\.0\.2\.2:\d+')
        p.send('sleep 1\r')         # the FIN exchange has finished
        p.expect_exact(PROMPT)
        p.send('quit\r')
        p.expect(pexpect.EOF)
    finally:
        p.close(force=True)
    assert os.path.getsize(pcap) > 0
    check_hello_capture(pcap, client='10.0.2.2', server='10.0.2.15')
