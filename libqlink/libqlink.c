// SPDX-License-Identifier: LGPL-2.1
/*
 * libqlink: the qlink generic netlink family on libnl-3 (see qlink.h).
 *
 * Messages are parsed into attribute sets by the tables <qlink_attrs.h>
 * generates from uapi/qlink.yaml;
 * an attribute a table does not know (a newer kernel's) is kept, typed by
 * its length. Nothing here is global and mutable: the tables and policies
 * are static const, so handles may be used from any number of threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "qlink.h"
#include <qlink_attrs.h>

#define QL_API __attribute__((visibility("default")))

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* Highest attribute number a set holds (NLA_TYPE_MASK). */
#define QL_ATTR_LIMIT	0x3fff
/* Longest binary value an attribute holds. */
#define QL_BIN_MAX	(0xffff - NLA_HDRLEN)

/*
 * The nests the library knows, and where uapi/qlink.yaml describes their
 * attributes: the tables of <qlink_attrs.h> are generated from the spec
 * (scripts/ynl.sh), so a new attribute needs no change here.
 */
struct ql_nest_desc {
	int nest;
	const char *prefix;	/* of the uapi names, for error messages */
	int set;		/* enum qlink_attr_set_id */
};

static const struct ql_nest_desc ql_nests[] = {
	{ QL_NEST_TOP, "QLINK_A_", QLINK_ASET_QLINK },
	{ QLINK_A_LINK_CAPS, "QLINK_A_CAPS_", QLINK_ASET_CAPS },
	{ QLINK_A_LINK_CONFIG, "QLINK_A_CONFIG_", QLINK_ASET_CONFIG },
	{ QLINK_A_LINK_CALIB, "QLINK_A_CALIB_", QLINK_ASET_CALIB },
	{ QLINK_A_LINK_PEER, "QLINK_A_PEER_", QLINK_ASET_PEER },
	{ QLINK_A_STATS, "QLINK_A_STATS_", QLINK_ASET_STATS },
	{ QLINK_A_PAIR, "QLINK_A_PAIR_", QLINK_ASET_PAIR },
	{ QLINK_A_PURPOSE, "QLINK_A_PURPOSE_", QLINK_ASET_PURPOSE },
};

/* enum ql_type of a spec type, 0 for what the library does not hold. */
static int ql_type_of(uint8_t at)
{
	switch (at) {
	case QLINK_AT_U8:
		return QL_TYPE_U8;
	case QLINK_AT_U16:
		return QL_TYPE_U16;
	case QLINK_AT_U32:
		return QL_TYPE_U32;
	case QLINK_AT_S32:
		return QL_TYPE_S32;
	case QLINK_AT_U64:
		return QL_TYPE_U64;
	case QLINK_AT_S64:
		return QL_TYPE_S64;
	case QLINK_AT_STRING:
		return QL_TYPE_STRING;
	case QLINK_AT_NEST:
		return QL_TYPE_NEST;
	case QLINK_AT_BINARY:
		return QL_TYPE_BINARY;
	case QLINK_AT_FLAG:
		return QL_TYPE_FLAG;
	}
	return 0;
}

struct ql_val {
	uint16_t attr;
	uint8_t type;
	union {
		int64_t v;
		char *s;
		struct ql_attrs *n;
		struct {
			void *p;
			uint32_t len;
		} b;
	};
};

struct ql_attrs {
	int nest;
	int n, size;
	struct ql_val *v;	/* sorted by attr */
};

struct ql_link {
	struct ql_attrs top;
};

struct ql_event {
	int cmd;
	struct ql_link link;
	int n_pairs;
	struct ql_attrs **pairs;
};

struct ql_handle {
	struct nl_sock *sk;
	struct nl_sock *ev;	/* event socket, after a subscription */
	struct nl_sock *rt;	/* rtnetlink, after a ql_link_kind_*() */
	int family;
	uint32_t version;
	int err;
	char msg[512];
};

static const struct nla_policy ext_ack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]	= { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS]	= { .type = NLA_U32 },
	[NLMSGERR_ATTR_POLICY]	= { .type = NLA_NESTED },
};

static const struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]	= { .type = NLA_U16 },
	[CTRL_ATTR_VERSION]	= { .type = NLA_U32 },
};

/*
 * Tables.
 */
static const struct ql_nest_desc *nest_desc(int nest)
{
	size_t i;

	for (i = 0; i < sizeof(ql_nests) / sizeof(ql_nests[0]); i++)
		if (ql_nests[i].nest == nest)
			return &ql_nests[i];
	return NULL;
}

/* The spec's attribute @attr of @nest, if the library can hold it. */
static const struct qlink_attr_info *attr_desc(int nest, int attr)
{
	const struct ql_nest_desc *nd = nest_desc(nest);
	const struct qlink_attr_set *set;

	if (!nd)
		return NULL;
	set = &qlink_attr_sets[nd->set];
	if (attr < 1 || attr > set->max || !ql_type_of(set->attrs[attr].type))
		return NULL;
	return &set->attrs[attr];
}

QL_API const char *ql_attr_name(int nest, int attr)
{
	const struct qlink_attr_info *d = attr_desc(nest, attr);

	return d ? d->c_name : NULL;
}

QL_API int ql_attr_type(int nest, int attr)
{
	const struct qlink_attr_info *d = attr_desc(nest, attr);

	return d ? ql_type_of(d->type) : -EINVAL;
}

QL_API int ql_attr_max(int nest)
{
	const struct ql_nest_desc *nd = nest_desc(nest);

	return nd ? qlink_attr_sets[nd->set].max : -EINVAL;
}

/*
 * Attribute sets.
 */
static bool is_int(int type)
{
	return type >= QL_TYPE_U8 && type <= QL_TYPE_S64;
}

/* Binary values may be keys: wiped before their memory goes back. */
static void val_release(struct ql_val *v)
{
	if (v->type == QL_TYPE_STRING) {
		free(v->s);
	} else if (v->type == QL_TYPE_NEST) {
		ql_attrs_free(v->n);
	} else if (v->type == QL_TYPE_BINARY) {
		explicit_bzero(v->b.p, v->b.len);
		free(v->b.p);
	}
}

static void attrs_init(struct ql_attrs *a, int nest)
{
	memset(a, 0, sizeof(*a));
	a->nest = nest;
}

QL_API struct ql_attrs *ql_attrs_new(int nest)
{
	struct ql_attrs *a = malloc(sizeof(*a));

	if (a)
		attrs_init(a, nest);
	return a;
}

QL_API void ql_attrs_clear(struct ql_attrs *a)
{
	int i;

	for (i = 0; i < a->n; i++)
		val_release(&a->v[i]);
	a->n = 0;
}

static void attrs_release(struct ql_attrs *a)
{
	ql_attrs_clear(a);
	free(a->v);
	a->v = NULL;
	a->size = 0;
}

QL_API void ql_attrs_free(struct ql_attrs *a)
{
	if (!a)
		return;
	attrs_release(a);
	free(a);
}

QL_API int ql_attrs_nest(const struct ql_attrs *a)
{
	return a->nest;
}

QL_API int ql_attrs_count(const struct ql_attrs *a)
{
	return a ? a->n : 0;
}

