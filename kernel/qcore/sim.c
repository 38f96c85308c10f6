// SPDX-License-Identifier: GPL-2.0
/*
 * qcore physics of the simulated link, see sim.h.  Integer arithmetic
 * only, like the rest of qcore: the same bits in the kernel and in the
 * userspace tests.
 */
#include "sim.h"

/* ln(10) / 10^4 in Q64: nepers per mdB. */
#define QS_LN10_MDB_Q64		4247519791839987ULL
/* ln(10) / 10^7 in Q64: nepers per (mdB/km * m). */
#define QS_LN10_MDBM_Q64	4247519791840ULL

/**
 * qcore_db_to_transmission() - transmission of a loss
 * @loss_mdb: loss in millidecibels
 *
 * eta = 10^(-dB/10) = e^(-mdB ln(10) / 10000).
 *
 * Return: transmission in the fixed-point unit.
 */
u32 qcore_db_to_transmission(u32 loss_mdb)
{
	u64 x = mul_u64_u64_shr(loss_mdb, QS_LN10_MDB_Q64, 32);

	return (u32)((qcore_exp_neg_q32(x) + 2) >> 2);
}

/**
 * qcore_fiber_transmission() - transmission of a fiber span
 * @alpha_mdb_per_km: attenuation (QCORE_FIBER_MDB_PER_KM is 0.2 dB/km)
 * @length_m: length in metres
 *
 * Return: 10^(-alpha L / 10) in the fixed-point unit.
 */
u32 qcore_fiber_transmission(u32 alpha_mdb_per_km, u32 length_m)
{
	/* Not via whole millidecibels: 1 m of fiber is 0.2 mdB. */
	u64 x = mul_u64_u64_shr((u64)alpha_mdb_per_km * length_m,
				QS_LN10_MDBM_Q64, 32);

	return (u32)((qcore_exp_neg_q32(x) + 2) >> 2);
}

/**
 * qcore_detect_q32() - probability that a photon of an arm is registered
 * @eff_ppm: detector efficiency, ppm (above 10^6 counts as 1)
 * @loss_mdb: loss of the arm, mdB
 *
 * eta 10^(-dB/10), in 2^-32 units: the simulator compares it with
 * uniform 32-bit variates.
 *
 * Return: the probability, 2^32 = 1.
 */
u64 qcore_detect_q32(u32 eff_ppm, u32 loss_mdb)
{
	u64 eff = div_u64((u64)min(eff_ppm, 1000000U) << 32, 1000000);

	return mul_u64_u64_shr(eff, qcore_db_to_transmission(loss_mdb),
			       QCORE_F_SHIFT);
}

/**
 * qcore_pair_rate() - heralded pair rate of a source through two arms
 * @src_rate: source pair rate, any unit (Hz, mHz)
 * @eta_a: detector efficiency at A
 * @eta_b: detector efficiency at B
 * @trans: transmission of both fibers, e.g. of the summed loss
 *
 * rate = R eta_A eta_B 10^(-alpha (L_A + L_B) / 10).
 *
 * Return: the rate, in the unit of @src_rate.
 */
u64 qcore_pair_rate(u64 src_rate, u32 eta_a, u32 eta_b, u32 trans)
{
	u32 p = qcore_fmul(qcore_fmul(eta_a, eta_b), trans);

	return mul_u64_u64_shr(src_rate, p, QCORE_F_SHIFT);
}

