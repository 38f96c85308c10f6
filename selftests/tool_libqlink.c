// SPDX-License-Identifier: GPL-2.0
/*
 * libqlink API: every public function against the running kernel, linked
 * with the shared library of the build tree (as an application would).
 * Links are created with `ip link add ... type qlinksim`.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "qlink.h"
#include "qlink_nl.h"

#define A "qlt_liba"
#define B "qlt_libb"

FIXTURE(lib) {
	struct qlink_handle *h;
};

FIXTURE_SETUP(lib)
{
	/* `peer name` needs the ip link plugin of the build tree. */
	setenv("IP_LIB_DIR", PLUGIN_DIR, 1);
	if (system("ip link del " A " 2>/dev/null")) {
		/* not there: fine */
	}
	ASSERT_EQ(0, system("ip link add " A " type qlinksim peer name " B));
	ASSERT_EQ(0, qlink_open(&self->h));
}

FIXTURE_TEARDOWN(lib)
{
	qlink_close(self->h);
	if (system("ip link del " A " 2>/dev/null")) {
		/* already gone */
	}
}

TEST_F(lib, version)
{
	struct qlink_version v;

	ASSERT_EQ(0, qlink_get_version(self->h, &v));
	EXPECT_EQ(QLINK_VERSION_MAJOR, v.major);
	EXPECT_EQ(QLINK_GENL_VERSION, v.genl_version);
	EXPECT_NE(0, v.netns_cookie);
	EXPECT_STREQ("", qlink_errmsg(self->h));
	EXPECT_EQ(0, qlink_errno(self->h));
}

TEST_F(lib, link_get)
{
	struct qlink_link l, b;

	ASSERT_EQ(0, qlink_link_get(self->h, A, &l));
	EXPECT_STREQ(A, l.ifname);
	EXPECT_EQ(if_nametoindex(A), l.ifindex);
	EXPECT_STREQ("qlinksim", l.kind);
	EXPECT_TRUE(l.has & QLINK_LINK_HAS_STATE);
	EXPECT_EQ(0, l.up);
	EXPECT_TRUE(l.has & QLINK_LINK_HAS_SIDE);
	EXPECT_EQ(0, l.side);
	EXPECT_TRUE(l.has & QLINK_LINK_HAS_PEER);
	EXPECT_EQ(if_nametoindex(B), l.peer_ifindex);
	EXPECT_TRUE(l.has & QLINK_LINK_HAS_CAPS);
	EXPECT_TRUE(l.caps.params & (1ull << QLINK_A_PARAM_FIDELITY));
	EXPECT_TRUE(l.caps.herald_models & (1u << QLINK_HERALD_TIME_TAGS));
	ASSERT_TRUE(l.has & QLINK_LINK_HAS_PARAMS);
	EXPECT_TRUE(qlink_params_has(&l.params, QLINK_A_PARAM_FIDELITY));
	EXPECT_EQ(970000, qlink_params_get(&l.params, QLINK_A_PARAM_FIDELITY));
	EXPECT_EQ(300000000, qlink_params_get(&l.params,
					      QLINK_A_PARAM_SOURCE_RATE));
	EXPECT_TRUE(l.has & QLINK_LINK_HAS_EXPECTED);
	EXPECT_TRUE(l.has & QLINK_LINK_HAS_EXP_FIDELITY);
	EXPECT_GT(l.expected.herald_rate, 0);
	EXPECT_EQ(200, l.expected.loss_a);	/* 1 km at 0.2 dB/km */

	ASSERT_EQ(0, qlink_link_get_by_index(self->h, l.peer_ifindex, &b));
	EXPECT_STREQ(B, b.ifname);
	EXPECT_EQ(1, b.side);
	EXPECT_EQ(l.ifindex, b.peer_ifindex);
}

TEST_F(lib, link_get_errors)
{
	struct qlink_link l;

	EXPECT_EQ(-ENODEV, qlink_link_get(self->h, "qlt_nosuch", &l));
	EXPECT_EQ(-ENODEV, qlink_errno(self->h));
	EXPECT_NE(NULL, strstr(qlink_errmsg(self->h), "no such device"));
	EXPECT_EQ(-EOPNOTSUPP, qlink_link_get(self->h, "lo", &l));
	EXPECT_NE(NULL, strstr(qlink_errmsg(self->h), "not a qlink"));
	EXPECT_EQ(-EINVAL, qlink_link_get(self->h, "", &l));
	EXPECT_EQ(-EINVAL, qlink_link_get_by_index(self->h, 0, &l));
	/* A success clears the error. */
	ASSERT_EQ(0, qlink_link_get(self->h, A, &l));
	EXPECT_STREQ("", qlink_errmsg(self->h));
}

