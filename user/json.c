/*
 * JSON reader and writer (RFC 8259); the contract is in json.h.  The reader
 * is a recursive descent over the grammar of RFC 8259 section 2, bounded
 * in depth, so that no input can exhaust a task's stack.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "user/json.h"

struct json_parser {
	char *p, *end;
	struct json_node *pool;
	int max, used, err;
};

static struct json_node *new_node(struct json_parser *ps, enum json_type type)
{
	struct json_node *n;

	if (ps->used == ps->max) {
		ps->err = -ENOSPC;
		return NULL;
	}
	n = &ps->pool[ps->used++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	return n;
}

/* RFC 8259 section 2: insignificant whitespace is space, tab, LF and CR only. */
static void skip_ws(struct json_parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *s, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/*
 * RFC 8259 section 7.  The text shrinks as escapes are decoded (every escape
 * is at least as long as its UTF-8), so the output never overtakes the input.
 */
static char *parse_string(struct json_parser *ps)
{
	char *start = ++ps->p, *o = start; /* after the opening quote */
	unsigned int cp, lo;

	while (ps->p < ps->end) {
		char c = *ps->p++;

		if (c == '"') {
			*o = '\0';
			return start;
		}
		if ((unsigned char)c < 0x20)
			break; /* control characters must be escaped */
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		if (ps->p >= ps->end)
			break;
		c = *ps->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			*o++ = c;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (ps->end - ps->p < 4 || hex4(ps->p, &cp) < 0)
				goto bad;
			ps->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto bad; /* a low surrogate alone */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* a high surrogate must be followed by \u and a low one */
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
				    hex4(ps->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				ps->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			o = put_utf8(o, cp);
			break;
		default:
			goto bad;
		}
	}
bad:
	ps->err = -EINVAL;
	return NULL;
}

/* mant * 10^exp10, toward zero, saturated to int64 (mant < 10^19). */
static int64_t scale10(uint64_t mant, int exp10, int neg)
{
	while (exp10 < 0 && mant) {
		mant /= 10;
		exp10++;
	}
	for (; exp10 > 0 && mant; exp10--) {
		if (mant > (uint64_t)INT64_MAX / 10) {
			mant = (uint64_t)INT64_MAX;
			break;
		}
		mant *= 10;
	}
	if (mant > (uint64_t)INT64_MAX)
		mant = (uint64_t)INT64_MAX;
	return neg ? -(int64_t)mant : (int64_t)mant;
}

/* RFC 8259 section 6: -? int frac? exp?, with no leading zeros. */
static int parse_number(struct json_parser *ps, struct json_node *n)
{
	uint64_t mant = 0;
	int exp10 = 0, digits = 0, neg = 0, eneg = 0, e = 0;

	if (*ps->p == '-') {
		neg = 1;
		ps->p++;
	}
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return -EINVAL;
	if (*ps->p == '0' && ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9')
		return -EINVAL;
	for (; ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9'; ps->p++) {
		if (digits < 19) {
			mant = mant * 10 + (uint64_t)(*ps->p - '0');
			digits += mant != 0;
		} else {
			exp10++; /* digits beyond 19 only scale the value */
		}
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return -EINVAL;
		for (; ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9'; ps->p++) {
			if (digits < 19) {
				mant = mant * 10 + (uint64_t)(*ps->p - '0');
				digits += mant != 0;
				exp10--;
			}
		}
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			eneg = *ps->p++ == '-';
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return -EINVAL;
		for (; ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9'; ps->p++)
			if (e < 10000)
				e = e * 10 + (*ps->p - '0');
		exp10 += eneg ? -e : e;
	}
	n->num = scale10(mant, exp10, neg);
	n->num_e6 = scale10(mant, exp10 + 6, neg);
	return 0;
}

static int literal(struct json_parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return -EINVAL;
	ps->p += n;
	return 0;
}

static struct json_node *parse_value(struct json_parser *ps, int depth);

/* An array or an object (which has a key before each element). */
static struct json_node *parse_container(struct json_parser *ps, int depth, int object)
{
	struct json_node *n = new_node(ps, object ? JSON_OBJECT : JSON_ARRAY), **link, *v;
	char close = object ? '}' : ']';
	const char *key = NULL;

	if (!n)
		return NULL;
	if (depth >= JSON_MAX_DEPTH) {
		ps->err = -EINVAL;
		return NULL;
	}
	link = &n->child;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return n;
	}
	for (;;) {
		if (object) {
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != '"')
				goto bad;
			key = parse_string(ps);
			if (!key)
				return NULL;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				goto bad;
		}
		v = parse_value(ps, depth + 1);
		if (!v)
			return NULL;
		v->key = key;
		*link = v;
		link = &v->next;
		skip_ws(ps);
		if (ps->p >= ps->end)
			goto bad;
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ == close)
			return n;
		goto bad;
	}
bad:
	ps->err = -EINVAL;
	return NULL;
}

