// SPDX-License-Identifier: GPL-2.0
/*
 * qcore fixed-point fidelity and link physics.  See fidelity.h for the
 * units.  Integer arithmetic only: this runs in the kernel without the
 * FPU, and gives the same bits in the userspace tests.
 */
#include "fidelity.h"

/* log2(e) in Q62, ln(2) in Q32, ln(10) / 10^4 in Q64. */
#define QF_LOG2E_Q62	6653256548922161246ULL
#define QF_LN2_Q32	2977044472ULL
#define QF_LN10_MDB_Q64	4247519791839987ULL
/* ln(10) / 10^7 in Q64: nepers per (mdB/km * m). */
#define QF_LN10_MDBM_Q64	4247519791840ULL
/* e^-44 < 2^-63: beyond this exp(-x) is 0 at any precision we keep. */
#define QF_EXP_MAX_X	44

/* Clamp a fidelity to 1.0, so that 1 - f cannot wrap. */
static u32 min_f1(u32 f)
{
	return f > QCORE_F_ONE ? QCORE_F_ONE : f;
}

/* 2^(-j/32) in Q31, j = 0..31. */
static const u32 qf_exp2_tbl[32] = {
	2147483648U, 2101467502U, 2056437387U, 2012372174U,
	1969251188U, 1927054196U, 1885761398U, 1845353420U,
	1805811301U, 1767116489U, 1729250827U, 1692196547U,
	1655936265U, 1620452965U, 1585730000U, 1551751076U,
	1518500250U, 1485961921U, 1454120821U, 1422962010U,
	1392470869U, 1362633090U, 1333434672U, 1304861917U,
	1276901417U, 1249540052U, 1222764986U, 1196563654U,
	1170923762U, 1145833280U, 1121280436U, 1097253708U,
};

/**
 * qcore_exp_neg_q32() - e^-x in fixed point
 * @x_q32: x >= 0 in Q32 (x * 2^32)
 *
 * e^-x = 2^-(x log2 e): the integer part of the exponent is a shift, the
 * top five fraction bits index a table, and the rest (less than 1/32)
 * goes through a cubic, accurate to about 1e-8 relative.
 *
 * Return: e^-x in Q32 (1.0 is 2^32).
 */
u64 qcore_exp_neg_q32(u64 x_q32)
{
	u64 y, f, r, z, z2, p, v;
	unsigned int n;

	if (x_q32 >= ((u64)QF_EXP_MAX_X << 32))
		return 0;
	y = mul_u64_u64_shr(x_q32, QF_LOG2E_Q62, 62);
	n = (unsigned int)(y >> 32);
	if (n >= 33)
		return 0;
	f = y & 0xffffffffULL;
	r = f & ((1ULL << 27) - 1);
	z = (r * QF_LN2_Q32) >> 32;		/* r ln 2, < 0.022, Q32 */
	z2 = (z * z) >> 32;
	/* 2^-r = e^-z ~ 1 - z + z^2/2 - z^3/6 */
	p = (1ULL << 32) - z + (z2 >> 1) - div_u64((z2 * z) >> 32, 6);
	v = ((u64)qf_exp2_tbl[f >> 27] * p) >> 31;
	return v >> n;
}

/* t / tau in Q32, saturated where exp(-x) is 0 anyway. */
static u64 qf_ratio_q32(u64 t, u64 tau)
{
	int s;

	if (tau <= div_u64(t, QF_EXP_MAX_X))
		return (u64)QF_EXP_MAX_X << 32;
	/* Scale both so that t << 32 fits; tau >> s stays above 2^24. */
	s = fls64(t) > 31 ? fls64(t) - 31 : 0;
	return div64_u64((t >> s) << 32, tau >> s);
}

/**
 * qcore_werner_decay() - fidelity of a stored Werner pair
 * @f0: fidelity at herald time
 * @t_ps: time in memory
 * @t_decay_ps: memory coherence time T; 0 means no decay
 *
 * F(t) = 1/4 + (F0 - 1/4) e^(-t/T).  Absolute error below 1e-8.
 *
 * Return: fidelity after @t_ps.
 */
u32 qcore_werner_decay(u32 f0, u64 t_ps, u64 t_decay_ps)
{
	u64 e;

	if (!t_decay_ps || !t_ps)
		return f0;
	e = qcore_exp_neg_q32(qf_ratio_q32(t_ps, t_decay_ps));
	if (f0 >= QCORE_F_QUARTER)
		return QCORE_F_QUARTER +
		       (u32)(((u64)(f0 - QCORE_F_QUARTER) * e) >> 32);
	return QCORE_F_QUARTER -
	       (u32)(((u64)(QCORE_F_QUARTER - f0) * e) >> 32);
}

/**
 * qcore_herald_fidelity() - fidelity of a herald from a true/accidental mix
 * @f0: fidelity of a true coincidence
 * @c_true: true coincidences (count or rate)
 * @c_acc: accidental coincidences, same unit; they carry fidelity 1/4
 *
 * F = (F0 C_true + 1/4 C_acc) / (C_true + C_acc).
 *
 * Return: the mixed fidelity, or @f0 if both counts are 0.
 */
