// SPDX-License-Identifier: GPL-2.0
/*
 * qlink core module: quantum network links as Linux network devices.
 *
 * Module entry points only; each subsystem of the core lives in its own file
 * and is brought up here in dependency order and torn down in reverse.
 */
#include <linux/module.h>
#include <linux/init.h>

#include "core.h"

static int __init qlink_init(void)
{
	int err;

	err = qlink_genl_init();
	if (err)
		return err;

	pr_info("qlink: core loaded\n");
	return 0;
}

static void __exit qlink_exit(void)
{
	qlink_genl_exit();
}

module_init(qlink_init);
module_exit(qlink_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("qlink: quantum network link core");
MODULE_AUTHOR("qlink developers");
