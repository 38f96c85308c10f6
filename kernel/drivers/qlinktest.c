// SPDX-License-Identifier: GPL-2.0
/*
 * qlinktest: a driver that creates its links itself, as one that finds
 * hardware does (qlink_alloc(), qlink_register(), qlink_unregister(),
 * qlink_free()): qlinksim is created by `ip link add` and never takes this
 * path. Its links herald nothing; while up, their link clock runs (what
 * the link protocol's hellos carry, selftests/peer_proto.c). Loaded only
 * by its selftests, driven through debugfs:
 *
 *   /sys/kernel/debug/qlinktest/create         write N: N more links
 *	"qltest%d", all or none (an error unregisters those of the write)
 *   /sys/kernel/debug/qlinktest/destroy        write anything: remove all
 *   /sys/kernel/debug/qlinktest/fail_register  write K: the K-th
 *	registration from now fails after ndo_init (a NETDEV_REGISTER
 *	notifier vetoes it); 0 = none
 *   /sys/kernel/debug/qlinktest/links          the links it holds
 *
 * The core's own steps of a registration fail through its debugfs file
 * /sys/kernel/debug/qlink/fail_init.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <net/qlink.h>

/* More than this per write is a mistake of the test, not a load test. */
#define QLINKTEST_CREATE_MAX	64

/**
 * struct qlinktest_priv - driver data of one link, after struct qlink
 * @node: in qlinktest_links, or in the list of the write creating it
 * @ql: the link
 */
struct qlinktest_priv {
	struct list_head node;
	struct qlink *ql;
};

/* Serialises the writes; protects qlinktest_links and qlinktest_n. */
static DEFINE_MUTEX(qlinktest_lock);
static LIST_HEAD(qlinktest_links);
static u32 qlinktest_n;
/* Registrations until the vetoed one (debugfs "fail_register"). */
static atomic_t qlinktest_fail_register = ATOMIC_INIT(0);
static struct dentry *qlinktest_debugfs;

static int qlinktest_start(struct qlink *ql)
{
	return qlink_pairs_start(ql, ktime_get());
}

static void qlinktest_stop(struct qlink *ql)
{
	qlink_pairs_stop(ql);
}

static const struct qlink_ops qlinktest_ops = {
	.start = qlinktest_start,
	.stop = qlinktest_stop,
};

static const struct qlink_caps qlinktest_caps = {
	.herald_models = BIT(QLINK_HERALD_EVENTS),
	.max_rate = 1000000000ULL,	/* 1 MHz in mHz */
};

static bool qlinktest_dev(const struct net_device *dev)
{
	return qlink_dev_is_qlink(dev) &&
	       qlink_from_dev(dev)->ops == &qlinktest_ops;
}

/* Veto the registration fail_register names: register_netdevice unwinds. */
static int qlinktest_netdev_event(struct notifier_block *nb,
				  unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event != NETDEV_REGISTER || !qlinktest_dev(dev))
		return NOTIFY_DONE;
	if (!atomic_dec_if_positive(&qlinktest_fail_register))
		return notifier_from_errno(-EBUSY);
	return NOTIFY_DONE;
}

static struct notifier_block qlinktest_notifier = {
	.notifier_call = qlinktest_netdev_event,
};

static void qlinktest_remove(struct list_head *links)
{
	struct qlinktest_priv *p, *tmp;

	list_for_each_entry_safe(p, tmp, links, node) {
		list_del(&p->node);
		qlink_unregister(p->ql);
		qlink_free(p->ql);
	}
}

static int qlinktest_create(u32 n)
{
	struct qlinktest_priv *p;
	LIST_HEAD(fresh);
	struct qlink *ql;
	int err;
	u32 i;

	lockdep_assert_held(&qlinktest_lock);
	for (i = 0; i < n; i++) {
		ql = qlink_alloc(&qlinktest_ops, &qlinktest_caps, sizeof(*p),
				 "qltest%d");
		if (!ql) {
			err = -ENOMEM;
			goto err_remove;
		}
		err = qlink_register(ql);
		if (err) {
			qlink_free(ql);
			goto err_remove;
		}
		p = qlink_priv(ql);
		p->ql = ql;
		list_add_tail(&p->node, &fresh);
	}
	list_splice_tail(&fresh, &qlinktest_links);
	qlinktest_n += n;
	return 0;

err_remove:
	qlinktest_remove(&fresh);
	return err;
}

static ssize_t qlinktest_create_write(struct file *file,
				      const char __user *buf, size_t len,
				      loff_t *ppos)
{
	u32 n;
	int err;

	err = kstrtou32_from_user(buf, len, 0, &n);
	if (err)
		return err;
	if (!n || n > QLINKTEST_CREATE_MAX)
		return -EINVAL;
	mutex_lock(&qlinktest_lock);
	err = qlinktest_create(n);
	mutex_unlock(&qlinktest_lock);
	return err ?: len;
}

static const struct file_operations qlinktest_create_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = qlinktest_create_write,
	.llseek = no_llseek,
};

static void qlinktest_destroy(void)
{
	mutex_lock(&qlinktest_lock);
	qlinktest_remove(&qlinktest_links);
	qlinktest_n = 0;
	mutex_unlock(&qlinktest_lock);
}

static ssize_t qlinktest_destroy_write(struct file *file,
				       const char __user *buf, size_t len,
				       loff_t *ppos)
{
	qlinktest_destroy();
	return len;
}

static const struct file_operations qlinktest_destroy_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = qlinktest_destroy_write,
	.llseek = no_llseek,
};

static int qlinktest_fail_get(void *data, u64 *val)
{
	*val = atomic_read(&qlinktest_fail_register);
	return 0;
}

static int qlinktest_fail_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(&qlinktest_fail_register, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(qlinktest_fail_fops, qlinktest_fail_get,
			 qlinktest_fail_set, "%llu\n");

static int qlinktest_links_get(void *data, u64 *val)
{
	mutex_lock(&qlinktest_lock);
	*val = qlinktest_n;
	mutex_unlock(&qlinktest_lock);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(qlinktest_links_fops, qlinktest_links_get, NULL,
			 "%llu\n");

static int __init qlinktest_init(void)
{
	int err;

	err = register_netdevice_notifier(&qlinktest_notifier);
	if (err)
		return err;
	qlinktest_debugfs = debugfs_create_dir("qlinktest", NULL);
	debugfs_create_file("create", 0200, qlinktest_debugfs, NULL,
			    &qlinktest_create_fops);
	debugfs_create_file("destroy", 0200, qlinktest_debugfs, NULL,
			    &qlinktest_destroy_fops);
	debugfs_create_file_unsafe("fail_register", 0600, qlinktest_debugfs,
				   NULL, &qlinktest_fail_fops);
	debugfs_create_file_unsafe("links", 0400, qlinktest_debugfs, NULL,
				   &qlinktest_links_fops);
	return 0;
}

static void __exit qlinktest_exit(void)
{
	/* No write is running or can start once the files are gone. */
	debugfs_remove_recursive(qlinktest_debugfs);
	qlinktest_destroy();
	unregister_netdevice_notifier(&qlinktest_notifier);
}

module_init(qlinktest_init);
module_exit(qlinktest_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("qlink: test driver of the qlink_alloc()/qlink_register() path");
MODULE_AUTHOR("qlink developers");
