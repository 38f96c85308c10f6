// SPDX-License-Identifier: GPL-2.0
/*
 * The link protocol (Documentation/qlink-protocol.rst): a link end whose
 * other end is on another host. This file has the peer's configuration
 * (link-set's QLINK_A_LINK_PEER, or a driver's qlink_peer_set()), its
 * life with the link (start at link up, stop at link down), liveness
 * (hellos, epochs, the timeout), the agreement on the configuration, the
 * state and the carrier, and the receive checks 5-8. The transport is in
 * peer_udp.c, the heralding across hosts in peer_tags.c.
 *
 * Locking: a peer is created and replaced under RTNL while its link is
 * down, published in ql->peer and its socket's list with RCU; the
 * protocol's state is under peer->lock (see struct qlink_peer).
 */
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/unaligned.h>
#include <crypto/sha2.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "core.h"
#include "peer.h"

#define QLINK_TIMEOUT_MS_DEFAULT	3000
#define QLINK_KEEPALIVE_MS_DEFAULT	1000

/* Last epoch handed out: epochs grow even if CLOCK_REALTIME steps back. */
static u64 qlink_last_epoch;
static DEFINE_SPINLOCK(qlink_epoch_lock);

static u64 qlink_new_epoch(void)
{
	u64 e = ktime_get_real_ns();

	spin_lock_bh(&qlink_epoch_lock);
	if (e <= qlink_last_epoch)
		e = qlink_last_epoch + 1;
	qlink_last_epoch = e;
	spin_unlock_bh(&qlink_epoch_lock);
	return e;
}

static struct qlink_peer *qlink_peer_rtnl(struct qlink *ql)
{
	return rtnl_dereference(ql->peer);
}

/* SHA-256 of @tag || @data, the first 8 bytes as a big-endian u64. */
static u64 qlink_hash64(const char *tag, const void *data, size_t len)
{
	struct sha256_state st;
	u8 d[SHA256_DIGEST_SIZE];
	u64 v;

	sha256_init(&st);
	sha256_update(&st, tag, strlen(tag));
	sha256_update(&st, data, len);
	sha256_final(&st, d);
	v = get_unaligned_be64(d);
	memzero_explicit(d, sizeof(d));
	return v;
}

/* The digest of the configuration both ends must share. */
static u64 qlink_config_digest(struct qlink *ql)
{
	struct qlink_config c;
	u8 b[32];

	qlink_config_get(ql, &c);
	put_unaligned_be32(c.window_full, b);
	put_unaligned_be64(c.offset, b + 4);
	put_unaligned_be32(c.max_pairs, b + 12);
	put_unaligned_be32(c.memory_slots, b + 16);
	put_unaligned_be64(c.cutoff, b + 20);
	put_unaligned_be32(c.min_fidelity, b + 28);
	return qlink_hash64("qlink config", b, sizeof(b));
}

/* The state the protocol is in; caller holds p->lock. */
static u32 qlink_peer_state(struct qlink_peer *p)
{
	lockdep_assert_held(&p->lock);
	if (!p->running)
		return QLINK_PEER_DOWN;
	if (!p->live || !(p->peer_flags & QLINK_HELLO_RUNNING))
		return QLINK_PEER_CONNECTING;
	if (!p->agree)
		return QLINK_PEER_DISAGREE;
	if (p->role == QLINK_ROLE_DECIDE ? p->tags_model && !p->locked :
	    (p->peer_flags & QLINK_HELLO_TAGS) &&
	    !(p->peer_flags & QLINK_HELLO_LOCKED))
		return QLINK_PEER_CALIBRATING;
	return QLINK_PEER_UP;
}

/*
 * Recompute the state after a change; the carrier follows it at once (any
 * context), the link event from a work item (it needs RTNL). Caller holds
 * p->lock.
 */
void qlink_peer_update(struct qlink_peer *p)
{
	u32 s = qlink_peer_state(p);

	lockdep_assert_held(&p->lock);
	if (s == p->state)
		return;
	p->state = s;
	if (s == QLINK_PEER_UP)
		netif_carrier_on(p->ql->dev);
	else
		netif_carrier_off(p->ql->dev);
	schedule_delayed_work(&p->ntf_work, 0);
}

