/*
 * Line editing for the MenuOS shell (contract in lineedit.h).  The screen
 * is redrawn with nothing but printable characters, spaces and backspaces,
 * which a serial terminal and the VGA console understand alike: no escape
 * sequences go out.
 */
#include <errno.h>
#include <string.h>
#include "user/lineedit.h"

#define ESC    0x1b
#define CTRL_C 0x03
#define CTRL_U 0x15
#define BS     0x08
#define DEL    0x7f

enum { ESC_NONE, ESC_SEEN, ESC_CSI };
#define ESC_PARAM_MAX 1000 /* larger parameters mean nothing to us */

static int is_sep(char c) { return c == ' ' || c == '\t'; }

static void put(struct lineedit *le, const char *s, size_t n)
{
	if (n)
		le->write(s, n);
}

static void put_repeat(struct lineedit *le, char c, size_t n)
{
	char chunk[32];

	memset(chunk, c, sizeof(chunk));
	while (n) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
		put(le, chunk, k);
		n -= k;
	}
}

/* Shows line text; a tab separator is shown as one space, so columns match buf. */
static void put_text(struct lineedit *le, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\t')
			continue;
		put(le, s + start, i - start);
		put(le, " ", 1);
		start = i + 1;
	}
	put(le, s + start, n - start);
}

/* Redraws from the cursor to the end, blanks `erase` old cells, and returns the cursor. */
static void redraw_tail(struct lineedit *le, size_t erase)
{
	put_text(le, le->buf + le->pos, le->len - le->pos);
	put_repeat(le, ' ', erase);
	put_repeat(le, '\b', le->len - le->pos + erase);
}

/* Replaces the whole line on screen and in buf with s (cursor at its end). */
static void replace_line(struct lineedit *le, const char *s, size_t n)
{
	put_repeat(le, '\b', le->pos);
	put_repeat(le, ' ', le->len);
	put_repeat(le, '\b', le->len);
	memcpy(le->buf, s, n);
	le->buf[n] = '\0';
	le->len = le->pos = n;
	le->overflow = 0;
	put_text(le, le->buf, n);
}

static void insert(struct lineedit *le, const char *s, size_t n)
{
	if (le->overflow)
		return;
	if (n > MENU_MAX_LINE - le->len) {
		n = MENU_MAX_LINE - le->len;
		le->overflow = 1;
	}
	memmove(le->buf + le->pos + n, le->buf + le->pos, le->len - le->pos + 1);
	memcpy(le->buf + le->pos, s, n);
	le->len += n;
	put_text(le, le->buf + le->pos, n);
	le->pos += n;
	redraw_tail(le, 0);
}

static void backspace(struct lineedit *le)
{
	if (le->pos == 0)
		return;
	memmove(le->buf + le->pos - 1, le->buf + le->pos, le->len - le->pos + 1);
	le->pos--;
	le->len--;
	put(le, "\b", 1);
	redraw_tail(le, 1);
}

static void delete_at_cursor(struct lineedit *le)
{
	if (le->pos == le->len)
		return;
	memmove(le->buf + le->pos, le->buf + le->pos + 1, le->len - le->pos);
	le->len--;
	redraw_tail(le, 1);
}

static void cursor_home(struct lineedit *le)
{
	put_repeat(le, '\b', le->pos);
	le->pos = 0;
}

static void cursor_end(struct lineedit *le)
{
	put_text(le, le->buf + le->pos, le->len - le->pos);
	le->pos = le->len;
}

/* ---- history ---- */

static const char *history_entry(struct lineedit *le, int k) /* k = 1: newest */
{
	return le->history[(le->hist_newest - (k - 1) + LINEEDIT_HISTORY) % LINEEDIT_HISTORY];
}

static void history_add(struct lineedit *le)
{
	size_t i = 0;

	while (i < le->len && is_sep(le->buf[i]))
		i++;
	if (i == le->len)
		return; /* blank lines are not worth recalling */
	if (le->hist_count && strcmp(history_entry(le, 1), le->buf) == 0)
		return; /* nor the same line twice in a row */
	le->hist_newest = (le->hist_newest + 1) % LINEEDIT_HISTORY;
	memcpy(le->history[le->hist_newest], le->buf, le->len + 1);
	if (le->hist_count < LINEEDIT_HISTORY)
		le->hist_count++;
}

static void history_show(struct lineedit *le, int k)
{
	const char *s = k ? history_entry(le, k) : le->saved;

	le->hist_browse = k;
	replace_line(le, s, strlen(s));
}

static void history_up(struct lineedit *le)
{
	if (le->hist_browse == le->hist_count)
		return;
	if (le->hist_browse == 0)
		memcpy(le->saved, le->buf, le->len + 1);
	history_show(le, le->hist_browse + 1);
}

static void history_down(struct lineedit *le)
{
	if (le->hist_browse > 0)
		history_show(le, le->hist_browse - 1);
}

/* ---- completion ---- */

