/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * qlink: quantum network links as Linux network devices.
 *
 * User API of the "qlink" generic netlink family. The family is per network
 * namespace (netnsok): every request is answered from, and acts on, the
 * caller's netns. Attribute and command numbers are ABI: append only.
 *
 * A quantum link is a net_device (dev->type ARPHRD_NONE, no IP, no ARP) of
 * one of the qlink driver kinds ("qlinksim", ...). It is found by ifindex or
 * by name in the caller's netns. Bringing it up starts pair generation,
 * down stops it; the carrier says the link is physically able to herald.
 *
 * Units: integers only. Rates are in milli-events per second ("mHz"),
 * probabilities, efficiencies and fidelities in parts per million ("ppm",
 * 1000000 = 1), lengths in metres, short times in picoseconds, long times
 * in nanoseconds, attenuation in milli-decibels (mdB). uapi/qlink.yaml
 * describes the same family and is checked against this file by a test.
 */
#ifndef _UAPI_LINUX_QLINK_H
#define _UAPI_LINUX_QLINK_H

#include <linux/types.h>
#include <linux/socket.h>

#define QLINK_GENL_NAME		"qlink"
#define QLINK_GENL_VERSION	1

/* Multicast group of link events (QLINK_CMD_LINK_*_NTF). */
#define QLINK_MCGRP_LINK_NAME	"link"
/* Multicast group of pair events (QLINK_CMD_PAIR_NTF, _DROP_NTF). */
#define QLINK_MCGRP_PAIRS_NAME	"pairs"

/**
 * enum qlink_cmd - commands of the qlink generic netlink family
 * @QLINK_CMD_LINK_GET: get one link (doit: %QLINK_A_IFINDEX or
 *	%QLINK_A_IFNAME required) or dump all links of the caller's netns
 *	(optionally filtered by %QLINK_A_IFINDEX / %QLINK_A_IFNAME). Replies
 *	carry the link attributes (see enum qlink_attr), %QLINK_A_LINK_CAPS,
 *	%QLINK_A_LINK_CONFIG and %QLINK_A_LINK_CALIB.
 * @QLINK_CMD_LINK_SET: change the configuration and/or the calibration of
 *	one link: %QLINK_A_IFINDEX or %QLINK_A_IFNAME, and
 *	%QLINK_A_LINK_CONFIG and/or %QLINK_A_LINK_CALIB with the values to
 *	change. Needs CAP_NET_ADMIN in the user namespaces owning the netns
 *	of both ends. All or nothing: an invalid value changes nothing.
 *	A driver's own settings (a simulator's physics) are not part of the
 *	family: they are attributes of its link kind (rtnetlink
 *	IFLA_INFO_DATA, see enum qlinksim_info_attr).
 * @QLINK_CMD_STATS_GET: get (doit) or dump the %QLINK_A_STATS of links,
 *	selected like %QLINK_CMD_LINK_GET.
 * @QLINK_CMD_LINK_CREATE_NTF: event on group "link": a link appeared in
 *	the netns (created or moved in); carries what LINK_GET does.
 * @QLINK_CMD_LINK_DELETE_NTF: event: a link left the netns (deleted or
 *	moved out); carries %QLINK_A_IFINDEX, %QLINK_A_IFNAME, %QLINK_A_LINK_ID.
 * @QLINK_CMD_LINK_CHANGE_NTF: event: a link changed; %QLINK_A_LINK_CHANGE
 *	says what, the rest is what LINK_GET carries.
 * @QLINK_CMD_PAIR_GET: dump the entangled pairs waiting in one link's
 *	buffer, oldest first, one message per pair: %QLINK_A_IFINDEX or
 *	%QLINK_A_IFNAME required; replies carry %QLINK_A_IFINDEX,
 *	%QLINK_A_LINK_ID, %QLINK_A_LINK_TIME and one %QLINK_A_PAIR. Pairs past
 *	their cutoff are expired (and reported) before the walk; age and
 *	current fidelity are computed at %QLINK_A_LINK_TIME.
 * @QLINK_CMD_PAIR_NTF: event on group "pairs": pairs were heralded into
 *	a link's buffer. One event per ingested batch, sent only while the
 *	group has listeners in the link's netns: %QLINK_A_IFINDEX,
 *	%QLINK_A_LINK_ID, %QLINK_A_LINK_TIME, %QLINK_A_SEQ_FIRST,
 *	%QLINK_A_SEQ_LAST, %QLINK_A_PAIR_COUNT (pairs of the batch) and the
 *	first %QLINK_NTF_PAIRS_MAX of them as %QLINK_A_PAIR nests (each with
 *	its trace id).
 * @QLINK_CMD_PAIR_DROP_NTF: event on group "pairs": pairs left a link's
 *	buffer unused; %QLINK_A_DROP_REASON says why, %QLINK_A_SEQ_FIRST ..
 *	%QLINK_A_SEQ_LAST the sequence range (pairs of that range that were
 *	taken earlier are not part of it), %QLINK_A_PAIR_COUNT how many. One
 *	event per batch and reason, sent only while the group has listeners.
 * @QLINK_CMD_PURPOSE_GET: get (doit: %QLINK_A_PURPOSE with its
 *	%QLINK_A_PURPOSE_ID) or dump the purposes of one link (%QLINK_A_IFINDEX
 *	or %QLINK_A_IFNAME required): each reply carries %QLINK_A_IFINDEX,
 *	%QLINK_A_LINK_ID and one %QLINK_A_PURPOSE with its configuration and
 *	counters. A purpose is listed while it is configured (it then stays
 *	until the link is deleted) or a socket is bound to it or it has
 *	requests. Both ends of a link share one scheduler: either end
 *	answers for both.
 * @QLINK_CMD_PURPOSE_SET: configure the scheduling of one purpose of a
 *	link (and its other end): %QLINK_A_IFINDEX or %QLINK_A_IFNAME and a
 *	%QLINK_A_PURPOSE nest with %QLINK_A_PURPOSE_ID and the settings to
 *	change (weight, quotas, reservation). Needs CAP_NET_ADMIN in the user
 *	namespace owning the link's netns.
 */
