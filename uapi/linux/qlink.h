/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * qlink: quantum network links as Linux network devices.
 *
 * The user API of qlink: the "qlink" generic netlink family, described in
 * uapi/qlink.yaml (its commands, attributes, types, ranges and their
 * documentation) and generated from it into <linux/qlink_genl.h>; the
 * IFLA_QLINKSIM_* attributes of the qlinksim rtnetlink link kind; and the
 * AF_QLINK socket ABI. Units: integers only. Rates are in milli-events per
 * second ("mHz"), probabilities, efficiencies and fidelities in parts per
 * million ("ppm", 1000000 = 1), lengths in metres, short times in
 * picoseconds, long times in nanoseconds, attenuation in milli-decibels.
 */
#ifndef _UAPI_LINUX_QLINK_H
#define _UAPI_LINUX_QLINK_H

#include <linux/types.h>
#include <linux/socket.h>
#include <linux/qlink_genl.h>

/**
 * enum qlinksim_info_attr - IFLA_INFO_DATA of the "qlinksim" link kind:
 *	the simulator's physics (qlink.md §7) and fault knobs
 *
 * Set at creation (RTM_NEWLINK, `ip link add NAME type qlinksim ...`) and
 * changed with changelink (`ip link set NAME type qlinksim ...`) at either
 * end: both ends are one simulated fiber and share them. The driver
 * reports the calibration these imply (%QLINK_A_LINK_CALIB). Ranges in
 * brackets; a value outside is rejected by the policy.
 *
 * @IFLA_QLINKSIM_PEER: struct ifinfomsg followed by IFLA_* attributes of
 *	the peer (end B): IFLA_IFNAME, IFLA_NET_NS_PID / IFLA_NET_NS_FD, as
 *	VETH_INFO_PEER does for veth; creation only
 * @IFLA_QLINKSIM_CONFIG: nest, enum qlink_config_attr: the core's
 *	configuration of the new link; creation only
 * @IFLA_QLINKSIM_PAD: padding for 64-bit attributes
 * @IFLA_QLINKSIM_SOURCE_RATE: u64, pair source rate R, mHz
 *	[0, 10^12]; default 300000000 (3e5 pairs/s, SPDC)
 * @IFLA_QLINKSIM_DET_EFF_A: u32, detector efficiency at end A, ppm
 *	[0, 1000000]; default 800000
 * @IFLA_QLINKSIM_DET_EFF_B: u32, detector efficiency at end B, ppm
 *	[0, 1000000]; default 800000
 * @IFLA_QLINKSIM_DARK_RATE: u32, dark count rate of each detector, mHz
 *	[0, 10^9]; default 20000 (20 Hz)
 * @IFLA_QLINKSIM_JITTER: u32, timing jitter (sigma) of each detector, ps
 *	[0, 1000000]; default 50
 * @IFLA_QLINKSIM_FIBER_LEN_A: u32, fiber length source to end A, metres
 *	[0, 1000000]; default 1000. A change of either length without an
 *	offset in the same request sets %QLINK_A_CONFIG_OFFSET to the delay
 *	difference (5 ns per metre).
 * @IFLA_QLINKSIM_FIBER_LEN_B: u32, fiber length source to end B, metres
 *	[0, 1000000]; default 1000
 * @IFLA_QLINKSIM_FIBER_LOSS: u32, fiber attenuation, mdB per km
 *	[0, 10000]; default 200 (0.2 dB/km)
 * @IFLA_QLINKSIM_FIDELITY: u32, fidelity of the source's pairs, ppm
 *	[250000, 1000000]; default 970000
 * @IFLA_QLINKSIM_COHERENCE: u64, coherence time of the simulated
 *	memories, ns [0, 10^15]; 0 (default) means photons measured directly
 * @IFLA_QLINKSIM_HERALD_MODEL: u32, enum qlink_herald_model [1, 2];
 *	default %QLINK_HERALD_TIME_TAGS. Cannot change while the link is up.
 * @IFLA_QLINKSIM_SEED: u64, seed of the link's PRNG [0, 2^63 - 1]; 0 picks
 *	a random one (and reports it). Cannot change while the link is up.
 * @IFLA_QLINKSIM_EXTRA_LOSS: u32, F1 fault: extra loss, mdB, split evenly
 *	between the two arms [0, 100000]; default 0
 * @IFLA_QLINKSIM_FIDELITY_DROP: u32, F2 fault: subtracted from the
 *	source's fidelity, ppm [0, 750000]; the difference must stay
 *	>= 250000; default 0
 * @IFLA_QLINKSIM_COHERENCE_SCALE: u32, F3 fault: the memories' coherence
 *	time is multiplied by this, ppm [1, 1000000]; default 1000000
 * @IFLA_QLINKSIM_DEAD_TIME: u32, F5 fault: detector dead time, ns
 *	[0, 10^9]; default 0
 * @IFLA_QLINKSIM_MAX_DET_RATE: u64, F5 fault: detector saturation count
 *	rate, mHz [0, 10^13]; 0 (default) means no limit
 * @IFLA_QLINKSIM_BIT_FLIP: u32, F7 fault: probability that end B's
 *	measurement outcome is flipped, ppm [0, 1000000]; default 0
 * @IFLA_QLINKSIM_OFFSET_DRIFT: s32, F8 fault: drift of end B's fiber
 *	delay, ps per second [-10^9, 10^9]; default 0
 * @IFLA_QLINKSIM_DIRECT: u8, 1: direct detection (time tags only): each
 *	detector measures its photon, in Z with probability
 *	%IFLA_QLINKSIM_BASIS_Z and else in X, and the tags carry the
 *	outcomes (Werner-state correlations for true pairs, random for dark
 *	counts); 0 (default): the qubits are measured on request
 * @IFLA_QLINKSIM_BASIS_Z: u32, direct detection: probability of the Z
 *	basis, ppm [0, 1000000]; default 500000
 * @IFLA_QLINKSIM_END: u8, enum qlinksim_end: which ends of the link this
 *	host simulates; creation only. %QLINKSIM_END_BOTH (default) makes
 *	both ends, joined in memory; %QLINKSIM_END_A or %QLINKSIM_END_B
 *	makes one end (split mode), whose other end is made the same way on
 *	another host (or netns) and reached through the link protocol
 *	(%IFLA_QLINKSIM_LINK_PEER, required). Both ends simulate the same
 *	photon-pair emissions (from %IFLA_QLINKSIM_SEED and CLOCK_REALTIME,
 *	so the two hosts' clocks must agree to well under a second) and
 *	each applies its own arm's loss, detector, dark counts and jitter
 *	with its own randomness. End A decides the heralds.
 * @IFLA_QLINKSIM_LINK_PEER: nest, enum qlink_peer_attr: the link
 *	protocol's peer of a split end (as %QLINK_A_LINK_PEER of link-set,
 *	the role given by the end); creation only, change it with link-set
 * @IFLA_QLINKSIM_CLOCK_OFFSET: s64, split mode: this end's link clock
 *	runs ahead of the real one by this much, ps [-10^12, 10^12]; default
 *	0. It stands for a tagger's own clock: the deciding end must find
 *	it (%QLINK_A_PEER_CLOCK_OFFSET).
 */
