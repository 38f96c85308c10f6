/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore fixed-point fidelity and link physics, no FPU.  The simulator's
 * share (fiber loss, sampling, expected rates) is in sim.h, the Bell
 * state measurements in bell.h.
 *
 * Conventions:
 *  - fidelities, probabilities, efficiencies and transmissions are u32 in
 *    units of 2^-30 (QCORE_F_ONE is 1.0), so products fit in u64;
 *  - times are u64 picoseconds; a decay constant of 0 means "no decay";
 *  - the uapi unit is parts per million (u32), converted at the netlink
 *    boundary with qcore_f_to_ppm() / qcore_f_from_ppm();
 *  - losses are u32 millidecibels, attenuation u32 millidecibels per km,
 *    lengths u32 metres.
 */
#ifndef _QCORE_FIDELITY_H
#define _QCORE_FIDELITY_H

#include "qcore_types.h"

#define QCORE_F_SHIFT		30
#define QCORE_F_ONE		((u32)BIT(QCORE_F_SHIFT))
#define QCORE_F_QUARTER		(QCORE_F_ONE / 4)

/* a * b for two fixed-point values, rounded to nearest. */
static inline u32 qcore_fmul(u32 a, u32 b)
{
	return (u32)(((u64)a * b + (1U << (QCORE_F_SHIFT - 1))) >>
		     QCORE_F_SHIFT);
}

/* Fixed point to parts per million (the uapi unit), rounded. */
static inline u32 qcore_f_to_ppm(u32 f)
{
	return (u32)(((u64)f * 1000000 + (QCORE_F_ONE / 2)) >> QCORE_F_SHIFT);
}

/* Parts per million to fixed point, rounded; values above 1.0 clamp. */
static inline u32 qcore_f_from_ppm(u32 ppm)
{
	if (ppm > 1000000)
		ppm = 1000000;
	return (u32)div_u64(((u64)ppm << QCORE_F_SHIFT) + 500000, 1000000);
}

/* Fixed point to thousandths, rounded. */
static inline u32 qcore_f_to_milli(u32 f)
{
	return (u32)(((u64)f * 1000 + (QCORE_F_ONE / 2)) >> QCORE_F_SHIFT);
}

/* Thousandths to fixed point, rounded; values above 1.0 clamp. */
static inline u32 qcore_f_from_milli(u32 milli)
{
	if (milli > 1000)
		milli = 1000;
	return (u32)div_u64(((u64)milli << QCORE_F_SHIFT) + 500, 1000);
}

u32 qcore_werner_decay(u32 f0, u64 t_ps, u64 t_decay_ps);
u32 qcore_herald_fidelity(u32 f0, u64 c_true, u64 c_acc);
u32 qcore_swap_fidelity(u32 f1, u32 f2);
u32 qcore_ratio_to_mdb(u64 num, u64 den);

#endif /* _QCORE_FIDELITY_H */
