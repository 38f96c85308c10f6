// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the qcore cross-correlation (kernel/qcore/xcorr.c).
 *
 * Synthetic streams from a seeded PRNG: Poisson singles on both channels,
 * a share of the A tags with a partner on B at the true offset plus
 * Gaussian jitter.  A lock must be right (within 3 error_ps and a quarter
 * of the window of the truth) every time; pure noise must never lock.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "xcorr.h"

#define JITTER_PS	50.0
#define T0_PS		2000000000000ULL	/* 2 s: B = A + offset stays >= 0 */

static struct qcore_xcorr_scratch scratch;
static u64 rng;

static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unit(void)	/* (0, 1) */
{
	return ((rnd() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double gauss(void)
{
	return sqrt(-2.0 * log(unit())) * cos(2 * M_PI * unit());
}

static double log_uniform(double lo, double hi)
{
	return lo * exp(log(hi / lo) * unit());
}

struct streams {
	u64 *a, *b;
	u32 na, nb;
	u32 pairs;		/* true pairs planted */
};

static void streams_free(struct streams *s)
{
	free(s->a);
	free(s->b);
	memset(s, 0, sizeof(*s));
}

/*
 * Singles at @rate per channel over @secs from @t0 on A; a share @frac of
 * the A tags have a partner on B at + @offset + N(0, JITTER_PS); the rest
 * of B is independent, at the same rate over the same span (shifted by
 * the offset).  Sorted, in O(n): the partners are nearly sorted already
 * (insertion sort) and are merged with the independent B tags.
 */
static void make_streams(struct streams *s, double rate, double secs,
			 double frac, s64 offset, u64 t0)
{
	double gap = 1e12 / rate, t, span = secs * 1e12;
	size_t cap = (size_t)(rate * secs * 1.2 + 64), i, j, k;
	u64 *part, *indep, v;
	size_t np = 0, ni = 0;

	memset(s, 0, sizeof(*s));
	s->a = malloc(cap * sizeof(u64));
	s->b = malloc(2 * cap * sizeof(u64));
	part = malloc(cap * sizeof(u64));
	indep = malloc(cap * sizeof(u64));
	if (!s->a || !s->b || !part || !indep)
		abort();
	for (t = -log(unit()) * gap; t < span && s->na < cap;
	     t += -log(unit()) * gap) {
		s->a[s->na++] = t0 + (u64)t;
		if (unit() < frac)
			part[np++] = (u64)((s64)(t0 + (u64)t) + offset +
					   llround(JITTER_PS * gauss()));
	}
	for (i = 1; i < np; i++) {
		v = part[i];
		for (j = i; j && part[j - 1] > v; j--)
			part[j] = part[j - 1];
		part[j] = v;
	}
	/* B's own singles, so that B's rate is @rate too */
	gap = 1e12 / (rate * (1 - frac) + 1e-9);
	for (t = -log(unit()) * gap; t < span && ni < cap;
	     t += -log(unit()) * gap)
		indep[ni++] = (u64)((s64)(t0 + (u64)t) + offset);
	for (i = j = k = 0; i < np || j < ni; k++)
		s->b[k] = j == ni || (i < np && part[i] <= indep[j]) ?
			  part[i++] : indep[j++];
	s->nb = k;
	s->pairs = np;
	free(part);
	free(indep);
}

static int find(const struct streams *s, s64 center, u64 range, u32 window,
		struct qcore_xcorr_result *r)
{
	return qcore_xcorr_find(s->a, s->na, s->b, s->nb, center, range,
				window, &scratch, r);
}

static u64 absdiff(s64 x, s64 y)
{
	return x > y ? (u64)x - (u64)y : (u64)y - (u64)x;
}

/* A lock is right: 3 error_ps and a quarter window, inside the range. */
static bool lock_ok(const struct qcore_xcorr_result *r, s64 truth,
		    s64 center, u64 range, u32 window)
{
	u64 e = absdiff(r->offset_ps, truth);

	return e <= 3 * r->error_ps && 4 * e <= window &&
	       absdiff(r->offset_ps, center) <= range;
}

TEST(invalid_arguments)
{
	struct qcore_xcorr_result r;
	u64 t[2] = { 1000, 2000 };

	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2, 0, 0, 500, &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2, 0, 100, 0, &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2, 0,
					    QCORE_XCORR_RANGE_MAX + 1, 500,
					    &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2,
					    QCORE_XCORR_CENTER_MAX + 1, 100,
					    500, &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2,
					    -QCORE_XCORR_CENTER_MAX - 1, 100,
					    500, &scratch, &r));
	/* no arithmetic on an invalid centre (UBSan would trap) */
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2, (s64)(1ULL << 63),
					    QCORE_XCORR_RANGE_MAX, 500,
					    &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2, (s64)(~0ULL >> 1),
					    QCORE_XCORR_RANGE_MAX, 500,
					    &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(NULL, 2, t, 2, 0, 100, 500,
					    &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, NULL, 2, 0, 100, 500,
					    &scratch, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2, 0, 100, 500, NULL, &r));
	ASSERT_EQ(-EINVAL, qcore_xcorr_find(t, 2, t, 2, 0, 100, 500, &scratch,
					    NULL));
	/* the limits themselves are valid */
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(t, 2, t, 2,
					    QCORE_XCORR_CENTER_MAX,
					    QCORE_XCORR_RANGE_MAX, 1,
					    &scratch, &r));
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(t, 2, t, 2,
					    -QCORE_XCORR_CENTER_MAX,
					    QCORE_XCORR_RANGE_MAX, U32_MAX,
					    &scratch, &r));
}