TEST_F(lib, link_set)
{
	struct qlink_param_set ps;
	struct qlink_link l;

	qlink_params_clear(&ps);
	ASSERT_EQ(0, qlink_params_put(&ps, QLINK_A_PARAM_FIDELITY, 900000));
	ASSERT_EQ(0, qlink_params_put(&ps, QLINK_A_PARAM_FIBER_LEN_A, 5000));
	ASSERT_EQ(0, qlink_params_put(&ps, QLINK_A_PARAM_OFFSET, -1234567));
	ASSERT_EQ(0, qlink_params_put(&ps, QLINK_A_PARAM_OFFSET_DRIFT, -42));
	ASSERT_EQ(0, qlink_link_set(self->h, A, &ps));

	/* Both ends are one fiber. */
	ASSERT_EQ(0, qlink_link_get(self->h, B, &l));
	EXPECT_EQ(900000, qlink_params_get(&l.params, QLINK_A_PARAM_FIDELITY));
	EXPECT_EQ(5000, qlink_params_get(&l.params, QLINK_A_PARAM_FIBER_LEN_A));
	EXPECT_EQ(-1234567, qlink_params_get(&l.params, QLINK_A_PARAM_OFFSET));
	EXPECT_EQ(-42, qlink_params_get(&l.params, QLINK_A_PARAM_OFFSET_DRIFT));

	/* All or nothing, and the kernel's message names the parameter. */
	qlink_params_clear(&ps);
	qlink_params_put(&ps, QLINK_A_PARAM_FIBER_LEN_B, 7000);
	qlink_params_put(&ps, QLINK_A_PARAM_FIDELITY, 1500000);
	EXPECT_EQ(-EINVAL, qlink_link_set(self->h, A, &ps));
	EXPECT_NE(NULL, strstr(qlink_errmsg(self->h), "QLINK_A_PARAM_FIDELITY"));
	ASSERT_EQ(0, qlink_link_get(self->h, A, &l));
	EXPECT_EQ(1000, qlink_params_get(&l.params, QLINK_A_PARAM_FIBER_LEN_B));
	EXPECT_EQ(900000, qlink_params_get(&l.params, QLINK_A_PARAM_FIDELITY));

	ASSERT_EQ(0, qlink_link_set_by_index(self->h, l.ifindex, &(struct qlink_param_set){
		.present = 1ull << QLINK_A_PARAM_WINDOW,
		.value[QLINK_A_PARAM_WINDOW] = 2000 }));
	ASSERT_EQ(0, qlink_link_get(self->h, A, &l));
	EXPECT_EQ(2000, qlink_params_get(&l.params, QLINK_A_PARAM_WINDOW));
}

struct dump_ctx {
	int seen_a, seen_b, calls, stop_after;
};

static int dump_cb(const struct qlink_link *l, void *arg)
{
	struct dump_ctx *c = arg;

	c->calls++;
	if (!strcmp(l->ifname, A))
		c->seen_a++;
	if (!strcmp(l->ifname, B))
		c->seen_b++;
	return c->stop_after && c->calls >= c->stop_after;
}

TEST_F(lib, link_dump)
{
	struct dump_ctx c = { 0 };
	int n;

	n = qlink_link_dump(self->h, dump_cb, &c);
	EXPECT_GE(n, 2);
	EXPECT_EQ(n, c.calls);
	EXPECT_EQ(1, c.seen_a);
	EXPECT_EQ(1, c.seen_b);

	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	EXPECT_GE(qlink_link_dump(self->h, dump_cb, &c), 1);
	EXPECT_EQ(1, c.calls);
}

static int stats_cb(const struct qlink_stats *st, void *arg)
{
	int *n = arg;

	if (!strcmp(st->ifname, A) &&
	    (st->present & (1ull << QLINK_A_STATS_HERALDS)))
		(*n)++;
	return 0;
}

