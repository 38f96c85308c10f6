// SPDX-License-Identifier: GPL-2.0
/*
 * Pair buffers of the heralding path (qlink.md §3), with qlinksim's
 * herald-event and time-tag models:
 *  - buffer parameters: ranges and driver limits rejected with a message
 *    naming the parameter; max_pairs applies at the next link up;
 *  - fidelity vs age follows the Werner curve with the link's T;
 *  - pairs past the cutoff are expired and reported: PAIR_DROP_NTF with
 *    the sequence range, counters; PAIR_NTF carries trace ids;
 *  - below the link's minimum fidelity, heralds are discarded at once;
 *  - ten seconds at qlinksim's maximum rate: the buffer stays at its cap,
 *    drops are counted, memory does not grow, and every object is freed
 *    after the link is deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netlink/socket.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"
#include "qlink_math.h"

#define MS_NS	1000000LL

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}


struct ids {
	uint32_t link_id, ifindex;
	uint64_t max_rate;
};

static int parse_ids(struct nlattr **a, void *arg)
{
	struct nlattr *c[QLINK_A_CAPS_MAX + 1];
	struct ids *ids = arg;

	ids->link_id = nla_get_u32(a[QLINK_A_LINK_ID]);
	ids->ifindex = nla_get_u32(a[QLINK_A_IFINDEX]);
	if (a[QLINK_A_LINK_CAPS] &&
	    !nla_parse_nested(c, QLINK_A_CAPS_MAX, a[QLINK_A_LINK_CAPS], NULL))
		ids->max_rate = nla_get_u64(c[QLINK_A_CAPS_MAX_RATE]);
	return 0;
}

FIXTURE(pb)
{
	struct qlink_nl nl, rt;
	struct qlink_pair_list la, lb;
};

FIXTURE_SETUP(pb)
{
	ASSERT_EQ(0, qlink_nl_open(&self->nl));
	ASSERT_EQ(0, qlink_rt_open(&self->rt));
}

FIXTURE_TEARDOWN(pb)
{
	qlink_rt_del(&self->rt, "qpb_a");
	qlink_nl_close(&self->nl);
	qlink_nl_close(&self->rt);
}

static void up_both(struct __test_metadata *_metadata, struct qlink_nl *rt,
		    int up)
{
	ASSERT_EQ(0, qlink_rt_set_up(rt, "qpb_a", up));
	ASSERT_EQ(0, qlink_rt_set_up(rt, "qpb_b", up));
}

TEST_F(pb, buffer_params)
{
	struct qlink_pv pv = { PV_CFG(MAX_PAIRS), 0 };
	struct qlink_stats_v st;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qpb_a", "qpb_b", -1, NULL, 0));
	/* the policy names the attribute and its range */
	EXPECT_EQ(-ERANGE, qlink_nl_set(&self->nl, "qpb_a", &pv, 1));
	EXPECT_EQ(QLINK_A_CONFIG_MAX_PAIRS, qlink_nl_err_attr(&self->nl));
	EXPECT_TRUE(self->nl.has_pol_u);
	EXPECT_EQ(1, self->nl.pol_umin);
	EXPECT_EQ(1048576, self->nl.pol_umax);
	pv = (struct qlink_pv){ PV_CFG(MAX_PAIRS), 1048577 };
	EXPECT_EQ(-ERANGE, qlink_nl_set(&self->nl, "qpb_a", &pv, 1));
	EXPECT_EQ(QLINK_A_CONFIG_MAX_PAIRS, qlink_nl_err_attr(&self->nl));
	/* in the policy's range but above the driver's slots */
	pv = (struct qlink_pv){ PV_CFG(MEMORY_SLOTS), 2000 };
	EXPECT_EQ(-EINVAL, qlink_nl_set(&self->nl, "qpb_a", &pv, 1));
	EXPECT_NE(NULL, strstr(self->nl.extack, "QLINK_A_CONFIG_MEMORY_SLOTS"));
	EXPECT_EQ(QLINK_A_CONFIG_MEMORY_SLOTS, qlink_nl_err_attr(&self->nl));
	pv = (struct qlink_pv){ PV_CFG(CUTOFF), 1000000000000001LL };
	EXPECT_EQ(-ERANGE, qlink_nl_set(&self->nl, "qpb_a", &pv, 1));
	EXPECT_EQ(QLINK_A_CONFIG_CUTOFF, qlink_nl_err_attr(&self->nl));
	EXPECT_EQ(1000000000000000ULL, self->nl.pol_umax);

	/* The default buffer, then max_pairs applied at the next up. */
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
	EXPECT_EQ(1024, st.v[QLINK_A_STATS_MAX_PAIRS]);
	EXPECT_EQ(0, st.v[QLINK_A_STATS_PAIRS]);
	pv = (struct qlink_pv){ PV_CFG(MAX_PAIRS), 16 };
	ASSERT_EQ(0, qlink_nl_set(&self->nl, "qpb_a", &pv, 1));
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_b", &st));
	EXPECT_EQ(1024, st.v[QLINK_A_STATS_MAX_PAIRS]);
	up_both(_metadata, &self->rt, 1);
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
	EXPECT_EQ(16, st.v[QLINK_A_STATS_MAX_PAIRS]);
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_b", &st));
	EXPECT_EQ(16, st.v[QLINK_A_STATS_MAX_PAIRS]);
	/* an unknown link is named in the error */
	EXPECT_EQ(-ENODEV, qlink_nl_dump_pairs(&self->nl, "qpb_none", NULL, NULL));
}

