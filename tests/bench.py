#!/usr/bin/python3
"""`make bench`: MenuOS/x64 and a Linux guest side by side in the same QEMU.

The Linux guest is Debian's kernel whose initramfs /init is menuos-peer
(tests/bench/linux/menuos-peer.c, static C): it has MenuOS's replyhi,
hello, sink and send commands and configures its own network, so both
guests are driven the same way over the serial console, with the same
QEMU options, NIC model and tap (tests/bench/guests.py), and measured by
the same compiled host client (tests/bench/netclient.c).

Rounds alternate the guests (MenuOS, Linux, MenuOS, Linux, ...), each
round booting a fresh guest; every figure is the median of the rounds with
min and max, and the ratio MenuOS/Linux beside it:

  size   the images a direct boot loads, and the GRUB ISOs
  boot   spawn of QEMU to the shell prompt, direct -kernel and GRUB ISO
  mem    smallest -m (bisection) that reaches the prompt and completes a
         hello (replyhi + hello over the guest's loopback)
  net    per NIC model: ping p50/p99; sequential rr (connect, "hello",
         "hi", close) conn/s and latency p50/p99; the same with 16
         concurrent clients, each against replyhi printing its two lines
         per connection and against `replyhi -q` (silent) in the same
         boot; bulk host -> guest (into `sink -n`: counted, not hashed)
         and guest -> host (send), MB/s (10^6 bytes/s) timed on the host

Results: BUILD/bench/results.json, results.md and ratios.png.  Knobs (as
environment variables or options): BENCH_ROUNDS=N (default 5),
BENCH_QUICK=1 (one round, small counts; for a look, not for figures),
BENCH_GUESTS=menuos,linux, BENCH_NICS=virtio,e1000,
BENCH_ONLY=size,boot,mem,net, BENCH_TESTS=ping,rr,rr16,bulk_in,bulk_out
(which of the network figures a session measures, e.g. --tests bulk_out
for the guest -> host transfer alone).  Needs root (network namespace, tap).
"""
import argparse
import os
import platform
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, 'bench'))
import guests  # noqa: E402
import linux_guest  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402

NETCLIENT_SRC = os.path.join('tests', 'bench', 'netclient.c')


class Run:
    """The samples and failures of one run; results are rewritten after
    every session, so an interrupted run keeps what it measured."""

    def __init__(self, args, meta):
        self.args = args
        self.meta = meta
        self.samples = []
        self.failures = []
        self.loads = []  # the host's 1-minute load average as each session starts

    def add(self, guest, nic, figures):
        for k, v in figures.items():
            self.samples.append((k, nic, guest, v))
            print('  %-14s %-7s %-16s %.4g' % (guest, nic, k, v), flush=True)

    def fail(self, what):
        self.failures.append(what)
        print('  FAILED: ' + what, flush=True)

    def save(self, chart=False):
        self.meta['finished'] = time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())
        self.meta['load average at the end'] = ' '.join(open('/proc/loadavg').read().split()[:3])
        report.write(self.args.out, self.meta, self.samples, self.failures, chart=chart)


def build_netclient(out):
    os.makedirs(os.path.dirname(out), exist_ok=True)
    argv = ['gcc', '-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread',
            NETCLIENT_SRC, '-o', out]
    subprocess.run(argv, check=True)
    return ' '.join(argv)


# ---------------------------------------------------------------- size, boot, memory

def bench_size(run, gs):
    for g in gs:
        run.add(g.name, '-', {'image_direct_bytes': sum(os.path.getsize(f) for f in g.image_files),
                              'image_iso_bytes': os.path.getsize(g.iso)})


def bench_boot(run, gs, ns):
    a = run.args
    for r in range(a.rounds):
        print('boot round %d of %d' % (r + 1, a.rounds), flush=True)
        for grub in (False, True):
            for g in gs:
                key = 'boot_grub_s' if grub else 'boot_direct_s'
                try:
                    with guests.boot(g, a.boot_timeout, grub=grub, netns=ns.name) as con:
                        run.add(g.name, '-', {key: con.boot_seconds})
                except guests.GuestFailed as e:
                    run.fail('%s %s: %s' % (g.name, key, e))


def mem_ok(g, mem, ns, timeout):
    try:
        with guests.boot(g, timeout, mem=mem, netns=ns.name) as con:
            return guests.hello_works(con, timeout)
    except guests.GuestFailed:
        return False


