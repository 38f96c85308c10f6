/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libqlink: the "qlink" generic netlink family from C, without hand-written
 * netlink. Built on libnl-3 / libnl-genl-3.
 *
 *   #include <qlink/qlink.h>        (pkg-config --cflags --libs qlink)
 *
 * Names: the library's functions and types are ql_*, its macros QL_*; the
 * kernel's uapi (<linux/qlink.h>, included here) owns qlink_* and QLINK_*.
 *
 * Conventions
 *  - Every function that talks to the kernel takes a handle from ql_open()
 *    and returns 0 (or a count) on success and a negative errno on failure.
 *    After a failure, ql_errmsg() says why in words: the kernel's extended
 *    ACK message when it sent one, otherwise strerror(). A range error of
 *    the kernel's policy names the attribute and its allowed range
 *    ("QLINK_A_CALIB_FIDELITY: integer out of range: allowed [250000,
 *    1000000]"; "qlinksim attribute 12: ..." for link-type attributes).
 *  - A handle talks to the network namespace it was opened in; open one
 *    handle per namespace. A handle is not thread safe: use one per thread.
 *    The library itself has no global state.
 *  - No structure of the library is public: links, events and attribute
 *    sets are opaque objects read through accessors, so that a newer kernel
 *    or library adds attributes without an ABI change.
 *  - Attributes are named by (nest, attribute number) as in <linux/qlink.h>:
 *    the nest is the number of the top-level attribute that holds them
 *    (QLINK_A_LINK_CONFIG, QLINK_A_LINK_CALIB, QLINK_A_STATS...), or
 *    QL_NEST_TOP for the top-level attributes of a message. Values are in
 *    the uapi's units (mHz, ppm, metres, ps, ns, mdB).
 *  - Links are named by interface name, or by ifindex (*_by_index).
 *
 * Link events (created, deleted, changed) come from the "link" multicast
 * group, pair events from "pairs": ql_event_subscribe_group(), then
 * ql_event_fd() in your poll loop and ql_event_recv(), or ql_event_loop().
 *
 * AF_QLINK sockets (qlink(7)) need no handle: ql_sock_open() gives a socket
 * bound to a link end and a purpose, ql_sock_request() sends a CREATE
 * request, ql_sock_recv() reads one result record. These return a negative
 * errno and do not touch any handle's ql_errmsg().
 *
 * The link protocol's peer (the other end of a link on another host) is
 * the QLINK_A_LINK_PEER nest of a link: ql_peer_addr() reads its address,
 * ql_attrs_get() the rest; a QLINK_A_LINK_PEER set given to ql_link_set()
 * configures or (QLINK_A_PEER_CLEAR) removes it. See "Peers" below.
 *
 * Every symbol is in version node LIBQLINK_1 of libqlink.so.1, except
 * those marked "LIBQLINK_1.1" (library version 1.1).
 */
#ifndef _QLINK_QLINK_H
#define _QLINK_QLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/qlink.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the library (not of the kernel family). */
#define QL_VERSION_MAJOR	1
#define QL_VERSION_MINOR	1

/*
 * Attribute sets.
 */

/** Wire types of attribute values. */
enum ql_type {
	QL_TYPE_U8 = 1,
	QL_TYPE_U16,
	QL_TYPE_U32,
	QL_TYPE_S32,
	QL_TYPE_U64,
	QL_TYPE_S64,
	QL_TYPE_STRING,
	QL_TYPE_NEST,
	QL_TYPE_BINARY,		/* bytes (1.1) */
	QL_TYPE_FLAG,		/* present or not, no value (1.1) */
};

/* The top-level attributes of a qlink message (enum qlink_attr). */
#define QL_NEST_TOP	0
/*
 * A set without a table, such as a link kind's IFLA_INFO_DATA: values are
 * put with their type; from the kernel they are read by their length.
 */
#define QL_NEST_RAW	(-1)

