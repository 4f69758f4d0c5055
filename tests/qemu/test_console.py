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
BATCH = 300     # connections per host client run
STOPPED_S = 8   # how long the console is not read, at least

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason='network namespaces need root')


@pytest.fixture(scope='module')
def guest():
    with NetNS() as ns:
        # a short TIME_WAIT, so that thousands of closed connections do not
        # pile up and slow the later runs down (the rates are compared)
        with MenuOS(mem=128, nic='virtio', netdev=('tap', ns.tap), netns=ns.name,
                    append='tcp_msl_ms=1000', timeout=120) as m:
            m.cmd('replyhi')
            yield ns, m


def drain(m, seconds):
    """Reads the console for this long."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)


def hello_batch(ns, m, n, read_console):
    """n sequential hello/hi exchanges from the host: (succeeded, seconds)."""
    t0 = time.time()
    p = ns.popen(PEER + ['hello', GUEST, '5001', str(n)], stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, text=True)
    deadline = t0 + 300
    while p.poll() is None and time.time() < deadline:
        if read_console:
            m.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
        else:
            time.sleep(0.1)
    if p.poll() is None:
        p.kill()
    out, err = p.communicate()
    hit = re.search(r'ok (\d+)/%d' % n, out)
    return (int(hit.group(1)) if hit else 0), time.time() - t0, out + err


def hello_clients(ns, m, seconds, connections, read_console):
    """Batches of connections until both `seconds` and `connections` are
    reached: (connections made, all succeeded, conn/s, last client output)."""
    done = ok = 0
    took = 0.0
    out = ''
    while took < seconds or done < connections:
        k, t, out = hello_batch(ns, m, BATCH, read_console)
        done += BATCH
        ok += k
        took += t
    return done, ok == done, done / took, out


def test_stopped_terminal_does_not_slow_replyhi(guest):
    """Reading, not reading, reading again: the rate without a reader is
    compared with the mean of the two around it."""
    ns, m = guest
    n_before, all_ok, r_before, out = hello_clients(ns, m, 5, BATCH, read_console=True)
    assert all_ok, out
    drain(m, 1)
    mark = len(m.transcript)

    # Not read for at least STOPPED_S seconds, and long enough to fill the
    # pty and the guest's 16 KiB ring several times over.
    n_stopped, all_ok, r_stopped, out = hello_clients(ns, m, STOPPED_S, 1500,
                                                      read_console=False)
    assert all_ok, out

    # Reading again: what was queued comes out, then the count of what was not.
    m.expect(r'console: (\d+) messages suppressed', timeout=30)
    lost = int(m.child.match.group(1))
    printed = m.transcript[mark:].count('send "hi"')
    assert 0 < lost <= 2 * n_stopped, lost
    assert printed < n_stopped, printed
    out = m.cmd('netstat')
    assert 'sockets in use' in out, out
    n_after, all_ok, r_after, out = hello_clients(ns, m, 5, BATCH, read_console=True)
    assert all_ok, out
    r_read = (r_before + r_after) / 2
    print('\nreplyhi, sequential connections: reading the console %.1f and %.1f conn/s '
          '(%d, %d), not reading it for %d s or more %.1f conn/s (%d): %+.1f%%; '
          '%d lines suppressed, %d of %d "hi" lines shown'
          % (r_before, r_after, n_before, n_after, STOPPED_S, r_stopped, n_stopped,
             100 * (r_stopped - r_read) / r_read, lost, printed, n_stopped))


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
