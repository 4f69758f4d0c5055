/*
 * gen_routes N [SEED]: N distinct IPv4 prefixes shaped like a full
 * Internet table, one "A.B.C.D/LEN NH" line each (NH: a next hop number,
 * 0..NH_COUNT-1), for tests/bench/fib_bench.c.
 *
 * Prefix lengths: shares rounded from the shape of the public IPv4 BGP
 * table in 2023-2024 as the routing table reports of potaroo.net (Geoff
 * Huston, "BGP in 2023") and the CIDR Report show it: about 60% /24,
 * 22% /22-/23, 14% /16-/21, under 1% /8-/15; the /25-/32 share is
 * ours (such prefixes are filtered in the global table but usual inside
 * a provider's), as are the exact figures below.
 *
 * Placement: a third of the prefixes longer than /16 are more-specifics
 * of a shorter prefix already made (deaggregation, which is what makes a
 * real table nest); the rest fall uniformly in the unicast space
 * 1.0.0.0-223.255.255.255 outside 10/8, 127/8, 172.16/12 and
 * 192.168/16.  Next hops follow a Zipf-like law over NH_COUNT peers: a
 * few upstreams carry most routes, as at a real border router.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NH_COUNT 32

/* parts per million of the table, /0 to /32 */
static const int share[33] = {
	[8] = 16,	[9] = 12,     [10] = 37,    [11] = 100,	  [12] = 300,	[13] = 600,
	[14] = 1200,	[15] = 2100,  [16] = 14000, [17] = 9000,  [18] = 15000, [19] = 26000,
	[20] = 42000,	[21] = 34000, [22] = 124000, [23] = 96000, [24] = 600000, [25] = 4000,
	[26] = 4000,	[27] = 3000,  [28] = 2400,  [29] = 2400,  [30] = 2000,	[31] = 600,
	[32] = 2000,
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t pmask(int len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

static int unicast(uint32_t a)
{
	uint32_t top = a >> 24;

	return top >= 1 && top <= 223 && top != 10 && top != 127 && (a >> 20) != 0xac1 &&
	       (a >> 16) != 0xc0a8;
}

/* A set of (prefix, len) in open addressing. */
static uint64_t *set;
static size_t set_size;

static int set_add(uint32_t prefix, int len)
{
	uint64_t key = ((uint64_t)prefix << 6 | (uint64_t)len) + 1;
	size_t h = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (set_size - 1);

	while (set[h]) {
		if (set[h] == key)
			return 0;
		h = (h + 1) & (set_size - 1);
	}
	set[h] = key;
	return 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, made = 0, i;
	uint32_t *shorter, nshort = 0;
	int len;

	if (n <= 0 || n > 4000000) {
		fprintf(stderr, "usage: gen_routes N [SEED]  (1 <= N <= 4000000)\n");
		return 2;
	}
	if (argc > 2)
		rng ^= (uint64_t)atol(argv[2]) * 0x2545f4914f6cdd1dull;
	for (set_size = 1; set_size < (size_t)n * 2; set_size <<= 1)
		;
	set = calloc(set_size, sizeof(*set));
	shorter = malloc((size_t)n * sizeof(*shorter) * 2);
	if (!set || !shorter)
		return 1;
	/* shorter lengths first, so longer ones can nest in them */
	for (len = 8; len <= 32; len++) {
		long want = n * share[len] / 1000000, got = 0;

		for (i = 0; got < want && i < want * 50; i++) {
			uint32_t a, nh;

			if (len > 16 && nshort && rnd() % 3 == 0) {
				uint32_t p = shorter[rnd() % nshort];
				int plen = (int)(p & 63);

				if (plen >= len)
					continue;
				a = (p & ~63u) | (rnd() & ~pmask(plen));
			} else {
				a = rnd() << 8 ^ rnd();
			}
			a &= pmask(len);
			if (!unicast(a) || !set_add(a, len))
				continue;
			/* Zipf-like: next hop k with weight 1/(k+1) */
			nh = rnd() % 1000;
			nh = nh < 250 ? 0 : nh < 375 ? 1 : nh < 458 ? 2 : 3 + rnd() % (NH_COUNT - 3);
			printf("%u.%u.%u.%u/%d %u\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
			       a & 255, len, nh);
			if (len <= 22 && len >= 8 && (a & 63) == 0)
				shorter[nshort++] = a | (uint32_t)len;
			got++;
			made++;
		}
	}
	/* the rounding of the shares leaves a few: /24s make up the count */
	while (made < n) {
		uint32_t a = (rnd() << 8 ^ rnd()) & pmask(24);

		if (!unicast(a) || !set_add(a, 24))
			continue;
		printf("%u.%u.%u.%u/24 %u\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
		       rnd() % NH_COUNT);
		made++;
	}
	free(set);
	free(shorter);
	return 0;
}
