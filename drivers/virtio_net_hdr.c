/* virtio_net_hdr <-> sk_buff, and the feature choice (see drivers/virtio_net_hdr.h). */
#include <errno.h>
#include <string.h>

#include "drivers/virtio_net_hdr.h"
#include "net/tcp.h"

#define BIT(n) (1ULL << (n))

uint64_t virtnet_select_features(uint64_t offered, uint64_t wanted)
{
	uint64_t f = offered & (wanted | BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_GUEST_CSUM) |
				BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_GUEST_TSO4) |
				BIT(VIRTIO_NET_F_MRG_RXBUF));

	if (!(f & BIT(VIRTIO_NET_F_CSUM)))
		f &= ~BIT(VIRTIO_NET_F_HOST_TSO4);
	if (!(f & BIT(VIRTIO_NET_F_GUEST_CSUM)) || !(f & BIT(VIRTIO_NET_F_MRG_RXBUF)))
		f &= ~BIT(VIRTIO_NET_F_GUEST_TSO4);
	return f;
}

int virtio_net_hdr_from_skb(const struct sk_buff *skb, struct virtio_net_hdr *hdr)
{
	unsigned headroom = skb_headroom(skb);

	memset(hdr, 0, sizeof(*hdr));
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		/* 5.1.6.2: the device sums from csum_start to the end and stores
		 * the result at csum_start + csum_offset. */
		hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		hdr->csum_start = skb->csum_start - headroom;
		hdr->csum_offset = skb->csum_offset;
	}
	if (skb_is_gso(skb)) {
		const struct tcphdr *th = (const struct tcphdr *)(skb->head + skb->csum_start);

		/* 5.1.6.2: segmentation needs NEEDS_CSUM, csum_start at the TCP header. */
		if (skb->ip_summed != CHECKSUM_PARTIAL || !(skb->gso_type & SKB_GSO_TCPV4))
			return -EINVAL;
		hdr->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		hdr->gso_size = skb->gso_size;
		hdr->hdr_len = hdr->csum_start + tcp_hdrlen(th);
	}
	return 0;
}

int virtio_net_hdr_to_skb(struct sk_buff *skb, const struct virtio_net_hdr *hdr)
{
	if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		/* 5.1.6.4: the packet's checksum is partial, as a local sender
		 * left it; nothing on the way corrupted it, so there is nothing
		 * to verify (Linux keeps it CHECKSUM_PARTIAL). */
		if ((unsigned)hdr->csum_start + hdr->csum_offset + 2 > skb->len)
			return -EINVAL;
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_headroom(skb) + hdr->csum_start;
		skb->csum_offset = hdr->csum_offset;
	} else if (hdr->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	}
	switch (hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return 0;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (hdr->gso_size == 0)
			return -EINVAL;
		/* A coalesced packet: what its segments were, as Linux records it. */
		skb->gso_type = SKB_GSO_TCPV4;
		skb->gso_size = hdr->gso_size;
		skb->gso_segs = 0;
		return 0;
	default:
		return -EINVAL;
	}
}
