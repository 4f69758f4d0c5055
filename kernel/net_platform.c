/* The kernel's side of net/platform.h. */
#include <stdint.h>
#include <string.h>
#include "net/platform.h"
#include "kernel/cmdline.h"
#include "kernel/softirq.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "drivers/serial_capture.h"
#include "kernel/random.h"
#include "kernel/mm.h"

void net_lock(void) { local_bh_disable(); }
void net_unlock(void) { local_bh_enable(); }

int net_wait(wait_queue_head_t *wq, int (*cond)(void *), void *arg, long timeout_ms)
{
	int r;

	net_unlock();
	r = wait_event_cond(wq, cond, arg, timeout_ms);
	net_lock();
	return r;
}

int net_mem_pressure(void) { return mem_pressure(); }

uint64_t net_totalram_bytes(void)
{
	struct mem_stats st;

	mem_get_stats(&st);
	return st.total_pages * PAGE_SIZE;
}

void net_raise_rx_softirq(void) { raise_softirq(NET_RX_SOFTIRQ); }

/* The packet capture leaves the machine through COM2. */
int net_capture_output_ready(void) { return com2_present(); }
void net_capture_kick(void) { com2_kick(); }

void net_get_random_bytes(void *buf, size_t n) { get_random_bytes(buf, n); }

uint32_t net_random32(void)
{
	uint32_t v;
	net_get_random_bytes(&v, sizeof(v));
	return v;
}

void net_open_rx_softirq(void (*action)(void)) { open_softirq(NET_RX_SOFTIRQ, action); }

unsigned long net_irq_save(void) { return irq_save(); }
void net_irq_restore(unsigned long flags) { irq_restore(flags); }

const char *net_boot_param(const char *key) { return cmdline_get(key); }
