// SPDX-License-Identifier: GPL-2.0
/*
 * qlink links and the qlinksim driver: create/delete in one and across two
 * network namespaces, the configuration (LINK_SET, shared by both ends),
 * the calibration (qlinksim's report, an operator's setting, read-only
 * values), qlinksim's own attributes (creation, changelink, RTM_GETLINK),
 * every invalid value rejected by the policy naming the attribute and its
 * range, analytic expectations, permissions, events, carrier, statistics,
 * and the object counters returning to zero.
 */
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
	int64_t config[QLINK_A_CONFIG_MAX + 1];
	int has_config[QLINK_A_CONFIG_MAX + 1];
	int64_t calib[QLINK_A_CALIB_MAX + 1];
	int has_calib[QLINK_A_CALIB_MAX + 1];
	struct qlinksim_v sim;		/* RTM_GETLINK, by get_link() */
	uint64_t exp_herald, exp_acc;
	uint32_t exp_fid, exp_qber;
	int has_fid;
	uint32_t measure_bases;
	int has_bases;
	uint32_t herald_models;
	uint64_t stats[QLINK_A_STATS_MAX + 1];
};

static void parse_link_attrs(struct nlattr **a, struct link_info *li)
{
	struct nlattr *tb[QLINK_A_CONFIG_MAX + 1];
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
	if (a[QLINK_A_LINK_CONFIG] &&
	    !nla_parse_nested(tb, QLINK_A_CONFIG_MAX, a[QLINK_A_LINK_CONFIG],
			      NULL)) {
		for (i = QLINK_A_CONFIG_PAD + 1; i <= QLINK_A_CONFIG_MAX; i++) {
			if (!tb[i])
				continue;
			li->has_config[i] = 1;
			li->config[i] = qlink_pv_get(QLINK_PV_CONFIG | i, tb[i]);
		}
	}
	if (a[QLINK_A_LINK_CALIB]) {
		struct nlattr *e[QLINK_A_CALIB_MAX + 1];

		if (!nla_parse_nested(e, QLINK_A_CALIB_MAX,
				      a[QLINK_A_LINK_CALIB], NULL))
			for (i = QLINK_A_CALIB_PAD + 1; i <= QLINK_A_CALIB_MAX; i++) {
				if (!e[i])
					continue;
				li->has_calib[i] = 1;
				li->calib[i] = qlink_pv_get(QLINK_PV_CALIB | i,
							    e[i]);
			}
		li->exp_herald = li->calib[QLINK_A_CALIB_HERALD_RATE];
		li->exp_acc = li->calib[QLINK_A_CALIB_ACCIDENTAL_RATE];
		li->has_fid = li->has_calib[QLINK_A_CALIB_EXP_FIDELITY];
		li->exp_fid = li->calib[QLINK_A_CALIB_EXP_FIDELITY];
		li->exp_qber = li->calib[QLINK_A_CALIB_EXP_QBER];
	}
	if (a[QLINK_A_LINK_CAPS]) {
		struct nlattr *c[QLINK_A_CAPS_MAX + 1];

		if (!nla_parse_nested(c, QLINK_A_CAPS_MAX, a[QLINK_A_LINK_CAPS],
				      NULL)) {
			if (c[QLINK_A_CAPS_MEASURE_BASES]) {
				li->has_bases = 1;
				li->measure_bases = nla_get_u32(c[QLINK_A_CAPS_MEASURE_BASES]);
			}
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
					li->stats[i] = nla_get_u64(s[i]);
	}
}

static int parse_link(struct nlattr **a, void *arg)
{
	parse_link_attrs(a, arg);
	return 0;
}

/* LINK_GET, and qlinksim's attributes from the rtnetlink socket of NL. */
static int get_link(struct qlink_nl *nl, const char *name, struct link_info *li)
{
	int err;

	memset(li, 0, sizeof(*li));
	err = qlink_nl_get(nl, QLINK_CMD_LINK_GET, name, parse_link, li);
	return err ? err : qlinksim_get(nl->rt, name, &li->sim);
}

/* The value of setting ATTR (PV_*) in LI, and whether it was there. */
static int64_t li_val(const struct link_info *li, int attr, int *has)
{
	int a = QLINK_PV_ATTR(attr);

	switch (QLINK_PV_GROUP(attr)) {
	case QLINK_PV_CONFIG:
		*has = li->has_config[a];
		return li->config[a];
	case QLINK_PV_CALIB:
		*has = li->has_calib[a];
		return li->calib[a];
	}
	*has = li->sim.has[a];
	return li->sim.v[a];
}

static int get_stats(struct qlink_nl *nl, const char *name, struct link_info *li)
{
	memset(li, 0, sizeof(*li));
	return qlink_nl_get(nl, QLINK_CMD_STATS_GET, name, parse_link, li);
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* The cookie of the netns of NL's socket. */
static uint64_t netns_cookie(struct qlink_nl *nl)
{
	socklen_t len = sizeof(uint64_t);
	uint64_t cookie = 0;

	if (getsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_NETNS_COOKIE,
		       &cookie, &len))
		return 0;
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

/*
 * A valid non-default value for every configuration value and every
 * attribute of qlinksim (but DIRECT, which needs the time-tags model).
 */
static const struct qlink_pv all_params[] = {
	{ PV_SIM(SOURCE_RATE), 123456789 },
	{ PV_SIM(DET_EFF_A), 700000 },
	{ PV_SIM(DET_EFF_B), 650000 },
	{ PV_SIM(DARK_RATE), 100000 },
	{ PV_SIM(JITTER), 40 },
	{ PV_SIM(FIBER_LEN_A), 12000 },
	{ PV_SIM(FIBER_LEN_B), 25000 },
	{ PV_SIM(FIBER_LOSS), 180 },
	{ PV_CFG(WINDOW_FULL), 2000 },
	{ PV_CFG(OFFSET), -123456789012LL },
	{ PV_SIM(FIDELITY), 950000 },
	{ PV_SIM(COHERENCE), 13000000 },
	{ PV_SIM(HERALD_MODEL), QLINK_HERALD_EVENTS },
	{ PV_SIM(SEED), 424242 },
	{ PV_SIM(EXTRA_LOSS), 3000 },
	{ PV_SIM(FIDELITY_DROP), 50000 },
	{ PV_SIM(COHERENCE_SCALE), 500000 },
	{ PV_SIM(DEAD_TIME), 25 },
	{ PV_SIM(MAX_DET_RATE), 50000000000LL },
	{ PV_SIM(BIT_FLIP), 20000 },
	{ PV_SIM(OFFSET_DRIFT), -5000 },
	{ PV_CFG(MAX_PAIRS), 2048 },
	{ PV_CFG(MEMORY_SLOTS), 512 },
	{ PV_CFG(CUTOFF), 5000000 },
	{ PV_CFG(MIN_FIDELITY), 300000 },
	{ PV_SIM(DIRECT), 0 },
	{ PV_SIM(BASIS_Z), 300000 },
};

#define N_ALL (int)(sizeof(all_params) / sizeof(all_params[0]))

/* A valid non-default value for every settable calibration value. */
static const struct qlink_pv all_calib[] = {
	{ PV_CAL(FIDELITY), 910000 },
	{ PV_CAL(COHERENCE), 7000000 },
	{ PV_CAL(DET_EFF_A), 610000 },
	{ PV_CAL(DET_EFF_B), 620000 },
	{ PV_CAL(DARK_A), 31000 },
	{ PV_CAL(DARK_B), 32000 },
	{ PV_CAL(LOSS_A), 4100 },
	{ PV_CAL(LOSS_B), 4200 },
	{ PV_CAL(HERALD_RATE), 5000000 },
	{ PV_CAL(ACCIDENTAL_RATE), 12345 },
	{ PV_CAL(DIRECT), 1 },
};

#define N_CAL (int)(sizeof(all_calib) / sizeof(all_calib[0]))

static int close_to(double want, double got)
{
	return fabs_d(want - got) <= 2 + want * 1e-5;
}

TEST_F(qlink, params_roundtrip)
{
	static const struct qlink_pv change[] = {
		{ PV_SIM(FIBER_LEN_B), 30000 },
		{ PV_SIM(OFFSET_DRIFT), 7000 },
		{ PV_SIM(SEED), 0 },	/* 0: the kernel picks one */
	};
	struct link_info a, b;
	int i, has;

	/* not the split mode's END, LINK_PEER, CLOCK_OFFSET (qlinksim_split.sh) */
	ASSERT_EQ(N_ALL, (QLINK_A_CONFIG_MAX - QLINK_A_CONFIG_PAD) +
			 (IFLA_QLINKSIM_BASIS_Z - IFLA_QLINKSIM_PAD));
	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, all_params,
				     N_ALL));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	for (i = 0; i < N_ALL; i++) {
		int attr = all_params[i].attr;

		EXPECT_EQ(all_params[i].val, li_val(&a, attr, &has))
			TH_LOG("setting %#x", attr);
		EXPECT_TRUE(has) TH_LOG("setting %#x", attr);
		EXPECT_EQ(all_params[i].val, li_val(&b, attr, &has))
			TH_LOG("peer setting %#x", attr);
		EXPECT_TRUE(has) TH_LOG("peer setting %#x", attr);
	}
	EXPECT_EQ(0, get_stats(&self->gn, "qa", &a));
	EXPECT_EQ(0, a.stats[QLINK_A_STATS_PARAM_CHANGES]);

	/* A change of qlinksim's physics on end B is seen on end A. */
	ASSERT_EQ(0, qlinksim_change(&self->rt, "qb", change, 3));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(30000, a.sim.v[IFLA_QLINKSIM_FIBER_LEN_B]);
	EXPECT_EQ(7000, a.sim.v[IFLA_QLINKSIM_OFFSET_DRIFT]);
	EXPECT_NE(0, a.sim.v[IFLA_QLINKSIM_SEED]);
	EXPECT_NE(424242, a.sim.v[IFLA_QLINKSIM_SEED]);
	EXPECT_EQ(12000, a.sim.v[IFLA_QLINKSIM_FIBER_LEN_A]);
	/* qlinksim: the offset follows the fibers, 5 ns per metre */
	EXPECT_EQ(18000LL * 5000, a.config[QLINK_A_CONFIG_OFFSET]);
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	EXPECT_EQ(a.sim.v[IFLA_QLINKSIM_SEED], b.sim.v[IFLA_QLINKSIM_SEED]);
	EXPECT_EQ(18000LL * 5000, b.config[QLINK_A_CONFIG_OFFSET]);
	/*
	 * At each end: the calibration of the new physics, the offset
	 * (configuration) and the calibration for that configuration.
	 */
	EXPECT_EQ(0, get_stats(&self->gn, "qa", &a));
	EXPECT_EQ(3, a.stats[QLINK_A_STATS_PARAM_CHANGES]);
	EXPECT_EQ(0, get_stats(&self->gn, "qb", &b));
	EXPECT_EQ(3, b.stats[QLINK_A_STATS_PARAM_CHANGES]);

	/* The calibration an operator sets at end B holds at both ends. */
	ASSERT_EQ(0, qlink_nl_set(&self->gn, "qb", all_calib, N_CAL));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	for (i = 0; i < N_CAL; i++) {
		int attr = all_calib[i].attr;

		EXPECT_EQ(all_calib[i].val, li_val(&a, attr, &has))
			TH_LOG("calibration %#x", attr);
		EXPECT_EQ(all_calib[i].val, li_val(&b, attr, &has))
			TH_LOG("peer calibration %#x", attr);
	}
	/* ... and gives the derived values: F0 mixed with the accidentals' 1/4 */
	EXPECT_TRUE(a.has_fid);
	EXPECT_TRUE(close_to((910000.0 * 5000000 + 250000.0 * 12345) /
			     (5000000 + 12345), a.exp_fid))
		TH_LOG("expected fidelity %u", a.exp_fid);
	EXPECT_TRUE(close_to((1e6 - a.exp_fid) * 2 / 3, a.exp_qber));

	EXPECT_EQ((1u << QLINK_HERALD_TIME_TAGS) | (1u << QLINK_HERALD_EVENTS),
		  a.herald_models);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
	EXPECT_EQ(0, wait_objects_zero(2000));
}

