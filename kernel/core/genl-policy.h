/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	uapi/qlink.yaml */
/* by scripts/ynl_gen.py policy */

/*
 * Request policies of the family for kernel/core/genl.c, which alone
 * includes this file: a 6.1 genl_ops has one policy for do and dump.
 */
#ifndef _QLINK_GENL_POLICY_H
#define _QLINK_GENL_POLICY_H

#include <net/netlink.h>
#include <linux/qlink.h>

/* Integer value ranges */
static struct netlink_range_validation qlink_a_config_window_full_range = {
	.min	= 1ULL,
	.max	= 10000000ULL,
};

static struct netlink_range_validation_signed qlink_a_config_offset_range = {
	.min	= QLINK_OFFSET_MIN,
	.max	= QLINK_OFFSET_MAX,
};

static struct netlink_range_validation qlink_a_config_max_pairs_range = {
	.min	= 1ULL,
	.max	= 1048576ULL,
};

static struct netlink_range_validation qlink_a_config_memory_slots_range = {
	.min	= 0ULL,
	.max	= 65535ULL,
};

static struct netlink_range_validation qlink_a_config_cutoff_range = {
	.min	= 0ULL,
	.max	= 1000000000000000ULL,
};

static struct netlink_range_validation qlink_a_config_min_fidelity_range = {
	.min	= 0ULL,
	.max	= 1000000ULL,
};

static struct netlink_range_validation qlink_a_calib_fidelity_range = {
	.min	= 250000ULL,
	.max	= 1000000ULL,
};

static struct netlink_range_validation qlink_a_calib_coherence_range = {
	.min	= 0ULL,
	.max	= 1000000000000000ULL,
};

static struct netlink_range_validation qlink_a_calib_det_eff_a_range = {
	.min	= 0ULL,
	.max	= 1000000ULL,
};

static struct netlink_range_validation qlink_a_calib_det_eff_b_range = {
	.min	= 0ULL,
	.max	= 1000000ULL,
};

static struct netlink_range_validation qlink_a_calib_dark_a_range = {
	.min	= 0ULL,
	.max	= 1000000000ULL,
};

static struct netlink_range_validation qlink_a_calib_dark_b_range = {
	.min	= 0ULL,
	.max	= 1000000000ULL,
};

static struct netlink_range_validation qlink_a_calib_loss_a_range = {
	.min	= 0ULL,
	.max	= 1000000ULL,
};

static struct netlink_range_validation qlink_a_calib_loss_b_range = {
	.min	= 0ULL,
	.max	= 1000000ULL,
};

static struct netlink_range_validation qlink_a_calib_herald_rate_range = {
	.min	= 0ULL,
	.max	= 10000000000000ULL,
};

static struct netlink_range_validation qlink_a_calib_accidental_rate_range = {
	.min	= 0ULL,
	.max	= 10000000000000ULL,
};

static struct netlink_range_validation qlink_a_peer_timeout_range = {
	.min	= 100ULL,
	.max	= 600000ULL,
};

static struct netlink_range_validation qlink_a_peer_keepalive_range = {
	.min	= 10ULL,
	.max	= 60000ULL,
};

static struct netlink_range_validation qlink_a_purpose_weight_range = {
	.min	= 1ULL,
	.max	= QLINK_WEIGHT_MAX,
};

static struct netlink_range_validation qlink_a_purpose_rate_range = {
	.min	= 0ULL,
	.max	= QLINK_PURPOSE_RATE_MAX,
};

static struct netlink_range_validation qlink_a_purpose_reserve_fidelity_range = {
	.min	= 0ULL,
	.max	= 1000000ULL,
};

/* Common nested types */
extern const struct nla_policy qlink_calib_nl_policy[QLINK_A_CALIB_EXP_QBER + 1];
const struct nla_policy qlink_calib_nl_policy[QLINK_A_CALIB_EXP_QBER + 1] = {
	[QLINK_A_CALIB_FIDELITY] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_calib_fidelity_range),
	[QLINK_A_CALIB_COHERENCE] = NLA_POLICY_FULL_RANGE(NLA_U64, &qlink_a_calib_coherence_range),
	[QLINK_A_CALIB_DET_EFF_A] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_calib_det_eff_a_range),
	[QLINK_A_CALIB_DET_EFF_B] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_calib_det_eff_b_range),
	[QLINK_A_CALIB_DARK_A] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_calib_dark_a_range),
	[QLINK_A_CALIB_DARK_B] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_calib_dark_b_range),
	[QLINK_A_CALIB_LOSS_A] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_calib_loss_a_range),
	[QLINK_A_CALIB_LOSS_B] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_calib_loss_b_range),
	[QLINK_A_CALIB_HERALD_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &qlink_a_calib_herald_rate_range),
	[QLINK_A_CALIB_ACCIDENTAL_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &qlink_a_calib_accidental_rate_range),
	[QLINK_A_CALIB_DIRECT] = NLA_POLICY_MAX(NLA_U8, 1),
	[QLINK_A_CALIB_EXP_FIDELITY] = { .type = NLA_U32, },
	[QLINK_A_CALIB_EXP_QBER] = { .type = NLA_U32, },
};

