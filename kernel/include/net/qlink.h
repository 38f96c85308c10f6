/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qlink driver API: quantum network links as net_devices.
 *
 * A driver for a photon source / detector pair (or a simulator of one)
 * exposes each link end as a net_device whose private area starts with a
 * struct qlink owned by the core, followed by the driver's own data:
 *
 *   netdev_priv(dev) -> | struct qlink (core) | driver private data |
 *                                              ^ qlink_priv(ql)
 *
 * Two ways to create links:
 *  - drivers that find hardware: qlink_alloc(), set ql->caps, then
 *    qlink_register(); at removal qlink_unregister() and qlink_free().
 *  - drivers created with "ip link add ... type KIND" (rtnl_link_ops): use
 *    qlink_setup() as .setup and QLINK_PRIV_SIZE() as .priv_size, call
 *    qlink_init() in .newlink before register_netdevice(), and
 *    unregister_netdevice_queue() in .dellink.
 *
 * The core owns the net_device ops: ndo_open calls ops->start, ndo_stop
 * calls ops->stop, transmitted packets are counted and dropped. The driver
 * owns the carrier (netif_carrier_on/off): on means the link is physically
 * able to herald.
 *
 * Locking rules
 *  - Control paths (ops->start/stop/fill_link/uninit, register/unregister,
 *    configuration and calibration changes) run under RTNL.
 *  - ql->config and ql->calib are written under RTNL *and* ql->conf_lock
 *    (a seqlock, taken with BHs disabled); hot paths read a consistent
 *    copy at any time with qlink_config_get() / qlink_calib_get().
 *  - ops->measure is called from the request scheduler in atomic context.
 *  - Statistics are per-cpu u64 counters behind u64_stats_sync: drivers
 *    bump them from any context with qlink_stats_add().
 *  - The heralding path (qlink_ingest_tags(), qlink_ingest_heralds()) may
 *    be called from process or softirq context (a soft hrtimer, a
 *    tasklet, NAPI), not from hard interrupts; it neither sleeps nor
 *    allocates for the pair buffer. Calls for one link must not overlap
 *    with qlink_pairs_start()/qlink_pairs_stop() of that link (drivers
 *    stop their producer in ops->stop before the core tears down).
 *    The link's pair state is serialised by one per-link spinlock (BHs
 *    disabled), taken once per batch, never per tag or per pair.
 *
 * Link protocol (Documentation/qlink-protocol.rst)
 *  A link end may have a peer: its other end on another host, reached
 *  over authenticated UDP (QLINK_A_LINK_PEER of link-set, or the driver's
 *  own creation attributes through qlink_peer_set()). Drivers feed such an
 *  end as any other: the deciding end (QLINK_ROLE_DECIDE) its own tags
 *  on channel 0 of qlink_ingest_tags() or its herald events with
 *  qlink_ingest_heralds(); the following end its tags on channel 1, and
 *  no herald events. The core sends and receives the rest; on a link
 *  with a peer qlink_ingest_tags() returns no heralds to the driver (they
 *  go to the peer), and the core owns the carrier: it is on while the
 *  protocol is up (the peer live, agreeing, and for time tags locked).
 *
 * Heralding (qlink.md §2, §3)
 *  A driver reports either time tags of its two detector channels
 *  (qlink_ingest_tags(): the core finds the coincidences) or herald
 *  events decided elsewhere (qlink_ingest_heralds(): a midpoint, or the
 *  end that ran the coincidence logic). Each herald becomes a pair record
 *  in the link's buffer, named (pair link id, sequence number):
 *  qlink_ingest_tags() assigns the sequence numbers and returns the
 *  heralds as events, which the driver forwards to the other end, where
 *  qlink_ingest_heralds() stores them under the same numbers
 *  (struct qlink_herald.attempt is the sequence number of a success).
 *  The other end calls qlink_set_pair_link_id() with the deciding end's
 *  link id, so that both ends name their pairs alike.
 *  Times are ps of the link's clock, which starts at qlink_pairs_start().
 */
#ifndef _NET_QLINK_H
#define _NET_QLINK_H

#include <linux/netdevice.h>
#include <linux/seqlock.h>
#include <linux/u64_stats_sync.h>
#include <net/netlink.h>
#include <linux/qlink.h>

struct qlink;
struct qlink_sched;

