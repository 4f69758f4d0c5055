/* The shell task: registers every command group, then runs the menu. */
#include "user/menu.h"

void menuos_main(void *arg);

void menuos_main(void *arg)
{
	(void)arg;
	SetPrompt("MenuOS>>");
	menu_register_builtin();
	menu_register_net();
	menu_register_tcp();
	menu_register_capture();
	menu_register_pktstat();
	menu_register_iperf();
	menu_register_httpd();
	menu_register_dhcp();
	menu_register_ipfwd();
	ExecuteMenu();
}