TEST_F(lib, stats)
{
	struct qlink_param_set ps;
	struct qlink_stats st;
	int n = 0;

	qlink_params_clear(&ps);
	qlink_params_put(&ps, QLINK_A_PARAM_JITTER, 77);
	ASSERT_EQ(0, qlink_link_set(self->h, A, &ps));
	ASSERT_EQ(0, qlink_stats_get(self->h, A, &st));
	EXPECT_STREQ(A, st.ifname);
	EXPECT_TRUE(st.present & (1ull << QLINK_A_STATS_PARAM_CHANGES));
	EXPECT_GE(st.value[QLINK_A_STATS_PARAM_CHANGES], 1);
	EXPECT_GE(qlink_stats_dump(self->h, stats_cb, &n), 2);
	EXPECT_EQ(1, n);
	EXPECT_EQ(-ENODEV, qlink_stats_get(self->h, "qlt_nosuch", &st));
	EXPECT_STREQ("heralds", qlink_stats_name(QLINK_A_STATS_HERALDS));
	EXPECT_EQ(NULL, qlink_stats_name(0));
}

struct ev_ctx {
	int want_cmd;
	uint32_t want_change;
	const char *name;
	int got;
};

static int ev_cb(const struct qlink_event *ev, void *arg)
{
	struct ev_ctx *c = arg;

	if (ev->cmd != c->want_cmd || strcmp(ev->link.ifname, c->name))
		return 0;
	if (c->want_change && ev->link.change != c->want_change)
		return 0;
	c->got++;
	return 1;
}

TEST_F(lib, events)
{
	struct ev_ctx c = { QLINK_CMD_LINK_CHANGE_NTF, QLINK_CHANGE_PARAMS, A, 0 };
	struct qlink_param_set ps;

	EXPECT_EQ(-1, qlink_event_fd(self->h));
	EXPECT_EQ(-EINVAL, qlink_event_recv(self->h, ev_cb, &c));
	ASSERT_EQ(0, qlink_event_subscribe(self->h));
	EXPECT_GE(qlink_event_fd(self->h), 0);
	/* Nothing yet: a short loop times out. */
	EXPECT_EQ(0, qlink_event_loop(self->h, ev_cb, &c, 100));

	qlink_params_clear(&ps);
	qlink_params_put(&ps, QLINK_A_PARAM_SEED, 12345);
	/* Requests on the same handle while subscribed. */
	ASSERT_EQ(0, qlink_link_set(self->h, A, &ps));
	EXPECT_EQ(1, qlink_event_loop(self->h, ev_cb, &c, 5000));
	EXPECT_EQ(1, c.got);

	c = (struct ev_ctx){ QLINK_CMD_LINK_CHANGE_NTF, QLINK_CHANGE_UP, A, 0 };
	ASSERT_EQ(0, system("ip link set " A " up"));
	EXPECT_EQ(1, qlink_event_loop(self->h, ev_cb, &c, 5000));

	c = (struct ev_ctx){ QLINK_CMD_LINK_DELETE_NTF, 0, B, 0 };
	ASSERT_EQ(0, system("ip link del " A));
	EXPECT_EQ(1, qlink_event_loop(self->h, ev_cb, &c, 5000));

	c = (struct ev_ctx){ QLINK_CMD_LINK_CREATE_NTF, 0, A, 0 };
	ASSERT_EQ(0, system("ip link add " A " type qlinksim peer name " B));
	EXPECT_EQ(1, qlink_event_loop(self->h, ev_cb, &c, 5000));
}

static int pair_cb(const struct qlink_pair *p, void *arg)
{
	int *n = arg;

	if (p->fidelity < 250000 || p->fidelity > 1000000 ||
	    p->bell_index > 3 || !qlink_pair_state_name(p->state))
		return 1;	/* stops: the count then shows it */
	(*n)++;
	return 0;
}

TEST_F(lib, pairs)
{
	int n = 0, got;

	EXPECT_EQ(-ENODEV, qlink_pair_dump(self->h, "qlt_nosuch", pair_cb, &n));
	EXPECT_NE(0, strlen(qlink_errmsg(self->h)));
	TH_LOG("pair dump of a missing link: %s", qlink_errmsg(self->h));
	ASSERT_EQ(0, system("ip link set " A " up && ip link set " B " up"));
	usleep(500000);
	got = qlink_pair_dump(self->h, A, pair_cb, &n);
	ASSERT_GE(got, 0) TH_LOG("%s", qlink_errmsg(self->h));
	EXPECT_EQ(got, n);
	TH_LOG("%d pairs", n);
}

