// SPDX-License-Identifier: GPL-2.0
/*
 * The heralding path: time tags or herald events in, entangled-pair
 * records out (qlink.md §2, §3).
 *
 *   driver batch --> [matcher: coincidences]--> pair buffer --> dump / take
 *                     (time tags only)           (Werner decay, cutoff,
 *                                                 caps: qcore/pairbuf)
 *
 * Everything a link needs is allocated when the link is set up (ndo_init)
 * and, if %QLINK_A_CONFIG_MAX_PAIRS changed, when it starts generating; a
 * batch only takes the link's spinlock, runs the qcore matcher into a
 * preallocated coincidence array and pushes into the preallocated ring.
 * When producers outrun consumers the ring drops its oldest pair and
 * counts it: the driver is never blocked and memory never grows.
 *
 * Events. At 300k pairs/s one multicast message per pair would cost more
 * than the pairs, so the "pairs" group gets one QLINK_CMD_PAIR_NTF per
 * ingested batch (sequence range, count, the first QLINK_NTF_PAIRS_MAX
 * pairs in full) and one QLINK_CMD_PAIR_DROP_NTF per batch and reason,
 * and only while someone listens (genl_has_listeners()). They are built
 * after the lock is dropped, from copies; their skb is the one allocation
 * of the path (GFP_ATOMIC, only with listeners; a failure is counted and
 * loses the event, never a pair). Tracepoints see every herald and pair.
 *
 * Clock. A link's clock counts ps since qlink_pairs_start() (ktime,
 * monotonic); herald times, ages and the cutoff use it. Expiry is lazy:
 * each batch, dump and take first expires what is past the cutoff.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/qlink.h>

#include "core.h"
#include "sched.h"
#include "fidelity.h"
#include "pairs_int.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Bytes the heralding path holds for all links (debugfs "pair_bytes"). */
atomic_long_t qlink_pair_bytes = ATOMIC_LONG_INIT(0);
/* What one batch did, copied out of the lock for events and counters. */
struct qlink_batch_out {
	u64 now;
	u32 pushed;
	u32 accidentals;
	u32 rejected;
	u64 first_seq;
	u64 last_seq;
	u32 n_show;
	struct qcore_pair show[QLINK_NTF_PAIRS_MAX];
	struct qcore_pb_report exp;	/* expired before the batch */
	struct qcore_pb_report push;	/* dropped to make room */
};

static u64 qlink_trace_id(u32 pair_link_id, u64 seq)
{
	return ((u64)pair_link_id << 40) | (seq & (BIT_ULL(40) - 1));
}

static_assert(QCORE_SLOT_NONE == QLINK_SLOT_NONE);

/* @p as netlink reports it, at link time @now. */
static void qlink_pair_snap(const struct qcore_pair *p, u32 pair_link_id,
			    u64 t_decay_ps, u64 now, struct qlink_pair_snap *out)
{
	u64 age = now > p->herald_ps ? now - p->herald_ps : 0;

	out->seq = p->seq;
	out->trace_id = qlink_trace_id(pair_link_id, p->seq);
	out->herald_ps = p->herald_ps;
	out->age_ps = age;
	out->pair_link_id = pair_link_id;
	out->fidelity_herald = qcore_f_to_ppm(p->f0);
	out->fidelity = qcore_f_to_ppm(qcore_werner_decay(p->f0, age,
							  t_decay_ps));
	out->purpose = p->purpose;
	out->state = p->owner ? QLINK_PAIR_PROMISED : QLINK_PAIR_READY;
	out->slot = p->slot;
	out->bell_index = p->bell_index;
}

static size_t qlink_ring_bytes(u32 n)
{
	return array_size(n, sizeof(struct qcore_pair));
}

static size_t qlink_coinc_bytes(void)
{
	return array_size(QLINK_INGEST_COINC_MAX, sizeof(struct qcore_coinc));
}

/*
 * A ring of @n records (QLINK_A_CONFIG_MAX_PAIRS, at most 2^20: 40 MiB),
 * zeroed, charged to the memory cgroup of the task that creates the link
 * or brings it up. Hitting the cgroup's limit is an ordinary -ENOMEM for
 * that task: no allocation warning, and no memcg OOM kill either
 * (__GFP_RETRY_MAYFAIL; vmalloc charges page by page, which would
 * otherwise invoke the cgroup's OOM killer).
 */
