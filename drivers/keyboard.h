/*
 * PS/2 keyboard on ISA IRQ 1 (scancode set 1, US layout).  Keys become the
 * bytes a terminal would send, fed to console_input(): Enter is CR,
 * Backspace is DEL (0x7f), Ctrl+letter is the control code (Ctrl-C 0x03),
 * arrows are ESC [ A/B/C/D, Home/End ESC [ H/F, Delete ESC [ 3 ~.  So the
 * shell handles the keyboard and a serial terminal the same way.
 */
#ifndef DRIVERS_KEYBOARD_H
#define DRIVERS_KEYBOARD_H

void keyboard_init(void);

#endif
