/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Request scheduling between the AF_QLINK sockets of one link (qlink.md
 * §4, §5): the objects shared by sched.c and socket.c.
 */
#ifndef _QLINK_SCHED_H
#define _QLINK_SCHED_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <net/sock.h>
#include <net/qlink.h>

#define QLINK_NR_PRIO		(QLINK_PRIO_BATCH + 1)

struct qlink_purpose;

/**
 * struct qlink_sock - an AF_QLINK socket
 * @sk: the socket; first
 * @sched: scheduler of the link bound to; set at bind, a reference held
 *	until the socket is destroyed, so it can always be locked
 * @ql: the link end bound to, NULL before bind and after the device went
 *	away. Written under RTNL and @sched's lock; read under either.
 * @dev_tracker: the device reference held while bound
 * @pp: the purpose entry bound to (RTNL and @sched's lock)
 * @end: index of @ql in @sched->end[]
 * @receive: accepts the requests the other end creates (QLINK_SO_RECEIVE);
 *	@sched's lock
 * @starved: a request waits for room in this socket's queue; @sched's lock
 * @reqs: requests this socket created and that are not finished; @sched's
 *	lock
 * @n_reqs: their number
 */
struct qlink_sock {
	struct sock sk;
	struct qlink_sched *sched;
	struct qlink *ql;
	netdevice_tracker dev_tracker;
	struct qlink_purpose *pp;
	u8 end;
	bool receive;
	bool starved;
	struct list_head reqs;
	u32 n_reqs;
};

static inline struct qlink_sock *qlink_sk(const struct sock *sk)
{
	return container_of(sk, struct qlink_sock, sk);
}

/**
 * struct qlink_req_stats - request counters of one link end (M7, M9)
 * @requests: CREATE requests received
 * @succeeded: requests that got all their pairs
 * @failed: requests that ended with an ERR record
 * @delivered: pairs delivered
 * @n_lat: requests that got a first pair
 * @sum_lat_ns: sum of their request to first pair latencies
 * @max_lat_ns: the largest
 */
struct qlink_req_stats {
	u64 requests;
	u64 succeeded;
	u64 failed;
	u64 delivered;
	u64 n_lat;
	u64 sum_lat_ns;
	u64 max_lat_ns;
};

/**
 * struct qlink_sched - the scheduler shared by the two ends of one link
 * @lock: protects everything below and the scheduling fields of the
 *	sockets bound to the link (struct qlink_sock). BH-safe: heralds
 *	arrive in softirq context and run the scheduler. Taken before a
 *	link's pair lock (kernel/core/pairs.c), never after it.
 * @ref: one per link end attached, one per socket that has bound to it
 * @end: the link ends; [1] is NULL while the link has no local peer end.
 *	Written under RTNL and @lock.
 * @exp_rate: expected herald rate of the link, mHz (RTNL and @lock)
 * @f_max: fidelity of a fresh pair, ppm (RTNL and @lock)
 * @decays: pairs lose fidelity while they wait (RTNL and @lock)
 * @slots: memory slots of the link, 0 if none (RTNL and @lock)
 * @measure_bases: bases both ends' drivers measure in, BIT(enum
 *	qlink_basis) (RTNL and @lock)
 * @direct: pairs are measured at detection and carry the outcomes
 *	(RTNL and @lock)
 * @purposes: every struct qlink_purpose of the link, indexed by id;
 *	changed under RTNL and @lock, read under @lock
 * @n_purposes: their number
 * @active: per priority class, the purposes with requests of that class
 * @vclock: per class, virtual time of the last pair served (WFQ)
 * @consec: a consecutive request being served: it gets every pair
 * @n_reqs: requests queued on the link
 * @n_pools: purposes whose reservation is not full, in @short_pools
 * @short_pools: those purposes
 * @pooled: purposes holding reserved pairs (aged on every run)
 * @holding: atomic requests holding pairs (aged on every run)
 * @deadlines: requests with a deadline, earliest first
 * @timer: fires at the earliest request deadline
 * @timer_ns: when @timer is set to fire, 0 if not armed
 * @clock_base: zero of end 0's link clock when pairs were last held
 * @st: request counters, per creating end
 *
 * Every run of the scheduler (softirq) walks only @short_pools, @pooled,
 * @holding and a bounded number of @active entries, never all requests.
 */