def bench_mem(run, gs, ns):
    """Bisection in [1, 256] MB for each guest (one bisection, not rounds:
    the answer is a threshold, not a time)."""
    for g in gs:
        lo, hi = 1, 256
        # a guest short of memory may hang instead of panicking: give each
        # try several times the guest's own boot time, not a fixed minute
        boots = [v for f, _, who, v in run.samples if f == 'boot_direct_s' and who == g.name]
        timeout = max(15, 8 * max(boots)) if boots else run.args.mem_timeout
        tried = {}
        if not mem_ok(g, hi, ns, timeout):
            run.fail('%s mem_min_MB: no prompt + hello even with -m %d' % (g.name, hi))
            continue
        while hi - lo > 1:
            mid = (lo + hi) // 2
            tried[mid] = mem_ok(g, mid, ns, timeout)
            print('  %s -m %d: %s' % (g.name, mid, 'ok' if tried[mid] else 'no'), flush=True)
            if tried[mid]:
                hi = mid
            else:
                lo = mid
        run.add(g.name, '-', {'mem_min_MB': hi})


# ---------------------------------------------------------------- network

NET_TESTS = ('ping', 'rr', 'rr16', 'bulk_in', 'bulk_out')

def session(run, g, nic, ns, client):
    """One boot of guest g with NIC model nic: every network figure once."""
    a = run.args
    ns.flush_neigh()
    run.loads.append(float(open('/proc/loadavg').read().split()[0]))
    try:
        con = guests.boot(g, a.boot_timeout, nic=nic, netns=ns.name)
    except guests.GuestFailed as e:
        run.fail('%s [%s] boot: %s' % (g.name, nic, e))
        return
    servers = [(g.name, measure.REPLYHI_PORT), (g.name + ' silent', measure.SILENT_PORT)]

    def step(name, fn, who=g.name):
        try:
            run.add(who, nic, fn())
        except measure.MeasureFailed as e:
            run.fail('%s [%s] %s: %s' % (who, nic, name, e))

    t = a.tests
    try:
        measure.wait_link(ns)
        if 'ping' in t:
            step('ping', lambda: measure.ping(ns, a.ping_count))
        con.cmd('replyhi')
        con.cmd('replyhi -q %d' % measure.SILENT_PORT)
        # -n: bytes counted, not hashed (the hash, a multiply per byte, is
        # the same work in both guests, and not the network's)
        con.cmd('sink -n %d' % measure.SINK_PORT)
        for who, port in servers:
            # the same warm-up for every server (ARP, first connections)
            measure.rr(ns, client, port, 20, 1, 'warmup')
        if 'rr' in t:
            for who, port in servers:
                step('rr', lambda: measure.rr(ns, client, port, a.rr_n, 1, 'rr'), who)
        if 'rr16' in t:
            for who, port in servers:
                step('rr16', lambda: measure.rr(ns, client, port, a.rr16_n, 16, 'rr16'), who)
        if 'bulk_in' in t:
            step('bulk in', lambda: measure.push(ns, client, con, a.mbytes * 1048576))
        if 'bulk_out' in t:
            step('bulk out', lambda: measure.pull(ns, client, con, a.mbytes))
    except (guests.GuestFailed, measure.MeasureFailed) as e:
        run.fail('%s [%s] session: %s' % (g.name, nic, e))
    finally:
        con.close()


