/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qkd: BBM92 quantum key distribution over an AF_QLINK link.
 *
 * The pieces, each in its own file:
 *  qkd_post.c   bit vectors, PRNG, sifting, sampling, Cascade, Toeplitz
 *               hashing: pure functions, unit tested on the host
 *  qkd_chan.c   the classical channel: length-prefixed frames over a
 *               stream socket, HMAC-SHA256 with a pre-shared key and
 *               sequence numbers against replay and reordering
 *  qkd_proto.c  the two roles (Alice, Bob) of one session: pairs, sifting,
 *               QBER estimate, error correction, privacy amplification
 *  qkd_sim.c    a simulated pair source (no kernel needed)
 *  qkd_link.c   the real pair source: an AF_QLINK socket (libqlink)
 *  qkd.c        command line
 */
#ifndef _QKD_H
#define _QKD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bell correlations and Werner errors, as the kernel measures them */
#include "../../kernel/qcore/bell.h"

/* ---- bit vectors: bit i is bit (i % 64) of word i / 64 ---- */

#define QKD_WORDS(nbits)	(((size_t)(nbits) + 63) / 64)

static inline int bit_get(const uint64_t *v, size_t i)
{
	return (v[i / 64] >> (i % 64)) & 1;
}

static inline void bit_set(uint64_t *v, size_t i, int b)
{
	uint64_t m = 1ULL << (i % 64);

	if (b)
		v[i / 64] |= m;
	else
		v[i / 64] &= ~m;
}

static inline void bit_flip(uint64_t *v, size_t i)
{
	v[i / 64] ^= 1ULL << (i % 64);
}

uint64_t *bits_alloc(size_t nbits);
size_t bits_count_diff(const uint64_t *a, const uint64_t *b, size_t nbits);

/* ---- PRNG (xoshiro256**; not for secrets, see qkd_random()) ---- */

struct qkd_rng {
	uint64_t s[4];
};

void rng_seed(struct qkd_rng *r, uint64_t seed);
uint64_t rng_next(struct qkd_rng *r);
/* Uniform in [0, n), n > 0. */
uint64_t rng_below(struct qkd_rng *r, uint64_t n);
/* Bernoulli with probability p. */
bool rng_chance(struct qkd_rng *r, double p);

/* Random bytes from the kernel (getrandom). 0 or -errno. */
int qkd_random(void *buf, size_t len);

/* Binary entropy h(q), h(0) = h(1) = 0. */
double binary_entropy(double q);

/* ---- pairs and sifting ---- */

/* One measured pair as one end saw it. */
struct qkd_pair {
	uint64_t seq;
	uint32_t link_id;	/* pair_link_id: (link_id, seq) names the pair */
	uint32_t fidelity;	/* ppm, at delivery */
	uint8_t basis;		/* QLINK_BASIS_Z or QLINK_BASIS_X */
	uint8_t outcome;	/* 0 or 1 */
	uint8_t bell;		/* 0..3: Phi+, Phi-, Psi+, Psi- */
};

struct qkd_pairs {
	struct qkd_pair *p;
	size_t n, cap;
};

int pairs_push(struct qkd_pairs *pp, const struct qkd_pair *p);
void pairs_free(struct qkd_pairs *pp);
/* Sort by (link_id, seq) and drop duplicates; returns duplicates dropped. */
size_t pairs_sort(struct qkd_pairs *pp);

/*
 * Bob's half of sifting: for each of Alice's n pairs (link_id, seq[i],
 * basis[i] as a bit vector) find Bob's pair in @bob (sorted), and set
 * keep[i] when both exist and were measured in the same basis. Bob's
 * matching pairs are written to @bob_sel in Alice's order (keep[i] set
 * only). Returns the number kept; *unmatched counts Alice's pairs Bob has
 * no record of.
 */
size_t sift_bob(const struct qkd_pairs *bob, uint32_t link_id,
		const uint64_t *seq, const uint64_t *basis, size_t n,
		uint64_t *keep, struct qkd_pair *bob_sel, size_t *unmatched);

/* Sifted key bit of a pair: Alice's outcome, Bob's corrected by Bell. */
static inline int sifted_bit(const struct qkd_pair *p, bool bob)
{
	return p->outcome ^ (bob && !qcore_bell_agree(p->basis, p->bell));
}

/* Theoretical QBER of a Werner pair of fidelity @ppm: (1 - F) 2/3. */
static inline double qber_theory(uint32_t ppm)
{
	return qcore_werner_qber_q32(ppm) * 0x1.0p-32;
}

/*
 * Pick @k of @n positions at random from @seed (both ends get the same
 * set): sets their bits in @mask (n bits, zeroed first).
 */
void sample_pick(uint64_t seed, size_t n, size_t k, uint64_t *mask);
/* Copy the bits of @src whose @mask bit is (in) or is not (!in) set. */
size_t bits_select(const uint64_t *src, const uint64_t *mask, size_t n,
		   bool in, uint64_t *dst);
/* Sample size for @n sifted bits: 10%, at least 2000, at most half. */
size_t sample_size(size_t n);

