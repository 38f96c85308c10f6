// SPDX-License-Identifier: GPL-2.0
/*
 * The "qlink" generic netlink family: commands, policies and handlers.
 * Every message of the family is built here, from plain copies that the
 * other files of the core hand out (struct qlink_pair_snap,
 * qlink_pairs_stats, qlink_req_stats, qlink_purpose_info): they know
 * nothing of netlink, and this file nothing of their locks and internals.
 *
 * The family is netnsok: requests are answered from the caller's netns and
 * act only on objects of that netns. The family runs with parallel_ops:
 * the handlers hold RTNL, which is what keeps a link registered (and its
 * driver loaded) while it is looked at. The family's pre_doit takes it and
 * looks up the link for every doit that names one; dumps take it per batch
 * and resume from a cursor, so concurrent deletions neither crash a dump
 * nor make it skip or repeat a surviving object.
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
#include "sched.h"
#include "genl-policy.h"

enum qlink_mcgrp {
	QLINK_MCGRP_LINK,
	QLINK_MCGRP_PAIRS,
};

/* genl_ops.internal_flags: the doit acts on the link its request names. */
#define QLINK_NL_LINK		BIT(0)

static struct genl_family qlink_genl_family;

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
	    nla_put_u32(msg, QLINK_A_CAPS_MEASURE_BASES, c->measure_bases)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The heralding statistics inside an open %QLINK_A_STATS nest. */
static int qlink_nl_fill_pairs_stats(struct sk_buff *msg, struct qlink *ql)
{
	struct qlink_pairs_stats st;

	qlink_pairs_read_stats(ql, &st);
	if (nla_put_u64_64bit(msg, QLINK_A_STATS_TAGS_A, st.tags[0],
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_TAGS_B, st.tags[1],
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_COVERED_TIME, st.covered_ps,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_LINK_TIME, st.now_ps,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_HERALD_RATE, st.herald_rate,
			      QLINK_A_STATS_PAD) ||
	    (st.n_herald &&
	     nla_put_u32(msg, QLINK_A_STATS_FIDELITY_HERALD, st.f_herald)) ||
	    (st.n_taken &&
	     nla_put_u32(msg, QLINK_A_STATS_FIDELITY_TAKEN, st.f_taken)) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_TAKEN, st.taken,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_AGE_TAKEN, st.age_taken,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_LATENCY_MEAN, st.lat_mean,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_LATENCY_MAX, st.lat_max,
			      QLINK_A_STATS_PAD) ||
	    (st.loss_est[0] != U32_MAX &&
	     nla_put_u32(msg, QLINK_A_STATS_LOSS_A_EST, st.loss_est[0])) ||
	    (st.loss_est[1] != U32_MAX &&
	     nla_put_u32(msg, QLINK_A_STATS_LOSS_B_EST, st.loss_est[1])) ||
	    (st.offset_valid &&
	     (nla_put_s64(msg, QLINK_A_STATS_OFFSET_EST, st.offset_est,
			  QLINK_A_STATS_PAD) ||
	      nla_put_s64(msg, QLINK_A_STATS_OFFSET_ERROR,
			  st.offset_est - st.offset_cfg, QLINK_A_STATS_PAD))) ||
	    nla_put_u32(msg, QLINK_A_STATS_PAIRS, st.pairs) ||
	    nla_put_u32(msg, QLINK_A_STATS_SLOTS_USED, st.slots_used) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DROPPED_FULL, st.dropped_full,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DROPPED_SLOTS,
			      st.dropped_slots, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_EXPIRED, st.expired,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DISCARDED_LOW_F,
			      st.discarded_low_f, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_FLUSHED, st.flushed,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REJECTED, st.rejected,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_TAGS_REJECTED,
			      st.tags_rejected, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_MATCH_OVERFLOW,
			      st.match_overflow, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_EVENTS_LOST, st.events_lost,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u32(msg, QLINK_A_STATS_MAX_PAIRS, st.max_pairs))
		return -EMSGSIZE;
	return 0;
}

