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

TEST_HARNESS_MAIN
