/* The capturing UDP receiver of platform_test.h. */
#include <string.h>

#include "net/skbuff.h"
#include "net/udp.h"
#include "tests/unit/support/platform_test.h"

struct fake_udp_got fake_udp_got;

void fake_udp_sink(void *ctx, struct sk_buff *skb)
{
	(void)ctx;
	fake_udp_got.count++;
	fake_udp_got.len = skb->len;
	memcpy(fake_udp_got.data, skb->data,
	       skb->len < sizeof(fake_udp_got.data) ? skb->len : sizeof(fake_udp_got.data));
	udp_skb_source(skb, &fake_udp_got.saddr, &fake_udp_got.sport);
	kfree_skb(skb);
}
