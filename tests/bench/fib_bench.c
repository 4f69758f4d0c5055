/*
 * fib_bench ROUTES [VERIFY]: the routing table's figures on the host, for
 * `make fib-bench` (and `make bench`).  ROUTES is gen_routes' output.
 * Builds net/fib_dxr.c as the kernel does (-O2), with kmalloc taking the
 * table's memory from 2 MiB pages as the kernel's heap is mapped (boot.S
 * identity-maps memory with 2 MiB pages: a lookup's TLB misses there are
 * few), and prints:
 *  - load time and memory (bytes per prefix, everything the table holds);
 *  - what the core gives (dependent adds per second, load latencies, the
 *    rate of random loads), to read the lookup figures against;
 *  - lookups per second on one core (the thread pinned to the core it
 *    starts on; per second of its CPU time: the machine may be shared),
 *    on uniformly random addresses and on skewed ones (traffic-like: 90%
 *    of lookups go to 1% of the prefixes) and on 1000 hot prefixes (a
 *    working set in cache: the lookup's own cost), one at a time and in
 *    bursts of 256 (fib_table_lookup_batch), each the median of ROUNDS
 *    runs, the two kinds alternating;
 *  - add and delete latency of single routes on the wall clock, with the
 *    page faults and context switches inside each: each add of the load,
 *    and random routes deleted and added again, for /16 and longer and
 *    for shorter prefixes: the distribution, and the slowest op repeated
 *    (the table's work if it is slow every time, the host's if not: an
 *    interrupt, the VM descheduled);
 *    then the updates that do the most work by construction, repeated;
 *  - the same lookups through the linear table route.c had before (a scan
 *    of every route): with 1M prefixes it is too slow to run 10M lookups,
 *    so it runs LINEAR_LOOKUPS and says so;
 *  - a check of VERIFY (default 10M) random lookups against a reference
 *    that probes a hash table per prefix length from /32 down: any
 *    difference is printed and makes the exit status 1.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "net/fib.h"

#define LOOKUPS	       10000000
#define LINEAR_LOOKUPS 2000
#define UPDATES	       20000
#define ROUNDS	       5 /* each lookup figure is the median of this many runs */

/*
 * kmalloc over one region of 2 MiB pages (madvise(MADV_HUGEPAGE), which
 * the host's transparent huge pages honour in "madvise" mode): blocks of
 * 16-byte units after a 16-byte header holding their size, freed blocks
 * kept on a list per size (those of 64 KiB and more on one list) and
 * taken again first.
 */
#define HEAP_SIZE     (4ul << 30) /* address space only: pages come on first touch */
#define HEAP_PREFAULT (512ul << 20)
#define HEAP_LISTS    4096
#define HUGE_PAGE     (2ul << 20)

static char *heap, *heap_cur, *heap_end;
static void *heap_free[HEAP_LISTS + 1];