/* qlinksim measures in every basis; the capabilities say so. */
TEST_F(qlink, caps_measure_bases)
{
	struct link_info a, b;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	ASSERT_TRUE(a.has_bases);
	EXPECT_EQ((1u << QLINK_BASIS_Z) | (1u << QLINK_BASIS_X) |
		  (1u << QLINK_BASIS_Y), a.measure_bases);
	EXPECT_EQ(a.measure_bases, b.measure_bases);
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
}

/* LINK_SET of the configuration at one end changes both. */
TEST_F(qlink, config_both_ends)
{
	static const struct qlink_pv cfg[] = {
		{ PV_CFG(WINDOW_FULL), 3000 },
		{ PV_CFG(OFFSET), -4242 },
		{ PV_CFG(MAX_PAIRS), 100 },
		{ PV_CFG(MEMORY_SLOTS), 7 },
		{ PV_CFG(CUTOFF), 99000000 },
		{ PV_CFG(MIN_FIDELITY), 260000 },
	};
	struct link_info a, b;
	int i, has;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(1000, a.config[QLINK_A_CONFIG_WINDOW_FULL]);
	EXPECT_EQ(1024, a.config[QLINK_A_CONFIG_MAX_PAIRS]);
	for (i = 0; i < (int)(sizeof(cfg) / sizeof(cfg[0])); i++) {
		ASSERT_EQ(0, qlink_nl_set(&self->gn, i % 2 ? "qa" : "qb",
					  &cfg[i], 1));
		ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
		ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
		EXPECT_EQ(cfg[i].val, li_val(&a, cfg[i].attr, &has))
			TH_LOG("config %d at A", i);
		EXPECT_EQ(cfg[i].val, li_val(&b, cfg[i].attr, &has))
			TH_LOG("config %d at B", i);
		EXPECT_EQ(0, memcmp(a.config, b.config, sizeof(a.config)));
	}
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
}

