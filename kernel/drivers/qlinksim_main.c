// SPDX-License-Identifier: GPL-2.0
/*
 * qlinksim: a simulated fiber link between two qlink devices.
 *
 *   ip link add qa type qlinksim peer name qb [netns NS]
 *
 * creates both ends of one link, veth-style (paired mode): end A (the
 * device RTM_NEWLINK names) and end B (its peer) may live in different
 * network namespaces, and deleting either deletes both.
 *
 *   ip link add qa type qlinksim end a peer ADDR:PORT key FILE seed S
 *   ip link add qb type qlinksim end b peer ADDR:PORT key FILE seed S
 *
 * creates one end each (split mode), on two hosts or in two netns: the
 * ends reach each other through the core's link protocol
 * (qlink_peer_set(): end A decides, end B follows), which owns their
 * carrier. The two ends must be given the same physics and seed.
 *
 * The simulator's physics and fault knobs are its link kind's attributes
 * (enum qlinksim_info_attr: set at creation, changed with `ip link set
 * DEV type qlinksim ...`, shown with `ip -d link`); both ends are one
 * fiber and share them. The carrier is on when both ends are up (paired
 * mode), and then the link generates heralds from the physics model of
 * qlink.md §7 (see "Generation" below). The driver reports the
 * calibration its model implies (qlink_calib_report()), and measures the
 * qubits of pairs for MEASURE and RSP requests (qlinksim_measure()).
 *
 * Generation. End A owns one soft hrtimer per link (not one per event)
 * that fires every tick_us of real time and simulates the link's clock
 * up to now in slices of at most 10 ms (and a few thousand tags), so
 * heralds arrive in real time, in batches, from softirq context. Each
 * slice goes through the core's ingest path like a real driver's would:
 *  - time tags: SPDC pairs are emitted as a Poisson process at rate R;
 *    each photon is detected with probability eta * 10^(-alpha L / 10)
 *    (F1 extra loss split between the arms), lands after the fiber delay
 *    (5 us/km, plus the F8 drift on arm B) with a jitter of sigma
 *    (Irwin-Hall approximation of a Gaussian: four uniforms, bounded at
 *    3.46 sigma); each detector adds dark counts, a Poisson process at d.
 *    The tags of both detectors go to the core's matcher on end A, so
 *    accidental coincidences arise from the matcher itself; the tags
 *    carry the ground truth (QLINK_TAG_KNOWN, the emission's number), so
 *    true heralds get the calibrated F0 (the source's fidelity minus the F2
 *    drop) and accidental ones 1/4. The heralds end A
 *    stores are forwarded to end B as herald events: both ends hold the
 *    same pairs under the same (pair link id = A's link id, sequence).
 *  - herald events: attempts at rate R, each a success with probability
 *    eta_A eta_B 10^(-alpha (L_A + L_B) / 10) (geometric skips between
 *    successes), Bell index uniform, memory slots used round robin; both
 *    ends get the same events, numbered by attempt.
 * The PRNG (prandom_u32_state) is seeded from IFLA_QLINKSIM_SEED when the
 * link starts, so a run is reproducible up to where the real-time slicing
 * cuts it. F7 acts on measurements (qlinksim_measure()).
 *
 * Split mode. Each end runs its own generator and hrtimer, simulating its
 * own arm only, and both simulate the same source without talking: the
 * emissions are a function of the seed and CLOCK_REALTIME (qcore's
 * emitter: 1 ms blocks, each drawn from a PRNG seeded by (seed, block);
 * an emission's ground-truth id, Bell index and hidden outcomes come
 * from its name (block, number)). Every emission is drawn; the end
 * detects its photon with its own PRNG (seeded from the seed, end B's
 * salted), and the per-arm code of paired mode (qs_channel(): fiber
 * delay, jitter, dark counts, saturation, dead time, end B's F8 drift)
 * makes its tags, which it reports on its own channel (end A 0, end B
 * 1). Its link clock is real time since it started plus
 * IFLA_QLINKSIM_CLOCK_OFFSET: an emission's link time is its real time
 * minus the real time of the clock's zero. Direct detection: each end
 * picks its basis itself and reads the pair's hidden outcome for that
 * basis, end B's corrected by the Bell state, the Werner error (from
 * the pair's name too) and F7 (qs_direct_split()). Herald events: end A
 * generates them as in paired mode, end B none (the core stores the
 * records end A sends). The measurements on request are already a
 * function of (seed, pair) (qlinksim_measure()).
 * If the simulation falls more than 100 ms behind real time (an
 * overloaded or emulated machine), it skips ahead: skipped time is not
 * part of the covered time the core reports, so measured rates stay
 * right.
 *
 * The link clock is rebased (qlink_pairs_rebase(): pairs flushed,
 * numbering kept) when it reaches QS_REBASE_PS, 2^62 ps (53 days up), so
 * that link times stay below the 2^63 ps qcore's matcher accepts.
 *
 * debugfs /sys/kernel/debug/qlinksim/ (test knobs, root only):
 *  - fail_start: the next N starts (link up) fail with -EIO, to exercise
 *    the core's error path;
 *  - start_clock_ps: the next start of a paired link begins its link
 *    clock at this time instead of 0 (then the knob is 0 again), to reach
 *    the time-base limits without waiting for months;
 *  - start_delay_ms: starts of paired links sleep this long (at most 10 s) before they
 *    restart the pair buffers, with the device already running, to
 *    widen the window in which the second end is in ndo_open.
 */
#include <linux/module.h>
#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/prandom.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/qlink.h>

#include "../qcore/bell.h"
#include "../qcore/sim.h"

#define DRV_NAME	"qlinksim"

struct qlinksim_gen;

/*
 * struct qlinksim_phys - physics and faults of a simulated link, see
 *	enum qlinksim_info_attr in <linux/qlink.h> for units and ranges
 */
struct qlinksim_phys {
	u64 source_rate;
	u32 det_eff_a;
	u32 det_eff_b;
	u32 dark_rate;
	u32 jitter;
	u32 fiber_len_a;
	u32 fiber_len_b;
	u32 fiber_loss;
	u32 fidelity;
	u64 coherence;
	u32 herald_model;
	u64 seed;
	u32 extra_loss;		/* F1 */
	u32 fidelity_drop;	/* F2 */
	u32 coherence_scale;	/* F3 */
	u32 dead_time;		/* F5 */
	u64 max_det_rate;	/* F5 */
	u32 bit_flip;		/* F7 */
	s32 offset_drift;	/* F8 */
	u8 direct;
	u32 basis_z;
};

/**
 * struct qlinksim - private data of one end
 * @peer: the other end (paired mode); written under RTNL, read under
 *	RTNL (control paths) or RCU (the herald path); NULL once dellink
 *	ran, and always in split mode
 * @end: enum qlinksim_end: %QLINKSIM_END_BOTH for the two ends of a
 *	paired link, else the one end this device is (split mode); constant
 * @side_b: this is end B: the peer created from IFLA_QLINKSIM_PEER, or
 *	a split end B; constant
 * @clock_offset: split mode: how far this end's link clock runs ahead
 *	of real time, ps; written under RTNL while the link is down
 * @gen: the generator this device runs: end A's of a paired link, or a
 *	split end's own; set in newlink, freed in ops->uninit, both under
 *	RTNL
 * @phys_lock: seqlock over @phys; writers hold RTNL
 * @phys: the link's physics, the same at both ends
 * @phys_changes: changes of @phys; written under RTNL
 * @mkey: key of the measurement outcomes (from the seed, the same at
 *	both ends); written under RTNL while the link is down
 */
struct qlinksim {
	struct net_device __rcu *peer;
	u8 end;
	bool side_b;
	s64 clock_offset;
	struct qlinksim_gen *gen;
	seqlock_t phys_lock;
	struct qlinksim_phys phys;
	u64 phys_changes;
	siphash_key_t mkey;
};

/*
 * Starts left to fail (debugfs knob): read and decremented under RTNL;
 * debugfs writes it without a lock, which for a test knob only means a
 * write racing with a start may or may not count that start.
 */
static u32 qlinksim_fail_start;
static u64 qlinksim_start_clock_ps;
static u32 qlinksim_start_delay_ms;
static struct dentry *qlinksim_debugfs;

static const struct qlink_caps qlinksim_caps = {
	.herald_models	= BIT(QLINK_HERALD_TIME_TAGS) | BIT(QLINK_HERALD_EVENTS),
	.max_rate	= 1000000000000ULL,	/* 1e9 pairs/s */
	.memory_slots	= 1024,
	.measure_bases	= BIT(QLINK_BASIS_Z) | BIT(QLINK_BASIS_X) |
			  BIT(QLINK_BASIS_Y),
};

static struct rtnl_link_ops qlinksim_link_ops;

#define PPM		1000000ULL

static struct qlinksim *qlinksim_of(struct qlink *ql)
{
	return qlink_priv(ql);
}

static struct net_device *qlinksim_peer(struct qlink *ql)
{
	return rtnl_dereference(qlinksim_of(ql)->peer);
}

#define PS_PER_NS	1000ULL
#define PS_PER_MS	1000000000ULL
#define PS_PER_SEC	1000000000000ULL
/* mHz * ps: 10^15 */
#define MHZ_PS		1000000000000000ULL
/* Fiber delay: 5 us/km = 5000 ps/m. */
#define QS_PS_PER_M	5000ULL
#define QS_SLICE_MAX_PS	(10 * PS_PER_MS)
#define QS_LAG_MAX_PS	(100 * PS_PER_MS)
#define QS_SLICES_PER_TICK	4
/* Tags per channel and emissions in flight per slice, at most. */
#define QS_TAGS_MAX	4096
#define QS_FIFO		8192
#define QS_NONE		U64_MAX
/* Rebase the link clock here, well before qcore's 2^63 ps limit. */
#define QS_REBASE_PS	BIT_ULL(62)

static unsigned int tick_us = 2000;
module_param(tick_us, uint, 0644);
MODULE_PARM_DESC(tick_us, "generation period in microseconds (100..100000)");

/* An emitted pair with a photon detected, until its tags are out. */
struct qs_emit {
	u64 e_ps;	/* emission time */
	s32 jit[2];	/* jitter per arm, ps */
	u16 tag;	/* QLINK_TAG_PAIR field: 1..1023 */
	u8 det;		/* BIT(0): arm A detects, BIT(1): arm B */
	u8 bell;
	u16 meas[2];	/* direct detection: QLINK_TAG_MEAS... per arm */
};