/** A set of attribute values of one nest (opaque). */
struct ql_attrs;

/**
 * ql_attr_name() - name of attribute @attr of @nest as the uapi spells it,
 *	lower case, without the prefix ("window_full" for
 *	QLINK_A_CONFIG_WINDOW_FULL), or NULL if this library does not know it
 */
const char *ql_attr_name(int nest, int attr);

/** ql_attr_type() - enum ql_type of @attr of @nest, or -EINVAL if unknown */
int ql_attr_type(int nest, int attr);

/**
 * ql_attr_max() - the highest attribute number of @nest this library knows
 * Return: the number, or -EINVAL for a nest without a table.
 */
int ql_attr_max(int nest);

/** ql_attrs_new() - an empty set of attributes of @nest; NULL: no memory */
struct ql_attrs *ql_attrs_new(int nest);

/** ql_attrs_free() - free a set and its nested sets; NULL is a no-op */
void ql_attrs_free(struct ql_attrs *a);

/** ql_attrs_dup() - a copy of @a to keep; NULL: no memory */
struct ql_attrs *ql_attrs_dup(const struct ql_attrs *a);

/** ql_attrs_nest() - the nest @a was created for (QL_NEST_* or a number) */
int ql_attrs_nest(const struct ql_attrs *a);

/** ql_attrs_clear() - remove every attribute of @a */
void ql_attrs_clear(struct ql_attrs *a);

/** ql_attrs_count() - number of attributes in @a */
int ql_attrs_count(const struct ql_attrs *a);

/**
 * ql_attrs_put() - add or replace integer attribute @attr, typed by the
 *	nest's table
 * Return: 0; -EINVAL for an attribute the table does not know or that is
 * not an integer; -ENOMEM.
 */
int ql_attrs_put(struct ql_attrs *a, int attr, int64_t value);

/**
 * ql_attrs_put_type() - add or replace integer attribute @attr of wire type
 *	@type (QL_TYPE_U8 .. QL_TYPE_S64), for attributes without a table
 * Return: 0, -EINVAL (@attr < 1 or > 0x3fff, @type not an integer), -ENOMEM.
 */
int ql_attrs_put_type(struct ql_attrs *a, int attr, int type, int64_t value);

/** ql_attrs_put_str() - add or replace string attribute @attr */
int ql_attrs_put_str(struct ql_attrs *a, int attr, const char *s);

/**
 * ql_attrs_put_nest() - add or replace nested attribute @attr with a copy
 *	of @child (sent as a nest of @child's attributes)
 */
int ql_attrs_put_nest(struct ql_attrs *a, int attr,
		      const struct ql_attrs *child);

/**
 * ql_attrs_put_bin() - add or replace binary attribute @attr with a copy of
 *	the @len bytes at @data (LIBQLINK_1.1)
 *
 * The copy is wiped before it is freed (the set freed or cleared, the value
 * replaced or deleted), and libqlink wipes the requests it sends: a key
 * may be put this way. Return: 0, -EINVAL (@len over 65531), -ENOMEM.
 */
int ql_attrs_put_bin(struct ql_attrs *a, int attr, const void *data,
		     size_t len);

/**
 * ql_attrs_put_flag() - add flag attribute @attr (sent without a value,
 *	as QLINK_A_PEER_CLEAR) (LIBQLINK_1.1)
 */
int ql_attrs_put_flag(struct ql_attrs *a, int attr);

/** ql_attrs_del() - remove @attr; 0, or -ENOENT if it was not there */
int ql_attrs_del(struct ql_attrs *a, int attr);

/** ql_attrs_has() - is @attr in the set? */
bool ql_attrs_has(const struct ql_attrs *a, int attr);

/** ql_attrs_type() - enum ql_type of @attr in the set, or -ENOENT */
int ql_attrs_type(const struct ql_attrs *a, int attr);

