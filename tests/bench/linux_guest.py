"""The Linux guest the benchmarks compare MenuOS with.

Debian's own kernel (the package linux-image-amd64 points at) is
downloaded with `apt-get download` (never installed) and unpacked with
`dpkg-deb -x`.  Its initramfs (cpio newc, gzip) holds nothing but the NIC
modules (virtio_net, virtio_pci and e1000 with what they depend on, in
dependency order read from each module's .modinfo `depends=`, listed in
/lib/modules/order) and /init: tests/bench/linux/menuos-peer.c compiled
here with Debian's gcc -static -O2.  That program mounts proc, sysfs and
devtmpfs, loads the modules, configures lo and eth0 (10.0.2.15/24, gateway
10.0.2.2) with ioctls and then reads MenuOS's commands (replyhi, hello,
sink, send) from the serial console behind the prompt PROMPT: no shell and
no busybox anywhere.

A GRUB image made by MenuOS's own recipe (boot/mkiso.sh: the boot commands
built into GRUB's images, only the modules they load, here `linux`) holds
the same kernel, initramfs and command line.  Everything is cached under
BUILD/linux-guest/ and rebuilt when this file, boot/mkiso.sh or the peer's
source is newer.

Run as a script it builds (or checks) the guest and prints its paths.
"""
import glob
import gzip
import io
import lzma
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEER_SRC = os.path.join(HERE, 'linux', 'menuos-peer.c')
PROMPT = 'peer>>'
CMDLINE = 'console=ttyS0 quiet ip=10.0.2.15 netmask=255.255.255.0 gw=10.0.2.2'
PEER_CFLAGS = ['-static', '-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror']

# Modules the NICs need; their dependencies are added from .modinfo.
WANTED_MODULES = ('virtio_net', 'virtio_pci', 'e1000')

MKISO = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'boot', 'mkiso.sh')
# boot/mkiso.sh's CONFIG: GRUB's rescue parser runs it, one command a line
GRUB_CFG = """linux /boot/vmlinuz {cmdline}
initrd /boot/initramfs.gz
boot
"""


def build_peer(out, cc='gcc'):
    """Compiles the peer (static) into out; returns the command used."""
    os.makedirs(os.path.dirname(out) or '.', exist_ok=True)
    argv = [cc] + PEER_CFLAGS + [os.path.relpath(PEER_SRC), '-o', out]
    subprocess.run(argv, check=True)
    return argv


def _run(argv, **kw):
    kw.setdefault('check', True)
    return subprocess.run(argv, **kw)


def kernel_package():
    """The versioned kernel package linux-image-amd64 depends on
    (linux-image-6.1.0-N-amd64 on Debian 12)."""
    out = _run(['apt-cache', 'depends', 'linux-image-amd64'],
               capture_output=True, text=True).stdout
    m = re.search(r'Depends:\s*(linux-image-\d\S*-amd64)', out)
    if not m:
        raise RuntimeError('apt-cache depends linux-image-amd64 names no kernel package:\n' + out)
    return m.group(1)


def _modinfo_depends(data):
    """Module names from the `depends=` string in a module's .modinfo."""
    m = re.search(rb'(?:^|\0)depends=([^\0]*)\0', data)
    if not m or not m.group(1):
        return []
    return m.group(1).decode().split(',')


def _module_bytes(path):
    data = open(path, 'rb').read()
    if path.endswith('.xz'):
        data = lzma.decompress(data)
    return data


def _find_modules(moddir):
    """name -> path of every .ko / .ko.xz below moddir/kernel."""
    found = {}
    for p in glob.glob(os.path.join(moddir, 'kernel', '**', '*.ko*'), recursive=True):
        name = os.path.basename(p).split('.ko')[0].replace('-', '_')
        found[name] = p
    return found


def module_order(moddir, wanted=WANTED_MODULES):
    """Wanted modules and their dependencies, each after what it needs.
    Returns a list of (name, path); a wanted module missing from the tree
    (built into the kernel) is left out."""
    avail = _find_modules(moddir)
    order, seen = [], set()

    def visit(name, chain):
        if name in seen:
            return
        if name in chain:
            raise RuntimeError('module dependency loop: %s' % ' -> '.join(chain + [name]))
        if name not in avail:
            return  # built in
        for d in _modinfo_depends(_module_bytes(avail[name])):
            visit(d.replace('-', '_'), chain + [name])
        seen.add(name)
        order.append((name, avail[name]))

    for w in wanted:
        visit(w, [])
    return order


