/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the qlink selftests: a libnl generic netlink socket on
 * the "qlink" family, with extended ACKs so tests can check the kernel's
 * error messages.
 */
#ifndef _QLINK_SELFTEST_NL_H
#define _QLINK_SELFTEST_NL_H

#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/if_link.h>
#include <linux/qlink.h>
#include <qlink_attrs.h>

struct qlink_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* last error reported by the kernel (negative) */
	char extack[256];	/* its extack message, if any */
	/* the rest of its extended ACK: the offset of the bad attribute in
	 * the request (0: none) and the range of NLMSGERR_ATTR_POLICY */
	uint32_t err_off;
	int has_pol_s, has_pol_u;
	int64_t pol_smin, pol_smax;
	uint64_t pol_umin, pol_umax;
	/* the last request as sent, for err_off */
	unsigned char req[4096];
	uint32_t req_len;
	/* genl sockets: an rtnetlink socket of the same netns, for the
	 * PV_SIM settings of qlink_nl_set() */
	struct qlink_nl *rt;
};

/* Open a socket in the caller's current netns; returns 0 or -errno. */
int qlink_nl_open(struct qlink_nl *nl);
void qlink_nl_close(struct qlink_nl *nl);

/* Start a request for CMD; returns the message to add attributes to. */
struct nl_msg *qlink_nl_msg(struct qlink_nl *nl, int cmd, int flags);

/*
 * Send MSG (freed) and receive replies, calling PARSE for each with the
 * attributes parsed against QLINK_A_MAX. Returns 0 or the kernel's -errno,
 * with its extack message in nl->extack.
 */
int qlink_nl_transact(struct qlink_nl *nl, struct nl_msg *msg,
		      int (*parse)(struct nlattr **attrs, void *arg), void *arg);

/*
 * rtnetlink on the same plumbing: a NETLINK_ROUTE socket with extended
 * ACKs; qlink_nl_transact() works on it with PARSE = NULL.
 */
int qlink_rt_open(struct qlink_nl *nl);

/*
 * One setting of a link: attribute and value. The attribute names its
 * group: PV_CFG(X) (enum qlink_config_attr, QLINK_A_CONFIG_X), PV_CAL(X)
 * (enum qlink_calib_attr, QLINK_A_CALIB_X) or PV_SIM(X) (enum
 * qlinksim_info_attr, IFLA_QLINKSIM_X). A list of settings is routed by
 * group: the configuration and the calibration to LINK_SET (nests
 * QLINK_A_LINK_CONFIG and QLINK_A_LINK_CALIB), qlinksim's physics to
 * RTM_NEWLINK IFLA_INFO_DATA. Purpose settings (qlink_nl_purpose_set())
 * use plain enum qlink_purpose_attr numbers.
 */
struct qlink_pv {
	int attr;
	int64_t val;
};

#define QLINK_PV_CONFIG		0x10000
#define QLINK_PV_CALIB		0x20000
#define QLINK_PV_SIM		0x30000
#define QLINK_PV_GROUP(a)	((a) & 0xf0000)
#define QLINK_PV_ATTR(a)	((a) & 0xffff)
#define PV_CFG(x)		(QLINK_PV_CONFIG | QLINK_A_CONFIG_##x)
#define PV_CAL(x)		(QLINK_PV_CALIB | QLINK_A_CALIB_##x)
#define PV_SIM(x)		(QLINK_PV_SIM | IFLA_QLINKSIM_##x)

/* Wire width of setting ATTR (PV_*): 1, 4 or 8 bytes. */
int qlink_pv_width(int attr);

/* Add the settings of PV of group GROUP (QLINK_PV_*), in a nest TYPE if
 * TYPE > 0, else flat. */
int qlink_put_group(struct nl_msg *msg, int type, int group,
		    const struct qlink_pv *pv, int n);

/* Value of setting attribute ATTR (PV_*), sign-extended if signed. */
int64_t qlink_pv_get(int attr, struct nlattr *nla);

/*
 * RTM_NEWLINK of a qlinksim pair: end A NAME in the caller's netns, end B
 * PEER (NULL: kernel's choice) in the netns of PEER_NSFD (-1: the same),
 * with N settings PV: PV_SIM ones in IFLA_INFO_DATA, PV_CFG ones in
 * IFLA_QLINKSIM_CONFIG (PV_CAL ones: -EINVAL, a calibration is the
 * driver's report). Returns 0 or -errno with the extack in rt->extack.
 */
int qlinksim_create(struct qlink_nl *rt, const char *name, const char *peer,
		    int peer_nsfd, const struct qlink_pv *pv, int n);

