// SPDX-License-Identifier: GPL-2.0
/*
 * qcore coincidence matcher.  See match.h for the policies.
 *
 * Two paths give the same answer on clean input:
 *
 *  - the careful path walks both channels one tag at a time, filters
 *    out-of-order and wrapped tags, and serves the tags carried over from
 *    the previous batch;
 *  - the fast path is a branch-free sorted merge used once the carried
 *    tags are consumed, when the batch was checked to be clean.  Most tags
 *    are singles, so a step only decides which cursor advances (eight
 *    instructions, no data-dependent branch); the rare step that falls
 *    inside the window leaves the unrolled loop.  Large batches are cut
 *    at a gap into two independent lanes merged in an interleaved loop,
 *    because one merge is bound by its own load-compare-advance latency.
 */
#include "match.h"

/*
 * Steps per unrolled block of the fast merge.  A block's bookkeeping
 * (cursors, step count, loop test) is shared by its steps: 16 instead
 * of 8 saves about 0.2 instructions per timestamp under callgrind.
 */
#define QM_UNROLL	16
/*
 * Fewest tags for which the two-lane split pays off.  Overridable at
 * build time so that the fuzzer reaches the split with small inputs.
 */
#ifndef QM_LANES_MIN
#define QM_LANES_MIN	4096
#endif
/* The fast path needs b - a - lo to fit in s64: bound the batch span. */
#define QM_SPAN_LIMIT	BIT_ULL(62)

/* One channel as seen by the careful path: carried tags, then the batch. */
struct qm_src {
	const u64 *carry;
	const u64 *t;
	u32 nc, ic;
	u32 n, i;
	u64 last;		/* last accepted tag */
	bool seen;		/* last is valid */
};

static int qm_check_params(s64 offset_ps, u64 window_ps)
{
	if (window_ps > QCORE_MATCH_WINDOW_MAX)
		return -EINVAL;
	if (offset_ps > QCORE_MATCH_OFFSET_MAX ||
	    offset_ps < -QCORE_MATCH_OFFSET_MAX)
		return -EINVAL;
	return 0;
}

/**
 * qcore_match_set_params() - change window and offset
 * @m: matcher
 * @offset_ps: delay of channel B relative to channel A, in ps
 * @window_ps: largest accepted |a - (b - offset)|, in ps
 *
 * May be called between batches; carried tags are kept.
 *
 * Return: 0, or -EINVAL if a parameter is out of range.
 */
int qcore_match_set_params(struct qcore_matcher *m, s64 offset_ps,
			   u64 window_ps)
{
	int err = qm_check_params(offset_ps, window_ps);

	if (err)
		return err;
	m->lo = offset_ps - (s64)window_ps;
	m->hi = offset_ps + (s64)window_ps;
	m->span = 2 * window_ps;
	return 0;
}

/**
 * qcore_match_reset() - forget carried tags, channel history and counters
 * @m: matcher
 */
void qcore_match_reset(struct qcore_matcher *m)
{
	m->last_a = 0;
	m->last_b = 0;
	m->seen_a = false;
	m->seen_b = false;
	m->n_carry_a = 0;
	m->n_carry_b = 0;
	memset(&m->stats, 0, sizeof(m->stats));
}

/**
 * qcore_match_init() - initialise a matcher
 * @m: matcher (caller-provided storage, about 4 KiB)
 * @offset_ps: delay of channel B relative to channel A, in ps
 * @window_ps: largest accepted |a - (b - offset)|, in ps
 *
 * Return: 0, or -EINVAL if a parameter is out of range.
 */
int qcore_match_init(struct qcore_matcher *m, s64 offset_ps, u64 window_ps)
{
	qcore_match_reset(m);
	return qcore_match_set_params(m, offset_ps, window_ps);
}

/**
 * qcore_match_flush() - finalise the carried tags as singles
 * @m: matcher
 *
 * For a link going down or a time base being rebased.
 *
 * Return: the number of tags that were pending.
 */
u32 qcore_match_flush(struct qcore_matcher *m)
{
	u32 n = m->n_carry_a + m->n_carry_b;

	m->n_carry_a = 0;
	m->n_carry_b = 0;
	return n;
}

static __always_inline const u64 *qm_opaque_ptr(const u64 *p)
{
	__asm__ ("" : "+r" (p));
	return p;
}

