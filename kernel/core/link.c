// SPDX-License-Identifier: GPL-2.0
/*
 * The qlink device class: a quantum link end is a net_device.
 *
 * The core owns the net_device ops. Links carry no packets: the device is
 * ARPHRD_NONE, NOARP, without multicast, and its MTU is below what IPv4
 * and IPv6 need, so the stack leaves it alone; anything transmitted on it
 * is counted and dropped. Bringing the device up starts generation
 * (ops->start), down stops it (ops->stop).
 *
 * Every registered link is in qlink_links, by link id, from ndo_init to
 * ndo_uninit; the netlink code walks it under RTNL.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/xarray.h>
#include <net/qlink.h>

#include "core.h"
#include "sched.h"

/* Below IPV4_MIN_MTU and IPV6_MIN_MTU: no IP configuration on a qlink. */
#define QLINK_MTU	64

/*
 * Registered links by link id. Changed only under RTNL (ndo_init and
 * ndo_uninit run under it); the xarray's own spinlock serialises the
 * changes, RTNL is what keeps a link found here registered: readers must
 * hold RTNL.
 */
static DEFINE_XARRAY_ALLOC1(qlink_links);
/* Next id to try: ids are not reused until the u32 space wraps. RTNL. */
static u32 qlink_next_id;

/* Links whose net_device private state is allocated (debugfs "objects"). */
atomic_t qlink_nr_links = ATOMIC_INIT(0);

bool qlink_dev_is_qlink(const struct net_device *dev)
{
	return dev->netdev_ops == &qlink_netdev_ops;
}
EXPORT_SYMBOL_GPL(qlink_dev_is_qlink);

struct qlink *qlink_find_from(unsigned long *id)
{
	ASSERT_RTNL();
	return xa_find(&qlink_links, id, ULONG_MAX, XA_PRESENT);
}

static int qlink_dev_init(struct net_device *dev)
{
	struct qlink *ql = qlink_from_dev(dev);
	int err;

	ASSERT_RTNL();
	if (WARN_ON_ONCE(!ql->ops))
		return -EINVAL;

	ql->stats = qlink_fault(QLINK_FAULT_STATS) ? NULL :
		    netdev_alloc_pcpu_stats(struct qlink_pcpu_stats);
	if (!ql->stats)
		return -ENOMEM;
	err = qlink_fault(QLINK_FAULT_ID) ? -ENOMEM :
	      xa_alloc_cyclic(&qlink_links, &ql->id, ql, xa_limit_32b,
			      &qlink_next_id, GFP_KERNEL);
	if (err < 0)
		goto err_stats;
	err = qlink_pairs_init(ql);
	if (err)
		goto err_id;
	err = qlink_sched_attach(ql);
	if (err)
		goto err_pairs;
	atomic_inc(&qlink_nr_links);
	return 0;

err_pairs:
	qlink_pairs_free(ql);
err_id:
	xa_erase(&qlink_links, ql->id);
	ql->id = 0;
err_stats:
	free_percpu(ql->stats);
	ql->stats = NULL;
	return err;
}

/* After the NETDEV_UNREGISTER notifiers, or when registration fails. */
static void qlink_dev_uninit(struct net_device *dev)
{
	struct qlink *ql = qlink_from_dev(dev);

	ASSERT_RTNL();
	qlink_peer_release(ql);
	if (ql->ops->uninit)
		ql->ops->uninit(ql);
	qlink_sched_detach(ql);
	xa_erase(&qlink_links, ql->id);
}

/* dev->priv_destructor: the last reference to the device is gone. */
static void qlink_dev_free(struct net_device *dev)
{
	struct qlink *ql = qlink_from_dev(dev);

	if (ql->stats) {
		qlink_pairs_free(ql);
		free_percpu(ql->stats);
		ql->stats = NULL;
		atomic_dec(&qlink_nr_links);
	}
}

