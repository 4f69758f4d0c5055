/* The fake platform for host unit tests: see platform_test.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/platform.h"
#include "net/skbuff.h"
#include "tests/unit/support/platform_test.h"

/* ---- memory ---- */

static long kmalloc_in_use;
static long kmalloc_fail_countdown;

void fake_kmalloc_fail_nth(long n) { kmalloc_fail_countdown = n; }

long fake_kmalloc_in_use(void) { return kmalloc_in_use; }

void *kmalloc(size_t size)
{
	void *p;

	if (kmalloc_fail_countdown > 0 && --kmalloc_fail_countdown == 0)
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		kmalloc_in_use++;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

static int mem_pressure;

void fake_mem_pressure_set(int on) { mem_pressure = on; }

int net_mem_pressure(void) { return mem_pressure; }

static uint64_t totalram = 128ULL << 20;

void fake_totalram_set(uint64_t bytes) { totalram = bytes; }

uint64_t net_totalram_bytes(void) { return totalram; }

void kfree(void *p)
{
	if (!p)
		return;
	kmalloc_in_use--;
	free(p);
}

/* ---- clock and timers ---- */

static uint64_t now_ms = FAKE_CLOCK_START_MS;
static uint64_t extra_ns;
static LIST_HEAD(timers);

uint64_t jiffies_ms(void) { return now_ms; }

uint64_t ktime_ns(void) { return now_ms * 1000000ull + extra_ns; }

uint64_t fake_clock_ms(void) { return now_ms; }

void fake_ktime_add_ns(uint64_t ns) { extra_ns += ns; }

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->pending = 0;
	t->expires = 0;
}

int del_timer(struct timer_list *t)
{
	int was = t->pending;

	if (was)
		list_del(&t->entry);
	t->pending = 0;
	return was;
}

int mod_timer(struct timer_list *t, uint64_t expires)
{
	int was = del_timer(t);

	t->expires = expires;
	t->pending = 1;
	list_add_tail(&t->entry, &timers);
	return was;
}

int fake_timers_pending(void)
{
	struct list_head *p;
	int n = 0;

	list_for_each (p, &timers)
		n++;
	return n;
}

static struct timer_list *earliest_timer(void)
{
	struct timer_list *t, *best = NULL;

	list_for_each_entry (t, &timers, entry)
		if (!best || t->expires < best->expires)
			best = t;
	return best;
}

/* Runs timers due at or before `until`, each at its own time. */
static void run_timers_until(uint64_t until, int with_softirqs)
{
	struct timer_list *t;

	while ((t = earliest_timer()) && t->expires <= until) {
		if (t->expires > now_ms)
			now_ms = t->expires;
		del_timer(t);
		t->function(t);
		if (with_softirqs)
			fake_run_softirqs();
	}
	if (until > now_ms)
		now_ms = until;
}

void fake_clock_set(uint64_t ms)
{
	if (ms < now_ms) {
		fprintf(stderr, "fake_clock_set: the clock never goes back\n");
		abort();
	}
	run_timers_until(ms, 0);
}

void fake_clock_advance(uint64_t ms) { run_timers_until(now_ms + ms, 0); }

/* ---- locks ---- */

static int lock_depth, irq_depth;

void net_lock(void) { lock_depth++; }

void net_unlock(void)
{
	if (--lock_depth < 0) {
		fprintf(stderr, "net_unlock without net_lock\n");
		abort();
	}
}

int fake_net_lock_depth(void) { return lock_depth; }

unsigned long net_irq_save(void) { return (unsigned long)irq_depth++; }

void net_irq_restore(unsigned long flags)
{
	if ((unsigned long)--irq_depth != flags) {
		fprintf(stderr, "net_irq_restore out of order\n");
		abort();
	}
}

/* ---- softirq ---- */

static int rx_pending;
static void (*rx_action)(void);

void net_open_rx_softirq(void (*action)(void)) { rx_action = action; }

void net_raise_rx_softirq(void) { rx_pending = 1; }

int fake_rx_softirq_pending(void) { return rx_pending; }

int fake_run_softirqs(void)
{
	int runs = 0;

	while (rx_pending && rx_action) {
		rx_pending = 0;
		rx_action();
		runs++;
	}
	return runs;
}

/* ---- wait queues and sleeping ---- */

static void (*wait_hook)(void *);
static void *wait_hook_ctx;
static int interrupts_queued;

void fake_net_wait_set_hook(void (*hook)(void *ctx), void *ctx)
{
	wait_hook = hook;
	wait_hook_ctx = ctx;
}

void fake_net_wait_interrupt(int n) { interrupts_queued = n; }

void init_waitqueue_head(wait_queue_head_t *wq) { INIT_LIST_HEAD(&wq->waiters); }

