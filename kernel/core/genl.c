// SPDX-License-Identifier: GPL-2.0
/*
 * The "qlink" generic netlink family: commands, policies and handlers.
 *
 * The family is netnsok: requests are answered from the caller's netns and
 * act only on objects of that netns.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <linux/qlink.h>

#include "core.h"

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

/* GET_VERSION takes no attributes: strict validation rejects any. */
static const struct nla_policy qlink_get_version_policy[QLINK_A_MAX + 1] = {
};

static const struct genl_ops qlink_genl_ops[] = {
	{
		.cmd = QLINK_CMD_GET_VERSION,
		.doit = qlink_nl_get_version,
		.policy = qlink_get_version_policy,
		.maxattr = QLINK_A_MAX,
	},
};

static struct genl_family qlink_genl_family __ro_after_init = {
	.name = QLINK_GENL_NAME,
	.version = QLINK_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = qlink_genl_ops,
	.n_ops = ARRAY_SIZE(qlink_genl_ops),
};

int __init qlink_genl_init(void)
{
	return genl_register_family(&qlink_genl_family);
}

void qlink_genl_exit(void)
{
	genl_unregister_family(&qlink_genl_family);
}
