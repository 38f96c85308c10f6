// SPDX-License-Identifier: GPL-2.0
/*
 * The real pair source: an AF_QLINK socket (qlink(7)) bound to a link end
 * for the session's purpose. Alice creates MEASURE requests with basis
 * RANDOM (so each end picks Z or X per pair, independently: BBM92) in
 * chunks, a few outstanding at a time, at batch priority; Bob sets
 * QLINK_SO_RECEIVE. Both read one record per pair, many per recvmmsg().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "qlink.h"
#include "qkd.h"

#define RECV_BATCH	64
#define DRAIN_MAX	65536	/* records per drain call */

struct link_source {
	struct qkd_source s;
	struct qkd_link_params lp;
	bool alice;
	uint32_t next_id;	/* create_id of the next request */
	uint64_t to_submit;	/* Alice: pairs not yet requested */
	uint32_t outstanding;	/* Alice: requests not finished */
	struct qlink_record rec[RECV_BATCH];
	struct mmsghdr mm[RECV_BATCH];
	struct iovec iov[RECV_BATCH];
};

static int link_submit(struct link_source *ls)
{
	while (ls->to_submit && ls->outstanding < ls->lp.window) {
		struct qlink_create req = {
			.create_id = ls->next_id,
			.number = ls->to_submit < ls->lp.chunk ?
				  ls->to_submit : ls->lp.chunk,
			.min_fidelity = ls->lp.min_fidelity,
			.purpose = ls->lp.purpose,
			.type = QLINK_REQ_MEASURE,
			.basis = QLINK_BASIS_RANDOM,
			.priority = QLINK_PRIO_BATCH,
		};
		int err = ql_sock_request(ls->s.fd, &req);

		if (err == -EAGAIN)
			return 0;	/* the queue is full: after a drain */
		if (err)
			return err;
		ls->next_id++;
		ls->outstanding++;
		ls->to_submit -= req.number;
	}
	return 0;
}

static int link_request(struct qkd_source *s, uint32_t n)
{
	struct link_source *ls = (struct link_source *)s;

	ls->to_submit += n;
	return link_submit(ls);
}

static int link_record(struct link_source *ls, const struct qlink_record *r,
		       struct qkd_pairs *pp)
{
	struct qkd_pair p;
	const char *name;

	if (r->purpose != ls->lp.purpose)
		return 0;
	if (r->kind == QLINK_REC_ERR) {
		if (r->error == QLINK_ERR_EXPIRE) {
			ls->s.lost += r->seq_last - r->seq + 1;
			return 0;
		}
		name = ql_err_name(r->error);
		fprintf(stderr, "qkd: request %u failed: %s%s%s\n",
			r->create_id, name ? name : "?",
			r->sys_errno ? ": " : "",
			r->sys_errno ? strerror(r->sys_errno) : "");
		if (!ls->alice)
			return 0;
		if (ls->outstanding)
			ls->outstanding--;
		return -EIO;
	}
	if (r->kind != QLINK_REC_OK || r->type != QLINK_REQ_MEASURE)
		return 0;
	if (r->role != (ls->alice ? QLINK_ROLE_CREATOR : QLINK_ROLE_RECEIVER))
		return 0;
	if (ls->alice && (r->flags & QLINK_REC_LAST) && ls->outstanding)
		ls->outstanding--;
	if (r->basis != QLINK_BASIS_Z && r->basis != QLINK_BASIS_X)
		return 0;
	p.seq = r->seq;
	p.link_id = r->pair_link_id;
	p.fidelity = r->fidelity;
	p.basis = r->basis;
	p.outcome = r->outcome & 1;
	p.bell = r->bell_index & 3;
	return pairs_push(pp, &p);
}

static int link_drain(struct qkd_source *s, struct qkd_pairs *pp,
		      uint64_t upto)
{
	struct link_source *ls = (struct link_source *)s;
	size_t before = pp->n, total = 0;
	int n, i, err;

	while (total < DRAIN_MAX) {
		for (i = 0; i < RECV_BATCH; i++) {
			ls->iov[i].iov_base = &ls->rec[i];
			ls->iov[i].iov_len = sizeof(ls->rec[i]);
			memset(&ls->mm[i], 0, sizeof(ls->mm[i]));
			ls->mm[i].msg_hdr.msg_iov = &ls->iov[i];
			ls->mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(s->fd, ls->mm, RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			if (ls->mm[i].msg_len < sizeof(ls->rec[i]))
				return -EPROTO;
			err = link_record(ls, &ls->rec[i], pp);
			if (err)
				return err;
		}
		total += n;
		if (n < RECV_BATCH)
			break;
	}
	if (ls->alice) {
		err = link_submit(ls);
		if (err)
			return err;
	}
	return pp->n - before;
}

static bool link_busy(struct qkd_source *s)
{
	struct link_source *ls = (struct link_source *)s;

	return ls->to_submit || ls->outstanding;
}

static void link_close(struct qkd_source *s)
{
	close(s->fd);
	free(s);
}

struct qkd_source *link_source_new(const struct qkd_link_params *lp,
				   bool alice, int *err)
{
	struct link_source *ls = calloc(1, sizeof(*ls));
	int fd, sz = 16 << 20;

	if (!ls) {
		*err = -ENOMEM;
		return NULL;
	}
	fd = ql_sock_open(lp->dev, lp->purpose,
			     SOCK_SEQPACKET | SOCK_NONBLOCK);
	if (fd < 0) {
		*err = fd;
		free(ls);
		return NULL;
	}
	/* room for a burst of records while the other half of us works */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (!alice) {
		*err = ql_sock_set_receive(fd, true);
		if (*err) {
			close(fd);
			free(ls);
			return NULL;
		}
	}
	ls->s.fd = fd;
	ls->s.request = link_request;
	ls->s.drain = link_drain;
	ls->s.busy = link_busy;
	ls->s.close = link_close;
	ls->lp = *lp;
	ls->alice = alice;
	ls->next_id = 1;
	if (!ls->lp.chunk)
		ls->lp.chunk = 4096;
	if (!ls->lp.window)
		ls->lp.window = 4;
	return &ls->s;
}
