// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest figures of the link protocol (issue 14 item 9): a qlinksim link
 * split over two network namespaces joined by a veth pair, against a UDP
 * datagram between the same namespaces and the in-memory (paired) mode,
 * measured in the same run.
 *
 *  1. Netns A and B, a veth pair between them (10.98.0.1/24 in A,
 *     10.98.0.2/24 in B).
 *  2. UDP baseline, alongside step 4 so that both see the same load (an
 *     emulator shared with other work drifts between runs): a 64-byte
 *     datagram carrying its send time, sent from A to B over the veth at
 *     the pair rate and read in B by a thread blocked in recvmsg();
 *     one-way latency = recv() return - send, and kernel receive
 *     timestamp (SO_TIMESTAMPNS) - send, which leaves out the reader's
 *     wake-up as the far end's store time does (with
 *     net.core.netdev_tstamp_prequeue at 0 for the run, so that B's
 *     receive softirq stamps it, not veth's transmit as it queues it).
 *  3. A split qlinksim link: end a (deciding) in A, end b (following) in
 *     B, herald events with every attempt a success (exactly RATE pairs/s),
 *     peers at each other's veth address with one 32-byte key; both ends'
 *     protocol state must reach "up".
 *  4. Latency: the "pairs" group in both netns. Each pair-ntf carries the
 *     end's link clock when the batch was stored and up to
 *     QLINK_NTF_PAIRS_MAX pairs with their herald time in the same clock:
 *     sample = link time - herald time, at the deciding end (local) and at
 *     the following end (far: after the protocol). The far end's herald
 *     times are converted with the protocol's clock offset estimate; the
 *     pairs seen at both ends (same sequence number) are also timed on
 *     CLOCK_MONOTONIC through the two ends' clock bases, which gives the
 *     protocol's share per pair (far store - local store) free of that
 *     estimate. The goal: its p50 and p99 no more than one datagram's
 *     (both of step 2's are reported).
 *  5. Throughput: heralds/s stored at the far end over T seconds at a high
 *     source rate, against the same link in paired mode (both ends in
 *     memory, one in each netns).
 *  6. Cost: messages and bytes the deciding end sent per herald the
 *     following end received (steps 4 and 5); for the time-tag model
 *     (qlinksim's default physics) the following end's bytes per tag sent
 *     and both ends' bytes per herald.
 *
 *   peer_bench [-n samples] [-r pair rate Hz] [-w warm-up samples]
 *              [-t throughput seconds] [-S throughput source rate Hz]
 *              [-g time-tag seconds]
 *
 * Output: "bench:" lines of key=value pairs and a summary. Exits non-zero
 * when a step fails (setup refused, protocol not up, no samples, no
 * heralds crossing).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"
#include "qlink_nl.h"

#define UDP_BYTES	64
#define EV_TIMEOUT_MS	10000
#define UP_TIMEOUT_S	90
#define PORT		4747
#define ADDR_A		"10.98.0.1"
#define ADDR_B		"10.98.0.2"
#define VETH_A		"pbv_a"
#define VETH_B		"pbv_b"
#define SEED		14

static double now_s(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1e9;
}

/* ---- the two namespaces ---- */

struct env {
	int home, ns[2];		/* netns fds: ours, A, B */
	struct qlink_nl rt[2], gn[2];	/* rtnetlink and genl in A, B */
};

static int enter(int nsfd)
{
	if (setns(nsfd, CLONE_NEWNET)) {
		perror("peer_bench: setns");
		return -1;
	}
	return 0;
}

static struct nl_msg *link_msg(const char *name, int flags)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, flags);

	if (msg && (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
		    nla_put_string(msg, IFLA_IFNAME, name))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The veth pair: VETH_A in A, its peer VETH_B in B. */
static int veth_create(struct env *e)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data, *peer;
	struct nl_msg *msg;
	int err;

	msg = link_msg(VETH_A, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg)
		return -ENOMEM;
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "veth"))
		goto nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	peer = data ? nla_nest_start(msg, VETH_INFO_PEER) : NULL;
	if (!peer || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, VETH_B) ||
	    nla_put_u32(msg, IFLA_NET_NS_FD, e->ns[1]))
		goto nomem;
	nla_nest_end(msg, peer);
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	err = qlink_nl_transact(&e->rt[0], msg, NULL, NULL);
	if (err)
		fprintf(stderr, "peer_bench: veth: %s (%s)\n", strerror(-err),
			e->rt[0].extack);
	return err;
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

/* ADDR/24 on DEV of netns @i, and DEV up. */
static int veth_addr(struct env *e, int i, const char *dev, const char *addr)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 24 };
	struct in_addr in;
	struct nl_msg *msg;
	int err;

	if (enter(e->ns[i]))
		return -1;
	ifa.ifa_index = if_nametoindex(dev);
	if (!ifa.ifa_index || inet_pton(AF_INET, addr, &in) != 1)
		return -ENODEV;
	msg = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, IFA_LOCAL, sizeof(in), &in) ||
	    nla_put(msg, IFA_ADDRESS, sizeof(in), &in)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = qlink_nl_transact(&e->rt[i], msg, NULL, NULL);
	if (!err)
		err = qlink_rt_set_up(&e->rt[i], dev, 1);
	if (err)
		fprintf(stderr, "peer_bench: %s %s: %s (%s)\n", dev, addr,
			strerror(-err), e->rt[i].extack);
	return err;
}

