/* A fake Ethernet device and frame builders for host tests: see platform_test.h. */
#include <arpa/inet.h>
#include <string.h>

#include "net/eth.h"
#include "net/arp.h"
#include "net/ip.h"
#include "net/checksum.h"
#include "net/platform.h"
#include "drivers/netdrv.h"
#include "tests/unit/support/platform_test.h"

struct fake_eth {
	struct sk_buff_head txq; /* on the wire: what the test reads */
	int xmit_error;
	int napi;		  /* NAPI mode (fake_eth_set_napi) */
	struct sk_buff_head rxq;  /* NAPI mode: received, not yet polled */
	struct sk_buff_head ring; /* NAPI mode: queued for transmit, doorbell not rung */
	unsigned tx_pending;	  /* netdrv_tx_defer's count */
};

/* NAPI mode's doorbell: the frames queued since the last one go on the wire. */
static void fake_eth_tx_flush(struct fake_eth *fe)
{
	struct sk_buff *skb;

	if (!netdrv_tx_flush(&fe->tx_pending))
		return;
	while ((skb = skb_dequeue(&fe->ring)))
		skb_queue_tail(&fe->txq, skb);
}

/*
 * NAPI mode's poll, in the order of the NIC drivers' polls (virtnet_poll,
 * e1000_poll): the received frames into GRO, the transmit doorbell, then
 * napi_complete and the "interrupt" unmasked, polling on if frames came
 * in meanwhile (netdrv_napi_done).
 */
static int fake_eth_poll(struct napi_struct *napi, int budget)
{
	struct fake_eth *fe = napi->dev->priv;
	struct sk_buff *skb;
	int work = 0;

	while (work < budget && (skb = skb_dequeue(&fe->rxq))) {
		napi_gro_receive(napi, skb);
		work++;
	}
	fake_eth_tx_flush(fe);
	if (work < budget && napi_complete(napi) && skb_queue_len(&fe->rxq))
		napi_schedule(napi);
	return work;
}

static int fake_eth_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct fake_eth *fe = dev->priv;

	if (fe->xmit_error) {
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return fe->xmit_error;
	}
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += skb->len;
	if (fe->napi) {
		skb_queue_tail(&fe->ring, skb);
		netdrv_tx_defer(dev, &fe->tx_pending);
		return 0;
	}
	skb_queue_tail(&fe->txq, skb);
	return 0;
}

static const struct net_device_ops fake_eth_ops = {
	.ndo_start_xmit = fake_eth_xmit,
};

struct net_device *fake_eth_create(const char *name, const uint8_t mac[ETH_ALEN])
{
	struct net_device *dev = alloc_netdev(name, sizeof(struct fake_eth));
	struct fake_eth *fe;

	if (!dev)
		return NULL;
	fe = dev->priv;
	skb_queue_head_init(&fe->txq);
	skb_queue_head_init(&fe->rxq);
	skb_queue_head_init(&fe->ring);
	ether_setup(dev);
	memcpy(dev->dev_addr, mac, ETH_ALEN);
	dev->ops = &fake_eth_ops;
	dev->driver = "fake_eth";
	if (register_netdev(dev)) {
		kfree(dev);
		return NULL;
	}
	return dev;
}

struct net_device *fake_eth_create_up(const char *name, const uint8_t mac[ETH_ALEN], uint32_t addr,
				      uint32_t mask)
{
	struct net_device *dev = fake_eth_create(name, mac);

	if (!dev)
		return NULL;
	if (inet_set_addr(dev, addr, mask) || dev_open(dev))
		return NULL;
	fake_eth_purge_tx(dev);
	return dev;
}

struct sk_buff *fake_eth_pop_tx(struct net_device *dev)
{
	return skb_dequeue(&((struct fake_eth *)dev->priv)->txq);
}

unsigned int fake_eth_tx_len(struct net_device *dev)
{
	return skb_queue_len(&((struct fake_eth *)dev->priv)->txq);
}

void fake_eth_purge_tx(struct net_device *dev)
{
	skb_queue_purge(&((struct fake_eth *)dev->priv)->txq);
}

