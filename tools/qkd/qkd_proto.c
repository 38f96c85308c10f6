// SPDX-License-Identifier: GPL-2.0
/*
 * One BBM92 session, Alice's and Bob's side. Alice asks the link for
 * pairs (both ends measure each pair in a basis of their own choosing)
 * and drives the block; Bob opts in to receive and answers. Per block:
 *
 *  1. Alice collects her pairs and sends (seq, basis) of each (SIFT);
 *     Bob matches them with his pairs by sequence number and says which
 *     were measured in the same basis (KEEP). Bob flips his bit when the
 *     pair's Bell state anticorrelates the outcomes in that basis.
 *  2. Alice discloses a random sample of her sifted bits (SAMPLE); Bob
 *     counts the errors (SAMPLE_RES). Above max_qber both ends stop.
 *  3. Cascade: Bob asks for block and range parities, Alice answers;
 *     then Bob asks for a 64-bit Toeplitz hash of Alice's key with a
 *     fresh seed (VERIFY) and runs extra passes while it differs.
 *  4. Alice picks the final length and a Toeplitz seed (PA); both hash
 *     their key down and append it to the key file.
 *
 * Every number both ends use is either exchanged or computed from
 * exchanged numbers, so the two ends write the same key.
 */
#include <endian.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/qlink.h>

#include "qkd.h"

#define QKD_VERSION		1
#define MIN_SIFTED		1024	/* smaller blocks are dropped */
#define COLLECT_IDLE_MS		30000	/* no pair for this long: give up */
#define BOB_SETTLE_MS		2000	/* Bob waits this long for stragglers */
#define MAX_DRY_BLOCKS		4	/* blocks in a row without key: stop */

/* ---- message buffers ---- */

struct wbuf {
	uint8_t *b;
	size_t n, cap;
	int err;
};

static void *w_room(struct wbuf *w, size_t len)
{
	if (w->err)
		return NULL;
	if (w->n + len > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		uint8_t *nb;

		while (cap < w->n + len)
			cap *= 2;
		nb = realloc(w->b, cap);
		if (!nb) {
			w->err = -ENOMEM;
			return NULL;
		}
		w->b = nb;
		w->cap = cap;
	}
	w->n += len;
	return w->b + w->n - len;
}

static void put_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *p = w_room(w, 1);

	if (p)
		*p = v;
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = w_room(w, 4);

	v = htobe32(v);
	if (p)
		memcpy(p, &v, 4);
}

static void put_u64(struct wbuf *w, uint64_t v)
{
	uint8_t *p = w_room(w, 8);

	v = htobe64(v);
	if (p)
		memcpy(p, &v, 8);
}

static void put_bits(struct wbuf *w, const uint64_t *v, size_t nbits)
{
	size_t i;

	for (i = 0; i < QKD_WORDS(nbits); i++) {
		uint64_t x = nbits - i * 64 >= 64 ? v[i] :
			     v[i] & ((1ULL << (nbits % 64)) - 1);
		uint8_t *p = w_room(w, 8);

		x = htole64(x);
		if (p)
			memcpy(p, &x, 8);
	}
}

static void put_varint(struct wbuf *w, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = varint_put(tmp, v);
	uint8_t *p = w_room(w, n);

	if (p)
		memcpy(p, tmp, n);
}

static void wbuf_free(struct wbuf *w)
{
	free(w->b);
	memset(w, 0, sizeof(*w));
}

struct rbuf {
	const uint8_t *b;
	size_t n, off;
	bool bad;
};

static const uint8_t *r_take(struct rbuf *r, size_t len)
{
	if (r->bad || r->n - r->off < len) {
		r->bad = true;
		return NULL;
	}
	r->off += len;
	return r->b + r->off - len;
}

static uint8_t get_u8(struct rbuf *r)
{
	const uint8_t *p = r_take(r, 1);

	return p ? *p : 0;
}

static uint32_t get_u32(struct rbuf *r)
{
	const uint8_t *p = r_take(r, 4);
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, 4);
	return be32toh(v);
}

static uint64_t get_u64(struct rbuf *r)
{
	const uint8_t *p = r_take(r, 8);
	uint64_t v = 0;

	if (p)
		memcpy(&v, p, 8);
	return be64toh(v);
}

static void get_bits(struct rbuf *r, uint64_t *v, size_t nbits)
{
	size_t i;

	for (i = 0; i < QKD_WORDS(nbits); i++) {
		const uint8_t *p = r_take(r, 8);
		uint64_t x = 0;

		if (p)
			memcpy(&x, p, 8);
		v[i] = le64toh(x);
	}
	if (nbits % 64)
		v[nbits / 64] &= (1ULL << (nbits % 64)) - 1;
}