/* log2(1 + i/256) in Q32, i = 0..255 (i = 256 would be 2^32). */
static const u32 qs_log2_tbl[256] = {
	0U, 24157255U, 48220695U, 72191046U,
	96069025U, 119855343U, 143550699U, 167155786U,
	190671291U, 214097890U, 237436253U, 260687042U,
	283850912U, 306928510U, 329920477U, 352827446U,
	375650043U, 398388887U, 421044590U, 443617759U,
	466108993U, 488518883U, 510848017U, 533096975U,
	555266330U, 577356649U, 599368495U, 621302422U,
	643158981U, 664938715U, 686642163U, 708269857U,
	729822324U, 751300086U, 772703658U, 794033552U,
	815290272U, 836474320U, 857586191U, 878626374U,
	899595355U, 920493615U, 941321628U, 962079865U,
	982768792U, 1003388871U, 1023940559U, 1044424306U,
	1064840562U, 1085189769U, 1105472367U, 1125688789U,
	1145839467U, 1165924827U, 1185945290U, 1205901275U,
	1225793196U, 1245621463U, 1265386481U, 1285088654U,
	1304728379U, 1324306051U, 1343822060U, 1363276795U,
	1382670639U, 1402003972U, 1421277169U, 1440490605U,
	1459644648U, 1478739665U, 1497776018U, 1516754066U,
	1535674166U, 1554536671U, 1573341930U, 1592090289U,
	1610782092U, 1629417679U, 1647997388U, 1666521551U,
	1684990500U, 1703404565U, 1721764068U, 1740069334U,
	1758320682U, 1776518428U, 1794662886U, 1812754368U,
	1830793181U, 1848779632U, 1866714024U, 1884596657U,
	1902427829U, 1920207835U, 1937936969U, 1955615520U,
	1973243777U, 1990822024U, 2008350545U, 2025829620U,
	2043259528U, 2060640543U, 2077972941U, 2095256991U,
	2112492963U, 2129681124U, 2146821738U, 2163915068U,
	2180961373U, 2197960912U, 2214913940U, 2231820712U,
	2248681479U, 2265496490U, 2282265995U, 2298990237U,
	2315669461U, 2332303909U, 2348893820U, 2365439432U,
	2381940981U, 2398398701U, 2414812824U, 2431183582U,
	2447511201U, 2463795910U, 2480037932U, 2496237492U,
	2512394810U, 2528510107U, 2544583599U, 2560615505U,
	2576606038U, 2592555411U, 2608463835U, 2624331521U,
	2640158677U, 2655945509U, 2671692221U, 2687399018U,
	2703066101U, 2718693670U, 2734281925U, 2749831063U,
	2765341278U, 2780812767U, 2796245722U, 2811640333U,
	2826996792U, 2842315287U, 2857596005U, 2872839132U,
	2888044853U, 2903213350U, 2918344806U, 2933439400U,
	2948497313U, 2963518722U, 2978503803U, 2993452732U,
	3008365682U, 3023242827U, 3038084339U, 3052890387U,
	3067661140U, 3082396766U, 3097097433U, 3111763305U,
	3126394546U, 3140991321U, 3155553791U, 3170082117U,
	3184576458U, 3199036973U, 3213463820U, 3227857155U,
	3242217134U, 3256543910U, 3270837638U, 3285098468U,
	3299326552U, 3313522041U, 3327685082U, 3341815825U,
	3355914416U, 3369981001U, 3384015725U, 3398018732U,
	3411990165U, 3425930167U, 3439838878U, 3453716438U,
	3467562987U, 3481378662U, 3495163602U, 3508917943U,
	3522641820U, 3536335369U, 3549998721U, 3563632012U,
	3577235372U, 3590808933U, 3604352825U, 3617867177U,
	3631352118U, 3644807776U, 3658234277U, 3671631748U,
	3685000315U, 3698340100U, 3711651229U, 3724933824U,
	3738188006U, 3751413898U, 3764611620U, 3777781291U,
	3790923031U, 3804036958U, 3817123189U, 3830181840U,
	3843213029U, 3856216870U, 3869193478U, 3882142967U,
	3895065449U, 3907961038U, 3920829844U, 3933671979U,
	3946487554U, 3959276677U, 3972039458U, 3984776005U,
	3997486426U, 4010170828U, 4022829316U, 4035461997U,
	4048068976U, 4060650357U, 4073206244U, 4085736740U,
	4098241947U, 4110721967U, 4123176902U, 4135606852U,
	4148011918U, 4160392197U, 4172747791U, 4185078796U,
	4197385310U, 4209667431U, 4221925255U, 4234158878U,
	4246368396U, 4258553902U, 4270715492U, 4282853259U,
};

/**
 * qcore_log2_fast_q32() - log2 of a 32-bit integer, by table
 * @x: x >= 1 (0 is treated as 1)
 *
 * The mantissa's top eight fraction bits index a table, the rest
 * interpolates linearly: absolute error below 3e-6.  For sampling
 * (exponential variates), where speed matters more than the last digit.
 *
 * Return: log2(x) in Q32.
 */