enum qlink_cmd {
	QLINK_CMD_UNSPEC,
	QLINK_CMD_LINK_GET,
	QLINK_CMD_LINK_SET,
	QLINK_CMD_STATS_GET,
	QLINK_CMD_LINK_CREATE_NTF,
	QLINK_CMD_LINK_DELETE_NTF,
	QLINK_CMD_LINK_CHANGE_NTF,
	QLINK_CMD_PAIR_GET,
	QLINK_CMD_PAIR_NTF,
	QLINK_CMD_PAIR_DROP_NTF,
	QLINK_CMD_PURPOSE_GET,
	QLINK_CMD_PURPOSE_SET,

	__QLINK_CMD_MAX,
	QLINK_CMD_MAX = __QLINK_CMD_MAX - 1
};

/**
 * enum qlink_herald_model - how a driver reports heralds (qlink.md §2)
 * @QLINK_HERALD_TIME_TAGS: photon time tags, coincidences found by the core
 * @QLINK_HERALD_EVENTS: herald events decided by the hardware (midpoint)
 */
enum qlink_herald_model {
	QLINK_HERALD_TIME_TAGS = 1,
	QLINK_HERALD_EVENTS = 2,
};

/**
 * enum qlink_link_change - what a %QLINK_CMD_LINK_CHANGE_NTF reports
 * @QLINK_CHANGE_UP: the link was brought up; generation started
 * @QLINK_CHANGE_DOWN: the link was brought down; generation stopped
 * @QLINK_CHANGE_CONFIG: the configuration (%QLINK_A_LINK_CONFIG) changed
 * @QLINK_CHANGE_CARRIER: the carrier (able to herald) changed
 * @QLINK_CHANGE_NAME: the link was renamed
 * @QLINK_CHANGE_CALIB: the calibration (%QLINK_A_LINK_CALIB) changed
 */
enum qlink_link_change {
	QLINK_CHANGE_UP = 1,
	QLINK_CHANGE_DOWN = 2,
	QLINK_CHANGE_CONFIG = 3,
	QLINK_CHANGE_CARRIER = 4,
	QLINK_CHANGE_NAME = 5,
	QLINK_CHANGE_CALIB = 6,
};

/* Pairs described in full in one %QLINK_CMD_PAIR_NTF. */
#define QLINK_NTF_PAIRS_MAX	8

/**
 * enum qlink_pair_state - state of a pair in a link's buffer
 * @QLINK_PAIR_READY: heralded, waiting, free for any request
 * @QLINK_PAIR_PROMISED: heralded and promised to a request
 */
enum qlink_pair_state {
	QLINK_PAIR_READY = 1,
	QLINK_PAIR_PROMISED = 2,
};

/**
 * enum qlink_drop_reason - why pairs left a buffer unused
 * @QLINK_DROP_EXPIRED: older than the link's cutoff (%QLINK_A_CONFIG_CUTOFF)
 * @QLINK_DROP_FULL: the buffer was full (%QLINK_A_CONFIG_MAX_PAIRS): the
 *	oldest pair made room for a new one
 * @QLINK_DROP_SLOTS: every memory slot was taken
 *	(%QLINK_A_CONFIG_MEMORY_SLOTS): the oldest slot-holding pair made room
 * @QLINK_DROP_LOW_FIDELITY: below a request's minimum fidelity
 * @QLINK_DROP_FLUSH: the link (re)started generating: its time base
 *	restarts, the pairs of the previous run are flushed
 */
