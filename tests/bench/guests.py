"""The two guests of `make bench` and how QEMU runs them.

Both guests get exactly the same QEMU options (COMMON: accelerator, -m,
-smp, -cpu, console wiring; the same NIC model with the same properties on
the same tap) and differ only in what is booted: MenuOS's ELF or ISO, or
Debian's kernel with the menuos-peer initramfs (direct) or its GRUB ISO.

The serial console is a pipe read by a thread all the time, so a guest
that prints (replyhi prints two lines per connection) never waits on a
full pipe while the harness is busy elsewhere: what the figures show is
the guest's console cost, not the harness's.
"""
import os
import re
import subprocess
import threading
import time

QEMU = 'qemu-system-x86_64'
MEM_MB = 128
COMMON = ['-accel', 'tcg', '-smp', '1', '-cpu', 'qemu64', '-nodefaults', '-vga', 'std',
          '-display', 'none', '-monitor', 'none', '-no-reboot',
          '-chardev', 'stdio,id=con0,signal=off', '-serial', 'chardev:con0']
NIC_DEVICES = {'virtio': 'virtio-net-pci', 'e1000': 'e1000'}
MAC = '52:54:00:12:34:56'
TAP = 'tap0'


class GuestFailed(Exception):
    """The guest did not reach its prompt or a command did not finish."""


class Guest:
    """What is booted and how its shell looks."""

    def __init__(self, name, prompt, fail, direct, iso, image_files):
        self.name = name
        self.prompt = prompt
        self.fail = fail  # what it prints when it gives up
        self.direct = direct  # QEMU arguments for a direct -kernel boot
        self.iso = iso  # the GRUB image
        self.image_files = image_files  # what a direct boot loads

    def argv(self, mem=MEM_MB, nic='virtio', grub=False, netns=None):
        a = [QEMU, '-m', str(mem)] + COMMON
        a += ['-cdrom', self.iso, '-boot', 'd'] if grub else self.direct
        a += nic_args(nic)
        return (['ip', 'netns', 'exec', netns] if netns else []) + a


def nic_args(nic):
    if nic in (None, 'none'):
        return []
    return ['-netdev', 'tap,id=n0,ifname=%s,script=no,downscript=no' % TAP,
            '-device', '%s,netdev=n0,mac=%s' % (NIC_DEVICES[nic], MAC)]


def menuos(elf, iso):
    return Guest('MenuOS', 'MenuOS>>', ('*** KERNEL PANIC', 'System halted.'),
                 ['-kernel', elf], iso, [elf])


def linux(lg):
    return Guest('Linux', lg.get('prompt', 'peer>>'), ('Kernel panic',),
                 ['-kernel', lg['vmlinuz'], '-initrd', lg['initrd'], '-append', lg['cmdline']],
                 lg['iso'], [lg['vmlinuz'], lg['initrd']])


class Console:
    """One QEMU run; the serial console is stdin/stdout pipes."""

    def __init__(self, guest, argv):
        self.guest = guest
        self.argv = argv
        self.text = ''
        self.pos = 0  # what expect() has consumed
        self.cond = threading.Condition()
        self.proc = None
        self.boot_seconds = None

    def start(self, timeout):
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        threading.Thread(target=self._reader, daemon=True).start()
        self.expect(self.guest.prompt, timeout)
        self.boot_seconds = time.monotonic() - t0
        return self

    def _reader(self):
        fd = self.proc.stdout.fileno()
        while True:
            b = os.read(fd, 65536)
            with self.cond:
                if not b:
                    self.text += '\0EOF'
                    self.cond.notify_all()
                    return
                self.text += b.decode('utf-8', 'replace').replace('\r', '')
                # keep memory bounded: drop what was consumed long ago
                if self.pos > 1 << 20:
                    self.text = self.text[self.pos:]
                    self.pos = 0
                self.cond.notify_all()

    def expect(self, pattern, timeout):
        """Waits for the regex (or the literal string) pattern after what was
        consumed; returns the match and consumes through it."""
        rx = re.compile(pattern if isinstance(pattern, re.Pattern) else re.escape(pattern))
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.text, self.pos)
                if m:
                    self.before = self.text[self.pos:m.start()]
                    self.pos = m.end()
                    return m
                for f in self.guest.fail:
                    if f in self.text[self.pos:]:
                        raise GuestFailed('%s printed %r: %s' % (self.guest.name, f, self.tail()))
                if '\0EOF' in self.text[self.pos:]:
                    raise GuestFailed('QEMU exited: %s' % self.tail())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise GuestFailed('no %r within %.0f s; console ends: %s'
                                      % (rx.pattern, timeout, self.tail()))
                self.cond.wait(min(left, 1.0))

    def send(self, line):
        self.proc.stdin.write(line.encode() + b'\r')
        self.proc.stdin.flush()

    def cmd(self, line, timeout=30):
        """Types line and waits for the next prompt; returns what came before."""
        self.send(line)
        self.expect(self.guest.prompt, timeout)
        return self.before

    def tail(self, n=300):
        lines = [ln.strip() for ln in self.text[-4000:].split('\n') if ln.strip()]
        return ' / '.join(lines[-3:])[-n:] if lines else '(no output)'

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()
            self.proc.stdin.close()
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def boot(guest, timeout, **kw):
    """A started Console (closed again if the boot fails)."""
    c = Console(guest, guest.argv(**kw))
    try:
        return c.start(timeout)
    except BaseException:
        c.close()
        raise


def hello_works(con, timeout=30):
    """replyhi, then hello over the guest's loopback: True when "hi" came back."""
    con.cmd('replyhi', timeout)
    out = con.cmd('hello', timeout)
    return 'recv "hi"' in out
