// SPDX-License-Identifier: GPL-2.0
/*
 * qlink links and the qlinksim driver: create/delete in one and across two
 * network namespaces, parameters (round trip, every invalid value rejected
 * with a message naming it, analytic expectations), permissions, events,
 * carrier, statistics, and the object counters returning to zero.
 */
#include <ctype.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <sys/wait.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"
#include "qlink_math.h"

#define NS_NAME "qlt_basic"

struct link_info {
	int seen;
	uint32_t ifindex, id, peer_ifindex;
	uint64_t peer_cookie;
	int up, carrier, side, has_peer, change;
	char name[IFNAMSIZ], kind[32];
	int64_t params[QLINK_A_PARAM_MAX + 1];
	int has_param[QLINK_A_PARAM_MAX + 1];
	uint64_t exp_herald, exp_acc;
	uint32_t exp_fid, exp_qber;
	int has_fid;
	uint64_t caps_params;
	uint32_t herald_models;
	uint64_t stats[QLINK_A_STATS_MAX + 1];
};

static void parse_link_attrs(struct nlattr **a, struct link_info *li)
{
	struct nlattr *tb[QLINK_A_PARAM_MAX + 1];
	int i;

	li->seen++;
	if (a[QLINK_A_IFINDEX])
		li->ifindex = nla_get_u32(a[QLINK_A_IFINDEX]);
	if (a[QLINK_A_LINK_ID])
		li->id = nla_get_u32(a[QLINK_A_LINK_ID]);
	if (a[QLINK_A_IFNAME])
		nla_strlcpy(li->name, a[QLINK_A_IFNAME], sizeof(li->name));
	if (a[QLINK_A_LINK_KIND])
		nla_strlcpy(li->kind, a[QLINK_A_LINK_KIND], sizeof(li->kind));
	if (a[QLINK_A_LINK_UP])
		li->up = nla_get_u8(a[QLINK_A_LINK_UP]);
	if (a[QLINK_A_LINK_CARRIER])
		li->carrier = nla_get_u8(a[QLINK_A_LINK_CARRIER]);
	if (a[QLINK_A_LINK_SIDE])
		li->side = nla_get_u8(a[QLINK_A_LINK_SIDE]);
	if (a[QLINK_A_LINK_CHANGE])
		li->change = nla_get_u32(a[QLINK_A_LINK_CHANGE]);
	if (a[QLINK_A_LINK_PEER_IFINDEX]) {
		li->has_peer = 1;
		li->peer_ifindex = nla_get_u32(a[QLINK_A_LINK_PEER_IFINDEX]);
	}
	if (a[QLINK_A_LINK_PEER_NETNS_COOKIE])
		li->peer_cookie = nla_get_u64(a[QLINK_A_LINK_PEER_NETNS_COOKIE]);
	if (a[QLINK_A_LINK_PARAMS] &&
	    !nla_parse_nested(tb, QLINK_A_PARAM_MAX, a[QLINK_A_LINK_PARAMS],
			      NULL)) {
		for (i = QLINK_A_PARAM_PAD + 1; i <= QLINK_A_PARAM_MAX; i++) {
			if (!tb[i])
				continue;
			li->has_param[i] = 1;
			li->params[i] = qlink_attr_get(QLINK_ASET_PARAMS, tb[i]);
		}
	}
	if (a[QLINK_A_LINK_EXPECTED]) {
		struct nlattr *e[QLINK_A_EXP_MAX + 1];

		if (!nla_parse_nested(e, QLINK_A_EXP_MAX,
				      a[QLINK_A_LINK_EXPECTED], NULL)) {
			if (e[QLINK_A_EXP_HERALD_RATE])
				li->exp_herald = nla_get_u64(e[QLINK_A_EXP_HERALD_RATE]);
			if (e[QLINK_A_EXP_ACCIDENTAL_RATE])
				li->exp_acc = nla_get_u64(e[QLINK_A_EXP_ACCIDENTAL_RATE]);
			if (e[QLINK_A_EXP_FIDELITY]) {
				li->has_fid = 1;
				li->exp_fid = nla_get_u32(e[QLINK_A_EXP_FIDELITY]);
			}
			if (e[QLINK_A_EXP_QBER])
				li->exp_qber = nla_get_u32(e[QLINK_A_EXP_QBER]);
		}
	}
	if (a[QLINK_A_LINK_CAPS]) {
		struct nlattr *c[QLINK_A_CAPS_MAX + 1];

		if (!nla_parse_nested(c, QLINK_A_CAPS_MAX, a[QLINK_A_LINK_CAPS],
				      NULL)) {
			if (c[QLINK_A_CAPS_PARAMS])
				li->caps_params = nla_get_u64(c[QLINK_A_CAPS_PARAMS]);
			if (c[QLINK_A_CAPS_HERALD_MODELS])
				li->herald_models = nla_get_u32(c[QLINK_A_CAPS_HERALD_MODELS]);
		}
	}
	if (a[QLINK_A_STATS]) {
		struct nlattr *s[QLINK_A_STATS_MAX + 1];

		if (!nla_parse_nested(s, QLINK_A_STATS_MAX, a[QLINK_A_STATS],
				      NULL))
			for (i = QLINK_A_STATS_PAD + 1; i <= QLINK_A_STATS_MAX; i++)
				if (s[i])
					li->stats[i] = qlink_attr_get(QLINK_ASET_STATS,
								      s[i]);
	}
}

