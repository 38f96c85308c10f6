// SPDX-License-Identifier: GPL-2.0
/*
 * Codec of the link protocol's tag and herald lists; see wire.h and
 * Documentation/qlink-protocol.rst.
 */
#include "wire.h"

/* Times stay below 2^63 ps, as everywhere in the core. */
#define WIRE_T_MAX	((u64)1 << 63)
#define WIRE_F_MAX	1000000

static u32 varint_len(u64 v)
{
	u32 n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static u32 varint_put(u8 *p, u64 v)
{
	u32 n = 0;

	while (v >= 0x80) {
		p[n++] = (u8)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (u8)v;
	return n;
}

/* Returns the bytes read, 0 if truncated or longer than 10 bytes. */
static u32 varint_get(const u8 *p, u32 len, u64 *v)
{
	u64 r = 0;
	u32 i;

	for (i = 0; i < len && i < QCORE_VARINT_MAX; i++) {
		u64 g = p[i] & 0x7f;

		/* the 10th byte holds bit 63 only */
		if (i == QCORE_VARINT_MAX - 1 && g > 1)
			return 0;
		r |= g << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = r;
			return i + 1;
		}
	}
	return 0;
}

u32 qcore_wire_put_tags(u8 *buf, u32 cap, const u64 *t, const u16 *f, u32 n,
			u64 prev, u32 *done)
{
	u32 k, pos = 0;

	for (k = 0; k < n; k++) {
		u16 fl = f ? f[k] : 0;
		u64 d;

		if (t[k] < prev || t[k] >= WIRE_T_MAX)
			break;
		d = t[k] - prev;
		if (pos + varint_len(d) + varint_len(fl) > cap)
			break;
		pos += varint_put(buf + pos, d);
		pos += varint_put(buf + pos, fl);
		prev = t[k];
	}
	*done = k;
	return pos;
}

int qcore_wire_get_tags(const u8 *buf, u32 len, u32 n, u64 prev, u64 *t,
			u16 *f)
{
	u32 k, pos = 0, r;
	u64 d, fl;

	for (k = 0; k < n; k++) {
		r = varint_get(buf + pos, len - pos, &d);
		if (!r)
			return -EINVAL;
		pos += r;
		r = varint_get(buf + pos, len - pos, &fl);
		/* prev comes off the wire too: >= 2^63 would wrap */
		if (!r || fl > U16_MAX || prev >= WIRE_T_MAX ||
		    d >= WIRE_T_MAX - prev)
			return -EINVAL;
		pos += r;
		prev += d;
		t[k] = prev;
		f[k] = (u16)fl;
	}
	return (int)pos;
}

static u32 herald_len(const struct qcore_wire_herald *h, u64 ds, u64 dt)
{
	return varint_len(ds) + varint_len(dt) + varint_len(h->fidelity) + 1 +
	       varint_len((u16)(h->slot + 1));
}

u32 qcore_wire_put_heralds(u8 *buf, u32 cap, const struct qcore_wire_herald *h,
			   u32 n, u64 seq_prev, u64 t_prev, u32 *done)
{
	u32 k, pos = 0;

	for (k = 0; k < n; k++) {
		u64 ds, dt;

		if (h[k].seq <= seq_prev || h[k].t_ps < t_prev ||
		    h[k].t_ps >= WIRE_T_MAX || h[k].fidelity > WIRE_F_MAX ||
		    h[k].bell > 3 || h[k].meas > 63)
			break;
		ds = h[k].seq - seq_prev;
		dt = h[k].t_ps - t_prev;
		if (pos + herald_len(&h[k], ds, dt) > cap)
			break;
		pos += varint_put(buf + pos, ds);
		pos += varint_put(buf + pos, dt);
		pos += varint_put(buf + pos, h[k].fidelity);
		buf[pos++] = (u8)(h[k].bell | h[k].meas << 2);
		pos += varint_put(buf + pos, (u16)(h[k].slot + 1));
		seq_prev = h[k].seq;
		t_prev = h[k].t_ps;
	}
	*done = k;
	return pos;
}

int qcore_wire_get_heralds(const u8 *buf, u32 len, u32 n, u64 seq_prev,
			   u64 t_prev, struct qcore_wire_herald *h)
{
	u32 k, pos = 0, r;
	u64 ds, dt, fid, slot;

	for (k = 0; k < n; k++) {
		r = varint_get(buf + pos, len - pos, &ds);
		if (!r || !ds || ds > U64_MAX - seq_prev)
			return -EINVAL;
		pos += r;
		r = varint_get(buf + pos, len - pos, &dt);
		if (!r || t_prev >= WIRE_T_MAX || dt >= WIRE_T_MAX - t_prev)
			return -EINVAL;
		pos += r;
		r = varint_get(buf + pos, len - pos, &fid);
		if (!r || fid > WIRE_F_MAX)
			return -EINVAL;
		pos += r;
		if (pos >= len)
			return -EINVAL;
		h[k].bell = buf[pos] & 3;
		h[k].meas = buf[pos] >> 2;
		pos++;
		r = varint_get(buf + pos, len - pos, &slot);
		if (!r || slot > U16_MAX)
			return -EINVAL;
		pos += r;
		seq_prev += ds;
		t_prev += dt;
		h[k].seq = seq_prev;
		h[k].t_ps = t_prev;
		h[k].fidelity = (u32)fid;
		h[k].slot = (u16)(slot - 1);
	}
	return (int)pos;
}
