// SPDX-License-Identifier: GPL-2.0
/*
 * AF_QLINK sockets when things go away mid-request (qlink.md §4): every
 * open request ends with an ERR record, nothing blocks for ever, and the
 * core's object counters (debugfs qlink/objects) return to zero.
 *  - close() of the creator: the receiver gets ERR OTHER ECONNRESET for
 *    each request; close() of the receiver: the creator does;
 *  - link down: ERR OTHER ENETDOWN at both ends, sockets stay bound, new
 *    requests ENETDOWN until the link is up again;
 *  - link deleted: ERR OTHER ENODEV, then end of file;
 *  - the peer's netns deleted (which deletes both link ends): the same;
 *  - racing loops: sockets closed by one thread while another deletes the
 *    link and a third blocks in recv(); netns teardown while requests
 *    block and new ones are sent. Run on the debug kernel, KASAN, lockdep
 *    and kmemleak watch these.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "qlink_nl.h"

#define RACE_ITERS	200
#define NETNS_ITERS	100

FIXTURE(td)
{
	struct qlink_ns_link l;
	struct qlink_pv pv[9];
	int npv;
	int fd[16];
	int nfd;
};

FIXTURE_SETUP(td)
{
	self->npv = qlink_ev_params(self->pv, 2000, 900000);
	self->nfd = 0;
	ASSERT_EQ(0, qlink_ns_link_setup(&self->l, "qa", "qb", self->pv,
					 self->npv));
}

FIXTURE_TEARDOWN(td)
{
	while (self->nfd > 0)
		if (self->fd[--self->nfd] >= 0)
			close(self->fd[self->nfd]);
	qlink_ns_link_teardown(&self->l);
}

static int sock_at(FIXTURE_DATA(td) *self, int at_b, uint32_t purpose,
		   int receive)
{
	int fd = qlink_sock_in(at_b ? self->l.ns_b : -1, SOCK_SEQPACKET);

	if (fd < 0)
		return fd;
	if (self->nfd < 16)
		self->fd[self->nfd++] = fd;
	qlink_sock_rcvbuf(fd, 4 << 20);
	if (qlink_sock_bind(fd, at_b ? self->l.b.ifindex : self->l.a.ifindex,
			    purpose))
		return -1;
	if (receive && qlink_sock_receive(fd, 1))
		return -1;
	return fd;
}

/* Close FD and forget it (teardown will not close it again). */
static void close_fd(FIXTURE_DATA(td) *self, int fd)
{
	int i;

	for (i = 0; i < self->nfd; i++)
		if (self->fd[i] == fd)
			self->fd[i] = -1;
	close(fd);
}

static int big_request(int fd, uint32_t id)
{
	struct qlink_create c;

	qlink_create_init(&c, id, 1000000, QLINK_REQ_KEEP);
	return qlink_sock_create(fd, &c);
}

/*
 * A creator on A (*CA) and a receiver on B (*RB) for purpose 1, the link
 * up and two big requests (1 and 2) queued on it: 0, or -1 if any failed.
 */
static int busy_link(FIXTURE_DATA(td) *self, int *ca, int *rb)
{
	*ca = sock_at(self, 0, 1, 0);
	*rb = sock_at(self, 1, 1, 1);
	if (*ca < 0 || *rb < 0 || qlink_ns_link_up(&self->l, 1) ||
	    big_request(*ca, 1) || big_request(*ca, 2))
		return -1;
	return 0;
}

/* The ERR records a socket got. */
struct errs {
	int n, ok, eof, rerr;
	struct qlink_record e[16];
};

/*
 * Read FD, skipping OK records, until N ERR records came, or (N = 0)
 * until end of file. Each wait is bounded by SO_RCVTIMEO; at most MS.
 */
static void read_errs(int fd, int n, int ms, struct errs *es)
{
	int64_t t_end = qlink_now_ms() + ms;
	struct qlink_record r;
	int ret;

	memset(es, 0, sizeof(*es));
	while (qlink_now_ms() < t_end && (!n || es->n < n)) {
		ret = qlink_sock_rec(fd, &r, 0);
		if (ret == 0) {
			es->eof = 1;
			return;
		}
		if (ret < 0) {
			es->rerr = ret;
			return;
		}
		if (r.kind == QLINK_REC_OK)
			es->ok++;
		else if (es->n < 16)
			es->e[es->n++] = r;
	}
}

