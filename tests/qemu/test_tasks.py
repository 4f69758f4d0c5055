"""Background tasks: ps shows their states, kill ends each of them cleanly."""
import re


def pid_of(m, name):
    ps = m.cmd('ps')
    found = re.search(r'^\s*(\d+)\s+(\w+)\s+\d+\s+%s\b' % name, ps, re.M)
    assert found, ps
    return int(found.group(1)), found.group(2)


def sockets_in_use(m):
    return int(re.search(r'sockets in use: (\d+)', m.cmd('netstat')).group(1))


def test_ps_shows_states(boot):
    m = boot(nic='none')
    m.cmd('replyhi')
    m.cmd('spin')
    assert pid_of(m, 'replyhi')[1] == 'sleeping'       # blocked in accept
    assert pid_of(m, 'spin')[1] == 'running'
    assert pid_of(m, 'shell')[1] == 'running'


def test_kill_each_background_task(boot):
    m = boot(nic='none')
    base = sockets_in_use(m)
    m.cmd('replyhi')
    m.cmd('sink 7000')
    m.cmd('spin')
    assert sockets_in_use(m) == base + 2
    for name in ('replyhi', 'sink', 'spin'):
        pid, _ = pid_of(m, name)
        assert m.cmd('kill %d' % pid, timeout=30) == 'kill: task %d ended' % pid
        assert not re.search(r'\b%s$' % name, m.cmd('ps'), re.M)
    assert sockets_in_use(m) == base                    # their listeners are closed
    # the port is free again, and replyhi works as before
    assert 'Please input hello...' in m.cmd('replyhi')
    assert 'recv "hi" from 127.0.0.1:5001' in m.cmd('hello')


def test_killed_server_refuses_connections(boot):
    m = boot(nic='none')
    m.cmd('sink 7000')
    pid, _ = pid_of(m, 'sink')
    m.cmd('kill %d' % pid, timeout=30)
    out = m.cmd('hello 127.0.0.1 7000')
    assert 'Connection refused' in out, out


def test_kill_errors(boot):
    m = boot(nic='none')
    assert m.cmd('kill') == 'usage: kill PID (ps lists them)'
    assert m.cmd('kill abc') == 'usage: kill PID (ps lists them)'
    assert m.cmd('kill 999') == 'kill: no task 999'
    assert m.cmd('kill 0') == 'kill: task 0 is the idle task and cannot be killed'
    shell, _ = pid_of(m, 'shell')
    assert m.cmd('kill %d' % shell) == 'kill: task %d is the shell and cannot be killed' % shell
