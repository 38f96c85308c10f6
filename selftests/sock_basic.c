// SPDX-License-Identifier: GPL-2.0
/*
 * AF_QLINK sockets (qlink.md §4), the API itself, on a qlinksim link
 * between two network namespaces (end A "qa" here, end B "qb" in netns B):
 *  - socket types and protocols, the family number of the module;
 *  - bind() and setsockopt() errors, one socket per (link end, purpose);
 *  - CREATE validation (every invalid field is EINVAL), link down;
 *  - OK records at both ends with the same pair ids, Bell indices and
 *    herald times, for SOCK_SEQPACKET and SOCK_DGRAM, from either end;
 *    KEEP slots, RSP, photonic links without slots;
 *  - min_fidelity honoured while pairs decay in memory;
 *  - blocking, non-blocking, SO_RCVTIMEO, poll, epoll, MSG_PEEK, MSG_TRUNC;
 *  - the receive-queue limit: no pairs taken while a queue is full, no
 *    record lost, ENOBUFS for an ERR that could not be queued;
 *  - unprivileged users (nobody, a user namespace) request pairs, but may
 *    not configure purposes;
 *  - link statistics (M7, M9) and purpose counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"
#include "qlink_math.h"

#define RATE_HZ		20000
#define F0		900000

FIXTURE(sk)
{
	struct qlink_ns_link l;
	int fd[32];
	int nfd;
};

FIXTURE_SETUP(sk)
{
	struct qlink_pv pv[9];
	int n = qlink_ev_params(pv, RATE_HZ, F0);

	self->nfd = 0;
	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "qa", "qb", pv, n));
	ASSERT_NE(0, self->l.a.ifindex);
	ASSERT_NE(0, self->l.b.ifindex);
}

FIXTURE_TEARDOWN(sk)
{
	while (self->nfd > 0)
		close(self->fd[--self->nfd]);
	qlink_ns_link_teardown(&self->l);
}

/* A socket at end A (ns -1) or B (ns = l.ns_b), closed at teardown. */
static int sock_at(FIXTURE_DATA(sk) *self, int nsfd, int type)
{
	int fd = qlink_sock_in(nsfd, type);

	if (fd >= 0 && self->nfd < 32)
		self->fd[self->nfd++] = fd;
	return fd;
}

/* Creator at end A bound to PURPOSE, receiver at end B with RECEIVE. */
static int socks_ab(FIXTURE_DATA(sk) *self, int type, uint32_t purpose,
		    int *ca, int *rb)
{
	*ca = sock_at(self, -1, type);
	*rb = sock_at(self, self->l.ns_b, type);
	if (*ca < 0 || *rb < 0)
		return -1;
	if (qlink_sock_bind(*ca, self->l.a.ifindex, purpose) ||
	    qlink_sock_bind(*rb, self->l.b.ifindex, purpose) ||
	    qlink_sock_receive(*rb, 1))
		return -1;
	qlink_sock_rcvbuf(*ca, 4 << 20);
	qlink_sock_rcvbuf(*rb, 4 << 20);
	return 0;
}

static int errno_of(int ret)
{
	return ret < 0 ? errno : 0;
}

TEST_F(sk, family_and_types)
{
	static const int bad_types[] = { SOCK_STREAM, SOCK_RAW, SOCK_RDM };
	int af = qlink_af(), fd, i;
	FILE *f;

	f = fopen("/sys/module/qlink/parameters/family", "r");
	ASSERT_NE(NULL, f);
	fclose(f);
	TH_LOG("AF_QLINK is %d", af);

	fd = socket(af, SOCK_SEQPACKET, 0);
	ASSERT_GE(fd, 0);
	close(fd);
	fd = socket(af, SOCK_DGRAM, 0);
	ASSERT_GE(fd, 0);
	close(fd);
	fd = socket(af, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ASSERT_GE(fd, 0);
	close(fd);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-1, socket(af, bad_types[i], 0));
		EXPECT_EQ(ESOCKTNOSUPPORT, errno) TH_LOG("type %d", bad_types[i]);
	}
	EXPECT_EQ(-1, socket(af, SOCK_SEQPACKET, 1));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	EXPECT_EQ(-1, socket(af, SOCK_DGRAM, 17));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	/* and in the other namespace */
	fd = qlink_sock_in(self->l.ns_b, SOCK_DGRAM);
	ASSERT_GE(fd, 0);
	close(fd);
}

