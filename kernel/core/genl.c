// SPDX-License-Identifier: GPL-2.0
/*
 * The "qlink" generic netlink family: commands, policies and handlers.
 *
 * The family is netnsok: requests are answered from the caller's netns and
 * act only on objects of that netns. The family runs with parallel_ops:
 * the handlers take RTNL themselves, which is what keeps a link registered
 * (and its driver loaded) while it is looked at; dumps take it per batch
 * and resume from a link id cursor, so concurrent deletions neither crash a
 * dump nor make it skip or repeat a surviving link.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/sock.h>
#include <net/qlink.h>
#include <linux/qlink.h>

#include "core.h"

enum qlink_mcgrp {
	QLINK_MCGRP_LINK,
};

static struct genl_family qlink_genl_family;

static int qlink_nl_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &qlink_genl_family, 0,
				QLINK_CMD_GET_VERSION);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_u32(msg, QLINK_A_VERSION_MAJOR, QLINK_VERSION_MAJOR) ||
	    nla_put_u32(msg, QLINK_A_VERSION_MINOR, QLINK_VERSION_MINOR) ||
	    nla_put_u32(msg, QLINK_A_GENL_VERSION, QLINK_GENL_VERSION) ||
	    nla_put_u64_64bit(msg, QLINK_A_NETNS_COOKIE, net->net_cookie,
			      QLINK_A_PAD))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	NL_SET_ERR_MSG(info->extack, "qlink: reply did not fit");
	return -EMSGSIZE;
}

static int qlink_nl_fill_caps(struct sk_buff *msg, const struct qlink_caps *c)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, QLINK_A_LINK_CAPS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, QLINK_A_CAPS_HERALD_MODELS, c->herald_models) ||
	    nla_put_u64_64bit(msg, QLINK_A_CAPS_MAX_RATE, c->max_rate,
			      QLINK_A_CAPS_PAD) ||
	    nla_put_u32(msg, QLINK_A_CAPS_MEMORY_SLOTS, c->memory_slots) ||
	    nla_put_u64_64bit(msg, QLINK_A_CAPS_PARAMS, c->params,
			      QLINK_A_CAPS_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int qlink_nl_fill_expected(struct sk_buff *msg, struct qlink *ql)
{
	struct qlink_expected e = {};
	struct nlattr *nest;

	if (!ql->ops->get_expected)
		return 0;
	ql->ops->get_expected(ql, &ql->params, &e);

	nest = nla_nest_start(msg, QLINK_A_LINK_EXPECTED);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, QLINK_A_EXP_HERALD_RATE, e.herald_rate,
			      QLINK_A_EXP_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_EXP_ACCIDENTAL_RATE,
			      e.accidental_rate, QLINK_A_EXP_PAD) ||
	    nla_put_u32(msg, QLINK_A_EXP_LOSS_A, e.loss_a) ||
	    nla_put_u32(msg, QLINK_A_EXP_LOSS_B, e.loss_b) ||
	    (e.have_fidelity &&
	     (nla_put_u32(msg, QLINK_A_EXP_FIDELITY, e.fidelity) ||
	      nla_put_u32(msg, QLINK_A_EXP_QBER, e.qber)))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int qlink_nl_fill_stats(struct sk_buff *msg, struct qlink *ql)
{
	struct qlink_stats st;
	struct nlattr *nest;

	qlink_stats_read(ql, &st);
	nest = nla_nest_start(msg, QLINK_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, QLINK_A_STATS_ATTEMPTS, st.attempts,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_HERALDS, st.heralds,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_ACCIDENTALS, st.accidentals,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DROPPED, st.dropped,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_PARAM_CHANGES,
			      st.param_changes, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_TX_DROPPED, st.tx_dropped,
			      QLINK_A_STATS_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * One message about @ql: its identity, then according to @cmd the full
 * description (LINK_GET and the CREATE/CHANGE events) or the statistics.
 * Called under RTNL, so ql->params is stable without its seqlock.
 */
