/*
 * AF_INET's socket operations (af_inet.c), as Linux's inet_common.h:
 * inet_stream_ops for TCP, inet_dgram_ops for UDP, and inet_create, which
 * gives a new socket its sock and its table.
 */
#ifndef NET_INET_COMMON_H
#define NET_INET_COMMON_H

#include "net/socket.h"

extern const struct proto_ops inet_stream_ops;
extern const struct proto_ops inet_dgram_ops;

/* sock->type set: creates the sock and sets sock->ops.  0 or -errno. */
int inet_create(struct socket *sock, int protocol);

#endif
