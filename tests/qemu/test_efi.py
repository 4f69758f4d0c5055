"""UEFI boot without GRUB (boot/efi/BOOTX64.EFI from build/esp.img) and with
GRUB's EFI loader (the hybrid ISO), both under OVMF, and the framebuffer
console they share.  Issue 9, "How it is shown".

The screen is checked by reading the framebuffer back: a QEMU `screendump`
(PPM) is cut into 8x16 cells and each cell is matched against the glyphs of
drivers/font_8x16.c, the font the kernel draws with; the text must be what
the serial console printed, laid out by the rules of the VGA text console.
"""
import os
import re
import shutil
import struct
import subprocess
import time

import pexpect
import pytest

from menuos import PROMPT, ROOT, MenuOS, build_path, ovmf_path

pytestmark = pytest.mark.skipif(ovmf_path() is None,
                                reason='OVMF (Debian package ovmf) is not installed')

FONT_W, FONT_H = 8, 16
CURSOR_LINES = (13, 14)         # drivers/fbcon.c CURSOR_FIRST..CURSOR_LAST
KERNEL_START = 'MenuOS/x64 '    # the kernel's first line; what comes before is firmware


# ---- the font and the screen ----

def load_font():
    """{16 row bytes: character} from drivers/font_8x16.c."""
    src = open(os.path.join(ROOT, 'drivers', 'font_8x16.c')).read()
    body = src[src.index('font_8x16[FONT_LAST'):src.index('};')]
    glyphs = re.findall(r'\{([^{}]*)\}', body)
    assert len(glyphs) == 0x7f - 0x20, len(glyphs)
    font = {}
    for i, g in enumerate(glyphs):
        rows = tuple(int(x, 16) for x in re.findall(r'0x[0-9a-fA-F]{2}', g))
        assert len(rows) == FONT_H
        assert rows not in font, 'glyphs %r and %r are the same' % (font.get(rows), chr(0x20 + i))
        font[rows] = chr(0x20 + i)
    return font


def read_ppm(path):
    """(width, height, bytes RGB) of a binary PPM (P6, maxval 255)."""
    data = open(path, 'rb').read()
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+(\d+)\s', data)
    assert m and m.group(3) == b'255', data[:20]
    w, h = int(m.group(1)), int(m.group(2))
    pix = data[m.end():]
    assert len(pix) == w * h * 3
    return w, h, pix


def screen_text(path, font):
    """The screen as text lines (trailing blanks dropped), and the cursor's
    (row, col): the cell with the underline on scan lines 13-14."""
    w, h, pix = read_ppm(path)
    cols, rows = w // FONT_W, h // FONT_H
    cursor_bits = tuple(0xff if y in CURSOR_LINES else 0 for y in range(FONT_H))
    lines, cursor = [], None
    for r in range(rows):
        line = ''
        for c in range(cols):
            cell = []
            for y in range(FONT_H):
                off = ((r * FONT_H + y) * w + c * FONT_W) * 3
                row = pix[off:off + FONT_W * 3]
                cell.append(sum(0x80 >> x for x in range(FONT_W) if any(row[3 * x:3 * x + 3])))
            cell = tuple(cell)
            if cell in font:
                line += font[cell]
                continue
            # the cursor cell: the glyph with its scan lines 13-14 filled
            for g, ch in font.items():
                if tuple(a | b for a, b in zip(g, cursor_bits)) == cell:
                    line += ch
                    cursor = (r, c)
                    break
            else:
                raise AssertionError('cell (%d, %d) is no glyph: %r' % (r, c, cell))
        lines.append(line.rstrip())
    return lines, cursor, (cols, rows)


