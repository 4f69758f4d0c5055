/*
 * libFuzzer target: the shell's line editor and argument splitting
 * (user/lineedit.c), fed arbitrary terminal bytes: keys, escape sequences,
 * control bytes, overlong lines, history walks, Tab completion.
 *
 * Oracles, on top of ASan/UBSan, after every byte: the line is
 * NUL-terminated, no longer than MENU_MAX_LINE, the cursor inside it, and
 * it holds printable ASCII and Tabs (argument separators) only: no other
 * control byte ever gets into a line;
 * each completed line splits into at most MENU_MAX_ARGS non-empty words
 * without blanks, whose concatenation is the line without its blanks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/lineedit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t echoed;

static void echo(const char *s, size_t n)
{
	(void)s;
	echoed += n;
}

static const char *const names[] = {"help", "hello", "hi", "history", "replyhi", "route", "arp"};

static const char *command_name(size_t idx)
{
	return idx < sizeof(names) / sizeof(names[0]) ? names[idx] : NULL;
}

static void fail(const char *what, const struct lineedit *le)
{
	fprintf(stderr, "fuzz_shell: %s (len %zu, pos %zu)\n", what, le->len, le->pos);
	abort();
}

static void check_line_state(const struct lineedit *le)
{
	if (le->len > MENU_MAX_LINE || le->pos > le->len)
		fail("length or cursor out of range", le);
	if (le->buf[le->len] != '\0' || strlen(le->buf) != le->len)
		fail("line not NUL-terminated at its length", le);
	for (size_t i = 0; i < le->len; i++)
		if ((le->buf[i] < 0x20 || le->buf[i] > 0x7e) && le->buf[i] != '\t')
			fail("a control byte got into the line", le);
}

static void check_split(const char *line)
{
	char copy[MENU_MAX_LINE + 1], squeezed[MENU_MAX_LINE + 1], joined[MENU_MAX_LINE + 1];
	char *argv[MENU_MAX_ARGS + 1];
	size_t n = 0, m = 0;
	int argc;

	strcpy(copy, line);
	for (const char *p = line; *p; p++)
		if (*p != ' ' && *p != '\t')
			squeezed[n++] = *p;
	squeezed[n] = '\0';
	argc = lineedit_split(copy, argv, MENU_MAX_ARGS);
	if (argc == -E2BIG)
		return; /* too many words: reported to the user, nothing to check */
	if (argc < 0 || argc > MENU_MAX_ARGS || argv[argc] != NULL)
		abort();
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (l == 0 || strpbrk(argv[i], " \t") || argv[i] < copy ||
		    argv[i] + l > copy + sizeof(copy))
			abort();
		memcpy(joined + m, argv[i], l);
		m += l;
	}
	joined[m] = '\0';
	if (strcmp(joined, squeezed) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lineedit le;

	lineedit_init(&le, echo, command_name);
	lineedit_start(&le, "MenuOS>>");
	for (size_t i = 0; i < size; i++) {
		enum lineedit_event ev = lineedit_feed(&le, (char)data[i]);

		check_line_state(&le);
		if (ev == LINEEDIT_LINE)
			check_split(le.buf);
		if (ev != LINEEDIT_NONE)
			lineedit_start(&le, "MenuOS>>");
	}
	return 0;
}