TEST_F(sk, bind_errors)
{
	struct sockaddr_qlink sq = {
		.sq_family = qlink_af(),
		.sq_ifindex = self->l.a.ifindex,
		.sq_purpose = 5,
	};
	struct sockaddr_qlink bad;
	int fd, fd2, fd3, fd4;

	fd = sock_at(self, -1, SOCK_SEQPACKET);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(EINVAL, errno_of(bind(fd, (struct sockaddr *)&sq,
					sizeof(sq) - 1)));
	bad = sq;
	bad.sq_family = AF_INET;
	EXPECT_EQ(EINVAL, errno_of(bind(fd, (struct sockaddr *)&bad,
					sizeof(bad))));
	bad = sq;
	bad.sq_purpose = 0;
	EXPECT_EQ(EINVAL, errno_of(bind(fd, (struct sockaddr *)&bad,
					sizeof(bad))));
	bad = sq;
	bad.sq_ifindex = 9999;
	EXPECT_EQ(ENODEV, errno_of(bind(fd, (struct sockaddr *)&bad,
					sizeof(bad))));
	bad.sq_ifindex = 1;	/* lo: not a qlink device */
	EXPECT_EQ(ENODEV, errno_of(bind(fd, (struct sockaddr *)&bad,
					sizeof(bad))));
	bad.sq_ifindex = -1;
	EXPECT_EQ(ENODEV, errno_of(bind(fd, (struct sockaddr *)&bad,
					sizeof(bad))));

	/* bound once: a second bind fails, even to another purpose */
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sq, sizeof(sq)));
	EXPECT_EQ(EINVAL, errno_of(bind(fd, (struct sockaddr *)&sq,
					sizeof(sq))));
	bad = sq;
	bad.sq_purpose = 6;
	EXPECT_EQ(EINVAL, errno_of(bind(fd, (struct sockaddr *)&bad,
					sizeof(bad))));

	/* (ifindex, purpose) held: EADDRINUSE; another purpose is free */
	fd2 = sock_at(self, -1, SOCK_DGRAM);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(-EADDRINUSE, qlink_sock_bind(fd2, self->l.a.ifindex, 5));
	EXPECT_EQ(0, qlink_sock_bind(fd2, self->l.a.ifindex, 6));

	/* the same purpose at the other end of the link is fine */
	fd3 = sock_at(self, self->l.ns_b, SOCK_SEQPACKET);
	ASSERT_GE(fd3, 0);
	EXPECT_EQ(0, qlink_sock_bind(fd3, self->l.b.ifindex, 5));

	/* close() releases the address */
	fd4 = sock_at(self, -1, SOCK_SEQPACKET);
	ASSERT_GE(fd4, 0);
	EXPECT_EQ(-EADDRINUSE, qlink_sock_bind(fd4, self->l.a.ifindex, 5));
	close(fd);
	self->fd[0] = -1;
	EXPECT_EQ(0, qlink_sock_bind(fd4, self->l.a.ifindex, 5));
}

TEST_F(sk, sockopt_errors)
{
	struct qlink_create c;
	int fd;

	qlink_create_init(&c, 1, 1, QLINK_REQ_KEEP);
	fd = sock_at(self, -1, SOCK_SEQPACKET);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-ENOTCONN, qlink_sock_receive(fd, 1));
	EXPECT_EQ(-ENOTCONN, qlink_sock_create(fd, &c));
	ASSERT_EQ(0, qlink_sock_bind(fd, self->l.a.ifindex, 7));
	EXPECT_EQ(0, qlink_sock_receive(fd, 1));
	EXPECT_EQ(0, qlink_sock_receive(fd, 0));
	EXPECT_EQ(0, qlink_sock_outstanding(fd));
}