static int qlink_dev_open(struct net_device *dev)
{
	struct qlink *ql = qlink_from_dev(dev);
	int err;

	err = ql->ops->start ? ql->ops->start(ql) : 0;
	if (!err)
		qlink_peer_start(ql);
	return err;
}

static int qlink_dev_stop(struct net_device *dev)
{
	struct qlink *ql = qlink_from_dev(dev);

	qlink_peer_stop(ql);
	if (ql->ops->stop)
		ql->ops->stop(ql);
	return 0;
}

static netdev_tx_t qlink_dev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct qlink *ql = qlink_from_dev(dev);

	qlink_stats_add(ql, QLINK_STAT_TX_DROPPED, 1);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* The per-cpu counters of @ql summed up, indexed by enum qlink_stat. */
void qlink_stats_sum(struct qlink *ql, u64 sum[QLINK_STAT_NR])
{
	int cpu, i;

	memset(sum, 0, QLINK_STAT_NR * sizeof(sum[0]));
	for_each_possible_cpu(cpu) {
		const struct qlink_pcpu_stats *s = per_cpu_ptr(ql->stats, cpu);
		u64 v[QLINK_STAT_NR];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < QLINK_STAT_NR; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < QLINK_STAT_NR; i++)
			sum[i] += v[i];
	}
}

void qlink_stats_read(struct qlink *ql, struct qlink_stats *st)
{
	u64 sum[QLINK_STAT_NR];

	qlink_stats_sum(ql, sum);
	st->attempts = sum[QLINK_STAT_ATTEMPTS];
	st->heralds = sum[QLINK_STAT_HERALDS];
	st->accidentals = sum[QLINK_STAT_ACCIDENTALS];
	st->dropped = sum[QLINK_STAT_DROPPED];
	st->tx_dropped = sum[QLINK_STAT_TX_DROPPED];
	st->param_changes = READ_ONCE(ql->param_changes);
}
EXPORT_SYMBOL_GPL(qlink_stats_read);

static void qlink_dev_get_stats64(struct net_device *dev,
				  struct rtnl_link_stats64 *stats)
{
	struct qlink *ql = qlink_from_dev(dev);
	struct qlink_stats st;

	qlink_stats_read(ql, &st);
	stats->tx_dropped = st.tx_dropped;
	stats->rx_dropped = st.dropped;
}

const struct net_device_ops qlink_netdev_ops = {
	.ndo_init		= qlink_dev_init,
	.ndo_uninit		= qlink_dev_uninit,
	.ndo_open		= qlink_dev_open,
	.ndo_stop		= qlink_dev_stop,
	.ndo_start_xmit		= qlink_dev_xmit,
	.ndo_get_stats64	= qlink_dev_get_stats64,
};

/**
 * qlink_setup() - net_device setup of a qlink (rtnl_link_ops.setup)
 * @dev: the device being allocated
 *
 * Drivers created by RTM_NEWLINK wrap this and usually set
 * dev->needs_free_netdev; qlink_init() must follow before registration.
 */
void qlink_setup(struct net_device *dev)
{
	struct qlink *ql = qlink_from_dev(dev);

	dev->netdev_ops = &qlink_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->features |= NETIF_F_LLTX;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->tx_queue_len = 0;
	dev->mtu = QLINK_MTU;
	dev->min_mtu = QLINK_MTU;
	dev->max_mtu = QLINK_MTU;
	dev->priv_destructor = qlink_dev_free;
	/* No carrier until the driver says the link can herald. */
	netif_carrier_off(dev);

	ql->dev = dev;
	seqlock_init(&ql->conf_lock);
	qlink_config_default(&ql->config);
	qlink_calib_default(&ql->calib);
}
EXPORT_SYMBOL_GPL(qlink_setup);

