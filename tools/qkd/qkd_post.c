// SPDX-License-Identifier: GPL-2.0
/*
 * Classical post-processing of BBM92: bit vectors, a PRNG for the choices
 * both ends must make alike, sifting, sampling, Cascade error correction
 * and Toeplitz hashing (privacy amplification and key verification).
 * Nothing here does I/O; Cascade talks to the other end through an
 * oracle (struct casc_oracle) so that it runs the same on a socket and
 * in a unit test.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "qkd.h"

uint64_t *bits_alloc(size_t nbits)
{
	return calloc(QKD_WORDS(nbits) + 1, sizeof(uint64_t));
}

size_t bits_count_diff(const uint64_t *a, const uint64_t *b, size_t nbits)
{
	size_t i, d = 0, nw = nbits / 64;

	for (i = 0; i < nw; i++)
		d += __builtin_popcountll(a[i] ^ b[i]);
	for (i = nw * 64; i < nbits; i++)
		d += bit_get(a, i) != bit_get(b, i);
	return d;
}

/* ---- PRNG ---- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct qkd_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct qkd_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint64_t rng_below(struct qkd_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

bool rng_chance(struct qkd_rng *r, double p)
{
	return (rng_next(r) >> 11) * 0x1.0p-53 < p;
}

int qkd_random(void *buf, size_t len)
{
	uint8_t *b = buf;

	while (len) {
		ssize_t got = getrandom(b, len, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += got;
		len -= got;
	}
	return 0;
}

double binary_entropy(double q)
{
	if (q <= 0 || q >= 1)
		return 0;
	return -q * log2(q) - (1 - q) * log2(1 - q);
}

/* ---- pairs and sifting ---- */

