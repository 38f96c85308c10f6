// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the link protocol's codec (kernel/qcore/wire.c): round
 * trips through buffers of every size, the encoder's stops, the decoder's
 * rejections, exact sizes, and the bytes per tag and per herald of a
 * stream like qlinksim's.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wire.h"

#define T_MAX	BIT_ULL(63)
#define MAXN	64
#define BUFSZ	(MAXN * 32)

static u64 rng;

static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Minimal LEB128 length, the test's own. */
static u32 vlen(u64 v)
{
	u32 n = 1;

	for (; v > 127; v >>= 7)
		n++;
	return n;
}

static u32 vput(u8 *p, u64 v)
{
	u32 n = 0;

	for (; v > 127; v >>= 7)
		p[n++] = 0x80 | (v & 0x7f);
	p[n++] = v;
	return n;
}

static u32 tag_len(u64 d, u16 fl)
{
	return vlen(d) + vlen(fl);
}

static u32 herald_len(const struct qcore_wire_herald *h, u64 ds, u64 dt)
{
	return vlen(ds) + vlen(dt) + vlen(h->fidelity) + 1 +
	       vlen((u16)(h->slot + 1));
}

/* A gap of one of four kinds: 0, small, large, up to the 2^63 limit. */
static u64 gap(u64 prev)
{
	u64 room = T_MAX - 1 - prev;

	switch (rnd() % 8) {
	case 0:
		return 0;
	case 1:
		return room ? room - rnd() % min(room, 3ULL) : 0;
	case 2:
		return rnd() % (room + 1);
	case 3:
		return min(room, rnd() >> (rnd() % 64));
	default:
		return min(room, rnd() % 100000000);
	}
}

static u16 flags(void)
{
	switch (rnd() % 4) {
	case 0:
		return 0;
	case 1:
		return 0xffff;
	default:
		return rnd();
	}
}

static u32 gen_tags(u64 prev, u64 *t, u16 *f)
{
	u32 n = rnd() % (MAXN + 1), i;

	for (i = 0; i < n; i++) {
		prev += gap(prev);
		t[i] = prev;
		f[i] = flags();
	}
	return n;
}

TEST(tags_round_trip)
{
	static u64 t[MAXN], t2[MAXN];
	static u16 f[MAXN], f2[MAXN];
	static u8 buf[BUFSZ];
	int iter;

	rng = 1;
	for (iter = 0; iter < 300; iter++) {
		u64 prev = iter % 3 ? rnd() % T_MAX : iter % 2 ? T_MAX - 1 : 0;
		u32 n = gen_tags(prev, t, f), full = 0, cap, k;

		for (k = 0; k < n; k++)
			full += tag_len(t[k] - (k ? t[k - 1] : prev), f[k]);
		for (cap = 0; cap <= full + 2; cap++) {
			u32 done = ~0U, used, want = 0;
			int r;

			memset(buf, 0xa5, sizeof(buf));
			used = qcore_wire_put_tags(buf, cap, t, f, n, prev,
						   &done);
			for (k = 0; k < done; k++)
				want += tag_len(t[k] - (k ? t[k - 1] : prev),
						f[k]);
			ASSERT_LE(done, n);
			ASSERT_EQ(want, used);
			ASSERT_LE(used, cap);
			/* nothing written past the bytes reported */
			ASSERT_EQ(0xa5, buf[used]);
			/* as many as fit: the next one does not */
			if (done < n) {
				ASSERT_GT(used + tag_len(t[done] - (done ?
						t[done - 1] : prev), f[done]),
					  cap);
			}
			r = qcore_wire_get_tags(buf, used, done, prev, t2, f2);
			ASSERT_EQ((int)used, r);
			ASSERT_EQ(0, memcmp(t, t2, done * sizeof(*t)));
			ASSERT_EQ(0, memcmp(f, f2, done * sizeof(*f)));
			/* trailing bytes are not read */
			r = qcore_wire_get_tags(buf, sizeof(buf), done, prev,
						t2, f2);
			ASSERT_EQ((int)used, r);
		}
	}
}

