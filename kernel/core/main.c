// SPDX-License-Identifier: GPL-2.0
/*
 * qlink core module: quantum network links as Linux network devices.
 *
 * Module entry points only; each subsystem of the core lives in its own file
 * and is brought up here in dependency order and torn down in reverse:
 * the genetlink family first (link events go to it), then the netdevice
 * notifier that reports link events, then the AF_QLINK socket family,
 * then debugfs.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "core.h"

static struct dentry *qlink_debugfs;

/*
 * /sys/kernel/debug/qlink/objects: objects the core has allocated and not
 * yet freed, one "name count" per line; tests check they return to zero.
 */
static int qlink_objects_show(struct seq_file *m, void *v)
{
	seq_printf(m, "links %d\n", atomic_read(&qlink_nr_links));
	seq_printf(m, "pair_bytes %ld\n", atomic_long_read(&qlink_pair_bytes));
	seq_printf(m, "sockets %d\n", atomic_read(&qlink_nr_socks));
	seq_printf(m, "schedulers %d\n", atomic_read(&qlink_nr_scheds));
	seq_printf(m, "purposes %d\n", atomic_read(&qlink_nr_purposes));
	seq_printf(m, "requests %d\n", atomic_read(&qlink_nr_reqs));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(qlink_objects);

/*
 * /sys/kernel/debug/qlink/fail_init: the step (enum qlink_fault) at which
 * the next link's ndo_init fails, once; 0 = none.
 */
static u32 qlink_fail_init;

bool qlink_fault(enum qlink_fault step)
{
	return READ_ONCE(qlink_fail_init) == step &&
	       cmpxchg(&qlink_fail_init, step, QLINK_FAULT_NONE) == step;
}

static int __init qlink_module_init(void)
{
	int err;

	err = qlink_genl_init();
	if (err)
		return err;
	err = qlink_link_init();
	if (err)
		goto err_genl;
	err = qlink_peer_init();
	if (err)
		goto err_link;
	err = qlink_sock_init();
	if (err)
		goto err_peer;

	/* debugfs is optional: errors only mean no debugfs files. */
	qlink_debugfs = debugfs_create_dir("qlink", NULL);
	debugfs_create_file("objects", 0444, qlink_debugfs, NULL,
			    &qlink_objects_fops);
	debugfs_create_u32("fail_init", 0600, qlink_debugfs, &qlink_fail_init);

	pr_info("qlink: core loaded\n");
	return 0;

err_peer:
	qlink_peer_exit();
err_link:
	qlink_link_exit();
err_genl:
	qlink_genl_exit();
	return err;
}

static void __exit qlink_module_exit(void)
{
	debugfs_remove_recursive(qlink_debugfs);
	qlink_sock_exit();
	qlink_peer_exit();
	qlink_link_exit();
	qlink_genl_exit();
}

module_init(qlink_module_init);
module_exit(qlink_module_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("qlink: quantum network link core");
MODULE_AUTHOR("qlink developers");
