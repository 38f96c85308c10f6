/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of the qlink core module. */
#ifndef _QLINK_CORE_H
#define _QLINK_CORE_H

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <net/netlink.h>
#include <net/qlink.h>

/* link.c: the device class */
extern const struct net_device_ops qlink_netdev_ops;
extern atomic_t qlink_nr_links;
int qlink_link_init(void);
void qlink_link_exit(void);
struct qlink *qlink_find_from(unsigned long *id);

/* params.c */
extern const struct nla_policy qlink_param_policy[QLINK_A_PARAM_MAX + 1];

/* genl.c: the "qlink" generic netlink family */
int qlink_genl_init(void);
void qlink_genl_exit(void);
void qlink_nl_notify(struct qlink *ql, u8 cmd, u32 change);

#endif /* _QLINK_CORE_H */
