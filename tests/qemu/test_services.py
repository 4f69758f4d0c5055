"""The services against Debian's stock clients, over a tap device in a network
namespace this test creates (guest 10.0.2.15, host 10.0.2.2): iperf3 -c
(TCP, -R, -P 4, -u -b 50M, with -J parsed), unsupported options answered
with iperf3's own error, the guest's iperf3 -c against a host iperf3 -s;
curl on /, /stats.json and /bytes/10000000, the HTTP/1.1 rules on a raw
socket (pipelining, HEAD, status codes, timeouts), ab -k with no failed
request, and slowloris and a flood of idle connections leaving the server
answering curl.  Needs root, iperf3, curl and ab (apache2-utils).

Run as a script inside the namespace, this file is the host's side of the
abuse tests:
  test_services.py slowloris IP PORT N SECONDS   N connections each sending
                                                 a header byte every 2 s
  test_services.py flood IP PORT N               N connection attempts, kept
                                                 open idle, then closed
"""
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

GUEST = '10.0.2.15'
HOST = '10.0.2.2'
PATTERN_PERIOD = 26  # /bytes/N: byte k is 'a' + k % 26


def pattern(n):
    unit = bytes(ord('a') + i for i in range(PATTERN_PERIOD))
    return (unit * (n // PATTERN_PERIOD + 1))[:n]


# ---- the host's side of the abuse tests (run in the namespace) ----

def slowloris(ip, port, n, seconds):
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection((ip, port), timeout=5)
            s.setblocking(False)
            socks.append(s)
        except OSError:
            pass
    head = b'GET / HTTP/1.1\r\nHost: x\r\nX-a: ' + b'b' * 10000
    pos = 0
    end = time.time() + seconds
    closed = 0
    while time.time() < end:
        for s in list(socks):
            try:
                s.recv(4096)  # the server's answer (a 408) or its FIN: this one is over
                ended = True
            except BlockingIOError:
                ended = False
            except OSError:
                ended = True
            if not ended:
                try:
                    s.send(head[pos:pos + 1])
                except OSError:
                    ended = True
            if ended:
                socks.remove(s)
                s.close()
                closed += 1
        pos += 1
        time.sleep(2)
    print('opened %d closed_by_server %d' % (len(socks) + closed, closed))
    for s in socks:
        s.close()


def flood(ip, port, n):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 256), hard))
    socks, ok, failed = [], 0, 0
    for _ in range(n):
        s = socket.socket()
        s.settimeout(3)
        try:
            s.connect((ip, port))
            ok += 1
            socks.append(s)
        except OSError:
            failed += 1
            s.close()
    print('connected %d failed %d' % (ok, failed))
    for s in socks:
        s.close()


if __name__ == '__main__':
    if sys.argv[1] == 'slowloris':
        slowloris(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    else:
        flood(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    sys.exit(0)

import pexpect  # noqa: E402
import pytest  # noqa: E402

from menuos import MenuOS, NetNS  # noqa: E402

SELF = [sys.executable, os.path.abspath(__file__)]

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason='network namespaces need root'),
    pytest.mark.skipif(not all(shutil.which(t) for t in ('iperf3', 'curl', 'ab')),
                       reason='iperf3, curl and ab (apache2-utils) are needed'),
]


@pytest.fixture(scope='module')
def guest():
    with NetNS() as ns:
        # a short MSL and FIN-WAIT-2 timeout, so that the connections the
        # server closes leave TIME_WAIT and FIN-WAIT-2 soon
        with MenuOS(mem=128, nic='virtio', netdev=('tap', ns.tap), netns=ns.name,
                    append='tcp_msl_ms=2000 tcp_fin_timeout_ms=5000', timeout=120) as m:
            assert 'Server listening on 5201' in m.cmd('iperf3 -s')
            assert 'httpd: serving on port 80' in m.cmd('httpd')
            yield ns, m


def run_host(m, ns, argv, timeout):
    """Runs argv in the namespace while reading the guest's console (its
    serial output blocks once the pty is full and nobody reads it)."""
    p = ns.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + timeout
    while p.poll() is None and time.time() < deadline:
        m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
    if p.poll() is None:
        p.kill()
    out, err = p.communicate()
    return p.returncode, out, err


def iperf_json(m, ns, args, timeout=90):
    rc, out, err = run_host(m, ns, ['iperf3', '-c', GUEST, '-J'] + args, timeout)
    assert rc == 0, (out + err).decode(errors='replace')
    doc = json.loads(out)
    assert 'error' not in doc, doc['error']
    return doc


# ---- iperf3 ----