void fake_eth_set_xmit_error(struct net_device *dev, int err)
{
	((struct fake_eth *)dev->priv)->xmit_error = err;
}

void fake_eth_set_napi(struct net_device *dev)
{
	((struct fake_eth *)dev->priv)->napi = 1;
	netif_napi_add(dev, &dev->napi, fake_eth_poll);
}

int fake_eth_inject(struct net_device *dev, const void *frame, size_t len)
{
	struct sk_buff *skb = alloc_skb(len);

	if (!skb)
		return -ENOMEM;
	memcpy(skb_put(skb, len), frame, len);
	skb->dev = dev;
	dev->stats.rx_packets++;
	dev->stats.rx_bytes += len;
	if (((struct fake_eth *)dev->priv)->napi) {
		skb_queue_tail(&((struct fake_eth *)dev->priv)->rxq, skb);
		napi_schedule(&dev->napi); /* the receive interrupt */
		return 0;
	}
	return netif_receive_skb(skb);
}

size_t fake_build_eth(uint8_t *buf, const uint8_t dst[ETH_ALEN], const uint8_t src[ETH_ALEN],
		      uint16_t type, const void *payload, size_t len)
{
	struct ethhdr *eth = (struct ethhdr *)buf;

	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(type);
	if (len)
		memcpy(buf + ETH_HLEN, payload, len);
	return ETH_HLEN + len;
}

size_t fake_build_ip(uint8_t *buf, const uint8_t dst_mac[ETH_ALEN], const uint8_t src_mac[ETH_ALEN],
		     uint32_t saddr, uint32_t daddr, uint8_t protocol, const void *payload,
		     size_t len)
{
	struct iphdr *iph = (struct iphdr *)(buf + ETH_HLEN);

	fake_build_eth(buf, dst_mac, src_mac, ETH_P_IP, NULL, 0);
	memset(iph, 0, sizeof(*iph));
	iph->ihl_version = 0x45;
	iph->tot_len = htons(sizeof(*iph) + len);
	iph->id = htons(1);
	iph->frag_off = htons(IP_DF);
	iph->ttl = IP_DEFAULT_TTL;
	iph->protocol = protocol;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->check = ip_compute_csum(iph, sizeof(*iph));
	memcpy(buf + ETH_HLEN + sizeof(*iph), payload, len);
	return ETH_HLEN + sizeof(*iph) + len;
}

size_t fake_build_arp(uint8_t *buf, const uint8_t eth_dst[ETH_ALEN], uint16_t op,
		      const uint8_t sha[ETH_ALEN], uint32_t sip, const uint8_t tha[ETH_ALEN],
		      uint32_t tip)
{
	struct arphdr a = {
		.ar_hrd = htons(ARPHRD_ETHER),
		.ar_pro = htons(ETH_P_IP),
		.ar_hln = 6,
		.ar_pln = 4,
		.ar_op = htons(op),
		.ar_sip = sip,
		.ar_tip = tip,
	};

	memcpy(a.ar_sha, sha, ETH_ALEN);
	memcpy(a.ar_tha, tha, ETH_ALEN);
	return fake_build_eth(buf, eth_dst, sha, ETH_P_ARP, &a, sizeof(a));
}

const uint8_t fake_our_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8_t fake_peer_mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
const uint8_t fake_bcast_mac[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct net_device *fake_net_init_eth(uint32_t *our_ip, uint32_t *peer_ip)
{
	net_init();
	*our_ip = inet_addr("10.0.2.15");
	*peer_ip = inet_addr("10.0.2.2");
	return fake_eth_create_up("eth%d", fake_our_mac, *our_ip, inet_addr("255.255.255.0"));
}

void fake_eth_learn_peer(struct net_device *dev, uint32_t our_ip, uint32_t peer_ip)
{
	uint8_t frame[64];

	fake_eth_inject(dev, frame,
			fake_build_arp(frame, fake_our_mac, ARPOP_REPLY, fake_peer_mac, peer_ip,
				       fake_our_mac, our_ip));
}
