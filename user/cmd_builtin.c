/*
 * The shell's built-in commands: system information and control.
 * Handlers return 0, a negative errno that the engine prints as words, or
 * 1 when they have explained the failure themselves.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "user/menu.h"
#include "kernel/uapi.h"

#define OS_NAME	   "MenuOS/x64"
/* Canonical, far above the identity-mapped first 4 GiB: never mapped. */
#define FAULT_ADDR 0xdead0000000UL

static int cmd_version(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("%s version %s (build %s)\n", OS_NAME, MENUOS_VERSION, MENUOS_BUILD);
	return 0;
}

static int cmd_quit(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("Powering off.\n");
	machine_power_off();
}

static int cmd_reboot(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("Rebooting.\n");
	machine_reboot();
}

static int cmd_uptime(int argc, char *argv[])
{
	uint64_t ms = jiffies_ms(), s = ms / 1000;

	(void)argc;
	(void)argv;
	printf("up %llu:%02llu:%02llu (%llu.%03llu s)\n", (unsigned long long)(s / 3600),
	       (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60),
	       (unsigned long long)s, (unsigned long long)(ms % 1000));
	return 0;
}

static int cmd_mem(int argc, char *argv[])
{
	struct meminfo st;
	uint64_t kib_per_page;

	(void)argc;
	(void)argv;
	meminfo_get(&st);
	kib_per_page = st.page_size / 1024;
	printf("pages:   %llu total, %llu free, %llu used (%llu KiB each)\n",
	       (unsigned long long)st.total_pages, (unsigned long long)st.free_pages,
	       (unsigned long long)(st.total_pages - st.free_pages),
	       (unsigned long long)kib_per_page);
	printf("memory:  %llu KiB total, %llu KiB free\n",
	       (unsigned long long)(st.total_pages * kib_per_page),
	       (unsigned long long)(st.free_pages * kib_per_page));
	printf("kmalloc: %llu bytes in use, %llu allocations, %llu frees, %llu failed\n",
	       (unsigned long long)st.kmalloc_bytes, (unsigned long long)st.kmalloc_allocs,
	       (unsigned long long)st.kmalloc_frees, (unsigned long long)st.kmalloc_fails);
	printf("out of memory: %llu page requests failed; %llu empty slab pages kept for reuse\n",
	       (unsigned long long)st.page_alloc_fails, (unsigned long long)st.empty_slabs);
	return 0;
}

static int cmd_ps(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	sched_show();
	return 0;
}

static int cmd_clear(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	console_clear();
	return 0;
}

static int cmd_irq(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	irq_show();
	return 0;
}

