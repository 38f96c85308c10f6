// SPDX-License-Identifier: GPL-2.0
/*
 * The heralding path against the physics of qlink.md §7: qlinksim's
 * time-tag model through the core's matcher, for three parameter sets
 * (short fiber, long asymmetric fiber, high dark counts). Measured over
 * the link time the core reports as covered (not wall time, so it holds
 * under emulation):
 *  - true and accidental coincidence counts within 3 sigma (Poisson) of
 *    the rates qlinksim's calibration expects the one-to-one matcher to
 *    count (R eta_A eta_B T_A T_B and S_A S_B tau, less what a twin or an
 *    unrelated tag claims first; qcore_link_expect());
 *  - the mean herald fidelity is the true/accidental mix of F0 and 1/4,
 *    and near the analytic one;
 *  - M3 loss estimates near the configured losses, M10 offset estimate
 *    near the configured offset (which followed the fiber lengths), M1
 *    and M6 sane;
 *  - both ends hold the same pairs: ids, herald times, Bell indices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"
#include "qlink_math.h"

struct exp_info {
	uint64_t herald_mhz, acc_mhz;
	uint32_t fid, loss_a, loss_b;
	int64_t offset;
	uint32_t link_id, pair_id;
	double r_hz, d_hz, eta_a, eta_b;
};

static int parse_exp(struct nlattr **a, void *arg)
{
	struct exp_info *e = arg;
	struct nlattr *tb[QLINK_A_CALIB_MAX + 1];
	struct nlattr *pt[QLINK_A_CONFIG_MAX + 1];

	if (a[QLINK_A_LINK_ID])
		e->link_id = nla_get_u32(a[QLINK_A_LINK_ID]);
	if (a[QLINK_A_LINK_PAIR_ID])
		e->pair_id = nla_get_u32(a[QLINK_A_LINK_PAIR_ID]);
	if (a[QLINK_A_LINK_CALIB] &&
	    !nla_parse_nested(tb, QLINK_A_CALIB_MAX, a[QLINK_A_LINK_CALIB],
			      NULL)) {
		e->herald_mhz = nla_get_u64(tb[QLINK_A_CALIB_HERALD_RATE]);
		e->acc_mhz = nla_get_u64(tb[QLINK_A_CALIB_ACCIDENTAL_RATE]);
		if (tb[QLINK_A_CALIB_EXP_FIDELITY])
			e->fid = nla_get_u32(tb[QLINK_A_CALIB_EXP_FIDELITY]);
		e->loss_a = nla_get_u32(tb[QLINK_A_CALIB_LOSS_A]);
		e->loss_b = nla_get_u32(tb[QLINK_A_CALIB_LOSS_B]);
	}
	if (a[QLINK_A_LINK_CONFIG] &&
	    !nla_parse_nested(pt, QLINK_A_CONFIG_MAX, a[QLINK_A_LINK_CONFIG],
			      NULL))
		e->offset = (int64_t)nla_get_u64(pt[QLINK_A_CONFIG_OFFSET]);
	return 0;
}

/* The physics the expectations follow from: qlinksim's own attributes. */
static int get_phys(struct qlink_nl *rt, const char *name, struct exp_info *e)
{
	struct qlinksim_v s;
	int err = qlinksim_get(rt, name, &s);

	if (err)
		return err;
	e->r_hz = s.v[IFLA_QLINKSIM_SOURCE_RATE] / 1e3;
	e->d_hz = s.v[IFLA_QLINKSIM_DARK_RATE] / 1e3;
	e->eta_a = s.v[IFLA_QLINKSIM_DET_EFF_A] / 1e6;
	e->eta_b = s.v[IFLA_QLINKSIM_DET_EFF_B] / 1e6;
	return 0;
}

FIXTURE(rates)
{
	struct qlink_nl nl, rt;
};

FIXTURE_SETUP(rates)
{
	ASSERT_EQ(0, qlink_nl_open(&self->nl));
	ASSERT_EQ(0, qlink_rt_open(&self->rt));
}

