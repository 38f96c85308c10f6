// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the qkd example's classical post-processing
 * (tools/qkd/qkd_post.c, qkd_chan.c, qkd_proto.c, qkd_sim.c): HMAC-SHA256
 * against RFC 4231, the authenticated channel, Toeplitz hashing against
 * its definition, sifting, Cascade at QBER 1% .. 8%, and whole sessions
 * (Alice and Bob in two threads over a socketpair) on simulated pairs.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/qlink.h>

#include "kselftest_harness.h"
#include "qkd.h"

static struct qkd_rng trng;

static void rand_bits(uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < QKD_WORDS(n); i++)
		v[i] = rng_next(&trng);
	if (n % 64)
		v[n / 64] &= (1ULL << (n % 64)) - 1;
}

/* ---- HMAC-SHA256: RFC 4231 test cases 1, 2, 6 ---- */

static void hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

TEST(hmac_sha256_rfc4231)
{
	uint8_t k1[20], k6[131], md[32];
	char h[65];
	const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";

	memset(k1, 0x0b, sizeof(k1));
	memset(k6, 0xaa, sizeof(k6));
	ASSERT_EQ(0, hmac_sha256(k1, sizeof(k1), "Hi There", 8, md));
	hex(md, 32, h);
	EXPECT_STREQ("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", h);
	ASSERT_EQ(0, hmac_sha256((const uint8_t *)"Jefe", 4,
				 "what do ya want for nothing?", 28, md));
	hex(md, 32, h);
	EXPECT_STREQ("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", h);
	ASSERT_EQ(0, hmac_sha256(k6, sizeof(k6), d6, strlen(d6), md));
	hex(md, 32, h);
	EXPECT_STREQ("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", h);
}

/* ---- the channel ---- */

static ssize_t pump(int from, int to, uint8_t *buf, size_t size)
{
	ssize_t n = read(from, buf, size);

	if (n > 0 && write(to, buf, n) != n)
		return -1;
	return n;
}

TEST(chan_rejects_tamper_replay_reflection)
{
	static const uint8_t key[16] = "0123456789abcdef";
	struct qkd_chan a, b, a2;
	uint8_t frame[256], copy[256], type, *p;
	int wire[2], in[2];
	ssize_t n;
	size_t len;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, wire));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, in));
	chan_init(&a, wire[0], key, sizeof(key), true);
	chan_init(&b, in[1], key, sizeof(key), false);

	/* a good frame passes */
	ASSERT_EQ(0, chan_send(&a, QKD_MSG_HELLO, "hello", 5));
	n = read(wire[1], frame, sizeof(frame));
	ASSERT_EQ(16 + 5 + 32, n);
	memcpy(copy, frame, n);
	ASSERT_EQ(n, write(in[0], frame, n));
	ASSERT_EQ(0, chan_recv(&b, &type, &p, &len));
	EXPECT_EQ(QKD_MSG_HELLO, type);
	ASSERT_EQ(5, len);
	EXPECT_EQ(0, memcmp(p, "hello", 5));
	free(p);

	/* the same frame again: a replay */
	ASSERT_EQ(n, write(in[0], copy, n));
	EXPECT_EQ(-EPROTO, chan_recv(&b, &type, &p, &len));

	/* one payload bit flipped */
	b.rx_seq = 1;
	ASSERT_EQ(0, chan_send(&a, QKD_MSG_HELLO, "hello", 5));
	n = read(wire[1], frame, sizeof(frame));
	frame[17] ^= 4;
	ASSERT_EQ(n, write(in[0], frame, n));
	EXPECT_EQ(-EBADMSG, chan_recv(&b, &type, &p, &len));

	/* wrong key */
	chan_init(&a2, wire[0], (const uint8_t *)"another key 1234", 16, true);
	a2.tx_seq = 2;
	b.rx_seq = 2;
	ASSERT_EQ(0, chan_send(&a2, QKD_MSG_HELLO, "x", 1));
	ASSERT_LT(0, pump(wire[1], in[0], frame, sizeof(frame)));
	EXPECT_EQ(-EBADMSG, chan_recv(&b, &type, &p, &len));

	/* Bob's own frame reflected back to him */
	chan_init(&a2, wire[0], key, sizeof(key), false);
	a2.tx_seq = 2;
	ASSERT_EQ(0, chan_send(&a2, QKD_MSG_HELLO, "x", 1));
	ASSERT_LT(0, pump(wire[1], in[0], frame, sizeof(frame)));
	EXPECT_EQ(-EPROTO, chan_recv(&b, &type, &p, &len));
	close(wire[0]);
	close(wire[1]);
	close(in[0]);
	close(in[1]);
}

