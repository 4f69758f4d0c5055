"""./run-qemu.sh as a user runs it: boot, talk through the forwarded port 5001, quit."""
import os
import socket
import subprocess
import time

import pexpect

from menuos import ROOT, PROMPT


def spawn(args, timeout=120):
    return pexpect.spawn('./run-qemu.sh', args, cwd=ROOT, encoding='utf-8',
                         codec_errors='replace', timeout=timeout)


def test_help_and_bad_option():
    r = subprocess.run(['./run-qemu.sh', '--help'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and '--nic' in r.stdout
    r = subprocess.run(['./run-qemu.sh', '--bogus'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and 'unknown option --bogus' in r.stderr
    r = subprocess.run(['./run-qemu.sh', '--nic', 'rtl8139'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and '--nic takes' in r.stderr


def test_direct_boot_and_quit_exits_zero():
    p = spawn(['--direct', '--nic', 'none', '--accel', 'tcg', '--append', 'hello=world'])
    p.expect_exact(PROMPT)
    p.send('cmdline\r')
    p.expect_exact('hello=world')
    p.expect_exact(PROMPT)
    p.send('quit\r')
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 0


def test_grub_image_with_user_network_and_port_5001():
    """The default run: GRUB image, virtio-net on QEMU's user network, host port
    5001 forwarded to replyhi in the guest."""
    p = spawn(['--accel', 'tcg'])
    try:
        p.expect_exact(PROMPT)
        p.send('replyhi\r')
        p.expect_exact('Please input hello...')
        p.expect_exact(PROMPT)
        reply = None
        deadline = time.time() + 30
        while reply is None and time.time() < deadline:
            try:
                with socket.create_connection(('127.0.0.1', 5001), timeout=10) as s:
                    s.sendall(b'hello')
                    reply = s.recv(100)
            except OSError:
                time.sleep(0.5)     # QEMU may not be listening yet
        assert reply == b'hi'
        # the guest saw the connection come from QEMU's user-mode gateway
        p.expect(r'recv "hello" from 10\.0\.2\.2:\d+')
        p.send('quit\r')
        p.expect(pexpect.EOF)
    finally:
        p.close(force=True)
    assert p.exitstatus == 0


# ---- the lab's rough edges (issue 11) ----

REAL_QEMU = 'qemu-system-x86_64'


def fake_qemu(tmp_path, slow_accel, delay=3):
    """A QEMU that runs every guest under software emulation, but takes
    `delay` seconds longer to start when asked for `slow_accel`: a nested
    KVM that boots, only slowly (or a slow software emulation)."""
    path = tmp_path / 'qemu'
    path.write_text('#!/bin/sh\n'
                    'case " $* " in *" -accel %s "*) sleep %d ;; esac\n'
                    'for a in "$@"; do [ "$a" = kvm ] && a=tcg; set -- "$@" "$a"; shift; done\n'
                    'exec %s "$@"\n' % (slow_accel, delay, REAL_QEMU))
    path.chmod(0o755)
    return str(path)


def probe(qemu):
    env = dict(os.environ, QEMU=qemu, KVM_DEV='/dev/null')
    r = subprocess.run(['./run-qemu.sh', '--probe-accel'], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_accel_probe_rejects_a_kvm_slower_than_software(tmp_path):
    out = probe(fake_qemu(tmp_path, 'kvm'))
    assert out.startswith('tcg: prompt in '), out
    assert 'not sooner under KVM' in out


def test_accel_probe_takes_a_kvm_faster_than_software(tmp_path):
    out = probe(fake_qemu(tmp_path, 'tcg'))
    assert out.startswith('kvm: prompt in '), out


def test_accel_probe_without_kvm_device():
    env = dict(os.environ, KVM_DEV='/nonexistent/kvm')
    r = subprocess.run(['./run-qemu.sh', '--probe-accel'], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == 'tcg: /nonexistent/kvm is not usable'


def test_make_gdb_with_nothing_listening():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()                                   # a port nobody listens on
    env = dict(os.environ, MENUOS_GDB_PORT=str(port))
    t0 = time.time()
    r = subprocess.run(['gdb', '-q', '-batch', '-x', 'tests/menuos.gdb'], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert ('nothing listens on localhost:%d; start QEMU first with `make debug`' % port) in r.stdout
    assert 'Traceback' not in r.stdout + r.stderr
    assert time.time() - t0 < 10                # not gdb's long retry loop


def forwarded_port(p):
    """The host port ./run-qemu.sh forwards to the guest's 5001 (it says so when not 5001)."""
    i = p.expect([r'host port 5001 is taken; forwarding 127\.0\.0\.1:(\d+)', PROMPT])
    if i == 0:
        port = int(p.match.group(1))
        p.expect_exact(PROMPT)
        return port
    return 5001


def hello_through(port, until_eof=False):
    """hello through the forwarded port: what came back ("hi").  With
    until_eof, the client reads until replyhi's FIN before it closes, so the
    two FINs cannot cross (a simultaneous close is legal, but its crossed
    FINs show as a retransmission and a duplicate ACK in a capture)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
                s.sendall(b'hello')
                if not until_eof:
                    return s.recv(100)
                data = b''
                while True:
                    d = s.recv(100)
                    if not d:
                        return data
                    data += d
        except OSError:
            time.sleep(0.5)
    return None


def test_two_instances_at_once_get_their_own_port():
    a = spawn(['--direct', '--accel', 'tcg'])
    b = None
    try:
        pa = forwarded_port(a)
        b = spawn(['--direct', '--accel', 'tcg'])
        pb = forwarded_port(b)
        assert pa != pb
        listening = subprocess.run(['ss', '-Hltn'], capture_output=True, text=True).stdout
        for port in (pa, pb):       # on loopback only, not on every address
            assert '127.0.0.1:%d ' % port in listening
            assert '0.0.0.0:%d ' % port not in listening and '*:%d ' % port not in listening
        for p, port in ((a, pa), (b, pb)):
            p.send('replyhi\r')
            p.expect_exact('Please input hello...')
            assert hello_through(port) == b'hi'
            p.expect(r'recv "hello" from 10\.0\.2\.2:\d+')
    finally:
        for p in (a, b):
            if p:
                p.close(force=True)


def test_reboot_restarts_the_guest():
    p = spawn(['--direct', '--nic', 'none', '--accel', 'tcg'])
    try:
        p.expect_exact(PROMPT)
        p.send('reboot\r')
        p.expect_exact(PROMPT)          # a second boot, not QEMU exiting
        p.send('quit\r')
        p.expect(pexpect.EOF)
    finally:
        p.close(force=True)
    assert p.exitstatus == 0


def test_gui_without_window_support_says_what_to_install(tmp_path):
    fake = tmp_path / 'qemu'
    fake.write_text('#!/bin/sh\n[ "$1 $2" = "-display help" ] && { echo none; echo curses; exit 0; }\n'
                    'exit 99\n')
    fake.chmod(0o755)
    env = dict(os.environ, QEMU=str(fake))
    r = subprocess.run(['./run-qemu.sh', '--gui', '--accel', 'tcg'], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert 'apt-get install qemu-system-gui' in r.stderr
