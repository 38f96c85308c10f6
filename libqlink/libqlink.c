// SPDX-License-Identifier: LGPL-2.1
/*
 * libqlink: the qlink generic netlink family on libnl-3 (see qlink.h).
 *
 * Every message is parsed with genlmsg_parse()/nla_parse_nested() against
 * the policies below; the kernel's extended ACK is parsed with nla_parse()
 * against an NLMSGERR_ATTR_* policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "qlink.h"

#define QLINK_API __attribute__((visibility("default")))

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct qlink_handle {
	struct nl_sock *sk;
	struct nl_sock *ev;	/* event socket, after qlink_event_subscribe() */
	int family;
	int err;
	char msg[512];
};

/* Wire types of the parameters: the uapi schema (uapi/qlink.yaml). */
static const uint8_t param_type[QLINK_A_PARAM_MAX + 1] = {
	[QLINK_A_PARAM_SOURCE_RATE]	= QLINK_PARAM_TYPE_U64,
	[QLINK_A_PARAM_DET_EFF_A]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_DET_EFF_B]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_DARK_RATE]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_JITTER]		= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_FIBER_LEN_A]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_FIBER_LEN_B]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_FIBER_LOSS]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_WINDOW]		= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_OFFSET]		= QLINK_PARAM_TYPE_S64,
	[QLINK_A_PARAM_FIDELITY]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_COHERENCE]	= QLINK_PARAM_TYPE_U64,
	[QLINK_A_PARAM_HERALD_MODEL]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_SEED]		= QLINK_PARAM_TYPE_U64,
	[QLINK_A_PARAM_EXTRA_LOSS]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_FIDELITY_DROP]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_COHERENCE_SCALE]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_CTRL_DELAY]	= QLINK_PARAM_TYPE_U64,
	[QLINK_A_PARAM_DEAD_TIME]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_MAX_DET_RATE]	= QLINK_PARAM_TYPE_U64,
	[QLINK_A_PARAM_SWAP_FAIL]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_BIT_FLIP]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_OFFSET_DRIFT]	= QLINK_PARAM_TYPE_S32,
	[QLINK_A_PARAM_MAX_PAIRS]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_MEMORY_SLOTS]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_PARAM_CUTOFF]		= QLINK_PARAM_TYPE_U64,
};

static const char *const param_names[QLINK_A_PARAM_MAX + 1] = {
	[QLINK_A_PARAM_SOURCE_RATE]	= "source_rate",
	[QLINK_A_PARAM_DET_EFF_A]	= "det_eff_a",
	[QLINK_A_PARAM_DET_EFF_B]	= "det_eff_b",
	[QLINK_A_PARAM_DARK_RATE]	= "dark_rate",
	[QLINK_A_PARAM_JITTER]		= "jitter",
	[QLINK_A_PARAM_FIBER_LEN_A]	= "fiber_len_a",
	[QLINK_A_PARAM_FIBER_LEN_B]	= "fiber_len_b",
	[QLINK_A_PARAM_FIBER_LOSS]	= "fiber_loss",
	[QLINK_A_PARAM_WINDOW]		= "window",
	[QLINK_A_PARAM_OFFSET]		= "offset",
	[QLINK_A_PARAM_FIDELITY]	= "fidelity",
	[QLINK_A_PARAM_COHERENCE]	= "coherence",
	[QLINK_A_PARAM_HERALD_MODEL]	= "herald_model",
	[QLINK_A_PARAM_SEED]		= "seed",
	[QLINK_A_PARAM_EXTRA_LOSS]	= "extra_loss",
	[QLINK_A_PARAM_FIDELITY_DROP]	= "fidelity_drop",
	[QLINK_A_PARAM_COHERENCE_SCALE]	= "coherence_scale",
	[QLINK_A_PARAM_CTRL_DELAY]	= "ctrl_delay",
	[QLINK_A_PARAM_DEAD_TIME]	= "dead_time",
	[QLINK_A_PARAM_MAX_DET_RATE]	= "max_det_rate",
	[QLINK_A_PARAM_SWAP_FAIL]	= "swap_fail",
	[QLINK_A_PARAM_BIT_FLIP]	= "bit_flip",
	[QLINK_A_PARAM_OFFSET_DRIFT]	= "offset_drift",
	[QLINK_A_PARAM_MAX_PAIRS]	= "max_pairs",
	[QLINK_A_PARAM_MEMORY_SLOTS]	= "memory_slots",
	[QLINK_A_PARAM_CUTOFF]		= "cutoff",
};

static const char *const stats_names[QLINK_A_STATS_MAX + 1] = {
	[QLINK_A_STATS_ATTEMPTS]	= "attempts",
	[QLINK_A_STATS_HERALDS]		= "heralds",
	[QLINK_A_STATS_ACCIDENTALS]	= "accidentals",
	[QLINK_A_STATS_DROPPED]		= "dropped",
	[QLINK_A_STATS_PARAM_CHANGES]	= "param_changes",
	[QLINK_A_STATS_TX_DROPPED]	= "tx_dropped",
	[QLINK_A_STATS_TAGS_A]		= "tags_a",
	[QLINK_A_STATS_TAGS_B]		= "tags_b",
	[QLINK_A_STATS_COVERED_TIME]	= "covered_time",
	[QLINK_A_STATS_LINK_TIME]	= "link_time",
	[QLINK_A_STATS_HERALD_RATE]	= "herald_rate",
	[QLINK_A_STATS_FIDELITY_HERALD]	= "fidelity_herald",
	[QLINK_A_STATS_FIDELITY_TAKEN]	= "fidelity_taken",
	[QLINK_A_STATS_TAKEN]		= "taken",
	[QLINK_A_STATS_AGE_TAKEN]	= "age_taken",
	[QLINK_A_STATS_LATENCY_MEAN]	= "latency_mean",
	[QLINK_A_STATS_LATENCY_MAX]	= "latency_max",
	[QLINK_A_STATS_LOSS_A_EST]	= "loss_a_est",
	[QLINK_A_STATS_LOSS_B_EST]	= "loss_b_est",
	[QLINK_A_STATS_OFFSET_EST]	= "offset_est",
	[QLINK_A_STATS_OFFSET_ERROR]	= "offset_error",
	[QLINK_A_STATS_PAIRS]		= "pairs",
	[QLINK_A_STATS_SLOTS_USED]	= "slots_used",
	[QLINK_A_STATS_DROPPED_FULL]	= "dropped_full",
	[QLINK_A_STATS_DROPPED_SLOTS]	= "dropped_slots",
	[QLINK_A_STATS_EXPIRED]		= "expired",
	[QLINK_A_STATS_DISCARDED_LOW_F]	= "discarded_low_f",
	[QLINK_A_STATS_FLUSHED]		= "flushed",
	[QLINK_A_STATS_REJECTED]	= "rejected",
	[QLINK_A_STATS_TAGS_REJECTED]	= "tags_rejected",
	[QLINK_A_STATS_MATCH_OVERFLOW]	= "match_overflow",
	[QLINK_A_STATS_EVENTS_LOST]	= "events_lost",
	[QLINK_A_STATS_MAX_PAIRS]	= "max_pairs",
	[QLINK_A_STATS_REQUESTS]	= "requests",
	[QLINK_A_STATS_REQ_SUCCEEDED]	= "req_succeeded",
	[QLINK_A_STATS_REQ_FAILED]	= "req_failed",
	[QLINK_A_STATS_REQ_LATENCY_MEAN] = "req_latency_mean",
	[QLINK_A_STATS_REQ_LATENCY_MAX]	= "req_latency_max",
	[QLINK_A_STATS_DELIVERED]	= "delivered",
};

/* Wire types of the counters: u64 unless listed. */
static uint8_t stats_type[QLINK_A_STATS_MAX + 1] = {
	[QLINK_A_STATS_FIDELITY_HERALD]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_STATS_FIDELITY_TAKEN]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_STATS_LOSS_A_EST]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_STATS_LOSS_B_EST]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_STATS_PAIRS]		= QLINK_PARAM_TYPE_U32,
	[QLINK_A_STATS_SLOTS_USED]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_STATS_MAX_PAIRS]	= QLINK_PARAM_TYPE_U32,
	[QLINK_A_STATS_OFFSET_EST]	= QLINK_PARAM_TYPE_S64,
	[QLINK_A_STATS_OFFSET_ERROR]	= QLINK_PARAM_TYPE_S64,
};

