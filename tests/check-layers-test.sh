#!/bin/sh
# The test of make check-layers itself: in scratch copies of the tree,
# each deliberate cross-layer include below must make tests/check-layers.sh
# fail and name the file and line; the untouched copy must pass.
#
# usage: sh tests/check-layers-test.sh   (from the top of the tree)
set -u

SCRATCH=$(mktemp -d) || exit 2
trap 'rm -rf "$SCRATCH"' EXIT
fail=0

copy_tree() {
	rm -rf "$SCRATCH/tree"
	mkdir -p "$SCRATCH/tree/tests"
	cp -R boot kernel drivers net libc user "$SCRATCH/tree/"
	cp tests/check-layers.sh "$SCRATCH/tree/tests/"
}

# expect_violation FILE INCLUDE: FILE gets the line `#include INCLUDE`
# appended; the check must fail and report FILE at that line.
expect_violation() {
	copy_tree
	[ -f "$SCRATCH/tree/$1" ] || {
		echo "FAIL: $1 does not exist"
		fail=1
		return
	}
	printf '#include %s\n' "$2" >>"$SCRATCH/tree/$1"
	line=$(wc -l <"$SCRATCH/tree/$1" | tr -d ' ')
	out=$(sh "$SCRATCH/tree/tests/check-layers.sh" "$SCRATCH/tree" 2>&1)
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL: $1 with #include $2: exit status $rc, not 1"
		fail=1
	elif ! printf '%s\n' "$out" | grep -q "^$1:$line: includes "; then
		echo "FAIL: $1 with #include $2: not reported at line $line:"
		printf '%s\n' "$out"
		fail=1
	else
		echo "ok: $1 with #include $2 is refused"
	fi
}

expect_violation user/cmd_net.c '"net/tcp.h"'
expect_violation user/menu.c '"kernel/sched.h"'
expect_violation user/cmd_builtin.c '"drivers/pci.h"'
expect_violation libc/string.c '"net/tcp.h"'
expect_violation libc/string.c '<kernel/mm.h>'
expect_violation net/dev.c '"drivers/pci.h"'
expect_violation net/arp.c '"kernel/sched.h"'
expect_violation net/arp.c '"../kernel/sched.h"'
expect_violation drivers/e1000.c '"net/tcp.h"'
expect_violation drivers/virtio_net.c '"net/ip.h"'

copy_tree
if out=$(sh "$SCRATCH/tree/tests/check-layers.sh" "$SCRATCH/tree" 2>&1); then
	echo "ok: the untouched copy passes"
else
	echo "FAIL: the untouched copy does not pass:"
	printf '%s\n' "$out"
	fail=1
fi

[ $fail = 0 ] && echo "check-layers-test: all passed"
exit $fail
