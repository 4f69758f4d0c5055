/*
 * Packet capture into a pcap byte stream; see net/capture.h.
 *
 * The ring is written by the stack (softirq or a task holding net_lock) and
 * read by the output's interrupt handler, so both sides touch the indices
 * with interrupts off; a record goes in whole or not at all.
 */
#include <arpa/inet.h>

#include "net/capture.h"
#include "net/netdevice.h"
#include "net/platform.h"
#include "net/eth.h"
#include "net/checksum.h"

#define CAPTURE_RING_SIZE (256 * 1024)
#define CAPTURE_SNAPLEN	  65535

/* libpcap file format: the file header, then a record header per frame. */
#define PCAP_MAGIC	    0xa1b2c3d4u
#define PCAP_VERSION_MAJOR  2
#define PCAP_VERSION_MINOR  4
#define LINKTYPE_ETHERNET   1
#define LINKTYPE_LINUX_SLL  113

struct pcap_file_header {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;  /* GMT offset: 0 */
	uint32_t sigfigs;  /* 0 */
	uint32_t snaplen;
	uint32_t linktype;
} __attribute__((packed));

struct pcap_rec_header {
	uint32_t ts_sec, ts_usec; /* time since boot: there is no wall clock */
	uint32_t incl_len;	  /* bytes recorded */
	uint32_t orig_len;	  /* bytes on the wire */
} __attribute__((packed));

/* Linux cooked capture (the `any` device), all fields network order. */
#define SLL_HOST      0
#define SLL_BROADCAST 1
#define SLL_MULTICAST 2
#define SLL_OTHERHOST 3
#define SLL_OUTGOING  4
struct sll_header {
	uint16_t pkttype;  /* SLL_* */
	uint16_t hatype;   /* ARPHRD_* of the device */
	uint16_t halen;	   /* link-layer address length */
	uint8_t addr[8];   /* the sender's link-layer address */
	uint16_t protocol; /* ethertype */
} __attribute__((packed));

int capture_active;
static struct capture_stats stats;
static unsigned char ring[CAPTURE_RING_SIZE];
static size_t ring_head, ring_tail; /* write and read positions, free-running */

static size_t ring_free(void) { return CAPTURE_RING_SIZE - (ring_head - ring_tail); }

/* Copies n bytes to ring position pos (free-running), wrapping at the end. */
static void ring_write_at(size_t pos, const void *p, size_t n)
{
	size_t off = pos % CAPTURE_RING_SIZE;
	size_t first = n < CAPTURE_RING_SIZE - off ? n : CAPTURE_RING_SIZE - off;

	memcpy(ring + off, p, first);
	memcpy(ring, (const unsigned char *)p + first, n - first);
}

static void ring_put(const void *p, size_t n)
{
	ring_write_at(ring_head, p, n);
	ring_head += n;
}

size_t capture_read(void *buf, size_t n)
{
	unsigned long flags = net_irq_save();
	size_t avail = ring_head - ring_tail;
	size_t off = ring_tail % CAPTURE_RING_SIZE;
	size_t first;

	if (n > avail)
		n = avail;
	first = n < CAPTURE_RING_SIZE - off ? n : CAPTURE_RING_SIZE - off;
	memcpy(buf, ring + off, first);
	memcpy((unsigned char *)buf + first, ring, n - first);
	ring_tail += n;
	net_irq_restore(flags);
	return n;
}

int capture_start(int ifindex, uint64_t max_frames)
{
	struct pcap_file_header fh = {
		.magic = PCAP_MAGIC,
		.version_major = PCAP_VERSION_MAJOR,
		.version_minor = PCAP_VERSION_MINOR,
		.snaplen = CAPTURE_SNAPLEN,
		.linktype = ifindex ? LINKTYPE_ETHERNET : LINKTYPE_LINUX_SLL,
	};
	unsigned long flags;

	if (capture_active)
		return -EBUSY;
	if (ifindex && !dev_get_by_index(ifindex))
		return -ENODEV;
	if (!net_capture_output_ready())
		return -ENXIO;
	flags = net_irq_save();
	/* A new stream starts with its own file header: what an earlier
	 * capture left unread belongs to a file that has ended. */
	ring_head = ring_tail = 0;
	memset(&stats, 0, sizeof(stats));
	stats.ifindex = ifindex;
	stats.limit = max_frames;
	ring_put(&fh, sizeof(fh));
	stats.bytes = sizeof(fh);
	stats.active = capture_active = 1;
	net_irq_restore(flags);
	return 0;
}

