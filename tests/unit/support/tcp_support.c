/* The scripted TCP peer of tcp_support.h, over the fake Ethernet device. */
#include <string.h>
#include <arpa/inet.h>

#include "net/tcp_priv.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/ip.h"
#include "net/icmp.h"
#include "net/route.h"
#include "net/checksum.h"
#include "net/platform.h"
#include "net/socket.h"
#include "tests/unit/support/platform_test.h"
#include "tests/unit/support/tcp_support.h"

struct net_device *tcp_test_dev;
uint32_t tcp_test_our_ip, tcp_test_peer_ip;

static void learn_peer(void)
{
	fake_eth_learn_peer(tcp_test_dev, tcp_test_our_ip, tcp_test_peer_ip);
}

void tcp_test_env_init(void)
{
	if (tcp_test_dev)
		return;
	tcp_test_dev = fake_net_init_eth(&tcp_test_our_ip, &tcp_test_peer_ip);
}

void tcp_test_env_reset(void)
{
	learn_peer();
	fake_eth_purge_tx(tcp_test_dev);
}

uint64_t tcp_test_skb_base;
long tcp_test_sock_base;

int tcp_test_group_init(void)
{
	tcp_test_env_init();
	tcp_msl_ms = 500;
	return tcp_test_dev ? 0 : -1;
}

void tcp_test_begin(void)
{
	tcp_test_env_reset();
	/* every test starts from the device's MTU: what an earlier test's
	 * fragmentation needed taught the route is forgotten */
	ip_rt_pmtu_flush();
	tcp_test_skb_base = skb_in_use();
	tcp_test_sock_base = sock_in_use();
}

void tcp_test_settle(uint64_t extra_ms)
{
	fake_clock_advance(2 * tcp_msl_ms + tcp_fin_timeout_ms + extra_ms);
	fake_run_softirqs();
	tcp_peer_flush();
}

static void peer_send(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		      uint16_t win, const struct topts *o, const void *data, size_t len, int badsum)
{
	uint8_t seg[2048 + 60], frame[2048 + 120];
	struct tcphdr *th = (struct tcphdr *)seg;
	size_t optlen = 0;
	uint8_t *p = seg + sizeof(*th);

	memset(seg, 0, sizeof(*th) + 40);
	if (o && o->mss) {
		p[optlen++] = TCPOPT_MSS;
		p[optlen++] = 4;
		p[optlen++] = (uint8_t)(o->mss >> 8);
		p[optlen++] = (uint8_t)o->mss;
	}
	if (o && o->sack_perm) {
		p[optlen++] = TCPOPT_NOP;
		p[optlen++] = TCPOPT_NOP;
		p[optlen++] = TCPOPT_SACK_PERM;
		p[optlen++] = 2;
	}
	if (o && o->wscale >= 0) {
		p[optlen++] = TCPOPT_NOP;
		p[optlen++] = TCPOPT_WINDOW;
		p[optlen++] = 3;
		p[optlen++] = (uint8_t)o->wscale;
	}
	if (o && o->ts) {
		int i;

		p[optlen++] = TCPOPT_NOP;
		p[optlen++] = TCPOPT_NOP;
		p[optlen++] = TCPOPT_TIMESTAMP;
		p[optlen++] = TCPOLEN_TIMESTAMP;
		for (i = 3; i >= 0; i--)
			p[optlen++] = (uint8_t)(o->tsval >> (8 * i));
		for (i = 3; i >= 0; i--)
			p[optlen++] = (uint8_t)(o->tsecr >> (8 * i));
	}
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff_res = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->flags = flags;
	th->window = htons(win);
	if (len)
		memcpy(seg + sizeof(*th) + optlen, data, len);
	len += sizeof(*th) + optlen;
	th->check = csum_tcpudp_magic(tcp_test_peer_ip, tcp_test_our_ip, (uint16_t)len, IPPROTO_TCP,
				      csum_partial(seg, (int)len, 0));
	if (badsum)
		th->check ^= 0x1234;
	fake_eth_inject(tcp_test_dev, frame,
			fake_build_ip(frame, fake_our_mac, fake_peer_mac, tcp_test_peer_ip,
				      tcp_test_our_ip, IPPROTO_TCP, seg, len));
	fake_run_softirqs();
}

