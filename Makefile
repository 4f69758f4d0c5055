# MenuOS/x64 build.  `make` builds build/menuos.elf and build/menuos.iso;
# `make test` runs every test; `make run` boots; `make bench` measures.
CC      := gcc
LD      := ld
OBJCOPY := objcopy
PY      := /usr/bin/python3
B       := build

VERSION := 0.1
BUILD_ID := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

GCC_INC := $(shell $(CC) -print-file-name=include)

# OPT: `make debug` builds without optimisation (see the debug target).
OPT     := -O2
KCFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-fstack-protector-strong -mstack-protector-guard=global -fno-omit-frame-pointer \
	-mno-red-zone -mgeneral-regs-only \
	-mcmodel=kernel -fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-nostdinc -isystem $(GCC_INC) -Ilibc/include -I. \
	-DMENUOS_VERSION='"$(VERSION)"' -DMENUOS_BUILD='"$(BUILD_ID)"'
# -mcmodel=kernel wants the image in the top 2 GiB; we are identity-mapped low,
# so use the small model instead.
KCFLAGS := $(filter-out -mcmodel=kernel,$(KCFLAGS)) -mcmodel=small
KASFLAGS := -g -I. -D__ASSEMBLY__
KLDFLAGS := -nostdlib -static -z noexecstack -z max-page-size=0x1000 -T linker.ld --no-warn-rwx-segments

# libgcc supplies the integer helpers gcc may call (__popcountdi2, __udivti3).
LIBGCC := $(shell $(CC) -print-libgcc-file-name)