/* Index of @attr in @a, or -(insertion point) - 1. */
static int find(const struct ql_attrs *a, int attr)
{
	int lo = 0, hi = a ? a->n : 0;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (a->v[mid].attr == attr)
			return mid;
		if (a->v[mid].attr < attr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -lo - 1;
}

/* The slot of @attr, emptied (a new one if needed); NULL: no memory. */
static struct ql_val *slot(struct ql_attrs *a, int attr)
{
	int i = find(a, attr);

	if (i >= 0) {
		val_release(&a->v[i]);
		return &a->v[i];
	}
	i = -i - 1;
	if (a->n == a->size) {
		int size = a->size ? 2 * a->size : 8;
		struct ql_val *v = realloc(a->v, size * sizeof(*v));

		if (!v)
			return NULL;
		a->v = v;
		a->size = size;
	}
	memmove(&a->v[i + 1], &a->v[i], (a->n - i) * sizeof(*a->v));
	a->n++;
	a->v[i].attr = attr;
	return &a->v[i];
}

/* Normalise @value to what @type can carry (sign-extended if signed). */
static int64_t fit(int type, int64_t value)
{
	switch (type) {
	case QL_TYPE_U8:
		return (uint8_t)value;
	case QL_TYPE_U16:
		return (uint16_t)value;
	case QL_TYPE_U32:
		return (uint32_t)value;
	case QL_TYPE_S32:
		return (int32_t)value;
	}
	return value;
}

QL_API int ql_attrs_put_type(struct ql_attrs *a, int attr, int type,
			     int64_t value)
{
	struct ql_val *v;

	if (!a || attr < 1 || attr > QL_ATTR_LIMIT || !is_int(type))
		return -EINVAL;
	v = slot(a, attr);
	if (!v)
		return -ENOMEM;
	v->type = type;
	v->v = fit(type, value);
	return 0;
}

QL_API int ql_attrs_put(struct ql_attrs *a, int attr, int64_t value)
{
	int type = a ? ql_attr_type(a->nest, attr) : -EINVAL;

	if (type < 0 || !is_int(type))
		return -EINVAL;
	return ql_attrs_put_type(a, attr, type, value);
}

/* Take string @c into @a as @attr (freed on failure). */
static int put_str_owned(struct ql_attrs *a, int attr, char *c)
{
	struct ql_val *v;

	if (!c)
		return -ENOMEM;
	v = slot(a, attr);
	if (!v) {
		free(c);
		return -ENOMEM;
	}
	v->type = QL_TYPE_STRING;
	v->s = c;
	return 0;
}

QL_API int ql_attrs_put_str(struct ql_attrs *a, int attr, const char *s)
{
	if (!a || !s || attr < 1 || attr > QL_ATTR_LIMIT)
		return -EINVAL;
	return put_str_owned(a, attr, strdup(s));
}

/* Take @child into @a as nest @attr (freed on failure). */
static int put_nest_owned(struct ql_attrs *a, int attr, struct ql_attrs *child)
{
	struct ql_val *v = slot(a, attr);

	if (!v) {
		ql_attrs_free(child);
		return -ENOMEM;
	}
	v->type = QL_TYPE_NEST;
	v->n = child;
	return 0;
}

QL_API int ql_attrs_put_nest(struct ql_attrs *a, int attr,
			     const struct ql_attrs *child)
{
	struct ql_attrs *c;

	if (!a || !child || attr < 1 || attr > QL_ATTR_LIMIT)
		return -EINVAL;
	c = ql_attrs_dup(child);
	if (!c)
		return -ENOMEM;
	return put_nest_owned(a, attr, c);
}

QL_API int ql_attrs_put_bin(struct ql_attrs *a, int attr, const void *data,
			    size_t len)
{
	struct ql_val *v;
	void *p;

	if (!a || (!data && len) || attr < 1 || attr > QL_ATTR_LIMIT ||
	    len > QL_BIN_MAX)
		return -EINVAL;
	p = malloc(len ? len : 1);
	if (!p)
		return -ENOMEM;
	if (len)
		memcpy(p, data, len);
	v = slot(a, attr);
	if (!v) {
		explicit_bzero(p, len);
		free(p);
		return -ENOMEM;
	}
	v->type = QL_TYPE_BINARY;
	v->b.p = p;
	v->b.len = len;
	return 0;
}

QL_API int ql_attrs_put_flag(struct ql_attrs *a, int attr)
{
	struct ql_val *v;

	if (!a || attr < 1 || attr > QL_ATTR_LIMIT)
		return -EINVAL;
	v = slot(a, attr);
	if (!v)
		return -ENOMEM;
	v->type = QL_TYPE_FLAG;
	return 0;
}

QL_API int ql_attrs_del(struct ql_attrs *a, int attr)
{
	int i = find(a, attr);

	if (i < 0)
		return -ENOENT;
	val_release(&a->v[i]);
	memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof(*a->v));
	a->n--;
	return 0;
}

static int copy_into(struct ql_attrs *dst, const struct ql_attrs *src)
{
	int i, err = 0;

	attrs_init(dst, src->nest);
	for (i = 0; i < src->n && !err; i++) {
		const struct ql_val *v = &src->v[i];

		if (v->type == QL_TYPE_STRING)
			err = ql_attrs_put_str(dst, v->attr, v->s);
		else if (v->type == QL_TYPE_NEST)
			err = ql_attrs_put_nest(dst, v->attr, v->n);
		else if (v->type == QL_TYPE_BINARY)
			err = ql_attrs_put_bin(dst, v->attr, v->b.p, v->b.len);
		else if (v->type == QL_TYPE_FLAG)
			err = ql_attrs_put_flag(dst, v->attr);
		else
			err = ql_attrs_put_type(dst, v->attr, v->type, v->v);
	}
	if (err)
		attrs_release(dst);
	return err;
}

QL_API struct ql_attrs *ql_attrs_dup(const struct ql_attrs *a)
{
	struct ql_attrs *c;

	if (!a)
		return NULL;
	c = malloc(sizeof(*c));
	if (c && copy_into(c, a)) {
		free(c);
		return NULL;
	}
	return c;
}

static const struct ql_val *lookup(const struct ql_attrs *a, int attr)
{
	int i = find(a, attr);

	return i >= 0 ? &a->v[i] : NULL;
}

QL_API bool ql_attrs_has(const struct ql_attrs *a, int attr)
{
	return lookup(a, attr);
}

QL_API int ql_attrs_type(const struct ql_attrs *a, int attr)
{
	const struct ql_val *v = lookup(a, attr);

	return v ? v->type : -ENOENT;
}

QL_API int64_t ql_attrs_get(const struct ql_attrs *a, int attr)
{
	const struct ql_val *v = lookup(a, attr);

	return v && is_int(v->type) ? v->v : 0;
}

QL_API const char *ql_attrs_get_str(const struct ql_attrs *a, int attr)
{
	const struct ql_val *v = lookup(a, attr);

	return v && v->type == QL_TYPE_STRING ? v->s : NULL;
}

QL_API const struct ql_attrs *ql_attrs_get_nest(const struct ql_attrs *a,
						int attr)
{
	const struct ql_val *v = lookup(a, attr);

	return v && v->type == QL_TYPE_NEST ? v->n : NULL;
}

QL_API const void *ql_attrs_get_bin(const struct ql_attrs *a, int attr,
				    size_t *len)
{
	const struct ql_val *v = lookup(a, attr);

	if (!v || v->type != QL_TYPE_BINARY) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = v->b.len;
	return v->b.p;
}

QL_API int ql_attrs_next(const struct ql_attrs *a, int attr)
{
	int i;

	if (!a || attr >= QL_ATTR_LIMIT)
		return 0;
	i = find(a, attr + 1);
	if (i < 0)
		i = -i - 1;
	return i < a->n ? a->v[i].attr : 0;
}