TEST(empty_arrays)
{
	struct qcore_xcorr_result r;
	u64 t[1] = { 1000 };

	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(NULL, 0, NULL, 0, 0, 100, 500,
					    &scratch, &r));
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(t, 1, NULL, 0, 0, 100, 500,
					    &scratch, &r));
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(NULL, 0, t, 1, 0, 100, 500,
					    &scratch, &r));
	ASSERT_EQ(0, r.pairs);
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(t, 1, t, 1, 0, 100, 500,
					    &scratch, &r));
}

/* A clean, strong correlation locks, exactly where it was put. */
TEST(clean_lock)
{
	struct qcore_xcorr_result r;
	struct streams s;
	s64 truth = 123456789;

	rng = 1;
	make_streams(&s, 1e5, 0.5, 0.1, truth, T0_PS);
	ASSERT_EQ(0, find(&s, truth + 30000000, 50000000, 500, &r));
	TH_LOG("offset %lld +- %llu (truth %lld), peak %u over %u, %u pairs, %u stages, bin %u ps",
	       (long long)r.offset_ps, (unsigned long long)r.error_ps,
	       (long long)truth, r.peak, r.background, r.pairs, r.stages,
	       r.bin_ps);
	ASSERT_TRUE(lock_ok(&r, truth, truth + 30000000, 50000000, 500));
	ASSERT_LE(r.bin_ps, 500 / 8);
	ASSERT_GE(r.stages, 2);
	ASSERT_FALSE(r.flags & QCORE_XCORR_CAPPED);
	streams_free(&s);
}

/*
 * The regimes of the brief: singles 1e4 .. 1e6 /s per channel over
 * 0.1 .. 1 s, 0.5 .. 20 % of them with a partner, a range of 20 us ..
 * 2 ms, the truth anywhere in it, windows of 250 .. 1000 ps.  Not every
 * draw has the evidence for a lock; every lock must be right.
 */
TEST(random_regimes_never_wrong)
{
	u32 runs = 200, locks = 0, wrong = 0, capped = 0, k;
	double worst = 0, sum_err = 0;
	struct qcore_xcorr_result r;
	struct streams s;

	for (k = 0; k < runs; k++) {
		double rate, secs, frac;
		u64 range;
		u32 window;
		s64 truth, center;
		int ret;

		rng = 1000 + k;
		rate = log_uniform(1e4, 1e6);
		secs = 0.1 + 0.9 * unit();
		frac = log_uniform(0.005, 0.2);
		range = (u64)log_uniform(2e7, 2e9);
		window = 250 + rnd() % 751;
		center = (s64)(rnd() % 2000000000000ULL) - 1000000000000LL;
		truth = center + (s64)(rnd() % (2 * range + 1)) - (s64)range;
		make_streams(&s, rate, secs, frac, truth, T0_PS);
		ret = find(&s, center, range, window, &r);
		if (r.flags & QCORE_XCORR_CAPPED)
			capped++;
		if (!ret) {
			double e = fabs((double)r.offset_ps - (double)truth);

			locks++;
			sum_err += e;
			if (e / window > worst)
				worst = e / window;
			if (!lock_ok(&r, truth, center, range, window)) {
				wrong++;
				TH_LOG("wrong lock: seed %u rate %.0f secs %.2f frac %.3f range %llu window %u: %lld +- %llu, truth %lld",
				       k, rate, secs, frac,
				       (unsigned long long)range, window,
				       (long long)r.offset_ps,
				       (unsigned long long)r.error_ps,
				       (long long)truth);
			}
		} else {
			EXPECT_EQ(-EAGAIN, ret);
		}
		streams_free(&s);
	}
	TH_LOG("%u runs: %u locks (%.0f%%), %u wrong, %u capped; mean |error| %.1f ps, worst %.3f window",
	       runs, locks, 100.0 * locks / runs, wrong, capped,
	       locks ? sum_err / locks : 0, worst);
	ASSERT_EQ(0, wrong);
	/* most of these draws carry plenty of evidence */
	ASSERT_GE(locks, runs / 2);
}

