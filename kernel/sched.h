/*
 * Kernel tasks: each has its own stack; a preemptive round-robin scheduler
 * switches on the timer tick.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdint.h>
#include "kernel/list.h"

enum task_state { TASK_RUNNING, TASK_SLEEPING, TASK_DEAD };

struct task {
	uint64_t rsp; /* saved stack pointer while switched out */
	void *stack;  /* stack base (page_alloc), NULL for the boot task */
	int pid;
	char name[16];
	enum task_state state;
	struct list_head run_node; /* on the run queue or a wait queue */
	struct list_head all_node; /* on the list of all tasks */
	uint64_t wake_at;	   /* ms; 0 = no timeout */
	int sigint;		   /* an interrupt (Ctrl-C) is pending */
	int err;		   /* errno for libc */
	uint64_t runtime_ms;
	unsigned int preempt_saved; /* preemption count while switched out */
	void (*fn)(void *);
	void *arg;
};

extern struct task *current;

/* Creates a task that runs fn(arg) and exits when fn returns. */
struct task *kthread_create(void (*fn)(void *), void *arg, const char *name);
void schedule(void);	       /* give up the CPU */
void msleep(unsigned long ms); /* returns early (-EINTR) if interrupted */
int msleep_interruptible(unsigned long ms);
void task_exit(void) __attribute__((noreturn));
int task_signal_pending(void);
void task_clear_signal(void);
void sched_show(void); /* prints the task list (ps) */
struct task *task_find(int pid);
/*
 * Asks task pid to end (the shell's `kill`): its sleeps and blocking calls
 * return -EINTR from now on, and a background command ends when it sees
 * that.  0, -ESRCH (no such task) or -EPERM (the idle task or the caller).
 */
int task_kill(int pid);
/* The task whose stack's guard page holds addr, or NULL (fault reports). */
struct task *task_by_stack_guard(uint64_t addr);

/* Used by wait.c: sleep until woken or timeout. */
void sched_sleep(uint64_t wake_at_ms);
void sched_wake(struct task *t);
void preempt_disable(void);
void preempt_enable(void);

#endif
