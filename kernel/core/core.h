/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of the qlink core module. */
#ifndef _QLINK_CORE_H
#define _QLINK_CORE_H

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <net/netlink.h>
#include <net/qlink.h>

/*
 * main.c: steps of a link's ndo_init that a test makes fail as if out of
 * memory (debugfs "fail_init"), to check that registration unwinds.
 */
enum qlink_fault {
	QLINK_FAULT_NONE,
	QLINK_FAULT_STATS,	/* per-cpu statistics */
	QLINK_FAULT_ID,		/* the link id */
	QLINK_FAULT_PAIRS,	/* the pair buffer's ring */
	QLINK_FAULT_SCHED,	/* the scheduler */
};

bool qlink_fault(enum qlink_fault step);

/* link.c: the device class */
extern const struct net_device_ops qlink_netdev_ops;
extern atomic_t qlink_nr_links;
int qlink_link_init(void);
void qlink_link_exit(void);
struct qlink *qlink_find_from(unsigned long *id);

/* params.c */
extern const struct nla_policy qlink_param_policy[QLINK_A_PARAM_MAX + 1];

/* genl.c: the "qlink" generic netlink family */
int qlink_genl_init(void);
void qlink_genl_exit(void);
void qlink_nl_notify(struct qlink *ql, u8 cmd, u32 change);
void *qlink_genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd);
struct qcore_pair;
int qlink_nl_pairs_ntf(struct qlink *ql, u64 now, u64 first, u64 last,
		       u32 count, const struct qcore_pair *show, u32 n_show);
int qlink_nl_drop_ntf(struct qlink *ql, u64 now, u32 reason, u64 first,
		      u64 last, u32 count);

/* pairs.c: the heralding path and the pair buffer */
extern atomic_long_t qlink_pair_bytes;
int qlink_pairs_init(struct qlink *ql);
void qlink_pairs_free(struct qlink *ql);
void qlink_pairs_params(struct qlink *ql, const struct qlink_params *p);
u32 qlink_pair_link_id(struct qlink *ql);
u64 qlink_pairs_decay_ps(struct qlink *ql);
int qlink_pair_fill(struct sk_buff *msg, u32 pair_link_id,
		    const struct qcore_pair *p, u64 now, u64 t_decay_ps);
int qlink_pairs_dump(struct qlink *ql, struct sk_buff *skb, u32 portid,
		     u32 seq, u64 *next_seq, u64 *limit);
int qlink_pairs_fill_stats(struct sk_buff *msg, struct qlink *ql);
int qlink_pair_take_seq(struct qlink *ql, u64 seq, struct qlink_pair_info *out);
u64 qlink_pairs_next_seq(struct qlink *ql);
u64 qlink_pairs_cutoff_ps(struct qlink *ql);
u64 qlink_pairs_clock_base(struct qlink *ql);
int qlink_pairs_fill_clock(struct sk_buff *msg, struct qlink *ql);

/* socket.c: the AF_QLINK socket family */
extern atomic_t qlink_nr_socks;
int qlink_sock_init(void);
void qlink_sock_exit(void);

/* sched.c: objects for debugfs "objects" */
extern atomic_t qlink_nr_scheds;
extern atomic_t qlink_nr_reqs;
extern atomic_t qlink_nr_purposes;

#endif /* _QLINK_CORE_H */
