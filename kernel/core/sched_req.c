// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a CREATE request (qlink.md §4): checked and queued, served
 * pair by pair (atomic requests collect theirs first), records delivered
 * to the creating and the receiving socket, ended by success, error,
 * link down or deadline (one hrtimer per link, at the earliest one).
 * See sched.c for the locking.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/qlink.h>

#include "core.h"
#include "fidelity.h"
#include "sched_int.h"

atomic_t qlink_nr_reqs = ATOMIC_INIT(0);

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
struct qlink_sock *qlink_req_receiver(const struct qlink_req *r)
{
	struct qlink_sock *rx = r->pp->sk[!r->end];

	return rx && rx->receive ? rx : NULL;
}

/*
 * End @r: with an ERR record (@error != 0) to the creator and/or the
 * receiver as @tell says (QLINK_TELL_*), or as a success. Frees @r.
 */
void qlink_req_end(struct qlink_sched *s, struct qlink_req *r,
		   u8 error, int sys_errno, unsigned int tell)
{
	struct qlink_purpose *pp = r->pp;
	struct qlink_req_stats *st = &s->st[r->end];
	struct qlink_sock *rx = qlink_req_receiver(r);
	int prio = r->c.priority;
	struct qlink_record rec;

	lockdep_assert_held(&s->lock);
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
u32 qlink_held_fidelity(struct qlink *ql, const struct qlink_held *h,
			u64 now_ps)
{
	u64 age = now_ps > h->p.herald_ps ? now_ps - h->p.herald_ps : 0;
	u32 f = qcore_werner_decay(qcore_f_from_ppm(h->p.fidelity_herald), age,
				   qlink_pairs_decay_ps(ql));

	return qcore_f_to_ppm(f);
}

/* Has a held pair passed the link's cutoff? */
bool qlink_held_expired(struct qlink *ql, const struct qlink_held *h,
			u64 now_ps)
{
	u64 cutoff = qlink_pairs_cutoff_ps(ql);

	return cutoff && now_ps > h->p.herald_ps &&
	       now_ps - h->p.herald_ps > cutoff;
}

/*
 * What end @e's detector recorded of @h (direct detection) into @rec; a
 * pair without a record cannot be measured any more.
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
 * @basis (RANDOM: Z or X, chosen here) into @rec.
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
 * Deliver one pair of @r: a record to each socket, with what the request
 * measures. Return: 0, or the driver's negative errno (nothing delivered).
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

	lockdep_assert_held(&s->lock);
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

/* Give @h to @r. */
void qlink_req_pair(struct qlink_sched *s, struct qlink_req *r,
		    const struct qlink_held *h, u64 now_ns, u64 now_ps)
{
	int err = 0;
	u32 k;

	lockdep_assert_held(&s->lock);
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

/*
 * Held pairs of atomic requests that passed the cutoff or decayed below
 * the request's minimum (or all of them, @all): dropped, with an EXPIRE
 * record for the range.
 */
void qlink_req_age(struct qlink_sched *s, struct qlink_req *r,
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

/* End every request of the link, e.g. it went down. */
void qlink_sched_end_all(struct qlink_sched *s, int err)
{
	struct qlink_purpose *pp;
	struct qlink_req *r, *tmp;
	unsigned long id;
	int prio;

	lockdep_assert_held(&s->lock);
	xa_for_each(&s->purposes, id, pp) {
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

/* An end of the link went down or away: requests end with @err. */
void qlink_sched_link_down(struct qlink *ql, int err)
{
	struct qlink_sched *s = ql->sched;

	ASSERT_RTNL();
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
 * Also called from the timer's own callback, where starting
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

enum hrtimer_restart qlink_sched_timer(struct hrtimer *t)
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

/* Watch @r's deadline: keep the list in deadline order. */
static void qlink_sched_arm(struct qlink_sched *s, struct qlink_req *r)
{
	struct qlink_req *prev;

	lockdep_assert_held(&s->lock);
	if (!r->deadline_ns)
		return;
	/* usually the latest: search from the end */
	list_for_each_entry_reverse(prev, &s->deadlines, dl_node)
		if (prev->deadline_ns <= r->deadline_ns)
			break;
	list_add(&r->dl_node, &prev->dl_node);
	qlink_sched_rearm(s);
}

/* A request refused at once: one ERR record to its creator. */
static void qlink_sched_refuse(struct qlink_sched *s, struct qlink_req *r,
			       u8 error)
{
	struct qlink_record rec;

	lockdep_assert_held(&s->lock);
	qlink_rec_init(s, r, &rec, QLINK_REC_ERR);
	rec.error = error;
	rec.flags = QLINK_REC_LAST;
	qlink_sock_put(r->creator, &rec);
	s->st[r->end].failed++;
	r->pp->failed++;
}

/* Why @c cannot be served on this link, or 0. */
static u8 qlink_sched_check(struct qlink_sched *s, struct qlink_sock *qs,
			    const struct qlink_create *c)
{
	struct qlink_sock *rx = qs->pp->sk[!qs->end];
	u32 atomic_max = QLINK_ATOMIC_MAX;
	u64 need_ns;

	lockdep_assert_held(&s->lock);
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

/**
 * qlink_sched_create() - a CREATE request from a bound socket
 * @qs: the socket
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