/*
 * struct qlink_config - configuration every link has; see enum
 *	qlink_config_attr in <linux/qlink.h> for units, ranges and defaults
 */
struct qlink_config {
	u32 window_full;	/* ps, full width */
	s64 offset;		/* ps */
	u32 max_pairs;		/* pairs */
	u32 memory_slots;	/* 0 = all of caps.memory_slots */
	u64 cutoff;		/* ns, 0 = none */
	u32 min_fidelity;	/* ppm, 0 = keep every herald */
};

/**
 * struct qlink_calib - calibration of a link: what the core's estimators
 *	and scheduler assume of the hardware; see enum qlink_calib_attr
 * @fidelity: F0 of a true herald, ppm
 * @coherence: memory coherence time T, ns; 0 = no decay
 * @det_eff: detection efficiency of the detector at end A, B; ppm
 * @dark: dark count rate of the detector at end A, B; mHz
 * @loss: expected loss of arm A, B; mdB
 * @herald_rate: expected true herald rate, mHz; 0 = unknown
 * @accidental_rate: expected accidental herald rate, mHz
 * @direct: the detectors measure the photons; pairs carry the outcomes
 */
struct qlink_calib {
	u32 fidelity;
	u64 coherence;
	u32 det_eff[2];
	u32 dark[2];
	u32 loss[2];
	u64 herald_rate;
	u64 accidental_rate;
	bool direct;
};

/**
 * struct qlink_caps - what a link's driver can do; set before registering,
 *	constant afterwards
 * @herald_models: bitset of BIT(enum qlink_herald_model)
 * @max_rate: highest pair (attempt) rate, mHz
 * @memory_slots: qubit memory slots, 0 if pairs are measured directly
 * @measure_bases: bitset of BIT(enum qlink_basis) the driver's
 *	ops->measure supports (Z, X, Y); 0 without ops->measure
 */
struct qlink_caps {
	u32 herald_models;
	u64 max_rate;
	u32 memory_slots;
	u32 measure_bases;
};

struct qlink_pair_info;

/**
 * struct qlink_ops - what a driver implements. Unless said otherwise an
 *	op is called under RTNL and may sleep; an op left NULL means
 *	"nothing to do" for start/stop/uninit and "not available" for the
 *	others.
 * @start: begin pair generation (the device is being brought up). An
 *	error keeps the device down.
 * @stop: stop pair generation (the device is being brought down). Must
 *	not fail; after it returns the driver reports no more heralds.
 * @fill_link: add driver attributes (enum qlink_attr, e.g. the peer) to a
 *	link reply or event; return -EMSGSIZE if they do not fit.
 * @config_changed: the configuration of @ql changed (ql->config); a
 *	driver whose calibration depends on it (the expected accidentals
 *	follow the window) reports it anew.
 * @measure: measure this end's qubit of the pair @p (its memory slot is
 *	@p->slot, its fidelity now @p->fidelity) in @basis, one of
 *	@caps.measure_bases; return the outcome, 0 or 1, or a negative
 *	errno (the request then fails). Called by the request scheduler in
 *	atomic context (softirq, or with BHs disabled): must not sleep. The
 *	qubit is gone afterwards.
 * @uninit: the link is being unregistered (after @stop): free what the
 *	driver allocated for it.
 */
struct qlink_ops {
	int (*start)(struct qlink *ql);
	void (*stop)(struct qlink *ql);
	int (*fill_link)(struct qlink *ql, struct sk_buff *skb);
	void (*config_changed)(struct qlink *ql);
	int (*measure)(struct qlink *ql, const struct qlink_pair_info *p,
		       u8 basis);
	void (*uninit)(struct qlink *ql);
};