static struct qcore_pair *qlink_ring_alloc(u32 n)
{
	return kvcalloc(n, sizeof(struct qcore_pair),
			GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
}

/*
 * ps of @ps's clock now; 0 before the first start. Any context.
 *
 * The zero is a ktime and may lie before boot (a driver that starts its
 * clock at a given link time, see qlinksim's start_clock_ps). Link times
 * stay below 2^63 ps (106 days; qcore's matcher refuses tags from there
 * on): a driver rebases its clock before that (qlink_pairs_rebase()),
 * and a clock that was not rebased stops at QLINK_CLOCK_MAX_PS instead
 * of wrapping to 0 at 2^64 ps.
 */
u64 qlink_clock_ps(const struct qlink_pairs *ps)
{
	s64 d = ktime_get_ns() - (s64)READ_ONCE(ps->t0_ns);
	u64 t;

	if (!READ_ONCE(ps->started) || d < 0)
		return 0;
	if (check_mul_overflow((u64)d, PS_PER_NS, &t) || t > QLINK_CLOCK_MAX_PS)
		return QLINK_CLOCK_MAX_PS;
	return t;
}

/**
 * qlink_now_ps() - the link's clock
 * @ql: link
 *
 * Return: ps since the link last started generating (0 before).
 */
u64 qlink_now_ps(struct qlink *ql)
{
	return qlink_clock_ps(ql->pairs);
}
EXPORT_SYMBOL_GPL(qlink_now_ps);

/*
 * What the buffer and the matcher use of the configuration and the
 * calibration (read under RTNL) into @ps. Caller holds ps->lock.
 */
static void qlink_pairs_apply(struct qlink *ql, struct qlink_pairs *ps)
{
	const struct qlink_config *c = &ql->config;
	const struct qlink_calib *cal = &ql->calib;

	ASSERT_RTNL();
	lockdep_assert_held(&ps->lock);
	/* ranges are checked on input: 10^15 ns * 1000 fits */
	ps->pb.t_decay_ps = cal->coherence * PS_PER_NS;
	ps->pb.cutoff_ps = c->cutoff * PS_PER_NS;
	ps->pb.max_slots = c->memory_slots ?: ql->caps.memory_slots;
	ps->f0 = qcore_f_from_ppm(cal->fidelity);
	ps->pb.min_f = qcore_f_from_ppm(c->min_fidelity);
	ps->window_ps = c->window_full;
	ps->dark_mhz[0] = cal->dark[0];
	ps->dark_mhz[1] = cal->dark[1];
	ps->eta_ppm[0] = cal->det_eff[0];
	ps->eta_ppm[1] = cal->det_eff[1];
	ps->offset_ps = c->offset;
	/* both are well inside qcore's ranges */
	qcore_match_set_params(&ps->m, c->offset, c->window_full / 2);
}

/* Configuration or calibration changed (RTNL): retune buffer and matcher. */
void qlink_pairs_params(struct qlink *ql)
{
	struct qlink_pairs *ps = ql->pairs;

	ASSERT_RTNL();
	if (!ps)
		return;
	spin_lock_bh(&ps->lock);
	qlink_pairs_apply(ql, ps);
	spin_unlock_bh(&ps->lock);
}

/* ndo_init (RTNL, may sleep): allocate the heralding state. */
int qlink_pairs_init(struct qlink *ql)
{
	u32 n = ql->config.max_pairs;
	struct qlink_pairs *ps;

	ps = kzalloc(sizeof(*ps), GFP_KERNEL_ACCOUNT);
	if (!ps)
		return -ENOMEM;
	ps->coinc = kvmalloc(qlink_coinc_bytes(), GFP_KERNEL_ACCOUNT);
	ps->ring = qlink_fault(QLINK_FAULT_PAIRS) ? NULL : qlink_ring_alloc(n);
	if (!ps->coinc || !ps->ring) {
		kvfree(ps->ring);
		kvfree(ps->coinc);
		kfree(ps);
		return -ENOMEM;
	}
	ps->ring_size = n;
	spin_lock_init(&ps->lock);
	atomic64_set(&ps->events_lost, 0);
	qcore_pairbuf_init(&ps->pb, ps->ring, n, 0, 0, 0);
	qcore_match_init(&ps->m, 0, 0);
	ps->pair_link_id = ql->id;
	spin_lock_bh(&ps->lock);
	qlink_pairs_apply(ql, ps);
	spin_unlock_bh(&ps->lock);
	ql->pairs = ps;
	atomic_long_add(sizeof(*ps) + qlink_coinc_bytes() +
			qlink_ring_bytes(n), &qlink_pair_bytes);
	return 0;
}

/* The device is being freed: nobody ingests, dumps or takes any more. */
void qlink_pairs_free(struct qlink *ql)
{
	struct qlink_pairs *ps = ql->pairs;

	if (!ps)
		return;
	atomic_long_sub(sizeof(*ps) + qlink_coinc_bytes() +
			qlink_ring_bytes(ps->ring_size), &qlink_pair_bytes);
	kvfree(ps->ring);
	kvfree(ps->coinc);
	kfree(ps);
	ql->pairs = NULL;
}

/**
 * qlink_set_pair_link_id() - name this link's pairs by another end's id
 * @ql: link (registered)
 * @id: link id of the end that decides the heralds
 *
 * Process or softirq context.
 */
void qlink_set_pair_link_id(struct qlink *ql, u32 id)
{
	struct qlink_pairs *ps = ql->pairs;

	spin_lock_bh(&ps->lock);
	ps->pair_link_id = id;
	spin_unlock_bh(&ps->lock);
}
EXPORT_SYMBOL_GPL(qlink_set_pair_link_id);

u32 qlink_pair_link_id(struct qlink *ql)
{
	return READ_ONCE(ql->pairs->pair_link_id);
}

void qlink_pb_stats_add(struct qcore_pb_stats *to,
			const struct qcore_pb_stats *s)
{
	to->pushed += s->pushed;
	to->taken += s->taken;
	to->dropped_full += s->dropped_full;
	to->dropped_slots += s->dropped_slots;
	to->expired += s->expired;
	to->discarded_low_f += s->discarded_low_f;
	to->rejected += s->rejected;
}

static void qlink_drop_event(struct qlink *ql, u32 reason, u64 first,
			     u64 last, u32 count, u64 now)
{
	if (!count)
		return;
	trace_qlink_expire(ql->id, reason, first, last, count);
	if (qlink_nl_drop_ntf(ql, now, reason, first, last, count))
		atomic64_inc(&ql->pairs->events_lost);
}

/* Events for what a qcore report says was removed. */
static void qlink_report_events(struct qlink *ql,
				const struct qcore_pb_report *rep, u64 now)
{
	if (rep->n_expired)
		qlink_drop_event(ql, QLINK_DROP_EXPIRED, rep->first_seq,
				 rep->last_seq, rep->n_expired, now);
	if (rep->n_low_f)
		qlink_drop_event(ql, QLINK_DROP_LOW_FIDELITY, rep->first_seq,
				 rep->last_seq, rep->n_low_f, now);
	if (rep->n_full || rep->n_slots)
		qlink_drop_event(ql, rep->n_full ? QLINK_DROP_FULL :
				 QLINK_DROP_SLOTS, rep->first_seq,
				 rep->last_seq, rep->n_full + rep->n_slots, now);
}

/*
 * Before the buffer and the matcher restart: count the pairs still in
 * the buffer as flushed (their range in *@first .. *@last) and fold the
 * counters of the run into those since the link was created. Returns
 * how many were flushed.
 */
static u64 qlink_pairs_flush(struct qlink_pairs *ps, u64 *first, u64 *last)
{
	u64 flushed = ps->pb.live;

	lockdep_assert_held(&ps->lock);
	if (flushed) {
		u32 cursor = 0;
		const struct qcore_pair *r = qcore_pairbuf_next(&ps->pb,
								&cursor);

		*first = r ? r->seq : 0;
		*last = ps->pb.next_seq - 1;
	}
	ps->flushed += flushed;
	qlink_pb_stats_add(&ps->base, &ps->pb.stats);
	ps->tags_rejected += ps->m.stats.rejected_order +
			     ps->m.stats.rejected_wrap;
	ps->match_overflow += ps->m.stats.out_overflow +
			      ps->m.stats.carry_overflow;
	return flushed;
}

/**
 * qlink_pairs_start() - start the link's clock and heralding
 * @ql: link
 * @t0: ktime of the clock's zero (both ends of a link may share one)
 *
 * The buffer restarts empty (pairs of an earlier run are flushed and
 * reported) with %QLINK_A_CONFIG_MAX_PAIRS records. Process context, may
 * sleep; call from ops->start (RTNL).
 *
 * Return: 0 or -ENOMEM (then nothing changed).
 */
int qlink_pairs_start(struct qlink *ql, ktime_t t0)
{
	struct qlink_pairs *ps = ql->pairs;
	struct qcore_pair *ring = NULL, *old = NULL;
	u32 n = ql->config.max_pairs, old_n = 0;
	u64 flushed, first = 0, last = 0;

	ASSERT_RTNL();
	if (n != ps->ring_size) {
		ring = qlink_ring_alloc(n);
		if (!ring)
			return -ENOMEM;
	}

	spin_lock_bh(&ps->lock);
	flushed = qlink_pairs_flush(ps, &first, &last);
	if (ring) {
		old = ps->ring;
		old_n = ps->ring_size;
		ps->ring = ring;
		ps->ring_size = n;
	}
	/* O(1): no clearing of up to 40 MiB with BHs off */
	qcore_pairbuf_restart(&ps->pb, ps->ring, ps->ring_size, 0);
	qcore_match_reset(&ps->m);
	ps->n_carry[0] = 0;
	ps->n_carry[1] = 0;
	qlink_pairs_apply(ql, ps);
	ps->covered_ps = 0;
	ps->tags[0] = 0;
	ps->tags[1] = 0;
	ps->coinc_total = 0;
	ps->n_herald = 0;
	ps->sum_f_herald = 0;
	ps->n_taken = 0;
	ps->sum_f_taken = 0;
	ps->sum_age_taken_ns = 0;
	ps->sum_lat_ns = 0;
	ps->max_lat_ns = 0;
	ps->offset_q8 = 0;
	ps->offset_valid = false;
	ps->fit_sum = 0;
	ps->fit_n = 0;
	ps->rate_end_ps = 0;
	ps->rate_cur = 0;
	ps->rate_prev = 0;
	WRITE_ONCE(ps->t0_ns, ktime_to_ns(t0));
	WRITE_ONCE(ps->started, true);
	ps->running = true;
	spin_unlock_bh(&ps->lock);

	if (old) {
		kvfree(old);
		atomic_long_add(qlink_ring_bytes(n), &qlink_pair_bytes);
		atomic_long_sub(qlink_ring_bytes(old_n), &qlink_pair_bytes);
	}
	qlink_drop_event(ql, QLINK_DROP_FLUSH, first, last, flushed, 0);
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_pairs_start);

/**
 * qlink_pairs_rebase() - move the zero of a running link's clock
 * @ql: link, started
 * @t0: the new zero, a ktime after the old one
 *
 * For drivers whose link time approaches 2^63 ps (106 days up): herald
 * times are kept below that (qcore's matcher refuses tags with the top
 * bit set), so the driver moves the zero forward, to about now, and
 * goes on with times from there. The stored pairs were heralded before
 * the new zero and are flushed (reported like a restart's); sequence
 * numbers go on from where they were, so that no number of the old
 * base is reused, and the counters since the start are kept. Both ends
 * of a link must be rebased to the same zero, before the driver ingests
 * times of the new base. Process or softirq context.
 */
void qlink_pairs_rebase(struct qlink *ql, ktime_t t0)
{
	struct qlink_pairs *ps = ql->pairs;
	u64 flushed, first = 0, last = 0;

	spin_lock_bh(&ps->lock);
	flushed = qlink_pairs_flush(ps, &first, &last);
	qcore_pairbuf_restart(&ps->pb, ps->ring, ps->ring_size,
			      ps->pb.next_seq);
	qcore_match_reset(&ps->m);
	ps->n_carry[0] = 0;
	ps->n_carry[1] = 0;
	ps->rate_end_ps = 0;
	ps->rate_cur = 0;
	ps->rate_prev = 0;
	WRITE_ONCE(ps->t0_ns, ktime_to_ns(t0));
	spin_unlock_bh(&ps->lock);

	qlink_drop_event(ql, QLINK_DROP_FLUSH, first, last, flushed, 0);
}
EXPORT_SYMBOL_GPL(qlink_pairs_rebase);

/**
 * qlink_pairs_stop() - stop heralding; the buffered pairs stay (and age)
 * @ql: link
 *
 * Later ingest calls fail with -ENETDOWN. Any context.
 */
void qlink_pairs_stop(struct qlink *ql)
{
	struct qlink_pairs *ps = ql->pairs;

	spin_lock_bh(&ps->lock);
	ps->running = false;
	qcore_match_flush(&ps->m);
	ps->n_carry[0] = 0;
	ps->n_carry[1] = 0;
	spin_unlock_bh(&ps->lock);
}
EXPORT_SYMBOL_GPL(qlink_pairs_stop);

/*
 * A pair is in the buffer: accounting, tracepoint, event copy. Caller
 * holds ps->lock.
 */
static void qlink_pair_stored(struct qlink *ql, struct qlink_pairs *ps,
			      const struct qcore_pair *p,
			      struct qlink_batch_out *o)
{
	u64 lat = o->now > p->herald_ps ? o->now - p->herald_ps : 0;
	u64 lat_ns = div_u64(lat, PS_PER_NS);
	u32 f_ppm = qcore_f_to_ppm(p->f0);

