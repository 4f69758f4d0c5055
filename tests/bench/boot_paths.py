#!/usr/bin/python3
"""Time to the MenuOS prompt for each way of booting, and the UEFI loader's
size.  Nothing here asserts a timing; it prints one line per figure, each
with the QEMU command that produced it.

  bios-grub    SeaBIOS, GRUB from the hybrid ISO (multiboot2)
  uefi-grub    OVMF, GRUB's EFI loader from the same ISO (multiboot2)
  uefi-direct  OVMF, boot/efi/BOOTX64.EFI from build/esp.img (no GRUB)
  pvh-direct   QEMU -kernel build/menuos.elf (PVH entry, no firmware boot loader)

Time is measured from spawning QEMU until 'MenuOS>>' arrives on the serial
console; the median of --runs boots (software emulation, -accel tcg).  For
the UEFI paths a second figure starts at OVMF's "BdsDxe: starting Boot..."
line, when the firmware hands over to the boot loader: it leaves out the
firmware's own start-up, which is most of the total under emulation.

Then the BIOS GRUB boot in stages (tests/bench/grub_stages.py: QEMU,
SeaBIOS, GRUB's core read and unpacked, its modules, the kernel's file,
the kernel's own boot), for MenuOS's ISO and, when it is built, the bench's
Linux ISO (BUILD/linux-guest/linux.iso, made by the same boot/mkiso.sh).

    tests/bench/boot_paths.py [--build DIR] [--runs N] [--paths a,b] [--no-stages] [--out FILE]
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grub_stages  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QEMU = 'qemu-system-x86_64'
PROMPT = 'MenuOS>>'
OVMF = '/usr/share/ovmf/OVMF.fd'
PATHS = ('bios-grub', 'uefi-grub', 'uefi-direct', 'pvh-direct')


def base_argv(mem):
    return [QEMU, '-accel', 'tcg', '-m', str(mem), '-nodefaults', '-vga', 'std', '-display',
            'none', '-monitor', 'none', '-nic', 'none', '-no-reboot']


def argv_for(path, build, mem):
    a = base_argv(mem) + ['-serial', 'stdio']
    iso, esp, elf = (os.path.join(build, f) for f in ('menuos.iso', 'esp.img', 'menuos.elf'))
    if path == 'bios-grub':
        return a + ['-cdrom', iso, '-boot', 'd'], iso
    if path == 'uefi-grub':
        return a + ['-bios', OVMF, '-cdrom', iso, '-boot', 'd'], iso
    if path == 'uefi-direct':
        return a + ['-bios', OVMF, '-drive', 'file=%s,format=raw,if=ide,snapshot=on' % esp], esp
    if path == 'pvh-direct':
        return a + ['-kernel', elf], elf
    raise ValueError(path)


HANDOFF = 'BdsDxe: starting Boot'


def time_to_prompt(argv, timeout, uefi):
    """(seconds to the prompt, seconds from the firmware's hand-off or None)"""
    t0 = time.monotonic()
    child = pexpect.spawn(argv[0], argv[1:], cwd=ROOT, encoding='utf-8', codec_errors='replace',
                          timeout=timeout)
    try:
        handoff = None
        if uefi:
            child.expect_exact(HANDOFF)
            handoff = time.monotonic()
        child.expect_exact(PROMPT)
        t = time.monotonic()
        return t - t0, (t - handoff if handoff else None)
    finally:
        child.close(force=True)


def fmt(times):
    return '%.3f s median of %d (runs: %s)' % (statistics.median(times), len(times),
                                               ' '.join('%.3f' % t for t in times))


def stages(args, report):
    guests = [('MenuOS', os.path.join(args.build, 'menuos.iso'), ['/boot/menuos.elf'],
               '), booted by ', PROMPT),  # the kernel's first line
              ('Linux', os.path.join(args.build, 'linux-guest', 'linux.iso'),
               ['/boot/vmlinuz', '/boot/initramfs.gz'], None, 'peer>>')]
    for name, iso, kernels, first_line, prompt in guests:
        if not os.path.exists(iso):
            report('stages.bios-grub %s skipped: %s not built' % (name, iso))
            continue
        report('stages.bios-grub %s, median (min-max) of %d boots of %s:' % (name, args.runs, iso))
        try:
            grub_stages.measure(base_argv(args.mem), iso, kernels, first_line, prompt,
                                args.runs, log=report)
        except (TimeoutError, EOFError) as e:
            report('  FAILED: %s' % e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--mem', type=int, default=128)
    ap.add_argument('--paths', default=','.join(PATHS))
    ap.add_argument('--timeout', type=int, default=300)
    ap.add_argument('--no-stages', action='store_true', help='leave out the GRUB stages')
    ap.add_argument('--out', help='also write the lines to this file')
    args = ap.parse_args()

    lines = []

    def report(line):
        print(line, flush=True)
        lines.append(line)

    for path in args.paths.split(','):
        argv, need = argv_for(path, args.build, args.mem)
        cmd = ' '.join(shlex.quote(x) for x in argv)
        if not os.path.exists(need):
            report('boot.%-12s skipped: %s not built' % (path, need))
            continue
        if path.startswith('uefi') and not os.path.exists(OVMF):
            report('boot.%-12s skipped: %s missing (package ovmf)' % (path, OVMF))
            continue
        uefi = path.startswith('uefi')
        try:
            runs = [time_to_prompt(argv, args.timeout, uefi) for _ in range(args.runs)]
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            report('boot.%-12s FAILED: %s before the prompt  [%s]' % (path, type(e).__name__, cmd))
            continue
        report('boot.%-12s %s  [%s]' % (path, fmt([r[0] for r in runs]), cmd))
        if uefi:
            report('boot.%-12s %s from %r to the prompt' % (
                path, fmt([r[1] for r in runs]), HANDOFF))

    if not args.no_stages:
        stages(args, report)
    efi = os.path.join(args.build, 'BOOTX64.EFI')
    if os.path.exists(efi):
        size = subprocess.run(['size', os.path.join(args.build, 'efi', 'bootx64.so')],
                              capture_output=True, text=True).stdout.splitlines()
        report('size.BOOTX64.EFI  %d bytes (PE32+ file; %s)  [stat -c %%s %s]' % (
            os.path.getsize(efi), ' '.join(size[1].split()[:3]) + ' text/data/bss of the .so'
            if len(size) > 1 else 'no size(1) output', efi))
    else:
        report('size.BOOTX64.EFI  skipped: %s not built' % efi)
    if args.out:
        with open(args.out, 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