static int parse_link(struct nlattr **a, void *arg)
{
	parse_link_attrs(a, arg);
	return 0;
}

static int get_link(struct qlink_nl *nl, const char *name, struct link_info *li)
{
	memset(li, 0, sizeof(*li));
	return qlink_nl_get(nl, QLINK_CMD_LINK_GET, name, parse_link, li);
}

static int get_stats(struct qlink_nl *nl, const char *name, struct link_info *li)
{
	memset(li, 0, sizeof(*li));
	return qlink_nl_get(nl, QLINK_CMD_STATS_GET, name, parse_link, li);
}

static int parse_cookie(struct nlattr **a, void *arg)
{
	if (a[QLINK_A_NETNS_COOKIE])
		*(uint64_t *)arg = nla_get_u64(a[QLINK_A_NETNS_COOKIE]);
	return 0;
}

static uint64_t netns_cookie(struct qlink_nl *nl)
{
	uint64_t cookie = 0;

	qlink_nl_transact(nl, qlink_nl_msg(nl, QLINK_CMD_GET_VERSION, 0),
			  parse_cookie, &cookie);
	return cookie;
}

static int read_sysfs(const char *dev, const char *file, char *buf, int len)
{
	char path[128];
	int fd, n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* Wait until no device NAME exists in the current netns. */
static int wait_gone(const char *name, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (!if_nametoindex(name))
			return 0;
		usleep(20000);
	}
	return -1;
}

static int wait_objects_zero(int ms)
{
	for (; ms > 0; ms -= 20) {
		if (qlink_objects_links() == 0)
			return 0;
		usleep(20000);
	}
	return qlink_objects_links();
}

FIXTURE(qlink) {
	struct qlink_nl rt, gn;
};

FIXTURE_SETUP(qlink)
{
	ASSERT_EQ(0, qlink_rt_open(&self->rt));
	ASSERT_EQ(0, qlink_nl_open(&self->gn));
	qlink_rt_del(&self->rt, "qa");
	qlink_rt_del(&self->rt, "qb");
}

FIXTURE_TEARDOWN(qlink)
{
	qlink_rt_del(&self->rt, "qa");
	qlink_nl_close(&self->gn);
	qlink_nl_close(&self->rt);
	if (system("ip netns del " NS_NAME " 2>/dev/null")) {
		/* it did not exist */
	}
}

TEST_F_TIMEOUT(qlink, create_delete, 120)
{
	struct link_info a, b;
	uint64_t cookie = netns_cookie(&self->gn);
	struct nl_msg *msg;
	char buf[64];

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_NE(0, if_nametoindex("qa"));
	ASSERT_NE(0, if_nametoindex("qb"));
	EXPECT_EQ(2, qlink_objects_links());

	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(1, a.seen);
	EXPECT_EQ(if_nametoindex("qa"), a.ifindex);
	EXPECT_STREQ("qlinksim", a.kind);
	EXPECT_EQ(0, a.side);
	EXPECT_EQ(0, a.up);
	EXPECT_EQ(0, a.carrier);
	ASSERT_TRUE(a.has_peer);
	EXPECT_EQ(if_nametoindex("qb"), a.peer_ifindex);
	EXPECT_EQ(cookie, a.peer_cookie);
	EXPECT_NE(0, a.id);

	/* By ifindex, and by both (which must agree). */
	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_GET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_u32(msg, QLINK_A_IFINDEX, a.peer_ifindex);
	memset(&b, 0, sizeof(b));
	ASSERT_EQ(0, qlink_nl_transact(&self->gn, msg, parse_link, &b));
	EXPECT_STREQ("qb", b.name);
	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_GET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_u32(msg, QLINK_A_IFINDEX, a.peer_ifindex);
	nla_put_string(msg, QLINK_A_IFNAME, "qa");
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->gn.extack, "different"));

	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	EXPECT_EQ(1, b.side);
	EXPECT_EQ(a.ifindex, b.peer_ifindex);
	EXPECT_NE(a.id, b.id);

	/* Not an IP device: no ARP, no IPv6, type ARPHRD_NONE. */
	ASSERT_EQ(0, read_sysfs("qa", "type", buf, sizeof(buf)));
	EXPECT_EQ(ARPHRD_NONE, atoi(buf));
	ASSERT_EQ(0, read_sysfs("qa", "flags", buf, sizeof(buf)));
	EXPECT_TRUE(strtoul(buf, NULL, 0) & IFF_NOARP);
	EXPECT_FALSE(strtoul(buf, NULL, 0) & IFF_MULTICAST);
	EXPECT_NE(0, access("/proc/sys/net/ipv6/conf/qa", F_OK));

	/* Deleting end B deletes end A. */
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qb"));
	EXPECT_EQ(0, if_nametoindex("qa"));
	EXPECT_EQ(0, if_nametoindex("qb"));
	EXPECT_EQ(0, wait_objects_zero(2000));
}

