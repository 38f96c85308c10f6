// SPDX-License-Identifier: GPL-2.0
/*
 * qcore cross-correlation of two time-tag streams.  See xcorr.h for the
 * method, the lock rule and the cost.
 *
 * Fixed point: counts and expected counts are Q16, bin positions Q8.
 * Every stage histograms at most QCORE_XCORR_MAX_PAIRS pairs, so a bin,
 * a window and a stage hold at most 2^22 counts, 2^38 in Q16.
 */
#include "xcorr.h"

/* Tags at or above this are ignored (the matcher's QCORE_TS_LIMIT). */
#define QX_TS_LIMIT	BIT_ULL(63)
/* Lock rule: n >= QX_MIN_COUNT and n > B + QX_SIGMAS sqrt(V) + QX_MARGIN. */
#define QX_MIN_COUNT	8
#define QX_SIGMAS	7
#define QX_MARGIN	5
/* Final error at most window / QX_ERR_DIV. */
#define QX_ERR_DIV	12
/* Expected counts above this (Q16) are beyond any stage's pairs. */
#define QX_COUNT_SAT	BIT_ULL(48)

struct qx_stage {
	s64 lo;			/* difference at the start of bin 0 */
	u64 span;		/* differences lo .. lo + span are counted */
	unsigned int shift;	/* bins are 2^shift ps */
	u32 nbins;
	u32 budget;		/* pairs this stage may visit */
	u32 pairs;		/* pairs it visited */
	bool capped;
	u64 rate_q40;		/* tags per ps of both channels, Q40 */
};

/* First index of t[0..n) for which t[i] >= limit (t sorted). */
static u32 qx_below(const u64 *t, u32 n, u64 limit)
{
	u32 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t[mid] >= limit)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* First index of a[0..n) with (s64)(ref - a[i]) < bound (a sorted). */
