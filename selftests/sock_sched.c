// SPDX-License-Identifier: GPL-2.0
/*
 * AF_QLINK requests and their scheduling (qlink.md §4, §5, §7), on a
 * qlinksim link between two network namespaces:
 *  - MEASURE outcomes follow the physics: QBER within 3 sigma of
 *    sum (1 - F) 2/3 over 10^5 pairs, basis Z and random (sifted), and X
 *    and Y; the per-Bell-index correlations of each basis;
 *  - requests refused at once: UNSUPP, NOTIME, NORES, REJECTED; TIMEOUT
 *    at the deadline; atomic requests with EXPIRE; consecutive requests;
 *  - 64 sockets (32 purposes x 2 ends): strict priority classes and
 *    weighted fair queueing in the configured proportions (+-10%);
 *    interactive preempts a half-served batch request;
 *  - RATE quota, reservations served inside send(), PURPOSE_SET checks.
 * Links use the herald-event model with certain success, so the pair rate
 * is exact and shares can be counted over herald time.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"
#include "qlink_math.h"
#include "../kernel/qcore/bell.h"

FIXTURE(sch)
{
	struct qlink_ns_link l;
	int fd[80];
	int nfd;
};

FIXTURE_SETUP(sch)
{
	struct qlink_pv pv[9];
	int n = qlink_ev_params(pv, 1000, 900000);

	self->nfd = 0;
	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "qa", "qb", pv, n));
}

FIXTURE_TEARDOWN(sch)
{
	while (self->nfd > 0)
		close(self->fd[--self->nfd]);
	qlink_ns_link_teardown(&self->l);
}

static int sock_at(FIXTURE_DATA(sch) *self, int at_b, int type)
{
	int fd = qlink_sock_in(at_b ? self->l.ns_b : -1, type);

	if (fd >= 0 && self->nfd < 80)
		self->fd[self->nfd++] = fd;
	if (fd >= 0)
		qlink_sock_rcvbuf(fd, 4 << 20);
	return fd;
}

/* Creator at one end (B if FROM_B), receiver with RECEIVE at the other. */
static int socks(FIXTURE_DATA(sch) *self, uint32_t purpose, int from_b,
		 int *cs, int *rs)
{
	*cs = sock_at(self, from_b, SOCK_SEQPACKET);
	*rs = sock_at(self, !from_b, SOCK_SEQPACKET);
	if (*cs < 0 || *rs < 0)
		return -1;
	if (qlink_sock_bind(*cs, from_b ? self->l.b.ifindex : self->l.a.ifindex,
			    purpose) ||
	    qlink_sock_bind(*rs, from_b ? self->l.a.ifindex : self->l.b.ifindex,
			    purpose) ||
	    qlink_sock_receive(*rs, 1))
		return -1;
	return 0;
}

static int set_params(FIXTURE_DATA(sch) *self, const struct qlink_pv *pv,
		      int n)
{
	int err = qlink_nl_set(&self->l.gn, "qa", pv, n);

	if (!err)
		err = qlink_nl_link(&self->l.gn, "qa", &self->l.a);
	return err;
}

struct reader {
	int fd, max, n, err;
	struct qlink_record *r;
};

static void *read_thread(void *arg)
{
	struct reader *rd = arg;

	rd->err = qlink_sock_read_n(rd->fd, rd->r, rd->max, &rd->n);
	return NULL;
}

#define QBER_N	100000

struct qber {
	long n, sifted, errors, ones, z_c, z_r;
	double mean, var;
	double pairs_per_s;
};

/*
 * N MEASURE pairs in BASIS: creator at A, receiver at B, read by two
 * threads. Counts the errors against the ideal correlation of each
 * pair's Bell state in the common-basis pairs.
 */
static void run_measure(struct __test_metadata *_metadata,
			FIXTURE_DATA(sch) *self, uint32_t purpose, int basis,
			int n, struct qber *q)
{
	struct reader rc = {}, rr = {};
	struct qlink_stats_v s0, s1;
	struct qlink_create c;
	pthread_t tc, tr;
	int64_t t0, t1;
	int cs, rs, i;

	memset(q, 0, sizeof(*q));
	ASSERT_EQ(0, socks(self, purpose, 0, &cs, &rs));
	rc.r = calloc(n + 1, sizeof(*rc.r));
	rr.r = calloc(n + 1, sizeof(*rr.r));
	ASSERT_NE(NULL, rc.r);
	ASSERT_NE(NULL, rr.r);
	rc.fd = cs;
	rr.fd = rs;
	rc.max = rr.max = n;
	ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "qa", &s0));
	qlink_create_init(&c, purpose, n, QLINK_REQ_MEASURE);
	c.basis = basis;
	t0 = qlink_now_ms();
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	ASSERT_EQ(0, pthread_create(&tc, NULL, read_thread, &rc));
	ASSERT_EQ(0, pthread_create(&tr, NULL, read_thread, &rr));
	pthread_join(tc, NULL);
	pthread_join(tr, NULL);
	t1 = qlink_now_ms();
	ASSERT_EQ(n, rc.err) TH_LOG("creator read %d", rc.n);
	ASSERT_EQ(n, rr.err) TH_LOG("receiver read %d", rr.n);
	q->pairs_per_s = n * 1000.0 / (t1 - t0 + 1);

	for (i = 0; i < n; i++) {
		const struct qlink_record *a = &rc.r[i], *b = &rr.r[i];
		double p;

		ASSERT_EQ(QLINK_REC_OK, a->kind);
		ASSERT_EQ(QLINK_REC_OK, b->kind);
		ASSERT_EQ(i, a->index);
		ASSERT_EQ(i, b->index);
		ASSERT_EQ(a->seq, b->seq);
		ASSERT_EQ(a->bell_index, b->bell_index);
		ASSERT_LE(a->bell_index, 3);
		ASSERT_LE(a->outcome, 1);
		ASSERT_LE(b->outcome, 1);
		ASSERT_EQ(QLINK_REQ_MEASURE, a->type);
		if (basis == QLINK_BASIS_RANDOM) {
			ASSERT_TRUE(a->basis == QLINK_BASIS_Z ||
				    a->basis == QLINK_BASIS_X);
			ASSERT_TRUE(b->basis == QLINK_BASIS_Z ||
				    b->basis == QLINK_BASIS_X);
		} else {
			ASSERT_EQ(basis, a->basis);
			ASSERT_EQ(basis, b->basis);
		}
		q->n++;
		q->ones += a->outcome;
		q->z_c += a->basis == QLINK_BASIS_Z;
		q->z_r += b->basis == QLINK_BASIS_Z;
		if (a->basis != b->basis)
			continue;
		q->sifted++;
		p = qcore_werner_qber_q32(a->fidelity) * 0x1.0p-32;
		q->mean += p;
		q->var += p * (1 - p);
		q->errors += (a->outcome == b->outcome) !=
			     qcore_bell_agree(a->basis, a->bell_index);
	}
	ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "qa", &s1));
	EXPECT_EQ(1, s1.v[QLINK_A_STATS_REQ_SUCCEEDED] -
		     s0.v[QLINK_A_STATS_REQ_SUCCEEDED]);
	EXPECT_EQ(n, s1.v[QLINK_A_STATS_DELIVERED] -
		     s0.v[QLINK_A_STATS_DELIVERED]);
	free(rc.r);
	free(rr.r);
}

