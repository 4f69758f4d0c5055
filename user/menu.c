/*
 * The MenuOS menu engine: a table of commands (MenuConfig) and the
 * read-eval loop (ExecuteMenu) that reads a line with the line editor,
 * splits it into words and runs the command named by the first.
 * `help` belongs to the engine, since it lists the engine's table; it is
 * always the first command.
 */
#include <stdio.h>
#include <string.h>
#include "user/menu.h"
#include "user/lineedit.h"
#include "kernel/console.h"
#include "kernel/sched.h"

#define MENU_MAX_CMDS 64

struct menu_cmd {
	const char *cmd; /* both strings must stay valid: in practice, literals */
	const char *desc;
	menu_handler_t handler;
};

static int cmd_help(int argc, char *argv[]);

static struct menu_cmd cmds[MENU_MAX_CMDS] = {
	{"help", "list the commands (help CMD: show one)", cmd_help},
};
static size_t ncmds = 1;
static const char *prompt = "MenuOS>>";

/* The word MenuOS in asterisks: 10 lines of 60 columns. */
static const char *const banner[] = {
	"************************************************************",
	"*                                                          *",
	"*       *     *                        ****    *****       *",
	"*       **   **   ***   * **   *   *  *    *  *            *",
	"*       * * * *  *   *  **  *  *   *  *    *   ****        *",
	"*       *  *  *  *****  *   *  *   *  *    *       *       *",
	"*       *     *  *      *   *  *  **  *    *       *       *",
	"*       *     *   ****  *   *   ** *   ****   *****        *",
	"*                                                          *",
	"************************************************************",
};

static const struct menu_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ncmds; i++)
		if (strcmp(cmds[i].cmd, name) == 0)
			return &cmds[i];
	return NULL;
}

static int cmd_help(int argc, char *argv[])
{
	const struct menu_cmd *c;

	if (argc > 2) {
		printf("usage: help [CMD]\n");
		return 1;
	}
	if (argc == 2) {
		c = find_cmd(argv[1]);
		if (!c) {
			printf("help: no command %s\n", argv[1]);
			return 1;
		}
		printf("%s - %s\n", c->cmd, c->desc);
		return 0;
	}
	for (size_t i = 0; i < ncmds; i++)
		printf("%s - %s\n", cmds[i].cmd, cmds[i].desc);
	return 0;
}

void SetPrompt(const char *p) { prompt = p; }

int MenuConfig(const char *cmd, const char *desc, menu_handler_t handler)
{
	if (!cmd || !*cmd || cmd[strcspn(cmd, " \t")] || !desc || !handler)
		return -1;
	if (find_cmd(cmd) || ncmds == MENU_MAX_CMDS)
		return -1;
	cmds[ncmds].cmd = cmd;
	cmds[ncmds].desc = desc;
	cmds[ncmds].handler = handler;
	ncmds++;
	return 0;
}

/* For Tab completion. */
static const char *command_name(size_t idx) { return idx < ncmds ? cmds[idx].cmd : NULL; }

/*
 * Runs a command as the console's foreground task: Ctrl-C then interrupts
 * its sleeps (they return -EINTR) instead of reaching the line editor.
 */
static void run_command(int argc, char *argv[])
{
	const struct menu_cmd *c = find_cmd(argv[0]);
	int r;

	if (!c) {
		printf("This is a wrong cmd!\nType help for the list of commands.\n");
		return;
	}
	task_clear_signal();
	console_set_foreground(current);
	r = c->handler(argc, argv);
	console_set_foreground(NULL);
	task_clear_signal();
	if (r < 0)
		printf("%s: %s\n", argv[0], strerror(-r));
}

static enum lineedit_event read_line(struct lineedit *le)
{
	enum lineedit_event ev = LINEEDIT_NONE;

	while (ev == LINEEDIT_NONE) {
		int c;

		console_line_typed(le->len > 0);
		c = console_getc();
		if (c < 0) { /* interrupted while waiting: nothing was typed */
			task_clear_signal();
			continue;
		}
		ev = lineedit_feed(le, (char)c);
	}
	return ev;
}

static struct lineedit le; /* 18 KiB with the history: not on the stack */

/* Background output blanked the line being typed (kernel/console.h). */
static void redraw_line(void) { lineedit_redraw(&le); }

int ExecuteMenu(void)
{
	char *argv[MENU_MAX_ARGS + 1];
	int argc;

	lineedit_init(&le, console_write, command_name);
	console_set_redraw(redraw_line);
	for (size_t i = 0; i < sizeof(banner) / sizeof(banner[0]); i++)
		printf("%s\n", banner[i]);
	for (;;) {
		lineedit_start(&le, prompt);
		switch (read_line(&le)) {
		case LINEEDIT_LINE:
			argc = lineedit_split(le.buf, argv, MENU_MAX_ARGS);
			if (argc < 0)
				printf("too many arguments (max %d)\n", MENU_MAX_ARGS);
			else if (argc > 0)
				run_command(argc, argv);
			break;
		case LINEEDIT_TOOLONG:
			printf("line too long (max %d characters)\n", MENU_MAX_LINE);
			break;
		default: /* Ctrl-C: the editor has shown ^C; just a new prompt */
			break;
		}
	}
}
