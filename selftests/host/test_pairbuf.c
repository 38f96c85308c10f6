// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the qcore pair buffer (kernel/qcore/pairbuf.c).
 */
#include "kselftest_harness.h"
#include "fidelity.h"
#include "pairbuf.h"

#define NS	1000ULL		/* ps */
#define MS	1000000000ULL	/* ps */

FIXTURE(pb)
{
	struct qcore_pair ring[8];
	struct qcore_pairbuf pb;
	struct qcore_pb_report rep;
};

FIXTURE_SETUP(pb)
{
	/* 4 records, 2 memory slots, cutoff 10 ms, T = 5 ms */
	qcore_pairbuf_init(&self->pb, self->ring, 4, 2, 10 * MS, 5 * MS);
	memset(&self->rep, 0, sizeof(self->rep));
}

FIXTURE_TEARDOWN(pb)
{
}

static int push(struct qcore_pairbuf *pb, u64 t, double f, u16 slot,
		struct qcore_pb_report *rep, u64 *seq)
{
	struct qcore_pair p = {
		.herald_ps = t,
		.f0 = (u32)(f * QCORE_F_ONE),
		.slot = slot,
		.bell_index = 1,
	};
	int err = qcore_pairbuf_push(pb, &p, rep);

	if (seq)
		*seq = p.seq;
	return err;
}

TEST_F(pb, seq_monotonic_and_order)
{
	struct qcore_pair out;
	u64 s0, s1, s2;

	ASSERT_EQ(0, push(&self->pb, 1 * MS, 0.9, QCORE_SLOT_NONE, NULL, &s0));
	ASSERT_EQ(0, push(&self->pb, 1 * MS, 0.9, QCORE_SLOT_NONE, NULL, &s1));
	ASSERT_EQ(0, push(&self->pb, 2 * MS, 0.9, QCORE_SLOT_NONE, NULL, &s2));
	EXPECT_LT(s0, s1);
	EXPECT_LT(s1, s2);
	ASSERT_EQ(0, qcore_pairbuf_take(&self->pb, 2 * MS, 0, &out, NULL));
	EXPECT_EQ(s0, out.seq);
	EXPECT_EQ(1, out.bell_index);
	EXPECT_EQ(2, self->pb.live);
}

TEST_F(pb, rejects_bad_pushes)
{
	ASSERT_EQ(0, push(&self->pb, 5 * MS, 0.9, QCORE_SLOT_NONE, NULL, NULL));
	EXPECT_EQ(-EINVAL, push(&self->pb, 4 * MS, 0.9, QCORE_SLOT_NONE,
				NULL, NULL));
	{
		struct qcore_pair p = { .herald_ps = 6 * MS, .bell_index = 4,
					.slot = QCORE_SLOT_NONE };

		EXPECT_EQ(-EINVAL, qcore_pairbuf_push(&self->pb, &p, NULL));
	}
	EXPECT_EQ(2, self->pb.stats.rejected);
	EXPECT_EQ(1, self->pb.live);
}

TEST_F(pb, full_drops_oldest_and_reports)
{
	struct qcore_pair out;
	u64 seq[6];
	int i;

	for (i = 0; i < 6; i++) {
		memset(&self->rep, 0, sizeof(self->rep));
		ASSERT_EQ(0, push(&self->pb, (i + 1) * NS, 0.9,
				  QCORE_SLOT_NONE, &self->rep, &seq[i]));
		if (i >= 4) {
			EXPECT_EQ(1, self->rep.n_full);
			EXPECT_EQ(seq[i - 4], self->rep.first_seq);
			EXPECT_EQ(seq[i - 4], self->rep.last_seq);
		} else {
			EXPECT_EQ(0, self->rep.n_full);
		}
	}
	EXPECT_EQ(2, self->pb.stats.dropped_full);
	EXPECT_EQ(4, self->pb.live);
	ASSERT_LE(self->pb.used, self->pb.max_pairs);
	ASSERT_EQ(0, qcore_pairbuf_take(&self->pb, 10 * NS, 0, &out, NULL));
	EXPECT_EQ(seq[2], out.seq);
}

