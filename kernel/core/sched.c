// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduling the requests of AF_QLINK sockets onto a link's pairs
 * (qlink.md §4, §5).
 *
 * The two ends of a link share one struct qlink_sched (qlink_connect()).
 * It holds the purposes of the link, each with the sockets bound to it at
 * either end, its quotas, its reservation and its queued requests, and it
 * decides which request gets the next pair:
 *
 *   consecutive request in progress (it gets every pair until done, at
 *     most QLINK_CONSECUTIVE_MAX, or ends when it cannot take the next)
 *   > interactive requests
 *   > refilling reservations
 *   > normal requests
 *   > batch requests
 *
 * and within one class weighted fair queueing between purposes (virtual
 * time advances by 1/weight per pair served or discarded for being below
 * the request's minimum fidelity, so that no request destroys more than
 * its share), skipping purposes out of pair-rate tokens and requests whose
 * sockets have no room for records.
 *
 * A pair is usable once both ends have stored it: the scheduler runs after
 * every batch of heralds at either end (qlink_sched_heralded()), takes the
 * oldest pair the chosen request accepts from end 0, numbered no higher
 * than the newest pair of end 1, and the same pair from end 1. Each
 * delivered pair gives one record to the creating and one to the receiving
 * socket. Measurements are simulated here from the pair's Bell state and
 * fidelity (Werner state: a common-basis outcome is flipped with
 * probability (1 - F) 2/3).
 *
 * Everything runs under the scheduler's lock, taken from process context
 * (sockets, genetlink) and from softirq context (heralds, the deadline
 * timer); records are queued with GFP_ATOMIC allocations.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/qlink.h>

#include "core.h"
#include "sched_int.h"

/* Virtual time a weight-1 purpose advances per pair. */
#define QLINK_VT_ONE	((u64)QLINK_WEIGHT_MAX)
/* Pairs one scheduler run hands out at most (bounds time in softirq). */
#define QLINK_RUN_MAX	1024
/* Most purposes one run looks at while picking (bounds it too). */
#define QLINK_RUN_VISITS	16384
/* Longest refill a token bucket needs (1000 pairs at the lowest rate). */
#define QLINK_TOKENS_SPAN_NS	(1000ULL * NSEC_PER_SEC)

atomic_t qlink_nr_scheds = ATOMIC_INIT(0);