/*
 * RTM_NEWLINK on the existing qlinksim NAME (changelink): PV_SIM settings
 * in IFLA_INFO_DATA, PV_CFG ones in an IFLA_QLINKSIM_CONFIG nest (which
 * changelink refuses). 0 or -errno (+ rt->extack).
 */
int qlinksim_change(struct qlink_nl *rt, const char *name,
		    const struct qlink_pv *pv, int n);

/* qlinksim's attributes of NAME (RTM_GETLINK IFLA_INFO_DATA), by enum
 * qlinksim_info_attr; 0 or -errno (-ENOENT if there was no IFLA_INFO_DATA). */
struct qlinksim_v {
	int64_t v[IFLA_QLINKSIM_MAX + 1];
	int has[IFLA_QLINKSIM_MAX + 1];
};
int qlinksim_get(struct qlink_nl *rt, const char *name, struct qlinksim_v *s);

/* The attribute (type, in the request as sent) the last error pointed at
 * with NLMSGERR_ATTR_OFFS, or -1. */
int qlink_nl_err_attr(const struct qlink_nl *nl);

/* RTM_DELLINK by name; returns 0 or -errno. */
int qlink_rt_del(struct qlink_nl *rt, const char *name);

/* RTM_NEWLINK changing IFF_UP of NAME; returns 0 or -errno. */
int qlink_rt_set_up(struct qlink_nl *rt, const char *name, int up);

/*
 * Ask the qlink family about one link (LINK_GET or STATS_GET by name);
 * PARSE gets the reply. Returns 0 or -errno.
 */
int qlink_nl_get(struct qlink_nl *nl, int cmd, const char *name,
		 int (*parse)(struct nlattr **attrs, void *arg), void *arg);

/*
 * N settings PV of NAME at once: PV_SIM ones with RTM_NEWLINK (changelink,
 * first), PV_CFG and PV_CAL ones with one LINK_SET. Returns 0 or -errno
 * (+ nl->extack and the rest of the extended ACK).
 */
int qlink_nl_set(struct qlink_nl *nl, const char *name,
		 const struct qlink_pv *pv, int n);

/* Join multicast group GROUP of the family (events socket, no seq check). */
int qlink_nl_subscribe(struct qlink_nl *nl, const char *group);

/*
 * Read events until PARSE returns non-zero or TIMEOUT_MS pass without one.
 * PARSE gets the command and the attributes. Returns 0, or -ETIMEDOUT.
 */
int qlink_nl_events(struct qlink_nl *nl, int timeout_ms,
		    int (*parse)(int cmd, struct nlattr **attrs, void *arg),
		    void *arg);

/* Objects the core has allocated (debugfs "links N"), or -1. */
int qlink_objects_links(void);

/* Any counter of debugfs qlink/objects ("links", "pair_bytes"), or -1. */
long qlink_objects_get(const char *name);

/*
 * PAIR_GET dump of link NAME: PARSE gets each reply (one pair each).
 * Returns 0 or -errno.
 */
int qlink_nl_dump_pairs(struct qlink_nl *nl, const char *name,
			int (*parse)(struct nlattr **attrs, void *arg),
			void *arg);

/* The statistics of a link, by enum qlink_stats_attr (signed ones too). */
struct qlink_stats_v {
	int64_t v[QLINK_A_STATS_MAX + 1];
	int has[QLINK_A_STATS_MAX + 1];
};

/* STATS_GET of NAME into ST; returns 0 or -errno. */
int qlink_nl_stats(struct qlink_nl *nl, const char *name,
		   struct qlink_stats_v *st);

/* One pair of a dump or event, from a QLINK_A_PAIR nest. */
struct qlink_pair_v {
	uint64_t seq, trace_id, herald_ps, age_ps, link_time;
	uint32_t link_id, f_herald, f_now, state, slot;
	int has_slot;
	uint8_t bell;
};

/* Parse a QLINK_A_PAIR nest; returns 0 or -EINVAL. */
int qlink_parse_pair(struct nlattr *nest, struct qlink_pair_v *p);

/* The pairs of a PAIR_GET dump, in dump order; room for the largest test. */
#define QLINK_PAIR_LIST_MAX	4096
struct qlink_pair_list {
	int n;
	struct qlink_pair_v p[QLINK_PAIR_LIST_MAX];
};

/* qlink_nl_dump_pairs() callback appending to a struct qlink_pair_list. */
int qlink_pair_list_add(struct nlattr **attrs, void *arg);

/* ---- AF_QLINK sockets, two namespaces, purposes (the sock_* tests) ---- */

/* The family number: /sys/module/qlink/parameters/family, else AF_QLINK. */
int qlink_af(void);