enum qlink_drop_reason {
	QLINK_DROP_EXPIRED = 1,
	QLINK_DROP_FULL = 2,
	QLINK_DROP_SLOTS = 3,
	QLINK_DROP_LOW_FIDELITY = 4,
	QLINK_DROP_FLUSH = 5,
};

/**
 * enum qlink_attr - top-level attributes
 * @QLINK_A_PAD: padding for 64-bit attributes
 * @QLINK_A_IFINDEX: u32, ifindex of the link in the caller's netns
 * @QLINK_A_IFNAME: string, interface name of the link
 * @QLINK_A_LINK_ID: u32, id of the link, unique in the system for its
 *	lifetime (never reused while it exists; stable across netns moves)
 * @QLINK_A_LINK_KIND: string, driver kind ("qlinksim")
 * @QLINK_A_LINK_UP: u8, 1 if the link is up (generating), else 0
 * @QLINK_A_LINK_CARRIER: u8, 1 if the link can herald (carrier), else 0
 * @QLINK_A_LINK_SIDE: u8, which end of the fiber this device is: 0 = A
 *	(the device created by RTM_NEWLINK), 1 = B (its peer)
 * @QLINK_A_LINK_PEER_IFINDEX: u32, ifindex of the other end in its netns
 *	(simulated links only)
 * @QLINK_A_LINK_PEER_NETNS_COOKIE: u64, cookie of the other end's netns
 * @QLINK_A_LINK_CAPS: nest, enum qlink_caps_attr
 * @QLINK_A_LINK_CONFIG: nest, enum qlink_config_attr: what every link has
 * @QLINK_A_LINK_CALIB: nest, enum qlink_calib_attr: what the link's
 *	estimators and scheduler assume of its hardware
 * @QLINK_A_LINK_CHANGE: u32, enum qlink_link_change (events only)
 * @QLINK_A_STATS: nest, enum qlink_stats_attr
 * @QLINK_A_LINK_PAIR_ID: u32, the link id that names this link's pairs:
 *	a pair is known to both ends as (pair link id, sequence number). It
 *	is the %QLINK_A_LINK_ID of the end that decides the heralds (for
 *	qlinksim, end A, which runs the coincidence logic), so both ends of
 *	a link report the same value.
 * @QLINK_A_LINK_TIME: u64, time of the link's clock when the message was
 *	made, ps since the link started generating (herald times use the
 *	same clock)
 * @QLINK_A_PAIR: nest, enum qlink_pair_attr: one pair
 * @QLINK_A_SEQ_FIRST: u64, first sequence number of a range
 * @QLINK_A_SEQ_LAST: u64, last sequence number of a range (inclusive)
 * @QLINK_A_PAIR_COUNT: u32, number of pairs an event reports
 * @QLINK_A_DROP_REASON: u32, enum qlink_drop_reason
 * @QLINK_A_PURPOSE: nest, enum qlink_purpose_attr: one purpose
 * @QLINK_A_LINK_CLOCK_BASE: u64, CLOCK_MONOTONIC time (ns) of the link
 *	clock's zero: herald times (ps) of pairs and records map to the
 *	system clock as base + herald_time / 1000. Absent before the link
 *	first started generating.
 */
enum qlink_attr {
	QLINK_A_UNSPEC,
	QLINK_A_PAD,
	QLINK_A_IFINDEX,
	QLINK_A_IFNAME,
	QLINK_A_LINK_ID,
	QLINK_A_LINK_KIND,
	QLINK_A_LINK_UP,
	QLINK_A_LINK_CARRIER,
	QLINK_A_LINK_SIDE,
	QLINK_A_LINK_PEER_IFINDEX,
	QLINK_A_LINK_PEER_NETNS_COOKIE,
	QLINK_A_LINK_CAPS,
	QLINK_A_LINK_CONFIG,
	QLINK_A_LINK_CALIB,
	QLINK_A_LINK_CHANGE,
	QLINK_A_STATS,
	QLINK_A_LINK_PAIR_ID,
	QLINK_A_LINK_TIME,
	QLINK_A_PAIR,
	QLINK_A_SEQ_FIRST,
	QLINK_A_SEQ_LAST,
	QLINK_A_PAIR_COUNT,
	QLINK_A_DROP_REASON,
	QLINK_A_PURPOSE,
	QLINK_A_LINK_CLOCK_BASE,

	__QLINK_A_MAX,
	QLINK_A_MAX = __QLINK_A_MAX - 1
};

