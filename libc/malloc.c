/*
 * The C heap on top of the kernel's heap blocks (libc/sys.h).  Each block starts with a header holding
 * the size the caller asked for, which realloc needs to copy the old
 * contents; the header is 16 bytes so the caller's pointer keeps the
 * 16-byte alignment that malloc promises on x86_64.
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include "libc/sys.h"

struct malloc_header {
	size_t size;
	size_t pad; /* keeps the payload 16-byte aligned */
};

_Static_assert(sizeof(struct malloc_header) == 16, "header must keep 16-byte alignment");

void *malloc(size_t size)
{
	struct malloc_header *h;

	if (size > SIZE_MAX - sizeof(*h)) {
		errno = ENOMEM;
		return NULL;
	}
	h = sys_heap_alloc(sizeof(*h) + size);
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->size = size;
	return h + 1;
}

void free(void *p)
{
	if (p)
		sys_heap_free((struct malloc_header *)p - 1);
}

void *calloc(size_t nmemb, size_t size)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(total);
	if (p)
		memset(p, 0, total);
	return p;
}

/* realloc(p, 0) frees p and returns NULL, as glibc does. */
void *realloc(void *p, size_t size)
{
	size_t old;
	void *q;

	if (!p)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	old = ((struct malloc_header *)p - 1)->size;
	q = malloc(size);
	if (!q)
		return NULL; /* p is left untouched, as ISO C requires */
	memcpy(q, p, old < size ? old : size);
	free(p);
	return q;
}