static void check_qber(struct __test_metadata *_metadata, const char *what,
		       const struct qber *q)
{
	double sd = sqrt_d(q->var);

	TH_LOG("%s: %ld pairs (%.0f pairs/s through the sockets), %ld in a common basis, %ld errors, expected %.1f +- %.1f (QBER %.5f)",
	       what, q->n, q->pairs_per_s, q->sifted, q->errors, q->mean, sd,
	       (double)q->errors / (q->sifted ? q->sifted : 1));
	ASSERT_GT(q->sifted, 0);
	EXPECT_LE(fabs_d(q->errors - q->mean), 3 * sd + 1);
	/* Werner pairs: each end's outcome is a fair coin */
	EXPECT_LE(fabs_d(q->ones - q->n / 2.0), 3 * sqrt_d(q->n / 4.0) + 1);
}

/* 10^5 pairs of F = 0.9 measured in Z: QBER (1 - F) 2/3 = 1/15. */
TEST_F_TIMEOUT(sch, measure_qber_z, 300)
{
	struct qlink_pv pv = { PV_SIM(SOURCE_RATE), 50000000 };
	struct qber q;

	ASSERT_EQ(0, set_params(self, &pv, 1));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	run_measure(_metadata, self, 1, QLINK_BASIS_Z, QBER_N, &q);
	ASSERT_EQ(QBER_N, q.sifted);
	check_qber(_metadata, "Z", &q);
}

/* BBM92: each end picks Z or X; only common-basis pairs are checked. */
TEST_F_TIMEOUT(sch, measure_qber_random, 300)
{
	struct qlink_pv pv = { PV_SIM(SOURCE_RATE), 50000000 };
	double sd = 3 * sqrt_d(QBER_N / 4.0) + 1;
	struct qber q;

	ASSERT_EQ(0, set_params(self, &pv, 1));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	run_measure(_metadata, self, 2, QLINK_BASIS_RANDOM, QBER_N, &q);
	check_qber(_metadata, "random", &q);
	TH_LOG("Z at the creator %ld, at the receiver %ld", q.z_c, q.z_r);
	/* each end's choice is a fair coin, independent of the other's */
	EXPECT_LE(fabs_d(q.z_c - QBER_N / 2.0), sd);
	EXPECT_LE(fabs_d(q.z_r - QBER_N / 2.0), sd);
	EXPECT_LE(fabs_d(q.sifted - QBER_N / 2.0), sd);
}

/* X and Y with a lower fidelity (F0 0.8, drop 0.05: F = 0.75). */
TEST_F_TIMEOUT(sch, measure_bases_xy, 300)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 20000000 },
		{ PV_SIM(FIDELITY), 800000 },
		{ PV_SIM(FIDELITY_DROP), 50000 },
	};
	struct qber q;

	ASSERT_EQ(0, set_params(self, pv, 3));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	run_measure(_metadata, self, 3, QLINK_BASIS_X, 10000, &q);
	check_qber(_metadata, "X", &q);
	EXPECT_GT(q.mean, 10000 * 0.16);	/* F = 0.75 was used */
	run_measure(_metadata, self, 4, QLINK_BASIS_Y, 10000, &q);
	check_qber(_metadata, "Y", &q);
}

/* Read one record within MS; expect a refusal ERR with LAST. */
static void expect_refused(struct __test_metadata *_metadata, int cs, int rs,
			   uint32_t id, int error)
{
	struct qlink_record r;

	qlink_sock_timeout(cs, 2000);
	ASSERT_EQ(1, qlink_sock_rec(cs, &r, 0)) TH_LOG("request %u", id);
	qlink_sock_timeout(cs, QLINK_SOCK_TIMEOUT_MS);
	EXPECT_EQ(QLINK_REC_ERR, r.kind) TH_LOG("request %u", id);
	EXPECT_EQ(error, r.error) TH_LOG("request %u: error %d, errno %d", id,
					 r.error, r.sys_errno);
	EXPECT_EQ(id, r.create_id);
	EXPECT_EQ(QLINK_ROLE_CREATOR, r.role);
	EXPECT_TRUE(r.flags & QLINK_REC_LAST);
	EXPECT_EQ(0, r.index);
	/* to the creator only, and only one */
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(cs, &r, MSG_DONTWAIT));
	if (rs >= 0)
		EXPECT_EQ(-EAGAIN, qlink_sock_rec(rs, &r, MSG_DONTWAIT));
}

/* The request completes: N OK records at the creator and receiver. */
static void expect_served(struct __test_metadata *_metadata, int cs, int rs,
			  uint32_t id, int n)
{
	static struct qlink_record r[129];

	ASSERT_LE(n, 128);
	ASSERT_EQ(n, qlink_sock_read_last(cs, r, 129, NULL)) TH_LOG("request %u", id);
	EXPECT_EQ(QLINK_REC_OK, r[n - 1].kind) TH_LOG("request %u: error %d",
						       id, r[n - 1].error);
	EXPECT_EQ(id, r[n - 1].create_id);
	ASSERT_EQ(n, qlink_sock_read_last(rs, r, 129, NULL));
	EXPECT_EQ(QLINK_REC_OK, r[n - 1].kind);
}