/* Herald events into memories with T = 20 ms: F(age) is Werner's. */
TEST_F_TIMEOUT(pb, fidelity_follows_werner_decay, 120)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(HERALD_MODEL), QLINK_HERALD_EVENTS },
		{ PV_SIM(SOURCE_RATE), 2000000 },	/* 2000 attempts/s */
		{ PV_SIM(FIDELITY), 950000 },
		{ PV_SIM(COHERENCE), 40000000 },	/* 40 ms */
		{ PV_SIM(COHERENCE_SCALE), 500000 },	/* F3: T = 20 ms */
		{ PV_SIM(SEED), 5 },
	};
	double t_ps = 20e9, worst = 0, max_age = 0;
	struct qlink_stats_v st;
	int i;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qpb_a", "qpb_b", -1, pv, 6));
	up_both(_metadata, &self->rt, 1);
	for (i = 0; i < 100; i++) {
		usleep(100000);
		ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
		if (st.v[QLINK_A_STATS_COVERED_TIME] > 200000000000LL &&
		    st.v[QLINK_A_STATS_HERALDS] > 200)
			break;
	}
	self->la.n = 0;
	ASSERT_EQ(0, qlink_nl_dump_pairs(&self->nl, "qpb_a", qlink_pair_list_add,
					 &self->la));
	ASSERT_GT(self->la.n, 100);
	for (i = 0; i < self->la.n; i++) {
		struct qlink_pair_v *p = &self->la.p[i];
		double f0 = p->f_herald / 1e6, f = p->f_now / 1e6;
		double want = 0.25 + (f0 - 0.25) * exp_neg(p->age_ps / t_ps);
		double err = f > want ? f - want : want - f;

		ASSERT_EQ(950000, p->f_herald);
		ASSERT_TRUE(p->has_slot);
		ASSERT_EQ(p->seq % 1024, p->slot);
		ASSERT_LE(p->bell, 3);
		worst = err > worst ? err : worst;
		max_age = p->age_ps > max_age ? p->age_ps : max_age;
		/* oldest first (ages come from different dump chunks) */
		if (i)
			ASSERT_GE(p->herald_ps, self->la.p[i - 1].herald_ps);
	}
	TH_LOG("%d pairs, ages up to %.1f ms, worst |F - Werner| %.2g",
		       self->la.n, max_age / 1e9, worst);
	EXPECT_LE(worst, 1e-3 + 1e-6);
	/* the curve was sampled well beyond T */
	EXPECT_GT(max_age, 2 * t_ps);
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
	EXPECT_EQ(950000, st.v[QLINK_A_STATS_FIDELITY_HERALD]);
	EXPECT_LE(st.v[QLINK_A_STATS_SLOTS_USED], 1024);
	/* both ends hold the same pairs */
	self->lb.n = 0;
	ASSERT_EQ(0, qlink_nl_dump_pairs(&self->nl, "qpb_b", qlink_pair_list_add,
					 &self->lb));
	ASSERT_GT(self->lb.n, 0);
	for (i = 0; i < self->la.n && i < self->lb.n; i++)
		if (self->la.p[i].seq == self->lb.p[0].seq)
			break;
	for (; i < self->la.n && i < self->lb.n; i++) {
		ASSERT_EQ(self->la.p[i].seq, self->lb.p[i].seq);
		ASSERT_EQ(self->la.p[i].bell, self->lb.p[i].bell);
		ASSERT_EQ(self->la.p[i].slot, self->lb.p[i].slot);
	}
}

