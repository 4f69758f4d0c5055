/*
 * The fake platform under the host unit tests, and the hooks tests use to
 * drive it.  It implements net/platform.h and the kernel/timer.h,
 * kernel/wait.h and kernel/printk.h functions that net/ calls:
 *
 * - Memory: kmalloc/kzalloc/kfree over malloc, counted
 *   (fake_kmalloc_in_use), with optional failure injection; net_mem_pressure
 *   answers what the test set.
 * - Time: a fake millisecond clock starting at FAKE_CLOCK_START_MS.
 *   Nothing moves it but fake_clock_set/fake_clock_advance (and net_wait,
 *   see below); they run every timer that falls due, in order of expiry,
 *   with the clock reading that timer's expiry while it runs.
 *   ktime_ns() is the clock in ns plus fake_ktime_add_ns() extra.
 * - Locks: net_lock/net_unlock keep a depth counter (fake_net_lock_depth);
 *   unlocking below zero aborts.  net_irq_save/restore likewise.
 * - Softirq: net_raise_rx_softirq only sets a pending flag;
 *   fake_run_softirqs() runs the handler net_init registered while the
 *   flag is set (as the kernel does when bottom halves are re-enabled).
 * - Sleeping: net_wait(wq, cond, arg, timeout) aborts unless net_lock is
 *   held, then simulates a task asleep: returns -EINTR if an interrupt was
 *   queued with fake_net_wait_interrupt(); else runs pending softirqs and
 *   the test's wait hook (fake_net_wait_set_hook) and returns 1 as soon as
 *   cond holds; else lets time pass up to the timeout (timers and softirqs
 *   run on the way) and returns 0.  A wait without timeout whose condition
 *   cannot become true returns 0 rather than hang the test.
 *   wait_event_cond behaves the same without the lock check.  With
 *   fake_net_wait_strict(1) a sleeper sees its condition only after a
 *   wake_up on its own wait queue, as a real sleeping task would.
 * - printk goes to stderr and to a capture buffer (fake_printk_buffer);
 *   panic prints and aborts.
 * - Randomness: a xorshift generator, seeded by fake_random_seed.
 * - Boot parameters: net_boot_param answers from a table that
 *   fake_boot_param_set fills (empty: every key absent).
 * - tcp_v4_rcv: a weak stub that frees the segment, until TCP links in.
 *
 * Fake Ethernet device: fake_eth_create() registers an ARPHRD_ETHER
 * net_device whose transmit queues frames on a list the test inspects
 * (fake_eth_pop_tx); fake_eth_inject() hands a frame to
 * netif_receive_skb as a NAPI poll would.  In NAPI mode
 * (fake_eth_set_napi) the device works as the NIC drivers do: an injected
 * frame waits for the device's NAPI poll (the softirq), which passes it
 * through GRO; a transmitted frame waits in the ring for the doorbell,
 * which netdrv_tx_defer leaves to the next poll, and only then is it on
 * the list fake_eth_pop_tx reads.
 */
#ifndef TESTS_UNIT_SUPPORT_PLATFORM_TEST_H
#define TESTS_UNIT_SUPPORT_PLATFORM_TEST_H

#include <stddef.h>
#include <stdint.h>
#include "net/netdevice.h"

#define FAKE_CLOCK_START_MS 1000000

/* Memory */
long fake_kmalloc_in_use(void);
/* The n-th allocation from now (1 = the next) returns NULL; 0 disables. */
void fake_kmalloc_fail_nth(long n);
/* What net_mem_pressure answers from now (0 at start). */
void fake_mem_pressure_set(int on);
/* What net_totalram_bytes answers from now (128 MiB at start). */
void fake_totalram_set(uint64_t bytes);

/* Clock and timers */
uint64_t fake_clock_ms(void);
void fake_clock_set(uint64_t ms); /* never backwards */
void fake_clock_advance(uint64_t ms);
void fake_ktime_add_ns(uint64_t ns);
int fake_timers_pending(void);

/* Locks */
int fake_net_lock_depth(void);

/* Softirq */
int fake_rx_softirq_pending(void);
/* Runs the NET_RX handler while it is pending; returns how many runs. */
int fake_run_softirqs(void);