/**
 * enum qlink_caps_attr - what the driver of a link can do (read only)
 * @QLINK_A_CAPS_PAD: padding for 64-bit attributes
 * @QLINK_A_CAPS_HERALD_MODELS: u32, bitset of enum qlink_herald_model:
 *	bit (1 << model) set for each model the driver reports heralds by
 * @QLINK_A_CAPS_MAX_RATE: u64, highest pair (attempt) rate, mHz
 * @QLINK_A_CAPS_MEMORY_SLOTS: u32, qubit memory slots (0: measure directly)
 * @QLINK_A_CAPS_MEASURE_BASES: u32, bitset of enum qlink_basis: bit
 *	(1 << basis) set for each basis (Z, X, Y) the driver can measure a
 *	pair's qubits in; 0 if it cannot measure (MEASURE and RSP requests
 *	fail with %QLINK_ERR_UNSUPP)
 */
enum qlink_caps_attr {
	QLINK_A_CAPS_UNSPEC,
	QLINK_A_CAPS_PAD,
	QLINK_A_CAPS_HERALD_MODELS,
	QLINK_A_CAPS_MAX_RATE,
	QLINK_A_CAPS_MEMORY_SLOTS,
	QLINK_A_CAPS_MEASURE_BASES,

	__QLINK_A_CAPS_MAX,
	QLINK_A_CAPS_MAX = __QLINK_A_CAPS_MAX - 1
};

/**
 * enum qlink_config_attr - configuration every link has (nested in
 *	%QLINK_A_LINK_CONFIG), set by an operator with %QLINK_CMD_LINK_SET
 *
 * Both ends of a link share one configuration: a change at either end
 * applies to both. The allowed range of each value is given in brackets
 * (the policy checks it; the extended ACK names the attribute and carries
 * the range).
 *
 * @QLINK_A_CONFIG_PAD: padding for 64-bit attributes
 * @QLINK_A_CONFIG_WINDOW_FULL: u32, coincidence window, full width tau, ps
 *	[1, 10000000]; default 1000. Tags a (end A) and b (end B) coincide
 *	iff |a - (b - offset)| <= tau/2 (rounded down, both ends inclusive).
 * @QLINK_A_CONFIG_OFFSET: s64, time offset of end B's detector
 *	subtracted before matching (fiber and cable delays), ps
 *	[-10^13, 10^13]; default 0
 * @QLINK_A_CONFIG_MAX_PAIRS: u32, capacity of the link's pair buffer,
 *	pairs [1, 1048576]; default 1024. A full buffer drops its oldest
 *	pair (%QLINK_DROP_FULL). The buffer is allocated when the link is
 *	created and reallocated (empty) when it next starts generating: a
 *	change takes effect at the next link up.
 * @QLINK_A_CONFIG_MEMORY_SLOTS: u32, qubit memory slots pairs may hold
 *	[0, 65535], at most %QLINK_A_CAPS_MEMORY_SLOTS; 0 (default) means
 *	all of them. When all are taken the oldest slot-holding pair is
 *	dropped (%QLINK_DROP_SLOTS). Photonic pairs measured directly
 *	(time-tag heralding) hold no slot.
 * @QLINK_A_CONFIG_CUTOFF: u64, cutoff age, ns [0, 10^15]; 0 (default)
 *	means none. A pair older than this is expired (%QLINK_DROP_EXPIRED).
 */
enum qlink_config_attr {
	QLINK_A_CONFIG_UNSPEC,
	QLINK_A_CONFIG_PAD,
	QLINK_A_CONFIG_WINDOW_FULL,
	QLINK_A_CONFIG_OFFSET,
	QLINK_A_CONFIG_MAX_PAIRS,
	QLINK_A_CONFIG_MEMORY_SLOTS,
	QLINK_A_CONFIG_CUTOFF,

	__QLINK_A_CONFIG_MAX,
	QLINK_A_CONFIG_MAX = __QLINK_A_CONFIG_MAX - 1
};

