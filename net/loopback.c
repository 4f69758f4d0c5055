/* The loopback device: transmit is receive, deferred to the NET_RX softirq. */
#include <arpa/inet.h>

#include "net/loopback.h"
#include "net/platform.h"
#include "net/ip.h"

struct net_device *loopback_dev;

/* Counts as a driver does: each frame once out and once in. */
static int loopback_xmit(struct sk_buff *skb, struct net_device *dev)
{
	unsigned int len = skb->len;
	int err;

	skb->dev = dev;
	err = netif_rx(skb);
	if (err) {
		dev->stats.tx_dropped++;
		return err;
	}
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += len;
	dev->stats.rx_packets++;
	dev->stats.rx_bytes += len;
	return 0;
}

static const struct net_device_ops loopback_ops = {
	.ndo_start_xmit = loopback_xmit,
};

int loopback_init(void)
{
	struct net_device *dev = alloc_netdev("lo", 0);
	int err;

	if (!dev)
		return -ENOMEM;
	dev->type = ARPHRD_LOOPBACK;
	dev->flags = IFF_LOOPBACK;
	dev->mtu = LOOPBACK_MTU;
	/* Nothing is corrupted on the way through memory: checksums stay
	 * partial, and a GSO packet goes up whole (as Linux's lo). */
	dev->features = NETIF_F_IP_CSUM | NETIF_F_RXCSUM | NETIF_F_TSO;
	dev->gso_max_size = LOOPBACK_GSO_MAX_SIZE;
	dev->ops = &loopback_ops;
	dev->driver = "loopback";
	err = register_netdev(dev);
	if (err) {
		kfree(dev);
		return err;
	}
	loopback_dev = dev;
	err = inet_set_addr(dev, htonl(LOOPBACK_ADDR), htonl(LOOPBACK_MASK));
	if (err)
		return err;
	return dev_open(dev);
}