static void qlink_peer_ntf_work(struct work_struct *w)
{
	struct qlink_peer *p = container_of(to_delayed_work(w),
					    struct qlink_peer, ntf_work);

	/* qlink_peer_release() cancels this work under RTNL: never wait for it */
	if (!rtnl_trylock()) {
		schedule_delayed_work(&p->ntf_work, 1);
		return;
	}
	if (READ_ONCE(p->state) != p->notified) {
		p->notified = READ_ONCE(p->state);
		qlink_nl_notify(p->ql, QLINK_CMD_LINK_CHANGE_NTF,
				QLINK_CHANGE_PEER);
	}
	rtnl_unlock();
}

/*
 * The peer can no longer hold what we share with it (it restarted, or
 * fell silent): drop our pairs and the tags waiting for it. Caller holds
 * p->lock.
 */
static void qlink_peer_forget(struct qlink_peer *p)
{
	lockdep_assert_held(&p->lock);
	p->live = false;
	p->locked = false;
	spin_lock(&p->rx_lock);
	p->h_got = 0;
	p->h_last_seq = 0;
	p->h_last_t = 0;
	spin_unlock(&p->rx_lock);
	spin_lock(&p->tx_lock);
	p->h_sent = 0;
	p->h_end = 0;
	spin_unlock(&p->tx_lock);
	p->gen++;	/* the merge of the tags starts afresh */
	qlink_pairs_drop(p->ql, 0, U64_MAX, QLINK_DROP_PEER);
}

void qlink_peer_hello(struct qlink_peer *p)
{
	u8 b[QLINK_HELLO_LEN] = {};
	u64 now = ktime_get_ns();
	u32 flags = 0;

	spin_lock_bh(&p->lock);
	put_unaligned_be64(p->peer_epoch, b);
	put_unaligned_be64(now, b + 8);
	if (p->echo_time) {
		put_unaligned_be64(p->echo_time, b + 16);
		put_unaligned_be64(now - p->echo_rx_ns, b + 24);
	}
	if (qlink_pairs_started(p->ql)) {
		put_unaligned_be64(qlink_now_ps(p->ql), b + 32);
		flags |= QLINK_HELLO_RUNNING;
	}
	if (p->tags_model)
		flags |= QLINK_HELLO_TAGS;
	if (p->locked)
		flags |= QLINK_HELLO_LOCKED;
	put_unaligned_be64(qlink_config_digest(p->ql), b + 40);
	put_unaligned_be32(flags, b + 48);
	put_unaligned_be32(p->ql->id, b + 52);
	spin_unlock_bh(&p->lock);
	qlink_peer_send(p, QLINK_MSG_HELLO, b, sizeof(b));
}

/* Every keepalive: the timeout, then a hello. */
static void qlink_peer_timer(struct timer_list *t)
{
	struct qlink_peer *p = from_timer(p, t, timer);

	spin_lock_bh(&p->lock);
	if (!p->running) {
		spin_unlock_bh(&p->lock);
		return;
	}
	if (p->live && time_after(jiffies, p->last_rx + p->timeout)) {
		qlink_peer_count(p, QLINK_STAT_PEER_TIMEOUTS, 1);
		qlink_peer_forget(p);
		qlink_peer_update(p);
	}
	spin_unlock_bh(&p->lock);
	qlink_peer_hello(p);
	mod_timer(&p->timer, jiffies + p->keepalive);
}

/*
 * Check 7: @ctr against the replay window of the peer's epoch, and enter
 * it. Caller holds p->lock.
 */
static bool qlink_replay_ok(struct qlink_peer *p, u64 ctr)
{
	u64 k;

	lockdep_assert_held(&p->lock);
	if (!ctr)
		return false;
	if (ctr > p->rx_max) {
		u64 shift = ctr - p->rx_max;

		if (shift >= QLINK_REPLAY_BITS) {
			bitmap_zero(p->window, QLINK_REPLAY_BITS);
		} else {
			for (k = p->rx_max + 1; k <= ctr; k++)
				__clear_bit(k % QLINK_REPLAY_BITS, p->window);
		}
		p->rx_max = ctr;
	} else if (p->rx_max - ctr >= QLINK_REPLAY_BITS ||
		   test_bit(ctr % QLINK_REPLAY_BITS, p->window)) {
		return false;
	}
	__set_bit(ctr % QLINK_REPLAY_BITS, p->window);
	return true;
}