/* 0 if p[k - 1] <= p[k] <= p[k + 1], else the index of the offender. */
static __always_inline unsigned long qm_pair_check(const u64 *p,
						   unsigned long k)
{
	u64 x = p[k];

	if (unlikely(x < p[k - 1]))
		return k;
	if (unlikely(p[k + 1] < x))
		return k + 1;
	return 0;
}

/*
 * Index of the first tag of t[0..n) that is smaller than its predecessor,
 * or n.  Every other tag is loaded once and compared with both of its
 * neighbours straight from memory.  Hiding the pointer between pairs
 * stops GCC from loading every neighbour into a register of its own, and
 * distinct exits stop it from folding the tests into setcc/or chains:
 * five instructions per two tags, plus the loop's, which chunks of 64
 * tags make small: about 2.6 instructions per tag.
 */
static unsigned long qm_first_unsorted(const u64 *t, unsigned long n)
{
	unsigned long k, i, bad;
	const u64 *p;

	for (k = 0; k + 64 < n; k += 64) {
		p = t + k;
#pragma GCC unroll 32
		for (i = 1; i < 64; i += 2) {
			p = qm_opaque_ptr(p);
			bad = qm_pair_check(p, i);
			if (unlikely(bad))
				return k + bad;
		}
	}
	for (k++; k < n; k++)
		if (t[k] < t[k - 1])
			return k;
	return n;
}

/*
 * True if t[0..n) is non-decreasing, starts at or after @last and stays
 * below QCORE_TS_LIMIT (sorted and last < 2^63 implies all < 2^63).
 */
static bool qm_sorted(const u64 *t, u32 n, u64 last)
{
	if (!n)
		return true;
	if (t[0] < last || t[n - 1] >= QCORE_TS_LIMIT)
		return false;
	return qm_first_unsorted(t, n) == n;
}

/* The last tag a running-max filter would accept from t[0..n). */
static u64 qm_filtered_last(const u64 *t, u32 n, u64 last, bool *seen)
{
	u32 k;

	for (k = 0; k < n; k++) {
		if (t[k] >= QCORE_TS_LIMIT || (*seen && t[k] < last))
			continue;
		last = t[k];
		*seen = true;
	}
	return last;
}

static void qm_src_init(struct qm_src *s, const u64 *carry, u32 nc,
			const u64 *t, u32 n, u64 last, bool seen)
{
	s->carry = carry;
	s->nc = nc;
	s->ic = 0;
	s->t = t;
	s->n = n;
	s->i = 0;
	s->last = last;
	s->seen = seen;
}

/* Head of a channel; rejects (and counts) bad batch tags on the way. */
static bool qm_head(struct qm_src *s, struct qcore_match_stats *st,
		    u64 *ts, u32 *idx)
{
	if (s->ic < s->nc) {
		*ts = s->carry[s->ic];
		*idx = QCORE_MATCH_CARRIED;
		return true;
	}
	while (s->i < s->n) {
		u64 t = s->t[s->i];

		if (unlikely(t >= QCORE_TS_LIMIT)) {
			st->rejected_wrap++;
		} else if (unlikely(s->seen && t < s->last)) {
			st->rejected_order++;
		} else {
			s->last = t;
			s->seen = true;
			*ts = t;
			*idx = s->i;
			return true;
		}
		s->i++;
	}
	return false;
}

static void qm_pop(struct qm_src *s)
{
	if (s->ic < s->nc)
		s->ic++;
	else
		s->i++;
}

static __always_inline void qm_emit(struct qcore_matcher *m,
				    struct qcore_coinc *out, u32 cap, u32 *n,
				    u64 ta, u64 tb, u32 ia, u32 ib)
{
	m->stats.coinc++;
	if (unlikely(*n >= cap)) {
		m->stats.out_overflow++;
		return;
	}
	out[*n].a_ps = ta;
	out[*n].b_ps = tb;
	out[*n].a_idx = ia;
	out[*n].b_idx = ib;
	(*n)++;
}

/*
 * One fast step at A index *u + k, B index *j.  With e = b - a - lo, the
 * pair matches iff e <= span (unsigned); otherwise the sign of e says
 * which tag is earlier and can never match again: b if e < 0, else a.
 * The A cursor is kept as *u + k so that the unrolled copies fold k into
 * the address and only the B-advance has to be subtracted back.
 */
