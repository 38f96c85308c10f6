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
#include "pairbuf.h"
#include "sched.h"
#include "genl-policy.h"

enum qlink_mcgrp {
	QLINK_MCGRP_LINK,
	QLINK_MCGRP_PAIRS,
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
			      QLINK_A_STATS_PAD) ||
	    qlink_pairs_fill_stats(msg, ql) ||
	    qlink_sched_fill_stats(msg, ql)) {
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
		    nla_put_u32(msg, QLINK_A_LINK_PAIR_ID,
				qlink_pair_link_id(ql)) ||
		    qlink_pairs_fill_clock(msg, ql) ||
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

/* A message of the family, for the other files of the core. */
void *qlink_genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &qlink_genl_family, flags, cmd);
}

/* Start a "pairs" event about @ql, or NULL if nobody listens / no memory. */
static struct sk_buff *qlink_nl_pairs_msg(struct qlink *ql, size_t size,
					  u8 cmd, u64 now, void **hdr,
					  int *err)
{
	struct net *net = dev_net(ql->dev);
	struct sk_buff *msg;

	*err = 0;
	if (!genl_has_listeners(&qlink_genl_family, net, QLINK_MCGRP_PAIRS))
		return NULL;
	msg = genlmsg_new(size, GFP_ATOMIC);
	if (!msg) {
		*err = -ENOMEM;
		return NULL;
	}
	*hdr = genlmsg_put(msg, 0, 0, &qlink_genl_family, 0, cmd);
	if (!*hdr ||
	    nla_put_u32(msg, QLINK_A_IFINDEX, ql->dev->ifindex) ||
	    nla_put_u32(msg, QLINK_A_LINK_ID, ql->id) ||
	    nla_put_u64_64bit(msg, QLINK_A_LINK_TIME, now, QLINK_A_PAD)) {
		nlmsg_free(msg);
		*err = -EMSGSIZE;
		return NULL;
	}
	return msg;
}

/* Room for one %QLINK_A_PAIR nest. */
static size_t qlink_pair_nest_size(void)
{
	return nla_total_size(0) +
	       4 * nla_total_size_64bit(sizeof(u64)) +	/* seq .. age */
	       6 * nla_total_size(sizeof(u32)) +	/* link id .. purpose */
	       nla_total_size(sizeof(u8));
}

static size_t qlink_pairs_ntf_size(u32 n_show)
{
	return 3 * nla_total_size(sizeof(u32)) +	/* ifindex, id, count */
	       3 * nla_total_size_64bit(sizeof(u64)) +	/* time, first, last */
	       nla_total_size(sizeof(u32)) +		/* reason */
	       n_show * qlink_pair_nest_size();
}

/**
 * qlink_nl_pairs_ntf() - %QLINK_CMD_PAIR_NTF for one ingested batch
 * @ql: the link
 * @now: the link's clock
 * @first: first sequence number of the batch's pairs
 * @last: last one
 * @count: pairs of the batch
 * @show: copies of the first pairs
 * @n_show: how many, at most %QLINK_NTF_PAIRS_MAX
 *
 * Any context but hard interrupts; nothing is built without listeners.
 *
 * Return: 0, or -ENOMEM / -EMSGSIZE if an event was lost.
 */
int qlink_nl_pairs_ntf(struct qlink *ql, u64 now, u64 first, u64 last,
		       u32 count, const struct qcore_pair *show, u32 n_show)
{
	u32 pair_link_id = qlink_pair_link_id(ql);
	u64 t_decay = qlink_pairs_decay_ps(ql);
	struct sk_buff *msg;
	void *hdr;
	int err;
	u32 k;

	msg = qlink_nl_pairs_msg(ql, qlink_pairs_ntf_size(n_show),
				 QLINK_CMD_PAIR_NTF, now, &hdr, &err);
	if (!msg)
		return err;
	if (nla_put_u64_64bit(msg, QLINK_A_SEQ_FIRST, first, QLINK_A_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_SEQ_LAST, last, QLINK_A_PAD) ||
	    nla_put_u32(msg, QLINK_A_PAIR_COUNT, count))
		goto err_free;
	for (k = 0; k < n_show; k++)
		if (qlink_pair_fill(msg, pair_link_id, &show[k], now, t_decay))
			goto err_free;
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&qlink_genl_family, dev_net(ql->dev), msg, 0,
				QLINK_MCGRP_PAIRS, GFP_ATOMIC);
	return 0;

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * qlink_nl_drop_ntf() - %QLINK_CMD_PAIR_DROP_NTF: pairs left unused
 * @ql: the link
 * @now: the link's clock
 * @reason: enum qlink_drop_reason
 * @first: first sequence number of the range
 * @last: last one
 * @count: pairs dropped
 *
 * Return: 0, or -ENOMEM / -EMSGSIZE if the event was lost.
 */
