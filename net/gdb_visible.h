/*
 * __gdb_visible: the functions of the packet's way that the gdb lab sets
 * breakpoints on stay out of line, so a breakpoint on the name stops at
 * every call however the compiler would inline them (tests/menuos.gdb).
 */
#ifndef NET_GDB_VISIBLE_H
#define NET_GDB_VISIBLE_H

#define __gdb_visible __attribute__((noinline))

#endif
