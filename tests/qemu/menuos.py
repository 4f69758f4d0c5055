"""Drive MenuOS/x64 in QEMU through its serial console, like a user at a terminal.

Every QEMU test uses this module::

    from menuos import MenuOS

    with MenuOS(mem=64, nic='virtio') as m:    # boots and waits for the prompt
        out = m.cmd('help')                     # output between the echo and the next prompt
        assert 'help - ' in out

MenuOS(...) options (all keyword arguments):

  elf       kernel ELF for direct boot (-kernel, PVH entry); default
            $MENUOS_BUILD/menuos.elf ($MENUOS_BUILD defaults to 'build')
  iso       boot the GRUB image instead (-cdrom ISO -boot d); True means
            $MENUOS_BUILD/menuos.iso
  efi       with iso: boot through OVMF (UEFI) instead of SeaBIOS
  esp       boot this FAT image (an EFI system partition holding
            \\EFI\\BOOT\\BOOTX64.EFI) through OVMF, no GRUB; True means
            $MENUOS_BUILD/esp.img
  mem       RAM in MB (-m)
  nic       'none', 'virtio' (transitional), 'virtio-modern', 'virtio-legacy',
            'e1000', or a list of these for several NICs
  netdev    'user' (restricted user-mode network), ('tap', IFNAME), or a list
            (one per NIC)
  hostfwd   with netdev 'user': list of (host_port, guest_port) TCP forwards
  mac       a MAC address (one NIC), or a list (one per NIC, None for
            QEMU's default 52:54:00:12:34:56, :57, ...)
  netns     run QEMU inside `ip netns exec NETNS` (root only)
  append    kernel command line (direct boot only; GRUB has its own)
  extra     more QEMU arguments (list)
  gdb       gdb stub on a free port (attribute gdb_port; tests/menuos.gdb reads
            $MENUOS_GDB_PORT), CPU stopped until gdb continues (like -s -S);
            then use start(), not boot() or `with`, and attach gdb
  qmp       open a QMP socket: enables type_keys()/key() (the PS/2 keyboard)
            and vga_text() (the VGA text screen), and qmp_command()
  timeout   default timeout (s) for expect()/cmd(); boot waits 2x this

Methods: boot() (start + wait_prompt, what `with` does), start(),
wait_prompt(), cmd(line), send(raw), sendline(line), expect(pattern),
expect_exact(text), wait_exit() and close() -> exit status.  Attribute
`transcript` holds everything QEMU printed (MenuOSError messages end with its
tail); `child` is the pexpect object.  Set MENUOS_VERBOSE=1 to see the
console on stderr while tests run.

QEMU runs with software emulation (-accel tcg).  The serial port is QEMU's
stdio on a pty with signals off, so Ctrl-C (0x03) reaches the guest.  The
pty's output processing turns the guest's CR LF into CR CR LF: match line
ends with \\r*\\n in expect(), or use cmd()/wait_prompt(), which drop every \\r.
"""
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get('MENUOS_BUILD', 'build')
PROMPT = 'MenuOS>>'
QEMU = 'qemu-system-x86_64'
OVMF_CANDIDATES = ('/usr/share/ovmf/OVMF.fd', '/usr/share/qemu/OVMF.fd')

NIC_DEVICES = {
    'virtio': 'virtio-net-pci',
    'virtio-modern': 'virtio-net-pci,disable-legacy=on,disable-modern=off',
    'virtio-legacy': 'virtio-net-pci,disable-legacy=off,disable-modern=on',
    'e1000': 'e1000',
}


def ovmf_path():
    """The OVMF firmware image, or None if the ovmf package is not installed."""
    for p in OVMF_CANDIDATES:
        if os.path.exists(p):
            return p
    return None


def build_path(name):
    return os.path.join(BUILD, name)