/**
 * struct qs_arm - one arm of the link: the fiber from the source to an
 *	end's detector, the detector, and its tags (channel 0: end A, 1:
 *	end B)
 * @pdet: detection probability, 2^-32 units
 * @delay: fiber delay, ps (arm B without the drift)
 * @keep_q32: F5 saturation: share of detections the detector registers,
 *	2^32 = all
 * @next_dark: next dark count
 * @last_tag: last tag (tags never go backwards)
 * @cur: entries of the generator's fifo already turned into tags
 * @sig: signal tags of the slice (then sorted)
 * @sig_f: their flags
 * @tag: the slice's tags, signal and dark merged
 * @tag_f: their flags
 */
struct qs_arm {
	u64 pdet;
	u64 delay;
	u64 keep_q32;
	u64 next_dark;
	u64 last_tag;
	u32 cur;
	u64 *sig;
	u16 *sig_f;
	u64 *tag;
	u16 *tag_f;
};

/**
 * struct qlinksim_gen - the generator of one simulated link (paired mode:
 *	end A owns it) or of one end of it (split mode: each end owns one)
 * @timer: the tick, soft hrtimer; its callback is the only user of the
 *	fields below once started, start/stop (RTNL) touch them only while
 *	it is cancelled
 * @ql: the end that runs it: end A (paired mode) or this end (split)
 * @arms: BIT(channel) of the arms it simulates: both (paired mode) or
 *	its end's (split mode); constant
 * @split: split mode: one end; the emissions come from @em; constant
 * @rnd: PRNG, seeded from the seed parameter at start: all of the link's
 *	randomness in paired mode; in split mode this end's own (its arm's
 *	and, at end A, the herald events)
 * @em: split mode: the emissions, a function of the seed and real time
 * @r0_blk: split mode: real time at the link clock's zero: block of @em
 * @r0_ps: ... and ps in that block
 * @t0_ns: ktime of the link clock's zero
 * @sim_ps: link time simulated so far
 * @changes: phys_changes plus the core's param_changes of @ql when the
 *	model was computed
 * @p: the physics the model was computed from
 * @arm: the arms, indexed by channel
 * @thr_both: category thresholds of a detected emission (2^-32 units):
 *	below @thr_both both arms, below @thr_a arm A only, else arm B only
 * @thr_a: see @thr_both
 * @gap_emit_q8: mean gap between detected emissions, ps << 8 (0: none)
 * @gap_dark_q8: mean gap between dark counts of one detector, ps << 8
 * @sigma3_q16: jitter sigma * sqrt(3), ps << 16
 * @slice_ps: longest slice that keeps tags and emissions within limits
 * @period_q8: attempt period (herald events), ps << 8
 * @neg_log2_fail_q32: -log2(1 - p) of an attempt, Q32 (0: p = 0)
 * @slots: memory slots used round robin (herald events), 0 for none
 * @next_emit: next detected emission (QS_NONE: none), paired mode
 * @seq: emissions numbered so far (ground truth tags), paired mode
 * @dead_ps: F5 detector dead time
 * @direct: direct detection: tags carry basis and outcome
 * @basis_z_q32: probability of the Z basis, 2^32 = 1
 * @wrong_q32: probability (1 - F) 2/3 that a true pair's outcomes in a
 *	common basis miss the Bell correlation, 2^32 = 1
 * @flip_q32: F7: probability that end B's outcome flips, 2^32 = 1
 * @fifo: detected emissions whose tags are not all out, a ring
 * @fifo_head: oldest entry of @fifo
 * @fifo_len: entries in @fifo
 * @att_base: attempt numbers of earlier time bases (herald events): an
 *	attempt's number is @att_base plus its number in the current base
 * @next_att: next attempt to account (herald events)
 * @next_succ: next successful attempt
 * @out: heralds of end A to forward to end B
 * @dropped: tags or emissions lost to the per-slice limits
 * @skipped_ps: link time skipped because the simulation fell behind
 */
struct qlinksim_gen {
	struct hrtimer timer;
	struct qlink *ql;
	u8 arms;
	bool split;
	struct rnd_state rnd;
	struct qcore_emitter em;
	u64 r0_blk;
	u64 r0_ps;
	u64 t0_ns;
	u64 sim_ps;
	u64 changes;
	struct qlinksim_phys p;
	struct qs_arm arm[2];
	u32 thr_both;
	u32 thr_a;
	u64 gap_emit_q8;
	u64 gap_dark_q8;
	u64 sigma3_q16;
	u64 slice_ps;
	u64 period_q8;
	u64 neg_log2_fail_q32;
	u32 slots;
	u64 next_emit;
	u32 seq;
	u64 dead_ps;
	bool direct;
	u64 basis_z_q32;
	u64 wrong_q32;
	u64 flip_q32;
	struct qs_emit *fifo;
	u32 fifo_head;
	u32 fifo_len;
	u64 att_base;
	u64 next_att;
	u64 next_succ;
	struct qlink_herald *out;
	u64 dropped;
	u64 skipped_ps;
};

static void qlinksim_losses(const struct qlinksim_phys *p, u64 *loss_a,
			    u64 *loss_b)
{
	*loss_a = div_u64((u64)p->fiber_loss * p->fiber_len_a, 1000) +
		  p->extra_loss / 2;
	*loss_b = div_u64((u64)p->fiber_loss * p->fiber_len_b, 1000) +
		  p->extra_loss - p->extra_loss / 2;
}

/* Mean gap of a Poisson process of @rate_mhz, ps << 8; 0 for rate 0. */
static u64 qs_gap_q8(u64 rate_mhz)
{
	return rate_mhz ? div64_u64(MHZ_PS << 8, rate_mhz) : 0;
}

/* An exponential gap of mean @gap_q8 (ps << 8), ps. */
static u64 qs_exp_gap(struct qlinksim_gen *g, u64 gap_q8)
{
	u64 x = qcore_neg_ln_q32(prandom_u32_state(&g->rnd));

	return mul_u64_u64_shr(x, gap_q8, 40);
}

/* Jitter of one detection: sigma times an approximately normal variate. */
static s32 qs_jitter(struct qlinksim_gen *g)
{
	u32 u1, u2;
	s64 sum;

	if (!g->sigma3_q16)
		return 0;
	u1 = prandom_u32_state(&g->rnd);
	u2 = prandom_u32_state(&g->rnd);
	sum = (s64)(u1 & 0xffff) + (u1 >> 16) + (u2 & 0xffff) + (u2 >> 16) -
	      131072;
	return (s32)((sum * (s64)g->sigma3_q16) >> 32);
}

/* The model's constants from the parameters (tick, softirq). */
/*
 * F5, detector saturation: above max-det-rate a detector registers only
 * that share of its photons and dark counts (thinning, the model of
 * qlinksim_calib()); dead time then drops what arrives within
 * dead-time of the last registered detection (non-paralysable).
 */
static void qs_saturation(struct qlinksim_gen *g, const struct qlinksim_phys *p)
{
	int ch;

	for (ch = 0; ch < 2; ch++) {
		struct qs_arm *arm = &g->arm[ch];
		u64 s = mul_u64_u64_shr(p->source_rate, arm->pdet, 32) +
			p->dark_rate;

		arm->keep_q32 = 1ULL << 32;
		if (p->max_det_rate && s > p->max_det_rate)
			arm->keep_q32 = mul_u64_u64_div_u64(p->max_det_rate,
							    1ULL << 32, s);
	}
	g->dead_ps = (u64)p->dead_time * 1000;
}

/* Does the detector of @arm register a photon or dark count at @t (F5)? */
static bool qs_registers(struct qlinksim_gen *g, struct qs_arm *arm, u64 t)
{
	if (arm->keep_q32 >> 32 == 0 &&
	    prandom_u32_state(&g->rnd) >= arm->keep_q32)
		return false;
	return !g->dead_ps || !arm->last_tag ||
	       t >= arm->last_tag + g->dead_ps;
}

static void qs_model(struct qlinksim_gen *g, const struct qlinksim_phys *p,
		     u32 slots)
{
	u64 loss_a, loss_b, pa, pb, q, rate_any, s_max, slice;
	u32 p_succ;

	qlinksim_losses(p, &loss_a, &loss_b);
	pa = min_t(u64, qcore_detect_q32(p->det_eff_a, loss_a), 1ULL << 32);
	pb = min_t(u64, qcore_detect_q32(p->det_eff_b, loss_b), 1ULL << 32);
	g->arm[0].pdet = pa;
	g->arm[1].pdet = pb;
	q = pa + pb - mul_u64_u64_shr(pa, pb, 32);
	if (q) {
		g->thr_both = (u32)min_t(u64, mul_u64_u64_div_u64(pa, pb, q),
					 U32_MAX);
		g->thr_a = (u32)min_t(u64, mul_u64_u64_div_u64(pa, 1ULL << 32, q),
				      U32_MAX);
	} else {
		g->thr_both = 0;
		g->thr_a = 0;
	}
	rate_any = mul_u64_u64_shr(p->source_rate, q, 32);
	g->gap_emit_q8 = qs_gap_q8(rate_any);
	g->gap_dark_q8 = qs_gap_q8(p->dark_rate);
	g->sigma3_q16 = (u64)p->jitter * 113512;	/* sqrt(3) << 16 */
	qs_saturation(g, p);
	g->arm[0].delay = (u64)p->fiber_len_a * QS_PS_PER_M;
	g->arm[1].delay = (u64)p->fiber_len_b * QS_PS_PER_M;

	/* Slices short enough for a quarter of the tag and fifo room. */
	s_max = mul_u64_u64_shr(p->source_rate, max(pa, pb), 32) +
		p->dark_rate;
	slice = QS_SLICE_MAX_PS;
	if (s_max)
		slice = min(slice, div64_u64(QS_TAGS_MAX / 4 * MHZ_PS, s_max));
	if (rate_any)
		slice = min(slice, div64_u64(QS_FIFO / 4 * MHZ_PS, rate_any));
	/* a split end draws every emission: as many per slice at most */
	if (g->split) {
		qcore_emitter_set_rate(&g->em, p->source_rate);
		if (p->source_rate)
			slice = min(slice, div64_u64(QS_FIFO / 4 * MHZ_PS,
						     p->source_rate));
	}

	/* Herald events: attempts at R, success probability pa * pb. */
	g->period_q8 = qs_gap_q8(p->source_rate);
	p_succ = (u32)min_t(u64, mul_u64_u64_shr(pa, pb, 32), U32_MAX);
	if (!p_succ || !g->period_q8)
		g->neg_log2_fail_q32 = 0;
	else
		g->neg_log2_fail_q32 = (32ULL << 32) -
				       qcore_log2_q32((1ULL << 32) - p_succ);
	if (p->herald_model == QLINK_HERALD_EVENTS && p->source_rate) {
		u64 succ_rate = mul_u64_u64_shr(p->source_rate, p_succ, 32);

		slice = QS_SLICE_MAX_PS;
		if (succ_rate)
			slice = min(slice, div64_u64(QLINK_INGEST_COINC_MAX / 4 *
						     MHZ_PS, succ_rate));
	}
	g->slice_ps = max_t(u64, slice, 1000);
	g->direct = p->direct;
	g->basis_z_q32 = div_u64((u64)p->basis_z << 32, PPM);
	g->wrong_q32 = qcore_werner_qber_q32(p->fidelity - p->fidelity_drop);
	g->flip_q32 = div_u64((u64)p->bit_flip << 32, PPM);
	g->slots = slots;
	g->p = *p;
}

