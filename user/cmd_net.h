/*
 * Network listings that other command groups reuse (the TCP group's
 * `netstat -i` and `netstat -s`).
 */
#ifndef USER_CMD_NET_H
#define USER_CMD_NET_H

#include "net/netctl.h"

/* The `netstat -i` table: per interface MTU, RX/TX ok/err/drop, flags. */
void net_show_interfaces_counters(void);
/* The IP, ICMP, UDP and ARP counters of mib, one "name value" line each (`netstat -s`). */
void net_show_protocol_counters(const struct netctl_mib *mib);

#endif
