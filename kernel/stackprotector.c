/*
 * The canary of -fstack-protector-strong.  With -mstack-protector-guard=global
 * GCC keeps it in __stack_chk_guard: each protected function stores it
 * below its saved frame on entry and calls __stack_chk_fail if it has
 * changed on return, that is if a buffer on the stack was overrun.
 */
#include <stdint.h>
#include "kernel/kernel.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/trap.h"

/* Not zero before stack_protector_init: a fixed value is still a canary. */
uintptr_t __stack_chk_guard = 0x2b992ddfa23249d6ULL;

/* Runs first in kmain; it must not be protected itself, since the canary
 * changes under its frame. */
__attribute__((no_stack_protector)) void stack_protector_init(void)
{
	uintptr_t v;

	get_random_bytes(&v, sizeof(v));
	/* A zero low byte stops a string overflow from copying the canary (as glibc does). */
	__stack_chk_guard = v & ~(uintptr_t)0xff;
}

void __attribute__((noreturn)) __stack_chk_fail(void)
{
	uint64_t off;
	uintptr_t ret = (uintptr_t)__builtin_return_address(0);
	const char *fn = ksym_lookup(ret, &off);

	panic("stack smashing detected: a buffer on the stack of %s was overrun (its canary changed)",
	      fn ? fn : "?");
}
