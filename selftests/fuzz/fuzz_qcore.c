// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the qcore matcher and pair buffer.
 *
 * The input drives a few batches of time tags (mostly sorted, with
 * disorder and top-bit tags when the fuzzer asks for them), a small
 * output array, and a pair buffer fed with the coincidences.  Checked:
 *  - the first batch equals the filter-then-greedy reference model;
 *  - output count <= capacity; every pair is within the window, time
 *    ordered, and refers to real tags; no tag is used in two pairs;
 *  - counters add up; carries never exceed QCORE_MATCH_CARRY;
 *  - pair seq ids strictly increase on push and on take; ring and slot
 *    caps are never exceeded; reported seq ranges are ordered.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "pairbuf.h"
#include "fidelity.h"
#include "qcore_ref.h"

#define MAXT	256

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t rd8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t rd16(struct rd *r)
{
	return rd8(r) | (uint16_t)rd8(r) << 8;
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "invariant failed: %s (line %d)\n",	\
			#cond, __LINE__);				\
		abort();						\
	}								\
} while (0)

/* A sorted-ish stream; 0xff bytes step back, 0xfe plant a top-bit tag. */
static u32 gen(struct rd *r, u64 *t, u64 *clock, u64 scale)
{
	u32 n = rd8(r) % MAXT, i;

	for (i = 0; i < n; i++) {
		uint8_t d = rd8(r);

		if (d == 0xff)
			*clock -= min(*clock, (u64)rd8(r) * scale);
		else if (d == 0xfe)
			t[i] = BIT_ULL(63) | rd16(r);
		else
			*clock += d * scale;
		if (d != 0xfe)
			t[i] = *clock;
	}
	return n;
}

static struct qcore_matcher mt;
static struct qcore_coinc out[MAXT + 4], ref[MAXT + 4];
static u64 a[MAXT], b[MAXT], fa[MAXT], fb[MAXT];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };
	u64 scale = 1 + (rd8(&r) % 64) * 37;
	s64 off = (s64)(int16_t)rd16(&r) * (s64)(rd8(&r) % 8);
	u64 w = rd16(&r) % (4 * scale + 1);
	u64 ca = 1000000, cb = 1000000 + rd8(&r), seq_push = 0, seq_take = 0;
	u32 nbatch = 1 + rd8(&r) % 4, bi, k, n, cap, na, nb;
	struct qcore_pair ring[16], p, got;
	struct qcore_pairbuf pb;
	struct qcore_pb_report rep;
	u64 written = 0, herald = 0;
	u8 used_a[MAXT], used_b[MAXT];
	bool pushed = false, taken = false;

	if (qcore_match_init(&mt, off, w))
		return 0;
	qcore_pairbuf_init(&pb, ring, 1 + rd8(&r) % 16, rd8(&r) % 8,
			   (u64)rd8(&r) * scale * 8, (u64)rd8(&r) * scale * 4);

	for (bi = 0; bi < nbatch; bi++) {
		u32 carried_a = mt.n_carry_a, carried_b = mt.n_carry_b;
		u32 use_ca = 0, use_cb = 0;

		na = gen(&r, a, &ca, scale);
		nb = gen(&r, b, &cb, scale);
		cap = rd8(&r) % (MAXT + 4);
		n = qcore_match_batch(&mt, a, na, b, nb, out, cap);
		written += n;
		CHECK(n <= cap);
		CHECK(mt.n_carry_a <= QCORE_MATCH_CARRY);
		CHECK(mt.n_carry_b <= QCORE_MATCH_CARRY);
		CHECK(mt.stats.coinc == written + mt.stats.out_overflow);

		if (bi == 0) {
			u64 la = 0, lb = 0;
			bool sa = false, sb = false;
			size_t nfa = ref_filter(a, na, fa, &la, &sa);
			size_t nfb = ref_filter(b, nb, fb, &lb, &sb);
			size_t nref = ref_match(fa, nfa, fb, nfb, off, w, ref,
						MAXT + 4);

			CHECK(mt.stats.coinc == nref);
			for (k = 0; k < n; k++) {
				CHECK(out[k].a_ps == ref[k].a_ps);
				CHECK(out[k].b_ps == ref[k].b_ps);
			}
			CHECK(mt.stats.rejected_order + mt.stats.rejected_wrap ==
			      na + nb - nfa - nfb);
		}

		memset(used_a, 0, sizeof(used_a));
		memset(used_b, 0, sizeof(used_b));
		for (k = 0; k < n; k++) {
			s64 d = (s64)(out[k].b_ps - out[k].a_ps) - off;

			CHECK(d >= -(s64)w && d <= (s64)w);
			if (k)
				CHECK(out[k].a_ps >= out[k - 1].a_ps);
			if (out[k].a_idx == QCORE_MATCH_CARRIED) {
				use_ca++;
			} else {
				CHECK(out[k].a_idx < na);
				CHECK(a[out[k].a_idx] == out[k].a_ps);
				CHECK(!used_a[out[k].a_idx]);
				used_a[out[k].a_idx] = 1;
			}
			if (out[k].b_idx == QCORE_MATCH_CARRIED) {
				use_cb++;
			} else {
				CHECK(out[k].b_idx < nb);
				CHECK(b[out[k].b_idx] == out[k].b_ps);
				CHECK(!used_b[out[k].b_idx]);
				used_b[out[k].b_idx] = 1;
			}

			/* Each coincidence becomes a pair record. */
			memset(&p, 0, sizeof(p));
			herald = max(herald, out[k].a_ps);
			p.herald_ps = herald;
			p.f0 = (u32)rd16(&r) << 15;
			p.slot = rd8(&r) & 1 ? QCORE_SLOT_NONE : rd8(&r) % 4;
			p.bell_index = rd8(&r) % 5;
			memset(&rep, 0, sizeof(rep));
			if (!qcore_pairbuf_push(&pb, &p, &rep)) {
				CHECK(!pushed || p.seq > seq_push);
				seq_push = p.seq;
				pushed = true;
			}
			CHECK(rep.first_seq <= rep.last_seq);
			CHECK(pb.used <= pb.max_pairs);
			CHECK(pb.live <= pb.used);
			CHECK(pb.used_slots <= pb.max_slots);
		}
		CHECK(use_ca <= carried_a);
		CHECK(use_cb <= carried_b);

		for (k = rd8(&r) % 4; k; k--) {
			u64 now = herald + (u64)rd8(&r) * scale * 4;

			memset(&rep, 0, sizeof(rep));
			if (rd8(&r) & 1) {
				if (!qcore_pairbuf_take(&pb, now,
							(u32)rd16(&r) << 15,
							&got, &rep)) {
					CHECK(!taken || got.seq > seq_take);
					CHECK(got.seq <= seq_push);
					seq_take = got.seq;
					taken = true;
				}
			} else {
				qcore_pairbuf_expire(&pb, now, &rep);
			}
			CHECK(rep.first_seq <= rep.last_seq);
			CHECK(pb.used <= pb.max_pairs);
			CHECK(pb.used_slots <= pb.max_slots);
		}
	}
	qcore_match_flush(&mt);
	return 0;
}