/* Attempts up to (not including) the first at or after @t_ps. */
static u64 qs_attempts_before(struct qlinksim_gen *g, u64 t_ps)
{
	if (!g->period_q8)
		return 0;
	return mul_u64_u64_div_u64(t_ps, 256, g->period_q8) + 1;
}

/* Failed attempts before the next success: geometric. */
static u64 qs_geom(struct qlinksim_gen *g)
{
	u64 nl2;

	if (!g->neg_log2_fail_q32)
		return QS_NONE / 2;
	if (g->neg_log2_fail_q32 >= (32ULL << 32))	/* p = 1 */
		return 0;
	nl2 = (32ULL << 32) - qcore_log2_fast_q32(prandom_u32_state(&g->rnd));
	return div64_u64(nl2, g->neg_log2_fail_q32);
}

/* Split mode: the emitter's block of real time R0 + @t_ps, ps in it. */
static u64 qs_real_blk(struct qlinksim_gen *g, u64 t_ps, u64 *in_blk)
{
	u64 rem, blk = div64_u64_rem(g->r0_ps + t_ps, QCORE_EMIT_BLOCK_PS, &rem);

	if (in_blk)
		*in_blk = rem;
	return g->r0_blk + blk;
}

/* (Re)start the random processes at link time @t_ps. */
static void qs_restart(struct qlinksim_gen *g, u64 t_ps)
{
	u64 in_blk, blk;
	int ch;

	g->fifo_head = 0;
	g->fifo_len = 0;
	if (g->split) {
		blk = qs_real_blk(g, t_ps, &in_blk);
		qcore_emitter_seek(&g->em, blk, in_blk);
	} else {
		g->next_emit = g->gap_emit_q8 ?
			       t_ps + qs_exp_gap(g, g->gap_emit_q8) : QS_NONE;
	}
	for (ch = 0; ch < 2; ch++) {
		if (!(g->arms & BIT(ch)))
			continue;
		g->arm[ch].cur = 0;
		g->arm[ch].next_dark = g->gap_dark_q8 ?
				       t_ps + qs_exp_gap(g, g->gap_dark_q8) :
				       QS_NONE;
	}
	g->next_att = t_ps ? qs_attempts_before(g, t_ps - 1) : 0;
	g->next_succ = g->next_att + qs_geom(g);
}

static struct qs_emit *qs_fifo(struct qlinksim_gen *g, u32 k)
{
	return &g->fifo[(g->fifo_head + k) % QS_FIFO];
}

/* true with probability @q32 / 2^32 */
static bool qs_draw(struct qlinksim_gen *g, u64 q32)
{
	return prandom_u32_state(&g->rnd) < q32;
}

/* Tag flags of a direct detection in basis X (else Z) with @outcome. */
static u16 qs_meas_flags(bool basis_x, bool outcome)
{
	return QLINK_TAG_MEAS | (basis_x ? QLINK_TAG_BASIS_X : 0) |
	       (outcome ? QLINK_TAG_OUTCOME : 0);
}

/*
 * Direct detection of the pair @x: each arm's passive basis choice and
 * outcome. In a common basis the outcomes follow the Bell state and miss
 * it with the Werner probability; in different bases they are
 * independent. F7 flips end B's.
 */
static void qs_direct(struct qlinksim_gen *g, struct qs_emit *x)
{
	bool xa = !qs_draw(g, g->basis_z_q32), xb = !qs_draw(g, g->basis_z_q32);
	bool oa = prandom_u32_state(&g->rnd) & 1, ob;

	if (xa == xb)
		ob = oa ^ !qcore_bell_agree(xa ? QLINK_BASIS_X : QLINK_BASIS_Z,
					    x->bell) ^
		     qs_draw(g, g->wrong_q32);
	else
		ob = prandom_u32_state(&g->rnd) & 1;
	ob ^= qs_draw(g, g->flip_q32);
	x->meas[0] = qs_meas_flags(xa, oa);
	x->meas[1] = qs_meas_flags(xb, ob);
}

/*
 * Split mode: the direct detection of channel @ch of an emission with
 * the shared random @bits, without knowing the other end's basis. The
 * basis is this end's own (passive) choice; the pair carries a hidden
 * outcome per basis (bits 2, 3). End B's follows the Bell state, misses
 * it with the Werner probability (bits 32..63) and flips with F7's: in
 * a common basis the outcomes correlate as qs_direct()'s, in different
 * ones they are independent.
 */
static u16 qs_direct_split(struct qlinksim_gen *g, int ch, u8 bell, u64 bits)
{
	bool x = !qs_draw(g, g->basis_z_q32);
	bool o = (bits >> (2 + x)) & 1;

	if (ch) {
		o ^= !qcore_bell_agree(x ? QLINK_BASIS_X : QLINK_BASIS_Z, bell);
		o ^= (bits >> 32) < g->wrong_q32;
		o ^= qs_draw(g, g->flip_q32);
	}
	return qs_meas_flags(x, o);
}

/* Emissions whose earliest tag may fall before @end. */
static void qs_emit(struct qlinksim_gen *g, u64 end)
{
	u64 dmin = min(g->arm[0].delay, g->arm[1].delay);
	struct qs_emit *x;
	u32 u;

	while (g->next_emit != QS_NONE && g->next_emit + dmin < end) {
		if (g->fifo_len == QS_FIFO) {
			g->dropped++;
			g->next_emit = end - dmin;
			break;
		}
		x = qs_fifo(g, g->fifo_len++);
		x->e_ps = g->next_emit;
		u = prandom_u32_state(&g->rnd);
		x->det = u < g->thr_both ? 3 : u < g->thr_a ? 1 : 2;
		x->bell = prandom_u32_state(&g->rnd) & QLINK_TAG_BELL;
		x->tag = g->seq % 1023 + 1;
		g->seq++;
		x->jit[0] = x->det & 1 ? qs_jitter(g) : 0;
		x->jit[1] = x->det & 2 ? qs_jitter(g) : 0;
		if (g->direct)
			qs_direct(g, x);
		g->next_emit += qs_exp_gap(g, g->gap_emit_q8);
	}
}

/*
 * Split mode: the emissions whose tag at this end (channel @ch) may fall
 * before @end. Every emission of the source is drawn (the same at both
 * ends, from @g->em); this end detects its photon with its own
 * randomness. Its link time is real time minus R0.
 */
static void qs_emit_split(struct qlinksim_gen *g, int ch, u64 end)
{
	struct qs_arm *arm = &g->arm[ch];
	u64 e_end, lim, bits;
	struct qs_emit *x;
	s64 e_ps;

	if (end <= arm->delay)
		return;
	e_end = end - arm->delay;
	lim = qs_real_blk(g, e_end, NULL) + 1;
	while (qcore_emitter_peek(&g->em, lim)) {
		e_ps = (s64)(g->em.blk - g->r0_blk) * (s64)QCORE_EMIT_BLOCK_PS +
		       (s64)g->em.t_ps - (s64)g->r0_ps;
		if (e_ps >= (s64)e_end)
			break;
		if (prandom_u32_state(&g->rnd) < arm->pdet) {
			if (g->fifo_len == QS_FIFO) {
				g->dropped++;
			} else {
				bits = qcore_emission_bits(&g->em);
				x = qs_fifo(g, g->fifo_len++);
				x->e_ps = e_ps;
				x->det = BIT(ch);
				x->tag = qcore_emission_id(&g->em);
				x->bell = bits & QLINK_TAG_BELL;
				x->jit[ch] = qs_jitter(g);
				if (g->direct)
					x->meas[ch] = qs_direct_split(g, ch,
								      x->bell,
								      bits);
			}
		}
		qcore_emitter_pop(&g->em);
	}
}

/* Put the few tags jitter swapped back in order (insertion sort). */
static void qs_sort(u64 *t, u16 *f, u32 n)
{
	u32 i, j;
	u64 tv;
	u16 fv;

	for (i = 1; i < n; i++) {
		if (t[i] >= t[i - 1])
			continue;
		tv = t[i];
		fv = f[i];
		for (j = i; j > 0 && t[j - 1] > tv; j--) {
			t[j] = t[j - 1];
			f[j] = f[j - 1];
		}
		t[j] = tv;
		f[j] = fv;
	}
}

/*
 * The tags of arm @ch before @end, signal and dark merged: the same in
 * both modes, from the detected emissions in the fifo.
 */
