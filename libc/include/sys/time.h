/* struct timeval, as on Linux x86_64 (used by SO_RCVTIMEO/SO_SNDTIMEO). */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <sys/types.h>

struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};

#endif