extern const struct nla_policy qlink_config_nl_policy[QLINK_A_CONFIG_MIN_FIDELITY + 1];
const struct nla_policy qlink_config_nl_policy[QLINK_A_CONFIG_MIN_FIDELITY + 1] = {
	[QLINK_A_CONFIG_WINDOW_FULL] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_config_window_full_range),
	[QLINK_A_CONFIG_OFFSET] = NLA_POLICY_FULL_RANGE_SIGNED(NLA_S64, &qlink_a_config_offset_range),
	[QLINK_A_CONFIG_MAX_PAIRS] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_config_max_pairs_range),
	[QLINK_A_CONFIG_MEMORY_SLOTS] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_config_memory_slots_range),
	[QLINK_A_CONFIG_CUTOFF] = NLA_POLICY_FULL_RANGE(NLA_U64, &qlink_a_config_cutoff_range),
	[QLINK_A_CONFIG_MIN_FIDELITY] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_config_min_fidelity_range),
};

extern const struct nla_policy qlink_peer_nl_policy[QLINK_A_PEER_CLOCK_OFFSET_ERROR + 1];
const struct nla_policy qlink_peer_nl_policy[QLINK_A_PEER_CLOCK_OFFSET_ERROR + 1] = {
	[QLINK_A_PEER_ADDRESS] = NLA_POLICY_MIN_LEN(4),
	[QLINK_A_PEER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[QLINK_A_PEER_LOCAL_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[QLINK_A_PEER_NETNS_FD] = { .type = NLA_S32, },
	[QLINK_A_PEER_KEY] = NLA_POLICY_EXACT_LEN(32),
	[QLINK_A_PEER_ROLE] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[QLINK_A_PEER_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_peer_timeout_range),
	[QLINK_A_PEER_KEEPALIVE] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_peer_keepalive_range),
	[QLINK_A_PEER_CLEAR] = { .type = NLA_FLAG, },
	[QLINK_A_PEER_FINGERPRINT] = { .type = NLA_U64, },
	[QLINK_A_PEER_STATE] = NLA_POLICY_RANGE(NLA_U32, 1, 5),
	[QLINK_A_PEER_EPOCH] = { .type = NLA_U64, },
	[QLINK_A_PEER_PEER_EPOCH] = { .type = NLA_U64, },
	[QLINK_A_PEER_RTT] = { .type = NLA_U64, },
	[QLINK_A_PEER_CLOCK_OFFSET] = { .type = NLA_S64, },
	[QLINK_A_PEER_CLOCK_OFFSET_ERROR] = { .type = NLA_U64, },
};

extern const struct nla_policy qlink_purpose_nl_policy[QLINK_A_PURPOSE_OWNER_GID + 1];
const struct nla_policy qlink_purpose_nl_policy[QLINK_A_PURPOSE_OWNER_GID + 1] = {
	[QLINK_A_PURPOSE_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_PURPOSE_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_purpose_weight_range),
	[QLINK_A_PURPOSE_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &qlink_a_purpose_rate_range),
	[QLINK_A_PURPOSE_MAX_OUTSTANDING] = { .type = NLA_U32, },
	[QLINK_A_PURPOSE_RESERVE] = NLA_POLICY_RANGE(NLA_U32, 0, QLINK_RESERVE_MAX),
	[QLINK_A_PURPOSE_RESERVE_FIDELITY] = NLA_POLICY_FULL_RANGE(NLA_U32, &qlink_a_purpose_reserve_fidelity_range),
	[QLINK_A_PURPOSE_REQUESTS] = { .type = NLA_U64, },
	[QLINK_A_PURPOSE_REQ_SUCCEEDED] = { .type = NLA_U64, },
	[QLINK_A_PURPOSE_REQ_FAILED] = { .type = NLA_U64, },
	[QLINK_A_PURPOSE_DELIVERED] = { .type = NLA_U64, },
	[QLINK_A_PURPOSE_OUTSTANDING] = { .type = NLA_U32, },
	[QLINK_A_PURPOSE_RESERVED] = { .type = NLA_U32, },
	[QLINK_A_PURPOSE_RECEIVERS] = { .type = NLA_U32, },
	[QLINK_A_PURPOSE_OWNER_UID] = { .type = NLA_U32, },
	[QLINK_A_PURPOSE_OWNER_GID] = { .type = NLA_U32, },
};

/* QLINK_CMD_LINK_GET - do and dump */
static const struct nla_policy qlink_link_get_nl_policy[QLINK_A_IFNAME + 1] = {
	[QLINK_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* QLINK_CMD_LINK_SET - do */
static const struct nla_policy qlink_link_set_nl_policy[QLINK_A_LINK_PEER + 1] = {
	[QLINK_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[QLINK_A_LINK_CONFIG] = NLA_POLICY_NESTED(qlink_config_nl_policy),
	[QLINK_A_LINK_CALIB] = NLA_POLICY_NESTED(qlink_calib_nl_policy),
	[QLINK_A_LINK_PEER] = NLA_POLICY_NESTED(qlink_peer_nl_policy),
};

/* QLINK_CMD_STATS_GET - do and dump */
static const struct nla_policy qlink_stats_get_nl_policy[QLINK_A_IFNAME + 1] = {
	[QLINK_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* QLINK_CMD_PAIR_GET - dump */
static const struct nla_policy qlink_pair_get_nl_policy[QLINK_A_IFNAME + 1] = {
	[QLINK_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* QLINK_CMD_PURPOSE_GET - do and dump */
static const struct nla_policy qlink_purpose_get_nl_policy[QLINK_A_PURPOSE + 1] = {
	[QLINK_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[QLINK_A_PURPOSE] = NLA_POLICY_NESTED(qlink_purpose_nl_policy),
};

/* QLINK_CMD_PURPOSE_SET - do */
static const struct nla_policy qlink_purpose_set_nl_policy[QLINK_A_PURPOSE + 1] = {
	[QLINK_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[QLINK_A_PURPOSE] = NLA_POLICY_NESTED(qlink_purpose_nl_policy),
};

#endif /* _QLINK_GENL_POLICY_H */
