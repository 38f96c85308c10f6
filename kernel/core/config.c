// SPDX-License-Identifier: GPL-2.0
/*
 * What the core knows of a link besides its driver: the configuration
 * every link has (an operator's choice) and the calibration its
 * estimators and scheduler assume (the driver's report or an operator's
 * setting). Defaults, policies with their ranges, parsing, netlink
 * encoding and changes; both ends of a link share both.
 */
#include <linux/kernel.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>
#include <net/qlink.h>

#include "bell.h"
#include "core.h"
#include "fidelity.h"
#include "sched.h"

/*
 * The policies (with the ranges of uapi/qlink.yaml) are generated into
 * genl-policy.h: qlink_config_nl_policy, qlink_calib_nl_policy.
 */

/* Largest value of calibration attribute @attr (its range). */
static u64 qlink_calib_max(int attr)
{
	return qlink_calib_nl_policy[attr].range->max;
}

/**
 * qlink_config_default() - the defaults documented in <linux/qlink.h>
 * @c: filled
 */
void qlink_config_default(struct qlink_config *c)
{
	*c = (struct qlink_config) {
		.window_full	= 1000,
		.max_pairs	= 1024,
	};
}
EXPORT_SYMBOL_GPL(qlink_config_default);

/**
 * qlink_calib_default() - what the core assumes of a driver that reports
 *	nothing: perfect pairs and detectors, no decay, unknown rates
 * @cal: filled
 */
void qlink_calib_default(struct qlink_calib *cal)
{
	*cal = (struct qlink_calib) {
		.fidelity	= QLINK_PPM,
		.det_eff	= { QLINK_PPM, QLINK_PPM },
	};
}
EXPORT_SYMBOL_GPL(qlink_calib_default);

/**
 * qlink_config_parse() - apply a nest of enum qlink_config_attr to @c
 * @nest: the nest (strictly validated here), or NULL for no change
 * @c: configuration to update; left partly updated on error
 * @extack: error report, naming the attribute and its allowed range
 *
 * Return: 0 or a negative errno.
 */
int qlink_config_parse(const struct nlattr *nest, struct qlink_config *c,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[QLINK_A_CONFIG_MAX + 1];
	int err;

	if (!nest)
		return 0;
	err = nla_parse_nested(tb, QLINK_A_CONFIG_MAX, nest,
			       qlink_config_nl_policy, extack);
	if (err)
		return err;
	if (tb[QLINK_A_CONFIG_WINDOW_FULL])
		c->window_full = nla_get_u32(tb[QLINK_A_CONFIG_WINDOW_FULL]);
	if (tb[QLINK_A_CONFIG_OFFSET])
		c->offset = nla_get_s64(tb[QLINK_A_CONFIG_OFFSET]);
	if (tb[QLINK_A_CONFIG_MAX_PAIRS])
		c->max_pairs = nla_get_u32(tb[QLINK_A_CONFIG_MAX_PAIRS]);
	if (tb[QLINK_A_CONFIG_MEMORY_SLOTS])
		c->memory_slots = nla_get_u32(tb[QLINK_A_CONFIG_MEMORY_SLOTS]);
	if (tb[QLINK_A_CONFIG_CUTOFF])
		c->cutoff = nla_get_u64(tb[QLINK_A_CONFIG_CUTOFF]);
	if (tb[QLINK_A_CONFIG_MIN_FIDELITY])
		c->min_fidelity = nla_get_u32(tb[QLINK_A_CONFIG_MIN_FIDELITY]);
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_config_parse);

/* A nest of enum qlink_calib_attr into @cal; see qlink_config_parse(). */
static int qlink_calib_parse(const struct nlattr *nest,
			     struct qlink_calib *cal,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[QLINK_A_CALIB_MAX + 1];
	int err, i;

	if (!nest)
		return 0;
	err = nla_parse_nested(tb, QLINK_A_CALIB_MAX, nest,
			       qlink_calib_nl_policy, extack);
	if (err)
		return err;
	for (i = QLINK_A_CALIB_EXP_FIDELITY; i <= QLINK_A_CALIB_EXP_QBER; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "the expected fidelity and QBER are read only");
			return -EINVAL;
		}
	}
	if (tb[QLINK_A_CALIB_FIDELITY])
		cal->fidelity = nla_get_u32(tb[QLINK_A_CALIB_FIDELITY]);
	if (tb[QLINK_A_CALIB_COHERENCE])
		cal->coherence = nla_get_u64(tb[QLINK_A_CALIB_COHERENCE]);
	for (i = 0; i < 2; i++) {
		if (tb[QLINK_A_CALIB_DET_EFF_A + i])
			cal->det_eff[i] =
				nla_get_u32(tb[QLINK_A_CALIB_DET_EFF_A + i]);
		if (tb[QLINK_A_CALIB_DARK_A + i])
			cal->dark[i] = nla_get_u32(tb[QLINK_A_CALIB_DARK_A + i]);
		if (tb[QLINK_A_CALIB_LOSS_A + i])
			cal->loss[i] = nla_get_u32(tb[QLINK_A_CALIB_LOSS_A + i]);
	}
	if (tb[QLINK_A_CALIB_HERALD_RATE])
		cal->herald_rate = nla_get_u64(tb[QLINK_A_CALIB_HERALD_RATE]);
	if (tb[QLINK_A_CALIB_ACCIDENTAL_RATE])
		cal->accidental_rate =
			nla_get_u64(tb[QLINK_A_CALIB_ACCIDENTAL_RATE]);
	if (tb[QLINK_A_CALIB_DIRECT])
		cal->direct = nla_get_u8(tb[QLINK_A_CALIB_DIRECT]);
	return 0;
}