/* Without flags every tag has flags 0. */
TEST(tags_no_flags)
{
	u64 t[3] = { 5, 5, 300 }, t2[3];
	u16 f2[3] = { 1, 1, 1 };
	u8 buf[16];
	u32 done;

	ASSERT_EQ(7, qcore_wire_put_tags(buf, sizeof(buf), t, NULL, 3, 0,
					 &done));
	ASSERT_EQ(3, done);
	ASSERT_EQ(7, qcore_wire_get_tags(buf, 7, 3, 0, t2, f2));
	ASSERT_EQ(0, memcmp(t, t2, sizeof(t)));
	ASSERT_EQ(0, f2[0] | f2[1] | f2[2]);
}

static void gen_heralds(u64 seq, u64 tp, struct qcore_wire_herald *h, u32 n)
{
	static const u16 slots[] = { 0xffff, 0, 1, 0xfffe, 127, 128 };
	u32 i;

	for (i = 0; i < n; i++) {
		/* up to 2^64 - 1, leaving room for the rest */
		u64 room = ~0ULL - seq - (n - i);

		seq += 1 + (rnd() % 4 ? 0 : rnd() % (room + 1));
		tp += gap(tp);
		h[i] = (struct qcore_wire_herald) {
			.seq = seq,
			.t_ps = tp,
			.fidelity = rnd() % 3 ? rnd() % 1000001 :
				    rnd() % 2 * 1000000,
			.slot = rnd() % 2 ? slots[rnd() % 6] : rnd(),
			.bell = rnd() % 4,
			.meas = rnd() % 64,
		};
	}
}

TEST(heralds_round_trip)
{
	static struct qcore_wire_herald h[MAXN], h2[MAXN];
	static u8 buf[BUFSZ];
	int iter;

	rng = 2;
	for (iter = 0; iter < 300; iter++) {
		u64 sp = iter % 2 ? rnd() >> 2 : 0;
		u64 tp = iter % 3 ? rnd() % T_MAX : 0;
		u32 n = rnd() % (MAXN + 1), full = 0, cap, k;

		gen_heralds(sp, tp, h, n);
		/* seq strictly increasing, or the generator is wrong */
		for (k = 0; k < n; k++) {
			ASSERT_GT(h[k].seq, k ? h[k - 1].seq : sp);
		}
		for (k = 0; k < n; k++)
			full += herald_len(&h[k], h[k].seq - (k ? h[k - 1].seq :
				sp), h[k].t_ps - (k ? h[k - 1].t_ps : tp));
		for (cap = 0; cap <= full + 2; cap++) {
			u32 done = ~0U, used, want = 0;
			int r;

			memset(buf, 0xa5, sizeof(buf));
			used = qcore_wire_put_heralds(buf, cap, h, n, sp, tp,
						      &done);
			for (k = 0; k <= done && k < n; k++) {
				u32 l = herald_len(&h[k], h[k].seq -
						   (k ? h[k - 1].seq : sp),
						   h[k].t_ps - (k ?
						   h[k - 1].t_ps : tp));

				if (k == done) {	/* the next does not fit */
					ASSERT_GT(want + l, cap);
				} else {
					want += l;
				}
			}
			ASSERT_LE(done, n);
			ASSERT_EQ(want, used);
			ASSERT_LE(used, cap);
			ASSERT_EQ(0xa5, buf[used]);
			memset(h2, 0x5a, sizeof(h2));
			r = qcore_wire_get_heralds(buf, used, done, sp, tp, h2);
			ASSERT_EQ((int)used, r);
			for (k = 0; k < done; k++) {
				ASSERT_EQ(h[k].seq, h2[k].seq);
				ASSERT_EQ(h[k].t_ps, h2[k].t_ps);
				ASSERT_EQ(h[k].fidelity, h2[k].fidelity);
				ASSERT_EQ(h[k].slot, h2[k].slot);
				ASSERT_EQ(h[k].bell, h2[k].bell);
				ASSERT_EQ(h[k].meas, h2[k].meas);
			}
		}
	}
}