/* Hot-path counters, see enum qlink_stats_attr for their meaning. */
enum qlink_stat {
	QLINK_STAT_ATTEMPTS,
	QLINK_STAT_HERALDS,
	QLINK_STAT_ACCIDENTALS,
	QLINK_STAT_DROPPED,
	QLINK_STAT_TX_DROPPED,
	/* the link protocol (kernel/core/peer*.c), in the uapi's order */
	QLINK_STAT_PROTO_TX,
	QLINK_STAT_PROTO_TX_BYTES,
	QLINK_STAT_PROTO_TX_ERRORS,
	QLINK_STAT_PROTO_RX,
	QLINK_STAT_PROTO_RX_BYTES,
	QLINK_STAT_PROTO_RX_BAD_MAC,
	QLINK_STAT_PROTO_RX_REPLAYED,
	QLINK_STAT_PROTO_RX_TRUNCATED,
	QLINK_STAT_PROTO_RX_OVERSIZED,
	QLINK_STAT_PROTO_RX_BAD_VERSION,
	QLINK_STAT_PROTO_RX_UNKNOWN_LINK,
	QLINK_STAT_PROTO_RX_STALE_EPOCH,
	QLINK_STAT_PROTO_RX_MALFORMED,
	QLINK_STAT_TAGS_SENT,
	QLINK_STAT_TAGS_RECEIVED,
	QLINK_STAT_TAGS_LOST,
	QLINK_STAT_HERALDS_SENT,
	QLINK_STAT_HERALDS_RECEIVED,
	QLINK_STAT_HERALDS_LOST,
	QLINK_STAT_PEER_RESTARTS,
	QLINK_STAT_PEER_TIMEOUTS,

	QLINK_STAT_NR
};

/**
 * struct qlink_pcpu_stats - per-cpu statistics of a link
 * @c: counters, indexed by enum qlink_stat
 * @syncp: makes the 64-bit counters readable on 32-bit machines
 */
struct qlink_pcpu_stats {
	u64_stats_t c[QLINK_STAT_NR];
	struct u64_stats_sync syncp;
};

/* Totals of struct qlink_pcpu_stats, plus control-path counters. */
struct qlink_stats {
	u64 attempts;
	u64 heralds;
	u64 accidentals;
	u64 dropped;
	u64 param_changes;
	u64 tx_dropped;
};

/**
 * struct qlink - core state of one link end; first in netdev_priv()
 * @dev: the net_device of this link end
 * @ops: driver operations; constant after qlink_init()/qlink_alloc()
 * @caps: driver capabilities; constant once registered
 * @id: system-wide link id (enum qlink_attr %QLINK_A_LINK_ID); assigned
 *	at registration, 0 before. Written under RTNL.
 * @conf_lock: seqlock over @config and @calib; writers hold RTNL too
 * @config: configuration; read with qlink_config_get(), or directly
 *	under RTNL
 * @calib: calibration; read with qlink_calib_get(), or directly under RTNL
 * @param_changes: changes of @config or @calib; written under RTNL
 * @stats: per-cpu hot-path counters; lock-free, see struct qlink_pcpu_stats
 * @pairs: heralding state and pair buffer, owned by the core (see
 *	kernel/core/pairs.c); allocated in ndo_init, freed with the device
 * @sched: request scheduler of the AF_QLINK sockets (kernel/core/sched.c),
 *	shared with the other end after qlink_connect(); from ndo_init to
 *	ndo_uninit
 * @peer: the link protocol's state (kernel/core/peer.c), NULL without a
 *	peer; written under RTNL, read under RCU (the herald path)
 */
struct qlink {
	struct net_device *dev;
	const struct qlink_ops *ops;
	struct qlink_caps caps;
	u32 id;
	seqlock_t conf_lock;
	struct qlink_config config;
	struct qlink_calib calib;
	u64 param_changes;
	struct qlink_pcpu_stats __percpu *stats;
	struct qlink_pairs *pairs;
	struct qlink_sched *sched;
	struct qlink_peer __rcu *peer;
};

#define QLINK_PRIV_ALIGN	NETDEV_ALIGN
/* .priv_size of a qlink driver whose private data is PRIV bytes. */
#define QLINK_PRIV_SIZE(priv)	(ALIGN(sizeof(struct qlink), QLINK_PRIV_ALIGN) + (priv))

static inline struct qlink *qlink_from_dev(const struct net_device *dev)
{
	return netdev_priv(dev);
}

static inline void *qlink_priv(const struct qlink *ql)
{
	return (u8 *)ql + ALIGN(sizeof(struct qlink), QLINK_PRIV_ALIGN);
}

/* Is DEV a qlink device? (of any driver) */
bool qlink_dev_is_qlink(const struct net_device *dev);

/* rtnl_link_ops drivers */
void qlink_setup(struct net_device *dev);
void qlink_init(struct qlink *ql, const struct qlink_ops *ops,
		const struct qlink_caps *caps, const struct qlink_config *c);