static u32 qs_channel(struct qlinksim_gen *g, int ch, u64 end, s64 drift)
{
	struct qs_arm *arm = &g->arm[ch];
	u64 delay = arm->delay + (ch ? drift : 0), t, *sig = arm->sig;
	u16 *sig_f = arm->sig_f, f;
	u32 n = 0, m = 0, i = 0;
	struct qs_emit *x;

	while (arm->cur < g->fifo_len) {
		x = qs_fifo(g, arm->cur);
		if (x->e_ps + delay >= end)
			break;
		arm->cur++;
		if (!(x->det & BIT(ch)))
			continue;
		if (n == QS_TAGS_MAX) {
			g->dropped++;
			continue;
		}
		t = x->e_ps + delay;
		t = x->jit[ch] < 0 && t < (u64)-(s64)x->jit[ch] ? 0 :
		    t + x->jit[ch];
		sig[n] = t;
		sig_f[n] = QLINK_TAG_KNOWN |
			   FIELD_PREP(QLINK_TAG_PAIR, x->tag) |
			   (ch ? 0 : x->bell) | (g->direct ? x->meas[ch] : 0);
		n++;
	}
	qs_sort(sig, sig_f, n);

	while (i < n || arm->next_dark < end) {
		if (arm->next_dark < end && (i == n || arm->next_dark < sig[i])) {
			t = arm->next_dark;
			f = QLINK_TAG_KNOWN |
			    (ch ? 0 : prandom_u32_state(&g->rnd) & QLINK_TAG_BELL);
			if (g->direct)
				f |= qs_meas_flags(!qs_draw(g, g->basis_z_q32),
						   prandom_u32_state(&g->rnd) & 1);
			arm->next_dark += qs_exp_gap(g, g->gap_dark_q8);
		} else {
			t = sig[i];
			f = sig_f[i];
			i++;
		}
		if (unlikely(!qs_registers(g, arm, t)))
			continue;
		t = max(t, arm->last_tag);
		arm->last_tag = t;
		if (m == QS_TAGS_MAX) {
			g->dropped++;
			continue;
		}
		arm->tag[m] = t;
		arm->tag_f[m] = f;
		m++;
	}
	return m;
}

/* Entries whose tags are out at every arm simulated leave the fifo. */
static void qs_fifo_pop(struct qlinksim_gen *g)
{
	int ch;

	while (g->fifo_len &&
	       (!(g->arms & BIT(0)) || g->arm[0].cur) &&
	       (!(g->arms & BIT(1)) || g->arm[1].cur)) {
		g->fifo_head = (g->fifo_head + 1) % QS_FIFO;
		g->fifo_len--;
		for (ch = 0; ch < 2; ch++)
			if (g->arms & BIT(ch))
				g->arm[ch].cur--;
	}
}

/*
 * F8: the drift of arm B's delay at link time @t_ps, ps. The product of
 * drift and time overflows s64 after 2.6 h at the largest drift: qcore
 * divides the 128-bit product.
 */
static s64 qs_drift(struct qlinksim_gen *g, u64 t_ps)
{
	return qcore_drift_ps(g->p.offset_drift, t_ps);
}

/* Paired mode: end B (NULL in split mode, or once dellink ran). */
static struct qlink *qs_peer_ql(struct qlinksim_gen *g)
{
	struct net_device *peer = rcu_dereference(((struct qlinksim *)
						   qlink_priv(g->ql))->peer);

	return peer ? qlink_from_dev(peer) : NULL;
}

/*
 * One time-tag slice [@start, @end); returns where it ended. A split
 * end reports its own channel only; the core sends it to the peer or
 * matches it with the peer's.
 */
static u64 qs_slice_tags(struct qlinksim_gen *g, u64 start, u64 end)
{
	s64 drift = qs_drift(g, start);
	struct qlink_tag_batch b = {
		.t_ps = { g->arm[0].tag, g->arm[1].tag },
		.flags = { g->arm[0].tag_f, g->arm[1].tag_f },
		.start_ps = start,
		.end_ps = end,
	};
	struct qlink_herald_batch hb = { .start_ps = start, .end_ps = end };
	struct qlink *b_ql;
	int n, ch;

	if (drift < 0 && -drift > (s64)g->arm[1].delay)
		drift = -(s64)g->arm[1].delay;
	if (g->split)
		qs_emit_split(g, g->arms == BIT(1), end);
	else
		qs_emit(g, end);
	for (ch = 0; ch < 2; ch++)
		if (g->arms & BIT(ch))
			b.n[ch] = qs_channel(g, ch, end, drift);
	qs_fifo_pop(g);

	n = qlink_ingest_tags(g->ql, &b, g->out, QLINK_INGEST_COINC_MAX);
	b_ql = qs_peer_ql(g);
	if (n >= 0 && b_ql) {
		hb.ev = g->out;
		hb.n = n;
		qlink_ingest_heralds(b_ql, &hb);
	}
	return end;
}

/* One herald-event slice [@start, @end); returns where it ended. */
static u64 qs_slice_events(struct qlinksim_gen *g, u64 start, u64 end)
{
	u64 att_end = qs_attempts_before(g, end - 1);
	struct qlink_herald_batch hb = { .ev = g->out, .start_ps = start };
	struct qlink *b_ql;
	u32 n = 0;

	while (g->next_succ < att_end) {
		if (n == QLINK_INGEST_COINC_MAX) {
			/* Leave the rest of the slice for the next one. */
			att_end = g->next_succ;
			end = mul_u64_u64_shr(att_end, g->period_q8, 8);
			break;
		}
		u64 att = g->att_base + g->next_succ;

		g->out[n++] = (struct qlink_herald) {
			.attempt = att,
			.t_ps = mul_u64_u64_shr(g->next_succ, g->period_q8, 8),
			.slot = g->slots ? att % g->slots : QLINK_SLOT_NONE,
			.success = 1,
			.bell_index = prandom_u32_state(&g->rnd) &
				      QLINK_TAG_BELL,
		};
		g->next_succ += 1 + qs_geom(g);
	}
	hb.n = n;
	hb.attempts = att_end > g->next_att ? att_end - g->next_att - n : 0;
	hb.end_ps = end;
	g->next_att = max(g->next_att, att_end);

	if (qlink_ingest_heralds(g->ql, &hb) >= 0) {
		b_ql = qs_peer_ql(g);
		if (b_ql)
			qlink_ingest_heralds(b_ql, &hb);
	}
	return end;
}

/*
 * The link clock reached QS_REBASE_PS: move its zero to the simulated
 * time (whole ns), at both ends, and go on from there. Pairs heralded
 * before are flushed by the core; attempt numbers go on from those of
 * the old base, pair numbers (time tags) from the core's. A split end
 * moves its real time of the zero along.
 */
static void qs_rebase(struct qlinksim_gen *g)
{
	u64 shift_ns = div_u64(g->sim_ps, PS_PER_NS);
	struct qlink *b_ql;
	int ch;

	g->t0_ns += shift_ns;
	g->sim_ps -= shift_ns * PS_PER_NS;
	if (g->split)
		g->r0_blk = qs_real_blk(g, shift_ns * PS_PER_NS, &g->r0_ps);
	g->att_base += g->next_att;
	qlink_pairs_rebase(g->ql, ns_to_ktime(g->t0_ns));
	b_ql = qs_peer_ql(g);
	if (b_ql)
		qlink_pairs_rebase(b_ql, ns_to_ktime(g->t0_ns));
	for (ch = 0; ch < 2; ch++)
		g->arm[ch].last_tag = 0;
	qs_restart(g, g->sim_ps);
}

/* Changes of what the model depends on; lock-free reads. */
static u64 qs_changes(struct qlink *ql)
{
	return READ_ONCE(qlinksim_of(ql)->phys_changes) +
	       READ_ONCE(ql->param_changes);
}

/* The model from the current physics and configuration of its end. */
static void qs_remodel(struct qlinksim_gen *g)
{
	struct qlinksim *sim = qlinksim_of(g->ql);
	struct qlinksim_phys p;
	struct qlink_config c;
	unsigned int seq;

	g->changes = qs_changes(g->ql);
	do {
		seq = read_seqbegin(&sim->phys_lock);
		p = sim->phys;
	} while (read_seqretry(&sim->phys_lock, seq));
	qlink_config_get(g->ql, &c);
	qs_model(g, &p, c.memory_slots ?: g->ql->caps.memory_slots);
}

static enum hrtimer_restart qs_tick(struct hrtimer *t)
{
	struct qlinksim_gen *g = container_of(t, struct qlinksim_gen, timer);
	s64 d;
	u64 now, end;
	int k;

	rcu_read_lock();
	if (unlikely(g->sim_ps >= QS_REBASE_PS))
		qs_rebase(g);
	/* a split end's clock may start below 0 (a negative offset) */
	d = ktime_get_ns() - g->t0_ns;
	now = d > 0 ? (u64)d * PS_PER_NS : 0;

