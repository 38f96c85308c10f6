/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the heralding path, shared by pairs.c (ingest, buffer,
 * takes and dumps) and pairs_est.c (the estimators of the measured link).
 */
#ifndef _QLINK_PAIRS_INT_H
#define _QLINK_PAIRS_INT_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <net/qlink.h>

#include "match.h"
#include "pairbuf.h"

#define PS_PER_NS	1000ULL
#define PS_PER_SEC	1000000000000ULL
#define PPM		1000000U
/* Offset estimate: moving average over about 2^8 coincidences. */
#define OFFSET_EWMA_SHIFT	8

/**
 * struct qlink_pairs - heralding state of one link end
 * @lock: serialises everything below: the pair buffer (ingest pushes,
 *	dumps walk it, takes remove from it, parameter changes retune it),
 *	the matcher with its coincidence scratch and carried-tag flags, and
 *	the accounting. BH-safe (spin_lock_bh) because drivers ingest from
 *	softirq context; held for one batch, dump chunk or take at a time.
 * @pb: the pair buffer (qcore), its ring is @ring
 * @ring: @ring_size pair records
 * @ring_size: capacity of @ring
 * @m: coincidence matcher (time-tag heralding)
 * @coinc: matcher output of one batch, QLINK_INGEST_COINC_MAX entries
 * @carry_t: tags the matcher carries to the next batch, per channel (a
 *	copy of its carry, to find their flags)
 * @carry_f: their flags
 * @n_carry: number of carried tags per channel
 * @running: between qlink_pairs_start() and qlink_pairs_stop()
 * @started: the clock has been started at least once
 * @t0_ns: ktime (ns) of the link clock's zero
 * @pair_link_id: link id naming this link's pairs
 * @f0: fidelity of a true herald, F0 - F2 (qcore fixed point)
 * @window_ps: full coincidence window tau
 * @dark_mhz: calibrated dark count rate of each detector
 * @eta_ppm: calibrated detector efficiencies of A and B
 * @offset_ps: configured offset
 * @covered_ps: link time the driver reported on since the start
 * @tags: tags ingested per channel since the start
 * @coinc_total: coincidences found since the start
 * @n_herald: heralds stored since the start (M1, M2)
 * @sum_f_herald: sum of their fidelities, ppm
 * @n_taken: pairs taken (M2, M5)
 * @sum_f_taken: sum of their fidelities when taken, ppm
 * @sum_age_taken_ns: sum of their ages when taken
 * @sum_lat_ns: sum of herald latencies (M6)
 * @max_lat_ns: largest herald latency
 * @offset_q8: moving average of b - a over coincidences, ps << 8 (M10)
 * @offset_valid: @offset_q8 has seen a coincidence
 * @fit_sum: sum of b - a over the coincidences since qlink_pairs_fit()
 *	last read it (the link protocol's drift tracking)
 * @fit_n: their number
 * @rate_end_ps: end of the current one-second bucket of herald time (M1)
 * @rate_cur: heralds in the current bucket
 * @rate_prev: heralds in the bucket before
 * @base: buffer counters of earlier runs (the buffer restarts with the
 *	link), so that the reported ones count since creation
 * @flushed: pairs flushed by restarts
 * @dropped_peer: pairs dropped because the link protocol's peer cannot
 *	have them (qlink_pairs_drop())
 * @tags_rejected: tags refused by the matcher, since creation
 * @match_overflow: coincidences lost to output or carry limits
 * @events_lost: events not sent for want of memory; atomic, updated
 *	outside @lock
 */
struct qlink_pairs {
	spinlock_t lock;	/* see above */
	struct qcore_pairbuf pb;
	struct qcore_pair *ring;
	u32 ring_size;
	struct qcore_matcher m;
	struct qcore_coinc *coinc;
	u64 carry_t[2][QCORE_MATCH_CARRY];
	u16 carry_f[2][QCORE_MATCH_CARRY];
	u32 n_carry[2];
	bool running;
	bool started;
	u64 t0_ns;
	u32 pair_link_id;
	u32 f0;
	u32 window_ps;
	u64 dark_mhz[2];
	u32 eta_ppm[2];
	s64 offset_ps;

	u64 covered_ps;
	u64 tags[2];
	u64 coinc_total;
	u64 n_herald;
	u64 sum_f_herald;
	u64 n_taken;
	u64 sum_f_taken;
	u64 sum_age_taken_ns;
	u64 sum_lat_ns;
	u64 max_lat_ns;
	s64 offset_q8;
	bool offset_valid;
	s64 fit_sum;
	u32 fit_n;
	u64 rate_end_ps;
	u64 rate_cur;
	u64 rate_prev;

	struct qcore_pb_stats base;
	u64 flushed;
	u64 dropped_peer;
	u64 tags_rejected;
	u64 match_overflow;
	atomic64_t events_lost;
};

/* pairs.c */
u64 qlink_clock_ps(const struct qlink_pairs *ps);
void qlink_pb_stats_add(struct qcore_pb_stats *to,
			const struct qcore_pb_stats *s);

/* pairs_est.c */
void qlink_rate_count(struct qlink_pairs *ps, u64 herald_ps);
u32 qlink_mix_fidelity(const struct qlink_pairs *ps);
void qlink_offset_count(struct qlink_pairs *ps, s64 d);

#endif /* _QLINK_PAIRS_INT_H */