static u32 qx_first_short(const u64 *a, u32 n, u64 ref, s64 bound)
{
	u32 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((s64)(ref - a[mid]) < bound)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static u64 qx_add_sat(u64 x, u64 y)
{
	return x + y < x ? U64_MAX : x + y;
}

/*
 * (n - 1) / span: the rate of a channel per ps, Q40, for the variance of
 * overlapping pairs.  One tag has no neighbour; a span of 0 with more
 * saturates (every pair of these tags lands in the same bin).
 */
static u64 qx_rate_q40(u64 n, u64 span)
{
	return n > 1 ? qcore_mul_div_sat(n - 1, 1ULL << 40, span) : 0;
}

/*
 * Histogram b - a over [lo, lo + span] into 2^shift ps bins.  Only A tags
 * whose whole interval lies inside B's span are swept, so that every
 * difference has the same chance of an accidental pair.  The differences
 * are exact: both tags are below 2^63.
 */
static void qx_histogram(const u64 *a, u32 na, const u64 *b, u32 nb,
			 struct qx_stage *st, u32 *hist)
{
	const u64 lo_u = (u64)st->lo, span = st->span;
	const s64 hi = st->lo + (s64)span;
	const unsigned int shift = st->shift;
	u32 i, i0, i1, j = 0, pairs = 0;
	const u64 *bk, *end;
	u64 base, x;

	memset(hist, 0, st->nbins * sizeof(*hist));
	st->pairs = 0;
	st->capped = false;
	st->rate_q40 = 0;
	if (!na || !nb)
		return;
	/* a + lo >= b[0] and a + hi <= b[nb - 1] */
	i0 = qx_first_short(a, na, b[0], st->lo + 1);
	i1 = qx_first_short(a, na, b[nb - 1], hi);
	for (i = i0; i < i1; i++) {
		while (j < nb && (s64)(b[j] - a[i]) < st->lo)
			j++;
		/* b[k] >= b[j]: the true b - a - lo is in [0, 2^64) */
		base = a[i] + lo_u;
		end = b + j + min(nb - j, st->budget - pairs);
		for (bk = b + j; bk < end; bk++) {
			x = *bk - base;
			if (x > span)
				break;
			hist[x >> shift]++;
		}
		pairs += (u32)(bk - (b + j));
		if (pairs == st->budget) {
			st->capped = i + 1 < i1 ||
				     (bk < b + nb && *bk - base <= span);
			i++;
			break;
		}
	}
	st->pairs = pairs;
	if (i > i0)
		st->rate_q40 = qx_add_sat(qx_rate_q40(i - i0, a[i - 1] - a[i0]),
					  qx_rate_q40(nb, b[nb - 1] - b[0]));
}

/* Picoseconds of differences in bins [k0, k1) (the last may be short). */
static u64 qx_cover(const struct qx_stage *st, u32 k0, u32 k1)
{
	u64 end = min((u64)k1 << st->shift, st->span + 1);

	return end - ((u64)k0 << st->shift);
}

static u64 qx_sum(const u32 *hist, u32 k0, u32 k1)
{
	u64 n = 0;

	for (; k0 < k1; k0++)
		n += hist[k0];
	return n;
}

/* Counts (Q16) expected in @cover ps at @out counts per @out_cover ps. */
static u64 qx_expect_q16(u64 out, u64 out_cover, u64 cover)
{
	return min(qcore_mul_div_sat(out << 16, cover, out_cover),
		   QX_COUNT_SAT);
}

/* The lock rule for @n counts where @bkg_q16 are expected. */
static bool qx_significant(const struct qx_stage *st, u64 n, u64 bkg_q16,
			   u64 cover)
{
	u64 rho_q16 = qcore_mul_div_sat(st->rate_q40, cover, 1ULL << 24);
	u64 var_q16, thr;

	/* V = B (1 + rho), saturated: a huge V only means no lock */
	var_q16 = qx_add_sat(bkg_q16,
			     qcore_mul_div_sat(bkg_q16, rho_q16, 1ULL << 16));
	/* sqrt(V in Q16) is Q8; bkg_q16 <= 2^48, sqrt(V) <= 2^40 */
	thr = bkg_q16 + QX_SIGMAS * ((u64)int_sqrt64(var_q16) << 8) +
	      ((u64)QX_MARGIN << 16);
	return n >= QX_MIN_COUNT && (n << 16) > thr;
}

struct qx_peak {
	u32 k0;			/* first bin of the peak window */
	u32 m;			/* its width in bins */
	u64 n;			/* counts in it */
	u64 out;		/* counts away from the peak */
	u64 out_cover;		/* ps away from the peak */
	u64 bkg_q16;		/* accidentals expected in the window */
};

/* Centre of window [k0, k0 + m) relative to st->lo, ps. */
static u64 qx_window_mid(const struct qx_stage *st, u32 k0, u32 m)
{
	return ((u64)k0 << st->shift) + (((u64)m << st->shift) >> 1);
}

/*
 * The window of m bins with the most counts among those centred in
 * [@want_lo, @want_hi] (relative to st->lo), and the background measured
 * outside it and its neighbours [k0 - m, k0 + 2m).
 */
static bool qx_find_peak(const struct qx_stage *st, const u32 *hist,
			 u32 m, s64 want_lo, s64 want_hi, struct qx_peak *p)
{
	u64 n, total, mid;
	u32 k, e0, e1;
	bool found = false;

	p->k0 = 0;
	p->n = 0;
	n = qx_sum(hist, 0, m);
	total = n + qx_sum(hist, m, st->nbins);
	for (k = 0; k + m <= st->nbins; k++) {
		if (k) {
			n += hist[k + m - 1];
			n -= hist[k - 1];
		}
		mid = qx_window_mid(st, k, m);
		if ((s64)mid < want_lo || (s64)mid > want_hi)
			continue;
		if (!found || n > p->n) {
			p->k0 = k;
			p->n = n;
			found = true;
		}
	}
	if (!found)
		return false;
	p->m = m;
	e0 = p->k0 > m ? p->k0 - m : 0;
	e1 = min(p->k0 + 2 * m, st->nbins);
	p->out = total - qx_sum(hist, e0, e1);
	p->out_cover = qx_cover(st, 0, st->nbins) - qx_cover(st, e0, e1);
	p->bkg_q16 = qx_expect_q16(p->out, p->out_cover,
				   qx_cover(st, p->k0, p->k0 + m));
	return true;
}

/* Mean difference in bin k, Q8 bins from the start of bin r0. */
static u64 qx_pos_q8(const struct qx_stage *st, u32 k, u32 r0)
{
	return ((u64)(k - r0) << 8) +
	       (((qx_cover(st, k, k + 1) - 1) << 7) >> st->shift);
}

/*
 * Background-subtracted centroid of the peak window and half a window
 * on either side, and its error: the statistical one, sum h (x - c)^2 /
 * S^2 for S net counts, and the bins' own (width / sqrt(12)).
 *
 * Bounds: the last stage's window is m <= 16 bins, so the region is at
 * most 32 bins (positions < 2^13 in Q8); the peak passed the lock rule,
 * so no bin expects more than the window's n <= 2^22 counts: weights
 * are below 2^38 in Q16 and every sum fits in 63 bits.
 */
static bool qx_centroid(const struct qx_stage *st, const u32 *hist,
			const struct qx_peak *p, s64 *offset, u64 *err_q8)
{
	u32 r0 = p->k0 > p->m / 2 ? p->k0 - p->m / 2 : 0;
	u32 r1 = min(p->k0 + p->m + p->m / 2, st->nbins);
	s64 w, sw = 0, swx = 0, d;
	u64 pos, cent, shd2 = 0, var;
	u32 k;

	for (k = r0; k < r1; k++) {
		pos = qx_pos_q8(st, k, r0);
		w = (s64)((u64)hist[k] << 16) -
		    (s64)qx_expect_q16(p->out, p->out_cover,
				       qx_cover(st, k, k + 1));
		sw += w;
		swx += w * (s64)pos;
	}
	if (sw <= 0)
		return false;
	cent = swx > 0 ? div64_u64((u64)swx, (u64)sw) : 0;
	cent = min(cent, (u64)(r1 - r0) << 8);
	for (k = r0; k < r1; k++) {
		pos = qx_pos_q8(st, k, r0);
		d = (s64)(pos - cent);
		shd2 += (u64)hist[k] * (u64)(d * d);
	}
	/* sum h d^2 (Q16 bins^2) / S^2, S = sw / 2^16 */
	var = qcore_mul_div_sat(shd2, 1ULL << 16, (u64)sw);
	var = qcore_mul_div_sat(var, 1ULL << 16, (u64)sw);
	var = qx_add_sat(var, (1ULL << 16) / 12);
	*err_q8 = int_sqrt64(var);
	*offset = st->lo + (s64)((u64)r0 << st->shift) +
		  (s64)(((cent << st->shift) + 128) >> 8);
	return true;
}

/* Smallest shift >= @min_shift that fits @span in the bins. */
static void qx_set_bins(struct qx_stage *st, unsigned int min_shift)
{
	st->shift = min_shift;
	while ((st->span >> st->shift) >= QCORE_XCORR_BINS)
		st->shift++;
	st->nbins = (u32)(st->span >> st->shift) + 1;
}

static void qx_report(struct qcore_xcorr_result *r, const struct qx_peak *p)
{
	r->peak = (u32)p->n;
	r->background = (u32)min((p->bkg_q16 + (1U << 15)) >> 16,
				 (u64)U32_MAX);
}

/**
 * qcore_xcorr_find() - offset between two tag streams by cross-correlation
 * @a: channel A tags, ps, sorted non-decreasing
 * @na: number of A tags
 * @b: channel B tags, ps of the other clock, sorted non-decreasing
 * @nb: number of B tags
 * @center_ps: estimate of b - a for true pairs, |center_ps| <= 2^62
 * @range_ps: the true offset is within center_ps +- range_ps, 1 .. 2^50
 * @window_ps: coincidence window (the matcher's largest |a - b'|), > 0
 * @s: working storage
 * @r: result; filled on lock and, for diagnosis, on -EAGAIN
 *
 * An array may be NULL when its count is 0.  See xcorr.h.
 *
 * Return: 0 on lock (offset_ps in [center - range, center + range]),
 * -EAGAIN without enough evidence, -EINVAL for invalid arguments.
 */
int qcore_xcorr_find(const u64 *a, u32 na, const u64 *b, u32 nb,
		     s64 center_ps, u64 range_ps, u32 window_ps,
		     struct qcore_xcorr_scratch *s,
		     struct qcore_xcorr_result *r)
{
	unsigned int fine_shift = 0;
	u32 left = QCORE_XCORR_MAX_PAIRS, m;
	s64 want_lo, want_hi, mid;
	struct qx_stage st;
	struct qx_peak p;
	u64 half, err_q8;

	if (r)
		memset(r, 0, sizeof(*r));
	if (!r || !s || (!a && na) || (!b && nb) || !window_ps ||
	    !range_ps || range_ps > QCORE_XCORR_RANGE_MAX ||
	    center_ps > QCORE_XCORR_CENTER_MAX ||
	    center_ps < -QCORE_XCORR_CENTER_MAX)
		return -EINVAL;
	want_lo = center_ps - (s64)range_ps;
	want_hi = center_ps + (s64)range_ps;
	na = qx_below(a, na, QX_TS_LIMIT);
	nb = qx_below(b, nb, QX_TS_LIMIT);
	if (window_ps >= 8)
		fine_shift = fls64(window_ps / 8) - 1;

	/*
	 * A stage's interval is at least +-4 windows, so that the final
	 * one has background bins around its peak; its peak is centred in
	 * the caller's range.  A stage that is not the last has bins wider
	 * than window / 8, so a peak window of m <= 8 bins, and the next
	 * interval is at most 64 bins: the shift drops by 6 or more per
	 * stage (from at most 39), at most 8 stages.
	 */
	mid = center_ps;
	half = max(range_ps, 4ULL * window_ps);
	for (;;) {
		st.lo = mid - (s64)half;
		st.span = 2 * half;
		st.budget = left - left / 4;
		qx_set_bins(&st, fine_shift);
		qx_histogram(a, na, b, nb, &st, s->hist);
		left -= st.pairs;
		r->pairs += st.pairs;
		r->stages++;
		r->bin_ps = (u32)min(1ULL << st.shift, (u64)U32_MAX);
		if (st.capped)
			r->flags |= QCORE_XCORR_CAPPED;

		/* the peak window: window_ps wide, at least 2 bins */
		m = (u32)min((window_ps + (1ULL << st.shift) - 1) >> st.shift,
			     (u64)st.nbins);
		m = max(m, min(2U, st.nbins));
		if (!qx_find_peak(&st, s->hist, m, want_lo - st.lo,
				  want_hi - st.lo, &p))
			return -EAGAIN;
		qx_report(r, &p);
		if (!qx_significant(&st, p.n, p.bkg_q16,
				    qx_cover(&st, p.k0, p.k0 + m)))
			return -EAGAIN;
		if (st.shift == fine_shift)
			break;
		mid = st.lo + (s64)qx_window_mid(&st, p.k0, m);
		half = max(((u64)m + 4) << (st.shift - 1), 4ULL * window_ps);
	}

	if (!qx_centroid(&st, s->hist, &p, &r->offset_ps, &err_q8))
		return -EAGAIN;
	/*
	 * error <= window / 12, compared before rounding; err_q8 < 2^32,
	 * shift <= 28 (window_ps < 2^32)
	 */
	if ((err_q8 * QX_ERR_DIV) << st.shift > (u64)window_ps << 8)
		return -EAGAIN;
	r->error_ps = ((err_q8 << st.shift) + 255) >> 8;
	/* the centroid may stray past an edge of the range by its error */
	r->offset_ps = max(min(r->offset_ps, want_hi), want_lo);
	return 0;
}
