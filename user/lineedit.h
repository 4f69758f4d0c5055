/*
 * The shell's line editor, as a pure state machine: bytes in (from a
 * terminal or the keyboard driver), echo out through a callback, and an
 * event when a line is complete.  No kernel dependencies, so it is unit
 * tested on the host (tests/unit/test_lineedit.c).
 *
 * Keys: Enter is CR, LF or CR LF (an LF right after a CR is part of the same
 * Enter); Backspace (0x08 or 0x7f); Ctrl-U erases the line; Ctrl-C abandons
 * it; ESC [ A / B walk the history (newest first); ESC [ C / D move the
 * cursor, ESC [ H / F (or 1~ / 4~) go to the start / end, ESC [ 3 ~ deletes
 * under the cursor; Tab in the first word completes a command name (unique
 * prefix: completed; several: their common prefix, or the list of them),
 * Tab after the first word is kept as an argument separator.  Printable
 * ASCII is inserted at the cursor; other control bytes are ignored, so no
 * newline ever gets into a line.  A line longer than MENU_MAX_LINE is not
 * cut: the rest is not echoed and Enter reports it as too long.
 */
#ifndef USER_LINEEDIT_H
#define USER_LINEEDIT_H

#include <stddef.h>
#include "user/menu.h"

#define LINEEDIT_HISTORY 16

enum lineedit_event {
	LINEEDIT_NONE,	  /* keep feeding */
	LINEEDIT_LINE,	  /* le->buf holds the line (NUL-terminated) */
	LINEEDIT_INTR,	  /* Ctrl-C: the line was abandoned */
	LINEEDIT_TOOLONG, /* Enter after more than MENU_MAX_LINE characters */
};

struct lineedit {
	char buf[MENU_MAX_LINE + 1]; /* always NUL-terminated */
	size_t len, pos;	     /* line length and cursor position */
	int overflow;		     /* characters were lost beyond MENU_MAX_LINE */
	int after_cr;		     /* the last byte was CR: swallow one LF */
	int esc_state;		     /* 0, after ESC, inside ESC [ */
	unsigned esc_param;
	const char *prompt;

	void (*write)(const char *s, size_t n);
	const char *(*command_name)(size_t idx); /* NULL past the last command */

	char history[LINEEDIT_HISTORY][MENU_MAX_LINE + 1];
	int hist_count;		       /* entries stored */
	int hist_newest;	       /* slot of the newest entry */
	int hist_browse;	       /* 0: the new line; k: the k-th newest entry */
	char saved[MENU_MAX_LINE + 1]; /* the new line while browsing the history */
};

void lineedit_init(struct lineedit *le, void (*write)(const char *s, size_t n),
		   const char *(*command_name)(size_t idx));
/* Starts a new line: prints the prompt. */
void lineedit_start(struct lineedit *le, const char *prompt);
/* Prints the prompt and the line again, cursor where it was (after other output). */
void lineedit_redraw(struct lineedit *le);
enum lineedit_event lineedit_feed(struct lineedit *le, char c);

/*
 * Splits line in place at spaces and tabs into argv[0..argc-1], argv[argc] =
 * NULL (argv has room for max_args + 1).  Returns argc, or -E2BIG when there
 * are more than max_args words.
 */
int lineedit_split(char *line, char *argv[], int max_args);

#endif