/* A tag below prev or at 2^63 stops the encoding there. */
TEST(tags_stop)
{
	u64 t[4] = { 10, 20, 30, 40 };
	u16 f[4] = { 0 };
	u8 buf[64];
	u32 done;

	t[2] = 19;
	ASSERT_EQ(4, qcore_wire_put_tags(buf, sizeof(buf), t, f, 4, 0, &done));
	ASSERT_EQ(2, done);
	ASSERT_EQ(0, qcore_wire_put_tags(buf, sizeof(buf), t, f, 4, 11, &done));
	ASSERT_EQ(0, done);
	t[2] = T_MAX;
	t[3] = T_MAX + 1;
	qcore_wire_put_tags(buf, sizeof(buf), t, f, 4, 0, &done);
	ASSERT_EQ(2, done);
	t[2] = T_MAX - 1;
	qcore_wire_put_tags(buf, sizeof(buf), t, f, 4, 0, &done);
	ASSERT_EQ(3, done);
	t[0] = ~0ULL;
	ASSERT_EQ(0, qcore_wire_put_tags(buf, sizeof(buf), t, f, 4, ~0ULL,
					 &done));
	ASSERT_EQ(0, done);
}

/* An invalid record stops the encoding there. */
TEST(heralds_stop)
{
	struct qcore_wire_herald h[3];
	u8 buf[64];
	u32 done, k;
	int i;

	for (i = 0; i < 7; i++) {
		for (k = 0; k < 3; k++)
			h[k] = (struct qcore_wire_herald) {
				.seq = 101 + k, .t_ps = 1005 + 5 * k,
				.fidelity = 1000000, .slot = k, .bell = 3,
				.meas = 63,
			};
		switch (i) {
		case 0:
			h[1].seq = h[0].seq;		/* not increasing */
			break;
		case 1:
			h[1].t_ps = h[0].t_ps - 1;	/* time back */
			break;
		case 2:
			h[1].t_ps = T_MAX;		/* 2^63 */
			break;
		case 3:
			h[1].fidelity = 1000001;
			break;
		case 4:
			h[1].bell = 4;
			break;
		case 5:
			h[1].meas = 64;
			break;
		}
		qcore_wire_put_heralds(buf, sizeof(buf), h, 3, 100, 1000,
				       &done);
		ASSERT_EQ(i == 6 ? 3 : 1, done) TH_LOG("case %d", i);
	}
	/* the first record against the previous one */
	qcore_wire_put_heralds(buf, sizeof(buf), h, 3, h[0].seq, 1000, &done);
	ASSERT_EQ(0, done);
	qcore_wire_put_heralds(buf, sizeof(buf), h, 3, 0, h[0].t_ps + 1, &done);
	ASSERT_EQ(0, done);
}

/* Every proper prefix of an encoded list is truncated. */
TEST(truncated)
{
	static struct qcore_wire_herald h[MAXN], h2[MAXN];
	static u64 t[MAXN], t2[MAXN];
	static u16 f[MAXN], f2[MAXN];
	static u8 buf[BUFSZ];
	int iter;

	rng = 4;
	for (iter = 0; iter < 50; iter++) {
		u32 n = gen_tags(0, t, f), done, used, len;

		used = qcore_wire_put_tags(buf, sizeof(buf), t, f, n, 0, &done);
		ASSERT_EQ(n, done);
		for (len = 0; len < used; len++) {
			ASSERT_EQ(-EINVAL, qcore_wire_get_tags(buf, len, n, 0,
							       t2, f2));
		}

		n = 1 + rnd() % MAXN;
		gen_heralds(0, 0, h, n);
		used = qcore_wire_put_heralds(buf, sizeof(buf), h, n, 0, 0,
					      &done);
		ASSERT_EQ(n, done);
		for (len = 0; len < used; len++) {
			ASSERT_EQ(-EINVAL, qcore_wire_get_heralds(buf, len, n,
								  0, 0, h2));
		}
	}
}

