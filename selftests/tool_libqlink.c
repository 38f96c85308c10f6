// SPDX-License-Identifier: GPL-2.0
/*
 * libqlink API: every public function against the running kernel, linked
 * with the shared library of the build tree (as an application would).
 * Links are created with `ip link add ... type qlinksim`.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "qlink.h"
#include "qlink_nl.h"

#define A "qlt_liba"
#define B "qlt_libb"

FIXTURE(lib) {
	struct ql_handle *h;
};

FIXTURE_SETUP(lib)
{
	/* `peer name` needs the ip link plugin of the build tree. */
	setenv("IP_LIB_DIR", PLUGIN_DIR, 1);
	if (system("ip link del " A " 2>/dev/null")) {
		/* not there: fine */
	}
	ASSERT_EQ(0, system("ip link add " A " type qlinksim peer name " B));
	ASSERT_EQ(0, ql_open(&self->h));
}

FIXTURE_TEARDOWN(lib)
{
	ql_close(self->h);
	if (system("ip link del " A " 2>/dev/null")) {
		/* already gone */
	}
	/* what a failed lib.peer left loaded */
	if (system("rmmod qlinktest 2>/dev/null")) {
		/* not loaded */
	}
}

/* A set of one attribute of @nest. */
static struct ql_attrs *one_attr(int nest, int attr, int64_t v)
{
	struct ql_attrs *a = ql_attrs_new(nest);

	if (a && ql_attrs_put(a, attr, v)) {
		ql_attrs_free(a);
		a = NULL;
	}
	return a;
}

static int64_t config_of(const struct ql_link *l, int attr)
{
	return ql_attrs_get(ql_link_attrs(l, QLINK_A_LINK_CONFIG), attr);
}

static int64_t calib_of(const struct ql_link *l, int attr)
{
	return ql_attrs_get(ql_link_attrs(l, QLINK_A_LINK_CALIB), attr);
}

/* A qlinksim physics attribute of @ifname, read through rtnetlink. */
static int64_t phys_of(struct ql_handle *h, const char *ifname, int attr)
{
	struct ql_attrs *d;
	int64_t v;

	if (ql_link_kind_get(h, ifname, &d))
		return -1;
	v = ql_attrs_get(d, attr);
	ql_attrs_free(d);
	return v;
}

TEST_F(lib, version)
{
	struct ql_link *l;
	uint64_t cookie = 0, fd_cookie = 0;
	int fd;

	/* From the generic netlink controller, not from the family. */
	EXPECT_EQ(QLINK_GENL_VERSION, ql_family_version(self->h));
	ASSERT_EQ(0, ql_netns_cookie(-1, &cookie));
	EXPECT_NE(0, cookie);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, ql_netns_cookie(fd, &fd_cookie));
	EXPECT_EQ(cookie, fd_cookie);
	close(fd);
	EXPECT_EQ(-EBADF, ql_netns_cookie(1000, &fd_cookie));
	/* The peer lives in this netns: the kernel reports the same cookie. */
	ASSERT_EQ(0, ql_link_get(self->h, A, &l));
	EXPECT_EQ(cookie, (uint64_t)ql_link_value(l, QLINK_A_LINK_PEER_NETNS_COOKIE));
	ql_link_free(l);
	EXPECT_STREQ("", ql_errmsg(self->h));
	EXPECT_EQ(0, ql_errno(self->h));
}

TEST_F(lib, link_get)
{
	const struct ql_attrs *caps, *cal;
	struct ql_link *l, *b, *c;

	ASSERT_EQ(0, ql_link_get(self->h, A, &l));
	EXPECT_STREQ(A, ql_link_ifname(l));
	EXPECT_EQ(if_nametoindex(A), ql_link_ifindex(l));
	EXPECT_NE(0, ql_link_id(l));
	EXPECT_STREQ("qlinksim", ql_link_kind(l));
	EXPECT_TRUE(ql_link_has(l, QLINK_A_LINK_UP));
	EXPECT_EQ(0, ql_link_value(l, QLINK_A_LINK_UP));
	EXPECT_TRUE(ql_link_has(l, QLINK_A_LINK_SIDE));
	EXPECT_EQ(0, ql_link_value(l, QLINK_A_LINK_SIDE));
	EXPECT_EQ(QL_TYPE_U8, ql_attrs_type(ql_link_attrs(l, QL_NEST_TOP),
					    QLINK_A_LINK_SIDE));
	EXPECT_EQ(if_nametoindex(B), ql_link_value(l, QLINK_A_LINK_PEER_IFINDEX));
	caps = ql_link_attrs(l, QLINK_A_LINK_CAPS);
	ASSERT_NE(NULL, caps);
	EXPECT_EQ(QLINK_A_LINK_CAPS, ql_attrs_nest(caps));
	EXPECT_TRUE(ql_attrs_get(caps, QLINK_A_CAPS_HERALD_MODELS) &
		    (1u << QLINK_HERALD_TIME_TAGS));
	EXPECT_GT(ql_attrs_get(caps, QLINK_A_CAPS_MAX_RATE), 0);
	EXPECT_TRUE(ql_attrs_get(caps, QLINK_A_CAPS_MEASURE_BASES) &
		    (1u << QLINK_BASIS_Z));
	EXPECT_EQ(QL_TYPE_U32, ql_attrs_type(caps, QLINK_A_CAPS_MEASURE_BASES));
	/* The configuration's defaults; the window is the full width. */
	ASSERT_NE(NULL, ql_link_attrs(l, QLINK_A_LINK_CONFIG));
	EXPECT_EQ(1000, config_of(l, QLINK_A_CONFIG_WINDOW_FULL));
	EXPECT_EQ(1024, config_of(l, QLINK_A_CONFIG_MAX_PAIRS));
	EXPECT_EQ(QL_TYPE_S64, ql_attrs_type(ql_link_attrs(l, QLINK_A_LINK_CONFIG),
					     QLINK_A_CONFIG_OFFSET));
	/* The calibration qlinksim reports from its default physics. */
	cal = ql_link_attrs(l, QLINK_A_LINK_CALIB);
	ASSERT_NE(NULL, cal);
	EXPECT_EQ(970000, calib_of(l, QLINK_A_CALIB_FIDELITY));
	EXPECT_EQ(800000, calib_of(l, QLINK_A_CALIB_DET_EFF_A));
	EXPECT_EQ(200, calib_of(l, QLINK_A_CALIB_LOSS_A));	/* 1 km, 0.2 dB/km */
	EXPECT_GT(calib_of(l, QLINK_A_CALIB_HERALD_RATE), 0);
	EXPECT_TRUE(ql_attrs_has(cal, QLINK_A_CALIB_EXP_FIDELITY));
	EXPECT_TRUE(ql_attrs_has(cal, QLINK_A_CALIB_EXP_QBER));
	EXPECT_EQ(QL_TYPE_U8, ql_attrs_type(cal, QLINK_A_CALIB_DIRECT));
	EXPECT_EQ(NULL, ql_link_attrs(l, QLINK_A_STATS));

	ASSERT_EQ(0, ql_link_get_by_index(self->h,
					  ql_link_value(l, QLINK_A_LINK_PEER_IFINDEX),
					  &b));
	EXPECT_STREQ(B, ql_link_ifname(b));
	EXPECT_EQ(1, ql_link_value(b, QLINK_A_LINK_SIDE));
	EXPECT_EQ(ql_link_ifindex(l), ql_link_value(b, QLINK_A_LINK_PEER_IFINDEX));

	/* A copy outlives the original. */
	c = ql_link_dup(l);
	ql_link_free(l);
	ASSERT_NE(NULL, c);
	EXPECT_STREQ(A, ql_link_ifname(c));
	EXPECT_EQ(970000, calib_of(c, QLINK_A_CALIB_FIDELITY));
	ql_link_free(c);
	ql_link_free(b);
}

TEST_F(lib, link_get_errors)
{
	struct ql_link *l = (struct ql_link *)1;

	EXPECT_EQ(-ENODEV, ql_link_get(self->h, "qlt_nosuch", &l));
	EXPECT_EQ(NULL, l);
	EXPECT_EQ(-ENODEV, ql_errno(self->h));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "no such device"));
	EXPECT_EQ(-EOPNOTSUPP, ql_link_get(self->h, "lo", &l));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "not a qlink"));
	EXPECT_EQ(-EINVAL, ql_link_get(self->h, "", &l));
	EXPECT_EQ(-EINVAL, ql_link_get_by_index(self->h, 0, &l));
	/* A success clears the error. */
	ASSERT_EQ(0, ql_link_get(self->h, A, &l));
	EXPECT_STREQ("", ql_errmsg(self->h));
	ql_link_free(l);
}

