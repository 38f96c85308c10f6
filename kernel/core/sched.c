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
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/qlink.h>

#include "core.h"
#include "fidelity.h"
#include "sched.h"

#define PS_PER_NS	1000ULL
/* Virtual time a weight-1 purpose advances per pair. */
#define QLINK_VT_ONE	((u64)QLINK_WEIGHT_MAX)
/* Pairs one scheduler run hands out at most (bounds time in softirq). */
#define QLINK_RUN_MAX	1024
/* Most purposes one run looks at while picking (bounds it too). */
#define QLINK_RUN_VISITS	16384
/* Longest refill a token bucket needs (1000 pairs at the lowest rate). */
#define QLINK_TOKENS_SPAN_NS	(1000ULL * NSEC_PER_SEC)

atomic_t qlink_nr_scheds = ATOMIC_INIT(0);
atomic_t qlink_nr_reqs = ATOMIC_INIT(0);
atomic_t qlink_nr_purposes = ATOMIC_INIT(0);

/**
 * struct qlink_held - a pair taken from both ends, not yet delivered
 * @p: the pair as taken at end 0
 * @slot1: its memory slot at end 1
 */
struct qlink_held {
	struct qlink_pair_info p;
	u16 slot1;
};

/**
 * struct qlink_purpose - one purpose id of a link; all fields under the
 *	scheduler's lock
 * @node: in qlink_sched.purposes
 * @active_node: per class, in qlink_sched.active[] while @q[] is not empty
 * @short_node: in qlink_sched.short_pools while @pool_short
 * @pooled_node: in qlink_sched.pooled while @pool_n
 * @q: per class, queued requests, oldest first
 * @id: purpose id
 * @configured: set by QLINK_CMD_PURPOSE_SET; kept while the link lives
 * @owner_uid: who may bind to it besides CAP_NET_ADMIN (or invalid)
 * @owner_gid: the group that may (or invalid)
 * @creator: the user whose bind brought it into being (unconfigured)
 * @weight: WFQ weight
 * @rate: quota, pairs per second in mHz, 0 = none
 * @tokens: token bucket of @rate, in thousandths of a pair
 * @tokens_ns: time @tokens was last refilled
 * @max_outstanding: quota of queued requests, 0 = none
 * @reserve: pairs to keep in @pool
 * @reserve_f: minimum fidelity of pooled pairs, ppm
 * @pool: reserved pairs, oldest first, @reserve entries
 * @pool_n: pairs in @pool
 * @pool_short: counted in qlink_sched.n_pools (@pool_n < @reserve)
 * @vtime: per class, WFQ virtual time
 * @sk: the socket bound at each end
 * @outstanding: queued requests
 * @requests: counters, see enum qlink_purpose_attr
 * @succeeded: see enum qlink_purpose_attr
 * @failed: see enum qlink_purpose_attr
 * @delivered: see enum qlink_purpose_attr
 */
struct qlink_purpose {
	struct list_head node;
	struct list_head active_node[QLINK_NR_PRIO];
	struct list_head short_node;
	struct list_head pooled_node;
	struct list_head q[QLINK_NR_PRIO];
	u32 id;
	bool configured;
	kuid_t owner_uid;
	kgid_t owner_gid;
	kuid_t creator;
	u32 weight;
	u64 rate;
	u64 tokens;
	u64 tokens_ns;
	u32 max_outstanding;
	u32 reserve;
	u32 reserve_f;
	struct qlink_held *pool;
	u32 pool_n;
	bool pool_short;
	u64 vtime[QLINK_NR_PRIO];
	struct qlink_sock *sk[2];
	u32 outstanding;
	u64 requests;
	u64 succeeded;
	u64 failed;
	u64 delivered;
};

/**
 * struct qlink_req - a queued CREATE request; under the scheduler's lock
 * @node: in its purpose's queue of its class
 * @by_sock: in the creating socket's list
 * @dl_node: in qlink_sched.deadlines if it has a deadline
 * @hold_node: in qlink_sched.holding while @n_held
 * @creator: the socket that sent it
 * @pp: its purpose
 * @c: the request
 * @end: the creating socket's link end
 * @done: pairs delivered
 * @t0_ns: when it was made
 * @deadline_ns: when it times out, 0 = never
 * @n_held: atomic requests: pairs in @held
 * @held: atomic requests: the pairs collected, @c.number entries (at most
 *	%QLINK_ATOMIC_MAX: larger atomic requests are refused unallocated)
 */
struct qlink_req {
	struct list_head node;
	struct list_head by_sock;
	struct list_head dl_node;
	struct list_head hold_node;
	struct qlink_sock *creator;
	struct qlink_purpose *pp;
	struct qlink_create c;
	u8 end;
	u32 done;
	u64 t0_ns;
	u64 deadline_ns;
	u32 n_held;
	struct qlink_held held[];
};

static enum hrtimer_restart qlink_sched_timer(struct hrtimer *t);

