// SPDX-License-Identifier: GPL-2.0
/*
 * The link protocol between two hosts (Documentation/qlink-protocol.rst),
 * between two qlinktest links: end A (decides) in netns A, end B (follows)
 * in netns B, joined by a veth pair with 10.99.0.1/24, fd00:99::1/64 (A)
 * and 10.99.0.2/24, fd00:99::2/64 (B). Nothing lives outside the two
 * namespaces but the links' birth. qlinktest links herald nothing, so the
 * protocol reaches "up" with hellos alone.
 *
 * Covered: the peer configuration (set, show, every error with its
 * extack, permissions), the state and the carrier, every receive check
 * with its own counter (messages crafted, captured and replayed from a
 * plain UDP socket and an AF_PACKET socket in netns B), liveness (silence,
 * restart, module reload), IPv6, disagreeing configurations, and the
 * message counters of the two ends adding up.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"

/* Documentation/qlink-protocol.rst */
#define HDR		24
#define MACLEN		16
#define MSG_MAX		1200
#define HELLO_LEN	56
#define T_HELLO		1
#define T_TAGS		2
#define T_HERALDS	3

#define PORT		4747
#define KEEPALIVE	100	/* ms: fast on a TCG guest ... */
#define TIMEOUT		1000	/* ... with ten hellos per timeout under load */
#define WAIT_MS		20000	/* generous bound of any wait */

#define QT_DIR		"/sys/kernel/debug/qlinktest"
#define LA		"qltest0"	/* end A, decides, netns A */
#define LB		"qltest1"	/* end B, follows, netns B */
#define LS		"qltest2"	/* spare, netns A */
#define VA		"qlpva"
#define VB		"qlpvb"

static const unsigned char key[32] = {
	0x51, 0x4c, 0x49, 0x4e, 0x4b, 0x20, 0x74, 0x65,
	0x73, 0x74, 0x20, 0x6b, 0x65, 0x79, 0x20, 0x30,
	0x9e, 0x37, 0x79, 0xb9, 0x7f, 0x4a, 0x7c, 0x15,
	0xf3, 0x9c, 0xc0, 0x60, 0x5c, 0xed, 0xc8, 0x34,
};

static const unsigned char ip4_a[4] = { 10, 99, 0, 1 };
static const unsigned char ip4_b[4] = { 10, 99, 0, 2 };
static const unsigned char ip6_a[16] = { 0xfd, 0, 0, 0x99, [15] = 1 };
static const unsigned char ip6_b[16] = { 0xfd, 0, 0, 0x99, [15] = 2 };

/* The proto-rx-* drop counters, each checked after every injection. */
static const int drop_stats[] = {
	QLINK_A_STATS_PROTO_RX_BAD_MAC,
	QLINK_A_STATS_PROTO_RX_REPLAYED,
	QLINK_A_STATS_PROTO_RX_TRUNCATED,
	QLINK_A_STATS_PROTO_RX_OVERSIZED,
	QLINK_A_STATS_PROTO_RX_BAD_VERSION,
	QLINK_A_STATS_PROTO_RX_UNKNOWN_LINK,
	QLINK_A_STATS_PROTO_RX_STALE_EPOCH,
	QLINK_A_STATS_PROTO_RX_MALFORMED,
};

#define N_DROP_STATS ARRAY_SIZE(drop_stats)

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, v);
}

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* SHA-256("qlink key" || key), the first 8 bytes. */
static uint64_t fingerprint(const unsigned char *k)
{
	unsigned char in[9 + 32], d[SHA256_DIGEST_LENGTH];

	memcpy(in, "qlink key", 9);
	memcpy(in + 9, k, 32);
	SHA256(in, sizeof(in), d);
	return get_be64(d);
}

/*
 * A message as the protocol builds it: header, BODY, and the MAC with the
 * link key. Returns its length.
 */
static int build_msg(unsigned char *b, uint8_t version, uint8_t type,
		     uint8_t role, uint32_t link_id, uint64_t epoch,
		     uint64_t counter, const unsigned char *body, int len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	b[0] = version;
	b[1] = type;
	b[2] = role;
	b[3] = 0;
	put_be32(b + 4, link_id);
	put_be64(b + 8, epoch);
	put_be64(b + 16, counter);
	if (len)
		memcpy(b + HDR, body, len);
	HMAC(EVP_sha256(), key, sizeof(key), b, HDR + len, md, &mdlen);
	memcpy(b + HDR + len, md, MACLEN);
	return HDR + len + MACLEN;
}

/* A message seen on the veth of netns B. */
struct cap {
	unsigned char b[2048];
	int len;
};

static uint64_t cap_epoch(const struct cap *c) { return get_be64(c->b + 8); }
static uint64_t cap_counter(const struct cap *c) { return get_be64(c->b + 16); }

FIXTURE(peer) {
	int ns_init, ns_a, ns_b;
	int loaded;		/* we inserted qlinktest */
	struct qlink_nl gn_a, gn_b, rt_init;
	int inj;		/* plain UDP socket in netns B (IPv4) */
	int pkt;		/* AF_PACKET socket on VB */
	int ctl_a;		/* any socket of netns A, for ioctls */
	uint32_t link_id;
};

static int enter(int ns)
{
	return setns(ns, CLONE_NEWNET);
}

/* A socket of DOMAIN/TYPE/PROTO in netns NS; the caller stays in netns INIT. */
static int socket_in(int ns, int init, int domain, int type, int proto)
{
	int fd;

	if (enter(ns))
		return -1;
	fd = socket(domain, type, proto);
	if (enter(init)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int ifindex_in(int ns, int init, const char *name)
{
	int i;

	if (enter(ns))
		return 0;
	i = if_nametoindex(name);
	if (enter(init))
		return 0;
	return i;
}

/* qlinktest.ko for the running kernel: the tree's (Debian) or the debug build's. */
static int load_qlinktest(void)
{
	static const char * const dirs[] = {
		QLINK_TOP, QLINK_BUILD "/kmod-debug",
	};
	char path[4096];
	unsigned int i;
	int fd, err = -ENOENT;

	if (!access(QT_DIR, F_OK))
		return 0;
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/kernel/drivers/qlinktest.ko",
			 dirs[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* a build for another kernel fails with ENOEXEC */
		err = syscall(SYS_finit_module, fd, "", 0) ? -errno : 1;
		close(fd);
		if (err > 0)
			return 1;
	}
	return err;
}

static int unload_qlinktest(void)
{
	return syscall(SYS_delete_module, "qlinktest", O_NONBLOCK) ? -errno : 0;
}

/*
 * Whether qlinktest was there before this program: if not, it leaves
 * none behind, even after a test died before its teardown.
 */
static int qt_preloaded;

static void __attribute__((constructor)) qt_note(void)
{
	qt_preloaded = !access(QT_DIR, F_OK);
}

static int qt_write(const char *file, const char *val);

static void __attribute__((destructor)) qt_cleanup(void)
{
	if (!qt_preloaded && !access(QT_DIR, F_OK)) {
		qt_write("destroy", "1");
		unload_qlinktest();
	}
}

static int qt_write(const char *file, const char *val)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), QT_DIR "/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -EIO;
}

/* N more links in the initial netns, named qltestN from the lowest free N. */
static int qt_create(int n)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", n);
	return qt_write("create", v);
}

/*
 * The links, down and without a peer: end A and a spare one (LS) in netns
 * A, end B in netns B.
 */
static int setup_links(FIXTURE_DATA(peer) *self)
{
	return qt_write("destroy", "1") ?: qt_create(3) ?:
	       qlink_rt_set_netns(&self->rt_init, LA, self->ns_a) ?:
	       qlink_rt_set_netns(&self->rt_init, LB, self->ns_b) ?:
	       qlink_rt_set_netns(&self->rt_init, LS, self->ns_a);
}

static int setup_veth(FIXTURE_DATA(peer) *self)
{
	int va, vb, err;

	err = qlink_rt_veth(&self->rt_init, VA, self->ns_a, VB, self->ns_b);
	if (err)
		return err;
	va = ifindex_in(self->ns_a, self->ns_init, VA);
	vb = ifindex_in(self->ns_b, self->ns_init, VB);
	if (!va || !vb)
		return -ENODEV;
	return qlink_rt_addr(self->gn_a.rt, va, AF_INET, ip4_a, 24) ?:
	       qlink_rt_addr(self->gn_b.rt, vb, AF_INET, ip4_b, 24) ?:
	       qlink_rt_addr(self->gn_a.rt, va, AF_INET6, ip6_a, 64) ?:
	       qlink_rt_addr(self->gn_b.rt, vb, AF_INET6, ip6_b, 64) ?:
	       qlink_rt_set_up(self->gn_a.rt, VA, 1) ?:
	       qlink_rt_set_up(self->gn_b.rt, VB, 1) ?:
	       qlink_rt_set_up(self->gn_a.rt, "lo", 1) ?:
	       qlink_rt_set_up(self->gn_b.rt, "lo", 1);
}