TEST(varint_roundtrip)
{
	uint64_t vals[] = { 0, 1, 127, 128, 300, 1ULL << 35, UINT64_MAX }, v;
	uint8_t buf[10];
	size_t i, n;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		n = varint_put(buf, vals[i]);
		ASSERT_EQ(n, varint_get(buf, n, &v));
		EXPECT_EQ(vals[i], v);
		EXPECT_EQ(0, varint_get(buf, n - 1, &v));
	}
}

/* ---- Toeplitz ---- */

static void toeplitz_naive(const uint64_t *s, const uint64_t *x, size_t n,
			   uint64_t *out, size_t m)
{
	size_t i, j;

	memset(out, 0, QKD_WORDS(m) * 8);
	for (i = 0; i < m; i++) {
		int b = 0;

		for (j = 0; j < n; j++)
			b ^= bit_get(s, i + n - 1 - j) & bit_get(x, j);
		bit_set(out, i, b);
	}
}

TEST(toeplitz_known_vector)
{
	/* T = [[s2 s1 s0], [s3 s2 s1]], s = 1,1,0,1, x = 1,0,1 */
	uint64_t s = 0xb, x = 0x5, out = 0xff;

	ASSERT_EQ(0, toeplitz_hash(&s, &x, 3, &out, 2));
	EXPECT_EQ(1, out);
	ASSERT_EQ(0, toeplitz_hash_generic(&s, &x, 3, &out, 2));
	EXPECT_EQ(1, out);
	/* the identity-like seed: s = e_{n-1} gives out_i = x_i */
	s = 1ULL << 7;
	x = 0xa5;
	ASSERT_EQ(0, toeplitz_hash(&s, &x, 8, &out, 8));
	EXPECT_EQ(0xa5, out);
}

TEST(toeplitz_matches_definition)
{
	static const size_t sizes[][2] = {
		{ 1, 1 }, { 64, 64 }, { 65, 63 }, { 127, 1 }, { 1, 130 },
		{ 200, 129 }, { 1000, 333 }, { 4097, 2049 }, { 640, 64 },
	};
	size_t t;

	rng_seed(&trng, 42);
	for (t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
		size_t n = sizes[t][0], m = sizes[t][1];
		uint64_t *s = bits_alloc(n + m), *x = bits_alloc(n);
		uint64_t *o1 = bits_alloc(m), *o2 = bits_alloc(m);
		uint64_t *o3 = bits_alloc(m);

		/* garbage above the seed's n + m - 1 bits must not matter */
		rand_bits(s, QKD_WORDS(n + m) * 64);
		rand_bits(x, n);
		toeplitz_naive(s, x, n, o1, m);
		ASSERT_EQ(0, toeplitz_hash(s, x, n, o2, m));
		ASSERT_EQ(0, toeplitz_hash_generic(s, x, n, o3, m));
		EXPECT_EQ(0, memcmp(o1, o2, QKD_WORDS(m) * 8))
			TH_LOG("n %zu m %zu", n, m);
		EXPECT_EQ(0, memcmp(o1, o3, QKD_WORDS(m) * 8))
			TH_LOG("generic: n %zu m %zu", n, m);
		free(s);
		free(x);
		free(o1);
		free(o2);
		free(o3);
	}
}

