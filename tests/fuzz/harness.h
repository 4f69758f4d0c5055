/*
 * Shared pieces of the libFuzzer targets in tests/fuzz/fuzz_*.c.  They run
 * the whole host-built stack (every net/ file, built with -DHOST_TEST) on the fake
 * platform of tests/unit/support: eth0 is a fake Ethernet device
 * configured as at boot (10.0.2.15/24, gateway 10.0.2.2), and the peer
 * 10.0.2.2 (02:00:00:00:00:02) answers ARP requests.
 *
 * Oracles, on top of ASan/UBSan:
 * - every frame the stack transmits on eth0 is well formed (Ethernet,
 *   IPv4 header and checksum, TCP/UDP/ICMP checksum): fuzz_drain_tx;
 * - after an input and its cleanup, the counters of live sk_buffs,
 *   kmalloc blocks, socks and pending timers are exactly where they were
 *   before it (fuzz_counts_check), and no lock is held.
 * A failed oracle prints what it saw and abort()s, which libFuzzer reports
 * as a crash with the input that caused it.
 */
#ifndef TESTS_FUZZ_HARNESS_H
#define TESTS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include "net/netdevice.h"

extern struct net_device *fuzz_eth;
extern uint32_t fuzz_our_ip, fuzz_peer_ip; /* network order */
extern const uint8_t fuzz_our_mac[ETH_ALEN], fuzz_peer_mac[ETH_ALEN];

/* net_init, eth0 as at boot; once per process. */
void fuzz_env_init(void);

/* Injects the peer's ARP reply, so that 10.0.2.2 is resolved (REACHABLE). */
void fuzz_learn_peer(void);

/*
 * Takes every frame eth0 transmitted, checks it (abort on a malformed
 * one) and frees it; answers the ARP requests for the peer.  Runs the
 * softirqs first and again after each answer.  Returns the frames taken.
 */
unsigned int fuzz_drain_tx(void);

/* If set, fuzz_drain_tx also shows it each IPv4 frame that passed the checks. */
extern void (*fuzz_tx_hook)(const uint8_t *frame, size_t len);

/* Runs the timers of the next ms milliseconds, then softirqs, then drains eth0. */
void fuzz_advance(uint64_t ms);

/* What the stack holds; compared exactly before and after an input. */
struct fuzz_counts {
	uint64_t skbs;
	long kmallocs;
	long socks;
	int timers;
};
void fuzz_counts_take(struct fuzz_counts *c);
/* Non-zero (and a report on stderr) if now differs from base. */
int fuzz_counts_differ(const struct fuzz_counts *base, const char *when);
/* Aborts if the counters differ from base, a lock is held or a softirq is pending. */
void fuzz_counts_check(const struct fuzz_counts *base, const char *when);

/*
 * Proves at start-up that the leak check can fail: an skb, a kmalloc block
 * and a timer, each held on purpose, must each be reported.
 */
void fuzz_selftest_leak_check(void);

/* Internet checksums of a frame: IPv4 header, and the TCP/UDP/ICMP one if the lengths allow. */
void fuzz_fix_ip_csum(uint8_t *frame, size_t len);
void fuzz_fix_l4_csum(uint8_t *frame, size_t len);

#endif
