/*
 * capture start [IF|any] [-c N] / capture stop / capture: record frames in
 * pcap format and stream them out over COM2, where ./run-qemu.sh
 * --pcap-guest FILE writes them to FILE for tshark or Wireshark.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/menu.h"
#include "net/capture.h"
#include "net/netdevice.h"
#include "net/platform.h"
#include "kernel/sched.h"

#define CAPTURE_DRAIN_MS 10000

static void show_stats(const char *what)
{
	struct capture_stats st;

	capture_get_stats(&st);
	printf("capture: %s: %llu frames, %llu dropped, %llu bytes, %lu not yet sent\n", what,
	       (unsigned long long)st.frames, (unsigned long long)st.dropped,
	       (unsigned long long)st.bytes, (unsigned long)st.pending);
}

static int usage(void)
{
	printf("usage: capture start [IF|any] [-c N] | capture stop | capture\n");
	return 1;
}

static int capture_start_cmd(int argc, char *argv[])
{
	const char *ifname = "any";
	unsigned long long count = 0;
	int ifindex = 0, err;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-c")) {
			char *end;

			if (++i == argc)
				return usage();
			count = strtoull(argv[i], &end, 10);
			if (*end || count == 0) {
				printf("capture: -c takes a frame count above 0, not '%s'\n", argv[i]);
				return 1;
			}
		} else {
			ifname = argv[i];
		}
	}
	if (strcmp(ifname, "any")) {
		struct net_device *dev;

		net_lock();
		dev = dev_get_by_name(ifname);
		ifindex = dev ? dev->ifindex : -1;
		net_unlock();
		if (ifindex < 0) {
			printf("capture: no interface %s\n", ifname);
			return 1;
		}
	}
	net_lock();
	err = capture_start(ifindex, count);
	net_unlock();
	if (err == -EBUSY) {
		printf("capture: already recording (capture stop first)\n");
		return 1;
	}
	if (err == -ENXIO) {
		printf("capture: no COM2 to stream to (boot with ./run-qemu.sh --pcap-guest FILE)\n");
		return 1;
	}
	if (err) {
		printf("capture: %s\n", strerror(-err));
		return 1;
	}
	printf("capture: recording %s (%s) to COM2", ifname,
	       ifindex ? "Ethernet" : "Linux cooked capture");
	if (count)
		printf(", %llu frames", count);
	printf("\n");
	return 0;
}

static int cmd_capture(int argc, char *argv[])
{
	if (argc == 1) {
		struct capture_stats st;

		capture_get_stats(&st);
		show_stats(st.active ? "recording" : "not recording");
		return 0;
	}
	if (!strcmp(argv[1], "start"))
		return capture_start_cmd(argc, argv);
	if (!strcmp(argv[1], "stop") && argc == 2) {
		struct capture_stats st;

		net_lock();
		capture_stop();
		net_unlock();
		/* let COM2 send what is queued, so the file is whole when we say so */
		for (int waited = 0; waited < CAPTURE_DRAIN_MS; waited += 10) {
			capture_get_stats(&st);
			if (!st.pending)
				break;
			msleep(10);
		}
		show_stats("stopped");
		return 0;
	}
	return usage();
}

void menu_register_capture(void)
{
	MenuConfig("capture", "capture start [IF|any] [-c N] | stop: frames in pcap form to COM2",
		   cmd_capture);
}
