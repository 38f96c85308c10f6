// SPDX-License-Identifier: GPL-2.0
/*
 * AF_QLINK: the socket family through which applications request and
 * receive entangled pairs (qlink.md §4; the API is in <linux/qlink.h>).
 *
 * A socket binds to one link end (ifindex in its netns) and one purpose;
 * send() hands a CREATE request to the link's scheduler (sched.c), which
 * queues one struct qlink_record per result on the sockets of both ends.
 * Reading is the datagram code's: blocking with SO_RCVTIMEO, MSG_DONTWAIT,
 * MSG_PEEK, poll. The receive queue is bounded by SO_RCVBUF: the
 * scheduler gives a request no pair while a socket of it has no room, so
 * a slow reader holds its pairs back in the link's buffer instead of
 * growing memory.
 *
 * Locking: bind and release take RTNL (the device stays registered and
 * the NETDEV_UNREGISTER notifier, which unbinds sockets, is excluded) and
 * then the socket lock; the scheduling state is under the scheduler's
 * spinlock.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/qlink.h>

#include "core.h"
#include "sched.h"

static int qlink_family_nr = AF_QLINK_DEFAULT;
module_param_named(family, qlink_family_nr, int, 0444);
MODULE_PARM_DESC(family, "address family number of AF_QLINK sockets (default 23)");
/* socket(AF_QLINK, ...) loads the module (with the default number). */
MODULE_ALIAS_NETPROTO(AF_QLINK_DEFAULT);

/* Sockets not yet destroyed (debugfs "objects"). */
atomic_t qlink_nr_socks = ATOMIC_INIT(0);

/* skb->truesize of one record: what it costs in a receive queue. */
static unsigned int qlink_rec_truesize;

static struct proto qlink_proto = {
	.name		= "QLINK",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct qlink_sock),
};

/* Queue @rec on @qs (from the scheduler). Any context. */
int qlink_sock_put(struct qlink_sock *qs, const struct qlink_record *rec)
{
	struct sock *sk = &qs->sk;
	struct sk_buff *skb;

	lockdep_assert_held(&qs->sched->lock);
	skb = alloc_skb(sizeof(*rec), GFP_ATOMIC);
	if (skb) {
		skb_put_data(skb, rec, sizeof(*rec));
		/* SO_TIMESTAMP* report when the record was queued. */
		__net_timestamp(skb);
		if (!sock_queue_rcv_skb(sk, skb))
			return 0;
		kfree_skb(skb);
	}
	atomic_inc(&sk->sk_drops);
	/* A lost error must not go unnoticed: the next read reports it. */
	if (rec->kind == QLINK_REC_ERR) {
		sk->sk_err = ENOBUFS;
		sk_error_report(sk);
	}
	return -ENOBUFS;
}

/* Is there room for @n more records (n >= 1) in @qs's receive queue? */
bool qlink_sock_room(struct qlink_sock *qs, u32 n)
{
	struct sock *sk = &qs->sk;

	return atomic_read(&sk->sk_rmem_alloc) +
	       (u64)(n - 1) * qlink_rec_truesize < READ_ONCE(sk->sk_rcvbuf);
}

/*
 * The device @qs was bound to goes away: drop the reference; reads
 * return what is queued, then end of file.
 */
void qlink_sock_unbound(struct qlink_sock *qs, struct qlink *ql)
{
	struct sock *sk = &qs->sk;

	ASSERT_RTNL();
	lockdep_assert_held(&qs->sched->lock);
	netdev_put(ql->dev, &qs->dev_tracker);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sk->sk_state = TCP_CLOSE;
	sk->sk_state_change(sk);
}

static int qlink_sock_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct qlink_sock *qs;
	struct qlink *ql;

	if (!sk)
		return 0;
	qs = qlink_sk(sk);

	rtnl_lock();
	ql = qs->ql;
	if (ql) {
		qlink_sched_unbind(qs);
		netdev_put(ql->dev, &qs->dev_tracker);
	}
	rtnl_unlock();

	lock_sock(sk);
	sock_orphan(sk);
	sock->sk = NULL;
	release_sock(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	sock_put(sk);
	return 0;
}

