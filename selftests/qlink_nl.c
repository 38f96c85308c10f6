// SPDX-License-Identifier: GPL-2.0
/* libnl plumbing shared by the qlink selftests (see qlink_nl.h). */
#include <errno.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "qlink_nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

int qlink_nl_open(struct qlink_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	if (genl_connect(nl->sk)) {
		nl_socket_free(nl->sk);
		return -ENOTCONN;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, QLINK_GENL_NAME);
	if (nl->family < 0) {
		nl_socket_free(nl->sk);
		return -ENOENT;
	}
	return 0;
}

void qlink_nl_close(struct qlink_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *qlink_nl_msg(struct qlink_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, QLINK_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct transact {
	struct qlink_nl *nl;
	int (*parse)(struct nlattr **attrs, void *arg);
	void *arg;
	int done;
};

static int on_valid(struct nl_msg *msg, void *data)
{
	struct transact *t = data;
	struct nlattr *attrs[QLINK_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, attrs, QLINK_A_MAX, NULL);
	if (err)
		return NL_STOP;
	return t->parse && t->parse(attrs, t->arg) ? NL_STOP : NL_OK;
}

/* The extack TLVs follow the echoed request inside the error message. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	struct transact *t = data;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);

	(void)nla;
	t->nl->err = e->error;
	t->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + off),
		       nlh->nlmsg_len - NLMSG_HDRLEN - off, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(t->nl->extack, tb[NLMSGERR_ATTR_MSG],
			    sizeof(t->nl->extack));
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *data)
{
	struct transact *t = data;

	(void)msg;
	t->done = 1;
	return NL_STOP;
}

int qlink_nl_transact(struct qlink_nl *nl, struct nl_msg *msg,
		      int (*parse)(struct nlattr **attrs, void *arg), void *arg)
{
	struct transact t = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int err;

	nl->err = 0;
	nl->extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !t.done)
		err = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (err < 0 && !nl->err)
		nl->err = -EIO;
	return nl->err;
}