/**
 * enum qlink_calib_attr - calibration of a link (nested in
 *	%QLINK_A_LINK_CALIB): what the core's estimators and scheduler assume
 *	of the hardware. The driver reports it (from its measurements, or a
 *	simulator from its model) and an operator may set it with
 *	%QLINK_CMD_LINK_SET; the last report or setting holds. The core never
 *	assumes how the values came about. Ranges in brackets.
 *
 * @QLINK_A_CALIB_PAD: padding for 64-bit attributes
 * @QLINK_A_CALIB_FIDELITY: u32, fidelity F0 of a true herald, ppm
 *	[250000, 1000000]; default 1000000
 * @QLINK_A_CALIB_COHERENCE: u64, memory coherence time T, ns [0, 10^15];
 *	0 (default) means no decay (photons measured directly). A pair's
 *	fidelity decays as a Werner state: F(t) = 1/4 + (F0 - 1/4) e^(-t/T).
 * @QLINK_A_CALIB_DET_EFF_A: u32, detection efficiency of end A's
 *	detector, ppm [0, 1000000]; default 1000000. With the singles and
 *	coincidence counts it gives the loss estimates of the statistics.
 * @QLINK_A_CALIB_DET_EFF_B: u32, the same of end B's detector
 * @QLINK_A_CALIB_DARK_A: u32, dark count rate of end A's detector, mHz
 *	[0, 10^9]; default 0
 * @QLINK_A_CALIB_DARK_B: u32, the same of end B's detector
 * @QLINK_A_CALIB_LOSS_A: u32, expected loss of arm A between source and
 *	detector, mdB [0, 10^6]; default 0
 * @QLINK_A_CALIB_LOSS_B: u32, the same of arm B
 * @QLINK_A_CALIB_HERALD_RATE: u64, expected rate of true heralds the
 *	link counts, mHz [0, 10^13]; default 0 (no heralds expected:
 *	requests with a deadline fail with %QLINK_ERR_NOTIME)
 * @QLINK_A_CALIB_ACCIDENTAL_RATE: u64, expected rate of accidental
 *	heralds the link counts, mHz [0, 10^13]; default 0
 * @QLINK_A_CALIB_DIRECT: u8, 1 if the detectors measure the photons
 *	(direct detection: the detector that clicked is the measurement,
 *	as in BBM92 receivers with a passive basis choice), else 0
 *	(default). Pairs then carry both ends' basis and outcome: MEASURE
 *	requests with %QLINK_BASIS_RANDOM are served from them; KEEP, RSP
 *	and MEASURE with a chosen basis fail with %QLINK_ERR_UNSUPP.
 * @QLINK_A_CALIB_EXP_FIDELITY: u32, read only: expected herald fidelity,
 *	ppm: (F0 C_true + C_acc / 4) / (C_true + C_acc); absent if no herald
 *	is expected
 * @QLINK_A_CALIB_EXP_QBER: u32, read only: expected quantum bit error
 *	rate in a common basis, ppm: (1 - F) 2/3; absent with
 *	%QLINK_A_CALIB_EXP_FIDELITY
 */
enum qlink_calib_attr {
	QLINK_A_CALIB_UNSPEC,
	QLINK_A_CALIB_PAD,
	QLINK_A_CALIB_FIDELITY,
	QLINK_A_CALIB_COHERENCE,
	QLINK_A_CALIB_DET_EFF_A,
	QLINK_A_CALIB_DET_EFF_B,
	QLINK_A_CALIB_DARK_A,
	QLINK_A_CALIB_DARK_B,
	QLINK_A_CALIB_LOSS_A,
	QLINK_A_CALIB_LOSS_B,
	QLINK_A_CALIB_HERALD_RATE,
	QLINK_A_CALIB_ACCIDENTAL_RATE,
	QLINK_A_CALIB_DIRECT,
	QLINK_A_CALIB_EXP_FIDELITY,
	QLINK_A_CALIB_EXP_QBER,

	__QLINK_A_CALIB_MAX,
	QLINK_A_CALIB_MAX = __QLINK_A_CALIB_MAX - 1
};

/* No memory slot (struct qlink_record.slot, %QLINK_A_PAIR_SLOT absent). */
#define QLINK_SLOT_NONE		0xffff