TEST(toeplitz_linear)
{
	size_t n = 100003, m = 30011, i;
	uint64_t *s = bits_alloc(n + m), *x = bits_alloc(n), *y = bits_alloc(n);
	uint64_t *xy = bits_alloc(n), *tx = bits_alloc(m), *ty = bits_alloc(m);
	uint64_t *txy = bits_alloc(m);

	rng_seed(&trng, 7);
	rand_bits(s, n + m - 1);
	rand_bits(x, n);
	rand_bits(y, n);
	for (i = 0; i < QKD_WORDS(n); i++)
		xy[i] = x[i] ^ y[i];
	ASSERT_EQ(0, toeplitz_hash(s, x, n, tx, m));
	ASSERT_EQ(0, toeplitz_hash(s, y, n, ty, m));
	ASSERT_EQ(0, toeplitz_hash(s, xy, n, txy, m));
	for (i = 0; i < QKD_WORDS(m); i++)
		ASSERT_EQ(tx[i] ^ ty[i], txy[i]);
	/* and it does not ignore its input: about half the bits differ */
	i = bits_count_diff(tx, ty, m);
	EXPECT_GT(i, m / 2 - 5 * sqrt(m) / 2);
	EXPECT_LT(i, m / 2 + 5 * sqrt(m) / 2);
	free(s);
	free(x);
	free(y);
	free(xy);
	free(tx);
	free(ty);
	free(txy);
}

/* ---- sifting ---- */

TEST(sift_matches_by_seq_and_basis)
{
	struct qkd_sim_params sp = {
		.seed = 3, .fidelity = 1000000, .miss = 0.02, .gap = 0.1,
	};
	struct qkd_pairs a = { 0 }, b = { 0 };
	struct qkd_pair pa, pb, *sel;
	size_t n = 50000, i, kept, unmatched, want = 0, want_miss = 0, k;
	uint64_t seq = 1, *seqs, *basis, *keep;
	struct qkd_rng r;

	rng_seed(&r, 11);
	while (a.n < n) {
		sim_pair(&sp, seq, &pa, &pb);
		if (!rng_chance(&r, sp.gap)) {
			pairs_push(&a, &pa);
			if (rng_chance(&r, sp.miss))
				want_miss++;
			else
				pairs_push(&b, &pb), want += pa.basis == pb.basis;
		}
		seq++;
	}
	/* Bob's records out of order and one twice: sorted, deduplicated */
	pairs_push(&b, &b.p[10]);
	pb = b.p[0];
	b.p[0] = b.p[1];
	b.p[1] = pb;
	ASSERT_EQ(1, pairs_sort(&b));
	ASSERT_EQ(0, pairs_sort(&a));

	seqs = malloc(n * sizeof(*seqs));
	sel = malloc(n * sizeof(*sel));
	basis = bits_alloc(n);
	keep = bits_alloc(n);
	for (i = 0; i < n; i++) {
		seqs[i] = a.p[i].seq;
		bit_set(basis, i, a.p[i].basis == QLINK_BASIS_X);
	}
	kept = sift_bob(&b, 1, seqs, basis, n, keep, sel, &unmatched);
	EXPECT_EQ(want, kept);
	EXPECT_EQ(want_miss, unmatched);
	/* about half of the pairs are sifted */
	EXPECT_GT(kept, (n - unmatched) / 2 - 4 * sqrt(n));
	EXPECT_LT(kept, (n - unmatched) / 2 + 4 * sqrt(n));
	/* F = 1: after Bob's Bell correction the sifted bits agree */
	for (i = 0, k = 0; i < n; i++) {
		if (!bit_get(keep, i))
			continue;
		ASSERT_EQ(a.p[i].seq, sel[k].seq);
		ASSERT_EQ(a.p[i].basis, sel[k].basis);
		ASSERT_EQ(sifted_bit(&a.p[i], false), sifted_bit(&sel[k], true));
		k++;
	}
	/* another link's id matches nothing */
	EXPECT_EQ(0, sift_bob(&b, 2, seqs, basis, n, keep, sel, &unmatched));
	EXPECT_EQ(n, unmatched);
	free(seqs);
	free(sel);
	free(basis);
	free(keep);
	pairs_free(&a);
	pairs_free(&b);
}