/**
 * qlink_init() - attach driver ops, capabilities and initial configuration
 * @ql: a link set up by qlink_setup(), not yet registered
 * @ops: driver operations, must outlive the link
 * @caps: driver capabilities (copied)
 * @c: initial configuration (copied, checked with qlink_config_check()),
 *	or NULL for the defaults
 *
 * The calibration starts at its defaults; the driver reports its own with
 * qlink_calib_report(), before or after registering.
 */
void qlink_init(struct qlink *ql, const struct qlink_ops *ops,
		const struct qlink_caps *caps, const struct qlink_config *c)
{
	ql->ops = ops;
	ql->caps = *caps;
	if (c)
		ql->config = *c;
}
EXPORT_SYMBOL_GPL(qlink_init);

/**
 * qlink_alloc() - allocate a link for a driver that creates its own
 * @ops: driver operations
 * @caps: driver capabilities
 * @priv_size: bytes of driver private data, see qlink_priv()
 * @name: interface name, may contain "%d"
 *
 * Return: the link, or NULL if out of memory.
 */
struct qlink *qlink_alloc(const struct qlink_ops *ops,
			  const struct qlink_caps *caps, size_t priv_size,
			  const char *name)
{
	struct net_device *dev;
	struct qlink *ql;

	dev = alloc_netdev(QLINK_PRIV_SIZE(priv_size), name, NET_NAME_UNKNOWN,
			   qlink_setup);
	if (!dev)
		return NULL;
	ql = qlink_from_dev(dev);
	qlink_init(ql, ops, caps, NULL);
	return ql;
}
EXPORT_SYMBOL_GPL(qlink_alloc);

/* Register a link from qlink_alloc(); takes RTNL. */
int qlink_register(struct qlink *ql)
{
	return register_netdev(ql->dev);
}
EXPORT_SYMBOL_GPL(qlink_register);

/* Unregister a link from qlink_register(); takes RTNL. */
void qlink_unregister(struct qlink *ql)
{
	unregister_netdev(ql->dev);
}
EXPORT_SYMBOL_GPL(qlink_unregister);

/* Free a link from qlink_alloc(), unregistered or never registered. */
void qlink_free(struct qlink *ql)
{
	free_netdev(ql->dev);
}
EXPORT_SYMBOL_GPL(qlink_free);

/*
 * Link events for the "link" multicast group follow the net_device, so they
 * are right however the change was made (ip link, genetlink, netns exit).
 * Netdevice notifiers run under RTNL.
 */
static int qlink_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct qlink *ql;

	if (!qlink_dev_is_qlink(dev))
		return NOTIFY_DONE;
	ql = qlink_from_dev(dev);

	switch (event) {
	case NETDEV_REGISTER:
		qlink_nl_notify(ql, QLINK_CMD_LINK_CREATE_NTF, 0);
		break;
	case NETDEV_UNREGISTER:
		/* Also when the device leaves the netns of its sockets. */
		qlink_sched_dev_gone(ql);
		qlink_nl_notify(ql, QLINK_CMD_LINK_DELETE_NTF, 0);
		break;
	case NETDEV_UP:
		qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF, QLINK_CHANGE_UP);
		break;
	case NETDEV_DOWN:
		/* Closed on the way out of the system (or the netns)? */
		qlink_sched_link_down(ql, dev->dismantle ? ENODEV : ENETDOWN);
		qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF,
				QLINK_CHANGE_DOWN);
		break;
	case NETDEV_CHANGE:
		qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF,
				QLINK_CHANGE_CARRIER);
		break;
	case NETDEV_CHANGENAME:
		qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF,
				QLINK_CHANGE_NAME);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block qlink_netdev_notifier = {
	.notifier_call = qlink_netdev_event,
};

int __init qlink_link_init(void)
{
	return register_netdevice_notifier(&qlink_netdev_notifier);
}

void qlink_link_exit(void)
{
	unregister_netdevice_notifier(&qlink_netdev_notifier);
	WARN_ON(!xa_empty(&qlink_links));
}
