// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps of many links: 1,000 links (500 qlinksim pairs) come back complete,
 * each exactly once, across many messages; filters work; a dump racing
 * with link deletion never repeats a link and never fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"

#define NPAIRS	500
#define MAX_IFINDEX 65536

struct dump {
	int msgs;
	int dups;
	int bad;
	uint32_t last_id;
	unsigned char seen[MAX_IFINDEX];
};

static int count_link(struct nlattr **a, void *arg)
{
	struct dump *d = arg;
	uint32_t ifindex, id;

	if (!a[QLINK_A_IFINDEX] || !a[QLINK_A_LINK_ID]) {
		d->bad++;
		return 0;
	}
	ifindex = nla_get_u32(a[QLINK_A_IFINDEX]);
	id = nla_get_u32(a[QLINK_A_LINK_ID]);
	if (ifindex >= MAX_IFINDEX || id <= d->last_id) {
		d->bad++;	/* links come in increasing id order */
		return 0;
	}
	d->last_id = id;
	d->msgs++;
	if (d->seen[ifindex]++)
		d->dups++;
	return 0;
}

static int dump(struct qlink_nl *nl, int cmd, const char *name, struct dump *d)
{
	struct nl_msg *msg = qlink_nl_msg(nl, cmd, NLM_F_DUMP);

	memset(d, 0, sizeof(*d));
	if (!msg)
		return -ENOMEM;
	if (name && nla_put_string(msg, QLINK_A_IFNAME, name)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return qlink_nl_transact(nl, msg, count_link, d);
}

static void names(int i, char *a, char *b)
{
	snprintf(a, IFNAMSIZ, "qd%d", i);
	snprintf(b, IFNAMSIZ, "qe%d", i);
}

FIXTURE(dump) {
	struct qlink_nl rt, gn;
	struct dump d;
};

FIXTURE_SETUP(dump)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	int i;

	ASSERT_EQ(0, qlink_rt_open(&self->rt));
	ASSERT_EQ(0, qlink_nl_open(&self->gn));
	nl_socket_set_buffer_size(self->rt.sk, 1 << 20, 1 << 20);
	for (i = 0; i < NPAIRS; i++) {
		names(i, a, b);
		ASSERT_EQ(0, qlinksim_create(&self->rt, a, b, -1, NULL, 0))
			TH_LOG("pair %d: %s", i, self->rt.extack);
	}
}

FIXTURE_TEARDOWN(dump)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	int i;

	for (i = 0; i < NPAIRS; i++) {
		names(i, a, b);
		qlink_rt_del(&self->rt, a);
	}
	qlink_nl_close(&self->gn);
	qlink_nl_close(&self->rt);
}

TEST_F_TIMEOUT(dump, thousand_links_complete, 600)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	int i;

	ASSERT_EQ(2 * NPAIRS, qlink_objects_links());

	ASSERT_EQ(0, dump(&self->gn, QLINK_CMD_LINK_GET, NULL, &self->d));
	EXPECT_EQ(0, self->d.bad);
	EXPECT_EQ(0, self->d.dups);
	EXPECT_EQ(2 * NPAIRS, self->d.msgs);
	for (i = 0; i < NPAIRS; i++) {
		names(i, a, b);
		EXPECT_EQ(1, self->d.seen[if_nametoindex(a)]);
		EXPECT_EQ(1, self->d.seen[if_nametoindex(b)]);
	}

	ASSERT_EQ(0, dump(&self->gn, QLINK_CMD_STATS_GET, NULL, &self->d));
	EXPECT_EQ(0, self->d.bad);
	EXPECT_EQ(2 * NPAIRS, self->d.msgs);

	/* Filtered dumps */
	ASSERT_EQ(0, dump(&self->gn, QLINK_CMD_LINK_GET, "qe7", &self->d));
	EXPECT_EQ(1, self->d.msgs);
	EXPECT_EQ(1, self->d.seen[if_nametoindex("qe7")]);
	ASSERT_EQ(0, dump(&self->gn, QLINK_CMD_LINK_GET, "lo", &self->d));
	EXPECT_EQ(0, self->d.msgs);
}

/* Delete every pair while dumping in a loop: no dump fails or repeats. */
TEST_F_TIMEOUT(dump, dump_during_deletion, 600)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];
	int i, status, dumps = 0, running = 1;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct qlink_nl rt;

		if (qlink_rt_open(&rt))
			_exit(1);
		for (i = 0; i < NPAIRS; i++) {
			names(i, a, b);
			if (qlink_rt_del(&rt, i & 1 ? a : b))
				_exit(2);
		}
		_exit(0);
	}
	while (running) {
		running = waitpid(pid, &status, WNOHANG) == 0;
		ASSERT_EQ(0, dump(&self->gn, QLINK_CMD_LINK_GET, NULL, &self->d));
		EXPECT_EQ(0, self->d.bad);
		EXPECT_EQ(0, self->d.dups);
		dumps++;
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%d dumps during deletion", dumps);
	ASSERT_EQ(0, dump(&self->gn, QLINK_CMD_LINK_GET, NULL, &self->d));
	EXPECT_EQ(0, self->d.msgs);
	EXPECT_EQ(0, qlink_objects_links());
}

TEST_HARNESS_MAIN
