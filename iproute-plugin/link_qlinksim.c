// SPDX-License-Identifier: GPL-2.0
/*
 * link_qlinksim.so: `ip link ... type qlinksim` for iproute2's ip.
 *
 *   ip link add qa type qlinksim [ SETTING VALUE ... ]
 *                   [ peer name qb [ netns NS ] [ other ip link options ] ]
 *   ip link add qa type qlinksim end a|b peer ADDR:PORT key FILE
 *                   [ local-port N ] [ timeout MS ] [ keepalive MS ]
 *                   [ clock-offset PS ] [ SETTING VALUE ... ]
 *   ip link set qa type qlinksim PHYSICS VALUE ...
 *   ip -d [-j] link show qa
 *
 * The simulator's physics and faults are flat IFLA_QLINKSIM_* attributes;
 * the core's configuration (window-full, offset, max-pairs, memory-slots,
 * cutoff, min-fidelity) goes into the IFLA_QLINKSIM_CONFIG nest, at creation only (later
 * it is QLINK_CMD_LINK_SET's: `qlink link set`). A split end (`end a|b`,
 * one end of a link whose other end is on another host) has a link
 * protocol peer instead of a peer device: `peer ADDR:PORT` (IPv6 as
 * [ADDR]:PORT) is told apart from `peer name X` by its colon, and goes
 * with its key and timers into the IFLA_QLINKSIM_LINK_PEER nest.
 *
 * ip dlopens $IP_LIB_DIR/link_qlinksim.so and looks up qlinksim_link_util
 * (struct link_util of iproute2 6.1's ip/ip_common.h). Everything this
 * file calls from iproute2 (addattr*, iplink_parse, print_*, matches...)
 * resolves against the running ip binary, which exports its symbols; the
 * table of settings and units is the qlink tool's (qlink_params.c,
 * compiled in), so both speak the same words.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/qlink.h>

#include "utils.h"
#include "ip_common.h"
#include "json_print.h"
#include "qlink_params.h"

#define QS_GROUPS	(QP_BIT(QP_SIM) | QP_BIT(QP_CONFIG))

static void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add NAME type qlinksim [ SETTING VALUE ... ]\n"
		"                   [ peer [ name PEER ] [ netns NS ] [ ip link options ] ]\n"
		"       ip link add NAME type qlinksim end { a | b } SPLIT [ SETTING VALUE ... ]\n"
		"       ip link set NAME type qlinksim PHYSICS VALUE [ PHYSICS VALUE ... ]\n"
		"       ip link set NAME type qlinksim clock-offset PS\n"
		"Both ends of a link share the settings; they may come before or\n"
		"after the peer options. SETTING is PHYSICS or CONFIG.\n"
		"end a | b: make one end of the link (split mode); the other end is\n"
		"made on another host (or netns) with the other letter, the same\n"
		"settings and the same seed. End a decides the heralds.\n"
		"SPLIT := peer ADDR:PORT key FILE [ local-port PORT ] [ timeout MS ]\n"
		"         [ keepalive MS ] [ clock-offset PS ]\n"
		"  ADDR:PORT  the other end's address and UDP port ([ADDR]:PORT for IPv6)\n"
		"  key FILE   the link's 256-bit key, the same at both ends: 64 hex\n"
		"             digits or 32 bytes\n"
		"  local-port this end's UDP port (default: PORT)\n"
		"  timeout    ms without a message before the peer is gone (3000)\n"
		"  keepalive  ms between hellos (1000)\n"
		"  clock-offset  this end's link clock ahead of real time, ps (0);\n"
		"             changes only while the link is down\n"
		"PHYSICS: the simulator's physics and faults:\n");
	qp_help(f, QP_SIM);
	fprintf(f, "CONFIG: the link's configuration, at creation (later: qlink link set):\n");
	qp_help(f, QP_CONFIG);
	qp_help_units(f);
}

/* Is ARG the start of our own settings again (ends the peer options)? */
static bool is_param_word(const char *arg)
{
	size_t i;

	if (!strcmp(arg, "end") || !strcmp(arg, "clock-offset"))
		return true;
	for (i = 0; i < qp_table_len; i++)
		if ((QP_BIT(qp_table[i].group) & QS_GROUPS) && !qp_table[i].ro &&
		    !strcmp(arg, qp_table[i].name))
			return true;
	return false;
}

