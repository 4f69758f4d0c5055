/*
 * Network listings that other command groups reuse (the TCP group's
 * `netstat -i` and `netstat -s`).  Each takes net_lock itself to copy the
 * counters, then prints outside it.
 */
#ifndef USER_CMD_NET_H
#define USER_CMD_NET_H

/* The `netstat -i` table: per interface MTU, RX/TX ok/err/drop, flags. */
void net_show_interfaces_counters(void);
/* IP, ICMP, UDP and ARP counters, one "name value" line each (`netstat -s`). */
void net_show_protocol_counters(void);

#endif
