/*
 * The virtio-net packet header (Virtio 1.2, 5.1.6) and the feature choice,
 * kept apart from the driver (virtio_net.c) because they are pure logic:
 * translating between the header and an sk_buff's offload fields
 * (ip_summed, csum_start/csum_offset, gso_size/gso_type), as Linux's
 * include/linux/virtio_net.h does, and choosing which offered features to
 * accept.  Host unit tests: tests/unit/test_virtio_net_hdr.c.
 */
#ifndef DRIVERS_VIRTIO_NET_HDR_H
#define DRIVERS_VIRTIO_NET_HDR_H

#include <stdint.h>
#include "net/skbuff.h"

/* Feature bits (5.1.3) */
#define VIRTIO_NET_F_CSUM	0 /* device completes partial checksums (transmit) */
#define VIRTIO_NET_F_GUEST_CSUM 1 /* driver takes partial or verified checksums (receive) */
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4 7  /* driver takes TCPv4 packets larger than the MTU */
#define VIRTIO_NET_F_HOST_TSO4	11 /* device segments TCPv4 (transmit) */
#define VIRTIO_NET_F_MRG_RXBUF	15 /* a received packet may span several buffers */
#define VIRTIO_NET_F_STATUS	16

/* struct virtio_net_hdr (5.1.6); num_buffers only with MRG_RXBUF or VERSION_1 */
struct virtio_net_hdr {
	uint8_t flags;	      /* VIRTIO_NET_HDR_F_* */
	uint8_t gso_type;     /* VIRTIO_NET_HDR_GSO_* */
	uint16_t hdr_len;     /* GSO: bytes of headers repeated in every segment */
	uint16_t gso_size;    /* GSO: payload bytes per segment */
	uint16_t csum_start;  /* NEEDS_CSUM: where summing starts, from the frame start */
	uint16_t csum_offset; /* NEEDS_CSUM: where the sum goes, from csum_start */
	uint16_t num_buffers; /* MRG_RXBUF: receive buffers this packet spans */
} __attribute__((packed));
#define VIRTIO_NET_HDR_LEGACY_LEN 10 /* without num_buffers */

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1 /* csum_start/csum_offset hold a partial checksum */
#define VIRTIO_NET_HDR_F_DATA_VALID 2 /* receive: the checksum was verified */
#define VIRTIO_NET_HDR_GSO_NONE	    0
#define VIRTIO_NET_HDR_GSO_TCPV4    1
#define VIRTIO_NET_HDR_GSO_ECN	    0x80

/*
 * The features to accept out of those offered, taking every offload we
 * can use, without a feature whose requirement is missing (5.1.3.1):
 * HOST_TSO4 needs CSUM, GUEST_TSO4 needs GUEST_CSUM, and our GUEST_TSO4
 * needs MRG_RXBUF too (large packets arrive in page-sized buffers; we do
 * not post 64 KiB ones).  `wanted` names the other bits the driver uses.
 */
uint64_t virtnet_select_features(uint64_t offered, uint64_t wanted);

/* Transmit: the header for skb (Linux's virtio_net_hdr_from_skb); 0, or
 * -EINVAL for a GSO packet that is not CHECKSUM_PARTIAL TCPv4. */
int virtio_net_hdr_from_skb(const struct sk_buff *skb, struct virtio_net_hdr *hdr);
/* Receive: applies hdr to skb, whose data starts at the frame (Linux's
 * virtio_net_hdr_to_skb); 0, or -EINVAL for offsets outside the frame or
 * an unknown GSO type. */
int virtio_net_hdr_to_skb(struct sk_buff *skb, const struct virtio_net_hdr *hdr);

#endif
