#!/usr/bin/python3
"""Where QEMU's time goes while a guest receives a bulk transfer or serves
connections.

Boots one guest (MenuOS, or the Linux peer of `make bench`) with the same
QEMU options and tap as tests/bench.py and records the QEMU process with
`perf record -g` while the host client works against it; then prints perf
report's top entries (by symbol and by shared object: TCG translated code
shows as [JIT] or unknown addresses, the helpers, device models and tap I/O
under their own symbols).

  --test bulk_in (default)  the client pushes MBYTES into `sink -n`
  --test bulk_out           the guest's `send` streams MBYTES to the client
  --test rr | rr16          N connect/"hello"/"hi"/close exchanges against
                            replyhi, sequential or by 16 clients; also the
                            CPU time of each QEMU thread per connection
                            (from /proc, so it does not count a host's
                            other load, unlike the rates)
  --test flood              the rr load while hping3 floods replyhi's port
                            with SYNs from random sources (-S --rand-source
                            -i u50, tests/bench/flood.py's paced phase);
                            the stages are then given per segment too, and
                            with --sample the guest's own profile: QMP stops
                            the guest SAMPLE times (at a translation block
                            boundary, so RIP is exact), reads RIP and walks
                            the frame pointers (MenuOS builds with them), and
                            the functions are counted where they were
                            running (self) and on the stack (inclusive)

For MenuOS it then repeats the load with the guest's per-stage receive
counters on (`pktstat on`: they cost two TSC reads per stage, so not while
perf records) and prints them; for rr/rr16 also per connection: each
task's run time (`ps`), interrupts by handler (`irq`) and the stages'
time.  Guest times come from the guest's TSC, which runs on while the host
deschedules QEMU: on a loaded host they include that wait.

  tests/bench/profile.py [--guest menuos|linux] [--nic virtio|e1000]
                         [--test bulk_in|bulk_out|rr|rr16|flood] [--mbytes N]
                         [--conns N] [--top N] [--sample N]

Needs root (network namespace, tap) and perf.  The perf data is kept in
BUILD/bench/profile-GUEST-NIC-TEST.data for a closer look with perf report.
"""
import argparse
import bisect
import collections
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import guests  # noqa: E402
import linux_guest  # noqa: E402
import measure  # noqa: E402


def report(data, sort, top):
    r = subprocess.run(['perf', 'report', '-i', data, '--stdio', '--no-children',
                        '--sort', sort, '-g', 'none', '--percent-limit', '0.5'],
                       capture_output=True, text=True)
    lines = [ln for ln in r.stdout.split('\n') if ln.strip() and not ln.startswith('#')]
    return lines[:top]


def thread_cpu(pid):
    """{thread id: user+system CPU seconds} of every thread of pid."""
    tick = os.sysconf('SC_CLK_TCK')
    out = {}
    for t in os.listdir('/proc/%d/task' % pid):
        try:
            st = open('/proc/%d/task/%s/stat' % (pid, t)).read()
        except OSError:
            continue
        f = st[st.rindex(')') + 2:].split()
        out[int(t)] = (int(f[11]) + int(f[12])) / tick
    return out


def columns(text, key_cols, val_col, pattern):
    """{row key: number} from a table the guest printed (the key: these columns)."""
    out = {}
    for ln in text.split('\n'):
        f = ln.split()
        if len(f) > max(key_cols + (val_col,)) and re.fullmatch(pattern, f[val_col]):
            out[' '.join(f[k] for k in key_cols)] = float(f[val_col])
    return out


def guest_counters(con):
    """The guest's cumulative counters: task run times (ms), interrupts, stages (ns, calls)."""
    tasks = columns(con.cmd('ps'), (3,), 2, r'\d+')
    irqs = columns(con.cmd('irq'), (2, 0), 1, r'\d+')  # a handler's name may repeat
    stat = con.cmd('pktstat')
    return tasks, irqs, columns(stat, (0,), 2, r'\d+'), columns(stat, (0,), 1, r'\d+')


def per_conn(before, after, n, scale):
    return {k: (after[k] - before.get(k, 0)) * scale / n for k in after
            if after[k] - before.get(k, 0) > 0}


def show(title, d, unit):
    print(title)
    for k, v in sorted(d.items(), key=lambda kv: -kv[1]):
        print('  %-16s %10.2f %s' % (k, v, unit))