	ps->n_herald++;
	ps->sum_f_herald += f_ppm;
	ps->sum_lat_ns += lat_ns;
	if (lat_ns > ps->max_lat_ns)
		ps->max_lat_ns = lat_ns;
	qlink_rate_count(ps, p->herald_ps);
	trace_qlink_pair(ql->id, qlink_trace_id(ps->pair_link_id, p->seq),
			 p->seq, p->herald_ps, f_ppm, p->bell_index, lat);
	if (!o->pushed)
		o->first_seq = p->seq;
	o->last_seq = p->seq;
	if (o->n_show < QLINK_NTF_PAIRS_MAX)
		o->show[o->n_show++] = *p;
	o->pushed++;
}

/* Flags of a tag of channel @ch at batch index @idx (or carried). */
/* What a tag with flags @f measured, as QLINK_MEAS_* of its end. */
static u8 qlink_tag_meas(u16 f)
{
	if (!(f & QLINK_TAG_MEAS))
		return 0;
	return QLINK_MEAS_VALID |
	       (f & QLINK_TAG_BASIS_X ? QLINK_MEAS_BASIS_X : 0) |
	       (f & QLINK_TAG_OUTCOME ? QLINK_MEAS_OUTCOME : 0);
}

static u16 qlink_tag_flags(const struct qlink_pairs *ps,
			   const struct qlink_tag_batch *b, int ch, u32 idx,
			   u64 t)
{
	u32 k;

	if (idx != QCORE_MATCH_CARRIED)
		return b->flags[ch] ? b->flags[ch][idx] : 0;
	for (k = 0; k < ps->n_carry[ch]; k++)
		if (ps->carry_t[ch][k] == t)
			return ps->carry_f[ch][k];
	return 0;
}

/*
 * Refresh the copy of the matcher's carried tags and their flags after a
 * batch. The new carry is what stays of the old one, in order, then a
 * suffix of this batch (tags within a window of the horizon): both
 * searches are short, and the copy can be rewritten in place because the
 * k-th new tag never comes from an old index below k.
 */
static void qlink_carry_update(struct qlink_pairs *ps,
			       const struct qlink_tag_batch *b, int ch)
{
	const u64 *mc = ch ? ps->m.carry_b : ps->m.carry_a;
	u32 n = ch ? ps->m.n_carry_b : ps->m.n_carry_a;
	u32 k, i, j = 0, nb = b->n[ch];
	u16 f;

	for (k = 0; k < n; k++) {
		f = 0;
		for (i = j; i < ps->n_carry[ch]; i++) {
			if (ps->carry_t[ch][i] == mc[k]) {
				f = ps->carry_f[ch][i];
				j = i + 1;
				goto found;
			}
		}
		for (i = nb; i > 0 && nb - i < 2 * QCORE_MATCH_CARRY; i--) {
			if (b->t_ps[ch][i - 1] == mc[k]) {
				f = b->flags[ch] ? b->flags[ch][i - 1] : 0;
				break;
			}
		}
found:
		ps->carry_t[ch][k] = mc[k];
		ps->carry_f[ch][k] = f;
	}
	ps->n_carry[ch] = n;
}

static void qlink_span(struct qlink_pairs *ps, u64 start, u64 end)
{
	if (end > start)
		ps->covered_ps += end - start;
}

/*
 * Start of a batch: expires what is past the cutoff. Returns false if the
 * link is not generating.
 */
static bool qlink_batch_begin(struct qlink_pairs *ps, struct qlink_batch_out *o)
{
	lockdep_assert_held(&ps->lock);
	if (unlikely(!ps->running))
		return false;
	o->now = qlink_clock_ps(ps);
	qcore_pairbuf_expire(&ps->pb, o->now, &o->exp);
	return true;
}

/* The pairs event of a batch, if anyone listens. */
static void qlink_batch_ntf(struct qlink *ql, const struct qlink_batch_out *o)
{
	struct qlink_pair_snap show[QLINK_NTF_PAIRS_MAX];
	u32 pair_link_id, k;
	u64 t_decay;

	if (!qlink_nl_pairs_wanted(ql))
		return;
	pair_link_id = qlink_pair_link_id(ql);
	t_decay = qlink_pairs_decay_ps(ql);
	for (k = 0; k < o->n_show; k++)
		qlink_pair_snap(&o->show[k], pair_link_id, t_decay, o->now,
				&show[k]);
	if (qlink_nl_pairs_ntf(ql, o->now, o->first_seq, o->last_seq,
			       o->pushed, show, o->n_show))
		atomic64_inc(&ql->pairs->events_lost);
}

/* After the lock: per-cpu counters, events and requests of a batch. */
static void qlink_batch_done(struct qlink *ql, struct qlink_batch_out *o,
			     u64 attempts)
{
	struct qcore_pb_report *rep = &o->push;

	qlink_stats_add(ql, QLINK_STAT_ATTEMPTS, attempts);
	if (o->pushed)
		qlink_stats_add(ql, QLINK_STAT_HERALDS, o->pushed);
	if (o->accidentals)
		qlink_stats_add(ql, QLINK_STAT_ACCIDENTALS, o->accidentals);
	if (o->rejected + rep->n_full + rep->n_slots)
		qlink_stats_add(ql, QLINK_STAT_DROPPED,
				o->rejected + rep->n_full + rep->n_slots);
	qlink_report_events(ql, &o->exp, o->now);
	qlink_report_events(ql, rep, o->now);
	if (o->pushed) {
		qlink_batch_ntf(ql, o);
		qlink_sched_heralded(ql);
	}
}

/**
 * qlink_ingest_tags() - time tags of one slice in, heralded pairs out
 * @ql: link, started
 * @b: the batch (see struct qlink_tag_batch)
 * @out: the heralds stored, as events with attempt = sequence number, for
 *	the driver to forward to the other end (qlink_ingest_heralds());
 *	may be NULL
 * @out_cap: capacity of @out; QLINK_INGEST_COINC_MAX is always enough
 *
 * Matches the two channels (window tau/2 around the configured offset),
 * stores each coincidence as a pair (oldest dropped if full) and reports
 * them. At most QLINK_INGEST_COINC_MAX coincidences per batch are stored,
 * more are counted (%QLINK_A_STATS_MATCH_OVERFLOW): drivers cut larger
 * slices. No allocation for the pairs, no sleeping; process or softirq
 * context.
 *
 * Return: the number of heralds written to @out, or -ENETDOWN if the
 * link is not started.
 */
int qlink_ingest_tags(struct qlink *ql, const struct qlink_tag_batch *b,
		      struct qlink_herald *out, u32 out_cap)
{
	if (rcu_access_pointer(ql->peer))
		return qlink_peer_tags(ql, b);
	return qlink_pairs_tags(ql, b, out, out_cap);
}
EXPORT_SYMBOL_GPL(qlink_ingest_tags);

/* The matcher and the buffer of qlink_ingest_tags(), for this end's tags. */
int qlink_pairs_tags(struct qlink *ql, const struct qlink_tag_batch *b,
		     struct qlink_herald *out, u32 out_cap)
{
	struct qlink_pairs *ps = ql->pairs;
	struct qlink_batch_out o = {};
	u32 n, k, nout = 0, f_mix;
	int ch, err;