/* A HELLO's body; returns false if malformed. Caller holds p->lock. */
static bool qlink_peer_rx_hello(struct qlink_peer *p, const struct qlink_msg *m,
				bool *answer)
{
	const u8 *b = m->body;
	u64 now = ktime_get_ns(), echo_t, echo_d, peer_t;

	lockdep_assert_held(&p->lock);
	if (m->len != QLINK_HELLO_LEN)
		return false;
	echo_t = get_unaligned_be64(b + 16);
	echo_d = get_unaligned_be64(b + 24);
	peer_t = get_unaligned_be64(b + 32);
	p->peer_flags = get_unaligned_be32(b + 48);
	p->agree = get_unaligned_be64(b + 40) == qlink_config_digest(p->ql);
	p->echo_time = get_unaligned_be64(b + 8);
	p->echo_rx_ns = now;
	/* it has not seen this run of ours yet: tell it now */
	*answer = get_unaligned_be64(b) != p->epoch;
	if (!*answer && !p->live) {
		p->live = true;
		if (p->role == QLINK_ROLE_FOLLOW) {
			p->peer_link_no = get_unaligned_be32(b + 52);
			qlink_set_pair_link_id(p->ql, p->peer_link_no);
		}
	}
	if (echo_t && echo_t <= now && now - echo_t >= echo_d) {
		p->rtt_ns = now - echo_t - echo_d;
		/* the tags' offset, once found, is far better than this */
		if (!p->locked && peer_t && qlink_pairs_started(p->ql)) {
			u64 half = p->rtt_ns / 2 * 1000;

			p->clock_ps = (s64)(peer_t + half - qlink_now_ps(p->ql));
			p->clock_err = half + 1000;
		}
	}
	return true;
}

/**
 * qlink_peer_rx() - an authenticated message (peer_udp.c checked 1-4)
 * @p: its peer
 * @m: the message
 *
 * Checks 5-8 and acts on it. Softirq, under rcu_read_lock.
 */
void qlink_peer_rx(struct qlink_peer *p, const struct qlink_msg *m)
{
	bool answer = false, ok = true;

	if (m->role == p->role || !m->role || m->role > QLINK_ROLE_FOLLOW) {
		qlink_peer_count(p, QLINK_STAT_PROTO_RX_MALFORMED, 1);
		return;
	}
	spin_lock_bh(&p->lock);
	if (!p->running)
		goto stale;
	if (m->epoch > p->peer_epoch && m->type == QLINK_MSG_HELLO) {
		if (p->peer_epoch) {
			qlink_peer_count(p, QLINK_STAT_PEER_RESTARTS, 1);
			qlink_peer_forget(p);
		}
		p->peer_epoch = m->epoch;
		p->rx_max = 0;
		bitmap_zero(p->window, QLINK_REPLAY_BITS);
		p->echo_time = 0;
	}
	if (m->epoch != p->peer_epoch ||
	    (m->type != QLINK_MSG_HELLO && !p->live))
		goto stale;
	if (!qlink_replay_ok(p, m->counter)) {
		spin_unlock_bh(&p->lock);
		qlink_peer_count(p, QLINK_STAT_PROTO_RX_REPLAYED, 1);
		return;
	}
	p->last_rx = jiffies;
	switch (m->type) {
	case QLINK_MSG_HELLO:
		ok = qlink_peer_rx_hello(p, m, &answer);
		qlink_peer_update(p);
		break;
	case QLINK_MSG_TAGS:
	case QLINK_MSG_HERALDS:
	case QLINK_MSG_LOST:
		break;
	default:
		ok = false;
	}
	spin_unlock_bh(&p->lock);

	if (ok) {
		switch (m->type) {
		case QLINK_MSG_TAGS:
			ok = p->role == QLINK_ROLE_DECIDE &&
			     qlink_peer_rx_tags(p, m);
			break;
		case QLINK_MSG_HERALDS:
			ok = p->role == QLINK_ROLE_FOLLOW &&
			     qlink_peer_rx_heralds(p, m);
			break;
		case QLINK_MSG_LOST:
			ok = p->role == QLINK_ROLE_DECIDE &&
			     qlink_peer_rx_lost(p, m);
			break;
		}
	}
	if (!ok) {
		qlink_peer_count(p, QLINK_STAT_PROTO_RX_MALFORMED, 1);
		return;
	}
	qlink_peer_count(p, QLINK_STAT_PROTO_RX, 1);
	qlink_peer_count(p, QLINK_STAT_PROTO_RX_BYTES,
			 m->len + QLINK_PROTO_HDR + QLINK_PROTO_MAC);
	if (answer)
		qlink_peer_hello(p);
	return;

stale:
	spin_unlock_bh(&p->lock);
	qlink_peer_count(p, QLINK_STAT_PROTO_RX_STALE_EPOCH, 1);
}