static int tag1(const u8 *b, u32 len, u64 prev, u64 *t, u16 *f)
{
	return qcore_wire_get_tags(b, len, 1, prev, t, f);
}

/* Malformed varints and values out of range are rejected. */
TEST(tags_reject)
{
	u8 b[16];
	u64 t;
	u16 f;

	/* 11 bytes: too long, even for a value that fits */
	memset(b, 0x80, 10);
	b[10] = 0;
	b[11] = 0;
	EXPECT_EQ(-EINVAL, tag1(b, 12, 0, &t, &f));
	/* 10 bytes with more than bit 63 */
	memset(b, 0xff, 9);
	b[9] = 0x02;
	b[10] = 0;
	EXPECT_EQ(-EINVAL, tag1(b, 11, 0, &t, &f));
	/* 10 bytes, bit 63 alone: a valid varint, but a time of 2^63 */
	memset(b, 0x80, 9);
	b[9] = 0x01;
	b[10] = 0;
	EXPECT_EQ(-EINVAL, tag1(b, 11, 0, &t, &f));
	/* 2^63 - 1 in 9 bytes: the last time there is */
	memset(b, 0xff, 8);
	b[8] = 0x7f;
	b[9] = 0;
	EXPECT_EQ(10, tag1(b, 10, 0, &t, &f));
	EXPECT_EQ(T_MAX - 1, t);
	EXPECT_EQ(-EINVAL, tag1(b, 10, 1, &t, &f));
	/* time overflow by one, and a start that is already too late */
	b[0] = 1;
	b[1] = 0;
	EXPECT_EQ(2, tag1(b, 2, T_MAX - 2, &t, &f));
	EXPECT_EQ(T_MAX - 1, t);
	EXPECT_EQ(-EINVAL, tag1(b, 2, T_MAX - 1, &t, &f));
	b[0] = 0;
	EXPECT_EQ(2, tag1(b, 2, T_MAX - 1, &t, &f));
	EXPECT_EQ(-EINVAL, tag1(b, 2, T_MAX, &t, &f));
	EXPECT_EQ(-EINVAL, tag1(b, 2, ~0ULL, &t, &f));
	/* flags: 0xffff fits, 0x10000 does not */
	b[0] = 7;
	vput(b + 1, 0xffff);
	EXPECT_EQ(4, tag1(b, 4, 0, &t, &f));
	EXPECT_EQ(0xffff, f);
	vput(b + 1, 0x10000);
	EXPECT_EQ(-EINVAL, tag1(b, 4, 0, &t, &f));
	/* a non-minimal varint is accepted (it re-encodes shorter) */
	b[0] = 0x85;
	b[1] = 0x80;
	b[2] = 0x00;
	b[3] = 0x80;
	b[4] = 0x00;
	EXPECT_EQ(5, tag1(b, 5, 10, &t, &f));
	EXPECT_EQ(15, t);
	EXPECT_EQ(0, f);
}

/* One record: varints of ds, dt, fidelity, the byte, slot + 1. */
static u32 rec(u8 *b, u64 ds, u64 dt, u64 fid, u8 byte, u64 slot1)
{
	u32 n = vput(b, ds);

	n += vput(b + n, dt);
	n += vput(b + n, fid);
	b[n++] = byte;
	return n + vput(b + n, slot1);
}

