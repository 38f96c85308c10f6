// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the qcore coincidence matcher (kernel/qcore/match.c).
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "match.h"
#include "qcore_ref.h"

#define NOUT	4096

static struct qcore_matcher mt;
static struct qcore_coinc out[NOUT];

static u64 rng;

static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Sorted stream with mean gap @gap, plus partners planted on @b. */
static void gen_pair(u64 *a, size_t na, u64 *b, size_t nb, u64 gap,
		     s64 offset, u64 jitter)
{
	size_t i, k = 0;
	u64 t = 1000000;

	for (i = 0; i < na; i++) {
		t += rnd() % (2 * gap) + 1;
		a[i] = t;
	}
	for (i = 0; i < nb; i++) {
		if (i < na && rnd() % 4 == 0)
			b[k++] = a[i] + offset + rnd() % (2 * jitter + 1) -
				 jitter;
		else
			b[k++] = 1000000 + rnd() % (t + 10 * gap);
	}
	/* insertion sort is fine at these sizes */
	for (i = 1; i < nb; i++) {
		u64 v = b[i];
		size_t j = i;

		while (j && b[j - 1] > v) {
			b[j] = b[j - 1];
			j--;
		}
		b[j] = v;
	}
}

static u32 one(s64 off, u64 w, const u64 *a, u32 na, const u64 *b, u32 nb)
{
	if (qcore_match_init(&mt, off, w))
		return U32_MAX;
	return qcore_match_batch(&mt, a, na, b, nb, out, NOUT);
}

TEST(window_bounds_inclusive)
{
	u64 a[] = { 100000 };
	u64 b_in[] = { 100000 + 500 }, b_out[] = { 100000 + 501 };
	u64 b_lo[] = { 100000 - 500 }, b_lo_out[] = { 100000 - 501 };

	ASSERT_EQ(1, one(0, 500, a, 1, b_in, 1));
	ASSERT_EQ(0, one(0, 500, a, 1, b_out, 1));
	ASSERT_EQ(1, one(0, 500, a, 1, b_lo, 1));
	ASSERT_EQ(0, one(0, 500, a, 1, b_lo_out, 1));
	/* window 0: exact coincidences only */
	ASSERT_EQ(1, one(0, 0, a, 1, a, 1));
	ASSERT_EQ(0, one(0, 0, a, 1, b_in, 1));
}

TEST(offset_positive)
{
	u64 a[] = { 100000 }, b[] = { 150000 + 100 }, braw[] = { 100000 };

	ASSERT_EQ(1, one(50000, 100, a, 1, b, 1));
	EXPECT_EQ(100000, out[0].a_ps);
	EXPECT_EQ(150100, out[0].b_ps);	/* raw B time reported */
	ASSERT_EQ(0, one(50000, 100, a, 1, braw, 1));
	ASSERT_EQ(0, one(50000, 99, a, 1, b, 1));
}

TEST(offset_negative)
{
	u64 a[] = { 100000 }, b[] = { 60000 - 100 };

	ASSERT_EQ(1, one(-40000, 100, a, 1, b, 1));
	ASSERT_EQ(0, one(-40000, 99, a, 1, b, 1));
	ASSERT_EQ(0, one(40000, 100, a, 1, b, 1));
}

TEST(empty_and_one_sided)
{
	u64 a[] = { 10, 20, 30 };

	ASSERT_EQ(0, one(0, 5, NULL, 0, NULL, 0));
	ASSERT_EQ(0, one(0, 5, a, 3, NULL, 0));
	EXPECT_EQ(3, mt.stats.tags_a);
	EXPECT_EQ(0, mt.stats.tags_b);
	ASSERT_EQ(0, one(0, 5, NULL, 0, a, 3));
	EXPECT_EQ(3, mt.stats.tags_b);
	EXPECT_EQ(0, mt.stats.coinc);
}