/*
 * Namespaces. qlink_netns_unshare() moves the caller into a new netns and
 * returns an fd of it; qlink_netns_new() makes another one and returns its
 * fd, the caller staying where it is. Both return -errno on failure.
 */
int qlink_netns_unshare(void);
int qlink_netns_new(void);

/*
 * An AF_QLINK socket of TYPE created in the netns NSFD (-1: the caller's),
 * with SO_RCVTIMEO of QLINK_SOCK_TIMEOUT_MS so no read blocks forever.
 * Returns the fd or -errno.
 */
#define QLINK_SOCK_TIMEOUT_MS	10000
int qlink_sock_in(int nsfd, int type);

/* bind() to (IFINDEX, PURPOSE); 0 or -errno. */
int qlink_sock_bind(int fd, int ifindex, uint32_t purpose);
/* QLINK_SO_RECEIVE; 0 or -errno. */
int qlink_sock_receive(int fd, int on);
/* QLINK_SO_OUTSTANDING, or -errno. */
int qlink_sock_outstanding(int fd);
/* SO_RCVTIMEO in ms (0: block forever); 0 or -errno. */
int qlink_sock_timeout(int fd, int ms);

/* A valid request: TYPE, NUMBER pairs, normal priority, no deadline. */
void qlink_create_init(struct qlink_create *c, uint32_t id, uint32_t number,
		       int type);
/* send() a request: 0 when the whole struct was taken, else -errno. */
int qlink_sock_create(int fd, const struct qlink_create *c);
/*
 * recv() one record: 1 with a whole record, 0 at end of file, -errno
 * (-EAGAIN on timeout or nothing queued with MSG_DONTWAIT), -EMSGSIZE if
 * the datagram was not one record.
 */
int qlink_sock_rec(int fd, struct qlink_record *r, int flags);
/*
 * Up to MAX records at once (recvmmsg, waiting for the first one only):
 * the count, 0 at end of file, or -errno.
 */
int qlink_sock_recs(int fd, struct qlink_record *r, int max, int flags);
/*
 * Read records one at a time into R until one with QLINK_REC_LAST
 * (included) or MAX are read; each wait is bounded by the socket's
 * SO_RCVTIMEO. Returns the count, or -errno (-ENOTCONN at end of file) if
 * a read failed first (*N then says how many were read). Nothing after
 * the LAST record is consumed.
 */
int qlink_sock_read_last(int fd, struct qlink_record *r, int max, int *n);
/*
 * The same in batches (recvmmsg) for a request of WANT pairs: never asks
 * for more than WANT records in all, so nothing of a later request is
 * consumed unless this one ended early.
 */
int qlink_sock_read_n(int fd, struct qlink_record *r, int want, int *n);

/* What the tests need to know about a link end (LINK_GET). */
struct qlink_link_v {
	uint32_t ifindex, link_id, pair_link_id, peer_ifindex;
	uint64_t exp_herald_mhz;	/* calibration: expected herald rate */
	uint32_t exp_fid;		/* calibration: expected fidelity */
	uint32_t caps_slots;		/* driver's memory slots */
	uint32_t caps_bases;		/* QLINK_A_CAPS_MEASURE_BASES */
	int has_caps_bases;
	int up, carrier;
	int64_t config[QLINK_A_CONFIG_MAX + 1];
	int64_t calib[QLINK_A_CALIB_MAX + 1];
	int has_calib[QLINK_A_CALIB_MAX + 1];
};
int qlink_nl_link(struct qlink_nl *nl, const char *name,
		  struct qlink_link_v *l);

/* One purpose of a link, by enum qlink_purpose_attr. */
struct qlink_purpose_v {
	int found;
	int64_t v[QLINK_A_PURPOSE_MAX + 1];
	int has[QLINK_A_PURPOSE_MAX + 1];
};

/* Is purpose attribute ATTR 64 bits wide on the wire? */
int qlink_nl_purpose_is64(int attr);
/* PURPOSE_SET of N settings PV (enum qlink_purpose_attr); 0 or -errno. */
int qlink_nl_purpose_set(struct qlink_nl *nl, const char *name, uint32_t purpose,
		      const struct qlink_pv *pv, int n);
/* PURPOSE_GET of one purpose; 0 or -errno. */
int qlink_nl_purpose_get(struct qlink_nl *nl, const char *name, uint32_t purpose,
		      struct qlink_purpose_v *p);

/*
 * Every counter of debugfs qlink/objects is zero: 0, else the first
 * counter that is not (its name in NAME) and its value; -1 if unreadable.
 */
