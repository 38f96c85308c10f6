// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the simulator's expectations (kernel/qcore/sim.c): erf
 * against libm, the jitter share of true coincidences against worked
 * numbers, against qlinksim's jitter model, and the one-to-one
 * accidental and herald rates against the selftests' correction and
 * against a Monte Carlo link run through the core's matcher; and the
 * seeded source of split links: ends that start, slice and seek
 * differently see the same emissions, at the right rate.
 */
#include <math.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "match.h"
#include "sim.h"

static double tof(u32 f)
{
	return (double)f / QCORE_F_ONE;
}

/* xorshift64*: reproducible, no libc state */
static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd64(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

static double rnd_unit(void)	/* (0, 1) */
{
	return ((rnd64() >> 11) + 0.5) / 9007199254740992.0;
}

static double rnd_exp(double mean)
{
	return -mean * log(rnd_unit());
}

static double rnd_gauss(void)
{
	return sqrt(-2 * log(rnd_unit())) * cos(2 * M_PI * rnd_unit());
}

TEST(int_sqrt64_floor)
{
	u64 x = 1;
	int i;

	ASSERT_EQ(0, int_sqrt64(0));
	ASSERT_EQ(1, int_sqrt64(3));
	ASSERT_EQ(2, int_sqrt64(4));
	ASSERT_EQ(4294967295U, int_sqrt64(U64_MAX));
	for (i = 0; i < 100000; i++) {
		u64 r;

		x = rnd64() >> (rnd64() % 64);
		r = int_sqrt64(x);
		ASSERT_LE(r * r, x);
		ASSERT_TRUE(r == 4294967295U || (r + 1) * (r + 1) > x);
	}
}

/* qcore_erf() over its whole range: |error| < 2e-7 */
TEST(erf_accuracy)
{
	double x, worst = 0, at = 0;

	for (x = 0; x < 7; x += 0.00037) {
		u64 q = (u64)llround(x * 4294967296.0);
		double err = fabs(tof(qcore_erf(q)) -
				  erf((double)q / 4294967296.0));

		if (err > worst) {
			worst = err;
			at = x;
		}
	}
	TH_LOG("worst |erf error| %.3g at x = %.4f", worst, at);
	ASSERT_LT(worst, 2e-7);
	ASSERT_LE(qcore_erf(0), 1);
	ASSERT_EQ(QCORE_F_ONE, qcore_erf(6ULL << 32));
	ASSERT_EQ(QCORE_F_ONE, qcore_erf(U64_MAX));
}

static double share_d(u32 tau, u32 sa, u32 sb)
{
	double sd = sqrt((double)sa * sa + (double)sb * sb);

	return sd ? erf((tau | 1) / (2 * M_SQRT2 * sd)) : 1;
}

TEST(window_share)
{
	static const u32 taus[] = { 0, 1, 2, 10, 100, 500, 1000, 2000, 4000,
				    10000, 1000000, 10000000, U32_MAX };
	static const u32 sigmas[] = { 0, 1, 3, 30, 100, 300, 1000, 1414, 5000,
				      100000, 1000000, 1U << 31, U32_MAX };
	unsigned int i, j, k;

	/* worked numbers: tau 2000 ps, 1 ns at each end: erf(2001 / 4000) */
	EXPECT_LT(fabs(tof(qcore_window_share(2000, 1000, 1000)) - 0.5207195),
		  3e-7);
	/* 100 ps each in a 2 ns window (herald_rates' long fiber): all */
	EXPECT_EQ(QCORE_F_ONE, qcore_window_share(2000, 100, 100));
	/* tau = 4 sigma_d: 1 - 2 Q(2) = 0.9545 */
	EXPECT_LT(fabs(tof(qcore_window_share(5657, 1000, 1000)) - 0.9545053),
		  3e-7);
	EXPECT_EQ(QCORE_F_ONE, qcore_window_share(1, 0, 0));

	for (i = 0; i < ARRAY_SIZE(taus); i++)
		for (j = 0; j < ARRAY_SIZE(sigmas); j++)
			for (k = 0; k < ARRAY_SIZE(sigmas); k++) {
				u32 sa = sigmas[j], sb = sigmas[k];
				double want;

				want = share_d(taus[i], min(sa, 1U << 31),
					       min(sb, 1U << 31));
				EXPECT_LT(fabs(tof(qcore_window_share(taus[i],
								      sa, sb)) -
					       want), 3e-7) {
					TH_LOG("tau %u sigma %u %u", taus[i],
					       sa, sb);
				}
			}
}

/*
 * qlinksim's jitter (qs_jitter()): per detection, four 16-bit uniforms
 * summed, centred, times sigma sqrt(3) (an Irwin-Hall approximation of a
 * Gaussian, bounded at 3.46 sigma), rounded down to whole ps.
 */
static s32 qs_jitter(u64 sigma3_q16)
{
	u32 u1 = (u32)rnd64(), u2 = (u32)rnd64();
	s64 sum = (s64)(u1 & 0xffff) + (u1 >> 16) + (u2 & 0xffff) +
		  (u2 >> 16) - 131072;

	return (s32)((sum * (s64)sigma3_q16) >> 32);
}

/* P(|IH8 - 4| <= z): the difference of two qlinksim jitters */
static double ih8_central(double z)
{
	double lo = 4 - z, hi = 4 + z, f_lo = 0, f_hi = 0, c = 1;
	int k;

	for (k = 0; k <= 8; k++) {
		if (k > 0)
			c = c * (8 - k + 1) / k;
		if (lo > k)
			f_lo += (k & 1 ? -c : c) * pow(lo - k, 8);
		if (hi > k)
			f_hi += (k & 1 ? -c : c) * pow(hi - k, 8);
	}
	return hi >= 8 ? 1 - f_lo / 40320 : (f_hi - f_lo) / 40320;
}

/*
 * The share the simulator makes with its Irwin-Hall jitter: the Monte
 * Carlo follows the exact distribution (IH8), which is within 0.0071 of
 * the Gaussian share the driver reports (the most at tau/2 = sigma).
 */
TEST(window_share_vs_qlinksim_jitter)
{
	static const u32 taus[] = { 500, 1000, 2000, 3000, 5000, 8000 };
	const u32 sigma = 1000, n = 400000;
	u64 s3 = (u64)sigma * 113512;	/* as qs_model() */
	unsigned int i, k, in;

	for (i = 0; i < ARRAY_SIZE(taus); i++) {
		double mc, exact, gauss = tof(qcore_window_share(taus[i], sigma,
								 sigma));

		for (k = 0, in = 0; k < n; k++) {
			s64 d = (s64)qs_jitter(s3) - qs_jitter(s3);

			in += d <= (s64)(taus[i] / 2) && d >= -(s64)(taus[i] / 2);
		}
		mc = (double)in / n;
		exact = ih8_central((taus[i] | 1) / 2.0 / (sigma * sqrt(3)));
		TH_LOG("tau %u sigma %u: qlinksim %.4f (Irwin-Hall %.4f), Gaussian %.4f",
		       taus[i], sigma, mc, exact, gauss);
		EXPECT_LT(fabs(mc - exact), 4 * sqrt(exact * (1 - exact) / n) +
					     1e-4);
		EXPECT_LT(fabs(exact - gauss), 0.0075);
	}
}

/* herald_rates.c's greedy_share(), the correction the selftests made */
static double greedy_share(double r_hz, double p_a, double p_b, double d_hz)
{
	double c = r_hz * p_a * p_b;
	double q_a = c / (r_hz * p_a + d_hz), q_b = c / (r_hz * p_b + d_hz);

	return (1 - q_a) * (1 - q_b) + (q_a * (1 - q_b) + (1 - q_a) * q_b) / 2;
}

TEST(accidentals_worked_numbers)
{
	/* S_A = S_B = 100 kHz, C = 10 kHz, tau 2000 ps (2001 accepted) */
	u64 s = 100000000, c = 10000000;

	EXPECT_EQ(20010, qcore_uncorrelated_rate(s, s, 2000));
	/* U - C tau (S_A + S_B) / 2 = 20.010 Hz - 2.001 Hz */
	EXPECT_EQ(18009, qcore_accidental_rate(s, s, c, 2000));
	EXPECT_EQ(0, qcore_accidental_rate(s, s, s, 2000));
	EXPECT_EQ(U64_MAX, qcore_uncorrelated_rate(U64_MAX, U64_MAX, 1000));
	EXPECT_EQ(0, qcore_uncorrelated_rate(0, U64_MAX, 1000));
}

/* Without jitter, the one-to-one rate is S_A S_B tau greedy_share(). */
TEST(accidentals_match_selftests_correction)
{
	static const double rates[] = { 1e5, 1e6, 3e8 };	/* Hz */
	static const u32 effs[] = { 50000, 300000, 800000, 1000000 };
	static const u32 losses[] = { 0, 2000, 10000 };
	static const double darks[] = { 0, 100, 2e5 };
	unsigned int i, j, k, l;

	for (i = 0; i < ARRAY_SIZE(rates); i++)
	for (j = 0; j < ARRAY_SIZE(effs); j++)
	for (k = 0; k < ARRAY_SIZE(losses); k++)
	for (l = 0; l < ARRAY_SIZE(darks); l++) {
		struct qcore_link_phys p = {
			.source_rate = (u64)(rates[i] * 1000),
			.eff = { effs[j], 700000 },
			.loss = { losses[k], 3000 },
			.dark = { (u64)(darks[l] * 1000),
				  (u64)(darks[l] * 1000) },
			.window = 2000,
		};
		struct qcore_link_expect e;
		double pa, pb, sa, sb, want;

		qcore_link_expect(&p, &e);
		pa = effs[j] / 1e6 * pow(10, -(double)losses[k] / 1e4);
		pb = 0.7 * pow(10, -0.3);
		sa = rates[i] * pa + darks[l];
		sb = rates[i] * pb + darks[l];
		want = sa * sb * 2001e-12 * greedy_share(rates[i], pa, pb,
							 darks[l]) * 1000;
		EXPECT_EQ(QCORE_F_ONE, e.in_window);
		EXPECT_LT(fabs(e.singles[0] - sa * 1000), 2 + sa * 1e-4);
		EXPECT_LT(fabs(e.twins - rates[i] * pa * pb * 1000),
			  2 + rates[i] * 1e-5);
		EXPECT_LT(fabs(e.uncorrelated - sa * sb * 2001e-9),
			  2 + want * 1e-6);
		EXPECT_LT(fabs(e.accidental_rate - want), 2 + want * 1e-6) {
			TH_LOG("R %g eff %u loss %u dark %g: %llu mHz, selftests %.1f",
			       rates[i], effs[j], losses[k], darks[l],
			       (unsigned long long)e.accidental_rate, want);
		}
	}
}

TEST(expect_saturation_and_dead_time)
{
	/* herald_rates.c's detector_saturation set: 2.3e5/s arrive */
	struct qcore_link_phys p = {
		.source_rate = 300000000, .eff = { 800000, 800000 },
		.loss = { 200, 200 }, .dark = { 100000, 100000 },
		.jitter = { 50, 50 }, .window = 1000, .dead_time = 2000,
		.max_det_rate = 60000000,
	};
	struct qcore_link_expect e;
	double s = 60000 / (1 + 60000 * 2e-6), pd = 0.8 * pow(10, -0.02);
	double c = 3e5 * pd * pd * (60000 / (3e5 * pd + 100)) *
		   (60000 / (3e5 * pd + 100)) / pow(1 + 60000 * 2e-6, 2);

	qcore_link_expect(&p, &e);
	TH_LOG("singles %.4f %.4f /s (%.4f), twins %.4f /s (%.4f), heralds %.4f /s",
	       e.singles[0] / 1e3, e.singles[1] / 1e3, s, e.twins / 1e3, c,
	       e.herald_rate / 1e3);
	EXPECT_LT(fabs(e.singles[0] / 1e3 - s), s * 1e-6);
	EXPECT_LT(fabs(e.singles[1] / 1e3 - s), s * 1e-6);
	EXPECT_LT(fabs(e.twins / 1e3 - c), c * 1e-6);
	EXPECT_GT(e.herald_rate, e.twins * 0.999);
	EXPECT_LE(e.herald_rate, e.twins);
}

/*
 * A Monte Carlo link through the core's matcher: Poisson pairs, each
 * photon detected with its arm's probability and Gaussian jitter, dark
 * counts, tags in whole ps; the matched pairs are true when both tags
 * come from the same pair. Jitter comparable to the window and many
 * dark counts make every correction count: the share in the window
 * (0.76), the accidentals the matcher does not make (-17%) and the
 * trues they take.
 */
#define MC_SECONDS	0.2
#define MC_MAX		1200000

struct mc_tag {
	u64 t;
	s64 id;		/* pair number, -1 for a dark count */
};

static int mc_cmp(const void *x, const void *y)
{
	const struct mc_tag *a = x, *b = y;

	return a->t < b->t ? -1 : a->t > b->t;
}

static u32 mc_dark(struct mc_tag *tag, u32 n, double rate_hz, u64 t0,
		   double span_ps)
{
	double t;

	for (t = rnd_exp(1e12 / rate_hz); t < span_ps && n < MC_MAX;
	     t += rnd_exp(1e12 / rate_hz))
		tag[n++] = (struct mc_tag){ t0 + (u64)t, -1 };
	return n;
}

TEST(expect_monte_carlo)
{
	const double r_hz = 1e7, d_hz = 1e6, span = MC_SECONDS * 1e12;
	const u32 eff = 300000, tau = 2000, sigma = 600;
	const u64 t0 = 1000000000;	/* room for negative jitter */
	struct qcore_link_phys p = {
		.source_rate = (u64)(r_hz * 1000), .eff = { eff, eff },
		.dark = { (u64)(d_hz * 1000), (u64)(d_hz * 1000) },
		.jitter = { sigma, sigma }, .window = tau,
	};
	static struct mc_tag tag[2][MC_MAX];
	static u64 ta[MC_MAX], tb[MC_MAX];
	static struct qcore_coinc out[MC_MAX];
	static struct qcore_matcher m;
	struct qcore_link_expect e;
	double t, e_true, e_acc, n_true = 0, n_acc = 0;
	u32 n[2] = { 0, 0 }, k, nc;
	s64 id = 0;
	int ch;

	for (t = rnd_exp(1e12 / r_hz); t < span; t += rnd_exp(1e12 / r_hz)) {
		for (ch = 0; ch < 2; ch++) {
			if (rnd_unit() >= eff / 1e6 || n[ch] == MC_MAX)
				continue;
			tag[ch][n[ch]++] = (struct mc_tag){
				t0 + (u64)floor(t + sigma * rnd_gauss()), id };
		}
		id++;
	}
	for (ch = 0; ch < 2; ch++) {
		n[ch] = mc_dark(tag[ch], n[ch], d_hz, t0, span);
		ASSERT_LT(n[ch], MC_MAX);
		qsort(tag[ch], n[ch], sizeof(tag[ch][0]), mc_cmp);
	}
	for (k = 0; k < n[0]; k++)
		ta[k] = tag[0][k].t;
	for (k = 0; k < n[1]; k++)
		tb[k] = tag[1][k].t;
	ASSERT_EQ(0, qcore_match_init(&m, 0, tau / 2));
	nc = qcore_match_batch(&m, ta, n[0], tb, n[1], out, MC_MAX);
	ASSERT_EQ(0, m.stats.out_overflow);
	for (k = 0; k < nc; k++) {
		ASSERT_NE(QCORE_MATCH_CARRIED, out[k].a_idx);
		ASSERT_NE(QCORE_MATCH_CARRIED, out[k].b_idx);
		if (tag[0][out[k].a_idx].id >= 0 &&
		    tag[0][out[k].a_idx].id == tag[1][out[k].b_idx].id)
			n_true++;
		else
			n_acc++;
	}

	qcore_link_expect(&p, &e);
	e_true = e.herald_rate / 1e3 * MC_SECONDS;
	e_acc = e.accidental_rate / 1e3 * MC_SECONDS;
	TH_LOG("pairs %lld, tags %u %u: true %.0f (expected %.1f; %.1f twins, %.4f in the window), accidental %.0f (expected %.1f; S_A S_B tau %.1f)",
	       (long long)id, n[0], n[1], n_true, e_true,
	       e.twins / 1e3 * MC_SECONDS, tof(e.in_window), n_acc, e_acc,
	       e.uncorrelated / 1e3 * MC_SECONDS);
	/* 4 sigma, plus the second order in S tau (0.8%) for accidentals */
	EXPECT_LT(fabs(n_true - e_true), 4 * sqrt(e_true));
	EXPECT_LT(fabs(n_acc - e_acc), 4 * sqrt(e_acc) + 0.01 * e_acc);
	/* the uncorrected numbers would not pass */
	EXPECT_GT(fabs(n_acc - e.uncorrelated / 1e3 * MC_SECONDS),
		  8 * sqrt(e_acc));
	EXPECT_GT(fabs(n_true - e.twins / 1e3 * MC_SECONDS), 8 * sqrt(e_true));
}

/* One emission as an end sees it. */
struct em {
	u64 blk, t_ps, bits;
	u32 idx;
	u16 id;
};

/*
 * Walk @e up to (@blk_end, 0) in slices of random length, as an end's
 * timer does: peek, pop what lies before the slice's end.
 */
static size_t em_walk(struct qcore_emitter *e, u64 blk_end, struct em *out,
		      size_t cap)
{
	size_t n = 0;
	u64 lim_blk = e->blk, lim_t = e->t_ps;

	while (lim_blk < blk_end) {
		lim_t += rnd64() % (3 * QCORE_EMIT_BLOCK_PS / 2);
		lim_blk += lim_t / QCORE_EMIT_BLOCK_PS;
		lim_t %= QCORE_EMIT_BLOCK_PS;
		if (lim_blk >= blk_end) {
			lim_blk = blk_end;
			lim_t = 0;
		}
		while (qcore_emitter_peek(e, lim_blk + 1) &&
		       (e->blk < lim_blk || e->t_ps < lim_t)) {
			if (n < cap)
				out[n] = (struct em) {
					.blk = e->blk, .t_ps = e->t_ps,
					.idx = e->idx,
					.bits = qcore_emission_bits(e),
					.id = qcore_emission_id(e),
				};
			n++;
			qcore_emitter_pop(e);
		}
	}
	return n;
}

/*
 * Two ends of one link: end A from block 1000, end B from the middle of
 * block 1003, each slicing its own way: from where B starts, both see
 * the same emissions (time, number, id, shared bits).
 */
TEST(emitter_same_at_both_ends)
{
	static const u64 rates[] = { 300000000, 4000000000ULL, 50000, 1000 };
	enum { CAP = 200000 };
	struct em *a = calloc(CAP, sizeof(*a)), *b = calloc(CAP, sizeof(*b));
	struct qcore_emitter ea, eb;
	size_t na, nb, i, first;
	unsigned int r;

	ASSERT_TRUE(a && b);
	for (r = 0; r < ARRAY_SIZE(rates); r++) {
		const u64 blk0 = 1764000000000ULL, start = 400000000;

		qcore_emitter_init(&ea, 42, rates[r]);
		qcore_emitter_init(&eb, 42, rates[r]);
		qcore_emitter_seek(&ea, blk0 + 1000, 0);
		qcore_emitter_seek(&eb, blk0 + 1003, start);
		na = em_walk(&ea, blk0 + 1040, a, CAP);
		nb = em_walk(&eb, blk0 + 1040, b, CAP);
		ASSERT_LE(na, (size_t)CAP);
		for (first = 0; first < na; first++)
			if (a[first].blk > blk0 + 1003 ||
			    (a[first].blk == blk0 + 1003 &&
			     a[first].t_ps >= start))
				break;
		TH_LOG("rate %llu mHz: A %zu emissions, B %zu from #%zu",
		       (unsigned long long)rates[r], na, nb, first);
		ASSERT_EQ(na - first, nb);
		for (i = 0; i < nb; i++) {
			const struct em *x = &a[first + i], *y = &b[i];

			ASSERT_TRUE(x->blk == y->blk && x->t_ps == y->t_ps &&
				    x->idx == y->idx && x->id == y->id &&
				    x->bits == y->bits) {
				TH_LOG("emission %zu differs", i);
			}
			ASSERT_TRUE(y->id >= 1 && y->id <= 1023);
			ASSERT_LT(y->t_ps, QCORE_EMIT_BLOCK_PS);
		}
	}
	free(a);
	free(b);
}

/*
 * The emissions are a Poisson process of the set rate (count within 5
 * sigma, exponential gaps: variance of the count per block = mean),
 * numbered from 0 in each block with consecutive ids; another seed
 * gives other emissions; a source of rate 0 emits nothing.
 */
TEST(emitter_rate_and_names)
{
	const u64 rate = 300000000, blk0 = 5000;	/* 3e5/s: 300 per block */
	const int blocks = 2000;
	struct qcore_emitter e, o;
	double mean = rate / 1e3 * blocks / 1e3, sum2 = 0;
	u64 n = 0, same = 0;
	int k;

	qcore_emitter_init(&e, 7, rate);
	qcore_emitter_init(&o, 8, rate);
	for (k = 0; k < blocks; k++) {
		u64 c = 0, prev = 0;
		u16 id0 = 0;

		qcore_emitter_seek(&e, blk0 + k, 0);
		qcore_emitter_seek(&o, blk0 + k, 0);
		same += e.t_ps == o.t_ps;
		while (e.t_ps < QCORE_EMIT_BLOCK_PS) {
			ASSERT_EQ(c, e.idx);
			ASSERT_GE(e.t_ps, prev);
			if (!c)
				id0 = qcore_emission_id(&e);
			ASSERT_EQ((id0 - 1 + c) % 1023 + 1,
				  qcore_emission_id(&e));
			prev = e.t_ps;
			c++;
			qcore_emitter_pop(&e);
		}
		n += c;
		sum2 += ((double)c - mean / blocks) * ((double)c - mean / blocks);
	}
	TH_LOG("%llu emissions, expected %.0f; per-block variance %.1f",
	       (unsigned long long)n, mean, sum2 / blocks);
	EXPECT_LT(fabs(n - mean), 5 * sqrt(mean));
	EXPECT_LT(fabs(sum2 / blocks / (mean / blocks) - 1), 0.2);
	EXPECT_LT(same, 5);

	qcore_emitter_init(&e, 7, 0);
	qcore_emitter_seek(&e, blk0, 0);
	EXPECT_FALSE(qcore_emitter_peek(&e, blk0 + 1000));
	EXPECT_EQ(blk0 + 999, e.blk);

	/* a rate set to 0 on the way ends the block's emissions */
	qcore_emitter_init(&e, 7, rate);
	qcore_emitter_seek(&e, blk0, 0);
	ASSERT_TRUE(qcore_emitter_peek(&e, blk0 + 1));
	qcore_emitter_set_rate(&e, 0);
	qcore_emitter_pop(&e);
	EXPECT_FALSE(qcore_emitter_peek(&e, blk0 + 1000));
	/* and back: the next block is the one the rate always gave */
	qcore_emitter_set_rate(&e, rate);
	ASSERT_TRUE(qcore_emitter_peek(&e, blk0 + 1001));
	qcore_emitter_init(&o, 7, rate);
	qcore_emitter_seek(&o, blk0 + 1000, 0);
	EXPECT_EQ(o.t_ps, e.t_ps);
	EXPECT_EQ(qcore_emission_bits(&o), qcore_emission_bits(&e));
}

TEST_HARNESS_MAIN
