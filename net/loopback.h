/*
 * The loopback device `lo` (127.0.0.1/8).  What it transmits comes back
 * through netif_rx and the NET_RX softirq, exactly as a frame from a NIC
 * would.  Frames carry an Ethernet header with all-zero addresses.
 */
#ifndef NET_LOOPBACK_H
#define NET_LOOPBACK_H

#include "net/netdevice.h"

#define LOOPBACK_MTU	      65536	  /* as Linux's lo */
#define LOOPBACK_GSO_MAX_SIZE 65535	  /* a GSO packet is one IP datagram */
#define LOOPBACK_ADDR	      0x7f000001u /* 127.0.0.1, host order */
#define LOOPBACK_NET	      0x7f000000u /* 127.0.0.0/8, host order */
#define LOOPBACK_MASK	      0xff000000u

extern struct net_device *loopback_dev;

/* Registers lo, brings it up with 127.0.0.1/8 (net_init calls it). */
int loopback_init(void);

#endif