struct ev_acc {
	uint32_t ifindex, link_id;
	uint64_t pairs, expired, bad;
	uint64_t last_exp_seq;
	int n_pair_ev, n_exp_ev, have_exp;
};

static int on_pair_event(int cmd, struct nlattr **a, void *arg)
{
	struct ev_acc *ev = arg;
	uint64_t first, last;
	struct qlink_pair_v pv;
	uint32_t count;

	if (!a[QLINK_A_IFINDEX] ||
	    nla_get_u32(a[QLINK_A_IFINDEX]) != ev->ifindex)
		return 0;
	if (!a[QLINK_A_SEQ_FIRST] || !a[QLINK_A_SEQ_LAST] ||
	    !a[QLINK_A_PAIR_COUNT]) {
		ev->bad++;
		return 0;
	}
	first = nla_get_u64(a[QLINK_A_SEQ_FIRST]);
	last = nla_get_u64(a[QLINK_A_SEQ_LAST]);
	count = nla_get_u32(a[QLINK_A_PAIR_COUNT]);
	if (first > last || count > last - first + 1 || !count)
		ev->bad++;
	if (cmd == QLINK_CMD_PAIR_NTF) {
		ev->pairs += count;
		ev->n_pair_ev++;
		/* a pair shown (the last nest): in range, with its trace id */
		if (qlink_parse_pair(a[QLINK_A_PAIR], &pv) ||
		    pv.seq < first || pv.seq > last ||
		    pv.trace_id != (((uint64_t)ev->link_id << 40) | pv.seq))
			ev->bad++;
	} else if (cmd == QLINK_CMD_PAIR_DROP_NTF &&
		   nla_get_u32(a[QLINK_A_DROP_REASON]) == QLINK_DROP_EXPIRED) {
		if (ev->have_exp && first <= ev->last_exp_seq)
			ev->bad++;
		ev->have_exp = 1;
		ev->last_exp_seq = last;
		ev->expired += count;
		ev->n_exp_ev++;
	}
	return 1;	/* one message per qlink_nl_events() call */
}

/* Read what is pending (until 20 ms pass without an event, at most N). */
static void drain(struct qlink_nl *ev_nl, struct ev_acc *ev, int n)
{
	while (n-- > 0 && !qlink_nl_events(ev_nl, 20, on_pair_event, ev))
		;
}

