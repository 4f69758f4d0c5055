/*
 * IPv4 fragments (RFC 791 3.2): reassembly of the datagrams addressed to
 * us (ip_defrag) and fragmentation of the ones we send or forward without
 * DF (ip_do_fragment).
 *
 * Reassembly keeps one queue per (source, destination, identification,
 * protocol) (RFC 791 3.2, "the identification field"), with the pieces
 * copied out of the receive buffers (a driver's ring is not held by a
 * datagram that may never complete) and sorted by offset.  The rules:
 *  - every fragment but the last carries a multiple of 8 bytes (RFC 791:
 *    fragment offsets count 8-octet units); an empty fragment is invalid;
 *  - a datagram longer than 65535 bytes (the "ping of death") kills its
 *    queue;
 *  - an exact duplicate of a piece already held is dropped alone (a
 *    retransmitted fragment), any other overlap discards the whole
 *    datagram and the pieces that arrive after it until the queue expires
 *    (RFC 5722 section 4, which IPv4 follows here: overlapping fragments
 *    are how filters are evaded, RFC 1858);
 *  - a queue lives IPQ_TIMEOUT_MS; when it expires with its first fragment
 *    in, the sender gets ICMP time exceeded code 1 (RFC 1122 3.3.2, RFC 792);
 *  - the memory the queues hold is bounded overall (IPFRAG_HIGH_THRESH)
 *    and per source (IPFRAG_SRC_THRESH), and so is their number: a
 *    fragment that does not fit drops its datagram.
 */
#include <arpa/inet.h>

#include "net/ip.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/platform.h"

#define IPQ_TIMEOUT_MS	   30000	/* Linux's ipfrag_time; RFC 1122 3.3.2: 60 s to 120 s */
#define IPFRAG_HIGH_THRESH (512 * 1024) /* every queue together */
#define IPFRAG_SRC_THRESH  (160 * 1024) /* one source: two datagrams of 64 KiB and change */
#define IPQ_MAX		   64
#define IP_MAX_DGRAM	   65535 /* tot_len is 16 bits */
#define IPQ_QUOTE	   8	 /* RFC 792: the first 64 bits of the datagram's data */

#define IPQ_FIRST_IN 0x1
#define IPQ_LAST_IN  0x2
#define IPQ_DEAD     0x4 /* an overlap was seen: everything is dropped until expiry */

/* One piece of payload, offset and length in bytes. */
struct ipfrag {
	struct list_head list;
	unsigned int offset, len;
	uint8_t data[];
};

struct ipq {
	struct list_head list;
	uint32_t saddr, daddr; /* network order */
	uint16_t id;	       /* network order */
	uint8_t protocol;
	uint8_t flags;		/* IPQ_* */
	uint8_t pkt_type;	/* of the fragments */
	unsigned int len;	/* payload length, known once the last fragment is in */
	unsigned int meat;	/* payload bytes held */
	size_t mem;		/* bytes this queue accounts for */
	struct list_head frags; /* struct ipfrag, by offset */
	struct timer_list timer;
	struct net_device *dev;
	/* the first fragment's header and first data bytes: the reassembled
	 * datagram's header, and what ICMP time exceeded quotes */
	uint8_t first[60 + IPQ_QUOTE];
	unsigned int first_ihl, first_len;
};

static LIST_HEAD(ipq_list);
static size_t ipfrag_mem;
static int ipq_count;

size_t ip_frag_mem(void) { return ipfrag_mem; }

static void ipq_free_frags(struct ipq *q)
{
	struct ipfrag *f, *n;

	list_for_each_entry_safe (f, n, &q->frags, list) {
		list_del(&f->list);
		ipfrag_mem -= sizeof(*f) + f->len;
		q->mem -= sizeof(*f) + f->len;
		kfree(f);
	}
	q->meat = 0;
}

static void ipq_destroy(struct ipq *q)
{
	del_timer(&q->timer);
	ipq_free_frags(q);
	list_del(&q->list);
	ipfrag_mem -= q->mem;
	ipq_count--;
	kfree(q);
}

static void ipq_count_drops(struct ipq *q)
{
	struct ipfrag *f;

	list_for_each_entry (f, &q->frags, list)
		ip_statistics.frag_drops++;
}

/* The datagram cannot be completed: its pieces are counted as dropped. */
static void ipq_fail(struct ipq *q)
{
	ipq_count_drops(q);
	ip_statistics.reasm_fails++;
	ipq_destroy(q);
}

/* RFC 1122 3.3.2: time exceeded code 1, only if fragment zero was received. */
static void ip_expire_notify(struct ipq *q)
{
	struct sk_buff *skb;

	if (!(q->flags & IPQ_FIRST_IN) || !q->dev)
		return;
	skb = alloc_skb(sizeof(q->first));
	if (!skb)
		return;
	memcpy(skb_put(skb, q->first_len), q->first, q->first_len);
	skb_reset_network_header(skb);
	skb->dev = q->dev;
	skb->pkt_type = q->pkt_type;
	icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME);
	kfree_skb(skb);
}