/* ndo_init (RTNL): a scheduler of the link's own. */
int qlink_sched_attach(struct qlink *ql)
{
	struct qlink_sched *s;
	int i;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	spin_lock_init(&s->lock);
	refcount_set(&s->ref, 1);
	INIT_LIST_HEAD(&s->purposes);
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

static void qlink_purpose_free(struct qlink_purpose *pp)
{
	kfree(pp->pool);
	kfree(pp);
	atomic_dec(&qlink_nr_purposes);
}

/* Drop a reference; the last one frees. Process context. */
void qlink_sched_put(struct qlink_sched *s)
{
	struct qlink_purpose *pp, *tmp;

	if (!refcount_dec_and_test(&s->ref))
		return;
	hrtimer_cancel(&s->timer);
	list_for_each_entry_safe(pp, tmp, &s->purposes, node)
		qlink_purpose_free(pp);
	kfree(s);
	atomic_dec(&qlink_nr_scheds);
}

/*
 * ndo_uninit (RTNL): the link end leaves its scheduler. Its sockets were
 * unbound and the requests ended by the NETDEV_UNREGISTER notifier.
 */
void qlink_sched_detach(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;

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

#define QLINK_BASES_ALL	(BIT(QLINK_BASIS_Z) | BIT(QLINK_BASIS_X) | \
			 BIT(QLINK_BASIS_Y))

/* Can drivers that measure in @bases serve @basis (RANDOM: Z and X)? */
static bool qlink_bases_ok(u32 bases, u8 basis)
{
	u32 need = basis == QLINK_BASIS_RANDOM ?
		   BIT(QLINK_BASIS_Z) | BIT(QLINK_BASIS_X) : BIT(basis);

	return (bases & need) == need;
}

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

static int qlink_sched_end_of(struct qlink_sched *s, struct qlink *ql)
{
	return s->end[1] == ql ? 1 : 0;
}

static struct qlink_purpose *qlink_purpose_find(struct qlink_sched *s, u32 id)
{
	struct qlink_purpose *pp;

	lockdep_assert_held(&s->lock);
	list_for_each_entry(pp, &s->purposes, node) {
		if (pp->id == id)
			return pp;
		if (pp->id > id)
			break;
	}
	return NULL;
}

static struct qlink_purpose *qlink_purpose_alloc(void)
{
	struct qlink_purpose *pp = kzalloc(sizeof(*pp), GFP_KERNEL_ACCOUNT);
	int i;

	if (!pp)
		return NULL;
	INIT_LIST_HEAD(&pp->node);
	INIT_LIST_HEAD(&pp->short_node);
	INIT_LIST_HEAD(&pp->pooled_node);
	for (i = 0; i < QLINK_NR_PRIO; i++) {
		INIT_LIST_HEAD(&pp->q[i]);
		INIT_LIST_HEAD(&pp->active_node[i]);
	}
	pp->weight = 1;
	pp->owner_uid = INVALID_UID;
	pp->owner_gid = INVALID_GID;
	pp->creator = INVALID_UID;
	atomic_inc(&qlink_nr_purposes);
	return pp;
}

/*
 * Add @pp (from qlink_purpose_alloc()) as purpose @id, keeping the list
 * sorted by id: dumps resume from an id. Lock held.
 */
static void qlink_purpose_add(struct qlink_sched *s, struct qlink_purpose *pp,
			      u32 id)
{
	struct qlink_purpose *next;

	lockdep_assert_held(&s->lock);
	pp->id = id;
	list_for_each_entry(next, &s->purposes, node)
		if (next->id > id)
			break;
	list_add_tail(&pp->node, &next->node);
	s->n_purposes++;
}

/* Is @pp of no use any more? Then it leaves the list (freed by caller). */
static bool qlink_purpose_unused(struct qlink_sched *s,
				 struct qlink_purpose *pp)
{
	lockdep_assert_held(&s->lock);
	if (pp->configured || pp->sk[0] || pp->sk[1] || pp->outstanding)
		return false;
	/* Unconfigured: it has no reservation, so it is on no pool list. */
	list_del(&pp->node);
	s->n_purposes--;
	return true;
}

/*
 * Keep qlink_sched.n_pools, .short_pools and .pooled in step with @pp's
 * reservation. Lock held.
 */
static void qlink_pool_check(struct qlink_sched *s, struct qlink_purpose *pp)
{
	bool short_now = pp->pool_n < pp->reserve;

	lockdep_assert_held(&s->lock);
	if (short_now != pp->pool_short) {
		pp->pool_short = short_now;
		if (short_now) {
			s->n_pools++;
			list_add_tail(&pp->short_node, &s->short_pools);
		} else {
			s->n_pools--;
			list_del_init(&pp->short_node);
		}
	}
	if (pp->pool_n && list_empty(&pp->pooled_node))
		list_add_tail(&pp->pooled_node, &s->pooled);
	else if (!pp->pool_n && !list_empty(&pp->pooled_node))
		list_del_init(&pp->pooled_node);
}

/* The record both sockets of a request start from. */
static void qlink_rec_init(struct qlink_sched *s, const struct qlink_req *r,
			   struct qlink_record *rec, u8 kind)
{
	struct qlink *remote = s->end[!r->end];

	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	rec->role = QLINK_ROLE_CREATOR;
	rec->type = r->c.type;
	rec->create_id = r->c.create_id;
	rec->purpose = r->pp->id;
	rec->remote_link_id = remote ? remote->id : 0;
	rec->index = r->done;
	rec->slot = QLINK_SLOT_NONE;
}

/* The same record as the receiving socket sees it. */
static void qlink_rec_receiver(struct qlink_sched *s, const struct qlink_req *r,
			       struct qlink_record *rec)
{
	struct qlink *creator = s->end[r->end];

	rec->role = QLINK_ROLE_RECEIVER;
	rec->remote_link_id = creator ? creator->id : 0;
}

/* The socket that receives @r's pairs, if it still does. */
static struct qlink_sock *qlink_req_receiver(const struct qlink_req *r)
{
	struct qlink_sock *rx = r->pp->sk[!r->end];

	return rx && rx->receive ? rx : NULL;
}

/*
 * End @r: with an ERR record (@error != 0) to the creator and/or the
 * receiver as @tell says, or as a success. Frees @r. Lock held.
 */
#define QLINK_TELL_CREATOR	BIT(0)
#define QLINK_TELL_RECEIVER	BIT(1)
static void qlink_req_end(struct qlink_sched *s, struct qlink_req *r,
			  u8 error, int sys_errno, unsigned int tell)
{
	struct qlink_purpose *pp = r->pp;
	struct qlink_req_stats *st = &s->st[r->end];
	struct qlink_sock *rx = qlink_req_receiver(r);
	int prio = r->c.priority;
	struct qlink_record rec;

	if (error) {
		qlink_rec_init(s, r, &rec, QLINK_REC_ERR);
		rec.error = error;
		rec.sys_errno = sys_errno;
		rec.flags = QLINK_REC_LAST;
		if (tell & QLINK_TELL_CREATOR)
			qlink_sock_put(r->creator, &rec);
		if (rx && (tell & QLINK_TELL_RECEIVER)) {
			qlink_rec_receiver(s, r, &rec);
			qlink_sock_put(rx, &rec);
		}
		st->failed++;
		pp->failed++;
	} else {
		st->succeeded++;
		pp->succeeded++;
	}
	list_del(&r->node);
	if (list_empty(&pp->q[prio]))
		list_del_init(&pp->active_node[prio]);
	list_del(&r->by_sock);
	list_del(&r->dl_node);
	list_del(&r->hold_node);
	r->creator->n_reqs--;
	pp->outstanding--;
	s->n_reqs--;
	if (s->consec == r)
		s->consec = NULL;
	kfree(r);
	atomic_dec(&qlink_nr_reqs);
}

/* Fidelity of a held pair now, ppm. */
static u32 qlink_held_fidelity(struct qlink *ql, const struct qlink_held *h,
			       u64 now_ps)
{
	u64 age = now_ps > h->p.herald_ps ? now_ps - h->p.herald_ps : 0;
	u32 f = qcore_werner_decay(qcore_f_from_ppm(h->p.fidelity_herald), age,
				   qlink_pairs_decay_ps(ql));

	return qcore_f_to_ppm(f);
}

/* Has a held pair passed the link's cutoff? */
static bool qlink_held_expired(struct qlink *ql, const struct qlink_held *h,
			       u64 now_ps)
{
	u64 cutoff = qlink_pairs_cutoff_ps(ql);

	return cutoff && now_ps > h->p.herald_ps &&
	       now_ps - h->p.herald_ps > cutoff;
}

/*
 * What end @e's detector recorded of @h (direct detection) into @rec; a
 * pair without a record cannot be measured any more. Lock held.
 */
static int qlink_recorded(struct qlink_sched *s, int e,
			  const struct qlink_held *h, struct qlink_record *rec)
{
	u8 m = h->p.meas >> (e * QLINK_MEAS_SHIFT);

	lockdep_assert_held(&s->lock);
	if (!(m & QLINK_MEAS_VALID))
		return -EIO;
	rec->basis = m & QLINK_MEAS_BASIS_X ? QLINK_BASIS_X : QLINK_BASIS_Z;
	rec->outcome = !!(m & QLINK_MEAS_OUTCOME);
	rec->slot = QLINK_SLOT_NONE;
	return 0;
}

static u8 qlink_pick_basis(u8 basis)
{
	if (basis != QLINK_BASIS_RANDOM)
		return basis;
	return get_random_u32() & 1 ? QLINK_BASIS_X : QLINK_BASIS_Z;
}

/*
 * The driver of end @e measures its qubit of @h (fidelity @f now) in
 * @basis (RANDOM: Z or X, chosen here) into @rec. Lock held.
 */
static int qlink_measure(struct qlink_sched *s, int e,
			 const struct qlink_held *h, u32 f, u8 basis,
			 struct qlink_record *rec)
{
	struct qlink *ql = s->end[e];
	struct qlink_pair_info p = h->p;
	int ret;

	lockdep_assert_held(&s->lock);
	if (!ql)
		return -ENODEV;
	p.slot = e ? h->slot1 : h->p.slot;
	p.fidelity = f;
	rec->basis = qlink_pick_basis(basis);
	ret = ql->ops->measure(ql, &p, rec->basis);
	if (ret < 0)
		return ret;
	rec->outcome = !!ret;
	rec->slot = QLINK_SLOT_NONE;
	return 0;
}

/*
 * Deliver one pair of @r: a record to each socket, after the drivers
 * measured what the request measures. Lock held. Return: 0, or the
 * driver's negative errno (nothing delivered).
 */
static int qlink_req_deliver(struct qlink_sched *s, struct qlink_req *r,
			     const struct qlink_held *h, u64 now_ps,
			     bool last)
{
	struct qlink_sock *rx = qlink_req_receiver(r);
	u16 slot[2] = { h->p.slot, h->slot1 };
	struct qlink_record c, x;
	u32 f = qlink_held_fidelity(s->end[0], h, now_ps);
	int err = 0;

	qlink_rec_init(s, r, &c, QLINK_REC_OK);
	c.seq = h->p.seq;
	c.seq_last = h->p.seq;
	c.herald_time = h->p.herald_ps;
	c.trace_id = h->p.trace_id;
	c.pair_link_id = h->p.pair_link_id;
	c.fidelity = f;
	c.bell_index = h->p.bell_index;
	c.flags = last ? QLINK_REC_LAST : 0;
	x = c;
	qlink_rec_receiver(s, r, &x);
	c.slot = slot[r->end];
	x.slot = slot[!r->end];
	switch (r->c.type) {
	case QLINK_REQ_MEASURE:
		if (s->direct)
			err = qlink_recorded(s, r->end, h, &c) ?:
			      qlink_recorded(s, !r->end, h, &x);
		else
			err = qlink_measure(s, r->end, h, f, r->c.basis, &c) ?:
			      qlink_measure(s, !r->end, h, f, r->c.basis, &x);
		break;
	case QLINK_REQ_RSP:
		err = qlink_measure(s, r->end, h, f, r->c.basis, &c);
		break;
	}
	if (err)
		return err;
	qlink_sock_put(r->creator, &c);
	if (rx)
		qlink_sock_put(rx, &x);
	r->done++;
	r->pp->delivered++;
	s->st[r->end].delivered++;
	return 0;
}

/* Latency of a request's first pair (M9). */
static void qlink_req_first(struct qlink_sched *s, struct qlink_req *r,
			    u64 now_ns)
{
	struct qlink_req_stats *st = &s->st[r->end];
	u64 lat = now_ns > r->t0_ns ? now_ns - r->t0_ns : 0;

	st->n_lat++;
	st->sum_lat_ns += lat;
	st->max_lat_ns = max(st->max_lat_ns, lat);
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
static void qlink_req_charge(struct qlink_sched *s, struct qlink_req *r)
{
	struct qlink_purpose *pp = r->pp;
	int prio = r->c.priority;

	qlink_req_vcharge(r, 1);
	/* the virtual clock follows what is served, not what is discarded */
	s->vclock[prio] = pp->vtime[prio];
	if (pp->rate)
		pp->tokens -= min_t(u64, pp->tokens, 1000);
}

/* Give @h to @r. Lock held. */
static void qlink_req_pair(struct qlink_sched *s, struct qlink_req *r,
			   const struct qlink_held *h, u64 now_ns, u64 now_ps)
{
	int err = 0;
	u32 k;

	if (!r->done && !r->n_held)
		qlink_req_first(s, r, now_ns);
	qlink_req_charge(s, r);
	if (r->c.flags & QLINK_CREATE_ATOMIC) {
		r->held[r->n_held++] = *h;
		if (r->n_held < r->c.number) {
			if (list_empty(&r->hold_node))
				list_add_tail(&r->hold_node, &s->holding);
			return;
		}
		for (k = 0; k < r->n_held && !err; k++)
			err = qlink_req_deliver(s, r, &r->held[k], now_ps,
						k + 1 == r->n_held);
		r->n_held = 0;
		list_del_init(&r->hold_node);
	} else {
		err = qlink_req_deliver(s, r, h, now_ps,
					r->done + 1 == r->c.number);
	}
	/* a driver that could not measure ends the request, loudly */
	if (err)
		qlink_req_end(s, r, QLINK_ERR_OTHER, -err,
			      QLINK_TELL_CREATOR | QLINK_TELL_RECEIVER);
	else if (r->done == r->c.number)
		qlink_req_end(s, r, 0, 0, 0);
	else if (r->c.flags & QLINK_CREATE_CONSECUTIVE)
		s->consec = r;
}

/* Can both sockets of @r take the records its next pair gives? */
static bool qlink_req_room(struct qlink_req *r)
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
static u64 qlink_tokens_cap(const struct qlink_purpose *pp)
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
 * a fresh pair's, nor equal to it when pairs decay. Lock held.
 */
static bool qlink_f_reachable(struct qlink_sched *s, u32 f)
{
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
 * instead of holding the link for everyone. Lock held.
 */
static struct qlink_req *qlink_pick_consec(struct qlink_sched *s, u64 now_ns)
{
	struct qlink_req *r = s->consec;
	unsigned int tell = QLINK_TELL_CREATOR | QLINK_TELL_RECEIVER;

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
 * looked at (softirq time stays bounded however many there are). Lock
 * held.
 */
static bool qlink_pick(struct qlink_sched *s, u64 now_ns, u32 *visits,
		       struct qlink_pick *pk)
{
	struct qlink_purpose *pp, *tmp, *best;
	struct qlink_req *r, *best_r;
	u64 need;
	int prio;

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
 * Held pairs of atomic requests that passed the cutoff or decayed below
 * the request's minimum (or all of them, @all): dropped, with an EXPIRE
 * record for the range.
 */
static void qlink_req_age(struct qlink_sched *s, struct qlink_req *r,
			  u64 now_ps, bool all)
{
	struct qlink *a = s->end[0];
	struct qlink_sock *rx;
	struct qlink_record rec;
	u64 first = 0, last = 0;
	u32 k, n = 0, kept = 0;

	for (k = 0; k < r->n_held; k++) {
		const struct qlink_held *h = &r->held[k];

		if (all || qlink_held_expired(a, h, now_ps) ||
		    qlink_held_fidelity(a, h, now_ps) < r->c.min_fidelity) {
			if (!n++)
				first = h->p.seq;
			last = h->p.seq;
			continue;
		}
		r->held[kept++] = *h;
	}
	if (!n)
		return;
	r->n_held = kept;
	if (!kept)
		list_del_init(&r->hold_node);
	qlink_rec_init(s, r, &rec, QLINK_REC_ERR);
	rec.error = QLINK_ERR_EXPIRE;
	rec.seq = first;
	rec.seq_last = last;
	qlink_sock_put(r->creator, &rec);
	rx = qlink_req_receiver(r);
	if (rx) {
		qlink_rec_receiver(s, r, &rec);
		qlink_sock_put(rx, &rec);
	}
}

/* Reserved pairs that are no longer good enough (or all, @all) leave. */
static void qlink_pool_age(struct qlink_sched *s, struct qlink_purpose *pp,
			   u64 now_ps, bool all)
{
	struct qlink *a = s->end[0];
	u32 k, kept = 0;

	for (k = 0; k < pp->pool_n; k++) {
		const struct qlink_held *h = &pp->pool[k];

		if (all || qlink_held_expired(a, h, now_ps) ||
		    qlink_held_fidelity(a, h, now_ps) < pp->reserve_f)
			continue;
		pp->pool[kept++] = *h;
	}
	pp->pool_n = kept;
	qlink_pool_check(s, pp);
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
 * buffers. Lock held.
 */
static bool qlink_sched_up(struct qlink_sched *s)
{
	return qlink_end_up(s->end[0]) && qlink_end_up(s->end[1]);
}

/* Hand out the pairs both ends hold. Lock held. */
static void qlink_sched_run(struct qlink_sched *s)
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

/* End every request of the link, e.g. it went down. Lock held. */
static void qlink_sched_end_all(struct qlink_sched *s, int err)
{
	struct qlink_purpose *pp;
	struct qlink_req *r, *tmp;
	int prio;

	list_for_each_entry(pp, &s->purposes, node) {
		for (prio = 0; prio < QLINK_NR_PRIO; prio++)
			list_for_each_entry_safe(r, tmp, &pp->q[prio], node)
				qlink_req_end(s, r, QLINK_ERR_OTHER, err,
					      QLINK_TELL_CREATOR |
					      QLINK_TELL_RECEIVER);
		/* The buffers restart empty: reserved pairs are void. */
		pp->pool_n = 0;
		qlink_pool_check(s, pp);
	}
}

/* An end of the link went down or away (RTNL): requests end with @err. */
void qlink_sched_link_down(struct qlink *ql, int err)
{
	struct qlink_sched *s = ql->sched;

	if (!s)
		return;
	spin_lock_bh(&s->lock);
	qlink_sched_end_all(s, err);
	spin_unlock_bh(&s->lock);
}

/*
 * Set the timer to the earliest deadline. Every deadline on the list is
 * in the future (qlink_sched_timer() ends those that passed, and new ones
 * are at least 1 ns ahead), so the timer is never set at or before now.
 * Lock held; also called from the timer's own callback, where starting
 * it again is allowed and returning HRTIMER_NORESTART keeps it started.
 */
static void qlink_sched_rearm(struct qlink_sched *s)
{
	struct qlink_req *r;

	lockdep_assert_held(&s->lock);
	r = list_first_entry_or_null(&s->deadlines, struct qlink_req, dl_node);
	if (!r) {
		s->timer_ns = 0;
		hrtimer_try_to_cancel(&s->timer);
		return;
	}
	if (s->timer_ns == r->deadline_ns)
		return;
	s->timer_ns = r->deadline_ns;
	hrtimer_start(&s->timer, ns_to_ktime(r->deadline_ns),
		      HRTIMER_MODE_ABS_SOFT);
}

static enum hrtimer_restart qlink_sched_timer(struct hrtimer *t)
{
	struct qlink_sched *s = container_of(t, struct qlink_sched, timer);
	struct qlink_req *r, *tmp;
	u64 now = ktime_get_ns();

	spin_lock_bh(&s->lock);
	s->timer_ns = 0;
	list_for_each_entry_safe(r, tmp, &s->deadlines, dl_node) {
		if (r->deadline_ns > now)
			break;
		qlink_req_end(s, r, QLINK_ERR_TIMEOUT, 0,
			      QLINK_TELL_CREATOR | QLINK_TELL_RECEIVER);
	}
	qlink_sched_rearm(s);
	spin_unlock_bh(&s->lock);
	return HRTIMER_NORESTART;
}

/* Watch @r's deadline: keep the list in deadline order. Lock held. */
static void qlink_sched_arm(struct qlink_sched *s, struct qlink_req *r)
{
	struct qlink_req *prev;

	if (!r->deadline_ns)
		return;
	/* usually the latest: search from the end */
	list_for_each_entry_reverse(prev, &s->deadlines, dl_node)
		if (prev->deadline_ns <= r->deadline_ns)
			break;
	list_add(&r->dl_node, &prev->dl_node);
	qlink_sched_rearm(s);
}

/* Purposes of @s brought into being by binds of user @uid. Lock held. */
static u32 qlink_purposes_of(struct qlink_sched *s, kuid_t uid)
{
	struct qlink_purpose *pp;
	u32 n = 0;

	list_for_each_entry(pp, &s->purposes, node)
		n += !pp->configured && uid_eq(pp->creator, uid);
	return n;
}

/*
 * May the current task bind to purpose @id (@pp, NULL if it does not
 * exist yet)? Its owner decides when it has one, else ids below
 * QLINK_PURPOSE_PROT are privileged; CAP_NET_ADMIN may do anything. A
 * user without it brings at most QLINK_PURPOSES_USER_MAX purposes into
 * being and leaves QLINK_PURPOSES_ADMIN free for the administrator.
 * Lock held.
 */
static int qlink_purpose_may_bind(struct qlink_sched *s,
				  struct qlink_purpose *pp, u32 id,
				  const struct qlink_bind_cred *cred)
{
	bool owned = pp && (uid_valid(pp->owner_uid) ||
			    gid_valid(pp->owner_gid));

	lockdep_assert_held(&s->lock);
	if (owned && !cred->admin &&
	    !(uid_valid(pp->owner_uid) && uid_eq(pp->owner_uid,
						 current_fsuid())) &&
	    !(gid_valid(pp->owner_gid) && in_group_p(pp->owner_gid)))
		return -EACCES;
	if (!owned && id < QLINK_PURPOSE_PROT && !cred->prot && !cred->admin)
		return -EACCES;
	if (pp)
		return 0;
	if (s->n_purposes >= QLINK_PURPOSES_MAX)
		return -ENOSPC;
	if (!cred->admin &&
	    (s->n_purposes >= QLINK_PURPOSES_MAX - QLINK_PURPOSES_ADMIN ||
	     qlink_purposes_of(s, current_fsuid()) >= QLINK_PURPOSES_USER_MAX))
		return -ENOSPC;
	return 0;
}

/**
 * qlink_sched_bind() - bind a socket to a link end and a purpose
 * @qs: unbound socket
 * @ql: link end
 * @purpose: purpose id
 *
 * @cred: what the binding task may do
 *
 * Caller holds RTNL (the link stays registered).
 *
 * Return: 0, -EACCES if the task may not use the purpose, -EADDRINUSE if
 * a socket holds (@ql, @purpose), -ENOSPC if the link (or the user) has
 * too many purposes, -ENOMEM.
 */
int qlink_sched_bind(struct qlink_sock *qs, struct qlink *ql, u32 purpose,
		     const struct qlink_bind_cred *cred)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_purpose *pp, *fresh;
	int end, err = 0;

	ASSERT_RTNL();
	fresh = qlink_purpose_alloc();
	if (!fresh)
		return -ENOMEM;
	spin_lock_bh(&s->lock);
	end = qlink_sched_end_of(s, ql);
	pp = qlink_purpose_find(s, purpose);
	err = qlink_purpose_may_bind(s, pp, purpose, cred);
	if (err)
		goto out;
	if (pp && pp->sk[end]) {
		err = -EADDRINUSE;
		goto out;
	}
	if (!pp) {
		pp = fresh;
		fresh = NULL;
		pp->creator = current_fsuid();
		qlink_purpose_add(s, pp, purpose);
	}
	pp->sk[end] = qs;
	qs->pp = pp;
	qs->end = end;
	qs->ql = ql;
	qs->sched = s;
	refcount_inc(&s->ref);
out:
	spin_unlock_bh(&s->lock);
	if (fresh)
		qlink_purpose_free(fresh);
	return err;
}

/* Requests @qs receives end with ECONNRESET for their creators. */
static void qlink_sched_receiver_gone(struct qlink_sched *s,
				      struct qlink_sock *qs)
{
	struct qlink_purpose *pp = qs->pp;
	struct qlink_req *r, *tmp;
	int prio;

	for (prio = 0; prio < QLINK_NR_PRIO; prio++)
		list_for_each_entry_safe(r, tmp, &pp->q[prio], node)
			if (r->end != qs->end)
				qlink_req_end(s, r, QLINK_ERR_OTHER,
					      ECONNRESET, QLINK_TELL_CREATOR);
}

/*
 * Unbind @qs: its requests end (the receivers of those it created and the
 * creators of those it received get ERR OTHER, ECONNRESET when it closes,
 * ENODEV when its device goes). Returns its purpose if that is no longer
 * of use: the caller frees it after unlocking. Lock held.
 */
static struct qlink_purpose *__qlink_sched_unbind(struct qlink_sched *s,
						  struct qlink_sock *qs,
						  bool closing)
{
	struct qlink_purpose *pp = qs->pp;
	struct qlink_req *r, *tmp;

	list_for_each_entry_safe(r, tmp, &qs->reqs, by_sock)
		qlink_req_end(s, r, QLINK_ERR_OTHER,
			      closing ? ECONNRESET : ENODEV,
			      QLINK_TELL_RECEIVER);
	if (qs->receive)
		qlink_sched_receiver_gone(s, qs);
	qs->receive = false;
	pp->sk[qs->end] = NULL;
	qs->pp = NULL;
	WRITE_ONCE(qs->ql, NULL);
	return qlink_purpose_unused(s, pp) ? pp : NULL;
}

/**
 * qlink_sched_unbind() - a bound socket closes
 * @qs: socket
 *
 * The device reference is the caller's to drop. Caller holds RTNL.
 */
void qlink_sched_unbind(struct qlink_sock *qs)
{
	struct qlink_sched *s = qs->sched;
	struct qlink_purpose *gone = NULL;

	ASSERT_RTNL();
	spin_lock_bh(&s->lock);
	if (qs->pp)
		gone = __qlink_sched_unbind(s, qs, true);
	spin_unlock_bh(&s->lock);
	if (gone)
		qlink_purpose_free(gone);
}

/**
 * qlink_sched_dev_gone() - a link end is unregistered (or leaves its netns)
 * @ql: the link end
 *
 * Every request of the link ends with ERR OTHER / ENODEV, and the sockets
 * bound to @ql are unbound (qlink_sock_unbound() drops their device
 * references). RTNL held.
 */
void qlink_sched_dev_gone(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_purpose *pp, *tmp;
	struct qlink_sock *qs;
	LIST_HEAD(gone);
	int end;

	ASSERT_RTNL();
	if (!s)
		return;
	spin_lock_bh(&s->lock);
	qlink_sched_end_all(s, ENODEV);
	end = qlink_sched_end_of(s, ql);
	list_for_each_entry_safe(pp, tmp, &s->purposes, node) {
		qs = pp->sk[end];
		if (!qs)
			continue;
		if (__qlink_sched_unbind(s, qs, false))
			list_add(&pp->node, &gone);
		qlink_sock_unbound(qs, ql);
	}
	spin_unlock_bh(&s->lock);
	list_for_each_entry_safe(pp, tmp, &gone, node)
		qlink_purpose_free(pp);
}

/* The purpose @qs is bound to, 0 if none. Lock held. */
u32 qlink_sched_purpose_id(struct qlink_sock *qs)
{
	return qs->pp ? qs->pp->id : 0;
}

/* QLINK_SO_RECEIVE. */
int qlink_sched_set_receive(struct qlink_sock *qs, bool on)
{
	struct qlink_sched *s = qs->sched;
	int err = 0;

	if (!s)
		return -ENOTCONN;
	spin_lock_bh(&s->lock);
	if (!qs->pp) {
		err = -ENOTCONN;
	} else if (qs->receive && !on) {
		qlink_sched_receiver_gone(s, qs);
		qs->receive = false;
	} else if (on) {
		qs->receive = true;
	}
	spin_unlock_bh(&s->lock);
	return err;
}

/* A request refused at once: one ERR record to its creator. Lock held. */
static void qlink_sched_refuse(struct qlink_sched *s, struct qlink_req *r,
			       u8 error)
{
	struct qlink_record rec;

	qlink_rec_init(s, r, &rec, QLINK_REC_ERR);
	rec.error = error;
	rec.flags = QLINK_REC_LAST;
	qlink_sock_put(r->creator, &rec);
	s->st[r->end].failed++;
	r->pp->failed++;
}

/* Why @c cannot be served on this link, or 0. Lock held. */
static u8 qlink_sched_check(struct qlink_sched *s, struct qlink_sock *qs,
			    const struct qlink_create *c)
{
	struct qlink_sock *rx = qs->pp->sk[!qs->end];
	u32 atomic_max = QLINK_ATOMIC_MAX;
	u64 need_ns;

	if (!s->end[1])
		return QLINK_ERR_UNSUPP;	/* no local peer end */
	if (!rx || !rx->receive)
		return QLINK_ERR_REJECTED;
	if (c->min_fidelity && !qlink_f_reachable(s, c->min_fidelity))
		return QLINK_ERR_UNSUPP;
	if (s->direct) {
		/* measured at detection: in the basis the detector chose */
		if (c->type != QLINK_REQ_MEASURE ||
		    c->basis != QLINK_BASIS_RANDOM)
			return QLINK_ERR_UNSUPP;
	} else if (c->type != QLINK_REQ_KEEP &&
		   !qlink_bases_ok(s->measure_bases, c->basis)) {
		return QLINK_ERR_UNSUPP;	/* the drivers cannot measure it */
	}
	if (s->slots)
		atomic_max = min(atomic_max, s->slots);
	if ((c->flags & QLINK_CREATE_ATOMIC) && c->number > atomic_max)
		return QLINK_ERR_UNSUPP;
	if (c->flags & QLINK_CREATE_CONSECUTIVE) {
		if (c->number > QLINK_CONSECUTIVE_MAX)
			return QLINK_ERR_UNSUPP;
		/* it starts only when its quota covers it: it never would */
		if (qs->pp->rate &&
		    (u64)c->number * 1000 > qlink_tokens_cap(qs->pp))
			return QLINK_ERR_NORES;
	}
	if (c->max_time) {
		if (!s->exp_rate)
			return QLINK_ERR_NOTIME;
		/* number / (rate / 1000) s */
		need_ns = mul_u64_u64_div_u64(c->number, 1000 * NSEC_PER_SEC,
					      s->exp_rate);
		if (need_ns > c->max_time)
			return QLINK_ERR_NOTIME;
	}
	if (qs->pp->max_outstanding &&
	    qs->pp->outstanding >= qs->pp->max_outstanding)
		return QLINK_ERR_NORES;
	return 0;
}

/* An interactive request served from its purpose's reservation. */
static void qlink_pool_serve(struct qlink_sched *s, struct qlink_req *r,
			     u64 now_ns)
{
	struct qlink_purpose *pp = r->pp;
	u64 now_ps = qlink_now_ps(s->end[0]);
	u32 k = 0, kept = 0;

	qlink_pool_age(s, pp, now_ps, false);
	/* Atomic requests take them only if all are there. */
	if ((r->c.flags & QLINK_CREATE_ATOMIC) && pp->pool_n < r->c.number)
		return;
	for (k = 0; k < pp->pool_n; k++) {
		const struct qlink_held *h = &pp->pool[k];

		if (r->done + r->n_held < r->c.number &&
		    qlink_held_fidelity(s->end[0], h, now_ps) >=
		    r->c.min_fidelity && qlink_req_room(r)) {
			struct qlink_held copy = *h;
			bool last = r->done + r->n_held + 1 == r->c.number;

			qlink_req_pair(s, r, &copy, now_ns, now_ps);
			if (last) {
				k++;
				break;
			}
			continue;
		}
		pp->pool[kept++] = *h;
	}
	for (; k < pp->pool_n; k++)
		pp->pool[kept++] = pp->pool[k];
	pp->pool_n = kept;
	qlink_pool_check(s, pp);
}

/**
 * qlink_sched_create() - a CREATE request from a bound socket
 * @qs: the socket (its lock held)
 * @c: the request, fields checked by the caller
 *
 * Return: 0 (the request is queued, or refused with an ERR record),
 * -ENOTCONN (not bound), -ENODEV (its device went away), -EINVAL (another
 * purpose), -ENETDOWN, -ENOBUFS (too many requests on the socket), -ENOMEM.
 */
int qlink_sched_create(struct qlink_sock *qs, const struct qlink_create *c)
{
	struct qlink_sched *s = qs->sched;
	bool atomic = c->flags & QLINK_CREATE_ATOMIC;
	struct qlink_purpose *pp;
	struct qlink_req *r;
	u32 n_held = 0;
	u64 now_ns;
	int err = 0;
	u8 why;

	if (!s)
		return -ENOTCONN;
	/* Larger atomic requests are refused below: nothing is sized by them. */
	if (atomic && c->number <= QLINK_ATOMIC_MAX)
		n_held = c->number;
	r = kzalloc(struct_size(r, held, n_held), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	atomic_inc(&qlink_nr_reqs);
	r->c = *c;
	r->creator = qs;
	INIT_LIST_HEAD(&r->dl_node);
	INIT_LIST_HEAD(&r->hold_node);

	spin_lock_bh(&s->lock);
	pp = qs->pp;
	if (!pp) {
		err = -ENODEV;		/* the device went away */
		goto out_free;
	}
	if (c->purpose && c->purpose != pp->id) {
		err = -EINVAL;
		goto out_free;
	}
	if (!qlink_sched_up(s) && s->end[1]) {
		err = -ENETDOWN;
		goto out_free;
	}
	if (qs->n_reqs >= QLINK_SOCK_REQS_MAX ||
	    s->n_reqs >= QLINK_LINK_REQS_MAX) {
		err = -ENOBUFS;
		goto out_free;
	}
	now_ns = ktime_get_ns();
	/* max_time <= QLINK_MAX_TIME_MAX: cannot wrap, checked all the same */
	if (c->max_time &&
	    check_add_overflow(now_ns, c->max_time, &r->deadline_ns)) {
		err = -EINVAL;
		goto out_free;
	}
	r->pp = pp;
	r->end = qs->end;
	s->st[r->end].requests++;
	pp->requests++;
	why = qlink_sched_check(s, qs, c);
	if (why) {
		qlink_sched_refuse(s, r, why);
		goto out_free;
	}

	r->t0_ns = now_ns;
	if (list_empty(&pp->q[c->priority])) {
		pp->vtime[c->priority] = max(pp->vtime[c->priority],
					     s->vclock[c->priority]);
		list_add_tail(&pp->active_node[c->priority],
			      &s->active[c->priority]);
	}
	list_add_tail(&r->node, &pp->q[c->priority]);
	list_add_tail(&r->by_sock, &qs->reqs);
	qs->n_reqs++;
	pp->outstanding++;
	s->n_reqs++;
	qlink_sched_arm(s, r);
	/* r may be served (and freed) from here on. */
	if (c->priority == QLINK_PRIO_INTERACTIVE && pp->pool_n)
		qlink_pool_serve(s, r, now_ns);
	qlink_sched_run(s);
	spin_unlock_bh(&s->lock);
	return 0;

out_free:
	spin_unlock_bh(&s->lock);
	kfree(r);
	atomic_dec(&qlink_nr_reqs);
	return err;
}

/* The request counters of @ql's end inside an open %QLINK_A_STATS nest. */
int qlink_sched_fill_stats(struct sk_buff *msg, struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_req_stats st;

	if (!s)
		return 0;
	spin_lock_bh(&s->lock);
	st = s->st[qlink_sched_end_of(s, ql)];
	spin_unlock_bh(&s->lock);
	if (nla_put_u64_64bit(msg, QLINK_A_STATS_REQUESTS, st.requests,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_SUCCEEDED, st.succeeded,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_FAILED, st.failed,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_LATENCY_MEAN,
			      st.n_lat ? div64_u64(st.sum_lat_ns, st.n_lat) : 0,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_LATENCY_MAX,
			      st.max_lat_ns, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DELIVERED, st.delivered,
			      QLINK_A_STATS_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * qlink_sched_purpose_set() - QLINK_CMD_PURPOSE_SET
 * @ql: link (RTNL held)
 * @tb: the parsed %QLINK_A_PURPOSE nest (policy checked, with an id)
 * @extack: for errors
 *
 * Return: 0 or a negative errno with an extack message.
 */
int qlink_sched_purpose_set(struct qlink *ql, struct nlattr **tb,
			    struct netlink_ext_ack *extack)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_held *pool = NULL, *old = NULL;
	struct qlink_purpose *pp, *fresh;
	kuid_t uid = INVALID_UID;
	kgid_t gid = INVALID_GID;
	u32 id, reserve = 0, v;

	ASSERT_RTNL();
	id = nla_get_u32(tb[QLINK_A_PURPOSE_ID]);
	/* Owners are given in the caller's user namespace (as fib rules' uids) */
	if (tb[QLINK_A_PURPOSE_OWNER_UID]) {
		v = nla_get_u32(tb[QLINK_A_PURPOSE_OWNER_UID]);
		uid = make_kuid(current_user_ns(), v);
		if (v != QLINK_OWNER_NONE && !uid_valid(uid)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[QLINK_A_PURPOSE_OWNER_UID],
					    "uid not mapped in the caller's user namespace");
			return -EINVAL;
		}
	}
	if (tb[QLINK_A_PURPOSE_OWNER_GID]) {
		v = nla_get_u32(tb[QLINK_A_PURPOSE_OWNER_GID]);
		gid = make_kgid(current_user_ns(), v);
		if (v != QLINK_OWNER_NONE && !gid_valid(gid)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[QLINK_A_PURPOSE_OWNER_GID],
					    "gid not mapped in the caller's user namespace");
			return -EINVAL;
		}
	}
	if (tb[QLINK_A_PURPOSE_RESERVE]) {
		reserve = nla_get_u32(tb[QLINK_A_PURPOSE_RESERVE]);
		if (reserve) {
			pool = kcalloc(reserve, sizeof(*pool),
				       GFP_KERNEL_ACCOUNT);
			if (!pool)
				return -ENOMEM;
		}
	}
	fresh = qlink_purpose_alloc();
	if (!fresh) {
		kfree(pool);
		return -ENOMEM;
	}

	spin_lock_bh(&s->lock);
	pp = qlink_purpose_find(s, id);
	if (!pp && s->n_purposes >= QLINK_PURPOSES_MAX) {
		spin_unlock_bh(&s->lock);
		NL_SET_ERR_MSG(extack, "too many purposes on this link");
		kfree(pool);
		qlink_purpose_free(fresh);
		return -ENOSPC;
	}
	if (!pp) {
		pp = fresh;
		fresh = NULL;
		qlink_purpose_add(s, pp, id);
	}
	pp->configured = true;
	if (tb[QLINK_A_PURPOSE_OWNER_UID])
		pp->owner_uid = uid;
	if (tb[QLINK_A_PURPOSE_OWNER_GID])
		pp->owner_gid = gid;
	if (tb[QLINK_A_PURPOSE_WEIGHT])
		pp->weight = nla_get_u32(tb[QLINK_A_PURPOSE_WEIGHT]);
	if (tb[QLINK_A_PURPOSE_RATE]) {
		pp->rate = nla_get_u64(tb[QLINK_A_PURPOSE_RATE]);
		pp->tokens = qlink_tokens_cap(pp);
		pp->tokens_ns = ktime_get_ns();
	}
	if (tb[QLINK_A_PURPOSE_MAX_OUTSTANDING])
		pp->max_outstanding =
			nla_get_u32(tb[QLINK_A_PURPOSE_MAX_OUTSTANDING]);
	if (tb[QLINK_A_PURPOSE_RESERVE_FIDELITY])
		pp->reserve_f = nla_get_u32(tb[QLINK_A_PURPOSE_RESERVE_FIDELITY]);
	if (tb[QLINK_A_PURPOSE_RESERVE]) {
		/* Keep the oldest pairs that still fit. */
		pp->pool_n = min(pp->pool_n, reserve);
		if (pool && pp->pool_n)
			memcpy(pool, pp->pool, pp->pool_n * sizeof(*pool));
		old = pp->pool;
		pp->pool = pool;
		pp->reserve = reserve;
	}
	qlink_pool_check(s, pp);
	qlink_sched_run(s);
	spin_unlock_bh(&s->lock);
	kfree(old);
	if (fresh)
		qlink_purpose_free(fresh);
	return 0;
}

static int qlink_purpose_fill(struct sk_buff *skb, struct qlink *ql,
			      const struct qlink_purpose *pp, u32 portid,
			      u32 seq, int flags)
{
	struct nlattr *nest;
	u32 receivers = 0;
	void *hdr;
	int i;

	for (i = 0; i < 2; i++)
		receivers += pp->sk[i] && pp->sk[i]->receive;
	hdr = qlink_genlmsg_put(skb, portid, seq, flags, QLINK_CMD_PURPOSE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, QLINK_A_IFINDEX, ql->dev->ifindex) ||
	    nla_put_u32(skb, QLINK_A_LINK_ID, ql->id))
		goto cancel;
	nest = nla_nest_start(skb, QLINK_A_PURPOSE);
	if (!nest)
		goto cancel;
	if (nla_put_u32(skb, QLINK_A_PURPOSE_ID, pp->id) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_WEIGHT, pp->weight) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_RATE, pp->rate,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_MAX_OUTSTANDING,
			pp->max_outstanding) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RESERVE, pp->reserve) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RESERVE_FIDELITY, pp->reserve_f) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_REQUESTS, pp->requests,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_REQ_SUCCEEDED,
			      pp->succeeded, QLINK_A_PURPOSE_PAD) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_REQ_FAILED, pp->failed,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_DELIVERED, pp->delivered,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_OUTSTANDING, pp->outstanding) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RESERVED, pp->pool_n) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RECEIVERS, receivers) ||
	    (uid_valid(pp->owner_uid) &&
	     nla_put_u32(skb, QLINK_A_PURPOSE_OWNER_UID,
			 from_kuid_munged(current_user_ns(), pp->owner_uid))) ||
	    (gid_valid(pp->owner_gid) &&
	     nla_put_u32(skb, QLINK_A_PURPOSE_OWNER_GID,
			 from_kgid_munged(current_user_ns(), pp->owner_gid)))) {
		nla_nest_cancel(skb, nest);
		goto cancel;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * qlink_sched_purpose_dump() - purposes of a link as PURPOSE_GET replies
 * @ql: link (RTNL held)
 * @skb: message buffer
 * @portid: requester
 * @seq: request sequence number
 * @flags: NLM_F_MULTI for dumps
 * @id: only this purpose (doit), or 0 for all from *@cursor
 * @cursor: dumps: the lowest id not reported yet; advanced. Purposes are
 *	kept by id, so one that comes or goes between two parts of a dump
 *	makes no other be skipped or repeated.
 *
 * Return: 0 when all were put, -EMSGSIZE when the buffer is full,
 * -ENOENT if purpose @id does not exist.
 */
int qlink_sched_purpose_dump(struct qlink *ql, struct sk_buff *skb,
			     u32 portid, u32 seq, int flags, u32 id,
			     u64 *cursor)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_purpose *pp;
	int err = id ? -ENOENT : 0;

	spin_lock_bh(&s->lock);
	list_for_each_entry(pp, &s->purposes, node) {
		if (id) {
			if (pp->id != id)
				continue;
			err = qlink_purpose_fill(skb, ql, pp, portid, seq,
						 flags);
			break;
		}
		if (pp->id < *cursor)
			continue;
		err = qlink_purpose_fill(skb, ql, pp, portid, seq, flags);
		if (err)
			break;
		*cursor = (u64)pp->id + 1;
	}
	spin_unlock_bh(&s->lock);
	return err;
}

/**
 * qlink_sched_other_end() - the other end of @ql's link in this kernel
 * @ql: link end
 *
 * What is set through one end (parameters, purposes) applies to both.
 * Caller holds RTNL. Return: the other end, or NULL if it has none here.
 */
struct qlink *qlink_sched_other_end(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;

	ASSERT_RTNL();
	if (!s)
		return NULL;
	return s->end[0] == ql ? s->end[1] : s->end[0];
}
