// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kernel/qcore/bell.h: the correlation table against the
 * Bell states' expectation values, the Werner QBER against worked
 * numbers, and the statistics of qcore_werner_measure().
 */
#include <complex.h>
#include <math.h>

#include "kselftest_harness.h"
#include "bell.h"

/* <s (x) s> of a Bell state, s the Pauli matrix of the basis */
static double bell_corr(int bell, int basis)
{
	const double r = M_SQRT1_2;
	/* |00>, |01>, |10>, |11>: Phi+, Phi-, Psi+, Psi- */
	const double complex psi[4][4] = {
		{ r, 0, 0, r }, { r, 0, 0, -r }, { 0, r, r, 0 }, { 0, r, -r, 0 },
	};
	const double complex pauli[3][2][2] = {
		{ { 1, 0 }, { 0, -1 } },	/* Z */
		{ { 0, 1 }, { 1, 0 } },		/* X */
		{ { 0, -I }, { I, 0 } },	/* Y */
	};
	double complex sum = 0;
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			sum += conj(psi[bell][i]) *
			       pauli[basis][i >> 1][j >> 1] *
			       pauli[basis][i & 1][j & 1] * psi[bell][j];
	return creal(sum);
}

TEST(agree_table_is_the_physics)
{
	int bell, basis;

	for (basis = 0; basis < QCORE_BASES; basis++)
		for (bell = 0; bell < 4; bell++) {
			double c = bell_corr(bell, basis);

			ASSERT_LT(fabs(fabs(c) - 1), 1e-12);
			EXPECT_EQ(c > 0, qcore_bell_agree(basis, bell)) {
				TH_LOG("basis %d bell %d: <ss> %g", basis,
				       bell, c);
			}
			EXPECT_EQ(qcore_bell_agree(basis, bell),
				  qcore_bell_agree(basis, bell | 4));
		}
	EXPECT_FALSE(qcore_bell_agree(QCORE_BASES, 0));
	EXPECT_FALSE(qcore_bell_agree(255, 0));
}

TEST(werner_qber)
{
	/* (1 - F) 2/3 */
	EXPECT_EQ(0, qcore_werner_qber_ppm(1000000));
	EXPECT_EQ(0, qcore_werner_qber_ppm(2000000));
	EXPECT_EQ(66667, qcore_werner_qber_ppm(900000));
	EXPECT_EQ(500000, qcore_werner_qber_ppm(250000));
	EXPECT_EQ(666667, qcore_werner_qber_ppm(0));
	EXPECT_EQ(0, qcore_werner_qber_q32(1000000));
	EXPECT_EQ(2863311530U, qcore_werner_qber_q32(0));	/* 2/3 2^32 */
	EXPECT_LT(fabs(qcore_werner_qber_q32(970000) / 4294967296.0 - 0.02),
		  1e-9);
}

static u64 rnd_state = 88172645463325252ULL;

static u32 rnd32(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (u32)(rnd_state >> 16);
}

/* 4 sigma of a binomial count */
static double tol4(double n, double p)
{
	return 4 * sqrt(n * p * (1 - p)) + 1;
}

TEST(werner_measure_statistics)
{
	const u32 f = 900000, n = 200000;
	const double q = 1.0 / 15;
	int ba, bb, bell;

	for (ba = 0; ba < QCORE_BASES; ba++)
	for (bb = 0; bb < QCORE_BASES; bb++)
	for (bell = 0; bell < 4; bell++) {
		u32 k, ones_a = 0, ones_b = 0, wrong = 0;
		u8 a, b;

		for (k = 0; k < n; k++) {
			qcore_werner_measure(ba, bb, bell, f, rnd32(),
					     rnd32(), &a, &b);
			ASSERT_LE(a, 1);
			ASSERT_LE(b, 1);
			ones_a += a;
			ones_b += b;
			wrong += (a == b) != qcore_bell_agree(ba, bell);
		}
		EXPECT_LT(fabs(ones_a - n / 2.0), tol4(n, 0.5));
		EXPECT_LT(fabs(ones_b - n / 2.0), tol4(n, 0.5));
		if (ba == bb) {
			EXPECT_LT(fabs(wrong - n * q), tol4(n, q)) {
				TH_LOG("basis %d bell %d: %u errors of %u",
				       ba, bell, wrong, n);
			}
		} else {
			EXPECT_LT(fabs(wrong - n / 2.0), tol4(n, 0.5));
		}
	}
}

TEST(werner_measure_pure_and_mixed)
{
	u32 k, wrong = 0, n = 100000;
	u8 a, b;

	for (k = 0; k < n; k++) {
		qcore_werner_measure(QCORE_BASIS_X, QCORE_BASIS_X, 1, 1000000,
				     rnd32(), rnd32(), &a, &b);
		ASSERT_NE(a, b);	/* Phi- in X: always opposite */
		qcore_werner_measure(QCORE_BASIS_Z, QCORE_BASIS_Z, 0, 250000,
				     rnd32(), rnd32(), &a, &b);
		wrong += a != b;
	}
	/* F = 1/4 is the mixed state: agreement is a coin */
	EXPECT_LT(fabs(wrong - n / 2.0), tol4(n, 0.5));
}

TEST_HARNESS_MAIN
