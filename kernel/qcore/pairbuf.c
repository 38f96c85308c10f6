// SPDX-License-Identifier: GPL-2.0
/*
 * qcore pair buffer.  See pairbuf.h for the policies.
 */
#include "pairbuf.h"
#include "fidelity.h"

static u32 pb_index(const struct qcore_pairbuf *pb, u32 k)
{
	u32 i = pb->head + k;	/* head, k < max_pairs: no overflow */

	return i >= pb->max_pairs ? i - pb->max_pairs : i;
}

static void pb_report(struct qcore_pb_report *rep, u32 *counter, u64 seq)
{
	if (!rep)
		return;
	if (!(rep->n_full | rep->n_slots | rep->n_expired | rep->n_low_f)) {
		rep->first_seq = seq;
		rep->last_seq = seq;
	} else {
		rep->first_seq = min(rep->first_seq, seq);
		rep->last_seq = max(rep->last_seq, seq);
	}
	(*counter)++;
}

/* Mark a READY record dead and give back what it held. */
static void pb_release(struct qcore_pairbuf *pb, struct qcore_pair *p)
{
	pb->live--;
	if (p->slot != QCORE_SLOT_NONE)
		pb->used_slots--;
	p->state = QCORE_PAIR_DEAD;
}

/* Drop dead records at the head so that the head is READY or the ring empty. */
static void pb_reclaim(struct qcore_pairbuf *pb)
{
	while (pb->used && pb->ring[pb->head].state != QCORE_PAIR_READY) {
		pb->ring[pb->head].state = QCORE_PAIR_FREE;
		pb->head = pb_index(pb, 1);
		pb->used--;
	}
}

/*
 * Squeeze the dead records out of the ring (oldest-first order kept), so
 * that a pair dropped from the middle does not cost a live one later.
 */
static void pb_compact(struct qcore_pairbuf *pb)
{
	struct qcore_pair *r;
	u32 k, w = 0;

	for (k = 0; k < pb->used; k++) {
		r = &pb->ring[pb_index(pb, k)];
		if (r->state != QCORE_PAIR_READY)
			continue;
		if (w != k) {
			pb->ring[pb_index(pb, w)] = *r;
			r->state = QCORE_PAIR_FREE;
		}
		w++;
	}
	for (k = w; k < pb->used; k++)
		pb->ring[pb_index(pb, k)].state = QCORE_PAIR_FREE;
	pb->used = w;
}

static bool pb_expired(const struct qcore_pairbuf *pb,
		       const struct qcore_pair *p, u64 now_ps)
{
	return pb->cutoff_ps && now_ps > p->herald_ps &&
	       now_ps - p->herald_ps > pb->cutoff_ps;
}

/**
 * qcore_pairbuf_init() - set up an empty pair buffer
 * @pb: buffer
 * @storage: @max_pairs records, owned by the caller
 * @max_pairs: ring size
 * @max_slots: cap on pairs holding a memory slot
 * @cutoff_ps: pairs older than this are expired, 0 for no cutoff
 * @t_decay_ps: memory coherence time for the Werner decay, 0 for none
 */
void qcore_pairbuf_init(struct qcore_pairbuf *pb, struct qcore_pair *storage,
			u32 max_pairs, u32 max_slots, u64 cutoff_ps,
			u64 t_decay_ps)
{
	memset(pb, 0, sizeof(*pb));
	memset(storage, 0, sizeof(*storage) * max_pairs);
	pb->ring = storage;
	pb->max_pairs = max_pairs;
	pb->max_slots = max_slots;
	pb->cutoff_ps = cutoff_ps;
	pb->t_decay_ps = t_decay_ps;
}

