/*
 * The receive path's stage counters (net/pktstat.h) and a microbenchmark
 * of the per-byte primitives every received byte goes through (memcpy,
 * memset, the Internet checksum): under an emulator each guest
 * instruction costs, so how these are written shows directly in the
 * throughput.
 */
#include "net/pktstat.h"
#include "net/checksum.h"

int pktstat_on;
static struct netctl_pktstat stats[NETCTL_PKTSTAT_NR];

#define NETCTL_PKTSTAT_NAME(name) #name,
static const char *const names[NETCTL_PKTSTAT_NR] = {NETCTL_PKTSTAT_STAGES(NETCTL_PKTSTAT_NAME)};
#undef NETCTL_PKTSTAT_NAME

void pktstat_account(enum netctl_pktstat_stage stage, uint64_t t0, uint64_t bytes)
{
	struct netctl_pktstat *s = &stats[stage];

	s->count++;
	s->ns += ktime_ns() - t0;
	s->bytes += bytes;
}

uint64_t netdev_reg_start(void) { return pktstat_start(); }

void netdev_reg_end(uint64_t t0) { pktstat_end(NETCTL_PKTSTAT_nic_reg, t0, 0); }

const char *netctl_pktstat_name(int stage)
{
	return stage >= 0 && stage < NETCTL_PKTSTAT_NR ? names[stage] : "?";
}

void netctl_pktstat_enable(int on)
{
	net_lock();
	pktstat_on = !!on;
	net_unlock();
}

int netctl_pktstat_enabled(void) { return pktstat_on; }

/* Stages run in softirqs and tasks, both under net_lock (net/platform.h). */
void netctl_pktstat_get(struct netctl_pktstat *out)
{
	net_lock();
	memcpy(out, stats, sizeof(stats));
	net_unlock();
}

void netctl_pktstat_reset(void)
{
	net_lock();
	memset(stats, 0, sizeof(stats));
	net_unlock();
}

int netctl_membench(size_t len, unsigned int rounds, struct netctl_membench *out)
{
	uint8_t *a, *b;
	uint64_t t0;
	unsigned int i;

	if (!len || len > NETCTL_MEMBENCH_MAX)
		return -EINVAL;
	a = kmalloc(len);
	b = kmalloc(len);
	if (!a || !b) {
		kfree(a);
		kfree(b);
		return -ENOMEM;
	}
	t0 = ktime_ns();
	for (i = 0; i < rounds; i++)
		memset(a, (int)i, len);
	out->memset_ns = ktime_ns() - t0;
	t0 = ktime_ns();
	for (i = 0; i < rounds; i++)
		memcpy(b, a, len);
	out->memcpy_ns = ktime_ns() - t0;
	t0 = ktime_ns();
	for (i = 0; i < rounds; i++)
		csum_partial(b, (int)len, 0);
	out->csum_ns = ktime_ns() - t0;
	kfree(a);
	kfree(b);
	return 0;
}