/* The request counters of @ql's end inside an open %QLINK_A_STATS nest. */
static int qlink_nl_fill_req_stats(struct sk_buff *msg, struct qlink *ql)
{
	struct qlink_req_stats st;

	if (!qlink_sched_read_stats(ql, &st))
		return 0;
	if (nla_put_u64_64bit(msg, QLINK_A_STATS_REQUESTS, st.requests,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_SUCCEEDED, st.succeeded,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_FAILED, st.failed,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_LATENCY_MEAN,
			      st.n_lat ? div64_u64(st.sum_lat_ns, st.n_lat) : 0,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REQ_LATENCY_MAX,
			      st.max_lat_ns, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DELIVERED, st.delivered,
			      QLINK_A_STATS_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The link protocol's counters inside an open %QLINK_A_STATS nest. */
static int qlink_nl_fill_proto_stats(struct sk_buff *msg, struct qlink *ql)
{
	u64 sum[QLINK_STAT_NR];
	int i;

	static_assert(QLINK_STAT_PEER_TIMEOUTS - QLINK_STAT_PROTO_TX ==
		      QLINK_A_STATS_PEER_TIMEOUTS - QLINK_A_STATS_PROTO_TX);
	qlink_stats_sum(ql, sum);
	sum[QLINK_STAT_PROTO_RX_UNKNOWN_LINK] += qlink_peer_unknown(ql);
	for (i = QLINK_STAT_PROTO_TX; i <= QLINK_STAT_PEER_TIMEOUTS; i++)
		if (nla_put_u64_64bit(msg, QLINK_A_STATS_PROTO_TX +
				      (i - QLINK_STAT_PROTO_TX), sum[i],
				      QLINK_A_STATS_PAD))
			return -EMSGSIZE;
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
	    qlink_nl_fill_pairs_stats(msg, ql) ||
	    qlink_nl_fill_req_stats(msg, ql) ||
	    qlink_nl_fill_proto_stats(msg, ql)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * One message about @ql: its identity, then according to @cmd the full
 * description (LINK_GET and the CREATE/CHANGE events) or the statistics.
 * RTNL keeps ql->config and ql->calib stable without their seqlock.
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
		    (qlink_pairs_started(ql) &&
		     nla_put_u64_64bit(msg, QLINK_A_LINK_CLOCK_BASE,
				       qlink_pairs_clock_base(ql),
				       QLINK_A_PAD)) ||
		    qlink_nl_fill_caps(msg, &ql->caps) ||
		    qlink_config_fill(msg, ql) ||
		    qlink_calib_fill(msg, ql) ||
		    qlink_peer_fill(msg, ql) ||
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
 * Process context.
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

/* Does anyone listen to the "pairs" group of @ql's netns? */
bool qlink_nl_pairs_wanted(struct qlink *ql)
{
	return genl_has_listeners(&qlink_genl_family, dev_net(ql->dev),
				  QLINK_MCGRP_PAIRS);
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

/* One pair as a %QLINK_A_PAIR nest. */
static int qlink_nl_pair_fill(struct sk_buff *msg,
			      const struct qlink_pair_snap *p)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, QLINK_A_PAIR);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, QLINK_A_PAIR_SEQ, p->seq,
			      QLINK_A_PAIR_PAD) ||
	    nla_put_u32(msg, QLINK_A_PAIR_LINK_ID, p->pair_link_id) ||
	    nla_put_u64_64bit(msg, QLINK_A_PAIR_TRACE_ID, p->trace_id,
			      QLINK_A_PAIR_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_PAIR_HERALD_TIME, p->herald_ps,
			      QLINK_A_PAIR_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_PAIR_AGE, p->age_ps,
			      QLINK_A_PAIR_PAD) ||
	    nla_put_u32(msg, QLINK_A_PAIR_FIDELITY_HERALD, p->fidelity_herald) ||
	    nla_put_u32(msg, QLINK_A_PAIR_FIDELITY, p->fidelity) ||
	    nla_put_u8(msg, QLINK_A_PAIR_BELL_INDEX, p->bell_index) ||
	    (p->slot != QLINK_SLOT_NONE &&
	     nla_put_u32(msg, QLINK_A_PAIR_SLOT, p->slot)) ||
	    nla_put_u32(msg, QLINK_A_PAIR_STATE, p->state) ||
	    nla_put_u32(msg, QLINK_A_PAIR_PURPOSE, p->purpose)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
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
 * @show: plain copies of the first pairs
 * @n_show: how many, at most %QLINK_NTF_PAIRS_MAX
 *
 * Any context but hard interrupts; nothing is built without listeners.
 *
 * Return: 0, or -ENOMEM / -EMSGSIZE if an event was lost.
 */
int qlink_nl_pairs_ntf(struct qlink *ql, u64 now, u64 first, u64 last,
		       u32 count, const struct qlink_pair_snap *show,
		       u32 n_show)
{
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
		if (qlink_nl_pair_fill(msg, &show[k]))
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
 * @net, or an ERR_PTR with an extack message.
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

/* The link of a doit, found by qlink_nl_pre_doit(). */
static struct qlink *qlink_nl_link(struct genl_info *info)
{
	return info->user_ptr[0];
}

/*
 * Every doit but GET_VERSION acts on one link (%QLINK_NL_LINK): it runs
 * under RTNL, which keeps the link registered (and its driver loaded),
 * with the link its request names. On an error the core does not call
 * post_doit: RTNL is released here.
 */
static int qlink_nl_pre_doit(const struct genl_ops *ops,
			     struct sk_buff *skb, struct genl_info *info)
{
	struct qlink *ql;

	if (!(ops->internal_flags & QLINK_NL_LINK))
		return 0;
	rtnl_lock();
	ql = qlink_nl_lookup(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ql)) {
		rtnl_unlock();
		return PTR_ERR(ql);
	}
	info->user_ptr[0] = ql;
	return 0;
}

static void qlink_nl_post_doit(const struct genl_ops *ops,
			       struct sk_buff *skb, struct genl_info *info)
{
	if (ops->internal_flags & QLINK_NL_LINK)
		rtnl_unlock();
}

/*
 * The same for one part of a dump of one link (6.1 has no pre_dumpit):
 * @fn runs under RTNL with the link the request names.
 */
static int qlink_nl_dump_link(struct sk_buff *skb, struct netlink_callback *cb,
			      int (*fn)(struct qlink *ql, struct sk_buff *skb,
					struct netlink_callback *cb))
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct qlink *ql;
	int err;

	rtnl_lock();
	ql = qlink_nl_lookup(sock_net(cb->skb->sk), info->attrs, cb->extack);
	err = IS_ERR(ql) ? PTR_ERR(ql) : fn(ql, skb, cb);
	rtnl_unlock();
	return err;
}

static int qlink_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = qlink_nl_fill(msg, qlink_nl_link(info), info->genlhdr->cmd,
			    info->snd_portid, info->snd_seq, 0, 0);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "qlink: reply did not fit");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
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

static int qlink_nl_link_found(struct qlink *ql, struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return 0;
}

/*
 * Before the first chunk of a dump of one link (PAIR_GET, PURPOSE_GET): a
 * request for an unknown link gets an error ack.
 */
static int qlink_nl_link_dump_start(struct netlink_callback *cb)
{
	return qlink_nl_dump_link(NULL, cb, qlink_nl_link_found);
}

/* One PAIR_GET reply: a pair of @ql's buffer at link time @now. */
static int qlink_nl_pair_msg(struct sk_buff *skb, struct qlink *ql,
			     struct netlink_callback *cb, u64 now,
			     const struct qlink_pair_snap *p)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &qlink_genl_family, NLM_F_MULTI, QLINK_CMD_PAIR_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, QLINK_A_IFINDEX, ql->dev->ifindex) ||
	    nla_put_u32(skb, QLINK_A_LINK_ID, ql->id) ||
	    nla_put_u64_64bit(skb, QLINK_A_LINK_TIME, now, QLINK_A_PAD) ||
	    qlink_nl_pair_fill(skb, p)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Pairs copied out of the buffer at a time (stack). */