static void heap_init(void)
{
	char *p = mmap(NULL, HEAP_SIZE + HUGE_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	heap = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
	if (madvise(heap, HEAP_SIZE, MADV_HUGEPAGE))
		perror("madvise(MADV_HUGEPAGE), the table is in 4 KiB pages");
	/* the kernel's heap is mapped at boot: a first touch here (a 2 MiB
	 * page zeroed, memory compacted for it: up to milliseconds) inside
	 * an update would be the host's cost, not the table's */
	if (madvise(heap, HEAP_PREFAULT, MADV_POPULATE_WRITE))
		memset(heap, 0, HEAP_PREFAULT);
	heap_cur = heap;
	heap_end = heap + HEAP_SIZE;
}

void *kmalloc(size_t size)
{
	size_t units = (size + 15) / 16, list = units < HEAP_LISTS ? units : HEAP_LISTS;
	void **pp;
	char *b;

	for (pp = &heap_free[list]; *pp; pp = (void **)*pp) {
		b = (char *)*pp;
		if (*(size_t *)(b - 16) == units) {
			*pp = *(void **)b;
			return b;
		}
	}
	if ((size_t)(heap_end - heap_cur) < units * 16 + 16)
		return NULL;
	b = heap_cur + 16;
	*(size_t *)heap_cur = units;
	heap_cur += units * 16 + 16;
	return b;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	size_t units;

	if (!p)
		return;
	units = *(size_t *)((char *)p - 16);
	*(void **)p = heap_free[units < HEAP_LISTS ? units : HEAP_LISTS];
	heap_free[units < HEAP_LISTS ? units : HEAP_LISTS] = p;
}

struct route {
	uint32_t prefix;
	int len;
	uint32_t nh;
};

static struct route *routes;
static long nroutes;
/* next hops: gw = 10.0.0.1 + nh, all on one fake device, metric 0 */
static char fake_dev[1];

/* CPU time of this thread: on a shared machine, time spent descheduled
 * is not the table's (the figures are per second of one core). */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t pmask(int len) { return len ? 0xffffffffu << (32 - len) : 0; }

static int load(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned a, b, c, d, nh;
	long cap = 1 << 20;
	int len;

	if (!f)
		return -1;
	routes = malloc(cap * sizeof(*routes));
	while (fscanf(f, "%u.%u.%u.%u/%d %u", &a, &b, &c, &d, &len, &nh) == 6) {
		if (nroutes == cap)
			routes = realloc(routes, (cap *= 2) * sizeof(*routes));
		routes[nroutes].prefix = a << 24 | b << 16 | c << 8 | d;
		routes[nroutes].len = len;
		routes[nroutes].nh = nh;
		nroutes++;
	}
	fclose(f);
	return 0;
}

/* ---- the reference: one hash table per length ---- */

static uint64_t *ref_tab;
static size_t ref_size;
static uint32_t ref_lens; /* bit l: some /l exists (bit 32 in ref_has32) */
static int ref_has32;

static size_t ref_hash(uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 17) & (ref_size - 1);
}

static void ref_add(uint32_t prefix, int len, uint32_t nh)
{
	uint64_t key = (uint64_t)prefix << 6 | (uint64_t)len;
	size_t h = ref_hash(key);

	while (ref_tab[h * 2])
		h = (h + 1) & (ref_size - 1);
	ref_tab[h * 2] = key + 1;
	ref_tab[h * 2 + 1] = nh;
	if (len == 32)
		ref_has32 = 1;
	else
		ref_lens |= 1u << len;
}

static long ref_lookup(uint32_t addr)
{
	int len;

	for (len = 32; len >= 0; len--) {
		uint64_t key;
		size_t h;

		if (len == 32 ? !ref_has32 : !(ref_lens & (1u << len)))
			continue;
		key = ((uint64_t)(addr & pmask(len)) << 6 | (uint64_t)len) + 1;
		for (h = ref_hash(key - 1); ref_tab[h * 2]; h = (h + 1) & (ref_size - 1))
			if (ref_tab[h * 2] == key)
				return (long)ref_tab[h * 2 + 1];
	}
	return -1;
}

/* ---- the linear table (route.c before DXR) ---- */

static long linear_lookup(uint32_t addr)
{
	long i, best = -1;

	for (i = 0; i < nroutes; i++)
		if ((addr & pmask(routes[i].len)) == routes[i].prefix &&
		    (best < 0 || routes[i].len > routes[best].len))
			best = i;
	return best < 0 ? -1 : (long)routes[best].nh;
}

static long fib_nh_of(const struct fib_table *t, uint32_t addr)
{
	const struct fib_nh *nh = fib_table_lookup(t, addr);

	return nh ? (long)(nh->gw - 0x0a000001u) : -1;
}

/* Lookups per CPU-second of fib_table_lookup_index called once per
 * address in a loop (the calls are independent: the CPU overlaps as many
 * as its reorder window holds), or of fib_table_lookup_batch over bursts
 * of 256.  The addresses are made beforehand; every result goes into sum
 * so that none can be left out. */
