#!/bin/sh
# Boots MenuOS/x64 in qemu-system-x86_64 with the serial console on this terminal.
#
#   ./run-qemu.sh [--gui] [--efi] [--efi-direct] [--debug] [--direct] [--accel auto|kvm|tcg]
#                 [--nic virtio|e1000|none] [--mem MB] [--append "k=v ..."]
#                 [--pcap FILE] [--pcap-guest FILE] [--elf FILE] [--probe-accel]
#                 [-- QEMU ARGS]
#
# Host port 5001 on 127.0.0.1 is forwarded to the guest's port 5001 (user-mode
# network, restricted: the guest cannot reach anything outside); when 5001 is
# taken the next free port is used and printed.  --pcap FILE records the NIC's
# frames for tshark/Wireshark; --pcap-guest FILE connects COM2 to FILE, where
# the shell's `capture start` streams what the guest itself sees (lo too).
# Quit with `quit` at the MenuOS prompt, or Ctrl-A X.  The environment
# variable QEMU names another QEMU binary.
set -e
cd "$(dirname "$0")"
QEMU=${QEMU:-qemu-system-x86_64}

gui=0 efi=0 efi_direct=0 debug=0 direct=0 accel=auto accel_set=0 nic=virtio mem=128 append=""
pcap="" pcap_guest="" probe_only=0 elf=build/menuos.elf
while [ $# -gt 0 ]; do
    case "$1" in
    --gui) gui=1 ;;
    --efi) efi=1 ;;
    --efi-direct) efi_direct=1 ;;
    --debug) debug=1 ;;
    --direct) direct=1 ;;
    --accel) shift; accel="$1"; accel_set=1 ;;
    --nic) shift; nic="$1" ;;
    --mem) shift; mem="$1" ;;
    --append) shift; append="$1" ;;
    --pcap) shift; pcap="$1" ;;
    --pcap-guest) shift; pcap_guest="$1" ;;
    --elf) shift; elf="$1" ;;
    --probe-accel) probe_only=1 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-qemu.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$accel" in
auto|kvm|tcg) ;;
*) echo "run-qemu.sh: --accel takes auto, kvm or tcg" >&2; exit 2 ;;
esac
case "$nic" in
virtio|e1000|none) ;;
*) echo "run-qemu.sh: --nic takes virtio, e1000 or none" >&2; exit 2 ;;
esac

[ -f build/menuos.elf ] && [ -f build/menuos.iso ] || make -s all

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Milliseconds from QEMU's start to the MenuOS prompt under accelerator $1,
# or nothing when the prompt has not appeared within $2 ms.
boot_ms() {
    probe=$(mktemp)
    start=$(now_ms)
    "$QEMU" -accel "$1" -m 64 -kernel build/menuos.elf -nic none -display none \
        -monitor none -serial "file:$probe" </dev/null >/dev/null 2>&1 &
    pid=$!
    took=""
    while :; do
        if grep -q 'MenuOS>>' "$probe" 2>/dev/null; then took=$(($(now_ms) - start)); break; fi
        kill -0 $pid 2>/dev/null || break
        [ $(($(now_ms) - start)) -lt "$2" ] || break
        sleep 0.02
    done
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    rm -f "$probe"
    echo "$took"
}

# KVM only where it is really faster: /dev/kvm can exist and still run
# guests slowly (nested virtualisation boots MenuOS 35x slower than software
# emulation) or not at all.  Boot the kernel once under each and keep KVM
# only if it reaches the prompt first.
probe_accel() {
    if [ ! -w "${KVM_DEV:-/dev/kvm}" ]; then
        echo "tcg: ${KVM_DEV:-/dev/kvm} is not usable"
        return
    fi
    tcg=$(boot_ms tcg 20000)
    if [ -z "$tcg" ]; then
        echo "tcg: no prompt under software emulation either"
        return
    fi
    kvm=$(boot_ms kvm "$tcg")
    if [ -n "$kvm" ] && [ "$kvm" -lt "$tcg" ]; then
        echo "kvm: prompt in $kvm ms under KVM, $tcg ms under software emulation"
    else
        echo "tcg: prompt in $tcg ms under software emulation, not sooner under KVM"
    fi
}

if [ $probe_only = 1 ]; then
    probe_accel
    exit 0
