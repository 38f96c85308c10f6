// SPDX-License-Identifier: GPL-2.0
/*
 * qcore fixed-point fidelity of stored and heralded pairs, and the loss
 * estimate.  See fidelity.h for the units; the simulator's physics is in
 * sim.c.  Integer arithmetic only: this runs in the kernel without the
 * FPU, and gives the same bits in the userspace tests.
 */
#include "fidelity.h"
#include "qmath.h"

/* Clamp a fidelity to 1.0, so that 1 - f cannot wrap. */
static u32 min_f1(u32 f)
{
	return f > QCORE_F_ONE ? QCORE_F_ONE : f;
}

/* t / tau in Q32, saturated where exp(-x) is 0 anyway. */
static u64 qf_ratio_q32(u64 t, u64 tau)
{
	int s;

	if (tau <= div_u64(t, QCORE_EXP_MAX_X))
		return (u64)QCORE_EXP_MAX_X << 32;
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

/* 10^4 / log2(10) in Q32: millidecibels per octave of attenuation. */
#define QF_MDB_PER_LOG2_Q32	12929139864918ULL

/**
 * qcore_ratio_to_mdb() - attenuation of a ratio, in millidecibels
 * @num: transmitted (num <= den)
 * @den: offered
 *
 * 10^4 log10(den / num); both may be counts or rates.
 *
 * Return: the loss in mdB, 0 if num >= den, U32_MAX if num is 0.
 */
u32 qcore_ratio_to_mdb(u64 num, u64 den)
{
	u64 l2, mdb;

	if (!num)
		return U32_MAX;
	if (num >= den)
		return 0;
	l2 = qcore_log2_q32(den) - qcore_log2_q32(num);
	mdb = mul_u64_u64_shr(l2, QF_MDB_PER_LOG2_Q32, 64);
	return mdb > U32_MAX ? U32_MAX : (u32)mdb;
}

