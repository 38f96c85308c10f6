// SPDX-License-Identifier: GPL-2.0
/*
 * The "qlink" generic netlink family: resolvable by name, answers
 * GET_VERSION, validates strictly, and is per network namespace.
 */
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"

struct version {
	uint32_t major, minor, genl;
	uint64_t cookie;
	int seen;
};

static int parse_version(struct nlattr **a, void *arg)
{
	struct version *v = arg;

	if (!a[QLINK_A_VERSION_MAJOR] || !a[QLINK_A_VERSION_MINOR] ||
	    !a[QLINK_A_GENL_VERSION] || !a[QLINK_A_NETNS_COOKIE])
		return -1;
	v->major = nla_get_u32(a[QLINK_A_VERSION_MAJOR]);
	v->minor = nla_get_u32(a[QLINK_A_VERSION_MINOR]);
	v->genl = nla_get_u32(a[QLINK_A_GENL_VERSION]);
	v->cookie = nla_get_u64(a[QLINK_A_NETNS_COOKIE]);
	v->seen++;
	return 0;
}

static int query_version(struct version *v)
{
	struct qlink_nl nl;
	int err;

	memset(v, 0, sizeof(*v));
	err = qlink_nl_open(&nl);
	if (err)
		return err;
	err = qlink_nl_transact(&nl, qlink_nl_msg(&nl, QLINK_CMD_GET_VERSION, 0),
				parse_version, v);
	qlink_nl_close(&nl);
	return err;
}

TEST(get_version)
{
	struct version v;

	ASSERT_EQ(0, query_version(&v));
	ASSERT_EQ(1, v.seen);
	EXPECT_EQ(QLINK_VERSION_MAJOR, v.major);
	EXPECT_EQ(QLINK_VERSION_MINOR, v.minor);
	EXPECT_EQ(QLINK_GENL_VERSION, v.genl);
	EXPECT_NE(0, v.cookie);
}

/* Strict validation: an attribute the command does not take is refused. */
TEST(unexpected_attribute_rejected)
{
	struct qlink_nl nl;
	struct nl_msg *msg;

	ASSERT_EQ(0, qlink_nl_open(&nl));
	msg = qlink_nl_msg(&nl, QLINK_CMD_GET_VERSION, 0);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, QLINK_A_VERSION_MAJOR, 7));
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
 * from their own netns: three distinct cookies.
 */
TEST(per_netns)
{
	uint64_t cookies[3];
	struct version v;
	int i, pipefd[2];

	ASSERT_EQ(0, query_version(&v));
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
	EXPECT_NE(cookies[0], cookies[1]);
	EXPECT_NE(cookies[0], cookies[2]);
	EXPECT_NE(cookies[1], cookies[2]);
}

TEST_HARNESS_MAIN