TEST(equal_timestamps)
{
	u64 a[] = { 50, 50, 50 }, b[] = { 50, 50 };

	ASSERT_EQ(2, one(0, 0, a, 3, b, 2));
	EXPECT_EQ(0, out[0].a_idx);
	EXPECT_EQ(0, out[0].b_idx);
	EXPECT_EQ(1, out[1].a_idx);
	EXPECT_EQ(1, out[1].b_idx);
	EXPECT_EQ(0, mt.stats.rejected_order);
}

TEST(greedy_earliest)
{
	u64 a[] = { 100 }, b[] = { 95, 105 };
	u64 a2[] = { 100, 101 }, b2[] = { 100 };

	ASSERT_EQ(1, one(0, 10, a, 1, b, 2));
	EXPECT_EQ(95, out[0].b_ps);
	ASSERT_EQ(1, one(0, 10, a2, 2, b2, 1));
	EXPECT_EQ(100, out[0].a_ps);
	EXPECT_EQ(0, out[0].a_idx);
}

TEST(out_of_order_rejected)
{
	u64 a[] = { 100, 200, 150, 300 }, b[] = { 100, 150, 200, 300 };

	ASSERT_EQ(3, one(0, 0, a, 4, b, 4));
	EXPECT_EQ(1, mt.stats.rejected_order);
	EXPECT_EQ(1, mt.stats.slow_batches);
	EXPECT_EQ(100, out[0].a_ps);
	EXPECT_EQ(200, out[1].a_ps);
	EXPECT_EQ(300, out[2].a_ps);
	EXPECT_EQ(3, out[2].a_idx);	/* indices stay batch indices */
}

TEST(out_of_order_across_batches)
{
	u64 a1[] = { 1000 }, a2[] = { 500, 2000 }, b2[] = { 500, 2000 };

	ASSERT_EQ(0, qcore_match_init(&mt, 0, 0));
	ASSERT_EQ(0, qcore_match_batch(&mt, a1, 1, NULL, 0, out, NOUT));
	ASSERT_EQ(1, qcore_match_batch(&mt, a2, 2, b2, 2, out, NOUT));
	EXPECT_EQ(1, mt.stats.rejected_order);
	EXPECT_EQ(2000, out[0].a_ps);
}

TEST(top_bit_rejected)
{
	u64 a[] = { 100, (1ULL << 63) | 100, 300 };
	u64 b[] = { 100, 300, 1ULL << 63 };

	ASSERT_EQ(2, one(0, 0, a, 3, b, 3));
	EXPECT_EQ(2, mt.stats.rejected_wrap);
	EXPECT_EQ(0, mt.stats.rejected_order);
	EXPECT_EQ(300, out[1].a_ps);
	EXPECT_EQ(2, out[1].a_idx);
}

TEST(carry_across_batches)
{
	u64 a1[] = { 1000 }, b2[] = { 1005 };
	u64 a3[] = { 90000 }, b3[] = { 95000 }, a4[] = { 95003 };

	ASSERT_EQ(0, qcore_match_init(&mt, 0, 10));
	ASSERT_EQ(0, qcore_match_batch(&mt, a1, 1, NULL, 0, out, NOUT));
	EXPECT_EQ(1, mt.n_carry_a);
	ASSERT_EQ(1, qcore_match_batch(&mt, NULL, 0, b2, 1, out, NOUT));
	EXPECT_EQ(1000, out[0].a_ps);
	EXPECT_EQ(QCORE_MATCH_CARRIED, out[0].a_idx);
	EXPECT_EQ(0, out[0].b_idx);
	EXPECT_EQ(0, mt.n_carry_a);
	/* A far before the horizon is final; the late B tag is carried. */
	ASSERT_EQ(0, qcore_match_batch(&mt, a3, 1, b3, 1, out, NOUT));
	EXPECT_EQ(0, mt.n_carry_a);
	EXPECT_EQ(1, mt.n_carry_b);
	ASSERT_EQ(1, qcore_match_batch(&mt, a4, 1, NULL, 0, out, NOUT));
	EXPECT_EQ(95000, out[0].b_ps);
	EXPECT_EQ(QCORE_MATCH_CARRIED, out[0].b_idx);
	EXPECT_EQ(0, qcore_match_flush(&mt));
}