	spin_lock_bh(&ps->lock);
	if (unlikely(!qlink_batch_begin(ps, &o))) {
		spin_unlock_bh(&ps->lock);
		return -ENETDOWN;
	}

	n = qcore_match_batch(&ps->m, b->t_ps[0], b->n[0], b->t_ps[1],
			      b->n[1], ps->coinc, QLINK_INGEST_COINC_MAX);
	ps->tags[0] += b->n[0];
	ps->tags[1] += b->n[1];
	qlink_span(ps, b->start_ps, b->end_ps);
	ps->coinc_total += n;
	f_mix = qlink_mix_fidelity(ps);

	for (k = 0; k < n; k++) {
		const struct qcore_coinc *c = &ps->coinc[k];
		u16 fa = qlink_tag_flags(ps, b, 0, c->a_idx, c->a_ps);
		u16 fb = qlink_tag_flags(ps, b, 1, c->b_idx, c->b_ps);
		s64 d = (s64)(c->b_ps - c->a_ps);
		struct qcore_pair p = {
			.herald_ps = max(c->a_ps, c->b_ps),
			.f0 = f_mix,
			.slot = QCORE_SLOT_NONE,
			.bell_index = (fa ^ fb) & QLINK_TAG_BELL,
			.flags = qlink_tag_meas(fa) |
				 qlink_tag_meas(fb) << QLINK_MEAS_SHIFT,
		};

		if (fa & fb & QLINK_TAG_KNOWN) {
			if ((fa & QLINK_TAG_PAIR) &&
			    !((fa ^ fb) & QLINK_TAG_PAIR)) {
				p.f0 = ps->f0;
			} else {
				p.f0 = QCORE_F_QUARTER;
				o.accidentals++;
			}
		}
		qlink_offset_count(ps, d);
		trace_qlink_herald(ql->id, ps->pb.next_seq, p.herald_ps, true,
				   p.bell_index);
		err = qcore_pairbuf_push(&ps->pb, &p, &o.push);
		if (err < 0)
			o.rejected++;
		if (err)	/* refused, or below the minimum fidelity */
			continue;
		qlink_pair_stored(ql, ps, &p, &o);
		if (out && nout < out_cap) {
			out[nout++] = (struct qlink_herald) {
				.attempt = p.seq,
				.t_ps = p.herald_ps,
				.fidelity = qcore_f_to_ppm(p.f0),
				.slot = QLINK_SLOT_NONE,
				.success = 1,
				.bell_index = p.bell_index,
				.meas = p.flags,
			};
		}
	}
	for (ch = 0; ch < 2; ch++)
		qlink_carry_update(ps, b, ch);
	spin_unlock_bh(&ps->lock);

