"""The `make bench` tooling works: the Linux guest's static /init
(tests/bench/linux/menuos-peer.c) and the compiled host client
(tests/bench/netclient.c) build, the peer's replyhi, hello, sink and send
behave like MenuOS's on the host's loopback, the report computes medians
and ratios, and a quick MenuOS-only run writes results.json.  Nothing here
asserts a timing."""
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'bench'))
import linux_guest  # noqa: E402
import report  # noqa: E402


def fnv1a32(data):
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def tools(tmp_path_factory):
    d = tmp_path_factory.mktemp('bench-tools')
    peer = str(d / 'menuos-peer')
    client = str(d / 'netclient')
    linux_guest.build_peer(peer)
    subprocess.run(['gcc', '-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread',
                    os.path.join(ROOT, 'tests', 'bench', 'netclient.c'), '-o', client], check=True)
    return peer, client


class Peer:
    """menuos-peer on the host (not process 1: it only reads commands)."""

    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.out = ''
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        # chunks, not lines: the prompt has no newline
        while True:
            b = os.read(self.p.stdout.fileno(), 4096)
            if not b:
                return
            with self.lock:
                self.out += b.decode()

    def cmd(self, line, wait_for='peer>>', timeout=10):
        with self.lock:
            start = len(self.out)
        self.p.stdin.write(line.encode() + b'\n')
        self.p.stdin.flush()
        return self.wait(wait_for, start, timeout)

    def wait(self, pattern, start=0, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if re.search(pattern, self.out[start:]):
                    return self.out[start:]
            time.sleep(0.02)
        raise AssertionError('no %r; peer printed: %s' % (pattern, self.out[-500:]))

    def wait_count(self, pattern, n, timeout=10):
        """Waits until pattern (a line) has been printed n times; returns the output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(re.findall(pattern, self.out, re.M)) >= n:
                    return self.out
            time.sleep(0.02)
        raise AssertionError('not %d times %r; peer printed: %s' % (n, pattern, self.out[-500:]))

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


@pytest.fixture
def peer(tools):
    p = Peer(tools[0])
    p.wait('peer>>')
    yield p
    p.close()


def test_peer_is_static(tools):
    r = subprocess.run(['readelf', '-l', tools[0]], capture_output=True, text=True, check=True)
    assert 'INTERP' not in r.stdout  # no dynamic loader: it runs as /init on its own


def test_replyhi_prints_two_lines_per_connection(tools, peer):
    port = free_port()
    assert 'Please input hello...' in peer.cmd('replyhi %d' % port)
    r = subprocess.run([tools[1], 'rr', '127.0.0.1', str(port), '40', '4', '10'],
                       capture_output=True, text=True, timeout=60)
    res = json.loads(r.stdout)
    assert (res['ok'], res['nerrors'], len(res['latency_ms'])) == (40, 0, 40)
    out = peer.wait_count(r'^send "hi" to 127\.0\.0\.1:\d+$', 40)
    # (the first line may follow the prompt on its line)
    assert len(re.findall(r'recv "hello" from 127\.0\.0\.1:\d+$', out, re.M)) == 40
    assert len(re.findall(r'^send "hi" to 127\.0\.0\.1:\d+$', out, re.M)) == 40


def test_replyhi_quiet_and_hello(tools, peer):
    port = free_port()
    peer.cmd('replyhi -q %d' % port)
    r = subprocess.run([tools[1], 'rr', '127.0.0.1', str(port), '20', '1', '10'],
                       capture_output=True, text=True, timeout=60)
    assert json.loads(r.stdout)['ok'] == 20
    out = peer.cmd('hello 127.0.0.1 %d' % port)
    assert 'send "hello" to 127.0.0.1:%d' % port in out
    assert 'recv "hi" from 127.0.0.1:%d' % port in out
    # the silent server printed none of MenuOS's per-connection lines
    assert 'recv "hello"' not in peer.out


def test_sink_counts_and_hashes(tools, peer):
    port = free_port()
    assert 'sink: discarding on port %d' % port in peer.cmd('sink %d' % port)
    n = 3 * 65536 + 123
    r = subprocess.run([tools[1], 'push', '127.0.0.1', str(port), str(n), '10'],
                       capture_output=True, text=True, timeout=60)
    res = json.loads(r.stdout)
    assert res['bytes'] == n and res['peer_closed']
    out = peer.wait(r'sink: \d+ bytes')
    m = re.search(r'sink: (\d+) bytes from 127\.0\.0\.1:\d+ in \d+ ms, fnv1a32 ([0-9a-f]{8})$',
                  out, re.M)
    assert m, out
    assert int(m.group(1)) == n
    assert int(m.group(2), 16) == fnv1a32(bytes(n))


def test_sink_n_counts_without_hashing(tools, peer):
    port = free_port()
    assert 'sink: discarding on port %d' % port in peer.cmd('sink -n %d' % port)
    n = 65536 + 7
    r = subprocess.run([tools[1], 'push', '127.0.0.1', str(port), str(n), '10'],
                       capture_output=True, text=True, timeout=60)
    assert json.loads(r.stdout)['peer_closed']
    # the whole line, and nothing after the time: no hash
    line = r'sink: (\d+) bytes from 127\.0\.0\.1:\d+ in \d+ ms\r?\n'
    m = re.search(line, peer.wait(line))
    assert int(m.group(1)) == n, m.group(0)


def test_send_streams_mbytes(tools, peer):
    port = free_port()
    srv = subprocess.Popen([tools[1], 'discard', '127.0.0.1', str(port), '20'],
                           stdout=subprocess.PIPE, text=True)
    try:
        assert 'listening' in srv.stdout.readline()
        out = peer.cmd('send 127.0.0.1 %d 2' % port, timeout=30)
        res = json.loads(srv.communicate(timeout=30)[0].strip().split('\n')[-1])
    finally:
        if srv.poll() is None:
            srv.kill()
    assert res['bytes'] == 2 * 1048576
    assert re.search(r'send: 2097152 bytes to 127\.0\.0\.1:%d in \d+ ms, \d+\.\d{3} Mbit/s' % port,
                     out), out


@pytest.mark.parametrize('line, answer', [
    ('sink', r'usage: sink \[-n\] PORT'),
    ('sink 0', r'usage: sink \[-n\] PORT'),
    ('sink -n', r'usage: sink \[-n\] PORT'),
    ('replyhi 70000', r'usage: replyhi \[-q\] \[PORT\]'),
    ('send 1.2.3 5 1', 'usage: send IP PORT MBYTES'),
    ('send 127.0.0.1 5 0', 'send: MBYTES must be 1..100000'),
    ('hello 127.0.0.1 x', r'usage: hello \[IP \[PORT\]\]'),
    ('frob', 'frob: unknown command'),
])
def test_bad_input_gets_a_message(peer, line, answer):
    assert re.search(answer, peer.cmd(line))


def test_report_medians_and_ratios(tmp_path):
    samples = [('rr_conn_s', 'virtio', 'MenuOS', v) for v in (800, 900, 850)]
    samples += [('rr_conn_s', 'virtio', 'Linux', v) for v in (400, 500, 425)]
    samples += [('rr_conn_s', 'virtio', 'MenuOS silent', v) for v in (2000, 2100, 3000)]
    samples += [('rr_conn_s', 'virtio', 'Linux silent', v) for v in (1000, 1700)]
    samples += [('boot_direct_s', '-', 'MenuOS', 0.1), ('boot_direct_s', '-', 'Linux', 5.0)]
    report.write(str(tmp_path), {'commit': 'x'}, samples, ['one failure'], chart=False)
    res = json.load(open(tmp_path / 'results.json'))
    figs = {(f['figure'], f['nic']): f for f in res['figures']}
    rr = figs[('rr_conn_s', 'virtio')]
    assert (rr['MenuOS']['median'], rr['MenuOS']['min'], rr['MenuOS']['max']) == (850, 800, 900)
    assert rr['ratio_menuos_linux'] == pytest.approx(2.0)
    # the silent servers are compared with each other
    assert rr['ratio_menuos_linux_silent'] == pytest.approx(2100 / 1350)
    assert figs[('boot_direct_s', '-')]['ratio_menuos_linux'] == pytest.approx(0.02)
    assert res['failures'] == ['one failure']
    md = open(tmp_path / 'results.md').read()
    assert '| 850 [800-900] | 425 [400-500] | 2.00x |' in md
    assert '1/50' in md


def test_report_chart(tmp_path):
    pytest.importorskip('matplotlib')
    samples = [('bulk_in_MBps', 'e1000', 'MenuOS', 20.0), ('bulk_in_MBps', 'e1000', 'Linux', 80.0)]
    report.write(str(tmp_path), {}, samples, [], chart=True)
    assert open(tmp_path / 'ratios.png', 'rb').read(8) == b'\x89PNG\r\n\x1a\n'


@pytest.mark.skipif(os.geteuid() != 0, reason='needs root (network namespace, tap)')
def test_quick_menuos_run_writes_results(tmp_path):
    out = tmp_path / 'bench'
    r = subprocess.run(['/usr/bin/python3', 'tests/bench.py', '--quick', '--guests', 'menuos',
                        '--nics', 'virtio', '--only', 'size,boot,net', '--out', str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    res = json.load(open(out / 'results.json'))
    assert res['failures'] == []
    have = {f['figure'] for f in res['figures'] if 'MenuOS' in f}
    assert {'boot_direct_s', 'boot_grub_s', 'image_direct_bytes', 'ping_p50_ms', 'rr_conn_s',
            'rr16_conn_s', 'bulk_in_MBps', 'bulk_out_MBps'} <= have
    assert (out / 'results.md').exists()
