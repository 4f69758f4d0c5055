/* The kernel's side of net/platform.h. */
#include <stdint.h>
#include <string.h>
#include "net/platform.h"
#include "kernel/cmdline.h"
#include "kernel/softirq.h"
#include "kernel/io.h"
#include "kernel/irq.h"

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

void net_raise_rx_softirq(void) { raise_softirq(NET_RX_SOFTIRQ); }

/* CPUID.(EAX=7,ECX=0):EBX bit 18 = RDSEED; CPUID.1:ECX bit 30 = RDRAND (SDM vol. 2). */
static int cpu_has(int leaf, int reg_ecx, int bit)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(0));
	return ((reg_ecx ? c : b) >> bit) & 1;
}

static int hw_random64(uint64_t *out)
{
	static int checked, has_rdseed, has_rdrand;
	unsigned char ok = 0;

	if (!checked) {
		has_rdseed = cpu_has(7, 0, 18);
		has_rdrand = cpu_has(1, 1, 30);
		checked = 1;
	}
	for (int tries = 0; tries < 10 && !ok; tries++) {
		if (has_rdseed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
		else if (has_rdrand)
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		else
			return 0;
	}
	return ok;
}

/* Fallback: a xorshift generator seeded and stirred with the TSC. */
static uint64_t mix_state = 0x9e3779b97f4a7c15ULL;

static uint64_t soft_random64(void)
{
	uint64_t x = mix_state ^ rdtsc();
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	mix_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void net_get_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		uint64_t v;
		if (!hw_random64(&v))
			v = soft_random64();
		size_t k = n < 8 ? n : 8;
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

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