enum qlinksim_info_attr {
	IFLA_QLINKSIM_UNSPEC,
	IFLA_QLINKSIM_PEER,
	IFLA_QLINKSIM_CONFIG,
	IFLA_QLINKSIM_PAD,
	IFLA_QLINKSIM_SOURCE_RATE,
	IFLA_QLINKSIM_DET_EFF_A,
	IFLA_QLINKSIM_DET_EFF_B,
	IFLA_QLINKSIM_DARK_RATE,
	IFLA_QLINKSIM_JITTER,
	IFLA_QLINKSIM_FIBER_LEN_A,
	IFLA_QLINKSIM_FIBER_LEN_B,
	IFLA_QLINKSIM_FIBER_LOSS,
	IFLA_QLINKSIM_FIDELITY,
	IFLA_QLINKSIM_COHERENCE,
	IFLA_QLINKSIM_HERALD_MODEL,
	IFLA_QLINKSIM_SEED,
	IFLA_QLINKSIM_EXTRA_LOSS,
	IFLA_QLINKSIM_FIDELITY_DROP,
	IFLA_QLINKSIM_COHERENCE_SCALE,
	IFLA_QLINKSIM_DEAD_TIME,
	IFLA_QLINKSIM_MAX_DET_RATE,
	IFLA_QLINKSIM_BIT_FLIP,
	IFLA_QLINKSIM_OFFSET_DRIFT,
	IFLA_QLINKSIM_DIRECT,
	IFLA_QLINKSIM_BASIS_Z,
	IFLA_QLINKSIM_END,
	IFLA_QLINKSIM_LINK_PEER,
	IFLA_QLINKSIM_CLOCK_OFFSET,

