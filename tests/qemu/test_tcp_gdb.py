"""The Linux lab under gdb: QEMU -S with its gdb stub, breakpoints on the socket calls and the
TCP functions, `replyhi` then `hello` typed on the console; the breakpoints are
hit in handshake order."""
import os
import re
import subprocess
import tempfile
import time

from menuos import MenuOS, ROOT, _free_tcp_port, build_path

BREAKS = ['__sys_socket', '__sys_bind', '__sys_listen', '__sys_accept4', '__sys_connect',
          'tcp_v4_connect', 'tcp_connect', 'tcp_transmit_skb', 'tcp_v4_rcv',
          'tcp_conn_request', 'tcp_v4_send_synack', 'tcp_rcv_synsent_state_process',
          'tcp_check_req', 'inet_csk_accept']


def gdb_script(path, port):
    lines = ['set pagination off', 'set confirm off', 'set architecture i386:x86-64',
             'file %s' % os.path.join(ROOT, build_path('menuos.elf')),
             'target remote localhost:%d' % port]
    for b in BREAKS:
        lines += ['break %s' % b, 'commands', 'silent', 'printf "HIT %s\\n"' % b, 'continue',
                  'end']
    lines += ['continue']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def first(hits, name, start=0):
    return hits.index(name, start)


def test_handshake_breakpoints_in_order():
    m = MenuOS(gdb=True, timeout=120)
    m.start()
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, 'tcp.gdb')
        gdb_script(script, m.gdb_port)
        g = subprocess.Popen(['gdb', '-q', '-batch', '-nx', '-x', script], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            m.wait_prompt(timeout=240)
            out = m.cmd('replyhi', timeout=120)
            assert 'Please input hello...' in out, out
            out = m.cmd('hello', timeout=120)
            assert 'recv "hi" from 127.0.0.1:5001' in out, out
            time.sleep(1)
        finally:
            m.close()
            text, _ = g.communicate(timeout=60)
    hits = re.findall(r'^HIT (\S+)', text, re.M)
    for b in BREAKS:
        assert b in hits, (b, text[-3000:])
    # replyhi: socket, bind, listen, then accept waits
    s = first(hits, '__sys_socket')
    assert s < first(hits, '__sys_bind') < first(hits, '__sys_listen') < \
        first(hits, '__sys_accept4') <= first(hits, 'inet_csk_accept'), hits
    # hello: socket, connect -> tcp_v4_connect -> tcp_connect -> tcp_transmit_skb (SYN)
    c = first(hits, '__sys_connect')
    assert first(hits, '__sys_socket', s + 1) < c, hits
    assert c < first(hits, 'tcp_v4_connect') < first(hits, 'tcp_connect') < \
        first(hits, 'tcp_transmit_skb', c), hits
    # the SYN arrives: tcp_v4_rcv -> tcp_conn_request -> tcp_v4_send_synack
    syn = first(hits, 'tcp_v4_rcv', c)
    assert syn < first(hits, 'tcp_conn_request') < first(hits, 'tcp_v4_send_synack'), hits
    # the SYN-ACK arrives at the client, which ACKs; the ACK completes the request
    sa = first(hits, 'tcp_rcv_synsent_state_process')
    assert first(hits, 'tcp_v4_send_synack') < sa < first(hits, 'tcp_check_req'), hits
    assert first(hits, 'tcp_v4_rcv', first(hits, 'tcp_v4_send_synack')) < sa, hits
