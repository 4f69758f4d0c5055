/*
 * libFuzzer target: the DHCP client (net/dhcp.c, net/dhcp_proto.c) on a
 * second, unconfigured fake Ethernet device, eth1, fed arbitrary server
 * replies, time and shell commands.
 *
 * Input: records, each one control byte then its operands:
 *   0x00-0x7f  a reply: two length bytes (big endian) n, then n bytes of
 *              DHCP message, sent from 10.0.2.2:67 to 255.255.255.255:68.
 *              Bit 0: the xid and chaddr become the client's own (so that
 *              the state machine moves); bit 1: op, htype, hlen and the
 *              magic cookie are made valid; bit 2: to the leased address
 *              instead of the broadcast.
 *   0x80-0xbf  time passes: bit 5 set, up to the client's next timer;
 *              else (low 5 bits + 1) * 500 ms.
 *   0xc0-0xff  bit 0: `dhcp eth1` (start, or renew a lease); bit 1:
 *              `dhcp eth1 release`, then start again.
 * Oracles: every frame eth1 sends is a well-formed DHCP client datagram
 * (IPv4 checksum, UDP 68 -> 67 and its checksum, BOOTREQUEST with the
 * cookie); the client's state agrees with its lease (a bound client is
 * BOUND, RENEWING or REBINDING, T1 <= T2 <= expiry); after the last
 * record a release leaves sk_buffs, kmalloc blocks, socks and timers
 * exactly where they were.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/checksum.h"
#include "net/dhcp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/platform.h"
#include "net/udp.h"
#include "tests/fuzz/harness.h"
#include "tests/unit/support/platform_test.h"

#define SERVER_IP 0x0202000au /* 10.0.2.2, network order */

static const uint8_t eth1_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
static struct net_device *eth1;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env_init();
	fuzz_selftest_leak_check();
	eth1 = fake_eth_create("eth%d", eth1_mac);
	if (!eth1)
		__builtin_trap();
	return 0;
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_dhcp: %s\n", what);
	abort();
}

/* Checks and frees what eth1 sent: ARP announcements, or DHCP client datagrams. */
static void drain_eth1(void)
{
	struct sk_buff *skb;

	fake_run_softirqs();
	while ((skb = fake_eth_pop_tx(eth1))) {
		const struct ethhdr *eth = (const struct ethhdr *)skb->data;
		const struct iphdr *iph = (const struct iphdr *)(eth + 1);
		const struct udphdr *uh = (const struct udphdr *)(iph + 1);
		const struct dhcp_msg *m = (const struct dhcp_msg *)(uh + 1);

		if (ntohs(eth->h_proto) == ETH_P_ARP) {
			kfree_skb(skb);
			continue;
		}
		if (skb->len < ETH_HLEN + sizeof(*iph) + sizeof(*uh) + DHCP_MIN_LEN)
			fail("short frame");
		if (iph->ihl_version != 0x45 || ip_compute_csum(iph, sizeof(*iph)) ||
		    ntohs(iph->tot_len) != skb->len - ETH_HLEN || iph->protocol != IPPROTO_UDP)
			fail("bad IPv4 header");
		if (ntohs(uh->source) != DHCP_CLIENT_PORT || ntohs(uh->dest) != DHCP_SERVER_PORT ||
		    ntohs(uh->len) != ntohs(iph->tot_len) - sizeof(*iph) ||
		    csum_tcpudp_magic(iph->saddr, iph->daddr, ntohs(uh->len), IPPROTO_UDP,
				      csum_partial(uh, ntohs(uh->len), 0)))
			fail("bad UDP header");
		if (m->op != BOOTREQUEST || ntohl(m->cookie) != DHCP_MAGIC ||
		    memcmp(m->chaddr, eth1_mac, ETH_ALEN))
			fail("bad DHCP message");
		if (iph->saddr != m->ciaddr)
			fail("source address is not ciaddr");
		kfree_skb(skb);
	}
}