/* Add the settings of @group in @s as attributes of @n. */
static void add_group(struct nlmsghdr *n, const struct qp_set *s, int group)
{
	const struct qp_desc *d;
	int i;

	for (i = 1; i <= QP_ATTR_MAX; i++) {
		d = qp_by_attr(group, i);
		if (!d || !qp_has(s, group, i))
			continue;
		switch (d->wire) {
		case QP_U8:
			addattr8(n, 1024, i, (__u8)s->value[group][i]);
			break;
		case QP_U64:
		case QP_S64:
			addattr64(n, 1024, i, (__u64)s->value[group][i]);
			break;
		default:
			addattr32(n, 1024, i, (__u32)s->value[group][i]);
			break;
		}
	}
}

/*
 * "peer OPTIONS": the peer's ifinfomsg and IFLA_* attributes in
 * IFLA_QLINKSIM_PEER, parsed by ip's own iplink_parse() as link_veth.c
 * does. Returns the number of words consumed after "peer".
 */
static int parse_peer(int argc, char **argv, struct nlmsghdr *n)
{
	struct ifinfomsg *ifm = NLMSG_DATA(n), *peer_ifm;
	unsigned int ifi_flags, ifi_change, ifi_index;
	struct rtattr *data;
	char *type = NULL;
	int len, err;

	for (len = 0; len < argc && !is_param_word(argv[len]); len++)
		;

	ifi_flags = ifm->ifi_flags;
	ifi_change = ifm->ifi_change;
	ifi_index = ifm->ifi_index;
	ifm->ifi_flags = 0;
	ifm->ifi_change = 0;
	ifm->ifi_index = 0;

	data = addattr_nest(n, 1024, IFLA_QLINKSIM_PEER);
	n->nlmsg_len += sizeof(struct ifinfomsg);

	err = len ? iplink_parse(len, argv, (struct iplink_req *)n, &type) : 0;
	if (err < 0)
		return err;
	if (type)
		duparg("type", argv[err]);
	if (err != len) {
		fprintf(stderr, "qlinksim: unexpected peer option \"%s\"\n",
			argv[err]);
		return -1;
	}

	peer_ifm = RTA_DATA(data);
	peer_ifm->ifi_index = ifm->ifi_index;
	peer_ifm->ifi_flags = ifm->ifi_flags;
	peer_ifm->ifi_change = ifm->ifi_change;
	ifm->ifi_flags = ifi_flags;
	ifm->ifi_change = ifi_change;
	ifm->ifi_index = ifi_index;

	addattr_nest_end(n, data);
	return len;
}

/* A link protocol peer (ADDR:PORT, [ADDR]:PORT) rather than a device? */
static bool is_endpoint(const char *arg)
{
	return arg && (arg[0] == '[' || strchr(arg, ':'));
}

/* ADDR:PORT or [ADDR]:PORT into @addr (4 or 16 bytes, *@alen) and @port. */
static int parse_endpoint(const char *arg, unsigned char addr[16],
			  int *alen, __u16 *port)
{
	char host[INET6_ADDRSTRLEN + 2], *colon, *end;
	const char *p;
	unsigned long v;
	size_t len;

	if (arg[0] == '[') {
		p = strchr(arg, ']');
		if (!p || p[1] != ':')
			return -1;
		len = p - arg - 1;
		if (len >= sizeof(host))
			return -1;
		memcpy(host, arg + 1, len);
		host[len] = '\0';
		if (inet_pton(AF_INET6, host, addr) != 1)
			return -1;
		*alen = 16;
		p += 2;
	} else {
		colon = strrchr(arg, ':');
		len = colon - arg;
		if (len >= sizeof(host))
			return -1;
		memcpy(host, arg, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, addr) != 1)
			return -1;
		*alen = 4;
		p = colon + 1;
	}
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno || !*p || *end || !isdigit((unsigned char)*p) || !v ||
	    v > 65535)
		return -1;
	*port = v;
	return 0;
}