/* Cutoff 30 ms: pairs expire, events say which, counters agree. */
TEST_F_TIMEOUT(pb, cutoff_expires_and_reports, 120)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(HERALD_MODEL), QLINK_HERALD_EVENTS },
		{ PV_SIM(SOURCE_RATE), 2000000 },
		{ PV_CFG(CUTOFF), 30000000 },
		{ PV_SIM(SEED), 7 },
	};
	struct qlink_nl ev_nl;
	struct ev_acc ev = {};
	struct ids ids = {};
	struct qlink_stats_v st;
	int64_t t_end;

	ASSERT_EQ(0, qlink_nl_open(&ev_nl));
	ASSERT_EQ(0, qlink_nl_subscribe(&ev_nl, QLINK_MCGRP_PAIRS_NAME));
	nl_socket_set_buffer_size(ev_nl.sk, 4 << 20, 0);
	ASSERT_EQ(0, qlinksim_create(&self->rt, "qpb_a", "qpb_b", -1, pv, 4));
	ASSERT_EQ(0, qlink_nl_get(&self->nl, QLINK_CMD_LINK_GET, "qpb_a",
				  parse_ids, &ids));
	ev.ifindex = ids.ifindex;
	ev.link_id = ids.link_id;
	up_both(_metadata, &self->rt, 1);
	/* at least 200 ms of link time, reading events meanwhile */
	t_end = mono_ms() + 60000;
	do {
		drain(&ev_nl, &ev, 500);
		ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
	} while (st.v[QLINK_A_STATS_COVERED_TIME] < 200000000000LL &&
		 mono_ms() < t_end);
	up_both(_metadata, &self->rt, 0);

	/* Stopped pairs keep aging: after the cutoff a dump finds none. */
	usleep(60000);
	self->la.n = 0;
	ASSERT_EQ(0, qlink_nl_dump_pairs(&self->nl, "qpb_a", qlink_pair_list_add,
					 &self->la));
	EXPECT_EQ(0, self->la.n);
	drain(&ev_nl, &ev, 100000);

	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
	TH_LOG("heralds %ld in %d events, expired %ld in %d events (counters %ld, %ld)",
		       (long)ev.pairs, ev.n_pair_ev, (long)ev.expired,
		       ev.n_exp_ev, (long)st.v[QLINK_A_STATS_HERALDS],
		       (long)st.v[QLINK_A_STATS_EXPIRED]);
	EXPECT_EQ(0, ev.bad);
	EXPECT_GT(st.v[QLINK_A_STATS_EXPIRED], 100);
	EXPECT_EQ(st.v[QLINK_A_STATS_HERALDS], st.v[QLINK_A_STATS_EXPIRED]);
	EXPECT_EQ(0, st.v[QLINK_A_STATS_PAIRS]);
	EXPECT_EQ(0, st.v[QLINK_A_STATS_EVENTS_LOST]);
	EXPECT_EQ(st.v[QLINK_A_STATS_HERALDS], (int64_t)ev.pairs);
	EXPECT_EQ(st.v[QLINK_A_STATS_EXPIRED], (int64_t)ev.expired);
	qlink_nl_close(&ev_nl);
}

/*
 * A link's minimum herald fidelity: accidental coincidences (fidelity
 * 1/4) never enter the buffer; true heralds do. Many dark counts and a
 * wide window make plenty of accidentals.
 */
TEST_F_TIMEOUT(pb, min_fidelity_keeps_accidentals_out, 120)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 100000000 },
		{ PV_SIM(DARK_RATE), 1000000000 },
		{ PV_CFG(WINDOW_FULL), 10000 },
		{ PV_CFG(MIN_FIDELITY), 500000 },
		{ PV_SIM(SEED), 11 },
	};
	struct qlink_stats_v st;
	int64_t t_end;
	int i, low = 0;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qpb_a", "qpb_b", -1, pv, 5));
	up_both(_metadata, &self->rt, 1);
	t_end = mono_ms() + 60000;
	do {
		usleep(100000);
		ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
	} while (st.v[QLINK_A_STATS_ACCIDENTALS] < 20 && mono_ms() < t_end);
	up_both(_metadata, &self->rt, 0);

	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &st));
	self->la.n = 0;
	ASSERT_EQ(0, qlink_nl_dump_pairs(&self->nl, "qpb_a", qlink_pair_list_add,
					 &self->la));
	for (i = 0; i < self->la.n; i++)
		low += self->la.p[i].f_herald < 500000;
	TH_LOG("heralds %ld, accidentals %ld, discarded %ld, %d pairs kept",
	       (long)st.v[QLINK_A_STATS_HERALDS],
	       (long)st.v[QLINK_A_STATS_ACCIDENTALS],
	       (long)st.v[QLINK_A_STATS_DISCARDED_LOW_F], self->la.n);
	EXPECT_GE(st.v[QLINK_A_STATS_ACCIDENTALS], 20);
	/* every accidental, and nothing else, was discarded at herald */
	EXPECT_EQ(st.v[QLINK_A_STATS_ACCIDENTALS],
		  st.v[QLINK_A_STATS_DISCARDED_LOW_F]);
	EXPECT_GT(self->la.n, 0);
	EXPECT_EQ(0, low);
}