/*
 * Skip the records of other requests up to the last one of request ID;
 * its error (an ERR record with LAST), 0 for OK, -1 if none came in 5 s.
 */
static int find_err(int fd, uint32_t id)
{
	int64_t t_end = qlink_now_ms() + 5000;
	struct qlink_record r;

	while (qlink_now_ms() < t_end && qlink_sock_rec(fd, &r, 0) == 1) {
		if (r.create_id != id || !(r.flags & QLINK_REC_LAST))
			continue;
		return r.kind == QLINK_REC_ERR ? r.error : 0;
	}
	return -1;
}

/* Read FD until N ERR OTHER ECONNRESET records came; how many did. */
static int count_resets(int fd, int n)
{
	struct qlink_record r;
	int resets = 0;

	while (resets < n && qlink_sock_rec(fd, &r, 0) == 1)
		resets += r.kind == QLINK_REC_ERR &&
			  r.error == QLINK_ERR_OTHER &&
			  r.sys_errno == ECONNRESET;
	return resets;
}

/* UNSUPP, NOTIME, NORES and REJECTED, each next to a request that passes. */
TEST_F_TIMEOUT(sch, refusals, 120)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(FIDELITY), 950000 },
		{ PV_SIM(FIDELITY_DROP), 50000 },	/* herald F 0.9 */
		{ PV_CFG(MEMORY_SLOTS), 16 },
	};
	const struct qlink_pv tags[] = {
		{ PV_SIM(HERALD_MODEL), QLINK_HERALD_TIME_TAGS },
		{ PV_CFG(MEMORY_SLOTS), 0 },
	};
	struct qlink_pv maxout = { QLINK_A_PURPOSE_MAX_OUTSTANDING, 2 };
	struct qlink_purpose_v pu;
	struct qlink_stats_v st;
	struct qlink_create c;
	int cs, rs, cx, rx, failed = 0;

	ASSERT_EQ(0, set_params(self, pv, 3));
	ASSERT_EQ(0, socks(self, 20, 0, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	ASSERT_EQ(1000000, self->l.a.exp_herald_mhz);
	/* (the kernel's expected fidelity may round down by 1 ppm) */
	ASSERT_LE(900000 - self->l.a.exp_fid, 1);

	/* UNSUPP: above the herald fidelity; atomic beyond the slots */
	qlink_create_init(&c, 1, 10, QLINK_REQ_KEEP);
	c.min_fidelity = 900001;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_refused(_metadata, cs, rs, 1, QLINK_ERR_UNSUPP);
	failed++;
	c.min_fidelity = 900000;
	c.create_id = 2;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_served(_metadata, cs, rs, 2, 10);
	qlink_create_init(&c, 3, 17, QLINK_REQ_KEEP);
	c.flags = QLINK_CREATE_ATOMIC;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_refused(_metadata, cs, rs, 3, QLINK_ERR_UNSUPP);
	failed++;
	c.number = 16;
	c.create_id = 4;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_served(_metadata, cs, rs, 4, 16);

	/* NOTIME: 3000 pairs at 1000/s cannot come within 2 s */
	qlink_create_init(&c, 5, 3000, QLINK_REQ_MEASURE);
	c.max_time = 2000000000ULL;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_refused(_metadata, cs, rs, 5, QLINK_ERR_NOTIME);
	failed++;
	c.number = 100;
	c.create_id = 6;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_served(_metadata, cs, rs, 6, 100);

	/* REJECTED: nobody at the other end, not opted in, other purpose */
	cx = sock_at(self, 0, SOCK_SEQPACKET);
	ASSERT_EQ(0, qlink_sock_bind(cx, self->l.a.ifindex, 21));
	qlink_create_init(&c, 7, 1, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(cx, &c));
	expect_refused(_metadata, cx, -1, 7, QLINK_ERR_REJECTED);
	failed++;
	rx = sock_at(self, 1, SOCK_SEQPACKET);
	ASSERT_EQ(0, qlink_sock_bind(rx, self->l.b.ifindex, 21));
	c.create_id = 8;
	ASSERT_EQ(0, qlink_sock_create(cx, &c));
	expect_refused(_metadata, cx, rx, 8, QLINK_ERR_REJECTED);
	failed++;
	/* opted in for purpose 20 (rs) only: still nobody for 21 */
	c.create_id = 9;
	ASSERT_EQ(0, qlink_sock_create(cx, &c));
	expect_refused(_metadata, cx, rx, 9, QLINK_ERR_REJECTED);
	failed++;
	ASSERT_EQ(0, qlink_sock_receive(rx, 1));
	c.create_id = 10;
	ASSERT_EQ(0, qlink_sock_create(cx, &c));
	expect_served(_metadata, cx, rx, 10, 1);
	ASSERT_EQ(0, qlink_sock_receive(rx, 0));
	c.create_id = 11;
	ASSERT_EQ(0, qlink_sock_create(cx, &c));
	expect_refused(_metadata, cx, rx, 11, QLINK_ERR_REJECTED);
	failed++;

	/* NORES: two outstanding at most */
	ASSERT_EQ(0, qlink_nl_purpose_set(&self->l.gn, "qa", 20, &maxout, 1));
	qlink_create_init(&c, 12, 1000000, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	c.create_id = 13;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	c.create_id = 14;
	c.number = 1;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	/* the two big ones' records come first: skip them */
	EXPECT_EQ(QLINK_ERR_NORES, find_err(cs, 14));
	failed++;
	EXPECT_EQ(2, qlink_sock_outstanding(cs));
	ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn_b, "qb", 20, &pu));
	EXPECT_EQ(2, pu.v[QLINK_A_PURPOSE_OUTSTANDING]);
	EXPECT_EQ(2, pu.v[QLINK_A_PURPOSE_MAX_OUTSTANDING]);
	EXPECT_EQ(pu.v[QLINK_A_PURPOSE_REQUESTS],
		  pu.v[QLINK_A_PURPOSE_REQ_SUCCEEDED] +
		  pu.v[QLINK_A_PURPOSE_REQ_FAILED] +
		  pu.v[QLINK_A_PURPOSE_OUTSTANDING]);
	EXPECT_EQ(4, pu.v[QLINK_A_PURPOSE_REQ_FAILED]);
	ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "qa", &st));
	EXPECT_EQ(failed, st.v[QLINK_A_STATS_REQ_FAILED]);
	EXPECT_EQ(4, st.v[QLINK_A_STATS_REQ_SUCCEEDED]);
	EXPECT_EQ(failed + 4 + 2, st.v[QLINK_A_STATS_REQUESTS]);

	/* a photonic link has no slots: atomic up to QLINK_ATOMIC_MAX */
	close(cs);	/* cancels the two: the receiver hears of it */
	self->fd[0] = -1;
	EXPECT_EQ(2, count_resets(rs, 2));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 0));
	ASSERT_EQ(0, set_params(self, tags, 2));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	cs = sock_at(self, 0, SOCK_SEQPACKET);
	ASSERT_EQ(0, qlink_sock_bind(cs, self->l.a.ifindex, 20));
	qlink_create_init(&c, 15, QLINK_ATOMIC_MAX + 1, QLINK_REQ_MEASURE);
	c.flags = QLINK_CREATE_ATOMIC;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_refused(_metadata, cs, rs, 15, QLINK_ERR_UNSUPP);
	c.number = QLINK_ATOMIC_MAX;
	c.create_id = 16;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_served(_metadata, cs, rs, 16, QLINK_ATOMIC_MAX);
}

