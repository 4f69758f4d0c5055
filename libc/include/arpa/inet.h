/*
 * Text <-> binary IPv4 addresses.  inet_pton/inet_ntop accept only AF_INET
 * (anything else fails with EAFNOSUPPORT).  inet_ntoa returns a static
 * buffer, as POSIX allows.
 */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

#define INET_ADDRSTRLEN 16

in_addr_t inet_addr(const char *cp);
int inet_aton(const char *cp, struct in_addr *inp);
char *inet_ntoa(struct in_addr in);
int inet_pton(int af, const char *restrict src, void *restrict dst);
const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size);

#endif