/* What iproute2 can do without a qlinksim plugin. */
TEST_F_TIMEOUT(qlink, ip_link_default_peer, 120)
{
	char peer[IFNAMSIZ] = "";
	struct link_info a;

	ASSERT_EQ(0, system("ip link add qa type qlinksim"));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_TRUE(a.has_peer);
	ASSERT_NE(NULL, if_indextoname(a.peer_ifindex, peer));
	EXPECT_EQ(0, strncmp(peer, "qlinksim", 8));
	EXPECT_EQ(0, system("ip -d link show qa | grep -q qlinksim"));
	EXPECT_EQ(0, system("ip link set qa up && ip link set qa down"));
	ASSERT_EQ(0, system("ip link del qa"));
	EXPECT_EQ(0, if_nametoindex(peer));
	EXPECT_EQ(0, wait_objects_zero(2000));
}

/* Run FN in a child that entered the netns NSFD; its exit status. */
static int in_netns(int nsfd, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWNET))
			_exit(100);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

struct peer_expect {
	uint32_t a_ifindex;
	uint64_t a_cookie;
};

static int check_peer_in_ns(void *arg)
{
	struct peer_expect *pe = arg;
	struct link_info b;
	struct qlink_nl nl;

	if (qlink_nl_open(&nl))
		return 1;
	if (get_link(&nl, "qb", &b) || b.seen != 1)
		return 2;
	if (b.side != 1 || b.peer_ifindex != pe->a_ifindex ||
	    b.peer_cookie != pe->a_cookie || b.ifindex != if_nametoindex("qb"))
		return 3;
	if (netns_cookie(&nl) == pe->a_cookie)
		return 4;
	qlink_nl_close(&nl);
	return 0;
}

static int check_qb_gone(void *arg)
{
	return wait_gone("qb", 2000) ? 1 : 0;
}

TEST_F_TIMEOUT(qlink, cross_netns, 120)
{
	struct peer_expect pe;
	struct link_info a;
	int nsfd;

	ASSERT_EQ(0, system("ip netns add " NS_NAME));
	nsfd = open("/run/netns/" NS_NAME, O_RDONLY);
	ASSERT_GE(nsfd, 0);

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", nsfd, NULL, 0));
	EXPECT_EQ(0, if_nametoindex("qb"));	/* not in this netns */
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	pe.a_ifindex = a.ifindex;
	pe.a_cookie = netns_cookie(&self->gn);
	EXPECT_NE(pe.a_cookie, a.peer_cookie);
	EXPECT_EQ(0, in_netns(nsfd, check_peer_in_ns, &pe));

	/* Deleting end A here deletes end B there. */
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
	EXPECT_EQ(0, in_netns(nsfd, check_qb_gone, NULL));
	EXPECT_EQ(0, wait_objects_zero(2000));

	/* Deleting the netns of end B deletes end A here. */
	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", nsfd, NULL, 0));
	close(nsfd);
	ASSERT_EQ(0, system("ip netns del " NS_NAME));
	EXPECT_EQ(0, wait_gone("qa", 10000));
	EXPECT_EQ(0, wait_objects_zero(10000));
}

