"""The kernel protects itself from its own bugs: read-only text, NX data,
stack guard pages, the stack canary; each caught bug gives a report that
says what happened."""
import re

import pexpect
import pytest

from menuos import MenuOS


def crash(what, **kw):
    m = MenuOS(nic='none', **kw)
    m.boot()
    try:
        m.sendline('fault ' + what)
        m.expect('System halted', timeout=60)
        return m.transcript
    finally:
        m.close()


def test_protections_at_boot(boot):
    m = boot(nic='none')
    assert re.search(r'paging: kernel text read-only, data/heap/stacks not executable, '
                     r'stack guard pages \(NX WP\)', m.transcript), m.transcript
    # the shell still works: nothing it needs was made read-only or non-executable
    assert 'Please input hello...' in m.cmd('replyhi')
    assert 'recv "hi" from 127.0.0.1:5001' in m.cmd('hello')


def test_cpu_with_smep_smap_umip(boot):
    m = boot(nic='none', extra=['-cpu', 'max'])
    assert '(NX WP SMEP SMAP UMIP)' in m.transcript, m.transcript
    assert 'recv "hi" from 127.0.0.1:5001' in (m.cmd('replyhi') and m.cmd('hello'))


def test_stack_overflow_names_the_task():
    out = crash('stack')
    assert 'KERNEL PANIC: Double fault (#DF)' in out, out
    assert re.search(r'Kernel stack overflow in task 1 \(shell\): it ran into the guard page '
                     r'under its stack at 0x[0-9a-f]+000\b', out), out
    assert 'overflow_stack' in out                      # the backtrace names the culprit


def test_nx_stops_code_in_data():
    out = crash('nx')
    assert 'Page fault (#PF), error code 0x11' in out, out
    assert 'protection violation, read, instruction fetch' in out
    assert 'Instruction fetch from a non-executable page (NX): code ran in data' in out


def test_write_protect_stops_writes_to_text():
    out = crash('wp')
    m = re.search(r'writing into the kernel\'s text at (0x[0-9a-f]+)', out)
    assert m, out
    assert 'Faulting address (CR2): 0x%016x (protection violation, write)' % int(m.group(1), 16) \
        in out, out
    assert 'Write to a read-only page (CR0.WP): kernel text or read-only data' in out
    cr0 = int(re.search(r'CR0: ([0-9a-f]+)', out).group(1), 16)
    assert cr0 & (1 << 16)                               # CR0.WP


def test_canary_catches_a_stack_buffer_overrun():
    out = crash('canary')
    assert ('KERNEL PANIC: stack smashing detected: a buffer on the stack of smash_stack was '
            'overrun (its canary changed)') in out, out
    assert '__stack_chk_fail' in out


def test_smep_is_on_in_cr4_with_cpu_max():
    out = crash('wp', extra=['-cpu', 'max'])
    cr4 = int(re.search(r'CR4: ([0-9a-f]+)', out).group(1), 16)
    assert cr4 & (1 << 20) and cr4 & (1 << 21) and cr4 & (1 << 11), hex(cr4)   # SMEP SMAP UMIP
