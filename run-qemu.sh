#!/bin/sh
# Boots MenuOS/x64 in qemu-system-x86_64 with the serial console on this terminal.
#
#   ./run-qemu.sh [--gui] [--efi] [--debug] [--direct] [--accel auto|kvm|tcg]
#                 [--nic virtio|e1000|none] [--mem MB] [--append "k=v ..."] [-- QEMU ARGS]
#
# Host port 5001 is forwarded to the guest's port 5001, and on 127.0.0.1
# 8080 to the guest's httpd (80) and 5201 to its iperf3 -s (user-mode
# network, restricted: the guest cannot reach anything outside).  Quit with `quit` at
# the MenuOS prompt, or Ctrl-A X.
set -e
cd "$(dirname "$0")"

gui=0 efi=0 debug=0 direct=0 accel=auto nic=virtio mem=128 append=""
while [ $# -gt 0 ]; do
    case "$1" in
    --gui) gui=1 ;;
    --efi) efi=1 ;;
    --debug) debug=1 ;;
    --direct) direct=1 ;;
    --accel) shift; accel="$1" ;;
    --nic) shift; nic="$1" ;;
    --mem) shift; mem="$1" ;;
    --append) shift; append="$1" ;;
    --) shift; break ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-qemu.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

[ -f build/menuos.elf ] && [ -f build/menuos.iso ] || make -s all

# KVM only where it really runs a guest: /dev/kvm can exist and still hang
# guests (nested virtualisation), so boot the kernel once under KVM and wait
# for the prompt on its serial port.
kvm_works() {
    [ -w /dev/kvm ] || return 1
    probe=$(mktemp)
    qemu-system-x86_64 -accel kvm -m 64 -kernel build/menuos.elf -nic none -display none \
        -monitor none -serial "file:$probe" </dev/null >/dev/null 2>&1 &
    pid=$!
    ok=1
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        if grep -q 'MenuOS>>' "$probe" 2>/dev/null; then ok=0; break; fi
        kill -0 $pid 2>/dev/null || break
        sleep 0.5
    done
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    rm -f "$probe"
    return $ok
}
case "$accel" in
auto) if kvm_works; then accel=kvm; else accel=tcg; fi ;;
kvm|tcg) ;;
*) echo "run-qemu.sh: --accel takes auto, kvm or tcg" >&2; exit 2 ;;
esac

set -- -accel "$accel" -m "$mem" -no-reboot "$@"
fwd=hostfwd=tcp::5001-:5001,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=tcp:127.0.0.1:5201-:5201
case "$nic" in
virtio) set -- "$@" -netdev user,id=n0,restrict=on,$fwd -device virtio-net-pci,netdev=n0 ;;
e1000) set -- "$@" -netdev user,id=n0,restrict=on,$fwd -device e1000,netdev=n0 ;;
none) set -- "$@" -nic none ;;
*) echo "run-qemu.sh: --nic takes virtio, e1000 or none" >&2; exit 2 ;;
esac

if [ $gui = 1 ]; then
    set -- "$@" -serial mon:stdio
else
    set -- "$@" -display none -serial mon:stdio
fi

if [ $efi = 1 ]; then
    ovmf=/usr/share/ovmf/OVMF.fd
    [ -f $ovmf ] || { echo "run-qemu.sh: $ovmf missing (apt-get install ovmf)" >&2; exit 1; }
    set -- "$@" -bios $ovmf
fi

if [ $direct = 1 ]; then
    set -- "$@" -kernel build/menuos.elf -append "$append"
else
    [ -z "$append" ] || echo "run-qemu.sh: --append needs --direct (GRUB's command line is in boot/grub.cfg)" >&2
    set -- "$@" -cdrom build/menuos.iso -boot d
fi

if [ $debug = 1 ]; then
    set -- "$@" -s -S
    echo "QEMU is waiting for gdb on localhost:1234. In another terminal: make gdb"
    echo "  (or: gdb -x tests/menuos.gdb), then e.g. 'break kmain' and 'continue'"
fi

exec qemu-system-x86_64 "$@"
