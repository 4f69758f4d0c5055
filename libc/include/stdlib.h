/*
 * Number conversion, sorting and the heap.  malloc sits on the kernel's
 * kmalloc; each block carries a small header with its size, for realloc.
 * There is no exit(): a unikernel task returns from its function instead.
 */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
int atoi(const char *s);
long atol(const char *s);
int abs(int x);
long labs(long x);

void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

void qsort(void *base, size_t nmemb, size_t size, int (*cmp)(const void *, const void *));

#endif
