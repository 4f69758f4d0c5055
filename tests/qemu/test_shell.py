"""The MenuOS shell and the consoles, driven like a user at a serial terminal
(and, for the keyboard and the screen, through QEMU's PS/2 keyboard and the
VGA text buffer).  Issue 2: "Consoles", "The MenuOS shell", "How it is shown"."""
import re
import time

import pexpect
import pytest

from menuos import PROMPT, MenuOS, ovmf_path

BUILTINS = ['help', 'version', 'quit', 'reboot', 'uptime', 'mem', 'ps', 'clear', 'irq',
            'cmdline', 'echo', 'sleep', 'spin', 'fault']


def banner_of(boot_text):
    """The 10 lines right before the first prompt."""
    lines = boot_text.split('\n')
    assert lines[-1] == '', 'the prompt must start a line'
    return lines[-11:-1]


def no_more_prompts(m, wait=1.5):
    """True if no further prompt arrives within `wait` seconds."""
    return m.child.expect_exact([PROMPT, pexpect.TIMEOUT], timeout=wait) == 1


# ---- boot ----

def test_boot_banner_and_prompt():
    m = MenuOS()
    try:
        m.start()
        text = m.wait_prompt(120)
        banner = banner_of(text)
        assert len(banner) == 10
        for line in banner:
            assert len(line) == 60, repr(line)
            assert set(line) <= {'*', ' '}, repr(line)
        assert all('*' in line for line in banner)
        # the prompt is the last thing printed: nothing follows it
        assert no_more_prompts(m, 1)
        assert m.child.before == ''
    finally:
        m.close()


def test_boot_with_12_mb(boot):
    m = boot(mem=12)
    out = m.cmd('mem')
    total = int(re.search(r'(\d+) KiB total', out).group(1))
    assert 0 < total <= 12 * 1024


# ---- commands ----

def test_help_lists_every_command_help_first(shell):
    lines = shell.cmd('help').split('\n')
    assert lines[0].startswith('help - ')
    names = []
    for line in lines:
        mo = re.fullmatch(r'(\S+) - (\S.*)', line)
        assert mo, 'not "cmd - desc": %r' % line
        names.append(mo.group(1))
    assert len(names) == len(set(names))
    for c in BUILTINS:
        assert c in names
    fault = [ln for ln in lines if ln.startswith('fault - ')][0]
    assert 'crash' in fault.lower()
    # help CMD shows one
    assert shell.cmd('help uptime').startswith('uptime - ')


def test_version(shell):
    out = shell.cmd('version')
    assert re.fullmatch(r'MenuOS/x64 version \d+\.\d+\S* \(build \S+\)', out), out


def test_unknown_command(shell):
    lines = shell.cmd('frobnicate now').split('\n')
    assert lines[0] == 'This is a wrong cmd!'
    assert len(lines) == 2 and 'help' in lines[1]


def test_uptime_advances(shell):
    def secs(out):
        return float(re.search(r'\(([\d.]+) s\)', out).group(1))
    a = secs(shell.cmd('uptime'))
    time.sleep(1.2)
    b = secs(shell.cmd('uptime'))
    assert 1.0 <= b - a < 30


def test_mem(shell):
    out = shell.cmd('mem')
    mo = re.search(r'pages:\s+(\d+) total, (\d+) free, (\d+) used', out)
    assert mo, out
    total, free, used = map(int, mo.groups())
    assert total == free + used and 0 < free < total
    assert 8 * 1024 < total * 4 <= 64 * 1024        # -m 64
    assert re.search(r'kmalloc: \d+ bytes in use, \d+ allocations, \d+ frees', out)


def test_cmdline_shows_append_words(boot):
    m = boot(append='console=both foo=bar quiet')
    lines = m.cmd('cmdline').split('\n')
    assert lines[0] == 'console=both foo=bar quiet'
    assert '  foo = bar' in lines and '  quiet' in lines and '  console = both' in lines


def test_irq_lists_the_console_interrupts(shell):
    out = shell.cmd('irq')
    assert 'serial' in out and 'keyboard' in out


# ---- the line: Enter forms, splitting, limits ----

