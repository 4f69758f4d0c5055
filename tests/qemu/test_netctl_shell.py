"""What the shell reads through net/netctl.h and kernel/uapi.h: the TCP state
of netstat -e, the TCP tunables from the kernel command line (applied by
net_init, reported when malformed; the TIME-WAIT bound), and lspci's records."""
import re


def test_netstat_e_shows_tcp_state(shell):
    shell.cmd('replyhi')
    out = shell.cmd('hello')
    port = re.search(r'recv "hello" from 127\.0\.0\.1:(\d+)', out)
    assert port, out
    out = shell.cmd('netstat -e')
    # the server closed first: its side waits in TIME_WAIT, every byte acked
    row = re.search(r'^tcp\s+127\.0\.0\.1:5001\s+127\.0\.0\.1:%s\s+TIME_WAIT.*\n'
                    r'\s+snd_una (\d+) snd_nxt (\d+) rcv_nxt (\d+) snd_wnd (\d+) rcv_wnd (\d+) '
                    r'wscale \d+,\d+( sack)?\n'
                    r'\s+mss (\d+) cwnd (\d+) ssthresh (\d+) rto (\d+) srtt (\d+) rttvar (\d+) '
                    r'backoff (\d+)' % port.group(1), out, re.M)
    assert row, out
    snd_una, snd_nxt, rcv_nxt, snd_wnd = (int(row.group(i)) for i in (1, 2, 3, 4))
    mss, cwnd, rto = int(row.group(7)), int(row.group(8)), int(row.group(10))
    assert snd_una == snd_nxt and rcv_nxt != 0 and snd_wnd > 0, out
    assert mss > 0 and cwnd >= mss, out
    assert rto >= 200, out  # tcp_rto_min_ms, Linux's default
    # a listener has no connection state to show
    listen = re.search(r'^tcp\s+0\.0\.0\.0:5001\s+0\.0\.0\.0:\*\s+LISTEN.*\n(.*)', out, re.M)
    assert listen and not listen.group(1).lstrip().startswith('snd_una'), out
    assert 'usage: netstat [-i | -s | -e]' in shell.cmd('netstat -x')


def test_tcp_tunables_from_command_line(boot):
    m = boot(append='tcp_msl_ms=1500 tcp_rto_min_ms=abc')
    assert 'net: bad tcp_rto_min_ms=abc, keeping 200' in m.transcript, m.tail()
    assert 'net: bad tcp_msl_ms' not in m.transcript, m.tail()
    m.cmd('replyhi')
    out = m.cmd('hello')
    assert 'recv "hi" from 127.0.0.1:5001' in out, out
    assert 'TIME_WAIT' in m.cmd('netstat')
    # 2*MSL = 3 s: the TIME_WAIT sock is gone well before Linux's 60 s
    m.cmd('sleep 4000', timeout=30)
    assert 'TIME_WAIT' not in m.cmd('netstat')


def test_time_wait_bound_from_command_line(boot):
    # room for two TIME-WAIT socks: replyhi closes first, so the third and
    # fourth connection skip TIME-WAIT, counted and said once on the console
    m = boot(append='tcp_max_tw_buckets=2')
    m.cmd('replyhi')
    for _ in range(4):
        out = m.cmd('hello')
        assert 'recv "hi" from 127.0.0.1:5001' in out, out
    m.cmd('sleep 100')
    assert len(re.findall(r'^tcp\s+127\.0\.0\.1:5001\s.*TIME_WAIT', m.cmd('netstat'), re.M)) == 2
    out = m.cmd('netstat -s')
    assert re.search(r'time_wait_overflow 2$', out, re.M), out
    assert m.transcript.count('TCP: time wait bucket table overflow') == 1, m.tail()


def test_lspci_records(shell):
    lines = shell.cmd('lspci').split('\n')
    assert lines and lines[0], lines
    for line in lines:
        assert re.fullmatch(r'[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [0-9a-f]{4}:[0-9a-f]{4} '
                            r'class [0-9a-f]{2}:[0-9a-f]{2} driver \S+', line), line
    # QEMU's i440FX host bridge is always at 00:00.0, without a driver
    assert lines[0].startswith('00:00.0 8086:1237 class 06:00 driver -'), lines


def pktstat_rows(out):
    rows = dict((m.group(1), (int(m.group(2)), int(m.group(3)), int(m.group(5))))
                for m in re.finditer(r'^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$', out, re.M))
    assert set(rows) == {'napi_poll', 'gro_receive', 'ip_rcv', 'tcp_v4_rcv', 'tcp_data_queue',
                         'recvmsg_copy', 'ack_xmit', 'nic_reg'}, out
    return rows


def test_pktstat_counts_traffic_and_resets(shell):
    out = shell.cmd('pktstat on')
    assert 'pktstat is on' in out, out
    shell.cmd('pktstat reset')
    shell.cmd('replyhi')
    out = shell.cmd('hello')
    assert 'recv "hi" from 127.0.0.1:5001' in out, out
    rows = pktstat_rows(shell.cmd('pktstat'))
    # loopback frames go through the backlog's NAPI poll into IP and TCP
    for stage in ('napi_poll', 'ip_rcv', 'tcp_v4_rcv', 'tcp_data_queue', 'recvmsg_copy'):
        calls, ns, nbytes = rows[stage]
        assert calls > 0 and ns > 0, (stage, rows)
    assert rows['recvmsg_copy'][2] >= len('hello') + len('hi'), rows
    out = shell.cmd('pktstat reset')
    assert all(v == (0, 0, 0) for v in pktstat_rows(out).values()), out
    out = shell.cmd('pktstat off')
    assert 'pktstat is off' in out, out
    shell.cmd('hello')
    assert all(v == (0, 0, 0) for v in pktstat_rows(shell.cmd('pktstat')).values())
    out = shell.cmd('pktstat bench 4096 4')
    assert re.search(r'memcpy\s+\d+\.\d ns/KiB\n.*memset.*\n.*csum\s+\d+\.\d ns/KiB', out), out
    assert 'pktstat bench: Invalid argument' in shell.cmd('pktstat bench 0')
    assert 'usage: pktstat' in shell.cmd('pktstat frob')