/* A valid non-default value for every parameter. */
static const struct qlink_pv all_params[] = {
	{ QLINK_A_PARAM_SOURCE_RATE, 123456789 },
	{ QLINK_A_PARAM_DET_EFF_A, 700000 },
	{ QLINK_A_PARAM_DET_EFF_B, 650000 },
	{ QLINK_A_PARAM_DARK_RATE, 100000 },
	{ QLINK_A_PARAM_JITTER, 40 },
	{ QLINK_A_PARAM_FIBER_LEN_A, 12000 },
	{ QLINK_A_PARAM_FIBER_LEN_B, 25000 },
	{ QLINK_A_PARAM_FIBER_LOSS, 180 },
	{ QLINK_A_PARAM_WINDOW, 2000 },
	{ QLINK_A_PARAM_OFFSET, -123456789012LL },
	{ QLINK_A_PARAM_FIDELITY, 950000 },
	{ QLINK_A_PARAM_COHERENCE, 13000000 },
	{ QLINK_A_PARAM_HERALD_MODEL, QLINK_HERALD_EVENTS },
	{ QLINK_A_PARAM_SEED, 424242 },
	{ QLINK_A_PARAM_EXTRA_LOSS, 3000 },
	{ QLINK_A_PARAM_FIDELITY_DROP, 50000 },
	{ QLINK_A_PARAM_COHERENCE_SCALE, 500000 },
	{ QLINK_A_PARAM_CTRL_DELAY, 2000000000LL },
	{ QLINK_A_PARAM_DEAD_TIME, 25 },
	{ QLINK_A_PARAM_MAX_DET_RATE, 50000000000LL },
	{ QLINK_A_PARAM_SWAP_FAIL, 10000 },
	{ QLINK_A_PARAM_BIT_FLIP, 20000 },
	{ QLINK_A_PARAM_OFFSET_DRIFT, -5000 },
	{ QLINK_A_PARAM_MAX_PAIRS, 2048 },
	{ QLINK_A_PARAM_MEMORY_SLOTS, 512 },
	{ QLINK_A_PARAM_CUTOFF, 5000000 },
};

#define N_ALL (int)(sizeof(all_params) / sizeof(all_params[0]))

TEST_F(qlink, params_roundtrip)
{
	static const struct qlink_pv change[] = {
		{ QLINK_A_PARAM_FIBER_LEN_B, 30000 },
		{ QLINK_A_PARAM_OFFSET_DRIFT, 7000 },
		{ QLINK_A_PARAM_SEED, 0 },	/* 0: the kernel picks one */
	};
	struct link_info a, b;
	int i;

	ASSERT_EQ(N_ALL, QLINK_A_PARAM_MAX - QLINK_A_PARAM_PAD);
	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, all_params,
				     N_ALL));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	for (i = 0; i < N_ALL; i++) {
		int attr = all_params[i].attr;

		ASSERT_TRUE(a.has_param[attr]);
		EXPECT_EQ(all_params[i].val, a.params[attr])
			TH_LOG("parameter %d", attr);
		EXPECT_EQ(all_params[i].val, b.params[attr])
			TH_LOG("peer parameter %d", attr);
	}
	EXPECT_EQ(0, get_stats(&self->gn, "qa", &a));
	EXPECT_EQ(0, a.stats[QLINK_A_STATS_PARAM_CHANGES]);

	/* A change on end B is seen on end A. */
	ASSERT_EQ(0, qlink_nl_set(&self->gn, "qb", change, 3));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(30000, a.params[QLINK_A_PARAM_FIBER_LEN_B]);
	EXPECT_EQ(7000, a.params[QLINK_A_PARAM_OFFSET_DRIFT]);
	EXPECT_NE(0, a.params[QLINK_A_PARAM_SEED]);
	EXPECT_NE(424242, a.params[QLINK_A_PARAM_SEED]);
	EXPECT_EQ(12000, a.params[QLINK_A_PARAM_FIBER_LEN_A]);
	/* qlinksim: the offset follows the fibers, 5 ns per metre */
	EXPECT_EQ(18000LL * 5000, a.params[QLINK_A_PARAM_OFFSET]);
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	EXPECT_EQ(a.params[QLINK_A_PARAM_SEED], b.params[QLINK_A_PARAM_SEED]);
	EXPECT_EQ(0, get_stats(&self->gn, "qa", &a));
	EXPECT_EQ(1, a.stats[QLINK_A_STATS_PARAM_CHANGES]);
	EXPECT_EQ(0, get_stats(&self->gn, "qb", &b));
	EXPECT_EQ(1, b.stats[QLINK_A_STATS_PARAM_CHANGES]);

	/* Every parameter is in the driver's capabilities. */
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	for (i = 0; i < N_ALL; i++)
		EXPECT_TRUE(a.caps_params & (1ULL << all_params[i].attr));
	EXPECT_EQ((1u << QLINK_HERALD_TIME_TAGS) | (1u << QLINK_HERALD_EVENTS),
		  a.herald_models);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
	EXPECT_EQ(0, wait_objects_zero(2000));
}