/* ES holds exactly one ERR OTHER SYS_ERRNO (LAST) for each id of IDS. */
static void check_errs(struct __test_metadata *_metadata, const char *who,
		       const struct errs *es, const uint32_t *ids, int nids,
		       int role, int sys_errno)
{
	int i, j, seen;

	EXPECT_EQ(nids, es->n) TH_LOG("%s: %d ERR records", who, es->n);
	for (i = 0; i < nids; i++) {
		for (j = seen = 0; j < es->n; j++) {
			const struct qlink_record *r = &es->e[j];

			if (r->create_id != ids[i])
				continue;
			seen++;
			EXPECT_EQ(QLINK_ERR_OTHER, r->error)
				TH_LOG("%s: request %u error %d", who, ids[i],
				       r->error);
			EXPECT_EQ(sys_errno, r->sys_errno)
				TH_LOG("%s: request %u: %s", who, ids[i],
				       strerror(r->sys_errno));
			EXPECT_TRUE(r->flags & QLINK_REC_LAST);
			EXPECT_EQ(role, r->role);
		}
		EXPECT_EQ(1, seen) TH_LOG("%s: request %u", who, ids[i]);
	}
}

TEST_F_TIMEOUT(td, close_creator_mid_request, 60)
{
	static const uint32_t ids[] = { 1, 2 };
	struct qlink_record r;
	struct errs es;
	struct qlink_purpose_v pu;
	int ca, rb, c2, r2;

	ca = sock_at(self, 0, 1, 0);
	rb = sock_at(self, 1, 1, 1);
	c2 = sock_at(self, 0, 2, 0);
	r2 = sock_at(self, 1, 2, 1);
	ASSERT_GE(ca, 0);
	ASSERT_GE(rb, 0);
	ASSERT_GE(c2, 0);
	ASSERT_GE(r2, 0);
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	ASSERT_EQ(0, big_request(ca, 1));
	ASSERT_EQ(0, big_request(ca, 2));
	ASSERT_EQ(0, big_request(c2, 3));
	ASSERT_EQ(2, qlink_sock_outstanding(ca));
	ASSERT_EQ(1, qlink_sock_rec(rb, &r, 0));
	ASSERT_EQ(QLINK_REC_OK, r.kind);

	close_fd(self, ca);
	read_errs(rb, 2, 5000, &es);
	check_errs(_metadata, "receiver", &es, ids, 2, QLINK_ROLE_RECEIVER,
		   ECONNRESET);
	/* nothing after the ERR records */
	usleep(200000);
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(rb, &r, MSG_DONTWAIT));
	ASSERT_EQ(0, qlink_nl_purpose_get(&self->l.gn, "qa", 1, &pu));
	EXPECT_EQ(0, pu.v[QLINK_A_PURPOSE_OUTSTANDING]);
	EXPECT_EQ(2, pu.v[QLINK_A_PURPOSE_REQ_FAILED]);
	/* the other purpose's request goes on */
	ASSERT_EQ(1, qlink_sock_rec(c2, &r, 0));
	while (qlink_sock_rec(c2, &r, MSG_DONTWAIT) == 1)
		;
	ASSERT_EQ(1, qlink_sock_rec(c2, &r, 0));
	EXPECT_EQ(QLINK_REC_OK, r.kind);
	EXPECT_EQ(1, qlink_sock_outstanding(c2));
}

TEST_F_TIMEOUT(td, close_receiver_mid_request, 60)
{
	static const uint32_t ids[] = { 1, 2 };
	struct qlink_create c;
	struct qlink_record r;
	struct errs es;
	int ca, rb;

	ASSERT_EQ(0, busy_link(self, &ca, &rb));
	ASSERT_EQ(1, qlink_sock_rec(rb, &r, 0));

	close_fd(self, rb);
	read_errs(ca, 2, 5000, &es);
	check_errs(_metadata, "creator", &es, ids, 2, QLINK_ROLE_CREATOR,
		   ECONNRESET);
	EXPECT_EQ(0, qlink_sock_outstanding(ca));
	usleep(200000);
	EXPECT_EQ(-EAGAIN, qlink_sock_rec(ca, &r, MSG_DONTWAIT));
	/* nobody receives any more */
	qlink_create_init(&c, 3, 1, QLINK_REQ_KEEP);
	ASSERT_EQ(0, qlink_sock_create(ca, &c));
	ASSERT_EQ(1, qlink_sock_rec(ca, &r, 0));
	EXPECT_EQ(QLINK_ERR_REJECTED, r.error);
}