	qlink_batch_done(ql, &o, (u64)b->n[0] + b->n[1]);
	return nout;
}

/**
 * qlink_ingest_heralds() - herald events of one slice in
 * @ql: link, started
 * @b: the batch (see struct qlink_herald_batch)
 *
 * Each success becomes the pair numbered by its attempt id (numbers must
 * increase; a repeated or older one is refused and counted). Same
 * context rules as qlink_ingest_tags().
 *
 * Return: the number of pairs stored, or -ENETDOWN.
 */
int qlink_ingest_heralds(struct qlink *ql, const struct qlink_herald_batch *b)
{
	if (rcu_access_pointer(ql->peer))
		return qlink_peer_heralds(ql, b);
	return qlink_pairs_heralds(ql, b);
}
EXPORT_SYMBOL_GPL(qlink_ingest_heralds);

/* The buffer of qlink_ingest_heralds(), also for the peer's records. */
int qlink_pairs_heralds(struct qlink *ql, const struct qlink_herald_batch *b)
{
	struct qlink_pairs *ps = ql->pairs;
	struct qlink_batch_out o = {};
	u32 k;
	int err;

	spin_lock_bh(&ps->lock);
	if (unlikely(!qlink_batch_begin(ps, &o))) {
		spin_unlock_bh(&ps->lock);
		return -ENETDOWN;
	}
	qlink_span(ps, b->start_ps, b->end_ps);

	for (k = 0; k < b->n; k++) {
		const struct qlink_herald *h = &b->ev[k];
		struct qcore_pair p = {
			.herald_ps = h->t_ps,
			.f0 = h->fidelity ? qcore_f_from_ppm(h->fidelity) :
					    ps->f0,
			.slot = h->slot,
			.bell_index = h->bell_index,
			.flags = h->meas,
		};

		trace_qlink_herald(ql->id, h->attempt, h->t_ps, h->success,
				   h->bell_index);
		if (!h->success)
			continue;
		err = qcore_pairbuf_push_seq(&ps->pb, &p, h->attempt, &o.push);
		if (err < 0)
			o.rejected++;
		if (err)	/* refused, or below the minimum fidelity */
			continue;
		qlink_pair_stored(ql, ps, &p, &o);
	}
	spin_unlock_bh(&ps->lock);

	qlink_batch_done(ql, &o, b->attempts + b->n);
	return o.pushed;
}

/**
 * qlink_pairs_drop() - drop the buffered pairs of a sequence range
 * @ql: link
 * @first: first sequence number
 * @last: last one (inclusive); U64_MAX for all
 * @reason: enum qlink_drop_reason reported
 *
 * For pairs the other end cannot have (the link protocol's peer restarted,
 * fell silent or lost their records). Process or softirq context.
 *
 * Return: the number of pairs dropped.
 */
u32 qlink_pairs_drop(struct qlink *ql, u64 first, u64 last, u32 reason)
{
	struct qlink_pairs *ps = ql->pairs;
	u64 lo = 0, hi = 0, now;
	u32 n;

	spin_lock_bh(&ps->lock);
	now = qlink_clock_ps(ps);
	n = qcore_pairbuf_drop_range(&ps->pb, first, last, &lo, &hi);
	ps->dropped_peer += n;
	spin_unlock_bh(&ps->lock);
	qlink_drop_event(ql, reason, lo, hi, n, now);
	return n;
}

/*
 * The coincidences found since the last call and the sum of their b - a
 * (the link protocol's drift tracking); both restart at 0.
 */
u32 qlink_pairs_fit(struct qlink *ql, s64 *sum_ps)
{
	struct qlink_pairs *ps = ql->pairs;
	u32 n;

	spin_lock_bh(&ps->lock);
	*sum_ps = ps->fit_sum;
	n = ps->fit_n;
	ps->fit_sum = 0;
	ps->fit_n = 0;
	spin_unlock_bh(&ps->lock);
	return n;
}

/* @p, taken at @now, as a struct qlink_pair_info. */
static void qlink_pair_taken(struct qlink_pairs *ps, const struct qcore_pair *p,
			     u64 now, struct qlink_pair_info *out)
{
	lockdep_assert_held(&ps->lock);
	out->seq = p->seq;
	out->pair_link_id = ps->pair_link_id;
	out->trace_id = qlink_trace_id(ps->pair_link_id, p->seq);
	out->herald_ps = p->herald_ps;
	out->age_ps = now > p->herald_ps ? now - p->herald_ps : 0;
	out->fidelity_herald = qcore_f_to_ppm(p->f0);
	out->fidelity = qcore_f_to_ppm(qcore_pairbuf_fidelity(&ps->pb, p, now));
	out->slot = p->slot;
	out->bell_index = p->bell_index;
	out->meas = p->flags;
	ps->n_taken++;
	ps->sum_f_taken += out->fidelity;
	ps->sum_age_taken_ns += div_u64(out->age_ps, PS_PER_NS);
}

/*
 * Take the oldest pair of at least @min_ppm numbered up to @seq, or with
 * @exact pair @seq itself, after discarding the older ones.
 */
static int qlink_pair_take_one(struct qlink *ql, u32 min_ppm, u64 seq,
			       bool exact, struct qlink_pair_info *out,
			       u32 *n_low)
{
	struct qlink_pairs *ps = ql->pairs;
	struct qcore_pb_report rep = {};
	struct qcore_pair p;
	u64 now;
	int err;

	if (n_low)
		*n_low = 0;
	spin_lock_bh(&ps->lock);
	/*
	 * Only pairs of the current run: a stopped buffer keeps its pairs
	 * for dumps, but they were heralded before the last stop and the
	 * other end may restart (flush) first. While the second end is in
	 * ndo_open both ends look running; the scheduler also waits for
	 * carrier, but the buffer does not rely on its callers for this.
	 */
	if (unlikely(!ps->running)) {
		spin_unlock_bh(&ps->lock);
		return -ENOENT;
	}
	now = qlink_clock_ps(ps);
	if (!exact) {
		err = qcore_pairbuf_take_upto(&ps->pb, now,
					      qcore_f_from_ppm(min_ppm), seq,
					      &p, &rep);
	} else {
		/* no pair reaches fidelity U32_MAX: all before @seq go */
		if (seq)
			qcore_pairbuf_take_upto(&ps->pb, now, U32_MAX, seq - 1,
						&p, &rep);
		err = qcore_pairbuf_take_seq(&ps->pb, seq, &p);
	}
	if (!err)
		qlink_pair_taken(ps, &p, now, out);
	spin_unlock_bh(&ps->lock);
	if (n_low)
		*n_low = rep.n_low_f;
	qlink_report_events(ql, &rep, now);
	return err;
}

/**
 * qlink_pair_take() - take the oldest pair of at least @min_fidelity
 * @ql: link
 * @min_fidelity: ppm, 0 for any
 * @max_seq: take no pair numbered above it (the other end of the link
 *	may not have it yet)
 * @out: the pair
 * @n_low: set to the number of pairs discarded for being below
 *	@min_fidelity (the scheduler charges them to whoever asked)
 *
 * Older pairs that are expired or below @min_fidelity are discarded and
 * reported on the way (fidelity only decays). For the socket layer.
 * Process or softirq context.
 *
 * Return: 0, or -ENOENT if no pair qualifies or the link is not
 * generating (pairs of an earlier run are never taken).
 */
int qlink_pair_take(struct qlink *ql, u32 min_fidelity, u64 max_seq,
		    struct qlink_pair_info *out, u32 *n_low)
{
	return qlink_pair_take_one(ql, min_fidelity, max_seq, false, out,
				   n_low);
}
EXPORT_SYMBOL_GPL(qlink_pair_take);

/**
 * qlink_pair_take_seq() - take the pair the other end of the link took
 * @ql: link
 * @seq: its sequence number
 * @out: the pair
 *
 * The pairs before @seq are gone at the other end (taken or discarded
 * there): they are discarded here too, reported as below the fidelity
 * asked for. Process or softirq context.
 *
 * Return: 0, or -ENOENT if the pair is not (or no longer) here, or the
 * link is not generating.
 */
int qlink_pair_take_seq(struct qlink *ql, u64 seq, struct qlink_pair_info *out)
{
	return qlink_pair_take_one(ql, 0, seq, true, out, NULL);
}

/* The next sequence number the link's buffer will store. Any context. */
u64 qlink_pairs_next_seq(struct qlink *ql)
{
	return READ_ONCE(ql->pairs->pb.next_seq);
}

/* Has the link's clock ever started? */
bool qlink_pairs_started(struct qlink *ql)
{
	return READ_ONCE(ql->pairs->started);
}

/* CLOCK_MONOTONIC ns of the link clock's zero (0 before a start). */
u64 qlink_pairs_clock_base(struct qlink *ql)
{
	return READ_ONCE(ql->pairs->t0_ns);
}

/* The link's cutoff in ps, 0 = none. Any context. */
u64 qlink_pairs_cutoff_ps(struct qlink *ql)
{
	return READ_ONCE(ql->pairs->pb.cutoff_ps);
}

u64 qlink_pairs_decay_ps(struct qlink *ql)
{
	return READ_ONCE(ql->pairs->pb.t_decay_ps);
}

/**
 * qlink_pairs_snapshot() - copies of pairs for a PAIR_GET dump
 * @ql: link
 * @next_seq: first sequence number to copy
 * @limit: 0 on the first call of a dump, then one above the last sequence
 *	number the dump reports (set here): pairs heralded during a dump do
 *	not keep it going
 * @out: the copies, oldest first
 * @n: room in @out
 * @now: set to the link's clock the copies were taken at
 *
 * Return: the number of pairs copied, 0 once there are no more.
 */
u32 qlink_pairs_snapshot(struct qlink *ql, u64 next_seq, u64 *limit,
			 struct qlink_pair_snap *out, u32 n, u64 *now)
{
	struct qlink_pairs *ps = ql->pairs;
	struct qcore_pb_report rep = {};
	const struct qcore_pair *p;
	u32 cursor, k = 0;

	spin_lock_bh(&ps->lock);
	*now = qlink_clock_ps(ps);
	qcore_pairbuf_expire(&ps->pb, *now, &rep);
	if (!*limit)
		*limit = ps->pb.next_seq + 1;
	/* each call starts where the last one stopped: O(n), not O(ring) */
	cursor = qcore_pairbuf_seek(&ps->pb, next_seq);
	while (k < n && (p = qcore_pairbuf_next(&ps->pb, &cursor)) &&
	       p->seq + 1 < *limit)
		qlink_pair_snap(p, ps->pair_link_id, ps->pb.t_decay_ps, *now,
				&out[k++]);
	spin_unlock_bh(&ps->lock);
	qlink_report_events(ql, &rep, *now);
	return k;
}
