// SPDX-License-Identifier: GPL-2.0
/*
 * Estimators of the measured link (qlink.md §7), from what the heralding
 * path counts under the pair lock: the herald rate in one-second buckets
 * of herald time (M1), the loss of each arm from the singles and
 * coincidence rates (M3), the fidelity of coincidences of unknown truth
 * from the measured true/accidental mix, the offset between the channels
 * (M10), and the copy of the statistics that genl.c reports.
 */
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <net/qlink.h>

#include "core.h"
#include "fidelity.h"
#include "pairs_int.h"

/* One-second buckets of herald time for M1. */
void qlink_rate_count(struct qlink_pairs *ps, u64 herald_ps)
{
	lockdep_assert_held(&ps->lock);
	if (unlikely(herald_ps >= ps->rate_end_ps)) {
		ps->rate_prev = herald_ps - ps->rate_end_ps < PS_PER_SEC ?
				ps->rate_cur : 0;
		ps->rate_cur = 0;
		/* a herald time in the last second of u64 ends the buckets */
		if (check_mul_overflow(div64_u64(herald_ps, PS_PER_SEC) + 1,
				       PS_PER_SEC, &ps->rate_end_ps))
			ps->rate_end_ps = U64_MAX;
	}
	ps->rate_cur++;
}

/* M10: moving average of the offset @d = b - a of a coincidence, ps. */
void qlink_offset_count(struct qlink_pairs *ps, s64 d)
{
	lockdep_assert_held(&ps->lock);
	/* |d| <= window/2 + |offset| < 2^44: no overflow in 2^19 of them */
	if (ps->fit_n < (1U << 19)) {
		ps->fit_sum += d;
		ps->fit_n++;
	}
	if (likely(ps->offset_valid)) {
		ps->offset_q8 += ((d << OFFSET_EWMA_SHIFT) -
				  ps->offset_q8) >> OFFSET_EWMA_SHIFT;
	} else {
		ps->offset_q8 = d << OFFSET_EWMA_SHIFT;
		ps->offset_valid = true;
	}
}

/*
 * Fidelity of a coincidence whose truth is unknown: the mix of true and
 * accidental ones measured so far, accidentals estimated as
 * S_A * S_B * (2 * window + 1).
 */
u32 qlink_mix_fidelity(const struct qlink_pairs *ps)
{
	u64 acc, x;

	lockdep_assert_held(&ps->lock);
	if (!ps->covered_ps || !ps->coinc_total)
		return ps->f0;
	/* a driver's batches may cover little time: no bound on the ratio */
	x = qcore_mul_div_sat(ps->tags[0], ps->tags[1], ps->covered_ps);
	if (check_mul_overflow(x, (u64)(ps->window_ps | 1), &acc))
		acc = U64_MAX;
	acc = min(acc, ps->coinc_total);
	return qcore_herald_fidelity(ps->f0, ps->coinc_total - acc, acc);
}

static u32 qlink_mean(u64 sum, u64 n)
{
	return n ? (u32)div64_u64(sum + n / 2, n) : 0;
}

/*
 * M3: loss of the arm whose detector is @ch, from the measured rates;
 * @dark: dark counts expected of the other detector.
 */
static u32 qlink_loss_est(const struct qlink_pairs *ps, int ch, u64 acc,
			  u64 dark)
{
	u64 other = ps->tags[!ch], c, s, num, den;

	if (ps->coinc_total <= acc || other <= dark || !ps->eta_ppm[ch])
		return U32_MAX;
	c = ps->coinc_total - acc;
	s = other - dark;
	/* counts of a long run: scale both rather than wrap the products */
	while (check_mul_overflow(c, (u64)PPM, &num) ||
	       check_mul_overflow(s, (u64)ps->eta_ppm[ch], &den)) {
		c >>= 1;
		s >>= 1;
	}
	/* p_ch = C / (S_other - d); loss = -10 log10(p_ch / eta_ch) */
	return qcore_ratio_to_mdb(num, den);
}

/* A copy of the heralding statistics of @ql. */
void qlink_pairs_read_stats(struct qlink *ql, struct qlink_pairs_stats *st)
{
	struct qlink_pairs *ps = ql->pairs;
	struct qcore_pb_stats pb = {};
	u64 now, rate, acc = 0, dark[2] = {}, x;
	int ch;

	memset(st, 0, sizeof(*st));
	st->loss_est[0] = U32_MAX;
	st->loss_est[1] = U32_MAX;
	spin_lock_bh(&ps->lock);
	now = qlink_clock_ps(ps);
	qlink_pb_stats_add(&pb, &ps->base);
	qlink_pb_stats_add(&pb, &ps->pb.stats);
	if (now < ps->rate_end_ps)
		rate = ps->rate_prev;
	else if (now - ps->rate_end_ps < PS_PER_SEC)
		rate = ps->rate_cur;
	else
		rate = 0;
	if (ps->covered_ps) {
		x = qcore_mul_div_sat(ps->tags[0], ps->tags[1],
				      ps->covered_ps);
		if (check_mul_overflow(x, (u64)(ps->window_ps | 1), &acc))
			acc = U64_MAX;
		for (ch = 0; ch < 2; ch++)
			dark[ch] = mul_u64_u64_div_u64(ps->dark_mhz[ch],
						       ps->covered_ps,
						       PS_PER_SEC * 1000);
		if (ps->tags[0] && ps->tags[1]) {
			st->loss_est[0] = qlink_loss_est(ps, 0, acc, dark[1]);
			st->loss_est[1] = qlink_loss_est(ps, 1, acc, dark[0]);
		}
	}
	st->tags[0] = ps->tags[0];
	st->tags[1] = ps->tags[1];
	st->covered_ps = ps->covered_ps;
	st->now_ps = now;
	st->herald_rate = rate * 1000;
	st->n_herald = ps->n_herald;
	st->n_taken = ps->n_taken;
	st->f_herald = qlink_mean(ps->sum_f_herald, ps->n_herald);
	st->f_taken = qlink_mean(ps->sum_f_taken, ps->n_taken);
	st->age_taken = ps->n_taken ?
			div64_u64(ps->sum_age_taken_ns, ps->n_taken) : 0;
	st->lat_mean = ps->n_herald ?
		       div64_u64(ps->sum_lat_ns, ps->n_herald) : 0;
	st->lat_max = ps->max_lat_ns;
	st->offset_valid = ps->offset_valid;
	st->offset_est = ps->offset_q8 >> OFFSET_EWMA_SHIFT;
	st->offset_cfg = ps->offset_ps;
	st->pairs = ps->pb.live;
	st->slots_used = ps->pb.used_slots;
	st->max_pairs = ps->ring_size;
	st->flushed = ps->flushed + ps->dropped_peer;
	st->tags_rejected = ps->tags_rejected + ps->m.stats.rejected_order +
			    ps->m.stats.rejected_wrap;
	st->match_overflow = ps->match_overflow + ps->m.stats.out_overflow +
			     ps->m.stats.carry_overflow;
	spin_unlock_bh(&ps->lock);

	st->taken = pb.taken;
	st->dropped_full = pb.dropped_full;
	st->dropped_slots = pb.dropped_slots;
	st->expired = pb.expired;
	st->discarded_low_f = pb.discarded_low_f;
	st->rejected = pb.rejected;
	st->events_lost = atomic64_read(&ps->events_lost);
}
