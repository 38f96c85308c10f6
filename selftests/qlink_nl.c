// SPDX-License-Identifier: GPL-2.0
/* libnl plumbing shared by the qlink selftests (see qlink_nl.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
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
	nl->rt = malloc(sizeof(*nl->rt));
	if (!nl->rt || qlink_rt_open(nl->rt)) {
		free(nl->rt);
		nl_socket_free(nl->sk);
		return -ENOMEM;
	}
	return 0;
}

void qlink_nl_close(struct qlink_nl *nl)
{
	if (nl->rt) {
		qlink_nl_close(nl->rt);
		free(nl->rt);
		nl->rt = NULL;
	}
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
	int (*raw)(struct nlmsghdr *nlh, void *arg);
	void *arg;
	int done;
};

static int on_valid(struct nl_msg *msg, void *data)
{
	struct transact *t = data;
	struct nlattr *attrs[QLINK_A_MAX + 1];
	int err;

	if (t->raw)
		return t->raw(nlmsg_hdr(msg), t->arg) ? NL_STOP : NL_OK;
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
	struct nlattr *pol[NL_POLICY_TYPE_ATTR_MAX + 1];
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
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tb[NLMSGERR_ATTR_OFFS])
		t->nl->err_off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tb[NLMSGERR_ATTR_POLICY] &&
	    !nla_parse_nested(pol, NL_POLICY_TYPE_ATTR_MAX,
			      tb[NLMSGERR_ATTR_POLICY], NULL)) {
		if (pol[NL_POLICY_TYPE_ATTR_MIN_VALUE_S] &&
		    pol[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]) {
			t->nl->has_pol_s = 1;
			t->nl->pol_smin = (int64_t)nla_get_u64(pol[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]);
			t->nl->pol_smax = (int64_t)nla_get_u64(pol[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]);
		}
		if (pol[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
		    pol[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) {
			t->nl->has_pol_u = 1;
			t->nl->pol_umin = nla_get_u64(pol[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
			t->nl->pol_umax = nla_get_u64(pol[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
		}
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *data)
{
	struct transact *t = data;

	(void)msg;
	t->done = 1;
	return NL_STOP;
}

static int transact(struct qlink_nl *nl, struct nl_msg *msg,
		    struct transact *tp)
{
	struct transact t = *tp;
	struct nl_cb *cb;
	int err;

	t.nl = nl;
	nl->err = 0;
	nl->extack[0] = '\0';
	nl->err_off = 0;
	nl->has_pol_s = nl->has_pol_u = 0;
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
	/* as sent (nl_send_auto() completed the header) */
	nl->req_len = nlmsg_hdr(msg)->nlmsg_len;
	if (nl->req_len > sizeof(nl->req))
		nl->req_len = sizeof(nl->req);
	memcpy(nl->req, nlmsg_hdr(msg), nl->req_len);
	nlmsg_free(msg);
	while (err >= 0 && !t.done)
		err = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (err < 0 && !nl->err)
		nl->err = -EIO;
	return nl->err;
}

int qlink_nl_transact(struct qlink_nl *nl, struct nl_msg *msg,
		      int (*parse)(struct nlattr **attrs, void *arg), void *arg)
{
	struct transact t = { .parse = parse, .arg = arg };

	return transact(nl, msg, &t);
}