#define QLINK_NL_PAIRS_COPY	8

/*
 * PAIR_GET dump of one link's buffer, oldest first. cb->args[0] is the
 * next sequence number to report, cb->args[1] is set once the walk is
 * complete, cb->args[2] bounds it (see qlink_pairs_snapshot()); each part
 * holds RTNL (the link stays registered) and copies the pairs a few at a
 * time under the link's pair lock. Pairs heralded during the dump are not
 * in it; none is reported twice.
 */
static int qlink_nl_pair_chunk(struct qlink *ql, struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct qlink_pair_snap snap[QLINK_NL_PAIRS_COPY];
	u64 next = cb->args[0], limit = cb->args[2], now;
	u32 k, n, put = 0;
	int err = 0;

	do {
		n = qlink_pairs_snapshot(ql, next, &limit, snap,
					 ARRAY_SIZE(snap), &now);
		for (k = 0; k < n && !err; k++) {
			err = qlink_nl_pair_msg(skb, ql, cb, now, &snap[k]);
			if (!err) {
				next = snap[k].seq + 1;
				put++;
			}
		}
	} while (n && !err);
	if (err && !put) {
		NL_SET_ERR_MSG(cb->extack, "qlink: pair did not fit");
		return err;
	}
	cb->args[0] = next;
	cb->args[2] = limit;
	if (!put)
		cb->args[1] = 1;
	return skb->len;
}