TEST(heralds_reject)
{
	struct qcore_wire_herald h, h2[2];
	u8 b[64];
	u32 n;

	n = rec(b, 1, 2, 1000000, 0xff, 0);
	EXPECT_EQ((int)n, qcore_wire_get_heralds(b, n, 1, 9, 5, &h));
	EXPECT_EQ(10, h.seq);
	EXPECT_EQ(7, h.t_ps);
	EXPECT_EQ(1000000, h.fidelity);
	EXPECT_EQ(0xffff, h.slot);
	EXPECT_EQ(3, h.bell);
	EXPECT_EQ(63, h.meas);
	n = rec(b, 1, 2, 1000001, 0, 0);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, 9, 5, &h));
	n = rec(b, 1, 2, 0, 0, 0xffff);
	EXPECT_EQ((int)n, qcore_wire_get_heralds(b, n, 1, 9, 5, &h));
	EXPECT_EQ(0xfffe, h.slot);
	n = rec(b, 1, 2, 0, 0, 0x10000);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, 9, 5, &h));
	/* seq: a difference of 0, and overflow of 2^64 */
	n = rec(b, 0, 2, 0, 0, 0);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, 9, 5, &h));
	n = rec(b, 1ULL << 63, 2, 0, 0, 0);
	EXPECT_EQ((int)n, qcore_wire_get_heralds(b, n, 1, T_MAX - 1, 5, &h));
	EXPECT_EQ(~0ULL, h.seq);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, T_MAX, 5, &h));
	n = rec(b, 1, 2, 0, 0, 0);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, ~0ULL, 5, &h));
	/* time: up to 2^63 - 1, the start included */
	n = rec(b, 1, 2, 0, 0, 0);
	EXPECT_EQ((int)n, qcore_wire_get_heralds(b, n, 1, 0, T_MAX - 3, &h));
	EXPECT_EQ(T_MAX - 1, h.t_ps);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, 0, T_MAX - 2, &h));
	n = rec(b, 1, 0, 0, 0, 0);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, 0, T_MAX, &h));
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 1, 0, ~0ULL, &h));
	/* malformed varints in each position */
	memset(b, 0x80, 10);
	b[10] = 0;
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, 11, 1, 0, 0, &h));
	memset(b, 0xff, 9);
	b[9] = 0x02;
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, 10, 1, 0, 0, &h));
	n = vput(b, 1);
	memset(b + n, 0x80, 10);
	b[n + 10] = 0;
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n + 11, 1, 0, 0, &h));
	n = rec(b, 1, 0, 0, 0, 0) - 1;	/* slot varint as 11 bytes */
	memset(b + n, 0x80, 10);
	b[n + 10] = 0;
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n + 11, 1, 0, 0, &h));
	/* a 2-record list whose second seq difference is 0 */
	n = rec(b, 1, 0, 0, 0, 0);
	n += rec(b + n, 0, 0, 0, 0, 0);
	EXPECT_EQ(-EINVAL, qcore_wire_get_heralds(b, n, 2, 0, 0, h2));
}

/* Exact sizes: 7 bits per byte, the boundaries of every length. */
TEST(sizes)
{
	struct qcore_wire_herald h = {
		.seq = 8, .t_ps = 100, .fidelity = 0, .slot = 0xffff,
	};
	u8 buf[32], want[32];
	u64 t;
	u16 f = 0;
	u32 done, k;

	for (k = 1; k <= 9; k++) {
		u64 v = (1ULL << (7 * k)) - 1;

		if (v >= T_MAX)
			v = T_MAX - 1;
		EXPECT_EQ(k + 1, qcore_wire_put_tags(buf, sizeof(buf), &v, &f,
						     1, 0, &done));
		if (k < 9) {
			v++;
			EXPECT_EQ(k + 2, qcore_wire_put_tags(buf, sizeof(buf),
							     &v, &f, 1, 0,
							     &done));
		}
	}
	t = 127;
	EXPECT_EQ(2, qcore_wire_put_tags(buf, sizeof(buf), &t, &f, 1, 0,
					 &done));
	t = 128;
	EXPECT_EQ(3, qcore_wire_put_tags(buf, sizeof(buf), &t, &f, 1, 0,
					 &done));
	EXPECT_EQ(0, memcmp(buf, "\x80\x01\x00", 3));
	/* a gap of 1 us: 3 bytes of difference and 1 of flags */
	t = 5000000 + 1000000;
	EXPECT_EQ(4, qcore_wire_put_tags(buf, sizeof(buf), &t, &f, 1, 5000000,
					 &done));
	EXPECT_EQ(0, memcmp(buf, "\xc0\x84\x3d\x00", 4));
	/* flags 0x8000 (ground truth known): 3 bytes */
	t = 300;
	f = 0x8000;
	EXPECT_EQ(5, qcore_wire_put_tags(buf, sizeof(buf), &t, &f, 1, 0,
					 &done));
	EXPECT_EQ(0, memcmp(buf, "\xac\x02\x80\x80\x02", 5));

	/* the smallest record: 5 bytes */
	EXPECT_EQ(5, qcore_wire_put_heralds(buf, sizeof(buf), &h, 1, 7, 100,
					    &done));
	EXPECT_EQ(0, memcmp(buf, "\x01\x00\x00\x00\x00", 5));
	h.fidelity = 970000;
	h.slot = 0xfffe;
	h.bell = 2;
	h.meas = 0x21;
	h.t_ps = 100 + 1000000;
	EXPECT_EQ(11, qcore_wire_put_heralds(buf, sizeof(buf), &h, 1, 7, 100,
					     &done));
	k = rec(want, 1, 1000000, 970000, 2 | 0x21 << 2, 0xffff);
	EXPECT_EQ(11, k);
	EXPECT_EQ(0, memcmp(buf, want, k));
}