static uint64_t get_varint(struct rbuf *r)
{
	uint64_t v = 0;
	size_t used;

	if (r->bad)
		return 0;
	used = varint_get(r->b + r->off, r->n - r->off, &v);
	if (!used)
		r->bad = true;
	r->off += used;
	return v;
}

/* ---- helpers ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rand64(void)
{
	uint64_t v = 0;

	if (qkd_random(&v, sizeof(v)))
		abort();	/* getrandom(2) does not fail once seeded */
	return v;
}

static int send_w(struct qkd_chan *c, uint8_t type, struct wbuf *w)
{
	int err = w->err ? w->err : chan_send(c, type, w->b, w->n);

	wbuf_free(w);
	return err;
}

static void logf_(const struct qkd_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logf_(const struct qkd_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->log)
		return;
	va_start(ap, fmt);
	vfprintf(o->log, fmt, ap);
	va_end(ap);
	fflush(o->log);
}

/*
 * Receive a frame of type @want into @r (free r->b afterwards). An ABORT
 * from the other end is logged and ends the session.
 */
static int expect(struct qkd_chan *c, const struct qkd_opts *o, uint8_t want,
		  struct rbuf *r)
{
	uint8_t type, *p;
	size_t len;
	int err;

	memset(r, 0, sizeof(*r));
	err = chan_recv(c, &type, &p, &len);
	if (err)
		return err;
	if (type == QKD_MSG_ABORT) {
		logf_(o, "qkd: the other end aborted: %.*s\n", (int)len, p);
		free(p);
		return -ECONNABORTED;
	}
	if (type != want) {
		logf_(o, "qkd: protocol error: message %u, expected %u\n",
		      type, want);
		free(p);
		return -EPROTO;
	}
	r->b = p;
	r->n = len;
	return 0;
}

static void send_abort(struct qkd_chan *c, const char *why)
{
	chan_send(c, QKD_MSG_ABORT, why, strlen(why));
}

static void pack_bytes(struct wbuf *w, const uint8_t *par, size_t n)
{
	uint64_t *bits = bits_alloc(n);
	size_t i;

	if (!bits) {
		w->err = -ENOMEM;
		return;
	}
	for (i = 0; i < n; i++)
		if (par[i])
			bit_set(bits, i, 1);
	put_bits(w, bits, n);
	free(bits);
}

static int write_key(const struct qkd_opts *o, struct qkd_stats *st,
		     const uint64_t *key, size_t m)
{
	size_t bytes = m / 8, i;
	uint8_t *buf;

	if (o->key_bytes && st->key_bits / 8 + bytes > o->key_bytes)
		bytes = o->key_bytes - st->key_bits / 8;
	buf = malloc(bytes + 8);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < bytes; i++)
		buf[i] = key[i / 8] >> (8 * (i % 8));
	if (bytes && fwrite(buf, 1, bytes, o->out) != bytes) {
		free(buf);
		return -EIO;
	}
	free(buf);
	if (fflush(o->out))
		return -EIO;
	st->key_bits += 8 * bytes;
	return 0;
}

/* ---- the block, common parts ---- */

struct block {
	size_t npairs;		/* Alice's pairs in the block */
	size_t ns;		/* sifted */
	uint64_t *sifted;
	uint64_t *mask;		/* sample positions */
	uint64_t *key;		/* sifted minus sample */
	size_t nk;
	size_t sample, sample_err;
	double theory, theory_var;
};

static void block_free(struct block *b)
{
	free(b->sifted);
	free(b->mask);
	free(b->key);
}

static void block_theory(struct block *b, const struct qkd_pair *p)
{
	double q = qber_theory(p->fidelity);

	b->theory += q;
	b->theory_var += q * (1 - q);
}

static int block_split(struct block *b, uint64_t seed)
{
	b->sample = sample_size(b->ns);
	b->mask = bits_alloc(b->ns);
	b->key = bits_alloc(b->ns);
	if (!b->mask || !b->key)
		return -ENOMEM;
	sample_pick(seed, b->ns, b->sample, b->mask);
	b->nk = bits_select(b->sifted, b->mask, b->ns, false, b->key);
	return 0;
}

static void block_log(const struct qkd_opts *o, const struct qkd_stats *st,
		      const struct block *b, const struct cascade *cs,
		      size_t m, bool ok)
{
	if (o->quiet_blocks)
		return;
	logf_(o, "block %llu: pairs %zu sifted %zu sample %zu errors %zu key-in %zu ec-errors %llu ec-leak %llu rounds %u %s key-bits %zu\n",
	      (unsigned long long)st->blocks, b->npairs, b->ns, b->sample,
	      b->sample_err, b->nk, (unsigned long long)cs->flips,
	      (unsigned long long)cs->leak, cs->rounds,
	      ok ? "verified" : "VERIFY-FAILED", m);
}

