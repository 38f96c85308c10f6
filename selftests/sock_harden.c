// SPDX-License-Identifier: GPL-2.0
/*
 * What an unprivileged local user must not be able to do with qlink
 * (issue 12): unbounded values in requests and purposes, requests that
 * starve others, purposes of other users, other users' pairs, changes
 * that reach a link end in a netns the caller has no rights over, and
 * dumps that lose entries. Every test here failed before its fix.
 *
 * The link is a herald-event qlinksim link of exactly 1000 pairs/s of
 * fidelity 0.9 between netns A (the test's) and B.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"

#define NOBODY		65534
#define NFD		200
/* QLINK_PURPOSES_USER_MAX of kernel/core/sched.h */
#define USER_PURPOSES	64

FIXTURE(hd)
{
	struct qlink_ns_link l;
	int fd[NFD];
	int nfd;
};

FIXTURE_SETUP(hd)
{
	struct qlink_pv pv[9];
	int n = qlink_ev_params(pv, 1000, 900000);

	self->nfd = 0;
	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "qa", "qb", pv, n));
}

FIXTURE_TEARDOWN(hd)
{
	while (self->nfd > 0)
		close(self->fd[--self->nfd]);
	qlink_ns_link_teardown(&self->l);
}

static int sock_at(FIXTURE_DATA(hd) *self, int at_b)
{
	int fd = qlink_sock_in(at_b ? self->l.ns_b : -1, SOCK_SEQPACKET);

	if (fd >= 0 && self->nfd < NFD)
		self->fd[self->nfd++] = fd;
	return fd;
}

/* Creator at end A, receiver (RECEIVE on) at end B, for PURPOSE. */
static int socks(FIXTURE_DATA(hd) *self, uint32_t purpose, int *cs, int *rs)
{
	*cs = sock_at(self, 0);
	*rs = sock_at(self, 1);
	if (*cs < 0 || *rs < 0)
		return -1;
	if (qlink_sock_bind(*cs, self->l.a.ifindex, purpose) ||
	    qlink_sock_bind(*rs, self->l.b.ifindex, purpose) ||
	    qlink_sock_receive(*rs, 1))
		return -1;
	return 0;
}

static int purpose_set1(FIXTURE_DATA(hd) *self, uint32_t id, int attr,
			int64_t val)
{
	struct qlink_pv pv = { attr, val };

	return qlink_nl_purpose_set(&self->l.gn, "qa", id, &pv, 1);
}

/* Run FN(ARG) in a child as UID/GID; its exit status, or -1. */
static int as_user(uid_t uid, gid_t gid, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid))
			_exit(100);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * bind() errno (0 on success) as a child's exit status. The socket is
 * made by root in the netns (joining one needs privileges), and bound by
 * the unprivileged child: bind checks the binding task's credentials.
 */
struct bind_try {
	int nsfd;		/* -1: the caller's netns */
	int ifindex;
	uint32_t purpose;
	int fd;
};

static int try_bind(void *arg)
{
	struct bind_try *b = arg;

	return -qlink_sock_bind(b->fd, b->ifindex, b->purpose);
}

/* try_bind() as UID/GID with a fresh socket in B's netns. */
static int bind_as(uid_t uid, gid_t gid, struct bind_try *b)
{
	int ret;

	b->fd = qlink_sock_in(b->nsfd, SOCK_SEQPACKET);
	if (b->fd < 0)
		return 101;
	ret = as_user(uid, gid, try_bind, b);
	close(b->fd);
	return ret;
}

/*
 * Defect 1: a deadline is at most QLINK_MAX_TIME_MAX (one day) away; a
 * larger max_time (one that would wrap or turn into a negative ktime) is
 * refused, and one at the bound neither fires early nor wraps.
 */