static int qlink_nl_fill(struct sk_buff *msg, struct qlink *ql, u8 cmd,
			 u32 portid, u32 seq, int flags, u32 change)
{
	struct net_device *dev = ql->dev;
	void *hdr;

	ASSERT_RTNL();
	hdr = genlmsg_put(msg, portid, seq, &qlink_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u32(msg, QLINK_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(msg, QLINK_A_IFNAME, dev->name) ||
	    nla_put_u32(msg, QLINK_A_LINK_ID, ql->id))
		goto cancel;

	switch (cmd) {
	case QLINK_CMD_LINK_DELETE_NTF:
		break;
	case QLINK_CMD_STATS_GET:
		if (qlink_nl_fill_stats(msg, ql))
			goto cancel;
		break;
	default:
		if ((change && nla_put_u32(msg, QLINK_A_LINK_CHANGE, change)) ||
		    (dev->rtnl_link_ops &&
		     nla_put_string(msg, QLINK_A_LINK_KIND,
				    dev->rtnl_link_ops->kind)) ||
		    nla_put_u8(msg, QLINK_A_LINK_UP, !!(dev->flags & IFF_UP)) ||
		    nla_put_u8(msg, QLINK_A_LINK_CARRIER,
			       netif_carrier_ok(dev)) ||
		    qlink_nl_fill_caps(msg, &ql->caps) ||
		    qlink_params_fill(msg, QLINK_A_LINK_PARAMS, &ql->params) ||
		    qlink_nl_fill_expected(msg, ql) ||
		    (ql->ops->fill_link && ql->ops->fill_link(ql, msg)))
			goto cancel;
		break;
	}
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/**
 * qlink_nl_notify() - send a link event to the "link" group of its netns
 * @ql: the link
 * @cmd: QLINK_CMD_LINK_{CREATE,DELETE,CHANGE}_NTF
 * @change: enum qlink_link_change for CHANGE, else 0
 *
 * Called under RTNL, in process context.
 */
void qlink_nl_notify(struct qlink *ql, u8 cmd, u32 change)
{
	struct net *net = dev_net(ql->dev);
	struct sk_buff *msg;

	ASSERT_RTNL();
	if (!genl_has_listeners(&qlink_genl_family, net, QLINK_MCGRP_LINK))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (qlink_nl_fill(msg, ql, cmd, 0, 0, 0, change)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&qlink_genl_family, net, msg, 0,
				QLINK_MCGRP_LINK, GFP_KERNEL);
}

/*
 * The link a request names by %QLINK_A_IFINDEX and/or %QLINK_A_IFNAME in
 * @net, or an ERR_PTR with an extack message. Caller holds RTNL.
 */
static struct qlink *qlink_nl_lookup(struct net *net, struct nlattr **attrs,
				     struct netlink_ext_ack *extack)
{
	struct nlattr *blame = attrs[QLINK_A_IFINDEX];
	struct net_device *dev = NULL;

	ASSERT_RTNL();
	if (attrs[QLINK_A_IFINDEX]) {
		dev = __dev_get_by_index(net, nla_get_u32(attrs[QLINK_A_IFINDEX]));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, blame,
					    "no such device in this netns");
			return ERR_PTR(-ENODEV);
		}
	}
	if (attrs[QLINK_A_IFNAME]) {
		struct net_device *byname;

		byname = __dev_get_by_name(net, nla_data(attrs[QLINK_A_IFNAME]));
		if (dev && dev != byname) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[QLINK_A_IFNAME],
					    "QLINK_A_IFNAME and QLINK_A_IFINDEX name different devices");
			return ERR_PTR(-EINVAL);
		}
		dev = byname;
		blame = attrs[QLINK_A_IFNAME];
	}
	if (!blame) {
		NL_SET_ERR_MSG(extack, "QLINK_A_IFINDEX or QLINK_A_IFNAME required");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, blame, "no such device in this netns");
		return ERR_PTR(-ENODEV);
	}
	if (!qlink_dev_is_qlink(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, blame, "device is not a qlink");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return qlink_from_dev(dev);
}

static int qlink_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct sk_buff *msg;
	struct qlink *ql;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	ql = qlink_nl_lookup(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ql)) {
		err = PTR_ERR(ql);
		goto err_unlock;
	}
	err = qlink_nl_fill(msg, ql, cmd, info->snd_portid, info->snd_seq,
			    0, 0);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "qlink: reply did not fit");
		goto err_unlock;
	}
	rtnl_unlock();
	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	nlmsg_free(msg);
	return err;
}

