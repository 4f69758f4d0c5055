/*
 * Host tests for the shell's line editor (user/lineedit.c): Enter in its
 * three forms, editing keys, history, completion, limits, argument
 * splitting.  A one-line terminal model checks that what the editor echoes
 * leaves the screen showing exactly the line, with the cursor in place.
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
#include "user/lineedit.h"

#define PROMPT "MenuOS>>"

/* ---- a terminal line: printable bytes overwrite, \b moves left, \n starts over ---- */
static char screen[4096];
static size_t cursor;
static char transcript[65536]; /* everything written, for output checks */
static size_t transcript_len;

static void term_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (transcript_len < sizeof(transcript) - 1)
			transcript[transcript_len++] = c;
		if (c == '\n') {
			memset(screen, 0, sizeof(screen));
			cursor = 0;
		} else if (c == '\b') {
			assert_true(cursor > 0); /* never back over the line start */
			cursor--;
		} else {
			assert_true(c >= 0x20 && c < 0x7f); /* no escapes, no stray controls */
			assert_true(cursor < sizeof(screen) - 1);
			screen[cursor++] = c;
		}
	}
	transcript[transcript_len] = '\0';
}

static const char *const names[] = {"help", "hello", "version", "replyhi", "uptime", NULL};

static const char *command_name(size_t idx)
{
	return idx < sizeof(names) / sizeof(names[0]) ? names[idx] : NULL;
}

static struct lineedit *le;

static int setup(void **state)
{
	(void)state;
	le = calloc(1, sizeof(*le));
	memset(screen, 0, sizeof(screen));
	cursor = 0;
	transcript_len = 0;
	transcript[0] = '\0';
	lineedit_init(le, term_write, command_name);
	lineedit_start(le, PROMPT);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(le);
	return 0;
}

/* Feeds bytes; returns the last event, and counts the events of each kind. */
static int counts[4];

static enum lineedit_event feed_n(const char *s, size_t n)
{
	enum lineedit_event ev = LINEEDIT_NONE;

	for (size_t i = 0; i < n; i++) {
		ev = lineedit_feed(le, s[i]);
		counts[ev]++;
		if (ev != LINEEDIT_NONE && i + 1 < n)
			lineedit_start(le, PROMPT);
	}
	return ev;
}

static enum lineedit_event feed(const char *s) { return feed_n(s, strlen(s)); }

/* The screen shows the prompt then the line (tabs as spaces); the cursor is at pos. */
static void assert_screen_matches(void)
{
	char want[MENU_MAX_LINE + sizeof(PROMPT) + 1];
	size_t shown = strlen(screen);

	snprintf(want, sizeof(want), "%s%.*s", PROMPT, (int)le->len, le->buf);
	for (char *p = want; *p; p++)
		if (*p == '\t')
			*p = ' ';
	while (shown > 0 && screen[shown - 1] == ' ' && shown > strlen(want))
		shown--; /* erased cells are blanks */
	assert_int_equal(shown, strlen(want));
	assert_memory_equal(screen, want, shown);
	assert_int_equal(cursor, strlen(PROMPT) + le->pos);
}