	__IFLA_QLINKSIM_MAX,
	IFLA_QLINKSIM_MAX = __IFLA_QLINKSIM_MAX - 1
};

/* Which ends of a link a qlinksim device simulates (%IFLA_QLINKSIM_END). */
enum qlinksim_end {
	QLINKSIM_END_BOTH,
	QLINKSIM_END_A,
	QLINKSIM_END_B,
};

/*
 * AF_QLINK sockets (qlink.md §4): applications request entangled pairs.
 *
 *	fd = socket(AF_QLINK, SOCK_SEQPACKET, 0);
 *	bind(fd, &(struct sockaddr_qlink){ AF_QLINK, 0, ifindex, purpose }, ..);
 *
 * A socket is bound to one end of a link (an ifindex of its netns) and one
 * purpose id; one socket per (link end, purpose). The socket at the other
 * end of the link that serves the same purpose opts in to receiving with
 * setsockopt(SOL_QLINK, QLINK_SO_RECEIVE, 1). A CREATE request is a
 * struct qlink_create written with send(); each pair then gives one
 * struct qlink_record to both sockets (the creator's and the receiver's)
 * with the same pair id, and a request that fails gives one ERR record to
 * each. Every read returns one record; reads block (SO_RCVTIMEO), or
 * fail with EAGAIN on non-blocking sockets; poll() reports EPOLLIN when a
 * record is queued. SOCK_SEQPACKET and SOCK_DGRAM behave alike.
 *
 * The family number is AF_QLINK unless the module was loaded with
 * qlink.family=N; /sys/module/qlink/parameters/family says which.
 */
#define AF_QLINK_DEFAULT	23	/* was AF_IRDA, removed in 4.17 */
#ifndef AF_QLINK
#define AF_QLINK		AF_QLINK_DEFAULT
#define PF_QLINK		AF_QLINK
#endif
#define SOL_QLINK		299

/**
 * struct sockaddr_qlink - address of an AF_QLINK socket
 * @sq_family: AF_QLINK
 * @sq_pad: 0 (bind fails with EINVAL otherwise)
 * @sq_ifindex: the link end (its ifindex in the socket's netns)
 * @sq_purpose: purpose id, [1, 2^32 - 1]. Binding needs the purpose's
 *	owner's uid or gid when one is set (%QLINK_A_PURPOSE_OWNER_UID), or
 *	else CAP_NET_BIND_SERVICE for a purpose below %QLINK_PURPOSE_PROT;
 *	CAP_NET_ADMIN over the link's netns always suffices. Otherwise EACCES.
 */
struct sockaddr_qlink {
	__kernel_sa_family_t sq_family;
	__u16 sq_pad;
	__s32 sq_ifindex;
	__u32 sq_purpose;
};

/*
 * Socket options (level SOL_QLINK)
 * @QLINK_SO_RECEIVE: int, 1 = accept the requests the other end creates
 *	for this socket's purpose (the EGP "RECEIVE"); bound sockets only
 * @QLINK_SO_OUTSTANDING: int, read only: requests of this socket not yet
 *	finished
 */
#define QLINK_SO_RECEIVE	1
#define QLINK_SO_OUTSTANDING	2

