/*
 * Host tests for httpd's request-head parser (user/http.c, compiled in):
 * complete and incomplete heads, pipelined heads, persistence rules of
 * RFC 9112 9.3, the framing fields, and each malformed form with the
 * status it must get.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "user/http.c"

#define MAX_HEAD 8192

static long parse(const char *s, struct http_request *r)
{
	return http_parse_request(s, strlen(s), MAX_HEAD, r);
}

static void assert_path(const struct http_request *r, const char *want)
{
	assert_int_equal(r->path_len, strlen(want));
	assert_memory_equal(r->path, want, r->path_len);
}

static void test_simple_get(void **state)
{
	const char *s = "GET /stats.json?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n";
	struct http_request r;

	(void)state;
	assert_int_equal(parse(s, &r), (long)strlen(s));
	assert_int_equal(r.method, HTTP_GET);
	assert_path(&r, "/stats.json");
	assert_int_equal(r.minor, 1);
	assert_true(r.keep_alive);
	assert_int_equal(r.content_length, 0);
}

static void test_incomplete(void **state)
{
	const char *s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	struct http_request r;

	(void)state;
	for (size_t n = 0; n < strlen(s); n++)
		assert_int_equal(http_parse_request(s, n, MAX_HEAD, &r), 0);
}

static void test_pipelined_and_bare_lf(void **state)
{
	const char *s = "\r\nHEAD /a HTTP/1.1\nHost: a\n\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n";
	struct http_request r;
	long n;

	(void)state;
	n = parse(s, &r);
	assert_int_equal(n, (long)strlen("\r\nHEAD /a HTTP/1.1\nHost: a\n\n"));
	assert_int_equal(r.method, HTTP_HEAD);
	assert_path(&r, "/a");
	assert_int_equal(parse(s + n, &r), (long)strlen(s + n));
	assert_path(&r, "/b");
}

static void test_persistence(void **state)
{
	struct http_request r;

	(void)state;
	assert_true(parse("GET / HTTP/1.0\r\n\r\n", &r) > 0);
	assert_false(r.keep_alive); /* 1.0 closes by default; Host is optional there */
	assert_true(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) > 0);
	assert_true(r.keep_alive);
	assert_true(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, CLOSE\r\n\r\n", &r) > 0);
	assert_false(r.keep_alive);
	assert_true(parse("GET http://h:8080/x?y HTTP/1.1\r\nHost: h\r\n\r\n", &r) > 0);
	assert_path(&r, "/x");
	assert_true(parse("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", &r) > 0);
	assert_path(&r, "/");
}

static void test_framing_fields(void **state)
{
	struct http_request r;

	(void)state;
	assert_true(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", &r) > 0);
	assert_int_equal(r.method, HTTP_OTHER);
	assert_int_equal(r.content_length, 12);
	assert_true(parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
			  "content-length: 5\r\n\r\n",
			  &r) > 0);
	assert_true(parse("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", &r) >
		    0);
	assert_true(r.chunked);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *head;
		long status;
	} cases[] = {
		{"GET / HTTP/1.1\r\n\r\n", -400},			/* no Host */
		{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -400}, /* two */
		{"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", -400},		/* two spaces */
		{"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", -400},
		{"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", -400}, /* not a token */
		{"GET / http/1.1\r\nHost: a\r\n\r\n", -400}, /* case-sensitive */
		{"GET / HTTP/1.10\r\nHost: a\r\n\r\n", -400},
		{"GET / HTTP/2.0\r\nHost: a\r\n\r\n", -505},
		{"GET x HTTP/1.1\r\nHost: a\r\n\r\n", -400}, /* not origin-form */
		{"GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost : a\r\n\r\n", -400},		/* space before colon */
		{"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", -400}, /* obs-fold */
		{"GET / HTTP/1.1\r\nHost a\r\n\r\n", -400},		/* no colon */
		{"GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n", -400},	/* empty name */
		{"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", -400},		/* lone CR */
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n", -400},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
		 -400},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		 -400},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: "
		 "chunked\r\n\r\n",
		 -400}, /* smuggling */
	};
	struct http_request r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long got = parse(cases[i].head, &r);

		if (got != cases[i].status)
			fail_msg("case %zu: got %ld, want %ld", i, got, cases[i].status);
	}
}

static void test_limits(void **state)
{
	static char big[16384];
	struct http_request r;
	size_t n;

	(void)state;
	/* a request line longer than HTTP_MAX_LINE: 414, complete or not */
	n = (size_t)snprintf(big, sizeof(big), "GET /");
	memset(big + n, 'a', HTTP_MAX_LINE);
	n += HTTP_MAX_LINE;
	assert_int_equal(http_parse_request(big, n, MAX_HEAD, &r), -414);
	n += (size_t)snprintf(big + n, sizeof(big) - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(http_parse_request(big, n, MAX_HEAD, &r), -414);

	/* fields beyond max_head: 431 whether or not the head has ended */
	n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: a\r\n");
	while (n < MAX_HEAD + 100)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-Filler: 0123456789\r\n");
	assert_int_equal(http_parse_request(big, n, MAX_HEAD, &r), -431);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
	assert_int_equal(http_parse_request(big, n, MAX_HEAD, &r), -431);
	/* the same head fits a larger limit */
	assert_int_equal(http_parse_request(big, n, sizeof(big), &r), (long)n);
}

static void test_reasons(void **state)
{
	(void)state;
	assert_string_equal(http_reason(200), "OK");
	assert_string_equal(http_reason(408), "Request Timeout");
	assert_string_equal(http_reason(413), "Content Too Large"); /* RFC 9110 15.5.14 */
	assert_string_equal(http_reason(431), "Request Header Fields Too Large");
	assert_string_equal(http_reason(503), "Service Unavailable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_pipelined_and_bare_lf),
		cmocka_unit_test(test_persistence),
		cmocka_unit_test(test_framing_fields),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