/* Requests both ways: A creates for B (1, 2), B creates for A (3). */
struct four {
	int ca, rb, cb, ra;
};

static int four_socks(FIXTURE_DATA(td) *self, struct four *f)
{
	f->ca = sock_at(self, 0, 1, 0);
	f->rb = sock_at(self, 1, 1, 1);
	f->cb = sock_at(self, 1, 2, 0);
	f->ra = sock_at(self, 0, 2, 1);
	if (f->ca < 0 || f->rb < 0 || f->cb < 0 || f->ra < 0)
		return -1;
	return 0;
}

static int four_requests(struct four *f)
{
	struct qlink_record r;

	if (big_request(f->ca, 1) || big_request(f->ca, 2) ||
	    big_request(f->cb, 3))
		return -1;
	/* all three are served */
	if (qlink_sock_rec(f->rb, &r, 0) != 1 ||
	    qlink_sock_rec(f->ra, &r, 0) != 1)
		return -1;
	return 0;
}

static void check_four(struct __test_metadata *_metadata, struct four *f,
		       int sys_errno, int to_eof)
{
	static const uint32_t ab[] = { 1, 2 }, ba[] = { 3 };
	const struct {
		int fd;
		const char *who;
		const uint32_t *ids;
		int nids, role;
	} ends[] = {
		{ f->ca, "A creator", ab, 2, QLINK_ROLE_CREATOR },
		{ f->rb, "B receiver", ab, 2, QLINK_ROLE_RECEIVER },
		{ f->cb, "B creator", ba, 1, QLINK_ROLE_CREATOR },
		{ f->ra, "A receiver", ba, 1, QLINK_ROLE_RECEIVER },
	};
	struct errs es;
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		read_errs(ends[i].fd, to_eof ? 0 : ends[i].nids, 5000, &es);
		check_errs(_metadata, ends[i].who, &es, ends[i].ids,
			   ends[i].nids, ends[i].role, sys_errno);
		EXPECT_EQ(to_eof, es.eof) TH_LOG("%s: eof", ends[i].who);
	}
}

TEST_F_TIMEOUT(td, link_down_mid_request, 60)
{
	struct qlink_create c;
	struct qlink_record r[8];
	struct four f;

	ASSERT_EQ(0, four_socks(self, &f));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	ASSERT_EQ(0, four_requests(&f));

	ASSERT_EQ(0, qlink_rt_set_up(&self->l.rt, "qa", 0));
	check_four(_metadata, &f, ENETDOWN, 0);
	EXPECT_EQ(0, qlink_sock_outstanding(f.ca));
	EXPECT_EQ(0, qlink_sock_outstanding(f.cb));

	/* still bound; no requests while down */
	EXPECT_EQ(-EINVAL, qlink_sock_bind(f.ca, self->l.a.ifindex, 1));
	qlink_create_init(&c, 4, 5, QLINK_REQ_KEEP);
	EXPECT_EQ(-ENETDOWN, qlink_sock_create(f.ca, &c));
	c.create_id = 5;
	TH_LOG("send at the end still up (no carrier): %s",
	       strerror(-qlink_sock_create(f.cb, &c)));
	usleep(100000);
	while (qlink_sock_rec(f.cb, r, MSG_DONTWAIT) == 1 ||
	       qlink_sock_rec(f.ra, r, MSG_DONTWAIT) == 1)
		;

	/* up again: the same sockets work */
	ASSERT_EQ(0, qlink_rt_set_up(&self->l.rt, "qa", 1));
	c.create_id = 6;
	ASSERT_EQ(0, qlink_sock_create(f.ca, &c));
	ASSERT_EQ(5, qlink_sock_read_last(f.ca, r, 8, NULL));
	EXPECT_EQ(QLINK_REC_OK, r[4].kind);
	EXPECT_EQ(6, r[4].create_id);
	ASSERT_EQ(5, qlink_sock_read_last(f.rb, r, 8, NULL));
	EXPECT_EQ(QLINK_REC_OK, r[4].kind);
}

/* Every counter of debugfs qlink/objects back to zero. */
static void expect_objects_zero(struct __test_metadata *_metadata, int ms)
{
	char name[32] = "";
	long v = qlink_objects_wait_zero(ms, name, sizeof(name));

	EXPECT_EQ(0, v) TH_LOG("debugfs qlink/objects: %s %ld", name, v);
}

