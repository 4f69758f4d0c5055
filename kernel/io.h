/* Port and memory-mapped I/O accessors. */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void io_wait(void) { outb(0x80, 0); }

static inline uint8_t readb(const volatile void *a) { return *(const volatile uint8_t *)a; }
static inline uint16_t readw(const volatile void *a) { return *(const volatile uint16_t *)a; }
static inline uint32_t readl(const volatile void *a) { return *(const volatile uint32_t *)a; }
static inline uint64_t readq(const volatile void *a) { return *(const volatile uint64_t *)a; }
static inline void writeb(uint8_t v, volatile void *a) { *(volatile uint8_t *)a = v; }
static inline void writew(uint16_t v, volatile void *a) { *(volatile uint16_t *)a = v; }
static inline void writel(uint32_t v, volatile void *a) { *(volatile uint32_t *)a = v; }
static inline void writeq(uint64_t v, volatile void *a) { *(volatile uint64_t *)a = v; }

#define barrier() __asm__ volatile("" ::: "memory")
/* x86 is strongly ordered for ordinary memory; fences matter only against devices. */
#define mb()	  __asm__ volatile("mfence" ::: "memory")
#define rmb()	  __asm__ volatile("lfence" ::: "memory")
#define wmb()	  __asm__ volatile("sfence" ::: "memory")

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