u32 qcore_herald_fidelity(u32 f0, u64 c_true, u64 c_acc)
{
	u64 tot;

	while (c_true + c_acc < c_true) {	/* sum overflows: rescale */
		c_true >>= 1;
		c_acc >>= 1;
	}
	tot = c_true + c_acc;
	if (!tot)
		return f0;
	return (u32)(mul_u64_u64_div_u64(f0, c_true, tot) +
		     mul_u64_u64_div_u64(QCORE_F_QUARTER, c_acc, tot));
}

/**
 * qcore_swap_fidelity() - entanglement swap of two Werner pairs
 * @f1: fidelity of the first pair
 * @f2: fidelity of the second pair
 *
 * F = F1 F2 + (1 - F1)(1 - F2) / 3.
 *
 * Return: fidelity of the end-to-end pair.
 */
u32 qcore_swap_fidelity(u32 f1, u32 f2)
{
	u64 both = (u64)f1 * f2;
	u64 none = (u64)(QCORE_F_ONE - min_f1(f1)) * (QCORE_F_ONE - min_f1(f2));
	u64 f = both + div_u64(none, 3);

	f = (f + (1U << (QCORE_F_SHIFT - 1))) >> QCORE_F_SHIFT;
	return f > QCORE_F_ONE ? QCORE_F_ONE : (u32)f;
}

/**
 * qcore_werner_qber() - error rate of a Werner pair measured in one basis
 * @f: fidelity
 *
 * Outcomes disagree with probability (1 - F) 2/3.
 *
 * Return: QBER in the fixed-point unit.
 */
u32 qcore_werner_qber(u32 f)
{
	u32 bad = QCORE_F_ONE - min_f1(f);

	return (u32)div_u64((u64)bad * 2 + 1, 3);
}

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
	u64 x = mul_u64_u64_shr(loss_mdb, QF_LN10_MDB_Q64, 32);

	return (u32)((qcore_exp_neg_q32(x) + 2) >> 2);
}
EXPORT_SYMBOL_GPL(qcore_db_to_transmission);

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
				QF_LN10_MDBM_Q64, 32);

	return (u32)((qcore_exp_neg_q32(x) + 2) >> 2);
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
static const u32 qf_log2_tbl[256] = {
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
	lo = qf_log2_tbl[idx];
	hi = idx < 255 ? qf_log2_tbl[idx + 1] : 1ULL << 32;
	return ((u64)n << 32) + lo + (((u64)(hi - lo) * rem) >> 23);
}
EXPORT_SYMBOL_GPL(qcore_log2_fast_q32);

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

	return mul_u64_u64_shr(nl2, QF_LN2_Q32, 32);
}
EXPORT_SYMBOL_GPL(qcore_neg_ln_q32);

/**
 * qcore_log2_q32() - log2 of a 64-bit integer, precise
 * @x: x >= 1 (0 is treated as 1)
 *
 * Integer part from the highest set bit; fraction bit by bit from
 * repeated squaring of the mantissa: 32 multiplications, error about
 * 2^-30.  For statistics and model constants, computed rarely.
 *
 * Return: log2(x) in Q32.
 */
u64 qcore_log2_q32(u64 x)
{
	u64 y, frac = 0;
	int n, k;

	if (!x)
		x = 1;
	n = fls64(x) - 1;
	/* mantissa in [1, 2) as Q62 */
	y = n <= 62 ? x << (62 - n) : x >> (n - 62);
	for (k = 31; k >= 0; k--) {
		y = mul_u64_u64_shr(y, y, 62);	/* [1, 4) in Q62 */
		if (y >= (2ULL << 62)) {
			y >>= 1;
			frac |= 1ULL << k;
		}
	}
	return ((u64)n << 32) | frac;
}
EXPORT_SYMBOL_GPL(qcore_log2_q32);

/* 10^4 / log2(10) in Q32: millidecibels per octave of attenuation. */
#define QF_MDB_PER_LOG2_Q32	12929139864918ULL

/**
 * qcore_ratio_to_mdb() - attenuation of a ratio, in millidecibels
 * @num: transmitted (num <= den)
 * @den: offered
 *
 * 10^4 log10(den / num); both may be counts or rates.
 *
 * Return: the loss in mdB, 0 if num >= den, U32_MAX if num is 0.
 */
u32 qcore_ratio_to_mdb(u64 num, u64 den)
{
	u64 l2, mdb;

	if (!num)
		return U32_MAX;
	if (num >= den)
		return 0;
	l2 = qcore_log2_q32(den) - qcore_log2_q32(num);
	mdb = mul_u64_u64_shr(l2, QF_MDB_PER_LOG2_Q32, 64);
	return mdb > U32_MAX ? U32_MAX : (u32)mdb;
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
EXPORT_SYMBOL_GPL(qcore_drift_ps);