struct pev_ctx {
	uint32_t ifindex;
	int pairs, drops, bad;
};

static int pev_cb(const struct qlink_event *ev, void *arg)
{
	const struct qlink_pair_event *pe = &ev->pair;
	struct pev_ctx *c = arg;
	uint32_t i;

	if (ev->cmd != QLINK_CMD_PAIR_NTF && ev->cmd != QLINK_CMD_PAIR_DROP_NTF)
		return 0;	/* link events of the fixture */
	if (pe->ifindex != c->ifindex)
		return 0;
	if (pe->seq_last < pe->seq_first || !pe->count ||
	    pe->n_pairs > QLINK_EVENT_PAIRS_MAX)
		c->bad++;
	if (ev->cmd == QLINK_CMD_PAIR_DROP_NTF) {
		if (!qlink_drop_reason_name(pe->reason))
			c->bad++;
		c->drops++;
		return 0;
	}
	if (!pe->n_pairs || pe->n_pairs > pe->count)
		c->bad++;
	for (i = 0; i < pe->n_pairs; i++)
		if (pe->pairs[i].seq < pe->seq_first ||
		    pe->pairs[i].seq > pe->seq_last ||
		    pe->pairs[i].fidelity < 250000 ||
		    pe->pairs[i].fidelity > 1000000)
			c->bad++;
	c->pairs++;
	return c->pairs >= 3;
}

TEST_F(lib, pair_events)
{
	struct pev_ctx c = { .ifindex = if_nametoindex(A) };

	EXPECT_EQ(-ENOENT, qlink_event_subscribe_group(self->h, "nosuch"));
	EXPECT_EQ(-1, qlink_event_fd(self->h));
	ASSERT_EQ(0, qlink_event_subscribe_group(self->h, QLINK_MCGRP_PAIRS_NAME));
	ASSERT_EQ(0, qlink_event_subscribe_group(self->h, QLINK_MCGRP_LINK_NAME));
	ASSERT_EQ(0, system("ip link set " A " up && ip link set " B " up"));
	/* A slow reader may overrun the socket: events lost, go on. */
	for (int i = 0; i < 3; i++) {
		int ret = qlink_event_loop(self->h, pev_cb, &c, 10000);

		if (ret == -ENOBUFS)
			continue;
		EXPECT_EQ(1, ret) TH_LOG("%s", qlink_errmsg(self->h));
		break;
	}
	EXPECT_EQ(3, c.pairs);
	EXPECT_EQ(0, c.bad);
	TH_LOG("%d pair events, %d drop events", c.pairs, c.drops);
}

/*
 * Purposes (the kernel's QLINK_CMD_PURPOSE_*).
 */
struct pdump_ctx {
	uint32_t id;
	int seen, calls;
	struct qlink_purpose p;
};

static int pdump_cb(const struct qlink_purpose *p, void *arg)
{
	struct pdump_ctx *c = arg;

	c->calls++;
	if (p->id == c->id) {
		c->seen++;
		c->p = *p;
	}
	return 0;
}

