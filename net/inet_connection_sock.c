/*
 * Connection-oriented socket support: listening (the SYN and accept
 * queues), accept, the hand-over of a request sock to its child, and the
 * final destruction of a sock.
 */
#include "net/gdb_visible.h"
#include "net/platform.h"
#include "net/tcp_priv.h"

int inet_csk_listen_start(struct sock *sk, int backlog)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int err;

	sk->sk_max_ack_backlog = backlog;
	if (!sk->sk_bound) {
		err = inet_csk_get_port(sk, 0); /* listen without bind: any port */
		if (err < 0)
			return err;
	} else if (inet_listen_conflict(sk)) {
		return -EADDRINUSE; /* SO_REUSEADDR does not share a listening port */
	}
	tp->accept_queue.syn_qlen = 0;
	tp->accept_queue.accept_qlen = 0;
	tcp_set_state(sk, TCP_LISTEN);
	inet_hash(sk);
	return 0;
}

/*
 * The listener closes: pending requests are dropped and children nobody
 * accepted are reset (as Linux does).
 */
void inet_csk_listen_stop(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	while (!list_empty(&tp->accept_queue.syn_queue))
		inet_csk_reqsk_queue_drop(sk, list_first_entry(&tp->accept_queue.syn_queue,
							       struct request_sock, node));
	while (!list_empty(&tp->accept_queue.accept_queue)) {
		struct tcp_sock *ctp = list_first_entry(&tp->accept_queue.accept_queue,
							struct tcp_sock, accept_node);
		struct sock *child = &ctp->sk;

		list_del(&ctp->accept_node);
		tp->accept_queue.accept_qlen--;
		tcp_disconnect_reset(child, 0);
		tcp_close(child);
	}
}

/* The handshake of req is complete: child replaces it, on the accept queue. */
struct sock *inet_csk_complete_hashdance(struct sock *listener, struct sock *child,
					 struct request_sock *req)
{
	struct tcp_sock *ltp = tcp_sk(listener);

	inet_csk_reqsk_queue_drop(listener, req);
	list_add_tail(&tcp_sk(child)->accept_node, &ltp->accept_queue.accept_queue);
	ltp->accept_queue.accept_qlen++;
	return child;
}

static int accept_ready(void *arg)
{
	struct sock *sk = arg;

	return !list_empty(&tcp_sk(sk)->accept_queue.accept_queue) || sk->sk_state != TCP_LISTEN;
}

/* Sleeps until a connection is ready: 0, -EAGAIN (timeout), -EINTR, -EINVAL. */
__gdb_visible int inet_csk_wait_for_connect(struct sock *sk, long timeo)
{
	int ret;

	sock_hold(sk);
	ret = net_wait(&sk->sk_wq, accept_ready, sk, timeo);
	if (ret > 0 && sk->sk_state != TCP_LISTEN)
		ret = -EINVAL;
	else if (ret == 0)
		ret = -EAGAIN;
	else if (ret > 0)
		ret = 0;
	sock_put(sk);
	return ret;
}

__gdb_visible struct sock *inet_csk_accept(struct sock *sk, int nonblock, int *err)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_sock *ctp;

	if (sk->sk_state != TCP_LISTEN) {
		*err = -EINVAL;
		return NULL;
	}
	if (list_empty(&tp->accept_queue.accept_queue)) {
		if (nonblock) {
			*err = -EAGAIN;
			return NULL;
		}
		*err = inet_csk_wait_for_connect(sk, sk->sk_rcvtimeo);
		if (*err)
			return NULL;
	}
	ctp = list_first_entry(&tp->accept_queue.accept_queue, struct tcp_sock, accept_node);
	list_del(&ctp->accept_node);
	tp->accept_queue.accept_qlen--;
	*err = 0;
	return &ctp->sk;
}

/* The connection has ended and the user let go: free everything. */
void inet_csk_destroy_sock(struct sock *sk)
{
	if (sock_flag(sk, SOCK_DESTROYED))
		return;
	sock_set_flag(sk, SOCK_DESTROYED);
	tcp_clear_xmit_timers(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_write_queue);
	skb_queue_purge(&tcp_sk(sk)->out_of_order_queue);
	sk->sk_rmem_queued = 0;
	sk->sk_wmem_queued = 0;
	inet_unhash(sk);
	inet_put_port(sk);
	sock_put(sk);
}
