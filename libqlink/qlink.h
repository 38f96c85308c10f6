/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libqlink: the "qlink" generic netlink family from C, without hand-written
 * netlink. Built on libnl-3 / libnl-genl-3.
 *
 *   #include <qlink/qlink.h>        (pkg-config --cflags --libs qlink)
 *
 * Conventions
 *  - Every function that talks to the kernel takes a handle from
 *    qlink_open() and returns 0 (or a count) on success and a negative errno
 *    on failure. After a failure, qlink_errmsg() says why in words: the
 *    kernel's extended ACK message when it sent one (for example
 *    "QLINK_A_PARAM_FIDELITY out of range: allowed [250000, 1000000] ppm"),
 *    otherwise strerror() of the error.
 *  - A handle talks to the network namespace it was opened in; open one
 *    handle per namespace. A handle is not thread safe: use one per thread.
 *  - Values are in the units of <linux/qlink.h> (integers: mHz, ppm, metres,
 *    ps, ns, mdB). Parameters, statistics and capabilities are indexed by
 *    their uapi attribute numbers, so attributes a newer kernel adds appear
 *    without a change to these structures.
 *  - Links are named by interface name, or by ifindex through the *_by_index
 *    variants.
 *
 * Link events (created, deleted, changed) come from the "link" multicast
 * group: qlink_event_subscribe(), then qlink_event_fd() in your poll loop
 * and qlink_event_recv(), or simply qlink_event_loop().
 *
 * Pairs waiting in a link's buffer: qlink_pair_dump().
 *
 * Upcoming (with the kernel features, in this same style): pair events
 * (group "pairs") and AF_QLINK request helpers. They will be added as new
 * symbols in a new node of the version script; nothing here changes.
 */
#ifndef _QLINK_QLINK_H
#define _QLINK_QLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/qlink.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the library (not of the kernel family). */
#define LIBQLINK_VERSION_MAJOR	0
#define LIBQLINK_VERSION_MINOR	1

/** Number of slots of the attribute-indexed arrays below. */
#define QLINK_SLOTS		64

/** An open connection to the qlink family (opaque). */
struct qlink_handle;

/**
 * qlink_open() - connect to the qlink family in the caller's netns
 * @hp: receives the handle
 *
 * Return: 0; -ENOENT if the qlink module is not loaded (no such family);
 * another negative errno on failure.
 */
int qlink_open(struct qlink_handle **hp);

/** qlink_close() - close a handle and its event socket; NULL is a no-op. */
void qlink_close(struct qlink_handle *h);

/**
 * qlink_errmsg() - why the last call on @h failed
 *
 * Return: the kernel's extack message when there was one, else the text
 * of the errno; "" after a success. Valid until the next call on @h.
 */
const char *qlink_errmsg(const struct qlink_handle *h);

/** qlink_errno() - the negative errno of the last call on @h, or 0. */
int qlink_errno(const struct qlink_handle *h);

/** struct qlink_version - what QLINK_CMD_GET_VERSION reports */
struct qlink_version {
	uint32_t major;		/* core version */
	uint32_t minor;
	uint32_t genl_version;	/* family version (QLINK_GENL_VERSION) */
	uint64_t netns_cookie;	/* netns of the handle */
};

/** qlink_get_version() - core version and the netns cookie */
int qlink_get_version(struct qlink_handle *h, struct qlink_version *v);

/*
 * Parameters (enum qlink_param_attr).
 */

/** Wire type of a parameter. */
enum qlink_param_type {
	QLINK_PARAM_TYPE_U32 = 1,
	QLINK_PARAM_TYPE_S32,
	QLINK_PARAM_TYPE_U64,
	QLINK_PARAM_TYPE_S64,
};

/**
 * struct qlink_param_set - a set of parameters, indexed by attribute
 * @present: bit (1 << attr) for each parameter in the set
 * @value: value of parameter attr, sign-extended for signed ones
 */
struct qlink_param_set {
	uint64_t present;
	int64_t value[QLINK_SLOTS];
};

/** qlink_params_clear() - empty a parameter set */
void qlink_params_clear(struct qlink_param_set *ps);

/**
 * qlink_params_put() - add or replace one parameter of a set
 * Return: 0, or -EINVAL for an attribute this library does not know.
 */
int qlink_params_put(struct qlink_param_set *ps, int attr, int64_t value);

/** qlink_params_has() - is parameter @attr in the set? */
bool qlink_params_has(const struct qlink_param_set *ps, int attr);

/** qlink_params_get() - value of @attr in the set (0 if absent) */
int64_t qlink_params_get(const struct qlink_param_set *ps, int attr);

/**
 * qlink_param_type() - wire type of parameter @attr
 * Return: enum qlink_param_type, or -EINVAL if unknown.
 */
int qlink_param_type(int attr);

