/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libqlink's attribute tables: one per nest of the uapi (names as
 * uapi/qlink.yaml spells them with '_' for '-', wire types), and the list
 * of nests. Only this file knows the attributes; a header generated from
 * the spec can replace it as is. Included once, by libqlink.c.
 */
#ifndef _QLINK_TABLES_H
#define _QLINK_TABLES_H

/* Top-level attributes the library reads. */
static const struct ql_attr_desc ql_top_attrs[QLINK_A_MAX + 1] = {
	[QLINK_A_IFINDEX]	= { "ifindex", QL_TYPE_U32 },
	[QLINK_A_IFNAME]	= { "ifname", QL_TYPE_STRING },
	[QLINK_A_LINK_ID]	= { "link_id", QL_TYPE_U32 },
	[QLINK_A_LINK_KIND]	= { "link_kind", QL_TYPE_STRING },
	[QLINK_A_LINK_UP]	= { "link_up", QL_TYPE_U8 },
	[QLINK_A_LINK_CARRIER]	= { "link_carrier", QL_TYPE_U8 },
	[QLINK_A_LINK_SIDE]	= { "link_side", QL_TYPE_U8 },
	[QLINK_A_LINK_PEER_IFINDEX]	= { "link_peer_ifindex", QL_TYPE_U32 },
	[QLINK_A_LINK_PEER_NETNS_COOKIE]	= { "link_peer_netns_cookie", QL_TYPE_U64 },
	[QLINK_A_LINK_CAPS]	= { "link_caps", QL_TYPE_NEST },
	[QLINK_A_LINK_CONFIG]	= { "link_config", QL_TYPE_NEST },
	[QLINK_A_LINK_CALIB]	= { "link_calib", QL_TYPE_NEST },
	[QLINK_A_LINK_CHANGE]	= { "link_change", QL_TYPE_U32 },
	[QLINK_A_STATS]	= { "stats", QL_TYPE_NEST },
	[QLINK_A_LINK_PAIR_ID]	= { "link_pair_id", QL_TYPE_U32 },
	[QLINK_A_LINK_TIME]	= { "link_time", QL_TYPE_U64 },
	[QLINK_A_PAIR]	= { "pair", QL_TYPE_NEST },
	[QLINK_A_SEQ_FIRST]	= { "seq_first", QL_TYPE_U64 },
	[QLINK_A_SEQ_LAST]	= { "seq_last", QL_TYPE_U64 },
	[QLINK_A_PAIR_COUNT]	= { "pair_count", QL_TYPE_U32 },
	[QLINK_A_DROP_REASON]	= { "drop_reason", QL_TYPE_U32 },
	[QLINK_A_PURPOSE]	= { "purpose", QL_TYPE_NEST },
	[QLINK_A_LINK_CLOCK_BASE]	= { "link_clock_base", QL_TYPE_U64 },
};

static const struct ql_attr_desc ql_caps_attrs[QLINK_A_CAPS_MAX + 1] = {
	[QLINK_A_CAPS_HERALD_MODELS]	= { "herald_models", QL_TYPE_U32 },
	[QLINK_A_CAPS_MAX_RATE]	= { "max_rate", QL_TYPE_U64 },
	[QLINK_A_CAPS_MEMORY_SLOTS]	= { "memory_slots", QL_TYPE_U32 },
	[QLINK_A_CAPS_MEASURE_BASES]	= { "measure_bases", QL_TYPE_U32 },
};

static const struct ql_attr_desc ql_config_attrs[QLINK_A_CONFIG_MAX + 1] = {
	[QLINK_A_CONFIG_WINDOW_FULL]	= { "window_full", QL_TYPE_U32 },
	[QLINK_A_CONFIG_OFFSET]	= { "offset", QL_TYPE_S64 },
	[QLINK_A_CONFIG_MAX_PAIRS]	= { "max_pairs", QL_TYPE_U32 },
	[QLINK_A_CONFIG_MEMORY_SLOTS]	= { "memory_slots", QL_TYPE_U32 },
	[QLINK_A_CONFIG_CUTOFF]	= { "cutoff", QL_TYPE_U64 },
	[QLINK_A_CONFIG_MIN_FIDELITY]	= { "min_fidelity", QL_TYPE_U32 },
};