/* Policies: what we accept from the kernel (types and minimum lengths). */
static struct nla_policy top_policy[QLINK_A_MAX + 1] = {
	[QLINK_A_VERSION_MAJOR]		= { .type = NLA_U32 },
	[QLINK_A_VERSION_MINOR]		= { .type = NLA_U32 },
	[QLINK_A_GENL_VERSION]		= { .type = NLA_U32 },
	[QLINK_A_NETNS_COOKIE]		= { .type = NLA_U64 },
	[QLINK_A_IFINDEX]		= { .type = NLA_U32 },
	[QLINK_A_IFNAME]		= { .type = NLA_STRING },
	[QLINK_A_LINK_ID]		= { .type = NLA_U32 },
	[QLINK_A_LINK_KIND]		= { .type = NLA_STRING },
	[QLINK_A_LINK_UP]		= { .type = NLA_U8 },
	[QLINK_A_LINK_CARRIER]		= { .type = NLA_U8 },
	[QLINK_A_LINK_SIDE]		= { .type = NLA_U8 },
	[QLINK_A_LINK_PEER_IFINDEX]	= { .type = NLA_U32 },
	[QLINK_A_LINK_PEER_NETNS_COOKIE] = { .type = NLA_U64 },
	[QLINK_A_LINK_CAPS]		= { .type = NLA_NESTED },
	[QLINK_A_LINK_PARAMS]		= { .type = NLA_NESTED },
	[QLINK_A_LINK_EXPECTED]		= { .type = NLA_NESTED },
	[QLINK_A_LINK_CHANGE]		= { .type = NLA_U32 },
	[QLINK_A_STATS]			= { .type = NLA_NESTED },
	[QLINK_A_LINK_PAIR_ID]		= { .type = NLA_U32 },
	[QLINK_A_LINK_TIME]		= { .type = NLA_U64 },
	[QLINK_A_PAIR]			= { .type = NLA_NESTED },
	[QLINK_A_SEQ_FIRST]		= { .type = NLA_U64 },
	[QLINK_A_SEQ_LAST]		= { .type = NLA_U64 },
	[QLINK_A_PAIR_COUNT]		= { .type = NLA_U32 },
	[QLINK_A_DROP_REASON]		= { .type = NLA_U32 },
	[QLINK_A_PURPOSE]		= { .type = NLA_NESTED },
};

/* Counters are u64, settings and gauges u32, except the rate. */
static struct nla_policy purpose_policy[QLINK_A_PURPOSE_MAX + 1] = {
	[QLINK_A_PURPOSE_ID]		= { .type = NLA_U32 },
	[QLINK_A_PURPOSE_WEIGHT]	= { .type = NLA_U32 },
	[QLINK_A_PURPOSE_RATE]		= { .type = NLA_U64 },
	[QLINK_A_PURPOSE_MAX_OUTSTANDING] = { .type = NLA_U32 },
	[QLINK_A_PURPOSE_RESERVE]	= { .type = NLA_U32 },
	[QLINK_A_PURPOSE_RESERVE_FIDELITY] = { .type = NLA_U32 },
	[QLINK_A_PURPOSE_REQUESTS]	= { .type = NLA_U64 },
	[QLINK_A_PURPOSE_REQ_SUCCEEDED]	= { .type = NLA_U64 },
	[QLINK_A_PURPOSE_REQ_FAILED]	= { .type = NLA_U64 },
	[QLINK_A_PURPOSE_DELIVERED]	= { .type = NLA_U64 },
	[QLINK_A_PURPOSE_OUTSTANDING]	= { .type = NLA_U32 },
	[QLINK_A_PURPOSE_RESERVED]	= { .type = NLA_U32 },
	[QLINK_A_PURPOSE_RECEIVERS]	= { .type = NLA_U32 },
	[QLINK_A_PURPOSE_OWNER_UID]	= { .type = NLA_U32 },
	[QLINK_A_PURPOSE_OWNER_GID]	= { .type = NLA_U32 },
};

static struct nla_policy pair_policy[QLINK_A_PAIR_MAX + 1] = {
	[QLINK_A_PAIR_SEQ]		= { .type = NLA_U64 },
	[QLINK_A_PAIR_LINK_ID]		= { .type = NLA_U32 },
	[QLINK_A_PAIR_TRACE_ID]		= { .type = NLA_U64 },
	[QLINK_A_PAIR_HERALD_TIME]	= { .type = NLA_U64 },
	[QLINK_A_PAIR_AGE]		= { .type = NLA_U64 },
	[QLINK_A_PAIR_FIDELITY_HERALD]	= { .type = NLA_U32 },
	[QLINK_A_PAIR_FIDELITY]		= { .type = NLA_U32 },
	[QLINK_A_PAIR_BELL_INDEX]	= { .type = NLA_U8 },
	[QLINK_A_PAIR_SLOT]		= { .type = NLA_U32 },
	[QLINK_A_PAIR_STATE]		= { .type = NLA_U32 },
	[QLINK_A_PAIR_PURPOSE]		= { .type = NLA_U32 },
};

static struct nla_policy caps_policy[QLINK_A_CAPS_MAX + 1] = {
	[QLINK_A_CAPS_HERALD_MODELS]	= { .type = NLA_U32 },
	[QLINK_A_CAPS_MAX_RATE]		= { .type = NLA_U64 },
	[QLINK_A_CAPS_MEMORY_SLOTS]	= { .type = NLA_U32 },
	[QLINK_A_CAPS_PARAMS]		= { .type = NLA_U64 },
};

static struct nla_policy exp_policy[QLINK_A_EXP_MAX + 1] = {
	[QLINK_A_EXP_HERALD_RATE]	= { .type = NLA_U64 },
	[QLINK_A_EXP_ACCIDENTAL_RATE]	= { .type = NLA_U64 },
	[QLINK_A_EXP_FIDELITY]		= { .type = NLA_U32 },
	[QLINK_A_EXP_QBER]		= { .type = NLA_U32 },
	[QLINK_A_EXP_LOSS_A]		= { .type = NLA_U32 },
	[QLINK_A_EXP_LOSS_B]		= { .type = NLA_U32 },
};

/* Filled from param_type[] and the stats numbering on first use. */
static struct nla_policy param_policy[QLINK_A_PARAM_MAX + 1];
static struct nla_policy stats_policy[QLINK_A_STATS_MAX + 1];

static struct nla_policy ext_ack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]	= { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS]	= { .type = NLA_U32 },
	[NLMSGERR_ATTR_POLICY]	= { .type = NLA_NESTED },
};

static const char *const purpose_names[QLINK_A_PURPOSE_MAX + 1] = {
	[QLINK_A_PURPOSE_ID]		= "ID",
	[QLINK_A_PURPOSE_WEIGHT]	= "WEIGHT",
	[QLINK_A_PURPOSE_RATE]		= "RATE",
	[QLINK_A_PURPOSE_MAX_OUTSTANDING] = "MAX_OUTSTANDING",
	[QLINK_A_PURPOSE_RESERVE]	= "RESERVE",
	[QLINK_A_PURPOSE_RESERVE_FIDELITY] = "RESERVE_FIDELITY",
	[QLINK_A_PURPOSE_REQUESTS]	= "REQUESTS",
	[QLINK_A_PURPOSE_REQ_SUCCEEDED]	= "REQ_SUCCEEDED",
	[QLINK_A_PURPOSE_REQ_FAILED]	= "REQ_FAILED",
	[QLINK_A_PURPOSE_DELIVERED]	= "DELIVERED",
	[QLINK_A_PURPOSE_OUTSTANDING]	= "OUTSTANDING",
	[QLINK_A_PURPOSE_RESERVED]	= "RESERVED",
	[QLINK_A_PURPOSE_RECEIVERS]	= "RECEIVERS",
	[QLINK_A_PURPOSE_OWNER_UID]	= "OWNER_UID",
	[QLINK_A_PURPOSE_OWNER_GID]	= "OWNER_GID",
};

