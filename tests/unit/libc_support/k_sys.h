/*
 * libc/sys.h with every name renamed k_*, as the libc under test calls it,
 * so that the compiler checks each stub in stubs.c against the header.
 */
#ifndef TESTS_UNIT_LIBC_SUPPORT_K_SYS_H
#define TESTS_UNIT_LIBC_SUPPORT_K_SYS_H

#define sys_console_write k_sys_console_write
#define sys_heap_alloc	  k_sys_heap_alloc
#define sys_heap_free	  k_sys_heap_free
#define sys_uptime_ms	  k_sys_uptime_ms
#define sys_msleep	  k_sys_msleep
#define __errno_location  k___errno_location
#define sys_socket	  k_sys_socket
#define sys_bind	  k_sys_bind
#define sys_listen	  k_sys_listen
#define sys_accept4	  k_sys_accept4
#define sys_connect	  k_sys_connect
#define sys_sendto	  k_sys_sendto
#define sys_recvfrom	  k_sys_recvfrom
#define sys_shutdown	  k_sys_shutdown
#define sys_close	  k_sys_close
#define sys_setsockopt	  k_sys_setsockopt
#define sys_getsockopt	  k_sys_getsockopt
#define sys_getsockname	  k_sys_getsockname
#define sys_getpeername	  k_sys_getpeername
#define sys_poll	  k_sys_poll
#define sys_fcntl	  k_sys_fcntl
#include "libc/sys.h"
#undef __errno_location

#endif