TEST_F(sk, create_validation)
{
	struct qlink_create c, ok;
	struct qlink_record r, big[4];
	char buf[sizeof(c) + 8];
	int ca, rb, i;

	ASSERT_EQ(0, socks_ab(self, SOCK_SEQPACKET, 8, &ca, &rb));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&ok, 1, 1, QLINK_REQ_KEEP);

	memcpy(buf, &ok, sizeof(ok));
	EXPECT_EQ(EINVAL, errno_of(send(ca, buf, sizeof(ok) - 1, 0)));
	EXPECT_EQ(EINVAL, errno_of(send(ca, buf, sizeof(ok) + 1, 0)));
	EXPECT_EQ(EINVAL, errno_of(send(ca, buf, 0, 0)));

	for (i = 0; i < 15; i++) {
		c = ok;
		switch (i) {
		case 0: c.type = 0; break;
		case 1: c.type = 4; break;
		case 2: c.basis = 4; break;
		case 3: c.priority = 3; break;
		case 4: c.flags = 0x4; break;
		case 5: c.flags = 0x80; break;
		case 6: c.reserved = 1; break;
		case 7: c.reserved = 0x80000000u; break;
		case 8: c.number = 0; break;
		case 9: c.number = QLINK_CREATE_NUMBER_MAX + 1; break;
		case 10: c.number = 0xffffffffu; break;
		case 11: c.min_fidelity = 1000001; break;
		case 12: c.purpose = 9; break;	/* not the bound one */
		case 13: c.purpose = 0xffffffffu; break;
		case 14: c.type = QLINK_REQ_MEASURE; c.basis = 0xff; break;
		}
		EXPECT_EQ(-EINVAL, qlink_sock_create(ca, &c)) TH_LOG("case %d", i);
	}
	/* nothing was queued, nothing is outstanding */
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(ca, &r, MSG_DONTWAIT));
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(rb, &r, MSG_DONTWAIT));
	EXPECT_EQ(0, qlink_sock_outstanding(ca));

	/* purpose 0 and the bound purpose are both fine */
	c = ok;
	c.purpose = 8;
	c.create_id = 2;
	EXPECT_EQ(0, qlink_sock_create(ca, &ok));
	EXPECT_EQ(0, qlink_sock_create(ca, &c));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, qlink_sock_read_last(ca, big, 4, NULL));
		EXPECT_EQ(QLINK_REC_OK, big[0].kind);
		EXPECT_EQ(8, big[0].purpose);
		EXPECT_EQ(i + 1, big[0].create_id);
		ASSERT_EQ(1, qlink_sock_read_last(rb, big, 4, NULL));
		EXPECT_EQ(QLINK_REC_OK, big[0].kind);
	}

	/* link down: ENETDOWN, nothing queued */
	ASSERT_EQ(0, qlink_rt_set_up(&self->l.rt, "qa", 0));
	EXPECT_EQ(-ENETDOWN, qlink_sock_create(ca, &ok));
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(ca, &r, MSG_DONTWAIT));
	EXPECT_EQ(0, qlink_sock_outstanding(ca));
}

struct stat_snap {
	struct qlink_stats_v a, b;
};

static void snap(struct qlink_ns_link *l, struct stat_snap *s)
{
	qlink_nl_stats(&l->gn, l->name_a, &s->a);
	qlink_nl_stats(&l->gn_b, l->name_b, &s->b);
}

#define KEEP_N	200

/* The pairs of one request, as seen at both ends. */
static void check_pair_records(struct __test_metadata *_metadata,
			       const struct qlink_record *cr,
			       const struct qlink_record *rr, int n,
			       uint32_t id, uint32_t purpose, int type,
			       uint32_t creator_link, uint32_t receiver_link,
			       uint32_t pair_link, uint32_t min_f)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct qlink_record *c = &cr[i], *r = &rr[i];

		ASSERT_EQ(QLINK_REC_OK, c->kind) TH_LOG("pair %d err %d/%d", i,
							 c->error, c->sys_errno);
		ASSERT_EQ(QLINK_REC_OK, r->kind) TH_LOG("pair %d err %d/%d", i,
							 r->error, r->sys_errno);
		ASSERT_EQ(QLINK_ROLE_CREATOR, c->role);
		ASSERT_EQ(QLINK_ROLE_RECEIVER, r->role);
		ASSERT_EQ(type, c->type);
		ASSERT_EQ(type, r->type);
		ASSERT_EQ(id, c->create_id);
		ASSERT_EQ(id, r->create_id);
		ASSERT_EQ(purpose, c->purpose);
		ASSERT_EQ(purpose, r->purpose);
		ASSERT_EQ(i, c->index);
		ASSERT_EQ(i, r->index);
		/* the remote end of each is the other's link */
		ASSERT_EQ(receiver_link, c->remote_link_id);
		ASSERT_EQ(creator_link, r->remote_link_id);
		/* one pair, one id */
		ASSERT_EQ(c->seq, r->seq);
		ASSERT_EQ(c->seq, c->seq_last);
		ASSERT_EQ(r->seq, r->seq_last);
		ASSERT_EQ(pair_link, c->pair_link_id);
		ASSERT_EQ(pair_link, r->pair_link_id);
		ASSERT_EQ(((uint64_t)pair_link << 40) | (c->seq & ((1ULL << 40) - 1)),
			  c->trace_id);
		ASSERT_EQ(c->trace_id, r->trace_id);
		ASSERT_EQ(c->herald_time, r->herald_time);
		ASSERT_EQ(c->bell_index, r->bell_index);
		ASSERT_LE(c->bell_index, 3);
		ASSERT_GE(c->fidelity, min_f);
		ASSERT_GE(r->fidelity, min_f);
		ASSERT_LE(c->fidelity, 1000000);
		ASSERT_GT(c->fidelity, 250000);
		ASSERT_EQ(i == n - 1 ? QLINK_REC_LAST : 0,
			  c->flags & QLINK_REC_LAST);
		ASSERT_EQ(i == n - 1 ? QLINK_REC_LAST : 0,
			  r->flags & QLINK_REC_LAST);
		ASSERT_EQ(0, c->reserved);
		/* served in herald order */
		if (i) {
			ASSERT_GT(c->seq, cr[i - 1].seq);
			ASSERT_GE(c->herald_time, cr[i - 1].herald_time);
		}
	}
}