/*
 * The derived calibration values are read only: LINK_SET refuses them,
 * naming the attribute, and changes nothing.
 */
TEST_F(qlink, calib_read_only)
{
	static const int ro[] = { QLINK_A_CALIB_EXP_FIDELITY,
				  QLINK_A_CALIB_EXP_QBER };
	struct link_info before, after;
	struct qlink_pv pv[2] = { { PV_CAL(FIDELITY), 800000 } };
	int i;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &before));
	for (i = 0; i < 2; i++) {
		pv[1] = (struct qlink_pv){ QLINK_PV_CALIB | ro[i], 900000 };
		EXPECT_EQ(-EINVAL, qlink_nl_set(&self->gn, "qa", pv, 2));
		EXPECT_NE(NULL, strstr(self->gn.extack, "read only"))
			TH_LOG("\"%s\"", self->gn.extack);
		EXPECT_EQ(ro[i], qlink_nl_err_attr(&self->gn));
	}
	ASSERT_EQ(0, get_link(&self->gn, "qa", &after));
	EXPECT_EQ(0, memcmp(before.calib, after.calib, sizeof(before.calib)));
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
}

/*
 * changelink (RTM_NEWLINK on the existing device) of qlinksim's physics:
 * RTM_GETLINK of both ends shows the new values and both ends report the
 * calibration they imply. The configuration is not changelink's:
 * IFLA_QLINKSIM_CONFIG is refused (and nothing changes).
 */