TEST(bell_correction_table)
{
	struct qkd_pair p = { .outcome = 1 };

	/* qcore's bases are the uapi's */
	EXPECT_EQ(QLINK_BASIS_Z, QCORE_BASIS_Z);
	EXPECT_EQ(QLINK_BASIS_X, QCORE_BASIS_X);
	EXPECT_EQ(QLINK_BASIS_Y, QCORE_BASIS_Y);
	/* Z: Phi agree, Psi disagree; X: Phi+ and Psi+ agree */
	for (p.bell = 0; p.bell < 4; p.bell++) {
		p.basis = QLINK_BASIS_Z;
		EXPECT_EQ(1, sifted_bit(&p, false));
		EXPECT_EQ(p.bell < 2, sifted_bit(&p, true));
		p.basis = QLINK_BASIS_X;
		EXPECT_EQ(!(p.bell & 1), sifted_bit(&p, true));
	}
}

TEST(sample_pick_exact_and_shared)
{
	size_t n = 100000, k = sample_size(n), i, cnt = 0;
	uint64_t *m1 = bits_alloc(n), *m2 = bits_alloc(n);

	EXPECT_EQ(10000, k);
	EXPECT_EQ(2000, sample_size(5000));
	EXPECT_EQ(1500, sample_size(3000));
	sample_pick(99, n, k, m1);
	sample_pick(99, n, k, m2);
	EXPECT_EQ(0, memcmp(m1, m2, QKD_WORDS(n) * 8));
	for (i = 0; i < n; i++)
		cnt += bit_get(m1, i);
	EXPECT_EQ(k, cnt);
	free(m1);
	free(m2);
}

/* ---- Cascade ---- */

struct local_oracle {
	struct cascade *alice;
};

static int lo_blocks(void *ctx, int pass, uint8_t *par, uint32_t nb)
{
	struct local_oracle *lo = ctx;

	if (cascade_pass_build(lo->alice, pass) ||
	    nb != cascade_nblocks(lo->alice, pass))
		return -EINVAL;
	return cascade_block_parities(lo->alice, pass, par);
}

static int lo_ranges(void *ctx, const struct casc_query *q, uint32_t nq,
		     uint8_t *par)
{
	struct local_oracle *lo = ctx;
	uint32_t i;

	for (i = 0; i < nq; i++) {
		int v = cascade_range_parity(lo->alice, q[i].pass, q[i].lo,
					     q[i].hi);

		if (v < 0)
			return v;
		par[i] = v;
	}
	return 0;
}

/*
 * Bob's copy of a random n-bit key with exactly e errors, corrected by
 * Cascade with k0 from the true error rate. Returns the residual errors
 * after the 4 classic passes; *leak the parity bits disclosed.
 */
static size_t cascade_trial(size_t n, size_t e, uint64_t seed, uint64_t *leak,
			    uint64_t *flips)
{
	uint64_t *ka = bits_alloc(n), *kb = bits_alloc(n);
	struct cascade ca, cb;
	struct local_oracle lo = { .alice = &ca };
	struct casc_oracle o = {
		.blocks = lo_blocks, .ranges = lo_ranges, .ctx = &lo,
	};
	uint32_t k0 = cascade_k0((double)e / n, n);
	size_t i, res;

	rng_seed(&trng, seed);
	rand_bits(ka, n);
	memcpy(kb, ka, QKD_WORDS(n) * 8);
	for (i = 0; i < e;) {
		size_t p = rng_below(&trng, n);

		if (bit_get(ka, p) != bit_get(kb, p))
			continue;
		bit_flip(kb, p);
		i++;
	}
	cascade_init(&ca, ka, n, k0, seed * 31);
	cascade_init(&cb, kb, n, k0, seed * 31);
	if (cascade_run(&cb, 0, CASC_PASSES, &o))
		res = n;
	else
		res = bits_count_diff(ka, kb, n);
	*leak = cb.leak;
	*flips = cb.flips;
	if (ca.leak != cb.leak)
		res = n;	/* both ends must count the same disclosure */
	cascade_free(&ca);
	cascade_free(&cb);
	free(ka);
	free(kb);
	return res;
}