TEST(carry_respects_offset)
{
	/* B is 50 ns late: the last 50 ns of A must wait for the next B. */
	u64 a1[] = { 1000000, 1040000 }, b1[] = { 1050000 };
	u64 b2[] = { 1090005 };

	ASSERT_EQ(0, qcore_match_init(&mt, 50000, 10));
	ASSERT_EQ(1, qcore_match_batch(&mt, a1, 2, b1, 1, out, NOUT));
	EXPECT_EQ(1000000, out[0].a_ps);
	EXPECT_EQ(1, mt.n_carry_a);
	ASSERT_EQ(1, qcore_match_batch(&mt, NULL, 0, b2, 1, out, NOUT));
	EXPECT_EQ(1040000, out[0].a_ps);
}

/* A tag that a later tag at the horizon could still match is kept. */
TEST(pending_boundary)
{
	u64 one_t[] = { 1000 }, two_t[] = { 1000, 1000 };

	ASSERT_EQ(0, qcore_match_init(&mt, 0, 0));
	ASSERT_EQ(1, qcore_match_batch(&mt, one_t, 1, two_t, 2, out, NOUT));
	EXPECT_EQ(1, mt.n_carry_b);
	ASSERT_EQ(1, qcore_match_batch(&mt, one_t, 1, NULL, 0, out, NOUT));
	EXPECT_EQ(QCORE_MATCH_CARRIED, out[0].b_idx);

	ASSERT_EQ(0, qcore_match_init(&mt, 0, 0));
	ASSERT_EQ(1, qcore_match_batch(&mt, two_t, 2, one_t, 1, out, NOUT));
	EXPECT_EQ(1, mt.n_carry_a);
	ASSERT_EQ(1, qcore_match_batch(&mt, NULL, 0, one_t, 1, out, NOUT));
	EXPECT_EQ(QCORE_MATCH_CARRIED, out[0].a_idx);
}

TEST(carry_overflow_counted)
{
	static u64 a[QCORE_MATCH_CARRY + 10];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(a); i++)
		a[i] = 1000 + i;
	ASSERT_EQ(0, qcore_match_init(&mt, 0, 1000000));
	ASSERT_EQ(0, qcore_match_batch(&mt, a, ARRAY_SIZE(a), NULL, 0, out,
				       NOUT));
	EXPECT_EQ(QCORE_MATCH_CARRY, mt.n_carry_a);
	EXPECT_EQ(10, mt.stats.carry_overflow);
	EXPECT_EQ(1000, mt.carry_a[0]);	/* the earliest are kept */
	EXPECT_EQ(QCORE_MATCH_CARRY, qcore_match_flush(&mt));
	EXPECT_EQ(0, mt.n_carry_a);
}

TEST(output_capacity)
{
	static u64 a[100];
	u32 i;

	for (i = 0; i < 100; i++)
		a[i] = 1000 * (i + 1);
	ASSERT_EQ(0, qcore_match_init(&mt, 0, 0));
	ASSERT_EQ(7, qcore_match_batch(&mt, a, 100, a, 100, out, 7));
	EXPECT_EQ(100, mt.stats.coinc);
	EXPECT_EQ(93, mt.stats.out_overflow);
	EXPECT_EQ(7000, out[6].a_ps);
}