static int env_setup(struct env *e)
{
	int i, err;

	e->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	e->ns[0] = qlink_netns_new();
	e->ns[1] = qlink_netns_new();
	if (e->home < 0 || e->ns[0] < 0 || e->ns[1] < 0) {
		fprintf(stderr, "peer_bench: netns: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		if (enter(e->ns[i]))
			return -1;
		err = qlink_rt_open(&e->rt[i]);
		if (!err)
			err = qlink_nl_open(&e->gn[i]);
		if (err) {
			fprintf(stderr, "peer_bench: netlink in netns %c: %s (modules loaded?)\n",
				'A' + i, strerror(-err));
			return -1;
		}
	}
	if (veth_create(e) || veth_addr(e, 0, VETH_A, ADDR_A) ||
	    veth_addr(e, 1, VETH_B, ADDR_B))
		return -1;
	return enter(e->home);
}

static void env_teardown(struct env *e)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (e->gn[i].sk)
			qlink_nl_close(&e->gn[i]);
		if (e->rt[i].sk)
			qlink_nl_close(&e->rt[i]);
		if (e->ns[i] >= 0)
			close(e->ns[i]);	/* the veth goes with them */
	}
	if (e->home >= 0)
		close(e->home);
}

/* ---- 2. UDP from A to B over the veth ---- */

/* Steps 2 and 4: the datagram's and the heralds' latencies. */
struct lat_result {
	struct dist udp, udp_krx, local, far, far_mono, added;
	size_t udp_got, udp_lost, matched;
	double offset_err_us;
};

/*
 * Datagrams carrying their CLOCK_MONOTONIC and CLOCK_REALTIME send times:
 * send -> recv() return, and send -> the kernel's receive timestamp
 * (SO_TIMESTAMPNS, CLOCK_REALTIME).
 */
struct udp_run {
	int rx, tx;
	size_t n, warm, got, read, no_ts;
	int64_t period_ns;
	atomic_int sent_all;
	int64_t *lat, *krx;
	pthread_t th[2];
	int err, started;
};

static void *udp_reader(void *arg)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct udp_run *u = arg;
	char buf[UDP_BYTES];

	while (u->got < u->n) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.buf,
				    .msg_controllen = sizeof(ctl.buf) };
		ssize_t len = recvmsg(u->rx, &m, 0);
		int64_t now = clock_ns(CLOCK_MONOTONIC), sent[2], k = -1;
		struct cmsghdr *cm;

		/* a datagram lost under load ends the wait, not the run */
		if (len < 0 && errno == EAGAIN && !atomic_load(&u->sent_all))
			continue;
		if (len != UDP_BYTES) {
			u->err = len < 0 ? errno : EMSGSIZE;
			break;
		}
		if (u->read++ < u->warm)
			continue;
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			struct timespec ts;

			if (cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SCM_TIMESTAMPNS)
				continue;
			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			k = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
		memcpy(sent, buf, sizeof(sent));
		if (k < 0) {
			u->no_ts++;
			continue;
		}
		u->lat[u->got] = now - sent[0];
		u->krx[u->got++] = k - sent[1];
	}
	return NULL;
}

static void *udp_sender(void *arg)
{
	struct udp_run *u = arg;
	char buf[UDP_BYTES] = { 0 };
	int64_t next = clock_ns(CLOCK_MONOTONIC);
	size_t i;

	for (i = 0; i < u->n + u->warm; i++) {
		struct timespec ts;
		int64_t now[2];

		next += u->period_ns;
		ts.tv_sec = next / 1000000000LL;
		ts.tv_nsec = next % 1000000000LL;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		now[0] = clock_ns(CLOCK_MONOTONIC);
		now[1] = clock_ns(CLOCK_REALTIME);
		memcpy(buf, now, sizeof(now));
		if (send(u->tx, buf, sizeof(buf), 0) != sizeof(buf)) {
			perror("peer_bench: udp send");
			break;
		}
	}
	atomic_store(&u->sent_all, 1);
	return NULL;
}

/* A socket of netns @nsfd, the caller back in @home afterwards. */
static int udp_socket_in(int nsfd, int home)
{
	int fd;

	if (enter(nsfd))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (enter(home)) {
		close(fd);
		return -1;
	}
	return fd;
}

#define PREQUEUE	"/proc/sys/net/core/netdev_tstamp_prequeue"

/* Set the sysctl to @v; returns its old value, or -1. */
static int tstamp_prequeue(int v)
{
	FILE *f = fopen(PREQUEUE, "r+");
	int old = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &old) != 1 || fseek(f, 0, SEEK_SET) < 0 ||
	    fprintf(f, "%d\n", v) < 0)
		old = -1;
	if (fclose(f))
		old = -1;
	return old;
}

