/*
 * HTTP/1.1 request-head parser (http.h).  The checks follow RFC 9112 and
 * RFC 9110 in order: request line (9112 section 3), field lines (9112
 * section 5, 9110 section 5), then the fields that frame the message and
 * decide persistence (Host, Content-Length, Transfer-Encoding, Connection).
 */
#include <string.h>
#include "user/http.h"

/* RFC 9110 5.6.2: tchar, the characters of a token. */
static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != b[i])
			return 0;
	return 1;
}

/* The end of the line starting at p (at its LF), or NULL.  RFC 9112 2.2 lets a bare LF end it. */
static const char *line_end(const char *p, const char *end)
{
	return memchr(p, '\n', (size_t)(end - p));
}

/* Length of the line's content, without CR LF (or LF). */
static size_t content_len(const char *p, const char *lf)
{
	return (size_t)(lf - p) - (lf > p && lf[-1] == '\r');
}

/* RFC 9110 5.6.1: does the comma-separated list v contain token (case-insensitive)? */
static int list_has(const char *v, size_t n, const char *token)
{
	size_t i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e > s && ieq(v + s, e - s, token))
			return 1;
	}
	return 0;
}

/* RFC 9112 3: method SP request-target SP HTTP-version. */
static long parse_request_line(const char *p, size_t n, struct http_request *req)
{
	const char *sp1, *sp2, *t, *q;
	size_t mlen, tlen;

	sp1 = memchr(p, ' ', n);
	if (!sp1 || sp1 == p)
		return -400;
	mlen = (size_t)(sp1 - p);
	for (size_t i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)p[i]))
			return -400;
	sp2 = memchr(sp1 + 1, ' ', n - mlen - 1);
	if (!sp2 || sp2 == sp1 + 1)
		return -400;
	t = sp1 + 1;
	tlen = (size_t)(sp2 - t);
	for (size_t i = 0; i < tlen; i++)
		if ((unsigned char)t[i] <= ' ' || (unsigned char)t[i] >= 0x7f)
			return -400; /* no whitespace or controls inside the target */
	/* HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 2.3) */
	if ((size_t)(p + n - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/", 5) != 0 || sp2[6] < '0' ||
	    sp2[6] > '9' || sp2[7] != '.' || sp2[8] < '0' || sp2[8] > '9')
		return -400;
	if (sp2[6] != '1')
		return -505;
	req->minor = sp2[8] - '0';
	req->method = mlen == 3 && memcmp(p, "GET", 3) == 0    ? HTTP_GET
		      : mlen == 4 && memcmp(p, "HEAD", 4) == 0 ? HTTP_HEAD
							       : HTTP_OTHER;
	/* RFC 9112 3.2.2: absolute-form; a server must accept it */
	if (tlen > 7 && ieq(t, 7, "http://")) {
		const char *slash = memchr(t + 7, '/', tlen - 7);

		if (!slash)
			slash = t + tlen; /* "http://host" means "/" */
		tlen -= (size_t)(slash - t);
		t = slash;
	}
	if (tlen == 0) {
		req->path = "/";
		req->path_len = 1;
		return 0;
	}
	if (t[0] != '/' && !(tlen == 1 && t[0] == '*'))
		return -400;
	q = memchr(t, '?', tlen);
	req->path = t;
	req->path_len = q ? (size_t)(q - t) : tlen;
	return 0;
}

static int parse_content_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

long http_parse_request(const char *buf, size_t len, size_t max_head, struct http_request *req)
{
	const char *p = buf, *end = buf + len, *lf;
	int hosts = 0, close = 0, keep = 0, have_cl = 0;
	uint64_t cl;
	long r;

	memset(req, 0, sizeof(*req));
	/* RFC 9112 2.2: at least one empty line before the request line is ignored */
	while (p < end && (*p == '\r' || *p == '\n')) {
		if (*p == '\r' && (p + 1 == end || p[1] != '\n'))
			break;
		p += *p == '\r' ? 2 : 1;
	}
	lf = line_end(p, end);
	if (!lf) {
		if ((size_t)(end - p) > HTTP_MAX_LINE)
			return -414;
		return len > max_head ? -431 : 0;
	}
	if (content_len(p, lf) > HTTP_MAX_LINE)
		return -414;
	r = parse_request_line(p, content_len(p, lf), req);
	if (r < 0)
		return r;
	for (p = lf + 1;; p = lf + 1) {
		const char *colon, *v, *ve;
		size_t n, nlen;

		lf = line_end(p, end);
		if (!lf)
			return (size_t)(end - buf) > max_head ? -431 : 0;
		if ((size_t)(lf + 1 - buf) > max_head)
			return -431;
		n = content_len(p, lf);
		if (n == 0)
			break; /* the empty line: end of the head */
		if (memchr(p, '\r', n))
			return -400; /* a CR not followed by LF */
		if (*p == ' ' || *p == '\t')
			return -400; /* obs-fold (RFC 9112 5.2): rejected */
		colon = memchr(p, ':', n);
		if (!colon || colon == p)
			return -400;
		nlen = (size_t)(colon - p);
		for (size_t i = 0; i < nlen; i++)
			if (!is_tchar((unsigned char)p[i]))
				return -400; /* includes whitespace before the colon (5.1) */
		v = colon + 1;
		ve = p + n;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (const char *c = v; c < ve; c++)
			if (*c == '\0' || (unsigned char)*c == 0x7f)
				return -400;
		if (ieq(p, nlen, "host")) {
			hosts++;
		} else if (ieq(p, nlen, "content-length")) {
			/* RFC 9112 6.3: an invalid or conflicting length is unrecoverable */
			if (parse_content_length(v, (size_t)(ve - v), &cl) < 0 ||
			    (have_cl && cl != req->content_length))
				return -400;
			req->content_length = cl;
			have_cl = 1;
		} else if (ieq(p, nlen, "transfer-encoding")) {
			req->chunked = 1;
		} else if (ieq(p, nlen, "connection")) {
			close |= list_has(v, (size_t)(ve - v), "close");
			keep |= list_has(v, (size_t)(ve - v), "keep-alive");
		}
	}
	/* RFC 9112 3.2: a 1.1 request has exactly one Host; no 1.x request has two */
	if (hosts > 1 || (req->minor >= 1 && hosts == 0))
		return -400;
	/* RFC 9112 6.1: Transfer-Encoding with Content-Length is an attack, not a message */
	if (req->chunked && have_cl)
		return -400;
	/* RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive" */
	req->keep_alive = !close && (req->minor >= 1 || keep);
	return lf + 1 - buf;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}
