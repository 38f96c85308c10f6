// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 64-bit division helpers as qcore sees them on the
 * host (kernel/qcore/qcore_types.h): a division the kernel traps on (a
 * zero divisor, or a mul_u64_u64_div_u64() quotient above 64 bits, #DE
 * on x86) must trap here too, so that the unit tests and the fuzzer
 * find it (SIGILL: the harness takes SIGABRT for a failed assertion).
 */
#include <signal.h>

#include "kselftest_harness.h"
#include "qcore_types.h"
#include "sim.h"

/* Keep the compiler from folding the division at build time. */
static volatile u64 v_big = U64_MAX, v_two = 2, v_one = 1, v_zero;

TEST(mul_div_in_range)
{
	/* (2^64 - 1) * 2 / 2 fits: the 128-bit product is fine */
	ASSERT_EQ(U64_MAX, mul_u64_u64_div_u64(v_big, v_two, v_two));
	ASSERT_EQ(U64_MAX / 3, mul_u64_u64_div_u64(v_big, v_one, 3));
	ASSERT_EQ(0, mul_u64_u64_div_u64(v_zero, v_big, v_one));
	ASSERT_EQ(7, div64_u64(15, v_two));
	ASSERT_EQ(7, div_u64(15, (u32)v_two));
}

/* The kernel oopses here (#DE); the host stand-in used to truncate. */
TEST_SIGNAL(mul_div_quotient_overflow_traps, SIGILL)
{
	mul_u64_u64_div_u64(v_big, v_two, v_one);
}

TEST_SIGNAL(mul_div_by_zero_traps, SIGILL)
{
	mul_u64_u64_div_u64(v_one, v_one, v_zero);
}

TEST_SIGNAL(div64_by_zero_traps, SIGILL)
{
	div64_u64(v_one, v_zero);
}

TEST_SIGNAL(div_u64_by_zero_traps, SIGILL)
{
	div_u64(v_one, (u32)v_zero);
}

/* What the kernel uses where no bound keeps the quotient in 64 bits. */
TEST(mul_div_sat)
{
	ASSERT_EQ(U64_MAX, qcore_mul_div_sat(v_big, v_two, v_one));
	ASSERT_EQ(U64_MAX, qcore_mul_div_sat(v_one, v_one, v_zero));
	ASSERT_EQ(U64_MAX, qcore_mul_div_sat(1ULL << 32, 1ULL << 32, 1));
	ASSERT_EQ((1ULL << 63) - 1 + (1ULL << 63),
		  qcore_mul_div_sat(v_big, v_two, v_two));
	ASSERT_EQ(1ULL << 62, qcore_mul_div_sat(1ULL << 32, 1ULL << 32, 4));
	/* tags of a long run over a short covered time (pairs.c) */
	ASSERT_EQ(U64_MAX, qcore_mul_div_sat(1ULL << 40, 1ULL << 40, 1000));
	ASSERT_EQ(1000000, qcore_mul_div_sat(1000, 1000000000, 1000000));
}

/*
 * F8 of qlinksim: drift (ps/s) times link time. The old formula
 * multiplied the drift by the time in us in s64, which overflows after
 * 2^63 / 1e9 us = 2.56 h at the largest drift (1e9 ps/s).
 */
TEST(drift_long_runs)
{
	static const s32 drifts[] = { 1000000000, -1000000000, 1, -1, 0,
				      123456789, -2147483647 - 1 };
	static const u64 hours[] = { 0, 1, 2, 3, 24, 24 * 100, 24 * 213 };
	/* 2^64 ps is 213.5 days */
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(drifts); i++) {
		for (j = 0; j < ARRAY_SIZE(hours); j++) {
			u64 t = hours[j] * 3600 * 1000000000000ULL + 12345;
			__int128 want = (__int128)drifts[i] * t / 1000000000000LL;

			ASSERT_EQ((long long)want,
				  (long long)qcore_drift_ps(drifts[i], t)) {
				TH_LOG("drift %d ps/s, %llu h", drifts[i],
				       (unsigned long long)hours[j]);
			}
		}
	}
	/* the largest time at the largest drift still fits */
	ASSERT_EQ(18446744073709551LL, qcore_drift_ps(1000000000, U64_MAX));
	ASSERT_EQ(-18446744073709551LL, qcore_drift_ps(-1000000000, U64_MAX));
}

TEST_HARNESS_MAIN