FIXTURE_SETUP(peer)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int ret;

	self->inj = -1;
	self->pkt = -1;
	self->ctl_a = -1;
	self->ns_init = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ns_init);
	ret = load_qlinktest();
	if (ret < 0)
		SKIP(return, "qlinktest.ko for this kernel not loadable: %s",
		     strerror(-ret));
	self->loaded = ret;
	self->ns_a = qlink_netns_new();
	ASSERT_LE(0, self->ns_a);
	self->ns_b = qlink_netns_new();
	ASSERT_LE(0, self->ns_b);
	ASSERT_EQ(0, qlink_rt_open(&self->rt_init));
	ASSERT_EQ(0, enter(self->ns_a));
	ASSERT_EQ(0, qlink_nl_open(&self->gn_a));
	ASSERT_EQ(0, enter(self->ns_b));
	ASSERT_EQ(0, qlink_nl_open(&self->gn_b));
	ASSERT_EQ(0, enter(self->ns_init));
	ASSERT_EQ(0, setup_links(self)) TH_LOG("%s", self->rt_init.extack);
	ASSERT_EQ(0, setup_veth(self));

	self->inj = socket_in(self->ns_b, self->ns_init, AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->inj);
	self->ctl_a = socket_in(self->ns_a, self->ns_init, AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->ctl_a);
	self->pkt = socket_in(self->ns_b, self->ns_init, AF_PACKET, SOCK_DGRAM,
			      htons(ETH_P_ALL));
	ASSERT_LE(0, self->pkt);
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex_in(self->ns_b, self->ns_init, VB);
	ASSERT_EQ(0, bind(self->pkt, (struct sockaddr *)&sll, sizeof(sll)));
	self->link_id = fingerprint(key) >> 32;
}

FIXTURE_TEARDOWN(peer)
{
	if (self->ns_init < 0)
		return;
	enter(self->ns_init);
	if (!access(QT_DIR, F_OK))
		qt_write("destroy", "1");
	if (self->pkt >= 0)
		close(self->pkt);
	if (self->inj >= 0)
		close(self->inj);
	if (self->ctl_a >= 0)
		close(self->ctl_a);
	if (self->gn_a.sk)
		qlink_nl_close(&self->gn_a);
	if (self->gn_b.sk)
		qlink_nl_close(&self->gn_b);
	if (self->rt_init.sk)
		qlink_nl_close(&self->rt_init);
	if (self->loaded)
		unload_qlinktest();
}

/* The configuration of one end: A decides, B follows, over IPv4 or IPv6. */
static void peer_cfg(struct qlink_peer_cfg *c, int end_a, int v6)
{
	memset(c, 0, sizeof(*c));
	if (v6) {
		memcpy(c->addr, end_a ? ip6_b : ip6_a, 16);
		c->addr_len = 16;
	} else {
		memcpy(c->addr, end_a ? ip4_b : ip4_a, 4);
		c->addr_len = 4;
	}
	c->port = PORT;
	c->key = key;
	c->key_len = sizeof(key);
	c->role = end_a ? QLINK_ROLE_DECIDE : QLINK_ROLE_FOLLOW;
	c->keepalive = KEEPALIVE;
	c->timeout = TIMEOUT;
}

static int configure(FIXTURE_DATA(peer) *self, int v6)
{
	struct qlink_peer_cfg c;
	int err;

	peer_cfg(&c, 1, v6);
	err = qlink_nl_set_peer(&self->gn_a, LA, &c);
	if (err) {
		fprintf(stderr, "# set peer of A: %s (%s)\n", strerror(-err),
			self->gn_a.extack);
		return err;
	}
	peer_cfg(&c, 0, v6);
	err = qlink_nl_set_peer(&self->gn_b, LB, &c);
	if (err)
		fprintf(stderr, "# set peer of B: %s (%s)\n", strerror(-err),
			self->gn_b.extack);
	return err;
}

static int set_up(FIXTURE_DATA(peer) *self, int end_a, int up)
{
	return end_a ? qlink_rt_set_up(self->gn_a.rt, LA, up) :
		       qlink_rt_set_up(self->gn_b.rt, LB, up);
}

/* Poll the state of NAME until it is WANT or WAIT_MS pass; the last one. */
static uint32_t wait_state(struct qlink_nl *nl, const char *name,
			   uint32_t want)
{
	int64_t end = qlink_now_ms() + WAIT_MS;
	struct qlink_peer_v p;

	for (;;) {
		if (qlink_nl_peer(nl, name, &p))
			return 0;
		if (p.state == want || qlink_now_ms() > end)
			return p.state;
		usleep(20000);
	}
}

static int64_t stat_of(struct qlink_nl *nl, const char *name, int attr)
{
	struct qlink_stats_v st;

	if (qlink_nl_stats(nl, name, &st))
		return -1;
	return st.v[attr];
}

/* Poll statistic ATTR of NAME until it is at least WANT; the last value. */
static int64_t wait_stat(struct qlink_nl *nl, const char *name, int attr,
			 int64_t want)
{
	int64_t end = qlink_now_ms() + WAIT_MS, v;

	for (;;) {
		v = stat_of(nl, name, attr);
		if (v >= want || qlink_now_ms() > end)
			return v;
		usleep(20000);
	}
}

/* Both ends configured and up, the protocol up at both. */
static int bring_up(FIXTURE_DATA(peer) *self, int v6)
{
	int err = configure(self, v6);

	if (err)
		return err;
	err = set_up(self, 0, 1) ?: set_up(self, 1, 1);
	if (err)
		return err;
	if (wait_state(&self->gn_a, LA, QLINK_PEER_UP) != QLINK_PEER_UP ||
	    wait_state(&self->gn_b, LB, QLINK_PEER_UP) != QLINK_PEER_UP)
		return -ETIMEDOUT;
	return 0;
}

/* IFF_RUNNING of end A's net_device. */
static int running_a(FIXTURE_DATA(peer) *self)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", LA);
	if (ioctl(self->ctl_a, SIOCGIFFLAGS, &ifr))
		return -1;
	return !!(ifr.ifr_flags & IFF_RUNNING);
}

/*
 * Poll IFF_RUNNING until it is WANT: it follows the carrier through the
 * link watch, which batches such events up to a second.
 */
static int wait_running(FIXTURE_DATA(peer) *self, int want)
{
	int64_t end = qlink_now_ms() + WAIT_MS;
	int r;

	for (;;) {
		r = running_a(self);
		if (r == want || qlink_now_ms() > end)
			return r;
		usleep(20000);
	}
}

struct ntf_want {
	const char *name;
	int seen;
};

static int on_peer_ntf(int cmd, struct nlattr **a, void *arg)
{
	struct ntf_want *w = arg;

	if (cmd != QLINK_CMD_LINK_CHANGE_NTF || !a[QLINK_A_LINK_CHANGE] ||
	    nla_get_u32(a[QLINK_A_LINK_CHANGE]) != QLINK_CHANGE_PEER ||
	    !a[QLINK_A_IFNAME] || strcmp(nla_get_string(a[QLINK_A_IFNAME]),
					 w->name))
		return 0;
	w->seen++;
	return 1;
}

static int on_any_ntf(int cmd, struct nlattr **a, void *arg)
{
	return 0;
}

/*
 * Set, show, state, carrier, events: what one end shows of its peer
 * before and after both come up.
 */
