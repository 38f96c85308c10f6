// SPDX-License-Identifier: GPL-2.0
/*
 * Estimators of the measured link (qlink.md §7), from what the heralding
 * path counts under the pair lock: the herald rate in one-second buckets
 * of herald time (M1), the loss of each arm from the singles and
 * coincidence rates (M3), the fidelity of coincidences of unknown truth
 * from the measured true/accidental mix, and the statistics reply.
 */
#include <linux/math64.h>
#include <linux/overflow.h>
#include <net/netlink.h>
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

/* M3: loss of the arm whose detector is @ch, from the measured rates. */
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

/* The heralding statistics inside an open %QLINK_A_STATS nest. */
int qlink_pairs_fill_stats(struct sk_buff *msg, struct qlink *ql)
{
	struct qlink_pairs *ps = ql->pairs;
	struct qcore_pb_stats pb = {};
	u32 loss[2] = { U32_MAX, U32_MAX }, f_h, f_t, pairs, slots, max_pairs;
	u64 now, rate, acc = 0, dark = 0, x, age_t, lat_mean, lat_max;
	u64 tags[2], covered, n_herald, n_taken, flushed, tags_rej, ovf;
	s64 off_est = 0, off_cfg;
	bool off_valid;

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
		dark = mul_u64_u64_div_u64(ps->dark_mhz, ps->covered_ps,
					   PS_PER_SEC * 1000);
		if (ps->tags[0] && ps->tags[1]) {
			loss[0] = qlink_loss_est(ps, 0, acc, dark);
			loss[1] = qlink_loss_est(ps, 1, acc, dark);
		}
	}
	tags[0] = ps->tags[0];
	tags[1] = ps->tags[1];
	covered = ps->covered_ps;
	n_herald = ps->n_herald;
	n_taken = ps->n_taken;
	f_h = qlink_mean(ps->sum_f_herald, ps->n_herald);
	f_t = qlink_mean(ps->sum_f_taken, ps->n_taken);
	age_t = n_taken ? div64_u64(ps->sum_age_taken_ns, n_taken) : 0;
	lat_mean = n_herald ? div64_u64(ps->sum_lat_ns, n_herald) : 0;
	lat_max = ps->max_lat_ns;
	off_valid = ps->offset_valid;
	off_est = ps->offset_q8 >> OFFSET_EWMA_SHIFT;
	off_cfg = ps->offset_ps;
	pairs = ps->pb.live;
	slots = ps->pb.used_slots;
	max_pairs = ps->ring_size;
	flushed = ps->flushed;
	tags_rej = ps->tags_rejected + ps->m.stats.rejected_order +
		   ps->m.stats.rejected_wrap;
	ovf = ps->match_overflow + ps->m.stats.out_overflow +
	      ps->m.stats.carry_overflow;
	spin_unlock_bh(&ps->lock);

	if (nla_put_u64_64bit(msg, QLINK_A_STATS_TAGS_A, tags[0],
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_TAGS_B, tags[1],
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_COVERED_TIME, covered,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_LINK_TIME, now,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_HERALD_RATE, rate * 1000,
			      QLINK_A_STATS_PAD) ||
	    (n_herald && nla_put_u32(msg, QLINK_A_STATS_FIDELITY_HERALD, f_h)) ||
	    (n_taken && nla_put_u32(msg, QLINK_A_STATS_FIDELITY_TAKEN, f_t)) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_TAKEN, pb.taken,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_AGE_TAKEN, age_t,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_LATENCY_MEAN, lat_mean,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_LATENCY_MAX, lat_max,
			      QLINK_A_STATS_PAD) ||
	    (loss[0] != U32_MAX &&
	     nla_put_u32(msg, QLINK_A_STATS_LOSS_A_EST, loss[0])) ||
	    (loss[1] != U32_MAX &&
	     nla_put_u32(msg, QLINK_A_STATS_LOSS_B_EST, loss[1])) ||
	    (off_valid &&
	     (nla_put_s64(msg, QLINK_A_STATS_OFFSET_EST, off_est,
			  QLINK_A_STATS_PAD) ||
	      nla_put_s64(msg, QLINK_A_STATS_OFFSET_ERROR, off_est - off_cfg,
			  QLINK_A_STATS_PAD))) ||
	    nla_put_u32(msg, QLINK_A_STATS_PAIRS, pairs) ||
	    nla_put_u32(msg, QLINK_A_STATS_SLOTS_USED, slots) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DROPPED_FULL, pb.dropped_full,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DROPPED_SLOTS,
			      pb.dropped_slots, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_EXPIRED, pb.expired,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_DISCARDED_LOW_F,
			      pb.discarded_low_f, QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_FLUSHED, flushed,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_REJECTED, pb.rejected,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_TAGS_REJECTED, tags_rej,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_MATCH_OVERFLOW, ovf,
			      QLINK_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, QLINK_A_STATS_EVENTS_LOST,
			      atomic64_read(&ps->events_lost),
			      QLINK_A_STATS_PAD) ||
	    nla_put_u32(msg, QLINK_A_STATS_MAX_PAIRS, max_pairs))
		return -EMSGSIZE;
	return 0;
}
