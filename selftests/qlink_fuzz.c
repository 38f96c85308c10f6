// SPDX-License-Identifier: GPL-2.0
/*
 * A fuzzer of qlink's kernel interface, bounded in time, run in the guest.
 *
 * Several actors (processes) run at once, each in its own namespace and
 * with its own privileges, until the time is up:
 *   init    root in the initial netns
 *   ns      root in a netns made for the test (its links are shared)
 *   ns2     root in the same netns: a second process on the same links
 *   fresh   root in a fresh netns of its own
 *   userns  an unprivileged user (65534) in a user namespace of its own,
 *           with CAP_NET_ADMIN over its own netns
 *   nobody  user 65534 in the test's netns, on the links root made there
 * Each one interleaves, at random:
 *  - genetlink calls of every command of the "qlink" family, with
 *    attributes generated from the policies the kernel reports
 *    (CTRL_CMD_GETPOLICY): values at and around each range's bounds,
 *    wrong lengths, attributes the policy does not have, random nests,
 *    missing attributes, doit and dump;
 *  - rtnetlink add/delete/up/down of qlinksim links (peers in another
 *    netns too), with parameters from the same policies;
 *  - AF_QLINK socket calls: socket, bind with boundary sockaddr_qlink,
 *    setsockopt/getsockopt, send of struct qlink_create with boundary
 *    values in every field, recv with MSG_DONTWAIT/PEEK/TRUNC, poll,
 *    getsockname, close; and a "session" that keeps a bound socket pair
 *    with a receiver on an up link busy with requests, so that requests
 *    are really scheduled while the rest goes on around them;
 *  - multicast listeners on the family's groups.
 *
 * It fails when an actor dies of a signal, a call hangs (an alarm), a call
 * answers with an errno that cannot be right (EFAULT, ENOMEM, EBADF,
 * ENOTSOCK), the kernel taints itself (a WARN, an oops) or objects of the
 * module are left over. Every actor's PRNG derives from the seed printed
 * at the start: `qlink_fuzz --seed S --actors A,B` replays each actor's
 * sequence of calls (their interleaving is up to the scheduler). The last
 * calls of each actor are printed on failure (all of them with -v).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "qlink_nl.h"
#include "qlink_policy.h"

#define RING		64	/* last calls kept per actor */
#define ENT		240	/* characters of one call's description */
#define ANS_MAX		384	/* distinct answers kept per actor */
#define ANS_LEN		120
#define NSK		6	/* socket slots per actor */
#define NLINK		2	/* links per actor */

enum kind {
	K_GENL, K_GENL_DUMP, K_LINK_ADD, K_LINK_DEL, K_LINK_UP, K_LINK_DOWN,
	K_SOCKET, K_BIND, K_SETSOCKOPT, K_GETSOCKOPT, K_SEND, K_RECV, K_POLL,
	K_GETNAME, K_CLOSE, K_MCAST, K_LINK_CHANGE, K_NR
};

static const char * const kind_name[K_NR] = {
	"genl-do", "genl-dump", "link-add", "link-del", "link-up",
	"link-down", "socket", "bind", "setsockopt", "getsockopt", "send",
	"recv", "poll", "getsockname", "close", "mcast", "link-change",
};

enum role { R_INIT, R_NS, R_NS2, R_FRESH, R_USERNS, R_NOBODY, R_NR };

static const char * const role_name[R_NR] = {
	"init", "ns", "ns2", "fresh", "userns", "nobody",
};

/* What an actor leaves where its parent can read it, even after a crash. */
struct shm_actor {
	int used, failed;
	pid_t pid;
	unsigned int pos;		/* calls made; ring index = pos % RING */
	char ring[RING][ENT];
	unsigned long calls[K_NR];
	unsigned long recs[3];		/* records read: OK, ERR, other */
	double slow_s;			/* the slowest call */
	char slow[ENT];
	int n_ans;
	unsigned long ans_lost;
	char ans[ANS_MAX][ANS_LEN];
	char fail[512];
	unsigned int fail_pos;		/* pos when it failed */
	char fail_ring[RING][ENT];	/* the ring then */
	char note[256];			/* setup trouble, not a failure */
};

struct shm {
	volatile int stop;
	struct shm_actor a[R_NR];
};

static struct shm *shm;

struct sk_slot {
	int fd;
	int bound;
};

struct actor {
	int role;
	uint64_t rng;
	struct shm_actor *sh;
	struct qf_family *fam;
	struct qf_nl gn;		/* raw genetlink */
	struct qlink_nl rt;		/* rtnetlink (libnl) */
	int have_rt;
	int af;
	int own_links;			/* creates links of its own */
	int peer_nsfd;			/* netns for remote peers, or -1 */
	char own[NLINK][2][IFNAMSIZ];	/* [link][end A/B] */
	char names[8][IFNAMSIZ];	/* every link name it uses */
	int n_names;
	struct sk_slot sk[NSK];
	/* the session: a creator at end A, a receiver at end B */
	int ses_a, ses_b;
	uint32_t ses_purpose;
	int ses_link;
	char ses_name[2][IFNAMSIZ];	/* its two ends */
	int mc_fd;
	int valid;			/* this call: mostly valid values */
	char *d;			/* description being written */
	size_t dlen;
	double t_call;			/* when the current call began */
	unsigned long ses_ops;		/* session steps since it was set up */
};

static struct qf_family fam;
static int verbose;
static int stop_on_failure;
static int watchdog_s = 30;
static const uint32_t purpose_pool[] = { 1, 2, 7, 0xffffffffu };

/* ---- PRNG (splitmix64), one per actor ---- */

