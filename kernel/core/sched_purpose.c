// SPDX-License-Identifier: GPL-2.0
/*
 * Purposes of a link (qlink.md §5): configured by QLINK_CMD_PURPOSE_SET
 * or brought into being by a bind, who may bind to them, their quotas and
 * their reservations of pairs, and their PURPOSE_GET replies. See sched.c
 * for the locking.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ktime.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/qlink.h>

#include "core.h"
#include "sched_int.h"

atomic_t qlink_nr_purposes = ATOMIC_INIT(0);

void qlink_purpose_free(struct qlink_purpose *pp)
{
	kfree(pp->pool);
	kfree(pp);
	atomic_dec(&qlink_nr_purposes);
}

static struct qlink_purpose *qlink_purpose_find(struct qlink_sched *s, u32 id)
{
	lockdep_assert_held(&s->lock);
	return xa_load(&s->purposes, id);
}

/*
 * Make room for purpose @id before the scheduler's lock is taken, so that
 * qlink_purpose_add() under it needs no allocation;
 * qlink_purpose_unreserve() after unlocking gives the room back if no
 * purpose took it. Purposes are added and removed under RTNL only:
 * nothing releases the room in between. The xarray's lock is taken with
 * BHs off here too (XA_FLAGS_LOCK_BH): it nests inside the scheduler's
 * lock, which softirqs take.
 */
static int qlink_purpose_reserve(struct qlink_sched *s, u32 id)
{
	ASSERT_RTNL();
	return xa_reserve_bh(&s->purposes, id, GFP_KERNEL_ACCOUNT);
}