/* Start N (+WARM) datagrams at RATE from A to B, in two threads. */
static int udp_start(struct env *e, struct udp_run *u, size_t n, size_t warm,
		     double rate)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { 1, 0 };
	socklen_t sl = sizeof(sa);
	int rcvbuf = 4 << 20, one = 1;

	memset(u, 0, sizeof(*u));
	u->n = n;
	u->warm = warm;
	u->period_ns = (int64_t)(1e9 / rate);
	inet_pton(AF_INET, ADDR_B, &sa.sin_addr);
	u->lat = calloc(n, sizeof(*u->lat));
	u->krx = calloc(n, sizeof(*u->krx));
	u->rx = udp_socket_in(e->ns[1], e->home);
	u->tx = udp_socket_in(e->ns[0], e->home);
	if (!u->lat || !u->krx || u->rx < 0 || u->tx < 0 ||
	    bind(u->rx, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(u->rx, (struct sockaddr *)&sa, &sl) ||
	    connect(u->tx, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(u->rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(u->rx, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    setsockopt(u->rx, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf))) {
		perror("peer_bench: udp setup");
		return -1;
	}
	pthread_create(&u->th[0], NULL, udp_reader, u);
	pthread_create(&u->th[1], NULL, udp_sender, u);
	u->started = 1;
	return 0;
}

static int udp_finish(struct udp_run *u, struct lat_result *r)
{
	int err = 0;

	if (u->started) {
		pthread_join(u->th[1], NULL);
		pthread_join(u->th[0], NULL);
		r->udp_got = u->got;
		r->udp_lost = u->n + u->warm - u->read;
		/* a few lost under an overloaded emulator are no failure */
		if (u->got < u->n &&
		    (u->err != EAGAIN || r->udp_lost > u->n / 100 ||
		     u->no_ts)) {
			fprintf(stderr, "peer_bench: udp: %zu of %zu datagrams (%zu without timestamp, %s)\n",
				u->got, u->n, u->no_ts, strerror(u->err));
			err = -1;
		}
		r->udp = summarize(u->lat, u->got);
		r->udp_krx = summarize(u->krx, u->got);
	} else {
		err = -1;
	}
	if (u->tx >= 0)
		close(u->tx);
	if (u->rx >= 0)
		close(u->rx);
	free(u->lat);
	free(u->krx);
	return err;
}

/* ---- 3. the split link ---- */

/*
 * One end of a split qlinksim link, @name in netns @i, its peer at
 * @peer_addr:PORT: IFLA_QLINKSIM_END and the IFLA_QLINKSIM_LINK_PEER nest
 * (the helpers' settings have no nests), with the PV_SIM and PV_CFG
 * settings of @pv.
 */
static int split_create(struct env *e, int i, const char *name, int end,
			const char *peer_addr, const uint8_t *key,
			const struct qlink_pv *pv, int n)
{
	struct nlattr *info, *data, *peer;
	struct qlink_nl *rt = &e->rt[i];
	struct in_addr in;
	struct nl_msg *msg;
	int err;

	qlink_rt_del(rt, name);		/* a leftover of an interrupted run */
	if (inet_pton(AF_INET, peer_addr, &in) != 1)
		return -EINVAL;
	msg = link_msg(name, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg)
		return -ENOMEM;
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, "qlinksim"))
		goto nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data || nla_put_u8(msg, IFLA_QLINKSIM_END, end) ||
	    qlink_put_group(msg, 0, QLINK_PV_SIM, pv, n) ||
	    qlink_put_group(msg, IFLA_QLINKSIM_CONFIG, QLINK_PV_CONFIG, pv, n))
		goto nomem;
	/* the core parses it strictly: NLA_F_NESTED */
	peer = nla_nest_start(msg, IFLA_QLINKSIM_LINK_PEER | NLA_F_NESTED);
	if (!peer || nla_put(msg, QLINK_A_PEER_ADDRESS, sizeof(in), &in) ||
	    nla_put_u16(msg, QLINK_A_PEER_PORT, PORT) ||
	    nla_put(msg, QLINK_A_PEER_KEY, 32, key))
		goto nomem;
	nla_nest_end(msg, peer);
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	err = qlink_nl_transact(rt, msg, NULL, NULL);
	if (err)
		fprintf(stderr, "peer_bench: create %s (end %c): %s (%s)\n",
			name, end == QLINKSIM_END_A ? 'a' : 'b', strerror(-err),
			rt->extack);
	return err;
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

static const char *const split_name[2] = { "pbq_a", "pbq_b" };

/* Both ends of the split link, up. */
static int split_make(struct env *e, const uint8_t *key,
		      const struct qlink_pv *pv, int n)
{
	int i, err;

	err = split_create(e, 0, split_name[0], QLINKSIM_END_A, ADDR_B, key,
			   pv, n);
	if (!err)
		err = split_create(e, 1, split_name[1], QLINKSIM_END_B, ADDR_A,
				   key, pv, n);
	for (i = 0; i < 2 && !err; i++) {
		err = qlink_rt_set_up(&e->rt[i], split_name[i], 1);
		if (err)
			fprintf(stderr, "peer_bench: %s up: %s\n",
				split_name[i], strerror(-err));
	}
	return err;
}

