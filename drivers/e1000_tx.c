/* 82540EM transmit descriptors and receive checksum state (see drivers/e1000_hw.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "drivers/e1000_hw.h"
#include "kernel/mm.h"
#include "net/checksum.h"
#include "net/ip.h"
#include "net/tcp.h"

static unsigned data_descs(unsigned len)
{
	return (len + E1000_MAX_DATA_PER_TXD - 1) / E1000_MAX_DATA_PER_TXD;
}

/* 3.3.6, 3.5: a segmentation context, and the headers the hardware updates. */
static int e1000_tso_ctx(struct sk_buff *skb, struct e1000_ctx_desc *c)
{
	unsigned ip_off = skb->network_header - skb_headroom(skb);
	unsigned tcp_off = skb->transport_header - skb_headroom(skb);
	struct iphdr *iph = ip_hdr(skb);
	struct tcphdr *th = tcp_hdr(skb);
	unsigned hdr_len = tcp_off + tcp_hdrlen(th);

	if (!(skb->gso_type & SKB_GSO_TCPV4) || skb->ip_summed != CHECKSUM_PARTIAL ||
	    tcp_off != (unsigned)(skb->csum_start - skb_headroom(skb)) || hdr_len > 255 ||
	    skb->len <= hdr_len || skb->len - hdr_len > TXD_LEN_MASK)
		return -EINVAL;
	/* Every segment gets its own length and checksums. */
	iph->tot_len = 0;
	iph->check = 0;
	th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, 0, IPPROTO_TCP, 0);
	memset(c, 0, sizeof(*c));
	c->ipcss = ip_off;
	c->ipcso = ip_off + offsetof(struct iphdr, check);
	c->ipcse = tcp_off - 1;
	c->tucss = tcp_off;
	c->tucso = tcp_off + offsetof(struct tcphdr, check);
	c->cmd_and_length = TXD_CMD_DEXT | TXD_CMD_TSE | TXD_CMD_IP | TXD_CMD_TCP | TXD_CMD_RS |
			    (skb->len - hdr_len);
	c->hdr_len = hdr_len;
	c->mss = skb->gso_size;
	return 0;
}

/* 3.3.6: a checksum context: sum from tucss to the end, store at tucso. */
static int e1000_csum_ctx(const struct sk_buff *skb, struct e1000_ctx_desc *c)
{
	unsigned start = skb->csum_start - skb_headroom(skb);

	if (start > 255 || start + skb->csum_offset > 255 ||
	    start + skb->csum_offset + 2 > skb->len)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->tucss = start;
	c->tucso = start + skb->csum_offset;
	c->cmd_and_length = TXD_CMD_DEXT | TXD_CMD_RS;
	return 0;
}

int e1000_tx_map(struct sk_buff *skb, union e1000_tx_desc *ring, unsigned n, unsigned tail,
		 unsigned room, struct e1000_tx_ctx *held)
{
	struct e1000_ctx_desc ctx;
	unsigned count = data_descs(skb->len), i = tail, off = 0;
	uint32_t dcmd = TXD_CMD_DEXT | TXD_DTYP_D | TXD_CMD_IFCS | TXD_CMD_RS;
	uint8_t popts = 0;
	int need_ctx = 0;

	if (skb->len == 0)
		return -EINVAL;
	if (skb_is_gso(skb)) {
		if (count + 1 > room)
			return -ENOSPC;
		if (e1000_tso_ctx(skb, &ctx))
			return -EINVAL;
		need_ctx = 1;
		held->valid = 0; /* the TSO context replaced the checksum one */
		dcmd |= TXD_CMD_TSE;
		popts = TXD_POPTS_TXSM | TXD_POPTS_IXSM;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		if (e1000_csum_ctx(skb, &ctx))
			return -EINVAL;
		need_ctx = !held->valid || held->tucss != ctx.tucss || held->tucso != ctx.tucso;
		if (count + need_ctx > room)
			return -ENOSPC;
		held->valid = 1;
		held->tucss = ctx.tucss;
		held->tucso = ctx.tucso;
		popts = TXD_POPTS_TXSM;
	} else if (count > room) {
		return -ENOSPC;
	}
	if (need_ctx) {
		ring[i].ctx = ctx;
		i = (i + 1) % n;
	}
	while (off < skb->len) {
		struct e1000_data_desc *d = &ring[i].data;
		unsigned len = skb->len - off;

		if (len > E1000_MAX_DATA_PER_TXD)
			len = E1000_MAX_DATA_PER_TXD;
		d->addr = virt_to_phys(skb->data + off);
		off += len;
		d->cmd_and_length = dcmd | len | (off == skb->len ? TXD_CMD_EOP : 0);
		d->status = 0;
		d->popts = popts;
		d->special = 0;
		i = (i + 1) % n;
	}
	return count + need_ctx;
}

uint8_t e1000_rx_csum(uint8_t status, uint8_t errors)
{
	/* IXSM: nothing was checked; TCPE/IPE: let the stack find the error. */
	if ((status & RXD_STAT_IXSM) || (errors & (RXD_ERR_TCPE | RXD_ERR_IPE)))
		return CHECKSUM_NONE;
	if (status & RXD_STAT_TCPCS)
		return CHECKSUM_UNNECESSARY;
	return CHECKSUM_NONE;
}
