"""The network measurements of `make bench`, run the same way against
either guest: the host side runs in a private network namespace (a tap,
10.0.2.2/24) created for the run, the guest is 10.0.2.15, and every client
is compiled C (tests/bench/netclient.c) or ping(8).  Each function returns
a dict of figures; errors raise MeasureFailed.
"""
import json
import os
import re
import subprocess
import time

HOST_IP = '10.0.2.2'
GUEST_IP = '10.0.2.15'
REPLYHI_PORT = 5001
SINK_PORT = 5002
SEND_PORT = 5003
SILENT_PORT = 5004  # replyhi -q in both guests: the same server without console lines


class MeasureFailed(Exception):
    pass


def pct(vals, p):
    """Nearest-rank percentile (p in 0..100)."""
    s = sorted(vals)
    if not s:
        return float('nan')
    k = max(0, min(len(s) - 1, -(-p * len(s) // 100) - 1))
    return s[int(k)]


class Netns:
    """A namespace of its own (the name carries our pid, so two runs on one
    machine never share one) with the tap the guest's NIC attaches to."""

    def __init__(self, tap):
        self.name = 'mbench%d' % os.getpid()
        self.tap = tap

    def _ip(self, *a):
        subprocess.run(['ip'] + list(a), check=True, capture_output=True)

    def __enter__(self):
        self._ip('netns', 'add', self.name)
        try:
            self._ip('-n', self.name, 'link', 'set', 'lo', 'up')
            self._ip('-n', self.name, 'tuntap', 'add', 'dev', self.tap, 'mode', 'tap')
            self._ip('-n', self.name, 'addr', 'add', HOST_IP + '/24', 'dev', self.tap)
            self._ip('-n', self.name, 'link', 'set', self.tap, 'up')
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        subprocess.run(['ip', 'netns', 'del', self.name], capture_output=True)
        return False

    def argv(self, argv):
        return ['ip', 'netns', 'exec', self.name] + list(argv)

    def run(self, argv, timeout):
        return subprocess.run(self.argv(argv), capture_output=True, text=True, timeout=timeout)

    def flush_neigh(self):
        """Forget the guest's MAC: each boot starts with the same ARP exchange."""
        subprocess.run(['ip', '-n', self.name, 'neigh', 'flush', 'dev', self.tap],
                       capture_output=True)


def _json_line(r, what):
    for line in reversed((r.stdout or '').strip().split('\n')):
        if line.startswith('{'):
            res = json.loads(line)
            if 'error' in res and res['error'] and 'ok' not in res:
                raise MeasureFailed('%s: %s' % (what, res['error']))
            return res
    raise MeasureFailed('%s: no result (%s)' % (what, (r.stderr or r.stdout or '')[-200:]))


def wait_link(ns, limit=60):
    """Seconds until the guest answers a ping (link up, ARP resolved)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if ns.run(['ping', '-c', '1', '-W', '1', GUEST_IP], timeout=10).returncode == 0:
            return time.monotonic() - t0
    raise MeasureFailed('no answer to ping within %d s' % limit)


def ping(ns, count):
    argv = ['ping', '-c', str(count), '-i', '0.01', '-W', '2', GUEST_IP]
    r = ns.run(argv, timeout=60 + count)
    t = [float(x) for x in re.findall(r'time=([0-9.]+)', r.stdout)]
    if len(t) < count * 0.9:
        raise MeasureFailed('ping: %d of %d replies' % (len(t), count))
    return {'ping_p50_ms': pct(t, 50), 'ping_p99_ms': pct(t, 99)}


def rr(ns, client, port, n, conc, key):
    """n connect/"hello"/"hi"/close exchanges by conc concurrent clients."""
    r = ns.run([client, 'rr', GUEST_IP, str(port), str(n), str(conc), '10'], timeout=120 + n)
    res = _json_line(r, 'rr')
    if res['nerrors'] or res['ok'] != n:
        raise MeasureFailed('rr port %d: %d of %d ok, %d errors, first: %s'
                            % (port, res['ok'], n, res['nerrors'], res['error']))
    lat = res['latency_ms']
    return {key + '_conn_s': res['ok'] / res['seconds'], key + '_p50_ms': pct(lat, 50),
            key + '_p99_ms': pct(lat, 99)}


def push(ns, client, con, nbytes):
    """Host -> guest: the client streams nbytes into the guest's sink; the
    rate is timed on the host from connect to the guest's close, and the
    guest's own line must account for every byte."""
    r = ns.run([client, 'push', GUEST_IP, str(SINK_PORT), str(nbytes), '60'],
               timeout=120 + nbytes / 1e6)
    res = _json_line(r, 'push')
    if not res['peer_closed']:
        raise MeasureFailed('push: the guest did not close')
    m = con.expect(re.compile(r'sink: (\d+) bytes from \S+ in (\d+) ms'), 30)
    if int(m.group(1)) != nbytes:
        raise MeasureFailed('push: the guest counted %s of %d bytes' % (m.group(1), nbytes))
    return {'bulk_in_MBps': nbytes / res['seconds'] / 1e6}


def pull(ns, client, con, mbytes):
    """Guest -> host: the guest's `send` streams mbytes MiB to the client's
    discard server; timed on the host from accept to EOF."""
    srv = subprocess.Popen(ns.argv([client, 'discard', HOST_IP, str(SEND_PORT), '60']),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = srv.stdout.readline()
        if 'listening' not in first:
            raise MeasureFailed('discard server: %s %s' % (first, srv.stderr.read()[-200:]))
        out = con.cmd('send %s %d %d' % (HOST_IP, SEND_PORT, mbytes), timeout=120 + 10 * mbytes)
        if not re.search(r'send: \d+ bytes to', out):
            raise MeasureFailed('guest send: %s' % out.strip()[-200:])
        outs, errs = srv.communicate(timeout=30)
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()
    res = json.loads(outs.strip().split('\n')[-1])
    if 'error' in res:
        raise MeasureFailed('discard server: %s' % res['error'])
    if res['bytes'] != mbytes * 1048576:
        raise MeasureFailed('pull: %d of %d bytes arrived' % (res['bytes'], mbytes * 1048576))
    return {'bulk_out_MBps': res['bytes'] / res['seconds'] / 1e6}