class _Cpio:
    """Writer for the cpio "newc" format the kernel unpacks into its rootfs
    (Documentation/driver-api/early-userspace/buffer-format.rst)."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b'', rdev=(0, 0)):
        nm = name.encode() + b'\0'
        hdr = '070701' + ''.join('%08X' % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nm), 0))
        self.ino += 1
        self.buf.write(hdr.encode() + nm)
        self.buf.write(b'\0' * (-(110 + len(nm)) % 4))
        self.buf.write(data)
        self.buf.write(b'\0' * (-len(data) % 4))

    def dir(self, name):
        self._entry(name, 0o040755)

    def file(self, name, data, mode=0o644):
        self._entry(name, 0o100000 | mode, data)

    def chardev(self, name, major, minor):
        self._entry(name, 0o020600, rdev=(major, minor))

    def finish(self):
        self._entry('TRAILER!!!', 0)
        return self.buf.getvalue()


def build_initramfs(peer, modules, out):
    c = _Cpio()
    for d in ('dev', 'proc', 'sys', 'lib', 'lib/modules'):
        c.dir(d)
    # The kernel opens /dev/console for init before devtmpfs is mounted.
    c.chardev('dev/console', 5, 1)
    c.file('init', open(peer, 'rb').read(), 0o755)
    for name, path in modules:
        c.file('lib/modules/%s.ko' % name, _module_bytes(path))
    c.file('lib/modules/order', ''.join(n + '\n' for n, _ in modules).encode())
    tmp = out + '.tmp'
    with gzip.open(tmp, 'wb', compresslevel=9) as f:
        f.write(c.finish())
    os.replace(tmp, out)


def build_iso(vmlinuz, initrd, out, work):
    """A GRUB image (BIOS and UEFI) by MenuOS's recipe, boot/mkiso.sh, with
    the same kernel, initramfs and command line as the direct boot."""
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, 'boot'))
    shutil.copyfile(vmlinuz, os.path.join(work, 'boot', 'vmlinuz'))
    shutil.copyfile(initrd, os.path.join(work, 'boot', 'initramfs.gz'))
    cfg = work + '.cfg'
    with open(cfg, 'w') as f:
        f.write(GRUB_CFG.format(cmdline=CMDLINE))
    r = subprocess.run(['sh', MKISO, out, work, cfg, 'linux'], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError('boot/mkiso.sh failed: %s' % r.stderr[-500:])


def ensure(build='build', log=print):
    """Builds the guest if needed; returns a dict with vmlinuz, initrd, iso,
    peer, kernel_version, modules (load order) and the package file name."""
    d = os.path.join(build, 'linux-guest')
    os.makedirs(d, exist_ok=True)
    info_path = os.path.join(d, 'guest.txt')
    vmlinuz = os.path.join(d, 'vmlinuz')
    initrd = os.path.join(d, 'initramfs.gz')
    iso = os.path.join(d, 'linux.iso')
    peer = os.path.join(d, 'menuos-peer')
    newest = max(os.path.getmtime(p) for p in (os.path.abspath(__file__), PEER_SRC, MKISO))
    if (all(os.path.exists(p) for p in (info_path, vmlinuz, initrd, iso))
            and os.path.getmtime(iso) >= newest and os.path.getmtime(initrd) >= newest):
        return _read_info(info_path)

    debs = glob.glob(os.path.join(d, 'linux-image-*-amd64_*.deb'))
    if not debs:
        pkg = kernel_package()
        log('linux guest: apt-get download %s (into %s)' % (pkg, d))
        _run(['apt-get', 'download', pkg], cwd=d, stdout=subprocess.DEVNULL,
             stderr=subprocess.DEVNULL)
        debs = glob.glob(os.path.join(d, pkg + '_*.deb'))
    deb = sorted(debs)[-1]
    kx = os.path.join(d, 'kernel')
    shutil.rmtree(kx, ignore_errors=True)
    _run(['dpkg-deb', '-x', deb, kx])
    vers = os.listdir(os.path.join(kx, 'lib', 'modules'))
    if len(vers) != 1:
        raise RuntimeError('expected one kernel version in %s, found %r' % (deb, vers))
    ver = vers[0]
    shutil.copyfile(os.path.join(kx, 'boot', 'vmlinuz-' + ver), vmlinuz)
    mods = module_order(os.path.join(kx, 'lib', 'modules', ver))
    cc = build_peer(peer)
    build_initramfs(peer, mods, initrd)
    build_iso(vmlinuz, initrd, iso, os.path.join(d, 'iso'))
    gcc = subprocess.run(['gcc', '--version'], capture_output=True, text=True).stdout.split('\n')[0]
    info = {'kernel_version': ver, 'kernel_deb': os.path.basename(deb), 'vmlinuz': vmlinuz,
            'initrd': initrd, 'iso': iso, 'peer': peer, 'peer_build': ' '.join(cc),
            'gcc': gcc, 'cmdline': CMDLINE, 'modules': ' '.join(n for n, _ in mods)}
    with open(info_path, 'w') as f:
        for k, v in info.items():
            f.write('%s=%s\n' % (k, v))
    log('linux guest: built %s (%d bytes; /init is menuos-peer) and %s, modules: %s'
        % (initrd, os.path.getsize(initrd), iso, info['modules']))
    return info


def _read_info(path):
    info = {}
    for line in open(path):
        k, _, v = line.rstrip('\n').partition('=')
        info[k] = v
    return info


if __name__ == '__main__':
    i = ensure(sys.argv[1] if len(sys.argv) > 1 else 'build')
    for k, v in i.items():
        print('%s: %s' % (k, v))
