/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the request scheduler, shared by its files:
 *   sched.c          the scheduler of a link, request selection and WFQ
 *   sched_req.c      request lifecycle, delivery and deadlines
 *   sched_purpose.c  purposes, binding and reservations
 */
#ifndef _QLINK_SCHED_INT_H
#define _QLINK_SCHED_INT_H

#include "sched.h"

#define PPM		1000000U

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
 * @node: on a list of purposes to free once the lock is dropped
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

/* Whom qlink_req_end() sends the ERR record to. */
/* Bases a driver may measure in (struct qlink_caps.measure_bases). */
#define QLINK_BASES_ALL	(BIT(QLINK_BASIS_Z) | BIT(QLINK_BASIS_X) | \
			 BIT(QLINK_BASIS_Y))

/* Can drivers that measure in @bases serve @basis (RANDOM: Z and X)? */
static inline bool qlink_bases_ok(u32 bases, u8 basis)
{
	u32 need = basis == QLINK_BASIS_RANDOM ?
		   BIT(QLINK_BASIS_Z) | BIT(QLINK_BASIS_X) : BIT(basis);

	return (bases & need) == need;
}

#define QLINK_TELL_CREATOR	BIT(0)
#define QLINK_TELL_RECEIVER	BIT(1)

/* sched.c */
bool qlink_f_reachable(struct qlink_sched *s, u32 f);
void qlink_req_charge(struct qlink_sched *s, struct qlink_req *r);
bool qlink_req_room(struct qlink_req *r);
int qlink_sched_end_of(struct qlink_sched *s, struct qlink *ql);
void qlink_sched_run(struct qlink_sched *s);
bool qlink_sched_up(struct qlink_sched *s);
u64 qlink_tokens_cap(const struct qlink_purpose *pp);

/* sched_req.c */
bool qlink_held_expired(struct qlink *ql, const struct qlink_held *h,
			u64 now_ps);
u32 qlink_held_fidelity(struct qlink *ql, const struct qlink_held *h,
			u64 now_ps);
void qlink_req_age(struct qlink_sched *s, struct qlink_req *r,
		   u64 now_ps, bool all);
void qlink_req_end(struct qlink_sched *s, struct qlink_req *r,
		   u8 error, int sys_errno, unsigned int tell);
void qlink_req_pair(struct qlink_sched *s, struct qlink_req *r,
		    const struct qlink_held *h, u64 now_ns, u64 now_ps);
struct qlink_sock *qlink_req_receiver(const struct qlink_req *r);
void qlink_sched_end_all(struct qlink_sched *s, int err);
enum hrtimer_restart qlink_sched_timer(struct hrtimer *t);

/* sched_purpose.c */
void qlink_pool_age(struct qlink_sched *s, struct qlink_purpose *pp,
		    u64 now_ps, bool all);
void qlink_pool_check(struct qlink_sched *s, struct qlink_purpose *pp);
void qlink_pool_serve(struct qlink_sched *s, struct qlink_req *r,
		      u64 now_ns);
void qlink_purpose_free(struct qlink_purpose *pp);

#endif /* _QLINK_SCHED_INT_H */