int pairs_push(struct qkd_pairs *pp, const struct qkd_pair *p)
{
	if (pp->n == pp->cap) {
		size_t cap = pp->cap ? pp->cap * 2 : 4096;
		struct qkd_pair *np = realloc(pp->p, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		pp->p = np;
		pp->cap = cap;
	}
	pp->p[pp->n++] = *p;
	return 0;
}

void pairs_free(struct qkd_pairs *pp)
{
	free(pp->p);
	memset(pp, 0, sizeof(*pp));
}

static int pair_cmp(const void *a, const void *b)
{
	const struct qkd_pair *x = a, *y = b;

	if (x->link_id != y->link_id)
		return x->link_id < y->link_id ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

size_t pairs_sort(struct qkd_pairs *pp)
{
	size_t i, j = 0, sorted = 1;

	for (i = 1; i < pp->n && sorted; i++)
		sorted = pair_cmp(&pp->p[i - 1], &pp->p[i]) < 0;
	if (!sorted)
		qsort(pp->p, pp->n, sizeof(*pp->p), pair_cmp);
	for (i = 0; i < pp->n; i++)
		if (!j || pair_cmp(&pp->p[j - 1], &pp->p[i]))
			pp->p[j++] = pp->p[i];
	i = pp->n - j;
	pp->n = j;
	return i;
}

size_t sift_bob(const struct qkd_pairs *bob, uint32_t link_id,
		const uint64_t *seq, const uint64_t *basis, size_t n,
		uint64_t *keep, struct qkd_pair *bob_sel, size_t *unmatched)
{
	size_t i, j = 0, kept = 0, miss = 0;

	memset(keep, 0, QKD_WORDS(n) * sizeof(uint64_t));
	for (i = 0; i < n; i++) {
		const struct qkd_pair *b = NULL;

		while (j < bob->n && (bob->p[j].link_id < link_id ||
				      (bob->p[j].link_id == link_id &&
				       bob->p[j].seq < seq[i])))
			j++;
		if (j < bob->n && bob->p[j].link_id == link_id &&
		    bob->p[j].seq == seq[i])
			b = &bob->p[j];
		if (!b) {
			miss++;
			continue;
		}
		if (b->basis != bit_get(basis, i))
			continue;
		bit_set(keep, i, 1);
		bob_sel[kept++] = *b;
	}
	if (unmatched)
		*unmatched = miss;
	return kept;
}

/* Floyd's algorithm: k distinct positions of [0, n) in O(k). */
void sample_pick(uint64_t seed, size_t n, size_t k, uint64_t *mask)
{
	struct qkd_rng r;
	size_t j;

	memset(mask, 0, QKD_WORDS(n) * sizeof(uint64_t));
	if (k > n)
		k = n;
	rng_seed(&r, seed);
	for (j = n - k; j < n; j++) {
		size_t t = rng_below(&r, j + 1);

		bit_set(mask, bit_get(mask, t) ? j : t, 1);
	}
}

size_t bits_select(const uint64_t *src, const uint64_t *mask, size_t n,
		   bool in, uint64_t *dst)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (bit_get(mask, i) == in)
			bit_set(dst, k++, bit_get(src, i));
	return k;
}

size_t sample_size(size_t n)
{
	size_t k = n / 10;

	if (k < 2000)
		k = 2000;
	if (k > n / 2)
		k = n / 2;
	return k;
}

/* ---- varints (LEB128) ---- */

size_t varint_put(uint8_t *buf, uint64_t v)
{
	size_t i = 0;

	while (v >= 0x80) {
		buf[i++] = (uint8_t)v | 0x80;
		v >>= 7;
	}
	buf[i++] = (uint8_t)v;
	return i;
}

size_t varint_get(const uint8_t *buf, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < len && i < 10; i++) {
		x |= (uint64_t)(buf[i] & 0x7f) << (7 * i);
		if (!(buf[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

/* ---- Toeplitz hashing ---- */

/*
 * Column j of T is the seed from bit n - 1 - j on, so T x is the XOR of
 * the seed shifted right by n - 1 - j over the set bits j of x. Shifts
 * are grouped by their value mod 64: for each r the seed is shifted by r
 * once, and then every column with that r is a word-aligned run of it,
 * XORed in whole words (which the compiler vectorises).
 */
int toeplitz_hash_generic(const uint64_t *seed, const uint64_t *x, size_t n,
			  uint64_t *out, size_t m)
{
	size_t sw = QKD_WORDS(n + m - 1), mw = QKD_WORDS(m), w, off;
	uint64_t *sh;
	unsigned int r;

	memset(out, 0, mw * sizeof(uint64_t));
	if (!n || !m)
		return 0;
	sh = malloc((sw + 1) * sizeof(uint64_t));
	if (!sh)
		return -ENOMEM;
	for (r = 0; r < 64 && r < n; r++) {
		for (w = 0; w < sw; w++) {
			uint64_t hi = w + 1 < sw ? seed[w + 1] : 0;

			sh[w] = r ? seed[w] >> r | hi << (64 - r) : seed[w];
		}
		for (off = r; off < n; off += 64) {
			const uint64_t *col = sh + off / 64;

			if (!bit_get(x, n - 1 - off))
				continue;
			for (w = 0; w < mw; w++)
				out[w] ^= col[w];
		}
	}
	if (m % 64)
		out[mw - 1] &= (1ULL << (m % 64)) - 1;
	free(sh);
	return 0;
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * The same with carry-less multiplication: bit t of the GF(2)[z] product
 * seed(z) x(z) is the XOR of seed[t - j] x[j], so T x is bits n - 1 ..
 * n + m - 2 of that product. Only the product words holding them are
 * computed, one PCLMULQDQ per (seed word, key word) pair: about
 * (n / 64) (m / 64) multiplications instead of (n / 2) (m / 64) XORs.
 */
__attribute__((target("pclmul,sse4.1")))
static int toeplitz_hash_clmul(const uint64_t *seed, const uint64_t *x,
			       size_t n, uint64_t *out, size_t m)
{
	size_t sw = QKD_WORDS(n + m - 1), xw = QKD_WORDS(n), mw = QKD_WORDS(m);
	size_t t0 = (n - 1) / 64, r = (n - 1) % 64, b, w;
	uint64_t *p, xlast;

	/* p[k] is product word t0 - 1 + k, k in [0, mw + 3) */
	p = calloc(mw + 3, sizeof(uint64_t));
	if (!p)
		return -ENOMEM;
	xlast = n % 64 ? x[xw - 1] & ((1ULL << (n % 64)) - 1) : x[xw - 1];
	for (b = 0; b < xw; b++) {
		uint64_t xv = b == xw - 1 ? xlast : x[b];
		__m128i xb = _mm_set_epi64x(0, (long long)xv);
		size_t a, lo, hi;

		if (!xv)
			continue;
		/* a + b in [t0 - 1, t0 + mw] */
		lo = t0 >= b + 1 ? t0 - 1 - b : 0;
		hi = t0 + mw - b;
		if (hi > sw - 1)
			hi = sw - 1;
		for (a = lo; a <= hi && a < sw; a++) {
			__m128i pr = _mm_clmulepi64_si128(
				_mm_set_epi64x(0, (long long)seed[a]), xb, 0);
			size_t k = a + b + 1 - t0;

			p[k] ^= (uint64_t)_mm_cvtsi128_si64(pr);
			p[k + 1] ^= (uint64_t)_mm_extract_epi64(pr, 1);
		}
	}
	/* out word w: product bits from 64 (t0 + w) + r on */
	for (w = 0; w < mw; w++)
		out[w] = r ? p[w + 1] >> r | p[w + 2] << (64 - r) : p[w + 1];
	if (m % 64)
		out[mw - 1] &= (1ULL << (m % 64)) - 1;
	free(p);
	return 0;
}
#endif

int toeplitz_hash(const uint64_t *seed, const uint64_t *x, size_t n,
		  uint64_t *out, size_t m)
{
#if defined(__x86_64__)
	if (n && m && __builtin_cpu_supports("pclmul") &&
	    __builtin_cpu_supports("sse4.1"))
		return toeplitz_hash_clmul(seed, x, n, out, m);
#endif
	return toeplitz_hash_generic(seed, x, n, out, m);
}

/* ---- Cascade ---- */

uint32_t cascade_k0(double qber, uint32_t n)
{
	double k = 0.73 / (qber > 0.001 ? qber : 0.001);

	if (k > n)
		k = n;
	return k < 4 ? 4 : (uint32_t)k;
}

int cascade_init(struct cascade *c, uint64_t *key, uint32_t n, uint32_t k0,
		 uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	if (!n || !k0)
		return -EINVAL;
	c->key = key;
	c->n = n;
	c->k0 = k0;
	c->seed = seed;
	return cascade_pass_build(c, 0);
}

void cascade_free(struct cascade *c)
{
	int p;

	for (p = 0; p < CASC_MAX_PASSES; p++) {
		free(c->perm[p]);
		free(c->inv[p]);
		free(c->apar[p]);
		free(c->bpar[p]);
	}
	memset(c, 0, sizeof(*c));
}

int cascade_pass_build(struct cascade *c, int pass)
{
	if (pass >= CASC_MAX_PASSES)
		return -ERANGE;
	while (c->npasses <= pass) {
		int p = c->npasses;
		uint64_t k = (uint64_t)c->k0 << p;
		struct qkd_rng r;
		uint32_t i;

		if (p && k > c->n / 2)
			k = c->n / 2 > c->k0 ? c->n / 2 : c->k0;
		c->k[p] = k ? k : 1;
		if (p) {
			c->perm[p] = malloc(c->n * sizeof(uint32_t));
			c->inv[p] = malloc(c->n * sizeof(uint32_t));
			if (!c->perm[p] || !c->inv[p])
				return -ENOMEM;
			rng_seed(&r, c->seed ^ (0x51ed27075a3c2d1fULL * p));
			for (i = 0; i < c->n; i++)
				c->perm[p][i] = i;
			for (i = c->n - 1; i > 0; i--) {
				uint32_t j = rng_below(&r, i + 1u), t;

				t = c->perm[p][i];
				c->perm[p][i] = c->perm[p][j];
				c->perm[p][j] = t;
			}
			for (i = 0; i < c->n; i++)
				c->inv[p][c->perm[p][i]] = i;
		}
		c->npasses++;
	}
	return 0;
}

static inline uint32_t casc_pos(const struct cascade *c, int p, uint32_t i)
{
	return c->perm[p] ? c->perm[p][i] : i;
}

static inline uint32_t casc_block_of(const struct cascade *c, int p,
				     uint32_t pos)
{
	return (c->inv[p] ? c->inv[p][pos] : pos) / c->k[p];
}

static int casc_parity(const struct cascade *c, int p, uint32_t lo,
		       uint32_t hi)
{
	uint64_t acc = 0;
	uint32_t i;

	if (!c->perm[p]) {
		for (i = lo; i < hi && i % 64; i++)
			acc ^= bit_get(c->key, i);
		for (; i + 64 <= hi; i += 64)
			acc ^= c->key[i / 64];
		for (; i < hi; i++)
			acc ^= bit_get(c->key, i);
		return __builtin_parityll(acc);
	}
	for (i = lo; i < hi; i++)
		acc ^= bit_get(c->key, c->perm[p][i]);
	return acc & 1;
}

int cascade_block_parities(struct cascade *c, int pass, uint8_t *par)
{
	uint32_t nb, b, j;
	int err;

	err = cascade_pass_build(c, pass);
	if (err)
		return err;
	nb = cascade_nblocks(c, pass);
	memset(par, 0, nb);
	if (!c->perm[pass]) {
		for (b = 0; b < nb; b++) {
			uint32_t hi = (b + 1) * c->k[pass];

			par[b] = casc_parity(c, pass, b * c->k[pass],
					     hi < c->n ? hi : c->n);
		}
	} else {
		for (j = 0; j < c->n; j++)
			par[c->inv[pass][j] / c->k[pass]] ^= bit_get(c->key, j);
	}
	c->leak += nb;
	return 0;
}

int cascade_range_parity(struct cascade *c, int pass, uint32_t lo,
			 uint32_t hi)
{
	int err = cascade_pass_build(c, pass);

	if (err)
		return err;
	if (lo >= hi || hi > c->n)
		return -EINVAL;
	c->leak++;
	return casc_parity(c, pass, lo, hi);
}

struct casc_search {
	uint8_t pass;
	uint8_t apar;		/* Alice's parity of [lo, hi) */
	uint32_t block, lo, hi;
};

/*
 * Resolve every odd block of passes [0, last]: one round asks Alice for
 * the left halves of all searches, then the searches that are down to
 * one bit flip it; a flip changes the parity of one block in every pass,
 * which may reopen blocks there (the cascade), picked up next round.
 */
static int casc_resolve(struct cascade *c, int last,
			const struct casc_oracle *o)
{
	uint8_t *busy[CASC_MAX_PASSES] = { NULL };
	struct casc_search *s = NULL;
	struct casc_query *q = NULL;
	uint8_t *ans = NULL;
	size_t ns = 0, cap = 0, i, j;
	int p, err = 0;

	for (p = 0; p <= last; p++) {
		busy[p] = calloc(cascade_nblocks(c, p), 1);
		if (!busy[p]) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (;;) {
		uint32_t nq = 0, flipped = 0;

		/* open searches for odd blocks */
		for (p = 0; p <= last; p++) {
			uint32_t b, nb = cascade_nblocks(c, p);

			for (b = 0; b < nb; b++) {
				uint32_t lo = b * c->k[p];

				if (c->apar[p][b] == c->bpar[p][b] || busy[p][b])
					continue;
				if (ns == cap) {
					void *n1, *n2, *n3;

					cap = cap ? 2 * cap : 1024;
					n1 = realloc(s, cap * sizeof(*s));
					if (n1)
						s = n1;
					n2 = realloc(q, cap * sizeof(*q));
					if (n2)
						q = n2;
					n3 = realloc(ans, cap);
					if (n3)
						ans = n3;
					if (!n1 || !n2 || !n3) {
						err = -ENOMEM;
						goto out;
					}
				}
				busy[p][b] = 1;
				s[ns].pass = p;
				s[ns].block = b;
				s[ns].lo = lo;
				s[ns].hi = lo + c->k[p] < c->n ? lo + c->k[p]
							       : c->n;
				s[ns].apar = c->apar[p][b];
				ns++;
			}
		}
		if (!ns)
			break;

		/* one round: the left half of every search longer than 1 */
		for (i = 0; i < ns; i++) {
			if (s[i].hi - s[i].lo < 2)
				continue;
			q[nq].pass = s[i].pass;
			q[nq].lo = s[i].lo;
			q[nq].hi = s[i].lo + (s[i].hi - s[i].lo) / 2;
			nq++;
		}
		if (nq) {
			err = o->ranges(o->ctx, q, nq, ans);
			if (err)
				goto out;
			c->leak += nq;
			c->rounds++;
			for (i = 0, j = 0; i < ns; i++) {
				uint32_t mid;
				int bl;

				if (s[i].hi - s[i].lo < 2)
					continue;
				mid = q[j].hi;
				bl = casc_parity(c, s[i].pass, s[i].lo, mid);
				if (bl != ans[j]) {
					s[i].hi = mid;
					s[i].apar = ans[j];
				} else {
					s[i].lo = mid;
					s[i].apar ^= ans[j];
				}
				j++;
			}
		}

		/* searches down to one bit: flip it if it still differs */
		for (i = 0, j = 0; i < ns; i++) {
			uint32_t pos;

			if (s[i].hi - s[i].lo > 1) {
				s[j++] = s[i];
				continue;
			}
			busy[s[i].pass][s[i].block] = 0;
			pos = casc_pos(c, s[i].pass, s[i].lo);
			if (bit_get(c->key, pos) == s[i].apar)
				continue;
			bit_flip(c->key, pos);
			c->flips++;
			flipped++;
			for (p = 0; p <= last; p++)
				c->bpar[p][casc_block_of(c, p, pos)] ^= 1;
		}
		ns = j;

		/* a flip inside another search's range may have settled it */
		if (flipped) {
			for (i = 0, j = 0; i < ns; i++) {
				if (casc_parity(c, s[i].pass, s[i].lo,
						s[i].hi) == s[i].apar) {
					busy[s[i].pass][s[i].block] = 0;
					continue;
				}
				s[j++] = s[i];
			}
			ns = j;
		}
	}
out:
	for (p = 0; p <= last; p++)
		free(busy[p]);
	free(s);
	free(q);
	free(ans);
	return err;
}

int cascade_run(struct cascade *c, int from, int to,
		const struct casc_oracle *o)
{
	int p, err;

	if (from < 0 || to > CASC_MAX_PASSES || from > c->npasses)
		return -EINVAL;
	err = cascade_pass_build(c, to - 1);
	if (err)
		return err;
	for (p = from; p < to; p++) {
		uint32_t b, nb = cascade_nblocks(c, p);

		free(c->apar[p]);
		free(c->bpar[p]);
		c->apar[p] = malloc(nb);
		c->bpar[p] = malloc(nb);
		if (!c->apar[p] || !c->bpar[p])
			return -ENOMEM;
		err = o->blocks(o->ctx, p, c->apar[p], nb);
		if (err)
			return err;
		c->leak += nb;
		c->rounds++;
		for (b = 0; b < nb; b++) {
			uint32_t lo = b * c->k[p], hi = lo + c->k[p];

			c->bpar[p][b] = casc_parity(c, p, lo,
						    hi < c->n ? hi : c->n);
		}
		err = casc_resolve(c, p, o);
		if (err)
			return err;
	}
	return 0;
}

size_t pa_length(size_t n, size_t errors, uint64_t leak)
{
	double qu, m;

	if (!n)
		return 0;
	/* errors found, plus three standard deviations (at least 3) */
	qu = (errors + 3 * sqrt((double)errors + 1)) / n;
	if (qu > 0.5)
		qu = 0.5;
	m = n * (1 - binary_entropy(qu)) - (double)leak - 128 - n / 100.0;
	if (m < 64)
		return 0;
	return (size_t)m / 64 * 64;
}
