// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the qcore cross-correlation.
 *
 * The input drives the parameters (valid or not, centres and tags near
 * the limits when it asks) and two tag arrays, which the harness sorts:
 * steps scaled by a factor, B tags either partners of A tags at an
 * offset or a clock of their own.  Up to 4096 tags per channel, so that
 * equal tags reach the pair cap.  Checked:
 *  - -EINVAL exactly for invalid parameters, else 0 or -EAGAIN;
 *  - the pairs visited never exceed QCORE_XCORR_MAX_PAIRS;
 *  - a lock is inside [center - range, center + range], with a peak of
 *    at least 8 counts over its background and an error within a
 *    twelfth of the window (rounded up);
 *  - equal inputs give equal results (no state kept between calls).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcorr.h"

#define MAXT	4096

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

static uint64_t rd64(struct rd *r)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)rd8(r) << (8 * i);
	return v;
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "invariant failed: %s (line %d)\n",	\
			#cond, __LINE__);				\
		abort();						\
	}								\
} while (0)

static int cmp_u64(const void *x, const void *y)
{
	u64 a = *(const u64 *)x, b = *(const u64 *)y;

	return a < b ? -1 : a > b;
}

static struct qcore_xcorr_scratch scratch;
static u64 a[MAXT], b[MAXT];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };
	u8 flags = rd8(&r);
	u64 scale = 1 + (u64)rd8(&r) * 37, range, t, base;
	s64 center, off;
	u32 window, na, nb, i;
	struct qcore_xcorr_result res, again;
	bool valid;
	int ret;

	/* small parameters mostly, the raw 64 bits when asked */
	center = flags & 1 ? (s64)rd64(&r) : (s64)(int16_t)rd16(&r) * scale;
	range = flags & 2 ? rd64(&r) : (u64)rd16(&r) * scale;
	window = flags & 4 ? (u32)rd64(&r) : rd16(&r);
	off = flags & 8 ? center : (s64)(int16_t)rd16(&r) * scale;
	na = rd16(&r) % (MAXT + 1);
	nb = rd16(&r) % (MAXT + 1);
	/* near 2^63 (some tags above it) or near 0 */
	t = flags & 16 ? (1ULL << 63) - rd64(&r) % (1ULL << 40) :
	    (u64)rd16(&r) * scale;

	base = t;
	for (i = 0; i < na; i++) {
		t += rd8(&r) * scale;
		a[i] = t;
	}
	t = base + (u64)off;
	for (i = 0; i < nb; i++) {
		u8 d = rd8(&r);

		if (d & 1 && i < na) {
			b[i] = a[i] + (u64)off + (d >> 4);
		} else {
			t += (d >> 1) * scale;
			b[i] = t;
		}
	}
	qsort(a, na, sizeof(*a), cmp_u64);
	qsort(b, nb, sizeof(*b), cmp_u64);

	valid = range && range <= QCORE_XCORR_RANGE_MAX && window &&
		center <= QCORE_XCORR_CENTER_MAX &&
		center >= -QCORE_XCORR_CENTER_MAX;
	ret = qcore_xcorr_find(flags & 32 && !na ? NULL : a, na,
			       flags & 64 && !nb ? NULL : b, nb, center, range,
			       window, &scratch, &res);
	if (!valid) {
		CHECK(ret == -EINVAL);
		return 0;
	}
	CHECK(ret == 0 || ret == -EAGAIN);
	CHECK(res.pairs <= QCORE_XCORR_MAX_PAIRS);
	if (!ret) {
		CHECK(res.offset_ps >= center - (s64)range);
		CHECK(res.offset_ps <= center + (s64)range);
		CHECK(res.peak >= 8 && res.peak > res.background);
		CHECK(res.error_ps >= 1);
		CHECK(12 * (res.error_ps - 1) <= window);
		CHECK(res.stages >= 1 && res.bin_ps >= 1);
	}
	CHECK(qcore_xcorr_find(a, na, b, nb, center, range, window, &scratch,
			       &again) == ret);
	CHECK(!memcmp(&res, &again, sizeof(res)));
	return 0;
}