TEST_F(pb, expiry_reports_seq_range)
{
	u64 seq[4];
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, push(&self->pb, (u64)(i + 1) * MS, 0.9,
				  QCORE_SLOT_NONE, NULL, &seq[i]));
	/* at 12.5 ms, pairs heralded at 1 and 2 ms are > 10 ms old */
	EXPECT_EQ(2, qcore_pairbuf_expire(&self->pb, 12 * MS + MS / 2,
					  &self->rep));
	EXPECT_EQ(2, self->rep.n_expired);
	EXPECT_EQ(seq[0], self->rep.first_seq);
	EXPECT_EQ(seq[1], self->rep.last_seq);
	EXPECT_EQ(2, self->pb.live);
	/* exactly at the cutoff the pair is still usable */
	EXPECT_EQ(0, qcore_pairbuf_expire(&self->pb, 13 * MS, NULL));
	EXPECT_EQ(1, qcore_pairbuf_expire(&self->pb, 13 * MS + 1, NULL));
	EXPECT_EQ(3, self->pb.stats.expired);
}

TEST_F(pb, take_discards_low_fidelity)
{
	struct qcore_pair out;
	u64 s0, s1, s2;
	u32 min_f = (u32)(0.8 * QCORE_F_ONE);

	ASSERT_EQ(0, push(&self->pb, 0, 0.95, QCORE_SLOT_NONE, NULL, &s0));
	ASSERT_EQ(0, push(&self->pb, 0, 0.7, QCORE_SLOT_NONE, NULL, &s1));
	ASSERT_EQ(0, push(&self->pb, 4 * MS, 0.95, QCORE_SLOT_NONE, NULL,
			  &s2));
	/*
	 * At 5 ms: s0 decayed to 0.25 + 0.7/e = 0.507 < 0.8; s1 is worse;
	 * s2 (1 ms old) is 0.25 + 0.7 e^-0.2 = 0.823.
	 */
	ASSERT_EQ(0, qcore_pairbuf_take(&self->pb, 5 * MS, min_f, &out,
					&self->rep));
	EXPECT_EQ(s2, out.seq);
	EXPECT_EQ(2, self->rep.n_low_f);
	EXPECT_EQ(s0, self->rep.first_seq);
	EXPECT_EQ(s1, self->rep.last_seq);
	EXPECT_EQ(2, self->pb.stats.discarded_low_f);
	EXPECT_EQ(-ENOENT, qcore_pairbuf_take(&self->pb, 5 * MS, 0, &out,
					      NULL));
}

/* A pair above the limit is neither taken nor discarded. */
/* Below the buffer's minimum fidelity: numbered, discarded, reported. */
TEST_F(pb, push_below_min_fidelity_is_discarded)
{
	struct qcore_pair out;
	u64 s0, s1, s2, s3;

	self->pb.min_f = QCORE_F_ONE / 2;
	ASSERT_EQ(0, push(&self->pb, 1 * MS, 0.9, QCORE_SLOT_NONE, &self->rep,
			  &s0));
	ASSERT_EQ(1, push(&self->pb, 2 * MS, 0.25, QCORE_SLOT_NONE, &self->rep,
			  &s1));
	ASSERT_EQ(1, qcore_pairbuf_push_seq(&self->pb, &(struct qcore_pair) {
			.herald_ps = 3 * MS, .f0 = QCORE_F_QUARTER,
			.slot = QCORE_SLOT_NONE }, 7, &self->rep));
	ASSERT_EQ(0, push(&self->pb, 4 * MS, 0.5, QCORE_SLOT_NONE, &self->rep,
			  &s2));
	EXPECT_EQ(s0 + 1, s1);
	EXPECT_EQ(8, s2);	/* the skipped push_seq kept its number */
	EXPECT_EQ(2, self->rep.n_low_f);
	EXPECT_EQ(s1, self->rep.first_seq);
	EXPECT_EQ(7, self->rep.last_seq);
	EXPECT_EQ(2, self->pb.stats.discarded_low_f);
	EXPECT_EQ(2, self->pb.stats.pushed);
	EXPECT_EQ(2, self->pb.live);
	ASSERT_EQ(0, qcore_pairbuf_take(&self->pb, 4 * MS, 0, &out, NULL));
	EXPECT_EQ(s0, out.seq);
	ASSERT_EQ(0, qcore_pairbuf_take(&self->pb, 4 * MS, 0, &out, NULL));
	EXPECT_EQ(s2, out.seq);
	s3 = self->pb.next_seq;
	EXPECT_EQ(9, s3);
}

