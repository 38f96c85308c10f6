/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Codec of the link protocol's tag and herald lists
 * (Documentation/qlink-protocol.rst, TAGS and HERALDS): LEB128 varints of
 * differences, so that a tag costs 2-4 bytes and a herald record 7-12.
 * Pure C, shared by the kernel and the host tests; no allocation, every
 * read bounded by the buffer's length.
 */
#ifndef _QCORE_WIRE_H
#define _QCORE_WIRE_H

#include "qcore_types.h"

/* Longest varint of a u64. */
#define QCORE_VARINT_MAX	10

/**
 * struct qcore_wire_herald - one herald record
 * @seq: sequence number
 * @t_ps: herald time, ps
 * @fidelity: ppm, 0 = calibrated F0
 * @slot: memory slot, 0xffff = none
 * @bell: Bell index 0..3
 * @meas: measurements recorded at detection, 6 bits
 */
struct qcore_wire_herald {
	u64 seq;
	u64 t_ps;
	u32 fidelity;
	u16 slot;
	u8 bell;
	u8 meas;
};

/*
 * Encode tags @t[0..n) with flags @f (NULL: all 0), the first as its
 * difference from @prev, into @buf of @cap bytes, as many as fit.
 * Returns the bytes written; *@done is the number of tags encoded. Tags
 * must be non-decreasing and not below @prev (else they stop the
 * encoding: *@done tells where).
 */
u32 qcore_wire_put_tags(u8 *buf, u32 cap, const u64 *t, const u16 *f, u32 n,
			u64 prev, u32 *done);

/*
 * Decode @n tags from @buf of @len bytes, the first relative to @prev,
 * into @t and @f. Returns the bytes read, or -EINVAL if the list is
 * truncated, a varint is malformed, a flag does not fit 16 bits or a
 * time (@prev included) reaches 2^63.
 */
int qcore_wire_get_tags(const u8 *buf, u32 len, u32 n, u64 prev, u64 *t,
			u16 *f);

/*
 * Encode records @h[0..n) (sequence numbers increasing, times
 * non-decreasing from @t_prev and below 2^63, fidelity <= 10^6, bell <= 3,
 * meas <= 63) into @buf, as many as fit; the first sequence number
 * relative to @seq_prev. Returns the bytes written, *@done the records
 * encoded; an invalid record stops the encoding as in
 * qcore_wire_put_tags().
 */
u32 qcore_wire_put_heralds(u8 *buf, u32 cap, const struct qcore_wire_herald *h,
			   u32 n, u64 seq_prev, u64 t_prev, u32 *done);

/*
 * Decode @n records, or -EINVAL as qcore_wire_get_tags(); sequence
 * numbers must increase.
 */
int qcore_wire_get_heralds(const u8 *buf, u32 len, u32 n, u64 seq_prev,
			   u64 t_prev, struct qcore_wire_herald *h);

#endif /* _QCORE_WIRE_H */
