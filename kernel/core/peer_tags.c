// SPDX-License-Identifier: GPL-2.0
/*
 * Heralding across hosts (Documentation/qlink-protocol.rst, TAGS, HERALDS,
 * LOST). The following end sends its time tags; the deciding end merges
 * them with its own (struct qlink_merge), finds the offset between the two
 * clocks before it matches (qcore's cross-correlation around the hellos'
 * estimate), matches with the core's matcher, follows the drift, and
 * sends the herald records, which the following end stores under the same
 * numbers. Herald events of a midpoint reported at the deciding end go the
 * same way. Everything here runs in softirq or with BHs disabled.
 */
#include <linux/minmax.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "core.h"
#include "peer.h"

/* Tags each side needs before a lock is tried, and the search limits. */
#define QLINK_LOCK_MIN_TAGS	2048
#define QLINK_LOCK_RANGE_MIN	100000000ULL		/* 100 us, ps */
#define QLINK_LOCK_RANGE_MAX	10000000000ULL		/* 10 ms, ps */
/* Coincidences between two corrections of the drift. */
#define QLINK_DRIFT_COINC	16
/* Tags matched without a coincidence after which the lock is lost. */
#define QLINK_LOCK_LOSS_TAGS	8192

int qlink_peer_merge_alloc(struct qlink_peer *p)
{
	p->merge = kvzalloc(sizeof(*p->merge), GFP_KERNEL_ACCOUNT);
	return p->merge ? 0 : -ENOMEM;
}

void qlink_peer_merge_free(struct qlink_peer *p)
{
	kvfree(p->merge);
	p->merge = NULL;
}

/* Drop the oldest @k tags of side @s. */
static void qlink_merge_consume(struct qlink_merge *mg, int s, u32 k)
{
	if (!k)
		return;
	mg->n[s] -= k;
	memmove(mg->t[s], mg->t[s] + k, mg->n[s] * sizeof(mg->t[s][0]));
	memmove(mg->f[s], mg->f[s] + k, mg->n[s] * sizeof(mg->f[s][0]));
}

