/*
 * The TCP states (RFC 9293 3.3.2), numbered as Linux numbers them
 * (include/net/tcp_states.h), so that a value read in gdb means the same
 * thing as on Linux; as a named type, gdb prints sk->sk_state by name.
 * UDP socks use TCP_CLOSE and, once connected, TCP_ESTABLISHED (as Linux).
 */
#ifndef NET_TCP_STATES_H
#define NET_TCP_STATES_H

enum tcp_state {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
};

#endif