TEST_F_TIMEOUT(peer, set_show, 120)
{
	struct ntf_want w = { .name = LA };
	struct qlink_peer_v a, b;
	struct qlink_nl ev;
	struct qlink_peer_cfg c;

	ASSERT_EQ(0, enter(self->ns_a));
	ASSERT_EQ(0, qlink_nl_open(&ev));
	ASSERT_EQ(0, enter(self->ns_init));
	ASSERT_EQ(0, qlink_nl_subscribe(&ev, QLINK_MCGRP_LINK_NAME));

	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(0, a.present);	/* no peer yet: no nest */

	ASSERT_EQ(0, configure(self, 0));
	EXPECT_EQ(0, qlink_nl_events(&ev, WAIT_MS, on_peer_ntf, &w));
	EXPECT_EQ(1, w.seen);

	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	ASSERT_TRUE(a.present);
	ASSERT_TRUE(b.present);
	EXPECT_EQ(QLINK_PEER_DOWN, a.state);
	EXPECT_EQ(QLINK_PEER_DOWN, b.state);
	/* the fingerprint: the documented hash, the same at both ends */
	EXPECT_TRUE(a.has[QLINK_A_PEER_FINGERPRINT]);
	EXPECT_EQ(fingerprint(key), a.fingerprint);
	EXPECT_EQ(a.fingerprint, b.fingerprint);
	/* the key is never returned, under any attribute */
	EXPECT_FALSE(a.has[QLINK_A_PEER_KEY]);
	EXPECT_EQ(NULL, memmem(a.raw, a.raw_len, key, 8));
	EXPECT_EQ(NULL, memmem(b.raw, b.raw_len, key, 8));
	/* what was set is echoed; the local port defaults to the peer's */
	EXPECT_EQ(4, a.addr_len);
	EXPECT_EQ(0, memcmp(a.addr, ip4_b, 4));
	EXPECT_EQ(0, memcmp(b.addr, ip4_a, 4));
	EXPECT_EQ(PORT, a.port);
	EXPECT_EQ(PORT, a.local_port);
	EXPECT_EQ(QLINK_ROLE_DECIDE, a.role);
	EXPECT_EQ(QLINK_ROLE_FOLLOW, b.role);
	EXPECT_EQ(TIMEOUT, a.timeout);
	EXPECT_EQ(KEEPALIVE, a.keepalive);
	/* nothing ran yet */
	EXPECT_FALSE(a.has[QLINK_A_PEER_EPOCH]);
	EXPECT_FALSE(a.has[QLINK_A_PEER_PEER_EPOCH]);

	/* defaults of timeout and keepalive, a local port of its own */
	ASSERT_EQ(0, enter(self->ns_init));
	peer_cfg(&c, 1, 0);
	c.timeout = 0;
	c.keepalive = 0;
	c.local_port = PORT + 1;
	ASSERT_EQ(0, qlink_nl_set_peer(&self->gn_a, LA, &c));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(3000, a.timeout);
	EXPECT_EQ(1000, a.keepalive);
	EXPECT_EQ(PORT + 1, a.local_port);
	EXPECT_EQ(PORT, a.port);

	/* up: state up at both ends, the carrier with it */
	ASSERT_EQ(0, bring_up(self, 0));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	EXPECT_EQ(1, a.up);
	EXPECT_EQ(1, a.carrier);
	EXPECT_EQ(1, b.carrier);
	EXPECT_EQ(1, wait_running(self, 1));
	EXPECT_NE(0, a.epoch);
	EXPECT_NE(0, b.epoch);
	EXPECT_EQ(b.epoch, a.peer_epoch);
	EXPECT_EQ(a.epoch, b.peer_epoch);
	EXPECT_TRUE(a.has[QLINK_A_PEER_RTT]);
	EXPECT_GT(a.rtt, 0);
	EXPECT_LT(a.rtt, 10000000000ULL);

	/*
	 * B goes down: A falls to connecting by itself, carrier off, and
	 * says so on the link group.
	 */
	qlink_nl_events(&ev, 300, on_any_ntf, NULL);	/* drain */
	w.seen = 0;
	ASSERT_EQ(0, set_up(self, 0, 0));
	EXPECT_EQ(QLINK_PEER_CONNECTING,
		  wait_state(&self->gn_a, LA, QLINK_PEER_CONNECTING));
	EXPECT_EQ(0, qlink_nl_events(&ev, WAIT_MS, on_peer_ntf, &w));
	EXPECT_EQ(1, w.seen);
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(0, a.carrier);
	EXPECT_EQ(0, wait_running(self, 0));
	EXPECT_EQ(1, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_TIMEOUTS));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	EXPECT_EQ(QLINK_PEER_DOWN, b.state);
	EXPECT_EQ(0, b.carrier);
	EXPECT_FALSE(b.has[QLINK_A_PEER_EPOCH]);

	/* B back: up again by itself */
	ASSERT_EQ(0, set_up(self, 0, 1));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
	EXPECT_EQ(1, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));

	/* A down: state down and carrier off at once */
	ASSERT_EQ(0, set_up(self, 1, 0));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(QLINK_PEER_DOWN, a.state);
	EXPECT_EQ(0, a.carrier);
	EXPECT_EQ(0, wait_running(self, 0));

	/* clear: the nest is gone */
	c.clear = 1;
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LA, &c));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(0, a.present);
	qlink_nl_close(&ev);
}

/* A setting refused: ERR, an extack message containing WHAT. */
#define EXPECT_REFUSED(nl, name, cfg, err, what) do { \
	EXPECT_EQ(err, qlink_nl_set_peer(nl, name, cfg)); \
	EXPECT_NE(NULL, strstr((nl)->extack, what)) \
		TH_LOG("extack: \"%s\"", (nl)->extack); \
} while (0)

TEST_F_TIMEOUT(peer, errors, 120)
{
	static const unsigned char mc[4] = { 224, 0, 0, 1 };
	static const unsigned char ll6[16] = { 0xfe, 0x80, [15] = 1 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct qlink_peer_cfg c, ok;
	unsigned char key2[32];
	struct qlink_peer_v a;
	int fd, ret;

	peer_cfg(&ok, 1, 0);

	c = ok;
	c.key = NULL;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "needs an address, a port and a key");
	c = ok;
	c.addr_len = 0;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "needs an address, a port and a key");
	c = ok;
	c.port = 0;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "needs an address, a port and a key");
	c = ok;
	c.addr_len = 5;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "IPv4 (4 bytes) or IPv6 (16 bytes)");
	c = ok;
	memcpy(c.addr, mc, 4);
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "unicast");
	c = ok;
	memset(c.addr, 0, 4);
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "unicast");
	c = ok;
	memcpy(c.addr, ll6, 16);
	c.addr_len = 16;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "unicast");
	c = ok;
	c.keepalive = TIMEOUT;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "shorter than the timeout");
	c = ok;
	c.keepalive = 0;	/* the default 1000 ms */
	c.timeout = 500;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "shorter than the timeout");
	c = ok;
	c.timeout = 99;		/* the policy's range */
	EXPECT_EQ(-ERANGE, qlink_nl_set_peer(&self->gn_a, LA, &c));
	EXPECT_NE('\0', self->gn_a.extack[0]);
	c = ok;
	c.key_len = 31;
	ret = qlink_nl_set_peer(&self->gn_a, LA, &c);
	EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE) TH_LOG("%d", ret);
	EXPECT_EQ(QLINK_A_PEER_KEY, qlink_nl_err_attr(&self->gn_a));
	c = ok;
	c.role = 0;		/* qlinktest fixes no role */
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EINVAL, "QLINK_A_PEER_ROLE required");
	/* nothing of the refused ones stayed */
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(0, a.present);

	/* the peer cannot change while the link is up */
	ASSERT_EQ(0, qlink_nl_set_peer(&self->gn_a, LA, &ok));
	ASSERT_EQ(0, set_up(self, 1, 1));
	c = ok;
	c.timeout = 2000;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EBUSY, "while it is up");
	c.clear = 1;
	EXPECT_REFUSED(&self->gn_a, LA, &c, -EBUSY, "while it is up");
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(TIMEOUT, a.timeout);
	ASSERT_EQ(0, set_up(self, 1, 0));

	/* both ends in this kernel: no peer */
	ASSERT_EQ(0, qlinksim_create(self->gn_a.rt, "qlps0", "qlps1", -1,
				     NULL, 0));
	EXPECT_REFUSED(&self->gn_a, "qlps0", &ok, -EOPNOTSUPP, "needs no peer");
	EXPECT_EQ(0, qlink_rt_del(self->gn_a.rt, "qlps0"));

	/* a second link in netns A: one port, one key is one link too many */
	EXPECT_REFUSED(&self->gn_a, LS, &ok, -EEXIST, "same key");
	memcpy(key2, key, sizeof(key2));
	key2[0] ^= 1;
	c = ok;
	c.key = key2;
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LS, &c))
		TH_LOG("%s", self->gn_a.extack);	/* shares the socket */
	/* the same key again on another port is fine */
	c = ok;
	c.local_port = PORT + 2;
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LS, &c));
	/* replacing a link's own peer with the same key is no clash */
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LA, &ok));

	/* a local port another socket holds */
	fd = socket_in(self->ns_a, self->ns_init, AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	sin.sin_port = htons(PORT + 3);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	c = ok;
	c.local_port = PORT + 3;
	EXPECT_EQ(-EADDRINUSE, qlink_nl_set_peer(&self->gn_a, LS, &c));
	EXPECT_NE(NULL, strstr(self->gn_a.extack, "cannot bind"))
		TH_LOG("extack: \"%s\"", self->gn_a.extack);
	close(fd);
	/* ... and that link kept its previous peer */
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LS, &a));
	EXPECT_EQ(PORT + 2, a.local_port);

	/* the same port and key over IPv6: another socket, no clash */
	c = ok;
	c.local_port = PORT + 2;
	memcpy(c.addr, ip6_b, 16);
	c.addr_len = 16;
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LS, &c))
		TH_LOG("%s", self->gn_a.extack);
	/* the IPv4 socket of that port went with its last peer */
	fd = socket_in(self->ns_a, self->ns_init, AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	sin.sin_port = htons(PORT + 2);
	EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	close(fd);

	/* clear */
	memset(&c, 0, sizeof(c));
	c.clear = 1;
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LS, &c));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LS, &a));
	EXPECT_EQ(0, a.present);
	/* clearing nothing is fine */
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LS, &c));
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