/*
 * From and to netlink attributes.
 */

/* Type of an attribute no table describes: nest if flagged, else by size. */
static int guess_type(const struct nlattr *nla)
{
	if (nla->nla_type & NLA_F_NESTED)
		return QL_TYPE_NEST;
	switch (nla_len(nla)) {
	case 1:
		return QL_TYPE_U8;
	case 2:
		return QL_TYPE_U16;
	case 4:
		return QL_TYPE_U32;
	case 8:
		return QL_TYPE_U64;
	}
	return 0;
}

static int parse_attrs(struct ql_attrs *a, const struct nlattr *head, int len);

/* Parse @nla into @a: by the table of @a's nest, else by its length. */
static int parse_one(struct ql_attrs *a, const struct nlattr *nla)
{
	int t = nla_type(nla), min = 0, type;
	const struct qlink_attr_info *d = attr_desc(a->nest, t);
	struct ql_attrs *child;
	int err;

	type = d ? ql_type_of(d->type) : guess_type(nla);
	if (t < 1 || !type)
		return 0;	/* nothing we could represent: skip */
	switch (type) {
	case QL_TYPE_U8:
		min = 1;
		break;
	case QL_TYPE_U16:
		min = 2;
		break;
	case QL_TYPE_U32:
	case QL_TYPE_S32:
		min = 4;
		break;
	case QL_TYPE_U64:
	case QL_TYPE_S64:
		min = 8;
		break;
	}
	if (nla_len(nla) < min)
		return -EPROTO;
	switch (type) {
	case QL_TYPE_U8:
		return ql_attrs_put_type(a, t, type, nla_get_u8((struct nlattr *)nla));
	case QL_TYPE_U16:
		return ql_attrs_put_type(a, t, type, nla_get_u16((struct nlattr *)nla));
	case QL_TYPE_U32:
	case QL_TYPE_S32:
		return ql_attrs_put_type(a, t, type, nla_get_u32((struct nlattr *)nla));
	case QL_TYPE_U64:
	case QL_TYPE_S64:
		return ql_attrs_put_type(a, t, type,
					 (int64_t)nla_get_u64((struct nlattr *)nla));
	case QL_TYPE_STRING:
		return put_str_owned(a, t, strndup(nla_data(nla), nla_len(nla)));
	case QL_TYPE_BINARY:
		return ql_attrs_put_bin(a, t, nla_data(nla), nla_len(nla));
	case QL_TYPE_FLAG:
		return ql_attrs_put_flag(a, t);
	}
	/* A nest: the top level's nests have tables, deeper ones not. */
	child = ql_attrs_new(a->nest == QL_NEST_TOP ? t : QL_NEST_RAW);
	if (!child)
		return -ENOMEM;
	err = parse_attrs(child, nla_data(nla), nla_len(nla));
	if (err) {
		ql_attrs_free(child);
		return err;
	}
	return put_nest_owned(a, t, child);
}

static int parse_attrs(struct ql_attrs *a, const struct nlattr *head, int len)
{
	const struct nlattr *nla;
	int rem, err;

	nla_for_each_attr(nla, (struct nlattr *)head, len, rem) {
		err = parse_one(a, nla);
		if (err)
			return err;
	}
	return 0;
}

/* Put the attributes of @a into @msg. */
static int put_attrs(struct nl_msg *msg, const struct ql_attrs *a)
{
	int i, err = 0;

	for (i = 0; i < a->n && !err; i++) {
		const struct ql_val *v = &a->v[i];
		struct nlattr *nest;

		switch (v->type) {
		case QL_TYPE_U8:
			err = nla_put_u8(msg, v->attr, (uint8_t)v->v);
			break;
		case QL_TYPE_U16:
			err = nla_put_u16(msg, v->attr, (uint16_t)v->v);
			break;
		case QL_TYPE_U32:
		case QL_TYPE_S32:
			err = nla_put_u32(msg, v->attr, (uint32_t)v->v);
			break;
		case QL_TYPE_U64:
		case QL_TYPE_S64:
			err = nla_put_u64(msg, v->attr, (uint64_t)v->v);
			break;
		case QL_TYPE_STRING:
			err = nla_put_string(msg, v->attr, v->s);
			break;
		case QL_TYPE_BINARY:
			err = nla_put(msg, v->attr, v->b.len, v->b.p);
			break;
		case QL_TYPE_FLAG:
			err = nla_put_flag(msg, v->attr);
			break;
		case QL_TYPE_NEST:
			nest = nla_nest_start(msg, v->attr);
			if (!nest)
				return -ENOMEM;
			err = put_attrs(msg, v->n);
			nla_nest_end(msg, nest);
			break;
		}
	}
	return err ? -ENOMEM : 0;
}

/*
 * Handles and errors.
 */

/* Record an error: @err is a negative errno, @msg an extack message or NULL. */
static int set_err(struct ql_handle *h, int err, const char *msg)
{
	h->err = err;
	if (msg && *msg)
		snprintf(h->msg, sizeof(h->msg), "%s", msg);
	else if (err)
		snprintf(h->msg, sizeof(h->msg), "%s", strerror(-err));
	else
		h->msg[0] = '\0';
	return err;
}

QL_API const char *ql_errmsg(const struct ql_handle *h)
{
	return h ? h->msg : "";
}

QL_API int ql_errno(const struct ql_handle *h)
{
	return h ? h->err : 0;
}

QL_API uint32_t ql_family_version(const struct ql_handle *h)
{
	return h->version;
}

QL_API int ql_netns_cookie(int fd, uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int s = fd, err = 0;

	if (!cookie)
		return -EINVAL;
	if (fd < 0) {
		s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return -errno;
	}
	if (getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len) < 0)
		err = -errno;
	if (fd < 0)
		close(s);
	return err;
}

static struct nl_sock *open_sock(int protocol)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return NULL;
	if (nl_connect(sk, protocol)) {
		nl_socket_free(sk);
		return NULL;
	}
	/* Ask for the kernel's error messages; harmless if unsupported. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	return sk;
}

/*
 * Request/response machinery.
 */
struct xact {
	struct ql_handle *h;
	/* one reply; non-zero stops the parsing of the rest */
	int (*parse)(struct nlmsghdr *nlh, void *arg);
	void *arg;
	size_t hdrlen;	/* family header before the attributes (for errors) */
	bool qlink;	/* a qlink request: name its attributes in errors */
	int done;
	int stop;
	int count;
};

static int xact_valid(struct nl_msg *msg, void *data)
{
	struct xact *x = data;

	if (x->stop)
		return NL_SKIP;
	x->count++;
	if (x->parse && x->parse(nlmsg_hdr(msg), x->arg))
		x->stop = 1;
	return NL_OK;
}

/* "QLINK_A_CALIB_" + "FIDELITY" for attribute @attr of @nest, into @buf. */
static int uapi_name(int nest, int attr, char *buf, size_t len)
{
	const struct ql_nest_desc *nd = nest_desc(nest);
	const char *n = ql_attr_name(nest, attr);
	size_t i;

	if (!nd || !n)
		return -1;
	snprintf(buf, len, "%s", nd->prefix);
	for (i = strlen(buf); *n && i < len - 1; n++, i++) {
		buf[i] = *n >= 'a' && *n <= 'z' ? *n - 'a' + 'A' : *n;
		buf[i + 1] = '\0';
	}
	return 0;
}