/* Sleeping */
void fake_net_wait_set_hook(void (*hook)(void *ctx), void *ctx);
/* The next n net_wait calls return -EINTR. */
void fake_net_wait_interrupt(int n);
/* 1: a wait ends early only if its own queue is woken (see above); 0: the default. */
void fake_net_wait_strict(int on);

/* printk capture (the last 64 KiB) */
const char *fake_printk_buffer(void);
void fake_printk_clear(void);

/* Capture output: how often net_capture_kick was called */
int fake_capture_kicks(void);

/* Randomness */
void fake_random_seed(uint32_t seed);

/* Boot parameters: key=value (value NULL removes key); fake_boot_param_clear empties the table. */
void fake_boot_param_set(const char *key, const char *value);
void fake_boot_param_clear(void);

/* Fake Ethernet device */
struct net_device *fake_eth_create(const char *name, const uint8_t mac[ETH_ALEN]);
/* Creates, gives addr/mask (network order), opens, and empties its tx list. */
struct net_device *fake_eth_create_up(const char *name, const uint8_t mac[ETH_ALEN], uint32_t addr,
				      uint32_t mask);
struct sk_buff *fake_eth_pop_tx(struct net_device *dev); /* oldest first; NULL if none */
unsigned int fake_eth_tx_len(struct net_device *dev);
void fake_eth_purge_tx(struct net_device *dev);
/* Makes the next transmits fail with err (0: succeed again). */
void fake_eth_set_xmit_error(struct net_device *dev, int err);
/* NAPI mode from now on (see above); softirqs must run for frames to move. */
void fake_eth_set_napi(struct net_device *dev);
/* Copies frame into a fresh skb and passes it to netif_receive_skb. */
int fake_eth_inject(struct net_device *dev, const void *frame, size_t len);

/*
 * Frame builders for crafted input.  Each writes into buf (large enough)
 * and returns the frame length.  fake_build_ip builds Ethernet + a valid
 * 20-byte IPv4 header (TTL 64, DF, correct checksum) + payload.
 */
size_t fake_build_eth(uint8_t *buf, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN],
		      uint16_t type, const void *payload, size_t len);
size_t fake_build_ip(uint8_t *buf, const uint8_t dst_mac[ETH_ALEN], const uint8_t src_mac[ETH_ALEN],
		     uint32_t saddr, uint32_t daddr, uint8_t protocol, const void *payload,
		     size_t len);
/* Ethernet (src: sha) + an ARP packet op from sha/sip to tha/tip. */
size_t fake_build_arp(uint8_t *buf, const uint8_t eth_dst[ETH_ALEN], uint16_t op,
		      const uint8_t sha[ETH_ALEN], uint32_t sip, const uint8_t tha[ETH_ALEN],
		      uint32_t tip);

/*
 * The network most tests use: after net_init, "eth%d" up with
 * fake_our_mac and 10.0.2.15/24 (*our_ip); the peer is 10.0.2.2
 * (*peer_ip) with fake_peer_mac.  Returns the device, NULL on failure.
 */
extern const uint8_t fake_our_mac[ETH_ALEN], fake_peer_mac[ETH_ALEN], fake_bcast_mac[ETH_ALEN];
struct net_device *fake_net_init_eth(uint32_t *our_ip, uint32_t *peer_ip);
/* Injects an ARP reply from the peer, so dev knows fake_peer_mac for peer_ip. */
void fake_eth_learn_peer(struct net_device *dev, uint32_t our_ip, uint32_t peer_ip);

/*
 * A UDP receiver: udp_bind_port(port, fake_udp_sink, NULL) counts the
 * datagrams in fake_udp_got and keeps the last one's length, first bytes
 * and source.  Tests clear fake_udp_got themselves.
 */
struct fake_udp_got {
	int count;
	unsigned int len;
	uint8_t data[64];
	uint32_t saddr; /* network order */
	uint16_t sport; /* network order */
};
extern struct fake_udp_got fake_udp_got;
void fake_udp_sink(void *ctx, struct sk_buff *skb);

#endif