static int cmd_echo(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

/* The raw command line, then each word as the kernel's parser sees it. */
static int cmd_cmdline(int argc, char *argv[])
{
	const char *raw = cmdline_raw(), *p = raw;

	(void)argc;
	(void)argv;
	printf("%s\n", raw);
	for (;;) {
		char key[64];
		size_t wlen, klen;
		const char *val;

		p += strspn(p, " \t");
		wlen = strcspn(p, " \t");
		if (!wlen)
			break;
		klen = strcspn(p, " \t=");
		if (klen > 0 && klen < sizeof(key)) {
			memcpy(key, p, klen);
			key[klen] = '\0';
			val = cmdline_get(key);
			if (val && *val)
				printf("  %s = %s\n", key, val);
			else if (val)
				printf("  %s\n", key);
		}
		p += wlen;
	}
	return 0;
}

/* Busy-loops forever without yielding: only the timer tick can take the CPU away. */
static void spin_task(void *arg)
{
	(void)arg;
	while (!task_signal_pending())
		__asm__ volatile("pause");
}

static int cmd_spin(int argc, char *argv[])
{
	int pid;

	(void)argc;
	(void)argv;
	pid = kernel_thread(spin_task, NULL, "spin");
	if (pid < 0)
		return pid;
	printf("spin: task %d spins without yielding until killed\n", pid);
	return 0;
}

/* How long kill waits for a task to end before it says it did not. */
#define KILL_WAIT_MS 3000

static int cmd_kill(int argc, char *argv[])
{
	char *end;
	long pid;
	int err;

	pid = argc == 2 ? strtol(argv[1], &end, 10) : -1;
	if (argc != 2 || *end || pid < 0) {
		printf("usage: kill PID (ps lists them)\n");
		return 1;
	}
	err = task_kill((int)pid);
	if (err == -ESRCH) {
		printf("kill: no task %ld\n", pid);
		return 1;
	}
	if (err == -EPERM) {
		printf("kill: task %ld is %s and cannot be killed\n", pid,
		       pid == 0 ? "the idle task" : "the shell");
		return 1;
	}
	for (int waited = 0; task_exists((int)pid); waited += 10) {
		if (waited >= KILL_WAIT_MS) {
			printf("kill: task %ld did not end within %d ms\n", pid, KILL_WAIT_MS);
			return 1;
		}
		msleep(10);
	}
	printf("kill: task %ld ended\n", pid);
	return 0;
}

static int cmd_sleep(int argc, char *argv[])
{
	char *end;
	unsigned long ms;

	if (argc != 2) {
		printf("usage: sleep MS\n");
		return 1;
	}
	ms = strtoul(argv[1], &end, 10);
	if (end == argv[1] || *end) {
		printf("sleep: not a number of milliseconds: %s\n", argv[1]);
		return 1;
	}
	return msleep_interruptible(ms);
}

/* Recurses until the stack runs into its guard page. */
static __attribute__((noinline)) int overflow_stack(int depth)
{
	volatile char frame[256];

	if (depth == INT_MAX) /* never: the stack ends long before */
		return 0;
	frame[0] = (char)depth;
	return overflow_stack(depth + 1) + frame[0]; /* not a tail call: frames pile up */
}

/* Writes past the end of a stack buffer; the canary catches it on return. */
static __attribute__((noinline)) void smash_stack(void)
{
	char buf[16];
	volatile size_t n = sizeof(buf) + 32;

	memset(buf, 'A', n);
}

static const char fault_usage[] = "usage: fault [panic | stack | nx | wp | canary]\n";

/*
 * `fault` takes the CPU exception path (a write to an unmapped address);
 * the others show each protection of the kernel catching its own bug:
 * panic(), the stack guard page, NX, write protection, the stack canary.
 */
static int cmd_fault(int argc, char *argv[])
{
	const char *what = argc == 2 ? argv[1] : "";

	if (argc > 2) {
		printf(fault_usage);
		return 1;
	}
	if (!strcmp(what, "panic")) {
		panic("requested by the fault command");
	} else if (!strcmp(what, "stack")) {
		printf("fault: recursing until the stack overflows\n");
		overflow_stack(0);
	} else if (!strcmp(what, "nx")) {
		uint8_t code[16] = {0xc3}; /* ret, in a buffer on the stack */

		printf("fault: calling code in a stack buffer at %p\n", (void *)code);
		((void (*)(void))(uintptr_t)code)();
	} else if (!strcmp(what, "wp")) {
		printf("fault: writing into the kernel's text at %p\n", (void *)cmd_fault);
		*(volatile uint8_t *)(uintptr_t)cmd_fault = 0xcc;
	} else if (!strcmp(what, "canary")) {
		printf("fault: overrunning a stack buffer\n");
		smash_stack();
	} else if (argc == 1) {
		printf("fault: writing to unmapped address 0x%lx\n", FAULT_ADDR);
		*(volatile int *)FAULT_ADDR = 1;
	} else {
		printf(fault_usage);
		return 1;
	}
	return 0;
}

void menu_register_builtin(void)
{
	MenuConfig("version", "show the OS name, version and build", cmd_version);
	MenuConfig("quit", "power the machine off", cmd_quit);
	MenuConfig("reboot", "restart the machine", cmd_reboot);
	MenuConfig("uptime", "time since boot", cmd_uptime);
	MenuConfig("mem", "physical pages and kmalloc usage", cmd_mem);
	MenuConfig("ps", "list the tasks and their states", cmd_ps);
	MenuConfig("clear", "clear the screen", cmd_clear);
	MenuConfig("irq", "interrupt vectors and their counts", cmd_irq);
	MenuConfig("cmdline", "the kernel command line and its key=value words", cmd_cmdline);
	MenuConfig("echo", "print the arguments, separated by single spaces", cmd_echo);
	MenuConfig("kill", "kill PID: end a background task (replyhi, sink, spin)", cmd_kill);
	MenuConfig("sleep", "sleep MS milliseconds (Ctrl-C interrupts)", cmd_sleep);
	MenuConfig("spin", "start a task that busy-loops until killed (shows preemption)",
		   cmd_spin);
	MenuConfig("fault",
		   "fault [panic|stack|nx|wp|canary]: CRASHES the kernel, to show the report",
		   cmd_fault);
}