TEST_F(lib, purposes)
{
	struct qlink_purpose p = { .id = 7 }, q;
	struct pdump_ctx c = { .id = 7 };
	uint64_t all = QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_WEIGHT) |
		       QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RATE) |
		       QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_MAX_OUTSTANDING) |
		       QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RESERVE) |
		       QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RESERVE_FIDELITY);

	p.weight = 3;
	p.rate = 10000;			/* 10 pairs/s */
	p.max_outstanding = 4;
	p.reserve = 2;
	p.reserve_fidelity = 900000;
	ASSERT_EQ(0, qlink_purpose_set(self->h, A, &p, all))
		TH_LOG("%s", qlink_errmsg(self->h));

	/* Either end answers for both. */
	ASSERT_EQ(0, qlink_purpose_get(self->h, B, 7, &q))
		TH_LOG("%s", qlink_errmsg(self->h));
	EXPECT_EQ(7, q.id);
	EXPECT_EQ(if_nametoindex(B), q.ifindex);
	EXPECT_NE(0, q.link_id);
	EXPECT_EQ(3, q.weight);
	EXPECT_EQ(10000, q.rate);
	EXPECT_EQ(4, q.max_outstanding);
	EXPECT_EQ(2, q.reserve);
	EXPECT_EQ(900000, q.reserve_fidelity);
	EXPECT_TRUE(q.present & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_REQUESTS));
	EXPECT_TRUE(q.present & QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RECEIVERS));
	EXPECT_EQ(0, q.requests);
	EXPECT_EQ(0, q.receivers);

	/* Only what the mask names changes. */
	p.weight = 5;
	p.reserve = 999;
	ASSERT_EQ(0, qlink_purpose_set(self->h, A, &p,
				       QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_WEIGHT)));
	ASSERT_EQ(0, qlink_purpose_get(self->h, A, 7, &q));
	EXPECT_EQ(5, q.weight);
	EXPECT_EQ(2, q.reserve);

	EXPECT_GE(qlink_purpose_dump(self->h, A, pdump_cb, &c), 1);
	EXPECT_EQ(1, c.seen);
	EXPECT_EQ(5, c.p.weight);

	/*
	 * Out of range (the netlink policy's ERANGE): nothing changes and
	 * the message names the attribute.
	 */
	p.weight = 0;
	EXPECT_EQ(-ERANGE, qlink_purpose_set(self->h, A, &p,
					     QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_WEIGHT)));
	EXPECT_NE(NULL, strstr(qlink_errmsg(self->h), "QLINK_A_PURPOSE_WEIGHT"))
		TH_LOG("%s", qlink_errmsg(self->h));
	p.reserve = QLINK_RESERVE_MAX + 1;
	EXPECT_EQ(-ERANGE, qlink_purpose_set(self->h, A, &p,
					     QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_RESERVE)));
	EXPECT_NE(NULL, strstr(qlink_errmsg(self->h), "QLINK_A_PURPOSE_RESERVE"))
		TH_LOG("%s", qlink_errmsg(self->h));
	ASSERT_EQ(0, qlink_purpose_get(self->h, A, 7, &q));
	EXPECT_EQ(5, q.weight);
	EXPECT_EQ(2, q.reserve);

	/* Caught here: counters, id 0. */
	EXPECT_EQ(-EINVAL, qlink_purpose_set(self->h, A, &p,
					     QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_REQUESTS)));
	p.id = 0;
	EXPECT_EQ(-EINVAL, qlink_purpose_set(self->h, A, &p,
					     QLINK_PURPOSE_BIT(QLINK_A_PURPOSE_WEIGHT)));
	EXPECT_EQ(-EINVAL, qlink_purpose_get(self->h, A, 0, &q));

	/* Never configured nor used; no such link; not a qlink. */
	EXPECT_EQ(-ENOENT, qlink_purpose_get(self->h, A, 4242, &q));
	EXPECT_NE(0, strlen(qlink_errmsg(self->h)));
	EXPECT_EQ(-ENODEV, qlink_purpose_get(self->h, "qlt_nosuch", 7, &q));
	EXPECT_EQ(-EOPNOTSUPP, qlink_purpose_dump(self->h, "lo", pdump_cb, &c));
}

/*
 * AF_QLINK sockets, both ends in this netns.
 */
static void expect_record(struct __test_metadata *_metadata,
			  const struct qlink_record *r, uint8_t role,
			  uint32_t create_id, uint32_t index)
{
	EXPECT_EQ(QLINK_REC_OK, r->kind) TH_LOG("error %s errno %d",
		qlink_err_name(r->error) ?: "?", r->sys_errno);
	EXPECT_EQ(role, r->role);
	EXPECT_EQ(QLINK_REQ_MEASURE, r->type);
	EXPECT_EQ(create_id, r->create_id);
	EXPECT_EQ(9, r->purpose);
	EXPECT_EQ(index, r->index);
	EXPECT_EQ(r->seq, r->seq_last);
	EXPECT_GE(r->fidelity, 250000);
	EXPECT_LE(r->fidelity, 1000000);
	EXPECT_LE(r->bell_index, 3);
	EXPECT_LE(r->outcome, 1);
	EXPECT_EQ(QLINK_BASIS_Z, r->basis);
}