int qlink_nl_drop_ntf(struct qlink *ql, u64 now, u32 reason, u64 first,
		      u64 last, u32 count)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = qlink_nl_pairs_msg(ql, qlink_pairs_ntf_size(0),
				 QLINK_CMD_PAIR_DROP_NTF, now, &hdr, &err);
	if (!msg)
		return err;
	if (nla_put_u32(msg, QLINK_A_DROP_REASON, reason) ||
	    nla_put_u64_64bit(msg, QLINK_A_SEQ_FIRST, first, QLINK_A_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_SEQ_LAST, last, QLINK_A_PAD) ||
	    nla_put_u32(msg, QLINK_A_PAIR_COUNT, count)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&qlink_genl_family, dev_net(ql->dev), msg, 0,
				QLINK_MCGRP_PAIRS, GFP_ATOMIC);
	return 0;
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

/*
 * PAIR_GET dump of one link's buffer, oldest first. cb->args[0] is the
 * next sequence number to report, cb->args[1] is set once the walk is
 * complete, cb->args[2] bounds it (see qlink_pairs_dump()); each chunk
 * takes RTNL (the link stays registered) and the link's pair lock.
 * Pairs heralded during the dump are not in it; none is reported twice.
 */
/*
 * Before the first chunk of a dump of one link (PAIR_GET, PURPOSE_GET): a
 * request for an unknown link gets an error ack.
 */
static int qlink_nl_link_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct qlink *ql;

	rtnl_lock();
	ql = qlink_nl_lookup(sock_net(cb->skb->sk), info->attrs, cb->extack);
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(ql);
}

static int qlink_nl_pair_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct net *net = sock_net(skb->sk);
	u64 next = cb->args[0], limit = cb->args[2];
	struct qlink *ql;
	int n;

	if (cb->args[1])
		return 0;
	rtnl_lock();
	ql = qlink_nl_lookup(net, info->attrs, cb->extack);
	if (IS_ERR(ql)) {
		rtnl_unlock();
		return PTR_ERR(ql);
	}
	n = qlink_pairs_dump(ql, skb, NETLINK_CB(cb->skb).portid,
			     cb->nlh->nlmsg_seq, &next, &limit);
	rtnl_unlock();
	if (n < 0) {
		NL_SET_ERR_MSG(cb->extack, "qlink: pair did not fit");
		return n;
	}
	cb->args[0] = next;
	cb->args[2] = limit;
	if (!n)
		cb->args[1] = 1;
	return skb->len;
}

/*
 * A change made through @ql (parameters, purposes) applies to the other
 * end of its link too, which may be in another netns: the caller needs
 * CAP_NET_ADMIN there as well (GENL_UNS_ADMIN_PERM checked it over
 * @ql's). RTNL held.
 */
static int qlink_nl_may_change(struct sk_buff *skb, struct qlink *ql,
			       struct netlink_ext_ack *extack)
{
	struct qlink *other = qlink_sched_other_end(ql);
	struct net *net;

	if (!other)
		return 0;
	net = dev_net(other->dev);
	if (net_eq(net, dev_net(ql->dev)) ||
	    netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "the change applies to the link's other end too: CAP_NET_ADMIN over its netns needed");
	return -EPERM;
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
		err = qlink_nl_may_change(skb, ql, info->extack) ?:
		      qlink_params_set(ql, info->attrs[QLINK_A_LINK_PARAMS],
				       info->extack);
	rtnl_unlock();
	return err;
}

/* A doit's %QLINK_A_PURPOSE nest into @tb; %QLINK_A_PURPOSE_ID required. */
static int qlink_nl_purpose_parse(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[QLINK_A_PURPOSE];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, QLINK_A_PURPOSE)) {
		NL_SET_ERR_MSG(info->extack,
			       "QLINK_A_PURPOSE with QLINK_A_PURPOSE_ID required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, QLINK_A_PURPOSE_MAX, nest,
			       qlink_purpose_nl_policy, info->extack);
	if (err)
		return err;
	if (!tb[QLINK_A_PURPOSE_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "QLINK_A_PURPOSE_ID required");
		return -EINVAL;
	}
	return 0;
}