TEST_F(lib, link_set)
{
	struct ql_attrs *cf = ql_attrs_new(QLINK_A_LINK_CONFIG), *top;
	struct ql_attrs *cal = ql_attrs_new(QLINK_A_LINK_CALIB);
	struct ql_link *l;

	ASSERT_NE(NULL, cf);
	ASSERT_NE(NULL, cal);
	ASSERT_EQ(0, ql_attrs_put(cf, QLINK_A_CONFIG_WINDOW_FULL, 1500));
	ASSERT_EQ(0, ql_attrs_put(cf, QLINK_A_CONFIG_OFFSET, -1234567));
	ASSERT_EQ(0, ql_attrs_put(cf, QLINK_A_CONFIG_CUTOFF, 50000000));
	ASSERT_EQ(0, ql_link_set(self->h, A, cf));

	/* Both ends share the configuration. */
	ASSERT_EQ(0, ql_link_get(self->h, B, &l));
	EXPECT_EQ(1500, config_of(l, QLINK_A_CONFIG_WINDOW_FULL));
	EXPECT_EQ(-1234567, config_of(l, QLINK_A_CONFIG_OFFSET));
	EXPECT_EQ(50000000, config_of(l, QLINK_A_CONFIG_CUTOFF));
	ql_link_free(l);

	/* The calibration, set by an operator; the derived values follow. */
	ASSERT_EQ(0, ql_attrs_put(cal, QLINK_A_CALIB_FIDELITY, 900000));
	ASSERT_EQ(0, ql_attrs_put(cal, QLINK_A_CALIB_HERALD_RATE, 5000000));
	ASSERT_EQ(0, ql_attrs_put(cal, QLINK_A_CALIB_ACCIDENTAL_RATE, 0));
	ASSERT_EQ(0, ql_link_set(self->h, A, cal));
	ASSERT_EQ(0, ql_link_get(self->h, B, &l));
	EXPECT_EQ(900000, calib_of(l, QLINK_A_CALIB_FIDELITY));
	EXPECT_EQ(5000000, calib_of(l, QLINK_A_CALIB_HERALD_RATE));
	/* no accidentals: every herald has F0 */
	EXPECT_GE(calib_of(l, QLINK_A_CALIB_EXP_FIDELITY), 899999);
	EXPECT_LE(calib_of(l, QLINK_A_CALIB_EXP_FIDELITY), 900000);
	ql_link_free(l);

	/* All or nothing, and the error names the attribute and its range. */
	ql_attrs_clear(cf);
	ql_attrs_put(cf, QLINK_A_CONFIG_MAX_PAIRS, 77);
	ql_attrs_put(cf, QLINK_A_CONFIG_WINDOW_FULL, 0);
	EXPECT_EQ(-ERANGE, ql_link_set(self->h, A, cf));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h),
			       "QLINK_A_CONFIG_WINDOW_FULL"));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "allowed [1, 10000000]"))
		TH_LOG("%s", ql_errmsg(self->h));
	ql_attrs_clear(cf);
	ql_attrs_put(cf, QLINK_A_CONFIG_OFFSET, -20000000000000LL);
	EXPECT_EQ(-ERANGE, ql_link_set(self->h, A, cf));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h),
			       "allowed [-10000000000000, 10000000000000]"))
		TH_LOG("%s", ql_errmsg(self->h));
	ASSERT_EQ(0, ql_link_get(self->h, A, &l));
	EXPECT_EQ(1024, config_of(l, QLINK_A_CONFIG_MAX_PAIRS));
	EXPECT_EQ(1500, config_of(l, QLINK_A_CONFIG_WINDOW_FULL));

	/* Both nests in one top-level set, by index: together or not at all. */
	top = ql_attrs_new(QL_NEST_TOP);
	ASSERT_NE(NULL, top);
	ql_attrs_clear(cf);
	ql_attrs_clear(cal);
	ASSERT_EQ(0, ql_attrs_put(cf, QLINK_A_CONFIG_WINDOW_FULL, 2000));
	ASSERT_EQ(0, ql_attrs_put(cal, QLINK_A_CALIB_FIDELITY, 100000));
	ASSERT_EQ(0, ql_attrs_put_nest(top, QLINK_A_LINK_CONFIG, cf));
	ASSERT_EQ(0, ql_attrs_put_nest(top, QLINK_A_LINK_CALIB, cal));
	EXPECT_NE(0, ql_link_set_by_index(self->h, ql_link_ifindex(l), top));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "QLINK_A_CALIB_FIDELITY"));
	ASSERT_EQ(0, ql_attrs_put(cal, QLINK_A_CALIB_FIDELITY, 910000));
	ASSERT_EQ(0, ql_attrs_put_nest(top, QLINK_A_LINK_CALIB, cal));
	ASSERT_EQ(0, ql_link_set_by_index(self->h, ql_link_ifindex(l), top))
		TH_LOG("%s", ql_errmsg(self->h));
	ql_link_free(l);
	ASSERT_EQ(0, ql_link_get(self->h, A, &l));
	EXPECT_EQ(2000, config_of(l, QLINK_A_CONFIG_WINDOW_FULL));
	EXPECT_EQ(910000, calib_of(l, QLINK_A_CALIB_FIDELITY));
	ql_link_free(l);
	/* The derived values are read only. */
	ql_attrs_clear(cal);
	ASSERT_EQ(0, ql_attrs_put(cal, QLINK_A_CALIB_EXP_QBER, 1));
	EXPECT_NE(0, ql_link_set(self->h, A, cal));
	/* A set without a table is no set of link attributes. */
	ql_attrs_free(top);
	top = ql_attrs_new(QL_NEST_RAW);
	ASSERT_NE(NULL, top);
	EXPECT_EQ(-EINVAL, ql_link_set(self->h, A, top));
	ql_attrs_free(top);
	ql_attrs_free(cf);
	ql_attrs_free(cal);
}

/*
 * Link-type attributes through rtnetlink: qlinksim's physics and faults,
 * flat IFLA_QLINKSIM_* attributes.
 */
TEST_F(lib, kind_attrs)
{
	struct ql_attrs *data = ql_attrs_new(QL_NEST_RAW), *got;
	struct ql_link *l;

	ASSERT_NE(NULL, data);
	ASSERT_EQ(0, ql_attrs_put_type(data, IFLA_QLINKSIM_SOURCE_RATE,
				       QL_TYPE_U64, 200000000));
	ASSERT_EQ(0, ql_attrs_put_type(data, IFLA_QLINKSIM_OFFSET_DRIFT,
				       QL_TYPE_S32, -42));
	ASSERT_EQ(0, ql_attrs_put_type(data, IFLA_QLINKSIM_FIBER_LEN_B,
				       QL_TYPE_U32, 3000));
	ASSERT_EQ(0, ql_link_kind_set(self->h, A, "qlinksim", data))
		TH_LOG("%s", ql_errmsg(self->h));
	/* Both ends; the offset follows the fibers (5 ns per metre). */
	ASSERT_EQ(0, ql_link_get(self->h, B, &l));
	EXPECT_EQ(2000 * 5000, config_of(l, QLINK_A_CONFIG_OFFSET));
	ql_link_free(l);

	/* Read back: flat, values by length. */
	ASSERT_EQ(0, ql_link_kind_get(self->h, B, &got)) TH_LOG("%s", ql_errmsg(self->h));
	EXPECT_EQ(QL_NEST_RAW, ql_attrs_nest(got));
	EXPECT_EQ(200000000, ql_attrs_get(got, IFLA_QLINKSIM_SOURCE_RATE));
	EXPECT_EQ(QL_TYPE_U64, ql_attrs_type(got, IFLA_QLINKSIM_SOURCE_RATE));
	EXPECT_EQ(-42, (int32_t)ql_attrs_get(got, IFLA_QLINKSIM_OFFSET_DRIFT));
	EXPECT_EQ(970000, ql_attrs_get(got, IFLA_QLINKSIM_FIDELITY));
	EXPECT_EQ(QL_TYPE_U8, ql_attrs_type(got, IFLA_QLINKSIM_DIRECT));
	ql_attrs_free(got);

	EXPECT_EQ(-ENODEV, ql_link_kind_set(self->h, "qlt_nosuch", "qlinksim", data));
	EXPECT_EQ(-EINVAL, ql_link_kind_set(self->h, A, NULL, data));

	/* The kind's policy: the attribute named by number, with its range. */
	ql_attrs_clear(data);
	ASSERT_EQ(0, ql_attrs_put_type(data, IFLA_QLINKSIM_FIDELITY,
				       QL_TYPE_U32, 1500000));
	EXPECT_EQ(-ERANGE, ql_link_kind_set(self->h, A, "qlinksim", data));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "qlinksim attribute 12"))
		TH_LOG("%s", ql_errmsg(self->h));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "allowed [250000, 1000000]"))
		TH_LOG("%s", ql_errmsg(self->h));
	ql_attrs_clear(data);
	ASSERT_EQ(0, ql_attrs_put_type(data, IFLA_QLINKSIM_OFFSET_DRIFT,
				       QL_TYPE_S32, -2000000000));
	EXPECT_EQ(-ERANGE, ql_link_kind_set(self->h, A, "qlinksim", data));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h),
			       "allowed [-1000000000, 1000000000]"))
		TH_LOG("%s", ql_errmsg(self->h));
	EXPECT_EQ(970000, phys_of(self->h, A, IFLA_QLINKSIM_FIDELITY));
	/* The driver's own checks and message come back as they are. */
	ql_attrs_clear(data);
	ASSERT_EQ(0, ql_attrs_put_type(data, IFLA_QLINKSIM_FIDELITY_DROP,
				       QL_TYPE_U32, 750000));
	EXPECT_EQ(-EINVAL, ql_link_kind_set(self->h, A, "qlinksim", data));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h),
			       "IFLA_QLINKSIM_FIDELITY_DROP must stay"))
		TH_LOG("%s", ql_errmsg(self->h));
	/* A flat attribute, refused by the kind's policy (too short). */
	ql_attrs_clear(data);
	ASSERT_EQ(0, ql_attrs_put_type(data, IFLA_QLINKSIM_PEER, QL_TYPE_U32, 0));
	EXPECT_EQ(-ERANGE, ql_link_kind_set(self->h, A, "qlinksim", data));
	EXPECT_NE(0, strlen(ql_errmsg(self->h)));
	/* Not the link's kind. */
	EXPECT_EQ(-EOPNOTSUPP, ql_link_kind_set(self->h, A, "qlt_nokind", data));
	EXPECT_EQ(-ENODATA, ql_link_kind_get(self->h, "lo", &got));
	EXPECT_EQ(NULL, got);
	ql_attrs_free(data);
}