/*
 * TIMEOUT at the deadline, to both ends: an interactive request of
 * another purpose takes every pair, the batch one gets none.
 */
/*
 * The scheduler plans with the calibration, whoever set it: an operator's
 * herald rate (set at end B, seen at both ends) makes a deadline that the
 * link's real rate meets impossible (NOTIME), until a change of
 * qlinksim's physics makes the driver report its own calibration again.
 */
TEST_F_TIMEOUT(sch, calib_herald_rate, 120)
{
	const struct qlink_pv slow = { PV_CAL(HERALD_RATE), 10000 };	/* 10/s */
	const struct qlink_pv phys = { PV_SIM(SOURCE_RATE), 1000000 };
	struct qlink_create c;
	int cs, rs;

	ASSERT_EQ(0, socks(self, 20, 0, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	ASSERT_EQ(1000000, self->l.a.exp_herald_mhz);

	/* 100 pairs at 1000/s: 2 s is plenty */
	qlink_create_init(&c, 1, 100, QLINK_REQ_MEASURE);
	c.max_time = 2000000000ULL;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_served(_metadata, cs, rs, 1, 100);

	ASSERT_EQ(0, qlink_nl_set(&self->l.gn_b, "qb", &slow, 1));
	ASSERT_EQ(0, qlink_nl_link(&self->l.gn, "qa", &self->l.a));
	ASSERT_EQ(0, qlink_nl_link(&self->l.gn_b, "qb", &self->l.b));
	EXPECT_EQ(10000, self->l.a.calib[QLINK_A_CALIB_HERALD_RATE]);
	EXPECT_EQ(10000, self->l.b.calib[QLINK_A_CALIB_HERALD_RATE]);
	/* the rest of the calibration stays the driver's */
	EXPECT_EQ(900000, self->l.a.calib[QLINK_A_CALIB_FIDELITY]);

	/* at 10/s, 100 pairs need 10 s */
	c.create_id = 2;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_refused(_metadata, cs, rs, 2, QLINK_ERR_NOTIME);
	c.create_id = 3;
	c.number = 10;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_served(_metadata, cs, rs, 3, 10);

	/* the driver reports again at a physics change (the same rate) */
	ASSERT_EQ(0, qlink_nl_set(&self->l.gn, "qa", &phys, 1));
	ASSERT_EQ(0, qlink_nl_link(&self->l.gn, "qa", &self->l.a));
	ASSERT_EQ(0, qlink_nl_link(&self->l.gn_b, "qb", &self->l.b));
	EXPECT_EQ(1000000, self->l.a.calib[QLINK_A_CALIB_HERALD_RATE]);
	EXPECT_EQ(1000000, self->l.b.calib[QLINK_A_CALIB_HERALD_RATE]);
	c.create_id = 4;
	c.number = 100;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	expect_served(_metadata, cs, rs, 4, 100);
}

TEST_F_TIMEOUT(sch, timeout, 120)
{
	struct qlink_record r;
	struct qlink_create c;
	int hc, hr, cs, rs;
	int64_t t0, dt;

	ASSERT_EQ(0, socks(self, 30, 0, &hc, &hr));
	ASSERT_EQ(0, socks(self, 31, 1, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&c, 1, 1000000, QLINK_REQ_KEEP);
	c.priority = QLINK_PRIO_INTERACTIVE;
	ASSERT_EQ(0, qlink_sock_create(hc, &c));
	ASSERT_EQ(1, qlink_sock_rec(hc, &r, 0));	/* the hog is served */
	qlink_create_init(&c, 2, 10, QLINK_REQ_KEEP);
	c.priority = QLINK_PRIO_BATCH;
	c.max_time = 300000000;
	t0 = qlink_now_ms();
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	ASSERT_EQ(1, qlink_sock_rec(cs, &r, 0));
	dt = qlink_now_ms() - t0;
	EXPECT_EQ(QLINK_REC_ERR, r.kind);
	EXPECT_EQ(QLINK_ERR_TIMEOUT, r.error);
	EXPECT_TRUE(r.flags & QLINK_REC_LAST);
	EXPECT_EQ(0, r.index);
	EXPECT_EQ(QLINK_ROLE_CREATOR, r.role);
	EXPECT_GE(dt, 250);
	EXPECT_LT(dt, 5000);
	ASSERT_EQ(1, qlink_sock_rec(rs, &r, 0));
	EXPECT_EQ(QLINK_REC_ERR, r.kind);
	EXPECT_EQ(QLINK_ERR_TIMEOUT, r.error);
	EXPECT_TRUE(r.flags & QLINK_REC_LAST);
	EXPECT_EQ(QLINK_ROLE_RECEIVER, r.role);
	EXPECT_EQ(2, r.create_id);
	EXPECT_EQ(0, qlink_sock_outstanding(cs));
	EXPECT_EQ(1, qlink_sock_outstanding(hc));
}

#define ATOMIC_N	8
#define CUTOFF_NS	40000000LL

/*
 * Atomic requests of 8 pairs at about 100 pairs/s (Poisson: p = 1/4 at
 * 400 attempts/s) with a 40 ms cutoff: held pairs expire (ERR EXPIRE with
 * their range, the request goes on) until 8 come within 40 ms; those are
 * delivered together (all heralded before the first is delivered).
 */
TEST_F_TIMEOUT(sch, atomic_expire, 180)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 400000 },
		{ PV_SIM(DET_EFF_A), 500000 },
		{ PV_SIM(DET_EFF_B), 500000 },
		{ PV_CFG(CUTOFF), CUTOFF_NS },
	};
	static struct qlink_record cr[512], rr[512];
	int cs, rs, round, expired = 0;

	ASSERT_EQ(0, set_params(self, pv, 4));
	ASSERT_EQ(0, socks(self, 40, 0, &cs, &rs));
	qlink_sock_timeout(cs, 30000);
	qlink_sock_timeout(rs, 30000);
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));

	for (round = 0; round < 6 && (round < 2 || !expired); round++) {
		struct qlink_create c;
		uint64_t hmin = ~0ULL, hmax = 0, last_exp = 0;
		int64_t lt1;
		int nc, nr, i, j, ok = 0, first_ok = -1, n_exp = 0;
		struct qlink_record more;

		qlink_create_init(&c, 100 + round, ATOMIC_N, QLINK_REQ_KEEP);
		c.flags = QLINK_CREATE_ATOMIC;
		ASSERT_EQ(0, qlink_sock_create(cs, &c));
		/* up to the first OK record, then the rest at once */
		for (nc = 0; nc < 500; nc++) {
			ASSERT_EQ(1, qlink_sock_rec(cs, &cr[nc], 0));
			if (cr[nc].kind == QLINK_REC_OK)
				break;
		}
		ASSERT_LT(nc, 500);
		/* the link's clock when the first pair was delivered */
		lt1 = qlink_link_time(&self->l.gn, "qa");
		first_ok = nc++;
		for (; nc < first_ok + ATOMIC_N; nc++)
			ASSERT_EQ(1, qlink_sock_rec(cs, &cr[nc], 0));
		ASSERT_TRUE(cr[nc - 1].flags & QLINK_REC_LAST);
		EXPECT_EQ(-EAGAIN, qlink_sock_rec(cs, &more, MSG_DONTWAIT));

		for (i = 0; i < nc; i++) {
			const struct qlink_record *r = &cr[i];

			ASSERT_EQ(c.create_id, r->create_id);
			if (r->kind == QLINK_REC_ERR) {
				ASSERT_LT(i, first_ok);
				ASSERT_EQ(QLINK_ERR_EXPIRE, r->error);
				ASSERT_FALSE(r->flags & QLINK_REC_LAST);
				ASSERT_LE(r->seq, r->seq_last);
				if (n_exp)
					ASSERT_GT(r->seq, last_exp);
				last_exp = r->seq_last;
				n_exp++;
				continue;
			}
			ASSERT_EQ(ok, r->index);
			ok++;
			/* held until all were there: every pair had been
			 * heralded when the first was delivered
			 */
			ASSERT_LE((int64_t)r->herald_time, lt1)
				TH_LOG("pair %d heralded %.1f ms after delivery",
				       r->index,
				       ((int64_t)r->herald_time - lt1) / 1e9);
			hmin = r->herald_time < hmin ? r->herald_time : hmin;
			hmax = r->herald_time > hmax ? r->herald_time : hmax;
			/* not one of the expired pairs */
			for (j = 0; j < first_ok; j++)
				ASSERT_FALSE(r->seq >= cr[j].seq &&
					     r->seq <= cr[j].seq_last);
			ASSERT_GT(r->seq, last_exp);
		}
		ASSERT_EQ(ATOMIC_N, ok);
		/* all held together: within the cutoff of each other */
		EXPECT_LE(hmax - hmin, CUTOFF_NS * 1000);

		/* the receiver: the same pairs (EXPIRE records, if it gets
		 * them, the same ranges)
		 */
		nr = qlink_sock_read_last(rs, rr, 512, NULL);
		ASSERT_GE(nr, ATOMIC_N);
		for (i = 0, j = first_ok; i < nr; i++) {
			if (rr[i].kind == QLINK_REC_ERR) {
				ASSERT_EQ(QLINK_ERR_EXPIRE, rr[i].error);
				continue;
			}
			ASSERT_EQ(cr[j].seq, rr[i].seq);
			j++;
		}
		ASSERT_EQ(first_ok + ATOMIC_N, j);
		TH_LOG("round %d: %d EXPIRE records (receiver %d), pairs within %.1f ms",
		       round, n_exp, nr - ATOMIC_N, (hmax - hmin) / 1e9);
		expired += n_exp;
	}
	EXPECT_GT(expired, 0);
}

