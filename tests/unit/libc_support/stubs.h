/*
 * Shared by the test_libc_*.c host tests: they run the freestanding libc
 * (every libc/ source compiled with each symbol renamed k_*) against the
 * host's glibc.  This declares the libc under test and the state of the
 * stubs of libc/sys.h in stubs.c, through which each test sees and steers
 * what libc does with sys_console_write, sys_heap_alloc, sys_socket, ...
 */
#ifndef TESTS_UNIT_LIBC_SUPPORT_STUBS_H
#define TESTS_UNIT_LIBC_SUPPORT_STUBS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>

/* ---- the libc under test ---- */

int k_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int k_sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int k_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int k_puts(const char *s);
int k_putchar(int c);

long k_strtol(const char *s, char **end, int base);
unsigned long k_strtoul(const char *s, char **end, int base);
long long k_strtoll(const char *s, char **end, int base);
unsigned long long k_strtoull(const char *s, char **end, int base);
int k_atoi(const char *s);
long k_atol(const char *s);
int k_abs(int x);
long k_labs(long x);
void k_qsort(void *base, size_t nmemb, size_t size, int (*cmp)(const void *, const void *));
void *k_malloc(size_t size);
void *k_calloc(size_t nmemb, size_t size);
void *k_realloc(void *p, size_t size);
void k_free(void *p);

void *k_memcpy(void *dst, const void *src, size_t n);
void *k_memmove(void *dst, const void *src, size_t n);
void *k_memset(void *s, int c, size_t n);
int k_memcmp(const void *a, const void *b, size_t n);
void *k_memchr(const void *s, int c, size_t n);
size_t k_strlen(const char *s);
size_t k_strnlen(const char *s, size_t n);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, size_t n);
char *k_strcpy(char *dst, const char *src);
char *k_strncpy(char *dst, const char *src, size_t n);
char *k_strcat(char *dst, const char *src);
char *k_strncat(char *dst, const char *src, size_t n);
char *k_strchr(const char *s, int c);
char *k_strrchr(const char *s, int c);
char *k_strstr(const char *h, const char *n);
char *k_strdup(const char *s);
char *k_strndup(const char *s, size_t n);
char *k_strtok_r(char *s, const char *delim, char **save);
size_t k_strspn(const char *s, const char *accept);
size_t k_strcspn(const char *s, const char *reject);
int k_strcasecmp(const char *a, const char *b);
int k_strncasecmp(const char *a, const char *b, size_t n);
char *k_strerror(int e);
void k_bzero(void *s, size_t n);

int k_isalpha(int c), k_isdigit(int c), k_isalnum(int c), k_isspace(int c), k_isupper(int c),
	k_islower(int c), k_isxdigit(int c), k_isprint(int c), k_ispunct(int c), k_iscntrl(int c),
	k_isgraph(int c), k_isblank(int c), k_toupper(int c), k_tolower(int c);

in_addr_t k_inet_addr(const char *cp);
int k_inet_aton(const char *cp, struct in_addr *inp);
char *k_inet_ntoa(struct in_addr in);
int k_inet_pton(int af, const char *src, void *dst);
const char *k_inet_ntop(int af, const void *src, char *dst, socklen_t size);

int k_socket(int domain, int type, int protocol);
int k_bind(int fd, const struct sockaddr *addr, socklen_t len);
int k_listen(int fd, int backlog);
int k_accept(int fd, struct sockaddr *addr, socklen_t *len);
int k_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int k_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t k_send(int fd, const void *buf, size_t len, int flags);
ssize_t k_recv(int fd, void *buf, size_t len, int flags);
ssize_t k_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
		 socklen_t alen);
ssize_t k_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
		   socklen_t *alen);
int k_shutdown(int fd, int how);
int k_close(int fd);
int k_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int k_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int k_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int k_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int k_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int k_fcntl(int fd, int cmd, ...);
unsigned int k_sleep(unsigned int s);
int k_usleep(unsigned long us);

/* ---- state of the libc/sys.h stubs (stubs.c), cleared by reset() ---- */

extern int k_errno; /* what k___errno_location points at */

extern char console[8192]; /* everything written through console_write */
extern size_t console_len;
extern int console_calls;

extern int kmalloc_live; /* sys_heap_alloc blocks not yet freed */
extern size_t kmalloc_last_size;
extern int kmalloc_fail; /* the next sys_heap_alloc returns NULL */

extern unsigned long slept_ms;
extern int sleep_ret;	       /* what sys_msleep returns */
extern uint64_t sleep_advance; /* how far the fake clock moves during a sleep */

/* Every socket call stub (sys_socket, ...) records its name and arguments and returns sys_ret. */
extern const char *sys_called;
extern long sys_args[6];
extern long sys_ret;

/* cmocka setup and teardown for every libc test. */
int reset(void **state);
int no_leaks(void **state);

#endif /* TESTS_UNIT_LIBC_SUPPORT_STUBS_H */