FIXTURE_TEARDOWN(rates)
{
	qlink_rt_del(&self->rt, "qhr_a");
	qlink_nl_close(&self->nl);
	qlink_nl_close(&self->rt);
}

/*
 * Create a link with PV, read its expectations into @e, run it until it
 * has covered MIN_PS of link time and stop it; @st gets end A's final
 * statistics. Returns the wall time waited, ms.
 */
static int run_link(struct __test_metadata *_metadata,
		    FIXTURE_DATA(rates) *self, const struct qlink_pv *pv,
		    int n, uint64_t min_ps, struct exp_info *e,
		    struct qlink_stats_v *st)
{
	int waited;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qhr_a", "qhr_b", -1, pv, n));
	ASSERT_EQ(0, qlink_nl_get(&self->nl, QLINK_CMD_LINK_GET, "qhr_a",
				  parse_exp, e));
	ASSERT_EQ(0, get_phys(&self->rt, "qhr_a", e));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qhr_a", 1));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qhr_b", 1));
	for (waited = 0; waited < 120000; waited += 200) {
		usleep(200000);
		ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qhr_a", st));
		if ((uint64_t)st->v[QLINK_A_STATS_COVERED_TIME] >= min_ps)
			break;
	}
	ASSERT_GE((uint64_t)st->v[QLINK_A_STATS_COVERED_TIME], min_ps);
	/* Down: both ends stop; then the counters are final. */
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qhr_a", 0));
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qhr_a", st));
	return waited;
}