/**
 * qlink_peer_start() - the link came up: a new epoch, hellos
 * @ql: the link
 *
 * From ndo_open, after the driver started (RTNL).
 */
void qlink_peer_start(struct qlink *ql)
{
	struct qlink_peer *p = qlink_peer_rtnl(ql);

	if (!p)
		return;
	netif_carrier_off(ql->dev);
	spin_lock_bh(&p->lock);
	p->epoch = qlink_new_epoch();
	atomic64_set(&p->counter, 0);
	p->live = false;
	p->locked = false;
	p->tags_model = false;
	p->echo_time = 0;
	spin_lock(&p->tx_lock);
	p->tags_batch = 0;
	p->h_sent = 0;
	p->h_end = 0;
	spin_unlock(&p->tx_lock);
	spin_lock(&p->rx_lock);
	p->h_got = 0;
	p->h_last_seq = 0;
	p->h_last_t = 0;
	spin_unlock(&p->rx_lock);
	p->running = true;
	p->last_rx = jiffies;
	p->gen++;
	qlink_peer_update(p);
	spin_unlock_bh(&p->lock);
	qlink_peer_hello(p);
	mod_timer(&p->timer, jiffies + p->keepalive);
}

/**
 * qlink_peer_stop() - the link goes down: the protocol stops
 * @ql: the link
 *
 * From ndo_stop, before the driver stops (RTNL). The peer notices by the
 * silence (or our next epoch).
 */
void qlink_peer_stop(struct qlink *ql)
{
	struct qlink_peer *p = qlink_peer_rtnl(ql);

	if (!p)
		return;
	spin_lock_bh(&p->lock);
	p->running = false;
	qlink_peer_update(p);
	spin_unlock_bh(&p->lock);
	del_timer_sync(&p->timer);
}

/*
 * Unpublish and free @ql's peer (RTNL; the link is down or going away,
 * as at ndo_uninit).
 */
void qlink_peer_release(struct qlink *ql)
{
	struct qlink_peer *p = qlink_peer_rtnl(ql);

	if (!p)
		return;
	qlink_peer_stop(ql);
	RCU_INIT_POINTER(ql->peer, NULL);
	hlist_del_rcu(&p->node);
	synchronize_net();
	del_timer_sync(&p->timer);
	cancel_delayed_work_sync(&p->ntf_work);
	qlink_usock_put(p->us);
	qlink_peer_merge_free(p);
	crypto_free_shash(p->tfm);
	kvfree(p);
}

/* The netns of the UDP socket: the caller's, or the one netns-fd names. */
static struct net *qlink_peer_net(struct net *net, struct nlattr **tb,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[QLINK_A_PEER_NETNS_FD];

	if (!a)
		return get_net(net);
	net = get_net_ns_by_fd(nla_get_s32(a));
	if (IS_ERR(net)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "not a network namespace");
		return net;
	}
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "CAP_NET_ADMIN over the socket's netns needed");
		put_net(net);
		return ERR_PTR(-EPERM);
	}
	return net;
}