static void stats_add(struct qkd_stats *st, const struct block *b,
		      const struct cascade *cs, uint64_t leak)
{
	st->sifted += b->ns;
	st->sample_bits += b->sample;
	st->sample_errors += b->sample_err;
	st->theory_sum += b->theory;
	st->theory_var += b->theory_var;
	st->corrected_bits += b->nk;
	st->ec_errors += cs->flips;
	st->ec_leak += leak;
	st->ec_rounds += cs->rounds;
	if (b->nk)
		st->ec_leak_ideal += b->nk * binary_entropy((double)cs->flips /
							    b->nk);
	st->blocks++;
}

/* A block that went through (both ends): count it and log it. */
static void block_done(const struct qkd_opts *o, struct qkd_stats *st,
		       const struct block *b, const struct cascade *cs,
		       size_t m, bool ok)
{
	stats_add(st, b, cs, cs->leak);
	block_log(o, st, b, cs, m, ok);
}

/* What alice_block() and bob_block() both free, however the block ended. */
static void block_release(struct block *b, struct cascade *cs,
			  struct wbuf *w, struct rbuf *r)
{
	wbuf_free(w);
	free((void *)r->b);
	cascade_free(cs);
	block_free(b);
}

static int qber_check(const struct qkd_opts *o, const struct block *b)
{
	double q = b->sample ? (double)b->sample_err / b->sample : 0;

	if (q <= o->max_qber)
		return 0;
	logf_(o, "qkd: QBER %.4f in a sample of %zu above %.4f: eavesdropper or bad link, stopping\n",
	      q, b->sample, o->max_qber);
	return -EKEYREJECTED;
}

/* Final key of the block: Toeplitz hash of the corrected key to m bits. */
static int block_amplify(const struct qkd_opts *o, struct qkd_stats *st,
			 const struct block *b, const uint64_t *seed, size_t m)
{
	uint64_t *fin = bits_alloc(m);
	int err;

	if (!fin)
		return -ENOMEM;
	err = toeplitz_hash(seed, b->key, b->nk, fin, m);
	if (!err)
		err = write_key(o, st, fin, m);
	free(fin);
	return err;
}

/* ---- Alice ---- */

static int alice_collect(struct qkd_source *src, uint32_t n,
			 struct qkd_pairs *pp)
{
	double idle_since = now_s();
	int err;

	err = src->request(src, n);
	if (err)
		return err;
	while (src->busy(src)) {
		int got;

		if (src->fd >= 0) {
			struct pollfd pfd = { .fd = src->fd, .events = POLLIN };

			if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
				return -errno;
		}
		got = src->drain(src, pp, UINT64_MAX);
		if (got < 0)
			return got;
		if (got)
			idle_since = now_s();
		else if (now_s() - idle_since > COLLECT_IDLE_MS / 1000.0)
			return -ETIMEDOUT;
	}
	return 0;
}

struct alice_oracle {
	struct qkd_chan *c;
	struct cascade *cs;
};