/* Read records of CS until LAST into R (at most MAX); the count. */
static int read_req(int cs, struct qlink_record *r, int max)
{
	return qlink_sock_read_last(cs, r, max, NULL);
}

/*
 * Two purposes of equal weight: a consecutive request gets a run of
 * pairs with none of the other's in between; without the flag they
 * interleave.
 */
TEST_F_TIMEOUT(sch, consecutive, 120)
{
	static struct qlink_record r1[1000], r2[200], tmp[1000];
	/* no backlog in the buffer: purpose 50 stays backlogged while 51
	 * is served
	 */
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 2000000 },
		{ PV_CFG(MAX_PAIRS), 16 },
	};
	int c1, x1, c2, x2, round, i, inside;

	ASSERT_EQ(0, set_params(self, pv, 2));
	ASSERT_EQ(0, socks(self, 50, 0, &c1, &x1));
	ASSERT_EQ(0, socks(self, 51, 1, &c2, &x2));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	for (round = 0; round < 2; round++) {
		struct qlink_create c;
		uint64_t first, last;

		qlink_create_init(&c, 1, 1000, QLINK_REQ_KEEP);
		ASSERT_EQ(0, qlink_sock_create(c1, &c));
		ASSERT_EQ(1, qlink_sock_rec(c1, &r1[0], 0));	/* started */
		qlink_create_init(&c, 2, 100, QLINK_REQ_KEEP);
		c.flags = round ? 0 : QLINK_CREATE_CONSECUTIVE;
		ASSERT_EQ(0, qlink_sock_create(c2, &c));
		ASSERT_EQ(999, qlink_sock_read_n(c1, r1 + 1, 999, NULL));
		ASSERT_EQ(100, read_req(c2, r2, 200));
		ASSERT_EQ(1000, qlink_sock_read_n(x1, tmp, 1000, NULL));
		ASSERT_EQ(100, read_req(x2, tmp, 1000));
		first = r2[0].seq;
		last = r2[99].seq;
		for (i = inside = 0; i < 1000; i++)
			inside += r1[i].seq > first && r1[i].seq < last;
		TH_LOG("%s: purpose 51 seq %lu..%lu, %d pairs of purpose 50 inside",
		       round ? "not consecutive" : "consecutive",
		       (unsigned long)first, (unsigned long)last, inside);
		if (!round) {
			EXPECT_EQ(0, inside);
		} else {
			EXPECT_GT(inside, 50);	/* equal weights: about 100 */
		}
	}
}