class GuestSampler:
    """The guest's profile from QMP: stop, RIP and the frame-pointer chain, cont."""

    def __init__(self, qmp_path, elf):
        self.elf = elf
        self.syms = []
        out = subprocess.run(['nm', '-n', elf], capture_output=True, text=True).stdout
        for ln in out.split('\n'):
            f = ln.split()
            if len(f) == 3 and f[1] in 'tTwW':
                self.syms.append((int(f[0], 16), f[2]))
        self.addrs = [a for a, _ in self.syms]
        deadline = time.monotonic() + 30
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(qmp_path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.f = self.sock.makefile('rw')
        self._read()
        self.command('qmp_capabilities')
        self.self_ = collections.Counter()
        self.incl = collections.Counter()
        self.rips = collections.Counter()
        self.n = 0

    def _read(self):
        while True:
            msg = json.loads(self.f.readline())
            if 'event' not in msg:
                return msg

    def command(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        return self._read().get('return')

    def hmp(self, line):
        return self.command('human-monitor-command', **{'command-line': line})

    def sym(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.syms[i][1] if i >= 0 else hex(addr)

    def sample(self, depth=10):
        self.command('stop')
        try:
            regs = self.hmp('info registers')
            rip = int(re.search(r'RIP=([0-9a-f]+)', regs).group(1), 16)
            self.rips[rip] += 1
            chain = [self.sym(rip)]
            rbp = int(re.search(r'RBP=([0-9a-f]+)', regs).group(1), 16)
            for _ in range(depth):
                if rbp < self.addrs[0] or rbp & 7:
                    break
                v = re.findall(r'0x([0-9a-f]{16})', self.hmp('x /2gx 0x%x' % rbp))
                if len(v) < 2:
                    break
                rbp = int(v[0], 16)
                chain.append(self.sym(int(v[1], 16)))
        finally:
            self.command('cont')
        self.n += 1
        self.self_[chain[0]] += 1
        for f in set(chain):
            self.incl[f] += 1

    def show(self, top):
        for title, c in (('self', self.self_), ('inclusive', self.incl)):
            print('guest profile (%s), %d samples' % (title, self.n))
            for k, v in c.most_common(top):
                print('  %5.1f%% %s' % (100.0 * v / self.n, k))
        # RIP is where the guest stopped: at a translation block's start, so
        # the time of an instruction that ended the last block (a device
        # register access QEMU handled, an interrupt) shows at the next one
        hot = self.rips.most_common(top)
        lines = subprocess.run(['addr2line', '-e', self.elf] + ['%x' % r for r, _ in hot],
                               capture_output=True, text=True).stdout.split('\n')
        print('guest profile by address, %d samples' % self.n)
        for (r, v), ln in zip(hot, lines):
            i = bisect.bisect_right(self.addrs, r) - 1
            print('  %5.1f%% %s+0x%x  %s' % (100.0 * v / self.n, self.syms[i][1],
                                           r - self.syms[i][0], os.path.relpath(ln, ROOT)
                                           if ln.startswith('/') else ln))


def run_load(a, ns, client, con):
    """Runs the load once; returns (what was measured, the connections it made)."""
    if a.test == 'bulk_in':
        res = measure.push(ns, client, con, a.mbytes * 1048576)
        return '%d MiB into sink, %.1f MB/s' % (a.mbytes, res['bulk_in_MBps']), 0
    if a.test == 'bulk_out':
        res = measure.pull(ns, client, con, a.mbytes)
        return '%d MiB sent by the guest, %.1f MB/s' % (a.mbytes, res['bulk_out_MBps']), 0
    conc = 16 if a.test == 'rr16' else 1
    flood = None
    if a.test == 'flood':
        flood = subprocess.Popen(ns.argv(['hping3', '-q', '-S', '--rand-source', '-p',
                                          str(measure.REPLYHI_PORT), '-i', 'u50',
                                          measure.GUEST_IP]),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1)  # the SYN queue fills: from here on, cookies
    try:
        res = measure.rr(ns, client, measure.REPLYHI_PORT, a.conns, conc, a.test)
    finally:
        if flood:
            flood.send_signal(signal.SIGINT)
            m = re.search(r'(\d+) packets transmitted', flood.communicate(timeout=20)[0])
    what = ('%d connections by %d client(s), %.0f conn/s, p50 %.2f ms, p99 %.2f ms'
            % (a.conns, conc, res[a.test + '_conn_s'], res[a.test + '_p50_ms'],
               res[a.test + '_p99_ms']))
    if flood:
        what += ', under %s SYNs from hping3' % (m.group(1) if m else '?')
    return what, a.conns


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--guest', default='menuos', choices=('menuos', 'linux'))
    ap.add_argument('--nic', default='virtio', choices=tuple(guests.NIC_DEVICES))
    ap.add_argument('--test', default='bulk_in', choices=('bulk_in', 'bulk_out', 'rr', 'rr16', 'flood'))
    ap.add_argument('--sample', type=int, default=0,
                    help='guest profile samples under the load (MenuOS, QMP)')
    ap.add_argument('--mbytes', type=int, default=16)
    ap.add_argument('--conns', type=int, default=2000)
    ap.add_argument('--top', type=int, default=25)
    ap.add_argument('--build', default='build')
    a = ap.parse_args()
    os.chdir(ROOT)
    out = os.path.join(a.build, 'bench')
    os.makedirs(out, exist_ok=True)
    client = os.path.join(out, 'netclient')
    subprocess.run(['gcc', '-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread',
                    os.path.join('tests', 'bench', 'netclient.c'), '-o', client], check=True)
    if a.guest == 'menuos':
        g = guests.menuos(os.path.join(a.build, 'menuos.elf'),
                          os.path.join(a.build, 'menuos.iso'))
    else:
        lg = linux_guest.ensure(a.build, log=lambda s: print(s, flush=True))
        lg['prompt'] = linux_guest.PROMPT
        g = guests.linux(lg)
    data = os.path.join(out, 'profile-%s-%s-%s.data' % (a.guest, a.nic, a.test))
    print('load average %s' % ' '.join(open('/proc/loadavg').read().split()[:3]))
    qmp_dir = tempfile.mkdtemp(prefix='profile-qmp-')
    qmp_path = os.path.join(qmp_dir, 'qmp')
    with measure.Netns(guests.TAP) as ns:
        argv = g.argv(nic=a.nic, netns=ns.name)
        if a.sample:
            argv += ['-qmp', 'unix:%s,server=on,wait=off' % qmp_path]
        con = guests.Console(g, argv)
        try:
            con.start(180)
        except BaseException:
            con.close()
            raise
        try:
            measure.wait_link(ns)
            if a.test == 'bulk_in':
                con.cmd('sink -n %d' % measure.SINK_PORT)  # as make bench: counted, not hashed
            elif a.test != 'bulk_out':
                con.cmd('replyhi')
                measure.rr(ns, client, measure.REPLYHI_PORT, 20, 1, 'warmup')
            # `ip netns exec` execs QEMU: the console's process is QEMU itself
            pid = con.proc.pid
            perf = subprocess.Popen(['perf', 'record', '-q', '-g', '-o', data, '-p', str(pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            cpu0, t0 = thread_cpu(pid), time.monotonic()
            what, n = run_load(a, ns, client, con)
            cpu1, secs = thread_cpu(pid), time.monotonic() - t0
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=60)
            print('%s [%s]: %s (%.1f s recorded)' % (g.name, a.nic, what, secs))
            if n:
                show('QEMU CPU time per connection, by thread (host /proc)',
                     {'thread %d' % t: v for t, v in per_conn(cpu0, cpu1, n, 1e6).items()}, 'us')
            if a.guest == 'menuos':
                con.cmd('pktstat on')
                con.cmd('pktstat reset')
                before = guest_counters(con)
                what, n = run_load(a, ns, client, con)
                after = guest_counters(con)
                print('again with pktstat on: %s' % what)
                print(con.cmd('pktstat').strip())
                if a.test == 'flood':
                    segs = after[3].get('tcp_v4_rcv', 0) - before[3].get('tcp_v4_rcv', 0)
                    show('guest receive stages per TCP segment (inclusive; mostly flood SYNs)',
                         per_conn(before[2], after[2], max(segs, 1), 1e-3), 'us')
                    print(con.cmd('netstat -s').strip())
                if n:
                    show('guest task run time per connection', per_conn(before[0], after[0], n,
                                                                         1000), 'us')
                    show('guest interrupts per connection', per_conn(before[1], after[1], n, 1),
                         '')
                    show('guest receive stages per connection (inclusive)',
                         per_conn(before[2], after[2], n, 1e-3), 'us')
                    show('guest receive stage calls per connection',
                         per_conn(before[3], after[3], n, 1), '')
            if a.sample and a.guest == 'menuos':
                con.cmd('pktstat off')
                sampler = GuestSampler(qmp_path, os.path.join(a.build, 'menuos.elf.debug'))
                done = []
                t = threading.Thread(target=lambda: done.append(run_load(a, ns, client, con)))
                t.start()
                while t.is_alive() and sampler.n < a.sample:
                    sampler.sample()
                    time.sleep(0.005)
                t.join()
                print('again, sampled: %s' % done[0][0])
                sampler.show(a.top)
        finally:
            con.close()
            if os.path.exists(qmp_path):
                os.unlink(qmp_path)
            os.rmdir(qmp_dir)
    print('\n-- perf report, by shared object')
    print('\n'.join(report(data, 'dso', a.top)))
    print('\n-- perf report, by symbol')
    print('\n'.join(report(data, 'dso,sym', a.top)))
    print('\n(perf data: %s)' % data)
    return 0


if __name__ == '__main__':
    sys.exit(main())