/* Serve Bob's Cascade questions until CASC_DONE. */
static int alice_cascade(struct qkd_chan *c, const struct qkd_opts *o,
			 struct cascade *cs, bool *ok, uint64_t *flips)
{
	for (;;) {
		struct wbuf w = { 0 };
		uint8_t type, *p;
		struct rbuf r;
		size_t len;
		int err;

		err = chan_recv(c, &type, &p, &len);
		if (err)
			return err;
		r = (struct rbuf){ .b = p, .n = len };
		switch (type) {
		case QKD_MSG_CASC_BLOCKS: {
			int pass = get_u8(&r);
			uint8_t *par;

			cs->rounds++;
			if (r.bad || pass >= CASC_MAX_PASSES) {
				err = -EPROTO;
				break;
			}
			err = cascade_pass_build(cs, pass);
			if (err)
				break;
			par = malloc(cascade_nblocks(cs, pass));
			if (!par) {
				err = -ENOMEM;
				break;
			}
			err = cascade_block_parities(cs, pass, par);
			if (!err)
				pack_bytes(&w, par, cascade_nblocks(cs, pass));
			free(par);
			if (!err)
				err = send_w(c, QKD_MSG_CASC_PAR, &w);
			break;
		}
		case QKD_MSG_CASC_QUERY: {
			uint32_t nq = get_u32(&r), i;
			uint8_t *par;

			cs->rounds++;
			if (r.bad || nq > (len - 4) / 9) {
				err = -EPROTO;
				break;
			}
			par = malloc(nq + 1);
			if (!par) {
				err = -ENOMEM;
				break;
			}
			for (i = 0; i < nq && !err; i++) {
				int pass = get_u8(&r), v;
				uint32_t lo = get_u32(&r), hi = get_u32(&r);

				v = pass < CASC_MAX_PASSES ?
				    cascade_range_parity(cs, pass, lo, hi) :
				    -EPROTO;
				if (v < 0)
					err = v;
				else
					par[i] = v;
			}
			if (!err)
				pack_bytes(&w, par, nq);
			free(par);
			if (!err)
				err = send_w(c, QKD_MSG_CASC_PAR, &w);
			break;
		}
		case QKD_MSG_VERIFY_REQ: {
			uint64_t *seed = bits_alloc(cs->n + 63), h = 0;

			if (!seed) {
				err = -ENOMEM;
				break;
			}
			err = qkd_random(seed, QKD_WORDS(cs->n + 63) * 8);
			if (!err)
				err = toeplitz_hash(seed, cs->key, cs->n, &h,
						    64);
			if (!err) {
				cs->leak += 64;
				put_u64(&w, h);
				put_bits(&w, seed, cs->n + 63);
				err = send_w(c, QKD_MSG_VERIFY, &w);
			}
			free(seed);
			break;
		}
		case QKD_MSG_CASC_DONE:
			*ok = get_u8(&r);
			*flips = get_u64(&r);
			if (r.bad || *flips > cs->n)
				err = -EPROTO;
			free(p);
			return err;
		case QKD_MSG_ABORT:
			logf_(o, "qkd: the other end aborted: %.*s\n",
			      (int)len, p);
			err = -ECONNABORTED;
			break;
		default:
			err = -EPROTO;
		}
		wbuf_free(&w);
		free(p);
		if (err)
			return err;
	}
}

static int alice_block(struct qkd_chan *c, const struct qkd_opts *o,
		       struct qkd_stats *st, struct qkd_pairs *pp)
{
	struct block b = { 0 };
	struct cascade cs = { 0 };
	uint64_t *basis, *keep, seed, *pa_seed = NULL, prev = 0, flips = 0;
	uint32_t link_id = pp->n ? pp->p[0].link_id : 0;
	struct wbuf w = { 0 };
	struct rbuf r = { 0 };
	size_t i, n = 0, m = 0;
	bool ok = false;
	int err;

	/* one link: pairs named by another link id are not ours */
	for (i = 0; i < pp->n; i++)
		if (pp->p[i].link_id == link_id)
			pp->p[n++] = pp->p[i];
	pp->n = n;
	b.npairs = n;

	/* 1. sifting */
	basis = bits_alloc(n);
	keep = bits_alloc(n);
	b.sifted = bits_alloc(n);
	if (!basis || !keep || !b.sifted) {
		err = -ENOMEM;
		goto out;
	}
	put_u32(&w, link_id);
	put_u32(&w, n);
	for (i = 0; i < n; i++) {
		put_varint(&w, pp->p[i].seq - prev);
		prev = pp->p[i].seq;
		bit_set(basis, i, pp->p[i].basis == QLINK_BASIS_X);
	}
	put_bits(&w, basis, n);
	err = send_w(c, QKD_MSG_SIFT, &w);
	if (!err)
		err = expect(c, o, QKD_MSG_KEEP, &r);
	if (err)
		goto out;
	get_bits(&r, keep, n);
	if (r.bad || r.off != r.n) {
		err = -EPROTO;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!bit_get(keep, i))
			continue;
		bit_set(b.sifted, b.ns++, sifted_bit(&pp->p[i], false));
		block_theory(&b, &pp->p[i]);
	}
	free((void *)r.b);
	r.b = NULL;
	if (b.ns < MIN_SIFTED) {
		logf_(o, "qkd: block of %zu sifted bits dropped (fewer than %d)\n",
		      b.ns, MIN_SIFTED);
		goto out;
	}

	/* 2. QBER sample */
	seed = rand64();
	err = block_split(&b, seed);
	if (err)
		goto out;
	{
		uint64_t *sb = bits_alloc(b.sample);

		if (!sb) {
			err = -ENOMEM;
			goto out;
		}
		bits_select(b.sifted, b.mask, b.ns, true, sb);
		put_u64(&w, seed);
		put_u32(&w, b.sample);
		put_bits(&w, sb, b.sample);
		free(sb);
	}
	err = send_w(c, QKD_MSG_SAMPLE, &w);
	if (!err)
		err = expect(c, o, QKD_MSG_SAMPLE_RES, &r);
	if (err)
		goto out;
	b.sample_err = get_u32(&r);
	if (r.bad || b.sample_err > b.sample) {
		err = -EPROTO;
		goto out;
	}
	err = qber_check(o, &b);
	if (err)
		goto out;

	/* 3. Cascade, Alice answers */
	seed = rand64();
	err = cascade_init(&cs, b.key, b.nk,
			   cascade_k0((double)b.sample_err / b.sample, b.nk),
			   seed);
	if (err)
		goto out;
	put_u64(&w, seed);
	put_u32(&w, cs.k0);
	err = send_w(c, QKD_MSG_CASC_START, &w);
	if (!err)
		err = alice_cascade(c, o, &cs, &ok, &flips);
	if (err)
		goto out;
	cs.flips = flips;

	/* 4. privacy amplification */
	if (ok) {
		m = pa_length(b.nk, flips, cs.leak);
		pa_seed = bits_alloc(b.nk + m);
		if (!pa_seed) {
			err = -ENOMEM;
			goto out;
		}
		if (m)
			err = qkd_random(pa_seed,
					 QKD_WORDS(b.nk + m - 1) * 8);
		put_u32(&w, m);
		if (m)
			put_bits(&w, pa_seed, b.nk + m - 1);
		if (!err)
			err = send_w(c, QKD_MSG_PA, &w);
		if (!err && m)
			err = block_amplify(o, st, &b, pa_seed, m);
	} else {
		st->blocks_failed++;
	}
	if (!err)
		block_done(o, st, &b, &cs, m, ok);
