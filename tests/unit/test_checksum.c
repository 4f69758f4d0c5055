/*
 * The Internet checksum (net/checksum.c): csum_partial_copy_nocheck copies
 * exactly what it is given and sums it as csum_partial does, for every
 * length and alignment of source and destination; csum_add's end-around
 * carry; and known values (RFC 1071 section 3's example).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/checksum.h"

#define MAXLEN 300
#define GUARD  0xA5

static uint8_t src[MAXLEN + 16], dst[MAXLEN + 32];

static void test_copy_sums_and_copies_every_length_and_alignment(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 131 + 17);
	for (int so = 0; so < 8; so++)
		for (int d_off = 0; d_off < 8; d_off++)
			for (int len = 0; len <= MAXLEN; len++) {
				uint32_t sum;

				memset(dst, GUARD, sizeof(dst));
				sum = csum_partial_copy_nocheck(src + so, dst + 8 + d_off, len);
				assert_int_equal(csum_fold(sum),
						 csum_fold(csum_partial(src + so, len, 0)));
				assert_memory_equal(dst + 8 + d_off, src + so, len);
				for (int k = 0; k < 8 + d_off; k++)
					assert_int_equal(dst[k], GUARD);
				for (size_t k = 8 + d_off + len; k < sizeof(dst); k++)
					assert_int_equal(dst[k], GUARD);
			}
}

/* All ones: the 64-bit accumulator's carries must all come back in. */
static void test_copy_of_all_ones_keeps_every_carry(void **state)
{
	(void)state;
	memset(src, 0xff, sizeof(src));
	for (int len = 0; len <= MAXLEN; len++)
		assert_int_equal(csum_fold(csum_partial_copy_nocheck(src, dst, len)),
				 csum_fold(csum_partial(src, len, 0)));
}

/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (as bytes in memory: f2dd). */
static void test_rfc1071_example(void **state)
{
	static const uint8_t ex[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint8_t out[8];

	(void)state;
	assert_int_equal((uint16_t)~csum_fold(csum_partial_copy_nocheck(ex, out, 8)),
			 (uint16_t)~csum_fold(csum_partial(ex, 8, 0)));
	assert_memory_equal(out, ex, 8);
	assert_int_equal(csum_fold(csum_partial(ex, 8, 0)), (uint16_t)~0xf2dd);
}

static void test_add_wraps_the_carry_around(void **state)
{
	(void)state;
	assert_int_equal(csum_add(0xffffffffu, 1), 1);
	assert_int_equal(csum_add(0x80000000u, 0x80000000u), 1);
	assert_int_equal(csum_add(0x1234, 0x4321), 0x5555);
	assert_int_equal(
		csum_fold(csum_add(csum_partial(src, 100, 0), csum_partial(src + 100, 60, 0))),
		csum_fold(csum_partial(src, 160, 0)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_sums_and_copies_every_length_and_alignment),
		cmocka_unit_test(test_copy_of_all_ones_keeps_every_carry),
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_add_wraps_the_carry_around),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