/* Run a link with PV until it has covered MIN_PS of link time. */
static void run_set(struct __test_metadata *_metadata, FIXTURE_DATA(rates) *self,
		    const char *label, const struct qlink_pv *pv, int n,
		    uint64_t min_ps)
{
	static struct qlink_pair_list la, lb;
	struct qlink_stats_v st, sb;
	struct exp_info e = {};
	double secs, e_true, e_acc, n_true, n_acc, f_mix, f_meas, tol, f_an;
	int i, waited;

	waited = run_link(_metadata, self, pv, n, min_ps, &e, &st);
	ASSERT_EQ(0, qlink_nl_stats(&self->nl, "qhr_b", &sb));

	secs = st.v[QLINK_A_STATS_COVERED_TIME] / 1e12;
	e_true = e.herald_mhz / 1000.0 * secs;
	e_acc = e.acc_mhz / 1000.0 * secs;
	n_acc = st.v[QLINK_A_STATS_ACCIDENTALS];
	n_true = st.v[QLINK_A_STATS_HERALDS] - n_acc;
	TH_LOG("%s: %.3f s covered (%d ms wall): true %.0f (expected %.1f), accidental %.0f (expected %.1f)",
		       label, secs, waited, n_true, e_true, n_acc, e_acc);
	EXPECT_LE(fabs_d(n_true - e_true), 3 * sqrt_d(e_true) + 1e-3 * e_true + 1);
	EXPECT_LE(fabs_d(n_acc - e_acc), 3 * sqrt_d(e_acc) + 1e-3 * e_acc + 1);
	/* drops only for a full buffer, never refused heralds or tags */
	EXPECT_EQ(st.v[QLINK_A_STATS_DROPPED_FULL], st.v[QLINK_A_STATS_DROPPED]);
	EXPECT_EQ(0, st.v[QLINK_A_STATS_REJECTED]);
	EXPECT_EQ(0, st.v[QLINK_A_STATS_TAGS_REJECTED]);
	EXPECT_EQ(0, st.v[QLINK_A_STATS_MATCH_OVERFLOW]);

	/* M2: every herald is F0 or 1/4: the mean is their mix */
	f_mix = (0.97 * n_true + 0.25 * n_acc) / (n_true + n_acc);
	f_meas = st.v[QLINK_A_STATS_FIDELITY_HERALD] / 1e6;
	f_an = (0.97 * e_true + 0.25 * e_acc) / (e_true + e_acc);
	TH_LOG("%s: fidelity at herald %.6f, mix %.6f, analytic %.6f (kernel's expected: %.6f)",
		       label, f_meas, f_mix, f_an, e.fid / 1e6);
	EXPECT_LE(fabs_d(f_meas - f_mix), 2e-6);
	/* analytic: 3 sigma of the accidental fraction */
	tol = 0.72 * 3 * sqrt_d(e_acc) / (e_true + e_acc) + 1e-5;
	EXPECT_LE(fabs_d(f_meas - f_an), tol);

	/* M3 and M10 */
	TH_LOG("%s: loss A %ld mdB (configured %u), B %ld (%u); offset %ld ps (configured %ld); rate %ld mHz; latency mean %ld ns max %ld ns",
		       label, (long)st.v[QLINK_A_STATS_LOSS_A_EST], e.loss_a,
		       (long)st.v[QLINK_A_STATS_LOSS_B_EST], e.loss_b,
		       (long)st.v[QLINK_A_STATS_OFFSET_EST], (long)e.offset,
		       (long)st.v[QLINK_A_STATS_HERALD_RATE],
		       (long)st.v[QLINK_A_STATS_LATENCY_MEAN],
		       (long)st.v[QLINK_A_STATS_LATENCY_MAX]);
	ASSERT_TRUE(st.has[QLINK_A_STATS_LOSS_A_EST]);
	EXPECT_LE(llabs(st.v[QLINK_A_STATS_LOSS_A_EST] - (int64_t)e.loss_a), 150);
	EXPECT_LE(llabs(st.v[QLINK_A_STATS_LOSS_B_EST] - (int64_t)e.loss_b), 150);
	ASSERT_TRUE(st.has[QLINK_A_STATS_OFFSET_EST]);
	EXPECT_LE(llabs(st.v[QLINK_A_STATS_OFFSET_EST] - e.offset), 60);
	EXPECT_LE(llabs(st.v[QLINK_A_STATS_OFFSET_ERROR]), 60);
	EXPECT_GT(st.v[QLINK_A_STATS_LATENCY_MEAN], 0);
	EXPECT_LT(st.v[QLINK_A_STATS_LATENCY_MEAN], 1000000000);
	EXPECT_LE(st.v[QLINK_A_STATS_LATENCY_MEAN],
		  st.v[QLINK_A_STATS_LATENCY_MAX]);

	/* Both ends: the same pairs under the same ids */
	EXPECT_EQ(st.v[QLINK_A_STATS_HERALDS], sb.v[QLINK_A_STATS_HERALDS]);
	EXPECT_EQ(sb.v[QLINK_A_STATS_DROPPED_FULL], sb.v[QLINK_A_STATS_DROPPED]);
	EXPECT_EQ(0, sb.v[QLINK_A_STATS_REJECTED]);
	la.n = 0;
	lb.n = 0;
	ASSERT_EQ(0, qlink_nl_dump_pairs(&self->nl, "qhr_a",
					 qlink_pair_list_add, &la));
	ASSERT_EQ(0, qlink_nl_dump_pairs(&self->nl, "qhr_b",
					 qlink_pair_list_add, &lb));
	ASSERT_GT(la.n, 0);
	ASSERT_EQ(la.n, lb.n);
	for (i = 0; i < la.n; i++) {
		ASSERT_EQ(la.p[i].seq, lb.p[i].seq);
		ASSERT_EQ(la.p[i].herald_ps, lb.p[i].herald_ps);
		ASSERT_EQ(la.p[i].bell, lb.p[i].bell);
		ASSERT_EQ(la.p[i].f_herald, lb.p[i].f_herald);
		ASSERT_EQ(la.p[i].trace_id, lb.p[i].trace_id);
		ASSERT_EQ(e.link_id, la.p[i].link_id);
		ASSERT_EQ(e.link_id, lb.p[i].link_id);
		ASSERT_EQ(((uint64_t)e.link_id << 40) | la.p[i].seq,
			  la.p[i].trace_id);
		ASSERT_LE(la.p[i].bell, 3);
		if (i)
			ASSERT_GT(la.p[i].seq, la.p[i - 1].seq);
	}
	EXPECT_EQ(e.link_id, e.pair_id);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qhr_a"));
}

