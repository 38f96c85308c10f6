// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the qcore fixed-point physics (kernel/qcore/fidelity.c,
 * the exp and log of qmath.h, the fiber and samplers of sim.c) against
 * the double-precision formulas.
 */
#include <math.h>

#include "kselftest_harness.h"
#include "fidelity.h"
#include "sim.h"

static double tof(u32 f)
{
	return (double)f / QCORE_F_ONE;
}

static u32 fromd(double x)
{
	return (u32)llround(x * QCORE_F_ONE);
}

TEST(exp_neg_accuracy)
{
	double x, worst = 0;

	for (x = 0; x < 45; x += 0.0137) {
		u64 q = (u64)llround(x * 4294967296.0);
		double got = (double)qcore_exp_neg_q32(q) / 4294967296.0;
		double err = fabs(got - exp(-(double)q / 4294967296.0));

		worst = err > worst ? err : worst;
	}
	TH_LOG("worst |exp error| %.3g", worst);
	ASSERT_LT(worst, 1e-8);
	ASSERT_EQ(1ULL << 32, qcore_exp_neg_q32(0));
	ASSERT_EQ(0, qcore_exp_neg_q32(100ULL << 32));
}

TEST(werner_decay_matches_formula)
{
	static const double f0s[] = { 1.0, 0.96, 0.72, 0.5, 0.25, 0.1, 0.0 };
	static const u64 taus[] = { 1000000000ULL, 13000000000ULL, 1000,
				    1ULL << 50 };
	double worst = 0;
	unsigned int i, k;
	u64 t;

	for (i = 0; i < ARRAY_SIZE(f0s); i++) {
		for (k = 0; k < ARRAY_SIZE(taus); k++) {
			for (t = 0; t < 50 * taus[k] && t < (1ULL << 62);
			     t = t * 3 / 2 + taus[k] / 97 + 1) {
				double want = 0.25 + (f0s[i] - 0.25) *
					exp(-(double)t / (double)taus[k]);
				double got = tof(qcore_werner_decay(fromd(f0s[i]),
								    t, taus[k]));
				double err = fabs(got - want);

				worst = err > worst ? err : worst;
			}
		}
	}
	TH_LOG("worst |F error| %.3g", worst);
	ASSERT_LT(worst, 1e-6);	/* the requirement is 1e-4 */
}

TEST(werner_decay_edges)
{
	u32 f0 = fromd(0.9);

	EXPECT_EQ(f0, qcore_werner_decay(f0, 123456789, 0));	/* T = inf */
	EXPECT_EQ(f0, qcore_werner_decay(f0, 0, 1000));
	EXPECT_EQ(QCORE_F_QUARTER, qcore_werner_decay(f0, U64_MAX, 1));
	EXPECT_EQ(QCORE_F_QUARTER, qcore_werner_decay(f0, 1ULL << 62, 1000));
	/* one time constant: 0.25 + 0.65 / e */
	EXPECT_LT(fabs(tof(qcore_werner_decay(f0, 1000000, 1000000)) -
		       (0.25 + 0.65 * exp(-1))), 1e-7);
}

TEST(herald_mix)
{
	u32 f0 = fromd(0.95);

	EXPECT_EQ(f0, qcore_herald_fidelity(f0, 0, 0));
	EXPECT_EQ(f0, qcore_herald_fidelity(f0, 1000, 0));
	EXPECT_EQ(QCORE_F_QUARTER, qcore_herald_fidelity(f0, 0, 77));
	EXPECT_LT(fabs(tof(qcore_herald_fidelity(f0, 900, 100)) -
		       (0.95 * 900 + 0.25 * 100) / 1000), 1e-8);
	EXPECT_LT(fabs(tof(qcore_herald_fidelity(f0, U64_MAX, U64_MAX)) -
		       0.6), 1e-8);
}

TEST(swap)
{
	static const double fs[] = { 1.0, 0.98, 0.9, 0.75, 0.5, 0.25 };
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(fs); i++) {
		for (k = 0; k < ARRAY_SIZE(fs); k++) {
			double f1 = fs[i], f2 = fs[k];
			double want = f1 * f2 + (1 - f1) * (1 - f2) / 3;

			EXPECT_LT(fabs(tof(qcore_swap_fidelity(fromd(f1),
							       fromd(f2))) -
				       want), 1e-8);
		}
	}
	EXPECT_EQ(QCORE_F_ONE, qcore_swap_fidelity(QCORE_F_ONE, QCORE_F_ONE));
}

