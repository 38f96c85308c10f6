// SPDX-License-Identifier: GPL-2.0
/*
 * Coincidence matcher benchmark: the qcore matcher against a plain
 * two-cursor merge and a warm memcpy of the same tags, in one process on
 * identical input.
 *
 * Input: two channels of N tags each, Poisson singles at 1 Mcps per
 * channel; 1% of the A tags have a partner on B at +offset (50 ns) with
 * 50 ps Gaussian jitter, the other B tags are independent.  Window 1 ns.
 * Seeded, so every run sees the same tags.
 *
 *   bench_match [-n tags_per_channel] [-r reps] [-s seed] [-c]
 *
 * -c (callgrind mode) runs the matcher and the merge once each, in
 * functions that valgrind --toggle-collect can isolate.
 *
 * Also the clock-offset cross-correlation (qcore_xcorr_find()) in its
 * typical call: 1 s of singles at 1e5 /s per channel, 1% with a partner
 * at an unknown offset, a HELLO estimate good to +-100 us, a 500 ps
 * window.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "match.h"
#include "xcorr.h"

#define noinline	__attribute__((__noinline__))
#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

#define OFFSET_PS	50000
#define WINDOW_PS	1000
#define RATE_HZ		1e6
#define COINC_FRAC	0.01
#define JITTER_PS	50.0

#define XC_RATE_HZ	1e5
#define XC_OFFSET_PS	3456789
#define XC_RANGE_PS	100000000
#define XC_WINDOW_PS	500

static u64 rng_state;

static u64 rng_next(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(void)	/* (0, 1) */
{
	return ((rng_next() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_gauss(void)
{
	return sqrt(-2.0 * log(rng_unit())) * cos(2 * M_PI * rng_unit());
}

static int cmp_u64(const void *x, const void *y)
{
	u64 a = *(const u64 *)x, b = *(const u64 *)y;

	return a < b ? -1 : a > b;
}

/* Fills a[n] and b[n]; returns the number of true pairs planted. */
static size_t gen_tags(u64 *a, u64 *b, size_t n)
{
	double gap = 1e12 / RATE_HZ, t = 1e6;
	size_t i, nb = 0, pairs = 0;

	for (i = 0; i < n; i++) {
		t += -log(rng_unit()) * gap;
		a[i] = (u64)t;
		if (rng_unit() < COINC_FRAC && nb < n) {
			b[nb++] = (u64)(t + OFFSET_PS + JITTER_PS * rng_gauss());
			pairs++;
		}
	}
	/* The rest of B: independent singles over the same time span. */
	t = 1e6;
	gap = (double)(a[n - 1] - a[0]) / (double)(n - nb + 1);
	while (nb < n) {
		t += -log(rng_unit()) * gap;
		b[nb++] = (u64)t;
	}
	qsort(b, n, sizeof(*b), cmp_u64);
	return pairs;
}

/* The cross-correlation's input: 1 s per channel; returns B's count. */
static size_t gen_xcorr(u64 *a, size_t *na, u64 *b, size_t cap)
{
	double gap = 1e12 / XC_RATE_HZ, t;
	size_t n = 0, nb = 0;

	for (t = 1e6; t < 1e12 + 1e6 && n < cap; t += -log(rng_unit()) * gap) {
		a[n++] = (u64)t;
		if (rng_unit() < COINC_FRAC && nb < cap)
			b[nb++] = (u64)(t + XC_OFFSET_PS +
					JITTER_PS * rng_gauss());
	}
	gap = 1e12 / (XC_RATE_HZ * (1 - COINC_FRAC));
	for (t = 1e6; t < 1e12 + 1e6 && nb < cap;
	     t += -log(rng_unit()) * gap)
		b[nb++] = (u64)t + XC_OFFSET_PS;
	qsort(b, nb, sizeof(*b), cmp_u64);
	*na = n;
	return nb;
}

static struct qcore_xcorr_scratch xc_scratch;

static noinline int bench_run_xcorr(const u64 *a, u32 na, const u64 *b,
				    u32 nb, struct qcore_xcorr_result *r)
{
	return qcore_xcorr_find(a, na, b, nb, 0, XC_RANGE_PS, XC_WINDOW_PS,
				&xc_scratch, r);
}

/* Baseline: the textbook matcher, two cursors and if/else branches. */
static noinline size_t plain_merge(const u64 *a, size_t na, const u64 *b,
				   size_t nb, struct qcore_coinc *out,
				   size_t cap)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		s64 d = (s64)(b[j] - a[i]) - OFFSET_PS;

		if (d < -WINDOW_PS) {
			j++;
		} else if (d > WINDOW_PS) {
			i++;
		} else {
			if (n < cap) {
				out[n].a_ps = a[i];
				out[n].b_ps = b[j];
				out[n].a_idx = i;
				out[n].b_idx = j;
			}
			n++;
			i++;
			j++;
		}
	}
	return n;
}

static struct qcore_matcher matcher;

static noinline u32 bench_run_matcher(const u64 *a, u32 na, const u64 *b,
				      u32 nb, struct qcore_coinc *out, u32 cap)
{
	qcore_match_init(&matcher, OFFSET_PS, WINDOW_PS);
	return qcore_match_batch(&matcher, a, na, b, nb, out, cap);
}

/* The same tags as the kernel sees them: time slices of ~64k tags. */
static size_t nslices;
static u32 slice_a[1 << 12], slice_b[1 << 12];

static void make_slices(const u64 *a, const u64 *b, size_t n, size_t per)
{
	size_t ia = 0, ib = 0;
	u64 t;

	nslices = 0;
	for (t = a[0]; ia < n || ib < n; t += (a[n - 1] - a[0]) / (n / per)) {
		while (ia < n && a[ia] < t)
			ia++;
		while (ib < n && b[ib] < t)
			ib++;
		if (nslices == ARRAY_SIZE(slice_a) - 1)
			ia = ib = n;
		slice_a[nslices] = ia;
		slice_b[nslices++] = ib;
	}
}

static noinline u32 bench_run_batched(const u64 *a, const u64 *b,
				      struct qcore_coinc *out, u32 cap)
{
	u32 n = 0, pa = 0, pb = 0;
	size_t k;

	qcore_match_init(&matcher, OFFSET_PS, WINDOW_PS);
	for (k = 0; k < nslices; k++) {
		n += qcore_match_batch(&matcher, a + pa, slice_a[k] - pa,
				       b + pb, slice_b[k] - pb, out + n,
				       cap - n);
		pa = slice_a[k];
		pb = slice_b[k];
	}
	return n;
}

/* One channel only: what the order/range validation costs by itself. */
static noinline u32 bench_run_validate(const u64 *a, u32 na)
{
	qcore_match_init(&matcher, OFFSET_PS, WINDOW_PS);
	return qcore_match_batch(&matcher, a, na, NULL, 0, NULL, 0);
}

static noinline size_t bench_run_merge(const u64 *a, u32 na, const u64 *b,
				       u32 nb, struct qcore_coinc *out,
				       u32 cap)
{
	return plain_merge(a, na, b, nb, out, cap);
}

static noinline void bench_run_memcpy(u64 *da, u64 *db, const u64 *a,
				      const u64 *b, size_t n)
{
	memcpy(da, a, n * sizeof(*a));
	memcpy(db, b, n * sizeof(*b));
	__asm__ __volatile__("" : : "r"(da), "r"(db) : "memory");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	size_t n = 8u << 20, pairs, ref = 0, cap;
	double best_m = 1e9, best_p = 1e9, best_c = 1e9, best_b = 1e9, t0, dt;
	u64 *a, *b, *da, *db, *xa, *xb, seed = 42;
	size_t xna, xnb, xcap = (size_t)(1.2 * XC_RATE_HZ);
	struct qcore_xcorr_result xr;
	double best_x = 1e9;
	int xret = -1;
	int opt, reps = 7, cg = 0, r;
	struct qcore_coinc *out;
	u32 got = 0, gotb = 0;

	while ((opt = getopt(argc, argv, "n:r:s:c")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			cg = 1;
			break;
		default:
			fprintf(stderr, "usage: %s [-n tags] [-r reps] [-s seed] [-c]\n",
				argv[0]);
			return 2;
		}
	}
	if (n < 16 || n > U32_MAX / 2)
		return 2;
	rng_state = seed;
	cap = n;
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	da = malloc(n * sizeof(*a));
	db = malloc(n * sizeof(*b));
	out = malloc(cap * sizeof(*out));
	xa = malloc(xcap * sizeof(*xa));
	xb = malloc(xcap * sizeof(*xb));
	if (!a || !b || !da || !db || !out || !xa || !xb)
		return 1;
	pairs = gen_tags(a, b, n);
	xnb = gen_xcorr(xa, &xna, xb, xcap);

	make_slices(a, b, n, 65536);

	if (cg) {
		got = bench_run_matcher(a, n, b, n, out, cap);
		ref = bench_run_merge(a, n, b, n, out, cap);
		bench_run_validate(a, n);
		xret = bench_run_xcorr(xa, xna, xb, xnb, &xr);
		printf("callgrind-mode tags=%zu matcher=%u merge=%zu xcorr=%d\n",
		       2 * n, got, ref, xret);
		return got == ref && !xret ? 0 : 1;
	}

	for (r = 0; r < reps; r++) {
		t0 = now_s();
		got = bench_run_matcher(a, n, b, n, out, cap);
		dt = now_s() - t0;
		best_m = dt < best_m ? dt : best_m;

		t0 = now_s();
		gotb = bench_run_batched(a, b, out, cap);
		dt = now_s() - t0;
		best_b = dt < best_b ? dt : best_b;

		t0 = now_s();
		ref = bench_run_merge(a, n, b, n, out, cap);
		dt = now_s() - t0;
		best_p = dt < best_p ? dt : best_p;

		t0 = now_s();
		bench_run_memcpy(da, db, a, b, n);
		dt = now_s() - t0;
		best_c = dt < best_c ? dt : best_c;

		t0 = now_s();
		xret = bench_run_xcorr(xa, xna, xb, xnb, &xr);
		dt = now_s() - t0;
		best_x = dt < best_x ? dt : best_x;
	}
	printf("# input: 2 x %zu tags (1 Mcps/channel, %zu planted pairs), window +-%d ps, offset %d ps; best of %d\n",
	       n, pairs, WINDOW_PS, OFFSET_PS, reps);
	printf("# coincidences: qcore %u, qcore batched %u, plain merge %zu%s\n",
	       got, gotb, ref, got == ref && gotb == ref ? "" : "  MISMATCH");
	printf("%-34s %9s %9s %9s\n", "", "Mts/s", "ms", "vs merge");
	printf("%-34s %9.1f %9.2f %8.2fx\n", "qcore matcher (one batch)",
	       2 * n / best_m / 1e6, best_m * 1e3, best_p / best_m);
	printf("%-34s %9.1f %9.2f %8.2fx\n", "qcore matcher (64k-tag slices)",
	       2 * n / best_b / 1e6, best_b * 1e3, best_p / best_b);
	printf("%-34s %9.1f %9.2f %8.2fx\n", "plain 2-cursor merge (baseline)",
	       2 * n / best_p / 1e6, best_p * 1e3, 1.0);
	printf("%-34s %9.1f %9.2f %8.2fx\n", "memcpy of the tags (warm)",
	       2 * n / best_c / 1e6, best_c * 1e3, best_p / best_c);
	printf("%-34s %9.2fx\n", "ratio matcher / merge", best_p / best_m);
	printf("%-34s %9.2fx\n", "ratio matcher / memcpy", best_c / best_m);
	printf("%-34s %8s%s\n", "goal >= 300 Mts/s and >= 1.6x merge",
	       2 * n / best_m / 1e6 >= 300 && best_p / best_m >= 1.6 ?
	       "met" : "NOT met", "");
	printf("# xcorr: 2 x %zu tags (1e5 /s, 1 s), +-%d us, window %d ps: %s %lld +- %llu ps (truth %d), %u pairs, %u stages, %.2f ms\n",
	       xna, XC_RANGE_PS / 1000000, XC_WINDOW_PS,
	       xret ? "NO LOCK" : "lock at", (long long)xr.offset_ps,
	       (unsigned long long)xr.error_ps, XC_OFFSET_PS, xr.pairs,
	       xr.stages, best_x * 1e3);
	return got == ref && gotb == ref && !xret ? 0 : 1;
}
