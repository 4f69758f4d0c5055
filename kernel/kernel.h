/* Initialisation order and the glue between kernel/ modules (see kmain). */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>

struct boot_mmap_entry {
	uint64_t addr, len;
	uint32_t type; /* 1 = usable RAM */
};

/* What kmain learned from the boot protocol (multiboot2 or PVH). */
struct boot_info {
	const char *protocol;
	char cmdline[1024];
	struct boot_mmap_entry mmap[64];
	int mmap_count;
	uint64_t rsdp; /* physical address of the ACPI RSDP, 0 if unknown */
};
extern struct boot_info boot_info_parsed;

void mm_init(const struct boot_info *bi);
void cmdline_init(const char *s);
void acpi_init(uint64_t rsdp);
void apic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
void time_init(void);
void timer_tick(void); /* from the LAPIC timer interrupt */
void run_timers(void); /* TIMER_SOFTIRQ */
void sched_init(void);
void sched_tick(void); /* from the timer interrupt: time slice accounting */
void softirq_init(void);
void irq_exit(void); /* after a device/timer interrupt: softirqs, preemption */
void irq_enter(void);
int in_interrupt(void);
void idle_loop(void) __attribute__((noreturn));

/* ACPI facts other modules need. */
struct acpi_info {
	uint64_t lapic_addr;
	int ioapic_count;
	struct {
		uint32_t addr, gsi_base;
		uint8_t id;
	} ioapic[4];
	/* ISA IRQ -> GSI and flags, from MADT interrupt source overrides */
	uint32_t isa_gsi[16];
	uint16_t isa_flags[16];
	uint8_t isa_override[16]; /* the MADT had an override for this IRQ */
	uint32_t pm1a_cnt, pm1b_cnt;
	uint16_t slp_typ_s5; /* SLP_TYPa for S5 */
	int have_s5;
	uint8_t reset_space; /* FADT reset register (0 = memory, 1 = I/O) */
	uint64_t reset_addr;
	uint8_t reset_value;
	int have_reset;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
};
extern struct acpi_info acpi;

/* kernel/stackprotector.c: the canary gets its random value (first thing in kmain). */
void stack_protector_init(void);

#endif
