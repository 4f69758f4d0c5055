/* struct sock allocation, reference counting, wakeups and the sock counter. */
#include "net/platform.h"
#include "net/sock.h"

LIST_HEAD(sock_all_list);
wait_queue_head_t sock_poll_wq = {LIST_HEAD_INIT(sock_poll_wq.waiters)};
static long socks_in_use;

long sock_in_use(void) { return socks_in_use; }

void sock_count_inc(void) { socks_in_use++; }

void sock_count_dec(void) { socks_in_use--; }

struct sock *sk_alloc(int family, int type, int protocol, size_t size)
{
	struct sock *sk;

	if (size < sizeof(*sk))
		return NULL;
	sk = kzalloc(size);
	if (!sk)
		return NULL;
	sk->sk_family = family;
	sk->sk_type = type;
	sk->sk_protocol = protocol;
	sk->sk_refcnt = 1;
	sk->sk_rcvtimeo = -1;
	sk->sk_sndtimeo = -1;
	INIT_LIST_HEAD(&sk->sk_node);
	INIT_LIST_HEAD(&sk->sk_bind_node);
	init_waitqueue_head(&sk->sk_wq);
	skb_queue_head_init(&sk->sk_receive_queue);
	skb_queue_head_init(&sk->sk_write_queue);
	list_add_tail(&sk->sk_all_node, &sock_all_list);
	sock_count_inc();
	return sk;
}

void sock_put(struct sock *sk)
{
	if (--sk->sk_refcnt > 0)
		return;
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_write_queue);
	list_del(&sk->sk_all_node);
	kfree(sk);
	sock_count_dec();
}

void sk_wake(struct sock *sk)
{
	wake_up(&sk->sk_wq);
	wake_up(&sock_poll_wq);
}

int sock_error(struct sock *sk)
{
	int err = sk->sk_err;

	sk->sk_err = 0;
	return -err;
}