static void init_policies(void)
{
	int i;

	for (i = QLINK_A_PARAM_PAD + 1; i <= QLINK_A_PARAM_MAX; i++)
		if (param_type[i])
			param_policy[i].type =
				param_type[i] == QLINK_PARAM_TYPE_U64 ||
				param_type[i] == QLINK_PARAM_TYPE_S64 ?
				NLA_U64 : NLA_U32;
	for (i = QLINK_A_STATS_PAD + 1; i <= QLINK_A_STATS_MAX; i++) {
		if (!stats_type[i])
			stats_type[i] = QLINK_PARAM_TYPE_U64;
		stats_policy[i].type = stats_type[i] == QLINK_PARAM_TYPE_U32 ?
				       NLA_U32 : NLA_U64;
	}
}

/* Record an error: @err is a negative errno, @msg an extack message or NULL. */
static int set_err(struct qlink_handle *h, int err, const char *msg)
{
	h->err = err;
	if (msg && *msg)
		snprintf(h->msg, sizeof(h->msg), "%s", msg);
	else if (err)
		snprintf(h->msg, sizeof(h->msg), "%s", strerror(-err));
	else
		h->msg[0] = '\0';
	return err;
}

QLINK_API const char *qlink_errmsg(const struct qlink_handle *h)
{
	return h ? h->msg : "";
}

QLINK_API int qlink_errno(const struct qlink_handle *h)
{
	return h ? h->err : 0;
}

static struct nl_sock *open_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return NULL;
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	/* Ask for the kernel's error messages; harmless if unsupported. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	return sk;
}

QLINK_API int qlink_open(struct qlink_handle **hp)
{
	static int policies_ready;
	struct qlink_handle *h;

	if (!policies_ready) {
		init_policies();
		policies_ready = 1;
	}
	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sk = open_sock();
	if (!h->sk) {
		free(h);
		return -ENOTCONN;
	}
	h->family = genl_ctrl_resolve(h->sk, QLINK_GENL_NAME);
	if (h->family < 0) {
		nl_socket_free(h->sk);
		free(h);
		return -ENOENT;
	}
	*hp = h;
	return 0;
}

QLINK_API void qlink_close(struct qlink_handle *h)
{
	if (!h)
		return;
	if (h->ev)
		nl_socket_free(h->ev);
	nl_socket_free(h->sk);
	free(h);
}

/*
 * Request/response machinery.
 */
struct xact {
	struct qlink_handle *h;
	int (*parse)(struct nlattr **tb, int cmd, void *arg);
	void *arg;
	int done;
	int stop;	/* the parser asked to stop (dump callback) */
	int count;
};

static int xact_valid(struct nl_msg *msg, void *data)
{
	struct xact *x = data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[QLINK_A_MAX + 1];
	int ret;

	if (x->stop)
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, tb, QLINK_A_MAX, top_policy) < 0) {
		set_err(x->h, -EPROTO, "malformed message from the kernel");
		x->stop = 1;
		return NL_SKIP;
	}
	x->count++;
	if (!x->parse)
		return NL_OK;
	ret = x->parse(tb, gh->cmd, x->arg);
	if (ret)
		x->stop = 1;
	return NL_OK;
}

/*
 * Name of the request attribute at offset @offs of the echoed request
 * @req (as the kernel's NLMSGERR_ATTR_OFFS gives it), into @buf.
 */
static int attr_at(const struct nlmsghdr *req, uint32_t offs, char *buf,
		   size_t len)
{
	const struct nlattr *a, *c;
	int rem, crem;

	if (offs < NLMSG_HDRLEN + GENL_HDRLEN || offs >= req->nlmsg_len)
		return -1;
	nla_for_each_attr(a, (const struct nlattr *)((const char *)req +
			  NLMSG_HDRLEN + GENL_HDRLEN),
			  req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rem) {
		uint32_t at = (const char *)a - (const char *)req;
		int type = nla_type(a);

		if (offs < at || offs >= at + nla_len(a) + NLA_HDRLEN)
			continue;
		if (offs == at) {
			snprintf(buf, len, "%s", type == QLINK_A_IFINDEX ?
				 "QLINK_A_IFINDEX" : type == QLINK_A_IFNAME ?
				 "QLINK_A_IFNAME" : type == QLINK_A_PURPOSE ?
				 "QLINK_A_PURPOSE" : type == QLINK_A_LINK_PARAMS ?
				 "QLINK_A_LINK_PARAMS" : "attribute");
			return 0;
		}
		if (type != QLINK_A_PURPOSE && type != QLINK_A_LINK_PARAMS)
			return -1;
		nla_for_each_nested(c, a, crem) {
			int t = nla_type(c);
			const char *n = NULL;

			if ((uint32_t)((const char *)c - (const char *)req) != offs)
				continue;
			if (type == QLINK_A_PURPOSE && t <= QLINK_A_PURPOSE_MAX)
				n = purpose_names[t];
			if (type == QLINK_A_LINK_PARAMS && t <= QLINK_A_PARAM_MAX)
				n = param_names[t];
			if (!n)
				return -1;
			snprintf(buf, len, "QLINK_A_%s_", type == QLINK_A_PURPOSE ?
				 "PURPOSE" : "PARAM");
			for (size_t i = strlen(buf); *n && i < len - 1; n++, i++) {
				buf[i] = *n >= 'a' && *n <= 'z' ? *n - 'a' + 'A' : *n;
				buf[i + 1] = '\0';
			}
			return 0;
		}
	}
	return -1;
}

/*
 * The extack TLVs follow the (possibly capped) echoed request. A generic
 * message of the kernel's policy checks ("integer out of range") gets the
 * attribute's name and the range of the policy the kernel reported.
 */
static int xact_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	struct xact *x = data;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *msg = NULL;
	size_t off = sizeof(*e);
	char full[384], name[64];

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    nlh->nlmsg_len >= NLMSG_HDRLEN + off &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + off),
		       nlh->nlmsg_len - NLMSG_HDRLEN - off, ext_ack_policy)) {
		if (tb[NLMSGERR_ATTR_MSG])
			msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
		if (tb[NLMSGERR_ATTR_OFFS] && !(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    (!msg || !strstr(msg, "QLINK_A_")) &&
		    !attr_at(&e->msg, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]),
			     name, sizeof(name))) {
			int n = snprintf(full, sizeof(full), "%s: %s", name,
					 msg ? msg : strerror(-e->error));
			struct nlattr *p[NL_POLICY_TYPE_ATTR_MAX + 1];

			if (tb[NLMSGERR_ATTR_POLICY] &&
			    !nla_parse_nested(p, NL_POLICY_TYPE_ATTR_MAX,
					      tb[NLMSGERR_ATTR_POLICY], NULL) &&
			    p[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
			    p[NL_POLICY_TYPE_ATTR_MAX_VALUE_U] && n > 0 &&
			    (size_t)n < sizeof(full))
				snprintf(full + n, sizeof(full) - n,
					 ": allowed [%llu, %llu]",
					 (unsigned long long)nla_get_u64(
					 p[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]),
					 (unsigned long long)nla_get_u64(
					 p[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
			msg = full;
		}
	}
	set_err(x->h, e->error ? e->error : 0, msg);
	x->done = 1;
	return NL_STOP;
}

static int xact_done(struct nl_msg *msg, void *data)
{
	struct xact *x = data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *emsg = NULL;
	int err;

	x->done = 1;
	/*
	 * A dump that fails (no such device...) ends with NLMSG_DONE carrying
	 * the negative errno, then the extack TLVs.
	 */
	if (nlh->nlmsg_type != NLMSG_DONE ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return NL_STOP;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err >= 0)
		return NL_STOP;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)nlmsg_data(nlh) + sizeof(int)),
		       nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(int),
		       ext_ack_policy) &&
	    tb[NLMSGERR_ATTR_MSG])
		emsg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	set_err(x->h, err, emsg);
	return NL_STOP;
}