fi
# Software breakpoints kill a KVM guest here; debugging uses software
# emulation unless KVM is asked for, and then gdb gets hardware breakpoints.
rm -f build/.debug-hw-breakpoints
if [ $debug = 1 ] && [ $accel_set = 0 ]; then
    accel=tcg
fi
if [ "$accel" = auto ]; then
    choice=$(probe_accel)
    accel=${choice%%:*}
    echo "run-qemu.sh: --accel auto chose $choice" >&2
fi
if [ $debug = 1 ] && [ "$accel" = kvm ]; then
    touch build/.debug-hw-breakpoints
fi

# The first free TCP port on 127.0.0.1 from $1 on.
free_port() {
    p=$1
    while [ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; do
        p=$((p + 1))
    done
    echo $p
}
fwd=""
for pair in 5001:5001; do
    want=${pair%%:*} guest=${pair##*:}
    host=$(free_port "$want")
    [ "$host" = "$want" ] || echo "run-qemu.sh: host port $want is taken; forwarding 127.0.0.1:$host to the guest's port $guest" >&2
    fwd="$fwd,hostfwd=tcp:127.0.0.1:$host-:$guest"
done

# -no-reboot is left out on purpose: `reboot` in the shell restarts the guest.
set -- -accel "$accel" -m "$mem" "$@"
case "$nic" in
virtio) set -- "$@" -netdev "user,id=n0,restrict=on$fwd" -device virtio-net-pci,netdev=n0 ;;
e1000) set -- "$@" -netdev "user,id=n0,restrict=on$fwd" -device e1000,netdev=n0 ;;
none) set -- "$@" -nic none ;;
esac
if [ -n "$pcap" ]; then
    [ "$nic" != none ] || { echo "run-qemu.sh: --pcap needs a NIC" >&2; exit 2; }
    set -- "$@" -object "filter-dump,id=pcap0,netdev=n0,file=$pcap"
fi

if [ $gui = 1 ]; then
    "$QEMU" -display help 2>/dev/null | grep -qx 'gtk\|sdl' || {
        echo "run-qemu.sh: --gui needs QEMU's window support: apt-get install qemu-system-gui" >&2
        exit 1
    }
    set -- "$@" -serial mon:stdio
else
    set -- "$@" -display none -serial mon:stdio
fi

# COM2 after COM1: the guest's own capture stream (`capture start`).
[ -z "$pcap_guest" ] || set -- "$@" -serial "file:$pcap_guest"

if [ $efi = 1 ]; then
    ovmf=/usr/share/ovmf/OVMF.fd
    [ -f $ovmf ] || { echo "run-qemu.sh: $ovmf missing (apt-get install ovmf)" >&2; exit 1; }
    set -- "$@" -bios $ovmf
fi

if [ $efi_direct = 1 ]; then
    # OVMF starts boot/efi/BOOTX64.EFI from the FAT image build/esp.img: no GRUB
    ovmf=/usr/share/ovmf/OVMF.fd
    [ -f $ovmf ] || { echo "run-qemu.sh: $ovmf missing (apt-get install ovmf)" >&2; exit 1; }
    [ $efi = 0 ] && [ $direct = 0 ] || { echo "run-qemu.sh: --efi-direct excludes --efi and --direct" >&2; exit 2; }
    [ -z "$append" ] || echo "run-qemu.sh: --append needs --direct (the ESP's command line is \\EFI\\MENUOS\\CMDLINE.TXT)" >&2
    [ -f build/esp.img ] || make -s all
    set -- "$@" -bios $ovmf -drive file=build/esp.img,format=raw,if=ide,snapshot=on
elif [ $direct = 1 ]; then
    set -- "$@" -kernel "$elf" -append "$append"
else
    [ -z "$append" ] || echo "run-qemu.sh: --append needs --direct (GRUB's command line is in boot/grub.cfg)" >&2
    set -- "$@" -cdrom build/menuos.iso -boot d
fi

if [ $debug = 1 ]; then
    set -- "$@" -s -S
    echo "QEMU ($accel) is waiting for gdb on localhost:1234. In another terminal: make gdb"
    echo "  (or: gdb -x tests/menuos.gdb), then e.g. 'break kmain' and 'continue'"
fi

exec "$QEMU" "$@"
