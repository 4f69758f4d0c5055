/*
 * TCP's user side: creating a sock, the state variable, send and receive
 * (with the blocking rules of the socket calls), close and shutdown
 * (RFC 9293 3.10.4, 3.10.5 "CLOSE call"), poll and options.
 */
#include "net/platform.h"
#include "net/tcp_priv.h"
#include "net/pktstat.h"
#include <poll.h>

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000 /* Linux's value; glibc hides it without _GNU_SOURCE */
#endif

static const char *const tcp_state_names[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",
	[TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

const char *tcp_state_name(int state)
{
	if (state < TCP_ESTABLISHED || state > TCP_CLOSING)
		return "?";
	return tcp_state_names[state];
}

void tcp_init_sock(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	sk->sk_state = TCP_CLOSE;
	sk->sk_rcvbuf = TCP_RCVBUF_DEFAULT;
	tp->rcvbuf_auto = TCP_RCVBUF_DEFAULT;
	sk->sk_sndbuf = TCP_SNDBUF_DEFAULT;
	tp->sndbuf_auto = TCP_SNDBUF_DEFAULT;
	skb_queue_head_init(&tp->out_of_order_queue);
	INIT_LIST_HEAD(&tp->accept_queue.syn_queue);
	INIT_LIST_HEAD(&tp->accept_queue.accept_queue);
	INIT_LIST_HEAD(&tp->accept_node);
	tp->mss_cache = TCP_MSS_DEFAULT;
	tp->advmss = TCP_MSS_DEFAULT;
	tcp_set_rto(sk);
	tcp_init_xmit_timers(sk);
}

struct sock *tcp_create_sock(void)
{
	struct sock *sk = sk_alloc(AF_INET, SOCK_STREAM, IPPROTO_TCP, sizeof(struct tcp_sock));

	if (sk)
		tcp_init_sock(sk);
	return sk;
}

void tcp_set_state(struct sock *sk, enum tcp_state state)
{
	if (state == TCP_CLOSE) {
		inet_unhash(sk);
		inet_put_port(sk);
	}
	/* counted for tcp_max_tw_buckets (tcp_time_wait) */
	if (sk->sk_state == TCP_TIME_WAIT)
		tcp_tw_count--;
	if (state == TCP_TIME_WAIT)
		tcp_tw_count++;
	sk->sk_state = state;
	if (state == TCP_ESTABLISHED) {
		tcp_sk(sk)->rcv_tstamp = jiffies_ms();
		tcp_reset_keepalive_timer(sk);
	}
}

/* The connection is over (RFC 9293 "delete the TCB"). */
void tcp_done(struct sock *sk)
{
	tcp_set_state(sk, TCP_CLOSE);
	tcp_clear_xmit_timers(sk);
	skb_queue_purge(&sk->sk_write_queue);
	sk->sk_wmem_queued = 0;
	skb_queue_purge(&tcp_sk(sk)->out_of_order_queue);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (sock_flag(sk, SOCK_DEAD))
		inet_csk_destroy_sock(sk);
	else
		sk_wake(sk);
}

/* Aborts the connection with a RST (RFC 9293 3.10.5 ABORT call). */
int tcp_disconnect_reset(struct sock *sk, int err)
{
	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_CLOSE_WAIT:
		tcp_send_active_reset(sk);
		break;
	default:
		break;
	}
	if (err)
		sk->sk_err = err;
	tcp_set_state(sk, TCP_CLOSE);
	tcp_clear_xmit_timers(sk);
	skb_queue_purge(&sk->sk_write_queue);
	sk->sk_wmem_queued = 0;
	skb_queue_purge(&tcp_sk(sk)->out_of_order_queue);
	sk->sk_shutdown = SHUTDOWN_MASK;
	sk_wake(sk);
	return 0;
}

/* Payload of the smallest queue skb: with the headroom every queue skb
 * keeps for the headers of its clones (tcp_transmit_skb) and the shared
 * info it fits kmalloc's 2 KiB class. */
#define TCP_SKB_MIN_ALLOC (2048 - MAX_HEADER_LEN - 16)

static int tcp_connecting(const struct sock *sk)
{
	return sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV;
}

/*
 * Linux's sk_stream_is_writeable: a writer that found the send buffer
 * full goes on once a third of it is free again (free >= queued / 2), so
 * that it copies, and the stack sends, large pieces rather than what one
 * ACK freed.
 */
static int tcp_stream_writeable(const struct sock *sk)
{
	return sk->sk_wmem_queued < sk->sk_sndbuf &&
	       sk->sk_sndbuf - sk->sk_wmem_queued >= sk->sk_wmem_queued / 2;
}

static int send_ready(void *arg)
{
	struct sock *sk = arg;

	return sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN) ||
	       (!tcp_connecting(sk) && tcp_stream_writeable(sk)) || sk->sk_state == TCP_CLOSE;
}

