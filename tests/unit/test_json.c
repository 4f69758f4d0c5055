/*
 * Host tests for the services' JSON reader and writer (user/json.c):
 * iperf3's parameter document as its client sends it, numbers in every
 * RFC 8259 form with the fixed-point results, escapes, malformed input,
 * the node pool and depth bounds, and the writer's commas and overflow.
 * json.c is compiled into this test (it is pure C with no kernel calls).
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

#define POOL 64

static struct json_node pool[POOL];

/* Parses a copy of s (the reader writes into its input). */
static struct json_node *parse(const char *s, int *err)
{
	static char buf[4096];
	size_t n = strlen(s);

	assert_true(n < sizeof(buf));
	memcpy(buf, s, n + 1);
	return json_parse(buf, n, pool, POOL, err);
}

static void test_iperf_params(void **state)
{
	const char *doc = "{\"tcp\":true,\"omit\":0,\"time\":10,\"num\":0,\"blockcount\":0,"
			  "\"parallel\":4,\"reverse\":true,\"len\":131072,\"pacing_timer\":1000,"
			  "\"client_version\":\"3.12\"}";
	const struct json_node *v;
	struct json_node *root;
	int err;

	(void)state;
	root = parse(doc, &err);
	assert_non_null(root);
	assert_int_equal(err, 0);
	assert_int_equal(root->type, JSON_OBJECT);
	assert_int_equal(json_count(root), 10);
	assert_int_equal(json_get(root, "tcp")->type, JSON_TRUE);
	assert_int_equal(json_get(root, "parallel")->num, 4);
	assert_int_equal(json_get(root, "len")->num, 131072);
	v = json_get(root, "client_version");
	assert_int_equal(v->type, JSON_STRING);
	assert_string_equal(v->str, "3.12");
	assert_null(json_get(root, "udp"));
	assert_null(json_get(json_get(root, "time"), "x")); /* not an object */
}

static void test_numbers(void **state)
{
	struct {
		const char *text;
		int64_t num, num_e6;
	} cases[] = {
		{"0", 0, 0},
		{"-0", 0, 0},
		{"10.000123", 10, 10000123},
		{"-2.5", -2, -2500000},
		{"1e3", 1000, 1000000000},
		{"1.5E-3", 0, 1500},
		{"2.5e+2", 250, 250000000},
		{"0.0000001", 0, 0},
		{"123456789012345678901234", INT64_MAX, INT64_MAX},
		{"-9e30", -INT64_MAX, -INT64_MAX},
		{"18446744073709551615", INT64_MAX, INT64_MAX},
	};
	struct json_node *n;
	int err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = parse(cases[i].text, &err);
		assert_non_null(n);
		assert_int_equal(n->type, JSON_NUMBER);
		assert_true(n->num == cases[i].num);
		assert_true(n->num_e6 == cases[i].num_e6);
	}
}

static void test_strings_and_nesting(void **state)
{
	const struct json_node *s, *a, *e;
	struct json_node *root;
	int err;

	(void)state;
	root = parse(" {\"a\\\"b\":\"x\\n\\u00e9\\ud83d\\ude00\\/\",\"streams\":[{\"id\":1},"
		     "{\"id\":3}],\"e\":[],\"o\":{},\"n\":null,\"f\":false} ",
		     &err);
	assert_non_null(root);
	s = json_get(root, "a\"b");
	assert_non_null(s);
	assert_string_equal(s->str, "x\n\xc3\xa9\xf0\x9f\x98\x80/");
	a = json_get(root, "streams");
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(json_count(a), 2);
	assert_int_equal(json_get(a->child, "id")->num, 1);
	assert_int_equal(json_get(a->child->next, "id")->num, 3);
	e = json_get(root, "e");
	assert_int_equal(json_count(e), 0);
	assert_int_equal(json_get(root, "o")->type, JSON_OBJECT);
	assert_int_equal(json_get(root, "n")->type, JSON_NULL);
	assert_int_equal(json_get(root, "f")->type, JSON_FALSE);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"",	      "{",	     "}",	  "{\"a\"}",	 "{\"a\":}",
		"{\"a\":1,}", "[1,]",	     "[1 2]",	  "01",		 "1.",
		"-",	      "1e",	     ".5",	  "tru",	 "nul",
		"\"abc",      "\"\\x\"",     "\"\\u12\"", "\"\\udc00\"", "\"\\ud800\"",
		"\"a\tb\"",   "{\"a\":1} x", "{1:2}",	  "[\"a\":1]",
	};
	int err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(parse(bad[i], &err));
		assert_int_equal(err, -EINVAL);
	}
}

/* n nested empty arrays */
static const char *nest(int n)
{
	static char b[128];

	assert_true(2 * n < (int)sizeof(b));
	memset(b, '[', (size_t)n);
	memset(b + n, ']', (size_t)n);
	b[2 * n] = '\0';
	return b;
}

static void test_bounds(void **state)
{
	char many[512];
	size_t n = 0;
	int err;

	(void)state;
	assert_non_null(parse(nest(JSON_MAX_DEPTH), &err));
	assert_null(parse(nest(JSON_MAX_DEPTH + 1), &err));
	assert_int_equal(err, -EINVAL);

	many[n++] = '[';
	for (int i = 0; i < POOL; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s1", i ? "," : "");
	many[n++] = ']';
	many[n] = '\0';
	assert_null(parse(many, &err)); /* POOL numbers plus the array */
	assert_int_equal(err, -ENOSPC);
}

static void test_writer(void **state)
{
	struct json_writer w;
	char buf[256], small[16];
	struct json_node *root;
	int err;

	(void)state;
	json_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	json_key(&w, "cpu_util_total");
	json_fixed(&w, 1500, 3);
	json_key(&w, "neg");
	json_fixed(&w, -25, 2);
	json_key(&w, "streams");
	json_arr_begin(&w);
	json_obj_begin(&w);
	json_key(&w, "id");
	json_int(&w, 1);
	json_key(&w, "bytes");
	json_uint(&w, 18446744073709551615ull);
	json_obj_end(&w);
	json_int(&w, -7);
	json_arr_end(&w);
	json_key(&w, "s\"\n");
	json_str(&w, "a\\b\x01");
	json_key(&w, "ok");
	json_bool(&w, 1);
	json_obj_end(&w);
	assert_true(json_end(&w) > 0);
	assert_string_equal(buf, "{\"cpu_util_total\":1.500,\"neg\":-0.25,\"streams\":[{\"id\":1,"
				 "\"bytes\":18446744073709551615},-7],\"s\\\"\\u000a\":"
				 "\"a\\\\b\\u0001\",\"ok\":true}");
	/* what it writes, it reads back */
	root = json_parse(buf, strlen(buf), pool, POOL, &err);
	assert_non_null(root);
	assert_int_equal(json_get(root, "cpu_util_total")->num_e6, 1500000);
	assert_int_equal(json_get(root, "neg")->num_e6, -250000);
	assert_string_equal(json_get(root, "s\"\n")->str, "a\\b\x01");

	json_init(&w, small, sizeof(small));
	json_obj_begin(&w);
	json_key(&w, "a long key that does not fit");
	json_int(&w, 1);
	json_obj_end(&w);
	assert_int_equal(json_end(&w), -ENOSPC);
	assert_true(strlen(small) < sizeof(small));

	json_init(&w, buf, sizeof(buf));
	json_obj_begin(&w);
	assert_int_equal(json_end(&w), -ENOSPC); /* unbalanced */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iperf_params),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings_and_nesting),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
