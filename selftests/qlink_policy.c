// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink and policy introspection for the fuzzer (see
 * qlink_policy.h). No libnl: the fuzzer sends malformed messages that a
 * library would refuse to build.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/qlink.h>

#include "qlink_policy.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

int qf_nl_open(struct qf_nl *nl, int proto)
{
	struct timeval tv = { .tv_sec = 10 };
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->seq = 1;
	return 0;
}

void qf_nl_close(struct qf_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

void qf_msg_init(struct qf_msg *m, uint16_t type, uint16_t flags,
		 uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = flags;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->depth = 0;
}

int qf_put(struct qf_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > QF_MSG_MAX)
		return -1;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(QF_DATA(a), data, len);
	memset((char *)QF_DATA(a) + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
	return 0;
}

int qf_nest_start(struct qf_msg *m, uint16_t type)
{
	if (m->depth >= (int)(sizeof(m->nest) / sizeof(m->nest[0])) ||
	    qf_put(m, type | NLA_F_NESTED, NULL, 0))
		return -1;
	m->nest[m->depth++] = m->len - NLA_HDRLEN;
	return 0;
}

void qf_nest_end(struct qf_msg *m)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nest[--m->depth]);

	a->nla_len = m->buf + m->len - (char *)a;
}

/* Copy the extack message of an error or done message, if any. */
static void qf_extack(struct qf_nl *nl, const struct nlmsghdr *nlh,
		      size_t skip)
{
	const struct nlattr *a;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < skip)
		return;
	qf_for_each_attr(a, (const char *)nlh + skip, nlh->nlmsg_len - skip,
			 rem) {
		if (QF_TYPE(a) == NLMSGERR_ATTR_MSG && QF_LEN(a) > 0) {
			int n = QF_LEN(a) < (int)sizeof(nl->extack) ?
				QF_LEN(a) : (int)sizeof(nl->extack) - 1;

			memcpy(nl->extack, QF_DATA(a), n);
			nl->extack[n] = 0;
			/* no newlines in the one-line reports */
			for (char *p = nl->extack; *p; p++)
				if (*p == '\n')
					*p = ' ';
		}
	}
}

int qf_nl_transact(struct qf_nl *nl, struct qf_msg *m,
		   int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg)
{
	static __thread char buf[65536];
	uint32_t seq = ++nl->seq;
	ssize_t n;

	nl->extack[0] = 0;
	m->nlh.nlmsg_len = m->len;
	m->nlh.nlmsg_seq = seq;
	m->nlh.nlmsg_pid = 0;
	if (send(nl->fd, m->buf, m->len, 0) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *nlh;
		int rem;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		rem = n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* left over from an earlier one */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);
				size_t skip = NLMSG_HDRLEN + sizeof(*e);

				if (nlh->nlmsg_len < skip)
					return -EIO;
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					skip += e->msg.nlmsg_len -
						sizeof(e->msg);
				qf_extack(nl, nlh, NLMSG_ALIGN(skip));
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
				qf_extack(nl, nlh, NLMSG_HDRLEN + sizeof(int));
				return err;
			}
			if (cb && cb(nlh, arg))
				return -EIO;
			if (!(nlh->nlmsg_flags & NLM_F_MULTI) &&
			    !(m->nlh.nlmsg_flags & NLM_F_ACK))
				return 0;
		}
	}
}

static uint32_t qf_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	memcpy(&v, QF_DATA(a), QF_LEN(a) < 4 ? QF_LEN(a) : 4);
	return v;
}

static uint64_t qf_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	memcpy(&v, QF_DATA(a), QF_LEN(a) < 8 ? QF_LEN(a) : 8);
	return v;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct qf_family *f = arg;
	const struct nlattr *a, *op, *o, *g, *ga;
	int rem, rem2, rem3;

	qf_for_each_attr(a, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
			 nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rem) {
		switch (QF_TYPE(a)) {
		case CTRL_ATTR_FAMILY_ID:
			f->id = qf_u32(a) & 0xffff;
			break;
		case CTRL_ATTR_VERSION:
			f->version = qf_u32(a);
			break;
		case CTRL_ATTR_MAXATTR:
			f->maxattr = qf_u32(a);
			break;
		case CTRL_ATTR_OPS:
			qf_for_each_attr(op, QF_DATA(a), QF_LEN(a), rem2) {
				struct qf_op *x;

				if (f->n_ops >= QF_OPS_MAX)
					break;
				x = &f->ops[f->n_ops++];
				x->do_pol = x->dump_pol = -1;
				qf_for_each_attr(o, QF_DATA(op), QF_LEN(op),
						 rem3) {
					if (QF_TYPE(o) == CTRL_ATTR_OP_ID)
						x->cmd = qf_u32(o);
					else if (QF_TYPE(o) == CTRL_ATTR_OP_FLAGS)
						x->flags = qf_u32(o);
				}
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			qf_for_each_attr(g, QF_DATA(a), QF_LEN(a), rem2) {
				int i = f->n_grps;

				if (i >= 8)
					break;
				f->n_grps++;
				qf_for_each_attr(ga, QF_DATA(g), QF_LEN(g),
						 rem3) {
					if (QF_TYPE(ga) == CTRL_ATTR_MCAST_GRP_ID)
						f->grp[i].id = qf_u32(ga);
					else if (QF_TYPE(ga) ==
						 CTRL_ATTR_MCAST_GRP_NAME)
						snprintf(f->grp[i].name,
							 sizeof(f->grp[i].name),
							 "%.*s", QF_LEN(ga),
							 (char *)QF_DATA(ga));
				}
			}
			break;
		}
	}
	return 0;
}

