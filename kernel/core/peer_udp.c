// SPDX-License-Identifier: GPL-2.0
/*
 * The link protocol's transport (Documentation/qlink-protocol.rst): kernel
 * UDP tunnel sockets, one per (netns, address family, local port) shared
 * by the links that use it, as WireGuard's and TIPC's UDP bearer are;
 * HMAC-SHA256 of every message with the link key through the crypto API;
 * and the first receive checks, in the order the document gives, before
 * anything of a message is believed. A message is parsed in the socket
 * buffer it came in (pulled linear, at most QLINK_PROTO_MAX bytes):
 * nothing is allocated for it.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <asm/unaligned.h>
#include <crypto/algapi.h>
#include <crypto/sha2.h>
#include <net/ipv6_stubs.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "core.h"
#include "peer.h"

/* All sockets; RTNL. */
static LIST_HEAD(qlink_usocks);

static int qlink_udp_rcv(struct sock *sk, struct sk_buff *skb);

/**
 * qlink_usock_get() - the protocol's socket of (@net, @family, @port)
 * @net: netns
 * @family: AF_INET or AF_INET6
 * @port: local UDP port
 * @usp: set to the socket
 * @extack: for the error
 *
 * Creates it if there is none. A socket lives while peers use it: a
 * caller that adds none must qlink_usock_put() it. RTNL.
 *
 * Return: 0 or a negative errno (the port is taken, no memory).
 */
int qlink_usock_get(struct net *net, sa_family_t family, u16 port,
		    struct qlink_usock **usp, struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = qlink_udp_rcv,
	};
	struct udp_port_cfg ucfg = {
		.family = family,
		.local_udp_port = htons(port),
		.ipv6_v6only = 1,
	};
	struct qlink_usock *us;
	int err;

	ASSERT_RTNL();
	list_for_each_entry(us, &qlink_usocks, node) {
		if (net_eq(us->net, net) && us->family == family &&
		    us->port == port) {
			*usp = us;
			return 0;
		}
	}
	us = kzalloc(sizeof(*us), GFP_KERNEL);
	if (!us)
		return -ENOMEM;
	err = udp_sock_create(net, &ucfg, &us->sock);
	if (err) {
		NL_SET_ERR_MSG(extack,
			       "cannot bind the local UDP port of the link protocol (taken by another socket?)");
		kfree(us);
		return err;
	}
	us->net = net;
	us->family = family;
	us->port = port;
	INIT_HLIST_HEAD(&us->peers);
	atomic64_set(&us->unknown, 0);
	tcfg.sk_user_data = us;
	setup_udp_tunnel_sock(net, us->sock, &tcfg);
	list_add(&us->node, &qlink_usocks);
	*usp = us;
	return 0;
}

/* Close @us once no peer uses it. RTNL. */
void qlink_usock_put(struct qlink_usock *us)
{
	ASSERT_RTNL();
	if (!hlist_empty(&us->peers))
		return;
	list_del(&us->node);
	udp_tunnel_sock_release(us->sock);
	/* receivers that still see it hold rcu_read_lock */
	synchronize_net();
	kfree(us);
}

/* Set @p's HMAC key. Process context. */
int qlink_peer_key(struct qlink_peer *p, const u8 *key)
{
	struct crypto_shash *tfm;
	int err;

	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, key, QLINK_KEY_LEN);
	if (err) {
		crypto_free_shash(tfm);
		return err;
	}
	p->tfm = tfm;
	return 0;
}

/* The first QLINK_PROTO_MAC bytes of HMAC-SHA256(key, @data). */
static int qlink_mac(struct qlink_peer *p, const u8 *data, u32 len, u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, p->tfm);
	u8 d[SHA256_DIGEST_SIZE];
	int err;

	desc->tfm = p->tfm;
	err = crypto_shash_digest(desc, data, len, d);
	shash_desc_zero(desc);
	memcpy(mac, d, QLINK_PROTO_MAC);
	memzero_explicit(d, sizeof(d));
	return err;
}

