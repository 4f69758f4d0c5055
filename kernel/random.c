/*
 * Random numbers for the kernel: RDSEED or RDRAND where the CPU has them,
 * else a generator stirred with the TSC (not cryptographic: QEMU's default
 * CPU model has neither instruction).
 */
#include <stdint.h>
#include <string.h>
#include "kernel/random.h"
#include "kernel/io.h"

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

void get_random_bytes(void *buf, size_t n)
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