struct dump_ctx {
	int seen_a, seen_b, calls, stop_after;
};

static int dump_cb(const struct ql_link *l, void *arg)
{
	struct dump_ctx *c = arg;

	c->calls++;
	if (!strcmp(ql_link_ifname(l), A))
		c->seen_a++;
	if (!strcmp(ql_link_ifname(l), B))
		c->seen_b++;
	return c->stop_after && c->calls >= c->stop_after;
}

TEST_F(lib, link_dump)
{
	struct dump_ctx c = { 0 };
	int n;

	n = ql_link_dump(self->h, dump_cb, &c);
	EXPECT_GE(n, 2);
	EXPECT_EQ(n, c.calls);
	EXPECT_EQ(1, c.seen_a);
	EXPECT_EQ(1, c.seen_b);

	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	EXPECT_GE(ql_link_dump(self->h, dump_cb, &c), 1);
	EXPECT_EQ(1, c.calls);
}

static int stats_cb(const struct ql_link *l, void *arg)
{
	int *n = arg;

	if (!strcmp(ql_link_ifname(l), A) &&
	    ql_attrs_has(ql_link_attrs(l, QLINK_A_STATS), QLINK_A_STATS_HERALDS))
		(*n)++;
	return 0;
}

TEST_F(lib, stats)
{
	struct ql_attrs *ps = one_attr(QLINK_A_LINK_CONFIG,
				       QLINK_A_CONFIG_MAX_PAIRS, 77);
	const struct ql_attrs *st;
	struct ql_link *l;
	int n = 0, i, count = 0;

	ASSERT_EQ(0, ql_link_set(self->h, A, ps));
	ql_attrs_free(ps);
	ASSERT_EQ(0, ql_stats_get(self->h, A, &l));
	EXPECT_STREQ(A, ql_link_ifname(l));
	st = ql_link_attrs(l, QLINK_A_STATS);
	ASSERT_NE(NULL, st);
	EXPECT_GE(ql_attrs_get(st, QLINK_A_STATS_PARAM_CHANGES), 1);
	EXPECT_EQ(QL_TYPE_U64, ql_attrs_type(st, QLINK_A_STATS_PARAM_CHANGES));
	/* Every counter in number order, each one named. */
	for (i = ql_attrs_next(st, 0); i > 0; i = ql_attrs_next(st, i)) {
		EXPECT_NE(NULL, ql_attr_name(QLINK_A_STATS, i)) TH_LOG("counter %d", i);
		count++;
	}
	EXPECT_EQ(ql_attrs_count(st), count);
	EXPECT_GE(count, 30);
	ql_link_free(l);
	EXPECT_GE(ql_stats_dump(self->h, stats_cb, &n), 2);
	EXPECT_EQ(1, n);
	EXPECT_EQ(-ENODEV, ql_stats_get(self->h, "qlt_nosuch", &l));
}

struct ev_ctx {
	int want_cmd;
	uint32_t want_change;
	const char *name;
	int got;
};

static int ev_cb(const struct ql_event *ev, void *arg)
{
	const struct ql_link *l = ql_event_link(ev);
	struct ev_ctx *c = arg;

	if (ql_event_cmd(ev) != c->want_cmd || strcmp(ql_link_ifname(l), c->name))
		return 0;
	if (c->want_change &&
	    ql_link_value(l, QLINK_A_LINK_CHANGE) != c->want_change)
		return 0;
	c->got++;
	return 1;
}

TEST_F(lib, events)
{
	struct ev_ctx c = { QLINK_CMD_LINK_CHANGE_NTF, QLINK_CHANGE_CONFIG, A, 0 };
	struct ql_attrs *ps = one_attr(QLINK_A_LINK_CONFIG,
				       QLINK_A_CONFIG_CUTOFF, 12345);

	EXPECT_EQ(-1, ql_event_fd(self->h));
	EXPECT_EQ(-EINVAL, ql_event_recv(self->h, ev_cb, &c));
	ASSERT_EQ(0, ql_event_subscribe_group(self->h, QLINK_MCGRP_LINK_NAME));
	EXPECT_GE(ql_event_fd(self->h), 0);
	/* Nothing yet: a short loop times out. */
	EXPECT_EQ(0, ql_event_loop(self->h, ev_cb, &c, 100));

	/* Requests on the same handle while subscribed. */
	ASSERT_EQ(0, ql_link_set(self->h, A, ps));
	ql_attrs_free(ps);
	EXPECT_EQ(1, ql_event_loop(self->h, ev_cb, &c, 5000));
	EXPECT_EQ(1, c.got);

	/* A calibration change, announced as one. */
	c = (struct ev_ctx){ QLINK_CMD_LINK_CHANGE_NTF, QLINK_CHANGE_CALIB, A, 0 };
	ps = one_attr(QLINK_A_LINK_CALIB, QLINK_A_CALIB_HERALD_RATE, 1000);
	ASSERT_EQ(0, ql_link_set(self->h, A, ps));
	ql_attrs_free(ps);
	EXPECT_EQ(1, ql_event_loop(self->h, ev_cb, &c, 5000));

	c = (struct ev_ctx){ QLINK_CMD_LINK_CHANGE_NTF, QLINK_CHANGE_UP, A, 0 };
	ASSERT_EQ(0, system("ip link set " A " up"));
	EXPECT_EQ(1, ql_event_loop(self->h, ev_cb, &c, 5000));

	c = (struct ev_ctx){ QLINK_CMD_LINK_DELETE_NTF, 0, B, 0 };
	ASSERT_EQ(0, system("ip link del " A));
	EXPECT_EQ(1, ql_event_loop(self->h, ev_cb, &c, 5000));

	c = (struct ev_ctx){ QLINK_CMD_LINK_CREATE_NTF, 0, A, 0 };
	ASSERT_EQ(0, system("ip link add " A " type qlinksim peer name " B));
	EXPECT_EQ(1, ql_event_loop(self->h, ev_cb, &c, 5000));
}

static bool pair_ok(const struct ql_attrs *p)
{
	int64_t f = ql_attrs_get(p, QLINK_A_PAIR_FIDELITY);

	return f >= 250000 && f <= 1000000 &&
	       ql_attrs_get(p, QLINK_A_PAIR_BELL_INDEX) <= 3 &&
	       ql_pair_state_name(ql_attrs_get(p, QLINK_A_PAIR_STATE));
}

static int pair_cb(const struct ql_link *msg, const struct ql_attrs *p,
		   void *arg)
{
	int *n = arg;

	if (!pair_ok(p) || !ql_link_has(msg, QLINK_A_LINK_TIME))
		return 1;	/* stops: the count then shows it */
	(*n)++;
	return 0;
}

TEST_F(lib, pairs)
{
	int n = 0, got;

	EXPECT_EQ(-ENODEV, ql_pair_dump(self->h, "qlt_nosuch", pair_cb, &n));
	EXPECT_NE(0, strlen(ql_errmsg(self->h)));
	TH_LOG("pair dump of a missing link: %s", ql_errmsg(self->h));
	ASSERT_EQ(0, system("ip link set " A " up && ip link set " B " up"));
	usleep(500000);
	got = ql_pair_dump(self->h, A, pair_cb, &n);
	ASSERT_GE(got, 0) TH_LOG("%s", ql_errmsg(self->h));
	EXPECT_EQ(got, n);
	TH_LOG("%d pairs", n);
}

struct pev_ctx {
	uint32_t ifindex;
	int pairs, drops, bad;
};