/**
 * ql_attrs_get() - integer value of @attr: sign-extended for signed types,
 *	the bit pattern for QL_TYPE_U64 (read it as uint64_t); 0 if absent
 *	or not an integer
 */
int64_t ql_attrs_get(const struct ql_attrs *a, int attr);

/** ql_attrs_get_str() - string value of @attr, or NULL */
const char *ql_attrs_get_str(const struct ql_attrs *a, int attr);

/** ql_attrs_get_nest() - the nested set @attr, or NULL */
const struct ql_attrs *ql_attrs_get_nest(const struct ql_attrs *a, int attr);

/**
 * ql_attrs_get_bin() - the bytes of binary attribute @attr, valid as long
 *	as the set, and their number in *@len (if @len is not NULL); NULL
 *	(and 0) if absent or not binary. A flag is read with ql_attrs_has().
 *	(LIBQLINK_1.1)
 */
const void *ql_attrs_get_bin(const struct ql_attrs *a, int attr, size_t *len);

/**
 * ql_attrs_next() - the first attribute of @a above @attr, in number order:
 *	for (i = ql_attrs_next(a, 0); i > 0; i = ql_attrs_next(a, i))
 * Return: the attribute number, or 0 after the last one.
 */
int ql_attrs_next(const struct ql_attrs *a, int attr);

/*
 * Handles.
 */

/** An open connection to the qlink family (opaque). */
struct ql_handle;

/**
 * ql_open() - connect to the qlink family in the caller's netns
 * @hp: receives the handle
 *
 * Return: 0; -ENOENT if the qlink module is not loaded (no such family);
 * another negative errno on failure.
 */
int ql_open(struct ql_handle **hp);

/** ql_close() - close a handle and its sockets; NULL is a no-op. */
void ql_close(struct ql_handle *h);

/**
 * ql_errmsg() - why the last call on @h failed
 *
 * Return: the kernel's extack message when there was one, else the text
 * of the errno; "" after a success. Valid until the next call on @h.
 */
const char *ql_errmsg(const struct ql_handle *h);

/** ql_errno() - the negative errno of the last call on @h, or 0. */
int ql_errno(const struct ql_handle *h);

/**
 * ql_family_version() - version of the qlink family (QLINK_GENL_VERSION of
 *	the running kernel), as the generic netlink controller reported it
 *	at ql_open()
 */
uint32_t ql_family_version(const struct ql_handle *h);

/**
 * ql_netns_cookie() - cookie of the network namespace of socket @fd
 *	(SO_NETNS_COOKIE), or of the caller's current netns if @fd < 0
 * Return: 0, or a negative errno (-ENOPROTOOPT before Linux 5.14).
 */
int ql_netns_cookie(int fd, uint64_t *cookie);

/*
 * Links. A struct ql_link is one message of the kernel about a link (a
 * link, its statistics, a purpose of it, an event): its top-level
 * attributes and their nests.
 */

/** One link as the kernel describes it (opaque). */
struct ql_link;

/** ql_link_free() - free a link from ql_link_get() & co.; NULL: no-op */
void ql_link_free(struct ql_link *l);

/** ql_link_dup() - a copy of @l to keep after a callback; NULL: no memory */
struct ql_link *ql_link_dup(const struct ql_link *l);

/** ql_link_ifindex() - QLINK_A_IFINDEX, or 0 */
uint32_t ql_link_ifindex(const struct ql_link *l);

/** ql_link_ifname() - QLINK_A_IFNAME, or "" */
const char *ql_link_ifname(const struct ql_link *l);

/** ql_link_id() - QLINK_A_LINK_ID, or 0 */
uint32_t ql_link_id(const struct ql_link *l);

/** ql_link_kind() - QLINK_A_LINK_KIND ("qlinksim"), or NULL */
const char *ql_link_kind(const struct ql_link *l);

/** ql_link_has() - is top-level attribute @attr (QLINK_A_*) in @l? */
bool ql_link_has(const struct ql_link *l, int attr);

