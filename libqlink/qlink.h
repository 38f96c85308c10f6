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
 * Pairs waiting in a link's buffer: qlink_pair_dump(). Pair events (group
 * "pairs": pairs heralded, pairs dropped) come through the same event
 * functions after qlink_event_subscribe_group(h, QLINK_MCGRP_PAIRS_NAME).
 *
 * Scheduling of purposes (weights, quotas, reservations; QLINK_CMD_PURPOSE_*):
 * qlink_purpose_get(), qlink_purpose_dump(), qlink_purpose_set().
 *
 * AF_QLINK sockets (qlink(7)) need no handle: qlink_sock_open() gives a
 * socket bound to a link end and a purpose, qlink_sock_request() sends a
 * CREATE request, qlink_sock_recv() reads one result record. These return
 * a negative errno and do not touch any handle's qlink_errmsg().
 *
 * Symbols added after LIBQLINK_0.1 are in node LIBQLINK_0.2.
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
#define LIBQLINK_VERSION_MINOR	2

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

/* Most pairs a QLINK_CMD_PAIR_NTF carries in full. */
#define QLINK_EVENT_PAIRS_MAX	8

/**
 * struct qlink_pair_event - a pair event of the "pairs" group
 * @ifindex: the link end
 * @link_id: its link id
 * @link_time: ps, the link's clock when the event was sent
 * @seq_first: first sequence number of the range
 * @seq_last: last one (inclusive)
 * @count: pairs heralded (PAIR_NTF) or dropped (PAIR_DROP_NTF)
 * @reason: PAIR_DROP_NTF: enum qlink_drop_reason
 * @n_pairs: PAIR_NTF: how many of @pairs are filled (the first pairs
 *	of the batch, at most %QLINK_EVENT_PAIRS_MAX)
 * @pairs: those pairs
 */
struct qlink_pair_event {
	uint32_t ifindex;
	uint32_t link_id;
	uint64_t link_time;
	uint64_t seq_first;
	uint64_t seq_last;
	uint32_t count;
	uint32_t reason;
	uint32_t n_pairs;
	struct qlink_pair pairs[QLINK_EVENT_PAIRS_MAX];
};

/**
 * struct qlink_event - one event
 * @cmd: QLINK_CMD_LINK_{CREATE,DELETE,CHANGE}_NTF (group "link") or
 *	QLINK_CMD_PAIR_NTF, QLINK_CMD_PAIR_DROP_NTF (group "pairs")
 * @link: link events (DELETE: only ifindex, ifname, id); pair events:
 *	ifindex and id
 * @pair: pair events only (added in 0.2: the library allocates events,
 *	so programs built against 0.1 are unaffected)
 */