/* KEEP_N pairs, both socket types, from either end. */
TEST_F_TIMEOUT(sk, keep_pairs_both_ends, 120)
{
	static struct qlink_record cr[KEEP_N + 1], rr[KEEP_N + 1];
	struct qlink_purpose_v pu;
	struct stat_snap s0, s1;
	struct qlink_create c;
	struct qlink_record r;
	int round;

	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	ASSERT_NE(0, self->l.a.pair_link_id);
	/* LINK_GET: both ends name the pairs alike */
	EXPECT_EQ(self->l.a.pair_link_id, self->l.b.pair_link_id);
	ASSERT_GT(self->l.a.caps_slots, 0);

	for (round = 0; round < 2; round++) {
		int type = round ? SOCK_DGRAM : SOCK_SEQPACKET;
		uint32_t purpose = 10 + round;
		int from_b = round == 1, cs, rs, ncr, nrr, i;
		struct qlink_stats_v *sc0, *sc1, *so0, *so1;

		/* round 0: A creates, B receives; round 1 the other way */
		cs = sock_at(self, from_b ? self->l.ns_b : -1, type);
		rs = sock_at(self, from_b ? -1 : self->l.ns_b, type);
		ASSERT_GE(cs, 0);
		ASSERT_GE(rs, 0);
		ASSERT_EQ(0, qlink_sock_bind(cs, from_b ? self->l.b.ifindex :
						  self->l.a.ifindex, purpose));
		ASSERT_EQ(0, qlink_sock_bind(rs, from_b ? self->l.a.ifindex :
						  self->l.b.ifindex, purpose));
		ASSERT_EQ(0, qlink_sock_receive(rs, 1));
		qlink_sock_rcvbuf(cs, 4 << 20);
		qlink_sock_rcvbuf(rs, 4 << 20);

		snap(&self->l, &s0);
		qlink_create_init(&c, 0x1000 + round, KEEP_N, QLINK_REQ_KEEP);
		ASSERT_EQ(0, qlink_sock_create(cs, &c));
		ncr = qlink_sock_read_n(cs, cr, KEEP_N, NULL);
		nrr = qlink_sock_read_n(rs, rr, KEEP_N, NULL);
		ASSERT_EQ(KEEP_N, ncr);
		ASSERT_EQ(KEEP_N, nrr);
		check_pair_records(_metadata, cr, rr, KEEP_N, c.create_id,
				   purpose, QLINK_REQ_KEEP,
				   from_b ? self->l.b.link_id : self->l.a.link_id,
				   from_b ? self->l.a.link_id : self->l.b.link_id,
				   self->l.a.pair_link_id, 0);
		for (i = 0; i < KEEP_N; i++) {
			/* a memory link: both qubits are kept in a slot */
			ASSERT_LT(cr[i].slot, self->l.a.caps_slots);
			ASSERT_LT(rr[i].slot, self->l.a.caps_slots);
			ASSERT_EQ(F0, cr[i].fidelity);	/* no decay */
		}
		EXPECT_EQ(-EAGAIN, qlink_sock_rec(cs, &r, MSG_DONTWAIT));
		EXPECT_EQ(-EAGAIN, qlink_sock_rec(rs, &r, MSG_DONTWAIT));
		EXPECT_EQ(0, qlink_sock_outstanding(cs));

		/* counted at the creating end only */
		snap(&self->l, &s1);
		sc0 = from_b ? &s0.b : &s0.a;
		sc1 = from_b ? &s1.b : &s1.a;
		so0 = from_b ? &s0.a : &s0.b;
		so1 = from_b ? &s1.a : &s1.b;
		ASSERT_TRUE(sc1->has[QLINK_A_STATS_REQUESTS]);
		EXPECT_EQ(1, sc1->v[QLINK_A_STATS_REQUESTS] -
			     sc0->v[QLINK_A_STATS_REQUESTS]);
		EXPECT_EQ(1, sc1->v[QLINK_A_STATS_REQ_SUCCEEDED] -
			     sc0->v[QLINK_A_STATS_REQ_SUCCEEDED]);
		EXPECT_EQ(0, sc1->v[QLINK_A_STATS_REQ_FAILED] -
			     sc0->v[QLINK_A_STATS_REQ_FAILED]);
		EXPECT_EQ(KEEP_N, sc1->v[QLINK_A_STATS_DELIVERED] -
				  sc0->v[QLINK_A_STATS_DELIVERED]);
		EXPECT_EQ(0, so1->v[QLINK_A_STATS_REQUESTS] -
			     so0->v[QLINK_A_STATS_REQUESTS]);
		EXPECT_EQ(0, so1->v[QLINK_A_STATS_DELIVERED] -
			     so0->v[QLINK_A_STATS_DELIVERED]);
		EXPECT_GT(sc1->v[QLINK_A_STATS_REQ_LATENCY_MEAN], 0);
		EXPECT_LE(sc1->v[QLINK_A_STATS_REQ_LATENCY_MEAN],
			  sc1->v[QLINK_A_STATS_REQ_LATENCY_MAX]);
		EXPECT_LT(sc1->v[QLINK_A_STATS_REQ_LATENCY_MAX], 5000000000LL);
		TH_LOG("round %d: %d pairs, M9 latency mean %ld ns max %ld ns",
		       round, KEEP_N,
		       (long)sc1->v[QLINK_A_STATS_REQ_LATENCY_MEAN],
		       (long)sc1->v[QLINK_A_STATS_REQ_LATENCY_MAX]);

		/* the purpose's counters, from either end */
		ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn, "qa", purpose, &pu));
		ASSERT_EQ(1, pu.found);
		EXPECT_EQ(purpose, pu.v[QLINK_A_PURPOSE_ID]);
		EXPECT_EQ(1, pu.v[QLINK_A_PURPOSE_REQUESTS]);
		EXPECT_EQ(1, pu.v[QLINK_A_PURPOSE_REQ_SUCCEEDED]);
		EXPECT_EQ(0, pu.v[QLINK_A_PURPOSE_REQ_FAILED]);
		EXPECT_EQ(KEEP_N, pu.v[QLINK_A_PURPOSE_DELIVERED]);
		EXPECT_EQ(0, pu.v[QLINK_A_PURPOSE_OUTSTANDING]);
		EXPECT_EQ(1, pu.v[QLINK_A_PURPOSE_RECEIVERS]);
		ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn_b, "qb", purpose, &pu));
		EXPECT_EQ(KEEP_N, pu.v[QLINK_A_PURPOSE_DELIVERED]);
	}
}

