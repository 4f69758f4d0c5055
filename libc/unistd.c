/* sleep and usleep on the kernel's interruptible millisecond sleep. */
#include <unistd.h>
#include <errno.h>
#include "kernel/sched.h"
#include "kernel/timer.h"

/* Returns the seconds left, rounded up, when Ctrl-C cuts the sleep short (POSIX). */
unsigned int sleep(unsigned int seconds)
{
	uint64_t end = jiffies_ms() + (uint64_t)seconds * 1000;
	uint64_t now;

	if (msleep_interruptible((unsigned long)seconds * 1000) == 0)
		return 0;
	now = jiffies_ms();
	return now >= end ? 0 : (unsigned int)((end - now + 999) / 1000);
}

int usleep(unsigned long usec)
{
	int r = msleep_interruptible(usec / 1000 + (usec % 1000 != 0));

	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