static void ip_expire(struct timer_list *t)
{
	struct ipq *q = container_of(t, struct ipq, timer);

	if (q->flags & IPQ_DEAD) {
		ipq_destroy(q); /* counted when the overlap was seen */
		return;
	}
	ip_statistics.reasm_timeout++;
	ip_expire_notify(q);
	ipq_fail(q);
}

static size_t ip_frag_src_mem(uint32_t saddr)
{
	struct ipq *q;
	size_t n = 0;

	list_for_each_entry (q, &ipq_list, list)
		if (q->saddr == saddr)
			n += q->mem;
	return n;
}

static struct ipq *ip_find(const struct iphdr *iph, struct net_device *dev)
{
	struct ipq *q;

	list_for_each_entry (q, &ipq_list, list)
		if (q->saddr == iph->saddr && q->daddr == iph->daddr && q->id == iph->id &&
		    q->protocol == iph->protocol)
			return q;
	if (ipq_count >= IPQ_MAX || ipfrag_mem + sizeof(*q) > IPFRAG_HIGH_THRESH ||
	    ip_frag_src_mem(iph->saddr) + sizeof(*q) > IPFRAG_SRC_THRESH)
		return NULL;
	q = kzalloc(sizeof(*q));
	if (!q)
		return NULL;
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->id = iph->id;
	q->protocol = iph->protocol;
	q->dev = dev;
	q->mem = sizeof(*q);
	INIT_LIST_HEAD(&q->frags);
	timer_setup(&q->timer, ip_expire);
	/* RFC 791 3.2: the timer starts with the first fragment to arrive */
	mod_timer(&q->timer, jiffies_ms() + IPQ_TIMEOUT_MS);
	list_add_tail(&q->list, &ipq_list);
	ipfrag_mem += q->mem;
	ipq_count++;
	return q;
}

/* The whole datagram, once every byte from 0 to len is in. */
static struct sk_buff *ip_frag_reasm(struct ipq *q)
{
	unsigned int tot = q->first_ihl + q->len;
	struct ipfrag *f;
	struct sk_buff *skb;
	struct iphdr *iph;

	if (tot > IP_MAX_DGRAM) {
		ipq_fail(q); /* the first fragment's options made it too long */
		return NULL;
	}
	skb = alloc_skb(ETH_HLEN + tot);
	if (!skb) {
		ipq_fail(q);
		return NULL;
	}
	skb_reserve(skb, ETH_HLEN);
	memcpy(skb_put(skb, q->first_ihl), q->first, q->first_ihl);
	list_for_each_entry (f, &q->frags, list)
		memcpy(skb_put(skb, f->len), f->data, f->len);
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->tot_len = htons(tot);
	iph->frag_off &= htons(IP_DF); /* no longer a fragment */
	iph->check = 0;
	iph->check = ip_compute_csum(iph, q->first_ihl);
	skb->dev = q->dev;
	skb->pkt_type = q->pkt_type;
	skb->protocol = htons(ETH_P_IP);
	ip_statistics.reasm_oks++;
	ipq_destroy(q);
	return skb;
}

/* Adds the piece [off, off + len) to q: 0, 1 (an exact duplicate), or -1 (overlap). */
static int ip_frag_insert(struct ipq *q, unsigned int off, unsigned int len, const uint8_t *data)
{
	struct list_head *pos = &q->frags;
	struct ipfrag *f, *n;

	list_for_each_entry (f, &q->frags, list) {
		if (f->offset == off && f->len == len)
			return 1;
		if (off < f->offset + f->len && f->offset < off + len)
			return -1;
		if (f->offset > off) {
			pos = &f->list;
			break;
		}
	}
	n = kmalloc(sizeof(*n) + len);
	if (!n)
		return -ENOMEM;
	n->offset = off;
	n->len = len;
	memcpy(n->data, data, len);
	list_add_tail(&n->list, pos); /* before the first piece that starts later */
	q->meat += len;
	q->mem += sizeof(*n) + len;
	ipfrag_mem += sizeof(*n) + len;
	return 0;
}

