// SPDX-License-Identifier: GPL-2.0
/*
 * Hardening of the pair buffer and the simulator (issue 12):
 *  - pairs of a previous run are never handed out while the second end
 *    is in ndo_open (qlinksim debugfs start_delay_ms widens the window);
 *  - pair rings are charged to the memory cgroup: a cgroup at its limit
 *    gets ENOMEM for a large ring, at link creation and at link up, and
 *    no warning;
 *  - the link clock passes 2^63 ps (qlinksim debugfs start_clock_ps):
 *    the simulator rebases it and the link goes on heralding; pairs the
 *    scheduler held across the rebase are dropped;
 *  - a PAIR_GET dump of a full 2^20-pair ring is linear (it was O(n^2)
 *    with BHs off).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"

#define DBG	"/sys/kernel/debug/qlinksim/"
#define CG	"/sys/fs/cgroup"

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int knob(const char *name, unsigned long long v)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), DBG "%s", name);
	snprintf(buf, sizeof(buf), "%llu", v);
	return write_str(path, buf);
}

FIXTURE(ph)
{
	struct qlink_ns_link l;
};

FIXTURE_SETUP(ph)
{
	memset(&self->l, 0, sizeof(self->l));
	self->l.ns_a = -1;
}

FIXTURE_TEARDOWN(ph)
{
	knob("start_delay_ms", 0);
	knob("start_clock_ps", 0);
	if (self->l.ns_a >= 0)
		qlink_ns_link_teardown(&self->l);
}

struct up_arg {
	struct qlink_nl *rt;
	const char *name;
	int ret;
	int64_t done_ms;
};

static void *up_thread(void *p)
{
	struct up_arg *a = p;

	a->ret = qlink_rt_set_up(a->rt, a->name, 1);
	a->done_ms = qlink_now_ms();
	return NULL;
}

/*
 * B goes down and up again while requests wait: during B's ndo_open the
 * scheduler sees both ends running, and the buffers still hold the pairs
 * of the first run until ndo_open restarts them. The request must be
 * served from the new run, i.e. after the link up returned.
 */
TEST_F(ph, no_pair_of_the_previous_run)
{
	struct qlink_pv pv[9];
	struct qlink_record r;
	struct qlink_create c;
	struct qlink_stats_v st;
	struct up_arg up;
	pthread_t th;
	int n = qlink_ev_params(pv, 2000, 900000), ca, rb;
	int64_t rec_ms, up_ms;

	if (knob("start_delay_ms", 0)) {
		SKIP(return, "no qlinksim debugfs start_delay_ms");
	}
	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "ha", "hb", pv, n));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	ca = qlink_sock_in(-1, SOCK_SEQPACKET);
	rb = qlink_sock_in(self->l.ns_b, SOCK_SEQPACKET);
	ASSERT_GE(ca, 0);
	ASSERT_GE(rb, 0);
	ASSERT_EQ(0, qlink_sock_bind(ca, self->l.a.ifindex, 7));
	ASSERT_EQ(0, qlink_sock_bind(rb, self->l.b.ifindex, 7));
	ASSERT_EQ(0, qlink_sock_receive(rb, 1));
	usleep(300 * 1000);

	/* the first run's pairs stay in both buffers while B is down */
	ASSERT_EQ(0, qlink_rt_set_up(&self->l.rt_b, "hb", 0));
	ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "ha", &st));
	ASSERT_GT(st.v[QLINK_A_STATS_PAIRS], 10);

	ASSERT_EQ(0, knob("start_delay_ms", 2000));
	up = (struct up_arg){ .rt = &self->l.rt_b, .name = "hb" };
	up_ms = qlink_now_ms();
	ASSERT_EQ(0, pthread_create(&th, NULL, up_thread, &up));
	usleep(500 * 1000);	/* B is in ndo_open now, for 1.5 s more */
	qlink_create_init(&c, 1, 1, QLINK_REQ_KEEP);
	c.purpose = 7;
	/*
	 * The scheduler takes B for down until its carrier is on (the
	 * buffer refuses old pairs by itself too): then ask again once B
	 * is up. Either way the pair must be of the new run.
	 */
	n = qlink_sock_create(ca, &c);
	if (n == -ENETDOWN) {
		pthread_join(th, NULL);
		ASSERT_EQ(0, up.ret);
		ASSERT_EQ(0, qlink_sock_create(ca, &c));
	} else {
		ASSERT_EQ(0, n);
	}
	ASSERT_EQ(1, qlink_sock_rec(ca, &r, 0));
	rec_ms = qlink_now_ms();
	if (n != -ENETDOWN)
		pthread_join(th, NULL);
	ASSERT_EQ(0, up.ret);
	EXPECT_EQ(QLINK_REC_OK, r.kind);
	TH_LOG("record %lld ms after the link up began, which took %lld ms",
	       (long long)(rec_ms - up_ms), (long long)(up.done_ms - up_ms));
	/*
	 * The new run's pairs come once ndo_open restarted the buffers,
	 * after its 2 s sleep (the record may beat the syscall's return);
	 * a pair of the previous run comes at once, 0.5 s into it.
	 */
	EXPECT_GE(rec_ms - up_ms, 1900);
	close(ca);
	close(rb);
}