	if (qs_changes(g->ql) != g->changes)
		qs_remodel(g);
	for (k = 0; k < QS_SLICES_PER_TICK && g->sim_ps < now; k++) {
		if (now - g->sim_ps > QS_LAG_MAX_PS) {
			u64 to = now - min(now, g->slice_ps);

			g->skipped_ps += to - g->sim_ps;
			g->sim_ps = to;
			qs_restart(g, to);
		}
		end = min(now, g->sim_ps + g->slice_ps);
		if (g->p.herald_model == QLINK_HERALD_EVENTS)
			g->sim_ps = qs_slice_events(g, g->sim_ps, end);
		else
			g->sim_ps = qs_slice_tags(g, g->sim_ps, end);
	}
	rcu_read_unlock();
	hrtimer_forward_now(t, ns_to_ktime((u64)clamp(tick_us, 100U, 100000U) *
					   NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void qs_gen_free(struct qlinksim_gen *g)
{
	int ch;

	if (!g)
		return;
	for (ch = 0; ch < 2; ch++) {
		kvfree(g->arm[ch].sig);
		kvfree(g->arm[ch].sig_f);
		kvfree(g->arm[ch].tag);
		kvfree(g->arm[ch].tag_f);
	}
	kvfree(g->fifo);
	kvfree(g->out);
	kfree(g);
}

/*
 * A generator for the link's two ends (@end QLINKSIM_END_BOTH) or for
 * one (split mode).
 */
static struct qlinksim_gen *qs_gen_alloc(u8 end)
{
	/* 330 KiB per link, 200 per split end, charged to who creates it */
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	struct qlinksim_gen *g = kzalloc(sizeof(*g), gfp);
	int ch;

	if (!g)
		return NULL;
	g->split = end != QLINKSIM_END_BOTH;
	g->arms = end == QLINKSIM_END_A ? BIT(0) :
		  end == QLINKSIM_END_B ? BIT(1) : BIT(0) | BIT(1);
	for (ch = 0; ch < 2; ch++) {
		struct qs_arm *arm = &g->arm[ch];

		if (!(g->arms & BIT(ch)))
			continue;
		arm->sig = kvmalloc_array(QS_TAGS_MAX, sizeof(u64), gfp);
		arm->sig_f = kvmalloc_array(QS_TAGS_MAX, sizeof(u16), gfp);
		arm->tag = kvmalloc_array(QS_TAGS_MAX, sizeof(u64), gfp);
		arm->tag_f = kvmalloc_array(QS_TAGS_MAX, sizeof(u16), gfp);
		if (!arm->sig || !arm->sig_f || !arm->tag || !arm->tag_f)
			goto err;
	}
	g->fifo = kvmalloc_array(QS_FIFO, sizeof(*g->fifo), gfp);
	g->out = kvmalloc_array(QLINK_INGEST_COINC_MAX, sizeof(*g->out), gfp);
	if (!g->fifo || !g->out)
		goto err;
	hrtimer_init(&g->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	g->timer.function = qs_tick;
	return g;
err:
	qs_gen_free(g);
	return NULL;
}

/* End A of the link @ql belongs to (RTNL), or NULL if it is gone. */
static struct qlink *qlinksim_end_a(struct qlink *ql)
{
	struct net_device *peer;

	if (!qlinksim_of(ql)->side_b)
		return ql;
	peer = qlinksim_peer(ql);
	return peer ? qlink_from_dev(peer) : NULL;
}

/* The end whose generator feeds @ql (RTNL), or NULL if it is gone. */
static struct qlink *qlinksim_gen_end(struct qlink *ql)
{
	return qlinksim_of(ql)->end != QLINKSIM_END_BOTH ? ql :
	       qlinksim_end_a(ql);
}

/*
 * Split mode: the link clock reads @base ps (the clock offset) at real
 * time @real_ns: its zero in real time, R0, as a block of the emitter
 * and ps in it.
 */
static void qs_split_zero(struct qlinksim_gen *g, u64 real_ns, s64 base)
{
	u32 rem_ns;
	u64 blk = div_u64_rem(real_ns, QCORE_EMIT_BLOCK_PS / PS_PER_NS, &rem_ns);
	s32 r;
	s64 q = div_s64_rem((s64)rem_ns * PS_PER_NS - base,
			    (s32)QCORE_EMIT_BLOCK_PS, &r);

	if (r < 0) {
		r += (s32)QCORE_EMIT_BLOCK_PS;
		q--;
	}
	g->r0_blk = blk + q;
	g->r0_ps = r;
}

/* End B's own randomness in split mode: not end A's. */
#define QS_SEED_SALT_B	0x9e3779b97f4a7c15ULL

/*
 * Start the clocks and the generator (RTNL): paired mode, once both ends
 * @a and @b are up; split mode (@b NULL), @a's alone. A split end's
 * clock is real time since it started plus its clock offset.
 */
static int qs_gen_start(struct qlink *a, struct qlink *b)
{
	struct qlinksim *sim = qlinksim_of(a);
	struct qlinksim_gen *g = sim->gen;
	u64 start_ps = 0;
	u32 delay_ms;
	ktime_t t0;
	int err;

	if (!g)
		return 0;
	hrtimer_cancel(&g->timer);
	if (!g->split) {
		start_ps = min_t(u64, qlinksim_start_clock_ps,
				 QLINK_CLOCK_MAX_PS);
		delay_ms = min_t(u32, qlinksim_start_delay_ms, 10000);
		if (delay_ms)
			msleep(delay_ms);
		/* the clock reads start_ps now: its zero may lie before boot */
		qlinksim_start_clock_ps = 0;
		start_ps -= start_ps % PS_PER_NS;
		t0 = ktime_sub_ns(ktime_get(), div_u64(start_ps, PS_PER_NS));
	} else {
		/*
		 * One reading, converted: the link clock's zero and the
		 * emissions' real time agree to the ns, so that two ends'
		 * clock bases give the true offset between their clocks.
		 * A negative offset puts the zero ahead: nothing until then.
		 */
		t0 = ktime_get();
		qs_split_zero(g, ktime_to_ns(ktime_mono_to_real(t0)),
			      sim->clock_offset);
		t0 -= div_s64(sim->clock_offset, PS_PER_NS);
		start_ps = max_t(s64, sim->clock_offset, 0);
	}
	err = qlink_pairs_start(a, t0);
	if (!err && b) {
		err = qlink_pairs_start(b, t0);
		if (err)
			qlink_pairs_stop(a);
	}
	if (err)
		return err;
	if (b) {
		qlink_set_pair_link_id(a, a->id);
		qlink_set_pair_link_id(b, a->id);
	}
	/* both ends draw the outcomes of one pair from the same key */
	sim->mkey.key[0] = sim->phys.seed;
	sim->mkey.key[1] = ~sim->phys.seed;
	if (b)
		qlinksim_of(b)->mkey = sim->mkey;

	g->ql = a;
	g->t0_ns = ktime_to_ns(t0);
	g->sim_ps = start_ps;
	g->att_base = 0;
	g->seq = 0;
	g->arm[0].last_tag = 0;
	g->arm[1].last_tag = 0;
	prandom_seed_state(&g->rnd, sim->phys.seed ^
			   (g->split && sim->side_b ? QS_SEED_SALT_B : 0));
	if (g->split)
		qcore_emitter_init(&g->em, sim->phys.seed,
				   sim->phys.source_rate);
	qs_remodel(g);
	qs_restart(g, start_ps);
	/* herald events: a split end B stores the records end A sends */
	if (g->split && sim->side_b &&
	    g->p.herald_model == QLINK_HERALD_EVENTS)
		return 0;
	hrtimer_start(&g->timer, ns_to_ktime((u64)clamp(tick_us, 100U, 100000U) *
					     NSEC_PER_USEC),
		      HRTIMER_MODE_REL_SOFT);
	return 0;
}

static void qs_gen_stop(struct qlink *ql)
{
	struct qlinksim_gen *g = ql ? qlinksim_of(ql)->gen : NULL;

	if (g)
		hrtimer_cancel(&g->timer);
}

static int qlinksim_start(struct qlink *ql)
{
	struct net_device *peer = qlinksim_peer(ql);

	if (qlinksim_fail_start) {
		qlinksim_fail_start--;
		return -EIO;
	}
	/* A split end runs on its own; the core owns its carrier. */
	if (qlinksim_of(ql)->end != QLINKSIM_END_BOTH)
		return qs_gen_start(ql, NULL);
	/* IFF_UP is set on this end once we return 0. */
	if (peer && (peer->flags & IFF_UP)) {
		struct qlink *a = qlinksim_end_a(ql);
		struct qlink *b = a == ql ? qlink_from_dev(peer) : ql;
		int err = qs_gen_start(a, b);

		if (err)
			return err;
		netif_carrier_on(ql->dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static void qlinksim_stop(struct qlink *ql)
{
	struct net_device *peer = qlinksim_peer(ql);

	/* Stop the producer before the core stops taking its batches. */
	qs_gen_stop(qlinksim_gen_end(ql));
	qlink_pairs_stop(ql);
	if (qlinksim_of(ql)->end != QLINKSIM_END_BOTH)
		return;
	netif_carrier_off(ql->dev);
	if (peer) {
		qlink_pairs_stop(qlink_from_dev(peer));
		netif_carrier_off(peer);
	}
}

/* ops->uninit (RTNL, after stop): the generator's owner frees it. */
static void qlinksim_uninit(struct qlink *ql)
{
	struct qlinksim *sim = qlinksim_of(ql);

	if (!sim->gen)
		return;
	hrtimer_cancel(&sim->gen->timer);
	qs_gen_free(sim->gen);
	sim->gen = NULL;
}

/*
 * The calibration the model implies for coincidence window @window_ps
 * (full width): what a physicist would compute for this configuration
 * and what the core's one-to-one matcher counts (qcore_link_expect():
 * jitter pushes a share of the true coincidences out of the window,
 * saturation and dead time thin the detections). The share is computed
 * for Gaussian jitter; qs_jitter()'s four-uniform approximation is
 * within 0.7% of it.
 */
static void qlinksim_calib(const struct qlinksim_phys *p, u32 window_ps,
			   struct qlink_calib *cal)
{
	struct qcore_link_expect e;
	u64 loss_a, loss_b;

	qlinksim_losses(p, &loss_a, &loss_b);
	loss_a = min_t(u64, loss_a, U32_MAX);
	loss_b = min_t(u64, loss_b, U32_MAX);
	qcore_link_expect(&(struct qcore_link_phys) {
		.source_rate	= p->source_rate,
		.eff		= { p->det_eff_a, p->det_eff_b },
		.loss		= { loss_a, loss_b },
		.dark		= { p->dark_rate, p->dark_rate },
		.jitter		= { p->jitter, p->jitter },
		.window		= window_ps,
		.dead_time	= p->dead_time,
		.max_det_rate	= p->max_det_rate,
	}, &e);

	*cal = (struct qlink_calib) {
		.fidelity	= p->fidelity - p->fidelity_drop,
		.det_eff	= { p->det_eff_a, p->det_eff_b },
		.dark		= { p->dark_rate, p->dark_rate },
		.loss		= { loss_a, loss_b },
		.herald_rate	= e.herald_rate,
		.accidental_rate = e.accidental_rate,
		.direct		= p->direct,
	};
	if (p->coherence)
		cal->coherence = max_t(u64, 1, mul_u64_u64_div_u64(p->coherence,
								   p->coherence_scale,
								   PPM));
}

/* Report the calibration of @ql's link (RTNL). */
static void qlinksim_report(struct qlink *ql)
{
	struct qlink_calib cal;

	qlinksim_calib(&qlinksim_of(ql)->phys, ql->config.window_full, &cal);
	qlink_calib_report(ql, &cal);
}

/* ops->config_changed: the expected accidentals follow the window. */
static void qlinksim_config_changed(struct qlink *ql)
{
	qlinksim_report(ql);
}

static int qlinksim_fill_link(struct qlink *ql, struct sk_buff *skb)
{
	struct net_device *peer = qlinksim_peer(ql);

	if (nla_put_u8(skb, QLINK_A_LINK_SIDE, qlinksim_of(ql)->side_b))
		return -EMSGSIZE;
	if (!peer)
		return 0;
	if (nla_put_u32(skb, QLINK_A_LINK_PEER_IFINDEX, peer->ifindex) ||
	    nla_put_u64_64bit(skb, QLINK_A_LINK_PEER_NETNS_COOKIE,
			      dev_net(peer)->net_cookie, QLINK_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* true with probability @ppm / 10^6, for a uniform 32-bit @draw */
static bool qs_chance(u32 draw, u32 ppm)
{
	return mul_u64_u32_shr(draw, PPM, 32) < ppm;
}

/*
 * ops->measure. Each end measures its own qubit, as two labs would: the
 * outcomes of one pair come from a hidden variable both ends draw from
 * the pair's id with the link's key, one uniform bit per basis. End A
 * reports it; end B reports it corrected by the Bell state, wrong with
 * the Werner probability (1 - F) 2/3 and flipped with the F7 fault's.
 * In a common basis the outcomes then correlate as the Werner state says;
 * in different bases (Z, X, Y are mutually unbiased) they are
 * independent, as quantum mechanics has them.
 */
static int qlinksim_measure(struct qlink *ql, const struct qlink_pair_info *p,
			    u8 basis)
{
	struct qlinksim *sim = qlinksim_of(ql);
	u64 h = siphash_3u64(p->pair_link_id, p->seq, basis, &sim->mkey);
	bool bit = h & 1;

	if (basis > QLINK_BASIS_Y)
		return -EINVAL;
	if (!sim->side_b)
		return bit;
	bit ^= !qcore_bell_agree(basis, p->bell_index);
	bit ^= (u32)(h >> 32) < qcore_werner_qber_q32(p->fidelity);
	h = siphash_3u64(p->pair_link_id, p->seq, basis + 4, &sim->mkey);
	bit ^= qs_chance(h, READ_ONCE(sim->phys.bit_flip));
	return bit;
}

static const struct qlink_ops qlinksim_ops = {
	.start		= qlinksim_start,
	.stop		= qlinksim_stop,
	.fill_link	= qlinksim_fill_link,
	.config_changed	= qlinksim_config_changed,
	.measure	= qlinksim_measure,
	.uninit		= qlinksim_uninit,
};

static void qlinksim_setup(struct net_device *dev)
{
	struct qlinksim *sim;

	qlink_setup(dev);
	dev->needs_free_netdev = true;
	sim = qlinksim_of(qlink_from_dev(dev));
	seqlock_init(&sim->phys_lock);
}

/* Physics: the defaults documented in <linux/qlink.h>, a random seed. */
static void qlinksim_phys_default(struct qlinksim_phys *p)
{
	*p = (struct qlinksim_phys) {
		.source_rate	= 300000000,
		.det_eff_a	= 800000,
		.det_eff_b	= 800000,
		.dark_rate	= 20000,
		.jitter		= 50,
		.fiber_len_a	= 1000,
		.fiber_len_b	= 1000,
		.fiber_loss	= 200,
		.fidelity	= 970000,
		.herald_model	= QLINK_HERALD_TIME_TAGS,
		.coherence_scale = PPM,
		.basis_z	= PPM / 2,
	};
}

static struct netlink_range_validation qs_rate_range = {
	.max = 1000000000000ULL,
};

static struct netlink_range_validation qs_ppm_range = { .max = PPM };

static struct netlink_range_validation qs_dark_range = { .max = 1000000000 };

static struct netlink_range_validation qs_jitter_range = { .max = 1000000 };

static struct netlink_range_validation qs_len_range = { .max = 1000000 };

static struct netlink_range_validation qs_atten_range = { .max = 10000 };

static struct netlink_range_validation qs_fidelity_range = {
	.min = 250000, .max = PPM,
};

static struct netlink_range_validation qs_coherence_range = {
	.max = 1000000000000000ULL,
};

static struct netlink_range_validation qs_model_range = {
	.min = QLINK_HERALD_TIME_TAGS, .max = QLINK_HERALD_EVENTS,
};

static struct netlink_range_validation qs_seed_range = { .max = S64_MAX };

static struct netlink_range_validation qs_extra_loss_range = { .max = 100000 };

static struct netlink_range_validation qs_drop_range = { .max = 750000 };

static struct netlink_range_validation qs_scale_range = {
	.min = 1, .max = PPM,
};

static struct netlink_range_validation qs_dead_range = { .max = 1000000000 };

static struct netlink_range_validation qs_max_rate_range = {
	.max = 10000000000000ULL,
};

static struct netlink_range_validation_signed qs_drift_range = {
	.min = -1000000000, .max = 1000000000,
};

static struct netlink_range_validation_signed qs_clock_offset_range = {
	.min = -1000000000000LL, .max = 1000000000000LL,
};

static const struct nla_policy qlinksim_policy[IFLA_QLINKSIM_MAX + 1] = {
	[IFLA_QLINKSIM_PEER]	= { .len = sizeof(struct ifinfomsg) },
	[IFLA_QLINKSIM_CONFIG]	= { .type = NLA_NESTED },
	[IFLA_QLINKSIM_SOURCE_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &qs_rate_range),
	[IFLA_QLINKSIM_DET_EFF_A] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_ppm_range),
	[IFLA_QLINKSIM_DET_EFF_B] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_ppm_range),
	[IFLA_QLINKSIM_DARK_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_dark_range),
	[IFLA_QLINKSIM_JITTER]	= NLA_POLICY_FULL_RANGE(NLA_U32, &qs_jitter_range),
	[IFLA_QLINKSIM_FIBER_LEN_A] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_len_range),
	[IFLA_QLINKSIM_FIBER_LEN_B] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_len_range),
	[IFLA_QLINKSIM_FIBER_LOSS] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_atten_range),
	[IFLA_QLINKSIM_FIDELITY] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_fidelity_range),
	[IFLA_QLINKSIM_COHERENCE] = NLA_POLICY_FULL_RANGE(NLA_U64, &qs_coherence_range),
	[IFLA_QLINKSIM_HERALD_MODEL] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_model_range),
	[IFLA_QLINKSIM_SEED]	= NLA_POLICY_FULL_RANGE(NLA_U64, &qs_seed_range),
	[IFLA_QLINKSIM_EXTRA_LOSS] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_extra_loss_range),
	[IFLA_QLINKSIM_FIDELITY_DROP] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_drop_range),
	[IFLA_QLINKSIM_COHERENCE_SCALE] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_scale_range),
	[IFLA_QLINKSIM_DEAD_TIME] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_dead_range),
	[IFLA_QLINKSIM_MAX_DET_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &qs_max_rate_range),
	[IFLA_QLINKSIM_BIT_FLIP] = NLA_POLICY_FULL_RANGE(NLA_U32, &qs_ppm_range),
	[IFLA_QLINKSIM_OFFSET_DRIFT] =
		NLA_POLICY_FULL_RANGE_SIGNED(NLA_S32, &qs_drift_range),
	[IFLA_QLINKSIM_DIRECT]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_QLINKSIM_BASIS_Z]	= NLA_POLICY_FULL_RANGE(NLA_U32, &qs_ppm_range),
	[IFLA_QLINKSIM_END]	= NLA_POLICY_MAX(NLA_U8, QLINKSIM_END_B),
	/* qlink_peer_set() parses the nest against the core's policy */
	[IFLA_QLINKSIM_LINK_PEER] = { .type = NLA_NESTED },
	[IFLA_QLINKSIM_CLOCK_OFFSET] =
		NLA_POLICY_FULL_RANGE_SIGNED(NLA_S64, &qs_clock_offset_range),
};

