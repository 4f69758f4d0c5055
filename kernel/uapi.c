/*
 * The kernel side of kernel/uapi.h: the calls that need a wrapper to pass
 * plain values.  The others are the kernel's own functions; including
 * their headers here makes the compiler compare both declarations.
 */
#include <errno.h>

#include "kernel/uapi.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/timer.h"

int kernel_thread(void (*fn)(void *), void *arg, const char *name)
{
	struct task *t = kthread_create(fn, arg, name);

	return t ? t->pid : -ENOMEM;
}

int task_exists(int pid) { return task_find(pid) != NULL; }
uint64_t task_cpu_ms(void) { return current->runtime_ms; }

void console_foreground_begin(void) { console_set_foreground(current); }
void console_foreground_end(void) { console_set_foreground(NULL); }

void meminfo_get(struct meminfo *out)
{
	struct mem_stats st;

	mem_get_stats(&st);
	out->page_size = PAGE_SIZE;
	out->total_pages = st.total_pages;
	out->free_pages = st.free_pages;
	out->kmalloc_bytes = st.kmalloc_bytes;
	out->kmalloc_allocs = st.kmalloc_allocs;
	out->kmalloc_frees = st.kmalloc_frees;
	out->kmalloc_fails = st.kmalloc_fails;
	out->empty_slabs = st.empty_slabs;
	out->page_alloc_fails = st.page_alloc_fails;
}