static int qlink_nl_pair_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	if (cb->args[1])
		return 0;
	return qlink_nl_dump_link(skb, cb, qlink_nl_pair_chunk);
}

/*
 * A change made through @ql (parameters, purposes) applies to the other
 * end of its link too, which may be in another netns: the caller needs
 * CAP_NET_ADMIN there as well (GENL_UNS_ADMIN_PERM checked it over
 * @ql's).
 */
static int qlink_nl_may_change(struct sk_buff *skb, struct qlink *ql,
			       struct netlink_ext_ack *extack)
{
	struct qlink *other = qlink_sched_other_end(ql);
	struct net *net;

	ASSERT_RTNL();
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
	struct nlattr *conf = info->attrs[QLINK_A_LINK_CONFIG];
	struct nlattr *calib = info->attrs[QLINK_A_LINK_CALIB];
	struct nlattr *peer = info->attrs[QLINK_A_LINK_PEER];
	struct qlink *ql = qlink_nl_link(info);
	struct qlink *other = qlink_sched_other_end(ql);
	struct qlink_config c;
	struct qlink_calib cal;
	int err;

	if (!conf && !calib && !peer) {
		NL_SET_ERR_MSG(info->extack,
			       "QLINK_A_LINK_CONFIG, QLINK_A_LINK_CALIB or QLINK_A_LINK_PEER required");
		return -EINVAL;
	}
	if (peer && other) {
		NL_SET_ERR_MSG_ATTR(info->extack, peer,
				    "both ends of this link are in this kernel: it needs no peer");
		return -EOPNOTSUPP;
	}
	/* all or nothing: everything checked before the peer changes */
	err = qlink_nl_may_change(skb, ql, info->extack) ?:
	      qlink_conf_prepare(ql, other, conf, calib, &c, &cal,
				 info->extack);
	if (!err && peer)
		err = qlink_peer_nl_set(ql, genl_info_net(info), peer,
					info->extack);
	if (!err)
		qlink_conf_commit(ql, other, conf, calib, &c, &cal);
	return err;
}

/* A doit's %QLINK_A_PURPOSE nest into @tb; %QLINK_A_PURPOSE_ID required. */
static int qlink_nl_purpose_parse(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[QLINK_A_PURPOSE];
	int err, i;

	if (GENL_REQ_ATTR_CHECK(info, QLINK_A_PURPOSE)) {
		NL_SET_ERR_MSG(info->extack,
			       "QLINK_A_PURPOSE with QLINK_A_PURPOSE_ID required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, QLINK_A_PURPOSE_MAX, nest,
			       qlink_purpose_nl_policy, info->extack);
	if (err)
		return err;
	/* the spec cannot mark part of a nest reply-only: check it here */
	for (i = QLINK_A_PURPOSE_REQUESTS; i <= QLINK_A_PURPOSE_RECEIVERS; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "the purpose's counters are read only");
			return -EINVAL;
		}
	}
	if (!tb[QLINK_A_PURPOSE_ID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "QLINK_A_PURPOSE_ID required");
		return -EINVAL;
	}
	return 0;
}