def test_iperf_tcp(guest):
    ns, m = guest
    doc = iperf_json(m, ns, ['-t', '3'])
    sent, recv = doc['end']['sum_sent'], doc['end']['sum_received']
    assert sent['bytes'] > 1000000
    # what the guest says it received: at most what was sent, and most of it
    assert 0.5 * sent['bytes'] < recv['bytes'] <= sent['bytes']
    # the guest's own clock times its half (its TSC calibration varies under load)
    assert recv['seconds'] > 0
    assert recv['bits_per_second'] > 1e6
    m.expect(r'iperf3: 10\.0\.2\.2 TCP, 1 stream, received (\d+) bytes')
    assert int(m.child.match.group(1)) == recv['bytes']


def test_iperf_reverse(guest):
    ns, m = guest
    doc = iperf_json(m, ns, ['-t', '3', '-R'])
    sent, recv = doc['end']['sum_sent'], doc['end']['sum_received']
    assert doc['start']['test_start']['reverse'] == 1
    assert recv['bytes'] > 1000000
    assert sent['bytes'] >= recv['bytes'] * 0.9
    assert sent['retransmits'] >= 0  # the guest reports its own retransmissions
    m.expect(r'iperf3: 10\.0\.2\.2 TCP, 1 stream, sent \d+ bytes')


def test_iperf_parallel(guest):
    ns, m = guest
    doc = iperf_json(m, ns, ['-t', '3', '-P', '4'])
    streams = doc['end']['streams']
    assert len(streams) == 4
    for s in streams:
        assert s['receiver']['bytes'] > 0
    total = sum(s['receiver']['bytes'] for s in streams)
    assert total == doc['end']['sum_received']['bytes']
    m.expect(r'iperf3: 10\.0\.2\.2 TCP, 4 streams, received')


def test_iperf_udp(guest):
    ns, m = guest
    doc = iperf_json(m, ns, ['-t', '3', '-u', '-b', '50M'])
    s = doc['end']['sum']
    assert s['packets'] > 1000  # 50 Mbit/s of 1448-byte datagrams for 3 s
    assert 0 <= s['lost_packets'] <= s['packets']
    assert 0 <= s['lost_percent'] <= 100
    assert 0 <= s['jitter_ms'] < 1000
    sent = doc['end']['streams'][0]['udp']
    assert sent['bytes'] > 0
    m.expect(r'iperf3: 10\.0\.2\.2 UDP, 1 stream, received \d+ bytes .*, lost (\d+)/(\d+)')
    lost, highest = int(m.child.match.group(1)), int(m.child.match.group(2))
    # the loss the client shows is the guest's count; the total is what the
    # client sent (datagrams lost after the last one that arrived are not seen)
    assert lost == s['lost_packets']
    assert highest <= s['packets']


@pytest.mark.parametrize('option,message', [
    (['--bidir'], 'an option you are trying to set is not implemented yet'),
    (['-C', 'reno'], 'unable to set TCP_CONGESTION'),
    (['-S', '16'], 'unable to set IP TOS'),
])
def test_iperf_unsupported_option(guest, option, message):
    """The client prints iperf3's own error, at once, and the server goes on."""
    ns, m = guest
    t0 = time.time()
    rc, out, err = run_host(m, ns, ['iperf3', '-c', GUEST, '-t', '2'] + option, 30)
    text = (out + err).decode(errors='replace')
    assert rc != 0 and message in text, text
    assert time.time() - t0 < 10
    doc = iperf_json(m, ns, ['-t', '1'])
    assert doc['end']['sum_received']['bytes'] > 0