static void check_client(void)
{
	const struct dhcp_client *c = dhcp_client_get(eth1);

	if (!c)
		fail("the client went away");
	if (c->bound !=
	    (c->state == DHCP_BOUND || c->state == DHCP_RENEWING || c->state == DHCP_REBINDING))
		fail("bound does not match the state");
	if (c->bound && (c->t1_ms > c->t2_ms || c->t2_ms > c->expiry_ms || !c->lease.addr ||
			 c->lease.lease_s < DHCP_MIN_LEASE_S))
		fail("inconsistent lease");
	if (c->state == DHCP_OFF)
		fail("a started client is OFF");
}

static void inject(const uint8_t *msg, size_t n, unsigned int ctl)
{
	const struct dhcp_client *c = dhcp_client_get(eth1);
	uint8_t udp[1500], frame[1600];
	struct udphdr *uh = (struct udphdr *)udp;
	struct dhcp_msg *m = (struct dhcp_msg *)(uh + 1);
	uint32_t daddr = 0xffffffffu;

	memcpy(m, msg, n);
	if ((ctl & 1) && n >= DHCP_FIXED_LEN) {
		m->xid = c->xid;
		memcpy(m->chaddr, eth1_mac, ETH_ALEN);
	}
	if ((ctl & 2) && n >= DHCP_MIN_LEN) {
		m->op = BOOTREPLY;
		m->htype = DHCP_HTYPE_ETHER;
		m->hlen = 6;
		m->cookie = htonl(DHCP_MAGIC);
	}
	if ((ctl & 4) && eth1->ip_addr)
		daddr = eth1->ip_addr;
	uh->source = htons(DHCP_SERVER_PORT);
	uh->dest = htons(DHCP_CLIENT_PORT);
	uh->len = htons(sizeof(*uh) + n);
	uh->check = 0;
	uh->check = csum_tcpudp_magic(SERVER_IP, daddr, sizeof(*uh) + n, IPPROTO_UDP,
				      csum_partial(udp, sizeof(*uh) + n, 0));
	fake_eth_inject(eth1, frame,
			fake_build_ip(frame, daddr == 0xffffffffu ? fake_bcast_mac : eth1_mac,
				      fuzz_peer_mac, SERVER_IP, daddr, IPPROTO_UDP, udp,
				      sizeof(*uh) + n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t max_msg = 1500 - sizeof(struct iphdr) - sizeof(struct udphdr);
	struct fuzz_counts base;
	size_t at = 0;

	fuzz_advance(1000);
	fake_random_seed(0xd4c9);
	fuzz_counts_take(&base);
	net_lock();
	if (dhcp_start(eth1))
		fail("dhcp_start");
	net_unlock();
	drain_eth1();

	while (at < size) {
		uint8_t ctl = data[at++];
		size_t n;
		uint64_t next;

		net_lock();
		switch (ctl >> 6) {
		case 0:
		case 1:
			if (size - at < 2) {
				at = size;
				break;
			}
			n = (size_t)data[at] << 8 | data[at + 1];
			at += 2;
			if (n > size - at)
				n = size - at;
			if (n > max_msg)
				n = max_msg;
			inject(data + at, n, ctl);
			at += n;
			break;
		case 2:
			next = dhcp_client_next_timer(dhcp_client_get(eth1));
			net_unlock();
			/*
			 * In one go, not in fuzz_advance's steps: a long lease's
			 * T1 may be years away.  The timers still run in order.
			 */
			if ((ctl & 0x20) && next > fake_clock_ms())
				fake_clock_advance(next - fake_clock_ms());
			else
				fake_clock_advance(((uint64_t)(ctl & 0x1f) + 1) * 500);
			fuzz_drain_tx();
			net_lock();
			break;
		default:
			if (ctl & 2) {
				dhcp_release(eth1);
				drain_eth1();
			}
			if ((ctl & 3) && dhcp_start(eth1))
				fail("dhcp_start");
			break;
		}
		net_unlock();
		drain_eth1();
		check_client();
	}

	net_lock();
	dhcp_release(eth1);
	/* a lease's router replaced eth0's default route: the next input starts as this one */
	ip_route_add(0, 0, fuzz_peer_ip, NULL);
	net_unlock();
	drain_eth1();
	fuzz_drain_tx();
	fuzz_counts_check(&base, "after the records and the release");
	return 0;
}