/* Is @offs the offset of @a in @req? */
static bool is_at(const struct nlmsghdr *req, const struct nlattr *a,
		  uint32_t offs)
{
	return (uint32_t)((const char *)a - (const char *)req) == offs;
}

/* Does attribute @a of @req hold offset @offs (itself or a child)? */
static bool holds(const struct nlmsghdr *req, const struct nlattr *a,
		  uint32_t offs)
{
	uint32_t at = (const char *)a - (const char *)req;

	return offs >= at && offs < at + nla_len(a) + NLA_HDRLEN;
}

/*
 * Name of the request attribute at offset @offs of the echoed qlink
 * request @req (as the kernel's NLMSGERR_ATTR_OFFS gives it), into @buf.
 */
static int attr_at(const struct nlmsghdr *req, uint32_t offs, char *buf,
		   size_t len)
{
	const struct nlattr *a, *c;
	int rem, crem;

	if (offs < NLMSG_HDRLEN + GENL_HDRLEN || offs >= req->nlmsg_len)
		return -1;
	nla_for_each_attr(a, (const struct nlattr *)((const char *)req +
			  NLMSG_HDRLEN + GENL_HDRLEN),
			  req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rem) {
		int type = nla_type(a);

		if (!holds(req, a, offs))
			continue;
		if (is_at(req, a, offs)) {
			if (uapi_name(QL_NEST_TOP, type, buf, len))
				snprintf(buf, len, "attribute");
			return 0;
		}
		if (ql_attr_type(QL_NEST_TOP, type) != QL_TYPE_NEST)
			return -1;
		nla_for_each_nested(c, a, crem)
			if (is_at(req, c, offs))
				return uapi_name(type, nla_type(c), buf, len);
	}
	return -1;
}

/*
 * The same for an echoed RTM_NEWLINK: an attribute of IFLA_INFO_DATA is
 * named "KIND attribute N" (the library knows no link kind's names).
 */
static int rt_attr_at(const struct nlmsghdr *req, uint32_t offs, char *buf,
		      size_t len)
{
	size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
	const struct nlattr *a, *c, *kind = NULL, *data = NULL;
	int rem;

	if (req->nlmsg_type != RTM_NEWLINK || offs < hdr ||
	    offs >= req->nlmsg_len)
		return -1;
	nla_for_each_attr(a, (const struct nlattr *)((const char *)req + hdr),
			  req->nlmsg_len - hdr, rem) {
		if (nla_type(a) != IFLA_LINKINFO || !holds(req, a, offs))
			continue;
		nla_for_each_nested(c, a, rem) {
			if (nla_type(c) == IFLA_INFO_KIND)
				kind = c;
			else if (nla_type(c) == IFLA_INFO_DATA)
				data = c;
		}
		break;
	}
	if (!kind || !data || !holds(req, data, offs))
		return -1;
	nla_for_each_nested(c, data, rem)
		if (is_at(req, c, offs)) {
			snprintf(buf, len, "%.*s attribute %d",
				 (int)strnlen(nla_data(kind), nla_len(kind)),
				 (const char *)nla_data(kind), nla_type(c));
			return 0;
		}
	return -1;
}

/* ": allowed [min, max]" from the policy the kernel reported, into @buf. */
static void policy_range(struct nlattr *pol, char *buf, size_t len)
{
	struct nlattr *p[NL_POLICY_TYPE_ATTR_MAX + 1];

	*buf = '\0';
	if (!pol || nla_parse_nested(p, NL_POLICY_TYPE_ATTR_MAX, pol, NULL))
		return;
	if (p[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
	    p[NL_POLICY_TYPE_ATTR_MAX_VALUE_U])
		snprintf(buf, len, ": allowed [%llu, %llu]",
			 (unsigned long long)nla_get_u64(
			 p[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]),
			 (unsigned long long)nla_get_u64(
			 p[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
	else if (p[NL_POLICY_TYPE_ATTR_MIN_VALUE_S] &&
		 p[NL_POLICY_TYPE_ATTR_MAX_VALUE_S])
		snprintf(buf, len, ": allowed [%lld, %lld]",
			 (long long)nla_get_s64(
			 p[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]),
			 (long long)nla_get_s64(
			 p[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]));
}

/*
 * The extack TLVs follow the (possibly capped) echoed request. A generic
 * message of the kernel's policy checks ("integer out of range") gets the
 * attribute's name and the range of the policy the kernel reported.
 */
static int xact_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	struct xact *x = data;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *msg = NULL;
	size_t off = sizeof(*e);
	char full[384], name[64], range[96];
	uint32_t offs;
	int named;

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    nlh->nlmsg_len >= NLMSG_HDRLEN + off &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)e + off),
		       nlh->nlmsg_len - NLMSG_HDRLEN - off, ext_ack_policy)) {
		if (tb[NLMSGERR_ATTR_MSG])
			msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
		named = -1;
		if (tb[NLMSGERR_ATTR_OFFS] && !(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
			if (x->qlink && (!msg || !strstr(msg, "QLINK_A_")))
				named = attr_at(&e->msg, offs, name,
						sizeof(name));
			else if (!x->qlink && (!msg || !strstr(msg, "IFLA_")))
				named = rt_attr_at(&e->msg, offs, name,
						   sizeof(name));
		}
		if (!named) {
			policy_range(tb[NLMSGERR_ATTR_POLICY], range,
				     sizeof(range));
			snprintf(full, sizeof(full), "%s: %s%s", name,
				 msg ? msg : strerror(-e->error), range);
			msg = full;
		}
	}
	set_err(x->h, e->error ? e->error : 0, msg);
	/* The echoed request may hold a key: wipe it once read. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(e->msg) &&
	    NLMSG_HDRLEN + off <= nlh->nlmsg_len)
		explicit_bzero(&e->msg + 1, e->msg.nlmsg_len - sizeof(e->msg));
	x->done = 1;
	return NL_STOP;
}

static int xact_done(struct nl_msg *msg, void *data)
{
	struct xact *x = data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *emsg = NULL;
	int err;

	x->done = 1;
	/*
	 * A dump that fails (no such device...) ends with NLMSG_DONE carrying
	 * the negative errno, then the extack TLVs.
	 */
	if (nlh->nlmsg_type != NLMSG_DONE ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
		return NL_STOP;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err >= 0)
		return NL_STOP;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX,
		       (struct nlattr *)((char *)nlmsg_data(nlh) + sizeof(int)),
		       nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(int),
		       ext_ack_policy) &&
	    tb[NLMSGERR_ATTR_MSG])
		emsg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	set_err(x->h, err, emsg);
	return NL_STOP;
}

/*
 * Send @msg (consumed) on @sk, then read replies until the ACK or the end
 * of the dump. Returns the number of replies or a negative errno.
 */
static int transact_on(struct nl_sock *sk, struct xact *x, struct nl_msg *msg)
{
	struct ql_handle *h = x->h;
	struct nl_cb *cb;
	int err;

	set_err(h, 0, NULL);
	if (!msg)
		return set_err(h, -ENOMEM, NULL);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return set_err(h, -ENOMEM, NULL);
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, xact_valid, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, xact_done, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, xact_done, x);
	nl_cb_err(cb, NL_CB_CUSTOM, xact_error, x);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(sk, msg);
	/* A request may carry a key (QLINK_A_PEER_KEY): no copy stays. */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		return set_err(h, -EIO, nl_geterror(err));
	}
	while (!x->done) {
		err = nl_recvmsgs(sk, cb);
		if (err < 0) {
			if (!h->err)
				set_err(h, -EIO, nl_geterror(err));
			break;
		}
	}
	nl_cb_put(cb);
	return h->err ? h->err : x->count;
}