/* One attribute's description (NL_POLICY_TYPE_ATTR_*). */
static void policy_attr(struct qf_family *f, uint32_t pidx, uint32_t attr,
			const struct nlattr *nest)
{
	struct qf_policy *p;
	struct qf_attr_pol *ap;
	const struct nlattr *a;
	int rem;

	if (pidx >= QF_POL_MAX || attr > QF_ATTR_MAX)
		return;
	p = &f->pol[pidx];
	p->used = 1;
	if (attr > p->maxattr)
		p->maxattr = attr;
	ap = &p->a[attr];
	memset(ap, 0, sizeof(*ap));
	ap->nested = -1;
	f->n_attrs++;
	qf_for_each_attr(a, QF_DATA(nest), QF_LEN(nest), rem) {
		switch (QF_TYPE(a)) {
		case NL_POLICY_TYPE_ATTR_TYPE:
			ap->type = qf_u32(a);
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
			ap->smin = (int64_t)qf_u64(a);
			ap->has_s = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
			ap->smax = (int64_t)qf_u64(a);
			ap->has_s = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			ap->umin = qf_u64(a);
			ap->has_u = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			ap->umax = qf_u64(a);
			ap->has_u = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MIN_LENGTH:
			ap->min_len = qf_u32(a);
			ap->has_len = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			ap->max_len = qf_u32(a);
			ap->has_len = 1;
			break;
		case NL_POLICY_TYPE_ATTR_POLICY_IDX:
			ap->nested = qf_u32(a);
			break;
		case NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE:
			ap->nested_max = qf_u32(a);
			break;
		case NL_POLICY_TYPE_ATTR_BITFIELD32_MASK:
			ap->mask = qf_u32(a);
			ap->has_mask = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MASK:
			ap->mask = qf_u64(a);
			ap->has_mask = 1;
			break;
		}
	}
}

static int policy_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct qf_family *f = arg;
	const struct nlattr *a, *p, *x, *o;
	int rem, rem2, rem3, rem4;

	qf_for_each_attr(a, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
			 nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rem) {
		if (QF_TYPE(a) == CTRL_ATTR_POLICY) {
			qf_for_each_attr(p, QF_DATA(a), QF_LEN(a), rem2)
				qf_for_each_attr(x, QF_DATA(p), QF_LEN(p), rem3)
					policy_attr(f, QF_TYPE(p), QF_TYPE(x),
						    x);
		} else if (QF_TYPE(a) == CTRL_ATTR_OP_POLICY) {
			qf_for_each_attr(p, QF_DATA(a), QF_LEN(a), rem2) {
				struct qf_op *op = NULL;
				int i;

				for (i = 0; i < f->n_ops; i++)
					if (f->ops[i].cmd == QF_TYPE(p))
						op = &f->ops[i];
				if (!op)
					continue;
				qf_for_each_attr(o, QF_DATA(p), QF_LEN(p), rem4) {
					if (QF_TYPE(o) == CTRL_ATTR_POLICY_DO)
						op->do_pol = qf_u32(o);
					else if (QF_TYPE(o) ==
						 CTRL_ATTR_POLICY_DUMP)
						op->dump_pol = qf_u32(o);
				}
			}
		}
	}
	(void)rem3;
	return 0;
}