/* The attribute of @nest to blame, or the nest itself. */
static const struct nlattr *qlink_nest_attr(const struct nlattr *nest,
					    int attr)
{
	const struct nlattr *a = nest ? nla_find_nested(nest, attr) : NULL;

	return a ? a : nest;
}

/**
 * qlink_config_check() - checks of a configuration against the driver
 * @caps: capabilities of the link's driver
 * @c: the complete new configuration
 * @nest: the request's nest, to point the extack at (may be NULL)
 * @extack: error report
 *
 * Return: 0 or -EINVAL.
 */
int qlink_config_check(const struct qlink_caps *caps,
		       const struct qlink_config *c, const struct nlattr *nest,
		       struct netlink_ext_ack *extack)
{
	if (c->memory_slots > caps->memory_slots) {
		NL_SET_ERR_MSG_ATTR(extack,
				    qlink_nest_attr(nest, QLINK_A_CONFIG_MEMORY_SLOTS),
				    "QLINK_A_CONFIG_MEMORY_SLOTS above the driver's slots (QLINK_A_CAPS_MEMORY_SLOTS)");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_config_check);

/* Either part changed (RTNL): retune the buffer and the scheduler. */
static void qlink_conf_changed(struct qlink *ql, u32 change)
{
	ASSERT_RTNL();
	qlink_pairs_params(ql);
	qlink_sched_params(ql);
	/* a driver's report before registration is the initial state */
	if (ql->dev->reg_state != NETREG_REGISTERED)
		return;
	WRITE_ONCE(ql->param_changes, ql->param_changes + 1);
	qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF, change);
}

/**
 * qlink_config_commit() - make @c the configuration of @ql and announce it
 * @ql: link
 * @c: a complete configuration, checked with qlink_config_check()
 *
 * For the core's own changes and for drivers whose model moves a setting
 * (a simulator's offset follows its fiber lengths). Caller holds RTNL.
 */
void qlink_config_commit(struct qlink *ql, const struct qlink_config *c)
{
	ASSERT_RTNL();
	write_seqlock_bh(&ql->conf_lock);
	ql->config = *c;
	write_sequnlock_bh(&ql->conf_lock);
	qlink_conf_changed(ql, QLINK_CHANGE_CONFIG);
	if (ql->ops && ql->ops->config_changed)
		ql->ops->config_changed(ql);
}
EXPORT_SYMBOL_GPL(qlink_config_commit);

/**
 * qlink_calib_report() - the driver's (or an operator's) calibration
 * @ql: link
 * @cal: the complete calibration; values beyond the ranges of enum
 *	qlink_calib_attr are clamped to them
 *
 * Caller holds RTNL. Announced with %QLINK_CHANGE_CALIB.
 */
void qlink_calib_report(struct qlink *ql, const struct qlink_calib *cal)
{
	struct qlink_calib c = *cal;
	int i;

	ASSERT_RTNL();
	c.fidelity = clamp_t(u64, c.fidelity,
			     qlink_calib_nl_policy[QLINK_A_CALIB_FIDELITY].range->min,
			     qlink_calib_max(QLINK_A_CALIB_FIDELITY));
	c.coherence = min(c.coherence, qlink_calib_max(QLINK_A_CALIB_COHERENCE));
	for (i = 0; i < 2; i++) {
		c.det_eff[i] = min_t(u64, c.det_eff[i],
				     qlink_calib_max(QLINK_A_CALIB_DET_EFF_A + i));
		c.dark[i] = min_t(u64, c.dark[i],
				  qlink_calib_max(QLINK_A_CALIB_DARK_A + i));
		c.loss[i] = min_t(u64, c.loss[i],
				  qlink_calib_max(QLINK_A_CALIB_LOSS_A + i));
	}
	c.herald_rate = min(c.herald_rate,
			    qlink_calib_max(QLINK_A_CALIB_HERALD_RATE));
	c.accidental_rate = min(c.accidental_rate,
				qlink_calib_max(QLINK_A_CALIB_ACCIDENTAL_RATE));
	write_seqlock_bh(&ql->conf_lock);
	ql->calib = c;
	write_sequnlock_bh(&ql->conf_lock);
	qlink_conf_changed(ql, QLINK_CHANGE_CALIB);
}
EXPORT_SYMBOL_GPL(qlink_calib_report);