TEST_F(pb, take_upto_stops_at_limit)
{
	struct qcore_pair out;
	u64 s0, s1, s2;
	u32 min_f = (u32)(0.9 * QCORE_F_ONE);

	ASSERT_EQ(0, push(&self->pb, 0, 0.7, QCORE_SLOT_NONE, NULL, &s0));
	ASSERT_EQ(0, push(&self->pb, 0, 0.7, QCORE_SLOT_NONE, NULL, &s1));
	ASSERT_EQ(0, push(&self->pb, 0, 0.95, QCORE_SLOT_NONE, NULL, &s2));
	EXPECT_EQ(-ENOENT, qcore_pairbuf_take_upto(&self->pb, 0, min_f, s0,
						   &out, &self->rep));
	EXPECT_EQ(1, self->rep.n_low_f);
	EXPECT_EQ(2, self->pb.live);
	EXPECT_EQ(-ENOENT, qcore_pairbuf_take_upto(&self->pb, 0, 0, s0, &out,
						   NULL));
	ASSERT_EQ(0, qcore_pairbuf_take_upto(&self->pb, 0, min_f, s2, &out,
					     NULL));
	EXPECT_EQ(s2, out.seq);
	EXPECT_EQ(0, self->pb.live);
}

TEST_F(pb, take_skips_expired)
{
	struct qcore_pair out;
	u64 s0, s1;

	ASSERT_EQ(0, push(&self->pb, 0, 0.99, QCORE_SLOT_NONE, NULL, &s0));
	ASSERT_EQ(0, push(&self->pb, 5 * MS, 0.99, QCORE_SLOT_NONE, NULL,
			  &s1));
	ASSERT_EQ(0, qcore_pairbuf_take(&self->pb, 11 * MS, 0, &out,
					&self->rep));
	EXPECT_EQ(s1, out.seq);
	EXPECT_EQ(1, self->rep.n_expired);
	EXPECT_EQ(s0, self->rep.first_seq);
}

TEST_F(pb, slot_cap_separate_from_max_pairs)
{
	u64 s0, s1, s2, s3;
	const struct qcore_pair *p;
	u32 cur = 0, n = 0;

	ASSERT_EQ(0, push(&self->pb, 1, 0.9, 3, NULL, &s0));
	ASSERT_EQ(0, push(&self->pb, 2, 0.9, QCORE_SLOT_NONE, NULL, &s1));
	ASSERT_EQ(0, push(&self->pb, 3, 0.9, 7, NULL, &s2));
	EXPECT_EQ(2, self->pb.used_slots);
	/* a third slot-holding pair frees the oldest slot (s0) */
	ASSERT_EQ(0, push(&self->pb, 4, 0.9, 9, &self->rep, &s3));
	EXPECT_EQ(1, self->rep.n_slots);
	EXPECT_EQ(s0, self->rep.first_seq);
	EXPECT_EQ(0, self->rep.n_full);
	EXPECT_EQ(2, self->pb.used_slots);
	EXPECT_EQ(3, self->pb.live);
	ASSERT_LE(self->pb.used_slots, self->pb.max_slots);
	while ((p = qcore_pairbuf_next(&self->pb, &cur))) {
		EXPECT_NE(s0, p->seq);
		n++;
	}
	EXPECT_EQ(3, n);
}

