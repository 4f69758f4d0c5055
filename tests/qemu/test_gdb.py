"""gdb against QEMU's stub (-s -S) with the project's script, as `make debug` + `make gdb` do."""
import os
import subprocess

from menuos import MenuOS, ROOT


def run_gdb(m, commands, timeout=120):
    argv = ['gdb', '-q', '-batch', '-nx', '-x', 'tests/menuos.gdb']
    for c in commands:
        argv += ['-ex', c]
    env = dict(os.environ, MENUOS_GDB_PORT=str(m.gdb_port))
    r = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    return r.stdout + r.stderr


def test_break_in_kmain_direct_boot():
    m = MenuOS(gdb=True)
    m.start()
    try:
        out = run_gdb(m, ['break kmain', 'continue', 'bt', 'info registers rip', 'list'])
    finally:
        m.close()
    assert 'Breakpoint 1, kmain (' in out, out
    assert 'kernel/main.c' in out, out
    # the backtrace ends at the 64-bit entry in boot/boot.S, nothing after it
    bt = [l for l in out.splitlines() if l.startswith('#')]
    assert bt[0].startswith('#0  kmain'), out
    assert 'long_mode' in bt[-1] and 'boot/boot.S' in bt[-1], out
    assert '<kmain>' in out, out                 # info registers rip
    assert 'serial_init();' in out, out          # list shows kmain's source
    assert "packet reply is too long" not in out, out


def test_break_in_kmain_through_grub():
    """GRUB loads the kernel after gdb attached: grub-boot makes the breakpoint a hardware one."""
    m = MenuOS(gdb=True, iso=True)
    m.start()
    try:
        out = run_gdb(m, ['grub-boot', 'break kmain', 'continue', 'bt'], timeout=180)
    finally:
        m.close()
    assert 'Breakpoint 1, kmain (' in out, out
    assert 'kernel/main.c' in out, out