static void split_del(struct env *e)
{
	int i;

	for (i = 0; i < 2; i++)
		qlink_rt_del(&e->rt[i], split_name[i]);
}

struct peer_v {
	uint32_t state;
	int64_t offset_ps, base_ns;
	uint64_t offset_err_ps, rtt_ns;
};

static int parse_peer(struct nlattr **a, void *arg)
{
	struct nlattr *tb[QLINK_A_PEER_MAX + 1];
	struct peer_v *p = arg;

	if (a[QLINK_A_LINK_CLOCK_BASE])
		p->base_ns = (int64_t)nla_get_u64(a[QLINK_A_LINK_CLOCK_BASE]);
	if (!a[QLINK_A_LINK_PEER] ||
	    nla_parse_nested(tb, QLINK_A_PEER_MAX, a[QLINK_A_LINK_PEER], NULL))
		return 0;
	if (tb[QLINK_A_PEER_STATE])
		p->state = nla_get_u32(tb[QLINK_A_PEER_STATE]);
	if (tb[QLINK_A_PEER_CLOCK_OFFSET])
		p->offset_ps = (int64_t)nla_get_u64(tb[QLINK_A_PEER_CLOCK_OFFSET]);
	if (tb[QLINK_A_PEER_CLOCK_OFFSET_ERROR])
		p->offset_err_ps = nla_get_u64(tb[QLINK_A_PEER_CLOCK_OFFSET_ERROR]);
	if (tb[QLINK_A_PEER_RTT])
		p->rtt_ns = nla_get_u64(tb[QLINK_A_PEER_RTT]);
	return 0;
}

static int peer_get(struct env *e, int i, struct peer_v *p)
{
	memset(p, 0, sizeof(*p));
	p->base_ns = -1;
	return qlink_nl_get(&e->gn[i], QLINK_CMD_LINK_GET, split_name[i],
			    parse_peer, p);
}

static const char *state_name(uint32_t s)
{
	static const char *const n[] = { "none", "down", "connecting",
					 "disagree", "calibrating", "up" };

	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

/* Both ends' protocol "up" within UP_TIMEOUT_S of wall time. */
static int wait_up(struct env *e, const char *what)
{
	double t0 = now_s(), end = t0 + UP_TIMEOUT_S;
	struct peer_v p[2];
	int seen_cal = 0;

	for (;;) {
		if (peer_get(e, 0, &p[0]) || peer_get(e, 1, &p[1])) {
			fprintf(stderr, "peer_bench: %s: LINK_GET failed\n", what);
			return -1;
		}
		seen_cal |= p[0].state == QLINK_PEER_CALIBRATING ||
			    p[1].state == QLINK_PEER_CALIBRATING;
		if (p[0].state == QLINK_PEER_UP && p[1].state == QLINK_PEER_UP)
			break;
		if (now_s() > end) {
			fprintf(stderr, "peer_bench: %s: protocol not up after %d s: a %s, b %s\n",
				what, UP_TIMEOUT_S, state_name(p[0].state),
				state_name(p[1].state));
			return -1;
		}
		usleep(50000);
	}
	printf("# %s: protocol up at both ends after %.1f s%s; end b: clock offset %.3f us +- %.3f us, rtt %.1f us\n",
	       what, now_s() - t0, seen_cal ? " (through calibrating)" : "",
	       p[1].offset_ps / 1e6, p[1].offset_err_ps / 1e6,
	       p[1].rtt_ns / 1e3);
	return 0;
}

/* A herald-event link whose every attempt succeeds: RATE_HZ pairs/s. */
static int ev_params(struct qlink_pv *pv, double rate_hz, int max_pairs)
{
	int i, n = qlink_ev_params(pv, (int64_t)rate_hz, 970000);

	for (i = 0; i < n; i++)
		if (pv[i].attr == PV_SIM(SEED))
			pv[i].val = SEED;
	pv[n].attr = PV_CFG(MAX_PAIRS);
	pv[n++].val = max_pairs;
	return n;
}

/* ---- 4. herald -> stored, at both ends ---- */

struct sample {
	uint64_t seq;
	int64_t lat_ps;		/* link time - herald time, the end's clock */
	int64_t store_ps;	/* link time of the batch */
	int64_t herald_ps;
};

struct ev_ctx {
	const char *who;
	struct qlink_nl nl;
	uint32_t ifindex;
	size_t n, warm, seen, got;
	struct sample *s;
	unsigned long batches, overruns;
	int err;
};

static int on_pairs(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(msg));
	struct ev_ctx *c = arg;
	struct nlattr *a, *tb[QLINK_A_PAIR_MAX + 1];
	uint64_t lt = 0;
	uint32_t ifindex = 0;
	int rem, have_lt = 0;

	if (g->cmd != QLINK_CMD_PAIR_NTF)
		return NL_OK;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		if (nla_type(a) == QLINK_A_IFINDEX)
			ifindex = nla_get_u32(a);
		if (nla_type(a) == QLINK_A_LINK_TIME) {
			lt = nla_get_u64(a);
			have_lt = 1;
		}
	}
	if (ifindex != c->ifindex || !have_lt)
		return NL_OK;
	c->batches++;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		struct sample *s;

		if (nla_type(a) != QLINK_A_PAIR || c->got >= c->n ||
		    nla_parse_nested(tb, QLINK_A_PAIR_MAX, a, NULL) ||
		    !tb[QLINK_A_PAIR_SEQ] || !tb[QLINK_A_PAIR_HERALD_TIME])
			continue;
		if (c->seen++ < c->warm)
			continue;
		s = &c->s[c->got++];
		s->seq = nla_get_u64(tb[QLINK_A_PAIR_SEQ]);
		s->herald_ps = (int64_t)nla_get_u64(tb[QLINK_A_PAIR_HERALD_TIME]);
		s->store_ps = (int64_t)lt;
		s->lat_ps = s->store_ps - s->herald_ps;
	}
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

