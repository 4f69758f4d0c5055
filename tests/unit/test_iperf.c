/*
 * Host tests for the iperf3 protocol logic (user/iperf_proto.c and the JSON
 * code it uses, compiled in): the parameter document iperf 3.12's client
 * sends and the errors for options this server does not implement, the
 * results documents in both directions, UDP loss, reordering and jitter,
 * and the pacing arithmetic.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "user/json.c"
#include "user/iperf_proto.c"

static char buf[8192];

static int parse_params(const char *doc, struct iperf_params *p, int *sys_errno)
{
	size_t n = strlen(doc);

	memcpy(buf, doc, n + 1);
	return iperf_params_parse(buf, n, p, sys_errno);
}

/* What `iperf3 -c X -u -b 50M -P 4 -R -t 5` (3.12) sends, key for key. */
static void test_params_from_client(void **state)
{
	struct iperf_params p;
	int e;

	(void)state;
	assert_int_equal(parse_params("{\"udp\":true,\"omit\":0,\"time\":5,\"num\":0,"
				      "\"blockcount\":0,\"parallel\":4,\"reverse\":true,"
				      "\"len\":1448,\"bandwidth\":50000000,\"pacing_timer\":1000,"
				      "\"client_version\":\"3.12\"}",
				      &p, &e),
			 IENONE);
	assert_true(p.udp);
	assert_true(p.reverse);
	assert_int_equal(p.duration, 5);
	assert_int_equal(p.parallel, 4);
	assert_int_equal(p.blksize, 1448);
	assert_int_equal(p.rate, 50000000);

	/* TCP defaults: 128 KiB blocks, no rate */
	assert_int_equal(parse_params("{\"tcp\":true,\"time\":10,\"parallel\":1,\"num\":1048576,"
				      "\"window\":65536}",
				      &p, &e),
			 IENONE);
	assert_false(p.udp);
	assert_int_equal(p.blksize, IPERF_TCP_BLKSIZE);
	assert_int_equal(p.bytes, 1048576);
	assert_int_equal(p.window, 65536);
	assert_int_equal(p.rate, 0);

	/* UDP without -b: iperf3's 1 Mbit/s */
	assert_int_equal(parse_params("{\"udp\":true,\"time\":1,\"parallel\":1}", &p, &e), IENONE);
	assert_int_equal(p.rate, IPERF_UDP_RATE);
	assert_int_equal(p.blksize, IPERF_UDP_BLKSIZE);
}

static void test_params_refused(void **state)
{
	static const struct {
		const char *doc;
		int ie;
		int sys_errno;
	} cases[] = {
		{"{\"tcp\":true,\"bidirectional\":true}", IEUNIMP, 0},
		{"{\"tcp\":true,\"bidirectional\":true,\"reverse\":true}", IEREVERSEBIDIR, 0},
		{"{\"sctp\":true}", IENOSCTP, 0},
		{"{\"tcp\":true,\"parallel\":17}", IENUMSTREAMS, 0},
		{"{\"tcp\":true,\"parallel\":0}", IENUMSTREAMS, 0},
		{"{\"tcp\":true,\"len\":2000000}", IEBLOCKSIZE, 0},
		{"{\"tcp\":true,\"congestion\":\"reno\"}", IESETCONGESTION, 0},
		{"{\"tcp\":true,\"MSS\":1000}", IESETMSS, ENOPROTOOPT},
		{"{\"tcp\":true,\"TOS\":16}", IESETTOS, ENOPROTOOPT},
		{"{\"tcp\":true,\"server_affinity\":1}", IEAFFINITY, ENOPROTOOPT},
		{"{\"tcp\":true,\"dont_fragment\":1}", IESETDONTFRAGMENT, 0},
		{"{\"tcp\":true,\"time\":-1}", IERECVPARAMS, 0},
		{"[1]", IERECVPARAMS, 0},
		{"{\"tcp\":tru", IERECVPARAMS, 0},
	};
	struct iperf_params p;
	int e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ie = parse_params(cases[i].doc, &p, &e);

		if (ie != cases[i].ie || e != cases[i].sys_errno)
			fail_msg("case %zu: got %d/%d, want %d/%d", i, ie, e, cases[i].ie,
				 cases[i].sys_errno);
	}
	assert_string_equal(iperf_strerror(IEUNIMP),
			    "an option you are trying to set is not implemented yet");
}

static void test_params_round_trip(void **state)
{
	struct iperf_params in, out;
	long n;
	int e;

	(void)state;
	iperf_params_default(&in);
	in.udp = 1;
	in.reverse = 1;
	in.parallel = 3;
	in.blksize = 1200;
	in.rate = 20000000;
	in.window = 32768;
	n = iperf_params_format(&in, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\"client_version\":\"3.12\""));
	assert_int_equal(iperf_params_parse(buf, (size_t)n, &out, &e), IENONE);
	assert_int_equal(out.udp, 1);
	assert_int_equal(out.reverse, 1);
	assert_int_equal(out.parallel, 3);
	assert_int_equal(out.blksize, 1200);
	assert_int_equal(out.rate, 20000000);
	assert_int_equal(out.window, 32768);
	assert_int_equal(out.duration, 10);
}