static const struct ql_attr_desc ql_calib_attrs[QLINK_A_CALIB_MAX + 1] = {
	[QLINK_A_CALIB_FIDELITY]	= { "fidelity", QL_TYPE_U32 },
	[QLINK_A_CALIB_COHERENCE]	= { "coherence", QL_TYPE_U64 },
	[QLINK_A_CALIB_DET_EFF_A]	= { "det_eff_a", QL_TYPE_U32 },
	[QLINK_A_CALIB_DET_EFF_B]	= { "det_eff_b", QL_TYPE_U32 },
	[QLINK_A_CALIB_DARK_A]	= { "dark_a", QL_TYPE_U32 },
	[QLINK_A_CALIB_DARK_B]	= { "dark_b", QL_TYPE_U32 },
	[QLINK_A_CALIB_LOSS_A]	= { "loss_a", QL_TYPE_U32 },
	[QLINK_A_CALIB_LOSS_B]	= { "loss_b", QL_TYPE_U32 },
	[QLINK_A_CALIB_HERALD_RATE]	= { "herald_rate", QL_TYPE_U64 },
	[QLINK_A_CALIB_ACCIDENTAL_RATE]	= { "accidental_rate", QL_TYPE_U64 },
	[QLINK_A_CALIB_DIRECT]	= { "direct", QL_TYPE_U8 },
	[QLINK_A_CALIB_EXP_FIDELITY]	= { "exp_fidelity", QL_TYPE_U32 },
	[QLINK_A_CALIB_EXP_QBER]	= { "exp_qber", QL_TYPE_U32 },
};

static const struct ql_attr_desc ql_stats_attrs[QLINK_A_STATS_MAX + 1] = {
	[QLINK_A_STATS_ATTEMPTS]	= { "attempts", QL_TYPE_U64 },
	[QLINK_A_STATS_HERALDS]	= { "heralds", QL_TYPE_U64 },
	[QLINK_A_STATS_ACCIDENTALS]	= { "accidentals", QL_TYPE_U64 },
	[QLINK_A_STATS_DROPPED]	= { "dropped", QL_TYPE_U64 },
	[QLINK_A_STATS_PARAM_CHANGES]	= { "param_changes", QL_TYPE_U64 },
	[QLINK_A_STATS_TX_DROPPED]	= { "tx_dropped", QL_TYPE_U64 },
	[QLINK_A_STATS_TAGS_A]	= { "tags_a", QL_TYPE_U64 },
	[QLINK_A_STATS_TAGS_B]	= { "tags_b", QL_TYPE_U64 },
	[QLINK_A_STATS_COVERED_TIME]	= { "covered_time", QL_TYPE_U64 },
	[QLINK_A_STATS_LINK_TIME]	= { "link_time", QL_TYPE_U64 },
	[QLINK_A_STATS_HERALD_RATE]	= { "herald_rate", QL_TYPE_U64 },
	[QLINK_A_STATS_FIDELITY_HERALD]	= { "fidelity_herald", QL_TYPE_U32 },
	[QLINK_A_STATS_FIDELITY_TAKEN]	= { "fidelity_taken", QL_TYPE_U32 },
	[QLINK_A_STATS_TAKEN]	= { "taken", QL_TYPE_U64 },
	[QLINK_A_STATS_AGE_TAKEN]	= { "age_taken", QL_TYPE_U64 },
	[QLINK_A_STATS_LATENCY_MEAN]	= { "latency_mean", QL_TYPE_U64 },
	[QLINK_A_STATS_LATENCY_MAX]	= { "latency_max", QL_TYPE_U64 },
	[QLINK_A_STATS_LOSS_A_EST]	= { "loss_a_est", QL_TYPE_U32 },
	[QLINK_A_STATS_LOSS_B_EST]	= { "loss_b_est", QL_TYPE_U32 },
	[QLINK_A_STATS_OFFSET_EST]	= { "offset_est", QL_TYPE_S64 },
	[QLINK_A_STATS_OFFSET_ERROR]	= { "offset_error", QL_TYPE_S64 },
	[QLINK_A_STATS_PAIRS]	= { "pairs", QL_TYPE_U32 },
	[QLINK_A_STATS_SLOTS_USED]	= { "slots_used", QL_TYPE_U32 },
	[QLINK_A_STATS_DROPPED_FULL]	= { "dropped_full", QL_TYPE_U64 },
	[QLINK_A_STATS_DROPPED_SLOTS]	= { "dropped_slots", QL_TYPE_U64 },
	[QLINK_A_STATS_EXPIRED]	= { "expired", QL_TYPE_U64 },
	[QLINK_A_STATS_DISCARDED_LOW_F]	= { "discarded_low_f", QL_TYPE_U64 },
	[QLINK_A_STATS_FLUSHED]	= { "flushed", QL_TYPE_U64 },
	[QLINK_A_STATS_REJECTED]	= { "rejected", QL_TYPE_U64 },
	[QLINK_A_STATS_TAGS_REJECTED]	= { "tags_rejected", QL_TYPE_U64 },
	[QLINK_A_STATS_MATCH_OVERFLOW]	= { "match_overflow", QL_TYPE_U64 },
	[QLINK_A_STATS_EVENTS_LOST]	= { "events_lost", QL_TYPE_U64 },
	[QLINK_A_STATS_MAX_PAIRS]	= { "max_pairs", QL_TYPE_U32 },
	[QLINK_A_STATS_REQUESTS]	= { "requests", QL_TYPE_U64 },
	[QLINK_A_STATS_REQ_SUCCEEDED]	= { "req_succeeded", QL_TYPE_U64 },
	[QLINK_A_STATS_REQ_FAILED]	= { "req_failed", QL_TYPE_U64 },
	[QLINK_A_STATS_REQ_LATENCY_MEAN]	= { "req_latency_mean", QL_TYPE_U64 },
	[QLINK_A_STATS_REQ_LATENCY_MAX]	= { "req_latency_max", QL_TYPE_U64 },
	[QLINK_A_STATS_DELIVERED]	= { "delivered", QL_TYPE_U64 },
};

