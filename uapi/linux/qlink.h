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

#define QLINK_GENL_NAME		"qlink"
#define QLINK_GENL_VERSION	1

/* Multicast group of link events (QLINK_CMD_LINK_*_NTF). */
#define QLINK_MCGRP_LINK_NAME	"link"

/* Version of the qlink core, as reported by QLINK_CMD_GET_VERSION. */
#define QLINK_VERSION_MAJOR	0
#define QLINK_VERSION_MINOR	2

/**
 * enum qlink_cmd - commands of the qlink generic netlink family
 * @QLINK_CMD_GET_VERSION: report the core version and the caller's netns
 *	cookie; takes no attributes, replies with %QLINK_A_VERSION_*.
 * @QLINK_CMD_LINK_GET: get one link (doit: %QLINK_A_IFINDEX or
 *	%QLINK_A_IFNAME required) or dump all links of the caller's netns
 *	(optionally filtered by %QLINK_A_IFINDEX / %QLINK_A_IFNAME). Replies
 *	carry the link attributes (see enum qlink_attr), %QLINK_A_LINK_CAPS,
 *	%QLINK_A_LINK_PARAMS and %QLINK_A_LINK_EXPECTED.
 * @QLINK_CMD_LINK_SET: change parameters of one link: %QLINK_A_IFINDEX or
 *	%QLINK_A_IFNAME, and %QLINK_A_LINK_PARAMS with the parameters to
 *	change. Needs CAP_NET_ADMIN in the user namespace owning the link's
 *	netns. All or nothing: an invalid parameter changes nothing.
 * @QLINK_CMD_STATS_GET: get (doit) or dump the %QLINK_A_STATS of links,
 *	selected like %QLINK_CMD_LINK_GET.
 * @QLINK_CMD_LINK_CREATE_NTF: event on group "link": a link appeared in
 *	the netns (created or moved in); carries what LINK_GET does.
 * @QLINK_CMD_LINK_DELETE_NTF: event: a link left the netns (deleted or
 *	moved out); carries %QLINK_A_IFINDEX, %QLINK_A_IFNAME, %QLINK_A_LINK_ID.
 * @QLINK_CMD_LINK_CHANGE_NTF: event: a link changed; %QLINK_A_LINK_CHANGE
 *	says what, the rest is what LINK_GET carries.
 */
enum qlink_cmd {
	QLINK_CMD_UNSPEC,
	QLINK_CMD_GET_VERSION,
	QLINK_CMD_LINK_GET,
	QLINK_CMD_LINK_SET,
	QLINK_CMD_STATS_GET,
	QLINK_CMD_LINK_CREATE_NTF,
	QLINK_CMD_LINK_DELETE_NTF,
	QLINK_CMD_LINK_CHANGE_NTF,

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
 * @QLINK_CHANGE_PARAMS: parameters changed
 * @QLINK_CHANGE_CARRIER: the carrier (able to herald) changed
 * @QLINK_CHANGE_NAME: the link was renamed
 */
enum qlink_link_change {
	QLINK_CHANGE_UP = 1,
	QLINK_CHANGE_DOWN = 2,
	QLINK_CHANGE_PARAMS = 3,
	QLINK_CHANGE_CARRIER = 4,
	QLINK_CHANGE_NAME = 5,
};

/**
 * enum qlink_attr - top-level attributes
 * @QLINK_A_PAD: padding for 64-bit attributes
 * @QLINK_A_VERSION_MAJOR: u32, core major version
 * @QLINK_A_VERSION_MINOR: u32, core minor version
 * @QLINK_A_GENL_VERSION: u32, family version (%QLINK_GENL_VERSION)
 * @QLINK_A_NETNS_COOKIE: u64, cookie of the netns that answered; two
 *	namespaces never share one, so tests can tell them apart
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
 * @QLINK_A_LINK_PARAMS: nest, enum qlink_param_attr
 * @QLINK_A_LINK_EXPECTED: nest, enum qlink_expected_attr; analytic rates
 *	the driver expects from its parameters (qlink.md §7)
 * @QLINK_A_LINK_CHANGE: u32, enum qlink_link_change (events only)
 * @QLINK_A_STATS: nest, enum qlink_stats_attr
 */
enum qlink_attr {
	QLINK_A_UNSPEC,
	QLINK_A_PAD,
	QLINK_A_VERSION_MAJOR,
	QLINK_A_VERSION_MINOR,
	QLINK_A_GENL_VERSION,
	QLINK_A_NETNS_COOKIE,
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
	QLINK_A_LINK_PARAMS,
	QLINK_A_LINK_EXPECTED,
	QLINK_A_LINK_CHANGE,
	QLINK_A_STATS,

