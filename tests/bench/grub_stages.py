"""Where a GRUB boot from the ISO under SeaBIOS spends its time, from
timestamps taken on the host as the lines arrive: SeaBIOS's log (QEMU's
isa-debugcon, port 0x402), the serial console, and QEMU's trace event
ide_atapi_cmd_read (every CD read, with its first block), mapped onto the
ISO's files by their block ranges (xorriso report_lba).  No change to the
guest or the image is needed, so the Linux guest's ISO is measured the same.

  qemu      spawn of QEMU to SeaBIOS's first line (QEMU's own start-up)
  firmware  SeaBIOS's start-up to its jump to the El Torito image (0000:7c00)
  core-read El Torito boot code reading GRUB's core image (CORES)
  unpack    the core read to GRUB's next read: LZMA unpacking of the core,
            GRUB's start-up and its embedded commands until they read a file
  modules   reads of GRUB's module files (insmod), to the kernel's first block
  kernel    the kernel file(s) read (every block of the loader's files)
  handoff   last kernel block to the kernel's first console line (GRUB's loader
            work, the jump, the kernel's start until it prints); with a kernel
            that prints nothing early (Linux `quiet`) it is merged into:
  os        the kernel's first line (or last block) to the prompt
"""
import os
import re
import select
import statistics
import subprocess
import time

SEABIOS_FIRST = 'SeaBIOS (version'
SEABIOS_JUMP = 'Booting from 0000:7c00'
# GRUB's El Torito image: boot/mkiso.sh's, or grub-mkrescue's (to measure an ISO made that way)
CORES = ('/boot/grub/bios.img', '/boot/grub/i386-pc/eltorito.img')
STAGES = ('qemu', 'firmware', 'core-read', 'unpack', 'modules', 'kernel', 'handoff', 'os')


def file_blocks(iso):
    """path -> (first 2 KiB block, block count) of every file in the ISO."""
    out = subprocess.run(['xorriso', '-indev', iso, '-find', '/', '-type', 'f', '-exec',
                          'report_lba'], capture_output=True, text=True, check=True).stdout
    blocks = {}
    for m in re.finditer(r"File data lba:\s*\d+\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*\d+\s*,\s*'([^']+)'",
                         out):
        blocks[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return blocks


def _within(lba, ranges):
    return any(a <= lba < a + n for a, n in ranges)


def one_boot(argv, iso, kernels, first_line, prompt, timeout=300):
    """Stage -> seconds for one boot; kernels are the loader's files in the
    ISO, first_line the kernel's first console line (None if it prints none
    before the prompt)."""
    blocks = file_blocks(iso)
    core = [blocks[f] for f in CORES if f in blocks]
    kern = [blocks[k] for k in kernels]
    argv = argv + ['-chardev', 'stdio,id=con0,mux=on,signal=off', '-serial', 'chardev:con0',
                   '-device', 'isa-debugcon,iobase=0x402,chardev=con0',
                   '-trace', 'ide_atapi_cmd_read', '-cdrom', iso, '-boot', 'd']
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    marks, reads, bufs = {}, [], {p.stdout: b'', p.stderr: b''}
    try:
        while 'prompt' not in marks:
            if time.monotonic() - t0 > timeout:
                raise TimeoutError('no %r within %d s' % (prompt, timeout))
            ready, _, _ = select.select(list(bufs), [], [], 1)
            for f in ready:
                data = os.read(f.fileno(), 65536)
                if not data:
                    raise EOFError('QEMU ended before the prompt')
                now = time.monotonic() - t0
                bufs[f] += data
                if f is p.stderr:
                    *lines, bufs[f] = bufs[f].split(b'\n')
                    for l in lines:
                        m = re.search(rb'ide_atapi_cmd_read .*LBA=(\d+)', l)
                        if m:
                            reads.append((now, int(m.group(1))))
                    continue
                text = bufs[f].decode('utf-8', 'replace')
                for key, s in (('seabios', SEABIOS_FIRST), ('jump', SEABIOS_JUMP),
                               ('first_line', first_line), ('prompt', prompt)):
                    if s and key not in marks and s in text:
                        marks[key] = now
                bufs[f] = bufs[f][-4096:]
    finally:
        p.kill()
        p.wait()
    # The firmware's and the boot code's reads of the core come in one run;
    # GRUB's own reads (whole 8-block chunks, which may overlap the core's
    # last blocks) start with the first read outside it.
    first = next(i for i, (_, lba) in enumerate(reads) if _within(lba, core))
    grub = next(i for i in range(first, len(reads)) if not _within(reads[i][1], core))
    kern_reads = [t for t, lba in reads[grub:] if _within(lba, kern)]
    t = {'seabios': marks['seabios'], 'jump': marks['jump'], 'core': reads[grub - 1][0],
         'grub': reads[grub][0], 'kfirst': kern_reads[0], 'klast': kern_reads[-1]}
    st = {'qemu': t['seabios'], 'firmware': t['jump'] - t['seabios'],
          'core-read': t['core'] - t['jump'], 'unpack': t['grub'] - t['core'],
          'modules': t['kfirst'] - t['grub'], 'kernel': t['klast'] - t['kfirst']}
    if 'first_line' in marks:
        st['handoff'] = marks['first_line'] - t['klast']
        st['os'] = marks['prompt'] - marks['first_line']
    else:
        st['os'] = marks['prompt'] - t['klast']
    st['total'] = marks['prompt']
    return st


def measure(argv, iso, kernels, first_line, prompt, runs, log=print):
    """Median (min-max) of each stage over runs boots; returns lines."""
    samples = [one_boot(argv, iso, kernels, first_line, prompt) for _ in range(runs)]
    lines = []
    for s in STAGES + ('total',):
        v = [x[s] for x in samples if s in x]
        if v:
            lines.append('  %-9s %6.3f s  (%.3f-%.3f)' % (s, statistics.median(v), min(v), max(v)))
    for l in lines:
        log(l)
    return lines