/* RSP on a memory link; KEEP on a photonic link (no slots). */
TEST_F_TIMEOUT(sk, rsp_and_photonic_keep, 120)
{
	static struct qlink_record cr[64], rr[64];
	const struct qlink_pv tags[] = {
		{ PV_SIM(HERALD_MODEL), QLINK_HERALD_TIME_TAGS },
		{ PV_SIM(SOURCE_RATE), 100000000 },	/* 1e5/s */
	};
	struct qlink_create c;
	int ca, rb, i;

	ASSERT_EQ(0, socks_ab(self, SOCK_SEQPACKET, 12, &ca, &rb));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&c, 77, 50, QLINK_REQ_RSP);
	c.basis = QLINK_BASIS_X;
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	ASSERT_EQ(50, qlink_sock_read_last(ca, cr, 64, NULL));
	ASSERT_EQ(50, qlink_sock_read_last(rb, rr, 64, NULL));
	check_pair_records(_metadata, cr, rr, 50, 77, 12, QLINK_REQ_RSP,
			   self->l.a.link_id, self->l.b.link_id,
			   self->l.a.pair_link_id, 0);
	for (i = 0; i < 50; i++) {
		ASSERT_LE(cr[i].outcome, 1);
		ASSERT_EQ(QLINK_BASIS_X, cr[i].basis);
		ASSERT_EQ(0xffff, cr[i].slot);	/* measured */
		ASSERT_LT(rr[i].slot, self->l.a.caps_slots);	/* kept */
	}

	/* photonic (time tags): no memory, no slot */
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 0));
	ASSERT_EQ(0, qlink_nl_set(&self->l.gn, "qa", tags, 2));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&c, 78, 20, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	ASSERT_EQ(20, qlink_sock_read_last(ca, cr, 64, NULL));
	ASSERT_EQ(20, qlink_sock_read_last(rb, rr, 64, NULL));
	check_pair_records(_metadata, cr, rr, 20, 78, 12, QLINK_REQ_KEEP,
			   self->l.a.link_id, self->l.b.link_id,
			   self->l.a.pair_link_id, 0);
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0xffff, cr[i].slot);
		ASSERT_EQ(0xffff, rr[i].slot);
	}
}