/* Run FN in a child that is in cgroup CGDIR; its exit status. */
static int in_cgroup(const char *cgdir, int (*fn)(void))
{
	char path[128];
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir);
		if (write_str(path, "0"))
			_exit(100);
		if (unshare(CLONE_NEWNET))
			_exit(101);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int ring_in_small_cgroup(void)
{
	struct qlink_pv big = { PV_CFG(MAX_PAIRS), 1048576 };
	struct qlink_pv small = { PV_CFG(MAX_PAIRS), 1024 };
	struct qlink_nl rt, gn;
	int err;

	if (qlink_rt_open(&rt) || qlink_nl_open(&gn))
		return 102;
	/* 2 x 40 MiB of rings in a 24 MiB cgroup: ENOMEM */
	err = qlinksim_create(&rt, "ma", "mb", -1, &big, 1);
	if (err != -ENOMEM) {
		fprintf(stderr, "create with 2^20 pairs: %d (%s)\n", err,
			rt.extack);
		return 1;
	}
	/* small rings fit */
	err = qlinksim_create(&rt, "ma", "mb", -1, &small, 1);
	if (err) {
		fprintf(stderr, "create with 1024 pairs: %d\n", err);
		return 2;
	}
	/* the ring grows at link up: ENOMEM there too */
	if (qlink_nl_set(&gn, "ma", &big, 1) || qlink_rt_set_up(&rt, "ma", 1))
		return 3;
	err = qlink_rt_set_up(&rt, "mb", 1);
	if (err != -ENOMEM) {
		fprintf(stderr, "up with 2^20 pairs: %d\n", err);
		return 4;
	}
	if (qlink_rt_del(&rt, "ma"))
		return 5;
	return 0;
}

TEST(ring_charged_to_memcg)
{
	char cgdir[] = CG "/qlink-pair-hardening";
	struct stat sb;
	int ret;

	if (stat(CG "/cgroup.controllers", &sb) &&
	    mount("cgroup2", CG, "cgroup2", 0, NULL))
		SKIP(return, "no cgroup2");
	if (write_str(CG "/cgroup.subtree_control", "+memory"))
		SKIP(return, "no memory controller");
	rmdir(cgdir);
	ASSERT_EQ(0, mkdir(cgdir, 0755));
	ASSERT_EQ(0, write_str(CG "/qlink-pair-hardening/memory.max", "25165824"));
	ret = in_cgroup(cgdir, ring_in_small_cgroup);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, rmdir(cgdir));
}

/*
 * Start the link clock 3 s before 2^63 ps (106 days up): qcore's matcher
 * refuses tags from 2^63 on, so without a rebase the link stops
 * heralding for good.
 */
TEST_F(ph, clock_passes_2_63_ps)
{
	struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 100000000 },	/* 100 kHz */
		{ PV_SIM(SEED), 3 },
	};
	struct qlink_stats_v st1, st2;
	int64_t t;

	if (knob("start_clock_ps", 0))
		SKIP(return, "no qlinksim debugfs start_clock_ps");
	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "ca", "cb", pv, 2));
	ASSERT_EQ(0, knob("start_clock_ps", (1ULL << 63) - 3000000000000ULL));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	sleep(5);
	ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "ca", &st1));
	sleep(1);
	ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "ca", &st2));
	t = st2.v[QLINK_A_STATS_LINK_TIME];
	TH_LOG("link time %lld ps, heralds in 1 s %lld, tags rejected %lld",
	       (long long)t,
	       (long long)(st2.v[QLINK_A_STATS_HERALDS] -
			   st1.v[QLINK_A_STATS_HERALDS]),
	       (long long)st2.v[QLINK_A_STATS_TAGS_REJECTED]);
	EXPECT_GT(t, 0);
	EXPECT_LT((uint64_t)t, 1ULL << 62);
	EXPECT_EQ(0, st2.v[QLINK_A_STATS_TAGS_REJECTED]);
	EXPECT_GT(st2.v[QLINK_A_STATS_HERALDS], st1.v[QLINK_A_STATS_HERALDS]);
	EXPECT_GT(st2.v[QLINK_A_STATS_PAIRS], 0);
}

