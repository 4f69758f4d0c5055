/*
 * The per-byte primitive and the counters of the receive path's profile:
 * csum_partial (the word-at-a-time sum) against the RFC 1071 reference
 * sum of 16-bit words at every length, alignment and starting sum; and
 * net/pktstat.c's stage counters, which count only while on, account
 * calls, time and bytes, and go back to zero on reset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/checksum.h"
#include "net/netctl.h"
#include "net/pktstat.h"
#include "tests/unit/support/platform_test.h"

/* RFC 1071 4.1, one 16-bit word at a time, as words lie in memory. */
static uint16_t ref_csum(const uint8_t *p, int len, uint32_t sum)
{
	uint64_t acc = sum;

	for (; len >= 2; len -= 2, p += 2)
		acc += (uint16_t)(p[0] | p[1] << 8);
	if (len)
		acc += p[0];
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static void test_csum_partial_matches_reference(void **state)
{
	static const uint32_t sums[] = {0, 1, 0xffff, 0x1234abcd, 0xffffffff};
	uint8_t buf[400];
	int len, off, i;
	size_t k;

	(void)state;
	/* 0xff bytes make the 64-bit accumulator carry as often as it can */
	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i < 200 ? 0xff : (uint8_t)(i * 37 + 11);
	for (k = 0; k < sizeof(sums) / sizeof(sums[0]); k++)
		for (off = 0; off < 8; off++)
			for (len = 0; len <= 300; len++) {
				uint16_t got = csum_fold(csum_partial(buf + off, len, sums[k]));

				assert_int_equal(got, ref_csum(buf + off, len, sums[k]));
			}
	/* chained even-length parts sum as the whole */
	assert_int_equal(csum_fold(csum_partial(buf + 64, 100, csum_partial(buf, 64, 0))),
			 ref_csum(buf, 164, 0));
}

static void test_pktstat_counts_only_when_on(void **state)
{
	struct netctl_pktstat st[NETCTL_PKTSTAT_NR];
	uint64_t t0;
	int i;

	(void)state;
	netctl_pktstat_reset();
	netctl_pktstat_enable(0);
	t0 = pktstat_start();
	assert_int_equal(t0, 0);
	pktstat_end(NETCTL_PKTSTAT_ip_rcv, t0, 100);
	netctl_pktstat_get(st);
	assert_int_equal(st[NETCTL_PKTSTAT_ip_rcv].count, 0);

	netctl_pktstat_enable(1);
	assert_true(netctl_pktstat_enabled());
	fake_ktime_add_ns(1000);
	t0 = pktstat_start();
	fake_ktime_add_ns(250);
	pktstat_end(NETCTL_PKTSTAT_ip_rcv, t0, 1460);
	t0 = pktstat_start();
	fake_ktime_add_ns(50);
	pktstat_end(NETCTL_PKTSTAT_ip_rcv, t0, 40);
	netctl_pktstat_get(st);
	assert_int_equal(st[NETCTL_PKTSTAT_ip_rcv].count, 2);
	assert_int_equal(st[NETCTL_PKTSTAT_ip_rcv].ns, 300);
	assert_int_equal(st[NETCTL_PKTSTAT_ip_rcv].bytes, 1500);
	for (i = 0; i < NETCTL_PKTSTAT_NR; i++)
		if (i != NETCTL_PKTSTAT_ip_rcv)
			assert_int_equal(st[i].count, 0);

	netctl_pktstat_reset();
	netctl_pktstat_get(st);
	for (i = 0; i < NETCTL_PKTSTAT_NR; i++) {
		assert_int_equal(st[i].count, 0);
		assert_int_equal(st[i].ns, 0);
		assert_int_equal(st[i].bytes, 0);
	}
	netctl_pktstat_enable(0);
	assert_false(netctl_pktstat_enabled());
	assert_int_equal(fake_net_lock_depth(), 0);
}

static void test_pktstat_names(void **state)
{
	(void)state;
	assert_string_equal(netctl_pktstat_name(NETCTL_PKTSTAT_napi_poll), "napi_poll");
	assert_string_equal(netctl_pktstat_name(NETCTL_PKTSTAT_ack_xmit), "ack_xmit");
	assert_string_equal(netctl_pktstat_name(NETCTL_PKTSTAT_NR), "?");
	assert_string_equal(netctl_pktstat_name(-1), "?");
}

static void test_membench_rejects_bad_sizes(void **state)
{
	struct netctl_membench mb;

	(void)state;
	assert_int_equal(netctl_membench(0, 1, &mb), -EINVAL);
	assert_int_equal(netctl_membench(NETCTL_MEMBENCH_MAX + 1, 1, &mb), -EINVAL);
	assert_int_equal(netctl_membench(4096, 2, &mb), 0);
	assert_int_equal(fake_kmalloc_in_use(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_partial_matches_reference),
		cmocka_unit_test(test_pktstat_counts_only_when_on),
		cmocka_unit_test(test_pktstat_names),
		cmocka_unit_test(test_membench_rejects_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