/* Tags of side @s before @t. */
static u32 qlink_merge_below(const struct qlink_merge *mg, int s, u64 t)
{
	u32 lo = 0, hi = mg->n[s], mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (mg->t[s][mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The merge of the current generation of the peer (see qlink_peer.gen):
 * a restart or silence of the peer, or a link up, empties it. Caller
 * holds merge_lock.
 */
static struct qlink_merge *qlink_merge_get(struct qlink_peer *p)
{
	struct qlink_merge *mg = p->merge;
	u32 gen = READ_ONCE(p->gen);

	lockdep_assert_held(&p->merge_lock);
	if (mg->gen != gen) {
		mg->gen = gen;
		mg->n[0] = 0;
		mg->n[1] = 0;
		mg->end[0] = 0;
		mg->end[1] = 0;
		mg->cut = 0;
		mg->remote_next = 0;
		mg->next_try = QLINK_LOCK_MIN_TAGS;
		mg->fit_sum = 0;
		mg->fit_n = 0;
		mg->dry = 0;
	}
	return mg;
}

/* Move the peer's buffered tags by -@d (they were converted with the old offset). */
static void qlink_merge_shift(struct qlink_merge *mg, s64 d)
{
	u32 k;

	for (k = 0; k < mg->n[1]; k++) {
		s64 t = (s64)mg->t[1][k] - d;

		mg->t[1][k] = t > (s64)mg->cut ? t : mg->cut;
	}
	mg->end[1] = (s64)mg->end[1] - d > 0 ? mg->end[1] - d : 0;
}

/*
 * Not locked yet: the peer's tags wait in its own clock. Cross-correlate
 * the two streams around the hellos' estimate of the clock offset; on a
 * lock, the offset found (less the configured offset the matcher removes
 * itself) becomes the clock offset and the waiting tags move to our
 * clock.
 */
static void qlink_merge_try_lock(struct qlink_peer *p, struct qlink_merge *mg)
{
	struct qcore_xcorr_result r;
	struct qlink_config c;
	u64 range, err_ps;
	s64 clock;
	u32 k;

	if (mg->n[0] + mg->n[1] < mg->next_try ||
	    min(mg->n[0], mg->n[1]) < QLINK_LOCK_MIN_TAGS / 2)
		return;
	spin_lock(&p->lock);
	clock = p->clock_ps;
	err_ps = p->clock_err;
	spin_unlock(&p->lock);
	if (!err_ps)		/* no clock sample of a hello yet */
		return;
	qlink_config_get(p->ql, &c);
	range = clamp_t(u64, 4 * err_ps, QLINK_LOCK_RANGE_MIN,
			QLINK_LOCK_RANGE_MAX);
	mg->next_try = mg->n[0] + mg->n[1] + QLINK_LOCK_MIN_TAGS;
	if (qcore_xcorr_find(mg->t[0], mg->n[0], mg->t[1], mg->n[1],
			     clock + c.offset, range, c.window_full, &mg->xs,
			     &r)) {
		/* no evidence yet: more tags, or fresher ones if full */
		if (max(mg->n[0], mg->n[1]) > QLINK_MERGE_CAP / 4 * 3) {
			u32 k0 = mg->n[0] / 2, k1 = mg->n[1] / 2;

			qlink_peer_count(p, QLINK_STAT_TAGS_LOST, k0 + k1);
			qlink_merge_consume(mg, 0, k0);
			qlink_merge_consume(mg, 1, k1);
			mg->next_try = mg->n[0] + mg->n[1] + QLINK_LOCK_MIN_TAGS;
		}
		return;
	}
	clock = r.offset_ps - c.offset;
	for (k = 0; k < mg->n[1]; k++)
		mg->t[1][k] = (s64)mg->t[1][k] - clock > 0 ?
			      mg->t[1][k] - clock : 0;
	mg->end[1] = (s64)mg->remote_next - clock > 0 ?
		     mg->remote_next - clock : 0;
	spin_lock(&p->lock);
	p->clock_ps = clock;
	p->clock_err = max_t(u64, r.error_ps, 1);
	p->locked = true;
	qlink_peer_update(p);
	spin_unlock(&p->lock);
	qlink_pairs_fit(p->ql, &mg->fit_sum);
	mg->fit_sum = 0;
	mg->fit_n = 0;
	mg->dry = 0;
}

/*
 * Follow the drift: the coincidences' mean b - a should be the configured
 * offset; every QLINK_DRIFT_COINC coincidences the difference moves into
 * the clock offset. A lock that finds no coincidence in
 * QLINK_LOCK_LOSS_TAGS tags is lost: the peer's tags go back to its clock
 * and the cross-correlation searches again (state calibrating).
 */
static void qlink_merge_track(struct qlink_peer *p, struct qlink_merge *mg,
			      u32 tags)
{
	struct qlink_config c;
	s64 sum, d, clock;
	u32 n, k;

	n = qlink_pairs_fit(p->ql, &sum);
	if (!n) {
		mg->dry += tags;
		if (mg->dry < QLINK_LOCK_LOSS_TAGS)
			return;
		spin_lock(&p->lock);
		clock = p->clock_ps;
		p->locked = false;
		qlink_peer_update(p);
		spin_unlock(&p->lock);
		for (k = 0; k < mg->n[1]; k++)
			mg->t[1][k] += clock;
		mg->next_try = mg->n[0] + mg->n[1] + QLINK_LOCK_MIN_TAGS;
		mg->dry = 0;
		return;
	}
	mg->dry = 0;
	mg->fit_sum += sum;
	mg->fit_n += n;
	if (mg->fit_n < QLINK_DRIFT_COINC)
		return;
	qlink_config_get(p->ql, &c);
	d = div_s64(mg->fit_sum, mg->fit_n) - c.offset;
	mg->fit_sum = 0;
	mg->fit_n = 0;
	if (!d)
		return;
	qlink_merge_shift(mg, d);
	spin_lock(&p->lock);
	p->clock_ps += d;
	spin_unlock(&p->lock);
}

/* Encode and send herald records @h[0..n) of the span up to @end. */
static void qlink_peer_send_heralds(struct qlink_peer *p,
				    const struct qlink_herald *h, u32 n,
				    u64 start, u64 end, u64 attempts)
{
	u32 i = 0, k, m, done, used, sent = 0;
	u8 *b = p->txbuf;
	s64 clock;

	spin_lock_bh(&p->lock);
	clock = p->clock_ps;
	spin_unlock_bh(&p->lock);

	spin_lock_bh(&p->tx_lock);
	if (p->h_end)
		start = p->h_end;
	do {
		u32 src, c;

		for (m = 0, src = i; src < n && m < ARRAY_SIZE(p->tx_h); src++) {
			if (!h[src].success)
				continue;
			p->tx_h[m++] = (struct qcore_wire_herald) {
				.seq = h[src].attempt,
				.t_ps = max(h[src].t_ps, start),
				.fidelity = h[src].fidelity,
				.slot = h[src].slot,
				.bell = h[src].bell_index & 3,
				.meas = h[src].meas & 63,
			};
		}
		used = qcore_wire_put_heralds(b + QLINK_HERALDS_HDR,
					      QLINK_PROTO_BODY_MAX -
					      QLINK_HERALDS_HDR, p->tx_h, m, 0,
					      start, &done);
		k = done;
		if (!done && m) {
			/* out of order (a driver's error): drop that record */
			qlink_peer_count(p, QLINK_STAT_HERALDS_LOST, 1);
			k = 1;
		}
		if (k < m)	/* the message is full: go on after the k-th */
			for (src = i, c = 0; c < k; src++)
				c += h[src].success;
		i = src;
		put_unaligned_be64(start, b);
		start = i < n ? max(h[i].t_ps, start) : end;
		put_unaligned_be64(start, b + 8);
		put_unaligned_be64(i < n ? 0 : attempts, b + 16);
		put_unaligned_be64(p->h_sent, b + 24);
		put_unaligned_be64(clock, b + 32);
		put_unaligned_be32(done, b + 40);
		/* a record not sent is one the peer counts as lost */
		p->h_sent += done;
		if (!qlink_peer_send(p, QLINK_MSG_HERALDS, b,
				     QLINK_HERALDS_HDR + used))
			sent += done;
	} while (i < n);
	p->h_end = end;
	spin_unlock_bh(&p->tx_lock);
	qlink_peer_count(p, QLINK_STAT_HERALDS_SENT, sent);
}

/* Match what both sides cover, send the heralds. Caller holds merge_lock. */
static void qlink_merge_run(struct qlink_peer *p, struct qlink_merge *mg)
{
	struct qlink_tag_batch b = {};
	u64 cut;
	int nh;

	if (!READ_ONCE(p->locked)) {
		qlink_merge_try_lock(p, mg);
		if (!READ_ONCE(p->locked))
			return;
	}
	cut = min(mg->end[0], mg->end[1]);
	if (cut <= mg->cut)
		return;
	b.t_ps[0] = mg->t[0];
	b.t_ps[1] = mg->t[1];
	b.flags[0] = mg->f[0];
	b.flags[1] = mg->f[1];
	b.n[0] = qlink_merge_below(mg, 0, cut);
	b.n[1] = qlink_merge_below(mg, 1, cut);
	b.start_ps = mg->cut;
	b.end_ps = cut;
	nh = qlink_pairs_tags(p->ql, &b, mg->out, ARRAY_SIZE(mg->out));
	qlink_merge_consume(mg, 0, b.n[0]);
	qlink_merge_consume(mg, 1, b.n[1]);
	mg->cut = cut;
	if (nh > 0)
		qlink_peer_send_heralds(p, mg->out, nh, b.start_ps, cut, 0);
	qlink_merge_track(p, mg, b.n[0] + b.n[1]);
}

/*
 * Append tags to side @s of the merge, keeping what is at or after the
 * cut; what does not fit is lost (counted). Returns false if the tags
 * are not ordered.
 */
static void qlink_merge_add(struct qlink_peer *p, struct qlink_merge *mg,
			    int s, const u64 *t, const u16 *f, u32 n)
{
	u32 k, room = QLINK_MERGE_CAP - mg->n[s], lost = 0;

	for (k = 0; k < n; k++) {
		if (t[k] < mg->cut || !room) {
			lost++;
			continue;
		}
		mg->t[s][mg->n[s]] = t[k];
		mg->f[s][mg->n[s]] = f ? f[k] : 0;
		mg->n[s]++;
		room--;
	}
	if (lost)
		qlink_peer_count(p, QLINK_STAT_TAGS_LOST, lost);
}

/* The peer is live and agrees: the streams may be merged. */
static bool qlink_peer_merging(struct qlink_peer *p)
{
	u32 s = READ_ONCE(p->state);

	return s == QLINK_PEER_CALIBRATING || s == QLINK_PEER_UP;
}

static void qlink_decide_tags(struct qlink_peer *p,
			      const struct qlink_tag_batch *b)
{
	struct qlink_merge *mg;

	if (!READ_ONCE(p->tags_model)) {
		spin_lock_bh(&p->lock);
		p->tags_model = true;
		qlink_peer_update(p);
		spin_unlock_bh(&p->lock);
	}
	if (!qlink_peer_merging(p))
		return;
	spin_lock_bh(&p->merge_lock);
	mg = qlink_merge_get(p);
	qlink_merge_add(p, mg, 0, b->t_ps[0], b->flags[0], b->n[0]);
	mg->end[0] = max(mg->end[0], b->end_ps);
	qlink_merge_run(p, mg);
	spin_unlock_bh(&p->merge_lock);
}

bool qlink_peer_rx_tags(struct qlink_peer *p, const struct qlink_msg *m)
{
	const u8 *b = m->body;
	u64 start, end, prev, t[64];
	struct qlink_merge *mg;
	u32 n, k, pos, done;
	bool locked;
	s64 clock;
	u16 f[64];
	int r;

	if (m->len < QLINK_TAGS_HDR)
		return false;
	start = get_unaligned_be64(b);
	end = get_unaligned_be64(b + 8);
	n = get_unaligned_be32(b + 24);
	if (end < start || n > (m->len - QLINK_TAGS_HDR) / 2)
		return false;
	if (!qlink_peer_merging(p))
		return true;

	spin_lock_bh(&p->merge_lock);
	mg = qlink_merge_get(p);
	/* under merge_lock: a lock or a drift correction moves it */
	spin_lock(&p->lock);
	clock = p->clock_ps;
	spin_unlock(&p->lock);
	if (mg->remote_next && start < mg->remote_next) {
		/* reordered: its span was given up already */
		qlink_peer_count(p, QLINK_STAT_TAGS_LOST, n);
		goto out;
	}
	locked = READ_ONCE(p->locked);
	if (!locked)		/* they wait in the peer's clock */
		clock = 0;
	if (locked && mg->remote_next && start > mg->remote_next) {
		/* a span was lost: our tags of it have no partners */
		u64 skip = (s64)start - clock > 0 ? start - clock : 0;

		qlink_merge_run(p, mg);
		if (skip > mg->cut) {
			k = qlink_merge_below(mg, 0, skip);
			qlink_peer_count(p, QLINK_STAT_TAGS_LOST, k);
			qlink_merge_consume(mg, 0, k);
			qlink_merge_consume(mg, 1, qlink_merge_below(mg, 1, skip));
			mg->cut = skip;
		}
	}
	/* decode in chunks, converting to our clock */
	prev = start;
	for (pos = QLINK_TAGS_HDR, done = 0; done < n; done += k) {
		k = min_t(u32, n - done, ARRAY_SIZE(t));
		r = qcore_wire_get_tags(b + pos, m->len - pos, k, prev, t, f);
		if (r < 0)
			goto bad;
		pos += r;
		prev = t[k - 1];
		if (prev > end)
			goto bad;
		for (r = 0; r < k; r++)
			t[r] = (s64)t[r] - clock > 0 ? t[r] - clock : 0;
		qlink_merge_add(p, mg, 1, t, f, k);
	}
	if (pos != m->len)
		goto bad;
	qlink_peer_count(p, QLINK_STAT_TAGS_RECEIVED, n);
	mg->remote_next = end;
	if (locked)
		mg->end[1] = max_t(u64, mg->end[1],
				   (s64)end - clock > 0 ? end - clock : 0);
	qlink_merge_run(p, mg);
out:
	spin_unlock_bh(&p->merge_lock);
	return true;
bad:
	spin_unlock_bh(&p->merge_lock);
	return false;
}

/* The following end: its tags of one batch to the deciding end. */
static void qlink_follow_tags(struct qlink_peer *p,
			      const struct qlink_tag_batch *b)
{
	const u64 *t = b->t_ps[1];
	const u16 *f = b->flags[1];
	u32 n = b->n[1], i = 0, done, used, sent = 0;
	u64 start = b->start_ps, end;
	u8 *buf = p->txbuf;

	if (!READ_ONCE(p->tags_model)) {
		spin_lock_bh(&p->lock);
		p->tags_model = true;
		spin_unlock_bh(&p->lock);
	}
	if (!qlink_peer_merging(p))
		return;
	spin_lock_bh(&p->tx_lock);
	do {
		used = qcore_wire_put_tags(buf + QLINK_TAGS_HDR,
					   QLINK_PROTO_BODY_MAX - QLINK_TAGS_HDR,
					   t + i, f ? f + i : NULL, n - i, start,
					   &done);
		i += done;
		if (!done && i < n) {
			/* a tag before the span: the driver broke the order */
			i++;
			continue;
		}
		end = i < n ? t[i] : max(b->end_ps, start);
		put_unaligned_be64(start, buf);
		put_unaligned_be64(end, buf + 8);
		put_unaligned_be64(++p->tags_batch, buf + 16);
		put_unaligned_be32(done, buf + 24);
		if (!qlink_peer_send(p, QLINK_MSG_TAGS, buf,
				     QLINK_TAGS_HDR + used))
			sent += done;
		start = end;
	} while (i < n);
	spin_unlock_bh(&p->tx_lock);
	qlink_peer_count(p, QLINK_STAT_TAGS_SENT, sent);
}

/**
 * qlink_peer_tags() - a driver's tags on a link with a peer
 * @ql: the link
 * @b: the batch: channel 0 at the deciding end, 1 at the following end
 *
 * Return: 0 (the heralds go to the peer, none to the driver).
 */
int qlink_peer_tags(struct qlink *ql, const struct qlink_tag_batch *b)
{
	struct qlink_peer *p;

	rcu_read_lock();
	p = rcu_dereference(ql->peer);
	if (p && p->role == QLINK_ROLE_DECIDE)
		qlink_decide_tags(p, b);
	else if (p)
		qlink_follow_tags(p, b);
	rcu_read_unlock();
	return 0;
}

/**
 * qlink_peer_heralds() - a driver's herald events on a link with a peer
 * @ql: the link (its deciding end)
 * @b: the batch
 *
 * Stored here and sent to the peer while the protocol is up; dropped
 * (the link cannot herald) otherwise.
 *
 * Return: the pairs stored, or -EOPNOTSUPP at a following end.
 */
int qlink_peer_heralds(struct qlink *ql, const struct qlink_herald_batch *b)
{
	struct qlink_peer *p;
	int ret = 0;

	rcu_read_lock();
	p = rcu_dereference(ql->peer);
	if (p && p->role != QLINK_ROLE_DECIDE) {
		ret = -EOPNOTSUPP;
	} else if (p && READ_ONCE(p->state) == QLINK_PEER_UP) {
		ret = qlink_pairs_heralds(ql, b);
		if (ret >= 0)
			qlink_peer_send_heralds(p, b->ev, b->n, b->start_ps,
						b->end_ps, b->attempts);
	}
	rcu_read_unlock();
	return ret;
}

bool qlink_peer_rx_heralds(struct qlink_peer *p, const struct qlink_msg *m)
{
	struct qlink_herald_batch hb = {};
	const u8 *b = m->body;
	u64 start, end, sent, lost_first = 0, lost_last = 0;
	u32 n, k;
	s64 clock;
	int r;

	if (m->len < QLINK_HERALDS_HDR)
		return false;
	start = get_unaligned_be64(b);
	end = get_unaligned_be64(b + 8);
	sent = get_unaligned_be64(b + 24);
	clock = (s64)get_unaligned_be64(b + 32);
	n = get_unaligned_be32(b + 40);
	if (end < start || n > ARRAY_SIZE(p->rx_h) ||
	    n > (m->len - QLINK_HERALDS_HDR) / 5)
		return false;

	spin_lock_bh(&p->rx_lock);
	r = qcore_wire_get_heralds(b + QLINK_HERALDS_HDR,
				   m->len - QLINK_HERALDS_HDR, n, 0, start,
				   p->rx_h);
	if (r != m->len - QLINK_HERALDS_HDR || (n && p->rx_h[n - 1].t_ps > end)) {
		spin_unlock_bh(&p->rx_lock);
		return false;
	}
	if (sent < p->h_got || (n && p->rx_h[0].seq <= p->h_last_seq)) {
		/* late: its records were given up (LOST) already */
		spin_unlock_bh(&p->rx_lock);
		return true;
	}
	if (sent > p->h_got && n) {
		qlink_peer_count(p, QLINK_STAT_HERALDS_LOST, sent - p->h_got);
		lost_first = p->h_last_seq + 1;
		lost_last = p->rx_h[0].seq - 1;
	}
	p->h_got = sent + n;
	for (k = 0; k < n; k++) {
		const struct qcore_wire_herald *w = &p->rx_h[k];
		s64 t = (s64)w->t_ps + clock;

		p->h_last_t = max_t(u64, p->h_last_t, t > 0 ? t : 0);
		p->rx_ev[k] = (struct qlink_herald) {
			.attempt = w->seq,
			.t_ps = p->h_last_t,
			.fidelity = w->fidelity,
			.slot = w->slot,
			.success = 1,
			.bell_index = w->bell,
			.meas = w->meas,
		};
	}
	if (n)
		p->h_last_seq = p->rx_h[n - 1].seq;
	hb.ev = p->rx_ev;
	hb.n = n;
	hb.attempts = get_unaligned_be64(b + 16);
	hb.start_ps = (s64)start + clock > 0 ? start + clock : 0;
	hb.end_ps = (s64)end + clock > 0 ? end + clock : 0;
	r = qlink_pairs_heralds(p->ql, &hb);
	spin_unlock_bh(&p->rx_lock);
	if (r > 0)
		qlink_peer_count(p, QLINK_STAT_HERALDS_RECEIVED, r);

	if (lost_first && lost_first <= lost_last) {
		u8 lb[QLINK_LOST_LEN];

		qlink_pairs_drop(p->ql, lost_first, lost_last, QLINK_DROP_PEER);
		put_unaligned_be64(lost_first, lb);
		put_unaligned_be64(lost_last, lb + 8);
		qlink_peer_send(p, QLINK_MSG_LOST, lb, sizeof(lb));
	}
	return true;
}

bool qlink_peer_rx_lost(struct qlink_peer *p, const struct qlink_msg *m)
{
	u64 first, last;
	u32 n;

	if (m->len != QLINK_LOST_LEN)
		return false;
	first = get_unaligned_be64(m->body);
	last = get_unaligned_be64(m->body + 8);
	if (first > last)
		return false;
	n = qlink_pairs_drop(p->ql, first, last, QLINK_DROP_PEER);
	qlink_peer_count(p, QLINK_STAT_HERALDS_LOST, n);
	return true;
}
