/* Power control: ACPI S5 soft-off (QEMU exits with status 0) and reset. */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

void machine_power_off(void) __attribute__((noreturn));
void machine_reboot(void) __attribute__((noreturn));

#endif