static const struct ql_attr_desc ql_pair_attrs[QLINK_A_PAIR_MAX + 1] = {
	[QLINK_A_PAIR_SEQ]	= { "seq", QL_TYPE_U64 },
	[QLINK_A_PAIR_LINK_ID]	= { "link_id", QL_TYPE_U32 },
	[QLINK_A_PAIR_TRACE_ID]	= { "trace_id", QL_TYPE_U64 },
	[QLINK_A_PAIR_HERALD_TIME]	= { "herald_time", QL_TYPE_U64 },
	[QLINK_A_PAIR_AGE]	= { "age", QL_TYPE_U64 },
	[QLINK_A_PAIR_FIDELITY_HERALD]	= { "fidelity_herald", QL_TYPE_U32 },
	[QLINK_A_PAIR_FIDELITY]	= { "fidelity", QL_TYPE_U32 },
	[QLINK_A_PAIR_BELL_INDEX]	= { "bell_index", QL_TYPE_U8 },
	[QLINK_A_PAIR_SLOT]	= { "slot", QL_TYPE_U32 },
	[QLINK_A_PAIR_STATE]	= { "state", QL_TYPE_U32 },
	[QLINK_A_PAIR_PURPOSE]	= { "purpose", QL_TYPE_U32 },
};

static const struct ql_attr_desc ql_purpose_attrs[QLINK_A_PURPOSE_MAX + 1] = {
	[QLINK_A_PURPOSE_ID]	= { "id", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_WEIGHT]	= { "weight", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_RATE]	= { "rate", QL_TYPE_U64 },
	[QLINK_A_PURPOSE_MAX_OUTSTANDING]	= { "max_outstanding", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_RESERVE]	= { "reserve", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_RESERVE_FIDELITY]	= { "reserve_fidelity", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_REQUESTS]	= { "requests", QL_TYPE_U64 },
	[QLINK_A_PURPOSE_REQ_SUCCEEDED]	= { "req_succeeded", QL_TYPE_U64 },
	[QLINK_A_PURPOSE_REQ_FAILED]	= { "req_failed", QL_TYPE_U64 },
	[QLINK_A_PURPOSE_DELIVERED]	= { "delivered", QL_TYPE_U64 },
	[QLINK_A_PURPOSE_OUTSTANDING]	= { "outstanding", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_RESERVED]	= { "reserved", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_RECEIVERS]	= { "receivers", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_OWNER_UID]	= { "owner_uid", QL_TYPE_U32 },
	[QLINK_A_PURPOSE_OWNER_GID]	= { "owner_gid", QL_TYPE_U32 },
};

static const struct ql_nest_desc ql_nests[] = {
	{ QL_NEST_TOP, "QLINK_A_", ql_top_attrs, QLINK_A_MAX },
	{ QLINK_A_LINK_CAPS, "QLINK_A_CAPS_", ql_caps_attrs, QLINK_A_CAPS_MAX },
	{ QLINK_A_LINK_CONFIG, "QLINK_A_CONFIG_", ql_config_attrs,
	  QLINK_A_CONFIG_MAX },
	{ QLINK_A_LINK_CALIB, "QLINK_A_CALIB_", ql_calib_attrs,
	  QLINK_A_CALIB_MAX },
	{ QLINK_A_STATS, "QLINK_A_STATS_", ql_stats_attrs, QLINK_A_STATS_MAX },
	{ QLINK_A_PAIR, "QLINK_A_PAIR_", ql_pair_attrs, QLINK_A_PAIR_MAX },
	{ QLINK_A_PURPOSE, "QLINK_A_PURPOSE_", ql_purpose_attrs,
	  QLINK_A_PURPOSE_MAX },
};

#endif /* _QLINK_TABLES_H */
