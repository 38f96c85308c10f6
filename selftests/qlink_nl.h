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
#include <stdint.h>
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

/*
 * rtnetlink on the same plumbing: a NETLINK_ROUTE socket with extended
 * ACKs; qlink_nl_transact() works on it with PARSE = NULL.
 */
int qlink_rt_open(struct qlink_nl *nl);

/* One parameter for qlink_put_params(): attribute and value. */
struct qlink_pv {
	int attr;		/* enum qlink_param_attr */
	int64_t val;
};

/* Is parameter ATTR 64 bits wide on the wire? */
int qlink_param_is64(int attr);

/* Add a nest TYPE holding N parameters (each with its wire width). */
int qlink_put_params(struct nl_msg *msg, int type, const struct qlink_pv *pv,
		     int n);

/* Value of a parameter attribute, sign-extended for s32/s64 ones. */
int64_t qlink_param_get(int attr, struct nlattr *nla);

/*
 * RTM_NEWLINK of a qlinksim pair: end A NAME in the caller's netns, end B
 * PEER (NULL: kernel's choice) in the netns of PEER_NSFD (-1: the same),
 * with N parameters PV in IFLA_QLINKSIM_PARAMS (N = 0: none).
 * Returns 0 or -errno with the extack message in rt->extack.
 */
int qlinksim_create(struct qlink_nl *rt, const char *name, const char *peer,
		    int peer_nsfd, const struct qlink_pv *pv, int n);

/* RTM_DELLINK by name; returns 0 or -errno. */
int qlink_rt_del(struct qlink_nl *rt, const char *name);

/* RTM_NEWLINK changing IFF_UP of NAME; returns 0 or -errno. */
int qlink_rt_set_up(struct qlink_nl *rt, const char *name, int up);

/*
 * Ask the qlink family about one link (LINK_GET or STATS_GET by name);
 * PARSE gets the reply. Returns 0 or -errno.
 */
int qlink_nl_get(struct qlink_nl *nl, int cmd, const char *name,
		 int (*parse)(struct nlattr **attrs, void *arg), void *arg);

/* LINK_SET of N parameters on NAME; returns 0 or -errno (+ nl->extack). */
int qlink_nl_set(struct qlink_nl *nl, const char *name,
		 const struct qlink_pv *pv, int n);

/* Join multicast group GROUP of the family (events socket, no seq check). */
int qlink_nl_subscribe(struct qlink_nl *nl, const char *group);

/*
 * Read events until PARSE returns non-zero or TIMEOUT_MS pass without one.
 * PARSE gets the command and the attributes. Returns 0, or -ETIMEDOUT.
 */
int qlink_nl_events(struct qlink_nl *nl, int timeout_ms,
		    int (*parse)(int cmd, struct nlattr **attrs, void *arg),
		    void *arg);

/* Objects the core has allocated (debugfs "links N"), or -1. */
int qlink_objects_links(void);

/* Any counter of debugfs qlink/objects ("links", "pair_bytes"), or -1. */
long qlink_objects_get(const char *name);

/*
 * PAIR_GET dump of link NAME: PARSE gets each reply (one pair each).
 * Returns 0 or -errno.
 */
int qlink_nl_dump_pairs(struct qlink_nl *nl, const char *name,
			int (*parse)(struct nlattr **attrs, void *arg),
			void *arg);

/* The statistics of a link, by enum qlink_stats_attr (signed ones too). */
struct qlink_stats_v {
	int64_t v[QLINK_A_STATS_MAX + 1];
	int has[QLINK_A_STATS_MAX + 1];
};

/* STATS_GET of NAME into ST; returns 0 or -errno. */
int qlink_nl_stats(struct qlink_nl *nl, const char *name,
		   struct qlink_stats_v *st);

/* One pair of a dump or event, from a QLINK_A_PAIR nest. */
struct qlink_pair_v {
	uint64_t seq, trace_id, herald_ps, age_ps, link_time;
	uint32_t link_id, f_herald, f_now, state, slot;
	int has_slot;
	uint8_t bell;
};

/* Parse a QLINK_A_PAIR nest; returns 0 or -EINVAL. */
int qlink_parse_pair(struct nlattr *nest, struct qlink_pair_v *p);

/* The pairs of a PAIR_GET dump, in dump order; room for the largest test. */
#define QLINK_PAIR_LIST_MAX	4096
struct qlink_pair_list {
	int n;
	struct qlink_pair_v p[QLINK_PAIR_LIST_MAX];
};

/* qlink_nl_dump_pairs() callback appending to a struct qlink_pair_list. */
int qlink_pair_list_add(struct nlattr **attrs, void *arg);

#endif /* _QLINK_SELFTEST_NL_H */