/*
 * The link key from FILE: 64 hex digits (white space around them
 * allowed) or 32 raw bytes. Every copy of it is wiped here; the request
 * holds the last one.
 */
static int read_key(const char *path, unsigned char key[32])
{
	unsigned char buf[130];
	size_t n = 0, i, k = 0;
	ssize_t r;
	int fd, err = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "qlinksim: key file \"%s\": %s\n", path,
			strerror(errno));
		return -1;
	}
	while (n < sizeof(buf) &&
	       (r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += r;
	close(fd);
	if (n == 32) {
		memcpy(key, buf, 32);
		err = 0;
		goto out;
	}
	for (i = 0; i < n && k < 64; i++) {
		int d;

		if (isspace(buf[i]) && (k == 0))
			continue;
		if (!isxdigit(buf[i]))
			break;
		d = isdigit(buf[i]) ? buf[i] - '0' : tolower(buf[i]) - 'a' + 10;
		key[k / 2] = k % 2 ? key[k / 2] | d : d << 4;
		k++;
	}
	while (i < n && isspace(buf[i]))
		i++;
	if (k == 64 && i == n)
		err = 0;
	else
		fprintf(stderr,
			"qlinksim: key file \"%s\": want 64 hex digits or 32 bytes\n",
			path);
out:
	explicit_bzero(buf, sizeof(buf));
	if (err)
		explicit_bzero(key, 32);
	return err;
}

/* A u32 option value in [min, max]. */
static int get_ranged(__u32 *v, const char *word, const char *arg, __u32 min,
		      __u32 max)
{
	if (get_u32(v, arg, 0) || *v < min || *v > max) {
		fprintf(stderr, "qlinksim: %s \"%s\": want %u..%u\n", word, arg,
			min, max);
		return -1;
	}
	return 0;
}

/*
 * "peer ADDR:PORT key FILE [local-port N] [timeout MS] [keepalive MS]":
 * the IFLA_QLINKSIM_LINK_PEER nest (enum qlink_peer_attr; the kernel
 * checks the ranges too). Returns the number of words consumed after
 * "peer".
 */
static int parse_link_peer(int argc, char **argv, struct nlmsghdr *n)
{
	unsigned char addr[16], key[32];
	bool have_key = false;
	__u16 port, lport = 0;
	__u32 timeout = 0, keepalive = 0, v;
	struct rtattr *nest;
	int alen, used = 1;

	if (parse_endpoint(argv[0], addr, &alen, &port)) {
		fprintf(stderr,
			"qlinksim: peer \"%s\": want ADDR:PORT or [IPV6ADDR]:PORT\n",
			argv[0]);
		return -1;
	}
	while (used < argc) {
		const char *w = argv[used], *arg = used + 1 < argc ?
						   argv[used + 1] : NULL;

		if (strcmp(w, "key") && strcmp(w, "local-port") &&
		    strcmp(w, "timeout") && strcmp(w, "keepalive"))
			break;
		if (!arg) {
			fprintf(stderr, "qlinksim: %s needs a value\n", w);
			goto err;
		}
		if (!strcmp(w, "key")) {
			if (have_key)
				duparg("key", arg);
			if (read_key(arg, key))
				goto err;
			have_key = true;
		} else if (!strcmp(w, "local-port")) {
			if (get_ranged(&v, w, arg, 1, 65535))
				goto err;
			lport = v;
		} else if (!strcmp(w, "timeout")) {
			if (get_ranged(&timeout, w, arg, 100, 600000))
				goto err;
		} else if (get_ranged(&keepalive, w, arg, 10, 60000)) {
			goto err;
		}
		used += 2;
	}
	if (!have_key) {
		fprintf(stderr, "qlinksim: peer %s needs \"key FILE\"\n",
			argv[0]);
		return -1;
	}

	nest = addattr_nest(n, 1024, IFLA_QLINKSIM_LINK_PEER | NLA_F_NESTED);
	addattr_l(n, 1024, QLINK_A_PEER_ADDRESS, addr, alen);
	addattr16(n, 1024, QLINK_A_PEER_PORT, port);
	if (lport)
		addattr16(n, 1024, QLINK_A_PEER_LOCAL_PORT, lport);
	addattr_l(n, 1024, QLINK_A_PEER_KEY, key, sizeof(key));
	if (timeout)
		addattr32(n, 1024, QLINK_A_PEER_TIMEOUT, timeout);
	if (keepalive)
		addattr32(n, 1024, QLINK_A_PEER_KEEPALIVE, keepalive);
	addattr_nest_end(n, nest);
	explicit_bzero(key, sizeof(key));
	return used;
err:
	explicit_bzero(key, sizeof(key));
	return -1;
}

static const char *const end_names[] = {
	[QLINKSIM_END_BOTH] = "both",
	[QLINKSIM_END_A] = "a",
	[QLINKSIM_END_B] = "b",
};

static int qlinksim_parse_opt(struct link_util *lu, int argc, char **argv,
			      struct nlmsghdr *n)
{
	bool peer = false, have_end = false, have_offset = false;
	__s64 offset = 0;
	struct qp_set s;
	__u8 end = 0;
	char *stop;
	int used;

	memset(&s, 0, sizeof(s));
	while (argc > 0) {
		if (strcmp(*argv, "peer") == 0) {
			if (peer)
				duparg("peer", *argv);
			peer = true;
			if (argc > 1 && is_endpoint(argv[1]))
				used = parse_link_peer(argc - 1, argv + 1, n);
			else
				used = parse_peer(argc - 1, argv + 1, n);
			if (used < 0)
				return -1;
			argc -= used + 1;
			argv += used + 1;
		} else if (strcmp(*argv, "end") == 0) {
			NEXT_ARG();
			if (have_end)
				duparg("end", *argv);
			for (end = 0; end < ARRAY_SIZE(end_names); end++)
				if (!strcmp(*argv, end_names[end]))
					break;
			if (end == ARRAY_SIZE(end_names)) {
				fprintf(stderr,
					"qlinksim: end \"%s\": want a, b or both\n",
					*argv);
				return -1;
			}
			have_end = true;
			argc--;
			argv++;
		} else if (strcmp(*argv, "clock-offset") == 0) {
			NEXT_ARG();
			if (have_offset)
				duparg("clock-offset", *argv);
			errno = 0;
			offset = strtoll(*argv, &stop, 0);
			if (errno || !**argv || *stop ||
			    offset < -1000000000000LL || offset > 1000000000000LL) {
				fprintf(stderr,
					"qlinksim: clock-offset \"%s\": want ps in [-10^12, 10^12]\n",
					*argv);
				return -1;
			}
			have_offset = true;
			argc--;
			argv++;
		} else if (matches(*argv, "help") == 0) {
			print_usage(stdout);
			exit(0);
		} else if (qp_find(*argv, QS_GROUPS)) {
			qp_parse_args(&argc, &argv, &s, QS_GROUPS);
		} else {
			fprintf(stderr,
				"qlinksim: unknown option \"%s\", try \"ip link help qlinksim\"\n",
				*argv);
			return -1;
		}
	}

	/* The configuration is the qlink family's once the link exists. */
	if (qp_any(&s, QP_CONFIG) && !(n->nlmsg_flags & NLM_F_CREATE)) {
		fprintf(stderr,
			"qlinksim: the configuration (window-full, offset, max-pairs, memory-slots,\n"
			"cutoff, min-fidelity) is set at creation only; change it with\n"
			"\"qlink link set\"\n");
		return -1;
	}
	if (have_end && !(n->nlmsg_flags & NLM_F_CREATE)) {
		fprintf(stderr, "qlinksim: \"end\" is set at creation only\n");
		return -1;
	}
	if (have_end)
		addattr8(n, 1024, IFLA_QLINKSIM_END, end);
	if (have_offset)
		addattr64(n, 1024, IFLA_QLINKSIM_CLOCK_OFFSET, (__u64)offset);
	add_group(n, &s, QP_SIM);
	if (qp_any(&s, QP_CONFIG)) {
		/* The kernel parses this nest strictly: flag it as a nest. */
		struct rtattr *nest = addattr_nest(n, 1024,
						   IFLA_QLINKSIM_CONFIG | NLA_F_NESTED);

		add_group(n, &s, QP_CONFIG);
		addattr_nest_end(n, nest);
	}
	return 0;
}

/* The physics and faults, from the flat IFLA_QLINKSIM_* attributes. */
static void qlinksim_print_opt(struct link_util *lu, FILE *f,
			       struct rtattr *tb[])
{
	const struct qp_desc *d;
	struct qp_set s;
	int i;

	if (!tb)
		return;
	memset(&s, 0, sizeof(s));
	for (i = 1; i <= IFLA_QLINKSIM_MAX; i++) {
		d = qp_by_attr(QP_SIM, i);
		if (!tb[i] || !d)
			continue;
		switch (d->wire) {
		case QP_U8:
			if (RTA_PAYLOAD(tb[i]) < sizeof(__u8))
				continue;
			qp_put(&s, QP_SIM, i, rta_getattr_u8(tb[i]));
			break;
		case QP_U32:
			if (RTA_PAYLOAD(tb[i]) < sizeof(__u32))
				continue;
			qp_put(&s, QP_SIM, i, rta_getattr_u32(tb[i]));
			break;
		case QP_S32:
			if (RTA_PAYLOAD(tb[i]) < sizeof(__u32))
				continue;
			qp_put(&s, QP_SIM, i, (__s32)rta_getattr_u32(tb[i]));
			break;
		default:
			if (RTA_PAYLOAD(tb[i]) < sizeof(__u64))
				continue;
			qp_put(&s, QP_SIM, i, (__s64)rta_getattr_u64(tb[i]));
			break;
		}
	}
	qp_print(&s, QP_SIM, false, NULL);

	if (tb[IFLA_QLINKSIM_END] &&
	    RTA_PAYLOAD(tb[IFLA_QLINKSIM_END]) >= sizeof(__u8)) {
		__u8 end = rta_getattr_u8(tb[IFLA_QLINKSIM_END]);

		print_string(PRINT_ANY, "end", "end %s ",
			     end < ARRAY_SIZE(end_names) ? end_names[end] : "?");
		/* the offset means something at a split end only */
		if (end != QLINKSIM_END_BOTH && tb[IFLA_QLINKSIM_CLOCK_OFFSET] &&
		    RTA_PAYLOAD(tb[IFLA_QLINKSIM_CLOCK_OFFSET]) >= sizeof(__u64))
			print_s64(PRINT_ANY, "clock_offset", "clock-offset %lld ",
				  (__s64)rta_getattr_u64(tb[IFLA_QLINKSIM_CLOCK_OFFSET]));
	}
}

static void qlinksim_print_help(struct link_util *lu, int argc, char **argv,
				FILE *f)
{
	print_usage(f);
}

__attribute__((visibility("default")))
struct link_util qlinksim_link_util = {
	.id		= "qlinksim",
	.maxattr	= IFLA_QLINKSIM_MAX,
	.parse_opt	= qlinksim_parse_opt,
	.print_opt	= qlinksim_print_opt,
	.print_help	= qlinksim_print_help,
};
