// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the link protocol's codec (kernel/qcore/wire.c).
 *
 * The input picks tags or heralds, a count n and the previous values
 * (often near the limits), and the rest is a received list. Checked:
 *  - the decoder agrees with a reference decoder written from
 *    Documentation/qlink-protocol.rst (-EINVAL, bytes read, values);
 *  - what decodes re-encodes completely into the bytes it was read from
 *    and decodes again to the same values: decode(encode(x)) == x;
 *  - encode(decode(b)) == b exactly when every varint of b is minimal.
 *    A non-minimal varint (0x80 0x00 for 0) is accepted, as LEB128
 *    allows, and re-encodes strictly shorter: the minimal form is the
 *    canonical one, and the only one an encoder produces;
 *  - one byte less of room encodes one item less, no more, no less.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define MAXN	512
#define T_MAX	BIT_ULL(63)

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "invariant failed: %s (line %d)\n",	\
			#cond, __LINE__);				\
		abort();						\
	}								\
} while (0)

struct rd {
	const u8 *p;
	size_t n;
	int minimal;	/* every varint read so far was minimal */
};

static u8 rd8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static u64 rd64(struct rd *r)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (u64)rd8(r) << (8 * i);
	return v;
}

/* A previous value: small, near 2^63 or 2^64, or anything. */
static u64 rd_prev(struct rd *r)
{
	u8 k = rd8(r);
	u64 v = rd64(r);

	switch (k % 4) {
	case 0:
		return v % 4096;
	case 1:
		return T_MAX - 2048 + v % 4096;
	case 2:
		return ~0ULL - v % 4096;
	default:
		return v;
	}
}

/* Reference LEB128: at most 10 bytes, the value below 2^64; 0 if not. */
static int ref_varint(struct rd *r, u64 *v)
{
	unsigned __int128 acc = 0;
	int i;

	for (i = 0; i < 10 && r->n; i++) {
		u8 b = rd8(r);

		acc |= (unsigned __int128)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			if (acc >> 64)
				return 0;
			if (i && !b)
				r->minimal = 0;
			*v = (u64)acc;
			return 1;
		}
	}
	return 0;
}

static int ref_tags(struct rd *r, u32 n, u64 prev, u64 *t, u16 *f)
{
	size_t len = r->n;
	u64 d, fl;
	u32 k;

	for (k = 0; k < n; k++) {
		if (!ref_varint(r, &d) || !ref_varint(r, &fl))
			return -EINVAL;
		if (fl > 0xffff ||
		    (unsigned __int128)prev + d >= T_MAX)
			return -EINVAL;
		prev += d;
		t[k] = prev;
		f[k] = fl;
	}
	return len - r->n;
}

static int ref_heralds(struct rd *r, u32 n, u64 seq, u64 tp,
		       struct qcore_wire_herald *h)
{
	size_t len = r->n;
	u64 ds, dt, fid, slot;
	u32 k;

	for (k = 0; k < n; k++) {
		u8 b;

		if (!ref_varint(r, &ds) || !ref_varint(r, &dt) ||
		    !ref_varint(r, &fid) || !r->n)
			return -EINVAL;
		b = rd8(r);
		if (!ref_varint(r, &slot))
			return -EINVAL;
		if (!ds || (unsigned __int128)seq + ds > ~0ULL ||
		    (unsigned __int128)tp + dt >= T_MAX || fid > 1000000 ||
		    slot > 0xffff)
			return -EINVAL;
		seq += ds;
		tp += dt;
		h[k] = (struct qcore_wire_herald) {
			.seq = seq, .t_ps = tp, .fidelity = fid,
			.slot = (u16)(slot + 0xffff),
			.bell = b & 3, .meas = b >> 2,
		};
	}
	return len - r->n;
}

static u64 t[MAXN], t2[MAXN], t3[MAXN];
static u16 f[MAXN], f2[MAXN], f3[MAXN];
static struct qcore_wire_herald h[MAXN], h2[MAXN], h3[MAXN];
static u8 enc[MAXN * 32];

static void one_tags(struct rd *r, u32 n, u64 prev)
{
	struct rd ref = *r;
	u32 done, used;
	int got, want;

	got = qcore_wire_get_tags(r->p, r->n, n, prev, t, f);
	want = ref_tags(&ref, n, prev, t2, f2);
	CHECK(got == want);
	if (got < 0)
		return;
	CHECK(!memcmp(t, t2, n * sizeof(*t)) && !memcmp(f, f2, n * sizeof(*f)));

	used = qcore_wire_put_tags(enc, got, t, f, n, prev, &done);
	CHECK(done == n);
	CHECK(ref.minimal ? used == (u32)got && !memcmp(enc, r->p, used) :
			    used < (u32)got);
	CHECK(qcore_wire_get_tags(enc, used, n, prev, t3, f3) == (int)used);
	CHECK(!memcmp(t, t3, n * sizeof(*t)) && !memcmp(f, f3, n * sizeof(*f)));
	if (n) {
		qcore_wire_put_tags(enc, used - 1, t, f, n, prev, &done);
		CHECK(done == n - 1);
	}
}

static int same(const struct qcore_wire_herald *a,
		const struct qcore_wire_herald *b, u32 n)
{
	u32 k;

	for (k = 0; k < n; k++)
		if (a[k].seq != b[k].seq || a[k].t_ps != b[k].t_ps ||
		    a[k].fidelity != b[k].fidelity || a[k].slot != b[k].slot ||
		    a[k].bell != b[k].bell || a[k].meas != b[k].meas)
			return 0;
	return 1;
}

static void one_heralds(struct rd *r, u32 n, u64 seq, u64 tp)
{
	struct rd ref = *r;
	u32 done, used;
	int got, want;

	got = qcore_wire_get_heralds(r->p, r->n, n, seq, tp, h);
	want = ref_heralds(&ref, n, seq, tp, h2);
	CHECK(got == want);
	if (got < 0)
		return;
	CHECK(same(h, h2, n));

	used = qcore_wire_put_heralds(enc, got, h, n, seq, tp, &done);
	CHECK(done == n);
	CHECK(ref.minimal ? used == (u32)got && !memcmp(enc, r->p, used) :
			    used < (u32)got);
	CHECK(qcore_wire_get_heralds(enc, used, n, seq, tp, h3) == (int)used);
	CHECK(same(h, h3, n));
	if (n) {
		qcore_wire_put_heralds(enc, used - 1, h, n, seq, tp, &done);
		CHECK(done == n - 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size, 1 };
	u8 mode = rd8(&r);
	u32 n = (rd8(&r) | (u32)rd8(&r) << 8) % (MAXN + 1);
	u64 p1 = rd_prev(&r), p2 = rd_prev(&r);

	if (mode & 1)
		one_heralds(&r, n, p1, p2);
	else
		one_tags(&r, n, p1);
	return 0;
}
