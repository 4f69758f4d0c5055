/* sleep and usleep on the kernel's interruptible millisecond sleep. */
#include <unistd.h>
#include <errno.h>
#include "libc/sys.h"

/* Returns the seconds left, rounded up, when Ctrl-C cuts the sleep short (POSIX). */
unsigned int sleep(unsigned int seconds)
{
	uint64_t end = sys_uptime_ms() + (uint64_t)seconds * 1000;
	uint64_t now;

	if (sys_msleep((unsigned long)seconds * 1000) == 0)
		return 0;
	now = sys_uptime_ms();
	return now >= end ? 0 : (unsigned int)((end - now + 999) / 1000);
}

int usleep(unsigned long usec)
{
	int r = sys_msleep(usec / 1000 + (usec % 1000 != 0));

	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
