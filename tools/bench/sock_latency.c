// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest latency and throughput of AF_QLINK sockets (issue 7 item 7),
 * against a UDP datagram over loopback measured in the same run.
 *
 *  1. UDP baseline: a 64-byte datagram carrying its CLOCK_MONOTONIC send
 *     time, sent over 127.0.0.1 by one thread at the pair rate of step 2
 *     and read by a second thread blocked in recv(); latency = receive
 *     time - send time.
 *  2. Pair latency: a qlinksim link (herald events, every attempt a
 *     success, so exactly RATE pairs/s) with the creating socket on end A
 *     and the receiving socket (QLINK_SO_RECEIVE) on end B, one MEASURE
 *     request for a stream of pairs, one thread per socket blocked in
 *     recvmsg(). For each record:
 *       herald -> readable = CLOCK_MONOTONIC at recvmsg() return
 *                            - (QLINK_A_LINK_CLOCK_BASE + herald_time/1000)
 *       queued -> readable = CLOCK_REALTIME at recvmsg() return
 *                            - SO_TIMESTAMPNS of the record
 *     Heralds reach the core once per qlinksim tick (tick_us), so
 *     herald -> readable includes up to one tick of driver batching.
 *  3. Throughput: a link at the driver's maximum source rate (caps), a
 *     stream of MEASURE requests of QLINK_CREATE_NUMBER_MAX pairs, both
 *     sockets drained with recvmmsg() as fast as they go; pairs/s read
 *     from the receiving socket.
 *
 *   sock_latency [-n samples] [-r pair rate Hz] [-w warm-up records]
 *                [-t throughput seconds] [-b SO_RCVBUF bytes]
 *                [-T seqpacket|dgram] [-S throughput source rate Hz,
 *                default: the caps' maximum]
 *
 * Output: "bench:" lines of key=value pairs, then the ratios against the
 * goal p99 <= 2x UDP. Exits non-zero when a step fails (no records, an
 * ERR record, a timeout).
 */
#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"
#include "qlink_nl.h"

#define PURPOSE		1
#define RECV_TIMEOUT_MS	10000
#define UDP_BYTES	64
#define BATCH		256

/* ---- 1. UDP over loopback ---- */

struct udp_ctx {
	int rx;
	size_t n;
	int64_t *lat;
	size_t got;
	int err;
};

static void *udp_reader(void *arg)
{
	struct udp_ctx *u = arg;
	char buf[UDP_BYTES];

	while (u->got < u->n) {
		ssize_t len = recv(u->rx, buf, sizeof(buf), 0);
		int64_t now = clock_ns(CLOCK_MONOTONIC), sent;

		if (len != UDP_BYTES) {
			u->err = len < 0 ? errno : EMSGSIZE;
			break;
		}
		memcpy(&sent, buf, sizeof(sent));
		u->lat[u->got++] = now - sent;
	}
	return NULL;
}

static int bench_udp(size_t n, double rate, struct dist *d)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { RECV_TIMEOUT_MS / 1000, 0 };
	struct udp_ctx u = { .n = n };
	int64_t period = (int64_t)(1e9 / rate), next;
	socklen_t sl = sizeof(sa);
	char buf[UDP_BYTES] = { 0 };
	pthread_t th;
	int tx, err = 0;
	size_t i;

	u.lat = calloc(n, sizeof(*u.lat));
	u.rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (!u.lat || u.rx < 0 || tx < 0 ||
	    bind(u.rx, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(u.rx, (struct sockaddr *)&sa, &sl) ||
	    connect(tx, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(u.rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("sock_latency: udp setup");
		return -1;
	}
	pthread_create(&th, NULL, udp_reader, &u);
	next = clock_ns(CLOCK_MONOTONIC);
	for (i = 0; i < n; i++) {
		struct timespec ts;
		int64_t now;

		next += period;
		ts.tv_sec = next / 1000000000LL;
		ts.tv_nsec = next % 1000000000LL;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		now = clock_ns(CLOCK_MONOTONIC);
		memcpy(buf, &now, sizeof(now));
		if (send(tx, buf, sizeof(buf), 0) != sizeof(buf)) {
			perror("sock_latency: udp send");
			err = -1;
			break;
		}
	}
	pthread_join(th, NULL);
	if (u.err || u.got < n) {
		fprintf(stderr, "sock_latency: udp: %zu of %zu datagrams (%s)\n",
			u.got, n, strerror(u.err));
		err = -1;
	}
	*d = summarize(u.lat, u.got);
	close(tx);
	close(u.rx);
	free(u.lat);
	return err;
}

/* ---- AF_QLINK plumbing ---- */

/* SOCK_SEQPACKET (-T seqpacket, the default) or SOCK_DGRAM (-T dgram). */
static int sock_type = SOCK_SEQPACKET;

static int sock_open(const char *ifname, int receive, int rcvbuf)
{
	struct sockaddr_qlink sq = { .sq_family = qlink_af(),
				     .sq_purpose = PURPOSE };
	struct timeval tv = { RECV_TIMEOUT_MS / 1000, 0 };
	int fd, one = 1;

	sq.sq_ifindex = if_nametoindex(ifname);
	fd = socket(sq.sq_family, sock_type, 0);
	if (fd < 0 || !sq.sq_ifindex) {
		fprintf(stderr, "sock_latency: AF_QLINK socket on %s: %s\n",
			ifname, strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sq, sizeof(sq)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    (receive && setsockopt(fd, SOL_QLINK, QLINK_SO_RECEIVE, &one,
				   sizeof(one))) ||
	    (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				  sizeof(rcvbuf)))) {
		fprintf(stderr, "sock_latency: AF_QLINK socket on %s: %s\n",
			ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int sock_request(int fd, uint32_t id, uint32_t number)
{
	struct qlink_create c = {
		.create_id = id,
		.number = number,
		.purpose = PURPOSE,
		.type = QLINK_REQ_MEASURE,
		.basis = QLINK_BASIS_Z,
		.priority = QLINK_PRIO_NORMAL,
	};

	if (send(fd, &c, sizeof(c), 0) != sizeof(c)) {
		fprintf(stderr, "sock_latency: CREATE: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void print_err(const char *who, const struct qlink_record *r)
{
	fprintf(stderr, "sock_latency: %s: ERR record (error %u, errno %d: %s) after %u pairs\n",
		who, r->error, r->sys_errno, strerror(r->sys_errno), r->index);
}

static int parse_link(struct nlattr **a, void *arg)
{
	uint64_t *v = arg;	/* [0] clock base + 1 (0: absent), [1] max rate */
	struct nlattr *c[QLINK_A_CAPS_MAX + 1];

	if (a[QLINK_A_LINK_CLOCK_BASE])
		v[0] = nla_get_u64(a[QLINK_A_LINK_CLOCK_BASE]) + 1;
	if (a[QLINK_A_LINK_CAPS] &&
	    !nla_parse_nested(c, QLINK_A_CAPS_MAX, a[QLINK_A_LINK_CAPS], NULL) &&
	    c[QLINK_A_CAPS_MAX_RATE])
		v[1] = nla_get_u64(c[QLINK_A_CAPS_MAX_RATE]);
	return 0;
}

/* LINK_GET of @name: clock base (ns, -1 if not started) and caps max rate. */
static int link_info(struct qlink_nl *nl, const char *name, int64_t *base,
		     uint64_t *max_rate)
{
	uint64_t v[2] = { 0, 0 };
	int err = qlink_nl_get(nl, QLINK_CMD_LINK_GET, name, parse_link, v);

	if (err)
		return err;
	if (base)
		*base = v[0] ? (int64_t)(v[0] - 1) : -1;
	if (max_rate)
		*max_rate = v[1];
	return 0;
}

/* A herald-event link whose every attempt succeeds: RATE_MHZ mHz of pairs. */
static int make_link(struct qlink_nl *rt, const char *a, const char *b,
		     uint64_t rate_mhz, int max_pairs)
{
	struct qlink_pv pv[] = {
		{ PV_SIM(HERALD_MODEL), QLINK_HERALD_EVENTS },
		{ PV_SIM(SOURCE_RATE), (int64_t)rate_mhz },
		{ PV_SIM(DET_EFF_A), 1000000 },
		{ PV_SIM(DET_EFF_B), 1000000 },
		{ PV_SIM(FIBER_LEN_A), 0 },
		{ PV_SIM(FIBER_LEN_B), 0 },
		{ PV_SIM(DARK_RATE), 0 },
		{ PV_SIM(SEED), 1 },
		{ PV_CFG(MAX_PAIRS), max_pairs },
	};
	int err;

	qlink_rt_del(rt, a);	/* a leftover of an interrupted run */
	err = qlinksim_create(rt, a, b, -1, pv, sizeof(pv) / sizeof(pv[0]));
	if (err) {
		fprintf(stderr, "sock_latency: create %s: %s (%s)\n", a,
			strerror(-err), rt->extack);
		return err;
	}
	return 0;
}

static int link_up(struct qlink_nl *rt, const char *a, const char *b)
{
	int err = qlink_rt_set_up(rt, a, 1);

	if (!err)
		err = qlink_rt_set_up(rt, b, 1);
	if (err)
		fprintf(stderr, "sock_latency: link up: %s\n", strerror(-err));
	return err;
}

/* ---- 2. herald -> readable ---- */

struct lat_ctx {
	const char *who;
	int fd;
	size_t n, warm;
	int64_t base_ns;	/* clock base of the link */
	int64_t req_ns;		/* CLOCK_MONOTONIC when the request went out */
	int64_t rt_off_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	int64_t *herald, *queued, *hq;
	size_t got, read, stale, no_ts;
	int err;
};

static void *lat_reader(void *arg)
{
	struct lat_ctx *c = arg;
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct qlink_record r;

	while (c->got < c->n) {
		struct iovec iov = { &r, sizeof(r) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.buf,
				    .msg_controllen = sizeof(ctl.buf) };
		int64_t mono, real, h_ns, q_ns = -1;
		struct cmsghdr *cm;
		ssize_t len;

		len = recvmsg(c->fd, &m, 0);
		mono = clock_ns(CLOCK_MONOTONIC);
		real = clock_ns(CLOCK_REALTIME);
		if (len != sizeof(r)) {
			c->err = len < 0 ? errno : EMSGSIZE;
			fprintf(stderr, "sock_latency: %s: recvmsg after %zu records: %s\n",
				c->who, c->read, len < 0 ? strerror(errno) :
				"short record");
			return NULL;
		}
		c->read++;
		if (r.kind != QLINK_REC_OK) {
			print_err(c->who, &r);
			c->err = EPROTO;
			return NULL;
		}
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			struct timespec ts;

			if (cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SCM_TIMESTAMPNS)
				continue;
			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			q_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
		h_ns = c->base_ns + (int64_t)(r.herald_time / 1000);
		/*
		 * Pairs heralded before the request waited in the link's
		 * buffer: not part of the path measured; nor is the warm-up.
		 */
		if (h_ns < c->req_ns) {
			c->stale++;
			continue;
		}
		if (c->read - c->stale <= c->warm)
			continue;
		if (q_ns < 0) {
			c->no_ts++;
			continue;
		}
		c->herald[c->got] = mono - h_ns;
		c->queued[c->got] = real - q_ns;
		c->hq[c->got] = q_ns - c->rt_off_ns - h_ns;
		c->got++;
	}
	return NULL;
}

static int bench_pairs(struct qlink_nl *rt, struct qlink_nl *nl, size_t n,
		       double rate, size_t warm, struct dist d[2][3])
{
	struct lat_ctx c[2] = {
		{ .who = "receiver (end B)", .n = n, .warm = warm },
		{ .who = "creator (end A)", .n = n, .warm = warm },
	};
	pthread_t th[2];
	int64_t base = -1;
	int i, k, err = -1;

	if (make_link(rt, "qsl_a", "qsl_b", (uint64_t)(rate * 1000), 4096))
		return -1;
	c[1].fd = sock_open("qsl_a", 0, 0);
	c[0].fd = sock_open("qsl_b", 1, 0);
	if (c[0].fd < 0 || c[1].fd < 0 || link_up(rt, "qsl_a", "qsl_b"))
		goto out;
	for (k = 0; k < 100 && base < 0; k++) {
		if (link_info(nl, "qsl_b", &base, NULL))
			break;
		if (base < 0)
			usleep(10000);
	}
	if (base < 0) {
		fprintf(stderr, "sock_latency: qsl_b reports no QLINK_A_LINK_CLOCK_BASE after link up\n");
		goto out;
	}
	for (i = 0; i < 2; i++) {
		c[i].base_ns = base;
		c[i].herald = calloc(n, sizeof(int64_t));
		c[i].queued = calloc(n, sizeof(int64_t));
		c[i].hq = calloc(n, sizeof(int64_t));
		if (!c[i].herald || !c[i].queued || !c[i].hq)
			goto out;
	}
	c[0].rt_off_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	c[1].rt_off_ns = c[0].rt_off_ns;
	c[0].req_ns = c[1].req_ns = clock_ns(CLOCK_MONOTONIC);
	if (sock_request(c[1].fd, 1, QLINK_CREATE_NUMBER_MAX))
		goto out;
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, lat_reader, &c[i]);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	err = 0;
	for (i = 0; i < 2; i++) {
		if (c[i].err || c[i].got < n) {
			fprintf(stderr, "sock_latency: %s: %zu of %zu samples (%zu records read, %zu stale, %zu without timestamp)\n",
				c[i].who, c[i].got, n, c[i].read, c[i].stale,
				c[i].no_ts);
			err = -1;
		}
	}
	printf("# pairs: %zu records read at end B (%zu heralded before the request, %zu warm-up skipped)\n",
	       c[0].read, c[0].stale, warm);
	for (i = 0; i < 2; i++) {
		d[i][0] = summarize(c[i].herald, c[i].got);
		d[i][1] = summarize(c[i].queued, c[i].got);
		d[i][2] = summarize(c[i].hq, c[i].got);
	}
out:
	for (i = 0; i < 2; i++) {
		if (c[i].fd > 0)
			close(c[i].fd);
		free(c[i].herald);
		free(c[i].queued);
		free(c[i].hq);
	}
	qlink_rt_del(rt, "qsl_a");
	return err;
}

/* ---- 3. throughput at the driver's maximum rate ---- */

struct tp_ctx {
	const char *who;
	int fd;
	int creator;		/* send a new request when one ends */
	atomic_int *stop;
	atomic_llong count;
	uint32_t next_id;
	int err;
};

static void *tp_reader(void *arg)
{
	static struct qlink_record rec[2][BATCH];
	struct tp_ctx *c = arg;
	struct qlink_record *r = rec[c->creator];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	int i, got;

	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = &r[i];
		iov[i].iov_len = sizeof(r[i]);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load(c->stop)) {
		got = recvmmsg(c->fd, mm, BATCH, MSG_WAITFORONE, NULL);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			c->err = errno;
			fprintf(stderr, "sock_latency: throughput %s: recvmmsg: %s\n",
				c->who, strerror(errno));
			break;
		}
		for (i = 0; i < got; i++) {
			if (r[i].kind != QLINK_REC_OK) {
				print_err(c->who, &r[i]);
				c->err = EPROTO;
				return NULL;
			}
			if (c->creator && (r[i].flags & QLINK_REC_LAST) &&
			    sock_request(c->fd, c->next_id++,
					 QLINK_CREATE_NUMBER_MAX)) {
				c->err = EIO;
				return NULL;
			}
		}
		atomic_fetch_add(&c->count, got);
	}
	return NULL;
}

static int bench_throughput(struct qlink_nl *rt, struct qlink_nl *nl,
			    double secs, int rcvbuf, double tp_rate)
{
	struct qlink_stats_v s0, s1;
	struct tp_ctx c[2] = {
		{ .who = "receiver (end B)" },
		{ .who = "creator (end A)", .creator = 1, .next_id = 3 },
	};
	long long n0, n1, a0, a1;
	uint64_t max_rate = 0;
	atomic_int stop = 0;
	pthread_t th[2];
	double t0, t1;
	int i, err = -1;

	/* Created at 1 pair/s, then set to the caps' maximum. */
	if (make_link(rt, "qst_a", "qst_b", 1000, 65536))
		return -1;
	if (link_info(nl, "qst_a", NULL, &max_rate) || !max_rate) {
		fprintf(stderr, "sock_latency: qst_a: no QLINK_A_CAPS_MAX_RATE\n");
		goto out;
	} else {
		if (tp_rate > 0 && tp_rate * 1000 < max_rate)
			max_rate = (uint64_t)(tp_rate * 1000);
		struct qlink_pv pv = { PV_SIM(SOURCE_RATE),
				       (int64_t)max_rate };

		if (qlink_nl_set(nl, "qst_a", &pv, 1)) {
			fprintf(stderr, "sock_latency: source rate %llu mHz: %s\n",
				(unsigned long long)max_rate, nl->extack);
			goto out;
		}
	}
	/* The same link without sockets: what it generates and ingests. */
	if (link_up(rt, "qst_a", "qst_b"))
		goto out;
	usleep(500000);
	qlink_nl_stats(nl, "qst_a", &s0);
	t0 = clock_ns(CLOCK_MONOTONIC) / 1e9;
	usleep((useconds_t)(secs / 2 * 1e6));
	t1 = clock_ns(CLOCK_MONOTONIC) / 1e9;
	qlink_nl_stats(nl, "qst_a", &s1);
	printf("bench: sock_throughput sockets=none source_rate_hz=%.0f wall_s=%.2f heralds_per_s=%.0f sim_realtime=%.3f\n",
	       max_rate / 1000.0, t1 - t0,
	       (s1.v[QLINK_A_STATS_HERALDS] - s0.v[QLINK_A_STATS_HERALDS]) /
	       (t1 - t0),
	       (s1.v[QLINK_A_STATS_COVERED_TIME] -
		s0.v[QLINK_A_STATS_COVERED_TIME]) / 1e12 / (t1 - t0));
	if (qlink_rt_set_up(rt, "qst_a", 0) || qlink_rt_set_up(rt, "qst_b", 0))
		goto out;

	c[1].fd = sock_open("qst_a", 0, rcvbuf);
	c[0].fd = sock_open("qst_b", 1, rcvbuf);
	if (c[0].fd < 0 || c[1].fd < 0 || link_up(rt, "qst_a", "qst_b"))
		goto out;
	/* Two requests, so one is queued while the other finishes. */
	if (sock_request(c[1].fd, 1, QLINK_CREATE_NUMBER_MAX) ||
	    sock_request(c[1].fd, 2, QLINK_CREATE_NUMBER_MAX))
		goto out;
	for (i = 0; i < 2; i++) {
		c[i].stop = &stop;
		{
			struct timeval tv = { 0, 200000 };

			setsockopt(c[i].fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				   sizeof(tv));
		}
		pthread_create(&th[i], NULL, tp_reader, &c[i]);
	}
	usleep(500000);		/* past the start */
	qlink_nl_stats(nl, "qst_a", &s0);
	n0 = atomic_load(&c[0].count);
	a0 = atomic_load(&c[1].count);
	t0 = clock_ns(CLOCK_MONOTONIC) / 1e9;
	usleep((useconds_t)(secs * 1e6));
	n1 = atomic_load(&c[0].count);
	a1 = atomic_load(&c[1].count);
	t1 = clock_ns(CLOCK_MONOTONIC) / 1e9;
	qlink_nl_stats(nl, "qst_a", &s1);
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	if (c[0].err && c[0].err != EAGAIN)
		goto out;
	if (c[1].err && c[1].err != EAGAIN)
		goto out;
	printf("bench: sock_throughput sockets=1+1 source_rate_hz=%.0f wall_s=%.2f pairs_per_s=%.0f creator_records_per_s=%.0f heralds_per_s=%.0f sim_realtime=%.3f dropped_full=%lld\n",
	       max_rate / 1000.0, t1 - t0, (n1 - n0) / (t1 - t0),
	       (a1 - a0) / (t1 - t0),
	       (s1.v[QLINK_A_STATS_HERALDS] - s0.v[QLINK_A_STATS_HERALDS]) /
	       (t1 - t0),
	       (s1.v[QLINK_A_STATS_COVERED_TIME] -
		s0.v[QLINK_A_STATS_COVERED_TIME]) / 1e12 / (t1 - t0),
	       (long long)(s1.v[QLINK_A_STATS_DROPPED_FULL] -
			   s0.v[QLINK_A_STATS_DROPPED_FULL]));
	err = n1 > n0 ? 0 : -1;
	if (err)
		fprintf(stderr, "sock_latency: throughput: no pairs delivered\n");
out:
	for (i = 0; i < 2; i++)
		if (c[i].fd > 0)
			close(c[i].fd);
	qlink_rt_del(rt, "qst_a");
	return err;
}

static int tick_us(void)
{
	FILE *f = fopen("/sys/module/qlinksim/parameters/tick_us", "r");
	int t = -1;

	if (f) {
		if (fscanf(f, "%d", &t) != 1)
			t = -1;
		fclose(f);
	}
	return t;
}

int main(int argc, char **argv)
{
	static const char *const end[2] = { "receiver", "creator" };
	struct dist udp, d[2][3];
	size_t n = 20000, warm = 500;
	double rate = 5000, secs = 5, tp_rate = 0;
	int rcvbuf = 8 << 20, opt, fail = 0;
	struct qlink_nl nl, rt;

	while ((opt = getopt(argc, argv, "n:r:w:t:b:T:S:")) != -1) {
		switch (opt) {
		case 'S':
			tp_rate = atof(optarg);
			break;
		case 'T':
			sock_type = strcmp(optarg, "dgram") ? SOCK_SEQPACKET :
							      SOCK_DGRAM;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'w':
			warm = strtoul(optarg, NULL, 0);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'b':
			rcvbuf = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: sock_latency [-n samples] [-r pair rate Hz] [-w warm-up records] [-t throughput seconds] [-b rcvbuf] [-T seqpacket|dgram] [-S throughput source rate Hz]\n");
			return 2;
		}
	}
	if (!n || rate <= 0) {
		fprintf(stderr, "sock_latency: -n and -r must be positive\n");
		return 2;
	}
	if (qlink_nl_open(&nl) || qlink_rt_open(&rt)) {
		fprintf(stderr, "sock_latency: no qlink family (modules loaded?)\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("# UDP baseline: %d-byte datagrams over 127.0.0.1, %zu at %.0f/s, send -> recv (CLOCK_MONOTONIC), one sender and one reader thread\n",
	       UDP_BYTES, n, rate);
	if (bench_udp(n, rate, &udp))
		fail = 1;
	else
		printf("bench: udp_loopback samples=%zu p50_us=%.1f p99_us=%.1f mean_us=%.1f max_us=%.1f\n",
		       n, udp.p50, udp.p99, udp.mean, udp.max);

	printf("# AF_QLINK pairs: qlinksim herald events at %.0f pairs/s, tick_us=%d, one MEASURE request streaming %zu pairs (+%zu warm-up); one reader thread per %s socket, blocking recvmsg()\n",
	       rate, tick_us(), n, warm,
	       sock_type == SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_SEQPACKET");
	printf("# herald->readable includes up to one tick (%d us) of driver batching: heralds reach the core once per qlinksim tick\n",
	       tick_us());
	if (bench_pairs(&rt, &nl, n, rate, warm, d)) {
		fail = 1;
	} else {
		int i;

		for (i = 0; i < 2; i++)
			printf("bench: sock_latency end=%s samples=%zu herald_readable_p50_us=%.1f herald_readable_p99_us=%.1f herald_readable_max_us=%.1f queued_readable_p50_us=%.1f queued_readable_p99_us=%.1f queued_readable_max_us=%.1f herald_queued_p50_us=%.1f herald_queued_p99_us=%.1f\n",
			       end[i], n, d[i][0].p50, d[i][0].p99, d[i][0].max,
			       d[i][1].p50, d[i][1].p99, d[i][1].max,
			       d[i][2].p50, d[i][2].p99);
		if (!fail) {
			double rh = d[0][0].p99 / udp.p99;
			double rq = d[0][1].p99 / udp.p99;

			printf("bench: sock_latency_ratio end=receiver herald_readable_p99_vs_udp_p99=%.2f queued_readable_p99_vs_udp_p99=%.2f goal=2.00 herald_goal=%s queued_goal=%s\n",
			       rh, rq, rh <= 2 ? "met" : "missed",
			       rq <= 2 ? "met" : "missed");
		}
	}

	printf("# AF_QLINK throughput: qlinksim at %s source rate, herald events, tick_us=%d, MEASURE requests of %d pairs back to back, both sockets drained with recvmmsg (batches of %d, SO_RCVBUF %d)\n",
	       tp_rate > 0 ? "a set" : "its caps' maximum", tick_us(),
	       QLINK_CREATE_NUMBER_MAX, BATCH, rcvbuf);
	if (bench_throughput(&rt, &nl, secs, rcvbuf, tp_rate))
		fail = 1;

	qlink_nl_close(&nl);
	qlink_nl_close(&rt);
	return fail;
}