/*
 * The physics attributes of @data (already checked against the policy)
 * into @p; false if none was there. They run from SOURCE_RATE to
 * BASIS_Z; the split mode's per-end attributes follow.
 */
static bool qlinksim_phys_parse(struct nlattr *data[], struct qlinksim_phys *p)
{
	int i;

	for (i = IFLA_QLINKSIM_SOURCE_RATE; i <= IFLA_QLINKSIM_BASIS_Z; i++)
		if (data[i])
			break;
	if (i > IFLA_QLINKSIM_BASIS_Z)
		return false;
	if (data[IFLA_QLINKSIM_SOURCE_RATE])
		p->source_rate = nla_get_u64(data[IFLA_QLINKSIM_SOURCE_RATE]);
	if (data[IFLA_QLINKSIM_DET_EFF_A])
		p->det_eff_a = nla_get_u32(data[IFLA_QLINKSIM_DET_EFF_A]);
	if (data[IFLA_QLINKSIM_DET_EFF_B])
		p->det_eff_b = nla_get_u32(data[IFLA_QLINKSIM_DET_EFF_B]);
	if (data[IFLA_QLINKSIM_DARK_RATE])
		p->dark_rate = nla_get_u32(data[IFLA_QLINKSIM_DARK_RATE]);
	if (data[IFLA_QLINKSIM_JITTER])
		p->jitter = nla_get_u32(data[IFLA_QLINKSIM_JITTER]);
	if (data[IFLA_QLINKSIM_FIBER_LEN_A])
		p->fiber_len_a = nla_get_u32(data[IFLA_QLINKSIM_FIBER_LEN_A]);
	if (data[IFLA_QLINKSIM_FIBER_LEN_B])
		p->fiber_len_b = nla_get_u32(data[IFLA_QLINKSIM_FIBER_LEN_B]);
	if (data[IFLA_QLINKSIM_FIBER_LOSS])
		p->fiber_loss = nla_get_u32(data[IFLA_QLINKSIM_FIBER_LOSS]);
	if (data[IFLA_QLINKSIM_FIDELITY])
		p->fidelity = nla_get_u32(data[IFLA_QLINKSIM_FIDELITY]);
	if (data[IFLA_QLINKSIM_COHERENCE])
		p->coherence = nla_get_u64(data[IFLA_QLINKSIM_COHERENCE]);
	if (data[IFLA_QLINKSIM_HERALD_MODEL])
		p->herald_model = nla_get_u32(data[IFLA_QLINKSIM_HERALD_MODEL]);
	if (data[IFLA_QLINKSIM_SEED])
		p->seed = nla_get_u64(data[IFLA_QLINKSIM_SEED]);
	if (data[IFLA_QLINKSIM_EXTRA_LOSS])
		p->extra_loss = nla_get_u32(data[IFLA_QLINKSIM_EXTRA_LOSS]);
	if (data[IFLA_QLINKSIM_FIDELITY_DROP])
		p->fidelity_drop = nla_get_u32(data[IFLA_QLINKSIM_FIDELITY_DROP]);
	if (data[IFLA_QLINKSIM_COHERENCE_SCALE])
		p->coherence_scale = nla_get_u32(data[IFLA_QLINKSIM_COHERENCE_SCALE]);
	if (data[IFLA_QLINKSIM_DEAD_TIME])
		p->dead_time = nla_get_u32(data[IFLA_QLINKSIM_DEAD_TIME]);
	if (data[IFLA_QLINKSIM_MAX_DET_RATE])
		p->max_det_rate = nla_get_u64(data[IFLA_QLINKSIM_MAX_DET_RATE]);
	if (data[IFLA_QLINKSIM_BIT_FLIP])
		p->bit_flip = nla_get_u32(data[IFLA_QLINKSIM_BIT_FLIP]);
	if (data[IFLA_QLINKSIM_OFFSET_DRIFT])
		p->offset_drift = nla_get_s32(data[IFLA_QLINKSIM_OFFSET_DRIFT]);
	if (data[IFLA_QLINKSIM_DIRECT])
		p->direct = nla_get_u8(data[IFLA_QLINKSIM_DIRECT]);
	if (data[IFLA_QLINKSIM_BASIS_Z])
		p->basis_z = nla_get_u32(data[IFLA_QLINKSIM_BASIS_Z]);
	return true;
}