static double expected_check(const struct link_info *li, double *acc,
			     double *fid)
{
	const int64_t *p = li->params;
	double la = (double)(p[QLINK_A_PARAM_FIBER_LOSS] *
			     p[QLINK_A_PARAM_FIBER_LEN_A] / 1000) +
		    p[QLINK_A_PARAM_EXTRA_LOSS] / 2;
	double lb = (double)(p[QLINK_A_PARAM_FIBER_LOSS] *
			     p[QLINK_A_PARAM_FIBER_LEN_B] / 1000) +
		    (p[QLINK_A_PARAM_EXTRA_LOSS] - p[QLINK_A_PARAM_EXTRA_LOSS] / 2);
	double r = p[QLINK_A_PARAM_SOURCE_RATE];
	double pa = p[QLINK_A_PARAM_DET_EFF_A] / 1e6 * pow10_d(-la / 10000);
	double pb = p[QLINK_A_PARAM_DET_EFF_B] / 1e6 * pow10_d(-lb / 10000);
	double sa = r * pa + p[QLINK_A_PARAM_DARK_RATE];
	double sb = r * pb + p[QLINK_A_PARAM_DARK_RATE];
	double c = r * pa * pb;
	double f0 = p[QLINK_A_PARAM_FIDELITY] - p[QLINK_A_PARAM_FIDELITY_DROP];

	*acc = sa * sb * p[QLINK_A_PARAM_WINDOW] / 1e15;
	*fid = (f0 * c + 250000 * *acc) / (c + *acc);
	return c;
}

static int close_to(double want, double got)
{
	return fabs_d(want - got) <= 2 + want * 1e-5;
}

TEST_F(qlink, expected_rates)
{
	static const struct qlink_pv cases[][4] = {
		/* qlink.md defaults: SPDC 3e5/s over 2 x 1 km */
		{ { QLINK_A_PARAM_SOURCE_RATE, 300000000 } },
		/* lossy: 2 x 50 km, extra 10 dB, 1 ns window */
		{ { QLINK_A_PARAM_FIBER_LEN_A, 50000 },
		  { QLINK_A_PARAM_FIBER_LEN_B, 50000 },
		  { QLINK_A_PARAM_EXTRA_LOSS, 10000 } },
		/* dark counts dominate: accidentals pull F towards 1/4 */
		{ { QLINK_A_PARAM_FIBER_LEN_A, 150000 },
		  { QLINK_A_PARAM_DARK_RATE, 500000000 },
		  { QLINK_A_PARAM_WINDOW, 10000000 } },
		/* matter link: 10 pairs/s, F0 0.9 */
		{ { QLINK_A_PARAM_SOURCE_RATE, 10000 },
		  { QLINK_A_PARAM_FIDELITY, 900000 },
		  { QLINK_A_PARAM_DARK_RATE, 0 },
		  { QLINK_A_PARAM_FIBER_LEN_A, 1000 } },
	};
	static const int ncases[] = { 1, 3, 3, 4 };
	static const struct qlink_pv none[] = {
		{ QLINK_A_PARAM_SOURCE_RATE, 0 },
		{ QLINK_A_PARAM_DARK_RATE, 0 },
	};
	struct link_info a;
	double c, acc, fid;
	int i;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, qlink_nl_set(&self->gn, "qa", cases[i], ncases[i]));
		ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
		c = expected_check(&a, &acc, &fid);
		TH_LOG("case %d: C %.0f/%lu acc %.1f/%lu F %.0f/%u QBER %u", i,
		       c, a.exp_herald, acc, a.exp_acc, fid, a.exp_fid,
		       a.exp_qber);
		EXPECT_TRUE(close_to(c, a.exp_herald));
		EXPECT_TRUE(close_to(acc, a.exp_acc));
		ASSERT_TRUE(a.has_fid);
		/* F from the reported (integer mHz) rates: sub-mHz rates round
		 * down to 0 in the kernel.
		 */
		fid = ((a.params[QLINK_A_PARAM_FIDELITY] -
			a.params[QLINK_A_PARAM_FIDELITY_DROP]) *
		       (double)a.exp_herald + 250000.0 * a.exp_acc) /
		      ((double)a.exp_herald + a.exp_acc);
		EXPECT_TRUE(close_to(fid, a.exp_fid));
		EXPECT_TRUE(close_to((1e6 - a.exp_fid) * 2 / 3, a.exp_qber));
	}
	/* No source, no dark counts: nothing to herald, no fidelity. */
	ASSERT_EQ(0, qlink_nl_set(&self->gn, "qa", none, 2));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(0, a.exp_herald);
	EXPECT_EQ(0, a.exp_acc);
	EXPECT_FALSE(a.has_fid);
}