/* Appends len bytes to the write queue in skbs of at most the size goal
 * (one MSS, or a GSO packet's worth when the route's device does TSO). */
static int tcp_queue_data(struct sock *sk, const uint8_t *buf, size_t len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t goal = tcp_xmit_size_goal(sk);
	size_t done = 0;

	while (done < len) {
		struct sk_buff *tail =
			skb_queue_len(&sk->sk_write_queue)
				? list_entry(sk->sk_write_queue.list.prev, struct sk_buff, list)
				: NULL;
		size_t n;

		if (!tail || (TCP_SKB_CB(tail)->sacked & TCPCB_EVER_SENT) ||
		    (TCP_SKB_CB(tail)->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)) ||
		    tail->len >= goal || !skb_tailroom(tail)) {
			/* room for small writes that follow, so that they
			 * coalesce (Nagle needs that); a loopback MSS near
			 * 64 KiB is not worth reserving for a few bytes */
			size_t size = len - done;

			if (size < TCP_SKB_MIN_ALLOC)
				size = TCP_SKB_MIN_ALLOC;

			if (size > goal)
				size = goal;
			tail = alloc_skb(MAX_HEADER_LEN + size);
			if (!tail)
				break;
			skb_reserve(tail, MAX_HEADER_LEN);
			TCP_SKB_CB(tail)->seq = TCP_SKB_CB(tail)->end_seq = tp->write_seq;
			TCP_SKB_CB(tail)->tcp_flags = 0;
			TCP_SKB_CB(tail)->sacked = 0;
			skb_queue_tail(&sk->sk_write_queue, tail);
		}
		n = len - done;
		if (n > goal - tail->len)
			n = goal - tail->len;
		if (n > skb_tailroom(tail))
			n = skb_tailroom(tail);
		memcpy(skb_put(tail, (unsigned int)n), buf + done, n);
		TCP_SKB_CB(tail)->end_seq += (uint32_t)n;
		tp->write_seq += (uint32_t)n;
		sk->sk_wmem_queued += (unsigned int)n;
		done += n;
	}
	return (int)done;
}

long tcp_sendmsg(struct sock *sk, const void *buf, size_t len, int nonblock)
{
	size_t copied = 0;
	long err = 0;

	sock_hold(sk);
	while (copied < len) {
		unsigned int space;
		int n;

		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (sk->sk_shutdown & SEND_SHUTDOWN) {
			err = -EPIPE;
			break;
		}
		if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN) {
			err = -EPIPE; /* Linux: sk_stream_wait_connect */
			break;
		}
		space = sk->sk_wmem_queued < sk->sk_sndbuf ? sk->sk_sndbuf - sk->sk_wmem_queued : 0;
		if (tcp_connecting(sk) || !space) {
			int r;

			tcp_push(sk);
			if (nonblock) {
				err = -EAGAIN;
				break;
			}
			r = net_wait(&sk->sk_wq, send_ready, sk, sk->sk_sndtimeo);
			if (r < 0 || r == 0) {
				err = r < 0 ? r : -EAGAIN;
				break;
			}
			continue;
		}
		n = tcp_queue_data(sk, (const uint8_t *)buf + copied,
				   len - copied < space ? len - copied : space);
		if (n <= 0) {
			err = -ENOBUFS;
			break;
		}
		copied += (size_t)n;
		tcp_push(sk);
	}
	sock_put(sk);
	return copied ? (long)copied : err;
}

static int recv_ready(void *arg)
{
	struct sock *sk = arg;

	return skb_queue_len(&sk->sk_receive_queue) || sk->sk_err ||
	       (sk->sk_shutdown & RCV_SHUTDOWN) || sk->sk_state == TCP_CLOSE;
}

/*
 * After the user read data: if the window we could offer has grown by at
 * least two segments or half the buffer past what the peer knows, and to
 * at least twice that (Linux's tcp_cleanup_rbuf), tell the peer now (a
 * window update), so a peer stopped by a small window resumes.  A reader
 * that keeps up, whose window stays wide open, sends no update per read:
 * the ACKs of the data carry the window.
 */