/*
 * Pairs an atomic request holds when the simulator rebases the link clock
 * (at 2^62 ps) have herald times of the old base and would never age:
 * they are dropped with an EXPIRE record, and the request is served from
 * pairs of the new base.
 */
TEST_F_TIMEOUT(ph, held_pairs_dropped_at_rebase, 60)
{
	struct qlink_record r[80];
	struct qlink_create c;
	struct qlink_pv pv[9];
	int n = qlink_ev_params(pv, 20, 900000);	/* 20 pairs/s */
	int cs, rs, i, got, ok = 0, expire = 0;

	if (knob("start_clock_ps", 0))
		SKIP(return, "no qlinksim debugfs start_clock_ps");
	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "ra", "rb", pv, n));
	/* one second before the rebase; the request needs two */
	ASSERT_EQ(0, knob("start_clock_ps", (1ULL << 62) - 1000000000000ULL));
	cs = qlink_sock_in(-1, SOCK_SEQPACKET);
	rs = qlink_sock_in(self->l.ns_b, SOCK_SEQPACKET);
	ASSERT_GE(cs, 0);
	ASSERT_GE(rs, 0);
	ASSERT_EQ(0, qlink_sock_bind(cs, self->l.a.ifindex, 1100));
	ASSERT_EQ(0, qlink_sock_bind(rs, self->l.b.ifindex, 1100));
	ASSERT_EQ(0, qlink_sock_receive(rs, 1));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	qlink_create_init(&c, 1, 40, QLINK_REQ_KEEP);
	c.flags = QLINK_CREATE_ATOMIC;
	ASSERT_EQ(0, qlink_sock_create(cs, &c));
	got = qlink_sock_read_last(cs, r, 80, NULL);
	ASSERT_GT(got, 0);
	for (i = 0; i < got; i++) {
		if (r[i].kind == QLINK_REC_ERR) {
			EXPECT_EQ(QLINK_ERR_EXPIRE, r[i].error);
			expire++;
			continue;
		}
		ok++;
		EXPECT_LT(r[i].herald_time, 1ULL << 61)
			TH_LOG("pair %d heralded at %llu ps: the old base", i,
			       (unsigned long long)r[i].herald_time);
	}
	EXPECT_EQ(40, ok);
	EXPECT_GE(expire, 1);
	close(cs);
	close(rs);
}

struct dump_count {
	uint64_t n, last;
	int bad;
};

static int count_pair(struct nlattr **attrs, void *arg)
{
	struct dump_count *d = arg;
	struct qlink_pair_v p;

	if (!attrs[QLINK_A_PAIR] || qlink_parse_pair(attrs[QLINK_A_PAIR], &p))
		return 0;
	if (d->n && p.seq <= d->last)
		d->bad++;
	d->last = p.seq;
	d->n++;
	return 0;
}

/* A dump of 2^20 pairs: about 7000 chunks, each from its cursor. */
TEST_F_TIMEOUT(ph, dump_of_a_full_ring_is_linear, 240)
{
	/* time tags (herald events would hold memory slots, 1024 at most) */
	struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 1000000000 },	/* 1 MHz */
		{ PV_SIM(DET_EFF_A), 1000000 },
		{ PV_SIM(DET_EFF_B), 1000000 },
		{ PV_SIM(FIBER_LEN_A), 0 },
		{ PV_SIM(FIBER_LEN_B), 0 },
		{ PV_SIM(DARK_RATE), 0 },
		{ PV_SIM(SEED), 5 },
		{ PV_CFG(MAX_PAIRS), 1048576 },
	};
	struct qlink_stats_v st;
	struct dump_count d = {};
	int64_t t0, ms;
	int i;

	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "da", "db", pv, 8));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	for (i = 0; i < 120; i++) {
		ASSERT_EQ(0, qlink_nl_stats(&self->l.gn, "da", &st));
		if (st.v[QLINK_A_STATS_PAIRS] == 1048576)
			break;
		usleep(500 * 1000);
	}
	ASSERT_EQ(1048576, st.v[QLINK_A_STATS_PAIRS]);
	TH_LOG("ring full after %d polls", i);
	/* stop generating: the pairs stay, the dump sees all of them */
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 0));
	t0 = qlink_now_ms();
	ASSERT_EQ(0, qlink_nl_dump_pairs(&self->l.gn, "da", count_pair, &d));
	ms = qlink_now_ms() - t0;
	TH_LOG("dump of %llu pairs in %lld ms", (unsigned long long)d.n,
	       (long long)ms);
	EXPECT_EQ(1048576, d.n);
	EXPECT_EQ(0, d.bad);
	/* linear: seconds under TCG; the rescan per chunk took minutes */
	EXPECT_LT(ms, 60000);
}

TEST_HARNESS_MAIN
