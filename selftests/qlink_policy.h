/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the fuzzer: a socket with extended ACKs that
 * sends any bytes and returns the kernel's errno and extack message, and
 * the policies of a family read from the kernel at run time
 * (CTRL_CMD_GETFAMILY for the ops, CTRL_CMD_GETPOLICY for the attribute
 * policies of each op, nested policies included).
 */
#ifndef _QLINK_SELFTEST_POLICY_H
#define _QLINK_SELFTEST_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

/* A netlink socket of any protocol, with NETLINK_EXT_ACK. */
struct qf_nl {
	int fd;
	uint32_t seq;
	char extack[128];	/* message of the last error or ack */
};

int qf_nl_open(struct qf_nl *nl, int proto);
void qf_nl_close(struct qf_nl *nl);

/* A message being built (one netlink message, attributes appended). */
#define QF_MSG_MAX	4096
struct qf_msg {
	size_t len;
	int nest[8];		/* offsets of open nests */
	int depth;
	union {
		struct nlmsghdr nlh;
		char buf[QF_MSG_MAX];
	};
};

void qf_msg_init(struct qf_msg *m, uint16_t type, uint16_t flags,
		 uint8_t cmd, uint8_t version);
/* Append an attribute; 0, or -1 when it does not fit (nothing added). */
int qf_put(struct qf_msg *m, uint16_t type, const void *data, size_t len);
int qf_nest_start(struct qf_msg *m, uint16_t type);
void qf_nest_end(struct qf_msg *m);

/*
 * Send M and read the answer: CB (may be NULL) gets every reply message;
 * returns 0 or the kernel's -errno (extack message in nl->extack), -EIO
 * for a malformed answer, or the -errno of a failed send/recv.
 */
int qf_nl_transact(struct qf_nl *nl, struct qf_msg *m,
		   int (*cb)(const struct nlmsghdr *nlh, void *arg), void *arg);

/* Iterate over the attributes in [start, start + len). */
#define qf_for_each_attr(a, start, len, rem)				\
	for (a = (struct nlattr *)(start), rem = (int)(len);		\
	     rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&	\
	     a->nla_len <= rem;						\
	     rem -= NLA_ALIGN(a->nla_len),				\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

#define QF_DATA(a)	((void *)((char *)(a) + NLA_HDRLEN))
#define QF_LEN(a)	((int)(a)->nla_len - NLA_HDRLEN)
#define QF_TYPE(a)	((a)->nla_type & NLA_TYPE_MASK)

/* One attribute of a policy, as the kernel describes it. */
struct qf_attr_pol {
	uint32_t type;		/* enum netlink_attribute_type, 0: absent */
	int has_s, has_u, has_len, has_mask;
	int64_t smin, smax;
	uint64_t umin, umax, mask;
	uint32_t min_len, max_len;
	int nested;		/* policy index of a nest, else -1 */
	uint32_t nested_max;	/* its maxtype */
};

#define QF_ATTR_MAX	63
#define QF_POL_MAX	16
#define QF_OPS_MAX	64

struct qf_policy {
	int used;
	uint32_t maxattr;	/* highest attribute described (or maxtype) */
	struct qf_attr_pol a[QF_ATTR_MAX + 1];
};

struct qf_op {
	uint32_t cmd;
	uint32_t flags;		/* GENL_CMD_CAP_*, GENL_*ADMIN_PERM */
	int do_pol, dump_pol;	/* policy indices, -1: none */
};

struct qf_family {
	uint16_t id;
	uint32_t version, maxattr;
	int n_ops;
	struct qf_op ops[QF_OPS_MAX];
	struct qf_policy pol[QF_POL_MAX];
	int n_attrs;		/* attributes described in all policies */
	struct {
		uint32_t id;
		char name[32];
	} grp[8];
	int n_grps;
};

/* Read family NAME's ops, groups and policies; 0 or -errno. */
int qf_family_read(const char *name, struct qf_family *f);

/*
 * The policy of qlinksim's IFLA_INFO_DATA (enum qlinksim_info_attr, as
 * <linux/qlink.h> documents it): rtnetlink does not report link kinds'
 * policies, so this model follows the uapi.
 */
const struct qf_policy *qf_qlinksim_policy(void);

/* The op of CMD, or NULL. */
const struct qf_op *qf_family_op(const struct qf_family *f, uint32_t cmd);

#endif /* _QLINK_SELFTEST_POLICY_H */