/* The family's id and version from the controller (CTRL_CMD_GETFAMILY). */
static int ctrl_parse(struct nlmsghdr *nlh, void *arg)
{
	struct ql_handle *h = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX,
			  ctrl_policy) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return 1;
	h->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		h->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

static int resolve_family(struct ql_handle *h)
{
	struct xact x = { .h = h, .parse = ctrl_parse, .arg = h };
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (msg && (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL,
				 0, 0, CTRL_CMD_GETFAMILY, 1) ||
		    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, QLINK_GENL_NAME))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	h->family = -1;
	err = transact_on(h->sk, &x, msg);
	if (err < 0)
		return err;
	return h->family < 0 ? -ENOENT : 0;
}

QL_API int ql_open(struct ql_handle **hp)
{
	struct ql_handle *h;
	int err;

	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sk = open_sock(NETLINK_GENERIC);
	if (!h->sk) {
		free(h);
		return -ENOTCONN;
	}
	err = resolve_family(h);
	if (err) {
		nl_socket_free(h->sk);
		free(h);
		return err;
	}
	set_err(h, 0, NULL);
	*hp = h;
	return 0;
}

QL_API void ql_close(struct ql_handle *h)
{
	if (!h)
		return;
	if (h->ev)
		nl_socket_free(h->ev);
	if (h->rt)
		nl_socket_free(h->rt);
	nl_socket_free(h->sk);
	free(h);
}

/*
 * qlink requests. Every reply is parsed into a struct ql_link.
 */
static struct nl_msg *new_msg(struct ql_handle *h, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
				flags, cmd, QLINK_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int name_ok(struct ql_handle *h, const char *ifname)
{
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE)
		return set_err(h, -EINVAL, "invalid interface name");
	return 0;
}

static struct nl_msg *link_msg(struct ql_handle *h, int cmd, int flags,
			       const char *ifname, uint32_t ifindex)
{
	struct nl_msg *msg = new_msg(h, cmd, flags);

	if (!msg)
		return NULL;
	if ((ifname && nla_put_string(msg, QLINK_A_IFNAME, ifname)) ||
	    (ifindex && nla_put_u32(msg, QLINK_A_IFINDEX, ifindex))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void link_release(struct ql_link *l)
{
	attrs_release(&l->top);
}

static int parse_link(struct nlmsghdr *nlh, struct ql_link *l)
{
	int err;

	attrs_init(&l->top, QL_NEST_TOP);
	err = parse_attrs(&l->top, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0));
	if (err)
		link_release(l);
	return err;
}

struct link_arg {
	ql_link_cb cb;
	void *arg;
	struct ql_link **out;
	int bad;
};

static int link_parse_cb(struct nlmsghdr *nlh, void *arg)
{
	struct link_arg *la = arg;
	struct ql_link l;
	int ret = 0;

	if (parse_link(nlh, &l)) {
		la->bad = 1;
		return 1;
	}
	if (la->out) {
		ql_link_free(*la->out);
		*la->out = ql_link_dup(&l);
		if (!*la->out)
			la->bad = 1;
	} else if (la->cb) {
		ret = la->cb(&l, la->arg);
	}
	link_release(&l);
	return ret;
}

/* A qlink request whose replies are links; -EPROTO if one is malformed. */
static int link_xact(struct ql_handle *h, struct nl_msg *msg,
		     struct link_arg *la)
{
	struct xact x = { .h = h, .parse = link_parse_cb, .arg = la,
			  .qlink = true };
	int err = transact_on(h->sk, &x, msg);

	if (err >= 0 && la->bad) {
		if (la->out) {
			ql_link_free(*la->out);
			*la->out = NULL;
		}
		return set_err(h, -EPROTO, "malformed message from the kernel");
	}
	return err;
}

/* One object into *@lp: @none is the errno if the kernel sent nothing. */
static int get_one(struct ql_handle *h, struct nl_msg *msg,
		   struct ql_link **lp, int none)
{
	struct link_arg la = { .out = lp };
	int err;

	*lp = NULL;
	err = link_xact(h, msg, &la);
	if (err < 0)
		return err;
	return *lp ? 0 : set_err(h, none, NULL);
}

QL_API void ql_link_free(struct ql_link *l)
{
	if (!l)
		return;
	link_release(l);
	free(l);
}

QL_API struct ql_link *ql_link_dup(const struct ql_link *l)
{
	struct ql_link *c = malloc(sizeof(*c));

	if (c && copy_into(&c->top, &l->top)) {
		free(c);
		return NULL;
	}
	return c;
}

QL_API uint32_t ql_link_ifindex(const struct ql_link *l)
{
	return (uint32_t)ql_attrs_get(&l->top, QLINK_A_IFINDEX);
}

QL_API const char *ql_link_ifname(const struct ql_link *l)
{
	const char *s = ql_attrs_get_str(&l->top, QLINK_A_IFNAME);

	return s ? s : "";
}

QL_API uint32_t ql_link_id(const struct ql_link *l)
{
	return (uint32_t)ql_attrs_get(&l->top, QLINK_A_LINK_ID);
}

QL_API const char *ql_link_kind(const struct ql_link *l)
{
	return ql_attrs_get_str(&l->top, QLINK_A_LINK_KIND);
}

QL_API bool ql_link_has(const struct ql_link *l, int attr)
{
	return ql_attrs_has(&l->top, attr);
}

QL_API int64_t ql_link_value(const struct ql_link *l, int attr)
{
	return ql_attrs_get(&l->top, attr);
}

QL_API const struct ql_attrs *ql_link_attrs(const struct ql_link *l, int nest)
{
	if (nest == QL_NEST_TOP)
		return &l->top;
	return ql_attrs_get_nest(&l->top, nest);
}

QL_API int ql_link_get(struct ql_handle *h, const char *ifname,
		       struct ql_link **lp)
{
	*lp = NULL;
	if (name_ok(h, ifname))
		return h->err;
	return get_one(h, link_msg(h, QLINK_CMD_LINK_GET, 0, ifname, 0), lp,
		       -ENODEV);
}

QL_API int ql_link_get_by_index(struct ql_handle *h, uint32_t ifindex,
				struct ql_link **lp)
{
	*lp = NULL;
	if (!ifindex)
		return set_err(h, -EINVAL, "invalid ifindex 0");
	return get_one(h, link_msg(h, QLINK_CMD_LINK_GET, 0, NULL, ifindex),
		       lp, -ENODEV);
}

QL_API int ql_link_dump(struct ql_handle *h, ql_link_cb cb, void *arg)
{
	struct link_arg la = { .cb = cb, .arg = arg };

	return link_xact(h, link_msg(h, QLINK_CMD_LINK_GET, NLM_F_DUMP, NULL, 0),
			 &la);
}

/* @a as top-level attributes of @msg: a nest's set goes in as that nest. */
static int put_top(struct nl_msg *msg, const struct ql_attrs *a)
{
	struct nlattr *nest;
	int err;

	if (a->nest == QL_NEST_TOP)
		return put_attrs(msg, a);
	if (a->nest <= 0)
		return -EINVAL;
	nest = nla_nest_start(msg, a->nest);
	if (!nest)
		return -ENOMEM;
	err = put_attrs(msg, a);
	nla_nest_end(msg, nest);
	return err;
}

static int link_set(struct ql_handle *h, const char *ifname,
		    uint32_t ifindex, const struct ql_attrs *a)
{
	struct nl_msg *msg;
	struct xact x = { .h = h, .qlink = true };
	int err;

	if (!a)
		return set_err(h, -EINVAL, NULL);
	msg = link_msg(h, QLINK_CMD_LINK_SET, 0, ifname, ifindex);
	if (msg) {
		err = put_top(msg, a);
		if (err) {
			nlmsg_free(msg);
			return set_err(h, err, err == -EINVAL ?
				       "not a set of link attributes" : NULL);
		}
	}
	err = transact_on(h->sk, &x, msg);
	return err < 0 ? err : 0;
}

QL_API int ql_link_set(struct ql_handle *h, const char *ifname,
		       const struct ql_attrs *a)
{
	if (name_ok(h, ifname))
		return h->err;
	return link_set(h, ifname, 0, a);
}

QL_API int ql_link_set_by_index(struct ql_handle *h, uint32_t ifindex,
				const struct ql_attrs *a)
{
	if (!ifindex)
		return set_err(h, -EINVAL, "invalid ifindex 0");
	return link_set(h, NULL, ifindex, a);
}

/*
 * Link-type attributes through rtnetlink (IFLA_INFO_DATA).
 */
static struct nl_sock *rt_sock(struct ql_handle *h)
{
	if (!h->rt)
		h->rt = open_sock(NETLINK_ROUTE);
	return h->rt;
}

static struct nl_msg *rt_msg(int type, int flags, const char *ifname)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (msg && (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) ||
		    nla_put_string(msg, IFLA_IFNAME, ifname))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

QL_API int ql_link_kind_set(struct ql_handle *h, const char *ifname,
			    const char *kind, const struct ql_attrs *data)
{
	struct xact x = { .h = h };
	struct nlattr *info, *d;
	struct nl_msg *msg;
	int err;

	if (name_ok(h, ifname))
		return h->err;
	if (!kind || !*kind || !data)
		return set_err(h, -EINVAL, "a link kind and attributes are needed");
	if (!rt_sock(h))
		return set_err(h, -ENOTCONN, NULL);
	msg = rt_msg(RTM_NEWLINK, NLM_F_REQUEST, ifname);
	if (msg) {
		info = nla_nest_start(msg, IFLA_LINKINFO);
		err = !info || nla_put_string(msg, IFLA_INFO_KIND, kind);
		d = err ? NULL : nla_nest_start(msg, IFLA_INFO_DATA);
		if (!d || put_attrs(msg, data)) {
			nlmsg_free(msg);
			msg = NULL;
		} else {
			nla_nest_end(msg, d);
			nla_nest_end(msg, info);
		}
	}
	err = transact_on(h->rt, &x, msg);
	return err < 0 ? err : 0;
}

struct kind_arg {
	struct ql_attrs *data;
	int bad;
};

static const struct nla_policy ifla_policy[IFLA_MAX + 1] = {
	[IFLA_LINKINFO]		= { .type = NLA_NESTED },
};

static const struct nla_policy info_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND]	= { .type = NLA_STRING },
	[IFLA_INFO_DATA]	= { .type = NLA_NESTED },
};