TEST_F_TIMEOUT(hd, max_time_bounded, 60)
{
	const uint64_t bad[] = {
		QLINK_MAX_TIME_MAX + 1, 1ULL << 63, (1ULL << 63) - 1,
		UINT64_MAX,
	};
	struct qlink_record r[8];
	struct qlink_create c;
	int cs, rs, i;

	ASSERT_EQ(0, socks(self, 1100, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	for (i = 0; i < 4; i++) {
		qlink_create_init(&c, i, 5, QLINK_REQ_KEEP);
		c.max_time = bad[i];
		EXPECT_EQ(-EINVAL, qlink_sock_create(cs, &c))
			TH_LOG("max_time %llu", (unsigned long long)bad[i]);
	}
	EXPECT_EQ(0, qlink_sock_outstanding(cs));
	/* at the bound: waits, served, no TIMEOUT */
	qlink_create_init(&c, 9, 5, QLINK_REQ_KEEP);
	c.max_time = QLINK_MAX_TIME_MAX;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	ASSERT_EQ(5, qlink_sock_read_last(cs, r, 8, NULL));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(QLINK_REC_OK, r[i].kind);
}

/*
 * Defect 2: QLINK_A_PURPOSE_RATE is bounded by the policy (a quotient of
 * the token refill beyond 64 bits faulted with the scheduler's lock
 * held); the largest rate works.
 */
TEST_F_TIMEOUT(hd, purpose_rate_bounded, 60)
{
	struct qlink_record r[32];
	struct qlink_create c;
	int cs, rs, i;

	EXPECT_EQ(-ERANGE, purpose_set1(self, 1200, QLINK_A_PURPOSE_RATE,
					(int64_t)(QLINK_PURPOSE_RATE_MAX + 1)));
	EXPECT_NE(NULL, strstr(self->l.gn.extack, "range"))
		TH_LOG("extack: %s", self->l.gn.extack);
	EXPECT_EQ(-ERANGE, purpose_set1(self, 1200, QLINK_A_PURPOSE_RATE, -1));
	ASSERT_EQ(0, purpose_set1(self, 1200, QLINK_A_PURPOSE_RATE,
				  (int64_t)QLINK_PURPOSE_RATE_MAX));
	ASSERT_EQ(0, socks(self, 1200, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	usleep(50000);
	qlink_create_init(&c, 1, 20, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	ASSERT_EQ(20, qlink_sock_read_last(cs, r, 32, NULL));
	for (i = 0; i < 20; i++)
		EXPECT_EQ(QLINK_REC_OK, r[i].kind);
}

/*
 * Defect 3: an atomic request larger than any link can hold is refused
 * (UNSUPP) without allocating anything sized by it: 10^6 pairs asked for
 * a 64 MB allocation and warned in the page allocator.
 */
TEST_F_TIMEOUT(hd, atomic_number_bounded, 60)
{
	const uint32_t numbers[] = { 1000000, 65536, 32768, 65 };
	struct qlink_record r;
	struct qlink_create c;
	int cs, rs, i;

	ASSERT_EQ(0, socks(self, 1300, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	for (i = 0; i < 4; i++) {
		qlink_create_init(&c, i, numbers[i], QLINK_REQ_KEEP);
		c.flags = QLINK_CREATE_ATOMIC;
		ASSERT_EQ(0, qlink_sock_create(cs, &c));
		ASSERT_EQ(1, qlink_sock_rec(cs, &r, 0));
		EXPECT_EQ(QLINK_REC_ERR, r.kind);
		EXPECT_EQ(QLINK_ERR_UNSUPP, r.error);
	}
	EXPECT_EQ(0, qlink_sock_outstanding(cs));
}

/*
 * Defect 4a: a consecutive request whose reader never reads ends (ERR
 * OTHER, ENOBUFS) instead of holding the link: another purpose's request
 * is served. And no consecutive request is longer than
 * QLINK_CONSECUTIVE_MAX.
 */
TEST_F_TIMEOUT(hd, consecutive_stalled_reader, 60)
{
	struct qlink_record r[64];
	struct qlink_create c;
	int c1, x1, c2, x2, i, n, got_ok = 0, got_err = 0;

	ASSERT_EQ(0, socks(self, 1400, &c1, &x1));
	ASSERT_EQ(0, socks(self, 1401, &c2, &x2));
	ASSERT_EQ(0, qlink_sock_rcvbuf(c1, 1));	/* the minimum: a few */
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));

	qlink_create_init(&c, 1, QLINK_CONSECUTIVE_MAX + 1, QLINK_REQ_KEEP);
	c.flags = QLINK_CREATE_CONSECUTIVE;
	ASSERT_EQ(0, qlink_sock_create(c1, &c));
	ASSERT_EQ(1, qlink_sock_rec(c1, &r[0], 0));
	EXPECT_EQ(QLINK_ERR_UNSUPP, r[0].error);

	qlink_create_init(&c, 2, 1000, QLINK_REQ_KEEP);
	c.flags = QLINK_CREATE_CONSECUTIVE;
	ASSERT_EQ(0, qlink_sock_create(c1, &c));
	usleep(100000);		/* started, and its reader is full */
	qlink_create_init(&c, 3, 50, QLINK_REQ_KEEP);
	c.max_time = 5000000000ULL;
	ASSERT_EQ(0, qlink_sock_create(c2, &c));
	ASSERT_EQ(50, qlink_sock_read_last(c2, r, 64, NULL));
	for (i = 0; i < 50; i++) {
		EXPECT_EQ(QLINK_REC_OK, r[i].kind) TH_LOG("record %d: err %d",
							  i, r[i].error);
	}
	/* the stalled one ended; its lost ERR is reported as ENOBUFS */
	EXPECT_EQ(0, qlink_sock_outstanding(c1));
	for (i = 0; i < 64; i++) {
		n = qlink_sock_rec(c1, &r[0], MSG_DONTWAIT);
		if (n == -ENOBUFS) {
			got_err++;
			continue;
		}
		if (n != 1)
			break;
		if (r[0].kind == QLINK_REC_OK) {
			got_ok++;
		} else {
			EXPECT_EQ(QLINK_ERR_OTHER, r[0].error);
			EXPECT_EQ(ENOBUFS, r[0].sys_errno);
			got_err++;
		}
	}
	EXPECT_GT(got_ok, 0);
	EXPECT_GT(got_err, 0);
	TH_LOG("stalled consecutive request: %d pairs, then it ended", got_ok);
}

/*
 * Defect 4b: consecutive requests keep their purpose's rate quota: one
 * the bucket can never cover is refused (NORES), and one starts only
 * when the bucket covers it.
 */
TEST_F_TIMEOUT(hd, consecutive_quota, 60)
{
	struct qlink_record r1[64], r2[64];
	struct qlink_create c;
	int64_t t1, t2;
	int cs, rs;

	/* 100 pairs/s: a bucket of 100 pairs */
	ASSERT_EQ(0, purpose_set1(self, 1500, QLINK_A_PURPOSE_RATE, 100000));
	ASSERT_EQ(0, socks(self, 1500, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));

	qlink_create_init(&c, 1, 150, QLINK_REQ_KEEP);
	c.flags = QLINK_CREATE_CONSECUTIVE;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	ASSERT_EQ(1, qlink_sock_rec(cs, &r1[0], 0));
	EXPECT_EQ(QLINK_REC_ERR, r1[0].kind);
	EXPECT_EQ(QLINK_ERR_NORES, r1[0].error);

	qlink_create_init(&c, 2, 60, QLINK_REQ_KEEP);
	c.flags = QLINK_CREATE_CONSECUTIVE;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	c.create_id = 3;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	ASSERT_EQ(60, qlink_sock_read_last(cs, r1, 64, NULL));
	t1 = qlink_now_ms();
	ASSERT_EQ(1, qlink_sock_rec(cs, r2, 0));
	t2 = qlink_now_ms();
	ASSERT_EQ(59, qlink_sock_read_last(cs, r2 + 1, 63, NULL));
	EXPECT_EQ(QLINK_REC_OK, r2[0].kind);
	/*
	 * The buffer had pairs waiting, so the first got its 60 at once,
	 * leaving 40 tokens: the second waited for 20 more, 200 ms at 100
	 * pairs/s. Without the quota it would follow at once.
	 */
	TH_LOG("second consecutive request began %lld ms after the first ended",
	       (long long)(t2 - t1));
	EXPECT_GT(t2 - t1, 120);
}

/*
 * Defect 4c: a minimum fidelity no used pair can have (equal to a fresh
 * pair's on a link whose pairs decay) is refused at once; one that is
 * merely hard to meet discards pairs only within its share, so another
 * purpose's request is served meanwhile.
 */
TEST_F_TIMEOUT(hd, min_fidelity_share, 60)
{
	const struct qlink_pv coh = { PV_SIM(COHERENCE), 100000000 };
	struct qlink_record r[256];
	struct qlink_create c;
	int c1, x1, c2, x2, i, n;

	ASSERT_EQ(0, qlink_nl_set(&self->l.gn, "qa", &coh, 1));
	ASSERT_EQ(0, socks(self, 1600, &c1, &x1));
	ASSERT_EQ(0, socks(self, 1601, &c2, &x2));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));

	qlink_create_init(&c, 1, 10, QLINK_REQ_KEEP);
	c.min_fidelity = 900000;
	ASSERT_EQ(0, qlink_sock_create(c1, &c));
	ASSERT_EQ(1, qlink_sock_rec(c1, &r[0], 0));
	EXPECT_EQ(QLINK_ERR_UNSUPP, r[0].error);

	/* reachable in principle (1 ns after the herald), never in practice */
	c.create_id = 2;
	c.min_fidelity = 899999;
	ASSERT_EQ(0, qlink_sock_create(c1, &c));
	qlink_create_init(&c, 3, 200, QLINK_REQ_KEEP);
	c.max_time = 5000000000ULL;
	ASSERT_EQ(0, qlink_sock_create(c2, &c));
	n = qlink_sock_read_last(c2, r, 256, NULL);
	ASSERT_EQ(200, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(QLINK_REC_OK, r[i].kind);
	EXPECT_EQ(1, qlink_sock_outstanding(c1));
}

/*
 * Defect 5: who may bind to a purpose. Purposes below QLINK_PURPOSE_PROT
 * are privileged; an owner set with PURPOSE_SET decides for its purpose
 * at both ends; the address's padding must be zero.
 */
TEST_F_TIMEOUT(hd, purpose_access, 60)
{
	struct qlink_purpose_v p;
	struct sockaddr_qlink sq = {
		.sq_family = qlink_af(), .sq_pad = 1,
		.sq_ifindex = self->l.a.ifindex, .sq_purpose = 3000,
	};
	struct bind_try at_a = { -1, self->l.a.ifindex, 30, -1 };
	struct bind_try at_b = { self->l.ns_b, self->l.b.ifindex, 4000, -1 };
	int fd = sock_at(self, 0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, bind(fd, (struct sockaddr *)&sq, sizeof(sq)));
	EXPECT_EQ(EINVAL, errno);

	/* privileged purpose: not for nobody, but root may */
	EXPECT_EQ(EACCES, bind_as(NOBODY, NOBODY, &at_a));
	at_a.purpose = 3000;
	EXPECT_EQ(0, bind_as(NOBODY, NOBODY, &at_a));
	EXPECT_EQ(0, qlink_sock_bind(fd, self->l.a.ifindex, 30));

	/* owned by uid 1000: others may not bind at either end */
	ASSERT_EQ(0, purpose_set1(self, 4000, QLINK_A_PURPOSE_OWNER_UID, 1000));
	ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn, "qa", 4000, &p));
	EXPECT_EQ(1000, p.v[QLINK_A_PURPOSE_OWNER_UID]);
	at_a.purpose = 4000;
	EXPECT_EQ(EACCES, bind_as(NOBODY, NOBODY, &at_a));
	EXPECT_EQ(EACCES, bind_as(NOBODY, NOBODY, &at_b));
	EXPECT_EQ(0, bind_as(1000, 1000, &at_a));
	EXPECT_EQ(0, bind_as(1000, 1000, &at_b));
	/* ... or members of its group */
	EXPECT_EQ(EACCES, bind_as(1001, 2000, &at_a));
	ASSERT_EQ(0, purpose_set1(self, 4000, QLINK_A_PURPOSE_OWNER_GID, 2000));
	EXPECT_EQ(0, bind_as(1001, 2000, &at_a));
	/* an owned privileged purpose is its owner's */
	ASSERT_EQ(0, purpose_set1(self, 31, QLINK_A_PURPOSE_OWNER_UID, NOBODY));
	at_a.purpose = 31;
	EXPECT_EQ(0, bind_as(NOBODY, NOBODY, &at_a));
	/* no owner again */
	ASSERT_EQ(0, purpose_set1(self, 4000, QLINK_A_PURPOSE_OWNER_UID,
				  QLINK_OWNER_NONE));
	ASSERT_EQ(0, purpose_set1(self, 4000, QLINK_A_PURPOSE_OWNER_GID,
				  QLINK_OWNER_NONE));
	ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn, "qa", 4000, &p));
	EXPECT_EQ(0, p.has[QLINK_A_PURPOSE_OWNER_UID]);
	at_a.purpose = 4000;
	EXPECT_EQ(0, bind_as(NOBODY, NOBODY, &at_a));
}