static int qlink_sock_bind(struct socket *sock, struct sockaddr *uaddr,
			   int len)
{
	struct sockaddr_qlink *sq = (struct sockaddr_qlink *)uaddr;
	struct sock *sk = sock->sk;
	struct qlink_sock *qs = qlink_sk(sk);
	struct user_namespace *ns = sock_net(sk)->user_ns;
	struct qlink_bind_cred cred;
	struct net_device *dev;
	int err;

	if (len < (int)sizeof(*sq) || sq->sq_family != qlink_family_nr ||
	    sq->sq_pad || !sq->sq_purpose)
		return -EINVAL;
	/* asked before any lock: capability checks may log */
	cred.admin = ns_capable_noaudit(ns, CAP_NET_ADMIN);
	cred.prot = sq->sq_purpose < QLINK_PURPOSE_PROT &&
		    ns_capable(ns, CAP_NET_BIND_SERVICE);

	rtnl_lock();
	lock_sock(sk);
	if (qs->sched) {
		err = -EINVAL;		/* bound before */
		goto out;
	}
	dev = __dev_get_by_index(sock_net(sk), sq->sq_ifindex);
	if (!dev || !qlink_dev_is_qlink(dev)) {
		err = -ENODEV;
		goto out;
	}
	err = qlink_sched_bind(qs, qlink_from_dev(dev), sq->sq_purpose, &cred);
	if (!err) {
		netdev_hold(dev, &qs->dev_tracker, GFP_KERNEL);
		/* datagram_poll() says EPOLLHUP for a closed SEQPACKET socket */
		sk->sk_state = TCP_ESTABLISHED;
	}
out:
	release_sock(sk);
	rtnl_unlock();
	return err;
}

static int qlink_sock_getname(struct socket *sock, struct sockaddr *uaddr,
			      int peer)
{
	struct sockaddr_qlink *sq = (struct sockaddr_qlink *)uaddr;
	struct qlink_sock *qs = qlink_sk(sock->sk);
	struct qlink_sched *s = READ_ONCE(qs->sched);

	if (peer)
		return -EOPNOTSUPP;
	memset(sq, 0, sizeof(*sq));
	sq->sq_family = qlink_family_nr;
	if (s) {
		spin_lock_bh(&s->lock);
		if (qs->ql) {
			sq->sq_ifindex = qs->ql->dev->ifindex;
			sq->sq_purpose = qlink_sched_purpose_id(qs);
		}
		spin_unlock_bh(&s->lock);
	}
	return sizeof(*sq);
}

static int qlink_sock_setsockopt(struct socket *sock, int level, int optname,
				 sockptr_t optval, unsigned int optlen)
{
	struct qlink_sock *qs = qlink_sk(sock->sk);
	int val;

	if (level != SOL_QLINK)
		return -ENOPROTOOPT;
	if (optname != QLINK_SO_RECEIVE)
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	return qlink_sched_set_receive(qs, val != 0);
}