#define NP		32
#define N_NORMAL	24
#define MAXH		20000

struct purpose_log {
	int cs, rs;
	int n;
	uint64_t h[MAXH];	/* herald times of the creator's records */
	long errs;		/* ERR OTHER ENETDOWN records, both ends */
	long bad;		/* other ERR records */
};

static struct purpose_log plog[NP];

/* Read every socket for MS milliseconds. */
static void read_all(int ep, int ms)
{
	int64_t t_end = qlink_now_ms() + ms;
	struct epoll_event ev[64];
	struct qlink_record r[64];
	int n, i, k, got;

	while (qlink_now_ms() < t_end) {
		n = epoll_wait(ep, ev, 64, 50);
		for (i = 0; i < n; i++) {
			int p = ev[i].data.u32 >> 1, is_c = !(ev[i].data.u32 & 1);
			int fd = is_c ? plog[p].cs : plog[p].rs;

			got = qlink_sock_recs(fd, r, 64, MSG_DONTWAIT);
			for (k = 0; k < got; k++) {
				if (r[k].kind != QLINK_REC_OK) {
					if (r[k].error == QLINK_ERR_OTHER &&
					    r[k].sys_errno == ENETDOWN)
						plog[p].errs++;
					else
						plog[p].bad++;
					continue;
				}
				if (is_c && plog[p].n < MAXH)
					plog[p].h[plog[p].n++] = r[k].herald_time;
			}
		}
	}
}

/*
 * 32 purposes with a socket at each end (creators alternate between the
 * ends): 8 batch purposes are served alone, then 24 normal ones of
 * weights 1..4 take every pair in proportion to their weights.
 */
TEST_F_TIMEOUT(sch, wfq_64_sockets, 180)
{
	struct qlink_pv pv = { PV_SIM(SOURCE_RATE), 4000000 };
	struct qlink_pv w = { QLINK_A_PURPOSE_WEIGHT, 1 };
	uint64_t lo = 0, hi = ~0ULL;
	long cnt[NP], total = 0, batch_in = 0;
	struct epoll_event ev;
	struct qlink_create c;
	int ep, i, k, wsum = 0;

	ASSERT_EQ(0, set_params(self, &pv, 1));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	for (i = 0; i < NP; i++) {
		memset(&plog[i], 0, sizeof(plog[i]));
		ASSERT_EQ(0, socks(self, 100 + i, i & 1, &plog[i].cs,
				   &plog[i].rs));
		w.val = i < N_NORMAL ? 1 + i % 4 : 1;
		wsum += i < N_NORMAL ? w.val : 0;
		ASSERT_EQ(0, qlink_nl_purpose_set(&self->l.gn, "qa", 100 + i, &w, 1));
		ev = (struct epoll_event){ .events = EPOLLIN,
					   .data.u32 = i << 1 };
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, plog[i].cs, &ev));
		ev.data.u32 = i << 1 | 1;
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, plog[i].rs, &ev));
	}
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));

	/* batch alone */
	for (i = N_NORMAL; i < NP; i++) {
		qlink_create_init(&c, i, 1000000, QLINK_REQ_MEASURE);
		c.priority = QLINK_PRIO_BATCH;
		c.basis = QLINK_BASIS_RANDOM;
		ASSERT_EQ(0, qlink_sock_create(plog[i].cs, &c));
	}
	read_all(ep, 400);
	/* (braces: the harness runs TH_LOG in a loop of its own) */
	for (i = N_NORMAL; i < NP; i++) {
		EXPECT_GT(plog[i].n, 0) TH_LOG("batch purpose %d unserved", i);
	}

	/* normal ones arrive: batch gets nothing while they are backlogged */
	for (i = 0; i < N_NORMAL; i++) {
		qlink_create_init(&c, i, 1000000, i % 3 ? QLINK_REQ_KEEP :
							  QLINK_REQ_MEASURE);
		ASSERT_EQ(0, qlink_sock_create(plog[i].cs, &c));
	}
	read_all(ep, 2500);
	/* stop (every request ends with ENETDOWN at both ends), read all */
	ASSERT_EQ(0, qlink_rt_set_up(&self->l.rt, "qa", 0));
	read_all(ep, 1500);
	close(ep);

	/* the window in which every normal purpose had been served */
	for (i = 0; i < N_NORMAL; i++) {
		ASSERT_GT(plog[i].n, 10) TH_LOG("purpose %d got %d", i, plog[i].n);
		lo = plog[i].h[0] > lo ? plog[i].h[0] : lo;
		hi = plog[i].h[plog[i].n - 1] < hi ? plog[i].h[plog[i].n - 1] : hi;
	}
	ASSERT_LT(lo, hi);
	for (i = 0; i < NP; i++) {
		EXPECT_EQ(2, plog[i].errs) TH_LOG("purpose %d", i);
		EXPECT_EQ(0, plog[i].bad) TH_LOG("purpose %d", i);
		for (k = cnt[i] = 0; k < plog[i].n; k++)
			cnt[i] += plog[i].h[k] > lo && plog[i].h[k] <= hi;
		if (i < N_NORMAL)
			total += cnt[i];
		else
			batch_in += cnt[i];
	}
	TH_LOG("window %.3f s of link time: %ld pairs to normal purposes, %ld to batch",
	       (hi - lo) / 1e12, total, batch_in);
	EXPECT_EQ(0, batch_in);
	ASSERT_GT(total, 2000);
	for (i = 0; i < N_NORMAL; i++) {
		double want = (double)total * (1 + i % 4) / wsum;

		EXPECT_LE(fabs_d(cnt[i] - want), 0.1 * want)
			TH_LOG("purpose %d weight %d: %ld pairs, want %.1f", i,
			       1 + i % 4, cnt[i], want);
	}
}