/**
 * qcore_pairbuf_restart() - empty the buffer in constant time
 * @pb: buffer, set up by qcore_pairbuf_init()
 * @storage: @max_pairs records (the old storage or a new one)
 * @max_pairs: ring size
 * @next_seq: sequence number of the next pair pushed
 *
 * Records outside the live part of the ring are never read, so nothing
 * is cleared: a link restarting a large ring under its lock does not
 * touch megabytes. The caps, cutoff and decay time stay; the counters
 * and the herald-time order restart.
 */
void qcore_pairbuf_restart(struct qcore_pairbuf *pb, struct qcore_pair *storage,
			   u32 max_pairs, u64 next_seq)
{
	pb->ring = storage;
	pb->max_pairs = max_pairs;
	pb->head = 0;
	pb->used = 0;
	pb->live = 0;
	pb->used_slots = 0;
	pb->next_seq = next_seq;
	pb->min_f = 0;
	pb->last_herald_ps = 0;
	memset(&pb->stats, 0, sizeof(pb->stats));
}

/**
 * qcore_pairbuf_push() - add a heralded pair
 * @pb: buffer
 * @p: the pair; seq is assigned and written back, state is set
 * @rep: what had to be dropped to make room (may be NULL)
 *
 * A pair below the buffer's minimum fidelity (@pb->min_f) takes its
 * sequence number and is discarded at once: reported as @rep->n_low_f
 * and counted in stats.discarded_low_f.
 *
 * Return: 0 if stored; 1 if discarded below the minimum fidelity; -EINVAL
 * for a Bell index above 3 or a herald time earlier than the newest
 * pair's; -ENOSPC if the buffer has no room at all (no records, or a
 * slot-holding pair and no slots).
 */
int qcore_pairbuf_push(struct qcore_pairbuf *pb, struct qcore_pair *p,
		       struct qcore_pb_report *rep)
{
	struct qcore_pair *r;
	u32 k;

	if (p->bell_index > 3 ||
	    (pb->stats.pushed && p->herald_ps < pb->last_herald_ps)) {
		pb->stats.rejected++;
		return -EINVAL;
	}
	if (p->f0 < pb->min_f) {
		p->seq = pb->next_seq++;
		pb_report(rep, rep ? &rep->n_low_f : NULL, p->seq);
		pb->stats.discarded_low_f++;
		return 1;
	}
	if (!pb->max_pairs || (p->slot != QCORE_SLOT_NONE && !pb->max_slots)) {
		pb->stats.rejected++;
		return -ENOSPC;
	}
	if (p->slot != QCORE_SLOT_NONE && pb->used_slots >= pb->max_slots) {
		/* Free the oldest slot; the record dies in place. */
		for (k = 0; k < pb->used; k++) {
			r = &pb->ring[pb_index(pb, k)];
			if (r->state == QCORE_PAIR_READY &&
			    r->slot != QCORE_SLOT_NONE) {
				pb_report(rep, rep ? &rep->n_slots : NULL,
					  r->seq);
				pb_release(pb, r);
				pb->stats.dropped_slots++;
				break;
			}
		}
	}
	pb_reclaim(pb);
	if (pb->used == pb->max_pairs && pb->live < pb->used)
		pb_compact(pb);
	if (pb->used == pb->max_pairs) {
		r = &pb->ring[pb->head];	/* READY after the reclaim */
		pb_report(rep, rep ? &rep->n_full : NULL, r->seq);
		pb_release(pb, r);
		pb->stats.dropped_full++;
		pb_reclaim(pb);
	}

	p->seq = pb->next_seq++;
	p->state = QCORE_PAIR_READY;
	pb->ring[pb_index(pb, pb->used)] = *p;
	pb->used++;
	pb->live++;
	if (p->slot != QCORE_SLOT_NONE)
		pb->used_slots++;
	pb->last_herald_ps = p->herald_ps;
	pb->stats.pushed++;
	return 0;
}