/**
 * enum qlink_req_type - what happens to a pair's qubits
 * @QLINK_REQ_KEEP: both ends keep their qubit (record has the slot)
 * @QLINK_REQ_MEASURE: both ends measure at once (record has outcome and
 *	basis); outcomes follow the pair's Bell state and fidelity: in a
 *	common basis a Werner pair of fidelity F disagrees with the ideal
 *	correlation with probability (1 - F) 2/3
 * @QLINK_REQ_RSP: remote state preparation: the creating end measures,
 *	the receiving end keeps its qubit
 */
enum qlink_req_type {
	QLINK_REQ_KEEP = 1,
	QLINK_REQ_MEASURE = 2,
	QLINK_REQ_RSP = 3,
};

/**
 * enum qlink_basis - measurement basis
 * @QLINK_BASIS_Z: computational basis
 * @QLINK_BASIS_X: Hadamard basis
 * @QLINK_BASIS_Y: circular basis
 * @QLINK_BASIS_RANDOM: each end picks Z or X at random for each pair,
 *	independently (BBM92)
 */
enum qlink_basis {
	QLINK_BASIS_Z = 0,
	QLINK_BASIS_X = 1,
	QLINK_BASIS_Y = 2,
	QLINK_BASIS_RANDOM = 3,
};

/**
 * enum qlink_priority - priority classes, served strictly in this order;
 *	a pair goes to a waiting interactive request before any batch
 *	request, even one that is half served (preemption). Interactive
 *	requests need CAP_NET_ADMIN over the link's netns (as SO_PRIORITY
 *	above 6 does); send() fails with EPERM otherwise.
 */
enum qlink_priority {
	QLINK_PRIO_INTERACTIVE = 0,
	QLINK_PRIO_NORMAL = 1,
	QLINK_PRIO_BATCH = 2,
};

/*
 * struct qlink_create.flags
 * @QLINK_CREATE_ATOMIC: all pairs delivered together
 * @QLINK_CREATE_CONSECUTIVE: once the request has its first pair, no
 *	other request gets a pair until it has all of them. It needs readers
 *	that keep up and a rate quota that covers it: if its sockets have no
 *	room for the next record, or its purpose has no pair-rate tokens
 *	left, it ends with QLINK_ERR_OTHER (ENOBUFS) or QLINK_ERR_NORES
 *	instead of holding the link.
 */
#define QLINK_CREATE_ATOMIC	0x1
#define QLINK_CREATE_CONSECUTIVE 0x2

/*
 * Most pairs one request may ask for; atomic requests at most the link's
 * memory slots (or QLINK_ATOMIC_MAX when it has none), consecutive ones
 * at most QLINK_CONSECUTIVE_MAX: larger ones are refused with
 * QLINK_ERR_UNSUPP. Deadlines (max_time) at most QLINK_MAX_TIME_MAX ns,
 * one day; send() fails with EINVAL beyond it.
 */
#define QLINK_CREATE_NUMBER_MAX	1000000
#define QLINK_ATOMIC_MAX	64
#define QLINK_CONSECUTIVE_MAX	1024
#define QLINK_MAX_TIME_MAX	86400000000000ULL

/**
 * struct qlink_create - a CREATE request, written to the socket
 * @create_id: chosen by the application, echoed in every record
 * @number: pairs wanted [1, %QLINK_CREATE_NUMBER_MAX]
 * @min_fidelity: ppm, pairs below it are not delivered; 0 = any
 * @purpose: 0 or the socket's purpose id
 * @max_time: ns from the request to its last pair, 0 = no deadline,
 *	at most %QLINK_MAX_TIME_MAX
 * @type: enum qlink_req_type
 * @basis: enum qlink_basis, for MEASURE and RSP
 * @priority: enum qlink_priority
 * @flags: QLINK_CREATE_*
 * @reserved: 0
 */
struct qlink_create {
	__u32 create_id;
	__u32 number;
	__u32 min_fidelity;
	__u32 purpose;
	__u64 max_time;
	__u8 type;
	__u8 basis;
	__u8 priority;
	__u8 flags;
	__u32 reserved;
};

/* struct qlink_record.kind */
#define QLINK_REC_OK		1
#define QLINK_REC_ERR		2