/* Exponential gap of mean @mean_ps. */
static u64 expo(double mean_ps)
{
	double u = ldexp((double)((rnd() >> 11) + 1), -53);

	return (u64)(-log(u) * mean_ps);
}

/*
 * Bytes per tag and per herald of a qlinksim-like stream (2.3e5 singles/s
 * per channel, ground truth flags; heralds at 1.7e5/s, fidelity ~0.97),
 * for the notes; asserted only against the sizes the protocol promises.
 */
TEST(stream_sizes)
{
	static struct qcore_wire_herald h[MAXN];
	static u64 t[MAXN];
	static u16 f[MAXN];
	static u8 buf[BUFSZ];
	u64 tp = 0, sp = 0, nt = 0, bt = 0, nh = 0, bh = 0;
	int iter;
	u32 k, done;

	rng = 5;
	for (iter = 0; iter < 2000; iter++) {
		u64 t0 = tp, s0 = sp;

		for (k = 0; k < MAXN; k++) {
			tp += expo(1e12 / 2.3e5);
			t[k] = tp;
			/* Bell bits, pair id (bits 2-11), known (bit 15) */
			f[k] = 0x8000 | (rnd() & 0x0fff);
		}
		bt += qcore_wire_put_tags(buf, sizeof(buf), t, f, MAXN, t0,
					  &done);
		ASSERT_EQ(MAXN, done);
		nt += done;

		tp = t0;
		for (k = 0; k < MAXN; k++) {
			tp += expo(1e12 / 1.7e5);
			sp += rnd() % 16 ? 1 : 2 + rnd() % 8;
			h[k] = (struct qcore_wire_herald) {
				.seq = sp,
				.t_ps = tp,
				.fidelity = 970000 + rnd() % 20000 - 10000,
				.slot = rnd() % 4 ? rnd() % 64 : 0xffff,
				.bell = rnd() % 4,
				.meas = rnd() % 64,
			};
		}
		bh += qcore_wire_put_heralds(buf, sizeof(buf), h, MAXN, s0, t0,
					     &done);
		ASSERT_EQ(MAXN, done);
		nh += done;
	}
	ksft_print_msg("wire: %.2f bytes/tag at 2.3e5 tags/s (flags 0x8000|pair), %.2f bytes/herald at 1.7e5/s (fidelity ~970000)\n",
		       (double)bt / nt, (double)bh / nh);
	fflush(stdout);		/* the harness's child ends with _exit() */
	/* 3-4 bytes of difference, 3 of flags; 7-12 bytes per record */
	EXPECT_GE(bt, 6 * nt);
	EXPECT_LE(bt, 7 * nt + nt / 10);
	EXPECT_GE(bh, 7 * nh);
	EXPECT_LE(bh, 12 * nh);
}

TEST_HARNESS_MAIN