def expected_screen(serial, cols, rows):
    """What the VGA text console rules (drivers/vga.c, drivers/fbcon.c) make
    of the kernel's serial output: wrap before drawing, scroll at the bottom,
    \\b back over a wrapped line, ANSI sequences consumed, ESC [ 2 J (what
    `clear` sends the terminal) as the screen being cleared."""
    text = serial[serial.index(KERNEL_START):].replace('\r', '')
    screen = [[' '] * cols for _ in range(rows)]
    r = c = 0
    i = 0
    while i < len(text):
        ch = text[i]
        i += 1
        if ch == '\x1b':
            m = re.match(r'\[([0-9;]*)([@-~])', text[i:])
            if m:
                i += m.end()
                if m.group(1) == '2' and m.group(2) == 'J':
                    screen = [[' '] * cols for _ in range(rows)]
                    r = c = 0
            continue
        if ch == '\n':
            r, c = r + 1, 0
        elif ch == '\b':
            if c > 0:
                c -= 1
            elif r > 0:
                r, c = r - 1, cols - 1
        elif ch == '\t':
            if c == cols:
                r, c = r + 1, 0
            c = min((c + 8) & ~7, cols)
        elif ch >= ' ':
            if c == cols:
                r, c = r + 1, 0
            if r == rows:
                screen = screen[1:] + [[' '] * cols]
                r = rows - 1
            screen[r][c] = ch
            c += 1
        if r == rows:
            screen = screen[1:] + [[' '] * cols]
            r = rows - 1
    return [''.join(line).rstrip() for line in screen], (r, min(c, cols - 1))


def screendump(m, tmp_path, name):
    path = str(tmp_path / (name + '.ppm'))
    m.qmp_command('screendump', filename=path)
    return path


def check_screen(m, tmp_path, name, font, settle=5.0):
    """The screen shows what the serial console printed.  The serial bytes
    leave a moment before the same bytes are drawn, so a screenshot may
    catch a cell half drawn: take another until `settle` seconds are up."""
    deadline = time.monotonic() + settle
    while True:
        try:
            lines, cursor, (cols, rows) = screen_text(screendump(m, tmp_path, name), font)
            want, want_cursor = expected_screen(m.transcript, cols, rows)
            assert lines == want, '\n'.join('%-3d|%s|' % x for x in enumerate(lines))
            assert cursor == want_cursor
            return lines
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ---- the two UEFI paths ----

def firmware_usable_kib(transcript):
    """Conventional + boot services + loader memory that BOOTX64.EFI saw
    in the firmware's map: what is free for the kernel after the exit."""
    m = re.search(r'memory map, KiB: conventional (\d+), boot services (\d+), loader (\d+)',
                  transcript)
    assert m, 'BOOTX64.EFI printed no memory map summary'
    return sum(int(x) for x in m.groups())


def mem_kib(m):
    out = m.cmd('mem')
    found = re.search(r'memory:\s+(\d+) KiB total', out)
    assert found, out
    return int(found.group(1))


def usable_in_boot_log_kib(transcript):
    """The usable ranges of the memory map the kernel printed at boot."""
    ranges = re.findall(r'^EFI: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] usable', transcript, re.M)
    assert ranges
    return sum(int(b, 16) + 1 - int(a, 16) for a, b in ranges) // 1024


def kernel_kib(transcript):
    return int(re.search(r'mm: \d+ KiB usable, kernel (\d+) KiB', transcript).group(1))


def replyhi_hello(m):
    assert 'Please input hello...' in m.cmd('replyhi')
    out = m.cmd('hello')
    port = re.search(r'recv "hello" from 127\.0\.0\.1:(\d+)', out)
    assert port, out
    assert 'send "hi" to 127.0.0.1:%s' % port.group(1) in out, out
    assert 'send "hello" to 127.0.0.1:5001' in out, out
    assert 'recv "hi" from 127.0.0.1:5001' in out, out


@pytest.fixture(scope='module')
def font():
    return load_font()


