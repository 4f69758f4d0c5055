/*
 * The DHCP client on a net_device (RFC 2131): net/dhcp_proto.c's state
 * machine wired to the stack.  Replies come to UDP port 68 (a kernel
 * receiver, net/udp.h); messages leave as whole frames built here, from
 * 0.0.0.0 to 255.255.255.255 out of the client's own device while it has
 * no address, as Linux's ipconfig sends them.  A lease configures the
 * address and netmask, the default route through the router option, and
 * keeps the DNS servers for netctl to show.  One timer per client drives
 * retransmission, T1, T2 and expiry.  All calls with net_lock held.
 */
#ifndef NET_DHCP_H
#define NET_DHCP_H

#include "net/netdevice.h"
#include "net/dhcp_proto.h"

#define DHCP_MAX_CLIENTS 4
#define DHCP_HOSTNAME	 "menuos" /* option 12 */

/*
 * Starts a client on dev (bringing dev up), or, when it holds a lease,
 * renews it now.  0, -EOPNOTSUPP (not an Ethernet device), -ENOSPC (every
 * client slot in use), -EADDRINUSE (someone else has port 68), -ENOMEM, or
 * dev_open's error.
 */
int dhcp_start(struct net_device *dev);
/*
 * Stops dev's client: DHCPRELEASE to the server when it holds a lease,
 * whose address and default route go.  0, or -ENOENT (no client on dev).
 */
int dhcp_release(struct net_device *dev);
/* dev's client, or NULL when there is none. */
const struct dhcp_client *dhcp_client_get(const struct net_device *dev);
/*
 * Counts the times dev's client got a lease or gave up; a waiter reads it,
 * then dhcp_wait()s for it to change: 1 when it did (or the client went
 * away), 0 after timeout_ms, -EINTR.  net_wait drops the lock meanwhile.
 */
unsigned int dhcp_outcomes(const struct net_device *dev);
int dhcp_wait(const struct net_device *dev, unsigned int outcomes, long timeout_ms);

#endif