/*
 * Memories with T = 1 s, 1000 pairs/s: after 0.6 s the buffer holds pairs
 * up to 0.6 s old (F down to 0.63). A request with min_fidelity 0.9 gets
 * only young pairs; the old ones are discarded.
 */
TEST_F_TIMEOUT(sk, min_fidelity_decay, 120)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 1000000 },
		{ PV_SIM(FIDELITY), 950000 },
		{ PV_SIM(COHERENCE), 1000000000 },
	};
	static struct qlink_record cr[64], rr[64];
	struct qlink_stats_v st;
	struct qlink_create c;
	int64_t lt, t_end;
	int ca, rb, i;

	ASSERT_EQ(0, qlink_nl_set(&self->l.gn, "qa", pv, 3));
	ASSERT_EQ(0, socks_ab(self, SOCK_SEQPACKET, 13, &ca, &rb));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	t_end = qlink_now_ms() + 30000;
	do {
		usleep(100000);
		lt = qlink_link_time(&self->l.gn, "qa");
	} while (lt < 600000000000LL && qlink_now_ms() < t_end);
	ASSERT_GE(lt, 600000000000LL);

	/* min_fidelity 0: the oldest pair, decayed */
	qlink_create_init(&c, 1, 1, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	ASSERT_EQ(1, qlink_sock_read_last(ca, cr, 64, NULL));
	ASSERT_EQ(1, qlink_sock_read_last(rb, rr, 64, NULL));
	ASSERT_EQ(QLINK_REC_OK, cr[0].kind);
	TH_LOG("oldest pair: fidelity %u, heralded at %.1f ms", cr[0].fidelity,
	       cr[0].herald_time / 1e9);
	EXPECT_LT(cr[0].fidelity, 800000);

	/* min_fidelity 0.9: young pairs only */
	qlink_create_init(&c, 2, 50, QLINK_REQ_KEEP);
	c.min_fidelity = 900000;
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	ASSERT_EQ(50, qlink_sock_read_last(ca, cr + 1, 63, NULL));
	ASSERT_EQ(50, qlink_sock_read_last(rb, rr + 1, 63, NULL));
	ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "qa", &st));
	lt = st.v[QLINK_A_STATS_LINK_TIME];
	check_pair_records(_metadata, cr + 1, rr + 1, 50, 2, 13,
			   QLINK_REQ_KEEP, self->l.a.link_id, self->l.b.link_id,
			   self->l.a.pair_link_id, 900000);
	for (i = 1; i <= 50; i++) {
		double age = (lt - (int64_t)cr[i].herald_time) / 1e12;
		double f_now = 250000 + 700000 * exp_neg(age);

		/* at delivery, F was between F0 and its value now */
		ASSERT_LE(cr[i].fidelity, 950000);
		ASSERT_GE(cr[i].fidelity + 1000, f_now)
			TH_LOG("pair %d: F %u, age now %.3f s", i,
			       cr[i].fidelity, age);
		ASSERT_GT(cr[i].herald_time, cr[0].herald_time);
	}
	TH_LOG("discarded below min_fidelity: %ld",
	       (long)st.v[QLINK_A_STATS_DISCARDED_LOW_F]);
	EXPECT_GT(st.v[QLINK_A_STATS_DISCARDED_LOW_F], 0);
}

struct delayed_send {
	int fd, ms;
	struct qlink_create c;
	int err;
};

static void *send_later(void *arg)
{
	struct delayed_send *d = arg;

	usleep(d->ms * 1000);
	d->err = qlink_sock_create(d->fd, &d->c);
	return NULL;
}

