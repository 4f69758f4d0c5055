/*
 * Interrupt controllers.  The legacy 8259 PICs are remapped away from the
 * exception vectors and masked; the local APIC (Intel SDM vol. 3A ch. 10)
 * receives everything, from the I/O APIC (82093AA datasheet) for ISA and
 * PCI INTx lines, or directly as MSI messages.
 */
#include <stdint.h>
#include <errno.h>
#include "kernel/kernel.h"
#include "kernel/irq.h"
#include "kernel/io.h"
#include "kernel/mm.h"
#include "kernel/paging.h"
#include "kernel/trap.h"
#include "kernel/printk.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define LAPIC_ID	 0x20
#define LAPIC_TPR	 0x80
#define LAPIC_EOI	 0xb0
#define LAPIC_SVR	 0xf0
#define LAPIC_SVR_ENABLE 0x100
#define MSR_APIC_BASE	 0x1b
#define APIC_BASE_ENABLE (1 << 11)

#define IOAPIC_REGSEL  0x00
#define IOAPIC_WIN     0x10
#define IOAPIC_VER     0x01
#define IOREDTBL(n)    (0x10 + 2 * (n))
#define RTE_ACTIVE_LOW (1 << 13)
#define RTE_LEVEL      (1 << 15)
#define RTE_MASKED     (1 << 16)

static volatile uint8_t *lapic;

uint32_t lapic_read(uint32_t reg) { return readl(lapic + reg); }
void lapic_write(uint32_t reg, uint32_t v) { writel(v, lapic + reg); }
void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }
uint32_t lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

/* 8259A: ICW1-ICW4 remap to 0x20/0x28, then mask every line (we use the APIC). */
static void pic_disable(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 0x20); /* ICW2: vector offsets */
	outb(PIC2_DATA, 0x28);
	outb(PIC1_DATA, 4); /* ICW3: slave on IR2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1); /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff); /* OCW1: mask all */
	outb(PIC2_DATA, 0xff);
}

static uint32_t ioapic_read(int i, uint32_t reg)
{
	volatile uint8_t *base = (volatile uint8_t *)(uintptr_t)acpi.ioapic[i].addr;
	writel(reg, base + IOAPIC_REGSEL);
	return readl(base + IOAPIC_WIN);
}

static void ioapic_write(int i, uint32_t reg, uint32_t v)
{
	volatile uint8_t *base = (volatile uint8_t *)(uintptr_t)acpi.ioapic[i].addr;
	writel(reg, base + IOAPIC_REGSEL);
	writel(v, base + IOAPIC_WIN);
}

static int ioapic_pins(int i) { return ((ioapic_read(i, IOAPIC_VER) >> 16) & 0xff) + 1; }

void apic_init(void)
{
	pic_disable();
	/* SDM 10.4.3: the APIC global enable bit in IA32_APIC_BASE, then the software enable in SVR */
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	lapic = ioremap(acpi.lapic_addr, PAGE_SIZE);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VECTOR_SPURIOUS);

	if (acpi.ioapic_count == 0) { /* no MADT: the usual address */
		acpi.ioapic[0].addr = 0xfec00000;
		acpi.ioapic[0].gsi_base = 0;
		acpi.ioapic_count = 1;
	}
	for (int i = 0; i < acpi.ioapic_count; i++) {
		int n = ioapic_pins(i);
		for (int pin = 0; pin < n; pin++) {
			ioapic_write(i, IOREDTBL(pin), RTE_MASKED);
			ioapic_write(i, IOREDTBL(pin) + 1, 0);
		}
	}
	printk("apic: LAPIC id %u, I/O APIC at 0x%x with %d pins\n", lapic_id(),
	       acpi.ioapic[0].addr, ioapic_pins(0));
}

struct dev_irq {
	irq_handler_t fn;
	void *arg;
};
static struct dev_irq dev_irqs[256];

static void dev_irq_trampoline(struct trap_frame *tf, void *arg)
{
	struct dev_irq *d = arg;
	(void)tf;
	d->fn(d->arg);
}