/* An interactive request takes the next pairs from a half-served batch one. */
TEST_F_TIMEOUT(sch, interactive_preempts_batch, 120)
{
	static struct qlink_record rb_[700], ri[64], tmp[700];
	struct qlink_create c;
	int bc, br, ic, ir, nb, ni, i, during = 0, after = 0;
	int64_t t_send;

	ASSERT_EQ(0, socks(self, 60, 0, &bc, &br));
	ASSERT_EQ(0, socks(self, 61, 1, &ic, &ir));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&c, 1, 600, QLINK_REQ_KEEP);
	c.priority = QLINK_PRIO_BATCH;
	ASSERT_EQ(0, qlink_sock_create(bc, &c));
	for (nb = 0; nb < 150; nb++)
		ASSERT_EQ(1, qlink_sock_rec(bc, &rb_[nb], 0));
	t_send = qlink_link_time(&self->l.gn, "qa");
	qlink_create_init(&c, 2, 30, QLINK_REQ_KEEP);
	c.priority = QLINK_PRIO_INTERACTIVE;
	ASSERT_EQ(0, qlink_sock_create(ic, &c));
	ni = read_req(ic, ri, 64);
	ASSERT_EQ(30, ni);
	ASSERT_EQ(450, read_req(bc, rb_ + nb, 700 - nb));
	nb += 450;
	ASSERT_EQ(600, read_req(br, tmp, 700));
	ASSERT_EQ(30, read_req(ir, tmp, 700));
	for (i = 0; i < nb; i++) {
		ASSERT_EQ(i, rb_[i].index);
		during += rb_[i].seq > ri[0].seq && rb_[i].seq < ri[29].seq;
		after += rb_[i].seq > ri[29].seq;
	}
	TH_LOG("interactive seq %lu..%lu, first heralded %.1f ms after the request; batch pairs inside %d, after %d",
	       (unsigned long)ri[0].seq, (unsigned long)ri[29].seq,
	       ((int64_t)ri[0].herald_time - t_send) / 1e9, during, after);
	EXPECT_EQ(0, during);
	EXPECT_EQ(29, ri[29].seq - ri[0].seq);
	EXPECT_GT(after, 0);	/* batch resumed afterwards */
	EXPECT_LT((int64_t)ri[0].herald_time - t_send, 200000000000LL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * RATE quota 500/s on a 5000/s link: a bucket of one second's worth, then
 * pairs at the quota's rate. Timed as the records arrive (the bucket runs
 * on the kernel's clock, not the link's: under a slow kernel the link's
 * ingest lags behind), over the last 400 pairs (0.8 s), well after the
 * bucket ran dry.
 */
TEST_F_TIMEOUT(sch, rate_quota, 120)
{
	static struct qlink_record r[1500], tmp[1500];
	static double t[1500];
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 5000000 },
		{ PV_CFG(MAX_PAIRS), 16 },
	};
	struct qlink_pv rate = { QLINK_A_PURPOSE_RATE, 500000 };	/* 500/s */
	struct qlink_purpose_v pu;
	struct qlink_create c;
	double got, by_herald;
	int cs, rs, i;

	ASSERT_EQ(0, set_params(self, pv, 2));
	ASSERT_EQ(0, qlink_nl_purpose_set(&self->l.gn, "qa", 70, &rate, 1));
	ASSERT_EQ(0, socks(self, 70, 0, &cs, &rs));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&c, 1, 1500, QLINK_REQ_MEASURE);
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	for (i = 0; i < 1500; i++) {
		ASSERT_EQ(1, qlink_sock_rec(cs, &r[i], 0));
		t[i] = now_s();
		ASSERT_EQ(QLINK_REC_OK, r[i].kind);
	}
	EXPECT_TRUE(r[1499].flags & QLINK_REC_LAST);
	ASSERT_EQ(1500, qlink_sock_read_n(rs, tmp, 1500, NULL));
	/*
	 * The last 400 pairs came at the quota's rate, not the link's (the
	 * bucket is dry by pair 1000 even if the link gives only 1000/s).
	 */
	got = 400 / (t[1499] - t[1099]);
	by_herald = 400e12 / (r[1499].herald_time - r[1099].herald_time);
	TH_LOG("1500 pairs in %.3f s; the last 400 at %.0f pairs/s (%.0f by herald time; link 5000/s, quota 500/s)",
	       t[1499] - t[0], got, by_herald);
	EXPECT_LE(fabs_d(got - 500), 50);
	EXPECT_LT(by_herald, 1000);
	ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn, "qa", 70, &pu));
	EXPECT_EQ(500000, pu.v[QLINK_A_PURPOSE_RATE]);
	EXPECT_EQ(1500, pu.v[QLINK_A_PURPOSE_DELIVERED]);
}

