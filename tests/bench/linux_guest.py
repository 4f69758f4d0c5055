"""The Linux guest the benchmarks compare MenuOS with.

Debian's own kernel (the package linux-image-amd64 points at) and
busybox-static are downloaded with `apt-get download` (never installed),
unpacked with `dpkg-deb -x`, and turned into a kernel image and a small
initramfs (cpio newc, gzip) under BUILD/linux-guest/.  The result is
cached there; later runs only check that it is still there.

The initramfs /init mounts proc, sys and devtmpfs, loads the NIC modules
(virtio_net, virtio_pci and e1000 with what they depend on, in dependency
order read from each module's .modinfo `depends=`), gives eth0 10.0.2.15/24
when a NIC is present, starts the servers the benchmarks talk to, prints
READY_MARKER on the console and hands the console to a busybox shell:

  port 5001  busybox `nc -ll -p 5001 -e /hi.sh`: reads "hello", answers "hi"
  port 5002  busybox `nc -ll -p 5002 -e /sink.sh`: discards what it reads,
             writing the byte count to /tmp/sink.bytes

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

READY_MARKER = 'LINUX-GUEST-READY'
GUEST_IP = '10.0.2.15'
GATEWAY = '10.0.2.2'

# Modules the NICs need; their dependencies are added from .modinfo.
WANTED_MODULES = ('virtio_net', 'virtio_pci', 'e1000')

INIT = r'''#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in {modules}; do
	insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done
ip link set lo up
if ip link show eth0 >/dev/null 2>&1; then
	ip addr add {ip}/24 dev eth0
	ip link set eth0 up
	ip route add default via {gw}
	nc -ll -p 5001 -e /hi.sh &
	nc -ll -p 5002 -e /sink.sh &
fi
echo {marker}
exec sh
'''

# The client sends "hello" without a newline (as MenuOS's hello does), so
# read exactly its 5 bytes rather than a line.
HI_SH = '''#!/bin/sh
head -c 5 >/dev/null
echo hi
'''

# Counts what it discards, so the benchmark can check the guest got it all.
SINK_SH = '''#!/bin/sh
exec wc -c >/tmp/sink.bytes
'''


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


def build_initramfs(busybox, modules, out):
    c = _Cpio()
    for d in ('bin', 'dev', 'proc', 'sys', 'tmp', 'lib', 'lib/modules'):
        c.dir(d)
    # The kernel opens /dev/console for init before devtmpfs is mounted.
    c.chardev('dev/console', 5, 1)
    c.chardev('dev/null', 1, 3)
    c.file('bin/busybox', open(busybox, 'rb').read(), 0o755)
    for name, path in modules:
        c.file('lib/modules/%s.ko' % name, _module_bytes(path))
    c.file('init', INIT.format(modules=' '.join(n for n, _ in modules), ip=GUEST_IP,
                               gw=GATEWAY, marker=READY_MARKER).encode(), 0o755)
    c.file('hi.sh', HI_SH.encode(), 0o755)
    c.file('sink.sh', SINK_SH.encode(), 0o755)
    tmp = out + '.tmp'
    with gzip.open(tmp, 'wb', compresslevel=9) as f:
        f.write(c.finish())
    os.replace(tmp, out)


def ensure(build='build', log=print):
    """Builds the guest if needed; returns a dict with vmlinuz, initrd,
    kernel_version, modules (load order) and the package file names."""
    d = os.path.join(build, 'linux-guest')
    os.makedirs(d, exist_ok=True)
    info_path = os.path.join(d, 'guest.txt')
    vmlinuz = os.path.join(d, 'vmlinuz')
    initrd = os.path.join(d, 'initramfs.gz')
    me = os.path.abspath(__file__)
    if (os.path.exists(info_path) and os.path.exists(vmlinuz) and os.path.exists(initrd)
            and os.path.getmtime(initrd) >= os.path.getmtime(me)):
        return _read_info(info_path)

    debs = glob.glob(os.path.join(d, 'linux-image-*-amd64_*.deb'))
    bbdebs = glob.glob(os.path.join(d, 'busybox-static_*.deb'))
    if not debs or not bbdebs:
        pkg = kernel_package()
        log('linux guest: apt-get download %s busybox-static (into %s)' % (pkg, d))
        _run(['apt-get', 'download', pkg, 'busybox-static'], cwd=d,
             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        debs = glob.glob(os.path.join(d, pkg + '_*.deb'))
        bbdebs = glob.glob(os.path.join(d, 'busybox-static_*.deb'))
    deb, bbdeb = sorted(debs)[-1], sorted(bbdebs)[-1]
    kx, bx = os.path.join(d, 'kernel'), os.path.join(d, 'bb')
    for x, p in ((kx, deb), (bx, bbdeb)):
        shutil.rmtree(x, ignore_errors=True)
        _run(['dpkg-deb', '-x', p, x])
    vers = os.listdir(os.path.join(kx, 'lib', 'modules'))
    if len(vers) != 1:
        raise RuntimeError('expected one kernel version in %s, found %r' % (deb, vers))
    ver = vers[0]
    shutil.copyfile(os.path.join(kx, 'boot', 'vmlinuz-' + ver), vmlinuz)
    mods = module_order(os.path.join(kx, 'lib', 'modules', ver))
    build_initramfs(os.path.join(bx, 'bin', 'busybox'), mods, initrd)
    info = {'kernel_version': ver, 'kernel_deb': os.path.basename(deb),
            'busybox_deb': os.path.basename(bbdeb), 'vmlinuz': vmlinuz, 'initrd': initrd,
            'modules': ' '.join(n for n, _ in mods)}
    with open(info_path, 'w') as f:
        for k, v in info.items():
            f.write('%s=%s\n' % (k, v))
    log('linux guest: built %s (%d bytes) with modules: %s'
        % (initrd, os.path.getsize(initrd), info['modules']))
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