static struct nl_msg *new_msg(struct qlink_handle *h, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
				flags, cmd, QLINK_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Send @msg (consumed), then read replies until the ACK or the end of the
 * dump. Returns the number of replies or a negative errno.
 */
static int transact(struct qlink_handle *h, struct nl_msg *msg,
		    int (*parse)(struct nlattr **tb, int cmd, void *arg),
		    void *arg)
{
	struct xact x = { .h = h, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int err;

	set_err(h, 0, NULL);
	if (!msg)
		return set_err(h, -ENOMEM, NULL);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return set_err(h, -ENOMEM, NULL);
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, xact_valid, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, xact_done, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, xact_done, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, xact_error, &x);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		return set_err(h, -EIO, nl_geterror(err));
	}
	while (!x.done) {
		err = nl_recvmsgs(h->sk, cb);
		if (err < 0) {
			if (!h->err)
				set_err(h, -EIO, nl_geterror(err));
			break;
		}
	}
	nl_cb_put(cb);
	return h->err ? h->err : x.count;
}

/*
 * Parsing.
 */
static void copy_str(char *dst, size_t size, struct nlattr *a)
{
	nla_strlcpy(dst, a, size);
}

static int parse_params(struct nlattr *nest, struct qlink_param_set *ps)
{
	struct nlattr *tb[QLINK_A_PARAM_MAX + 1];
	int i;

	if (nla_parse_nested(tb, QLINK_A_PARAM_MAX, nest, param_policy) < 0)
		return -EPROTO;
	for (i = QLINK_A_PARAM_PAD + 1; i <= QLINK_A_PARAM_MAX; i++) {
		int64_t v;

		if (!tb[i] || !param_type[i])
			continue;
		switch (param_type[i]) {
		case QLINK_PARAM_TYPE_U32:
			v = nla_get_u32(tb[i]);
			break;
		case QLINK_PARAM_TYPE_S32:
			v = (int32_t)nla_get_u32(tb[i]);
			break;
		default:
			v = (int64_t)nla_get_u64(tb[i]);
			break;
		}
		qlink_params_put(ps, i, v);
	}
	return 0;
}

static int parse_link(struct nlattr **tb, struct qlink_link *l)
{
	memset(l, 0, sizeof(*l));
	if (tb[QLINK_A_IFINDEX])
		l->ifindex = nla_get_u32(tb[QLINK_A_IFINDEX]);
	if (tb[QLINK_A_IFNAME])
		copy_str(l->ifname, sizeof(l->ifname), tb[QLINK_A_IFNAME]);
	if (tb[QLINK_A_LINK_ID])
		l->id = nla_get_u32(tb[QLINK_A_LINK_ID]);
	if (tb[QLINK_A_LINK_KIND]) {
		copy_str(l->kind, sizeof(l->kind), tb[QLINK_A_LINK_KIND]);
		l->has |= QLINK_LINK_HAS_KIND;
	}
	if (tb[QLINK_A_LINK_UP] || tb[QLINK_A_LINK_CARRIER]) {
		l->has |= QLINK_LINK_HAS_STATE;
		if (tb[QLINK_A_LINK_UP])
			l->up = nla_get_u8(tb[QLINK_A_LINK_UP]);
		if (tb[QLINK_A_LINK_CARRIER])
			l->carrier = nla_get_u8(tb[QLINK_A_LINK_CARRIER]);
	}
	if (tb[QLINK_A_LINK_SIDE]) {
		l->has |= QLINK_LINK_HAS_SIDE;
		l->side = nla_get_u8(tb[QLINK_A_LINK_SIDE]);
	}
	if (tb[QLINK_A_LINK_PEER_IFINDEX]) {
		l->has |= QLINK_LINK_HAS_PEER;
		l->peer_ifindex = nla_get_u32(tb[QLINK_A_LINK_PEER_IFINDEX]);
	}
	if (tb[QLINK_A_LINK_PEER_NETNS_COOKIE]) {
		l->has |= QLINK_LINK_HAS_PEER_NETNS;
		l->peer_netns_cookie =
			nla_get_u64(tb[QLINK_A_LINK_PEER_NETNS_COOKIE]);
	}
	if (tb[QLINK_A_LINK_PAIR_ID]) {
		l->has |= QLINK_LINK_HAS_PAIR_ID;
		l->pair_link_id = nla_get_u32(tb[QLINK_A_LINK_PAIR_ID]);
	}
	if (tb[QLINK_A_LINK_TIME]) {
		l->has |= QLINK_LINK_HAS_TIME;
		l->link_time = nla_get_u64(tb[QLINK_A_LINK_TIME]);
	}
	if (tb[QLINK_A_LINK_CHANGE]) {
		l->has |= QLINK_LINK_HAS_CHANGE;
		l->change = nla_get_u32(tb[QLINK_A_LINK_CHANGE]);
	}
	if (tb[QLINK_A_LINK_CAPS]) {
		struct nlattr *c[QLINK_A_CAPS_MAX + 1];

		if (nla_parse_nested(c, QLINK_A_CAPS_MAX, tb[QLINK_A_LINK_CAPS],
				     caps_policy) < 0)
			return -EPROTO;
		l->has |= QLINK_LINK_HAS_CAPS;
		if (c[QLINK_A_CAPS_HERALD_MODELS])
			l->caps.herald_models =
				nla_get_u32(c[QLINK_A_CAPS_HERALD_MODELS]);
		if (c[QLINK_A_CAPS_MAX_RATE])
			l->caps.max_rate = nla_get_u64(c[QLINK_A_CAPS_MAX_RATE]);
		if (c[QLINK_A_CAPS_MEMORY_SLOTS])
			l->caps.memory_slots =
				nla_get_u32(c[QLINK_A_CAPS_MEMORY_SLOTS]);
		if (c[QLINK_A_CAPS_PARAMS])
			l->caps.params = nla_get_u64(c[QLINK_A_CAPS_PARAMS]);
	}
	if (tb[QLINK_A_LINK_PARAMS]) {
		if (parse_params(tb[QLINK_A_LINK_PARAMS], &l->params))
			return -EPROTO;
		l->has |= QLINK_LINK_HAS_PARAMS;
	}
	if (tb[QLINK_A_LINK_EXPECTED]) {
		struct nlattr *e[QLINK_A_EXP_MAX + 1];

		if (nla_parse_nested(e, QLINK_A_EXP_MAX,
				     tb[QLINK_A_LINK_EXPECTED], exp_policy) < 0)
			return -EPROTO;
		l->has |= QLINK_LINK_HAS_EXPECTED;
		if (e[QLINK_A_EXP_HERALD_RATE])
			l->expected.herald_rate =
				nla_get_u64(e[QLINK_A_EXP_HERALD_RATE]);
		if (e[QLINK_A_EXP_ACCIDENTAL_RATE])
			l->expected.accidental_rate =
				nla_get_u64(e[QLINK_A_EXP_ACCIDENTAL_RATE]);
		if (e[QLINK_A_EXP_LOSS_A])
			l->expected.loss_a = nla_get_u32(e[QLINK_A_EXP_LOSS_A]);
		if (e[QLINK_A_EXP_LOSS_B])
			l->expected.loss_b = nla_get_u32(e[QLINK_A_EXP_LOSS_B]);
		if (e[QLINK_A_EXP_FIDELITY]) {
			l->has |= QLINK_LINK_HAS_EXP_FIDELITY;
			l->expected.fidelity =
				nla_get_u32(e[QLINK_A_EXP_FIDELITY]);
			if (e[QLINK_A_EXP_QBER])
				l->expected.qber =
					nla_get_u32(e[QLINK_A_EXP_QBER]);
		}
	}
	return 0;
}

