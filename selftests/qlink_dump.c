// SPDX-License-Identifier: GPL-2.0
/*
 * qlink_dump: dump the links and statistics of the current netns.
 *
 *   qlink_dump               one dump of each; prints TAP (a test of its own)
 *   qlink_dump --loop SECS   dump again and again for SECS seconds, riding
 *                            out the family going away (module unload) and
 *                            coming back; prints how many dumps completed
 *
 * module_unload.sh runs the loop form in the background while it unloads
 * the modules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qlink_nl.h"

static int count(struct nlattr **attrs, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int dump(int cmd, int *links)
{
	struct qlink_nl nl;
	struct nl_msg *msg;
	int err;

	*links = 0;
	err = qlink_nl_open(&nl);
	if (err)
		return err;
	msg = qlink_nl_msg(&nl, cmd, NLM_F_DUMP);
	err = msg ? qlink_nl_transact(&nl, msg, count, links) : -ENOMEM;
	qlink_nl_close(&nl);
	return err;
}

int main(int argc, char **argv)
{
	int links, stats, err1, err2, done = 0, failed = 0;
	time_t end;

	if (argc == 3 && !strcmp(argv[1], "--loop")) {
		end = time(NULL) + atoi(argv[2]);
		while (time(NULL) < end) {
			if (dump(QLINK_CMD_LINK_GET, &links) ||
			    dump(QLINK_CMD_STATS_GET, &stats))
				failed++;
			else
				done++;
		}
		printf("qlink_dump: %d dumps completed, %d failed\n", done,
		       failed);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--loop SECONDS]\n", argv[0]);
		return 2;
	}
	err1 = dump(QLINK_CMD_LINK_GET, &links);
	err2 = dump(QLINK_CMD_STATS_GET, &stats);
	printf("TAP version 13\n1..1\n# %d links, %d with statistics\n",
	       links, stats);
	printf("%sok 1 qlink_dump\n", err1 || err2 || links != stats ? "not " : "");
	return err1 || err2 || links != stats;
}
