// SPDX-License-Identifier: GPL-2.0
/*
 * qlinksim: a simulated fiber link between two qlink devices.
 *
 *   ip link add qa type qlinksim peer name qb [netns NS]
 *
 * creates both ends of one link, veth-style: end A (the device RTM_NEWLINK
 * names) and end B (its peer) may live in different network namespaces, and
 * deleting either deletes both. Both ends carry the same parameters; a
 * change on one is mirrored to the other. The carrier is on when both ends
 * are up. Generating heralds is not done here yet: start/stop only change
 * state, and the expected rates are the analytic ones of qlink.md §7.
 *
 * debugfs /sys/kernel/debug/qlinksim/fail_start: the next N starts (link
 * up) fail with -EIO, to exercise the core's error path.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/math64.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/qlink.h>

#define DRV_NAME	"qlinksim"

/**
 * struct qlinksim - private data of one end
 * @peer: the other end; written under RTNL, read under RTNL (control
 *	paths) or RCU (the future herald path); NULL once dellink ran
 * @side_b: this is end B, the peer created from IFLA_QLINKSIM_PEER;
 *	constant
 */
struct qlinksim {
	struct net_device __rcu *peer;
	bool side_b;
};

/*
 * Starts left to fail (debugfs knob): read and decremented under RTNL;
 * debugfs writes it without a lock, which for a test knob only means a
 * write racing with a start may or may not count that start.
 */
static u32 qlinksim_fail_start;
static struct dentry *qlinksim_debugfs;

static const struct qlink_caps qlinksim_caps = {
	.herald_models	= BIT(QLINK_HERALD_TIME_TAGS) | BIT(QLINK_HERALD_EVENTS),
	.max_rate	= 1000000000000ULL,	/* 1e9 pairs/s */
	.memory_slots	= 1024,
	.params		= GENMASK_ULL(QLINK_A_PARAM_MAX, QLINK_A_PARAM_PAD + 1),
};

static struct rtnl_link_ops qlinksim_link_ops;

static struct qlinksim *qlinksim_of(struct qlink *ql)
{
	return qlink_priv(ql);
}

static struct net_device *qlinksim_peer(struct qlink *ql)
{
	return rtnl_dereference(qlinksim_of(ql)->peer);
}

