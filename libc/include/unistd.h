/* The few POSIX calls a MenuOS program uses besides sockets. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <sys/types.h>

int close(int fd);
unsigned int sleep(unsigned int seconds);
int usleep(unsigned long usec);

#endif