static void *ev_reader(void *arg)
{
	struct ev_ctx *c = arg;
	struct pollfd pfd = { .fd = nl_socket_get_fd(c->nl.sk),
			      .events = POLLIN };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb) {
		c->err = ENOMEM;
		return NULL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_pairs, c);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	while (c->got < c->n) {
		int r = poll(&pfd, 1, EV_TIMEOUT_MS);

		if (r <= 0) {
			c->err = r ? errno : ETIMEDOUT;
			fprintf(stderr, "peer_bench: %s: no pair event for %d ms (%zu samples)\n",
				c->who, EV_TIMEOUT_MS, c->got);
			break;
		}
		/* an overrun (ENOBUFS) loses events, not the run */
		if (nl_recvmsgs(c->nl.sk, cb) == -NLE_NOMEM)
			c->overruns++;
	}
	nl_cb_put(cb);
	return NULL;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

struct stats2 {
	struct qlink_stats_v s[2];
	double t;
};

static int stats2(struct env *e, const char *const name[2], struct stats2 *st)
{
	int i;

	for (i = 0; i < 2; i++)
		if (qlink_nl_stats(&e->gn[i], name[i], &st->s[i])) {
			fprintf(stderr, "peer_bench: STATS_GET %s failed\n",
				name[i]);
			return -1;
		}
	st->t = now_s();
	return 0;
}

static int64_t delta(const struct stats2 *a, const struct stats2 *b, int i,
		     int attr)
{
	return b->s[i].v[attr] - a->s[i].v[attr];
}

/*
 * Messages and bytes the deciding end sent per herald the following end
 * received between @a and @b.
 */
static int print_cost(const char *what, const struct stats2 *a,
		      const struct stats2 *b)
{
	int64_t h = delta(a, b, 1, QLINK_A_STATS_HERALDS_RECEIVED);
	int64_t m = delta(a, b, 0, QLINK_A_STATS_PROTO_TX);
	int64_t by = delta(a, b, 0, QLINK_A_STATS_PROTO_TX_BYTES);

	printf("bench: peer_cost model=events run=%s wall_s=%.2f heralds_received=%lld deciding_tx_msgs=%lld deciding_tx_bytes=%lld msgs_per_herald=%.4f bytes_per_herald=%.2f heralds_lost=%lld\n",
	       what, b->t - a->t, (long long)h, (long long)m, (long long)by,
	       h ? (double)m / h : NAN, h ? (double)by / h : NAN,
	       (long long)(delta(a, b, 0, QLINK_A_STATS_HERALDS_LOST) +
			   delta(a, b, 1, QLINK_A_STATS_HERALDS_LOST)));
	if (h <= 0)
		fprintf(stderr, "peer_bench: %s: no herald crossed the protocol\n",
			what);
	return h > 0 ? 0 : -1;
}

static int ev_open(struct env *e, int i, struct ev_ctx *c)
{
	int rcvbuf = 8 << 20;

	if (enter(e->ns[i]) || qlink_nl_open(&c->nl) ||
	    qlink_nl_subscribe(&c->nl, QLINK_MCGRP_PAIRS_NAME)) {
		fprintf(stderr, "peer_bench: %s: cannot join \"pairs\"\n",
			c->who);
		enter(e->home);
		return -1;
	}
	setsockopt(nl_socket_get_fd(c->nl.sk), SOL_SOCKET, SO_RCVBUFFORCE,
		   &rcvbuf, sizeof(rcvbuf));
	c->ifindex = if_nametoindex(split_name[i]);
	return enter(e->home);
}