static void tcp_cleanup_rbuf(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t cur = tcp_receive_window(tp);
	uint32_t space = tcp_receive_space(sk);
	uint32_t max = 65535U << tp->rcv_wscale;

	if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_FIN_WAIT1 &&
	    sk->sk_state != TCP_FIN_WAIT2)
		return;
	if (space > max)
		space = max;
	if ((space >= cur + 2u * tp->advmss || space >= cur + sk->sk_rcvbuf / 2) &&
	    space / 2 >= cur)
		tcp_send_ack(sk);
}

long tcp_recvmsg(struct sock *sk, void *buf, size_t len, int nonblock, int peek)
{
	size_t copied = 0;
	long err = 0;

	if (sk->sk_state == TCP_LISTEN)
		return -ENOTCONN;
	sock_hold(sk);
	for (;;) {
		struct sk_buff *skb;
		uint64_t t0 = pktstat_start();
		size_t before = copied;
		int r;

		while (copied < len && (skb = skb_peek(&sk->sk_receive_queue))) {
			size_t n = len - copied < skb->len ? len - copied : skb->len;

			memcpy((uint8_t *)buf + copied, skb->data, n);
			copied += n;
			if (peek)
				break;
			skb_pull(skb, (unsigned int)n);
			sk->sk_rmem_queued -= (unsigned int)n;
			if (!skb->len) {
				skb_unlink(skb, &sk->sk_receive_queue);
				kfree_skb(skb);
			}
		}
		if (copied != before)
			pktstat_end(NETCTL_PKTSTAT_recvmsg_copy, t0, copied - before);
		if (copied || len == 0)
			break;
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (sk->sk_shutdown & RCV_SHUTDOWN)
			break;
		if (sk->sk_state == TCP_CLOSE) {
			err = -ENOTCONN; /* never connected */
			break;
		}
		if (nonblock) {
			err = -EAGAIN;
			break;
		}
		tcp_sk(sk)->reader_waiting = 1;
		r = net_wait(&sk->sk_wq, recv_ready, sk, sk->sk_rcvtimeo);
		tcp_sk(sk)->reader_waiting = 0;
		if (r <= 0) {
			err = r < 0 ? r : -EAGAIN;
			break;
		}
	}
	if (copied && !peek) {
		tcp_rcv_space_adjust(sk, (uint32_t)copied);
		tcp_cleanup_rbuf(sk);
	}
	sock_put(sk);
	return copied ? (long)copied : err;
}

/* Linux's tcp_rcv_rtt_update: a timestamp sample is averaged in (1/8),
 * a window-based one, which can only overestimate, lowers the estimate. */
static void tcp_rcv_rtt_update(struct tcp_sock *tp, uint32_t sample, int win_dep)
{
	if (!sample)
		sample = 1;
	if (!tp->rcv_rtt_ms || (win_dep && sample < tp->rcv_rtt_ms))
		tp->rcv_rtt_ms = sample;
	else if (!win_dep)
		tp->rcv_rtt_ms = (uint32_t)((int32_t)tp->rcv_rtt_ms +
					    ((int32_t)sample - (int32_t)tp->rcv_rtt_ms) / 8);
}

/*
 * The receiver's RTT, which a pure receiver cannot get from its own sends:
 * with timestamps, the age of the TSval the peer echoes; without, the time
 * a window's worth of data takes to arrive (Linux's tcp_rcv_rtt_measure).
 */
void tcp_rcv_rtt_measure(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint64_t now = jiffies_ms();

	if (tp->rx_opt.saw_tstamp && tp->rx_opt.rcv_tsecr) {
		uint32_t rtt = tcp_time_stamp(tp) - tp->rx_opt.rcv_tsecr;

		if ((int32_t)rtt >= 0)
			tcp_rcv_rtt_update(tp, rtt, 0);
		return;
	}
	if (tp->rcv_rtt_time && !before(tp->rcv_nxt, tp->rcv_rtt_seq)) {
		tcp_rcv_rtt_update(tp, (uint32_t)(now - tp->rcv_rtt_time), 1);
		tp->rcv_rtt_time = 0;
	}
	if (!tp->rcv_rtt_time && tp->rcv_wnd) {
		tp->rcv_rtt_seq = tp->rcv_nxt + tp->rcv_wnd;
		tp->rcv_rtt_time = now;
	}
}

