// SPDX-License-Identifier: GPL-2.0
/*
 * qlink: manage quantum network links (like devlink, rdma and vdpa in
 * iproute2). The commands are the ones of `ip qlink` (qlink_cmd.c); this
 * file only parses the global options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"
#include "json_print.h"
#include "namespace.h"
#include "version.h"

#include "qlink.h"
#include "qlink_cmd.h"

#ifndef QLINK_TOOL_VERSION
#define QLINK_TOOL_VERSION "0.1.0"
#endif

/* iproute2's global option flags; ip defines them in ip.c. */
int preferred_family = AF_UNSPEC;
int human_readable;
int use_iec;
int show_stats;
int show_details;
int oneline;
int brief;
int json;
int timestamp;
int echo_request;
int force;
int max_flush_loops = 10;
int batch_mode;
bool do_all;

static void usage(FILE *f)
{
	qlink_cmd_usage("qlink", f);
}

int main(int argc, char **argv)
{
	while (argc > 1 && argv[1][0] == '-') {
		char *opt = argv[1];

		if (opt[1] == '-')
			opt++;
		if (matches(opt, "-Version") == 0) {
			printf("qlink utility, %s (iproute2 %s, libqlink %d.%d)\n",
			       QLINK_TOOL_VERSION, version, QL_VERSION_MAJOR,
			       QL_VERSION_MINOR);
			return 0;
		} else if (matches(opt, "-help") == 0) {
			usage(stdout);
			return 0;
		} else if (matches(opt, "-statistics") == 0 ||
			   matches(opt, "-stats") == 0) {
			show_stats++;
		} else if (matches(opt, "-details") == 0) {
			show_details++;
		} else if (matches(opt, "-json") == 0) {
			json = 1;
		} else if (matches(opt, "-pretty") == 0) {
			pretty = 1;
		} else if (matches(opt, "-netns") == 0) {
			argc--;
			argv++;
			if (argc <= 1) {
				fprintf(stderr, "Error: -netns needs a namespace name.\n");
				return -1 & 0xff;
			}
			if (netns_switch(argv[1]))
				return 1;
		} else {
			fprintf(stderr,
				"Option \"%s\" is unknown, try \"qlink -help\".\n",
				argv[1]);
			exit(-1);
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage(stderr);
		exit(-1);
	}
	return qlink_cmd("qlink", argc - 1, argv + 1);
}