TEST_F(qlink, sim_changelink)
{
	static const struct qlink_pv phys[] = {
		{ PV_SIM(DET_EFF_A), 500000 },
		{ PV_SIM(DARK_RATE), 7000 },
		{ PV_SIM(FIDELITY), 880000 },
		{ PV_SIM(FIDELITY_DROP), 30000 },
		{ PV_SIM(COHERENCE), 2000000 },
		{ PV_SIM(COHERENCE_SCALE), 250000 },
	};
	const struct qlink_pv cfg[] = {
		{ PV_SIM(JITTER), 61 },
		{ PV_CFG(WINDOW_FULL), 5000 },
	};
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct link_info a, b, before;
	struct nl_msg *msg;
	struct nlattr *li, *data, *nest;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(970000, a.calib[QLINK_A_CALIB_FIDELITY]);
	EXPECT_EQ(800000, a.calib[QLINK_A_CALIB_DET_EFF_A]);
	EXPECT_EQ(20000, a.calib[QLINK_A_CALIB_DARK_A]);
	EXPECT_EQ(0, a.calib[QLINK_A_CALIB_COHERENCE]);

	ASSERT_EQ(0, qlinksim_change(&self->rt, "qa", phys, 6));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	ASSERT_EQ(0, get_link(&self->gn, "qb", &b));
	EXPECT_EQ(500000, a.sim.v[IFLA_QLINKSIM_DET_EFF_A]);
	EXPECT_EQ(500000, b.sim.v[IFLA_QLINKSIM_DET_EFF_A]);
	EXPECT_EQ(7000, b.sim.v[IFLA_QLINKSIM_DARK_RATE]);
	EXPECT_EQ(250000, b.sim.v[IFLA_QLINKSIM_COHERENCE_SCALE]);
	/* F0 less the F2 drop, T scaled by F3 */
	EXPECT_EQ(850000, a.calib[QLINK_A_CALIB_FIDELITY]);
	EXPECT_EQ(850000, b.calib[QLINK_A_CALIB_FIDELITY]);
	EXPECT_EQ(500000, a.calib[QLINK_A_CALIB_DET_EFF_A]);
	EXPECT_EQ(500000, b.calib[QLINK_A_CALIB_DET_EFF_A]);
	EXPECT_EQ(800000, b.calib[QLINK_A_CALIB_DET_EFF_B]);
	EXPECT_EQ(7000, a.calib[QLINK_A_CALIB_DARK_A]);
	EXPECT_EQ(7000, b.calib[QLINK_A_CALIB_DARK_B]);
	EXPECT_EQ(500000, a.calib[QLINK_A_CALIB_COHERENCE]);
	EXPECT_EQ(500000, b.calib[QLINK_A_CALIB_COHERENCE]);
	EXPECT_EQ(a.exp_herald, b.exp_herald);

	/* IFLA_QLINKSIM_CONFIG is for creation only */
	before = a;
	EXPECT_EQ(-EOPNOTSUPP, qlinksim_change(&self->rt, "qa", cfg, 2));
	EXPECT_NE(NULL, strstr(self->rt.extack, "IFLA_QLINKSIM_CONFIG"))
		TH_LOG("\"%s\"", self->rt.extack);
	EXPECT_EQ(IFLA_QLINKSIM_CONFIG, qlink_nl_err_attr(&self->rt));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &a));
	EXPECT_EQ(before.sim.v[IFLA_QLINKSIM_JITTER], a.sim.v[IFLA_QLINKSIM_JITTER]);
	EXPECT_EQ(1000, a.config[QLINK_A_CONFIG_WINDOW_FULL]);

	/* ... and so is the peer */
	msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO));
	nla_put_string(msg, IFLA_IFNAME, "qa");
	li = nla_nest_start(msg, IFLA_LINKINFO);
	nla_put_string(msg, IFLA_INFO_KIND, "qlinksim");
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	nest = nla_nest_start(msg, IFLA_QLINKSIM_PEER);
	ASSERT_EQ(0, nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO));
	nla_nest_end(msg, nest);
	nla_nest_end(msg, data);
	nla_nest_end(msg, li);
	EXPECT_EQ(-EOPNOTSUPP, qlink_nl_transact(&self->rt, msg, NULL, NULL));
	EXPECT_EQ(IFLA_QLINKSIM_PEER, qlink_nl_err_attr(&self->rt));
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
}

/*
 * qlink.md §7 from qlinksim's physics and the window of the
 * configuration, as the one-to-one matcher counts (qcore_link_expect()):
 * twins inside the window (Gaussian jitter of both detectors), less the
 * true pairs an unrelated tag claims first; accidentals U = S_A S_B tau
 * less those a twin claims first. To first order in S tau; a rate that
 * would come out negative is 0.
 */
