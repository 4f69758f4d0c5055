/* printk and panic: formatted output to every console. */
#include <stdarg.h>
#include <stdio.h>
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/trap.h"

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return n;
	console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;
	uint64_t rsp;

	local_irq_disable();
	printk("\n*** KERNEL PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	printk("\nRSP: %016llx\n", (unsigned long long)rsp);
	dump_backtrace((uint64_t)(uintptr_t)__builtin_frame_address(0),
		       (uint64_t)(uintptr_t)__builtin_return_address(0));
	printk("System halted.\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