u64 qcore_log2_fast_q32(u32 x)
{
	u32 m, idx, rem;
	u64 lo, hi;
	int n;

	if (!x)
		x = 1;
	n = fls64(x) - 1;
	m = x << (31 - n);		/* 1.31 fixed point, top bit set */
	idx = (m >> 23) & 0xff;
	rem = m & ((1U << 23) - 1);
	lo = qs_log2_tbl[idx];
	hi = idx < 255 ? qs_log2_tbl[idx + 1] : 1ULL << 32;
	return ((u64)n << 32) + lo + (((u64)(hi - lo) * rem) >> 23);
}

/**
 * qcore_neg_ln_q32() - -ln(u / 2^32) of a uniform 32-bit variate
 * @u: u >= 1 (0 is treated as 1)
 *
 * An exponential variate of mean 1, accurate to about 2e-6.
 *
 * Return: -ln(u / 2^32) in Q32, at most about 22.2 (u = 1).
 */
u64 qcore_neg_ln_q32(u32 u)
{
	u64 nl2 = (32ULL << 32) - qcore_log2_fast_q32(u);

	return mul_u64_u64_shr(nl2, QCORE_LN2_Q32, 32);
}

/**
 * qcore_drift_ps() - a linear drift accumulated over a time
 * @drift: drift rate, ps per second (s32, any sign)
 * @t_ps: time elapsed, ps
 *
 * @drift * @t_ps / 10^12 without an intermediate that overflows: the
 * product of the largest drift and a few hours of link time does not
 * fit in 64 bits, the quotient always does (below 2^56).
 *
 * Return: the drift in ps.
 */
s64 qcore_drift_ps(s32 drift, u64 t_ps)
{
	u64 mag = drift < 0 ? -(s64)drift : drift;
	u64 d = mul_u64_u64_div_u64(mag, t_ps, 1000000000000ULL);

	return drift < 0 ? -(s64)d : (s64)d;
}