static int install(irq_handler_t fn, void *arg, const char *name)
{
	int v = trap_alloc_vector();
	if (v < 0)
		return v;
	dev_irqs[v].fn = fn;
	dev_irqs[v].arg = arg;
	trap_set_handler(v, dev_irq_trampoline, &dev_irqs[v], name);
	return v;
}

static int route_gsi(unsigned gsi, uint32_t flags, int vector)
{
	for (int i = 0; i < acpi.ioapic_count; i++) {
		unsigned base = acpi.ioapic[i].gsi_base;
		if (gsi < base || gsi >= base + (unsigned)ioapic_pins(i))
			continue;
		ioapic_write(i, IOREDTBL(gsi - base) + 1, lapic_id() << 24);
		ioapic_write(i, IOREDTBL(gsi - base), vector | flags); /* fixed, physical */
		return 0;
	}
	return -ENODEV;
}

/*
 * Several PCI functions may share one INTx line; a shared line gets one
 * vector whose handlers are chained.
 */
struct shared_line {
	unsigned gsi;
	int vector;
	int n;
	struct dev_irq h[4];
};
static struct shared_line shared[16];

static void shared_trampoline(void *arg)
{
	struct shared_line *s = arg;
	for (int i = 0; i < s->n; i++)
		s->h[i].fn(s->h[i].arg);
}

/* ACPI 5.2.12.5 MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3 (3 = low / level). */
static uint32_t inti_flags_to_rte(uint16_t f)
{
	return ((f & 3) == 3 ? RTE_ACTIVE_LOW : 0) | (((f >> 2) & 3) == 3 ? RTE_LEVEL : 0);
}

/*
 * The firmware's word beats the caller's default: QEMU's MADT declares the
 * PCI interrupt lines 5, 9, 10 and 11 level-triggered and active-high, and
 * an interrupt controller that honours polarity (KVM's) would otherwise see
 * the line stuck asserted.
 */
static uint32_t gsi_rte_flags(unsigned gsi, int level_low)
{
	for (int irq = 0; irq < 16; irq++)
		if (acpi.isa_override[irq] && acpi.isa_gsi[irq] == gsi)
			return inti_flags_to_rte(acpi.isa_flags[irq]);
	return level_low ? RTE_ACTIVE_LOW | RTE_LEVEL : 0;
}

int irq_request_gsi(unsigned gsi, int level_low, irq_handler_t fn, void *arg, const char *name)
{
	struct shared_line *s = NULL;

	for (int i = 0; i < 16; i++) {
		if (shared[i].n && shared[i].gsi == gsi) {
			s = &shared[i];
			break;
		}
		if (!s && !shared[i].n)
			s = &shared[i];
	}
	if (!s || s->n == 4)
		return -ENOSPC;
	s->h[s->n].fn = fn;
	s->h[s->n].arg = arg;
	if (s->n++ == 0) {
		s->gsi = gsi;
		s->vector = install(shared_trampoline, s, name);
		if (s->vector < 0) {
			s->n = 0;
			return s->vector;
		}
		int err = route_gsi(gsi, gsi_rte_flags(gsi, level_low), s->vector);
		if (err)
			return err;
	}
	return s->vector;
}

int irq_request_isa(unsigned isa_irq, irq_handler_t fn, void *arg, const char *name)
{
	uint16_t f = isa_irq < 16 ? acpi.isa_flags[isa_irq] : 0;
	int v;

	if (isa_irq >= 16)
		return -EINVAL;
	v = install(fn, arg, name);
	if (v < 0)
		return v;
	return route_gsi(acpi.isa_gsi[isa_irq], inti_flags_to_rte(f), v) ?: v;
}

/* SDM 10.11: MSI address 0xFEE<dest id>xxx, data = vector, fixed delivery, edge. */
int irq_request_msi(irq_handler_t fn, void *arg, const char *name, uint64_t *addr, uint32_t *data)
{
	int v = install(fn, arg, name);
	if (v < 0)
		return v;
	*addr = 0xfee00000ULL | (lapic_id() << 12);
	*data = v;
	return v;
}