def _as_list(x, n):
    if isinstance(x, (list, tuple)) and not (isinstance(x, tuple) and x and x[0] == 'tap'):
        if len(x) != n:
            raise ValueError('need one entry per NIC: %r' % (x,))
        return list(x)
    return [x] * n


def _free_tcp_port():
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class MenuOSError(AssertionError):
    """QEMU died, or the expected output did not come; the message ends with
    the last part of the console transcript."""


class MenuOS:
    def __init__(self, elf=None, iso=None, efi=False, mem=64, nic='none', netdev='user',
                 hostfwd=(), mac=None, netns=None, append='', extra=(), gdb=False,
                 qmp=False, timeout=60, esp=None):
        self.elf = elf or build_path('menuos.elf')
        self.iso = build_path('menuos.iso') if iso is True else iso
        self.esp = build_path('esp.img') if esp is True else esp
        self.efi = efi
        self.mem = mem
        self.nics = [] if nic in (None, 'none') else (list(nic) if isinstance(nic, (list, tuple)) else [nic])
        self.netdevs = _as_list(netdev, len(self.nics)) if self.nics else []
        if isinstance(mac, str) and len(self.nics) > 1:
            raise ValueError('several NICs need a list of MACs')
        self.macs = _as_list(mac, len(self.nics)) if self.nics else []
        self.hostfwd = list(hostfwd)
        self.netns = netns
        self.append = append
        self.extra = list(extra)
        self.gdb = gdb
        self.gdb_port = None
        self.timeout = timeout
        self.child = None
        self.transcript = ''
        self.exitstatus = None
        self.qmp = None
        self.want_qmp = qmp
        self._tmpdir = None

    # ---- command line ----

    def qemu_args(self):
        """The full argv that start() runs (useful in failure messages and docs)."""
        a = [QEMU, '-accel', 'tcg', '-m', str(self.mem),
             '-nodefaults', '-vga', 'std', '-display', 'none', '-monitor', 'none',
             '-no-reboot',
             # stdio serial with signals off: 0x03 is a keystroke for the guest, not SIGINT
             '-chardev', 'stdio,id=con0,signal=off', '-serial', 'chardev:con0']
        if self.esp:
            if self.append:
                raise ValueError('append= works with direct boot only (the ESP has CMDLINE.TXT)')
            fw = ovmf_path()
            if not fw:
                raise FileNotFoundError('OVMF is not installed (Debian package ovmf)')
            # snapshot: the image stays as built, whatever the guest writes
            a += ['-bios', fw, '-drive', 'file=%s,format=raw,if=ide,snapshot=on' % self.esp]
        elif self.iso:
            if self.append:
                raise ValueError('append= works with direct boot only (GRUB has its own command line)')
            if self.efi:
                fw = ovmf_path()
                if not fw:
                    raise FileNotFoundError('OVMF is not installed (Debian package ovmf)')
                a += ['-bios', fw]
            a += ['-cdrom', self.iso, '-boot', 'd']
        else:
            if self.efi:
                raise ValueError('efi=True needs iso=')
            a += ['-kernel', self.elf]
            if self.append:
                a += ['-append', self.append]
        for i, (model, nd) in enumerate(zip(self.nics, self.netdevs)):
            if model not in NIC_DEVICES:
                raise ValueError('unknown NIC model %r' % model)
            nid = 'net%d' % i
            if nd == 'user':
                spec = 'user,id=%s,restrict=on' % nid
                if i == 0:
                    spec += ''.join(',hostfwd=tcp:127.0.0.1:%d-:%d' % hg for hg in self.hostfwd)
            elif isinstance(nd, tuple) and nd[0] == 'tap':
                spec = 'tap,id=%s,ifname=%s,script=no,downscript=no' % (nid, nd[1])
            else:
                raise ValueError('unknown netdev %r' % (nd,))
            dev = '%s,netdev=%s' % (NIC_DEVICES[model], nid)
            if self.macs[i]:
                dev += ',mac=%s' % self.macs[i]
            a += ['-netdev', spec, '-device', dev]
        if self.gdb:
            # like -s -S, but on a free port so that tests cannot collide;
            # tests/menuos.gdb connects to $MENUOS_GDB_PORT (default 1234)
            if not self.gdb_port:
                self.gdb_port = _free_tcp_port()
            a += ['-gdb', 'tcp:127.0.0.1:%d' % self.gdb_port, '-S']
        if self._tmpdir:
            a += ['-qmp', 'unix:%s,server=on,wait=off' % os.path.join(self._tmpdir, 'qmp')]
        a += self.extra
        if self.netns:
            a = ['ip', 'netns', 'exec', self.netns] + a
        return a

    # ---- life cycle ----

    def start(self):
        """Starts QEMU (does not wait for anything)."""
        for f in ([self.esp] if self.esp else [self.iso] if self.iso else [self.elf]):
            if not os.path.exists(os.path.join(ROOT, f)):
                raise FileNotFoundError('%s not built (run make)' % f)
        if self.want_qmp and not self._tmpdir:
            self._tmpdir = tempfile.mkdtemp(prefix='menuos-')
        argv = self.qemu_args()
        self.child = pexpect.spawn(argv[0], argv[1:], cwd=ROOT, encoding='utf-8',
                                   codec_errors='replace', timeout=self.timeout,
                                   dimensions=(50, 200), echo=False)
        self.child.logfile_read = _Recorder(self)
        if self._tmpdir:
            self.qmp = _QMP(os.path.join(self._tmpdir, 'qmp'), self)
        if self.gdb:
            self._wait_gdb_stub()
        return self

    def _wait_gdb_stub(self, timeout=60):
        """Returns once QEMU's gdb stub listens: on a loaded machine QEMU can
        take seconds to open its port, and gdb would find nothing.  QEMU's
        own /proc/PID/net/tcp is read (its network namespace's sockets, so
        this also works with netns), rather than connecting to the stub."""
        want = '0100007F:%04X' % self.gdb_port
        deadline = time.time() + timeout
        while True:
            try:
                with open('/proc/%d/net/tcp' % self.child.pid) as f:
                    # local address, remote address, state (0A: LISTEN)
                    if any(l.split()[1] == want and l.split()[3] == '0A'
                           for l in f.readlines()[1:]):
                        return
            except OSError:
                pass
            if not self.child.isalive() or time.time() > deadline:
                raise RuntimeError('QEMU opened no gdb stub on port %d' % self.gdb_port)
            time.sleep(0.1)

    def boot(self, timeout=None):
        """start() and wait_prompt()."""
        self.start()
        return self.wait_prompt(timeout or 2 * self.timeout)

    def wait_prompt(self, timeout=None):
        """Waits for the next prompt; returns everything printed before it (\\r removed)."""
        self.expect_exact(PROMPT, timeout or 2 * self.timeout)
        return self.child.before.replace('\r', '')

    def close(self):
        """Stops QEMU (if still running) and returns its exit status
        (negative: killed by that signal)."""
        if self.child is None:
            return self.exitstatus
        if self.qmp:
            self.qmp.close()
            self.qmp = None
        c = self.child
        if c.isalive():
            c.terminate(force=True)
        c.close()
        self.exitstatus = c.exitstatus if c.exitstatus is not None else -(c.signalstatus or 0)
        self.child = None
        if self._tmpdir:
            for f in os.listdir(self._tmpdir):
                os.unlink(os.path.join(self._tmpdir, f))
            os.rmdir(self._tmpdir)
            self._tmpdir = None
        return self.exitstatus

    def wait_exit(self, timeout=None):
        """Waits until QEMU exits by itself (e.g. after `quit`); returns its exit status."""
        self.expect(pexpect.EOF, timeout)
        c = self.child
        deadline = time.time() + 10
        while c.isalive() and time.time() < deadline:
            time.sleep(0.05)
        return self.close()

    def __enter__(self):
        if self.child is None:
            self.boot()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- talking ----

    def send(self, raw):
        """Sends raw characters (no Enter)."""
        self._check_alive()
        self.child.send(raw)

    def sendline(self, line, eol='\r'):
        """Sends line and Enter (CR by default, as a terminal does)."""
        self.send(line + eol)

    def expect(self, pattern, timeout=None):
        """pexpect's expect (regex, EOF or TIMEOUT, or a list); returns the index.
        On timeout or unexpected EOF raises MenuOSError with the transcript."""
        self._check_alive()
        try:
            return self.child.expect(pattern, timeout=timeout or self.timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise MenuOSError('%s waiting for %r\n%s' % (type(e).__name__, pattern, self.tail())) from None

    def expect_exact(self, text, timeout=None):
        self._check_alive()
        try:
            return self.child.expect_exact(text, timeout=timeout or self.timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise MenuOSError('%s waiting for %r\n%s' % (type(e).__name__, text, self.tail())) from None

    def cmd(self, line, timeout=None, eol='\r'):
        """Runs a command line and returns its output: the text between the
        echoed line and the next prompt, \\r removed, without the final newline."""
        self.sendline(line, eol)
        text = self.wait_prompt(timeout or self.timeout)
        nl = text.find('\n')
        self.last_echo = text if nl < 0 else text[:nl]
        out = '' if nl < 0 else text[nl + 1:]
        return out[:-1] if out.endswith('\n') else out

    def tail(self, n=3000):
        """The QEMU command and the last n characters of the console transcript."""
        return '--- %s\n--- console (last %d chars) ---\n%s\n--- end ---' % (
            shlex.join(self.qemu_args()), n, self.transcript[-n:])

    def _check_alive(self):
        if self.child is None:
            raise MenuOSError('QEMU is not running')

    # ---- keyboard and screen (need qmp=True) ----

    def qmp_command(self, name, **args):
        """Runs a QMP command; returns its 'return' value."""
        if not self.qmp:
            raise MenuOSError('start MenuOS with qmp=True')
        return self.qmp.command(name, **args)

    def key(self, *qcodes, hold_ms=30):
        """Presses the keys together on the PS/2 keyboard and releases them:
        key('ctrl', 'u'), key('up'), key('ret').  Names are QEMU qcodes."""
        self.qmp_command('send-key', keys=[{'type': 'qcode', 'data': q} for q in qcodes],
                         **{'hold-time': hold_ms})

    def type_keys(self, text):
        """Types text on the PS/2 keyboard (letters, digits, space, a few
        punctuation marks; '\\r' or '\\n' is Enter)."""
        for ch in text:
            if ch in _QCODE:
                self.key(*_QCODE[ch])
            elif ch.isalpha() and ch.isupper():
                self.key('shift', ch.lower())
            elif ch.isalnum() and ch.isascii():
                self.key(ch.lower())
            else:
                raise ValueError('no key for %r' % ch)

    def vga_text(self):
        """The 25 lines of the VGA text screen (trailing blanks removed),
        read from guest memory at 0xB8000."""
        f = os.path.join(self._tmpdir, 'vga.bin')
        self.qmp_command('pmemsave', val=VGA_TEXT_BASE, size=VGA_COLS * VGA_ROWS * 2, filename=f)
        data = open(f, 'rb').read()
        chars = bytes(data[0::2]).decode('latin-1')
        return [chars[r * VGA_COLS:(r + 1) * VGA_COLS].rstrip() for r in range(VGA_ROWS)]


VGA_TEXT_BASE = 0xb8000
VGA_COLS, VGA_ROWS = 80, 25
_QCODE = {' ': ('spc',), '\r': ('ret',), '\n': ('ret',), '\t': ('tab',), '-': ('minus',),
          '=': ('equal',), '.': ('dot',), '/': ('slash',), ',': ('comma',), ';': ('semicolon',),
          '_': ('shift', 'minus'), '!': ('shift', '1'), '?': ('shift', 'slash'),
          ':': ('shift', 'semicolon'), '+': ('shift', 'equal')}


class _QMP:
    """A minimal QMP client (QEMU Machine Protocol, docs/interop/qmp-spec)."""

    def __init__(self, path, m):
        deadline = time.time() + 30
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > deadline or not m.child.isalive():
                    raise MenuOSError('no QMP socket at %s\n%s' % (path, m.tail()))
                time.sleep(0.05)
        self.f = self.sock.makefile('rw')
        self._read()                    # greeting
        self.command('qmp_capabilities')

    def _read(self):
        while True:
            line = self.f.readline()
            if not line:
                raise MenuOSError('QMP connection closed')
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def command(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        reply = self._read()
        if 'error' in reply:
            raise MenuOSError('QMP %s: %s' % (name, reply['error']))
        return reply.get('return')

    def close(self):
        try:
            self.f.close()
            self.sock.close()
        except OSError:
            pass


class _Recorder:
    """pexpect logfile that appends everything read to MenuOS.transcript;
    with $MENUOS_VERBOSE set, it is also copied to stderr."""

    def __init__(self, m):
        self.m = m
        self.verbose = bool(os.environ.get('MENUOS_VERBOSE'))

    def write(self, s):
        self.m.transcript += s
        if self.verbose:
            sys.stderr.write(s)

    def flush(self):
        pass


# ---- network namespaces for tap-based tests (root only) ----

def _ip(*args, check=True):
    return subprocess.run(['ip'] + list(args), check=check, capture_output=True, text=True)


class NetNS:
    """A network namespace with a tap device for QEMU, removed on exit::

        with NetNS() as ns:                          # ns.name, ns.tap == 'tap0'
            with MenuOS(nic='virtio', netdev=('tap', ns.tap), netns=ns.name) as m:
                ns.run(['ping', '-c1', '10.0.2.15'])

    The tap's host side gets host_addr (10.0.2.2/24, the guest's default
    gateway; the guest is 10.0.2.15).  taps= names more tap devices (no
    address); move them elsewhere with move_link().
    """
    _seq = 0

    def __init__(self, name=None, tap='tap0', host_addr='10.0.2.2/24', taps=()):
        NetNS._seq += 1
        self.name = name or 'menuos%d-%d' % (os.getpid(), NetNS._seq)
        self.tap = tap
        self.host_addr = host_addr
        self.taps = [tap] + list(taps) if tap else list(taps)
        self.created = False

    def __enter__(self):
        if os.geteuid() != 0:
            raise PermissionError('network namespaces need root')
        _ip('netns', 'add', self.name)
        self.created = True
        try:
            _ip('-n', self.name, 'link', 'set', 'lo', 'up')
            for t in self.taps:
                _ip('-n', self.name, 'tuntap', 'add', 'dev', t, 'mode', 'tap')
                _ip('-n', self.name, 'link', 'set', t, 'up')
            if self.tap and self.host_addr:
                _ip('-n', self.name, 'addr', 'add', self.host_addr, 'dev', self.tap)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.created:
            # killing the namespace's processes is the caller's job (QEMU is closed first)
            _ip('netns', 'del', self.name, check=False)
            self.created = False
        return False

    def run(self, argv, **kw):
        """subprocess.run inside the namespace (text mode, output captured, no check)."""
        kw.setdefault('capture_output', True)
        kw.setdefault('text', True)
        return subprocess.run(['ip', 'netns', 'exec', self.name] + list(argv), **kw)

    def popen(self, argv, **kw):
        """subprocess.Popen inside the namespace."""
        return subprocess.Popen(['ip', 'netns', 'exec', self.name] + list(argv), **kw)

    def move_link(self, link, other_ns):
        """Moves a device of this namespace into namespace other_ns (a name)."""
        _ip('-n', self.name, 'link', 'set', link, 'netns', other_ns)