/* In netns NS without CAP_NET_ADMIN (or as nobody): no peer may be set. */
static int try_unprivileged(int ns, int nobody)
{
	struct qlink_peer_cfg c;
	struct qlink_peer_v p;
	struct qlink_nl nl;

	if (enter(ns))
		return 10;
	if (nobody ? setresuid(65534, 65534, 65534) : drop_net_admin())
		return 11;
	if (qlink_nl_open(&nl))
		return 12;
	if (qlink_nl_peer(&nl, LA, &p) || !p.present)	/* reading is fine */
		return 13;
	if (p.has[QLINK_A_PEER_KEY] || memmem(p.raw, p.raw_len, key, 8))
		return 14;
	peer_cfg(&c, 1, 0);
	c.timeout = 2000;
	if (qlink_nl_set_peer(&nl, LA, &c) != -EPERM)
		return 15;
	memset(&c, 0, sizeof(c));
	c.clear = 1;
	if (qlink_nl_set_peer(&nl, LA, &c) != -EPERM)
		return 16;
	qlink_nl_close(&nl);
	return 0;
}

TEST_F(peer, unprivileged)
{
	struct qlink_peer_cfg c;
	struct qlink_peer_v p;
	int nobody, status;
	pid_t pid;

	peer_cfg(&c, 1, 0);
	ASSERT_EQ(0, qlink_nl_set_peer(&self->gn_a, LA, &c));
	for (nobody = 0; nobody < 2; nobody++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(try_unprivileged(self->ns_a, nobody));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("nobody %d", nobody);
	}
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &p));
	EXPECT_TRUE(p.present);
	EXPECT_EQ(TIMEOUT, p.timeout);
}

/*
 * The next qlink message on VB whose role byte is ROLE and type TYPE (0:
 * any), within WAIT_MS; 0 or -1.
 */
static int capture(FIXTURE_DATA(peer) *self, uint8_t role, uint8_t type,
		   struct cap *c)
{
	int64_t end = qlink_now_ms() + WAIT_MS;
	struct pollfd pfd = { .fd = self->pkt, .events = POLLIN };
	unsigned char buf[2048];
	const unsigned char *u;
	struct sockaddr_ll sll;
	socklen_t sl;
	ssize_t n;
	int off;

	/* only what is sent from now on */
	while (recv(self->pkt, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	while (qlink_now_ms() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		sl = sizeof(sll);
		n = recvfrom(self->pkt, buf, sizeof(buf), 0,
			     (struct sockaddr *)&sll, &sl);
		if (n <= 0)
			continue;
		if (ntohs(sll.sll_protocol) == ETH_P_IP && n >= 20 &&
		    buf[9] == IPPROTO_UDP)
			off = (buf[0] & 15) * 4;
		else if (ntohs(sll.sll_protocol) == ETH_P_IPV6 && n >= 40 &&
			 buf[6] == IPPROTO_UDP)
			off = 40;
		else
			continue;
		if (n < off + 8 + HDR + MACLEN)
			continue;
		u = buf + off;
		/* the links' sockets send from their port, our injections not */
		if ((u[0] << 8 | u[1]) != PORT || (u[2] << 8 | u[3]) != PORT)
			continue;
		n -= off + 8;
		if (u[8 + 2] != role || (type && u[8 + 1] != type))
			continue;
		memcpy(c->b, u + 8, n);
		c->len = n;
		return 0;
	}
	return -1;
}

/* Send LEN bytes of B to end A's (TO_A) or B's socket from netns B. */
static int inject_to(FIXTURE_DATA(peer) *self, int to_a, const void *b,
		     int len)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(PORT),
	};

	memcpy(&to.sin_addr, to_a ? ip4_a : ip4_b, 4);
	return sendto(self->inj, b, len, 0, (struct sockaddr *)&to,
		      sizeof(to)) == len ? 0 : -1;
}

static int inject(FIXTURE_DATA(peer) *self, const void *b, int len)
{
	return inject_to(self, 1, b, len);
}

/*
 * Expect exactly the drop counters EXP at end A (TO_A) or B (after
 * waiting for the one just raised, STAT), the protocol still up there, no
 * timeout, no pair at either end.
 */
static void check_drops(struct __test_metadata *_metadata,
			FIXTURE_DATA(peer) *self, int to_a, int64_t *exp,
			int stat, const char *what)
{
	struct qlink_nl *nl = to_a ? &self->gn_a : &self->gn_b;
	const char *name = to_a ? LA : LB;
	struct qlink_stats_v st, sa, sb;
	unsigned int i;

	EXPECT_EQ(exp[stat], wait_stat(nl, name, stat, exp[stat]))
		TH_LOG("%s", what);
	ASSERT_EQ(0, qlink_nl_stats(nl, name, &st));
	for (i = 0; i < N_DROP_STATS; i++) {
		EXPECT_EQ(exp[drop_stats[i]], st.v[drop_stats[i]])
			TH_LOG("%s: drop counter %d", what, drop_stats[i]);
	}
	EXPECT_EQ(0, st.v[QLINK_A_STATS_PEER_TIMEOUTS]) TH_LOG("%s", what);
	ASSERT_EQ(0, qlink_nl_stats(&self->gn_a, LA, &sa));
	ASSERT_EQ(0, qlink_nl_stats(&self->gn_b, LB, &sb));
	EXPECT_EQ(0, sa.v[QLINK_A_STATS_PAIRS]) TH_LOG("%s", what);
	EXPECT_EQ(0, sa.v[QLINK_A_STATS_HERALDS]) TH_LOG("%s", what);
	EXPECT_EQ(0, sb.v[QLINK_A_STATS_PAIRS]) TH_LOG("%s", what);
	EXPECT_EQ(QLINK_PEER_UP, wait_state(nl, name, QLINK_PEER_UP))
		TH_LOG("%s", what);
}

#define DROP(stat, what) do { \
	exp[stat]++; \
	check_drops(_metadata, self, 1, exp, stat, what); \
} while (0)

/*
 * Every receive check at end A, in the document's order, each counted by
 * its own counter and by nothing else, none of them disturbing the link.
 */
