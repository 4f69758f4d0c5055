/* printk and panic: formatted output to every console. */
#include <stdarg.h>
#include <stddef.h>
#include "libc/format.h"
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/trap.h"

/* One message, cut at PRINTK_LINE - 1 characters, is written in one piece. */
#define PRINTK_LINE 512

struct printk_buf {
	char buf[PRINTK_LINE];
	size_t pos;
};

static void printk_emit(void *ctx, char c)
{
	struct printk_buf *pb = ctx;

	if (pb->pos + 1 < sizeof(pb->buf))
		pb->buf[pb->pos++] = c;
}

int vprintk(const char *fmt, va_list ap)
{
	struct printk_buf pb;
	int n;

	pb.pos = 0;
	n = vformat(printk_emit, &pb, fmt, ap);
	console_write(pb.buf, pb.pos);
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
	struct trap_frame tf = {0};

	/* the registers as they are here, for the same report a fault gives */
	__asm__ volatile("mov %%rax, %0\n\tmov %%rbx, %1\n\tmov %%rcx, %2\n\tmov %%rdx, %3\n\t"
			 "mov %%rsi, %4\n\tmov %%rdi, %5\n\tmov %%r8, %6\n\tmov %%r9, %7"
			 : "=m"(tf.rax), "=m"(tf.rbx), "=m"(tf.rcx), "=m"(tf.rdx), "=m"(tf.rsi),
			   "=m"(tf.rdi), "=m"(tf.r8), "=m"(tf.r9));
	__asm__ volatile("mov %%r10, %0\n\tmov %%r11, %1\n\tmov %%r12, %2\n\tmov %%r13, %3\n\t"
			 "mov %%r14, %4\n\tmov %%r15, %5\n\tmov %%rsp, %6\n\tpushfq\n\tpopq %7"
			 : "=m"(tf.r10), "=m"(tf.r11), "=m"(tf.r12), "=m"(tf.r13), "=m"(tf.r14),
			   "=m"(tf.r15), "=m"(tf.rsp), "=m"(tf.rflags));
	__asm__ volatile("mov %%cs, %0\n\tmov %%ss, %1" : "=m"(tf.cs), "=m"(tf.ss));
	tf.rbp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	__asm__ volatile("lea 0(%%rip), %0" : "=r"(tf.rip));

	local_irq_disable();
	console_flush_on_panic(); /* the report must get out, whatever the terminal does */
	printk("\n*** KERNEL PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	dump_frame(&tf);
	dump_backtrace(tf.rbp, tf.rip);
	printk("System halted.\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}