/**
 * enum qlink_stats_attr - link statistics, counters since creation
 * @QLINK_A_STATS_PAD: padding for 64-bit attributes
 * @QLINK_A_STATS_ATTEMPTS: u64, generation attempts (herald events model)
 *	or time tags received (time tags model)
 * @QLINK_A_STATS_HERALDS: u64, heralded pairs
 * @QLINK_A_STATS_ACCIDENTALS: u64, heralds known to be accidental
 *	(simulator)
 * @QLINK_A_STATS_DROPPED: u64, heralds dropped (no memory, malformed,
 *	late); also the device's rx_dropped
 * @QLINK_A_STATS_PARAM_CHANGES: u64, changes of the configuration or the
 *	calibration
 * @QLINK_A_STATS_TX_DROPPED: u64, packets the stack tried to send on the
 *	link (a quantum link carries no packets: counted and dropped); also
 *	the device's tx_dropped
 *
 * Heralding path (qlink.md §8 M1, M2, M3, M5, M6, M10); rates and means
 * are over the link's clock since it last started generating:
 * @QLINK_A_STATS_TAGS_A: u64, time tags ingested on channel A (singles)
 * @QLINK_A_STATS_TAGS_B: u64, time tags ingested on channel B (singles)
 * @QLINK_A_STATS_COVERED_TIME: u64, ps of link time the driver has
 *	reported on (the sum of its batches' spans): measured rates are
 *	counts divided by this
 * @QLINK_A_STATS_LINK_TIME: u64, ps, the link's clock now
 * @QLINK_A_STATS_HERALD_RATE: u64, M1: heralds of the last complete
 *	second of herald time, mHz
 * @QLINK_A_STATS_FIDELITY_HERALD: u32, M2: mean fidelity at herald, ppm
 *	(absent before the first herald)
 * @QLINK_A_STATS_FIDELITY_TAKEN: u32, M2: mean fidelity of the pairs
 *	taken (delivered), ppm, at the time of taking (absent before any)
 * @QLINK_A_STATS_TAKEN: u64, pairs taken (delivered)
 * @QLINK_A_STATS_AGE_TAKEN: u64, M5: mean age of the pairs taken, ns
 * @QLINK_A_STATS_LATENCY_MEAN: u64, M6: mean herald latency, ns: herald
 *	time to the pair being readable in the buffer
 * @QLINK_A_STATS_LATENCY_MAX: u64, M6: largest herald latency, ns
 * @QLINK_A_STATS_LOSS_A_EST: u32, M3: loss of arm A estimated from the
 *	measured rates, mdB: -10 log10(C / ((S_B - d) eta_A)), with C the
 *	coincidences less the expected accidentals, d the dark count rate
 *	and eta_A the configured detector efficiency (time-tag links; absent
 *	until there are coincidences)
 * @QLINK_A_STATS_LOSS_B_EST: u32, M3: the same for arm B, mdB
 * @QLINK_A_STATS_OFFSET_EST: s64, M10: B-A delay measured from the
 *	matched pairs (moving average over about 256 coincidences), ps
 * @QLINK_A_STATS_OFFSET_ERROR: s64, M10: %QLINK_A_STATS_OFFSET_EST minus
 *	the configured %QLINK_A_CONFIG_OFFSET, ps (calibration drift)
 * @QLINK_A_STATS_PAIRS: u32, pairs in the buffer now
 * @QLINK_A_STATS_SLOTS_USED: u32, memory slots held by them
 * @QLINK_A_STATS_DROPPED_FULL: u64, pairs dropped, buffer full
 * @QLINK_A_STATS_DROPPED_SLOTS: u64, pairs dropped, memory slots full
 * @QLINK_A_STATS_EXPIRED: u64, pairs expired (past the cutoff)
 * @QLINK_A_STATS_DISCARDED_LOW_F: u64, pairs discarded below a request's
 *	minimum fidelity
 * @QLINK_A_STATS_FLUSHED: u64, pairs flushed when the link restarted
 * @QLINK_A_STATS_REJECTED: u64, heralds refused (bad Bell index, herald
 *	time or sequence number going backwards, no memory at all)
 * @QLINK_A_STATS_TAGS_REJECTED: u64, time tags refused by the matcher
 *	(out of order or beyond the time base)
 * @QLINK_A_STATS_MATCH_OVERFLOW: u64, coincidences lost to the per-batch
 *	output limit or the matcher's carry limit
 * @QLINK_A_STATS_EVENTS_LOST: u64, pair events not sent (no memory)
 * @QLINK_A_STATS_MAX_PAIRS: u32, capacity of the buffer now
 *
 * Requests of AF_QLINK sockets (qlink.md §4, §8 M7, M9), counted at the
 * end where they were created, since creation of the link:
 * @QLINK_A_STATS_REQUESTS: u64, CREATE requests received
 * @QLINK_A_STATS_REQ_SUCCEEDED: u64, requests that got all their pairs
 * @QLINK_A_STATS_REQ_FAILED: u64, requests that ended with an ERR record
 *	(M7, the success ratio, is succeeded / (succeeded + failed))
 * @QLINK_A_STATS_REQ_LATENCY_MEAN: u64, M9: mean time from a request to
 *	its first pair, ns
 * @QLINK_A_STATS_REQ_LATENCY_MAX: u64, M9: the largest, ns
 * @QLINK_A_STATS_DELIVERED: u64, pairs delivered to sockets (both ends
 *	of a pair count once, at the creating end)
 */
