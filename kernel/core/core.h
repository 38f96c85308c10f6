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
void qlink_stats_sum(struct qlink *ql, u64 sum[QLINK_STAT_NR]);

/* ppm, the uapi's unit of fidelities and efficiencies */
#define QLINK_PPM		1000000U

/* genl-policy.h (generated from uapi/qlink.yaml, defined in genl.c) */
extern const struct nla_policy qlink_config_nl_policy[QLINK_A_CONFIG_MAX + 1];
extern const struct nla_policy qlink_calib_nl_policy[QLINK_A_CALIB_MAX + 1];
extern const struct nla_policy qlink_peer_nl_policy[QLINK_A_PEER_MAX + 1];

/* config.c: configuration and calibration */
int qlink_conf_prepare(struct qlink *ql, struct qlink *other,
		       const struct nlattr *conf, const struct nlattr *calib,
		       struct qlink_config *c, struct qlink_calib *cal,
		       struct netlink_ext_ack *extack);
void qlink_conf_commit(struct qlink *ql, struct qlink *other,
		       const struct nlattr *conf, const struct nlattr *calib,
		       const struct qlink_config *c,
		       const struct qlink_calib *cal);
int qlink_config_fill(struct sk_buff *msg, const struct qlink *ql);
int qlink_calib_fill(struct sk_buff *msg, const struct qlink *ql);

/**
 * struct qlink_pair_snap - a pair of a link's buffer as netlink reports it,
 *	copied out under the pair lock (see enum qlink_pair_attr)
 * @seq: sequence number
 * @trace_id: trace id
 * @herald_ps: herald time, ps of the link's clock
 * @age_ps: age when copied
 * @pair_link_id: link id naming the pair
 * @fidelity_herald: ppm
 * @fidelity: ppm, when copied
 * @purpose: purpose it was generated for, 0 = any
 * @state: enum qlink_pair_state
 * @slot: memory slot, QLINK_SLOT_NONE if none
 * @bell_index: 0..3
 */
struct qlink_pair_snap {
	u64 seq;
	u64 trace_id;
	u64 herald_ps;
	u64 age_ps;
	u32 pair_link_id;
	u32 fidelity_herald;
	u32 fidelity;
	u32 purpose;
	u32 state;
	u16 slot;
	u8 bell_index;
};

/**
 * struct qlink_pairs_stats - the heralding statistics of a link end, see
 *	enum qlink_stats_attr for each; a copy taken under the pair lock
 * @tags: tags per channel
 * @covered_ps: %QLINK_A_STATS_COVERED_TIME
 * @now_ps: %QLINK_A_STATS_LINK_TIME
 * @herald_rate: %QLINK_A_STATS_HERALD_RATE, mHz
 * @n_herald: heralds stored since the start
 * @f_herald: their mean fidelity, ppm
 * @n_taken: pairs taken since the start
 * @f_taken: their mean fidelity when taken, ppm
 * @taken: pairs taken since creation
 * @age_taken: mean age when taken, ns
 * @lat_mean: mean herald latency, ns
 * @lat_max: largest one
 * @loss_est: per arm, the estimated loss, mdB; U32_MAX if none
 * @offset_valid: @offset_est is known
 * @offset_est: estimated offset, ps
 * @offset_cfg: configured offset, ps
 * @pairs: pairs in the buffer
 * @slots_used: memory slots they hold
 * @max_pairs: capacity of the buffer
 * @dropped_full: %QLINK_A_STATS_DROPPED_FULL
 * @dropped_slots: %QLINK_A_STATS_DROPPED_SLOTS
 * @expired: %QLINK_A_STATS_EXPIRED
 * @discarded_low_f: %QLINK_A_STATS_DISCARDED_LOW_F
 * @flushed: %QLINK_A_STATS_FLUSHED
 * @rejected: %QLINK_A_STATS_REJECTED
 * @tags_rejected: %QLINK_A_STATS_TAGS_REJECTED
 * @match_overflow: %QLINK_A_STATS_MATCH_OVERFLOW
 * @events_lost: %QLINK_A_STATS_EVENTS_LOST
 */