TEST_F_TIMEOUT(td, link_delete_mid_request, 60)
{
	struct pollfd pfd;
	struct qlink_create c;
	struct qlink_record r;
	struct four f;
	int ret, fd;

	ASSERT_EQ(0, four_socks(self, &f));
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	ASSERT_EQ(0, four_requests(&f));

	ASSERT_EQ(0, qlink_rt_del(&self->l.rt, "qa"));
	check_four(_metadata, &f, ENODEV, 1);
	/* end of file stays; poll() does not block on it */
	EXPECT_EQ(0, qlink_sock_rec(f.ca, &r, 0));
	EXPECT_EQ(0, qlink_sock_rec(f.ra, &r, MSG_DONTWAIT));
	pfd = (struct pollfd){ .fd = f.rb, .events = POLLIN };
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	TH_LOG("poll after the link went: revents %#x", pfd.revents);
	qlink_create_init(&c, 9, 1, QLINK_REQ_KEEP);
	ret = qlink_sock_create(f.ca, &c);
	TH_LOG("send after the link went: %s", strerror(-ret));
	EXPECT_TRUE(ret == -ENOTCONN || ret == -ENODEV);
	EXPECT_EQ(0, qlink_sock_outstanding(f.ca));
	/* the ifindex is gone */
	fd = qlink_sock_in(-1, SOCK_DGRAM);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-ENODEV, qlink_sock_bind(fd, self->l.a.ifindex, 1));
	close(fd);

	close_fd(self, f.ca);
	close_fd(self, f.rb);
	close_fd(self, f.cb);
	close_fd(self, f.ra);
	expect_objects_zero(_metadata, 5000);
}

struct blocked {
	int fd, ret, nobufs;
	int64_t ms;
};

/*
 * Block in recv() until end of file (records are skipped). A reader
 * that fell behind may first be told that an ERR record did not fit its
 * queue (ENOBUFS, qlink(7)): that is a report, not the end.
 */
static void *block_to_eof(void *arg)
{
	struct blocked *b = arg;
	int64_t t0 = qlink_now_ms(), t_end = t0 + 30000;
	struct qlink_record r;

	do {
		b->ret = qlink_sock_rec(b->fd, &r, 0);
		b->nobufs += b->ret == -ENOBUFS;
	} while ((b->ret == 1 || b->ret == -ENOBUFS) &&
		 qlink_now_ms() < t_end);
	b->ms = qlink_now_ms() - t0;
	return NULL;
}

/* Close what keeps netns B alive: its netlink sockets and our fd. */
static void release_ns_b(FIXTURE_DATA(td) *self)
{
	qlink_nl_close(&self->l.gn_b);
	qlink_nl_close(&self->l.rt_b);
	close(self->l.ns_b);
	self->l.ns_b = -1;
}

/* The peer's netns goes (no sockets there): the link with it. */
TEST_F_TIMEOUT(td, peer_netns_delete_idle, 60)
{
	struct blocked b = {};
	struct qlink_link_v li;
	pthread_t th;
	int ra;

	ra = sock_at(self, 0, 1, 1);
	ASSERT_GE(ra, 0);
	ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
	b.fd = ra;
	qlink_sock_timeout(ra, 30000);
	ASSERT_EQ(0, pthread_create(&th, NULL, block_to_eof, &b));
	usleep(100000);
	release_ns_b(self);
	pthread_join(th, NULL);
	TH_LOG("blocked recv() returned %d after %ld ms", b.ret, (long)b.ms);
	EXPECT_EQ(0, b.ret);
	EXPECT_EQ(-ENODEV, qlink_nl_link(&self->l.gn, "qa", &li));
	close_fd(self, ra);
	expect_objects_zero(_metadata, 10000);
}

/*
 * The receiver's socket and netns go at once while A's requests wait: A
 * hears ECONNRESET (the socket went first) or ENODEV (the link did), then
 * end of file.
 */