static int parse_stats(struct nlattr **tb, struct qlink_stats *st)
{
	struct nlattr *s[QLINK_A_STATS_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	if (tb[QLINK_A_IFINDEX])
		st->ifindex = nla_get_u32(tb[QLINK_A_IFINDEX]);
	if (tb[QLINK_A_IFNAME])
		copy_str(st->ifname, sizeof(st->ifname), tb[QLINK_A_IFNAME]);
	if (tb[QLINK_A_LINK_ID])
		st->id = nla_get_u32(tb[QLINK_A_LINK_ID]);
	if (!tb[QLINK_A_STATS])
		return 0;
	if (nla_parse_nested(s, QLINK_A_STATS_MAX, tb[QLINK_A_STATS],
			     stats_policy) < 0)
		return -EPROTO;
	for (i = QLINK_A_STATS_PAD + 1; i <= QLINK_A_STATS_MAX && i < QLINK_SLOTS;
	     i++) {
		if (!s[i])
			continue;
		st->present |= 1ull << i;
		st->value[i] = stats_type[i] == QLINK_PARAM_TYPE_U32 ?
			       nla_get_u32(s[i]) : nla_get_u64(s[i]);
	}
	return 0;
}

/*
 * Version.
 */
static int version_cb(struct nlattr **tb, int cmd, void *arg)
{
	struct qlink_version *v = arg;

	(void)cmd;
	if (tb[QLINK_A_VERSION_MAJOR])
		v->major = nla_get_u32(tb[QLINK_A_VERSION_MAJOR]);
	if (tb[QLINK_A_VERSION_MINOR])
		v->minor = nla_get_u32(tb[QLINK_A_VERSION_MINOR]);
	if (tb[QLINK_A_GENL_VERSION])
		v->genl_version = nla_get_u32(tb[QLINK_A_GENL_VERSION]);
	if (tb[QLINK_A_NETNS_COOKIE])
		v->netns_cookie = nla_get_u64(tb[QLINK_A_NETNS_COOKIE]);
	return 0;
}

QLINK_API int qlink_get_version(struct qlink_handle *h, struct qlink_version *v)
{
	int err;

	memset(v, 0, sizeof(*v));
	err = transact(h, new_msg(h, QLINK_CMD_GET_VERSION, 0), version_cb, v);
	return err < 0 ? err : 0;
}

/*
 * Parameter sets.
 */
QLINK_API void qlink_params_clear(struct qlink_param_set *ps)
{
	memset(ps, 0, sizeof(*ps));
}

QLINK_API int qlink_param_type(int attr)
{
	if (attr <= QLINK_A_PARAM_PAD || attr > QLINK_A_PARAM_MAX ||
	    attr >= QLINK_SLOTS || !param_type[attr])
		return -EINVAL;
	return param_type[attr];
}

QLINK_API const char *qlink_param_name(int attr)
{
	if (attr <= QLINK_A_PARAM_PAD || attr > QLINK_A_PARAM_MAX)
		return NULL;
	return param_names[attr];
}

QLINK_API int qlink_params_put(struct qlink_param_set *ps, int attr,
			       int64_t value)
{
	if (qlink_param_type(attr) < 0)
		return -EINVAL;
	ps->present |= 1ull << attr;
	ps->value[attr] = value;
	return 0;
}

QLINK_API bool qlink_params_has(const struct qlink_param_set *ps, int attr)
{
	return attr > 0 && attr < QLINK_SLOTS && (ps->present >> attr) & 1;
}

QLINK_API int64_t qlink_params_get(const struct qlink_param_set *ps, int attr)
{
	return qlink_params_has(ps, attr) ? ps->value[attr] : 0;
}

static int put_params(struct nl_msg *msg, const struct qlink_param_set *ps)
{
	struct nlattr *nest = nla_nest_start(msg, QLINK_A_LINK_PARAMS);
	int i, err = 0;

	if (!nest)
		return -ENOMEM;
	for (i = QLINK_A_PARAM_PAD + 1; i <= QLINK_A_PARAM_MAX && !err; i++) {
		if (!qlink_params_has(ps, i) || !param_type[i])
			continue;
		if (param_type[i] == QLINK_PARAM_TYPE_U64 ||
		    param_type[i] == QLINK_PARAM_TYPE_S64)
			err = nla_put_u64(msg, i, (uint64_t)ps->value[i]);
		else
			err = nla_put_u32(msg, i, (uint32_t)ps->value[i]);
	}
	nla_nest_end(msg, nest);
	return err ? -ENOMEM : 0;
}

/*
 * Links.
 */
static int name_ok(struct qlink_handle *h, const char *ifname)
{
	if (!ifname || !*ifname || strlen(ifname) >= 16)
		return set_err(h, -EINVAL, "invalid interface name");
	return 0;
}

static struct nl_msg *link_msg(struct qlink_handle *h, int cmd, int flags,
			       const char *ifname, uint32_t ifindex)
{
	struct nl_msg *msg = new_msg(h, cmd, flags);

	if (!msg)
		return NULL;
	if ((ifname && nla_put_string(msg, QLINK_A_IFNAME, ifname)) ||
	    (ifindex && nla_put_u32(msg, QLINK_A_IFINDEX, ifindex))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct link_arg {
	qlink_link_cb cb;
	void *arg;
	struct qlink_link *out;
	int bad;
};

static int link_parse_cb(struct nlattr **tb, int cmd, void *arg)
{
	struct link_arg *la = arg;
	struct qlink_link l;

	(void)cmd;
	if (parse_link(tb, &l)) {
		la->bad = 1;
		return 1;
	}
	if (la->out) {
		*la->out = l;
		return 0;
	}
	return la->cb ? la->cb(&l, la->arg) : 0;
}

static int link_get(struct qlink_handle *h, const char *ifname,
		    uint32_t ifindex, struct qlink_link *link)
{
	struct link_arg la = { .out = link };
	int err;

	memset(link, 0, sizeof(*link));
	err = transact(h, link_msg(h, QLINK_CMD_LINK_GET, 0, ifname, ifindex),
		       link_parse_cb, &la);
	if (err < 0)
		return err;
	if (la.bad)
		return set_err(h, -EPROTO, "malformed link description");
	if (err == 0)
		return set_err(h, -ENODEV, NULL);
	return 0;
}

QLINK_API int qlink_link_get(struct qlink_handle *h, const char *ifname,
			     struct qlink_link *link)
{
	if (name_ok(h, ifname))
		return h->err;
	return link_get(h, ifname, 0, link);
}

QLINK_API int qlink_link_get_by_index(struct qlink_handle *h, uint32_t ifindex,
				      struct qlink_link *link)
{
	if (!ifindex)
		return set_err(h, -EINVAL, "invalid ifindex 0");
	return link_get(h, NULL, ifindex, link);
}

QLINK_API int qlink_link_dump(struct qlink_handle *h, qlink_link_cb cb,
			      void *arg)
{
	struct link_arg la = { .cb = cb, .arg = arg };
	int err;

	err = transact(h, link_msg(h, QLINK_CMD_LINK_GET, NLM_F_DUMP, NULL, 0),
		       link_parse_cb, &la);
	if (err >= 0 && la.bad)
		return set_err(h, -EPROTO, "malformed link description");
	return err;
}

static int link_set(struct qlink_handle *h, const char *ifname,
		    uint32_t ifindex, const struct qlink_param_set *ps)
{
	struct nl_msg *msg = link_msg(h, QLINK_CMD_LINK_SET, 0, ifname, ifindex);
	int err;

	if (msg && put_params(msg, ps)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	err = transact(h, msg, NULL, NULL);
	return err < 0 ? err : 0;
}

QLINK_API int qlink_link_set(struct qlink_handle *h, const char *ifname,
			     const struct qlink_param_set *ps)
{
	if (name_ok(h, ifname))
		return h->err;
	return link_set(h, ifname, 0, ps);
}

QLINK_API int qlink_link_set_by_index(struct qlink_handle *h, uint32_t ifindex,
				      const struct qlink_param_set *ps)
{
	if (!ifindex)
		return set_err(h, -EINVAL, "invalid ifindex 0");
	return link_set(h, NULL, ifindex, ps);
}

/*
 * Statistics.
 */
QLINK_API const char *qlink_stats_name(int attr)
{
	if (attr <= QLINK_A_STATS_PAD || attr > QLINK_A_STATS_MAX)
		return NULL;
	return stats_names[attr];
}

QLINK_API int qlink_stats_type(int attr)
{
	if (attr <= QLINK_A_STATS_PAD || attr > QLINK_A_STATS_MAX ||
	    attr >= QLINK_SLOTS)
		return -EINVAL;
	return stats_type[attr] ? stats_type[attr] : QLINK_PARAM_TYPE_U64;
}

struct stats_arg {
	qlink_stats_cb cb;
	void *arg;
	struct qlink_stats *out;
	int bad;
};

static int stats_parse_cb(struct nlattr **tb, int cmd, void *arg)
{
	struct stats_arg *sa = arg;
	struct qlink_stats st;

	(void)cmd;
	if (parse_stats(tb, &st)) {
		sa->bad = 1;
		return 1;
	}
	if (sa->out) {
		*sa->out = st;
		return 0;
	}
	return sa->cb ? sa->cb(&st, sa->arg) : 0;
}

QLINK_API int qlink_stats_get(struct qlink_handle *h, const char *ifname,
			      struct qlink_stats *st)
{
	struct stats_arg sa = { .out = st };
	int err;

	memset(st, 0, sizeof(*st));
	if (name_ok(h, ifname))
		return h->err;
	err = transact(h, link_msg(h, QLINK_CMD_STATS_GET, 0, ifname, 0),
		       stats_parse_cb, &sa);
	if (err < 0)
		return err;
	if (sa.bad)
		return set_err(h, -EPROTO, "malformed statistics");
	return err ? 0 : set_err(h, -ENODEV, NULL);
}

QLINK_API int qlink_stats_dump(struct qlink_handle *h, qlink_stats_cb cb,
			       void *arg)
{
	struct stats_arg sa = { .cb = cb, .arg = arg };
	int err;

	err = transact(h, link_msg(h, QLINK_CMD_STATS_GET, NLM_F_DUMP, NULL, 0),
		       stats_parse_cb, &sa);
	if (err >= 0 && sa.bad)
		return set_err(h, -EPROTO, "malformed statistics");
	return err;
}

/*
 * Pairs.
 */
static int parse_pair(struct nlattr **tb, struct qlink_pair *p)
{
	struct nlattr *a[QLINK_A_PAIR_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (tb[QLINK_A_IFINDEX])
		p->ifindex = nla_get_u32(tb[QLINK_A_IFINDEX]);
	if (tb[QLINK_A_LINK_TIME])
		p->link_time = nla_get_u64(tb[QLINK_A_LINK_TIME]);
	if (!tb[QLINK_A_PAIR] ||
	    nla_parse_nested(a, QLINK_A_PAIR_MAX, tb[QLINK_A_PAIR],
			     pair_policy) < 0)
		return -EPROTO;
	if (a[QLINK_A_PAIR_SEQ])
		p->seq = nla_get_u64(a[QLINK_A_PAIR_SEQ]);
	if (a[QLINK_A_PAIR_LINK_ID])
		p->link_id = nla_get_u32(a[QLINK_A_PAIR_LINK_ID]);
	if (a[QLINK_A_PAIR_TRACE_ID])
		p->trace_id = nla_get_u64(a[QLINK_A_PAIR_TRACE_ID]);
	if (a[QLINK_A_PAIR_HERALD_TIME])
		p->herald_time = nla_get_u64(a[QLINK_A_PAIR_HERALD_TIME]);
	if (a[QLINK_A_PAIR_AGE])
		p->age = nla_get_u64(a[QLINK_A_PAIR_AGE]);
	if (a[QLINK_A_PAIR_FIDELITY_HERALD])
		p->fidelity_herald =
			nla_get_u32(a[QLINK_A_PAIR_FIDELITY_HERALD]);
	if (a[QLINK_A_PAIR_FIDELITY])
		p->fidelity = nla_get_u32(a[QLINK_A_PAIR_FIDELITY]);
	if (a[QLINK_A_PAIR_BELL_INDEX])
		p->bell_index = nla_get_u8(a[QLINK_A_PAIR_BELL_INDEX]);
	if (a[QLINK_A_PAIR_SLOT]) {
		p->has_slot = 1;
		p->slot = nla_get_u32(a[QLINK_A_PAIR_SLOT]);
	}
	if (a[QLINK_A_PAIR_STATE])
		p->state = nla_get_u32(a[QLINK_A_PAIR_STATE]);
	if (a[QLINK_A_PAIR_PURPOSE])
		p->purpose = nla_get_u32(a[QLINK_A_PAIR_PURPOSE]);
	return 0;
}

struct pair_arg {
	qlink_pair_cb cb;
	void *arg;
	int bad;
};

static int pair_parse_cb(struct nlattr **tb, int cmd, void *arg)
{
	struct pair_arg *pa = arg;
	struct qlink_pair p;

	(void)cmd;
	if (parse_pair(tb, &p)) {
		pa->bad = 1;
		return 1;
	}
	return pa->cb ? pa->cb(&p, pa->arg) : 0;
}

QLINK_API int qlink_pair_dump(struct qlink_handle *h, const char *ifname,
			      qlink_pair_cb cb, void *arg)
{
	struct pair_arg pa = { .cb = cb, .arg = arg };
	int err;

	if (name_ok(h, ifname))
		return h->err;
	err = transact(h, link_msg(h, QLINK_CMD_PAIR_GET, NLM_F_DUMP, ifname, 0),
		       pair_parse_cb, &pa);
	if (err >= 0 && pa.bad)
		return set_err(h, -EPROTO, "malformed pair record");
	return err;
}

QLINK_API const char *qlink_pair_state_name(uint32_t state)
{
	switch (state) {
	case QLINK_PAIR_READY:
		return "ready";
	case QLINK_PAIR_PROMISED:
		return "promised";
	}
	return NULL;
}

QLINK_API const char *qlink_bell_name(uint8_t bell_index)
{
	static const char *const names[] = { "phi+", "phi-", "psi+", "psi-" };

	return bell_index < 4 ? names[bell_index] : NULL;
}

/*
 * Events.
 */
QLINK_API int qlink_event_subscribe_group(struct qlink_handle *h,
					  const char *group)
{
	char msg[96];
	int grp, err;
	bool fresh = false;

	set_err(h, 0, NULL);
	if (!group)
		return set_err(h, -EINVAL, NULL);
	grp = genl_ctrl_resolve_grp(h->sk, QLINK_GENL_NAME, group);
	if (grp < 0) {
		snprintf(msg, sizeof(msg), "the qlink family has no \"%s\" group",
			 group);
		return set_err(h, -ENOENT, msg);
	}
	if (!h->ev) {
		h->ev = open_sock();
		if (!h->ev)
			return set_err(h, -ENOTCONN, NULL);
		nl_socket_disable_seq_check(h->ev);
		nl_socket_set_buffer_size(h->ev, 1 << 20, 0);
		fresh = true;
	}
	err = nl_socket_add_membership(h->ev, grp);
	if (err < 0) {
		if (fresh) {
			nl_socket_free(h->ev);
			h->ev = NULL;
		}
		return set_err(h, -EIO, nl_geterror(err));
	}
	return 0;
}

QLINK_API int qlink_event_subscribe(struct qlink_handle *h)
{
	return qlink_event_subscribe_group(h, QLINK_MCGRP_LINK_NAME);
}

/* A PAIR_NTF / PAIR_DROP_NTF: the pairs are repeated QLINK_A_PAIR nests. */
static int parse_pair_event(struct nlmsghdr *nlh, struct nlattr **tb,
			    struct qlink_pair_event *pe)
{
	struct nlattr *a;
	int rem;

	if (tb[QLINK_A_IFINDEX])
		pe->ifindex = nla_get_u32(tb[QLINK_A_IFINDEX]);
	if (tb[QLINK_A_LINK_ID])
		pe->link_id = nla_get_u32(tb[QLINK_A_LINK_ID]);
	if (tb[QLINK_A_LINK_TIME])
		pe->link_time = nla_get_u64(tb[QLINK_A_LINK_TIME]);
	if (tb[QLINK_A_SEQ_FIRST])
		pe->seq_first = nla_get_u64(tb[QLINK_A_SEQ_FIRST]);
	if (tb[QLINK_A_SEQ_LAST])
		pe->seq_last = nla_get_u64(tb[QLINK_A_SEQ_LAST]);
	if (tb[QLINK_A_PAIR_COUNT])
		pe->count = nla_get_u32(tb[QLINK_A_PAIR_COUNT]);
	if (tb[QLINK_A_DROP_REASON])
		pe->reason = nla_get_u32(tb[QLINK_A_DROP_REASON]);
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		struct nlattr *one[QLINK_A_MAX + 1] = { 0 };

		if (nla_type(a) != QLINK_A_PAIR ||
		    pe->n_pairs >= QLINK_EVENT_PAIRS_MAX)
			continue;
		one[QLINK_A_PAIR] = a;
		one[QLINK_A_IFINDEX] = tb[QLINK_A_IFINDEX];
		one[QLINK_A_LINK_TIME] = tb[QLINK_A_LINK_TIME];
		if (parse_pair(one, &pe->pairs[pe->n_pairs]))
			return -EPROTO;
		pe->n_pairs++;
	}
	return 0;
}

QLINK_API int qlink_event_fd(const struct qlink_handle *h)
{
	return h && h->ev ? nl_socket_get_fd(h->ev) : -1;
}

struct ev_arg {
	qlink_event_cb cb;
	void *arg;
	int count;
	int ret;
};

static int ev_valid(struct nl_msg *msg, void *data)
{
	struct ev_arg *ea = data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[QLINK_A_MAX + 1];
	struct qlink_event ev;

	if (ea->ret)
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, tb, QLINK_A_MAX, top_policy) < 0)
		return NL_SKIP;
	memset(&ev, 0, sizeof(ev));
	ev.cmd = gh->cmd;
	if (parse_link(tb, &ev.link))
		return NL_SKIP;
	if ((ev.cmd == QLINK_CMD_PAIR_NTF || ev.cmd == QLINK_CMD_PAIR_DROP_NTF) &&
	    parse_pair_event(nlh, tb, &ev.pair))
		return NL_SKIP;
	ea->count++;
	if (ea->cb)
		ea->ret = ea->cb(&ev, ea->arg);
	return NL_OK;
}

/* Events are not answers to requests: they carry sequence number 0. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int event_recv(struct qlink_handle *h, struct ev_arg *ea)
{
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return set_err(h, -ENOMEM, NULL);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ev_valid, ea);
	err = nl_recvmsgs(h->ev, cb);
	nl_cb_put(cb);
	if (err < 0) {
		if (err == -NLE_INTR)
			return set_err(h, -EINTR, NULL);
		if (err == -NLE_NOMEM)
			return set_err(h, -ENOBUFS,
				       "event socket overrun: events were lost");
		return set_err(h, -EIO, nl_geterror(err));
	}
	return 0;
}

QLINK_API int qlink_event_recv(struct qlink_handle *h, qlink_event_cb cb,
			       void *arg)
{
	struct ev_arg ea = { .cb = cb, .arg = arg };
	int err;

	set_err(h, 0, NULL);
	if (!h->ev)
		return set_err(h, -EINVAL, "not subscribed to events");
	err = event_recv(h, &ea);
	return err < 0 ? err : ea.count;
}

QLINK_API int qlink_event_loop(struct qlink_handle *h, qlink_event_cb cb,
			       void *arg, int timeout_ms)
{
	struct ev_arg ea = { .cb = cb, .arg = arg };
	struct pollfd pfd;
	int n, err;

	set_err(h, 0, NULL);
	if (!h->ev)
		return set_err(h, -EINVAL, "not subscribed to events");
	pfd.fd = nl_socket_get_fd(h->ev);
	pfd.events = POLLIN;
	while (!ea.ret) {
		n = poll(&pfd, 1, timeout_ms);
		if (n < 0)
			return set_err(h, -errno, NULL);
		if (n == 0)
			return 0;
		err = event_recv(h, &ea);
		if (err < 0)
			return err;
	}
	return ea.ret > 0 ? ea.ret : 1;
}

QLINK_API const char *qlink_event_name(int cmd)
{
	switch (cmd) {
	case QLINK_CMD_LINK_CREATE_NTF:
		return "create";
	case QLINK_CMD_LINK_DELETE_NTF:
		return "delete";
	case QLINK_CMD_LINK_CHANGE_NTF:
		return "change";
	case QLINK_CMD_PAIR_NTF:
		return "pairs";
	case QLINK_CMD_PAIR_DROP_NTF:
		return "drop";
	}
	return NULL;
}

QLINK_API const char *qlink_change_name(uint32_t change)
{
	switch (change) {
	case QLINK_CHANGE_UP:
		return "up";
	case QLINK_CHANGE_DOWN:
		return "down";
	case QLINK_CHANGE_PARAMS:
		return "params";
	case QLINK_CHANGE_CARRIER:
		return "carrier";
	case QLINK_CHANGE_NAME:
		return "name";
	}
	return NULL;
}

QLINK_API const char *qlink_herald_model_name(uint32_t model)
{
	switch (model) {
	case QLINK_HERALD_TIME_TAGS:
		return "time-tags";
	case QLINK_HERALD_EVENTS:
		return "events";
	}
	return NULL;
}

QLINK_API const char *qlink_drop_reason_name(uint32_t reason)
{
	switch (reason) {
	case QLINK_DROP_EXPIRED:
		return "expired";
	case QLINK_DROP_FULL:
		return "full";
	case QLINK_DROP_SLOTS:
		return "slots";
	case QLINK_DROP_LOW_FIDELITY:
		return "low-fidelity";
	case QLINK_DROP_FLUSH:
		return "flush";
	}
	return NULL;
}

/*
 * Purposes.
 */
#define PURPOSE_SETTABLE (QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_WEIGHT) |	\
			  QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RATE) |	\
			  QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_MAX_OUTSTANDING) | \
			  QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RESERVE) |	\
			  QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RESERVE_FIDELITY) | \
			  QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_OWNER_UID) | \
			  QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_OWNER_GID))