out:
	block_release(&b, &cs, &w, &r);
	free(basis);
	free(keep);
	free(pa_seed);
	return err;
}

int qkd_alice(struct qkd_chan *c, struct qkd_source *src,
	      const struct qkd_opts *o, struct qkd_stats *st)
{
	struct qkd_pairs pp = { 0 };
	struct wbuf w = { 0 };
	struct rbuf r;
	double t0 = now_s();
	uint64_t bob_bits, bits;
	int err, dry = 0;

	memset(st, 0, sizeof(*st));
	put_u32(&w, QKD_VERSION);
	put_u32(&w, o->purpose);
	put_u64(&w, o->key_bytes);
	put_u64(&w, o->max_pairs);
	err = send_w(c, QKD_MSG_HELLO, &w);
	if (!err)
		err = expect(c, o, QKD_MSG_READY, &r);
	if (err)
		return err;
	free((void *)r.b);

	for (;;) {
		uint64_t n = o->block;

		if (o->key_bytes && st->key_bits / 8 >= o->key_bytes)
			break;
		if (o->max_pairs && st->pairs >= o->max_pairs)
			break;
		if (o->max_seconds > 0 && now_s() - t0 >= o->max_seconds)
			break;
		if (o->max_pairs && n > o->max_pairs - st->pairs)
			n = o->max_pairs - st->pairs;
		if (dry > MAX_DRY_BLOCKS) {
			logf_(o, "qkd: no key from %d blocks in a row\n", dry);
			send_abort(c, "no key");
			err = -ENODATA;
			goto out;
		}
		pp.n = 0;
		err = alice_collect(src, n, &pp);
		if (err) {
			send_abort(c, "Alice cannot get pairs");
			goto out;
		}
		st->pairs += pp.n;
		pairs_sort(&pp);
		bits = st->key_bits;
		err = alice_block(c, o, st, &pp);
		if (err)
			goto out;
		dry = st->key_bits == bits ? dry + 1 : 0;
	}
	st->seconds = now_s() - t0;
	put_u64(&w, st->key_bits);
	err = send_w(c, QKD_MSG_END, &w);
	if (!err)
		err = expect(c, o, QKD_MSG_BYE, &r);
	if (err)
		goto out;
	bob_bits = get_u64(&r);
	free((void *)r.b);
	if (bob_bits != st->key_bits) {
		logf_(o, "qkd: Bob has %llu key bits, Alice %llu\n",
		      (unsigned long long)bob_bits,
		      (unsigned long long)st->key_bits);
		err = -EPROTO;
	}
out:
	pairs_free(&pp);
	return err;
}

/* ---- Bob ---- */

/* Wait for a frame, reading pairs meanwhile so the link never backs up. */
static int bob_wait(struct qkd_chan *c, struct qkd_source *src,
		    struct qkd_pairs *pp)
{
	struct pollfd pfd[2] = {
		{ .fd = c->fd, .events = POLLIN },
		{ .fd = src->fd, .events = POLLIN },
	};

	for (;;) {
		int n = poll(pfd, src->fd >= 0 ? 2 : 1, -1), got;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (src->fd >= 0 && pfd[1].revents) {
			got = src->drain(src, pp, 0);
			if (got < 0)
				return got;
		}
		if (pfd[0].revents)
			return 0;
	}
}