def bench_net(run, gs, ns, client):
    a = run.args
    for r in range(a.rounds):
        for nic in a.nics:
            for g in gs:
                print('net round %d of %d: %s [%s]' % (r + 1, a.rounds, g.name, nic), flush=True)
                session(run, g, nic, ns, client)
                ld = sorted(run.loads)
                run.meta['host load average (1 min) as the network sessions started'] = (
                    'min %.2f, median %.2f, max %.2f (%d CPUs)'
                    % (ld[0], ld[len(ld) // 2], ld[-1], os.cpu_count()))
                run.save()


# ---------------------------------------------------------------- main

def env_default(name, default):
    return os.environ.get(name) or default


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    quick = env_default('BENCH_QUICK', '0') not in ('0', '')
    ap.add_argument('--build', default='build')
    ap.add_argument('--out', help='results directory (default: BUILD/bench)')
    ap.add_argument('--quick', action='store_true', default=quick)
    ap.add_argument('--rounds', type=int, default=int(env_default('BENCH_ROUNDS', '0')))
    ap.add_argument('--guests', default=env_default('BENCH_GUESTS', 'menuos,linux'))
    ap.add_argument('--nics', default=env_default('BENCH_NICS', 'virtio,e1000'))
    ap.add_argument('--only', default=env_default('BENCH_ONLY', 'size,boot,mem,net'))
    ap.add_argument('--tests', default=env_default('BENCH_TESTS', ','.join(NET_TESTS)))
    ap.add_argument('--boot-timeout', type=int, default=180)
    ap.add_argument('--mem-timeout', type=int, default=60)
    a = ap.parse_args()
    a.rounds = a.rounds or (1 if a.quick else 5)
    a.ping_count = 50 if a.quick else 200
    a.rr_n = 100 if a.quick else 1000
    a.rr16_n = 320 if a.quick else 3200
    a.mbytes = 8 if a.quick else 64
    a.out = a.out or os.path.join(a.build, 'bench')
    a.guests = [g for g in a.guests.split(',') if g]
    a.nics = [n for n in a.nics.split(',') if n]
    a.only = a.only.split(',')
    a.tests = [t for t in a.tests.split(',') if t]
    for t in a.tests:
        if t not in NET_TESTS:
            ap.error('--tests: %s is none of %s' % (t, ','.join(NET_TESTS)))
    return a


def host_info():
    model = '?'
    for line in open('/proc/cpuinfo'):
        if line.startswith('model name'):
            model = line.split(':', 1)[1].strip()
            break
    return '%s %s, %s, %d CPUs, load average at the start %s' % (
        platform.system(), platform.release(), model, os.cpu_count(),
        ' '.join(open('/proc/loadavg').read().split()[:3]))


def git(*a):
    return subprocess.run(['git'] + list(a), capture_output=True, text=True, cwd=ROOT).stdout.strip()


def _on_signal(signum, frame):
    raise SystemExit('bench: stopped by signal %d' % signum)


def main():
    a = parse_args()
    # the namespace and QEMU go away on SIGTERM too (the with blocks unwind)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    os.chdir(ROOT)
    if os.geteuid() != 0:
        sys.exit('bench: needs root (network namespace and tap device)')
    qv = subprocess.run([guests.QEMU, '--version'], capture_output=True, text=True).stdout
    dirty = git('status', '--porcelain', '--untracked-files=no')
    meta = {
        'started': time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
        'commit': git('rev-parse', 'HEAD') + (' (work tree modified)' if dirty else ''),
        'command': ' '.join(['tests/bench.py'] + sys.argv[1:]) + '  (BENCH_ROUNDS=%d%s)'
        % (a.rounds, ', BENCH_QUICK=1' if a.quick else ''),
        'qemu': qv.split('\n')[0],
        'host': host_info(),
        'QEMU options, both guests': 'qemu-system-x86_64 -m %d %s %s (MODEL: %s)'
        % (guests.MEM_MB, ' '.join(guests.COMMON), ' '.join(guests.nic_args('virtio')).replace(
            guests.NIC_DEVICES['virtio'], 'MODEL'), ' or '.join(guests.NIC_DEVICES.values())),
        'counts': 'rounds %d; ping %d at 10 ms; rr %d sequential, rr16 %d over 16 clients; '
        'bulk %d MiB per direction; network figures: %s'
        % (a.rounds, a.ping_count, a.rr_n, a.rr16_n, a.mbytes, ','.join(a.tests)),
    }
    gs = []
    if 'menuos' in a.guests:
        gs.append(guests.menuos(os.path.join(a.build, 'menuos.elf'),
                                os.path.join(a.build, 'menuos.iso')))
    if 'linux' in a.guests:
        lg = linux_guest.ensure(a.build, log=lambda s: print(s, flush=True))
        lg['prompt'] = linux_guest.PROMPT
        gs.append(guests.linux(lg))
        meta['Linux guest'] = ('%s (%s), cmdline "%s", initramfs: /init = menuos-peer (%s; %s), '
                               'modules %s' % (lg['kernel_version'], lg['kernel_deb'],
                                               lg['cmdline'], lg['peer_build'], lg['gcc'],
                                               lg['modules']))
    for g in gs:
        for f in g.image_files + [g.iso]:
            if not os.path.exists(f):
                sys.exit('bench: %s not built (make all)' % f)
    client = os.path.join(a.build, 'bench', 'netclient')
    meta['host client'] = build_netclient(client)
    run = Run(a, meta)
    t0 = time.monotonic()
    with measure.Netns(guests.TAP) as ns:
        meta['network'] = ('namespace %s, %s on the host side (%s/24), guest %s'
                           % (ns.name, guests.TAP, measure.HOST_IP, measure.GUEST_IP))
        if 'size' in a.only:
            bench_size(run, gs)
        if 'boot' in a.only:
            bench_boot(run, gs, ns)
            run.save()
        if 'mem' in a.only:
            bench_mem(run, gs, ns)
            run.save()
        if 'net' in a.only:
            bench_net(run, gs, ns, client)
    meta['duration'] = '%.0f s' % (time.monotonic() - t0)
    run.save(chart=True)
    print(open(os.path.join(a.out, 'results.md')).read())
    print('written to %s/results.json, results.md, ratios.png' % a.out)


if __name__ == '__main__':
    main()