/* Ten seconds at the driver's maximum rate into a 256-pair buffer. */
TEST_F_TIMEOUT(pb, max_rate_memory_bounded, 120)
{
	struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 0 },
		{ PV_CFG(MAX_PAIRS), 256 },
		{ PV_SIM(SEED), 9 },
	};
	struct qlink_stats_v sa, sb;
	struct ids ids = {};
	long bytes0, bytes1, links0 = qlink_objects_get("links");
	int i;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qpb_a", "qpb_b", -1, pv + 1,
				     2));
	ASSERT_EQ(0, qlink_nl_get(&self->nl, QLINK_CMD_LINK_GET, "qpb_a",
				  parse_ids, &ids));
	ASSERT_GT(ids.max_rate, 0);
	pv[0].val = ids.max_rate;
	ASSERT_EQ(0, qlink_nl_set(&self->nl, "qpb_a", pv, 1));
	up_both(_metadata, &self->rt, 1);
	sleep(1);
	bytes0 = qlink_objects_get("pair_bytes");
	ASSERT_GT(bytes0, 0);
	for (i = 0; i < 9; i++) {
		sleep(1);
		bytes1 = qlink_objects_get("pair_bytes");
		ASSERT_EQ(bytes0, bytes1);
	}
	/* Down: the generator stops, the counters settle (pairs stay). */
	up_both(_metadata, &self->rt, 0);
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_a", &sa));
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qpb_b", &sb));
	TH_LOG("A: heralds %ld, tags %ld, dropped (full) %ld, pairs %ld; B: heralds %ld, pairs %ld; %ld bytes",
		       (long)sa.v[QLINK_A_STATS_HERALDS],
		       (long)(sa.v[QLINK_A_STATS_TAGS_A] + sa.v[QLINK_A_STATS_TAGS_B]),
		       (long)sa.v[QLINK_A_STATS_DROPPED_FULL],
		       (long)sa.v[QLINK_A_STATS_PAIRS],
		       (long)sb.v[QLINK_A_STATS_HERALDS],
		       (long)sb.v[QLINK_A_STATS_PAIRS], bytes1);
	EXPECT_EQ(256, sa.v[QLINK_A_STATS_PAIRS]);
	EXPECT_EQ(256, sb.v[QLINK_A_STATS_PAIRS]);
	EXPECT_GT(sa.v[QLINK_A_STATS_DROPPED_FULL], 0);
	EXPECT_GT(sb.v[QLINK_A_STATS_DROPPED_FULL], 0);
	EXPECT_EQ(sa.v[QLINK_A_STATS_HERALDS], sb.v[QLINK_A_STATS_HERALDS]);
	EXPECT_EQ(sa.v[QLINK_A_STATS_DROPPED_FULL], sa.v[QLINK_A_STATS_DROPPED]);
	EXPECT_EQ(sa.v[QLINK_A_STATS_HERALDS],
		  sa.v[QLINK_A_STATS_DROPPED_FULL] + 256);

	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qpb_a"));
	for (i = 0; i < 100 && (qlink_objects_get("links") != links0 - 0 ||
				qlink_objects_get("pair_bytes") != 0); i++)
		usleep(50000);
	EXPECT_EQ(links0, qlink_objects_get("links"));
	if (links0 == 0)
		EXPECT_EQ(0, qlink_objects_get("pair_bytes"));
}

TEST_HARNESS_MAIN