TEST_F(pb, dead_records_do_not_cost_live_pairs)
{
	u64 s[6];
	struct qcore_pair out;

	ASSERT_EQ(0, push(&self->pb, 1, 0.9, QCORE_SLOT_NONE, NULL, &s[0]));
	ASSERT_EQ(0, push(&self->pb, 2, 0.9, 1, NULL, &s[1]));
	ASSERT_EQ(0, push(&self->pb, 3, 0.9, 2, NULL, &s[2]));
	ASSERT_EQ(0, push(&self->pb, 4, 0.9, QCORE_SLOT_NONE, NULL, &s[3]));
	/* take s[2] from the middle: the ring has a hole */
	ASSERT_EQ(0, qcore_pairbuf_take_seq(&self->pb, s[2], &out));
	EXPECT_EQ(2, out.slot);
	EXPECT_EQ(-ENOENT, qcore_pairbuf_take_seq(&self->pb, s[2], &out));
	ASSERT_EQ(0, push(&self->pb, 5, 0.9, QCORE_SLOT_NONE, &self->rep,
			  &s[4]));
	EXPECT_EQ(0, self->rep.n_full);
	EXPECT_EQ(4, self->pb.live);
	ASSERT_EQ(0, qcore_pairbuf_take(&self->pb, 5, 0, &out, NULL));
	EXPECT_EQ(s[0], out.seq);
}

TEST_F(pb, fidelity_decays_with_age)
{
	struct qcore_pair p = { .herald_ps = MS, .f0 = QCORE_F_ONE };
	u32 f_now = qcore_pairbuf_fidelity(&self->pb, &p, MS);
	u32 f_late = qcore_pairbuf_fidelity(&self->pb, &p, 6 * MS);

	EXPECT_EQ(QCORE_F_ONE, f_now);
	EXPECT_LT(f_late, f_now);
	/* 0.25 + 0.75 / e at one time constant */
	EXPECT_EQ(qcore_f_to_ppm(f_late), 525910);
}

TEST_F(pb, push_seq_keeps_the_given_numbers)
{
	struct qcore_pair p = { .herald_ps = 1 * NS, .f0 = QCORE_F_ONE,
				.slot = QCORE_SLOT_NONE };
	struct qcore_pair out;

	ASSERT_EQ(0, qcore_pairbuf_push_seq(&self->pb, &p, 7, NULL));
	ASSERT_EQ(7, p.seq);
	p.herald_ps = 2 * NS;
	/* numbers may skip, never go back or repeat */
	ASSERT_EQ(0, qcore_pairbuf_push_seq(&self->pb, &p, 12, NULL));
	ASSERT_EQ(12, p.seq);
	ASSERT_EQ(-EINVAL, qcore_pairbuf_push_seq(&self->pb, &p, 12, NULL));
	ASSERT_EQ(-EINVAL, qcore_pairbuf_push_seq(&self->pb, &p, 3, NULL));
	ASSERT_EQ(2, self->pb.stats.rejected);
	/* an unnumbered push continues after the last number */
	ASSERT_EQ(0, qcore_pairbuf_push(&self->pb, &p, NULL));
	ASSERT_EQ(13, p.seq);
	/* a refused push does not move the numbering */
	p.bell_index = 4;
	ASSERT_EQ(-EINVAL, qcore_pairbuf_push_seq(&self->pb, &p, 20, NULL));
	p.bell_index = 0;
	ASSERT_EQ(0, qcore_pairbuf_push(&self->pb, &p, NULL));
	ASSERT_EQ(14, p.seq);
	ASSERT_EQ(0, qcore_pairbuf_take_seq(&self->pb, 12, &out));
	ASSERT_EQ(12, out.seq);
}

/*
 * A restart empties the buffer without clearing the storage (the kernel
 * does it under a spinlock with BHs off, on rings of up to 40 MiB): the
 * stale records must stay unreachable, the numbering and the herald-time
 * order restart, the caps stay.
 */