/**
 * qlink_param_name() - name of parameter @attr as in uapi/qlink.yaml with
 *	'_' for '-' ("source_rate", "det_eff_a"...), or NULL if unknown
 */
const char *qlink_param_name(int attr);

/*
 * Links.
 */

/* Bits of qlink_link.has: which parts the kernel reported. */
#define QLINK_LINK_HAS_KIND		(1u << 0)
#define QLINK_LINK_HAS_STATE		(1u << 1)	/* up, carrier */
#define QLINK_LINK_HAS_SIDE		(1u << 2)
#define QLINK_LINK_HAS_PEER		(1u << 3)	/* peer_ifindex */
#define QLINK_LINK_HAS_PEER_NETNS	(1u << 4)
#define QLINK_LINK_HAS_CAPS		(1u << 5)
#define QLINK_LINK_HAS_PARAMS		(1u << 6)
#define QLINK_LINK_HAS_EXPECTED		(1u << 7)
#define QLINK_LINK_HAS_EXP_FIDELITY	(1u << 8)	/* fidelity, qber */
#define QLINK_LINK_HAS_CHANGE		(1u << 9)	/* events only */
#define QLINK_LINK_HAS_PAIR_ID		(1u << 10)
#define QLINK_LINK_HAS_TIME		(1u << 11)

/** struct qlink_caps - what the link's driver can do (QLINK_A_LINK_CAPS) */
struct qlink_caps {
	uint32_t herald_models;	/* mask of 1 << enum qlink_herald_model */
	uint32_t memory_slots;
	uint64_t max_rate;	/* mHz */
	uint64_t params;	/* mask of 1 << enum qlink_param_attr */
};

/** struct qlink_expected - analytic rates (QLINK_A_LINK_EXPECTED) */
struct qlink_expected {
	uint64_t herald_rate;		/* mHz */
	uint64_t accidental_rate;	/* mHz */
	uint32_t fidelity;		/* ppm, if QLINK_LINK_HAS_EXP_FIDELITY */
	uint32_t qber;			/* ppm, likewise */
	uint32_t loss_a;		/* mdB */
	uint32_t loss_b;		/* mdB */
};

/** struct qlink_link - one link as QLINK_CMD_LINK_GET describes it */
struct qlink_link {
	uint32_t has;			/* QLINK_LINK_HAS_* */
	uint32_t ifindex;
	uint32_t id;			/* link id, unique while it exists */
	char ifname[16];
	char kind[32];			/* driver kind, "qlinksim" */
	uint8_t up;			/* generating */
	uint8_t carrier;		/* able to herald */
	uint8_t side;			/* 0 = end A, 1 = end B */
	uint32_t peer_ifindex;		/* in the peer's netns */
	uint64_t peer_netns_cookie;
	uint32_t change;		/* enum qlink_link_change (events) */
	uint32_t pair_link_id;		/* link id naming this link's pairs */
	uint64_t link_time;		/* ps, the link's clock */
	struct qlink_caps caps;
	struct qlink_param_set params;
	struct qlink_expected expected;
	uint64_t reserved[8];		/* room to grow without a new SONAME */
};

/** Called once per link of a dump; return non-zero to stop the dump. */
typedef int (*qlink_link_cb)(const struct qlink_link *link, void *arg);

/** qlink_link_get() - one link by name */
int qlink_link_get(struct qlink_handle *h, const char *ifname,
		   struct qlink_link *link);

/** qlink_link_get_by_index() - one link by ifindex */
int qlink_link_get_by_index(struct qlink_handle *h, uint32_t ifindex,
			    struct qlink_link *link);

/**
 * qlink_link_dump() - every link of the handle's netns, in link id order
 * Return: number of links reported, or a negative errno.
 */
int qlink_link_dump(struct qlink_handle *h, qlink_link_cb cb, void *arg);

/**
 * qlink_link_set() - change parameters of a link, all or nothing
 * @ps: the parameters to change (the others keep their values)
 *
 * Needs CAP_NET_ADMIN. An invalid value changes nothing; qlink_errmsg()
 * then names the parameter and its allowed range.
 */
int qlink_link_set(struct qlink_handle *h, const char *ifname,
		   const struct qlink_param_set *ps);

/** qlink_link_set_by_index() - qlink_link_set() by ifindex */
int qlink_link_set_by_index(struct qlink_handle *h, uint32_t ifindex,
			    const struct qlink_param_set *ps);

/*
 * Statistics (enum qlink_stats_attr).
 */

/** struct qlink_stats - counters of one link since its creation */
struct qlink_stats {
	uint32_t ifindex;
	uint32_t id;
	char ifname[16];
	uint64_t present;		/* bit (1 << attr) per counter */
	uint64_t value[QLINK_SLOTS];	/* indexed by enum qlink_stats_attr */
};

