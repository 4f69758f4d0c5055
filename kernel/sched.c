/*
 * Kernel tasks and the scheduler: round robin over runnable tasks, with a
 * time slice enforced by the 1 ms timer tick (preemption happens at the end
 * of the timer interrupt, in irq_exit).  The boot task becomes the idle
 * task: it runs only when nothing else can, halting the CPU.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include "kernel/sched.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/paging.h"
#include "kernel/irq.h"
#include "kernel/timer.h"
#include "kernel/printk.h"

#define STACK_ORDER   3 /* 32 KiB per task */
#define TIME_SLICE_MS 10

extern volatile unsigned int preempt_count;
extern volatile int need_resched;
extern char boot_stack_bottom[];

void switch_to(uint64_t *save_rsp, uint64_t new_rsp);
void task_trampoline(void);

static struct task idle_task;
struct task *current = &idle_task;
static LIST_HEAD(run_queue);
static LIST_HEAD(all_tasks);
static LIST_HEAD(dead_tasks);
static int next_pid = 1;
static int slice_left = TIME_SLICE_MS;

static const char *state_name(enum task_state s)
{
	switch (s) {
	case TASK_RUNNING:
		return "running";
	case TASK_SLEEPING:
		return "sleeping";
	case TASK_DEAD:
		return "dead";
	}
	return "?";
}

void sched_init(void)
{
	idle_task.pid = 0;
	strcpy(idle_task.name, "idle");
	idle_task.state = TASK_RUNNING;
	idle_task.stack = boot_stack_bottom;
	INIT_LIST_HEAD(&idle_task.run_node);
	list_add_tail(&idle_task.all_node, &all_tasks);
}

struct task *kthread_create(void (*fn)(void *), void *arg, const char *name)
{
	struct task *t = kzalloc(sizeof(*t));
	uint64_t *sp;

	if (!t)
		return NULL;
	t->stack = page_alloc(STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	/* The lowest page is not mapped: an overflow faults there (and is
	 * reported with this task's name) instead of corrupting memory. */
	if (page_guard(t->stack)) {
		page_free(t->stack, STACK_ORDER);
		kfree(t);
		return NULL;
	}
	strncpy(t->name, name, sizeof(t->name) - 1);
	t->fn = fn;
	t->arg = arg;
	/* the frame switch_to pops: r15 r14 r13 r12 rbx rbp rflags, then returns */
	sp = (uint64_t *)((char *)t->stack + (PAGE_SIZE << STACK_ORDER));
	*--sp = 0; /* keeps the stack 16-byte aligned */
	*--sp = (uint64_t)(uintptr_t)task_trampoline;
	*--sp = 0x202;			  /* rflags: IF set */
	*--sp = 0;			  /* rbp: ends backtraces */
	*--sp = 0;			  /* rbx */
	*--sp = (uint64_t)(uintptr_t)fn;  /* r12 */
	*--sp = (uint64_t)(uintptr_t)arg; /* r13 */
	*--sp = 0;			  /* r14 */
	*--sp = 0;			  /* r15 */
	t->rsp = (uint64_t)(uintptr_t)sp;

	unsigned long f = irq_save();
	t->pid = next_pid++;
	t->state = TASK_RUNNING;
	list_add_tail(&t->all_node, &all_tasks);
	list_add_tail(&t->run_node, &run_queue);
	irq_restore(f);
	return t;
}

void schedule(void)
{
	unsigned long f = irq_save();
	struct task *prev = current, *next;

	need_resched = 0;
	if (prev->state == TASK_RUNNING && prev != &idle_task)
		list_add_tail(&prev->run_node, &run_queue);
	if (list_empty(&run_queue)) {
		next = &idle_task;
	} else {
		next = list_first_entry(&run_queue, struct task, run_node);
		list_del(&next->run_node);
	}
	slice_left = TIME_SLICE_MS;
	if (next != prev) {
		/* each task keeps its own preemption count across a switch */
		prev->preempt_saved = preempt_count;
		current = next;
		preempt_count = next->preempt_saved;
		switch_to(&prev->rsp, next->rsp);
	}
	irq_restore(f);
}

void sched_wake(struct task *t)
{
	unsigned long f = irq_save();
	if (t->state == TASK_SLEEPING) {
		t->state = TASK_RUNNING;
		t->wake_at = 0;
		list_add_tail(&t->run_node, &run_queue);
		need_resched = 1;
	}
	irq_restore(f);
}

/* Caller holds interrupts off and has put itself on whatever it waits on. */
void sched_sleep(uint64_t wake_at_ms)
{
	current->state = TASK_SLEEPING;
	current->wake_at = wake_at_ms;
	schedule();
}

void sched_tick(void)
{
	uint64_t now = jiffies_ms();
	struct task *t;

	current->runtime_ms++;
	list_for_each_entry (t, &all_tasks, all_node) {
		if (t->state == TASK_SLEEPING && t->wake_at && t->wake_at <= now)
			sched_wake(t);
	}
	if (--slice_left <= 0 && !list_empty(&run_queue))
		need_resched = 1;
	if (current == &idle_task && !list_empty(&run_queue))
		need_resched = 1;
}

int msleep_interruptible(unsigned long ms)
{
	uint64_t until = jiffies_ms() + ms;

	for (;;) {
		unsigned long f = irq_save();
		if (current->sigint) {
			irq_restore(f);
			return -EINTR;
		}
		if (jiffies_ms() >= until) {
			irq_restore(f);
			return 0;
		}
		sched_sleep(until);
		irq_restore(f);
	}
}

void msleep(unsigned long ms) { msleep_interruptible(ms); }

int task_signal_pending(void) { return current->sigint; }
void task_clear_signal(void) { current->sigint = 0; }

void task_exit(void)
{
	local_irq_disable();
	current->state = TASK_DEAD;
	list_del(&current->all_node);
	list_add_tail(&current->all_node, &dead_tasks);
	schedule();
	panic("a dead task was scheduled");
}

int task_kill(int pid)
{
	unsigned long f = irq_save();
	struct task *t = NULL, *it;
	int err = 0;

	list_for_each_entry (it, &all_tasks, all_node) {
		if (it->pid == pid)
			t = it;
	}
	if (!t)
		err = -ESRCH;
	else if (t == &idle_task || t == current)
		err = -EPERM;
	else {
		t->sigint = 1;
		sched_wake(t);
	}
	irq_restore(f);
	return err;
}

struct task *task_by_stack_guard(uint64_t addr)
{
	struct task *t, *found = NULL;

