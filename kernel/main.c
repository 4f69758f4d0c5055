/*
 * kmain: from the boot entry (boot/boot.S, already in 64-bit mode) to the
 * MenuOS shell.  Each subsystem is brought up in dependency order.
 */
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/trap.h"
#include "kernel/irq.h"
#include "kernel/sched.h"
#include "kernel/cmdline.h"
#include "kernel/timer.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "drivers/keyboard.h"
#include "drivers/pci.h"
#include "drivers/netdrv.h"
#include "net/netdevice.h"
#include "net/devinet.h"
#include "net/platform.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define PVH_BOOT_MAGIC	     0x336ec578

/* multiboot2 information tags (Multiboot2 spec 3.6) */
#define MB2_TAG_END	 0
#define MB2_TAG_CMDLINE	 1
#define MB2_TAG_MMAP	 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct boot_info boot_info_parsed;

void menuos_main(void *arg);

static void add_mmap(struct boot_info *bi, uint64_t addr, uint64_t len, uint32_t type)
{
	if (bi->mmap_count < (int)(sizeof(bi->mmap) / sizeof(bi->mmap[0]))) {
		bi->mmap[bi->mmap_count].addr = addr;
		bi->mmap[bi->mmap_count].len = len;
		bi->mmap[bi->mmap_count].type = type;
		bi->mmap_count++;
	}
}

static void parse_multiboot2(struct boot_info *bi, uint64_t info)
{
	uint32_t total = *(uint32_t *)(uintptr_t)info;
	uint64_t p = info + 8;

	bi->protocol = "multiboot2";
	while (p < info + total) {
		uint32_t type = *(uint32_t *)(uintptr_t)p;
		uint32_t size = *(uint32_t *)(uintptr_t)(p + 4);
		if (type == MB2_TAG_END)
			break;
		if (type == MB2_TAG_CMDLINE) {
			strncpy(bi->cmdline, (const char *)(uintptr_t)(p + 8),
				sizeof(bi->cmdline) - 1);
		} else if (type == MB2_TAG_MMAP) {
			uint32_t esz = *(uint32_t *)(uintptr_t)(p + 8);
			for (uint64_t e = p + 16; e + esz <= p + size; e += esz)
				add_mmap(bi, *(uint64_t *)(uintptr_t)e,
					 *(uint64_t *)(uintptr_t)(e + 8),
					 *(uint32_t *)(uintptr_t)(e + 16));
		} else if (type == MB2_TAG_ACPI_OLD || type == MB2_TAG_ACPI_NEW) {
			/* GRUB copies the RSDP into the tag; the copy is as good as the original */
			if (!bi->rsdp || type == MB2_TAG_ACPI_NEW)
				bi->rsdp = p + 8;
		}
		p += (size + 7) & ~7u;
	}
}

/* Xen's hvm_start_info, which QEMU's PVH boot fills in (xen/arch-x86/hvm/start_info.h). */
struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

static void parse_pvh(struct boot_info *bi, uint64_t info)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)info;

	bi->protocol = "PVH";
	if (si->cmdline_paddr)
		strncpy(bi->cmdline, (const char *)(uintptr_t)si->cmdline_paddr,
			sizeof(bi->cmdline) - 1);
	bi->rsdp = si->rsdp_paddr;
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
		for (uint32_t i = 0; i < si->memmap_entries; i++)
			add_mmap(bi, e[i].addr, e[i].size, e[i].type);
	}
}

/* eth0 gets the defaults of docs/design.md unless ip=, netmask=, gw= say otherwise. */
static void configure_eth0(void)
{
	struct net_device *eth0 = dev_get_by_name("eth0");

	if (!eth0) {
		printk("net: no network card found; only lo is up\n");
		return;
	}
	net_lock();
	net_configure_defaults(eth0, cmdline_get("ip"), cmdline_get("netmask"), cmdline_get("gw"));
	net_unlock();
}

void kmain(uint32_t magic, uint32_t info)
{
	struct boot_info *bi = &boot_info_parsed;

	serial_init();
	vga_init();
	if (magic == MB2_BOOTLOADER_MAGIC)
		parse_multiboot2(bi, info);
	else if (magic == PVH_BOOT_MAGIC)
		parse_pvh(bi, info);
	else
		panic("unknown boot protocol (magic 0x%x)", magic);
	printk("MenuOS/x64 %s (build %s), booted by %s\n", MENUOS_VERSION, MENUOS_BUILD,
	       bi->protocol);

	gdt_init();
	idt_init();
	acpi_init(bi->rsdp); /* before mm_init: GRUB's RSDP copy may lie in free RAM */
	mm_init(bi);
	cmdline_init(bi->cmdline);
	apic_init();
	softirq_init();
	sched_init();
	time_init();
	local_irq_enable();

	serial_irq_init();
	keyboard_init();

	net_init();
	pci_init();
	drivers_net_init();
	configure_eth0();

	kthread_create(menuos_main, NULL, "shell");
	idle_loop();
}
