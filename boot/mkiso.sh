#!/bin/sh
# boot/mkiso.sh OUT TREE CONFIG LOADER: a lean hybrid GRUB ISO (BIOS and UEFI)
# of the directory TREE, whose boot commands are the file CONFIG; LOADER is the
# GRUB module that loads the kernel (multiboot2 for MenuOS, linux for the Linux
# guest of `make bench`, which is made the same way so that the two compare).
#
# grub-mkrescue copies every GRUB module of both platforms, its fonts and its
# locales (some 20 MB), and reads a grub.cfg in normal mode.  Here GRUB has no
# menu and no normal-mode config: CONFIG is built into GRUB's images
# (grub-mkimage -c) and runs in GRUB's rescue parser, one command a line.
#   BIOS: the El Torito image holds biosdisk and iso9660 alone.  i386-pc core
#         images are always LZMA-compressed, and their decompression under
#         emulation costs more than reading the modules from the CD: the
#         others (LOADER, serial and what they need) are files in
#         /boot/grub/i386-pc that the config's insmod lines load.
#   UEFI: efi.img (a FAT image in the ISO, the El Torito EFI entry and a GPT
#         partition) holds \EFI\BOOT\BOOTX64.EFI with every module built in
#         (EFI images are not compressed); it finds the CD by its kernel file.
# Both send GRUB's messages to COM1 as well as the screen, so a failure (a
# missing file: GRUB prints the error and stops at its prompt) shows on a
# serial console.
set -e
[ $# -eq 4 ] || { echo "usage: $0 OUT TREE CONFIG LOADER" >&2; exit 2; }
out=$1 tree=$2 config=$3 loader=$4
lib=${GRUB_LIB:-/usr/lib/grub}
work=$out.d
rm -rf "$work"
# boot/grub and efi.img in TREE are this script's: nothing is left from an earlier run
rm -rf "$tree/boot/grub" "$tree/efi.img"
mkdir -p "$work" "$tree/boot/grub/i386-pc"
# the first file the config loads: how the EFI image finds the CD
kernel=$(awk '$1 == "multiboot2" || $1 == "linux" { print $2; exit }' "$config")
[ -n "$kernel" ] || { echo "$0: $config loads no kernel" >&2; exit 1; }
serial='serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial'

# BIOS: LOADER, serial and terminal with what they need (moddep.lst) as files
mods="serial terminal $loader"
while :; do
	more=$(for m in $mods; do sed -n "s/^$m://p" "$lib/i386-pc/moddep.lst"; done |
		tr ' ' '\n' | sort -u)
	all=$(printf '%s\n' $mods $more | sed '/^$/d' | sort -u)
	[ "$all" = "$(printf '%s\n' $mods | sort -u)" ] && break
	mods=$all
done
for m in $mods; do
	cp "$lib/i386-pc/$m.mod" "$tree/boot/grub/i386-pc/"
done
{
	echo "insmod serial"
	echo "insmod terminal"
	echo "insmod $loader"
	echo "$serial"
	# Keep VGA text mode: the kernel's multiboot2 header accepts a framebuffer,
	# and the multiboot2 command sets gfxpayload from it, so this goes after
	# the loader's lines, before boot.
	grep -v '^[[:space:]]*#' "$config" |
		awk '$1 == "boot" { print "set gfxpayload=text" } { print }'
} > "$work/pc.cfg"
grub-mkimage -O i386-pc-eltorito -p /boot/grub -c "$work/pc.cfg" -o "$tree/boot/grub/bios.img" \
	biosdisk iso9660

# UEFI: one image; the firmware has no text mode, so GOP/UGA give the
# multiboot2 loader a framebuffer to hand over
{
	echo "search --no-floppy --file --set=root $kernel"
	echo "$serial"
	grep -v '^[[:space:]]*#' "$config"
} > "$work/efi.cfg"
grub-mkimage -O x86_64-efi -p /boot/grub -c "$work/efi.cfg" -o "$work/BOOTX64.EFI" \
	iso9660 search search_fs_file serial terminal efi_gop efi_uga "$loader" boot
# FAT12 sized to the loader: 64 KiB of room for the FAT and directories
size=$(stat -c %s "$work/BOOTX64.EFI")
mformat -i "$tree/efi.img" -C -T $(((size + 65536) / 16384 * 32 + 32)) -h 2 -s 16 ::
mmd -i "$tree/efi.img" ::/EFI ::/EFI/BOOT
mcopy -i "$tree/efi.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

# grub-mkrescue's El Torito and hybrid-MBR options, without its HFS+ (Mac)
# tree and without the 300 KiB of padding
xorriso -as mkisofs -graft-points -no-pad \
	-b boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table \
	--grub2-boot-info --grub2-mbr "$lib/i386-pc/boot_hybrid.img" \
	--efi-boot efi.img -efi-boot-part --efi-boot-image --protective-msdos-label \
	-o "$work/out.iso" -r "$tree" 2>"$work/xorriso.log" || { cat "$work/xorriso.log" >&2; exit 1; }
mv "$work/out.iso" "$out"
rm -rf "$work"