static int bench_latency(struct env *e, const uint8_t *key, size_t n,
			 size_t warm, double rate, struct lat_result *res,
			 int *udp_ok)
{
	struct udp_run u = { .rx = -1, .tx = -1 };
	struct ev_ctx c[2] = {
		{ .who = "deciding end a", .n = n, .warm = warm },
		{ .who = "following end b", .n = n, .warm = warm },
	};
	struct qlink_pv pv[16];
	struct peer_v p[2];
	struct stats2 s0, s1;
	int64_t *v = NULL, *w = NULL;
	pthread_t th[2];
	size_t i, j, k;
	int err = -1, np, prequeue;

	np = ev_params(pv, rate, 65536);
	if (split_make(e, key, pv, np) || wait_up(e, "latency link"))
		goto out;
	for (i = 0; i < 2; i++) {
		c[i].s = calloc(n, sizeof(*c[i].s));
		if (!c[i].s || ev_open(e, i, &c[i]))
			goto out;
	}
	if (stats2(e, split_name, &s0))
		goto out;
	/* the datagrams go alongside, so both see the same load */
	prequeue = tstamp_prequeue(0);
	if (prequeue < 0)
		fprintf(stderr, "peer_bench: cannot set %s: the kernel receive timestamps are veth's transmit\n",
			PREQUEUE);
	udp_start(e, &u, n, warm, rate);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, ev_reader, &c[i]);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	*udp_ok = !udp_finish(&u, res);
	if (prequeue >= 0)
		tstamp_prequeue(prequeue);
	if (stats2(e, split_name, &s1) || peer_get(e, 0, &p[0]) ||
	    peer_get(e, 1, &p[1]))
		goto out;
	err = 0;
	for (i = 0; i < 2; i++) {
		printf("# %s: %lu pair events, %zu samples, %lu overruns\n",
		       c[i].who, c[i].batches, c[i].got, c[i].overruns);
		if (c[i].err || c[i].got < n)
			err = -1;
	}
	if (print_cost("latency", &s0, &s1))
		err = -1;

	/* far store - local store of the same pair, on CLOCK_MONOTONIC */
	v = calloc(n, sizeof(*v));
	w = calloc(n, sizeof(*w));
	if (!v || !w || p[0].base_ns < 0 || p[1].base_ns < 0) {
		err = -1;
		goto out;
	}
	qsort(c[0].s, c[0].got, sizeof(*c[0].s), cmp_seq);
	qsort(c[1].s, c[1].got, sizeof(*c[1].s), cmp_seq);
	for (i = j = k = 0; i < c[0].got && j < c[1].got;) {
		const struct sample *a = &c[0].s[i], *b = &c[1].s[j];
		int64_t far_mono;

		if (a->seq < b->seq) {
			i++;
			continue;
		}
		if (b->seq < a->seq) {
			j++;
			continue;
		}
		/* ns -> ps through each end's clock base */
		far_mono = (p[1].base_ns - p[0].base_ns) * 1000 +
			   b->store_ps - a->herald_ps;
		v[k] = far_mono / 1000;
		w[k] = (far_mono - a->lat_ps) / 1000;
		/* the far end's herald time against the true one */
		res->offset_err_us += ((p[1].base_ns - p[0].base_ns) * 1000 +
				       b->herald_ps - a->herald_ps) / 1e6;
		k++;
		i++;
		j++;
	}
	res->matched = k;
	if (k)
		res->offset_err_us /= k;
	res->far_mono = summarize(v, k);
	res->added = summarize(w, k);
	for (i = 0; i < 2; i++) {
		for (j = 0; j < c[i].got; j++)
			v[j] = c[i].s[j].lat_ps / 1000;
		*(i ? &res->far : &res->local) = summarize(v, c[i].got);
	}
	if (!k) {
		fprintf(stderr, "peer_bench: no pair seen at both ends\n");
		err = -1;
	}
out:
	for (i = 0; i < 2; i++) {
		if (c[i].nl.sk)
			qlink_nl_close(&c[i].nl);
		free(c[i].s);
	}
	free(v);
	free(w);
	split_del(e);
	return err;
}

/* ---- 5. heralds/s across the protocol against paired mode ---- */

static int measure_tp(struct env *e, const char *const name[2], double secs,
		      struct stats2 *s0, struct stats2 *s1)
{
	usleep(500000);		/* past the start */
	if (stats2(e, name, s0))
		return -1;
	usleep((useconds_t)(secs * 1e6));
	return stats2(e, name, s1);
}

static void print_tp(const char *mode, double rate, const struct stats2 *a,
		     const struct stats2 *b, double *far_rate)
{
	double dt = b->t - a->t;

	*far_rate = delta(a, b, 1, QLINK_A_STATS_HERALDS) / dt;
	printf("bench: peer_throughput mode=%s source_rate_hz=%.0f wall_s=%.2f far_heralds_per_s=%.0f deciding_heralds_per_s=%.0f sim_realtime=%.3f far_dropped_full=%lld\n",
	       mode, rate, dt, *far_rate,
	       delta(a, b, 0, QLINK_A_STATS_HERALDS) / dt,
	       delta(a, b, 0, QLINK_A_STATS_COVERED_TIME) / 1e12 / dt,
	       (long long)delta(a, b, 1, QLINK_A_STATS_DROPPED_FULL));
}