TEST_F_TIMEOUT(peer, rx_checks, 180)
{
	int64_t exp[QLINK_A_STATS_MAX + 1] = {};
	unsigned char m[MSG_MAX + 64], body[HELLO_LEN] = {};
	struct qlink_stats_v st;
	struct qlink_peer_v pa, pb;
	struct cap hb, ha, hb2;
	struct qlink_peer_cfg c;
	uint64_t epoch_b, ctr;
	int64_t rx, restarts;
	unsigned char k2[32];
	unsigned int i;
	int len;

	/* the spare link shares A's socket (another key): it sees unknowns too */
	peer_cfg(&c, 1, 0);
	memset(k2, 0x77, sizeof(k2));
	c.key = k2;
	ASSERT_EQ(0, qlink_nl_set_peer(&self->gn_a, LS, &c));
	ASSERT_EQ(0, bring_up(self, 0));
	ASSERT_EQ(0, qlink_nl_stats(&self->gn_a, LA, &st));
	for (i = 0; i < N_DROP_STATS; i++)
		exp[drop_stats[i]] = st.v[drop_stats[i]];

	/* 1: a link id no link of the socket has; a datagram too short for one */
	len = build_msg(m, 1, T_HELLO, QLINK_ROLE_FOLLOW, self->link_id ^ 0x5a5a5a5a,
			1, 1, body, HELLO_LEN);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_UNKNOWN_LINK, "unknown link id");
	ASSERT_EQ(0, inject(self, m, 7));
	DROP(QLINK_A_STATS_PROTO_RX_UNKNOWN_LINK, "7 bytes");
	EXPECT_EQ(exp[QLINK_A_STATS_PROTO_RX_UNKNOWN_LINK],
		  stat_of(&self->gn_a, LS, QLINK_A_STATS_PROTO_RX_UNKNOWN_LINK));

	/* 2: shorter than header and MAC; longer than 1200 bytes */
	len = build_msg(m, 1, T_HELLO, QLINK_ROLE_FOLLOW, self->link_id, 1, 1,
			body, HELLO_LEN);
	ASSERT_EQ(0, inject(self, m, HDR + MACLEN - 1));
	DROP(QLINK_A_STATS_PROTO_RX_TRUNCATED, "39 bytes");
	ASSERT_EQ(0, inject(self, m, 8));
	DROP(QLINK_A_STATS_PROTO_RX_TRUNCATED, "8 bytes");
	memset(m + len, 0, sizeof(m) - len);
	ASSERT_EQ(0, inject(self, m, MSG_MAX + 1));
	DROP(QLINK_A_STATS_PROTO_RX_OVERSIZED, "1201 bytes");

	/* 3: version 2, even with a valid MAC */
	len = build_msg(m, 2, T_HELLO, QLINK_ROLE_FOLLOW, self->link_id, 1, 1,
			body, HELLO_LEN);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_BAD_VERSION, "version 2");

	/* 4: a MAC of garbage; a MAC of another key */
	len = build_msg(m, 1, T_HELLO, QLINK_ROLE_FOLLOW, self->link_id, 1, 1,
			body, HELLO_LEN);
	for (i = 0; i < MACLEN; i++)
		m[len - MACLEN + i] = 0xa5 ^ i;
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_BAD_MAC, "garbage MAC");
	len = build_msg(m, 1, T_HELLO, QLINK_ROLE_FOLLOW, self->link_id, 1, 1,
			body, HELLO_LEN);
	m[HDR + 3] ^= 0x10;	/* the body changed after the MAC */
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_BAD_MAC, "body changed");

	/*
	 * 7: a genuine hello of B, captured and sent again once A took it.
	 * If B restarted in between (its epoch moved), the copy is of an old
	 * epoch instead (6).
	 */
	ASSERT_EQ(0, capture(self, QLINK_ROLE_FOLLOW, T_HELLO, &hb));
	EXPECT_EQ(self->link_id, get_be32(hb.b + 4));
	EXPECT_EQ(HDR + HELLO_LEN + MACLEN, hb.len);
	/* A took it once it took the one after it */
	rx = stat_of(&self->gn_a, LA, QLINK_A_STATS_PROTO_RX);
	EXPECT_LT(rx, wait_stat(&self->gn_a, LA, QLINK_A_STATS_PROTO_RX, rx + 1));
	ASSERT_EQ(0, inject(self, hb.b, hb.len));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &pb));
	if (pb.epoch == cap_epoch(&hb))
		DROP(QLINK_A_STATS_PROTO_RX_REPLAYED, "replayed hello");
	else
		DROP(QLINK_A_STATS_PROTO_RX_STALE_EPOCH, "hello of B's old epoch");
	/* ... twice */
	ASSERT_EQ(0, inject(self, hb.b, hb.len));
	DROP(QLINK_A_STATS_PROTO_RX_REPLAYED, "replayed twice");

	/* 5: A's own message reflected back to it: valid MAC, its own role */
	ASSERT_EQ(0, capture(self, QLINK_ROLE_DECIDE, T_HELLO, &ha));
	ASSERT_EQ(0, inject(self, ha.b, ha.len));
	DROP(QLINK_A_STATS_PROTO_RX_MALFORMED, "reflected");
	/* a role that is neither */
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &pa));
	epoch_b = pa.peer_epoch;
	ctr = cap_counter(&hb);
	len = build_msg(m, 1, T_HELLO, 3, self->link_id, epoch_b, ctr + 900,
			body, HELLO_LEN);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_MALFORMED, "role 3");

	/*
	 * 6: messages we forge with the key, of B's role. A TAGS of a newer
	 * epoch (only a hello starts one), a TAGS of an older epoch.
	 */
	len = build_msg(m, 1, T_TAGS, QLINK_ROLE_FOLLOW, self->link_id,
			epoch_b + 1, 1, body, 28);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_STALE_EPOCH, "tags of a newer epoch");
	len = build_msg(m, 1, T_TAGS, QLINK_ROLE_FOLLOW, self->link_id,
			epoch_b - 1, 1, body, 28);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_STALE_EPOCH, "tags of an older epoch");
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &pa));
	EXPECT_EQ(epoch_b, pa.peer_epoch);

	/*
	 * 8: well authenticated, of B's epoch, fresh counters (far enough
	 * ahead that B's own never meet them during the test, near enough
	 * that B's are still inside the window), but the body is wrong: an
	 * unknown type, a type the deciding end does not take, a hello of
	 * the wrong length.
	 */
	len = build_msg(m, 1, 99, QLINK_ROLE_FOLLOW, self->link_id, epoch_b,
			ctr + 1000, body, HELLO_LEN);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_MALFORMED, "type 99");
	len = build_msg(m, 1, T_HERALDS, QLINK_ROLE_FOLLOW, self->link_id,
			epoch_b, ctr + 1001, body, 44);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_MALFORMED, "heralds to the deciding end");
	len = build_msg(m, 1, T_HELLO, QLINK_ROLE_FOLLOW, self->link_id,
			epoch_b, ctr + 1002, body, HELLO_LEN - 1);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_MALFORMED, "short hello");
	/* 7 again: a forged counter, once accepted, is a replay the second time */
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_REPLAYED, "forged counter again");
	/* and a counter older than the window */
	len = build_msg(m, 1, T_HELLO, QLINK_ROLE_FOLLOW, self->link_id,
			epoch_b, 0, body, HELLO_LEN);
	ASSERT_EQ(0, inject(self, m, len));
	DROP(QLINK_A_STATS_PROTO_RX_REPLAYED, "counter 0");

	/* B's own messages still pass: A stays up over several keepalives */
	rx = stat_of(&self->gn_a, LA, QLINK_A_STATS_PROTO_RX);
	EXPECT_LE(rx + 5, wait_stat(&self->gn_a, LA, QLINK_A_STATS_PROTO_RX,
				    rx + 5));
	check_drops(_metadata, self, 1, exp, QLINK_A_STATS_PROTO_RX_REPLAYED,
		    "after B's next messages");

	/* 6: a hello of B's previous epoch, after B restarted */
	restarts = stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS);
	ASSERT_EQ(0, capture(self, QLINK_ROLE_FOLLOW, T_HELLO, &hb2));
	ASSERT_EQ(0, set_up(self, 0, 0));
	ASSERT_EQ(0, set_up(self, 0, 1));
	EXPECT_EQ(restarts + 1, wait_stat(&self->gn_a, LA,
					  QLINK_A_STATS_PEER_RESTARTS,
					  restarts + 1));
	ASSERT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &pa));
	EXPECT_LT(cap_epoch(&hb2), pa.peer_epoch);
	ASSERT_EQ(0, inject(self, hb2.b, hb2.len));
	DROP(QLINK_A_STATS_PROTO_RX_STALE_EPOCH, "hello of an old epoch");
	EXPECT_EQ(restarts + 1,
		  stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));
}

