/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore physics of the simulated link: fiber loss, the samplers the
 * simulator draws with, and the rates it expects a link to make.
 * Linked into the simulator's module only (qlinksim.ko), not into the
 * core: drivers include it as "../qcore/sim.h".
 *
 * Units as in fidelity.h (probabilities in 2^-30 unless a name says
 * _q32, times in ps, losses in mdB), and rates in mHz.
 */
#ifndef _QCORE_SIM_H
#define _QCORE_SIM_H

#include "fidelity.h"
#include "qmath.h"

/* Fiber attenuation used by the simulator: 0.2 dB/km. */
#define QCORE_FIBER_MDB_PER_KM	200

u32 qcore_db_to_transmission(u32 loss_mdb);
u32 qcore_fiber_transmission(u32 alpha_mdb_per_km, u32 length_m);
u64 qcore_detect_q32(u32 eff_ppm, u32 loss_mdb);
u64 qcore_pair_rate(u64 src_rate, u32 eta_a, u32 eta_b, u32 trans);
u64 qcore_log2_fast_q32(u32 x);
u64 qcore_neg_ln_q32(u32 u);
s64 qcore_drift_ps(s32 drift, u64 t_ps);
u32 qcore_erf(u64 x_q32);
u32 qcore_window_share(u32 window_ps, u32 jitter_a_ps, u32 jitter_b_ps);
u64 qcore_uncorrelated_rate(u64 s_a, u64 s_b, u32 window_ps);
u64 qcore_accidental_rate(u64 s_a, u64 s_b, u64 c_in, u32 window_ps);

/**
 * struct qcore_link_phys - a time-tag link as a physicist describes it
 * @source_rate: pair emission rate R, mHz
 * @eff: detector efficiency of arm A and B, ppm
 * @loss: loss of arm A and B (fiber and extra), mdB
 * @dark: dark count rate of detector A and B, mHz
 * @jitter: timing jitter of detector A and B, Gaussian sigma, ps
 * @window: coincidence window tau, full width, ps: tags coincide iff
 *	|a - (b - offset)| <= tau / 2 (rounded down), as the core matches
 * @dead_time: non-paralysable detector dead time, ns; 0 for none
 * @max_det_rate: detector saturation, the most detections a detector
 *	registers, mHz; 0 for no limit
 */
struct qcore_link_phys {
	u64 source_rate;
	u32 eff[2];
	u32 loss[2];
	u64 dark[2];
	u32 jitter[2];
	u32 window;
	u32 dead_time;
	u64 max_det_rate;
};

/**
 * struct qcore_link_expect - what such a link makes, see
 *	qcore_link_expect()
 * @singles: detections registered by detector A and B, mHz
 * @twins: pairs whose photons are registered at both detectors, mHz
 * @in_window: share of @twins whose tags lie within the window (jitter),
 *	QCORE_F_ONE = all
 * @uncorrelated: S_A S_B tau, the textbook accidental rate: coincidences
 *	of unrelated tags, mHz
 * @herald_rate: true heralds the one-to-one matcher makes, mHz
 * @accidental_rate: accidental heralds it makes, mHz
 */
struct qcore_link_expect {
	u64 singles[2];
	u64 twins;
	u32 in_window;
	u64 uncorrelated;
	u64 herald_rate;
	u64 accidental_rate;
};

void qcore_link_expect(const struct qcore_link_phys *p,
		       struct qcore_link_expect *e);

/*
 * The photon-pair source of a link split across hosts: its emissions
 * are a function of the link's seed and real time only, so that each
 * end simulates the same emissions without talking to the other. Real
 * time (CLOCK_REALTIME) is cut into blocks of QCORE_EMIT_BLOCK_PS; the
 * emissions of block k are a Poisson process drawn from a PRNG seeded
 * by (seed, k), numbered from 0 in the block. An emission is named by
 * (block, number): both ends give it the same ground-truth id and the
 * same shared random bits (qcore_emission_bits()).
 */
#define QCORE_EMIT_BLOCK_PS	1000000000ULL	/* 1 ms */

/**
 * struct qcore_emitter - a position in the emissions of a seeded source
 * @key: from the seed: the block PRNGs' seeds and the emissions' bits
 * @gap_q8: mean gap between emissions, ps << 8; 0: no emissions
 * @blk: block of the next emission
 * @t_ps: its time in the block; QCORE_EMIT_BLOCK_PS or more: the block
 *	has no more
 * @idx: its number in the block
 * @id_base: ground-truth id of the block's emission 0, 0..1022
 * @rng: the block's PRNG state
 */
struct qcore_emitter {
	u64 key;
	u64 gap_q8;
	u64 blk;
	u64 t_ps;
	u32 idx;
	u32 id_base;
	u64 rng;
};

void qcore_emitter_init(struct qcore_emitter *e, u64 seed, u64 rate_mhz);
void qcore_emitter_set_rate(struct qcore_emitter *e, u64 rate_mhz);
void qcore_emitter_seek(struct qcore_emitter *e, u64 blk, u64 t_ps);
bool qcore_emitter_peek(struct qcore_emitter *e, u64 blk_lim);
void qcore_emitter_pop(struct qcore_emitter *e);
u64 qcore_emission_bits(const struct qcore_emitter *e);

/* Ground-truth id of the next emission (QLINK_TAG_PAIR): 1..1023. */
static inline u16 qcore_emission_id(const struct qcore_emitter *e)
{
	return (e->id_base + e->idx) % 1023 + 1;
}

#endif /* _QCORE_SIM_H */
