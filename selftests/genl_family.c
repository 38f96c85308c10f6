// SPDX-License-Identifier: GPL-2.0
/*
 * The "qlink" generic netlink family: resolvable by name with its version
 * (CTRL_CMD_GETFAMILY; it has no version command of its own), validates
 * strictly, and is per network namespace (whose identity is the
 * SO_NETNS_COOKIE of any socket in it).
 */
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

struct version {
	uint64_t cookie;	/* of the netns the family answered in */
	int links;		/* links a LINK_GET dump returned there */
};

static int count_link(struct nlattr **a, void *arg)
{
	struct version *v = arg;

	if (a[QLINK_A_IFINDEX])
		v->links++;
	return 0;
}

/* Which netns answers, and how many links it has. */
static int query_version(struct version *v)
{
	socklen_t len = sizeof(v->cookie);
	struct qlink_nl nl;
	int err;

	memset(v, 0, sizeof(*v));
	err = qlink_nl_open(&nl);
	if (err)
		return err;
	if (getsockopt(nl_socket_get_fd(nl.sk), SOL_SOCKET, SO_NETNS_COOKIE,
		       &v->cookie, &len))
		err = -errno;
	if (!err)
		err = qlink_nl_transact(&nl, qlink_nl_msg(&nl, QLINK_CMD_LINK_GET,
							  NLM_F_DUMP),
					count_link, v);
	qlink_nl_close(&nl);
	return err;
}

/* The family's version is the controller's to report. */
TEST(family_version)
{
	struct nl_cache *cache = NULL;
	struct genl_family *fam;
	struct qlink_nl nl;

	ASSERT_EQ(0, qlink_nl_open(&nl));
	ASSERT_EQ(0, genl_ctrl_alloc_cache(nl.sk, &cache));
	fam = genl_ctrl_search_by_name(cache, QLINK_GENL_NAME);
	ASSERT_NE(NULL, fam);
	EXPECT_EQ(QLINK_GENL_VERSION, genl_family_get_version(fam));
	EXPECT_EQ(nl.family, genl_family_get_id(fam));
	/* the family's last command is the last of enum qlink_cmd */
	EXPECT_EQ(QLINK_CMD_MAX, QLINK_CMD_PURPOSE_SET);
	genl_family_put(fam);
	nl_cache_free(cache);
	qlink_nl_close(&nl);
}

/* Strict validation: an attribute the command does not take is refused. */
TEST(unexpected_attribute_rejected)
{
	struct qlink_nl nl;
	struct nl_msg *msg;

	ASSERT_EQ(0, qlink_nl_open(&nl));
	msg = qlink_nl_msg(&nl, QLINK_CMD_LINK_GET, NLM_F_DUMP);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, QLINK_A_LINK_ID, 7));
	EXPECT_EQ(-EINVAL, qlink_nl_transact(&nl, msg, NULL, NULL));
	EXPECT_NE('\0', nl.extack[0]);
	TH_LOG("kernel said: %s", nl.extack);
	qlink_nl_close(&nl);
}

TEST(unknown_command_rejected)
{
	struct qlink_nl nl;

	ASSERT_EQ(0, qlink_nl_open(&nl));
	EXPECT_EQ(-EOPNOTSUPP,
		  qlink_nl_transact(&nl, qlink_nl_msg(&nl, QLINK_CMD_MAX + 1, 0),
				    NULL, NULL));
	qlink_nl_close(&nl);
}

/*
 * Two fresh network namespaces each resolve the family and are answered
 * from their own netns (three distinct cookies): a fresh netns has no
 * link, even when the first one has some.
 */
TEST(per_netns)
{
	uint64_t cookies[3];
	struct qlink_nl rt;
	struct version v;
	int i, pipefd[2];

	ASSERT_EQ(0, qlink_rt_open(&rt));
	ASSERT_EQ(0, qlinksim_create(&rt, "qgf_a", "qgf_b", -1, NULL, 0));
	ASSERT_EQ(0, query_version(&v));
	EXPECT_GE(v.links, 2);
	cookies[0] = v.cookie;
	for (i = 1; i < 3; i++) {
		pid_t pid;
		int status;

		ASSERT_EQ(0, pipe(pipefd));
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			close(pipefd[0]);
			if (unshare(CLONE_NEWNET) || query_version(&v))
				_exit(1);
			if (v.links)
				_exit(3);
			if (write(pipefd[1], &v.cookie, sizeof(v.cookie)) !=
			    sizeof(v.cookie))
				_exit(2);
			_exit(0);
		}
		close(pipefd[1]);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_EQ(0, WEXITSTATUS(status));
		ASSERT_EQ((ssize_t)sizeof(cookies[i]),
			  read(pipefd[0], &cookies[i], sizeof(cookies[i])));
		close(pipefd[0]);
	}
	EXPECT_EQ(0, qlink_rt_del(&rt, "qgf_a"));
	qlink_nl_close(&rt);
	EXPECT_NE(0, cookies[0]);
	EXPECT_NE(cookies[0], cookies[1]);
	EXPECT_NE(cookies[0], cookies[2]);
	EXPECT_NE(cookies[1], cookies[2]);
}

TEST_HARNESS_MAIN
