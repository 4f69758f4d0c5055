#!/bin/sh
# Installs the Debian packages MenuOS/x64 needs to build, boot and test.
# Safe to run again: apt-get skips what is already there.
set -e
PKGS="build-essential gcc make binutils grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools \
ovmf qemu-system-x86 gdb tshark tcpdump iproute2 iputils-ping python3-scapy python3-pexpect \
python3-pytest libcmocka-dev clang netcat-openbsd gnu-efi nmap hping3 \
iperf3 curl apache2-utils wrk"
# `make bench` also draws its chart, and its services part boots a Linux guest
# whose /init is busybox sh (tests/install-deps.sh --bench)
[ "$1" = "--bench" ] && PKGS="$PKGS python3-matplotlib busybox-static"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
# the tests start iperf3 servers themselves; a system daemon would hold port 5201
echo "iperf3 iperf3/start_daemon boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