def test_cr_lf_crlf_each_run_one_command(shell):
    shell.send('echo one\recho two\necho three\r\necho four\r')
    outs = [shell.wait_prompt() for _ in range(4)]
    assert no_more_prompts(shell), 'an Enter ran an extra (empty) command'
    for want, got in zip(['one', 'two', 'three', 'four'], outs):
        assert got.split('\n')[1] == want, outs


def test_args_split_on_spaces_and_tabs(shell):
    # a Tab after the command name is a separator (in the name it completes)
    assert shell.cmd('echo  a\t\tb   c\t') == 'a b c'


def test_32_args_accepted_33_rejected(shell):
    words = ['w%d' % i for i in range(31)]
    assert shell.cmd('echo ' + ' '.join(words)) == ' '.join(words)          # argc 32
    out = shell.cmd('echo ' + ' '.join(words + ['w31']))                    # argc 33
    assert out == 'too many arguments (max 32)'


def test_1024_chars_accepted_1025_rejected(shell):
    line = 'echo ' + 'x' * (1024 - 5)
    assert shell.cmd(line, timeout=60) == 'x' * 1019
    out = shell.cmd(line + 'y', timeout=60)
    assert out == 'line too long (max 1024 characters)'


# ---- line editing ----

def test_backspace_both_codes(shell):
    assert shell.cmd('echo abX\x7fc\x08d') == 'abd'


def test_ctrl_u_kills_the_line(shell):
    assert shell.cmd('echo garbage\x15echo fresh') == 'fresh'


def test_ctrl_c_abandons_the_line(shell):
    shell.send('echo never\x03')
    text = shell.wait_prompt()
    assert text.endswith('^C\n') and 'never\n' not in text
    assert shell.cmd('echo after') == 'after'


def test_history_up_down(shell):
    shell.cmd('echo first')
    shell.cmd('echo second')
    assert shell.cmd('\x1b[A\x1b[A') == 'first'             # up, up
    # history now: first, second, first. up x3 reaches the oldest, down one
    assert shell.cmd('\x1b[A\x1b[A\x1b[A\x1b[B') == 'second'
    # down past the newest gives back what was being typed
    assert shell.cmd('echo kept\x1b[A\x1b[B') == 'kept'


def test_tab_completion(shell):
    assert shell.cmd('vers\t').startswith('MenuOS/x64 version')
    assert shell.cmd('ech\t tabbed') == 'tabbed'
    # ambiguous: Tab lists the candidates and redraws the line
    shell.send('s\t')
    shell.expect(r'\n[^\n]*sleep[^\n]*spin[^\n]*\r?\nMenuOS>>s')
    shell.send('\x15')
    assert shell.cmd('echo ok') == 'ok'


def test_cursor_keys_edit_in_the_middle(shell):
    assert shell.cmd('echo hllo\x1b[D\x1b[D\x1b[De') == 'hello'


# ---- tasks: preemption, Ctrl-C for a foreground command ----

def test_spinning_task_does_not_freeze_the_shell(boot):
    m = boot()
    out = m.cmd('spin')
    pid = re.search(r'task (\d+)', out).group(1)
    for _ in range(3):
        t0 = time.time()
        m.cmd('uptime', timeout=10)
        assert time.time() - t0 < 5, 'the shell answers slowly next to a spinning task'
    ps = m.cmd('ps')
    assert re.search(r'\b%s\b.*spin' % pid, ps), ps
    assert 'shell' in ps


def test_sleep_and_ctrl_c_interrupts_it(shell):
    t0 = time.time()
    assert shell.cmd('sleep 300') == ''
    assert time.time() - t0 >= 0.3
    shell.sendline('sleep 600000')
    shell.expect_exact('sleep 600000')
    time.sleep(0.5)
    t0 = time.time()
    shell.send('\x03')
    out = shell.wait_prompt(15)
    assert time.time() - t0 < 10
    assert out.strip('\n') == '^C\nsleep: Interrupted system call'
    assert shell.cmd('echo alive') == 'alive'


# ---- the fault path ----