TEST(cascade_corrects_1_to_8_percent)
{
	size_t n = 65536, pct, t;

	for (pct = 1; pct <= 8; pct++) {
		double q = pct / 100.0, worst = 0;

		for (t = 0; t < 6; t++) {
			size_t e = (size_t)(q * n);
			uint64_t leak, flips;
			size_t res = cascade_trial(n, e, 1000 * pct + t, &leak,
						   &flips);
			double ratio = leak / (n * binary_entropy(q));

			ASSERT_EQ(0, res) TH_LOG("q %.2f trial %zu", q, t);
			ASSERT_EQ(e, flips);
			/* never below Shannon, within 1.35 of it */
			EXPECT_GT(ratio, 1.0);
			EXPECT_LT(ratio, 1.35) TH_LOG("q %.2f leak ratio %.3f",
						      q, ratio);
			if (ratio > worst)
				worst = ratio;
		}
		TH_LOG("QBER %zu%%: leak / n h(q) at most %.3f", pct, worst);
	}
}

TEST(cascade_no_errors_and_tiny_keys)
{
	uint64_t leak, flips;

	EXPECT_EQ(0, cascade_trial(65536, 0, 5, &leak, &flips));
	EXPECT_EQ(0, flips);
	EXPECT_EQ(0, cascade_trial(5, 1, 6, &leak, &flips));
	EXPECT_EQ(0, cascade_trial(100, 3, 7, &leak, &flips));
}

TEST(pa_length_shrinks_with_errors)
{
	size_t n = 1000000;

	/* 12.5% with Cascade's leak: nothing left */
	EXPECT_EQ(0, pa_length(n, n / 8, 1.15 * n * binary_entropy(0.125)));
	/* 11%: little */
	EXPECT_LT(pa_length(n, n * 11 / 100, 1.15 * n * binary_entropy(0.11)),
		  n / 50);
	EXPECT_GT(pa_length(n, n / 100, 0), pa_length(n, n / 50, 0));
	EXPECT_GT(pa_length(n, n / 100, 0), pa_length(n, n / 100, 100000));
	EXPECT_EQ(0, pa_length(n, 0, 0) % 64);
	EXPECT_LT(pa_length(n, 0, 0), n);
	EXPECT_EQ(0, pa_length(100, 0, 0));
}

/* ---- whole sessions over a socketpair ---- */

struct end {
	struct qkd_chan c;
	struct qkd_source *src;
	struct qkd_opts o;
	struct qkd_stats st;
	char *buf;
	size_t len;
	int err;
	bool alice;
};

static void *end_thread(void *arg)
{
	struct end *e = arg;

	e->err = e->alice ? qkd_alice(&e->c, e->src, &e->o, &e->st) :
			    qkd_bob(&e->c, e->src, &e->o, &e->st);
	if (e->err)
		shutdown(e->c.fd, SHUT_RDWR);
	return NULL;
}

static void session(struct end *e, const struct qkd_sim_params *sp,
		    uint64_t pairs, uint64_t bytes, uint32_t block,
		    const uint8_t *kb)
{
	static const uint8_t ka[32] = "the pre-shared key, 32 bytes...";
	pthread_t th[2];
	int sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	for (i = 0; i < 2; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].alice = !i;
		e[i].src = sim_source_new(sp, !i);
		e[i].o.purpose = 7;
		e[i].o.max_pairs = pairs;
		e[i].o.key_bytes = bytes;
		e[i].o.block = block;
		e[i].o.max_qber = 0.11;
		e[i].o.out = open_memstream(&e[i].buf, &e[i].len);
		e[i].o.quiet_blocks = true;
		chan_init(&e[i].c, sv[i], i && kb ? kb : ka, 32, !i);
		pthread_create(&th[i], NULL, end_thread, &e[i]);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		fclose(e[i].o.out);
		e[i].src->close(e[i].src);
		close(sv[i]);
	}
}