/** ql_link_value() - integer top-level attribute @attr, or 0 */
int64_t ql_link_value(const struct ql_link *l, int attr);

/**
 * ql_link_attrs() - the attributes of @l in @nest: QL_NEST_TOP for the
 *	top-level ones, else a nest such as QLINK_A_LINK_CONFIG,
 *	QLINK_A_LINK_CALIB, QLINK_A_LINK_CAPS, QLINK_A_LINK_PEER,
 *	QLINK_A_STATS, QLINK_A_PURPOSE, QLINK_A_PAIR
 * Return: the set, valid as long as @l; NULL if @l has no such nest.
 */
const struct ql_attrs *ql_link_attrs(const struct ql_link *l, int nest);

/** Called once per message of a dump; return non-zero to stop the dump. */
typedef int (*ql_link_cb)(const struct ql_link *l, void *arg);

/** ql_link_get() - one link by name, into a new *@lp (ql_link_free()) */
int ql_link_get(struct ql_handle *h, const char *ifname, struct ql_link **lp);

/** ql_link_get_by_index() - one link by ifindex */
int ql_link_get_by_index(struct ql_handle *h, uint32_t ifindex,
			 struct ql_link **lp);

/**
 * ql_link_dump() - every link of the handle's netns, in link id order
 * Return: number of links reported, or a negative errno.
 */
int ql_link_dump(struct ql_handle *h, ql_link_cb cb, void *arg);

/**
 * ql_link_set() - change attributes of a link, all or nothing
 *	(QLINK_CMD_LINK_SET)
 * @a: a set of one nest (QLINK_A_LINK_CONFIG...): sent as that nest; or a
 *	QL_NEST_TOP set whose nested sets are sent as they are, to change
 *	several nests at once
 *
 * Needs CAP_NET_ADMIN. An invalid value changes nothing; ql_errmsg() then
 * names the attribute and its allowed range.
 */
int ql_link_set(struct ql_handle *h, const char *ifname,
		const struct ql_attrs *a);

/** ql_link_set_by_index() - ql_link_set() by ifindex */
int ql_link_set_by_index(struct ql_handle *h, uint32_t ifindex,
			 const struct ql_attrs *a);

/**
 * ql_link_kind_set() - change link-type attributes of a link through
 *	rtnetlink: RTM_NEWLINK with IFLA_LINKINFO { IFLA_INFO_KIND @kind,
 *	IFLA_INFO_DATA @data } (the driver's changelink, as `ip link set DEV
 *	type KIND ...`)
 * @data: the IFLA_INFO_DATA attributes (a QL_NEST_RAW set, flat or with
 *	nested sets), e.g. IFLA_QLINKSIM_*
 *
 * Needs CAP_NET_ADMIN. Return: 0 or a negative errno, with ql_errmsg():
 * a range error names the attribute as "KIND attribute N".
 */
int ql_link_kind_set(struct ql_handle *h, const char *ifname,
		     const char *kind, const struct ql_attrs *data);

/**
 * ql_link_kind_get() - the link-type attributes of a link (IFLA_INFO_DATA
 *	of RTM_GETLINK) as a new QL_NEST_RAW set in *@data (ql_attrs_free()):
 *	nests the kernel marks NLA_F_NESTED as nested sets, the others as
 *	integers by length
 * Return: 0; -ENODATA if the link reports no IFLA_INFO_DATA.
 */
int ql_link_kind_get(struct ql_handle *h, const char *ifname,
		     struct ql_attrs **data);

/*
 * Statistics: QLINK_CMD_STATS_GET; the counters are the QLINK_A_STATS
 * nest of the link (ql_link_attrs(l, QLINK_A_STATS)).
 */

/** ql_stats_get() - counters of one link by name, into a new *@lp */
int ql_stats_get(struct ql_handle *h, const char *ifname, struct ql_link **lp);