/**
 * qlink_stats_name() - name of counter @attr ("heralds", "tx_dropped"...)
 *	or NULL if unknown
 */
const char *qlink_stats_name(int attr);

/**
 * qlink_stats_type() - wire type of counter @attr (enum qlink_param_type):
 *	QLINK_PARAM_TYPE_S64 ones are stored as their bit pattern, read them
 *	as (int64_t)value[attr]; -EINVAL if unknown
 */
int qlink_stats_type(int attr);

/** Called once per link of a stats dump; non-zero stops it. */
typedef int (*qlink_stats_cb)(const struct qlink_stats *st, void *arg);

/** qlink_stats_get() - counters of one link by name */
int qlink_stats_get(struct qlink_handle *h, const char *ifname,
		    struct qlink_stats *st);

/** qlink_stats_dump() - counters of every link; returns the count */
int qlink_stats_dump(struct qlink_handle *h, qlink_stats_cb cb, void *arg);

/*
 * Pairs (QLINK_CMD_PAIR_GET).
 */

/** struct qlink_pair - one entangled pair waiting in a link's buffer */
struct qlink_pair {
	uint32_t ifindex;		/* link it waits in */
	uint32_t link_id;		/* with seq: the pair's id at both ends */
	uint64_t seq;
	uint64_t trace_id;
	uint64_t link_time;		/* ps: the link's clock at the dump */
	uint64_t herald_time;		/* ps, link clock */
	uint64_t age;			/* ps at link_time */
	uint32_t fidelity_herald;	/* ppm */
	uint32_t fidelity;		/* ppm now (Werner decay) */
	uint8_t bell_index;		/* 0..3: phi+, phi-, psi+, psi- */
	uint8_t has_slot;
	uint32_t slot;			/* memory slot, if has_slot */
	uint32_t state;			/* enum qlink_pair_state */
	uint32_t purpose;		/* 0 = any */
	uint64_t reserved[4];
};

/** Called per pair of a dump, oldest first; non-zero stops the dump. */
typedef int (*qlink_pair_cb)(const struct qlink_pair *pair, void *arg);

/**
 * qlink_pair_dump() - the pairs waiting in link @ifname, oldest first
 * Return: the number of pairs, or a negative errno (-EOPNOTSUPP from a
 * kernel without QLINK_CMD_PAIR_GET).
 */
int qlink_pair_dump(struct qlink_handle *h, const char *ifname,
		    qlink_pair_cb cb, void *arg);

/** qlink_pair_state_name() - "ready", "promised" or NULL */
const char *qlink_pair_state_name(uint32_t state);

/** qlink_bell_name() - "phi+", "phi-", "psi+", "psi-" or NULL */
const char *qlink_bell_name(uint8_t bell_index);

/*
 * Events (multicast group "link").
 */

/** struct qlink_event - one link event */
struct qlink_event {
	int cmd;	/* QLINK_CMD_LINK_{CREATE,DELETE,CHANGE}_NTF */
	struct qlink_link link;	/* DELETE: only ifindex, ifname, id */
};

/** Called per event; return non-zero to stop qlink_event_loop(). */
typedef int (*qlink_event_cb)(const struct qlink_event *ev, void *arg);

/**
 * qlink_event_subscribe() - join the "link" multicast group
 *
 * Events arrive on a second socket owned by @h, so requests on @h can be
 * mixed with event processing.
 */
int qlink_event_subscribe(struct qlink_handle *h);

/** qlink_event_fd() - the event socket's fd for poll(), or -1 */
int qlink_event_fd(const struct qlink_handle *h);

/**
 * qlink_event_recv() - read one batch of events, calling @cb for each
 *
 * Blocks until at least one message arrives unless the fd is readable.
 * Return: number of events handled (>= 0), or a negative errno.
 */
int qlink_event_recv(struct qlink_handle *h, qlink_event_cb cb, void *arg);

/**
 * qlink_event_loop() - handle events until @cb returns non-zero
 * @timeout_ms: give up after this long without an event; < 0: never
 *
 * Return: the callback's non-zero value (if positive, else 1), 0 on
 * timeout, or a negative errno (-EINTR if a signal interrupted the wait).
 */
int qlink_event_loop(struct qlink_handle *h, qlink_event_cb cb, void *arg,
		     int timeout_ms);

/** qlink_event_name() - "create", "delete", "change" or NULL */
const char *qlink_event_name(int cmd);

/** qlink_change_name() - name of an enum qlink_link_change or NULL */
const char *qlink_change_name(uint32_t change);

/** qlink_herald_model_name() - "time-tags", "events" or NULL */
const char *qlink_herald_model_name(uint32_t model);

#ifdef __cplusplus
}
#endif

#endif /* _QLINK_QLINK_H */
