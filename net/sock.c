/*
 * struct sock allocation, reference counting, wakeups and the sock
 * counter, and the socket options and stubs all protocols share.
 */
#include <sys/time.h>
#include "net/platform.h"
#include "net/sock.h"
#include "net/socket.h"
#include "net/tcp.h" /* TCP_LISTEN, for SO_ACCEPTCONN */

#define SOCK_MIN_BUF 2048 /* SO_RCVBUF/SO_SNDBUF bounds */
#define SOCK_MAX_BUF (4 * 1024 * 1024)

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

static long timeval_to_ms(const struct timeval *tv)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EDOM;
	if (tv->tv_sec == 0 && tv->tv_usec == 0)
		return -1; /* zero: wait forever (as Linux) */
	return tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
}

int sock_setsockopt(struct socket *sock, int optname, const void *optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct timeval tv;
	long ms;
	int val;

	if (optname == SO_RCVTIMEO || optname == SO_SNDTIMEO) {
		if (optlen < sizeof(tv))
			return -EINVAL;
		memcpy(&tv, optval, sizeof(tv));
		ms = timeval_to_ms(&tv);
		if (ms == -EDOM)
			return -EDOM;
		if (optname == SO_RCVTIMEO)
			sk->sk_rcvtimeo = ms;
		else
			sk->sk_sndtimeo = ms;
		return 0;
	}
	if (optlen < sizeof(int))
		return -EINVAL;
	memcpy(&val, optval, sizeof(int));
	switch (optname) {
	case SO_REUSEADDR:
		sk->sk_reuse = !!val;
		return 0;
	case SO_KEEPALIVE:
		if (val)
			sock_set_flag(sk, SOCK_KEEPOPEN);
		else
			sock_reset_flag(sk, SOCK_KEEPOPEN);
		return 0;
	case SO_RCVBUF:
	case SO_SNDBUF:
		if (val < SOCK_MIN_BUF)
			val = SOCK_MIN_BUF;
		if (val > SOCK_MAX_BUF)
			val = SOCK_MAX_BUF;
		if (optname == SO_RCVBUF)
			sk->sk_rcvbuf = (unsigned int)val;
		else
			sk->sk_sndbuf = (unsigned int)val;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

int sock_getsockopt(struct socket *sock, int optname, void *optval, unsigned int *optlen)
{
	struct sock *sk = sock->sk;
	int val;

	if (optname == SO_RCVTIMEO || optname == SO_SNDTIMEO) {
		struct timeval tv = {0, 0};
		long ms = optname == SO_RCVTIMEO ? sk->sk_rcvtimeo : sk->sk_sndtimeo;

		if (*optlen < sizeof(tv))
			return -EINVAL;
		if (ms > 0) {
			tv.tv_sec = ms / 1000;
			tv.tv_usec = (ms % 1000) * 1000;
		}
		memcpy(optval, &tv, sizeof(tv));
		*optlen = sizeof(tv);
		return 0;
	}
	if (*optlen < sizeof(int))
		return -EINVAL;
	switch (optname) {
	case SO_REUSEADDR:
		val = sk->sk_reuse;
		break;
	case SO_ERROR:
		val = -sock_error(sk);
		break;
	case SO_TYPE:
		val = sock->type;
		break;
	case SO_ACCEPTCONN:
		val = sk->sk_state == TCP_LISTEN;
		break;
	case SO_KEEPALIVE:
		val = sock_flag(sk, SOCK_KEEPOPEN);
		break;
	case SO_RCVBUF:
		val = (int)sk->sk_rcvbuf;
		break;
	case SO_SNDBUF:
		val = (int)sk->sk_sndbuf;
		break;
	default:
		return -ENOPROTOOPT;
	}
	memcpy(optval, &val, sizeof(int));
	*optlen = sizeof(int);
	return 0;
}

int sock_no_accept(struct socket *sock, struct socket *newsock, int flags)
{
	(void)sock;
	(void)newsock;
	(void)flags;
	return -EOPNOTSUPP;
}

int sock_no_listen(struct socket *sock, int backlog)
{
	(void)sock;
	(void)backlog;
	return -EOPNOTSUPP;
}