static int parse_purpose(struct nlattr **tb, struct qlink_purpose *p)
{
	struct nlattr *a[QLINK_A_PURPOSE_MAX + 1];
	int i;

	memset(p, 0, sizeof(*p));
	if (tb[QLINK_A_IFINDEX])
		p->ifindex = nla_get_u32(tb[QLINK_A_IFINDEX]);
	if (tb[QLINK_A_LINK_ID])
		p->link_id = nla_get_u32(tb[QLINK_A_LINK_ID]);
	if (!tb[QLINK_A_PURPOSE] ||
	    nla_parse_nested(a, QLINK_A_PURPOSE_MAX, tb[QLINK_A_PURPOSE],
			     purpose_policy) < 0 || !a[QLINK_A_PURPOSE_ID])
		return -EPROTO;
	for (i = QLINK_A_PURPOSE_PAD + 1; i <= QLINK_A_PURPOSE_MAX; i++) {
		uint64_t v;

		if (!a[i] || !purpose_policy[i].type)
			continue;
		p->present |= QLINK_PURPOSE_BIT(i);
		v = purpose_policy[i].type == NLA_U64 ? nla_get_u64(a[i]) :
						       nla_get_u32(a[i]);
		switch (i) {
		case QLINK_A_PURPOSE_ID:		p->id = v; break;
		case QLINK_A_PURPOSE_WEIGHT:		p->weight = v; break;
		case QLINK_A_PURPOSE_RATE:		p->rate = v; break;
		case QLINK_A_PURPOSE_MAX_OUTSTANDING:	p->max_outstanding = v; break;
		case QLINK_A_PURPOSE_RESERVE:		p->reserve = v; break;
		case QLINK_A_PURPOSE_RESERVE_FIDELITY:	p->reserve_fidelity = v; break;
		case QLINK_A_PURPOSE_REQUESTS:		p->requests = v; break;
		case QLINK_A_PURPOSE_REQ_SUCCEEDED:	p->req_succeeded = v; break;
		case QLINK_A_PURPOSE_REQ_FAILED:	p->req_failed = v; break;
		case QLINK_A_PURPOSE_DELIVERED:		p->delivered = v; break;
		case QLINK_A_PURPOSE_OUTSTANDING:	p->outstanding = v; break;
		case QLINK_A_PURPOSE_RESERVED:		p->reserved = v; break;
		case QLINK_A_PURPOSE_RECEIVERS:		p->receivers = v; break;
		case QLINK_A_PURPOSE_OWNER_UID:		p->owner_uid = v; break;
		case QLINK_A_PURPOSE_OWNER_GID:		p->owner_gid = v; break;
		}
	}
	return 0;
}