	__QLINK_A_MAX,
	QLINK_A_MAX = __QLINK_A_MAX - 1
};

/**
 * enum qlink_caps_attr - what the driver of a link can do (read only)
 * @QLINK_A_CAPS_PAD: padding for 64-bit attributes
 * @QLINK_A_CAPS_HERALD_MODELS: u32, bit mask of 1 << enum qlink_herald_model
 * @QLINK_A_CAPS_MAX_RATE: u64, highest source pair rate, mHz
 * @QLINK_A_CAPS_MEMORY_SLOTS: u32, qubit memory slots (0: measure directly)
 * @QLINK_A_CAPS_PARAMS: u64, bit mask of 1 << enum qlink_param_attr: the
 *	parameters the driver implements; setting another one fails with
 *	EOPNOTSUPP
 */
enum qlink_caps_attr {
	QLINK_A_CAPS_UNSPEC,
	QLINK_A_CAPS_PAD,
	QLINK_A_CAPS_HERALD_MODELS,
	QLINK_A_CAPS_MAX_RATE,
	QLINK_A_CAPS_MEMORY_SLOTS,
	QLINK_A_CAPS_PARAMS,

	__QLINK_A_CAPS_MAX,
	QLINK_A_CAPS_MAX = __QLINK_A_CAPS_MAX - 1
};

/**
 * enum qlink_param_attr - link parameters (nested in %QLINK_A_LINK_PARAMS
 *	and, for qlinksim, in %IFLA_QLINKSIM_PARAMS at creation)
 *
 * "A" is the end created by RTM_NEWLINK, "B" its peer; both ends of a
 * simulated link report and change the same parameters. The allowed range
 * of each is given in brackets; a value outside it is rejected with an
 * extack message naming the parameter and the range.
 *
 * @QLINK_A_PARAM_PAD: padding for 64-bit attributes
 * @QLINK_A_PARAM_SOURCE_RATE: u64, pair source rate R, mHz
 *	[0, 1000000000000]; default 300000000 (3e5 pairs/s, SPDC)
 * @QLINK_A_PARAM_DET_EFF_A: u32, detector efficiency at end A, ppm
 *	[0, 1000000]; default 800000
 * @QLINK_A_PARAM_DET_EFF_B: u32, detector efficiency at end B, ppm
 *	[0, 1000000]; default 800000
 * @QLINK_A_PARAM_DARK_RATE: u32, dark count rate of each detector, mHz
 *	[0, 1000000000]; default 20000 (20 Hz)
 * @QLINK_A_PARAM_JITTER: u32, detector timing jitter (sigma), ps
 *	[0, 1000000]; default 50
 * @QLINK_A_PARAM_FIBER_LEN_A: u32, fiber length source to end A, metres
 *	[0, 1000000]; default 1000
 * @QLINK_A_PARAM_FIBER_LEN_B: u32, fiber length source to end B, metres
 *	[0, 1000000]; default 1000
 * @QLINK_A_PARAM_FIBER_LOSS: u32, fiber attenuation, mdB per km
 *	[0, 10000]; default 200 (0.2 dB/km)
 * @QLINK_A_PARAM_WINDOW: u32, coincidence window tau, ps
 *	[1, 10000000]; default 1000
 * @QLINK_A_PARAM_OFFSET: s64, detector B time offset subtracted before
 *	matching (fiber/cable delay), ps [-10^13, 10^13]; default 0
 * @QLINK_A_PARAM_FIDELITY: u32, initial pair fidelity F0, ppm
 *	[250000, 1000000]; default 970000
 * @QLINK_A_PARAM_COHERENCE: u64, memory coherence time T, ns
 *	[0, 10^15]; 0 means infinite (photonic, measured directly); default 0
 * @QLINK_A_PARAM_HERALD_MODEL: u32, enum qlink_herald_model [1, 2];
 *	default %QLINK_HERALD_TIME_TAGS. Cannot change while the link is up.
 * @QLINK_A_PARAM_SEED: u64, seed of the link's PRNG [0, 2^63 - 1]; 0 picks
 *	a random one (and reports it). Cannot change while the link is up.
 * @QLINK_A_PARAM_EXTRA_LOSS: u32, F1 fault: extra loss on the link, mdB,
 *	split evenly between the two arms [0, 100000]; default 0
 * @QLINK_A_PARAM_FIDELITY_DROP: u32, F2 fault: subtracted from F0, ppm
 *	[0, 750000]; F0 minus this must stay >= 250000; default 0
 * @QLINK_A_PARAM_COHERENCE_SCALE: u32, F3 fault: T is multiplied by this,
 *	ppm [1, 1000000]; default 1000000 (no fault)
 * @QLINK_A_PARAM_CTRL_DELAY: u64, F4 fault: delay added to the control
 *	path, ns [0, 60000000000]; default 0
 * @QLINK_A_PARAM_DEAD_TIME: u32, F5 fault: detector dead time, ns
 *	[0, 1000000000]; default 0
 * @QLINK_A_PARAM_MAX_DET_RATE: u64, F5 fault: detector saturation count
 *	rate, mHz [0, 10^13]; 0 means no limit; default 0
 * @QLINK_A_PARAM_SWAP_FAIL: u32, F6 fault: probability a swap fails, ppm
 *	[0, 1000000]; default 0
 * @QLINK_A_PARAM_BIT_FLIP: u32, F7 fault: probability a measured key bit
 *	is flipped, ppm [0, 1000000]; default 0
 * @QLINK_A_PARAM_OFFSET_DRIFT: s32, F8 fault: drift of the B time offset,
 *	ps per second [-1000000000, 1000000000]; default 0
 */
enum qlink_param_attr {
	QLINK_A_PARAM_UNSPEC,
	QLINK_A_PARAM_PAD,
	QLINK_A_PARAM_SOURCE_RATE,
	QLINK_A_PARAM_DET_EFF_A,
	QLINK_A_PARAM_DET_EFF_B,
	QLINK_A_PARAM_DARK_RATE,
	QLINK_A_PARAM_JITTER,
	QLINK_A_PARAM_FIBER_LEN_A,
	QLINK_A_PARAM_FIBER_LEN_B,
	QLINK_A_PARAM_FIBER_LOSS,
	QLINK_A_PARAM_WINDOW,
	QLINK_A_PARAM_OFFSET,
	QLINK_A_PARAM_FIDELITY,
	QLINK_A_PARAM_COHERENCE,
	QLINK_A_PARAM_HERALD_MODEL,
	QLINK_A_PARAM_SEED,
	QLINK_A_PARAM_EXTRA_LOSS,
	QLINK_A_PARAM_FIDELITY_DROP,
	QLINK_A_PARAM_COHERENCE_SCALE,
	QLINK_A_PARAM_CTRL_DELAY,
	QLINK_A_PARAM_DEAD_TIME,
	QLINK_A_PARAM_MAX_DET_RATE,
	QLINK_A_PARAM_SWAP_FAIL,
	QLINK_A_PARAM_BIT_FLIP,
	QLINK_A_PARAM_OFFSET_DRIFT,