/* Completes the command name in buf[start..pos). */
static void complete(struct lineedit *le, size_t start)
{
	const char *prefix = le->buf + start, *name, *first = NULL;
	size_t plen = le->pos - start, common = 0, matches = 0;

	if (le->pos < le->len && !is_sep(le->buf[le->pos]))
		return; /* inside a word: nothing sensible to do */
	for (size_t i = 0; (name = le->command_name(i)); i++) {
		size_t k;

		if (strncmp(name, prefix, plen) != 0)
			continue;
		if (!first) {
			first = name;
			common = strlen(name);
		}
		for (k = plen; k < common && name[k] == first[k]; k++)
			;
		common = k;
		matches++;
	}
	if (matches == 0)
		return;
	if (matches == 1) {
		insert(le, first + plen, common - plen);
		if (le->pos == le->len)
			insert(le, " ", 1);
		return;
	}
	if (common > plen) {
		insert(le, first + plen, common - plen);
		return;
	}
	/* Ambiguous: list the candidates, then draw the prompt and line again. */
	put(le, "\n", 1);
	for (size_t i = 0, shown = 0; (name = le->command_name(i)); i++) {
		if (strncmp(name, prefix, plen) != 0)
			continue;
		if (shown++)
			put(le, "  ", 2);
		put(le, name, strlen(name));
	}
	put(le, "\n", 1);
	put(le, le->prompt, strlen(le->prompt));
	put_text(le, le->buf, le->len);
	put_repeat(le, '\b', le->len - le->pos);
}

static void tab(struct lineedit *le)
{
	size_t start = 0;

	while (start < le->pos && is_sep(le->buf[start]))
		start++;
	for (size_t i = start; i < le->pos; i++)
		if (is_sep(le->buf[i])) {
			insert(le, "\t", 1); /* past the command name: a separator */
			return;
		}
	complete(le, start);
}

/* ---- escape sequences (ECMA-48 5.4: ESC [ parameters final-byte) ---- */

static void csi_final(struct lineedit *le, char final)
{
	switch (final) {
	case 'A':
		history_up(le);
		break;
	case 'B':
		history_down(le);
		break;
	case 'C':
		if (le->pos < le->len)
			put_text(le, le->buf + le->pos++, 1);
		break;
	case 'D':
		if (le->pos > 0) {
			put(le, "\b", 1);
			le->pos--;
		}
		break;
	case 'H':
		cursor_home(le);
		break;
	case 'F':
		cursor_end(le);
		break;
	case '~': /* VT220 editing keys: 1/7 Home, 4/8 End, 3 Delete */
		if (le->esc_param == 1 || le->esc_param == 7)
			cursor_home(le);
		else if (le->esc_param == 4 || le->esc_param == 8)
			cursor_end(le);
		else if (le->esc_param == 3)
			delete_at_cursor(le);
		break;
	}
}

/* Returns 1 when c was part of an escape sequence. */
static int escape(struct lineedit *le, char c)
{
	if (le->esc_state == ESC_SEEN) {
		if (c == '[' || c == 'O') { /* CSI, or SS3 (application cursor keys) */
			le->esc_state = ESC_CSI;
			le->esc_param = 0;
			return 1;
		}
		le->esc_state = ESC_NONE; /* a lone ESC: take c as an ordinary key */
		return 0;
	}
	if (c >= '0' && c <= '9') {
		if (le->esc_param < ESC_PARAM_MAX)
			le->esc_param = le->esc_param * 10 + (unsigned)(c - '0');
		return 1;
	}
	if (c >= 0x20 && c < 0x40)
		return 1; /* other parameter and intermediate bytes */
	le->esc_state = ESC_NONE;
	if (c >= 0x40 && c <= 0x7e) {
		csi_final(le, c);
		return 1;
	}
	return 0; /* a control byte cuts the sequence short */
}

/* ---- the entry points ---- */

void lineedit_init(struct lineedit *le, void (*write)(const char *s, size_t n),
		   const char *(*command_name)(size_t idx))
{
	memset(le, 0, sizeof(*le));
	le->write = write;
	le->command_name = command_name;
	le->prompt = "";
}

void lineedit_start(struct lineedit *le, const char *prompt)
{
	le->len = le->pos = 0;
	le->buf[0] = '\0';
	le->overflow = 0;
	le->esc_state = ESC_NONE;
	le->hist_browse = 0;
	le->prompt = prompt;
	put(le, prompt, strlen(prompt));
}

void lineedit_redraw(struct lineedit *le)
{
	put(le, le->prompt, strlen(le->prompt));
	put_text(le, le->buf, le->len);
	put_repeat(le, '\b', le->len - le->pos);
}

enum lineedit_event lineedit_feed(struct lineedit *le, char c)
{
	int after_cr = le->after_cr;

	le->after_cr = c == '\r';
	if (le->esc_state != ESC_NONE && escape(le, c))
		return LINEEDIT_NONE;

	switch (c) {
	case '\n':
		if (after_cr)
			return LINEEDIT_NONE; /* the LF of a CR LF pair */
					      /* fall through */
	case '\r':
		put(le, "\n", 1);
		if (le->overflow)
			return LINEEDIT_TOOLONG;
		history_add(le);
		return LINEEDIT_LINE;
	case CTRL_C:
		put(le, "^C\n", 3);
		le->len = le->pos = 0;
		le->buf[0] = '\0';
		return LINEEDIT_INTR;
	case CTRL_U:
		replace_line(le, "", 0);
		break;
	case BS:
	case DEL:
		backspace(le);
		break;
	case '\t':
		tab(le);
		break;
	case ESC:
		le->esc_state = ESC_SEEN;
		break;
	default:
		if (c >= 0x20 && c < 0x7f)
			insert(le, &c, 1);
		break;
	}
	return LINEEDIT_NONE;
}

int lineedit_split(char *line, char *argv[], int max_args)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (is_sep(*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == max_args)
			return -E2BIG;
		argv[argc++] = p;
		while (*p && !is_sep(*p))
			p++;
	}
	argv[argc] = NULL;
	return argc;
}