int qlink_nl_err_attr(const struct qlink_nl *nl)
{
	const struct nlattr *a;

	if (!nl->err_off || nl->err_off + sizeof(*a) > nl->req_len)
		return -1;
	a = (const struct nlattr *)(nl->req + nl->err_off);
	return a->nla_type & NLA_TYPE_MASK;
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

/* The spec's description of a config or calib setting, else NULL. */
static const struct qlink_attr_info *pv_spec(int attr)
{
	switch (QLINK_PV_GROUP(attr)) {
	case QLINK_PV_CONFIG:
		return &qlink_attrs_config[QLINK_PV_ATTR(attr)];
	case QLINK_PV_CALIB:
		return &qlink_attrs_calib[QLINK_PV_ATTR(attr)];
	}
	return NULL;
}

int qlink_pv_width(int attr)
{
	const struct qlink_attr_info *ai = pv_spec(attr);

	if (ai)
		return qlink_attr_width(ai);
	/* qlinksim's are rtnetlink attributes, not the family's */
	switch (attr) {
	case PV_SIM(SOURCE_RATE):
	case PV_SIM(COHERENCE):
	case PV_SIM(SEED):
	case PV_SIM(MAX_DET_RATE):
	case PV_SIM(CLOCK_OFFSET):
		return 8;
	case PV_SIM(DIRECT):
	case PV_SIM(END):
		return 1;
	}
	return 4;
}

int qlink_put_group(struct nl_msg *msg, int type, int group,
		    const struct qlink_pv *pv, int n)
{
	struct nlattr *nest = NULL;
	int i, a, err = 0;

	if (type > 0) {
		nest = nla_nest_start(msg, type);
		if (!nest)
			return -ENOMEM;
	}
	for (i = 0; i < n && !err; i++) {
		if (QLINK_PV_GROUP(pv[i].attr) != group)
			continue;
		a = QLINK_PV_ATTR(pv[i].attr);
		switch (qlink_pv_width(pv[i].attr)) {
		case 8:
			err = nla_put_u64(msg, a, (uint64_t)pv[i].val);
			break;
		case 1:
			err = nla_put_u8(msg, a, (uint8_t)pv[i].val);
			break;
		default:
			err = nla_put_u32(msg, a, (uint32_t)pv[i].val);
		}
	}
	if (nest)
		nla_nest_end(msg, nest);
	return err ? -ENOMEM : 0;
}

int64_t qlink_pv_get(int attr, struct nlattr *nla)
{
	switch (qlink_pv_width(attr)) {
	case 8:
		return (int64_t)nla_get_u64(nla);
	case 1:
		return nla_get_u8(nla);
	}
	if (attr == PV_SIM(OFFSET_DRIFT) ||
	    (pv_spec(attr) && pv_spec(attr)->type == QLINK_AT_S32))
		return (int32_t)nla_get_u32(nla);
	return nla_get_u32(nla);
}

/* Does PV hold a setting of GROUP? */
static int pv_has(const struct qlink_pv *pv, int n, int group)
{
	int i;

	for (i = 0; i < n; i++)
		if (QLINK_PV_GROUP(pv[i].attr) == group)
			return 1;
	return 0;
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
	if (qlink_put_group(msg, 0, QLINK_PV_SIM, pv, n) ||
	    (pv_has(pv, n, QLINK_PV_CONFIG) &&
	     qlink_put_group(msg, IFLA_QLINKSIM_CONFIG, QLINK_PV_CONFIG, pv, n)))
		goto nomem;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return qlink_nl_transact(rt, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

/* changelink of the PV_SIM settings of PV, with CFG its PV_CFG ones too */
static int sim_change(struct qlink_nl *rt, const char *name,
		      const struct qlink_pv *pv, int n, int cfg)
{
	struct nlattr *info, *data;
	struct nl_msg *msg;

	msg = rt_link_msg(RTM_NEWLINK, 0, name, 0, 0);
	if (!msg)
		return -ENOMEM;
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "qlinksim"))
		goto nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data || qlink_put_group(msg, 0, QLINK_PV_SIM, pv, n) ||
	    (cfg && pv_has(pv, n, QLINK_PV_CONFIG) &&
	     qlink_put_group(msg, IFLA_QLINKSIM_CONFIG, QLINK_PV_CONFIG, pv, n)))
		goto nomem;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return qlink_nl_transact(rt, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int qlinksim_change(struct qlink_nl *rt, const char *name,
		    const struct qlink_pv *pv, int n)
{
	return sim_change(rt, name, pv, n, 1);
}

static int parse_sim(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	struct nlattr *d[IFLA_QLINKSIM_MAX + 1];
	struct qlinksim_v *s = arg;
	int i;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) ||
	    !tb[IFLA_LINKINFO] ||
	    nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) ||
	    !li[IFLA_INFO_DATA] ||
	    nla_parse_nested(d, IFLA_QLINKSIM_MAX, li[IFLA_INFO_DATA], NULL))
		return 0;
	for (i = IFLA_QLINKSIM_PAD + 1; i <= IFLA_QLINKSIM_MAX; i++) {
		if (!d[i])
			continue;
		s->has[i] = 1;
		s->v[i] = qlink_pv_get(QLINK_PV_SIM | i, d[i]);
	}
	return 0;
}