TEST_F(lib, sockets)
{
	struct qlink_create req = {
		.create_id = 77, .number = 2, .purpose = 9,
		.type = QLINK_REQ_MEASURE, .basis = QLINK_BASIS_Z,
		.priority = QLINK_PRIO_INTERACTIVE,
	};
	struct qlink_record ra[2], rb[2], r;
	struct qlink_purpose p;
	int a, b, a2, i;

	ASSERT_EQ(0, system("ip link set " A " up && ip link set " B " up"));
	EXPECT_EQ(-ENODEV, qlink_sock_open("qlt_nosuch", 9, SOCK_SEQPACKET));
	EXPECT_EQ(-EINVAL, qlink_sock_open(A, 0, SOCK_SEQPACKET));
	a = qlink_sock_open(A, 9, SOCK_SEQPACKET);
	ASSERT_GE(a, 0) TH_LOG("AF_QLINK (family %d): %s",
			       qlink_socket_family(), strerror(-a));
	b = qlink_sock_open(B, 9, SOCK_DGRAM);
	ASSERT_GE(b, 0) TH_LOG("%s", strerror(-b));
	/* One socket per (link end, purpose). */
	a2 = qlink_sock_open(A, 9, SOCK_SEQPACKET);
	EXPECT_EQ(-EADDRINUSE, a2);
	if (a2 >= 0)
		close(a2);
	ASSERT_EQ(0, qlink_sock_set_receive(b, true));
	ASSERT_EQ(0, qlink_purpose_get(self->h, A, 9, &p))
		TH_LOG("%s", qlink_errmsg(self->h));
	EXPECT_EQ(1, p.receivers);

	/* Nothing queued: a short wait times out. */
	EXPECT_EQ(-EAGAIN, qlink_sock_recv(a, &r, 50));

	ASSERT_EQ(0, qlink_sock_request(a, &req));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, qlink_sock_recv(a, &ra[i], 10000));
		ASSERT_EQ(0, qlink_sock_recv(b, &rb[i], 10000));
		expect_record(_metadata, &ra[i], QLINK_ROLE_CREATOR, 77, i);
		expect_record(_metadata, &rb[i], QLINK_ROLE_RECEIVER, 77, i);
		/* The same pair at both ends. */
		EXPECT_EQ(ra[i].seq, rb[i].seq);
		EXPECT_EQ(ra[i].pair_link_id, rb[i].pair_link_id);
		EXPECT_EQ(ra[i].trace_id, rb[i].trace_id);
		EXPECT_EQ(ra[i].bell_index, rb[i].bell_index);
	}
	EXPECT_FALSE(ra[0].flags & QLINK_REC_LAST);
	EXPECT_TRUE(ra[1].flags & QLINK_REC_LAST);
	EXPECT_TRUE(rb[1].flags & QLINK_REC_LAST);
	EXPECT_LT(ra[0].seq, ra[1].seq);
	EXPECT_EQ(-EAGAIN, qlink_sock_recv(a, &r, 50));

	ASSERT_EQ(0, qlink_purpose_get(self->h, B, 9, &p));
	EXPECT_EQ(1, p.requests);
	EXPECT_EQ(1, p.req_succeeded);
	EXPECT_EQ(2, p.delivered);

	/* Nobody receives purpose 10: REJECTED, the request's last record. */
	close(b);
	b = qlink_sock_open(A, 10, SOCK_SEQPACKET);
	ASSERT_GE(b, 0);
	req.purpose = 10;
	req.create_id = 78;
	ASSERT_EQ(0, qlink_sock_request(b, &req));
	ASSERT_EQ(0, qlink_sock_recv(b, &r, 10000));
	EXPECT_EQ(QLINK_REC_ERR, r.kind);
	EXPECT_EQ(QLINK_ERR_REJECTED, r.error);
	EXPECT_EQ(78, r.create_id);
	EXPECT_EQ(QLINK_ROLE_CREATOR, r.role);
	EXPECT_EQ(0, r.index);
	EXPECT_TRUE(r.flags & QLINK_REC_LAST);

	/* A malformed request is refused at send. */
	req.number = 0;
	EXPECT_EQ(-EINVAL, qlink_sock_request(b, &req));
	close(a);
	close(b);
}

