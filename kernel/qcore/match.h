/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore coincidence matcher: pairs time tags of two detector channels.
 *
 * Time base.  Tags are u64 picoseconds since link start.  2^63 ps is about
 * 106 days: the driver must rebase (restart the link clock) well before
 * that.  A tag with the top bit set is rejected and counted (wrap), never
 * matched.
 *
 * Window.  Channel B is corrected by the fiber/cable delay: b' = b - offset.
 * A tag a and a tag b coincide iff |a - b'| <= window_ps, both ends
 * inclusive (the convention of time-tagger software: the window is the
 * largest accepted distance).  The accepted interval is therefore
 * 2 * window_ps + 1 ps wide, and the accidental rate is about
 * S_A * S_B * 2 * window_ps; a simulator with a full window width tau
 * should use window_ps = tau / 2.
 *
 * Policy.  Greedy earliest match: tags are consumed in time order and a
 * tag is paired with the earliest unconsumed tag of the other channel
 * that lies within the window.  Each tag is used at most once.
 *
 * Order.  Each channel must be non-decreasing, within a batch and across
 * batches.  A tag earlier than the last accepted tag of its channel is
 * rejected and counted (rejected_order); equal timestamps are fine.
 *
 * Batches.  A batch is assumed to be a time slice: once it has been
 * processed, both channels are complete up to the latest tag seen on
 * either channel (the horizon).  Tags that are still unmatched and could
 * pair with a tag of the next batch (they lie within the window of the
 * horizon, offset included) are carried over, at most QCORE_MATCH_CARRY
 * per channel; the rest are final singles.  Carry overflow is counted.
 * A carried tag reported in a pair has index QCORE_MATCH_CARRIED.
 *
 * Output.  Pairs are written in time order to a caller array; once it is
 * full, further coincidences are still consumed but only counted
 * (out_overflow), so one call always processes the whole batch.
 */
#ifndef _QCORE_MATCH_H
#define _QCORE_MATCH_H

#include "qcore_types.h"

/* Pending tags kept per channel from one batch to the next. */
#define QCORE_MATCH_CARRY	256
/* Index reported for a tag carried over from an earlier batch. */
#define QCORE_MATCH_CARRIED	U32_MAX
/* Largest accepted window (about 1.1 s) and offset (about 13 days). */
#define QCORE_MATCH_WINDOW_MAX	BIT_ULL(40)
#define QCORE_MATCH_OFFSET_MAX	((s64)BIT_ULL(60))
/* Tags at or above this value are rejected (top bit set). */
#define QCORE_TS_LIMIT		BIT_ULL(63)

struct qcore_coinc {
	u64 a_ps;	/* channel A tag */
	u64 b_ps;	/* channel B tag, raw (offset not applied) */
	u32 a_idx;	/* index in this batch's A array, or QCORE_MATCH_CARRIED */
	u32 b_idx;	/* index in this batch's B array, or QCORE_MATCH_CARRIED */
};

struct qcore_match_stats {
	u64 tags_a;		/* tags offered on channel A */
	u64 tags_b;		/* tags offered on channel B */
	u64 coinc;		/* coincidences found (written or not) */
	u64 out_overflow;	/* coincidences not written: output full */
	u64 rejected_order;	/* tags earlier than their predecessor */
	u64 rejected_wrap;	/* tags with the top bit set */
	u64 carry_overflow;	/* pending tags finalised: carry full */
	u64 slow_batches;	/* batches that needed the careful path */
};

struct qcore_matcher {
	s64 lo;			/* offset - window: smallest b - a that matches */
	s64 hi;			/* offset + window: largest b - a that matches */
	u64 span;		/* hi - lo */
	u64 last_a;		/* last accepted tag per channel */
	u64 last_b;
	bool seen_a;
	bool seen_b;
	u32 n_carry_a;
	u32 n_carry_b;
	u64 carry_a[QCORE_MATCH_CARRY];
	u64 carry_b[QCORE_MATCH_CARRY];
	struct qcore_match_stats stats;
};

int qcore_match_init(struct qcore_matcher *m, s64 offset_ps, u64 window_ps);
int qcore_match_set_params(struct qcore_matcher *m, s64 offset_ps,
			   u64 window_ps);
void qcore_match_reset(struct qcore_matcher *m);
u32 qcore_match_batch(struct qcore_matcher *m,
		      const u64 *a, u32 na, const u64 *b, u32 nb,
		      struct qcore_coinc *out, u32 out_cap);
u32 qcore_match_flush(struct qcore_matcher *m);

#endif /* _QCORE_MATCH_H */