struct bob_oracle {
	struct qkd_chan *c;
	const struct qkd_opts *o;
};

static int bob_get_par(struct bob_oracle *bo, uint8_t *par, uint32_t n)
{
	uint64_t *bits = bits_alloc(n);
	struct rbuf r;
	uint32_t i;
	int err;

	if (!bits)
		return -ENOMEM;
	err = expect(bo->c, bo->o, QKD_MSG_CASC_PAR, &r);
	if (!err) {
		get_bits(&r, bits, n);
		if (r.bad || r.off != r.n)
			err = -EPROTO;
		free((void *)r.b);
	}
	for (i = 0; i < n && !err; i++)
		par[i] = bit_get(bits, i);
	free(bits);
	return err;
}

static int bob_blocks(void *ctx, int pass, uint8_t *par, uint32_t nblocks)
{
	struct bob_oracle *bo = ctx;
	struct wbuf w = { 0 };
	int err;

	put_u8(&w, pass);
	err = send_w(bo->c, QKD_MSG_CASC_BLOCKS, &w);
	return err ? err : bob_get_par(bo, par, nblocks);
}

static int bob_ranges(void *ctx, const struct casc_query *q, uint32_t nq,
		      uint8_t *par)
{
	struct bob_oracle *bo = ctx;
	struct wbuf w = { 0 };
	uint32_t i;
	int err;

	put_u32(&w, nq);
	for (i = 0; i < nq; i++) {
		put_u8(&w, q[i].pass);
		put_u32(&w, q[i].lo);
		put_u32(&w, q[i].hi);
	}
	err = send_w(bo->c, QKD_MSG_CASC_QUERY, &w);
	return err ? err : bob_get_par(bo, par, nq);
}

/* Cascade, then verify; extra passes while the hashes differ. */
static int bob_cascade(struct qkd_chan *c, const struct qkd_opts *o,
		       struct cascade *cs, bool *ok)
{
	struct bob_oracle bo = { .c = c, .o = o };
	struct casc_oracle orc = {
		.blocks = bob_blocks, .ranges = bob_ranges, .ctx = &bo,
	};
	int pass = CASC_PASSES, err;

	err = cascade_run(cs, 0, CASC_PASSES, &orc);
	while (!err) {
		uint64_t *seed = bits_alloc(cs->n + 63), ha, hb = 0;
		struct rbuf r;

		if (!seed)
			return -ENOMEM;
		err = chan_send(c, QKD_MSG_VERIFY_REQ, NULL, 0);
		if (!err)
			err = expect(c, o, QKD_MSG_VERIFY, &r);
		if (!err) {
			ha = get_u64(&r);
			get_bits(&r, seed, cs->n + 63);
			if (r.bad || r.off != r.n)
				err = -EPROTO;
			free((void *)r.b);
		}
		if (!err)
			err = toeplitz_hash(seed, cs->key, cs->n, &hb, 64);
		free(seed);
		if (err)
			break;
		cs->leak += 64;
		if (ha == hb) {
			*ok = true;
			break;
		}
		logf_(o, "qkd: keys differ after %d Cascade passes%s\n", pass,
		      pass < CASC_MAX_PASSES ? ", one more" : ", block dropped");
		if (pass == CASC_MAX_PASSES)
			break;
		err = cascade_run(cs, pass, pass + 1, &orc);
		pass++;
	}
	return err;
}

static int bob_block(struct qkd_chan *c, struct qkd_source *src,
		     const struct qkd_opts *o, struct qkd_stats *st,
		     struct qkd_pairs *pp, struct rbuf *sift)
{
	uint64_t *seq = NULL, *basis = NULL, *keep = NULL, *pa_seed = NULL;
	struct qkd_pair *sel = NULL;
	struct block b = { 0 };
	struct cascade cs = { 0 };
	struct wbuf w = { 0 };
	struct rbuf r = { 0 };
	uint32_t link_id, n;
	uint64_t prev = 0, upto = 0, seed;
	size_t i, unmatched = 0, m = 0;
	double idle_since = now_s();
	bool ok = false;
	int err = 0;