static double rate_once(const struct fib_table *t, const uint32_t *addrs, long n, int burst,
			unsigned long *sum)
{
	uint16_t out[256];
	unsigned long s = 0;
	double t0 = now();
	long i, j, m;

	if (!burst) {
		for (i = 0; i < n; i++)
			s += fib_table_lookup_index(t, addrs[i]);
	} else {
		for (i = 0; i < n; i += m) {
			m = n - i < 256 ? n - i : 256;
			fib_table_lookup_batch(t, addrs + i, out, (unsigned int)m);
			for (j = 0; j < m; j++)
				s += out[j];
		}
	}
	*sum += s;
	return n / (now() - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of ROUNDS runs, and the lowest and highest, in millions/s. */
static void rate(const char *what, const struct fib_table *t, const uint32_t *addrs, long n,
		 unsigned long *sum)
{
	double r[2][ROUNDS];
	int k, burst;

	for (k = 0; k < ROUNDS; k++)
		for (burst = 0; burst < 2; burst++)
			r[burst][k] = rate_once(t, addrs, n, burst, sum) / 1e6;
	for (burst = 0; burst < 2; burst++) {
		qsort(r[burst], ROUNDS, sizeof(double), cmp_double);
		printf("  lookups, %s, %s: %.1f million/s (%d runs: %.1f-%.1f)\n", what,
		       burst ? "bursts of 256 (fib_table_lookup_batch)" : "one at a time",
		       r[burst][ROUNDS / 2], ROUNDS, r[burst][0], r[burst][ROUNDS - 1]);
	}
}

/*
 * What this machine's core gives, for reading the figures above: dependent
 * adds per CPU-second (one cycle each on an idle core: a shared or
 * throttled core shows here) and the latency of a dependent load over
 * buffers of a dir table's size (1 MiB) and of the ranges' (16 MiB), in
 * 2 MiB pages like the table, and of independent loads over them, as a
 * loop of loads and with each prefetched ahead (a random lookup misses on
 * one line of ranges: the last is the rate a burst of them can reach).
 */
static void machine(void)
{
	static const size_t sizes[] = {1ul << 20,
				       16ul << 20}; /* powers of 2: a mask, not a divide */
	long n = 100000000, i;
	uint64_t x = 0;
	double t0 = now();
	size_t k;

	/* four to an iteration: in this VM a loop of one add takes four cycles */
	for (i = 0; i < n; i++)
		__asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
	printf("machine: %.2f billion dependent adds per CPU-second\n", 4 * n / (now() - t0) / 1e9);
	for (k = 0; k < 2; k++) {
		size_t m = sizes[k] / 64, j, tmp;
		uint64_t *buf = kmalloc(sizes[k]), p = 0, acc = 0;
		uint32_t *perm = malloc(m * sizeof(*perm));

		for (j = 0; j < m; j++)
			perm[j] = (uint32_t)j;
		for (j = m - 1; j > 0; j--) {
			size_t r = rnd() % (j + 1);

			tmp = perm[j];
			perm[j] = perm[r];
			perm[r] = (uint32_t)tmp;
		}
		for (j = 0; j < m; j++)
			buf[perm[j] * 8] = perm[(j + 1) % m] * 8;
		n = 10000000;
		t0 = now();
		for (i = 0; i < n; i++)
			p = buf[p];
		printf("  a dependent load over %zu MiB: %.1f ns", sizes[k] >> 20,
		       (now() - t0) / n * 1e9);
		t0 = now();
		for (i = 0; i < n; i++)
			acc += buf[perm[i & (m - 1)] * 8];
		printf("; independent: %.1f ns", (now() - t0) / n * 1e9);
		/* what a burst of lookups can get at best: each line asked
		 * for (prefetched) 16 loads before it is read */
		t0 = now();
		for (i = 0; i < n; i++) {
			__builtin_prefetch(&buf[perm[(i + 16) & (m - 1)] * 8]);
			acc += buf[perm[i & (m - 1)] * 8];
		}
		printf("; prefetched 16 ahead: %.1f ns (%lu)\n", (now() - t0) / n * 1e9,
		       (unsigned long)((p + acc) & 1));
		free(perm);
		kfree(buf);
	}
}

/* ---- update latency ---- */

/* One delete or add, timed on the wall clock (the vDSO's, tens of ns) with
 * the page faults and context switches that fell inside it (getrusage,
 * outside the timed part). */
struct upd {
	double us;
	const struct route *r;
	long faults, csw;
};

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void rusage_now(long *faults, long *csw)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	*faults = ru.ru_minflt + ru.ru_majflt;
	*csw = ru.ru_nvcsw + ru.ru_nivcsw;
}

static int route_add(struct fib_table *t, const struct route *r)
{
	return fib_table_insert(t, r->prefix, r->len, 0x0a000001u + r->nh,
				(struct net_device *)fake_dev, 0);
}

/* Deletes (add = 0) or adds route r, timed into u; the result. */
static int upd_op(struct fib_table *t, const struct route *r, int add, struct upd *u)
{
	long f0, c0;
	double t0;
	int err;

	rusage_now(&f0, &c0);
	t0 = wall();
	err = add ? route_add(t, r) : fib_table_delete(t, r->prefix, r->len, NULL, 0);
	u->us = (wall() - t0) * 1e6;
	rusage_now(&u->faults, &u->csw);
	u->faults -= f0;
	u->csw -= c0;
	u->r = r;
	return err;
}

static int cmp_upd(const void *a, const void *b)
{
	double x = ((const struct upd *)a)->us, y = ((const struct upd *)b)->us;

	return x < y ? -1 : x > y;
}

static void print_route(const struct route *r)
{
	printf("%u.%u.%u.%u/%d", r->prefix >> 24, r->prefix >> 16 & 255, r->prefix >> 8 & 255,
	       r->prefix & 255, r->len);
}

#define REPEATS 200

/*
 * Route r (in the table: in_table) deleted and added again REPEATS times
 * (added and deleted when not), each op timed: the add's and the
 * delete's minimum, median and maximum.  An op that is slow every time
 * is the table's work; one that is fast on repetition was the host's (a
 * page fault, the VM or the thread preempted, a cold cache).
 */
static void upd_repeat(struct fib_table *t, const struct route *r, int in_table)
{
	static struct upd add[REPEATS], del[REPEATS];
	int k, err;

	memset(add, 0, sizeof(add));
	memset(del, 0, sizeof(del));
	for (k = 0; k < REPEATS; k++) {
		if (in_table)
			err = upd_op(t, r, 0, &del[k]) || upd_op(t, r, 1, &add[k]);
		else
			err = upd_op(t, r, 1, &add[k]) || upd_op(t, r, 0, &del[k]);
		if (err) {
			fprintf(stderr, "repeating an update failed\n");
			exit(1);
		}
	}
	qsort(add, REPEATS, sizeof(*add), cmp_upd);
	qsort(del, REPEATS, sizeof(*del), cmp_upd);
	printf("%d times: add %.2f/%.2f/%.1f, delete %.2f/%.2f/%.1f us (min/median/max)\n", REPEATS,
	       add[0].us, add[REPEATS / 2].us, add[REPEATS - 1].us, del[0].us, del[REPEATS / 2].us,
	       del[REPEATS - 1].us);
}

/* The distribution of n ops u (sorted here), and the slowest of them
 * again. */
static void upd_report(struct fib_table *t, struct upd *u, long n, const char *what)
{
	double sum = 0;
	long i, faults = 0, csw = 0;
	const struct upd *w;

	for (i = 0; i < n; i++) {
		sum += u[i].us;
		faults += u[i].faults != 0;
		csw += u[i].csw != 0;
	}
	qsort(u, n, sizeof(*u), cmp_upd);
	w = &u[n - 1];
	printf("    %-7s us: mean %.2f, median %.2f, p99 %.2f, p99.9 %.2f, max %.1f "
	       "(%ld with a page fault, %ld with a context switch)\n",
	       what, sum / n, u[n / 2].us, u[n * 99 / 100].us, u[n * 999 / 1000].us, w->us, faults,
	       csw);
	printf("      the slowest, ");
	print_route(w->r);
	printf(" (%.1f us, %ld page faults, %ld context switches), ", w->us, w->faults, w->csw);
	upd_repeat(t, w->r, 1);
}

/* UPDATES random routes of /16 and longer (shortp: shorter than /16), each
 * deleted and added again at once. */
static void updates(struct fib_table *t, int shortp)
{
	static struct upd add[UPDATES], del[UPDATES];
	long done = 0, tries;
	const struct route *r;

	/* their pages faulted in beforehand, not by the first op they time */
	memset(add, 0, sizeof(add));
	memset(del, 0, sizeof(del));
	for (tries = 0; done < UPDATES && tries < UPDATES * 200L; tries++) {
		r = &routes[rnd() % nroutes];
		if ((r->len < 16) != shortp)
			continue;
		if (upd_op(t, r, 0, &del[done]) || upd_op(t, r, 1, &add[done])) {
			fprintf(stderr, "deleting and re-adding a route failed\n");
			exit(1);
		}
		done++;
	}
	printf("  prefixes %s: %ld random ones deleted, each added again at once\n",
	       shortp ? "/8-/15" : "/16-/32", done);
	upd_report(t, add, done, "adds");
	upd_report(t, del, done, "deletes");
}

/*
 * The updates that do the most work by construction, each repeated: a
 * prefix of the /16 whose chunk has the most prefixes (its rebuild is
 * the longest), the table's shortest prefix of /9 or longer (the most dir
 * entries take a new cover), and, not in the table, a /1 (as a VPN client
 * adds 0/1 and 128/1 to override the default route without deleting it)
 * and a default route (the most cover8[] entries).
 */
static void updates_worst(struct fib_table *t)
{
	static const struct route half = {0x80000000u, 1, 0}, dflt = {0, 0, 0};
	const struct route *big = NULL, *shortest = NULL;
	uint32_t most = 0;
	long i;

	for (i = 0; i < nroutes; i++) {
		const struct fib_chunk *c = NULL;

		if (routes[i].len >= 16)
			c = fib_dirent_chunk(fib_dir_at(t, routes[i].prefix >> 16));
		if (c && c->nrib > most) {
			most = c->nrib;
			big = &routes[i];
		}
		if (routes[i].len >= 9 && (!shortest || routes[i].len < shortest->len))
			shortest = &routes[i];
	}
	printf("  the most work by construction:\n");
	if (big) {
		printf("    ");
		print_route(big);
		printf(" (its /16 holds %u prefixes), ", most);
		upd_repeat(t, big, 1);
	}
	if (shortest) {
		printf("    ");
		print_route(shortest);
		printf(" (the shortest of /9 or longer), ");
		upd_repeat(t, shortest, 1);
	}
	printf("    ");
	print_route(&half);
	printf(" (not in the table), ");
	upd_repeat(t, &half, 0);
	printf("    ");
	print_route(&dflt);
	printf(" (not in the table), ");
	upd_repeat(t, &dflt, 0);
}

int main(int argc, char **argv)
{
	long verify = argc > 2 ? atol(argv[2]) : LOOKUPS, i, bad = 0;
	uint32_t *rand_addrs, *skew_addrs, hot;
	struct upd *load_times;
	struct fib_table *t;
	unsigned long sum = 0;
	double t0, lin, dir_us = 0;
	cpu_set_t cpus;

	if (argc < 2 || load(argv[1]) || !nroutes) {
		fprintf(stderr, "usage: fib_bench ROUTES [VERIFY]  (ROUTES from gen_routes)\n");
		return 2;
	}
	/* one core throughout: the figures are per core, and a move would
	 * leave the caches behind */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		perror("sched_setaffinity");
	heap_init();
	machine();
	t = fib_table_new();
	load_times = calloc(nroutes, sizeof(*load_times));
	memset(load_times, 0, nroutes * sizeof(*load_times));
	t0 = now();
	for (i = 0; i < nroutes; i++) {
		double w0 = wall();
		int had_dir = t->dir != NULL, err = route_add(t, &routes[i]);

		load_times[i].us = (wall() - w0) * 1e6;
		if (!had_dir && t->dir)
			dir_us = load_times[i].us;
		load_times[i].r = &routes[i];
		load_times[i].faults = load_times[i].csw = 0;
		if (err) {
			fprintf(stderr, "insert %ld: %d\n", i, err);
			return 1;
		}
	}
	printf("fib (DXR D16R), %ld prefixes\n", nroutes);
	printf("  load: %.2f s (%.2f us per prefix)\n", now() - t0, (now() - t0) / nroutes * 1e6);
	qsort(load_times, nroutes, sizeof(*load_times), cmp_upd);
	printf("    its adds, us: median %.2f, p99 %.2f, p99.9 %.2f, p99.99 %.1f, max %.1f (",
	       load_times[nroutes / 2].us, load_times[nroutes * 99 / 100].us,
	       load_times[nroutes * 999 / 1000].us, load_times[nroutes * 9999 / 10000].us,
	       load_times[nroutes - 1].us);
	print_route(load_times[nroutes - 1].r);
	printf(")\n      the add that made the direct table (1 MiB, filled from top): %.1f us\n",
	       dir_us);
	printf("      the slowest again, ");
	upd_repeat(t, load_times[nroutes - 1].r, 1);
	free(load_times);
	printf("  memory: %zu bytes, %.2f bytes per prefix (prefixes and next hops included)\n",
	       fib_table_mem(t), (double)fib_table_mem(t) / nroutes);
	/* a compaction under way holds the old slabs it is emptying too */
	for (i = 0; t->pool.compacting || t->pool.old; i += 2)
		if (fib_table_delete(t, routes[0].prefix, routes[0].len, NULL, 0) ||
		    route_add(t, &routes[0]))
			return 1;
	if (i)
		printf("    after the compaction under way (%ld updates more): %zu bytes, %.2f per "
		       "prefix\n",
		       i, fib_table_mem(t), (double)fib_table_mem(t) / nroutes);

	rand_addrs = malloc(LOOKUPS * sizeof(*rand_addrs));
	skew_addrs = malloc(LOOKUPS * sizeof(*skew_addrs));
	for (i = 0; i < LOOKUPS; i++)
		rand_addrs[i] = rnd() << 8 ^ rnd();
	/* skewed: 90% to a "hot" 1% of the prefixes, the rest anywhere in a prefix */
	hot = (uint32_t)(nroutes / 100 + 1);
	for (i = 0; i < LOOKUPS; i++) {
		const struct route *r =
			&routes[rnd() % 10 ? (rnd() % hot) * 97 % nroutes : rnd() % nroutes];

		skew_addrs[i] = r->prefix | (rnd() & ~pmask(r->len));
	}
	rate("random addresses", t, rand_addrs, LOOKUPS, &sum);
	rate("skewed addresses", t, skew_addrs, LOOKUPS, &sum);
	/* a working set that stays in cache: what a lookup costs the CPU itself */
	for (i = 0; i < LOOKUPS; i++) {
		const struct route *r = &routes[(rnd() % 1000) * 7919 % nroutes];

		skew_addrs[i] = r->prefix | (rnd() & ~pmask(r->len));
	}
	rate("1000 hot prefixes (in cache)", t, skew_addrs, LOOKUPS, &sum);
	updates(t, 0);
	updates(t, 1);
	updates_worst(t);

	t0 = now();
	for (i = 0; i < LINEAR_LOOKUPS; i++)
		sum += (unsigned long)linear_lookup(rand_addrs[i]);
	lin = LINEAR_LOOKUPS / (now() - t0);
	printf("linear table (a scan of every route), %ld prefixes, only %d lookups: "
	       "%.4f million/s\n",
	       nroutes, LINEAR_LOOKUPS, lin / 1e6);

	for (ref_size = 1; ref_size < (size_t)nroutes * 2; ref_size <<= 1)
		;
	ref_tab = calloc(ref_size * 2, sizeof(*ref_tab));
	for (i = 0; i < nroutes; i++)
		ref_add(routes[i].prefix, routes[i].len, routes[i].nh);
	for (i = 0; i < LINEAR_LOOKUPS; i++)
		if (linear_lookup(rand_addrs[i]) != ref_lookup(rand_addrs[i]))
			bad++;
	for (i = 0; i < verify; i++) {
		uint32_t a = i < LOOKUPS ? rand_addrs[i] : rnd() << 8 ^ rnd();
		long want = ref_lookup(a), got = fib_nh_of(t, a);
		uint16_t b;

		fib_table_lookup_batch(t, &a, &b, 1);
		if (b != fib_table_lookup_index(t, a) && bad++ < 10)
			printf("  MISMATCH %08x: batch %u, single %u\n", a, b,
			       fib_table_lookup_index(t, a));

		if (want != got && bad++ < 10)
			printf("  MISMATCH %08x: fib %ld, reference %ld\n", a, got, want);
	}
	printf("check: %ld random lookups against the per-length hash reference "
	       "(and %d against the linear table): %s (checksum %lu)\n",
	       verify, LINEAR_LOOKUPS, bad ? "MISMATCHES" : "identical", sum & 0xffff);
	fib_table_free(t);
	return bad ? 1 : 0;
}