TEST_F_TIMEOUT(td, peer_netns_delete_mid_request, 60)
{
	struct errs es;
	int ca, rb, i;

	ASSERT_EQ(0, busy_link(self, &ca, &rb));
	close_fd(self, rb);
	release_ns_b(self);
	read_errs(ca, 0, 20000, &es);
	EXPECT_EQ(1, es.eof);
	EXPECT_EQ(2, es.n);
	for (i = 0; i < es.n; i++) {
		TH_LOG("request %u: error %d %s", es.e[i].create_id,
		       es.e[i].error, strerror(es.e[i].sys_errno));
		EXPECT_EQ(QLINK_ERR_OTHER, es.e[i].error);
		EXPECT_TRUE(es.e[i].sys_errno == ECONNRESET ||
			    es.e[i].sys_errno == ENODEV);
		EXPECT_TRUE(es.e[i].flags & QLINK_REC_LAST);
	}
	close_fd(self, ca);
	expect_objects_zero(_metadata, 10000);
}

struct closer {
	int fd[2], delay_us;
};

static void *close_later(void *arg)
{
	struct closer *c = arg;

	usleep(c->delay_us);
	close(c->fd[0]);
	if (c->fd[1] >= 0)
		close(c->fd[1]);
	return NULL;
}

/*
 * RACE_ITERS times: a link with requests both ways; one thread closes the
 * creators, another blocks in recv() on a receiver, the test deletes the
 * link. The blocked reader ends with end of file; nothing leaks.
 */
TEST_F_TIMEOUT(td, race_close_vs_delete, 900)
{
	int it, fails = 0, eofs = 0, nobufs = 0;
	int64_t t0 = qlink_now_ms();

	ASSERT_EQ(0, qlink_rt_del(&self->l.rt, "qa"));
	for (it = 0; it < RACE_ITERS && !fails; it++) {
		struct closer cl;
		struct blocked b = {};
		pthread_t tc, tb;
		int ca, rb, cb, ra;

		ASSERT_EQ(0, qlink_ns_link_create(&self->l, self->pv,
						  self->npv));
		ASSERT_EQ(0, qlink_ns_link_up(&self->l, 1));
		ca = qlink_sock_in(-1, SOCK_SEQPACKET);
		rb = qlink_sock_in(self->l.ns_b, SOCK_SEQPACKET);
		cb = qlink_sock_in(self->l.ns_b, SOCK_DGRAM);
		ra = qlink_sock_in(-1, SOCK_DGRAM);
		ASSERT_TRUE(ca >= 0 && rb >= 0 && cb >= 0 && ra >= 0);
		ASSERT_EQ(0, qlink_sock_bind(ca, self->l.a.ifindex, 1));
		ASSERT_EQ(0, qlink_sock_bind(rb, self->l.b.ifindex, 1));
		ASSERT_EQ(0, qlink_sock_bind(cb, self->l.b.ifindex, 2));
		ASSERT_EQ(0, qlink_sock_bind(ra, self->l.a.ifindex, 2));
		ASSERT_EQ(0, qlink_sock_receive(rb, 1));
		ASSERT_EQ(0, qlink_sock_receive(ra, 1));
		ASSERT_EQ(0, big_request(ca, 1));
		ASSERT_EQ(0, big_request(ca, 2));
		ASSERT_EQ(0, big_request(cb, 3));

		cl.fd[0] = ca;
		cl.fd[1] = it % 3 ? cb : -1;
		cl.delay_us = (it % 4) * 300;
		b.fd = rb;
		ASSERT_EQ(0, pthread_create(&tb, NULL, block_to_eof, &b));
		ASSERT_EQ(0, pthread_create(&tc, NULL, close_later, &cl));
		usleep(((it / 4) % 4) * 300);
		ASSERT_EQ(0, qlink_rt_del(&self->l.rt, "qa"));
		if (it % 2)
			close(ra);	/* ra: while it may be getting records */
		pthread_join(tc, NULL);
		pthread_join(tb, NULL);
		if (b.ret != 0) {
			fails++;
			TH_LOG("iteration %d: blocked reader got %d after %ld ms",
			       it, b.ret, (long)b.ms);
		}
		eofs += b.ret == 0;
		nobufs += b.nobufs > 0;
		close(rb);
		if (!(it % 2))
			close(ra);
		if (!(it % 3))
			close(cb);
	}
	TH_LOG("%d iterations in %ld ms, %d readers saw end of file, %d lost an ERR record first",
	       it, (long)(qlink_now_ms() - t0), eofs, nobufs);
	EXPECT_EQ(0, fails);
	expect_objects_zero(_metadata, 10000);
}

struct sender {
	int fd, stop, sent, last_err;
};

