/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore physics of the simulated link: fiber loss and the samplers the
 * simulator draws with.
 * Linked into the simulator's module only (qlinksim.ko), not into the
 * core: drivers include it as "../qcore/sim.h".
 *
 * Units as in fidelity.h (probabilities in 2^-30 unless a name says
 * _q32, times in ps, losses in mdB).
 */
#ifndef _QCORE_SIM_H
#define _QCORE_SIM_H

#include "fidelity.h"
#include "qmath.h"

/* Fiber attenuation used by the simulator: 0.2 dB/km. */
#define QCORE_FIBER_MDB_PER_KM	200

u32 qcore_db_to_transmission(u32 loss_mdb);
u32 qcore_fiber_transmission(u32 alpha_mdb_per_km, u32 length_m);
u64 qcore_pair_rate(u64 src_rate, u32 eta_a, u32 eta_b, u32 trans);
u64 qcore_log2_fast_q32(u32 x);
u64 qcore_neg_ln_q32(u32 u);
s64 qcore_drift_ps(s32 drift, u64 t_ps);

#endif /* _QCORE_SIM_H */