	/* 1. sifting */
	link_id = get_u32(sift);
	n = get_u32(sift);
	if (sift->bad || n > sift->n) {
		err = -EPROTO;
		goto out;
	}
	b.npairs = n;
	seq = malloc((n + 1) * sizeof(*seq));
	basis = bits_alloc(n);
	keep = bits_alloc(n);
	sel = malloc((n + 1) * sizeof(*sel));
	b.sifted = bits_alloc(n);
	if (!seq || !basis || !keep || !sel || !b.sifted) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		seq[i] = prev + get_varint(sift);
		if (i && seq[i] <= prev)
			sift->bad = true;
		prev = upto = seq[i];
	}
	get_bits(sift, basis, n);
	if (sift->bad || sift->off != sift->n) {
		err = -EPROTO;
		goto out;
	}
	/* our records of these pairs: all there, or none for a while */
	for (;;) {
		int got;

		got = src->drain(src, pp, upto);
		if (got < 0) {
			err = got;
			goto out;
		}
		if (got)
			idle_since = now_s();
		if (pp->n && pp->p[pp->n - 1].seq >= upto)
			break;
		if (src->fd < 0 ? !got :
		    now_s() - idle_since > BOB_SETTLE_MS / 1000.0)
			break;
		if (src->fd < 0)
			continue;
		{
			struct pollfd pfd = { .fd = src->fd, .events = POLLIN };

			poll(&pfd, 1, 100);
		}
	}
	pairs_sort(pp);
	b.ns = sift_bob(pp, link_id, seq, basis, n, keep, sel, &unmatched);
	st->pairs += n - unmatched;
	st->unmatched += unmatched;
	put_bits(&w, keep, n);
	err = send_w(c, QKD_MSG_KEEP, &w);
	if (err)
		goto out;
	for (i = 0; i < b.ns; i++) {
		bit_set(b.sifted, i, sifted_bit(&sel[i], true));
		block_theory(&b, &sel[i]);
	}
	/* keep only pairs newer than this block (none with in-order links) */
	{
		size_t j = 0;

		for (i = 0; i < pp->n; i++)
			if (pp->p[i].link_id != link_id || pp->p[i].seq > upto)
				pp->p[j++] = pp->p[i];
		pp->n = j;
	}
	if (b.ns < MIN_SIFTED)
		goto out;

	/* 2. QBER sample */
	err = expect(c, o, QKD_MSG_SAMPLE, &r);
	if (err)
		goto out;
	seed = get_u64(&r);
	if (get_u32(&r) != sample_size(b.ns) || r.bad) {
		err = -EPROTO;
		goto out;
	}
	err = block_split(&b, seed);
	if (err)
		goto out;
	{
		uint64_t *sa = bits_alloc(b.sample), *sb = bits_alloc(b.sample);

		if (!sa || !sb) {
			free(sa);
			free(sb);
			err = -ENOMEM;
			goto out;
		}
		get_bits(&r, sa, b.sample);
		bits_select(b.sifted, b.mask, b.ns, true, sb);
		b.sample_err = bits_count_diff(sa, sb, b.sample);
		free(sa);
		free(sb);
	}
	if (r.bad || r.off != r.n) {
		err = -EPROTO;
		goto out;
	}
	free((void *)r.b);
	r.b = NULL;
	put_u32(&w, b.sample_err);
	err = send_w(c, QKD_MSG_SAMPLE_RES, &w);
	if (!err)
		err = qber_check(o, &b);
	if (err)
		goto out;

	/* 3. Cascade, Bob drives */
	err = expect(c, o, QKD_MSG_CASC_START, &r);
	if (err)
		goto out;
	seed = get_u64(&r);
	{
		uint32_t k0 = get_u32(&r);

		if (r.bad || !k0 || k0 > b.nk) {
			err = -EPROTO;
			goto out;
		}
		free((void *)r.b);
		r.b = NULL;
		err = cascade_init(&cs, b.key, b.nk, k0, seed);
	}
	if (!err)
		err = bob_cascade(c, o, &cs, &ok);
	if (err)
		goto out;
	put_u8(&w, ok);
	put_u64(&w, cs.flips);
	err = send_w(c, QKD_MSG_CASC_DONE, &w);
	if (err)
		goto out;

	/* 4. privacy amplification */
	if (ok) {
		err = expect(c, o, QKD_MSG_PA, &r);
		if (err)
			goto out;
		m = get_u32(&r);
		if (r.bad || m != pa_length(b.nk, cs.flips, cs.leak)) {
			err = -EPROTO;
			goto out;
		}
		pa_seed = bits_alloc(b.nk + m);
		if (!pa_seed) {
			err = -ENOMEM;
			goto out;
		}
		if (m)
			get_bits(&r, pa_seed, b.nk + m - 1);
		if (r.bad || r.off != r.n) {
			err = -EPROTO;
			goto out;
		}
		if (m)
			err = block_amplify(o, st, &b, pa_seed, m);
	} else {
		st->blocks_failed++;
	}
	if (!err)
		block_done(o, st, &b, &cs, m, ok);
