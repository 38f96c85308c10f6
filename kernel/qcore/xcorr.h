/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qcore cross-correlation: the offset between two time-tag streams.
 *
 * The deciding end of a link split across two hosts holds its own tags
 * (channel A, ps of its link clock) and the peer's (channel B, ps of the
 * peer's clock).  Before it can match them it must know d, the offset
 * with b = a + d for the tags of one photon pair.  The protocol's HELLOs
 * bound d to [center - range, center + range]; qcore_xcorr_find()
 * narrows it down to a fraction of the coincidence window.
 *
 * Method.  A histogram of the differences b - a over every pair of tags
 * in the current interval, coarse then fine (like qcrypto's pfind, but
 * with no FFT: the interval is small).  True pairs pile up in one place,
 * accidental ones spread evenly.  The peak is the window of bins with the
 * most counts; the next stage zooms on it with narrower bins, until bins
 * are at most window_ps / 8 wide.  The offset is the background-
 * subtracted centroid of the last stage's peak.
 *
 * Lock.  Every stage must show its peak to be significant, else the call
 * returns -EAGAIN: the caller collects more tags and tries again, it
 * never gets a wrong offset.  With B the background expected in the peak
 * window (measured away from the peak) and V its variance, the window's
 * count n must satisfy
 *
 *	n >= 8  and  n > B + 7 sqrt(V) + 5.
 *
 * 7 sigma rather than 5 because the peak is the largest of up to 8192
 * windows; + 5 holds the Poisson tail of small B to the same false-alarm
 * rate (about 1e-8 per call).  V is B times 1 + (rate_A + rate_B) x the
 * window's width: a tag lies in many pairs, so neighbouring counts are
 * correlated once bins are longer than the gap between tags.  The final
 * error must also be at most window_ps / 12, so that 3 error_ps stay
 * inside a quarter of the window.
 *
 * Input.  Both arrays sorted non-decreasing (unsorted input gives a
 * meaningless -EAGAIN or offset, never a fault or an offset out of the
 * range).  Tags at or above 2^63 are ignored, as the matcher rejects
 * them.  Only A tags whose whole search interval lies inside B's span
 * are used, so that every difference sees the same background: B must
 * span more than 2 x range.  The background must be flat: singles that
 * sit on a grid (a pulsed source) make a comb of peaks, of which the
 * true one stands out only by its true pairs.  The offset must not
 * drift by more than a fraction of the window over the span passed in.
 *
 * Cost.  A two-pointer sweep per stage: O(na + nb + pairs), with at most
 * QCORE_XCORR_MAX_PAIRS pairs per call over all stages (3/4 of what is
 * left per stage).  When the cap stops a stage early
 * (QCORE_XCORR_CAPPED), the A tags swept so far are all it uses: more
 * tags will not lock a call that is capped, a smaller range will.  The
 * first stage decides: with N A tags swept, a share f of them with a
 * partner, and its peak window of 2 bins, w = range / 2048 to range /
 * 1024 ps (bins are powers of two), it locks when
 *
 *	f N > 7 sqrt(N rate_B w (1 + (rate_A + rate_B) w)) + 5.
 *
 * 1 s of 10^5 /s singles per channel, 1 % with a partner, +-100 us:
 * 100 seeds of 100 lock, 2e6 pairs, 2.8e7 instructions, about 4 ms.
 * No allocation, no floating point, no recursion.
 */
#ifndef _QCORE_XCORR_H
#define _QCORE_XCORR_H

#include "qcore_types.h"

/* Bins of one stage's histogram. */
#define QCORE_XCORR_BINS	8192
/* Pairs visited per call, all stages together. */
#define QCORE_XCORR_MAX_PAIRS	BIT(22)
/* Largest search half-width (about 19 minutes) and centre (53 days). */
#define QCORE_XCORR_RANGE_MAX	BIT_ULL(50)
#define QCORE_XCORR_CENTER_MAX	((s64)BIT_ULL(62))

/* qcore_xcorr_result.flags */
#define QCORE_XCORR_CAPPED	BIT(0)	/* a stage stopped at the pair cap */

/*
 * Caller-provided working storage (32 KiB), reused from call to call.
 * More bins make the first stage's windows narrower: fewer accidentals
 * under the peak, the first stage's sensitivity grows with sqrt(bins).
 */
struct qcore_xcorr_scratch {
	u32 hist[QCORE_XCORR_BINS];
};

struct qcore_xcorr_result {
	s64 offset_ps;		/* b - a of true pairs (on lock) */
	u64 error_ps;		/* its 1-sigma uncertainty (on lock) */
	u32 peak;		/* counts in the last stage's peak window */
	u32 background;		/* accidentals expected in that window */
	u32 pairs;		/* pairs histogrammed, all stages */
	u32 bin_ps;		/* bin width of the last stage */
	u32 stages;		/* stages run */
	u32 flags;		/* QCORE_XCORR_* */
};

int qcore_xcorr_find(const u64 *a, u32 na, const u64 *b, u32 nb,
		     s64 center_ps, u64 range_ps, u32 window_ps,
		     struct qcore_xcorr_scratch *s,
		     struct qcore_xcorr_result *r);

#endif /* _QCORE_XCORR_H */