void tcp_peer_send(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		   uint16_t win, const struct topts *opts, const void *data, size_t len)
{
	peer_send(sport, dport, seq, ack, flags, win, opts, data, len, 0);
}

void tcp_peer_send_raw(void *seg, size_t len)
{
	uint8_t frame[2048 + 120];
	struct tcphdr *th = seg;

	th->check = 0;
	th->check = csum_tcpudp_magic(tcp_test_peer_ip, tcp_test_our_ip, (uint16_t)len, IPPROTO_TCP,
				      csum_partial(seg, (int)len, 0));
	fake_eth_inject(tcp_test_dev, frame,
			fake_build_ip(frame, fake_our_mac, fake_peer_mac, tcp_test_peer_ip,
				      tcp_test_our_ip, IPPROTO_TCP, seg, len));
	fake_run_softirqs();
}

/* An ICMP error quoting a segment of ours: its IP header (tot_len, frag_off,
 * ttl as given) and first 8 bytes; mtu fills the next-hop MTU field. */
static void peer_send_icmp(uint8_t type, uint8_t code, uint16_t mtu, uint16_t tot_len,
			   uint16_t frag_off, uint8_t ttl, uint16_t sport, uint16_t dport,
			   uint32_t seq)
{
	struct {
		struct icmphdr icmp;
		struct iphdr ip;
		uint16_t sport, dport;
		uint32_t seq;
	} __attribute__((packed)) m;
	uint8_t frame[256];

	memset(&m, 0, sizeof(m));
	m.icmp.type = type;
	m.icmp.code = code;
	m.icmp.un.frag.mtu = htons(mtu);
	m.ip.ihl_version = 0x45;
	m.ip.tot_len = htons(tot_len);
	m.ip.frag_off = htons(frag_off);
	m.ip.ttl = ttl;
	m.ip.protocol = IPPROTO_TCP;
	m.ip.saddr = tcp_test_our_ip;
	m.ip.daddr = tcp_test_peer_ip;
	m.sport = htons(sport);
	m.dport = htons(dport);
	m.seq = htonl(seq);
	m.icmp.checksum = ip_compute_csum(&m, sizeof(m));
	fake_eth_inject(tcp_test_dev, frame,
			fake_build_ip(frame, fake_our_mac, fake_peer_mac, tcp_test_peer_ip,
				      tcp_test_our_ip, IPPROTO_ICMP, &m, sizeof(m)));
	fake_run_softirqs();
}

void tcp_peer_send_icmp(uint8_t type, uint8_t code, uint16_t sport, uint16_t dport, uint32_t seq)
{
	peer_send_icmp(type, code, 0, sizeof(struct iphdr) + sizeof(struct tcphdr), 0, 64, sport,
		       dport, seq);
}

void tcp_peer_send_frag_needed(uint16_t mtu, uint16_t tot_len, uint16_t sport, uint16_t dport,
			       uint32_t seq)
{
	peer_send_icmp(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu, tot_len, IP_DF, 63, sport, dport,
		       seq);
}

void tcp_peer_send_badsum(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
			  uint16_t win)
{
	peer_send(sport, dport, seq, ack, flags, win, NULL, NULL, 0, 1);
}

/*
 * The options of a segment the stack sent, read by the stack's own parser
 * (tcp_parse_options): MSS, window scale and SACK-permitted on SYNs
 * only (RFC 9293 3.7.1, RFC 7323 2.2, RFC 2018 2), SACK blocks and
 * timestamps on any segment.  No test looks for those three options on other segments.
 */
