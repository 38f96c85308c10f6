/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore: measuring both qubits of a pair in a Bell state, with the
 * Werner-state errors. One statement for the core's MEASURE requests,
 * the simulator, the QKD tool and the tests (header only: the tools
 * include it by relative path and build it with their own flags).
 *
 * Bell index (the heralds' bell_index): 0 Phi+, 1 Phi-, 2 Psi+, 3 Psi-.
 * Bases: the values of enum qlink_basis in <linux/qlink.h> (Z 0, X 1,
 * Y 2). Fidelities in ppm, the uapi unit.
 */
#ifndef _QCORE_BELL_H
#define _QCORE_BELL_H

#include "qcore_types.h"

#define QCORE_BASIS_Z		0
#define QCORE_BASIS_X		1
#define QCORE_BASIS_Y		2
#define QCORE_BASES		3
#define QCORE_PPM		1000000U

/*
 * Do the outcomes of a Bell state agree when both qubits are measured in
 * the same basis? <ZZ> is +1 for Phi+-, -1 for Psi+-; <XX> +1 for Phi+
 * and Psi+; <YY> +1 for Phi- and Psi+.
 */
static const bool qcore_bell_agree_tbl[QCORE_BASES][4] = {
	[QCORE_BASIS_Z] = { true, true, false, false },
	[QCORE_BASIS_X] = { true, false, true, false },
	[QCORE_BASIS_Y] = { false, true, true, false },
};

/**
 * qcore_bell_agree() - ideal correlation in a common basis
 * @basis: QCORE_BASIS_Z, _X or _Y (anything else: false)
 * @bell: Bell index, 0..3 (higher bits ignored)
 *
 * Return: true if both outcomes are equal for the pure Bell state.
 */
static inline bool qcore_bell_agree(u8 basis, u8 bell)
{
	return basis < QCORE_BASES && qcore_bell_agree_tbl[basis][bell & 3];
}

/**
 * qcore_werner_qber_q32() - error rate of a Werner pair in a common basis
 * @f_ppm: fidelity F, ppm (above 10^6 counts as 1)
 *
 * A Werner pair is the Bell state with probability (4F - 1) / 3 and the
 * maximally mixed state otherwise, whose outcomes disagree half the
 * time: the outcomes differ from the Bell state's with probability
 * (1 - F) 2/3, in every basis.
 *
 * Return: the QBER in 2^-32 units (rounded down), at most 2/3 2^32.
 */
static inline u32 qcore_werner_qber_q32(u32 f_ppm)
{
	u64 bad = QCORE_PPM - min(f_ppm, QCORE_PPM);

	return (u32)div_u64((2 * bad) << 32, 3 * QCORE_PPM);
}

/**
 * qcore_werner_qber_ppm() - the same in ppm, rounded
 * @f_ppm: fidelity, ppm
 *
 * Return: the QBER (1 - F) 2/3, ppm.
 */
static inline u32 qcore_werner_qber_ppm(u32 f_ppm)
{
	return (u32)(((u64)qcore_werner_qber_q32(f_ppm) * QCORE_PPM +
		      BIT_ULL(31)) >> 32);
}

/**
 * qcore_werner_measure() - measure both qubits of a Werner pair
 * @basis_a: basis at end A, QCORE_BASIS_Z, _X or _Y
 * @basis_b: basis at end B
 * @bell: Bell index of the pair, 0..3
 * @f_ppm: fidelity of the pair now, ppm
 * @rnd_bits: a uniform 32-bit variate: bit 0 is A's outcome, bit 1 B's
 *	when the bases differ
 * @rnd_err: a uniform 32-bit variate, independent of @rnd_bits: the
 *	Werner error
 * @out_a: A's outcome, 0 or 1
 * @out_b: B's outcome, 0 or 1
 *
 * Each outcome alone is a fair coin. In a common basis B's follows A's as
 * the Bell state says (qcore_bell_agree()), except with probability
 * qcore_werner_qber_q32(); in different bases the two are independent
 * (Z, X and Y outcomes of a Bell state are uncorrelated).
 */
static inline void qcore_werner_measure(u8 basis_a, u8 basis_b, u8 bell,
					u32 f_ppm, u32 rnd_bits, u32 rnd_err,
					u8 *out_a, u8 *out_b)
{
	*out_a = rnd_bits & 1;
	if (basis_a != basis_b) {
		*out_b = (rnd_bits >> 1) & 1;
		return;
	}
	*out_b = *out_a ^ !qcore_bell_agree(basis_a, bell) ^
		 (rnd_err < qcore_werner_qber_q32(f_ppm));
}

#endif /* _QCORE_BELL_H */
