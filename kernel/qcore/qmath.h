/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore exponential and logarithm in fixed point, no FPU.
 *
 * Both the core (fidelity.c: memory decay, loss estimates) and the
 * simulator (sim.c: fiber loss, jitter share; qlinksim: sampling) need
 * them, and they are linked into different modules: static inline here,
 * so that neither module exports them to the other.
 */
#ifndef _QCORE_QMATH_H
#define _QCORE_QMATH_H

#include "qcore_types.h"

/* log2(e) in Q62, ln(2) in Q32. */
#define QCORE_LOG2E_Q62		6653256548922161246ULL
#define QCORE_LN2_Q32		2977044472ULL
/* e^-44 < 2^-63: beyond this exp(-x) is 0 at any precision we keep. */
#define QCORE_EXP_MAX_X		44

/* 2^(-j/32) in Q31, j = 0..31. */
static const u32 qcore_exp2_tbl[32] = {
	2147483648U, 2101467502U, 2056437387U, 2012372174U,
	1969251188U, 1927054196U, 1885761398U, 1845353420U,
	1805811301U, 1767116489U, 1729250827U, 1692196547U,
	1655936265U, 1620452965U, 1585730000U, 1551751076U,
	1518500250U, 1485961921U, 1454120821U, 1422962010U,
	1392470869U, 1362633090U, 1333434672U, 1304861917U,
	1276901417U, 1249540052U, 1222764986U, 1196563654U,
	1170923762U, 1145833280U, 1121280436U, 1097253708U,
};

/**
 * qcore_exp_neg_q32() - e^-x in fixed point
 * @x_q32: x >= 0 in Q32 (x * 2^32)
 *
 * e^-x = 2^-(x log2 e): the integer part of the exponent is a shift, the
 * top five fraction bits index a table, and the rest (less than 1/32)
 * goes through a cubic, accurate to about 1e-8 relative.
 *
 * Return: e^-x in Q32 (1.0 is 2^32).
 */
static inline u64 qcore_exp_neg_q32(u64 x_q32)
{
	u64 y, f, r, z, z2, p, v;
	unsigned int n;

	if (x_q32 >= ((u64)QCORE_EXP_MAX_X << 32))
		return 0;
	y = mul_u64_u64_shr(x_q32, QCORE_LOG2E_Q62, 62);
	n = (unsigned int)(y >> 32);
	if (n >= 33)
		return 0;
	f = y & 0xffffffffULL;
	r = f & ((1ULL << 27) - 1);
	z = (r * QCORE_LN2_Q32) >> 32;		/* r ln 2, < 0.022, Q32 */
	z2 = (z * z) >> 32;
	/* 2^-r = e^-z ~ 1 - z + z^2/2 - z^3/6 */
	p = (1ULL << 32) - z + (z2 >> 1) - div_u64((z2 * z) >> 32, 6);
	v = ((u64)qcore_exp2_tbl[f >> 27] * p) >> 31;
	return v >> n;
}

/**
 * qcore_log2_q32() - log2 of a 64-bit integer, precise
 * @x: x >= 1 (0 is treated as 1)
 *
 * Integer part from the highest set bit; fraction bit by bit from
 * repeated squaring of the mantissa: 32 multiplications, error about
 * 2^-30.  For statistics and model constants, computed rarely.
 *
 * Return: log2(x) in Q32.
 */
static inline u64 qcore_log2_q32(u64 x)
{
	u64 y, frac = 0;
	int n, k;

	if (!x)
		x = 1;
	n = fls64(x) - 1;
	/* mantissa in [1, 2) as Q62 */
	y = n <= 62 ? x << (62 - n) : x >> (n - 62);
	for (k = 31; k >= 0; k--) {
		y = mul_u64_u64_shr(y, y, 62);	/* [1, 4) in Q62 */
		if (y >= (2ULL << 62)) {
			y >>= 1;
			frac |= 1ULL << k;
		}
	}
	return ((u64)n << 32) | frac;
}

#endif /* _QCORE_QMATH_H */
