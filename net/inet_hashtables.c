/*
 * The socket hash tables: established (by 4-tuple), listening (by local
 * port) and bind (by local port), and local port allocation.
 * Ephemeral ports follow RFC 6056 3.3.3 (algorithm 3): a keyed hash of the
 * destination picks where the search starts, so ports are hard to guess and
 * consecutive connections to one peer still spread over the range.
 */
#include "net/platform.h"
#include "net/tcp_priv.h"

/*
 * A server that closes first keeps each connection two minutes in TIME-WAIT
 * (2*MSL), in this table: at a thousand connections a second that is many
 * thousands of socks, and every segment's lookup walks its chain.
 */
#define EHASH_SIZE 4096
#define LHASH_SIZE 32
#define BHASH_SIZE 64

static struct list_head ehash[EHASH_SIZE];
static struct list_head lhash[LHASH_SIZE];
static struct list_head bhash[BHASH_SIZE];
static int hashes_ready;
static uint8_t port_key[16];
static uint32_t port_counter;

static void hashes_init(void)
{
	int i;

	if (hashes_ready)
		return;
	for (i = 0; i < EHASH_SIZE; i++)
		INIT_LIST_HEAD(&ehash[i]);
	for (i = 0; i < LHASH_SIZE; i++)
		INIT_LIST_HEAD(&lhash[i]);
	for (i = 0; i < BHASH_SIZE; i++)
		INIT_LIST_HEAD(&bhash[i]);
	net_get_random_bytes(port_key, sizeof(port_key));
	hashes_ready = 1;
}

static unsigned int ehashfn(uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport)
{
	uint32_t h = laddr ^ faddr ^ ((uint32_t)lport << 16 | fport);

	h ^= h >> 16;
	h *= 0x45d9f3bU;
	h ^= h >> 16;
	return h % EHASH_SIZE;
}

void inet_hash(struct sock *sk)
{
	hashes_init();
	if (sk->sk_hashed)
		return;
	if (sk->sk_state == TCP_LISTEN)
		list_add(&sk->sk_node, &lhash[sk->sk_num % LHASH_SIZE]);
	else
		list_add(&sk->sk_node, &ehash[ehashfn(sk->sk_rcv_saddr, sk->sk_num, sk->sk_daddr,
						      ntohs(sk->sk_dport))]);
	sk->sk_hashed = 1;
}

void inet_unhash(struct sock *sk)
{
	if (!sk->sk_hashed)
		return;
	list_del(&sk->sk_node);
	sk->sk_hashed = 0;
}

void inet_bind_hash(struct sock *sk, uint16_t port)
{
	hashes_init();
	sk->sk_num = port;
	list_add(&sk->sk_bind_node, &bhash[port % BHASH_SIZE]);
	sk->sk_bound = 1;
}

void inet_put_port(struct sock *sk)
{
	if (!sk->sk_bound)
		return;
	list_del(&sk->sk_bind_node);
	sk->sk_bound = 0;
	if (!sk->sk_userlocks)
		sk->sk_num = 0;
}

/* Segment from saddr:sport to daddr:dport (ports network order). */
struct sock *inet_lookup_established(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport)
{
	struct sock *sk;
	uint16_t lport = ntohs(dport);

	hashes_init();
	list_for_each_entry (sk, &ehash[ehashfn(daddr, lport, saddr, ntohs(sport))], sk_node) {
		if (sk->sk_num == lport && sk->sk_dport == sport && sk->sk_daddr == saddr &&
		    sk->sk_rcv_saddr == daddr)
			return sk;
	}
	return NULL;
}

/* A listener bound to daddr wins over one bound to INADDR_ANY. */
struct sock *inet_lookup_listener(uint32_t daddr, uint16_t dport)
{
	struct sock *sk, *wild = NULL;
	uint16_t lport = ntohs(dport);

	hashes_init();
	list_for_each_entry (sk, &lhash[lport % LHASH_SIZE], sk_node) {
		if (sk->sk_num != lport)
			continue;
		if (sk->sk_rcv_saddr == daddr)
			return sk;
		if (sk->sk_rcv_saddr == 0)
			wild = sk;
	}
	return wild;
}

/*
 * Linux's rule: two sockets conflict on a port when their local addresses
 * overlap, unless both set SO_REUSEADDR and the other is not listening.
 */
static int inet_csk_bind_conflict(const struct sock *sk, uint16_t port)
{
	struct sock *sk2;

	list_for_each_entry (sk2, &bhash[port % BHASH_SIZE], sk_bind_node) {
		if (sk2 == sk || sk2->sk_num != port || sk2->sk_type != sk->sk_type)
			continue;
		if (sk2->sk_rcv_saddr && sk->sk_rcv_saddr && sk2->sk_rcv_saddr != sk->sk_rcv_saddr)
			continue;
		if (sk->sk_reuse && sk2->sk_reuse && sk2->sk_state != TCP_LISTEN)
			continue;
		return 1;
	}
	return 0;
}

int inet_listen_conflict(const struct sock *sk)
{
	struct sock *sk2;

	list_for_each_entry (sk2, &bhash[sk->sk_num % BHASH_SIZE], sk_bind_node) {
		if (sk2 == sk || sk2->sk_num != sk->sk_num || sk2->sk_state != TCP_LISTEN)
			continue;
		if (!sk2->sk_rcv_saddr || !sk->sk_rcv_saddr ||
		    sk2->sk_rcv_saddr == sk->sk_rcv_saddr)
			return 1;
	}
	return 0;
}

static int port_in_use(uint16_t port)
{
	struct sock *sk2;

	list_for_each_entry (sk2, &bhash[port % BHASH_SIZE], sk_bind_node)
		if (sk2->sk_num == port)
			return 1;
	return 0;
}

static uint32_t port_offset(uint32_t daddr, uint16_t dport)
{
	struct {
		uint32_t daddr;
		uint16_t dport;
	} __attribute__((packed)) in = {daddr, dport};

	return (uint32_t)siphash24(&in, sizeof(in), port_key);
}

static int pick_port(uint32_t offset)
{
	uint32_t range = TCP_EPHEMERAL_HIGH - TCP_EPHEMERAL_LOW + 1;
	uint32_t i;

	for (i = 0; i < range; i++) {
		uint16_t port = TCP_EPHEMERAL_LOW + (offset + port_counter + i) % range;

		if (!port_in_use(port)) {
			port_counter += i + 1;
			return port;
		}
	}
	return -EADDRNOTAVAIL;
}

int inet_csk_get_port(struct sock *sk, uint16_t port)
{
	int p;

	hashes_init();
	if (port == 0) {
		p = pick_port(net_random32());
		if (p < 0)
			return -EADDRINUSE;
		port = (uint16_t)p;
	} else if (inet_csk_bind_conflict(sk, port)) {
		return -EADDRINUSE;
	}
	inet_bind_hash(sk, port);
	return 0;
}

int inet_hash_connect(struct sock *sk)
{
	int p;

	hashes_init();
	if (sk->sk_bound) {
		/* bound by the user: the 4-tuple must still be unique */
		if (inet_lookup_established(sk->sk_daddr, sk->sk_dport, sk->sk_rcv_saddr,
					    htons(sk->sk_num)))
			return -EADDRNOTAVAIL;
		inet_hash(sk);
		return 0;
	}
	p = pick_port(port_offset(sk->sk_daddr, sk->sk_dport));
	if (p < 0)
		return p;
	inet_bind_hash(sk, (uint16_t)p);
	inet_hash(sk);
	return 0;
}
