"""The images `make` builds: build/menuos.elf, the kernel every boot path
loads, without debug information or ELF symbol table (their copy is
build/menuos.elf.debug, named by the image's .gnu_debuglink), and the GRUB
ISO of boot/mkiso.sh, which holds the kernel, GRUB's two images and the
modules boot/grub.cfg's commands load, nothing else.  That backtraces still
name functions from the stripped image is asserted by test_shell.py's
fault and panic tests, which boot it."""
import os
import re
import shutil
import struct
import subprocess
import zlib

from menuos import MenuOS, ROOT, build_path


def section_names(path):
    out = subprocess.run(['readelf', '-SW', path], capture_output=True, text=True,
                         check=True).stdout
    return set(re.findall(r'^\s*\[\s*\d+\]\s+(\S+)', out, re.M))


def test_released_elf_has_no_debug_information_or_symbol_table():
    names = section_names(build_path('menuos.elf'))
    assert not [n for n in names if n.startswith('.debug')], names
    assert not names & {'.symtab', '.strtab'}, names
    # what is loaded stays, with the table backtraces print names from, and the notes
    assert {'.text', '.rodata', '.data', '.ksyms', '.bss', '.note.Xen', '.note.menuos'} <= names
    full = section_names(build_path('menuos.elf.debug'))
    assert {'.debug_info', '.debug_line', '.symtab'} <= full


def test_debuglink_names_the_full_elf_with_its_crc(tmp_path):
    link = str(tmp_path / 'debuglink')
    subprocess.run(['objcopy', '--dump-section', '.gnu_debuglink=' + link,
                    build_path('menuos.elf'), str(tmp_path / 'copy.elf')], check=True)
    data = open(link, 'rb').read()
    name = data[:data.index(b'\0')]
    assert name == b'menuos.elf.debug'
    (crc,) = struct.unpack('<I', data[-4:])
    assert crc == zlib.crc32(open(build_path('menuos.elf.debug'), 'rb').read())


def test_gdb_finds_symbols_and_lines_from_the_stripped_image():
    r = subprocess.run(['gdb', '-q', '-batch', '-nx', '-ex', 'file ' + build_path('menuos.elf'),
                        '-ex', 'info line kmain', '-ex', 'info address tcp_v4_rcv'],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    assert re.search(r'Line \d+ of "kernel/main\.c" starts at address 0x[0-9a-f]+ <kmain>', out), out
    assert re.search(r'Symbol "tcp_v4_rcv" is a function at address 0x[0-9a-f]+', out), out


def iso_files(iso):
    out = subprocess.run(['xorriso', '-indev', iso, '-find', '/', '-type', 'f'],
                         capture_output=True, text=True, check=True).stdout
    return [l.strip().strip("'") for l in out.splitlines() if l.strip()]


def iso_extract(iso, path, dest):
    subprocess.run(['xorriso', '-osirrox', 'on', '-indev', iso, '-extract', path, dest],
                   capture_output=True, check=True)
    return open(dest, 'rb').read()


def grub_commands():
    return [l.strip() for l in open(os.path.join(ROOT, 'boot', 'grub.cfg'))
            if l.strip() and not l.lstrip().startswith('#')]


def test_iso_holds_the_kernel_grub_and_its_modules_only(tmp_path):
    iso = build_path('menuos.iso')
    files = iso_files(iso)
    mods = [f for f in files if f.startswith('/boot/grub/i386-pc/')]
    assert set(files) - set(mods) == {'/boot/menuos.elf', '/boot/grub/bios.img', '/efi.img'}
    names = {os.path.basename(m) for m in mods}
    assert all(n.endswith('.mod') for n in names), names
    assert {'multiboot2.mod', 'serial.mod', 'terminal.mod'} <= names
    # nothing the commands do not use: no menu graphics, other file systems or partitions
    assert not names & {'gfxterm.mod', 'png.mod', 'ext2.mod', 'fat.mod', 'part_gpt.mod'}, names
    # the disc's kernel is the released image
    kernel = iso_extract(iso, '/boot/menuos.elf', str(tmp_path / 'menuos.elf'))
    assert kernel == open(build_path('menuos.elf'), 'rb').read()
    # the UEFI loader in efi.img carries boot/grub.cfg's commands (EFI images are not compressed)
    efi_img = str(tmp_path / 'efi.img')
    iso_extract(iso, '/efi.img', efi_img)
    loader = str(tmp_path / 'BOOTX64.EFI')
    subprocess.run(['mcopy', '-i', efi_img, '::/EFI/BOOT/BOOTX64.EFI', loader], check=True)
    embedded = open(loader, 'rb').read()
    for line in grub_commands():
        assert line.encode() in embedded, line


def test_grub_reports_a_missing_kernel(tmp_path):
    tree = tmp_path / 'tree'
    (tree / 'boot').mkdir(parents=True)
    iso = str(tmp_path / 'nokernel.iso')
    subprocess.run(['sh', os.path.join(ROOT, 'boot', 'mkiso.sh'), iso, str(tree),
                    os.path.join(ROOT, 'boot', 'grub.cfg'), 'multiboot2'], check=True)
    shutil.rmtree(tree)
    m = MenuOS(iso=iso, mem=64, timeout=60)
    try:
        m.start()
        # on the serial console (GRUB's config puts its terminal there too)
        m.expect_exact("error: file `/boot/menuos.elf' not found.")
        m.expect_exact('grub>')                 # GRUB's prompt, nothing hangs
        assert 'MenuOS/x64' not in m.transcript
    finally:
        m.close()