static struct json_node *parse_value(struct json_parser *ps, int depth)
{
	struct json_node *n;

	skip_ws(ps);
	if (ps->p >= ps->end)
		goto bad;
	switch (*ps->p) {
	case '{':
		return parse_container(ps, depth, 1);
	case '[':
		return parse_container(ps, depth, 0);
	case '"':
		n = new_node(ps, JSON_STRING);
		if (n && !(n->str = parse_string(ps)))
			return NULL;
		return n;
	case 't':
		n = new_node(ps, JSON_TRUE);
		if (n && literal(ps, "true") < 0)
			goto bad;
		return n;
	case 'f':
		n = new_node(ps, JSON_FALSE);
		if (n && literal(ps, "false") < 0)
			goto bad;
		return n;
	case 'n':
		n = new_node(ps, JSON_NULL);
		if (n && literal(ps, "null") < 0)
			goto bad;
		return n;
	default:
		n = new_node(ps, JSON_NUMBER);
		if (n && parse_number(ps, n) < 0)
			goto bad;
		return n;
	}
bad:
	ps->err = -EINVAL;
	return NULL;
}

struct json_node *json_parse(char *text, size_t len, struct json_node *pool, int max, int *err)
{
	struct json_parser ps = {text, text + len, pool, max, 0, 0};
	struct json_node *root;

	text[len] = '\0';
	root = parse_value(&ps, 0);
	if (root) {
		skip_ws(&ps);
		if (ps.p != ps.end) {
			ps.err = -EINVAL; /* something after the value */
			root = NULL;
		}
	}
	*err = root ? 0 : (ps.err ? ps.err : -EINVAL);
	return root;
}

const struct json_node *json_get(const struct json_node *obj, const char *key)
{
	const struct json_node *v;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (v = obj->child; v; v = v->next)
		if (strcmp(v->key, key) == 0)
			return v;
	return NULL;
}

int json_count(const struct json_node *v)
{
	int n = 0;

	if (v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT))
		for (v = v->child; v; v = v->next)
			n++;
	return n;
}

/* ---- writer ---- */

void json_init(struct json_writer *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	if (cap)
		buf[0] = '\0';
	else
		w->overflow = 1;
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (w->overflow || w->len + n + 1 > w->cap) {
		w->overflow = 1;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void puts_w(struct json_writer *w, const char *s) { put(w, s, strlen(s)); }

/* Every value and key goes through here: the comma between siblings. */
static void before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->n[w->depth]++)
		put(w, ",", 1);
}

static void open_level(struct json_writer *w, const char *c)
{
	before_value(w);
	put(w, c, 1);
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		w->overflow = 1;
		return;
	}
	w->n[++w->depth] = 0;
}

static void close_level(struct json_writer *w, const char *c)
{
	put(w, c, 1);
	if (w->depth == 0)
		w->overflow = 1;
	else
		w->depth--;
}

void json_obj_begin(struct json_writer *w) { open_level(w, "{"); }
void json_obj_end(struct json_writer *w) { close_level(w, "}"); }
void json_arr_begin(struct json_writer *w) { open_level(w, "["); }
void json_arr_end(struct json_writer *w) { close_level(w, "]"); }

/* RFC 8259 section 7: quote, backslash and control characters are escaped. */
static void put_string(struct json_writer *w, const char *s)
{
	char esc[8];

	put(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(w, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			puts_w(w, esc);
		} else {
			put(w, (const char *)&c, 1);
		}
	}
	put(w, "\"", 1);
}

void json_key(struct json_writer *w, const char *key)
{
	before_value(w);
	put_string(w, key);
	put(w, ":", 1);
	w->after_key = 1;
}

void json_int(struct json_writer *w, int64_t v)
{
	char b[24];

	before_value(w);
	snprintf(b, sizeof(b), "%lld", (long long)v);
	puts_w(w, b);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	char b[24];

	before_value(w);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	puts_w(w, b);
}

void json_fixed(struct json_writer *w, int64_t v, int decimals)
{
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v, div = 1;
	char b[48];

	for (int i = 0; i < decimals && i < 18; i++)
		div *= 10;
	before_value(w);
	if (decimals <= 0)
		snprintf(b, sizeof(b), "%s%llu", v < 0 ? "-" : "", (unsigned long long)mag);
	else
		snprintf(b, sizeof(b), "%s%llu.%0*llu", v < 0 ? "-" : "",
			 (unsigned long long)(mag / div), decimals > 18 ? 18 : decimals,
			 (unsigned long long)(mag % div));
	puts_w(w, b);
}

void json_bool(struct json_writer *w, int v)
{
	before_value(w);
	puts_w(w, v ? "true" : "false");
}

void json_str(struct json_writer *w, const char *s)
{
	before_value(w);
	put_string(w, s);
}

long json_end(struct json_writer *w)
{
	if (w->overflow || w->depth != 0 || w->after_key)
		return -ENOSPC;
	return (long)w->len;
}
