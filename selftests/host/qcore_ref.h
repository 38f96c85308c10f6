/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference models for the qcore tests and the fuzzer: the slowest
 * possible statement of the matcher's policy, kept apart from the code
 * under test.
 */
#ifndef _QCORE_REF_H
#define _QCORE_REF_H

#include <stdlib.h>

#include "match.h"

/* Running-max filter: keep tags >= the last kept one and below 2^63. */
static inline size_t ref_filter(const u64 *in, size_t n, u64 *out,
				u64 *last, bool *seen)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (in[i] >= QCORE_TS_LIMIT || (*seen && in[i] < *last))
			continue;
		*last = in[i];
		*seen = true;
		out[k++] = in[i];
	}
	return k;
}

/*
 * Greedy earliest match over two filtered, sorted streams: walk the tags
 * in time order, pair when |a - (b - offset)| <= window.
 */
static inline size_t ref_match(const u64 *a, size_t na, const u64 *b,
			       size_t nb, s64 offset, u64 window,
			       struct qcore_coinc *out, size_t cap)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		s64 d = (s64)(b[j] - a[i]) - offset;

		if (d < -(s64)window) {
			j++;
		} else if (d > (s64)window) {
			i++;
		} else {
			if (n < cap) {
				out[n].a_ps = a[i];
				out[n].b_ps = b[j];
			}
			n++;
			i++;
			j++;
		}
	}
	return n;
}

#endif /* _QCORE_REF_H */
