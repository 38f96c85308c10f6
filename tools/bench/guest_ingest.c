// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest ingest throughput of the heralding path: a qlinksim link pair
 * in the time-tag model at increasing source rates up to the driver's
 * maximum; for each, the time tags and heralds the core ingested per
 * second of wall time (from STATS_GET over a fixed interval), the share
 * of real time the simulation kept up with (covered / wall) and the mean
 * and largest herald latency (M6). Needs the qlink modules loaded.
 *
 *   guest_ingest [-t seconds per rate] [-m max_pairs]
 *
 * Output: one "bench:" line per rate, machine-readable key=value pairs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qlink_nl.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_caps(struct nlattr **a, void *arg)
{
	struct nlattr *c[QLINK_A_CAPS_MAX + 1];

	if (a[QLINK_A_LINK_CAPS] &&
	    !nla_parse_nested(c, QLINK_A_CAPS_MAX, a[QLINK_A_LINK_CAPS], NULL) &&
	    c[QLINK_A_CAPS_MAX_RATE])
		*(uint64_t *)arg = nla_get_u64(c[QLINK_A_CAPS_MAX_RATE]);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t rates[] = { 100000000ULL, 1000000000ULL, 10000000000ULL,
			     100000000000ULL, 0 };
	struct qlink_stats_v s0, s1;
	struct qlink_nl nl, rt;
	double secs = 3, t0, t1;
	int max_pairs = 4096, opt, i, err;
	uint64_t max_rate = 0;

	while ((opt = getopt(argc, argv, "t:m:")) != -1) {
		if (opt == 't')
			secs = atof(optarg);
		else if (opt == 'm')
			max_pairs = atoi(optarg);
		else
			return 2;
	}
	if (qlink_nl_open(&nl) || qlink_rt_open(&rt)) {
		fprintf(stderr, "guest_ingest: no qlink family (modules loaded?)\n");
		return 1;
	}
	for (i = 0; i < (int)(sizeof(rates) / sizeof(rates[0])); i++) {
		struct qlink_pv pv[] = {
			{ PV_CFG(MAX_PAIRS), max_pairs },
			{ PV_SIM(SEED), 1 },
			{ PV_SIM(SOURCE_RATE), 0 },
		};
		double wall, tags, heralds;

		err = qlinksim_create(&rt, "qbench_a", "qbench_b", -1, pv, 2);
		if (err) {
			fprintf(stderr, "create: %s (%s)\n", strerror(-err),
				rt.extack);
			return 1;
		}
		if (!max_rate)
			qlink_nl_get(&nl, QLINK_CMD_LINK_GET, "qbench_a",
				     parse_caps, &max_rate);
		pv[2].val = rates[i] ? rates[i] : (int64_t)max_rate;
		if (rates[i] > max_rate || qlink_nl_set(&nl, "qbench_a", pv + 2, 1) ||
		    qlink_rt_set_up(&rt, "qbench_a", 1) ||
		    qlink_rt_set_up(&rt, "qbench_b", 1)) {
			qlink_rt_del(&rt, "qbench_a");
			continue;
		}
		usleep(300000);		/* past the start */
		qlink_nl_stats(&nl, "qbench_a", &s0);
		t0 = now_s();
		usleep((useconds_t)(secs * 1e6));
		qlink_nl_stats(&nl, "qbench_a", &s1);
		t1 = now_s();
		wall = t1 - t0;
		tags = (s1.v[QLINK_A_STATS_TAGS_A] + s1.v[QLINK_A_STATS_TAGS_B] -
			s0.v[QLINK_A_STATS_TAGS_A] - s0.v[QLINK_A_STATS_TAGS_B]);
		heralds = s1.v[QLINK_A_STATS_HERALDS] - s0.v[QLINK_A_STATS_HERALDS];
		printf("bench: guest_ingest source_rate_hz=%.0f wall_s=%.2f tags_per_s=%.0f heralds_per_s=%.0f sim_realtime=%.3f latency_mean_us=%.1f latency_max_us=%.1f dropped_full=%ld\n",
		       pv[2].val / 1000.0, wall, tags / wall, heralds / wall,
		       (s1.v[QLINK_A_STATS_COVERED_TIME] -
			s0.v[QLINK_A_STATS_COVERED_TIME]) / 1e12 / wall,
		       s1.v[QLINK_A_STATS_LATENCY_MEAN] / 1e3,
		       s1.v[QLINK_A_STATS_LATENCY_MAX] / 1e3,
		       (long)s1.v[QLINK_A_STATS_DROPPED_FULL]);
		fflush(stdout);
		qlink_rt_del(&rt, "qbench_a");
	}
	qlink_nl_close(&nl);
	qlink_nl_close(&rt);
	return 0;
}