TEST(bad_params)
{
	EXPECT_EQ(-EINVAL, qcore_match_init(&mt, 0, QCORE_MATCH_WINDOW_MAX + 1));
	EXPECT_EQ(-EINVAL, qcore_match_init(&mt, QCORE_MATCH_OFFSET_MAX + 1, 0));
	EXPECT_EQ(-EINVAL, qcore_match_init(&mt, -QCORE_MATCH_OFFSET_MAX - 1,
					    0));
	EXPECT_EQ(0, qcore_match_init(&mt, -QCORE_MATCH_OFFSET_MAX,
				      QCORE_MATCH_WINDOW_MAX));
}

/* Random single batches, small and large (two-lane path), vs the model. */
TEST(random_vs_reference)
{
	static u64 a[20000], b[20000];
	static struct qcore_coinc ref[20000], got[20000];
	int seed;

	for (seed = 1; seed <= 60; seed++) {
		size_t na = seed < 30 ? rnd() % 64 : 5000 + rnd() % 15000;
		size_t nb = seed < 30 ? rnd() % 64 : 5000 + rnd() % 15000;
		s64 off = (s64)(rnd() % 20001) - 10000;
		u64 w = rnd() % 3000, nref, k;
		u32 n;

		rng = seed;
		gen_pair(a, na, b, nb, 2000 + rnd() % 100000, off, w + 50);
		nref = ref_match(a, na, b, nb, off, w, ref, ARRAY_SIZE(ref));
		ASSERT_EQ(0, qcore_match_init(&mt, off, w));
		n = qcore_match_batch(&mt, a, na, b, nb, got, ARRAY_SIZE(got));
		ASSERT_EQ(nref, n) TH_LOG("seed %d na %zu nb %zu", seed, na,
					   nb);
		for (k = 0; k < n; k++) {
			ASSERT_EQ(ref[k].a_ps, got[k].a_ps);
			ASSERT_EQ(ref[k].b_ps, got[k].b_ps);
			ASSERT_EQ(got[k].a_ps, a[got[k].a_idx]);
			ASSERT_EQ(got[k].b_ps, b[got[k].b_idx]);
		}
		EXPECT_EQ(0, mt.stats.slow_batches);
	}
}

/* Cutting a stream into time slices must not change the answer. */
TEST(batched_equals_oneshot)
{
	static u64 a[20000], b[20000];
	static struct qcore_coinc ref[20000], got[20000];
	int seed;

	for (seed = 1; seed <= 30; seed++) {
		size_t na = 20000, nb = 20000, ia = 0, ib = 0, ngot = 0, nref;
		s64 off = (s64)(rnd() % 200001) - 100000;
		u64 w = 1 + rnd() % 5000, t, step, k;

		rng = seed * 7919;
		gen_pair(a, na, b, nb, 20000, off, w);
		nref = ref_match(a, na, b, nb, off, w, ref, ARRAY_SIZE(ref));
		ASSERT_EQ(0, qcore_match_init(&mt, off, w));
		step = 1 + rnd() % 50000000;
		for (t = 0; ia < na || ib < nb; t += step) {
			size_t ea = ia, eb = ib;

			while (ea < na && a[ea] < t)
				ea++;
			while (eb < nb && b[eb] < t)
				eb++;
			ngot += qcore_match_batch(&mt, a + ia, ea - ia,
						  b + ib, eb - ib,
						  got + ngot,
						  ARRAY_SIZE(got) - ngot);
			ia = ea;
			ib = eb;
		}
		EXPECT_EQ(0, mt.stats.carry_overflow);
		ASSERT_EQ(nref, ngot) TH_LOG("seed %d step %llu", seed,
					     (unsigned long long)step);
		for (k = 0; k < ngot; k++) {
			ASSERT_EQ(ref[k].a_ps, got[k].a_ps);
			ASSERT_EQ(ref[k].b_ps, got[k].b_ps);
		}
	}
}

