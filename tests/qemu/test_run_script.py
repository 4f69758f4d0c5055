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