struct bad_param {
	int attr;
	int64_t val;
	char name[32];		/* QLINK_A_PARAM_<name> */
};

static void add_bad(struct bad_param *bp, int *n, int attr, int64_t val)
{
	const char *c = qlink_attrs_params[attr].name;
	int i;

	bp[*n].attr = attr;
	bp[*n].val = val;
	for (i = 0; c[i] && i < (int)sizeof(bp->name) - 1; i++)
		bp[*n].name[i] = c[i] == '-' ? '_' : toupper(c[i]);
	bp[*n].name[i] = '\0';
	(*n)++;
}

/*
 * For every parameter a value just outside its range as the spec gives it
 * (uapi/qlink_attrs.h), at both ends where the wire type has room.
 */
static int bad_params(struct bad_param *bp)
{
	int attr, n = 0;

	for (attr = QLINK_A_PARAM_PAD + 1; attr <= QLINK_A_PARAM_MAX; attr++) {
		const struct qlink_attr_info *a = &qlink_attrs_params[attr];
		int bits = 8 * qlink_attr_width(a);

		if (a->type == QLINK_AT_S32 || a->type == QLINK_AT_S64) {
			if (a->smin > -(int64_t)(UINT64_MAX >> (65 - bits)) - 1)
				add_bad(bp, &n, attr, a->smin - 1);
			if ((uint64_t)a->smax < UINT64_MAX >> (65 - bits))
				add_bad(bp, &n, attr, a->smax + 1);
		} else {
			if (a->umin > 0)
				add_bad(bp, &n, attr, (int64_t)(a->umin - 1));
			if (a->umax < UINT64_MAX >> (64 - bits))
				add_bad(bp, &n, attr, (int64_t)(a->umax + 1));
		}
	}
	return n;
}

/* The message names the attribute and gives the allowed range. */
static int names_param(const char *msg, const char *name)
{
	char want[64];

	snprintf(want, sizeof(want), "QLINK_A_PARAM_%s ", name);
	return strstr(msg, want) && strstr(msg, "allowed [");
}