/** ql_stats_dump() - counters of every link; returns the count */
int ql_stats_dump(struct ql_handle *h, ql_link_cb cb, void *arg);

/*
 * Pairs (QLINK_CMD_PAIR_GET).
 */

/**
 * Called per pair of a dump, oldest first, with its message @msg (ifindex,
 * QLINK_A_LINK_TIME) and the pair (the QLINK_A_PAIR nest); non-zero stops.
 */
typedef int (*ql_pair_cb)(const struct ql_link *msg,
			  const struct ql_attrs *pair, void *arg);

/**
 * ql_pair_dump() - the pairs waiting in link @ifname, oldest first
 * Return: the number of pairs, or a negative errno.
 */
int ql_pair_dump(struct ql_handle *h, const char *ifname, ql_pair_cb cb,
		 void *arg);

/** ql_pair_state_name() - "ready", "promised" or NULL */
const char *ql_pair_state_name(uint32_t state);

/** ql_bell_name() - "phi+", "phi-", "psi+", "psi-" or NULL */
const char *ql_bell_name(uint8_t bell_index);

/*
 * Events.
 */

/** One event (opaque), valid during the callback. */
struct ql_event;

/**
 * ql_event_cmd() - QLINK_CMD_LINK_{CREATE,DELETE,CHANGE}_NTF (group "link")
 *	or QLINK_CMD_PAIR_NTF, QLINK_CMD_PAIR_DROP_NTF (group "pairs")
 */
int ql_event_cmd(const struct ql_event *ev);

/**
 * ql_event_link() - the event's message: link events describe the link
 *	(DELETE: only ifindex, ifname, id); pair events carry QLINK_A_IFINDEX,
 *	QLINK_A_LINK_ID, QLINK_A_LINK_TIME, QLINK_A_SEQ_FIRST/LAST,
 *	QLINK_A_PAIR_COUNT and (drops) QLINK_A_DROP_REASON
 */
const struct ql_link *ql_event_link(const struct ql_event *ev);

/**
 * ql_event_pair_count() - how many pairs a PAIR_NTF carries in full (the
 *	first of the batch; QLINK_A_PAIR_COUNT counts them all)
 */
int ql_event_pair_count(const struct ql_event *ev);

/** ql_event_pair() - pair @i (a QLINK_A_PAIR nest) of the event, or NULL */
const struct ql_attrs *ql_event_pair(const struct ql_event *ev, int i);

/** Called per event; return non-zero to stop ql_event_loop(). */
typedef int (*ql_event_cb)(const struct ql_event *ev, void *arg);

/**
 * ql_event_subscribe_group() - join a multicast group by name
 * @group: QLINK_MCGRP_LINK_NAME ("link") or QLINK_MCGRP_PAIRS_NAME
 *	("pairs"); may be called once per group, on the same event socket
 *
 * Events arrive on a second socket owned by @h, so requests on @h can be
 * mixed with event processing. Pair events come once per ingested batch
 * of a link while anyone listens; a busy link sends many.
 * Return: 0; -ENOENT if the kernel has no such group.
 */
int ql_event_subscribe_group(struct ql_handle *h, const char *group);

/** ql_event_fd() - the event socket's fd for poll(), or -1 */
int ql_event_fd(const struct ql_handle *h);

/**
 * ql_event_recv() - read one batch of events, calling @cb for each
 *
 * Blocks until at least one message arrives unless the fd is readable.
 * Return: number of events handled (>= 0), or a negative errno (-ENOBUFS:
 * the socket overran, events were lost).
 */
int ql_event_recv(struct ql_handle *h, ql_event_cb cb, void *arg);

/**
 * ql_event_loop() - handle events until @cb returns non-zero
 * @timeout_ms: give up after this long without an event; < 0: never
 *
 * Return: the callback's non-zero value (if positive, else 1), 0 on
 * timeout, or a negative errno (-EINTR if a signal interrupted the wait).
 */
