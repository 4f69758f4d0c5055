/*
 * The AF_INET socket calls that are not TCP-specific in Linux: bind,
 * listen, connect (inet_stream_connect) and getsockname/getpeername.
 */
#include "net/platform.h"
#include "net/tcp.h"
#include "net/ip.h"

#define INET_MAX_BACKLOG 1024

int inet_bind(struct sock *sk, const struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;
	uint32_t addr;
	int err;

	if (addr_len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	addr = sin->sin_addr.s_addr;
	if (addr != htonl(INADDR_ANY) && !ip_is_local_addr(addr))
		return -EADDRNOTAVAIL;
	if (sk->sk_state != TCP_CLOSE || sk->sk_bound)
		return -EINVAL;
	sk->sk_rcv_saddr = addr;
	err = inet_csk_get_port(sk, ntohs(sin->sin_port));
	if (err < 0) {
		sk->sk_rcv_saddr = 0;
		return err;
	}
	sk->sk_userlocks = 1;
	return 0;
}

int inet_listen(struct sock *sk, int backlog)
{
	if (sk->sk_type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (backlog <= 0)
		backlog = 1;
	if (backlog > INET_MAX_BACKLOG)
		backlog = INET_MAX_BACKLOG;
	if (sk->sk_state == TCP_LISTEN) {
		sk->sk_max_ack_backlog = backlog;
		return 0;
	}
	if (sk->sk_state != TCP_CLOSE || sk->sk_shutdown)
		return -EINVAL;
	return inet_csk_listen_start(sk, backlog);
}

static int connect_done(void *arg)
{
	struct sock *sk = arg;

	return sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV;
}

__attribute__((noinline)) int inet_stream_connect(struct sock *sk, const struct sockaddr *uaddr,
						  int addr_len, int nonblock)
{
	int err;

	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	switch (sk->sk_state) {
	case TCP_CLOSE:
		if (sk->sk_shutdown)
			return -EINVAL; /* a used socket is not reopened */
		err = tcp_v4_connect(sk, uaddr, addr_len);
		if (err < 0)
			return err;
		break;
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		if (nonblock)
			return -EALREADY;
		break;
	case TCP_LISTEN:
		return -EINVAL;
	default:
		return -EISCONN;
	}
	if (nonblock)
		return -EINPROGRESS;

	sock_hold(sk);
	err = net_wait(&sk->sk_wq, connect_done, sk, sk->sk_sndtimeo);
	if (err == 0)
		err = -EINPROGRESS; /* SO_SNDTIMEO ran out: still connecting (Linux) */
	else if (err > 0)
		err = sk->sk_state == TCP_CLOSE ? (sock_error(sk) ?: -ECONNABORTED) : 0;
	sock_put(sk);
	return err;
}

int inet_getname(struct sock *sk, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (peer) {
		if (!sk->sk_dport || sk->sk_state == TCP_LISTEN || sk->sk_state == TCP_SYN_SENT)
			return -ENOTCONN;
		sin->sin_addr.s_addr = sk->sk_daddr;
		sin->sin_port = sk->sk_dport;
	} else {
		sin->sin_addr.s_addr = sk->sk_rcv_saddr;
		sin->sin_port = htons(sk->sk_num);
	}
	return sizeof(*sin);
}