/* One PURPOSE_GET reply; owners in the caller's user namespace. */
static int qlink_nl_purpose_fill(struct sk_buff *skb, struct qlink *ql,
				 const struct qlink_purpose_info *pp,
				 u32 portid, u32 seq, int flags)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &qlink_genl_family, flags,
			  QLINK_CMD_PURPOSE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, QLINK_A_IFINDEX, ql->dev->ifindex) ||
	    nla_put_u32(skb, QLINK_A_LINK_ID, ql->id))
		goto cancel;
	nest = nla_nest_start(skb, QLINK_A_PURPOSE);
	if (!nest)
		goto cancel;
	if (nla_put_u32(skb, QLINK_A_PURPOSE_ID, pp->id) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_WEIGHT, pp->weight) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_RATE, pp->rate,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_MAX_OUTSTANDING,
			pp->max_outstanding) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RESERVE, pp->reserve) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RESERVE_FIDELITY, pp->reserve_f) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_REQUESTS, pp->requests,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_REQ_SUCCEEDED,
			      pp->succeeded, QLINK_A_PURPOSE_PAD) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_REQ_FAILED, pp->failed,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u64_64bit(skb, QLINK_A_PURPOSE_DELIVERED, pp->delivered,
			      QLINK_A_PURPOSE_PAD) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_OUTSTANDING, pp->outstanding) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RESERVED, pp->reserved) ||
	    nla_put_u32(skb, QLINK_A_PURPOSE_RECEIVERS, pp->receivers) ||
	    (uid_valid(pp->owner_uid) &&
	     nla_put_u32(skb, QLINK_A_PURPOSE_OWNER_UID,
			 from_kuid_munged(current_user_ns(), pp->owner_uid))) ||
	    (gid_valid(pp->owner_gid) &&
	     nla_put_u32(skb, QLINK_A_PURPOSE_OWNER_GID,
			 from_kgid_munged(current_user_ns(), pp->owner_gid)))) {
		nla_nest_cancel(skb, nest);
		goto cancel;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* PURPOSE_GET doit: the purpose %QLINK_A_PURPOSE_ID names (dumps list all). */
static int qlink_nl_purpose_get_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *tb[QLINK_A_PURPOSE_MAX + 1];
	struct qlink *ql = qlink_nl_link(info);
	struct qlink_purpose_info pi;
	struct sk_buff *msg;
	int err;

	err = qlink_nl_purpose_parse(info, tb);
	if (err)
		return err;
	err = qlink_sched_purpose_get(ql, nla_get_u32(tb[QLINK_A_PURPOSE_ID]),
				      &pi);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[QLINK_A_PURPOSE_ID],
				    "no such purpose on this link");
		return err;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = qlink_nl_purpose_fill(msg, ql, &pi, info->snd_portid,
				    info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Purposes copied out of the scheduler at a time (stack). */
#define QLINK_NL_PURPOSES_COPY	8

/* PURPOSE_GET dump of one link; cb->args[0]: the lowest id not reported. */
static int qlink_nl_purpose_chunk(struct qlink *ql, struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct qlink_purpose_info pi[QLINK_NL_PURPOSES_COPY];
	u64 cursor = cb->args[0];
	int err = 0;
	u32 k, n;

	do {
		n = qlink_sched_purposes(ql, cursor, pi, ARRAY_SIZE(pi));
		for (k = 0; k < n && !err; k++) {
			err = qlink_nl_purpose_fill(skb, ql, &pi[k],
						    NETLINK_CB(cb->skb).portid,
						    cb->nlh->nlmsg_seq,
						    NLM_F_MULTI);
			if (!err)
				cursor = (u64)pi[k].id + 1;
		}
	} while (n == ARRAY_SIZE(pi) && !err);
	/* args[] are longs: a cursor past the last id is kept as a flag */
	cb->args[0] = min_t(u64, cursor, U32_MAX);
	cb->args[1] = cursor > U32_MAX;
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int qlink_nl_purpose_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	if (cb->args[1])
		return 0;
	return qlink_nl_dump_link(skb, cb, qlink_nl_purpose_chunk);
}

static int qlink_nl_purpose_set_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *tb[QLINK_A_PURPOSE_MAX + 1];
	struct qlink *ql = qlink_nl_link(info);
	int err;

	err = qlink_nl_purpose_parse(info, tb);
	if (err)
		return err;
	return qlink_nl_may_change(skb, ql, info->extack) ?:
	       qlink_sched_purpose_set(ql, tb, info->extack);
}

static const struct genl_ops qlink_genl_ops[] = {
	{
		.cmd = QLINK_CMD_LINK_GET,
		.internal_flags = QLINK_NL_LINK,
		.doit = qlink_nl_get_doit,
		.dumpit = qlink_nl_get_dumpit,
		.policy = qlink_link_get_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_link_get_nl_policy) - 1,
	},
	{
		.cmd = QLINK_CMD_LINK_SET,
		.internal_flags = QLINK_NL_LINK,
		.doit = qlink_nl_set_doit,
		.policy = qlink_link_set_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_link_set_nl_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = QLINK_CMD_STATS_GET,
		.internal_flags = QLINK_NL_LINK,
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
		.internal_flags = QLINK_NL_LINK,
		.doit = qlink_nl_purpose_get_doit,
		.start = qlink_nl_link_dump_start,
		.dumpit = qlink_nl_purpose_dumpit,
		.policy = qlink_purpose_get_nl_policy,
		.maxattr = ARRAY_SIZE(qlink_purpose_get_nl_policy) - 1,
	},
	{
		.cmd = QLINK_CMD_PURPOSE_SET,
		.internal_flags = QLINK_NL_LINK,
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
	.pre_doit = qlink_nl_pre_doit,
	.post_doit = qlink_nl_post_doit,
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