	__QLINK_A_PARAM_MAX,
	QLINK_A_PARAM_MAX = __QLINK_A_PARAM_MAX - 1
};

/**
 * enum qlink_expected_attr - analytic expectations (read only)
 * @QLINK_A_EXP_PAD: padding for 64-bit attributes
 * @QLINK_A_EXP_HERALD_RATE: u64, true heralded pair rate, mHz:
 *	R * eta_A * eta_B * 10^(-loss_A/10) * 10^(-loss_B/10)
 * @QLINK_A_EXP_ACCIDENTAL_RATE: u64, accidental coincidence rate, mHz:
 *	S_A * S_B * tau, S = singles rate including dark counts
 * @QLINK_A_EXP_FIDELITY: u32, herald fidelity, ppm:
 *	(F0 * C_true + 1/4 * C_acc) / (C_true + C_acc); absent if no
 *	coincidence is expected at all
 * @QLINK_A_EXP_QBER: u32, expected quantum bit error rate, ppm:
 *	(1 - F) * 2/3; absent with %QLINK_A_EXP_FIDELITY
 * @QLINK_A_EXP_LOSS_A: u32, total loss of arm A, mdB
 * @QLINK_A_EXP_LOSS_B: u32, total loss of arm B, mdB
 */
enum qlink_expected_attr {
	QLINK_A_EXP_UNSPEC,
	QLINK_A_EXP_PAD,
	QLINK_A_EXP_HERALD_RATE,
	QLINK_A_EXP_ACCIDENTAL_RATE,
	QLINK_A_EXP_FIDELITY,
	QLINK_A_EXP_QBER,
	QLINK_A_EXP_LOSS_A,
	QLINK_A_EXP_LOSS_B,

	__QLINK_A_EXP_MAX,
	QLINK_A_EXP_MAX = __QLINK_A_EXP_MAX - 1
};

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
 * @QLINK_A_STATS_PARAM_CHANGES: u64, successful parameter changes
 * @QLINK_A_STATS_TX_DROPPED: u64, packets the stack tried to send on the
 *	link (a quantum link carries no packets: counted and dropped); also
 *	the device's tx_dropped
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

	__QLINK_A_STATS_MAX,
	QLINK_A_STATS_MAX = __QLINK_A_STATS_MAX - 1
};

/**
 * enum qlinksim_info_attr - IFLA_INFO_DATA of the "qlinksim" link kind
 * @IFLA_QLINKSIM_PEER: struct ifinfomsg followed by IFLA_* attributes of
 *	the peer (end B): IFLA_IFNAME, IFLA_NET_NS_PID / IFLA_NET_NS_FD, as
 *	VETH_INFO_PEER does for veth
 * @IFLA_QLINKSIM_PARAMS: nest, enum qlink_param_attr
 */
enum qlinksim_info_attr {
	IFLA_QLINKSIM_UNSPEC,
	IFLA_QLINKSIM_PEER,
	IFLA_QLINKSIM_PARAMS,

	__IFLA_QLINKSIM_MAX,
	IFLA_QLINKSIM_MAX = __IFLA_QLINKSIM_MAX - 1
};

#endif /* _UAPI_LINUX_QLINK_H */
