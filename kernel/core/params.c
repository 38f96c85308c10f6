// SPDX-License-Identifier: GPL-2.0
/*
 * Link parameters: defaults, parsing with range checks, cross-field checks
 * and netlink encoding.  The physics models' fixed-point helpers are in
 * kernel/qcore/fidelity.c.
 *
 * The policy below checks types only; ranges are checked against
 * qlink_param_desc[] so that a rejected value gets a message naming the
 * attribute and its range (the 6.1 policy messages name neither).
 */
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>
#include <net/qlink.h>

#include "core.h"
#include "sched.h"

const struct nla_policy qlink_param_policy[QLINK_A_PARAM_MAX + 1] = {
	[QLINK_A_PARAM_SOURCE_RATE]	= { .type = NLA_U64 },
	[QLINK_A_PARAM_DET_EFF_A]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_DET_EFF_B]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_DARK_RATE]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_JITTER]		= { .type = NLA_U32 },
	[QLINK_A_PARAM_FIBER_LEN_A]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_FIBER_LEN_B]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_FIBER_LOSS]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_WINDOW]		= { .type = NLA_U32 },
	[QLINK_A_PARAM_OFFSET]		= { .type = NLA_S64 },
	[QLINK_A_PARAM_FIDELITY]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_COHERENCE]	= { .type = NLA_U64 },
	[QLINK_A_PARAM_HERALD_MODEL]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_SEED]		= { .type = NLA_U64 },
	[QLINK_A_PARAM_EXTRA_LOSS]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_FIDELITY_DROP]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_COHERENCE_SCALE]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_CTRL_DELAY]	= { .type = NLA_U64 },
	[QLINK_A_PARAM_DEAD_TIME]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_MAX_DET_RATE]	= { .type = NLA_U64 },
	[QLINK_A_PARAM_SWAP_FAIL]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_BIT_FLIP]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_OFFSET_DRIFT]	= { .type = NLA_S32 },
	[QLINK_A_PARAM_MAX_PAIRS]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_MEMORY_SLOTS]	= { .type = NLA_U32 },
	[QLINK_A_PARAM_CUTOFF]		= { .type = NLA_U64 },
};

enum qlink_param_type {
	QLINK_T_u32,
	QLINK_T_s32,
	QLINK_T_u64,
	QLINK_T_s64,
};

/**
 * struct qlink_param_desc - where a parameter lives and what it may be
 * @off: offset in struct qlink_params
 * @type: enum qlink_param_type of the field
 * @min: smallest allowed value
 * @max: largest allowed value
 * @range_msg: extack message for a value outside [@min, @max]
 * @unsupp_msg: extack message when the driver does not implement it
 */
struct qlink_param_desc {
	u16 off;
	u8 type;
	s64 min;
	s64 max;
	const char *range_msg;
	const char *unsupp_msg;
};

#define QLINK_PARAM(attr, field, t, lo, hi, unit)			\
	[QLINK_A_PARAM_##attr] = {					\
		.off = offsetof(struct qlink_params, field),		\
		.type = QLINK_T_##t,					\
		.min = lo,						\
		.max = hi,						\
		.range_msg = "QLINK_A_PARAM_" #attr			\
			" out of range: allowed [" #lo ", " #hi "] " unit, \
		.unsupp_msg = "QLINK_A_PARAM_" #attr			\
			" is not supported by this link's driver",	\
	}