struct purpose_arg {
	qlink_purpose_cb cb;
	void *arg;
	struct qlink_purpose *out;
	int bad;
};

static int purpose_parse_cb(struct nlattr **tb, int cmd, void *arg)
{
	struct purpose_arg *pa = arg;
	struct qlink_purpose p;

	(void)cmd;
	if (parse_purpose(tb, &p)) {
		pa->bad = 1;
		return 1;
	}
	if (pa->out) {
		*pa->out = p;
		return 0;
	}
	return pa->cb ? pa->cb(&p, pa->arg) : 0;
}

/* A PURPOSE_GET/SET request with the nest; @mask selects the settings. */
static struct nl_msg *purpose_msg(struct qlink_handle *h, int cmd, int flags,
				  const char *ifname,
				  const struct qlink_purpose *p, uint64_t mask)
{
	struct nl_msg *msg = link_msg(h, cmd, flags, ifname, 0);
	struct nlattr *nest;
	int err = 0;

	if (!msg || !p)
		return msg;
	nest = nla_nest_start(msg, QLINK_A_PURPOSE);
	if (!nest) {
		nlmsg_free(msg);
		return NULL;
	}
	err |= nla_put_u32(msg, QLINK_A_PURPOSE_ID, p->id);
	if (mask & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_WEIGHT))
		err |= nla_put_u32(msg, QLINK_A_PURPOSE_WEIGHT, p->weight);
	if (mask & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RATE))
		err |= nla_put_u64(msg, QLINK_A_PURPOSE_RATE, p->rate);
	if (mask & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_MAX_OUTSTANDING))
		err |= nla_put_u32(msg, QLINK_A_PURPOSE_MAX_OUTSTANDING,
				   p->max_outstanding);
	if (mask & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RESERVE))
		err |= nla_put_u32(msg, QLINK_A_PURPOSE_RESERVE, p->reserve);
	if (mask & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RESERVE_FIDELITY))
		err |= nla_put_u32(msg, QLINK_A_PURPOSE_RESERVE_FIDELITY,
				   p->reserve_fidelity);
	if (mask & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_OWNER_UID))
		err |= nla_put_u32(msg, QLINK_A_PURPOSE_OWNER_UID, p->owner_uid);
	if (mask & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_OWNER_GID))
		err |= nla_put_u32(msg, QLINK_A_PURPOSE_OWNER_GID, p->owner_gid);
	nla_nest_end(msg, nest);
	if (err) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