static int pev_cb(const struct ql_event *ev, void *arg)
{
	const struct ql_link *l = ql_event_link(ev);
	int64_t first = ql_link_value(l, QLINK_A_SEQ_FIRST);
	int64_t last = ql_link_value(l, QLINK_A_SEQ_LAST);
	int64_t count = ql_link_value(l, QLINK_A_PAIR_COUNT);
	struct pev_ctx *c = arg;
	int i, cmd = ql_event_cmd(ev);

	if (cmd != QLINK_CMD_PAIR_NTF && cmd != QLINK_CMD_PAIR_DROP_NTF)
		return 0;	/* link events of the fixture */
	if (ql_link_ifindex(l) != c->ifindex)
		return 0;
	if (last < first || !count)
		c->bad++;
	if (cmd == QLINK_CMD_PAIR_DROP_NTF) {
		if (!ql_drop_reason_name(ql_link_value(l, QLINK_A_DROP_REASON)))
			c->bad++;
		if (ql_event_pair_count(ev))
			c->bad++;
		c->drops++;
		return 0;
	}
	if (!ql_event_pair_count(ev) || ql_event_pair_count(ev) > count)
		c->bad++;
	for (i = 0; i < ql_event_pair_count(ev); i++) {
		const struct ql_attrs *p = ql_event_pair(ev, i);
		int64_t seq = ql_attrs_get(p, QLINK_A_PAIR_SEQ);

		if (seq < first || seq > last || !pair_ok(p))
			c->bad++;
	}
	if (ql_event_pair(ev, i) || ql_event_pair(ev, -1))
		c->bad++;
	c->pairs++;
	return c->pairs >= 3;
}

TEST_F(lib, pair_events)
{
	struct pev_ctx c = { .ifindex = if_nametoindex(A) };

	EXPECT_EQ(-ENOENT, ql_event_subscribe_group(self->h, "nosuch"));
	EXPECT_EQ(-1, ql_event_fd(self->h));
	ASSERT_EQ(0, ql_event_subscribe_group(self->h, QLINK_MCGRP_PAIRS_NAME));
	ASSERT_EQ(0, ql_event_subscribe_group(self->h, QLINK_MCGRP_LINK_NAME));
	ASSERT_EQ(0, system("ip link set " A " up && ip link set " B " up"));
	/* A slow reader may overrun the socket: events lost, go on. */
	for (int i = 0; i < 3; i++) {
		int ret = ql_event_loop(self->h, pev_cb, &c, 10000);

		if (ret == -ENOBUFS)
			continue;
		EXPECT_EQ(1, ret) TH_LOG("%s", ql_errmsg(self->h));
		break;
	}
	EXPECT_EQ(3, c.pairs);
	EXPECT_EQ(0, c.bad);
	TH_LOG("%d pair events, %d drop events", c.pairs, c.drops);
}

/*
 * Purposes (the kernel's QLINK_CMD_PURPOSE_*).
 */
struct pdump_ctx {
	uint32_t id;
	int seen, calls;
	int64_t weight;
};

static int pdump_cb(const struct ql_link *l, void *arg)
{
	const struct ql_attrs *p = ql_link_attrs(l, QLINK_A_PURPOSE);
	struct pdump_ctx *c = arg;

	c->calls++;
	if (ql_attrs_get(p, QLINK_A_PURPOSE_ID) == c->id) {
		c->seen++;
		c->weight = ql_attrs_get(p, QLINK_A_PURPOSE_WEIGHT);
	}
	return 0;
}

static int64_t purpose_of(const struct ql_link *l, int attr)
{
	return ql_attrs_get(ql_link_attrs(l, QLINK_A_PURPOSE), attr);
}

TEST_F(lib, purposes)
{
	struct ql_attrs *p = ql_attrs_new(QLINK_A_PURPOSE);
	struct pdump_ctx c = { .id = 7 };
	struct ql_link *q;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PURPOSE_ID, 7));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PURPOSE_WEIGHT, 3));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PURPOSE_RATE, 10000));	/* 10/s */
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PURPOSE_MAX_OUTSTANDING, 4));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PURPOSE_RESERVE, 2));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PURPOSE_RESERVE_FIDELITY, 900000));
	ASSERT_EQ(0, ql_purpose_set(self->h, A, p)) TH_LOG("%s", ql_errmsg(self->h));

	/* Either end answers for both. */
	ASSERT_EQ(0, ql_purpose_get(self->h, B, 7, &q)) TH_LOG("%s", ql_errmsg(self->h));
	EXPECT_EQ(7, purpose_of(q, QLINK_A_PURPOSE_ID));
	EXPECT_EQ(if_nametoindex(B), ql_link_ifindex(q));
	EXPECT_NE(0, ql_link_id(q));
	EXPECT_EQ(3, purpose_of(q, QLINK_A_PURPOSE_WEIGHT));
	EXPECT_EQ(10000, purpose_of(q, QLINK_A_PURPOSE_RATE));
	EXPECT_EQ(4, purpose_of(q, QLINK_A_PURPOSE_MAX_OUTSTANDING));
	EXPECT_EQ(2, purpose_of(q, QLINK_A_PURPOSE_RESERVE));
	EXPECT_EQ(900000, purpose_of(q, QLINK_A_PURPOSE_RESERVE_FIDELITY));
	EXPECT_TRUE(ql_attrs_has(ql_link_attrs(q, QLINK_A_PURPOSE),
				 QLINK_A_PURPOSE_REQUESTS));
	EXPECT_TRUE(ql_attrs_has(ql_link_attrs(q, QLINK_A_PURPOSE),
				 QLINK_A_PURPOSE_RECEIVERS));
	EXPECT_EQ(0, purpose_of(q, QLINK_A_PURPOSE_REQUESTS));
	EXPECT_EQ(0, purpose_of(q, QLINK_A_PURPOSE_RECEIVERS));
	ql_link_free(q);

	/* Only what the set holds changes. */
	ql_attrs_clear(p);
	ql_attrs_put(p, QLINK_A_PURPOSE_ID, 7);
	ql_attrs_put(p, QLINK_A_PURPOSE_WEIGHT, 5);
	ASSERT_EQ(0, ql_purpose_set(self->h, A, p));
	ASSERT_EQ(0, ql_purpose_get(self->h, A, 7, &q));
	EXPECT_EQ(5, purpose_of(q, QLINK_A_PURPOSE_WEIGHT));
	EXPECT_EQ(2, purpose_of(q, QLINK_A_PURPOSE_RESERVE));
	ql_link_free(q);

	EXPECT_GE(ql_purpose_dump(self->h, A, pdump_cb, &c), 1);
	EXPECT_EQ(1, c.seen);
	EXPECT_EQ(5, c.weight);

	/*
	 * Out of range (the netlink policy's ERANGE): nothing changes and
	 * the message names the attribute.
	 */
	ql_attrs_put(p, QLINK_A_PURPOSE_WEIGHT, 0);
	EXPECT_EQ(-ERANGE, ql_purpose_set(self->h, A, p));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "QLINK_A_PURPOSE_WEIGHT"))
		TH_LOG("%s", ql_errmsg(self->h));
	ql_attrs_del(p, QLINK_A_PURPOSE_WEIGHT);
	ql_attrs_put(p, QLINK_A_PURPOSE_RESERVE, QLINK_RESERVE_MAX + 1);
	EXPECT_EQ(-ERANGE, ql_purpose_set(self->h, A, p));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "QLINK_A_PURPOSE_RESERVE"))
		TH_LOG("%s", ql_errmsg(self->h));
	ASSERT_EQ(0, ql_purpose_get(self->h, A, 7, &q));
	EXPECT_EQ(5, purpose_of(q, QLINK_A_PURPOSE_WEIGHT));
	EXPECT_EQ(2, purpose_of(q, QLINK_A_PURPOSE_RESERVE));
	ql_link_free(q);

	/* Counters are read only (the kernel's policy); id 0; not a purpose. */
	ql_attrs_del(p, QLINK_A_PURPOSE_RESERVE);
	ql_attrs_put(p, QLINK_A_PURPOSE_REQUESTS, 1);
	EXPECT_EQ(-EINVAL, ql_purpose_set(self->h, A, p));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "QLINK_A_PURPOSE_REQUESTS"))
		TH_LOG("%s", ql_errmsg(self->h));
	ql_attrs_del(p, QLINK_A_PURPOSE_ID);
	EXPECT_EQ(-EINVAL, ql_purpose_set(self->h, A, p));
	ql_attrs_free(p);
	p = one_attr(QLINK_A_LINK_CONFIG, QLINK_A_CONFIG_CUTOFF, 1);
	EXPECT_EQ(-EINVAL, ql_purpose_set(self->h, A, p));
	EXPECT_EQ(-EINVAL, ql_purpose_get(self->h, A, 0, &q));

	/* Never configured nor used; no such link; not a qlink. */
	EXPECT_EQ(-ENOENT, ql_purpose_get(self->h, A, 4242, &q));
	EXPECT_NE(0, strlen(ql_errmsg(self->h)));
	EXPECT_EQ(-ENODEV, ql_purpose_get(self->h, "qlt_nosuch", 7, &q));
	EXPECT_EQ(-EOPNOTSUPP, ql_purpose_dump(self->h, "lo", pdump_cb, &c));
	ql_attrs_free(p);
}