static const struct qlink_param_desc qlink_param_desc[QLINK_A_PARAM_MAX + 1] = {
	QLINK_PARAM(SOURCE_RATE, source_rate, u64, 0, 1000000000000, "mHz"),
	QLINK_PARAM(DET_EFF_A, det_eff_a, u32, 0, 1000000, "ppm"),
	QLINK_PARAM(DET_EFF_B, det_eff_b, u32, 0, 1000000, "ppm"),
	QLINK_PARAM(DARK_RATE, dark_rate, u32, 0, 1000000000, "mHz"),
	QLINK_PARAM(JITTER, jitter, u32, 0, 1000000, "ps"),
	QLINK_PARAM(FIBER_LEN_A, fiber_len_a, u32, 0, 1000000, "m"),
	QLINK_PARAM(FIBER_LEN_B, fiber_len_b, u32, 0, 1000000, "m"),
	QLINK_PARAM(FIBER_LOSS, fiber_loss, u32, 0, 10000, "mdB/km"),
	QLINK_PARAM(WINDOW, window, u32, 1, 10000000, "ps"),
	QLINK_PARAM(OFFSET, offset, s64, -10000000000000, 10000000000000,
		    "ps"),
	QLINK_PARAM(FIDELITY, fidelity, u32, 250000, 1000000, "ppm"),
	QLINK_PARAM(COHERENCE, coherence, u64, 0, 1000000000000000, "ns"),
	QLINK_PARAM(HERALD_MODEL, herald_model, u32, 1, 2,
		    "(enum qlink_herald_model)"),
	QLINK_PARAM(SEED, seed, u64, 0, S64_MAX, "(0: random)"),
	QLINK_PARAM(EXTRA_LOSS, extra_loss, u32, 0, 100000, "mdB"),
	QLINK_PARAM(FIDELITY_DROP, fidelity_drop, u32, 0, 750000, "ppm"),
	QLINK_PARAM(COHERENCE_SCALE, coherence_scale, u32, 1, 1000000,
		    "ppm"),
	QLINK_PARAM(CTRL_DELAY, ctrl_delay, u64, 0, 60000000000, "ns"),
	QLINK_PARAM(DEAD_TIME, dead_time, u32, 0, 1000000000, "ns"),
	QLINK_PARAM(MAX_DET_RATE, max_det_rate, u64, 0, 10000000000000,
		    "mHz"),
	QLINK_PARAM(SWAP_FAIL, swap_fail, u32, 0, 1000000, "ppm"),
	QLINK_PARAM(BIT_FLIP, bit_flip, u32, 0, 1000000, "ppm"),
	QLINK_PARAM(OFFSET_DRIFT, offset_drift, s32, -1000000000, 1000000000,
		    "ps/s"),
	QLINK_PARAM(MAX_PAIRS, max_pairs, u32, 1, 1048576, "pairs"),
	QLINK_PARAM(MEMORY_SLOTS, memory_slots, u32, 0, 65535,
		    "slots (0: all)"),
	QLINK_PARAM(CUTOFF, cutoff, u64, 0, 1000000000000000, "ns (0: none)"),
};

/*
 * NL_SET_ERR_MSG_ATTR() for a message chosen at run time from the static
 * strings of qlink_param_desc[] (the macro wants a literal).
 */
static void qlink_param_err(struct netlink_ext_ack *extack,
			    const struct nlattr *attr, const char *msg)
{
	do_trace_netlink_extack(msg);
	if (extack) {
		extack->_msg = msg;
		NL_SET_BAD_ATTR(extack, attr);
	}
}

static u64 qlink_random_seed(void)
{
	u64 seed;

	/* Seeds are reported as non-negative s64-safe u64 values. */
	do {
		seed = get_random_u64() & S64_MAX;
	} while (!seed);
	return seed;
}

/**
 * qlink_params_default() - the defaults documented in <linux/qlink.h>
 * @p: filled; the seed is a fresh random one
 */
void qlink_params_default(struct qlink_params *p)
{
	*p = (struct qlink_params) {
		.source_rate	= 300000000,
		.det_eff_a	= 800000,
		.det_eff_b	= 800000,
		.dark_rate	= 20000,
		.jitter		= 50,
		.fiber_len_a	= 1000,
		.fiber_len_b	= 1000,
		.fiber_loss	= 200,
		.window		= 1000,
		.fidelity	= 970000,
		.herald_model	= QLINK_HERALD_TIME_TAGS,
		.seed		= qlink_random_seed(),
		.coherence_scale = 1000000,
		.max_pairs	= 1024,
	};
}
EXPORT_SYMBOL_GPL(qlink_params_default);

static bool qlink_param_is64(int attr)
{
	u8 t = qlink_param_desc[attr].type;

	return t == QLINK_T_u64 || t == QLINK_T_s64;
}

static s64 qlink_param_get(const struct qlink_params *p, int attr)
{
	const void *v = (const u8 *)p + qlink_param_desc[attr].off;

	switch (qlink_param_desc[attr].type) {
	case QLINK_T_u32:
		return *(const u32 *)v;
	case QLINK_T_s32:
		return *(const s32 *)v;
	default:
		return *(const s64 *)v;
	}
}

/* Store @v (already range checked) into @p. */
static void qlink_param_put(struct qlink_params *p, int attr, s64 v)
{
	void *f = (u8 *)p + qlink_param_desc[attr].off;

	switch (qlink_param_desc[attr].type) {
	case QLINK_T_u32:
		*(u32 *)f = v;
		break;
	case QLINK_T_s32:
		*(s32 *)f = v;
		break;
	default:
		*(s64 *)f = v;
		break;
	}
}

