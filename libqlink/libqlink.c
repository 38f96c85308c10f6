// SPDX-License-Identifier: LGPL-2.1
/*
 * libqlink: the qlink generic netlink family on libnl-3 (see qlink.h).
 *
 * Every message is parsed with genlmsg_parse()/nla_parse_nested() against
 * the policies below; the kernel's extended ACK is parsed with nla_parse()
 * against an NLMSGERR_ATTR_* policy.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The extack TLVs follow the (possibly capped) echoed request. */
static int xact_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	struct xact *x = data;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *msg = NULL;
	size_t off = sizeof(*e);

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    nlh->nlmsg_len >= NLMSG_HDRLEN + off &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + off),
		       nlh->nlmsg_len - NLMSG_HDRLEN - off, ext_ack_policy) &&
	    tb[NLMSGERR_ATTR_MSG])
		msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
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
QLINK_API int qlink_event_subscribe(struct qlink_handle *h)
{
	int grp, err;

	set_err(h, 0, NULL);
	if (h->ev)
		return 0;
	grp = genl_ctrl_resolve_grp(h->sk, QLINK_GENL_NAME,
				    QLINK_MCGRP_LINK_NAME);
	if (grp < 0)
		return set_err(h, -ENOENT, "the qlink family has no \"link\" group");
	h->ev = open_sock();
	if (!h->ev)
		return set_err(h, -ENOTCONN, NULL);
	nl_socket_disable_seq_check(h->ev);
	nl_socket_set_buffer_size(h->ev, 1 << 20, 0);
	err = nl_socket_add_membership(h->ev, grp);
	if (err < 0) {
		nl_socket_free(h->ev);
		h->ev = NULL;
		return set_err(h, -EIO, nl_geterror(err));
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