static uint64_t rnd(struct actor *a)
{
	uint64_t z = (a->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(struct actor *a, uint64_t n)
{
	return n ? rnd(a) % n : 0;
}

static int chance(struct actor *a, int pct)
{
	return (int)below(a, 100) < pct;
}

/* ---- the record of calls ---- */

static void desc(struct actor *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->dlen >= ENT - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(a->d + a->dlen, ENT - a->dlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		a->dlen += n;
	if (a->dlen > ENT - 1)
		a->dlen = ENT - 1;
}

static double mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Start the description of a call (it is in the ring before it runs). */
static void call_begin(struct actor *a, enum kind k)
{
	a->d = a->sh->ring[a->sh->pos % RING];
	a->dlen = 0;
	a->d[0] = 0;
	a->sh->calls[k]++;
	desc(a, "%u %s ", a->sh->pos, kind_name[k]);
	a->t_call = mono_s();
	alarm(watchdog_s);
}

static void fail(struct actor *a, const char *fmt, ...)
{
	va_list ap;

	if (a->sh->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(a->sh->fail, sizeof(a->sh->fail), fmt, ap);
	va_end(ap);
	a->sh->failed = 1;
	a->sh->fail_pos = a->sh->pos + 1;
	memcpy(a->sh->fail_ring, a->sh->ring, sizeof(a->sh->ring));
	if (stop_on_failure)
		shm->stop = 1;
}

/* errnos that no call of ours may get: the kernel or the fuzzer is wrong */
static int bad_errno(int err)
{
	return err == EFAULT || err == ENOMEM || err == EBADF ||
	       err == ENOTSOCK;
}

/* Finish a call: note its answer; RET < 0 is -errno. */
static void call_end(struct actor *a, const char *what, int ret,
		     const char *extack)
{
	struct shm_actor *sh = a->sh;
	char key[ANS_LEN];
	int i;

	double dt = mono_s() - a->t_call;

	alarm(0);
	desc(a, "-> %d%s%s%s", ret, extack && *extack ? " \"" : "",
	     extack && *extack ? extack : "", extack && *extack ? "\"" : "");
	sh->pos++;
	if (dt > sh->slow_s) {
		sh->slow_s = dt;
		memcpy(sh->slow, a->d, ENT);
	}
	snprintf(key, sizeof(key), "%s %s%s%s", what,
		 ret < 0 ? strerror(-ret) : "ok", extack && *extack ? ": " : "",
		 extack ? extack : "");
	for (i = 0; i < sh->n_ans; i++)
		if (!strcmp(sh->ans[i], key))
			break;
	if (i == sh->n_ans) {
		if (sh->n_ans < ANS_MAX)
			strcpy(sh->ans[sh->n_ans++], key);
		else
			sh->ans_lost++;
	}
	if (ret < 0 && bad_errno(-ret))
		fail(a, "unexpected %s (%d) from: %s", strerror(-ret), ret,
		     a->d);
}

/* ---- values ---- */

/* An unsigned value of BITS bits around [LO, HI]. */
static uint64_t gen_uint(struct actor *a, int bits, uint64_t lo, uint64_t hi)
{
	uint64_t tmax = bits == 64 ? ~0ull : (1ull << bits) - 1;
	uint64_t v;

	if (lo > hi || hi > tmax) {
		lo = 0;
		hi = tmax;
	}
	if (chance(a, a->valid ? 85 : 45)) {
		switch (below(a, 7)) {
		case 0: v = lo; break;
		case 1: v = hi; break;
		case 2: v = lo + (lo < hi); break;
		case 3: v = hi - (lo < hi); break;
		case 4: v = lo + (hi - lo) / 2; break;
		case 5: v = lo + below(a, hi - lo < 1000 ? hi - lo + 1 : 1000);
			break;
		default:
			v = hi - lo == ~0ull ? rnd(a) :
			    lo + below(a, hi - lo + 1);
		}
		return v;
	}
	switch (below(a, 10)) {
	case 0: v = lo ? lo - 1 : tmax; break;
	case 1: v = hi < tmax ? hi + 1 : 0; break;
	case 2: v = 0; break;
	case 3: v = tmax; break;
	case 4: v = 1ull << (bits - 1); break;
	case 5: v = (1ull << (bits - 1)) - 1; break;
	case 6: v = 0xffffffffull; break;
	case 7: v = 0x100000000ull; break;
	case 8: v = 1ull << below(a, bits); break;
	default: v = rnd(a);
	}
	return v & tmax;
}

/* A signed value of BITS bits around [LO, HI]. */
static int64_t gen_sint(struct actor *a, int bits, int64_t lo, int64_t hi)
{
	int64_t tmin = bits == 64 ? INT64_MIN : -(1ll << (bits - 1));
	int64_t tmax = bits == 64 ? INT64_MAX : (1ll << (bits - 1)) - 1;
	uint64_t span;

	if (lo > hi || lo < tmin || hi > tmax) {
		lo = tmin;
		hi = tmax;
	}
	span = (uint64_t)hi - (uint64_t)lo;
	if (chance(a, a->valid ? 85 : 45)) {
		switch (below(a, 6)) {
		case 0: return lo;
		case 1: return hi;
		case 2: return lo < hi ? lo + 1 : lo;
		case 3: return lo < hi ? hi - 1 : hi;
		case 4: return lo <= 0 && hi >= 0 ? 0 : lo;
		default:
			return span == ~0ull ? (int64_t)rnd(a) :
			       (int64_t)((uint64_t)lo + below(a, span + 1));
		}
	}
	switch (below(a, 6)) {
	case 0: return lo > tmin ? lo - 1 : tmax;
	case 1: return hi < tmax ? hi + 1 : tmin;
	case 2: return tmin;
	case 3: return tmax;
	case 4: return -1;
	default: return (int64_t)rnd(a) >> below(a, 64 - bits + 1);
	}
}

/*
 * ifindex of a link name in this netns, or 0, from a table refreshed with
 * an RTM_GETLINK dump every few calls. Not if_nametoindex(): its ioctl
 * runs modprobe ("netdev-NAME") for a missing name when the caller has
 * CAP_SYS_MODULE, which takes seconds under emulation.
 */
static struct {
	int age;
	int n;
	char name[64][IFNAMSIZ];
	uint32_t idx[64];
} ifcache = { .age = 1000 };

static uint32_t ifidx(const char *name)
{
	int i;

	if (ifcache.age++ >= 8) {
		struct if_nameindex *ifs = if_nameindex(), *p;

		ifcache.n = 0;
		for (p = ifs; p && p->if_index && ifcache.n < 64; p++) {
			snprintf(ifcache.name[ifcache.n], IFNAMSIZ, "%s",
				 p->if_name);
			ifcache.idx[ifcache.n++] = p->if_index;
		}
		if (ifs)
			if_freenameindex(ifs);
		ifcache.age = 0;
	}
	for (i = 0; i < ifcache.n; i++)
		if (!strcmp(ifcache.name[i], name))
			return ifcache.idx[i];
	return 0;
}

/* Links changed: look again at the next ifidx(). */
static void ifidx_stale(void)
{
	ifcache.age = 1000;
}

static const char *pick_name(struct actor *a)
{
	if (a->ses_link >= 0 && chance(a, 40))
		return a->own[a->ses_link][below(a, 2)];
	return a->n_names ? a->names[below(a, a->n_names)] : "lo";
}

static uint32_t pick_purpose(struct actor *a)
{
	if (a->ses_purpose && chance(a, 50))
		return a->ses_purpose;
	return purpose_pool[below(a, sizeof(purpose_pool) /
				     sizeof(purpose_pool[0]))];
}

/* ---- genetlink from the policies ---- */

/*
 * Which attributes carry a resource of the test (a link, a purpose): the
 * values of those are drawn from what exists now as often as from the
 * policy's ranges. Everything else about them comes from the policy.
 */
enum res { RES_NONE, RES_IFINDEX, RES_IFNAME, RES_PURPOSE };

static enum res attr_res(int depth, int parent, int attr)
{
	if (depth == 0 && attr == QLINK_A_IFINDEX)
		return RES_IFINDEX;
	if (depth == 0 && attr == QLINK_A_IFNAME)
		return RES_IFNAME;
	if (depth == 1 && parent == QLINK_A_PURPOSE &&
	    attr == QLINK_A_PURPOSE_ID)
		return RES_PURPOSE;
	return RES_NONE;
}

/* Forced resources of a call (the session's link and purpose), or 0. */
struct force {
	uint32_t ifindex;
	uint32_t purpose;
};

static void put_junk(struct actor *a, struct qf_msg *m, int type)
{
	uint8_t b[16];
	size_t n = below(a, sizeof(b) + 1), i;

	for (i = 0; i < n; i++)
		b[i] = rnd(a);
	qf_put(m, type, b, n);
	desc(a, "%d:junk%zu ", type, n);
}

static void gen_attrs(struct actor *a, struct qf_msg *m, int pidx, int depth,
		      int parent, const struct force *fo);

/* One attribute ATTR described by AP. */
static void gen_attr(struct actor *a, struct qf_msg *m,
		     const struct qf_attr_pol *ap, int attr, int depth,
		     int parent, const struct force *fo)
{
	enum res res = attr_res(depth, parent, attr);
	int bits = 0, sgn = 0, len, wrong = chance(a, a->valid ? 3 : 20);
	uint8_t buf[64];
	uint64_t u;
	int64_t s;

	switch (ap->type) {
	case NL_ATTR_TYPE_U8: bits = 8; break;
	case NL_ATTR_TYPE_U16: bits = 16; break;
	case NL_ATTR_TYPE_U32: bits = 32; break;
	case NL_ATTR_TYPE_U64: bits = 64; break;
	case NL_ATTR_TYPE_S8: bits = 8; sgn = 1; break;
	case NL_ATTR_TYPE_S16: bits = 16; sgn = 1; break;
	case NL_ATTR_TYPE_S32: bits = 32; sgn = 1; break;
	case NL_ATTR_TYPE_S64: bits = 64; sgn = 1; break;
	}
	if (bits) {
		if (res == RES_IFINDEX && fo && fo->ifindex) {
			u = fo->ifindex;
		} else if (res == RES_PURPOSE && fo && fo->purpose) {
			u = fo->purpose;
		} else if (res == RES_IFINDEX &&
			   chance(a, a->valid ? 70 : 30)) {
			u = ifidx(pick_name(a));
		} else if (res == RES_PURPOSE &&
			   chance(a, a->valid ? 70 : 30)) {
			u = pick_purpose(a);
		} else if (sgn) {
			s = gen_sint(a, bits, ap->has_s ? ap->smin : INT64_MIN,
				     ap->has_s ? ap->smax : INT64_MAX);
			u = (uint64_t)s;
		} else {
			u = gen_uint(a, bits, ap->has_u ? ap->umin : 0,
				     ap->has_u ? ap->umax : ~0ull);
		}
		if (ap->has_mask && chance(a, 50))
			u &= ap->mask;
		len = bits / 8;
		if (wrong) {
			static const int lens[] = { 0, 1, 2, 3, 4, 5, 8, 12 };

			len = lens[below(a, 8)];
		}
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &u, 8);
		qf_put(m, attr, buf, len);
		desc(a, "%d=%s0x%llx%s ", attr, sgn ? "s" : "",
		     (unsigned long long)u, len != bits / 8 ? "/len" : "");
		if (len != bits / 8)
			desc(a, "%d ", len);
		return;
	}
	switch (ap->type) {
	case NL_ATTR_TYPE_FLAG:
		len = wrong ? 1 + below(a, 8) : 0;
		memset(buf, 0xff, sizeof(buf));
		qf_put(m, attr, buf, len);
		desc(a, "%d=flag/%d ", attr, len);
		break;
	case NL_ATTR_TYPE_STRING:
	case NL_ATTR_TYPE_NUL_STRING: {
		int max = ap->has_len && ap->max_len ? ap->max_len : 32;
		int nul = ap->type == NL_ATTR_TYPE_NUL_STRING;
		int i;

		if ((res == RES_IFNAME && chance(a, a->valid ? 70 : 30)) ||
		    chance(a, 10)) {
			const char *n = pick_name(a);

			len = strlen(n) + (wrong ? 0 : 1);
			memcpy(buf, n, strlen(n) + 1);
		} else {
			static const int extra[] = { -1, 0, 1, 2 };

			switch (below(a, 5)) {
			case 0: len = 0; break;
			case 1: len = 1; break;
			case 2: len = max + extra[below(a, 4)]; break;
			case 3: len = below(a, max + 1); break;
			default: len = 2 * max + below(a, 4);
			}
			if (len > (int)sizeof(buf) - 1)
				len = sizeof(buf) - 1;
			for (i = 0; i < len; i++)
				buf[i] = wrong ? (uint8_t)rnd(a) :
					 "qfz0123456789ab"[below(a, 15)];
			if (nul && len > 0 && !wrong)
				buf[len - 1] = 0;
		}
		qf_put(m, attr, buf, len);
		desc(a, "%d=\"", attr);
		for (i = 0; i < len && i < 16; i++)
			desc(a, buf[i] >= 0x20 && buf[i] < 0x7f ? "%c" :
			     "\\x%02x", buf[i]);
		desc(a, "\"/%d ", len);
		break;
	}
	case NL_ATTR_TYPE_BINARY: {
		int max = ap->has_len && ap->max_len ? ap->max_len : 16;

		len = below(a, (max > 48 ? 48 : max) + 2);
		for (int i = 0; i < len; i++)
			buf[i] = rnd(a);
		qf_put(m, attr, buf, len);
		desc(a, "%d=bin/%d ", attr, len);
		break;
	}
	case NL_ATTR_TYPE_BITFIELD32: {
		uint32_t bf[2] = { (uint32_t)rnd(a), (uint32_t)rnd(a) };

		if (!wrong && ap->has_mask) {
			bf[0] &= ap->mask;
			bf[1] &= ap->mask;
		}
		qf_put(m, attr, bf, wrong ? 4 : 8);
		desc(a, "%d=bf ", attr);
		break;
	}
	case NL_ATTR_TYPE_NESTED:
	case NL_ATTR_TYPE_NESTED_ARRAY:
		if (wrong) {
			put_junk(a, m, attr);
			break;
		}
		if (qf_nest_start(m, attr))
			break;
		desc(a, "%d{", attr);
		if (ap->type == NL_ATTR_TYPE_NESTED_ARRAY) {
			int n = below(a, 3);

			for (int i = 1; i <= n; i++) {
				if (qf_nest_start(m, i))
					break;
				if (ap->nested >= 0)
					gen_attrs(a, m, ap->nested, depth + 2,
						  attr, fo);
				qf_nest_end(m);
			}
		} else if (ap->nested >= 0 && depth < 3) {
			gen_attrs(a, m, ap->nested, depth + 1, attr, fo);
		}
		qf_nest_end(m);
		desc(a, "} ");
		break;
	default:
		put_junk(a, m, attr);
	}
}

static void gen_attrs(struct actor *a, struct qf_msg *m, int pidx, int depth,
		      int parent, const struct force *fo)
{
	const struct qf_policy *p;
	int attr, max;

	if (pidx < 0 || pidx >= QF_POL_MAX) {
		for (attr = below(a, 4); attr > 0; attr--)
			put_junk(a, m, below(a, QLINK_A_MAX + 2));
		return;
	}
	p = &a->fam->pol[pidx];
	max = p->maxattr + 1 > QF_ATTR_MAX ? QF_ATTR_MAX : p->maxattr + 1;
	for (attr = 1; attr <= max; attr++) {
		const struct qf_attr_pol *ap = &p->a[attr];
		enum res res = attr_res(depth, parent, attr);
		int forced = fo && ((res == RES_IFINDEX && fo->ifindex) ||
				    (res == RES_PURPOSE && fo->purpose) ||
				    (depth == 0 && attr == QLINK_A_PURPOSE &&
				     fo->purpose));

		if (!ap->type) {
			/* not in the policy (NLA_REJECT, unknown) */
			if (chance(a, 1) || (!a->valid && chance(a, 4)))
				put_junk(a, m, attr);
			continue;
		}
		if (forced || chance(a, res != RES_NONE ? 70 : 55))
			gen_attr(a, m, ap, attr, depth, parent, fo);
	}
	if (!a->valid && chance(a, 5))
		put_junk(a, m, chance(a, 50) ? 0 : below(a, 0xffff));
}

struct genl_ctx {
	int replies;
};

static int genl_reply(const struct nlmsghdr *nlh, void *arg)
{
	((struct genl_ctx *)arg)->replies++;
	return 0;
}

/* One genetlink call; CMD < 0: any. */
static void do_genl(struct actor *a, int cmd, const struct force *fo)
{
	const struct qf_op *op = NULL;
	struct genl_ctx ctx = { 0 };
	struct qf_msg m;
	char what[48];
	int dump, pidx, err, flags;

	if (cmd < 0) {
		if (a->fam->n_ops && chance(a, 90))
			cmd = a->fam->ops[below(a, a->fam->n_ops)].cmd;
		else
			cmd = below(a, 4) == 0 ? 255 : below(a, QLINK_CMD_MAX + 3);
	}
	op = qf_family_op(a->fam, cmd);
	a->valid = fo || chance(a, 60);
	if (op && (op->flags & GENL_CMD_CAP_DUMP) &&
	    !(op->flags & GENL_CMD_CAP_DO))
		dump = chance(a, 95);
	else if (op && (op->flags & GENL_CMD_CAP_DUMP))
		dump = chance(a, 35);
	else
		dump = chance(a, 10);
	if (fo)
		dump = 0;
	call_begin(a, dump ? K_GENL_DUMP : K_GENL);
	flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	qf_msg_init(&m, a->fam->id, flags, cmd,
		    chance(a, 95) ? a->fam->version : below(a, 256));
	desc(a, "cmd %d %s", cmd, a->valid ? "" : "wild ");
	pidx = !op ? -1 : dump ? op->dump_pol : op->do_pol;
	gen_attrs(a, &m, pidx, 0, 0, fo);
	err = qf_nl_transact(&a->gn, &m, genl_reply, &ctx);
	if (err == -ETIMEDOUT)
		fail(a, "no answer to a genetlink call in 10 s: %s", a->d);
	if (ctx.replies)
		desc(a, "[%d replies] ", ctx.replies);
	snprintf(what, sizeof(what), "genl cmd %d %s", cmd,
		 dump ? "dump" : "do");
	call_end(a, what, err, a->gn.extack);
}

/* ---- rtnetlink: the links ---- */

/* Up to MAX settings of GROUP (QLINK_PV_*) from the policy PP. */
static int gen_group(struct actor *a, const struct qf_policy *pp, int group,
		     struct qlink_pv *pv, int max)
{
	int n = 0, attr, bits;

	for (attr = 1; attr <= (int)pp->maxattr && n < max; attr++) {
		const struct qf_attr_pol *ap = &pp->a[attr];

		if (!ap->type || ap->type == NL_ATTR_TYPE_NESTED ||
		    !chance(a, 20))
			continue;
		pv[n].attr = group | attr;
		bits = ap->type == NL_ATTR_TYPE_U8 ? 8 :
		       ap->type == NL_ATTR_TYPE_U64 ||
		       ap->type == NL_ATTR_TYPE_S64 ? 64 : 32;
		if (ap->type == NL_ATTR_TYPE_S32 || ap->type == NL_ATTR_TYPE_S64)
			pv[n].val = gen_sint(a, bits,
					     ap->has_s ? ap->smin : INT64_MIN,
					     ap->has_s ? ap->smax : INT64_MAX);
		else
			pv[n].val = gen_uint(a, bits, ap->has_u ? ap->umin : 0,
					     ap->has_u ? ap->umax : ~0ull);
		desc(a, "%c%d=%lld ", group == QLINK_PV_SIM ? 's' : 'c', attr,
		     (long long)pv[n].val);
		n++;
	}
	return n;
}

/*
 * Settings of a qlinksim link: its physics (qlinksim's policy) and, with
 * CONFIG, the core's configuration from the family's policy of
 * QLINK_A_LINK_CONFIG (LINK_SET).
 */
static int gen_link_params(struct actor *a, struct qlink_pv *pv, int max,
			   int config)
{
	const struct qf_op *op = qf_family_op(a->fam, QLINK_CMD_LINK_SET);
	int n, pidx;

	n = gen_group(a, qf_qlinksim_policy(), QLINK_PV_SIM, pv, max);
	if (!config || !op || op->do_pol < 0)
		return n;
	pidx = a->fam->pol[op->do_pol].a[QLINK_A_LINK_CONFIG].nested;
	if (pidx < 0 || pidx >= QF_POL_MAX)
		return n;
	return n + gen_group(a, &a->fam->pol[pidx], QLINK_PV_CONFIG, pv + n,
			     max - n);
}

static void link_add(struct actor *a, int l)
{
	struct qlink_pv pv[40];
	int n, err, remote = 0;

	call_begin(a, K_LINK_ADD);
	desc(a, "%s peer %s ", a->own[l][0], a->own[l][1]);
	a->valid = chance(a, 70);
	if (a->valid) {
		/* a link that heralds at a modest rate, so sockets get pairs */
		static const int rates[] = { 500, 2000, 10000 };

		n = qlink_ev_params(pv, rates[below(a, 3)], 900000);
	} else {
		n = gen_link_params(a, pv, 40, 1);
	}
	/* link 1 may put its peer in another netns */
	if (l == 1 && a->peer_nsfd >= 0 && chance(a, 50))
		remote = 1;
	if (remote)
		desc(a, "netns X ");
	err = qlinksim_create(&a->rt, a->own[l][0], a->own[l][1],
			      remote ? a->peer_nsfd : -1, pv, n);
	call_end(a, "rtnl newlink qlinksim", err, a->rt.extack);
	ifidx_stale();
}

/* changelink: qlinksim's physics, now and then a configuration nest */
static void link_change(struct actor *a, const char *name)
{
	struct qlink_pv pv[40];
	int n, err;

	call_begin(a, K_LINK_CHANGE);
	desc(a, "%s ", name);
	a->valid = chance(a, 70);
	n = gen_link_params(a, pv, 40, chance(a, 10));
	err = qlinksim_change(&a->rt, name, pv, n);
	call_end(a, "rtnl changelink qlinksim", err, a->rt.extack);
}

static void link_op(struct actor *a)
{
	int l = below(a, NLINK), end = below(a, 2), err;
	const char *name;

	if (!a->have_rt)
		return;
	switch (below(a, 11)) {
	case 0:
	case 1:
	case 2:
		if (a->own_links)
			link_add(a, l);
		break;
	case 10:
		if (l == a->ses_link && chance(a, 70))
			break;
		link_change(a, a->own_links ? a->own[l][end] : pick_name(a));
		break;
	case 3:
		if (!a->own_links)
			break;
		/* deleting the session's link is rarer than the others */
		if (l == a->ses_link && chance(a, 70))
			break;
		call_begin(a, K_LINK_DEL);
		desc(a, "%s ", a->own[l][end]);
		err = qlink_rt_del(&a->rt, a->own[l][end]);
		call_end(a, "rtnl dellink", err, a->rt.extack);
		ifidx_stale();
		break;
	case 4:
	case 5:
		name = a->own_links ? a->own[l][end] : pick_name(a);
		if (l == a->ses_link && chance(a, 70))
			break;
		call_begin(a, K_LINK_DOWN);
		desc(a, "%s ", name);
		err = qlink_rt_set_up(&a->rt, name, 0);
		call_end(a, "rtnl down", err, a->rt.extack);
		break;
	default:
		name = a->own_links ? a->own[l][end] : pick_name(a);
		call_begin(a, K_LINK_UP);
		desc(a, "%s ", name);
		err = qlink_rt_set_up(&a->rt, name, 1);
		call_end(a, "rtnl up", err, a->rt.extack);
	}
}

/* ---- AF_QLINK sockets ---- */

static void gen_create(struct actor *a, struct qlink_create *c)
{
	static const uint32_t numbers[] = {
		0, 1, 2, 63, 64, 65, 1024, 32768, 65535, 65536, 100000,
		999999, 1000000, 1000001, 0x7fffffff, 0xffffffff,
	};
	static const uint64_t times[] = {
		0, 1, 1000, 1000000, 1000000000, 1ull << 62,
		(1ull << 63) - 1, 1ull << 63, (1ull << 63) + 1,
		~0ull - 1, ~0ull,
	};
	int wild = chance(a, 30);

	memset(c, 0, sizeof(*c));
	c->create_id = rnd(a);
	c->number = chance(a, 50) ? numbers[below(a, 16)] :
		    chance(a, 50) ? 1 + below(a, 64) : 1 + below(a, 1000000);
	c->min_fidelity = !wild || chance(a, 50) ?
			  (chance(a, 60) ? 0 : below(a, 1000001)) :
			  gen_uint(a, 32, 0, 1000000);
	c->purpose = chance(a, 60) ? 0 : pick_purpose(a);
	c->max_time = chance(a, 50) ? 0 : chance(a, 60) ?
		      times[below(a, 11)] : rnd(a);
	c->type = !wild || chance(a, 50) ? 1 + below(a, 3) :
		  gen_uint(a, 8, 1, 3);
	c->basis = !wild || chance(a, 50) ? below(a, 4) : gen_uint(a, 8, 0, 3);
	c->priority = !wild || chance(a, 50) ? below(a, 3) :
		      gen_uint(a, 8, 0, 2);
	c->flags = !wild || chance(a, 50) ? below(a, 4) : gen_uint(a, 8, 0, 3);
	c->reserved = !wild || chance(a, 80) ? 0 : rnd(a);
	desc(a, "{id %u n %u f %u p %u t %llu type %u b %u prio %u fl 0x%x r %u} ",
	     c->create_id, c->number, c->min_fidelity, c->purpose,
	     (unsigned long long)c->max_time, c->type, c->basis, c->priority,
	     c->flags, c->reserved);
}

static int sk_new(struct actor *a, int type)
{
	struct timeval tv = { .tv_usec = 20000 };
	int fd;

	call_begin(a, K_SOCKET);
	desc(a, "type %d ", type);
	fd = socket(a->af, type, 0);
	call_end(a, "socket", fd < 0 ? -errno : 0, NULL);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static int sk_bind(struct actor *a, int fd, int32_t ifindex, uint32_t purpose,
		   uint16_t pad, int family, socklen_t len)
{
	struct {
		struct sockaddr_qlink sq;
		char more[8];
	} addr;
	int err;

	memset(&addr, 0, sizeof(addr));
	addr.sq.sq_family = family;
	addr.sq.sq_pad = pad;
	addr.sq.sq_ifindex = ifindex;
	addr.sq.sq_purpose = purpose;
	call_begin(a, K_BIND);
	desc(a, "fd %d {fam %d pad %u if %d purpose %u} len %u ", fd, family,
	     pad, ifindex, purpose, len);
	err = bind(fd, (struct sockaddr *)&addr, len) ? -errno : 0;
	call_end(a, "bind", err, NULL);
	return err;
}

static int sk_send(struct actor *a, int fd, struct qlink_create *c,
		   size_t len, int flags)
{
	int ret;

	call_begin(a, K_SEND);
	desc(a, "fd %d len %zu fl 0x%x ", fd, len, flags);
	gen_create(a, c);
	ret = send(fd, c, len, flags) < 0 ? -errno : 0;
	call_end(a, "send", ret, NULL);
	return ret;
}

/* Read what is queued on FD without waiting (at most MAX records). */
static void sk_drain(struct actor *a, int fd, int max)
{
	struct qlink_record r;
	int ret, i;

	for (i = 0; i < max; i++) {
		call_begin(a, K_RECV);
		desc(a, "fd %d drain ", fd);
		ret = recv(fd, &r, sizeof(r), MSG_DONTWAIT);
		if (ret == sizeof(r))
			a->sh->recs[r.kind == QLINK_REC_OK ? 0 :
				    r.kind == QLINK_REC_ERR ? 1 : 2]++;
		if (ret == sizeof(r))
			desc(a, "kind %u err %u idx %u ", r.kind, r.error,
			     r.index);
		ret = ret < 0 ? -errno : 0;
		if (ret == -EAGAIN) {
			/* not worth a ring entry of its own */
			a->sh->calls[K_RECV]--;
			alarm(0);
			return;
		}
		call_end(a, "recv", ret, NULL);
		if (ret)
			return;
	}
}

static void sk_close(struct actor *a, int *fd)
{
	if (*fd < 0)
		return;
	call_begin(a, K_CLOSE);
	desc(a, "fd %d ", *fd);
	call_end(a, "close", close(*fd) ? -errno : 0, NULL);
	*fd = -1;
}

/*
 * The session: a bound socket pair on both ends of an up link of this
 * actor's netns (its own link 0, or one root made here), the end-B
 * socket receiving, the end-A socket sending requests; the purpose is
 * configured now and then from the policy, with this link and purpose.
 */
static void session(struct actor *a)
{
	struct qlink_create c;
	const char *na, *nb;
	uint32_t ia, ib;
	int on = 1;

	if (a->ses_a < 0 || a->ses_b < 0) {
		sk_close(a, &a->ses_a);
		sk_close(a, &a->ses_b);
		a->ses_link = a->own_links ? 0 : -1;
		if (a->own_links) {
			na = a->own[0][0];
			nb = a->own[0][1];
		} else {
			/* the link root made in this netns (actor "ns") */
			na = "qfz1a0";
			nb = "qfz1b0";
		}
		snprintf(a->ses_name[0], IFNAMSIZ, "%s", na);
		snprintf(a->ses_name[1], IFNAMSIZ, "%s", nb);
		if (!ifidx(na) && a->own_links)
			link_add(a, 0);
		if (a->have_rt) {
			call_begin(a, K_LINK_UP);
			desc(a, "%s ", na);
			call_end(a, "rtnl up", qlink_rt_set_up(&a->rt, na, 1),
				 a->rt.extack);
			call_begin(a, K_LINK_UP);
			desc(a, "%s ", nb);
			call_end(a, "rtnl up", qlink_rt_set_up(&a->rt, nb, 1),
				 a->rt.extack);
		}
		ia = ifidx(na);
		ib = ifidx(nb);
		if (!ia || !ib)
			return;
		a->ses_purpose = purpose_pool[below(a, 4)];
		a->ses_a = sk_new(a, SOCK_SEQPACKET);
		a->ses_b = sk_new(a, chance(a, 50) ? SOCK_SEQPACKET : SOCK_DGRAM);
		if (a->ses_a < 0 || a->ses_b < 0 ||
		    sk_bind(a, a->ses_a, ia, a->ses_purpose, 0, a->af,
			    sizeof(struct sockaddr_qlink)) ||
		    sk_bind(a, a->ses_b, ib, a->ses_purpose, 0, a->af,
			    sizeof(struct sockaddr_qlink))) {
			sk_close(a, &a->ses_a);
			sk_close(a, &a->ses_b);
			return;
		}
		call_begin(a, K_SETSOCKOPT);
		desc(a, "fd %d RECEIVE 1 ", a->ses_b);
		call_end(a, "setsockopt", setsockopt(a->ses_b, SOL_QLINK,
			 QLINK_SO_RECEIVE, &on, sizeof(on)) ? -errno : 0, NULL);
		a->ses_ops = 0;
		return;
	}
	/*
	 * The purpose is configured (mostly valid values from the policy)
	 * when the session starts, and only then: a setting must hold for
	 * seconds of requests being served for what it does to show. A
	 * session starts over after about 1500 steps.
	 */
	if (a->ses_ops > 2 && !below(a, 1500)) {
		sk_close(a, &a->ses_a);
		sk_close(a, &a->ses_b);
		return;
	}
	switch (a->ses_ops++ == 1 ? 0 : 1 + below(a, 9)) {
	case 0: {
		/* configure the purpose in use, values from the policy */
		struct force fo = {
			.ifindex = ifidx(a->ses_name[below(a, 2)]),
			.purpose = a->ses_purpose,
		};

		do_genl(a, QLINK_CMD_PURPOSE_SET, &fo);
		break;
	}
	case 1:
	case 2:
	case 3:
		sk_send(a, chance(a, 85) ? a->ses_a : a->ses_b, &c, sizeof(c),
			MSG_DONTWAIT);
		break;
	default:
		sk_drain(a, chance(a, 50) ? a->ses_a : a->ses_b, 16);
	}
}

static void sock_op(struct actor *a)
{
	struct sk_slot *s = &a->sk[below(a, NSK)];
	struct qlink_create c;
	struct qlink_record r[2];
	int ret, v;
	socklen_t len;

	if (s->fd < 0) {
		static const int types[] = {
			SOCK_SEQPACKET, SOCK_DGRAM, SOCK_STREAM, SOCK_RAW,
		};

		s->fd = sk_new(a, chance(a, 80) ? types[below(a, 2)] :
				  types[below(a, 4)]);
		s->bound = 0;
		return;
	}
	switch (below(a, 12)) {
	case 0:
	case 1: {
		static const int32_t ifs[] = {
			0, -1, 1, 0x7fffffff, INT32_MIN, 0x10000,
		};
		static const uint16_t pads[] = { 1, 0x8000, 0xffff };
		static const socklen_t lens[] = {
			0, 2, sizeof(struct sockaddr_qlink) - 1,
			sizeof(struct sockaddr_qlink) + 4,
		};
		int good = chance(a, 70);
		int32_t ifindex = good ? (int32_t)ifidx(pick_name(a)) :
				  ifs[below(a, 6)];
		uint32_t purpose = good || chance(a, 50) ? pick_purpose(a) :
				   (uint32_t)gen_uint(a, 32, 1, 0xffffffff);

		ret = sk_bind(a, s->fd, ifindex, purpose,
			      good || chance(a, 50) ? 0 : pads[below(a, 3)],
			      good || chance(a, 80) ? a->af : below(a, 48),
			      good || chance(a, 50) ?
			      sizeof(struct sockaddr_qlink) : lens[below(a, 4)]);
		if (!ret)
			s->bound = 1;
		break;
	}
	case 2: {
		static const int vals[] = { 0, 1, -1, 2, 0x7fffffff };
		static const int names[] = {
			QLINK_SO_RECEIVE, QLINK_SO_OUTSTANDING, 0, 3, -1,
		};
		int lvl = chance(a, 85) ? SOL_QLINK : chance(a, 50) ?
			  SOL_SOCKET : (int)rnd(a);
		int opt = chance(a, 60) ? QLINK_SO_RECEIVE : names[below(a, 5)];

		v = vals[below(a, 5)];
		len = chance(a, 80) ? sizeof(int) : below(a, 9);
		call_begin(a, K_SETSOCKOPT);
		desc(a, "fd %d lvl %d opt %d val %d len %u ", s->fd, lvl, opt,
		     v, len);
		if (lvl == SOL_SOCKET)
			opt = SO_RCVBUF;	/* the one that matters here */
		ret = setsockopt(s->fd, lvl, opt, &v, len) ? -errno : 0;
		call_end(a, "setsockopt", ret, NULL);
		break;
	}
	case 3: {
		int opt = below(a, 4);

		len = chance(a, 80) ? sizeof(int) : below(a, 9);
		call_begin(a, K_GETSOCKOPT);
		desc(a, "fd %d opt %d len %u ", s->fd, opt, len);
		v = 0;
		ret = getsockopt(s->fd, SOL_QLINK, opt, &v, &len) ? -errno : 0;
		call_end(a, "getsockopt", ret, NULL);
		break;
	}
	case 4:
	case 5:
	case 6: {
		static const size_t lens[] = {
			0, 1, sizeof(c) - 1, sizeof(c) + 1,
		};

		sk_send(a, s->fd, &c, chance(a, 85) ? sizeof(c) :
			lens[below(a, 4)], chance(a, 80) ? MSG_DONTWAIT :
			chance(a, 50) ? 0 : MSG_OOB | MSG_DONTWAIT);
		break;
	}
	case 7:
	case 8: {
		static const int flags[] = {
			MSG_DONTWAIT, MSG_DONTWAIT | MSG_PEEK,
			MSG_DONTWAIT | MSG_TRUNC, MSG_PEEK | MSG_TRUNC, 0,
			MSG_DONTWAIT | MSG_OOB, MSG_DONTWAIT | MSG_ERRQUEUE,
		};
		static const size_t sizes[] = {
			sizeof(r[0]), 0, 1, sizeof(r[0]) - 1, sizeof(r),
		};
		int fl = flags[below(a, 7)];
		size_t sz = sizes[below(a, 5)];

		call_begin(a, K_RECV);
		desc(a, "fd %d size %zu fl 0x%x ", s->fd, sz, fl);
		ret = recv(s->fd, r, sz, fl);
		desc(a, "=%d ", ret);
		call_end(a, "recv", ret < 0 ? -errno : 0, NULL);
		break;
	}
	case 9: {
		struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLOUT };
		int t = below(a, 3) * 5;

		call_begin(a, K_POLL);
		desc(a, "fd %d timeout %d ", s->fd, t);
		ret = poll(&p, 1, t);
		desc(a, "revents 0x%x ", p.revents);
		call_end(a, "poll", ret < 0 ? -errno : 0, NULL);
		break;
	}
	case 10: {
		struct sockaddr_qlink sq;

		len = chance(a, 80) ? sizeof(sq) : below(a, sizeof(sq));
		call_begin(a, K_GETNAME);
		desc(a, "fd %d len %u ", s->fd, len);
		ret = getsockname(s->fd, (struct sockaddr *)&sq, &len) ?
		      -errno : 0;
		call_end(a, "getsockname", ret, NULL);
		break;
	}
	default:
		sk_close(a, &s->fd);
		s->bound = 0;
	}
}

/* Listen to the family's groups now and then; read what came. */
static void mcast_op(struct actor *a)
{
	char buf[8192];
	int i, n = 0;

	if (a->mc_fd < 0 || chance(a, 10)) {
		struct qf_nl nl;

		if (a->mc_fd >= 0)
			close(a->mc_fd);
		a->mc_fd = -1;
		call_begin(a, K_MCAST);
		desc(a, "join ");
		if (qf_nl_open(&nl, NETLINK_GENERIC)) {
			call_end(a, "mcast join", -errno, NULL);
			return;
		}
		for (i = 0; i < a->fam->n_grps; i++) {
			uint32_t g = a->fam->grp[i].id;

			desc(a, "%s ", a->fam->grp[i].name);
			setsockopt(nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				   &g, sizeof(g));
		}
		a->mc_fd = nl.fd;
		call_end(a, "mcast join", 0, NULL);
		return;
	}
	call_begin(a, K_MCAST);
	while (n < 64 && recv(a->mc_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		n++;
	desc(a, "read %d ", n);
	call_end(a, "mcast read", 0, NULL);
}

/* ---- actors ---- */

static void actor_run(struct actor *a, double seconds, long max_calls)
{
	struct timespec t0, t;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; !shm->stop && (max_calls <= 0 || i < max_calls); i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 >=
		    seconds && max_calls <= 0)
			break;
		switch (below(a, 20)) {
		case 0:
			link_op(a);
			break;
		case 1:
			mcast_op(a);
			break;
		case 2: case 3: case 4: case 5: case 6: case 7:
			do_genl(a, -1, NULL);
			break;
		case 8: case 9: case 10: case 11: case 12:
			session(a);
			break;
		default:
			sock_op(a);
		}
	}
}

static void actor_cleanup(struct actor *a)
{
	int i;

	for (i = 0; i < NSK; i++)
		if (a->sk[i].fd >= 0)
			close(a->sk[i].fd);
	if (a->ses_a >= 0)
		close(a->ses_a);
	if (a->ses_b >= 0)
		close(a->ses_b);
	if (a->mc_fd >= 0)
		close(a->mc_fd);
	if (a->own_links && a->have_rt)
		for (i = 0; i < NLINK; i++)
			qlink_rt_del(&a->rt, a->own[i][0]);
}

static void note(struct actor *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->sh->note, sizeof(a->sh->note), fmt, ap);
	va_end(ap);
}

/* The child: enter the namespace, drop privileges, run. */
static int actor_main(int role, uint64_t seed, int ns1, int ns2,
		      double seconds, long max_calls)
{
	struct actor act, *a = &act;
	int i, src;

	memset(a, 0, sizeof(*a));
	a->role = role;
	a->sh = &shm->a[role];
	a->fam = &fam;
	a->rng = seed ^ (0x9e3779b97f4a7c15ull * (role + 1));
	a->peer_nsfd = -1;
	a->ses_a = a->ses_b = a->mc_fd = -1;
	a->ses_link = -1;
	for (i = 0; i < NSK; i++)
		a->sk[i].fd = -1;
	a->af = qlink_af();
	switch (role) {
	case R_INIT:
		a->peer_nsfd = ns2;
		a->own_links = 1;
		break;
	case R_NS:
	case R_NS2:
		if (setns(ns1, CLONE_NEWNET)) {
			note(a, "setns: %s", strerror(errno));
			return 2;
		}
		a->peer_nsfd = ns2;
		a->own_links = 1;
		break;
	case R_FRESH:
		if (unshare(CLONE_NEWNET)) {
			note(a, "unshare(CLONE_NEWNET): %s", strerror(errno));
			return 2;
		}
		a->own_links = 1;
		break;
	case R_USERNS:
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534)) {
			note(a, "setresuid: %s", strerror(errno));
			return 2;
		}
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			/* user namespaces may be off in this kernel */
			note(a, "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s",
			     strerror(errno));
			return 4;
		}
		a->own_links = 1;
		break;
	case R_NOBODY:
		if (setns(ns1, CLONE_NEWNET)) {
			note(a, "setns: %s", strerror(errno));
			return 2;
		}
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534)) {
			note(a, "setresuid: %s", strerror(errno));
			return 2;
		}
		break;
	}
	close(ns1);
	/* root's actors keep ns2 open: it is where their remote peers go */
	if (a->peer_nsfd != ns2)
		close(ns2);
	for (i = 0; i < NLINK; i++) {
		snprintf(a->own[i][0], IFNAMSIZ, "qfz%da%d", role, i);
		snprintf(a->own[i][1], IFNAMSIZ, "qfz%db%d", role, i);
	}
	/* names it looks at: its own, or those of "ns" and "ns2" in netns 1 */
	src = a->own_links ? role : R_NS;
	for (i = 0; i < NLINK * 2; i++) {
		snprintf(a->names[a->n_names++], IFNAMSIZ, "qfz%d%c%d", src,
			 i & 1 ? 'b' : 'a', i / 2);
		if (role == R_NS || role == R_NS2 || role == R_NOBODY)
			snprintf(a->names[a->n_names++], IFNAMSIZ, "qfz%d%c%d",
				 src == R_NS ? R_NS2 : R_NS, i & 1 ? 'b' : 'a',
				 i / 2);
	}
	if (qf_nl_open(&a->gn, NETLINK_GENERIC)) {
		note(a, "genetlink socket: %s", strerror(errno));
		return 2;
	}
	a->have_rt = !qlink_rt_open(&a->rt);
	a->sh->pid = getpid();
	actor_run(a, seconds, max_calls);
	actor_cleanup(a);
	return a->sh->failed ? 1 : 0;
}