/* Silence both ways (the veth down), then one way only (B's veth sends nothing). */
TEST_F_TIMEOUT(peer, silence, 180)
{
	struct qlink_peer_v a, b;
	int route;

	ASSERT_EQ(0, bring_up(self, 0));
	ASSERT_EQ(0, qlink_rt_set_up(self->gn_b.rt, VB, 0));
	EXPECT_EQ(QLINK_PEER_CONNECTING,
		  wait_state(&self->gn_a, LA, QLINK_PEER_CONNECTING));
	EXPECT_EQ(QLINK_PEER_CONNECTING,
		  wait_state(&self->gn_b, LB, QLINK_PEER_CONNECTING));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(0, a.carrier);
	EXPECT_EQ(0, wait_running(self, 0));
	EXPECT_EQ(1, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_TIMEOUTS));
	EXPECT_EQ(1, stat_of(&self->gn_b, LB, QLINK_A_STATS_PEER_TIMEOUTS));

	/* back: up by itself, the same epochs (nobody restarted) */
	ASSERT_EQ(0, qlink_rt_set_up(self->gn_b.rt, VB, 1));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	EXPECT_EQ(1, a.carrier);
	EXPECT_EQ(1, wait_running(self, 1));
	EXPECT_EQ(b.epoch, a.peer_epoch);
	EXPECT_EQ(a.epoch, b.peer_epoch);
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));
	EXPECT_EQ(0, stat_of(&self->gn_b, LB, QLINK_A_STATS_PEER_RESTARTS));
	EXPECT_EQ(1, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_TIMEOUTS));

	/*
	 * B -> A lost on the way (netem, else an unreachable route in B):
	 * A times out, B, still hearing A, stays up.
	 */
	ASSERT_EQ(0, enter(self->ns_b));
	route = system("tc qdisc add dev " VB " root netem loss 100% 2>/dev/null");
	if (route)
		ASSERT_EQ(0, system("ip route add unreachable 10.99.0.1/32"));
	ASSERT_EQ(0, enter(self->ns_init));
	EXPECT_EQ(QLINK_PEER_CONNECTING,
		  wait_state(&self->gn_a, LA, QLINK_PEER_CONNECTING));
	EXPECT_EQ(2, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_TIMEOUTS));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	EXPECT_EQ(QLINK_PEER_UP, b.state);
	EXPECT_EQ(1, b.carrier);
	EXPECT_EQ(1, stat_of(&self->gn_b, LB, QLINK_A_STATS_PEER_TIMEOUTS));
	if (route) {	/* B knew it could not send */
		EXPECT_LT(0, stat_of(&self->gn_b, LB,
				     QLINK_A_STATS_PROTO_TX_ERRORS));
	}
	ASSERT_EQ(0, enter(self->ns_b));
	ASSERT_EQ(0, system(route ? "ip route del unreachable 10.99.0.1/32" :
				    "tc qdisc del dev " VB " root"));
	ASSERT_EQ(0, enter(self->ns_init));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));
	EXPECT_EQ(1, wait_running(self, 1));
}

/* One end restarts (down, up): the other counts it, the epochs grow. */
TEST_F_TIMEOUT(peer, restart, 120)
{
	struct qlink_peer_v a0, a, b;
	int i;

	ASSERT_EQ(0, bring_up(self, 0));
	for (i = 1; i <= 2; i++) {
		ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a0));
		ASSERT_EQ(0, set_up(self, 1, 0));
		ASSERT_EQ(0, set_up(self, 1, 1));
		EXPECT_EQ(i, wait_stat(&self->gn_b, LB,
				       QLINK_A_STATS_PEER_RESTARTS, i));
		EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
		EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));
		ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
		ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
		EXPECT_LT(a0.epoch, a.epoch);
		EXPECT_EQ(a.epoch, b.peer_epoch);
		EXPECT_EQ(b.epoch, a.peer_epoch);
		EXPECT_EQ(a0.peer_epoch, a.peer_epoch);	/* B did not restart */
		EXPECT_EQ(1, a.carrier);
	}
	/* a restart is no silence, and A saw no restart of B */
	EXPECT_EQ(0, stat_of(&self->gn_b, LB, QLINK_A_STATS_PEER_TIMEOUTS));
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));
}

/*
 * The driver goes away with the protocol running and comes back: the
 * ports are free again, the new links meet as before.
 */
TEST_F_TIMEOUT(peer, module_reload, 120)
{
	struct qlink_peer_v p;

	if (!self->loaded)
		SKIP(return, "qlinktest was loaded before this test");
	ASSERT_EQ(0, bring_up(self, 0));
	ASSERT_EQ(0, unload_qlinktest());
	self->loaded = 0;
	ASSERT_EQ(-ENODEV, qlink_nl_peer(&self->gn_a, LA, &p));
	ASSERT_EQ(1, load_qlinktest());
	self->loaded = 1;
	ASSERT_EQ(0, setup_links(self));
	ASSERT_EQ(0, bring_up(self, 0));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &p));
	EXPECT_EQ(1, p.carrier);
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));
}

/* The same over IPv6: up, the other end silent, back with a restart. */
TEST_F_TIMEOUT(peer, ipv6, 120)
{
	struct qlink_peer_v a, b;

	ASSERT_EQ(0, bring_up(self, 1));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	EXPECT_EQ(16, a.addr_len);
	EXPECT_EQ(0, memcmp(a.addr, ip6_b, 16));
	EXPECT_EQ(1, a.carrier);
	EXPECT_EQ(b.epoch, a.peer_epoch);

	ASSERT_EQ(0, set_up(self, 0, 0));
	EXPECT_EQ(QLINK_PEER_CONNECTING,
		  wait_state(&self->gn_a, LA, QLINK_PEER_CONNECTING));
	EXPECT_EQ(1, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_TIMEOUTS));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(0, a.carrier);
	ASSERT_EQ(0, set_up(self, 0, 1));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));
	EXPECT_EQ(1, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));
	EXPECT_EQ(0, stat_of(&self->gn_a, LA,
			     QLINK_A_STATS_PROTO_RX_BAD_MAC));
}

/* The two ends' configurations differ: disagree, no carrier; same again: up. */
TEST_F_TIMEOUT(peer, disagree, 120)
{
	struct qlink_pv w = { PV_CFG(WINDOW_FULL), 0 };
	struct qlink_link_v l;
	struct qlink_peer_v a, b;
	int64_t win;

	ASSERT_EQ(0, bring_up(self, 0));
	ASSERT_EQ(0, qlink_nl_link(&self->gn_a, LA, &l));
	win = l.config[QLINK_A_CONFIG_WINDOW_FULL];
	w.val = win + 1000;
	ASSERT_EQ(0, qlink_nl_set(&self->gn_a, LA, &w, 1))
		TH_LOG("%s", self->gn_a.extack);
	EXPECT_EQ(QLINK_PEER_DISAGREE,
		  wait_state(&self->gn_a, LA, QLINK_PEER_DISAGREE));
	EXPECT_EQ(QLINK_PEER_DISAGREE,
		  wait_state(&self->gn_b, LB, QLINK_PEER_DISAGREE));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	EXPECT_EQ(0, a.carrier);
	EXPECT_EQ(0, b.carrier);
	EXPECT_EQ(0, wait_running(self, 0));

	/* the other end follows: they agree again */
	ASSERT_EQ(0, qlink_nl_set(&self->gn_b, LB, &w, 1));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));
	/* and back apart, and back to the first value at both */
	w.val = win;
	ASSERT_EQ(0, qlink_nl_set(&self->gn_b, LB, &w, 1));
	EXPECT_EQ(QLINK_PEER_DISAGREE,
		  wait_state(&self->gn_a, LA, QLINK_PEER_DISAGREE));
	ASSERT_EQ(0, qlink_nl_set(&self->gn_a, LA, &w, 1));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	EXPECT_EQ(1, a.carrier);
	EXPECT_EQ(1, wait_running(self, 1));
	/* a disagreement is neither a timeout nor a restart */
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_TIMEOUTS));
	EXPECT_EQ(0, stat_of(&self->gn_b, LB, QLINK_A_STATS_PEER_RESTARTS));
}

/*
 * Without faults, what one end sent the other took: while running within
 * the few in flight, and exactly once both stopped.
 */