struct sk_buff *ip_defrag(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = (iph->ihl_version & 0x0f) * 4;
	unsigned int flags = ntohs(iph->frag_off);
	unsigned int off = (flags & IP_OFFSET) * 8;
	unsigned int len = ntohs(iph->tot_len) - ihl;
	unsigned int end = off + len;
	size_t need = sizeof(struct ipfrag) + len;
	struct ipq *q;
	int err;

	ip_statistics.reasm_reqds++;
	if (len == 0 || ((flags & IP_MF) && (len & 7)))
		goto drop; /* RFC 791: non-final fragments carry 8-octet units */
	q = ip_find(iph, skb->dev);
	if (!q) {
		ip_statistics.reasm_fails++;
		goto drop; /* over the queue budget */
	}
	if (q->flags & IPQ_DEAD)
		goto drop;
	if (ihl + end > IP_MAX_DGRAM)
		goto fail; /* longer than any datagram can be */
	if (!(flags & IP_MF)) {
		struct ipfrag *last = list_empty(&q->frags)
					      ? NULL
					      : list_entry(q->frags.prev, struct ipfrag, list);

		if ((q->flags & IPQ_LAST_IN) && end != q->len)
			goto fail; /* two different ends */
		if (last && last->offset + last->len > end)
			goto fail; /* data beyond the end */
		q->flags |= IPQ_LAST_IN;
		q->len = end;
	} else if ((q->flags & IPQ_LAST_IN) && end > q->len) {
		goto fail;
	}
	if (ipfrag_mem + need > IPFRAG_HIGH_THRESH ||
	    ip_frag_src_mem(q->saddr) + need > IPFRAG_SRC_THRESH)
		goto fail;
	err = ip_frag_insert(q, off, len, (const uint8_t *)iph + ihl);
	if (err == 1)
		goto drop; /* a duplicate: the copy we hold is as good */
	if (err == -1) {
		ip_statistics.reasm_overlaps++;
		ip_statistics.reasm_fails++;
		ipq_count_drops(q);
		ipq_free_frags(q);
		q->flags |= IPQ_DEAD;
		goto drop;
	}
	if (err < 0)
		goto fail;
	if (off == 0) {
		q->flags |= IPQ_FIRST_IN;
		q->first_ihl = ihl;
		q->first_len = ihl + (len < IPQ_QUOTE ? len : IPQ_QUOTE);
		memcpy(q->first, iph, q->first_len);
		q->pkt_type = skb->pkt_type;
		q->dev = skb->dev;
	}
	kfree_skb(skb);
	if ((q->flags & IPQ_FIRST_IN) && (q->flags & IPQ_LAST_IN) && q->meat == q->len)
		return ip_frag_reasm(q);
	return NULL;

fail:
	ipq_fail(q);
drop:
	ip_statistics.frag_drops++;
	kfree_skb(skb);
	return NULL;
}

void ip_frag_flush(void)
{
	while (!list_empty(&ipq_list))
		ipq_destroy(list_entry(ipq_list.next, struct ipq, list));
}

/*
 * RFC 791 3.1, "Options": only options whose copied flag is set go into
 * every fragment; the others become no-operations in the fragments after
 * the first, so that every fragment keeps the header's length (Linux's
 * ip_options_fragment).
 */
static void ip_options_fragment(uint8_t *opt, unsigned int optlen)
{
	unsigned int i = 0;

	while (i < optlen) {
		unsigned int l;

		if (opt[i] == 0)
			break; /* end of option list */
		if (opt[i] == 1) {
			i++;
			continue;
		}
		l = i + 1 < optlen ? opt[i + 1] : 0;
		if (l < 2 || i + l > optlen)
			break;
		if (!(opt[i] & 0x80))
			memset(opt + i, 1, l);
		i += l;
	}
}

int ip_do_fragment(struct sk_buff *skb, unsigned int mtu, uint32_t nexthop,
		   int (*output)(struct sk_buff *skb, uint32_t nexthop))
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = (iph->ihl_version & 0x0f) * 4;
	unsigned int payload = skb->len - ihl;
	unsigned int orig = ntohs(iph->frag_off);
	unsigned int maxfrag, off, n = 0;
	uint8_t hdr[60];
	int err = 0;

	/* every fragment but the last carries a multiple of 8 bytes */
	maxfrag = mtu > ihl ? (mtu - ihl) & ~7u : 0;
	if (maxfrag < 8 || (orig & IP_DF) || skb_is_gso(skb))
		goto fail;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto fail;
	memcpy(hdr, iph, ihl);
	for (off = 0; off < payload; off += maxfrag) {
		unsigned int len = payload - off < maxfrag ? payload - off : maxfrag;
		struct sk_buff *f = alloc_skb(MAX_HEADER_LEN + ihl + len);
		struct iphdr *fh;
		unsigned int fo;
		int e;

		if (!f) {
			err = -ENOMEM;
			break;
		}
		skb_reserve(f, MAX_HEADER_LEN);
		memcpy(skb_put(f, ihl), hdr, ihl);
		memcpy(skb_put(f, len), skb_network_header(skb) + ihl + off, len);
		skb_reset_network_header(f);
		fh = ip_hdr(f);
		/* offsets count from the original's: a fragment may be cut again */
		fo = (orig & IP_OFFSET) + off / 8;
		if (off + len < payload || (orig & IP_MF))
			fo |= IP_MF;
		fh->frag_off = htons(fo);
		fh->tot_len = htons(ihl + len);
		fh->check = 0;
		fh->check = ip_compute_csum(fh, ihl);
		f->dev = skb->dev;
		f->protocol = skb->protocol;
		f->pkt_type = skb->pkt_type;
		if (off == 0 && ihl > sizeof(struct iphdr))
			ip_options_fragment(hdr + sizeof(struct iphdr), ihl - sizeof(struct iphdr));
		n++;
		e = output(f, nexthop);
		if (e && !err)
			err = e;
	}
	ip_statistics.frag_creates += n;
	if (err)
		ip_statistics.frag_fails++;
	else
		ip_statistics.frag_oks++;
	kfree_skb(skb);
	return err;

fail:
	ip_statistics.frag_fails++;
	ip_statistics.out_discards++;
	kfree_skb(skb);
	return -EMSGSIZE;
}