/* ndo_init: a scheduler of the link's own. */
int qlink_sched_attach(struct qlink *ql)
{
	struct qlink_sched *s;
	int i;

	ASSERT_RTNL();
	s = qlink_fault(QLINK_FAULT_SCHED) ? NULL :
	    kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	spin_lock_init(&s->lock);
	refcount_set(&s->ref, 1);
	/* changed inside the BH-safe s->lock: its own lock is BH-safe too */
	xa_init_flags(&s->purposes, XA_FLAGS_LOCK_BH);
	INIT_LIST_HEAD(&s->short_pools);
	INIT_LIST_HEAD(&s->pooled);
	INIT_LIST_HEAD(&s->holding);
	INIT_LIST_HEAD(&s->deadlines);
	for (i = 0; i < QLINK_NR_PRIO; i++)
		INIT_LIST_HEAD(&s->active[i]);
	hrtimer_init(&s->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	s->timer.function = qlink_sched_timer;
	s->end[0] = ql;
	ql->sched = s;
	atomic_inc(&qlink_nr_scheds);
	qlink_sched_params(ql);
	return 0;
}

/* Drop a reference; the last one frees. Process context. */
void qlink_sched_put(struct qlink_sched *s)
{
	struct qlink_purpose *pp;
	unsigned long id;

	if (!refcount_dec_and_test(&s->ref))
		return;
	hrtimer_cancel(&s->timer);
	xa_for_each(&s->purposes, id, pp)
		qlink_purpose_free(pp);
	xa_destroy(&s->purposes);
	kfree(s);
	atomic_dec(&qlink_nr_scheds);
}

/*
 * ndo_uninit: the link end leaves its scheduler. Its sockets were
 * unbound and the requests ended by the NETDEV_UNREGISTER notifier.
 */
void qlink_sched_detach(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;

	ASSERT_RTNL();
	if (!s)
		return;
	spin_lock_bh(&s->lock);
	if (s->end[0] == ql)
		s->end[0] = NULL;
	if (s->end[1] == ql)
		s->end[1] = NULL;
	spin_unlock_bh(&s->lock);
	/* Requests need both ends: no deadline is left to watch. */
	hrtimer_cancel(&s->timer);
	ql->sched = NULL;
	qlink_sched_put(s);
}

void qlink_connect(struct qlink *a, struct qlink *b)
{
	struct qlink_sched *s = a->sched, *old = b->sched;

	ASSERT_RTNL();
	/* b is fresh: nothing can have bound to it or used its scheduler. */
	if (WARN_ON_ONCE(!s || !old || s == old || s->end[1] ||
			 old->n_purposes || refcount_read(&old->ref) != 1))
		return;
	spin_lock_bh(&s->lock);
	s->end[1] = b;
	spin_unlock_bh(&s->lock);
	refcount_inc(&s->ref);
	b->sched = s;
	old->end[0] = NULL;
	qlink_sched_put(old);
	/* a decides the heralds: both ends name the pairs by its id */
	qlink_set_pair_link_id(b, a->id);
	/* what both drivers can measure */
	qlink_sched_params(a);
}
EXPORT_SYMBOL_GPL(qlink_connect);

/* The bases the drivers of both ends of @s measure in. RTNL. */
static u32 qlink_sched_bases(struct qlink_sched *s)
{
	u32 bases = QLINK_BASES_ALL;
	int e;

	ASSERT_RTNL();
	for (e = 0; e < 2; e++)
		if (s->end[e])
			bases &= s->end[e]->ops->measure ?
				 s->end[e]->caps.measure_bases : 0;
	return bases;
}

/*
 * Configuration or calibration changed (RTNL): what requests are checked
 * against. Both ends share them.
 */
void qlink_sched_params(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;
	u32 slots, bases;

	if (!s)
		return;
	ASSERT_RTNL();
	slots = ql->config.memory_slots ?: ql->caps.memory_slots;
	bases = qlink_sched_bases(s);
	spin_lock_bh(&s->lock);
	s->exp_rate = ql->calib.herald_rate;
	s->f_max = ql->calib.fidelity;
	s->decays = ql->calib.coherence != 0;
	s->slots = slots;
	s->measure_bases = bases;
	s->direct = ql->calib.direct;
	spin_unlock_bh(&s->lock);
}

int qlink_sched_end_of(struct qlink_sched *s, struct qlink *ql)
{
	return s->end[1] == ql ? 1 : 0;
}

/*
 * WFQ accounting of @n pairs used up by @r: served, or discarded because
 * they were below its minimum fidelity (a request that discards what
 * others could use pays for it with its share).
 */
static void qlink_req_vcharge(struct qlink_req *r, u32 n)
{
	struct qlink_purpose *pp = r->pp;

	/* n <= ring size (2^20) times 10^6: no overflow */
	pp->vtime[r->c.priority] += (u64)n * div_u64(QLINK_VT_ONE, pp->weight);
}

/* WFQ and quota accounting of one pair given to @r. */
void qlink_req_charge(struct qlink_sched *s, struct qlink_req *r)
{
	struct qlink_purpose *pp = r->pp;
	int prio = r->c.priority;

	qlink_req_vcharge(r, 1);
	/* the virtual clock follows what is served, not what is discarded */
	s->vclock[prio] = pp->vtime[prio];
	if (pp->rate)
		pp->tokens -= min_t(u64, pp->tokens, 1000);
}

/* Can both sockets of @r take the records its next pair gives? */
bool qlink_req_room(struct qlink_req *r)
{
	struct qlink_sock *rx = qlink_req_receiver(r);
	u32 n = 1;

	if (r->c.flags & QLINK_CREATE_ATOMIC)
		n = r->n_held + 1 == r->c.number ? r->c.number : 0;
	if (!n)
		return true;
	if (!qlink_sock_room(r->creator, n)) {
		r->creator->starved = true;
		return false;
	}
	if (rx && !qlink_sock_room(rx, n)) {
		rx->starved = true;
		return false;
	}
	return true;
}

/* Size of @pp's token bucket: one second's worth, at least one pair. */
u64 qlink_tokens_cap(const struct qlink_purpose *pp)
{
	return max_t(u64, pp->rate, 1000);
}

/*
 * Refill @pp's token bucket; true if it has @need thousandths of a pair.
 * rate <= QLINK_PURPOSE_RATE_MAX (10^12) and dt <= 10^12 ns keep every
 * quotient below 2^64 (mul_u64_u64_div_u64 faults beyond it).
 */
static bool qlink_tokens(struct qlink_purpose *pp, u64 now_ns, u64 need)
{
	u64 add, cap, dt;

	if (!pp->rate)
		return true;
	if (now_ns > pp->tokens_ns) {
		cap = qlink_tokens_cap(pp);
		/* a longer wait fills the bucket anyway */
		dt = min(now_ns - pp->tokens_ns, QLINK_TOKENS_SPAN_NS);
		add = mul_u64_u64_div_u64(pp->rate, dt, NSEC_PER_SEC);
		if (add) {
			pp->tokens = min(pp->tokens + add, cap);
			/* Advance by the time the tokens stand for (<= dt). */
			pp->tokens_ns += mul_u64_u64_div_u64(add, NSEC_PER_SEC,
							     pp->rate);
		}
		if (pp->tokens >= cap)
			pp->tokens_ns = now_ns;
	}
	return pp->tokens >= need;
}

/**
 * struct qlink_pick - who gets the next pair
 * @req: a request, or
 * @pool: a purpose's reservation
 * @min_f: the fidelity it needs, ppm
 */
struct qlink_pick {
	struct qlink_req *req;
	struct qlink_purpose *pool;
	u32 min_f;
};

/*
 * Can a pair of the link ever have fidelity @f when it is used? Not above
 * a fresh pair's, nor equal to it when pairs decay.
 */
bool qlink_f_reachable(struct qlink_sched *s, u32 f)
{
	lockdep_assert_held(&s->lock);
	return f < s->f_max || (f == s->f_max && !s->decays);
}

static bool qlink_pick_pool(struct qlink_sched *s, struct qlink_pick *pk)
{
	struct qlink_purpose *pp;

	list_for_each_entry(pp, &s->short_pools, short_node) {
		/*
		 * No pair reaches it with the link's parameters (which may
		 * change after the purpose was configured): it would flush
		 * the buffer on every run.
		 */
		if (!qlink_f_reachable(s, pp->reserve_f))
			continue;
		pk->pool = pp;
		pk->min_f = pp->reserve_f;
		return true;
	}
	return false;
}

/*
 * Thousandths of a pair @r's purpose needs in its token bucket before @r
 * gets a pair: a consecutive request starts only when the bucket covers
 * all of it, so that it is not left half served.
 */
static u64 qlink_req_need(const struct qlink_req *r)
{
	if ((r->c.flags & QLINK_CREATE_CONSECUTIVE) && !r->done &&
	    !r->n_held)
		return (u64)r->c.number * 1000;
	return 1000;
}

/*
 * The consecutive request in progress, if it can go on. One that cannot
 * take its next pair (its quota is out, a reader fell behind) ends
 * instead of holding the link for everyone.
 */
static struct qlink_req *qlink_pick_consec(struct qlink_sched *s, u64 now_ns)
{
	struct qlink_req *r = s->consec;
	unsigned int tell = QLINK_TELL_CREATOR | QLINK_TELL_RECEIVER;

	lockdep_assert_held(&s->lock);
	if (!qlink_tokens(r->pp, now_ns, 1000)) {
		qlink_req_end(s, r, QLINK_ERR_NORES, 0, tell);
		return NULL;
	}
	if (!qlink_req_room(r)) {
		qlink_req_end(s, r, QLINK_ERR_OTHER, ENOBUFS, tell);
		return NULL;
	}
	return r;
}

/*
 * Strict classes, WFQ within a class. At most *@visits more purposes are
 * looked at (softirq time stays bounded however many there are).
 */
static bool qlink_pick(struct qlink_sched *s, u64 now_ns, u32 *visits,
		       struct qlink_pick *pk)
{
	struct qlink_purpose *pp, *tmp, *best;
	struct qlink_req *r, *best_r;
	u64 need;
	int prio;

	lockdep_assert_held(&s->lock);
	memset(pk, 0, sizeof(*pk));
	if (s->consec) {
		r = qlink_pick_consec(s, now_ns);
		if (r) {
			pk->req = r;
			pk->min_f = r->c.min_fidelity;
			return true;
		}
	}
	for (prio = 0; prio < QLINK_NR_PRIO; prio++) {
		if (prio == QLINK_PRIO_NORMAL && s->n_pools &&
		    qlink_pick_pool(s, pk))
			return true;
		best = NULL;
		best_r = NULL;
		list_for_each_entry_safe(pp, tmp, &s->active[prio],
					 active_node[prio]) {
			if (!*visits)
				return false;
			(*visits)--;
			if (best && pp->vtime[prio] >= best->vtime[prio])
				continue;
			r = list_first_entry(&pp->q[prio], struct qlink_req,
					     node);
			need = qlink_req_need(r);
			if (pp->rate && need > qlink_tokens_cap(pp)) {
				/* the quota was lowered below what it needs */
				qlink_req_end(s, r, QLINK_ERR_NORES, 0,
					      QLINK_TELL_CREATOR |
					      QLINK_TELL_RECEIVER);
				continue;
			}
			if (!qlink_tokens(pp, now_ns, need))
				continue;
			if (!qlink_req_room(r))
				continue;
			best = pp;
			best_r = r;
		}
		if (best_r) {
			pk->req = best_r;
			pk->min_f = best_r->c.min_fidelity;
			return true;
		}
	}
	return false;
}

/*
 * Age what is held: reserved pairs and pairs of atomic requests. After
 * the driver moved the zero of the link's clock (qlink_pairs_rebase(),
 * every 53 days; the buffers were flushed) held pairs have herald times
 * of the old base, which would never age: they are dropped too.
 */
static void qlink_sched_age(struct qlink_sched *s, u64 now_ps)
{
	u64 base = qlink_pairs_clock_base(s->end[0]);
	bool all = base != s->clock_base;
	struct qlink_purpose *pp, *ptmp;
	struct qlink_req *r, *rtmp;

	s->clock_base = base;
	list_for_each_entry_safe(pp, ptmp, &s->pooled, pooled_node)
		qlink_pool_age(s, pp, now_ps, all);
	list_for_each_entry_safe(r, rtmp, &s->holding, hold_node)
		qlink_req_age(s, r, now_ps, all);
}

/* Is @ql up and its driver running the link (carrier)? */
static bool qlink_end_up(const struct qlink *ql)
{
	return ql && netif_running(ql->dev) && netif_carrier_ok(ql->dev);
}

/*
 * Both ends there and up? Running alone is not enough: an end is running
 * from before its ndo_open, when its buffer still holds the pairs of the
 * previous run; the driver turns the carrier on once it restarted the
 * buffers.
 */
bool qlink_sched_up(struct qlink_sched *s)
{
	lockdep_assert_held(&s->lock);
	return qlink_end_up(s->end[0]) && qlink_end_up(s->end[1]);
}

/* Hand out the pairs both ends hold. */
void qlink_sched_run(struct qlink_sched *s)
{
	struct qlink *a = s->end[0], *b = s->end[1];
	struct qlink_pair_info pb;
	struct qlink_held h;
	struct qlink_pick pk;
	u64 now_ns, now_ps, limit;
	u32 n, low, visits = QLINK_RUN_VISITS;
	int err;

	lockdep_assert_held(&s->lock);
	if ((!s->n_reqs && !s->n_pools) || !qlink_sched_up(s))
		return;
	now_ns = ktime_get_ns();
	now_ps = qlink_now_ps(a);
	qlink_sched_age(s, now_ps);
	for (n = 0; n < QLINK_RUN_MAX; n++) {
		if (!qlink_pick(s, now_ns, &visits, &pk))
			break;
		limit = min(qlink_pairs_next_seq(a), qlink_pairs_next_seq(b));
		if (!limit)
			break;
		err = qlink_pair_take(a, pk.min_f, limit - 1, &h.p, &low);
		if (low && pk.req)
			qlink_req_vcharge(pk.req, low);
		if (err)
			break;
		/* Gone at end 1 (dropped or expired there): try the next. */
		if (qlink_pair_take_seq(b, h.p.seq, &pb))
			continue;
		h.slot1 = pb.slot;
		if (pk.req) {
			qlink_req_pair(s, pk.req, &h, now_ns, now_ps);
		} else {
			pk.pool->pool[pk.pool->pool_n++] = h;
			qlink_pool_check(s, pk.pool);
		}
	}
}

/* Heralds arrived at @ql: serve what waits. Process or softirq context. */
void qlink_sched_heralded(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;

	if (!s || (!READ_ONCE(s->n_reqs) && !READ_ONCE(s->n_pools)))
		return;
	spin_lock_bh(&s->lock);
	qlink_sched_run(s);
	spin_unlock_bh(&s->lock);
}

/* A reader made room in @qs's queue: requests waiting for it go on. */
void qlink_sched_room(struct qlink_sock *qs)
{
	struct qlink_sched *s = qs->sched;

	if (!s || !READ_ONCE(qs->starved))
		return;
	spin_lock_bh(&s->lock);
	qs->starved = false;
	qlink_sched_run(s);
	spin_unlock_bh(&s->lock);
}

/* A copy of the request counters of @ql's end; false if it has none. */
bool qlink_sched_read_stats(struct qlink *ql, struct qlink_req_stats *st)
{
	struct qlink_sched *s = ql->sched;

	if (!s)
		return false;
	spin_lock_bh(&s->lock);
	*st = s->st[qlink_sched_end_of(s, ql)];
	spin_unlock_bh(&s->lock);
	return true;
}

/**
 * qlink_sched_other_end() - the other end of @ql's link in this kernel
 * @ql: link end
 *
 * What is set through one end (parameters, purposes) applies to both.
 * Return: the other end, or NULL if it has none here.
 */
struct qlink *qlink_sched_other_end(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;

	ASSERT_RTNL();
	if (!s)
		return NULL;
	return s->end[0] == ql ? s->end[1] : s->end[0];
}