/*
 * AF_QLINK sockets, both ends in this netns.
 */
static void expect_record(struct __test_metadata *_metadata,
			  const struct qlink_record *r, uint8_t role,
			  uint32_t create_id, uint32_t index)
{
	EXPECT_EQ(QLINK_REC_OK, r->kind) TH_LOG("error %s errno %d",
		ql_err_name(r->error) ?: "?", r->sys_errno);
	EXPECT_EQ(role, r->role);
	EXPECT_EQ(QLINK_REQ_MEASURE, r->type);
	EXPECT_EQ(create_id, r->create_id);
	EXPECT_EQ(9, r->purpose);
	EXPECT_EQ(index, r->index);
	EXPECT_EQ(r->seq, r->seq_last);
	EXPECT_GE(r->fidelity, 250000);
	EXPECT_LE(r->fidelity, 1000000);
	EXPECT_LE(r->bell_index, 3);
	EXPECT_LE(r->outcome, 1);
	EXPECT_EQ(QLINK_BASIS_Z, r->basis);
}

TEST_F(lib, sockets)
{
	struct qlink_create req = {
		.create_id = 77, .number = 2, .purpose = 9,
		.type = QLINK_REQ_MEASURE, .basis = QLINK_BASIS_Z,
		.priority = QLINK_PRIO_INTERACTIVE,
	};
	struct qlink_record ra[2], rb[2], r;
	struct ql_link *p;
	int a, b, a2, i;

	ASSERT_EQ(0, system("ip link set " A " up && ip link set " B " up"));
	EXPECT_EQ(-ENODEV, ql_sock_open("qlt_nosuch", 9, SOCK_SEQPACKET));
	EXPECT_EQ(-EINVAL, ql_sock_open(A, 0, SOCK_SEQPACKET));
	a = ql_sock_open(A, 9, SOCK_SEQPACKET);
	ASSERT_GE(a, 0) TH_LOG("AF_QLINK (family %d): %s",
			       ql_socket_family(), strerror(-a));
	b = ql_sock_open(B, 9, SOCK_DGRAM);
	ASSERT_GE(b, 0) TH_LOG("%s", strerror(-b));
	/* One socket per (link end, purpose). */
	a2 = ql_sock_open(A, 9, SOCK_SEQPACKET);
	EXPECT_EQ(-EADDRINUSE, a2);
	if (a2 >= 0)
		close(a2);
	ASSERT_EQ(0, ql_sock_set_receive(b, true));
	ASSERT_EQ(0, ql_purpose_get(self->h, A, 9, &p))
		TH_LOG("%s", ql_errmsg(self->h));
	EXPECT_EQ(1, purpose_of(p, QLINK_A_PURPOSE_RECEIVERS));
	ql_link_free(p);

	/* Nothing queued: a short wait times out. */
	EXPECT_EQ(-EAGAIN, ql_sock_recv(a, &r, 50));

	ASSERT_EQ(0, ql_sock_request(a, &req));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, ql_sock_recv(a, &ra[i], 10000));
		ASSERT_EQ(0, ql_sock_recv(b, &rb[i], 10000));
		expect_record(_metadata, &ra[i], QLINK_ROLE_CREATOR, 77, i);
		expect_record(_metadata, &rb[i], QLINK_ROLE_RECEIVER, 77, i);
		/* The same pair at both ends. */
		EXPECT_EQ(ra[i].seq, rb[i].seq);
		EXPECT_EQ(ra[i].pair_link_id, rb[i].pair_link_id);
		EXPECT_EQ(ra[i].trace_id, rb[i].trace_id);
		EXPECT_EQ(ra[i].bell_index, rb[i].bell_index);
	}
	EXPECT_FALSE(ra[0].flags & QLINK_REC_LAST);
	EXPECT_TRUE(ra[1].flags & QLINK_REC_LAST);
	EXPECT_TRUE(rb[1].flags & QLINK_REC_LAST);
	EXPECT_LT(ra[0].seq, ra[1].seq);
	EXPECT_EQ(-EAGAIN, ql_sock_recv(a, &r, 50));

	ASSERT_EQ(0, ql_purpose_get(self->h, B, 9, &p));
	EXPECT_EQ(1, purpose_of(p, QLINK_A_PURPOSE_REQUESTS));
	EXPECT_EQ(1, purpose_of(p, QLINK_A_PURPOSE_REQ_SUCCEEDED));
	EXPECT_EQ(2, purpose_of(p, QLINK_A_PURPOSE_DELIVERED));
	ql_link_free(p);

	/* Nobody receives purpose 10: REJECTED, the request's last record. */
	close(b);
	b = ql_sock_open(A, 10, SOCK_SEQPACKET);
	ASSERT_GE(b, 0);
	req.purpose = 10;
	req.create_id = 78;
	ASSERT_EQ(0, ql_sock_request(b, &req));
	ASSERT_EQ(0, ql_sock_recv(b, &r, 10000));
	EXPECT_EQ(QLINK_REC_ERR, r.kind);
	EXPECT_EQ(QLINK_ERR_REJECTED, r.error);
	EXPECT_EQ(78, r.create_id);
	EXPECT_EQ(QLINK_ROLE_CREATOR, r.role);
	EXPECT_EQ(0, r.index);
	EXPECT_TRUE(r.flags & QLINK_REC_LAST);

	/* A malformed request is refused at send. */
	req.number = 0;
	EXPECT_EQ(-EINVAL, ql_sock_request(b, &req));
	close(a);
	close(b);
}

/*
 * The link protocol's peer through link-set (QLINK_A_LINK_PEER). Skipped
 * when clearing the peer tells that the kernel has no link protocol: its
 * link-set knows no QLINK_A_LINK_PEER, or has its policy but no handler.
 */
static int clear_peer(struct ql_handle *h, const char *ifname)
{
	struct ql_attrs *p = ql_attrs_new(QLINK_A_LINK_PEER);
	int err = p ? ql_attrs_put_flag(p, QLINK_A_PEER_CLEAR) : -ENOMEM;

	if (!err)
		err = ql_link_set(h, ifname, p);
	ql_attrs_free(p);
	return err;
}

static bool no_protocol(struct ql_handle *h)
{
	return clear_peer(h, A) == -EINVAL &&
	       (strstr(ql_errmsg(h), "QLINK_A_LINK_CONFIG or QLINK_A_LINK_CALIB required") ||
		strstr(ql_errmsg(h), "Unknown attribute type"));
}

/*
 * qlinktest.ko of the build tree (the Debian kernel's in the tree, the
 * debug kernel's in build/kmod-debug), loaded with one link: its other end
 * is not in this kernel, as a hardware driver's. The link's name in @name.
 */
static bool qlinktest_link(struct ql_handle *h, char *name)
{
	static const char *const ko[] = {
		PLUGIN_DIR "/../../kernel/drivers/qlinktest.ko",
		PLUGIN_DIR "/../kmod-debug/kernel/drivers/qlinktest.ko",
	};
	char cmd[512];
	size_t i;

	for (i = 0; i < sizeof(ko) / sizeof(ko[0]); i++) {
		snprintf(cmd, sizeof(cmd), "insmod %s 2>/dev/null", ko[i]);
		if (!access(ko[i], R_OK) && !system(cmd))
			break;
	}
	if (i == sizeof(ko) / sizeof(ko[0]) ||
	    system("echo 1 > /sys/kernel/debug/qlinktest/create"))
		return false;
	for (i = 0; i < 16; i++) {
		struct ql_link *l;

		snprintf(name, IF_NAMESIZE, "qltest%zu", i);
		if (!ql_link_get(h, name, &l)) {
			ql_link_free(l);
			return true;
		}
	}
	return false;
}

