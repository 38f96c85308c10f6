/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the link protocol (Documentation/qlink-protocol.rst),
 * shared by peer.c (configuration, liveness, state), peer_udp.c (the UDP
 * sockets, authentication, replay window, dispatch) and peer_tags.c (the
 * heralding across hosts: TAGS, HERALDS, LOST).
 */
#ifndef _QLINK_PEER_H
#define _QLINK_PEER_H

#include <linux/in6.h>
#include <linux/in.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <crypto/hash.h>
#include <net/qlink.h>

#include "match.h"
#include "wire.h"
#include "xcorr.h"

#define QLINK_PROTO_VERSION	1
#define QLINK_PROTO_HDR		24
#define QLINK_PROTO_MAC		16
/* largest UDP payload: no fragmentation at the IPv6 minimum MTU */
#define QLINK_PROTO_MAX		1200
#define QLINK_PROTO_BODY_MAX	(QLINK_PROTO_MAX - QLINK_PROTO_HDR - QLINK_PROTO_MAC)
#define QLINK_KEY_LEN		32
#define QLINK_REPLAY_BITS	1024

enum qlink_msg_type {
	QLINK_MSG_HELLO = 1,
	QLINK_MSG_TAGS,
	QLINK_MSG_HERALDS,
	QLINK_MSG_LOST,
};

#define QLINK_HELLO_LEN		56
#define QLINK_HELLO_RUNNING	BIT(0)
#define QLINK_HELLO_TAGS	BIT(1)
#define QLINK_HELLO_LOCKED	BIT(2)
#define QLINK_TAGS_HDR		28
#define QLINK_HERALDS_HDR	44
#define QLINK_LOST_LEN		16

/* A decoded header. */
struct qlink_msg {
	u8 type;
	u8 role;
	u32 link_id;
	u64 epoch;
	u64 counter;
	const u8 *body;
	u32 len;
};

/**
 * struct qlink_usock - a kernel UDP socket carrying the protocol of the
 *	links of one (netns, address family, local port)
 * @node: in the list of all of them; RTNL
 * @net: its netns (not counted: the pernet exit of that netns detaches
 *	the peers and closes the socket)
 * @family: AF_INET or AF_INET6
 * @port: local UDP port
 * @sock: the socket; its sk_user_data points here
 * @peers: the peers using it, by link id; RCU, written under RTNL
 * @unknown: messages that named no link of the socket
 */
struct qlink_usock {
	struct list_head node;
	struct net *net;
	sa_family_t family;
	u16 port;
	struct socket *sock;
	struct hlist_head peers;
	atomic64_t unknown;
};

/**
 * struct qlink_merge - the deciding end's two tag streams, waiting until
 *	both cover a time span (time-tag links only)
 * @t: tags per side (0: this end, 1: the peer's, in this end's clock)
 * @f: their flags
 * @n: tags buffered per side
 * @end: end of the time each side has reported, ps of this end's clock
 * @cut: time matched up to
 * @remote_next: where the peer's next span must start (its clock)
 * @gen: the peer's @gen this merge belongs to
 * @next_try: local time of the next lock attempt
 * @fit_sum: sum of b - a of the coincidences since the last drift
 *	correction
 * @fit_n: their number
 * @dry: tags matched since the last coincidence (lock lost?)
 * @xs: cross-correlation scratch
 * @out: heralds of one match, to send
 */
struct qlink_merge {
#define QLINK_MERGE_CAP		32768
	u64 t[2][QLINK_MERGE_CAP];
	u16 f[2][QLINK_MERGE_CAP];
	u32 n[2];
	u64 end[2];
	u64 cut;
	u64 remote_next;
	u32 gen;
	u64 next_try;
	s64 fit_sum;
	u32 fit_n;
	u32 dry;
	struct qcore_xcorr_scratch xs;
	struct qlink_herald out[QLINK_INGEST_COINC_MAX];
};