int qf_family_read(const char *name, struct qf_family *f)
{
	struct qf_nl nl;
	struct qf_msg m;
	int err, i;

	memset(f, 0, sizeof(*f));
	err = qf_nl_open(&nl, NETLINK_GENERIC);
	if (err)
		return err;
	qf_msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		    CTRL_CMD_GETFAMILY, 1);
	qf_put(&m, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	err = qf_nl_transact(&nl, &m, family_cb, f);
	if (!err && !f->id)
		err = -ENOENT;
	if (!err) {
		/* Every op's policies (no CTRL_ATTR_OP: all of them). */
		qf_msg_init(&m, GENL_ID_CTRL,
			    NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
			    CTRL_CMD_GETPOLICY, 1);
		qf_put(&m, CTRL_ATTR_FAMILY_ID, &f->id, sizeof(f->id));
		err = qf_nl_transact(&nl, &m, policy_cb, f);
	}
	qf_nl_close(&nl);
	/* A nest's maxtype bounds its policy even past the last attribute. */
	for (i = 0; !err && i < QF_POL_MAX; i++) {
		int a;

		for (a = 0; a <= QF_ATTR_MAX; a++) {
			struct qf_attr_pol *ap = &f->pol[i].a[a];

			if (ap->type && ap->nested >= 0 &&
			    ap->nested < QF_POL_MAX &&
			    ap->nested_max > f->pol[ap->nested].maxattr)
				f->pol[ap->nested].maxattr =
					ap->nested_max > QF_ATTR_MAX ?
					QF_ATTR_MAX : ap->nested_max;
		}
	}
	return err;
}

const struct qf_op *qf_family_op(const struct qf_family *f, uint32_t cmd)
{
	int i;

	for (i = 0; i < f->n_ops; i++)
		if (f->ops[i].cmd == cmd)
			return &f->ops[i];
	return NULL;
}

/* An integer attribute of TYPE with the range [LO, HI]. */
#define QF_U(t, lo, hi)	{ .type = NL_ATTR_TYPE_##t, .has_u = 1, \
			  .umin = (lo), .umax = (hi), .nested = -1 }
#define QF_S(t, lo, hi)	{ .type = NL_ATTR_TYPE_##t, .has_s = 1, \
			  .smin = (lo), .smax = (hi), .nested = -1 }

const struct qf_policy *qf_qlinksim_policy(void)
{
	static const struct qf_policy pol = {
		.used = 1,
		.maxattr = IFLA_QLINKSIM_MAX,
		.a = {
			[IFLA_QLINKSIM_SOURCE_RATE]	= QF_U(U64, 0, 1000000000000ULL),
			[IFLA_QLINKSIM_DET_EFF_A]	= QF_U(U32, 0, 1000000),
			[IFLA_QLINKSIM_DET_EFF_B]	= QF_U(U32, 0, 1000000),
			[IFLA_QLINKSIM_DARK_RATE]	= QF_U(U32, 0, 1000000000),
			[IFLA_QLINKSIM_JITTER]		= QF_U(U32, 0, 1000000),
			[IFLA_QLINKSIM_FIBER_LEN_A]	= QF_U(U32, 0, 1000000),
			[IFLA_QLINKSIM_FIBER_LEN_B]	= QF_U(U32, 0, 1000000),
			[IFLA_QLINKSIM_FIBER_LOSS]	= QF_U(U32, 0, 10000),
			[IFLA_QLINKSIM_FIDELITY]	= QF_U(U32, 250000, 1000000),
			[IFLA_QLINKSIM_COHERENCE]	= QF_U(U64, 0, 1000000000000000ULL),
			[IFLA_QLINKSIM_HERALD_MODEL]	= QF_U(U32, 1, 2),
			[IFLA_QLINKSIM_SEED]		= QF_U(U64, 0, INT64_MAX),
			[IFLA_QLINKSIM_EXTRA_LOSS]	= QF_U(U32, 0, 100000),
			[IFLA_QLINKSIM_FIDELITY_DROP]	= QF_U(U32, 0, 750000),
			[IFLA_QLINKSIM_COHERENCE_SCALE]	= QF_U(U32, 1, 1000000),
			[IFLA_QLINKSIM_DEAD_TIME]	= QF_U(U32, 0, 1000000000),
			[IFLA_QLINKSIM_MAX_DET_RATE]	= QF_U(U64, 0, 10000000000000ULL),
			[IFLA_QLINKSIM_BIT_FLIP]	= QF_U(U32, 0, 1000000),
			[IFLA_QLINKSIM_OFFSET_DRIFT]	= QF_S(S32, -1000000000, 1000000000),
			[IFLA_QLINKSIM_DIRECT]		= QF_U(U8, 0, 1),
			[IFLA_QLINKSIM_BASIS_Z]		= QF_U(U32, 0, 1000000),
		},
	};

	return &pol;
}