TEST_F_TIMEOUT(sk, recv_modes, 120)
{
	struct qlink_record r, r2, rec[4];
	struct delayed_send ds = {};
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct pollfd pfd;
	struct qlink_create c;
	struct iovec iov;
	struct msghdr mh;
	char small[16];
	pthread_t th;
	int ca, rb, ep, fl, n;
	int64_t t0, dt;

	ASSERT_EQ(0, socks_ab(self, SOCK_SEQPACKET, 14, &ca, &rb));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));

	/* nothing queued: EAGAIN at once, or after SO_RCVTIMEO */
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(ca, &r, MSG_DONTWAIT));
	ASSERT_EQ(0, qlink_sock_timeout(ca, 300));
	t0 = qlink_now_ms();
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(ca, &r, 0));
	dt = qlink_now_ms() - t0;
	EXPECT_GE(dt, 280);
	EXPECT_LT(dt, 3000);
	fl = fcntl(ca, F_GETFL);
	ASSERT_EQ(0, fcntl(ca, F_SETFL, fl | O_NONBLOCK));
	t0 = qlink_now_ms();
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(ca, &r, 0));
	EXPECT_LT(qlink_now_ms() - t0, 200);
	ASSERT_EQ(0, fcntl(ca, F_SETFL, fl));
	pfd = (struct pollfd){ .fd = ca, .events = POLLIN };
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, ca, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));

	/* a blocking read waits for a request sent later */
	ASSERT_EQ(0, qlink_sock_timeout(ca, 10000));
	ds.fd = ca;
	ds.ms = 300;
	qlink_create_init(&ds.c, 40, 1, QLINK_REQ_KEEP);
	ASSERT_EQ(0, pthread_create(&th, NULL, send_later, &ds));
	t0 = qlink_now_ms();
	n = qlink_sock_rec(ca, &r, 0);
	dt = qlink_now_ms() - t0;
	pthread_join(th, NULL);
	ASSERT_EQ(0, ds.err);
	ASSERT_EQ(1, n);
	EXPECT_EQ(40, r.create_id);
	EXPECT_GE(dt, 250);
	ASSERT_EQ(1, qlink_sock_read_last(rb, rec, 4, NULL));

	/* poll and epoll see a queued record */
	qlink_create_init(&c, 41, 3, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	pfd.revents = 0;
	EXPECT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 10000));
	EXPECT_TRUE(out.events & EPOLLIN);
	pfd = (struct pollfd){ .fd = rb, .events = POLLIN };
	EXPECT_EQ(1, poll(&pfd, 1, 10000));

	/* MSG_PEEK leaves the record in the queue */
	ASSERT_EQ(1, qlink_sock_rec(ca, &r, MSG_PEEK));
	ASSERT_EQ(1, qlink_sock_rec(ca, &r2, 0));
	EXPECT_EQ(0, memcmp(&r, &r2, sizeof(r)));
	EXPECT_EQ(0, r.index);

	/* a short buffer truncates (and consumes) a record */
	iov = (struct iovec){ small, sizeof(small) };
	mh = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1 };
	ASSERT_EQ(sizeof(small), recvmsg(ca, &mh, 0));
	EXPECT_TRUE(mh.msg_flags & MSG_TRUNC);
	memcpy(&r2, small, sizeof(small));
	EXPECT_EQ(QLINK_REC_OK, r2.kind);
	EXPECT_EQ(41, r2.create_id);
	ASSERT_EQ(1, qlink_sock_rec(ca, &r, 0));
	EXPECT_EQ(2, r.index);
	EXPECT_TRUE(r.flags & QLINK_REC_LAST);
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(ca, &r, MSG_DONTWAIT));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(3, qlink_sock_read_last(rb, rec, 4, NULL));
	close(ep);
}

struct drainer {
	int fd, stop;
	long ok, err_enetdown, other;
};

static void *drain_thread(void *arg)
{
	struct drainer *d = arg;
	struct qlink_record r[64];
	int n, i;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		n = qlink_sock_recs(d->fd, r, 64, 0);
		for (i = 0; i < n; i++) {
			if (r[i].kind == QLINK_REC_OK)
				d->ok++;
			else if (r[i].error == QLINK_ERR_OTHER &&
				 r[i].sys_errno == ENETDOWN)
				d->err_enetdown++;
			else
				d->other++;
		}
	}
	return NULL;
}

static int64_t delivered(struct qlink_nl *nl, uint32_t purpose)
{
	struct qlink_purpose_v pu;

	if (qlink_nl_purpose_get(nl, "qa", purpose, &pu))
		return -1;
	return pu.v[QLINK_A_PURPOSE_DELIVERED];
}

/*
 * A full receive queue stops the request (pairs stay in the link's
 * buffer) without losing any; an ERR that finds the queue full becomes
 * the socket error ENOBUFS.
 */
