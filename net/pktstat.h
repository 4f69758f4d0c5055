/*
 * Per-stage counters of the receive path (the stages are listed in
 * net/netctl.h): a stage takes its start time with pktstat_start() and
 * accounts the call with pktstat_end().  Off (the default), a stage costs
 * one test of pktstat_on; on, two ktime_ns() reads (the TSC).
 */
#ifndef NET_PKTSTAT_H
#define NET_PKTSTAT_H

#include <stdint.h>

#include "net/netctl.h"
#include "net/platform.h"

extern int pktstat_on;

static inline uint64_t pktstat_start(void) { return pktstat_on ? ktime_ns() : 0; }

void pktstat_account(enum netctl_pktstat_stage stage, uint64_t t0, uint64_t bytes);

/* t0 from pktstat_start(); 0 means counting was off when the stage began. */
static inline void pktstat_end(enum netctl_pktstat_stage stage, uint64_t t0, uint64_t bytes)
{
	if (t0)
		pktstat_account(stage, t0, bytes);
}

#endif