static int bench_throughput(struct env *e, const uint8_t *key, double rate,
			    double secs, double *ratio)
{
	static const char *const paired[2] = { "pbp_a", "pbp_b" };
	struct stats2 s0, s1;
	struct qlink_pv pv[16];
	double split_r, paired_r;
	int np, err;

	np = ev_params(pv, rate, 65536);
	err = split_make(e, key, pv, np);
	if (!err)
		err = wait_up(e, "throughput link");
	if (!err)
		err = measure_tp(e, split_name, secs, &s0, &s1);
	split_del(e);
	if (err)
		return -1;
	print_tp("split", rate, &s0, &s1, &split_r);
	err = print_cost("throughput", &s0, &s1);

	/* the same link in memory: end A in A, end B in B */
	qlink_rt_del(&e->rt[0], paired[0]);
	if (qlinksim_create(&e->rt[0], paired[0], paired[1], e->ns[1], pv,
			    np) ||
	    qlink_rt_set_up(&e->rt[0], paired[0], 1) ||
	    qlink_rt_set_up(&e->rt[1], paired[1], 1) ||
	    measure_tp(e, paired, secs, &s0, &s1)) {
		fprintf(stderr, "peer_bench: paired link: %s\n",
			e->rt[0].extack);
		qlink_rt_del(&e->rt[0], paired[0]);
		return -1;
	}
	qlink_rt_del(&e->rt[0], paired[0]);
	print_tp("paired", rate, &s0, &s1, &paired_r);
	*ratio = paired_r > 0 ? split_r / paired_r : NAN;
	printf("bench: peer_throughput_ratio split_vs_paired=%.3f\n", *ratio);
	return err || !(split_r > 0) ? -1 : 0;
}

/* ---- 6. the time-tag model's cost ---- */

static int bench_tags(struct env *e, const uint8_t *key, double secs,
		      double *bpt, double *bph)
{
	struct qlink_pv pv[] = {
		{ PV_SIM(HERALD_MODEL), QLINK_HERALD_TIME_TAGS },
		{ PV_SIM(SEED), SEED },
	};
	struct stats2 s0, s1;
	int64_t tags, h, tx_b, tx_a;
	double dt;
	int err;

	err = split_make(e, key, pv, 2);
	if (!err)
		err = wait_up(e, "time-tag link (qlinksim defaults)");
	if (!err)
		err = measure_tp(e, split_name, secs, &s0, &s1);
	split_del(e);
	if (err)
		return -1;
	dt = s1.t - s0.t;
	tags = delta(&s0, &s1, 1, QLINK_A_STATS_TAGS_SENT);
	h = delta(&s0, &s1, 1, QLINK_A_STATS_HERALDS_RECEIVED);
	tx_b = delta(&s0, &s1, 1, QLINK_A_STATS_PROTO_TX_BYTES);
	tx_a = delta(&s0, &s1, 0, QLINK_A_STATS_PROTO_TX_BYTES);
	*bpt = tags ? (double)tx_b / tags : NAN;
	*bph = h ? (double)tx_a / h : NAN;
	printf("bench: peer_cost model=time-tags wall_s=%.2f tags_sent=%lld tags_per_s=%.0f following_tx_msgs=%lld following_tx_bytes=%lld bytes_per_tag=%.3f msgs_per_tag=%.5f heralds_received=%lld heralds_per_s=%.0f deciding_tx_bytes=%lld bytes_per_herald=%.2f both_ends_bytes_per_herald=%.1f tags_lost=%lld sim_realtime=%.3f\n",
	       dt, (long long)tags, tags / dt,
	       (long long)delta(&s0, &s1, 1, QLINK_A_STATS_PROTO_TX),
	       (long long)tx_b, *bpt,
	       tags ? (double)delta(&s0, &s1, 1, QLINK_A_STATS_PROTO_TX) / tags :
		      NAN,
	       (long long)h, h / dt, (long long)tx_a, *bph,
	       h ? (double)(tx_a + tx_b) / h : NAN,
	       (long long)(delta(&s0, &s1, 0, QLINK_A_STATS_TAGS_LOST) +
			   delta(&s0, &s1, 1, QLINK_A_STATS_TAGS_LOST)),
	       delta(&s0, &s1, 1, QLINK_A_STATS_COVERED_TIME) / 1e12 / dt);
	if (!tags || !h)
		fprintf(stderr, "peer_bench: time tags: %s crossed the protocol\n",
			!tags ? "no tag" : "no herald");
	return tags && h ? 0 : -1;
}