TEST_F_TIMEOUT(sk, rcvbuf_limit, 120)
{
	static struct qlink_record cr[3001];
	struct drainer dr = {};
	struct qlink_create c;
	struct qlink_record r;
	int64_t d1, d2;
	pthread_t th;
	int ca, rb, n, i, got_nobufs = 0, after = 0, size = 4096;

	ASSERT_EQ(0, socks_ab(self, SOCK_SEQPACKET, 15, &ca, &rb));
	ASSERT_EQ(0, setsockopt(ca, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	dr.fd = rb;
	qlink_sock_timeout(rb, 100);
	ASSERT_EQ(0, pthread_create(&th, NULL, drain_thread, &dr));

	qlink_create_init(&c, 50, 3000, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	usleep(500000);
	d1 = delivered(&self->l.gn, 15);
	usleep(300000);
	d2 = delivered(&self->l.gn, 15);
	TH_LOG("queue full at %ld pairs (4 KiB SO_RCVBUF)", (long)d1);
	EXPECT_GT(d1, 0);
	EXPECT_LT(d1, 200);
	EXPECT_EQ(d1, d2);
	EXPECT_EQ(1, qlink_sock_outstanding(ca));

	/* reading lets it go on; nothing was lost */
	n = qlink_sock_read_n(ca, cr, 3000, NULL);
	ASSERT_EQ(3000, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(QLINK_REC_OK, cr[i].kind);
		ASSERT_EQ(i, cr[i].index);
		if (i)
			ASSERT_GT(cr[i].seq, cr[i - 1].seq);
	}
	EXPECT_EQ(0, qlink_sock_outstanding(ca));

	/* queue full, then link down: the ERR cannot be queued */
	qlink_create_init(&c, 51, 100000, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	usleep(300000);
	ASSERT_EQ(0, qlink_rt_set_up(&self->l.rt, "qa", 0));
	usleep(100000);
	for (i = 0; i < 1000; i++) {
		n = qlink_sock_rec(ca, &r, MSG_DONTWAIT);
		if (n == -ENOBUFS) {
			EXPECT_EQ(0, after) TH_LOG("ENOBUFS after %d records",
						   after);
			got_nobufs++;
			continue;
		}
		if (n != 1)
			break;
		after++;
		EXPECT_EQ(QLINK_REC_OK, r.kind);
	}
	EXPECT_EQ(-EAGAIN, n);
	EXPECT_EQ(1, got_nobufs);
	EXPECT_EQ(0, qlink_sock_outstanding(ca));
	__atomic_store_n(&dr.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	/* the receiver had room for its ERR */
	EXPECT_EQ(1, dr.err_enetdown);
	EXPECT_EQ(0, dr.other);
}

/* Child: as an unprivileged user, request 5 pairs of (free) purpose 3030. */
static int unpriv_request(int ifindex, int how)
{
	struct qlink_pv w = { QLINK_A_PURPOSE_WEIGHT, 2 };
	struct qlink_record r[8];
	struct qlink_create c;
	struct qlink_nl nl;
	int fd, i;

	if (how == 0 && setresuid(65534, 65534, 65534))
		return 10;
	if (how == 1 && unshare(CLONE_NEWUSER))
		return 11;
	fd = socket(qlink_af(), SOCK_SEQPACKET, 0);
	if (fd < 0)
		return 12;
	qlink_sock_timeout(fd, 10000);
	if (qlink_sock_bind(fd, ifindex, 3030))
		return 13;
	qlink_create_init(&c, 300 + how, 5, QLINK_REQ_MEASURE);
	if (qlink_sock_create(fd, &c))
		return 14;
	if (qlink_sock_read_last(fd, r, 8, NULL) != 5)
		return 15;
	for (i = 0; i < 5; i++)
		if (r[i].kind != QLINK_REC_OK || r[i].index != i)
			return 16;
	close(fd);
	/* configuring purposes needs CAP_NET_ADMIN */
	if (qlink_nl_open(&nl))
		return 17;
	if (qlink_nl_purpose_set(&nl, "qa", 3030, &w, 1) != -EPERM)
		return 18;
	qlink_nl_close(&nl);
	return 0;
}

TEST_F_TIMEOUT(sk, unprivileged, 120)
{
	struct qlink_record r[8];
	int rb, how, status;
	pid_t pid;

	rb = sock_at(self, self->l.ns_b, SOCK_SEQPACKET);
	ASSERT_GE(rb, 0);
	ASSERT_EQ(0, qlink_sock_bind(rb, self->l.b.ifindex, 3030));
	ASSERT_EQ(0, qlink_sock_receive(rb, 1));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	for (how = 0; how < 2; how++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0)
			_exit(unpriv_request(self->l.a.ifindex, how));
		ASSERT_EQ(5, qlink_sock_read_last(rb, r, 8, NULL));
		EXPECT_EQ(300 + how, r[0].create_id);
		EXPECT_EQ(QLINK_ROLE_RECEIVER, r[0].role);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s: step %d",
			how ? "user namespace" : "nobody", WEXITSTATUS(status));
	}
}

TEST_HARNESS_MAIN