/*
 * The typical case of the link protocol (10^5 /s, 1 s, 1 % with a
 * partner, a HELLO estimate good to 100 us, a 1 ns window): lock rate
 * and accuracy over many seeds.
 */
TEST(typical_lock_rate)
{
	u32 runs = 100, locks = 0, k;
	double sum2 = 0, sum_e = 0;
	struct qcore_xcorr_result r;
	struct streams s;

	for (k = 0; k < runs; k++) {
		s64 truth;

		rng = 5000 + k;
		truth = 5000000000LL + (s64)(rnd() % 200000000) - 100000000;
		make_streams(&s, 1e5, 1.0, 0.01, truth, T0_PS);
		if (!find(&s, 5000000000LL, 100000000, 500, &r)) {
			double e = (double)r.offset_ps - (double)truth;

			locks++;
			sum2 += e * e;
			sum_e += r.error_ps;
			{
				EXPECT_TRUE(lock_ok(&r, truth, 5000000000LL,
						    100000000, 500))
				TH_LOG("seed %u: %lld +- %llu, truth %lld", k,
				       (long long)r.offset_ps,
				       (unsigned long long)r.error_ps,
				       (long long)truth);
			}
		}
		streams_free(&s);
	}
	TH_LOG("%u runs: %u locks; rms error %.1f ps, mean stated error %.1f ps",
	       runs, locks, locks ? sqrt(sum2 / locks) : 0,
	       locks ? sum_e / locks : 0);
	ASSERT_EQ(runs, locks);
}

/* Uncorrelated streams never lock, whatever the rates and range. */
TEST(noise_never_locks)
{
	u32 runs = 300, k, capped = 0;
	struct qcore_xcorr_result r;
	struct streams s;

	for (k = 0; k < runs; k++) {
		double rate, secs;
		u64 range;
		u32 window;
		int ret;

		rng = 20000 + k;
		rate = log_uniform(1e4, 1e6);
		secs = 0.1 + 0.9 * unit();
		range = (u64)log_uniform(2e7, 2e9);
		window = 100 + rnd() % 2000;
		make_streams(&s, rate, secs, 0, 0, T0_PS);
		ret = find(&s, (s64)(rnd() % 1000000) - 500000, range, window,
			   &r);
		if (r.flags & QCORE_XCORR_CAPPED)
			capped++;
		{
			EXPECT_EQ(-EAGAIN, ret)
			TH_LOG("seed %u: lock at %lld (peak %u over %u)", k,
			       (long long)r.offset_ps, r.peak, r.background);
		}
		streams_free(&s);
	}
	TH_LOG("%u runs of noise: no lock (%u capped)", runs, capped);
}

/* Truth on, next to and just inside either edge of the range. */
TEST(range_edges)
{
	static const s64 at[] = { -50000000, -49999990, -49999000,
				  49999000, 49999990, 50000000 };
	struct qcore_xcorr_result r;
	struct streams s;
	unsigned int k;

	for (k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		rng = 300 + k;
		make_streams(&s, 1e5, 0.5, 0.05, at[k], T0_PS);
		{
			EXPECT_EQ(0, find(&s, 0, 50000000, 500, &r))
			TH_LOG("truth %lld: peak %u over %u", (long long)at[k],
			       r.peak, r.background);
		}
		{
			EXPECT_TRUE(lock_ok(&r, at[k], 0, 50000000, 500))
			TH_LOG("truth %lld: %lld +- %llu", (long long)at[k],
			       (long long)r.offset_ps,
			       (unsigned long long)r.error_ps);
		}
		streams_free(&s);
	}
	/* just outside the range: no lock on the tail of the peak */
	rng = 400;
	make_streams(&s, 1e5, 0.5, 0.05, 50000000 + 20000, T0_PS);
	ASSERT_EQ(-EAGAIN, find(&s, 0, 50000000, 500, &r));
	streams_free(&s);
}

/* A range below 4 windows still finds the peak among background. */
TEST(small_range)
{
	struct qcore_xcorr_result r;
	struct streams s;

	rng = 77;
	make_streams(&s, 2e5, 0.5, 0.05, 1234, T0_PS);
	ASSERT_EQ(0, find(&s, 1000, 1000, 500, &r));
	ASSERT_TRUE(lock_ok(&r, 1234, 1000, 1000, 500));
	ASSERT_EQ(1, r.stages);
	streams_free(&s);
}

