/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency samples of the guest benchmarks (sock_latency, peer_bench):
 * the clock they are taken with and their summary in microseconds.
 */
#ifndef _QLINK_BENCH_STATS_H
#define _QLINK_BENCH_STATS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline int64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted @v (ns), in microseconds. */
static inline double pct_us(const int64_t *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * n);

	if (!n)
		return NAN;
	if (k < 1)
		k = 1;
	return v[k - 1] / 1e3;
}

struct dist {
	double p50, p99, max, mean;
};

static inline struct dist summarize(int64_t *v, size_t n)
{
	struct dist d = { NAN, NAN, NAN, NAN };
	double sum = 0;
	size_t i;

	if (!n)
		return d;
	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = 0; i < n; i++)
		sum += v[i];
	d.p50 = pct_us(v, n, 0.50);
	d.p99 = pct_us(v, n, 0.99);
	d.max = v[n - 1] / 1e3;
	d.mean = sum / n / 1e3;
	return d;
}

#endif /* _QLINK_BENCH_STATS_H */