out:
	block_release(&b, &cs, &w, &r);
	free(seq);
	free(basis);
	free(keep);
	free(sel);
	free(pa_seed);
	return err;
}

int qkd_bob(struct qkd_chan *c, struct qkd_source *src,
	    const struct qkd_opts *bo, struct qkd_stats *st)
{
	struct qkd_opts ao = *bo, *o = &ao;	/* Alice's limits rule */
	struct qkd_pairs pp = { 0 };
	struct wbuf w = { 0 };
	double t0 = 0;
	struct rbuf r;
	uint32_t v, purpose;
	int err;

	memset(st, 0, sizeof(*st));
	err = bob_wait(c, src, &pp);
	if (!err)
		err = expect(c, o, QKD_MSG_HELLO, &r);
	if (err)
		return err;
	v = get_u32(&r);
	purpose = get_u32(&r);
	ao.key_bytes = get_u64(&r);
	ao.max_pairs = get_u64(&r);
	free((void *)r.b);
	if (r.bad || v != QKD_VERSION) {
		send_abort(c, "protocol version");
		return -EPROTO;
	}
	if (purpose != o->purpose) {
		logf_(o, "qkd: Alice serves purpose %u, this end %u\n",
		      purpose, o->purpose);
		send_abort(c, "purpose differs");
		return -EPROTO;
	}
	err = chan_send(c, QKD_MSG_READY, NULL, 0);
	t0 = now_s();
	while (!err) {
		uint8_t type, *p;
		size_t len;

		err = bob_wait(c, src, &pp);
		if (!err)
			err = chan_recv(c, &type, &p, &len);
		if (err)
			break;
		r = (struct rbuf){ .b = p, .n = len };
		if (type == QKD_MSG_SIFT) {
			err = bob_block(c, src, o, st, &pp, &r);
		} else if (type == QKD_MSG_END) {
			uint64_t alice_bits = get_u64(&r);

			st->seconds = now_s() - t0;
			put_u64(&w, st->key_bits);
			err = send_w(c, QKD_MSG_BYE, &w);
			if (!err && alice_bits != st->key_bits) {
				logf_(o, "qkd: Alice has %llu key bits, Bob %llu\n",
				      (unsigned long long)alice_bits,
				      (unsigned long long)st->key_bits);
				err = -EPROTO;
			}
			free(p);
			break;
		} else if (type == QKD_MSG_ABORT) {
			logf_(o, "qkd: the other end aborted: %.*s\n",
			      (int)len, p);
			err = -ECONNABORTED;
		} else {
			err = -EPROTO;
		}
		free(p);
	}
	pairs_free(&pp);
	return err;
}

void qkd_print_summary(FILE *f, const char *who, const struct qkd_stats *st)
{
	double q_s = st->sample_bits ?
		     (double)st->sample_errors / st->sample_bits : 0;
	uint64_t checked = st->sample_bits + st->corrected_bits;
	double q = checked ? (double)(st->sample_errors + st->ec_errors) /
			     checked : 0;
	double th = st->sifted ? st->theory_sum / st->sifted : 0;
	double sigma = st->sifted ? sqrt(st->theory_var) / st->sifted : 0;
	double z = sigma > 0 ? (q - th) / sigma : 0;

	fprintf(f, "%s: pairs %llu sifted %llu sifted-fraction %.4f unmatched %llu\n",
		who, (unsigned long long)st->pairs,
		(unsigned long long)st->sifted,
		st->pairs ? (double)st->sifted / st->pairs : 0,
		(unsigned long long)st->unmatched);
	fprintf(f, "%s: qber %.5f qber-sample %.5f qber-theory %.5f sigma %.5f z %.2f\n",
		who, q, q_s, th, sigma, z);
	fprintf(f, "%s: ec-bits %llu ec-errors %llu ec-leak %llu ec-efficiency %.3f ec-rounds %llu blocks %llu failed %llu\n",
		who, (unsigned long long)st->corrected_bits,
		(unsigned long long)st->ec_errors,
		(unsigned long long)st->ec_leak,
		st->ec_leak_ideal > 0 ? st->ec_leak / st->ec_leak_ideal : 0,
		(unsigned long long)st->ec_rounds,
		(unsigned long long)st->blocks,
		(unsigned long long)st->blocks_failed);
	fprintf(f, "%s: key-bits %llu time %.3fs key-rate %.1f bit/s pair-rate %.1f pairs/s key-per-pair %.4f\n",
		who, (unsigned long long)st->key_bits, st->seconds,
		st->seconds > 0 ? st->key_bits / st->seconds : 0,
		st->seconds > 0 ? st->pairs / st->seconds : 0,
		st->pairs ? (double)st->key_bits / st->pairs : 0);
	fflush(f);
}