static int kind_parse_cb(struct nlmsghdr *nlh, void *arg)
{
	struct kind_arg *ka = arg;
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX,
			ifla_policy) < 0) {
		ka->bad = 1;
		return 1;
	}
	if (!tb[IFLA_LINKINFO] ||
	    nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO],
			     info_policy) < 0 ||
	    !info[IFLA_INFO_DATA])
		return 0;
	ka->data = ql_attrs_new(QL_NEST_RAW);
	if (!ka->data ||
	    parse_attrs(ka->data, nla_data(info[IFLA_INFO_DATA]),
			nla_len(info[IFLA_INFO_DATA]))) {
		ql_attrs_free(ka->data);
		ka->data = NULL;
		ka->bad = 1;
		return 1;
	}
	return 0;
}

QL_API int ql_link_kind_get(struct ql_handle *h, const char *ifname,
			    struct ql_attrs **data)
{
	struct kind_arg ka = { 0 };
	struct xact x = { .h = h, .parse = kind_parse_cb, .arg = &ka };
	int err;

	*data = NULL;
	if (name_ok(h, ifname))
		return h->err;
	if (!rt_sock(h))
		return set_err(h, -ENOTCONN, NULL);
	err = transact_on(h->rt, &x, rt_msg(RTM_GETLINK, NLM_F_REQUEST, ifname));
	if (err < 0) {
		ql_attrs_free(ka.data);
		return err;
	}
	if (ka.bad)
		return set_err(h, -EPROTO, "malformed message from the kernel");
	if (!ka.data)
		return set_err(h, -ENODATA, "the link has no link-type attributes");
	*data = ka.data;
	return 0;
}

/*
 * Statistics.
 */
QL_API int ql_stats_get(struct ql_handle *h, const char *ifname,
			struct ql_link **lp)
{
	*lp = NULL;
	if (name_ok(h, ifname))
		return h->err;
	return get_one(h, link_msg(h, QLINK_CMD_STATS_GET, 0, ifname, 0), lp,
		       -ENODEV);
}

QL_API int ql_stats_dump(struct ql_handle *h, ql_link_cb cb, void *arg)
{
	struct link_arg la = { .cb = cb, .arg = arg };

	return link_xact(h, link_msg(h, QLINK_CMD_STATS_GET, NLM_F_DUMP, NULL,
				     0), &la);
}

/*
 * Pairs.
 */
struct pair_arg {
	ql_pair_cb cb;
	void *arg;
};

static int pair_link_cb(const struct ql_link *l, void *arg)
{
	struct pair_arg *pa = arg;
	const struct ql_attrs *p = ql_link_attrs(l, QLINK_A_PAIR);

	if (!p || !pa->cb)
		return 0;
	return pa->cb(l, p, pa->arg);
}

QL_API int ql_pair_dump(struct ql_handle *h, const char *ifname,
			ql_pair_cb cb, void *arg)
{
	struct pair_arg pa = { .cb = cb, .arg = arg };
	struct link_arg la = { .cb = pair_link_cb, .arg = &pa };

	if (name_ok(h, ifname))
		return h->err;
	return link_xact(h, link_msg(h, QLINK_CMD_PAIR_GET, NLM_F_DUMP, ifname,
				     0), &la);
}

QL_API const char *ql_pair_state_name(uint32_t state)
{
	switch (state) {
	case QLINK_PAIR_READY:
		return "ready";
	case QLINK_PAIR_PROMISED:
		return "promised";
	}
	return NULL;
}

QL_API const char *ql_bell_name(uint8_t bell_index)
{
	static const char *const names[] = { "phi+", "phi-", "psi+", "psi-" };

	return bell_index < 4 ? names[bell_index] : NULL;
}

/*
 * Events.
 */