TEST_F_TIMEOUT(qlink, invalid_params, 180)
{
	struct qlink_pv cross[] = {
		{ QLINK_A_PARAM_FIDELITY, 300000 },
		{ QLINK_A_PARAM_FIDELITY_DROP, 60000 },
	};
	struct qlink_pv seed = { QLINK_A_PARAM_SEED, 5 };
	struct qlink_pv model = { QLINK_A_PARAM_HERALD_MODEL, 2 };
	struct qlink_pv ok = { QLINK_A_PARAM_JITTER, 60 };
	struct bad_param bp_all[2 * QLINK_A_PARAM_MAX];
	int seen[QLINK_A_PARAM_MAX + 1] = {};
	struct link_info before, after;
	int n_bad = bad_params(bp_all);
	struct nlattr *nest;
	struct nl_msg *msg;
	unsigned int i;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &before));

	for (i = 0; i < (unsigned int)n_bad; i++) {
		const struct bad_param *bp = &bp_all[i];
		struct qlink_pv pv[2] = {
			{ QLINK_A_PARAM_JITTER, 77 },	/* valid, must not stick */
			{ bp->attr, bp->val },
		};

		seen[bp->attr] = 1;
		/* through genetlink */
		EXPECT_EQ(-EINVAL, qlink_nl_set(&self->gn, "qa", pv, 2));
		EXPECT_TRUE(names_param(self->gn.extack, bp->name))
			TH_LOG("set %s: \"%s\"", bp->name, self->gn.extack);
		/* and at creation through rtnetlink */
		EXPECT_EQ(-EINVAL, qlinksim_create(&self->rt, "qc", "qd", -1,
						   &pv[1], 1));
		EXPECT_TRUE(names_param(self->rt.extack, bp->name))
			TH_LOG("create %s: \"%s\"", bp->name, self->rt.extack);
		/*
		 * Neither end exists. (sysfs, not if_nametoindex(): glibc's
		 * socket probing costs ~0.3 s a call in the TCG guest.)
		 */
		EXPECT_NE(0, access("/sys/class/net/qc", F_OK));
		EXPECT_NE(0, access("/sys/class/net/qd", F_OK));
	}
	for (i = QLINK_A_PARAM_PAD + 1; i <= QLINK_A_PARAM_MAX; i++)
		EXPECT_TRUE(seen[i]) TH_LOG("parameter %u not tested", i);

	/* All or nothing: nothing changed. */
	ASSERT_EQ(0, get_link(&self->gn, "qa", &after));
	EXPECT_EQ(0, memcmp(before.params, after.params, sizeof(before.params)));
	EXPECT_EQ(0, get_stats(&self->gn, "qa", &after));
	EXPECT_EQ(0, after.stats[QLINK_A_STATS_PARAM_CHANGES]);

	/* Cross-field: F0 - drop must stay >= 1/4. */
	EXPECT_EQ(-EINVAL, qlink_nl_set(&self->gn, "qa", cross, 2));
	EXPECT_NE(NULL, strstr(self->gn.extack, "FIDELITY_DROP"))
		TH_LOG("\"%s\"", self->gn.extack);
	EXPECT_EQ(0, qlink_nl_set(&self->gn, "qa", cross, 1));
	EXPECT_EQ(-EINVAL, qlink_nl_set(&self->gn, "qa", &cross[1], 1));
	EXPECT_NE(NULL, strstr(self->gn.extack, "must stay >= 250000"));

	/* The seed and the heralding model are fixed while up. */
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qb", 1));
	EXPECT_EQ(-EBUSY, qlink_nl_set(&self->gn, "qa", &seed, 1));
	EXPECT_NE(NULL, strstr(self->gn.extack, "QLINK_A_PARAM_SEED"));
	EXPECT_EQ(-EBUSY, qlink_nl_set(&self->gn, "qa", &model, 1));
	EXPECT_NE(NULL, strstr(self->gn.extack, "HERALD_MODEL"));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qb", 0));
	EXPECT_EQ(0, qlink_nl_set(&self->gn, "qa", &seed, 1));

	/* Unknown parameter: strict validation. */
	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_SET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_string(msg, QLINK_A_IFNAME, "qa");
	nest = nla_nest_start(msg, QLINK_A_LINK_PARAMS);
	nla_put_u32(msg, QLINK_A_PARAM_MAX + 1, 1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
	EXPECT_NE('\0', self->gn.extack[0]);

	/* Wrong width (u32 where u64 is expected). */
	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_SET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_string(msg, QLINK_A_IFNAME, "qa");
	nest = nla_nest_start(msg, QLINK_A_LINK_PARAMS);
	nla_put_u32(msg, QLINK_A_PARAM_SOURCE_RATE, 1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
	EXPECT_NE('\0', self->gn.extack[0]);

	/* Missing selectors and parameters, wrong devices. */
	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_SET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_string(msg, QLINK_A_IFNAME, "qa");
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->gn.extack, "QLINK_A_LINK_PARAMS"));

	EXPECT_EQ(-ENODEV, qlink_nl_set(&self->gn, "nosuchdev", &ok, 1));
	EXPECT_NE('\0', self->gn.extack[0]);
	EXPECT_EQ(-EOPNOTSUPP, qlink_nl_set(&self->gn, "lo", &ok, 1));
	EXPECT_NE(NULL, strstr(self->gn.extack, "not a qlink"));

	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_GET, 0);
	ASSERT_NE(NULL, msg);
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->gn.extack, "QLINK_A_IFINDEX"));
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
	EXPECT_EQ(0, wait_objects_zero(2000));
}

static int try_set(void)
{
	struct qlink_pv pv = { QLINK_A_PARAM_JITTER, 99 };
	struct link_info a;
	struct qlink_nl nl;

	if (qlink_nl_open(&nl))
		return 10;
	if (get_link(&nl, "qa", &a) || a.seen != 1)	/* reading is fine */
		return 11;
	if (qlink_nl_set(&nl, "qa", &pv, 1) != -EPERM)
		return 12;
	qlink_nl_close(&nl);
	return 0;
}

/* Clear CAP_NET_ADMIN from the effective and permitted sets. */
static int drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	data[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &hdr, data);
}

/* Without CAP_NET_ADMIN over the link's netns, LINK_SET is refused. */
TEST_F(qlink, unprivileged_set_denied)
{
	struct link_info a;
	int status;
	pid_t pid;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));

	/*
	 * Full capabilities, but in a user namespace that does not own the
	 * netns.
	 */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) ? 20 : try_set());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* Still root, but without CAP_NET_ADMIN. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(drop_net_admin() ? 22 : try_set());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* No capabilities at all. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(setresuid(65534, 65534, 65534) ? 21 : try_set());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));

	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_NE(99, a.params[QLINK_A_PARAM_JITTER]);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
}

