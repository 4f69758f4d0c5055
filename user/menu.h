/*
 * The MenuOS menu engine (the API of MenuOS's menu.h): commands are
 * registered with MenuConfig and run by ExecuteMenu's read-eval loop.
 */
#ifndef USER_MENU_H
#define USER_MENU_H

#define MENU_MAX_ARGS 32
#define MENU_MAX_LINE 1024

/*
 * A command's handler: argv[0] is the command name, argv[argc] is NULL.
 * Returns 0 on success, a negative errno (the engine prints it as words,
 * e.g. "hello: Connection refused"), or a positive value when the handler
 * has already explained the failure.  While it runs, Ctrl-C interrupts its
 * sleeps (they return -EINTR).
 */
typedef int (*menu_handler_t)(int argc, char *argv[]);

void SetPrompt(const char *prompt);
/* Adds a command; returns 0, or -1 if it exists already or the table is full. */
int MenuConfig(const char *cmd, const char *desc, menu_handler_t handler);
/* Prints the banner and runs the shell; returns only when quit fails. */
int ExecuteMenu(void);

/*
 * Command groups register themselves from these, called once before
 * ExecuteMenu.  Each lives in its own user/ file.
 */
void menu_register_builtin(void); /* version quit uptime mem ps reboot clear cmdline ... */
void menu_register_net(void);	  /* ifconfig arp ping route netstat -i skb lspci */
void menu_register_capture(void); /* capture */
void menu_register_pktstat(void); /* pktstat */
void menu_register_tcp(void);	  /* replyhi hello netstat tcptrace sink send */
void menu_register_iperf(void);	  /* iperf3 */
void menu_register_httpd(void);	  /* httpd */
void menu_register_dhcp(void);	  /* dhcp */
void menu_register_ipfwd(void);	  /* sysctl traceroute */

#endif