/* 1 km each: the defaults at a third of the source rate */
TEST_F_TIMEOUT(rates, short_fiber, 180)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 100000000 },
		{ PV_SIM(SEED), 11 },
	};

	run_set(_metadata, self, "short", pv, 2, 2000000000000ULL);
}

/* 20 and 30 km: 4 and 6 dB, an offset of 50 us from the lengths */
TEST_F_TIMEOUT(rates, long_fiber, 180)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 300000000 },
		{ PV_SIM(FIBER_LEN_A), 20000 },
		{ PV_SIM(FIBER_LEN_B), 30000 },
		{ PV_CFG(WINDOW_FULL), 2000 },
		{ PV_SIM(JITTER), 100 },
		{ PV_SIM(SEED), 22 },
	};

	run_set(_metadata, self, "long", pv, 6, 2000000000000ULL);
}

/* 200k dark counts per second and detector: accidentals matter */
TEST_F_TIMEOUT(rates, high_dark_counts, 180)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 50000000 },
		{ PV_SIM(DARK_RATE), 200000000 },
		{ PV_CFG(WINDOW_FULL), 2000 },
		{ PV_SIM(SEED), 33 },
	};

	run_set(_metadata, self, "dark", pv, 4, 1500000000000ULL);
}

/*
 * F5: 2.3e5 detections per second arrive at each detector; a 60k/s
 * saturation limit thins them and a 2 us dead time (S tau 0.12) leaves
 * S / (1 + S tau): singles and true coincidences follow, the latter as
 * the kernel's expectation says.
 */
TEST_F_TIMEOUT(rates, detector_saturation, 180)
{
	const struct qlink_pv pv[] = {
		{ PV_SIM(SOURCE_RATE), 300000000 },
		{ PV_SIM(DEAD_TIME), 2000 },
		{ PV_SIM(MAX_DET_RATE), 60000000 },
		{ PV_SIM(SEED), 44 },
	};
	struct qlink_stats_v st;
	struct exp_info e = {};
	double secs, s_raw[2], s_exp[2], s_meas[2], n_true, e_true, p;
	int ch;

	run_link(_metadata, self, pv, 4, 1000000000000ULL, &e, &st);
	secs = st.v[QLINK_A_STATS_COVERED_TIME] / 1e12;

	for (ch = 0; ch < 2; ch++) {
		p = (ch ? e.eta_b : e.eta_a) *
		    pow10_d(-((ch ? e.loss_b : e.loss_a) / 10000.0));
		s_raw[ch] = e.r_hz * p + e.d_hz;
		s_exp[ch] = s_raw[ch];
		if (s_exp[ch] > 60000)
			s_exp[ch] = 60000;
		s_exp[ch] = s_exp[ch] / (1 + s_exp[ch] * 2e-6);
		s_meas[ch] = st.v[ch ? QLINK_A_STATS_TAGS_B :
				  QLINK_A_STATS_TAGS_A] / secs;
		TH_LOG("detector %c: %.0f/s registered of %.0f/s arriving (expected %.0f/s)",
		       'A' + ch, s_meas[ch], s_raw[ch], s_exp[ch]);
		EXPECT_LE(fabs_d(s_meas[ch] - s_exp[ch]) * secs,
			  3 * sqrt_d(s_exp[ch] * secs) + 1e-3 * s_exp[ch] * secs);
	}
	n_true = st.v[QLINK_A_STATS_HERALDS] - st.v[QLINK_A_STATS_ACCIDENTALS];
	e_true = e.herald_mhz / 1000.0 * secs;
	TH_LOG("true coincidences %.0f (expected %.1f)", n_true, e_true);
	/*
	 * The product of the two detectors' live fractions ignores that
	 * their dead periods are correlated (pairs hit both): measured
	 * coincidences run 1-4% above it.
	 */
	EXPECT_LE(fabs_d(n_true - e_true), 3 * sqrt_d(e_true) + 0.05 * e_true);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qhr_a"));
}

TEST_HARNESS_MAIN
