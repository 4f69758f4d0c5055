"""replyhi and hello over loopback, as in the Linux lab: the exact console lines,
errors in words, Ctrl-C, and the socket counter back where it was afterwards."""
import re
import time


def test_replyhi_hello_lines(shell):
    out = shell.cmd('replyhi')
    assert 'Please input hello...' in out, out
    out = shell.cmd('hello')
    port = re.search(r'recv "hello" from 127\.0\.0\.1:(\d+)', out)
    assert port, out
    p = port.group(1)
    assert 'send "hi" to 127.0.0.1:%s' % p in out, out
    assert 'send "hello" to 127.0.0.1:5001' in out, out
    assert 'recv "hi" from 127.0.0.1:5001' in out, out
    # the client's lines come in order, the server's too
    assert out.index('send "hello" to') < out.index('recv "hi" from'), out
    assert out.index('recv "hello" from') < out.index('send "hi" to'), out


def test_second_replyhi_says_running(shell):
    shell.cmd('replyhi')
    out = shell.cmd('replyhi')
    assert 'already running' in out, out


def test_silent_replyhi_beside_the_other(shell):
    shell.cmd('replyhi')
    assert 'Please input hello...' in shell.cmd('replyhi -q 5004')
    out = shell.cmd('hello 127.0.0.1 5004')
    assert 'recv "hi" from 127.0.0.1:5004' in out, out
    # -q: the server printed neither of its per-connection lines
    assert 'recv "hello" from' not in out and 'send "hi" to' not in out, out
    out = shell.cmd('hello')
    assert re.search(r'recv "hello" from 127\.0\.0\.1:\d+', out), out
    assert 'already running (port 5004)' in shell.cmd('replyhi -q 5004')
    assert 'usage: replyhi [-q] [PORT]' in shell.cmd('replyhi -x')
    assert 'usage: replyhi [-q] [PORT]' in shell.cmd('replyhi 70000')


def test_many_hellos_and_netstat(shell):
    shell.cmd('replyhi')
    for _ in range(20):
        out = shell.cmd('hello 127.0.0.1 5001')
        assert 'recv "hi" from 127.0.0.1:5001' in out, out
    out = shell.cmd('netstat')
    assert re.search(r'tcp\s+0\.0\.0\.0:5001\s+0\.0\.0\.0:\*\s+LISTEN', out), out
    # the server closes first, so its side of each connection waits in TIME_WAIT
    assert 'TIME_WAIT' in out, out
    out = shell.cmd('netstat -s')
    assert re.search(r'active_opens [1-9]\d* passive_opens [1-9]', out), out
    out = shell.cmd('netstat -i')
    assert re.search(r'^lo\b', out, re.M), out


def test_hello_refused(shell):
    out = shell.cmd('hello 127.0.0.1 5999')
    assert 'hello: connect to 127.0.0.1:5999 failed: Connection refused' in out, out


def test_hello_unreachable(shell):
    out = shell.cmd('hello 192.0.2.1 5001')
    assert 'hello: connect to 192.0.2.1:5001 failed:' in out, out
    assert 'unreachable' in out, out


def test_hello_usage(shell):
    out = shell.cmd('hello 1.2.3')
    assert 'usage: hello [IP [PORT]]' in out, out


def trace_lines(out):
    """tcptrace's lines with their continuation lines (indented) joined on."""
    lines = []
    for l in out.splitlines():
        if l.startswith('         ') and lines:
            lines[-1] += ' ' + l.strip()
        else:
            lines.append(l)
    return lines


def test_tcptrace_fits_80_columns_and_reads_like_wireshark(shell):
    shell.cmd('replyhi')
    shell.cmd('tcptrace on')
    out = shell.cmd('hello')
    shell.cmd('tcptrace off')
    assert all(len(l) < 80 for l in out.splitlines()), out
    lines = [l for l in trace_lines(out) if ' out ' in l]
    # relative numbers from the first segment on, as Wireshark shows them
    assert re.search(r'Flags \[S\], seq 0, win 65535, options \[mss 65495,nop,nop,sackOK,nop,'
                     r'wscale \d+\], length 0$', lines[0]), out
    assert re.search(r'Flags \[S\.\], seq 0, ack 1, win 65535,', lines[1]), out
    # after the handshake the window is scaled (Wireshark's calculated window)
    win = int(re.search(r'win (\d+)', lines[2]).group(1))
    assert win > 65535, lines[2]
    assert shell.cmd('tcptrace on -S') == 'tcptrace is on (absolute sequence numbers)'
    out = shell.cmd('hello')
    shell.cmd('tcptrace off')
    syn = [l for l in trace_lines(out) if ' out ' in l][0]
    isn = int(re.search(r'seq (\d+)', syn).group(1))
    assert any('seq %d, ack' % (isn + 1) in l for l in trace_lines(out)), out
    assert shell.cmd('tcptrace on -X') == 'usage: tcptrace [on [-S] | off]'


