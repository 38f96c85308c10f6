// SPDX-License-Identifier: GPL-2.0
/*
 * qcore fixed-point fidelity and link physics.  See fidelity.h for the
 * units.  Integer arithmetic only: this runs in the kernel without the
 * FPU, and gives the same bits in the userspace tests.
 */
#include "fidelity.h"

/* log2(e) in Q62, ln(2) in Q32, ln(10) / 10^4 in Q64. */
#define QF_LOG2E_Q62	6653256548922161246ULL
#define QF_LN2_Q32	2977044472ULL
#define QF_LN10_MDB_Q64	4247519791839987ULL
/* ln(10) / 10^7 in Q64: nepers per (mdB/km * m). */
#define QF_LN10_MDBM_Q64	4247519791840ULL
/* e^-44 < 2^-63: beyond this exp(-x) is 0 at any precision we keep. */
#define QF_EXP_MAX_X	44

/* Clamp a fidelity to 1.0, so that 1 - f cannot wrap. */
static u32 min_f1(u32 f)
{
	return f > QCORE_F_ONE ? QCORE_F_ONE : f;
}

/* 2^(-j/32) in Q31, j = 0..31. */
static const u32 qf_exp2_tbl[32] = {
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
u64 qcore_exp_neg_q32(u64 x_q32)
{
	u64 y, f, r, z, z2, p, v;
	unsigned int n;

	if (x_q32 >= ((u64)QF_EXP_MAX_X << 32))
		return 0;
	y = mul_u64_u64_shr(x_q32, QF_LOG2E_Q62, 62);
	n = (unsigned int)(y >> 32);
	if (n >= 33)
		return 0;
	f = y & 0xffffffffULL;
	r = f & ((1ULL << 27) - 1);
	z = (r * QF_LN2_Q32) >> 32;		/* r ln 2, < 0.022, Q32 */
	z2 = (z * z) >> 32;
	/* 2^-r = e^-z ~ 1 - z + z^2/2 - z^3/6 */
	p = (1ULL << 32) - z + (z2 >> 1) - div_u64((z2 * z) >> 32, 6);
	v = ((u64)qf_exp2_tbl[f >> 27] * p) >> 31;
	return v >> n;
}

/* t / tau in Q32, saturated where exp(-x) is 0 anyway. */
static u64 qf_ratio_q32(u64 t, u64 tau)
{
	int s;

	if (tau <= div_u64(t, QF_EXP_MAX_X))
		return (u64)QF_EXP_MAX_X << 32;
	/* Scale both so that t << 32 fits; tau >> s stays above 2^24. */
	s = fls64(t) > 31 ? fls64(t) - 31 : 0;
	return div64_u64((t >> s) << 32, tau >> s);
}

/**
 * qcore_werner_decay() - fidelity of a stored Werner pair
 * @f0: fidelity at herald time
 * @t_ps: time in memory
 * @t_decay_ps: memory coherence time T; 0 means no decay
 *
 * F(t) = 1/4 + (F0 - 1/4) e^(-t/T).  Absolute error below 1e-8.
 *
 * Return: fidelity after @t_ps.
 */
u32 qcore_werner_decay(u32 f0, u64 t_ps, u64 t_decay_ps)
{
	u64 e;

	if (!t_decay_ps || !t_ps)
		return f0;
	e = qcore_exp_neg_q32(qf_ratio_q32(t_ps, t_decay_ps));
	if (f0 >= QCORE_F_QUARTER)
		return QCORE_F_QUARTER +
		       (u32)(((u64)(f0 - QCORE_F_QUARTER) * e) >> 32);
	return QCORE_F_QUARTER -
	       (u32)(((u64)(QCORE_F_QUARTER - f0) * e) >> 32);
}

/**
 * qcore_herald_fidelity() - fidelity of a herald from a true/accidental mix
 * @f0: fidelity of a true coincidence
 * @c_true: true coincidences (count or rate)
 * @c_acc: accidental coincidences, same unit; they carry fidelity 1/4
 *
 * F = (F0 C_true + 1/4 C_acc) / (C_true + C_acc).
 *
 * Return: the mixed fidelity, or @f0 if both counts are 0.
 */
u32 qcore_herald_fidelity(u32 f0, u64 c_true, u64 c_acc)
{
	u64 tot;

	while (c_true + c_acc < c_true) {	/* sum overflows: rescale */
		c_true >>= 1;
		c_acc >>= 1;
	}
	tot = c_true + c_acc;
	if (!tot)
		return f0;
	return (u32)(mul_u64_u64_div_u64(f0, c_true, tot) +
		     mul_u64_u64_div_u64(QCORE_F_QUARTER, c_acc, tot));
}

/**
 * qcore_swap_fidelity() - entanglement swap of two Werner pairs
 * @f1: fidelity of the first pair
 * @f2: fidelity of the second pair
 *
 * F = F1 F2 + (1 - F1)(1 - F2) / 3.
 *
 * Return: fidelity of the end-to-end pair.
 */
u32 qcore_swap_fidelity(u32 f1, u32 f2)
{
	u64 both = (u64)f1 * f2;
	u64 none = (u64)(QCORE_F_ONE - min_f1(f1)) * (QCORE_F_ONE - min_f1(f2));
	u64 f = both + div_u64(none, 3);

	f = (f + (1U << (QCORE_F_SHIFT - 1))) >> QCORE_F_SHIFT;
	return f > QCORE_F_ONE ? QCORE_F_ONE : (u32)f;
}

/**
 * qcore_werner_qber() - error rate of a Werner pair measured in one basis
 * @f: fidelity
 *
 * Outcomes disagree with probability (1 - F) 2/3.
 *
 * Return: QBER in the fixed-point unit.
 */
u32 qcore_werner_qber(u32 f)
{
	u32 bad = QCORE_F_ONE - min_f1(f);

	return (u32)div_u64((u64)bad * 2 + 1, 3);
}

/**
 * qcore_db_to_transmission() - transmission of a loss
 * @loss_mdb: loss in millidecibels
 *
 * eta = 10^(-dB/10) = e^(-mdB ln(10) / 10000).
 *
 * Return: transmission in the fixed-point unit.
 */
u32 qcore_db_to_transmission(u32 loss_mdb)
{
	u64 x = mul_u64_u64_shr(loss_mdb, QF_LN10_MDB_Q64, 32);

	return (u32)((qcore_exp_neg_q32(x) + 2) >> 2);
}

/**
 * qcore_fiber_transmission() - transmission of a fiber span
 * @alpha_mdb_per_km: attenuation (QCORE_FIBER_MDB_PER_KM is 0.2 dB/km)
 * @length_m: length in metres
 *
 * Return: 10^(-alpha L / 10) in the fixed-point unit.
 */
u32 qcore_fiber_transmission(u32 alpha_mdb_per_km, u32 length_m)
{
	/* Not via whole millidecibels: 1 m of fiber is 0.2 mdB. */
	u64 x = mul_u64_u64_shr((u64)alpha_mdb_per_km * length_m,
				QF_LN10_MDBM_Q64, 32);

	return (u32)((qcore_exp_neg_q32(x) + 2) >> 2);
}

/**
 * qcore_pair_rate() - heralded pair rate of a source through two arms
 * @src_rate: source pair rate, any unit (Hz, mHz)
 * @eta_a: detector efficiency at A
 * @eta_b: detector efficiency at B
 * @trans: transmission of both fibers, e.g. of the summed loss
 *
 * rate = R eta_A eta_B 10^(-alpha (L_A + L_B) / 10).
 *
 * Return: the rate, in the unit of @src_rate.
 */
u64 qcore_pair_rate(u64 src_rate, u32 eta_a, u32 eta_b, u32 trans)
{
	u32 p = qcore_fmul(qcore_fmul(eta_a, eta_b), trans);

	return mul_u64_u64_shr(src_rate, p, QCORE_F_SHIFT);
}