long qlink_objects_nonzero(char *name, int len);
/* Wait up to MS for qlink_objects_nonzero() to be 0; its last answer. */
long qlink_objects_wait_zero(int ms, char *name, int len);

/*
 * A qlinksim link between two namespaces: end A NAME_A in the caller's
 * netns (made new by qlink_ns_link_setup()), end B NAME_B in netns B.
 * rt, gn work in A; rt_b, gn_b in B.
 */
struct qlink_ns_link {
	int ns_a, ns_b;
	struct qlink_nl rt, gn, rt_b, gn_b;
	struct qlink_link_v a, b;
	char name_a[16], name_b[16];
};

/*
 * Move into a new netns A, make netns B, create the link with N settings
 * PV (PV_SIM, PV_CFG; down), open the netlink sockets. 0 or -errno (+ a message on stderr).
 */
int qlink_ns_link_setup(struct qlink_ns_link *l, const char *name_a,
			const char *name_b, const struct qlink_pv *pv, int n);
/* (Re)create the link of L after it was deleted; 0 or -errno. */
int qlink_ns_link_create(struct qlink_ns_link *l, const struct qlink_pv *pv,
			 int n);
/* Both ends up (or down); 0 or -errno. */
int qlink_ns_link_up(struct qlink_ns_link *l, int up);
/* Close what setup opened (the link goes with the namespaces). */
void qlink_ns_link_teardown(struct qlink_ns_link *l);

/* CLOCK_MONOTONIC in ms. */
int64_t qlink_now_ms(void);

/*
 * Settings (PV_SIM) of a herald-event link whose attempts always succeed (both
 * detector efficiencies 1, no fiber): exactly RATE_HZ pairs per second of
 * initial fidelity F0_PPM, seed 1, no decay, no dark counts (so no
 * accidentals expected). Writes at most 9 into PV and returns how many.
 */
int qlink_ev_params(struct qlink_pv *pv, int64_t rate_hz, int f0_ppm);

/* SO_RCVBUFFORCE (root) of BYTES; 0 or -errno. */
int qlink_sock_rcvbuf(int fd, int bytes);

/* The link's clock now (STATS_GET LINK_TIME of NAME), ps, or -1. */
int64_t qlink_link_time(struct qlink_nl *nl, const char *name);

/* ---- the link protocol between two hosts (peer_proto) ---- */

/*
 * A QLINK_A_LINK_PEER nest to send: an attribute is put when its field is
 * set (addr_len > 0, key != NULL, the numbers non-zero, has_netns_fd).
 */
struct qlink_peer_cfg {
	unsigned char addr[16];
	int addr_len;
	uint16_t port, local_port;
	const unsigned char *key;
	int key_len;
	uint32_t role, timeout, keepalive;
	int has_netns_fd, netns_fd;
	int clear;
};

/* LINK_SET of NAME with the peer C; 0 or -errno (+ nl->extack). */
int qlink_nl_set_peer(struct qlink_nl *nl, const char *name,
		      const struct qlink_peer_cfg *c);

/* A link's QLINK_A_LINK_PEER (LINK_GET), by enum qlink_peer_attr. */
struct qlink_peer_v {
	int present;			/* the nest was there */
	int has[QLINK_A_PEER_MAX + 1];
	unsigned char addr[16];
	int addr_len;
	uint16_t port, local_port;
	uint32_t role, timeout, keepalive, state;
	uint64_t fingerprint, epoch, peer_epoch, rtt;
	int64_t clock_offset;
	unsigned char raw[512];		/* the nest's payload as sent */
	int raw_len;
	int up, carrier;		/* QLINK_A_LINK_UP, QLINK_A_LINK_CARRIER */
};

/* LINK_GET of NAME into P; 0 or -errno. */
int qlink_nl_peer(struct qlink_nl *nl, const char *name, struct qlink_peer_v *p);

/* RTM_NEWLINK moving NAME into the netns NSFD; 0 or -errno. */
int qlink_rt_set_netns(struct qlink_nl *rt, const char *name, int nsfd);

/*
 * A veth pair: NAME in the netns NSFD (-1: the socket's), PEER in the netns
 * PEER_NSFD (-1: the same as NAME); 0 or -errno.
 */
int qlink_rt_veth(struct qlink_nl *rt, const char *name, int nsfd,
		  const char *peer, int peer_nsfd);

/*
 * RTM_NEWADDR: ADDR (4 or 16 bytes by FAMILY) / PREFIX on IFINDEX, without
 * duplicate address detection; 0 or -errno.
 */
int qlink_rt_addr(struct qlink_nl *rt, int ifindex, int family,
		  const void *addr, int prefix);

#endif /* _QLINK_SELFTEST_NL_H */