static int qlink_xmit4(struct qlink_peer *p, struct sk_buff *skb)
{
	struct qlink_usock *us = p->us;
	struct flowi4 fl4 = {
		.daddr = p->addr.v4.sin_addr.s_addr,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_dport = p->addr.v4.sin_port,
		.fl4_sport = htons(us->port),
	};
	struct rtable *rt;

	rt = ip_route_output_key(us->net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	udp_tunnel_xmit_skb(rt, us->sock->sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, htons(us->port),
			    p->addr.v4.sin_port, false, false);
	return 0;
}

static int qlink_xmit6(struct qlink_peer *p, struct sk_buff *skb)
{
	struct qlink_usock *us = p->us;
	struct flowi6 fl6 = {
		.daddr = p->addr.v6.sin6_addr,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_dport = p->addr.v6.sin6_port,
		.fl6_sport = htons(us->port),
	};
	struct dst_entry *dst;

	dst = ipv6_stub->ipv6_dst_lookup_flow(us->net, us->sock->sk, &fl6,
					      NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	return udp_tunnel6_xmit_skb(dst, us->sock->sk, skb, NULL, &fl6.saddr,
				    &fl6.daddr, 0, ip6_dst_hoplimit(dst), 0,
				    htons(us->port), p->addr.v6.sin6_port,
				    false);
}

/**
 * qlink_peer_send() - send one message to @p's peer
 * @p: the peer
 * @type: enum qlink_msg_type
 * @body: the body
 * @len: its length, at most QLINK_PROTO_BODY_MAX
 *
 * Adds the header with the next counter of the epoch and the MAC. Any
 * context but hard interrupts; never sleeps.
 *
 * Return: 0, or a negative errno (counted in proto-tx-errors).
 */
int qlink_peer_send(struct qlink_peer *p, u8 type, const u8 *body, u32 len)
{
	u32 hr = LL_MAX_HEADER + sizeof(struct ipv6hdr) + sizeof(struct udphdr);
	struct sk_buff *skb;
	u8 *h;
	int err;

	if (WARN_ON_ONCE(len > QLINK_PROTO_BODY_MAX))
		return -EMSGSIZE;
	skb = alloc_skb(hr + QLINK_PROTO_HDR + len + QLINK_PROTO_MAC,
			GFP_ATOMIC);
	if (!skb) {
		err = -ENOMEM;
		goto fail;
	}
	skb_reserve(skb, hr);
	h = skb_put(skb, QLINK_PROTO_HDR);
	h[0] = QLINK_PROTO_VERSION;
	h[1] = type;
	h[2] = p->role;
	h[3] = 0;
	put_unaligned_be32(p->link_id, h + 4);
	put_unaligned_be64(READ_ONCE(p->epoch), h + 8);
	put_unaligned_be64(atomic64_inc_return(&p->counter), h + 16);
	skb_put_data(skb, body, len);
	len = skb->len;		/* what the MAC covers */
	err = qlink_mac(p, skb->data, len, skb_put(skb, QLINK_PROTO_MAC));
	if (err) {
		kfree_skb(skb);
		goto fail;
	}
	len = skb->len;
	local_bh_disable();
	err = p->addr.family == AF_INET ? qlink_xmit4(p, skb) :
					  qlink_xmit6(p, skb);
	local_bh_enable();
	if (err)
		goto fail;
	qlink_peer_count(p, QLINK_STAT_PROTO_TX, 1);
	qlink_peer_count(p, QLINK_STAT_PROTO_TX_BYTES, len);
	return 0;

fail:
	qlink_peer_count(p, QLINK_STAT_PROTO_TX_ERRORS, 1);
	return err;
}

static struct qlink_peer *qlink_usock_find(struct qlink_usock *us, u32 id)
{
	struct qlink_peer *p;

	hlist_for_each_entry_rcu(p, &us->peers, node)
		if (p->link_id == id)
			return p;
	return NULL;
}

/*
 * encap_rcv of the sockets, softirq under rcu_read_lock, the UDP checksum
 * verified: the receive checks 1-4 of the protocol, then the peer's.
 * Every datagram is consumed here.
 */
static int qlink_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct qlink_usock *us = rcu_dereference_sk_user_data(sk);
	u32 len = skb->len - sizeof(struct udphdr);
	u8 mac[QLINK_PROTO_MAC];
	struct qlink_peer *p;
	struct qlink_msg m;
	const u8 *d;

	if (!us)
		goto drop;
	/* the link id (bytes 4-7) names whose counters see the rest */
	if (len < 8 || !pskb_may_pull(skb, sizeof(struct udphdr) +
				      min_t(u32, len, QLINK_PROTO_MAX)))
		goto unknown;
	d = skb->data + sizeof(struct udphdr);
	p = qlink_usock_find(us, get_unaligned_be32(d + 4));
	if (!p)
		goto unknown;
	if (len < QLINK_PROTO_HDR + QLINK_PROTO_MAC) {
		qlink_peer_count(p, QLINK_STAT_PROTO_RX_TRUNCATED, 1);
		goto drop;
	}
	if (len > QLINK_PROTO_MAX) {
		qlink_peer_count(p, QLINK_STAT_PROTO_RX_OVERSIZED, 1);
		goto drop;
	}
	if (d[0] != QLINK_PROTO_VERSION) {
		qlink_peer_count(p, QLINK_STAT_PROTO_RX_BAD_VERSION, 1);
		goto drop;
	}
	if (qlink_mac(p, d, len - QLINK_PROTO_MAC, mac) ||
	    crypto_memneq(mac, d + len - QLINK_PROTO_MAC, QLINK_PROTO_MAC)) {
		qlink_peer_count(p, QLINK_STAT_PROTO_RX_BAD_MAC, 1);
		goto drop;
	}
	m = (struct qlink_msg) {
		.type = d[1],
		.role = d[2],
		.link_id = get_unaligned_be32(d + 4),
		.epoch = get_unaligned_be64(d + 8),
		.counter = get_unaligned_be64(d + 16),
		.body = d + QLINK_PROTO_HDR,
		.len = len - QLINK_PROTO_HDR - QLINK_PROTO_MAC,
	};
	qlink_peer_rx(p, &m);
	consume_skb(skb);
	return 0;

unknown:
	atomic64_inc(&us->unknown);
drop:
	kfree_skb(skb);
	return 0;
}