struct qlink_event {
	int cmd;
	struct qlink_link link;
	struct qlink_pair_event pair;
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

/**
 * qlink_event_subscribe_group() - join a multicast group by name
 * @group: QLINK_MCGRP_LINK_NAME ("link") or QLINK_MCGRP_PAIRS_NAME
 *	("pairs"); may be called once per group, on the same event socket
 *
 * Pair events come once per ingested batch of a link while anyone
 * listens; a busy link sends many.
 * Return: 0; -ENOENT if the kernel has no such group.
 */
int qlink_event_subscribe_group(struct qlink_handle *h, const char *group);

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

/**
 * qlink_event_name() - "create", "delete", "change", "pairs" (PAIR_NTF),
 *	"drop" (PAIR_DROP_NTF) or NULL
 */
const char *qlink_event_name(int cmd);

/** qlink_change_name() - name of an enum qlink_link_change or NULL */
const char *qlink_change_name(uint32_t change);

/** qlink_herald_model_name() - "time-tags", "events" or NULL */
const char *qlink_herald_model_name(uint32_t model);

/**
 * qlink_drop_reason_name() - "expired", "full", "slots", "low-fidelity",
 *	"flush" (enum qlink_drop_reason) or NULL
 */
const char *qlink_drop_reason_name(uint32_t reason);

/*
 * Purposes (QLINK_CMD_PURPOSE_GET / _SET, enum qlink_purpose_attr).
 */

/** Bit of qlink_purpose.present and of a qlink_purpose_set() mask. */
#define QLINK_PURPOSE_BIT(attr)	(1ull << (attr))

/**
 * struct qlink_purpose - scheduling of one purpose id on a link, with its
 *	counters; both ends of a link share one scheduler
 * @present: QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_*) for each field the
 *	kernel reported
 * @ifindex: the link end asked about
 * @link_id: its link id
 * @id: purpose id
 * @weight: fair-queueing weight [1, QLINK_WEIGHT_MAX]
 * @rate: quota, mHz (pairs per second x 1000); 0 = no limit
 * @max_outstanding: quota of queued requests; 0 = no limit
 * @reserve: pairs kept generated for the purpose [0, QLINK_RESERVE_MAX]
 * @reserve_fidelity: ppm, minimum fidelity of reserved pairs
 * @owner_uid: only this uid may bind sockets to the purpose (besides
 *	CAP_NET_ADMIN); QLINK_OWNER_NONE = anyone. Reported when set.
 * @owner_gid: the same for the members of a group
 * @requests: requests received (read only, like the rest)
 * @req_succeeded: requests that got all their pairs
 * @req_failed: requests that ended with an ERR record
 * @delivered: pairs delivered
 * @outstanding: requests queued now
 * @reserved: reserved pairs held now
 * @receivers: sockets that accept RECEIVE for the purpose now
 */
struct qlink_purpose {
	uint64_t present;
	uint32_t ifindex;
	uint32_t link_id;
	uint32_t id;
	uint32_t weight;
	uint64_t rate;
	uint32_t max_outstanding;
	uint32_t reserve;
	uint32_t reserve_fidelity;
	uint32_t outstanding;
	uint64_t requests;
	uint64_t req_succeeded;
	uint64_t req_failed;
	uint64_t delivered;
	uint32_t reserved;
	uint32_t receivers;
	uint32_t owner_uid;
	uint32_t owner_gid;
	uint64_t spare[5];		/* room to grow */
};

/** Called once per purpose of a dump; non-zero stops it. */
typedef int (*qlink_purpose_cb)(const struct qlink_purpose *p, void *arg);

/**
 * qlink_purpose_get() - one purpose of link @ifname
 * Return: 0; -ENOENT (with the kernel's message) if the purpose is
 * neither configured nor used on the link.
 */
int qlink_purpose_get(struct qlink_handle *h, const char *ifname,
		      uint32_t id, struct qlink_purpose *p);

/**
 * qlink_purpose_dump() - every purpose of link @ifname, by id
 * Return: the number of purposes, or a negative errno.
 */
int qlink_purpose_dump(struct qlink_handle *h, const char *ifname,
		       qlink_purpose_cb cb, void *arg);

/**
 * qlink_purpose_set() - configure purpose @p->id of link @ifname
 * @mask: what to change: QLINK_PURPOSE_BIT() of QLINK_A_PURPOSE_WEIGHT,
 *	_RATE, _MAX_OUTSTANDING, _RESERVE, _RESERVE_FIDELITY, _OWNER_UID,
 *	_OWNER_GID; other fields keep their values
 *
 * Needs CAP_NET_ADMIN. Applies to both ends of the link. A value out of
 * range changes nothing; qlink_errmsg() then says which and why.
 * Return: 0 or a negative errno (-EINVAL for a bit outside the settable
 * fields, or id 0).
 */
int qlink_purpose_set(struct qlink_handle *h, const char *ifname,
		      const struct qlink_purpose *p, uint64_t mask);

/*
 * AF_QLINK sockets (qlink(7)). No handle; errors are negative errnos.
 */

/**
 * qlink_socket_family() - the AF_QLINK family number of the running kernel:
 *	/sys/module/qlink/parameters/family when readable, else AF_QLINK
 */
int qlink_socket_family(void);

/**
 * qlink_sock_open() - an AF_QLINK socket bound to a link end and purpose
 * @ifname: the link end, in the caller's netns
 * @purpose: purpose id, >= 1
 * @type: SOCK_SEQPACKET or SOCK_DGRAM (SOCK_NONBLOCK, SOCK_CLOEXEC may be
 *	or-ed in; the socket is always close-on-exec)
 *
 * Return: the socket's descriptor, or a negative errno: -ENODEV (no such
 * interface), -EAFNOSUPPORT (no AF_QLINK in this kernel), bind()'s errors.
 */
int qlink_sock_open(const char *ifname, uint32_t purpose, int type);

/**
 * qlink_sock_set_receive() - accept (or stop accepting) the requests the
 *	other end creates for this socket's purpose (QLINK_SO_RECEIVE)
 * Return: 0 or a negative errno.
 */
int qlink_sock_set_receive(int fd, bool on);

/**
 * qlink_sock_request() - send one CREATE request
 * Return: 0 or a negative errno (-EINVAL for a malformed request, -EAGAIN
 * on a non-blocking socket whose queue is full).
 */
int qlink_sock_request(int fd, const struct qlink_create *req);

/**
 * qlink_sock_recv() - read one result record
 * @timeout_ms: wait at most this long (poll()); < 0 blocks (as the socket
 *	does: SO_RCVTIMEO and O_NONBLOCK apply)
 *
 * Return: 0; -EAGAIN when nothing came in time; -EINTR on a signal;
 * -EPROTO for a short record; another negative errno from recv().
 */
int qlink_sock_recv(int fd, struct qlink_record *rec, int timeout_ms);

/** qlink_err_name() - "UNSUPP", "NOTIME", "NORES", "TIMEOUT", "REJECTED",
 *	"EXPIRE", "OTHER" (enum qlink_err) or NULL */
const char *qlink_err_name(uint8_t error);

/** qlink_req_type_name() - "keep", "measure", "rsp" or NULL */
const char *qlink_req_type_name(uint8_t type);

/** qlink_basis_name() - "z", "x", "y", "random" or NULL */
const char *qlink_basis_name(uint8_t basis);

/** qlink_priority_name() - "interactive", "normal", "batch" or NULL */
const char *qlink_priority_name(uint8_t prio);

#ifdef __cplusplus
}
#endif

#endif /* _QLINK_QLINK_H */