def test_iperf_busy(guest):
    """A second client during a test gets ACCESS_DENIED, as from iperf3."""
    ns, m = guest
    first = ns.popen(['iperf3', '-c', GUEST, '-t', '4'], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
    time.sleep(1.5)
    rc, out, err = run_host(m, ns, ['iperf3', '-c', GUEST, '-t', '1'], 30)
    text = (out + err).decode(errors='replace')
    assert rc != 0 and 'the server is busy running a test' in text, text
    deadline = time.time() + 30
    while first.poll() is None and time.time() < deadline:
        m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
    assert first.wait(timeout=5) == 0


@pytest.mark.parametrize('opts', ['', ' -R', ' -P 2', ' -u -b 20M', ' -u -b 5M -R'])
def test_guest_client_to_host_server(guest, opts):
    """The guest's iperf3 -c against Debian's iperf3 -s: both print a summary
    and agree on the bytes."""
    ns, m = guest
    reverse, udp = '-R' in opts, '-u' in opts
    srv = ns.popen(['iperf3', '-s', '-1', '-p', '5202', '-J'], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)
        out = m.cmd('iperf3 -c %s -p 5202 -t 2%s' % (HOST, opts), timeout=60)
        assert 'iperf Done.' in out, out
        rows = re.findall(r'\[(?: *\d+|SUM)\] +0\.00-\d+\.\d+ +sec +[\d.]+ \w?Bytes +[\d.]+ '
                          r'\w?bits/sec.*(sender|receiver)', out)
        assert rows == ['sender', 'receiver'], out
        doc = json.loads(srv.communicate(timeout=30)[0])
        assert 'error' not in doc, doc['error']
        assert doc['start']['test_start']['num_streams'] == (2 if '-P 2' in opts else 1)
        assert doc['start']['test_start']['protocol'] == ('UDP' if udp else 'TCP')
        end = doc['end']['sum_sent' if reverse else 'sum_received']
        assert end['bytes'] > 100000
        if udp and not reverse:
            # the host counted the guest's datagrams and found its sequence numbers in order
            assert end['packets'] > 0 and 0 <= end['lost_packets'] <= end['packets']
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()


# ---- httpd ----

def curl(m, ns, args, timeout=120):
    """curl's output (through a file: a pipe nobody reads would stall it)."""
    with tempfile.NamedTemporaryFile() as f:
        rc, out, err = run_host(m, ns, ['curl', '-sS', '--max-time', str(timeout), '-o', f.name]
                                + args, timeout + 10)
        assert rc == 0, err.decode(errors='replace')
        return out + open(f.name, 'rb').read()


def test_http_status_page(guest):
    ns, m = guest
    out = curl(m, ns, ['-i', 'http://%s/' % GUEST]).decode()
    head, body = out.split('\r\n\r\n', 1)
    assert head.startswith('HTTP/1.1 200 OK'), head
    length = int(re.search(r'(?im)^content-length: (\d+)', head).group(1))
    assert length == len(body.encode())
    assert 'text/html' in head
    for word in ('Uptime', 'eth0', '10.0.2.15', 'TCP sockets', 'ESTABLISHED', 'tcp in_segs'):
        assert word in body, word


def test_http_stats_json(guest):
    ns, m = guest
    doc = json.loads(curl(m, ns, ['http://%s/stats.json' % GUEST]))
    eth0 = [i for i in doc['interfaces'] if i['name'] == 'eth0'][0]
    assert eth0['address'] == GUEST and eth0['running'] is True
    assert eth0['rx_packets'] > 0 and eth0['tx_bytes'] > 0
    assert doc['uptime_ms'] > 0
    assert doc['httpd']['requests'] >= 1 and doc['httpd']['port'] == 80
    assert any(s['local_port'] == 80 and s['state'] == 'LISTEN' for s in doc['sockets'])
    assert doc['counters']['tcp_passive_opens'] >= 1
    again = json.loads(curl(m, ns, ['http://%s/stats.json' % GUEST]))
    assert again['uptime_ms'] > doc['uptime_ms']
    assert again['httpd']['requests'] == doc['httpd']['requests'] + 1


def test_http_bytes(guest):
    ns, m = guest
    n = 10000000
    body = curl(m, ns, ['http://%s/bytes/%d' % (GUEST, n)])
    assert len(body) == n
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(pattern(n)).hexdigest()
    assert curl(m, ns, ['http://%s/bytes/0' % GUEST]) == b''


def exchange(m, ns, data, timeout=30, read_until_close=True):
    """Sends raw bytes from the namespace, returns everything the server sent
    before it closed (or before timeout)."""
    code = ('import socket,sys\n'
            's=socket.create_connection((%r,80),timeout=%d)\n'
            's.sendall(sys.stdin.buffer.read())\n'
            'b=b""\n'
            'try:\n'
            ' while True:\n'
            '  d=s.recv(65536)\n'
            '  if not d: break\n'
            '  b+=d\n'
            'except socket.timeout: pass\n'
            'sys.stdout.buffer.write(b)\n' % (GUEST, timeout))
    p = ns.popen([sys.executable, '-c', code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    p.stdin.write(data)
    p.stdin.close()
    deadline = time.time() + timeout + 10
    while p.poll() is None and time.time() < deadline:
        m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
    out = p.stdout.read()
    p.wait()
    return out


def responses(raw, head_at=()):
    """Splits a byte stream into (status, headers, body) by Content-Length;
    the responses numbered in head_at answer HEAD and have no body."""
    out = []
    while raw:
        head, _, rest = raw.partition(b'\r\n\r\n')
        lines = head.decode().split('\r\n')
        status = int(lines[0].split()[1])
        hdrs = dict((k.lower(), v.strip()) for k, v in (l.split(':', 1) for l in lines[1:]))
        n = 0 if len(out) in head_at else int(hdrs.get('content-length', 0))
        out.append((status, hdrs, rest[:n]))
        raw = rest[n:]
    return out


def test_http_pipelining_and_methods(guest):
    ns, m = guest
    req = (b'GET /bytes/5 HTTP/1.1\r\nHost: a\r\n\r\n'
           b'HEAD /bytes/7 HTTP/1.1\r\nHost: a\r\n\r\n'
           b'GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n'
           b'DELETE / HTTP/1.1\r\nHost: a\r\n\r\n'
           b'GET /bytes/3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
    r = responses(exchange(m, ns, req), head_at=(1,))
    assert [x[0] for x in r] == [200, 200, 404, 405, 200]
    assert r[0][2] == b'abcde'
    assert r[1][1]['content-length'] == '7' and r[1][2] == b''  # HEAD: no body
    assert r[3][1]['allow'] == 'GET, HEAD'
    assert r[4][2] == b'abc' and r[4][1]['connection'] == 'close'


@pytest.mark.parametrize('req,status', [
    (b'GET / HTTP/1.0\r\n\r\n', 200),                       # 1.0: closes after
    (b'GET / HTTP/1.1\r\n\r\n', 400),                       # no Host
    (b'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400),
    (b'GARBAGE\r\n\r\n', 400),
    (b'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505),
    (b'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello', 413),
    (b'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 501),
    (b'GET / HTTP/1.1\r\nHost: a\r\n' + b'X-Big: ' + b'x' * 9000 + b'\r\n\r\n', 431),
    (b'GET /' + b'a' * 3000 + b' HTTP/1.1\r\nHost: a\r\n\r\n', 414),
], ids=['http1.0', 'no-host', 'space-colon', 'garbage', 'http2', 'body', 'chunked', 'big-head',
        'long-line'])
def test_http_errors_close(guest, req, status):
    """Each answer comes, then the server closes (the client sees EOF, not a hang)."""
    ns, m = guest
    t0 = time.time()
    r = responses(exchange(m, ns, req))
    assert len(r) == 1 and r[0][0] == status, r
    assert r[0][1]['connection'] == 'close'
    assert time.time() - t0 < 10


def test_http_timeouts(guest):
    """408 for a connection that sends nothing, and for a head never finished."""
    ns, m = guest
    t0 = time.time()
    r = responses(exchange(m, ns, b''))
    assert [x[0] for x in r] == [408] and 4 < time.time() - t0 < 15
    t0 = time.time()
    r = responses(exchange(m, ns, b'GET / HTTP/1.1\r\nHost: a\r\n'))
    assert [x[0] for x in r] == [408] and 8 < time.time() - t0 < 20


def test_ab_keepalive(guest):
    ns, m = guest
    rc, out, err = run_host(m, ns, ['ab', '-n', '20000', '-c', '32', '-k',
                                    'http://%s/bytes/100' % GUEST], 300)
    text = out.decode()
    assert rc == 0, text + err.decode()
    assert re.search(r'Complete requests:\s+20000', text), text
    assert re.search(r'Failed requests:\s+0\n', text), text
    assert re.search(r'Keep-Alive requests:\s+20000', text), text
    assert re.search(r'Non-2xx responses', text) is None, text


def test_slowloris(guest):
    """300 connections dribbling a header: curl still gets its page, and every
    dribbler is cut off: 408, evicted for a newer connection, or 503 for want
    of a slot."""
    ns, m = guest
    slow = ns.popen(SELF + ['slowloris', GUEST, '80', '300', '25'], stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(5)
        for _ in range(5):
            out = curl(m, ns, ['-w', '%{http_code}', 'http://%s/bytes/1000' % GUEST],
                       timeout=20)
            assert out == b'200' + pattern(1000)
            time.sleep(2)
    finally:
        deadline = time.time() + 60
        while slow.poll() is None and time.time() < deadline:
            m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
        text = slow.communicate(timeout=10)[0]
    opened, cut = map(int, re.search(r'opened (\d+) closed_by_server (\d+)', text).groups())
    assert opened > 100 and cut > 100, text
    doc = json.loads(curl(m, ns, ['http://%s/stats.json' % GUEST]))
    h = doc['httpd']
    assert h['timeouts'] + h['evicted'] + h['rejected_busy'] >= cut, h


def test_idle_flood(guest):
    """10,000 connection attempts held open: the server and the shell survive,
    the connections are reclaimed, curl is answered afterwards."""
    ns, m = guest
    rc, out, err = run_host(m, ns, SELF + ['flood', GUEST, '80', '10000'], 600)
    text = out.decode() + err.decode()
    assert rc == 0 and re.search(r'connected (\d+) failed (\d+)', text), text
    out = curl(m, ns, ['-w', '%{http_code}', 'http://%s/bytes/10' % GUEST])
    assert out == b'200' + pattern(10)
    # orphans end within the FIN-WAIT-2 timeout (5 s here) and TIME_WAIT
    deadline = time.time() + 120
    while time.time() < deadline:
        socks = int(re.search(r'sockets in use: (\d+)', m.cmd('netstat')).group(1))
        if socks <= 3:  # the two listeners, maybe curl's in TIME_WAIT
            break
        time.sleep(2)
    assert socks <= 3, m.cmd('netstat')
    print(text)
