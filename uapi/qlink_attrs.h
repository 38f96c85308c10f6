/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	uapi/qlink.yaml */
/* by scripts/ynl_gen.py attrs */

/*
 * The attribute sets of the "qlink" family for userspace: per set, each
 * attribute's spec name, wire type, nested set and allowed range (the
 * spec's checks, else the whole range of its type). Index a set's
 * table with the attribute number.
 */
#ifndef _QLINK_ATTRS_H
#define _QLINK_ATTRS_H

#include <stdint.h>
#include <linux/qlink.h>

enum qlink_attr_type {
	QLINK_AT_UNUSED,
	QLINK_AT_PAD,
	QLINK_AT_FLAG,
	QLINK_AT_U8,
	QLINK_AT_U16,
	QLINK_AT_U32,
	QLINK_AT_U64,
	QLINK_AT_S32,
	QLINK_AT_S64,
	QLINK_AT_STRING,
	QLINK_AT_BINARY,
	QLINK_AT_NEST,
};

/* The attribute sets, indexes of qlink_attr_sets[]. */
enum qlink_attr_set_id {
	QLINK_ASET_QLINK,
	QLINK_ASET_CAPS,
	QLINK_ASET_CONFIG,
	QLINK_ASET_CALIB,
	QLINK_ASET_STATS,
	QLINK_ASET_PAIR,
	QLINK_ASET_PURPOSE,
	QLINK_ASET_COUNT
};

/**
 * struct qlink_attr_info - one attribute
 * @name: its name in the spec; NULL for a number the set does not use
 * @c_name: the same with '_' for '-', as C and JSON spell it
 * @type: enum qlink_attr_type
 * @nest: enum qlink_attr_set_id of a nest's attributes, else -1
 * @max_len: longest string (without its NUL), 0: no limit
 * @smin: smallest value of a signed integer
 * @smax: largest value of a signed integer
 * @umin: smallest value of an unsigned integer
 * @umax: largest value of an unsigned integer
 */
struct qlink_attr_info {
	const char *name;
	const char *c_name;
	uint8_t type;
	int8_t nest;
	uint16_t max_len;
	int64_t smin;
	int64_t smax;
	uint64_t umin;
	uint64_t umax;
};