/*
 * A 20 pairs/s link; purpose 80 keeps 4 pairs of F >= 0.9 reserved. An
 * interactive request for 3 is answered inside send(); the same request
 * of a purpose without a reservation has to wait for heralds.
 */
TEST_F_TIMEOUT(sch, reservation, 120)
{
	const struct qlink_pv res[] = {
		{ QLINK_A_PURPOSE_RESERVE, 4 },
		{ QLINK_A_PURPOSE_RESERVE_FIDELITY, 900000 },
	};
	struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 20000 },
		{ PV_SIM(FIDELITY), 950000 },
	};
	struct qlink_record cr[8], rr[8], r;
	struct qlink_purpose_v pu;
	struct qlink_create c;
	int cs, rs, c2, r2, i;
	int64_t t_end, lt;

	ASSERT_EQ(0, set_params(self, pv, 2));
	ASSERT_EQ(0, qlink_nl_purpose_set(&self->l.gn, "qa", 80, res, 2));
	ASSERT_EQ(0, socks(self, 80, 0, &cs, &rs));
	ASSERT_EQ(0, socks(self, 81, 0, &c2, &r2));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	t_end = qlink_now_ms() + 10000;
	do {
		usleep(50000);
		ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn_b, "qb", 80, &pu));
	} while (pu.v[QLINK_A_PURPOSE_RESERVED] < 4 && qlink_now_ms() < t_end);
	ASSERT_EQ(4, pu.v[QLINK_A_PURPOSE_RESERVED]);
	EXPECT_EQ(4, pu.v[QLINK_A_PURPOSE_RESERVE]);
	EXPECT_EQ(900000, pu.v[QLINK_A_PURPOSE_RESERVE_FIDELITY]);
	lt = qlink_link_time(&self->l.gn, "qa");

	qlink_create_init(&c, 1, 3, QLINK_REQ_KEEP);
	c.priority = QLINK_PRIO_INTERACTIVE;
	c.min_fidelity = 900000;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, qlink_sock_rec(cs, &cr[i], MSG_DONTWAIT))
			TH_LOG("creator record %d not ready after send()", i);
		ASSERT_EQ(1, qlink_sock_rec(rs, &rr[i], MSG_DONTWAIT))
			TH_LOG("receiver record %d not ready after send()", i);
		EXPECT_EQ(QLINK_REC_OK, cr[i].kind);
		EXPECT_EQ(i, cr[i].index);
		EXPECT_EQ(cr[i].seq, rr[i].seq);
		EXPECT_GE(cr[i].fidelity, 900000);
		/* heralded before the request */
		EXPECT_LE((int64_t)cr[i].herald_time, lt);
	}
	EXPECT_TRUE(cr[2].flags & QLINK_REC_LAST);
	EXPECT_TRUE(rr[2].flags & QLINK_REC_LAST);
	ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn, "qa", 80, &pu));
	EXPECT_LE(pu.v[QLINK_A_PURPOSE_RESERVED], 2);

	/* without a reservation: wait for heralds */
	c.create_id = 2;
	ASSERT_EQ(0, qlink_sock_create(c2, &c));
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(c2, &r, MSG_DONTWAIT));
	ASSERT_EQ(3, qlink_sock_read_last(c2, cr, 8, NULL));
	ASSERT_EQ(3, qlink_sock_read_last(r2, rr, 8, NULL));
	EXPECT_GT((int64_t)cr[0].herald_time, lt);

	/* the reservation fills up again */
	t_end = qlink_now_ms() + 10000;
	do {
		usleep(50000);
		ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn, "qa", 80, &pu));
	} while (pu.v[QLINK_A_PURPOSE_RESERVED] < 4 && qlink_now_ms() < t_end);
	EXPECT_EQ(4, pu.v[QLINK_A_PURPOSE_RESERVED]);
}

TEST_F(sch, purpose_set_checks)
{
	const struct qlink_pv cfg[] = {
		{ QLINK_A_PURPOSE_WEIGHT, 7 },
		{ QLINK_A_PURPOSE_RATE, 123000 },
		{ QLINK_A_PURPOSE_MAX_OUTSTANDING, 5 },
		{ QLINK_A_PURPOSE_RESERVE, 2 },
		{ QLINK_A_PURPOSE_RESERVE_FIDELITY, 800000 },
	};
	const struct qlink_pv bad[] = {
		{ QLINK_A_PURPOSE_WEIGHT, 0 },
		{ QLINK_A_PURPOSE_WEIGHT, QLINK_WEIGHT_MAX + 1 },
		{ QLINK_A_PURPOSE_RESERVE, QLINK_RESERVE_MAX + 1 },
		{ QLINK_A_PURPOSE_RESERVE_FIDELITY, 1000001 },
	};
	struct qlink_purpose_v pu;
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = qlink_nl_purpose_set(&self->l.gn, "qa", 90, &bad[i], 1);
		EXPECT_TRUE(err == -EINVAL || err == -ERANGE)
			TH_LOG("setting %u: %d", i, err);
		EXPECT_NE('\0', self->l.gn.extack[0]) TH_LOG("setting %u", i);
	}
	err = qlink_nl_purpose_set(&self->l.gn, "qa", 0, cfg, 1);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE) TH_LOG("id 0: %d", err);
	EXPECT_EQ(-ENODEV, qlink_nl_purpose_set(&self->l.gn, "nosuch", 90, cfg, 1));
	EXPECT_NE(0, qlink_nl_purpose_set(&self->l.gn, "lo", 90, cfg, 1));

	ASSERT_EQ(0, qlink_nl_purpose_set(&self->l.gn, "qa", 90, cfg, 5));
	/* both ends share one scheduler */
	ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn_b, "qb", 90, &pu));
	ASSERT_EQ(1, pu.found);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(cfg[i].val, pu.v[cfg[i].attr]) TH_LOG("setting %u", i);
	EXPECT_EQ(0, pu.v[QLINK_A_PURPOSE_REQUESTS]);
	EXPECT_EQ(0, pu.v[QLINK_A_PURPOSE_RECEIVERS]);
}

TEST_HARNESS_MAIN