/* struct qlink_record.role: which side of the request the socket is */
#define QLINK_ROLE_CREATOR	1
#define QLINK_ROLE_RECEIVER	2

/* struct qlink_record.flags */
#define QLINK_REC_LAST		0x1	/* the request's last record */

/**
 * enum qlink_err - why a request failed (struct qlink_record.error)
 * @QLINK_ERR_UNSUPP: the link cannot do it (type, a basis its drivers
 *	cannot measure in (%QLINK_A_CAPS_MEASURE_BASES), fidelity above what
 *	the link gives, or equal to it on a link whose pairs decay, too many
 *	pairs for an atomic or consecutive request, no local peer end)
 * @QLINK_ERR_NOTIME: the deadline is shorter than the time the link
 *	needs for the pairs at its expected rate
 * @QLINK_ERR_NORES: a quota of the purpose is exhausted (or, for a
 *	consecutive request, cannot cover it)
 * @QLINK_ERR_TIMEOUT: the deadline passed
 * @QLINK_ERR_REJECTED: no socket at the other end receives the purpose
 * @QLINK_ERR_EXPIRE: pairs held for the request expired or decayed below
 *	its minimum fidelity before delivery (atomic requests): @seq ..
 *	@seq_last; the request goes on
 * @QLINK_ERR_OTHER: see @sys_errno: ENETDOWN (link down), ENODEV (link
 *	gone), ECONNRESET (the other end's socket closed), ECANCELED (this
 *	end's request was cancelled), ENOBUFS (a consecutive request's
 *	sockets had no room for its next record), or the error of a driver
 *	that failed to measure a qubit (ops->measure)
 */
enum qlink_err {
	QLINK_ERR_UNSUPP = 1,
	QLINK_ERR_NOTIME = 2,
	QLINK_ERR_NORES = 3,
	QLINK_ERR_TIMEOUT = 4,
	QLINK_ERR_REJECTED = 5,
	QLINK_ERR_EXPIRE = 6,
	QLINK_ERR_OTHER = 7,
};

/**
 * struct qlink_record - one result, read from the socket
 * @kind: QLINK_REC_OK or QLINK_REC_ERR
 * @role: QLINK_ROLE_*
 * @type: enum qlink_req_type of the request
 * @error: ERR: enum qlink_err
 * @create_id: the request's id (chosen by its creator)
 * @purpose: purpose id
 * @remote_link_id: link id of the other end (%QLINK_A_LINK_ID)
 * @seq: OK: the pair's sequence number; EXPIRE: first of the range
 * @seq_last: OK: @seq; EXPIRE: last of the range
 * @herald_time: OK: herald time, ps of the link's clock
 * @trace_id: OK: the pair's trace id (%QLINK_A_PAIR_TRACE_ID)
 * @pair_link_id: OK: link id naming the pair; with @seq the pair id
 * @fidelity: OK: estimated fidelity at delivery, ppm
 * @index: OK: number of this pair within the request, from 0; ERR: pairs
 *	delivered before the error
 * @slot: OK, kept qubit: memory slot, else %QLINK_SLOT_NONE
 * @bell_index: OK: Bell state 0..3 (Phi+, Phi-, Psi+, Psi-)
 * @outcome: OK, measured: 0 or 1
 * @basis: OK, measured: enum qlink_basis used (Z, X or Y)
 * @flags: QLINK_REC_*
 * @reserved: 0
 * @sys_errno: ERR: a positive errno detailing @error, or 0
 */
struct qlink_record {
	__u8 kind;
	__u8 role;
	__u8 type;
	__u8 error;
	__u32 create_id;
	__u32 purpose;
	__u32 remote_link_id;
	__u64 seq;
	__u64 seq_last;
	__u64 herald_time;
	__u64 trace_id;
	__u32 pair_link_id;
	__u32 fidelity;
	__u32 index;
	__u16 slot;
	__u8 bell_index;
	__u8 outcome;
	__u8 basis;
	__u8 flags;
	__u16 reserved;
	__s32 sys_errno;
};

#endif /* _UAPI_LINUX_QLINK_H */