struct ev_log {
	int n;
	int what[16];	/* cmd * 16 + change */
};

static int log_event(int cmd, struct nlattr **attrs, void *arg)
{
	struct ev_log *log = arg;
	struct link_info li = {};

	parse_link_attrs(attrs, &li);
	if (strcmp(li.name, "qa") || li.change == QLINK_CHANGE_CARRIER ||
	    li.change == QLINK_CHANGE_NAME)
		return 0;
	if (log->n < 16)
		log->what[log->n++] = cmd * 16 + li.change;
	return cmd == QLINK_CMD_LINK_DELETE_NTF;
}

TEST_F(qlink, events_in_order)
{
	static const int want[] = {
		QLINK_CMD_LINK_CREATE_NTF * 16,
		QLINK_CMD_LINK_CHANGE_NTF * 16 + QLINK_CHANGE_UP,
		QLINK_CMD_LINK_CHANGE_NTF * 16 + QLINK_CHANGE_PARAMS,
		QLINK_CMD_LINK_CHANGE_NTF * 16 + QLINK_CHANGE_DOWN,
		QLINK_CMD_LINK_DELETE_NTF * 16,
	};
	struct qlink_pv pv = { QLINK_A_PARAM_EXTRA_LOSS, 5000 };
	struct ev_log log = {};
	struct qlink_nl ev;
	int i;

	ASSERT_EQ(0, qlink_nl_open(&ev));
	ASSERT_EQ(0, qlink_nl_subscribe(&ev, QLINK_MCGRP_LINK_NAME));
	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 1));
	ASSERT_EQ(0, qlink_nl_set(&self->gn, "qb", &pv, 1));	/* mirrored */
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 0));
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
	EXPECT_EQ(0, qlink_nl_events(&ev, 2000, log_event, &log));
	ASSERT_EQ(5, log.n);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(want[i], log.what[i]) TH_LOG("event %d", i);
	qlink_nl_close(&ev);
}

TEST_F(qlink, carrier_follows_both_ends)
{
	struct link_info a, b;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 1));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(1, a.up);
	EXPECT_EQ(0, a.carrier);
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qb", 1));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	EXPECT_EQ(1, a.carrier);
	EXPECT_EQ(1, b.carrier);
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 0));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	EXPECT_EQ(0, a.up);
	EXPECT_EQ(0, a.carrier);
	EXPECT_EQ(1, b.up);
	EXPECT_EQ(0, b.carrier);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
}

/* Packets sent on a link are counted and dropped. */
TEST_F(qlink, xmit_counted_and_dropped)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	char buf[32] = "not a photon", state[32] = "";
	struct link_info a;
	int fd, i, sent = 0;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 1));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qb", 1));
	for (i = 0; i < 200 && strcmp(state, "up"); i++) {
		usleep(20000);
		read_sysfs("qa", "operstate", state, sizeof(state));
	}
	ASSERT_STREQ("up", state);

	fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	ASSERT_GE(fd, 0);
	sll.sll_ifindex = if_nametoindex("qa");
	sll.sll_protocol = htons(ETH_P_IP);
	for (i = 0; i < 3; i++)
		sent += sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sll,
			       sizeof(sll)) == sizeof(buf);
	close(fd);
	EXPECT_EQ(3, sent);
	ASSERT_EQ(0, get_stats(&self->gn, "qa", &a));
	EXPECT_EQ(3, a.stats[QLINK_A_STATS_TX_DROPPED]);
	EXPECT_EQ(0, read_sysfs("qa", "statistics/tx_dropped", buf, sizeof(buf)));
	EXPECT_EQ(3, atoi(buf));
	EXPECT_EQ(0, read_sysfs("qa", "statistics/tx_packets", buf, sizeof(buf)));
	EXPECT_EQ(0, atoi(buf));
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
}

/* The driver's debugfs fault knob makes bringing a link up fail. */
TEST_F(qlink, start_failure_keeps_link_down)
{
	struct link_info a;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, write_file("/sys/kernel/debug/qlinksim/fail_start", "1"));
	EXPECT_EQ(-EIO, qlink_rt_set_up(&self->rt, "qa", 1));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(0, a.up);
	EXPECT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 1));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(1, a.up);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
	EXPECT_EQ(0, wait_objects_zero(2000));
}

TEST_HARNESS_MAIN
