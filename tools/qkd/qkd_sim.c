// SPDX-License-Identifier: GPL-2.0
/*
 * A simulated pair source: the pairs a qlinksim link with AF_QLINK
 * MEASURE / BASIS_RANDOM requests would give, without a kernel. Each pair
 * is a pure function of (seed, seq), so two processes with the same seed
 * see the two halves of the same pairs: a Werner pair of fidelity F in a
 * uniformly random Bell state, each end's basis chosen independently, and
 * in a common basis outcomes that follow the Bell state except with
 * probability (1 - F) 2/3.
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/qlink.h>

#include "qkd.h"

#define SIM_LINK_ID	1
#define SIM_DRAIN_MAX	65536	/* pairs per drain call, as if in batches */

struct sim_source {
	struct qkd_source s;
	struct qkd_sim_params sp;
	bool alice;
	uint64_t next_seq;	/* next sequence number to consider */
	uint64_t wanted;	/* Alice: pairs requested, not yet made */
};

static bool sim_exists(const struct qkd_sim_params *sp, uint64_t seq,
		       bool bob)
{
	struct qkd_rng r;

	if (sp->gap <= 0 && (!bob || sp->miss <= 0))
		return true;
	rng_seed(&r, sp->seed ^ ~(seq * 0xd1b54a32d192ed03ULL));
	if (rng_chance(&r, sp->gap))
		return false;
	return !(bob && rng_chance(&r, sp->miss));
}

void sim_pair(const struct qkd_sim_params *sp, uint64_t seq,
	      struct qkd_pair *a, struct qkd_pair *b)
{
	struct qkd_rng r;
	uint64_t x;

	rng_seed(&r, sp->seed ^ (seq * 0x9e3779b97f4a7c15ULL));
	x = rng_next(&r);
	a->seq = b->seq = seq;
	a->link_id = b->link_id = SIM_LINK_ID;
	a->fidelity = b->fidelity = sp->fidelity;
	a->bell = b->bell = x & 3;
	a->basis = (x >> 2) & 1 ? QLINK_BASIS_X : QLINK_BASIS_Z;
	b->basis = (x >> 3) & 1 ? QLINK_BASIS_X : QLINK_BASIS_Z;
	qcore_werner_measure(a->basis, b->basis, a->bell, sp->fidelity,
			     (uint32_t)(x >> 4), (uint32_t)rng_next(&r),
			     &a->outcome, &b->outcome);
}

static int sim_request(struct qkd_source *s, uint32_t n)
{
	struct sim_source *ss = (struct sim_source *)s;

	ss->wanted += n;
	return 0;
}

static int sim_drain(struct qkd_source *s, struct qkd_pairs *pp,
		     uint64_t upto)
{
	struct sim_source *ss = (struct sim_source *)s;
	struct qkd_pair a, b;
	int made = 0, err;

	while (made < SIM_DRAIN_MAX) {
		uint64_t seq = ss->next_seq;

		if (ss->alice ? !ss->wanted : seq > upto)
			break;
		ss->next_seq++;
		if (!sim_exists(&ss->sp, seq, !ss->alice))
			continue;
		sim_pair(&ss->sp, seq, &a, &b);
		err = pairs_push(pp, ss->alice ? &a : &b);
		if (err)
			return err;
		if (ss->alice)
			ss->wanted--;
		made++;
	}
	return made;
}

static bool sim_busy(struct qkd_source *s)
{
	return ((struct sim_source *)s)->wanted > 0;
}

static void sim_close(struct qkd_source *s)
{
	free(s);
}

struct qkd_source *sim_source_new(const struct qkd_sim_params *sp, bool alice)
{
	struct sim_source *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return NULL;
	ss->s.fd = -1;
	ss->s.request = sim_request;
	ss->s.drain = sim_drain;
	ss->s.busy = sim_busy;
	ss->s.close = sim_close;
	ss->sp = *sp;
	ss->alice = alice;
	ss->next_seq = 1;
	return &ss->s;
}