static __always_inline bool qm_step(const u64 *a, const u64 *b,
				    unsigned long *u, unsigned long *j,
				    unsigned long k, u64 lo, u64 span)
{
	u64 e = b[*j] - lo - a[*u + k];

	if (unlikely(e <= span))
		return true;
	e >>= 63;
	*j += e;
	*u -= e;
	return false;
}

static __always_inline unsigned long qm_opaque(unsigned long v)
{
	__asm__ ("" : "+r" (v));
	return v;
}

/*
 * After a hit somewhere in an unrolled block: the A tags the block passed
 * before the hit were too early for an earlier (so smaller) B tag, hence
 * for b[j] too, and the matching tag is the first one from the block's
 * start index that matches b[j].  Cheaper than giving every unrolled
 * step a landing pad of its own, which costs registers in the hot loop.
 */
static __always_inline unsigned long qm_find_hit(const u64 *a, const u64 *b,
						 unsigned long i,
						 unsigned long j, u64 lo,
						 u64 span)
{
	/*
	 * Hide the cursors from the optimiser: otherwise it keeps the hot
	 * loop's addresses and values alive for this rare path, at the
	 * price of an extra instruction in every step.
	 */
	i = qm_opaque(i);
	j = qm_opaque(j);
	while (b[j] - lo - a[i] > span)
		i++;
	return i;
}

/*
 * Branch-free merge of a[*pi..na) and b[*pj..nb).  Every step that does
 * not match consumes exactly one tag, so min(na - i, nb - j) steps can run
 * without bounds checks; a match leaves the block and restarts it.
 */
static void qm_fast(struct qcore_matcher *m, const u64 *a, u32 na,
		    const u64 *b, u32 nb, unsigned long *pi, unsigned long *pj,
		    struct qcore_coinc *out, u32 cap, u32 *pn)
{
	const u64 lo = (u64)m->lo, span = m->span;
	unsigned long i = *pi, j = *pj, u, u0, k, steps;

	for (;;) {
		steps = min(na - i, nb - j);
		if (!steps)
			break;
		u = i;
		while (steps >= QM_UNROLL) {
			u0 = u;
#pragma GCC unroll 16
			for (k = 0; k < QM_UNROLL; k++)
				if (qm_step(a, b, &u, &j, k, lo, span))
					goto hit;
			u += QM_UNROLL;
			steps -= QM_UNROLL;
		}
		for (; steps; steps--, u++) {
			if (qm_step(a, b, &u, &j, 0, lo, span)) {
				u0 = u;
				goto hit;
			}
		}
		i = u;
		continue;
hit:
		j = qm_opaque(j);
		i = qm_find_hit(a, b, u0, j, lo, span);
		qm_emit(m, out, cap, pn, a[i], b[j], i, j);
		i++;
		j++;
	}
	*pi = i;
	*pj = j;
}

/*
 * Find a cut that splits a[i..na), b[j..nb) into two lanes the greedy
 * merge treats independently: every lane-1 A tag is more than hi before
 * every lane-2 B tag, and every lane-1 B tag is less than lo after every
 * lane-2 A tag.  Then no cross-lane pair can match and the sequential
 * merge would finish lane 1 (its leftovers are singles) before touching
 * lane 2.  Singles are microseconds apart and windows nanoseconds wide,
 * so the first candidate cut nearly always works.
 */
static bool qm_split(const struct qcore_matcher *m, const u64 *a,
		     unsigned long i, unsigned long na, const u64 *b,
		     unsigned long j, unsigned long nb,
		     unsigned long *ca, unsigned long *cb)
{
	unsigned long ia, lo, hi, mid, tries;

	for (ia = i + (na - i) / 2, tries = 0; tries < 8 && ia + 1 < na;
	     tries++, ia++) {
		/* First B tag that lane-1 A tag a[ia - 1] passes. */
		lo = j;
		hi = nb;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if ((s64)(b[mid] - a[ia - 1]) > m->hi)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (lo > j && (s64)(b[lo - 1] - a[ia]) >= m->lo)
			continue;
		*ca = ia;
		*cb = lo;
		return true;
	}
	return false;
}

/*
 * Two lanes of the fast merge, interleaved.  A single merge is bound by
 * its own dependency chain (load, subtract, shift, cursor); two
 * independent chains keep the core twice as busy.  Used only when @out
 * can hold every pair both lanes could produce, so that lane 2 can park
 * its pairs at the top of @out and move them down at the end.
 */