TEST_F(pb, restart_is_constant_time_and_clean)
{
	struct qcore_pair out, before[8];
	const struct qcore_pair *p;
	u32 cursor = 0;
	u64 s;
	int i;

	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, push(&self->pb, (10 + i) * NS, 0.9,
				  i & 1 ? 0 : QCORE_SLOT_NONE, NULL, NULL));
	memcpy(before, self->ring, sizeof(before));
	qcore_pairbuf_restart(&self->pb, self->ring, 4, 100);
	/* nothing of the storage was touched */
	ASSERT_EQ(0, memcmp(before, self->ring, sizeof(before)));
	EXPECT_EQ(0, self->pb.live);
	EXPECT_EQ(0, self->pb.used_slots);
	EXPECT_EQ(0, self->pb.stats.pushed);
	EXPECT_EQ(NULL, qcore_pairbuf_next(&self->pb, &cursor));
	EXPECT_EQ(-ENOENT, qcore_pairbuf_take(&self->pb, 0, 0, &out, NULL));
	EXPECT_EQ(-ENOENT, qcore_pairbuf_take_seq(&self->pb, 3, &out));
	EXPECT_EQ(0, qcore_pairbuf_expire(&self->pb, 1000 * MS, NULL));
	/* an earlier herald time than before the restart is accepted */
	ASSERT_EQ(0, push(&self->pb, 1 * NS, 0.8, 0, NULL, &s));
	EXPECT_EQ(100, s);
	ASSERT_EQ(0, push(&self->pb, 2 * NS, 0.8, 0, NULL, &s));
	/* the slot cap (2) still holds */
	ASSERT_EQ(0, push(&self->pb, 3 * NS, 0.8, 0, &self->rep, &s));
	EXPECT_EQ(1, self->rep.n_slots);
	EXPECT_EQ(2, self->pb.live);
	cursor = 0;
	p = qcore_pairbuf_next(&self->pb, &cursor);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(101, p->seq);
}

/*
 * qcore_pairbuf_seek(): a dump chunk starts at the first record numbered
 * at or above its cursor, whatever the ring's wrap and dead records.
 */
TEST(seek_finds_first_at_or_above)
{
	struct qcore_pair ring[16], out, q = {};
	struct qcore_pairbuf pb;
	const struct qcore_pair *p;
	u64 seq, want;
	u32 cursor;
	int i;

	qcore_pairbuf_init(&pb, ring, 16, 0, 0, 0);
	/* 40 pushes into 16 records: the head has wrapped */
	for (i = 0; i < 40; i++)
		ASSERT_EQ(0, push(&pb, i * NS, 0.9, QCORE_SLOT_NONE, NULL, NULL));
	/* dead records in the middle: 30 and 31 taken by the other end */
	ASSERT_EQ(0, qcore_pairbuf_take_seq(&pb, 30, &out));
	ASSERT_EQ(0, qcore_pairbuf_take_seq(&pb, 31, &out));
	/* numbers skip too (push_seq) */
	q.herald_ps = 50 * NS;
	q.f0 = 1;
	q.slot = QCORE_SLOT_NONE;
	ASSERT_EQ(0, qcore_pairbuf_push_seq(&pb, &q, 60, NULL));
	for (seq = 0; seq < 70; seq++) {
		/* the naive walk of the old dump */
		want = U64_MAX;
		cursor = 0;
		while ((p = qcore_pairbuf_next(&pb, &cursor)))
			if (p->seq >= seq) {
				want = p->seq;
				break;
			}
		cursor = qcore_pairbuf_seek(&pb, seq);
		p = qcore_pairbuf_next(&pb, &cursor);
		EXPECT_EQ(want, p ? p->seq : U64_MAX) {
			TH_LOG("from seq %llu", (unsigned long long)seq);
		}
	}
	/* an empty buffer */
	qcore_pairbuf_restart(&pb, ring, 16, 0);
	EXPECT_EQ(0, qcore_pairbuf_seek(&pb, 5));
}

TEST(zero_capacity)
{
	struct qcore_pairbuf pb;
	struct qcore_pair ring[1], p = { .slot = 1 };

	qcore_pairbuf_init(&pb, ring, 1, 0, 0, 0);
	EXPECT_EQ(-ENOSPC, qcore_pairbuf_push(&pb, &p, NULL));
	qcore_pairbuf_init(&pb, ring, 0, 0, 0, 0);
	p.slot = QCORE_SLOT_NONE;
	EXPECT_EQ(-ENOSPC, qcore_pairbuf_push(&pb, &p, NULL));
}

TEST_HARNESS_MAIN
