#!/bin/sh
# make check-layers: every #include in the kernel's sources must cross a
# layer boundary only where the table below allows it (docs/design.md,
# "Layer rules", explains each line).  This table is the only statement of
# the rules.
#
# usage: sh tests/check-layers.sh [ROOT]   (ROOT defaults to the current directory)
# Prints one line per forbidden include, "file:line: includes X (LAYER may
# include only: ...)", and exits 1 if there was any; else says "layers ok".
#
# A row is a layer (a directory, or one file that is a layer's doorway)
# and the project headers its files may include, as shell patterns.  A
# file takes the row of its longest matching prefix.  An include counts
# as a project header when its path starts with one of the layer
# directories, in either form ("x/y.h" or <x/y.h>: with -I. both resolve
# in the tree); everything else is the C library's or the compiler's.
RULES='
libc/           libc/*
net/platform.h  net/* kernel/list.h kernel/timer.h kernel/wait.h kernel/printk.h
net/            net/* kernel/list.h
drivers/        drivers/* kernel/* net/netdevice.h net/skbuff.h net/eth.h net/platform.h net/buf_pool.h
drivers/e1000_tx.c drivers/* kernel/* net/netdevice.h net/skbuff.h net/eth.h net/platform.h net/ip.h net/tcp.h net/checksum.h
drivers/virtio_net_hdr.c drivers/* kernel/* net/netdevice.h net/skbuff.h net/eth.h net/platform.h net/tcp.h
user/           user/* net/netctl.h kernel/uapi.h
kernel/         kernel/* boot/* drivers/* net/* libc/*
boot/           boot/* kernel/*
'
LAYERS='boot kernel drivers net libc user'

ROOT=${1:-.}
cd "$ROOT" || exit 2

# The row for a file: its longest matching prefix.
rule_for() {
	printf '%s\n' "$RULES" | awk -v f="$1" '
		NF >= 1 && index(f, $1) == 1 && length($1) > best {
			best = length($1); row = $0
		}
		END { print row }'
}

is_project() {
	for l in $LAYERS; do
		case $1 in "$l"/*) return 0 ;; esac
	done
	return 1
}

bad=0
tmp=$(mktemp) || exit 2
files=$(for l in $LAYERS; do [ -d "$l" ] && find "$l" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \); done | sort)
for f in $files; do
	row=$(rule_for "$f")
	[ -n "$row" ] || continue
	# "LINE PATH" for each #include "PATH" or #include <PATH>
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" |
		sed 's/^\([0-9]*\):[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]\([^">]*\)[">].*/\1 \2/' >"$tmp"
	while read -r line inc; do
		case $inc in
		*../*)
			echo "$f:$line: includes $inc (a path with .. escapes the rules)"
			bad=1
			continue
			;;
		esac
		is_project "$inc" || continue
		ok=0
		set -f
		for pat in ${row#* }; do
			# shellcheck disable=SC2254
			case $inc in $pat) ok=1 ;; esac
		done
		set +f
		if [ $ok = 0 ]; then
			set -f
			echo "$f:$line: includes $inc (${row%% *} may include only:$(printf ' %s' ${row#* }))"
			set +f
			bad=1
		fi
	done <"$tmp"
done
rm -f "$tmp"
if [ $bad = 1 ]; then
	echo "check-layers: forbidden includes (rules: tests/check-layers.sh, docs/design.md)"
	exit 1
fi
echo "layers ok"