static void print_latency(const struct lat_result *r, size_t n, int udp_ok)
{
	double d50 = r->far.p50 - r->local.p50;
	double d99 = r->far.p99 - r->local.p99;

	printf("bench: peer_latency end=deciding samples=%zu herald_stored_p50_us=%.1f herald_stored_p99_us=%.1f herald_stored_max_us=%.1f\n",
	       n, r->local.p50, r->local.p99, r->local.max);
	printf("bench: peer_latency end=following samples=%zu herald_stored_p50_us=%.1f herald_stored_p99_us=%.1f herald_stored_max_us=%.1f mono_samples=%zu mono_p50_us=%.1f mono_p99_us=%.1f clock_offset_error_us=%.2f\n",
	       n, r->far.p50, r->far.p99, r->far.max, r->matched,
	       r->far_mono.p50, r->far_mono.p99, r->offset_err_us);
	if (!udp_ok)
		return;
	printf("bench: peer_latency_added samples=%zu p50_us=%.1f p99_us=%.1f far_minus_local_p50_us=%.1f far_minus_local_p99_us=%.1f\n",
	       r->matched, r->added.p50, r->added.p99, d50, d99);
	printf("bench: peer_latency_ratio vs=udp_send_recv ratio_p50=%.2f ratio_p99=%.2f goal=1.00 goal_p50=%s goal_p99=%s\n",
	       r->added.p50 / r->udp.p50, r->added.p99 / r->udp.p99,
	       r->added.p50 <= r->udp.p50 ? "met" : "missed",
	       r->added.p99 <= r->udp.p99 ? "met" : "missed");
	printf("bench: peer_latency_ratio vs=udp_send_kernel_rx ratio_p50=%.2f ratio_p99=%.2f goal=1.00 goal_p50=%s goal_p99=%s\n",
	       r->added.p50 / r->udp_krx.p50, r->added.p99 / r->udp_krx.p99,
	       r->added.p50 <= r->udp_krx.p50 ? "met" : "missed",
	       r->added.p99 <= r->udp_krx.p99 ? "met" : "missed");
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
	struct env e = { .home = -1, .ns = { -1, -1 } };
	struct lat_result lr = { 0 };
	size_t n = 10000, warm = 200;
	double rate = 2000, secs = 5, tp_rate = 1e6, tag_secs = 5;
	double tp_ratio = NAN, bpt = NAN, bph = NAN;
	int opt, fail = 0, lat_ok, udp_ok = 0;
	uint8_t key[32];
	FILE *f;

	while ((opt = getopt(argc, argv, "n:r:w:t:S:g:")) != -1) {
		switch (opt) {
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
		case 'S':
			tp_rate = atof(optarg);
			break;
		case 'g':
			tag_secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: peer_bench [-n samples] [-r pair rate Hz] [-w warm-up samples] [-t throughput seconds] [-S throughput source rate Hz] [-g time-tag seconds]\n");
			return 2;
		}
	}
	if (!n || rate <= 0 || tp_rate <= 0 || secs <= 0 || tag_secs <= 0) {
		fprintf(stderr, "peer_bench: -n, -r, -S, -t and -g must be positive\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	f = fopen("/dev/urandom", "r");
	if (!f || fread(key, sizeof(key), 1, f) != 1) {
		perror("peer_bench: /dev/urandom");
		return 1;
	}
	fclose(f);
	if (env_setup(&e)) {
		env_teardown(&e);
		return 1;
	}

	printf("# link protocol latency: split qlinksim link (end a deciding in netns A, end b following in netns B, over a veth pair), herald events at %.0f pairs/s, tick_us=%d; herald -> stored from the \"pairs\" events (the first %d pairs of each batch), %zu samples (+%zu warm-up) per end\n",
	       rate, tick_us(), QLINK_NTF_PAIRS_MAX, n, warm);
	printf("# UDP baseline alongside: %d-byte datagrams from A to B over the same veth, %zu (+%zu warm-up) at %.0f/s; send -> recv() return and send -> kernel receive timestamp (SO_TIMESTAMPNS, netdev_tstamp_prequeue=0); one sender and one reader thread\n",
	       UDP_BYTES, n, warm, rate);
	lat_ok = !bench_latency(&e, key, n, warm, rate, &lr, &udp_ok);
	if (udp_ok)
		printf("bench: peer_udp_veth samples=%zu send_recv_p50_us=%.1f send_recv_p99_us=%.1f send_recv_max_us=%.1f send_kernel_rx_p50_us=%.1f send_kernel_rx_p99_us=%.1f lost=%zu\n",
		       lr.udp_got, lr.udp.p50, lr.udp.p99, lr.udp.max,
		       lr.udp_krx.p50, lr.udp_krx.p99, lr.udp_lost);
	if (lat_ok)
		print_latency(&lr, n, udp_ok);

	printf("# throughput: herald events at %.0f pairs/s, every attempt a success, heralds stored at the far end (end b) over %.1f s, split (across the protocol) against paired (in memory)\n",
	       tp_rate, secs);
	if (bench_throughput(&e, key, tp_rate, secs, &tp_ratio))
		fail = 1;

	printf("# time-tag model: qlinksim's default physics, split; the following end sends its tags, the deciding end herald records, over %.1f s\n",
	       tag_secs);
	if (bench_tags(&e, key, tag_secs, &bpt, &bph))
		fail = 1;

	fail |= !udp_ok || !lat_ok;
	if (udp_ok && lat_ok)
		printf("# summary: the protocol adds %.1f us p50 / %.1f us p99 per herald (per pair, monotonic clock) against %.1f / %.1f us for one UDP datagram to recv() (x%.2f / x%.2f; goal <= x1), %.1f / %.1f us to its kernel receive timestamp\n",
		       lr.added.p50, lr.added.p99, lr.udp.p50, lr.udp.p99,
		       lr.added.p50 / lr.udp.p50, lr.added.p99 / lr.udp.p99,
		       lr.udp_krx.p50, lr.udp_krx.p99);
	printf("# summary: split carries %.2f of the paired mode's heralds/s; time tags cost %.2f bytes per tag and %.1f bytes per herald\n",
	       tp_ratio, bpt, bph);
	env_teardown(&e);
	return fail;
}