/*
 * Receive buffer autotuning (Linux's tcp_rcv_space_adjust): once per
 * receiver RTT, if the application read more than in any RTT before, the
 * buffer becomes twice that plus 16 segments, so that the window we
 * advertise (tcp_select_window) stays ahead of what the sender can put in
 * flight.  Bounded by tcp_rmem_max and by what the window scale agreed in
 * the handshake can express (RFC 7323 2.3); a buffer set with SO_RCVBUF
 * stays as set (as Linux).
 */
void tcp_rcv_space_adjust(struct sock *sk, uint32_t copied)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint64_t now = jiffies_ms();
	uint64_t want, max = 65535ULL << tp->rcv_wscale;

	tp->rcvq_copied += copied;
	if (!tp->rcvq_time) {
		tp->rcvq_time = now;
		return;
	}
	if (!tp->rcv_rtt_ms || now - tp->rcvq_time < tp->rcv_rtt_ms)
		return;
	if (tp->rcvq_copied > tp->rcvq_space) {
		tp->rcvq_space = tp->rcvq_copied;
		want = 2ULL * tp->rcvq_space + 16ULL * tp->advmss;
		if (max > tcp_rmem_max)
			max = tcp_rmem_max;
		if (want > max)
			want = max;
		if (sk->sk_rcvbuf == tp->rcvbuf_auto && want > sk->sk_rcvbuf)
			sk->sk_rcvbuf = tp->rcvbuf_auto = (unsigned int)want;
	}
	tp->rcvq_copied = 0;
	tp->rcvq_time = now;
}

/*
 * The window scale to offer in our SYN (RFC 7323 2.2): one that lets the
 * window follow the buffer as far as autotuning may grow it (tcp_rmem_max,
 * as Linux takes tcp_rmem[2]), so that a fast sender is never held to the
 * initial buffer by the shift fixed at the handshake; a buffer set with
 * SO_RCVBUF does not grow and gets the shift of its size.
 */
uint8_t tcp_rcv_wscale(const struct sock *sk)
{
	uint32_t space = sk->sk_rcvbuf;

	if (sk->sk_rcvbuf == tcp_sk(sk)->rcvbuf_auto && tcp_rmem_max > space)
		space = tcp_rmem_max;
	return tcp_select_rcv_wscale(space);
}

/* The state a CLOSE (or SHUT_WR) moves to; 1 if a FIN must be sent (RFC 9293 3.10.4). */
static int tcp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		tcp_set_state(sk, TCP_FIN_WAIT1);
		return 1;
	case TCP_CLOSE_WAIT:
		tcp_set_state(sk, TCP_LAST_ACK);
		return 1;
	default:
		return 0;
	}
}

void tcp_close(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int unread = sk->sk_rmem_queued;

	sk->sk_shutdown = SHUTDOWN_MASK;
	skb_queue_purge(&sk->sk_receive_queue);
	sk->sk_rmem_queued = 0;

	if (sk->sk_state == TCP_LISTEN) {
		tcp_set_state(sk, TCP_CLOSE);
		inet_csk_listen_stop(sk);
	} else if (sk->sk_state == TCP_SYN_SENT) {
		tcp_set_state(sk, TCP_CLOSE);
	} else if (unread && sk->sk_state != TCP_CLOSE) {
		/* RFC 9293 3.10.4 / RFC 2525 2.17: data would be lost: reset */
		tcp_statistics.abort_on_close++;
		tcp_disconnect_reset(sk, 0);
	} else if (tcp_close_state(sk)) {
		tcp_send_fin(sk);
	}
	sock_set_flag(sk, SOCK_DEAD);
	if (sk->sk_state == TCP_FIN_WAIT2)
		mod_timer(&tp->tw_timer, jiffies_ms() + tcp_fin_timeout_ms);
	/* the user's reference now belongs to the protocol until CLOSE */
	if (sk->sk_state == TCP_CLOSE)
		inet_csk_destroy_sock(sk);
}

int tcp_shutdown(struct sock *sk, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_LISTEN)
		return -ENOTCONN;
	sk->sk_shutdown |= (unsigned int)(how + 1); /* SHUT_RD -> RCV_SHUTDOWN, ... */
	if ((how + 1) & SEND_SHUTDOWN && tcp_close_state(sk))
		tcp_send_fin(sk);
	sk_wake(sk);
	return 0;
}