/**
 * struct qlink_peer - the link protocol of one link end
 *
 * Configuration, constant while the peer exists (a link-set replaces
 * the whole peer, under RTNL, while the link is down):
 * @ql: the link end
 * @rcu: freeing after the readers (ql->peer, @us's list)
 * @node: in @us->peers
 * @us: the UDP socket
 * @addr: the peer's address and port
 * @role: enum qlink_peer_role of this end
 * @timeout: jiffies without a message before the peer counts as gone
 * @keepalive: jiffies between hellos
 * @timeout_ms: @timeout as configured
 * @keepalive_ms: @keepalive as configured
 * @fingerprint: of the key; its upper half is the wire's link id
 * @link_id: the wire's link id
 * @tfm: HMAC-SHA256 keyed with the link key
 *
 * State, under @lock (BH-safe: the timer and the receive path are
 * softirqs), except where said:
 * @lock: see above
 * @running: the link is up; the protocol runs (also written under RTNL)
 * @state: enum qlink_peer_state
 * @epoch: this end's epoch
 * @counter: messages sent in @epoch; atomic, no lock
 * @peer_epoch: the peer's epoch, 0 before any
 * @live: the peer echoed @epoch: it is not a replay of an earlier run
 * @agree: the peer's configuration digest and role fit ours
 * @peer_flags: QLINK_HELLO_* of its last hello
 * @peer_link_no: its QLINK_A_LINK_ID
 * @rx_max: highest counter accepted in @peer_epoch
 * @window: replay bitmap below and at @rx_max
 * @last_rx: jiffies of the last accepted message
 * @echo_time: tx time of the peer's last hello (its clock)
 * @echo_rx_ns: when it arrived (our CLOCK_MONOTONIC)
 * @rtt_ns: round trip of the last hello answered
 * @clock_ps: the peer's link clock minus ours (valid with @clock_err)
 * @clock_err: its uncertainty, ps; 0 = unknown
 * @locked: (deciding end, time tags) @clock_ps comes from the tags
 * @tags_model: this end's driver reports time tags
 * @gen: bumped when what is shared with the peer is forgotten (restart,
 *	silence, link up): the merge of the tags starts afresh
 * @tx_lock: serialises building messages in @txbuf, and the fields
 *	of the sending side below it; taken after @lock
 * @txbuf: body of the message being built
 * @tx_h: (deciding end) records being encoded
 * @tags_batch: (following end) TAGS messages sent in @epoch
 * @h_sent: (deciding end) herald records sent in @epoch
 * @h_end: (deciding end) end of the span last sent, 0 = none yet
 * @rx_lock: serialises the following end's receiving of records (below);
 *	taken before @tx_lock, after @lock
 * @h_got: (following end) records received in the peer's epoch
 * @h_last_seq: (following end) last sequence number received
 * @h_last_t: (following end) last herald time stored, our clock
 * @rx_h: (following end) decoded records of one message
 * @rx_ev: (following end) them as herald events
 * @merge: (deciding end, time tags) the two streams, under @merge_lock
 * @merge_lock: serialises @merge and the matching of the deciding end;
 *	taken before @lock (lock order: merge_lock, lock, the pair lock)
 * @timer: hellos every @keepalive; the timeout
 * @ntf_work: link events for state changes (they need RTNL)
 * @notified: the state last announced; ntf_work only
 */
struct qlink_peer {
	struct qlink *ql;
	struct rcu_head rcu;
	struct hlist_node node;
	struct qlink_usock *us;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
		sa_family_t family;
	} addr;
	u32 role;
	unsigned long timeout;
	unsigned long keepalive;
	u32 timeout_ms;
	u32 keepalive_ms;
	u64 fingerprint;
	u32 link_id;
	struct crypto_shash *tfm;

	spinlock_t lock;	/* see above */
	bool running;
	u32 state;
	u64 epoch;
	atomic64_t counter;
	u64 peer_epoch;
	bool live;
	bool agree;
	u32 peer_flags;
	u32 peer_link_no;
	u64 rx_max;
	unsigned long window[QLINK_REPLAY_BITS / BITS_PER_LONG];
	unsigned long last_rx;
	u64 echo_time;
	u64 echo_rx_ns;
	u64 rtt_ns;
	s64 clock_ps;
	u64 clock_err;
	bool locked;
	bool tags_model;
	u32 gen;
	spinlock_t tx_lock;	/* see above */
	u8 txbuf[QLINK_PROTO_BODY_MAX];
	struct qcore_wire_herald tx_h[QLINK_PROTO_BODY_MAX / 5];
	u64 tags_batch;
	u64 h_sent;
	u64 h_end;
	spinlock_t rx_lock;	/* see above */
	u64 h_got;
	u64 h_last_seq;
	u64 h_last_t;
	struct qcore_wire_herald rx_h[QLINK_PROTO_BODY_MAX / 5];
	struct qlink_herald rx_ev[QLINK_PROTO_BODY_MAX / 5];

	struct qlink_merge *merge;
	spinlock_t merge_lock;	/* see above */

	struct timer_list timer;
	struct delayed_work ntf_work;
	u32 notified;
};

/* peer.c */
void qlink_peer_rx(struct qlink_peer *p, const struct qlink_msg *m);
void qlink_peer_update(struct qlink_peer *p);
void qlink_peer_hello(struct qlink_peer *p);

/* peer_udp.c */
int qlink_usock_get(struct net *net, sa_family_t family, u16 port,
		    struct qlink_usock **usp, struct netlink_ext_ack *extack);
void qlink_usock_put(struct qlink_usock *us);
int qlink_peer_send(struct qlink_peer *p, u8 type, const u8 *body, u32 len);
int qlink_peer_key(struct qlink_peer *p, const u8 *key);
void qlink_usock_net_exit(struct net *net);

/* peer_tags.c */
int qlink_peer_merge_alloc(struct qlink_peer *p);
void qlink_peer_merge_free(struct qlink_peer *p);
bool qlink_peer_rx_tags(struct qlink_peer *p, const struct qlink_msg *m);
bool qlink_peer_rx_heralds(struct qlink_peer *p, const struct qlink_msg *m);
bool qlink_peer_rx_lost(struct qlink_peer *p, const struct qlink_msg *m);

static inline void qlink_peer_count(struct qlink_peer *p, enum qlink_stat s,
				    u64 n)
{
	qlink_stats_add(p->ql, s, n);
}

#endif /* _QLINK_PEER_H */