/* With strict wakeups, the queue a simulated sleeper is on and whether it was woken. */
static int strict_wakeups;
static wait_queue_head_t *sleeping_on;
static int sleeper_woken;

void fake_net_wait_strict(int on) { strict_wakeups = on; }

void wake_up(wait_queue_head_t *wq)
{
	/* nobody really sleeps: net_wait re-checks its condition */
	if (wq == sleeping_on)
		sleeper_woken = 1;
}

/* Whether a sleeper may look at its condition now: always, unless wakeups are strict. */
static int may_check(void) { return !strict_wakeups || sleeper_woken; }

int wait_event_cond(wait_queue_head_t *wq, int (*cond)(void *), void *arg, long timeout_ms)
{
	struct timer_list *t;
	uint64_t deadline;
	int r = 0;

	if (interrupts_queued > 0) {
		interrupts_queued--;
		return -EINTR;
	}
	sleeping_on = wq;
	sleeper_woken = 0;
	fake_run_softirqs();
	if (wait_hook) {
		wait_hook(wait_hook_ctx);
		fake_run_softirqs();
	}
	if (may_check() && cond(arg)) {
		r = 1;
		goto out;
	}
	if (timeout_ms < 0)
		goto out;
	/* Time passes while asleep: run timers one by one until cond or the timeout. */
	deadline = now_ms + (uint64_t)timeout_ms;
	while ((t = earliest_timer()) && t->expires <= deadline) {
		run_timers_until(t->expires, 1);
		if (may_check() && cond(arg)) {
			r = 1;
			goto out;
		}
	}
	now_ms = deadline;
	r = may_check() && cond(arg);
out:
	sleeping_on = NULL;
	return r;
}

int net_wait(wait_queue_head_t *wq, int (*cond)(void *), void *arg, long timeout_ms)
{
	if (lock_depth <= 0) {
		fprintf(stderr, "net_wait without net_lock\n");
		abort();
	}
	return wait_event_cond(wq, cond, arg, timeout_ms);
}

/* ---- printk ---- */

#define PRINTK_CAPTURE 65536
static char printk_buf[PRINTK_CAPTURE];
static size_t printk_len;

const char *fake_printk_buffer(void) { return printk_buf; }

void fake_printk_clear(void)
{
	printk_len = 0;
	printk_buf[0] = 0;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	size_t len = strlen(line);

	fputs(line, stderr);
	if (printk_len + len >= PRINTK_CAPTURE)
		fake_printk_clear();
	memcpy(printk_buf + printk_len, line, len + 1);
	printk_len += len;
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("panic: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\n", stderr);
	va_end(ap);
	abort();
}

/* ---- randomness ---- */

static uint32_t rng_state = 0x12345678;

void fake_random_seed(uint32_t seed) { rng_state = seed ? seed : 1; }

uint32_t net_random32(void)
{
	/* xorshift32 (Marsaglia 2003): deterministic, reproducible tests. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

void net_get_random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n--)
		*p++ = (uint8_t)net_random32();
}

/* ---- transport stubs ---- */

/* Lets the stack link before net/tcp_ipv4.c exists; the real one overrides it. */
__attribute__((weak)) int tcp_v4_rcv(struct sk_buff *skb)
{
	kfree_skb(skb);
	return 0;
}

/* Boot parameters */
#define FAKE_BOOT_PARAMS 8

static struct {
	char key[32], value[32];
} boot_params[FAKE_BOOT_PARAMS];

void fake_boot_param_clear(void) { memset(boot_params, 0, sizeof(boot_params)); }

void fake_boot_param_set(const char *key, const char *value)
{
	int i, free_slot = -1;

	for (i = 0; i < FAKE_BOOT_PARAMS; i++) {
		if (strcmp(boot_params[i].key, key) == 0)
			break;
		if (free_slot < 0 && !boot_params[i].key[0])
			free_slot = i;
	}
	if (i == FAKE_BOOT_PARAMS) {
		if (!value)
			return;
		if (free_slot < 0)
			abort();
		i = free_slot;
	}
	if (!value) {
		boot_params[i].key[0] = '\0';
		return;
	}
	snprintf(boot_params[i].key, sizeof(boot_params[i].key), "%s", key);
	snprintf(boot_params[i].value, sizeof(boot_params[i].value), "%s", value);
}

const char *net_boot_param(const char *key)
{
	for (int i = 0; i < FAKE_BOOT_PARAMS; i++)
		if (boot_params[i].key[0] && strcmp(boot_params[i].key, key) == 0)
			return boot_params[i].value;
	return NULL;
}
/* The capture output: tests read the stream with capture_read themselves. */
static int capture_kicks;
int net_capture_output_ready(void) { return 1; }
void net_capture_kick(void) { capture_kicks++; }
int fake_capture_kicks(void) { return capture_kicks; }