static void qm_fast2(struct qcore_matcher *m, const u64 *a, u32 na,
		     const u64 *b, u32 nb, unsigned long *pi,
		     unsigned long *pj,
		     struct qcore_coinc *out, u32 cap, u32 *pn)
{
	const u64 lo = (u64)m->lo, span = m->span;
	unsigned long i1 = *pi, j1 = *pj, na1, nb1, i2, j2;
	unsigned long u1, u2, u10, u20, k, steps;
	u32 n1 = *pn, n2 = 0, t;

	if (na - i1 + nb - j1 < QM_LANES_MIN ||
	    cap - n1 < min(na - i1, nb - j1) ||
	    !qm_split(m, a, i1, na, b, j1, nb, &na1, &nb1)) {
		qm_fast(m, a, na, b, nb, pi, pj, out, cap, pn);
		return;
	}
	i2 = na1;
	j2 = nb1;

	for (;;) {
		steps = min(min(na1 - i1, nb1 - j1), min(na - i2, nb - j2));
		if (steps < QM_UNROLL)
			break;
		u1 = i1;
		u2 = i2;
		while (steps >= QM_UNROLL) {
			u10 = u1;
			u20 = u2;
#pragma GCC unroll 16
			for (k = 0; k < QM_UNROLL; k++) {
				if (qm_step(a, b, &u1, &j1, k, lo, span))
					goto hit1;
				if (qm_step(a, b, &u2, &j2, k, lo, span))
					goto hit2;
			}
			u1 += QM_UNROLL;
			u2 += QM_UNROLL;
			steps -= QM_UNROLL;
		}
		i1 = u1;
		i2 = u2;
		continue;
hit1:
		/* Lane 1 matched at step k; lane 2 had done k steps. */
		j1 = qm_opaque(j1);
		i1 = qm_find_hit(a, b, u10, j1, lo, span);
		i2 = u2 + (i1 - u1);
		qm_emit(m, out, cap, &n1, a[i1], b[j1], i1, j1);
		i1++;
		j1++;
		continue;
hit2:
		/* Lane 2 matched at step k; lane 1 had done k + 1 steps. */
		j2 = qm_opaque(j2);
		i2 = qm_find_hit(a, b, u20, j2, lo, span);
		i1 = u1 + (i2 - u2) + 1;
		/* Lane 2 parks its pairs at the top, newest lowest. */
		m->stats.coinc++;
		t = cap - 1 - n2++;
		out[t].a_ps = a[i2];
		out[t].b_ps = b[j2];
		out[t].a_idx = i2;
		out[t].b_idx = j2;
		i2++;
		j2++;
	}

	/* Finish lane 1; what is left of it are singles. */
	qm_fast(m, a, na1, b, nb1, &i1, &j1, out, cap, &n1);
	/* Lane 2's pairs sit reversed at the top: put them after lane 1's. */
	for (t = 0; t < n2 / 2; t++) {
		struct qcore_coinc tmp = out[cap - 1 - t];

		out[cap - 1 - t] = out[cap - n2 + t];
		out[cap - n2 + t] = tmp;
	}
	memmove(out + n1, out + cap - n2, n2 * sizeof(*out));
	n1 += n2;
	*pi = i2;
	*pj = j2;
	qm_fast(m, a, na, b, nb, pi, pj, out, cap, &n1);
	*pn = n1;
}

/*
 * True if every tag of both (clean) batches is within QM_SPAN_LIMIT of
 * every other, so that the fast path's e cannot overflow.
 */
static bool qm_span_ok(const u64 *a, u32 na, const u64 *b, u32 nb)
{
	u64 first, last;

	if (!na || !nb)
		return true;
	first = min(a[0], b[0]);
	last = max(a[na - 1], b[nb - 1]);
	return last - first < QM_SPAN_LIMIT;
}

/*
 * Can tag @t of channel A (@is_a) or B still pair with a tag of a later
 * batch?  Later tags of the other channel are at or after @h.
 * A: needs some b >= h with b - t <= hi.  B: some a >= h with t - a >= lo.
 */
static bool qm_pending(const struct qcore_matcher *m, u64 t, u64 h,
		       bool is_a)
{
	s64 gap = (s64)(h - t);	/* h >= t: t was accepted, h is the max */

	return is_a ? gap <= m->hi : gap <= -m->lo;
}

static void qm_keep(struct qcore_matcher *m, u64 *carry, u32 *w, u64 t)
{
	if (*w < QCORE_MATCH_CARRY)
		carry[(*w)++] = t;
	else
		m->stats.carry_overflow++;
}

