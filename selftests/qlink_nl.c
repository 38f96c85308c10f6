// SPDX-License-Identifier: GPL-2.0
/* libnl plumbing shared by the qlink selftests (see qlink_nl.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
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

int qlink_rt_open(struct qlink_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	if (nl_connect(nl->sk, NETLINK_ROUTE)) {
		nl_socket_free(nl->sk);
		return -ENOTCONN;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	return 0;
}

int qlink_param_is64(int attr)
{
	switch (attr) {
	case QLINK_A_PARAM_SOURCE_RATE:
	case QLINK_A_PARAM_OFFSET:
	case QLINK_A_PARAM_COHERENCE:
	case QLINK_A_PARAM_SEED:
	case QLINK_A_PARAM_CTRL_DELAY:
	case QLINK_A_PARAM_MAX_DET_RATE:
	case QLINK_A_PARAM_CUTOFF:
		return 1;
	}
	return 0;
}

int qlink_put_params(struct nl_msg *msg, int type, const struct qlink_pv *pv,
		     int n)
{
	struct nlattr *nest = nla_nest_start(msg, type);
	int i, err = 0;

	if (!nest)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++)
		err = qlink_param_is64(pv[i].attr) ?
		      nla_put_u64(msg, pv[i].attr, (uint64_t)pv[i].val) :
		      nla_put_u32(msg, pv[i].attr, (uint32_t)pv[i].val);
	nla_nest_end(msg, nest);
	return err ? -ENOMEM : 0;
}

int64_t qlink_param_get(int attr, struct nlattr *nla)
{
	if (qlink_param_is64(attr))
		return (int64_t)nla_get_u64(nla);
	if (attr == QLINK_A_PARAM_OFFSET_DRIFT)
		return (int32_t)nla_get_u32(nla);
	return nla_get_u32(nla);
}

static struct nl_msg *rt_link_msg(int type, int flags, const char *name,
				  unsigned int ifflags, unsigned int change)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_flags = ifflags,
		.ifi_change = change,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (!msg)
		return NULL;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int qlinksim_create(struct qlink_nl *rt, const char *name, const char *peer,
		    int peer_nsfd, const struct qlink_pv *pv, int n)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data, *pnest;
	struct nl_msg *msg;

	msg = rt_link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, 0, 0);
	if (!msg)
		return -ENOMEM;
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "qlinksim"))
		goto nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data)
		goto nomem;
	if (peer || peer_nsfd >= 0) {
		pnest = nla_nest_start(msg, IFLA_QLINKSIM_PEER);
		if (!pnest ||
		    nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
		    (peer && nla_put_string(msg, IFLA_IFNAME, peer)) ||
		    (peer_nsfd >= 0 &&
		     nla_put_u32(msg, IFLA_NET_NS_FD, peer_nsfd)))
			goto nomem;
		nla_nest_end(msg, pnest);
	}
	if (n && qlink_put_params(msg, IFLA_QLINKSIM_PARAMS, pv, n))
		goto nomem;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return qlink_nl_transact(rt, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int qlink_rt_del(struct qlink_nl *rt, const char *name)
{
	struct nl_msg *msg = rt_link_msg(RTM_DELLINK, 0, name, 0, 0);

	return msg ? qlink_nl_transact(rt, msg, NULL, NULL) : -ENOMEM;
}

int qlink_rt_set_up(struct qlink_nl *rt, const char *name, int up)
{
	struct nl_msg *msg = rt_link_msg(RTM_NEWLINK, 0, name,
					 up ? IFF_UP : 0, IFF_UP);

	return msg ? qlink_nl_transact(rt, msg, NULL, NULL) : -ENOMEM;
}

int qlink_nl_get(struct qlink_nl *nl, int cmd, const char *name,
		 int (*parse)(struct nlattr **attrs, void *arg), void *arg)
{
	struct nl_msg *msg = qlink_nl_msg(nl, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, QLINK_A_IFNAME, name)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return qlink_nl_transact(nl, msg, parse, arg);
}

int qlink_nl_set(struct qlink_nl *nl, const char *name,
		 const struct qlink_pv *pv, int n)
{
	struct nl_msg *msg = qlink_nl_msg(nl, QLINK_CMD_LINK_SET, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, QLINK_A_IFNAME, name) ||
	    qlink_put_params(msg, QLINK_A_LINK_PARAMS, pv, n)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return qlink_nl_transact(nl, msg, NULL, NULL);
}

int qlink_nl_subscribe(struct qlink_nl *nl, const char *group)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, QLINK_GENL_NAME, group);

	if (grp < 0)
		return -ENOENT;
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_set_nonblocking(nl->sk);
	return nl_socket_add_membership(nl->sk, grp) ? -EINVAL : 0;
}

struct events {
	int (*parse)(int cmd, struct nlattr **attrs, void *arg);
	void *arg;
	int stop;
};

static int on_event(struct nl_msg *msg, void *data)
{
	struct events *ev = data;
	struct nlattr *attrs[QLINK_A_MAX + 1];
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(msg));

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, QLINK_A_MAX, NULL))
		return NL_SKIP;
	if (!ev->stop && ev->parse(g->cmd, attrs, ev->arg))
		ev->stop = 1;
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *data)
{
	(void)msg;
	(void)data;
	return NL_OK;
}

int qlink_nl_events(struct qlink_nl *nl, int timeout_ms,
		    int (*parse)(int cmd, struct nlattr **attrs, void *arg),
		    void *arg)
{
	struct events ev = { .parse = parse, .arg = arg };
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ev);
	/* Events carry sequence number 0. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	while (!ev.stop) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			break;
		nl_recvmsgs(nl->sk, cb);
	}
	nl_cb_put(cb);
	return ev.stop ? 0 : -ETIMEDOUT;
}

int qlink_objects_links(void)
{
	FILE *f = fopen("/sys/kernel/debug/qlink/objects", "r");
	char name[32];
	int n, links = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%31s %d", name, &n) == 2)
		if (!strcmp(name, "links"))
			links = n;
	fclose(f);
	return links;
}

long qlink_objects_get(const char *want)
{
	FILE *f = fopen("/sys/kernel/debug/qlink/objects", "r");
	char name[32];
	long n, val = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%31s %ld", name, &n) == 2)
		if (!strcmp(name, want))
			val = n;
	fclose(f);
	return val;
}

int qlink_nl_dump_pairs(struct qlink_nl *nl, const char *name,
			int (*parse)(struct nlattr **attrs, void *arg),
			void *arg)
{
	struct nl_msg *msg = qlink_nl_msg(nl, QLINK_CMD_PAIR_GET, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, QLINK_A_IFNAME, name)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return qlink_nl_transact(nl, msg, parse, arg);
}

static int parse_stats(struct nlattr **a, void *arg)
{
	struct qlink_stats_v *st = arg;
	struct nlattr *tb[QLINK_A_STATS_MAX + 1];
	int i;

	if (!a[QLINK_A_STATS] ||
	    nla_parse_nested(tb, QLINK_A_STATS_MAX, a[QLINK_A_STATS], NULL))
		return 0;
	for (i = QLINK_A_STATS_PAD + 1; i <= QLINK_A_STATS_MAX; i++) {
		if (!tb[i])
			continue;
		st->has[i] = 1;
		/* s64 ones (offsets) come back right from the cast */
		if (nla_len(tb[i]) == 8)
			st->v[i] = (int64_t)nla_get_u64(tb[i]);
		else
			st->v[i] = nla_get_u32(tb[i]);
	}
	return 0;
}