QL_API int ql_event_subscribe_group(struct ql_handle *h, const char *group)
{
	char msg[96];
	int grp, err;
	bool fresh = false;

	set_err(h, 0, NULL);
	if (!group)
		return set_err(h, -EINVAL, NULL);
	grp = genl_ctrl_resolve_grp(h->sk, QLINK_GENL_NAME, group);
	if (grp < 0) {
		snprintf(msg, sizeof(msg), "the qlink family has no \"%s\" group",
			 group);
		return set_err(h, -ENOENT, msg);
	}
	if (!h->ev) {
		h->ev = open_sock(NETLINK_GENERIC);
		if (!h->ev)
			return set_err(h, -ENOTCONN, NULL);
		nl_socket_disable_seq_check(h->ev);
		nl_socket_set_buffer_size(h->ev, 1 << 20, 0);
		fresh = true;
	}
	err = nl_socket_add_membership(h->ev, grp);
	if (err < 0) {
		if (fresh) {
			nl_socket_free(h->ev);
			h->ev = NULL;
		}
		return set_err(h, -EIO, nl_geterror(err));
	}
	return 0;
}

QL_API int ql_event_cmd(const struct ql_event *ev)
{
	return ev->cmd;
}

QL_API const struct ql_link *ql_event_link(const struct ql_event *ev)
{
	return &ev->link;
}

QL_API int ql_event_pair_count(const struct ql_event *ev)
{
	return ev->n_pairs;
}

QL_API const struct ql_attrs *ql_event_pair(const struct ql_event *ev, int i)
{
	return i >= 0 && i < ev->n_pairs ? ev->pairs[i] : NULL;
}

static void event_release(struct ql_event *ev)
{
	int i;

	for (i = 0; i < ev->n_pairs; i++)
		ql_attrs_free(ev->pairs[i]);
	free(ev->pairs);
	link_release(&ev->link);
}

/* The pairs of a PAIR_NTF: repeated QLINK_A_PAIR nests. */
static int parse_event_pairs(struct nlmsghdr *nlh, struct ql_event *ev)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		struct ql_attrs *p, **v;

		if (nla_type(a) != QLINK_A_PAIR)
			continue;
		v = realloc(ev->pairs, (ev->n_pairs + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		ev->pairs = v;
		p = ql_attrs_new(QLINK_A_PAIR);
		if (!p)
			return -ENOMEM;
		if (parse_attrs(p, nla_data(a), nla_len(a))) {
			ql_attrs_free(p);
			return -EPROTO;
		}
		ev->pairs[ev->n_pairs++] = p;
	}
	return 0;
}

QL_API int ql_event_fd(const struct ql_handle *h)
{
	return h && h->ev ? nl_socket_get_fd(h->ev) : -1;
}

struct ev_arg {
	ql_event_cb cb;
	void *arg;
	int count;
	int ret;
};

static int ev_valid(struct nl_msg *msg, void *data)
{
	struct ev_arg *ea = data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct ql_event ev = { .cmd = gh->cmd };

	if (ea->ret)
		return NL_SKIP;
	if (parse_link(nlh, &ev.link))
		return NL_SKIP;
	if (ev.cmd == QLINK_CMD_PAIR_NTF && parse_event_pairs(nlh, &ev)) {
		event_release(&ev);
		return NL_SKIP;
	}
	ea->count++;
	if (ea->cb)
		ea->ret = ea->cb(&ev, ea->arg);
	event_release(&ev);
	return NL_OK;
}

/* Events are not answers to requests: they carry sequence number 0. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int event_recv(struct ql_handle *h, struct ev_arg *ea)
{
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return set_err(h, -ENOMEM, NULL);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ev_valid, ea);
	err = nl_recvmsgs(h->ev, cb);
	nl_cb_put(cb);
	if (err < 0) {
		if (err == -NLE_INTR)
			return set_err(h, -EINTR, NULL);
		if (err == -NLE_NOMEM)
			return set_err(h, -ENOBUFS,
				       "event socket overrun: events were lost");
		return set_err(h, -EIO, nl_geterror(err));
	}
	return 0;
}

QL_API int ql_event_recv(struct ql_handle *h, ql_event_cb cb, void *arg)
{
	struct ev_arg ea = { .cb = cb, .arg = arg };
	int err;

	set_err(h, 0, NULL);
	if (!h->ev)
		return set_err(h, -EINVAL, "not subscribed to events");
	err = event_recv(h, &ea);
	return err < 0 ? err : ea.count;
}

QL_API int ql_event_loop(struct ql_handle *h, ql_event_cb cb, void *arg,
			 int timeout_ms)
{
	struct ev_arg ea = { .cb = cb, .arg = arg };
	struct pollfd pfd;
	int n, err;

	set_err(h, 0, NULL);
	if (!h->ev)
		return set_err(h, -EINVAL, "not subscribed to events");
	pfd.fd = nl_socket_get_fd(h->ev);
	pfd.events = POLLIN;
	while (!ea.ret) {
		n = poll(&pfd, 1, timeout_ms);
		if (n < 0)
			return set_err(h, -errno, NULL);
		if (n == 0)
			return 0;
		err = event_recv(h, &ea);
		if (err < 0)
			return err;
	}
	return ea.ret > 0 ? ea.ret : 1;
}

QL_API const char *ql_event_name(int cmd)
{
	switch (cmd) {
	case QLINK_CMD_LINK_CREATE_NTF:
		return "create";
	case QLINK_CMD_LINK_DELETE_NTF:
		return "delete";
	case QLINK_CMD_LINK_CHANGE_NTF:
		return "change";
	case QLINK_CMD_PAIR_NTF:
		return "pairs";
	case QLINK_CMD_PAIR_DROP_NTF:
		return "drop";
	}
	return NULL;
}

QL_API const char *ql_change_name(uint32_t change)
{
	switch (change) {
	case QLINK_CHANGE_UP:
		return "up";
	case QLINK_CHANGE_DOWN:
		return "down";
	case QLINK_CHANGE_CONFIG:
		return "config";
	case QLINK_CHANGE_CALIB:
		return "calib";
	case QLINK_CHANGE_CARRIER:
		return "carrier";
	case QLINK_CHANGE_NAME:
		return "name";
	case QLINK_CHANGE_PEER:
		return "peer";
	}
	return NULL;
}

QL_API const char *ql_herald_model_name(uint32_t model)
{
	switch (model) {
	case QLINK_HERALD_TIME_TAGS:
		return "time-tags";
	case QLINK_HERALD_EVENTS:
		return "events";
	}
	return NULL;
}

QL_API const char *ql_drop_reason_name(uint32_t reason)
{
	switch (reason) {
	case QLINK_DROP_EXPIRED:
		return "expired";
	case QLINK_DROP_FULL:
		return "full";
	case QLINK_DROP_SLOTS:
		return "slots";
	case QLINK_DROP_LOW_FIDELITY:
		return "low-fidelity";
	case QLINK_DROP_FLUSH:
		return "flush";
	case QLINK_DROP_PEER:
		return "peer";
	}
	return NULL;
}

/*
 * The link protocol's peer (QLINK_A_LINK_PEER).
 */
QL_API int ql_peer_put_addr(struct ql_attrs *peer, const struct sockaddr *sa,
			    socklen_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	int err;

	if (!peer || !sa)
		return -EINVAL;
	if (sa->sa_family == AF_INET && len >= sizeof(*s4))
		err = ql_attrs_put_bin(peer, QLINK_A_PEER_ADDRESS,
				       &s4->sin_addr, sizeof(s4->sin_addr)) ?:
		      ql_attrs_put_type(peer, QLINK_A_PEER_PORT, QL_TYPE_U16,
					ntohs(s4->sin_port));
	else if (sa->sa_family == AF_INET6 && len >= sizeof(*s6))
		err = ql_attrs_put_bin(peer, QLINK_A_PEER_ADDRESS,
				       &s6->sin6_addr, sizeof(s6->sin6_addr)) ?:
		      ql_attrs_put_type(peer, QLINK_A_PEER_PORT, QL_TYPE_U16,
					ntohs(s6->sin6_port));
	else
		return -EAFNOSUPPORT;
	return err;
}

