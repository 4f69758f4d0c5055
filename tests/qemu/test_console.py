"""The serial console never holds up the network, and background output does
not garble the line being typed.

A host client (over a tap in a namespace this test creates) runs many
connections against `replyhi`, which prints two lines per connection, once
while the test reads the console and once while it does not read for
several seconds.  QEMU's serial model stops taking bytes once its pty is
full, so the guest's transmit ring fills: replyhi's lines are then dropped
and counted, and every connection must still succeed.  The rates of both
runs are printed (a figure, not a timed assertion).  Needs root and iproute2.
"""
import os
import re
import subprocess
import sys
import time

import pexpect
import pytest

from menuos import PROMPT, MenuOS, NetNS

GUEST = '10.0.2.15'
PEER = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tcp_peer.py')]
CONNECTIONS = 1500  # ~100 KiB of replyhi lines: more than the pty and the guest's ring hold

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='network namespaces need root')


@pytest.fixture(scope='module')
def guest():
    with NetNS() as ns:
        with MenuOS(mem=128, nic='virtio', netdev=('tap', ns.tap), netns=ns.name,
                    timeout=120) as m:
            m.cmd('replyhi')
            yield ns, m


def drain(m, seconds):
    """Reads the console for this long."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)


def rate(out):
    hit = re.search(r'conn/s ([\d.]+)', out)
    assert hit, out
    return float(hit.group(1))


def hello_clients(ns, m, n, read_console):
    """n sequential hello/hi exchanges from the host; returns the client's report."""
    p = ns.popen(PEER + ['hello', GUEST, '5001', str(n)], stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while p.poll() is None and time.time() < deadline:
        if read_console:
            m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
        else:
            time.sleep(0.2)
    if p.poll() is None:
        p.kill()
    out, err = p.communicate()
    return out + err


def test_stopped_terminal_does_not_slow_replyhi(guest):
    ns, m = guest
    reading = hello_clients(ns, m, CONNECTIONS, read_console=True)
    assert 'ok %d/%d' % (CONNECTIONS, CONNECTIONS) in reading, reading
    drain(m, 1)
    mark = len(m.transcript)

    t0 = time.time()
    stopped = hello_clients(ns, m, CONNECTIONS, read_console=False)
    took = time.time() - t0
    assert 'ok %d/%d' % (CONNECTIONS, CONNECTIONS) in stopped, stopped
    assert took > 3, 'the console was not left unread for several seconds (%.1f s)' % took

    # Reading again: what was queued comes out, then the count of what was not.
    m.expect(r'console: (\d+) messages suppressed', timeout=30)
    lost = int(m.child.match.group(1))
    printed = m.transcript[mark:].count('send "hi"')
    assert 0 < lost <= 2 * CONNECTIONS, lost
    assert printed < CONNECTIONS, printed
    out = m.cmd('netstat')
    assert 'sockets in use' in out, out
    r_read, r_stopped = rate(reading), rate(stopped)
    print('\nreplyhi, %d sequential connections: reading the console %.1f conn/s, '
          'console not read %.1f conn/s (%+.1f%%); %d lines suppressed, %d of %d "hi" lines shown'
          % (CONNECTIONS, r_read, r_stopped, 100 * (r_stopped - r_read) / r_read, lost,
             printed, CONNECTIONS))


def test_partial_line_survives_background_output(guest):
    """Background output while a line is half typed: the prompt and the
    partial line are drawn again below it, and finishing the line runs it."""
    ns, m = guest
    drain(m, 1)
    m.send('netst')
    m.expect_exact('netst')
    r = ns.run(PEER + ['hello', GUEST, '5001', '1'], timeout=60)
    assert 'ok 1/1' in r.stdout, r.stdout + r.stderr
    m.expect(r'send "hi" to 10\.0\.2\.2:\d+\r*\n')
    m.expect_exact(PROMPT + 'netst')
    m.sendline('at')
    out = m.wait_prompt()
    assert 'sockets in use' in out, out
    assert 'wrong cmd' not in out, out


def test_cursor_inside_partial_line_is_restored(guest):
    """The cursor goes back where it was: typing after the redraw inserts there."""
    ns, m = guest
    drain(m, 1)
    m.send('netstt\x1b[D')     # one left: the cursor sits before the last 't'
    m.expect_exact('\b')
    r = ns.run(PEER + ['hello', GUEST, '5001', '1'], timeout=60)
    assert 'ok 1/1' in r.stdout, r.stdout + r.stderr
    m.expect(r'send "hi" to 10\.0\.2\.2:\d+\r*\n')
    m.expect_exact(PROMPT + 'netstt\b')
    m.sendline('a')             # netst|t -> netstat
    out = m.wait_prompt()
    assert 'sockets in use' in out, out
