/*
 * Packet capture (the shell's `capture`): every frame that passes one
 * interface, or all of them, recorded in pcap format into a byte ring that a
 * slow output (COM2) drains at its own pace.  The stack never waits for it:
 * a frame that does not fit in the ring is dropped from the capture and
 * counted, never held up.
 *
 * Formats (pcap, "libpcap file format"): one interface gives link type
 * Ethernet (1), `any` gives Linux cooked capture (113), whose 16-byte header
 * says which device a frame passed and in which direction, as Linux's
 * `tcpdump -i any` does.  Loopback frames are recorded once, on the way out.
 */
#ifndef NET_CAPTURE_H
#define NET_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct sk_buff;
struct net_device;

struct capture_stats {
	int active;
	int ifindex;	     /* 0: any */
	uint64_t frames;     /* recorded */
	uint64_t dropped;    /* did not fit in the ring */
	uint64_t bytes;	     /* pcap bytes written into the ring, headers included */
	uint64_t limit;	     /* stop after this many frames; 0: no limit */
	size_t pending;	     /* bytes in the ring not yet drained */
};

/* ifindex 0 = every interface; max_frames 0 = until capture_stop.
 * -EBUSY while a capture runs, -ENODEV for an unknown interface, -ENXIO
 * when the machine has nowhere to send the stream. */
int capture_start(int ifindex, uint64_t max_frames);
void capture_stop(void);
void capture_get_stats(struct capture_stats *st);

/* Called by the device layer for each frame (data at the MAC header). */
extern int capture_active;
void capture_frame(const struct sk_buff *skb, const struct net_device *dev, int outgoing);
static inline void dev_capture(const struct sk_buff *skb, const struct net_device *dev,
			       int outgoing)
{
	if (capture_active)
		capture_frame(skb, dev, outgoing);
}

/* The output side: takes up to n bytes of the pcap stream out of the ring.
 * Safe from interrupt context. */
size_t capture_read(void *buf, size_t n);

#endif