static double expected_check(const struct link_info *li, double *acc,
			     double *fid)
{
	const int64_t *p = li->sim.v;
	double la = (double)(p[IFLA_QLINKSIM_FIBER_LOSS] *
			     p[IFLA_QLINKSIM_FIBER_LEN_A] / 1000) +
		    p[IFLA_QLINKSIM_EXTRA_LOSS] / 2;
	double lb = (double)(p[IFLA_QLINKSIM_FIBER_LOSS] *
			     p[IFLA_QLINKSIM_FIBER_LEN_B] / 1000) +
		    (p[IFLA_QLINKSIM_EXTRA_LOSS] - p[IFLA_QLINKSIM_EXTRA_LOSS] / 2);
	double r = p[IFLA_QLINKSIM_SOURCE_RATE];
	double pa = p[IFLA_QLINKSIM_DET_EFF_A] / 1e6 * pow10_d(-la / 10000);
	double pb = p[IFLA_QLINKSIM_DET_EFF_B] / 1e6 * pow10_d(-lb / 10000);
	double sa = r * pa + p[IFLA_QLINKSIM_DARK_RATE];
	double sb = r * pb + p[IFLA_QLINKSIM_DARK_RATE];
	double c = r * pa * pb;
	double f0 = p[IFLA_QLINKSIM_FIDELITY] - p[IFLA_QLINKSIM_FIDELITY_DROP];
	/* the matcher accepts tau | 1 ps; rates in mHz, mHz^2 ps = 1e15 mHz */
	double tau = (double)(li->config[QLINK_A_CONFIG_WINDOW_FULL] | 1) / 1e15;
	double sigma = p[IFLA_QLINKSIM_JITTER];
	double in = sigma ? erf_d(tau * 1e15 / (4 * sigma)) : 1;
	double c_in = c * in, u = sa * sb * tau;

	*acc = u - c_in * tau * (sa + sb) / 2;
	*acc = *acc > 0 ? *acc : 0;
	c = c_in - (c_in * tau * (sa + sb) / 2 - c_in * c_in * tau);
	c = c > 0 ? c : 0;
	*fid = (f0 * c + 250000 * *acc) / (c + *acc);
	return c;
}