/* Tags near 2^63 and a centre near -2^62: exact, no overflow. */
TEST(huge_values)
{
	const u64 top = (1ULL << 63) - 2000000000000ULL;
	const s64 truth = -(1LL << 62) + 777777;
	struct qcore_xcorr_result r;
	struct streams s;
	u64 *a;
	u32 i;

	rng = 99;
	/* A near 2^63, B = A - 2^62 + ... */
	make_streams(&s, 1e5, 0.5, 0.05, truth, top);
	ASSERT_LT(s.a[s.na - 1], 1ULL << 63);
	ASSERT_EQ(0, find(&s, -(1LL << 62), 1000000000, 500, &r));
	ASSERT_TRUE(lock_ok(&r, truth, -(1LL << 62), 1000000000, 500));

	/* the other way round: B near 2^63, centre +2^62 */
	ASSERT_EQ(0, qcore_xcorr_find(s.b, s.nb, s.a, s.na, 1LL << 62,
				      1000000000, 500, &scratch, &r));
	ASSERT_TRUE(lock_ok(&r, -truth, 1LL << 62, 1000000000, 500));

	/* tags at and above 2^63 at the end are ignored */
	a = realloc(s.a, (s.na + 3) * sizeof(u64));
	ASSERT_NE(NULL, a);
	s.a = a;
	for (i = 0; i < 3; i++)
		s.a[s.na++] = (1ULL << 63) + i * (1ULL << 62);
	ASSERT_EQ(0, find(&s, -(1LL << 62), 1000000000, 500, &r));
	ASSERT_TRUE(lock_ok(&r, truth, -(1LL << 62), 1000000000, 500));
	streams_free(&s);

	/* all tags at U64_MAX: nothing to use */
	{
		u64 t[4] = { U64_MAX, U64_MAX, U64_MAX, U64_MAX };

		ASSERT_EQ(-EAGAIN, qcore_xcorr_find(t, 4, t, 4, 0, 100, 500,
						    &scratch, &r));
		ASSERT_EQ(0, r.pairs);
	}
}

/* Dense streams and a wide range: the cap stops the sweep, and says so. */
TEST(pair_cap)
{
	struct qcore_xcorr_result r;
	struct streams s;
	u64 *t;
	u32 i;

	/* 10^6 /s, 1 s, +-2 ms: 4e9 pairs in range; 1 % is not enough */
	rng = 7;
	make_streams(&s, 1e6, 1.0, 0.01, 0, T0_PS);
	ASSERT_EQ(-EAGAIN, find(&s, 0, 2000000000, 500, &r));
	ASSERT_TRUE(r.flags & QCORE_XCORR_CAPPED);
	ASSERT_LE(r.pairs, QCORE_XCORR_MAX_PAIRS);
	ASSERT_GE(r.pairs, QCORE_XCORR_MAX_PAIRS / 2);
	/* a strong correlation still locks within the cap (+-500 us) */
	streams_free(&s);
	rng = 8;
	make_streams(&s, 1e6, 1.0, 0.5, 1000000, T0_PS);
	ASSERT_EQ(0, find(&s, 0, 500000000, 500, &r));
	ASSERT_TRUE(r.flags & QCORE_XCORR_CAPPED);
	ASSERT_TRUE(lock_ok(&r, 1000000, 0, 500000000, 500));
	ASSERT_LE(r.pairs, QCORE_XCORR_MAX_PAIRS);
	streams_free(&s);

	/* all tags equal: every pair in one bin, no lock, bounded work */
	t = malloc(100000 * sizeof(*t));
	ASSERT_NE(NULL, t);
	for (i = 0; i < 100000; i++)
		t[i] = 5000000;
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(t, 100000, t, 100000, 0, 1000,
					    500, &scratch, &r));
	ASSERT_LE(r.pairs, QCORE_XCORR_MAX_PAIRS);
	/* equal A tags against a spread-out B */
	for (i = 0; i < 100000; i++)
		t[i] = 5000000 + (i < 50000 ? 0 : (u64)i * 1000);
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(t, 50000, t, 100000, 0, 1000,
					    500, &scratch, &r));
	free(t);
}

/* Streams that overlap only in part: the overlap is enough. */
TEST(partial_overlap)
{
	struct qcore_xcorr_result r;
	struct streams s;
	u32 cut;

	rng = 55;
	make_streams(&s, 1e5, 1.0, 0.05, 300000, T0_PS);
	/* A keeps its first 70 %, B its last 70 % */
	cut = s.nb * 3 / 10;
	ASSERT_EQ(0, qcore_xcorr_find(s.a, s.na * 7 / 10, s.b + cut,
				      s.nb - cut, 0, 1000000, 500, &scratch,
				      &r));
	ASSERT_TRUE(lock_ok(&r, 300000, 0, 1000000, 500));
	/* no overlap at all */
	ASSERT_EQ(-EAGAIN, qcore_xcorr_find(s.a, s.na / 4, s.b + s.nb / 2,
					    s.nb / 2, 0, 1000000, 500,
					    &scratch, &r));
	streams_free(&s);
}

TEST_HARNESS_MAIN
