/*
 * sk_buff: allocation, reference counting, shared data (skb_clone), the
 * head/data/tail/end arithmetic and packet queues.  The data buffer is
 * separate from the struct so that a driver's receive buffer can be handed
 * up as it is (build_skb); whoever set skb->destructor owns that buffer.
 */
#include "net/skbuff.h"
#include "net/platform.h"
#include "net/checksum.h"

static struct skb_stats skb_stats;

void skb_get_stats(struct skb_stats *st) { *st = skb_stats; }

/* Frees the data buffer of a build_skb skb whose owner set no destructor. */
static void skb_free_head(struct sk_buff *skb) { kfree(skb->head); }

static struct sk_buff *skb_wrap(void *buf, unsigned int size)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb));

	if (!skb) {
		skb_stats.alloc_fails++;
		return NULL;
	}
	INIT_LIST_HEAD(&skb->list);
	skb->head = skb->data = skb->tail = buf;
	skb->end = skb->head + size;
	skb->users = 1;
	skb_stats.allocs++;
	return skb;
}

struct sk_buff *build_skb(void *buf, unsigned int size)
{
	struct sk_buff *skb = skb_wrap(buf, size);

	if (skb)
		skb->destructor = skb_free_head;
	return skb;
}

/* A buffer of size bytes with its shared info behind (one user). */
static void *skb_alloc_head(unsigned int size)
{
	unsigned int room = ((size + 7) & ~7u) + sizeof(struct skb_shared_info);
	unsigned char *buf = kmalloc(room);

	if (buf)
		((struct skb_shared_info *)(buf + room - sizeof(struct skb_shared_info)))->dataref =
			1;
	return buf;
}

struct sk_buff *alloc_skb(unsigned int size)
{
	void *buf = skb_alloc_head(size);
	struct sk_buff *skb;

	if (!buf) {
		skb_stats.alloc_fails++;
		return NULL;
	}
	skb = skb_wrap(buf, size);
	if (!skb)
		kfree(buf);
	return skb;
}

/* Drops skb's share of its data buffer: a driver's goes back through the
 * destructor, an alloc_skb one is freed by its last user. */
static void skb_release_data(struct sk_buff *skb)
{
	if (skb->destructor)
		skb->destructor(skb);
	else if (--skb_shinfo(skb)->dataref == 0)
		kfree(skb->head);
}

void kfree_skb(struct sk_buff *skb)
{
	if (!skb)
		return;
	BUG_ON(skb->users <= 0);
	if (--skb->users > 0)
		return;
	/* Freeing a queued buffer would leave the queue pointing at it. */
	BUG_ON(!list_empty(&skb->list));
	skb_release_data(skb);
	skb_stats.frees++;
	kfree(skb);
}

struct sk_buff *skb_get(struct sk_buff *skb)
{
	skb->users++;
	return skb;
}

/* Everything but the buffer, the queue links and the reference count. */
static void skb_copy_header(struct sk_buff *n, const struct sk_buff *skb)
{
	n->len = skb->len;
	n->mac_header = skb->mac_header;
	n->network_header = skb->network_header;
	n->transport_header = skb->transport_header;
	n->protocol = skb->protocol;
	n->dev = skb->dev;
	n->pkt_type = skb->pkt_type;
	n->ip_summed = skb->ip_summed;
	n->csum_start = skb->csum_start;
	n->csum_offset = skb->csum_offset;
	n->gso_size = skb->gso_size;
	n->gso_segs = skb->gso_segs;
	n->gso_type = skb->gso_type;
	memcpy(n->cb, skb->cb, sizeof(n->cb));
}

struct sk_buff *skb_copy(const struct sk_buff *skb)
{
	unsigned int size = skb->end - skb->head;
	struct sk_buff *n = alloc_skb(size);

	if (!n)
		return NULL;
	memcpy(n->head, skb->head, size);
	n->data = n->head + (skb->data - skb->head);
	n->tail = n->head + (skb->tail - skb->head);
	skb_copy_header(n, skb);
	return n;
}

struct sk_buff *skb_clone(struct sk_buff *skb)
{
	struct sk_buff *n;