void capture_stop(void) { stats.active = capture_active = 0; }

void capture_get_stats(struct capture_stats *st)
{
	unsigned long flags = net_irq_save();

	*st = stats;
	st->pending = ring_head - ring_tail;
	net_irq_restore(flags);
}

static uint16_t sll_pkttype(const struct sk_buff *skb, int outgoing)
{
	if (outgoing)
		return SLL_OUTGOING;
	switch (skb->pkt_type) {
	case PACKET_BROADCAST:
		return SLL_BROADCAST;
	case PACKET_MULTICAST:
		return SLL_MULTICAST;
	case PACKET_OTHERHOST:
		return SLL_OTHERHOST;
	default:
		return SLL_HOST;
	}
}

/*
 * A packet whose checksum the NIC will complete (CHECKSUM_PARTIAL) shows
 * the final checksum in the capture, as it will be on the wire; the packet
 * itself is left as it is.  `at` is the ring position of skb->data.
 */
static void fill_partial_csum(const struct sk_buff *skb, size_t at)
{
	const unsigned char *start = skb->head + skb->csum_start;
	size_t field = skb->csum_start + skb->csum_offset - (size_t)(skb->data - skb->head);
	uint16_t sum;

	if (skb->ip_summed != CHECKSUM_PARTIAL || start < skb->data ||
	    start + skb->csum_offset + 2 > skb->tail || field + 2 > CAPTURE_SNAPLEN)
		return;
	sum = csum_fold(csum_partial(start, skb->tail - start, 0));
	ring_write_at(at + field, &sum, sizeof(sum));
}

void capture_frame(const struct sk_buff *skb, const struct net_device *dev, int outgoing)
{
	const unsigned char *frame = skb->data;
	unsigned int len = skb->len;
	struct pcap_rec_header rh;
	struct sll_header sll;
	uint64_t ns = ktime_ns();
	unsigned int hdr = 0;
	unsigned long flags;

	if (stats.ifindex && stats.ifindex != dev->ifindex)
		return;
	/* What lo sends it receives again: record it once, as Linux does. */
	if (dev->type == ARPHRD_LOOPBACK && !outgoing)
		return;
	if (len < ETH_HLEN)
		return;
	if (!stats.ifindex) {
		/* The cooked header replaces the Ethernet header. */
		const struct ethhdr *eth = (const struct ethhdr *)frame;

		memset(&sll, 0, sizeof(sll));
		sll.pkttype = htons(sll_pkttype(skb, outgoing));
		sll.hatype = htons(dev->type);
		sll.halen = htons(ETH_ALEN);
		memcpy(sll.addr, eth->h_source, ETH_ALEN);
		sll.protocol = eth->h_proto;
		frame += ETH_HLEN;
		len -= ETH_HLEN;
		hdr = sizeof(sll);
	}
	rh.ts_sec = (uint32_t)(ns / 1000000000u);
	rh.ts_usec = (uint32_t)(ns % 1000000000u / 1000u);
	rh.orig_len = hdr + len;
	rh.incl_len = rh.orig_len < CAPTURE_SNAPLEN ? rh.orig_len : CAPTURE_SNAPLEN;

	flags = net_irq_save();
	if (ring_free() < sizeof(rh) + rh.incl_len) {
		stats.dropped++;
	} else {
		size_t at;

		ring_put(&rh, sizeof(rh));
		if (hdr)
			ring_put(&sll, hdr);
		at = ring_head - (frame - skb->data);
		ring_put(frame, rh.incl_len - hdr);
		fill_partial_csum(skb, at);
		stats.frames++;
		stats.bytes += sizeof(rh) + rh.incl_len;
	}
	if (stats.limit && stats.frames >= stats.limit)
		stats.active = capture_active = 0;
	net_irq_restore(flags);
	net_capture_kick();
}