/* PURPOSE_GET doit: the purpose %QLINK_A_PURPOSE_ID names (dumps list all). */
static int qlink_nl_purpose_get_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *tb[QLINK_A_PURPOSE_MAX + 1];
	struct sk_buff *msg;
	struct qlink *ql;
	u64 cursor = 0;
	u32 id;
	int err;

	err = qlink_nl_purpose_parse(info, tb);
	if (err)
		return err;
	id = nla_get_u32(tb[QLINK_A_PURPOSE_ID]);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	ql = qlink_nl_lookup(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ql)) {
		err = PTR_ERR(ql);
	} else {
		err = qlink_sched_purpose_dump(ql, msg, info->snd_portid,
					       info->snd_seq, 0, id, &cursor);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[QLINK_A_PURPOSE_ID],
					    "no such purpose on this link");
	}
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* PURPOSE_GET dump of one link; cb->args[0]: the lowest id not reported. */
static int qlink_nl_purpose_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	u64 cursor = cb->args[0];
	struct qlink *ql;
	int err;

	if (cb->args[1])
		return 0;
	rtnl_lock();
	ql = qlink_nl_lookup(sock_net(skb->sk), info->attrs, cb->extack);
	if (IS_ERR(ql)) {
		rtnl_unlock();
		return PTR_ERR(ql);
	}
	err = qlink_sched_purpose_dump(ql, skb, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, 0,
				       &cursor);
	rtnl_unlock();
	/* args[] are longs: a cursor past the last id is kept as a flag */
	cb->args[0] = min_t(u64, cursor, U32_MAX);
	cb->args[1] = cursor > U32_MAX;
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int qlink_nl_purpose_set_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *tb[QLINK_A_PURPOSE_MAX + 1];
	struct qlink *ql;
	int err;

	err = qlink_nl_purpose_parse(info, tb);
	if (err)
		return err;
	rtnl_lock();
	ql = qlink_nl_lookup(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ql))
		err = PTR_ERR(ql);
	else
		err = qlink_nl_may_change(skb, ql, info->extack) ?:
		      qlink_sched_purpose_set(ql, tb, info->extack);
	rtnl_unlock();
	return err;
}

/* GET_VERSION takes no attributes: strict validation rejects any. */
static const struct nla_policy qlink_get_version_policy[QLINK_A_MAX + 1] = {
};

/*
 * Not generated: the parameters' ranges are checked by qlink_params_parse(),
 * whose messages name the parameter and its range.
 */
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
		.policy = qlink_link_get_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_link_get_nl_policy) - 1,
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
		.policy = qlink_stats_get_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_stats_get_nl_policy) - 1,
	},
	{
		.cmd = QLINK_CMD_PAIR_GET,
		.start = qlink_nl_link_dump_start,
		.dumpit = qlink_nl_pair_dumpit,
		.policy = qlink_pair_get_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_pair_get_nl_policy) - 1,
		/* pairs are the applications': see the "pairs" group */
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = QLINK_CMD_PURPOSE_GET,
		.doit = qlink_nl_purpose_get_doit,
		.start = qlink_nl_link_dump_start,
		.dumpit = qlink_nl_purpose_dumpit,
		.policy = qlink_purpose_get_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_purpose_get_nl_policy) - 1,
	},
	{
		.cmd = QLINK_CMD_PURPOSE_SET,
		.doit = qlink_nl_purpose_set_doit,
		.policy = qlink_purpose_set_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_purpose_set_nl_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/*
 * Link events are public, as RTNLGRP_LINK's are. Pair events (and
 * PAIR_GET) name every pair with its Bell state and herald time, which
 * with one end's measurement outcomes make key bits: only CAP_NET_ADMIN
 * over the netns may see them (the applications see their own pairs on
 * their sockets).
 */
static const struct genl_multicast_group qlink_genl_mcgrps[] = {
	[QLINK_MCGRP_LINK] = { .name = QLINK_MCGRP_LINK_NAME },
	[QLINK_MCGRP_PAIRS] = { .name = QLINK_MCGRP_PAIRS_NAME,
				.flags = GENL_MCAST_CAP_NET_ADMIN },
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
