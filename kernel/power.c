/* Power off and reset. */
#include "kernel/power.h"
#include "kernel/kernel.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define SLP_EN (1 << 13) /* ACPI 4.8.4.2.1 PM1 control: SLP_EN, SLP_TYP in bits 10-12 */
#define SCI_EN 1

void machine_power_off(void)
{
	local_irq_disable();
	/* ACPI mode must be on for the PM1 control write to mean anything (4.8.4.2.1) */
	if (acpi.smi_cmd && acpi.acpi_enable && !(inw(acpi.pm1a_cnt) & SCI_EN)) {
		outb(acpi.smi_cmd, acpi.acpi_enable);
		for (int i = 0; i < 100000 && !(inw(acpi.pm1a_cnt) & SCI_EN); i++)
			io_wait();
	}
	if (acpi.pm1a_cnt) {
		uint16_t typ = acpi.have_s5 ? acpi.slp_typ_s5 : 0;
		outw(acpi.pm1a_cnt, (typ << 10) | SLP_EN);
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt, (typ << 10) | SLP_EN);
	}
	/* no FADT: the PM1a control port of QEMU's PIIX4, S5 = SLP_TYP 0 */
	outw(0x604, 0x2000);
	/* the emulator acts on the write asynchronously: give it a moment */
	for (int i = 0; i < 1000000; i++)
		io_wait();
	printk("power off failed; halting\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void machine_reboot(void)
{
	local_irq_disable();
	if (acpi.have_reset && acpi.reset_space == 1)
		outb(acpi.reset_addr, acpi.reset_value);
	outb(0xcf9, 0x06); /* PIIX/ICH reset control register: full reset */
	outb(0x64, 0xfe);  /* 8042 pulse reset line */
	printk("reboot failed; halting\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