QLINK_API int qlink_purpose_get(struct qlink_handle *h, const char *ifname,
				uint32_t id, struct qlink_purpose *p)
{
	struct purpose_arg pa = { .out = p };
	struct qlink_purpose q = { .id = id };
	int err;

	memset(p, 0, sizeof(*p));
	if (name_ok(h, ifname))
		return h->err;
	if (!id)
		return set_err(h, -EINVAL, "purpose id 0 is not valid");
	err = transact(h, purpose_msg(h, QLINK_CMD_PURPOSE_GET, 0, ifname, &q, 0),
		       purpose_parse_cb, &pa);
	if (err < 0)
		return err;
	if (pa.bad)
		return set_err(h, -EPROTO, "malformed purpose description");
	return err ? 0 : set_err(h, -ENOENT, NULL);
}

QLINK_API int qlink_purpose_dump(struct qlink_handle *h, const char *ifname,
				 qlink_purpose_cb cb, void *arg)
{
	struct purpose_arg pa = { .cb = cb, .arg = arg };
	int err;

	if (name_ok(h, ifname))
		return h->err;
	err = transact(h, purpose_msg(h, QLINK_CMD_PURPOSE_GET, NLM_F_DUMP,
				      ifname, NULL, 0),
		       purpose_parse_cb, &pa);
	if (err >= 0 && pa.bad)
		return set_err(h, -EPROTO, "malformed purpose description");
	return err;
}

QLINK_API int qlink_purpose_set(struct qlink_handle *h, const char *ifname,
				const struct qlink_purpose *p, uint64_t mask)
{
	int err;

	if (name_ok(h, ifname))
		return h->err;
	if (!p || !p->id)
		return set_err(h, -EINVAL, "purpose id 0 is not valid");
	if (mask & ~(uint64_t)PURPOSE_SETTABLE)
		return set_err(h, -EINVAL,
			       "only weight, rate, max-outstanding, reserve and reserve-fidelity can be set");
	err = transact(h, purpose_msg(h, QLINK_CMD_PURPOSE_SET, 0, ifname, p,
				      mask), NULL, NULL);
	return err < 0 ? err : 0;
}

/*
 * AF_QLINK sockets.
 */
QLINK_API int qlink_socket_family(void)
{
	char buf[32];
	ssize_t n;
	long v;
	int fd;

	fd = open("/sys/module/qlink/parameters/family", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return AF_QLINK;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return AF_QLINK;
	buf[n] = '\0';
	v = strtol(buf, NULL, 10);
	return v > 0 && v < AF_MAX + 64 ? (int)v : AF_QLINK;
}

QLINK_API int qlink_sock_open(const char *ifname, uint32_t purpose, int type)
{
	struct sockaddr_qlink sq = { 0 };
	unsigned int ifindex;
	int fd, err;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || !purpose)
		return -EINVAL;
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return errno == ENXIO || !errno ? -ENODEV : -errno;
	fd = socket(qlink_socket_family(), type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sq.sq_family = qlink_socket_family();
	sq.sq_ifindex = (int32_t)ifindex;
	sq.sq_purpose = purpose;
	if (bind(fd, (struct sockaddr *)&sq, sizeof(sq)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

QLINK_API int qlink_sock_set_receive(int fd, bool on)
{
	int v = on;

	if (setsockopt(fd, SOL_QLINK, QLINK_SO_RECEIVE, &v, sizeof(v)) < 0)
		return -errno;
	return 0;
}

QLINK_API int qlink_sock_request(int fd, const struct qlink_create *req)
{
	ssize_t n;

	if (!req)
		return -EINVAL;
	n = send(fd, req, sizeof(*req), MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(*req) ? 0 : -EIO;
}

QLINK_API int qlink_sock_recv(int fd, struct qlink_record *rec, int timeout_ms)
{
	int flags = 0;
	ssize_t n;

	if (!rec)
		return -EINVAL;
	if (timeout_ms >= 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0)
			return -errno;
		if (r == 0)
			return -EAGAIN;
		flags = MSG_DONTWAIT;
	}
	n = recv(fd, rec, sizeof(*rec), flags);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n < sizeof(*rec))
		return -EPROTO;
	return 0;
}

QLINK_API const char *qlink_err_name(uint8_t error)
{
	static const char *const names[] = {
		[QLINK_ERR_UNSUPP]	= "UNSUPP",
		[QLINK_ERR_NOTIME]	= "NOTIME",
		[QLINK_ERR_NORES]	= "NORES",
		[QLINK_ERR_TIMEOUT]	= "TIMEOUT",
		[QLINK_ERR_REJECTED]	= "REJECTED",
		[QLINK_ERR_EXPIRE]	= "EXPIRE",
		[QLINK_ERR_OTHER]	= "OTHER",
	};

	return error < sizeof(names) / sizeof(names[0]) ? names[error] : NULL;
}

QLINK_API const char *qlink_req_type_name(uint8_t type)
{
	switch (type) {
	case QLINK_REQ_KEEP:
		return "keep";
	case QLINK_REQ_MEASURE:
		return "measure";
	case QLINK_REQ_RSP:
		return "rsp";
	}
	return NULL;
}

QLINK_API const char *qlink_basis_name(uint8_t basis)
{
	switch (basis) {
	case QLINK_BASIS_Z:
		return "z";
	case QLINK_BASIS_X:
		return "x";
	case QLINK_BASIS_Y:
		return "y";
	case QLINK_BASIS_RANDOM:
		return "random";
	}
	return NULL;
}

QLINK_API const char *qlink_priority_name(uint8_t prio)
{
	switch (prio) {
	case QLINK_PRIO_INTERACTIVE:
		return "interactive";
	case QLINK_PRIO_NORMAL:
		return "normal";
	case QLINK_PRIO_BATCH:
		return "batch";
	}
	return NULL;
}
