"""The VGA console keeps what scrolled off the screen: Shift-PgUp shows it,
Shift-PgDn and new output come back."""
import socket
import time


def press(m, *keys):
    """Presses keys and waits until the screen has taken them (send-key is asynchronous)."""
    before = m.vga_text()
    m.key(*keys)
    deadline = time.time() + 3
    while time.time() < deadline:
        time.sleep(0.1)
        now = m.vga_text()
        if now != before:
            return now
    return before


def test_shift_pgup_shows_what_scrolled_away(boot):
    m = boot(nic='none', qmp=True)
    for i in range(40):
        m.cmd('echo line%02d' % i)
    screen = m.vga_text()
    assert not any('line05' in l for l in screen), screen    # scrolled off
    back = press(m, 'shift', 'pgup')
    assert back != screen
    assert any('line%02d' % i in l for l in back for i in range(20, 30)), back
    top = back
    for _ in range(10):                          # far back: the oldest rows
        prev, top = top, press(m, 'shift', 'pgup')
        if top == prev:
            break
    assert any('MenuOS' in l for l in top), top  # the banner at boot
    last = top
    for _ in range(20):
        last = press(m, 'shift', 'pgdn')
        if last == screen:
            break
    assert last == screen                         # back to the live screen
    assert press(m, 'shift', 'pgup') != screen
    m.cmd('echo fresh')                          # output returns to the bottom
    assert any(l.endswith('fresh') for l in m.vga_text())


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_background_output_reaches_the_screen(boot):
    """The screen is drawn in memory and flushed by a timer: replyhi's lines,
    printed while the shell waits at its prompt (no command, no key), must
    show on the VGA screen by themselves."""
    port = free_port()
    m = boot(nic='e1000', hostfwd=[(port, 5001)], qmp=True)
    m.cmd('replyhi')
    assert not any('recv "hello"' in l for l in m.vga_text())
    with socket.create_connection(('127.0.0.1', port), timeout=10) as c:
        c.sendall(b'hello')
        assert c.recv(16) == b'hi'
    m.child.expect(r'send "hi" to \S+', timeout=10)  # on the serial side
    deadline = time.time() + 5
    screen = m.vga_text()
    while not any('send "hi" to' in l for l in screen) and time.time() < deadline:
        time.sleep(0.1)
        screen = m.vga_text()
    # (at an empty prompt the output follows the prompt on its line)
    assert any('recv "hello" from 10.0.2.2:' in l for l in screen), screen
    assert any(l.startswith('send "hi" to 10.0.2.2:') for l in screen), screen
