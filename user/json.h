/*
 * A small JSON (RFC 8259) reader and writer for the services' wire formats
 * (iperf3's parameter and result exchange, httpd's /stats.json).
 *
 * The reader parses a buffer in place: strings are unescaped where they
 * lie and NUL-terminated, and the values become nodes from a pool the
 * caller provides, so parsing allocates nothing and a document too large
 * for the pool is refused (-ENOSPC), not truncated.  The kernel has no
 * floating point: a number is kept as its integer part and as millionths.
 *
 * The writer appends to a caller's buffer and puts the commas itself; once
 * something does not fit it stops and json_end() says so.
 */
#ifndef USER_JSON_H
#define USER_JSON_H

#include <stddef.h>
#include <stdint.h>

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json_node {
	enum json_type type;
	const char *key;	 /* member name inside an object, else NULL */
	const char *str;	 /* JSON_STRING: the unescaped text */
	int64_t num;		 /* JSON_NUMBER: integer part, toward zero, saturated */
	int64_t num_e6;		 /* JSON_NUMBER: value in millionths, saturated */
	struct json_node *child; /* JSON_ARRAY/OBJECT: first element */
	struct json_node *next;	 /* next element of the parent */
};

#define JSON_MAX_DEPTH 16

/*
 * Parses text[0..len) (modified in place; text[len] must be writable and
 * becomes NUL).  Returns the root node, or NULL with *err set to -EINVAL
 * (not JSON, or nesting deeper than JSON_MAX_DEPTH) or -ENOSPC (more than
 * max values).
 */
struct json_node *json_parse(char *text, size_t len, struct json_node *pool, int max, int *err);
/* The member called key of an object, or NULL (also when obj is not an object). */
const struct json_node *json_get(const struct json_node *obj, const char *key);
/* Number of elements of an array or members of an object. */
int json_count(const struct json_node *v);

struct json_writer {
	char *buf;
	size_t cap, len;
	int overflow;
	int depth;
	int after_key;			 /* a key was written: its value needs no comma */
	unsigned char n[JSON_MAX_DEPTH]; /* values written at each level */
};

void json_init(struct json_writer *w, char *buf, size_t cap);
void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
/* v / 10^decimals, printed with that many decimals (json_fixed(w, 1500, 3) is 1.500). */
void json_fixed(struct json_writer *w, int64_t v, int decimals);
void json_bool(struct json_writer *w, int v);
void json_str(struct json_writer *w, const char *s);
/* Length written (NUL-terminated), or -ENOSPC if it did not fit or nesting is unbalanced. */
long json_end(struct json_writer *w);

#endif