static void test_results(void **state)
{
	struct iperf_stream_stats st[2] = {
		{.id = 1,
		 .sender = 1,
		 .bytes = 123456789012ull,
		 .retransmits = 7,
		 .start_ns = 1000,
		 .end_ns = 1000 + 10000250000ull},
		{.id = 3,
		 .sender = 1,
		 .bytes = 5,
		 .retransmits = 0,
		 .jitter_ns = 1234567,
		 .errors = 2,
		 .packets = 10,
		 .start_ns = 0,
		 .end_ns = 500000000},
	};
	struct iperf_results_info info = {.cpu_total_e3 = 12345, .sender_has_retransmits = 1};
	static struct iperf_peer_results peer;
	int ids[2] = {1, 3}, wrong[1] = {1};
	long n;

	(void)state;
	n = iperf_results_format(st, 2, &info, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf, "\"cpu_util_total\":12.345"));
	assert_non_null(strstr(buf, "\"end_time\":10.000250000"));
	assert_int_equal(iperf_results_parse(buf, (size_t)n, ids, 2, &peer), IENONE);
	assert_int_equal(peer.cpu_total_e6, 12345000);
	assert_int_equal(peer.sender_has_retransmits, 1);
	assert_int_equal(peer.n, 2);
	assert_int_equal(peer.s[0].bytes, 123456789012ll);
	assert_int_equal(peer.s[0].retransmits, 7);
	assert_int_equal(peer.s[0].duration_e6, 10000250);
	assert_int_equal(peer.s[1].jitter_e6, 1234);
	assert_int_equal(peer.s[1].errors, 2);
	assert_int_equal(peer.s[1].packets, 10);

	/* a stream id the test does not have */
	n = iperf_results_format(st, 2, &info, buf, sizeof(buf));
	assert_int_equal(iperf_results_parse(buf, (size_t)n, wrong, 1, &peer), IESTREAMID);
	/* a receiver reports retransmits as -1 */
	info.sender_has_retransmits = -1;
	n = iperf_results_format(st, 1, &info, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"retransmits\":-1"));
	/* get_results() requires every key */
	strcpy(buf, "{\"cpu_util_total\":1,\"cpu_util_user\":0,\"cpu_util_system\":1,"
		    "\"sender_has_retransmits\":0,\"streams\":[{\"id\":1,\"bytes\":1}]}");
	assert_int_equal(iperf_results_parse(buf, strlen(buf), ids, 2, &peer), IERECVRESULTS);
	strcpy(buf, "{\"cpu_util_total\":1,\"streams\":[]}");
	assert_int_equal(iperf_results_parse(buf, strlen(buf), ids, 2, &peer), IERECVRESULTS);
}

static void test_udp_loss_and_jitter(void **state)
{
	struct iperf_stream_stats s = {0};
	unsigned char d[64];
	uint64_t sent = 5ull * 1000000000, arrive = 900000000; /* clocks need not agree */

	(void)state;
	/* sequence 1, 2, 4, 3 (late), 6: one lost (5), one out of order */
	static const uint64_t seqs[] = {1, 2, 4, 3, 6};
	/* transit times 10, 12, 10, 14, 10 ms after the sender's timestamps */
	static const uint64_t transit_ms[] = {10, 12, 10, 14, 10};

	for (int i = 0; i < 5; i++) {
		uint64_t ts = sent + seqs[i] * 1000000;

		assert_int_equal(iperf_udp_header(d, sizeof(d), ts, seqs[i], 0), 12);
		iperf_udp_received(&s, d, sizeof(d), arrive + ts + transit_ms[i] * 1000000, 0);
	}
	assert_int_equal(s.bytes, 5 * sizeof(d));
	assert_int_equal(s.packets, 6);
	assert_int_equal(s.outoforder, 1);
	assert_int_equal(s.errors, 1); /* 3 and 5 missing, then 3 arrived */
	/* J: 0 -> 2/16 -> (2 - J)/16 ... with |D| = 2, 2, 4, 4 ms */
	int64_t j = 0;
	static const int64_t dms[] = {0, 2, 2, 4, 4};
	for (int i = 0; i < 5; i++)
		j += (dms[i] * 1000000 - j) / 16;
	assert_int_equal(s.jitter_ns, j);

	/* 64-bit counters; short datagrams count as bytes only */
	memset(&s, 0, sizeof(s));
	assert_int_equal(iperf_udp_header(d, sizeof(d), 0, 1ull << 33, 1), 16);
	iperf_udp_received(&s, d, 16, 0, 1);
	assert_int_equal(s.packets, 1ull << 33);
	iperf_udp_received(&s, d, 8, 0, 1);
	assert_int_equal(s.bytes, 24);
	assert_int_equal(iperf_udp_header(d, 8, 0, 1, 0), 0);
}

static void test_pacing(void **state)
{
	(void)state;
	assert_int_equal(iperf_allowed_bytes(50000000, 1000000000ull), 6250000);
	assert_int_equal(iperf_allowed_bytes(1000000, 500000000ull), 62500);
	/* 10 Gbit/s for a day does not overflow */
	assert_int_equal(iperf_allowed_bytes(10000000000ull, 86400ull * 1000000000ull),
			 108000000000000ull);
	assert_int_equal(iperf_stream_id(0), 1);
	assert_int_equal(iperf_stream_id(1), 3);
	assert_int_equal(iperf_stream_id(7), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_from_client),  cmocka_unit_test(test_params_refused),
		cmocka_unit_test(test_params_round_trip),   cmocka_unit_test(test_results),
		cmocka_unit_test(test_udp_loss_and_jitter), cmocka_unit_test(test_pacing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
