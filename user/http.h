/*
 * HTTP/1.1 request heads (RFC 9112), for httpd: finds where a head ends,
 * checks its syntax and picks out what a static server needs (method,
 * path, version, persistence, whether a body follows).  Pure C over a byte
 * buffer, so that the host unit tests drive it with every malformed form.
 */
#ifndef USER_HTTP_H
#define USER_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_LINE 2048 /* longest request line: 414 beyond */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
	enum http_method method;
	const char *path; /* origin-form path, without the query (not NUL-terminated) */
	size_t path_len;
	int minor;	/* HTTP/1.minor */
	int keep_alive; /* the connection persists after the response (RFC 9112 9.3) */
	uint64_t content_length;
	int chunked; /* Transfer-Encoding was sent */
};

/*
 * Looks at buf[0..len) for one request head.  Returns its length (the
 * request line, the fields and the empty line) when it is complete, 0 when
 * more bytes are needed (and the head is still within max_head), or a
 * negative HTTP status: -400 malformed, -414 request line too long, -431
 * head longer than max_head, -505 an HTTP version other than 1.x.
 * Empty lines before the request line are skipped (RFC 9112 2.2) and
 * counted in the length.
 */
long http_parse_request(const char *buf, size_t len, size_t max_head, struct http_request *req);

/* The reason phrase of a status code (RFC 9110 section 15). */
const char *http_reason(int status);

#endif