/* Disordered and wrapped tags: same answer as filter-then-match. */
TEST(dirty_vs_reference)
{
	static u64 a[3000], b[3000], fa[3000], fb[3000];
	static struct qcore_coinc ref[3000], got[3000];
	int seed;

	for (seed = 1; seed <= 40; seed++) {
		size_t na = 3000, nb = 3000, nfa, nfb, nref, k;
		u64 la = 0, lb = 0;
		bool sa = false, sb = false;
		u32 n;

		rng = seed * 31337;
		gen_pair(a, na, b, nb, 3000, 0, 100);
		for (k = 0; k < 30; k++) {
			a[rnd() % na] = rnd() % 4 ? rnd() % 3000000 :
				rnd() | (1ULL << 63);
			b[rnd() % nb] = rnd() % 3000000;
		}
		nfa = ref_filter(a, na, fa, &la, &sa);
		nfb = ref_filter(b, nb, fb, &lb, &sb);
		nref = ref_match(fa, nfa, fb, nfb, 0, 200, ref, 3000);
		ASSERT_EQ(0, qcore_match_init(&mt, 0, 200));
		n = qcore_match_batch(&mt, a, na, b, nb, got, 3000);
		ASSERT_EQ(nref, n);
		for (k = 0; k < n; k++) {
			ASSERT_EQ(ref[k].a_ps, got[k].a_ps);
			ASSERT_EQ(ref[k].b_ps, got[k].b_ps);
		}
		EXPECT_EQ(na + nb - nfa - nfb,
			  mt.stats.rejected_order + mt.stats.rejected_wrap);
		EXPECT_EQ(1, mt.stats.slow_batches);
	}
}

/*
 * One bad tag at every position of a batch, on either channel: a tag
 * earlier than its predecessor or one with the top bit set, so that the
 * order check meets it in every slot of its unrolled chunks and in the
 * tail.  The batch must take the careful path and agree with the model.
 */
TEST(bad_tag_at_every_position)
{
	enum { N = 300 };
	static u64 a[N], b[N], fa[N], fb[N];
	static struct qcore_coinc ref[N], got[N];
	u32 pos, kind, chan, n, k;

	for (kind = 0; kind < 2; kind++) {
		for (chan = 0; chan < 2; chan++) {
			for (pos = 0; pos < N; pos++) {
				u64 *t = chan ? b : a, la = 0, lb = 0;
				bool sa = false, sb = false;
				size_t nfa, nfb, nref;

				for (k = 0; k < N; k++) {
					a[k] = 1000000 + 5000 * k;
					/* every third A tag has a partner */
					b[k] = a[k] + (k % 3 ? 2500 : 40);
				}
				if (kind)
					t[pos] |= QCORE_TS_LIMIT;
				else
					t[pos] = pos ? t[pos - 1] - 1 : 0;
				/* 0 is a fine first tag: give it a history */
				if (!kind && !pos) {
					la = 1;
					lb = 1;
					sa = true;
					sb = true;
				}
				ASSERT_EQ(0, qcore_match_init(&mt, 0, 100));
				mt.last_a = la;
				mt.last_b = lb;
				mt.seen_a = sa;
				mt.seen_b = sb;
				nfa = ref_filter(a, N, fa, &la, &sa);
				nfb = ref_filter(b, N, fb, &lb, &sb);
				nref = ref_match(fa, nfa, fb, nfb, 0, 100, ref, N);
				EXPECT_EQ(N - 1, nfa + nfb - N);
				n = qcore_match_batch(&mt, a, N, b, N, got, N);
				ASSERT_EQ(nref, n) TH_LOG("kind %u chan %u pos %u",
							  kind, chan, pos);
				for (k = 0; k < n; k++) {
					ASSERT_EQ(ref[k].a_ps, got[k].a_ps);
					ASSERT_EQ(ref[k].b_ps, got[k].b_ps);
				}
				EXPECT_EQ(1, mt.stats.slow_batches);
				EXPECT_EQ(kind ? 0 : 1, mt.stats.rejected_order);
				EXPECT_EQ(kind ? 1 : 0, mt.stats.rejected_wrap);
			}
		}
	}
}

TEST_HARNESS_MAIN
