// SPDX-License-Identifier: GPL-2.0
/*
 * link_qlinksim.so: `ip link ... type qlinksim` for iproute2's ip.
 *
 *   ip link add qa type qlinksim [ SETTING VALUE ... ]
 *                   [ peer name qb [ netns NS ] [ other ip link options ] ]
 *   ip link set qa type qlinksim PHYSICS VALUE ...
 *   ip -d [-j] link show qa
 *
 * The simulator's physics and faults are flat IFLA_QLINKSIM_* attributes;
 * the core's configuration (window-full, offset, max-pairs, memory-slots,
 * cutoff, min-fidelity) goes into the IFLA_QLINKSIM_CONFIG nest, at creation only (later
 * it is QLINK_CMD_LINK_SET's: `qlink link set`).
 *
 * ip dlopens $IP_LIB_DIR/link_qlinksim.so and looks up qlinksim_link_util
 * (struct link_util of iproute2 6.1's ip/ip_common.h). Everything this
 * file calls from iproute2 (addattr*, iplink_parse, print_*, matches...)
 * resolves against the running ip binary, which exports its symbols; the
 * table of settings and units is the qlink tool's (qlink_params.c,
 * compiled in), so both speak the same words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		"       ip link set NAME type qlinksim PHYSICS VALUE [ PHYSICS VALUE ... ]\n"
		"Both ends of a link share the settings; they may come before or\n"
		"after the peer options. SETTING is PHYSICS or CONFIG.\n"
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

static int qlinksim_parse_opt(struct link_util *lu, int argc, char **argv,
			      struct nlmsghdr *n)
{
	struct qp_set s;
	bool peer = false;
	int used;

	memset(&s, 0, sizeof(s));
	while (argc > 0) {
		if (strcmp(*argv, "peer") == 0) {
			if (peer)
				duparg("peer", *argv);
			peer = true;
			used = parse_peer(argc - 1, argv + 1, n);
			if (used < 0)
				return -1;
			argc -= used + 1;
			argv += used + 1;
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