	if (skb->destructor)
		return skb_copy(skb); /* a driver's buffer goes back to the driver */
	n = skb_wrap(skb->head, skb->end - skb->head);
	if (!n)
		return NULL;
	n->data = skb->data;
	n->tail = skb->tail;
	skb_copy_header(n, skb);
	skb_shinfo(skb)->dataref++;
	skb->cloned = n->cloned = 1;
	return n;
}

int pskb_expand_head(struct sk_buff *skb, unsigned int nhead, unsigned int ntail)
{
	unsigned int size = skb->end - skb->head;
	unsigned char *buf = skb_alloc_head(nhead + size + ntail);

	if (!buf) {
		skb_stats.alloc_fails++;
		return -ENOMEM;
	}
	memcpy(buf + nhead, skb->head, size);
	skb_release_data(skb);
	skb->destructor = NULL;
	skb->cloned = 0;
	skb->data = buf + nhead + (skb->data - skb->head);
	skb->tail = buf + nhead + (skb->tail - skb->head);
	skb->head = buf;
	skb->end = buf + nhead + size + ntail;
	skb->mac_header += nhead;
	skb->network_header += nhead;
	skb->transport_header += nhead;
	skb->csum_start += nhead;
	return 0;
}

int skb_checksum_help(struct sk_buff *skb)
{
	unsigned char *start = skb->head + skb->csum_start;
	uint16_t sum;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	if (start < skb->data || start + skb->csum_offset + 2 > skb->tail)
		return -EINVAL;
	/* The field holds the pseudo-header sum, so summing over it adds that
	 * in.  Headers pushed in front of shared data (skb_clone) need not be
	 * 2-byte aligned: the result is stored bytewise. */
	sum = csum_fold(csum_partial(start, skb->tail - start, 0));
	memcpy(start + skb->csum_offset, &sum, sizeof(sum));
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/* Running past either end of the buffer is a bug in the caller, not bad input. */
unsigned char *skb_put(struct sk_buff *skb, unsigned int len)
{
	unsigned char *old = skb->tail;

	BUG_ON(len > skb_tailroom(skb));
	skb->tail += len;
	skb->len += len;
	return old;
}

unsigned char *skb_push(struct sk_buff *skb, unsigned int len)
{
	BUG_ON(len > skb_headroom(skb));
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

unsigned char *skb_pull(struct sk_buff *skb, unsigned int len)
{
	if (len > skb->len)
		return NULL;
	skb->data += len;
	skb->len -= len;
	return skb->data;
}

void skb_reserve(struct sk_buff *skb, unsigned int len)
{
	BUG_ON(skb->len != 0 || len > skb_tailroom(skb));
	skb->data += len;
	skb->tail += len;
}

void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (len >= skb->len)
		return;
	skb->len = len;
	skb->tail = skb->data + len;
}

int skb_put_padto(struct sk_buff *skb, unsigned int len)
{
	unsigned int pad;

	if (skb->len >= len)
		return 0;
	pad = len - skb->len;
	/* the pad lands past tail: in a shared buffer that is a clone's to
	 * write only under the rule in skbuff.h, which TCP's clones keep */
	if (skb_tailroom(skb) < pad && pskb_expand_head(skb, 0, pad - skb_tailroom(skb))) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	memset(skb_put(skb, pad), 0, pad);
	return 0;
}

void skb_queue_head_init(struct sk_buff_head *q)
{
	INIT_LIST_HEAD(&q->list);
	q->qlen = 0;
}

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
	BUG_ON(!list_empty(&skb->list));
	list_add_tail(&skb->list, &q->list);
	q->qlen++;
}

void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb)
{
	BUG_ON(!list_empty(&skb->list));
	list_add(&skb->list, &q->list);
	q->qlen++;
}

struct sk_buff *skb_peek(struct sk_buff_head *q)
{
	if (list_empty(&q->list))
		return NULL;
	return list_first_entry(&q->list, struct sk_buff, list);
}

void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
	list_del(&skb->list);
	q->qlen--;
}

struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
	struct sk_buff *skb = skb_peek(q);

	if (skb)
		skb_unlink(skb, q);
	return skb;
}

void skb_queue_purge(struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(q)))
		kfree_skb(skb);
}