def test_fault_prints_registers_and_backtrace(boot):
    m = boot()
    m.sendline('fault')
    m.expect_exact('System halted')
    report = m.transcript[m.transcript.rfind('fault\r'):].replace('\r', '')
    assert 'Page fault' in report or '#PF' in report
    assert re.search(r'error code 0x[0-9a-f]+', report)
    assert re.search(r'CR2: ?0*dead0000000\b', report, re.I), report
    for reg in ['RIP', 'RSP', 'RAX', 'RBX', 'RCX', 'RDX', 'RSI', 'RDI', 'RBP',
                'R08', 'R09', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15']:
        assert re.search(r'\b%s: ?[0-9a-f]{4}' % reg, report, re.I), reg
    bt = report[report.index('Backtrace'):]
    assert 'cmd_fault' in bt              # the handler that faulted, by name
    assert 'run_command' in bt or 'ExecuteMenu' in bt     # and who called it
    assert PROMPT not in report           # the kernel halted


def test_panic_prints_registers_and_backtrace(boot):
    m = boot()
    m.sendline('fault panic')
    m.expect_exact('System halted')
    report = m.transcript[m.transcript.rfind('fault panic\r'):].replace('\r', '')
    assert 'KERNEL PANIC: requested by the fault command' in report
    for reg in ['RIP', 'RSP', 'RAX', 'R15', 'CR2']:
        assert re.search(r'\b%s: ?[0-9a-f]{4}' % reg, report, re.I), reg
    bt = report[report.index('Backtrace'):]
    assert 'panic' in bt and 'cmd_fault' in bt, bt


def test_fault_with_bad_argument_is_refused(shell):
    assert shell.cmd('fault nowhere') == 'usage: fault [panic | stack | nx | wp | canary]'


# ---- power ----

def test_quit_ends_qemu_with_status_0(boot):
    m = boot()
    m.sendline('quit')
    assert m.wait_exit(60) == 0


def test_reboot_resets_the_machine(boot):
    m = boot()
    m.sendline('reboot')
    # -no-reboot turns the reset into QEMU exiting, with status 0
    assert m.wait_exit(60) == 0
    assert 'Rebooting.' in m.transcript


# ---- consoles: PS/2 keyboard in, VGA text out ----

def test_keyboard_and_vga(boot):
    m = boot(qmp=True)
    m.type_keys('echo Typed_On_PS2\r')
    assert m.wait_prompt().split('\n')[:2] == ['echo Typed_On_PS2', 'Typed_On_PS2']
    m.type_keys('echo junk')
    m.key('ctrl', 'u')
    m.key('up')                          # history through the arrow key's ESC [ A
    m.key('ret')
    assert m.wait_prompt().split('\n')[-2] == 'Typed_On_PS2'
    m.type_keys('ech')
    m.key('tab')
    m.type_keys('on screen\r')
    assert m.wait_prompt().split('\n')[-2] == 'on screen'
    screen = m.vga_text()
    assert 'MenuOS>>echo Typed_On_PS2' in screen
    i = screen.index('MenuOS>>echo on screen')
    assert screen[i + 1] == 'on screen' and screen[i + 2] == PROMPT
    # a full 80-column line and its newline take one row; long lines wrap
    m.cmd('echo ' + 'w' * 80)
    screen = m.vga_text()
    i = screen.index('MenuOS>>echo ' + 'w' * 67)
    assert screen[i + 1:i + 4] == ['w' * 13, 'w' * 80, PROMPT]
    # clear: ANSI clear-screen for the terminal, a blank VGA screen
    assert m.cmd('clear') == '\x1b[2J\x1b[H'
    assert m.vga_text() == [PROMPT] + [''] * 24


# ---- booting through GRUB ----

def test_iso_bios_boot_reaches_prompt(boot):
    m = boot(iso=True, timeout=120, qmp=True)
    assert m.cmd('version').startswith('MenuOS/x64')
    assert 'ip=10.0.2.15' in m.cmd('cmdline')          # GRUB's command line arrived
    assert m.cmd('echo via grub') == 'via grub'
    assert 'MenuOS>>echo via grub' in m.vga_text()     # GRUB left the screen in text mode


@pytest.mark.skipif(ovmf_path() is None, reason='OVMF (Debian package ovmf) is not installed')
def test_iso_uefi_boot_reaches_prompt(boot):
    m = boot(iso=True, efi=True, timeout=300)
    assert m.cmd('version').startswith('MenuOS/x64')