TEST(fiber_transmission)
{
	static const u32 lengths[] = { 0, 1, 1000, 10000, 25000, 50000,
				       100000, 200000, 500000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		double want = pow(10, -0.2 * lengths[i] / 1000.0 / 10);
		double got = tof(qcore_fiber_transmission(QCORE_FIBER_MDB_PER_KM,
							  lengths[i]));

		EXPECT_LT(fabs(got - want), 1e-8) TH_LOG("L=%u m", lengths[i]);
	}
	EXPECT_EQ(QCORE_F_ONE, qcore_db_to_transmission(0));
	EXPECT_LT(fabs(tof(qcore_db_to_transmission(3010)) - 0.5), 1e-3);
	EXPECT_EQ(0, qcore_db_to_transmission(U32_MAX));
}

TEST(pair_rate)
{
	/* 3e5 pairs/s, eta 0.8 each, 10 km + 15 km at 0.2 dB/km */
	u32 eta = fromd(0.8);
	u32 tr = qcore_fiber_transmission(QCORE_FIBER_MDB_PER_KM, 25000);
	double want = 3e5 * 0.8 * 0.8 * pow(10, -0.5);

	EXPECT_LT(fabs((double)qcore_pair_rate(300000000ULL, eta, eta, tr) /
		       1000 - want), 0.01);	/* rates in mHz */
}

TEST(ppm_and_milli_units)
{
	u32 ppm;

	for (ppm = 0; ppm <= 1000000; ppm += 997)
		ASSERT_EQ(ppm, qcore_f_to_ppm(qcore_f_from_ppm(ppm)));
	EXPECT_EQ(1000000, qcore_f_to_ppm(QCORE_F_ONE));
	EXPECT_EQ(QCORE_F_ONE, qcore_f_from_ppm(2000000));
	EXPECT_EQ(250000, qcore_f_to_ppm(QCORE_F_QUARTER));
	EXPECT_EQ(980, qcore_f_to_milli(fromd(0.98)));
	EXPECT_EQ(QCORE_F_ONE, qcore_f_from_milli(1000));
	EXPECT_EQ(QCORE_F_ONE / 2, qcore_f_from_milli(500));
	EXPECT_EQ(fromd(0.5), qcore_fmul(QCORE_F_ONE, fromd(0.5)));
}

TEST(log2_fast_accuracy)
{
	double worst = 0;
	u64 x;

	for (x = 1; x < (1ULL << 32); x = x * 17 / 16 + 1) {
		double got = (double)qcore_log2_fast_q32((u32)x) / 4294967296.0;
		double err = fabs(got - log2((double)x));

		worst = err > worst ? err : worst;
	}
	TH_LOG("worst |log2 fast error| %.3g", worst);
	ASSERT_LT(worst, 3e-6);
	ASSERT_EQ(0, qcore_log2_fast_q32(1));
	ASSERT_EQ(31ULL << 32, qcore_log2_fast_q32(1U << 31));
}

TEST(log2_precise_accuracy)
{
	double worst = 0;
	u64 x;

	for (x = 1; x < (1ULL << 59); x = x * 13 / 12 + 1) {
		double got = (double)qcore_log2_q32(x) / 4294967296.0;
		double err = fabs(got - log2((double)x));

		worst = err > worst ? err : worst;
	}
	TH_LOG("worst |log2 error| %.3g", worst);
	ASSERT_LT(worst, 1e-8);
	ASSERT_EQ(63ULL << 32, qcore_log2_q32(1ULL << 63));
	ASSERT_EQ(0, qcore_log2_q32(0));
}

TEST(neg_ln_is_an_exponential_variate)
{
	double sum = 0, worst = 0;
	u32 u;
	int k;

	for (k = 1; k < 100000; k++) {
		u = (u32)((u64)k * 42949U);
		double want = -log((double)u / 4294967296.0);
		double got = (double)qcore_neg_ln_q32(u) / 4294967296.0;

		worst = fabs(got - want) > worst ? fabs(got - want) : worst;
	}
	/* mean of -ln(U) over a fine uniform grid is 1 */
	for (k = 0; k < 1 << 20; k++)
		sum += (double)qcore_neg_ln_q32(((u32)k << 12) + 2048) /
		       4294967296.0;
	TH_LOG("worst |-ln error| %.3g, mean %.7f", worst, sum / (1 << 20));
	ASSERT_LT(worst, 3e-6);
	ASSERT_LT(fabs(sum / (1 << 20) - 1.0), 1e-5);
}

TEST(ratio_to_mdb)
{
	/* 0.2 dB/km over 50 km: 10 dB is a factor 10 */
	ASSERT_LT(abs((int)qcore_ratio_to_mdb(1000, 10000) - 10000), 2);
	ASSERT_LT(abs((int)qcore_ratio_to_mdb(1, 2) - 3010), 2);
	ASSERT_LT(abs((int)qcore_ratio_to_mdb(123456, 987654321) - 39030), 2);
	ASSERT_EQ(0, qcore_ratio_to_mdb(5, 5));
	ASSERT_EQ(0, qcore_ratio_to_mdb(6, 5));
	ASSERT_EQ(U32_MAX, qcore_ratio_to_mdb(0, 5));
}

TEST_HARNESS_MAIN