	/* No lock: this runs in a fault report, with interrupts off. */
	list_for_each_entry (t, &all_tasks, all_node) {
		if (t->stack && t != &idle_task && addr - (uint64_t)(uintptr_t)t->stack < PAGE_SIZE)
			found = t;
	}
	return found;
}

struct task *task_find(int pid)
{
	struct task *t, *found = NULL;
	unsigned long f = irq_save();
	list_for_each_entry (t, &all_tasks, all_node) {
		if (t->pid == pid)
			found = t;
	}
	irq_restore(f);
	return found;
}

void sched_show(void)
{
	struct task *t;
	printf("  PID  STATE     TIME(ms)  NAME\n");
	unsigned long f = irq_save();
	list_for_each_entry (t, &all_tasks, all_node) {
		printf("%5d  %-8s  %8llu  %s%s\n", t->pid, state_name(t->state),
		       (unsigned long long)t->runtime_ms, t->name,
		       t == current ? " (current)" : "");
	}
	irq_restore(f);
}

/* Frees what exited tasks leave behind; their stacks cannot be freed while in use. */
static void reap_dead(void)
{
	unsigned long f = irq_save();
	while (!list_empty(&dead_tasks)) {
		struct task *t = list_first_entry(&dead_tasks, struct task, all_node);
		list_del(&t->all_node);
		irq_restore(f);
		page_unguard(t->stack);
		page_free(t->stack, STACK_ORDER);
		kfree(t);
		f = irq_save();
	}
	irq_restore(f);
}

void idle_loop(void)
{
	for (;;) {
		reap_dead();
		local_irq_disable();
		if (!list_empty(&run_queue)) {
			local_irq_enable();
			schedule();
		} else {
			/* sti takes effect after the next instruction, so no wakeup is lost */
			__asm__ volatile("sti; hlt" : : : "memory");
		}
	}
}