static void parse_options(struct tseg *s, struct sk_buff *skb, const struct tcphdr *th)
{
	struct tcp_options_received opt;
	int i;

	_Static_assert(sizeof(s->sacks) / sizeof(s->sacks[0]) >= TCP_MAX_SACKS, "tseg SACK blocks");
	skb->transport_header = (uint16_t)((const unsigned char *)th - skb->head);
	tcp_parse_options(skb, &opt);
	if (opt.mss_clamp)
		s->mss = opt.mss_clamp;
	if (opt.wscale_ok)
		s->wscale = opt.snd_wscale;
	s->sack_perm = opt.sack_ok;
	s->ts = opt.saw_tstamp;
	s->tsval = opt.rcv_tsval;
	s->tsecr = opt.rcv_tsecr;
	s->nsacks = opt.num_sacks;
	for (i = 0; i < opt.num_sacks; i++) {
		s->sacks[i][0] = opt.sack[i][0];
		s->sacks[i][1] = opt.sack[i][1];
	}
}

/* Parses a frame; 1 if it is a TCP segment. */
static int parse_frame(struct sk_buff *skb, struct tseg *s)
{
	const struct iphdr *iph;
	const struct tcphdr *th;
	unsigned int ihl, tot, hl;

	if (skb->len < ETH_HLEN + sizeof(struct iphdr))
		return 0;
	if (skb->data[12] != 0x08 || skb->data[13] != 0x00)
		return 0;
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	if (iph->protocol != IPPROTO_TCP)
		return 0;
	ihl = (iph->ihl_version & 0xf) * 4u;
	tot = ntohs(iph->tot_len);
	th = (const struct tcphdr *)((const uint8_t *)iph + ihl);
	hl = tcp_hdrlen(th);
	memset(s, 0, sizeof(*s));
	s->mss = -1;
	s->wscale = -1;
	s->saddr = iph->saddr;
	s->daddr = iph->daddr;
	s->sport = ntohs(th->source);
	s->dport = ntohs(th->dest);
	s->seq = ntohl(th->seq);
	s->ack = ntohl(th->ack_seq);
	s->flags = th->flags;
	s->win = ntohs(th->window);
	s->len = tot - ihl - hl;
	memcpy(s->data, (const uint8_t *)th + hl,
	       s->len < sizeof(s->data) ? s->len : sizeof(s->data));
	parse_options(s, skb, th);
	s->csum_ok = csum_tcpudp_magic(iph->saddr, iph->daddr, (uint16_t)(tot - ihl), IPPROTO_TCP,
				       csum_partial(th, (int)(tot - ihl), 0)) == 0;
	return 1;
}

int tcp_peer_recv(struct tseg *s)
{
	struct sk_buff *skb;

	while ((skb = fake_eth_pop_tx(tcp_test_dev))) {
		int ok = parse_frame(skb, s);
		int arp = skb->len >= ETH_HLEN && skb->data[12] == 0x08 && skb->data[13] == 0x06;

		kfree_skb(skb);
		if (ok)
			return 1;
		if (arp)
			learn_peer(); /* the peer answers; what waited for it follows */
	}
	return 0;
}

unsigned int tcp_peer_pending(void) { return fake_eth_tx_len(tcp_test_dev); }

void tcp_peer_flush(void) { fake_eth_purge_tx(tcp_test_dev); }

int tcp_test_state(uint16_t lport, uint16_t rport)
{
	struct tcp_sock_info info[64];
	int i, n = tcp_get_sock_info(info, 64);

	for (i = 0; i < n && i < 64; i++)
		if (info[i].lport == lport && info[i].rport == rport)
			return info[i].state;
	return 0;
}