static const struct qlink_attr_info qlink_attrs_qlink[QLINK_A_MAX + 1] = {
	[QLINK_A_UNSPEC] = {
		.name = "unspec",
		.c_name = "unspec",
		.type = QLINK_AT_UNUSED,
		.nest = -1,
	},
	[QLINK_A_PAD] = {
		.name = "pad",
		.c_name = "pad",
		.type = QLINK_AT_PAD,
		.nest = -1,
	},
	[QLINK_A_IFINDEX] = {
		.name = "ifindex",
		.c_name = "ifindex",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 1ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_IFNAME] = {
		.name = "ifname",
		.c_name = "ifname",
		.type = QLINK_AT_STRING,
		.nest = -1,
		.max_len = 15,
	},
	[QLINK_A_LINK_ID] = {
		.name = "link-id",
		.c_name = "link_id",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_LINK_KIND] = {
		.name = "link-kind",
		.c_name = "link_kind",
		.type = QLINK_AT_STRING,
		.nest = -1,
	},
	[QLINK_A_LINK_UP] = {
		.name = "link-up",
		.c_name = "link_up",
		.type = QLINK_AT_U8,
		.nest = -1,
		.umin = 0ULL,
		.umax = 255ULL,
	},
	[QLINK_A_LINK_CARRIER] = {
		.name = "link-carrier",
		.c_name = "link_carrier",
		.type = QLINK_AT_U8,
		.nest = -1,
		.umin = 0ULL,
		.umax = 255ULL,
	},
	[QLINK_A_LINK_SIDE] = {
		.name = "link-side",
		.c_name = "link_side",
		.type = QLINK_AT_U8,
		.nest = -1,
		.umin = 0ULL,
		.umax = 255ULL,
	},
	[QLINK_A_LINK_PEER_IFINDEX] = {
		.name = "link-peer-ifindex",
		.c_name = "link_peer_ifindex",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_LINK_PEER_NETNS_COOKIE] = {
		.name = "link-peer-netns-cookie",
		.c_name = "link_peer_netns_cookie",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_LINK_CAPS] = {
		.name = "link-caps",
		.c_name = "link_caps",
		.type = QLINK_AT_NEST,
		.nest = QLINK_ASET_CAPS,
	},
	[QLINK_A_LINK_CONFIG] = {
		.name = "link-config",
		.c_name = "link_config",
		.type = QLINK_AT_NEST,
		.nest = QLINK_ASET_CONFIG,
	},
	[QLINK_A_LINK_CALIB] = {
		.name = "link-calib",
		.c_name = "link_calib",
		.type = QLINK_AT_NEST,
		.nest = QLINK_ASET_CALIB,
	},
	[QLINK_A_LINK_CHANGE] = {
		.name = "link-change",
		.c_name = "link_change",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS] = {
		.name = "stats",
		.c_name = "stats",
		.type = QLINK_AT_NEST,
		.nest = QLINK_ASET_STATS,
	},
	[QLINK_A_LINK_PAIR_ID] = {
		.name = "link-pair-id",
		.c_name = "link_pair_id",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_LINK_TIME] = {
		.name = "link-time",
		.c_name = "link_time",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PAIR] = {
		.name = "pair",
		.c_name = "pair",
		.type = QLINK_AT_NEST,
		.nest = QLINK_ASET_PAIR,
	},
	[QLINK_A_SEQ_FIRST] = {
		.name = "seq-first",
		.c_name = "seq_first",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_SEQ_LAST] = {
		.name = "seq-last",
		.c_name = "seq_last",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PAIR_COUNT] = {
		.name = "pair-count",
		.c_name = "pair_count",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_DROP_REASON] = {
		.name = "drop-reason",
		.c_name = "drop_reason",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PURPOSE] = {
		.name = "purpose",
		.c_name = "purpose",
		.type = QLINK_AT_NEST,
		.nest = QLINK_ASET_PURPOSE,
	},
	[QLINK_A_LINK_CLOCK_BASE] = {
		.name = "link-clock-base",
		.c_name = "link_clock_base",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
};

static const struct qlink_attr_info qlink_attrs_caps[QLINK_A_CAPS_MAX + 1] = {
	[QLINK_A_CAPS_UNSPEC] = {
		.name = "unspec",
		.c_name = "unspec",
		.type = QLINK_AT_UNUSED,
		.nest = -1,
	},
	[QLINK_A_CAPS_PAD] = {
		.name = "pad",
		.c_name = "pad",
		.type = QLINK_AT_PAD,
		.nest = -1,
	},
	[QLINK_A_CAPS_HERALD_MODELS] = {
		.name = "herald-models",
		.c_name = "herald_models",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_CAPS_MAX_RATE] = {
		.name = "max-rate",
		.c_name = "max_rate",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_CAPS_MEMORY_SLOTS] = {
		.name = "memory-slots",
		.c_name = "memory_slots",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_CAPS_MEASURE_BASES] = {
		.name = "measure-bases",
		.c_name = "measure_bases",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
};

static const struct qlink_attr_info qlink_attrs_config[QLINK_A_CONFIG_MAX + 1] = {
	[QLINK_A_CONFIG_UNSPEC] = {
		.name = "unspec",
		.c_name = "unspec",
		.type = QLINK_AT_UNUSED,
		.nest = -1,
	},
	[QLINK_A_CONFIG_PAD] = {
		.name = "pad",
		.c_name = "pad",
		.type = QLINK_AT_PAD,
		.nest = -1,
	},
	[QLINK_A_CONFIG_WINDOW_FULL] = {
		.name = "window-full",
		.c_name = "window_full",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 1ULL,
		.umax = 10000000ULL,
	},
	[QLINK_A_CONFIG_OFFSET] = {
		.name = "offset",
		.c_name = "offset",
		.type = QLINK_AT_S64,
		.nest = -1,
		.smin = -10000000000000LL,
		.smax = 10000000000000LL,
	},
	[QLINK_A_CONFIG_MAX_PAIRS] = {
		.name = "max-pairs",
		.c_name = "max_pairs",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 1ULL,
		.umax = 1048576ULL,
	},
	[QLINK_A_CONFIG_MEMORY_SLOTS] = {
		.name = "memory-slots",
		.c_name = "memory_slots",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 65535ULL,
	},
	[QLINK_A_CONFIG_CUTOFF] = {
		.name = "cutoff",
		.c_name = "cutoff",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000000000000ULL,
	},
	[QLINK_A_CONFIG_MIN_FIDELITY] = {
		.name = "min-fidelity",
		.c_name = "min_fidelity",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000ULL,
	},
};

static const struct qlink_attr_info qlink_attrs_calib[QLINK_A_CALIB_MAX + 1] = {
	[QLINK_A_CALIB_UNSPEC] = {
		.name = "unspec",
		.c_name = "unspec",
		.type = QLINK_AT_UNUSED,
		.nest = -1,
	},
	[QLINK_A_CALIB_PAD] = {
		.name = "pad",
		.c_name = "pad",
		.type = QLINK_AT_PAD,
		.nest = -1,
	},
	[QLINK_A_CALIB_FIDELITY] = {
		.name = "fidelity",
		.c_name = "fidelity",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 250000ULL,
		.umax = 1000000ULL,
	},
	[QLINK_A_CALIB_COHERENCE] = {
		.name = "coherence",
		.c_name = "coherence",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000000000000ULL,
	},
	[QLINK_A_CALIB_DET_EFF_A] = {
		.name = "det-eff-a",
		.c_name = "det_eff_a",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000ULL,
	},
	[QLINK_A_CALIB_DET_EFF_B] = {
		.name = "det-eff-b",
		.c_name = "det_eff_b",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000ULL,
	},
	[QLINK_A_CALIB_DARK_A] = {
		.name = "dark-a",
		.c_name = "dark_a",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000000ULL,
	},
	[QLINK_A_CALIB_DARK_B] = {
		.name = "dark-b",
		.c_name = "dark_b",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000000ULL,
	},
	[QLINK_A_CALIB_LOSS_A] = {
		.name = "loss-a",
		.c_name = "loss_a",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000ULL,
	},
	[QLINK_A_CALIB_LOSS_B] = {
		.name = "loss-b",
		.c_name = "loss_b",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000ULL,
	},
	[QLINK_A_CALIB_HERALD_RATE] = {
		.name = "herald-rate",
		.c_name = "herald_rate",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 10000000000000ULL,
	},
	[QLINK_A_CALIB_ACCIDENTAL_RATE] = {
		.name = "accidental-rate",
		.c_name = "accidental_rate",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 10000000000000ULL,
	},
	[QLINK_A_CALIB_DIRECT] = {
		.name = "direct",
		.c_name = "direct",
		.type = QLINK_AT_U8,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1ULL,
	},
	[QLINK_A_CALIB_EXP_FIDELITY] = {
		.name = "exp-fidelity",
		.c_name = "exp_fidelity",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_CALIB_EXP_QBER] = {
		.name = "exp-qber",
		.c_name = "exp_qber",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
};

static const struct qlink_attr_info qlink_attrs_stats[QLINK_A_STATS_MAX + 1] = {
	[QLINK_A_STATS_UNSPEC] = {
		.name = "unspec",
		.c_name = "unspec",
		.type = QLINK_AT_UNUSED,
		.nest = -1,
	},
	[QLINK_A_STATS_PAD] = {
		.name = "pad",
		.c_name = "pad",
		.type = QLINK_AT_PAD,
		.nest = -1,
	},
	[QLINK_A_STATS_ATTEMPTS] = {
		.name = "attempts",
		.c_name = "attempts",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_HERALDS] = {
		.name = "heralds",
		.c_name = "heralds",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_ACCIDENTALS] = {
		.name = "accidentals",
		.c_name = "accidentals",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_DROPPED] = {
		.name = "dropped",
		.c_name = "dropped",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_PARAM_CHANGES] = {
		.name = "param-changes",
		.c_name = "param_changes",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_TX_DROPPED] = {
		.name = "tx-dropped",
		.c_name = "tx_dropped",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_TAGS_A] = {
		.name = "tags-a",
		.c_name = "tags_a",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_TAGS_B] = {
		.name = "tags-b",
		.c_name = "tags_b",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_COVERED_TIME] = {
		.name = "covered-time",
		.c_name = "covered_time",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_LINK_TIME] = {
		.name = "link-time",
		.c_name = "link_time",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_HERALD_RATE] = {
		.name = "herald-rate",
		.c_name = "herald_rate",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_FIDELITY_HERALD] = {
		.name = "fidelity-herald",
		.c_name = "fidelity_herald",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS_FIDELITY_TAKEN] = {
		.name = "fidelity-taken",
		.c_name = "fidelity_taken",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS_TAKEN] = {
		.name = "taken",
		.c_name = "taken",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_AGE_TAKEN] = {
		.name = "age-taken",
		.c_name = "age_taken",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_LATENCY_MEAN] = {
		.name = "latency-mean",
		.c_name = "latency_mean",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_LATENCY_MAX] = {
		.name = "latency-max",
		.c_name = "latency_max",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_LOSS_A_EST] = {
		.name = "loss-a-est",
		.c_name = "loss_a_est",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS_LOSS_B_EST] = {
		.name = "loss-b-est",
		.c_name = "loss_b_est",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS_OFFSET_EST] = {
		.name = "offset-est",
		.c_name = "offset_est",
		.type = QLINK_AT_S64,
		.nest = -1,
		.smin = INT64_MIN,
		.smax = 9223372036854775807LL,
	},
	[QLINK_A_STATS_OFFSET_ERROR] = {
		.name = "offset-error",
		.c_name = "offset_error",
		.type = QLINK_AT_S64,
		.nest = -1,
		.smin = INT64_MIN,
		.smax = 9223372036854775807LL,
	},
	[QLINK_A_STATS_PAIRS] = {
		.name = "pairs",
		.c_name = "pairs",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS_SLOTS_USED] = {
		.name = "slots-used",
		.c_name = "slots_used",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS_DROPPED_FULL] = {
		.name = "dropped-full",
		.c_name = "dropped_full",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_DROPPED_SLOTS] = {
		.name = "dropped-slots",
		.c_name = "dropped_slots",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_EXPIRED] = {
		.name = "expired",
		.c_name = "expired",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_DISCARDED_LOW_F] = {
		.name = "discarded-low-f",
		.c_name = "discarded_low_f",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_FLUSHED] = {
		.name = "flushed",
		.c_name = "flushed",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_REJECTED] = {
		.name = "rejected",
		.c_name = "rejected",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_TAGS_REJECTED] = {
		.name = "tags-rejected",
		.c_name = "tags_rejected",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_MATCH_OVERFLOW] = {
		.name = "match-overflow",
		.c_name = "match_overflow",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_EVENTS_LOST] = {
		.name = "events-lost",
		.c_name = "events_lost",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_MAX_PAIRS] = {
		.name = "max-pairs",
		.c_name = "max_pairs",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_STATS_REQUESTS] = {
		.name = "requests",
		.c_name = "requests",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_REQ_SUCCEEDED] = {
		.name = "req-succeeded",
		.c_name = "req_succeeded",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_REQ_FAILED] = {
		.name = "req-failed",
		.c_name = "req_failed",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_REQ_LATENCY_MEAN] = {
		.name = "req-latency-mean",
		.c_name = "req_latency_mean",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_REQ_LATENCY_MAX] = {
		.name = "req-latency-max",
		.c_name = "req_latency_max",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_STATS_DELIVERED] = {
		.name = "delivered",
		.c_name = "delivered",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
};

static const struct qlink_attr_info qlink_attrs_pair[QLINK_A_PAIR_MAX + 1] = {
	[QLINK_A_PAIR_UNSPEC] = {
		.name = "unspec",
		.c_name = "unspec",
		.type = QLINK_AT_UNUSED,
		.nest = -1,
	},
	[QLINK_A_PAIR_PAD] = {
		.name = "pad",
		.c_name = "pad",
		.type = QLINK_AT_PAD,
		.nest = -1,
	},
	[QLINK_A_PAIR_SEQ] = {
		.name = "seq",
		.c_name = "seq",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PAIR_LINK_ID] = {
		.name = "link-id",
		.c_name = "link_id",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PAIR_TRACE_ID] = {
		.name = "trace-id",
		.c_name = "trace_id",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PAIR_HERALD_TIME] = {
		.name = "herald-time",
		.c_name = "herald_time",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PAIR_AGE] = {
		.name = "age",
		.c_name = "age",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PAIR_FIDELITY_HERALD] = {
		.name = "fidelity-herald",
		.c_name = "fidelity_herald",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PAIR_FIDELITY] = {
		.name = "fidelity",
		.c_name = "fidelity",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PAIR_BELL_INDEX] = {
		.name = "bell-index",
		.c_name = "bell_index",
		.type = QLINK_AT_U8,
		.nest = -1,
		.umin = 0ULL,
		.umax = 255ULL,
	},
	[QLINK_A_PAIR_SLOT] = {
		.name = "slot",
		.c_name = "slot",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PAIR_STATE] = {
		.name = "state",
		.c_name = "state",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PAIR_PURPOSE] = {
		.name = "purpose",
		.c_name = "purpose",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
};

static const struct qlink_attr_info qlink_attrs_purpose[QLINK_A_PURPOSE_MAX + 1] = {
	[QLINK_A_PURPOSE_UNSPEC] = {
		.name = "unspec",
		.c_name = "unspec",
		.type = QLINK_AT_UNUSED,
		.nest = -1,
	},
	[QLINK_A_PURPOSE_PAD] = {
		.name = "pad",
		.c_name = "pad",
		.type = QLINK_AT_PAD,
		.nest = -1,
	},
	[QLINK_A_PURPOSE_ID] = {
		.name = "id",
		.c_name = "id",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 1ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PURPOSE_WEIGHT] = {
		.name = "weight",
		.c_name = "weight",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 1ULL,
		.umax = 1000000ULL,
	},
	[QLINK_A_PURPOSE_RATE] = {
		.name = "rate",
		.c_name = "rate",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000000000ULL,
	},
	[QLINK_A_PURPOSE_MAX_OUTSTANDING] = {
		.name = "max-outstanding",
		.c_name = "max_outstanding",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PURPOSE_RESERVE] = {
		.name = "reserve",
		.c_name = "reserve",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1024ULL,
	},
	[QLINK_A_PURPOSE_RESERVE_FIDELITY] = {
		.name = "reserve-fidelity",
		.c_name = "reserve_fidelity",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 1000000ULL,
	},
	[QLINK_A_PURPOSE_REQUESTS] = {
		.name = "requests",
		.c_name = "requests",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PURPOSE_REQ_SUCCEEDED] = {
		.name = "req-succeeded",
		.c_name = "req_succeeded",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PURPOSE_REQ_FAILED] = {
		.name = "req-failed",
		.c_name = "req_failed",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PURPOSE_DELIVERED] = {
		.name = "delivered",
		.c_name = "delivered",
		.type = QLINK_AT_U64,
		.nest = -1,
		.umin = 0ULL,
		.umax = 18446744073709551615ULL,
	},
	[QLINK_A_PURPOSE_OUTSTANDING] = {
		.name = "outstanding",
		.c_name = "outstanding",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PURPOSE_RESERVED] = {
		.name = "reserved",
		.c_name = "reserved",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PURPOSE_RECEIVERS] = {
		.name = "receivers",
		.c_name = "receivers",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PURPOSE_OWNER_UID] = {
		.name = "owner-uid",
		.c_name = "owner_uid",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
	[QLINK_A_PURPOSE_OWNER_GID] = {
		.name = "owner-gid",
		.c_name = "owner_gid",
		.type = QLINK_AT_U32,
		.nest = -1,
		.umin = 0ULL,
		.umax = 4294967295ULL,
	},
};

static const struct qlink_attr_set {
	const char *name;
	const struct qlink_attr_info *attrs;
	int max;
} qlink_attr_sets[QLINK_ASET_COUNT] = {
	[QLINK_ASET_QLINK] = { "qlink", qlink_attrs_qlink, QLINK_A_MAX },
	[QLINK_ASET_CAPS] = { "caps", qlink_attrs_caps, QLINK_A_CAPS_MAX },
	[QLINK_ASET_CONFIG] = { "config", qlink_attrs_config, QLINK_A_CONFIG_MAX },
	[QLINK_ASET_CALIB] = { "calib", qlink_attrs_calib, QLINK_A_CALIB_MAX },
	[QLINK_ASET_STATS] = { "stats", qlink_attrs_stats, QLINK_A_STATS_MAX },
	[QLINK_ASET_PAIR] = { "pair", qlink_attrs_pair, QLINK_A_PAIR_MAX },
	[QLINK_ASET_PURPOSE] = { "purpose", qlink_attrs_purpose, QLINK_A_PURPOSE_MAX },
};

/* Bytes of an integer attribute on the wire, 0 for other types. */
static inline int qlink_attr_width(const struct qlink_attr_info *a)
{
	switch (a->type) {
	case QLINK_AT_U8:
		return 1;
	case QLINK_AT_U16:
		return 2;
	case QLINK_AT_U32:
	case QLINK_AT_S32:
		return 4;
	case QLINK_AT_U64:
	case QLINK_AT_S64:
		return 8;
	}
	return 0;
}

#endif /* _QLINK_ATTRS_H */