static int qlink_peer_parse_addr(struct qlink_peer *p, struct nlattr **tb,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[QLINK_A_PEER_ADDRESS];
	__be16 port = htons(nla_get_u16(tb[QLINK_A_PEER_PORT]));

	switch (nla_len(a)) {
	case sizeof(struct in_addr):
		p->addr.v4.sin_family = AF_INET;
		p->addr.v4.sin_port = port;
		nla_memcpy(&p->addr.v4.sin_addr, a, sizeof(struct in_addr));
		if (ipv4_is_multicast(p->addr.v4.sin_addr.s_addr) ||
		    ipv4_is_zeronet(p->addr.v4.sin_addr.s_addr) ||
		    ipv4_is_lbcast(p->addr.v4.sin_addr.s_addr))
			break;
		return 0;
	case sizeof(struct in6_addr):
		p->addr.v6.sin6_family = AF_INET6;
		p->addr.v6.sin6_port = port;
		nla_memcpy(&p->addr.v6.sin6_addr, a, sizeof(struct in6_addr));
		if (ipv6_addr_type(&p->addr.v6.sin6_addr) &
		    (IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL | IPV6_ADDR_ANY))
			break;
		return 0;
	default:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "an IPv4 (4 bytes) or IPv6 (16 bytes) address needed");
		return -EINVAL;
	}
	NL_SET_ERR_MSG_ATTR(extack, a,
			    "a unicast address needed (not multicast, broadcast, unspecified or IPv6 link-local)");
	return -EINVAL;
}

/* A new peer from a parsed nest (RTNL). */
static struct qlink_peer *qlink_peer_new(struct qlink *ql, struct net *net,
					 struct nlattr **tb, u32 role,
					 const struct nlattr *nest,
					 struct netlink_ext_ack *extack)
{
	u32 timeout = QLINK_TIMEOUT_MS_DEFAULT;
	u32 keepalive = QLINK_KEEPALIVE_MS_DEFAULT;
	const u8 *key;
	struct qlink_peer *p;
	struct net *sock_net;
	u16 lport;
	int err;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, QLINK_A_PEER_ADDRESS) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, QLINK_A_PEER_PORT) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, QLINK_A_PEER_KEY)) {
		NL_SET_ERR_MSG(extack, "a peer needs an address, a port and a key");
		return ERR_PTR(-EINVAL);
	}
	if (tb[QLINK_A_PEER_ROLE]) {
		u32 r = nla_get_u32(tb[QLINK_A_PEER_ROLE]);

		if (role && r != role) {
			NL_SET_ERR_MSG_ATTR(extack, tb[QLINK_A_PEER_ROLE],
					    "the driver fixes this end's role");
			return ERR_PTR(-EINVAL);
		}
		role = r;
	}
	if (!role) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "QLINK_A_PEER_ROLE required (decide or follow)");
		return ERR_PTR(-EINVAL);
	}
	if (tb[QLINK_A_PEER_TIMEOUT])
		timeout = nla_get_u32(tb[QLINK_A_PEER_TIMEOUT]);
	if (tb[QLINK_A_PEER_KEEPALIVE])
		keepalive = nla_get_u32(tb[QLINK_A_PEER_KEEPALIVE]);
	if (keepalive >= timeout) {
		NL_SET_ERR_MSG_ATTR(extack, tb[QLINK_A_PEER_KEEPALIVE] ?:
				    tb[QLINK_A_PEER_TIMEOUT],
				    "the keepalive must be shorter than the timeout");
		return ERR_PTR(-EINVAL);
	}

	p = kvzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->ql = ql;
	p->role = role;
	p->timeout_ms = timeout;
	p->keepalive_ms = keepalive;
	p->timeout = msecs_to_jiffies(timeout);
	p->keepalive = msecs_to_jiffies(keepalive);
	p->state = QLINK_PEER_DOWN;
	p->notified = QLINK_PEER_DOWN;
	spin_lock_init(&p->lock);
	spin_lock_init(&p->merge_lock);
	spin_lock_init(&p->tx_lock);
	spin_lock_init(&p->rx_lock);
	timer_setup(&p->timer, qlink_peer_timer, 0);
	INIT_DELAYED_WORK(&p->ntf_work, qlink_peer_ntf_work);
	err = qlink_peer_parse_addr(p, tb, extack);
	if (err)
		goto err_free;

	key = nla_data(tb[QLINK_A_PEER_KEY]);
	p->fingerprint = qlink_hash64("qlink key", key, QLINK_KEY_LEN);
	p->link_id = p->fingerprint >> 32;
	err = qlink_peer_key(p, key);
	if (err) {
		NL_SET_ERR_MSG(extack, "no hmac(sha256) in this kernel");
		goto err_free;
	}
	if (role == QLINK_ROLE_DECIDE) {
		err = qlink_peer_merge_alloc(p);
		if (err)
			goto err_tfm;
	}

	sock_net = qlink_peer_net(net, tb, extack);
	if (IS_ERR(sock_net)) {
		err = PTR_ERR(sock_net);
		goto err_merge;
	}
	lport = tb[QLINK_A_PEER_LOCAL_PORT] ?
		nla_get_u16(tb[QLINK_A_PEER_LOCAL_PORT]) :
		nla_get_u16(tb[QLINK_A_PEER_PORT]);
	err = qlink_usock_get(sock_net, p->addr.family, lport, &p->us, extack);
	put_net(sock_net);
	if (err)
		goto err_merge;
	return p;