TEST(socket_helpers)
{
	/* libqlink's answer against the selftests' own reading */
	EXPECT_EQ(qlink_af(), qlink_socket_family());
	EXPECT_STREQ("UNSUPP", qlink_err_name(QLINK_ERR_UNSUPP));
	EXPECT_STREQ("REJECTED", qlink_err_name(QLINK_ERR_REJECTED));
	EXPECT_STREQ("OTHER", qlink_err_name(QLINK_ERR_OTHER));
	EXPECT_EQ(NULL, qlink_err_name(0));
	EXPECT_EQ(NULL, qlink_err_name(200));
	EXPECT_STREQ("keep", qlink_req_type_name(QLINK_REQ_KEEP));
	EXPECT_STREQ("rsp", qlink_req_type_name(QLINK_REQ_RSP));
	EXPECT_EQ(NULL, qlink_req_type_name(0));
	EXPECT_STREQ("z", qlink_basis_name(QLINK_BASIS_Z));
	EXPECT_STREQ("random", qlink_basis_name(QLINK_BASIS_RANDOM));
	EXPECT_EQ(NULL, qlink_basis_name(4));
	EXPECT_STREQ("interactive", qlink_priority_name(QLINK_PRIO_INTERACTIVE));
	EXPECT_STREQ("batch", qlink_priority_name(QLINK_PRIO_BATCH));
	EXPECT_EQ(NULL, qlink_priority_name(3));
	EXPECT_STREQ("low-fidelity", qlink_drop_reason_name(QLINK_DROP_LOW_FIDELITY));
	EXPECT_EQ(NULL, qlink_drop_reason_name(0));
	EXPECT_STREQ("pairs", qlink_event_name(QLINK_CMD_PAIR_NTF));
	EXPECT_STREQ("drop", qlink_event_name(QLINK_CMD_PAIR_DROP_NTF));
	EXPECT_STREQ("req_succeeded", qlink_stats_name(QLINK_A_STATS_REQ_SUCCEEDED));
	EXPECT_EQ(-EINVAL, qlink_sock_request(-1, NULL));
	EXPECT_EQ(-EBADF, qlink_sock_set_receive(-1, true));
}

TEST(helpers)
{
	struct qlink_param_set ps;

	EXPECT_EQ(QLINK_PARAM_TYPE_U64, qlink_param_type(QLINK_A_PARAM_SOURCE_RATE));
	EXPECT_EQ(QLINK_PARAM_TYPE_S64, qlink_param_type(QLINK_A_PARAM_OFFSET));
	EXPECT_EQ(QLINK_PARAM_TYPE_S32, qlink_param_type(QLINK_A_PARAM_OFFSET_DRIFT));
	EXPECT_EQ(QLINK_PARAM_TYPE_U32, qlink_param_type(QLINK_A_PARAM_FIDELITY));
	EXPECT_EQ(-EINVAL, qlink_param_type(0));
	EXPECT_EQ(-EINVAL, qlink_param_type(QLINK_A_PARAM_PAD));
	EXPECT_STREQ("source_rate", qlink_param_name(QLINK_A_PARAM_SOURCE_RATE));
	EXPECT_STREQ("offset_drift", qlink_param_name(QLINK_A_PARAM_OFFSET_DRIFT));
	EXPECT_EQ(NULL, qlink_param_name(QLINK_SLOTS));
	qlink_params_clear(&ps);
	EXPECT_EQ(-EINVAL, qlink_params_put(&ps, 0, 1));
	EXPECT_EQ(-EINVAL, qlink_params_put(&ps, QLINK_SLOTS + 3, 1));
	EXPECT_EQ(0, ps.present);
	EXPECT_FALSE(qlink_params_has(&ps, QLINK_A_PARAM_SEED));
	EXPECT_EQ(0, qlink_params_get(&ps, QLINK_A_PARAM_SEED));
	EXPECT_STREQ("change", qlink_event_name(QLINK_CMD_LINK_CHANGE_NTF));
	EXPECT_STREQ("params", qlink_change_name(QLINK_CHANGE_PARAMS));
	EXPECT_STREQ("events", qlink_herald_model_name(QLINK_HERALD_EVENTS));
	EXPECT_STREQ("psi-", qlink_bell_name(3));
	EXPECT_EQ(NULL, qlink_bell_name(4));
	EXPECT_STREQ("ready", qlink_pair_state_name(QLINK_PAIR_READY));
	EXPECT_EQ(QLINK_PARAM_TYPE_S64, qlink_stats_type(QLINK_A_STATS_OFFSET_EST));
	EXPECT_EQ(QLINK_PARAM_TYPE_U64, qlink_stats_type(QLINK_A_STATS_HERALDS));
	EXPECT_EQ(NULL, qlink_event_name(0));
	qlink_close(NULL);
	EXPECT_STREQ("", qlink_errmsg(NULL));
}

TEST_HARNESS_MAIN