TEST_F_TIMEOUT(peer, counters, 120)
{
	struct qlink_stats_v sa, sb, sa2;
	int64_t rx, end;
	unsigned int i;

	/* B first: then none of A's messages finds B down */
	ASSERT_EQ(0, configure(self, 0));
	ASSERT_EQ(0, set_up(self, 0, 1));
	ASSERT_EQ(0, set_up(self, 1, 1));
	ASSERT_EQ(QLINK_PEER_UP, wait_state(&self->gn_a, LA, QLINK_PEER_UP));
	ASSERT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));
	rx = stat_of(&self->gn_b, LB, QLINK_A_STATS_PROTO_RX);
	wait_stat(&self->gn_b, LB, QLINK_A_STATS_PROTO_RX, rx + 10);

	ASSERT_EQ(0, qlink_nl_stats(&self->gn_a, LA, &sa));
	ASSERT_EQ(0, qlink_nl_stats(&self->gn_b, LB, &sb));
	ASSERT_EQ(0, qlink_nl_stats(&self->gn_a, LA, &sa2));
	EXPECT_LE(sb.v[QLINK_A_STATS_PROTO_RX], sa2.v[QLINK_A_STATS_PROTO_TX]);
	EXPECT_GE(sb.v[QLINK_A_STATS_PROTO_RX] + 5, sa.v[QLINK_A_STATS_PROTO_TX]);
	EXPECT_LT(10, sa.v[QLINK_A_STATS_PROTO_TX]);

	/* A stops, B hears the last of it, then B stops */
	ASSERT_EQ(0, set_up(self, 1, 0));
	EXPECT_EQ(QLINK_PEER_CONNECTING,
		  wait_state(&self->gn_b, LB, QLINK_PEER_CONNECTING));
	ASSERT_EQ(0, set_up(self, 0, 0));
	/* until what B sent last reached A's socket */
	end = qlink_now_ms() + WAIT_MS;
	do {
		ASSERT_EQ(0, qlink_nl_stats(&self->gn_a, LA, &sa));
		ASSERT_EQ(0, qlink_nl_stats(&self->gn_b, LB, &sb));
		if (sb.v[QLINK_A_STATS_PROTO_TX] <=
		    sa.v[QLINK_A_STATS_PROTO_RX] +
		    sa.v[QLINK_A_STATS_PROTO_RX_STALE_EPOCH])
			break;
		usleep(20000);
	} while (qlink_now_ms() < end);
	EXPECT_EQ(0, sa.v[QLINK_A_STATS_PROTO_TX_ERRORS]);
	EXPECT_EQ(0, sb.v[QLINK_A_STATS_PROTO_TX_ERRORS]);
	/* A -> B: every message taken */
	EXPECT_EQ(sa.v[QLINK_A_STATS_PROTO_TX], sb.v[QLINK_A_STATS_PROTO_RX]);
	EXPECT_EQ(sa.v[QLINK_A_STATS_PROTO_TX_BYTES],
		  sb.v[QLINK_A_STATS_PROTO_RX_BYTES]);
	/* B -> A: taken, or of no use to A while it was down */
	EXPECT_EQ(sb.v[QLINK_A_STATS_PROTO_TX],
		  sa.v[QLINK_A_STATS_PROTO_RX] +
		  sa.v[QLINK_A_STATS_PROTO_RX_STALE_EPOCH]);
	EXPECT_LE(1, sa.v[QLINK_A_STATS_PROTO_RX_STALE_EPOCH]);
	/* nothing else dropped at either end */
	for (i = 0; i < N_DROP_STATS; i++) {
		if (drop_stats[i] == QLINK_A_STATS_PROTO_RX_STALE_EPOCH)
			continue;
		EXPECT_EQ(0, sa.v[drop_stats[i]]) TH_LOG("A: %d", drop_stats[i]);
		EXPECT_EQ(0, sb.v[drop_stats[i]]) TH_LOG("B: %d", drop_stats[i]);
	}
	EXPECT_EQ(0, sb.v[QLINK_A_STATS_PROTO_RX_STALE_EPOCH]);
	/* every message is 40 bytes and a hello's body */
	EXPECT_EQ(sa.v[QLINK_A_STATS_PROTO_TX] * (HDR + HELLO_LEN + MACLEN),
		  sa.v[QLINK_A_STATS_PROTO_TX_BYTES]);
}

/* Forging for one end: the other end's role, epoch and fresh counters. */
struct forge {
	int to_a;
	uint8_t role;
	uint64_t epoch, ctr;
	int64_t exp[QLINK_A_STATS_MAX + 1];
};

/*
 * Counters of the sender's epoch far enough ahead that its own never meet
 * them during a test, near enough that its own stay inside the window.
 */
static void forge_init(struct __test_metadata *_metadata,
		       FIXTURE_DATA(peer) *self, struct forge *f, int to_a)
{
	struct qlink_stats_v st;
	struct cap c;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->to_a = to_a;
	f->role = to_a ? QLINK_ROLE_FOLLOW : QLINK_ROLE_DECIDE;
	ASSERT_EQ(0, capture(self, f->role, T_HELLO, &c));
	f->epoch = cap_epoch(&c);
	f->ctr = cap_counter(&c) + 900;
	ASSERT_EQ(0, qlink_nl_stats(to_a ? &self->gn_a : &self->gn_b,
				    to_a ? LA : LB, &st));
	for (i = 0; i < N_DROP_STATS; i++)
		f->exp[drop_stats[i]] = st.v[drop_stats[i]];
	f->exp[QLINK_A_STATS_PROTO_RX] = st.v[QLINK_A_STATS_PROTO_RX];
}

static int forge_send(FIXTURE_DATA(peer) *self, struct forge *f, uint8_t type,
		      const unsigned char *body, int len)
{
	unsigned char m[MSG_MAX];

	len = build_msg(m, 1, type, f->role, self->link_id, f->epoch,
			++f->ctr, body, len);
	return inject_to(self, f->to_a, m, len);
}

/* A body the receiver must refuse (check 8): counted as malformed only. */
#define BAD_BODY(f, type, body, len, what) do { \
	ASSERT_EQ(0, forge_send(self, f, type, body, len)); \
	(f)->exp[QLINK_A_STATS_PROTO_RX_MALFORMED]++; \
	check_drops(_metadata, self, (f)->to_a, (f)->exp, \
		    QLINK_A_STATS_PROTO_RX_MALFORMED, what); \
} while (0)

/* TAGS header: start, end, batch, n. */
static int tags_hdr(unsigned char *b, uint64_t start, uint64_t end, uint32_t n)
{
	put_be64(b, start);
	put_be64(b + 8, end);
	put_be64(b + 16, 1);
	put_be32(b + 24, n);
	return 28;
}

/* HERALDS header: start, end, attempts, sent, clock offset, n. */
static int heralds_hdr(unsigned char *b, uint64_t start, uint64_t end,
		       uint64_t sent, uint32_t n)
{
	put_be64(b, start);
	put_be64(b + 8, end);
	put_be64(b + 16, 0);
	put_be64(b + 24, sent);
	put_be64(b + 32, 0);
	put_be32(b + 40, n);
	return 44;
}

/*
 * Check 8 on what only a holder of the key can send: every malformed body
 * of TAGS, HERALDS and LOST at the end that takes them, and each type at
 * the end that does not, is counted as malformed and changes nothing;
 * well-formed ones are taken. Last, one herald record forged for the
 * following end is stored there as a pair.
 */