/* ---- varint encoding of sequence deltas ---- */

size_t varint_put(uint8_t *buf, uint64_t v);
/* Returns bytes used, 0 on a truncated or overlong varint. */
size_t varint_get(const uint8_t *buf, size_t len, uint64_t *v);

/* ---- Toeplitz hashing ---- */

/*
 * out (m bits) = T x for the m x n Toeplitz matrix T[i][j] =
 * seed[i - j + n - 1]; @seed has n + m - 1 bits. Linear in x; for a
 * uniformly random seed, two different x collide with probability 2^-m.
 * Returns 0 or -ENOMEM.
 */
int toeplitz_hash(const uint64_t *seed, const uint64_t *x, size_t n,
		  uint64_t *out, size_t m);
/* The portable version (toeplitz_hash() uses PCLMULQDQ where it can). */
int toeplitz_hash_generic(const uint64_t *seed, const uint64_t *x, size_t n,
			  uint64_t *out, size_t m);

/* ---- Cascade ---- */

#define CASC_PASSES		4	/* the classic schedule */
#define CASC_MAX_PASSES		8	/* extra passes after a failed check */

struct casc_query {
	uint8_t pass;
	uint32_t lo, hi;	/* positions [lo, hi) in the pass's order */
};

/*
 * Alice's answers, to Bob's driver: the parities of every block of a
 * pass, or of ranges. Parities are written one byte (0 or 1) each.
 * 0 or -errno.
 */
struct casc_oracle {
	int (*blocks)(void *ctx, int pass, uint8_t *par, uint32_t nblocks);
	int (*ranges)(void *ctx, const struct casc_query *q, uint32_t nq,
		      uint8_t *par);
	void *ctx;
};

/*
 * One end's Cascade state. Pass 0 takes the key in order with blocks of
 * k0 bits, pass p > 0 a pseudo-random permutation (from @seed and p, the
 * same at both ends) with blocks of k0 2^p bits (at most n / 2).
 */
struct cascade {
	uint64_t *key;		/* this end's key; Bob's is corrected */
	uint32_t n;
	uint32_t k0;
	uint64_t seed;
	int npasses;		/* passes built so far */
	uint32_t k[CASC_MAX_PASSES];
	uint32_t *perm[CASC_MAX_PASSES];	/* pass order -> key position */
	uint32_t *inv[CASC_MAX_PASSES];		/* key position -> pass order */
	uint8_t *apar[CASC_MAX_PASSES];		/* Bob: Alice's block parities */
	uint8_t *bpar[CASC_MAX_PASSES];		/* Bob: own block parities */
	uint64_t leak;		/* parity bits disclosed (Alice's answers) */
	uint64_t flips;		/* bits Bob corrected */
	uint32_t rounds;	/* oracle calls (round trips) */
};

/* First block size for an error rate: 0.73 / q, within [4, n]. */
uint32_t cascade_k0(double qber, uint32_t n);
int cascade_init(struct cascade *c, uint64_t *key, uint32_t n, uint32_t k0,
		 uint64_t seed);
void cascade_free(struct cascade *c);
static inline uint32_t cascade_nblocks(const struct cascade *c, int pass)
{
	return (c->n + c->k[pass] - 1) / c->k[pass];
}

/* Builds passes up to @pass (inclusive); 0 or -errno. */
int cascade_pass_build(struct cascade *c, int pass);
/* Alice: parities of all blocks of @pass, or of one range. */
int cascade_block_parities(struct cascade *c, int pass, uint8_t *par);
int cascade_range_parity(struct cascade *c, int pass, uint32_t lo,
			 uint32_t hi);
/*
 * Bob: run passes [from, to) against Alice's answers, correcting c->key.
 * Binary searches of all odd blocks (and the blocks earlier passes
 * reopen, the cascade) run in parallel, one oracle call per round.
 */
int cascade_run(struct cascade *c, int from, int to,
		const struct casc_oracle *o);

/* ---- final key length ---- */

/*
 * Secret bits privacy amplification keeps from @n corrected bits with
 * @errors errors found, @leak bits disclosed in error correction and
 * verification: n (1 - h(q + 3 sigma)) - leak - safety, q = errors / n,
 * rounded down to a multiple of 64; 0 if nothing is left.
 */
size_t pa_length(size_t n, size_t errors, uint64_t leak);

/* ---- classical channel ---- */

#define QKD_FRAME_MAX		(256u << 20)

