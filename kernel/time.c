/*
 * Clocks and kernel timers.
 * The TSC and the LAPIC timer are calibrated against PIT channel 2 (the
 * only clock with a known frequency, 1.193182 MHz).  The LAPIC timer then
 * ticks every millisecond: it drives preemption and fires kernel timers.
 * Time itself is read from the TSC, in integer nanoseconds.
 */
#include <stdint.h>
#include "kernel/kernel.h"
#include "kernel/timer.h"
#include "kernel/timer_queue.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/trap.h"
#include "kernel/softirq.h"
#include "kernel/printk.h"

#define PIT_HZ	     1193182
#define PIT_CH2	     0x42
#define PIT_CMD	     0x43
#define PIT_GATE     0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */
#define CALIBRATE_MS 20

#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3e0
#define LVT_PERIODIC	(1 << 17)
#define LVT_MASKED	(1 << 16)
#define DCR_DIV16	0x3

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);

static uint64_t tsc_hz, tsc_boot, ns_mult; /* ns = (tsc * ns_mult) >> 32 */
static uint32_t lapic_per_ms;
static volatile uint64_t ticks;

static LIST_HEAD(timer_list);

uint64_t ktime_ns(void)
{
	uint64_t d = rdtsc() - tsc_boot;
	return (uint64_t)(((unsigned __int128)d * ns_mult) >> 32);
}

uint64_t jiffies_ms(void) { return ktime_ns() / 1000000; }

/*
 * Counts TSC cycles and LAPIC timer decrements over CALIBRATE_MS of PIT
 * channel 2 in mode 0 (interrupt on terminal count; OUT2 goes high at 0).
 */
static void calibrate(void)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint8_t gate = inb(PIT_GATE);

	outb(PIT_GATE, (gate & ~0x02) | 0x01); /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);		       /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	lapic_write(LAPIC_TIMER_DCR, DCR_DIV16);
	/* restart the count by toggling the gate (a rising edge reloads in mode 0) */
	outb(PIT_GATE, inb(PIT_GATE) & ~0x01);
	outb(PIT_GATE, inb(PIT_GATE) | 0x01);
	uint64_t t0 = rdtsc();
	lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
	while (!(inb(PIT_GATE) & 0x20))
		;
	uint32_t lapic_used = 0xffffffff - lapic_read(LAPIC_TIMER_CCR);
	uint64_t t1 = rdtsc();
	lapic_write(LAPIC_TIMER_ICR, 0);
	outb(PIT_GATE, gate);

	tsc_hz = (t1 - t0) * 1000 / CALIBRATE_MS;
	lapic_per_ms = lapic_used / CALIBRATE_MS;
	if (!lapic_per_ms)
		lapic_per_ms = 1;
}

static void timer_interrupt(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;
	timer_tick();
}

void time_init(void)
{
	tsc_boot = rdtsc();
	calibrate();
	ns_mult = (1000000000ULL << 32) / tsc_hz;
	trap_set_handler(VECTOR_TIMER, timer_interrupt, NULL, "lapic-timer");
	open_softirq(TIMER_SOFTIRQ, run_timers);
	lapic_write(LAPIC_TIMER_DCR, DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER | LVT_PERIODIC);
	lapic_write(LAPIC_TIMER_ICR, lapic_per_ms);
	printk("time: TSC %llu.%03llu MHz, LAPIC timer %u ticks/ms, 1000 Hz tick\n",
	       (unsigned long long)(tsc_hz / 1000000), (unsigned long long)(tsc_hz / 1000 % 1000),
	       lapic_per_ms);
}

void timer_tick(void)
{
	ticks++;
	sched_tick();
	if (!list_empty(&timer_list)) {
		struct timer_list *t = list_first_entry(&timer_list, struct timer_list, entry);
		if (t->expires <= jiffies_ms())
			raise_softirq(TIMER_SOFTIRQ);
	}
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->expires = 0;
	t->pending = 0;
}

int del_timer(struct timer_list *t)
{
	unsigned long f = irq_save();
	int was = t->pending;
	if (was) {
		list_del(&t->entry);
		t->pending = 0;
	}
	irq_restore(f);
	return was;
}

/* The list is kept sorted by expiry (kernel/timer_queue.c), so the tick only looks at its head. */
int mod_timer(struct timer_list *t, uint64_t expires)
{
	unsigned long f = irq_save();
	int was = t->pending;

	if (was)
		list_del(&t->entry);
	t->expires = expires;
	timer_queue_add(&timer_list, t);
	t->pending = 1;
	irq_restore(f);
	return was;
}

void run_timers(void)
{
	uint64_t now = jiffies_ms();

	for (;;) {
		unsigned long f = irq_save();
		struct timer_list *t;
		if (list_empty(&timer_list)) {
			irq_restore(f);
			return;
		}
		t = list_first_entry(&timer_list, struct timer_list, entry);
		if (t->expires > now) {
			irq_restore(f);
			return;
		}
		list_del(&t->entry);
		t->pending = 0;
		irq_restore(f);
		t->function(t);
	}
}