static void end_free(struct end *e)
{
	free(e[0].buf);
	free(e[1].buf);
}

TEST(session_same_key_qber_near_theory)
{
	struct qkd_sim_params sp = {
		.seed = 77, .fidelity = 970000, .miss = 0.01, .gap = 0.05,
	};
	struct end e[2];
	double q, th, sigma;
	size_t n;

	session(e, &sp, 600000, 0, 200000, NULL);
	ASSERT_EQ(0, e[0].err);
	ASSERT_EQ(0, e[1].err);
	ASSERT_EQ(e[0].len, e[1].len);
	ASSERT_GT(e[0].len, 10000);
	EXPECT_EQ(0, memcmp(e[0].buf, e[1].buf, e[0].len));
	EXPECT_EQ(e[0].st.key_bits, e[0].len * 8);
	EXPECT_EQ(3, e[0].st.blocks);
	/* both ends agree on every figure of the post-processing */
	EXPECT_EQ(e[0].st.sifted, e[1].st.sifted);
	EXPECT_EQ(e[0].st.ec_errors, e[1].st.ec_errors);
	EXPECT_EQ(e[0].st.ec_leak, e[1].st.ec_leak);
	/* Bob missed ~1% of the pairs; half of the rest are sifted */
	EXPECT_GT(e[1].st.unmatched, 600000 / 100 - 500);
	EXPECT_LT(e[1].st.unmatched, 600000 / 100 + 500);
	n = e[0].st.sifted;
	EXPECT_GT(n, (600000 - e[1].st.unmatched) / 2 - 2000);
	EXPECT_LT(n, (600000 - e[1].st.unmatched) / 2 + 2000);
	/* QBER over the sample and the corrected bits vs (1 - F) 2/3 */
	q = (double)(e[0].st.sample_errors + e[0].st.ec_errors) / n;
	th = e[0].st.theory_sum / n;
	sigma = sqrt(e[0].st.theory_var) / n;
	EXPECT_LT(fabs(th - 0.02), 1e-9);
	EXPECT_LT(fabs(q - th), 3 * sigma)
		TH_LOG("qber %.5f theory %.5f sigma %.5f", q, th, sigma);
	EXPECT_LT(e[0].st.ec_leak, 1.3 * e[0].st.ec_leak_ideal);
	end_free(e);
}

TEST(session_key_bytes_exact)
{
	struct qkd_sim_params sp = { .seed = 78, .fidelity = 990000 };
	struct end e[2];

	session(e, &sp, 0, 5000, 65536, NULL);
	ASSERT_EQ(0, e[0].err);
	ASSERT_EQ(0, e[1].err);
	ASSERT_EQ(5000, e[0].len);
	ASSERT_EQ(5000, e[1].len);
	EXPECT_EQ(0, memcmp(e[0].buf, e[1].buf, 5000));
	end_free(e);
}

TEST(session_aborts_above_11_percent)
{
	/* F = 0.8: QBER 13.3% */
	struct qkd_sim_params sp = { .seed = 79, .fidelity = 800000 };
	struct end e[2];

	session(e, &sp, 100000, 0, 100000, NULL);
	EXPECT_EQ(-EKEYREJECTED, e[0].err);
	EXPECT_EQ(-EKEYREJECTED, e[1].err);
	EXPECT_EQ(0, e[0].len);
	EXPECT_EQ(0, e[1].len);
	end_free(e);
}

TEST(session_wrong_psk_fails)
{
	static const uint8_t other[32] = "not the key Alice has, 32 bytes";
	struct qkd_sim_params sp = { .seed = 80, .fidelity = 970000 };
	struct end e[2];

	session(e, &sp, 100000, 0, 100000, other);
	EXPECT_NE(0, e[0].err);
	EXPECT_EQ(-EBADMSG, e[1].err);
	EXPECT_EQ(0, e[0].len);
	EXPECT_EQ(0, e[1].len);
	end_free(e);
}

TEST_HARNESS_MAIN
