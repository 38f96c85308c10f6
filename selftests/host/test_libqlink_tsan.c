// SPDX-License-Identifier: GPL-2.0
/*
 * libqlink under ThreadSanitizer: four threads open, use and close their
 * own handles and attribute sets at once. The library has no global
 * mutable state, so TSan must stay silent; a report ends the test with
 * TSan's exit code. On a host without the qlink family ql_open() fails
 * with -ENOENT, after the same first-use path.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "qlink.h"

#define THREADS	4
#define ROUNDS	40

/* Any TSan report fails the test (the harness sees the exit code). */
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:exitcode=66";
}

static atomic_int failures;

static void fail(void)
{
	atomic_fetch_add(&failures, 1);
}

static void use_attrs(int round)
{
	struct ql_attrs *a = ql_attrs_new(QLINK_A_LINK_CONFIG), *c;

	if (!a || ql_attrs_put(a, QLINK_A_CONFIG_WINDOW_FULL, 900000 + round) ||
	    ql_attrs_put(a, QLINK_A_CONFIG_OFFSET, -round)) {
		fail();
		ql_attrs_free(a);
		return;
	}
	c = ql_attrs_dup(a);
	if (!c || ql_attrs_get(c, QLINK_A_CONFIG_OFFSET) != -round ||
	    ql_attr_type(QLINK_A_STATS, QLINK_A_STATS_OFFSET_EST) != QL_TYPE_S64 ||
	    strcmp(ql_attr_name(QLINK_A_LINK_CONFIG, QLINK_A_CONFIG_WINDOW_FULL),
		   "window_full"))
		fail();
	ql_attrs_free(c);
	ql_attrs_free(a);
}

static void *worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		struct ql_handle *h;
		struct ql_link *l;
		int err = ql_open(&h);

		if (err && err != -ENOENT)
			fail();
		if (!err) {
			if (ql_link_get(h, "lo", &l) != -EOPNOTSUPP)
				fail();
			ql_link_free(l);
			ql_close(h);
		}
		use_attrs(i);
	}
	return NULL;
}

TEST(four_threads)
{
	pthread_t t[THREADS];
	int i;

	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker, NULL));
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	EXPECT_EQ(0, atomic_load(&failures));
}

TEST_HARNESS_MAIN