/* The attribute's value if it lies within its range. */
static bool qlink_param_value(const struct nlattr *nla, int attr, s64 *v)
{
	const struct qlink_param_desc *d = &qlink_param_desc[attr];

	switch (d->type) {
	case QLINK_T_u32:
		*v = nla_get_u32(nla);
		break;
	case QLINK_T_s32:
		*v = nla_get_s32(nla);
		break;
	case QLINK_T_s64:
		*v = nla_get_s64(nla);
		break;
	default:
		/* u64 ranges stop at S64_MAX: larger values are out */
		if (nla_get_u64(nla) > S64_MAX)
			return false;
		*v = nla_get_u64(nla);
		break;
	}
	return *v >= d->min && *v <= d->max;
}

/**
 * qlink_params_parse() - apply a nest of enum qlink_param_attr to @p
 * @nest: the nest (strictly validated here), or NULL for no change
 * @p: parameters to update; left partly updated on error
 * @changed: ORed with QLINK_PARAM_BIT() of each attribute present
 * @extack: error report, naming the attribute and its allowed range
 *
 * Checks each value on its own; qlink_params_check() does the rest.
 * A seed of 0 is replaced by a random one.
 *
 * Return: 0 or -EINVAL.
 */
int qlink_params_parse(const struct nlattr *nest, struct qlink_params *p,
		       u64 *changed, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[QLINK_A_PARAM_MAX + 1];
	int attr, err;

	if (!nest)
		return 0;
	err = nla_parse_nested(tb, QLINK_A_PARAM_MAX, nest, qlink_param_policy,
			       extack);
	if (err)
		return err;

	for (attr = QLINK_A_PARAM_PAD + 1; attr <= QLINK_A_PARAM_MAX; attr++) {
		s64 v;

		if (!tb[attr])
			continue;
		if (!qlink_param_value(tb[attr], attr, &v)) {
			qlink_param_err(extack, tb[attr],
					qlink_param_desc[attr].range_msg);
			return -EINVAL;
		}
		qlink_param_put(p, attr, v);
		*changed |= QLINK_PARAM_BIT(attr);
	}
	if ((*changed & QLINK_PARAM_BIT(QLINK_A_PARAM_SEED)) && !p->seed)
		p->seed = qlink_random_seed();
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_params_parse);

/* The attribute of @nest to blame, or the nest itself. */
static const struct nlattr *qlink_param_attr(const struct nlattr *nest,
					     int attr)
{
	const struct nlattr *a = nest ? nla_find_nested(nest, attr) : NULL;

	return a ? a : nest;
}

/**
 * qlink_params_check() - checks across parameters and against the driver
 * @caps: capabilities of the link's driver
 * @p: the complete new parameter set
 * @changed: QLINK_PARAM_BIT()s of the parameters the request sets
 * @nest: the request's nest, to point the extack at (may be NULL)
 * @extack: error report
 *
 * Return: 0, -EOPNOTSUPP for what the driver cannot do, or -EINVAL.
 */
int qlink_params_check(const struct qlink_caps *caps,
		       const struct qlink_params *p, u64 changed,
		       const struct nlattr *nest,
		       struct netlink_ext_ack *extack)
{
	u64 unsupp = changed & ~caps->params;

