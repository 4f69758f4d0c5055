# gdb script for MenuOS/x64: `make gdb` (after `make debug` in another terminal).
#
# QEMU's x86_64 gdb stub always speaks the 64-bit register layout, even while
# the CPU is still in 32-bit protected mode (boot/boot.S); gdb must therefore
# be told the architecture before it connects, or it misreads the registers
# and later stops with "Remote 'g' packet reply is too long".
#
# The kernel is identity-mapped and linked at 1 MiB, so a breakpoint address
# is the same before and after paging is on.  With `make debug` (direct boot)
# the kernel is already in memory when gdb connects and ordinary (software)
# breakpoints work.  When GRUB loads the kernel (./run-qemu.sh --debug without
# --direct) it would overwrite them; the `grub-boot` command below switches
# to hardware breakpoints for the kernel's range (at most four at a time).
set pagination off
set confirm off
set architecture i386:x86-64
python
import os
gdb.execute('file ' + os.environ.get('MENUOS_ELF', 'build/menuos.elf'))
end
# menuos-sockets, menuos-tcp, menuos-skb, menuos-route, menuos-arp (help menuos)
source tests/menuos_gdb.py
# `make debug` uses QEMU's -s (port 1234); tests pick a free port.  Without
# a QEMU listening, gdb would retry for seconds and end in a traceback: check
# first and say what to do.
python
import os
import socket
port = os.environ.get('MENUOS_GDB_PORT', '1234')
try:
    socket.create_connection(('127.0.0.1', int(port)), timeout=2).close()
except OSError:
    print('menuos.gdb: nothing listens on localhost:%s; start QEMU first with '
          '`make debug` in another terminal' % port)
    gdb.execute('quit 1')
gdb.execute('target remote localhost:' + port)
# ./run-qemu.sh --debug --accel kvm: software breakpoints kill a KVM guest.
if os.path.exists('build/.debug-hw-breakpoints'):
    gdb.execute('mem 0x100000 0x400000 ro')
    gdb.execute('set breakpoint auto-hw on')
    print('QEMU runs under KVM: breakpoints in the kernel are hardware breakpoints (four at most).')
end

define grub-boot
  mem 0x100000 0x400000 ro
  set breakpoint auto-hw on
  echo Breakpoints in the kernel image are now hardware breakpoints.\n
end