/**
 * qcore_pairbuf_push_seq() - add a pair whose sequence number was chosen
 *	elsewhere (the end or midpoint that decided the herald)
 * @pb: buffer
 * @p: the pair; seq is set to @seq, state is set
 * @seq: its sequence number, at least every earlier one plus one
 * @rep: what had to be dropped to make room (may be NULL)
 *
 * Numbers may skip (failed attempts, pairs the other end dropped); later
 * pushes without a number continue after @seq.
 *
 * Return: as qcore_pairbuf_push(); -EINVAL also if @seq goes backwards.
 */
int qcore_pairbuf_push_seq(struct qcore_pairbuf *pb, struct qcore_pair *p,
			   u64 seq, struct qcore_pb_report *rep)
{
	u64 saved = pb->next_seq;
	int err;

	if (seq < pb->next_seq) {
		pb->stats.rejected++;
		return -EINVAL;
	}
	pb->next_seq = seq;
	err = qcore_pairbuf_push(pb, p, rep);
	if (err < 0)
		pb->next_seq = saved;
	return err;
}

/**
 * qcore_pairbuf_fidelity() - fidelity of a stored pair now
 * @pb: buffer (for the decay time)
 * @p: the pair
 * @now_ps: current time, same clock as the herald time
 *
 * Return: the Werner-decayed fidelity.
 */
u32 qcore_pairbuf_fidelity(const struct qcore_pairbuf *pb,
			   const struct qcore_pair *p, u64 now_ps)
{
	u64 age = now_ps > p->herald_ps ? now_ps - p->herald_ps : 0;

	return qcore_werner_decay(p->f0, age, pb->t_decay_ps);
}

/**
 * qcore_pairbuf_take_upto() - take the oldest usable pair up to a sequence
 * @pb: buffer
 * @now_ps: current time
 * @min_f: minimum fidelity at @now_ps, 0 for any
 * @max_seq: take no pair numbered above it (and do not discard one either:
 *	e.g. the other end of the link does not have it yet)
 * @out: the pair taken
 * @rep: pairs discarded on the way (expired, below @min_f); may be NULL
 *
 * Pairs older than the usable one that are expired or below @min_f are
 * discarded: fidelity only decays, so they will not get better.
 *
 * Return: 0, or -ENOENT if no pair qualifies.
 */
int qcore_pairbuf_take_upto(struct qcore_pairbuf *pb, u64 now_ps, u32 min_f,
			    u64 max_seq, struct qcore_pair *out,
			    struct qcore_pb_report *rep)
{
	struct qcore_pair *r;

	for (pb_reclaim(pb); pb->used; pb_reclaim(pb)) {
		r = &pb->ring[pb->head];
		if (pb_expired(pb, r, now_ps)) {
			pb_report(rep, rep ? &rep->n_expired : NULL, r->seq);
			pb->stats.expired++;
		} else if (r->seq > max_seq) {
			break;
		} else if (qcore_pairbuf_fidelity(pb, r, now_ps) < min_f) {
			pb_report(rep, rep ? &rep->n_low_f : NULL, r->seq);
			pb->stats.discarded_low_f++;
		} else {
			*out = *r;
			pb->stats.taken++;
			pb_release(pb, r);
			pb_reclaim(pb);
			return 0;
		}
		pb_release(pb, r);
	}
	return -ENOENT;
}

/**
 * qcore_pairbuf_take() - take the oldest usable pair
 * @pb: buffer
 * @now_ps: current time
 * @min_f: minimum fidelity at @now_ps, 0 for any
 * @out: the pair taken
 * @rep: pairs discarded on the way (expired, below @min_f); may be NULL
 *
 * qcore_pairbuf_take_upto() without a sequence limit.
 *
 * Return: 0, or -ENOENT if no pair qualifies (the buffer is then empty).
 */
int qcore_pairbuf_take(struct qcore_pairbuf *pb, u64 now_ps, u32 min_f,
		       struct qcore_pair *out, struct qcore_pb_report *rep)
{
	return qcore_pairbuf_take_upto(pb, now_ps, min_f, U64_MAX, out, rep);
}