/* ---- the parent ---- */

static unsigned long read_taint(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	unsigned long t = 0;

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

static int debug_kernel(void)
{
	return !access("/proc/lockdep", F_OK) ||
	       !access("/sys/kernel/debug/kmemleak", F_OK) ||
	       !access("/sys/kernel/debug/kasan", F_OK);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The last calls of an actor: up to its failure, or up to POS. */
static void print_ring(int role, char (*ring)[ENT], unsigned int pos,
		       const char *when)
{
	struct shm_actor *sh = &shm->a[role];
	unsigned int i, first = pos > RING ? pos - RING : 0;

	ksft_print_msg("actor %s (pid %d): last %u of %u calls%s:\n",
		       role_name[role], sh->pid, pos - first, pos, when);
	for (i = first; i < pos; i++)
		if (ring[i % RING][0])
			ksft_print_msg("  %s\n", ring[i % RING]);
}

/* Delete the test's links (qfz*) left in the current netns. */
static void delete_links(void)
{
	struct if_nameindex *ifs = if_nameindex(), *p;
	struct qlink_nl rt;

	if (!ifs)
		return;
	if (!qlink_rt_open(&rt)) {
		for (p = ifs; p->if_index; p++)
			if (!strncmp(p->if_name, "qfz", 3))
				qlink_rt_del(&rt, p->if_name);
		qlink_nl_close(&rt);
	}
	if_freenameindex(ifs);
}

static void delete_links_in(int nsfd)
{
	int here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (here < 0 || setns(nsfd, CLONE_NEWNET))
		goto out;
	delete_links();
	if (setns(here, CLONE_NEWNET))
		ksft_print_msg("cannot return to the initial netns\n");
out:
	if (here >= 0)
		close(here);
}

/*
 * While the actors run, a soft lockup panics the guest, so that a stuck
 * kernel ends the run at once instead of at the guest's time limit. (The
 * console's log level stays: printing the kernel's rate-limited netlink
 * warnings on the emulated serial port stalls the callers for seconds.)
 */
static char saved_softlockup[16];

static void sysctl_swap(const char *path, const char *val, char *save,
			size_t len)
{
	FILE *f = fopen(path, "r");

	if (save && f && !fgets(save, len, f))
		save[0] = 0;
	if (f)
		fclose(f);
	if (!val || !*val)
		return;
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--seed N] [--seconds S] [--calls N] [--actors LIST] [-v] [-x]\n"
		"  -x, --stop: stop at the first failure (default: go on to the end)\n"
		"  actors: init,ns,ns2,fresh,userns,nobody (default: all)\n"
		"  QLINK_FUZZ_SECONDS, QLINK_FUZZ_SEED set the defaults\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "calls", required_argument, NULL, 'n' },
		{ "actors", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stop", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	int want[R_NR], n_want = 0, c, i, ns1, ns2, alive, ok_run = 1;
	unsigned long taint0, taint1, total = 0, per_kind[K_NR] = { 0 };
	unsigned long recs[3] = { 0 };
	const char *env, *actors = "init,ns,ns2,fresh,userns,nobody";
	char actors_buf[128], leftover[64];
	double seconds, t0, t_end, t_fail = -1, t_taint = -1;
	static char taint_ring[R_NR][RING][ENT];
	unsigned int taint_pos[R_NR];
	long max_calls = 0, left;
	uint64_t seed;
	pid_t pid[R_NR];
	int debug = debug_kernel();

	env = getenv("QLINK_FUZZ_SEED");
	seed = env ? strtoull(env, NULL, 0) :
	       (uint64_t)time(NULL) * 1000003 ^ getpid();
	env = getenv("QLINK_FUZZ_SECONDS");
	seconds = env ? atof(env) : debug ? 60 : 15;
	while ((c = getopt_long(argc, argv, "s:t:n:a:vx", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atof(optarg); break;
		case 'n': max_calls = atol(optarg); break;
		case 'a': actors = optarg; break;
		case 'v': verbose = 1; break;
		case 'x': stop_on_failure = 1; break;
		default: usage(argv[0]);
		}
	}
	snprintf(actors_buf, sizeof(actors_buf), "%s", actors);
	for (char *tok = strtok(actors_buf, ","); tok; tok = strtok(NULL, ",")) {
		for (i = 0; i < R_NR; i++)
			if (!strcmp(tok, role_name[i]))
				break;
		if (i == R_NR)
			usage(argv[0]);
		want[n_want++] = i;
	}
	if (debug)
		watchdog_s = 90;

	ksft_print_header();
	ksft_set_plan(4);
	ksft_print_msg("qlink_fuzz: seed %llu, %.0f s, %s kernel, actors %s\n",
		       (unsigned long long)seed, seconds,
		       debug ? "debug" : "plain", actors);
	ksft_print_msg("replay: qlink_fuzz --seed %llu --seconds %.0f --actors %s%s\n",
		       (unsigned long long)seed, seconds, actors,
		       max_calls ? " --calls N" : "");

	i = qf_family_read(QLINK_GENL_NAME, &fam);
	if (i) {
		ksft_test_result_fail("policies read from the family: %s\n",
				      strerror(-i));
		ksft_exit_fail();
	}
	{
		int n_pol = 0, n_nested = 0;

		for (i = 0; i < QF_POL_MAX; i++) {
			n_pol += fam.pol[i].used;
			for (c = 0; c <= QF_ATTR_MAX; c++)
				n_nested += fam.pol[i].a[c].nested >= 0 &&
					    fam.pol[i].a[c].type;
		}
		ksft_test_result(fam.n_ops > 0 && n_pol > 0,
				 "policies read from the family: %d ops, %d policies, %d attributes (%d nests), %d groups\n",
				 fam.n_ops, n_pol, fam.n_attrs, n_nested,
				 fam.n_grps);
		if (verbose) {
			for (i = 0; i < fam.n_ops; i++)
				ksft_print_msg("op %u flags 0x%x do %d dump %d\n",
					       fam.ops[i].cmd, fam.ops[i].flags,
					       fam.ops[i].do_pol,
					       fam.ops[i].dump_pol);
			for (i = 0; i < QF_POL_MAX; i++)
				for (c = 0; c <= QF_ATTR_MAX; c++) {
					struct qf_attr_pol *ap = &fam.pol[i].a[c];

					if (ap->type)
						ksft_print_msg("policy %d attr %d type %u u [%llu, %llu] s [%lld, %lld] len [%u, %u] nest %d\n",
							       i, c, ap->type,
							       (unsigned long long)ap->umin,
							       (unsigned long long)ap->umax,
							       (long long)ap->smin,
							       (long long)ap->smax,
							       ap->min_len, ap->max_len,
							       ap->nested);
				}
		}
	}

	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	ns1 = qlink_netns_new();
	ns2 = qlink_netns_new();
	if (ns1 < 0 || ns2 < 0)
		ksft_exit_fail_msg("netns: %s\n", strerror(-(ns1 < 0 ? ns1 : ns2)));

	taint0 = read_taint();
	sysctl_swap("/proc/sys/kernel/softlockup_panic", "1", saved_softlockup,
		    sizeof(saved_softlockup));
	fflush(stdout);
	t0 = now_s();
	for (i = 0; i < n_want; i++) {
		int role = want[i];

		shm->a[role].used = 1;
		pid[role] = fork();
		if (pid[role] == 0)
			_exit(actor_main(role, seed, ns1, ns2, seconds,
					 max_calls));
		shm->a[role].pid = pid[role];
	}
	/* Wait, watching the kernel's taint and the actors' failures. */
	t_end = t0 + seconds + (debug ? 120 : 45) + (max_calls ? 600 : 0);
	alive = n_want;
	while (alive) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);

		if (p > 0) {
			for (i = 0; i < R_NR; i++) {
				struct shm_actor *sh = &shm->a[i];

				if (!sh->used || pid[i] != p)
					continue;
				alive--;
				if (WIFSIGNALED(st) && !sh->failed) {
					snprintf(sh->fail, sizeof(sh->fail),
						 "killed by signal %d (%s)%s",
						 WTERMSIG(st),
						 strsignal(WTERMSIG(st)),
						 WTERMSIG(st) == SIGALRM ?
						 ": a call hung" : "");
					sh->failed = 1;
				} else if (WIFEXITED(st) &&
					   WEXITSTATUS(st) == 4) {
					ksft_print_msg("actor %s skipped: %s\n",
						       role_name[i], sh->note);
				} else if (WIFEXITED(st) &&
					   WEXITSTATUS(st) > 1 && !sh->failed) {
					char why[sizeof(sh->note)];

					memcpy(why, sh->note, sizeof(why));
					snprintf(sh->fail, sizeof(sh->fail),
						 "could not start: %s", why);
					sh->failed = 1;
				}
				if (sh->failed && t_fail < 0)
					t_fail = now_s() - t0;
				if (sh->failed && stop_on_failure)
					shm->stop = 1;
			}
			continue;
		}
		taint1 = read_taint();
		if (taint1 != taint0 && t_taint < 0) {
			t_taint = now_s() - t0;
			if (t_fail < 0)
				t_fail = t_taint;
			ksft_print_msg("kernel tainted after %.1f s: 0x%lx -> 0x%lx\n",
				       t_taint, taint0, taint1);
			for (i = 0; i < R_NR; i++) {
				taint_pos[i] = shm->a[i].pos;
				memcpy(taint_ring[i], shm->a[i].ring,
				       sizeof(taint_ring[i]));
			}
			if (stop_on_failure)
				shm->stop = 1;
		}
		for (i = 0; i < R_NR; i++)
			if (shm->a[i].failed && t_fail < 0)
				t_fail = now_s() - t0;
		if (now_s() > t_end) {
			ksft_print_msg("actors still running %.0f s after the end: killed\n",
				       now_s() - t0 - seconds);
			for (i = 0; i < n_want; i++) {
				struct shm_actor *sh = &shm->a[want[i]];

				if (!sh->failed) {
					snprintf(sh->fail, sizeof(sh->fail),
						 "did not stop: a call hung");
					sh->failed = 1;
				}
				kill(pid[want[i]], SIGKILL);
			}
			t_end = now_s() + 3600;
			ok_run = 0;
		}
		usleep(50000);
	}
	taint1 = read_taint();
	sysctl_swap("/proc/sys/kernel/softlockup_panic", saved_softlockup,
		    NULL, 0);

	/* Figures, then the verdicts. */
	for (i = 0; i < n_want; i++) {
		struct shm_actor *sh = &shm->a[want[i]];

		total += sh->pos;
		for (c = 0; c < K_NR; c++)
			per_kind[c] += sh->calls[c];
		for (c = 0; c < 3; c++)
			recs[c] += sh->recs[c];
	}
	ksft_print_msg("calls: %lu in %.1f s (%.0f/s)\n", total, now_s() - t0,
		       total / (now_s() - t0));
	{
		char line[512];
		size_t n = 0;

		for (c = 0; c < K_NR; c++)
			n += snprintf(line + n, sizeof(line) - n, "%s %lu%s",
				      kind_name[c], per_kind[c],
				      c + 1 < K_NR ? ", " : "");
		ksft_print_msg("per kind: %s\n", line);
		ksft_print_msg("records read by the sessions: %lu OK, %lu ERR\n",
			       recs[0], recs[1]);
	}
	{
		/* distinct answers over all actors */
		static char all[R_NR * ANS_MAX][ANS_LEN];
		int n_all = 0, j, k, n_genl = 0;

		for (i = 0; i < n_want; i++) {
			struct shm_actor *sh = &shm->a[want[i]];

			for (j = 0; j < sh->n_ans; j++) {
				for (k = 0; k < n_all; k++)
					if (!strcmp(all[k], sh->ans[j]))
						break;
				if (k == n_all)
					strcpy(all[n_all++], sh->ans[j]);
			}
		}
		for (k = 0; k < n_all; k++)
			n_genl += !strncmp(all[k], "genl ", 5);
		ksft_print_msg("distinct answers (call, errno, extack): %d, %d of them genetlink\n",
			       n_all, n_genl);
		if (verbose)
			for (k = 0; k < n_all; k++)
				ksft_print_msg("  %s\n", all[k]);
	}
	for (i = 0; i < n_want; i++) {
		struct shm_actor *sh = &shm->a[want[i]];

		ksft_print_msg("actor %s: %u calls, %d distinct answers, slowest %.2f s: %s\n",
			       role_name[want[i]], sh->pos, sh->n_ans,
			       sh->slow_s, sh->slow);
		ksft_print_msg("actor %s: %s%s\n", role_name[want[i]],
			       sh->failed ? "FAILED: " : "ok",
			       sh->failed ? sh->fail : "");
		if (sh->failed)
			ok_run = 0;
		if (sh->failed && sh->fail_pos)
			print_ring(want[i], sh->fail_ring, sh->fail_pos,
				   " up to its failure");
		else if (t_taint >= 0)
			print_ring(want[i], taint_ring[want[i]],
				   taint_pos[want[i]], " up to the taint");
		else if (verbose)
			print_ring(want[i], sh->ring, sh->pos, "");
	}
	if (t_fail >= 0)
		ksft_print_msg("first failure after %.1f s; replay: qlink_fuzz --seed %llu --seconds %.0f --actors %s\n",
			       t_fail, (unsigned long long)seed, seconds,
			       actors);
	ksft_test_result(ok_run,
			 "actors ran without signals, hangs or impossible errnos\n");
	ksft_test_result(taint1 == taint0,
			 "kernel not tainted (0x%lx -> 0x%lx)\n", taint0, taint1);

	/* Clean up: links in every netns of ours, then the namespaces. */
	delete_links();
	delete_links_in(ns1);
	delete_links_in(ns2);
	close(ns1);
	close(ns2);
	left = qlink_objects_wait_zero(debug ? 30000 : 10000, leftover,
				       sizeof(leftover));
	if (left < 0)
		ksft_test_result_skip("objects freed (no debugfs qlink/objects)\n");
	else
		ksft_test_result(left == 0, "every link, socket and request freed%s%s\n",
				 left ? ": left over: " : "",
				 left ? leftover : "");
	ksft_print_msg("took %.1f s\n", now_s() - t0);
	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}