/* splitmix64's output function: a bijective mix of 64 bits. */
static u64 qs_mix64(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define QS_GOLDEN64	0x9e3779b97f4a7c15ULL

/* splitmix64: the next 32 bits of a block's PRNG. */
static u32 qs_emit_rand(struct qcore_emitter *e)
{
	e->rng += QS_GOLDEN64;
	return (u32)(qs_mix64(e->rng) >> 32);
}

/* Draw the gap to the next emission of the block. */
static void qs_emit_step(struct qcore_emitter *e)
{
	u64 x;

	if (!e->gap_q8) {
		e->t_ps = QCORE_EMIT_BLOCK_PS;
		return;
	}
	x = qcore_neg_ln_q32(qs_emit_rand(e));
	e->t_ps += mul_u64_u64_shr(x, e->gap_q8, 40);
}

/* Position @e at the first emission of block @blk (or its end). */
static void qs_emit_block(struct qcore_emitter *e, u64 blk)
{
	u64 s = qs_mix64(e->key ^ qs_mix64(blk));

	e->blk = blk;
	e->idx = 0;
	e->id_base = (u32)(s >> 32) % 1023;
	e->rng = s;
	e->t_ps = 0;
	qs_emit_step(e);
}

/**
 * qcore_emitter_init() - a seeded source of pairs
 * @e: the emitter
 * @seed: the link's seed, the same at every end
 * @rate_mhz: emission rate, mHz
 *
 * Position it with qcore_emitter_seek() before use.
 */
void qcore_emitter_init(struct qcore_emitter *e, u64 seed, u64 rate_mhz)
{
	*e = (struct qcore_emitter) { .key = qs_mix64(seed ^ QS_GOLDEN64) };
	qcore_emitter_set_rate(e, rate_mhz);
}

/**
 * qcore_emitter_set_rate() - change the emission rate
 * @e: the emitter
 * @rate_mhz: emission rate, mHz
 *
 * From the next gap drawn on: ends that change it at different times
 * agree again from the first block both drew at the new rate.
 */
void qcore_emitter_set_rate(struct qcore_emitter *e, u64 rate_mhz)
{
	e->gap_q8 = rate_mhz ? div64_u64(1000000000000000ULL << 8, rate_mhz) :
		    0;
}

/**
 * qcore_emitter_seek() - go to a time
 * @e: the emitter
 * @blk: block of real time
 * @t_ps: time in the block, ps, below QCORE_EMIT_BLOCK_PS
 *
 * The next emission is the block's first at or after @t_ps, wherever
 * @e was: the same as when it got there emission by emission.
 */
void qcore_emitter_seek(struct qcore_emitter *e, u64 blk, u64 t_ps)
{
	qs_emit_block(e, blk);
	while (e->t_ps < t_ps)
		qcore_emitter_pop(e);
}

/**
 * qcore_emitter_peek() - find the next emission
 * @e: the emitter
 * @blk_lim: look no further than the start of this block
 *
 * Moves on through blocks that have no more emissions, up to @blk_lim
 * (so that a slow source costs a bounded number of draws per call).
 *
 * Return: true if the next emission (@e->blk, @e->t_ps, @e->idx) lies
 * before block @blk_lim.
 */
bool qcore_emitter_peek(struct qcore_emitter *e, u64 blk_lim)
{
	while (e->t_ps >= QCORE_EMIT_BLOCK_PS) {
		if (e->blk + 1 >= blk_lim)
			return false;
		qs_emit_block(e, e->blk + 1);
	}
	return e->blk < blk_lim;
}

/**
 * qcore_emitter_pop() - pass the next emission
 * @e: the emitter, whose next emission lies in its block
 */
void qcore_emitter_pop(struct qcore_emitter *e)
{
	e->idx++;
	qs_emit_step(e);
}

/**
 * qcore_emission_bits() - random bits of the next emission
 * @e: the emitter
 *
 * From the seed and the emission's name only, independent of the draws
 * of its time: what every end must agree on (its Bell state, the
 * outcomes its photons give in each basis).
 *
 * Return: 64 uniform bits.
 */
u64 qcore_emission_bits(const struct qcore_emitter *e)
{
	return qs_mix64(qs_mix64(e->key + QS_GOLDEN64 + qs_mix64(e->blk)) ^
			e->idx);
}

/*
 * erf by Abramowitz and Stegun 7.1.26: erf(x) = 1 - t (a1 + t (a2 + t (a3
 * + t (a4 + t a5)))) e^(-x^2), t = 1 / (1 + p x), error below 1.5e-7.
 * p in Q32, a1..a5 in Q30.
 */
#define QS_ERF_P_Q32		1406993061ULL
static const s64 qs_erf_a[5] = {
	273621191, -305476044, 1526231383, -1560310108, 1139675401,
};

/* erfc(6) = 2e-17: erf is 1 in any unit we keep from here on. */
#define QS_ERF_ONE_X		6

/**
 * qcore_erf() - the error function
 * @x_q32: x >= 0 in Q32
 *
 * Polynomial in t = 1 / (1 + p x) times e^(-x^2) (Abramowitz and Stegun
 * 7.1.26), in Q30 with qcore_exp_neg_q32(): absolute error below 2e-7
 * over the whole range (the unit tests check it against libm).
 *
 * Return: erf(x), QCORE_F_ONE = 1.
 */
u32 qcore_erf(u64 x_q32)
{
	u64 t, e, erfc;
	s64 poly;
	int i;

	if (x_q32 >= (u64)QS_ERF_ONE_X << 32)
		return QCORE_F_ONE;
	t = div64_u64(1ULL << 62, (1ULL << 32) +
		      mul_u64_u64_shr(x_q32, QS_ERF_P_Q32, 32));	/* Q30 */
	poly = qs_erf_a[4];
	for (i = 3; i >= 0; i--)
		poly = qs_erf_a[i] + ((poly * (s64)t) >> QCORE_F_SHIFT);
	poly = (poly * (s64)t) >> QCORE_F_SHIFT;
	if (poly <= 0)
		return QCORE_F_ONE;
	e = qcore_exp_neg_q32(mul_u64_u64_shr(x_q32, x_q32, 32));
	erfc = mul_u64_u64_shr((u64)poly, e, 32);
	return erfc >= QCORE_F_ONE ? 0 : QCORE_F_ONE - (u32)erfc;
}

/* 2^32 / (2 sqrt(2)) */
#define QS_INV_2SQRT2_Q32	1518500250ULL
/* Jitter up to 2 ms: sigma_A^2 + sigma_B^2 fits in 64 bits. */
#define QS_JITTER_MAX		0x80000000U

/**
 * qcore_window_share() - share of true coincidences inside the window
 * @window_ps: full width tau of the coincidence window
 * @jitter_a_ps: Gaussian timing jitter (sigma) of detector A, at most
 *	2^31 (larger counts as 2^31)
 * @jitter_b_ps: the same of detector B
 *
 * The two tags of a pair differ by a Gaussian of sigma_d = sqrt(sigma_A^2
 * + sigma_B^2) around the offset. The matcher takes |d| <= tau/2 rounded
 * down, on integer picoseconds: 2 (tau/2) + 1 = tau | 1 values of d, the
 * continuous |d| < (tau | 1) / 2. So the share is
 *   erf((tau | 1) / (2 sqrt(2) sigma_d)),
 * erf(tau / (4 sigma)) for equal jitter sigma at both ends. (Jitter
 * drawn as a sum of four uniforms, as qlinksim did, gives up to 0.007
 * less at tau/2 = sigma, and more in the tails.)
 *
 * Return: the share, QCORE_F_ONE = all (no jitter).
 */
u32 qcore_window_share(u32 window_ps, u32 jitter_a_ps, u32 jitter_b_ps)
{
	u64 sa = min(jitter_a_ps, QS_JITTER_MAX);
	u64 sb = min(jitter_b_ps, QS_JITTER_MAX);
	u64 v = sa * sa + sb * sb, s;
	int k;

	if (!v)
		return QCORE_F_ONE;
	/* sigma_d 2^k with 32 significant bits: v 4^k in [2^62, 2^64) */
	k = (64 - fls64(v)) / 2;
	s = int_sqrt64(v << (2 * k));
	return qcore_erf(qcore_mul_div_sat(((u64)window_ps | 1) *
					   QS_INV_2SQRT2_Q32, BIT_ULL(k), s));
}

/* a b c / d, saturated at U64_MAX; d > 0. */
static u64 qs_mul3_div(u64 a, u64 b, u64 c, u64 d)
{
	if (!mul_u64_u64_shr(a, c, 64))
		return qcore_mul_div_sat(a * c, b, d);
	/* a c above 2^64: rates far beyond any detector, precision is moot */
	return qcore_mul_div_sat(qcore_mul_div_sat(a, b, d), c, 1);
}

/* mHz * mHz * ps = 10^-15 mHz */
#define QS_MHZ2_PS	1000000000000000ULL

/**
 * qcore_uncorrelated_rate() - coincidences of unrelated tags, S_A S_B tau
 * @s_a: singles rate of detector A, mHz
 * @s_b: singles rate of detector B, mHz
 * @window_ps: full width tau of the window; it accepts tau | 1 ps
 *
 * The textbook accidental rate, for independent Poisson singles. A
 * one-to-one matcher makes fewer accidental heralds, see
 * qcore_accidental_rate().
 *
 * Return: the rate in mHz, saturated.
 */
u64 qcore_uncorrelated_rate(u64 s_a, u64 s_b, u32 window_ps)
{
	return qs_mul3_div(s_a, s_b, window_ps | 1, QS_MHZ2_PS);
}

/* C tau (S_A + S_B) / 2: unrelated tags a twin competes with, halved */
static u64 qs_taken_rate(u64 s_a, u64 s_b, u64 c_in, u32 window_ps)
{
	return qs_mul3_div(c_in, s_a / 2 + s_b / 2 + (s_a & s_b & 1),
			   window_ps | 1, QS_MHZ2_PS);
}

/**
 * qcore_accidental_rate() - accidental heralds of the one-to-one matcher
 * @s_a: singles rate registered by detector A, mHz
 * @s_b: singles rate registered by detector B, mHz
 * @c_in: true coincidences inside the window (twins within it), mHz
 * @window_ps: full width tau of the window; it accepts tau | 1 ps
 *
 * The matcher pairs each tag once, with the earliest free tag of the
 * other channel in its window. Of the U = S_A S_B tau coincidences of
 * unrelated tags (a, b), those where a's twin is in the window too
 * (probability q_A = C / S_A for an A tag, C = @c_in; q_B likewise)
 * compete with it: with the twin's offset symmetric around a and b
 * uniform in the window, b comes first half the time, and then a pairs
 * with b (an accidental herald, the twin left over). If both have their
 * twins there, both pair with their twins. So the accidental share is
 *   (1 - q_A)(1 - q_B) + (q_A (1 - q_B) + (1 - q_A) q_B) / 2
 *   = 1 - (q_A + q_B) / 2,
 * and the rate U - C tau (S_A + S_B) / 2, never negative since C is at
 * most min(S_A, S_B). First order in S tau (at most one unrelated tag
 * in a window), as is U itself.
 *
 * Return: the rate in mHz.
 */
u64 qcore_accidental_rate(u64 s_a, u64 s_b, u64 c_in, u32 window_ps)
{
	u64 u = qcore_uncorrelated_rate(s_a, s_b, window_ps);
	u64 taken = qs_taken_rate(s_a, s_b, c_in, window_ps);

	return u > taken ? u - taken : 0;
}

/*
 * Detector dead time @dead_ns (non-paralysable): of singles @s (mHz) a
 * share 1 / (1 + S tau_d) is registered, and of coincidences @c the same.
 */
static void qs_dead_share(u64 *s, u64 *c, u32 dead_ns)
{
	/* S tau in units of 1e-9: mHz * ns = 1e-12 */
	u64 st = min(qcore_mul_div_sat(*s, dead_ns, 1000),
		     1000000000000000000ULL);

	*c = mul_u64_u64_div_u64(*c, 1000000000, 1000000000 + st);
	*s = mul_u64_u64_div_u64(*s, 1000000000, 1000000000 + st);
}

/**
 * qcore_link_expect() - expected rates of a time-tag link
 * @p: the link
 * @e: the rates
 *
 * Each photon of a pair is registered with probability eta 10^(-dB/10)
 * (qcore_detect_q32()); detectors add dark counts. Saturation thins a
 * detector's registrations to @p->max_det_rate (coincidences by the same
 * factor), then a dead time tau_d leaves 1 / (1 + S tau_d) of singles and
 * coincidences (the product of both arms' shares ignores that pairs
 * make their dead periods coincide: a few percent low when S tau_d is
 * large). Jitter moves some twins out of the window
 * (qcore_window_share()); the one-to-one matcher then pairs the rest,
 * less those an unrelated tag takes first, and the
 * accidental heralds of qcore_accidental_rate().
 */
void qcore_link_expect(const struct qcore_link_phys *p,
		       struct qcore_link_expect *e)
{
	u64 pd[2], c, c_in, taken, both;
	int ch;

	for (ch = 0; ch < 2; ch++) {
		pd[ch] = qcore_detect_q32(p->eff[ch], p->loss[ch]);
		e->singles[ch] = mul_u64_u64_shr(p->source_rate, pd[ch], 32);
		e->singles[ch] = e->singles[ch] > U64_MAX - p->dark[ch] ?
				 U64_MAX : e->singles[ch] + p->dark[ch];
	}
	c = mul_u64_u64_shr(mul_u64_u64_shr(p->source_rate, pd[0], 32),
			    pd[1], 32);
	for (ch = 0; ch < 2; ch++) {
		if (p->max_det_rate && e->singles[ch] > p->max_det_rate) {
			c = mul_u64_u64_div_u64(c, p->max_det_rate,
						e->singles[ch]);
			e->singles[ch] = p->max_det_rate;
		}
	}
	if (p->dead_time) {
		qs_dead_share(&e->singles[0], &c, p->dead_time);
		qs_dead_share(&e->singles[1], &c, p->dead_time);
	}

	e->twins = c;
	e->in_window = qcore_window_share(p->window, p->jitter[0],
					  p->jitter[1]);
	c_in = mul_u64_u64_shr(c, e->in_window, QCORE_F_SHIFT);
	e->uncorrelated = qcore_uncorrelated_rate(e->singles[0],
						  e->singles[1], p->window);
	e->accidental_rate = qcore_accidental_rate(e->singles[0],
						   e->singles[1], c_in,
						   p->window);
	/*
	 * Each accidental herald with one twin-bearing tag breaks a true
	 * one: U ((q_A + q_B) / 2 - q_A q_B) = taken - C^2 tau.
	 */
	taken = qs_taken_rate(e->singles[0], e->singles[1], c_in, p->window);
	both = qs_mul3_div(c_in, c_in, p->window | 1, QS_MHZ2_PS);
	c = taken - min(taken, both);
	e->herald_rate = c_in > c ? c_in - c : 0;
}