int ql_event_loop(struct ql_handle *h, ql_event_cb cb, void *arg,
		  int timeout_ms);

/**
 * ql_event_name() - "create", "delete", "change", "pairs" (PAIR_NTF),
 *	"drop" (PAIR_DROP_NTF) or NULL
 */
const char *ql_event_name(int cmd);

/** ql_change_name() - name of an enum qlink_link_change or NULL */
const char *ql_change_name(uint32_t change);

/** ql_herald_model_name() - "time-tags", "events" or NULL */
const char *ql_herald_model_name(uint32_t model);

/**
 * ql_drop_reason_name() - "expired", "full", "slots", "low-fidelity",
 *	"flush", "peer" (enum qlink_drop_reason) or NULL
 */
const char *ql_drop_reason_name(uint32_t reason);

/*
 * Peers (LIBQLINK_1.1): the link protocol between the two ends of a link on
 * two hosts (Documentation/qlink-protocol.rst). A link with a peer has the
 * nest QLINK_A_LINK_PEER, ql_link_attrs(l, QLINK_A_LINK_PEER): its
 * address (ql_peer_addr()), QLINK_A_PEER_PORT, _LOCAL_PORT, _ROLE (enum
 * qlink_peer_role), _TIMEOUT and _KEEPALIVE (ms), and what the kernel
 * reports: _FINGERPRINT of the key, _STATE (enum qlink_peer_state),
 * _EPOCH, _PEER_EPOCH, _RTT (ns), _CLOCK_OFFSET and _CLOCK_OFFSET_ERROR
 * (ps). The key is never read back.
 *
 * To configure it, give ql_link_set() a set of QLINK_A_LINK_PEER with the
 * address and port (ql_peer_put_addr()), the 32-byte QLINK_A_PEER_KEY
 * (ql_attrs_put_bin()), and as needed QLINK_A_PEER_ROLE, _LOCAL_PORT
 * (default: the peer's port), _TIMEOUT (3000), _KEEPALIVE (1000) and
 * _NETNS_FD (an fd of the netns whose UDP socket carries the protocol;
 * default the caller's), put with ql_attrs_put(). The set replaces the
 * whole peer configuration; the role is required unless the driver fixes
 * it. A set with only the flag QLINK_A_PEER_CLEAR (ql_attrs_put_flag())
 * removes the peer. The peer cannot change while the link is up (-EBUSY).
 */

/**
 * ql_peer_put_addr() - put the peer's address and port, from a
 *	struct sockaddr_in or sockaddr_in6 @sa of @len bytes, into @peer as
 *	QLINK_A_PEER_ADDRESS and QLINK_A_PEER_PORT
 * Return: 0, -EAFNOSUPPORT (another family, or @len too short), -EINVAL,
 * -ENOMEM.
 */
int ql_peer_put_addr(struct ql_attrs *peer, const struct sockaddr *sa,
		     socklen_t len);

/**
 * ql_peer_addr() - the peer's address and port as a struct sockaddr_in or
 *	sockaddr_in6 in *@ss (zeroed first)
 * @peer: ql_link_attrs(l, QLINK_A_LINK_PEER); NULL: no peer
 *
 * Return: 0; -ENOENT without a peer address; -EPROTO for an address of
 * neither 4 nor 16 bytes.
 */
int ql_peer_addr(const struct ql_attrs *peer, struct sockaddr_storage *ss);

/** ql_peer_role_name() - "decide", "follow" (enum qlink_peer_role) or NULL */
const char *ql_peer_role_name(uint32_t role);

/**
 * ql_peer_state_name() - "down", "connecting", "disagree", "calibrating",
 *	"up" (enum qlink_peer_state) or NULL
 */
const char *ql_peer_state_name(uint32_t state);

/*
 * Purposes (QLINK_CMD_PURPOSE_GET / _SET): the QLINK_A_PURPOSE nest of a
 * link message. Both ends of a link share one scheduler.
 */