err_merge:
	qlink_peer_merge_free(p);
err_tfm:
	crypto_free_shash(p->tfm);
err_free:
	kvfree(p);
	return ERR_PTR(err);
}

/* Is another link of @us already named @id? */
static bool qlink_usock_taken(struct qlink_usock *us, u32 id,
			      struct qlink_peer *except)
{
	struct qlink_peer *q;

	hlist_for_each_entry(q, &us->peers, node)
		if (q != except && q->link_id == id)
			return true;
	return false;
}

/**
 * qlink_peer_set() - see <net/qlink.h>
 * @ql: the link, down
 * @net: netns of the UDP socket unless the nest names one
 * @nest: enum qlink_peer_attr
 * @role: the driver's enum qlink_peer_role, or 0
 * @extack: for errors
 *
 * Return: 0 or a negative errno with an extack message.
 */
int qlink_peer_set(struct qlink *ql, struct net *net, const struct nlattr *nest,
		   u32 role, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[QLINK_A_PEER_MAX + 1];
	struct qlink_peer *p, *old = qlink_peer_rtnl(ql);
	int err;

	ASSERT_RTNL();
	err = nla_parse_nested(tb, QLINK_A_PEER_MAX, nest, qlink_peer_nl_policy,
			       extack);
	if (err)
		return err;
	if (ql->dev->flags & IFF_UP) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "the peer of a link cannot change while it is up");
		return -EBUSY;
	}
	if (tb[QLINK_A_PEER_CLEAR]) {
		qlink_peer_release(ql);
		return 0;
	}
	p = qlink_peer_new(ql, net, tb, role, nest, extack);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (qlink_usock_taken(p->us, p->link_id, old)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[QLINK_A_PEER_KEY],
				    "another link on this UDP port has the same key");
		qlink_usock_put(p->us);
		qlink_peer_merge_free(p);
		crypto_free_shash(p->tfm);
		kvfree(p);
		return -EEXIST;
	}
	/* first on the socket's list, so that a shared socket stays open */
	hlist_add_head_rcu(&p->node, &p->us->peers);
	qlink_peer_release(ql);
	rcu_assign_pointer(ql->peer, p);
	return 0;
}
EXPORT_SYMBOL_GPL(qlink_peer_set);

/* link-set's QLINK_A_LINK_PEER (RTNL). */
int qlink_peer_nl_set(struct qlink *ql, struct net *net,
		      const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	int err = qlink_peer_set(ql, net, nest, 0, extack);

	if (!err)
		qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF,
				QLINK_CHANGE_PEER);
	return err;
}

