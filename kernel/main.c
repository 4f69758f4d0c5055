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
#include "kernel/paging.h"
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "drivers/fbcon.h"
#include "kernel/console.h"
#include "drivers/keyboard.h"
#include "drivers/pci.h"
#include "drivers/netdrv.h"
#include "net/netdevice.h"
#include "net/devinet.h"
#include "net/gro.h"
#include "net/platform.h"
#include "net/capture.h"
#include "drivers/serial_capture.h"

struct boot_info boot_info_parsed;

void menuos_main(void *arg);

/*
 * The screen console: the framebuffer when the boot loader set one up (UEFI
 * has no text mode), VGA text otherwise.  The framebuffer must lie in the
 * first 4 GiB, which boot.S identity-maps, since ioremap() needs the page
 * allocator and that comes later.
 */
static void screen_init(const struct framebuffer *fb)
{
	const uint64_t mapped = 4ULL << 30;

	if (!fb->phys) {
		vga_init();
		return;
	}
	if (fb->phys + (uint64_t)fb->pitch * fb->height > mapped) {
		console_set_screen(NULL, NULL, NULL, NULL); /* VGA text memory is no screen here */
		printk("fbcon: framebuffer at 0x%llx lies above 4 GiB; serial console only\n",
		       (unsigned long long)fb->phys);
		return;
	}
	if (fbcon_init(fb) < 0) {
		console_set_screen(NULL, NULL, NULL, NULL);
		printk("fbcon: %ux%u, %u bits per pixel: not a format fbcon draws; serial console "
		       "only\n",
		       fb->width, fb->height, fb->bpp);
		return;
	}
	console_set_screen(fbcon_write, fbcon_clear, NULL, NULL); /* no scrollback on the framebuffer yet */
}

/*
 * eth0 gets the defaults of docs/design.md unless the older ip=, netmask=,
 * gw= words say otherwise; then each ip= in Linux's form
 * (ip=ADDR::GW:MASK::IFACE:off, net/devinet.h) configures its interface.
 */
static void configure_interfaces(void)
{
	struct net_device *eth0 = dev_get_by_name("eth0");
	const char *legacy_ip = NULL, *key, *v;
	int i, eth0_given = 0;

	if (!eth0) {
		printk("net: no network card found; only lo is up\n");
		return;
	}
	for (i = 0; (key = cmdline_word(i, &v)); i++) {
		struct ipconfig c;

		if (strcmp(key, "ip"))
			continue;
		if (!strchr(v, ':'))
			legacy_ip = v; /* eth0's older word: an address, or dhcp */
		else if (!ipconfig_parse(v, &c) && (!c.dev[0] || !strcmp(c.dev, "eth0")))
			eth0_given = 1; /* then eth0 has no default address nor gateway */
	}
	net_lock();
	if (!eth0_given)
		net_configure_defaults(eth0, legacy_ip, cmdline_get("netmask"), cmdline_get("gw"));
	for (i = 0; (key = cmdline_word(i, &v)); i++) {
		struct ipconfig c;
		int err;

		if (strcmp(key, "ip") || v == legacy_ip)
			continue;
		err = ipconfig_parse(v, &c);
		if (!err)
			err = ipconfig_apply(&c);
		if (err)
			printk("net: ip=%s: %s\n", v,
			       err == -ENODEV ? "no such interface" : "not applied");
	}
	net_unlock();
}

/* gro=on|off on the command line switches receive coalescing (net/gro.h). */
static void configure_gro(void)
{
	const char *v = cmdline_get("gro");

	if (!v)
		return;
	if (!strcmp(v, "on") || !strcmp(v, "off"))
		net_gro_enabled = !strcmp(v, "on");
	else
		printk("gro=%s: not on or off; GRO stays %s\n", v, net_gro_enabled ? "on" : "off");
}

void kmain(uint32_t magic, uint32_t info)
{
	stack_protector_init();
	struct boot_info *bi = &boot_info_parsed;

	serial_init();
	if (boot_info_parse(bi, magic, info) < 0) {
		vga_init();
		panic("unknown boot protocol (magic 0x%x)", magic);
	}
	screen_init(&bi->fb);
	printk("MenuOS/x64 %s (build %s), booted by %s%s%s%s\n", MENUOS_VERSION, MENUOS_BUILD,
	       bi->protocol, bi->loader[0] ? " (" : "", bi->loader, bi->loader[0] ? ")" : "");
	boot_info_show(bi);

	gdt_init();
	idt_init();
	acpi_init(bi->rsdp); /* before mm_init: GRUB's RSDP copy may lie in free RAM */
	mm_init(bi);
	paging_protect();
	printk("paging: kernel text read-only, data/heap/stacks not executable, stack guard pages (%s)\n",
	       paging_features());
	cmdline_init(bi->cmdline);
	apic_init();
	softirq_init();
	sched_init();
	time_init();
	local_irq_enable();

	serial_irq_init();
	com2_init(capture_read); /* the packet capture's way out, if the machine has COM2 */
	keyboard_init();

	net_init();
	configure_gro();
	pci_init();
	drivers_net_init();
	configure_interfaces();

	/* With too little memory (the NIC's receive ring took the rest) say so
	 * rather than idle forever without a prompt. */
	if (!kthread_create(menuos_main, NULL, "shell"))
		panic("no memory left for the shell task: boot with more memory (-m)");
	idle_loop();
}
