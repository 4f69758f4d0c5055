/*
 * The kernel calls that user/ (the shell and its commands) may make,
 * besides the C library and net/netctl.h: tasks, time, the console, power,
 * memory and interrupt statistics, the command line, and PCI device
 * records.  Nothing here exposes a kernel structure: what crosses is
 * plain values, or a record the call fills.  make check-layers keeps
 * user/ to this header; kernel/uapi.c includes it together with the
 * kernel's own headers, so the compiler checks that each declaration here
 * agrees with the one it repeats.
 */
#ifndef KERNEL_UAPI_H
#define KERNEL_UAPI_H

#include <stddef.h>
#include <stdint.h>

/* ---- tasks ---- */

/* Starts a task running fn(arg), ending when fn returns: its pid, or -ENOMEM. */
int kernel_thread(void (*fn)(void *), void *arg, const char *name);
/* Asks task pid to end (kill): its sleeps and blocking calls return -EINTR
 * from now on.  0, -ESRCH (no such task) or -EPERM (the idle task or the caller). */
int task_kill(int pid);
/* Whether task pid exists (has not ended yet). */
int task_exists(int pid);
/* Whether the calling task was asked to stop (Ctrl-C, kill). */
int task_signal_pending(void);
/* Forgets a pending Ctrl-C of the calling task. */
void task_clear_signal(void);
/* Prints the task list (ps). */
void sched_show(void);
/* CPU time the calling task has used so far, in ms. */
uint64_t task_cpu_ms(void);

/* ---- time ---- */

uint64_t jiffies_ms(void); /* milliseconds since boot */
uint64_t ktime_ns(void);   /* nanoseconds since boot, TSC resolution */
/* Sleeps ms milliseconds: 0, or -EINTR when Ctrl-C cut it short. */
int msleep_interruptible(unsigned long ms);
/* Sleeps ms milliseconds; a signal ends it early. */
void msleep(unsigned long ms);

/* ---- console ---- */

void console_write(const char *s, size_t n);
int console_getc(void); /* blocks; a byte, or -EINTR */
void console_clear(void);
/* The calling task owns the console until _end: Ctrl-C interrupts its sleeps. */
void console_foreground_begin(void);
void console_foreground_end(void);
/* The shell's line editor: fn reprints the prompt and the line after
 * asynchronous output blanked it; typed says whether the line holds typed
 * characters (kernel/console.h). */
void console_set_redraw(void (*fn)(void));
void console_line_typed(int typed);

/* ---- power, faults ---- */

void machine_power_off(void) __attribute__((noreturn));
void machine_reboot(void) __attribute__((noreturn));
/* Prints the message, the caller's registers and a backtrace, then halts. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- statistics ---- */

struct meminfo {
	uint64_t page_size;
	uint64_t total_pages, free_pages;
	uint64_t kmalloc_bytes, kmalloc_allocs, kmalloc_frees;
	uint64_t kmalloc_fails, empty_slabs, page_alloc_fails; /* see kernel/mm.h */
};
void meminfo_get(struct meminfo *out);
/* Prints the interrupt vectors and their counts (irq). */
void irq_show(void);

/* ---- kernel command line ---- */

const char *cmdline_raw(void);
/* The value of key (a bare word has value ""), or NULL if absent. */
const char *cmdline_get(const char *key);

/* ---- PCI ---- */

struct pci_dev_info {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	char driver[16]; /* the bound driver's name, "" when none */
};
/* Copies up to max devices in bus order; returns how many exist. */
int pci_get_devices(struct pci_dev_info *out, int max);

#endif