TEST_F(qlink, expected_rates)
{
	static const struct qlink_pv cases[][4] = {
		/* qlink.md defaults: SPDC 3e5/s over 2 x 1 km */
		{ { PV_SIM(SOURCE_RATE), 300000000 } },
		/* lossy: 2 x 50 km, extra 10 dB, 1 ns window */
		{ { PV_SIM(FIBER_LEN_A), 50000 },
		  { PV_SIM(FIBER_LEN_B), 50000 },
		  { PV_SIM(EXTRA_LOSS), 10000 } },
		/* dark counts dominate: accidentals pull F towards 1/4 */
		{ { PV_SIM(FIBER_LEN_A), 150000 },
		  { PV_SIM(DARK_RATE), 500000000 },
		  { PV_CFG(WINDOW_FULL), 10000000 } },
		/* matter link: 10 pairs/s, F0 0.9 */
		{ { PV_SIM(SOURCE_RATE), 10000 },
		  { PV_SIM(FIDELITY), 900000 },
		  { PV_SIM(DARK_RATE), 0 },
		  { PV_SIM(FIBER_LEN_A), 1000 } },
	};
	static const int ncases[] = { 1, 3, 3, 4 };
	static const struct qlink_pv none[] = {
		{ PV_SIM(SOURCE_RATE), 0 },
		{ PV_SIM(DARK_RATE), 0 },
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
		/* fixed point against double: a few 1e-4 */
		EXPECT_LE(fabs_d(c - a.exp_herald), 2 + c * 5e-4);
		EXPECT_LE(fabs_d(acc - a.exp_acc), 2 + acc * 5e-4);
		ASSERT_TRUE(a.has_fid);
		/* F from the reported (integer mHz) rates: sub-mHz rates round
		 * down to 0 in the kernel.
		 */
		fid = ((a.sim.v[IFLA_QLINKSIM_FIDELITY] -
			a.sim.v[IFLA_QLINKSIM_FIDELITY_DROP]) *
		       (double)a.exp_herald + 250000.0 * a.exp_acc) /
		      ((double)a.exp_herald + a.exp_acc);
		EXPECT_TRUE(close_to(fid, a.exp_fid));
		EXPECT_TRUE(close_to((1e6 - a.exp_fid) * 2 / 3, a.exp_qber));
		/* the calibration carries the losses and the detectors */
		EXPECT_EQ(a.sim.v[IFLA_QLINKSIM_DET_EFF_A],
			  a.calib[QLINK_A_CALIB_DET_EFF_A]);
		EXPECT_EQ(a.sim.v[IFLA_QLINKSIM_DARK_RATE],
			  a.calib[QLINK_A_CALIB_DARK_B]);
		EXPECT_EQ(a.sim.v[IFLA_QLINKSIM_FIBER_LOSS] *
			  a.sim.v[IFLA_QLINKSIM_FIBER_LEN_A] / 1000 +
			  a.sim.v[IFLA_QLINKSIM_EXTRA_LOSS] / 2,
			  a.calib[QLINK_A_CALIB_LOSS_A]);
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
	const char *name;
};

/*
 * For every configuration value, settable calibration value and qlinksim
 * attribute a value just outside its range (both ends when both exist on
 * the wire).
 */
static const struct bad_param bad_params[] = {
	{ PV_SIM(SOURCE_RATE), 1000000000001LL, "SOURCE_RATE" },
	{ PV_SIM(DET_EFF_A), 1000001, "DET_EFF_A" },
	{ PV_SIM(DET_EFF_B), 1000001, "DET_EFF_B" },
	{ PV_SIM(DARK_RATE), 1000000001, "DARK_RATE" },
	{ PV_SIM(JITTER), 1000001, "JITTER" },
	{ PV_SIM(FIBER_LEN_A), 1000001, "FIBER_LEN_A" },
	{ PV_SIM(FIBER_LEN_B), 1000001, "FIBER_LEN_B" },
	{ PV_SIM(FIBER_LOSS), 10001, "FIBER_LOSS" },
	{ PV_CFG(WINDOW_FULL), 0, "WINDOW" },
	{ PV_CFG(WINDOW_FULL), 10000001, "WINDOW" },
	{ PV_CFG(OFFSET), 10000000000001LL, "OFFSET" },
	{ PV_CFG(OFFSET), -10000000000001LL, "OFFSET" },
	{ PV_SIM(FIDELITY), 249999, "FIDELITY" },
	{ PV_SIM(FIDELITY), 1000001, "FIDELITY" },
	{ PV_SIM(COHERENCE), 1000000000000001LL, "COHERENCE" },
	{ PV_SIM(HERALD_MODEL), 0, "HERALD_MODEL" },
	{ PV_SIM(HERALD_MODEL), 3, "HERALD_MODEL" },
	{ PV_SIM(SEED), -1, "SEED" },
	{ PV_SIM(EXTRA_LOSS), 100001, "EXTRA_LOSS" },
	{ PV_SIM(FIDELITY_DROP), 750001, "FIDELITY_DROP" },
	{ PV_SIM(COHERENCE_SCALE), 0, "COHERENCE_SCALE" },
	{ PV_SIM(COHERENCE_SCALE), 1000001, "COHERENCE_SCALE" },
	{ PV_SIM(DEAD_TIME), 1000000001, "DEAD_TIME" },
	{ PV_SIM(MAX_DET_RATE), 10000000000001LL, "MAX_DET_RATE" },
	{ PV_SIM(BIT_FLIP), 1000001, "BIT_FLIP" },
	{ PV_SIM(OFFSET_DRIFT), 1000000001, "OFFSET_DRIFT" },
	{ PV_SIM(OFFSET_DRIFT), -1000000001, "OFFSET_DRIFT" },
	{ PV_CFG(MAX_PAIRS), 0, "MAX_PAIRS" },
	{ PV_CFG(MAX_PAIRS), 1048577, "MAX_PAIRS" },
	{ PV_CFG(MEMORY_SLOTS), 65536, "MEMORY_SLOTS" },
	{ PV_CFG(CUTOFF), 1000000000000001LL, "CUTOFF" },
	{ PV_CFG(MIN_FIDELITY), 1000001, "MIN_FIDELITY" },
	{ PV_SIM(DIRECT), 2, "DIRECT" },
	{ PV_SIM(BASIS_Z), 1000001, "BASIS_Z" },
	{ PV_SIM(END), 3, "END" },
	{ PV_SIM(CLOCK_OFFSET), 1000000000001LL, "CLOCK_OFFSET" },
	{ PV_SIM(CLOCK_OFFSET), -1000000000001LL, "CLOCK_OFFSET" },
	{ PV_CAL(FIDELITY), 249999, "FIDELITY" },
	{ PV_CAL(FIDELITY), 1000001, "FIDELITY" },
	{ PV_CAL(COHERENCE), 1000000000000001LL, "COHERENCE" },
	{ PV_CAL(DET_EFF_A), 1000001, "DET_EFF_A" },
	{ PV_CAL(DET_EFF_B), 1000001, "DET_EFF_B" },
	{ PV_CAL(DARK_A), 1000000001, "DARK_A" },
	{ PV_CAL(DARK_B), 1000000001, "DARK_B" },
	{ PV_CAL(LOSS_A), 1000001, "LOSS_A" },
	{ PV_CAL(LOSS_B), 1000001, "LOSS_B" },
	{ PV_CAL(HERALD_RATE), 10000000000001LL, "HERALD_RATE" },
	{ PV_CAL(ACCIDENTAL_RATE), 10000000000001LL, "ACCIDENTAL_RATE" },
	{ PV_CAL(DIRECT), 2, "DIRECT" },
};

/*
 * The policy refused BP: -ERANGE, the error points at the attribute and
 * carries the range, which BP's value is just outside of.
 */
static int policy_refused(struct __test_metadata *_metadata,
			  const struct qlink_nl *nl, int err,
			  const struct bad_param *bp)
{
	int ok = 1;

	ok &= err == -ERANGE;
	ok &= nl->extack[0] != '\0';
	ok &= qlink_nl_err_attr(nl) == QLINK_PV_ATTR(bp->attr);
	if (nl->has_pol_s)
		ok &= bp->val == nl->pol_smin - 1 || bp->val == nl->pol_smax + 1;
	else if (nl->has_pol_u)
		ok &= (uint64_t)bp->val == nl->pol_umin - 1 ||
		      (uint64_t)bp->val == nl->pol_umax + 1 ||
		      (nl->pol_umax == INT64_MAX && bp->val < 0);
	else
		ok = 0;
	if (!ok)
		TH_LOG("%s: err %d attr %d (\"%s\") range s%d [%lld, %lld] u%d [%llu, %llu]",
		       bp->name, err, qlink_nl_err_attr(nl), nl->extack,
		       nl->has_pol_s, (long long)nl->pol_smin,
		       (long long)nl->pol_smax, nl->has_pol_u,
		       (unsigned long long)nl->pol_umin,
		       (unsigned long long)nl->pol_umax);
	return ok;
}

TEST_F_TIMEOUT(qlink, invalid_params, 180)
{
	struct qlink_pv cross[] = {
		{ PV_SIM(FIDELITY), 300000 },
		{ PV_SIM(FIDELITY_DROP), 60000 },
	};
	struct qlink_pv seed = { PV_SIM(SEED), 5 };
	struct qlink_pv model = { PV_SIM(HERALD_MODEL), 2 };
	struct qlink_pv ok = { PV_CFG(CUTOFF), 60 };
	int seen_cfg[QLINK_A_CONFIG_MAX + 1] = {};
	int seen_cal[QLINK_A_CALIB_MAX + 1] = {};
	int seen_sim[IFLA_QLINKSIM_MAX + 1] = {};
	struct link_info before, after;
	struct nlattr *nest;
	struct nl_msg *msg;
	unsigned int i;

	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, get_link(&self->gn, "qa", &before));

	for (i = 0; i < sizeof(bad_params) / sizeof(bad_params[0]); i++) {
		const struct bad_param *bp = &bad_params[i];
		int group = QLINK_PV_GROUP(bp->attr), err;
		/* a valid value of the same request, which must not stick */
		struct qlink_pv pv[2] = {
			{ group == QLINK_PV_SIM ? PV_SIM(JITTER) :
			  group == QLINK_PV_CONFIG ? PV_CFG(CUTOFF) :
			  PV_CAL(FIDELITY), 770000 },
			{ bp->attr, bp->val },
		};

		if (group == QLINK_PV_CONFIG)
			seen_cfg[QLINK_PV_ATTR(bp->attr)] = 1;
		else if (group == QLINK_PV_CALIB)
			seen_cal[QLINK_PV_ATTR(bp->attr)] = 1;
		else
			seen_sim[QLINK_PV_ATTR(bp->attr)] = 1;
		/* LINK_SET, or changelink for qlinksim's own */
		err = qlink_nl_set(&self->gn, "qa", pv, 2);
		EXPECT_TRUE(policy_refused(_metadata, &self->gn, err, bp))
			TH_LOG("set %s", bp->name);
		if (group == QLINK_PV_CALIB)
			continue;	/* the driver's report, not a creation's */
		/* and at creation through rtnetlink */
		err = qlinksim_create(&self->rt, "qc", "qd", -1, &pv[1], 1);
		EXPECT_TRUE(policy_refused(_metadata, &self->rt, err, bp))
			TH_LOG("create %s", bp->name);
		/*
		 * Neither end exists. (sysfs, not if_nametoindex(): glibc's
		 * socket probing costs ~0.3 s a call in the TCG guest.)
		 */
		EXPECT_NE(0, access("/sys/class/net/qc", F_OK));
		EXPECT_NE(0, access("/sys/class/net/qd", F_OK));
	}
	for (i = QLINK_A_CONFIG_PAD + 1; i <= QLINK_A_CONFIG_MAX; i++) {
		EXPECT_TRUE(seen_cfg[i]) TH_LOG("config %u not tested", i);
	}
	for (i = QLINK_A_CALIB_PAD + 1; i < QLINK_A_CALIB_EXP_FIDELITY; i++) {
		EXPECT_TRUE(seen_cal[i]) TH_LOG("calib %u not tested", i);
	}
	/* LINK_PEER is a nest: the core's policy, in qlinksim_split.sh */
	for (i = IFLA_QLINKSIM_PAD + 1; i <= IFLA_QLINKSIM_MAX; i++) {
		EXPECT_TRUE(seen_sim[i] || i == IFLA_QLINKSIM_LINK_PEER)
			TH_LOG("qlinksim %u not tested", i);
	}

	/* All or nothing: nothing changed. */
	ASSERT_EQ(0, get_link(&self->gn, "qa", &after));
	EXPECT_EQ(0, memcmp(before.config, after.config, sizeof(before.config)));
	EXPECT_EQ(0, memcmp(before.calib, after.calib, sizeof(before.calib)));
	EXPECT_EQ(0, memcmp(&before.sim, &after.sim, sizeof(before.sim)));
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
	EXPECT_NE(NULL, strstr(self->gn.extack, "IFLA_QLINKSIM_SEED"));
	EXPECT_EQ(IFLA_QLINKSIM_SEED, qlink_nl_err_attr(&self->gn));
	EXPECT_EQ(-EBUSY, qlink_nl_set(&self->gn, "qa", &model, 1));
	EXPECT_NE(NULL, strstr(self->gn.extack, "HERALD_MODEL"));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qb", 0));
	EXPECT_EQ(0, qlink_nl_set(&self->gn, "qa", &seed, 1));

	/* Unknown values: strict validation, in both nests. */
	for (i = 0; i < 2; i++) {
		msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_SET, 0);
		ASSERT_NE(NULL, msg);
		nla_put_string(msg, QLINK_A_IFNAME, "qa");
		nest = nla_nest_start(msg, i ? QLINK_A_LINK_CALIB :
					       QLINK_A_LINK_CONFIG);
		nla_put_u32(msg, i ? QLINK_A_CALIB_MAX + 1 :
				     QLINK_A_CONFIG_MAX + 1, 1);
		nla_nest_end(msg, nest);
		EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
		EXPECT_NE('\0', self->gn.extack[0]);
	}

	/* Wrong width (u32 where u64 is expected). */
	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_SET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_string(msg, QLINK_A_IFNAME, "qa");
	nest = nla_nest_start(msg, QLINK_A_LINK_CONFIG);
	nla_put_u32(msg, QLINK_A_CONFIG_CUTOFF, 1);
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
	EXPECT_NE('\0', self->gn.extack[0]);

	/* Missing selectors and parameters, wrong devices. */
	msg = qlink_nl_msg(&self->gn, QLINK_CMD_LINK_SET, 0);
	ASSERT_NE(NULL, msg);
	nla_put_string(msg, QLINK_A_IFNAME, "qa");
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&self->gn, msg, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->gn.extack, "QLINK_A_LINK_CONFIG"));

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
	struct qlink_pv pv = { PV_CFG(WINDOW_FULL), 99 };
	struct qlink_pv cal = { PV_CAL(DARK_A), 99 };
	struct qlink_pv sim = { PV_SIM(JITTER), 99 };
	struct link_info a;
	struct qlink_nl nl;

	if (qlink_nl_open(&nl))
		return 10;
	if (get_link(&nl, "qa", &a) || a.seen != 1)	/* reading is fine */
		return 11;
	if (qlink_nl_set(&nl, "qa", &pv, 1) != -EPERM)
		return 12;
	if (qlink_nl_set(&nl, "qa", &cal, 1) != -EPERM)
		return 13;
	if (qlink_nl_set(&nl, "qa", &sim, 1) != -EPERM)
		return 14;
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