/* QLINK_A_LINK_PEER of a link message (RTNL). */
int qlink_peer_fill(struct sk_buff *msg, struct qlink *ql)
{
	struct qlink_peer *p = qlink_peer_rtnl(ql);
	u64 epoch, peer_epoch, rtt, err_ps;
	struct nlattr *nest;
	bool v4, clock;
	u32 state;
	s64 off;

	if (!p)
		return 0;
	spin_lock_bh(&p->lock);
	state = p->state;
	epoch = p->running ? p->epoch : 0;
	peer_epoch = p->peer_epoch;
	rtt = p->rtt_ns;
	clock = p->clock_err && p->live;
	off = p->clock_ps;
	err_ps = p->clock_err;
	spin_unlock_bh(&p->lock);

	v4 = p->addr.family == AF_INET;
	nest = nla_nest_start(msg, QLINK_A_LINK_PEER);
	if (!nest)
		return -EMSGSIZE;
	if ((v4 ? nla_put_in_addr(msg, QLINK_A_PEER_ADDRESS,
				  p->addr.v4.sin_addr.s_addr) :
		  nla_put_in6_addr(msg, QLINK_A_PEER_ADDRESS,
				   &p->addr.v6.sin6_addr)) ||
	    nla_put_u16(msg, QLINK_A_PEER_PORT,
			ntohs(v4 ? p->addr.v4.sin_port : p->addr.v6.sin6_port)) ||
	    nla_put_u16(msg, QLINK_A_PEER_LOCAL_PORT, p->us->port) ||
	    nla_put_u32(msg, QLINK_A_PEER_ROLE, p->role) ||
	    nla_put_u32(msg, QLINK_A_PEER_TIMEOUT, p->timeout_ms) ||
	    nla_put_u32(msg, QLINK_A_PEER_KEEPALIVE, p->keepalive_ms) ||
	    nla_put_u64_64bit(msg, QLINK_A_PEER_FINGERPRINT, p->fingerprint,
			      QLINK_A_PEER_PAD) ||
	    nla_put_u32(msg, QLINK_A_PEER_STATE, state) ||
	    (epoch && nla_put_u64_64bit(msg, QLINK_A_PEER_EPOCH, epoch,
					QLINK_A_PEER_PAD)) ||
	    (peer_epoch && nla_put_u64_64bit(msg, QLINK_A_PEER_PEER_EPOCH,
					     peer_epoch, QLINK_A_PEER_PAD)) ||
	    (rtt && nla_put_u64_64bit(msg, QLINK_A_PEER_RTT, rtt,
				      QLINK_A_PEER_PAD)) ||
	    (clock && (nla_put_s64(msg, QLINK_A_PEER_CLOCK_OFFSET, off,
				   QLINK_A_PEER_PAD) ||
		       nla_put_u64_64bit(msg, QLINK_A_PEER_CLOCK_OFFSET_ERROR,
					 err_ps, QLINK_A_PEER_PAD)))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Messages on @ql's socket that named no link (proto-rx-unknown-link). */
u64 qlink_peer_unknown(struct qlink *ql)
{
	struct qlink_peer *p = qlink_peer_rtnl(ql);

	return p ? atomic64_read(&p->us->unknown) : 0;
}

/*
 * A netns goes away: the links whose protocol socket is in it lose their
 * peer (they may live in another netns).
 */
static void __net_exit qlink_peer_net_exit(struct net *net)
{
	unsigned long id = 0;
	struct qlink *ql;

	rtnl_lock();
	for (; (ql = qlink_find_from(&id)); id++) {
		struct qlink_peer *p = qlink_peer_rtnl(ql);

		if (p && net_eq(p->us->net, net)) {
			qlink_peer_release(ql);
			qlink_nl_notify(ql, QLINK_CMD_LINK_CHANGE_NTF,
					QLINK_CHANGE_PEER);
		}
	}
	rtnl_unlock();
}

static struct pernet_operations qlink_peer_net_ops = {
	.exit = qlink_peer_net_exit,
};

int __init qlink_peer_init(void)
{
	return register_pernet_device(&qlink_peer_net_ops);
}

void qlink_peer_exit(void)
{
	unregister_pernet_device(&qlink_peer_net_ops);
}