unsigned int tcp_poll(struct sock *sk)
{
	unsigned int mask = 0;

	if (sk->sk_state == TCP_LISTEN)
		return list_empty(&tcp_sk(sk)->accept_queue.accept_queue) ? 0 : POLLIN | POLLRDNORM;
	if (sk->sk_err)
		mask |= POLLERR;
	if (sk->sk_shutdown == SHUTDOWN_MASK || (sk->sk_state == TCP_CLOSE && sk->sk_shutdown))
		mask |= POLLHUP;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (skb_queue_len(&sk->sk_receive_queue))
		mask |= POLLIN | POLLRDNORM;
	if (!tcp_connecting(sk) && sk->sk_state != TCP_CLOSE) {
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			mask |= POLLOUT | POLLWRNORM; /* a write fails at once */
		else if (sk->sk_wmem_queued < sk->sk_sndbuf)
			mask |= POLLOUT | POLLWRNORM;
	}
	return mask;
}

int tcp_setsockopt(struct sock *sk, int optname, const void *optval, unsigned int optlen)
{
	int val;

	if (optlen < sizeof(int))
		return -EINVAL;
	memcpy(&val, optval, sizeof(int));
	switch (optname) {
	case TCP_NODELAY:
		if (val) {
			sock_set_flag(sk, SOCK_NODELAY);
			tcp_push(sk);
		} else {
			sock_reset_flag(sk, SOCK_NODELAY);
		}
		return 0;
	case TCP_KEEPIDLE:
		if (val < 1 || val > TCP_MAX_KEEPIDLE)
			return -EINVAL;
		tcp_sk(sk)->keepalive_time_ms = (uint32_t)val * 1000;
		tcp_reset_keepalive_timer(sk);
		return 0;
	case TCP_KEEPINTVL:
		if (val < 1 || val > TCP_MAX_KEEPINTVL)
			return -EINVAL;
		tcp_sk(sk)->keepalive_intvl_ms = (uint32_t)val * 1000;
		return 0;
	case TCP_KEEPCNT:
		if (val < 1 || val > TCP_MAX_KEEPCNT)
			return -EINVAL;
		tcp_sk(sk)->keepalive_probes = (uint8_t)val;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

int tcp_getsockopt(struct sock *sk, int optname, void *optval, unsigned int *optlen)
{
	int val;

	if (*optlen < sizeof(int))
		return -EINVAL;
	switch (optname) {
	case TCP_NODELAY:
		val = sock_flag(sk, SOCK_NODELAY);
		break;
	case TCP_MAXSEG:
		val = tcp_sk(sk)->mss_cache;
		break;
	case TCP_KEEPIDLE:
		val = (int)((tcp_sk(sk)->keepalive_time_ms ? tcp_sk(sk)->keepalive_time_ms
							   : tcp_keepalive_time_ms) /
			    1000);
		break;
	case TCP_KEEPINTVL:
		val = (int)((tcp_sk(sk)->keepalive_intvl_ms ? tcp_sk(sk)->keepalive_intvl_ms
							    : tcp_keepalive_intvl_ms) /
			    1000);
		break;
	case TCP_KEEPCNT:
		val = tcp_sk(sk)->keepalive_probes ? tcp_sk(sk)->keepalive_probes
						   : (int)tcp_keepalive_probes;
		break;
	default:
		return -ENOPROTOOPT;
	}
	memcpy(optval, &val, sizeof(int));
	*optlen = sizeof(int);
	return 0;
}

int tcp_get_sock_info(struct tcp_sock_info *out, int max)
{
	struct sock *sk;
	int n = 0;

	net_lock();
	list_for_each_entry (sk, &sock_all_list, sk_all_node) {
		struct tcp_sock *tp = tcp_sk(sk);

		if (sk->sk_protocol != IPPROTO_TCP)
			continue;
		if (n < max) {
			struct tcp_sock_info *i = &out[n];

			i->laddr = sk->sk_rcv_saddr;
			i->raddr = sk->sk_daddr;
			i->lport = sk->sk_num;
			i->rport = ntohs(sk->sk_dport);
			i->state = sk->sk_state;
			/* a listener's Send-Q is its accept queue, as in Linux */
			i->send_q = sk->sk_state == TCP_LISTEN
					    ? (unsigned int)tp->accept_queue.accept_qlen
					    : sk->sk_wmem_queued;
			i->recv_q = sk->sk_rmem_queued;
			i->retrans = tp->total_retrans;
			i->orphan = sock_flag(sk, SOCK_DEAD);
		}
		n++;
	}
	net_unlock();
	return n;
}
