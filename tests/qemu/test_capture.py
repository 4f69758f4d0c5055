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


def tcp_fields(pcap, server_port=None):
    """One tuple per TCP segment: (sender, receiver, flags, relative seq,
    relative ack, payload); a sender is its address, or 'client'/'server'
    when server_port tells them apart (both ends are 127.0.0.1 on lo)."""
    out = tshark(pcap, '-Y', 'tcp', '-T', 'fields', '-E', 'separator=|',
                 '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.srcport', '-e', 'tcp.flags.str',
                 '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.payload')
    rows = []
    for line in out.splitlines():
        src, dst, sport, flags, seq, ack, payload = line.split('|')
        if server_port:
            src, dst = (('server', 'client') if int(sport) == server_port
                        else ('client', 'server'))
        rows.append((src, dst, flags.replace('\u00b7', '.'), int(seq), int(ack or 0),
                     bytes.fromhex(payload.replace(':', ''))))
    return rows


def check_hello_capture(pcap, client, server, server_port=None):
    if server_port:
        client, server = 'client', 'server'
    rows = tcp_fields(pcap, server_port)
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
        assert hello_through(port, until_eof=True) == b'hi'
        p.expect(r'send "hi" to 10\.0\.2\.2:\d+')
        p.send('sleep 1\r')         # the FIN exchange has finished
        p.expect_exact(PROMPT)
        p.send('quit\r')
        p.expect(pexpect.EOF)
    finally:
        p.close(force=True)
    assert os.path.getsize(pcap) > 0
    check_hello_capture(pcap, client='10.0.2.2', server='10.0.2.15')


def test_guest_capture_of_loopback_hello(tmp_path):
    """`capture start any` in the guest, replyhi + hello over lo (which never
    touches a NIC), streamed out over COM2 by --pcap-guest."""
    pcap = str(tmp_path / 'lo.pcap')
    p = spawn(['--direct', '--accel', 'tcg', '--nic', 'none', '--pcap-guest', pcap])
    try:
        p.expect_exact(PROMPT)
        p.send('capture start any\r')
        p.expect_exact('capture: recording any (Linux cooked capture) to COM2')
        p.expect_exact(PROMPT)
        p.send('replyhi\r')
        p.expect_exact(PROMPT)
        p.send('hello\r')
        p.expect_exact('recv "hi" from 127.0.0.1:5001')
        p.expect_exact(PROMPT)
        p.send('sleep 500\r')       # the FIN exchange has finished
        p.expect_exact(PROMPT)
        p.send('capture stop\r')
        p.expect(r'capture: stopped: (\d+) frames, (\d+) dropped, \d+ bytes, 0 not yet sent')
        frames, dropped = int(p.match.group(1)), int(p.match.group(2))
        p.expect_exact(PROMPT)
        p.send('quit\r')
        p.expect(pexpect.EOF)
    finally:
        p.close(force=True)
    assert dropped == 0 and frames >= 9
    assert tshark(pcap, '-q', '-z', 'io,stat,0').count('|') > 0
    count = len(tshark(pcap, '-T', 'fields', '-e', 'frame.number').split())
    assert count == frames
    assert 'Linux cooked' in tshark(pcap, '-V', '-c', '1')
    check_hello_capture(pcap, client=None, server=None, server_port=5001)


def test_capture_errors(tmp_path):
    p = spawn(['--direct', '--accel', 'tcg', '--nic', 'none'])   # no COM2
    try:
        p.expect_exact(PROMPT)
        for line, msg in (('capture start', 'capture: no COM2 to stream to'),
                          ('capture start eth9', 'capture: no interface eth9'),
                          ('capture start lo -c', 'usage: capture start'),
                          ('capture start lo -c zero', "capture: -c takes a frame count above 0, not 'zero'"),
                          ('capture bogus', 'usage: capture start')):
            p.send(line + '\r')
            p.expect_exact(msg)
            p.expect_exact(PROMPT)
        p.send('quit\r')
        p.expect(pexpect.EOF)
    finally:
        p.close(force=True)
