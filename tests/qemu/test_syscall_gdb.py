"""The system-call layer under gdb: `replyhi` typed on the console reaches the socket layer as
socket() -> sys_socket -> __sys_socket (and the same for bind, listen, accept4), so gdb's
backtrace at each __sys_* function names the sys_* call and the libc function above it."""
import os
import re
import subprocess
import tempfile
import time

from menuos import MenuOS, ROOT, build_path

# (libc function, system call, socket-layer function)
CHAINS = [('socket', 'sys_socket', '__sys_socket'), ('bind', 'sys_bind', '__sys_bind'),
          ('listen', 'sys_listen', '__sys_listen'), ('accept', 'sys_accept4', '__sys_accept4')]


def gdb_script(path, port):
    lines = ['set pagination off', 'set confirm off', 'set architecture i386:x86-64',
             'file %s' % os.path.join(ROOT, build_path('menuos.elf')),
             'target remote localhost:%d' % port]
    for _, sysname, inner in CHAINS:
        lines += ['break %s' % sysname, 'commands', 'silent', 'printf "HIT %s\\n"' % sysname,
                  'continue', 'end']
        lines += ['break %s' % inner, 'commands', 'silent', 'printf "BT %s\\n"' % inner, 'bt 3',
                  'continue', 'end']
    lines += ['continue']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def frames_after(text, inner):
    """The function names of the three frames printed after the first 'BT inner'."""
    at = text.index('BT %s\n' % inner)
    return re.findall(r'^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(', text[at:], re.M)[:3]


def test_socket_calls_enter_through_sys_functions():
    m = MenuOS(gdb=True, timeout=120)
    m.start()
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, 'sys.gdb')
        gdb_script(script, m.gdb_port)
        g = subprocess.Popen(['gdb', '-q', '-batch', '-nx', '-x', script], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            m.wait_prompt(timeout=240)
            out = m.cmd('replyhi', timeout=120)
            assert 'Please input hello...' in out, out
            time.sleep(1)
        finally:
            m.close()
            text, _ = g.communicate(timeout=60)
    hits = re.findall(r'^HIT (\S+)', text, re.M)
    order = [hits.index(sysname) for _, sysname, _ in CHAINS]
    assert order == sorted(order), hits
    for libc, sysname, inner in CHAINS:
        assert frames_after(text, inner) == [inner, sysname, libc], (inner, text[-3000:])
