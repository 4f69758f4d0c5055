/*
 * Everything net/ needs from the machine below it, and nothing more:
 * time, memory, timers, sleeping, serialisation, randomness, logging and
 * the boot parameters.
 * The kernel implements it (kernel/ and drivers/); host unit tests
 * implement it in tests/unit/support/ with a fake clock, so the whole
 * stack runs off the metal.
 *
 * Concurrency model: one CPU.  The stack runs either in the NET_RX/TIMER
 * softirqs or in a task between net_lock() and net_unlock() (bottom halves
 * and preemption off).  A task that must block calls net_wait(), which drops
 * the lock while it sleeps.
 */
#ifndef NET_PLATFORM_H
#define NET_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

#include "kernel/list.h"
#include "kernel/timer.h"  /* jiffies_ms, struct timer_list, timer_setup, mod_timer, del_timer */
#include "kernel/wait.h"   /* wait_queue_head_t, init_waitqueue_head, wake_up */
#include "kernel/printk.h" /* printk */

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/*
 * Memory is short (Linux's tcp_memory_pressure, from the page allocator's
 * low watermark): TCP refuses new connections and new receive data, so
 * that the memory left serves the segments that free memory.
 */
int net_mem_pressure(void);
/* The memory the page allocator manages, in bytes (Linux's totalram_pages):
 * defaults that scale with the machine are computed from it. */
uint64_t net_totalram_bytes(void);

void net_lock(void);
void net_unlock(void);
/* Like wait_event_cond, but called with net_lock held; drops it while asleep. */
int net_wait(wait_queue_head_t *wq, int (*cond)(void *), void *arg, long timeout_ms);

/* Schedules the receive softirq (the loopback device and drivers use it). */
void net_raise_rx_softirq(void);
/* Makes `action` the NET_RX softirq handler (net_init calls it once). */
void net_open_rx_softirq(void (*action)(void));

/*
 * Short critical sections shared with interrupt handlers (the NAPI poll
 * list, the netif_rx backlog): interrupts off on this CPU, flags returned.
 */
unsigned long net_irq_save(void);
void net_irq_restore(unsigned long flags);

/* The capture output (COM2, net/capture.h): whether there is one, and a
 * signal that capture_read has bytes for it; it must not block. */
int net_capture_output_ready(void);
void net_capture_kick(void);

/* Random bytes: RDSEED/RDRAND when the CPU has them, else a TSC-seeded mix. */
void net_get_random_bytes(void *buf, size_t n);
uint32_t net_random32(void);

/*
 * The value of a key=value word of the kernel command line (a bare word:
 * ""), or NULL when absent.  netctl_apply_boot_params reads the TCP
 * tunables through it.
 */
const char *net_boot_param(const char *key);

#endif