/**
 * qlink_conf_prepare() - the first half of %QLINK_CMD_LINK_SET: the new
 *	configuration and calibration of a link, checked, nothing changed
 * @ql: link
 * @other: its other end in this kernel, or NULL
 * @conf: nest of enum qlink_config_attr, or NULL
 * @calib: nest of enum qlink_calib_attr, or NULL
 * @c: set to the configuration with @conf applied
 * @cal: set to the calibration with @calib applied
 * @extack: error report
 *
 * Caller holds RTNL (and keeps it until qlink_conf_commit()).
 * Return: 0 or a negative errno with an extack message.
 */
int qlink_conf_prepare(struct qlink *ql, struct qlink *other,
		       const struct nlattr *conf, const struct nlattr *calib,
		       struct qlink_config *c, struct qlink_calib *cal,
		       struct netlink_ext_ack *extack)
{
	int err;

	ASSERT_RTNL();
	*c = ql->config;	/* RTNL: no writer races */
	*cal = ql->calib;
	err = qlink_config_parse(conf, c, extack);
	if (!err)
		err = qlink_calib_parse(calib, cal, extack);
	if (!err)
		err = qlink_config_check(&ql->caps, c, conf, extack);
	if (!err && other)
		err = qlink_config_check(&other->caps, c, conf, extack);
	return err;
}

/* The second half: apply what qlink_conf_prepare() checked (RTNL). */
void qlink_conf_commit(struct qlink *ql, struct qlink *other,
		       const struct nlattr *conf, const struct nlattr *calib,
		       const struct qlink_config *c,
		       const struct qlink_calib *cal)
{
	ASSERT_RTNL();
	if (conf) {
		qlink_config_commit(ql, c);
		if (other)
			qlink_config_commit(other, c);
	}
	if (calib) {
		qlink_calib_report(ql, cal);
		if (other)
			qlink_calib_report(other, cal);
	}
}

/* Put the configuration of @ql (RTNL) as %QLINK_A_LINK_CONFIG. */
int qlink_config_fill(struct sk_buff *msg, const struct qlink *ql)
{
	const struct qlink_config *c = &ql->config;
	struct nlattr *nest;

	nest = nla_nest_start(msg, QLINK_A_LINK_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, QLINK_A_CONFIG_WINDOW_FULL, c->window_full) ||
	    nla_put_s64(msg, QLINK_A_CONFIG_OFFSET, c->offset,
			QLINK_A_CONFIG_PAD) ||
	    nla_put_u32(msg, QLINK_A_CONFIG_MAX_PAIRS, c->max_pairs) ||
	    nla_put_u32(msg, QLINK_A_CONFIG_MEMORY_SLOTS, c->memory_slots) ||
	    nla_put_u64_64bit(msg, QLINK_A_CONFIG_CUTOFF, c->cutoff,
			      QLINK_A_CONFIG_PAD) ||
	    nla_put_u32(msg, QLINK_A_CONFIG_MIN_FIDELITY, c->min_fidelity)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The herald fidelity the calibration expects, ppm, into @f: true heralds
 * at F0 and accidental ones at 1/4 (qlink.md §7); false if it expects no
 * herald at all.
 */
static bool qlink_calib_exp_fidelity(const struct qlink_calib *cal, u32 *f)
{
	if (!cal->herald_rate && !cal->accidental_rate)
		return false;
	*f = qcore_f_to_ppm(qcore_herald_fidelity(qcore_f_from_ppm(cal->fidelity),
						  cal->herald_rate,
						  cal->accidental_rate));
	return true;
}

/* Put the calibration of @ql (RTNL) as %QLINK_A_LINK_CALIB. */
int qlink_calib_fill(struct sk_buff *msg, const struct qlink *ql)
{
	const struct qlink_calib *cal = &ql->calib;
	struct nlattr *nest;
	u32 f;
	int i;

	nest = nla_nest_start(msg, QLINK_A_LINK_CALIB);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, QLINK_A_CALIB_FIDELITY, cal->fidelity) ||
	    nla_put_u64_64bit(msg, QLINK_A_CALIB_COHERENCE, cal->coherence,
			      QLINK_A_CALIB_PAD))
		goto err;
	for (i = 0; i < 2; i++)
		if (nla_put_u32(msg, QLINK_A_CALIB_DET_EFF_A + i,
				cal->det_eff[i]) ||
		    nla_put_u32(msg, QLINK_A_CALIB_DARK_A + i, cal->dark[i]) ||
		    nla_put_u32(msg, QLINK_A_CALIB_LOSS_A + i, cal->loss[i]))
			goto err;
	if (nla_put_u64_64bit(msg, QLINK_A_CALIB_HERALD_RATE,
			      cal->herald_rate, QLINK_A_CALIB_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_CALIB_ACCIDENTAL_RATE,
			      cal->accidental_rate, QLINK_A_CALIB_PAD) ||
	    nla_put_u8(msg, QLINK_A_CALIB_DIRECT, cal->direct))
		goto err;
	if (qlink_calib_exp_fidelity(cal, &f) &&
	    (nla_put_u32(msg, QLINK_A_CALIB_EXP_FIDELITY, f) ||
	     nla_put_u32(msg, QLINK_A_CALIB_EXP_QBER, qcore_werner_qber_ppm(f))))
		goto err;
	nla_nest_end(msg, nest);
	return 0;
err:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}
