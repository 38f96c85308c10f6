/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the qlink selftests: a libnl generic netlink socket on
 * the "qlink" family, with extended ACKs so tests can check the kernel's
 * error messages.
 */
#ifndef _QLINK_SELFTEST_NL_H
#define _QLINK_SELFTEST_NL_H

#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <linux/netlink.h>
#include <linux/qlink.h>

struct qlink_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* last error reported by the kernel (negative) */
	char extack[256];	/* its extack message, if any */
};

/* Open a socket in the caller's current netns; returns 0 or -errno. */
int qlink_nl_open(struct qlink_nl *nl);
void qlink_nl_close(struct qlink_nl *nl);

/* Start a request for CMD; returns the message to add attributes to. */
struct nl_msg *qlink_nl_msg(struct qlink_nl *nl, int cmd, int flags);

/*
 * Send MSG (freed) and receive replies, calling PARSE for each with the
 * attributes parsed against QLINK_A_MAX. Returns 0 or the kernel's -errno,
 * with its extack message in nl->extack.
 */
int qlink_nl_transact(struct qlink_nl *nl, struct nl_msg *msg,
		      int (*parse)(struct nlattr **attrs, void *arg), void *arg);

#endif /* _QLINK_SELFTEST_NL_H */