TEST_F(lib, peer)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(5000) };
	struct sockaddr_in s4 = { .sin_family = AF_INET,
				  .sin_port = htons(4747) };
	struct ql_attrs *p = ql_attrs_new(QLINK_A_LINK_PEER);
	struct sockaddr_storage ss;
	const struct ql_attrs *got;
	char dev[IF_NAMESIZE];
	uint8_t key[32];
	uint64_t fp;
	struct ql_link *l;
	int i, fd;

	ASSERT_NE(NULL, p);
	if (no_protocol(self->h)) {
		ql_attrs_free(p);
		SKIP(return, "the kernel has no link protocol: %s",
		     ql_errmsg(self->h));
	}
	for (i = 0; i < 32; i++)
		key[i] = i + 1;
	inet_pton(AF_INET, "192.0.2.1", &s4.sin_addr);
	ASSERT_EQ(0, ql_peer_put_addr(p, (struct sockaddr *)&s4, sizeof(s4)));
	ASSERT_EQ(0, ql_attrs_put_bin(p, QLINK_A_PEER_KEY, key, sizeof(key)));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PEER_ROLE, QLINK_ROLE_DECIDE));
	/* Both ends of A's link are here: it has no use for a peer. */
	EXPECT_EQ(-EOPNOTSUPP, ql_link_set(self->h, A, p));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "needs no peer"))
		TH_LOG("%s", ql_errmsg(self->h));

	if (!qlinktest_link(self->h, dev)) {
		ql_attrs_free(p);
		if (system("rmmod qlinktest 2>/dev/null")) {
			/* not loaded */
		}
		SKIP(return, "no qlinktest.ko for this kernel");
	}
	ASSERT_EQ(0, ql_link_set(self->h, dev, p)) TH_LOG("%s", ql_errmsg(self->h));
	ASSERT_EQ(0, ql_link_get(self->h, dev, &l));
	got = ql_link_attrs(l, QLINK_A_LINK_PEER);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(0, ql_peer_addr(got, &ss));
	EXPECT_EQ(AF_INET, ss.ss_family);
	EXPECT_EQ(0, memcmp(&s4, &ss, sizeof(s4)));
	EXPECT_EQ(4747, ql_attrs_get(got, QLINK_A_PEER_PORT));
	EXPECT_EQ(4747, ql_attrs_get(got, QLINK_A_PEER_LOCAL_PORT));
	EXPECT_EQ(3000, ql_attrs_get(got, QLINK_A_PEER_TIMEOUT));
	EXPECT_EQ(1000, ql_attrs_get(got, QLINK_A_PEER_KEEPALIVE));
	EXPECT_EQ(QLINK_ROLE_DECIDE, ql_attrs_get(got, QLINK_A_PEER_ROLE));
	EXPECT_EQ(QLINK_PEER_DOWN, ql_attrs_get(got, QLINK_A_PEER_STATE));
	EXPECT_FALSE(ql_attrs_has(got, QLINK_A_PEER_KEY));
	EXPECT_TRUE(ql_attrs_has(got, QLINK_A_PEER_FINGERPRINT));
	fp = ql_attrs_get(got, QLINK_A_PEER_FINGERPRINT);
	EXPECT_NE(0, fp);
	ql_link_free(l);

	/* Out of range: named, nothing changed. */
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PEER_TIMEOUT, 50));
	EXPECT_EQ(-ERANGE, ql_link_set(self->h, dev, p));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "QLINK_A_PEER_TIMEOUT"))
		TH_LOG("%s", ql_errmsg(self->h));
	EXPECT_NE(NULL, strstr(ql_errmsg(self->h), "allowed [100, 600000]"))
		TH_LOG("%s", ql_errmsg(self->h));

	/* Replaced as a whole: IPv6, another port, a netns fd, same key. */
	ql_attrs_clear(p);
	inet_pton(AF_INET6, "2001:db8::1", &s6.sin6_addr);
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ql_peer_put_addr(p, (struct sockaddr *)&s6, sizeof(s6)));
	ASSERT_EQ(0, ql_attrs_put_bin(p, QLINK_A_PEER_KEY, key, sizeof(key)));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PEER_ROLE, QLINK_ROLE_FOLLOW));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PEER_LOCAL_PORT, 6000));
	ASSERT_EQ(0, ql_attrs_put(p, QLINK_A_PEER_NETNS_FD, fd));
	ASSERT_EQ(0, ql_link_set(self->h, dev, p)) TH_LOG("%s", ql_errmsg(self->h));
	close(fd);
	ASSERT_EQ(0, ql_link_get(self->h, dev, &l));
	got = ql_link_attrs(l, QLINK_A_LINK_PEER);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(0, ql_peer_addr(got, &ss));
	EXPECT_EQ(0, memcmp(&s6, &ss, sizeof(s6)));
	EXPECT_EQ(6000, ql_attrs_get(got, QLINK_A_PEER_LOCAL_PORT));
	EXPECT_STREQ("follow", ql_peer_role_name(ql_attrs_get(got,
							      QLINK_A_PEER_ROLE)));
	EXPECT_EQ(fp, (uint64_t)ql_attrs_get(got, QLINK_A_PEER_FINGERPRINT));
	ql_link_free(l);

	/* Cleared. */
	ASSERT_EQ(0, clear_peer(self->h, dev)) TH_LOG("%s", ql_errmsg(self->h));
	ASSERT_EQ(0, ql_link_get(self->h, dev, &l));
	EXPECT_EQ(NULL, ql_link_attrs(l, QLINK_A_LINK_PEER));
	EXPECT_EQ(-ENOENT, ql_peer_addr(ql_link_attrs(l, QLINK_A_LINK_PEER),
					&ss));
	ql_link_free(l);
	ql_attrs_free(p);
	EXPECT_EQ(0, system("rmmod qlinktest"));
}

TEST(socket_helpers)
{
	/* libqlink's answer against the selftests' own reading */
	EXPECT_EQ(qlink_af(), ql_socket_family());
	EXPECT_STREQ("UNSUPP", ql_err_name(QLINK_ERR_UNSUPP));
	EXPECT_STREQ("REJECTED", ql_err_name(QLINK_ERR_REJECTED));
	EXPECT_STREQ("OTHER", ql_err_name(QLINK_ERR_OTHER));
	EXPECT_EQ(NULL, ql_err_name(0));
	EXPECT_EQ(NULL, ql_err_name(200));
	EXPECT_STREQ("keep", ql_req_type_name(QLINK_REQ_KEEP));
	EXPECT_STREQ("rsp", ql_req_type_name(QLINK_REQ_RSP));
	EXPECT_EQ(NULL, ql_req_type_name(0));
	EXPECT_STREQ("z", ql_basis_name(QLINK_BASIS_Z));
	EXPECT_STREQ("random", ql_basis_name(QLINK_BASIS_RANDOM));
	EXPECT_EQ(NULL, ql_basis_name(4));
	EXPECT_STREQ("interactive", ql_priority_name(QLINK_PRIO_INTERACTIVE));
	EXPECT_STREQ("batch", ql_priority_name(QLINK_PRIO_BATCH));
	EXPECT_EQ(NULL, ql_priority_name(3));
	EXPECT_STREQ("low-fidelity", ql_drop_reason_name(QLINK_DROP_LOW_FIDELITY));
	EXPECT_STREQ("peer", ql_drop_reason_name(QLINK_DROP_PEER));
	EXPECT_EQ(NULL, ql_drop_reason_name(0));
	EXPECT_STREQ("pairs", ql_event_name(QLINK_CMD_PAIR_NTF));
	EXPECT_STREQ("drop", ql_event_name(QLINK_CMD_PAIR_DROP_NTF));
	EXPECT_STREQ("req_succeeded", ql_attr_name(QLINK_A_STATS,
						   QLINK_A_STATS_REQ_SUCCEEDED));
	EXPECT_EQ(-EINVAL, ql_sock_request(-1, NULL));
	EXPECT_EQ(-EBADF, ql_sock_set_receive(-1, true));
}

TEST(helpers)
{
	EXPECT_STREQ("change", ql_event_name(QLINK_CMD_LINK_CHANGE_NTF));
	EXPECT_EQ(NULL, ql_event_name(0));
	EXPECT_STREQ("config", ql_change_name(QLINK_CHANGE_CONFIG));
	EXPECT_STREQ("calib", ql_change_name(QLINK_CHANGE_CALIB));
	EXPECT_STREQ("peer", ql_change_name(QLINK_CHANGE_PEER));
	EXPECT_STREQ("decide", ql_peer_role_name(QLINK_ROLE_DECIDE));
	EXPECT_STREQ("follow", ql_peer_role_name(QLINK_ROLE_FOLLOW));
	EXPECT_EQ(NULL, ql_peer_role_name(0));
	EXPECT_STREQ("connecting", ql_peer_state_name(QLINK_PEER_CONNECTING));
	EXPECT_STREQ("calibrating", ql_peer_state_name(QLINK_PEER_CALIBRATING));
	EXPECT_STREQ("up", ql_peer_state_name(QLINK_PEER_UP));
	EXPECT_EQ(NULL, ql_peer_state_name(0));
	EXPECT_EQ(NULL, ql_peer_state_name(QLINK_PEER_UP + 1));
	EXPECT_EQ(NULL, ql_change_name(0));
	EXPECT_STREQ("events", ql_herald_model_name(QLINK_HERALD_EVENTS));
	EXPECT_STREQ("psi-", ql_bell_name(3));
	EXPECT_EQ(NULL, ql_bell_name(4));
	EXPECT_STREQ("ready", ql_pair_state_name(QLINK_PAIR_READY));
	ql_close(NULL);
	EXPECT_STREQ("", ql_errmsg(NULL));
	EXPECT_EQ(0, ql_errno(NULL));
}