KSRCS := $(wildcard boot/*.S kernel/*.c kernel/*.S drivers/*.c net/*.c libc/*.c user/*.c)
KOBJS := $(patsubst %,$(B)/k/%.o,$(KSRCS))

.PHONY: all run debug debug-elf gdb soak test unit qemu-test bench fib-bench clean deps docs fmt \
	fuzz fuzz-regress check-layers check-layers-test
# keep intermediate objects (host net objects would otherwise be rebuilt every run)
.SECONDARY:
all: $(B)/menuos.elf $(B)/menuos.iso $(B)/esp.img

$(B)/k/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(B)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -MMD -MP -c $< -o $@

# Two-pass link: the first pass gives the addresses, kernel/gen-ksyms.sh turns
# them into a table that the second pass places after .data (text addresses
# do not move, since the table lies above them).
$(B)/ksyms0.o: kernel/gen-ksyms.sh
	@mkdir -p $(B)
	printf '' | sh kernel/gen-ksyms.sh > $(B)/ksyms0.S
	$(CC) $(KASFLAGS) -c $(B)/ksyms0.S -o $@

$(B)/menuos.pass1.elf: $(KOBJS) $(B)/ksyms0.o linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/ksyms0.o $(LIBGCC)

$(B)/ksyms.o: $(B)/menuos.pass1.elf kernel/gen-ksyms.sh
	nm -n $< | sh kernel/gen-ksyms.sh > $(B)/ksyms.S
	$(CC) $(KASFLAGS) -c $(B)/ksyms.S -o $@

# menuos.elf.debug is the linked kernel with its debug information and symbol
# table; menuos.elf, the image every boot path loads, is the same file without
# them (.ksyms keeps the names panic backtraces print).  Its .gnu_debuglink
# names menuos.elf.debug, which gdb finds beside it: `file build/menuos.elf`
# in gdb (tests/menuos.gdb) loads the symbols and source lines from there.
$(B)/menuos.elf.debug: $(KOBJS) $(B)/ksyms.o linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/ksyms.o $(LIBGCC)
	@nm -n $(B)/menuos.pass1.elf | grep -i ' t ' > $(B)/t1; nm -n $@ | grep -i ' t ' > $(B)/t2; \
	  cmp -s $(B)/t1 $(B)/t2 || { echo "ksyms: text moved between link passes"; exit 1; }

# (The Makefile is a prerequisite: .SECONDARY would let a tree built before
# menuos.elf.debug existed keep its old, unstripped menuos.elf.)
$(B)/menuos.elf: $(B)/menuos.elf.debug Makefile
	$(OBJCOPY) --strip-all --add-gnu-debuglink=$< $< $@

# The GRUB image (BIOS and UEFI): boot/mkiso.sh builds boot/grub.cfg into
# GRUB's own images and copies only the modules it loads.
$(B)/menuos.iso: $(B)/menuos.elf boot/grub.cfg boot/mkiso.sh
	rm -rf $(B)/iso
	@mkdir -p $(B)/iso/boot
	cp $(B)/menuos.elf $(B)/iso/boot/menuos.elf
	sh boot/mkiso.sh $@ $(B)/iso boot/grub.cfg multiboot2

# ---- UEFI: boot/efi/BOOTX64.EFI (gnu-efi) and an EFI system partition image ----
# gnu-efi's way: a position-independent shared object linked with its crt0
# and linker script, then objcopy'd into a PE32+ EFI application (subsystem 10).
EFI_INC  := /usr/include/efi
EFI_LIB  := /usr/lib
EFI_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fpic -fshort-wchar \
	-fno-stack-protector -fno-stack-check -fno-strict-aliasing -mno-red-zone \
	-maccumulate-outgoing-args -mgeneral-regs-only -DGNU_EFI_USE_MS_ABI \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64 -I.
EFI_SRCS := $(wildcard boot/efi/*.c)
EFI_OBJS := $(patsubst %.c,$(B)/efi/%.o,$(EFI_SRCS))
ESP_SIZE_KB := 8192

$(B)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(B)/efi/bootx64.so: $(EFI_OBJS)
	$(LD) -nostdlib -shared -Bsymbolic -znocombreloc -T $(EFI_LIB)/elf_x86_64_efi.lds \
	  $(EFI_LIB)/crt0-efi-x86_64.o $(EFI_OBJS) -L$(EFI_LIB) -lefi -lgnuefi -o $@

$(B)/BOOTX64.EFI: $(B)/efi/bootx64.so
	$(OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel \
	  -j .rela -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

# FAT image (mtools, no root): \EFI\BOOT\BOOTX64.EFI, the kernel, and the
# command line (the one boot/grub.cfg passes).
$(B)/esp.img: $(B)/BOOTX64.EFI $(B)/menuos.elf boot/efi/cmdline.txt
	rm -f $@.tmp
	mformat -i $@.tmp -C -T $$(($(ESP_SIZE_KB) * 2)) -h 16 -s 32 -v MENUOS ::
	mmd -i $@.tmp ::/EFI ::/EFI/BOOT ::/EFI/MENUOS
	mcopy -i $@.tmp $(B)/BOOTX64.EFI ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i $@.tmp $(B)/menuos.elf ::/EFI/MENUOS/MENUOS.ELF
	mcopy -i $@.tmp boot/efi/cmdline.txt ::/EFI/MENUOS/CMDLINE.TXT
	mv $@.tmp $@

# ---- host unit tests (cmocka) ----
HCFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DHOST_TEST -fsanitize=address,undefined -fno-omit-frame-pointer
HLDLIBS := -lcmocka -fsanitize=address,undefined

LIBC_SRCS := $(wildcard libc/*.c)
NET_SRCS  := $(wildcard net/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRCS))

# libc is compiled for the host with its own headers and every symbol
# renamed k_*, so tests can compare it with the host libc in one program.
$(B)/unit/libc_k.o: $(LIBC_SRCS) $(wildcard libc/include/*.h libc/include/*/*.h)
	@mkdir -p $(B)/unit/libc
	for f in $(LIBC_SRCS); do \
	  $(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin -fno-stack-protector \
	    -nostdinc -isystem $(GCC_INC) -Ilibc/include -I. -c $$f -o $(B)/unit/libc/$$(basename $$f).o || exit 1; \
	done
	$(LD) -r -o $(B)/unit/libc_all.o $(B)/unit/libc/*.o
	@for s in $$(nm -u $(B)/unit/libc_all.o | awk '{print $$2}'); do \
	  grep -qw "$$s" libc/sys.h || { echo "libc calls $$s, which libc/sys.h does not declare"; exit 1; }; \
	done
	$(OBJCOPY) --prefix-symbols=k_ $(B)/unit/libc_all.o $@

$(B)/unit/net/%.o: net/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) -MMD -MP -c $< -o $@

$(B)/unit/support/%.o: tests/unit/support/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) -MMD -MP -c $< -o $@

HOST_NET_OBJS := $(patsubst net/%.c,$(B)/unit/net/%.o,$(NET_SRCS)) \
	$(patsubst tests/unit/support/%.c,$(B)/unit/support/%.o,$(wildcard tests/unit/support/*.c))

# Each libc test links the renamed libc and the stubs of libc/sys.h, the one
# list of what libc calls in the kernel (the libc_k.o rule checks that list).
$(B)/unit/test_libc_%: tests/unit/test_libc_%.c tests/unit/libc_support/stubs.c \
		tests/unit/libc_support/stubs.h tests/unit/libc_support/k_sys.h libc/sys.h $(B)/unit/libc_k.o
	$(CC) $(HCFLAGS) $(filter-out %.h,$^) -o $@ $(HLDLIBS)

# The shell's line editor is pure C with no kernel dependencies.
$(B)/unit/test_lineedit: tests/unit/test_lineedit.c user/lineedit.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# The page allocator and kmalloc, on a fake physical memory mapped low in the test process.
$(B)/unit/test_mm: tests/unit/test_mm.c kernel/mm.c
	@mkdir -p $(dir $@)
	$(CC) -Itests/unit/host_include $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# The split virtqueue code; the test stands in for the allocator and plays the device.
$(B)/unit/test_virtqueue: tests/unit/test_virtqueue.c drivers/virtio_ring.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# Pure driver logic on sk_buffs: the virtio-net header, e1000 descriptors.
$(B)/unit/test_virtio_net_hdr: tests/unit/test_virtio_net_hdr.c drivers/virtio_net_hdr.c $(HOST_NET_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

$(B)/unit/test_e1000_tx: tests/unit/test_e1000_tx.c drivers/e1000_tx.c $(HOST_NET_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# The receive page cache; the test plays page_alloc and page_free.
$(B)/unit/test_netdrv_pages: tests/unit/test_netdrv_pages.c drivers/netdrv_pages.c $(HOST_NET_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# The framebuffer console, drawing into a buffer.
$(B)/unit/test_fbcon: tests/unit/test_fbcon.c drivers/fbcon.c drivers/font_8x16.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# The VGA text console, drawing into a stand-in for 0xB8000 mapped in the test process.
$(B)/unit/test_vga: tests/unit/test_vga.c drivers/vga.c
	@mkdir -p $(dir $@)
	$(CC) -Itests/unit/host_include $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# The kernel timers' sorted queue.
$(B)/unit/test_timer_queue: tests/unit/test_timer_queue.c kernel/timer_queue.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# Boot information parsing, on multiboot2 information built in a buffer.
$(B)/unit/test_bootinfo: tests/unit/test_bootinfo.c kernel/bootinfo.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

# GRO's hand-off to the stack is wrapped: the test sees exactly what GRO delivers.
$(B)/unit/test_gro: tests/unit/test_gro.c $(HOST_NET_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS) -Wl,--wrap=netif_receive_skb

$(B)/unit/test_%: tests/unit/test_%.c $(HOST_NET_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $^ -o $@ $(HLDLIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; ./$$t; done

# ---- fuzzing (clang libFuzzer, ASan+UBSan): `make fuzz` runs each target FUZZ_SECS seconds ----
FUZZ_CC      := clang
FUZZ_SECS    := 45
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DHOST_TEST -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJS    := $(patsubst %.c,$(B)/fuzz/obj/%.o,$(NET_SRCS) $(wildcard tests/unit/support/*.c) tests/fuzz/harness.c tests/fuzz/tcp_scene.c)

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

# The shell's line editor is pure C: its target needs nothing from net/.
$(B)/fuzz/fuzz_shell: tests/fuzz/fuzz_shell.c $(B)/fuzz/obj/user/lineedit.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@

fuzz: $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_NAMES))
	sh tests/fuzz/run.sh $(B) "-max_total_time=$(FUZZ_SECS)" $(FUZZ_NAMES)

# make test: the seed corpus plus a fixed-seed, fixed-count exploration, so
# that every run (and CI) tries the same inputs.
# Two targets at a time, fuzz_tcp first: it alone takes as long as the others together.
fuzz-regress: $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_NAMES))
	$(MAKE) -j2 $(patsubst %,fuzz-regress-%,$(filter tcp,$(FUZZ_NAMES)) $(filter-out tcp,$(FUZZ_NAMES)))

fuzz-regress-%: $(B)/fuzz/fuzz_%
	sh tests/fuzz/run.sh $(B) "-seed=1 -runs=200000" $*

# The lab's tests (tests/qemu/test_lab.py) replay the guide on the debug build.
debug-elf:
	$(MAKE) B=$(DEBUG_B) OPT=-O0 $(DEBUG_B)/menuos.elf

qemu-test: all debug-elf
	$(PY) -m pytest -v tests/qemu

# The include rules between layers (the table in tests/check-layers.sh),
# and the test that the check refuses a cross-layer include.
check-layers:
	sh tests/check-layers.sh

check-layers-test:
	sh tests/check-layers-test.sh

# The builds behind each step use both cores; the tests themselves run one
# after the other (fuzz-regress runs two targets at a time itself).
test: deps
	$(MAKE) check-layers
	$(MAKE) check-layers-test
	$(MAKE) -j2 unit
	$(MAKE) -j2 fuzz-regress
	$(MAKE) -j2 qemu-test

# The long runs of issue 12: SOAK_CONNS and SOAK_BULK shorten them.
soak: all
	$(PY) tests/soak.py

# BENCH_ROUNDS=N, BENCH_QUICK=1, BENCH_GUESTS, BENCH_NICS, BENCH_ONLY: see tests/bench.py
FLOOD_ROUNDS ?= 3
bench: all
	@sh tests/install-deps.sh --bench
	$(PY) tests/bench.py
	$(PY) tests/bench/boot_paths.py --out $(B)/bench/boot_paths.txt
	$(PY) tests/bench/services.py
	@# the SYN floods, MenuOS and Linux alternately, FLOOD_ROUNDS times
	for r in $$(seq $(FLOOD_ROUNDS)); do \
		$(PY) tests/bench/flood.py --guest menuos --out $(B)/bench/flood-menuos-$$r.txt && \
		$(PY) tests/bench/flood.py --guest linux --out $(B)/bench/flood-linux-$$r.txt || exit 1; \
	done
	$(PY) tests/bench/forward_bench.py
	$(MAKE) fib-bench

# The routing table on the host (issue 10): gen_routes makes a full-table-like
# set of FIB_ROUTES prefixes, fib_bench loads it into net/fib_dxr.c built as
# the kernel builds it and measures load, memory, lookups/s, add/delete, and
# checks FIB_VERIFY lookups against a reference (exit status 1 on a mismatch).
FIB_ROUTES := 1000000
FIB_VERIFY := 10000000
$(B)/bench/gen_routes: tests/bench/gen_routes.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror $< -o $@

$(B)/bench/fib_bench: tests/bench/fib_bench.c net/fib_dxr.c net/fib_pool.c net/fib_ranges.c net/fib_walk.c \
  net/fib.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(OPT) -g -Wall -Wextra -Werror -I. -DHOST_TEST \
	  tests/bench/fib_bench.c net/fib_dxr.c net/fib_pool.c net/fib_ranges.c net/fib_walk.c -o $@

fib-bench: $(B)/bench/gen_routes $(B)/bench/fib_bench
	$(B)/bench/gen_routes $(FIB_ROUTES) 1 > $(B)/bench/routes.txt
	$(B)/bench/fib_bench $(B)/bench/routes.txt $(FIB_VERIFY) | tee $(B)/bench/fib_bench.txt

# The lab's figure: docs/handshake.svg is drawn from docs/handshake.seq (kept
# in the tree, and checked to be up to date by tests/qemu/test_lab.py).
docs: docs/handshake.svg
docs/handshake.svg: docs/handshake.seq docs/tools/seqdiag.py
	$(PY) docs/tools/seqdiag.py $< $@

deps:
	@sh tests/install-deps.sh

# ACCEL=tcg|kvm|auto picks the accelerator (run: auto; debug: tcg unless asked).
RUN_ACCEL := $(if $(ACCEL),--accel $(ACCEL))

run: deps
	$(MAKE) all
	./run-qemu.sh $(RUN_ACCEL)

# `make debug` boots a build made for gdb, in $(B)/debug: -O0, so nothing is
# inlined or optimised out: each function of the lab has its own frame, a
# breakpoint stops on its own first line, `bt` shows every caller and every
# variable can be printed.  `make gdb` loads it.
DEBUG_B := $(B)/debug
debug: debug-elf
	./run-qemu.sh --debug --direct --elf $(DEBUG_B)/menuos.elf $(RUN_ACCEL)

gdb:
	MENUOS_ELF=$(DEBUG_B)/menuos.elf gdb -q -x tests/menuos.gdb

fmt:
	clang-format -i $(filter %.c %.h,$(shell git ls-files))

clean:
	rm -rf $(B)

-include $(shell find $(B)/k $(B)/efi $(B)/unit $(B)/fuzz -name '*.d' -type f 2>/dev/null)