def test_direct_uefi_boot(boot, tmp_path, font):
    m = boot(esp=True, mem=128, nic='virtio', qmp=True, timeout=150)
    t = m.transcript
    assert 'BOOTX64.EFI: MenuOS UEFI loader' in t
    assert 'Booting `MenuOS/x64' not in t                # no GRUB on this path
    assert 'booted by multiboot2 (MenuOS BOOTX64.EFI, ExitBootServices attempt 1)' in t
    fb = re.search(r'BOOTX64.EFI: framebuffer (\d+)x(\d+)', t)
    assert fb and int(fb.group(1)) >= 800 and int(fb.group(2)) >= 600, t[-3000:]
    assert re.search(r'acpi: XSDT, .*1 I/O APIC', t)     # the ACPI 2.0 RSDP from the config table
    assert 'ip=10.0.2.15' in m.cmd('cmdline')           # \EFI\MENUOS\CMDLINE.TXT arrived
    assert re.search(r'eth0\b', m.cmd('ifconfig'))
    replyhi_hello(m)
    # The kernel's map keeps every usable byte of the firmware's, and every
    # page the firmware left free (boot services memory included) is the
    # kernel's, less what lies in the first MiB and the kernel image (kernel/mm.c).
    fw = firmware_usable_kib(t)
    assert usable_in_boot_log_kib(t) == fw
    assert fw - 1024 - kernel_kib(t) <= mem_kib(m) <= fw - kernel_kib(t)
    assert mem_kib(m) > 0.9 * 128 * 1024
    check_screen(m, tmp_path, 'direct', font)


def test_grub_uefi_boot(boot, tmp_path, font):
    m = boot(iso=True, efi=True, mem=128, nic='virtio', qmp=True, timeout=300)
    t = m.transcript
    assert 'booted by multiboot2 (GRUB' in t
    assert 'ip=10.0.2.15' in m.cmd('cmdline')
    assert re.search(r'eth0\b', m.cmd('ifconfig'))
    replyhi_hello(m)
    # GRUB passes the firmware's own map (EFI mmap tag), converted by the same
    # kernel code; boot services memory (some 36 MiB under OVMF) is reclaimed
    usable = usable_in_boot_log_kib(t)
    assert usable - 1024 - kernel_kib(t) <= mem_kib(m) <= usable - kernel_kib(t)
    assert mem_kib(m) > 0.9 * 128 * 1024
    check_screen(m, tmp_path, 'grub', font)


def test_framebuffer_console_scrolls_and_clears(boot, tmp_path, font):
    m = boot(esp=True, mem=64, qmp=True, timeout=150)
    lines = check_screen(m, tmp_path, 'boot', font)
    assert PROMPT in lines
    for i in range(40):                                  # more lines than the screen has
        m.cmd('echo line %d' % i)
    m.cmd('echo ' + 'w' * 200)                           # wraps
    lines = check_screen(m, tmp_path, 'scrolled', font)
    assert 'line 0' not in lines and 'line 39' in lines
    m.sendline('echo typo\b\b\bped')                     # backspace
    m.wait_prompt()
    check_screen(m, tmp_path, 'edited', font)
    m.cmd('clear')
    lines = check_screen(m, tmp_path, 'cleared', font)
    assert lines[0] == PROMPT and not any(lines[1:])


def test_small_firmware_mode_is_raised_to_800x600(boot, tmp_path, font):
    # the display prefers 640x480 (its EDID), so OVMF starts there; the
    # loader picks the smallest mode of at least 800x600
    m = boot(esp=True, mem=64, qmp=True, timeout=150,
             extra=['-global', 'VGA.xres=640', '-global', 'VGA.yres=480'])
    assert 'BOOTX64.EFI: framebuffer 800x600 at' in m.transcript
    assert read_ppm(screendump(m, tmp_path, 'size'))[:2] == (800, 600)
    m.cmd('echo ' + 'x' * 120)                           # wraps at 100 columns
    check_screen(m, tmp_path, 'small', font)


def test_keyboard_on_uefi(boot):
    m = boot(esp=True, mem=64, qmp=True, timeout=150)
    m.type_keys('echo typed on ps2\r')
    m.expect_exact('typed on ps2')
    m.wait_prompt()