def test_tcptrace_handshake_and_teardown(shell):
    shell.cmd('replyhi')
    shell.cmd('tcptrace on')
    out = shell.cmd('hello')
    shell.cmd('tcptrace off')
    outs = [l for l in trace_lines(out) if ' out ' in l]
    flags = [re.search(r'Flags \[([^\]]*)\]', l).group(1) for l in outs]
    # SYN, SYN-ACK, ACK, then data, then the FIN exchange
    assert flags[:3] == ['S', 'S.', '.'], out
    assert 'P.' in flags and 'F.' in flags, out
    assert 'options [mss 65495,nop,nop,sackOK,nop,wscale' in outs[0], out
    assert re.search(r'Flags \[S\.\], seq \d+, ack \d+', outs[1]), out
    assert 'seq 1, ack 1,' in outs[2], out
    assert 'seq 1:6, ack 1,' in out, out    # "hello", relative numbers


def test_sink_and_send(shell):
    out = shell.cmd('sink 5002')
    assert 'discarding on port 5002' in out, out
    out = shell.cmd('send 127.0.0.1 5002 2')
    assert re.search(r'send: 2097152 bytes to 127\.0\.0\.1:5002 in \d+ ms, \d+\.\d{3} Mbit/s', out), out
    # the sink task prints when the stream ends: before or after the prompt
    if not re.search(r'sink: 2097152 bytes from 127\.0\.0\.1:\d+', out):
        shell.expect(r'sink: 2097152 bytes from 127\.0\.0\.1:\d+')


def test_sink_counts_only(shell):
    assert 'discarding on port 5006' in shell.cmd('sink -n 5006')
    out = shell.cmd('send 127.0.0.1 5006 1')
    assert 'send: 1048576 bytes to 127.0.0.1:5006' in out, out
    line = r'sink: 1048576 bytes from 127\.0\.0\.1:\d+ in \d+ ms([^\r\n]*)\r?\n'
    m = re.search(line, out)
    if not m:  # the sink task prints when the stream ends: maybe after the prompt
        shell.expect(line)
        m = shell.child.match
    # -n: counted, not hashed
    assert m.group(1).strip() == '', m.group(0)
    for bad in ('sink -n', 'sink -x 5007', 'sink -n 0', 'sink 5007 5008'):
        assert 'usage: sink [-n] PORT' in shell.cmd(bad), bad


def sockets_in_use(m):
    return int(re.search(r'sockets in use: (\d+)', m.cmd('netstat')).group(1))


def skbs_in_use(m):
    return int(re.search(r'(\d+) in use', m.cmd('skb')).group(1))


def test_sockets_return_after_time_wait(boot):
    m = boot(append='tcp_msl_ms=1000')
    m.cmd('replyhi')
    before, skb_before = sockets_in_use(m), skbs_in_use(m)
    for _ in range(5):
        assert 'recv "hi"' in m.cmd('hello')
    assert sockets_in_use(m) == before + 5       # five TIME_WAIT socks (server side)
    time.sleep(3)                                # 2*MSL = 2 s
    assert sockets_in_use(m) == before
    assert skbs_in_use(m) == skb_before


def test_ctrl_c_interrupts_hello(boot):
    m = boot()
    # a listener that never accepts nor answers would still complete the
    # handshake; a SYN to an address on a silent network hangs in SYN_SENT
    m.cmd('route add 192.0.2.0/24 dev lo')
    m.sendline('hello 192.0.2.1 5001')
    m.expect(r'hello 192\.0\.2\.1 5001')
    m.send('\x03')
    m.expect(r'interrupted|failed')
    m.wait_prompt()