struct qlink_sched {
	spinlock_t lock;	/* see above */
	refcount_t ref;
	struct qlink *end[2];
	u64 exp_rate;
	u32 f_max;
	bool decays;
	u32 slots;
	u32 measure_bases;
	bool direct;
	struct xarray purposes;
	u32 n_purposes;
	struct list_head active[QLINK_NR_PRIO];
	u64 vclock[QLINK_NR_PRIO];
	struct qlink_req *consec;
	u32 n_reqs;
	u32 n_pools;
	struct list_head short_pools;
	struct list_head pooled;
	struct list_head holding;
	struct list_head deadlines;
	struct hrtimer timer;
	u64 timer_ns;
	u64 clock_base;
	struct qlink_req_stats st[2];
};

/* Purposes one link may have at once (configured or bound). */
#define QLINK_PURPOSES_MAX	4096
/* Of those, kept for PURPOSE_SET and CAP_NET_ADMIN holders. */
#define QLINK_PURPOSES_ADMIN	512
/* Purposes one user without CAP_NET_ADMIN may bring into being on a link. */
#define QLINK_PURPOSES_USER_MAX	64
/* Unfinished requests one socket may have. */
#define QLINK_SOCK_REQS_MAX	1024
/* Unfinished requests one link may have (all its sockets). */
#define QLINK_LINK_REQS_MAX	16384

/**
 * struct qlink_purpose_info - a purpose as PURPOSE_GET reports it, copied
 *	under the scheduler's lock (see enum qlink_purpose_attr)
 * @id: purpose id
 * @weight: WFQ weight
 * @rate: quota, mHz
 * @max_outstanding: quota of queued requests
 * @reserve: pairs it keeps reserved
 * @reserve_f: their minimum fidelity, ppm
 * @requests: requests made
 * @succeeded: requests that got all their pairs
 * @failed: requests that failed
 * @delivered: pairs delivered
 * @outstanding: queued requests
 * @reserved: pairs held in the reservation
 * @receivers: sockets receiving the other end's requests
 * @owner_uid: owner, or invalid
 * @owner_gid: owning group, or invalid
 */
struct qlink_purpose_info {
	u32 id;
	u32 weight;
	u64 rate;
	u32 max_outstanding;
	u32 reserve;
	u32 reserve_f;
	u64 requests;
	u64 succeeded;
	u64 failed;
	u64 delivered;
	u32 outstanding;
	u32 reserved;
	u32 receivers;
	kuid_t owner_uid;
	kgid_t owner_gid;
};

/**
 * struct qlink_bind_cred - what the binding task may do, decided before
 *	the scheduler's lock is taken
 * @admin: CAP_NET_ADMIN over the link's netns
 * @prot: CAP_NET_BIND_SERVICE over the link's netns
 */
struct qlink_bind_cred {
	bool admin;
	bool prot;
};

/* sched.c */
int qlink_sched_attach(struct qlink *ql);
void qlink_sched_detach(struct qlink *ql);
void qlink_sched_put(struct qlink_sched *s);
void qlink_sched_params(struct qlink *ql);
void qlink_sched_heralded(struct qlink *ql);
void qlink_sched_link_down(struct qlink *ql, int err);
int qlink_sched_bind(struct qlink_sock *qs, struct qlink *ql, u32 purpose,
		     const struct qlink_bind_cred *cred);
void qlink_sched_unbind(struct qlink_sock *qs);
void qlink_sched_dev_gone(struct qlink *ql);
u32 qlink_sched_purpose_id(struct qlink_sock *qs);
int qlink_sched_set_receive(struct qlink_sock *qs, bool on);
int qlink_sched_create(struct qlink_sock *qs, const struct qlink_create *c);
void qlink_sched_room(struct qlink_sock *qs);
bool qlink_sched_read_stats(struct qlink *ql, struct qlink_req_stats *st);
int qlink_sched_purpose_set(struct qlink *ql, struct nlattr **tb,
			    struct netlink_ext_ack *extack);
int qlink_sched_purpose_get(struct qlink *ql, u32 id,
			    struct qlink_purpose_info *out);
u32 qlink_sched_purposes(struct qlink *ql, u64 from,
			 struct qlink_purpose_info *out, u32 n);
struct qlink *qlink_sched_other_end(struct qlink *ql);

/* socket.c */
int qlink_sock_put(struct qlink_sock *qs, const struct qlink_record *rec);
bool qlink_sock_room(struct qlink_sock *qs, u32 n);
void qlink_sock_unbound(struct qlink_sock *qs, struct qlink *ql);

#endif /* _QLINK_SCHED_H */