/*
 * Without CAP_NET_ADMIN over the link's netns, LINK_SET (configuration,
 * calibration) and changelink (qlinksim's physics) are refused.
 */
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
	EXPECT_NE(99, a.config[QLINK_A_CONFIG_WINDOW_FULL]);
	EXPECT_NE(99, a.calib[QLINK_A_CALIB_DARK_A]);
	EXPECT_NE(99, a.sim.v[IFLA_QLINKSIM_JITTER]);
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
		QLINK_CMD_LINK_CHANGE_NTF * 16 + QLINK_CHANGE_CALIB,
		QLINK_CMD_LINK_CHANGE_NTF * 16 + QLINK_CHANGE_CONFIG,
		QLINK_CMD_LINK_CHANGE_NTF * 16 + QLINK_CHANGE_CALIB,
		QLINK_CMD_LINK_CHANGE_NTF * 16 + QLINK_CHANGE_DOWN,
		QLINK_CMD_LINK_DELETE_NTF * 16,
	};
	struct qlink_pv pv = { PV_SIM(EXTRA_LOSS), 5000 };
	struct qlink_pv win = { PV_CFG(WINDOW_FULL), 1500 };
	struct ev_log log = {};
	struct qlink_nl ev;
	int i;

	ASSERT_EQ(0, qlink_nl_open(&ev));
	ASSERT_EQ(0, qlink_nl_subscribe(&ev, QLINK_MCGRP_LINK_NAME));
	ASSERT_EQ(0, qlinksim_create(&self->rt, "qa", "qb", -1, NULL, 0));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 1));
	/* physics at B: qlinksim reports A's calibration again */
	ASSERT_EQ(0, qlink_nl_set(&self->gn, "qb", &pv, 1));
	/* the window at B: A's configuration, and with it the calibration */
	ASSERT_EQ(0, qlink_nl_set(&self->gn, "qb", &win, 1));
	ASSERT_EQ(0, qlink_rt_set_up(&self->rt, "qa", 0));
	ASSERT_EQ(0, qlink_rt_del(&self->rt, "qa"));
	EXPECT_EQ(0, qlink_nl_events(&ev, 2000, log_event, &log));
	ASSERT_EQ(7, log.n);
	for (i = 0; i < 7; i++)
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