/* Checks across attributes of a complete physics @p. */
static int qlinksim_phys_check(const struct qlinksim_phys *p,
			       struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	if (p->fidelity_drop > p->fidelity - 250000) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_FIDELITY_DROP] ?:
				    data[IFLA_QLINKSIM_FIDELITY],
				    "IFLA_QLINKSIM_FIDELITY minus IFLA_QLINKSIM_FIDELITY_DROP must stay >= 250000 ppm");
		return -EINVAL;
	}
	if (p->direct && p->herald_model != QLINK_HERALD_TIME_TAGS) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_DIRECT] ?:
				    data[IFLA_QLINKSIM_HERALD_MODEL],
				    "IFLA_QLINKSIM_DIRECT needs the time-tags herald model");
		return -EINVAL;
	}
	return 0;
}

/* Seed 0 asks for a random one; reported as a non-negative s64. */
static void qlinksim_phys_seed(struct qlinksim_phys *p)
{
	while (!p->seed)
		p->seed = get_random_u64() & S64_MAX;
}

/* Make @p the physics of @ql (RTNL) and report what it implies. */
static void qlinksim_phys_commit(struct qlink *ql,
				 const struct qlinksim_phys *p)
{
	struct qlinksim *sim = qlinksim_of(ql);

	ASSERT_RTNL();
	write_seqlock_bh(&sim->phys_lock);
	sim->phys = *p;
	write_sequnlock_bh(&sim->phys_lock);
	WRITE_ONCE(sim->phys_changes, sim->phys_changes + 1);
	qlinksim_report(ql);
}

/* The offset follows the fibers: 5 ns per metre of length difference. */
static s64 qlinksim_offset(const struct qlinksim_phys *p)
{
	return ((s64)p->fiber_len_b - (s64)p->fiber_len_a) * (s64)QS_PS_PER_M;
}

static int qlinksim_fill_phys(struct sk_buff *skb, const struct qlinksim_phys *p)
{
	if (nla_put_u64_64bit(skb, IFLA_QLINKSIM_SOURCE_RATE, p->source_rate,
			      IFLA_QLINKSIM_PAD) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_DET_EFF_A, p->det_eff_a) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_DET_EFF_B, p->det_eff_b) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_DARK_RATE, p->dark_rate) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_JITTER, p->jitter) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_FIBER_LEN_A, p->fiber_len_a) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_FIBER_LEN_B, p->fiber_len_b) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_FIBER_LOSS, p->fiber_loss) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_FIDELITY, p->fidelity) ||
	    nla_put_u64_64bit(skb, IFLA_QLINKSIM_COHERENCE, p->coherence,
			      IFLA_QLINKSIM_PAD) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_HERALD_MODEL, p->herald_model) ||
	    nla_put_u64_64bit(skb, IFLA_QLINKSIM_SEED, p->seed,
			      IFLA_QLINKSIM_PAD) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_EXTRA_LOSS, p->extra_loss) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_FIDELITY_DROP, p->fidelity_drop) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_COHERENCE_SCALE,
			p->coherence_scale) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_DEAD_TIME, p->dead_time) ||
	    nla_put_u64_64bit(skb, IFLA_QLINKSIM_MAX_DET_RATE, p->max_det_rate,
			      IFLA_QLINKSIM_PAD) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_BIT_FLIP, p->bit_flip) ||
	    nla_put_s32(skb, IFLA_QLINKSIM_OFFSET_DRIFT, p->offset_drift) ||
	    nla_put_u8(skb, IFLA_QLINKSIM_DIRECT, p->direct) ||
	    nla_put_u32(skb, IFLA_QLINKSIM_BASIS_Z, p->basis_z))
		return -EMSGSIZE;
	return 0;
}

/* Attributes alone; the values against each other are checked in newlink. */
static int qlinksim_validate(struct nlattr *tb[], struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "qlink devices have no hardware address");
		return -EINVAL;
	}
	return 0;
}

/* The split mode's attributes against the ends @end makes (creation). */
static int qlinksim_end_check(u8 end, const struct qlinksim_phys *p,
			      struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	if (end == QLINKSIM_END_BOTH) {
		if (!data[IFLA_QLINKSIM_LINK_PEER] &&
		    !data[IFLA_QLINKSIM_CLOCK_OFFSET])
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_LINK_PEER] ?:
				    data[IFLA_QLINKSIM_CLOCK_OFFSET],
				    "IFLA_QLINKSIM_LINK_PEER and IFLA_QLINKSIM_CLOCK_OFFSET are for a split end (IFLA_QLINKSIM_END a or b)");
		return -EINVAL;
	}
	if (data[IFLA_QLINKSIM_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_PEER],
				    "a split end (IFLA_QLINKSIM_END a or b) has no peer device: its other end is made on its own host");
		return -EINVAL;
	}
	if (!data[IFLA_QLINKSIM_LINK_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_END],
				    "a split end needs IFLA_QLINKSIM_LINK_PEER: the address, port and key of its other end");
		return -EINVAL;
	}
	/* a random seed would not be the other end's */
	if (!p->seed) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_SEED] ?:
				    data[IFLA_QLINKSIM_END],
				    "a split end needs a non-zero IFLA_QLINKSIM_SEED, the same at both ends");
		return -EINVAL;
	}
	return 0;
}

/*
 * Split mode: one end, whose other end is made on another host (or
 * netns) and reached through the link protocol; end A decides.
 */
static int qlinksim_newlink_split(struct net *src_net, struct net_device *dev,
				  u8 end, const struct qlinksim_phys *phys,
				  const struct qlink_config *c,
				  struct nlattr *data[],
				  struct netlink_ext_ack *extack)
{
	struct qlink *ql = qlink_from_dev(dev);
	struct qlinksim *sim = qlinksim_of(ql);
	struct qlinksim_gen *gen;
	int err;

	gen = qs_gen_alloc(end);
	if (!gen)
		return -ENOMEM;
	qlink_init(ql, &qlinksim_ops, &qlinksim_caps, c);
	sim->end = end;
	sim->side_b = end == QLINKSIM_END_B;
	sim->phys = *phys;
	if (data[IFLA_QLINKSIM_CLOCK_OFFSET])
		sim->clock_offset = nla_get_s64(data[IFLA_QLINKSIM_CLOCK_OFFSET]);
	qlinksim_report(ql);
	err = register_netdevice(dev);
	if (err)
		goto err;
	sim->gen = gen;
	/* registered first: ndo_uninit releases the peer however it ends */
	err = qlink_peer_set(ql, src_net, data[IFLA_QLINKSIM_LINK_PEER],
			     end == QLINKSIM_END_A ? QLINK_ROLE_DECIDE :
						     QLINK_ROLE_FOLLOW, extack);
	if (err)
		unregister_netdevice(dev);
	return err;
err:
	qs_gen_free(gen);
	return err;
}