static void test_enter_forms(void **state)
{
	(void)state;
	memset(counts, 0, sizeof(counts));
	assert_int_equal(feed("help\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "help");
	lineedit_start(le, PROMPT);
	/* CR LF is one Enter: the LF is swallowed, even after a new prompt */
	assert_int_equal(feed("\n"), LINEEDIT_NONE);
	assert_int_equal(feed("a\nb\r\nc\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "c");
	assert_int_equal(counts[LINEEDIT_LINE], 4);
	/* two CRs are two Enters (the second an empty line); LF LF too */
	memset(counts, 0, sizeof(counts));
	lineedit_start(le, PROMPT);
	feed("\r\r\n\n");
	assert_int_equal(counts[LINEEDIT_LINE], 3);
}

static void test_no_newline_or_control_in_line(void **state)
{
	(void)state;
	assert_int_equal(feed("a\x01"
			      "b\x02\x7f"
			      "c\x07\r"),
			 LINEEDIT_LINE);
	assert_string_equal(le->buf, "ac");
	assert_null(strchr(le->buf, '\n'));
}

static void test_backspace(void **state)
{
	(void)state;
	feed("helo\x7f\x7f");
	assert_screen_matches();
	feed("lp");
	assert_screen_matches();
	feed("x\b");
	assert_screen_matches();
	/* backspace on an empty line does nothing */
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "help");
	lineedit_start(le, PROMPT);
	feed("\x7f\b");
	assert_int_equal(le->len, 0);
	assert_screen_matches();
}

static void test_ctrl_u(void **state)
{
	(void)state;
	feed("some garbage");
	feed("\x1b[D\x1b[D"); /* the whole line goes, wherever the cursor is */
	feed("\x15");
	assert_int_equal(le->len, 0);
	assert_screen_matches();
	assert_int_equal(feed("version\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "version");
}

static void test_ctrl_c(void **state)
{
	(void)state;
	assert_int_equal(feed("half a line\x03"), LINEEDIT_INTR);
	assert_non_null(strstr(transcript, "half a line^C\n"));
	lineedit_start(le, PROMPT);
	assert_int_equal(feed("uptime\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "uptime");
}

static void test_cursor_keys(void **state)
{
	(void)state;
	feed("hlp\x1b[D\x1b[De"); /* left, left, insert */
	assert_screen_matches();
	feed("\x1b[H"); /* home */
	assert_int_equal(le->pos, 0);
	feed("\x1b[3~"); /* delete under the cursor */
	assert_screen_matches();
	feed("h\x1b[F"); /* end */
	assert_int_equal(le->pos, le->len);
	feed("\x1b[C");	      /* right at the end: nothing */
	feed("\x1bOD\x1bOC"); /* SS3 arrows, as in application cursor mode */
	assert_screen_matches();
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "help");
}

static void test_escape_cut_short(void **state)
{
	(void)state;
	/* a control byte inside a sequence ends it and still counts */
	assert_int_equal(feed("ab\x1b[1\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "ab");
	lineedit_start(le, PROMPT);
	/* a lone ESC before an ordinary key drops only the ESC */
	assert_int_equal(feed("\x1bx\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "x");
}

static void test_history(void **state)
{
	(void)state;
	feed("one\r");
	lineedit_start(le, PROMPT);
	feed("two\r");
	lineedit_start(le, PROMPT);
	feed("two\r"); /* a repeat is stored once */
	lineedit_start(le, PROMPT);
	feed("   \r"); /* blank lines are not stored */
	lineedit_start(le, PROMPT);
	feed("new");
	feed("\x1b[A");
	assert_string_equal(le->buf, "two");
	assert_screen_matches();
	feed("\x1b[A");
	assert_string_equal(le->buf, "one");
	feed("\x1b[A"); /* past the oldest: stays */
	assert_string_equal(le->buf, "one");
	assert_screen_matches();
	feed("\x1b[B\x1b[B"); /* back down to the line being typed */
	assert_string_equal(le->buf, "new");
	assert_screen_matches();
	feed("\x1b[B");
	assert_string_equal(le->buf, "new");
	feed("\x1b[A\x1b[A!"); /* edit a recalled line and run it */
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "one!");
	lineedit_start(le, PROMPT);
	feed("\x1b[A");
	assert_string_equal(le->buf, "one!");
	feed("\x1b[A");
	assert_string_equal(le->buf, "two");
}

static void test_history_keeps_16(void **state)
{
	char line[16];

	(void)state;
	for (int i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "cmd%d\r", i);
		feed(line);
		lineedit_start(le, PROMPT);
	}
	for (int i = 0; i < LINEEDIT_HISTORY; i++)
		feed("\x1b[A");
	assert_string_equal(le->buf, "cmd4"); /* the 16th newest of cmd0..cmd19 */
	feed("\x1b[A");
	assert_string_equal(le->buf, "cmd4");
}

static void test_tab_completion(void **state)
{
	(void)state;
	feed("v\t"); /* unique: completed, with a space */
	assert_string_equal(le->buf, "version ");
	assert_screen_matches();
	feed("\x15"
	     "he\t"); /* help, hello: their common prefix */
	assert_int_equal(le->len, 3);
	assert_memory_equal(le->buf, "hel", 3);
	transcript_len = 0;
	feed("\t"); /* still ambiguous: list them, redraw */
	assert_non_null(strstr(transcript, "\nhelp  hello\n" PROMPT "hel"));
	assert_screen_matches();
	feed("lo\t");
	assert_string_equal(le->buf, "hello ");
	feed("\x15"
	     "zz\t"); /* no match: nothing */
	assert_int_equal(le->len, 2);
	feed("\x15"
	     "  up\t"); /* leading blanks do not hide the command word */
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "  uptime ");
}

static void test_tab_after_command_separates(void **state)
{
	char *argv[MENU_MAX_ARGS + 1];

	(void)state;
	feed("replyhi a\tb");
	assert_screen_matches();
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_int_equal(lineedit_split(le->buf, argv, MENU_MAX_ARGS), 3);
	assert_string_equal(argv[0], "replyhi");
	assert_string_equal(argv[1], "a");
	assert_string_equal(argv[2], "b");
	assert_null(argv[3]);
}

static void test_line_limit(void **state)
{
	char *line = malloc(MENU_MAX_LINE + 2);

	(void)state;
	memset(line, 'a', MENU_MAX_LINE);
	assert_int_equal(feed_n(line, MENU_MAX_LINE), LINEEDIT_NONE);
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_int_equal(strlen(le->buf), MENU_MAX_LINE);

	lineedit_start(le, PROMPT);
	memset(line, 'b', MENU_MAX_LINE + 1);
	feed_n(line, MENU_MAX_LINE + 1);
	assert_int_equal(le->len, MENU_MAX_LINE);
	feed("\x7f"
	     "c"); /* too long stays too long */
	assert_int_equal(feed("\r"), LINEEDIT_TOOLONG);

	lineedit_start(le, PROMPT); /* and the next line is fine */
	assert_int_equal(feed("help\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "help");

	lineedit_start(le, PROMPT); /* Ctrl-U forgets an overflow */
	feed_n(line, MENU_MAX_LINE + 1);
	feed("\x15"
	     "help\r");
	assert_string_equal(le->buf, "help");
	free(line);
}

static void test_split(void **state)
{
	char *argv[MENU_MAX_ARGS + 1];
	char line[512], copy[512];
	char *p;

	(void)state;
	strcpy(line, "  a\t\tbb  c \t");
	assert_int_equal(lineedit_split(line, argv, MENU_MAX_ARGS), 3);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "bb");
	assert_string_equal(argv[2], "c");
	assert_null(argv[3]);

	strcpy(line, " \t ");
	assert_int_equal(lineedit_split(line, argv, MENU_MAX_ARGS), 0);
	assert_null(argv[0]);

	/* 32 words fit, 33 do not */
	p = line;
	for (int i = 0; i < MENU_MAX_ARGS; i++)
		p += sprintf(p, "w%d ", i);
	strcpy(copy, line);
	assert_int_equal(lineedit_split(copy, argv, MENU_MAX_ARGS), MENU_MAX_ARGS);
	assert_string_equal(argv[31], "w31");
	assert_null(argv[32]);
	strcpy(p, "w32");
	assert_int_equal(lineedit_split(line, argv, MENU_MAX_ARGS), -E2BIG);
}

/* After other output (the console blanked the line and started a new one), the
 * prompt, the line and the cursor position come back, and editing goes on. */
static void test_redraw_after_other_output(void **state)
{
	static const char other[] = "\nrecv \"hello\" from 10.0.2.2:4000\n";

	(void)state;
	feed("helo\x1b[D");
	term_write(other, strlen(other));
	lineedit_redraw(le);
	assert_screen_matches();
	assert_int_equal(cursor, strlen(PROMPT) + 3);
	feed("l");
	assert_screen_matches();
	assert_int_equal(feed("\r"), LINEEDIT_LINE);
	assert_string_equal(le->buf, "hello");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enter_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_newline_or_control_in_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backspace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctrl_u, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctrl_c, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursor_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_keeps_16, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tab_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tab_after_command_separates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redraw_after_other_output, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