/* Child: bind purposes 5000.. until one fails; how many bound. */
static int bind_many(void *arg)
{
	int ifindex = *(int *)arg, i, fd;

	for (i = 0; i < 100; i++) {
		fd = qlink_sock_in(-1, SOCK_SEQPACKET);
		if (fd < 0)
			return 200;
		if (qlink_sock_bind(fd, ifindex, 5000 + i))
			return errno == ENOSPC ? i : 201;
	}
	return i;
}

/* Defect 5: one user cannot use up the purposes of a link. */
TEST_F_TIMEOUT(hd, purposes_per_user, 60)
{
	int ifindex = self->l.a.ifindex;

	EXPECT_EQ(USER_PURPOSES,
		  as_user(NOBODY, NOBODY, bind_many, &ifindex));
	/* the child's sockets closed: its purposes are gone again */
	EXPECT_EQ(USER_PURPOSES,
		  as_user(NOBODY, NOBODY, bind_many, &ifindex));
}

/* Child: as an unprivileged user, look at the link's pairs. */
static int peek_pairs(void *arg)
{
	struct qlink_pair_list *pl = arg;
	struct qlink_nl nl;
	int grp, err;

	if (qlink_nl_open(&nl))
		return 110;
	if (qlink_nl_dump_pairs(&nl, "qa", qlink_pair_list_add, pl) != -EPERM)
		return 111;
	grp = genl_ctrl_resolve_grp(nl.sk, QLINK_GENL_NAME,
				    QLINK_MCGRP_PAIRS_NAME);
	if (grp < 0)
		return 112;
	err = setsockopt(nl_socket_get_fd(nl.sk), SOL_NETLINK,
			 NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp));
	if (!err || errno != EPERM)
		return 113;
	/* link events are public */
	grp = genl_ctrl_resolve_grp(nl.sk, QLINK_GENL_NAME,
				    QLINK_MCGRP_LINK_NAME);
	if (grp < 0 || setsockopt(nl_socket_get_fd(nl.sk), SOL_NETLINK,
				  NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return 114;
	qlink_nl_close(&nl);
	return 0;
}

/* Child: as an unprivileged user, ask for an interactive request. */
static int interactive(void *arg)
{
	int ifindex = *(int *)arg, fd;
	struct qlink_create c;

	fd = qlink_sock_in(-1, SOCK_SEQPACKET);
	if (fd < 0 || qlink_sock_bind(fd, ifindex, 6000))
		return 120;
	qlink_create_init(&c, 1, 1, QLINK_REQ_KEEP);
	c.priority = QLINK_PRIO_INTERACTIVE;
	return -qlink_sock_create(fd, &c);
}

/*
 * Item 8 and the test the issue asks for: an unprivileged user cannot
 * take or read another user's pairs: not through the purpose (owner),
 * not through PAIR_GET or the "pairs" group; and may not preempt
 * everyone with interactive requests.
 */
TEST_F_TIMEOUT(hd, other_users_pairs, 60)
{
	static struct qlink_pair_list pl;
	struct bind_try b = { -1, self->l.a.ifindex, 6100, -1 };
	struct qlink_record r[8];
	struct qlink_create c;
	int ifindex = self->l.a.ifindex, cs, rs;

	ASSERT_EQ(0, purpose_set1(self, 6100, QLINK_A_PURPOSE_OWNER_UID, 1000));
	ASSERT_EQ(0, socks(self, 6100, &cs, &rs));	/* root's service */
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&c, 1, 5, QLINK_REQ_MEASURE);
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	ASSERT_EQ(5, qlink_sock_read_last(rs, r, 8, NULL));
	/* uid 1001 can neither bind (the sockets are in use anyway) ... */
	close(rs);
	self->fd[--self->nfd] = -1;
	b.nsfd = self->l.ns_b;
	b.ifindex = self->l.b.ifindex;
	EXPECT_EQ(EACCES, bind_as(1001, 1001, &b));
	/* ... nor dump or watch the pairs */
	EXPECT_EQ(0, as_user(1001, 1001, peek_pairs, &pl));
	EXPECT_EQ(EPERM, as_user(1001, 1001, interactive, &ifindex));
}