/* drivers that create links themselves; register/unregister take RTNL */
struct qlink *qlink_alloc(const struct qlink_ops *ops,
			  const struct qlink_caps *caps, size_t priv_size,
			  const char *name);
int qlink_register(struct qlink *ql);
void qlink_unregister(struct qlink *ql);
void qlink_free(struct qlink *ql);

/* Configuration (RTNL) */
void qlink_config_default(struct qlink_config *c);
int qlink_config_parse(const struct nlattr *nest, struct qlink_config *c,
		       struct netlink_ext_ack *extack);
int qlink_config_check(const struct qlink_caps *caps,
		       const struct qlink_config *c, const struct nlattr *nest,
		       struct netlink_ext_ack *extack);
void qlink_config_commit(struct qlink *ql, const struct qlink_config *c);

/* Calibration: what the driver measured or modelled (RTNL) */
void qlink_calib_default(struct qlink_calib *cal);
void qlink_calib_report(struct qlink *ql, const struct qlink_calib *cal);

static inline void qlink_config_get(struct qlink *ql, struct qlink_config *c)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&ql->conf_lock);
		*c = ql->config;
	} while (read_seqretry(&ql->conf_lock, seq));
}

static inline void qlink_calib_get(struct qlink *ql, struct qlink_calib *cal)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&ql->conf_lock);
		*cal = ql->calib;
	} while (read_seqretry(&ql->conf_lock, seq));
}