/* Keep sending requests until send() fails (the link is gone). */
static void *send_until_gone(void *arg)
{
	struct sender *s = arg;
	int64_t t_end = qlink_now_ms() + 30000;
	struct qlink_create c;
	int err;

	qlink_create_init(&c, 100, 1000, QLINK_REQ_MEASURE);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE) &&
	       qlink_now_ms() < t_end) {
		c.create_id++;
		err = qlink_sock_create(s->fd, &c);
		if (err) {
			s->last_err = err;
			if (err != -ENETDOWN)
				break;
		}
		s->sent++;
		usleep(200);
	}
	return NULL;
}

/*
 * NETNS_ITERS times: a new netns B holds the receiver; the test's end A
 * has a reader blocked in recv() and a thread sending requests. The
 * receiver socket, B's netlink socket and B's fd are closed (in varying
 * order): B's teardown deletes the link. The reader sees end of file.
 */
TEST_F_TIMEOUT(td, race_netns_teardown, 900)
{
	int it, fails = 0, enodev = 0, enotconn = 0;
	int64_t t0 = qlink_now_ms();

	ASSERT_EQ(0, qlink_rt_del(&self->l.rt, "qa"));
	for (it = 0; it < NETNS_ITERS && !fails; it++) {
		char na[16], nb[16];
		struct qlink_nl rtb;
		struct qlink_link_v li;
		struct blocked b = {};
		struct sender s = {};
		pthread_t tb, ts;
		int nsb, here, ca, rb;

		snprintf(na, sizeof(na), "qn%d", it);
		snprintf(nb, sizeof(nb), "qm%d", it);
		nsb = qlink_netns_new();
		ASSERT_GE(nsb, 0);
		here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		ASSERT_GE(here, 0);
		ASSERT_EQ(0, setns(nsb, CLONE_NEWNET));
		ASSERT_EQ(0, qlink_rt_open(&rtb));
		ASSERT_EQ(0, setns(here, CLONE_NEWNET));
		close(here);
		ASSERT_EQ(0, qlinksim_create(&self->l.rt, na, nb, nsb, self->pv,
					     self->npv));
		ASSERT_EQ(0, qlink_nl_link(&self->l.gn, na, &li));
		ASSERT_EQ(0, qlink_rt_set_up(&self->l.rt, na, 1));
		ASSERT_EQ(0, qlink_rt_set_up(&rtb, nb, 1));

		ca = qlink_sock_in(-1, SOCK_SEQPACKET);
		rb = qlink_sock_in(nsb, SOCK_SEQPACKET);
		ASSERT_TRUE(ca >= 0 && rb >= 0);
		ASSERT_EQ(0, qlink_sock_bind(ca, li.ifindex, 1));
		ASSERT_EQ(0, qlink_sock_bind(rb, li.peer_ifindex, 1));
		ASSERT_EQ(0, qlink_sock_receive(rb, 1));
		qlink_sock_rcvbuf(ca, 1 << 20);
		qlink_sock_timeout(ca, 30000);
		ASSERT_EQ(0, big_request(ca, 1));

		b.fd = ca;
		s.fd = ca;
		ASSERT_EQ(0, pthread_create(&tb, NULL, block_to_eof, &b));
		ASSERT_EQ(0, pthread_create(&ts, NULL, send_until_gone, &s));
		usleep((it % 3) * 500);
		switch (it % 3) {
		case 0:
			close(rb);
			qlink_nl_close(&rtb);
			close(nsb);
			break;
		case 1:
			close(nsb);
			qlink_nl_close(&rtb);
			close(rb);
			break;
		default:
			qlink_nl_close(&rtb);
			close(nsb);
			usleep(1000);
			close(rb);
			break;
		}
		pthread_join(tb, NULL);
		__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
		pthread_join(ts, NULL);
		if (b.ret != 0) {
			fails++;
			TH_LOG("iteration %d: blocked reader got %d after %ld ms",
			       it, b.ret, (long)b.ms);
		}
		enodev += s.last_err == -ENODEV;
		enotconn += s.last_err == -ENOTCONN;
		close(ca);
	}
	TH_LOG("%d iterations in %ld ms; senders stopped by ENODEV %d, ENOTCONN %d",
	       it, (long)(qlink_now_ms() - t0), enodev, enotconn);
	EXPECT_EQ(0, fails);
	expect_objects_zero(_metadata, 30000);
}

TEST_HARNESS_MAIN