/* The tables: names and types by (nest, attribute). */
TEST(tables)
{
	EXPECT_EQ(QL_TYPE_U32, ql_attr_type(QLINK_A_LINK_CONFIG,
					    QLINK_A_CONFIG_WINDOW_FULL));
	EXPECT_EQ(QL_TYPE_S64, ql_attr_type(QLINK_A_LINK_CONFIG,
					    QLINK_A_CONFIG_OFFSET));
	EXPECT_EQ(QL_TYPE_U64, ql_attr_type(QLINK_A_LINK_CONFIG,
					    QLINK_A_CONFIG_CUTOFF));
	EXPECT_STREQ("min_fidelity", ql_attr_name(QLINK_A_LINK_CONFIG,
						  QLINK_A_CONFIG_MIN_FIDELITY));
	EXPECT_EQ(QL_TYPE_U64, ql_attr_type(QLINK_A_LINK_CALIB,
					    QLINK_A_CALIB_HERALD_RATE));
	EXPECT_EQ(QL_TYPE_U8, ql_attr_type(QLINK_A_LINK_CALIB,
					   QLINK_A_CALIB_DIRECT));
	EXPECT_EQ(QL_TYPE_U32, ql_attr_type(QLINK_A_LINK_CALIB,
					    QLINK_A_CALIB_EXP_QBER));
	EXPECT_EQ(-EINVAL, ql_attr_type(QLINK_A_LINK_CONFIG, 0));
	EXPECT_EQ(-EINVAL, ql_attr_type(QLINK_A_LINK_CONFIG, QLINK_A_CONFIG_PAD));
	EXPECT_EQ(-EINVAL, ql_attr_type(QLINK_A_LINK_CALIB,
					QLINK_A_CALIB_MAX + 1));
	EXPECT_STREQ("window_full", ql_attr_name(QLINK_A_LINK_CONFIG,
						 QLINK_A_CONFIG_WINDOW_FULL));
	EXPECT_STREQ("dark_b", ql_attr_name(QLINK_A_LINK_CALIB,
					    QLINK_A_CALIB_DARK_B));
	EXPECT_STREQ("exp_fidelity", ql_attr_name(QLINK_A_LINK_CALIB,
						  QLINK_A_CALIB_EXP_FIDELITY));
	EXPECT_EQ(NULL, ql_attr_name(QLINK_A_LINK_CALIB, 1000));
	EXPECT_STREQ("heralds", ql_attr_name(QLINK_A_STATS, QLINK_A_STATS_HERALDS));
	EXPECT_EQ(QL_TYPE_S64, ql_attr_type(QLINK_A_STATS, QLINK_A_STATS_OFFSET_EST));
	EXPECT_EQ(QL_TYPE_U64, ql_attr_type(QLINK_A_STATS, QLINK_A_STATS_HERALDS));
	EXPECT_STREQ("max_rate", ql_attr_name(QLINK_A_LINK_CAPS,
					      QLINK_A_CAPS_MAX_RATE));
	EXPECT_STREQ("measure_bases", ql_attr_name(QLINK_A_LINK_CAPS,
						   QLINK_A_CAPS_MEASURE_BASES));
	EXPECT_STREQ("weight", ql_attr_name(QLINK_A_PURPOSE,
					    QLINK_A_PURPOSE_WEIGHT));
	EXPECT_EQ(QL_TYPE_U8, ql_attr_type(QLINK_A_PAIR, QLINK_A_PAIR_BELL_INDEX));
	EXPECT_EQ(QL_TYPE_NEST, ql_attr_type(QL_NEST_TOP, QLINK_A_LINK_CONFIG));
	EXPECT_EQ(QL_TYPE_NEST, ql_attr_type(QL_NEST_TOP, QLINK_A_LINK_CALIB));
	EXPECT_STREQ("link_calib", ql_attr_name(QL_NEST_TOP, QLINK_A_LINK_CALIB));
	EXPECT_EQ(QL_TYPE_STRING, ql_attr_type(QL_NEST_TOP, QLINK_A_IFNAME));
	EXPECT_EQ(-EINVAL, ql_attr_type(QL_NEST_TOP, QLINK_A_PAD));
	EXPECT_EQ(QLINK_A_CONFIG_MAX, ql_attr_max(QLINK_A_LINK_CONFIG));
	EXPECT_EQ(QLINK_A_CALIB_MAX, ql_attr_max(QLINK_A_LINK_CALIB));
	EXPECT_EQ(QLINK_A_MAX, ql_attr_max(QL_NEST_TOP));
	EXPECT_EQ(-EINVAL, ql_attr_max(QL_NEST_RAW));
	EXPECT_EQ(-EINVAL, ql_attr_max(QLINK_A_IFNAME));
	/* the peer's nest: binary, flag and integer attributes */
	EXPECT_EQ(QLINK_A_PEER_MAX, ql_attr_max(QLINK_A_LINK_PEER));
	EXPECT_EQ(QL_TYPE_NEST, ql_attr_type(QL_NEST_TOP, QLINK_A_LINK_PEER));
	EXPECT_EQ(QL_TYPE_BINARY, ql_attr_type(QLINK_A_LINK_PEER,
					       QLINK_A_PEER_ADDRESS));
	EXPECT_EQ(QL_TYPE_BINARY, ql_attr_type(QLINK_A_LINK_PEER,
					       QLINK_A_PEER_KEY));
	EXPECT_EQ(QL_TYPE_FLAG, ql_attr_type(QLINK_A_LINK_PEER,
					     QLINK_A_PEER_CLEAR));
	EXPECT_EQ(QL_TYPE_U16, ql_attr_type(QLINK_A_LINK_PEER,
					    QLINK_A_PEER_LOCAL_PORT));
	EXPECT_EQ(QL_TYPE_S64, ql_attr_type(QLINK_A_LINK_PEER,
					    QLINK_A_PEER_CLOCK_OFFSET));
	EXPECT_STREQ("clock_offset_error",
		     ql_attr_name(QLINK_A_LINK_PEER,
				  QLINK_A_PEER_CLOCK_OFFSET_ERROR));
	EXPECT_STREQ("proto_rx_bad_mac", ql_attr_name(QLINK_A_STATS,
						      QLINK_A_STATS_PROTO_RX_BAD_MAC));
	EXPECT_STREQ("peer_timeouts", ql_attr_name(QLINK_A_STATS,
						   QLINK_A_STATS_PEER_TIMEOUTS));
}