static int qlinksim_start(struct qlink *ql)
{
	struct net_device *peer = qlinksim_peer(ql);

	if (qlinksim_fail_start) {
		qlinksim_fail_start--;
		return -EIO;
	}
	/* IFF_UP is set on this end once we return 0. */
	if (peer && (peer->flags & IFF_UP)) {
		netif_carrier_on(ql->dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static void qlinksim_stop(struct qlink *ql)
{
	struct net_device *peer = qlinksim_peer(ql);

	netif_carrier_off(ql->dev);
	if (peer)
		netif_carrier_off(peer);
}

/* The PRNG and the heralding model are fixed while either end runs. */
static int qlinksim_check_params(struct qlink *ql, const struct qlink_params *p,
				 u64 changed, struct netlink_ext_ack *extack)
{
	struct net_device *peer = qlinksim_peer(ql);
	bool running = (ql->dev->flags & IFF_UP) || (peer && (peer->flags & IFF_UP));

	if (!running)
		return 0;
	if (changed & QLINK_PARAM_BIT(QLINK_A_PARAM_SEED)) {
		NL_SET_ERR_MSG(extack, "QLINK_A_PARAM_SEED cannot change while up");
		return -EBUSY;
	}
	if (changed & QLINK_PARAM_BIT(QLINK_A_PARAM_HERALD_MODEL)) {
		NL_SET_ERR_MSG(extack, "QLINK_A_PARAM_HERALD_MODEL cannot change while up");
		return -EBUSY;
	}
	return 0;
}

/* Both ends are one fiber: mirror the change to the other end. */
static void qlinksim_params_changed(struct qlink *ql,
				    const struct qlink_params *p, u64 changed)
{
	struct net_device *peer = qlinksim_peer(ql);

	if (peer)
		qlink_params_commit(qlink_from_dev(peer), p, changed);
}

#define PPM		1000000ULL

/* Probability (2^32 = 1) that a photon of the arm is detected. */
static u64 qlinksim_arm(u32 eff_ppm, u64 loss_mdb)
{
	u64 eff = div_u64((u64)eff_ppm << 32, PPM);

	return mul_u64_u64_shr(eff, qlink_db_to_frac32(loss_mdb), 32);
}

/*
 * qlink.md §7, in integers: rates in mHz, probabilities in 2^-32 units.
 * Detector saturation (F5 max rate) caps the singles rate of an arm and
 * scales its true coincidences by the same factor; dead time and the
 * faults that act on generation (F4, F6-F8) do not change these numbers.
 */
static void qlinksim_get_expected(struct qlink *ql, const struct qlink_params *p,
				  struct qlink_expected *e)
{
	u64 loss_a = div_u64((u64)p->fiber_loss * p->fiber_len_a, 1000) +
		     p->extra_loss / 2;
	u64 loss_b = div_u64((u64)p->fiber_loss * p->fiber_len_b, 1000) +
		     p->extra_loss - p->extra_loss / 2;
	u64 pa = qlinksim_arm(p->det_eff_a, loss_a);
	u64 pb = qlinksim_arm(p->det_eff_b, loss_b);
	u64 sa = mul_u64_u64_shr(p->source_rate, pa, 32) + p->dark_rate;
	u64 sb = mul_u64_u64_shr(p->source_rate, pb, 32) + p->dark_rate;
	u64 c = mul_u64_u64_shr(mul_u64_u64_shr(p->source_rate, pa, 32), pb, 32);
	u64 acc, total, f0;

	if (p->max_det_rate && sa > p->max_det_rate) {
		c = mul_u64_u64_div_u64(c, p->max_det_rate, sa);
		sa = p->max_det_rate;
	}
	if (p->max_det_rate && sb > p->max_det_rate) {
		c = mul_u64_u64_div_u64(c, p->max_det_rate, sb);
		sb = p->max_det_rate;
	}
	/* S_A [mHz] * S_B [mHz] * tau [ps] / 1e15 = mHz; S_A * tau < 2^64 */
	acc = mul_u64_u64_div_u64(sa * p->window, sb, 1000000000000000ULL);

	e->herald_rate = c;
	e->accidental_rate = acc;
	e->loss_a = min_t(u64, loss_a, U32_MAX);
	e->loss_b = min_t(u64, loss_b, U32_MAX);
	total = c + acc;
	e->have_fidelity = total != 0;
	if (!total)
		return;
	f0 = p->fidelity - p->fidelity_drop;
	e->fidelity = mul_u64_u64_div_u64(f0, c, total) +
		      mul_u64_u64_div_u64(PPM / 4, acc, total);
	e->qber = div_u64((PPM - e->fidelity) * 2, 3);
}

static int qlinksim_fill_link(struct qlink *ql, struct sk_buff *skb)
{
	struct net_device *peer = qlinksim_peer(ql);

	if (nla_put_u8(skb, QLINK_A_LINK_SIDE, qlinksim_of(ql)->side_b))
		return -EMSGSIZE;
	if (!peer)
		return 0;
	if (nla_put_u32(skb, QLINK_A_LINK_PEER_IFINDEX, peer->ifindex) ||
	    nla_put_u64_64bit(skb, QLINK_A_LINK_PEER_NETNS_COOKIE,
			      dev_net(peer)->net_cookie, QLINK_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static const struct qlink_ops qlinksim_ops = {
	.start		= qlinksim_start,
	.stop		= qlinksim_stop,
	.check_params	= qlinksim_check_params,
	.params_changed	= qlinksim_params_changed,
	.get_expected	= qlinksim_get_expected,
	.fill_link	= qlinksim_fill_link,
};

static void qlinksim_setup(struct net_device *dev)
{
	qlink_setup(dev);
	dev->needs_free_netdev = true;
}

static const struct nla_policy qlinksim_policy[IFLA_QLINKSIM_MAX + 1] = {
	[IFLA_QLINKSIM_PEER]	= { .len = sizeof(struct ifinfomsg) },
	[IFLA_QLINKSIM_PARAMS]	= { .type = NLA_NESTED },
};

/* Attributes alone; the values against each other are checked in newlink. */
static int qlinksim_validate(struct nlattr *tb[], struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct qlink_params p;
	u64 changed = 0;

	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "qlink devices have no hardware address");
		return -EINVAL;
	}
	if (!data)
		return 0;
	qlink_params_default(&p);
	return qlink_params_parse(data[IFLA_QLINKSIM_PARAMS], &p, &changed,
				  extack);
}

static int qlinksim_newlink(struct net *src_net, struct net_device *dev,
			    struct nlattr *tb[], struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct nlattr *peer_tb[IFLA_MAX + 1], **tbp = tb;
	struct nlattr *nest = data ? data[IFLA_QLINKSIM_PARAMS] : NULL;
	unsigned char name_assign_type;
	struct ifinfomsg *ifmp = NULL;
	struct qlink_params p;
	struct net_device *peer;
	char ifname[IFNAMSIZ];
	struct qlinksim *sim;
	u64 changed = 0;
	struct net *net;
	int err;

	qlink_params_default(&p);
	err = qlink_params_parse(nest, &p, &changed, extack);
	if (err)
		return err;
	err = qlink_params_check(&qlinksim_caps, &p, changed, nest, extack);
	if (err)
		return err;

	/* End B first, as veth does. */
	if (data && data[IFLA_QLINKSIM_PEER]) {
		struct nlattr *nla_peer = data[IFLA_QLINKSIM_PEER];

		ifmp = nla_data(nla_peer);
		err = rtnl_nla_parse_ifinfomsg(peer_tb, nla_peer, extack);
		if (err < 0)
			return err;
		err = qlinksim_validate(peer_tb, NULL, extack);
		if (err < 0)
			return err;
		tbp = peer_tb;
	}

	if (ifmp && tbp[IFLA_IFNAME]) {
		nla_strscpy(ifname, tbp[IFLA_IFNAME], IFNAMSIZ);
		name_assign_type = NET_NAME_USER;
	} else {
		snprintf(ifname, IFNAMSIZ, DRV_NAME "%%d");
		name_assign_type = NET_NAME_ENUM;
	}

	net = rtnl_link_get_net(src_net, tbp);
	if (IS_ERR(net))
		return PTR_ERR(net);
	/* Creating end B in another netns needs CAP_NET_ADMIN over it. */
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN)) {
		put_net(net);
		NL_SET_ERR_MSG(extack, "CAP_NET_ADMIN needed in the peer's netns");
		return -EPERM;
	}

	peer = rtnl_create_link(net, ifname, name_assign_type,
				&qlinksim_link_ops, tbp, extack);
	if (IS_ERR(peer)) {
		put_net(net);
		return PTR_ERR(peer);
	}
	qlink_init(qlink_from_dev(peer), &qlinksim_ops, &qlinksim_caps, &p);
	qlinksim_of(qlink_from_dev(peer))->side_b = true;
	if (ifmp && dev->ifindex)
		peer->ifindex = ifmp->ifi_index;

	err = register_netdevice(peer);
	put_net(net);
	if (err < 0)
		goto err_register_peer;

	err = rtnl_configure_link(peer, ifmp, 0, NULL);
	if (err < 0)
		goto err_configure_peer;

	/* End A; its name may have been taken by the peer meanwhile. */
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		snprintf(dev->name, IFNAMSIZ, DRV_NAME "%%d");
	qlink_init(qlink_from_dev(dev), &qlinksim_ops, &qlinksim_caps, &p);

	err = register_netdevice(dev);
	if (err < 0)
		goto err_configure_peer;

	sim = qlinksim_of(qlink_from_dev(dev));
	rcu_assign_pointer(sim->peer, peer);
	sim = qlinksim_of(qlink_from_dev(peer));
	rcu_assign_pointer(sim->peer, dev);
	return 0;

err_configure_peer:
	unregister_netdevice(peer);
	return err;

err_register_peer:
	free_netdev(peer);
	return err;
}

/*
 * Deleting either end deletes both. Called from ip link del and from
 * default_device_exit_batch() when a netns goes away; the devices are not
 * freed before an RCU grace period, so RCU readers of ->peer stay safe.
 */
static void qlinksim_dellink(struct net_device *dev, struct list_head *head)
{
	struct qlinksim *sim = qlinksim_of(qlink_from_dev(dev));
	struct net_device *peer = rtnl_dereference(sim->peer);

	RCU_INIT_POINTER(sim->peer, NULL);
	unregister_netdevice_queue(dev, head);
	if (peer) {
		sim = qlinksim_of(qlink_from_dev(peer));
		RCU_INIT_POINTER(sim->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static int qlinksim_changelink(struct net_device *dev, struct nlattr *tb[],
			       struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	if (!data)
		return 0;
	if (data[IFLA_QLINKSIM_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_PEER],
				    "the peer of a qlinksim link cannot change");
		return -EOPNOTSUPP;
	}
	if (!data[IFLA_QLINKSIM_PARAMS])
		return 0;
	return qlink_params_set(qlink_from_dev(dev), data[IFLA_QLINKSIM_PARAMS],
				extack);
}

static size_t qlinksim_get_size(const struct net_device *dev)
{
	return qlink_params_size();
}

static int qlinksim_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	return qlink_params_fill(skb, IFLA_QLINKSIM_PARAMS,
				 &qlink_from_dev(dev)->params);
}

static struct net *qlinksim_get_link_net(const struct net_device *dev)
{
	struct qlinksim *sim = qlinksim_of(qlink_from_dev(dev));
	struct net_device *peer = rtnl_dereference(sim->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static struct rtnl_link_ops qlinksim_link_ops = {
	.kind		= DRV_NAME,
	.priv_size	= QLINK_PRIV_SIZE(sizeof(struct qlinksim)),
	.setup		= qlinksim_setup,
	.validate	= qlinksim_validate,
	.newlink	= qlinksim_newlink,
	.changelink	= qlinksim_changelink,
	.dellink	= qlinksim_dellink,
	.policy		= qlinksim_policy,
	.maxtype	= IFLA_QLINKSIM_MAX,
	.get_size	= qlinksim_get_size,
	.fill_info	= qlinksim_fill_info,
	.get_link_net	= qlinksim_get_link_net,
};

static int __init qlinksim_init(void)
{
	int err;

	err = rtnl_link_register(&qlinksim_link_ops);
	if (err)
		return err;
	qlinksim_debugfs = debugfs_create_dir(DRV_NAME, NULL);
	debugfs_create_u32("fail_start", 0600, qlinksim_debugfs,
			   &qlinksim_fail_start);
	return 0;
}

static void __exit qlinksim_exit(void)
{
	debugfs_remove_recursive(qlinksim_debugfs);
	rtnl_link_unregister(&qlinksim_link_ops);
}

module_init(qlinksim_init);
module_exit(qlinksim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("qlinksim: simulated quantum link (qlink driver)");
MODULE_AUTHOR("qlink developers");
MODULE_ALIAS_RTNL_LINK(DRV_NAME);