def test_exit_boot_services_retried_when_the_map_changed(boot, tmp_path):
    # efi_stale_map_key: the loader allocates a page between GetMemoryMap and
    # ExitBootServices, so the firmware refuses the stale key (UEFI 7.4)
    esp = str(tmp_path / 'esp.img')
    shutil.copy(build_path('esp.img'), esp)
    line = open(os.path.join(ROOT, 'boot', 'efi', 'cmdline.txt')).read().strip()
    f = str(tmp_path / 'CMDLINE.TXT')
    open(f, 'w').write(line + ' efi_stale_map_key\n')
    subprocess.run(['mcopy', '-o', '-i', esp, f, '::/EFI/MENUOS/CMDLINE.TXT'], check=True)
    m = boot(esp=esp, mem=64, timeout=150)
    assert 'booted by multiboot2 (MenuOS BOOTX64.EFI, ExitBootServices attempt 2)' in m.transcript
    assert 'efi_stale_map_key' in m.cmd('cmdline')
    assert m.cmd('echo after the retry') == 'after the retry'


# ---- the loader's errors ----

def broken_esp(tmp_path, kernel_bytes):
    esp = str(tmp_path / 'esp.img')
    shutil.copy(build_path('esp.img'), esp)
    k = str(tmp_path / 'MENUOS.ELF')
    open(k, 'wb').write(kernel_bytes)
    subprocess.run(['mcopy', '-o', '-i', esp, k, '::/EFI/MENUOS/MENUOS.ELF'], check=True)
    return esp


@pytest.mark.parametrize('name,message', [
    ('garbage', 'not an ELF file'),
    ('truncated', 'program headers missing or outside the file'),
    ('i386', 'not an x86-64 ELF file'),
    ('segment', 'a segment lies outside the file'),
    ('foreign', 'no MenuOS 64-bit entry note inside the image'),
])
def test_broken_kernel_gives_loader_error(tmp_path, name, message):
    elf = open(build_path('menuos.elf'), 'rb').read()
    if name == 'segment':                                # first PT_LOAD: p_filesz = 1 GiB
        phoff = struct.unpack_from('<Q', elf, 32)[0]
        elf = bytearray(elf)
        struct.pack_into('<Q', elf, phoff + 32, 1 << 30)
    elif name == 'foreign':                              # an x86-64 executable, not MenuOS
        other = str(tmp_path / 'foreign.elf')
        subprocess.run(['objcopy', '--remove-section', '.note.menuos', build_path('menuos.elf'),
                        other], check=True)
        elf = open(other, 'rb').read()
    content = {
        'garbage': b'this is not a kernel\n' * 100,
        'truncated': elf[:64],                           # the ELF header only
        'i386': elf[:18] + b'\x03\x00' + elf[20:],       # e_machine = EM_386
    }.get(name, bytes(elf))
    m = MenuOS(esp=broken_esp(tmp_path, content), mem=64, timeout=150)
    try:
        m.start()
        m.expect(r'BOOTX64\.EFI: \\EFI\\MENUOS\\MENUOS\.ELF: %s \(EFI status: [A-Z][a-z]' % message)
        m.expect_exact('BOOTX64.EFI: returning to the firmware')
        # the loader returned: the firmware's boot manager carries on, nothing hangs
        m.expect(r'BdsDxe|Shell>|Boot Manager|No bootable', timeout=60)
        assert KERNEL_START not in m.transcript
    finally:
        m.close()


def test_missing_kernel_gives_loader_error(tmp_path):
    esp = str(tmp_path / 'esp.img')
    shutil.copy(build_path('esp.img'), esp)
    subprocess.run(['mdel', '-i', esp, '::/EFI/MENUOS/MENUOS.ELF'], check=True)
    m = MenuOS(esp=esp, mem=64, timeout=150)
    try:
        m.start()
        m.expect_exact('BOOTX64.EFI: cannot read \\EFI\\MENUOS\\MENUOS.ELF (EFI status: Not Found)')
        m.expect_exact('BOOTX64.EFI: returning to the firmware')
    finally:
        m.close()


def test_run_script_efi_direct_and_quit():
    child = pexpect.spawn('./run-qemu.sh', ['--efi-direct', '--accel', 'tcg', '--nic', 'none'],
                          cwd=ROOT, encoding='utf-8', codec_errors='replace', timeout=150)
    try:
        child.expect_exact('booted by multiboot2 (MenuOS BOOTX64.EFI')
        child.expect_exact(PROMPT)
        child.send('quit\r')
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