/**
 * qcore_pairbuf_take_seq() - take a given pair (the peer chose it)
 * @pb: buffer
 * @seq: its sequence number
 * @out: the pair taken
 *
 * Return: 0, or -ENOENT if it is not (or no longer) in the buffer.
 */
int qcore_pairbuf_take_seq(struct qcore_pairbuf *pb, u64 seq,
			   struct qcore_pair *out)
{
	struct qcore_pair *r;
	u32 k;

	for (k = 0; k < pb->used; k++) {
		r = &pb->ring[pb_index(pb, k)];
		if (r->seq > seq)
			break;
		if (r->seq == seq && r->state == QCORE_PAIR_READY) {
			*out = *r;
			pb->stats.taken++;
			pb_release(pb, r);
			pb_reclaim(pb);
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * qcore_pairbuf_drop_range() - drop the pairs numbered @first .. @last
 * @pb: buffer
 * @first: lowest sequence number
 * @last: highest (inclusive)
 * @lo: set to the lowest number dropped, if any
 * @hi: set to the highest
 *
 * For pairs the other end of the link does not have. O(log n + dropped).
 *
 * Return: how many were dropped.
 */
u32 qcore_pairbuf_drop_range(struct qcore_pairbuf *pb, u64 first, u64 last,
			     u64 *lo, u64 *hi)
{
	struct qcore_pair *r;
	u32 k, n = 0;

	for (k = qcore_pairbuf_seek(pb, first); k < pb->used; k++) {
		r = &pb->ring[pb_index(pb, k)];
		if (r->seq > last)
			break;
		if (r->state != QCORE_PAIR_READY)
			continue;
		if (!n++)
			*lo = r->seq;
		*hi = r->seq;
		pb_release(pb, r);
	}
	pb_reclaim(pb);
	return n;
}

/**
 * qcore_pairbuf_expire() - drop the pairs past the cutoff
 * @pb: buffer
 * @now_ps: current time
 * @rep: count and sequence range expired (may be NULL)
 *
 * Return: the number of pairs expired.
 */
u32 qcore_pairbuf_expire(struct qcore_pairbuf *pb, u64 now_ps,
			 struct qcore_pb_report *rep)
{
	struct qcore_pair *r;
	u32 n = 0;

	for (pb_reclaim(pb); pb->used; pb_reclaim(pb)) {
		r = &pb->ring[pb->head];
		if (!pb_expired(pb, r, now_ps))
			break;
		pb_report(rep, rep ? &rep->n_expired : NULL, r->seq);
		pb->stats.expired++;
		pb_release(pb, r);
		n++;
	}
	return n;
}

/**
 * qcore_pairbuf_seek() - where a walk from a sequence number starts
 * @pb: buffer
 * @seq: the lowest sequence number wanted
 *
 * The records are in sequence order (dead ones keep their number), so
 * a binary search finds the first one numbered @seq or above: a dump
 * that goes on from where it stopped does not walk the ring again.
 *
 * Return: a cursor for qcore_pairbuf_next().
 */
u32 qcore_pairbuf_seek(const struct qcore_pairbuf *pb, u64 seq)
{
	u32 lo = 0, hi = pb->used, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pb->ring[pb_index(pb, mid)].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * qcore_pairbuf_next() - iterate over the usable pairs, oldest first
 * @pb: buffer
 * @cursor: start at 0; advanced past the pair returned
 *
 * For dumps.  The buffer must not change during the walk.
 *
 * Return: the next READY pair, or NULL at the end.
 */
const struct qcore_pair *qcore_pairbuf_next(const struct qcore_pairbuf *pb,
					    u32 *cursor)
{
	const struct qcore_pair *r;

	while (*cursor < pb->used) {
		r = &pb->ring[pb_index(pb, (*cursor)++)];
		if (r->state == QCORE_PAIR_READY)
			return r;
	}
	return NULL;
}