int qlinksim_get(struct qlink_nl *rt, const char *name, struct qlinksim_v *s)
{
	struct nl_msg *msg = rt_link_msg(RTM_GETLINK, 0, name, 0, 0);
	struct transact t = { .raw = parse_sim, .arg = s };
	int err, i;

	memset(s, 0, sizeof(*s));
	if (!msg)
		return -ENOMEM;
	err = transact(rt, msg, &t);
	if (err)
		return err;
	for (i = 0; i <= IFLA_QLINKSIM_MAX; i++)
		if (s->has[i])
			return 0;
	return -ENOENT;
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
	int cfg = pv_has(pv, n, QLINK_PV_CONFIG);
	int cal = pv_has(pv, n, QLINK_PV_CALIB);
	struct nl_msg *msg;
	int err;

	if (pv_has(pv, n, QLINK_PV_SIM)) {
		if (!nl->rt)
			return -EINVAL;
		err = sim_change(nl->rt, name, pv, n, 0);
		/* the caller looks at nl for the error and its extack */
		memcpy(&nl->err, &nl->rt->err,
		       offsetof(struct qlink_nl, rt) - offsetof(struct qlink_nl, err));
		if (err || (!cfg && !cal))
			return err;
	}
	msg = qlink_nl_msg(nl, QLINK_CMD_LINK_SET, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, QLINK_A_IFNAME, name) ||
	    (cfg && qlink_put_group(msg, QLINK_A_LINK_CONFIG, QLINK_PV_CONFIG,
				    pv, n)) ||
	    (cal && qlink_put_group(msg, QLINK_A_LINK_CALIB, QLINK_PV_CALIB,
				    pv, n))) {
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

/* ---- AF_QLINK sockets, two namespaces, purposes ---- */

int qlink_af(void)
{
	FILE *f = fopen("/sys/module/qlink/parameters/family", "r");
	int af = AF_QLINK;

	if (f) {
		if (fscanf(f, "%d", &af) != 1)
			af = AF_QLINK;
		fclose(f);
	}
	return af;
}

int qlink_netns_unshare(void)
{
	int fd;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int qlink_netns_new(void)
{
	int here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd, err = 0;

	if (here < 0)
		return -errno;
	fd = qlink_netns_unshare();
	if (setns(here, CLONE_NEWNET))
		err = -errno;
	close(here);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

int qlink_sock_in(int nsfd, int type)
{
	int here = -1, fd, err = 0;

	if (nsfd >= 0) {
		here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (here < 0)
			return -errno;
		if (setns(nsfd, CLONE_NEWNET)) {
			err = -errno;
			close(here);
			return err;
		}
	}
	fd = socket(qlink_af(), type, 0);
	if (fd < 0)
		err = -errno;
	if (here >= 0) {
		if (setns(here, CLONE_NEWNET) && !err)
			err = -errno;
		close(here);
	}
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	qlink_sock_timeout(fd, QLINK_SOCK_TIMEOUT_MS);
	return fd;
}

int qlink_sock_bind(int fd, int ifindex, uint32_t purpose)
{
	struct sockaddr_qlink sq = {
		.sq_family = qlink_af(),
		.sq_ifindex = ifindex,
		.sq_purpose = purpose,
	};

	return bind(fd, (struct sockaddr *)&sq, sizeof(sq)) ? -errno : 0;
}

int qlink_sock_receive(int fd, int on)
{
	return setsockopt(fd, SOL_QLINK, QLINK_SO_RECEIVE, &on, sizeof(on)) ?
	       -errno : 0;
}

int qlink_sock_outstanding(int fd)
{
	socklen_t len = sizeof(int);
	int n = -1;

	if (getsockopt(fd, SOL_QLINK, QLINK_SO_OUTSTANDING, &n, &len))
		return -errno;
	return len == sizeof(int) ? n : -EINVAL;
}

int qlink_sock_timeout(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ?
	       -errno : 0;
}

void qlink_create_init(struct qlink_create *c, uint32_t id, uint32_t number,
		       int type)
{
	memset(c, 0, sizeof(*c));
	c->create_id = id;
	c->number = number;
	c->type = type;
	c->basis = QLINK_BASIS_Z;
	c->priority = QLINK_PRIO_NORMAL;
}

int qlink_sock_create(int fd, const struct qlink_create *c)
{
	ssize_t n = send(fd, c, sizeof(*c), 0);

	if (n < 0)
		return -errno;
	return n == sizeof(*c) ? 0 : -EMSGSIZE;
}

int qlink_sock_rec(int fd, struct qlink_record *r, int flags)
{
	struct iovec iov = { r, sizeof(*r) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &mh, flags);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (n == 0)
		return 0;
	if (n != sizeof(*r) || (mh.msg_flags & MSG_TRUNC))
		return -EMSGSIZE;
	return 1;
}

#define RECS_BATCH	64

int qlink_sock_recs(int fd, struct qlink_record *r, int max, int flags)
{
	struct mmsghdr mm[RECS_BATCH];
	struct iovec iov[RECS_BATCH];
	int i, n;

	if (max > RECS_BATCH)
		max = RECS_BATCH;
	memset(mm, 0, sizeof(mm[0]) * max);
	for (i = 0; i < max; i++) {
		iov[i].iov_base = &r[i];
		iov[i].iov_len = sizeof(*r);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(fd, mm, max, flags | MSG_WAITFORONE, NULL);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	for (i = 0; i < n; i++) {
		if (mm[i].msg_len == 0)	/* end of file */
			return i;
		if (mm[i].msg_len != sizeof(*r) ||
		    (mm[i].msg_hdr.msg_flags & MSG_TRUNC))
			return -EMSGSIZE;
	}
	return n;
}

int qlink_sock_read_last(int fd, struct qlink_record *r, int max, int *nread)
{
	int n = 0, ret = 0;

	while (n < max) {
		ret = qlink_sock_rec(fd, &r[n], 0);
		if (ret <= 0)
			break;
		if (r[n++].flags & QLINK_REC_LAST)
			break;
	}
	if (nread)
		*nread = n;
	if (ret < 0)
		return ret;
	return ret == 0 && n < max ? -ENOTCONN : n;
}

int qlink_sock_read_n(int fd, struct qlink_record *r, int want, int *nread)
{
	int n = 0, got, i, last = 0;

	while (n < want && !last) {
		got = qlink_sock_recs(fd, r + n, want - n, 0);
		if (got <= 0) {
			if (nread)
				*nread = n;
			return got ? got : -ENOTCONN;
		}
		for (i = 0; i < got && !last; i++)
			last = r[n + i].flags & QLINK_REC_LAST;
		n += got;
	}
	if (nread)
		*nread = n;
	return n;
}

static int parse_link_v(struct nlattr **a, void *arg)
{
	struct nlattr *tb[QLINK_A_CONFIG_MAX + 1];
	struct nlattr *e[QLINK_A_CALIB_MAX + 1];
	struct nlattr *c[QLINK_A_CAPS_MAX + 1];
	struct qlink_link_v *l = arg;
	int i;

	if (a[QLINK_A_IFINDEX])
		l->ifindex = nla_get_u32(a[QLINK_A_IFINDEX]);
	if (a[QLINK_A_LINK_ID])
		l->link_id = nla_get_u32(a[QLINK_A_LINK_ID]);
	if (a[QLINK_A_LINK_PAIR_ID])
		l->pair_link_id = nla_get_u32(a[QLINK_A_LINK_PAIR_ID]);
	if (a[QLINK_A_LINK_PEER_IFINDEX])
		l->peer_ifindex = nla_get_u32(a[QLINK_A_LINK_PEER_IFINDEX]);
	if (a[QLINK_A_LINK_UP])
		l->up = nla_get_u8(a[QLINK_A_LINK_UP]);
	if (a[QLINK_A_LINK_CARRIER])
		l->carrier = nla_get_u8(a[QLINK_A_LINK_CARRIER]);
	if (a[QLINK_A_LINK_CALIB] &&
	    !nla_parse_nested(e, QLINK_A_CALIB_MAX, a[QLINK_A_LINK_CALIB],
			      NULL))
		for (i = QLINK_A_CALIB_PAD + 1; i <= QLINK_A_CALIB_MAX; i++) {
			if (!e[i])
				continue;
			l->has_calib[i] = 1;
			l->calib[i] = qlink_pv_get(QLINK_PV_CALIB | i, e[i]);
		}
	l->exp_herald_mhz = l->calib[QLINK_A_CALIB_HERALD_RATE];
	l->exp_fid = l->calib[QLINK_A_CALIB_EXP_FIDELITY];
	if (a[QLINK_A_LINK_CAPS] &&
	    !nla_parse_nested(c, QLINK_A_CAPS_MAX, a[QLINK_A_LINK_CAPS], NULL)) {
		if (c[QLINK_A_CAPS_MEMORY_SLOTS])
			l->caps_slots = nla_get_u32(c[QLINK_A_CAPS_MEMORY_SLOTS]);
		if (c[QLINK_A_CAPS_MEASURE_BASES]) {
			l->has_caps_bases = 1;
			l->caps_bases = nla_get_u32(c[QLINK_A_CAPS_MEASURE_BASES]);
		}
	}
	if (a[QLINK_A_LINK_CONFIG] &&
	    !nla_parse_nested(tb, QLINK_A_CONFIG_MAX, a[QLINK_A_LINK_CONFIG],
			      NULL))
		for (i = QLINK_A_CONFIG_PAD + 1; i <= QLINK_A_CONFIG_MAX; i++)
			if (tb[i])
				l->config[i] = qlink_pv_get(QLINK_PV_CONFIG | i,
							    tb[i]);
	return 0;
}

int qlink_nl_link(struct qlink_nl *nl, const char *name,
		  struct qlink_link_v *l)
{
	memset(l, 0, sizeof(*l));
	return qlink_nl_get(nl, QLINK_CMD_LINK_GET, name, parse_link_v, l);
}

int qlink_nl_purpose_is64(int attr)
{
	switch (attr) {
	case QLINK_A_PURPOSE_RATE:
	case QLINK_A_PURPOSE_REQUESTS:
	case QLINK_A_PURPOSE_REQ_SUCCEEDED:
	case QLINK_A_PURPOSE_REQ_FAILED:
	case QLINK_A_PURPOSE_DELIVERED:
		return 1;
	}
	return 0;
}

int qlink_nl_purpose_set(struct qlink_nl *nl, const char *name, uint32_t purpose,
		      const struct qlink_pv *pv, int n)
{
	struct nl_msg *msg = qlink_nl_msg(nl, QLINK_CMD_PURPOSE_SET, 0);
	struct nlattr *nest;
	int i, err;

	if (!msg)
		return -ENOMEM;
	err = nla_put_string(msg, QLINK_A_IFNAME, name);
	nest = nla_nest_start(msg, QLINK_A_PURPOSE);
	if (err || !nest)
		goto nomem;
	err = nla_put_u32(msg, QLINK_A_PURPOSE_ID, purpose);
	for (i = 0; i < n && !err; i++)
		err = qlink_nl_purpose_is64(pv[i].attr) ?
		      nla_put_u64(msg, pv[i].attr, (uint64_t)pv[i].val) :
		      nla_put_u32(msg, pv[i].attr, (uint32_t)pv[i].val);
	if (err)
		goto nomem;
	nla_nest_end(msg, nest);
	return qlink_nl_transact(nl, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

static int parse_purpose(struct nlattr **a, void *arg)
{
	struct nlattr *tb[QLINK_A_PURPOSE_MAX + 1];
	struct qlink_purpose_v *p = arg;
	int i;

	if (!a[QLINK_A_PURPOSE] ||
	    nla_parse_nested(tb, QLINK_A_PURPOSE_MAX, a[QLINK_A_PURPOSE], NULL))
		return 0;
	p->found++;
	for (i = QLINK_A_PURPOSE_PAD + 1; i <= QLINK_A_PURPOSE_MAX; i++) {
		if (!tb[i])
			continue;
		p->has[i] = 1;
		p->v[i] = nla_len(tb[i]) == 8 ? (int64_t)nla_get_u64(tb[i]) :
						nla_get_u32(tb[i]);
	}
	return 0;
}

int qlink_nl_purpose_get(struct qlink_nl *nl, const char *name, uint32_t purpose,
		      struct qlink_purpose_v *p)
{
	struct nl_msg *msg = qlink_nl_msg(nl, QLINK_CMD_PURPOSE_GET, 0);
	struct nlattr *nest;

	memset(p, 0, sizeof(*p));
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, QLINK_A_IFNAME, name) ||
	    !(nest = nla_nest_start(msg, QLINK_A_PURPOSE)) ||
	    nla_put_u32(msg, QLINK_A_PURPOSE_ID, purpose)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return qlink_nl_transact(nl, msg, parse_purpose, p);
}

long qlink_objects_nonzero(char *name, int len)
{
	FILE *f = fopen("/sys/kernel/debug/qlink/objects", "r");
	char n[32];
	long v;

	if (!f)
		return -1;
	while (fscanf(f, "%31s %ld", n, &v) == 2) {
		if (v) {
			if (name)
				snprintf(name, len, "%s", n);
			fclose(f);
			return v;
		}
	}
	fclose(f);
	return 0;
}

long qlink_objects_wait_zero(int ms, char *name, int len)
{
	long v;

	for (;;) {
		v = qlink_objects_nonzero(name, len);
		if (v == 0 || ms <= 0)
			return v;
		usleep(20000);
		ms -= 20;
	}
}

int64_t qlink_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Open genl and rtnl sockets in netns NSFD. */
static int open_nl_in(int nsfd, int back, struct qlink_nl *gn,
		      struct qlink_nl *rt)
{
	int err;

	if (setns(nsfd, CLONE_NEWNET))
		return -errno;
	err = qlink_nl_open(gn);
	if (!err) {
		err = qlink_rt_open(rt);
		if (err)
			qlink_nl_close(gn);
	}
	if (setns(back, CLONE_NEWNET) && !err) {
		err = -errno;
		qlink_nl_close(gn);
		qlink_nl_close(rt);
	}
	return err;
}

int qlink_ns_link_create(struct qlink_ns_link *l, const struct qlink_pv *pv,
			 int n)
{
	int err;

	err = qlinksim_create(&l->rt, l->name_a, l->name_b, l->ns_b, pv, n);
	if (err) {
		fprintf(stderr, "# qlinksim_create: %s (%s)\n", strerror(-err),
			l->rt.extack);
		return err;
	}
	err = qlink_nl_link(&l->gn, l->name_a, &l->a);
	if (!err)
		err = qlink_nl_link(&l->gn_b, l->name_b, &l->b);
	return err;
}

int qlink_ns_link_setup(struct qlink_ns_link *l, const char *name_a,
			const char *name_b, const struct qlink_pv *pv, int n)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->ns_a = l->ns_b = -1;
	snprintf(l->name_a, sizeof(l->name_a), "%s", name_a);
	snprintf(l->name_b, sizeof(l->name_b), "%s", name_b);
	l->ns_a = qlink_netns_unshare();
	if (l->ns_a < 0)
		return l->ns_a;
	l->ns_b = qlink_netns_new();
	if (l->ns_b < 0)
		return l->ns_b;
	err = qlink_nl_open(&l->gn);
	if (err)
		return err;
	err = qlink_rt_open(&l->rt);
	if (err)
		return err;
	err = open_nl_in(l->ns_b, l->ns_a, &l->gn_b, &l->rt_b);
	if (err)
		return err;
	return qlink_ns_link_create(l, pv, n);
}

int qlink_ns_link_up(struct qlink_ns_link *l, int up)
{
	int err = qlink_rt_set_up(&l->rt, l->name_a, up);

	return err ? err : qlink_rt_set_up(&l->rt_b, l->name_b, up);
}

void qlink_ns_link_teardown(struct qlink_ns_link *l)
{
	if (l->rt.sk)
		qlink_rt_del(&l->rt, l->name_a);
	if (l->gn.sk)
		qlink_nl_close(&l->gn);
	if (l->rt.sk)
		qlink_nl_close(&l->rt);
	if (l->gn_b.sk)
		qlink_nl_close(&l->gn_b);
	if (l->rt_b.sk)
		qlink_nl_close(&l->rt_b);
	if (l->ns_b >= 0)
		close(l->ns_b);
	if (l->ns_a >= 0)
		close(l->ns_a);
	l->ns_a = l->ns_b = -1;
}

int qlink_ev_params(struct qlink_pv *pv, int64_t rate_hz, int f0_ppm)
{
	const struct qlink_pv v[] = {
		{ PV_SIM(HERALD_MODEL), QLINK_HERALD_EVENTS },
		{ PV_SIM(SOURCE_RATE), rate_hz * 1000 },
		{ PV_SIM(DET_EFF_A), 1000000 },
		{ PV_SIM(DET_EFF_B), 1000000 },
		{ PV_SIM(FIBER_LEN_A), 0 },
		{ PV_SIM(FIBER_LEN_B), 0 },
		{ PV_SIM(FIDELITY), f0_ppm },
		{ PV_SIM(SEED), 1 },
		{ PV_SIM(DARK_RATE), 0 },
	};

	memcpy(pv, v, sizeof(v));
	return sizeof(v) / sizeof(v[0]);
}

int qlink_sock_rcvbuf(int fd, int bytes)
{
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes,
			  sizeof(bytes)) ? -errno : 0;
}

int64_t qlink_link_time(struct qlink_nl *nl, const char *name)
{
	struct qlink_stats_v st;

	if (qlink_nl_stats(nl, name, &st) || !st.has[QLINK_A_STATS_LINK_TIME])
		return -1;
	return st.v[QLINK_A_STATS_LINK_TIME];
}

/* ---- the link protocol between two hosts ---- */

int qlink_nl_set_peer(struct qlink_nl *nl, const char *name,
		      const struct qlink_peer_cfg *c)
{
	struct nl_msg *msg = qlink_nl_msg(nl, QLINK_CMD_LINK_SET, 0);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, QLINK_A_IFNAME, name))
		goto nomem;
	nest = nla_nest_start(msg, QLINK_A_LINK_PEER);
	if (!nest ||
	    (c->addr_len &&
	     nla_put(msg, QLINK_A_PEER_ADDRESS, c->addr_len, c->addr)) ||
	    (c->port && nla_put_u16(msg, QLINK_A_PEER_PORT, c->port)) ||
	    (c->local_port &&
	     nla_put_u16(msg, QLINK_A_PEER_LOCAL_PORT, c->local_port)) ||
	    (c->key && nla_put(msg, QLINK_A_PEER_KEY, c->key_len, c->key)) ||
	    (c->role && nla_put_u32(msg, QLINK_A_PEER_ROLE, c->role)) ||
	    (c->timeout && nla_put_u32(msg, QLINK_A_PEER_TIMEOUT, c->timeout)) ||
	    (c->keepalive &&
	     nla_put_u32(msg, QLINK_A_PEER_KEEPALIVE, c->keepalive)) ||
	    (c->has_netns_fd &&
	     nla_put_s32(msg, QLINK_A_PEER_NETNS_FD, c->netns_fd)) ||
	    (c->clear && nla_put_flag(msg, QLINK_A_PEER_CLEAR)))
		goto nomem;
	nla_nest_end(msg, nest);
	return qlink_nl_transact(nl, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

static int parse_peer_v(struct nlattr **a, void *arg)
{
	struct nlattr *tb[QLINK_A_PEER_MAX + 1];
	struct qlink_peer_v *p = arg;
	struct nlattr *n = a[QLINK_A_LINK_PEER];
	int i;

	if (a[QLINK_A_LINK_UP])
		p->up = nla_get_u8(a[QLINK_A_LINK_UP]);
	if (a[QLINK_A_LINK_CARRIER])
		p->carrier = nla_get_u8(a[QLINK_A_LINK_CARRIER]);
	if (!n || nla_parse_nested(tb, QLINK_A_PEER_MAX, n, NULL))
		return 0;
	p->present = 1;
	p->raw_len = nla_len(n) < (int)sizeof(p->raw) ? nla_len(n) :
							(int)sizeof(p->raw);
	memcpy(p->raw, nla_data(n), p->raw_len);
	for (i = 0; i <= QLINK_A_PEER_MAX; i++)
		p->has[i] = !!tb[i];
	if (tb[QLINK_A_PEER_ADDRESS]) {
		p->addr_len = nla_len(tb[QLINK_A_PEER_ADDRESS]);
		if (p->addr_len > (int)sizeof(p->addr))
			p->addr_len = sizeof(p->addr);
		memcpy(p->addr, nla_data(tb[QLINK_A_PEER_ADDRESS]), p->addr_len);
	}
	if (tb[QLINK_A_PEER_PORT])
		p->port = nla_get_u16(tb[QLINK_A_PEER_PORT]);
	if (tb[QLINK_A_PEER_LOCAL_PORT])
		p->local_port = nla_get_u16(tb[QLINK_A_PEER_LOCAL_PORT]);
	if (tb[QLINK_A_PEER_ROLE])
		p->role = nla_get_u32(tb[QLINK_A_PEER_ROLE]);
	if (tb[QLINK_A_PEER_TIMEOUT])
		p->timeout = nla_get_u32(tb[QLINK_A_PEER_TIMEOUT]);
	if (tb[QLINK_A_PEER_KEEPALIVE])
		p->keepalive = nla_get_u32(tb[QLINK_A_PEER_KEEPALIVE]);
	if (tb[QLINK_A_PEER_STATE])
		p->state = nla_get_u32(tb[QLINK_A_PEER_STATE]);
	if (tb[QLINK_A_PEER_FINGERPRINT])
		p->fingerprint = nla_get_u64(tb[QLINK_A_PEER_FINGERPRINT]);
	if (tb[QLINK_A_PEER_EPOCH])
		p->epoch = nla_get_u64(tb[QLINK_A_PEER_EPOCH]);
	if (tb[QLINK_A_PEER_PEER_EPOCH])
		p->peer_epoch = nla_get_u64(tb[QLINK_A_PEER_PEER_EPOCH]);
	if (tb[QLINK_A_PEER_RTT])
		p->rtt = nla_get_u64(tb[QLINK_A_PEER_RTT]);
	if (tb[QLINK_A_PEER_CLOCK_OFFSET])
		p->clock_offset =
			(int64_t)nla_get_u64(tb[QLINK_A_PEER_CLOCK_OFFSET]);
	return 0;
}

int qlink_nl_peer(struct qlink_nl *nl, const char *name, struct qlink_peer_v *p)
{
	memset(p, 0, sizeof(*p));
	return qlink_nl_get(nl, QLINK_CMD_LINK_GET, name, parse_peer_v, p);
}

int qlink_rt_set_netns(struct qlink_nl *rt, const char *name, int nsfd)
{
	struct nl_msg *msg = rt_link_msg(RTM_NEWLINK, 0, name, 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, IFLA_NET_NS_FD, nsfd)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return qlink_nl_transact(rt, msg, NULL, NULL);
}

int qlink_rt_veth(struct qlink_nl *rt, const char *name, int nsfd,
		  const char *peer, int peer_nsfd)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data, *pnest;
	struct nl_msg *msg;

	msg = rt_link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, 0, 0);
	if (!msg)
		return -ENOMEM;
	if (nsfd >= 0 && nla_put_u32(msg, IFLA_NET_NS_FD, nsfd))
		goto nomem;
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "veth"))
		goto nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	pnest = data ? nla_nest_start(msg, VETH_INFO_PEER) : NULL;
	if (!pnest ||
	    nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, peer) ||
	    ((peer_nsfd >= 0 || nsfd >= 0) &&
	     nla_put_u32(msg, IFLA_NET_NS_FD, peer_nsfd >= 0 ? peer_nsfd : nsfd)))
		goto nomem;
	nla_nest_end(msg, pnest);
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return qlink_nl_transact(rt, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int qlink_rt_addr(struct qlink_nl *rt, int ifindex, int family,
		  const void *addr, int prefix)
{
	struct ifaddrmsg ifa = {
		.ifa_family = family,
		.ifa_prefixlen = prefix,
		.ifa_index = ifindex,
		.ifa_flags = IFA_F_NODAD,
	};
	int len = family == AF_INET ? 4 : 16;
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, IFA_LOCAL, len, addr) ||
	    nla_put(msg, IFA_ADDRESS, len, addr) ||
	    nla_put_u32(msg, IFA_FLAGS, IFA_F_NODAD)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return qlink_nl_transact(rt, msg, NULL, NULL);
}