/* Binary and flag values, and the peer's address, without a kernel. */
TEST(peer_attrs)
{
	static const uint8_t key[32] = { 1, 2, 3, [31] = 0xff };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(4747) };
	struct sockaddr_in s4 = { .sin_family = AF_INET,
				  .sin_port = htons(1) };
	struct ql_attrs *p = ql_attrs_new(QLINK_A_LINK_PEER), *c, *top;
	struct sockaddr_storage ss;
	const void *b;
	size_t len;

	ASSERT_NE(NULL, p);
	/* integers of the table refuse bytes and the reverse */
	EXPECT_EQ(-EINVAL, ql_attrs_put(p, QLINK_A_PEER_ADDRESS, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put(p, QLINK_A_PEER_CLEAR, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put_bin(p, 0, key, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put_bin(p, QLINK_A_PEER_KEY, NULL, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put_bin(p, QLINK_A_PEER_KEY, key, 70000));
	EXPECT_EQ(-EINVAL, ql_attrs_put_flag(p, 0x4000));
	EXPECT_EQ(NULL, ql_attrs_get_bin(p, QLINK_A_PEER_KEY, &len));
	EXPECT_EQ(0, len);
	EXPECT_EQ(-ENOENT, ql_peer_addr(p, &ss));
	EXPECT_EQ(-ENOENT, ql_peer_addr(NULL, &ss));

	ASSERT_EQ(0, ql_attrs_put_bin(p, QLINK_A_PEER_KEY, key, sizeof(key)));
	ASSERT_EQ(0, ql_attrs_put_flag(p, QLINK_A_PEER_CLEAR));
	EXPECT_EQ(QL_TYPE_BINARY, ql_attrs_type(p, QLINK_A_PEER_KEY));
	EXPECT_EQ(QL_TYPE_FLAG, ql_attrs_type(p, QLINK_A_PEER_CLEAR));
	EXPECT_TRUE(ql_attrs_has(p, QLINK_A_PEER_CLEAR));
	EXPECT_EQ(0, ql_attrs_get(p, QLINK_A_PEER_KEY));
	b = ql_attrs_get_bin(p, QLINK_A_PEER_KEY, &len);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(sizeof(key), len);
	EXPECT_EQ(0, memcmp(b, key, sizeof(key)));

	/* addresses, both families, through the sockaddr helpers */
	inet_pton(AF_INET, "192.0.2.7", &s4.sin_addr);
	ASSERT_EQ(0, ql_peer_put_addr(p, (struct sockaddr *)&s4, sizeof(s4)));
	b = ql_attrs_get_bin(p, QLINK_A_PEER_ADDRESS, &len);
	EXPECT_EQ(4, len);
	EXPECT_EQ(0, memcmp(b, &s4.sin_addr, 4));
	EXPECT_EQ(1, ql_attrs_get(p, QLINK_A_PEER_PORT));
	EXPECT_EQ(QL_TYPE_U16, ql_attrs_type(p, QLINK_A_PEER_PORT));
	ASSERT_EQ(0, ql_peer_addr(p, &ss));
	EXPECT_EQ(0, memcmp(&ss, &s4, sizeof(s4)));
	inet_pton(AF_INET6, "2001:db8::7", &s6.sin6_addr);
	ASSERT_EQ(0, ql_peer_put_addr(p, (struct sockaddr *)&s6, sizeof(s6)));
	ASSERT_EQ(0, ql_peer_addr(p, &ss));
	EXPECT_EQ(0, memcmp(&ss, &s6, sizeof(s6)));
	EXPECT_EQ(-EAFNOSUPPORT, ql_peer_put_addr(p, (struct sockaddr *)&s6,
						  sizeof(s4)));
	s4.sin_family = AF_UNIX;
	EXPECT_EQ(-EAFNOSUPPORT, ql_peer_put_addr(p, (struct sockaddr *)&s4,
						  sizeof(s4)));
	EXPECT_EQ(-EINVAL, ql_peer_put_addr(p, NULL, 0));
	ASSERT_EQ(0, ql_attrs_put_bin(p, QLINK_A_PEER_ADDRESS, key, 5));
	EXPECT_EQ(-EPROTO, ql_peer_addr(p, &ss));

	/* copies are deep, through a nest too; a value replaced by another */
	top = ql_attrs_new(QL_NEST_TOP);
	ASSERT_NE(NULL, top);
	ASSERT_EQ(0, ql_attrs_put_nest(top, QLINK_A_LINK_PEER, p));
	ql_attrs_free(p);
	c = ql_attrs_dup(ql_attrs_get_nest(top, QLINK_A_LINK_PEER));
	ql_attrs_free(top);
	ASSERT_NE(NULL, c);
	b = ql_attrs_get_bin(c, QLINK_A_PEER_KEY, &len);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, memcmp(b, key, sizeof(key)));
	EXPECT_TRUE(ql_attrs_has(c, QLINK_A_PEER_CLEAR));
	ASSERT_EQ(0, ql_attrs_put_bin(c, QLINK_A_PEER_KEY, NULL, 0));
	EXPECT_NE(NULL, ql_attrs_get_bin(c, QLINK_A_PEER_KEY, &len));
	EXPECT_EQ(0, len);
	ASSERT_EQ(0, ql_attrs_put(c, QLINK_A_PEER_PORT, 9));
	EXPECT_EQ(0, ql_attrs_del(c, QLINK_A_PEER_KEY));
	EXPECT_EQ(NULL, ql_attrs_get_bin(c, QLINK_A_PEER_KEY, NULL));
	ql_attrs_free(c);
}

/* Attribute sets on their own. */
TEST(attrs)
{
	struct ql_attrs *a = ql_attrs_new(QLINK_A_LINK_CALIB), *r, *c, *o;
	const struct ql_attrs *n;
	int i, order[4], k = 0;

	ASSERT_NE(NULL, a);
	EXPECT_EQ(QLINK_A_LINK_CALIB, ql_attrs_nest(a));
	EXPECT_EQ(0, ql_attrs_count(a));
	EXPECT_EQ(0, ql_attrs_next(a, 0));
	/* Unknown to the table, or no integer attribute number. */
	EXPECT_EQ(-EINVAL, ql_attrs_put(a, 0, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put(a, QLINK_A_CALIB_MAX + 3, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put(a, 70000, 1));
	EXPECT_EQ(0, ql_attrs_count(a));
	EXPECT_FALSE(ql_attrs_has(a, QLINK_A_CALIB_DIRECT));
	EXPECT_EQ(0, ql_attrs_get(a, QLINK_A_CALIB_DIRECT));
	EXPECT_EQ(-ENOENT, ql_attrs_type(a, QLINK_A_CALIB_DIRECT));

	/* Typed by the table; kept in number order; replaced in place. */
	ASSERT_EQ(0, ql_attrs_put(a, QLINK_A_CALIB_DIRECT, 0x1ff));
	ASSERT_EQ(0, ql_attrs_put(a, QLINK_A_CALIB_EXP_QBER, -5));
	ASSERT_EQ(0, ql_attrs_put(a, QLINK_A_CALIB_HERALD_RATE, -1));
	ASSERT_EQ(0, ql_attrs_put(a, QLINK_A_CALIB_FIDELITY, 7));
	ASSERT_EQ(0, ql_attrs_put(a, QLINK_A_CALIB_FIDELITY, 9));
	EXPECT_EQ(4, ql_attrs_count(a));
	for (i = ql_attrs_next(a, 0); i > 0 && k < 4; i = ql_attrs_next(a, i))
		order[k++] = i;
	ASSERT_EQ(4, k);
	EXPECT_EQ(QLINK_A_CALIB_FIDELITY, order[0]);
	EXPECT_EQ(QLINK_A_CALIB_HERALD_RATE, order[1]);
	EXPECT_EQ(QLINK_A_CALIB_DIRECT, order[2]);
	EXPECT_EQ(QLINK_A_CALIB_EXP_QBER, order[3]);
	EXPECT_EQ(9, ql_attrs_get(a, QLINK_A_CALIB_FIDELITY));
	EXPECT_EQ(-1, ql_attrs_get(a, QLINK_A_CALIB_HERALD_RATE));	/* u64 bits */
	EXPECT_EQ(0xfffffffb, ql_attrs_get(a, QLINK_A_CALIB_EXP_QBER));	/* u32 */
	EXPECT_EQ(0xff, ql_attrs_get(a, QLINK_A_CALIB_DIRECT));	/* u8 */
	EXPECT_EQ(QL_TYPE_U8, ql_attrs_type(a, QLINK_A_CALIB_DIRECT));
	EXPECT_EQ(0, ql_attrs_del(a, QLINK_A_CALIB_EXP_QBER));
	EXPECT_EQ(-ENOENT, ql_attrs_del(a, QLINK_A_CALIB_EXP_QBER));
	EXPECT_EQ(3, ql_attrs_count(a));
	EXPECT_EQ(QLINK_A_CALIB_DIRECT,
		  ql_attrs_next(a, QLINK_A_CALIB_HERALD_RATE));
	/* Signed types are sign-extended. */
	o = one_attr(QLINK_A_LINK_CONFIG, QLINK_A_CONFIG_OFFSET, -5);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(-5, ql_attrs_get(o, QLINK_A_CONFIG_OFFSET));
	EXPECT_EQ(QL_TYPE_S64, ql_attrs_type(o, QLINK_A_CONFIG_OFFSET));
	ql_attrs_free(o);

	/* No table: typed puts, strings, nests (copied). */
	r = ql_attrs_new(QL_NEST_RAW);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(-EINVAL, ql_attrs_put(r, 1, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put_type(r, 1, QL_TYPE_STRING, 1));
	EXPECT_EQ(-EINVAL, ql_attrs_put_type(r, 0x4000, QL_TYPE_U8, 1));
	ASSERT_EQ(0, ql_attrs_put_type(r, 2, QL_TYPE_U8, 0x1ff));
	ASSERT_EQ(0, ql_attrs_put_type(r, 3, QL_TYPE_U16, 0x1ffff));
	ASSERT_EQ(0, ql_attrs_put_str(r, 4, "qlinksim"));
	ASSERT_EQ(0, ql_attrs_put_nest(r, 5, a));
	ql_attrs_free(a);
	EXPECT_EQ(0xff, ql_attrs_get(r, 2));
	EXPECT_EQ(0xffff, ql_attrs_get(r, 3));
	EXPECT_STREQ("qlinksim", ql_attrs_get_str(r, 4));
	EXPECT_EQ(NULL, ql_attrs_get_str(r, 2));
	EXPECT_EQ(0, ql_attrs_get(r, 4));
	EXPECT_EQ(NULL, ql_attrs_get_nest(r, 4));
	n = ql_attrs_get_nest(r, 5);
	ASSERT_NE(NULL, n);
	EXPECT_EQ(QLINK_A_LINK_CALIB, ql_attrs_nest(n));
	EXPECT_EQ(9, ql_attrs_get(n, QLINK_A_CALIB_FIDELITY));

	/* A copy is deep; a string replaced by an integer. */
	c = ql_attrs_dup(r);
	ASSERT_NE(NULL, c);
	ql_attrs_clear(r);
	EXPECT_EQ(0, ql_attrs_count(r));
	EXPECT_EQ(4, ql_attrs_count(c));
	EXPECT_STREQ("qlinksim", ql_attrs_get_str(c, 4));
	EXPECT_EQ(-1, ql_attrs_get(ql_attrs_get_nest(c, 5),
				   QLINK_A_CALIB_HERALD_RATE));
	ASSERT_EQ(0, ql_attrs_put_type(c, 4, QL_TYPE_S64, -3));
	EXPECT_EQ(-3, ql_attrs_get(c, 4));
	EXPECT_EQ(NULL, ql_attrs_get_str(c, 4));
	ql_attrs_free(c);
	ql_attrs_free(r);
	ql_attrs_free(NULL);
}

TEST_HARNESS_MAIN