/* xa_release(), with BHs off. */
static void qlink_purpose_unreserve(struct qlink_sched *s, u32 id)
{
	xa_cmpxchg_bh(&s->purposes, id, XA_ZERO_ENTRY, NULL, 0);
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

/* Add @pp (from qlink_purpose_alloc()) as purpose @id, reserved before. */
static void qlink_purpose_add(struct qlink_sched *s, struct qlink_purpose *pp,
			      u32 id)
{
	lockdep_assert_held(&s->lock);
	ASSERT_RTNL();
	pp->id = id;
	WARN_ON_ONCE(xa_err(xa_store(&s->purposes, id, pp, GFP_NOWAIT)));
	s->n_purposes++;
}

/* Is @pp of no use any more? Then it leaves the link (freed by caller). */
static bool qlink_purpose_unused(struct qlink_sched *s,
				 struct qlink_purpose *pp)
{
	lockdep_assert_held(&s->lock);
	if (pp->configured || pp->sk[0] || pp->sk[1] || pp->outstanding)
		return false;
	/* Unconfigured: it has no reservation, so it is on no pool list. */
	xa_erase(&s->purposes, pp->id);
	s->n_purposes--;
	return true;
}

/*
 * Keep qlink_sched.n_pools, .short_pools and .pooled in step with @pp's
 * reservation.
 */
void qlink_pool_check(struct qlink_sched *s, struct qlink_purpose *pp)
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

/* Reserved pairs that are no longer good enough (or all, @all) leave. */
void qlink_pool_age(struct qlink_sched *s, struct qlink_purpose *pp,
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

/* Purposes of @s brought into being by binds of user @uid. */
static u32 qlink_purposes_of(struct qlink_sched *s, kuid_t uid)
{
	struct qlink_purpose *pp;
	unsigned long id;
	u32 n = 0;

	lockdep_assert_held(&s->lock);
	xa_for_each(&s->purposes, id, pp)
		n += !pp->configured && uid_eq(pp->creator, uid);
	return n;
}

/*
 * May the current task bind to purpose @id (@pp, NULL if it does not
 * exist yet)? Its owner decides when it has one, else ids below
 * QLINK_PURPOSE_PROT are privileged; CAP_NET_ADMIN may do anything. A
 * user without it brings at most QLINK_PURPOSES_USER_MAX purposes into
 * being and leaves QLINK_PURPOSES_ADMIN free for the administrator.
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
 * RTNL keeps the link registered.
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
	err = qlink_purpose_reserve(s, purpose);
	if (err) {
		qlink_purpose_free(fresh);
		return err;
	}
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
	qlink_purpose_unreserve(s, purpose);
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
 * of use: the caller frees it after unlocking.
 */
static struct qlink_purpose *__qlink_sched_unbind(struct qlink_sched *s,
						  struct qlink_sock *qs,
						  bool closing)
{
	struct qlink_purpose *pp = qs->pp;
	struct qlink_req *r, *tmp;

	lockdep_assert_held(&s->lock);
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
 * The device reference is the caller's to drop.
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
 * references).
 */
void qlink_sched_dev_gone(struct qlink *ql)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_purpose *pp, *tmp;
	struct qlink_sock *qs;
	unsigned long id;
	LIST_HEAD(gone);
	int end;

	ASSERT_RTNL();
	if (!s)
		return;
	spin_lock_bh(&s->lock);
	qlink_sched_end_all(s, ENODEV);
	end = qlink_sched_end_of(s, ql);
	xa_for_each(&s->purposes, id, pp) {
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

/* The purpose @qs is bound to, 0 if none. */
u32 qlink_sched_purpose_id(struct qlink_sock *qs)
{
	lockdep_assert_held(&qs->sched->lock);
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

/* An interactive request served from its purpose's reservation. */
void qlink_pool_serve(struct qlink_sched *s, struct qlink_req *r,
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
 * qlink_sched_purpose_set() - QLINK_CMD_PURPOSE_SET
 * @ql: link
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
	int err;

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
	/* On an error @pool goes unused: freed as the old one. */
	old = pool;
	err = qlink_purpose_reserve(s, id);
	if (err)
		goto out_free;

	spin_lock_bh(&s->lock);
	pp = qlink_purpose_find(s, id);
	if (!pp && s->n_purposes >= QLINK_PURPOSES_MAX) {
		NL_SET_ERR_MSG(extack, "too many purposes on this link");
		err = -ENOSPC;
		goto out_unlock;
	}
	old = NULL;
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
out_unlock:
	spin_unlock_bh(&s->lock);
	qlink_purpose_unreserve(s, id);
out_free:
	kfree(old);
	if (fresh)
		qlink_purpose_free(fresh);
	return err;
}

static void qlink_purpose_info(const struct qlink_purpose *pp,
			       struct qlink_purpose_info *out)
{
	int i;

	out->id = pp->id;
	out->weight = pp->weight;
	out->rate = pp->rate;
	out->max_outstanding = pp->max_outstanding;
	out->reserve = pp->reserve;
	out->reserve_f = pp->reserve_f;
	out->requests = pp->requests;
	out->succeeded = pp->succeeded;
	out->failed = pp->failed;
	out->delivered = pp->delivered;
	out->outstanding = pp->outstanding;
	out->reserved = pp->pool_n;
	out->receivers = 0;
	for (i = 0; i < 2; i++)
		out->receivers += pp->sk[i] && pp->sk[i]->receive;
	out->owner_uid = pp->owner_uid;
	out->owner_gid = pp->owner_gid;
}

/**
 * qlink_sched_purpose_get() - a copy of purpose @id of @ql's link
 * @ql: link
 * @id: purpose id
 * @out: the copy
 *
 * Return: 0, or -ENOENT if the link has no such purpose.
 */
int qlink_sched_purpose_get(struct qlink *ql, u32 id,
			    struct qlink_purpose_info *out)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_purpose *pp;

	spin_lock_bh(&s->lock);
	pp = qlink_purpose_find(s, id);
	if (pp)
		qlink_purpose_info(pp, out);
	spin_unlock_bh(&s->lock);
	return pp ? 0 : -ENOENT;
}

/**
 * qlink_sched_purposes() - copies of the purposes of a link, by id
 * @ql: link
 * @from: the lowest id to copy (a dump's cursor)
 * @out: the copies, in id order
 * @n: room in @out
 *
 * Purposes are indexed by id, so one that comes or goes between two calls
 * makes no other be skipped or repeated.
 *
 * Return: the number copied; fewer than @n once there are no more.
 */
u32 qlink_sched_purposes(struct qlink *ql, u64 from,
			 struct qlink_purpose_info *out, u32 n)
{
	struct qlink_sched *s = ql->sched;
	struct qlink_purpose *pp;
	unsigned long index;
	u32 k = 0;

	if (from > U32_MAX || !n)
		return 0;
	spin_lock_bh(&s->lock);
	/* O(log n) to where the last call stopped, not from the head */
	xa_for_each_start(&s->purposes, index, pp, from) {
		qlink_purpose_info(pp, &out[k]);
		if (++k == n)
			break;
	}
	spin_unlock_bh(&s->lock);
	return k;
}