static int qlink_sock_getsockopt(struct socket *sock, int level, int optname,
				 char __user *optval, int __user *optlen)
{
	struct qlink_sock *qs = qlink_sk(sock->sk);
	int len, val;

	if (level != SOL_QLINK)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(int))
		return -EINVAL;
	switch (optname) {
	case QLINK_SO_RECEIVE:
		val = READ_ONCE(qs->receive);
		break;
	case QLINK_SO_OUTSTANDING:
		val = READ_ONCE(qs->n_reqs);
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = sizeof(int);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/* Fields of a CREATE request that are wrong whatever the link. */
static bool qlink_create_valid(const struct qlink_create *c)
{
	return c->type >= QLINK_REQ_KEEP && c->type <= QLINK_REQ_RSP &&
	       c->basis <= QLINK_BASIS_RANDOM &&
	       c->priority <= QLINK_PRIO_BATCH &&
	       !(c->flags & ~(QLINK_CREATE_ATOMIC | QLINK_CREATE_CONSECUTIVE)) &&
	       !c->reserved && c->number &&
	       c->number <= QLINK_CREATE_NUMBER_MAX &&
	       c->min_fidelity <= 1000000 &&
	       c->max_time <= QLINK_MAX_TIME_MAX;
}

static int qlink_sock_sendmsg(struct socket *sock, struct msghdr *msg,
			      size_t len)
{
	struct qlink_sock *qs = qlink_sk(sock->sk);
	struct qlink_create c;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (msg->msg_name)
		return -EINVAL;	/* the bind address is the only one */
	if (len != sizeof(c))
		return -EINVAL;
	if (memcpy_from_msg(&c, msg, sizeof(c)))
		return -EFAULT;
	if (!qlink_create_valid(&c))
		return -EINVAL;
	/* the class that preempts everyone else's: as SO_PRIORITY > 6 */
	if (c.priority == QLINK_PRIO_INTERACTIVE &&
	    !ns_capable(sock_net(sock->sk)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	err = qlink_sched_create(qs, &c);
	return err ?: len;
}

static int qlink_sock_recvmsg(struct socket *sock, struct msghdr *msg,
			      size_t size, int flags)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	size_t copied;
	int err;

	if (flags & (MSG_OOB | MSG_ERRQUEUE))
		return -EOPNOTSUPP;
	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb) {
		/* The device went away: end of file, waiting or not. */
		if (err == -EAGAIN &&
		    (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
			return 0;
		return err;
	}
	copied = skb->len;
	if (copied > size) {
		copied = size;
		msg->msg_flags |= MSG_TRUNC;
	}
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (!err) {
		sock_recv_cmsgs(msg, sk, skb);
		err = flags & MSG_TRUNC ? skb->len : copied;
	}
	skb_free_datagram(sk, skb);
	qlink_sched_room(qlink_sk(sk));
	return err;
}

/*
 * .family is informational here (the socket's sk_family is what the stack
 * uses): it names the default number even when the module was loaded
 * with another one.
 */
static const struct proto_ops qlink_proto_ops = {
	.family		= AF_QLINK_DEFAULT,
	.owner		= THIS_MODULE,
	.release	= qlink_sock_release,
	.bind		= qlink_sock_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= qlink_sock_getname,
	.poll		= datagram_poll,
	.ioctl		= sock_no_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= qlink_sock_setsockopt,
	.getsockopt	= qlink_sock_getsockopt,
	.sendmsg	= qlink_sock_sendmsg,
	.recvmsg	= qlink_sock_recvmsg,
	.mmap		= sock_no_mmap,
};

static void qlink_sock_destruct(struct sock *sk)
{
	struct qlink_sock *qs = qlink_sk(sk);

	skb_queue_purge(&sk->sk_receive_queue);
	if (qs->sched)
		qlink_sched_put(qs->sched);
	atomic_dec(&qlink_nr_socks);
}

static int qlink_sock_create(struct net *net, struct socket *sock,
			     int protocol, int kern)
{
	struct qlink_sock *qs;
	struct sock *sk;

	if (protocol)
		return -EPROTONOSUPPORT;
	if (sock->type != SOCK_SEQPACKET && sock->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;

	sk = sk_alloc(net, qlink_family_nr, GFP_KERNEL, &qlink_proto, kern);
	if (!sk)
		return -ENOMEM;
	sock->ops = &qlink_proto_ops;
	sock_init_data(sock, sk);
	sk->sk_destruct = qlink_sock_destruct;
	qs = qlink_sk(sk);
	INIT_LIST_HEAD(&qs->reqs);
	atomic_inc(&qlink_nr_socks);
	return 0;
}

static struct net_proto_family qlink_family_ops __ro_after_init = {
	.create	= qlink_sock_create,
	.owner	= THIS_MODULE,
};

int __init qlink_sock_init(void)
{
	struct sk_buff *skb;
	int err;

	if (qlink_family_nr <= 0 || qlink_family_nr >= NPROTO) {
		pr_err("qlink: family=%d is not a valid address family (1..%d)\n",
		       qlink_family_nr, NPROTO - 1);
		return -EINVAL;
	}
	skb = alloc_skb(sizeof(struct qlink_record), GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	qlink_rec_truesize = skb->truesize;
	kfree_skb(skb);

	qlink_family_ops.family = qlink_family_nr;
	err = proto_register(&qlink_proto, 1);
	if (err)
		return err;
	err = sock_register(&qlink_family_ops);
	if (err) {
		if (err == -EEXIST)
			pr_err("qlink: address family %d is taken in this kernel; load with qlink.family=N for a free one\n",
			       qlink_family_nr);
		proto_unregister(&qlink_proto);
		return err;
	}
	return 0;
}

void qlink_sock_exit(void)
{
	sock_unregister(qlink_family_nr);
	proto_unregister(&qlink_proto);
}