static int qlinksim_newlink(struct net *src_net, struct net_device *dev,
			    struct nlattr *tb[], struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct nlattr *peer_tb[IFLA_MAX + 1], **tbp = tb;
	struct nlattr *none[IFLA_QLINKSIM_MAX + 1] = {}, *nest;
	unsigned char name_assign_type;
	struct ifinfomsg *ifmp = NULL;
	struct qlinksim_phys phys;
	struct qlink_config c;
	struct net_device *peer;
	char ifname[IFNAMSIZ];
	struct qlinksim_gen *gen;
	struct qlinksim *sim;
	struct net *net;
	u8 end;
	int err;

	if (!data)
		data = none;
	qlinksim_phys_default(&phys);
	qlinksim_phys_parse(data, &phys);
	end = data[IFLA_QLINKSIM_END] ? nla_get_u8(data[IFLA_QLINKSIM_END]) :
					QLINKSIM_END_BOTH;
	err = qlinksim_phys_check(&phys, data, extack) ?:
	      qlinksim_end_check(end, &phys, data, extack);
	if (err)
		return err;
	qlinksim_phys_seed(&phys);
	/* the offset follows the fibers unless the configuration sets it */
	qlink_config_default(&c);
	c.offset = qlinksim_offset(&phys);
	nest = data[IFLA_QLINKSIM_CONFIG];
	err = qlink_config_parse(nest, &c, extack) ?:
	      qlink_config_check(&qlinksim_caps, &c, nest, extack);
	if (err)
		return err;
	if (end != QLINKSIM_END_BOTH)
		return qlinksim_newlink_split(src_net, dev, end, &phys, &c,
					      data, extack);

	/* End B first, as veth does. */
	if (data[IFLA_QLINKSIM_PEER]) {
		struct nlattr *nla_peer = data[IFLA_QLINKSIM_PEER];

		ifmp = nla_data(nla_peer);
		err = rtnl_nla_parse_ifinfomsg(peer_tb, nla_peer, extack);
		if (err < 0)
			return err;
		err = qlinksim_validate(peer_tb, NULL, extack);
		if (err < 0)
			return err;
		tbp = peer_tb;
	}

	if (ifmp && tbp[IFLA_IFNAME]) {
		nla_strscpy(ifname, tbp[IFLA_IFNAME], IFNAMSIZ);
		name_assign_type = NET_NAME_USER;
	} else {
		snprintf(ifname, IFNAMSIZ, DRV_NAME "%%d");
		name_assign_type = NET_NAME_ENUM;
	}

	net = rtnl_link_get_net(src_net, tbp);
	if (IS_ERR(net))
		return PTR_ERR(net);
	/* Creating end B in another netns needs CAP_NET_ADMIN over it. */
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN)) {
		put_net(net);
		NL_SET_ERR_MSG(extack, "CAP_NET_ADMIN needed in the peer's netns");
		return -EPERM;
	}

	/* End A's generator; owned by end A once it is registered. */
	gen = qs_gen_alloc(QLINKSIM_END_BOTH);
	if (!gen) {
		put_net(net);
		return -ENOMEM;
	}

	peer = rtnl_create_link(net, ifname, name_assign_type,
				&qlinksim_link_ops, tbp, extack);
	if (IS_ERR(peer)) {
		put_net(net);
		qs_gen_free(gen);
		return PTR_ERR(peer);
	}
	qlink_init(qlink_from_dev(peer), &qlinksim_ops, &qlinksim_caps, &c);
	qlinksim_of(qlink_from_dev(peer))->side_b = true;
	qlinksim_of(qlink_from_dev(peer))->phys = phys;
	qlinksim_report(qlink_from_dev(peer));
	if (ifmp && dev->ifindex)
		peer->ifindex = ifmp->ifi_index;

	err = register_netdevice(peer);
	put_net(net);
	if (err < 0)
		goto err_register_peer;

	err = rtnl_configure_link(peer, ifmp, 0, NULL);
	if (err < 0)
		goto err_configure_peer;

	/* End A; its name may have been taken by the peer meanwhile. */
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		snprintf(dev->name, IFNAMSIZ, DRV_NAME "%%d");
	qlink_init(qlink_from_dev(dev), &qlinksim_ops, &qlinksim_caps, &c);
	qlinksim_of(qlink_from_dev(dev))->phys = phys;
	qlinksim_report(qlink_from_dev(dev));

	err = register_netdevice(dev);
	if (err < 0)
		goto err_configure_peer;

	sim = qlinksim_of(qlink_from_dev(dev));
	sim->gen = gen;
	rcu_assign_pointer(sim->peer, peer);
	sim = qlinksim_of(qlink_from_dev(peer));
	rcu_assign_pointer(sim->peer, dev);
	/* Sockets on either end request pairs from the other. */
	qlink_connect(qlink_from_dev(dev), qlink_from_dev(peer));
	return 0;

err_configure_peer:
	unregister_netdevice(peer);
	qs_gen_free(gen);
	return err;

err_register_peer:
	free_netdev(peer);
	qs_gen_free(gen);
	return err;
}

/*
 * Deleting either end deletes both. Called from ip link del and from
 * default_device_exit_batch() when a netns goes away; the devices are not
 * freed before an RCU grace period, so RCU readers of ->peer stay safe.
 */
static void qlinksim_dellink(struct net_device *dev, struct list_head *head)
{
	struct qlinksim *sim = qlinksim_of(qlink_from_dev(dev));
	struct net_device *peer = rtnl_dereference(sim->peer);

	RCU_INIT_POINTER(sim->peer, NULL);
	unregister_netdevice_queue(dev, head);
	if (peer) {
		sim = qlinksim_of(qlink_from_dev(peer));
		RCU_INIT_POINTER(sim->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static int qlinksim_changelink(struct net_device *dev, struct nlattr *tb[],
			       struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	struct qlink *ql = qlink_from_dev(dev);
	struct net_device *peer = qlinksim_peer(ql);
	struct qlinksim *sim = qlinksim_of(ql);
	struct nlattr *offset = data ? data[IFLA_QLINKSIM_CLOCK_OFFSET] : NULL;
	struct qlinksim_phys p = sim->phys;
	struct qlink_config c;
	bool running, phys;
	int err;

	if (!data)
		return 0;
	if (data[IFLA_QLINKSIM_END]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_END],
				    "IFLA_QLINKSIM_END is for creation only");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_QLINKSIM_LINK_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_LINK_PEER],
				    "IFLA_QLINKSIM_LINK_PEER is for creation only: change the peer with QLINK_CMD_LINK_SET");
		return -EOPNOTSUPP;
	}
	if (offset && sim->end == QLINKSIM_END_BOTH) {
		NL_SET_ERR_MSG_ATTR(extack, offset,
				    "IFLA_QLINKSIM_CLOCK_OFFSET is for a split end (IFLA_QLINKSIM_END a or b)");
		return -EOPNOTSUPP;
	}
	/* the clock starts with the link */
	if (offset && (dev->flags & IFF_UP)) {
		NL_SET_ERR_MSG_ATTR(extack, offset,
				    "IFLA_QLINKSIM_CLOCK_OFFSET cannot change while up");
		return -EBUSY;
	}
	if (data[IFLA_QLINKSIM_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_PEER],
				    "the peer of a qlinksim link cannot change");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_QLINKSIM_CONFIG]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_CONFIG],
				    "IFLA_QLINKSIM_CONFIG is for creation only: change the configuration with QLINK_CMD_LINK_SET");
		return -EOPNOTSUPP;
	}
	phys = qlinksim_phys_parse(data, &p);
	if (!phys)
		goto offset;
	err = qlinksim_phys_check(&p, data, extack);
	if (err)
		return err;
	if (sim->end != QLINKSIM_END_BOTH && !p.seed) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_SEED],
				    "a split end needs a non-zero IFLA_QLINKSIM_SEED, the same at both ends");
		return -EINVAL;
	}
	/* both ends are one fiber: the change applies to the peer too */
	if (peer && !net_eq(dev_net(peer), dev_net(dev)) &&
	    !ns_capable(dev_net(peer)->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "the change applies to the link's other end too: CAP_NET_ADMIN over its netns needed");
		return -EPERM;
	}
	/* The PRNG and the heralding model are fixed while either end runs. */
	running = (dev->flags & IFF_UP) || (peer && (peer->flags & IFF_UP));
	if (running && data[IFLA_QLINKSIM_SEED]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_SEED],
				    "IFLA_QLINKSIM_SEED cannot change while up");
		return -EBUSY;
	}
	if (running && data[IFLA_QLINKSIM_HERALD_MODEL]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_QLINKSIM_HERALD_MODEL],
				    "IFLA_QLINKSIM_HERALD_MODEL cannot change while up");
		return -EBUSY;
	}
	qlinksim_phys_seed(&p);

	qlinksim_phys_commit(ql, &p);
	if (peer)
		qlinksim_phys_commit(qlink_from_dev(peer), &p);
	if (data[IFLA_QLINKSIM_FIBER_LEN_A] || data[IFLA_QLINKSIM_FIBER_LEN_B]) {
		c = ql->config;
		c.offset = qlinksim_offset(&p);
		qlink_config_commit(ql, &c);
		if (peer)
			qlink_config_commit(qlink_from_dev(peer), &c);
	}
offset:
	if (offset)
		sim->clock_offset = nla_get_s64(offset);
	return 0;
}

static size_t qlinksim_get_size(const struct net_device *dev)
{
	return 5 * nla_total_size_64bit(sizeof(u64)) +
	       16 * nla_total_size(sizeof(u32)) + 2 * nla_total_size(sizeof(u8));
}

static int qlinksim_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct qlinksim *sim = qlinksim_of(qlink_from_dev(dev));

	if (qlinksim_fill_phys(skb, &sim->phys) ||
	    nla_put_u8(skb, IFLA_QLINKSIM_END, sim->end) ||
	    nla_put_s64(skb, IFLA_QLINKSIM_CLOCK_OFFSET, sim->clock_offset,
			IFLA_QLINKSIM_PAD))
		return -EMSGSIZE;
	return 0;
}

static struct net *qlinksim_get_link_net(const struct net_device *dev)
{
	struct qlinksim *sim = qlinksim_of(qlink_from_dev(dev));
	struct net_device *peer = rtnl_dereference(sim->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static struct rtnl_link_ops qlinksim_link_ops = {
	.kind		= DRV_NAME,
	.priv_size	= QLINK_PRIV_SIZE(sizeof(struct qlinksim)),
	.setup		= qlinksim_setup,
	.validate	= qlinksim_validate,
	.newlink	= qlinksim_newlink,
	.changelink	= qlinksim_changelink,
	.dellink	= qlinksim_dellink,
	.policy		= qlinksim_policy,
	.maxtype	= IFLA_QLINKSIM_MAX,
	.get_size	= qlinksim_get_size,
	.fill_info	= qlinksim_fill_info,
	.get_link_net	= qlinksim_get_link_net,
};

static int __init qlinksim_init(void)
{
	int err;

	err = rtnl_link_register(&qlinksim_link_ops);
	if (err)
		return err;
	qlinksim_debugfs = debugfs_create_dir(DRV_NAME, NULL);
	debugfs_create_u32("fail_start", 0600, qlinksim_debugfs,
			   &qlinksim_fail_start);
	debugfs_create_u64("start_clock_ps", 0600, qlinksim_debugfs,
			   &qlinksim_start_clock_ps);
	debugfs_create_u32("start_delay_ms", 0600, qlinksim_debugfs,
			   &qlinksim_start_delay_ms);
	return 0;
}

static void __exit qlinksim_exit(void)
{
	debugfs_remove_recursive(qlinksim_debugfs);
	rtnl_link_unregister(&qlinksim_link_ops);
}

module_init(qlinksim_init);
module_exit(qlinksim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("qlinksim: simulated quantum link (qlink driver)");
MODULE_AUTHOR("qlink developers");
MODULE_ALIAS_RTNL_LINK(DRV_NAME);