/* Count @n events of kind @stat on @ql; any context, lock-free. */
static inline void qlink_stats_add(struct qlink *ql, enum qlink_stat stat,
				   u64 n)
{
	struct qlink_pcpu_stats *s = get_cpu_ptr(ql->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->c[stat], n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(ql->stats);
}

/* Totals over all CPUs. */
void qlink_stats_read(struct qlink *ql, struct qlink_stats *st);

/* Heralding path */

/* Bits of a time tag's flags (struct qlink_tag_batch.flags). */
#define QLINK_TAG_BELL		GENMASK(1, 0)	/* Bell index contribution */
#define QLINK_TAG_PAIR		GENMASK(11, 2)	/* ground truth: source pair */
#define QLINK_TAG_MEAS		BIT(12)		/* the detection measured */
#define QLINK_TAG_BASIS_X	BIT(13)		/* ... in X, else in Z */
#define QLINK_TAG_OUTCOME	BIT(14)		/* ... with outcome 1 */
#define QLINK_TAG_KNOWN		BIT(15)		/* ground truth is known */

/*
 * Measurements recorded at detection (direct detection: the detector
 * that clicked is the measurement), per end of a pair: end A's in the
 * low bits, end B's shifted by QLINK_MEAS_SHIFT (struct
 * qlink_herald.meas, struct qlink_pair_info.meas).
 */
#define QLINK_MEAS_VALID	BIT(0)
#define QLINK_MEAS_BASIS_X	BIT(1)
#define QLINK_MEAS_OUTCOME	BIT(2)
#define QLINK_MEAS_SHIFT	3

/* Coincidences one qlink_ingest_tags() call stores at most. */
#define QLINK_INGEST_COINC_MAX	4096

/**
 * struct qlink_tag_batch - detector time tags of one time slice
 * @t_ps: per channel (0 = A, 1 = B), the tags in ps of the link's clock,
 *	non-decreasing within the channel and across batches; channel B raw
 *	(the core removes %QLINK_A_CONFIG_OFFSET)
 * @flags: per channel, QLINK_TAG_* flags of each tag, or NULL (all 0).
 *	A coincidence heralds Bell index (flags_a ^ flags_b) & QLINK_TAG_BELL.
 *	A tag with QLINK_TAG_MEAS was a measurement of its photon (basis and
 *	outcome in QLINK_TAG_BASIS_X, QLINK_TAG_OUTCOME); a pair of two such
 *	tags carries both (struct qlink_pair_info.meas).
 *	If both tags have QLINK_TAG_KNOWN (simulators, calibration sources),
 *	it is a true coincidence iff their QLINK_TAG_PAIR fields are equal
 *	and non-zero: true ones get the calibrated F0, accidental ones 1/4
 *	(and are counted). Otherwise every coincidence gets the fidelity
 *	the link's measured true/accidental mix gives (qlink.md §7).
 * @n: per channel, number of tags
 * @start_ps: start of the slice
 * @end_ps: end of the slice: both channels are complete before it. The
 *	core adds end_ps - start_ps to the link's covered time.
 */
struct qlink_tag_batch {
	const u64 *t_ps[2];
	const u16 *flags[2];
	u32 n[2];
	u64 start_ps;
	u64 end_ps;
};

/**
 * struct qlink_herald - one heralding attempt's outcome
 * @attempt: attempt id, increasing; a success becomes the pair with this
 *	sequence number (both ends receive the same ids)
 * @t_ps: herald time, ps of the link's clock, non-decreasing
 * @fidelity: fidelity at herald, ppm; 0 means the calibrated F0
 * @slot: memory slot the pair holds, or QLINK_SLOT_NONE
 * @success: 1 if the attempt heralded a pair
 * @bell_index: 0..3, the heralded Bell state
 * @meas: measurements recorded at detection, QLINK_MEAS_* of both ends
 */
struct qlink_herald {
	u64 attempt;
	u64 t_ps;
	u32 fidelity;
	u16 slot;
	u8 success;
	u8 bell_index;
	u8 meas;
};

/**
 * struct qlink_herald_batch - herald events of one time slice
 * @ev: the events, in attempt and time order
 * @n: number of events
 * @attempts: failed attempts of the slice not listed in @ev (drivers may
 *	report only successes)
 * @start_ps: start of the slice
 * @end_ps: end of the slice (added to the covered time like tag batches)
 */
struct qlink_herald_batch {
	const struct qlink_herald *ev;
	u32 n;
	u64 attempts;
	u64 start_ps;
	u64 end_ps;
};

/**
 * struct qlink_pair_info - a pair handed out of the buffer
 * @seq: sequence number
 * @pair_link_id: link id naming the pair
 * @trace_id: trace id (see %QLINK_A_PAIR_TRACE_ID)
 * @herald_ps: herald time, ps of the link's clock
 * @age_ps: age when taken
 * @fidelity_herald: ppm
 * @fidelity: ppm, when taken
 * @slot: memory slot or QLINK_SLOT_NONE
 * @bell_index: 0..3
 * @meas: measurements recorded at detection, QLINK_MEAS_* of both ends
 */
struct qlink_pair_info {
	u64 seq;
	u32 pair_link_id;
	u64 trace_id;
	u64 herald_ps;
	u64 age_ps;
	u32 fidelity_herald;
	u32 fidelity;
	u16 slot;
	u8 bell_index;
	u8 meas;
};

/*
 * Link times stay below 2^63 ps (106 days): a driver moves its clock's
 * zero forward with qlink_pairs_rebase() before then; a clock that is
 * not rebased stops here.
 */
#define QLINK_CLOCK_MAX_PS	((u64)S64_MAX)

int qlink_pairs_start(struct qlink *ql, ktime_t t0);
void qlink_pairs_rebase(struct qlink *ql, ktime_t t0);
void qlink_pairs_stop(struct qlink *ql);
void qlink_set_pair_link_id(struct qlink *ql, u32 id);
u64 qlink_now_ps(struct qlink *ql);
int qlink_ingest_tags(struct qlink *ql, const struct qlink_tag_batch *b,
		      struct qlink_herald *out, u32 out_cap);
int qlink_ingest_heralds(struct qlink *ql, const struct qlink_herald_batch *b);
int qlink_pair_take(struct qlink *ql, u32 min_fidelity, u64 max_seq,
		    struct qlink_pair_info *out, u32 *n_low);

/*
 * Give @ql a peer on another host from a nest of enum qlink_peer_attr
 * (what QLINK_A_LINK_PEER of link-set carries), the UDP socket in @net
 * unless the nest names a netns. @role (enum qlink_peer_role) is the
 * driver's when it fixes one, else 0 and the nest must carry it. Call
 * under RTNL once the link is registered, while it is down; the core
 * releases the peer when the link is unregistered (a driver whose
 * qlink_peer_set() fails in its newlink unregisters the link).
 */
int qlink_peer_set(struct qlink *ql, struct net *net, const struct nlattr *nest,
		   u32 role, struct netlink_ext_ack *extack);

/*
 * Two ends of one link that are both in this kernel (a simulator): their
 * AF_QLINK sockets request pairs from each other; @a is the end that
 * decides the heralds. Call under RTNL after registering both, before
 * either starts.
 */
void qlink_connect(struct qlink *a, struct qlink *b);

#endif /* _NET_QLINK_H */