/*
 * Defect 6: a link holds at most QLINK_LINK_REQS_MAX unfinished requests
 * whatever the number of sockets: then send() fails with ENOBUFS.
 */
TEST_F_TIMEOUT(hd, link_requests_bounded, 240)
{
	struct qlink_create c;
	int cs, rs, p, i, err = 0, total = 0, last = 0;

	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	for (p = 0; p < 17; p++) {
		ASSERT_EQ(0, socks(self, 7000 + p, &cs, &rs));
		/* the receiver never reads: requests wait for room */
		ASSERT_EQ(0, qlink_sock_rcvbuf(rs, 1));
		for (i = 0; i < 1100; i++) {
			qlink_create_init(&c, i, 1, QLINK_REQ_KEEP);
			err = qlink_sock_create(cs, &c);
			if (err)
				break;
		}
		EXPECT_EQ(-ENOBUFS, err);
		last = qlink_sock_outstanding(cs);
		total += last;
	}
	TH_LOG("%d requests waiting, the last socket got %d", total, last);
	EXPECT_EQ(16384, total);
	EXPECT_LT(last, 1024);
}

/*
 * Defect 7: a change made through one end applies to the other end too;
 * a caller with CAP_NET_ADMIN over one end's netns only may not make it.
 */
TEST_F_TIMEOUT(hd, peer_netns_changes, 60)
{
	const struct qlink_pv w = { PV_CFG(WINDOW_FULL), 2000 };
	const struct qlink_pv j = { PV_SIM(JITTER), 70 };
	const struct qlink_pv pw = { QLINK_A_PURPOSE_WEIGHT, 3 };
	struct qlink_pv pv[9];
	int go[2], done[2], n, nsfd, here, status;
	struct qlink_nl rt, gn;
	char path[64], c;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int res = 0;

		/* a user namespace of our own, and a netns it owns */
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(130);
		if (write(done[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(131);
		if (qlink_nl_open(&gn))
			_exit(132);
		/* qx is here, qy in the test's netns */
		if (qlink_nl_set(&gn, "qx", &w, 1) != -EPERM ||
		    !strstr(gn.extack, "other end"))
			res = 133;
		/* qlinksim's physics (changelink) are both ends' too */
		else if (qlink_nl_set(&gn, "qx", &j, 1) != -EPERM ||
			 !strstr(gn.extack, "other end"))
			res = 136;
		else if (qlink_nl_purpose_set(&gn, "qx", 1, &pw, 1) != -EPERM)
			res = 134;
		/* a link whose ends are both ours may be changed */
		else if (qlink_rt_open(&rt) ||
			 qlinksim_create(&rt, "qm", "qn", -1, NULL, 0) ||
			 qlink_nl_set(&gn, "qm", &w, 1) ||
			 qlink_nl_set(&gn, "qm", &j, 1) ||
			 qlink_nl_purpose_set(&gn, "qm", 1, &pw, 1))
			res = 135;
		_exit(res);
	}
	ASSERT_EQ(1, read(done[0], &c, 1));
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	nsfd = open(path, O_RDONLY);
	ASSERT_GE(nsfd, 0);
	here = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_GE(here, 0);
	/* qx in the child's netns, its peer qy here */
	ASSERT_EQ(0, setns(nsfd, CLONE_NEWNET));
	ASSERT_EQ(0, qlink_rt_open(&rt));
	ASSERT_EQ(0, setns(here, CLONE_NEWNET));
	n = qlink_ev_params(pv, 1000, 900000);
	EXPECT_EQ(0, qlinksim_create(&rt, "qx", "qy", here, pv, n));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	qlink_nl_close(&rt);
	close(nsfd);
	close(here);
}

/*
 * Item 8: a PURPOSE_GET dump resumes from a purpose id: purposes that go
 * away between two parts of it make no other be skipped or repeated.
 */
struct purpose_seen {
	int count[400];
	int msgs;
	int *fds;
};

static int purpose_dump_cb(struct nlattr **attrs, void *arg)
{
	struct nlattr *tb[QLINK_A_PURPOSE_MAX + 1];
	struct purpose_seen *ps = arg;
	uint32_t id;
	int i;

	if (!attrs[QLINK_A_PURPOSE] ||
	    nla_parse_nested(tb, QLINK_A_PURPOSE_MAX, attrs[QLINK_A_PURPOSE],
			     NULL) || !tb[QLINK_A_PURPOSE_ID])
		return NL_SKIP;
	id = nla_get_u32(tb[QLINK_A_PURPOSE_ID]);
	if (id >= 8000 && id < 8400)
		ps->count[id - 8000]++;
	/* after the first one: the first 100 purposes go away */
	if (!ps->msgs++)
		for (i = 0; i < 100; i++)
			close(ps->fds[i]);
	return NL_OK;
}

TEST_F_TIMEOUT(hd, purpose_dump_cursor, 60)
{
	static struct purpose_seen ps;
	static int fds[400];
	struct nl_msg *msg;
	int i, fd;

	for (i = 0; i < 400; i++) {
		fd = qlink_sock_in(-1, SOCK_SEQPACKET);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, qlink_sock_bind(fd, self->l.a.ifindex, 8000 + i));
		fds[i] = fd;
	}
	ps.fds = fds;
	msg = qlink_nl_msg(&self->l.gn, QLINK_CMD_PURPOSE_GET, NLM_F_DUMP);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_string(msg, QLINK_A_IFNAME, "qa"));
	ASSERT_EQ(0, qlink_nl_transact(&self->l.gn, msg, purpose_dump_cb, &ps));
	for (i = 100; i < 400; i++) {
		int seen = ps.count[i];

		EXPECT_EQ(1, seen) TH_LOG("purpose %d seen %d times", 8000 + i,
					  seen);
		close(fds[i]);
	}
}

TEST_HARNESS_MAIN