TEST_F_TIMEOUT(peer, bodies, 180)
{
	unsigned char b[MSG_MAX];
	struct qlink_stats_v st;
	struct forge fa, fb;	/* to A, to B */
	int64_t lt;
	int n;

	ASSERT_EQ(0, bring_up(self, 0));
	forge_init(_metadata, self, &fa, 1);
	forge_init(_metadata, self, &fb, 0);

	/* TAGS to the deciding end */
	n = tags_hdr(b, 1000, 2000, 1);
	BAD_BODY(&fa, T_TAGS, b, n - 1, "tags: short header");
	BAD_BODY(&fa, T_TAGS, b, n, "tags: n beyond the body");
	n = tags_hdr(b, 2000, 1000, 0);
	BAD_BODY(&fa, T_TAGS, b, n, "tags: end before start");
	n = tags_hdr(b, 1000, 2000, 1);
	b[n] = 0x80;
	b[n + 1] = 0x80;
	BAD_BODY(&fa, T_TAGS, b, n + 2, "tags: truncated varint");
	b[n] = 100;		/* 1000 + 100 ... */
	b[n + 1] = 0;
	tags_hdr(b, 1000, 1050, 1);	/* ... after the span's end */
	BAD_BODY(&fa, T_TAGS, b, n + 2, "tags: a tag after the end");
	tags_hdr(b, 1000, 2000, 1);
	b[n + 1] = 0x83;	/* flags of 3 bytes: > 16 bits */
	b[n + 2] = 0x80;
	b[n + 3] = 0x04;
	BAD_BODY(&fa, T_TAGS, b, n + 4, "tags: flags beyond 16 bits");
	n = tags_hdr(b, 1000, 2000, 0);
	b[n] = 0;
	BAD_BODY(&fa, T_TAGS, b, n + 1, "tags: a byte after the tags");
	/* LOST to the deciding end */
	put_be64(b, 5);
	put_be64(b + 8, 1);
	BAD_BODY(&fa, 4, b, 15, "lost: 15 bytes");
	BAD_BODY(&fa, 4, b, 16, "lost: first after last");
	put_be64(b, 1);
	put_be64(b + 8, 5);
	/* well formed: taken (the next one's exact count shows it) */
	ASSERT_EQ(0, forge_send(self, &fa, 4, b, 16));
	/* types the deciding end does not take */
	n = heralds_hdr(b, 1000, 2000, 0, 0);
	BAD_BODY(&fa, T_HERALDS, b, n, "heralds to the deciding end");
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_HERALDS_LOST));
	BAD_BODY(&fa, 0, b, n, "type 0");
	BAD_BODY(&fa, 5, b, n, "type 5");

	/* HERALDS to the following end */
	n = heralds_hdr(b, 1000, 2000, 0, 1);
	BAD_BODY(&fb, T_HERALDS, b, n - 1, "heralds: short header");
	BAD_BODY(&fb, T_HERALDS, b, n, "heralds: n beyond the body");
	n = heralds_hdr(b, 2000, 1000, 0, 0);
	BAD_BODY(&fb, T_HERALDS, b, n, "heralds: end before start");
	n = heralds_hdr(b, 1000, 2000, 0, 1);
	memcpy(b + n, "\x00\x00\x00\x00\x00", 5);
	BAD_BODY(&fb, T_HERALDS, b, n + 5, "heralds: sequence step 0");
	memcpy(b + n, "\x01\x00\xc1\x84\x3d\x00\x00", 7);	/* F 1000001 */
	BAD_BODY(&fb, T_HERALDS, b, n + 7, "heralds: fidelity > 1");
	memcpy(b + n, "\x01\x00\x00\x00\x80", 5);
	BAD_BODY(&fb, T_HERALDS, b, n + 5, "heralds: truncated slot");
	memcpy(b + n, "\x01\xe8\x07\x00\x00\x00", 6);	/* t 1000 + 1000 ... */
	heralds_hdr(b, 1000, 1500, 0, 1);		/* ... after the end */
	BAD_BODY(&fb, T_HERALDS, b, n + 6, "heralds: a record after the end");
	n = tags_hdr(b, 1000, 2000, 0);
	BAD_BODY(&fb, T_TAGS, b, n, "tags to the following end");
	put_be64(b, 1);
	put_be64(b + 8, 5);
	BAD_BODY(&fb, 4, b, 16, "lost to the following end");

	/* the states never moved, nobody restarted */
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_PEER_RESTARTS));
	EXPECT_EQ(0, stat_of(&self->gn_b, LB, QLINK_A_STATS_PEER_RESTARTS));
	EXPECT_EQ(QLINK_PEER_UP, wait_state(&self->gn_b, LB, QLINK_PEER_UP));

	/* one record, sequence 1, heralded now at B's clock: stored */
	lt = qlink_link_time(&self->gn_b, LB);
	ASSERT_LT(0, lt);
	n = heralds_hdr(b, lt, lt, 0, 1);
	memcpy(b + n, "\x01\x00\x00\x00\x00", 5);
	ASSERT_EQ(0, forge_send(self, &fb, T_HERALDS, b, n + 5));
	EXPECT_EQ(1, wait_stat(&self->gn_b, LB, QLINK_A_STATS_HERALDS_RECEIVED, 1));
	ASSERT_EQ(0, qlink_nl_stats(&self->gn_b, LB, &st));
	EXPECT_EQ(1, st.v[QLINK_A_STATS_HERALDS]);
	EXPECT_EQ(fb.exp[QLINK_A_STATS_PROTO_RX_MALFORMED],
		  st.v[QLINK_A_STATS_PROTO_RX_MALFORMED]);
	EXPECT_EQ(0, st.v[QLINK_A_STATS_HERALDS_LOST]);
}

/*
 * Both ends configured to decide: each takes the other's messages for its
 * own reflected (check 5), so they never meet.
 */
TEST_F_TIMEOUT(peer, same_role, 120)
{
	struct qlink_peer_cfg c;
	struct qlink_peer_v a, b;
	int64_t m;

	ASSERT_EQ(0, configure(self, 0));
	peer_cfg(&c, 0, 0);
	c.role = QLINK_ROLE_DECIDE;
	ASSERT_EQ(0, qlink_nl_set_peer(&self->gn_b, LB, &c));
	ASSERT_EQ(0, set_up(self, 0, 1));
	ASSERT_EQ(0, set_up(self, 1, 1));
	m = wait_stat(&self->gn_a, LA, QLINK_A_STATS_PROTO_RX_MALFORMED, 5);
	EXPECT_LE(5, m);
	EXPECT_LE(5, wait_stat(&self->gn_b, LB,
			       QLINK_A_STATS_PROTO_RX_MALFORMED, 5));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &a));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_b, LB, &b));
	EXPECT_EQ(QLINK_PEER_CONNECTING, a.state);
	EXPECT_EQ(QLINK_PEER_CONNECTING, b.state);
	EXPECT_EQ(0, a.carrier);
	EXPECT_FALSE(a.has[QLINK_A_PEER_PEER_EPOCH]);
	EXPECT_EQ(0, stat_of(&self->gn_a, LA, QLINK_A_STATS_PROTO_RX));
	EXPECT_EQ(0, wait_running(self, 0));
}

/*
 * The socket in another netns (netns-fd): refused for what is no netns;
 * the peer goes with that netns.
 */
TEST_F_TIMEOUT(peer, netns_fd, 120)
{
	struct ntf_want w = { .name = LS };
	struct qlink_peer_cfg c;
	struct qlink_peer_v p;
	struct qlink_nl ev;
	int64_t end;
	int ns_c;

	peer_cfg(&c, 1, 0);
	c.has_netns_fd = 1;
	c.netns_fd = self->pkt;
	EXPECT_REFUSED(&self->gn_a, LS, &c, -EINVAL, "not a network namespace");
	c.netns_fd = 9999;
	EXPECT_REFUSED(&self->gn_a, LS, &c, -EBADF, "not a network namespace");

	ns_c = qlink_netns_new();
	ASSERT_LE(0, ns_c);
	c.netns_fd = ns_c;
	ASSERT_EQ(0, qlink_nl_set_peer(&self->gn_a, LS, &c))
		TH_LOG("%s", self->gn_a.extack);
	/* its port is C's, not A's: A's own link may take it too */
	EXPECT_EQ(0, qlink_nl_set_peer(&self->gn_a, LA, &(struct qlink_peer_cfg){
		.addr = { 10, 99, 0, 2 }, .addr_len = 4, .port = PORT,
		.key = key, .key_len = sizeof(key), .role = QLINK_ROLE_DECIDE,
	}));
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LS, &p));
	EXPECT_TRUE(p.present);
	EXPECT_FALSE(p.has[QLINK_A_PEER_NETNS_FD]);

	ASSERT_EQ(0, enter(self->ns_a));
	ASSERT_EQ(0, qlink_nl_open(&ev));
	ASSERT_EQ(0, enter(self->ns_init));
	ASSERT_EQ(0, qlink_nl_subscribe(&ev, QLINK_MCGRP_LINK_NAME));
	ASSERT_EQ(0, qlink_rt_set_up(self->gn_a.rt, LS, 1));	/* running when C goes */
	close(ns_c);
	end = qlink_now_ms() + WAIT_MS;
	do {
		usleep(20000);
		ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LS, &p));
	} while (p.present && qlink_now_ms() < end);
	EXPECT_EQ(0, p.present);
	EXPECT_EQ(0, qlink_nl_events(&ev, WAIT_MS, on_peer_ntf, &w));
	/* A's own peer is untouched */
	ASSERT_EQ(0, qlink_nl_peer(&self->gn_a, LA, &p));
	EXPECT_TRUE(p.present);
	qlink_nl_close(&ev);
}

TEST_HARNESS_MAIN