enum qlink_stats_attr {
	QLINK_A_STATS_UNSPEC,
	QLINK_A_STATS_PAD,
	QLINK_A_STATS_ATTEMPTS,
	QLINK_A_STATS_HERALDS,
	QLINK_A_STATS_ACCIDENTALS,
	QLINK_A_STATS_DROPPED,
	QLINK_A_STATS_PARAM_CHANGES,
	QLINK_A_STATS_TX_DROPPED,
	QLINK_A_STATS_TAGS_A,
	QLINK_A_STATS_TAGS_B,
	QLINK_A_STATS_COVERED_TIME,
	QLINK_A_STATS_LINK_TIME,
	QLINK_A_STATS_HERALD_RATE,
	QLINK_A_STATS_FIDELITY_HERALD,
	QLINK_A_STATS_FIDELITY_TAKEN,
	QLINK_A_STATS_TAKEN,
	QLINK_A_STATS_AGE_TAKEN,
	QLINK_A_STATS_LATENCY_MEAN,
	QLINK_A_STATS_LATENCY_MAX,
	QLINK_A_STATS_LOSS_A_EST,
	QLINK_A_STATS_LOSS_B_EST,
	QLINK_A_STATS_OFFSET_EST,
	QLINK_A_STATS_OFFSET_ERROR,
	QLINK_A_STATS_PAIRS,
	QLINK_A_STATS_SLOTS_USED,
	QLINK_A_STATS_DROPPED_FULL,
	QLINK_A_STATS_DROPPED_SLOTS,
	QLINK_A_STATS_EXPIRED,
	QLINK_A_STATS_DISCARDED_LOW_F,
	QLINK_A_STATS_FLUSHED,
	QLINK_A_STATS_REJECTED,
	QLINK_A_STATS_TAGS_REJECTED,
	QLINK_A_STATS_MATCH_OVERFLOW,
	QLINK_A_STATS_EVENTS_LOST,
	QLINK_A_STATS_MAX_PAIRS,
	QLINK_A_STATS_REQUESTS,
	QLINK_A_STATS_REQ_SUCCEEDED,
	QLINK_A_STATS_REQ_FAILED,
	QLINK_A_STATS_REQ_LATENCY_MEAN,
	QLINK_A_STATS_REQ_LATENCY_MAX,
	QLINK_A_STATS_DELIVERED,

	__QLINK_A_STATS_MAX,
	QLINK_A_STATS_MAX = __QLINK_A_STATS_MAX - 1
};

/**
 * enum qlink_pair_attr - one entangled pair (nested in %QLINK_A_PAIR)
 * @QLINK_A_PAIR_PAD: padding for 64-bit attributes
 * @QLINK_A_PAIR_SEQ: u64, sequence number; with %QLINK_A_PAIR_LINK_ID the
 *	pair's id, the same at both ends of the link
 * @QLINK_A_PAIR_LINK_ID: u32, the link id naming the pair (see
 *	%QLINK_A_LINK_PAIR_ID)
 * @QLINK_A_PAIR_TRACE_ID: u64, trace id that follows the pair through
 *	events, tracepoints and the tools: (pair link id << 40) | (seq mod
 *	2^40), the same at both ends
 * @QLINK_A_PAIR_HERALD_TIME: u64, herald time, ps of the link's clock
 * @QLINK_A_PAIR_AGE: u64, age at %QLINK_A_LINK_TIME, ps
 * @QLINK_A_PAIR_FIDELITY_HERALD: u32, fidelity at herald, ppm
 * @QLINK_A_PAIR_FIDELITY: u32, fidelity now (Werner decay with the link's
 *	coherence time %QLINK_A_CALIB_COHERENCE), ppm
 * @QLINK_A_PAIR_BELL_INDEX: u8, Bell state 0..3: Phi+, Phi-, Psi+, Psi-
 * @QLINK_A_PAIR_SLOT: u32, memory slot (absent if it holds none)
 * @QLINK_A_PAIR_STATE: u32, enum qlink_pair_state
 * @QLINK_A_PAIR_PURPOSE: u32, purpose id it was generated for, 0 = any
 */
enum qlink_pair_attr {
	QLINK_A_PAIR_UNSPEC,
	QLINK_A_PAIR_PAD,
	QLINK_A_PAIR_SEQ,
	QLINK_A_PAIR_LINK_ID,
	QLINK_A_PAIR_TRACE_ID,
	QLINK_A_PAIR_HERALD_TIME,
	QLINK_A_PAIR_AGE,
	QLINK_A_PAIR_FIDELITY_HERALD,
	QLINK_A_PAIR_FIDELITY,
	QLINK_A_PAIR_BELL_INDEX,
	QLINK_A_PAIR_SLOT,
	QLINK_A_PAIR_STATE,
	QLINK_A_PAIR_PURPOSE,

	__QLINK_A_PAIR_MAX,
	QLINK_A_PAIR_MAX = __QLINK_A_PAIR_MAX - 1
};