/*
 * Decide the unconsumed tail of one channel: pending tags are carried
 * (the earliest ones first, the rest count as overflow), the others are
 * final singles.  The new carry is compacted in place.
 */
static void qm_tail(struct qcore_matcher *m, struct qm_src *s, u64 *carry,
		    u32 *ncarry, u64 h, bool is_a, bool clean)
{
	u64 ts;
	u32 idx, k, w = 0;

	for (; s->ic < s->nc; s->ic++)
		if (qm_pending(m, s->carry[s->ic], h, is_a))
			qm_keep(m, carry, &w, s->carry[s->ic]);
	if (clean) {
		/* Pending tags are a suffix; it is short, find it backwards. */
		for (k = s->n; k > s->i; k--)
			if (!qm_pending(m, s->t[k - 1], h, is_a))
				break;
		for (; k < s->n; k++)
			qm_keep(m, carry, &w, s->t[k]);
		s->i = s->n;
	} else {
		while (qm_head(s, &m->stats, &ts, &idx)) {
			if (qm_pending(m, ts, h, is_a))
				qm_keep(m, carry, &w, ts);
			qm_pop(s);
		}
	}
	*ncarry = w;
}

/**
 * qcore_match_batch() - match one batch of time tags
 * @m: matcher
 * @a: channel A tags, ps, non-decreasing (bad tags are rejected)
 * @na: number of A tags
 * @b: channel B tags, ps, raw (the offset is applied here)
 * @nb: number of B tags
 * @out: coincidences found, in time order
 * @out_cap: capacity of @out; more coincidences are only counted
 *
 * Linear in na + nb plus the carried tags, no allocation, no recursion.
 *
 * Return: the number of coincidences written to @out.
 */
u32 qcore_match_batch(struct qcore_matcher *m,
		      const u64 *a, u32 na, const u64 *b, u32 nb,
		      struct qcore_coinc *out, u32 out_cap)
{
	bool seen_a = m->seen_a, seen_b = m->seen_b, clean;
	struct qm_src sa, sb;
	u64 last_a, last_b, h, ta, tb;
	u32 ia, ib, n = 0;

	m->stats.tags_a += na;
	m->stats.tags_b += nb;

	clean = qm_sorted(a, na, m->last_a) && qm_sorted(b, nb, m->last_b) &&
		qm_span_ok(a, na, b, nb);
	if (clean) {
		last_a = na ? a[na - 1] : m->last_a;
		last_b = nb ? b[nb - 1] : m->last_b;
		seen_a |= na != 0;
		seen_b |= nb != 0;
	} else {
		m->stats.slow_batches++;
		last_a = qm_filtered_last(a, na, m->last_a, &seen_a);
		last_b = qm_filtered_last(b, nb, m->last_b, &seen_b);
	}

	qm_src_init(&sa, m->carry_a, m->n_carry_a, a, na, m->last_a,
		    m->seen_a);
	qm_src_init(&sb, m->carry_b, m->n_carry_b, b, nb, m->last_b,
		    m->seen_b);

	/* Careful merge: the carried tags, or everything if not clean. */
	while (qm_head(&sa, &m->stats, &ta, &ia) &&
	       qm_head(&sb, &m->stats, &tb, &ib)) {
		s64 d = (s64)(tb - ta);	/* both < 2^63: exact */

		if (clean && sa.ic == sa.nc && sb.ic == sb.nc)
			break;
		if (d < m->lo) {
			qm_pop(&sb);
		} else if (d > m->hi) {
			qm_pop(&sa);
		} else {
			qm_emit(m, out, out_cap, &n, ta, tb, ia, ib);
			qm_pop(&sa);
			qm_pop(&sb);
		}
	}
	if (clean) {
		unsigned long fi = sa.i, fj = sb.i;

		qm_fast2(m, a, na, b, nb, &fi, &fj, out, out_cap, &n);
		sa.i = fi;
		sb.i = fj;
	}

	/* Both channels are complete up to the horizon h. */
	h = max(seen_a ? last_a : 0, seen_b ? last_b : 0);
	qm_tail(m, &sa, m->carry_a, &m->n_carry_a, h, true, clean);
	qm_tail(m, &sb, m->carry_b, &m->n_carry_b, h, false, clean);

	m->last_a = last_a;
	m->last_b = last_b;
	m->seen_a = seen_a;
	m->seen_b = seen_b;
	return n;
}
