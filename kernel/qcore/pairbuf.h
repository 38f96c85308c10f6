/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore pair buffer: the heralded pairs of one link, oldest first.
 *
 * A ring of pair records in caller-provided storage.  A pair is known to
 * both ends as (link id, seq); seq is assigned here, monotonic per link.
 * Fidelity is stored at herald time and computed when asked (Werner
 * decay with the link's memory time).  Two caps:
 *  - max_pairs (the ring size): a push into a full ring drops the oldest
 *    pair;
 *  - max_slots: pairs that hold a memory slot (slot != QCORE_SLOT_NONE);
 *    when all slots are taken, the oldest slot-holding pair is dropped.
 * Pairs older than the cutoff (age > cutoff, inclusive bound kept), or
 * below a request's minimum fidelity when it looks for one, are
 * discarded.  Every removal other than a take is counted and reported
 * through a struct qcore_pb_report, with the sequence range removed.
 * Herald times must be non-decreasing (push rejects older ones), so the
 * ring is also in age order.  No allocation, no locking (caller's job).
 */
#ifndef _QCORE_PAIRBUF_H
#define _QCORE_PAIRBUF_H

#include "qcore_types.h"

#define QCORE_SLOT_NONE		U16_MAX

enum qcore_pair_state {
	QCORE_PAIR_FREE,	/* never used */
	QCORE_PAIR_READY,	/* heralded, usable */
	QCORE_PAIR_DEAD,	/* dropped from the middle, reclaimed later */
};

struct qcore_pair {
	u64 seq;		/* per-link sequence number, assigned on push */
	u64 herald_ps;		/* herald time, ps since link start */
	u32 f0;			/* fidelity at herald (QCORE_F_ONE is 1.0) */
	u32 purpose;		/* purpose id it was generated for, 0 = any */
	u32 owner;		/* request/socket it is promised to, 0 = none */
	u32 flags;		/* driver/core flags, opaque here */
	u16 slot;		/* memory slot, QCORE_SLOT_NONE if none */
	u8 bell_index;		/* 0..3: Phi+, Phi-, Psi+, Psi- */
	u8 state;		/* enum qcore_pair_state */
};

static_assert(sizeof(struct qcore_pair) <= 64, "pair record over 64 bytes");

/* What an operation removed besides what it returned. */
struct qcore_pb_report {
	u32 n_full;		/* oldest dropped: ring full */
	u32 n_slots;		/* dropped: memory slots full */
	u32 n_expired;		/* past the cutoff age */
	u32 n_low_f;		/* below the requested minimum fidelity */
	u64 first_seq;		/* lowest seq removed, if any n_* */
	u64 last_seq;		/* highest seq removed, if any n_* */
};

struct qcore_pb_stats {
	u64 pushed;
	u64 taken;
	u64 dropped_full;
	u64 dropped_slots;
	u64 expired;
	u64 discarded_low_f;
	u64 rejected;		/* pushes refused (bad herald time/bell) */
};

struct qcore_pairbuf {
	struct qcore_pair *ring;
	u32 max_pairs;		/* ring size */
	u32 head;		/* index of the oldest record */
	u32 used;		/* records in the ring, dead ones included */
	u32 live;		/* READY records */
	u32 max_slots;		/* cap on READY records holding a slot */
	u32 used_slots;
	u64 next_seq;
	u64 cutoff_ps;		/* 0: no cutoff */
	u64 t_decay_ps;		/* memory coherence time, 0: no decay */
	u32 min_f;		/* pushes below this fidelity: discarded */
	u64 last_herald_ps;
	struct qcore_pb_stats stats;
};

void qcore_pairbuf_init(struct qcore_pairbuf *pb, struct qcore_pair *storage,
			u32 max_pairs, u32 max_slots, u64 cutoff_ps,
			u64 t_decay_ps);
void qcore_pairbuf_restart(struct qcore_pairbuf *pb, struct qcore_pair *storage,
			   u32 max_pairs, u64 next_seq);
int qcore_pairbuf_push(struct qcore_pairbuf *pb, struct qcore_pair *p,
		       struct qcore_pb_report *rep);
int qcore_pairbuf_push_seq(struct qcore_pairbuf *pb, struct qcore_pair *p,
			   u64 seq, struct qcore_pb_report *rep);
int qcore_pairbuf_take(struct qcore_pairbuf *pb, u64 now_ps, u32 min_f,
		       struct qcore_pair *out, struct qcore_pb_report *rep);
int qcore_pairbuf_take_upto(struct qcore_pairbuf *pb, u64 now_ps, u32 min_f,
			    u64 max_seq, struct qcore_pair *out,
			    struct qcore_pb_report *rep);
int qcore_pairbuf_take_seq(struct qcore_pairbuf *pb, u64 seq,
			   struct qcore_pair *out);
u32 qcore_pairbuf_drop_range(struct qcore_pairbuf *pb, u64 first, u64 last,
			     u64 *lo, u64 *hi);
u32 qcore_pairbuf_expire(struct qcore_pairbuf *pb, u64 now_ps,
			 struct qcore_pb_report *rep);
u32 qcore_pairbuf_seek(const struct qcore_pairbuf *pb, u64 seq);
const struct qcore_pair *qcore_pairbuf_next(const struct qcore_pairbuf *pb,
					    u32 *cursor);
u32 qcore_pairbuf_fidelity(const struct qcore_pairbuf *pb,
			   const struct qcore_pair *p, u64 now_ps);

#endif /* _QCORE_PAIRBUF_H */