int qlink_nl_stats(struct qlink_nl *nl, const char *name,
		   struct qlink_stats_v *st)
{
	memset(st, 0, sizeof(*st));
	return qlink_nl_get(nl, QLINK_CMD_STATS_GET, name, parse_stats, st);
}

int qlink_parse_pair(struct nlattr *nest, struct qlink_pair_v *p)
{
	struct nlattr *tb[QLINK_A_PAIR_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (!nest || nla_parse_nested(tb, QLINK_A_PAIR_MAX, nest, NULL) ||
	    !tb[QLINK_A_PAIR_SEQ] || !tb[QLINK_A_PAIR_FIDELITY] ||
	    !tb[QLINK_A_PAIR_AGE] || !tb[QLINK_A_PAIR_FIDELITY_HERALD])
		return -EINVAL;
	p->seq = nla_get_u64(tb[QLINK_A_PAIR_SEQ]);
	if (tb[QLINK_A_PAIR_TRACE_ID])
		p->trace_id = nla_get_u64(tb[QLINK_A_PAIR_TRACE_ID]);
	if (tb[QLINK_A_PAIR_HERALD_TIME])
		p->herald_ps = nla_get_u64(tb[QLINK_A_PAIR_HERALD_TIME]);
	p->age_ps = nla_get_u64(tb[QLINK_A_PAIR_AGE]);
	if (tb[QLINK_A_PAIR_LINK_ID])
		p->link_id = nla_get_u32(tb[QLINK_A_PAIR_LINK_ID]);
	p->f_herald = nla_get_u32(tb[QLINK_A_PAIR_FIDELITY_HERALD]);
	p->f_now = nla_get_u32(tb[QLINK_A_PAIR_FIDELITY]);
	if (tb[QLINK_A_PAIR_STATE])
		p->state = nla_get_u32(tb[QLINK_A_PAIR_STATE]);
	if (tb[QLINK_A_PAIR_SLOT]) {
		p->has_slot = 1;
		p->slot = nla_get_u32(tb[QLINK_A_PAIR_SLOT]);
	}
	if (tb[QLINK_A_PAIR_BELL_INDEX])
		p->bell = nla_get_u8(tb[QLINK_A_PAIR_BELL_INDEX]);
	return 0;
}

int qlink_pair_list_add(struct nlattr **attrs, void *arg)
{
	struct qlink_pair_list *l = arg;

	if (l->n < QLINK_PAIR_LIST_MAX &&
	    !qlink_parse_pair(attrs[QLINK_A_PAIR], &l->p[l->n]))
		l->n++;
	return 0;
}