/* Does @ql pass the optional ifindex/name filter of a dump request? */
static bool qlink_nl_dump_match(struct qlink *ql, struct nlattr **attrs)
{
	if (attrs[QLINK_A_IFINDEX] &&
	    nla_get_u32(attrs[QLINK_A_IFINDEX]) != ql->dev->ifindex)
		return false;
	if (attrs[QLINK_A_IFNAME] &&
	    nla_strcmp(attrs[QLINK_A_IFNAME], ql->dev->name))
		return false;
	return true;
}

/*
 * LINK_GET and STATS_GET dumps. cb->args[0] is the id of the next link to
 * report; links are visited in id order, each batch under RTNL.
 */
static int qlink_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	u8 cmd = info->op.cmd;
	struct net *net = sock_net(skb->sk);
	unsigned long id = cb->args[0];
	struct qlink *ql;
	int err = 0;

	rtnl_lock();
	for (ql = qlink_find_from(&id); ql; id++, ql = qlink_find_from(&id)) {
		if (!net_eq(dev_net(ql->dev), net) ||
		    !qlink_nl_dump_match(ql, info->attrs))
			continue;
		err = qlink_nl_fill(skb, ql, cmd, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI, 0);
		if (err)
			break;
	}
	rtnl_unlock();
	cb->args[0] = ql ? id : ULONG_MAX;

	/* A link that does not fit in an empty message never will. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int qlink_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct qlink *ql;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, QLINK_A_LINK_PARAMS)) {
		NL_SET_ERR_MSG(info->extack, "QLINK_A_LINK_PARAMS required");
		return -EINVAL;
	}

	rtnl_lock();
	ql = qlink_nl_lookup(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ql))
		err = PTR_ERR(ql);
	else
		err = qlink_params_set(ql, info->attrs[QLINK_A_LINK_PARAMS],
				       info->extack);
	rtnl_unlock();
	return err;
}

/* GET_VERSION takes no attributes: strict validation rejects any. */
static const struct nla_policy qlink_get_version_policy[QLINK_A_MAX + 1] = {
};

/* LINK_GET, STATS_GET: which link (doit) or filter (dump). */
static const struct nla_policy qlink_link_get_policy[QLINK_A_IFNAME + 1] = {
	[QLINK_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static const struct nla_policy qlink_link_set_policy[QLINK_A_LINK_PARAMS + 1] = {
	[QLINK_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[QLINK_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[QLINK_A_LINK_PARAMS]	= NLA_POLICY_NESTED(qlink_param_policy),
};

static const struct genl_ops qlink_genl_ops[] = {
	{
		.cmd = QLINK_CMD_GET_VERSION,
		.doit = qlink_nl_get_version,
		.policy = qlink_get_version_policy,
		.maxattr = QLINK_A_MAX,
	},
	{
		.cmd = QLINK_CMD_LINK_GET,
		.doit = qlink_nl_get_doit,
		.dumpit = qlink_nl_get_dumpit,
		.policy = qlink_link_get_policy,
		.maxattr = ARRAY_SIZE(qlink_link_get_policy) - 1,
	},
	{
		.cmd = QLINK_CMD_LINK_SET,
		.doit = qlink_nl_set_doit,
		.policy = qlink_link_set_policy,
		.maxattr = ARRAY_SIZE(qlink_link_set_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = QLINK_CMD_STATS_GET,
		.doit = qlink_nl_get_doit,
		.dumpit = qlink_nl_get_dumpit,
		.policy = qlink_link_get_policy,
		.maxattr = ARRAY_SIZE(qlink_link_get_policy) - 1,
	},
};

static const struct genl_multicast_group qlink_genl_mcgrps[] = {
	[QLINK_MCGRP_LINK] = { .name = QLINK_MCGRP_LINK_NAME },
};

static struct genl_family qlink_genl_family __ro_after_init = {
	.name = QLINK_GENL_NAME,
	.version = QLINK_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = qlink_genl_ops,
	.n_ops = ARRAY_SIZE(qlink_genl_ops),
	.mcgrps = qlink_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(qlink_genl_mcgrps),
};

int __init qlink_genl_init(void)
{
	return genl_register_family(&qlink_genl_family);
}

void qlink_genl_exit(void)
{
	genl_unregister_family(&qlink_genl_family);
}