/**
 * enum qlink_purpose_attr - scheduling of one purpose id on a link
 *	(nested in %QLINK_A_PURPOSE; qlink.md §5)
 * @QLINK_A_PURPOSE_PAD: padding for 64-bit attributes
 * @QLINK_A_PURPOSE_ID: u32, purpose id [1, 2^32 - 1]
 * @QLINK_A_PURPOSE_WEIGHT: u32, weight in the fair queueing between the
 *	purposes of one priority class [1, 1000000], default 1: backlogged
 *	purposes get pairs in proportion to their weights
 * @QLINK_A_PURPOSE_RATE: u64, quota: pairs per second (mHz) the purpose
 *	may get [0, %QLINK_PURPOSE_RATE_MAX], 0 = no limit (default). A token
 *	bucket of one second's worth: pairs beyond it wait.
 * @QLINK_A_PURPOSE_MAX_OUTSTANDING: u32, quota: requests the purpose may
 *	have queued at once, 0 = no limit (default); more are refused with
 *	%QLINK_ERR_NORES
 * @QLINK_A_PURPOSE_RESERVE: u32, reservation: pairs kept generated for
 *	the purpose [0, %QLINK_RESERVE_MAX], default 0. Interactive requests
 *	of the purpose are served from them at once.
 * @QLINK_A_PURPOSE_RESERVE_FIDELITY: u32, ppm: reserved pairs must have
 *	at least this fidelity (they are dropped and replaced when they decay
 *	below it), default 0
 * @QLINK_A_PURPOSE_OWNER_UID: u32, only this user (in the caller's user
 *	namespace) may bind sockets to the purpose, besides holders of
 *	CAP_NET_ADMIN over the link's netns; %QLINK_OWNER_NONE (default)
 *	removes the restriction
 * @QLINK_A_PURPOSE_OWNER_GID: u32, as %QLINK_A_PURPOSE_OWNER_UID for the
 *	members of a group; with both set, either suffices
 *
 * Read only, since the link was created:
 * @QLINK_A_PURPOSE_REQUESTS: u64, requests received
 * @QLINK_A_PURPOSE_REQ_SUCCEEDED: u64, requests that got all their pairs
 * @QLINK_A_PURPOSE_REQ_FAILED: u64, requests that ended with an ERR
 * @QLINK_A_PURPOSE_DELIVERED: u64, pairs delivered
 * @QLINK_A_PURPOSE_OUTSTANDING: u32, requests queued now
 * @QLINK_A_PURPOSE_RESERVED: u32, reserved pairs held now
 * @QLINK_A_PURPOSE_RECEIVERS: u32, sockets that accept RECEIVE for the
 *	purpose now (either end)
 */
enum qlink_purpose_attr {
	QLINK_A_PURPOSE_UNSPEC,
	QLINK_A_PURPOSE_PAD,
	QLINK_A_PURPOSE_ID,
	QLINK_A_PURPOSE_WEIGHT,
	QLINK_A_PURPOSE_RATE,
	QLINK_A_PURPOSE_MAX_OUTSTANDING,
	QLINK_A_PURPOSE_RESERVE,
	QLINK_A_PURPOSE_RESERVE_FIDELITY,
	QLINK_A_PURPOSE_REQUESTS,
	QLINK_A_PURPOSE_REQ_SUCCEEDED,
	QLINK_A_PURPOSE_REQ_FAILED,
	QLINK_A_PURPOSE_DELIVERED,
	QLINK_A_PURPOSE_OUTSTANDING,
	QLINK_A_PURPOSE_RESERVED,
	QLINK_A_PURPOSE_RECEIVERS,
	QLINK_A_PURPOSE_OWNER_UID,
	QLINK_A_PURPOSE_OWNER_GID,

	__QLINK_A_PURPOSE_MAX,
	QLINK_A_PURPOSE_MAX = __QLINK_A_PURPOSE_MAX - 1
};

/* Largest %QLINK_A_PURPOSE_RESERVE. */
#define QLINK_RESERVE_MAX	1024
#define QLINK_WEIGHT_MAX	1000000
/* Largest %QLINK_A_PURPOSE_RATE, mHz: 10^9 pairs/s, a link's maximum. */
#define QLINK_PURPOSE_RATE_MAX	1000000000000ULL
/* %QLINK_A_PURPOSE_OWNER_UID / _GID: no owner. */
#define QLINK_OWNER_NONE	0xffffffffU
/*
 * Purposes below this are privileged, as ports below 1024 are: binding a
 * socket to one needs CAP_NET_BIND_SERVICE over the link's netns, unless
 * the purpose's owner (%QLINK_A_PURPOSE_OWNER_UID / _GID) allows it.
 */
#define QLINK_PURPOSE_PROT	1024

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

	__IFLA_QLINKSIM_MAX,
	IFLA_QLINKSIM_MAX = __IFLA_QLINKSIM_MAX - 1
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