int tcp_test_active_open(struct tconn *c, uint16_t rport, uint32_t peer_isn, uint16_t win,
			 const struct topts *o)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(rport),
				  .sin_addr.s_addr = tcp_test_peer_ip};
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	struct tseg s;

	memset(c, 0, sizeof(*c));
	c->lfd = -1;
	c->fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	if (__sys_connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) != -EINPROGRESS)
		return -2;
	if (!tcp_peer_recv(&c->syn) || c->syn.flags != TCPHDR_SYN)
		return -3;
	if (__sys_getsockname(c->fd, (struct sockaddr *)&me, &len) < 0)
		return -4;
	c->lport = ntohs(me.sin_port);
	c->rport = rport;
	c->our_isn = c->syn.seq;
	c->peer_isn = peer_isn;
	tcp_peer_send(rport, c->lport, peer_isn, c->our_isn + 1, TCPHDR_SYN | TCPHDR_ACK, win, o,
		      NULL, 0);
	if (!tcp_peer_recv(&s) || s.flags != TCPHDR_ACK || s.seq != c->our_isn + 1 ||
	    s.ack != peer_isn + 1)
		return -5;
	c->snd_nxt = c->our_isn + 1;
	c->rcv_nxt = peer_isn + 1;
	return tcp_test_state(c->lport, rport) == TCP_ESTABLISHED ? 0 : -6;
}

int tcp_test_passive_open(struct tconn *c, uint16_t lport, uint16_t rport, uint32_t peer_isn,
			  uint16_t win, const struct topts *o)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(lport)};
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int one = 1;

	memset(c, 0, sizeof(*c));
	c->lfd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->lfd < 0)
		return -1;
	__sys_setsockopt(c->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (__sys_bind(c->lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    __sys_listen(c->lfd, 8) < 0)
		return -2;
	c->lport = lport;
	c->rport = rport;
	c->peer_isn = peer_isn;
	tcp_peer_send(rport, lport, peer_isn, 0, TCPHDR_SYN, win, o, NULL, 0);
	if (!tcp_peer_recv(&c->syn) || c->syn.flags != (TCPHDR_SYN | TCPHDR_ACK) ||
	    c->syn.ack != peer_isn + 1)
		return -3;
	c->our_isn = c->syn.seq;
	tcp_peer_send(rport, lport, peer_isn + 1, c->our_isn + 1, TCPHDR_ACK, win, NULL, NULL, 0);
	c->fd = __sys_accept4(c->lfd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK);
	if (c->fd < 0)
		return -4;
	if (peer.sin_addr.s_addr != tcp_test_peer_ip || ntohs(peer.sin_port) != rport)
		return -5;
	c->snd_nxt = c->our_isn + 1;
	c->rcv_nxt = peer_isn + 1;
	return tcp_test_state(lport, rport) == TCP_ESTABLISHED ? 0 : -6;
}

void tcp_peer_data(struct tconn *c, uint32_t seq, const void *data, size_t len, uint16_t win)
{
	tcp_peer_send(c->rport, c->lport, seq, c->snd_nxt, TCPHDR_PSH | TCPHDR_ACK, win, NULL, data,
		      len);
}

void tcp_peer_ack(struct tconn *c, uint32_t ack, uint16_t win)
{
	tcp_peer_send(c->rport, c->lport, c->rcv_nxt, ack, TCPHDR_ACK, win, NULL, NULL, 0);
}

void tcp_peer_ack_data(struct tconn *c, uint32_t n, uint16_t win)
{
	tcp_peer_ack(c, c->snd_nxt + n, win);
	c->snd_nxt += n;
}

void tcp_test_nodelay(int fd)
{
	int one = 1;

	__sys_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void tcp_test_abort(struct tconn *c)
{
	tcp_peer_send(c->rport, c->lport, c->rcv_nxt, 0, TCPHDR_RST, 0, NULL, NULL, 0);
	__sys_close(c->fd);
	if (c->lfd >= 0)
		__sys_close(c->lfd);
	tcp_peer_flush();
}

int tcp_test_begin_ports(uint16_t *rport, uint16_t *lport)
{
	tcp_test_begin();
	if (rport)
		(*rport)++;
	if (lport)
		(*lport)++;
	return 0;
}

int tcp_test_listen(uint16_t port, int backlog)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = __sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (__sys_bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    __sys_listen(fd, backlog) < 0) {
		__sys_close(fd);
		return -1;
	}
	return fd;
}