enum qkd_msg {
	QKD_MSG_HELLO = 1,	/* A -> B: version, purpose, limits */
	QKD_MSG_READY,		/* B -> A: receiving */
	QKD_MSG_SIFT,		/* A -> B: (seq, basis) of Alice's pairs */
	QKD_MSG_KEEP,		/* B -> A: which of them are sifted */
	QKD_MSG_SAMPLE,		/* A -> B: sample seed, size, Alice's bits */
	QKD_MSG_SAMPLE_RES,	/* B -> A: errors in the sample */
	QKD_MSG_CASC_START,	/* A -> B: permutation seed, first block */
	QKD_MSG_CASC_BLOCKS,	/* B -> A: block parities of a pass? */
	QKD_MSG_CASC_QUERY,	/* B -> A: range parities? */
	QKD_MSG_CASC_PAR,	/* A -> B: the parities */
	QKD_MSG_VERIFY_REQ,	/* B -> A: hash your key */
	QKD_MSG_VERIFY,		/* A -> B: hash seed and hash */
	QKD_MSG_CASC_DONE,	/* B -> A: keys agree (or give up), errors */
	QKD_MSG_PA,		/* A -> B: final length, Toeplitz seed */
	QKD_MSG_END,		/* A -> B: no more blocks, total key bits */
	QKD_MSG_BYE,		/* B -> A: total key bits */
	QKD_MSG_ABORT,		/* either: text */
};

struct qkd_chan {
	int fd;
	const uint8_t *key;
	size_t keylen;
	uint8_t me, peer;	/* 'A' or 'B' */
	uint64_t tx_seq, rx_seq;
	uint64_t tx_bytes, rx_bytes;
};

void chan_init(struct qkd_chan *c, int fd, const uint8_t *key, size_t keylen,
	       bool alice);
int chan_send(struct qkd_chan *c, uint8_t type, const void *p, size_t len);
/* Receives one frame; *p is malloc'ed (free it). 0 or -errno. */
int chan_recv(struct qkd_chan *c, uint8_t *type, uint8_t **p, size_t *len);
int hmac_sha256(const uint8_t *key, size_t keylen, const void *data,
		size_t len, uint8_t out[32]);
/* Reads a pre-shared key file (16..1024 bytes). Returns length or -errno. */
int psk_read(const char *path, uint8_t *buf, size_t size);

/* ---- pair sources ---- */

struct qkd_source {
	/* a file descriptor to poll for input, or -1 (always ready) */
	int fd;
	/* Alice: ask for @n more pairs. 0 or -errno. */
	int (*request)(struct qkd_source *s, uint32_t n);
	/*
	 * Append the pairs available now to @pp without blocking; a
	 * simulated source makes those up to sequence @upto. Returns the
	 * number appended or -errno (a failed request).
	 */
	int (*drain)(struct qkd_source *s, struct qkd_pairs *pp, uint64_t upto);
	/* Alice: requested pairs still to come? */
	bool (*busy)(struct qkd_source *s);
	void (*close)(struct qkd_source *s);
	uint64_t lost;		/* pairs reported lost (EXPIRE) */
};

struct qkd_sim_params {
	uint64_t seed;
	uint32_t fidelity;	/* ppm */
	double miss;		/* Bob misses a pair with this probability */
	double gap;		/* a sequence number is skipped (other users) */
};

struct qkd_source *sim_source_new(const struct qkd_sim_params *sp, bool alice);
/* The same pair as both ends see it (for tests). */
void sim_pair(const struct qkd_sim_params *sp, uint64_t seq,
	      struct qkd_pair *a, struct qkd_pair *b);

struct qkd_link_params {
	const char *dev;
	uint32_t purpose;
	uint32_t chunk;		/* pairs per request */
	uint32_t window;	/* requests outstanding */
	uint32_t min_fidelity;	/* ppm */
};

struct qkd_source *link_source_new(const struct qkd_link_params *lp,
				   bool alice, int *err);

/* ---- a session ---- */

struct qkd_opts {
	uint32_t purpose;
	uint64_t key_bytes;	/* stop when this much key is out (0: no) */
	uint64_t max_pairs;	/* stop after this many pairs (0: no) */
	double max_seconds;	/* start no block after this long (0: no) */
	uint32_t block;		/* pairs per post-processing block */
	double max_qber;	/* abort above this */
	FILE *out;		/* key output */
	FILE *log;		/* progress and summary (NULL: quiet) */
	bool quiet_blocks;	/* no per-block lines */
};

struct qkd_stats {
	uint64_t pairs;		/* pairs this end recorded */
	uint64_t unmatched;	/* of Alice's, without a record at Bob */
	uint64_t sifted;
	uint64_t sample_bits, sample_errors;
	uint64_t corrected_bits, ec_errors;	/* Cascade input, corrections */
	uint64_t ec_leak;	/* parity bits + verification hashes */
	uint64_t ec_rounds;
	uint64_t key_bits;	/* final key written */
	uint64_t blocks, blocks_failed;
	double theory_sum;	/* sum of (1 - F) 2/3 over sifted pairs */
	double theory_var;	/* sum of p (1 - p) */
	double ec_leak_ideal;	/* sum of n h(q) over blocks */
	double seconds;
};

int qkd_alice(struct qkd_chan *c, struct qkd_source *src,
	      const struct qkd_opts *o, struct qkd_stats *st);
int qkd_bob(struct qkd_chan *c, struct qkd_source *src,
	    const struct qkd_opts *o, struct qkd_stats *st);
void qkd_print_summary(FILE *f, const char *who, const struct qkd_stats *st);

#endif /* _QKD_H */