QL_API int ql_peer_addr(const struct ql_attrs *peer,
			struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	uint16_t port = ql_attrs_get(peer, QLINK_A_PEER_PORT);
	const void *addr;
	size_t len;

	if (!ss)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	addr = ql_attrs_get_bin(peer, QLINK_A_PEER_ADDRESS, &len);
	if (!addr)
		return -ENOENT;
	if (len == sizeof(s4->sin_addr)) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr, len);
	} else if (len == sizeof(s6->sin6_addr)) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr, len);
	} else {
		return -EPROTO;
	}
	return 0;
}

QL_API const char *ql_peer_role_name(uint32_t role)
{
	switch (role) {
	case QLINK_ROLE_DECIDE:
		return "decide";
	case QLINK_ROLE_FOLLOW:
		return "follow";
	}
	return NULL;
}

QL_API const char *ql_peer_state_name(uint32_t state)
{
	switch (state) {
	case QLINK_PEER_DOWN:
		return "down";
	case QLINK_PEER_CONNECTING:
		return "connecting";
	case QLINK_PEER_DISAGREE:
		return "disagree";
	case QLINK_PEER_CALIBRATING:
		return "calibrating";
	case QLINK_PEER_UP:
		return "up";
	}
	return NULL;
}

/*
 * Purposes.
 */
static struct nl_msg *purpose_msg(struct ql_handle *h, int cmd, int flags,
				  const char *ifname, const struct ql_attrs *p)
{
	struct nl_msg *msg = link_msg(h, cmd, flags, ifname, 0);

	if (msg && p && put_top(msg, p)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

QL_API int ql_purpose_get(struct ql_handle *h, const char *ifname,
			  uint32_t id, struct ql_link **lp)
{
	struct ql_attrs q;
	struct ql_val v = { .attr = QLINK_A_PURPOSE_ID, .type = QL_TYPE_U32,
			    .v = id };
	int err;

	*lp = NULL;
	if (name_ok(h, ifname))
		return h->err;
	if (!id)
		return set_err(h, -EINVAL, "purpose id 0 is not valid");
	/* a one-attribute set on the stack */
	attrs_init(&q, QLINK_A_PURPOSE);
	q.v = &v;
	q.n = 1;
	q.size = 1;
	err = get_one(h, purpose_msg(h, QLINK_CMD_PURPOSE_GET, 0, ifname, &q),
		      lp, -ENOENT);
	if (!err && !ql_link_attrs(*lp, QLINK_A_PURPOSE)) {
		ql_link_free(*lp);
		*lp = NULL;
		return set_err(h, -EPROTO, "malformed purpose description");
	}
	return err;
}

QL_API int ql_purpose_dump(struct ql_handle *h, const char *ifname,
			   ql_link_cb cb, void *arg)
{
	struct link_arg la = { .cb = cb, .arg = arg };

	if (name_ok(h, ifname))
		return h->err;
	return link_xact(h, purpose_msg(h, QLINK_CMD_PURPOSE_GET, NLM_F_DUMP,
					ifname, NULL), &la);
}

QL_API int ql_purpose_set(struct ql_handle *h, const char *ifname,
			  const struct ql_attrs *p)
{
	struct xact x = { .h = h, .qlink = true };
	int err;

	if (name_ok(h, ifname))
		return h->err;
	if (!p || p->nest != QLINK_A_PURPOSE ||
	    !ql_attrs_get(p, QLINK_A_PURPOSE_ID))
		return set_err(h, -EINVAL, "purpose id 0 is not valid");
	err = transact_on(h->sk, &x, purpose_msg(h, QLINK_CMD_PURPOSE_SET, 0,
						 ifname, p));
	return err < 0 ? err : 0;
}

/*
 * AF_QLINK sockets.
 */
QL_API int ql_socket_family(void)
{
	char buf[32];
	ssize_t n;
	long v;
	int fd;

	fd = open("/sys/module/qlink/parameters/family", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return AF_QLINK;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return AF_QLINK;
	buf[n] = '\0';
	v = strtol(buf, NULL, 10);
	return v > 0 && v < AF_MAX + 64 ? (int)v : AF_QLINK;
}

QL_API int ql_sock_open(const char *ifname, uint32_t purpose, int type)
{
	struct sockaddr_qlink sq = { 0 };
	unsigned int ifindex;
	int fd, err;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || !purpose)
		return -EINVAL;
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return errno == ENXIO || !errno ? -ENODEV : -errno;
	fd = socket(ql_socket_family(), type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sq.sq_family = ql_socket_family();
	sq.sq_ifindex = (int32_t)ifindex;
	sq.sq_purpose = purpose;
	if (bind(fd, (struct sockaddr *)&sq, sizeof(sq)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

QL_API int ql_sock_set_receive(int fd, bool on)
{
	int v = on;

	if (setsockopt(fd, SOL_QLINK, QLINK_SO_RECEIVE, &v, sizeof(v)) < 0)
		return -errno;
	return 0;
}

QL_API int ql_sock_request(int fd, const struct qlink_create *req)
{
	ssize_t n;

	if (!req)
		return -EINVAL;
	n = send(fd, req, sizeof(*req), MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(*req) ? 0 : -EIO;
}

QL_API int ql_sock_recv(int fd, struct qlink_record *rec, int timeout_ms)
{
	int flags = 0;
	ssize_t n;

	if (!rec)
		return -EINVAL;
	if (timeout_ms >= 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0)
			return -errno;
		if (r == 0)
			return -EAGAIN;
		flags = MSG_DONTWAIT;
	}
	n = recv(fd, rec, sizeof(*rec), flags);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n < sizeof(*rec))
		return -EPROTO;
	return 0;
}

QL_API const char *ql_err_name(uint8_t error)
{
	static const char *const names[] = {
		[QLINK_ERR_UNSUPP]	= "UNSUPP",
		[QLINK_ERR_NOTIME]	= "NOTIME",
		[QLINK_ERR_NORES]	= "NORES",
		[QLINK_ERR_TIMEOUT]	= "TIMEOUT",
		[QLINK_ERR_REJECTED]	= "REJECTED",
		[QLINK_ERR_EXPIRE]	= "EXPIRE",
		[QLINK_ERR_OTHER]	= "OTHER",
	};

	return error < sizeof(names) / sizeof(names[0]) ? names[error] : NULL;
}

QL_API const char *ql_req_type_name(uint8_t type)
{
	switch (type) {
	case QLINK_REQ_KEEP:
		return "keep";
	case QLINK_REQ_MEASURE:
		return "measure";
	case QLINK_REQ_RSP:
		return "rsp";
	}
	return NULL;
}

QL_API const char *ql_basis_name(uint8_t basis)
{
	switch (basis) {
	case QLINK_BASIS_Z:
		return "z";
	case QLINK_BASIS_X:
		return "x";
	case QLINK_BASIS_Y:
		return "y";
	case QLINK_BASIS_RANDOM:
		return "random";
	}
	return NULL;
}

QL_API const char *ql_priority_name(uint8_t prio)
{
	switch (prio) {
	case QLINK_PRIO_INTERACTIVE:
		return "interactive";
	case QLINK_PRIO_NORMAL:
		return "normal";
	case QLINK_PRIO_BATCH:
		return "batch";
	}
	return NULL;
}