/**
 * ql_purpose_get() - purpose @id of link @ifname, into a new *@lp
 * Return: 0; -ENOENT (with the kernel's message) if the purpose is
 * neither configured nor used on the link.
 */
int ql_purpose_get(struct ql_handle *h, const char *ifname, uint32_t id,
		   struct ql_link **lp);

/**
 * ql_purpose_dump() - every purpose of link @ifname, by id
 * Return: the number of purposes, or a negative errno.
 */
int ql_purpose_dump(struct ql_handle *h, const char *ifname, ql_link_cb cb,
		    void *arg);

/**
 * ql_purpose_set() - configure a purpose of link @ifname
 * @p: a QLINK_A_PURPOSE set with QLINK_A_PURPOSE_ID and the settings to
 *	change (WEIGHT, RATE, MAX_OUTSTANDING, RESERVE, RESERVE_FIDELITY,
 *	OWNER_UID, OWNER_GID); the others keep their values
 *
 * Needs CAP_NET_ADMIN. Applies to both ends of the link. A value out of
 * range or a read-only attribute changes nothing; ql_errmsg() says why.
 * Return: 0 or a negative errno (-EINVAL without a purpose id).
 */
int ql_purpose_set(struct ql_handle *h, const char *ifname,
		   const struct ql_attrs *p);

/*
 * AF_QLINK sockets (qlink(7)). No handle; errors are negative errnos.
 */

/**
 * ql_socket_family() - the AF_QLINK family number of the running kernel:
 *	/sys/module/qlink/parameters/family when readable, else AF_QLINK
 */
int ql_socket_family(void);

/**
 * ql_sock_open() - an AF_QLINK socket bound to a link end and purpose
 * @ifname: the link end, in the caller's netns
 * @purpose: purpose id, >= 1
 * @type: SOCK_SEQPACKET or SOCK_DGRAM (SOCK_NONBLOCK, SOCK_CLOEXEC may be
 *	or-ed in; the socket is always close-on-exec)
 *
 * Return: the socket's descriptor, or a negative errno: -ENODEV (no such
 * interface), -EAFNOSUPPORT (no AF_QLINK in this kernel), bind()'s errors.
 */
int ql_sock_open(const char *ifname, uint32_t purpose, int type);

/**
 * ql_sock_set_receive() - accept (or stop accepting) the requests the
 *	other end creates for this socket's purpose (QLINK_SO_RECEIVE)
 */
int ql_sock_set_receive(int fd, bool on);

/**
 * ql_sock_request() - send one CREATE request
 * Return: 0 or a negative errno (-EINVAL for a malformed request, -EAGAIN
 * on a non-blocking socket whose queue is full).
 */
int ql_sock_request(int fd, const struct qlink_create *req);

/**
 * ql_sock_recv() - read one result record
 * @timeout_ms: wait at most this long (poll()); < 0 blocks (as the socket
 *	does: SO_RCVTIMEO and O_NONBLOCK apply)
 *
 * Return: 0; -EAGAIN when nothing came in time; -EINTR on a signal;
 * -EPROTO for a short record; another negative errno from recv().
 */
int ql_sock_recv(int fd, struct qlink_record *rec, int timeout_ms);

/** ql_err_name() - "UNSUPP", "NOTIME", "NORES", "TIMEOUT", "REJECTED",
 *	"EXPIRE", "OTHER" (enum qlink_err) or NULL */
const char *ql_err_name(uint8_t error);

/** ql_req_type_name() - "keep", "measure", "rsp" or NULL */
const char *ql_req_type_name(uint8_t type);

/** ql_basis_name() - "z", "x", "y", "random" or NULL */
const char *ql_basis_name(uint8_t basis);

/** ql_priority_name() - "interactive", "normal", "batch" or NULL */
const char *ql_priority_name(uint8_t prio);

#ifdef __cplusplus
}
#endif

#endif /* _QLINK_QLINK_H */