	if (unsupp) {
		int attr = __ffs64(unsupp);

		qlink_param_err(extack, qlink_param_attr(nest, attr),
				qlink_param_desc[attr].unsupp_msg);
		return -EOPNOTSUPP;
	}
	if (!(caps->herald_models & BIT(p->herald_model))) {
		NL_SET_ERR_MSG_ATTR(extack,
				    qlink_param_attr(nest, QLINK_A_PARAM_HERALD_MODEL),
				    "QLINK_A_PARAM_HERALD_MODEL: model not supported by this link's driver (see QLINK_A_CAPS_HERALD_MODELS)");
		return -EOPNOTSUPP;
	}
	if (p->source_rate > caps->max_rate) {
		NL_SET_ERR_MSG_ATTR(extack,
				    qlink_param_attr(nest, QLINK_A_PARAM_SOURCE_RATE),
				    "QLINK_A_PARAM_SOURCE_RATE above the driver's maximum (QLINK_A_CAPS_MAX_RATE)");
		return -EINVAL;
	}
	if (p->memory_slots > caps->memory_slots) {
		NL_SET_ERR_MSG_ATTR(extack,
				    qlink_param_attr(nest, QLINK_A_PARAM_MEMORY_SLOTS),
				    "QLINK_A_PARAM_MEMORY_SLOTS above the driver's slots (QLINK_A_CAPS_MEMORY_SLOTS)");
		return -EINVAL;
	}
	if (p->fidelity_drop > p->fidelity - 250000) {
		int attr = changed & QLINK_PARAM_BIT(QLINK_A_PARAM_FIDELITY_DROP) ?
			   QLINK_A_PARAM_FIDELITY_DROP : QLINK_A_PARAM_FIDELITY;

		NL_SET_ERR_MSG_ATTR(extack, qlink_param_attr(nest, attr),
				    "QLINK_A_PARAM_FIDELITY minus QLINK_A_PARAM_FIDELITY_DROP must stay >= 250000 ppm");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_params_check);

/**
 * qlink_params_fill() - put @p as a nest of enum qlink_param_attr
 * @skb: message
 * @attrtype: type of the nest
 * @p: parameters
 *
 * Return: 0 or -EMSGSIZE.
 */
int qlink_params_fill(struct sk_buff *skb, int attrtype,
		      const struct qlink_params *p)
{
	struct nlattr *nest;
	int attr, err;

	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;
	for (attr = QLINK_A_PARAM_PAD + 1; attr <= QLINK_A_PARAM_MAX; attr++) {
		s64 v = qlink_param_get(p, attr);

		if (qlink_param_is64(attr))
			err = nla_put_u64_64bit(skb, attr, v, QLINK_A_PARAM_PAD);
		else
			err = nla_put_u32(skb, attr, (u32)v);
		if (err) {
			nla_nest_cancel(skb, nest);
			return err;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_params_fill);

/* Room qlink_params_fill() needs. */
size_t qlink_params_size(void)
{
	size_t size = nla_total_size(0);
	int attr;

	for (attr = QLINK_A_PARAM_PAD + 1; attr <= QLINK_A_PARAM_MAX; attr++)
		size += qlink_param_is64(attr) ?
			nla_total_size_64bit(sizeof(u64)) :
			nla_total_size(sizeof(u32));
	return size;
}
EXPORT_SYMBOL_GPL(qlink_params_size);

/**
 * qlink_params_commit() - make @p the parameters of @ql and announce it
 * @ql: link, registered
 * @p: a complete, checked parameter set
 * @changed: QLINK_PARAM_BIT()s of what changed
 *
 * For drivers that mirror a change to another link (the other end of a
 * simulated fiber). Caller holds RTNL.
 */
void qlink_params_commit(struct qlink *ql, const struct qlink_params *p,
			 u64 changed)
{
	ASSERT_RTNL();
	write_seqlock_bh(&ql->params_lock);
	ql->params = *p;
	write_sequnlock_bh(&ql->params_lock);
	qlink_pairs_params(ql, p);
	qlink_sched_params(ql);
	WRITE_ONCE(ql->param_changes, ql->param_changes + 1);
	qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF, QLINK_CHANGE_PARAMS);
}
EXPORT_SYMBOL_GPL(qlink_params_commit);

/**
 * qlink_params_set() - change parameters of a link, all or nothing
 * @ql: link, registered
 * @nest: nest of enum qlink_param_attr with the parameters to change
 * @extack: error report
 *
 * Caller holds RTNL. Return: 0 or a negative errno with an extack message.
 */
int qlink_params_set(struct qlink *ql, const struct nlattr *nest,
		     struct netlink_ext_ack *extack)
{
	struct qlink_params p = ql->params;	/* RTNL: no writer races */
	u64 changed = 0;
	int err;

	ASSERT_RTNL();
	err = qlink_params_parse(nest, &p, &changed, extack);
	if (err)
		return err;
	if (ql->ops->fixup_params)
		ql->ops->fixup_params(ql, &p, &changed);
	err = qlink_params_check(&ql->caps, &p, changed, nest, extack);
	if (err)
		return err;
	if (ql->ops->check_params) {
		err = ql->ops->check_params(ql, &p, changed, extack);
		if (err)
			return err;
	}
	if (!changed)
		return 0;
	qlink_params_commit(ql, &p, changed);
	if (ql->ops->params_changed)
		ql->ops->params_changed(ql, &p, changed);
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_params_set);