struct qlink_pairs_stats {
	u64 tags[2];
	u64 covered_ps;
	u64 now_ps;
	u64 herald_rate;
	u64 n_herald;
	u32 f_herald;
	u64 n_taken;
	u32 f_taken;
	u64 taken;
	u64 age_taken;
	u64 lat_mean;
	u64 lat_max;
	u32 loss_est[2];
	bool offset_valid;
	s64 offset_est;
	s64 offset_cfg;
	u32 pairs;
	u32 slots_used;
	u32 max_pairs;
	u64 dropped_full;
	u64 dropped_slots;
	u64 expired;
	u64 discarded_low_f;
	u64 flushed;
	u64 rejected;
	u64 tags_rejected;
	u64 match_overflow;
	u64 events_lost;
};

/* genl.c: the "qlink" generic netlink family, all its messages */
int qlink_genl_init(void);
void qlink_genl_exit(void);
void qlink_nl_notify(struct qlink *ql, u8 cmd, u32 change);
bool qlink_nl_pairs_wanted(struct qlink *ql);
int qlink_nl_pairs_ntf(struct qlink *ql, u64 now, u64 first, u64 last,
		       u32 count, const struct qlink_pair_snap *show,
		       u32 n_show);
int qlink_nl_drop_ntf(struct qlink *ql, u64 now, u32 reason, u64 first,
		      u64 last, u32 count);

/* pairs.c: the heralding path and the pair buffer */
extern atomic_long_t qlink_pair_bytes;
int qlink_pairs_init(struct qlink *ql);
void qlink_pairs_free(struct qlink *ql);
void qlink_pairs_params(struct qlink *ql);
u32 qlink_pair_link_id(struct qlink *ql);
u64 qlink_pairs_decay_ps(struct qlink *ql);
u32 qlink_pairs_snapshot(struct qlink *ql, u64 next_seq, u64 *limit,
			 struct qlink_pair_snap *out, u32 n, u64 *now);
int qlink_pair_take_seq(struct qlink *ql, u64 seq, struct qlink_pair_info *out);
u64 qlink_pairs_next_seq(struct qlink *ql);
u64 qlink_pairs_cutoff_ps(struct qlink *ql);
bool qlink_pairs_started(struct qlink *ql);
u64 qlink_pairs_clock_base(struct qlink *ql);
int qlink_pairs_tags(struct qlink *ql, const struct qlink_tag_batch *b,
		     struct qlink_herald *out, u32 out_cap);
int qlink_pairs_heralds(struct qlink *ql, const struct qlink_herald_batch *b);
u32 qlink_pairs_drop(struct qlink *ql, u64 first, u64 last, u32 reason);
u32 qlink_pairs_fit(struct qlink *ql, s64 *sum_ps);

/* peer.c: the link protocol with an end on another host */
int qlink_peer_nl_set(struct qlink *ql, struct net *net,
		      const struct nlattr *nest, struct netlink_ext_ack *extack);
int qlink_peer_fill(struct sk_buff *msg, struct qlink *ql);
u64 qlink_peer_unknown(struct qlink *ql);
void qlink_peer_start(struct qlink *ql);
void qlink_peer_stop(struct qlink *ql);
void qlink_peer_release(struct qlink *ql);
int qlink_peer_tags(struct qlink *ql, const struct qlink_tag_batch *b);
int qlink_peer_heralds(struct qlink *ql, const struct qlink_herald_batch *b);
int qlink_peer_init(void);
void qlink_peer_exit(void);

/* pairs_est.c: the estimators */
void qlink_pairs_read_stats(struct qlink *ql, struct qlink_pairs_stats *st);

/* socket.c: the AF_QLINK socket family */
extern atomic_t qlink_nr_socks;
int qlink_sock_init(void);
void qlink_sock_exit(void);

/* sched.c: objects for debugfs "objects" */
extern atomic_t qlink_nr_scheds;
extern atomic_t qlink_nr_reqs;
extern atomic_t qlink_nr_purposes;

#endif /* _QLINK_CORE_H */
