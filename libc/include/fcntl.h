/* fcntl() on sockets: only the file status flags (O_NONBLOCK) exist here. */
#ifndef _FCNTL_H
#define _FCNTL_H

#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4

#define FD_CLOEXEC 1

#define O_RDONLY   00
#define O_WRONLY   01
#define O_RDWR	   02
#define O_NONBLOCK 04000
#define O_CLOEXEC  02000000

int fcntl(int fd, int cmd, ...);

#endif
