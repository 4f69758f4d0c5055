/* TCP socket options (level IPPROTO_TCP), with Linux's numbers. */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#define TCP_NODELAY   1 /* send small segments at once (no Nagle, RFC 896) */
#define TCP_MAXSEG    2 /* maximum segment size */
#define TCP_KEEPIDLE  4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT   6

#endif
